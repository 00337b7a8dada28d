//! Extraction quality against the gold sets: the gate of issue 4 (claim F1 >= 0.9 on the seeds),
//! and the quality file the dataset card quotes, which must match what `eval` measures now.

use serde_json::{json, Value};

use crate::util::{repo, Workdir};
use casualty_corpus::eval::{evaluate, EvalReport};

/// (name in the quality file, input directory, metadata, gold file)
const SETS: &[(&str, &str, Option<&str>, &str)] = &[
    ("seeds", "data/raw", None, "tests/gold/seeds.jsonl"),
    ("dev", "tests/dev/texts", Some("tests/dev/metadata.csv"), "tests/gold/dev.jsonl"),
    ("heldout", "tests/heldout/texts", Some("tests/heldout/metadata.csv"), "tests/heldout/gold.jsonl"),
    ("heldout2", "tests/heldout2/texts", Some("tests/heldout2/metadata.csv"), "tests/heldout2/gold.jsonl"),
    ("heldout3", "tests/heldout3/texts", Some("tests/heldout3/metadata.csv"), "tests/heldout3/gold.jsonl"),
    ("heldout4", "tests/heldout4/texts", Some("tests/heldout4/metadata.csv"), "tests/heldout4/gold.jsonl"),
];

fn score(w: &Workdir, name: &str, input: &str, metadata: Option<&str>, gold: &str) -> EvalReport {
    let root = repo();
    let mut args = vec!["build".to_owned(), "--quiet".into(), "--input".into(), root.join(input).to_string_lossy().into_owned()];
    if let Some(m) = metadata {
        args.extend(["--metadata".to_owned(), root.join(m).to_string_lossy().into_owned()]);
    }
    args.extend(["--out".to_owned(), name.to_owned(), "--release-version".into(), "q".into()]);
    w.run(&args.iter().map(String::as_str).collect::<Vec<_>>(), true);
    evaluate(&w.path(name).join("q"), &root.join(gold)).expect("eval")
}

fn summary(r: &EvalReport) -> Value {
    json!({
        "claims": r.claims,
        "named_casualties": r.named_casualties,
        "statements": r.statements,
        "claim_attributes": r.claim_attributes,
    })
}

#[test]
fn claim_f1_on_the_seed_gold_is_at_least_0_9() {
    let w = Workdir::new();
    let r = score(&w, "seeds", "data/raw", None, "tests/gold/seeds.jsonl");
    assert!(r.claims.f1 >= 0.9, "claim F1 {:.3} < 0.9 on the seed gold:\n{r}", r.claims.f1);
    assert!(r.unmatched_files.is_empty(), "{:?}", r.unmatched_files);
}

#[test]
fn the_quality_file_matches_what_eval_measures() {
    let w = Workdir::new();
    let mut measured = serde_json::Map::new();
    for (name, input, metadata, gold) in SETS {
        if !repo().join(input).is_dir() {
            continue;
        }
        let r = score(&w, name, input, *metadata, gold);
        measured.insert((*name).to_owned(), summary(&r));
    }
    let measured = Value::Object(measured);
    let path = repo().join("data/quality/extraction.json");
    if std::env::var_os("UPDATE_QUALITY").is_some() {
        let mut bytes = serde_json::to_vec_pretty(&measured).unwrap();
        bytes.push(b'\n');
        std::fs::write(&path, bytes).unwrap();
        return; // the binary embeds the file: the next build checks it
    }
    let committed: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert!(
        committed == measured,
        "data/quality/extraction.json is stale: extraction changed; run `make quality` and commit it.\ncommitted: {committed:#}\nmeasured: {measured:#}"
    );
    assert_eq!(serde_json::from_str::<Value>(casualty_corpus::release::card::QUALITY_JSON).unwrap(), committed, "the binary embeds the file");
}
