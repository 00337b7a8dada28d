//! The extraction lexicon (`data/lexicons/extract.json`): word lists and patterns as data,
//! parsed with serde and compiled once into regexes.

use regex::{Regex, RegexSet};
use serde::Deserialize;

use crate::error::LexiconError;

pub const FILE: &str = "extract.json";

#[derive(Debug, Clone, Deserialize)]
pub struct PhraseQualifier {
    pub phrase: String,
    pub qualifier: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PhraseValue {
    pub phrase: String,
    pub value: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct OutcomeRule {
    /// A regex (case-insensitive) over folded text.
    pub pattern: String,
    pub outcome: String,
    /// `strong`: a verb that takes its victims as object right after it (`killed 31`);
    /// `weak`: the same, but a later outcome word wins (`lost 180 men killed`); `none`.
    #[serde(default = "none_str")]
    pub before: String,
    /// A noun that can govern the count through `of` (`deaths of hundreds`).
    #[serde(default)]
    pub of_before: bool,
    /// A noun that can name a total stated later (`death toll ... rose to four`).
    #[serde(default)]
    pub total: bool,
    /// Whether the word may follow its count (`20 were returned`); `returned` alone may not
    /// (`400 returned alive`), though `each side returned 105` is fine.
    #[serde(default = "yes")]
    pub after: bool,
}

fn yes() -> bool {
    true
}

fn none_str() -> String {
    "none".to_string()
}

#[derive(Debug, Clone, Deserialize)]
pub struct PatternLabel {
    pub pattern: String,
    pub label: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct StanceRule {
    pub pattern: String,
    pub stance: String,
    #[serde(default)]
    pub topic: Option<String>,
}

/// The file as written.
#[derive(Debug, Clone, Deserialize)]
pub struct RawLexicon {
    pub number_units: Vec<PhraseValue>,
    pub number_tens: Vec<PhraseValue>,
    pub number_scales: Vec<PhraseValue>,
    pub qualifiers: Vec<PhraseQualifier>,
    pub suffix_qualifiers: Vec<PhraseQualifier>,
    pub vague: Vec<PhraseValue>,
    pub approximate_counts: Vec<PhraseValue>,
    pub outcomes: Vec<OutcomeRule>,
    pub person_nouns: Vec<String>,
    pub singular_person_nouns: Vec<String>,
    pub skip_after_count: Vec<String>,
    pub function_words: Vec<String>,
    pub non_count_units: Vec<String>,
    pub months: Vec<String>,
    pub subset_markers: Vec<String>,
    pub negators: Vec<String>,
    pub hypothetical_markers: Vec<String>,
    pub population_markers: Vec<String>,
    pub vague_blockers: Vec<String>,
    pub non_victim_modifiers: Vec<String>,
    pub negated_report: String,
    pub hedges: Vec<String>,
    pub report_verbs: Vec<String>,
    pub source_types: Vec<PatternLabel>,
    pub generic_officials: Vec<String>,
    pub unnamed_cues: Vec<String>,
    pub side_cues: Vec<PatternLabel>,
    pub type_cues: Vec<PatternLabel>,
    pub stances: Vec<StanceRule>,
    pub ranks: Vec<String>,
    pub name_stopwords: Vec<String>,
    pub known_speakers: Vec<PatternLabel>,
    pub speaker_aliases: Vec<PatternLabel>,
    pub involvement_cues: String,
    /// Nouns after which a nationality names the attacker (`Russian strike`), not the victims.
    pub perpetrator_nouns: Vec<String>,
    pub casualty_topic_cues: String,
}

/// A compiled outcome rule.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub re: Regex,
    pub outcome: String,
    pub before: String,
    pub of_before: bool,
    pub total: bool,
    pub after: bool,
}

/// A compiled pattern with its label.
#[derive(Debug, Clone)]
pub struct Labeled {
    pub re: Regex,
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct Stance {
    pub re: Regex,
    pub stance: String,
    pub topic: Option<String>,
}

/// The compiled lexicon.
#[derive(Debug, Clone)]
pub struct Lexicon {
    pub raw: RawLexicon,
    pub count_re: Regex,
    pub singular_re: Regex,
    /// A singular victim without article right after a verb (`Drone kills woman`).
    pub bare_singular_re: Regex,
    pub outcomes: Vec<Outcome>,
    /// The outcome patterns in one pass: which rules match a sentence at all.
    pub outcome_set: RegexSet,
    pub negated_report: Regex,
    /// Any hedge (the hedges as one alternation).
    pub hedge_re: Regex,
    pub report_verb_re: Regex,
    pub source_types: Vec<Labeled>,
    pub generic_official_re: Regex,
    pub unnamed_re: Regex,
    pub side_cues: Vec<Labeled>,
    pub type_cues: Vec<Labeled>,
    pub stances: Vec<Stance>,
    /// The stance patterns in one pass.
    pub stance_set: RegexSet,
    pub known_speakers: Vec<Labeled>,
    pub speaker_aliases: Vec<Labeled>,
    pub involvement_re: Regex,
    pub casualty_topic_re: Regex,
}

fn invalid(message: String) -> LexiconError {
    LexiconError::Invalid { file: FILE.to_string(), line: 0, message }
}

// The stance and outcome alternations are large: with the default 2 MiB lazy-DFA cache the
// engine keeps giving up and falls back to a slow NFA (~12% of all CPU). The cache grows only as
// far as a pattern needs.
const DFA_CACHE: usize = 32 << 20;

fn compile(pattern: &str) -> Result<Regex, LexiconError> {
    regex::RegexBuilder::new(&format!("(?i){pattern}"))
        .dfa_size_limit(DFA_CACHE)
        .build()
        .map_err(|e| invalid(format!("bad pattern {pattern:?}: {e}")))
}

/// Many rules in one automaton. A sentence is scanned once to learn which rules match at all;
/// only those run their own search (35 outcome rules per sentence cost one scan, not 35).
fn compile_set(patterns: &[String]) -> Result<RegexSet, LexiconError> {
    regex::RegexSetBuilder::new(patterns.iter().map(|p| format!("(?i){p}")))
        // The union of case-insensitive Unicode patterns is bigger than any one of them.
        .size_limit(64 << 20)
        .dfa_size_limit(DFA_CACHE)
        .build()
        .map_err(|e| invalid(format!("bad pattern set: {e}")))
}

/// `\b(?:a|b|c)\b` of escaped phrases, longest first so that alternation prefers them.
fn alternation(phrases: impl IntoIterator<Item = String>) -> String {
    let mut v: Vec<String> = phrases.into_iter().filter(|p| !p.trim().is_empty()).collect();
    v.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    v.dedup();
    let parts: Vec<String> = v.iter().map(|p| regex::escape(p.trim()).replace("\\ ", r"\s+").replace(' ', r"\s+")).collect();
    if parts.is_empty() {
        // A pattern that never matches keeps the regex valid.
        return "(?:\\b\\B)".to_string();
    }
    format!("(?:{})", parts.join("|"))
}

impl Lexicon {
    pub fn parse(text: &str) -> Result<Lexicon, LexiconError> {
        let raw: RawLexicon = serde_json::from_str(text).map_err(|e| LexiconError::Invalid {
            file: FILE.to_string(),
            line: e.line(),
            message: e.to_string(),
        })?;
        let word_nums = alternation(
            raw.number_units.iter().chain(raw.number_tens.iter()).chain(raw.number_scales.iter()).map(|p| p.phrase.clone()),
        );
        let scales = alternation(raw.number_scales.iter().map(|p| p.phrase.clone()));
        let digits = format!(r"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d{{1,3}}(?:\.\d{{3}})+|\d+(?:\.\d+)?)(?:\s+{scales})?");
        let words = format!(r"(?:(?:a\s+)?{word_nums}(?:(?:\s*-\s*|\s+and\s+|\s+){word_nums})*)");
        let num = format!("(?:{digits}|{words})");
        let approx = alternation(raw.approximate_counts.iter().map(|p| p.phrase.clone()));
        let vague = alternation(raw.vague.iter().map(|p| p.phrase.clone()));
        let quals = alternation(raw.qualifiers.iter().map(|p| p.phrase.clone()));
        let suffix = alternation(raw.suffix_qualifiers.iter().map(|p| p.phrase.clone()));
        let range = format!(r"(?:between\s+{num}\s+and\s+{num}|from\s+{num}\s+to\s+{num}|{digits}\s*(?:-|to)\s*{digits}|{words}\s+to\s+{words})");
        let count_pattern = format!(
            r"\b(?:(?P<qual>{quals})\s+)?(?P<core>{range}|{approx}|{vague}|{num})(?P<suffix>\s*{suffix})?\b"
        );
        let count_re = compile(&count_pattern)?;
        let sg = alternation(raw.singular_person_nouns.iter().cloned());
        let singular_re = compile(&format!(r"\b(?:a|an|one|another)\s+(?:[\w'-]+\s+){{0,2}}{sg}\b"))?;
        let strong: Vec<String> = raw.outcomes.iter().filter(|o| o.before == "strong").map(|o| format!("(?:{})", o.pattern)).collect();
        let bare_singular_re = compile(&format!(r"\b(?:{})\s+({sg})\b", if strong.is_empty() { "\\b\\B".to_string() } else { strong.join("|") }))?;
        let outcome_patterns: Vec<String> = raw.outcomes.iter().map(|o| format!(r"\b(?:{})\b", o.pattern)).collect();
        let mut outcomes = Vec::new();
        for (o, pattern) in raw.outcomes.iter().zip(&outcome_patterns) {
            outcomes.push(Outcome {
                re: compile(pattern)?,
                outcome: o.outcome.clone(),
                before: o.before.clone(),
                of_before: o.of_before,
                total: o.total,
                after: o.after,
            });
        }
        let labeled = |v: &Vec<PatternLabel>| -> Result<Vec<Labeled>, LexiconError> {
            v.iter().map(|p| Ok(Labeled { re: compile(&format!(r"\b(?:{})", p.pattern))?, label: p.label.clone() })).collect()
        };
        // Quotation marks inside a cue do not break it: `had "no information" about`.
        let stance_patterns: Vec<String> =
            raw.stances.iter().map(|s| format!(r"\b(?:{})", s.pattern.replace(r"\s+", r#"[\s"']+"#).replace(r"\s*", r#"[\s"']*"#))).collect();
        let stances = raw
            .stances
            .iter()
            .zip(&stance_patterns)
            .map(|(s, pattern)| Ok(Stance { re: compile(pattern)?, stance: s.stance.clone(), topic: s.topic.clone() }))
            .collect::<Result<Vec<_>, LexiconError>>()?;
        let hedge_patterns: Vec<String> = raw.hedges.iter().map(|h| format!(r"\b(?:{h})")).collect();
        let any_hedge = if hedge_patterns.is_empty() { r"\b\B".to_string() } else { hedge_patterns.iter().map(|h| format!("(?:{h})")).collect::<Vec<_>>().join("|") };
        // A bad hedge is named in the error, not the whole alternation.
        let hedge_re = compile(&any_hedge).map_err(|e| hedge_patterns.iter().find_map(|h| compile(h).err()).unwrap_or(e))?;
        Ok(Lexicon {
            count_re,
            singular_re,
            bare_singular_re,
            outcomes,
            outcome_set: compile_set(&outcome_patterns)?,
            negated_report: compile(&raw.negated_report)?,
            hedge_re,
            report_verb_re: compile(&format!(r"\b{}\b", alternation(raw.report_verbs.iter().cloned())))?,
            source_types: labeled(&raw.source_types)?,
            generic_official_re: compile(&format!(r"\b{}\b", alternation(raw.generic_officials.iter().cloned())))?,
            unnamed_re: compile(&format!(r"\b(?:{})", raw.unnamed_cues.join("|")))?,
            side_cues: labeled(&raw.side_cues)?,
            type_cues: labeled(&raw.type_cues)?,
            stances,
            stance_set: compile_set(&stance_patterns)?,
            known_speakers: labeled(&raw.known_speakers)?,
            speaker_aliases: raw
                .speaker_aliases
                .iter()
                .map(|p| Ok(Labeled { re: compile(&p.pattern)?, label: p.label.clone() }))
                .collect::<Result<Vec<_>, LexiconError>>()?,
            involvement_re: compile(&raw.involvement_cues)?,
            casualty_topic_re: compile(&raw.casualty_topic_cues)?,
            raw,
        })
    }

    pub fn in_list(list: &[String], word: &str) -> bool {
        list.iter().any(|w| w.eq_ignore_ascii_case(word))
    }
}
