//! The reduce side: read the shards in order, decide duplicates across the whole corpus, and
//! stream the kept documents' rows to the release writers. Only the dedup keys of the corpus are
//! held in memory; texts and rows pass through one document at a time.

use std::path::Path;

use indicatif::ProgressBar;

use crate::dedup::{self, DocKey, DupKind};
use crate::error::PipelineError;
use crate::ingest::RejectReason;
use crate::model::{Duplicate, Reject};
use crate::release::manifest::{input_digest, source_date, CodeVersion, Counts, Manifest};
use crate::release::{self, publish, Published, ReleaseWriter};
use crate::shard::{self, Record};

/// What a reduce wrote.
#[derive(Debug, Clone)]
pub struct ReduceSummary {
    pub manifest: Manifest,
    pub published: Published,
}

fn reject_order(r: &Reject) -> (&str, Option<i64>) {
    (&r.source_path, r.source_item)
}

/// Reduces the complete shards of `work` into the release `out/version`.
/// `progress` counts documents written (hidden when nobody watches).
pub fn reduce(work: &Path, out: &Path, version: &str, progress: &ProgressBar) -> Result<ReduceSummary, PipelineError> {
    let shards = shard::complete_shards(work)?;
    let config = shard::read_config(&shards)?;
    let mut keys: Vec<DocKey> = Vec::new();
    for dir in &shards {
        shard::read_lines(&dir.join("keys.jsonl"), |k: DocKey| {
            keys.push(k);
            Ok(())
        })?;
    }
    progress.set_message("dedup");
    let decisions = dedup::decide(&keys, &config.dedup);
    progress.set_message("write");
    progress.set_position(0);
    progress.set_length(keys.len() as u64);

    let staging = release::scratch_dir(out, "staging", version)?;
    let mut writer = ReleaseWriter::create(staging.path(), version)?;
    let mut counts = Counts::default();
    // Sidecar rejects are few (one per bad metadata row); they are merged into the stream of
    // article rejects, which arrives in release order, so no reject is held beyond them.
    let mut sidecar: Vec<Reject> = Vec::new();
    for dir in &shards {
        shard::read_lines(&dir.join(shard::SIDECAR_PROBLEMS), |r: Reject| {
            sidecar.push(r);
            Ok(())
        })?;
    }
    for r in &sidecar {
        counts.metadata_problems += 1;
        *counts.rejects_by_reason.entry(r.reason.clone()).or_default() += 1;
    }
    sidecar.sort_by(|a, b| reject_order(a).cmp(&reject_order(b)));
    let mut sidecar = sidecar.into_iter().peekable();
    let mut raw_digests: Vec<String> = keys.iter().map(|k| k.raw_sha256.clone()).collect();
    let mut doc_index = 0usize;
    for dir in &shards {
        shard::read_lines(&dir.join("records.jsonl"), |record: Record| {
            match record {
                Record::Doc(rec) => {
                    progress.inc(1);
                    let i = doc_index;
                    doc_index += 1;
                    counts.articles_in += 1;
                    match decisions.get(i).cloned().flatten() {
                        None => {
                            counts.kept += 1;
                            writer.document(&rec)?;
                        }
                        Some(dropped) => {
                            counts.duplicates += 1;
                            match dropped.kind {
                                DupKind::ExactRaw => counts.exact_raw_duplicates += 1,
                                DupKind::ExactText => counts.exact_text_duplicates += 1,
                                DupKind::Near => counts.near_duplicates += 1,
                            }
                            let d = &rec.document;
                            writer.duplicate(&Duplicate {
                                source_path: d.source_path.clone(),
                                source_item: d.source_item,
                                raw_sha256: d.raw_sha256.clone(),
                                kind: dropped.kind.code().to_owned(),
                                kept_doc_id: keys[dropped.kept].doc_id.clone(),
                                similarity: dropped.similarity,
                            })?;
                        }
                    }
                }
                Record::Reject(r) => {
                    if RejectReason::is_metadata_problem(&r.reason) {
                        counts.metadata_problems += 1;
                    } else {
                        counts.articles_in += 1;
                        counts.rejects += 1;
                        if let Some(raw) = &r.raw_sha256 {
                            raw_digests.push(raw.clone());
                        }
                    }
                    *counts.rejects_by_reason.entry(r.reason.clone()).or_default() += 1;
                    while let Some(p) = sidecar.next_if(|p| reject_order(p) < reject_order(&r)) {
                        writer.reject(&p)?;
                    }
                    writer.reject(&r)?;
                }
            }
            Ok(())
        })?;
    }
    if doc_index != keys.len() {
        return Err(PipelineError::Shards(format!("the shards hold {} keys but {doc_index} documents", keys.len())));
    }
    for p in sidecar {
        writer.reject(&p)?;
    }
    let manifest = Manifest {
        name: "casualty-corpus".to_owned(),
        release_version: version.to_owned(),
        code_version: CodeVersion::current(),
        created: source_date(),
        input_digest: input_digest(raw_digests),
        counts,
        configuration: serde_json::json!({ "ingest": config.ingest, "dedup": config.dedup }),
        lexicons: config.lexicons,
        table_rows: Default::default(),
        files: Vec::new(),
    };
    let manifest = writer.finish(manifest)?;
    let published = publish(staging.path(), out, version)?;
    if published == Published::Written {
        // The staging directory was renamed away; nothing is left for the guard to remove.
        let _ = staging.keep();
    }
    Ok(ReduceSummary { manifest, published })
}
