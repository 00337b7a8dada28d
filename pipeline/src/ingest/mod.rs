//! Stage 1, ingest: find the input files, read them as a stream of items (one per article),
//! attach metadata. The only stage that touches input files; decoding is per item and pure.

pub mod csv_records;
pub mod decode;
pub mod formats;
pub mod json_record;
pub mod metadata;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::InputError;
use crate::model::Reject;
use metadata::{read_sidecar, ArticleMeta, Sidecar};

/// Why an input could not be used: the codebook's stable reason codes (section 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RejectReason {
    Empty,
    Binary,
    Undecodable,
    TooLarge,
    Truncated,
    Unreadable,
    MalformedJson,
    MalformedCsv,
    NoTextField,
    TextNotString,
    DuplicateId,
    BadMetadata,
    MetadataUnmatched,
}

impl RejectReason {
    pub fn code(self) -> &'static str {
        match self {
            RejectReason::Empty => "empty",
            RejectReason::Binary => "binary",
            RejectReason::Undecodable => "undecodable",
            RejectReason::TooLarge => "too_large",
            RejectReason::Truncated => "truncated",
            RejectReason::Unreadable => "unreadable",
            RejectReason::MalformedJson => "malformed_json",
            RejectReason::MalformedCsv => "malformed_csv",
            RejectReason::NoTextField => "no_text_field",
            RejectReason::TextNotString => "text_not_string",
            RejectReason::DuplicateId => "duplicate_id",
            RejectReason::BadMetadata => "bad_metadata",
            RejectReason::MetadataUnmatched => "metadata_unmatched",
        }
    }

    /// Metadata problems are reported beside the articles, not instead of one.
    pub fn is_metadata_problem(code: &str) -> bool {
        code == "bad_metadata" || code == "metadata_unmatched"
    }
}

/// Limits on input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IngestOptions {
    /// Largest article (file, JSONL line or CSV field) read, in bytes after decompression.
    pub max_article_bytes: u64,
    /// Uncompressed JSON Lines files larger than this are read as several units of about this
    /// many bytes (whole lines each), so one huge file is not one task. `duplicate_id` is checked
    /// within a unit.
    pub split_bytes: u64,
}

impl Default for IngestOptions {
    fn default() -> Self {
        // 8 MiB is a hundred times the longest news article, and caps the memory one
        // pathological input can take (the stages hold several copies of an article).
        IngestOptions { max_article_bytes: 8 * 1024 * 1024, split_bytes: 256 * 1024 * 1024 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Format {
    /// One article per file.
    Text,
    Jsonl,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

/// One input file, with the name it has in the release.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct InputFile {
    pub path: PathBuf,
    /// Relative to the `--input` directory, `/`-separated (codebook section 7).
    pub source_path: String,
    pub format: Format,
    pub compression: Compression,
    /// The sidecar row of a one-article file, if any.
    pub meta: Option<ArticleMeta>,
    /// Bytes of the file (of its range, for a part of a split file): the weight for sharding.
    pub bytes: u64,
    /// For a part of a split JSON Lines file: the byte range where its lines start.
    pub range: Option<(u64, u64)>,
}

impl InputFile {
    pub fn file_name(&self) -> &str {
        self.source_path.rsplit('/').next().unwrap_or(&self.source_path)
    }
}

/// What was read for one item.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// The bytes of a one-article file, still to be decoded.
    Bytes(Vec<u8>),
    /// The text of a record; `metadata_note` says what was wrong with its metadata, if anything.
    Text { text: String, metadata_note: Option<String> },
    /// The item could not be read.
    Rejected(RejectReason, String),
}

/// One article input: a file, or a record of a multi-article file.
#[derive(Debug, Clone, PartialEq)]
pub struct RawItem {
    pub source_path: String,
    pub source_item: Option<i64>,
    pub source_id: String,
    pub meta: ArticleMeta,
    pub content: Content,
}

/// The sorted input files of a corpus and the problems of their sidecars.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    pub files: Vec<InputFile>,
    /// `bad_metadata` and `metadata_unmatched` rows, in sidecar order.
    pub metadata_problems: Vec<Reject>,
}

fn classify(name: &str) -> (Format, Compression) {
    let lower = name.to_ascii_lowercase();
    let (stem, compression) = if let Some(s) = lower.strip_suffix(".gz") {
        (s.to_owned(), Compression::Gzip)
    } else if let Some(s) = lower.strip_suffix(".zst") {
        (s.to_owned(), Compression::Zstd)
    } else {
        (lower, Compression::None)
    };
    let format = if stem.ends_with(".jsonl") || stem.ends_with(".ndjson") {
        Format::Jsonl
    } else if stem.ends_with(".csv") {
        Format::Csv
    } else {
        Format::Text
    };
    (format, compression)
}

/// The sidecar is never an article; hidden files (`.DS_Store`, editor swap files) are not either.
fn is_skipped(name: &str) -> bool {
    name == "metadata.csv" || name.starts_with('.')
}

fn walk(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) -> Result<(), InputError> {
    let entries = std::fs::read_dir(dir).map_err(|source| InputError::Read { path: dir.to_owned(), source })?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| InputError::Read { path: dir.to_owned(), source })?;
        names.push(entry.file_name());
    }
    names.sort();
    for os_name in names {
        // A name that is not UTF-8 is read all the same; the release names it lossily.
        let path = dir.join(&os_name);
        let name = os_name.to_string_lossy();
        let name = name.as_ref();
        let rel = if prefix.is_empty() { name.to_owned() } else { format!("{prefix}/{name}") };
        // Symlinked directories are not followed: they can loop.
        let is_dir = std::fs::symlink_metadata(&path).map(|m| m.is_dir()).unwrap_or(false);
        if is_dir && !name.starts_with('.') {
            // A subdirectory that cannot be listed is one `unreadable` input, not a failed build.
            let mut inside = Vec::new();
            match walk(&path, &rel, &mut inside) {
                Ok(()) => out.extend(inside),
                Err(_) => out.push((rel, path)),
            }
        } else if !is_skipped(name) {
            out.push((rel, path));
        }
    }
    Ok(())
}

/// Finds every input file under `inputs` (directories recursively, files as given), sorted by
/// `source_path` byte order, and joins the sidecars' metadata to the one-article files.
pub fn discover(inputs: &[PathBuf], metadata: Option<&Path>, opts: &IngestOptions) -> Result<Corpus, InputError> {
    let mut found: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut sidecars: Vec<Sidecar> = Vec::new();
    for input in inputs {
        let meta = std::fs::metadata(input).map_err(|source| InputError::Read { path: input.clone(), source })?;
        let mut files = Vec::new();
        if meta.is_dir() {
            walk(input, "", &mut files)?;
            let sidecar = input.join("metadata.csv");
            if metadata.is_none() && sidecar.is_file() {
                sidecars.push(read_sidecar(&sidecar, "metadata.csv"));
            } else if metadata.is_none() && std::fs::symlink_metadata(&sidecar).is_ok() {
                // A directory, FIFO or broken link named metadata.csv is reported, not ignored.
                sidecars.push(Sidecar {
                    source_path: "metadata.csv".into(),
                    problems: vec![Reject {
                        source_path: "metadata.csv".into(),
                        source_item: None,
                        raw_sha256: None,
                        reason: RejectReason::BadMetadata.code().into(),
                        detail: "metadata.csv is not a regular file; no metadata was read from it".into(),
                    }],
                    ..Sidecar::default()
                });
            }
        } else {
            let name = input.file_name().map(|n| n.to_string_lossy().into_owned()).ok_or_else(|| InputError::NotAFile(input.clone()))?;
            files.push((name, input.clone()));
        }
        for (rel, path) in files {
            if let Some(previous) = found.insert(rel.clone(), path.clone()) {
                return Err(InputError::SamePath { source_path: rel, first: previous, second: path });
            }
        }
    }
    if let Some(path) = metadata {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("metadata.csv").to_owned();
        match std::fs::metadata(path) {
            Ok(m) if m.is_file() => {}
            Ok(_) => return Err(InputError::MetadataNotAFile(path.to_owned())),
            Err(source) => return Err(InputError::Read { path: path.to_owned(), source }),
        }
        found.remove(&name);
        sidecars.push(read_sidecar(path, &name));
    }
    let mut corpus = Corpus::default();
    let mut matched: BTreeMap<(usize, String), ()> = BTreeMap::new();
    for (source_path, path) in found {
        let (format, compression) = classify(&source_path);
        let mut meta = None;
        if format == Format::Text {
            for (i, sidecar) in sidecars.iter().enumerate() {
                if let Some((_, m)) = sidecar.rows.get(&source_path) {
                    meta = Some(m.clone());
                    matched.insert((i, source_path.clone()), ());
                    break;
                }
            }
        }
        let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let file = InputFile { path, source_path, format, compression, meta, bytes, range: None };
        let split = opts.split_bytes.max(1);
        if format == Format::Jsonl && compression == Compression::None && bytes > split {
            let mut start = 0;
            while start < bytes {
                let end = (start + split).min(bytes);
                corpus.files.push(InputFile { bytes: end - start, range: Some((start, end)), ..file.clone() });
                start = end;
            }
        } else {
            corpus.files.push(file);
        }
    }
    for (i, sidecar) in sidecars.into_iter().enumerate() {
        let mut problems = sidecar.problems;
        for (file, (row, _)) in &sidecar.rows {
            if !matched.contains_key(&(i, file.clone())) {
                problems.push(Reject {
                    source_path: sidecar.source_path.clone(),
                    source_item: Some(*row),
                    raw_sha256: None,
                    reason: RejectReason::MetadataUnmatched.code().into(),
                    detail: format!("the metadata row names {file}, which is not among the input articles"),
                });
            }
        }
        problems.sort_by_key(|r| r.source_item);
        corpus.metadata_problems.extend(problems);
    }
    Ok(corpus)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_extension() {
        assert_eq!(classify("a/b.jsonl.gz"), (Format::Jsonl, Compression::Gzip));
        assert_eq!(classify("x.CSV"), (Format::Csv, Compression::None));
        assert_eq!(classify("x.jsonl.zst"), (Format::Jsonl, Compression::Zstd));
        assert_eq!(classify("001.txt"), (Format::Text, Compression::None));
        assert_eq!(classify("001"), (Format::Text, Compression::None));
    }
}
