//! Streaming table writers: rows arrive in release order and leave as fixed-size batches, each one
//! Parquet row group and a run of CSV lines, so memory stays flat however large the table.

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::io::parquet::write::{BatchedWriter as ParquetBatched, KeyValueMetadata, ParquetCompression, StatisticsOptions};
use polars::prelude::*;

use crate::error::PipelineError;
use crate::release::tables::{Cell, Kind, Table, TableRow};

/// Rows per Parquet row group and CSV batch. Fixed: the file bytes depend on it.
pub const BATCH_ROWS: usize = 8192;

enum Buf {
    Str(Vec<Option<String>>),
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
    Bool(Vec<Option<bool>>),
}

fn polars_dtype(kind: Kind) -> DataType {
    match kind {
        Kind::Str => DataType::String,
        Kind::Int => DataType::Int64,
        Kind::Float => DataType::Float64,
        Kind::Bool => DataType::Boolean,
    }
}

/// The polars schema of a table.
pub fn polars_schema(table: &Table) -> Schema {
    Schema::from_iter(table.columns.iter().map(|c| Field::new(c.name.into(), polars_dtype(c.kind))))
}

fn table_err(table: &Table, e: impl std::fmt::Display) -> PipelineError {
    PipelineError::Table { table: table.name.to_owned(), message: e.to_string() }
}

/// Writes one table as `parquet/<name>.parquet` and `csv/<name>.csv` under a release directory.
pub struct TableWriter {
    table: &'static Table,
    bufs: Vec<Buf>,
    pending: usize,
    rows: u64,
    parquet: ParquetBatched<File>,
    csv: polars::io::csv::write::BatchedWriter<File>,
    files: [(PathBuf, File); 2],
}

impl TableWriter {
    pub fn create(dir: &Path, table: &'static Table, key_values: &[(String, String)]) -> Result<TableWriter, PipelineError> {
        let schema = polars_schema(table);
        let open = |sub: &str, ext: &str| -> Result<(PathBuf, File, File), PipelineError> {
            let path = dir.join(sub).join(format!("{}.{ext}", table.name));
            let file = File::create(&path).map_err(|source| PipelineError::Io { path: path.clone(), source })?;
            let handle = file.try_clone().map_err(|source| PipelineError::Io { path: path.clone(), source })?;
            Ok((path, file, handle))
        };
        let (pq_path, pq_file, pq_handle) = open("parquet", "parquet")?;
        let (csv_path, csv_file, csv_handle) = open("csv", "csv")?;
        let mut kv = vec![("casualty_corpus.table".to_owned(), table.name.to_owned())];
        kv.extend(key_values.iter().cloned());
        let parquet = ParquetWriter::new(pq_file)
            .with_compression(ParquetCompression::Zstd(None))
            // Explicit, so no environment variable can change the bytes (engineering notes).
            .with_statistics(StatisticsOptions {
                min_value: true,
                max_value: true,
                distinct_count: false,
                null_count: true,
                binary_statistics_truncate_length: Some(64),
            })
            .with_key_value_metadata(Some(KeyValueMetadata::from_static(kv)))
            .batched(&schema)
            .map_err(|e| table_err(table, e))?;
        let csv = CsvWriter::new(csv_file)
            .include_header(true)
            .with_line_terminator("\n".into())
            .with_null_value("".into())
            .batched(&schema)
            .map_err(|e| table_err(table, e))?;
        let bufs = table
            .columns
            .iter()
            .map(|c| match c.kind {
                Kind::Str => Buf::Str(Vec::with_capacity(BATCH_ROWS)),
                Kind::Int => Buf::Int(Vec::with_capacity(BATCH_ROWS)),
                Kind::Float => Buf::Float(Vec::with_capacity(BATCH_ROWS)),
                Kind::Bool => Buf::Bool(Vec::with_capacity(BATCH_ROWS)),
            })
            .collect();
        Ok(TableWriter { table, bufs, pending: 0, rows: 0, parquet, csv, files: [(pq_path, pq_handle), (csv_path, csv_handle)] })
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    pub fn push<R: TableRow>(&mut self, row: &R) -> Result<(), PipelineError> {
        debug_assert_eq!(R::TABLE.name, self.table.name);
        let cells = row.cells();
        if cells.len() != self.bufs.len() {
            return Err(table_err(self.table, format!("a row has {} cells, the table {} columns", cells.len(), self.bufs.len())));
        }
        for (i, (buf, cell)) in self.bufs.iter_mut().zip(cells).enumerate() {
            let column = &self.table.columns[i];
            let null = matches!(cell, Cell::Str(None) | Cell::Int(None) | Cell::Float(None) | Cell::Bool(None));
            if null && !column.nullable {
                return Err(table_err(self.table, format!("column {} is not nullable", column.name)));
            }
            match (buf, cell) {
                (Buf::Str(v), Cell::Str(x)) => v.push(x.map(str::to_owned)),
                (Buf::Int(v), Cell::Int(x)) => v.push(x),
                (Buf::Float(v), Cell::Float(x)) => v.push(x),
                (Buf::Bool(v), Cell::Bool(x)) => v.push(x),
                _ => return Err(table_err(self.table, format!("column {} got a cell of another type", column.name))),
            }
        }
        self.pending += 1;
        self.rows += 1;
        if self.pending == BATCH_ROWS {
            self.flush_batch()?;
        }
        Ok(())
    }

    fn flush_batch(&mut self) -> Result<(), PipelineError> {
        if self.pending == 0 {
            return Ok(());
        }
        let columns: Vec<Column> = self
            .bufs
            .iter_mut()
            .zip(self.table.columns)
            .map(|(buf, c)| {
                let name: PlSmallStr = c.name.into();
                let series = match buf {
                    Buf::Str(v) => Series::new(name, std::mem::take(v)),
                    Buf::Int(v) => Series::new(name, std::mem::take(v)),
                    Buf::Float(v) => Series::new(name, std::mem::take(v)),
                    Buf::Bool(v) => Series::new(name, std::mem::take(v)),
                };
                series.into_column()
            })
            .collect();
        let mut df = DataFrame::new(self.pending, columns).map_err(|e| table_err(self.table, e))?;
        // One chunk per column, so each batch is exactly one row group (engineering notes).
        df.rechunk_mut();
        self.parquet.write_batch(&df).map_err(|e| table_err(self.table, e))?;
        self.csv.write_batch(&df).map_err(|e| table_err(self.table, e))?;
        self.pending = 0;
        Ok(())
    }

    /// Writes the last batch and the file footers, and syncs both files to disk.
    pub fn finish(mut self) -> Result<u64, PipelineError> {
        self.flush_batch()?;
        self.parquet.finish().map_err(|e| table_err(self.table, e))?;
        self.csv.finish().map_err(|e| table_err(self.table, e))?;
        for (path, file) in &self.files {
            file.sync_all().map_err(|source| PipelineError::Io { path: path.clone(), source })?;
        }
        Ok(self.rows)
    }
}
