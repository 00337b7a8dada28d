//! Stage 4, extract: sentences, casualty claims, named casualties and statements of one
//! normalized document (codebook sections 3 and 4). Pure: a document in, rows out.

use crate::error::LexiconError;
use crate::lexicon::LexiconSet;
use crate::model::{Claim, NamedCasualty, Paragraph, Sentence, Statement};

/// What extraction needs of a document.
#[derive(Debug, Clone, Copy)]
pub struct ExtractInput<'a> {
    pub doc_id: &'a str,
    /// The normalized text (`documents.text`).
    pub text: &'a str,
    /// Its paragraphs, with their zone (body or caption).
    pub paragraphs: &'a [Paragraph],
    /// `published` (`2015-05-28`, `2015-03`, `2015`) and its precision, if known.
    pub published: Option<&'a str>,
    pub published_precision: Option<&'a str>,
}

/// The rows of one document, each table ordered by `start`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extraction {
    pub sentences: Vec<Sentence>,
    pub claims: Vec<Claim>,
    pub named_casualties: Vec<NamedCasualty>,
    pub statements: Vec<Statement>,
}

/// Compiled extraction rules.
#[derive(Debug, Clone)]
pub struct Extractor {}

impl Extractor {
    pub fn from_lexicons(_lex: &LexiconSet) -> Result<Extractor, LexiconError> {
        Ok(Extractor {})
    }

    pub fn run(&self, input: &ExtractInput<'_>) -> Extraction {
        let _ = input;
        Extraction::default()
    }
}
