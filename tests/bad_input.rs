//! Bad and varied input: every article input ends in exactly one of documents, duplicates, rejects.

use crate::util::{csv_rows, manifest, Workdir};

fn utf16le(s: &str) -> Vec<u8> {
    let mut b = vec![0xFF, 0xFE];
    for u in s.encode_utf16() {
        b.extend_from_slice(&u.to_le_bytes());
    }
    b
}

const STORY: &str = "Ukrainian officials said on Tuesday that at least 14 civilians were killed and 30 wounded when a missile struck an apartment block in the city centre. Rescue workers were still searching the rubble late into the night, and the regional governor declared two days of mourning for the victims of the attack.";

#[test]
fn every_input_is_accounted_for() {
    let w = Workdir::new();
    w.write("in/a_story.txt", STORY);
    w.write("in/b_crlf_bom_copy.txt", format!("\u{feff}{}\r\n", STORY.replace(". ", ".\r\n")).replace(".\r\n", ". "));
    w.write("in/c_same_bytes.txt", STORY);
    w.write("in/d_utf16.txt", utf16le("Two soldiers were wounded in shelling near the border village, the regional governor said on Friday."));
    let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode("The café owner said “fourteen” people were killed – officials confirmed the toll on Monday evening.");
    w.write("in/e_cp1252.txt", cp1252);
    w.write("in/f_empty.txt", "");
    w.write("in/g_binary.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10");
    w.write("in/h_truncated_utf16.txt", [0xFF, 0xFE, 0x41, 0x00, 0x42]);
    w.write(
        "in/i_records.jsonl",
        concat!(
            r#"{"id": "r1", "text": "Five soldiers were captured near the river crossing on Sunday, according to the general staff.", "metadata": {"outlet": "Wire", "published": "2024-05-02"}}"#, "\n",
            r#"{"id": "r2", "text": "#, "\n",
            "\n",
            r#"{"id": "r3"}"#, "\n",
            r#"{"id": "r4", "text": 42}"#, "\n",
            r#"{"id": "r1", "text": "A different text under the same id."}"#, "\n",
            r#"[1, 2]"#, "\n",
            r#"{"id": "r8", "text": "Nine people were missing after the flood, local officials said on Monday.", "metadata": {"published": "May 2024"}}"#, "\n",
        ),
    );
    w.write("in/j_table.csv", "id,title,text\nc1,Headline,\"Three medics were killed when their ambulance was hit, the ministry said.\"\nc2,Empty,\n");
    w.write("in/k_no_text.csv", "id,body\nx,hello\n");
    w.write("in/metadata.csv", "file,outlet,title,url,published,published_precision\na_story.txt,Daily,Strike,,2024-03-01,day\ne_cp1252.txt,Daily,,,2024-13-01,day\nmissing.txt,Daily,,,2024-03-01,day\n");
    let release = w.build(&w.path("in"), "out", "1", &[]);
    let m = manifest(&release);
    let c = &m["counts"];
    let (inputs, kept, dups, rejects) = (c["articles_in"].as_u64().unwrap(), c["kept"].as_u64().unwrap(), c["duplicates"].as_u64().unwrap(), c["rejects"].as_u64().unwrap());
    assert_eq!(inputs, kept + dups + rejects);
    // 8 one-article files, 7 JSONL records (the blank line is not one), 2 CSV records, 1 CSV file without text.
    assert_eq!(inputs, 8 + 7 + 2 + 1);

    let rejects_rows = csv_rows(&release, "rejects");
    let reasons: Vec<(String, String, String)> = rejects_rows.iter().map(|r| (r["source_path"].clone(), r["source_item"].clone(), r["reason"].clone())).collect();
    let expect = [
        ("f_empty.txt", "", "empty"),
        ("g_binary.txt", "", "binary"),
        ("h_truncated_utf16.txt", "", "undecodable"),
        ("i_records.jsonl", "2", "malformed_json"),
        ("i_records.jsonl", "4", "no_text_field"),
        ("i_records.jsonl", "5", "text_not_string"),
        ("i_records.jsonl", "6", "duplicate_id"),
        ("i_records.jsonl", "7", "malformed_json"),
        ("i_records.jsonl", "8", "bad_metadata"),
        ("j_table.csv", "2", "empty"),
        ("k_no_text.csv", "", "no_text_field"),
        ("metadata.csv", "2", "bad_metadata"),
        ("metadata.csv", "3", "metadata_unmatched"),
    ];
    for (path, item, reason) in expect {
        assert!(reasons.contains(&(path.into(), item.into(), reason.into())), "no {reason} reject for {path}:{item} in {reasons:#?}");
    }
    assert_eq!(rejects_rows.len(), expect.len(), "{reasons:#?}");
    // Release order: source_path, then source_item (null first).
    let order: Vec<(String, Option<i64>)> = rejects_rows.iter().map(|r| (r["source_path"].clone(), r["source_item"].parse().ok())).collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    let malformed = rejects_rows.iter().find(|r| r["source_item"] == "2").unwrap();
    assert!(malformed["detail"].contains("line 2"), "{}", malformed["detail"]);

    let dups = csv_rows(&release, "duplicates");
    let kinds: Vec<(&str, &str)> = dups.iter().map(|d| (d["source_path"].as_str(), d["kind"].as_str())).collect();
    assert_eq!(kinds, vec![("b_crlf_bom_copy.txt", "exact_text"), ("c_same_bytes.txt", "exact_raw")]);

    let docs = csv_rows(&release, "documents");
    let enc: Vec<(&str, &str)> = docs.iter().map(|d| (d["source_path"].as_str(), d["encoding_detected"].as_str())).collect();
    assert!(enc.contains(&("d_utf16.txt", "utf-16le")), "{enc:?}");
    assert!(enc.contains(&("e_cp1252.txt", "windows-1252")), "{enc:?}");
    let cp = docs.iter().find(|d| d["source_path"] == "e_cp1252.txt").unwrap();
    assert!(cp["text"].contains("café owner said “fourteen”"));
    assert_eq!(cp["published"], "", "the bad date is nulled");
    let rec = docs.iter().find(|d| d["source_id"] == "r1").unwrap();
    assert_eq!((rec["source_path"].as_str(), rec["source_item"].as_str(), rec["outlet"].as_str()), ("i_records.jsonl", "1", "Wire"));
    assert_eq!(rec["published_precision"], "day");
    let csv_doc = docs.iter().find(|d| d["source_id"] == "c1").unwrap();
    assert_eq!((csv_doc["title"].as_str(), csv_doc["source_item"].as_str()), ("Headline", "1"));
    w.run(&["verify", release.to_str().unwrap()], true);
}

#[test]
fn compressed_jsonl_is_read() {
    use std::io::Write;
    let w = Workdir::new();
    let lines = "{\"id\": \"1\", \"text\": \"Four soldiers were killed in an ambush, the army said.\"}\n{\"id\": \"2\", \"text\": \"Seven civilians were wounded by shelling, local officials said.\"}\n";
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(lines.as_bytes()).unwrap();
    w.write("in/a.jsonl.gz", gz.finish().unwrap());
    w.write("in/b.jsonl.zst", zstd::encode_all(lines.replace("\"1\"", "\"3\"").replace("Four", "Six").as_bytes(), 3).unwrap());
    let mut truncated = zstd::encode_all(lines.repeat(200).as_bytes(), 3).unwrap();
    truncated.truncate(truncated.len() / 2);
    w.write("in/c.jsonl.zst", truncated);
    let release = w.build(&w.path("in"), "out", "1", &[]);
    let docs = csv_rows(&release, "documents");
    assert!(docs.iter().any(|d| d["source_path"] == "a.jsonl.gz" && d["source_item"] == "2"));
    assert!(docs.iter().any(|d| d["source_path"] == "b.jsonl.zst" && d["source_item"] == "1"));
    let rejects = csv_rows(&release, "rejects");
    assert!(rejects.iter().any(|r| r["source_path"] == "c.jsonl.zst" && r["reason"] == "truncated"), "{rejects:?}");
    let m = manifest(&release);
    let c = &m["counts"];
    assert_eq!(c["articles_in"].as_u64(), Some(c["kept"].as_u64().unwrap() + c["duplicates"].as_u64().unwrap() + c["rejects"].as_u64().unwrap()));
}

#[test]
fn too_large_articles_are_rejected_not_read() {
    let w = Workdir::new();
    w.write("in/big.txt", "word ".repeat(5000));
    w.write("in/lines.jsonl", format!("{{\"id\":\"1\",\"text\":\"{}\"}}\n{{\"id\":\"2\",\"text\":\"short one\"}}\n", "x".repeat(5000)));
    // The limit is on the text: a text of exactly the limit is read, whatever the other columns hold.
    let at_limit = format!("Four soldiers were killed. {}", "x".repeat(1000 - 27));
    w.write("in/table.csv", format!("id,title,text\n1,A title,{at_limit}\n2,A title,{at_limit}y\n"));
    let release = w.build(&w.path("in"), "out", "1", &["--max-article-bytes", "1000"]);
    let rejects = csv_rows(&release, "rejects");
    let got: Vec<(&str, &str, &str)> = rejects.iter().map(|r| (r["source_path"].as_str(), r["source_item"].as_str(), r["reason"].as_str())).collect();
    assert_eq!(got, vec![("big.txt", "", "too_large"), ("lines.jsonl", "1", "too_large"), ("table.csv", "2", "too_large")]);
    assert_eq!(csv_rows(&release, "documents").len(), 2);
}

#[test]
fn fatal_errors_are_one_clear_line() {
    let w = Workdir::new();
    let out = w.run(&["build", "--input", "no/such/dir", "--out", "out", "--release-version", "1"], false);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: ") && err.contains("no/such/dir"), "{err}");
    let out = w.run(&["build", "--input", "no", "--out", "out", "--release-version", "../x"], false);
    assert!(String::from_utf8_lossy(&out.stderr).contains("release version"));
}

#[test]
fn odd_files_do_not_block_or_stop_the_build() {
    use std::os::unix::ffi::OsStrExt;
    let w = Workdir::new();
    w.write("in/a.txt", "Four soldiers were killed in the attack on Monday, officials said.");
    let fifo = w.path("in/b_pipe.txt");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    std::os::unix::fs::symlink(w.path("in/nowhere.txt"), w.path("in/c_broken_link.txt")).unwrap();
    let odd_name = w.path("in").join(std::ffi::OsStr::from_bytes(b"d_caf\xe9.txt"));
    std::fs::write(&odd_name, "Nine civilians were wounded by shelling, the governor said.").unwrap();
    std::os::unix::fs::symlink(w.path("in"), w.path("in/e_loop")).unwrap();
    let release = w.build(&w.path("in"), "out", "1", &[]);
    let rejects = csv_rows(&release, "rejects");
    let got: Vec<(&str, &str)> = rejects.iter().map(|r| (r["source_path"].as_str(), r["reason"].as_str())).collect();
    assert_eq!(got, vec![("b_pipe.txt", "unreadable"), ("c_broken_link.txt", "unreadable"), ("e_loop", "unreadable")]);
    let docs: Vec<String> = csv_rows(&release, "documents").into_iter().map(|d| d["source_path"].clone()).collect();
    assert_eq!(docs, vec!["a.txt".to_owned(), "d_caf\u{fffd}.txt".to_owned()]);
}

/// Reject reasons by (source_path, source_item) of a release, and the accounting rule checked.
fn reasons(release: &std::path::Path) -> Vec<(String, String, String)> {
    let m = manifest(release);
    let c = &m["counts"];
    let n = |k: &str| c[k].as_u64().unwrap();
    assert_eq!(n("articles_in"), n("kept") + n("duplicates") + n("rejects"), "in = kept + duplicates + rejects: {c}");
    csv_rows(release, "rejects").iter().map(|r| (r["source_path"].clone(), r["source_item"].clone(), r["reason"].clone())).collect()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

/// Runs the binary and samples its peak resident memory (VmHWM, KiB) until it exits.
fn run_watching_memory(w: &Workdir, args: &[&str]) -> (std::process::ExitStatus, u64) {
    let mut child = crate::util::bin().args(args).current_dir(w.dir.path()).stdout(std::process::Stdio::null()).spawn().expect("run binary");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(status) = std::fs::read_to_string(&status_file) {
            let hwm = status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok());
            peak = peak.max(hwm.unwrap_or(0));
        }
        if let Some(status) = child.try_wait().expect("wait") {
            return (status, peak);
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

#[test]
fn a_huge_csv_field_is_skipped_not_held() {
    // A gzip stream of many members, each 16 MiB of `a`: 128 MiB in one quoted CSV field.
    let block = gzip(&vec![b'a'; 16 << 20]);
    let mut bomb = gzip(b"id,text\n1,\"");
    for _ in 0..8 {
        bomb.extend_from_slice(&block);
    }
    bomb.extend(gzip(format!("\"\n2,\"{STORY}\"\n").as_bytes()));
    let w = Workdir::new();
    w.write("in/bomb.csv.gz", bomb);
    let (status, peak_kib) = run_watching_memory(&w, &["build", "--input", "in", "--out", "out", "--release-version", "1", "--threads", "1", "--max-article-bytes", "100000"]);
    eprintln!("peak {peak_kib} KiB");
    assert!(status.success());
    let release = w.path("out/1");
    assert_eq!(reasons(&release), vec![("bomb.csv.gz".into(), "1".into(), "too_large".into())]);
    assert_eq!(csv_rows(&release, "documents").len(), 1, "the record after the huge one is read");
    assert!(peak_kib < 250 * 1024, "a 128 MiB field took {peak_kib} KiB");
}

#[test]
fn odd_csv_files_are_rejected_with_a_reason() {
    let w = Workdir::new();
    w.write("in/a_unclosed.csv", format!("id,text\n1,\"{STORY}\"\n2,\"never closed\n3,{STORY} Three.\n"));
    w.write("in/b_header_only.csv", "id,text\n");
    w.write("in/c_no_bytes.csv", "");
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(format!("id,text\n1,\"{STORY}\"\n").encode_utf16().flat_map(u16::to_le_bytes));
    w.write("in/d_utf16.csv", &utf16);
    w.write("in/e_utf16_no_bom.csv", &utf16[2..]);
    w.write("in/f_semicolons.csv", format!("id;text\n1;{STORY}\n"));
    w.write("in/g_blank_lines.csv", "\n\r\n\n");
    let release = w.build(&w.path("in"), "out", "1", &[]);
    let want = [
        ("a_unclosed.csv", "2", "malformed_csv"),
        ("b_header_only.csv", "", "empty"),
        ("c_no_bytes.csv", "", "empty"),
        ("d_utf16.csv", "", "undecodable"),
        ("e_utf16_no_bom.csv", "", "binary"),
        ("f_semicolons.csv", "", "no_text_field"),
        ("g_blank_lines.csv", "", "empty"),
    ];
    let want: Vec<(String, String, String)> = want.iter().map(|(p, i, r)| (p.to_string(), i.to_string(), r.to_string())).collect();
    assert_eq!(reasons(&release), want);
    let rejects = csv_rows(&release, "rejects");
    assert!(rejects[0]["detail"].contains("never closed"), "{}", rejects[0]["detail"]);
    assert!(rejects[5]["detail"].contains("';'-separated"), "{}", rejects[5]["detail"]);
    let docs = csv_rows(&release, "documents");
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["source_item"], "1", "the record before the open quote is kept");
}

#[test]
fn empty_and_corrupt_compressed_files_are_rejected_with_a_reason() {
    let w = Workdir::new();
    let lines = format!("{}\n", serde_json::json!({"id": "1", "text": STORY}));
    let good = gzip(lines.repeat(50).as_bytes());
    w.write("in/a_no_bytes.jsonl", "");
    w.write("in/b_blank_lines.jsonl", "\n \n\r\n");
    w.write("in/c_gzip_of_nothing.jsonl.gz", gzip(b""));
    w.write("in/d_no_bytes.jsonl.gz", "");
    w.write("in/e_not_gzip.jsonl.gz", &lines);
    w.write("in/f_not_zstd.jsonl.zst", &lines);
    w.write("in/g_truncated.jsonl.gz", &good[..good.len() - 6]);
    let release = w.build(&w.path("in"), "out", "1", &[]);
    let got: Vec<(String, String)> = reasons(&release).into_iter().filter(|(p, _, _)| !p.starts_with('g')).map(|(p, _, r)| (p, r)).collect();
    let want = [
        ("a_no_bytes.jsonl", "empty"),
        ("b_blank_lines.jsonl", "empty"),
        ("c_gzip_of_nothing.jsonl.gz", "empty"),
        ("d_no_bytes.jsonl.gz", "empty"),
        ("e_not_gzip.jsonl.gz", "undecodable"),
        ("f_not_zstd.jsonl.zst", "undecodable"),
    ];
    assert_eq!(got, want.iter().map(|(p, r)| (p.to_string(), r.to_string())).collect::<Vec<_>>());
    let rejects = csv_rows(&release, "rejects");
    let detail = |p: &str| rejects.iter().find(|r| r["source_path"] == p).unwrap()["detail"].clone();
    assert!(detail("e_not_gzip.jsonl.gz").contains("gzip stream is corrupt"), "{}", detail("e_not_gzip.jsonl.gz"));
    assert!(detail("f_not_zstd.jsonl.zst").contains("zstd stream is corrupt"), "{}", detail("f_not_zstd.jsonl.zst"));
    assert_eq!(rejects.iter().find(|r| r["source_path"].starts_with('g')).unwrap()["reason"], "truncated");
}

#[test]
fn jsonl_lines_that_are_not_utf8_or_open_with_a_bom() {
    let w = Workdir::new();
    let mut body = format!("{}\n", serde_json::json!({"id": "1", "text": STORY})).into_bytes();
    body.extend_from_slice(b"{\"id\": \"2\", \"text\": \"caf\xe9 owner\"}\n");
    body.extend_from_slice(format!("\u{feff}{}\n", serde_json::json!({"id": "3", "text": "Nine people were missing after the flood, officials said."})).as_bytes());
    w.write("in/a.jsonl", body);
    let release = w.build(&w.path("in"), "out", "1", &[]);
    assert_eq!(reasons(&release), vec![("a.jsonl".into(), "2".into(), "undecodable".into())]);
    let ids: Vec<String> = csv_rows(&release, "documents").iter().map(|d| d["source_id"].clone()).collect();
    assert_eq!(ids, vec!["1".to_owned(), "3".to_owned()], "a byte order mark opening a later line (files joined with cat) is skipped");
}

#[test]
fn the_largest_article_limit_does_not_overflow() {
    let w = Workdir::new();
    w.write("in/a.txt", STORY);
    w.write("in/b.jsonl", format!("{}\n", serde_json::json!({"id": "1", "text": "Five soldiers were captured near the river crossing on Sunday."})));
    w.write("in/c.csv", "id,text\n1,Three medics were killed when their ambulance was hit.\n");
    for limit in [u64::MAX, u64::MAX - 1] {
        let version = if limit == u64::MAX { "1" } else { "2" };
        let release = w.build(&w.path("in"), "out", version, &["--max-article-bytes", &limit.to_string()]);
        assert_eq!(reasons(&release), vec![], "--max-article-bytes {limit}");
        assert_eq!(csv_rows(&release, "documents").len(), 3, "--max-article-bytes {limit}");
    }
}

#[test]
fn a_line_across_split_parts_is_skipped_not_held() {
    // A sparse file: one 160 MiB line of NUL bytes, then a record; parts of 64 MiB start inside it.
    let w = Workdir::new();
    let path = w.write("in/a.jsonl", "");
    let mut f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    f.set_len(160 << 20).unwrap();
    use std::io::{Seek, Write};
    f.seek(std::io::SeekFrom::End(0)).unwrap();
    f.write_all(format!("\n{}\n", serde_json::json!({"id": "2", "text": STORY})).as_bytes()).unwrap();
    drop(f);
    let args = ["build", "--input", "in", "--out", "out", "--release-version", "1", "--threads", "1", "--split-bytes", &(64u64 << 20).to_string()];
    let (status, peak_kib) = run_watching_memory(&w, &args);
    eprintln!("peak {peak_kib} KiB");
    assert!(status.success());
    let release = w.path("out/1");
    assert_eq!(reasons(&release), vec![("a.jsonl".into(), "1".into(), "too_large".into())]);
    let docs = csv_rows(&release, "documents");
    assert_eq!((docs.len(), docs[0]["source_item"].as_str()), (1, "2"));
    assert!(peak_kib < 180 * 1024, "skipping a 160 MiB line took {peak_kib} KiB");
}

#[test]
fn pathological_paragraphs_stay_linear() {
    let w = Workdir::new();
    w.write("in/a_killed.txt", "killed ".repeat(100_000));
    w.write("in/b_paragraphs.txt", (0..50_000).map(|i| format!("p{i}.")).collect::<Vec<_>>().join("\n\n"));
    let started = std::time::Instant::now();
    let release = w.build(&w.path("in"), "out", "1", &["--threads", "1"]);
    assert!(started.elapsed() < std::time::Duration::from_secs(60), "took {:?}", started.elapsed());
    assert_eq!(reasons(&release), vec![]);
    assert_eq!(csv_rows(&release, "documents").len(), 2);
}

#[test]
fn sidecar_oddities_are_bad_metadata() {
    let w = Workdir::new();
    w.write("in/a.txt", STORY);
    w.write("in/b.txt", "Nine people were missing after the flood, local officials said on Monday.");
    w.write("in/metadata.csv", "file,outlet,published\na.txt,Daily,2024-03-01\nb.txt,\"Weekly,2024-03-02\n");
    let release = w.build(&w.path("in"), "out", "1", &[]);
    assert_eq!(reasons(&release), vec![("metadata.csv".into(), "2".into(), "bad_metadata".into())]);
    let docs = csv_rows(&release, "documents");
    assert_eq!((docs[0]["outlet"].as_str(), docs[1]["outlet"].as_str()), ("Daily", ""), "the row with the open quote is not used");

    let w = Workdir::new();
    w.write("in/a.txt", STORY);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend("file,outlet\na.txt,Daily\n".encode_utf16().flat_map(u16::to_le_bytes));
    w.write("in/metadata.csv", utf16);
    let release = w.build(&w.path("in"), "out", "1", &[]);
    assert_eq!(reasons(&release), vec![("metadata.csv".into(), "".into(), "bad_metadata".into())]);
    assert!(csv_rows(&release, "rejects")[0]["detail"].contains("UTF-16"));

    let w = Workdir::new();
    w.write("in/a.txt", STORY);
    std::fs::create_dir_all(w.path("in/metadata.csv")).unwrap();
    let release = w.build(&w.path("in"), "out", "1", &[]);
    assert_eq!(reasons(&release), vec![("metadata.csv".into(), "".into(), "bad_metadata".into())]);
}

#[test]
fn an_unlistable_subdirectory_is_a_reject() {
    use std::os::unix::fs::PermissionsExt;
    let w = Workdir::new();
    w.write("in/a.txt", STORY);
    w.write("in/locked/b.txt", "Nine people were missing after the flood, local officials said on Monday.");
    std::fs::set_permissions(w.path("in/locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let listable = std::fs::read_dir(w.path("in/locked")).is_ok();
    let out = w.run(&["build", "--input", "in", "--out", "out", "--release-version", "1"], true);
    std::fs::set_permissions(w.path("in/locked"), std::fs::Permissions::from_mode(0o755)).unwrap();
    if listable {
        eprintln!("running with the privilege to list any directory: the unlistable case is not exercised");
        return;
    }
    let _ = out;
    assert_eq!(reasons(&w.path("out/1")), vec![("locked".into(), "".into(), "unreadable".into())]);
}

#[test]
fn an_os_error_is_said_once() {
    let w = Workdir::new();
    let out = w.run(&["build", "--input", "no/such/dir", "--out", "out", "--release-version", "1"], false);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
    std::fs::create_dir_all(w.path("meta_dir")).unwrap();
    w.write("in/a.txt", STORY);
    let out = w.run(&["build", "--input", "in", "--metadata", "meta_dir", "--out", "out", "--release-version", "1"], false);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("meta_dir is not a regular file"), "{err}");
}

#[test]
fn a_json_line_of_a_huge_array_is_not_built_in_memory() {
    // 20 MB of `0,`: as a serde_json::Value, ten million elements of 32 bytes each.
    let mut line = b"{\"id\": \"1\", \"extra\": {\"k\": 1}, \"text\": [".to_vec();
    line.extend(b"0,".repeat(10_000_000));
    line.extend_from_slice(b"0]}\n");
    line.extend(format!("{}\n", serde_json::json!({"id": "2", "text": STORY})).into_bytes());
    let w = Workdir::new();
    w.write("in/a.jsonl", line);
    // A limit above the line's size, so that the line is parsed rather than rejected as too large.
    let (status, peak_kib) = run_watching_memory(&w, &["build", "--input", "in", "--out", "out", "--release-version", "1", "--threads", "1", "--max-article-bytes", "67108864"]);
    eprintln!("peak {peak_kib} KiB");
    assert!(status.success());
    assert_eq!(reasons(&w.path("out/1")), vec![("a.jsonl".into(), "1".into(), "text_not_string".into())]);
    assert!(peak_kib < 200 * 1024, "a 20 MB line took {peak_kib} KiB");
}

/// Records without an `id` are articles like any other: the file name is their `source_id`, and
/// they never collide with each other as `duplicate_id`.
#[test]
fn records_without_ids_are_all_kept() {
    let w = Workdir::new();
    w.write(
        "in/a.jsonl",
        "{\"text\": \"Three soldiers were killed in the first town on Monday, officials said.\"}\n\
         {\"text\": \"Five civilians were wounded in another village far away on Tuesday.\"}\n\
         {\"id\": \"x\", \"text\": \"Nine people died in a third place entirely, police said.\"}\n\
         {\"id\": \"x\", \"text\": \"A different story under the same id, which is a real collision.\"}\n",
    );
    w.write("in/b.csv", "text,outlet\n\"Three soldiers were killed here on Monday.\",X\n\"Four people were wounded there today.\",Y\n");
    let release = w.build(&w.path("in"), "out", "1", &[]);
    let docs = csv_rows(&release, "documents");
    assert_eq!(reasons(&release), vec![("a.jsonl".into(), "4".into(), "duplicate_id".into())]);
    assert_eq!(docs.len(), 5, "{docs:?}");
    let ids: Vec<&str> = docs.iter().map(|d| d["source_id"].as_str()).collect();
    assert_eq!(ids.iter().filter(|i| **i == "a.jsonl").count(), 2);
    assert_eq!(ids.iter().filter(|i| **i == "b.csv").count(), 2);
}
