//! One entry point for the three formats.

use super::Report;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Html,
    Docx,
    Pdf,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Html => "text/html; charset=utf-8",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Pdf => "application/pdf",
        }
    }

    /// The document `bytes` sent as `{stem}.{extension}`: HTML shown as a page under its own
    /// content policy, DOCX and PDF saved as files.
    pub fn download(self, stem: &str, bytes: Vec<u8>) -> axum::response::Response {
        use crate::web::download;
        let name = format!("{stem}.{}", self.extension());
        if self == Format::Html {
            return download::html_document(&name, bytes);
        }
        download::file(
            self.media_type(),
            &name,
            download::Disposition::Attachment,
            bytes,
        )
    }

    pub fn parse(text: &str) -> Option<Format> {
        match text {
            "html" => Some(Format::Html),
            "docx" => Some(Format::Docx),
            "pdf" => Some(Format::Pdf),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("не мога да създам HTML: {0}")]
    Html(#[from] askama::Error),
    #[error(transparent)]
    Docx(#[from] super::docx::DocxError),
    #[error(transparent)]
    Pdf(#[from] super::pdf::PdfError),
    #[error("не мога да създам документа: {0}")]
    Failed(#[from] crate::heavy::Failed),
}

/// [`render`] off the async workers, within the limit of heavy work at once.
pub async fn render_off_thread(report: Report, format: Format) -> Result<Vec<u8>, RenderError> {
    crate::heavy::run("report render", move || render(&report, format)).await?
}

pub fn render(report: &Report, format: Format) -> Result<Vec<u8>, RenderError> {
    Ok(match format {
        Format::Html => super::html::render(report)?.into_bytes(),
        Format::Docx => super::docx::render(report)?,
        Format::Pdf => super::pdf::render(report)?,
    })
}

/// A [`Document`](super::blocks::Document) (a district's or the nation's report) in `format`,
/// off the async workers.
pub async fn render_document_off_thread(
    doc: super::blocks::Document,
    format: Format,
) -> Result<Vec<u8>, RenderError> {
    crate::heavy::run("report render", move || render_document(&doc, format)).await?
}

pub fn render_document(
    doc: &super::blocks::Document,
    format: Format,
) -> Result<Vec<u8>, RenderError> {
    Ok(match format {
        Format::Html => super::html::render_document(doc)?.into_bytes(),
        Format::Docx => super::docx::render_document(doc)?,
        Format::Pdf => super::pdf::render_document(doc)?,
    })
}
