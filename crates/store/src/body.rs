//! The canonical bytes of an event body: what the journal stores and the hash chain covers.
//!
//! Compact and binary (see `wire`). An item event does not repeat the value it replaced: a
//! self-assessment or an appraisal names the event whose `after` it replaced (`before_seq`, 0
//! when the item had none), so a justification is stored once, not twice in every change.
//! Decoding gives the domain's `EventBody` with that `before` still to be filled in from the
//! event it names ([`Decoded::before`]); the store does that when it reads events.
//!
//! Layout (format 1): format byte, seq, time, actor, command, reason, then a change tag and
//! its fields. Tags and field order are fixed forever; a new change gets a new tag, a changed
//! layout a new format byte.

use jiff::Timestamp;

use domain::item::{Council, CouncilDecision, Dispute, Evidence};
use domain::official::{Approval, Official, Reopening, Stage};
use domain::{
    Appraisal, Change, EventBody, ItemKey, NewEvent, Outcome, Points, Published, PublishedAverage,
    PublishedRow, ResponseBatch, Role, Round, RoundScope, SelfAssessment, Status, UnitTally,
};

use super::wire::{Reader, WireError, Writer};

/// Format byte in front of every body.
pub(crate) const BODY_FORMAT: u8 = 1;

mod tag {
    pub const YEAR_OPENED: u8 = 1;
    pub const SELF_ASSESSED: u8 = 2;
    pub const SURVEY_SCORED: u8 = 3;
    pub const APPRAISED: u8 = 4;
    pub const UNIT_FINALIZED: u8 = 5;
    pub const UNIT_REOPENED: u8 = 6;
    pub const MEMBER_CHANGED: u8 = 7;
    pub const ROUND_CHANGED: u8 = 8;
    pub const OFFICIAL_CHANGED: u8 = 16;
    pub const ASSIGNMENT_CHANGED: u8 = 9;
    pub const ASSIGNMENTS_ENFORCED: u8 = 10;
    pub const RESULTS_PUBLISHED: u8 = 11;
    pub const RESPONSES_IMPORTED: u8 = 12;
}

/// Which part of an item an event's `before` is: what `before_seq` refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Part {
    SelfAssessment,
    Appraisal,
}

/// The canonical bytes of one event. `before_seq` is the seq of the event whose `after` the
/// change's `before` is (self-assessment and appraisal changes; 0 when the item had none,
/// ignored for other changes).
pub(crate) fn encode(seq: u64, at: Timestamp, ev: &NewEvent, before_seq: u64) -> Vec<u8> {
    let mut w = Writer::with_capacity(128);
    w.u8(BODY_FORMAT);
    w.uvar(seq);
    w.time(at);
    w.str(&ev.actor);
    w.str(&ev.command);
    w.str(&ev.reason);
    match &ev.change {
        Change::YearOpened {
            year,
            framework_toml,
            framework_file,
            units_toml,
            units_file,
            from_year,
        } => {
            w.u8(tag::YEAR_OPENED);
            w.uvar(u64::from(*year));
            w.str(framework_toml);
            w.str(framework_file);
            w.str(units_toml);
            w.str(units_file);
            w.opt(*from_year, |w, y| w.uvar(u64::from(y)));
        }
        Change::SelfAssessed {
            key,
            version,
            after,
            ..
        } => {
            w.u8(tag::SELF_ASSESSED);
            key_to(&mut w, key);
            w.uvar(*version);
            w.uvar(before_seq);
            self_assessment_to(&mut w, after);
        }
        Change::SurveyScored {
            key,
            version,
            before,
            after,
        } => {
            w.u8(tag::SURVEY_SCORED);
            key_to(&mut w, key);
            w.uvar(*version);
            w.opt(*before, |w, p| w.points(p));
            w.points(*after);
        }
        Change::Appraised {
            key,
            version,
            after,
            ..
        } => {
            w.u8(tag::APPRAISED);
            key_to(&mut w, key);
            w.uvar(*version);
            w.uvar(before_seq);
            appraisal_to(&mut w, after);
        }
        Change::UnitFinalized { year, unit } => {
            w.u8(tag::UNIT_FINALIZED);
            w.uvar(u64::from(*year));
            w.str(unit);
        }
        Change::UnitReopened { year, unit } => {
            w.u8(tag::UNIT_REOPENED);
            w.uvar(u64::from(*year));
            w.str(unit);
        }
        Change::MemberChanged {
            user,
            before,
            after,
        } => {
            w.u8(tag::MEMBER_CHANGED);
            w.str(user);
            w.opt(*before, |w, r| w.u8(role_code(r)));
            w.opt(*after, |w, r| w.u8(role_code(r)));
        }
        Change::RoundChanged {
            year,
            number,
            before,
            after,
        } => {
            w.u8(tag::ROUND_CHANGED);
            w.uvar(u64::from(*year));
            w.uvar(u64::from(*number));
            w.opt(before.as_ref(), round_to);
            round_to(&mut w, after);
        }
        Change::OfficialChanged {
            year,
            before,
            after,
        } => {
            w.u8(tag::OFFICIAL_CHANGED);
            w.uvar(u64::from(*year));
            w.opt(before.as_ref(), official_to);
            official_to(&mut w, after);
        }
        Change::AssignmentChanged {
            year,
            unit,
            area,
            before,
            after,
        } => {
            w.u8(tag::ASSIGNMENT_CHANGED);
            w.uvar(u64::from(*year));
            w.str(unit);
            w.opt(area.as_deref(), |w, a| w.str(a));
            w.opt(before.as_deref(), |w, u| w.str(u));
            w.opt(after.as_deref(), |w, u| w.str(u));
        }
        Change::AssignmentsEnforced {
            year,
            before,
            after,
        } => {
            w.u8(tag::ASSIGNMENTS_ENFORCED);
            w.uvar(u64::from(*year));
            w.bool(*before);
            w.bool(*after);
        }
        Change::ResultsPublished {
            year,
            before,
            after,
        } => {
            w.u8(tag::RESULTS_PUBLISHED);
            w.uvar(u64::from(*year));
            w.opt(before.as_ref(), published_to);
            published_to(&mut w, after);
        }
        Change::ResponsesImported { year, batch } => {
            w.u8(tag::RESPONSES_IMPORTED);
            w.uvar(u64::from(*year));
            batch_to(&mut w, batch);
        }
    }
    w.buf
}

/// A decoded body whose item `before` may still have to be filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Decoded {
    /// The body; an item change's `before` is `None` / the default appraisal until filled.
    pub body: EventBody,
    /// What the `before` is: the part and the seq of the event whose `after` it is (0: none,
    /// and the placeholder is the right value).
    pub before: Option<(Part, u64)>,
}

impl Decoded {
    /// Fill in the `before` of a self-assessment change.
    pub fn set_self_before(&mut self, value: Option<SelfAssessment>) {
        if let Change::SelfAssessed { before, .. } = &mut self.body.change {
            *before = value;
        }
    }

    /// Fill in the `before` of an appraisal change.
    pub fn set_appraisal_before(&mut self, value: Appraisal) {
        if let Change::Appraised { before, .. } = &mut self.body.change {
            *before = value;
        }
    }
}

/// Decode the canonical bytes of an event.
pub(crate) fn decode(bytes: &[u8]) -> Result<Decoded, WireError> {
    let mut r = Reader::new(bytes);
    let head = head(&mut r)?;
    let (change, before) = match r.u8()? {
        tag::YEAR_OPENED => (
            Change::YearOpened {
                year: r.u16var()?,
                framework_toml: r.string()?,
                framework_file: r.string()?,
                units_toml: r.string()?,
                units_file: r.string()?,
                from_year: r.opt(|r| r.u16var())?,
            },
            None,
        ),
        tag::SELF_ASSESSED => {
            let key = key_from(&mut r)?;
            let version = r.uvar()?;
            let before_seq = r.uvar()?;
            let after = self_assessment_from(&mut r)?;
            (
                Change::SelfAssessed {
                    key,
                    version,
                    before: None,
                    after,
                },
                Some((Part::SelfAssessment, before_seq)),
            )
        }
        tag::SURVEY_SCORED => (
            Change::SurveyScored {
                key: key_from(&mut r)?,
                version: r.uvar()?,
                before: r.opt(|r| r.points())?,
                after: r.points()?,
            },
            None,
        ),
        tag::APPRAISED => {
            let key = key_from(&mut r)?;
            let version = r.uvar()?;
            let before_seq = r.uvar()?;
            let after = appraisal_from(&mut r)?;
            (
                Change::Appraised {
                    key,
                    version,
                    before: Appraisal::default(),
                    after,
                },
                Some((Part::Appraisal, before_seq)),
            )
        }
        tag::UNIT_FINALIZED => (
            Change::UnitFinalized {
                year: r.u16var()?,
                unit: r.string()?,
            },
            None,
        ),
        tag::UNIT_REOPENED => (
            Change::UnitReopened {
                year: r.u16var()?,
                unit: r.string()?,
            },
            None,
        ),
        tag::MEMBER_CHANGED => (
            Change::MemberChanged {
                user: r.string()?,
                before: r.opt(role_from)?,
                after: r.opt(role_from)?,
            },
            None,
        ),
        tag::ROUND_CHANGED => (
            Change::RoundChanged {
                year: r.u16var()?,
                number: r.u32var()?,
                before: r.opt(round_from)?,
                after: round_from(&mut r)?,
            },
            None,
        ),
        tag::OFFICIAL_CHANGED => (
            Change::OfficialChanged {
                year: r.u16var()?,
                before: r.opt(official_from)?,
                after: official_from(&mut r)?,
            },
            None,
        ),
        tag::ASSIGNMENT_CHANGED => (
            Change::AssignmentChanged {
                year: r.u16var()?,
                unit: r.string()?,
                area: r.opt(|r| r.string())?,
                before: r.opt(|r| r.string())?,
                after: r.opt(|r| r.string())?,
            },
            None,
        ),
        tag::ASSIGNMENTS_ENFORCED => (
            Change::AssignmentsEnforced {
                year: r.u16var()?,
                before: r.bool()?,
                after: r.bool()?,
            },
            None,
        ),
        tag::RESULTS_PUBLISHED => (
            Change::ResultsPublished {
                year: r.u16var()?,
                before: r.opt(published_from)?,
                after: published_from(&mut r)?,
            },
            None,
        ),
        tag::RESPONSES_IMPORTED => (
            Change::ResponsesImported {
                year: r.u16var()?,
                batch: batch_from(&mut r)?,
            },
            None,
        ),
        t => return Err(r.err(format!("unknown change {t}"))),
    };
    r.end()?;
    Ok(Decoded {
        body: EventBody {
            seq: head.seq,
            at: head.at,
            actor: head.actor.to_string(),
            command: head.command.to_string(),
            change,
            reason: head.reason.to_string(),
        },
        before,
    })
}

/// The part of a body before its change.
pub(crate) struct Head<'a> {
    pub seq: u64,
    pub at: Timestamp,
    pub actor: &'a str,
    pub command: &'a str,
    pub reason: &'a str,
}

fn head<'a>(r: &mut Reader<'a>) -> Result<Head<'a>, WireError> {
    let f = r.u8()?;
    if f != BODY_FORMAT {
        return Err(r.err(format!("unknown body format {f}")));
    }
    Ok(Head {
        seq: r.uvar()?,
        at: r.time()?,
        actor: r.str()?,
        command: r.str()?,
        reason: r.str()?,
    })
}

/// What `verify` needs of an event, read without building the domain values: its head and, for
/// an item change, the key, the version, what `before` refers to and the bytes of the `after`
/// value (compared with the stored state by their hash). Every byte is still checked.
pub(crate) struct View<'a> {
    pub head: Head<'a>,
    pub change: ViewChange<'a>,
}

pub(crate) enum ViewChange<'a> {
    Item {
        part: ItemPart,
        year: u16,
        unit: &'a str,
        leaf: &'a str,
        version: u64,
        /// `before_seq` for a self-assessment or appraisal; 0 for survey points.
        before_seq: u64,
        /// Survey points: the `before` as written.
        survey_before: Option<Points>,
        /// The encoded `after` value.
        after: &'a [u8],
    },
    /// Any other change, decoded (rare: boxed so the common item view stays small).
    Other(Box<Change>),
}

/// The three parts of an item an event can change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ItemPart {
    SelfAssessment,
    Survey,
    Appraisal,
}

pub(crate) fn view(bytes: &[u8]) -> Result<View<'_>, WireError> {
    let mut r = Reader::new(bytes);
    let head = head(&mut r)?;
    let t = r.u8()?;
    let item = match t {
        tag::SELF_ASSESSED => Some(ItemPart::SelfAssessment),
        tag::SURVEY_SCORED => Some(ItemPart::Survey),
        tag::APPRAISED => Some(ItemPart::Appraisal),
        _ => None,
    };
    let change = match item {
        Some(part) => {
            let year = r.u16var()?;
            let unit = r.str()?;
            let leaf = r.str()?;
            let version = r.uvar()?;
            let (before_seq, survey_before) = match part {
                ItemPart::Survey => (0, r.opt(|r| r.points())?),
                _ => (r.uvar()?, None),
            };
            let start = r.pos();
            match part {
                ItemPart::SelfAssessment => skip_self_assessment(&mut r)?,
                ItemPart::Survey => {
                    r.points()?;
                }
                ItemPart::Appraisal => skip_appraisal(&mut r)?,
            }
            let after = &bytes[start..r.pos()];
            ViewChange::Item {
                part,
                year,
                unit,
                leaf,
                version,
                before_seq,
                survey_before,
                after,
            }
        }
        None => {
            // Rare and small: decode the whole body.
            let d = decode(bytes)?;
            return Ok(View {
                head,
                change: ViewChange::Other(Box::new(d.body.change)),
            });
        }
    };
    r.end()?;
    Ok(View { head, change })
}

fn key_to(w: &mut Writer, k: &ItemKey) {
    w.uvar(u64::from(k.year));
    w.str(&k.unit);
    w.str(&k.leaf);
}

fn key_from(r: &mut Reader<'_>) -> Result<ItemKey, WireError> {
    Ok(ItemKey {
        year: r.u16var()?,
        unit: r.string()?,
        leaf: r.string()?,
    })
}

/// A self-assessment's canonical bytes (also how the store keeps it).
pub(crate) fn self_assessment_to(w: &mut Writer, s: &SelfAssessment) {
    w.points(s.score);
    w.str(&s.note);
    w.uvar(s.evidence.len() as u64);
    for e in &s.evidence {
        w.str(&e.number);
        w.str(&e.title);
        w.str(&e.date);
        w.str(&e.link);
    }
}

pub(crate) fn self_assessment_from(r: &mut Reader<'_>) -> Result<SelfAssessment, WireError> {
    let score = r.points()?;
    let note = r.string()?;
    let n = r.uvar()?;
    let mut evidence = Vec::new();
    for _ in 0..n {
        evidence.push(Evidence {
            number: r.string()?,
            title: r.string()?,
            date: r.string()?,
            link: r.string()?,
        });
    }
    Ok(SelfAssessment {
        score,
        note,
        evidence,
    })
}

fn skip_self_assessment(r: &mut Reader<'_>) -> Result<(), WireError> {
    r.points()?;
    r.skip_str()?;
    for _ in 0..r.uvar()? {
        for _ in 0..4 {
            r.skip_str()?;
        }
    }
    Ok(())
}

/// An appraisal's canonical bytes (also how the store keeps it).
pub(crate) fn appraisal_to(w: &mut Writer, a: &Appraisal) {
    w.opt(a.proposed, |w, p| w.points(p));
    w.str(&a.justification);
    w.u8(status_code(a.status));
    w.str(&a.request);
    w.opt(a.dispute.as_ref(), |w, d| {
        w.str(&d.explanation);
        w.str(&d.document);
        w.opt(d.claimed, |w, p| w.points(p));
        w.date(d.received);
        w.uvar(u64::from(d.round));
        w.bool(d.late);
        w.opt(d.outcome, |w, o| w.u8(outcome_code(o)));
        w.str(&d.response);
    });
    w.opt(a.council.as_ref(), |w, c| {
        w.str(&c.reason);
        w.opt(c.decision.as_ref(), |w, d| {
            w.points(d.score);
            w.str(&d.text);
            w.str(&d.minutes);
        });
    });
}

pub(crate) fn appraisal_from(r: &mut Reader<'_>) -> Result<Appraisal, WireError> {
    Ok(Appraisal {
        proposed: r.opt(|r| r.points())?,
        justification: r.string()?,
        status: status_from(r)?,
        request: r.string()?,
        dispute: r.opt(|r| {
            Ok(Dispute {
                explanation: r.string()?,
                document: r.string()?,
                claimed: r.opt(|r| r.points())?,
                received: r.date()?,
                round: r.u32var()?,
                late: r.bool()?,
                outcome: r.opt(outcome_from)?,
                response: r.string()?,
            })
        })?,
        council: r.opt(|r| {
            Ok(Council {
                reason: r.string()?,
                decision: r.opt(|r| {
                    Ok(CouncilDecision {
                        score: r.points()?,
                        text: r.string()?,
                        minutes: r.string()?,
                    })
                })?,
            })
        })?,
    })
}

fn skip_appraisal(r: &mut Reader<'_>) -> Result<(), WireError> {
    skim_appraisal(r, None)
}

/// Where the texts of a value being skimmed go: nowhere, or replaced by empty texts in `out`.
struct Skim<'o> {
    out: Option<&'o mut Vec<u8>>,
    /// Start of the bytes not yet copied to `out`.
    mark: usize,
}

impl Skim<'_> {
    /// Read a text (checked as [`Reader::str`] checks it); `out` gets an empty text instead.
    fn text(&mut self, r: &mut Reader<'_>) -> Result<(), WireError> {
        let start = r.pos();
        r.skip_str()?;
        if let Some(out) = self.out.as_deref_mut() {
            out.extend_from_slice(r.read_between(self.mark, start));
            out.push(0);
        }
        self.mark = r.pos();
        Ok(())
    }

    fn finish(&mut self, r: &Reader<'_>) {
        if let Some(out) = self.out.as_deref_mut() {
            out.extend_from_slice(r.read_between(self.mark, r.pos()));
        }
        self.mark = r.pos();
    }
}

/// Read an appraisal as [`appraisal_from`] does — every field checked in the same order, with
/// the same errors — without building it; with `out`, append to it the appraisal's canonical
/// bytes without its texts: what [`appraisal_to`] writes of it once `Item::clear_text` has
/// emptied them (the encoding is canonical, so the bytes between the texts are the same).
pub(crate) fn skim_appraisal(
    r: &mut Reader<'_>,
    out: Option<&mut Vec<u8>>,
) -> Result<(), WireError> {
    let mut s = Skim { out, mark: r.pos() };
    r.opt(|r| r.points())?;
    s.text(r)?; // justification
    status_from(r)?;
    s.text(r)?; // request
    if r.bool()? {
        s.text(r)?; // explanation
        s.text(r)?; // document
        r.opt(|r| r.points())?;
        r.date()?;
        r.u32var()?;
        r.bool()?;
        r.opt(outcome_from)?;
        s.text(r)?; // response
    }
    if r.bool()? {
        s.text(r)?; // reason
        if r.bool()? {
            r.points()?;
            s.text(r)?; // text
            s.text(r)?; // minutes
        }
    }
    s.finish(r);
    Ok(())
}

pub(crate) fn round_to(w: &mut Writer, round: &Round) {
    w.uvar(u64::from(round.year));
    w.uvar(u64::from(round.number));
    w.date(round.opens);
    w.date(round.closes);
    w.u8(match round.scope {
        RoundScope::Lowered => 0,
        RoundScope::AnyDecision => 1,
    });
    w.uvar(round.units.len() as u64);
    for u in &round.units {
        w.str(u);
    }
    w.str(&round.note);
    w.bool(round.closed);
}

/// Published results (`import results`): the unit set's source, the file's name and hash, the
/// rows (unit, index, rank, areas) and the averages, in their order.
pub(crate) fn published_to(w: &mut Writer, p: &Published) {
    w.str(&p.units_toml);
    w.str(&p.units_file);
    w.str(&p.source_file);
    w.str(&p.source_sha256);
    w.uvar(p.rows.len() as u64);
    for row in &p.rows {
        w.str(&row.unit);
        w.points(row.index);
        w.opt(row.rank, |w, k| w.uvar(u64::from(k)));
        w.uvar(row.areas.len() as u64);
        for (code, pts) in &row.areas {
            w.str(code);
            w.points(*pts);
        }
    }
    w.uvar(p.averages.len() as u64);
    for a in &p.averages {
        w.str(&a.region);
        w.points(a.index);
    }
}

pub(crate) fn published_from(r: &mut Reader<'_>) -> Result<Published, WireError> {
    let units_toml = r.string()?;
    let units_file = r.string()?;
    let source_file = r.string()?;
    let source_sha256 = r.string()?;
    let mut rows = Vec::new();
    for _ in 0..r.uvar()? {
        let unit = r.string()?;
        let index = r.points()?;
        let rank = r.opt(|r| r.u32var())?;
        let mut areas = Vec::new();
        for _ in 0..r.uvar()? {
            areas.push((r.string()?, r.points()?));
        }
        rows.push(PublishedRow {
            unit,
            index,
            rank,
            areas,
        });
    }
    let mut averages = Vec::new();
    for _ in 0..r.uvar()? {
        averages.push(PublishedAverage {
            region: r.string()?,
            index: r.points()?,
        });
    }
    Ok(Published {
        units_toml,
        units_file,
        source_file,
        source_sha256,
        rows,
        averages,
    })
}

/// A batch of survey responses: its tallies and the respondents' hashes (issue 16).
pub(crate) fn batch_to(w: &mut Writer, b: &ResponseBatch) {
    w.str(&b.survey);
    w.uvar(u64::from(b.version));
    w.str(&b.file);
    w.str(&b.sha256);
    w.uvar(b.questions.len() as u64);
    for q in &b.questions {
        w.str(q);
    }
    w.u8(b.levels);
    w.uvar(b.units.len() as u64);
    for u in &b.units {
        w.str(&u.unit);
        w.uvar(u64::from(u.responses));
        for c in u.channels {
            w.uvar(u64::from(c));
        }
        // The counts' length follows from the questions and the levels.
        for c in &u.counts {
            w.uvar(u64::from(*c));
        }
    }
    w.uvar(b.respondents.len() as u64);
    for h in &b.respondents {
        w.bytes(h);
    }
}

pub(crate) fn batch_from(r: &mut Reader<'_>) -> Result<ResponseBatch, WireError> {
    let survey = r.string()?;
    let version = r.u32var()?;
    let file = r.string()?;
    let sha256 = r.string()?;
    let mut questions = Vec::new();
    for _ in 0..r.uvar()? {
        questions.push(r.string()?);
    }
    let levels = r.u8()?;
    let per = questions.len() * usize::from(levels);
    let mut units = Vec::new();
    for _ in 0..r.uvar()? {
        let unit = r.string()?;
        let responses = r.u32var()?;
        let channels = [r.u32var()?, r.u32var()?, r.u32var()?];
        let mut counts = Vec::new();
        for _ in 0..per {
            counts.push(r.u32var()?);
        }
        units.push(UnitTally {
            unit,
            responses,
            channels,
            counts,
        });
    }
    let mut respondents = Vec::new();
    for _ in 0..r.uvar()? {
        let mut h = [0u8; domain::sipas::RESPONDENT_HASH_BYTES];
        h.copy_from_slice(r.take(domain::sipas::RESPONDENT_HASH_BYTES)?);
        respondents.push(h);
    }
    let batch = ResponseBatch {
        survey,
        version,
        file,
        sha256,
        questions,
        levels,
        units,
        respondents,
    };
    // One encoding per value: units in code order, hashes sorted and distinct.
    batch.check().map_err(|e| r.err(e))?;
    Ok(batch)
}

pub(crate) fn round_from(r: &mut Reader<'_>) -> Result<Round, WireError> {
    let year = r.u16var()?;
    let number = r.u32var()?;
    let opens = r.date()?;
    let closes = r.date()?;
    let scope = match r.u8()? {
        0 => RoundScope::Lowered,
        1 => RoundScope::AnyDecision,
        s => return Err(r.err(format!("unknown round scope {s}"))),
    };
    let mut units = Vec::new();
    for _ in 0..r.uvar()? {
        units.push(r.string()?);
    }
    Ok(Round {
        year,
        number,
        opens,
        closes,
        scope,
        units,
        note: r.string()?,
        closed: r.bool()?,
    })
}

pub(crate) fn official_to(w: &mut Writer, o: &Official) {
    w.uvar(u64::from(o.year));
    w.u8(match o.stage {
        Stage::Approved => 0,
        Stage::Published => 1,
        Stage::Reopened => 2,
    });
    w.str(&o.approval.minutes);
    w.date(o.approval.date);
    w.uvar(o.approval.seal_seq);
    w.str(&o.approval.seal_hash);
    w.opt(o.first_approved, |w, d| w.date(d));
    w.opt(o.published, |w, d| w.date(d));
    w.uvar(u64::from(o.reopenings));
    w.opt(o.reopened.as_ref(), |w, r| {
        w.date(r.date);
        w.str(&r.reason);
    });
}

pub(crate) fn official_from(r: &mut Reader<'_>) -> Result<Official, WireError> {
    let year = r.u16var()?;
    let stage = match r.u8()? {
        0 => Stage::Approved,
        1 => Stage::Published,
        2 => Stage::Reopened,
        s => return Err(r.err(format!("unknown official stage {s}"))),
    };
    let approval = Approval {
        minutes: r.string()?,
        date: r.date()?,
        seal_seq: r.uvar()?,
        seal_hash: r.string()?,
    };
    Ok(Official {
        year,
        stage,
        approval,
        first_approved: r.opt(|r| r.date())?,
        published: r.opt(|r| r.date())?,
        reopenings: r.u32var()?,
        reopened: r.opt(|r| {
            Ok(Reopening {
                date: r.date()?,
                reason: r.string()?,
            })
        })?,
    })
}

pub(crate) fn role_code(r: Role) -> u8 {
    match r {
        Role::Lead => 0,
        Role::Appraiser => 1,
        Role::Auditor => 2,
    }
}

pub(crate) fn role_from(r: &mut Reader<'_>) -> Result<Role, WireError> {
    match r.u8()? {
        0 => Ok(Role::Lead),
        1 => Ok(Role::Appraiser),
        2 => Ok(Role::Auditor),
        c => Err(r.err(format!("unknown role {c}"))),
    }
}

fn status_code(s: Status) -> u8 {
    match s {
        Status::Pending => 0,
        Status::Agreed => 1,
        Status::Adjusted => 2,
        Status::NeedsInfo => 3,
        Status::Disputed => 4,
        Status::Resolved => 5,
        Status::Escalated => 6,
        Status::Decided => 7,
    }
}

fn status_from(r: &mut Reader<'_>) -> Result<Status, WireError> {
    Ok(match r.u8()? {
        0 => Status::Pending,
        1 => Status::Agreed,
        2 => Status::Adjusted,
        3 => Status::NeedsInfo,
        4 => Status::Disputed,
        5 => Status::Resolved,
        6 => Status::Escalated,
        7 => Status::Decided,
        c => return Err(r.err(format!("unknown status {c}"))),
    })
}

fn outcome_code(o: Outcome) -> u8 {
    match o {
        Outcome::Upheld => 0,
        Outcome::PartlyUpheld => 1,
        Outcome::Rejected => 2,
    }
}

fn outcome_from(r: &mut Reader<'_>) -> Result<Outcome, WireError> {
    Ok(match r.u8()? {
        0 => Outcome::Upheld,
        1 => Outcome::PartlyUpheld,
        2 => Outcome::Rejected,
        c => return Err(r.err(format!("unknown outcome {c}"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::Date;

    fn at() -> Timestamp {
        "2025-03-31T01:55:00Z".parse().unwrap()
    }

    fn new_event(change: Change) -> NewEvent {
        NewEvent {
            actor: "thu".into(),
            command: "adjust".into(),
            change,
            reason: String::new(),
        }
    }

    fn key() -> ItemKey {
        ItemKey::new(2024, "44", "3.2.1")
    }

    fn appraisal() -> Appraisal {
        Appraisal {
            proposed: Some(Points::from_hundredths(100)),
            justification: "Quyết định 2231/QĐ-UBND ban hành muộn 12 ngày; trừ 0,5 điểm.".into(),
            status: Status::Resolved,
            request: "Bổ sung văn bản".into(),
            dispute: Some(Dispute {
                explanation: "Đã ban hành đúng hạn".into(),
                document: "215/UBND-NC".into(),
                claimed: Some(Points::from_hundredths(150)),
                received: Date::new(2025, 3, 5).unwrap(),
                round: 1,
                late: true,
                outcome: Some(Outcome::PartlyUpheld),
                response: "Chấp nhận một phần".into(),
            }),
            council: Some(Council {
                reason: "Tỉnh không đồng ý".into(),
                decision: Some(CouncilDecision {
                    score: Points::from_hundredths(125),
                    text: "Giữ 1,25".into(),
                    minutes: "03/BB-HĐTĐ".into(),
                }),
            }),
        }
    }

    fn every_change() -> Vec<Change> {
        let round = Round {
            year: 2024,
            number: 2,
            opens: Date::new(2025, 3, 1).unwrap(),
            closes: Date::new(2025, 3, 31).unwrap(),
            scope: RoundScope::AnyDecision,
            units: vec!["44".into(), "45".into()],
            note: "Công văn 12/BNV-CCHC".into(),
            closed: false,
        };
        vec![
            Change::YearOpened {
                year: 2024,
                framework_toml: "[framework]\n".into(),
                framework_file: "f.toml".into(),
                units_toml: "[unit_set]\n".into(),
                units_file: "u.toml".into(),
                from_year: Some(2023),
            },
            Change::SelfAssessed {
                key: key(),
                version: 1,
                before: None,
                after: SelfAssessment {
                    score: Points::from_hundredths(150),
                    note: "Đã công bố trên cổng".into(),
                    evidence: vec![Evidence {
                        number: "12/KH-UBND".into(),
                        title: "Kế hoạch".into(),
                        date: "2024-01-10".into(),
                        link: "https://example.vn/a".into(),
                    }],
                },
            },
            Change::SurveyScored {
                key: ItemKey::new(2024, "44", "8.5.1"),
                version: 3,
                before: Some(Points::from_hundredths(201)),
                after: Points::from_hundredths(218),
            },
            Change::Appraised {
                key: key(),
                version: 4,
                before: Appraisal::default(),
                after: appraisal(),
            },
            Change::UnitFinalized {
                year: 2024,
                unit: "44".into(),
            },
            Change::UnitReopened {
                year: 2024,
                unit: "44".into(),
            },
            Change::MemberChanged {
                user: "an".into(),
                before: Some(Role::Auditor),
                after: Some(Role::Appraiser),
            },
            Change::RoundChanged {
                year: 2024,
                number: 2,
                before: Some(round.clone()),
                after: Round {
                    closed: true,
                    ..round
                },
            },
            {
                let approved = Official::approve(
                    None,
                    2024,
                    "15/BB-HĐTĐ".into(),
                    jiff::civil::date(2025, 3, 20),
                    domain::Seal {
                        seq: 4048,
                        hash: [7; 32],
                    },
                )
                .unwrap();
                let reopened = Official::reopen(
                    Some(&approved),
                    jiff::civil::date(2025, 5, 2),
                    "Sai sót điểm tiêu chí 1.3.1".into(),
                )
                .unwrap();
                Change::OfficialChanged {
                    year: 2024,
                    before: Some(approved),
                    after: reopened,
                }
            },
            Change::AssignmentChanged {
                year: 2024,
                unit: "44".into(),
                area: Some("3".into()),
                before: None,
                after: Some("an".into()),
            },
            Change::AssignmentChanged {
                year: 2024,
                unit: "44".into(),
                area: None,
                before: Some("an".into()),
                after: None,
            },
            Change::AssignmentsEnforced {
                year: 2024,
                before: false,
                after: true,
            },
            Change::ResultsPublished {
                year: 2023,
                before: None,
                after: published(),
            },
            Change::ResultsPublished {
                year: 2023,
                before: Some(published()),
                after: Published {
                    rows: vec![],
                    averages: vec![],
                    ..published()
                },
            },
            Change::ResponsesImported {
                year: 2024,
                batch: domain::ResponseBatch {
                    survey: "sipas-2024".into(),
                    version: 1,
                    file: "phieu.csv".into(),
                    sha256: "cd".repeat(32),
                    questions: vec!["A1".into(), "B1".into()],
                    levels: 5,
                    units: vec![
                        UnitTally {
                            unit: "01".into(),
                            responses: 3,
                            channels: [1, 2, 0],
                            counts: vec![0, 0, 1, 1, 1, 0, 1, 0, 0, 300],
                        },
                        UnitTally {
                            unit: "02".into(),
                            responses: 1,
                            channels: [0, 0, 1],
                            counts: vec![0; 10],
                        },
                    ],
                    respondents: vec![[1; 16], [2; 16], [9; 16], [200; 16]],
                },
            },
        ]
    }

    fn published() -> Published {
        Published {
            units_toml: "[unit_set]".into(),
            units_file: "data/units/tinh-63.toml".into(),
            source_file: "ket-qua-2023.csv".into(),
            source_sha256: "ab".repeat(32),
            rows: vec![
                PublishedRow {
                    unit: "22".into(),
                    index: Points::from_hundredths(9218),
                    rank: Some(1),
                    areas: vec![("1".into(), Points::from_hundredths(950))],
                },
                PublishedRow {
                    unit: "01".into(),
                    index: Points::from_hundredths(9143),
                    rank: None,
                    areas: vec![],
                },
            ],
            averages: vec![PublishedAverage {
                region: String::new(),
                index: Points::from_hundredths(8698),
            }],
        }
    }

    #[test]
    fn every_change_round_trips_to_the_same_bytes() {
        for (i, change) in every_change().into_iter().enumerate() {
            let ev = new_event(change);
            let bytes = encode(i as u64 + 1, at(), &ev, 0);
            let d = decode(&bytes).unwrap();
            assert_eq!(d.body.change, ev.change, "change {i}");
            assert_eq!(d.body.seq, i as u64 + 1);
            assert_eq!(d.body.at, at());
            assert_eq!(d.body.actor, "thu");
            let again = NewEvent {
                actor: d.body.actor.clone(),
                command: d.body.command.clone(),
                change: d.body.change.clone(),
                reason: d.body.reason.clone(),
            };
            assert_eq!(encode(d.body.seq, d.body.at, &again, 0), bytes);
            // Every byte cut short, or one more, is refused.
            for n in 0..bytes.len() {
                assert!(decode(&bytes[..n]).is_err(), "change {i} cut at {n}");
            }
            let mut longer = bytes.clone();
            longer.push(0);
            assert!(decode(&longer).is_err());
        }
    }

    #[test]
    fn an_item_change_names_its_before_instead_of_repeating_it() {
        let mut ev = new_event(Change::Appraised {
            key: key(),
            version: 5,
            before: appraisal(),
            after: Appraisal {
                justification: "Sửa lại".into(),
                ..appraisal()
            },
        });
        let with_ref = encode(9, at(), &ev, 4);
        // The before's texts are not in the bytes.
        assert!(!String::from_utf8_lossy(&with_ref).contains("ban hành muộn"));
        let mut d = decode(&with_ref).unwrap();
        assert_eq!(d.before, Some((Part::Appraisal, 4)));
        d.set_appraisal_before(appraisal());
        assert_eq!(d.body.change, ev.change);
        // The view gives the after's bytes, as the store keeps them.
        let v = view(&with_ref).unwrap();
        let ViewChange::Item {
            after, before_seq, ..
        } = v.change
        else {
            panic!("an item change")
        };
        assert_eq!(before_seq, 4);
        let mut w = Writer::default();
        if let Change::Appraised { after: a, .. } = &mut ev.change {
            appraisal_to(&mut w, a);
        }
        assert_eq!(after, &w.buf[..]);
    }

    #[test]
    fn damaged_bodies_are_errors_not_panics() {
        for change in every_change() {
            let bytes = encode(3, at(), &new_event(change), 2);
            for i in 0..bytes.len() {
                for flip in [0x01u8, 0x80, 0xff] {
                    let mut b = bytes.clone();
                    b[i] ^= flip;
                    // Either an error, or a body that encodes back to exactly these bytes.
                    if let Ok(d) = decode(&b) {
                        let before = d.before.map_or(0, |(_, s)| s);
                        let ev = NewEvent {
                            actor: d.body.actor,
                            command: d.body.command,
                            change: d.body.change,
                            reason: d.body.reason,
                        };
                        assert_eq!(encode(d.body.seq, d.body.at, &ev, before), b);
                    }
                    let _ = view(&b);
                }
            }
        }
    }

    #[test]
    fn skimming_an_appraisal_checks_what_decoding_checks_and_drops_only_the_texts() {
        let full = appraisal();
        let mut variants = vec![Appraisal::default(), full.clone()];
        let mut a = full.clone();
        a.council = None;
        variants.push(a.clone());
        a.dispute = None;
        a.proposed = None;
        variants.push(a);
        let mut a = full.clone();
        if let Some(c) = &mut a.council {
            c.decision = None;
        }
        variants.push(a);
        for a in variants {
            let mut w = Writer::default();
            appraisal_to(&mut w, &a);
            w.u8(7); // what follows the value is not read
            let bytes = w.buf;
            let mut item = domain::Item::new(key());
            item.appraisal = a.clone();
            item.clear_text();
            let mut cleared = Writer::default();
            appraisal_to(&mut cleared, &item.appraisal);
            let mut out = Vec::new();
            let mut r = Reader::new(&bytes);
            skim_appraisal(&mut r, Some(&mut out)).unwrap();
            assert_eq!(out, cleared.buf, "{a:?}");
            assert_eq!(r.pos(), bytes.len() - 1);
            // Damaged: the same error as decoding, at the same place, or the same value read.
            for i in 0..bytes.len() {
                for flip in [0x01u8, 0x80, 0xff, 0x3f] {
                    let mut b = bytes.clone();
                    b[i] ^= flip;
                    let mut r1 = Reader::new(&b);
                    let mut r2 = Reader::new(&b);
                    let decoded = appraisal_from(&mut r1);
                    let skimmed = skim_appraisal(&mut r2, None);
                    assert_eq!(decoded.as_ref().err(), skimmed.as_ref().err(), "byte {i}");
                    assert_eq!(r1.pos(), r2.pos(), "byte {i}");
                }
                let mut r1 = Reader::new(&bytes[..i]);
                let mut r2 = Reader::new(&bytes[..i]);
                assert_eq!(
                    appraisal_from(&mut r1).err(),
                    skim_appraisal(&mut r2, None).err(),
                    "cut at {i}"
                );
            }
        }
    }
}
