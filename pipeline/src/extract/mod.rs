//! Stage 4, extract: sentences, casualty claims, named casualties and statements of one
//! normalized document (codebook sections 3 and 4). Pure: a document in, rows out.
//!
//! Rules run on a folded copy of the text (typographic quotes and dashes as ASCII, same code
//! points), so offsets found there are the released code-point offsets of the original.

mod attribution;
mod claims;
mod counts;
mod dates;
mod lex;
mod named;
mod sentences;
mod statements;
mod text;

pub use counts::parse_number;
pub use dates::{parse_published, resolve as resolve_date};

use std::collections::BTreeSet;

use crate::error::LexiconError;
use crate::lexicon::{hex_sha256, LexiconSet};
use crate::model::{Claim, NamedCasualty, Paragraph, Sentence, Statement, Zone};

use attribution::Speakers;
use claims::{ClaimDraft, SentenceContext};
use lex::Lexicon;
use text::{original_slice, Folded};

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
pub struct Extractor {
    lex: Lexicon,
}

/// A sentence being processed: code-point range, zone, paragraph index.
struct SentenceSpan {
    start: usize,
    end: usize,
    zone: Zone,
    para: usize,
    /// A paragraph repeating an earlier one word for word: its rows were already counted.
    repeated: bool,
}

impl Extractor {
    pub fn from_lexicons(lexicons: &LexiconSet) -> Result<Extractor, LexiconError> {
        let lex = Lexicon::parse(lexicons.text(lex::FILE)?)?;
        Ok(Extractor { lex })
    }

    pub fn run(&self, input: &ExtractInput<'_>) -> Extraction {
        let text = input.text;
        let folded = Folded::new(text);
        let spans = self.sentence_spans(input, &folded);
        let mut out = Extraction::default();
        for (i, s) in spans.iter().enumerate() {
            out.sentences.push(Sentence {
                doc_id: input.doc_id.to_string(),
                sentence_idx: i as i64,
                start: s.start as i64,
                end: s.end as i64,
                zone: s.zone.as_str().to_string(),
                text: original_slice(text, &folded, s.start, s.end).to_string(),
            });
        }
        let published = dates::parse_published(input.published, input.published_precision);
        let doc_side = self.document_side(&folded.text);
        let mut speakers = Speakers::default();
        let mut claim_rows: Vec<Claim> = Vec::new();
        let mut statement_rows: Vec<(usize, Statement)> = Vec::new();
        let mut named_rows: Vec<NamedCasualty> = Vec::new();
        let mut named_seen: Vec<String> = Vec::new();
        let mut pending_strong: Vec<(usize, usize, named::NamedDraft, usize)> = Vec::new();
        let mut para_outcome: Vec<Option<String>> = Vec::new();
        let mut last_para = usize::MAX;
        for (idx, s) in spans.iter().enumerate() {
            if s.para != last_para {
                last_para = s.para;
                // A new paragraph keeps the previous speakers for a leading pronoun.
                speakers = Speakers { last_person: speakers.last_person.clone(), last_actor: speakers.last_actor.clone(), last_person_role: speakers.last_person_role.clone() };
            }
            while para_outcome.len() <= s.para {
                para_outcome.push(None);
            }
            if s.repeated {
                continue;
            }
            let fs = folded.slice(s.start, s.end);
            let fb0 = folded.char_to_fbyte.get(s.start).copied().unwrap_or(0);
            let to_char = |b: usize| folded.fbyte_to_char(fb0 + b.min(fs.len()));
            let orig = |span: (usize, usize)| -> String { original_slice(text, &folded, to_char(span.0), to_char(span.1)).to_string() };

            // Named casualties (captions included).
            for n in named::sentence_named(fs, &self.lex) {
                if n.outcome.is_empty() {
                    pending_strong.push((idx, s.para, n, s.start));
                    continue;
                }
                if para_outcome[s.para].is_none() {
                    para_outcome[s.para] = Some(n.outcome.clone());
                }
                self.push_named(&mut named_rows, &mut named_seen, &n, &orig, &to_char, published);
            }
            if s.zone == Zone::Caption {
                continue;
            }
            let ctx = SentenceContext { fs, doc: &folded.text, doc_side: &doc_side };
            let speakers_before = speakers.clone();
            let drafts = claims::sentence_claims(&ctx, &self.lex, &mut speakers);
            if let Some(d) = drafts.first() {
                if para_outcome[s.para].is_none() {
                    para_outcome[s.para] = Some(d.outcome.clone());
                }
            }
            let mut disclosed: BTreeSet<String> = BTreeSet::new();
            // Headlines, section heads and bullets (no closing punctuation) summarize the body:
            // their statements are counted where the body makes them.
            let complete = fs.trim_end().ends_with(['.', '!', '?', '"', '\'']);
            for d in &drafts {
                claim_rows.push(self.claim_row(input, idx, d, &orig, &to_char, &folded, text, published));
                // A disclosure is an official body or person giving a figure: not a vague word,
                // not an unnamed `regional officials`.
                let named_source = d.source.as_deref().is_some_and(|s| {
                    const BODIES: &[&str] = &["administration", "ministry", "government", "service", "staff", "council", "command", "army", "military", "police"];
                    // A capital other than a sentence-initial common word (`The`, `Officials`).
                    s.split_whitespace().enumerate().any(|(i, w)| {
                        w.chars().next().is_some_and(char::is_uppercase)
                            && !(i == 0 && (matches!(w.to_lowercase().as_str(), "the" | "a" | "an" | "its" | "their") || self.lex.generic_official_re.is_match(w) || Lexicon::in_list(&self.lex.raw.person_nouns, &w.to_lowercase())))
                    })
                        || (s.to_lowercase().starts_with("the ") && s.split_whitespace().last().is_some_and(|w| BODIES.contains(&w.to_lowercase().as_str())))
                        || s.to_lowercase().contains("governor's office")
                });
                if !complete || d.qualifier == "vague" || !named_source {
                    continue;
                }
                if let (Some(src), true) = (&d.source, d.source_type.starts_with("official_")) {
                    if let Some(st) = statements::disclosure(fs, src, &d.source_type, (d.start, d.end), &self.lex) {
                        if disclosed.insert(st.speaker.to_lowercase()) {
                            statement_rows.push((s.para, self.statement_row(input, idx, &st, &orig, &to_char)));
                        }
                    }
                }
            }
            let side_hint = drafts.first().map(|d| d.victim_side.clone()).unwrap_or_else(|| doc_side.clone());
            if !complete {
                continue;
            }
            for st in statements::sentence_statements(fs, &folded.text, &self.lex, &speakers_before, &side_hint) {
                // `It has previously dismissed ...`: the next sentence's pronoun is this speaker.
                speakers.remember(&st.speaker_raw, &self.lex);
                statement_rows.push((s.para, self.statement_row(input, idx, &st, &orig, &to_char)));
            }
        }
        // A paragraph's outcome, if no claim or name gave one: its first outcome word about a
        // person (`He was killed by an artillery strike`).
        // A paragraph's sentences are consecutive spans: one pass, however many paragraphs.
        for group in spans.chunk_by(|a, b| a.para == b.para) {
            let Some(slot) = para_outcome.get_mut(group[0].para) else { continue };
            if slot.is_some() {
                continue;
            }
            let (cs, ce) = group.iter().fold((usize::MAX, 0), |(a, b), s| (a.min(s.start), b.max(s.end)));
            *slot = if ce - cs <= PARAGRAPH_OUTCOME_CHARS {
                named::paragraph_outcome(folded.slice(cs, ce), &self.lex)
            } else {
                // The outcome rules are quadratic in their input: a longer paragraph (hostile
                // input, a megabyte of `killed killed ...`) is read sentence by sentence.
                group.iter().find_map(|s| named::paragraph_outcome(folded.slice(s.start, s.end), &self.lex))
            };
        }
        // Strong named evidence without an outcome in its sentence takes its paragraph's.
        for (idx, para, mut n, _) in pending_strong {
            let Some(o) = para_outcome.get(para).cloned().flatten() else { continue };
            if o == "casualties" || o == "exchanged" {
                continue;
            }
            n.outcome = o;
            let s = &spans[idx];
            let fs = folded.slice(s.start, s.end);
            let fb0 = folded.char_to_fbyte.get(s.start).copied().unwrap_or(0);
            let to_char = |b: usize| folded.fbyte_to_char(fb0 + b.min(fs.len()));
            let orig = |span: (usize, usize)| -> String { original_slice(text, &folded, to_char(span.0), to_char(span.1)).to_string() };
            self.push_named(&mut named_rows, &mut named_seen, &n, &orig, &to_char, published);
        }

        // Statements: one row per act; a repeat by the same speaker and stance within two
        // paragraphs is the same act reported again.
        // A disclosure repeated by the same speaker within two paragraphs is the same figure
        // reported again; other stances are one act per paragraph.
        let mut kept: Vec<(usize, Statement)> = Vec::new();
        for (para, st) in statement_rows {
            // A call for disclosure is one demand however often the article quotes it.
            let window = match st.stance.as_str() {
                "disclosure" => 3,
                "call_for_disclosure" => usize::MAX,
                // A policy of withholding restated in the next paragraph is the same act.
                "secrecy" => 1,
                _ => 0,
            };
            if kept.iter().any(|(p, k)| k.stance == st.stance && same_speaker(&k.speaker, &st.speaker) && para.abs_diff(*p) <= window) {
                continue;
            }
            // An article without any casualty figure gives no disclosure, and its unanswered
            // questions are not about casualties.
            if claim_rows.is_empty() && matches!(st.stance.as_str(), "disclosure" | "no_comment") {
                continue;
            }
            kept.push((para, st));
        }
        let mut stmts: Vec<Statement> = kept.into_iter().map(|(_, s)| s).collect();
        stmts.sort_by(|a, b| (a.start, a.end, &a.stance).cmp(&(b.start, b.end, &b.stance)));
        stmts.dedup_by(|a, b| a.statement_id == b.statement_id);
        claim_rows.sort_by(|a, b| (a.start, a.end, &a.outcome).cmp(&(b.start, b.end, &b.outcome)));
        claim_rows.dedup_by(|a, b| a.claim_id == b.claim_id);
        named_rows.sort_by(|a, b| (a.start, a.end, &a.name).cmp(&(b.start, b.end, &b.name)));
        for n in &mut named_rows {
            n.doc_id = input.doc_id.to_string();
        }
        out.claims = claim_rows;
        out.statements = stmts;
        out.named_casualties = named_rows;
        out
    }

    /// Sentences of every paragraph, in text order, with code-point offsets.
    fn sentence_spans(&self, input: &ExtractInput<'_>, folded: &Folded) -> Vec<SentenceSpan> {
        let text = input.text;
        let mut paras: Vec<Paragraph> = input.paragraphs.to_vec();
        paras.sort_by_key(|p| (p.start, p.end));
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut out = Vec::new();
        let mut covered_to = 0usize;
        for (pi, p) in paras.iter().enumerate() {
            let ps = p.start.min(text.len());
            let pe = p.end.min(text.len()).max(ps);
            let cs = folded.obyte_to_char(ps).max(covered_to);
            let ce = folded.obyte_to_char(pe);
            if ce <= cs {
                continue;
            }
            covered_to = ce;
            let para_text = folded.slice(cs, ce);
            let key: String = para_text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
            let repeated = key.chars().count() > 40 && !seen.insert(key);
            for (s, e) in sentences::split_sentences(para_text, cs) {
                // No real sentence is this long; cutting run-on text keeps the rules linear on
                // hostile input (a megabyte without a full stop).
                for (ps, pe) in cut_long(folded, s, e) {
                    out.push(SentenceSpan { start: ps, end: pe, zone: p.zone, para: pi, repeated });
                }
            }
        }
        out
    }

    /// The side most often cued in the document (russia, ukraine, other), for victims whose
    /// sentence names none.
    fn document_side(&self, folded: &str) -> String {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for c in &self.lex.side_cues {
            if !matches!(c.label.as_str(), "russia" | "ukraine" | "other") {
                continue;
            }
            let n = c.re.find_iter(folded).count();
            counts.push((c.label.clone(), n));
        }
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        match counts.first() {
            Some((label, n)) if *n > 0 => label.clone(),
            _ => "unspecified".to_string(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn claim_row(
        &self,
        input: &ExtractInput<'_>,
        idx: usize,
        d: &ClaimDraft,
        orig: &dyn Fn((usize, usize)) -> String,
        to_char: &dyn Fn(usize) -> usize,
        folded: &Folded,
        text: &str,
        published: Option<dates::Published>,
    ) -> Claim {
        let start = to_char(d.start) as i64;
        let end = to_char(d.end) as i64;
        let time_text = d.time.map(orig);
        let resolved = time_text.as_deref().and_then(|t| dates::resolve(&text::Folded::new(t).text, published));
        let source_text = match (&d.source, d.source_span) {
            (Some(s), _) => Some(unfold(s, folded, text)),
            _ => None,
        };
        Claim {
            claim_id: short_id(&format!("{}:{}:{}:{}", input.doc_id, start, end, d.outcome)),
            doc_id: input.doc_id.to_string(),
            sentence_idx: idx as i64,
            start,
            end,
            count_text: orig((d.count_start, d.count_start + d.count_text.len())),
            count_low: d.low,
            count_high: d.high,
            qualifier: d.qualifier.clone(),
            outcome: d.outcome.clone(),
            victim_text: d.victim.map(orig).filter(|v| !v.trim().is_empty()),
            victim_side: d.victim_side.clone(),
            victim_type: d.victim_type.clone(),
            location_text: d.location.map(orig),
            time_text,
            event_date: resolved.as_ref().map(|r| r.0.clone()),
            event_date_precision: resolved.map(|r| r.1.to_string()),
            source_text,
            source_type: d.source_type.clone(),
            hedged: d.hedged,
            rule_id: d.rule_id.clone(),
        }
    }

    fn statement_row(
        &self,
        input: &ExtractInput<'_>,
        idx: usize,
        st: &statements::StatementDraft,
        orig: &dyn Fn((usize, usize)) -> String,
        to_char: &dyn Fn(usize) -> usize,
    ) -> Statement {
        let start = to_char(st.start) as i64;
        let end = to_char(st.end).max(to_char(st.start)) as i64;
        Statement {
            statement_id: short_id(&format!("{}:{}:{}:{}", input.doc_id, start, end, st.stance)),
            doc_id: input.doc_id.to_string(),
            sentence_idx: idx as i64,
            start,
            end,
            speaker: st.speaker.clone(),
            speaker_type: st.speaker_type.clone(),
            stance: st.stance.clone(),
            topic: st.topic.clone(),
            quote: st.quote.map(orig),
        }
    }

    fn push_named(
        &self,
        rows: &mut Vec<NamedCasualty>,
        seen: &mut Vec<String>,
        n: &named::NamedDraft,
        orig: &dyn Fn((usize, usize)) -> String,
        to_char: &dyn Fn(usize) -> usize,
        published: Option<dates::Published>,
    ) {
        let name = orig((n.name_start, n.name_end));
        let key = fold_name(&name);
        if let Some(pos) = seen.iter().position(|k| *k == key) {
            // The same person again: fill what the first mention lacked.
            let row = &mut rows[pos];
            if row.age.is_none() {
                row.age = n.age;
            }
            if row.hometown.is_none() {
                row.hometown = n.hometown.map(orig);
            }
            if row.affiliation.is_none() {
                row.affiliation = n.affiliation.map(orig);
            }
            return;
        }
        let time_text = n.time.map(orig);
        let resolved = time_text.as_deref().and_then(|t| dates::resolve(&text::Folded::new(t).text, published));
        seen.push(key);
        rows.push(NamedCasualty {
            doc_id: String::new(),
            name,
            age: n.age,
            hometown: n.hometown.map(orig),
            affiliation: n.affiliation.map(orig),
            outcome: n.outcome.clone(),
            time_text,
            event_date: resolved.map(|r| r.0),
            place_text: n.place.map(orig),
            start: to_char(n.name_start) as i64,
            end: to_char(n.name_end) as i64,
        });
    }
}

/// The longest sentence the rules look at, in code points.
const MAX_SENTENCE_CHARS: usize = 1200;
/// Paragraphs up to this long are searched whole for their outcome, longer ones by sentence.
const PARAGRAPH_OUTCOME_CHARS: usize = 4 * MAX_SENTENCE_CHARS;

/// Cuts a span longer than [`MAX_SENTENCE_CHARS`] at spaces (or anywhere, if there is none).
fn cut_long(folded: &Folded, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = start;
    while end - s > MAX_SENTENCE_CHARS {
        let window = folded.slice(s, s + MAX_SENTENCE_CHARS);
        let cut = window.rfind(' ').filter(|&b| b > 0).map(|b| folded.fbyte_to_char(folded.char_to_fbyte[s] + b)).unwrap_or(s + MAX_SENTENCE_CHARS);
        let cut = if cut <= s { s + MAX_SENTENCE_CHARS } else { cut };
        out.push((s, cut));
        s = cut;
        while s < end && folded.slice(s, s + 1) == " " {
            s += 1;
        }
    }
    if end > s {
        out.push((s, end));
    }
    out
}

fn short_id(s: &str) -> String {
    hex_sha256(s.as_bytes())[..16].to_string()
}

/// Two canonical speakers name the same actor: equal, or one ends the other (`Datsenko`,
/// `Iryna Datsenko`; `ministry`, `Russian Defence Ministry`).
fn same_speaker(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_lowercase(), b.to_lowercase());
    a == b || a.ends_with(&format!(" {b}")) || b.ends_with(&format!(" {a}"))
}

#[allow(dead_code)]
fn last_word(s: &str) -> String {
    s.split_whitespace().last().unwrap_or("").to_lowercase()
}

/// A name folded for identity: lowercase, accents and punctuation dropped.
pub fn fold_name(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd().filter(|c| c.is_alphanumeric() || c.is_whitespace()).flat_map(|c| c.to_lowercase()).collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The original spelling of a fragment of folded text (first occurrence in the document).
fn unfold(fragment: &str, folded: &Folded, text: &str) -> String {
    if let Some(pos) = folded.text.find(fragment) {
        let cs = folded.fbyte_to_char(pos);
        let ce = folded.fbyte_to_char(pos + fragment.len());
        return original_slice(text, folded, cs, ce).to_string();
    }
    fragment.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Compiled once: building the regexes per case would dominate the property tests.
    fn extractor() -> &'static Extractor {
        static EX: std::sync::OnceLock<Extractor> = std::sync::OnceLock::new();
        EX.get_or_init(|| Extractor::from_lexicons(&LexiconSet::builtin()).expect("built-in lexicons load"))
    }

    fn paragraphs_of(text: &str) -> Vec<Paragraph> {
        let mut out = Vec::new();
        let mut start = 0;
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                if i > start {
                    out.push(Paragraph { start, end: i, zone: Zone::Body });
                }
                start = i + 1;
            }
        }
        if text.len() > start {
            out.push(Paragraph { start, end: text.len(), zone: Zone::Body });
        }
        out
    }

    fn check(ex: &Extractor, text: &str, paragraphs: &[Paragraph]) {
        let input = ExtractInput { doc_id: "d", text, paragraphs, published: Some("2024-02-29"), published_precision: Some("day") };
        let out = ex.run(&input);
        let n = text.chars().count() as i64;
        let spans = out
            .sentences
            .iter()
            .map(|s| (s.start, s.end))
            .chain(out.claims.iter().map(|c| (c.start, c.end)))
            .chain(out.named_casualties.iter().map(|c| (c.start, c.end)))
            .chain(out.statements.iter().map(|c| (c.start, c.end)));
        for (s, e) in spans {
            assert!(0 <= s && s <= e && e <= n, "span {s}..{e} outside 0..{n}");
        }
        assert!(out.claims.windows(2).all(|w| (w[0].start, w[0].end) <= (w[1].start, w[1].end)));
        assert_eq!(out, ex.run(&input), "extraction is deterministic");
    }

    #[test]
    fn typographic_text_gives_code_point_offsets() {
        let ex = extractor();
        let text = "“We lost 35 men,” the commander said.\nKyiv’s officials said 12 civilians were killed – at least.";
        let paragraphs = paragraphs_of(text);
        let input = ExtractInput { doc_id: "d", text, paragraphs: &paragraphs, published: None, published_precision: None };
        let out = ex.run(&input);
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(out.sentences.len(), 2);
        for c in &out.claims {
            let evidence: String = chars[c.start as usize..c.end as usize].iter().collect();
            assert!(evidence.contains(c.count_text.as_str()), "{evidence:?} / {:?}", c.count_text);
        }
        assert!(out.claims.iter().any(|c| c.count_low == Some(12) && c.outcome == "killed"));
    }

    #[test]
    fn captions_give_named_casualties_but_no_claims() {
        let ex = extractor();
        let text = "Killed: Private Ivan Petrov, 23, was killed near Bakhmut, where 40 soldiers died\nOfficials said 3 soldiers were killed.";
        let cap_end = text.find('\n').unwrap_or(0);
        let paragraphs = [Paragraph { start: 0, end: cap_end, zone: Zone::Caption }, Paragraph { start: cap_end + 1, end: text.len(), zone: Zone::Body }];
        let input = ExtractInput { doc_id: "d", text, paragraphs: &paragraphs, published: None, published_precision: None };
        let out = ex.run(&input);
        assert_eq!(out.claims.len(), 1);
        assert_eq!(out.named_casualties.len(), 1);
        assert_eq!(out.named_casualties[0].name, "Ivan Petrov");
        assert_eq!(out.named_casualties[0].age, Some(23));
        assert_eq!(out.sentences[0].zone, "caption");
    }

    #[test]
    fn lexicon_errors_are_reported() {
        let bad_json = Lexicon::parse("{ not json");
        assert!(matches!(bad_json, Err(LexiconError::Invalid { .. })));
        let text = LexiconSet::builtin().text(lex::FILE).expect("file").to_string();
        let bad_regex = text.replacen("\"pattern\": \"", "\"pattern\": \"(", 1);
        assert!(matches!(Lexicon::parse(&bad_regex), Err(LexiconError::Invalid { .. })));
    }

    #[test]
    fn statements_and_named_casualties() {
        let ex = extractor();
        let text = "Governor Ivan Orlov said 12 soldiers from the region had been killed.\nThe Kremlin declined to comment. It has never disclosed its losses.\nAmong the dead was Sergeant Pavel Lebedev, 31, from Tver.";
        let paragraphs = paragraphs_of(text);
        let input = ExtractInput { doc_id: "d", text, paragraphs: &paragraphs, published: Some("2024-05-15"), published_precision: Some("day") };
        let out = ex.run(&input);
        let stances: Vec<(&str, &str)> = out.statements.iter().map(|s| (s.stance.as_str(), s.speaker.as_str())).collect();
        assert!(stances.contains(&("disclosure", "Ivan Orlov")), "{stances:?}");
        assert!(stances.contains(&("no_comment", "Kremlin")), "{stances:?}");
        assert!(stances.contains(&("secrecy", "Kremlin")), "{stances:?}");
        assert_eq!(out.named_casualties.len(), 1);
        let n = &out.named_casualties[0];
        assert_eq!((n.name.as_str(), n.age, n.hometown.as_deref(), n.outcome.as_str()), ("Pavel Lebedev", Some(31), Some("Tver"), "killed"));
        assert!(out.statements.iter().all(|s| s.statement_id.len() == 16));
    }

    #[test]
    fn run_on_text_is_cut_and_fast() {
        let ex = extractor();
        let text = "killed 12 soldiers at least Ivan Petrov said ".repeat(2000);
        check(ex, &text, &paragraphs_of(&text));
    }

    #[test]
    fn bad_paragraph_offsets_do_not_panic() {
        let ex = extractor();
        let text = "Ünïcödé – 5 killed. ‘Quoted’ 7 wounded.";
        let paragraphs = [
            Paragraph { start: 1, end: 3, zone: Zone::Body },
            Paragraph { start: 2, end: 1000, zone: Zone::Body },
            Paragraph { start: 50, end: 10, zone: Zone::Caption },
        ];
        check(ex, text, &paragraphs);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

        #[test]
        fn extraction_never_panics(text in "(?s)[a-zA-Z0-9 ,.;:!?'\"()\\-\n\u{2019}\u{201C}\u{201D}\u{2013}\u{00A0}é€$%]{0,300}") {
            check(extractor(), &text, &paragraphs_of(&text));
        }

        #[test]
        fn extraction_never_panics_on_casualty_like_text(words in proptest::collection::vec(prop_oneof![
            Just("killed"), Just("at least"), Just("12"), Just("6,100"), Just("Ninety-five"), Just("soldiers"), Just("of the"),
            Just("wounded"), Just("said"), Just("“"), Just("”"), Just(","), Just("."), Just("Ivan Petrov"), Just("34"), Just("a dozen"),
            Just("between"), Just("and"), Just("–"), Just("he"), Just("Kremlin"), Just("denied"), Just("\n"), Just("dozens"), Just("’s"),
        ], 0..60)) {
            let text = words.join(" ");
            check(extractor(), &text, &paragraphs_of(&text));
        }

        #[test]
        fn count_parsing_never_panics(s in "\\PC{0,80}") {
            let lex = &extractor().lex;
            let _ = counts::find_counts(&s, lex);
            let _ = parse_number(&s, lex);
        }
    }
}
