//! The `metadata.csv` sidecar (codebook section 1) and the checks shared with record metadata.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::ingest::csv_records::Quotes;
use crate::ingest::RejectReason;
use crate::model::Reject;

/// Metadata of one article; a blank field is `None`, never an empty string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleMeta {
    pub outlet: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    pub published_precision: Option<String>,
}

/// A parsed sidecar: metadata by relative file path, plus the problems found in it.
#[derive(Debug, Clone, Default)]
pub struct Sidecar {
    /// The sidecar's own `source_path`, used for its rejects.
    pub source_path: String,
    pub rows: BTreeMap<String, (i64, ArticleMeta)>,
    pub problems: Vec<Reject>,
}

/// Blank or whitespace-only fields are null.
pub fn clean(field: Option<&str>) -> Option<String> {
    field.map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// Checks `published` and `published_precision`; returns the cleaned pair, or a message saying
/// what is wrong (the caller nulls the bad fields and reports `bad_metadata`).
pub fn check_dates(meta: &mut ArticleMeta) -> Option<String> {
    let published = meta.published.take();
    let precision = meta.published_precision.take();
    let granularity = match published.as_deref().map(date_granularity) {
        None => {
            return precision.map(|p| format!("published_precision {p:?} given without a published date"));
        }
        Some(None) => {
            let p = published.unwrap_or_default();
            return Some(format!("published {p:?} is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)"));
        }
        Some(Some(g)) => g,
    };
    meta.published = published;
    match precision.as_deref() {
        None => meta.published_precision = Some(granularity.to_string()),
        Some(p) if precision_rank(p).is_none() => {
            meta.published_precision = Some(granularity.to_string());
            return Some(format!("published_precision {p:?} is not day, month or year"));
        }
        Some(p) if precision_rank(p) < precision_rank(granularity) => {
            meta.published_precision = Some(granularity.to_string());
            return Some(format!(
                "published_precision {p:?} is finer than the date {:?} allows",
                meta.published.as_deref().unwrap_or_default()
            ));
        }
        Some(p) => meta.published_precision = Some(p.to_string()),
    }
    None
}

/// `day`, `month` or `year` for a valid ISO date of that shape, else `None`.
pub fn date_granularity(s: &str) -> Option<&'static str> {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize| (p.len() == len && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse::<u32>().ok()).flatten();
    let year = num(parts.first()?, 4)?;
    match parts.len() {
        1 => Some("year"),
        2 => (1..=12).contains(&num(parts[1], 2)?).then_some("month"),
        3 => {
            let month = num(parts[1], 2)?;
            let day = num(parts[2], 2)?;
            ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)).then_some("day")
        }
        _ => None,
    }
}

pub fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Finer precision ranks lower: day < month < year.
pub fn precision_rank(p: &str) -> Option<u8> {
    match p {
        "day" => Some(0),
        "month" => Some(1),
        "year" => Some(2),
        _ => None,
    }
}

fn problem(source_path: &str, item: Option<i64>, reason: RejectReason, detail: String) -> Reject {
    Reject { source_path: source_path.to_owned(), source_item: item, raw_sha256: None, reason: reason.code().into(), detail }
}

/// Reads a sidecar. A sidecar that cannot be used at all is one `bad_metadata` problem, never a
/// failed build: the articles are still read, without metadata.
pub fn read_sidecar(path: &Path, source_path: &str) -> Sidecar {
    let mut sidecar = Sidecar { source_path: source_path.to_owned(), ..Sidecar::default() };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            sidecar.problems.push(problem(source_path, None, RejectReason::BadMetadata, format!("cannot read the metadata file: {e}")));
            return sidecar;
        }
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes) {
        let detail = format!("the metadata file is {} (it starts with a byte order mark); it must be UTF-8", encoding.name());
        sidecar.problems.push(problem(source_path, None, RejectReason::BadMetadata, detail));
        return sidecar;
    }
    // The CSV reader takes a quote that is never closed as a field running to the end of the
    // file, swallowing the rows after it: that last row is reported instead.
    let open_quote = Quotes::default().feed(bytes).open();
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = match reader.headers() {
        Ok(h) => h.iter().map(|h| h.trim().to_ascii_lowercase()).collect::<Vec<_>>(),
        Err(e) => {
            sidecar.problems.push(problem(source_path, None, RejectReason::BadMetadata, format!("unreadable CSV header: {e}")));
            return sidecar;
        }
    };
    let col = |name: &str| headers.iter().position(|h| h == name);
    let Some(file_col) = col("file").or_else(|| col("id")) else {
        sidecar.problems.push(problem(source_path, None, RejectReason::BadMetadata, "the metadata file has no `file` column".into()));
        return sidecar;
    };
    let cols = [col("outlet"), col("title"), col("url"), col("published"), col("published_precision")];
    let mut records = reader.records().enumerate().peekable();
    if open_quote && records.peek().is_none() {
        sidecar.problems.push(problem(source_path, None, RejectReason::BadMetadata, "the header opens a quoted field that is never closed".into()));
    }
    while let Some((i, record)) = records.next() {
        let item = i as i64 + 1;
        if open_quote && records.peek().is_none() {
            let detail = "the row opens a quoted field that is never closed: the rest of the file was read as one row, and ignored";
            sidecar.problems.push(problem(source_path, Some(item), RejectReason::BadMetadata, detail.into()));
            continue;
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                sidecar.problems.push(problem(source_path, Some(item), RejectReason::BadMetadata, format!("malformed CSV row: {e}")));
                continue;
            }
        };
        let field = |c: Option<usize>| clean(c.and_then(|c| record.get(c)));
        let Some(file) = field(Some(file_col)) else {
            sidecar.problems.push(problem(source_path, Some(item), RejectReason::BadMetadata, "the row has no file name".into()));
            continue;
        };
        let mut meta = ArticleMeta {
            outlet: field(cols[0]),
            title: field(cols[1]),
            url: field(cols[2]),
            published: field(cols[3]),
            published_precision: field(cols[4]),
        };
        if let Some(message) = check_dates(&mut meta) {
            sidecar.problems.push(problem(source_path, Some(item), RejectReason::BadMetadata, format!("{file}: {message}; the field is left null")));
        }
        if sidecar.rows.contains_key(&file) {
            sidecar.problems.push(problem(source_path, Some(item), RejectReason::BadMetadata, format!("a second row for {file}; the first one is used")));
            continue;
        }
        sidecar.rows.insert(file, (item, meta));
    }
    sidecar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_precisions() {
        assert_eq!(date_granularity("2015-05-28"), Some("day"));
        assert_eq!(date_granularity("2015-03"), Some("month"));
        assert_eq!(date_granularity("2015"), Some("year"));
        assert_eq!(date_granularity("2015-02-29"), None);
        assert_eq!(date_granularity("2016-02-29"), Some("day"));
        assert_eq!(date_granularity("28/05/2015"), None);
        assert_eq!(date_granularity("2015-13"), None);
        let mut m = ArticleMeta { published: Some("2015-03".into()), published_precision: Some("day".into()), ..Default::default() };
        assert!(check_dates(&mut m).is_some());
        assert_eq!(m.published_precision.as_deref(), Some("month"));
        let mut m = ArticleMeta { published: Some("2015-03-01".into()), ..Default::default() };
        assert!(check_dates(&mut m).is_none());
        assert_eq!(m.published_precision.as_deref(), Some("day"));
        let mut m = ArticleMeta { published: Some("yesterday".into()), published_precision: Some("day".into()), ..Default::default() };
        assert!(check_dates(&mut m).is_some());
        assert_eq!((m.published, m.published_precision), (None, None));
    }
}
