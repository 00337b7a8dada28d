//! Streaming table writers: rows arrive in release order and leave as fixed-size batches, each one
//! Parquet row group and a run of CSV lines, so memory stays flat however large the table.

use std::fs::File;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::path::{Path, PathBuf};

use polars::io::parquet::write::{BatchedWriter as ParquetBatched, KeyValueMetadata, ParquetCompression, StatisticsOptions};
use polars::prelude::*;

use crate::error::PipelineError;
use crate::release::tables::{Cell, Kind, Table, TableRow};

/// Rows per Parquet row group and CSV batch. Fixed: the file bytes depend on it.
pub const BATCH_ROWS: usize = 8192;

/// Fault injection for tests: with `CASUALTY_CORPUS_FAULT_WRITE_LIMIT=N`, the table files of the
/// process fail with "no space left" once N bytes in all have been written, as a full disk would.
const FAULT_WRITE_LIMIT: &str = "CASUALTY_CORPUS_FAULT_WRITE_LIMIT";

fn write_budget() -> Option<&'static AtomicU64> {
    static BUDGET: OnceLock<Option<AtomicU64>> = OnceLock::new();
    BUDGET.get_or_init(|| std::env::var(FAULT_WRITE_LIMIT).ok().and_then(|v| v.parse().ok()).map(AtomicU64::new)).as_ref()
}

/// A table file. It remembers its last I/O error, because the Parquet writer reports a failed
/// write as a format error ("Invalid thrift") that no longer says the disk was full.
pub struct TableFile {
    file: File,
    last_error: Arc<Mutex<Option<String>>>,
}

impl TableFile {
    fn write_checked(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Some(budget) = write_budget() {
            let n = buf.len() as u64;
            if budget.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| left.checked_sub(n)).is_err() {
                return Err(std::io::Error::new(std::io::ErrorKind::StorageFull, "no space left on device (injected by CASUALTY_CORPUS_FAULT_WRITE_LIMIT)"));
            }
        }
        self.file.write(buf)
    }
}

impl Write for TableFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let result = self.write_checked(buf);
        if let Err(e) = &result {
            if let Ok(mut last) = self.last_error.lock() {
                *last = Some(e.to_string());
            }
        }
        result
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

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

/// A writer error, naming the underlying I/O error when there was one.
fn write_err(table: &Table, io_error: &Mutex<Option<String>>, e: impl std::fmt::Display) -> PipelineError {
    match io_error.lock().ok().and_then(|last| last.clone()) {
        Some(io) => table_err(table, format!("{io} ({e})")),
        None => table_err(table, e),
    }
}

/// Writes one table as `parquet/<name>.parquet` and `csv/<name>.csv` under a release directory.
///
/// Rows are gathered here; each full batch goes to the table's own encoder thread, which writes
/// the Parquet row group and the CSV lines while the next batch fills (encoding is about a third
/// of reduce). Each file is still written in order by one thread, so its bytes do not change.
pub struct TableWriter {
    table: &'static Table,
    bufs: Vec<Buf>,
    pending: usize,
    rows: u64,
    to_encoder: Option<std::sync::mpsc::SyncSender<DataFrame>>,
    encoder: Option<std::thread::JoinHandle<Result<(), PipelineError>>>,
    files: [(PathBuf, File); 2],
}

impl Drop for TableWriter {
    /// A writer abandoned on an error still waits for its encoder, so no thread writes into a
    /// staging directory that is being removed.
    fn drop(&mut self) {
        self.to_encoder = None;
        if let Some(handle) = self.encoder.take() {
            let _ = handle.join();
        }
    }
}

/// The encoder thread: writes each batch to both files, then the footers once the channel closes.
fn encode(
    table: &'static Table,
    batches: std::sync::mpsc::Receiver<DataFrame>,
    mut parquet: ParquetBatched<TableFile>,
    mut csv: polars::io::csv::write::BatchedWriter<TableFile>,
    io_error: Arc<Mutex<Option<String>>>,
) -> Result<(), PipelineError> {
    for mut df in batches {
        // One chunk per column, so each batch is exactly one row group (engineering notes).
        df.rechunk_mut();
        parquet.write_batch(&df).map_err(|e| write_err(table, &io_error, e))?;
        csv.write_batch(&df).map_err(|e| write_err(table, &io_error, e))?;
    }
    parquet.finish().map_err(|e| write_err(table, &io_error, e))?;
    csv.finish().map_err(|e| write_err(table, &io_error, e))?;
    Ok(())
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
        let io_error = Arc::new(Mutex::new(None));
        let table_file = |file| TableFile { file, last_error: Arc::clone(&io_error) };
        let mut kv = vec![("casualty_corpus.table".to_owned(), table.name.to_owned())];
        kv.extend(key_values.iter().cloned());
        let parquet = ParquetWriter::new(table_file(pq_file))
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
        let csv = CsvWriter::new(table_file(csv_file))
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
        // One batch waiting beside the one being encoded bounds the memory of each table.
        let (to_encoder, batches) = std::sync::mpsc::sync_channel(1);
        let encoder = std::thread::Builder::new()
            .name(format!("encode-{}", table.name))
            .spawn(move || encode(table, batches, parquet, csv, io_error))
            .map_err(|e| table_err(table, format!("cannot start its encoder thread: {e}")))?;
        Ok(TableWriter {
            table,
            bufs,
            pending: 0,
            rows: 0,
            to_encoder: Some(to_encoder),
            encoder: Some(encoder),
            files: [(pq_path, pq_handle), (csv_path, csv_handle)],
        })
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
        let df = DataFrame::new(self.pending, columns).map_err(|e| table_err(self.table, e))?;
        self.pending = 0;
        let sent = self.to_encoder.as_ref().is_some_and(|tx| tx.send(df).is_ok());
        if !sent {
            // The encoder stopped: its error says why.
            self.join_encoder()?;
            return Err(table_err(self.table, "its encoder stopped"));
        }
        Ok(())
    }

    /// Closes the encoder's channel and waits for it to write the footers.
    fn join_encoder(&mut self) -> Result<(), PipelineError> {
        self.to_encoder = None;
        match self.encoder.take() {
            Some(handle) => handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            None => Ok(()),
        }
    }

    /// Writes the last batch and the file footers, and syncs both files to disk.
    pub fn finish(mut self) -> Result<u64, PipelineError> {
        self.flush_batch()?;
        self.join_encoder()?;
        for (path, file) in &self.files {
            file.sync_all().map_err(|source| PipelineError::Io { path: path.clone(), source })?;
        }
        Ok(self.rows)
    }
}
