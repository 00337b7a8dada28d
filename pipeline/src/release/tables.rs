//! The released tables, defined once: columns, types, nullability, allowed values and the
//! codebook's descriptions. The JSON Schemas, the Frictionless descriptor, the writers and
//! `verify` are all derived from these definitions.

use serde_json::{json, Map, Value};

use crate::model::{Claim, Document, Duplicate, NamedCasualty, Reject, Sentence, Statement};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Str,
    Int,
    Float,
    Bool,
}

#[derive(Debug)]
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
    pub nullable: bool,
    /// Allowed values of a categorical column (empty: any value).
    pub values: &'static [&'static str],
    /// A regular expression every non-null value matches (empty: none).
    pub pattern: &'static str,
    pub description: &'static str,
}

/// A foreign key: these columns reference the primary key of another table.
#[derive(Debug)]
pub struct ForeignKey {
    pub fields: &'static [&'static str],
    pub table: &'static str,
    pub reference: &'static [&'static str],
}

#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    pub description: &'static str,
    pub columns: &'static [Column],
    pub primary_key: &'static [&'static str],
    pub foreign_keys: &'static [ForeignKey],
}

const fn col(name: &'static str, kind: Kind, nullable: bool, description: &'static str) -> Column {
    Column { name, kind, nullable, values: &[], pattern: "", description }
}
const fn cat(name: &'static str, nullable: bool, values: &'static [&'static str], description: &'static str) -> Column {
    Column { name, kind: Kind::Str, nullable, values, pattern: "", description }
}
const fn pat(name: &'static str, nullable: bool, pattern: &'static str, description: &'static str) -> Column {
    Column { name, kind: Kind::Str, nullable, values: &[], pattern, description }
}

const SHA256: &str = "^[0-9a-f]{64}$";
const ID16: &str = "^[0-9a-f]{16}$";
const DATE: &str = "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$";
const PRECISIONS: &[&str] = &["day", "month", "year"];
const SOURCE_TYPES: &[&str] = &["official_russia", "official_ukraine", "official_other", "activist", "media", "unnamed", "none"];
const OUTCOMES: &[&str] = &["killed", "wounded", "casualties", "captured", "missing", "exchanged"];
/// Reject reasons known to this version; the dataset card lists them.
pub const REJECT_REASONS: &[&str] = &[
    "empty", "binary", "undecodable", "too_large", "truncated", "unreadable", "malformed_json", "malformed_csv",
    "no_text_field", "text_not_string", "duplicate_id", "bad_metadata", "metadata_unmatched",
];
const DOC_FK: &[ForeignKey] = &[ForeignKey { fields: &["doc_id"], table: "documents", reference: &["doc_id"] }];

pub const DOCUMENTS: Table = Table {
    name: "documents",
    description: "One row per kept article: its metadata, normalized text and counts.",
    columns: &[
        pat("doc_id", false, SHA256, "SHA-256 of the normalized text."),
        col("source_path", Kind::Str, false, "Input file, relative to the --input directory it was found under, /-separated."),
        col("source_item", Kind::Int, true, "1-based line (JSONL) or record (CSV) number inside a multi-article file; null for a one-article file."),
        col("source_id", Kind::Str, false, "The record's id, else the file name."),
        pat("raw_sha256", false, SHA256, "SHA-256 of the raw bytes (of the text field as UTF-8 for a record of a multi-article file)."),
        col("outlet", Kind::Str, true, "Publishing outlet, from metadata."),
        col("title", Kind::Str, true, "Headline, from metadata."),
        col("url", Kind::Str, true, "URL, from metadata."),
        pat("published", true, DATE, "Publication date, ISO 8601 at its precision (2015-05-28, 2015-03 or 2015)."),
        cat("published_precision", true, PRECISIONS, "Precision of published: day, month or year."),
        col("language", Kind::Str, true, "ISO 639-1 code of the detected language; null when it cannot be told."),
        col("encoding_detected", Kind::Str, false, "WHATWG label of the encoding the input was decoded from."),
        col("text", Kind::Str, false, "Normalized text (codebook section 2); every offset points into it, in code points."),
        col("char_count", Kind::Int, false, "Code points in text."),
        col("word_count", Kind::Int, false, "Whitespace-separated words in text."),
        col("sentence_count", Kind::Int, false, "Rows of sentences for this document."),
        col("boilerplate_chars_removed", Kind::Int, false, "Code points of boilerplate and repeated paragraphs removed by normalization."),
    ],
    primary_key: &["doc_id"],
    foreign_keys: &[],
};

pub const DUPLICATES: Table = Table {
    name: "duplicates",
    description: "One row per input dropped as a duplicate of a kept article.",
    columns: &[
        col("source_path", Kind::Str, false, "Input file of the dropped copy."),
        col("source_item", Kind::Int, true, "Line or record number of the dropped copy; null for a one-article file."),
        pat("raw_sha256", false, SHA256, "SHA-256 of the dropped copy's raw bytes."),
        cat("kind", false, &["exact_raw", "exact_text", "near"], "exact_raw: same bytes; exact_text: same normalized text; near: MinHash match."),
        pat("kept_doc_id", false, SHA256, "doc_id of the kept article."),
        col("similarity", Kind::Float, false, "Estimated Jaccard similarity with the kept article (1.0 for exact kinds)."),
    ],
    primary_key: &["source_path", "source_item"],
    foreign_keys: &[ForeignKey { fields: &["kept_doc_id"], table: "documents", reference: &["doc_id"] }],
};

pub const REJECTS: Table = Table {
    name: "rejects",
    description: "One row per input (or metadata row) that could not be used, with a stable reason code.",
    columns: &[
        col("source_path", Kind::Str, false, "Input file (or metadata sidecar)."),
        col("source_item", Kind::Int, true, "Line or record number (data row of the sidecar); null for a whole file."),
        pat("raw_sha256", true, SHA256, "SHA-256 of the bytes read; null where nothing was read."),
        cat("reason", false, REJECT_REASONS, "Stable reason code."),
        col("detail", Kind::Str, false, "What was wrong, in a sentence."),
    ],
    primary_key: &[],
    foreign_keys: &[],
};

pub const SENTENCES: Table = Table {
    name: "sentences",
    description: "One row per sentence of a kept article.",
    columns: &[
        pat("doc_id", false, SHA256, "The article."),
        col("sentence_idx", Kind::Int, false, "0-based index of the sentence within its article."),
        col("start", Kind::Int, false, "Start offset in documents.text, in code points."),
        col("end", Kind::Int, false, "End offset (exclusive) in documents.text, in code points."),
        cat("zone", false, &["body", "caption"], "body, or caption for a photo caption."),
        col("text", Kind::Str, false, "The sentence: documents.text[start:end]."),
    ],
    primary_key: &["doc_id", "sentence_idx"],
    foreign_keys: DOC_FK,
};

pub const CASUALTY_CLAIMS: Table = Table {
    name: "casualty_claims",
    description: "One row per count of casualties stated in one sentence (a mention).",
    columns: &[
        pat("claim_id", false, ID16, "First 16 hex characters of SHA-256 of doc_id:start:end:outcome."),
        pat("doc_id", false, SHA256, "The article."),
        col("sentence_idx", Kind::Int, false, "The sentence holding the claim."),
        col("start", Kind::Int, false, "Start of the evidence span (count, outcome and victim), in code points."),
        col("end", Kind::Int, false, "End (exclusive) of the evidence span."),
        col("count_text", Kind::Str, false, "The count as written: at least 220, hundreds, 14."),
        col("count_low", Kind::Int, true, "Inclusive lower bound as stated; null where open."),
        col("count_high", Kind::Int, true, "Inclusive upper bound as stated; null where open."),
        cat("qualifier", false, &["exact", "at_least", "more_than", "up_to", "less_than", "approximately", "range", "vague"], "How the count is qualified (codebook section 4)."),
        cat("outcome", false, OUTCOMES, "killed, wounded, casualties (killed and wounded together, or losses), captured, missing, exchanged."),
        col("victim_text", Kind::Str, true, "The victim noun phrase as written."),
        cat("victim_side", false, &["russia", "ukraine", "other", "unspecified"], "Side of the victims."),
        cat("victim_type", false, &["military", "mercenary", "civilian", "unspecified"], "Kind of victims."),
        col("location_text", Kind::Str, true, "Location as written, or null."),
        col("time_text", Kind::Str, true, "Time as written, or null."),
        pat("event_date", true, DATE, "time_text resolved against published, at event_date_precision; null where it cannot be."),
        cat("event_date_precision", true, PRECISIONS, "day, month or year."),
        col("source_text", Kind::Str, true, "Who the claim is attributed to, as written; null when the article states it itself."),
        cat("source_type", false, SOURCE_TYPES, "Kind of source."),
        col("hedged", Kind::Bool, false, "True where the text marks the count as uncertain."),
        col("rule_id", Kind::Str, false, "Which extraction rule produced the row."),
    ],
    primary_key: &["claim_id"],
    foreign_keys: DOC_FK,
};

pub const NAMED_CASUALTIES: Table = Table {
    name: "named_casualties",
    description: "One row per named person reported killed, wounded, captured or missing, per article.",
    columns: &[
        pat("doc_id", false, SHA256, "The article."),
        col("name", Kind::Str, false, "Full name as written."),
        col("age", Kind::Int, true, "Age, if stated."),
        col("hometown", Kind::Str, true, "Hometown, if stated."),
        col("affiliation", Kind::Str, true, "Unit, company or armed group, if stated."),
        cat("outcome", false, OUTCOMES, "What happened to the person."),
        col("time_text", Kind::Str, true, "Time as written, or null."),
        pat("event_date", true, DATE, "time_text resolved against published; null where it cannot be."),
        col("place_text", Kind::Str, true, "Place as written, or null."),
        col("start", Kind::Int, false, "Start of the first mention, in code points."),
        col("end", Kind::Int, false, "End (exclusive) of the first mention."),
    ],
    primary_key: &["doc_id", "name"],
    foreign_keys: DOC_FK,
};

pub const STATEMENTS: Table = Table {
    name: "statements",
    description: "One row per act of speaking: an official or political statement about casualties or involvement.",
    columns: &[
        pat("statement_id", false, ID16, "First 16 hex characters of SHA-256 of doc_id:start:end:stance."),
        pat("doc_id", false, SHA256, "The article."),
        col("sentence_idx", Kind::Int, false, "The sentence holding the statement."),
        col("start", Kind::Int, false, "Start of the evidence span, in code points."),
        col("end", Kind::Int, false, "End (exclusive) of the evidence span."),
        col("speaker", Kind::Str, false, "Canonical name of the person or body speaking."),
        cat("speaker_type", false, SOURCE_TYPES, "Kind of speaker, as source_type."),
        cat("stance", false, &["denial", "no_comment", "secrecy", "admission", "disclosure", "call_for_disclosure"], "What the statement does."),
        cat("topic", false, &["casualties", "involvement"], "What it is about."),
        col("quote", Kind::Str, true, "The quoted words, if any."),
    ],
    primary_key: &["statement_id"],
    foreign_keys: DOC_FK,
};

/// Every table, in release order.
pub const TABLES: [&Table; 7] = [&DOCUMENTS, &DUPLICATES, &REJECTS, &SENTENCES, &CASUALTY_CLAIMS, &NAMED_CASUALTIES, &STATEMENTS];

pub fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().copied().find(|t| t.name == name)
}

impl Table {
    /// The JSON Schema (draft 2020-12) of one row.
    pub fn json_schema(&self) -> Value {
        let mut props = Map::new();
        for c in self.columns {
            let base = match c.kind {
                Kind::Str => "string",
                Kind::Int => "integer",
                Kind::Float => "number",
                Kind::Bool => "boolean",
            };
            let mut p = Map::new();
            p.insert("description".into(), json!(c.description));
            p.insert("type".into(), if c.nullable { json!([base, "null"]) } else { json!(base) });
            if !c.values.is_empty() {
                let mut values: Vec<Value> = c.values.iter().map(|v| json!(v)).collect();
                if c.nullable {
                    values.push(Value::Null);
                }
                p.insert("enum".into(), Value::Array(values));
            }
            if !c.pattern.is_empty() {
                p.insert("pattern".into(), json!(c.pattern));
            }
            if c.kind == Kind::Int && c.name != "source_item" {
                p.insert("minimum".into(), json!(0));
            }
            if c.name == "source_item" {
                p.insert("minimum".into(), json!(1));
            }
            props.insert(c.name.into(), Value::Object(p));
        }
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": format!("casualty-corpus/schemas/{}.schema.json", self.name),
            "title": self.name,
            "description": self.description,
            "type": "object",
            "properties": props,
            "required": self.columns.iter().map(|c| c.name).collect::<Vec<_>>(),
            "additionalProperties": false,
        })
    }

    /// The schema as the bytes written to `schemas/<table>.schema.json`.
    pub fn json_schema_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(&self.json_schema()).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }
}

/// One cell of a row, typed as its column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Str(Option<&'a str>),
    Int(Option<i64>),
    Float(Option<f64>),
    Bool(Option<bool>),
}

/// A row of a released table: its cells in column order.
pub trait TableRow {
    const TABLE: &'static Table;
    fn cells(&self) -> Vec<Cell<'_>>;
}

fn s(v: &str) -> Cell<'_> {
    Cell::Str(Some(v))
}
fn os(v: &Option<String>) -> Cell<'_> {
    Cell::Str(v.as_deref())
}
fn i(v: i64) -> Cell<'static> {
    Cell::Int(Some(v))
}

impl TableRow for Document {
    const TABLE: &'static Table = &DOCUMENTS;
    fn cells(&self) -> Vec<Cell<'_>> {
        vec![
            s(&self.doc_id), s(&self.source_path), Cell::Int(self.source_item), s(&self.source_id), s(&self.raw_sha256),
            os(&self.outlet), os(&self.title), os(&self.url), os(&self.published), os(&self.published_precision),
            os(&self.language), s(&self.encoding_detected), s(&self.text), i(self.char_count), i(self.word_count),
            i(self.sentence_count), i(self.boilerplate_chars_removed),
        ]
    }
}

impl TableRow for Duplicate {
    const TABLE: &'static Table = &DUPLICATES;
    fn cells(&self) -> Vec<Cell<'_>> {
        vec![s(&self.source_path), Cell::Int(self.source_item), s(&self.raw_sha256), s(&self.kind), s(&self.kept_doc_id), Cell::Float(Some(self.similarity))]
    }
}

impl TableRow for Reject {
    const TABLE: &'static Table = &REJECTS;
    fn cells(&self) -> Vec<Cell<'_>> {
        vec![s(&self.source_path), Cell::Int(self.source_item), os(&self.raw_sha256), s(&self.reason), s(&self.detail)]
    }
}

impl TableRow for Sentence {
    const TABLE: &'static Table = &SENTENCES;
    fn cells(&self) -> Vec<Cell<'_>> {
        vec![s(&self.doc_id), i(self.sentence_idx), i(self.start), i(self.end), s(&self.zone), s(&self.text)]
    }
}

impl TableRow for Claim {
    const TABLE: &'static Table = &CASUALTY_CLAIMS;
    fn cells(&self) -> Vec<Cell<'_>> {
        vec![
            s(&self.claim_id), s(&self.doc_id), i(self.sentence_idx), i(self.start), i(self.end), s(&self.count_text),
            Cell::Int(self.count_low), Cell::Int(self.count_high), s(&self.qualifier), s(&self.outcome), os(&self.victim_text),
            s(&self.victim_side), s(&self.victim_type), os(&self.location_text), os(&self.time_text), os(&self.event_date),
            os(&self.event_date_precision), os(&self.source_text), s(&self.source_type), Cell::Bool(Some(self.hedged)), s(&self.rule_id),
        ]
    }
}

impl TableRow for NamedCasualty {
    const TABLE: &'static Table = &NAMED_CASUALTIES;
    fn cells(&self) -> Vec<Cell<'_>> {
        vec![
            s(&self.doc_id), s(&self.name), Cell::Int(self.age), os(&self.hometown), os(&self.affiliation), s(&self.outcome),
            os(&self.time_text), os(&self.event_date), os(&self.place_text), i(self.start), i(self.end),
        ]
    }
}

impl TableRow for Statement {
    const TABLE: &'static Table = &STATEMENTS;
    fn cells(&self) -> Vec<Cell<'_>> {
        vec![
            s(&self.statement_id), s(&self.doc_id), i(self.sentence_idx), i(self.start), i(self.end), s(&self.speaker),
            s(&self.speaker_type), s(&self.stance), s(&self.topic), os(&self.quote),
        ]
    }
}
