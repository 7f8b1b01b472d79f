//! Old and other office formats (Word 97-2003 `.doc`, OpenDocument text `.odt`, `.rtf`): no
//! maintained Rust crate reads them well, so they are converted to DOCX by LibreOffice when it
//! is installed (`soffice --headless --convert-to docx`), within a time limit, and the DOCX is
//! read as any other. Without LibreOffice the file is refused saying what to do. The program is
//! run by [`super::tool`].

use super::ImportError;
use super::tool::{RunError, Tool, WorkDir, run};
use std::path::Path;
use std::time::Duration;

/// How long a conversion may take.
pub const CONVERT_TIMEOUT: Duration = Duration::from_secs(60);

/// The LibreOffice program: `PLANMON_SOFFICE`, or `soffice` on the PATH.
pub const SOFFICE: Tool = Tool {
    name: "LibreOffice",
    program: "soffice",
    env: "PLANMON_SOFFICE",
};

/// Converts `bytes` (a file of kind `kind`, e.g. "doc") to DOCX bytes.
pub fn to_docx(file: &str, bytes: &[u8], kind: &str) -> Result<Vec<u8>, ImportError> {
    let Some(program) = SOFFICE.find() else {
        return Err(ImportError::UnknownFormat {
            file: file.to_string(),
            detail: format!(
                "файл {}: planmon го чете чрез LibreOffice, който не е инсталиран на сървъра; \
                 запишете документа като DOCX и опитайте отново",
                kind.to_uppercase()
            ),
        });
    };
    let failed = |detail: String| ImportError::Corrupt {
        file: file.to_string(),
        detail,
    };
    let dir = WorkDir::create("convert")
        .map_err(|e| failed(format!("временната папка не може да бъде създадена ({e})")))?;
    convert_in(&program, dir.path(), bytes, kind).map_err(failed)
}

fn convert_in(program: &Path, dir: &Path, bytes: &[u8], kind: &str) -> Result<Vec<u8>, String> {
    std::fs::create_dir_all(dir.join("out"))
        .map_err(|e| format!("временната папка не може да бъде създадена ({e})"))?;
    let input = dir.join(format!("document.{kind}"));
    std::fs::write(&input, bytes)
        .map_err(|e| format!("файлът не може да бъде записан за превръщане ({e})"))?;
    // A profile of its own, so a conversion never waits for another LibreOffice.
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.join("profile").display()
    );
    let args = [
        profile.as_str(),
        "--headless",
        "--norestore",
        "--convert-to",
        "docx",
        "--outdir",
        "out",
    ];
    match run(
        program,
        args.iter()
            .map(std::ffi::OsStr::new)
            .chain([input.as_os_str()]),
        dir,
        &[],
        CONVERT_TIMEOUT,
    ) {
        // LibreOffice's exit status says little: whether the DOCX was written tells.
        Ok(()) | Err(RunError::Failed(_)) => {}
        Err(RunError::TimedOut(limit)) => {
            return Err(format!(
                "LibreOffice не превърна файла в DOCX за {} секунди",
                limit.as_secs()
            ));
        }
        Err(RunError::Start(e)) => {
            return Err(format!("LibreOffice не може да бъде стартиран ({e})"));
        }
        Err(RunError::Wait(e)) => return Err(format!("LibreOffice спря неочаквано ({e})")),
    }
    std::fs::read(dir.join("out").join("document.docx")).map_err(|_| {
        format!(
            "LibreOffice не можа да превърне файла {} в DOCX",
            kind.to_uppercase()
        )
    })
}
