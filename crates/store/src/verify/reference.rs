//! The verify of the previous release, kept as it was for the tests: the journal read record by
//! record, checked and replayed into digests, then compared with sled. The faster verify must
//! give the same report for every store, sound or damaged.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::path::Path;

use jiff::Timestamp;

use domain::{Change, Points, Role, Seal, VerifyReport};

use crate::body::{self, ItemPart, ViewChange};
use crate::chunked::Chunked;
use crate::commit::chain_hash;
use crate::error::StoreError;
use crate::journal::{Journal, JournalError, OpenMode};
use crate::layout;
use crate::state::{self, StoredItem};
use crate::wire::{Reader, Writer};
use crate::{Store, lock};

/// A hasher for keys that are hashes already: it keeps the `u64` as it is.
#[derive(Default)]
struct KeyIsHash(u64);

impl Hasher for KeyIsHash {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

fn h64(v: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

fn mix(h: u64, seq: u64) -> u64 {
    h.rotate_left(5) ^ h64(seq)
}

/// What the state must hold of an item, in a few words.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct ItemDigest {
    self_seq: u64,
    self_score: Option<Points>,
    survey: Option<Points>,
    appraisal_seq: u64,
    /// Hash of the appraisal without its texts (0: never appraised).
    appraisal: u64,
    version: u64,
    last_seq: u64,
    last_at: Option<(i64, i32)>,
    last_actor: u64,
    history_len: u64,
    history: u64,
}

impl ItemDigest {
    fn of(s: &StoredItem) -> ItemDigest {
        let it = &s.item;
        let mut history = 0;
        for &seq in &s.history {
            history = mix(history, seq);
        }
        ItemDigest {
            self_seq: s.self_seq,
            self_score: it.self_assessment.as_ref().map(|a| a.score),
            survey: it.survey,
            appraisal_seq: s.appraisal_seq,
            appraisal: if s.appraisal_seq == 0 {
                0
            } else {
                appraisal_hash(&it.appraisal)
            },
            version: it.version,
            last_seq: it.last.as_ref().map_or(0, |t| t.seq),
            last_at: it.last.as_ref().map(|t| time_key(t.at)),
            last_actor: it.last.as_ref().map_or(0, |t| h64(&t.actor)),
            history_len: s.history.len() as u64,
            history,
        }
    }

    /// The first field that differs, for the message.
    fn difference(&self, stored: &ItemDigest) -> &'static str {
        if self.version != stored.version {
            "version"
        } else if self.self_seq != stored.self_seq || self.self_score != stored.self_score {
            "self-assessment"
        } else if self.survey != stored.survey {
            "survey points"
        } else if self.appraisal_seq != stored.appraisal_seq || self.appraisal != stored.appraisal {
            "appraisal"
        } else if self.last_seq != stored.last_seq
            || self.last_at != stored.last_at
            || self.last_actor != stored.last_actor
        {
            "last change"
        } else {
            "history"
        }
    }
}

fn time_key(t: Timestamp) -> (i64, i32) {
    (t.as_second(), t.subsec_nanosecond())
}

fn appraisal_hash(a: &domain::Appraisal) -> u64 {
    let mut item = domain::Item::new(domain::ItemKey::new(0, "", ""));
    item.appraisal = a.clone();
    item.clear_text();
    let mut w = Writer::default();
    body::appraisal_to(&mut w, &item.appraisal);
    h64(&w.buf)
}

fn item_hash(year: u16, unit: &str, leaf: &str) -> u64 {
    h64((year, unit, leaf))
}

/// Who finalized a unit: (actor hash, time, seq).
type Finalized = Option<(u64, (i64, i32), u64)>;

/// A unit's state in a few words: who finalized it, its history's length and hash.
type UnitDigest = (Finalized, u64, u64);

/// The replayed state, in digests.
#[derive(Default)]
struct Replay {
    /// Keyed by a hash of (year, unit, leaf): the key is a hash already, not hashed again.
    items: HashMap<u64, ItemDigest, BuildHasherDefault<KeyIsHash>>,
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
    /// Per user: events and a hash of their seqs (order-free), as the by-user index must cover.
    users: BTreeMap<String, (u64, u64)>,
}

impl Replay {
    fn unit_event(&mut self, year: u16, unit: String, seq: u64, fin: Finalized) {
        let u = self.units.entry((year, unit)).or_default();
        u.0 = fin;
        u.1 += 1;
        u.2 = mix(u.2, seq);
    }

    /// Replay one event's body and give its time; `Err` names what is wrong with it.
    fn apply(&mut self, seq: u64, bytes: &[u8]) -> Result<Timestamp, String> {
        let v = body::view(bytes).map_err(|e| format!("its content cannot be read: {e}"))?;
        if v.head.seq != seq {
            return Err(format!("its content says it is event {}", v.head.seq));
        }
        let actor = v.head.actor;
        let (n, h) = self.users.entry(actor.to_string()).or_default();
        *n += 1;
        *h = h.wrapping_add(h64(seq));
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
                let d = self.items.entry(item_hash(year, unit, leaf)).or_default();
                if version != d.version + 1 {
                    return Err(format!(
                        "item {year}/{unit}/{leaf} goes from version {} to {version}",
                        d.version
                    ));
                }
                match part {
                    ItemPart::SelfAssessment => {
                        if before_seq != d.self_seq {
                            return Err(format!(
                                "it names event {before_seq} as the item's previous \
                                 self-assessment, which is event {}",
                                d.self_seq
                            ));
                        }
                        let mut r = Reader::new(after);
                        d.self_score = Some(r.points().map_err(|e| e.to_string())?);
                        d.self_seq = seq;
                    }
                    ItemPart::Survey => {
                        if survey_before != d.survey {
                            return Err("its survey points before are not the item's".into());
                        }
                        let mut r = Reader::new(after);
                        d.survey = Some(r.points().map_err(|e| e.to_string())?);
                    }
                    ItemPart::Appraisal => {
                        if before_seq != d.appraisal_seq {
                            return Err(format!(
                                "it names event {before_seq} as the item's previous appraisal, \
                                 which is event {}",
                                d.appraisal_seq
                            ));
                        }
                        let mut r = Reader::new(after);
                        let a = body::appraisal_from(&mut r).map_err(|e| e.to_string())?;
                        d.appraisal = appraisal_hash(&a);
                        d.appraisal_seq = seq;
                    }
                }
                d.version = version;
                d.last_seq = seq;
                d.last_at = Some(time_key(v.head.at));
                d.last_actor = h64(actor);
                d.history_len += 1;
                d.history = mix(d.history, seq);
            }
            ViewChange::Other(change) => match *change {
                Change::UnitFinalized { year, unit } => {
                    let fin = (h64(actor), time_key(v.head.at), seq);
                    self.unit_event(year, unit, seq, Some(fin));
                }
                Change::UnitReopened { year, unit } => self.unit_event(year, unit, seq, None),
                Change::MemberChanged {
                    user,
                    before,
                    after,
                } => {
                    if before != self.members.get(&user).copied() {
                        return Err(format!(
                            "the role of {user} before it is not the stored one"
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
                    self.years.insert(year, h64(state::encode_year(&data)));
                }
                Change::ResultsPublished {
                    year,
                    before,
                    after,
                } => {
                    let now = self.results.get(&year).copied();
                    if before.map(|b| h64(state::encode_published(&b))) != now {
                        return Err(format!(
                            "the published results of {year} before it are not the stored ones"
                        ));
                    }
                    self.results
                        .insert(year, h64(state::encode_published(&after)));
                }
                Change::ResponsesImported { year, batch } => {
                    self.responses.insert(
                        layout::responses_key(year, seq),
                        h64(state::encode_batch(&batch)),
                    );
                }
                Change::RoundChanged {
                    year,
                    number,
                    after,
                    ..
                } => {
                    self.rounds
                        .insert((year, number), h64(state::encode_round(&after)));
                }
                Change::OfficialChanged { year, after, .. } => {
                    self.officials
                        .insert(year, h64(state::encode_official(&after)));
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
}

/// Check the journal record by record and replay it. Stops at the first problem (what follows
/// cannot be trusted): the report names it.
fn check_journal(journal: &Journal, report: &mut VerifyReport) -> Replay {
    let mut replay = Replay::default();
    let mut prev = [0u8; 32];
    let mut last_at: Option<Timestamp> = None;
    for (expected, rec) in (1u64..).zip(journal.records_from(1)) {
        let checked = rec.map_err(|e| e.to_string()).and_then(|rec| {
            if rec.seq != expected {
                return Err(format!(
                    "record {} stands where event {expected} should",
                    rec.seq
                ));
            }
            if chain_hash(&prev, &rec.body) != rec.hash {
                return Err(
                    "its hash does not match its content and the previous event's hash \
                            (it was altered)"
                        .into(),
                );
            }
            let at = replay.apply(rec.seq, &rec.body)?;
            if last_at.is_some_and(|t| at < t) {
                return Err(format!(
                    "its time {at} is earlier than the time of the event before it"
                ));
            }
            last_at = Some(at);
            Ok(rec)
        });
        match checked {
            Ok(rec) => {
                prev = rec.hash;
                report.events = rec.seq;
                report.seal = Seal {
                    seq: rec.seq,
                    hash: rec.hash,
                };
            }
            Err(why) => {
                report.first_bad_event = Some((expected, english(why)));
                break;
            }
        }
    }
    replay
}

impl Store {
    /// Check the journal and compare the state with its replay. Problems are reported, not
    /// returned as errors. Commits wait while it runs.
    pub(crate) fn verify_reference(&self) -> Result<VerifyReport, StoreError> {
        let _tip = self.lock_tip();
        let journal = self.journal_read();
        let mut report = VerifyReport::default();
        let replay = check_journal(&journal, &mut report);
        let (head, head_hash) = journal.head();
        drop(journal);
        if report.first_bad_event.is_none() && report.events != head {
            report.first_bad_event = Some((
                report.events + 1,
                english(format!(
                    "the journal's head is event {head}, but only {} could be read",
                    report.events
                )),
            ));
        }
        if report.first_bad_event.is_none() {
            if report.seal.hash != head_hash && head > 0 {
                report.first_bad_event = Some((head, english("the journal's head hash changed")));
            }
            self.check_state_into_ref(replay, &mut report);
        }
        Ok(report)
    }

    /// Compare the state with the replayed journal into `report`. A state that has recorded
    /// events the journal no longer holds means the journal lost them: that is reported as
    /// damage to the journal (restore from a backup), never as a state to rebuild. A state that
    /// cannot be read is a state mismatch (rebuild it).
    fn check_state_into_ref(&self, replay: Replay, report: &mut VerifyReport) {
        if let Some(applied) = self.applied_seq_ref()
            && applied > report.events
        {
            report.first_bad_event = Some((
                report.events + 1,
                english(format!(
                    "the journal ends at event {}, but the state had recorded event {applied}: \
                     the journal lost events {}–{applied}",
                    report.events,
                    report.events + 1
                )),
            ));
            return;
        }
        match self.compare_state_ref(replay, &mut report.items_checked) {
            Ok(m) => report.first_state_mismatch = m.map(english),
            Err(e) => report.first_state_mismatch = Some(english(super::store_said(&e).en)),
        }
        report.state_checked = true;
    }

    /// The seq sled has applied, if it can be read.
    fn applied_seq_ref(&self) -> Option<u64> {
        let v = self.tree().ok()?.get(layout::APPLIED_KEY).ok()??;
        state::decode_applied(&v).ok().map(|a| a.seq)
    }

    /// Verify a store no server is serving: the journal read directly (never changed), and the
    /// state compared when sled can be opened. For a store too damaged to serve.
    pub(crate) fn verify_offline_reference(dir: &Path) -> Result<VerifyReport, StoreError> {
        if !Store::exists(dir) {
            return Err(Store::not_found(dir));
        }
        let lock = lock::take(dir)?;
        let mut report = VerifyReport::default();
        if !layout::journal_dir(dir).exists() {
            // No record at all. A store of the previous layout is moved into a journal when it
            // is first served; a store of this layout has lost its journal.
            let (_, state, _) = crate::open_sled(dir)?;
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
                english(format!(
                    "the journal folder is missing; the state had recorded {applied} events: the \
                     journal lost events 1–{applied}"
                )),
            ));
            return Ok(report);
        }
        let (journal, opened) = match Journal::open(&layout::journal_dir(dir), OpenMode::ReadOnly) {
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
                    english(format!("{what} (journal/{file}, byte {offset})")),
                ));
                return Ok(report);
            }
            Err(e) => return Err(StoreError::journal(dir, e)),
        };
        let replay = check_journal(&journal, &mut report);
        if report.first_bad_event.is_none()
            && let Some(torn) = &opened.torn
        {
            let (_, en) = super::torn_said(dir, journal.head().0);
            report.first_bad_event =
                Some((report.events + 1, english(format!("{} ({en})", torn.what))));
        }
        if report.first_bad_event.is_some() {
            return Ok(report);
        }
        // The state as it is (nothing applied, nothing rebuilt), if sled opens.
        match crate::open_sled(dir) {
            Ok((db, state, drafts)) => {
                let store = Store::assemble(
                    dir,
                    lock,
                    db,
                    state,
                    drafts,
                    journal,
                    crate::OpenReport::default(),
                );
                store.check_state_into_ref(replay, &mut report);
            }
            Err(e) => {
                report.first_state_mismatch = Some(english(super::store_said(&e).en));
            }
        }
        Ok(report)
    }

    /// Compare sled with the replayed digests; the first difference, if any.
    fn compare_state_ref(
        &self,
        mut replay: Replay,
        checked: &mut u64,
    ) -> Result<Option<String>, StoreError> {
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
                return Ok(Some(format!(
                    "the state has applied event {}, the journal's head is {head}",
                    a.seq
                )));
            }
            Some(a) if a.hash != head_hash => {
                return Ok(Some(format!(
                    "the state was built from another history: its event {} has another hash \
                     than the journal's",
                    a.seq
                )));
            }
            None if head > 0 => return Ok(Some("the state has no applied seq".into())),
            _ => {}
        }
        // Items.
        for r in Chunked::prefix(&self.tree()?, layout::ITEMS_PREFIX.as_bytes()) {
            let (k, v) = r.map_err(|e| self.sled_err(e))?;
            let name = String::from_utf8_lossy(&k).into_owned();
            let Some((year, unit)) = layout::parse_group_key(&k) else {
                return Ok(Some(format!("state key {name} is not an item group")));
            };
            let group = match state::decode_group(&v, year, unit, &name) {
                Ok(g) => g,
                Err(e) => return Ok(Some(super::store_said(&e).en)),
            };
            for s in group {
                *checked += 1;
                let key = &s.item.key;
                let id = item_hash(key.year, &key.unit, &key.leaf);
                let stored = ItemDigest::of(&s);
                match replay.items.remove(&id) {
                    None => {
                        return Ok(Some(format!(
                            "item {} is in the state but no event changed it",
                            layout::item_key(key)
                        )));
                    }
                    Some(d) if d != stored => {
                        return Ok(Some(format!(
                            "item {}: the stored {} is not the journal's (stored version {}, \
                             journal version {})",
                            layout::item_key(key),
                            d.difference(&stored),
                            stored.version,
                            d.version
                        )));
                    }
                    Some(_) => {}
                }
            }
        }
        if let Some(d) = replay.items.values().min_by_key(|d| d.last_seq) {
            return Ok(Some(format!(
                "{} item(s) are missing from the state, the first changed by event {}",
                replay.items.len(),
                d.last_seq
            )));
        }
        // Units.
        let mut units = BTreeMap::new();
        for r in Chunked::prefix(&self.tree()?, layout::UNITS_PREFIX.as_bytes()) {
            let (k, v) = r.map_err(|e| self.sled_err(e))?;
            let name = String::from_utf8_lossy(&k).into_owned();
            let u = match state::decode_unit(&v, &name) {
                Ok(u) => u,
                Err(e) => return Ok(Some(super::store_said(&e).en)),
            };
            let rest = &name[layout::UNITS_PREFIX.len()..];
            let Some((y, unit)) = rest.split_once('/') else {
                return Ok(Some(format!("state key {name} is not a unit")));
            };
            let year: u16 = y.parse().unwrap_or_default();
            let mut h = 0;
            for &seq in &u.history {
                h = mix(h, seq);
            }
            let fin = u
                .state
                .finalized
                .as_ref()
                .map(|t| (h64(&t.actor), time_key(t.at), t.seq));
            units.insert((year, unit.to_string()), (fin, u.history.len() as u64, h));
        }
        if units != replay.units {
            return Ok(Some(first_diff("unit", &units, &replay.units)));
        }
        // Members, years, rounds.
        let members: BTreeMap<String, Role> = self
            .members()?
            .into_iter()
            .map(|m| (m.user, m.role))
            .collect();
        if members != replay.members {
            return Ok(Some(first_diff("member", &members, &replay.members)));
        }
        let mut years = BTreeMap::new();
        for year in self.years()? {
            if let Some(y) = self.year_data(year)? {
                years.insert(year, h64(state::encode_year(&y)));
            }
        }
        if years != replay.years {
            return Ok(Some(first_diff("year", &years, &replay.years)));
        }
        let mut rounds = BTreeMap::new();
        for year in replay
            .years
            .keys()
            .chain(years.keys())
            .copied()
            .collect::<std::collections::BTreeSet<_>>()
        {
            for r in self.rounds(year)? {
                rounds.insert((r.year, r.number), h64(state::encode_round(&r)));
            }
        }
        if rounds != replay.rounds {
            return Ok(Some(first_diff("round", &rounds, &replay.rounds)));
        }
        let officials: BTreeMap<u16, u64> = self
            .officials()?
            .iter()
            .map(|o| (o.year, h64(state::encode_official(o))))
            .collect();
        if officials != replay.officials {
            return Ok(Some(first_diff("official", &officials, &replay.officials)));
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
                "assignment",
                &assignments,
                &replay.assignments,
            )));
        }
        if enforced != replay.enforced {
            return Ok(Some(first_diff(
                "assignment enforcement",
                &enforced,
                &replay.enforced,
            )));
        }
        let mut results = BTreeMap::new();
        for year in self.published_years()? {
            if let Some(p) = self.published(year)? {
                results.insert(year, h64(state::encode_published(&p)));
            }
        }
        if results != replay.results {
            return Ok(Some(first_diff("results", &results, &replay.results)));
        }
        let responses: BTreeMap<String, u64> = self
            .all_responses()?
            .into_iter()
            .map(|(k, b)| (k, h64(state::encode_batch(&b))))
            .collect();
        if responses != replay.responses {
            return Ok(Some(first_diff("responses", &responses, &replay.responses)));
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
                return Ok(Some("a by-user index entry cannot be read".into()));
            };
            let user = String::from_utf8_lossy(&rest[..rest.len().saturating_sub(9)]).into_owned();
            let e = users.entry(user).or_default();
            for seq in first..=last.min(head) {
                e.0 += 1;
                e.1 = e.1.wrapping_add(h64(seq));
            }
        }
        if users != replay.users {
            return Ok(Some(first_diff("user index of", &users, &replay.users)));
        }
        Ok(None)
    }
}

/// The first key whose value differs between the stored and the replayed map.
fn first_diff<K: Ord + std::fmt::Debug, V: PartialEq>(
    what: &str,
    stored: &BTreeMap<K, V>,
    replayed: &BTreeMap<K, V>,
) -> String {
    for (k, v) in replayed {
        match stored.get(k) {
            None => return format!("{what} {k:?} is missing from the state"),
            Some(s) if s != v => return format!("{what} {k:?} differs from the journal"),
            _ => {}
        }
    }
    for k in stored.keys() {
        if !replayed.contains_key(k) {
            return format!("{what} {k:?} is in the state but no event made it");
        }
    }
    format!("{what}s differ")
}

/// The previous release wrote its reports in English only: its text stands for both languages
/// (the tests compare the reports' English).
fn english(s: impl Into<String>) -> l10n::Said {
    let s = s.into();
    l10n::Said::new(s.clone(), s)
}
