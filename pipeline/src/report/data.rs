//! Reads a release's CSV tables into what the report embeds (compact JSON rows) and what its
//! plots aggregate. Everything is ordered by the tables' own row order or by `BTreeMap`, so the
//! same release gives the same bytes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::{Limits, ReportError};
use crate::release::tables;

/// One CSV table of a release, held as records with its header.
pub struct CsvTable {
    pub name: &'static str,
    headers: Vec<String>,
    pub rows: Vec<csv::StringRecord>,
}

impl CsvTable {
    pub fn read(release: &Path, name: &'static str) -> Result<CsvTable, ReportError> {
        let path = release.join("csv").join(format!("{name}.csv"));
        let err = |p: &PathBuf, e: csv::Error| ReportError::Table { path: p.clone(), message: e.to_string() };
        let mut rdr = csv::ReaderBuilder::new().has_headers(true).from_path(&path).map_err(|e| err(&path, e))?;
        let headers = rdr.headers().map_err(|e| err(&path, e))?.iter().map(str::to_owned).collect();
        let mut rows = Vec::new();
        for r in rdr.records() {
            rows.push(r.map_err(|e| err(&path, e))?);
        }
        Ok(CsvTable { name, headers, rows })
    }

    /// The index of a column, or an error naming the table.
    pub fn col(&self, column: &str) -> Result<usize, ReportError> {
        self.headers.iter().position(|h| h == column).ok_or_else(|| ReportError::Table {
            path: PathBuf::from(format!("csv/{}.csv", self.name)),
            message: format!("no column {column}"),
        })
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

/// Code-point offsets into one document's text, computed once per document.
struct Spans<'a> {
    text: &'a str,
    /// Byte offset of every code point, plus the text's length at the end.
    bytes: Vec<usize>,
}

impl<'a> Spans<'a> {
    fn new(text: &'a str) -> Spans<'a> {
        let mut bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        bytes.push(text.len());
        Spans { text, bytes }
    }
    /// `text[start:end]` in code points (as Python slices, clamped), or None when out of range.
    fn slice(&self, start: i64, end: i64) -> Option<&'a str> {
        let n = self.bytes.len() as i64 - 1;
        if start < 0 || end < start || end > n {
            return None;
        }
        Some(&self.text[self.bytes[start as usize]..self.bytes[end as usize]])
    }
}

/// The counts the plots draw, over every row of the release (never truncated).
#[derive(Debug, Default)]
pub struct Aggregates {
    /// month (`YYYY-MM`) -> outcome -> claims
    pub claims_month_outcome: BTreeMap<String, BTreeMap<String, u64>>,
    pub claims_month_source: BTreeMap<String, BTreeMap<String, u64>>,
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
    pub embedded: Value,
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

pub fn load(release: &Path, limits: &Limits) -> Result<ReportData, ReportError> {
    let documents = CsvTable::read(release, "documents")?;
    let duplicates = CsvTable::read(release, "duplicates")?;
    let rejects = CsvTable::read(release, "rejects")?;
    let sentences = CsvTable::read(release, "sentences")?;
    let claims = CsvTable::read(release, "casualty_claims")?;
    let named = CsvTable::read(release, "named_casualties")?;
    let statements = CsvTable::read(release, "statements")?;
    let mut rows = BTreeMap::new();

    // Documents: metadata for all (up to the row limit), texts while the text budget lasts.
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
    let mut doc_index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut published: Vec<Option<&str>> = Vec::new();
    let mut docs = Vec::new();
    let mut text_bytes = 0usize;
    let mut docs_with_text = 0usize;
    let mut text_budget_spent = false;
    for (i, r) in documents.rows.iter().enumerate() {
        doc_index.insert(r.get(d_id).unwrap_or(""), i);
        published.push(cell(r, d_pub));
        if i >= limits.max_rows {
            continue;
        }
        let text = r.get(d_text).unwrap_or("");
        let embed_text = !text_budget_spent && text_bytes + text.len() <= limits.max_text_bytes;
        if embed_text {
            text_bytes += text.len();
            docs_with_text += 1;
        } else {
            text_budget_spent = true;
        }
        docs.push(json!([
            r.get(d_id).unwrap_or(""),
            r.get(d_path).unwrap_or(""),
            int(r, d_item),
            opt(cell(r, d_title)),
            opt(cell(r, d_outlet)),
            opt(cell(r, d_pub)),
            opt(cell(r, d_url)),
            if embed_text { Value::String(text.to_owned()) } else { Value::Null },
            int(r, d_chars),
        ]));
    }
    rows.insert("documents".to_owned(), (documents.rows.len(), docs.len()));
    let texts: Vec<&str> = documents.rows.iter().map(|r| r.get(d_text).unwrap_or("")).collect();
    let doc_of = |id: Option<&str>| -> i64 { id.and_then(|id| doc_index.get(id)).map_or(-1, |&i| i as i64) };

    // One cached code-point index: rows come grouped by document.
    let mut cache: Option<(i64, Spans)> = None;
    let mut evidence = |doc: i64, start: i64, end: i64| -> Value {
        if doc < 0 {
            return Value::Null;
        }
        if cache.as_ref().map(|c| c.0) != Some(doc) {
            cache = Some((doc, Spans::new(texts[doc as usize])));
        }
        opt(cache.as_ref().and_then(|c| c.1.slice(start, end)))
    };

    let mut agg = Aggregates::default();
    let mut outcome = Dict::of(&tables::CASUALTY_CLAIMS, "outcome");
    let mut qualifier = Dict::of(&tables::CASUALTY_CLAIMS, "qualifier");
    let mut source_type = Dict::of(&tables::CASUALTY_CLAIMS, "source_type");
    let mut side = Dict::of(&tables::CASUALTY_CLAIMS, "victim_side");
    let mut vtype = Dict::of(&tables::CASUALTY_CLAIMS, "victim_type");
    let mut stance = Dict::of(&tables::STATEMENTS, "stance");

    // Claims.
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
    let mut claim_rows = Vec::new();
    for (i, r) in claims.rows.iter().enumerate() {
        let doc = doc_of(cell(r, c_doc));
        let month = month_of(cell(r, c_date)).or_else(|| month_of(if doc >= 0 { published[doc as usize] } else { None }));
        let o = outcome.code(cell(r, c_out));
        let st = source_type.code(cell(r, c_st));
        match &month {
            Some(m) => {
                *agg.claims_month_outcome.entry(m.clone()).or_default().entry(outcome.values[o].clone()).or_default() += 1;
                *agg.claims_month_source.entry(m.clone()).or_default().entry(source_type.values[st].clone()).or_default() += 1;
            }
            None => agg.claims_undated += 1,
        }
        match int(r, c_low).or_else(|| int(r, c_high)) {
            Some(n) => agg.counts.push(n),
            None => agg.claims_without_count += 1,
        }
        if i >= limits.max_rows {
            continue;
        }
        let (start, end) = (int(r, c_start).unwrap_or(0), int(r, c_end).unwrap_or(0));
        claim_rows.push(json!([
            doc,
            start,
            end,
            evidence(doc, start, end),
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
    rows.insert("casualty_claims".to_owned(), (claims.rows.len(), claim_rows.len()));

    // Statements.
    let s = |n| statements.col(n);
    let (s_doc, s_start, s_end, s_speaker, s_type, s_stance, s_topic, s_quote) =
        (s("doc_id")?, s("start")?, s("end")?, s("speaker")?, s("speaker_type")?, s("stance")?, s("topic")?, s("quote")?);
    let mut statement_rows = Vec::new();
    for (i, r) in statements.rows.iter().enumerate() {
        let doc = doc_of(cell(r, s_doc));
        let k = stance.code(cell(r, s_stance));
        match month_of(if doc >= 0 { published[doc as usize] } else { None }) {
            Some(m) => *agg.statements_month_stance.entry(m).or_default().entry(stance.values[k].clone()).or_default() += 1,
            None => agg.statements_undated += 1,
        }
        if i >= limits.max_rows {
            continue;
        }
        let (start, end) = (int(r, s_start).unwrap_or(0), int(r, s_end).unwrap_or(0));
        statement_rows.push(json!([
            doc,
            start,
            end,
            evidence(doc, start, end),
            r.get(s_speaker).unwrap_or(""),
            source_type.code(cell(r, s_type)),
            k,
            r.get(s_topic).unwrap_or(""),
            opt(cell(r, s_quote)),
        ]));
    }
    rows.insert("statements".to_owned(), (statements.rows.len(), statement_rows.len()));

    // Named casualties.
    let n = |n| named.col(n);
    let (n_doc, n_name, n_age, n_home, n_aff, n_out, n_place, n_start, n_end) =
        (n("doc_id")?, n("name")?, n("age")?, n("hometown")?, n("affiliation")?, n("outcome")?, n("place_text")?, n("start")?, n("end")?);
    let mut named_rows = Vec::new();
    for r in named.rows.iter().take(limits.max_rows) {
        let doc = doc_of(cell(r, n_doc));
        let (start, end) = (int(r, n_start).unwrap_or(0), int(r, n_end).unwrap_or(0));
        named_rows.push(json!([
            doc,
            start,
            end,
            evidence(doc, start, end),
            r.get(n_name).unwrap_or(""),
            outcome.code(cell(r, n_out)),
            int(r, n_age),
            opt(cell(r, n_home)),
            opt(cell(r, n_aff)),
            opt(cell(r, n_place)),
        ]));
    }
    rows.insert("named_casualties".to_owned(), (named.rows.len(), named_rows.len()));

    // Captions (the only sentences the document view marks).
    let (t_doc, t_start, t_end, t_zone) = (sentences.col("doc_id")?, sentences.col("start")?, sentences.col("end")?, sentences.col("zone")?);
    let mut caption_rows = Vec::new();
    for r in sentences.rows.iter().filter(|r| cell(r, t_zone) == Some("caption")).take(limits.max_rows) {
        caption_rows.push(json!([doc_of(cell(r, t_doc)), int(r, t_start), int(r, t_end)]));
    }
    rows.insert("sentences".to_owned(), (sentences.rows.len(), caption_rows.len()));

    // Duplicates, grouped by the kept document (stable: table order inside a group).
    let (u_path, u_item, u_kind, u_kept, u_sim) =
        (duplicates.col("source_path")?, duplicates.col("source_item")?, duplicates.col("kind")?, duplicates.col("kept_doc_id")?, duplicates.col("similarity")?);
    let mut dup: Vec<(i64, usize, &csv::StringRecord)> = duplicates.rows.iter().enumerate().map(|(i, r)| (doc_of(cell(r, u_kept)), i, r)).collect();
    dup.sort_by_key(|(d, i, _)| (*d, *i));
    let dup_rows: Vec<Value> = dup
        .iter()
        .take(limits.max_rows)
        .map(|(d, _, r)| {
            let sim = cell(r, u_sim).and_then(|v| v.parse::<f64>().ok()).map_or(Value::Null, |v| json!((v * 10_000.0).round() / 10_000.0));
            json!([d, r.get(u_path).unwrap_or(""), int(r, u_item), r.get(u_kind).unwrap_or(""), opt(cell(r, u_kept)), sim])
        })
        .collect();
    rows.insert("duplicates".to_owned(), (duplicates.rows.len(), dup_rows.len()));

    // Rejects.
    let (j_path, j_item, j_reason, j_detail) = (rejects.col("source_path")?, rejects.col("source_item")?, rejects.col("reason")?, rejects.col("detail")?);
    let reject_rows: Vec<Value> = rejects
        .rows
        .iter()
        .take(limits.max_rows)
        .map(|r| json!([r.get(j_path).unwrap_or(""), int(r, j_item), r.get(j_reason).unwrap_or(""), r.get(j_detail).unwrap_or("")]))
        .collect();
    rows.insert("rejects".to_owned(), (rejects.rows.len(), reject_rows.len()));

    agg.outcomes = outcome.values.clone();
    agg.source_types = source_type.values.clone();
    agg.stances = stance.values.clone();

    let embedded = json!({
        "dict": {
            "outcome": outcome.values,
            "qualifier": qualifier.values,
            "source_type": source_type.values,
            "victim_side": side.values,
            "victim_type": vtype.values,
            "stance": stance.values,
        },
        "docs": docs,
        "claims": claim_rows,
        "statements": statement_rows,
        "named": named_rows,
        "captions": caption_rows,
        "duplicates": dup_rows,
        "rejects": reject_rows,
    });
    Ok(ReportData { embedded, aggregates: agg, rows, docs_with_text, text_bytes })
}
