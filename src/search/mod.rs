//! Full-text search over measures, activities and indicators, with filters; the query
//! language of each backend is built here from what the user typed.

pub mod pages;
pub mod store;

use crate::plan::NationalArea;

/// What the user asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    pub text: String,
    pub area: Option<NationalArea>,
    /// Institution slug.
    pub institution: Option<String>,
    /// Declared status as written in plans.
    pub status: Option<String>,
}

impl SearchQuery {
    pub fn is_empty(&self) -> bool {
        words(&self.text).is_empty()
            && self.area.is_none()
            && self.institution.is_none()
            && self.status.is_none()
    }
}

/// The searchable words of the input: letters and digits only, so nothing the user types can
/// change the meaning of the backend's query syntax. At most 12 words.
pub fn words(input: &str) -> Vec<String> {
    input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .take(12)
        .collect()
}

/// SQLite FTS5: every word as a prefix, all required: `"образов"* "деца"*`.
pub fn fts5_query(input: &str) -> Option<String> {
    let w = words(input);
    (!w.is_empty()).then(|| {
        w.iter()
            .map(|w| format!("\"{w}\"*"))
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// PostgreSQL tsquery: `образов:* & деца:*`.
pub fn tsquery(input: &str) -> Option<String> {
    let w = words(input);
    (!w.is_empty()).then(|| {
        w.iter()
            .map(|w| format!("{w}:*"))
            .collect::<Vec<_>>()
            .join(" & ")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_syntax_in_user_input_is_neutralised() {
        assert_eq!(
            fts5_query("деца\" OR x*"),
            Some("\"деца\"* \"or\"* \"x\"*".into())
        );
        assert_eq!(tsquery("a & !b | (c)"), Some("a:* & b:* & c:*".into()));
        assert_eq!(fts5_query("  ,,; "), None);
    }

    #[test]
    fn cyrillic_words_are_lowercased_and_kept_whole() {
        assert_eq!(words("Здравни МЕДИАТОРИ"), vec!["здравни", "медиатори"]);
    }
}
