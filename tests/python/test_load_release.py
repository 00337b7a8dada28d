"""Loads a release the way a notebook would (pyarrow, polars, pandas, DuckDB) and checks every
table against its JSON Schema; runs one realistic analysis; validates the Frictionless package.

Usage: python tests/python/test_load_release.py data/releases/<version>
"""

import csv
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import jsonschema
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

TABLES = ["documents", "duplicates", "rejects", "sentences", "casualty_claims", "named_casualties", "statements"]

ARROW_TYPES = {
    "string": (pa.string(), pa.large_string(), pa.string_view()),
    "integer": (pa.int64(),),
    "number": (pa.float64(),),
    "boolean": (pa.bool_(),),
}
POLARS_TYPES = {"string": pl.String, "integer": pl.Int64, "number": pl.Float64, "boolean": pl.Boolean}
DUCKDB_TYPES = {"string": ("VARCHAR",), "integer": ("BIGINT",), "number": ("DOUBLE",), "boolean": ("BOOLEAN",)}


def pandas_kind(dtype) -> str:
    """The schema type a pandas column dtype (pyarrow-backed, as read here) stands for."""
    t = dtype.pyarrow_dtype if isinstance(dtype, pd.ArrowDtype) else None
    if t is None:
        return str(dtype)
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_int64(t):
        return "integer"
    if pa.types.is_float64(t):
        return "number"
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return "string"
    return str(t)


def base_type(prop):
    t = prop["type"]
    return (t[0] if isinstance(t, list) else t), isinstance(t, list) and "null" in t


def csv_value(text, kind):
    if text == "":
        return None
    if kind == "integer":
        return int(text)
    if kind == "number":
        return float(text)
    if kind == "boolean":
        assert text in ("true", "false"), text
        return text == "true"
    return text


def check_table(release: Path, name: str, failures: list) -> int:
    schema = json.loads((release / "schemas" / f"{name}.schema.json").read_text())
    props = schema["properties"]
    columns = list(props)
    validator = jsonschema.Draft202012Validator(schema)

    table = pq.read_table(release / "parquet" / f"{name}.parquet")
    if table.column_names != columns:
        failures.append(f"{name}: parquet columns {table.column_names} != schema {columns}")
    for col in columns:
        kind, nullable = base_type(props[col])
        arrow_type = table.schema.field(col).type
        if arrow_type not in ARROW_TYPES[kind]:
            failures.append(f"{name}.{col}: arrow type {arrow_type}, schema {kind}")
        if not nullable and table.column(col).null_count:
            failures.append(f"{name}.{col}: nulls in a required column")
    for i, row in enumerate(table.to_pylist()):
        for err in validator.iter_errors(row):
            failures.append(f"{name} parquet row {i + 1}: {err.message}")
            break

    frame = pl.read_parquet(release / "parquet" / f"{name}.parquet")
    for col in columns:
        kind, _ = base_type(props[col])
        if frame.schema[col] != POLARS_TYPES[kind]:
            failures.append(f"{name}.{col}: polars dtype {frame.schema[col]}, schema {kind}")
    pdf = pd.read_parquet(release / "parquet" / f"{name}.parquet", dtype_backend="pyarrow")
    if list(pdf.columns) != columns or len(pdf) != table.num_rows:
        failures.append(f"{name}: pandas sees {list(pdf.columns)} x {len(pdf)}")
    for col in columns:
        kind, _ = base_type(props[col])
        if col in pdf.columns and pandas_kind(pdf[col].dtype) != kind:
            failures.append(f"{name}.{col}: pandas dtype {pdf[col].dtype}, schema {kind}")
    described = duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{release}/parquet/{name}.parquet')").fetchall()
    duck_types = {r[0]: r[1] for r in described}
    for col in columns:
        kind, _ = base_type(props[col])
        if duck_types.get(col) not in DUCKDB_TYPES[kind]:
            failures.append(f"{name}.{col}: duckdb type {duck_types.get(col)}, schema {kind}")

    with open(release / "csv" / f"{name}.csv", newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        if header != columns:
            failures.append(f"{name}: csv header {header} != schema {columns}")
        rows = 0
        for rows, record in enumerate(reader, start=1):
            row = {c: csv_value(v, base_type(props[c])[0]) for c, v in zip(columns, record)}
            for err in validator.iter_errors(row):
                failures.append(f"{name} csv row {rows}: {err.message}")
                break
    if rows != table.num_rows:
        failures.append(f"{name}: csv has {rows} rows, parquet {table.num_rows}")

    n = duckdb.sql(f"SELECT count(*) FROM read_parquet('{release}/parquet/{name}.parquet')").fetchall()[0][0]
    m = duckdb.sql(f"SELECT count(*) FROM read_csv('{release}/csv/{name}.csv', header=true, all_varchar=true)").fetchall()[0][0]
    if n != table.num_rows or m != table.num_rows:
        failures.append(f"{name}: duckdb counts parquet {n}, csv {m}, expected {table.num_rows}")
    return table.num_rows


def main() -> int:
    release = Path(sys.argv[1]).resolve()
    manifest = json.loads((release / "manifest.json").read_text())
    failures: list = []
    for name in TABLES:
        rows = check_table(release, name, failures)
        if rows != manifest["table_rows"][name]:
            failures.append(f"{name}: {rows} rows, manifest says {manifest['table_rows'][name]}")

    # The analysis a researcher runs first: claims per outcome and source type, joined to documents.
    result = duckdb.sql(f"""
        SELECT c.outcome, c.source_type, count(*) AS claims, count(DISTINCT d.outlet) AS outlets
        FROM read_parquet('{release}/parquet/casualty_claims.parquet') c
        JOIN read_parquet('{release}/parquet/documents.parquet') d USING (doc_id)
        GROUP BY ALL ORDER BY claims DESC, outcome, source_type""").fetchall()
    total = sum(r[2] for r in result)
    if total != manifest["table_rows"]["casualty_claims"]:
        failures.append(f"join lost claims: {total} of {manifest['table_rows']['casualty_claims']}")
    # Every claim's evidence span is text[start:end] of its document.
    docs = pl.read_parquet(release / "parquet" / "documents.parquet").select("doc_id", "text")
    texts = dict(zip(docs["doc_id"], docs["text"]))
    for table in ("casualty_claims", "statements", "sentences"):
        for row in pl.read_parquet(release / "parquet" / f"{table}.parquet").iter_rows(named=True):
            text = texts.get(row["doc_id"])
            if text is None or not (0 <= row["start"] < row["end"] <= len(text)):
                failures.append(f"{table}: span {row['start']}..{row['end']} outside its document")

    report = subprocess.run(
        [str(Path(sys.executable).parent / "frictionless"), "validate", "--json", str(release / "datapackage.json")],
        capture_output=True, text=True,
    )
    try:
        valid = json.loads(report.stdout).get("valid")
    except json.JSONDecodeError:
        valid = None
    if valid is not True:
        failures.append("frictionless validate failed:\n" + report.stdout[-4000:] + report.stderr[-2000:])

    for f in failures:
        print("FAIL", f)
    print(f"{release.name}: {len(TABLES)} tables loaded with pyarrow, polars, pandas and DuckDB; "
          f"{len(result)} outcome x source groups; {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
