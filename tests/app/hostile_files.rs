//! Small files that once took the server down, made in the test (nothing large is committed):
//! the ones of issue 18 and more of the same kinds. Also the seed corpus of `scripts/fuzz.sh`.

use rust_xlsxwriter::Workbook;
use std::io::Write;
use zip::write::SimpleFileOptions;

pub use crate::hostile_more::*;

/// A hostile file: its name (the extension picks the reader) and bytes.
pub struct Hostile {
    pub name: &'static str,
    pub bytes: Vec<u8>,
}

/// A workbook whose sheets each hold a cell at A1 and one at XFD1048576 (the last cell a
/// sheet can have): 14 KB that a dense reader makes 17 billion cells.
pub fn far_cells_xlsx(sheets: &[&str]) -> Vec<u8> {
    let mut wb = Workbook::new();
    for name in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).expect("name");
        ws.write_string(0, 0, "A1").expect("a1");
        ws.write_string(1_048_575, 16_383, "XFD1048576")
            .expect("xfd");
    }
    wb.save_to_buffer().expect("xlsx")
}

pub(crate) type Fill<'a> = Box<dyn Fn(&mut dyn Write) + 'a>;

pub(crate) fn zip_of(entries: Vec<(&str, Fill<'_>)>) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_level(Some(9));
    for (name, fill) in entries {
        w.start_file(name, options).expect("entry");
        fill(&mut w);
    }
    w.finish().expect("zip").into_inner()
}

pub(crate) fn bytes(b: &'static [u8]) -> Fill<'static> {
    Box::new(move |w| w.write_all(b).expect("write"))
}

/// The parts of a one-sheet workbook, with `strings` as its shared strings.
fn xlsx_with(strings: Fill<'_>) -> Vec<u8> {
    let mut entries: Vec<(&str, Fill<'_>)> =
        XLSX_PARTS.iter().map(|(n, b)| (*n, bytes(b))).collect();
    entries.push(("xl/worksheets/sheet1.xml", bytes(SHEET_ONE_STRING)));
    entries.push(("xl/sharedStrings.xml", strings));
    zip_of(entries)
}

/// `n` times `piece`, written in chunks.
pub(crate) fn repeat(out: &mut dyn Write, piece: &[u8], n: usize) {
    let chunk: Vec<u8> = piece.repeat((1 << 16) / piece.len().max(1) + 1);
    let per_chunk = chunk.len() / piece.len();
    let mut left = n;
    while left > 0 {
        let k = left.min(per_chunk);
        out.write_all(&chunk[..k * piece.len()]).expect("write");
        left -= k;
    }
}

/// A DOCX whose one table unpacks to `mb` MB of rows of empty cells.
pub fn docx_table_bomb(mb: usize) -> Vec<u8> {
    let row = b"<w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr>";
    let rows = mb * 1024 * 1024 / row.len();
    zip_of(vec![
        (
            "[Content_Types].xml",
            bytes(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#),
        ),
        (
            "word/document.xml",
            Box::new(move |w| {
                w.write_all(br#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:tbl>"#).expect("w");
                repeat(w, row, rows);
                w.write_all(b"</w:tbl></w:body></w:document>").expect("w");
            }),
        ),
    ])
}

pub(crate) const XLSX_PARTS: [(&str, &[u8]); 4] = [
    (
        "[Content_Types].xml",
        br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#,
    ),
    (
        "_rels/.rels",
        br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    ),
    (
        "xl/workbook.xml",
        br#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    ),
    (
        "xl/_rels/workbook.xml.rels",
        br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
    ),
];

const SHEET_ONE_STRING: &[u8] = br#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#;

/// An XLSX whose shared strings unpack to `mb` MB (one string, so no cell limit applies).
pub fn shared_strings_bomb(mb: usize) -> Vec<u8> {
    xlsx_with(Box::new(move |w| {
        w.write_all(br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>"#).expect("w");
        repeat(w, b"a", mb * 1024 * 1024);
        w.write_all(b"</t></si></sst>").expect("w");
    }))
}

/// An XLSX whose cell references overflow a 32-bit row or column (found by scripts/fuzz.sh:
/// calamine multiplies them unchecked and panics in a debug build).
pub fn cell_reference_overflow() -> Vec<u8> {
    let mut entries: Vec<(&str, Fill<'_>)> =
        XLSX_PARTS.iter().map(|(n, b)| (*n, bytes(b))).collect();
    entries.push((
        "xl/worksheets/sheet1.xml",
        bytes(br#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD184467440737095516161048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c><c r="A99999999999" t="inlineStr"><is><t>y</t></is></c><c r="ZZZZZZZZ1" t="inlineStr"><is><t>z</t></is></c></row></sheetData></worksheet>"#),
    ));
    entries.push((
        "xl/sharedStrings.xml",
        bytes(br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"></sst>"#),
    ));
    zip_of(entries)
}

/// An XLSX of a few hundred bytes declaring four billion shared strings.
pub fn shared_strings_count_lie() -> Vec<u8> {
    xlsx_with(bytes(
        br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000" uniqueCount="4000000000"><si><t>x</t></si></sst>"#,
    ))
}

/// [`shared_strings_count_lie`] with an element before the root and a comment of 70 KB
/// (found by the fuzzer: a check reading only the first element or the first 64 KB missed it).
pub fn shared_strings_count_lie_hidden() -> Vec<u8> {
    xlsx_with(Box::new(|w| {
        w.write_all(br#"<?xml version="1.0"?><b/><!-- "#)
            .expect("w");
        repeat(w, b"x", 70 * 1024);
        w.write_all(br#" --><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="4000000000"><si><t>x</t></si></sst>"#).expect("w");
    }))
}

/// An ODS whose one row of text is repeated a million times across every column.
pub fn ods_repeated_text() -> Vec<u8> {
    let content = br#"<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="Sheet1"><table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>Measure</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    ods(content)
}

/// An ODS with a cell at A1 and one at XFD1048576, the gap made of empty repeats.
pub fn ods_far_cells() -> Vec<u8> {
    let content = br#"<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="Sheet1"><table:table-row><table:table-cell office:value-type="string"><text:p>A1</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="16384"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16383"/><table:table-cell office:value-type="string"><text:p>XFD</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    ods(content)
}

fn ods(content: &'static [u8]) -> Vec<u8> {
    zip_of(vec![
        (
            "mimetype",
            bytes(b"application/vnd.oasis.opendocument.spreadsheet"),
        ),
        ("content.xml", bytes(content)),
    ])
}

/// `n` tables, each inside the last one's cell.
pub fn nested_tables_html(n: usize) -> Vec<u8> {
    format!(
        "<!DOCTYPE html><html><body>{}x{}</body></html>",
        "<table><tr><td>".repeat(n),
        "</td></tr></table>".repeat(n)
    )
    .into_bytes()
}

pub fn nested_divs_html(n: usize) -> Vec<u8> {
    format!(
        "<!DOCTYPE html><html><body>{}x{}</body></html>",
        "<div>".repeat(n),
        "</div>".repeat(n)
    )
    .into_bytes()
}

/// A CSV of `rows` measure-like rows.
pub fn csv_rows(rows: usize) -> Vec<u8> {
    let mut out =
        b"\xE2\x84\x96;\xD0\x9C\xD1\x8F\xD1\x80\xD0\xBA\xD0\xB0;\xD0\xA1\xD1\x80\xD0\xBE\xD0\xBA\n"
            .to_vec();
    for i in 0..rows {
        out.extend_from_slice(format!("{i};Ремонт {};2024\n", i % 1000).as_bytes());
    }
    out
}

/// Text of one line with a million tabs (a million cells on one row).
pub fn text_of_tabs() -> Vec<u8> {
    let mut out = b"# \xD0\x9F\xD0\xBB\xD0\xB0\xD0\xBD\n".to_vec();
    out.extend(std::iter::repeat_n(b'\t', 1_000_000));
    out.push(b'\n');
    out
}

/// A JSON array of nearly 50 MB of zeros (a tree of it would be gigabytes).
pub fn json_of_zeros() -> Vec<u8> {
    let mut out = b"[".to_vec();
    out.extend(b"0,".repeat(24 * 1024 * 1024));
    out.extend_from_slice(b"0]");
    out
}

/// A PDF of the given objects (numbered from 1; object 1 is the catalogue) with a correct
/// cross-reference table, so that a reader gets past the file's structure to its content.
pub fn pdf_of(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A stream object of `data` compressed with Flate.
pub(crate) fn flate_stream(data: impl IntoIterator<Item = Vec<u8>>) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    for chunk in data {
        z.write_all(&chunk).expect("in memory");
    }
    let packed = z.finish().expect("in memory");
    let mut out = format!(
        "<< /Length {} /Filter /FlateDecode >>\nstream\n",
        packed.len()
    )
    .into_bytes();
    out.extend_from_slice(&packed);
    out.extend_from_slice(b"\nendstream");
    out
}

/// A one-page PDF whose page content is `content` (compressed) with a Helvetica font.
pub(crate) fn pdf_page(content: Vec<u8>) -> Vec<u8> {
    pdf_of(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
        content,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ])
}

/// A page whose content stream unpacks to `mb` MB of one repeated text operation: a megabyte
/// that a reader without a budget makes a gigabyte of operators.
pub fn pdf_content_bomb(mb: usize) -> Vec<u8> {
    let op = b"BT /F1 9 Tf 72 700 Td (x) Tj ET\n";
    let chunk = op.repeat((1 << 20) / op.len());
    pdf_page(flate_stream((0..mb).map(|_| chunk.clone())))
}

/// A page of `n` one-letter words, each at its own place (a word budget, not a byte budget).
pub fn pdf_many_words(n: usize) -> Vec<u8> {
    let ops = (0..n).map(|i| {
        format!(
            "BT /F1 4 Tf {} {} Td (a) Tj ET\n",
            10 + (i % 140) * 4,
            10 + (i / 140) % 200 * 4
        )
        .into_bytes()
    });
    pdf_page(flate_stream(ops))
}

/// A page holding one "word" of `n` letters in one text operation: a file of a few hundred
/// bytes whose prefixes, kept for telling broken words, grew with the square of its length
/// (40,000 letters took 800 MB).
pub fn pdf_long_word(n: usize) -> Vec<u8> {
    let mut op = b"BT /F1 1 Tf 10 700 Td (".to_vec();
    op.extend(std::iter::repeat_n(b'a', n));
    op.extend_from_slice(b") Tj ET\n");
    pdf_page(flate_stream([op]))
}

/// An object of arrays nested `depth` deep (a recursive parser's stack).
pub fn pdf_nested_arrays(depth: usize) -> Vec<u8> {
    let mut page =
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Bomb ".to_vec();
    page.extend(std::iter::repeat_n(b'[', depth));
    page.extend(std::iter::repeat_n(b']', depth));
    page.extend_from_slice(b" >>");
    pdf_of(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        page,
        flate_stream([b"BT /F1 9 Tf 72 700 Td (x) Tj ET".to_vec()]),
    ])
}

/// A page tree whose node lists itself among its kids, and a page its own parent's parent.
pub fn pdf_page_tree_loop() -> Vec<u8> {
    pdf_of(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [2 0 R 3 0 R 2 0 R] /Count 1000000 >>".to_vec(),
        b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 3 0 R] /Count 2 >>".to_vec(),
    ])
}

/// Every hostile file, for the memory test and the fuzz seeds.
pub fn all() -> Vec<Hostile> {
    vec![
        Hostile {
            name: "far-cells.xlsx",
            bytes: far_cells_xlsx(&["Лист1"]),
        },
        Hostile {
            name: "shared-strings-1gib.xlsx",
            bytes: shared_strings_bomb(1024),
        },
        Hostile {
            name: "shared-strings-count.xlsx",
            bytes: shared_strings_count_lie(),
        },
        Hostile {
            name: "shared-strings-count-hidden.xlsx",
            bytes: shared_strings_count_lie_hidden(),
        },
        Hostile {
            name: "cell-reference-overflow.xlsx",
            bytes: cell_reference_overflow(),
        },
        Hostile {
            name: "table-150mb.docx",
            bytes: docx_table_bomb(150),
        },
        Hostile {
            name: "repeated-text.ods",
            bytes: ods_repeated_text(),
        },
        Hostile {
            name: "far-cells.ods",
            bytes: ods_far_cells(),
        },
        Hostile {
            name: "nested-tables.html",
            bytes: nested_tables_html(5000),
        },
        Hostile {
            name: "nested-divs.html",
            bytes: nested_divs_html(100_000),
        },
        Hostile {
            name: "million-rows.csv",
            bytes: csv_rows(1_000_000),
        },
        Hostile {
            name: "tabs.txt",
            bytes: text_of_tabs(),
        },
        Hostile {
            name: "zeros.json",
            bytes: json_of_zeros(),
        },
        Hostile {
            name: "content-256mb.pdf",
            bytes: pdf_content_bomb(256),
        },
        Hostile {
            name: "million-words.pdf",
            bytes: pdf_many_words(1_000_000),
        },
        Hostile {
            name: "long-word.pdf",
            bytes: pdf_long_word(500_000),
        },
        Hostile {
            name: "nested-arrays.pdf",
            bytes: pdf_nested_arrays(100_000),
        },
        Hostile {
            name: "page-tree-loop.pdf",
            bytes: pdf_page_tree_loop(),
        },
        Hostile {
            name: "to-unicode-wide-range.pdf",
            bytes: pdf_to_unicode_wide_range(),
        },
        Hostile {
            name: "to-unicode-1gib.pdf",
            bytes: pdf_to_unicode_bomb(1024),
        },
        Hostile {
            name: "cid-widths-again.pdf",
            bytes: pdf_cid_widths_again(100_000),
        },
        Hostile {
            name: "form-painting-itself.pdf",
            bytes: pdf_form_painting_itself(500_000),
        },
        Hostile {
            name: "array-of-zeros.pdf",
            bytes: pdf_array_of_zeros(2_000_000),
        },
        Hostile {
            name: "xref-at-one-array.pdf",
            bytes: pdf_xref_entries_at_one_array(300_000, 500_000),
        },
        Hostile {
            name: "object-stream-at-one-array.pdf",
            bytes: pdf_object_stream_at_one_array(100_000, 10_000),
        },
        Hostile {
            name: "breaks-90mb.docx",
            bytes: docx_breaks(90),
        },
        Hostile {
            name: "numbering-bomb.docx",
            bytes: docx_numbering_bomb(100_000),
        },
        Hostile {
            name: "wide-spans.docx",
            bytes: docx_wide_spans(240_000),
        },
        Hostile {
            name: "long-cell-90mb.xlsx",
            bytes: xlsx_long_cell(90),
        },
        Hostile {
            name: "cell-paragraphs.ods",
            bytes: ods_cell_of_paragraphs(5_000_000),
        },
        Hostile {
            name: "wide-record.csv",
            bytes: csv_wide_record(10_000_000),
        },
        Hostile {
            name: "many-attributes.html",
            bytes: html_many_attributes(1_000_000),
        },
        Hostile {
            name: "many-cells.html",
            bytes: html_many_cells(5_000_000),
        },
    ]
}
