//! A faster decoder of stored event bodies, for replay in `verify` and `rebuild` (SPEC P5:
//! ≥ 500k events/s).
//!
//! `Change` is an internally tagged enum, which serde decodes by first buffering the whole object
//! into an intermediate tree — about half the cost of reading an event. Bodies written by this
//! store always have the tag first, so for the item changes (nearly every event) this reads the
//! tag and then the variant's fields straight from the JSON. The `before` values are skipped:
//! `domain::state` never reads them (a test below guards that), so the state replayed is the
//! same. Anything else — other variants, a tag that is not first — is decoded by serde as usual.

use std::fmt;

use jiff::Timestamp;
use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::domain::{Appraisal, Change, EventBody, ItemKey, Points, SelfAssessment};

/// Decode a stored body for replay. `before` values of item changes and the command name are
/// left empty.
pub(crate) fn decode_for_replay(bytes: &[u8]) -> Result<EventBody, serde_json::Error> {
    match serde_json::from_slice::<FastBody>(bytes) {
        Ok(FastBody(Some(body))) => Ok(body),
        // Not the common shape: let serde decode it in full.
        Ok(FastBody(None)) | Err(_) => serde_json::from_slice(bytes),
    }
}

/// `None` when the body is valid JSON but not in the shape the fast path handles.
struct FastBody(Option<EventBody>);

impl<'de> Deserialize<'de> for FastBody {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(BodyVisitor)
    }
}

struct BodyVisitor;

impl<'de> Visitor<'de> for BodyVisitor {
    type Value = FastBody;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an event body")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FastBody, A::Error> {
        let mut seq = None;
        let mut at = None;
        let mut actor = None;
        let mut command = None;
        let mut reason = String::new();
        let mut change = None;
        let mut unusual = false;
        while let Some(k) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match k.as_ref() {
                "seq" => seq = Some(map.next_value::<u64>()?),
                "at" => at = Some(map.next_value::<Timestamp>()?),
                "actor" => actor = Some(map.next_value::<String>()?),
                // Replay never reads the command name: skip it (left empty).
                "command" => {
                    map.next_value::<IgnoredAny>()?;
                    command = Some(String::new());
                }
                "reason" => reason = map.next_value::<String>()?,
                "change" => match map.next_value::<FastChange>()?.0 {
                    Some(c) => change = Some(c),
                    None => unusual = true,
                },
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if unusual {
            return Ok(FastBody(None));
        }
        let body = EventBody {
            seq: seq.ok_or_else(|| de::Error::missing_field("seq"))?,
            at: at.ok_or_else(|| de::Error::missing_field("at"))?,
            actor: actor.ok_or_else(|| de::Error::missing_field("actor"))?,
            command: command.ok_or_else(|| de::Error::missing_field("command"))?,
            change: change.ok_or_else(|| de::Error::missing_field("change"))?,
            reason,
        };
        Ok(FastBody(Some(body)))
    }
}

/// `None` for changes the fast path leaves to serde.
struct FastChange(Option<Change>);

impl<'de> Deserialize<'de> for FastChange {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ChangeVisitor)
    }
}

struct ChangeVisitor;

#[derive(Deserialize)]
struct SelfAssessedFields {
    key: ItemKey,
    version: u64,
    after: SelfAssessment,
}

#[derive(Deserialize)]
struct SurveyScoredFields {
    key: ItemKey,
    version: u64,
    after: Points,
}

#[derive(Deserialize)]
struct AppraisedFields {
    key: ItemKey,
    version: u64,
    after: Appraisal,
}

impl<'de> Visitor<'de> for ChangeVisitor {
    type Value = FastChange;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a change")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FastChange, A::Error> {
        let first = map.next_key::<std::borrow::Cow<'de, str>>()?;
        let tag = match first.as_deref() {
            Some("change") => map.next_value::<std::borrow::Cow<'de, str>>()?,
            _ => return skip_rest(map, first.is_some()),
        };
        let rest = MapAccessDeserializer::new(map);
        let change = match tag.as_ref() {
            "appraised" => {
                let f = AppraisedFields::deserialize(rest)?;
                Change::Appraised {
                    key: f.key,
                    version: f.version,
                    before: Appraisal::default(),
                    after: f.after,
                }
            }
            "self-assessed" => {
                let f = SelfAssessedFields::deserialize(rest)?;
                Change::SelfAssessed {
                    key: f.key,
                    version: f.version,
                    before: None,
                    after: f.after,
                }
            }
            "survey-scored" => {
                let f = SurveyScoredFields::deserialize(rest)?;
                Change::SurveyScored {
                    key: f.key,
                    version: f.version,
                    before: None,
                    after: f.after,
                }
            }
            _ => {
                IgnoredAny::deserialize(rest)?;
                return Ok(FastChange(None));
            }
        };
        Ok(FastChange(Some(change)))
    }
}

/// Consume the rest of an object whose first key (if any, already read) was not the tag.
fn skip_rest<'de, A: MapAccess<'de>>(
    mut map: A,
    value_pending: bool,
) -> Result<FastChange, A::Error> {
    if value_pending {
        map.next_value::<IgnoredAny>()?;
    }
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(FastChange(None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::state::apply_to_item;
    use crate::domain::{
        Council, CouncilDecision, Dispute, Evidence, Item, Outcome, Role, Status, Touch,
    };

    fn body(change: Change) -> EventBody {
        EventBody {
            seq: 7,
            at: Timestamp::from_second(1_717_000_000).unwrap(),
            actor: "lan".into(),
            command: "adjust".into(),
            change,
            reason: "lý do \"x\"".into(),
        }
    }

    fn appraisal(text: &str) -> Appraisal {
        Appraisal {
            proposed: Some(Points::from_hundredths(75)),
            justification: text.into(),
            status: Status::Resolved,
            request: "gửi quyết định".into(),
            dispute: Some(Dispute {
                explanation: "giải trình".into(),
                document: "215/UBND-NC".into(),
                claimed: Some(Points::from_hundredths(100)),
                received: jiff::civil::date(2024, 5, 1),
                round: 1,
                late: true,
                outcome: Some(Outcome::PartlyUpheld),
                response: "chấp nhận một phần".into(),
            }),
            council: Some(Council {
                reason: "trình Hội đồng".into(),
                decision: Some(CouncilDecision {
                    score: Points::from_hundredths(50),
                    text: "giữ nguyên".into(),
                    minutes: "BB 02".into(),
                }),
            }),
        }
    }

    fn samples() -> Vec<Change> {
        let key = ItemKey::new(2024, "44", "3.2.1");
        let sa = |s| SelfAssessment {
            score: Points::from_hundredths(s),
            note: "ghi chú".into(),
            evidence: vec![Evidence {
                number: "125/QĐ-UBND".into(),
                title: "Quyết định".into(),
                date: "2023-03-15".into(),
                link: String::new(),
            }],
        };
        vec![
            Change::Appraised {
                key: key.clone(),
                version: 3,
                before: appraisal("trước"),
                after: appraisal("sau\n\u{1b}"),
            },
            Change::SelfAssessed {
                key: key.clone(),
                version: 1,
                before: Some(sa(50)),
                after: sa(100),
            },
            Change::SurveyScored {
                key,
                version: 2,
                before: Some(Points::from_hundredths(10)),
                after: Points::from_hundredths(20),
            },
            Change::UnitFinalized {
                year: 2024,
                unit: "44".into(),
            },
            Change::MemberChanged {
                user: "minh".into(),
                before: Some(Role::Lead),
                after: None,
            },
            Change::YearOpened {
                year: 2024,
                framework_toml: "a".into(),
                framework_file: "b".into(),
                units_toml: "c".into(),
                units_file: "d".into(),
                from_year: Some(2023),
            },
            Change::RoundChanged {
                year: 2024,
                number: 1,
                before: None,
                after: crate::domain::Round {
                    year: 2024,
                    number: 1,
                    opens: jiff::civil::date(2025, 3, 1),
                    closes: jiff::civil::date(2025, 3, 15),
                    scope: crate::domain::RoundScope::Lowered,
                    units: vec!["44".into()],
                    note: "CV 512".into(),
                    closed: false,
                },
            },
        ]
    }

    /// The fast decoder gives what serde gives, except for the skipped `before` values.
    #[test]
    fn matches_serde_except_before() {
        for change in samples() {
            let b = body(change);
            let bytes = serde_json::to_vec(&b).unwrap();
            let fast = decode_for_replay(&bytes).unwrap();
            let mut expected = b.clone();
            let fast_path = match &mut expected.change {
                Change::Appraised { before, .. } => {
                    *before = Appraisal::default();
                    true
                }
                Change::SelfAssessed { before, .. } => {
                    *before = None;
                    true
                }
                Change::SurveyScored { before, .. } => {
                    *before = None;
                    true
                }
                _ => false,
            };
            if fast_path {
                expected.command = String::new();
            }
            assert_eq!(fast, expected);
        }
    }

    #[test]
    fn other_shapes_fall_back_to_serde_and_errors_stay_errors() {
        let moved = br#"{"seq":1,"at":"2024-05-29T16:26:40Z","actor":"a","command":"c",
            "change":{"key":{"year":2024,"unit":"44","leaf":"1"},"change":"survey-scored",
            "version":1,"before":null,"after":"0.5"}}"#;
        let b = decode_for_replay(moved).unwrap();
        assert!(matches!(b.change, Change::SurveyScored { version: 1, .. }));
        assert!(decode_for_replay(b"{\"seq\":1}").is_err());
        assert!(decode_for_replay(b"[").is_err());
    }

    /// Replay skips `before`; that is right only while `domain::state` ignores it.
    #[test]
    fn domain_state_does_not_read_before() {
        let touch = Touch {
            actor: "lan".into(),
            at: Timestamp::from_second(0).unwrap(),
            seq: 1,
        };
        for change in samples() {
            let Some(key) = change.item_key().cloned() else {
                continue;
            };
            let mut stripped = change.clone();
            match &mut stripped {
                Change::Appraised { before, .. } => *before = Appraisal::default(),
                Change::SelfAssessed { before, .. } => *before = None,
                Change::SurveyScored { before, .. } => *before = None,
                _ => {}
            }
            let (mut a, mut b) = (Item::new(key.clone()), Item::new(key));
            apply_to_item(&mut a, &change, &touch);
            apply_to_item(&mut b, &stripped, &touch);
            assert_eq!(a, b);
        }
    }
}
