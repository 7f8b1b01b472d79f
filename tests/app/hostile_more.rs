//! More small hostile files, made in the test: PDFs whose fonts, forms or objects expand,
//! DOCX breaks, list markers and spans, and parts a library holds whole (see
//! `hostile_readers.rs`). Listed in `hostile_files::all()`.

use crate::hostile_files::{
    Fill, XLSX_PARTS, bytes, flate_stream, pdf_of, pdf_page, repeat, zip_of,
};
use std::io::Write;

/// A ToUnicode map as a font's stream (`body` between the code space and the end).
fn cmap(body: &str) -> Vec<u8> {
    format!(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CMapName /X def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n{body}endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    )
    .into_bytes()
}

/// A page showing two-byte codes in a Type0 font whose ToUnicode is object 7 and whose
/// descendant (object 6) is `cid_font`.
fn pdf_type0_page(cid_font: &[u8], to_unicode: Vec<u8>) -> Vec<u8> {
    pdf_of(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
        flate_stream([b"BT /F1 12 Tf 72 700 Td <0041004200430044> Tj ET".to_vec()]),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>".to_vec(),
        cid_font.to_vec(),
        to_unicode,
    ])
}

const CID_FONT: &[u8] = b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 500 >>";

/// A font whose ToUnicode map has one range over every four-byte code: lopdf made a reverse
/// entry for each of four billion codes (3 GB, a minute, then the process died).
pub fn pdf_to_unicode_wide_range() -> Vec<u8> {
    pdf_type0_page(
        CID_FONT,
        flate_stream([cmap(
            "1 beginbfrange\n<00000000> <FFFFFFFF> <0041>\nendbfrange\n",
        )]),
    )
}

/// A font whose ToUnicode map unpacks to `mb` MB (lopdf unpacked it without a limit).
pub fn pdf_to_unicode_bomb(mb: usize) -> Vec<u8> {
    let chunk = vec![b' '; 1 << 20];
    pdf_type0_page(CID_FONT, flate_stream((0..mb).map(|_| chunk.clone())))
}

/// A CID font whose /W array sets every code again and again (`0 4294967295 500` × `n`).
pub fn pdf_cid_widths_again(n: usize) -> Vec<u8> {
    let mut font = b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /DW 500 /W [".to_vec();
    font.extend(b"0 4294967295 500 ".repeat(n));
    font.extend_from_slice(b"] >>");
    pdf_type0_page(
        &font,
        flate_stream([cmap("1 beginbfchar\n<0041> <0410>\nendbfchar\n")]),
    )
}

/// A page painting a form that paints itself first, then `ops` operators.
pub fn pdf_form_painting_itself(ops: usize) -> Vec<u8> {
    let res = b"/Font << /F1 5 0 R >> /XObject << /X 6 0 R >>";
    let mut form = b"/X Do\n".to_vec();
    form.extend(b"q Q\n".repeat(ops / 2));
    let mut stream = flate_stream([form]);
    let at = stream
        .iter()
        .position(|b| *b == b'>')
        .expect("a dictionary");
    stream.splice(
        at - 1..at - 1,
        [
            b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << ".as_slice(),
            res.as_slice(),
            b" >> ".as_slice(),
        ]
        .concat(),
    );
    let mut page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << ".to_vec();
    page.extend_from_slice(res);
    page.extend_from_slice(b" >> /Contents 4 0 R >>");
    pdf_of(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        page,
        flate_stream([b"BT /F1 9 Tf 72 700 Td (x) Tj /X Do ET".to_vec()]),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        stream,
    ])
}

/// A page dictionary carrying an array of `n` zeros (a number is some 120 bytes in lopdf).
pub fn pdf_array_of_zeros(n: usize) -> Vec<u8> {
    let mut page =
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Junk [".to_vec();
    page.extend(b"0 ".repeat(n));
    page.extend_from_slice(b"] >>");
    pdf_of(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        page,
        flate_stream([b"BT /F1 9 Tf 72 700 Td (x) Tj ET".to_vec()]),
    ])
}

/// A cross-reference table of `n` more objects, all at the offset of one array of `len`
/// zeros: lopdf parses the array once for each.
pub fn pdf_xref_entries_at_one_array(n: usize, len: usize) -> Vec<u8> {
    let mut out = pdf_array_of_zeros(0);
    let xref = find(&out, b"xref\n").expect("xref");
    out.truncate(xref);
    let at = out.len();
    out.extend_from_slice(b"5 0 obj\n[");
    out.extend(b"0 ".repeat(len));
    out.extend_from_slice(b"]\nendobj\n");
    let table = out.len();
    let offsets: Vec<usize> = (1..=4)
        .map(|k| find(&out, format!("\n{k} 0 obj").as_bytes()).expect("object") + 1)
        .collect();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", 5 + n).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    let entry = format!("{at:010} 00000 n \n");
    out.extend(entry.as_bytes().repeat(n));
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{table}\n%%EOF\n",
            5 + n
        )
        .as_bytes(),
    );
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// An object stream of `n` entries, every one at the same array of `len` zeros.
pub fn pdf_object_stream_at_one_array(n: usize, len: usize) -> Vec<u8> {
    let header: String = (0..n).map(|i| format!("{} 0 ", i + 10)).collect();
    let mut data = header.clone().into_bytes();
    data.push(b'[');
    data.extend(b"0 ".repeat(len));
    data.push(b']');
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&data).expect("in memory");
    let packed = z.finish().expect("in memory");
    let mut objstm = format!(
        "<< /Type /ObjStm /N {n} /First {} /Length {} /Filter /FlateDecode >>\nstream\n",
        header.len(),
        packed.len()
    )
    .into_bytes();
    objstm.extend_from_slice(&packed);
    objstm.extend_from_slice(b"\nendstream");
    let mut doc = pdf_page(flate_stream([b"BT /F1 9 Tf 72 700 Td (x) Tj ET".to_vec()]));
    // The object stream as object 6, listed in a second table after the first.
    let start = find(&doc, b"xref\n").expect("xref");
    let tail = doc.split_off(start);
    let at = doc.len();
    doc.extend_from_slice(b"6 0 obj\n");
    doc.extend_from_slice(&objstm);
    doc.extend_from_slice(b"\nendobj\n");
    let shift = doc.len() - start;
    let mut tail = String::from_utf8(tail).expect("ascii");
    tail = tail.replace("0 6\n", "0 7\n").replace("/Size 6", "/Size 7");
    let xref_end = tail.find("trailer").expect("trailer");
    tail.insert_str(xref_end, &format!("{at:010} 00000 n \n"));
    let startxref: usize = start + shift;
    let body = tail
        .rsplit_once("startxref\n")
        .expect("startxref")
        .0
        .to_string();
    doc.extend_from_slice(body.as_bytes());
    doc.extend_from_slice(format!("startxref\n{startxref}\n%%EOF\n").as_bytes());
    doc
}

/// A DOCX of one paragraph of `mb` MB of `<w:br/>` (a million empty lines were held).
pub fn docx_breaks(mb: usize) -> Vec<u8> {
    docx_of(
        Box::new(move |w| {
            w.write_all(b"<w:p><w:r>").expect("w");
            repeat(w, b"<w:br/>", mb * 1024 * 1024 / 7);
            w.write_all(b"<w:t>x</w:t></w:r></w:p>").expect("w");
        }),
        None,
    )
}

/// A DOCX whose list level text is `%1` four million times, numbering `n` paragraphs of a
/// cell: each paragraph's marker was megabytes.
pub fn docx_numbering_bomb(n: usize) -> Vec<u8> {
    let mut numbering = br#"<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/><w:lvlText w:val=""#.to_vec();
    numbering.extend(b"%1".repeat(4 << 20));
    numbering.extend_from_slice(br#""/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num></w:numbering>"#);
    docx_of(
        Box::new(move |w| {
            w.write_all(b"<w:tbl><w:tr><w:tc>").expect("w");
            repeat(w, br#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>x</w:t></w:r></w:p>"#, n);
            w.write_all(b"</w:tc></w:tr></w:tbl>").expect("w");
        }),
        Some(numbering),
    )
}

/// A DOCX table row of `n` cells each spanning 64 grid columns (laid out as 64 cells each).
pub fn docx_wide_spans(n: usize) -> Vec<u8> {
    docx_of(
        Box::new(move |w| {
            w.write_all(b"<w:tbl><w:tr>").expect("w");
            repeat(
                w,
                br#"<w:tc><w:tcPr><w:gridSpan w:val="64"/></w:tcPr><w:p/></w:tc>"#,
                n,
            );
            w.write_all(b"</w:tr></w:tbl>").expect("w");
        }),
        None,
    )
}

fn docx_of(body: Fill<'static>, numbering: Option<Vec<u8>>) -> Vec<u8> {
    let mut entries: Vec<(&str, Fill<'_>)> = vec![
        (
            "[Content_Types].xml",
            bytes(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#),
        ),
        (
            "word/document.xml",
            Box::new(move |w| {
                w.write_all(br#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#).expect("w");
                body(w);
                w.write_all(b"</w:body></w:document>").expect("w");
            }),
        ),
    ];
    if let Some(n) = numbering {
        entries.push((
            "word/numbering.xml",
            Box::new(move |w| w.write_all(&n).expect("w")),
        ));
    }
    zip_of(entries)
}

/// An XLSX of one inline string of `mb` MB (calamine holds it whole before it is charged).
pub fn xlsx_long_cell(mb: usize) -> Vec<u8> {
    let mut entries: Vec<(&str, Fill<'_>)> =
        XLSX_PARTS.iter().map(|(n, b)| (*n, bytes(b))).collect();
    entries.push((
        "xl/worksheets/sheet1.xml",
        Box::new(move |w| {
            w.write_all(br#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>"#).expect("w");
            repeat(w, b"a", mb * 1024 * 1024);
            w.write_all(b"</t></is></c></row></sheetData></worksheet>").expect("w");
        }),
    ));
    entries.push(("xl/sharedStrings.xml", bytes(br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"></sst>"#)));
    zip_of(entries)
}

/// An ODS cell of `n` one-letter paragraphs (each a line of its own: 400 MB held for 5 million).
pub fn ods_cell_of_paragraphs(n: usize) -> Vec<u8> {
    zip_of(vec![
        (
            "mimetype",
            bytes(b"application/vnd.oasis.opendocument.spreadsheet"),
        ),
        (
            "content.xml",
            Box::new(move |w| {
                w.write_all(br#"<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="S"><table:table-row><table:table-cell office:value-type="string">"#).expect("w");
                repeat(w, b"<text:p>x</text:p>", n);
                w.write_all(b"</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>").expect("w");
            }),
        ),
    ])
}

/// A CSV whose second record has `n` fields (the CSV reader holds a record whole).
pub fn csv_wide_record(n: usize) -> Vec<u8> {
    let mut out = "№;Мярка;Срок\n".as_bytes().to_vec();
    out.extend(std::iter::repeat_n(b';', n));
    out.push(b'\n');
    out
}

/// A page whose one paragraph has `n` attributes (the parser compares each with those before).
pub fn html_many_attributes(n: usize) -> Vec<u8> {
    let mut out = b"<!DOCTYPE html><html><body><p".to_vec();
    for i in 0..n {
        out.extend_from_slice(format!(" a{i}=1").as_bytes());
    }
    out.extend_from_slice(b">x</p></body></html>");
    out
}

/// A table row of `n` unclosed cells (`<td>` × n: each an element of the parser's tree).
pub fn html_many_cells(n: usize) -> Vec<u8> {
    let mut out = b"<!DOCTYPE html><html><body><table><tr>".to_vec();
    out.extend(b"<td>".repeat(n));
    out.extend_from_slice(b"</tr></table></body></html>");
    out
}
