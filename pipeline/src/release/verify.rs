//! `verify`: recompute every checksum of a release, check that no file is missing or extra, and
//! validate every table, Parquet and CSV, against its JSON Schema and its row count.

use std::collections::BTreeSet;
use std::fs::File;
use std::path::Path;

use polars::prelude::*;
use serde_json::{Map, Value};

use crate::error::PipelineError;
use crate::release::manifest::{file_digest, relative_files, table_of, Manifest};
use crate::release::tables::{table, Kind, Table};
use crate::release::writer::polars_schema;

/// Rows validated at a time (bounds memory on large tables).
const CHUNK: usize = 8192;
/// Problems listed per file before the rest are summarised.
const MAX_ROW_PROBLEMS: usize = 5;

/// What verify checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyReport {
    pub files: usize,
    pub rows_checked: u64,
}

/// Verifies a release directory; the error lists every problem found, each naming its file.
pub fn verify(release: &Path) -> Result<VerifyReport, PipelineError> {
    let manifest = Manifest::read(release)?;
    let mut problems = Vec::new();
    let mut report = VerifyReport::default();
    let listed: BTreeSet<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    for extra in relative_files(release)?.iter().filter(|f| !listed.contains(f.as_str())) {
        problems.push(format!("{extra}: extra file, not in the manifest"));
    }
    for entry in &manifest.files {
        let path = release.join(&entry.path);
        if !path.is_file() {
            problems.push(format!("{}: missing", entry.path));
            continue;
        }
        report.files += 1;
        match file_digest(&path) {
            Ok((sha, bytes)) if sha != entry.sha256 || bytes != entry.bytes => {
                problems.push(format!("{}: checksum mismatch (manifest {} bytes {}, file {} bytes {})", entry.path, entry.sha256, entry.bytes, sha, bytes));
                continue;
            }
            Ok(_) => {}
            Err(e) => {
                problems.push(format!("{}: {e}", entry.path));
                continue;
            }
        }
        let Some(name) = table_of(&entry.path) else { continue };
        let Some(table) = table(name) else {
            problems.push(format!("{}: not a table of this release format", entry.path));
            continue;
        };
        let checked = check_table(release, &entry.path, table);
        match checked {
            Ok(rows) if Some(rows) != entry.rows => {
                problems.push(format!("{}: {rows} rows, the manifest says {:?}", entry.path, entry.rows));
            }
            Ok(rows) => report.rows_checked += rows,
            Err(mut p) => problems.append(&mut p),
        }
    }
    if problems.is_empty() {
        Ok(report)
    } else {
        Err(PipelineError::Verify(problems.join("\n")))
    }
}

/// Validates every row of one table file against the release's JSON Schema of the table.
fn check_table(release: &Path, rel: &str, table: &Table) -> Result<u64, Vec<String>> {
    let schema_path = release.join("schemas").join(format!("{}.schema.json", table.name));
    let schema: Value = std::fs::read(&schema_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| vec![format!("{rel}: schema {} is missing or not JSON", schema_path.display())])?;
    let validator = jsonschema::validator_for(&schema).map_err(|e| vec![format!("{rel}: invalid JSON Schema: {e}")])?;
    let columns: Vec<(String, Kind)> = schema["properties"]
        .as_object()
        .map(|p| p.iter().map(|(name, prop)| (name.clone(), kind_of(prop))).collect())
        .unwrap_or_default();
    let mut problems = Vec::new();
    let check_row = |row_no: u64, row: Value, problems: &mut Vec<String>| {
        if problems.len() < MAX_ROW_PROBLEMS {
            for e in validator.iter_errors(&row).take(1) {
                problems.push(format!("{rel}: row {row_no}: {} at {}", e, e.instance_path()));
            }
        }
    };
    let path = release.join(rel);
    let rows = if rel.ends_with(".parquet") {
        let df = File::open(&path)
            .map_err(|e| e.to_string())
            .and_then(|f| ParquetReader::new(f).finish().map_err(|e| e.to_string()))
            .map_err(|e| vec![format!("{rel}: cannot read Parquet: {e}")])?;
        let expected = polars_schema(table);
        let actual = df.schema();
        if actual.iter_names().map(|n| n.as_str()).ne(columns.iter().map(|(n, _)| n.as_str())) {
            return Err(vec![format!("{rel}: columns {:?} differ from the schema's", actual.iter_names().collect::<Vec<_>>())]);
        }
        for (name, dtype) in expected.iter() {
            if actual.get(name) != Some(dtype) {
                problems.push(format!("{rel}: column {name} is {:?}, expected {dtype:?}", actual.get(name)));
            }
        }
        let height = df.height();
        let mut offset = 0;
        while offset < height {
            let chunk = df.slice(offset as i64, CHUNK);
            for (i, row) in parquet_rows(&chunk, &columns).into_iter().enumerate() {
                check_row((offset + i + 1) as u64, row, &mut problems);
            }
            offset += CHUNK;
        }
        height as u64
    } else {
        let mut rdr = csv::ReaderBuilder::new().from_path(&path).map_err(|e| vec![format!("{rel}: {e}")])?;
        let header: Vec<String> = rdr.headers().map_err(|e| vec![format!("{rel}: {e}")])?.iter().map(str::to_owned).collect();
        if header.iter().map(String::as_str).ne(columns.iter().map(|(n, _)| n.as_str())) {
            return Err(vec![format!("{rel}: header {header:?} differs from the schema's columns")]);
        }
        let mut n = 0u64;
        for record in rdr.records() {
            n += 1;
            match record {
                Ok(r) => match csv_row(&r, &columns) {
                    Ok(row) => check_row(n, row, &mut problems),
                    Err(e) => problems.push(format!("{rel}: row {n}: {e}")),
                },
                Err(e) => problems.push(format!("{rel}: row {n}: {e}")),
            }
        }
        n
    };
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

fn kind_of(prop: &Value) -> Kind {
    let t = match &prop["type"] {
        Value::Array(a) => a.first().and_then(Value::as_str).unwrap_or("string"),
        v => v.as_str().unwrap_or("string"),
    };
    match t {
        "integer" => Kind::Int,
        "number" => Kind::Float,
        "boolean" => Kind::Bool,
        _ => Kind::Str,
    }
}

fn parquet_rows(df: &DataFrame, columns: &[(String, Kind)]) -> Vec<Value> {
    let mut rows: Vec<Map<String, Value>> = vec![Map::new(); df.height()];
    for (name, kind) in columns {
        let Ok(col) = df.column(name) else { continue };
        let s = col.as_materialized_series();
        let values: Vec<Value> = match kind {
            Kind::Str => s.str().map(|c| c.iter().map(|v| v.map_or(Value::Null, |x| Value::String(x.to_owned()))).collect()),
            Kind::Int => s.i64().map(|c| c.iter().map(|v| v.map_or(Value::Null, Value::from)).collect()),
            Kind::Float => s.f64().map(|c| c.iter().map(|v| v.map_or(Value::Null, Value::from)).collect()),
            Kind::Bool => s.bool().map(|c| c.iter().map(|v| v.map_or(Value::Null, Value::Bool)).collect()),
        }
        // A column of the wrong type is reported by the dtype check; skip its values here.
        .unwrap_or_default();
        for (row, v) in rows.iter_mut().zip(values) {
            row.insert(name.clone(), v);
        }
    }
    rows.into_iter().map(Value::Object).collect()
}

/// A CSV record as the JSON row it encodes: empty is null, numbers and booleans parsed strictly.
fn csv_row(r: &csv::StringRecord, columns: &[(String, Kind)]) -> Result<Value, String> {
    if r.len() != columns.len() {
        return Err(format!("{} fields, expected {}", r.len(), columns.len()));
    }
    let mut row = Map::new();
    for (field, (name, kind)) in r.iter().zip(columns) {
        let v = if field.is_empty() {
            Value::Null
        } else {
            match kind {
                Kind::Str => Value::String(field.to_owned()),
                Kind::Int => field.parse::<i64>().map(Value::from).map_err(|_| format!("{name}: {field:?} is not an integer"))?,
                Kind::Float => field.parse::<f64>().map(Value::from).map_err(|_| format!("{name}: {field:?} is not a number"))?,
                Kind::Bool => match field {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    _ => return Err(format!("{name}: {field:?} is not a boolean")),
                },
            }
        };
        row.insert(name.clone(), v);
    }
    Ok(Value::Object(row))
}
