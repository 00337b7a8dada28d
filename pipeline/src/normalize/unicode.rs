//! Character-level clean-up: line endings, Unicode spaces, invisible characters, NFC.
//!
//! Typographic quotes and dashes are kept: the text is evidence and must read as published;
//! extraction folds them to ASCII when it matches.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// What to do with one character.
enum CharAction {
    Keep,
    Space,
    Newline,
    Drop,
}

fn action(c: char) -> CharAction {
    match c {
        '\n' => CharAction::Keep,
        // Line and paragraph separators, next line, vertical tab and form feed all end a line.
        '\r' | '\u{2028}' | '\u{2029}' | '\u{0085}' | '\u{000B}' | '\u{000C}' => CharAction::Newline,
        c if is_invisible(c) => CharAction::Drop,
        // Tab, U+00A0, U+1680, U+2000-200A, U+202F, U+205F, U+3000 ...
        c if c.is_whitespace() => CharAction::Space,
        c if c.is_control() => CharAction::Drop,
        _ => CharAction::Keep,
    }
}

/// Zero-width and other invisible format characters (Unicode category Cf, plus the
/// combining grapheme joiner). They carry no text, and left in they make two equal-looking
/// texts differ (dedup) or hide a word from a regex.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{0600}'..='\u{0605}' | '\u{06DD}' | '\u{070F}' | '\u{08E2}'
        | '\u{110BD}' | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0001}' | '\u{E0020}'..='\u{E007F}')
}

/// One mapping pass: `\r\n` and other line breaks to `\n`, spaces to ' ', invisibles dropped.
fn map_chars(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match action(c) {
            CharAction::Keep => out.push(c),
            CharAction::Space => out.push(' '),
            CharAction::Drop => {}
            CharAction::Newline => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
        }
    }
    out
}

/// Maps characters and composes to NFC until nothing changes.
///
/// Both orders are needed: dropping an invisible character can bring a base letter and a
/// combining mark together (`e`, U+200D, U+0301), which NFC then composes; and NFC itself maps
/// a few characters to others (U+2000 to U+2002). Each round only removes or composes, so two
/// rounds settle in practice; the bound keeps the cost linear whatever happens.
pub(crate) fn clean_chars(input: &str) -> String {
    let mut text = map_chars(input);
    for _ in 0..4 {
        if is_nfc_quick(text.chars()) == IsNormalized::Yes {
            break;
        }
        let composed: String = text.nfc().collect();
        let mapped = map_chars(&composed);
        if mapped == text {
            break;
        }
        text = mapped;
    }
    text
}

/// Collapses runs of spaces to one and trims the line.
pub(crate) fn collapse_spaces(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for word in line.split(' ').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The cleaned lines of a text: each trimmed, spaces collapsed; blank lines are empty strings.
#[cfg(test)]
pub(crate) fn clean_lines(input: &str) -> Vec<String> {
    clean_chars(input).split('\n').map(collapse_spaces).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_line_endings_and_invisibles() {
        let raw = "\u{FEFF}Putin\u{00A0}on\u{2009}Thursday\tsaid\r\nnext\rline\u{2028}third\u{200B}\u{200D}word  \u{3000} end";
        assert_eq!(clean_lines(raw), vec!["Putin on Thursday said", "next", "line", "thirdword end"]);
    }

    #[test]
    fn nfc_and_quotes_kept() {
        // e + combining acute composes; the ZWJ between them must not block it.
        assert_eq!(clean_chars("cafe\u{0301} cafe\u{200D}\u{0301}"), "caf\u{e9} caf\u{e9}");
        assert_eq!(
            clean_chars("\u{201C}Yes\u{201D} \u{2013} it\u{2019}s"),
            "\u{201C}Yes\u{201D} \u{2013} it\u{2019}s"
        );
        // U+2000 decomposes canonically to U+2002, a space: both end as ' '.
        assert_eq!(clean_chars("a\u{2000}b"), "a b");
    }

    #[test]
    fn soft_hyphen_and_controls_dropped() {
        assert_eq!(clean_chars("in\u{00AD}vasion\u{0007}!"), "invasion!");
    }
}
