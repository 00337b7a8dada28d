//! Time expressions as written (`last week`, `on Thursday`, `February 7`, `in 2022`) and their
//! resolution against the article's `published` date and precision.

use std::sync::OnceLock;

use regex::Regex;

const MONTHS: [&str; 12] = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
];
/// The month index of a wire-style abbreviation (`aug`, `sept`), as `time_re` accepts them.
fn month_abbreviation(w: &str) -> Option<usize> {
    match w {
        "sept" => Some(8),
        "may" => None,
        _ if w.len() == 3 => MONTHS.iter().position(|m| m.starts_with(w)),
        _ => None,
    }
}
const WEEKDAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// The regex of time expressions, longest alternatives first.
pub fn time_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // Full names, and the abbreviations of AP and wire style (`Aug. 9`, `Sept. 30`).
        let month = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.)";
        let wd = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
        let unit = "(?:week|month|year|summer|winter|spring|autumn|fall|weekend|night|morning|afternoon|evening)";
        let p = [
            format!(r"(?:earlier|later)\s+this\s+{unit}"),
            format!(r"(?:since|by)\s+the\s+(?:start|end|beginning)\s+of\s+(?:the\s+(?:year|month|war|full-scale\s+invasion|invasion)|{month}(?:\s+\d{{4}})?|\d{{4}})"),
            format!(r"since\s+(?:{month}\s+)?\d{{4}}|since\s+{month}(?:\s+\d{{1,2}})?|since\s+(?:last|early|late)\s+\w+|since\s+the\s+summer\s+of\s+\d{{4}}"),
            format!(r"(?:last|this|next|past)\s+{unit}(?:\s+and\s+(?:earlier\s+)?this\s+{unit})?"),
            format!(r"in\s+(?:early|mid|late)?-?\s*{month}(?:\s+\d{{4}})?(?:\s+and\s+{month})?(?:\s+alone)?"),
            format!(r"(?:on\s+)?{month}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"),
            format!(r"(?:on\s+)?\d{{1,2}}\s+{month}(?:\s+\d{{4}})?"),
            format!(r"(?:on|by|since|last)\s+{wd}(?:\s+(?:night|morning|afternoon|evening))?"),
            r"in\s+(?:19|20)\d{2}(?:\s+alone)?".to_string(),
            r"in\s+recent\s+(?:days|weeks|months)|in\s+the\s+(?:past|last|previous)\s+(?:\w+\s+)?(?:days?|weeks?|months?|years?|hours?)(?:\s+alone)?|over\s+the\s+(?:past|last|previous)\s+(?:\w+\s+)?(?:days?|weeks?|months?|hours?)|in\s+those\s+days".to_string(),
            r"(?:yesterday|today|tonight|overnight)(?:\s+alone)?|this\s+(?:morning|afternoon|evening)|in\s+a\s+(?:single\s+)?day(?:\s+of\s+fighting)?|in\s+more\s+than\s+a\s+year\s+of\s+fighting|by\s+\d{1,2}\s*[ap]\.?m\.?".to_string(),
            format!(r"\b{wd}\b"),
        ];
        // The fixed patterns above are valid; a failure here is a programming error caught by tests.
        Regex::new(&format!(r"\b(?:{})", p.join("|"))).unwrap_or_else(|_| Regex::new(r"\b\B").expect("trivial regex"))
    })
}

/// A parsed `published` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    pub year: i32,
    pub month: Option<u32>,
    pub day: Option<u32>,
}

/// Parses `2015-05-28`, `2015-03` or `2015`; the precision column narrows it further.
pub fn parse_published(published: Option<&str>, precision: Option<&str>) -> Option<Published> {
    let p = published?.trim();
    let mut it = p.split('-');
    let year: i32 = it.next()?.parse().ok()?;
    let month: Option<u32> = it.next().and_then(|m| m.parse().ok()).filter(|m| (1..=12).contains(m));
    let day: Option<u32> = it.next().and_then(|d| d.get(..2).unwrap_or(d).parse().ok()).filter(|d| (1..=31).contains(d));
    let (month, day) = match precision {
        Some("year") => (None, None),
        Some("month") => (month, None),
        _ => (month, if month.is_some() { day } else { None }),
    };
    Some(Published { year, month, day })
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 (proleptic Gregorian).
fn to_days(y: i32, m: u32, d: u32) -> i64 {
    let (y, m) = if m <= 2 { (y as i64 - 1, m as i64 + 9) } else { (y as i64, m as i64 - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = (yoe + era * 400 + if m <= 2 { 1 } else { 0 }) as i32;
    (y, m, d)
}

fn ymd(y: i32, m: u32, d: u32) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}
fn ym(y: i32, m: u32) -> String {
    format!("{y:04}-{m:02}")
}

/// Resolves a time expression against `published`: (event_date, precision) or None.
pub fn resolve(time_text: &str, published: Option<Published>) -> Option<(String, &'static str)> {
    let p = published?;
    let t = time_text.to_lowercase();
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.starts_with("since") || t.contains("past") || t.contains("previous") || t.contains("recent") || t.contains("those days") {
        return None;
    }
    // An explicit year.
    let year_in_text: Option<i32> = t
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 4)
        .and_then(|w| w.parse().ok())
        .filter(|y| (1900..=2100).contains(y));
    let month_in_text = t
        .split(|c: char| !c.is_alphabetic())
        .find_map(|w| MONTHS.iter().position(|m| w == *m).or_else(|| month_abbreviation(w)))
        .map(|i| i as u32 + 1);
    let day_in_text: Option<u32> = t
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter_map(|w| w.trim_end_matches(|c: char| c.is_alphabetic()).parse::<u32>().ok().filter(|_| w.len() <= 4))
        .find(|d| (1..=31).contains(d));
    if let Some(m) = month_in_text {
        if t.contains("alone") || t.starts_with("in") || day_in_text.is_none() {
            let y = year_in_text.unwrap_or_else(|| guess_year(p, m, 1));
            return Some((ym(y, m), "month"));
        }
        if let Some(d) = day_in_text {
            let y = year_in_text.unwrap_or_else(|| guess_year(p, m, d));
            if d <= days_in_month(y, m) {
                return Some((ymd(y, m, d), "day"));
            }
        }
        return None;
    }
    if let Some(y) = year_in_text {
        if t.starts_with("in ") {
            return Some((format!("{y:04}"), "year"));
        }
        return None;
    }
    let rel_month = |delta: i32| -> Option<(String, &'static str)> {
        let m = p.month? as i32 - 1 + delta;
        let y = p.year + m.div_euclid(12);
        Some((ym(y, (m.rem_euclid(12) + 1) as u32), "month"))
    };
    if t.contains("this month") {
        return rel_month(0);
    }
    if t.contains("last month") {
        return rel_month(-1);
    }
    if t.contains("this year") {
        return Some((format!("{:04}", p.year), "year"));
    }
    if t.contains("last year") {
        return Some((format!("{:04}", p.year - 1), "year"));
    }
    if t.contains("last summer") || t.contains("last winter") || t.contains("last spring") || t.contains("last autumn") || t.contains("last fall") {
        return Some((format!("{:04}", p.year - if t.contains("winter") { 0 } else { 1 }), "year"));
    }
    if t.contains("week") {
        let delta = if t.contains("last week") { -7 } else { 0 };
        return match (p.month, p.day) {
            (Some(m), Some(d)) => {
                let (y2, m2, _) = from_days(to_days(p.year, m, d) + delta);
                Some((ym(y2, m2), "month"))
            }
            (Some(m), None) => Some((ym(p.year, m), "month")),
            _ => None,
        };
    }
    let (Some(m), Some(d)) = (p.month, p.day) else {
        // Without a published day, day-relative words resolve to the published month at best.
        if t.contains("yesterday") || t.contains("today") || t.contains("overnight") || WEEKDAYS.iter().any(|w| t.contains(w)) {
            return p.month.map(|m| (ym(p.year, m), "month"));
        }
        return None;
    };
    let base = to_days(p.year, m, d);
    if t.contains("yesterday") {
        let (y, m, d) = from_days(base - 1);
        return Some((ymd(y, m, d), "day"));
    }
    if t.contains("today") || t.contains("tonight") || t.contains("overnight") || t.starts_with("this ") || t.contains("a single day") || t.contains("in a day") {
        return Some((ymd(p.year, m, d), "day"));
    }
    if let Some(wi) = WEEKDAYS.iter().position(|w| t.contains(w)) {
        // 1970-01-01 was a Thursday (index 3 with Monday = 0).
        let today = (base + 3).rem_euclid(7);
        let back = (today - wi as i64).rem_euclid(7);
        let (y, m, d) = from_days(base - back);
        return Some((ymd(y, m, d), "day"));
    }
    None
}

/// The year of a month/day written without one: the published year, or the year before when
/// that date would fall after publication.
fn guess_year(p: Published, m: u32, d: u32) -> i32 {
    match p.month {
        Some(pm) if m > pm || (m == pm && p.day.is_some_and(|pd| d > pd)) => p.year - 1,
        _ => p.year,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(t: &str, p: &str, prec: &str) -> Option<(String, &'static str)> {
        resolve(t, parse_published(Some(p), Some(prec)))
    }

    #[test]
    fn relative_weeks_are_month_precision() {
        assert_eq!(r("last week", "2018-02-14", "day"), Some(("2018-02".into(), "month")));
        assert_eq!(r("last week", "2018-02-03", "day"), Some(("2018-01".into(), "month")));
        assert_eq!(r("last week", "2018-02", "month"), Some(("2018-02".into(), "month")));
    }

    #[test]
    fn weekdays_resolve_to_the_last_one() {
        // 2024-03-14 was a Thursday.
        assert_eq!(r("on Thursday", "2024-03-14", "day"), Some(("2024-03-14".into(), "day")));
        assert_eq!(r("on Tuesday", "2024-03-14", "day"), Some(("2024-03-12".into(), "day")));
        assert_eq!(r("yesterday", "2024-03-01", "day"), Some(("2024-02-29".into(), "day")));
    }

    #[test]
    fn wire_style_month_abbreviations() {
        assert_eq!(r("on Aug. 9", "2024-08-20", "day"), Some(("2024-08-09".into(), "day")));
        assert_eq!(r("Sept. 30, 2022", "2024-08-20", "day"), Some(("2022-09-30".into(), "day")));
        assert_eq!(r("Dec. 28", "2025-01-05", "day"), Some(("2024-12-28".into(), "day")));
        let found: Vec<&str> = time_re().find_iter("killed on Feb. 24, 2022 and wounded Jan. 3").map(|m| m.as_str()).collect();
        assert_eq!(found, vec!["on Feb. 24, 2022", "Jan. 3"]);
    }

    #[test]
    fn months_days_and_years() {
        assert_eq!(r("February 7", "2018-02-14", "day"), Some(("2018-02-07".into(), "day")));
        assert_eq!(r("on December 30", "2018-02-14", "day"), Some(("2017-12-30".into(), "day")));
        assert_eq!(r("in May", "2024-06-21", "day"), Some(("2024-05".into(), "month")));
        assert_eq!(r("this month", "2015-05-28", "day"), Some(("2015-05".into(), "month")));
        assert_eq!(r("earlier this month", "2024-10-18", "day"), Some(("2024-10".into(), "month")));
        assert_eq!(r("in 2022", "2024-10-18", "day"), Some(("2022".into(), "year")));
        assert_eq!(r("last year", "2024", "year"), Some(("2023".into(), "year")));
    }

    #[test]
    fn unresolvable_is_none() {
        assert_eq!(r("in recent weeks", "2018-02-14", "day"), None);
        assert_eq!(r("since 2022", "2024-01-01", "day"), None);
        assert_eq!(resolve("last week", None), None);
        assert_eq!(r("on Thursday", "2015", "year"), None);
    }

    #[test]
    fn finds_time_expressions() {
        let re = time_re();
        let found: Vec<&str> = re.find_iter("killed last week and on Thursday, February 7, in 2022").map(|m| m.as_str()).collect();
        assert_eq!(found, vec!["last week", "on Thursday", "February 7", "in 2022"]);
    }
}
