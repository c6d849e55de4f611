//! A faster decoder of stored event bodies, for replay in `verify` and `rebuild` (SPEC P5:
//! ≥ 500k events/s).
//!
//! Replay needs, of each event, its seq, time, actor and change — and of an item change only the
//! key, the version and the `after` value, and of `after` only the last one per item and kind
//! (`domain::state` sets the self-assessment, the survey score and the appraisal to the event's
//! `after`: the last one wins; tests below guard that). So:
//! - `Change` is an internally tagged enum, which serde decodes by first buffering the whole
//!   object into an intermediate tree. Bodies written by this store have the tag first, so for
//!   the item changes (nearly every event) this reads the tag and then the variant's fields
//!   straight from the JSON.
//! - `before` values are skipped; the `after` of a self-assessment or an appraisal is kept as its
//!   JSON text ([`RawValue`], borrowed, no allocation) and decoded only if it is still the item's
//!   last when the log ends ([`super::replay::Replay::finish`]).
//!
//! Anything else — other variants, a tag that is not first — is decoded by serde as usual.

use std::borrow::Cow;
use std::fmt;

use jiff::Timestamp;
use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use domain::{Change, EventBody, Points};

/// An event as replay needs it.
#[derive(Debug)]
pub(crate) struct ReplayBody<'a> {
    pub seq: u64,
    pub at: Timestamp,
    pub actor: Cow<'a, str>,
    pub change: ReplayChange<'a>,
}

/// Where an item is, without allocating.
#[derive(Debug, Deserialize)]
pub(crate) struct KeyRef<'a> {
    pub year: u16,
    #[serde(borrow)]
    pub unit: Cow<'a, str>,
    #[serde(borrow)]
    pub leaf: Cow<'a, str>,
}

impl KeyRef<'_> {
    #[cfg(test)]
    pub fn owned(&self) -> domain::ItemKey {
        domain::ItemKey::new(self.year, self.unit.as_ref(), self.leaf.as_ref())
    }
}

// One is decoded at a time and used at once: boxing the full change would only add a copy.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub(crate) enum ReplayChange<'a> {
    /// `after` is a `SelfAssessment`, as JSON.
    SelfAssessed {
        key: KeyRef<'a>,
        version: u64,
        after: &'a RawValue,
    },
    /// `after` is an `Appraisal`, as JSON.
    Appraised {
        key: KeyRef<'a>,
        version: u64,
        after: &'a RawValue,
    },
    SurveyScored {
        key: KeyRef<'a>,
        version: u64,
        after: Points,
    },
    /// Any other change, decoded in full.
    Full(Change),
}

/// Decode a stored body for replay.
pub(crate) fn decode_for_replay(bytes: &[u8]) -> Result<ReplayBody<'_>, serde_json::Error> {
    match serde_json::from_slice::<FastBody>(bytes) {
        Ok(FastBody(Some(body))) => Ok(body),
        // Not the common shape: let serde decode it in full.
        Ok(FastBody(None)) | Err(_) => {
            let b: EventBody = serde_json::from_slice(bytes)?;
            Ok(ReplayBody {
                seq: b.seq,
                at: b.at,
                actor: Cow::Owned(b.actor),
                change: ReplayChange::Full(b.change),
            })
        }
    }
}

/// `None` when the body is valid JSON but not in the shape the fast path handles.
struct FastBody<'a>(Option<ReplayBody<'a>>);

impl<'de> Deserialize<'de> for FastBody<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(BodyVisitor)
    }
}

struct BodyVisitor;

impl<'de> Visitor<'de> for BodyVisitor {
    type Value = FastBody<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an event body")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FastBody<'de>, A::Error> {
        let mut seq = None;
        let mut at = None;
        let mut actor = None;
        let mut change = None;
        let mut unusual = false;
        while let Some(k) = map.next_key::<Cow<'de, str>>()? {
            match k.as_ref() {
                "seq" => seq = Some(map.next_value::<u64>()?),
                "at" => at = Some(map.next_value::<Timestamp>()?),
                "actor" => actor = Some(map.next_value::<Cow<'de, str>>()?),
                "change" => match map.next_value::<FastChange<'de>>()?.0 {
                    Some(c) => change = Some(c),
                    None => unusual = true,
                },
                // Replay reads neither the command name nor the reason.
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if unusual {
            return Ok(FastBody(None));
        }
        Ok(FastBody(Some(ReplayBody {
            seq: seq.ok_or_else(|| de::Error::missing_field("seq"))?,
            at: at.ok_or_else(|| de::Error::missing_field("at"))?,
            actor: actor.ok_or_else(|| de::Error::missing_field("actor"))?,
            change: change.ok_or_else(|| de::Error::missing_field("change"))?,
        })))
    }
}

/// `None` for changes the fast path leaves to serde.
struct FastChange<'a>(Option<ReplayChange<'a>>);

impl<'de> Deserialize<'de> for FastChange<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ChangeVisitor)
    }
}

struct ChangeVisitor;

#[derive(Deserialize)]
struct RawFields<'a> {
    #[serde(borrow)]
    key: KeyRef<'a>,
    version: u64,
    #[serde(borrow)]
    after: &'a RawValue,
}

#[derive(Deserialize)]
struct SurveyScoredFields<'a> {
    #[serde(borrow)]
    key: KeyRef<'a>,
    version: u64,
    after: Points,
}

impl<'de> Visitor<'de> for ChangeVisitor {
    type Value = FastChange<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a change")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FastChange<'de>, A::Error> {
        let first = map.next_key::<Cow<'de, str>>()?;
        let tag = match first.as_deref() {
            Some("change") => map.next_value::<Cow<'de, str>>()?,
            _ => return skip_rest(map, first.is_some()),
        };
        let rest = MapAccessDeserializer::new(map);
        let change = match tag.as_ref() {
            "appraised" => {
                let f = RawFields::deserialize(rest)?;
                ReplayChange::Appraised {
                    key: f.key,
                    version: f.version,
                    after: f.after,
                }
            }
            "self-assessed" => {
                let f = RawFields::deserialize(rest)?;
                ReplayChange::SelfAssessed {
                    key: f.key,
                    version: f.version,
                    after: f.after,
                }
            }
            "survey-scored" => {
                let f = SurveyScoredFields::deserialize(rest)?;
                ReplayChange::SurveyScored {
                    key: f.key,
                    version: f.version,
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
) -> Result<FastChange<'de>, A::Error> {
    if value_pending {
        map.next_value::<IgnoredAny>()?;
    }
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(FastChange(None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::state::apply_to_item;
    use domain::{
        Appraisal, Council, CouncilDecision, Dispute, Evidence, Item, Outcome, Role,
        SelfAssessment, Status, Touch,
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
        let key = domain::ItemKey::new(2024, "44", "3.2.1");
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
                after: domain::Round {
                    year: 2024,
                    number: 1,
                    opens: jiff::civil::date(2025, 3, 1),
                    closes: jiff::civil::date(2025, 3, 15),
                    scope: domain::RoundScope::Lowered,
                    units: vec!["44".into()],
                    note: "CV 512".into(),
                    closed: false,
                },
            },
        ]
    }

    /// The change as replay sees it, decoded in full again, for comparison.
    fn full(b: &ReplayBody<'_>) -> Change {
        match &b.change {
            ReplayChange::SelfAssessed {
                key,
                version,
                after,
            } => Change::SelfAssessed {
                key: key.owned(),
                version: *version,
                before: None,
                after: serde_json::from_str(after.get()).unwrap(),
            },
            ReplayChange::Appraised {
                key,
                version,
                after,
            } => Change::Appraised {
                key: key.owned(),
                version: *version,
                before: Appraisal::default(),
                after: serde_json::from_str(after.get()).unwrap(),
            },
            ReplayChange::SurveyScored {
                key,
                version,
                after,
            } => Change::SurveyScored {
                key: key.owned(),
                version: *version,
                before: None,
                after: *after,
            },
            ReplayChange::Full(c) => c.clone(),
        }
    }

    /// The fast decoder gives what serde gives, except for the skipped `before` values.
    #[test]
    fn matches_serde_except_before() {
        for change in samples() {
            let b = body(change);
            let bytes = serde_json::to_vec(&b).unwrap();
            let fast = decode_for_replay(&bytes).unwrap();
            let mut expected = b.clone();
            match &mut expected.change {
                Change::Appraised { before, .. } => *before = Appraisal::default(),
                Change::SelfAssessed { before, .. } => *before = None,
                Change::SurveyScored { before, .. } => *before = None,
                _ => {}
            }
            assert_eq!(
                (fast.seq, fast.at, fast.actor.as_ref(), full(&fast)),
                (
                    expected.seq,
                    expected.at,
                    expected.actor.as_str(),
                    expected.change
                )
            );
        }
    }

    #[test]
    fn other_shapes_fall_back_to_serde_and_errors_stay_errors() {
        let moved = br#"{"seq":1,"at":"2024-05-29T16:26:40Z","actor":"a","command":"c",
            "change":{"key":{"year":2024,"unit":"44","leaf":"1"},"change":"survey-scored",
            "version":1,"before":null,"after":"0.5"}}"#;
        let b = decode_for_replay(moved).unwrap();
        assert!(matches!(
            b.change,
            ReplayChange::Full(Change::SurveyScored { version: 1, .. })
        ));
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

    /// Replay decodes only the last `after` of each kind per item; that is right only while
    /// `domain::state` sets each part to the event's `after` (the last one wins).
    #[test]
    fn domain_state_keeps_only_the_last_after() {
        let touch = |seq| Touch {
            actor: "lan".into(),
            at: Timestamp::from_second(0).unwrap(),
            seq,
        };
        for first in samples() {
            let Some(key) = first.item_key().cloned() else {
                continue;
            };
            // The same kind of change with another `after`.
            let mut last = first.clone();
            match &mut last {
                Change::Appraised { after, version, .. } => {
                    *after = appraisal("khác");
                    *version += 1;
                }
                Change::SelfAssessed { after, version, .. } => {
                    after.note = "khác".into();
                    after.evidence.clear();
                    *version += 1;
                }
                Change::SurveyScored { after, version, .. } => {
                    *after = Points::from_hundredths(5);
                    *version += 1;
                }
                _ => unreachable!(),
            }
            let mut a = Item::new(key.clone());
            apply_to_item(&mut a, &first, &touch(1));
            apply_to_item(&mut a, &last, &touch(2));
            let mut b = Item::new(key);
            apply_to_item(&mut b, &last, &touch(2));
            assert_eq!(a, b, "{first:?}");
        }
    }
}
