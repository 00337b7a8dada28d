//! casualty-corpus: news articles in, an annotated, versioned research corpus of war-casualty
//! reporting out. Stages: ingest -> normalize -> dedup -> extract -> release.
//!
//! The per-document work is the map side ([`map::map_shard`]); the global dedup decision and the
//! table writing are the reduce side ([`reduce::reduce`]). [`build`] is the two in one process.

pub mod cli;
pub mod dedup;
pub mod error;
pub mod eval;
pub mod extract;
pub mod ingest;
pub mod lexicon;
pub mod map;
pub mod model;
pub mod normalize;
pub mod progress;
pub mod reduce;
pub mod release;
pub mod report;
pub mod shard;
pub mod stats;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use indicatif::ProgressBar;

use error::PipelineError;
use map::Stages;
use shard::ShardSpec;

/// What a build did, for the summary the CLI prints.
#[derive(Debug, Clone)]
pub struct BuildSummary {
    pub reduce: reduce::ReduceSummary,
    pub map_time: Duration,
    pub reduce_time: Duration,
}

/// Maps every input in this process (one shard, parallel inside), then reduces: the same code
/// path as a sharded run, so the two give the same bytes.
pub fn build(inputs: &[PathBuf], metadata: Option<&Path>, out: &Path, version: &str, stages: &Stages, progress: &ProgressBar) -> Result<BuildSummary, PipelineError> {
    let corpus = ingest::discover(inputs, metadata, &stages.ingest)?;
    let work = release::scratch_dir(out, "work", version)?;
    let started = Instant::now();
    map::map_shard(&corpus, ShardSpec { index: 1, count: 1 }, work.path(), stages, progress)?;
    let map_time = started.elapsed();
    let started = Instant::now();
    let reduce = reduce::reduce(work.path(), out, version, progress)?;
    Ok(BuildSummary { reduce, map_time, reduce_time: started.elapsed() })
}
