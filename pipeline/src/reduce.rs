//! The reduce side: read the shards in order, decide duplicates across the whole corpus, and
//! stream the kept documents' rows to the release writers. Only the dedup keys of the corpus are
//! held in memory, in compact form (digests as bytes, interned paths and dates, LSH band keys:
//! ~200 bytes a document); the full MinHash signatures are re-read from the shards for the
//! documents that share a bucket or an exact group with another. Texts and rows pass through
//! one document at a time.

use std::path::Path;

use indicatif::ProgressBar;

use crate::dedup::{self, DupKind, KeyTable, Signatures};
use crate::error::PipelineError;
use crate::ingest::RejectReason;
use crate::model::{Duplicate, Reject};
use crate::release::manifest::{input_digest, input_digest_of_digests, source_date, CodeVersion, Counts, Manifest};
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
    let mut keys = KeyTable::new(&config.dedup);
    // The map's document count sizes the table (a hint only: the keys themselves are counted).
    if let Ok(stats) = shard::read_stats(&shards) {
        keys.reserve(usize::try_from(stats.documents).unwrap_or(0).min(u32::MAX as usize));
    }
    for dir in &shards {
        let path = dir.join("keys.jsonl");
        shard::read_lines(&path, |k: dedup::DocKey| keys.push(&k).map_err(|e| shard::corrupt(&path, e)))?;
    }
    // Counts first, then the message: a plain log prints its line on the message change.
    progress.set_position(0);
    progress.set_length(keys.len() as u64);
    progress.set_message("dedup");
    let decisions = dedup::decide_table(&keys, &config.dedup, |needed| read_signatures(&shards, needed, &keys))?;
    keys.drop_band_keys();
    progress.set_position(0);
    progress.set_length(keys.len() as u64);
    progress.set_message("write");

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
    // The raw digests of rejects; those of documents are in `keys`.
    let mut reject_digests: Vec<dedup::Digest> = Vec::new();
    let mut odd_reject_digests: Vec<String> = Vec::new();
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
                                kept_doc_id: keys.doc_id_hex(dropped.kept),
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
                            match dedup::parse_digest(raw) {
                                Some(d) => reject_digests.push(d),
                                None => odd_reject_digests.push(raw.clone()),
                            }
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
    drop(decisions);
    let mut raw_digests: Vec<dedup::Digest> = (0..keys.len()).map(|i| *keys.raw_sha256(i)).collect();
    drop(keys);
    raw_digests.append(&mut reject_digests);
    let input_digest = if odd_reject_digests.is_empty() {
        input_digest_of_digests(raw_digests)
    } else {
        // A reject digest that is not lowercase hex (map never writes one): the digest of strings.
        let mut all: Vec<String> = raw_digests.iter().map(|d| crate::lexicon::hex(d)).collect();
        all.append(&mut odd_reject_digests);
        input_digest(all)
    };
    let manifest = Manifest {
        name: "casualty-corpus".to_owned(),
        release_version: version.to_owned(),
        code_version: CodeVersion::current(),
        created: source_date(),
        input_digest,
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

/// The full signatures of the documents flagged in `needed` (by document index in shard order),
/// re-read from the shards' `keys.jsonl`; only the flagged lines are parsed.
fn read_signatures(shards: &[std::path::PathBuf], needed: &[bool], keys: &KeyTable) -> Result<Signatures, PipelineError> {
    #[derive(serde::Deserialize)]
    struct SignatureLine {
        raw_sha256: String,
        signature: Vec<u64>,
    }
    let mut sigs = Signatures::default();
    let mut i = 0usize;
    for dir in shards {
        let path = dir.join("keys.jsonl");
        let mut line_no = 0usize;
        shard::for_each_line(&path, |line| {
            line_no += 1;
            if needed.get(i).copied().unwrap_or(false) {
                let k: SignatureLine = serde_json::from_str(line).map_err(|e| shard::corrupt(&path, e))?;
                if dedup::parse_digest(&k.raw_sha256).as_ref() != Some(keys.raw_sha256(i)) {
                    return Err(shard::corrupt(&path, format!("line {line_no} changed while reduce read it")));
                }
                sigs.push(i, &k.signature);
            }
            i += 1;
            Ok(())
        })?;
    }
    if i != needed.len() {
        return Err(PipelineError::Shards(format!("the shards' keys changed while reduce read them ({} keys, then {i})", needed.len())));
    }
    Ok(sigs)
}
