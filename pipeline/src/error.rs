//! Errors that stop a build. Bad input is not among them: it becomes a `rejects` row.

use std::path::PathBuf;

/// A lexicon file could not be read or parsed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LexiconError {
    #[error("cannot read lexicon {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("lexicon {0} is not part of the lexicon set")]
    Missing(String),
    #[error("lexicon {file}, line {line}: {message}")]
    Invalid { file: String, line: usize, message: String },
}

/// The input paths themselves are unusable (unreadable items are rejects, not errors).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    #[error("cannot read input {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("input path {0} names no file or directory")]
    NotAFile(PathBuf),
    #[error("metadata {0} is not a regular file")]
    MetadataNotAFile(PathBuf),
    #[error("two inputs give the same source_path {source_path}: {first} and {second}")]
    SamePath { source_path: String, first: PathBuf, second: PathBuf },
}

/// A build could not complete.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PipelineError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(transparent)]
    Lexicon(#[from] LexiconError),
    #[error("work directory: {0}")]
    Shards(String),
    #[error("writing table {table}: {message}")]
    Table { table: String, message: String },
    #[error("verify: {0}")]
    Verify(String),
    #[error("release {version} already exists in {dir} with different content; choose another --release-version")]
    ReleaseExists { version: String, dir: PathBuf },
}
