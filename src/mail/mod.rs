//! E-mail about the yearly cycle: what happened ([`Notice`]), to whom and in which words
//! (`queue.rs`: the recipients are the staff accounts the event concerns; the message is queued
//! in the transaction of the event, so it exists exactly when the event does), and sending
//! (`send.rs`: over SMTP with TLS when `[smtp]` is configured, retried with backoff, never sent
//! twice). Without SMTP the queue is read on `/admin/outbox` (`pages.rs`).
//!
//! A message holds aggregates only: names of plans, institutions and municipalities, counts,
//! dates and the reviewer's reason; the only personal datum is the staff recipient's address.
//! The words are composed here, purely, in Bulgarian and then English.

pub mod pages;
pub mod queue;
pub mod send;

pub use queue::queue;

/// An event of the yearly cycle that people are told about by e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A reminder to the reporters of an institution that still owes reports in a round.
    Reminder {
        round: i64,
        institution: i64,
        missing: usize,
    },
    /// An update sent back to the reporters of its institution, with the reviewer's reason.
    UpdateReturned {
        round: i64,
        update: i64,
        reason: String,
    },
    /// Updates of a round wait for review: to the municipality's reviewers.
    UpdatesWaiting { round: i64 },
    /// A version of the annual report was submitted for approval: to the municipality's
    /// reviewers.
    ReportWaiting { report: i64 },
    /// A version of the annual report was published: to every account of the municipality.
    ReportPublished { report: i64 },
}

impl Notice {
    /// The kind, as stored and shown on the outbox.
    pub fn kind(&self) -> &'static str {
        match self {
            Notice::Reminder { .. } => "reminder",
            Notice::UpdateReturned { .. } => "update_returned",
            Notice::UpdatesWaiting { .. } => "updates_waiting",
            Notice::ReportWaiting { .. } => "report_waiting",
            Notice::ReportPublished { .. } => "report_published",
        }
    }

    /// What the message is about: a pending message of the same topic to the same person is
    /// rewritten rather than queued again (ten submissions make one message, not ten).
    pub fn topic(&self) -> String {
        match self {
            Notice::Reminder {
                round, institution, ..
            } => format!("reminder:round:{round}:institution:{institution}"),
            Notice::UpdateReturned { update, .. } => format!("returned:update:{update}"),
            Notice::UpdatesWaiting { round } => format!("review:round:{round}"),
            Notice::ReportWaiting { report } => format!("review:report:{report}"),
            Notice::ReportPublished { report } => format!("published:report:{report}"),
        }
    }
}

/// A round as the messages name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundFacts {
    pub id: i64,
    pub plan_title: String,
    pub municipality: String,
    pub year: i64,
    /// ISO date.
    pub deadline: Option<String>,
}

/// An annual report version as the messages name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFacts {
    pub plan_id: i64,
    pub plan_title: String,
    pub municipality: String,
    pub year: i64,
    pub version: i64,
}

/// A message's words and the page it points to (a path; the sender writes it after the
/// configured public address).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    pub subject: String,
    pub body: String,
    pub link_path: String,
}

/// Between the Bulgarian and the English text of a message, and of its subject.
pub const LANGUAGE_BREAK: &str = "\n\n—\n";
pub const SUBJECT_BREAK: &str = " · ";

/// A stored text in its two languages (the English part empty when there is none).
pub fn split_languages<'a>(text: &'a str, between: &str) -> (&'a str, &'a str) {
    text.split_once(between).unwrap_or((text, ""))
}

const SIGNATURE_BG: &str = "Това съобщение е изпратено автоматично от planmon.";
const SIGNATURE_EN: &str = "This message was sent automatically by planmon.";

/// "2025-03-31" → ("31.03.2025 г.", "31.03.2025").
fn deadline_words(deadline: Option<&str>) -> (String, String) {
    match deadline.and_then(|d| crate::dates::parse_iso_date(d).ok()) {
        Some(d) => {
            let en = format!("{:02}.{:02}.{}", d.day(), u8::from(d.month()), d.year());
            (
                format!("Срокът е {en} г."),
                format!("The deadline is {en}."),
            )
        }
        None => (
            "Кръгът няма краен срок.".into(),
            "The round has no deadline.".into(),
        ),
    }
}

fn two_languages(bg: &str, en: &str) -> String {
    format!("{bg}\n\n{SIGNATURE_BG}{LANGUAGE_BREAK}{en}\n\n{SIGNATURE_EN}")
}

/// "3 отчета", "1 отчет" / "3 reports", "1 report".
fn reports_words(n: usize) -> (String, String) {
    if n == 1 {
        ("1 отчет".into(), "1 report".into())
    } else {
        (format!("{n} отчета"), format!("{n} reports"))
    }
}

/// The reminder to an institution that still owes `missing` reports.
pub fn reminder(
    round: &RoundFacts,
    institution: &str,
    institution_id: i64,
    missing: usize,
) -> Composed {
    let (bg_n, en_n) = reports_words(missing);
    let (bg_d, en_d) = deadline_words(round.deadline.as_deref());
    let RoundFacts {
        plan_title: plan,
        municipality: m,
        year,
        ..
    } = round;
    Composed {
        subject: format!("Напомняне: отчети за {year} г. · Reminder: reports for {year}"),
        body: two_languages(
            &format!(
                "Здравейте,\n\n„{institution}“ още не е подала {bg_n} за {year} г. по плана \
                 „{plan}“ (Община {m}). {bg_d}\n\nВлезте в planmon с профила си и отворете \
                 отчетите на институцията от връзката по-долу."
            ),
            &format!(
                "Hello,\n\n\"{institution}\" has not yet submitted {en_n} for {year} on the plan \
                 \"{plan}\" (municipality of {m}). {en_d}\n\nLog in to planmon with your account \
                 and open the institution's reports from the link below."
            ),
        ),
        link_path: format!("/rounds/{}/institutions/{institution_id}", round.id),
    }
}

/// An update returned to its institution: which measure, and why.
pub fn update_returned(
    round: &RoundFacts,
    institution: &str,
    institution_id: i64,
    measure_number: Option<&str>,
    reason: &str,
) -> Composed {
    let RoundFacts {
        plan_title: plan,
        year,
        ..
    } = round;
    let (bg_m, en_m) = match measure_number.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => (format!("по мярка {n}"), format!("on measure {n}")),
        None => ("по една от мерките".into(), "on one of the measures".into()),
    };
    let reason = reason.trim();
    Composed {
        subject: format!(
            "Отчет за {year} г. е върнат за корекция · A report for {year} was returned"
        ),
        body: two_languages(
            &format!(
                "Здравейте,\n\nОтчетът на „{institution}“ {bg_m} от плана „{plan}“ за {year} г. е \
                 върнат за корекция.\n\nПричина: {reason}\n\nПоправете го и го подайте отново."
            ),
            &format!(
                "Hello,\n\nThe report of \"{institution}\" {en_m} of the plan \"{plan}\" for {year} \
                 was returned for correction.\n\nReason: {reason}\n\nPlease correct it and submit it \
                 again."
            ),
        ),
        link_path: format!("/rounds/{}/institutions/{institution_id}", round.id),
    }
}

/// Updates of a round waiting for the monitoring body.
pub fn updates_waiting(round: &RoundFacts, waiting: usize) -> Composed {
    let (bg_n, en_n) = reports_words(waiting);
    let RoundFacts {
        plan_title: plan,
        municipality: m,
        year,
        ..
    } = round;
    let (bg_v, en_v) = if waiting == 1 {
        ("очаква", "is waiting")
    } else {
        ("очакват", "are waiting")
    };
    Composed {
        subject: format!("Отчети за преглед ({year} г.) · Reports waiting for review ({year})"),
        body: two_languages(
            &format!(
                "Здравейте,\n\n{bg_n} по плана „{plan}“ (Община {m}) за {year} г. {bg_v} \
                 преглед. Всеки отчет се одобрява или се връща с причина."
            ),
            &format!(
                "Hello,\n\n{en_n} on the plan \"{plan}\" (municipality of {m}) for {year} {en_v} \
                 for review. Each report is approved or returned with a reason."
            ),
        ),
        link_path: format!("/rounds/{}", round.id),
    }
}

/// A version of the annual report submitted to the monitoring body.
pub fn report_waiting(report: &ReportFacts) -> Composed {
    let ReportFacts {
        plan_title: plan,
        municipality: m,
        year,
        version,
        ..
    } = report;
    Composed {
        subject: format!(
            "Годишен доклад за {year} г. очаква одобрение · Annual report for {year} waits for approval"
        ),
        body: two_languages(
            &format!(
                "Здравейте,\n\nГодишният доклад за наблюдение на плана „{plan}“ (Община {m}) за \
                 {year} г., версия {version}, е внесен за одобрение. Прочетете го и го одобрете \
                 или го върнете за редакция с бележка."
            ),
            &format!(
                "Hello,\n\nThe annual monitoring report on the plan \"{plan}\" (municipality of {m}) \
                 for {year}, version {version}, was submitted for approval. Read it, then approve it \
                 or return it for editing with a note."
            ),
        ),
        link_path: format!("/plans/{}/reports", report.plan_id),
    }
}

/// A version of the annual report published on the portal.
pub fn report_published(report: &ReportFacts) -> Composed {
    let ReportFacts {
        plan_title: plan,
        municipality: m,
        year,
        version,
        ..
    } = report;
    Composed {
        subject: format!(
            "Годишният доклад за {year} г. е публикуван · The annual report for {year} is published"
        ),
        body: two_languages(
            &format!(
                "Здравейте,\n\nГодишният доклад за наблюдение на плана „{plan}“ (Община {m}) за \
                 {year} г. (версия {version}) е публикуван и е достъпен за всички."
            ),
            &format!(
                "Hello,\n\nThe annual monitoring report on the plan \"{plan}\" (municipality of {m}) \
                 for {year} (version {version}) is published and open to everyone."
            ),
        ),
        link_path: format!("/plans/{}/reports/{year}", report.plan_id),
    }
}

/// The whole text sent: the body and the page's full address (`public_url` + path; the path
/// alone when no public address is configured).
pub fn text_with_link(body: &str, link_path: &str, public_url: Option<&str>) -> String {
    if link_path.is_empty() {
        return body.to_string();
    }
    let base = public_url.unwrap_or_default().trim_end_matches('/');
    format!("{body}\n\n{base}{link_path}")
}

/// Attempts before a message is given up as failed.
pub const MAX_ATTEMPTS: i64 = 8;

/// How long to wait after the `attempts`-th failed attempt: 1, 2, 4 … minutes, at most 6
/// hours.
pub fn backoff(attempts: i64) -> time::Duration {
    let doubling = attempts.clamp(1, 20) - 1;
    let minutes = 1i64.checked_shl(doubling as u32).unwrap_or(i64::MAX);
    time::Duration::minutes(minutes.min(6 * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round() -> RoundFacts {
        RoundFacts {
            id: 5,
            plan_title: "План за действие 2022-2024".into(),
            municipality: "Пловдив".into(),
            year: 2024,
            deadline: Some("2025-03-31".into()),
        }
    }

    #[test]
    fn a_reminder_names_the_institution_the_count_and_the_deadline_in_both_languages() {
        let m = reminder(&round(), "РУО Пловдив", 7, 3);
        assert!(
            m.body
                .contains("„РУО Пловдив“ още не е подала 3 отчета за 2024 г.")
        );
        assert!(m.body.contains("Срокът е 31.03.2025 г."));
        assert!(m.body.contains("has not yet submitted 3 reports for 2024"));
        assert_eq!(m.link_path, "/rounds/5/institutions/7");
        let one = reminder(&round(), "РУО", 7, 1);
        assert!(one.body.contains("1 отчет за") && one.body.contains("1 report for"));
    }

    #[test]
    fn a_round_without_deadline_says_so() {
        let r = RoundFacts {
            deadline: None,
            ..round()
        };
        let m = updates_waiting(&r, 2);
        assert!(m.body.contains("2 отчета по плана"), "{}", m.body);
        let m = reminder(&r, "РУО", 7, 2);
        assert!(m.body.contains("Кръгът няма краен срок."), "{}", m.body);
    }

    #[test]
    fn a_returned_update_names_the_measure_by_the_plans_own_number_and_the_reason() {
        let m = update_returned(&round(), "РЗИ", 3, Some("2.3"), "Липсва индикатор.");
        assert!(m.body.contains("по мярка 2.3"));
        assert!(m.body.contains("Причина: Липсва индикатор."));
        let m = update_returned(&round(), "РЗИ", 3, None, "x");
        assert!(m.body.contains("по една от мерките"));
    }

    #[test]
    fn the_link_is_written_after_the_public_address() {
        let t = text_with_link("Текст", "/rounds/5", Some("https://planmon.example/"));
        assert!(t.ends_with("\n\nhttps://planmon.example/rounds/5"));
        assert!(text_with_link("Текст", "/rounds/5", None).ends_with("\n\n/rounds/5"));
    }

    #[test]
    fn backoff_doubles_from_a_minute_up_to_six_hours() {
        assert_eq!(backoff(1), time::Duration::minutes(1));
        assert_eq!(backoff(2), time::Duration::minutes(2));
        assert_eq!(backoff(4), time::Duration::minutes(8));
        assert_eq!(backoff(30), time::Duration::hours(6));
        assert_eq!(backoff(0), time::Duration::minutes(1));
    }
}
