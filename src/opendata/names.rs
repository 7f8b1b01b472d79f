//! How the datasets and their formats are named: file extensions, media types, labels and the
//! translation keys of titles and descriptions (the `/data` page and the DCAT catalogue).

use super::Dataset;

/// A download format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    Json,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Csv, Format::Xlsx, Format::Json];

    pub fn ext(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Json => "json",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Json => "application/json",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Format::Csv => "CSV",
            Format::Xlsx => "XLSX",
            Format::Json => "JSON",
        }
    }
}

impl Dataset {
    /// The translation key of its title.
    pub fn title_key(self) -> &'static str {
        match self {
            Dataset::Plans => "data.ds.plans",
            Dataset::Measures => "data.ds.measures",
            Dataset::Indicators => "data.ds.indicators",
            Dataset::Progress => "data.ds.progress",
            Dataset::Districts => "data.ds.districts",
            Dataset::National => "data.ds.national",
        }
    }

    /// The translation key of what it holds.
    pub fn about_key(self) -> &'static str {
        match self {
            Dataset::Plans => "data.ds.plans.about",
            Dataset::Measures => "data.ds.measures.about",
            Dataset::Indicators => "data.ds.indicators.about",
            Dataset::Progress => "data.ds.progress.about",
            Dataset::Districts => "data.ds.districts.about",
            Dataset::National => "data.ds.national.about",
        }
    }
}
