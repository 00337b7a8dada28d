//! Stage 5, release: the tables as Parquet and CSV, their JSON Schemas, the manifest, the
//! Frictionless descriptor, the dataset card and the report, written into a staging directory and renamed
//! into place only when complete. A released version is never overwritten.

pub mod card;
pub mod manifest;
pub mod summary;
pub mod tables;
pub mod verify;
pub mod writer;

use std::path::{Path, PathBuf};

use crate::error::PipelineError;
use crate::model::{Duplicate, Reject};
use crate::shard::DocRecord;
use manifest::Manifest;
use tables::TABLES;
use writer::TableWriter;

/// The seven table writers of one release being written.
pub struct ReleaseWriter {
    dir: PathBuf,
    documents: TableWriter,
    duplicates: TableWriter,
    rejects: TableWriter,
    sentences: TableWriter,
    claims: TableWriter,
    named: TableWriter,
    statements: TableWriter,
    sources: card::Sources,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> PipelineError + '_ {
    move |source| PipelineError::Io { path: path.to_owned(), source }
}

impl ReleaseWriter {
    /// Starts a release in `dir` (an empty staging directory).
    pub fn create(dir: &Path, release_version: &str) -> Result<ReleaseWriter, PipelineError> {
        for sub in ["parquet", "csv", "schemas"] {
            std::fs::create_dir_all(dir.join(sub)).map_err(io(&dir.join(sub)))?;
        }
        let kv = vec![("casualty_corpus.release_version".to_owned(), release_version.to_owned())];
        let open = |t| TableWriter::create(dir, t, &kv);
        Ok(ReleaseWriter {
            dir: dir.to_owned(),
            documents: open(&tables::DOCUMENTS)?,
            duplicates: open(&tables::DUPLICATES)?,
            rejects: open(&tables::REJECTS)?,
            sentences: open(&tables::SENTENCES)?,
            claims: open(&tables::CASUALTY_CLAIMS)?,
            named: open(&tables::NAMED_CASUALTIES)?,
            statements: open(&tables::STATEMENTS)?,
            sources: card::Sources::default(),
        })
    }

    /// A kept document and all its rows.
    pub fn document(&mut self, rec: &DocRecord) -> Result<(), PipelineError> {
        self.documents.push(&rec.document)?;
        self.sources.add(&rec.document);
        for r in &rec.sentences {
            self.sentences.push(r)?;
        }
        for r in &rec.claims {
            self.claims.push(r)?;
        }
        for r in &rec.named_casualties {
            self.named.push(r)?;
        }
        for r in &rec.statements {
            self.statements.push(r)?;
        }
        Ok(())
    }

    pub fn duplicate(&mut self, d: &Duplicate) -> Result<(), PipelineError> {
        self.duplicates.push(d)
    }

    pub fn reject(&mut self, r: &Reject) -> Result<(), PipelineError> {
        self.rejects.push(r)
    }

    /// Finishes the tables, then writes schemas, descriptor, card and (last) the manifest.
    pub fn finish(self, mut manifest: Manifest) -> Result<Manifest, PipelineError> {
        let dir = self.dir;
        let writers = [
            self.documents, self.duplicates, self.rejects, self.sentences, self.claims, self.named, self.statements,
        ];
        for (table, w) in TABLES.iter().zip(writers) {
            manifest.table_rows.insert(table.name.to_owned(), w.finish()?);
        }
        for table in TABLES {
            let path = dir.join("schemas").join(format!("{}.schema.json", table.name));
            std::fs::write(&path, table.json_schema_bytes()).map_err(io(&path))?;
        }
        let path = dir.join("datapackage.json");
        std::fs::write(&path, card::datapackage(&manifest)).map_err(io(&path))?;
        let path = dir.join("README.md");
        std::fs::write(&path, card::dataset_card(&manifest, &self.sources)).map_err(io(&path))?;
        // The report reads the finished tables; it depends on nothing the file list adds.
        crate::report::write_into(&dir, &manifest).map_err(|e| PipelineError::Table { table: "report.html".to_owned(), message: e.to_string() })?;
        manifest.files = manifest::list_files(&dir, &manifest.table_rows)?;
        let path = dir.join(manifest::MANIFEST);
        std::fs::write(&path, manifest.to_bytes()).map_err(io(&path))?;
        Ok(manifest)
    }
}

/// A hidden scratch directory in the releases directory (`.work-...`, `.staging-...`), named with
/// the owning process id so that a later build can remove what a killed one left behind.
pub fn scratch_dir(out: &Path, kind: &str, version: &str) -> Result<tempfile::TempDir, PipelineError> {
    std::fs::create_dir_all(out).map_err(io(out))?;
    remove_abandoned(out);
    tempfile::Builder::new()
        .prefix(&format!(".{kind}-{}-{version}-", std::process::id()))
        .tempdir_in(out)
        .map_err(io(out))
}

/// Removes scratch directories whose process is gone (killed builds). Best effort: a directory
/// that cannot be removed is left for the next build.
fn remove_abandoned(out: &Path) {
    let Ok(entries) = std::fs::read_dir(out) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(".work-").or_else(|| name.strip_prefix(".staging-")) else { continue };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else { continue };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// What publishing a staged release did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    Written,
    /// The version already existed with the same bytes: nothing was changed.
    AlreadyIdentical,
}

/// Moves a complete staged release to `out/version`. An existing version is never touched: if
/// its manifest is byte-identical the build was a no-op, otherwise it is an error.
pub fn publish(staging: &Path, out: &Path, version: &str) -> Result<Published, PipelineError> {
    let target = out.join(version);
    if target.exists() {
        let new = std::fs::read(staging.join(manifest::MANIFEST)).map_err(io(staging))?;
        let old = std::fs::read(target.join(manifest::MANIFEST)).unwrap_or_default();
        if new == old && verify::verify(&target).is_ok() {
            return Ok(Published::AlreadyIdentical);
        }
        return Err(PipelineError::ReleaseExists { version: version.to_owned(), dir: out.to_owned() });
    }
    // rename(2) fails on a non-empty target, so a concurrent build cannot be overwritten either.
    std::fs::rename(staging, &target).map_err(io(&target))?;
    if let Ok(d) = std::fs::File::open(out) {
        let _ = d.sync_all();
    }
    Ok(Published::Written)
}
