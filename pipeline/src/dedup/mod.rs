//! Stage 3, dedup: the one global decision of the pipeline. Map computes per-document keys
//! (hashes, MinHash signature); `decide` groups exact and near duplicates across the whole corpus
//! and picks the copy to keep by the codebook's rule (section 7), whatever the input order.

pub mod minhash;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sha2::Digest as _;

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

/// The dedup key of one document as map writes it (one line of a shard's `keys.jsonl`). Reduce
/// does not hold these: it keeps each as a compact [`KeyTable`] entry and re-reads the full
/// signatures of the few documents that need them.
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

/// A SHA-256 digest as bytes; it stands for its lowercase hex, whose byte order it keeps.
pub type Digest = [u8; 32];

/// The bytes of a lowercase hex SHA-256 digest; `None` for any other string (uppercase
/// included, so that equal digests are exactly equal strings).
pub fn parse_digest(hex: &str) -> Option<Digest> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        }
    }
    let b = hex.as_bytes();
    if b.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (o, pair) in out.iter_mut().zip(b.chunks_exact(2)) {
        *o = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(out)
}

/// `published` of an undated document.
const NO_DATE: u32 = u32::MAX;

/// What the global decisions need of one document (~100 bytes).
#[derive(Debug, Clone, Copy)]
struct Entry {
    raw: Digest,
    doc_id: Digest,
    source_item: Option<i64>,
    /// Index into the path table.
    path: u32,
    /// Index into the table of padded dates, or `NO_DATE`.
    published: u32,
    /// `precision_rank` of `published_precision` (3 when absent or unknown).
    precision: u8,
    /// Whether the signature had the configured length, so the document takes part in LSH.
    banded: bool,
}

/// The dedup keys of a corpus in compact form: per document both digests as bytes, the keep
/// order (dates and paths interned) and the LSH band keys, instead of the whole signature.
#[derive(Debug, Clone)]
pub struct KeyTable {
    minhash: MinHashOptions,
    entries: Vec<Entry>,
    /// `minhash.bands` keys per entry, in entry order (zeros for an entry that is not banded).
    band_keys: Vec<u64>,
    /// Source paths, concatenated; `path_ends[p]` is where path `p` ends. Documents arrive in
    /// path order, so a path is shared by consecutive documents only and no index is needed.
    path_bytes: String,
    path_ends: Vec<usize>,
    /// Published dates padded to their first day, each once.
    dates: Vec<String>,
    date_index: HashMap<String, u32>,
}

impl KeyTable {
    pub fn new(opts: &DedupOptions) -> KeyTable {
        KeyTable {
            minhash: opts.minhash,
            entries: Vec::new(),
            band_keys: Vec::new(),
            path_bytes: String::new(),
            path_ends: Vec::new(),
            dates: Vec::new(),
            date_index: HashMap::new(),
        }
    }

    /// Room for `n` more documents, so the tables do not grow by doubling.
    pub fn reserve(&mut self, n: usize) {
        self.entries.reserve_exact(n);
        self.band_keys.reserve_exact(n.saturating_mul(self.minhash.bands));
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds the next document's key; an error when a digest is not lowercase hex SHA-256.
    pub fn push(&mut self, k: &DocKey) -> Result<(), String> {
        let digest = |what: &str, v: &str| parse_digest(v).ok_or_else(|| format!("{what} {v:?} is not a lowercase hex SHA-256"));
        let (raw, doc_id) = (digest("raw_sha256", &k.raw_sha256)?, digest("doc_id", &k.doc_id)?);
        self.push_digests(raw, doc_id, k)
    }

    fn push_digests(&mut self, raw: Digest, doc_id: Digest, k: &DocKey) -> Result<(), String> {
        if self.entries.len() >= u32::MAX as usize {
            return Err("more than 2^32 - 1 documents".into());
        }
        if self.path_ends.is_empty() || self.path(self.path_ends.len() - 1) != k.source_path {
            self.path_bytes.push_str(&k.source_path);
            self.path_ends.push(self.path_bytes.len());
        }
        let path = (self.path_ends.len() - 1) as u32;
        let published = match k.published.as_deref() {
            None => NO_DATE,
            Some(p) => {
                let padded = match p.len() {
                    4 => format!("{p}-01-01"),
                    7 => format!("{p}-01"),
                    _ => p.to_owned(),
                };
                match self.date_index.get(&padded) {
                    Some(&d) => d,
                    None => {
                        let d = self.dates.len() as u32;
                        self.dates.push(padded.clone());
                        self.date_index.insert(padded, d);
                        d
                    }
                }
            }
        };
        let precision = k.published_precision.as_deref().and_then(crate::ingest::metadata::precision_rank).unwrap_or(3);
        let bands = self.minhash.bands;
        let keys = if k.signature.len() == self.minhash.num_hashes() { minhash::band_keys(&k.signature, &self.minhash) } else { Vec::new() };
        // A signature of the configured length gives one key per band (or none when there are
        // no rows per band): a document takes part in every band or in none.
        let banded = bands > 0 && keys.len() == bands;
        if banded {
            self.band_keys.extend_from_slice(&keys);
        } else {
            self.band_keys.extend(std::iter::repeat_n(0, bands));
        }
        self.entries.push(Entry { raw, doc_id, source_item: k.source_item, path, published, precision, banded });
        Ok(())
    }

    fn path(&self, p: usize) -> &str {
        let start = if p == 0 { 0 } else { self.path_ends[p - 1] };
        &self.path_bytes[start..self.path_ends[p]]
    }

    pub fn raw_sha256(&self, i: usize) -> &Digest {
        &self.entries[i].raw
    }

    pub fn doc_id(&self, i: usize) -> &Digest {
        &self.entries[i].doc_id
    }

    /// The lowercase hex `doc_id` of document `i`, as map wrote it.
    pub fn doc_id_hex(&self, i: usize) -> String {
        crate::lexicon::hex(&self.entries[i].doc_id)
    }

    /// Frees the band keys, which only [`decide_table`] reads.
    pub fn drop_band_keys(&mut self) {
        self.band_keys = Vec::new();
    }

    fn band_key(&self, i: usize, band: usize) -> u64 {
        self.band_keys[i * self.minhash.bands + band]
    }

    /// The codebook's keep order: dated before undated, earlier first (padded to the first day),
    /// finer precision first, then by source path and item.
    fn keep_order(&self, i: usize) -> (bool, &str, u8, &str, Option<i64>) {
        let e = &self.entries[i];
        let padded = if e.published == NO_DATE { "" } else { self.dates[e.published as usize].as_str() };
        (e.published == NO_DATE, padded, e.precision, self.path(e.path as usize), e.source_item)
    }
}

/// The full MinHash signatures of some documents (those [`decide_table`] asks for), by index.
#[derive(Debug, Clone, Default)]
pub struct Signatures {
    docs: Vec<u32>,
    ends: Vec<usize>,
    values: Vec<u64>,
}

impl Signatures {
    /// Adds the signature of document `doc`; documents must come in increasing index order.
    pub fn push(&mut self, doc: usize, signature: &[u64]) {
        assert!(self.docs.last().is_none_or(|&d| (d as usize) < doc), "signatures must be added in document order");
        self.docs.push(doc as u32);
        self.values.extend_from_slice(signature);
        self.ends.push(self.values.len());
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    fn get(&self, doc: usize) -> &[u64] {
        let Ok(k) = self.docs.binary_search(&(doc as u32)) else {
            panic!("the signature of document {doc} was not loaded, though every member of a duplicate group is asked for");
        };
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        &self.values[start..self.ends[k]]
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

struct UnionFind(Vec<u32>);

impl UnionFind {
    fn find(&mut self, x: usize) -> usize {
        let mut x = x as u32;
        while self.0[x as usize] != x {
            self.0[x as usize] = self.0[self.0[x as usize] as usize];
            x = self.0[x as usize];
        }
        x as usize
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        // The smaller index becomes the root, so the structure does not depend on union order.
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.0[hi] = lo as u32;
        }
    }
}

/// Decides, for every document, whether it is kept (`None`) or dropped as a duplicate of another,
/// with every key and signature in memory (tests, small corpora). Same result as [`decide_table`].
pub fn decide(keys: &[DocKey], opts: &DedupOptions) -> Vec<Option<Dropped>> {
    // Digests that are not hex (hand-made test keys) stand in as the SHA-256 of the string: equal
    // strings stay equal, different ones different.
    let digest = |s: &str| parse_digest(s).unwrap_or_else(|| sha2::Sha256::digest(s.as_bytes()).into());
    let mut table = KeyTable::new(opts);
    for k in keys {
        table.push_digests(digest(&k.raw_sha256), digest(&k.doc_id), k).expect("fewer than 2^32 documents");
    }
    let result: Result<_, std::convert::Infallible> = decide_table(&table, opts, |needed| {
        let mut sigs = Signatures::default();
        for (i, k) in keys.iter().enumerate().filter(|(i, _)| needed[*i]) {
            sigs.push(i, &k.signature);
        }
        Ok(sigs)
    });
    match result {
        Ok(d) => d,
        Err(never) => match never {},
    }
}

/// Decides, for every document of `keys`, whether it is kept (`None`) or dropped as a duplicate
/// of another. The result depends only on the set of keys: groups are connected components, and
/// the kept member is the one with the smallest keep order.
///
/// `keys` must have been built with the same `opts.minhash`. `load` is called once with a flag per document and must return the full signatures of the
/// flagged ones: the members of an exact group or of an LSH bucket shared with another document,
/// i.e. every document that can be compared or dropped as a near duplicate.
pub fn decide_table<E>(keys: &KeyTable, opts: &DedupOptions, load: impl FnOnce(&[bool]) -> Result<Signatures, E>) -> Result<Vec<Option<Dropped>>, E> {
    let n = keys.len();
    assert!(n <= u32::MAX as usize, "more than 2^32 - 1 documents");
    let mut uf = UnionFind((0..n as u32).collect());
    let mut needed = vec![false; n];
    // Exact groups: same raw bytes, same normalized text. Components do not depend on the order
    // of unions, so each group is joined to its first member in digest order.
    {
        let mut order: Vec<u32> = (0..n as u32).collect();
        for digest in [KeyTable::raw_sha256 as fn(&KeyTable, usize) -> &Digest, KeyTable::doc_id] {
            order.sort_unstable_by(|&a, &b| digest(keys, a as usize).cmp(digest(keys, b as usize)).then(a.cmp(&b)));
            for group in order.chunk_by(|&a, &b| digest(keys, a as usize) == digest(keys, b as usize)) {
                if group.len() > 1 {
                    for &i in group {
                        uf.union(group[0] as usize, i as usize);
                        needed[i as usize] = true;
                    }
                }
            }
        }
    }
    // LSH: only documents sharing a band bucket are compared, so cost grows with the corpus,
    // not its square. The buckets of two or more members, by band, then bucket key; members in
    // document order.
    let bands = keys.minhash.bands;
    let mut members: Vec<u32> = Vec::new();
    let mut bucket_ends: Vec<usize> = Vec::new();
    {
        let mut column: Vec<(u64, u32)> = Vec::with_capacity(n);
        for band in 0..bands {
            column.clear();
            column.extend((0..n).filter(|&i| keys.entries[i].banded).map(|i| (keys.band_key(i, band), i as u32)));
            column.sort_unstable();
            for bucket in column.chunk_by(|a, b| a.0 == b.0) {
                if bucket.len() > 1 {
                    for &(_, i) in bucket {
                        members.push(i);
                        needed[i as usize] = true;
                    }
                    bucket_ends.push(members.len());
                }
            }
        }
    }
    let sigs = load(&needed)?;
    drop(needed);
    // Within a bucket each document is verified against one member of each component already
    // seen there.
    let mut start = 0;
    for &end in &bucket_ends {
        let bucket = &members[start..end];
        start = end;
        let mut reps: Vec<usize> = Vec::new();
        for &i in bucket {
            let i = i as usize;
            let mut joined = false;
            for &r in &reps {
                if uf.find(r) == uf.find(i) {
                    joined = true;
                    break;
                }
                if minhash::estimate(sigs.get(i), sigs.get(r)) >= opts.near_dup_threshold {
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
    drop((members, bucket_ends));
    let mut kept_of_root: Vec<u32> = vec![u32::MAX; n];
    for i in 0..n {
        let root = uf.find(i);
        let best = kept_of_root[root];
        if best == u32::MAX || keys.keep_order(i) < keys.keep_order(best as usize) {
            kept_of_root[root] = i as u32;
        }
    }
    Ok((0..n)
        .map(|i| {
            let kept = kept_of_root[uf.find(i)] as usize;
            if kept == i {
                return None;
            }
            let (a, b) = (&keys.entries[i], &keys.entries[kept]);
            Some(if a.raw == b.raw {
                Dropped { kind: DupKind::ExactRaw, kept, similarity: 1.0 }
            } else if a.doc_id == b.doc_id {
                Dropped { kind: DupKind::ExactText, kept, similarity: 1.0 }
            } else {
                Dropped { kind: DupKind::Near, kept, similarity: minhash::estimate(sigs.get(i), sigs.get(kept)) }
            })
        })
        .collect())
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

    /// The decisions as they were made before reduce held its keys compactly (every key and
    /// signature in memory, digests as strings): [`decide`] must give exactly these.
    fn decide_reference(keys: &[DocKey], opts: &DedupOptions) -> Vec<Option<Dropped>> {
        fn keep_order(k: &DocKey) -> (bool, String, u8, &str, Option<i64>) {
            let padded = match k.published.as_deref() {
                Some(p) if p.len() == 4 => format!("{p}-01-01"),
                Some(p) if p.len() == 7 => format!("{p}-01"),
                Some(p) => p.to_owned(),
                None => String::new(),
            };
            let precision = k.published_precision.as_deref().and_then(crate::ingest::metadata::precision_rank).unwrap_or(3);
            (k.published.is_none(), padded, precision, &k.source_path, k.source_item)
        }
        let n = keys.len();
        let mut uf = UnionFind((0..n as u32).collect());
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
            if keep_order(&keys[i]) < keep_order(&keys[*best]) {
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

    #[test]
    fn digests_parse_only_as_lowercase_hex() {
        let hex = crate::lexicon::hex_sha256(b"x");
        let d = parse_digest(&hex).expect("a digest");
        assert_eq!(crate::lexicon::hex(&d), hex);
        assert_eq!(parse_digest(&hex.to_uppercase()), None);
        assert_eq!(parse_digest(&hex[1..]), None);
        assert_eq!(parse_digest(&format!("{}g", &hex[1..])), None);
        let mut table = KeyTable::new(&DedupOptions::default());
        assert!(table.push(&key("a.txt", "r1", "some text", None)).is_err());
        assert!(table.push(&DocKey { raw_sha256: hex.clone(), ..key("a.txt", "r1", "some text", None) }).is_ok());
        assert_eq!(table.doc_id_hex(0), crate::lexicon::hex_sha256(b"some text"));
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

        /// The compact table decides exactly as the former all-in-memory code did: same kept
        /// copy, kind and similarity for every document, whatever the mix of exact, near and
        /// unrelated copies, dates, precisions, paths and odd signatures.
        #[test]
        fn compact_decisions_equal_the_former_ones(
            picks in proptest::collection::vec(
                (0usize..6, 0usize..4, proptest::option::of(0usize..6), proptest::option::of(0usize..4), 0usize..3, proptest::option::of(0i64..3), 0usize..12),
                1..24,
            ),
            threshold in proptest::sample::select(vec![0.3, 0.5, 0.8, 0.9, 1.0]),
        ) {
            let bodies = [
                story(""),
                story("and one more sentence"),
                "an unrelated text about grain exports and prices".to_owned(),
                story("with a very different ending entirely, many words changed here"),
                story("and one more sentence and then another one after it to change a few shingles more"),
                "short".to_owned(),
            ];
            let dates = ["2015", "2015-05", "2015-05-28", "2015-05-01", "2014-12-31", "15"];
            let precisions = ["day", "month", "year", "hour"];
            let paths = ["a.jsonl", "b.txt", "c/d.txt"];
            let opts = DedupOptions { near_dup_threshold: threshold, ..DedupOptions::default() };
            let keys: Vec<DocKey> = picks
                .iter()
                .map(|&(b, raw, date, precision, path, item, odd)| {
                    let mut k = key(paths[path], &format!("r{raw}{}", b % 3), &bodies[b], date.map(|d| dates[d]));
                    k.published_precision = precision.map(|p| precisions[p].to_owned());
                    k.source_item = item;
                    // Now and then a signature of another length, which takes no part in LSH.
                    if odd == 0 {
                        k.signature.truncate(50);
                    }
                    k
                })
                .collect();
            proptest::prop_assert_eq!(decide(&keys, &opts), decide_reference(&keys, &opts));
            let mut reversed = keys.clone();
            reversed.reverse();
            proptest::prop_assert_eq!(decide(&reversed, &opts), decide_reference(&reversed, &opts));
        }
    }
}
