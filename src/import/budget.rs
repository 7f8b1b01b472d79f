//! The resource budget of every reader: how much one file may make a reader unpack, hold and
//! walk. [`ReadLimits`] are the numbers; a [`ReadBudget`] is charged *while* a file is read
//! (never after, never from the sizes a file declares) and refuses with
//! [`ImportError::OverBudget`], which names the limit in Bulgarian. ZIP entries are read through
//! [`ReadBudget::counted`], so a small archive that unpacks to gigabytes stops at the limit.

use super::ImportError;
use std::cell::Cell;
use std::io::{self, Read};
use std::rc::Rc;

/// The most one file may make a reader do. The defaults keep a server's peak memory for one
/// upload of [`super::MAX_FILE_BYTES`] under 300 MB, and hold the largest real plans many
/// times over (a 200-page plan is some thousands of cells and a few MB of XML).
///
/// The operator changes them in the `[limits]` table of `planmon.toml` or with
/// `PLANMON_LIMIT_<NAME>` (for example `PLANMON_LIMIT_CELLS=500000`); the file size is
/// `max_upload_bytes` (see `config::Config::read_limits`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReadLimits {
    /// The file as uploaded (set from the configuration's `max_upload_bytes`, not from
    /// `[limits]`).
    #[serde(skip)]
    pub file_bytes: u64,
    /// Everything unpacked from a ZIP container (DOCX, XLSX, ODS), all entries together.
    pub unpacked_bytes: u64,
    /// Entries of a ZIP container.
    pub zip_entries: u64,
    /// Cells present in tables (of all tables and sheets, counted as read, never by a sheet's
    /// declared dimension).
    pub cells: u64,
    /// Rows of all tables, and lines of text.
    pub rows: u64,
    /// Text kept from the document, in bytes (what the draft will hold).
    pub text_bytes: u64,
    /// Nesting of elements (HTML, XML) or of tables.
    pub depth: u64,
    /// Measures of one recognised plan.
    pub measures: u64,
    /// A saved import draft, as stored, in bytes.
    pub draft_bytes: u64,
    /// Whether and how far a scanned PDF is read by OCR (set from the configuration's `[ocr]`,
    /// not from `[limits]`).
    #[serde(skip)]
    pub ocr: super::pdf::ocr::Ocr,
}

impl ReadLimits {
    pub const DEFAULT: ReadLimits = ReadLimits {
        file_bytes: super::MAX_FILE_BYTES as u64,
        unpacked_bytes: 96 * 1024 * 1024,
        zip_entries: 10_000,
        cells: 250_000,
        rows: 50_000,
        text_bytes: 24 * 1024 * 1024,
        depth: 256,
        measures: 5_000,
        draft_bytes: 48 * 1024 * 1024,
        ocr: super::pdf::ocr::Ocr::OFF,
    };
}

impl ReadLimits {
    /// The names of the limits as written in `[limits]` and `PLANMON_LIMIT_<NAME>`.
    pub const NAMES: [&'static str; 8] = [
        "unpacked_bytes",
        "zip_entries",
        "cells",
        "rows",
        "text_bytes",
        "depth",
        "measures",
        "draft_bytes",
    ];

    /// Sets the limit called `name` (one of [`ReadLimits::NAMES`]); `false` for another name.
    pub fn set(&mut self, name: &str, value: u64) -> bool {
        let slot = match name {
            "unpacked_bytes" => &mut self.unpacked_bytes,
            "zip_entries" => &mut self.zip_entries,
            "cells" => &mut self.cells,
            "rows" => &mut self.rows,
            "text_bytes" => &mut self.text_bytes,
            "depth" => &mut self.depth,
            "measures" => &mut self.measures,
            "draft_bytes" => &mut self.draft_bytes,
            _ => return false,
        };
        *slot = value;
        true
    }
}

impl Default for ReadLimits {
    fn default() -> ReadLimits {
        ReadLimits::DEFAULT
    }
}

/// What a line of text (of a cell or a paragraph) costs of the text limit beyond its characters:
/// the memory of the string held for it, so that a cell of five million one-letter lines (10 MB
/// of text, 400 MB held) is over the limit.
pub const LINE_COST: usize = 16;

/// Which limit a file went over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    FileBytes,
    UnpackedBytes,
    ZipEntries,
    Cells,
    Rows,
    TextBytes,
    Depth,
    Measures,
    DraftBytes,
    /// Scanned pages of one PDF read by OCR (`[ocr] pages`).
    OcrPages,
    /// The time one file's OCR may take (`[ocr] seconds`).
    OcrSeconds,
}

impl Limit {
    /// What the limit counts, in Bulgarian, with the number allowed.
    pub fn describe_bg(self, limits: &ReadLimits) -> String {
        let n = |v: u64| group_thousands(v);
        let mb = |v: u64| format!("{} MB", v / (1024 * 1024));
        match self {
            Limit::FileBytes => format!("размер на файла до {}", mb(limits.file_bytes)),
            Limit::UnpackedBytes => {
                format!("разархивирано съдържание до {}", mb(limits.unpacked_bytes))
            }
            Limit::ZipEntries => format!("до {} части в архива", n(limits.zip_entries)),
            Limit::Cells => format!("до {} клетки в таблиците", n(limits.cells)),
            Limit::Rows => format!("до {} реда", n(limits.rows)),
            Limit::TextBytes => format!("до {} текст", mb(limits.text_bytes)),
            Limit::Depth => format!("до {} нива на влагане", n(limits.depth)),
            Limit::Measures => format!("до {} мерки в един план", n(limits.measures)),
            Limit::DraftBytes => format!("чернова до {}", mb(limits.draft_bytes)),
            Limit::OcrPages => format!(
                "разпознаване на текст (OCR) на до {} сканирани страници",
                n(u64::from(limits.ocr.pages))
            ),
            Limit::OcrSeconds => format!(
                "разпознаване на текст (OCR) до {} секунди на файл",
                n(u64::from(limits.ocr.seconds))
            ),
        }
    }
}

/// 250000 → "250 000", as Bulgarian writes numbers.
pub(crate) fn group_thousands(v: u64) -> String {
    let s = v.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    out
}

/// What one file has used so far. Cheap to charge; every `charge_*` refuses as soon as a
/// limit is passed.
#[derive(Debug)]
pub struct ReadBudget {
    file: String,
    limits: ReadLimits,
    /// Shared with the counting readers handed out by [`ReadBudget::counted`].
    unpacked: Rc<Cell<u64>>,
    cells: u64,
    rows: u64,
    text_bytes: u64,
}

impl ReadBudget {
    pub fn new(file: &str, limits: ReadLimits) -> ReadBudget {
        ReadBudget {
            file: file.to_string(),
            limits,
            unpacked: Rc::new(Cell::new(0)),
            cells: 0,
            rows: 0,
            text_bytes: 0,
        }
    }

    pub fn limits(&self) -> &ReadLimits {
        &self.limits
    }

    pub fn file(&self) -> &str {
        &self.file
    }

    /// The error for going over `limit`.
    pub fn over(&self, limit: Limit) -> ImportError {
        ImportError::OverBudget {
            file: self.file.clone(),
            limit: limit.describe_bg(&self.limits),
            which: limit,
        }
    }

    fn check(&self, used: u64, max: u64, limit: Limit) -> Result<(), ImportError> {
        if used > max {
            Err(self.over(limit))
        } else {
            Ok(())
        }
    }

    pub fn check_file_size(&self, size: usize) -> Result<(), ImportError> {
        self.check(size as u64, self.limits.file_bytes, Limit::FileBytes)
    }

    pub fn check_zip_entries(&self, n: usize) -> Result<(), ImportError> {
        self.check(n as u64, self.limits.zip_entries, Limit::ZipEntries)
    }

    /// One cell present, holding `text_bytes` of text.
    pub fn charge_cell(&mut self, text_bytes: usize) -> Result<(), ImportError> {
        self.cells += 1;
        self.check(self.cells, self.limits.cells, Limit::Cells)?;
        self.charge_text(text_bytes)
    }

    /// Cells that cost no text (shadows of merged cells, padding).
    pub fn charge_cells(&mut self, n: u64) -> Result<(), ImportError> {
        self.cells = self.cells.saturating_add(n);
        self.check(self.cells, self.limits.cells, Limit::Cells)
    }

    /// One row of a table, or one line or paragraph of text.
    pub fn charge_row(&mut self) -> Result<(), ImportError> {
        self.rows += 1;
        self.check(self.rows, self.limits.rows, Limit::Rows)
    }

    /// `n` lines of text, each costing [`LINE_COST`] beyond its characters.
    pub fn charge_lines(&mut self, n: usize) -> Result<(), ImportError> {
        self.charge_text(n.saturating_mul(LINE_COST))
    }

    pub fn charge_text(&mut self, bytes: usize) -> Result<(), ImportError> {
        self.text_bytes = self.text_bytes.saturating_add(bytes as u64);
        self.check(self.text_bytes, self.limits.text_bytes, Limit::TextBytes)
    }

    /// Refuses nesting deeper than the limit.
    pub fn check_depth(&self, depth: usize) -> Result<(), ImportError> {
        self.check(depth as u64, self.limits.depth, Limit::Depth)
    }

    pub fn check_measures(&self, n: usize) -> Result<(), ImportError> {
        self.check(n as u64, self.limits.measures, Limit::Measures)
    }

    pub fn check_draft_bytes(&self, n: usize) -> Result<(), ImportError> {
        self.check(n as u64, self.limits.draft_bytes, Limit::DraftBytes)
    }

    /// Bytes unpacked so far from ZIP entries.
    pub fn unpacked(&self) -> u64 {
        self.unpacked.get()
    }

    /// Whether the counting readers have gone over the unpacked limit (a reader that failed
    /// with an I/O error asks this to tell a budget refusal from a broken file).
    pub fn unpacked_over(&self) -> bool {
        self.unpacked.get() > self.limits.unpacked_bytes
    }

    /// Counts `n` bytes unpacked other than through [`ReadBudget::counted`] (a PDF's streams).
    pub fn charge_unpacked(&self, n: usize) -> Result<(), ImportError> {
        self.unpacked
            .set(self.unpacked.get().saturating_add(n as u64));
        self.check(
            self.unpacked.get(),
            self.limits.unpacked_bytes,
            Limit::UnpackedBytes,
        )
    }

    /// `inner` read through a counter of unpacked bytes: reading fails once all counted
    /// readers of this budget together pass the limit, whatever sizes the archive declares.
    pub fn counted<R: Read>(&self, inner: R) -> CountedRead<R> {
        CountedRead {
            inner,
            used: Rc::clone(&self.unpacked),
            max: self.limits.unpacked_bytes,
        }
    }

    /// An error while reading through [`ReadBudget::counted`]: the budget's refusal when the
    /// counter passed the limit, otherwise `broken` (the file is damaged).
    pub fn io_error(&self, broken: impl FnOnce() -> ImportError) -> ImportError {
        if self.unpacked_over() {
            self.over(Limit::UnpackedBytes)
        } else {
            broken()
        }
    }

    /// Refuses an archive whose central directory lists more entries than allowed, before
    /// anything is built from it (the ZIP library keeps every listed entry in memory).
    pub fn check_zip_directory(&self, bytes: &[u8]) -> Result<(), ImportError> {
        if let Some(n) = zip_entries_declared(bytes) {
            self.check_zip_entries(usize::try_from(n).unwrap_or(usize::MAX))?;
        }
        Ok(())
    }

    /// Reads every entry of a ZIP archive through the counter and drops the bytes: for
    /// libraries that unpack an archive themselves (calamine), so nothing they unpack later
    /// can pass the limit. Damaged entries are left for the library to report.
    pub fn scan_zip(&self, bytes: &[u8]) -> Result<(), ImportError> {
        let Ok(mut archive) = zip::ZipArchive::new(io::Cursor::new(bytes)) else {
            return Ok(());
        };
        self.check_zip_entries(archive.len())?;
        for i in 0..archive.len() {
            let Ok(entry) = archive.by_index(i) else {
                continue;
            };
            let mut nodes = XmlNodes::default();
            if io::copy(&mut self.counted(entry), &mut nodes).is_err() && self.unpacked_over() {
                return Err(self.over(Limit::UnpackedBytes));
            }
            // The library holds a text (or a tag) whole before anything of it is charged: one
            // longer than all the text a file may have is refused here (a cell of 90 MB made
            // calamine hold 400 MB).
            if nodes.longest > self.limits.text_bytes {
                return Err(self.over(Limit::TextBytes));
            }
        }
        Ok(())
    }
}

/// Measures the longest stretch of an XML part between two `<` (a text or a tag), as the part
/// is written to it.
#[derive(Default)]
struct XmlNodes {
    run: u64,
    longest: u64,
}

impl io::Write for XmlNodes {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut pieces = buf.split(|b| *b == b'<');
        if let Some(first) = pieces.next() {
            self.run += first.len() as u64;
            self.longest = self.longest.max(self.run);
        }
        for piece in pieces {
            self.run = piece.len() as u64;
            self.longest = self.longest.max(self.run);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The number of entries the end of central directory record (ZIP64's when there is one)
/// declares, when it can be found.
fn zip_entries_declared(bytes: &[u8]) -> Option<u64> {
    let u16_at = |b: &[u8], i: usize| {
        Some(u64::from(u16::from_le_bytes(
            b.get(i..i + 2)?.try_into().ok()?,
        )))
    };
    let u64_at = |b: &[u8], i: usize| Some(u64::from_le_bytes(b.get(i..i + 8)?.try_into().ok()?));
    // The record is 22 bytes plus a comment of at most 64 KB, at the end.
    let tail_start = bytes.len().saturating_sub(22 + 0xFFFF);
    let tail = &bytes[tail_start..];
    let at = tail.windows(4).rposition(|w| w == b"PK\x05\x06")?;
    let eocd = &tail[at..];
    let count = u16_at(eocd, 10)?;
    // A ZIP64 locator sits just before the record and points at the ZIP64 record.
    let locator = (tail_start + at)
        .checked_sub(20)
        .and_then(|i| bytes.get(i..i + 20));
    if let Some(loc) = locator.filter(|l| l.starts_with(b"PK\x06\x07")) {
        let offset = usize::try_from(u64_at(loc, 8)?).ok()?;
        let record = bytes.get(offset..)?;
        if record.starts_with(b"PK\x06\x06") {
            return Some(count.max(u64_at(record, 32)?));
        }
    }
    Some(count)
}

/// Why a streaming reader stopped: the budget refused, or the content is broken (said in
/// Bulgarian, for [`ImportError::Corrupt`]).
#[derive(Debug)]
pub enum ReadFailure {
    Budget(ImportError),
    Broken(String),
}

impl From<ImportError> for ReadFailure {
    fn from(e: ImportError) -> ReadFailure {
        ReadFailure::Budget(e)
    }
}

impl ReadFailure {
    /// The error to show: the budget's refusal (also when a counted reader failed because the
    /// budget ran out), or `broken` made from the detail.
    pub fn into_error(
        self,
        budget: &ReadBudget,
        broken: impl FnOnce(String) -> ImportError,
    ) -> ImportError {
        match self {
            ReadFailure::Budget(e) => e,
            ReadFailure::Broken(detail) => budget.io_error(|| broken(detail)),
        }
    }
}

/// A reader that counts the bytes it gives into its budget and fails past the limit.
pub struct CountedRead<R> {
    inner: R,
    used: Rc<Cell<u64>>,
    max: u64,
}

impl<R: Read> Read for CountedRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let used = self.used.get().saturating_add(n as u64);
        self.used.set(used);
        if used > self.max {
            return Err(io::Error::other("unpacked size limit"));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
        for (name, data) in entries {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .expect("entry");
            w.write_all(data).expect("write");
        }
        w.finish().expect("finish").into_inner()
    }

    #[test]
    fn a_zip_that_unpacks_past_the_limit_is_refused_naming_the_limit() {
        let big = vec![b'a'; 3 * 1024 * 1024];
        let bytes = zip_of(&[("a.xml", &big), ("b.xml", &big)]);
        assert!(bytes.len() < 100_000, "a bomb is small: {}", bytes.len());
        let limits = ReadLimits {
            unpacked_bytes: 5 * 1024 * 1024,
            ..ReadLimits::DEFAULT
        };
        let budget = ReadBudget::new("бомба.xlsx", limits);
        let e = budget.scan_zip(&bytes).expect_err("over");
        assert!(matches!(
            e,
            ImportError::OverBudget {
                which: Limit::UnpackedBytes,
                ..
            }
        ));
        assert_eq!(
            e.to_string(),
            "бомба.xlsx: файлът надхвърля ограничението за обработка (разархивирано съдържание до 5 MB)"
        );
        assert!(
            budget.unpacked() <= 5 * 1024 * 1024 + 64 * 1024,
            "stops early"
        );
        let roomy = ReadBudget::new("a.xlsx", ReadLimits::DEFAULT);
        roomy.scan_zip(&bytes).expect("within");
        assert_eq!(roomy.unpacked(), 6 * 1024 * 1024);
    }

    #[test]
    fn cells_rows_and_text_are_counted_as_charged() {
        let limits = ReadLimits {
            cells: 2,
            rows: 1,
            text_bytes: 10,
            ..ReadLimits::DEFAULT
        };
        let mut b = ReadBudget::new("t.csv", limits);
        b.charge_cell(4).expect("one");
        b.charge_cell(4).expect("two");
        let e = b.charge_cell(0).expect_err("three cells");
        assert!(e.to_string().contains("до 2 клетки в таблиците"), "{e}");
        b.charge_row().expect("one row");
        assert!(b.charge_row().is_err());
        let mut b = ReadBudget::new("t.csv", limits);
        assert!(b.charge_text(11).is_err());
        assert!(b.check_depth(256).is_ok(), "depth is its own limit");
        assert!(
            ReadBudget::new("t", ReadLimits::DEFAULT)
                .check_depth(257)
                .is_err()
        );
    }

    #[test]
    fn numbers_are_grouped_as_bulgarian_writes_them() {
        assert_eq!(group_thousands(250_000), "250\u{a0}000");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1_000), "1\u{a0}000");
    }
}
