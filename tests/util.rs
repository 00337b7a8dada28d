//! Test helpers: a temporary work directory and the built binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_casualty-corpus"))
}

/// A fresh temporary directory with helpers to write inputs and run the binary.
pub struct Workdir {
    pub dir: tempfile::TempDir,
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir { dir: tempfile::tempdir().expect("temp dir") }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, bytes).expect("write");
        p
    }

    /// Runs the binary with `args`; panics with its output when the exit status is not `ok`.
    pub fn run(&self, args: &[&str], ok: bool) -> Output {
        self.run_env(args, &[], ok)
    }

    /// As `run`, with extra environment variables.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)], ok: bool) -> Output {
        let mut cmd = bin();
        cmd.args(args).current_dir(self.dir.path()).env_remove("SOURCE_DATE_EPOCH");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("run binary");
        if out.status.success() != ok {
            panic!(
                "casualty-corpus {args:?} exited {:?} (expected success = {ok})\nstdout:\n{}\nstderr:\n{}",
                out.status.code(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        out
    }

    /// Builds `input` into `out/version` and returns the release directory.
    pub fn build(&self, input: &Path, out: &str, version: &str, extra: &[&str]) -> PathBuf {
        let mut args = vec!["build", "--input", input.to_str().expect("utf-8"), "--out", out, "--release-version", version];
        args.extend_from_slice(extra);
        self.run(&args, true);
        self.path(out).join(version)
    }
}

/// Every file under `dir`, relative, sorted, with its bytes.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).expect("read dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).expect("prefix").to_string_lossy().into_owned();
                out.push((rel, std::fs::read(&p).expect("read")));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The CSV table of a release as rows of (header -> value) maps, in file order.
pub fn csv_rows(release: &Path, table: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut rdr = csv::Reader::from_path(release.join("csv").join(format!("{table}.csv"))).expect("open csv");
    let headers = rdr.headers().expect("header").clone();
    rdr.records()
        .map(|r| {
            let r = r.expect("record");
            headers.iter().zip(r.iter()).map(|(h, v)| (h.to_owned(), v.to_owned())).collect()
        })
        .collect()
}

pub fn manifest(release: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(release.join("manifest.json")).expect("manifest")).expect("json")
}

/// Asserts two release directories hold the same files with the same bytes.
pub fn assert_same_tree(a: &Path, b: &Path) {
    let (ta, tb) = (tree(a), tree(b));
    let names = |t: &[(String, Vec<u8>)]| t.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&ta), names(&tb), "different file lists");
    for ((name, x), (_, y)) in ta.iter().zip(&tb) {
        assert!(x == y, "{name} differs between {} and {}", a.display(), b.display());
    }
}
