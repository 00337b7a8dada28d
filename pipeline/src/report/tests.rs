use std::collections::BTreeMap;
use std::path::Path;

use super::*;
use crate::release::manifest::{CodeVersion, Counts, Manifest};

fn manifest() -> Manifest {
    Manifest {
        name: "casualty-corpus".into(),
        release_version: "t<1>".into(),
        code_version: CodeVersion { crate_name: "casualty-corpus".into(), crate_version: "0.1.0".into(), commit: "abc".into() },
        created: None,
        input_digest: "0".repeat(64),
        counts: Counts { articles_in: 3, kept: 2, duplicates: 1, near_duplicates: 1, rejects_by_reason: BTreeMap::new(), ..Counts::default() },
        configuration: serde_json::json!({}),
        lexicons: BTreeMap::new(),
        table_rows: BTreeMap::new(),
        files: Vec::new(),
    }
}

fn write_table(dir: &Path, name: &str, rows: &[Vec<&str>]) {
    let t = crate::release::tables::table(name).unwrap();
    let mut w = csv::Writer::from_path(dir.join("csv").join(format!("{name}.csv"))).unwrap();
    w.write_record(t.columns.iter().map(|c| c.name)).unwrap();
    for r in rows {
        assert_eq!(r.len(), t.columns.len(), "{name}");
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
}

const D1: &str = "1111111111111111111111111111111111111111111111111111111111111111";
const D2: &str = "2222222222222222222222222222222222222222222222222222222222222222";
/// Code points beyond the BMP (UTF-16 surrogate pairs) and a `</script>` before the evidence.
const TEXT1: &str = "😀 «Тест» </script><script>alert(1)</script> — at least 14 soldiers were killed, officials said.";

/// A small release: two documents, a claim after astral characters, a statement, a name, a
/// duplicate and a reject, with hostile strings in every free-text column.
fn tiny_release(dir: &Path) {
    std::fs::create_dir_all(dir.join("csv")).unwrap();
    let chars: Vec<char> = TEXT1.chars().collect();
    let start = TEXT1.find("at least").map(|b| TEXT1[..b].chars().count()).unwrap();
    let end = start + "at least 14 soldiers were killed".chars().count();
    let (s, e) = (start.to_string(), end.to_string());
    assert_eq!(chars[start..end].iter().collect::<String>(), "at least 14 soldiers were killed");
    let n1 = chars.len().to_string();
    write_table(
        dir,
        "documents",
        &[
            vec![D1, "a.txt", "", "a.txt", D1, "Outlet & <b>", "Title </script>", "", "2015-03-02", "day", "en", "utf-8", TEXT1, &n1, "10", "1", "0"],
            vec![D2, "b.jsonl", "3", "x", D2, "", "", "", "2016", "year", "", "utf-8", "Plain text.", "11", "2", "1", "0"],
        ],
    );
    write_table(dir, "duplicates", &[vec!["c.txt", "", D1, "near", D1, "0.91234"]]);
    write_table(dir, "rejects", &[vec!["d.txt", "", "", "empty", "The file is empty <img src=x onerror=alert(1)>."]]);
    write_table(dir, "sentences", &[vec![D1, "0", "0", &n1, "body", TEXT1]]);
    write_table(
        dir,
        "casualty_claims",
        &[vec![
            "aaaaaaaaaaaaaaaa", D1, "0", &s, &e, "at least 14", "14", "", "at_least", "killed", "soldiers", "unspecified", "military", "", "", "", "", "officials",
            "official_other", "false", "r1",
        ]],
    );
    write_table(dir, "named_casualties", &[]);
    write_table(dir, "statements", &[vec!["bbbbbbbbbbbbbbbb", D1, "0", "0", "1", "Kremlin", "official_russia", "denial", "casualties", "\u{2028}</script>"]]);
}

fn embedded(html: &str) -> serde_json::Value {
    let open = "<script type=\"application/json\" id=\"report-data\">";
    let from = html.find(open).unwrap() + open.len();
    let to = from + html[from..].find("</script>").unwrap();
    serde_json::from_str(&html[from..to]).unwrap()
}

#[test]
fn escape_html_escapes_markup_and_quotes() {
    assert_eq!(escape_html("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    assert_eq!(escape_html("Тест 😀"), "Тест 😀");
}

#[test]
fn script_json_cannot_close_the_script_and_round_trips() {
    let v = serde_json::json!({"t": "</script><!-- & \u{2028}\u{2029} </SCRIPT>", "n": [1, null, true]});
    let s = script_json(&v);
    assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
    assert!(!s.contains('\u{2028}') && !s.contains('\u{2029}'));
    assert_eq!(serde_json::from_str::<serde_json::Value>(&s).unwrap(), v);
}

#[test]
fn months_come_from_month_or_day_dates_only() {
    assert_eq!(month_of(Some("2015-03-02")).as_deref(), Some("2015-03"));
    assert_eq!(month_of(Some("2015-03")).as_deref(), Some("2015-03"));
    assert_eq!(month_of(Some("2015")), None);
    assert_eq!(month_of(Some("garbage!")), None);
    assert_eq!(month_of(None), None);
}

#[test]
fn log_bins_cover_the_largest_count() {
    assert_eq!(plots::log_edges(1), vec![1, 2, 5, 10]);
    assert_eq!(plots::log_edges(10), vec![1, 2, 5, 10, 20, 50, 100]);
    assert!(*plots::log_edges(123_456).last().unwrap() > 123_456);
}

#[test]
fn embedded_rows_carry_code_point_evidence_and_escaped_text() {
    let dir = tempfile::tempdir().unwrap();
    tiny_release(dir.path());
    let html = render(dir.path(), &manifest()).unwrap();
    // Exactly one closing tag per script element: the data cannot end its element early.
    assert_eq!(html.matches("</script>").count(), 2);
    assert!(!html.contains("<img"));
    assert!(html.contains("t&lt;1&gt;"));
    let v = embedded(&html);
    let claim = &v["claims"][0];
    assert_eq!(claim[0], 0);
    assert_eq!(claim[3], "at least 14 soldiers were killed");
    let text: Vec<char> = v["docs"][0][7].as_str().unwrap().chars().collect();
    let (s, e) = (claim[1].as_u64().unwrap() as usize, claim[2].as_u64().unwrap() as usize);
    assert_eq!(text[s..e].iter().collect::<String>(), "at least 14 soldiers were killed");
    assert_eq!(v["docs"][0][3], "Title </script>");
    assert_eq!(v["statements"][0][3], "😀");
    assert_eq!(v["statements"][0][8], "\u{2028}</script>");
    assert_eq!(v["dict"]["outcome"][claim[8].as_u64().unwrap() as usize], "killed");
    assert_eq!(v["duplicates"][0][5], 0.9123);
    assert_eq!(v["rejects"][0][2], "empty");
}

#[test]
fn report_is_deterministic_self_contained_and_ignores_the_file_list() {
    let dir = tempfile::tempdir().unwrap();
    tiny_release(dir.path());
    let a = render(dir.path(), &manifest()).unwrap();
    let mut m = manifest();
    m.files.push(crate::release::manifest::FileEntry { path: "csv/x.csv".into(), sha256: "0".repeat(64), bytes: 1, rows: Some(1) });
    let b = render(dir.path(), &m).unwrap();
    assert_eq!(a, b);
    for bad in ["src=\"http", "href=\"http", "url(http", "@import", "fetch(", "XMLHttpRequest"] {
        assert!(!a.contains(bad), "{bad}");
    }
    assert!(a.contains("<svg"));
}

#[test]
fn document_texts_beyond_the_budget_are_not_embedded() {
    let dir = tempfile::tempdir().unwrap();
    tiny_release(dir.path());
    let limits = Limits { max_rows: 1, max_text_bytes: TEXT1.len() };
    let html = render_with(dir.path(), &manifest(), &limits).unwrap();
    let v = embedded(&html);
    assert_eq!(v["docs"].as_array().unwrap().len(), 1);
    assert!(v["docs"][0][7].is_string());
    // The evidence is embedded with the claim either way.
    assert_eq!(v["claims"][0][3], "at least 14 soldiers were killed");
    let limits = Limits { max_rows: 10, max_text_bytes: 5 };
    let v = embedded(&render_with(dir.path(), &manifest(), &limits).unwrap());
    assert!(v["docs"][0][7].is_null() && v["docs"][1][7].is_null());
    assert!(html.contains("first 1 embedded"));
}

#[test]
fn empty_release_renders_no_data_plots() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("csv")).unwrap();
    for t in crate::release::tables::TABLES {
        write_table(dir.path(), t.name, &[]);
    }
    let html = render(dir.path(), &manifest()).unwrap();
    assert_eq!(html.matches(">no data</text>").count(), 4);
}

#[test]
fn the_report_is_written_beside_the_release_never_inside() {
    let root = tempfile::tempdir().unwrap();
    let rel = root.path().join("0.1.0");
    tiny_release(&rel);
    std::fs::write(rel.join("manifest.json"), manifest().to_bytes()).unwrap();
    assert_eq!(default_output(&rel), root.path().join("0.1.0.report.html"));
    let dotted = rel.join("csv").join("..");
    assert_eq!(default_output(&dotted), rel.canonicalize().unwrap().with_file_name("0.1.0.report.html"));
    let inside = rel.join("sub").join("..").join("report.html");
    assert!(matches!(write_beside(&rel, Some(&inside)), Err(ReportError::InsideRelease(_))));
    let out = write_beside(&rel, None).unwrap();
    assert_eq!(out, root.path().join("0.1.0.report.html"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), render(&rel, &manifest()).unwrap());
    assert!(!rel.join("report.html").exists());
}

#[test]
fn evidence_is_right_when_rows_are_not_in_document_order() {
    let dir = tempfile::tempdir().unwrap();
    tiny_release(dir.path());
    let start = TEXT1.find("at least").map(|b| TEXT1[..b].chars().count()).unwrap();
    let (s, e) = (start.to_string(), (start + 8).to_string());
    let row = |doc: &'static str, s: &str, e: &str| -> Vec<String> {
        [
            "cccccccccccccccc", doc, "0", s, e, "one", "1", "1", "exact", "killed", "", "unspecified", "unspecified", "", "", "", "", "", "none", "true", "r",
        ]
        .iter()
        .map(|v| (*v).to_owned())
        .collect()
    };
    let rows = [row(D2, "0", "5"), row(D1, &s, &e), row(D2, "6", "10"), row(D1, "0", "1"), row(D2, "0", "99")];
    let rows: Vec<Vec<&str>> = rows.iter().map(|r| r.iter().map(String::as_str).collect()).collect();
    write_table(dir.path(), "casualty_claims", &rows);
    let v = embedded(&render(dir.path(), &manifest()).unwrap());
    let ev: Vec<&serde_json::Value> = (0..5).map(|i| &v["claims"][i][3]).collect();
    assert_eq!(ev[0], "Plain");
    assert_eq!(ev[1], "at least");
    assert_eq!(ev[2], "text");
    assert_eq!(ev[3], "😀");
    assert!(ev[4].is_null(), "a span past the end has no evidence");
    assert_eq!(v["claims"][4][0], 1);
}
