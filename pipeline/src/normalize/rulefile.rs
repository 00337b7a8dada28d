//! The shared syntax of the rule files `boilerplate.txt` and `captions.txt`.
//!
//! One entry per line; blank lines and lines starting with `#` are ignored.
//!
//! - `[generic]` or `[outlet NAME]` opens a section (rules before any header are generic).
//! - `define NAME = REGEX` names a regex fragment; `{NAME}` in later lines is replaced by
//!   `(?:REGEX)`. NAME is upper-case letters, digits and `_`, so it never clashes with a
//!   repetition such as `{2,3}`.
//! - `KIND [key=NUMBER ...]: VALUE` is a rule; what KIND and VALUE mean is up to the file.
//!
//! Line numbers are 1-based and count every line of the file, so an error points at the line a
//! researcher sees in an editor.

use regex::{Regex, RegexBuilder};

use crate::error::LexiconError;

/// One parsed, non-blank, non-comment line of a rule file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Entry {
    /// `[generic]` (name `None`) or `[outlet NAME]`.
    Section { line: usize, outlet: Option<String> },
    /// `KIND key=N ...: VALUE`, with `{NAME}` already expanded in VALUE.
    Rule { line: usize, kind: String, params: Vec<(String, usize)>, value: String },
}

/// Parses a whole rule file. `file` names it in errors.
pub(crate) fn parse(file: &str, text: &str) -> Result<Vec<Entry>, LexiconError> {
    let invalid =
        |line: usize, message: String| LexiconError::Invalid { file: file.to_string(), line, message };
    let mut defines: Vec<(String, String)> = Vec::new();
    let mut entries = Vec::new();
    for (idx, raw_line) in text.lines().enumerate() {
        let line_no = idx + 1;
        let line = raw_line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(inner) = line.strip_prefix('[') {
            let inner = inner
                .strip_suffix(']')
                .ok_or_else(|| invalid(line_no, "a section header must end with `]`".into()))?
                .trim();
            let outlet = if inner == "generic" {
                None
            } else if let Some(name) = inner.strip_prefix("outlet ") {
                Some(name.trim().to_string())
            } else {
                return Err(invalid(
                    line_no,
                    format!("unknown section `[{inner}]` (use [generic] or [outlet NAME])"),
                ));
            };
            entries.push(Entry::Section { line: line_no, outlet });
            continue;
        }
        if let Some(rest) = line.strip_prefix("define ") {
            let (name, value) = rest
                .split_once('=')
                .ok_or_else(|| invalid(line_no, "expected `define NAME = REGEX`".into()))?;
            let name = name.trim();
            if name.is_empty()
                || !name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            {
                return Err(invalid(
                    line_no,
                    format!("define name `{name}` must be upper-case ASCII, digits or `_`"),
                ));
            }
            let value = expand(value.trim(), &defines);
            defines.push((name.to_string(), value));
            continue;
        }
        let (head, value) = line.split_once(':').ok_or_else(|| {
            invalid(line_no, "expected `KIND: VALUE`, `define NAME = REGEX` or `[section]`".into())
        })?;
        let mut words = head.split_whitespace();
        let kind = words.next().unwrap_or_default().to_string();
        if kind.is_empty() || !kind.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
            return Err(invalid(
                line_no,
                format!("`{head}` is not a rule kind (lower-case word before `:`)"),
            ));
        }
        let mut params = Vec::new();
        for word in words {
            let (key, number) = word
                .split_once('=')
                .ok_or_else(|| invalid(line_no, format!("parameter `{word}` must be key=NUMBER")))?;
            let number: usize = number
                .parse()
                .map_err(|_| invalid(line_no, format!("parameter `{word}` must be key=NUMBER")))?;
            params.push((key.to_string(), number));
        }
        let value = expand(value.trim(), &defines);
        if value.is_empty() {
            return Err(invalid(line_no, format!("rule `{kind}` has an empty value")));
        }
        entries.push(Entry::Rule { line: line_no, kind, params, value });
    }
    Ok(entries)
}

/// Replaces each `{NAME}` of a known define by its regex, grouped.
fn expand(value: &str, defines: &[(String, String)]) -> String {
    let mut out = value.to_string();
    // Later defines may use earlier ones (already expanded), so one pass per define suffices.
    for (name, regex) in defines.iter().rev() {
        let placeholder = format!("{{{name}}}");
        if out.contains(&placeholder) {
            out = out.replace(&placeholder, &format!("(?:{regex})"));
        }
    }
    out
}

/// How a compiled rule regex is anchored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Anchor {
    /// Must match the whole paragraph.
    Whole,
    /// May match anywhere.
    Search,
}

/// Compiles one rule regex; an invalid pattern is a `LexiconError::Invalid` at its line.
pub(crate) fn compile(file: &str, line: usize, pattern: &str, anchor: Anchor) -> Result<Regex, LexiconError> {
    let pattern = &ascii_word_boundaries(pattern);
    let full = match anchor {
        Anchor::Whole => format!("^(?:{pattern})$"),
        Anchor::Search => pattern.to_string(),
    };
    RegexBuilder::new(&full)
        // Rules are Unicode-aware and short; the limits only guard against a pathological rule.
        .size_limit(32 << 20)
        .dfa_size_limit(32 << 20)
        .build()
        .map_err(|e| LexiconError::Invalid {
            file: file.to_string(),
            line,
            message: format!("bad regex: {e}"),
        })
}

/// Rewrites `\b` as the ASCII word boundary `(?-u:\b)`.
///
/// A Unicode `\b` makes the regex crate's fast DFA give up on any non-ASCII text (typographic
/// quotes are everywhere in news), falling back to a much slower engine; measured here it made
/// normalization three times slower. The rule words are English, so an ASCII boundary means the
/// same thing for them.
fn ascii_word_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push_str("(?-u:\\b)"),
            Some(escaped) => {
                out.push('\\');
                out.push(escaped);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// The value of a `key=N` parameter, or `default`.
pub(crate) fn param(params: &[(String, usize)], key: &str, default: usize) -> usize {
    params.iter().find(|(k, _)| k == key).map(|(_, v)| *v).unwrap_or(default)
}

/// Rejects parameters a rule kind does not know, so a typo is not silently ignored.
pub(crate) fn check_params(
    file: &str,
    line: usize,
    params: &[(String, usize)],
    allowed: &[&str],
) -> Result<(), LexiconError> {
    match params.iter().find(|(k, _)| !allowed.contains(&k.as_str())) {
        Some((k, _)) => Err(LexiconError::Invalid {
            file: file.to_string(),
            line,
            message: format!("unknown parameter `{k}` (allowed: {})", allowed.join(", ")),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sections_defines_and_rules() {
        let text = "# c\n\ndefine AG = Reuters|AP\n[generic]\nline maxlen=50: Photo: {AG}\n[outlet The Times]\nwhen: The Times\n";
        let entries = parse("f", text).unwrap();
        assert_eq!(entries[0], Entry::Section { line: 4, outlet: None });
        assert_eq!(
            entries[1],
            Entry::Rule {
                line: 5,
                kind: "line".into(),
                params: vec![("maxlen".into(), 50)],
                value: "Photo: (?:Reuters|AP)".into()
            }
        );
        assert_eq!(entries[2], Entry::Section { line: 6, outlet: Some("The Times".into()) });
    }

    #[test]
    fn errors_name_the_line() {
        for bad in ["x\n", "[weird]\n", "line maxlen=a: x\n", "Line: x\n", "define bad = x\n", "line:\n"] {
            let text = format!("# first\n{bad}");
            match parse("b.txt", &text) {
                Err(LexiconError::Invalid { file, line, .. }) => {
                    assert_eq!(file, "b.txt");
                    assert_eq!(line, 2, "{bad}");
                }
                other => panic!("{bad:?} gave {other:?}"),
            }
        }
        assert!(matches!(compile("f", 3, "(", Anchor::Whole), Err(LexiconError::Invalid { line: 3, .. })));
    }

    #[test]
    fn word_boundaries_become_ascii() {
        assert_eq!(ascii_word_boundaries(r"\bcookies?\b|\\b|\d"), r"(?-u:\b)cookies?(?-u:\b)|\\b|\d");
        let re = compile("f", 1, r".*\bcookies\b.*", Anchor::Whole).unwrap();
        assert!(re.is_match("We use cookies \u{2013} accept?"));
        assert!(!re.is_match("We use cookiesx"));
    }
}
