//! Long lists (items, summaries, events) as frames cut by size: each frame holds elements until
//! it has about [`PART_BYTES`](super::PART_BYTES) of JSON (at most [`CHUNK`](super::CHUNK)
//! elements, at least one whatever its size), so no frame grows with the texts of the store.
//! Every frame but the last of an answer is a `ServerMsg::Part`, the last is its `Reply`; for
//! committed events each frame is a `Notice`. The elements are written one at a time straight
//! into the frame, taken from an iterator: an answer's elements are dropped as they are sent, and
//! a catch-up reads the store only as far as the frame goes.
//!
//! The frames are exactly what `frame::encode` makes of the same `ServerMsg` (the tests hold the
//! two together), so the client reads them like any other message.

use std::iter::Peekable;

use serde::Serialize;

use super::frame::{self, FrameError};

/// Which list a frame carries, and so the message around it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListKind {
    /// `Part::Items`, then `Reply::Items`.
    Items,
    /// `Part::UnitSummaries`, then `Reply::UnitSummaries`.
    UnitSummaries,
    /// `Part::Events`, then `Reply::Events` (a history).
    History,
    /// `Part::Events`, then `Reply::Applied` (the events a command committed).
    Applied,
    /// `Part::Planned`, then `Reply::Planned`.
    Planned,
    /// `Notice(WireNotice::Committed)`, every frame.
    Committed,
}

impl ListKind {
    /// The variant of `Part` for the pieces and of `Reply` for the end.
    fn variants(self) -> (&'static str, &'static str) {
        match self {
            ListKind::Items => ("Items", "Items"),
            ListKind::UnitSummaries => ("UnitSummaries", "UnitSummaries"),
            ListKind::History => ("Events", "Events"),
            ListKind::Applied => ("Events", "Applied"),
            ListKind::Planned => ("Planned", "Planned"),
            ListKind::Committed => ("Committed", "Committed"),
        }
    }
}

/// Room kept at the front of a frame's buffer for its length prefix and the start of its
/// message (the longest: `{"Reply":{"id":<20 digits>,"result":{"Ok":{"UnitSummaries":`).
const ROOM: usize = 4 + 96;

/// One frame of a list: `bytes()` is the frame (length prefix and JSON body).
#[derive(Debug)]
pub struct ListFrame {
    buf: Vec<u8>,
    start: usize,
    /// Elements in it.
    pub count: usize,
    /// The list has nothing more: this frame ends the answer.
    pub last: bool,
}

impl ListFrame {
    pub fn bytes(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    /// The buffer and where the frame starts in it (no copy).
    pub fn into_parts(self) -> (Vec<u8>, usize) {
        (self.buf, self.start)
    }
}

/// Encode the next frame of the list `items` for the request `id` (ignored for `Committed`):
/// elements until the body passes `budget` bytes or holds `max_count` of them (at least one,
/// unless there is none). When nothing follows them, the frame is the answer's `Reply`. A frame
/// over `max_frame` bytes is `TooLarge`.
pub fn next_frame<T, I>(
    kind: ListKind,
    id: u64,
    items: &mut Peekable<I>,
    budget: usize,
    max_count: usize,
    max_frame: usize,
) -> Result<ListFrame, FrameError>
where
    T: Serialize,
    I: Iterator<Item = T>,
{
    encode_frame(kind, id, items, budget, max_count, max_frame, false)
}

/// [`next_frame`] that is always a `Part` (more of the list follows from elsewhere: the events
/// a dry run of an import plans piece by piece); `last` says whether `items` has more.
pub fn next_part<T, I>(
    kind: ListKind,
    id: u64,
    items: &mut Peekable<I>,
    budget: usize,
    max_count: usize,
    max_frame: usize,
) -> Result<ListFrame, FrameError>
where
    T: Serialize,
    I: Iterator<Item = T>,
{
    encode_frame(kind, id, items, budget, max_count, max_frame, true)
}

fn encode_frame<T, I>(
    kind: ListKind,
    id: u64,
    items: &mut Peekable<I>,
    budget: usize,
    max_count: usize,
    max_frame: usize,
    part_only: bool,
) -> Result<ListFrame, FrameError>
where
    T: Serialize,
    I: Iterator<Item = T>,
{
    // Room for a full frame at once: a buffer that grows by doubling leaves as much again
    // behind for the allocator to take back (pages the client has not asked for yet are never
    // touched, so this costs nothing in memory).
    let mut buf = Vec::with_capacity(ROOM + budget.saturating_add(budget / 8 + 64));
    buf.resize(ROOM, 0);
    buf.push(b'[');
    let mut count = 0;
    while count < max_count.max(1) {
        if count > 0 && buf.len() - ROOM >= budget {
            break;
        }
        let Some(item) = items.next() else {
            break;
        };
        if count > 0 {
            buf.push(b',');
        }
        serde_json::to_writer(&mut buf, &item).map_err(|e| FrameError::Encode(e.to_string()))?;
        count += 1;
    }
    buf.push(b']');
    let last = items.peek().is_none();
    let (part, reply) = kind.variants();
    let (prefix, suffix) = if kind == ListKind::Committed {
        (format!("{{\"Notice\":{{\"{part}\":"), "}}")
    } else if last && !part_only {
        (
            format!("{{\"Reply\":{{\"id\":{id},\"result\":{{\"Ok\":{{\"{reply}\":"),
            "}}}}",
        )
    } else {
        (
            format!("{{\"Part\":{{\"id\":{id},\"part\":{{\"{part}\":"),
            "}}}",
        )
    };
    // The prefix is at most ROOM - 4 bytes (see ROOM).
    let start = ROOM - 4 - prefix.len();
    buf[start + 4..ROOM].copy_from_slice(prefix.as_bytes());
    buf.extend_from_slice(suffix.as_bytes());
    frame::set_length(&mut buf, start, max_frame)?;
    Ok(ListFrame {
        buf,
        start,
        count,
        last,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Part, Reply, ServerMsg, WireNotice};
    use domain::{Item, ItemKey, NewEvent};

    fn item(unit: &str, note_len: usize) -> Item {
        let mut i = Item::new(ItemKey::new(2024, unit, "1.1.1"));
        i.self_assessment = Some(domain::SelfAssessment {
            note: "ghi chú ".repeat(note_len / 9 + 1),
            ..Default::default()
        });
        i
    }

    /// Every frame of a list, decoded, with the sizes of their bodies.
    fn frames<T: Serialize + Clone>(
        kind: ListKind,
        v: &[T],
        budget: usize,
        max_count: usize,
    ) -> Vec<(ServerMsg, usize)> {
        let mut it = v.iter().cloned().peekable();
        let mut out = Vec::new();
        loop {
            let f = next_frame(kind, 9, &mut it, budget, max_count, usize::MAX).unwrap();
            let bytes = f.bytes();
            let len = u32::from_be_bytes(bytes[..4].try_into().unwrap()) as usize;
            assert_eq!(len, bytes.len() - 4);
            let msg: ServerMsg = frame::decode(&bytes[4..]).unwrap();
            out.push((msg, len));
            if f.last {
                return out;
            }
        }
    }

    #[test]
    fn a_short_list_is_one_reply_exactly_as_encode_makes_it() {
        let v = vec![item("44", 10), item("67", 10)];
        let mut it = v.clone().into_iter().peekable();
        let f = next_frame(ListKind::Items, 9, &mut it, 1 << 20, 100, usize::MAX).unwrap();
        assert!(f.last);
        let want = frame::encode(&ServerMsg::Reply {
            id: 9,
            result: Ok(Reply::Items(v)),
        })
        .unwrap();
        assert_eq!(f.bytes(), &want[..]);
        // An empty list is an empty reply.
        let mut none = Vec::<Item>::new().into_iter().peekable();
        let f = next_frame(ListKind::History, 3, &mut none, 10, 10, usize::MAX).unwrap();
        let want = frame::encode(&ServerMsg::Reply {
            id: 3,
            result: Ok(Reply::Events(vec![])),
        })
        .unwrap();
        assert_eq!((f.bytes(), f.count), (&want[..], 0));
    }

    #[test]
    fn every_kind_encodes_as_its_message() {
        let ev = NewEvent {
            actor: "an".into(),
            command: "agree".into(),
            change: domain::Change::UnitFinalized {
                year: 2024,
                unit: "44".into(),
            },
            reason: String::new(),
        };
        let planned = vec![ev.clone(), ev];
        let got = frames(ListKind::Planned, &planned, 1, 100);
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[0].0,
            ServerMsg::Part {
                id: 9,
                part: Part::Planned(planned[..1].to_vec())
            }
        );
        assert_eq!(
            got[1].0,
            ServerMsg::Reply {
                id: 9,
                result: Ok(Reply::Planned(planned[1..].to_vec()))
            }
        );
        let items = vec![item("44", 1), item("67", 1)];
        let got = frames(ListKind::Items, &items, 1, 100);
        assert_eq!(
            got[0].0,
            ServerMsg::Part {
                id: 9,
                part: Part::Items(items[..1].to_vec())
            }
        );
        assert_eq!(
            got[1].0,
            ServerMsg::Reply {
                id: 9,
                result: Ok(Reply::Items(items[1..].to_vec()))
            }
        );
        let units: Vec<domain::UnitSummaries> = ["44", "67"]
            .iter()
            .map(|u| domain::UnitSummaries {
                unit: u.to_string(),
                items: Vec::new(),
            })
            .collect();
        let got = frames(ListKind::UnitSummaries, &units, 1, 100);
        assert_eq!(
            got[0].0,
            ServerMsg::Part {
                id: 9,
                part: Part::UnitSummaries(units[..1].to_vec())
            }
        );
        assert_eq!(
            got[1].0,
            ServerMsg::Reply {
                id: 9,
                result: Ok(Reply::UnitSummaries(units[1..].to_vec()))
            }
        );
    }

    #[test]
    fn events_end_as_applied_or_history_and_notices_are_committed() {
        let store_dir = tempfile::tempdir().unwrap();
        let store = store::Store::create(store_dir.path()).unwrap();
        let events = store
            .commit(
                jiff::Timestamp::now(),
                (0..3)
                    .map(|n| NewEvent {
                        actor: "lead".into(),
                        command: "set-member".into(),
                        change: domain::Change::MemberChanged {
                            user: format!("u{n}"),
                            before: None,
                            after: Some(domain::Role::Appraiser),
                        },
                        reason: String::new(),
                    })
                    .collect(),
            )
            .unwrap();
        let got = frames(ListKind::Applied, &events, 1, 2);
        assert_eq!(got.len(), 3);
        assert_eq!(
            got[2].0,
            ServerMsg::Reply {
                id: 9,
                result: Ok(Reply::Applied(events[2..].to_vec()))
            }
        );
        let got = frames(ListKind::History, &events, 1 << 20, 2);
        assert_eq!(
            got[0].0,
            ServerMsg::Part {
                id: 9,
                part: Part::Events(events[..2].to_vec())
            }
        );
        assert_eq!(
            got[1].0,
            ServerMsg::Reply {
                id: 9,
                result: Ok(Reply::Events(events[2..].to_vec()))
            }
        );
        let got = frames(ListKind::Committed, &events, 1 << 20, 100);
        assert_eq!(
            got,
            vec![(
                ServerMsg::Notice(WireNotice::Committed(events.clone())),
                got[0].1
            )]
        );
        let want = frame::encode(&ServerMsg::Notice(WireNotice::Committed(events.clone())))
            .unwrap()
            .len();
        assert_eq!(got[0].1 + 4, want);
    }

    #[test]
    fn frames_are_cut_by_size_and_an_element_larger_than_a_frame_goes_alone() {
        // 40 items of ~50 KB and one of ~1 MB, 256 KB per frame.
        let mut v: Vec<Item> = (0..40).map(|n| item(&format!("{n}"), 50_000)).collect();
        v.insert(7, item("big", 1_000_000));
        let budget = 256 * 1024;
        let got = frames(ListKind::Items, &v, budget, 2_000);
        let mut back = Vec::new();
        for (i, (msg, len)) in got.iter().enumerate() {
            let (ServerMsg::Part {
                part: Part::Items(items),
                ..
            }
            | ServerMsg::Reply {
                result: Ok(Reply::Items(items)),
                ..
            }) = msg
            else {
                panic!("frame {i}: {msg:?}");
            };
            let is_last = i == got.len() - 1;
            assert_eq!(matches!(msg, ServerMsg::Reply { .. }), is_last);
            let big = items.iter().any(|it| it.key.unit == "big");
            // Below the budget plus one element; the large one may exceed it, in a frame of
            // its own or closing one.
            assert!(big || *len < budget + 60_000, "frame {i}: {len} bytes");
            back.extend(items.iter().cloned());
        }
        assert!(got.len() >= 8, "{} frames", got.len());
        assert_eq!(back, v);
    }

    #[test]
    fn a_frame_over_the_limit_is_refused_not_sent() {
        let v = vec![item("44", 10_000)];
        let mut it = v.into_iter().peekable();
        let err = next_frame(ListKind::Items, 1, &mut it, 1 << 20, 10, 1000).unwrap_err();
        assert!(
            matches!(err, FrameError::TooLarge { max: 1000, .. }),
            "{err:?}"
        );
    }
}
