//! Casualty claims of one sentence: each count paired with the outcome that applies to it
//! (codebook section 4), its victim, place, time, source and hedging.

use super::attribution::{self, Speakers};
use super::counts::{find_counts, parse_number, Count};
use super::dates;
use super::lex::Lexicon;
use super::text::{tokenize, Token};

/// A claim before ids and document offsets: byte offsets into the folded sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimDraft {
    pub start: usize,
    pub end: usize,
    /// Byte offset of the count in the sentence (`count_text` follows it).
    pub count_start: usize,
    pub count_text: String,
    pub low: Option<i64>,
    pub high: Option<i64>,
    pub qualifier: String,
    pub outcome: String,
    pub victim: Option<(usize, usize)>,
    pub victim_side: String,
    pub victim_type: String,
    pub location: Option<(usize, usize)>,
    pub time: Option<(usize, usize)>,
    pub source: Option<String>,
    pub source_span: Option<(usize, usize)>,
    pub source_type: String,
    pub hedged: bool,
    pub rule_id: String,
}

/// An outcome word found in the sentence.
#[derive(Debug, Clone)]
pub(crate) struct Mention {
    pub start: usize,
    pub end: usize,
    pub tok_start: usize,
    pub tok_end: usize,
    pub rule: usize,
}

/// What the sentence's neighbourhood tells about it.
pub struct SentenceContext<'a> {
    /// Folded sentence text.
    pub fs: &'a str,
    /// Folded document text (to learn who a named speaker is).
    pub doc: &'a str,
    /// The side most cued in the document (fallback for victim side).
    pub doc_side: &'a str,
}

// Tokens are in text order and do not overlap, so both lookups are binary searches.
fn token_at_or_after(toks: &[Token<'_>], byte: usize) -> usize {
    toks.partition_point(|t| t.start < byte)
}
fn token_ending_at_or_before(toks: &[Token<'_>], byte: usize) -> Option<usize> {
    toks.partition_point(|t| t.end <= byte).checked_sub(1)
}

pub(crate) fn find_mentions(fs: &str, toks: &[Token<'_>], lex: &Lexicon) -> Vec<Mention> {
    let mut all: Vec<Mention> = Vec::new();
    for ri in lex.outcome_set.matches(fs).iter() {
        for m in lex.outcomes[ri].re.find_iter(fs) {
            let ts = token_at_or_after(toks, m.start());
            let te = token_ending_at_or_before(toks, m.end()).unwrap_or(ts);
            if ts >= toks.len() {
                continue;
            }
            all.push(Mention { start: m.start(), end: m.end(), tok_start: ts, tok_end: te.max(ts), rule: ri });
        }
    }
    // Longest first at each position, then drop overlaps.
    all.sort_by(|a, b| a.start.cmp(&b.start).then((b.end - b.start).cmp(&(a.end - a.start))).then(a.rule.cmp(&b.rule)));
    // Kept mentions are in start order and disjoint: only the last can overlap the next one.
    let mut kept: Vec<Mention> = Vec::new();
    for m in all {
        if kept.last().is_some_and(|k| m.start < k.end) {
            continue;
        }
        kept.push(m);
    }
    kept
}

fn lower_in(list: &[String], w: &str) -> bool {
    Lexicon::in_list(list, w)
}

/// Why a count is not a casualty count, if it is not (years, dates, ages, units, negation...).
fn excluded(fs: &str, toks: &[Token<'_>], c: &Count, ts: usize, te: usize, lex: &Lexicon, outcome_follows: bool) -> bool {
    let before = fs.get(..c.start).unwrap_or("");
    let after = fs.get(c.end..).unwrap_or("");
    let prev_char = before.chars().last();
    let next_char = after.chars().next();
    let next2 = after.chars().nth(1);
    if prev_char.is_some_and(|ch| matches!(ch, '$' | '€' | '£' | '#' | '/' | ':' | '.' | '-' | '+' | '№') || ch.is_alphanumeric()) {
        return true;
    }
    if next_char.is_some_and(|ch| matches!(ch, '%' | '/' | '°' | '\u{2030}'))
        || (next_char == Some(':') && next2.is_some_and(|ch| ch.is_ascii_digit()))
        || (next_char == Some('.') && next2.is_some_and(|ch| ch.is_ascii_digit()))
        || (next_char == Some('-') && next2.is_some_and(|ch| ch.is_alphanumeric()))
    {
        return true;
    }
    let prev_words: Vec<String> = toks[..ts].iter().rev().filter(|t| t.is_word).take(4).map(|t| t.lower()).collect();
    let prev_tok = if ts > 0 { Some(&toks[ts - 1]) } else { None };
    let next_tok = toks.get(te + 1);
    // Units and non-person measures right after the number.
    if let Some(n) = next_tok {
        let nl = n.lower();
        if n.is_word && lower_in(&lex.raw.non_count_units, &nl) && !c.singular {
            return true;
        }
        if n.is_word && lower_in(&lex.raw.months, &nl) && n.is_capitalized() && !c.vague {
            return true;
        }
        if (nl == "a" || nl == "p") && after.trim_start().get(..3).is_some_and(|s| s.eq_ignore_ascii_case("a.m") || s.eq_ignore_ascii_case("p.m")) {
            return true;
        }
    }
    // Dates: `February 7`, `June 2023`, `Oct. 7`.
    let month_before = |i: usize| toks[i].is_word && lower_in(&lex.raw.months, &toks[i].lower()) && toks[i].is_capitalized();
    if ts >= 1 && (month_before(ts - 1) || (ts >= 2 && toks[ts - 1].text == "." && month_before(ts - 2))) {
        return true;
    }
    // `every one of those men`, `no one`: a quantifier, not a count.
    if c.text.eq_ignore_ascii_case("one") && ts >= 1 && matches!(toks[ts - 1].lower().as_str(), "every" | "each" | "any" | "no" | "anyone" | "someone") {
        return true;
    }
    let next3: Vec<String> = toks.iter().skip(te + 1).take(3).map(|t| t.lower()).collect();
    // `in one of the deadliest attacks`: a superlative, not a count.
    if c.low == Some(1) && !c.singular && next3.len() == 3 && next3[0] == "of" && next3[1] == "the" {
        if next3[2].ends_with("est") || matches!(next3[2].as_str(), "worst" | "most" | "few" | "first" | "last") {
            return true;
        }
    }
    // `about three wounded for every soldier killed`, `12 deaths per 1,000 soldiers`: a ratio.
    let window: String = after.chars().take(48).collect::<String>().to_lowercase();
    if window.contains(" for every ") || window.contains(" for each ") || (next3.iter().any(|w| w == "per") && !next3.iter().any(|w| w == "cent")) {
        return true;
    }
    // `killed by a sniper`: the agent of a passive is no victim.
    if c.singular && ts >= 1 && toks[ts - 1].lower() == "by" {
        return true;
    }
    // Years written bare.
    if c.plain_digits && c.text.len() == 4 && c.low.is_some_and(|v| (1800..=2100).contains(&v)) {
        let next_is_person = next_tok.is_some_and(|n| lower_in(&lex.raw.person_nouns, &n.lower()));
        if !next_is_person {
            return true;
        }
    }
    // Ages in apposition: `Halyna Movchan, 67, a retired nurse`; `(34)`.
    if c.plain_digits && !c.vague {
        let prev_is_comma = prev_tok.is_some_and(|p| p.text == ",");
        let before_comma_cap = ts >= 2 && toks[ts - 2].is_word && toks[ts - 2].is_name_part();
        let next_closes = next_tok.is_none_or(|n| matches!(n.text, "," | ")" | ";"));
        if prev_is_comma && before_comma_cap && next_closes && c.low.is_some_and(|v| v < 120) {
            return true;
        }
        if prev_tok.is_some_and(|p| p.text == "(") && next_tok.is_some_and(|n| n.text == ")") {
            return true;
        }
    }
    // `70 of 100 men`, `half of the 3,000 men`: the group the casualties come from, not a
    // casualty count (`one of 14 soldiers killed` keeps its 14).
    {
        let mut j = ts;
        if j > 0 && matches!(toks[j - 1].lower().as_str(), "the" | "its" | "their" | "his" | "her" | "our") {
            j -= 1;
        }
        if j >= 2 && toks[j - 1].lower() == "of" {
            let head = toks[j - 2].lower();
            let numeric = head.chars().next().is_some_and(|ch| ch.is_ascii_digit()) || (parse_number(&head, lex).is_some() && !(head == "one" && j == ts));
            const QUANT: &[&str] = &["half", "third", "thirds", "quarter", "quarters", "most", "majority", "some", "many", "all", "none", "each", "several", "dozens", "hundreds", "percent", "fifth", "tenth"];
            let fraction = ["half", "third", "quarter", "fifth", "tenth", "percent"].iter().any(|f| head.contains(f));
            if numeric || fraction || QUANT.contains(&head.as_str()) {
                return true;
            }
        }
    }
    // Negation (`not 71,000`, `no one`), hypotheticals (`if 10,000 men were killed`).
    if let Some(w) = prev_words.first() {
        if lower_in(&lex.raw.negators, w) {
            return true;
        }
    }
    let before_lower = before.to_lowercase();
    let tail: String = before_lower.chars().rev().take(40).collect::<Vec<_>>().into_iter().rev().collect();
    let tail_words: Vec<&str> = tail.split(|ch: char| !ch.is_alphanumeric() && ch != '\'').filter(|w| !w.is_empty()).collect();
    let last_n = |n: usize| -> String { tail_words[tail_words.len().saturating_sub(n)..].join(" ") };
    for h in &lex.raw.hypothetical_markers {
        let n = h.split_whitespace().count();
        for k in n..=n + 2 {
            let window = last_n(k);
            if window.split(' ').take(n).collect::<Vec<_>>().join(" ") == *h || window.starts_with(&format!("{h} ")) {
                return true;
            }
        }
    }
    // Subsets of counted casualties (`including six children`) and population figures.
    // A count with its own outcome noun (`including 1,140 casualties over the past day`) is a
    // claim of its own; a singular victim (`the mother of a conscript`) is no population.
    let subsets: &[String] = if outcome_follows { &[] } else { &lex.raw.subset_markers };
    let populations: &[String] = if c.singular { &[] } else { &lex.raw.population_markers };
    for m in subsets.iter().chain(populations.iter()) {
        let n = m.split_whitespace().count();
        if last_n(n) == *m {
            return true;
        }
    }
    for m in subsets {
        let n = m.split_whitespace().count();
        if tail_words.len() > n && tail_words[tail_words.len() - n - 1..tail_words.len() - 1].join(" ") == *m && prev_tok.is_some_and(|p| p.text != ",") {
            return true;
        }
    }
    if c.vague || c.text.eq_ignore_ascii_case("many") {
        if let Some(w) = prev_words.first() {
            if lower_in(&lex.raw.vague_blockers, w) && c.qualifier == "vague" {
                return true;
            }
        }
    }
    false
}

/// The victim after the count: Ok(victim span or None) or Err(()) when the head noun is not a
/// person (`120 tanks`, `23 photographs`, `200 simulated casualties`).
/// A victim span, and the token of an outcome that an unknown head noun needs right before it.
type VictimScan = (Option<(usize, usize)>, Option<usize>);

/// The victim after the count. `Ok((span, unknown_head))`: `unknown_head` when the noun after
/// the count is not a known person noun, which only a predicate like `were killed` can accept.
fn victim_after(toks: &[Token<'_>], c: &Count, te: usize, mentions: &[Mention], lex: &Lexicon) -> Result<VictimScan, ()> {
    if c.singular {
        // `a volunteer project`: the noun was a modifier of another noun.
        if let Some(n) = toks.get(te + 1) {
            let l = n.lower();
            let is_outcome = mentions.iter().any(|m| m.tok_start == te + 1);
            if n.is_word && !n.is_capitalized() && !is_outcome && !lower_in(&lex.raw.function_words, &l) && !l.ends_with("ed") && !l.ends_with('s') && !l.ends_with("ly") {
                return Err(());
            }
        }
        return Ok((Some((c.start, c.end)), None));
    }
    let mut last_unknown: Option<usize> = None;
    let mut k = te + 1;
    let mut steps = 0;
    while k < toks.len() && steps < 7 {
        steps += 1;
        let t = &toks[k];
        if !t.is_word {
            if matches!(t.text, "\"" | "'") {
                k += 1;
                continue;
            }
            break;
        }
        let l = t.lower();
        if mentions.iter().any(|m| m.tok_start == k) {
            if has_modifier(toks, te + 1, k, lex) {
                return Err(());
            }
            return Ok((None, last_unknown.map(|_| k)));
        }
        if lower_in(&lex.raw.non_victim_modifiers, &l) {
            return Err(());
        }
        let two = toks.get(k + 1).map(|n| format!("{l} {}", n.lower()));
        if two.as_ref().is_some_and(|w| lower_in(&lex.raw.person_nouns, w)) {
            return Ok((Some((toks[te + 1].start, toks[k + 1].end)), None));
        }
        if lower_in(&lex.raw.person_nouns, &l) {
            return Ok((Some((toks[(te + 1).min(k)].start, t.end)), None));
        }
        if lower_in(&lex.raw.skip_after_count, &l) {
            k += 1;
            continue;
        }
        if lower_in(&lex.raw.function_words, &l) {
            break;
        }
        if t.is_capitalized() || l.ends_with("ly") {
            k += 1;
            continue;
        }
        last_unknown = Some(k);
        k += 1;
    }
    match last_unknown {
        // The unknown word was the head noun: acceptable only before a predicate outcome.
        Some(h) if k < toks.len() && toks[k].is_word => Ok((Some((toks[te + 1].start, toks[h].end)), Some(k))),
        Some(_) => Err(()),
        None => Ok((None, None)),
    }
}

/// Whether only auxiliaries and adverbs stand between token `from` and the outcome at `to`
/// (`miners were reportedly killed`).
fn predicate_only(toks: &[Token<'_>], from: usize, to: usize) -> bool {
    const AUX: &[&str] = &[
        "were", "was", "have", "has", "had", "been", "are", "is", "being", "be", "reportedly", "also", "later", "all", "both", "feared",
        "believed", "said", "to", "allegedly", "probably", "likely", "possibly", "may", "might", "could", "will", "would", "since", "then", "now",
    ];
    from <= to && toks[from..to].iter().all(|t| t.is_word && (AUX.contains(&t.lower().as_str()) || t.lower().ends_with("ly")))
}

fn has_modifier(toks: &[Token<'_>], from: usize, to: usize, lex: &Lexicon) -> bool {
    toks[from..to.min(toks.len())].iter().any(|t| lower_in(&lex.raw.non_victim_modifiers, &t.lower()))
}

/// Index of the previous token, skipping quotes.
fn prev_index(toks: &[Token<'_>], i: usize) -> Option<usize> {
    let mut j = i;
    while j > 0 {
        j -= 1;
        if !matches!(toks[j].text, "\"" | "'") {
            return Some(j);
        }
    }
    None
}

/// All claims of one body sentence.
pub fn sentence_claims(ctx: &SentenceContext<'_>, lex: &Lexicon, speakers: &mut Speakers) -> Vec<ClaimDraft> {
    let fs = ctx.fs;
    let toks = tokenize(fs);
    if toks.is_empty() {
        return Vec::new();
    }
    let mut counts = find_counts(fs, lex);
    // A drill's `simulated` casualties are not casualties, wherever the word stands.
    let simulated = fs.to_lowercase().split(|ch: char| !ch.is_alphanumeric()).any(|w| w.starts_with("simulat"));
    if counts.is_empty() || simulated {
        // No claim here, but the sentence's speakers still resolve later pronouns. Most
        // sentences hold no count, so this skips the costly outcome search for them.
        if !simulated {
            SentenceAttribution::new(ctx, &toks, lex, speakers).commit(speakers, lex);
        }
        return Vec::new();
    }
    let mentions = find_mentions(fs, &toks, lex);
    // Outcome words that overlap a count are part of it (`a prisoner of war`).
    let mentions: Vec<Mention> = mentions.into_iter().filter(|m| !counts.iter().any(|c| c.start < m.end && m.start < c.end)).collect();
    let spans: Vec<(usize, usize)> = counts
        .iter()
        .map(|c| {
            let ts = token_at_or_after(&toks, c.start);
            let te = token_ending_at_or_before(&toks, c.end).unwrap_or(ts).max(ts);
            (ts, te)
        })
        .collect();
    let eligible: Vec<bool> = counts
        .iter()
        .zip(&spans)
        .map(|(c, (ts, te))| *ts < toks.len() && !excluded(fs, &toks, c, *ts, *te, lex, mentions.iter().any(|m| m.tok_start == te + 1)))
        .collect();
    let negated_report = lex.negated_report.find(fs).map(|m| m.end());
    // `Of the injured, 46 were hospitalized and nine were in critical condition`: subsets of a
    // group counted before, with its outcome.
    let leading_subset = (toks.len() > 3 && toks[0].lower() == "of" && matches!(toks[1].lower().as_str(), "the" | "those" | "these"))
        .then(|| mentions.iter().find(|m| m.tok_start == 2).map(|m| lex.outcomes[m.rule].outcome.clone()))
        .flatten();
    let hedged = lex.hedge_re.is_match(fs);
    let attribution = SentenceAttribution::new(ctx, &toks, lex, speakers);

    let mut out: Vec<ClaimDraft> = Vec::new();
    let mut used: Vec<(usize, Option<i64>, Option<i64>, String)> = Vec::new();
    let mut last_object: Option<(usize, usize)> = None;
    for (ci, c) in counts.iter_mut().enumerate() {
        if !eligible[ci] {
            continue;
        }
        let (ts, te) = spans[ci];
        if negated_report.is_some_and(|e| e <= c.start) {
            continue;
        }
        // Partitive `N of the wounded`, `three of whom`.
        let mut after_from = te + 1;
        let mut inside: Vec<usize> = Vec::new();
        let mut partitive_victim: Option<(usize, usize)> = None;
        let mut unknown_from: Option<usize> = None;
        let is_partitive = toks.get(te + 1).is_some_and(|t| t.lower() == "of")
            && toks.get(te + 2).is_some_and(|t| {
                matches!(t.lower().as_str(), "the" | "whom" | "them" | "those" | "these" | "its" | "our" | "their" | "his" | "her" | "which")
                    || (t.text.chars().next().is_some_and(|ch| ch.is_ascii_digit()) && !c.vague)
            })
            && !c.singular;
        let victim = if is_partitive {
            let mut k = te + 3;
            while k < toks.len() && k < te + 9 {
                let l = toks[k].lower();
                if !toks[k].is_word && toks[k].text != "-" {
                    break;
                }
                if matches!(l.as_str(), "were" | "was" | "are" | "is" | "had" | "have" | "has" | "remain" | "remained" | "will" | "would" | "could" | "may" | "might" | "died" | "did") {
                    break;
                }
                k += 1;
            }
            for (mi, m) in mentions.iter().enumerate() {
                if m.tok_start > te && m.tok_start < k {
                    inside.push(mi);
                }
            }
            if k > te + 3 {
                partitive_victim = Some((toks[te + 3].start, toks[k - 1].end));
            }
            after_from = k;
            Ok(partitive_victim)
        } else {
            victim_after(&toks, c, te, &mentions, lex).map(|(v, u)| {
                unknown_from = u;
                v
            })
        };
        let Ok(victim) = victim else { continue };
        // `Volodymyr Tkachuk, a 45-year-old bus driver`; `One of the Russians sent home,
        // 20-year-old conscript Denis Malyshev`: a named person, not a count.
        if c.singular && ts >= 2 && toks[ts - 1].text == "," {
            let named_before = (toks[ts - 2].is_word && toks[ts - 2].is_name_part())
                || (ts >= 4 && toks[ts - 2].text.chars().all(|ch| ch.is_ascii_digit()) && toks[ts - 3].text == "," && toks[ts - 4].is_name_part());
            if named_before {
                continue;
            }
        }
        // `Another conscript from the region, Timur Gaziyev, 20, has been missing`: a person
        // named in apposition is a named casualty, not a count.
        if c.singular {
            let k = toks.iter().skip(te + 1).take(6).position(|t| t.text == ",").map(|p| te + 1 + p);
            if k.is_some_and(|k| toks.get(k + 1).is_some_and(|t| t.is_word && t.is_capitalized()) && toks.get(k + 2).is_some_and(|t| t.is_word && t.is_name_part())) {
                continue;
            }
        }
        if is_partitive && c.low == Some(1) && toks.get(after_from).is_some_and(|t| t.text == ",") {
            let window: Vec<&Token<'_>> = toks.iter().skip(after_from + 1).take(8).collect();
            if window.windows(2).any(|w| w[0].is_word && w[1].is_word && w[0].is_capitalized() && w[1].is_capitalized()) {
                continue;
            }
        }

        let next_eligible_start = counts_start_after(&spans, &eligible, ci);
        let mut chosen = choose_outcome(&toks, &mentions, lex, ts, te, after_from, next_eligible_start, &spans, &eligible, ci);
        // `killed a doctor and two nurses`: a count coordinated with the previous object.
        if chosen.is_none() {
            if let (Some((lmi, lte)), Some(p)) = (last_object, prev_index(&toks, ts)) {
                if matches!(toks[p].lower().as_str(), "and" | "or") && p > lte && p - lte <= 7 {
                    chosen = Some((lmi, "coordinated"));
                }
            }
        }
        let Some((mi, rule_id)) = chosen else { continue };
        last_object = Some((mi, te.max(mentions[mi].tok_end)));
        let m = &mentions[mi];
        let outcome = lex.outcomes[m.rule].outcome.clone();
        if leading_subset.as_ref() == Some(&outcome) {
            continue;
        }
        // `many deaths are never announced`: a generality, not a count.
        if c.vague && toks.iter().skip(m.tok_end + 1).take(4).any(|t| matches!(t.lower().as_str(), "never" | "not" | "rarely" | "seldom")) {
            continue;
        }
        if let Some(from) = unknown_from {
            // `20 miners were killed` yes; `14 counter-attacks ... had killed`, `5 tanks were
            // captured` no: an unknown head needs a direct predicate of death or injury.
            let said = fs.get(m.start..m.end).unwrap_or("").to_lowercase();
            let about_people = ["kill", "dead", "die", "wound", "injur", "hurt"].iter().any(|w| said.contains(w));
            if !(matches!(outcome.as_str(), "killed" | "wounded" | "casualties") && about_people && m.tok_start >= from && predicate_only(&toks, from, m.tok_start)) {
                continue;
            }
        }
        if inside.iter().any(|&i| lex.outcomes[mentions[i].rule].outcome == outcome) {
            continue;
        }
        // `released from hospital` is a discharge, not a prisoner release.
        if outcome == "exchanged" {
            let next: String = fs.get(m.end..).unwrap_or("").chars().take(24).collect::<String>().to_lowercase();
            if next.trim_start().starts_with("from hospital") || next.trim_start().starts_with("from the hospital") || next.trim_start().starts_with("from treatment") {
                continue;
            }
        }
        // `was among the injured`: a subset of a count given elsewhere.
        if m.tok_start >= 2 && toks[m.tok_start - 1].lower() == "the" && toks[m.tok_start - 2].lower() == "among" {
            continue;
        }
        // `no one was hurt`, `were not killed`.
        if toks[..m.tok_start].iter().rev().take(3).any(|t| matches!(t.lower().as_str(), "not" | "never" | "no" | "nobody" | "none" | "neither")) {
            continue;
        }
        let key = (mi, c.low, c.high, c.qualifier.clone());
        if used.contains(&key) {
            continue;
        }
        used.push(key);
        let mut start = c.start.min(m.start);
        let mut end = c.end.max(m.end);
        if let Some((vs, ve)) = victim {
            start = start.min(vs);
            end = end.max(ve);
        }
        let victim_text_span = victim.map(|(vs, ve)| trim_victim(fs, vs, ve));
        let (source, source_span) = attribution.for_claim(c.start, end);
        let side_base = victim_side(fs, &toks, lex, victim_text_span, (c.start, end), ctx.doc_side, source_span);
        let source_type = match &source {
            Some(s) => attribution::classify_source(s, fs, ctx.doc, lex, &side_base),
            None => "none".to_string(),
        };
        let mut side = adjust_side(fs, &toks, lex, ts, c.end, &side_base, &source_type, victim_text_span);
        // `Russia says 23 servicemen released in swap`: those who come back are the speaker's own,
        // unless the victim phrase says whose they are.
        let victim_marked = victim_text_span.and_then(|(vs, ve)| fs.get(vs..ve)).and_then(|v| attribution::side_in(v, lex)).is_some();
        if outcome == "exchanged" && m.tok_start > te && !victim_marked {
            match source_type.as_str() {
                "official_russia" => side = "russia".to_string(),
                "official_ukraine" => side = "ukraine".to_string(),
                _ => {}
            }
        }
        // `killed 47 Russian soldiers and wounded 85`: an elliptical victim is the one before.
        if victim_text_span.is_none() {
            if let Some(prev) = out.last() {
                side = prev.victim_side.clone();
            }
        }
        let vtype = victim_type(fs, lex, victim_text_span, start, end);
        out.push(ClaimDraft {
            start,
            end,
            count_start: c.start,
            count_text: c.text.clone(),
            low: c.low,
            high: c.high,
            qualifier: c.qualifier.clone(),
            outcome,
            victim: victim_text_span,
            victim_side: side,
            victim_type: vtype,
            location: location(fs, c.start),
            time: time_span(fs, c.start),
            source,
            source_span,
            source_type,
            hedged,
            rule_id: rule_id.to_string(),
        });
    }
    attribution.commit(speakers, lex);
    out
}

fn trim_victim(fs: &str, s: usize, e: usize) -> (usize, usize) {
    let text = fs.get(s..e).unwrap_or("");
    let mut s2 = s;
    // Drop leading `of`, `the`, `more`: the victim phrase is the noun phrase itself.
    for w in text.split(' ') {
        let l = w.to_lowercase();
        if matches!(l.as_str(), "of" | "the" | "more" | "another" | "other" | "\"") {
            s2 += w.len() + 1;
        } else {
            break;
        }
    }
    if s2 >= e {
        (s, e)
    } else {
        (s2, e)
    }
}

fn counts_start_after(spans: &[(usize, usize)], eligible: &[bool], ci: usize) -> usize {
    spans.iter().enumerate().skip(ci + 1).find(|(i, _)| eligible[*i]).map(|(_, s)| s.0).unwrap_or(usize::MAX)
}

#[allow(clippy::too_many_arguments)]
fn choose_outcome(
    toks: &[Token<'_>],
    mentions: &[Mention],
    lex: &Lexicon,
    ts: usize,
    te: usize,
    after_from: usize,
    next_count: usize,
    spans: &[(usize, usize)],
    eligible: &[bool],
    ci: usize,
) -> Option<(usize, &'static str)> {
    let p = prev_index(toks, ts);
    // 1. A verb right before its object: `killed 31 people`, `swapped 95 prisoners`, `killed
    // all five attackers`, `wounded a further 12`.
    if let Some(p) = p {
        let mut pv = p;
        if matches!(toks[pv].lower().as_str(), "all" | "another") {
            pv = prev_index(toks, pv).unwrap_or(pv);
        } else if matches!(toks[pv].lower().as_str(), "further" | "additional") && pv >= 1 && matches!(toks[pv - 1].lower().as_str(), "a" | "an") {
            pv = prev_index(toks, pv - 1).unwrap_or(pv);
        }
        if let Some(mi) = mentions.iter().position(|m| (m.tok_end == p || m.tok_end == pv) && lex.outcomes[m.rule].before == "strong") {
            return Some((mi, "verb_object"));
        }
        // 2. `deaths of hundreds`, `executions of at least 15`.
        let p_of = if toks[p].lower() == "the" && p > 0 && toks[p - 1].lower() == "of" { p - 1 } else { p };
        if toks[p_of].lower() == "of" && p_of > 0 {
            if let Some(mi) = mentions.iter().position(|m| m.tok_end + 1 == p_of && lex.outcomes[m.rule].of_before) {
                return Some((mi, "noun_of"));
            }
        }
    }
    // 3. The first outcome after the count in its clause. An outcome noun that heads the
    // victim phrase (`248 hostages`) or an outcome modifying it (`three captured soldiers had
    // been executed`) applies only if no predicate follows.
    let mut fallback: Option<usize> = None;
    for (mi, m) in mentions.iter().enumerate() {
        if m.tok_start < after_from {
            continue;
        }
        if m.tok_start >= next_count {
            break;
        }
        // Words of excluded counts (`a region of fewer than one million people`) do not count.
        let words_between = toks[te + 1..m.tok_start]
            .iter()
            .enumerate()
            .filter(|(k, t)| t.is_word && !spans.iter().enumerate().any(|(si, sp)| !eligible[si] && te + 1 + k >= sp.0 && te + 1 + k <= sp.1))
            .count();
        if words_between > 14 {
            break;
        }
        if toks[te + 1..m.tok_start].iter().any(|t| matches!(t.text, ";" | ":" | "(" | ")")) {
            break;
        }
        // `..., some of them badly wounded`, `..., but no one was killed`: a new clause about
        // another group.
        // A parenthetical closed by a second comma (`, including two children,`) is no break.
        let between = &toks[te + 1..m.tok_start];
        let clause_break = between.windows(2).enumerate().any(|(i, w)| {
            w[0].text == ","
                && matches!(w[1].lower().as_str(), "some" | "most" | "many" | "all" | "several" | "none" | "few" | "but" | "including" | "among" | "while" | "whereas")
                && !between[i + 2..].iter().any(|t| t.text == ",")
        });
        if clause_break {
            break;
        }
        // `to replace those killed`: the outcome of another group; `..., a third of whom are
        // believed dead`: a relative clause about part of the group.
        if m.tok_start > 0 && matches!(toks[m.tok_start - 1].lower().as_str(), "those" | "these" | "them") {
            break;
        }
        if fallback.is_some() && between.iter().any(|t| matches!(t.lower().as_str(), "whom" | "which")) {
            break;
        }
        let r = &lex.outcomes[m.rule];
        if r.before == "weak" || !r.after {
            continue;
        }
        // A modifier stands right before its noun (`captured soldiers`), not before `of`
        // (`bodies of Russian soldiers` are the victims themselves).
        let modifier = m.tok_start == te + 1
            && toks.get(m.tok_end + 1).is_some_and(|t| t.lower() != "of")
            && toks.iter().skip(m.tok_end + 1).take(3).any(|t| t.is_word && lower_in(&lex.raw.person_nouns, &t.lower()));
        if r.before == "noun" || modifier {
            fallback = fallback.or(Some(mi));
            continue;
        }
        return Some((mi, "count_outcome"));
    }
    if let Some(mi) = fallback {
        return Some((mi, "count_outcome"));
    }
    if let Some(p) = p {
        // 4. A total stated after its noun: `the death toll rose to four`, `losses at 304,000`.
        // `would be one of the heaviest losses`: a partitive is no total.
        if after_from > te + 1 {
            return None;
        }
        // `ran into the hundreds`: look past the article.
        let p = if toks[p].lower() == "the" && p > 0 && matches!(toks[p - 1].lower().as_str(), "into" | "in" | "to") { p - 1 } else { p };
        if matches!(
            toks[p].lower().as_str(),
            "to" | "at" | "of" | "was" | "is" | "be" | "reached" | "stood" | "stands" | "totaled" | "totalled" | "numbered" | "number" | "total" | "totals"
                | "hit" | "were" | "are" | "now" | "has" | "had" | "into"
        ) {
            let prev_eligible_end = spans.iter().enumerate().take(ci).filter(|(i, _)| eligible[*i]).map(|(_, s)| s.1).max();
            let best = mentions
                .iter()
                .enumerate()
                .filter(|(_, m)| m.tok_end < p && prev_eligible_end.is_none_or(|e| m.tok_start > e))
                .filter(|(_, m)| toks[m.tok_end..p].iter().filter(|t| t.is_word).count() <= 24)
                // `rose to 37` yes, `rejected by 31 votes to 4` no: `to` needs a verb of change.
                .filter(|(_, m)| {
                    // The verb may also stand before the noun: `bringing the death toll ... to 285`.
                    toks[p].lower() != "to"
                        || toks[m.tok_start.saturating_sub(4)..p].iter().any(|t| {
                            matches!(t.lower().as_str(), "rose" | "risen" | "rises" | "rising" | "climbed" | "climbs" | "climbing" | "increased" | "jumped" | "grew" | "grown" | "brings" | "bringing" | "brought" | "raised" | "raising" | "reached" | "soared" | "mounted" | "amounted" | "amount" | "amounts" | "amounting" | "correct" | "corrected" | "correcting" | "revised" | "revising" | "lowered" | "updated" | "updating" | "put" | "puts" | "putting" | "fell" | "dropped")
                        })
                })
                .rfind(|(_, m)| {
                lex.outcomes[m.rule].total
                    || lex.outcomes[m.rule].outcome == "casualties"
                    || matches!(toks[m.tok_start].lower().as_str(), "dead" | "killed")
                    || toks[..m.tok_start].iter().rev().take(4).any(|t| t.lower() == "number")
            });
            if let Some((mi, _)) = best {
                return Some((mi, "total"));
            }
        }
        // 5. A loss verb: `lost over 500 troops`.
        if let Some(mi) = mentions.iter().position(|m| m.tok_end == p && lex.outcomes[m.rule].before == "weak") {
            return Some((mi, "loss_verb"));
        }
        // 6. An outcome just before: `dying - in large numbers`.
        let mut j = p as isize;
        let mut hops = 0;
        while j >= 0 && hops < 3 {
            let t = &toks[j as usize];
            if let Some(mi) = mentions.iter().position(|m| m.tok_end == j as usize) {
                if lex.outcomes[mentions[mi].rule].before != "weak" {
                    return Some((mi, "outcome_before"));
                }
            }
            if !(matches!(t.text, "-" | "\"" | "'") || matches!(t.lower().as_str(), "in" | "and" | "by")) {
                break;
            }
            j -= 1;
            hops += 1;
        }
    }
    None
}

/// Victim side before `enemy`/`our` adjustments: cues in the victim phrase, then the nearest cue
/// in the sentence outside the source phrase, then the document's side.
fn victim_side(
    fs: &str,
    toks: &[Token<'_>],
    lex: &Lexicon,
    victim: Option<(usize, usize)>,
    claim: (usize, usize),
    doc_side: &str,
    source_span: Option<(usize, usize)>,
) -> String {
    let _ = toks;
    let count_start = claim.0;
    // `swapped 95 prisoners each`, `on both sides`: near the claim, not anywhere in the sentence.
    let near_end = super::attribution::floor_char(fs, (claim.1 + 40).min(fs.len()));
    let near = fs.get(super::attribution::floor_char(fs, claim.0)..near_end).unwrap_or("");
    if lex.side_cues.iter().any(|c| c.label == "unspecified" && c.re.is_match(near)) {
        return "unspecified".to_string();
    }
    if let Some((s, e)) = victim {
        if let Some(side) = fs.get(s..e).and_then(|v| attribution::side_in(v, lex)) {
            return side;
        }
    }
    let mut best: Option<(usize, String)> = None;
    for c in &lex.side_cues {
        if !matches!(c.label.as_str(), "russia" | "ukraine" | "other") {
            continue;
        }
        for m in c.re.find_iter(fs) {
            if source_span.is_some_and(|(s, e)| m.start() < e && s < m.end()) {
                continue;
            }
            // `executed by Russian forces`: the perpetrator's side, not the victims'.
            let before = fs.get(..m.start()).unwrap_or("").trim_end().to_lowercase();
            if before.ends_with(" by") || before.ends_with(" by the") || before.ends_with(" from") {
                continue;
            }
            // `the Russian strike on Zaporizhzhia`: the attacker's nationality.
            let next_word = fs.get(m.end()..).unwrap_or("").split_whitespace().next().unwrap_or("").trim_matches(|ch: char| !ch.is_alphanumeric()).to_lowercase();
            if lower_in(&lex.raw.perpetrator_nouns, &next_word) {
                continue;
            }
            let d = m.start().abs_diff(count_start);
            if best.as_ref().is_none_or(|(bd, _)| d < *bd) {
                best = Some((d, c.label.clone()));
            }
        }
    }
    if let Some((_, side)) = best {
        return side;
    }
    doc_side.to_string()
}

#[allow(clippy::too_many_arguments)]
fn adjust_side(fs: &str, toks: &[Token<'_>], lex: &Lexicon, ts: usize, count_end: usize, side: &str, source_type: &str, victim: Option<(usize, usize)>) -> String {
    let source_side = match source_type {
        "official_russia" => Some("russia"),
        "official_ukraine" => Some("ukraine"),
        _ => None,
    };
    let cue = |label: &str, text: &str| lex.side_cues.iter().any(|c| c.label == label && c.re.is_match(text));
    // `our men`, `20,000 of his fighters`: the speaker's own side.
    if let Some((_, ve)) = victim {
        let own_text = fs.get(count_end.min(ve)..ve).unwrap_or("");
        if cue("own", own_text) {
            if let Some(s) = source_side {
                return s.to_string();
            }
        }
        if fs.get(victim.map(|v| v.0).unwrap_or(0)..ve).and_then(|v| attribution::side_in(v, lex)).is_some() {
            return side.to_string();
        }
    }
    // `the enemy lost 180 men`: the side opposite the speaker.
    let window_start = toks[ts.saturating_sub(6)..ts].first().map(|t| t.start).unwrap_or(0);
    let window = fs.get(window_start..count_end.max(window_start)).unwrap_or("");
    if cue("enemy", window) {
        match source_side {
            Some("russia") => return "ukraine".to_string(),
            Some("ukraine") => return "russia".to_string(),
            _ => {}
        }
    }
    side.to_string()
}

fn victim_type(fs: &str, lex: &Lexicon, victim: Option<(usize, usize)>, start: usize, end: usize) -> String {
    let v = victim.and_then(|(s, e)| fs.get(s..e)).unwrap_or("");
    for text in [v, fs.get(start..end).unwrap_or(""), fs] {
        for c in &lex.type_cues {
            if c.re.is_match(text) {
                return c.label.clone();
            }
        }
    }
    "unspecified".to_string()
}

/// `in|near|around ... Capitalized Place`, the one nearest after the count, else before.
pub fn location(fs: &str, anchor: usize) -> Option<(usize, usize)> {
    use std::sync::OnceLock;
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"\b(?:in|near|around|outside|inside|at|on)\s+((?:the\s+)?(?:(?:village|town|city|region|district|province)\s+of\s+)?(?:[a-z]+\s+){0,2}?[A-Z][\w'-]+(?:(?:\s+|,\s+|\s+of\s+)(?:the\s+)?[A-Z][\w'-]+)*(?:\s+(?:region|oblast|district|province|city|sector|axis|direction))?)")
            .unwrap_or_else(|_| regex::Regex::new(r"\b\B").expect("trivial regex"))
    });
    const NOT_PLACES: &[&str] = &[
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March", "April", "May",
        "June", "July", "August", "September", "October", "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug",
        "Sep", "Sept", "Oct", "Nov", "Dec", "Telegram", "X", "Facebook", "The", "A",
    ];
    let mut best: Option<(usize, (usize, usize))> = None;
    for c in re.captures_iter(fs) {
        let Some(g) = c.get(1) else { continue };
        let text = g.as_str();
        let last = text.split_whitespace().last().unwrap_or("");
        let first_cap = text.split_whitespace().find(|w| w.chars().next().is_some_and(|ch| ch.is_uppercase())).unwrap_or("");
        if NOT_PLACES.contains(&first_cap) || NOT_PLACES.contains(&last) {
            continue;
        }
        // `a soldier in the Givati Brigade's Shaked Battalion`: a unit, not a place.
        const UNITS: &[&str] = &["Brigade", "Brigade's", "Battalion", "Regiment", "Division", "Corps", "Company", "Platoon", "Squadron", "Guard", "Forces", "Army", "Navy", "Ministry"];
        if text.split_whitespace().any(|w| UNITS.contains(&w)) {
            continue;
        }
        if text.split_whitespace().any(|w| w.chars().next().is_some_and(|ch| ch.is_lowercase()) && !matches!(w, "the" | "of" | "region" | "oblast" | "district" | "province" | "city" | "village" | "town" | "sector" | "axis" | "direction" | "eastern" | "western" | "northern" | "southern" | "east" | "west" | "north" | "south" | "northeast" | "northwest" | "southeast" | "southwest")) {
            continue;
        }
        let d = if g.start() >= anchor { g.start() - anchor } else { (anchor - g.start()) * 2 };
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, (g.start(), g.end())));
        }
    }
    best.map(|b| b.1)
}

/// The time expression nearest to the count.
pub fn time_span(fs: &str, anchor: usize) -> Option<(usize, usize)> {
    let mut best: Option<(usize, (usize, usize))> = None;
    for m in dates::time_re().find_iter(fs) {
        let d = if m.start() >= anchor { m.start() - anchor } else { (anchor - m.start()) * 2 };
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, (m.start(), m.end())));
        }
    }
    best.map(|b| b.1)
}

/// The speakers a sentence names, to attribute its claims.
struct SentenceAttribution {
    according: Option<(usize, usize, String)>,
    verbs: Vec<(usize, usize, usize, String)>,
    new_speaker: Option<String>,
    inherited: Option<String>,
    /// The folded sentence.
    text: String,
}

impl SentenceAttribution {
    fn new(ctx: &SentenceContext<'_>, toks: &[Token<'_>], lex: &Lexicon, speakers: &Speakers) -> SentenceAttribution {
        let fs = ctx.fs;
        let according = attribution::according_to(fs).and_then(|(s, e)| fs.get(s..e).map(|t| (s, e, t.to_string())));
        let mut verbs = Vec::new();
        // A pronoun later in the sentence refers to a speaker named earlier in it.
        let mut local = speakers.clone();
        for v in attribution::report_verbs(fs, toks, lex) {
            let span = attribution::subject_before(fs, toks, v, lex).or_else(|| attribution::subject_after(fs, toks, v, lex));
            if let Some((s, e)) = span {
                let Some(raw) = fs.get(s..e) else { continue };
                let raw = raw.trim().trim_start_matches("and ").trim_start_matches("but ");
                if raw.is_empty() || raw.split_whitespace().count() > 12 {
                    continue;
                }
                // A subject holding an outcome (`the dead included ...`) is no speaker, nor is
                // an event (`the blast claimed the lives of 27`).
                if lex.outcome_set.is_match(raw) {
                    continue;
                }
                const EVENTS: &[&str] = &[
                    "blast", "blasts", "explosion", "explosions", "fire", "crash", "collapse", "incident", "fighting", "war", "clashes", "battle",
                    "strike", "strikes", "attack", "attacks", "shelling", "missile", "drone", "bomb", "bombing", "airstrike", "shell", "rocket", "ambush", "raid",
                ];
                // Only the head phrase counts: `Headquarters for ... Prisoners of War` is a body.
                let head_phrase = raw.split([' ']).take_while(|w| !matches!(w.to_lowercase().as_str(), "of" | "for" | "at" | "on" | "in" | "near" | "from")).collect::<Vec<_>>();
                if head_phrase.iter().any(|w| EVENTS.contains(&w.trim_matches(|ch: char| !ch.is_alphanumeric()).to_lowercase().as_str())) {
                    continue;
                }
                if let Some(resolved) = local.resolve(raw) {
                    local.remember(&resolved, lex);
                    verbs.push((toks[v].start, s, e, resolved));
                }
            }
        }
        let new_speaker = according.as_ref().map(|a| a.2.clone()).or_else(|| verbs.first().map(|v| v.3.clone()));
        // A quoted sentence without a speaker continues the paragraph's last speaker.
        let trimmed = fs.trim_start();
        let inherited = if trimmed.starts_with('"') || trimmed.starts_with('\'') {
            speakers.last_person.clone().or_else(|| speakers.last_actor.clone())
        } else {
            None
        };
        SentenceAttribution { according, verbs, new_speaker, inherited, text: fs.to_string() }
    }

    /// The source of a claim whose count starts at `count_start` and whose span ends at `end`.
    fn for_claim(&self, count_start: usize, end: usize) -> (Option<String>, Option<(usize, usize)>) {
        // `according to its latest update`: the update is the sentence subject's own.
        if let Some((s, e, t)) = self.according.as_ref().filter(|a| !matches!(a.2.split_whitespace().next().unwrap_or("").to_lowercase().as_str(), "its" | "their" | "his" | "her" | "our")) {
            return (Some(clean_source(t)), Some((*s, *e)));
        }
        // The nearest reporting verb before the count, else the first after the claim.
        let before = self.verbs.iter().rfind(|v| v.0 < count_start && v.2 <= count_start);
        let _ = end;
        // Speech after the claim: `..., officials said` / `..." he said`, not a new clause
        // (`...; Kyiv says thousands still held`).
        let after = self.verbs.iter().find(|v| {
            v.0 > count_start && self.text.get(..v.1).is_some_and(|b| b.trim_end().ends_with([',', '"', '\'']))
        });
        if let Some(v) = before.or(after) {
            return (Some(clean_source(&v.3)), Some((v.1, v.2)));
        }
        if let Some(s) = &self.inherited {
            return (Some(clean_source(s)), None);
        }
        (None, None)
    }

    fn commit(&self, speakers: &mut Speakers, lex: &Lexicon) {
        if let Some(s) = &self.new_speaker {
            speakers.remember(s, lex);
        }
        for v in &self.verbs {
            speakers.remember(&v.3, lex);
        }
    }
}

fn clean_source(s: &str) -> String {
    let t = s.trim().trim_matches(|c: char| c == ',' || c == '"' || c == '\'' || c == '-').trim();
    let lower = t.to_lowercase();
    for prefix in ["on monday ", "on tuesday ", "on wednesday ", "on thursday ", "on friday ", "on saturday ", "on sunday ", "yet ", "however "] {
        if lower.starts_with(prefix) {
            return t[prefix.len()..].trim().to_string();
        }
    }
    t.to_string()
}
