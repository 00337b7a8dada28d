//! The binary: parse arguments, run one command, turn errors into exit codes. Nothing else.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use casualty_corpus::cli::{check_version, Cli, Command, StageArgs};
use casualty_corpus::lexicon::LexiconSet;
use casualty_corpus::map::Stages;
use casualty_corpus::release::Published;
use casualty_corpus::{eval, map, reduce, release};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", message(&e));
            ExitCode::from(1)
        }
    }
}

/// The error and its causes on one line, each cause once: our typed errors already print their
/// source (`cannot read input x: No such file or directory`), which `{:#}` would repeat.
fn message(e: &anyhow::Error) -> String {
    let mut line = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !line.contains(&cause) {
            line.push_str(": ");
            line.push_str(&cause);
        }
    }
    line
}

/// How much the command says on stderr.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

impl Verbosity {
    fn say(self, line: impl AsRef<str>) {
        if self != Verbosity::Quiet {
            eprintln!("{}", line.as_ref());
        }
    }
    fn detail(self, line: impl AsRef<str>) {
        if self == Verbosity::Verbose {
            eprintln!("{}", line.as_ref());
        }
    }

    /// A progress bar on a terminal; plain log lines otherwise (a line per stage, and at most
    /// one each 10 s within it); nothing with `--quiet`. No colours, so `NO_COLOR` holds by
    /// construction.
    fn progress(self) -> ProgressBar {
        if self == Verbosity::Quiet {
            return ProgressBar::hidden();
        }
        if !std::io::stderr().is_terminal() {
            return casualty_corpus::progress::plain_bar(std::io::stderr());
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(ProgressStyle::with_template("{msg:>10} [{elapsed_precise}] {wide_bar} {pos}/{len}").unwrap_or_else(|_| ProgressStyle::default_bar()));
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    }
}

/// Sizes both thread pools (ours and polars') before either starts.
fn set_threads(threads: Option<usize>) -> Result<()> {
    let n = threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1);
    std::env::set_var("POLARS_MAX_THREADS", n.to_string());
    rayon::ThreadPoolBuilder::new().num_threads(n).build_global().context("starting the thread pool")
}

fn stages(args: &StageArgs, v: Verbosity) -> Result<Stages> {
    if !(0.0..=1.0).contains(&args.near_dup_threshold) {
        bail!("--near-dup-threshold must be between 0 and 1, not {}", args.near_dup_threshold);
    }
    let lexicons = match &args.lexicons {
        Some(dir) => LexiconSet::from_dir(dir)?,
        None => LexiconSet::builtin(),
    };
    for (name, digest) in lexicons.digests() {
        v.detail(format!("lexicon {name}: sha256 {digest}"));
    }
    Ok(Stages::from_lexicons(&lexicons, args.ingest(), args.dedup())?)
}

fn run(cli: Cli) -> Result<()> {
    let v = if cli.quiet {
        Verbosity::Quiet
    } else if cli.verbose {
        Verbosity::Verbose
    } else {
        Verbosity::Normal
    };
    match cli.command {
        Command::Build(args) => {
            check_version(&args.release_version).map_err(anyhow::Error::msg)?;
            set_threads(args.stages.threads)?;
            let stages = stages(&args.stages, v)?;
            let started = Instant::now();
            let bar = v.progress();
            let summary = casualty_corpus::build(&args.stages.input, args.stages.metadata.as_deref(), &args.out, &args.release_version, &stages, &bar)
                .with_context(|| format!("building release {}", args.release_version));
            bar.finish_and_clear();
            let summary = summary?;
            print_release(v, &summary.reduce, &args.out.join(&args.release_version));
            v.say(format!(
                "time: {:.2}s (map {:.2}s, reduce {:.2}s)",
                started.elapsed().as_secs_f64(),
                summary.map_time.as_secs_f64(),
                summary.reduce_time.as_secs_f64()
            ));
        }
        Command::Map(args) => {
            set_threads(args.stages.threads)?;
            let stages = stages(&args.stages, v)?;
            let corpus = casualty_corpus::ingest::discover(&args.stages.input, args.stages.metadata.as_deref(), &stages.ingest)?;
            let bar = v.progress();
            let stats = map::map_shard(&corpus, args.shard, &args.work, &stages, &bar).with_context(|| format!("mapping shard {}", args.shard.dir_name()));
            bar.finish_and_clear();
            let stats = stats?;
            v.say(format!(
                "shard {}: {} inputs, {} documents, {} rejects, {} metadata problems in {:.2}s",
                args.shard.dir_name(),
                stats.items,
                stats.documents,
                stats.rejects,
                stats.metadata_problems,
                stats.seconds
            ));
        }
        Command::Reduce(args) => {
            check_version(&args.release_version).map_err(anyhow::Error::msg)?;
            set_threads(args.threads)?;
            let started = Instant::now();
            let bar = v.progress();
            let summary = reduce::reduce(&args.work, &args.out, &args.release_version, &bar)
                .with_context(|| format!("reducing {} into release {}", args.work.display(), args.release_version));
            bar.finish_and_clear();
            print_release(v, &summary?, &args.out.join(&args.release_version));
            v.say(format!("time: {:.2}s", started.elapsed().as_secs_f64()));
        }
        Command::Verify { release } => {
            let report = release::verify::verify(&release).with_context(|| format!("verifying {}", release.display()))?;
            if v != Verbosity::Quiet {
                print_stdout(&format!("{}: OK ({} files, {} table rows checked)\n", release.display(), report.files, report.rows_checked))?;
            }
        }
        Command::Stats { release, json } => {
            let stats = release::summary::summarize(&release).with_context(|| format!("reading {}", release.display()))?;
            if json {
                print_stdout(&format!("{}\n", serde_json::to_string_pretty(&stats)?))?;
            } else {
                print_stdout(&stats.to_string())?;
            }
        }
        Command::Report { release, out } => {
            let written = casualty_corpus::report::write_beside(&release, out.as_deref()).with_context(|| format!("writing the report of {}", release.display()))?;
            v.say(format!("wrote {}", written.display()));
        }
        Command::Eval { release, gold, json } => {
            let report = eval::evaluate(&release, &gold).with_context(|| format!("scoring {} against {}", release.display(), gold.display()))?;
            if json {
                print_stdout(&format!("{}\n", serde_json::to_string_pretty(&report)?))?;
            } else {
                print_stdout(&format!("{report}\n"))?;
            }
        }
    }
    Ok(())
}

/// Writes to stdout; a closed pipe (`| head`) ends the output quietly, as in ripgrep.
fn print_stdout(text: &str) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other.context("writing to stdout")?),
    }
}

fn print_release(v: Verbosity, summary: &reduce::ReduceSummary, dir: &Path) {
    let m = &summary.manifest;
    let c = &m.counts;
    match summary.published {
        Published::Written => v.say(format!("wrote release {} to {}", m.release_version, dir.display())),
        Published::AlreadyIdentical => v.say(format!("release {} already exists in {} with identical content; nothing to do", m.release_version, dir.display())),
    }
    v.say(format!(
        "inputs: {} read, {} kept, {} duplicates ({} exact bytes, {} exact text, {} near), {} rejected; {} metadata problems",
        c.articles_in, c.kept, c.duplicates, c.exact_raw_duplicates, c.exact_text_duplicates, c.near_duplicates, c.rejects, c.metadata_problems
    ));
    let rows: Vec<String> = release::tables::TABLES.iter().map(|t| format!("{} {}", t.name, m.table_rows.get(t.name).copied().unwrap_or(0))).collect();
    v.say(format!("rows: {}", rows.join(", ")));
    for (reason, n) in &c.rejects_by_reason {
        v.detail(format!("rejects {reason}: {n}"));
    }
    v.detail(format!("configuration: {}", m.configuration));
    v.detail(format!("input digest: {}", m.input_digest));
}
