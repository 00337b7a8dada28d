//! Statements: acts of speaking about casualties or involvement (codebook section 3), found by
//! stance cue phrases of the lexicon, plus disclosures (an official source giving a count).

use std::sync::OnceLock;

use regex::Regex;

use super::attribution::{self, is_person_name, subject_before, Speakers};
use super::lex::Lexicon;
use super::text::tokenize;

/// A statement found in one sentence; offsets are bytes of the folded sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct StatementDraft {
    pub start: usize,
    pub end: usize,
    pub speaker: String,
    pub speaker_type: String,
    pub stance: String,
    pub topic: String,
    pub quote: Option<(usize, usize)>,
    /// The speaker as written (or resolved), for pronouns in later sentences.
    pub speaker_raw: String,
}

fn actor_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\b(?:[A-Z][\w'-]*\s+){0,4}(?:Ministry|Kremlin|[Ss]taff|[Gg]overnment|[Aa]dministration|[Aa]rmy|[Aa]uthorities|Office|[Hh]eadquarters|Duma|[Pp]arliament|[Mm]ilitary|Service|Committee|[Cc]ommand|Pentagon|Moscow|Kyiv|Kiev)\b|\b(?:Russia|Ukraine)\b")
            .unwrap_or_else(|_| Regex::new(r"\b\B").expect("trivial regex"))
    })
}

fn quote_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new("\"([^\"]{2,600}?)[,.]?\"").unwrap_or_else(|_| Regex::new(r"\b\B").expect("trivial regex")))
}

/// The canonical name of a speaker phrase: the person's name if one is given, the acronym in
/// brackets, else the phrase without determiners; aliases (`Moscow` -> `Russia`) from the lexicon.
pub fn canonical_speaker(raw: &str, lex: &Lexicon) -> String {
    let mut t = raw.trim().trim_matches(|c: char| c == ',' || c == '"' || c == '\'' || c == '.').trim().to_string();
    if let Some(open) = t.find('(') {
        if let Some(close) = t[open..].find(')') {
            let inner = t[open + 1..open + close].trim();
            if !inner.is_empty() && inner.chars().all(|c| c.is_uppercase() || c.is_ascii_digit()) {
                return inner.to_string();
            }
        }
        t = t[..open].trim().to_string();
    }
    // The most specific name: a person's name at the end of a description.
    let words: Vec<&str> = t.split_whitespace().collect();
    for i in 0..words.len() {
        let tail = words[i..].join(" ");
        if is_person_name(&tail, lex) && words.len() - i <= 4 {
            return tail;
        }
    }
    // Leading adverbs (`Meanwhile the Ministry ...`) and a trailing place (`the ombudsman's
    // office in Kyiv`, `A military court in Yekaterinburg`) are not part of the name.
    for adverb in ["Meanwhile ", "However ", "Yet ", "But ", "And ", "Also ", "Separately ", "Instead ", "the first time ", "first time ", "the last time ", "last time "] {
        if let Some(rest) = t.strip_prefix(adverb) {
            t = rest.trim_start_matches(", ").to_string();
        }
    }
    if let Some(p) = t.rfind(" in ") {
        let place = &t[p + 4..];
        if !place.is_empty() && place.split_whitespace().all(|w| w.chars().next().is_some_and(char::is_uppercase)) && place.split_whitespace().count() <= 3 {
            t = t[..p].to_string();
        }
    }
    for prefix in ["a spokesman for ", "a spokeswoman for ", "a spokesperson for ", "spokesman for ", "the head of ", "a representative of "] {
        if t.to_lowercase().starts_with(prefix) {
            t = t[prefix.len()..].to_string();
        }
    }
    for det in ["the ", "The ", "its ", "Its ", "their ", "his ", "her ", "A ", "a ", "An ", "an "] {
        if let Some(rest) = t.strip_prefix(det) {
            t = rest.to_string();
        }
    }
    // `administration of the Rasskazovo district` -> `Rasskazovo district administration`.
    const BODIES: &[&str] = &["administration", "government", "office", "ministry", "council", "headquarters", "command", "authorities", "police", "parliament"];
    if let Some((head, rest)) = t.split_once(" of ") {
        if BODIES.contains(&head.to_lowercase().as_str()) {
            let rest = rest.trim_start_matches("the ").trim();
            if !rest.is_empty() {
                t = format!("{rest} {head}");
            }
        }
    }
    let t = without_spokesperson(&t).to_string();
    for a in &lex.speaker_aliases {
        if a.re.is_match(&t) {
            return a.label.clone();
        }
    }
    t
}

/// Words naming an unnamed person who speaks for a body: `Kremlin spokesman`.
const SPOKESPERSONS: &[&str] = &["spokesman", "spokeswoman", "spokesperson", "spokespeople", "representative", "representatives", "official", "officials", "press office", "press service"];
/// Head nouns of bodies that speak.
const BODY_HEADS: &[&str] = &[
    "army", "military", "ministry", "government", "office", "command", "staff", "police", "service", "forces", "administration",
    "headquarters", "council", "agency", "mission", "committee", "kremlin", "pentagon", "authorities", "authority", "department", "directorate",
    "guard", "navy", "corps", "brigade", "regiment", "battalion", "unit", "embassy", "commission", "court",
];

/// `Israeli army spokesperson` -> `Israeli army`: an unnamed spokesperson speaks for the body
/// (codebook 7: the speaker is the most specific name the text gives). Anything else is kept.
pub fn without_spokesperson(t: &str) -> &str {
    let lower = t.to_lowercase();
    if lower.len() != t.len() {
        return t; // offsets below are shared between the two
    }
    for role in SPOKESPERSONS {
        let Some(head) = lower.strip_suffix(role).filter(|h| h.ends_with(' ') || h.ends_with("'s ")) else { continue };
        let body = head.trim_end().trim_end_matches("'s");
        let last = body.split_whitespace().last().unwrap_or("");
        let acronym = t[..body.len()].split_whitespace().last().is_some_and(|w| w.len() >= 2 && w.chars().all(|c| c.is_ascii_uppercase()));
        if BODY_HEADS.contains(&last) || acronym {
            return t[..body.len()].trim_end();
        }
    }
    t
}

fn last_word(s: &str) -> String {
    s.split_whitespace().last().unwrap_or("").to_lowercase()
}

/// Statements signalled by stance cues in one body sentence.
pub fn sentence_statements(fs: &str, doc: &str, lex: &Lexicon, speakers: &Speakers, side_hint: &str) -> Vec<StatementDraft> {
    let toks = tokenize(fs);
    let mut out: Vec<StatementDraft> = Vec::new();
    let quote = quote_span(fs);
    // Every cue, not only a rule's first: one sentence may hold two acts (`The regional
    // government does not publish any figures, and the ministry has not updated its toll`).
    for (rule, m, later) in lex.stance_set.matches(fs).into_iter().map(|i| &lex.stances[i]).flat_map(|rule| {
        let mut prev_end: Option<usize> = None;
        rule.re.find_iter(fs).filter_map(move |m| {
            // A later cue of the same stance is a new act only after a clause boundary.
            let later = match prev_end {
                None => false,
                Some(pe) if fs.get(pe..m.start()).is_some_and(|gap| [", and ", "; ", ", while ", ", but ", " while "].iter().any(|b| gap.contains(b))) => true,
                Some(_) => return None,
            };
            prev_end = Some(m.end());
            Some((rule, m, later))
        })
    }) {
        // Cues inside a quotation are the speaker's words about others (`must announce it`),
        // which only matter for calls for disclosure.
        let in_quote = quote.is_some_and(|(qs, qe)| m.start() >= qs && m.start() < qe);
        let first_person = toks
            .iter()
            .filter(|t| t.end <= m.start())
            .rev()
            .take(4)
            .any(|t| matches!(t.lower().as_str(), "we" | "i"));
        if in_quote && rule.stance != "call_for_disclosure" && !first_person {
            continue;
        }
        let cue_tok = toks.iter().position(|t| t.start >= m.start()).unwrap_or(0);
        let mut speaker_raw: Option<(String, Option<usize>)> = None;
        if !in_quote && cue_tok < toks.len() {
            if let Some((s, e)) = subject_before(fs, &toks, cue_tok, lex) {
                if let Some(text) = fs.get(s..e) {
                    let text = text.trim();
                    // `a list of data that local officials may not disclose`: the subject of a
                    // relative clause is not the speaker (unlike `said that officials ...`).
                    let ti = toks.iter().position(|t| t.start == s).unwrap_or(0);
                    let relative = ti >= 2
                        && toks[ti - 1].lower() == "that"
                        && toks[ti - 2].is_word
                        && !lex.report_verb_re.is_match(toks[ti - 2].text)
                        && !lex.stance_set.is_match(toks[ti - 2].text)
                        && !matches!(toks[ti - 2].lower().as_str(), "claim" | "claims" | "statement" | "assertion" | "insistence" | "position" | "denial" | "line" | "argument" | "view" | "assurance" | "assurances");
                    if !text.is_empty() && text.split_whitespace().count() <= 10 && !relative {
                        speaker_raw = speakers.resolve(text).map(|r| (r, Some(s)));
                    }
                }
            }
        }
        if speaker_raw.as_ref().is_some_and(|(t, _)| !is_actor(t, lex)) {
            speaker_raw = None;
        }
        // A second act in a sentence needs its own subject, not a guess.
        if later && speaker_raw.is_none() {
            continue;
        }
        if speaker_raw.is_none() && in_quote {
            // The speaker of a quote: `..." she said`, or the paragraph's last speaker.
            speaker_raw = quote_speaker(fs, &toks, lex, speakers).map(|s| (s, None));
        }
        if speaker_raw.is_none() {
            // `..., without giving any figures`: the subject of the sentence's reporting verb.
            speaker_raw = attribution::report_verbs(fs, &toks, lex)
                .into_iter()
                .filter(|&v| toks[v].start < m.start())
                .find_map(|v| subject_before(fs, &toks, v, lex))
                .and_then(|(s, e)| fs.get(s..e).map(|t| (t.to_string(), Some(s))))
                .filter(|(t, _)| is_actor(t, lex) && !matches!(t.to_lowercase().as_str(), "it" | "he" | "she" | "they"));
        }
        if speaker_raw.is_none() {
            // The main clause's actor comes first (`Such forces enabled Russia ..., while denying`).
            speaker_raw = actor_re().find_iter(fs).find(|a| a.start() < m.start()).map(|a| (a.as_str().to_string(), Some(a.start())));
        }
        if speaker_raw.is_none() {
            speaker_raw = speakers.last_actor.clone().or_else(|| speakers.last_person.clone()).map(|s| (s, None));
        }
        let Some((raw, sstart)) = speaker_raw else { continue };
        let speaker = canonical_speaker(&raw, lex);
        // `Neither Moscow nor Kyiv publishes ...`: a negated pair is nobody's statement.
        if speaker.is_empty() || speaker.to_lowercase().starts_with("neither ") {
            continue;
        }
        let speaker_type = attribution::classify_source(&raw, fs, doc, lex, side_hint);
        if speaker_type == "unnamed" || speaker_type == "media" {
            continue;
        }
        let topic = match &rule.topic {
            Some(t) => t.clone(),
            None => topic_after(fs, m.start(), lex),
        };
        let start = sstart.filter(|s| *s < m.start()).unwrap_or(m.start());
        let end = fs.trim_end_matches(['.', ' ']).len().max(m.end());
        if out.iter().any(|o| o.stance == rule.stance && last_word(&o.speaker) == last_word(&speaker)) {
            continue;
        }
        out.push(StatementDraft { start, end, speaker, speaker_type, stance: rule.stance.clone(), topic, quote, speaker_raw: raw });
    }
    out
}

/// A disclosure: an official source stating a count (one per speaker and sentence).
pub fn disclosure(fs: &str, source: &str, source_type: &str, span: (usize, usize), lex: &Lexicon) -> Option<StatementDraft> {
    if !source_type.starts_with("official_") {
        return None;
    }
    let speaker = canonical_speaker(source, lex);
    if speaker.is_empty() || !is_actor(&speaker, lex) {
        return None;
    }
    let quote = quote_span(fs);
    Some(StatementDraft {
        start: span.0,
        end: span.1,
        speaker,
        speaker_type: source_type.to_string(),
        stance: "disclosure".to_string(),
        topic: "casualties".to_string(),
        quote,
        speaker_raw: source.to_string(),
    })
}

/// The quoted words of a sentence: `"..."`, or a sentence opening with a single quote up to
/// its closing `,'` / `.'` (British style).
pub fn quote_span(fs: &str) -> Option<(usize, usize)> {
    if let Some(g) = quote_re().captures(fs).and_then(|c| c.get(1)) {
        return Some((g.start(), g.end()));
    }
    // The end of a quotation opened in an earlier sentence: `... data," the governor said.`
    if let Some(p) = fs.find("\"") {
        if p > 0 && fs[..p].ends_with([',', '.', '?', '!']) {
            return Some((0, p - 1));
        }
    }
    let t = fs.trim_start();
    if t.starts_with('\'') {
        let off = fs.len() - t.len() + 1;
        for close in [",'", ".'", "?'", "!'"] {
            if let Some(p) = fs[off..].find(close) {
                return Some((off, off + p));
            }
        }
        return Some((off, fs.trim_end().trim_end_matches('\'').len().max(off)));
    }
    None
}

/// Whether a phrase names an actor that can make a statement (not `the strike`, `it`).
fn is_actor(t: &str, lex: &Lexicon) -> bool {
    let l = t.trim().to_lowercase();
    if matches!(l.as_str(), "it" | "he" | "she" | "they" | "we" | "i" | "this" | "that") {
        return false;
    }
    // `according to Israeli tallies`: a document or a number speaks for nobody in particular.
    const NOT_ACTORS: &[&str] = &["tallies", "tally", "figures", "figure", "count", "counts", "data", "estimates", "estimate", "statistics", "records", "report", "reports", "calculations", "reckoning", "list", "lists"];
    if l.split_whitespace().last().is_some_and(|w| NOT_ACTORS.contains(&w)) {
        return false;
    }
    is_person_name(t, lex)
        || attribution::is_surname(t, lex)
        || lex.generic_official_re.is_match(t)
        || lex.source_types.iter().any(|s| s.re.is_match(t))
        || lex.known_speakers.iter().any(|s| s.re.is_match(t))
        || lex.speaker_aliases.iter().any(|s| s.re.is_match(t))
        || t.split_whitespace().any(|w| w.chars().next().is_some_and(|c| c.is_uppercase()))
}

fn quote_speaker(fs: &str, toks: &[super::text::Token<'_>], lex: &Lexicon, speakers: &Speakers) -> Option<String> {
    for v in attribution::report_verbs(fs, toks, lex) {
        if let Some((s, e)) = subject_before(fs, toks, v, lex).or_else(|| attribution::subject_after(fs, toks, v, lex)) {
            if let Some(r) = fs.get(s..e).and_then(|t| speakers.resolve(t)) {
                if is_actor(&r, lex) {
                    return Some(r);
                }
            }
        }
    }
    speakers.last_person.clone().or_else(|| speakers.last_actor.clone())
}

fn topic_after(fs: &str, from: usize, lex: &Lexicon) -> String {
    let start = attribution::floor_char(fs, from);
    let end = attribution::floor_char(fs, (from + 120).min(fs.len()));
    let window = &fs[start..end];
    let inv = lex.involvement_re.find(window).map(|m| m.start());
    let cas = lex.casualty_topic_re.find(window).map(|m| m.start());
    match (inv, cas) {
        (Some(i), Some(c)) if i < c => "involvement".to_string(),
        (Some(_), None) => "involvement".to_string(),
        _ => "casualties".to_string(),
    }
}
