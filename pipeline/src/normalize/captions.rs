//! Photo captions (`data/lexicons/captions.txt`, codebook section 7 "Captions"): which kept
//! paragraphs describe a picture rather than tell the story.
//!
//! Rule kinds:
//! - `label: REGEX` a caption label, matched case-insensitively against the whole text before
//!   the colon of "Killed: Vladimir Loginov and ...";
//! - `picture: REGEX` words that say a picture is being described ("pictured", "is seen"),
//!   searched case-insensitively;
//! - `not-caption: REGEX` words that mark reported speech ("said", "told"): a paragraph that
//!   attributes something is body text, even next to a photo credit.
//!
//! A paragraph is a caption when (strong rules, which need nothing but the paragraph)
//! - it opens with a short label from the lexicon and a colon, or
//! - it has a picture word and either a label, or no final punctuation and no reported speech
//!   (captions in the style "Utkin, far right, is photographed with ..." have none);
//!
//! or (context rules)
//! - a photo credit was stripped from its end or stood alone right after it, and it is a
//!   short, one- or two-sentence description without reported speech, or
//! - it lies between two captions, has no final punctuation and is not a title.
//!
//! What is deliberately NOT a caption: a colon after a long or speech-like lead ("Peskov told
//! reporters: ..."), an all-capitals kicker ("CLAIM:", "UN:", "FACT CHECK:"), a title or
//! section head without final punctuation ("Troops on Border").

use regex::Regex;

use super::rulefile::{self, Anchor, Entry};
use crate::error::LexiconError;

const FILE: &str = "captions.txt";
/// Captions are short; longer paragraphs are body text whatever they contain.
pub(crate) const CAPTION_MAXLEN: usize = 400;
/// A caption next to a credit, or between captions, is shorter still.
const CONTEXT_CAPTION_MAXLEN: usize = 300;
/// The longest label before the colon, in characters and words.
const LABEL_MAXLEN: usize = 40;
const LABEL_MAXWORDS: usize = 4;

/// Compiled caption rules.
#[derive(Debug, Clone)]
pub(crate) struct CaptionRules {
    labels: Vec<Regex>,
    picture: Vec<Regex>,
    not_caption: Vec<Regex>,
}

impl CaptionRules {
    pub(crate) fn parse(text: &str) -> Result<CaptionRules, LexiconError> {
        let mut rules = CaptionRules { labels: Vec::new(), picture: Vec::new(), not_caption: Vec::new() };
        for entry in rulefile::parse(FILE, text)? {
            let Entry::Rule { line, kind, params, value } = entry else {
                // Captions are not outlet-specific; sections are allowed but only group rules.
                continue;
            };
            rulefile::check_params(FILE, line, &params, &[])?;
            let case_insensitive = format!("(?i:{value})");
            match kind.as_str() {
                "label" => {
                    rules.labels.push(rulefile::compile(FILE, line, &case_insensitive, Anchor::Whole)?)
                }
                "picture" => {
                    rules.picture.push(rulefile::compile(FILE, line, &case_insensitive, Anchor::Search)?)
                }
                "not-caption" => {
                    rules.not_caption.push(rulefile::compile(FILE, line, &case_insensitive, Anchor::Search)?)
                }
                other => {
                    return Err(LexiconError::Invalid {
                        file: FILE.to_string(),
                        line,
                        message: format!("unknown rule kind `{other}` (label, picture, not-caption)"),
                    })
                }
            }
        }
        Ok(rules)
    }

    /// A caption by the paragraph alone (label or picture words).
    pub(crate) fn is_strong_caption(&self, para: &str) -> bool {
        if para.chars().count() > CAPTION_MAXLEN {
            return false;
        }
        let label = caption_label(para);
        if let Some(label) = label {
            if self.labels.iter().any(|re| re.is_match(label)) {
                return true;
            }
        }
        let pictured = self.picture.iter().any(|re| re.is_match(para));
        // Without a label, a headline such as "Soldiers were seen looting, villagers say" has
        // picture words too: reported speech makes it body text.
        pictured && (label.is_some() || (!ends_sentence(para) && !self.is_speech(para)))
    }

    /// A caption because a photo credit was next to it: a short description, no reported speech.
    pub(crate) fn is_credit_caption(&self, para: &str) -> bool {
        para.chars().count() <= CONTEXT_CAPTION_MAXLEN
            && para.split(' ').count() >= 4
            && sentence_count(para) <= 2
            && !self.is_speech(para)
    }

    /// A caption between two captions: short, no final punctuation, reads like a sentence.
    pub(crate) fn is_between_captions(&self, para: &str) -> bool {
        para.chars().count() <= CONTEXT_CAPTION_MAXLEN
            && !ends_sentence(para)
            && para.split(' ').count() >= 4
            && !is_title_case(para)
            && !self.is_speech(para)
    }

    /// Whether a paragraph attributes words to someone ("said", "told").
    pub(crate) fn is_speech(&self, para: &str) -> bool {
        self.not_caption.iter().any(|re| re.is_match(para))
    }
}

/// The text before the colon of a "Label: text" paragraph, if it is shaped like a caption label:
/// 1-4 words, starting with a capital, not all capitals (a kicker like "CLAIM:" or an acronym
/// like "UN:"), no digits, and followed by at least three words that are not a quotation.
pub(crate) fn caption_label(para: &str) -> Option<&str> {
    let head_end = para.char_indices().nth(LABEL_MAXLEN + 1).map_or(para.len(), |(i, _)| i);
    let colon = para.get(..head_end)?.find(": ")?;
    let label = para.get(..colon)?.trim();
    let rest = para.get(colon + 2..)?.trim_start();
    let words = label.split(' ').count();
    let first = label.chars().next()?;
    // Wire captions are labelled in capitals (`FILE PHOTO: Rescuers work at ...`).
    let has_lower = label.chars().any(char::is_lowercase) || matches!(label, "FILE PHOTO" | "FILE PICTURE" | "PHOTO" | "PICTURED");
    let rest_starts_quote = rest.starts_with(['"', '\'', '\u{201C}', '\u{2018}', '\u{00AB}']);
    let ok = (1..=LABEL_MAXWORDS).contains(&words)
        && first.is_uppercase()
        && has_lower
        && !label.chars().any(|c| c.is_ascii_digit())
        && !rest_starts_quote
        && rest.split(' ').count() >= 3;
    ok.then_some(label)
}

/// Whether the paragraph ends like a sentence (final punctuation, maybe inside quotes).
pub(crate) fn ends_sentence(para: &str) -> bool {
    let core = para.trim_end_matches(['"', '\'', '\u{201D}', '\u{2019}', ')', ']', '\u{00BB}']);
    core.ends_with(['.', '!', '?', '\u{2026}'])
}

/// Rough count of sentences: terminal punctuation followed by a space and a capital, plus one.
pub(crate) fn sentence_count(para: &str) -> usize {
    let chars: Vec<char> = para.chars().collect();
    let mut count = 1;
    for w in chars.windows(3) {
        if matches!(w[0], '.' | '!' | '?') && w[1] == ' ' && w[2].is_uppercase() {
            count += 1;
        }
    }
    count
}

/// A title or section head: most words capitalised ("Troops on Border").
pub(crate) fn is_title_case(para: &str) -> bool {
    let words: Vec<&str> =
        para.split(' ').filter(|w| w.chars().next().is_some_and(char::is_alphabetic)).collect();
    if words.is_empty() {
        return false;
    }
    let capitalised = words.iter().filter(|w| w.chars().next().is_some_and(char::is_uppercase)).count();
    capitalised * 4 >= words.len() * 3
}
