//! The state sled keeps, and how each value is written (see `wire`). Every value starts with
//! [`STATE_FORMAT`].
//!
//! sled holds what every reader needs without reading the journal: members, years, rounds,
//! units, and each item *without its texts* — scores, status, the dispute's dates and flags,
//! the council's score, the version, who changed it last — with the seqs of the events whose
//! `after` holds its texts (`self_seq`, `appraisal_seq`) and of every event that changed it
//! (`history`). A list of every unit is read from sled alone; an item's texts come from the
//! journal when it is opened. So the texts are stored once, in the journal.

use domain::item::Touch;
use domain::official::Official;
use domain::{
    Appraisal, Assignment, Item, ItemKey, Published, ResponseBatch, Role, Round, SelfAssessment,
    UnitState, YearData,
};

use super::body::{
    appraisal_from, appraisal_to, batch_from, batch_to, official_from, official_to, published_from,
    published_to, role_code, role_from, round_from, round_to,
};
use super::error::StoreError;
use super::wire::{Reader, WireError, Writer};

/// Format byte in front of every state value.
pub(crate) const STATE_FORMAT: u8 = 3;

/// An item as sled keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct StoredItem {
    /// The item without its texts ([`Item::without_text`]).
    pub item: Item,
    /// The event whose `after` is the self-assessment (0: none).
    pub self_seq: u64,
    /// The event whose `after` is the appraisal (0: never appraised).
    pub appraisal_seq: u64,
    /// Every event that changed the item, ascending.
    pub history: Vec<u64>,
}

impl StoredItem {
    pub fn new(key: ItemKey) -> StoredItem {
        StoredItem {
            item: Item::new(key),
            self_seq: 0,
            appraisal_seq: 0,
            history: Vec::new(),
        }
    }
}

/// A unit as sled keeps it: its state and its finalize / reopen events.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct StoredUnit {
    pub state: UnitState,
    pub history: Vec<u64>,
}

/// The seq and hash of the last event applied to the state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Applied {
    pub seq: u64,
    pub hash: [u8; 32],
}

fn start(n: usize) -> Writer {
    let mut w = Writer::with_capacity(n);
    w.u8(STATE_FORMAT);
    w
}

fn open<'a>(bytes: &'a [u8], what: &str) -> Result<Reader<'a>, StoreError> {
    let mut r = Reader::new(bytes);
    match r.u8() {
        Ok(STATE_FORMAT) => Ok(r),
        Ok(v) => Err(StoreError::corrupt(format!(
            "{what} has unknown format {v} (run `thamdinh rebuild`)"
        ))),
        Err(_) => Err(StoreError::corrupt(format!(
            "{what} is empty (run `thamdinh rebuild`)"
        ))),
    }
}

fn bad(what: &str, e: WireError) -> StoreError {
    StoreError::corrupt(format!(
        "{what} cannot be read: {e} (run `thamdinh rebuild`)"
    ))
}

fn touch_to(w: &mut Writer, t: &Touch) {
    w.str(&t.actor);
    w.time(t.at);
    w.uvar(t.seq);
}

fn touch_from(r: &mut Reader<'_>) -> Result<Touch, WireError> {
    Ok(Touch {
        actor: r.string()?,
        at: r.time()?,
        seq: r.uvar()?,
    })
}

fn seqs_to(w: &mut Writer, seqs: &[u64]) {
    w.uvar(seqs.len() as u64);
    let mut prev = 0;
    for &s in seqs {
        w.uvar(s.wrapping_sub(prev));
        prev = s;
    }
}

fn seqs_from(r: &mut Reader<'_>) -> Result<Vec<u64>, WireError> {
    let n = r.uvar()?;
    let mut out = Vec::new();
    let mut prev: u64 = 0;
    for _ in 0..n {
        let d = r.uvar()?;
        prev = prev
            .checked_add(d)
            .ok_or_else(|| r.err("a history entry overflows"))?;
        out.push(prev);
    }
    Ok(out)
}

/// One item of a group, without its history (what `verify` compares by hash).
pub(crate) fn item_state_to(w: &mut Writer, s: &StoredItem) {
    let it = &s.item;
    w.str(&it.key.leaf);
    w.opt(it.self_assessment.as_ref(), |w, sa| w.points(sa.score));
    w.opt(it.survey, |w, p| w.points(p));
    appraisal_to(w, &it.appraisal);
    w.uvar(it.version);
    w.opt(it.last.as_ref(), touch_to);
    w.uvar(s.self_seq);
    w.uvar(s.appraisal_seq);
}

fn item_from(r: &mut Reader<'_>, year: u16, unit: &str) -> Result<StoredItem, WireError> {
    let leaf = r.string()?;
    let self_score = r.opt(|r| r.points())?;
    let survey = r.opt(|r| r.points())?;
    let appraisal: Appraisal = appraisal_from(r)?;
    let version = r.uvar()?;
    let last = r.opt(touch_from)?;
    let self_seq = r.uvar()?;
    let appraisal_seq = r.uvar()?;
    let history = seqs_from(r)?;
    Ok(StoredItem {
        item: Item {
            key: ItemKey::new(year, unit, leaf),
            self_assessment: self_score.map(|score| SelfAssessment {
                score,
                ..SelfAssessment::default()
            }),
            survey,
            appraisal,
            version,
            last,
        },
        self_seq,
        appraisal_seq,
        history,
    })
}

/// A group value: its items (already without texts) in leaf order.
pub(crate) fn encode_group<'a>(items: impl ExactSizeIterator<Item = &'a StoredItem>) -> Vec<u8> {
    let mut w = start(64 * items.len());
    w.uvar(items.len() as u64);
    for s in items {
        item_state_to(&mut w, s);
        seqs_to(&mut w, &s.history);
    }
    w.buf
}

pub(crate) fn decode_group(
    bytes: &[u8],
    year: u16,
    unit: &str,
    what: &str,
) -> Result<Vec<StoredItem>, StoreError> {
    let mut r = open(bytes, what)?;
    let read = |r: &mut Reader<'_>| -> Result<Vec<StoredItem>, WireError> {
        let n = r.uvar()?;
        let mut out = Vec::new();
        for _ in 0..n {
            out.push(item_from(r, year, unit)?);
        }
        r.end()?;
        Ok(out)
    };
    read(&mut r).map_err(|e| bad(what, e))
}

pub(crate) fn encode_unit(u: &StoredUnit) -> Vec<u8> {
    let mut w = start(32);
    w.opt(u.state.finalized.as_ref(), touch_to);
    seqs_to(&mut w, &u.history);
    w.buf
}

pub(crate) fn decode_unit(bytes: &[u8], what: &str) -> Result<StoredUnit, StoreError> {
    let mut r = open(bytes, what)?;
    let read = |r: &mut Reader<'_>| -> Result<StoredUnit, WireError> {
        let finalized = r.opt(touch_from)?;
        let history = seqs_from(r)?;
        r.end()?;
        Ok(StoredUnit {
            state: UnitState { finalized },
            history,
        })
    };
    read(&mut r).map_err(|e| bad(what, e))
}

pub(crate) fn encode_applied(a: &Applied) -> Vec<u8> {
    let mut w = start(41);
    w.uvar(a.seq);
    w.bytes(&a.hash);
    w.buf
}

pub(crate) fn decode_applied(bytes: &[u8]) -> Result<Applied, StoreError> {
    let what = "the applied seq";
    let mut r = open(bytes, what)?;
    let read = |r: &mut Reader<'_>| -> Result<Applied, WireError> {
        let seq = r.uvar()?;
        let mut hash = [0; 32];
        hash.copy_from_slice(r.take(32)?);
        r.end()?;
        Ok(Applied { seq, hash })
    };
    read(&mut r).map_err(|e| bad(what, e))
}

pub(crate) fn encode_schema(v: u32) -> Vec<u8> {
    let mut w = start(6);
    w.uvar(u64::from(v));
    w.buf
}

pub(crate) fn decode_schema(bytes: &[u8]) -> Result<u32, StoreError> {
    let what = "the schema version";
    let mut r = open(bytes, what)?;
    let v = r.u32var().map_err(|e| bad(what, e))?;
    r.end().map_err(|e| bad(what, e))?;
    Ok(v)
}

pub(crate) fn encode_role(role: Role) -> Vec<u8> {
    let mut w = start(2);
    w.u8(role_code(role));
    w.buf
}

pub(crate) fn decode_role(bytes: &[u8], what: &str) -> Result<Role, StoreError> {
    let mut r = open(bytes, what)?;
    let role = role_from(&mut r).map_err(|e| bad(what, e))?;
    r.end().map_err(|e| bad(what, e))?;
    Ok(role)
}

pub(crate) fn encode_year(y: &YearData) -> Vec<u8> {
    let mut w = start(y.framework_toml.len() + y.units_toml.len() + 64);
    w.str(&y.framework_toml);
    w.str(&y.framework_file);
    w.str(&y.units_toml);
    w.str(&y.units_file);
    w.opt(y.from_year, |w, v| w.uvar(u64::from(v)));
    w.buf
}

pub(crate) fn decode_year(bytes: &[u8], what: &str) -> Result<YearData, StoreError> {
    let mut r = open(bytes, what)?;
    let read = |r: &mut Reader<'_>| -> Result<YearData, WireError> {
        let y = YearData {
            framework_toml: r.string()?,
            framework_file: r.string()?,
            units_toml: r.string()?,
            units_file: r.string()?,
            from_year: r.opt(|r| r.u16var())?,
        };
        r.end()?;
        Ok(y)
    };
    read(&mut r).map_err(|e| bad(what, e))
}

pub(crate) fn encode_round(round: &Round) -> Vec<u8> {
    let mut w = start(64);
    round_to(&mut w, round);
    w.buf
}

pub(crate) fn encode_published(p: &Published) -> Vec<u8> {
    let mut w = start(256);
    published_to(&mut w, p);
    w.buf
}

pub(crate) fn decode_published(bytes: &[u8], what: &str) -> Result<Published, StoreError> {
    let mut r = open(bytes, what)?;
    let p = published_from(&mut r).map_err(|e| bad(what, e))?;
    r.end().map_err(|e| bad(what, e))?;
    Ok(p)
}

pub(crate) fn encode_batch(b: &ResponseBatch) -> Vec<u8> {
    let mut w = start(256);
    batch_to(&mut w, b);
    w.buf
}

pub(crate) fn decode_batch(bytes: &[u8], what: &str) -> Result<ResponseBatch, StoreError> {
    let mut r = open(bytes, what)?;
    let b = batch_from(&mut r).map_err(|e| bad(what, e))?;
    r.end().map_err(|e| bad(what, e))?;
    Ok(b)
}

pub(crate) fn decode_round(bytes: &[u8], what: &str) -> Result<Round, StoreError> {
    let mut r = open(bytes, what)?;
    let round = round_from(&mut r).map_err(|e| bad(what, e))?;
    r.end().map_err(|e| bad(what, e))?;
    Ok(round)
}

pub(crate) fn encode_official(o: &Official) -> Vec<u8> {
    let mut w = start(96);
    official_to(&mut w, o);
    w.buf
}

pub(crate) fn decode_official(bytes: &[u8], what: &str) -> Result<Official, StoreError> {
    let mut r = open(bytes, what)?;
    let o = official_from(&mut r).map_err(|e| bad(what, e))?;
    r.end().map_err(|e| bad(what, e))?;
    Ok(o)
}
pub(crate) fn encode_assignment(a: &Assignment) -> Vec<u8> {
    let mut w = start(32);
    w.uvar(u64::from(a.year));
    w.str(&a.unit);
    w.opt(a.area.as_deref(), |w, s| w.str(s));
    w.str(&a.user);
    w.buf
}

pub(crate) fn decode_assignment(bytes: &[u8], what: &str) -> Result<Assignment, StoreError> {
    let mut r = open(bytes, what)?;
    let read = |r: &mut Reader<'_>| -> Result<Assignment, WireError> {
        let a = Assignment {
            year: r.u16var()?,
            unit: r.string()?,
            area: r.opt(|r| r.string())?,
            user: r.string()?,
        };
        r.end()?;
        Ok(a)
    };
    read(&mut r).map_err(|e| bad(what, e))
}

/// The value of a year's enforcement key (present only while the year enforces).
pub(crate) fn encode_enforced() -> Vec<u8> {
    let mut w = start(2);
    w.bool(true);
    w.buf
}

/// Check the value of a year's enforcement key: a value that is not the one written is damage.
pub(crate) fn decode_enforced(bytes: &[u8], what: &str) -> Result<bool, StoreError> {
    let mut r = open(bytes, what)?;
    let read = |r: &mut Reader<'_>| -> Result<bool, WireError> {
        let on = r.bool()?;
        r.end()?;
        Ok(on)
    };
    match read(&mut r).map_err(|e| bad(what, e))? {
        true => Ok(true),
        false => Err(StoreError::corrupt(format!(
            "{what} holds \"off\", which is never written (run `thamdinh rebuild`)"
        ))),
    }
}

/// A by-user run's last seq.
pub(crate) fn encode_seq(seq: u64) -> [u8; 8] {
    seq.to_be_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::item::Dispute;
    use domain::{Points, Status};
    use jiff::civil::Date;

    #[test]
    fn a_group_round_trips_without_texts() {
        let mut a = StoredItem::new(ItemKey::new(2024, "44", "3.2.1"));
        a.item.self_assessment = Some(SelfAssessment {
            score: Points::from_hundredths(150),
            ..SelfAssessment::default()
        });
        a.item.appraisal.proposed = Some(Points::from_hundredths(100));
        a.item.appraisal.status = Status::Disputed;
        a.item.appraisal.dispute = Some(Dispute {
            explanation: String::new(),
            document: String::new(),
            claimed: None,
            received: Date::new(2025, 3, 5).unwrap(),
            round: 1,
            late: false,
            outcome: None,
            response: String::new(),
        });
        a.item.version = 3;
        a.item.last = Some(Touch {
            actor: "thu".into(),
            at: "2025-03-05T02:00:00Z".parse().unwrap(),
            seq: 812,
        });
        a.self_seq = 12;
        a.appraisal_seq = 812;
        a.history = vec![12, 400, 812];
        let mut b = StoredItem::new(ItemKey::new(2024, "44", "3.2.2"));
        b.item.survey = Some(Points::from_hundredths(218));
        b.history = vec![13];
        let bytes = encode_group([&a, &b].into_iter());
        let back = decode_group(&bytes, 2024, "44", "g").unwrap();
        assert_eq!(back, vec![a, b]);
        assert!(decode_group(&bytes[..bytes.len() - 1], 2024, "44", "g").is_err());
        let mut other = bytes.clone();
        other[0] = 1;
        assert!(decode_group(&other, 2024, "44", "g").is_err());
    }
}
