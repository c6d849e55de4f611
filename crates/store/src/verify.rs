//! `verify`: the journal checked on its own (framing and CRC, seqs from 1 without a gap, the
//! hash chain, times that never go backwards, bodies that decode, every `before` naming the
//! right event) and replayed into a compact digest of the state, then compared with sled.
//! `rebuild`: sled made again from the journal.
//!
//! One pass over the journal, in two threads: the journal's reader (`journal::scan`) reads the
//! segments in large pieces and checks each record's CRC and its link in the hash chain, while
//! this thread checks seqs and times and replays the records already read. Offline, that pass
//! is the one that opens the journal ([`Journal::open_visiting`]): the journal is read once.
//!
//! Memory stays bounded at any scale: the replay keeps, per item, a fixed-size digest (seqs,
//! scores, hashes of the text-free appraisal and of the history), not the item; the journal is
//! streamed through a few buffers; sled is read group by group.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::ControlFlow;
use std::path::Path;

use jiff::Timestamp;

use domain::{Change, Points, Role, Seal, VerifyReport};
use l10n::{Said, Tr, tr};

use super::body::{self, ItemPart, ViewChange};
use super::chunked::Chunked;
use super::error::StoreError;
use super::journal::{Journal, JournalError, OpenMode, Rec, why};
use super::layout;
use super::state::{self, StoredItem};
use super::wire::{Reader, WireError, Writer};
use super::{Store, guard, lock};

#[cfg(test)]
mod reference;
#[cfg(test)]
mod tests;

/// The finalizer of MurmurHash3: a bijection on 64-bit words that spreads every bit over all
/// of them (two different seqs never give the same word).
fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// The digests' hash: fast, not cryptographic (the journal's SHA-256 chain protects the record;
/// these only compare the state with it). Each step is a bijection of the state for a given
/// word and of the word for a given state, so inputs of one length that differ in a single
/// 8-byte word never hash alike.
#[derive(Clone, Copy, Default)]
struct FastHasher(u64);

impl FastHasher {
    #[inline]
    fn word(&mut self, w: u64) {
        self.0 = (self.0 ^ w)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(26);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        self.word(bytes.len() as u64);
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.word(u64::from_le_bytes(w.try_into().unwrap_or_default()));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut t = [0u8; 8];
            t[..rest.len()].copy_from_slice(rest);
            self.word(u64::from_le_bytes(t));
        }
    }

    #[inline]
    fn write_u8(&mut self, n: u8) {
        self.word(u64::from(n));
    }

    #[inline]
    fn write_u16(&mut self, n: u16) {
        self.word(u64::from(n));
    }

    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.word(u64::from(n));
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.word(n);
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.word(n as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        mix(self.0)
    }
}

type Fast = BuildHasherDefault<FastHasher>;

fn hash_bytes(b: &[u8]) -> u64 {
    let mut h = FastHasher::default();
    h.write(b);
    h.finish()
}

/// The text-free bytes of the empty appraisal (an item never appraised), as
/// [`body::appraisal_to`] writes them.
fn empty_appraisal() -> &'static [u8] {
    static EMPTY: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(|| {
        let mut w = Writer::default();
        body::appraisal_to(&mut w, &domain::Appraisal::default());
        w.buf
    })
}

/// A stored item's appraisal digest: the hash of its text-free bytes. For an item never
/// appraised (`appraisal_seq` 0): 0 when its whole appraisal, texts included, is the empty one
/// (as the replay has it), else a hash that is not 0. Readers take an appraised item's texts
/// from the event sled names, but show a never-appraised item's appraisal as sled holds it, so
/// that one is compared whole. (The previous release did not compare it at all: a status, a
/// score or a text written into sled for such an item passed as OK.)
fn appraisal_digest(appraisal_seq: u64, whole: &[u8], text_free: &[u8]) -> u64 {
    if appraisal_seq != 0 {
        hash_bytes(text_free)
    } else if whole == empty_appraisal() {
        0
    } else {
        hash_bytes(whole) | 1
    }
}

/// The running hash of a list of seqs (an item's or a unit's history), in order.
fn chain_seq(h: u64, seq: u64) -> u64 {
    h.rotate_left(5) ^ mix(seq)
}

/// Texts met in the journal (units, leaves, users), each numbered when first met, so that a
/// digest holds a number instead of a text and the items are keyed exactly.
#[derive(Default)]
struct Names {
    ids: HashMap<Box<[u8]>, u32, Fast>,
}

impl Names {
    fn id(&mut self, s: &[u8]) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let i = self.ids.len() as u32;
        self.ids.insert(s.into(), i);
        i
    }

    fn get(&self, s: &[u8]) -> Option<u32> {
        self.ids.get(s).copied()
    }
}

/// What the state must hold of an item, in a few words: the replay keeps one per item (80
/// bytes), so the fields that only need comparing are hashed together.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct ItemDigest {
    /// 0: no such item (an item's first event makes it 1). The replay's history has exactly
    /// `version` entries.
    version: u64,
    self_seq: u64,
    /// 0 when `flags` has no [`SELF_SCORE`].
    self_score: i64,
    /// 0 when `flags` has no [`SURVEY`].
    survey: i64,
    appraisal_seq: u64,
    /// Hash of the appraisal without its texts (0: never appraised).
    appraisal: u64,
    last_seq: u64,
    /// Hash of the last change's time and user (see [`touch`]; 0: none).
    last: u64,
    /// Hash of the history's seqs, in order ([`chain_seq`]).
    history: u64,
    flags: u8,
}

const SELF_SCORE: u8 = 1;
const SURVEY: u8 = 2;

/// A user of no event (a stored name the replay never met).
const NO_USER: u32 = u32::MAX;

/// The hash of a last change: its time and the user's number.
fn touch(at: (i64, i32), user: u32) -> u64 {
    let mut h = FastHasher::default();
    h.word(at.0 as u64);
    h.word(u64::from(at.1 as u32));
    h.word(u64::from(user));
    h.finish()
}

/// A stored item's digest, with the length of its stored history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stored {
    digest: ItemDigest,
    history_len: u64,
}

impl Stored {
    /// The digest of a stored item, decoded (see [`parse_group`] for the fast way).
    fn of(s: &StoredItem, users: &Names, buf: &mut Vec<u8>) -> Stored {
        let it = &s.item;
        let mut history = 0;
        for &seq in &s.history {
            history = chain_seq(history, seq);
        }
        let self_score = it.self_assessment.as_ref().map(|a| a.score);
        let appraisal = {
            let mut whole = Writer::default();
            body::appraisal_to(&mut whole, &it.appraisal);
            let mut cleared = it.clone();
            cleared.clear_text();
            let mut w = Writer {
                buf: std::mem::take(buf),
            };
            w.buf.clear();
            body::appraisal_to(&mut w, &cleared.appraisal);
            *buf = w.buf;
            appraisal_digest(s.appraisal_seq, &whole.buf, buf)
        };
        Stored {
            digest: ItemDigest {
                version: it.version,
                self_seq: s.self_seq,
                self_score: self_score.map_or(0, Points::hundredths),
                survey: it.survey.map_or(0, Points::hundredths),
                appraisal_seq: s.appraisal_seq,
                appraisal,
                last_seq: it.last.as_ref().map_or(0, |t| t.seq),
                last: it.last.as_ref().map_or(0, |t| {
                    let user = users.get(t.actor.as_bytes()).unwrap_or(NO_USER);
                    touch(time_key(t.at), user)
                }),
                history,
                flags: if self_score.is_some() { SELF_SCORE } else { 0 }
                    | if it.survey.is_some() { SURVEY } else { 0 },
            },
            history_len: s.history.len() as u64,
        }
    }

    /// The first field that differs from the replayed item, for the message.
    fn difference(&self, replayed: &ItemDigest) -> Option<Tr> {
        let (s, r) = (&self.digest, replayed);
        if s.version != r.version {
            Some(tr!("phiên bản", "version"))
        } else if s.self_seq != r.self_seq
            || s.self_score != r.self_score
            || s.flags & SELF_SCORE != r.flags & SELF_SCORE
        {
            Some(tr!("điểm tự đánh giá", "self-assessment"))
        } else if s.survey != r.survey || s.flags & SURVEY != r.flags & SURVEY {
            Some(tr!("điểm điều tra", "survey points"))
        } else if s.appraisal_seq != r.appraisal_seq || s.appraisal != r.appraisal {
            Some(tr!("kết quả thẩm định", "appraisal"))
        } else if s.last_seq != r.last_seq || s.last != r.last {
            Some(tr!("thay đổi gần nhất", "last change"))
        } else if s.history != r.history || self.history_len != r.version {
            Some(tr!("lịch sử", "history"))
        } else {
            None
        }
    }
}

fn time_key(t: Timestamp) -> (i64, i32) {
    (t.as_second(), t.subsec_nanosecond())
}

/// Who finalized a unit: (actor hash, time, seq).
type Finalized = Option<(u64, (i64, i32), u64)>;

/// A unit's state in a few words: who finalized it, its history's length and hash.
type UnitDigest = (Finalized, u64, u64);

/// "YYYY/unit/leaf", as `layout::item_key` writes it.
fn item_name(year: u16, unit: &str, leaf: &str) -> String {
    format!("{year:04}/{unit}/{leaf}")
}

/// The replayed state, in digests.
#[derive(Default)]
struct Replay {
    /// (year, unit) pairs (the year's two bytes, then the unit), numbered.
    units_named: Names,
    /// Per (year, unit) number: where its year's leaves are in `year_leaves`.
    unit_year: Vec<u32>,
    /// Per year: its leaves, numbered.
    year_leaves: Vec<(u16, Names)>,
    /// Per (year, unit) number, per leaf number: the item's digest (version 0: none). Dense:
    /// a unit's items are most of its year's leaves.
    items: Vec<Vec<ItemDigest>>,
    users: Names,
    /// Per user number: events and a hash of their seqs (order-free), as the by-user index
    /// must cover.
    user_events: Vec<(u64, u64)>,
    units: BTreeMap<(u16, String), UnitDigest>,
    members: BTreeMap<String, Role>,
    years: BTreeMap<u16, u64>,
    rounds: BTreeMap<(u16, u32), u64>,
    officials: BTreeMap<u16, u64>,
    /// (year, unit, area or "") → the assignee.
    assignments: BTreeMap<(u16, String, String), String>,
    /// Years that enforce their assignments (→ true).
    enforced: BTreeMap<u16, bool>,
    /// Per year: the digest of its published results.
    results: BTreeMap<u16, u64>,
    /// Per state key of an import of responses: the digest of its batch.
    responses: BTreeMap<String, u64>,
    /// The last unit and user met (events come in runs of one unit, one user).
    last_unit: Option<(u16, Vec<u8>, u32)>,
    last_user: Option<(Vec<u8>, u32)>,
    key: Vec<u8>,
    buf: Vec<u8>,
}

/// A (year, unit) pair's key in [`Replay::units_named`].
fn unit_key_into(key: &mut Vec<u8>, year: u16, unit: &str) {
    key.clear();
    key.extend_from_slice(&year.to_le_bytes());
    key.extend_from_slice(unit.as_bytes());
}

impl Replay {
    fn user(&mut self, actor: &str) -> u32 {
        if let Some((name, id)) = &self.last_user
            && name.as_slice() == actor.as_bytes()
        {
            return *id;
        }
        let id = self.users.id(actor.as_bytes());
        if id as usize == self.user_events.len() {
            self.user_events.push((0, 0));
        }
        self.last_user = Some((actor.as_bytes().to_vec(), id));
        id
    }

    fn unit_id(&mut self, year: u16, unit: &str) -> u32 {
        if let Some((y, name, id)) = &self.last_unit
            && *y == year
            && name.as_slice() == unit.as_bytes()
        {
            return *id;
        }
        unit_key_into(&mut self.key, year, unit);
        let id = self.units_named.id(&self.key);
        if id as usize == self.unit_year.len() {
            let y = match self.year_leaves.iter().position(|(y, _)| *y == year) {
                Some(i) => i,
                None => {
                    self.year_leaves.push((year, Names::default()));
                    self.year_leaves.len() - 1
                }
            };
            self.unit_year.push(y as u32);
            self.items.push(Vec::new());
        }
        self.last_unit = Some((year, unit.as_bytes().to_vec(), id));
        id
    }

    /// The digest of an item, made (version 0) when first met.
    fn item(&mut self, year: u16, unit: &str, leaf: &str) -> &mut ItemDigest {
        let u = self.unit_id(year, unit) as usize;
        let y = self.unit_year[u] as usize;
        let leaves = &mut self.year_leaves[y].1;
        let l = leaves.id(leaf.as_bytes()) as usize;
        let known = leaves.ids.len();
        let digests = &mut self.items[u];
        if l >= digests.len() {
            // Room for every leaf of the year met so far: a unit has most of them.
            digests.reserve_exact(known.max(l + 1) - digests.len());
            digests.resize(l + 1, ItemDigest::default());
        }
        &mut digests[l]
    }

    /// The replayed digest of a stored item, if the journal has it: (unit number, leaf).
    fn find(&mut self, unit: Option<u32>, leaf: Option<u32>) -> Option<&mut ItemDigest> {
        let d = self
            .items
            .get_mut(unit? as usize)?
            .get_mut(leaf? as usize)?;
        (d.version != 0).then_some(d)
    }

    /// The leaf number of `leaf` in the year of the (year, unit) numbered `unit`.
    fn leaf_id(&self, unit: Option<u32>, leaf: &str) -> Option<u32> {
        let y = *self.unit_year.get(unit? as usize)?;
        self.year_leaves.get(y as usize)?.1.get(leaf.as_bytes())
    }

    fn unit_event(&mut self, year: u16, unit: String, seq: u64, fin: Finalized) {
        let u = self.units.entry((year, unit)).or_default();
        u.0 = fin;
        u.1 += 1;
        u.2 = chain_seq(u.2, seq);
    }

    /// Replay one event's body and give its time; `Err` names what is wrong with it.
    fn apply(&mut self, seq: u64, bytes: &[u8]) -> Result<Timestamp, Said> {
        let v = body::view(bytes).map_err(unreadable)?;
        if v.head.seq != seq {
            return Err(Said::new(
                format!("nội dung của nó ghi là sự kiện {}", v.head.seq),
                format!("its content says it is event {}", v.head.seq),
            ));
        }
        let actor = v.head.actor;
        let user = self.user(actor);
        if let Some((n, h)) = self.user_events.get_mut(user as usize) {
            *n += 1;
            *h = h.wrapping_add(mix(seq));
        }
        match v.change {
            ViewChange::Item {
                part,
                year,
                unit,
                leaf,
                version,
                before_seq,
                survey_before,
                after,
            } => {
                // The text-free appraisal first (its bytes were checked by `view`; an error
                // still counts only where decoding it comes, after the checks before it).
                let appraisal = (part == ItemPart::Appraisal).then(|| {
                    self.buf.clear();
                    body::skim_appraisal(&mut Reader::new(after), Some(&mut self.buf))
                        .map(|()| hash_bytes(&self.buf))
                });
                let d = self.item(year, unit, leaf);
                if version != d.version + 1 {
                    let was = d.version;
                    return Err(Said::new(
                        format!(
                            "mục {year}/{unit}/{leaf} chuyển từ phiên bản {was} sang {version}"
                        ),
                        format!("item {year}/{unit}/{leaf} goes from version {was} to {version}"),
                    ));
                }
                match part {
                    ItemPart::SelfAssessment => {
                        if before_seq != d.self_seq {
                            let was = d.self_seq;
                            return Err(Said::new(
                                format!(
                                    "nó coi sự kiện {before_seq} là lần tự đánh giá trước của \
                                     mục, nhưng đó là sự kiện {was}"
                                ),
                                format!(
                                    "it names event {before_seq} as the item's previous \
                                     self-assessment, which is event {was}"
                                ),
                            ));
                        }
                        let mut r = Reader::new(after);
                        d.self_score = r.points().map_err(unreadable)?.hundredths();
                        d.flags |= SELF_SCORE;
                        d.self_seq = seq;
                    }
                    ItemPart::Survey => {
                        let had =
                            (d.flags & SURVEY != 0).then(|| Points::from_hundredths(d.survey));
                        if survey_before != had {
                            return Err(Said::new(
                                "điểm điều tra trước đó mà nó ghi không phải của mục",
                                "its survey points before are not the item's",
                            ));
                        }
                        let mut r = Reader::new(after);
                        d.survey = r.points().map_err(unreadable)?.hundredths();
                        d.flags |= SURVEY;
                    }
                    ItemPart::Appraisal => {
                        if before_seq != d.appraisal_seq {
                            let was = d.appraisal_seq;
                            return Err(Said::new(
                                format!(
                                    "nó coi sự kiện {before_seq} là lần thẩm định trước của mục, \
                                     nhưng đó là sự kiện {was}"
                                ),
                                format!(
                                    "it names event {before_seq} as the item's previous \
                                     appraisal, which is event {was}"
                                ),
                            ));
                        }
                        d.appraisal = appraisal
                            .unwrap_or_else(|| Ok(hash_bytes(&[])))
                            .map_err(unreadable)?;
                        d.appraisal_seq = seq;
                    }
                }
                d.version = version;
                d.last_seq = seq;
                d.last = touch(time_key(v.head.at), user);
                d.history = chain_seq(d.history, seq);
            }
            ViewChange::Other(change) => match *change {
                Change::UnitFinalized { year, unit } => {
                    let fin = (hash_bytes(actor.as_bytes()), time_key(v.head.at), seq);
                    self.unit_event(year, unit, seq, Some(fin));
                }
                Change::UnitReopened { year, unit } => self.unit_event(year, unit, seq, None),
                Change::MemberChanged {
                    user,
                    before,
                    after,
                } => {
                    if before != self.members.get(&user).copied() {
                        return Err(Said::new(
                            format!(
                                "vai trò trước đó của {user} mà nó ghi không phải vai trò đã lưu"
                            ),
                            format!("the role of {user} before it is not the stored one"),
                        ));
                    }
                    match after {
                        Some(r) => self.members.insert(user, r),
                        None => self.members.remove(&user),
                    };
                }
                Change::YearOpened {
                    year,
                    framework_toml,
                    framework_file,
                    units_toml,
                    units_file,
                    from_year,
                } => {
                    let data = domain::YearData {
                        framework_toml,
                        framework_file,
                        units_toml,
                        units_file,
                        from_year,
                    };
                    self.years
                        .insert(year, hash_bytes(&state::encode_year(&data)));
                }
                Change::ResultsPublished {
                    year,
                    before,
                    after,
                } => {
                    let now = self.results.get(&year).copied();
                    if before.map(|b| hash_bytes(&state::encode_published(&b))) != now {
                        return Err(Said::new(
                            format!(
                                "kết quả công bố năm {year} trước đó mà nó ghi không phải kết quả \
                                 đã lưu"
                            ),
                            format!(
                                "the published results of {year} before it are not the stored ones"
                            ),
                        ));
                    }
                    self.results
                        .insert(year, hash_bytes(&state::encode_published(&after)));
                }
                Change::ResponsesImported { year, batch } => {
                    self.responses.insert(
                        layout::responses_key(year, seq),
                        hash_bytes(&state::encode_batch(&batch)),
                    );
                }
                Change::RoundChanged {
                    year,
                    number,
                    after,
                    ..
                } => {
                    self.rounds
                        .insert((year, number), hash_bytes(&state::encode_round(&after)));
                }
                Change::OfficialChanged { year, after, .. } => {
                    self.officials
                        .insert(year, hash_bytes(&state::encode_official(&after)));
                }
                Change::AssignmentChanged {
                    year,
                    unit,
                    area,
                    after,
                    ..
                } => {
                    let k = (year, unit, area.unwrap_or_default());
                    match after {
                        Some(user) => {
                            self.assignments.insert(k, user);
                        }
                        None => {
                            self.assignments.remove(&k);
                        }
                    }
                }
                Change::AssignmentsEnforced { year, after, .. } => {
                    if after {
                        self.enforced.insert(year, true);
                    } else {
                        self.enforced.remove(&year);
                    }
                }
                Change::SelfAssessed { .. }
                | Change::SurveyScored { .. }
                | Change::Appraised { .. } => {}
            },
        }
        Ok(v.head.at)
    }

    /// Per user name: events and the hash of their seqs.
    fn users_by_name(&self) -> BTreeMap<String, (u64, u64)> {
        self.users
            .ids
            .iter()
            .filter_map(|(name, &id)| {
                let counts = *self.user_events.get(id as usize)?;
                Some((String::from_utf8_lossy(name).into_owned(), counts))
            })
            .collect()
    }
}

/// The journal's records checked in order and replayed; stops at the first problem (what
/// follows cannot be trusted).
struct Checker {
    replay: Replay,
    /// Check each record's seq and its link in the chain (opening the journal checks them
    /// itself).
    links: bool,
    last_at: Option<Timestamp>,
    /// The last intact event.
    events: u64,
    seal: Seal,
    bad: Option<(u64, Said)>,
}

impl Checker {
    fn new(links: bool) -> Checker {
        Checker {
            replay: Replay::default(),
            links,
            last_at: None,
            events: 0,
            seal: Seal::default(),
            bad: None,
        }
    }

    fn record(&mut self, rec: &Rec<'_>) -> ControlFlow<()> {
        let expected = self.events + 1;
        match self.check(rec, expected) {
            Ok(at) => {
                self.last_at = Some(at);
                self.events = rec.seq;
                self.seal = Seal {
                    seq: rec.seq,
                    hash: rec.hash,
                };
                ControlFlow::Continue(())
            }
            Err(why) => {
                self.bad = Some((expected, why));
                ControlFlow::Break(())
            }
        }
    }

    fn check(&mut self, rec: &Rec<'_>, expected: u64) -> Result<Timestamp, Said> {
        if self.links {
            if rec.seq != expected {
                return Err(why::stands_where(rec.seq, expected));
            }
            if !rec.chained {
                return Err(Said::new(
                    "mã băm của nó không khớp với nội dung của nó và mã băm của sự kiện trước \
                     (bản ghi đã bị sửa)",
                    "its hash does not match its content and the previous event's hash (it was \
                     altered)",
                ));
            }
        }
        let at = self.replay.apply(rec.seq, rec.body)?;
        if let Some(before) = self.last_at.filter(|&t| at < t) {
            return Err(Said::new(
                format!(
                    "thời điểm của nó ({}) sớm hơn thời điểm của sự kiện trước nó ({})",
                    domain::clock::date_time_seconds(at),
                    domain::clock::date_time_seconds(before)
                ),
                format!("its time {at} is earlier than the time of the event before it"),
            ));
        }
        Ok(at)
    }

    /// A problem that ended the scan (a record that no longer reads).
    fn fail(&mut self, why: Said) {
        if self.bad.is_none() {
            self.bad = Some((self.events + 1, why));
        }
    }

    fn report(&self) -> VerifyReport {
        VerifyReport {
            events: self.events,
            seal: self.seal,
            first_bad_event: self.bad.clone(),
            ..VerifyReport::default()
        }
    }
}

/// One item of a group, read from its stored bytes: where its leaf is in them, its number in
/// its year's leaves and its digest.
struct StoredDigest {
    leaf: std::ops::Range<usize>,
    leaf_id: Option<u32>,
    stored: Stored,
}

/// Read a group value's items into digests without building them, checking every byte as
/// `state::decode_group` does (on an error the caller asks `decode_group` for its message).
/// `unit` is the group's (year, unit) number in the replay.
fn parse_group(
    bytes: &[u8],
    replay: &Replay,
    unit: Option<u32>,
    out: &mut Vec<StoredDigest>,
    buf: &mut Vec<u8>,
) -> Result<(), WireError> {
    let mut r = Reader::new(bytes);
    if r.u8()? != state::STATE_FORMAT {
        return Err(r.err("unknown format"));
    }
    let n = r.uvar()?;
    for _ in 0..n {
        let leaf = r.str()?;
        let leaf_id = replay.leaf_id(unit, leaf);
        let leaf = r.pos() - leaf.len()..r.pos();
        let self_score = r.opt(|r| r.points())?;
        let survey = r.opt(|r| r.points())?;
        buf.clear();
        let start = r.pos();
        body::skim_appraisal(&mut r, Some(buf))?;
        let whole = r.read_between(start, r.pos());
        let version = r.uvar()?;
        let last = r.opt(|r| Ok((r.str()?, r.time()?, r.uvar()?)))?;
        let self_seq = r.uvar()?;
        let appraisal_seq = r.uvar()?;
        let len = r.uvar()?;
        let (mut seq, mut history) = (0u64, 0u64);
        for _ in 0..len {
            let d = r.uvar()?;
            seq = seq
                .checked_add(d)
                .ok_or_else(|| r.err("a history entry overflows"))?;
            history = chain_seq(history, seq);
        }
        out.push(StoredDigest {
            leaf,
            leaf_id,
            stored: Stored {
                digest: ItemDigest {
                    version,
                    self_seq,
                    self_score: self_score.map_or(0, Points::hundredths),
                    survey: survey.map_or(0, Points::hundredths),
                    appraisal_seq,
                    appraisal: appraisal_digest(appraisal_seq, whole, buf),
                    last_seq: last.map_or(0, |l| l.2),
                    last: last.map_or(0, |(actor, at, _)| {
                        let user = replay.users.get(actor.as_bytes()).unwrap_or(NO_USER);
                        touch(time_key(at), user)
                    }),
                    history,
                    flags: if self_score.is_some() { SELF_SCORE } else { 0 }
                        | if survey.is_some() { SURVEY } else { 0 },
                },
                history_len: len,
            },
        });
    }
    r.end()
}

impl Store {
    /// Check the journal and compare the state with its replay. Problems are reported, not
    /// returned as errors. Commits wait while it runs.
    pub fn verify(&self) -> Result<VerifyReport, StoreError> {
        let _tip = self.lock_tip();
        let journal = self.journal_read();
        let mut check = Checker::new(true);
        if let Err(e) = journal.scan(&mut |r| check.record(r)) {
            check.fail(e.said());
        }
        let mut report = check.report();
        let (head, head_hash) = journal.head();
        drop(journal);
        if report.first_bad_event.is_none() && report.events != head {
            let read = report.events;
            report.first_bad_event = Some((
                read + 1,
                Said::new(
                    format!("đầu nhật ký là sự kiện {head}, nhưng chỉ đọc được {read}"),
                    format!("the journal's head is event {head}, but only {read} could be read"),
                ),
            ));
        }
        if report.first_bad_event.is_none() {
            if report.seal.hash != head_hash && head > 0 {
                report.first_bad_event = Some((
                    head,
                    Said::new(
                        "mã băm ở đầu nhật ký đã thay đổi",
                        "the journal's head hash changed",
                    ),
                ));
            }
            self.check_state_into(check.replay, &mut report);
        }
        Ok(report)
    }

    /// Compare the state with the replayed journal into `report`. A state that has recorded
    /// events the journal no longer holds means the journal lost them: that is reported as
    /// damage to the journal (restore from a backup), never as a state to rebuild. A state that
    /// cannot be read is a state mismatch (rebuild it).
    fn check_state_into(&self, replay: Replay, report: &mut VerifyReport) {
        if let Some(applied) = self.applied_seq()
            && applied > report.events
        {
            let (end, lost) = (report.events, report.events + 1);
            report.first_bad_event = Some((
                lost,
                Said::new(
                    format!(
                        "nhật ký kết thúc ở sự kiện {end}, nhưng trạng thái đã ghi nhận sự kiện \
                         {applied}: nhật ký đã mất các sự kiện {lost}–{applied}"
                    ),
                    format!(
                        "the journal ends at event {end}, but the state had recorded event \
                         {applied}: the journal lost events {lost}–{applied}"
                    ),
                ),
            ));
            return;
        }
        match self.compare_state(replay, &mut report.items_checked) {
            Ok(m) => report.first_state_mismatch = m,
            Err(e) => report.first_state_mismatch = Some(store_said(&e)),
        }
        report.state_checked = true;
    }

    /// The seq sled has applied, if it can be read.
    fn applied_seq(&self) -> Option<u64> {
        let v = self.tree().ok()?.get(layout::APPLIED_KEY).ok()??;
        state::decode_applied(&v).ok().map(|a| a.seq)
    }

    /// Verify a store no server is serving: the journal read directly (never changed), and the
    /// state compared when sled can be opened. For a store too damaged to serve.
    pub fn verify_offline(dir: &Path) -> Result<VerifyReport, StoreError> {
        if !Store::exists(dir) {
            return Err(Store::not_found(dir));
        }
        let lock = lock::take(dir)?;
        let mut report = VerifyReport::default();
        if !layout::journal_dir(dir).exists() {
            // No record at all. A store of the previous layout is moved into a journal when it
            // is first served; a store of this layout has lost its journal.
            let (_, state, _) = super::open_sled(dir)?;
            if state.is_empty() {
                return Err(StoreError::Corrupt {
                    what: "this store has no journal yet: it was written by the previous \
                           release; run any command (thamdinh member list) once to move it \
                           into a journal, then verify it"
                        .into(),
                });
            }
            let applied = state
                .get(layout::APPLIED_KEY)
                .ok()
                .flatten()
                .and_then(|v| state::decode_applied(&v).ok())
                .map_or(0, |a| a.seq);
            report.first_bad_event = Some((
                1,
                Said::new(
                    format!(
                        "thiếu thư mục nhật ký; trạng thái đã ghi nhận {applied} sự kiện: nhật ký \
                         đã mất các sự kiện 1–{applied}"
                    ),
                    format!(
                        "the journal folder is missing; the state had recorded {applied} events: \
                         the journal lost events 1–{applied}"
                    ),
                ),
            ));
            return Ok(report);
        }
        // Opening reads and checks every record (framing, CRC, seqs, the chain): the replay
        // rides along, so the journal is read once.
        let mut check = Checker::new(false);
        let opened =
            Journal::open_visiting(&layout::journal_dir(dir), OpenMode::ReadOnly, &mut |r| {
                check.record(r)
            });
        let (journal, opened) = match opened {
            Ok(j) => j,
            Err(JournalError::Damaged {
                file,
                offset,
                seq,
                what,
            }) => {
                // Damage is what verify reports, not a failure of verify.
                let file = Path::new(&file)
                    .file_name()
                    .map_or(file.clone(), |f| f.to_string_lossy().into_owned());
                report.events = seq.saturating_sub(1);
                report.first_bad_event = Some((
                    seq,
                    what.within(
                        |v| format!("{v} (journal/{file}, byte {offset})"),
                        |e| format!("{e} (journal/{file}, byte {offset})"),
                    ),
                ));
                return Ok(report);
            }
            Err(e) => return Err(StoreError::journal(dir, e)),
        };
        // Records of an unfinished commit after the head were replayed too: they do not count.
        let (head, head_hash) = journal.head();
        if check.bad.as_ref().is_some_and(|b| b.0 > head) {
            check.bad = None;
        }
        if check.bad.is_none() && check.events > head {
            check.events = head;
            check.seal = Seal {
                seq: head,
                hash: head_hash,
            };
        }
        let mut report = check.report();
        if report.first_bad_event.is_none()
            && let Some(torn) = &opened.torn
        {
            let (vi, en) = torn_said(dir, head);
            report.first_bad_event = Some((
                report.events + 1,
                torn.what
                    .within(|v| format!("{v} ({vi})"), |e| format!("{e} ({en})")),
            ));
        }
        if report.first_bad_event.is_some() {
            return Ok(report);
        }
        // The state as it is (nothing applied, nothing rebuilt), if sled opens. One that
        // cannot be read (an error, or sled stopping on an internal error) is reported as
        // such, with `thamdinh rebuild` (see `VerifyReport::message`).
        match super::open_sled(dir) {
            Ok((db, state, drafts)) => {
                let store = Store::assemble(
                    dir,
                    lock,
                    db,
                    state,
                    drafts,
                    journal,
                    super::OpenReport::default(),
                );
                let replay = check.replay;
                let mut checked = report.clone();
                match guard::catch(|| {
                    store.check_state_into(replay, &mut checked);
                    checked
                }) {
                    Ok(r) => report = r,
                    Err(why) => {
                        tracing::warn!("sled stopped on an internal error while verified: {why}");
                        report.state_checked = false;
                        report.first_state_mismatch = None;
                    }
                }
                let _ = guard::catch(move || drop(store));
            }
            Err(e @ StoreError::InUse { .. }) => return Err(e),
            Err(e) => {
                report.first_state_mismatch = Some(store_said(&e));
            }
        }
        Ok(report)
    }

    /// Compare sled with the replayed digests; the first difference, if any.
    fn compare_state(
        &self,
        mut replay: Replay,
        checked: &mut u64,
    ) -> Result<Option<Said>, StoreError> {
        // The applied seq.
        let applied = match self
            .tree()?
            .get(layout::APPLIED_KEY)
            .map_err(|e| self.sled_err(e))?
        {
            Some(v) => Some(state::decode_applied(&v)?),
            None => None,
        };
        let head = self.last_seq();
        let head_hash = self.journal_read().head().1;
        match applied {
            Some(a) if a.seq != head => {
                let seq = a.seq;
                return Ok(Some(Said::new(
                    format!("trạng thái đã áp dụng đến sự kiện {seq}, đầu nhật ký là {head}"),
                    format!("the state has applied event {seq}, the journal's head is {head}"),
                )));
            }
            Some(a) if a.hash != head_hash => {
                let seq = a.seq;
                return Ok(Some(Said::new(
                    format!(
                        "trạng thái được dựng từ một lịch sử khác: sự kiện {seq} của nó có mã băm \
                         khác với nhật ký"
                    ),
                    format!(
                        "the state was built from another history: its event {seq} has another \
                         hash than the journal's"
                    ),
                )));
            }
            None if head > 0 => {
                return Ok(Some(Said::new(
                    "trạng thái không ghi số sự kiện đã áp dụng",
                    "the state has no applied seq",
                )));
            }
            _ => {}
        }
        // Items, group by group.
        let (mut group, mut buf, mut key) = (Vec::new(), Vec::new(), Vec::new());
        for r in Chunked::prefix(&self.tree()?, layout::ITEMS_PREFIX.as_bytes()) {
            let (k, v) = r.map_err(|e| self.sled_err(e))?;
            let Some((year, unit)) = layout::parse_group_key(&k) else {
                let name = String::from_utf8_lossy(&k);
                return Ok(Some(Said::new(
                    format!("khoá trạng thái {name} không phải một nhóm mục"),
                    format!("state key {name} is not an item group"),
                )));
            };
            unit_key_into(&mut key, year, unit);
            let unit_id = replay.units_named.get(&key);
            group.clear();
            if parse_group(&v, &replay, unit_id, &mut group, &mut buf).is_err() {
                // The exact message, from the decoder the rest of the store uses.
                let name = String::from_utf8_lossy(&k).into_owned();
                match state::decode_group(&v, year, unit, &name) {
                    Err(e) => return Ok(Some(store_said(&e))),
                    Ok(items) => {
                        // Not expected (the two read alike): compare what the decoder read.
                        let digests: Vec<(String, Stored)> = items
                            .iter()
                            .map(|s| {
                                let d = Stored::of(s, &replay.users, &mut buf);
                                (s.item.key.leaf.clone(), d)
                            })
                            .collect();
                        let mut prev: Option<&str> = None;
                        for (leaf, d) in &digests {
                            *checked += 1;
                            if let Some(p) = prev.filter(|p| leaf.as_str() < *p) {
                                return Ok(Some(out_of_order(&name, leaf, p)));
                            }
                            prev = Some(leaf);
                            let leaf_id = replay.leaf_id(unit_id, leaf);
                            let name = || item_name(year, unit, leaf);
                            if let Some(m) = compare_item(&mut replay, unit_id, leaf_id, name, d) {
                                return Ok(Some(m));
                            }
                        }
                        continue;
                    }
                }
            }
            let mut prev: Option<&[u8]> = None;
            for s in &group {
                *checked += 1;
                let leaf = &v[s.leaf.clone()];
                if let Some(p) = prev.filter(|p| leaf < *p) {
                    let (leaf, p) = (String::from_utf8_lossy(leaf), String::from_utf8_lossy(p));
                    return Ok(Some(out_of_order(&String::from_utf8_lossy(&k), &leaf, &p)));
                }
                prev = Some(leaf);
                let name = || {
                    let leaf = String::from_utf8_lossy(&v[s.leaf.clone()]);
                    item_name(year, unit, &leaf)
                };
                if let Some(m) = compare_item(&mut replay, unit_id, s.leaf_id, name, &s.stored) {
                    return Ok(Some(m));
                }
            }
        }
        let (missing, first) = replay
            .items
            .iter()
            .flatten()
            .filter(|d| d.version != 0)
            .fold((0u64, u64::MAX), |(n, first), d| {
                (n + 1, first.min(d.last_seq))
            });
        if missing > 0 {
            return Ok(Some(Said::new(
                format!(
                    "trạng thái thiếu {missing} mục, mục đầu tiên được sự kiện {first} thay đổi"
                ),
                format!(
                    "{missing} item(s) are missing from the state, the first changed by event \
                     {first}"
                ),
            )));
        }
        // Units.
        let mut units = BTreeMap::new();
        for r in Chunked::prefix(&self.tree()?, layout::UNITS_PREFIX.as_bytes()) {
            let (k, v) = r.map_err(|e| self.sled_err(e))?;
            let name = String::from_utf8_lossy(&k).into_owned();
            let u = match state::decode_unit(&v, &name) {
                Ok(u) => u,
                Err(e) => return Ok(Some(store_said(&e))),
            };
            let rest = &name[layout::UNITS_PREFIX.len()..];
            let Some((y, unit)) = rest.split_once('/') else {
                return Ok(Some(Said::new(
                    format!("khoá trạng thái {name} không phải một đơn vị"),
                    format!("state key {name} is not a unit"),
                )));
            };
            let year: u16 = y.parse().unwrap_or_default();
            let mut h = 0;
            for &seq in &u.history {
                h = chain_seq(h, seq);
            }
            let fin = u
                .state
                .finalized
                .as_ref()
                .map(|t| (hash_bytes(t.actor.as_bytes()), time_key(t.at), t.seq));
            units.insert((year, unit.to_string()), (fin, u.history.len() as u64, h));
        }
        if units != replay.units {
            return Ok(Some(first_diff(
                tr!("đơn vị", "unit"),
                &units,
                &replay.units,
            )));
        }
        // Members, years, rounds.
        let members: BTreeMap<String, Role> = self
            .members()?
            .into_iter()
            .map(|m| (m.user, m.role))
            .collect();
        if members != replay.members {
            return Ok(Some(first_diff(
                tr!("thành viên", "member"),
                &members,
                &replay.members,
            )));
        }
        let mut years = BTreeMap::new();
        for year in self.years()? {
            if let Some(y) = self.year_data(year)? {
                years.insert(year, hash_bytes(&state::encode_year(&y)));
            }
        }
        if years != replay.years {
            return Ok(Some(first_diff(tr!("năm", "year"), &years, &replay.years)));
        }
        let mut rounds = BTreeMap::new();
        for year in replay
            .years
            .keys()
            .chain(years.keys())
            .copied()
            .collect::<BTreeSet<_>>()
        {
            for r in self.rounds(year)? {
                rounds.insert((r.year, r.number), hash_bytes(&state::encode_round(&r)));
            }
        }
        if rounds != replay.rounds {
            return Ok(Some(first_diff(
                tr!("đợt giải trình", "round"),
                &rounds,
                &replay.rounds,
            )));
        }
        let officials: BTreeMap<u16, u64> = self
            .officials()?
            .iter()
            .map(|o| (o.year, hash_bytes(&state::encode_official(o))))
            .collect();
        if officials != replay.officials {
            return Ok(Some(first_diff(
                tr!("kết quả chính thức", "official"),
                &officials,
                &replay.officials,
            )));
        }
        // Assignments and their enforcement.
        let mut assignments = BTreeMap::new();
        let mut enforced = BTreeMap::new();
        for year in replay
            .years
            .keys()
            .chain(years.keys())
            .chain(replay.enforced.keys())
            .chain(replay.assignments.keys().map(|k| &k.0))
            .copied()
            .collect::<std::collections::BTreeSet<_>>()
        {
            let a = self.assignments(year)?;
            if a.enforced {
                enforced.insert(year, true);
            }
            for x in a.list {
                assignments.insert((x.year, x.unit, x.area.unwrap_or_default()), x.user);
            }
        }
        if assignments != replay.assignments {
            return Ok(Some(first_diff(
                tr!("phân công", "assignment"),
                &assignments,
                &replay.assignments,
            )));
        }
        if enforced != replay.enforced {
            return Ok(Some(first_diff(
                tr!("chế độ bắt buộc phân công", "assignment enforcement"),
                &enforced,
                &replay.enforced,
            )));
        }
        let mut results = BTreeMap::new();
        for year in self.published_years()? {
            if let Some(p) = self.published(year)? {
                results.insert(year, hash_bytes(&state::encode_published(&p)));
            }
        }
        if results != replay.results {
            return Ok(Some(first_diff(
                tr!("kết quả công bố", "results"),
                &results,
                &replay.results,
            )));
        }
        let responses: BTreeMap<String, u64> = self
            .all_responses()?
            .into_iter()
            .map(|(k, b)| (k, hash_bytes(&state::encode_batch(&b))))
            .collect();
        if responses != replay.responses {
            return Ok(Some(first_diff(
                tr!("phiếu khảo sát", "responses"),
                &responses,
                &replay.responses,
            )));
        }
        // The by-user index covers every event once.
        let mut users: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for r in self.tree()?.scan_prefix(layout::BY_USER_PREFIX.as_bytes()) {
            let (k, v) = r.map_err(|e| self.sled_err(e))?;
            let rest = &k[layout::BY_USER_PREFIX.len()..];
            let (Some(first), Some(last)) = (
                layout::seq_suffix(rest),
                layout::seq_suffix(&v).filter(|_| v.len() == 8),
            ) else {
                return Ok(Some(Said::new(
                    "không đọc được một mục của chỉ mục theo người dùng",
                    "a by-user index entry cannot be read",
                )));
            };
            let user = String::from_utf8_lossy(&rest[..rest.len().saturating_sub(9)]).into_owned();
            if last > head {
                // Readers list first..=last: a range past the head would make them list (and
                // hold) events that are not there. The previous release cut the range at the
                // head and did not report it.
                return Ok(Some(Said::new(
                    format!(
                        "mục chỉ mục của {user} từ sự kiện {first} kể đến sự kiện {last}, sau đầu \
                         nhật ký {head}"
                    ),
                    format!(
                        "the by-user index entry of {user} from event {first} names events up to \
                         {last}, after the journal's head {head}"
                    ),
                )));
            }
            let e = users.entry(user).or_default();
            for seq in first..=last {
                e.0 += 1;
                e.1 = e.1.wrapping_add(mix(seq));
            }
        }
        let replayed = replay.users_by_name();
        if users != replayed {
            return Ok(Some(first_diff(
                tr!("chỉ mục người dùng", "user index of"),
                &users,
                &replayed,
            )));
        }
        Ok(None)
    }

    /// Build sled again from the journal, in a store no server is serving: the old sled folder
    /// is kept beside it as `sled.damaged-<time>`. Refuses (naming the damage) when the journal
    /// itself is damaged: then the store must be restored from a backup. Returns the store and
    /// the number of events applied.
    pub fn rebuild(dir: &Path) -> Result<(Store, u64), StoreError> {
        if !Store::exists(dir) {
            return Err(Store::not_found(dir));
        }
        {
            let _lock = lock::take(dir)?;
            if layout::journal_dir(dir).exists() {
                // Check the journal before anything is moved, and that it holds everything the
                // state had recorded: a journal that lost events is never made the whole truth.
                let (journal, _) = Journal::open(&layout::journal_dir(dir), OpenMode::ReadOnly)
                    .map_err(|e| StoreError::journal(dir, e))?;
                let head = journal.head().0;
                // A state that cannot be read (or makes sled stop) is set aside unread.
                let applied = guard::catch(|| {
                    let (_, state, _) = super::open_sled(dir).ok()?;
                    let v = state.get(layout::APPLIED_KEY).ok()??;
                    state::decode_applied(&v).ok()
                })
                .ok()
                .flatten();
                if let Some(a) = applied
                    && a.seq > head
                {
                    return Err(StoreError::JournalBehind {
                        path: dir.to_path_buf(),
                        journal: head,
                        state: a.seq,
                    });
                }
                lock::set_aside_sled(dir)?;
            }
        }
        // Asked explicitly: a torn end the state can no longer vouch for is cut too, and said.
        let store = Store::open_inner(dir, || {}, true)?;
        let n = store.report.replayed;
        Ok((store, n))
    }
}

/// A group whose items are not in the order of their codes: the store finds an item of a group
/// by bisection, so it would not find this one (and would add it again). The previous release
/// did not look at the order.
fn out_of_order(group: &str, leaf: &str, prev: &str) -> Said {
    Said::new(
        format!("nhóm trạng thái {group}: mục {leaf} đứng sau mục {prev} (các mục sai thứ tự)"),
        format!(
            "state group {group}: item {leaf} comes after item {prev} (the items are out of order)"
        ),
    )
}

/// What a torn tail after event `head` is, in both languages: whether it was acknowledged is
/// what the state recorded, as the server decides at open (it cuts only what the state never
/// recorded).
pub(super) fn torn_said(dir: &Path, head: u64) -> (String, String) {
    let recorded = super::open_sled(dir).ok().and_then(|(_, state, _)| {
        let v = state.get(layout::APPLIED_KEY).ok()??;
        state::decode_applied(&v).ok().map(|a| a.seq)
    });
    match recorded {
        Some(a) if a > head => (
            format!(
                "trạng thái đã ghi nhận đến sự kiện {a}: các sự kiện {}–{a} đã được xác \
                 nhận và nhật ký đã mất chúng",
                head + 1
            ),
            format!(
                "the state had recorded events up to {a}: events {}–{a} were \
                 acknowledged, and the journal lost them",
                head + 1
            ),
        ),
        Some(_) => (
            "một lần ghi trạng thái chưa ghi nhận, tức chưa từng được xác nhận; máy chủ sẽ \
             cắt bỏ nó khi khởi động"
                .to_string(),
            "a write the state never recorded, so never acknowledged; the server cuts it \
             when it starts"
                .to_string(),
        ),
        None => (
            "một lần ghi chưa từng được xác nhận, trừ khi trạng thái đã ghi nhận nó; máy \
             chủ sẽ cắt bỏ nó khi khởi động"
                .to_string(),
            "a write that was never acknowledged, unless the state recorded it; the \
             server cuts it when it starts"
                .to_string(),
        ),
    }
}

/// A store error met while comparing, in both languages. The report adds what to do (rebuild),
/// so a state that cannot be read is said without the advice its own message carries.
fn store_said(e: &StoreError) -> Said {
    if let StoreError::StateUnreadable { why, .. } = e {
        return Said::new(
            format!("không đọc được trạng thái đã lưu (thư mục sled; sled báo: \"{why}\")"),
            format!("the stored state (its sled folder) cannot be read (sled says: \"{why}\")"),
        );
    }
    let trim = |m: String| m.trim_end_matches('.').to_string();
    Said::new(
        trim(e.message(l10n::Lang::Vi)),
        trim(e.message(l10n::Lang::En)),
    )
}

/// Content of an event that cannot be decoded.
fn unreadable(e: impl std::fmt::Display) -> Said {
    Said::new(
        format!("không đọc được nội dung của nó: {e}"),
        format!("its content cannot be read: {e}"),
    )
}

/// Compare one stored item with its replay (taking it out of the replay); the difference, if
/// any. `name` gives the item's name for the message.
fn compare_item(
    replay: &mut Replay,
    unit: Option<u32>,
    leaf: Option<u32>,
    name: impl Fn() -> String,
    stored: &Stored,
) -> Option<Said> {
    let Some(d) = replay.find(unit, leaf) else {
        let name = name();
        return Some(Said::new(
            format!("mục {name} có trong trạng thái nhưng không sự kiện nào thay đổi nó"),
            format!("item {name} is in the state but no event changed it"),
        ));
    };
    let replayed = std::mem::take(d);
    stored.difference(&replayed).map(|what| {
        let (name, s, j) = (name(), stored.digest.version, replayed.version);
        Said::new(
            format!(
                "mục {name}: {} đã lưu không khớp với nhật ký (phiên bản đã lưu {s}, phiên bản \
                 theo nhật ký {j})",
                what.vi
            ),
            format!(
                "item {name}: the stored {} is not the journal's (stored version {s}, journal \
                 version {j})",
                what.en
            ),
        )
    })
}

/// The first key whose value differs between the stored and the replayed map.
fn first_diff<K: Ord + std::fmt::Debug, V: PartialEq>(
    what: Tr,
    stored: &BTreeMap<K, V>,
    replayed: &BTreeMap<K, V>,
) -> Said {
    let (vi, en) = (what.vi, what.en);
    for (k, v) in replayed {
        match stored.get(k) {
            None => {
                return Said::new(
                    format!("trạng thái thiếu {vi} {k:?}"),
                    format!("{en} {k:?} is missing from the state"),
                );
            }
            Some(s) if s != v => {
                return Said::new(
                    format!("{vi} {k:?} khác với nhật ký"),
                    format!("{en} {k:?} differs from the journal"),
                );
            }
            _ => {}
        }
    }
    for k in stored.keys() {
        if !replayed.contains_key(k) {
            return Said::new(
                format!("{vi} {k:?} có trong trạng thái nhưng không sự kiện nào tạo ra nó"),
                format!("{en} {k:?} is in the state but no event made it"),
            );
        }
    }
    Said::new(format!("{vi}: khác với nhật ký"), format!("{en}s differ"))
}
