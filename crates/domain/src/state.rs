//! How an event changes current state. The engine uses it to produce new state, the store to
//! write it, and replay to rebuild it — one definition, so replay always equals the stored state.

use super::event::Change;
use super::item::{Item, SelfAssessment, Touch, UnitState};

/// Apply an item change to the item it names. Other changes leave the item as it is.
pub fn apply_to_item(item: &mut Item, change: &Change, touch: &Touch) {
    match change {
        Change::SelfAssessed { version, after, .. } => {
            item.self_assessment = Some(after.clone());
            item.version = *version;
            item.last = Some(touch.clone());
        }
        Change::SurveyScored { version, after, .. } => {
            item.survey = Some(*after);
            item.version = *version;
            item.last = Some(touch.clone());
        }
        Change::Appraised { version, after, .. } => {
            item.appraisal = after.clone();
            item.version = *version;
            item.last = Some(touch.clone());
        }
        _ => {}
    }
}

/// [`apply_to_item`] to an item kept without its texts (what the store keeps: the texts stay in
/// the journal): the result is exactly `apply_to_item` then [`Item::clear_text`], without
/// copying a self-assessment's texts first (an import of 200,000 rows copied every note and
/// document to throw them away).
pub fn apply_to_item_without_text(item: &mut Item, change: &Change, touch: &Touch) {
    match change {
        Change::SelfAssessed { version, after, .. } => {
            item.self_assessment = Some(SelfAssessment {
                score: after.score,
                ..SelfAssessment::default()
            });
            item.version = *version;
            item.last = Some(touch.clone());
        }
        _ => apply_to_item(item, change, touch),
    }
    item.clear_text();
}

/// Apply a unit change (finalize / reopen) to the unit's state.
pub fn apply_to_unit(state: &mut UnitState, change: &Change, touch: &Touch) {
    match change {
        Change::UnitFinalized { .. } => state.finalized = Some(touch.clone()),
        Change::UnitReopened { .. } => state.finalized = None,
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::{Appraisal, Council, CouncilDecision, Dispute, Evidence, ItemKey};
    use crate::{Points, Status};

    #[test]
    fn an_item_kept_without_text_changes_as_the_item_then_cleared() {
        let key = ItemKey::new(2024, "44", "1.1.1");
        let p = |s: &str| Points::parse(s).unwrap();
        let touch = Touch {
            actor: "an".into(),
            at: jiff::Timestamp::UNIX_EPOCH,
            seq: 9,
        };
        let texts = SelfAssessment {
            score: p("1.5"),
            note: "Ghi chú".into(),
            evidence: vec![Evidence {
                number: "12/KH".into(),
                title: "Kế hoạch".into(),
                date: "2024-01-10".into(),
                link: "https://example.vn".into(),
            }],
        };
        let appraisal = Appraisal {
            proposed: Some(p("1")),
            justification: "Thiếu minh chứng".into(),
            status: Status::Escalated,
            request: "Bổ sung".into(),
            dispute: Some(Dispute {
                explanation: "Giải trình".into(),
                document: "CV 1".into(),
                claimed: Some(p("1.5")),
                received: jiff::civil::date(2024, 5, 2),
                round: 1,
                late: false,
                outcome: None,
                response: "Trả lời".into(),
            }),
            council: Some(Council {
                reason: "Lý do".into(),
                decision: Some(CouncilDecision {
                    score: p("1.25"),
                    text: "Quyết định".into(),
                    minutes: "BB 3".into(),
                }),
            }),
        };
        let changes = [
            Change::SelfAssessed {
                key: key.clone(),
                version: 1,
                before: None,
                after: texts.clone(),
            },
            Change::SurveyScored {
                key: key.clone(),
                version: 2,
                before: None,
                after: p("0.5"),
            },
            Change::Appraised {
                key: key.clone(),
                version: 3,
                before: Appraisal::default(),
                after: appraisal,
            },
        ];
        let (mut full, mut kept) = (Item::new(key.clone()), Item::new(key));
        for c in &changes {
            apply_to_item(&mut full, c, &touch);
            apply_to_item_without_text(&mut kept, c, &touch);
            let mut cleared = full.clone();
            cleared.clear_text();
            assert_eq!(kept, cleared, "{c:?}");
        }
    }
}
