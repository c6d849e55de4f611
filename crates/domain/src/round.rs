//! Explanation rounds (đợt giải trình, SPEC D5): after the appraisal the ministry sends each
//! province the proposed adjustments and gives it a period to answer. A round has an opening and a
//! closing date and a rule for which items are open to an explanation. Explanations received after
//! the closing date are accepted but flagged late; an item open in a round that has passed its
//! closing date with no explanation is overdue. A lead may close a round, after which no more
//! explanations are recorded in it.

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use super::item::Item;
use super::status::Status;

/// Which items a round opens to explanations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RoundScope {
    /// Items whose proposed score is below the self score, plus items awaiting evidence (the
    /// default: what a province loses points on).
    #[default]
    Lowered,
    /// Every item the ministry took a position on other than plain agreement: any adjustment
    /// (up or down), evidence requests, and answered explanations.
    AnyDecision,
}

impl RoundScope {
    pub fn as_str(self) -> &'static str {
        match self {
            RoundScope::Lowered => "lowered",
            RoundScope::AnyDecision => "any-decision",
        }
    }

    pub fn parse(s: &str) -> Option<RoundScope> {
        match s {
            "lowered" => Some(RoundScope::Lowered),
            "any-decision" | "any" => Some(RoundScope::AnyDecision),
            _ => None,
        }
    }
}

/// One explanation round of a year. Rounds are numbered from 1 within the year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    pub year: u16,
    pub number: u32,
    pub opens: Date,
    /// The last day on which an explanation is on time.
    pub closes: Date,
    pub scope: RoundScope,
    /// Units the round is for; empty means every unit of the year.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<String>,
    /// Reference of the letter that opened the round, or any note.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// A lead closed the round: no more explanations are recorded in it.
    #[serde(default)]
    pub closed: bool,
}

/// Why an item is not open to an explanation in a round.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotOpen {
    /// The round is for other units.
    OtherUnit,
    /// The item's state is not one the round's rule opens.
    OutOfScope,
    /// The explanation of this round was already answered.
    AlreadyAnswered,
}

impl Round {
    pub fn covers_unit(&self, unit: &str) -> bool {
        self.units.is_empty() || self.units.iter().any(|u| u == unit)
    }

    /// Does the round's rule open this item's current state to an explanation?
    pub fn rule_opens(&self, item: &Item) -> bool {
        let status = item.status();
        if !status.can_dispute() && status != Status::Disputed {
            return false;
        }
        match self.scope {
            RoundScope::Lowered => {
                status == Status::NeedsInfo || item.delta().is_some_and(|d| d.hundredths() < 0)
            }
            RoundScope::AnyDecision => true,
        }
    }

    /// May an explanation of `item` be recorded in this round? (The round being closed is
    /// checked separately: that is the lead's decision, not the item's.)
    pub fn check_item(&self, item: &Item) -> Result<(), NotOpen> {
        if !self.covers_unit(&item.key.unit) {
            return Err(NotOpen::OtherUnit);
        }
        if let Some(d) = &item.appraisal.dispute
            && d.round == self.number
            && d.outcome.is_some()
        {
            return Err(NotOpen::AlreadyAnswered);
        }
        if !self.rule_opens(item) {
            return Err(NotOpen::OutOfScope);
        }
        Ok(())
    }

    /// An explanation received after the closing date is late.
    pub fn is_late(&self, received: Date) -> bool {
        received > self.closes
    }

    /// Past its closing date on `today`.
    pub fn is_past(&self, today: Date) -> bool {
        today > self.closes
    }

    /// An item waiting for the province's explanation in this round: open to one, none recorded
    /// in this round yet, and not yet settled.
    pub fn awaits(&self, item: &Item) -> bool {
        if self.closed || self.check_item(item).is_err() {
            return false;
        }
        let explained_here = item
            .appraisal
            .dispute
            .as_ref()
            .is_some_and(|d| d.round == self.number);
        !explained_here && item.status() != Status::Disputed
    }

    /// Awaiting an explanation after the closing date.
    pub fn is_overdue(&self, item: &Item, today: Date) -> bool {
        self.is_past(today) && self.awaits(item)
    }

    /// Days left until the closing date (0 on the day itself, negative once past).
    pub fn days_left(&self, today: Date) -> i64 {
        // `Date - Date` is a span in days (its largest unit).
        i64::from((self.closes - today).get_days())
    }
}

/// The round an explanation of `item` would be recorded in, when the caller names none: the
/// latest round that is not closed and covers the item's unit.
pub fn current_round<'a>(rounds: &'a [Round], unit: &str) -> Option<&'a Round> {
    rounds
        .iter()
        .filter(|r| !r.closed && r.covers_unit(unit))
        .max_by_key(|r| r.number)
}

/// Today's date in Vietnam (UTC+7), where the rounds' dates are set and letters are dated.
pub fn today_in_vietnam(now: Timestamp) -> Date {
    vietnam_date(now)
}

/// The calendar date of an instant in Vietnam (UTC+7).
pub fn vietnam_date(at: Timestamp) -> Date {
    crate::clock::date_of(at)
}

/// A date as people write it on letters here: "15/03/2025" or "15/3/2025" (day first, as in
/// Vietnam), "15-03-2025", "15.03.2025", or ISO "2025-03-15".
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if let Ok(d) = s.parse::<Date>() {
        return Some(d);
    }
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    let [d, m, y] = parts.as_slice() else {
        return None;
    };
    let all_digits = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit());
    if !(all_digits(d) && all_digits(m) && all_digits(y)) || y.len() != 4 || d.len() > 2 {
        return None;
    }
    Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
}

/// A date the Vietnamese way: "15/03/2025".
pub fn format_date(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}

/// The date `days` after `d` (saturating at the calendar's ends).
pub fn add_days(d: Date, days: i64) -> Date {
    d.checked_add(days.days()).unwrap_or(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::{Dispute, ItemKey, SelfAssessment};
    use crate::points::Points;
    use crate::status::Outcome;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn round(scope: RoundScope) -> Round {
        Round {
            year: 2024,
            number: 1,
            opens: date("2025-03-01"),
            closes: date("2025-03-15"),
            scope,
            units: Vec::new(),
            note: String::new(),
            closed: false,
        }
    }

    fn item(self_h: i64, proposed: Option<i64>, status: Status) -> Item {
        let mut it = Item::new(ItemKey::new(2024, "44", "3.2.1"));
        it.self_assessment = Some(SelfAssessment {
            score: Points::from_hundredths(self_h),
            ..Default::default()
        });
        it.appraisal.proposed = proposed.map(Points::from_hundredths);
        it.appraisal.status = status;
        it
    }

    fn explained(mut it: Item, round: u32, outcome: Option<Outcome>) -> Item {
        it.appraisal.dispute = Some(Dispute {
            explanation: "đã có quyết định".into(),
            document: String::new(),
            claimed: None,
            received: date("2025-03-10"),
            round,
            late: false,
            outcome,
            response: String::new(),
        });
        it
    }

    #[test]
    fn default_rule_opens_lowered_scores_and_evidence_requests_only() {
        let r = round(RoundScope::Lowered);
        assert!(r.rule_opens(&item(100, Some(50), Status::Adjusted)));
        assert!(r.rule_opens(&item(100, None, Status::NeedsInfo)));
        assert!(
            !r.rule_opens(&item(50, Some(100), Status::Adjusted)),
            "raised"
        );
        assert!(!r.rule_opens(&item(100, Some(100), Status::Agreed)));
        assert!(!r.rule_opens(&item(100, None, Status::Pending)));
        assert!(!r.rule_opens(&item(100, Some(50), Status::Decided)));
        let any = round(RoundScope::AnyDecision);
        assert!(any.rule_opens(&item(50, Some(100), Status::Adjusted)));
        assert!(!any.rule_opens(&item(100, Some(100), Status::Agreed)));
    }

    #[test]
    fn a_round_is_for_its_units_and_takes_one_explanation_per_item() {
        let mut r = round(RoundScope::Lowered);
        r.units = vec!["01".into()];
        let it = item(100, Some(50), Status::Adjusted);
        assert_eq!(r.check_item(&it), Err(NotOpen::OtherUnit));
        r.units.clear();
        assert_eq!(r.check_item(&it), Ok(()));
        let answered = explained(
            item(100, Some(50), Status::Resolved),
            1,
            Some(Outcome::Rejected),
        );
        assert_eq!(r.check_item(&answered), Err(NotOpen::AlreadyAnswered));
        let mut r2 = round(RoundScope::Lowered);
        r2.number = 2;
        assert_eq!(
            r2.check_item(&answered),
            Ok(()),
            "a second round reopens it"
        );
    }

    #[test]
    fn late_overdue_and_days_left() {
        let r = round(RoundScope::Lowered);
        assert!(!r.is_late(date("2025-03-15")));
        assert!(r.is_late(date("2025-03-16")));
        let waiting = item(100, Some(50), Status::Adjusted);
        assert!(!r.is_overdue(&waiting, date("2025-03-15")));
        assert!(r.is_overdue(&waiting, date("2025-03-16")));
        let disputed = explained(item(100, Some(50), Status::Disputed), 1, None);
        assert!(!r.is_overdue(&disputed, date("2025-04-01")), "explained");
        let mut closed = r.clone();
        closed.closed = true;
        assert!(!closed.is_overdue(&waiting, date("2025-04-01")));
        assert_eq!(r.days_left(date("2025-03-10")), 5);
        assert_eq!(r.days_left(date("2025-03-17")), -2);
    }

    #[test]
    fn current_round_is_the_latest_open_one_for_the_unit() {
        let mut r1 = round(RoundScope::Lowered);
        let mut r2 = round(RoundScope::Lowered);
        r2.number = 2;
        r2.units = vec!["01".into()];
        let rounds = vec![r1.clone(), r2.clone()];
        assert_eq!(current_round(&rounds, "01").map(|r| r.number), Some(2));
        assert_eq!(current_round(&rounds, "44").map(|r| r.number), Some(1));
        r1.closed = true;
        assert_eq!(current_round(&[r1, r2], "44"), None);
    }

    #[test]
    fn dates_as_written_on_letters() {
        assert_eq!(parse_date("15/03/2025"), Some(date("2025-03-15")));
        assert_eq!(parse_date(" 5/3/2025 "), Some(date("2025-03-05")));
        assert_eq!(parse_date("15-03-2025"), Some(date("2025-03-15")));
        assert_eq!(parse_date("2025-03-15"), Some(date("2025-03-15")));
        assert_eq!(parse_date("31/02/2025"), None);
        assert_eq!(parse_date("15/03/25"), None);
        assert_eq!(parse_date("hôm qua"), None);
        assert_eq!(parse_date(""), None);
        assert_eq!(format_date(date("2025-03-05")), "05/03/2025");
    }

    #[test]
    fn vietnam_date_is_utc_plus_seven() {
        let t: Timestamp = "2025-03-15T17:30:00Z".parse().unwrap();
        assert_eq!(vietnam_date(t), date("2025-03-16"));
        assert_eq!(add_days(date("2025-03-15"), 14), date("2025-03-29"));
    }
}

l10n::catalogue! {
    /// What a round opens, for people.
    RoundScope => label {
        RoundScope::Lowered => (
            "tiêu chí bị đề xuất giảm điểm hoặc cần bổ sung tài liệu",
            "items proposed below the self score or awaiting evidence",
        ),
        RoundScope::AnyDecision => (
            "mọi tiêu chí được điều chỉnh hoặc cần bổ sung tài liệu",
            "every adjusted item or evidence request",
        ),
    }
}
