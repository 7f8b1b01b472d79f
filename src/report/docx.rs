//! The report as DOCX (WordprocessingML written directly, zipped) from the shared blocks:
//! real heading styles with outline levels and bookmarks, a table of contents field filled
//! with its entries (linked to the headings, page numbers as PAGEREF fields the word
//! processor updates), tables with column widths fitted to their content and a repeated
//! header row, charts as PNG pictures with their description as alternative text.

use super::Report;
use super::blocks::{Block, Document, Run, contents, fit_columns};
use super::pdf::text::{Metrics, extent};
use crate::analytics::charts::{Chart, DataTable};
use quick_xml::escape::escape;
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;

#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    #[error("не мога да създам DOCX: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("не мога да създам DOCX: {0}")]
    Io(#[from] std::io::Error),
    #[error("не мога да нарисувам диаграмата: {0}")]
    Chart(String),
}

/// Width of a chart picture on the page: 16 cm in EMU.
const PICTURE_EMU: u64 = 5_760_000;

/// The text width of an A4 page between the margins, in twentieths of a point.
const TEXT_TWIPS: f64 = 11906.0 - 1418.0 - 1134.0;
/// A cell's left and right margins together (TableNormal), in points.
const CELL_MARGINS_PT: f32 = 2.0 * 108.0 / 20.0;
/// TableText's font size, in points.
const TABLE_PT: f32 = 9.0;

struct Doc {
    body: String,
    pictures: Vec<Vec<u8>>,
    metrics: Option<Metrics>,
    /// Headings so far, for their bookmarks `_Toc{n}`.
    headings: usize,
}

impl Doc {
    fn para(&mut self, style: Option<&str>, text: &str) {
        self.body.push_str("<w:p>");
        if let Some(s) = style {
            self.body
                .push_str(&format!("<w:pPr><w:pStyle w:val=\"{s}\"/></w:pPr>"));
        }
        self.run(text, false);
        self.body.push_str("</w:p>");
    }

    fn run(&mut self, text: &str, bold: bool) {
        self.body.push_str("<w:r>");
        if bold {
            self.body.push_str("<w:rPr><w:b/></w:rPr>");
        }
        self.body.push_str("<w:t xml:space=\"preserve\">");
        self.body.push_str(&escape(text));
        self.body.push_str("</w:t></w:r>");
    }

    fn runs(&mut self, runs: &[Run]) {
        self.body.push_str("<w:p>");
        for r in runs {
            self.run(&r.text, r.bold);
        }
        self.body.push_str("</w:p>");
    }

    /// A heading with the bookmark the table of contents links to.
    fn heading(&mut self, level: u8, text: &str) {
        let n = self.headings;
        self.headings += 1;
        self.body.push_str(&format!(
            "<w:p><w:pPr><w:pStyle w:val=\"Heading{level}\"/></w:pPr>\
             <w:bookmarkStart w:id=\"{n}\" w:name=\"_Toc{n}\"/>"
        ));
        self.run(text, false);
        self.body
            .push_str(&format!("<w:bookmarkEnd w:id=\"{n}\"/></w:p>"));
    }

    /// Column widths in twips: each column's longest word at least, the rest by content.
    fn widths(&self, t: &DataTable) -> Vec<u64> {
        let cols = t.headers.len().max(1);
        let Some(m) = &self.metrics else {
            return vec![(TEXT_TWIPS / cols as f64) as u64; cols];
        };
        let (mut min, mut max) = (vec![0.0f64; cols], vec![0.0f64; cols]);
        let rows = std::iter::once((&t.headers, true)).chain(t.rows.iter().map(|r| (r, false)));
        for (row, bold) in rows {
            for (i, text) in row.iter().take(cols).enumerate() {
                let run = Run {
                    text: text.clone(),
                    bold,
                };
                let (lo, hi) = extent(&[run], TABLE_PT, m);
                min[i] = min[i].max(f64::from((lo + CELL_MARGINS_PT) * 20.0));
                max[i] = max[i].max(f64::from((hi + CELL_MARGINS_PT) * 20.0));
            }
        }
        fit_columns(&min, &max, TEXT_TWIPS)
            .into_iter()
            .map(|w| w.round() as u64)
            .collect()
    }

    fn page_break(&mut self) {
        self.body
            .push_str("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>");
    }

    fn table(&mut self, t: &DataTable) {
        self.para(Some("Caption"), &t.caption);
        let widths = self.widths(t);
        self.body.push_str(&format!(
            "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"{}\" \
             w:type=\"dxa\"/><w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid>",
            widths.iter().sum::<u64>()
        ));
        for w in &widths {
            self.body.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
        }
        self.body.push_str("</w:tblGrid>");
        self.body
            .push_str("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>");
        for (h, w) in t.headers.iter().zip(&widths) {
            self.cell(h, true, *w);
        }
        self.body.push_str("</w:tr>");
        for row in &t.rows {
            self.body.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
            for (i, w) in widths.iter().enumerate() {
                self.cell(row.get(i).map_or("", String::as_str), false, *w);
            }
            self.body.push_str("</w:tr>");
        }
        self.body.push_str("</w:tbl>");
        self.para(None, "");
    }

    fn cell(&mut self, text: &str, bold: bool, width: u64) {
        self.body.push_str(&format!(
            "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/></w:tcPr><w:p><w:pPr>\
             <w:pStyle w:val=\"TableText\"/></w:pPr>"
        ));
        self.run(text, bold);
        self.body.push_str("</w:p></w:tc>");
    }

    fn picture(&mut self, png: Vec<u8>, chart: &Chart) {
        self.pictures.push(png);
        let n = self.pictures.len();
        let cy = (PICTURE_EMU as f64 * chart.height / crate::analytics::charts::WIDTH) as u64;
        let descr = escape(format!("{}. {}", chart.title, chart.desc)).into_owned();
        self.body.push_str(&format!(
            "<w:p><w:pPr><w:keepNext/></w:pPr><w:r><w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\">\
             <wp:extent cx=\"{PICTURE_EMU}\" cy=\"{cy}\"/><wp:docPr id=\"{n}\" name=\"Фигура {n}\" descr=\"{descr}\"/>\
             <a:graphic xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\">\
             <a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">\
             <pic:pic xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">\
             <pic:nvPicPr><pic:cNvPr id=\"{n}\" name=\"chart{n}.png\" descr=\"{descr}\"/><pic:cNvPicPr/></pic:nvPicPr>\
             <pic:blipFill><a:blip r:embed=\"rIdImg{n}\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>\
             <pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{PICTURE_EMU}\" cy=\"{cy}\"/></a:xfrm>\
             <a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>\
             </wp:inline></w:drawing></w:r></w:p>"
        ));
    }

    fn chart(&mut self, chart: &Chart, figure: usize) -> Result<(), DocxError> {
        self.para(
            Some("Caption"),
            &format!("Фигура {figure}. {}", chart.title),
        );
        let png = super::picture::chart_png(chart).map_err(DocxError::Chart)?;
        self.picture(png, chart);
        self.table(&chart.table);
        Ok(())
    }

    /// The table of contents: a TOC field whose result already lists the headings (links to
    /// their bookmarks, page numbers as PAGEREF fields), so it reads right before any update.
    fn toc(&mut self, entries: &[(u8, String)]) {
        self.para(Some("TOCHeading"), super::blocks::CONTENTS);
        let field = |instr: &str| {
            format!(
                "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText \
                 xml:space=\"preserve\"> {instr} </w:instrText></w:r>\
                 <w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>"
            )
        };
        let end = "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>";
        for (i, (level, text)) in entries.iter().enumerate() {
            self.body.push_str(&format!(
                "<w:p><w:pPr><w:pStyle w:val=\"TOC{level}\"/><w:tabs><w:tab w:val=\"right\" \
                 w:leader=\"dot\" w:pos=\"{}\"/></w:tabs></w:pPr>",
                TEXT_TWIPS as u64
            ));
            if i == 0 {
                self.body.push_str(&field("TOC \\o \"1-2\" \\h \\z \\u"));
            }
            self.body.push_str(&format!(
                "<w:hyperlink w:anchor=\"_Toc{i}\" w:history=\"1\">"
            ));
            self.run(text, false);
            self.body.push_str("<w:r><w:tab/></w:r>");
            self.body.push_str(&field(&format!("PAGEREF _Toc{i} \\h")));
            self.body.push_str(end);
            self.body.push_str("</w:hyperlink>");
            if i + 1 == entries.len() {
                self.body.push_str(end);
            }
            self.body.push_str("</w:p>");
        }
    }
}

fn body(blocks: &[Block]) -> Result<Doc, DocxError> {
    let mut d = Doc {
        body: String::new(),
        pictures: Vec::new(),
        metrics: Metrics::new(),
        headings: 0,
    };
    let entries = contents(blocks);
    for b in blocks {
        match b {
            Block::TitlePage(t) => {
                d.para(Some("Subtitle"), &t.issuer);
                d.para(Some("Title"), &t.title);
                d.para(Some("Subtitle"), &t.plan);
                d.para(None, &t.adoption);
                if !t.state.is_empty() {
                    d.runs(&[Run::bold(t.state.clone())]);
                }
                if let Some(s) = &t.sample {
                    d.para(None, s);
                }
            }
            Block::Contents => d.toc(&entries),
            Block::Heading { level, text } => d.heading(*level, text),
            Block::Paragraph(runs) => d.runs(runs),
            Block::Detail(text) => d.para(None, text),
            Block::List {
                ordered: true,
                items,
            } => {
                for (i, p) in items.iter().enumerate() {
                    d.para(None, &format!("{}. {p}", i + 1));
                }
            }
            Block::List {
                ordered: false,
                items,
            } => {
                items.iter().for_each(|t| d.para(Some("ListBullet"), t));
            }
            Block::Table(t) => d.table(t),
            Block::Figure { number, chart } => d.chart(chart, *number)?,
            Block::PageBreak => d.page_break(),
        }
    }
    Ok(d)
}

const NS: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
    xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" \
    xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\"";

const STYLES: &str = include_str!("docx_styles.xml");

/// The whole DOCX file of the municipal report.
pub fn render(r: &Report) -> Result<Vec<u8>, DocxError> {
    render_document(&r.document())
}

/// The whole DOCX file of a document.
pub fn render_document(doc: &Document) -> Result<Vec<u8>, DocxError> {
    let d = body(&doc.blocks)?;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let put = |zip: &mut zip::ZipWriter<Cursor<Vec<u8>>>, name: &str, text: &str| {
        zip.start_file(name, opts)?;
        zip.write_all(text.as_bytes())?;
        Ok::<(), DocxError>(())
    };
    put(
        &mut zip,
        "[Content_Types].xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
         <Default Extension=\"png\" ContentType=\"image/png\"/>\
         <Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
         <Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
         <Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>\
         <Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
         </Types>",
    )?;
    put(
        &mut zip,
        "_rels/.rels",
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
         <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
         <Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
         </Relationships>",
    )?;
    put(
        &mut zip,
        "docProps/core.xml",
        &format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
             <cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
             xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>{}</dc:title><dc:creator>planmon</dc:creator>\
             <dc:language>bg-BG</dc:language></cp:coreProperties>",
            escape(doc.title.as_str())
        ),
    )?;
    let mut rels = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
         <Relationship Id=\"rIdStyles\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
         <Relationship Id=\"rIdSettings\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>",
    );
    for n in 1..=d.pictures.len() {
        rels.push_str(&format!(
            "<Relationship Id=\"rIdImg{n}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image\" Target=\"media/chart{n}.png\"/>"
        ));
    }
    rels.push_str("</Relationships>");
    put(&mut zip, "word/_rels/document.xml.rels", &rels)?;
    put(&mut zip, "word/styles.xml", STYLES)?;
    put(
        &mut zip,
        "word/settings.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
         <w:updateFields w:val=\"true\"/><w:defaultTabStop w:val=\"708\"/></w:settings>",
    )?;
    put(
        &mut zip,
        "word/document.xml",
        &format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document {NS}><w:body>{}\
             <w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1418\" w:right=\"1134\" \
             w:bottom=\"1418\" w:left=\"1418\" w:header=\"709\" w:footer=\"709\" w:gutter=\"0\"/></w:sectPr>\
             </w:body></w:document>",
            d.body
        ),
    )?;
    for (i, png) in d.pictures.iter().enumerate() {
        zip.start_file(format!("word/media/chart{}.png", i + 1), stored)?;
        zip.write_all(png)?;
    }
    Ok(zip.finish()?.into_inner())
}
