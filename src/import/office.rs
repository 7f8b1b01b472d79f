//! Old and other office formats (Word 97-2003 `.doc`, OpenDocument text `.odt`, `.rtf`): no
//! maintained Rust crate reads them well, so they are converted to DOCX by LibreOffice when it
//! is installed (`soffice --headless --convert-to docx`), within a time limit, and the DOCX is
//! read as any other. Without LibreOffice the file is refused saying what to do.

use super::ImportError;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long a conversion may take.
pub const CONVERT_TIMEOUT: Duration = Duration::from_secs(60);

/// The LibreOffice program: `PLANMON_SOFFICE`, or `soffice` on the PATH.
fn soffice() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PLANMON_SOFFICE") {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("soffice"))
        .find(|p| p.is_file())
}

/// Converts `bytes` (a file of kind `kind`, e.g. "doc") to DOCX bytes.
pub fn to_docx(file: &str, bytes: &[u8], kind: &str) -> Result<Vec<u8>, ImportError> {
    let Some(program) = soffice() else {
        return Err(ImportError::UnknownFormat {
            file: file.to_string(),
            detail: format!(
                "файл {}: planmon го чете чрез LibreOffice, който не е инсталиран на сървъра; \
                 запишете документа като DOCX и опитайте отново",
                kind.to_uppercase()
            ),
        });
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!("planmon-convert-{}-{nanos}", std::process::id()));
    let result = convert_in(&program, &dir, file, bytes, kind);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn convert_in(
    program: &Path,
    dir: &Path,
    file: &str,
    bytes: &[u8],
    kind: &str,
) -> Result<Vec<u8>, ImportError> {
    let failed = |detail: String| ImportError::Corrupt {
        file: file.to_string(),
        detail,
    };
    std::fs::create_dir_all(dir.join("out"))
        .map_err(|e| failed(format!("временната папка не може да бъде създадена ({e})")))?;
    let input = dir.join(format!("document.{kind}"));
    std::fs::write(&input, bytes).map_err(|e| {
        failed(format!(
            "файлът не може да бъде записан за превръщане ({e})"
        ))
    })?;
    // A profile of its own, so a conversion never waits for another LibreOffice.
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.join("profile").display()
    );
    let mut child = Command::new(program)
        .arg(profile)
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "docx",
            "--outdir",
        ])
        .arg(dir.join("out"))
        .arg(&input)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| failed(format!("LibreOffice не може да бъде стартиран ({e})")))?;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if started.elapsed() > CONVERT_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(failed(format!(
                    "LibreOffice не превърна файла в DOCX за {} секунди",
                    CONVERT_TIMEOUT.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(failed(format!("LibreOffice спря неочаквано ({e})"))),
        }
    }
    std::fs::read(dir.join("out").join("document.docx")).map_err(|_| {
        failed(format!(
            "LibreOffice не можа да превърне файла {} в DOCX",
            kind.to_uppercase()
        ))
    })
}
