//! Progress of a long command on standard error, shown only on a terminal.

use std::io::IsTerminal;

/// Progress of a long task on standard error, shown only on a terminal: a step name, or a bar
/// with counts, percentage and elapsed time.
pub(super) struct Progress {
    show: bool,
    label: String,
    started: std::time::Instant,
}

impl Progress {
    pub(super) fn new(label: &str) -> Self {
        Self {
            show: std::io::stderr().is_terminal(),
            label: label.to_string(),
            started: std::time::Instant::now(),
        }
    }

    /// "seeding demo: area 3/16".
    pub(super) fn step(&self, step: &str) {
        if self.show {
            eprint!("\r\x1b[2K{}: {step}", self.label);
        }
    }

    /// "rendering charts: [#####     ] 12/40 charts (30%), 2 s — what".
    pub(super) fn count(&self, done: u64, total: u64, unit: &str, what: &str) {
        if !self.show {
            return;
        }
        const WIDTH: u64 = 30;
        let filled = (done.min(total) * WIDTH)
            .checked_div(total)
            .unwrap_or(WIDTH) as usize;
        let percent = (done * 100).checked_div(total).unwrap_or(100);
        let what = if what.is_empty() {
            String::new()
        } else {
            format!(" — {what}")
        };
        eprint!(
            "\r\x1b[2K{}: [{}{}] {done}/{total} {unit} ({percent}%), {:.0} s{what}",
            self.label,
            "#".repeat(filled),
            " ".repeat(WIDTH as usize - filled),
            self.started.elapsed().as_secs_f64()
        );
    }

    /// Ends the line the progress was on.
    pub(super) fn finish(&self) {
        if self.show {
            eprintln!();
        }
    }

    /// Removes the progress line.
    pub(super) fn clear(&self) {
        if self.show {
            eprint!("\r\x1b[2K");
        }
    }
}
