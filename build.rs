//! Records the git commit the binary is built from, for the manifest's code version.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=CASUALTY_CORPUS_COMMIT");
    for path in [".git/HEAD", ".git/index", ".git/refs/heads"] {
        if std::path::Path::new(path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    let commit = std::env::var("CASUALTY_CORPUS_COMMIT").ok().filter(|c| !c.is_empty()).unwrap_or_else(|| {
        let git = |args: &[&str]| Command::new("git").args(args).output().ok().filter(|o| o.status.success()).map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
        match git(&["rev-parse", "HEAD"]) {
            Some(head) if !head.is_empty() => {
                let dirty = git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
                if dirty { format!("{head}-dirty") } else { head }
            }
            _ => "unknown".to_owned(),
        }
    });
    println!("cargo:rustc-env=CASUALTY_CORPUS_COMMIT={commit}");
}
