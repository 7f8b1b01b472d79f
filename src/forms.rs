//! What every form shares: the per-field errors a form is shown again with, next to the
//! fields they concern (`FieldErrors::get`), and nothing stored from input that has one.

/// One problem with one field, in the words shown next to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name and id; empty for a problem of the whole form (a step the record's
    /// state refuses), which the summary lists without a link.
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: &str) -> FieldError {
        FieldError {
            field: field.to_string(),
            message: message.to_string(),
        }
    }
}

/// The errors of one form, by field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The message for `field`, for showing next to it.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// What a page with a form says when a step was refused: a message about the whole form and
/// the errors by field, shown at the top by `templates/_feedback.html` (one alert, each field's
/// error a link to the field) and next to each field through [`Feedback::error`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Feedback {
    /// The summary's heading, as a message key ("import.refused").
    pub heading: Option<&'static str>,
    pub message: Option<String>,
    pub fields: FieldErrors,
    /// A closing line, as a message key ("import.nothing_stored").
    pub note: Option<&'static str>,
}

impl Feedback {
    /// A message about the whole form.
    pub fn message(message: impl Into<String>) -> Feedback {
        Feedback {
            message: Some(message.into()),
            ..Feedback::default()
        }
    }

    /// The errors of a form, by field.
    pub fn fields(fields: FieldErrors) -> Feedback {
        Feedback {
            fields,
            ..Feedback::default()
        }
    }

    pub fn titled(mut self, heading: &'static str) -> Feedback {
        self.heading = Some(heading);
        self
    }

    pub fn noted(mut self, note: &'static str) -> Feedback {
        self.note = Some(note);
        self
    }

    /// Nothing to say: the page shows no summary.
    pub fn is_empty(&self) -> bool {
        self.message.is_none() && self.fields.is_empty()
    }

    /// The error of `field`, for showing next to it.
    pub fn error(&self, field: &str) -> Option<&str> {
        self.fields.get(field)
    }
}

impl From<Option<String>> for Feedback {
    fn from(message: Option<String>) -> Feedback {
        Feedback {
            message,
            ..Feedback::default()
        }
    }
}

impl From<FieldErrors> for Feedback {
    fn from(fields: FieldErrors) -> Feedback {
        Feedback::fields(fields)
    }
}

impl FromIterator<(String, String)> for FieldErrors {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> FieldErrors {
        FieldErrors(
            iter.into_iter()
                .map(|(field, message)| FieldError { field, message })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feedback_without_message_or_field_errors_shows_nothing() {
        assert!(Feedback::default().titled("import.refused").is_empty());
        assert!(Feedback::from(None).is_empty());
        assert!(!Feedback::message("Не.").is_empty());
    }

    #[test]
    fn feedback_gives_each_field_its_error() {
        let f: FieldErrors = [("date".to_string(), "Въведете дата.".to_string())]
            .into_iter()
            .collect();
        let f = Feedback::fields(f);
        assert_eq!(f.error("date"), Some("Въведете дата."));
        assert_eq!(f.error("url"), None);
        assert!(!f.is_empty());
    }
}
