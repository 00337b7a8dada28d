//! Named casualties: a person's name written next to evidence that they were killed, wounded,
//! captured or went missing (an age in apposition, a military rank, the outcome right after the
//! name, or a list after `killed were` / `among the dead`), with age, hometown and affiliation.

use std::sync::OnceLock;

use regex::Regex;

use super::attribution::{is_person_name, report_verbs};
use super::claims::{find_mentions, location, time_span, Mention};
use super::counts::parse_number;
use super::lex::Lexicon;
use super::text::{tokenize, Token};

/// A named casualty found in one sentence; byte offsets into the folded sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedDraft {
    pub name_start: usize,
    pub name_end: usize,
    pub name: String,
    pub age: Option<i64>,
    pub hometown: Option<(usize, usize)>,
    pub affiliation: Option<(usize, usize)>,
    pub outcome: String,
    pub time: Option<(usize, usize)>,
    pub place: Option<(usize, usize)>,
    /// The person's evidence is strong on its own (age or rank), so a paragraph-level outcome
    /// may be used when the sentence has none.
    pub strong: bool,
}

fn name_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\b(?:Dr\.\s+)?[A-Z][a-z'\x{00C0}-\x{024F}]+(?:-[A-Z]?[a-z\x{00C0}-\x{024F}]+)?(?:\s+(?:[A-Z]\.|(?:al|el|ad|ash|as|at|az|bin|ibn|abu|ben|ould)-[A-Z][a-z'\x{00C0}-\x{024F}]+|Ag|al|bin|de|van|von|[A-Z][a-z'\x{00C0}-\x{024F}]+(?:-[A-Z]?[a-z\x{00C0}-\x{024F}]+)?))+")
            .unwrap_or_else(|_| Regex::new(r"\b\B").expect("trivial regex"))
    })
}

fn age_before_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)\b(\d{1,3}|[a-z]+(?:-[a-z]+)?)-year-old\s+(?:[\w']+,?\s+){0,3}?,?\s*$").unwrap_or_else(|_| Regex::new(r"\b\B").expect("trivial regex"))
    })
}

fn age_after_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(?:,\s*(\d{1,3})(?:\s*,(?:\s|$)|\s*\)|$|\s+(?:from|of|and|was|who|had|has|is|died|were)\b)|\s*\((\d{1,3})\)|,\s*(?:an?\s+)?(\d{1,3}|[a-z]+(?:-[a-z]+)?)-year-old)")
            .unwrap_or_else(|_| Regex::new(r"\b\B").expect("trivial regex"))
    })
}

fn hometown_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(?:,\s*\d{1,3})?(?:,?\s*(?:an?\s+)?[\w\s'-]{0,40}?)?\s(?:from|of)\s+(?:the\s+)?(?:(?:town|city|village)\s+of\s+)?([A-Z][\w'-]+(?:[\s-][A-Z][\w'-]+)*)")
            .unwrap_or_else(|_| Regex::new(r"\b\B").expect("trivial regex"))
    })
}

fn affiliation_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\b(?:in|of|with|from)\s+the\s+((?:\d+(?:st|nd|rd|th)\s+)?(?:[A-Z][\w'-]*\s+){0,4}(?:Regiment|Brigade|Battalion|Division|Corps|Army|Union|Group|Legion|Company|Fleet|Guard|Squadron))\b|\b(Wagner)\b")
            .unwrap_or_else(|_| Regex::new(r"\b\B").expect("trivial regex"))
    })
}

fn list_trigger_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)\b(?:killed|dead|wounded|injured|missing|captured|victims)\s+(?:were|was|included|include|are)\b|\bamong\s+(?:the\s+|those\s+)?(?:dead|killed|victims|wounded|injured|missing|captured|returned|freed|named)\b|\bone\s+of\s+(?:them|the\s+dead)\s+was\b|\b(?:another|a\s+third|a\s+second)\s+of\s+the\s+dead\b|\b(?:funeral|funerals|grave|burial|memorial\s+service)\s+(?:of|for)\b")
            .unwrap_or_else(|_| Regex::new(r"\b\B").expect("trivial regex"))
    })
}

fn to_named_outcome(o: &str) -> Option<String> {
    match o {
        "killed" | "wounded" | "captured" | "missing" => Some(o.to_string()),
        "exchanged" => Some("captured".to_string()),
        _ => None,
    }
}

/// Named casualties of one sentence (any zone).
pub fn sentence_named(fs: &str, lex: &Lexicon) -> Vec<NamedDraft> {
    let toks = tokenize(fs);
    if toks.is_empty() {
        return Vec::new();
    }
    let mentions: Vec<Mention> = find_mentions(fs, &toks, lex)
        .into_iter()
        // Words that only count before a number (`holds 4,000 prisoners`) say nothing of a name.
        .filter(|m| to_named_outcome(&lex.outcomes[m.rule].outcome).is_some() && lex.outcomes[m.rule].after)
        .collect();
    let verbs = report_verbs(fs, &toks, lex);
    let trigger = list_trigger_re().find(fs);
    let trigger_end = trigger.map(|m| m.end());
    // `The victims included ...`: the list's own word gives the outcome when no other does.
    let trigger_outcome = trigger.and_then(|m| {
        let t = m.as_str().to_lowercase();
        if t.contains("wounded") || t.contains("injured") {
            Some("wounded".to_string())
        } else if t.contains("missing") {
            Some("missing".to_string())
        } else if t.contains("captured") {
            Some("captured".to_string())
        } else if t.contains("dead") || t.contains("killed") || t.contains("victims") || t.contains("funeral") || t.contains("grave") || t.contains("burial") || t.contains("memorial") {
            Some("killed".to_string())
        } else {
            None
        }
    });
    let mut out = Vec::new();
    for m in name_re().find_iter(fs) {
        let Some((mut ns, ne)) = strip_titles(fs, m.start(), m.end(), lex) else { continue };
        // `Lance Corporal Artem Korol`: the longest tail that is a name.
        if !is_person_name(&fs[ns..ne], lex) {
            let words: Vec<(usize, &str)> = fs[ns..ne].split(' ').scan(ns, |off, w| {
                let here = *off;
                *off += w.len() + 1;
                Some((here, w))
            }).collect();
            if let Some((off, _)) = words.iter().find(|(off, _)| is_person_name(&fs[*off..ne], lex)) {
                ns = *off;
            }
        }
        let name = &fs[ns..ne];
        // `from Stockport, Greater Manchester`, `shelling of El Fasher`: a place.
        let before_words: Vec<&str> = fs[..ns].split_whitespace().rev().take(3).collect();
        // `by` too: the agent of a passive (`shot by Ivan Petrov`) is no casualty of it.
        const PREPOSITIONS: &[&str] = &[
            "from", "in", "near", "at", "to", "of", "outside", "into", "across", "towards", "toward", "around", "on", "over", "against", "inside",
            "through", "within", "beyond", "by",
        ];
        let after_preposition = before_words.first().is_some_and(|w| PREPOSITIONS.contains(&w.to_lowercase().as_str()))
            || (before_words.first().is_some_and(|w| w.ends_with(',') && w.chars().next().is_some_and(char::is_uppercase))
                && before_words.get(1).is_some_and(|w| PREPOSITIONS.contains(&w.to_lowercase().as_str())));
        if after_preposition {
            continue;
        }
        if !is_person_name(name, lex) || name.split_whitespace().any(|w| parse_number(w, lex).is_some() || Lexicon::in_list(&lex.raw.person_nouns, &w.to_lowercase())) {
            continue;
        }
        let before = &fs[..ns];
        let after = &fs[ne..];
        // Evidence.
        let mut age: Option<i64> = None;
        if let Some(c) = age_after_re().captures(after) {
            let a = c.get(1).or(c.get(2)).or(c.get(3)).map(|g| g.as_str()).unwrap_or("");
            age = parse_number(a, lex);
        }
        if age.is_none() {
            if let Some(c) = age_before_re().captures(before) {
                age = c.get(1).and_then(|g| parse_number(g.as_str(), lex));
            }
        }
        let age = age.filter(|a| (0..120).contains(a));
        let rank = has_rank_before(before, lex);
        let name_tok_end = toks.iter().rposition(|t| t.end <= ne).unwrap_or(0);
        let name_tok_start = toks.iter().position(|t| t.start >= ns).unwrap_or(0);
        // A speaker (`Oleksandr Kutsenko, said`, `Ostrovskaya said`) is not a casualty by that.
        let said_before = name_tok_start > 0 && verbs.contains(&(name_tok_start - 1));
        let speaks = said_before || verbs.iter().any(|&v| v > name_tok_end && v <= name_tok_end + 3 && toks[name_tok_end + 1..v].iter().all(|t| !t.is_word || matches!(t.lower().as_str(), "also" | "has" | "had" | "later")))
            || speaker_by_apposition(&toks, name_tok_end, &verbs);
        // `The strike killed Ivan Sidorov`: a killing verb right before the name.
        let verb_before = mentions.iter().position(|mm| mm.tok_end + 1 == name_tok_start && lex.outcomes[mm.rule].before == "strong");
        let adjacent = adjacent_outcome(&toks, &mentions, name_tok_end).or(verb_before);
        let listed = trigger_end.is_some_and(|t| t < ns && ns - t < 40);
        let outcome_mention = adjacent
            .or_else(|| mentions.iter().position(|mm| mm.tok_start > name_tok_end))
            .or_else(|| mentions.iter().rposition(|mm| mm.tok_end < name_tok_start));
        let evidence = age.is_some() || rank || adjacent.is_some() || listed;
        if !evidence || (speaks && adjacent.is_none()) {
            continue;
        }
        let strong = age.is_some() || rank;
        if outcome_mention.is_none() && !strong && !(listed && trigger_outcome.is_some()) {
            continue;
        }
        let outcome = outcome_mention
            .and_then(|i| to_named_outcome(&lex.outcomes[mentions[i].rule].outcome))
            .or_else(|| if listed { trigger_outcome.clone() } else { None })
            .unwrap_or_default();
        let window_end = super::attribution::floor_char(fs, (ne + 90).min(fs.len()));
        let hometown = hometown_re().captures(&fs[ne..window_end]).and_then(|c| c.get(1)).and_then(|g| {
            let t = g.as_str();
            let first = t.split_whitespace().next().unwrap_or("");
            if Lexicon::in_list(&lex.raw.name_stopwords, &first.to_lowercase()) || Lexicon::in_list(&lex.raw.months, &first.to_lowercase()) {
                None
            } else {
                Some((ne + g.start(), ne + g.end()))
            }
        });
        let affiliation = affiliation_re()
            .captures(&fs[ne..])
            .and_then(|c| c.get(1).or(c.get(2)))
            .map(|g| (ne + g.start(), ne + g.end()));
        out.push(NamedDraft {
            name_start: ns,
            name_end: ne,
            name: name.to_string(),
            age,
            hometown,
            affiliation,
            outcome,
            time: time_span(fs, ne),
            place: location(fs, ne),
            strong,
        });
    }
    out
}

/// The first person outcome (killed, wounded, captured, missing) named in a paragraph.
pub fn paragraph_outcome(text: &str, lex: &Lexicon) -> Option<String> {
    let toks = tokenize(text);
    find_mentions(text, &toks, lex).iter().filter(|m| lex.outcomes[m.rule].after).find_map(|m| to_named_outcome(&lex.outcomes[m.rule].outcome))
}

/// Removes titles, ranks and other capitalized words before the given name and trailing
/// possessives; None if nothing name-like remains.
fn strip_titles(fs: &str, mut s: usize, e: usize, lex: &Lexicon) -> Option<(usize, usize)> {
    loop {
        let text = &fs[s..e];
        let first = text.split_whitespace().next()?;
        let lower = first.trim_end_matches('.').to_lowercase();
        if lower == "dr" {
            return Some((s, e));
        }
        if Lexicon::in_list(&lex.raw.name_stopwords, &lower) || Lexicon::in_list(&lex.raw.ranks, &lower) || Lexicon::in_list(&lex.raw.singular_person_nouns, &lower) || lex.side_cues.iter().any(|c| c.re.is_match(first) && c.re.find(first).is_some_and(|m| m.start() == 0 && m.end() == first.len())) {
            let skip = text.find(first)? + first.len();
            s += skip;
            while s < e && fs.as_bytes()[s] == b' ' {
                s += 1;
            }
            if s >= e {
                return None;
            }
            continue;
        }
        break;
    }
    let mut e2 = e;
    if fs[s..e2].ends_with("'s") {
        e2 -= 2;
    }
    Some((s, e2))
}

fn has_rank_before(before: &str, lex: &Lexicon) -> bool {
    let b = before.trim_end().to_lowercase();
    lex.raw.ranks.iter().any(|r| {
        b.ends_with(r.as_str()) && {
            let cut = b.len() - r.len();
            cut == 0 || !b.as_bytes()[cut - 1].is_ascii_alphanumeric()
        }
    })
}

/// `NAME was killed`, `NAME, 38, was also reported killed`, `NAME and NAME were both killed`.
fn adjacent_outcome(toks: &[Token<'_>], mentions: &[Mention], name_end: usize) -> Option<usize> {
    let mut k = name_end + 1;
    let mut steps = 0;
    while k < toks.len() && steps < 12 {
        if let Some(i) = mentions.iter().position(|m| m.tok_start == k) {
            return Some(i);
        }
        let t = &toks[k];
        let l = t.lower();
        let ok = !t.is_word && matches!(t.text, ",")
            || t.text.chars().all(|c| c.is_ascii_digit())
            || t.is_capitalized()
            || matches!(l.as_str(), "was" | "were" | "had" | "has" | "been" | "have" | "is" | "both" | "also" | "reportedly" | "reported" | "and" | "later" | "who" | "allegedly" | "confirmed" | "then" | "subsequently" | "found" | "presumed" | "declared" | "listed" | "as");
        if !ok {
            return None;
        }
        k += 1;
        steps += 1;
    }
    None
}

/// `NAME, a spokesman for X, said`: the name is the subject of a reporting verb after its apposition.
fn speaker_by_apposition(toks: &[Token<'_>], name_end: usize, verbs: &[usize]) -> bool {
    if toks.get(name_end + 1).is_none_or(|t| t.text != ",") {
        return false;
    }
    for &v in verbs {
        if v > name_end + 2 && v < name_end + 16 && toks.get(v - 1).is_some_and(|t| t.text == ",") {
            return true;
        }
    }
    false
}
