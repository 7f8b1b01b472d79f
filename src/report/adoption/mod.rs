//! The council's adoption of an approved version, one way for every report: a municipality's
//! annual report (the municipal council) and a district's or the nation's (its council).
//!
//! - Here (pure): the adoption form as typed, checked field by field: the decision's numbers
//!   and date, the decision as a file or a link, the confirmation that the version and its
//!   documents will not change; a date in the future or before the monitoring body's approval
//!   is asked to be confirmed, a date in the report's year is refused.
//! - `keep.rs`: the adoption recorded: the three documents rendered once and kept under
//!   `data_dir/reports` by SHA-256 with the decision under `data_dir/decisions`, the version
//!   fixed for good, the audit event in the same transaction; the kept files read back.

mod keep;

pub use keep::{Of, Table, adopt, decision_file, files, kept_document};

use crate::dates::{display_bg, parse_iso_date};
use crate::files::accept;
use crate::forms::FieldErrors;
use crate::i18n::Tr;
use serde::Serialize;

/// The largest adoption form: the decision file and the other fields.
pub const UPLOAD_LIMIT: usize = accept::MAX_EVIDENCE_BYTES + 64 * 1024;

/// How the council adopted a version (validated by the page or the caller).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CouncilAdoption {
    pub decision_number: String,
    pub protocol_number: String,
    /// ISO date.
    pub date: String,
    /// The decision as a file (name, bytes) ...
    #[serde(skip)]
    pub file: Option<(String, Vec<u8>)>,
    /// ... or where the council published it.
    pub url: Option<String>,
}

/// The adoption form as typed, shown again when refused.
#[derive(Debug, Clone, Default)]
pub struct AdoptionForm {
    pub decision_number: String,
    pub protocol_number: String,
    pub date: String,
    pub url: String,
    /// The person ticked "the date is right" after it was questioned.
    pub date_confirmed: bool,
    /// The date is in the future or before the approval: asked to confirm it.
    pub date_questioned: bool,
    /// The person ticked that an adopted version cannot change.
    pub confirm: bool,
}

/// What the decision's date is checked against.
pub struct Expect {
    /// The year the report is about: its council decides after the year.
    pub year: i32,
    /// The day the monitoring body approved the version for the council (a municipality's
    /// report); a decision before it is asked to be confirmed.
    pub monitoring_body_approved: Option<time::Date>,
    pub today: time::Date,
    /// The council as the message about a missing decision names it ("Общинския съвет").
    pub council: &'static str,
    /// The reader's language, for the refusals of the decision file or link.
    pub tr: Tr,
}

impl AdoptionForm {
    /// The form as sent; `field(name)` is a field's trimmed text, "" when not sent.
    pub fn read<'a>(field: impl Fn(&str) -> &'a str) -> AdoptionForm {
        AdoptionForm {
            decision_number: field("decision_number").to_string(),
            protocol_number: field("protocol_number").to_string(),
            date: field("date").to_string(),
            url: field("url").to_string(),
            date_confirmed: field("date_confirmed") == "yes",
            date_questioned: false,
            confirm: field("confirm") == "yes",
        }
    }

    /// The fields in error, with `file` the decision file sent; marks a questioned date so the
    /// page offers to confirm it.
    pub fn check(&mut self, file: Option<&(String, Vec<u8>)>, expect: &Expect) -> FieldErrors {
        let mut errors = FieldErrors::default();
        for (field, value, what) in [
            (
                "decision_number",
                &self.decision_number,
                "номера на решението",
            ),
            (
                "protocol_number",
                &self.protocol_number,
                "номера на протокола",
            ),
        ] {
            if value.is_empty() {
                errors.add(field, format!("Въведете {what}."));
            } else if value.chars().count() > 50 {
                errors.add(field, "Номерът е по-дълъг от 50 знака.");
            }
        }
        self.check_date(expect, &mut errors);
        if let Some((name, bytes)) = file
            && let Err(m) = accept::check_file(name, bytes)
        {
            errors.add("file", expect.tr.say(&m));
        }
        if !self.url.is_empty()
            && let Err(m) = accept::check_link(&self.url)
        {
            errors.add("url", expect.tr.say(&m));
        }
        if !self.confirm {
            errors.add(
                "confirm",
                "Потвърдете, че вписаната версия и файловете ѝ не могат да се променят.",
            );
        }
        if file.is_none() && self.url.is_empty() {
            errors.add(
                "file",
                format!(
                    "Приложете решението на {} като файл или посочете адреса, на който е публикувано.",
                    expect.council
                ),
            );
        }
        errors
    }

    fn check_date(&mut self, expect: &Expect, errors: &mut FieldErrors) {
        let d = match parse_iso_date(&self.date) {
            Err(_) if self.date.is_empty() => {
                return errors.add("date", "Въведете датата на решението.");
            }
            Err(_) => {
                return errors.add("date", format!("„{}“ не е дата (ГГГГ-ММ-ДД).", self.date));
            }
            Ok(d) => d,
        };
        if d.year() <= expect.year {
            return errors.add(
                "date",
                format!(
                    "Докладът за {} г. не може да е приет преди края на годината, за която е.",
                    expect.year
                ),
            );
        }
        let question = if d > expect.today {
            Some("Датата на решението е в бъдещето.".to_string())
        } else {
            expect
                .monitoring_body_approved
                .filter(|a| d < *a)
                .map(|a| {
                    format!(
                        "Датата на решението ({}) е преди одобрението на доклада от наблюдателния орган ({}).",
                        display_bg(&self.date),
                        display_bg(&a.to_string())
                    )
                })
        };
        if let Some(q) = question {
            self.date_questioned = true;
            if !self.date_confirmed {
                errors.add(
                    "date",
                    format!("{q} Проверете я; ако е вярна, потвърдете я с отметката под полето."),
                );
            }
        }
    }

    /// The adoption the form records, with the decision `file`.
    pub fn adoption(self, file: Option<(String, Vec<u8>)>) -> CouncilAdoption {
        CouncilAdoption {
            decision_number: self.decision_number,
            protocol_number: self.protocol_number,
            date: self.date,
            file,
            url: Some(self.url).filter(|u| !u.is_empty()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    type Decision = (String, Vec<u8>);

    fn form(fields: &[(&str, &str)]) -> AdoptionForm {
        AdoptionForm::read(|name| {
            fields
                .iter()
                .find(|(k, _)| *k == name)
                .map_or("", |(_, v)| v)
        })
    }

    fn sent(date: &str, confirm: bool) -> AdoptionForm {
        let mut fields = vec![
            ("decision_number", "12"),
            ("protocol_number", "3"),
            ("date", date),
        ];
        if confirm {
            fields.push(("confirm", "yes"));
        }
        form(&fields)
    }

    fn decision() -> Option<Decision> {
        Some(("решение.pdf".into(), b"%PDF-1.4\n%%EOF\n".to_vec()))
    }

    fn expect(approved: Option<time::Date>) -> Expect {
        Expect {
            year: 2024,
            monitoring_body_approved: approved,
            today: date!(2026 - 06 - 01),
            council: "съвета",
            tr: Tr::default(),
        }
    }

    #[test]
    fn an_adoption_needs_its_numbers_a_date_after_the_year_the_decision_and_the_confirmation() {
        let e = sent("2025-03-01", true).check(decision().as_ref(), &expect(None));
        assert!(e.is_empty(), "{e:?}");
        let e = sent("2024-06-01", true).check(decision().as_ref(), &expect(None));
        assert!(e.get("date").is_some(), "during the year");
        let e = sent("2025-03-01", false).check(None, &expect(None));
        assert!(e.get("file").is_some() && e.get("confirm").is_some());
        let mut typed = form(&[("date", "не е дата")]);
        let e = typed.check(None, &expect(None));
        assert!(e.get("decision_number").is_some() && e.get("date").is_some());
        assert_eq!(typed.date, "не е дата", "kept to be shown again");
    }

    #[test]
    fn a_date_in_the_future_or_before_the_approval_is_asked_to_be_confirmed() {
        let mut future = sent("2027-01-01", true);
        let e = future.check(decision().as_ref(), &expect(None));
        assert!(e.get("date").is_some() && future.date_questioned);
        let approved = Some(date!(2025 - 04 - 01));
        let mut early = sent("2025-03-01", true);
        let e = early.check(decision().as_ref(), &expect(approved));
        assert!(e.get("date").is_some_and(|m| m.contains("01.04.2025")));
        let mut confirmed = form(&[
            ("decision_number", "12"),
            ("protocol_number", "3"),
            ("date", "2025-03-01"),
            ("date_confirmed", "yes"),
            ("confirm", "yes"),
        ]);
        let e = confirmed.check(decision().as_ref(), &expect(approved));
        assert!(e.is_empty(), "{e:?}");
        assert!(confirmed.date_questioned);
    }

    #[test]
    fn the_adoption_keeps_a_link_only_when_one_was_typed() {
        let a = sent("2025-03-01", true).adoption(decision());
        assert_eq!(a.url, None);
        assert!(a.file.is_some());
        let a = form(&[("url", "https://council.example/12")]).adoption(None);
        assert_eq!(a.url.as_deref(), Some("https://council.example/12"));
    }
}
