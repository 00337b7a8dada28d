//! The command line: what the user typed (clap derive), turned into the library's options.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::dedup::{DedupOptions, MinHashOptions};
use crate::ingest::IngestOptions;

#[derive(Debug, Parser)]
#[command(name = "casualty-corpus", version, about = "Turn news articles into an annotated, versioned corpus of war-casualty reporting")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print nothing but errors.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print configuration, lexicon digests and per-stage details.
    #[arg(long, short, global = true)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build a release from input articles.
    #[command(after_help = "Example:\n  casualty-corpus build --input data/raw --out data/releases --release-version 0.1.0")]
    Build(BuildArgs),
    /// Process one shard of the input into a work directory (the map half of a build).
    #[command(after_help = "Example:\n  casualty-corpus map --input data/raw --shard 2/4 --work /shared/work")]
    Map(MapArgs),
    /// Decide duplicates across all shards of a work directory and write the release (the reduce half).
    #[command(after_help = "Example:\n  casualty-corpus reduce --work /shared/work --out data/releases --release-version 0.1.0")]
    Reduce(ReduceArgs),
    /// Check a release: every checksum, no missing or extra file, every table against its JSON Schema.
    #[command(after_help = "Example:\n  casualty-corpus verify data/releases/0.1.0")]
    Verify { release: PathBuf },
    /// Summarize a release: rows per table, claims by outcome, qualifier and source type, top sources.
    #[command(after_help = "Example:\n  casualty-corpus stats data/releases/0.1.0 --json")]
    Stats {
        release: PathBuf,
        /// Print one JSON object instead of the readable summary.
        #[arg(long)]
        json: bool,
    },
    /// Write the release report (one self-contained HTML page) of an existing release again.
    /// A released version is never modified: the page is written beside it, to DIR/V.report.html
    /// by default (not DIR/V/report.html, which a build writes into every new release).
    #[command(after_help = "Example:\n  casualty-corpus report data/releases/0.1.0            # writes data/releases/0.1.0.report.html\n  casualty-corpus report data/releases/0.1.0 --out /tmp/report.html")]
    Report {
        release: PathBuf,
        /// Where to write the page (default: DIR/V.report.html beside the release; never inside it).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Score a release's extraction against gold annotations (codebook section 6).
    #[command(after_help = "Example:\n  casualty-corpus eval --release data/releases/0.1.0 --gold tests/gold/seeds.jsonl --json")]
    Eval {
        #[arg(long)]
        release: PathBuf,
        #[arg(long)]
        gold: PathBuf,
        /// Print one JSON object instead of the readable report.
        #[arg(long)]
        json: bool,
    },
}

/// Options of the per-document stages, shared by `build` and `map`.
#[derive(Debug, Args)]
pub struct StageArgs {
    /// Input directories (searched recursively) and files: .txt, .jsonl[.gz|.zst], .csv[.gz|.zst].
    #[arg(long, required = true, num_args = 1..)]
    pub input: Vec<PathBuf>,
    /// Metadata sidecar; defaults to metadata.csv inside each input directory.
    #[arg(long)]
    pub metadata: Option<PathBuf>,
    /// Directory of lexicon files replacing the built-in ones (a copy of data/lexicons).
    #[arg(long)]
    pub lexicons: Option<PathBuf>,
    /// Largest article read, in bytes (after decompression); larger ones are rejected as too_large.
    #[arg(long, default_value_t = IngestOptions::default().max_article_bytes)]
    pub max_article_bytes: u64,
    /// Uncompressed JSON Lines files larger than this many bytes are read in parts (whole lines).
    #[arg(long, default_value_t = IngestOptions::default().split_bytes, hide = true)]
    pub split_bytes: u64,
    /// Estimated Jaccard similarity at or above which two articles are near duplicates.
    #[arg(long, default_value_t = 0.8)]
    pub near_dup_threshold: f64,
    /// Worker threads (default: all cores). Never changes the output.
    #[arg(long)]
    pub threads: Option<usize>,
}

impl StageArgs {
    pub fn ingest(&self) -> IngestOptions {
        IngestOptions { max_article_bytes: self.max_article_bytes, split_bytes: self.split_bytes }
    }
    pub fn dedup(&self) -> DedupOptions {
        DedupOptions { near_dup_threshold: self.near_dup_threshold, minhash: MinHashOptions::default() }
    }
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub stages: StageArgs,
    /// Directory of releases; the release is written to OUT/VERSION.
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long)]
    pub release_version: String,
}

#[derive(Debug, Args)]
pub struct MapArgs {
    #[command(flatten)]
    pub stages: StageArgs,
    /// K/N: the K-th (1-based) of N shards of the sorted input.
    #[arg(long)]
    pub shard: crate::shard::ShardSpec,
    #[arg(long)]
    pub work: PathBuf,
}

#[derive(Debug, Args)]
pub struct ReduceArgs {
    #[arg(long)]
    pub work: PathBuf,
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long)]
    pub release_version: String,
    /// Worker threads (default: all cores). Never changes the output.
    #[arg(long)]
    pub threads: Option<usize>,
}

/// A release version names a directory: keep it to safe characters.
pub fn check_version(v: &str) -> Result<(), String> {
    let ok = !v.is_empty() && !v.starts_with('.') && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'+'));
    if ok {
        Ok(())
    } else {
        Err(format!("release version {v:?} must be 1-64 characters of letters, digits, '.', '-', '_', '+', not starting with '.'"))
    }
}
