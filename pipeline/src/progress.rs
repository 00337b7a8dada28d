//! Progress off a terminal: the same progress bar, drawn as plain log lines on stderr.
//!
//! indicatif draws a bar by rewriting one line; into a log file or a CI console that is either
//! nothing or noise. [`PlainLines`] is a draw target that prints a line only when the stage (the
//! bar's message) changes, or at most every [`EVERY`] within a stage: a few lines per stage,
//! no cursor movement, no colour.

use std::io::{self, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle, TermLike};

/// The longest quiet spell within one stage.
pub const EVERY: Duration = Duration::from_secs(10);

/// The bar's template: message and counts split by [`SEP`], so a line's stage can be read back
/// (indicatif expands tabs, so not a tab).
const TEMPLATE: &str = "{msg} | {pos}/{len} ({elapsed})";
const SEP: &str = " | ";

#[derive(Debug, Default)]
struct Last {
    stage: String,
    at: Option<Instant>,
}

/// A draw target writing plain lines to a writer (stderr in the binary).
#[derive(Debug)]
pub struct PlainLines<W: Write + Send + std::fmt::Debug> {
    out: Mutex<W>,
    last: Mutex<Last>,
}

impl<W: Write + Send + std::fmt::Debug> PlainLines<W> {
    pub fn new(out: W) -> PlainLines<W> {
        PlainLines { out: Mutex::new(out), last: Mutex::new(Last::default()) }
    }

    fn line(&self, drawn: &str) -> io::Result<()> {
        let drawn = drawn.trim();
        let Some((stage, counts)) = drawn.rsplit_once(SEP) else { return Ok(()) };
        if stage.is_empty() {
            return Ok(());
        }
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let due = last.stage != stage || last.at.is_none_or(|t| now.duration_since(t) >= EVERY);
        if !due {
            return Ok(());
        }
        last.stage = stage.to_owned();
        last.at = Some(now);
        let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
        writeln!(out, "{stage}: {}", counts.trim())
    }
}

impl<W: Write + Send + std::fmt::Debug + 'static> TermLike for PlainLines<W> {
    fn width(&self) -> u16 {
        200
    }
    fn move_cursor_up(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn move_cursor_down(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn move_cursor_right(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn move_cursor_left(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn write_line(&self, s: &str) -> io::Result<()> {
        self.line(s)
    }
    fn write_str(&self, s: &str) -> io::Result<()> {
        self.line(s)
    }
    fn clear_line(&self) -> io::Result<()> {
        Ok(())
    }
    fn flush(&self) -> io::Result<()> {
        self.out.lock().unwrap_or_else(|p| p.into_inner()).flush()
    }
}

/// A progress bar that logs plain lines to `out`; ticks once a second so a long stage without
/// progress (one huge file) still says it is alive every [`EVERY`].
pub fn plain_bar<W: Write + Send + std::fmt::Debug + 'static>(out: W) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::term_like(Box::new(PlainLines::new(out))));
    bar.set_style(ProgressStyle::with_template(TEMPLATE).unwrap_or_else(|_| ProgressStyle::default_bar()));
    bar.enable_steady_tick(Duration::from_secs(1));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[derive(Debug, Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn one_line_per_stage_change_and_none_for_every_tick() {
        let out = Shared::default();
        let log = PlainLines::new(out.clone());
        log.write_line("map 1-of-1 | 1/500 (0s)").unwrap();
        for i in 2..=500 {
            log.write_line(&format!("map 1-of-1 | {i}/500 (0s)")).unwrap();
        }
        log.write_line("dedup | 0/26668 (3s)").unwrap();
        log.write_line("dedup | 0/26668 (3s)").unwrap();
        log.write_line("write | 10/26668 (4s)").unwrap();
        log.write_line("no tab: not a progress line").unwrap();
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text, "map 1-of-1: 1/500 (0s)\ndedup: 0/26668 (3s)\nwrite: 10/26668 (4s)\n");
        assert!(!text.contains('\x1b'), "no escape codes");
    }
}
