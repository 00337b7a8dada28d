//! The release's self-description: `datapackage.json` (Frictionless Data Package) and
//! `README.md` (the dataset card). Both derive from the table definitions and the manifest only.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::model::Document;
use crate::release::manifest::Manifest;
use crate::release::tables::{Kind, TABLES};

/// Extraction quality measured by `eval` on the gold sets for this code version: regenerated with
/// `make quality` when extraction changes, and a test fails while it is stale (codebook section 5).
pub const QUALITY_JSON: &str = include_str!("../../../data/quality/extraction.json");

/// Where each gold set of the quality file comes from, for the card.
const QUALITY_SETS: &[(&str, &str)] = &[
    ("seeds", "the five sample articles of `data/raw`"),
    ("dev", "twelve fictional articles written for the project"),
    ("heldout", "ten fictional articles annotated independently of the rules"),
    ("heldout2", "ten more fictional articles annotated independently of the rules"),
    ("heldout3", "twelve fictional articles of other conflicts (Gaza, Sudan, Syria, Sahel, Congo ...), annotated independently of the rules"),
    ("heldout4", "ten fictional articles in the styles of BBC, Guardian, AP, Times of Israel, Al Jazeera, Meduza, Reuters ..., annotated independently of the rules"),
];

/// Outlets named by more distinct values than this are counted, not listed one by one.
const MAX_OUTLETS_TRACKED: usize = 100_000;
/// Outlets listed in the card, by number of documents.
const OUTLETS_SHOWN: usize = 20;

/// What the kept documents come from, gathered while they are written (in release order, so the
/// same every time): outlets, languages and the publication dates' span.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    outlets: BTreeMap<String, u64>,
    /// Documents of outlets beyond `MAX_OUTLETS_TRACKED`.
    other_outlets: u64,
    no_outlet: u64,
    languages: BTreeMap<String, u64>,
    /// Earliest and latest `published` (ISO 8601 dates compare as text).
    first: Option<String>,
    last: Option<String>,
    undated: u64,
}

impl Sources {
    pub fn add(&mut self, d: &Document) {
        match d.outlet.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
            Some(o) => {
                let tracked = self.outlets.len() < MAX_OUTLETS_TRACKED;
                match self.outlets.get_mut(o) {
                    Some(n) => *n += 1,
                    None if tracked => {
                        self.outlets.insert(o.to_owned(), 1);
                    }
                    None => self.other_outlets += 1,
                }
            }
            None => self.no_outlet += 1,
        }
        *self.languages.entry(d.language.clone().unwrap_or_else(|| "unknown".to_owned())).or_default() += 1;
        match d.published.as_deref().filter(|p| !p.is_empty()) {
            Some(p) => {
                if self.first.as_deref().is_none_or(|f| p < f) {
                    self.first = Some(p.to_owned());
                }
                if self.last.as_deref().is_none_or(|l| p > l) {
                    self.last = Some(p.to_owned());
                }
            }
            None => self.undated += 1,
        }
    }

    /// The card's paragraphs on outlets, languages and dates.
    fn section(&self) -> String {
        let mut s = String::new();
        let mut outlets: Vec<(&String, &u64)> = self.outlets.iter().collect();
        outlets.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let named: u64 = self.outlets.values().sum::<u64>() + self.other_outlets;
        if outlets.is_empty() && self.other_outlets == 0 {
            s.push_str("No kept document names its outlet.\n\n");
        } else {
            s.push_str(&format!(
                "Outlets: {} kept documents name {}{} outlet(s); {} name none.\n\n| outlet | documents |\n|---|---|\n",
                named,
                if self.other_outlets > 0 { "more than " } else { "" },
                outlets.len(),
                self.no_outlet
            ));
            for (o, n) in outlets.iter().take(OUTLETS_SHOWN) {
                s.push_str(&format!("| {} | {n} |\n", o.replace('|', "\\|")));
            }
            let rest: u64 = outlets.iter().skip(OUTLETS_SHOWN).map(|(_, n)| **n).sum::<u64>() + self.other_outlets;
            if rest > 0 {
                s.push_str(&format!("| ({} more outlets) | {rest} |\n", outlets.len().saturating_sub(OUTLETS_SHOWN)));
            }
            s.push('\n');
        }
        let langs: Vec<String> = {
            let mut v: Vec<(&String, &u64)> = self.languages.iter().collect();
            v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            v.iter().map(|(l, n)| format!("`{l}` {n}")).collect()
        };
        if !langs.is_empty() {
            s.push_str(&format!("Languages (detected, documents): {}.\n\n", langs.join(", ")));
        }
        match (&self.first, &self.last) {
            (Some(f), Some(l)) => s.push_str(&format!("Published from {f} to {l}; {} kept documents have no publication date.\n\n", self.undated)),
            _ => s.push_str("No kept document has a publication date.\n\n"),
        }
        s
    }
}

/// The quality section of the card, from the quality file.
fn quality_section() -> String {
    let Ok(q) = serde_json::from_str::<Value>(QUALITY_JSON) else {
        return "The quality file of this code version could not be read.\n".to_owned();
    };
    let mut s = String::from(
        "Scored by `casualty-corpus eval` against hand annotations with the codebook's matching rules \
         (section 6): a claim matches on outcome, qualifier and bounds; a named casualty on its name; \
         a statement on stance and the speaker's last word. The rules were tuned on all of these sets \
         (general rules, never a particular sentence), so they overstate quality on unseen news: \
         before tuning on them, claim F1 on the two held-out sets was 0.89 and 0.88, named-casualty \
         F1 0.70 and 0.88, statement F1 0.65 and 0.69.\n\n\
         | gold set | table | gold rows | extracted | precision | recall | F1 |\n|---|---|---|---|---|---|---|\n",
    );
    for (set, _) in QUALITY_SETS {
        for table in ["claims", "named_casualties", "statements"] {
            let t = &q[*set][table];
            if t.is_null() {
                continue;
            }
            let f = |k: &str| t[k].as_f64().map_or("-".to_owned(), |v| format!("{v:.3}"));
            s.push_str(&format!("| {set} | {table} | {} | {} | {} | {} | {} |\n", t["gold"], t["extracted"], f("precision"), f("recall"), f("f1")));
        }
    }
    s.push('\n');
    for (set, about) in QUALITY_SETS {
        let a = &q[*set]["claim_attributes"];
        if a.is_null() {
            continue;
        }
        let f = |k: &str| a[k].as_f64().map_or("-".to_owned(), |v| format!("{v:.3}"));
        s.push_str(&format!(
            "- {set}: {about}. Of its matched claims, source_type is right for {}, hedged for {}, victim_side for {}.\n",
            f("source_type"), f("hedged"), f("victim_side")
        ));
    }
    s
}

pub fn datapackage(m: &Manifest) -> Vec<u8> {
    let resources: Vec<Value> = TABLES
        .iter()
        .map(|t| {
            let fields: Vec<Value> = t
                .columns
                .iter()
                .map(|c| {
                    let mut f = json!({
                        "name": c.name,
                        "type": match c.kind { Kind::Str => "string", Kind::Int => "integer", Kind::Float => "number", Kind::Bool => "boolean" },
                        "description": c.description,
                    });
                    let mut constraints = serde_json::Map::new();
                    if !c.nullable {
                        constraints.insert("required".into(), json!(true));
                    }
                    if !c.values.is_empty() {
                        constraints.insert("enum".into(), json!(c.values));
                    }
                    if !c.pattern.is_empty() {
                        constraints.insert("pattern".into(), json!(c.pattern.trim_start_matches('^').trim_end_matches('$')));
                    }
                    if !constraints.is_empty() {
                        f["constraints"] = Value::Object(constraints);
                    }
                    if c.kind == Kind::Bool {
                        f["trueValues"] = json!(["true"]);
                        f["falseValues"] = json!(["false"]);
                    }
                    f
                })
                .collect();
            let mut schema = json!({ "fields": fields, "missingValues": [""] });
            if !t.primary_key.is_empty() && t.name != "duplicates" {
                schema["primaryKey"] = json!(t.primary_key);
            }
            if !t.foreign_keys.is_empty() {
                schema["foreignKeys"] = Value::Array(
                    t.foreign_keys
                        .iter()
                        .map(|fk| json!({ "fields": fk.fields, "reference": { "resource": fk.table, "fields": fk.reference } }))
                        .collect(),
                );
            }
            json!({
                "name": t.name,
                "path": format!("csv/{}.csv", t.name),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": t.description,
                "dialect": { "delimiter": ",", "header": true, "lineTerminator": "\n", "quoteChar": "\"", "doubleQuote": true },
                "schema": schema,
            })
        })
        .collect();
    let mut package = json!({
        "profile": "tabular-data-package",
        "name": "casualty-corpus",
        "title": "Casualty-reporting corpus",
        "description": "News articles annotated with casualty claims, named casualties and official statements about war casualties.",
        "version": m.release_version,
    });
    if let Some(created) = &m.created {
        package["created"] = json!(created);
    }
    package["resources"] = Value::Array(resources);
    let mut bytes = serde_json::to_vec_pretty(&package).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

pub fn dataset_card(m: &Manifest, sources: &Sources) -> String {
    let c = &m.counts;
    let mut s = String::new();
    s.push_str(&format!("# Casualty-reporting corpus, release {}\n\n", m.release_version));
    s.push_str(
        "News articles about armed conflict, annotated with every stated count of killed, wounded, \
         captured or missing people (who claims it, how hedged, when), the named casualties, and the \
         official statements that deny, withhold or disclose such figures. The rules are those of the \
         project's codebook.\n\n",
    );
    s.push_str("## Sources\n\n");
    s.push_str(&format!(
        "{} article inputs were read (input digest `{}`): {} kept, {} dropped as duplicates \
         ({} identical bytes, {} identical normalized text, {} near duplicates), {} rejected. \
         {} metadata rows had problems (listed in `rejects`).\n\n",
        c.articles_in, m.input_digest, c.kept, c.duplicates, c.exact_raw_duplicates, c.exact_text_duplicates, c.near_duplicates, c.rejects, c.metadata_problems
    ));
    s.push_str(&sources.section());
    if !c.rejects_by_reason.is_empty() {
        s.push_str("| reject reason | rows |\n|---|---|\n");
        for (reason, n) in &c.rejects_by_reason {
            s.push_str(&format!("| `{reason}` | {n} |\n"));
        }
        s.push('\n');
    }
    s.push_str("## How it was built\n\n");
    // The command line is rebuilt from the recorded configuration: the inputs are identified by
    // the input digest, never by a path (codebook 7), and `map` + `reduce` give the same bytes.
    let config = |path: &[&str]| path.iter().try_fold(&m.configuration, |v, k| v.get(*k)).map(|v| v.to_string()).unwrap_or_else(|| "?".to_owned());
    let command = format!(
        "casualty-corpus build --input ARTICLES --lexicons LEXICONS --out RELEASES --release-version {} --max-article-bytes {} --near-dup-threshold {}",
        m.release_version,
        config(&["ingest", "max_article_bytes"]),
        config(&["dedup", "near_dup_threshold"])
    );
    let lexicons: Vec<String> = m.lexicons.iter().map(|(name, digest)| format!("`{name}` `{}`", &digest[..digest.len().min(16)])).collect();
    s.push_str(&format!(
        "By `{} {}` (commit `{}`), as `{command}` (or `map` on shards of the same inputs followed by \
         `reduce`, which gives the same bytes), where ARTICLES are the inputs of digest `{}` and \
         LEXICONS the word lists and rules of digests {} (SHA-256, first 16 hex digits). Stages: ingest \
         (encoding detection, rejects with reasons) -> normalize (Unicode NFC, spaces, boilerplate, \
         repeated paragraphs, captions marked) -> dedup (SHA-256 of bytes and of normalized text; \
         MinHash LSH near duplicates) -> extract (sentences, claims, named casualties, statements) -> \
         release. Configuration and lexicon digests are in `manifest.json`; the same inputs, code and \
         configuration give the same bytes.\n\n",
        m.code_version.crate_name, m.code_version.crate_version, m.code_version.commit, m.input_digest, lexicons.join(", ")
    ));
    if let Some(created) = &m.created {
        s.push_str(&format!("Built at {created} (from `SOURCE_DATE_EPOCH`).\n\n"));
    }
    s.push_str("## Files\n\n`parquet/<table>.parquet` and `csv/<table>.csv` (the same rows; CSV nulls are empty fields), \
                `schemas/<table>.schema.json` (JSON Schema of one row), `datapackage.json` (Frictionless), \
                `manifest.json` (checksums), `report.html` (the release report: counts, plots and every row in its sentence).\n\n");
    s.push_str("| table | rows | one row is |\n|---|---|---|\n");
    for t in TABLES {
        s.push_str(&format!("| `{}` | {} | {} |\n", t.name, m.table_rows.get(t.name).copied().unwrap_or(0), t.description));
    }
    s.push_str("\n## Fields\n\n");
    for t in TABLES {
        s.push_str(&format!("### {}\n\n| column | type | null | meaning |\n|---|---|---|---|\n", t.name));
        for col in t.columns {
            let kind = match col.kind { Kind::Str => "string", Kind::Int => "int64", Kind::Float => "float64", Kind::Bool => "boolean" };
            let values = if col.values.is_empty() { String::new() } else { format!(" One of: {}.", col.values.join(", ")) };
            s.push_str(&format!("| `{}` | {} | {} | {}{} |\n", col.name, kind, if col.nullable { "yes" } else { "no" }, col.description, values));
        }
        s.push('\n');
    }
    s.push_str("## Extraction quality\n\n");
    s.push_str(quality_section().trim_end());
    s.push_str("\n\n## Known limitations\n\n");
    s.push_str(
        "- Extraction is rule-based (patterns and word lists in the lexicons whose digests the manifest \
         records): it reads English only, and phrasings the rules do not know are missed.\n\
         - Counts are as stated in the text: the same event reported twice gives two claim rows (claims are mentions).\n\
         - Near-duplicate detection estimates Jaccard similarity from MinHash signatures; pairs near the \
         threshold may fall either side.\n\
         - `event_date` is resolved from the article's own date; where the article is undated or the time \
         expression is vague it stays null.\n",
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(outlet: Option<&str>, language: Option<&str>, published: Option<&str>) -> Document {
        Document {
            doc_id: "d".into(),
            source_path: "a.txt".into(),
            source_item: None,
            source_id: "a".into(),
            raw_sha256: "0".repeat(64),
            outlet: outlet.map(str::to_owned),
            title: None,
            url: None,
            published: published.map(str::to_owned),
            published_precision: None,
            language: language.map(str::to_owned),
            encoding_detected: "utf-8".into(),
            text: String::new(),
            char_count: 0,
            word_count: 0,
            sentence_count: 0,
            boilerplate_chars_removed: 0,
        }
    }

    #[test]
    fn sources_list_outlets_by_count_then_name_and_the_date_span() {
        let mut s = Sources::default();
        for _ in 0..3 {
            s.add(&doc(Some("Reuters"), Some("en"), Some("2024-02-01")));
        }
        s.add(&doc(Some("AP"), Some("en"), Some("2023-12-31T08:00:00Z")));
        s.add(&doc(Some("BBC"), Some("fr"), None));
        s.add(&doc(Some("  "), None, Some("2024-03")));
        for i in 0..OUTLETS_SHOWN + 2 {
            s.add(&doc(Some(&format!("Outlet {i:02}")), Some("en"), None));
        }
        let text = s.section();
        assert!(text.starts_with(&format!("Outlets: {} kept documents name {} outlet(s); 1 name none.", 5 + OUTLETS_SHOWN + 2, 3 + OUTLETS_SHOWN + 2)), "{text}");
        // Count first, then name: Reuters, then AP before BBC; the tail is one row.
        let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| outlet")).collect();
        assert_eq!(&rows[..3], &["| Reuters | 3 |", "| AP | 1 |", "| BBC | 1 |"]);
        assert_eq!(rows.len(), OUTLETS_SHOWN + 1);
        assert_eq!(rows[OUTLETS_SHOWN], "| (5 more outlets) | 5 |");
        assert!(text.contains("Languages (detected, documents): `en` 26, `fr` 1, `unknown` 1."), "{text}");
        assert!(text.contains("Published from 2023-12-31T08:00:00Z to 2024-03; 23 kept documents have no publication date."), "{text}");
    }

    #[test]
    fn no_outlets_and_no_dates_are_said_plainly() {
        let mut s = Sources::default();
        s.add(&doc(None, None, None));
        let text = s.section();
        assert!(text.contains("No kept document names its outlet."), "{text}");
        assert!(text.contains("No kept document has a publication date."), "{text}");
    }
}
