//! Word lists and rules a researcher may tune, kept as data in `data/lexicons/`.
//!
//! The defaults are compiled in (so the binary works from any directory); `--lexicons DIR`
//! replaces them with the files of DIR. Either way each file's SHA-256 goes into the manifest,
//! so a release says exactly which rules made it.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::LexiconError;

/// Every lexicon file the pipeline reads, with its compiled-in default.
const DEFAULTS: &[(&str, &str)] = &[
    ("boilerplate.txt", include_str!("../../data/lexicons/boilerplate.txt")),
    ("captions.txt", include_str!("../../data/lexicons/captions.txt")),
    ("extract.json", include_str!("../../data/lexicons/extract.json")),
];

/// The loaded lexicon files, by file name.
#[derive(Debug, Clone)]
pub struct LexiconSet {
    files: BTreeMap<String, String>,
}

impl LexiconSet {
    /// The lexicons compiled into the binary (a copy of `data/lexicons/` at build time).
    pub fn builtin() -> LexiconSet {
        let files = DEFAULTS.iter().map(|(n, c)| (n.to_string(), c.to_string())).collect();
        LexiconSet { files }
    }

    /// Reads every known lexicon file from `dir`; a missing or unreadable one is an error.
    pub fn from_dir(dir: &Path) -> Result<LexiconSet, LexiconError> {
        let mut files = BTreeMap::new();
        for (name, _) in DEFAULTS {
            let path = dir.join(name);
            let text = std::fs::read_to_string(&path)
                .map_err(|source| LexiconError::Read { path: path.clone(), source })?;
            files.insert(name.to_string(), text);
        }
        Ok(LexiconSet { files })
    }

    /// The text of one lexicon file.
    pub fn text(&self, name: &str) -> Result<&str, LexiconError> {
        self.files.get(name).map(String::as_str).ok_or_else(|| LexiconError::Missing(name.to_string()))
    }

    /// The non-blank lines of a line-oriented lexicon, without `#` comment lines.
    pub fn lines(&self, name: &str) -> Result<Vec<&str>, LexiconError> {
        Ok(self
            .text(name)?
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .collect())
    }

    /// SHA-256 of each file, for the manifest.
    pub fn digests(&self) -> BTreeMap<String, String> {
        self.files.iter().map(|(n, c)| (n.clone(), hex_sha256(c.as_bytes()))).collect()
    }
}

/// Lowercase hex SHA-256 of some bytes.
pub fn hex_sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lowercase hex of a byte slice.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}
