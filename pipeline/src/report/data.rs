//! Reads a release's CSV tables into what the report embeds (compact JSON rows) and what its
//! plots aggregate. Everything is ordered by the tables' own row order or by `BTreeMap`, so the
//! same release gives the same bytes.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::{Limits, ReportError};
use crate::release::tables;

/// One CSV table of a release, read a record at a time.
pub struct CsvStream {
    name: &'static str,
    path: PathBuf,
    rdr: csv::Reader<std::fs::File>,
    headers: Vec<String>,
}

impl CsvStream {
    pub fn open(release: &Path, name: &'static str) -> Result<CsvStream, ReportError> {
        let path = release.join("csv").join(format!("{name}.csv"));
        let mut rdr = csv::ReaderBuilder::new().has_headers(true).from_path(&path).map_err(|e| ReportError::Table { path: path.clone(), message: e.to_string() })?;
        let headers = rdr.headers().map_err(|e| ReportError::Table { path: path.clone(), message: e.to_string() })?.iter().map(str::to_owned).collect();
        Ok(CsvStream { name, path, rdr, headers })
    }

    /// The index of a column, or an error naming the table.
    pub fn col(&self, column: &str) -> Result<usize, ReportError> {
        self.headers.iter().position(|h| h == column).ok_or_else(|| ReportError::Table { path: self.path.clone(), message: format!("{}: no column {column}", self.name) })
    }

    /// Reads the next record into `rec`; false at the end.
    pub fn next(&mut self, rec: &mut csv::StringRecord) -> Result<bool, ReportError> {
        self.rdr.read_record(rec).map_err(|e| ReportError::Table { path: self.path.clone(), message: e.to_string() })
    }
}

/// A cell; an empty CSV field is null.
pub fn cell(r: &csv::StringRecord, i: usize) -> Option<&str> {
    r.get(i).filter(|v| !v.is_empty())
}

fn int(r: &csv::StringRecord, i: usize) -> Option<i64> {
    cell(r, i).and_then(|v| v.parse().ok())
}

fn opt(v: Option<&str>) -> Value {
    v.map_or(Value::Null, |s| Value::String(s.to_owned()))
}

/// Categorical values as small integers into a dictionary: the codebook's values first, in its
/// order, then any other value in the order first met.
#[derive(Debug, Clone)]
pub struct Dict {
    pub values: Vec<String>,
}

impl Dict {
    pub fn of(table: &tables::Table, column: &str) -> Dict {
        let values = table.columns.iter().find(|c| c.name == column).map(|c| c.values.iter().map(|v| (*v).to_owned()).collect()).unwrap_or_default();
        Dict { values }
    }
    pub fn code(&mut self, v: Option<&str>) -> usize {
        let v = v.unwrap_or("(null)");
        if let Some(i) = self.values.iter().position(|x| x == v) {
            return i;
        }
        self.values.push(v.to_owned());
        self.values.len() - 1
    }
}

/// The documents' texts, read in table order beside another table's rows (every table is in
/// document order, codebook section 7), so no more than one text is held at a time.
struct DocCursor<'r> {
    release: &'r Path,
    docs: Option<CsvStream>,
    text_col: usize,
    rec: csv::StringRecord,
    /// Index of the document in `rec` (-1: none read yet).
    pos: i64,
    text: String,
    /// Byte offset of every code point of `text`, plus its length at the end.
    bytes: Vec<usize>,
}

impl<'r> DocCursor<'r> {
    fn new(release: &'r Path) -> DocCursor<'r> {
        DocCursor { release, docs: None, text_col: 0, rec: csv::StringRecord::new(), pos: -1, text: String::new(), bytes: Vec::new() }
    }

    /// `documents.text[start:end]` of document `doc` in code points, or None when out of range.
    fn evidence(&mut self, doc: i64, start: i64, end: i64) -> Result<Option<String>, ReportError> {
        if doc < 0 {
            return Ok(None);
        }
        if self.docs.is_none() || doc < self.pos {
            // Out of order (never in a release written by the pipeline): start again.
            let docs = CsvStream::open(self.release, "documents")?;
            self.text_col = docs.col("text")?;
            self.docs = Some(docs);
            self.pos = -1;
        }
        let Some(docs) = self.docs.as_mut() else { return Ok(None) };
        if self.pos < doc {
            while self.pos < doc {
                if !docs.next(&mut self.rec)? {
                    return Ok(None);
                }
                self.pos += 1;
            }
            self.text.clear();
            self.text.push_str(self.rec.get(self.text_col).unwrap_or(""));
            self.bytes.clear();
            self.bytes.extend(self.text.char_indices().map(|(b, _)| b));
            self.bytes.push(self.text.len());
        }
        let n = self.bytes.len() as i64 - 1;
        if start < 0 || end < start || end > n {
            return Ok(None);
        }
        Ok(Some(self.text[self.bytes[start as usize]..self.bytes[end as usize]].to_owned()))
    }
}

/// The counts the plots draw, over every row of the release (never truncated).
#[derive(Debug, Default)]
pub struct Aggregates {
    /// month (`YYYY-MM`) -> outcome -> claims
    pub claims_month_outcome: BTreeMap<String, BTreeMap<String, u64>>,
    pub claims_month_source: BTreeMap<String, BTreeMap<String, u64>>,
    pub claims: u64,
    pub claims_undated: u64,
    /// The stated count of each claim (count_low, else count_high), where there is one.
    pub counts: Vec<i64>,
    pub claims_without_count: u64,
    pub statements_month_stance: BTreeMap<String, BTreeMap<String, u64>>,
    pub statements_undated: u64,
    pub outcomes: Vec<String>,
    pub source_types: Vec<String>,
    pub stances: Vec<String>,
}

/// What the report shows: the embedded JSON and the plots' aggregates.
pub struct ReportData {
    /// The JSON object of every embedded row, already safe inside a `<script>` element.
    pub embedded: String,
    pub aggregates: Aggregates,
    /// Rows read per table, and rows embedded per table.
    pub rows: BTreeMap<String, (usize, usize)>,
    pub docs_with_text: usize,
    pub text_bytes: usize,
}

/// `YYYY-MM` of a date at month or day precision.
pub fn month_of(date: Option<&str>) -> Option<String> {
    let d = date?;
    let b = d.as_bytes();
    if d.len() >= 7 && b[4] == b'-' && b[..4].iter().all(u8::is_ascii_digit) && b[5..7].iter().all(u8::is_ascii_digit) {
        Some(d[..7].to_owned())
    } else {
        None
    }
}

/// A JSON array of rows written as it grows: `"name":[row,row,...]`.
struct Rows<'o> {
    out: &'o mut String,
    n: usize,
}

impl<'o> Rows<'o> {
    fn start(out: &'o mut String, name: &str) -> Rows<'o> {
        out.push_str(&format!(",\"{name}\":["));
        Rows { out, n: 0 }
    }
    fn push(&mut self, row: &Value) {
        if self.n > 0 {
            self.out.push(',');
        }
        super::push_script_json(self.out, row);
        self.n += 1;
    }
    fn end(self) -> usize {
        self.out.push(']');
        self.n
    }
}

pub fn load(release: &Path, limits: &Limits) -> Result<ReportData, ReportError> {
    let mut rows = BTreeMap::new();
    let mut rec = csv::StringRecord::new();
    let mut out = String::with_capacity(1 << 20);
    out.push_str("{\"format\":1");

    // Documents: metadata for all (up to the row limit), texts while the text budget lasts.
    let mut documents = CsvStream::open(release, "documents")?;
    let (d_id, d_path, d_item, d_title, d_outlet, d_pub, d_url, d_text, d_chars) = (
        documents.col("doc_id")?,
        documents.col("source_path")?,
        documents.col("source_item")?,
        documents.col("title")?,
        documents.col("outlet")?,
        documents.col("published")?,
        documents.col("url")?,
        documents.col("text")?,
        documents.col("char_count")?,
    );
    // Lookups only: the map's order never reaches the output.
    let mut doc_index: HashMap<String, usize> = HashMap::new();
    let mut published_month: Vec<Option<String>> = Vec::new();
    let (mut text_bytes, mut docs_with_text, mut text_budget_spent, mut n_docs) = (0usize, 0usize, false, 0usize);
    let mut docs = Rows::start(&mut out, "docs");
    while documents.next(&mut rec)? {
        let i = n_docs;
        n_docs += 1;
        doc_index.insert(rec.get(d_id).unwrap_or("").to_owned(), i);
        published_month.push(month_of(cell(&rec, d_pub)));
        if i >= limits.max_rows {
            continue;
        }
        let text = rec.get(d_text).unwrap_or("");
        let embed_text = !text_budget_spent && text_bytes + text.len() <= limits.max_text_bytes;
        if embed_text {
            text_bytes += text.len();
            docs_with_text += 1;
        } else {
            text_budget_spent = true;
        }
        docs.push(&json!([
            rec.get(d_id).unwrap_or(""),
            rec.get(d_path).unwrap_or(""),
            int(&rec, d_item),
            opt(cell(&rec, d_title)),
            opt(cell(&rec, d_outlet)),
            opt(cell(&rec, d_pub)),
            opt(cell(&rec, d_url)),
            if embed_text { Value::String(text.to_owned()) } else { Value::Null },
            int(&rec, d_chars),
        ]));
    }
    let embedded_docs = docs.end();
    rows.insert("documents".to_owned(), (n_docs, embedded_docs));
    let doc_of = |id: Option<&str>| -> i64 { id.and_then(|id| doc_index.get(id)).map_or(-1, |&i| i as i64) };
    let month_of_doc = |doc: i64| -> Option<String> { if doc >= 0 { published_month[doc as usize].clone() } else { None } };

    let mut agg = Aggregates::default();
    let mut outcome = Dict::of(&tables::CASUALTY_CLAIMS, "outcome");
    let mut qualifier = Dict::of(&tables::CASUALTY_CLAIMS, "qualifier");
    let mut source_type = Dict::of(&tables::CASUALTY_CLAIMS, "source_type");
    let mut side = Dict::of(&tables::CASUALTY_CLAIMS, "victim_side");
    let mut vtype = Dict::of(&tables::CASUALTY_CLAIMS, "victim_type");
    let mut stance = Dict::of(&tables::STATEMENTS, "stance");

    // Claims.
    let mut claims = CsvStream::open(release, "casualty_claims")?;
    let c = |n| claims.col(n);
    let (c_id, c_doc, c_start, c_end, c_count, c_low, c_high, c_q, c_out) =
        (c("claim_id")?, c("doc_id")?, c("start")?, c("end")?, c("count_text")?, c("count_low")?, c("count_high")?, c("qualifier")?, c("outcome")?);
    let (c_victim, c_side, c_vtype, c_loc, c_time, c_date, c_src, c_st, c_hedged, c_rule) = (
        c("victim_text")?,
        c("victim_side")?,
        c("victim_type")?,
        c("location_text")?,
        c("time_text")?,
        c("event_date")?,
        c("source_text")?,
        c("source_type")?,
        c("hedged")?,
        c("rule_id")?,
    );
    let mut cursor = DocCursor::new(release);
    let mut claim_rows = Rows::start(&mut out, "claims");
    let mut n = 0usize;
    while claims.next(&mut rec)? {
        let r = &rec;
        let doc = doc_of(cell(r, c_doc));
        let month = month_of(cell(r, c_date)).or_else(|| month_of_doc(doc));
        let o = outcome.code(cell(r, c_out));
        let st = source_type.code(cell(r, c_st));
        agg.claims += 1;
        match &month {
            Some(m) => {
                *agg.claims_month_outcome.entry(m.clone()).or_default().entry(outcome.values[o].clone()).or_default() += 1;
                *agg.claims_month_source.entry(m.clone()).or_default().entry(source_type.values[st].clone()).or_default() += 1;
            }
            None => agg.claims_undated += 1,
        }
        match int(r, c_low).or_else(|| int(r, c_high)) {
            Some(v) => agg.counts.push(v),
            None => agg.claims_without_count += 1,
        }
        n += 1;
        if n > limits.max_rows {
            continue;
        }
        let (start, end) = (int(r, c_start).unwrap_or(0), int(r, c_end).unwrap_or(0));
        claim_rows.push(&json!([
            doc,
            start,
            end,
            cursor.evidence(doc, start, end)?,
            r.get(c_count).unwrap_or(""),
            int(r, c_low),
            int(r, c_high),
            qualifier.code(cell(r, c_q)),
            o,
            st,
            u8::from(cell(r, c_hedged) == Some("true")),
            opt(cell(r, c_victim)),
            opt(cell(r, c_src)),
            opt(month.as_deref()),
            r.get(c_id).unwrap_or(""),
            side.code(cell(r, c_side)),
            vtype.code(cell(r, c_vtype)),
            opt(cell(r, c_loc)),
            opt(cell(r, c_time)),
            opt(cell(r, c_date)),
            r.get(c_rule).unwrap_or(""),
        ]));
    }
    let embedded = claim_rows.end();
    rows.insert("casualty_claims".to_owned(), (n, embedded));

    // Statements.
    let mut statements = CsvStream::open(release, "statements")?;
    let s = |n| statements.col(n);
    let (s_doc, s_start, s_end, s_speaker, s_type, s_stance, s_topic, s_quote) =
        (s("doc_id")?, s("start")?, s("end")?, s("speaker")?, s("speaker_type")?, s("stance")?, s("topic")?, s("quote")?);
    let mut cursor = DocCursor::new(release);
    let mut statement_rows = Rows::start(&mut out, "statements");
    let mut n = 0usize;
    while statements.next(&mut rec)? {
        let r = &rec;
        let doc = doc_of(cell(r, s_doc));
        let k = stance.code(cell(r, s_stance));
        match month_of_doc(doc) {
            Some(m) => *agg.statements_month_stance.entry(m).or_default().entry(stance.values[k].clone()).or_default() += 1,
            None => agg.statements_undated += 1,
        }
        n += 1;
        if n > limits.max_rows {
            continue;
        }
        let (start, end) = (int(r, s_start).unwrap_or(0), int(r, s_end).unwrap_or(0));
        statement_rows.push(&json!([
            doc,
            start,
            end,
            cursor.evidence(doc, start, end)?,
            r.get(s_speaker).unwrap_or(""),
            source_type.code(cell(r, s_type)),
            k,
            r.get(s_topic).unwrap_or(""),
            opt(cell(r, s_quote)),
        ]));
    }
    let embedded = statement_rows.end();
    rows.insert("statements".to_owned(), (n, embedded));

    // Named casualties.
    let mut named = CsvStream::open(release, "named_casualties")?;
    let c = |c| named.col(c);
    let (n_doc, n_name, n_age, n_home, n_aff, n_out, n_place, n_start, n_end) =
        (c("doc_id")?, c("name")?, c("age")?, c("hometown")?, c("affiliation")?, c("outcome")?, c("place_text")?, c("start")?, c("end")?);
    let mut cursor = DocCursor::new(release);
    let mut named_rows = Rows::start(&mut out, "named");
    let mut n = 0usize;
    while named.next(&mut rec)? {
        n += 1;
        if n > limits.max_rows {
            continue;
        }
        let r = &rec;
        let doc = doc_of(cell(r, n_doc));
        let (start, end) = (int(r, n_start).unwrap_or(0), int(r, n_end).unwrap_or(0));
        named_rows.push(&json!([
            doc,
            start,
            end,
            cursor.evidence(doc, start, end)?,
            r.get(n_name).unwrap_or(""),
            outcome.code(cell(r, n_out)),
            int(r, n_age),
            opt(cell(r, n_home)),
            opt(cell(r, n_aff)),
            opt(cell(r, n_place)),
        ]));
    }
    let embedded = named_rows.end();
    rows.insert("named_casualties".to_owned(), (n, embedded));

    // Captions (the only sentences the document view marks).
    let mut sentences = CsvStream::open(release, "sentences")?;
    let (t_doc, t_start, t_end, t_zone) = (sentences.col("doc_id")?, sentences.col("start")?, sentences.col("end")?, sentences.col("zone")?);
    let mut caption_rows = Rows::start(&mut out, "captions");
    let mut n = 0usize;
    while sentences.next(&mut rec)? {
        n += 1;
        if cell(&rec, t_zone) == Some("caption") && caption_rows.n < limits.max_rows {
            caption_rows.push(&json!([doc_of(cell(&rec, t_doc)), int(&rec, t_start), int(&rec, t_end)]));
        }
    }
    let embedded = caption_rows.end();
    rows.insert("sentences".to_owned(), (n, embedded));

    // Duplicates, grouped by the kept document (stable: table order inside a group). Small
    // (one row per dropped input, no text): held to be sorted.
    let mut duplicates = CsvStream::open(release, "duplicates")?;
    let (u_path, u_item, u_kind, u_kept, u_sim) =
        (duplicates.col("source_path")?, duplicates.col("source_item")?, duplicates.col("kind")?, duplicates.col("kept_doc_id")?, duplicates.col("similarity")?);
    let mut dup: Vec<(i64, usize, Value)> = Vec::new();
    while duplicates.next(&mut rec)? {
        let r = &rec;
        let d = doc_of(cell(r, u_kept));
        let sim = cell(r, u_sim).and_then(|v| v.parse::<f64>().ok()).map_or(Value::Null, |v| json!((v * 10_000.0).round() / 10_000.0));
        let i = dup.len();
        dup.push((d, i, json!([d, r.get(u_path).unwrap_or(""), int(r, u_item), r.get(u_kind).unwrap_or(""), opt(cell(r, u_kept)), sim])));
    }
    dup.sort_by_key(|(d, i, _)| (*d, *i));
    let total = dup.len();
    let mut dup_rows = Rows::start(&mut out, "duplicates");
    for (_, _, v) in dup.iter().take(limits.max_rows) {
        dup_rows.push(v);
    }
    let embedded = dup_rows.end();
    rows.insert("duplicates".to_owned(), (total, embedded));

    // Rejects.
    let mut rejects = CsvStream::open(release, "rejects")?;
    let (j_path, j_item, j_reason, j_detail) = (rejects.col("source_path")?, rejects.col("source_item")?, rejects.col("reason")?, rejects.col("detail")?);
    let mut reject_rows = Rows::start(&mut out, "rejects");
    let mut n = 0usize;
    while rejects.next(&mut rec)? {
        n += 1;
        if n <= limits.max_rows {
            let r = &rec;
            reject_rows.push(&json!([r.get(j_path).unwrap_or(""), int(r, j_item), r.get(j_reason).unwrap_or(""), r.get(j_detail).unwrap_or("")]));
        }
    }
    let embedded = reject_rows.end();
    rows.insert("rejects".to_owned(), (n, embedded));

    agg.outcomes = outcome.values.clone();
    agg.source_types = source_type.values.clone();
    agg.stances = stance.values.clone();
    out.push_str(",\"dict\":");
    super::push_script_json(
        &mut out,
        &json!({
            "outcome": outcome.values,
            "qualifier": qualifier.values,
            "source_type": source_type.values,
            "victim_side": side.values,
            "victim_type": vtype.values,
            "stance": stance.values,
        }),
    );
    out.push('}');
    Ok(ReportData { embedded: out, aggregates: agg, rows, docs_with_text, text_bytes })
}
