//! Text recognition (OCR) of the scanned pages of a PDF, pages that only paint images (all of
//! them, or some among typed pages): off unless the administrator switches it on (`[ocr]
//! enabled = true`, or `PLANMON_OCR=1`). Each page is rendered to a grey image by pdftoppm
//! (poppler-utils), straightened when it was scanned askew ([`skew`]), and read by tesseract
//! with Bulgarian and English (`tsv`: words with their boxes); the words become the reader's
//! glyphs ([`words`]) and the long dark lines of the image its rulings ([`rulings`]), so the
//! layout analysis builds paragraphs and tables from them as from a text layer. The programs
//! run through [`crate::import::tool`], one page at a time, bounded by [`Ocr`]: pages,
//! resolution, the whole file's time (the pages and the time refuse as the reader's budget,
//! [`Limit::OcrPages`], [`Limit::OcrSeconds`]).

mod baseline;
mod misreads;
mod rulings;
mod skew;
mod words;

use super::Page;
use crate::import::ImportError;
use crate::import::budget::{Limit, ReadBudget};
use crate::import::tool::{RunError, Tool, WorkDir, run};
use std::time::{Duration, Instant};

pub const TESSERACT: Tool = Tool {
    name: "tesseract",
    program: "tesseract",
    env: "PLANMON_TESSERACT",
};

pub const PDFTOPPM: Tool = Tool {
    name: "pdftoppm",
    program: "pdftoppm",
    env: "PLANMON_PDFTOPPM",
};

/// The languages tesseract reads a page in.
pub const LANGUAGES: &str = "bul+eng";

/// The longest side of a page's image, in pixels (an A3 page at 300 dpi is 4,961): a page
/// that claims to be larger is rendered at a lower resolution.
const MAX_SIDE_PIXELS: f64 = 6_000.0;

/// Whether and how far scanned PDFs are read by OCR (`[ocr]` in `planmon.toml`,
/// `PLANMON_OCR`, `PLANMON_OCR_PAGES`, `PLANMON_OCR_SECONDS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Ocr {
    /// Off by default: recognition is slow (seconds a page) and its text must be checked.
    pub enabled: bool,
    /// Scanned pages of one PDF read at most; a file with more is refused.
    pub pages: u32,
    /// The resolution pages are rendered at, dots per inch.
    pub dpi: u32,
    /// The time one file's recognition may take, all pages together, in seconds.
    pub seconds: u32,
}

impl Ocr {
    pub const OFF: Ocr = Ocr {
        enabled: false,
        pages: 60,
        dpi: 300,
        seconds: 600,
    };

    /// Takes a `PLANMON_OCR…` variable; false for a bad value or an unknown name.
    pub fn set_env(&mut self, name: &str, value: &str) -> bool {
        let number = || value.trim().parse::<u32>().ok().filter(|v| *v > 0);
        let slot = match name {
            "PLANMON_OCR" => {
                self.enabled = match value.trim().to_lowercase().as_str() {
                    "1" | "true" | "yes" | "on" => true,
                    "0" | "false" | "no" | "off" | "" => false,
                    _ => return false,
                };
                return true;
            }
            "PLANMON_OCR_PAGES" => &mut self.pages,
            "PLANMON_OCR_SECONDS" => &mut self.seconds,
            "PLANMON_OCR_DPI" => &mut self.dpi,
            _ => return false,
        };
        match number() {
            Some(v) => {
                *slot = v;
                true
            }
            None => false,
        }
    }
}

impl Default for Ocr {
    fn default() -> Ocr {
        Ocr::OFF
    }
}

/// Said of a scan when OCR is off.
pub const SCANNED: &str = "PDF файлът съдържа само изображения (сканиран документ) и няма \
    текстов слой: разпознайте текста му (OCR) или качете документа като DOCX или текстов PDF \
    (администраторът може да включи разпознаването на текст в planmon: [ocr] enabled = true \
    или PLANMON_OCR=1)";

/// The warning every plan read by OCR carries.
pub const CHECK_TEXT: &str = "Текстът е разпознат от сканирано изображение (OCR) и може да \
    съдържа грешки: проверете имената, числата, сумите и сроковете спрямо оригинала.";

/// "2", "2 и 5", "2, 5 и 7".
pub fn join_numbers(numbers: &[usize]) -> String {
    let text: Vec<String> = numbers.iter().map(usize::to_string).collect();
    match text.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} и {last}", rest.join(", ")),
        _ => text.join(""),
    }
}

/// The warning of a PDF whose scanned pages (`numbers`) were not read because OCR is off.
pub fn not_read(numbers: &[usize]) -> String {
    let (pages, have, read, their) = if numbers.len() == 1 {
        ("Страница", "няма", "не е прочетена", "ѝ")
    } else {
        ("Страници", "нямат", "не са прочетени", "им")
    };
    format!(
        "{pages} {} {have} текстов слой (сканирани изображения) и {read}: съдържанието {their} \
         липсва в плана. Разпознаването на текст (OCR) е изключено; администраторът може да го \
         включи ([ocr] enabled = true или PLANMON_OCR=1), или качете документа като DOCX или \
         текстов PDF.",
        join_numbers(numbers)
    )
}

/// The warning of a PDF some of whose pages (`numbers`) were read by OCR.
pub fn pages_read(numbers: &[usize]) -> String {
    let (pages, are) = if numbers.len() == 1 {
        ("Страница", "е сканирана: текстът ѝ")
    } else {
        ("Страници", "са сканирани: текстът им")
    };
    format!(
        "{pages} {} {are} е разпознат от сканирано изображение (OCR) и може да съдържа \
         грешки: проверете имената, числата, сумите и сроковете спрямо оригинала; другите \
         страници са прочетени от текста на PDF файла.",
        join_numbers(numbers)
    )
}

/// Reads the scanned pages of a PDF (`pages`, as read without text) by OCR; the page and time
/// limits refuse as the reader's budget does.
pub fn read_scan(
    file: &str,
    bytes: &[u8],
    pages: &[&Page],
    budget: &mut ReadBudget,
) -> Result<Vec<Page>, ImportError> {
    let ocr = budget.limits().ocr;
    let missing = |tool: &Tool, package: &str| ImportError::UnknownFormat {
        file: file.to_string(),
        detail: format!(
            "PDF файлът съдържа сканирани страници (само изображения, без текст); \
             разпознаването на текст (OCR) е включено, но програмата {} не е инсталирана на \
             сървъра (пакет {package}): инсталирайте я или качете документа като DOCX или \
             текстов PDF",
            tool.name
        ),
    };
    let tesseract = TESSERACT
        .find()
        .ok_or_else(|| missing(&TESSERACT, "tesseract-ocr, tesseract-ocr-bul"))?;
    let pdftoppm = PDFTOPPM
        .find()
        .ok_or_else(|| missing(&PDFTOPPM, "poppler-utils"))?;
    let invalid = |at: String, detail: String| ImportError::Invalid {
        file: file.to_string(),
        at,
        detail,
    };
    if pages.len() > ocr.pages as usize {
        return Err(budget.over(Limit::OcrPages));
    }
    let dir = WorkDir::create("ocr").map_err(|e| {
        invalid(
            "целият файл".into(),
            format!("временната папка не може да бъде създадена ({e})"),
        )
    })?;
    std::fs::write(dir.path().join("scan.pdf"), bytes).map_err(|e| {
        invalid(
            "целият файл".into(),
            format!("файлът не може да бъде записан за разпознаване ({e})"),
        )
    })?;
    let until = Instant::now() + Duration::from_secs(u64::from(ocr.seconds));
    let mut out = Vec::with_capacity(pages.len());
    for page in pages {
        let tools = Tools {
            pdftoppm: &pdftoppm,
            tesseract: &tesseract,
        };
        let read = read_page(&tools, dir.path(), page, ocr, until).map_err(|e| match e {
            Failure::OutOfTime => budget.over(Limit::OcrSeconds),
            Failure::Broken(detail) => invalid(format!("страница {}", page.number), detail),
        })?;
        for g in &read.glyphs {
            budget.charge_text(g.text.len())?;
        }
        out.push(read);
    }
    Ok(out)
}

struct Tools<'a> {
    pdftoppm: &'a std::path::Path,
    tesseract: &'a std::path::Path,
}

/// Why a page was not read.
enum Failure {
    /// The file's time for OCR ran out.
    OutOfTime,
    /// What went wrong, in Bulgarian.
    Broken(String),
}

impl From<String> for Failure {
    fn from(detail: String) -> Failure {
        Failure::Broken(detail)
    }
}

/// Renders one page, straightens it, finds its rulings and reads its words.
fn read_page(
    tools: &Tools,
    dir: &std::path::Path,
    page: &Page,
    ocr: Ocr,
    until: Instant,
) -> Result<Page, Failure> {
    let side = page.width.max(page.height).max(1.0);
    let dpi = f64::from(ocr.dpi.clamp(72, 600))
        .min(MAX_SIDE_PIXELS * 72.0 / side)
        .floor();
    let n = page.number.to_string();
    let dpi_text = format!("{dpi}");
    let left = || {
        until
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
            .ok_or(Failure::OutOfTime)
    };
    let said = |tool: &str, e: RunError| match e {
        RunError::TimedOut(_) => Failure::OutOfTime,
        e => Failure::Broken(format!("{tool}: {e}")),
    };
    run(
        tools.pdftoppm,
        [
            "-r",
            &dpi_text,
            "-gray",
            "-f",
            &n,
            "-l",
            &n,
            "-singlefile",
            "scan.pdf",
            "page",
        ],
        dir,
        &[],
        left()?,
    )
    .map_err(|e| said("pdftoppm", e))?;
    let pgm = std::fs::read(dir.join("page.pgm"))
        .map_err(|e| format!("pdftoppm не записа изображението на страницата ({e})"))?;
    let image = rulings::parse_pgm(&pgm).ok_or_else(|| {
        "pdftoppm записа изображение, което не може да бъде прочетено".to_string()
    })?;
    drop(pgm);
    let slant = skew::estimate(&image);
    let mut image = if slant == 0.0 {
        image
    } else {
        let straight = skew::straighten(&image, slant);
        drop(image);
        straight
    };
    let pixel = 72.0 / dpi;
    let (width, height) = (image.width as f64 * pixel, image.height as f64 * pixel);
    // The rulings are the table's lines for the layout analysis, and noise to tesseract.
    let segments = rulings::take_rulings(&mut image, pixel, height);
    image
        .write_pgm(&dir.join("page.pgm"))
        .map_err(|e| format!("изображението на страницата не може да бъде записано ({e})"))?;
    drop(image);
    run(
        tools.tesseract,
        [
            "page.pgm", "page", "--dpi", &dpi_text, "-l", LANGUAGES, "tsv",
        ],
        dir,
        // One core per page: the server runs at most as many heavy tasks as it has cores.
        &[("OMP_THREAD_LIMIT", "1")],
        left()?,
    )
    .map_err(|e| match e {
        RunError::Failed(_) => Failure::Broken(format!(
            "tesseract не можа да разпознае страницата (проверете, че езиковите данни \
             {LANGUAGES} са инсталирани: пакет tesseract-ocr-bul)"
        )),
        e => said("tesseract", e),
    })?;
    let tsv = std::fs::read(dir.join("page.tsv"))
        .map_err(|e| format!("tesseract не записа разпознатия текст ({e})"))?;
    let (glyphs, boxes) = words::read(&String::from_utf8_lossy(&tsv), pixel, height);
    let segments = rulings::off_text(segments, &boxes);
    Ok(Page {
        number: page.number,
        width,
        height,
        glyphs,
        segments,
        images: page.images,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_are_listed_as_bulgarian_writes_a_list() {
        assert_eq!(join_numbers(&[2]), "2");
        assert_eq!(join_numbers(&[2, 5]), "2 и 5");
        assert_eq!(join_numbers(&[2, 5, 7]), "2, 5 и 7");
        assert_eq!(join_numbers(&[]), "");
    }

    #[test]
    fn the_warnings_of_scanned_pages_name_them_in_the_singular_or_the_plural() {
        assert!(not_read(&[3]).starts_with("Страница 3 няма текстов слой"));
        assert!(not_read(&[3]).contains("не е прочетена"));
        let many = not_read(&[2, 4]);
        assert!(many.starts_with("Страници 2 и 4 нямат"), "{many}");
        assert!(many.contains("не са прочетени") && many.contains("PLANMON_OCR=1"));
        assert!(pages_read(&[1]).starts_with("Страница 1 е сканирана: текстът ѝ е разпознат"));
        assert!(pages_read(&[1, 2]).starts_with("Страници 1 и 2 са сканирани: текстът им"));
    }
}
