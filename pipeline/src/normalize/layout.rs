//! Paragraph layout: which consecutive lines are one hard-wrapped paragraph.
//!
//! Scraped pages put one paragraph on each line, with or without blank lines between them, so
//! by default every line is a paragraph. Plain-text wires are hard-wrapped at a fixed width
//! (often 60-80 columns): there a line break inside a paragraph was forced by the width, which a
//! greedy wrapper leaves a trace of: the next line's first word would not have fitted on the
//! line (`len(line) + 1 + len(next word) > width`). A break the wrapper was not forced to make
//! (short last line of a paragraph, a heading, a list item) does not pass that test.
//!
//! A group (consecutive kept lines with no blank line between) is treated as wrapped when its
//! widest line is 40..=110 characters and at least 80% of its breaks in mid-sentence (line not
//! ending in . ! ? :) pass the test with the line at least 60% of that width; then each break
//! passing the test is joined, the others start a new paragraph. A group of two lines needs
//! more: the first line must end mid-sentence. A list item (bullet, "1.") never continues a line.

/// Narrowest and widest plausible wrap widths.
const MIN_WIDTH: usize = 40;
const MAX_WIDTH: usize = 110;

/// Splits one group of consecutive non-blank lines into paragraphs.
pub(crate) fn paragraphs(lines: &[&str]) -> Vec<String> {
    if lines.len() < 2 {
        return lines.iter().map(|l| l.to_string()).collect();
    }
    let lens: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
    let width = lens.iter().copied().max().unwrap_or(0);
    if !(MIN_WIDTH..=MAX_WIDTH).contains(&width) {
        return lines.iter().map(|l| l.to_string()).collect();
    }
    let forced: Vec<bool> = (0..lines.len() - 1)
        .map(|i| {
            let next_word = lines[i + 1].split(' ').next().map_or(0, |w| w.chars().count());
            lens[i] + 1 + next_word > width && lens[i] * 10 >= width * 6 && !starts_list_item(lines[i + 1])
        })
        .collect();
    // Breaks after a finished sentence may be paragraph ends, so only breaks in mid-sentence
    // vote: in wrapped text nearly all of them were forced by the width.
    let mid_sentence: Vec<usize> = (0..forced.len()).filter(|&i| ends_mid_sentence(lines[i])).collect();
    let forced_mid = mid_sentence.iter().filter(|&&i| forced[i]).count();
    let mut wrapped = forced_mid > 0 && forced_mid * 10 >= mid_sentence.len() * 8;
    if lines.len() == 2 {
        wrapped = wrapped && ends_mid_sentence(lines[0]);
    }
    if !wrapped {
        return lines.iter().map(|l| l.to_string()).collect();
    }
    let mut out = Vec::new();
    let mut current = lines[0].to_string();
    for (i, line) in lines.iter().enumerate().skip(1) {
        if forced[i - 1] {
            if ends_with_word_hyphen(&current) {
                // "pro-" + "Russian": a hyphenated word split at its hyphen stays one word.
                current.push_str(line);
            } else {
                current.push(' ');
                current.push_str(line);
            }
        } else {
            out.push(std::mem::take(&mut current));
            current.push_str(line);
        }
    }
    out.push(current);
    out
}

/// Bullets and numbered items start a new paragraph, never continue one.
fn starts_list_item(line: &str) -> bool {
    let mut chars = line.chars();
    match chars.next() {
        Some(
            '\u{2022}' | '\u{00B7}' | '*' | '-' | '\u{2013}' | '\u{2014}' | '\u{25AA}' | '\u{25CF}' | '>',
        ) => true,
        Some(c) if c.is_ascii_digit() => {
            let rest: String = line.chars().skip_while(char::is_ascii_digit).take(2).collect();
            rest.starts_with(". ") || rest.starts_with(") ")
        }
        _ => false,
    }
}

/// A line that stops where a sentence cannot: no final punctuation.
fn ends_mid_sentence(line: &str) -> bool {
    !line.trim_end_matches(['"', '\u{201D}', '\u{2019}', ')']).ends_with(['.', '!', '?', ':', '\u{2026}'])
}

/// "well-" (a letter then a hyphen), not " -" used as a dash.
fn ends_with_word_hyphen(text: &str) -> bool {
    let mut rev = text.chars().rev();
    rev.next() == Some('-') && rev.next().is_some_and(char::is_alphabetic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_a_wire_wrapped_at_72_columns() {
        // Python's textwrap.wrap(width=72) of two paragraphs, no blank line between them.
        let text = "MOSCOW, May 28 (Reuters) - President Vladimir Putin on Thursday declared\n\
                    all deaths of Russian soldiers during special operations to be\n\
                    classified as a state secret, a move that comes as Moscow stands accused\n\
                    of sending soldiers to fight in Ukraine.\n\
                    Putin, who has repeatedly denied any involvement of Russian troops in a\n\
                    pro-Russian rebellion there, amended a decree that had previously\n\
                    classified only deaths of servicemen during war time as secret.";
        let lines: Vec<&str> = text.lines().collect();
        let paras = paragraphs(&lines);
        assert_eq!(paras.len(), 2, "{paras:#?}");
        assert!(paras[0].contains("declared all deaths"));
        assert!(paras[0].ends_with("fight in Ukraine."));
        assert!(paras[1].contains("troops in a pro-Russian"));
        assert!(paras[1].ends_with("war time as secret."));
    }

    #[test]
    fn keeps_lists_headings_and_timestamps_apart() {
        for group in [
            vec!["17:30 EEST", "Death toll in Kharkiv rises to four"],
            vec![
                "Key events",
                "\u{2022} Ukraine and Russia exchanged 90 prisoners each in a deal mediated by the UAE",
                "\u{2022} A guided bomb strike on Kharkiv killed three people and injured a dozen",
            ],
            vec![
                "EU agrees 16th sanctions package on anniversary of invasion",
                "Kyiv marathon to go ahead despite air-raid threat",
                "Why Europe's gas prices are rising again",
            ],
            vec![
                "A Ukrainian serviceman rests in a trench near Avdiivka in the Donetsk region.",
                "Photo: Oleksandr Klymenko/Reuters",
            ],
        ] {
            assert_eq!(paragraphs(&group).len(), group.len(), "{group:?}");
        }
    }

    #[test]
    fn hyphen_at_line_end_joins_the_word() {
        let lines = [
            "The separatists' political claims are backed by Moscow, which denies well-",
            "founded reports of direct military involvement.",
        ];
        assert_eq!(paragraphs(&lines), vec![format!("{}{}", lines[0], lines[1])]);
    }
}
