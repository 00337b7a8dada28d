//! The map side: every per-document step (decode, normalize, hashes, MinHash signature,
//! extraction) as one pure function, and `map_shard`, which runs it over a shard of the input
//! in parallel batches and writes the shard's intermediate files.

use std::path::Path;
use std::sync::mpsc;
use std::time::Instant;

use indicatif::ProgressBar;
use rayon::prelude::*;

use crate::dedup::{minhash, DedupOptions, DocKey};
use crate::error::PipelineError;
use crate::extract::{ExtractInput, Extractor};
use crate::ingest::{decode, formats, Content, Corpus, IngestOptions, RawItem, RejectReason};
use crate::lexicon::{hex_sha256, LexiconSet};
use crate::model::{Document, Reject};
use crate::normalize::Normalizer;
use crate::shard::{DocRecord, Record, ShardConfig, ShardSpec, ShardWriter};
use crate::stats::MapStats;

/// Items processed together: enough to keep every core busy, few enough to bound memory.
pub const BATCH_ITEMS: usize = 256;
/// A batch is also processed once its items hold this many bytes, so a file of many large
/// articles (each up to `--max-article-bytes`) is not held 256 at a time.
pub const BATCH_BYTES: usize = 64 * 1024 * 1024;

/// The bytes an item holds until it is mapped.
fn item_bytes(item: &RawItem) -> usize {
    match &item.content {
        Content::Bytes(b) => b.len(),
        Content::Text { text, .. } => text.len(),
        Content::Rejected(_, detail) => detail.len(),
    }
}

/// Whether a batch of `items` holding `bytes` is processed now.
fn batch_full(items: usize, bytes: usize) -> bool {
    items >= BATCH_ITEMS || bytes >= BATCH_BYTES
}

/// Everything the per-document work needs, compiled once.
#[derive(Debug, Clone)]
pub struct Stages {
    pub ingest: IngestOptions,
    pub dedup: DedupOptions,
    pub normalizer: Normalizer,
    pub extractor: Extractor,
    pub lexicon_digests: std::collections::BTreeMap<String, String>,
}

impl Stages {
    pub fn from_lexicons(lexicons: &LexiconSet, ingest: IngestOptions, dedup: DedupOptions) -> Result<Stages, PipelineError> {
        Ok(Stages {
            ingest,
            dedup,
            normalizer: Normalizer::from_lexicons(lexicons)?,
            extractor: Extractor::from_lexicons(lexicons)?,
            lexicon_digests: lexicons.digests(),
        })
    }

    pub fn config(&self) -> ShardConfig {
        ShardConfig { ingest: self.ingest, dedup: self.dedup, lexicons: self.lexicon_digests.clone() }
    }
}

/// The result of mapping one item: a document record (with its dedup key), a reject, and any
/// metadata problem found on the way.
pub struct Mapped {
    pub record: Record,
    pub key: Option<DocKey>,
    pub problem: Option<Reject>,
}

fn reject(item: &RawItem, raw_sha256: Option<String>, reason: RejectReason, detail: String) -> Record {
    Record::Reject(Reject {
        source_path: item.source_path.clone(),
        source_item: item.source_item,
        raw_sha256,
        reason: reason.code().into(),
        detail,
    })
}

/// Text beyond this many bytes does not change the language of a news article, and
/// detection over a whole long text was ~10% of the map's CPU (bench/results.md).
const LANGUAGE_SAMPLE_BYTES: usize = 4096;

/// Detects the language from the text's opening; `None` when it is too short or mixed to say.
fn language(text: &str) -> Option<String> {
    let mut end = text.len().min(LANGUAGE_SAMPLE_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let info = whatlang::detect(&text[..end])?;
    let code = match info.lang() {
        whatlang::Lang::Eng => "en",
        whatlang::Lang::Rus => "ru",
        whatlang::Lang::Ukr => "uk",
        whatlang::Lang::Deu => "de",
        whatlang::Lang::Fra => "fr",
        whatlang::Lang::Spa => "es",
        whatlang::Lang::Ita => "it",
        whatlang::Lang::Por => "pt",
        whatlang::Lang::Pol => "pl",
        whatlang::Lang::Ara => "ar",
        whatlang::Lang::Tur => "tr",
        whatlang::Lang::Nld => "nl",
        _ => return None,
    };
    (info.confidence() >= 0.5).then(|| code.to_owned())
}

/// One item through decode, normalize, hashing and extraction.
pub fn map_item(item: RawItem, stages: &Stages) -> Mapped {
    let (raw_sha256, decoded, note) = match &item.content {
        Content::Rejected(reason, detail) => {
            return Mapped { record: reject(&item, None, *reason, detail.clone()), key: None, problem: None };
        }
        Content::Bytes(bytes) => {
            let sha = hex_sha256(bytes);
            match decode::decode(bytes) {
                Ok(d) => (sha, d, None),
                Err((reason, detail)) => return Mapped { record: reject(&item, Some(sha), reason, detail), key: None, problem: None },
            }
        }
        Content::Text { text, metadata_note } => {
            let sha = hex_sha256(text.as_bytes());
            if text.trim().is_empty() {
                return Mapped { record: reject(&item, Some(sha), RejectReason::Empty, "the text field is empty".into()), key: None, problem: None };
            }
            (sha, decode::Decoded { text: text.clone(), encoding: "utf-8".into() }, metadata_note.clone())
        }
    };
    let problem = note.map(|detail| Reject {
        source_path: item.source_path.clone(),
        source_item: item.source_item,
        raw_sha256: Some(raw_sha256.clone()),
        reason: RejectReason::BadMetadata.code().into(),
        detail: format!("{detail}; the field is left null"),
    });
    let normalized = stages.normalizer.run(&decoded.text);
    if normalized.text.trim().is_empty() {
        return Mapped {
            record: reject(&item, Some(raw_sha256), RejectReason::Empty, "nothing is left after boilerplate removal".into()),
            key: None,
            problem,
        };
    }
    let doc_id = hex_sha256(normalized.text.as_bytes());
    let meta = &item.meta;
    let extraction = stages.extractor.run(&ExtractInput {
        doc_id: &doc_id,
        text: &normalized.text,
        paragraphs: &normalized.paragraphs,
        published: meta.published.as_deref(),
        published_precision: meta.published_precision.as_deref(),
    });
    let key = DocKey {
        raw_sha256: raw_sha256.clone(),
        doc_id: doc_id.clone(),
        published: meta.published.clone(),
        published_precision: meta.published_precision.clone(),
        source_path: item.source_path.clone(),
        source_item: item.source_item,
        signature: minhash::signature(&normalized.text, &stages.dedup.minhash),
    };
    let document = Document {
        doc_id,
        source_path: item.source_path,
        source_item: item.source_item,
        source_id: item.source_id,
        raw_sha256,
        outlet: item.meta.outlet,
        title: item.meta.title,
        url: item.meta.url,
        published: item.meta.published,
        published_precision: item.meta.published_precision,
        language: language(&normalized.text),
        encoding_detected: decoded.encoding,
        char_count: normalized.text.chars().count() as i64,
        word_count: normalized.text.split_whitespace().count() as i64,
        sentence_count: extraction.sentences.len() as i64,
        boilerplate_chars_removed: normalized.boilerplate_chars_removed,
        text: normalized.text,
    };
    let record = DocRecord {
        document,
        sentences: extraction.sentences,
        claims: extraction.claims,
        named_casualties: extraction.named_casualties,
        statements: extraction.statements,
    };
    Mapped { record: Record::Doc(Box::new(record)), key: Some(key), problem }
}

/// Maps the files of one shard into `work/shards/K-of-N/`. Items are read in order, processed in
/// parallel batches, and written in order, so the files do not depend on the thread count.
/// `progress` counts input files (a bar on a terminal, plain lines otherwise, hidden if quiet).
pub fn map_shard(corpus: &Corpus, shard: ShardSpec, work: &Path, stages: &Stages, progress: &ProgressBar) -> Result<MapStats, PipelineError> {
    let started = Instant::now();
    let mut writer = ShardWriter::create(work, shard, &stages.config())?;
    let mut stats = MapStats::default();
    if shard.index == 1 {
        for problem in &corpus.metadata_problems {
            writer.write_sidecar_problem(problem)?;
            stats.metadata_problems += 1;
        }
    }
    let files = shard.files(&corpus.files);
    progress.set_length(files.len() as u64);
    progress.set_message(format!("map {}", shard.dir_name()));
    // Three steps overlap: this thread reads, the pool maps one batch, another thread writes
    // the previous one. Channels of one batch keep it in order and bound memory to a few
    // batches. A step that stops (an error) closes its channel, which stops the others.
    let (writer, mut stats, reading) = std::thread::scope(|scope| {
        let (to_map, batches) = mpsc::sync_channel::<Vec<RawItem>>(1);
        let (to_write, mapped) = mpsc::sync_channel::<Vec<Mapped>>(1);
        let mapper = scope.spawn(move || {
            for batch in batches {
                let done: Vec<Mapped> = batch.into_par_iter().map(|item| map_item(item, stages)).collect();
                if to_write.send(done).is_err() {
                    break;
                }
            }
        });
        let writing = scope.spawn(move || -> Result<(ShardWriter, MapStats), PipelineError> {
            for batch in mapped {
                for m in batch {
                    stats.add(&m);
                    if let Some(p) = m.problem {
                        writer.write(&Record::Reject(p), None)?;
                    }
                    writer.write(&m.record, m.key.as_ref())?;
                }
            }
            Ok((writer, stats))
        });
        let reading = read_batches(files, stages, progress, &to_map);
        drop(to_map);
        // A panic in a step is a bug: it goes on as the panic it was.
        mapper.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let (writer, stats) = writing.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        Ok::<_, PipelineError>((writer, stats, reading))
    })?;
    // The writer's error comes first: a reader stopped by a closed channel has nothing to add.
    reading?;
    stats.seconds = started.elapsed().as_secs_f64();
    writer.finish(&stats)?;
    Ok(stats)
}

/// Reads the items of `files` in order and sends them in batches. A closed channel (the writer
/// stopped on an error) ends the reading quietly: the writer's error is the one to report.
fn read_batches(files: &[crate::ingest::InputFile], stages: &Stages, progress: &ProgressBar, to_map: &mpsc::SyncSender<Vec<RawItem>>) -> Result<(), PipelineError> {
    let mut batch: Vec<RawItem> = Vec::with_capacity(BATCH_ITEMS);
    let mut batch_bytes = 0usize;
    let mut open = true;
    for file in files {
        progress.inc(1);
        let read = formats::read_items(file, &stages.ingest, &mut |item| {
            batch_bytes += item_bytes(&item);
            batch.push(item);
            if batch_full(batch.len(), batch_bytes) {
                open = to_map.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ITEMS))).is_ok();
                batch_bytes = 0;
                if !open {
                    // Stops reading this file at once (a large file is not read to its end).
                    return Err(PipelineError::Shards("map stopped".to_owned()));
                }
            }
            Ok::<(), PipelineError>(())
        });
        if !open {
            return Ok(());
        }
        read?;
    }
    if !batch.is_empty() {
        let _ = to_map.send(batch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_are_bounded_in_items_and_in_bytes() {
        let text = |n: usize| RawItem {
            source_path: "a.jsonl".into(),
            source_item: Some(1),
            source_id: "1".into(),
            meta: Default::default(),
            content: Content::Text { text: " ".repeat(n), metadata_note: None },
        };
        let big = item_bytes(&text(30 << 20));
        assert_eq!(big, 30 << 20);
        assert!(!batch_full(2, 2 * big));
        assert!(batch_full(3, 3 * big), "three 30 MiB articles are mapped without waiting for 253 more");
        assert!(!batch_full(BATCH_ITEMS - 1, BATCH_ITEMS * item_bytes(&text(100))));
        assert!(batch_full(BATCH_ITEMS, 0));
    }
}
