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
}
