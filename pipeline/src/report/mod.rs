//! `report.html`: one self-contained page per release (inline CSS, JS and SVG; nothing fetched
//! from the network) showing the counts of every stage, plots, the claims with their evidence in
//! context, every extracted span of a document, duplicate groups and rejects.
//!
//! The page is a function of the release's CSV tables and of its manifest's release description
//! (version, code version, counts, rows per table); it never reads `manifest.files`, a clock or
//! anything random, so [`render`] gives the same bytes before the manifest is written (inside a
//! build) and afterwards (`casualty-corpus report`).
//!
//! Size policy ([`Limits`]): every row of every table is counted and plotted; up to
//! `max_rows` rows per table (250,000) are embedded as compact JSON and paged 50 at a time;
//! documents' texts are embedded in table order until `max_text_bytes` (48 MiB of UTF-8) would
//! be passed, and later documents are listed without their text (their spans are still shown).

mod data;
mod plots;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use crate::release::manifest::Manifest;
use crate::release::tables::TABLES;

pub use data::month_of;

/// The file name of the report inside a release.
pub const REPORT: &str = "report.html";

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: {message}")]
    Table { path: PathBuf, message: String },
    #[error("drawing a plot: {0}")]
    Plot(String),
    #[error("{0}")]
    Manifest(String),
    #[error("{0} is inside the release; a released version is never modified: write the report beside it")]
    InsideRelease(PathBuf),
}

/// How much of a large release the page embeds (counts and plots always cover every row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Rows embedded per table.
    pub max_rows: usize,
    /// Bytes of document text embedded, over all documents, in table order.
    pub max_text_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { max_rows: 250_000, max_text_bytes: 48 << 20 }
    }
}

/// Claims rows per page of the tables.
pub const PAGE_ROWS: usize = 50;

/// The report of the release in `release_dir` (its `csv/` tables) described by `manifest`
/// (which may be the manifest being written: its file list is not used).
pub fn render(release_dir: &Path, manifest: &Manifest) -> Result<String, ReportError> {
    render_with(release_dir, manifest, &Limits::default())
}

/// [`render`] of an existing release, reading its `manifest.json`.
pub fn render_release(release_dir: &Path) -> Result<String, ReportError> {
    let manifest = Manifest::read(release_dir).map_err(|e| ReportError::Manifest(e.to_string()))?;
    render(release_dir, &manifest)
}

/// Writes `report.html` into a release being built (its staging directory, once the tables are
/// finished and before the manifest's file list is computed, so the page is listed in it).
pub fn write_into(release_dir: &Path, manifest: &Manifest) -> Result<PathBuf, ReportError> {
    let html = render(release_dir, manifest)?;
    let path = release_dir.join(REPORT);
    std::fs::write(&path, html.as_bytes()).map_err(|source| ReportError::Io { path: path.clone(), source })?;
    Ok(path)
}

/// Where `casualty-corpus report DIR/V` writes by default: beside the release, `DIR/V.report.html`.
/// A release given as `.` or `..` is named by its canonical path.
pub fn default_output(release_dir: &Path) -> PathBuf {
    let named = match release_dir.file_name() {
        Some(_) => release_dir.to_path_buf(),
        None => release_dir.canonicalize().unwrap_or_else(|_| release_dir.to_path_buf()),
    };
    let name = named.file_name().map_or_else(|| "release".into(), |n| n.to_string_lossy().into_owned());
    named.with_file_name(format!("{name}.report.html"))
}

/// Renders an existing release and writes the page to `out` (default: [`default_output`]),
/// never inside the release. Returns the path written.
pub fn write_beside(release_dir: &Path, out: Option<&Path>) -> Result<PathBuf, ReportError> {
    let out = out.map_or_else(|| default_output(release_dir), Path::to_path_buf);
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(p) };
        // Canonicalize the deepest existing ancestor so that `..` and symlinks cannot hide the release.
        let mut base = p.clone();
        let mut rest = Vec::new();
        while !base.exists() {
            match (base.file_name().map(|n| n.to_owned()), base.parent()) {
                (Some(n), Some(parent)) => {
                    rest.push(n);
                    base = parent.to_path_buf();
                }
                _ => break,
            }
        }
        let mut c = base.canonicalize().unwrap_or(base);
        for n in rest.into_iter().rev() {
            c.push(n);
        }
        c
    };
    if abs(&out).starts_with(abs(release_dir)) {
        return Err(ReportError::InsideRelease(out));
    }
    let html = render_release(release_dir)?;
    let tmp = out.with_extension("html.tmp");
    std::fs::write(&tmp, html.as_bytes()).map_err(|source| ReportError::Io { path: tmp.clone(), source })?;
    std::fs::rename(&tmp, &out).map_err(|source| ReportError::Io { path: out.clone(), source })?;
    Ok(out)
}

/// Text for HTML content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON that is safe inside `<script type="application/json">`: `<`, `>` and `&` (so no
/// `</script>` or `<!--`) and the line separators U+2028/U+2029 are written as `\u` escapes,
/// which only occur inside strings, so the JSON means the same.
pub fn script_json(v: &serde_json::Value) -> String {
    let mut out = String::new();
    push_script_json(&mut out, v);
    out
}

/// [`script_json`] appended to `out`.
pub fn push_script_json(out: &mut String, v: &serde_json::Value) {
    let raw = serde_json::to_string(v).unwrap_or_else(|_| "null".to_owned());
    out.reserve(raw.len());
    for ch in raw.chars() {
        match ch {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
}

const CSS: &str = include_str!("report.css");
const JS: &str = include_str!("report.js");

fn count_rows(rows: &[(String, u64)]) -> String {
    let mut s = String::new();
    for (k, v) in rows {
        s.push_str(&format!("<tr><td>{}</td><td class=\"num\">{v}</td></tr>", escape_html(k)));
    }
    s
}

pub fn render_with(release_dir: &Path, manifest: &Manifest, limits: &Limits) -> Result<String, ReportError> {
    let d = data::load(release_dir, limits)?;
    let a = &d.aggregates;
    let m = manifest;
    let c = &m.counts;

    let plots = [
        ("Claims per month by outcome", plots::stacked_bars("Claims per month by outcome", "claims", &a.outcomes, &a.claims_month_outcome)?),
        ("Claims per month by source type", plots::stacked_bars("Claims per month by source type", "claims", &a.source_types, &a.claims_month_source)?),
        ("Distribution of stated counts", plots::count_histogram("Distribution of stated counts", &a.counts)?),
        ("Statements per stance over time", plots::lines("Statements per month by stance", "statements", &a.stances, &a.statements_month_stance)?),
    ];

    let mut stage = vec![
        ("articles in".to_owned(), c.articles_in),
        ("kept (documents)".to_owned(), c.kept),
        ("duplicates".to_owned(), c.duplicates),
        ("  exact_raw (same bytes)".to_owned(), c.exact_raw_duplicates),
        ("  exact_text (same normalized text)".to_owned(), c.exact_text_duplicates),
        ("  near (MinHash)".to_owned(), c.near_duplicates),
        ("rejects (articles)".to_owned(), c.rejects),
        ("metadata problems".to_owned(), c.metadata_problems),
    ];
    for (reason, n) in &c.rejects_by_reason {
        stage.push((format!("  rejects: {reason}"), *n));
    }
    let mut tables_html = String::new();
    for t in TABLES {
        let rows = m.table_rows.get(t.name).copied();
        let (read, embedded) = d.rows.get(t.name).copied().unwrap_or((0, 0));
        let note = if t.name == "sentences" {
            format!("{embedded} captions marked")
        } else if embedded < read {
            format!("first {embedded} embedded")
        } else {
            "all embedded".to_owned()
        };
        tables_html.push_str(&format!(
            "<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            t.name,
            rows.map_or_else(|| read.to_string(), |r| r.to_string()),
            escape_html(&note)
        ));
    }

    let docs_total = d.rows.get("documents").map_or(0, |r| r.0);
    let claims_total = a.claims;
    let mut policy = format!(
        "Counts and plots cover every row. Tables embed up to {} rows each and show {PAGE_ROWS} per page; document texts are embedded in table order up to {} MiB. ",
        limits.max_rows,
        limits.max_text_bytes >> 20
    );
    if d.docs_with_text < docs_total {
        policy.push_str(&format!(
            "This release is larger: {} of {} documents carry their text here ({} MiB); the others are listed without text (their spans are shown alone). ",
            d.docs_with_text,
            docs_total,
            d.text_bytes >> 20
        ));
    }
    for (name, (read, embedded)) in &d.rows {
        if embedded < read && name != "sentences" {
            policy.push_str(&format!("Only the first {embedded} of {read} rows of {name} are embedded. "));
        }
    }
    policy.push_str("Months are the claim's event_date, else its document's published date (at month or day precision).");

    let mut out = String::with_capacity(1 << 20);
    let title = format!("casualty-corpus release {}", m.release_version);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<link rel=\"icon\" href=\"data:,\">\n");
    out.push_str(&format!("<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n", escape_html(&title)));
    out.push_str(&format!(
        "<header><h1>{}</h1><p class=\"meta\">code {} {} ({}){} &middot; input digest <code>{}</code></p>\n",
        escape_html(&title),
        escape_html(&m.code_version.crate_name),
        escape_html(&m.code_version.crate_version),
        escape_html(&m.code_version.commit),
        m.created.as_ref().map_or_else(String::new, |t| format!(" &middot; built {}", escape_html(t))),
        escape_html(&m.input_digest)
    ));
    out.push_str("<nav id=\"tabs\">");
    for (id, label) in [("overview", "Overview"), ("plots", "Plots"), ("claims", "Claims"), ("statements", "Statements"), ("named", "Named casualties"), ("documents", "Documents"), ("duplicates", "Duplicates"), ("rejects", "Rejects")] {
        out.push_str(&format!("<a href=\"#{id}\" data-tab=\"{id}\">{label}</a>"));
    }
    out.push_str("</nav></header>\n<main>\n");

    // Overview.
    out.push_str("<section id=\"overview\" class=\"tab\"><h2>Counts</h2><div class=\"cols\">");
    out.push_str(&format!("<table class=\"counts\" id=\"stage-counts\"><caption>Per stage (articles)</caption><tbody>{}</tbody></table>", count_rows(&stage)));
    out.push_str(&format!("<table class=\"counts\" id=\"table-counts\"><caption>Per table (rows)</caption><thead><tr><th>table</th><th>rows</th><th>in this page</th></tr></thead><tbody>{tables_html}</tbody></table>"));
    out.push_str("</div>");
    out.push_str(&format!(
        "<p>{claims_total} claims; {} with a month, {} without; {} with a stated count.</p>",
        claims_total - a.claims_undated,
        a.claims_undated,
        a.counts.len()
    ));
    out.push_str(&format!("<p class=\"policy\" id=\"policy\">{}</p></section>\n", escape_html(&policy)));

    // Plots.
    out.push_str("<section id=\"plots\" class=\"tab\"><h2>Plots</h2>");
    for (label, plot) in &plots {
        out.push_str(&format!("<figure aria-label=\"{}\">{}", escape_html(label), plot.svg));
        if !plot.legend.is_empty() {
            out.push_str("<figcaption class=\"legend\">");
            for (name, colour) in &plot.legend {
                out.push_str(&format!("<span><span class=\"swatch\" style=\"background:{colour}\"></span>{}</span> ", escape_html(name)));
            }
            out.push_str("</figcaption>");
        }
        out.push_str("</figure>");
    }
    out.push_str(&format!(
        "<p class=\"note\">Claims without a month: {}. Claims without a stated count: {}. Statements without a month (their document's published date): {}.</p></section>\n",
        a.claims_undated, a.claims_without_count, a.statements_undated
    ));

    // Table sections are filled in by the script.
    for (id, h) in [("claims", "Claims"), ("statements", "Statements"), ("named", "Named casualties"), ("duplicates", "Duplicate groups"), ("rejects", "Rejects")] {
        out.push_str(&format!("<section id=\"{id}\" class=\"tab\"><h2>{h}</h2><div class=\"grid\" data-grid=\"{id}\"></div></section>\n"));
    }
    out.push_str("<section id=\"documents\" class=\"tab\"><h2>Documents</h2><div class=\"grid\" data-grid=\"documents\"></div><div id=\"doc-view\" hidden></div></section>\n");
    out.push_str("</main>\n<noscript>This report needs JavaScript for its tables; counts and plots are above.</noscript>\n");
    out.push_str("<script type=\"application/json\" id=\"report-data\">");
    out.push_str(&d.embedded);
    out.push_str("</script>\n");
    out.push_str(&format!("<script>\nconst PAGE_ROWS = {PAGE_ROWS};\n{JS}</script>\n</body>\n</html>\n"));
    Ok(out)
}
