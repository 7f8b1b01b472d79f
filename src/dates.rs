//! Dates and timestamps as stored (ISO text in both databases) and shown (Bulgarian style).

use time::{
    Date, OffsetDateTime, format_description::well_known::Rfc3339, macros::format_description,
};

pub fn parse_iso_date(text: &str) -> Result<Date, time::error::Parse> {
    Date::parse(text, format_description!("[year]-[month]-[day]"))
}

/// "2021-09-30" -> "30.09.2021 г."; text that is not a date is returned as is.
pub fn display_bg(iso: &str) -> String {
    match parse_iso_date(iso) {
        Ok(d) => format!("{:02}.{:02}.{} г.", d.day(), u8::from(d.month()), d.year()),
        Err(_) => iso.to_string(),
    }
}

/// A date as a page in `lang` writes it: "30.09.2021 г." or "30 Sep 2021".
pub fn display(iso: &str, lang: crate::i18n::Lang) -> String {
    match (lang, parse_iso_date(iso)) {
        (crate::i18n::Lang::En, Ok(d)) => {
            let month = d.month().to_string();
            format!(
                "{} {} {}",
                d.day(),
                month.get(..3).unwrap_or(&month),
                d.year()
            )
        }
        _ => display_bg(iso),
    }
}

/// The day of a timestamp in Bulgarian style: "2024-03-31T10:00:00Z" -> "31.03.2024 г.".
pub fn display_day(timestamp: &str) -> String {
    display_bg(timestamp.get(..10).unwrap_or(timestamp))
}

/// The current UTC time as RFC 3339 text, the form every timestamp column uses.
pub fn now_rfc3339() -> String {
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

/// A UTC time as `YYYY-MM-DDTHH:MM:SSZ`: fixed width, so stamps compare correctly as text in
/// SQL (sessions expiry, login throttling windows, audit filters).
pub fn utc_stamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    t.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
    ))
    .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

/// `utc_stamp` of now.
pub fn now_stamp() -> String {
    utc_stamp(OffsetDateTime::now_utc())
}

/// The offset of Bulgarian time (Europe/Sofia) at a UTC instant: EET (+2), and EEST (+3) from
/// the last Sunday of March to the last Sunday of October, 01:00 UTC (the EU rule).
pub fn sofia_offset(t: OffsetDateTime) -> time::UtcOffset {
    let t = t.to_offset(time::UtcOffset::UTC);
    let last_sunday_1am = |month: time::Month| {
        let last = Date::from_calendar_date(t.year(), month, 31).ok()?;
        let back = last.weekday().number_days_from_sunday();
        let sunday = last - time::Duration::days(i64::from(back));
        Some(sunday.with_hms(1, 0, 0).ok()?.assume_utc())
    };
    let summer = match (
        last_sunday_1am(time::Month::March),
        last_sunday_1am(time::Month::October),
    ) {
        (Some(from), Some(to)) => t >= from && t < to,
        _ => false,
    };
    let hours = if summer { 3 } else { 2 };
    time::UtcOffset::from_hms(hours, 0, 0).unwrap_or(time::UtcOffset::UTC)
}

/// A stored UTC timestamp in Bulgarian time, as people read it: "2025-03-31T09:05:00Z" →
/// "31.03.2025 12:05"; text that is not a timestamp is returned as is.
pub fn display_local(timestamp: &str) -> String {
    match OffsetDateTime::parse(timestamp, &Rfc3339) {
        Ok(t) => {
            let local = t.to_offset(sofia_offset(t));
            format!(
                "{:02}.{:02}.{} {:02}:{:02}",
                local.day(),
                u8::from(local.month()),
                local.year(),
                local.hour(),
                local.minute()
            )
        }
        Err(_) => timestamp.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_display_in_bulgarian_style() {
        assert_eq!(display_bg("2021-09-30"), "30.09.2021 г.");
        assert_eq!(display_bg("неясно"), "неясно");
    }

    #[test]
    fn stamps_have_fixed_width_in_utc() {
        let t = time::macros::datetime!(2026-03-05 01:02:03.456 +02:00);
        assert_eq!(utc_stamp(t), "2026-03-04T23:02:03Z");
    }

    #[test]
    fn local_time_is_sofia_time_with_summer_time_by_the_eu_rule() {
        assert_eq!(display_local("2025-01-15T10:00:00Z"), "15.01.2025 12:00");
        assert_eq!(display_local("2025-07-01T10:00:00Z"), "01.07.2025 13:00");
        // 2025: summer time from 30 March 01:00 UTC to 26 October 01:00 UTC.
        assert_eq!(display_local("2025-03-30T00:59:00Z"), "30.03.2025 02:59");
        assert_eq!(display_local("2025-03-30T01:00:00Z"), "30.03.2025 04:00");
        assert_eq!(display_local("2025-10-26T00:59:00Z"), "26.10.2025 03:59");
        assert_eq!(display_local("2025-10-26T01:00:00Z"), "26.10.2025 03:00");
        assert_eq!(display_local("2024-12-31T23:30:00Z"), "01.01.2025 01:30");
        assert_eq!(display_local("неясно"), "неясно");
    }
}
