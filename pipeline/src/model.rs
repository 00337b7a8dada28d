//! One struct per released row, in the codebook's column order (codebook section 3).
//!
//! These are the only shapes that leave a stage: the release writers turn them into columns, the
//! shard files carry them between map and reduce.

use serde::{Deserialize, Serialize};

/// A kept article (`documents`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub doc_id: String,
    pub source_path: String,
    pub source_item: Option<i64>,
    pub source_id: String,
    pub raw_sha256: String,
    pub outlet: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    pub published_precision: Option<String>,
    pub language: Option<String>,
    pub encoding_detected: String,
    pub text: String,
    pub char_count: i64,
    pub word_count: i64,
    pub sentence_count: i64,
    pub boilerplate_chars_removed: i64,
}

/// An input dropped as a duplicate of a kept one (`duplicates`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Duplicate {
    pub source_path: String,
    pub source_item: Option<i64>,
    pub raw_sha256: String,
    pub kind: String,
    pub kept_doc_id: String,
    pub similarity: f64,
}

/// An input, or a metadata row, that could not be used (`rejects`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reject {
    pub source_path: String,
    pub source_item: Option<i64>,
    pub raw_sha256: Option<String>,
    pub reason: String,
    pub detail: String,
}

/// A sentence of a kept article (`sentences`). Offsets are code points into `documents.text`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sentence {
    pub doc_id: String,
    pub sentence_idx: i64,
    pub start: i64,
    pub end: i64,
    pub zone: String,
    pub text: String,
}

/// One count of casualties stated in one sentence (`casualty_claims`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    pub claim_id: String,
    pub doc_id: String,
    pub sentence_idx: i64,
    pub start: i64,
    pub end: i64,
    pub count_text: String,
    pub count_low: Option<i64>,
    pub count_high: Option<i64>,
    pub qualifier: String,
    pub outcome: String,
    pub victim_text: Option<String>,
    pub victim_side: String,
    pub victim_type: String,
    pub location_text: Option<String>,
    pub time_text: Option<String>,
    pub event_date: Option<String>,
    pub event_date_precision: Option<String>,
    pub source_text: Option<String>,
    pub source_type: String,
    pub hedged: bool,
    pub rule_id: String,
}

/// One named person reported killed, wounded, captured or missing (`named_casualties`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedCasualty {
    pub doc_id: String,
    pub name: String,
    pub age: Option<i64>,
    pub hometown: Option<String>,
    pub affiliation: Option<String>,
    pub outcome: String,
    pub time_text: Option<String>,
    pub event_date: Option<String>,
    pub place_text: Option<String>,
    pub start: i64,
    pub end: i64,
}

/// An official or political statement about casualties or involvement (`statements`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    pub statement_id: String,
    pub doc_id: String,
    pub sentence_idx: i64,
    pub start: i64,
    pub end: i64,
    pub speaker: String,
    pub speaker_type: String,
    pub stance: String,
    pub topic: String,
    pub quote: Option<String>,
}

/// Where a paragraph of normalized text sits: body text, or a photo caption (codebook section 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Zone {
    Body,
    Caption,
}

impl Zone {
    /// The codebook's string for `sentences.zone`.
    pub fn as_str(self) -> &'static str {
        match self {
            Zone::Body => "body",
            Zone::Caption => "caption",
        }
    }
}

/// A paragraph of normalized text: byte offsets `start..end` into the text (no trailing `\n`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paragraph {
    pub start: usize,
    pub end: usize,
    pub zone: Zone,
}
