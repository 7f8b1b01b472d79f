//! Progress of a long import on the command line: a bar with its percentage while the file is
//! read from disk (its size is known) and while the recogniser goes through the document's
//! blocks and rows (their number is known once the document is read); a spinner while the
//! bytes are parsed, which has no measurable size. Shown only when stderr is a terminal and the
//! file is large enough for it to matter.

use super::load::Stage;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Read};
use std::time::Duration;

/// Files smaller than this import too fast for a bar.
pub const SHOW_FROM_BYTES: u64 = 1_000_000;

/// A bar on stderr, or nothing when stderr is not a terminal or the file is small.
pub struct Progress {
    bar: Option<ProgressBar>,
    name: String,
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
}

impl Progress {
    pub fn new(file_name: &str, size: u64) -> Progress {
        let bar = (size >= SHOW_FROM_BYTES && std::io::stderr().is_terminal())
            .then(|| ProgressBar::new(size));
        Progress {
            bar,
            name: file_name.to_string(),
        }
    }

    /// Reads the whole file, advancing the bar by bytes read.
    pub fn read_file(&self, mut file: std::fs::File, size: u64) -> std::io::Result<Vec<u8>> {
        let Some(bar) = &self.bar else {
            let mut out = Vec::new();
            file.read_to_end(&mut out)?;
            return Ok(out);
        };
        bar.set_style(style(
            "{msg} [{bar:40}] {percent:>3}% ({bytes}/{total_bytes})",
        ));
        bar.set_length(size);
        bar.set_message(format!("{}: четене", self.name));
        let mut out = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        let mut chunk = vec![0u8; 1 << 20];
        loop {
            let n = file.read(&mut chunk)?;
            if n == 0 {
                break;
            }
            out.extend_from_slice(&chunk[..n]);
            bar.set_position(out.len() as u64);
        }
        Ok(out)
    }

    /// Follows the import's stages (see [`super::load::import_bytes_with_progress`]).
    pub fn stage(&self, stage: Stage, done: u64, total: u64) {
        let Some(bar) = &self.bar else {
            return;
        };
        match stage {
            Stage::Parsing if done == 0 => {
                bar.set_style(style("{spinner} {msg}"));
                bar.set_message(format!("{}: разчитане на съдържанието…", self.name));
                bar.enable_steady_tick(Duration::from_millis(120));
            }
            Stage::Parsing => {}
            Stage::Recognising => {
                if done == 0 {
                    bar.disable_steady_tick();
                    bar.set_style(style("{msg} [{bar:40}] {percent:>3}%"));
                    bar.set_message(format!("{}: разпознаване на плана", self.name));
                    bar.set_length(total.max(1));
                }
                bar.set_position(done);
            }
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
