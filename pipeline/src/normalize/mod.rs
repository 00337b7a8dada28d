//! Stage 2, normalize: Unicode NFC, spaces and line endings, boilerplate removal, repeated
//! paragraphs kept once, photo captions marked (codebook section 2). Pure: `&str` in, text out.
//!
//! The steps, in order:
//! 1. characters ([`unicode`]): line endings to `\n`, Unicode spaces to ' ', invisibles dropped,
//!    NFC; each line trimmed with its spaces collapsed;
//! 2. lines ([`boilerplate`]): block rules, list headers with their teasers, boilerplate lines
//!    and photo credits are removed, line by line, before any line is joined to another;
//! 3. layout ([`layout`]): the remaining lines become paragraphs, one per line unless a group
//!    of lines is hard-wrapped text;
//! 4. paragraphs: a credit ending a caption is stripped, boilerplate rules run again on joined
//!    paragraphs, a bare photographer's name after a caption is dropped, and a paragraph equal to
//!    an earlier one (ignoring case and punctuation) is dropped;
//! 5. zones ([`captions`]): photo captions are marked `Zone::Caption`.
//!
//! Output paragraphs are single lines joined by "\n\n", so normalizing the output again changes
//! nothing: every rule that removed text has nothing left to remove, and no lines are left to
//! join. Zones are the same again, except for captions recognised only by a neighbouring credit,
//! which the first run removed.

mod boilerplate;
mod captions;
mod layout;
mod rulefile;
mod unicode;

use std::collections::HashSet;

use crate::error::LexiconError;
use crate::lexicon::LexiconSet;
use crate::model::{Paragraph, Zone};

use boilerplate::{Active, BoilerplateRules, Removal};
use captions::CaptionRules;

/// How far from the end of a paragraph a trailing photo credit may start, in characters.
const TRAILING_CREDIT_WINDOW: usize = 200;
/// At most this many teaser lines after a list header at the end of a page are removed.
const TAIL_TEASERS_MAX: usize = 12;
/// At most this many credits are stripped from the end of one paragraph.
const MAX_STACKED_CREDITS: usize = 64;
/// A caption with a bare photographer's name at its end is at most this long.
const NAMED_CREDIT_CAPTION_MAXLEN: usize = 300;

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
pub struct Normalizer {
    boilerplate: BoilerplateRules,
    captions: CaptionRules,
}

/// A paragraph before boilerplate, repeats and zones are decided.
struct Candidate {
    text: String,
    /// A photo credit line was removed right after it.
    credit_after: bool,
}

/// A paragraph that stays in the text.
struct Kept {
    text: String,
    /// A photo credit ended it or followed it (before being removed).
    credited: bool,
}

impl Normalizer {
    pub fn from_lexicons(lex: &LexiconSet) -> Result<Normalizer, LexiconError> {
        Ok(Normalizer {
            boilerplate: BoilerplateRules::parse(lex.text("boilerplate.txt")?)?,
            captions: CaptionRules::parse(lex.text("captions.txt")?)?,
        })
    }

    pub fn run(&self, raw: &str) -> NormalizedText {
        let cleaned = unicode::clean_chars(raw);
        let active = self.boilerplate.active(&cleaned);
        let lines: Vec<String> = cleaned.split('\n').map(unicode::collapse_spaces).collect();
        drop(cleaned);

        let mut removed_chars = 0usize;
        let removals = mark_lines(&active, &lines, &mut removed_chars);
        let candidates = layout_candidates(&lines, &removals);
        let kept = self.filter_paragraphs(&active, candidates, &mut removed_chars);
        let zones = self.zones(&kept);

        let mut text = String::with_capacity(kept.iter().map(|k| k.text.len() + 2).sum());
        let mut paragraphs = Vec::with_capacity(kept.len());
        for (para, zone) in kept.iter().zip(zones) {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            let start = text.len();
            text.push_str(&para.text);
            paragraphs.push(Paragraph { start, end: text.len(), zone });
        }
        NormalizedText {
            text,
            paragraphs,
            boilerplate_chars_removed: i64::try_from(removed_chars).unwrap_or(i64::MAX),
        }
    }

    /// Step 4: trailing credits, boilerplate of joined paragraphs, repeats, then credit names.
    fn filter_paragraphs(
        &self,
        active: &Active<'_>,
        candidates: Vec<Candidate>,
        removed_chars: &mut usize,
    ) -> Vec<Kept> {
        let mut unique: Vec<Kept> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        for cand in candidates {
            let (text, stripped) = self.strip_trailing_credits(active, cand.text);
            *removed_chars += stripped;
            if text.is_empty() {
                continue;
            }
            if let Some(removal) = active.removal(&text) {
                *removed_chars += text.chars().count();
                if removal == Removal::Credit {
                    mark_credited(&self.captions, unique.last_mut());
                }
                continue;
            }
            if !seen.insert(repeat_key(&text)) {
                *removed_chars += text.chars().count();
                continue;
            }
            let credited = stripped > 0 || (cand.credit_after && credit_can_follow(&self.captions, &text));
            unique.push(Kept { text, credited });
        }
        // Bare names last, once repeats are gone, so that a second run (which sees no repeats)
        // takes the same decisions.
        let mut kept: Vec<Kept> = Vec::with_capacity(unique.len());
        let mut unique = unique.into_iter().peekable();
        while let Some(para) = unique.next() {
            // Two names in a row are a list (of the dead, perhaps), not a photographer's credit.
            let next_is_name = unique.peek().is_some_and(|next| active.is_credit_name(&next.text));
            if active.is_credit_name(&para.text)
                && !next_is_name
                && kept.last().is_some_and(|p| credit_can_follow(&self.captions, &p.text))
            {
                *removed_chars += para.text.chars().count();
                mark_credited(&self.captions, kept.last_mut());
                continue;
            }
            kept.push(para);
        }
        kept
    }

    /// Removes photo credits from the end of a paragraph ("... Thursday. Alexei Druzhinin",
    /// "... on March 9. Photo: Northern Ledger"), repeatedly; returns the rest and the number of
    /// characters removed.
    ///
    /// The credit is removed rather than kept inside the caption: the codebook makes photo
    /// credits boilerplate, and a photographer's name left in the text would be read as a person
    /// of the story (a named casualty, a speaker) and would differ between two copies of a story
    /// that only differ in the photo. The price: on a second run the caption has no credit left
    /// to be recognised by, so it may become body text (the text itself is unchanged).
    fn strip_trailing_credits(&self, active: &Active<'_>, mut text: String) -> (String, usize) {
        let mut stripped = 0;
        // Each round looks at the last TRAILING_CREDIT_WINDOW characters only, so the bound
        // keeps a paragraph made of thousands of credits linear (such a paragraph is the only
        // one a second run could still shorten).
        for _ in 0..MAX_STACKED_CREDITS {
            let Some(cut) = self.trailing_credit_start(active, &text) else { break };
            let kept_len = text[..cut].trim_end().len();
            stripped += text[kept_len..].chars().count();
            text.truncate(kept_len);
        }
        (text, stripped)
    }

    /// The byte offset where a trailing credit starts, if the paragraph ends with one: a space
    /// after final punctuation (or before a parenthesis) in the last characters, followed by
    /// nothing but a credit.
    fn trailing_credit_start(&self, active: &Active<'_>, text: &str) -> Option<usize> {
        let window_start = text.char_indices().rev().nth(TRAILING_CREDIT_WINDOW - 1).map_or(0, |(i, _)| i);
        let mut prev: Option<char> = text[..window_start].chars().next_back();
        for (offset, c) in text[window_start..].char_indices() {
            let i = window_start + offset;
            let after_sentence = matches!(prev, Some('.' | '!' | '?' | '"' | '\u{201D}' | ')'));
            prev = Some(c);
            if c != ' ' || i == 0 {
                continue;
            }
            let tail = &text[i + 1..];
            let before_paren = tail.starts_with('(');
            if !(after_sentence || before_paren) || tail.is_empty() {
                continue;
            }
            if active.is_credit(tail) {
                return Some(i);
            }
            let head = text[..i].trim_end();
            if after_sentence
                && active.is_credit_name(tail)
                // Bytes first: a cheap bound before counting characters of a long paragraph.
                && head.len() <= NAMED_CREDIT_CAPTION_MAXLEN * 4
                && head.chars().count() <= NAMED_CREDIT_CAPTION_MAXLEN
                && captions::sentence_count(head) == 1
                && captions::ends_sentence(head)
                && !self.captions.is_speech(head)
            {
                return Some(i);
            }
        }
        None
    }

    /// Step 5: the zone of each kept paragraph.
    fn zones(&self, kept: &[Kept]) -> Vec<Zone> {
        let by_itself: Vec<bool> = kept
            .iter()
            .map(|k| {
                self.captions.is_strong_caption(&k.text)
                    || (k.credited && self.captions.is_credit_caption(&k.text))
            })
            .collect();
        (0..kept.len())
            .map(|i| {
                let between = i > 0
                    && i + 1 < kept.len()
                    && by_itself[i - 1]
                    && by_itself[i + 1]
                    && self.captions.is_between_captions(&kept[i].text);
                if by_itself[i] || between {
                    Zone::Caption
                } else {
                    Zone::Body
                }
            })
            .collect()
    }
}

/// Step 2: which lines are removed, and why. Blank lines are never removed (they only
/// separate); `removed_chars` grows by the characters of every removed line.
fn mark_lines(active: &Active<'_>, lines: &[String], removed_chars: &mut usize) -> Vec<Option<Removal>> {
    let mut removals: Vec<Option<Removal>> = vec![None; lines.len()];
    let mut remove = |removals: &mut Vec<Option<Removal>>, i: usize, why: Removal| {
        if !lines[i].is_empty() && removals[i].is_none() {
            removals[i] = Some(why);
            *removed_chars += lines[i].chars().count();
        }
    };
    let tail_start = teaser_tail_start(active, lines);
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        if line.is_empty() {
            i += 1;
            continue;
        }
        if let Some(end) = active.block_end(lines, i) {
            for j in i..=end {
                remove(&mut removals, j, Removal::Boilerplate);
            }
            i = end + 1;
            continue;
        }
        if active.is_list_header(line) {
            remove(&mut removals, i, Removal::Boilerplate);
            let mut k = i + 1;
            while k < lines.len() && boilerplate::is_teaser(&lines[k]) {
                remove(&mut removals, k, Removal::Boilerplate);
                k += 1;
            }
            // Teasers set off by blank lines are taken only when they are all that is left of
            // the page: a teaser-like line in mid-article may be a section head of the story.
            if k >= tail_start {
                for (j, rest) in lines.iter().enumerate().skip(k) {
                    let why = active.removal(rest).unwrap_or(Removal::Boilerplate);
                    remove(&mut removals, j, why);
                }
                k = lines.len();
            }
            i = k;
            continue;
        }
        if let Some(why) = active.removal(line) {
            remove(&mut removals, i, why);
        }
        i += 1;
    }
    removals
}

/// Where the page's closing run of teasers starts: the smallest index from which every
/// non-blank line is a teaser or boilerplate, with at most `TAIL_TEASERS_MAX` of them. Computed
/// once, so many list headers cost no more than one.
fn teaser_tail_start(active: &Active<'_>, lines: &[String]) -> usize {
    let mut start = lines.len();
    let mut count = 0;
    for j in (0..lines.len()).rev() {
        if lines[j].is_empty() {
            start = j;
            continue;
        }
        count += 1;
        if count > TAIL_TEASERS_MAX
            || !(boilerplate::is_teaser(&lines[j]) || active.removal(&lines[j]).is_some())
        {
            break;
        }
        start = j;
    }
    start
}

/// Step 3: groups of consecutive kept lines (a blank or removed line ends a group) become
/// paragraphs; each remembers whether a credit line was removed right after it.
fn layout_candidates(lines: &[String], removals: &[Option<Removal>]) -> Vec<Candidate> {
    let mut out = Vec::new();
    let mut group: Vec<&str> = Vec::new();
    let flush = |group: &mut Vec<&str>, out: &mut Vec<Candidate>, next: usize| {
        if group.is_empty() {
            return;
        }
        let credit_after = next_credit(lines, removals, next);
        let paras = layout::paragraphs(group);
        let last = paras.len().saturating_sub(1);
        for (n, text) in paras.into_iter().enumerate() {
            out.push(Candidate { text, credit_after: credit_after && n == last });
        }
        group.clear();
    };
    for (i, line) in lines.iter().enumerate() {
        if line.is_empty() || removals[i].is_some() {
            flush(&mut group, &mut out, i);
        } else {
            group.push(line);
        }
    }
    flush(&mut group, &mut out, lines.len());
    out
}

/// Whether the first non-blank line at or after `from` was removed as a photo credit.
fn next_credit(lines: &[String], removals: &[Option<Removal>], from: usize) -> bool {
    (from..lines.len()).find(|&j| !lines[j].is_empty()).is_some_and(|j| removals[j] == Some(Removal::Credit))
}

/// A bare name may be a photographer's credit only right after a finished, short description.
fn credit_can_follow(captions: &CaptionRules, prev: &str) -> bool {
    captions::ends_sentence(prev) && captions.is_credit_caption(prev)
}

/// Records that a credit followed a kept paragraph. A credit after a title or section head (no
/// final punctuation) does not make it a caption: the title carries claims.
fn mark_credited(captions: &CaptionRules, prev: Option<&mut Kept>) {
    if let Some(prev) = prev {
        if credit_can_follow(captions, &prev.text) {
            prev.credited = true;
        }
    }
}

/// What two paragraphs must share to count as the same: their words, lower-cased, ignoring
/// punctuation and quote style. A paragraph without letters or digits ("***") keeps its text.
fn repeat_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if !key.is_empty() {
            key.push(' ');
        }
        key.extend(word.chars().flat_map(char::to_lowercase));
    }
    if key.is_empty() {
        text.to_string()
    } else {
        key
    }
}

#[cfg(test)]
mod tests;
