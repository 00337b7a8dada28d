//! A matching copy of the normalized text and the offset maps between it and the original.
//!
//! The normalized text keeps typographic quotes and dashes; rules are written against ASCII.
//! The folded copy replaces each such character by exactly one ASCII character, so both texts
//! have the same code points at the same indices and a match in the copy maps back exactly.

/// The folded document and its offset maps.
#[derive(Debug, Clone)]
pub struct Folded {
    /// Same code-point count as the original; typographic punctuation folded to ASCII.
    pub text: String,
    /// Byte offset in `text` of each code point, plus `text.len()` at the end.
    pub char_to_fbyte: Vec<usize>,
    /// Byte offset in the original of each code point, plus its length at the end.
    pub char_to_obyte: Vec<usize>,
}

/// The ASCII stand-in of a typographic character (one code point for one code point).
pub fn fold_char(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}' | '\u{2033}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}' | '\u{2212}' => '-',
        '\u{00A0}' | '\u{2007}' | '\u{202F}' | '\u{2009}' | '\u{200A}' => ' ',
        '\u{2026}' => '.',
        _ => c,
    }
}

impl Folded {
    pub fn new(original: &str) -> Folded {
        let mut text = String::with_capacity(original.len());
        let mut char_to_fbyte = Vec::with_capacity(original.len() + 1);
        let mut char_to_obyte = Vec::with_capacity(original.len() + 1);
        for (ob, c) in original.char_indices() {
            char_to_obyte.push(ob);
            char_to_fbyte.push(text.len());
            text.push(fold_char(c));
        }
        char_to_obyte.push(original.len());
        char_to_fbyte.push(text.len());
        Folded { text, char_to_fbyte, char_to_obyte }
    }

    /// Number of code points.
    pub fn char_len(&self) -> usize {
        self.char_to_fbyte.len().saturating_sub(1)
    }

    /// Code-point index of a byte offset of the original (rounded down to a char start).
    pub fn obyte_to_char(&self, ob: usize) -> usize {
        match self.char_to_obyte.binary_search(&ob) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Code-point index of a byte offset of the folded text (rounded down to a char start).
    pub fn fbyte_to_char(&self, fb: usize) -> usize {
        match self.char_to_fbyte.binary_search(&fb) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// The folded text of code points `start..end` (clamped).
    pub fn slice(&self, start: usize, end: usize) -> &str {
        let n = self.char_len();
        let (s, e) = (start.min(n), end.min(n).max(start.min(n)));
        self.text.get(self.char_to_fbyte[s]..self.char_to_fbyte[e]).unwrap_or("")
    }
}

/// The original text of code points `start..end` (clamped).
pub fn original_slice<'a>(original: &'a str, folded: &Folded, start: usize, end: usize) -> &'a str {
    let n = folded.char_len();
    let (s, e) = (start.min(n), end.min(n).max(start.min(n)));
    original.get(folded.char_to_obyte[s]..folded.char_to_obyte[e]).unwrap_or("")
}

/// A token of a sentence: a word or one punctuation character, with byte offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
    pub is_word: bool,
}

impl Token<'_> {
    pub fn lower(&self) -> String {
        self.text.to_lowercase()
    }
    /// A word that can end a personal name (see [`particle_joined`]).
    pub fn is_name_part(&self) -> bool {
        self.is_capitalized() || particle_joined(self.text)
    }

    pub fn is_capitalized(&self) -> bool {
        self.text.chars().next().is_some_and(|c| c.is_uppercase())
    }
}

/// A surname joined to its particle: `al-Hamoud`, `el-Sisi`, `bin-Ali`.
pub fn particle_joined(w: &str) -> bool {
    w.split_once('-').is_some_and(|(p, rest)| p.len() <= 4 && rest.chars().next().is_some_and(char::is_uppercase))
}

/// Splits a (folded) sentence into words (letters, digits, inner `'`, `-`, `.`, `,` between
/// digits) and single punctuation characters.
pub fn tokenize(s: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (b, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_alphanumeric() {
            let mut j = i + 1;
            while j < chars.len() {
                let cj = chars[j].1;
                if cj.is_alphanumeric() {
                    j += 1;
                    continue;
                }
                // Inner joiners: U.S., don't, twenty-five, 6,100, 1.5.
                if matches!(cj, '\'' | '-' | '.' | ',')
                    && j + 1 < chars.len()
                    && chars[j + 1].1.is_alphanumeric()
                {
                    let prev = chars[j - 1].1;
                    let next = chars[j + 1].1;
                    let ok = match cj {
                        ',' => prev.is_ascii_digit() && next.is_ascii_digit(),
                        '.' => (prev.is_ascii_digit() && next.is_ascii_digit()) || (prev.is_uppercase() && next.is_uppercase()),
                        _ => true,
                    };
                    if ok {
                        j += 2;
                        continue;
                    }
                }
                break;
            }
            // Keep the final period of an abbreviation like U.S. inside the token.
            let mut end_j = j;
            if j < chars.len() && chars[j].1 == '.' {
                let word: String = chars[i..j].iter().map(|x| x.1).collect();
                if word.contains('.') && word.chars().all(|ch| ch.is_uppercase() || ch == '.') {
                    end_j = j + 1;
                }
            }
            let e = if end_j < chars.len() { chars[end_j].0 } else { s.len() };
            out.push(Token { start: b, end: e, text: &s[b..e], is_word: true });
            i = end_j;
        } else {
            let e = if i + 1 < chars.len() { chars[i + 1].0 } else { s.len() };
            out.push(Token { start: b, end: e, text: &s[b..e], is_word: false });
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_code_point_count() {
        let s = "“It’s – fine”";
        let f = Folded::new(s);
        assert_eq!(f.text, "\"It's - fine\"");
        assert_eq!(f.char_len(), s.chars().count());
        assert_eq!(original_slice(s, &f, 1, 5), "It’s");
    }

    #[test]
    fn tokens_keep_numbers_and_abbreviations() {
        let t: Vec<&str> = tokenize("more than 6,100 U.S. troops, twenty-five.").iter().map(|t| t.text).collect();
        assert_eq!(t, vec!["more", "than", "6,100", "U.S.", "troops", ",", "twenty-five", "."]);
    }
}
