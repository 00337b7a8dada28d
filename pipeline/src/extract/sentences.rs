//! Sentence splitting of one paragraph of folded text.
//!
//! A sentence ends at `.`, `!` or `?` (with any closing quotes or brackets) followed by a space
//! and a capital, a digit or an opening quote, unless the word before the period is an
//! abbreviation (`Mr.`, `Gen.`), an initial (`Gleb V. Rastorguyev`) or dotted (`U.S.`).

/// Words that end in a period without ending a sentence (lowercase, without the period).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "sgt", "capt", "maj", "gov", "sen", "rep",
    "prof", "rev", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "no", "nos", "vs", "etc", "inc", "ltd", "co", "corp", "jr", "sr", "mt", "ft", "pvt",
    "cpl", "adm", "brig", "cmdr", "fig", "approx", "est", "al", "u.s", "u.k", "u.n", "e.u",
];

/// Code-point ranges `[start, end)` of the sentences of `para` (a slice of folded text whose
/// first code point has index `base`), trimmed of surrounding spaces.
pub fn split_sentences(para: &str, base: usize) -> Vec<(usize, usize)> {
    let chars: Vec<char> = para.chars().collect();
    let n = chars.len();
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut i = 0usize;
    while i < n {
        let c = chars[i];
        if matches!(c, '.' | '!' | '?') {
            // Extend over repeated terminators and closing quotes/brackets.
            let mut j = i + 1;
            while j < n && matches!(chars[j], '.' | '!' | '?' | '"' | '\'' | ')' | ']') {
                j += 1;
            }
            if j < n && chars[j].is_whitespace() {
                let mut k = j;
                while k < n && chars[k].is_whitespace() {
                    k += 1;
                }
                if k < n && starts_sentence(chars[k]) && !(c == '.' && is_abbreviation(&chars, i, chars.get(k).copied())) {
                    push_trimmed(&chars, start, j, base, &mut out);
                    start = k;
                    i = k;
                    continue;
                }
            }
            i = j;
            continue;
        }
        i += 1;
    }
    push_trimmed(&chars, start, n, base, &mut out);
    out
}

fn starts_sentence(c: char) -> bool {
    c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '\'' | '(' | '[')
}

/// Whether the period at `dot` closes an abbreviation or an initial rather than a sentence.
fn is_abbreviation(chars: &[char], dot: usize, next: Option<char>) -> bool {
    let mut s = dot;
    while s > 0 && (chars[s - 1].is_alphanumeric() || chars[s - 1] == '.') {
        s -= 1;
    }
    let word: String = chars[s..dot].iter().collect();
    if word.is_empty() {
        return false;
    }
    let lower = word.to_lowercase();
    // A single capital letter is an initial (Gleb V. Rastorguyev).
    if word.chars().count() == 1 && word.chars().all(|c| c.is_uppercase()) {
        return true;
    }
    if lower == "a.m" || lower == "p.m" {
        // "at 8 p.m. Rescuers ..." ends a sentence; "8 p.m. on Friday" does not reach here.
        return false;
    }
    if ABBREVIATIONS.contains(&lower.as_str()) {
        // A dotted country abbreviation before an opening quote ends the sentence.
        if word.contains('.') && matches!(next, Some('"') | Some('\'')) {
            return false;
        }
        return true;
    }
    false
}

fn push_trimmed(chars: &[char], mut s: usize, mut e: usize, base: usize, out: &mut Vec<(usize, usize)>) {
    while s < e && chars[s].is_whitespace() {
        s += 1;
    }
    while e > s && chars[e - 1].is_whitespace() {
        e -= 1;
    }
    if e > s {
        out.push((base + s, base + e));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(p: &str) -> Vec<String> {
        let chars: Vec<char> = p.chars().collect();
        split_sentences(p, 0).into_iter().map(|(s, e)| chars[s..e].iter().collect()).collect()
    }

    #[test]
    fn splits_on_terminators() {
        assert_eq!(texts("One died. Two were hurt! Why? Nobody knows."), vec!["One died.", "Two were hurt!", "Why?", "Nobody knows."]);
    }

    #[test]
    fn keeps_abbreviations_and_initials() {
        assert_eq!(texts("Senior Lieutenant Gleb V. Rastorguyev, 27, died. Mr. Smith said so."), vec!["Senior Lieutenant Gleb V. Rastorguyev, 27, died.", "Mr. Smith said so."]);
        assert_eq!(texts("U.S. officials said 5 were killed. Dr. Salem Ba-Odah agreed."), vec!["U.S. officials said 5 were killed.", "Dr. Salem Ba-Odah agreed."]);
    }

    #[test]
    fn quotes_close_sentences() {
        assert_eq!(texts("\"We lost ten men.\" He said nothing else."), vec!["\"We lost ten men.\"", "He said nothing else."]);
        assert_eq!(texts("\"We lost ten men,\" he said. \"It is hard.\""), vec!["\"We lost ten men,\" he said.", "\"It is hard.\""]);
    }

    #[test]
    fn headline_without_period_is_one_sentence() {
        assert_eq!(texts("Missile strike kills 21"), vec!["Missile strike kills 21"]);
        assert!(texts("").is_empty());
        assert!(texts("   ").is_empty());
    }

    #[test]
    fn decimal_points_do_not_split() {
        assert_eq!(texts("About 1.5 million died. Yes."), vec!["About 1.5 million died.", "Yes."]);
    }
}
