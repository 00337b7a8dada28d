//! Casualty phrasings written for this project (`tests/fixtures/phrasings.jsonl`): each sentence
//! runs through the extractor alone and must give exactly its expected claims.

use casualty_corpus::extract::{ExtractInput, Extractor};
use casualty_corpus::lexicon::LexiconSet;
use casualty_corpus::model::{Claim, Paragraph, Zone};
use serde_json::Value;

const FIXTURES: &str = include_str!("fixtures/phrasings.jsonl");

fn extract(extractor: &Extractor, text: &str) -> Vec<Claim> {
    let paragraphs = [Paragraph { start: 0, end: text.len(), zone: Zone::Body }];
    let input = ExtractInput { doc_id: "phrasing", text, paragraphs: &paragraphs, published: Some("2024-05-15"), published_precision: Some("day") };
    extractor.run(&input).claims
}

/// Mismatches between one expected row and one extracted claim (empty when it fits).
fn differences(expected: &Value, claim: &Claim) -> Vec<String> {
    let mut out = Vec::new();
    let s = |k: &str| expected.get(k).and_then(Value::as_str);
    let i = |k: &str| expected.get(k).and_then(Value::as_i64);
    if let Some(v) = s("count_text") {
        if v != claim.count_text {
            out.push(format!("count_text {:?} != {:?}", claim.count_text, v));
        }
    }
    if i("count_low") != claim.count_low {
        out.push(format!("count_low {:?} != {:?}", claim.count_low, i("count_low")));
    }
    if i("count_high") != claim.count_high {
        out.push(format!("count_high {:?} != {:?}", claim.count_high, i("count_high")));
    }
    for (key, got) in [("qualifier", &claim.qualifier), ("outcome", &claim.outcome), ("source_type", &claim.source_type), ("victim_side", &claim.victim_side)] {
        if let Some(v) = s(key) {
            if v != got {
                out.push(format!("{key} {got:?} != {v:?}"));
            }
        }
    }
    if let Some(h) = expected.get("hedged").and_then(Value::as_bool) {
        if h != claim.hedged {
            out.push(format!("hedged {} != {}", claim.hedged, h));
        }
    }
    out
}

#[test]
fn every_phrasing_gives_its_expected_claims() {
    let extractor = Extractor::from_lexicons(&LexiconSet::builtin()).expect("built-in lexicons load");
    let mut failures = Vec::new();
    let mut cases = 0;
    for (n, line) in FIXTURES.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        cases += 1;
        let case: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("fixture line {}: {e}", n + 1));
        let id = case["id"].as_str().unwrap_or("?");
        let text = case["text"].as_str().unwrap_or("");
        let expected = case["expect"].as_array().cloned().unwrap_or_default();
        let claims = extract(&extractor, text);
        let mut unmatched: Vec<&Claim> = claims.iter().collect();
        let mut problems = Vec::new();
        for exp in &expected {
            // The claim with the same key (outcome, qualifier, bounds), else the closest one.
            let pos = unmatched.iter().position(|c| {
                differences(exp, c).iter().all(|d| !d.starts_with("count_low") && !d.starts_with("count_high") && !d.starts_with("qualifier") && !d.starts_with("outcome"))
            });
            match pos {
                Some(p) => {
                    let c = unmatched.remove(p);
                    let d = differences(exp, c);
                    if !d.is_empty() {
                        problems.push(format!("claim {:?}: {}", c.count_text, d.join("; ")));
                    }
                }
                None => problems.push(format!("missing {exp}")),
            }
        }
        for c in unmatched {
            problems.push(format!("unexpected claim {:?} {} {} {:?}..{:?}", c.count_text, c.outcome, c.qualifier, c.count_low, c.count_high));
        }
        if !problems.is_empty() {
            failures.push(format!("[{id}] {text}\n    {}", problems.join("\n    ")));
        }
    }
    assert!(cases >= 60, "only {cases} phrasings");
    assert!(failures.is_empty(), "{} of {cases} phrasings failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn offsets_point_at_the_evidence() {
    let extractor = Extractor::from_lexicons(&LexiconSet::builtin()).expect("built-in lexicons load");
    for line in FIXTURES.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).expect("fixture parses");
        let text = case["text"].as_str().unwrap_or("");
        let chars: Vec<char> = text.chars().collect();
        for c in extract(&extractor, text) {
            let (s, e) = (c.start as usize, c.end as usize);
            assert!(s < e && e <= chars.len(), "bad span {s}..{e} in {text:?}");
            let evidence: String = chars[s..e].iter().collect();
            let count_core = c.count_text.split_whitespace().last().unwrap_or("");
            assert!(evidence.contains(count_core), "evidence {evidence:?} lacks the count {:?}", c.count_text);
        }
    }
}
