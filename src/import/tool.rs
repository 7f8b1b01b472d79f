//! Installed programs planmon runs but does not link (LibreOffice for old office formats,
//! pdftoppm and tesseract for scanned PDFs): where the program is (an environment variable
//! naming it, else the PATH), a temporary directory of the run's own, removed afterwards, and a
//! time limit past which the program is killed. The programs read and write files in that
//! directory; their standard streams are closed, so nothing waits on a full pipe.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// An installed program.
#[derive(Debug, Clone, Copy)]
pub struct Tool {
    /// How a person knows it, in messages ("LibreOffice").
    pub name: &'static str,
    /// The executable's file name on the PATH ("soffice").
    pub program: &'static str,
    /// The environment variable that names the executable instead ("PLANMON_SOFFICE").
    pub env: &'static str,
}

impl Tool {
    /// The executable: the file the environment variable names (None when it names no file),
    /// or the program on the PATH.
    pub fn find(&self) -> Option<PathBuf> {
        if let Some(p) = std::env::var_os(self.env) {
            let p = PathBuf::from(p);
            return p.is_file().then_some(p);
        }
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path)
            .map(|d| d.join(self.program))
            .find(|p| p.is_file())
    }
}

/// A temporary directory of one run, removed with everything in it when dropped.
#[derive(Debug)]
pub struct WorkDir {
    path: PathBuf,
}

impl WorkDir {
    /// A new empty directory under the system's temporary directory, named after `purpose`.
    pub fn create(purpose: &str) -> std::io::Result<WorkDir> {
        static RUNS: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let run = RUNS.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "planmon-{purpose}-{}-{nanos}-{run}",
            std::process::id()
        ));
        std::fs::create_dir_all(&path)?;
        Ok(WorkDir { path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Why a run gave no result.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("програмата не може да бъде стартирана ({0})")]
    Start(std::io::Error),
    #[error("програмата не завърши за {} секунди", .0.as_secs())]
    TimedOut(Duration),
    #[error("програмата спря неочаквано ({0})")]
    Wait(std::io::Error),
    #[error("програмата завърши с грешка ({0})")]
    Failed(std::process::ExitStatus),
}

/// A run of `program` with `args` in `dir` (its working directory), with the environment
/// variables `env` added, killed when it takes longer than `limit`.
pub fn run<I, S>(
    program: &Path,
    args: I,
    dir: &Path,
    env: &[(&str, &str)],
    limit: Duration,
) -> Result<(), RunError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(RunError::Start)?;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(RunError::Failed(status)),
            Ok(None) if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(RunError::TimedOut(limit));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(RunError::Wait(e));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SH: Tool = Tool {
        name: "sh",
        program: "sh",
        env: "PLANMON_TEST_TOOL_THAT_IS_NEVER_SET",
    };

    #[test]
    fn a_program_is_found_on_the_path() {
        assert!(SH.find().is_some_and(|p| p.ends_with("sh")));
    }

    #[test]
    fn a_run_writes_in_its_own_directory_which_is_removed_afterwards() {
        let Some(sh) = SH.find() else { return };
        let dir = WorkDir::create("test").expect("dir");
        let kept = dir.path().to_path_buf();
        run(
            &sh,
            ["-c", "echo $WHO > out.txt"],
            dir.path(),
            &[("WHO", "планмон")],
            Duration::from_secs(10),
        )
        .expect("runs");
        let out = std::fs::read_to_string(kept.join("out.txt")).expect("written");
        assert_eq!(out.trim(), "планмон");
        drop(dir);
        assert!(!kept.exists());
    }

    #[test]
    fn a_run_past_its_time_limit_is_killed_and_a_failure_is_told() {
        let Some(sh) = SH.find() else { return };
        let dir = WorkDir::create("test").expect("dir");
        let started = Instant::now();
        let e = run(
            &sh,
            ["-c", "sleep 10"],
            dir.path(),
            &[],
            Duration::from_millis(200),
        )
        .expect_err("killed");
        assert!(matches!(e, RunError::TimedOut(_)), "{e}");
        assert!(started.elapsed() < Duration::from_secs(5));
        let e = run(
            &sh,
            ["-c", "exit 3"],
            dir.path(),
            &[],
            Duration::from_secs(10),
        )
        .expect_err("fails");
        assert!(matches!(e, RunError::Failed(_)), "{e}");
    }
}
