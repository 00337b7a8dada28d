//! `manifest.json`: what the release is, what it was made from and with, and the checksum of
//! every file. Nothing here may depend on how or where the build ran (codebook section 7).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::PipelineError;
use crate::lexicon::hex_sha256;

pub const MANIFEST: &str = "manifest.json";

/// The code that made a release.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodeVersion {
    pub crate_name: String,
    pub crate_version: String,
    /// The git commit the binary was built from (`-dirty` when the tree had changes).
    pub commit: String,
}

impl CodeVersion {
    pub fn current() -> CodeVersion {
        CodeVersion {
            crate_name: env!("CARGO_PKG_NAME").to_owned(),
            crate_version: env!("CARGO_PKG_VERSION").to_owned(),
            commit: env!("CASUALTY_CORPUS_COMMIT").to_owned(),
        }
    }
}

/// Article accounting: `articles_in = kept + duplicates + rejects`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    pub articles_in: u64,
    pub kept: u64,
    pub duplicates: u64,
    pub exact_raw_duplicates: u64,
    pub exact_text_duplicates: u64,
    pub near_duplicates: u64,
    pub rejects: u64,
    /// Rows of `rejects` about metadata (`bad_metadata`, `metadata_unmatched`), not articles.
    pub metadata_problems: u64,
    pub rejects_by_reason: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub rows: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub name: String,
    pub release_version: String,
    pub code_version: CodeVersion,
    /// The build time, only when `SOURCE_DATE_EPOCH` gives it (RFC 3339, UTC): no wall clock.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub created: Option<String>,
    /// SHA-256 of the sorted `raw_sha256` of every article input, one per line.
    pub input_digest: String,
    pub counts: Counts,
    pub configuration: serde_json::Value,
    /// SHA-256 of each lexicon file.
    pub lexicons: BTreeMap<String, String>,
    pub table_rows: BTreeMap<String, u64>,
    pub files: Vec<FileEntry>,
}

impl Manifest {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }

    pub fn read(release: &Path) -> Result<Manifest, PipelineError> {
        let path = release.join(MANIFEST);
        let bytes = std::fs::read(&path).map_err(|source| PipelineError::Io { path: path.clone(), source })?;
        serde_json::from_slice(&bytes).map_err(|e| PipelineError::Verify(format!("{}: not a manifest: {e}", path.display())))
    }
}

/// `SOURCE_DATE_EPOCH` (seconds since 1970, UTC) as RFC 3339, if set and valid.
pub fn source_date() -> Option<String> {
    let secs: i64 = std::env::var("SOURCE_DATE_EPOCH").ok()?.trim().parse().ok()?;
    if !(0..=253_402_300_799).contains(&secs) {
        return None;
    }
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since the epoch (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Some(format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60))
}

/// The input digest from every article input's raw SHA-256.
pub fn input_digest(mut raw: Vec<String>) -> String {
    raw.sort_unstable();
    let mut joined = String::with_capacity(raw.len() * 65);
    for r in raw {
        joined.push_str(&r);
        joined.push('\n');
    }
    hex_sha256(joined.as_bytes())
}

/// [`input_digest`] of digests held as bytes, each standing for its lowercase hex (whose order
/// the bytes keep): the same value, without a string per input or the joined text.
pub fn input_digest_of_digests(mut raw: Vec<[u8; 32]>) -> String {
    use sha2::Digest as _;
    raw.sort_unstable();
    let mut hasher = sha2::Sha256::new();
    let mut line = [b'\n'; 65];
    for r in &raw {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        for (pair, b) in line.chunks_exact_mut(2).zip(r) {
            pair[0] = DIGITS[(b >> 4) as usize];
            pair[1] = DIGITS[(b & 15) as usize];
        }
        hasher.update(line);
    }
    crate::lexicon::hex(&hasher.finalize())
}

/// Every file under a release directory but the manifest, as `/`-separated relative paths in
/// byte order.
pub fn relative_files(dir: &Path) -> Result<Vec<String>, PipelineError> {
    fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) -> Result<(), PipelineError> {
        let rd = std::fs::read_dir(dir).map_err(|source| PipelineError::Io { path: dir.to_owned(), source })?;
        for e in rd {
            let e = e.map_err(|source| PipelineError::Io { path: dir.to_owned(), source })?;
            let name = e.file_name().to_string_lossy().into_owned();
            let rel = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
            if e.path().is_dir() {
                walk(&e.path(), &rel, out)?;
            } else if rel != MANIFEST {
                out.push(rel);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out)?;
    out.sort();
    Ok(out)
}

/// SHA-256 and size of a file, streamed.
pub fn file_digest(path: &Path) -> Result<(String, u64), PipelineError> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut f = std::fs::File::open(path).map_err(|source| PipelineError::Io { path: path.to_owned(), source })?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf).map_err(|source| PipelineError::Io { path: path.to_owned(), source })?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
    Ok((crate::lexicon::hex(&h.finalize()), n))
}

/// The manifest's file list: every file with its digest, and rows for tables.
pub fn list_files(dir: &Path, table_rows: &BTreeMap<String, u64>) -> Result<Vec<FileEntry>, PipelineError> {
    relative_files(dir)?
        .into_iter()
        .map(|rel| {
            let (sha256, bytes) = file_digest(&dir.join(&rel))?;
            let rows = table_of(&rel).and_then(|t| table_rows.get(t).copied());
            Ok(FileEntry { path: rel, sha256, bytes, rows })
        })
        .collect()
}

/// The table a data file holds: `parquet/x.parquet` and `csv/x.csv` hold table `x`.
pub fn table_of(rel: &str) -> Option<&str> {
    rel.strip_prefix("parquet/")
        .and_then(|r| r.strip_suffix(".parquet"))
        .or_else(|| rel.strip_prefix("csv/").and_then(|r| r.strip_suffix(".csv")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_date_epoch_is_formatted_in_utc() {
        std::env::set_var("SOURCE_DATE_EPOCH", "1700000000");
        assert_eq!(source_date().as_deref(), Some("2023-11-14T22:13:20Z"));
        std::env::set_var("SOURCE_DATE_EPOCH", "951782400");
        assert_eq!(source_date().as_deref(), Some("2000-02-29T00:00:00Z"));
        std::env::set_var("SOURCE_DATE_EPOCH", "yesterday");
        assert_eq!(source_date(), None);
        std::env::remove_var("SOURCE_DATE_EPOCH");
        assert_eq!(source_date(), None);
    }

    #[test]
    fn input_digest_of_digests_is_the_input_digest() {
        let hexes: Vec<String> = ["b", "a", "", "b", "\u{1F600}", "z"].iter().map(|s| hex_sha256(s.as_bytes())).collect();
        let bytes: Vec<[u8; 32]> = hexes.iter().map(|h| crate::dedup::parse_digest(h).unwrap()).collect();
        assert_eq!(input_digest_of_digests(bytes), input_digest(hexes));
        assert_eq!(input_digest_of_digests(Vec::new()), input_digest(Vec::new()));
    }
}
