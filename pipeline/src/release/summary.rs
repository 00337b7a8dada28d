//! `stats`: a readable summary of an existing release, computed from its CSV tables.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::error::PipelineError;
use crate::release::manifest::Manifest;

/// Sources listed in the summary.
const TOP_SOURCES: usize = 10;

#[derive(Debug, Clone, Serialize)]
pub struct ReleaseStats {
    pub release_version: String,
    pub table_rows: BTreeMap<String, u64>,
    pub claims_by_outcome: BTreeMap<String, u64>,
    pub claims_by_qualifier: BTreeMap<String, u64>,
    pub claims_by_source_type: BTreeMap<String, u64>,
    pub hedged_claims: u64,
    /// The most frequent `source_text` values, most frequent first (ties by name).
    pub top_sources: Vec<(String, u64)>,
    pub statements_by_stance: BTreeMap<String, u64>,
    pub rejects_by_reason: BTreeMap<String, u64>,
    pub duplicates_by_kind: BTreeMap<String, u64>,
}

/// Counts values of some columns of a CSV table.
fn tally(release: &Path, table: &str, columns: &[&str], mut each: impl FnMut(&[Option<&str>])) -> Result<(), PipelineError> {
    let path = release.join("csv").join(format!("{table}.csv"));
    let err = |e: csv::Error| PipelineError::Verify(format!("{}: {e}", path.display()));
    let mut rdr = csv::Reader::from_path(&path).map_err(err)?;
    let headers = rdr.headers().map_err(err)?.clone();
    let idx: Vec<Option<usize>> = columns.iter().map(|c| headers.iter().position(|h| h == *c)).collect();
    for record in rdr.records() {
        let record = record.map_err(err)?;
        let values: Vec<Option<&str>> = idx.iter().map(|i| i.and_then(|i| record.get(i)).filter(|v| !v.is_empty())).collect();
        each(&values);
    }
    Ok(())
}

pub fn summarize(release: &Path) -> Result<ReleaseStats, PipelineError> {
    let m = Manifest::read(release)?;
    let mut s = ReleaseStats {
        release_version: m.release_version.clone(),
        table_rows: m.table_rows.clone(),
        claims_by_outcome: BTreeMap::new(),
        claims_by_qualifier: BTreeMap::new(),
        claims_by_source_type: BTreeMap::new(),
        hedged_claims: 0,
        top_sources: Vec::new(),
        statements_by_stance: BTreeMap::new(),
        rejects_by_reason: BTreeMap::new(),
        duplicates_by_kind: BTreeMap::new(),
    };
    let mut sources: BTreeMap<String, u64> = BTreeMap::new();
    let bump = |map: &mut BTreeMap<String, u64>, v: Option<&str>| *map.entry(v.unwrap_or("(null)").to_owned()).or_default() += 1;
    tally(release, "casualty_claims", &["outcome", "qualifier", "source_type", "hedged", "source_text"], |v| {
        bump(&mut s.claims_by_outcome, v[0]);
        bump(&mut s.claims_by_qualifier, v[1]);
        bump(&mut s.claims_by_source_type, v[2]);
        if v[3] == Some("true") {
            s.hedged_claims += 1;
        }
        if let Some(src) = v[4] {
            bump(&mut sources, Some(src));
        }
    })?;
    tally(release, "statements", &["stance"], |v| bump(&mut s.statements_by_stance, v[0]))?;
    tally(release, "rejects", &["reason"], |v| bump(&mut s.rejects_by_reason, v[0]))?;
    tally(release, "duplicates", &["kind"], |v| bump(&mut s.duplicates_by_kind, v[0]))?;
    let mut top: Vec<(String, u64)> = sources.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    top.truncate(TOP_SOURCES);
    s.top_sources = top;
    Ok(s)
}

impl std::fmt::Display for ReleaseStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        fn section(f: &mut std::fmt::Formatter<'_>, title: &str, rows: &mut dyn Iterator<Item = (String, u64)>) -> std::fmt::Result {
            writeln!(f, "{title}:")?;
            let mut any = false;
            for (k, v) in rows {
                any = true;
                writeln!(f, "  {k:<28} {v:>8}")?;
            }
            if !any {
                writeln!(f, "  (none)")?;
            }
            Ok(())
        }
        writeln!(f, "release {}", self.release_version)?;
        let owned = |m: &BTreeMap<String, u64>| m.iter().map(|(k, v)| (k.clone(), *v)).collect::<Vec<_>>();
        section(f, "rows per table", &mut owned(&self.table_rows).into_iter())?;
        section(f, "claims by outcome", &mut owned(&self.claims_by_outcome).into_iter())?;
        section(f, "claims by qualifier", &mut owned(&self.claims_by_qualifier).into_iter())?;
        section(f, "claims by source type", &mut owned(&self.claims_by_source_type).into_iter())?;
        writeln!(f, "hedged claims: {}", self.hedged_claims)?;
        section(f, "top sources", &mut self.top_sources.clone().into_iter())?;
        section(f, "statements by stance", &mut owned(&self.statements_by_stance).into_iter())?;
        section(f, "duplicates by kind", &mut owned(&self.duplicates_by_kind).into_iter())?;
        section(f, "rejects by reason", &mut owned(&self.rejects_by_reason).into_iter())
    }
}
