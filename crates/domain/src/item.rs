//! The appraisal item (SPEC D4): one (year, unit, leaf).

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::points::Points;
use super::status::{Outcome, Status};

/// Identifies an item. Keys are plain strings so units and criteria stay data.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ItemKey {
    pub year: u16,
    pub unit: String,
    pub leaf: String,
}

impl ItemKey {
    pub fn new(year: u16, unit: impl Into<String>, leaf: impl Into<String>) -> ItemKey {
        ItemKey {
            year,
            unit: unit.into(),
            leaf: leaf.into(),
        }
    }
}

impl std::fmt::Display for ItemKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.year, self.unit, self.leaf)
    }
}

/// A reference to an evidence document (tài liệu kiểm chứng).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// Document number, e.g. "125/QĐ-UBND".
    pub number: String,
    pub title: String,
    /// Issue date as written (ISO "2023-03-15" when known).
    pub date: String,
    pub link: String,
}

/// What the unit submitted for the item.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfAssessment {
    pub score: Points,
    pub note: String,
    pub evidence: Vec<Evidence>,
}

/// The unit's explanation (giải trình) against a decision, and how it ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dispute {
    pub explanation: String,
    /// Reference of the province's document, e.g. "Công văn 123/UBND-NC".
    #[serde(default)]
    pub document: String,
    /// The score the unit argues for, if it names one.
    pub claimed: Option<Points>,
    /// When the ministry received the explanation.
    pub received: Date,
    /// The explanation round it was recorded in.
    #[serde(default)]
    pub round: u32,
    /// Received after the round's closing date.
    #[serde(default)]
    pub late: bool,
    pub outcome: Option<Outcome>,
    /// The appraiser's answer: why the outcome.
    pub response: String,
}

/// A referral to the appraisal council and, once it met, its decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Council {
    /// Why the lead referred the item.
    pub reason: String,
    pub decision: Option<CouncilDecision>,
}

/// The council's decision on an item: the final score and the reasons, with the minutes it is
/// recorded in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouncilDecision {
    pub score: Points,
    pub text: String,
    /// Reference of the council's minutes, e.g. "Biên bản số 03/BB-HĐTĐ".
    #[serde(default)]
    pub minutes: String,
}

/// The ministry's side of an item: everything an appraiser's command changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appraisal {
    pub proposed: Option<Points>,
    pub justification: String,
    pub status: Status,
    /// Text of the last evidence request.
    pub request: String,
    pub dispute: Option<Dispute>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub council: Option<Council>,
}

impl Default for Appraisal {
    fn default() -> Self {
        Appraisal {
            proposed: None,
            justification: String::new(),
            status: Status::Pending,
            request: String::new(),
            dispute: None,
            council: None,
        }
    }
}

/// What a list of every unit needs of one item: its scores, status and version (SPEC P1). A
/// year of the large scale is 200,000 of these: the names are short on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemSummary {
    #[serde(rename = "l")]
    pub leaf: String,
    #[serde(rename = "s", default, skip_serializing_if = "Option::is_none")]
    pub self_score: Option<Points>,
    #[serde(rename = "v", default, skip_serializing_if = "Option::is_none")]
    pub survey: Option<Points>,
    #[serde(rename = "p", default, skip_serializing_if = "Option::is_none")]
    pub proposed: Option<Points>,
    #[serde(rename = "t")]
    pub status: Status,
    #[serde(rename = "n")]
    pub version: u64,
    /// The explanation's round, dates and flags without its texts: the audit queue sorts and
    /// flags by them (only items with a dispute have it).
    #[serde(rename = "d", default, skip_serializing_if = "Option::is_none")]
    pub dispute: Option<Dispute>,
    /// Who changed the item last and when, for the items the audit queue lists (anything an
    /// appraiser took a position on other than plain agreement); `None` for the rest.
    #[serde(rename = "w", default, skip_serializing_if = "Option::is_none")]
    pub last: Option<Touch>,
}

impl ItemSummary {
    pub fn of(item: &Item) -> ItemSummary {
        let queued = !matches!(item.appraisal.status, Status::Pending | Status::Agreed);
        ItemSummary {
            leaf: item.key.leaf.clone(),
            self_score: item.self_assessment.as_ref().map(|s| s.score),
            survey: item.survey,
            proposed: item.appraisal.proposed,
            status: item.appraisal.status,
            version: item.version,
            dispute: item.appraisal.dispute.as_ref().map(|d| Dispute {
                explanation: String::new(),
                document: String::new(),
                claimed: d.claimed,
                received: d.received,
                round: d.round,
                late: d.late,
                outcome: d.outcome,
                response: String::new(),
            }),
            last: if queued { item.last.clone() } else { None },
        }
    }

    /// An item with these scores, status and version and nothing else: it totals, ranks and
    /// compares like the item it summarises.
    pub fn to_item(&self, year: u16, unit: &str) -> Item {
        Item {
            key: ItemKey::new(year, unit, self.leaf.as_str()),
            self_assessment: self.self_score.map(|score| SelfAssessment {
                score,
                ..SelfAssessment::default()
            }),
            survey: self.survey,
            appraisal: Appraisal {
                proposed: self.proposed,
                status: self.status,
                dispute: self.dispute.clone(),
                ..Appraisal::default()
            },
            version: self.version,
            last: self.last.clone(),
        }
    }
}

/// The item summaries of one unit, by leaf code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitSummaries {
    pub unit: String,
    pub items: Vec<ItemSummary>,
}

/// Who changed an item last, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Touch {
    pub actor: String,
    pub at: Timestamp,
    pub seq: u64,
}

/// Current state of one item. `version` increments on every change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub key: ItemKey,
    pub self_assessment: Option<SelfAssessment>,
    /// Survey leaves: the imported score.
    pub survey: Option<Points>,
    pub appraisal: Appraisal,
    pub version: u64,
    pub last: Option<Touch>,
}

impl Item {
    pub fn new(key: ItemKey) -> Item {
        Item {
            key,
            self_assessment: None,
            survey: None,
            appraisal: Appraisal::default(),
            version: 0,
            last: None,
        }
    }

    /// The unit's own score, as counted in the self total: the survey score on survey leaves.
    pub fn self_score(&self) -> Option<Points> {
        self.survey
            .or_else(|| self.self_assessment.as_ref().map(|s| s.score))
    }

    /// The score as counted in the proposed total: the appraiser's score, or the self score while
    /// the item is not yet decided (the ministry recognises a self score unless it adjusts it).
    pub fn proposed_score(&self) -> Option<Points> {
        if self.survey.is_some() {
            return self.survey;
        }
        self.appraisal.proposed.or_else(|| self.self_score())
    }

    /// The item without its texts (note, evidence, justification, request, dispute texts):
    /// everything totals, statuses, ranks and differences need, for lists of many items.
    pub fn without_text(&self) -> Item {
        let mut item = self.clone();
        item.clear_text();
        item
    }

    /// Drop the texts in place (see [`Item::without_text`]). The dispute's dates, round and
    /// flags and the council's score stay: the queue sorts and flags by them.
    pub fn clear_text(&mut self) {
        if let Some(s) = &mut self.self_assessment {
            s.note = String::new();
            s.evidence = Vec::new();
        }
        let a = &mut self.appraisal;
        a.justification = String::new();
        a.request = String::new();
        if let Some(d) = &mut a.dispute {
            d.explanation = String::new();
            d.document = String::new();
            d.response = String::new();
        }
        if let Some(c) = &mut a.council {
            c.reason = String::new();
            if let Some(d) = &mut c.decision {
                d.text = String::new();
                d.minutes = String::new();
            }
        }
    }

    /// proposed − self, when both exist.
    pub fn delta(&self) -> Option<Points> {
        Some(self.proposed_score()? - self.self_score()?)
    }

    pub fn status(&self) -> Status {
        self.appraisal.status
    }

    /// Saving `score` with the justification `text` keeps this agreed item agreed (the score is
    /// still the self-assessed one) while its text was changed. The new text may argue for
    /// another score ("… trừ 0,25 điểm"), so whoever saves it is asked first whether the score
    /// stays (issue 14): an agreement is never changed into a deduction in words only.
    pub fn text_edit_asks_score(&self, score: Points, text: &str) -> bool {
        self.survey.is_none()
            && self.appraisal.status == Status::Agreed
            && self.self_score() == Some(score)
            && !text.trim().is_empty()
            && text.trim() != self.appraisal.justification.trim()
    }

    /// Shown in the diffs view: a score differs, or the unit contests the decision.
    pub fn is_difference(&self) -> bool {
        self.delta().is_some_and(|d| !d.is_zero())
            || matches!(self.appraisal.status, Status::Disputed | Status::Escalated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proposed_falls_back_to_self_and_survey_counts_both_ways() {
        let mut it = Item::new(ItemKey::new(2024, "44", "3.2.1"));
        assert_eq!(it.self_score(), None);
        it.self_assessment = Some(SelfAssessment {
            score: Points::from_hundredths(150),
            ..Default::default()
        });
        assert_eq!(it.proposed_score(), Some(Points::from_hundredths(150)));
        assert!(!it.is_difference());
        it.appraisal.proposed = Some(Points::from_hundredths(100));
        assert_eq!(it.delta(), Some(Points::from_hundredths(-50)));
        assert!(it.is_difference());

        let mut s = Item::new(ItemKey::new(2024, "44", "8.1.1"));
        s.survey = Some(Points::from_hundredths(275));
        assert_eq!(s.self_score(), s.proposed_score());
    }

    #[test]
    fn a_changed_text_on_an_agreed_item_asks_whether_the_score_stays() {
        let p = Points::from_hundredths;
        let mut it = Item::new(ItemKey::new(2024, "44", "1.3.1"));
        it.self_assessment = Some(SelfAssessment {
            score: p(75),
            ..Default::default()
        });
        it.appraisal.proposed = Some(p(75));
        it.appraisal.status = Status::Agreed;
        it.appraisal.justification = "Đủ hồ sơ".into();
        let text = "Đủ hồ sơ; trừ 0,25 điểm";
        assert!(it.text_edit_asks_score(p(75), text));
        // Another score is an adjustment, asked for already; the same or no text is nothing new.
        assert!(!it.text_edit_asks_score(p(50), text));
        assert!(!it.text_edit_asks_score(p(75), " Đủ hồ sơ "));
        assert!(!it.text_edit_asks_score(p(75), "  "));
        // Only an agreed item: a pending one has no agreement to keep.
        it.appraisal.status = Status::Pending;
        assert!(!it.text_edit_asks_score(p(75), text));
    }
}

/// Appraisal state of a whole unit: finalized units are locked (SPEC D5).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitState {
    /// Who finalized it and when; `None` while open.
    pub finalized: Option<Touch>,
}
