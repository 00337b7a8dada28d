//! The whole pipeline on `data/raw`: release layout, verify, determinism, overwrite refusal.

use crate::util::{assert_same_tree, csv_rows, manifest, repo, tree, Workdir};
use casualty_corpus::release::tables::TABLES;

#[test]
fn builds_data_raw_into_a_complete_verified_release() {
    let w = Workdir::new();
    let release = w.build(&repo().join("data/raw"), "releases", "0.1.0", &[]);
    for t in TABLES {
        for f in [format!("parquet/{}.parquet", t.name), format!("csv/{}.csv", t.name), format!("schemas/{}.schema.json", t.name)] {
            assert!(release.join(&f).is_file(), "{f} missing");
        }
    }
    for f in ["manifest.json", "datapackage.json", "README.md", "report.html"] {
        assert!(release.join(f).is_file(), "{f} missing");
    }
    let out = w.run(&["verify", release.to_str().unwrap()], true);
    assert!(String::from_utf8_lossy(&out.stdout).contains("OK"));
    // The card says where the articles come from (data/raw/metadata.csv): outlets by count,
    // languages, and the span of publication dates.
    let card = std::fs::read_to_string(release.join("README.md")).unwrap();
    let sources = &card[card.find("## Sources").unwrap()..card.find("## How it was built").unwrap()];
    assert!(sources.contains("| The Moscow Times | 3 |\n| The Fiscal Times | 1 |"), "{sources}");
    assert!(sources.contains("Languages (detected, documents): `en` 5."), "{sources}");
    assert!(sources.contains("Published from 2015-03 to 2023-06; 0 kept documents have no publication date."), "{sources}");

    let m = manifest(&release);
    assert_eq!(m["counts"]["articles_in"], 5);
    assert_eq!(m["counts"]["kept"], 5);
    assert_eq!(m["release_version"], "0.1.0");
    // The input digest is the SHA-256 of the sorted raw digests, one per line.
    let mut raw: Vec<String> = std::fs::read_dir(repo().join("data/raw"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap() != "metadata.csv")
        .map(|p| casualty_corpus::lexicon::hex_sha256(&std::fs::read(p).unwrap()))
        .collect();
    raw.sort();
    let joined: String = raw.iter().map(|r| format!("{r}\n")).collect();
    assert_eq!(m["input_digest"], casualty_corpus::lexicon::hex_sha256(joined.as_bytes()));
    // Every file but the manifest is listed, with rows for tables.
    let listed: Vec<&str> = m["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(listed.len(), 7 * 3 + 3);
    assert_eq!(m["files"].as_array().unwrap().iter().find(|f| f["path"] == "csv/documents.csv").unwrap()["rows"], 5);

    let docs = csv_rows(&release, "documents");
    assert_eq!(docs.len(), 5);
    let first = &docs[0];
    assert_eq!(first["source_path"], "000_0346a224d8fb9e5a.txt");
    assert_eq!(first["source_item"], "", "null source_item for a one-article file");
    assert_eq!(first["outlet"], "The Moscow Times");
    assert_eq!(first["published"], "2015-05-28");
    assert_eq!(first["encoding_detected"], "utf-8");
    assert_eq!(first["language"], "en");
    assert_eq!(first["doc_id"], casualty_corpus::lexicon::hex_sha256(first["text"].as_bytes()));
    // Blank metadata is null, not an empty string: 001 has no title (empty CSV field either way),
    // and the Parquet file says null.
    assert_eq!(docs[1]["title"], "");
    assert!(!first["text"].contains('\u{a0}'), "no-break spaces are normalized");
    // Rows are in source_path order.
    let paths: Vec<&str> = docs.iter().map(|d| d["source_path"].as_str()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    // Sentences cover their text by code-point offsets.
    for s in csv_rows(&release, "sentences") {
        let doc = docs.iter().find(|d| d["doc_id"] == s["doc_id"]).expect("sentence of a document");
        let (a, b): (usize, usize) = (s["start"].parse().unwrap(), s["end"].parse().unwrap());
        let span: String = doc["text"].chars().skip(a).take(b - a).collect();
        assert_eq!(span, s["text"]);
    }
}

#[test]
fn same_bytes_for_any_thread_count_and_shard_split() {
    let w = Workdir::new();
    let input = repo().join("data/raw");
    let one = w.build(&input, "t1", "0.1.0", &["--threads", "1"]);
    let two = w.build(&input, "t2", "0.1.0", &["--threads", "2"]);
    assert_same_tree(&one, &two);
    // The map/reduce seam: three shards mapped separately, then reduced, give the same release.
    for k in 1..=3 {
        w.run(&["map", "--input", input.to_str().unwrap(), "--shard", &format!("{k}/3"), "--work", "work"], true);
    }
    w.run(&["reduce", "--work", "work", "--out", "sharded", "--release-version", "0.1.0"], true);
    assert_same_tree(&one, &w.path("sharded/0.1.0"));
}

#[test]
fn schemas_match_checked_in() {
    let dir = repo().join("schemas");
    let update = std::env::var_os("UPDATE_SCHEMAS").is_some();
    for t in TABLES {
        let path = dir.join(format!("{}.schema.json", t.name));
        let generated = t.json_schema_bytes();
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &generated).unwrap();
        }
        let checked_in = std::fs::read(&path).unwrap_or_else(|_| panic!("{} missing: run `make schemas`", path.display()));
        assert!(checked_in == generated, "{} differs from the table definition: run `make schemas` and review the diff", path.display());
    }
    // And a release carries exactly these schemas.
    let w = Workdir::new();
    let release = w.build(&repo().join("data/raw"), "r", "0.1.0", &[]);
    for t in TABLES {
        let name = format!("{}.schema.json", t.name);
        assert_eq!(std::fs::read(release.join("schemas").join(&name)).unwrap(), std::fs::read(dir.join(&name)).unwrap(), "{name}");
    }
}

#[test]
fn verify_names_a_changed_missing_or_extra_file() {
    let w = Workdir::new();
    let release = w.build(&repo().join("data/raw"), "r", "0.1.0", &[]);
    let r = release.to_str().unwrap();
    let csv = release.join("csv/documents.csv");
    let original = std::fs::read(&csv).unwrap();
    let mut changed = original.clone();
    let last = changed.len() - 2;
    changed[last] ^= 1;
    std::fs::write(&csv, &changed).unwrap();
    let out = w.run(&["verify", r], false);
    assert!(String::from_utf8_lossy(&out.stderr).contains("csv/documents.csv: checksum mismatch"), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::write(&csv, &original).unwrap();
    w.run(&["verify", r], true);

    std::fs::write(release.join("notes.txt"), "hello").unwrap();
    let out = w.run(&["verify", r], false);
    assert!(String::from_utf8_lossy(&out.stderr).contains("notes.txt: extra file"));
    std::fs::remove_file(release.join("notes.txt")).unwrap();

    let pq = release.join("parquet/statements.parquet");
    let bytes = std::fs::read(&pq).unwrap();
    std::fs::remove_file(&pq).unwrap();
    let out = w.run(&["verify", r], false);
    assert!(String::from_utf8_lossy(&out.stderr).contains("parquet/statements.parquet: missing"));
    std::fs::write(&pq, bytes).unwrap();
    w.run(&["verify", r], true);
}

#[test]
fn verify_validates_rows_against_the_schema() {
    // A release whose CSV and manifest agree but whose rows break the schema must fail: rewrite
    // a table with a wrong value and re-sign the manifest, as a careless hand edit would.
    let w = Workdir::new();
    let release = w.build(&repo().join("data/raw"), "r", "0.1.0", &[]);
    let csv = release.join("csv/documents.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let bad = text.replacen(",day,en,utf-8,", ",daily,en,utf-8,", 1);
    assert_ne!(bad, text);
    std::fs::write(&csv, &bad).unwrap();
    let mut m = manifest(&release);
    for f in m["files"].as_array_mut().unwrap() {
        if f["path"] == "csv/documents.csv" {
            f["sha256"] = casualty_corpus::lexicon::hex_sha256(bad.as_bytes()).into();
            f["bytes"] = bad.len().into();
        }
    }
    std::fs::write(release.join("manifest.json"), serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    let out = w.run(&["verify", release.to_str().unwrap()], false);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("csv/documents.csv: row 1") && err.contains("daily"), "{err}");
}

#[test]
fn an_existing_release_is_never_overwritten() {
    let w = Workdir::new();
    let input = repo().join("data/raw");
    let release = w.build(&input, "r", "0.1.0", &[]);
    let before = tree(&release);
    // The same build again is a no-op that says so.
    let out = w.run(&["build", "--input", input.to_str().unwrap(), "--out", "r", "--release-version", "0.1.0"], true);
    assert!(String::from_utf8_lossy(&out.stderr).contains("identical"), "{}", String::from_utf8_lossy(&out.stderr));
    // Other input under the same version is refused, naming the version, and nothing changes.
    let other = w.write("other/a.txt", "Three soldiers were killed in shelling on Tuesday, officials said.");
    let out = w.run(&["build", "--input", other.parent().unwrap().to_str().unwrap(), "--out", "r", "--release-version", "0.1.0"], false);
    assert!(String::from_utf8_lossy(&out.stderr).contains("release 0.1.0 already exists"), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(tree(&release), before);
    // No staging or work directories are left behind.
    let left: Vec<String> = std::fs::read_dir(w.path("r")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(left, vec!["0.1.0".to_owned()]);
}

#[test]
fn stats_and_quiet() {
    let w = Workdir::new();
    let input = repo().join("data/raw");
    let out = w.run(&["build", "--quiet", "--input", input.to_str().unwrap(), "--out", "r", "--release-version", "1"], true);
    assert!(out.stderr.is_empty(), "--quiet prints nothing: {}", String::from_utf8_lossy(&out.stderr));
    let json = w.run(&["stats", "r/1", "--json"], true);
    let stats: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(stats["table_rows"]["documents"], 5);
    let claims: u64 = stats["claims_by_outcome"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(claims, stats["table_rows"]["casualty_claims"].as_u64().unwrap());
    let text = String::from_utf8(w.run(&["stats", "r/1"], true).stdout).unwrap();
    assert!(text.contains("rows per table:") && text.contains("claims by source type:"), "{text}");
}

#[test]
fn off_a_terminal_each_stage_logs_a_plain_line() {
    let w = Workdir::new();
    let input = repo().join("data/raw");
    // The test's stderr is a pipe, as in CI or `2> build.log`.
    let out = w.run(&["build", "--input", input.to_str().unwrap(), "--out", "r", "--release-version", "1"], true);
    let log = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    let at = |prefix: &str| lines.iter().position(|l| l.starts_with(prefix)).unwrap_or_else(|| panic!("no `{prefix}` line in:\n{log}"));
    let (map, dedup, write, done) = (at("map 1-of-1: "), at("dedup: 0/5 "), at("write: 0/5 "), at("wrote release 1"));
    assert!(map < dedup && dedup < write && write < done, "stages in order:\n{log}");
    assert!(lines.len() <= 12, "a few lines, not a line per tick:\n{log}");
    assert!(!log.contains('\x1b') && !log.contains('\r'), "no escape codes or carriage returns:\n{log}");
    assert!(out.stdout.is_empty(), "logs go to stderr only");
}

#[test]
fn dates_come_only_from_source_date_epoch() {
    let w = Workdir::new();
    let input = repo().join("data/raw");
    let args = |out: &'static str| vec!["build".to_owned(), "--input".into(), input.to_str().unwrap().into(), "--out".into(), out.into(), "--release-version".into(), "1".into()];
    let a: Vec<String> = args("plain");
    w.run(&a.iter().map(String::as_str).collect::<Vec<_>>(), true);
    let b: Vec<String> = args("dated");
    w.run_env(&b.iter().map(String::as_str).collect::<Vec<_>>(), &[("SOURCE_DATE_EPOCH", "1700000000")], true);
    let package: serde_json::Value = serde_json::from_slice(&std::fs::read(w.path("dated/1/datapackage.json")).unwrap()).unwrap();
    assert_eq!(package["created"], "2023-11-14T22:13:20Z");
    assert_eq!(manifest(&w.path("dated/1"))["created"], "2023-11-14T22:13:20Z");
    let plain = std::fs::read_to_string(w.path("plain/1/datapackage.json")).unwrap();
    assert!(!plain.contains("created"));
    assert!(manifest(&w.path("plain/1")).get("created").is_none());
}

#[test]
fn a_large_jsonl_file_is_read_in_parts_with_the_same_rows() {
    let w = Workdir::new();
    let mut body = String::new();
    for i in 0..120 {
        if i % 17 == 5 {
            body.push_str("{broken line\n");
        } else {
            body.push_str(&serde_json::json!({"id": format!("n{i}"), "text": format!("Record {i}: at least {i} soldiers were killed near village {i}, the governor said. Ελληνικά ünïcödé {}", "x".repeat(i % 40))}).to_string());
            body.push('\n');
        }
    }
    w.write("in/big.jsonl", &body);
    w.write("in/small.txt", "Two medics were wounded on Sunday, the ministry said.");
    let whole = w.build(&w.path("in"), "whole", "1", &[]);
    let parts = w.build(&w.path("in"), "parts", "1", &["--split-bytes", "700"]);
    for table in ["documents", "rejects", "duplicates", "sentences", "casualty_claims"] {
        assert_eq!(csv_rows(&whole, table), csv_rows(&parts, table), "{table}");
    }
    let docs = csv_rows(&parts, "documents");
    assert_eq!(docs.len(), 120 - 7 + 1);
    assert_eq!(docs.last().unwrap()["source_path"], "small.txt");
    assert_eq!(docs[5]["source_item"], "7", "line numbers count the whole file");
    for k in 1..=4 {
        w.run(&["map", "--input", "in", "--split-bytes", "700", "--shard", &format!("{k}/4"), "--work", "work"], true);
    }
    w.run(&["reduce", "--work", "work", "--out", "sharded", "--release-version", "1"], true);
    assert_same_tree(&parts, &w.path("sharded/1"));
}

#[test]
fn the_release_does_not_depend_on_where_or_how_it_was_built() {
    // Same corpus at two absolute paths, built from different working directories with different
    // thread counts: the same bytes, and no path, host or user name inside.
    let w = Workdir::new();
    for name in ["first/place", "second/other/place"] {
        for e in std::fs::read_dir(repo().join("data/raw")).unwrap() {
            let p = e.unwrap().path();
            w.write(&format!("{name}/{}", p.file_name().unwrap().to_str().unwrap()), std::fs::read(&p).unwrap());
        }
    }
    let a = w.build(&w.path("first/place"), "out_a", "1", &["--threads", "2"]);
    let b = w.build(&w.path("second/other/place"), "out_b", "1", &["--threads", "1"]);
    assert_same_tree(&a, &b);
    let root = w.dir.path().to_str().unwrap().to_owned();
    let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default().trim().to_owned();
    for (name, bytes) in tree(&a) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(&root), "{name} holds the build directory");
        assert!(host.len() < 4 || !text.contains(&host), "{name} holds the host name");
        assert!(!text.contains("/work/") && !text.contains("/tmp/"), "{name} holds an absolute path");
    }
}

#[test]
fn sample_articles_lose_their_boilerplate_and_repeats() {
    let w = Workdir::new();
    let release = w.build(&repo().join("data/raw"), "r", "1", &[]);
    let docs = csv_rows(&release, "documents");
    let text = |prefix: &str| docs.iter().find(|d| d["source_path"].starts_with(prefix)).map(|d| d["text"].clone()).unwrap();
    let gone: &[(&str, &[&str])] = &[
        ("000", &["Support The Moscow Times!", "Now is the time to support independent reporting", "Contribute Today", "Alexei Druzhinin", "Read more"]),
        ("001", &["Related: Why Congress", "Related: Obama", "Related: Putin Always Had a Plan", "Top Reads from The Fiscal Times"]),
        ("003", &["Support The Moscow Times!", "Alexander Ryumin / TASS", "Read more"]),
        (
            "004",
            &[
                "Support The Moscow Times!", "Taisiya Vorontsova / TASS", "Sign up for our free weekly newsletter", "Subscribers agree to the Privacy Policy",
                "A Message from The Moscow Times", "Dear readers,", "please support us monthly", "paiment methods", "Remind me later", "Read more",
            ],
        ),
    ];
    for (prefix, strings) in gone {
        let t = text(prefix);
        for s in *strings {
            assert!(!t.contains(s), "{prefix}: {s:?} is still in documents.text");
        }
    }
    // Body text stays, and 002's repeated paragraphs are kept once.
    assert!(text("000").contains("declared all deaths of Russian soldiers during special operations to be classified as a state secret"));
    let t = text("002");
    assert_eq!(t.matches("However, the Kremlin said today it had no information about Russian mercenaries").count(), 1);
    assert_eq!(t.matches("We don’t have information about other Russians who might be in Syria").count(), 1);
    let removed: i64 = docs.iter().find(|d| d["source_path"].starts_with("002")).unwrap()["boilerplate_chars_removed"].parse().unwrap();
    assert!(removed > 300, "the repeated paragraphs count as removed: {removed}");
    // 002 repeats its Kremlin paragraphs: each act of speaking is still one statement row
    // (its gold has four: a denial, a call for disclosure, a secrecy, a denial by Russia).
    let doc_002 = docs.iter().find(|d| d["source_path"].starts_with("002")).unwrap()["doc_id"].clone();
    let statements: Vec<(String, String)> = csv_rows(&release, "statements").into_iter().filter(|s| s["doc_id"] == doc_002).map(|s| (s["stance"].clone(), s["speaker"].clone())).collect();
    let mut distinct = statements.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), statements.len(), "a statement of 002 is repeated: {statements:?}");
    assert_eq!(statements.len(), 4, "{statements:?}");
    // Captions are marked in sentences.zone.
    let captions: Vec<String> = csv_rows(&release, "sentences").into_iter().filter(|s| s["zone"] == "caption").map(|s| s["text"].clone()).collect();
    assert!(captions.iter().any(|c| c.starts_with("Kremlin lies:")), "{captions:?}");
}
