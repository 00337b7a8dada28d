//! `eval`: scores extracted rows against gold annotations with the matching rules of codebook
//! section 6 (claims on outcome, qualifier and bounds; named casualties on the folded name;
//! statements on stance and the speaker's last word), per file.
//!
//! Two entry points share one matcher: [`evaluate`] reads a release's CSV tables, [`score`]
//! takes rows already in memory (the development loop).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// Why an evaluation could not run.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}: {message}")]
    Csv { path: PathBuf, message: String },
    #[error("{path}, line {line}: {message}")]
    Gold { path: PathBuf, line: usize, message: String },
}

/// A claim to score: the matching key, the attributes whose accuracy is reported, and text to
/// show a developer.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ClaimRow {
    pub file: String,
    pub outcome: String,
    pub qualifier: String,
    pub count_low: Option<i64>,
    pub count_high: Option<i64>,
    pub count_text: String,
    pub source_type: String,
    pub hedged: bool,
    pub victim_side: String,
    /// Gold: the evidence; extracted: the sentence.
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NamedRow {
    pub file: String,
    pub name: String,
    pub outcome: String,
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StatementRow {
    pub file: String,
    pub stance: String,
    pub speaker: String,
    pub text: String,
}

/// Rows of the three scored tables.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Rows {
    pub claims: Vec<ClaimRow>,
    pub named: Vec<NamedRow>,
    pub statements: Vec<StatementRow>,
}

/// Precision, recall and F1 of one table.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TableScore {
    pub gold: usize,
    pub extracted: usize,
    pub matched: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl TableScore {
    fn new(gold: usize, extracted: usize, matched: usize) -> TableScore {
        let precision = if extracted == 0 { if gold == 0 { 1.0 } else { 0.0 } } else { matched as f64 / extracted as f64 };
        let recall = if gold == 0 { 1.0 } else { matched as f64 / gold as f64 };
        let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
        TableScore { gold, extracted, matched, precision, recall, f1 }
    }
}

/// Accuracy of attributes over matched claims.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AttributeAccuracy {
    pub matched: usize,
    pub source_type: f64,
    pub hedged: f64,
    pub victim_side: f64,
}

/// One row that was missed or spurious, for the human report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Miss {
    pub table: String,
    pub file: String,
    pub key: String,
    pub text: String,
}

/// The evaluation of a set of rows against gold.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EvalReport {
    pub claims: TableScore,
    pub named_casualties: TableScore,
    pub statements: TableScore,
    pub claim_attributes: AttributeAccuracy,
    pub missed: Vec<Miss>,
    pub spurious: Vec<Miss>,
    /// Matched claims whose source_type, hedged or victim_side differ from the gold's
    /// (`key` names the attribute, gold then extracted).
    pub attribute_errors: Vec<Miss>,
    /// Files of the gold that no extracted document matched.
    pub unmatched_files: Vec<String>,
}

fn claim_key(c: &ClaimRow) -> String {
    format!("{} {} {}..{}", c.outcome, c.qualifier, opt(c.count_low), opt(c.count_high))
}
fn opt(v: Option<i64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "null".to_string())
}

/// Lowercase without accents or punctuation, spaces collapsed (codebook section 6).
pub fn fold(s: &str) -> String {
    s.chars()
        .map(strip_accent)
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .flat_map(|c| c.to_lowercase())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The base letter of a Latin letter with a diacritic (no Unicode tables needed for names).
fn strip_accent(c: char) -> char {
    const FROM: &str = "ÀÁÂÃÄÅĀĂĄàáâãäåāăąÇĆĈĊČçćĉċčĎĐďđÈÉÊËĒĔĖĘĚèéêëēĕėęěĜĞĠĢĝğġģĤĦĥħÌÍÎÏĨĪĬĮİìíîïĩīĭįıĴĵĶķĹĻĽĿŁĺļľŀłÑŃŅŇñńņňÒÓÔÕÖØŌŎŐòóôõöøōŏőŔŖŘŕŗřŚŜŞŠśŝşšŢŤŦţťŧÙÚÛÜŨŪŬŮŰŲùúûüũūŭůűųŴŵÝŸŶýÿŷŹŻŽźżž";
    const TO: &str = "AAAAAAAAAaaaaaaaaaCCCCCcccccDDddEEEEEEEEEeeeeeeeeeGGGGggggHHhhIIIIIIIIIiiiiiiiiiJjKkLLLLLlllllNNNNnnnnOOOOOOOOOoooooooooRRRrrrSSSSssssTTTtttUUUUUUUUUUuuuuuuuuuuWwYYYyyyZZZzzz";
    match FROM.chars().position(|f| f == c) {
        Some(i) => TO.chars().nth(i).unwrap_or(c),
        None => c,
    }
}

fn last_word(s: &str) -> String {
    fold(s).split_whitespace().last().unwrap_or("").to_string()
}

/// Matches gold to extracted rows of one table: rows whose evidence appears in the extracted
/// row's text are paired first, then the rest in order. Returns pairs (gold, extracted).
fn match_rows<G, E>(gold: &[G], ext: &[E], key_g: impl Fn(&G) -> String, key_e: impl Fn(&E) -> String, text_g: impl Fn(&G) -> String, text_e: impl Fn(&E) -> String) -> Vec<(usize, usize)> {
    let mut used = vec![false; ext.len()];
    let mut done = vec![false; gold.len()];
    let mut pairs = Vec::new();
    for pass in 0..2 {
        for (gi, g) in gold.iter().enumerate() {
            if done[gi] {
                continue;
            }
            let kg = key_g(g);
            let tg = fold(&text_g(g));
            let found = ext.iter().enumerate().position(|(ei, e)| {
                !used[ei] && key_e(e) == kg && (pass == 1 || (!tg.is_empty() && fold(&text_e(e)).contains(&tg)))
            });
            if let Some(ei) = found {
                used[ei] = true;
                done[gi] = true;
                pairs.push((gi, ei));
            }
        }
    }
    pairs.sort_unstable();
    pairs
}

/// Scores extracted rows against gold rows (both already in memory).
pub fn score(gold: &Rows, ext: &Rows) -> EvalReport {
    let mut report = EvalReport::default();
    // Claims.
    let pairs = match_rows(
        &gold.claims,
        &ext.claims,
        |c| format!("{}|{}", c.file, claim_key(c)),
        |c| format!("{}|{}", c.file, claim_key(c)),
        |c| c.text.clone(),
        |c| c.text.clone(),
    );
    report.claims = TableScore::new(gold.claims.len(), ext.claims.len(), pairs.len());
    let n = pairs.len();
    let frac = |f: &dyn Fn(&ClaimRow, &ClaimRow) -> bool| -> f64 {
        if n == 0 {
            return 0.0;
        }
        pairs.iter().filter(|(g, e)| f(&gold.claims[*g], &ext.claims[*e])).count() as f64 / n as f64
    };
    report.claim_attributes = AttributeAccuracy {
        matched: n,
        source_type: frac(&|g, e| g.source_type == e.source_type),
        hedged: frac(&|g, e| g.hedged == e.hedged),
        victim_side: frac(&|g, e| g.victim_side == e.victim_side),
    };
    for (g, e) in &pairs {
        let (g, e) = (&gold.claims[*g], &ext.claims[*e]);
        let differing = [
            ("source_type", g.source_type.clone(), e.source_type.clone()),
            ("hedged", g.hedged.to_string(), e.hedged.to_string()),
            ("victim_side", g.victim_side.clone(), e.victim_side.clone()),
        ];
        for (attr, gv, ev) in differing.into_iter().filter(|(_, gv, ev)| gv != ev) {
            report.attribute_errors.push(Miss { table: "casualty_claims".into(), file: g.file.clone(), key: format!("{attr} gold {gv}, extracted {ev} ({})", g.count_text), text: g.text.clone() });
        }
    }
    collect_misses(&mut report, "casualty_claims", &gold.claims, &ext.claims, &pairs, |c| (c.file.clone(), format!("{} ({})", claim_key(c), c.count_text), c.text.clone()));
    // Named casualties.
    let pairs = match_rows(&gold.named, &ext.named, |r| format!("{}|{}", r.file, fold(&r.name)), |r| format!("{}|{}", r.file, fold(&r.name)), |_| String::new(), |_| String::new());
    report.named_casualties = TableScore::new(gold.named.len(), ext.named.len(), pairs.len());
    collect_misses(&mut report, "named_casualties", &gold.named, &ext.named, &pairs, |r| (r.file.clone(), format!("{} ({})", r.name, r.outcome), r.text.clone()));
    // Statements.
    let pairs = match_rows(
        &gold.statements,
        &ext.statements,
        |r| format!("{}|{}|{}", r.file, r.stance, last_word(&r.speaker)),
        |r| format!("{}|{}|{}", r.file, r.stance, last_word(&r.speaker)),
        |r| r.text.clone(),
        |r| r.text.clone(),
    );
    report.statements = TableScore::new(gold.statements.len(), ext.statements.len(), pairs.len());
    collect_misses(&mut report, "statements", &gold.statements, &ext.statements, &pairs, |r| (r.file.clone(), format!("{} by {}", r.stance, r.speaker), r.text.clone()));
    report
}

fn collect_misses<T>(report: &mut EvalReport, table: &str, gold: &[T], ext: &[T], pairs: &[(usize, usize)], show: impl Fn(&T) -> (String, String, String)) {
    let gm: Vec<usize> = pairs.iter().map(|p| p.0).collect();
    let em: Vec<usize> = pairs.iter().map(|p| p.1).collect();
    for (i, g) in gold.iter().enumerate() {
        if !gm.contains(&i) {
            let (file, key, text) = show(g);
            report.missed.push(Miss { table: table.to_string(), file, key, text });
        }
    }
    for (i, e) in ext.iter().enumerate() {
        if !em.contains(&i) {
            let (file, key, text) = show(e);
            report.spurious.push(Miss { table: table.to_string(), file, key, text });
        }
    }
}

/// Reads gold annotations (JSON Lines, codebook section 6).
pub fn read_gold(path: &Path) -> Result<Rows, EvalError> {
    let text = std::fs::read_to_string(path).map_err(|source| EvalError::Read { path: path.to_path_buf(), source })?;
    parse_gold(&text, path)
}

/// Parses gold JSON Lines; `path` only names the source in errors.
pub fn parse_gold(text: &str, path: &Path) -> Result<Rows, EvalError> {
    let mut rows = Rows::default();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let err = |message: String| EvalError::Gold { path: path.to_path_buf(), line: i + 1, message };
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| err(e.to_string()))?;
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
        let int = |k: &str| v.get(k).and_then(|x| x.as_i64());
        let file = s("file");
        match s("table").as_str() {
            "casualty_claims" => rows.claims.push(ClaimRow {
                file,
                outcome: s("outcome"),
                qualifier: s("qualifier"),
                count_low: int("count_low"),
                count_high: int("count_high"),
                count_text: s("count_text"),
                source_type: s("source_type"),
                hedged: v.get("hedged").and_then(|x| x.as_bool()).unwrap_or(false),
                victim_side: s("victim_side"),
                text: s("evidence"),
            }),
            "named_casualties" => rows.named.push(NamedRow { file, name: s("name"), outcome: s("outcome"), text: s("evidence") }),
            "statements" => rows.statements.push(StatementRow { file, stance: s("stance"), speaker: s("speaker"), text: s("evidence") }),
            other => return Err(err(format!("unknown table {other:?}"))),
        }
    }
    Ok(rows)
}

type Record = BTreeMap<String, String>;

fn read_csv(path: &Path) -> Result<Vec<Record>, EvalError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_path(path)
        .map_err(|e| EvalError::Csv { path: path.to_path_buf(), message: e.to_string() })?;
    let headers = rdr.headers().map_err(|e| EvalError::Csv { path: path.to_path_buf(), message: e.to_string() })?.clone();
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| EvalError::Csv { path: path.to_path_buf(), message: e.to_string() })?;
        out.push(headers.iter().zip(rec.iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect());
    }
    Ok(out)
}

fn field(r: &Record, k: &str) -> String {
    r.get(k).cloned().unwrap_or_default()
}
fn int_field(r: &Record, k: &str) -> Option<i64> {
    r.get(k).and_then(|v| v.trim().parse().ok())
}

/// Reads a release's CSV tables as rows to score, keyed by `documents.source_path`.
pub fn read_release(release_dir: &Path) -> Result<Rows, EvalError> {
    let csv_dir = release_dir.join("csv");
    let docs = read_csv(&csv_dir.join("documents.csv"))?;
    let file_of: BTreeMap<String, String> = docs.iter().map(|d| (field(d, "doc_id"), field(d, "source_path"))).collect();
    let sentences = read_csv(&csv_dir.join("sentences.csv"))?;
    let sentence_text: BTreeMap<(String, i64), String> =
        sentences.iter().filter_map(|s| Some(((field(s, "doc_id"), int_field(s, "sentence_idx")?), field(s, "text")))).collect();
    let text_of = |r: &Record| -> String {
        int_field(r, "sentence_idx").and_then(|i| sentence_text.get(&(field(r, "doc_id"), i)).cloned()).unwrap_or_default()
    };
    let file = |r: &Record| file_of.get(&field(r, "doc_id")).cloned().unwrap_or_else(|| field(r, "doc_id"));
    let mut rows = Rows::default();
    for r in read_csv(&csv_dir.join("casualty_claims.csv"))? {
        rows.claims.push(ClaimRow {
            file: file(&r),
            outcome: field(&r, "outcome"),
            qualifier: field(&r, "qualifier"),
            count_low: int_field(&r, "count_low"),
            count_high: int_field(&r, "count_high"),
            count_text: field(&r, "count_text"),
            source_type: field(&r, "source_type"),
            hedged: matches!(field(&r, "hedged").to_lowercase().as_str(), "true" | "1"),
            victim_side: field(&r, "victim_side"),
            text: text_of(&r),
        });
    }
    for r in read_csv(&csv_dir.join("named_casualties.csv"))? {
        rows.named.push(NamedRow { file: file(&r), name: field(&r, "name"), outcome: field(&r, "outcome"), text: String::new() });
    }
    for r in read_csv(&csv_dir.join("statements.csv"))? {
        rows.statements.push(StatementRow { file: file(&r), stance: field(&r, "stance"), speaker: field(&r, "speaker"), text: text_of(&r) });
    }
    Ok(rows)
}

/// Scores the release in `release_dir` against the gold file (codebook section 6). Gold files
/// that no released document comes from are listed, and their rows count as missed.
pub fn evaluate(release_dir: &Path, gold_path: &Path) -> Result<EvalReport, EvalError> {
    let gold = read_gold(gold_path)?;
    let ext = read_release(release_dir)?;
    // Score only documents the gold covers: a release of many articles may hold others.
    let gold_files: std::collections::BTreeSet<String> =
        gold.claims.iter().map(|r| r.file.clone()).chain(gold.named.iter().map(|r| r.file.clone())).chain(gold.statements.iter().map(|r| r.file.clone())).collect();
    let released: std::collections::BTreeSet<String> =
        ext.claims.iter().map(|r| r.file.clone()).chain(ext.named.iter().map(|r| r.file.clone())).chain(ext.statements.iter().map(|r| r.file.clone())).collect();
    let docs = read_csv(&release_dir.join("csv").join("documents.csv"))?;
    let doc_files: std::collections::BTreeSet<String> = docs.iter().map(|d| field(d, "source_path")).collect();
    let in_gold = |f: &String| gold_files.contains(f) || gold_files.iter().any(|g| f.ends_with(&format!("/{g}")));
    let ext = Rows {
        claims: ext.claims.into_iter().filter(|r| in_gold(&r.file)).map(|mut r| { r.file = base(&r.file, &gold_files); r }).collect(),
        named: ext.named.into_iter().filter(|r| in_gold(&r.file)).map(|mut r| { r.file = base(&r.file, &gold_files); r }).collect(),
        statements: ext.statements.into_iter().filter(|r| in_gold(&r.file)).map(|mut r| { r.file = base(&r.file, &gold_files); r }).collect(),
    };
    let _ = released;
    let mut report = score(&gold, &ext);
    report.unmatched_files = gold_files.iter().filter(|g| !doc_files.iter().any(|d| d == *g || d.ends_with(&format!("/{g}")))).cloned().collect();
    Ok(report)
}

/// The gold's name for a released path (`sub/d01.txt` -> `d01.txt` when the gold says so).
fn base(f: &str, gold_files: &std::collections::BTreeSet<String>) -> String {
    if gold_files.contains(f) {
        return f.to_string();
    }
    gold_files.iter().find(|g| f.ends_with(&format!("/{g}"))).cloned().unwrap_or_else(|| f.to_string())
}

impl fmt::Display for EvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{:<18} {:>5} {:>9} {:>7} {:>9} {:>7} {:>6}", "table", "gold", "extracted", "matched", "precision", "recall", "F1")?;
        for (name, s) in [("casualty_claims", &self.claims), ("named_casualties", &self.named_casualties), ("statements", &self.statements)] {
            writeln!(f, "{:<18} {:>5} {:>9} {:>7} {:>9.3} {:>7.3} {:>6.3}", name, s.gold, s.extracted, s.matched, s.precision, s.recall, s.f1)?;
        }
        let a = &self.claim_attributes;
        writeln!(f, "matched claims: {}; source_type accuracy {:.3}, hedged {:.3}, victim_side {:.3}", a.matched, a.source_type, a.hedged, a.victim_side)?;
        if !self.unmatched_files.is_empty() {
            writeln!(f, "gold files with no released document: {}", self.unmatched_files.join(", "))?;
        }
        for (title, rows) in [("missed", &self.missed), ("spurious", &self.spurious), ("attributes differing on matched claims", &self.attribute_errors)] {
            if !rows.is_empty() {
                writeln!(f, "\n{title} ({}):", rows.len())?;
                for m in rows {
                    writeln!(f, "  [{}] {} {}: {}", m.table, m.file, m.key, m.text)?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(file: &str, outcome: &str, low: Option<i64>) -> ClaimRow {
        ClaimRow { file: file.into(), outcome: outcome.into(), qualifier: "exact".into(), count_low: low, count_high: low, ..Default::default() }
    }

    #[test]
    fn scores_by_key_per_file() {
        let gold = Rows { claims: vec![claim("a", "killed", Some(3)), claim("a", "wounded", Some(5)), claim("b", "killed", Some(3))], ..Default::default() };
        let ext = Rows { claims: vec![claim("a", "killed", Some(3)), claim("b", "killed", Some(4))], ..Default::default() };
        let r = score(&gold, &ext);
        assert_eq!(r.claims.matched, 1);
        assert!((r.claims.precision - 0.5).abs() < 1e-9);
        assert!((r.claims.recall - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(r.missed.len(), 2);
        assert_eq!(r.spurious.len(), 1);
    }

    #[test]
    fn statements_match_on_speaker_last_word_and_names_fold() {
        let gold = Rows {
            statements: vec![StatementRow { file: "a".into(), stance: "denial".into(), speaker: "Russian Defence Ministry".into(), text: String::new() }],
            named: vec![NamedRow { file: "a".into(), name: "Sofiia Movchan".into(), ..Default::default() }],
            ..Default::default()
        };
        let ext = Rows {
            statements: vec![StatementRow { file: "a".into(), stance: "denial".into(), speaker: "Defence ministry".into(), text: String::new() }],
            named: vec![NamedRow { file: "a".into(), name: "SOFIIA MOVCHÁN".into(), ..Default::default() }],
            ..Default::default()
        };
        let r = score(&gold, &ext);
        assert_eq!(r.statements.f1, 1.0);
        assert_eq!(r.named_casualties.f1, 1.0);
    }

    #[test]
    fn evaluates_a_release_directory() {
        let dir = std::env::temp_dir().join(format!("eval-test-{}", std::process::id()));
        let csv = dir.join("csv");
        std::fs::create_dir_all(&csv).expect("temp dir");
        let write = |name: &str, body: &str| std::fs::write(csv.join(name), body).expect("write");
        write("documents.csv", "doc_id,source_path\nD1,a.txt\nD2,other.txt\n");
        write("sentences.csv", "doc_id,sentence_idx,start,end,zone,text\nD1,0,0,20,body,Three soldiers were killed.\n");
        write(
            "casualty_claims.csv",
            "claim_id,doc_id,sentence_idx,start,end,count_text,count_low,count_high,qualifier,outcome,victim_text,victim_side,victim_type,location_text,time_text,event_date,event_date_precision,source_text,source_type,hedged,rule_id\n\
             c1,D1,0,0,20,Three,3,3,exact,killed,soldiers,russia,military,,,,,,none,false,r\n\
             c2,D2,0,0,20,Two,2,2,exact,killed,,unspecified,unspecified,,,,,,none,false,r\n",
        );
        write("named_casualties.csv", "doc_id,name,age,hometown,affiliation,outcome,time_text,event_date,place_text,start,end\n");
        write("statements.csv", "statement_id,doc_id,sentence_idx,start,end,speaker,speaker_type,stance,topic,quote\n");
        let gold = dir.join("gold.jsonl");
        std::fs::write(&gold, r#"{"table": "casualty_claims", "file": "a.txt", "evidence": "Three soldiers were killed", "count_low": 3, "count_high": 3, "qualifier": "exact", "outcome": "killed", "source_type": "none", "hedged": false, "victim_side": "russia"}"#).expect("gold");
        let report = evaluate(&dir, &gold).expect("evaluates");
        // The document not in the gold is not scored.
        assert_eq!((report.claims.matched, report.claims.extracted, report.claims.gold), (1, 1, 1));
        assert_eq!(report.claim_attributes.victim_side, 1.0);
        assert!(report.to_string().contains("casualty_claims"));
        let json = serde_json::to_string(&report).expect("serializes");
        assert!(json.contains("\"f1\""));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn empty_sets_score_perfectly() {
        let r = score(&Rows::default(), &Rows::default());
        assert_eq!(r.claims.f1, 1.0);
    }
}
