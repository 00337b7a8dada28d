//! Counts as written (codebook section 4): digits, number words, vague words, qualifiers,
//! ranges and singular `a soldier`, with their inclusive bounds.

use super::lex::Lexicon;

/// One count found in a (folded) sentence; offsets are bytes into that sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Count {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub low: Option<i64>,
    pub high: Option<i64>,
    pub qualifier: String,
    /// Start of the number itself (after any qualifier).
    pub core_start: usize,
    pub vague: bool,
    /// `a soldier`, `one civilian`: the count carries its own victim noun.
    pub singular: bool,
    /// The count is a bare number word or digits without qualifier (for year/age filters).
    pub plain_digits: bool,
}

/// Value of a number written in digits (`6,100`, `6.100`, `1.5 million`) or words
/// (`twenty-five`, `two hundred`, `a hundred and five`). None if it is not a number.
pub fn parse_number(s: &str, lex: &Lexicon) -> Option<i64> {
    let lower = s.trim().to_lowercase();
    if lower.is_empty() {
        return None;
    }
    let mut words: Vec<&str> = lower.split(|c: char| c.is_whitespace() || c == '-').filter(|w| !w.is_empty()).collect();
    if words.is_empty() {
        return None;
    }
    // Digits, possibly followed by scale words.
    if words[0].chars().next().is_some_and(|c| c.is_ascii_digit()) {
        let d = words[0];
        let mut value = parse_digits(d)?;
        for w in &words[1..] {
            let scale = lex.raw.number_scales.iter().find(|p| p.phrase == *w)?.value;
            value *= scale as f64;
        }
        if !value.is_finite() || !(0.0..=9.0e15).contains(&value) {
            return None;
        }
        return Some(value.round() as i64);
    }
    if words[0] == "a" || words[0] == "an" {
        words.remove(0);
        if words.is_empty() {
            return None;
        }
    }
    let mut total: i64 = 0;
    let mut current: i64 = 0;
    let mut seen = false;
    for w in words {
        if w == "and" {
            continue;
        }
        if let Some(p) = lex.raw.number_units.iter().chain(lex.raw.number_tens.iter()).find(|p| p.phrase == w) {
            current = current.checked_add(p.value)?;
            seen = true;
        } else if let Some(p) = lex.raw.number_scales.iter().find(|p| p.phrase == w) {
            if p.value == 100 {
                current = current.max(1).checked_mul(100)?;
            } else {
                total = total.checked_add(current.max(1).checked_mul(p.value)?)?;
                current = 0;
            }
            seen = true;
        } else {
            return None;
        }
    }
    if !seen {
        return None;
    }
    total.checked_add(current)
}

/// `6,100` -> 6100; `6.100` -> 6100 (a European thousands separator, not 6.1); `1.5` -> 1.5.
fn parse_digits(d: &str) -> Option<f64> {
    if d.contains(',') {
        let (int, frac) = match d.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (d, None),
        };
        let groups: Vec<&str> = int.split(',').collect();
        if groups.iter().skip(1).any(|g| g.len() != 3) || groups.first().is_some_and(|g| g.is_empty() || g.len() > 3) {
            return None;
        }
        let joined: String = groups.concat();
        let s = match frac {
            Some(f) => format!("{joined}.{f}"),
            None => joined,
        };
        return s.parse::<f64>().ok();
    }
    let parts: Vec<&str> = d.split('.').collect();
    if parts.len() > 2 || (parts.len() == 2 && parts[1].len() == 3 && parts[0].len() <= 3) {
        // 6.100 or 1.234.567: thousands separators.
        if parts.iter().skip(1).all(|p| p.len() == 3) && !parts[0].is_empty() && parts[0].len() <= 3 {
            return parts.concat().parse::<f64>().ok();
        }
        return None;
    }
    d.parse::<f64>().ok()
}

/// Applies a qualifier to a value: (low, high) per the codebook's table.
fn bounds(qualifier: &str, v: i64) -> (Option<i64>, Option<i64>) {
    match qualifier {
        "at_least" | "more_than" | "vague" => (Some(v), None),
        "up_to" | "less_than" => (None, Some(v)),
        _ => (Some(v), Some(v)),
    }
}

/// Every count in `s` (folded text), left to right, without overlaps.
/// The second number of a digit range written with `to` (`7 to 39,790`): its byte offset and
/// text. `October 7-9` is a range of dates, so `-` gives none.
fn range_second(core: &str) -> Option<(usize, &str)> {
    let first_end = core.find(|ch: char| !(ch.is_ascii_digit() || ch == ',' || ch == '.'))?;
    let rest = &core[first_end..];
    let skip = rest.find(|ch: char| ch.is_ascii_digit())?;
    let sep = rest[..skip].trim();
    sep.eq_ignore_ascii_case("to").then(|| (first_end + skip, &rest[skip..]))
}

pub fn find_counts(s: &str, lex: &Lexicon) -> Vec<Count> {
    let mut out: Vec<Count> = Vec::new();
    for caps in lex.count_re.captures_iter(s) {
        let (Some(m), Some(core)) = (caps.get(0), caps.name("core")) else { continue };
        let core_text = core.as_str();
        let core_lower = core_text.to_lowercase();
        let core_norm = core_lower.split_whitespace().collect::<Vec<_>>().join(" ");
        let qual_phrase = caps.name("qual").map(|q| q.as_str().to_lowercase().split_whitespace().collect::<Vec<_>>().join(" "));
        let mut qualifier = qual_phrase
            .as_ref()
            .and_then(|q| lex.raw.qualifiers.iter().find(|p| p.phrase == *q).map(|p| p.qualifier.clone()));
        if let Some(sfx) = caps.name("suffix") {
            let sfx = sfx.as_str().trim().to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ");
            if let Some(p) = lex.raw.suffix_qualifiers.iter().find(|p| p.phrase == sfx) {
                qualifier = Some(p.qualifier.clone());
            }
        }
        let mut vague = false;
        let (low, high, qual) = if let Some(p) = lex.raw.vague.iter().find(|p| p.phrase == core_norm) {
            vague = true;
            match qualifier {
                Some(q) => {
                    let (l, h) = bounds(&q, p.value);
                    (l, h, q)
                }
                None => (Some(p.value), None, "vague".to_string()),
            }
        } else if let Some(p) = lex.raw.approximate_counts.iter().find(|p| p.phrase == core_norm) {
            let q = qualifier.unwrap_or_else(|| "approximately".to_string());
            let (l, h) = bounds(&q, p.value);
            (l, h, q)
        } else if let Some((a, b)) = split_range(&core_norm) {
            // `since October 7 to 39,790`: a date's day is no range's low end.
            let month_before = s[..m.start()].trim_end().trim_end_matches('.').rsplit(|ch: char| !ch.is_alphabetic()).next().is_some_and(|w| !w.is_empty() && w.chars().next().is_some_and(char::is_uppercase) && Lexicon::in_list(&lex.raw.months, w));
            if month_before && qual_phrase.is_none() && core_text.starts_with(|ch: char| ch.is_ascii_digit()) {
                if let Some(rest) = range_second(core_text) {
                    if let Some(v) = parse_number(rest.1, lex) {
                        let start = core.start() + rest.0;
                        out.push(Count { start, end: core.end(), text: rest.1.to_string(), low: Some(v), high: Some(v), qualifier: "exact".to_string(), core_start: start, vague: false, singular: false, plain_digits: rest.1.chars().all(|c| c.is_ascii_digit()) });
                    }
                }
                continue;
            }
            match (parse_number(a, lex), parse_number(b, lex)) {
                (Some(x), Some(y)) if x < y => (Some(x), Some(y), "range".to_string()),
                _ => continue,
            }
        } else {
            let Some(v) = parse_number(core_text, lex) else { continue };
            let q = qualifier.unwrap_or_else(|| "exact".to_string());
            let (l, h) = bounds(&q, v);
            (l, h, q)
        };
        let plain_digits = caps.name("qual").is_none() && core_text.chars().all(|c| c.is_ascii_digit());
        out.push(Count {
            start: m.start(),
            end: m.end(),
            text: m.as_str().to_string(),
            low,
            high,
            qualifier: qual,
            core_start: core.start(),
            vague,
            singular: false,
            plain_digits,
        });
    }
    // Singular counts: `a soldier`, `one Ukrainian civilian`; they replace a bare `one` inside.
    for m in lex.singular_re.find_iter(s) {
        if out.iter().any(|c| c.start < m.end() && m.start() < c.end && !(c.start >= m.start() && c.end <= m.end())) {
            continue;
        }
        out.retain(|c| !(c.start >= m.start() && c.end <= m.end()));
        out.push(Count {
            start: m.start(),
            end: m.end(),
            text: m.as_str().to_string(),
            low: Some(1),
            high: Some(1),
            qualifier: "exact".to_string(),
            core_start: m.start(),
            vague: false,
            singular: true,
            plain_digits: false,
        });
    }
    // `Drone kills woman`: a headline's bare singular victim.
    for caps in lex.bare_singular_re.captures_iter(s) {
        let Some(m) = caps.get(1) else { continue };
        if out.iter().any(|c| c.start < m.end() && m.start() < c.end) {
            continue;
        }
        out.push(Count {
            start: m.start(),
            end: m.end(),
            text: m.as_str().to_string(),
            low: Some(1),
            high: Some(1),
            qualifier: "exact".to_string(),
            core_start: m.start(),
            vague: false,
            singular: true,
            plain_digits: false,
        });
    }
    out.sort_by_key(|c| (c.start, c.end));
    out
}

/// The two ends of a range (`between 80 and 100`, `35,000-43,000`, `five to ten`).
fn split_range(core: &str) -> Option<(&str, &str)> {
    if let Some(rest) = core.strip_prefix("between ") {
        return rest.split_once(" and ");
    }
    if let Some(rest) = core.strip_prefix("from ") {
        return rest.split_once(" to ");
    }
    if let Some(p) = core.find(" to ") {
        return Some((&core[..p], &core[p + 4..]));
    }
    // A hyphen between digits only: `twenty-five` is one number.
    let bytes = core.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'-' && i > 0 {
            let before = core[..i].trim_end();
            let after = core[i + 1..].trim_start();
            if before.chars().last().is_some_and(|c| c.is_ascii_digit()) && after.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                return Some((before, after));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::LexiconSet;

    fn lex() -> Lexicon {
        Lexicon::parse(LexiconSet::builtin().text(super::super::lex::FILE).unwrap()).unwrap()
    }

    fn one(s: &str) -> (String, Option<i64>, Option<i64>, String) {
        let l = lex();
        let c = find_counts(s, &l);
        assert!(!c.is_empty(), "no count in {s:?}");
        (c[0].text.clone(), c[0].low, c[0].high, c[0].qualifier.clone())
    }

    #[test]
    fn digits_with_separators() {
        let l = lex();
        assert_eq!(parse_number("6,100", &l), Some(6100));
        assert_eq!(parse_number("6.100", &l), Some(6100));
        assert_eq!(parse_number("1.5 million", &l), Some(1_500_000));
        assert_eq!(parse_number("71,214", &l), Some(71214));
        assert_eq!(parse_number("1,2,3", &l), None);
    }

    #[test]
    fn number_words() {
        let l = lex();
        assert_eq!(parse_number("fourteen", &l), Some(14));
        assert_eq!(parse_number("Twenty-five", &l), Some(25));
        assert_eq!(parse_number("Ninety-five", &l), Some(95));
        assert_eq!(parse_number("two hundred", &l), Some(200));
        assert_eq!(parse_number("a hundred and five", &l), Some(105));
        assert_eq!(parse_number("three thousand five hundred", &l), Some(3500));
        assert_eq!(parse_number("soldiers", &l), None);
    }

    #[test]
    fn qualifiers() {
        assert_eq!(one("at least 220 soldiers"), ("at least 220".into(), Some(220), None, "at_least".into()));
        assert_eq!(one("no fewer than 12 conscripts"), ("no fewer than 12".into(), Some(12), None, "at_least".into()));
        assert_eq!(one("over 500 troops"), ("over 500".into(), Some(500), None, "more_than".into()));
        assert_eq!(one("as high as 600").3, "up_to");
        assert_eq!(one("up to 240 servicemen").2, Some(240));
        assert_eq!(one("fewer than ten people"), ("fewer than ten".into(), None, Some(10), "less_than".into()));
        assert_eq!(one("an estimated 2,000 soldiers"), ("an estimated 2,000".into(), Some(2000), Some(2000), "approximately".into()));
        assert_eq!(one("nearly 300 men").3, "approximately");
        assert_eq!(one("50 or more civilians"), ("50 or more".into(), Some(50), None, "at_least".into()));
    }

    #[test]
    fn ranges() {
        assert_eq!(one("between 80 and 100 soldiers"), ("between 80 and 100".into(), Some(80), Some(100), "range".into()));
        assert_eq!(one("35,000-43,000 more"), ("35,000-43,000".into(), Some(35000), Some(43000), "range".into()));
        assert_eq!(one("five to ten people").3, "range");
    }

    #[test]
    fn vague_words() {
        assert_eq!(one("dozens of people"), ("dozens".into(), Some(12), None, "vague".into()));
        assert_eq!(one("tens of thousands of soldiers"), ("tens of thousands".into(), Some(10000), None, "vague".into()));
        assert_eq!(one("several hundred men").1, Some(100));
        assert_eq!(one("a handful of residents").1, Some(3));
        assert_eq!(one("Scores of fighters").1, Some(12));
        assert_eq!(one("a dozen"), ("a dozen".into(), Some(12), Some(12), "approximately".into()));
        assert_eq!(one("more than a dozen"), ("more than a dozen".into(), Some(12), None, "more_than".into()));
        assert_eq!(one("at least several hundred"), ("at least several hundred".into(), Some(100), None, "at_least".into()));
        assert_eq!(one("hundreds of thousands").1, Some(100000));
    }

    #[test]
    fn singular() {
        let l = lex();
        let c = find_counts("a Russian soldier was killed", &l);
        assert_eq!(c.len(), 1);
        assert!(c[0].singular);
        assert_eq!(c[0].text, "a Russian soldier");
        let c = find_counts("one civilian had been killed", &l);
        assert_eq!((c.len(), c[0].text.as_str()), (1, "one civilian"));
    }
}
