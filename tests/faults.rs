//! Faults: a full disk, an unwritable output, a killed build. None may leave a partial release.

use std::time::Duration;

use crate::util::{bin, Workdir};

fn entries(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir).map(|rd| rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()).unwrap_or_default();
    v.sort();
    v
}

/// The error line of a failed run: one line, the last, after at most the plain progress lines
/// that a run off a terminal prints (`stage: N/M (Ts)`).
fn one_line_error(stderr: &[u8]) -> String {
    let all = String::from_utf8_lossy(stderr).into_owned();
    let lines: Vec<&str> = all.lines().collect();
    let (err, progress) = lines.split_last().unwrap_or_else(|| panic!("no error line"));
    assert!(err.starts_with("error: "), "{all}");
    for l in progress {
        let counts = l.rsplit_once(": ").map(|(_, c)| c).unwrap_or("");
        assert!(counts.contains('/') && counts.ends_with("s)") && !l.starts_with("error"), "only progress lines before the error: {all}");
    }
    err.to_string()
}

#[test]
fn a_full_disk_is_a_clear_error_and_leaves_nothing() {
    let w = Workdir::new();
    let input = crate::util::repo().join("data/raw");
    let args = ["build", "--input", input.to_str().unwrap(), "--out", "out", "--release-version", "1"];
    let out = w.run_env(&args, &[("CASUALTY_CORPUS_FAULT_WRITE_LIMIT", "3000")], false);
    let err = one_line_error(&out.stderr);
    assert!(err.contains("no space left on device"), "{err}");
    assert_eq!(entries(&w.path("out")), Vec::<String>::new(), "no release and no scratch directory is left");
    // With room on the disk, the next build succeeds.
    w.run(&args, true);
    assert_eq!(entries(&w.path("out")), vec!["1".to_owned()]);
}

#[test]
fn an_unwritable_output_is_a_clear_error() {
    let w = Workdir::new();
    w.write("in/a.txt", "Four soldiers were killed in the attack, officials said.");
    w.write("not_a_dir", "a file where a directory should be");
    let out = w.run(&["build", "--input", "in", "--out", "not_a_dir/releases", "--release-version", "1"], false);
    let err = one_line_error(&out.stderr);
    assert!(err.contains("not_a_dir/releases"), "{err}");
}

#[test]
fn a_killed_build_leaves_no_partial_release_and_the_next_one_succeeds() {
    let w = Workdir::new();
    for i in 0..1500 {
        w.write(&format!("in/{i:05}.txt"), format!("Article {i}. At least {i} soldiers were killed and {} wounded near the town of Example{i}, officials said on Monday. {}", i * 2, "Residents described heavy shelling through the night. ".repeat(20)));
    }
    // A scratch directory of a build that died earlier (its pid is gone) is cleaned up too.
    w.write("out/.staging-999999999-1-abandoned/csv/documents.csv", "partial");
    // How long a whole build takes here, to kill others midway (map) and late (while
    // tables, the report and the manifest are written, or while publishing).
    let started = std::time::Instant::now();
    w.run(&["build", "--input", "in", "--out", "timing", "--release-version", "1", "--threads", "1"], true);
    let whole = started.elapsed();
    for (k, fraction) in [0.5, 0.85, 0.97].into_iter().enumerate() {
        let version = format!("k{k}");
        let mut child = bin()
            .args(["build", "--input", "in", "--out", "out", "--release-version", &version, "--threads", "1"])
            .current_dir(w.dir.path())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(whole.mul_f64(fraction).max(Duration::from_millis(20)));
        child.kill().expect("kill");
        child.wait().expect("wait");
        // Either the build had not published (no release) or it had finished (a complete release).
        if w.path(&format!("out/{version}")).exists() {
            w.run(&["verify", &format!("out/{version}")], true);
            std::fs::remove_dir_all(w.path(&format!("out/{version}"))).unwrap();
        }
    }
    w.run(&["build", "--input", "in", "--out", "out", "--release-version", "1"], true);
    assert_eq!(entries(&w.path("out")), vec!["1".to_owned()], "scratch directories of killed builds are removed");
    w.run(&["verify", "out/1"], true);
}
