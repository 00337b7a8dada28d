//! Boilerplate rules (`data/lexicons/boilerplate.txt`): which lines of a scraped page are site
//! furniture rather than the article.
//!
//! Rule kinds (regexes must match the WHOLE line or paragraph, after Unicode clean-up; `\b` is
//! an ASCII word boundary, see `rulefile::compile`):
//! - `line [maxlen=N]: REGEX` removes a matching line (default maxlen 300 characters: a rule
//!   never removes a long paragraph unless it says so, which keeps "Read more than ..." safe);
//! - `list [maxlen=N]: REGEX` is a list header ("Top Reads", "MOST READ", "Read more:"): it is
//!   removed with the teaser lines directly under it (same block, no blank line between, each
//!   short and without final punctuation), and with all that follows when that is at most 12
//!   teaser or boilerplate lines set off by blank lines (the end of the page);
//! - `block [maxlines=N]: START => END` removes a run from START to END, at most N non-blank
//!   lines apart (default 30); START alone is removed when END never comes;
//! - `credit [maxlen=N]: REGEX` is a photo credit ("Photo: Reuters", "Alexander Ryumin / TASS"):
//!   removed when alone on a line, stripped when it ends a caption;
//! - `credit-name: REGEX` is a bare photographer's name ("Alexei Druzhinin"): only treated as a
//!   credit where it ends a short caption-like paragraph or directly follows one, since a name
//!   alone on a line may also be a list of the dead;
//! - `when: REGEX` (outlet sections only) applies the section only to texts the regex finds.

use regex::{Regex, RegexSet};

use super::rulefile::{self, Anchor, Entry};
use crate::error::LexiconError;

const FILE: &str = "boilerplate.txt";
const DEFAULT_MAXLEN: usize = 300;
const DEFAULT_MAXLINES: usize = 30;
/// Longest line that may be a teaser under a list header.
const TEASER_MAXLEN: usize = 200;

/// A regex matched against a whole line no longer than `maxlen` characters.
#[derive(Debug, Clone)]
struct LineRule {
    re: Regex,
    maxlen: usize,
}

/// The rules of one kind in one section, with one automaton over all of them: a line is scanned
/// once, not once per rule (there are ~100 rules and every line of every article is asked).
#[derive(Debug, Clone, Default)]
struct LineRules {
    rules: Vec<LineRule>,
    set: Option<RegexSet>,
    longest: usize,
}

impl LineRules {
    fn push(&mut self, rule: LineRule) {
        self.rules.push(rule);
    }

    fn finish(&mut self) -> Result<(), regex::Error> {
        self.longest = self.rules.iter().map(|r| r.maxlen).max().unwrap_or(0);
        self.set = if self.rules.is_empty() {
            None
        } else {
            Some(regex::RegexSetBuilder::new(self.rules.iter().map(|r| r.re.as_str())).size_limit(64 << 20).dfa_size_limit(32 << 20).build()?)
        };
        Ok(())
    }

    /// The index of the first rule matching a line of `chars` characters.
    fn first(&self, line: &str, chars: usize) -> Option<usize> {
        if chars > self.longest {
            return None;
        }
        let set = self.set.as_ref()?;
        set.matches(line).iter().find(|&i| chars <= self.rules[i].maxlen)
    }

    fn any(&self, line: &str, chars: usize) -> bool {
        self.first(line, chars).is_some()
    }
}

/// A block's END and reach; its START is in the section's `block_starts`, at the same index.
#[derive(Debug, Clone)]
struct BlockRule {
    end: Regex,
    maxlines: usize,
}

/// The rules of one `[generic]` or `[outlet ...]` section.
#[derive(Debug, Clone, Default)]
struct Section {
    outlet: Option<String>,
    when: Option<Regex>,
    lines: LineRules,
    lists: LineRules,
    blocks: Vec<BlockRule>,
    /// The blocks' START rules, in the order of `blocks`.
    block_starts: LineRules,
    credits: LineRules,
    credit_names: LineRules,
}

impl Section {
    fn finish(&mut self) -> Result<(), regex::Error> {
        for rules in [&mut self.lines, &mut self.lists, &mut self.block_starts, &mut self.credits, &mut self.credit_names] {
            rules.finish()?;
        }
        Ok(())
    }
}

/// Why a line was removed; credits matter to caption detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Removal {
    Boilerplate,
    Credit,
}

/// All boilerplate rules, compiled.
#[derive(Debug, Clone)]
pub(crate) struct BoilerplateRules {
    sections: Vec<Section>,
}

/// The sections that apply to one text (outlet sections gated by their `when`).
pub(crate) struct Active<'a> {
    sections: Vec<&'a Section>,
}

impl BoilerplateRules {
    pub(crate) fn parse(text: &str) -> Result<BoilerplateRules, LexiconError> {
        let mut sections = vec![Section::default()];
        for entry in rulefile::parse(FILE, text)? {
            match entry {
                Entry::Section { outlet, .. } => sections.push(Section { outlet, ..Section::default() }),
                Entry::Rule { line, kind, params, value } => {
                    let section = sections.last_mut().ok_or_else(|| invalid(line, "no section"))?;
                    let line_rule =
                        |params: &[(String, usize)], pattern: &str| -> Result<LineRule, LexiconError> {
                            rulefile::check_params(FILE, line, params, &["maxlen"])?;
                            Ok(LineRule {
                                re: rulefile::compile(FILE, line, pattern, Anchor::Whole)?,
                                maxlen: rulefile::param(params, "maxlen", DEFAULT_MAXLEN),
                            })
                        };
                    match kind.as_str() {
                        "line" => section.lines.push(line_rule(&params, &value)?),
                        "list" => section.lists.push(line_rule(&params, &value)?),
                        "credit" => section.credits.push(line_rule(&params, &value)?),
                        "credit-name" => section.credit_names.push(line_rule(&params, &value)?),
                        "block" => {
                            rulefile::check_params(FILE, line, &params, &["maxlines"])?;
                            let (start, end) = value
                                .split_once(" => ")
                                .ok_or_else(|| invalid(line, "a block rule is `block: START => END`"))?;
                            section.block_starts.push(LineRule {
                                re: rulefile::compile(FILE, line, start.trim(), Anchor::Whole)?,
                                maxlen: DEFAULT_MAXLEN,
                            });
                            section.blocks.push(BlockRule {
                                end: rulefile::compile(FILE, line, end.trim(), Anchor::Whole)?,
                                maxlines: rulefile::param(&params, "maxlines", DEFAULT_MAXLINES),
                            });
                        }
                        "when" => {
                            rulefile::check_params(FILE, line, &params, &[])?;
                            if section.outlet.is_none() {
                                return Err(invalid(line, "`when` belongs in an [outlet ...] section"));
                            }
                            section.when = Some(rulefile::compile(FILE, line, &value, Anchor::Search)?);
                        }
                        other => {
                            return Err(invalid(
                                line,
                                &format!(
                                "unknown rule kind `{other}` (line, list, block, credit, credit-name, when)"
                            ),
                            ))
                        }
                    }
                }
            }
        }
        for section in &mut sections {
            section.finish().map_err(|e| invalid(0, &format!("rules too large to combine: {e}")))?;
        }
        Ok(BoilerplateRules { sections })
    }

    /// The sections that apply to `text` (the whole cleaned article).
    pub(crate) fn active(&self, text: &str) -> Active<'_> {
        let sections =
            self.sections.iter().filter(|s| s.when.as_ref().is_none_or(|w| w.is_match(text))).collect();
        Active { sections }
    }
}

fn invalid(line: usize, message: &str) -> LexiconError {
    LexiconError::Invalid { file: FILE.to_string(), line, message: message.to_string() }
}

impl Active<'_> {
    /// Whether a line or paragraph is boilerplate by a `line`, `list` or `credit` rule.
    pub(crate) fn removal(&self, line: &str) -> Option<Removal> {
        let chars = line.chars().count();
        let any = |pick: fn(&Section) -> &LineRules| self.sections.iter().any(|s| pick(s).any(line, chars));
        if any(|s| &s.credits) {
            Some(Removal::Credit)
        } else if any(|s| &s.lines)
            || any(|s| &s.lists)
            // A block's first line is boilerplate even alone, so a wrapped START joined in
            // step 4 goes too, and a second run finds no block to start.
            || any(|s| &s.block_starts)
        {
            Some(Removal::Boilerplate)
        } else {
            None
        }
    }

    /// Whether a line is a list header ("Top Reads", "Read more:").
    pub(crate) fn is_list_header(&self, line: &str) -> bool {
        let chars = line.chars().count();
        self.sections.iter().any(|s| s.lists.any(line, chars))
    }

    /// Whether a line is a photo credit.
    pub(crate) fn is_credit(&self, line: &str) -> bool {
        let chars = line.chars().count();
        self.sections.iter().any(|s| s.credits.any(line, chars))
    }

    /// Whether a line is a bare photographer's name.
    pub(crate) fn is_credit_name(&self, line: &str) -> bool {
        let chars = line.chars().count();
        self.sections.iter().any(|s| s.credit_names.any(line, chars))
    }

    /// If a block rule starts at `lines[i]`, the index of its last line (START alone when END
    /// does not follow within the rule's reach). Blank lines are empty strings.
    pub(crate) fn block_end(&self, lines: &[String], i: usize) -> Option<usize> {
        let first = lines.get(i)?;
        let chars = first.chars().count();
        let rule = self.sections.iter().find_map(|s| s.block_starts.first(first, chars).map(|i| &s.blocks[i]))?;
        let mut seen = 0;
        for (j, line) in lines.iter().enumerate().skip(i + 1) {
            if line.is_empty() {
                continue;
            }
            seen += 1;
            if seen > rule.maxlines {
                break;
            }
            if rule.end.is_match(line) {
                return Some(j);
            }
        }
        Some(i)
    }
}

/// A teaser under a list header: a short headline, not a sentence of the article.
pub(crate) fn is_teaser(line: &str) -> bool {
    if line.is_empty() || line.chars().count() > TEASER_MAXLEN {
        return false;
    }
    let last = line.trim_end_matches(['"', '\u{201D}', '\u{2019}', '\'', ')']).chars().last();
    !matches!(last, Some('.' | '!' | ':' | ';' | ',') | None)
}
