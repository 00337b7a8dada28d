//! Stage 3, dedup: the one global decision of the pipeline. Map computes per-document keys
//! (hashes, MinHash signature); `decide` groups exact and near duplicates across the whole corpus
//! and picks the copy to keep by the codebook's rule (section 7), whatever the input order.

pub mod minhash;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

pub use minhash::MinHashOptions;

/// Distinct groups compared within one LSH bucket (keeps a degenerate bucket linear).
const MAX_REPRESENTATIVES_PER_BUCKET: usize = 64;

/// Dedup configuration; recorded in the manifest.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DedupOptions {
    /// Estimated Jaccard similarity at or above which two documents are near duplicates.
    pub near_dup_threshold: f64,
    pub minhash: MinHashOptions,
}

impl Default for DedupOptions {
    fn default() -> Self {
        DedupOptions { near_dup_threshold: 0.8, minhash: MinHashOptions::default() }
    }
}

/// What reduce needs of each document to decide: small, so a whole corpus fits in memory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocKey {
    pub raw_sha256: String,
    pub doc_id: String,
    pub published: Option<String>,
    pub published_precision: Option<String>,
    pub source_path: String,
    pub source_item: Option<i64>,
    pub signature: Vec<u64>,
}

impl DocKey {
    /// The codebook's keep order: dated before undated, earlier first (padded to the first day),
    /// finer precision first, then by source path and item.
    fn keep_order(&self) -> (bool, String, u8, &str, Option<i64>) {
        let padded = match self.published.as_deref() {
            Some(p) if p.len() == 4 => format!("{p}-01-01"),
            Some(p) if p.len() == 7 => format!("{p}-01"),
            Some(p) => p.to_owned(),
            None => String::new(),
        };
        let precision = self.published_precision.as_deref().and_then(crate::ingest::metadata::precision_rank).unwrap_or(3);
        (self.published.is_none(), padded, precision, &self.source_path, self.source_item)
    }
}

/// How a dropped document relates to the kept one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DupKind {
    ExactRaw,
    ExactText,
    Near,
}

impl DupKind {
    pub fn code(self) -> &'static str {
        match self {
            DupKind::ExactRaw => "exact_raw",
            DupKind::ExactText => "exact_text",
            DupKind::Near => "near",
        }
    }
}

/// The decision for one dropped document.
#[derive(Debug, Clone, PartialEq)]
pub struct Dropped {
    pub kind: DupKind,
    pub kept: usize,
    pub similarity: f64,
}

struct UnionFind(Vec<usize>);

impl UnionFind {
    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        // The smaller index becomes the root, so the structure does not depend on union order.
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.0[hi] = lo;
        }
    }
}

/// Decides, for every document, whether it is kept (`None`) or dropped as a duplicate of another.
/// The result depends only on the set of keys: groups are connected components, and the kept
/// member is the one with the smallest keep order.
pub fn decide(keys: &[DocKey], opts: &DedupOptions) -> Vec<Option<Dropped>> {
    let n = keys.len();
    let mut uf = UnionFind((0..n).collect());
    let mut first_by_raw: HashMap<&str, usize> = HashMap::new();
    let mut first_by_text: HashMap<&str, usize> = HashMap::new();
    for (i, k) in keys.iter().enumerate() {
        if let Some(&j) = first_by_raw.get(k.raw_sha256.as_str()) {
            uf.union(i, j);
        } else {
            first_by_raw.insert(&k.raw_sha256, i);
        }
        if let Some(&j) = first_by_text.get(k.doc_id.as_str()) {
            uf.union(i, j);
        } else {
            first_by_text.insert(&k.doc_id, i);
        }
    }
    // LSH: only documents sharing a band bucket are compared, so cost grows with the corpus,
    // not its square. Within a bucket each document is verified against one member of each
    // component already seen there.
    let band_keys: Vec<Vec<u64>> = keys
        .iter()
        .map(|k| if k.signature.len() == opts.minhash.num_hashes() { minhash::band_keys(&k.signature, &opts.minhash) } else { Vec::new() })
        .collect();
    for band in 0..opts.minhash.bands {
        let mut buckets: HashMap<u64, Vec<usize>> = HashMap::new();
        for (i, bk) in band_keys.iter().enumerate() {
            if let Some(&key) = bk.get(band) {
                buckets.entry(key).or_default().push(i);
            }
        }
        let mut bucket_keys: Vec<u64> = buckets.keys().copied().collect();
        bucket_keys.sort_unstable();
        for bk in bucket_keys {
            let members = &buckets[&bk];
            if members.len() < 2 {
                continue;
            }
            let mut reps: Vec<usize> = Vec::new();
            for &i in members {
                let mut joined = false;
                for &r in &reps {
                    if uf.find(r) == uf.find(i) {
                        joined = true;
                        break;
                    }
                    if minhash::estimate(&keys[i].signature, &keys[r].signature) >= opts.near_dup_threshold {
                        uf.union(i, r);
                        joined = true;
                        break;
                    }
                }
                // A bucket shared by many unrelated documents (very short texts) would make this
                // quadratic: past the cap, new components are not compared in this band.
                if !joined && reps.len() < MAX_REPRESENTATIVES_PER_BUCKET {
                    reps.push(i);
                }
            }
        }
    }
    let mut kept_of_root: HashMap<usize, usize> = HashMap::new();
    for i in 0..n {
        let root = uf.find(i);
        let best = kept_of_root.entry(root).or_insert(i);
        if keys[i].keep_order() < keys[*best].keep_order() {
            *best = i;
        }
    }
    (0..n)
        .map(|i| {
            let kept = kept_of_root[&uf.find(i)];
            if kept == i {
                return None;
            }
            let (a, b) = (&keys[i], &keys[kept]);
            Some(if a.raw_sha256 == b.raw_sha256 {
                Dropped { kind: DupKind::ExactRaw, kept, similarity: 1.0 }
            } else if a.doc_id == b.doc_id {
                Dropped { kind: DupKind::ExactText, kept, similarity: 1.0 }
            } else {
                Dropped { kind: DupKind::Near, kept, similarity: minhash::estimate(&a.signature, &b.signature) }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(path: &str, raw: &str, text: &str, published: Option<&str>) -> DocKey {
        DocKey {
            raw_sha256: raw.into(),
            doc_id: crate::lexicon::hex_sha256(text.as_bytes()),
            published: published.map(Into::into),
            published_precision: published.map(|p| crate::ingest::metadata::date_granularity(p).unwrap_or("day").to_owned()),
            source_path: path.into(),
            source_item: None,
            signature: minhash::signature(text, &MinHashOptions::default()),
        }
    }

    fn story(extra: &str) -> String {
        let base: String = (0..300).map(|i| format!("word{i} ")).collect();
        format!("{base}{extra}")
    }

    #[test]
    fn keeps_earliest_dated_copy_whatever_the_order() {
        let keys = vec![
            key("a.txt", "r1", &story(""), None),
            key("b.txt", "r2", &story(""), Some("2015-05")),
            key("c.txt", "r3", &story("one more sentence here"), Some("2015-05-28")),
            key("d.txt", "r4", "a different story entirely about something else", Some("2014")),
        ];
        let d = decide(&keys, &DedupOptions::default());
        // b (2015-05 padded to 05-01) is earliest among the group a, b, c; d stands alone.
        assert_eq!(d[1], None);
        assert_eq!(d[3], None);
        assert_eq!(d[0].as_ref().map(|x| (x.kind, x.kept)), Some((DupKind::ExactText, 1)));
        let near = d[2].as_ref().expect("c is a near duplicate");
        assert_eq!((near.kind, near.kept), (DupKind::Near, 1));
        assert!(near.similarity >= 0.8 && near.similarity < 1.0);
        let mut reversed = keys.clone();
        reversed.reverse();
        let r = decide(&reversed, &DedupOptions::default());
        assert_eq!(r[2], None);
        assert_eq!(r[3].as_ref().map(|x| x.kept), Some(2));
    }

    #[test]
    fn exact_raw_copies() {
        let keys = vec![key("x/2.txt", "same", "text one two", None), key("x/1.txt", "same", "text one two", None)];
        let d = decide(&keys, &DedupOptions::default());
        assert_eq!(d[1], None);
        assert_eq!(d[0].as_ref().map(|x| (x.kind, x.similarity)), Some((DupKind::ExactRaw, 1.0)));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

        /// The decision depends on the set of documents, not on the order they arrive in.
        #[test]
        fn decisions_do_not_depend_on_input_order(
            picks in proptest::collection::vec((0usize..4, 0usize..3, proptest::option::of(0usize..3)), 1..14),
            seed in 0u64..1000,
        ) {
            let bodies = [story(""), story("and one more sentence"), "an unrelated text about grain exports and prices".to_owned(), story("with a very different ending entirely, many words changed here")];
            let dates = ["2015", "2015-05", "2015-05-28"];
            let keys: Vec<DocKey> = picks
                .iter()
                .enumerate()
                .map(|(i, (b, raw, date))| DocKey { source_item: Some(i as i64), ..key("f.txt", &format!("r{raw}{b}"), &bodies[*b], date.map(|d| dates[d])) })
                .collect();
            let verdict = |keys: &[DocKey]| {
                let d = decide(keys, &DedupOptions::default());
                let mut v: Vec<(Option<i64>, Option<(DupKind, Option<i64>)>)> =
                    keys.iter().zip(&d).map(|(k, x)| (k.source_item, x.as_ref().map(|x| (x.kind, keys[x.kept].source_item)))).collect();
                v.sort_by_key(|x| x.0);
                v
            };
            let mut shuffled = keys.clone();
            let n = shuffled.len();
            for i in 0..n {
                let j = (seed as usize * 31 + i * 17) % n;
                shuffled.swap(i, j);
            }
            proptest::prop_assert_eq!(verdict(&keys), verdict(&shuffled));
        }
    }
}
