//! Shards and the intermediate files between map and reduce.
//!
//! A shard is a contiguous range of the sorted input files, so reading shards 1..N in order gives
//! the rows in the codebook's order. Each shard directory `shards/K-of-N/` holds
//! `config.json`, `keys.jsonl` (the dedup key of each document), `records.jsonl` (each item's
//! document and rows, or its reject, in input order), `sidecar_problems.jsonl` (the metadata
//! sidecars' rejects, in shard 1 only), `stats.json`, and `COMPLETE`, written last by an atomic
//! rename.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::dedup::DocKey;
use crate::error::PipelineError;
use crate::ingest::InputFile;
use crate::model::{Claim, Document, NamedCasualty, Reject, Sentence, Statement};
use crate::stats::MapStats;

pub const COMPLETE_MARKER: &str = "COMPLETE";
pub const SIDECAR_PROBLEMS: &str = "sidecar_problems.jsonl";

/// The K-th (1-based) of N shards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardSpec {
    pub index: usize,
    pub count: usize,
}

impl std::str::FromStr for ShardSpec {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (k, n) = s.split_once('/').ok_or_else(|| format!("shard {s:?} is not K/N"))?;
        let index: usize = k.trim().parse().map_err(|_| format!("shard index {k:?} is not a number"))?;
        let count: usize = n.trim().parse().map_err(|_| format!("shard count {n:?} is not a number"))?;
        if count == 0 || index == 0 || index > count {
            return Err(format!("shard {s:?}: K must be between 1 and N"));
        }
        Ok(ShardSpec { index, count })
    }
}

impl ShardSpec {
    pub fn dir_name(&self) -> String {
        format!("{}-of-{}", self.index, self.count)
    }

    /// This shard's contiguous share of the sorted files, balanced by bytes: a file belongs to
    /// the shard its first byte falls in (each file weighs at least one byte).
    pub fn files<'a>(&self, files: &'a [InputFile]) -> &'a [InputFile] {
        let weights: Vec<u128> = files.iter().map(|f| u128::from(f.bytes.max(1))).collect();
        let total: u128 = weights.iter().sum();
        let (n, k) = (self.count as u128, self.index as u128);
        let mut start: u128 = 0;
        let (mut lo, mut hi) = (files.len(), files.len());
        for (i, w) in weights.iter().enumerate() {
            let shard = start * n / total.max(1) + 1;
            if shard == k && lo == files.len() {
                lo = i;
            }
            if shard > k {
                hi = i;
                break;
            }
            start += w;
        }
        if lo > hi {
            lo = hi;
        }
        &files[lo..hi]
    }
}

/// The configuration a shard was mapped with; every shard of a reduce must agree, and the
/// manifest records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardConfig {
    pub ingest: crate::ingest::IngestOptions,
    pub dedup: crate::dedup::DedupOptions,
    pub lexicons: std::collections::BTreeMap<String, String>,
}

/// A document and its extracted rows, as map leaves them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocRecord {
    pub document: Document,
    pub sentences: Vec<Sentence>,
    pub claims: Vec<Claim>,
    pub named_casualties: Vec<NamedCasualty>,
    pub statements: Vec<Statement>,
}

/// One line of `records.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Record {
    Doc(Box<DocRecord>),
    Reject(Reject),
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> PipelineError + '_ {
    move |source| PipelineError::Io { path: path.to_owned(), source }
}

/// Writes one shard's intermediate files.
pub struct ShardWriter {
    dir: PathBuf,
    keys: BufWriter<File>,
    records: BufWriter<File>,
    sidecar_problems: BufWriter<File>,
}

impl ShardWriter {
    /// Starts the shard afresh: whatever an interrupted run left there is removed.
    pub fn create(work: &Path, shard: ShardSpec, config: &ShardConfig) -> Result<ShardWriter, PipelineError> {
        let dir = work.join("shards").join(shard.dir_name());
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(io_err(&dir))?;
        }
        std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        let config_path = dir.join("config.json");
        let json = serde_json::to_vec_pretty(config).map_err(|e| PipelineError::Io { path: config_path.clone(), source: e.into() })?;
        std::fs::write(&config_path, json).map_err(io_err(&config_path))?;
        let open = |name: &str| -> Result<BufWriter<File>, PipelineError> {
            let p = dir.join(name);
            Ok(BufWriter::with_capacity(1 << 20, File::create(&p).map_err(io_err(&p))?))
        };
        Ok(ShardWriter { keys: open("keys.jsonl")?, records: open("records.jsonl")?, sidecar_problems: open(SIDECAR_PROBLEMS)?, dir })
    }

    pub fn write(&mut self, record: &Record, key: Option<&DocKey>) -> Result<(), PipelineError> {
        if let Some(key) = key {
            write_line(&mut self.keys, key, &self.dir.join("keys.jsonl"))?;
        }
        write_line(&mut self.records, record, &self.dir.join("records.jsonl"))
    }

    /// A reject of a metadata sidecar row: it sorts among the inputs by the sidecar's path, so
    /// reduce merges these into the stream of rejects.
    pub fn write_sidecar_problem(&mut self, problem: &Reject) -> Result<(), PipelineError> {
        write_line(&mut self.sidecar_problems, problem, &self.dir.join(SIDECAR_PROBLEMS))
    }

    /// Flushes everything to disk, writes the stats, then the completion marker.
    pub fn finish(mut self, stats: &MapStats) -> Result<(), PipelineError> {
        for (w, name) in [(&mut self.keys, "keys.jsonl"), (&mut self.records, "records.jsonl"), (&mut self.sidecar_problems, SIDECAR_PROBLEMS)] {
            let p = self.dir.join(name);
            w.flush().map_err(io_err(&p))?;
            w.get_ref().sync_all().map_err(io_err(&p))?;
        }
        let stats_path = self.dir.join("stats.json");
        let json = serde_json::to_vec_pretty(stats).map_err(|e| PipelineError::Io { path: stats_path.clone(), source: e.into() })?;
        std::fs::write(&stats_path, json).map_err(io_err(&stats_path))?;
        let tmp = self.dir.join(format!("{COMPLETE_MARKER}.tmp"));
        std::fs::write(&tmp, b"complete\n").map_err(io_err(&tmp))?;
        let marker = self.dir.join(COMPLETE_MARKER);
        std::fs::rename(&tmp, &marker).map_err(io_err(&marker))
    }
}

fn write_line<T: Serialize>(w: &mut BufWriter<File>, value: &T, path: &Path) -> Result<(), PipelineError> {
    serde_json::to_writer(&mut *w, value).map_err(|e| PipelineError::Io { path: path.to_owned(), source: e.into() })?;
    w.write_all(b"\n").map_err(io_err(path))
}

/// Whether a shard's map finished.
pub fn is_complete(work: &Path, shard: ShardSpec) -> bool {
    work.join("shards").join(shard.dir_name()).join(COMPLETE_MARKER).is_file()
}

/// The complete shard directories of a work directory, in shard order; an error when a shard is
/// missing or incomplete, or when shards of different N are mixed.
pub fn complete_shards(work: &Path) -> Result<Vec<PathBuf>, PipelineError> {
    let root = work.join("shards");
    let entries = std::fs::read_dir(&root).map_err(io_err(&root))?;
    let mut specs = Vec::new();
    for e in entries {
        let e = e.map_err(io_err(&root))?;
        let name = e.file_name().to_string_lossy().into_owned();
        let Some((k, n)) = name.split_once("-of-") else { continue };
        let (Ok(k), Ok(n)) = (k.parse::<usize>(), n.parse::<usize>()) else { continue };
        specs.push(ShardSpec { index: k, count: n });
    }
    let Some(count) = specs.first().map(|s| s.count) else {
        return Err(PipelineError::Shards(format!("{} holds no shards", root.display())));
    };
    if specs.iter().any(|s| s.count != count) {
        return Err(PipelineError::Shards(format!("{} mixes shards of different N; use a fresh work directory", root.display())));
    }
    (1..=count)
        .map(|index| {
            let spec = ShardSpec { index, count };
            if is_complete(work, spec) {
                Ok(root.join(spec.dir_name()))
            } else {
                Err(PipelineError::Shards(format!("shard {index}/{count} is missing or incomplete in {}", root.display())))
            }
        })
        .collect()
}

/// Reads a JSON Lines intermediate file one value at a time.
pub fn read_lines<T: for<'de> Deserialize<'de>>(path: &Path, mut each: impl FnMut(T) -> Result<(), PipelineError>) -> Result<(), PipelineError> {
    for_each_line(path, |line| {
        let value = serde_json::from_str(line).map_err(|e| corrupt(path, e))?;
        each(value)
    })
}

/// Reads an intermediate file one line at a time, unparsed (so a reader can skip lines cheaply).
pub fn for_each_line(path: &Path, mut each: impl FnMut(&str) -> Result<(), PipelineError>) -> Result<(), PipelineError> {
    let file = File::open(path).map_err(io_err(path))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).map_err(io_err(path))? == 0 {
            return Ok(());
        }
        each(&line)?;
    }
}

/// The error for an intermediate file that does not hold what map writes.
pub fn corrupt(path: &Path, e: impl std::fmt::Display) -> PipelineError {
    PipelineError::Shards(format!("{} is corrupt: {e}", path.display()))
}

/// The configuration all shards were mapped with; an error if they differ.
pub fn read_config(shards: &[PathBuf]) -> Result<ShardConfig, PipelineError> {
    let mut config: Option<ShardConfig> = None;
    for dir in shards {
        let p = dir.join("config.json");
        let bytes = std::fs::read(&p).map_err(io_err(&p))?;
        let c: ShardConfig = serde_json::from_slice(&bytes).map_err(|e| PipelineError::Shards(format!("{} is corrupt: {e}", p.display())))?;
        match &config {
            Some(first) if *first != c => {
                return Err(PipelineError::Shards(format!("{} was mapped with another configuration than shard 1", dir.display())));
            }
            Some(_) => {}
            None => config = Some(c),
        }
    }
    config.ok_or_else(|| PipelineError::Shards("no shards".into()))
}

/// The summed stats of the shards.
pub fn read_stats(shards: &[PathBuf]) -> Result<MapStats, PipelineError> {
    let mut total = MapStats::default();
    for dir in shards {
        let p = dir.join("stats.json");
        let bytes = std::fs::read(&p).map_err(io_err(&p))?;
        let s: MapStats = serde_json::from_slice(&bytes).map_err(|e| PipelineError::Shards(format!("{} is corrupt: {e}", p.display())))?;
        total += &s;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_the_files_in_order() {
        let files: Vec<InputFile> = (0..10)
            .map(|i| InputFile {
                path: PathBuf::from(format!("{i}")),
                source_path: format!("{i:02}.txt"),
                format: crate::ingest::Format::Text,
                compression: crate::ingest::Compression::None,
                meta: None,
                bytes: (i * 7 % 5) as u64,
                range: None,
            })
            .collect();
        for n in 1..=12 {
            let joined: Vec<&str> = (1..=n)
                .flat_map(|k| ShardSpec { index: k, count: n }.files(&files).iter().map(|f| f.source_path.as_str()))
                .collect();
            let all: Vec<&str> = files.iter().map(|f| f.source_path.as_str()).collect();
            assert_eq!(joined, all, "n = {n}");
        }
        assert!("0/3".parse::<ShardSpec>().is_err());
        assert!("4/3".parse::<ShardSpec>().is_err());
        assert_eq!("2/3".parse::<ShardSpec>(), Ok(ShardSpec { index: 2, count: 3 }));
    }
}
