//! The report as DOCX (WordprocessingML written directly, zipped): real heading styles with
//! outline levels (so a table of contents works in Word and LibreOffice), real tables with a
//! repeated header row, charts as PNG pictures with their description as alternative text.

use super::Report;
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

struct Doc {
    body: String,
    pictures: Vec<Vec<u8>>,
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

    /// A paragraph of (text, bold) runs.
    fn runs(&mut self, runs: &[(&str, bool)]) {
        self.body.push_str("<w:p>");
        for (t, b) in runs {
            self.run(t, *b);
        }
        self.body.push_str("</w:p>");
    }

    fn heading(&mut self, level: u8, text: &str) {
        self.para(Some(&format!("Heading{level}")), text);
    }

    fn page_break(&mut self) {
        self.body
            .push_str("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>");
    }

    fn table(&mut self, t: &DataTable) {
        self.para(Some("Caption"), &t.caption);
        self.body.push_str(
            "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"5000\" \
             w:type=\"pct\"/></w:tblPr><w:tblGrid>",
        );
        for _ in &t.headers {
            self.body.push_str("<w:gridCol/>");
        }
        self.body.push_str("</w:tblGrid>");
        self.body.push_str("<w:tr><w:trPr><w:tblHeader/></w:trPr>");
        for h in &t.headers {
            self.cell(h, true);
        }
        self.body.push_str("</w:tr>");
        for row in &t.rows {
            self.body.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
            for c in row {
                self.cell(c, false);
            }
            self.body.push_str("</w:tr>");
        }
        self.body.push_str("</w:tbl>");
        self.para(None, "");
    }

    fn cell(&mut self, text: &str, bold: bool) {
        self.body
            .push_str("<w:tc><w:p><w:pPr><w:pStyle w:val=\"TableText\"/></w:pPr>");
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

    fn toc(&mut self) {
        self.para(Some("TOCHeading"), "Съдържание");
        self.body.push_str(
            "<w:p><w:r><w:fldChar w:fldCharType=\"begin\" w:dirty=\"true\"/></w:r>\
             <w:r><w:instrText xml:space=\"preserve\"> TOC \\o \"1-2\" \\h \\z \\u </w:instrText></w:r>\
             <w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>",
        );
        self.body.push_str(&escape(
            "Съдържанието се обновява при отваряне (или: десен бутон → „Обнови полето“).",
        ));
        self.body
            .push_str("</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>");
    }
}

fn body(r: &Report) -> Result<Doc, DocxError> {
    let mut d = Doc {
        body: String::new(),
        pictures: Vec::new(),
    };
    d.para(Some("Subtitle"), &format!("Община {}", r.municipality));
    d.para(Some("Title"), &r.title);
    d.para(
        Some("Subtitle"),
        &format!("{} ({})", r.plan_title, r.plan_period),
    );
    d.para(None, &r.plan_adoption);
    if !r.state_line.is_empty() {
        d.runs(&[(&r.state_line, true)]);
    }
    if r.sample {
        d.para(
            None,
            "Докладът е изготвен от примерни (демонстрационни) данни, а не от действителни отчети.",
        );
    }
    d.page_break();
    d.toc();
    d.page_break();

    d.heading(1, "1. Въведение");
    r.introduction.iter().for_each(|p| d.para(None, p));
    d.heading(1, "2. Обобщение за годината");
    r.summary.iter().for_each(|p| d.para(None, p));
    for (k, v) in &r.figures {
        d.runs(&[(&format!("{k}: "), true), (v, false)]);
    }
    let mut figure = 0;
    for c in &r.charts {
        figure += 1;
        d.chart(c, figure)?;
    }
    for c in &r.chapters {
        d.heading(
            1,
            &format!("3.{n}. Приоритетна област {n}. {}", c.title, n = c.number),
        );
        c.summary.iter().for_each(|p| d.para(None, p));
        d.heading(2, "Мерки");
        for m in &c.measures {
            d.runs(&[(&format!("{} ", m.label), true), (&m.headline, false)]);
            d.para(None, &m.status_line());
            if let Some(line) = m.money_line() {
                d.para(None, &line);
            }
            m.done.iter().for_each(|t| d.para(Some("ListBullet"), t));
        }
        if !c.indicators.rows.is_empty() {
            d.heading(2, "Индикатори");
            d.table(&c.indicators);
        }
        if let Some(chart) = &c.chart {
            figure += 1;
            d.chart(chart, figure)?;
        }
        if !c.money.rows.is_empty() {
            d.heading(2, "Средства по източници");
            d.table(&c.money);
        }
    }
    d.heading(1, "4. Институции, които не са представили отчет");
    if r.silent.rows.is_empty() {
        d.para(None, "Всички институции са представили отчет.");
    } else {
        d.table(&r.silent);
    }
    d.heading(1, "5. Изводи и препоръки");
    d.heading(2, "Изводи");
    r.conclusions.iter().for_each(|p| d.para(None, p));
    d.heading(2, "Препоръки");
    for (i, p) in r.recommendations.iter().enumerate() {
        d.para(None, &format!("{}. {p}", i + 1));
    }
    d.heading(1, "Приложения");
    for t in &r.annexes {
        d.table(t);
    }
    Ok(d)
}

const NS: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
    xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" \
    xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\"";

const STYLES: &str = include_str!("docx_styles.xml");

/// The whole DOCX file.
pub fn render(r: &Report) -> Result<Vec<u8>, DocxError> {
    let d = body(r)?;
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
            escape(r.title.as_str())
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
