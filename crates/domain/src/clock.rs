//! Where "now" comes from, and the one zone every time a person reads is written in. Events are
//! dated by the engine's clock (UTC instants), and what is late, overdue or how many days are
//! left is measured against it; tests give a fixed clock so that those rules are checked on known
//! dates. Every screen, report and message writes an instant in Vietnam time (UTC+7, no daylight
//! saving) with the functions below, so the same event shows the same time everywhere (SPEC W15).

use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};

/// A source of the current time.
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// The system clock.
pub fn system() -> Clock {
    Arc::new(Timestamp::now)
}

/// A clock that always says `at`.
pub fn fixed(at: Timestamp) -> Clock {
    Arc::new(move || at)
}

/// Vietnam's time zone (UTC+7 all year): the zone of every time a person reads.
pub fn zone() -> TimeZone {
    TimeZone::fixed(Offset::constant(7))
}

/// The calendar date of an instant in Vietnam.
pub fn date_of(at: Timestamp) -> Date {
    at.to_zoned(zone()).date()
}

/// An instant in Vietnam time, to the minute, day first: "16/03/2025 00:30".
pub fn date_time(at: Timestamp) -> String {
    at.to_zoned(zone()).strftime("%d/%m/%Y %H:%M").to_string()
}

/// An instant in Vietnam time, to the second: "16/03/2025 00:30:05".
pub fn date_time_seconds(at: Timestamp) -> String {
    at.to_zoned(zone())
        .strftime("%d/%m/%Y %H:%M:%S")
        .to_string()
}

/// The date of an instant in Vietnam, day first: "16/03/2025".
pub fn date(at: Timestamp) -> String {
    at.to_zoned(zone()).strftime("%d/%m/%Y").to_string()
}

/// A calendar date as written in a file, for people: an ISO date ("2024-07-08") day first
/// ("08/07/2024"); anything else (a date already written another way) as it was.
pub fn written_date(s: &str) -> String {
    match s.trim().parse::<Date>() {
        Ok(d) => d.strftime("%d/%m/%Y").to_string(),
        Err(_) => s.to_string(),
    }
}

/// The time of day of an instant in Vietnam, to the second: "00:30:05".
pub fn time_of_day(at: Timestamp) -> String {
    at.to_zoned(zone()).strftime("%H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_in_vietnam_time_day_first() {
        // 17:30:05 UTC on 15 March is already the 16th in Vietnam.
        let t: Timestamp = "2025-03-15T17:30:05Z".parse().unwrap();
        assert_eq!(date_time(t), "16/03/2025 00:30");
        assert_eq!(date_time_seconds(t), "16/03/2025 00:30:05");
        assert_eq!(date(t), "16/03/2025");
        assert_eq!(time_of_day(t), "00:30:05");
        assert_eq!(date_of(t), jiff::civil::date(2025, 3, 16));
    }

    #[test]
    fn file_dates_are_shown_day_first_and_other_text_is_kept() {
        assert_eq!(written_date("2024-07-08"), "08/07/2024");
        assert_eq!(written_date("08/07/2024"), "08/07/2024");
        assert_eq!(written_date("tháng 7/2024"), "tháng 7/2024");
        assert_eq!(written_date("2024-13-40"), "2024-13-40");
    }
}
