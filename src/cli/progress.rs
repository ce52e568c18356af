//! Fetching progress: a bar on a terminal, a line per feed otherwise, nothing when quiet.

use std::io::IsTerminal as _;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use indicatif::{ProgressBar, ProgressStyle};
use roundup::fetch::{Outcome, Progress, Request};

/// Tells the person at the terminal how fetching goes.
pub(crate) struct FetchProgress {
    quiet: bool,
    bar: OnceLock<ProgressBar>,
    done: AtomicUsize,
    total: AtomicUsize,
}

impl FetchProgress {
    pub(crate) fn new(quiet: bool) -> Self {
        FetchProgress {
            quiet,
            bar: OnceLock::new(),
            done: AtomicUsize::new(0),
            total: AtomicUsize::new(0),
        }
    }
}

impl Progress for FetchProgress {
    fn start(&self, total: usize) {
        self.total.store(total, Ordering::Relaxed);
        if self.quiet || !std::io::stderr().is_terminal() {
            return;
        }
        let style = ProgressStyle::with_template("Fetching feeds {bar:30} {pos}/{len} {wide_msg}")
            .expect("a valid template");
        let _ = self
            .bar
            .set(ProgressBar::new(total as u64).with_style(style));
    }

    fn done(&self, request: &Request, outcome: &Outcome) {
        match self.bar.get() {
            Some(bar) => {
                bar.inc(1);
                bar.set_message(request.url.host_str().unwrap_or_default().to_string());
            }
            None if !self.quiet => {
                let what = match outcome {
                    Outcome::Body { .. } => "fetched".to_string(),
                    Outcome::NotModified { .. } => "not modified".to_string(),
                    Outcome::Gone => "gone".to_string(),
                    Outcome::Failed { error, .. } => format!("failed: {error}"),
                };
                let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
                let total = self.total.load(Ordering::Relaxed);
                eprintln!("[{done}/{total}] {}: {what}", request.url);
            }
            None => {}
        }
    }

    fn finish(&self) {
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
    }

    fn waiting(&self, pid: Option<u32>) {
        if !self.quiet {
            waiting(pid);
        }
    }
}

/// Says that another build of the site holds its lock, so a pause is not taken for a hang.
pub(crate) fn waiting(pid: Option<u32>) {
    let who = pid.map(|p| format!(" (pid {p})")).unwrap_or_default();
    eprintln!("waiting for another build of this site{who} to finish…");
}
