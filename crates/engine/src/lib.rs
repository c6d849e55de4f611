//! The one place where the rules of appraisal are enforced (docs/ARCHITECTURE.md).
//! `apply(actor, command)` checks membership, role, item version, score validity and workflow,
//! turns the command into events and commits them through the store.

mod appraisal;
mod assignments;
mod dispute;
mod drafts;
mod import;
mod local;
mod official;
mod published;
mod responses;
mod rounds;
mod setup;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use jiff::Timestamp;
use unicode_normalization::UnicodeNormalization;

use api::{Feed, TextOf, WorkbenchError};
use domain::NewEvent;
use domain::clock::{self, Clock};
use domain::limits::TextField;
use domain::{Command, CommandKind, Committed, Event, Item, ItemKey, Role, UnitState, YearContext};
use domain::{ImportHead, ImportKind, ImportRows};
use import::Importer;
use l10n::Lang;
use store::{Store, StoreError};

pub use local::LocalWorkbench;

pub struct Engine {
    store: Store,
    clock: Clock,
    years: RwLock<HashMap<u16, Arc<YearContext>>>,
    /// Serialises read-check-commit so a version check cannot race another write.
    write: Mutex<()>,
    /// Serialises count-check-put of drafts so two sessions of one user cannot pass the cap
    /// together (drafts never wait for a commit).
    drafts: Mutex<()>,
}

/// A store failure as the workbench reports it: worded here, in both languages, because the
/// reader's language is not known where it happens.
pub fn store_error(e: StoreError) -> WorkbenchError {
    WorkbenchError::Store {
        vi: e.message(Lang::Vi),
        en: e.message(Lang::En),
    }
}

/// `?` on a store call inside the engine: the failure becomes a [`WorkbenchError::Store`].
pub(crate) trait OrStore<T> {
    fn or_store(self) -> Result<T, WorkbenchError>;
}

impl<T> OrStore<T> for Result<T, StoreError> {
    fn or_store(self) -> Result<T, WorkbenchError> {
        self.map_err(store_error)
    }
}

/// [`clean_text`] of a string the caller owns: kept as it is (its trailing whitespace cut) when
/// it is already clean, as most imported text is — no copy.
pub(crate) fn clean_owned(mut s: String) -> String {
    if domain::nfc::is_clean(&s) {
        s.truncate(s.trim_end().len());
        return s;
    }
    clean_text(&s)
}

/// NFC-normalise text and turn `\r\n` / `\r` into `\n` (SPEC W12: all text NFC on input).
pub(crate) fn clean_text(s: &str) -> String {
    // Most text arrives clean: copy it once (imports clean hundreds of thousands of fields).
    if domain::nfc::is_clean(s) {
        return s.trim_end().to_string();
    }
    let unified = s.replace("\r\n", "\n").replace('\r', "\n");
    unified.nfc().collect::<String>().trim_end().to_string()
}

/// Refuse a text longer than its field allows (SPEC S5); `at` (whose text it is) is built only
/// for the refusal.
pub(crate) fn check_len(
    text: &str,
    field: TextField,
    at: impl FnOnce() -> TextOf,
) -> Result<(), WorkbenchError> {
    match field.too_long(text) {
        None => Ok(()),
        Some(length) => Err(WorkbenchError::TooLong {
            at: at(),
            field,
            limit: field.limit(),
            length,
        }),
    }
}

/// [`clean_text`] of a text that must fit its field: measured as it would be kept.
pub(crate) fn limited(
    text: &str,
    field: TextField,
    at: impl FnOnce() -> TextOf,
) -> Result<String, WorkbenchError> {
    let t = clean_text(text);
    check_len(&t, field, at)?;
    Ok(t)
}

/// [`limited`] of a text that must also say something (a reason, a minutes reference): blank
/// is refused with what it belongs to and which field it is.
pub(crate) fn required(
    text: &str,
    field: TextField,
    at: impl Fn() -> TextOf,
) -> Result<String, WorkbenchError> {
    let t = limited(text, field, &at)?;
    if t.trim().is_empty() {
        return Err(WorkbenchError::TextMissing { at: at(), field });
    }
    Ok(t)
}

/// [`clean_owned`] of a text that must fit its field.
pub(crate) fn limited_owned(
    text: String,
    field: TextField,
    at: impl FnOnce() -> TextOf,
) -> Result<String, WorkbenchError> {
    let t = clean_owned(text);
    check_len(&t, field, at)?;
    Ok(t)
}

/// Whose text it is, for an item's field.
pub(crate) fn of_item(key: &ItemKey) -> impl FnOnce() -> TextOf + '_ {
    move || TextOf::Item { key: key.clone() }
}

/// The refusal of a member that may not write: a non-member learns who can add them, an
/// auditor that they read only (SPEC S2).
pub(crate) fn not_writer(
    members: &[domain::Member],
    actor: &str,
    role: Option<Role>,
) -> WorkbenchError {
    match role {
        None => WorkbenchError::NotMember {
            user: actor.to_string(),
            leads: members
                .iter()
                .filter(|m| m.role == Role::Lead)
                .map(|m| m.user.clone())
                .collect(),
        },
        Some(_) => WorkbenchError::ReadOnly {
            user: actor.to_string(),
        },
    }
}

impl Engine {
    pub fn new(store: Store) -> Engine {
        Engine::with_clock(store, clock::system())
    }

    /// An engine whose events are dated by `clock` instead of the system clock.
    pub fn with_clock(store: Store, clock: Clock) -> Engine {
        Engine {
            store,
            clock,
            years: RwLock::new(HashMap::new()),
            write: Mutex::new(()),
            drafts: Mutex::new(()),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The framework and units of a year.
    pub fn year(&self, year: u16) -> Result<Arc<YearContext>, WorkbenchError> {
        if let Some(y) = self.years.read().ok().and_then(|m| m.get(&year).cloned()) {
            return Ok(y);
        }
        let data = self
            .store
            .year_data(year)
            .or_store()?
            .ok_or(WorkbenchError::UnknownYear { year })?;
        let ctx = Arc::new(setup::parse_year(year, &data)?);
        if let Ok(mut m) = self.years.write() {
            m.insert(year, ctx.clone());
        }
        Ok(ctx)
    }

    pub fn role_of(&self, user: &str) -> Result<Option<Role>, WorkbenchError> {
        self.store.member(user).or_store()
    }

    /// The time now, by the engine's clock.
    pub fn now(&self) -> Timestamp {
        (self.clock)()
    }

    /// Check that `actor` may run `cmd`, then commit the events it produces.
    pub fn apply(&self, actor: &str, cmd: Command) -> Result<Vec<Event>, WorkbenchError> {
        Ok(self
            .apply_keeping(actor, cmd, usize::MAX)?
            .events
            .unwrap_or_default())
    }

    /// [`Engine::apply`] that keeps the committed events only when there are at most `keep` of
    /// them (see `Store::commit_with`): what an import answers with a count uses.
    pub fn apply_keeping(
        &self,
        actor: &str,
        cmd: Command,
        keep: usize,
    ) -> Result<Committed, WorkbenchError> {
        // An import's events are written as they are made, never all held (see `import`).
        let cmd = match cmd.into_import() {
            Ok((head, rows)) => {
                let mut rows = Some(rows);
                let mut feed = || {
                    Ok(match rows.take() {
                        Some(r) => Feed::Rows(r),
                        None => Feed::End,
                    })
                };
                return Ok(self
                    .import(actor, head, &mut feed, keep)?
                    .unwrap_or_default());
            }
            Err(cmd) => *cmd,
        };
        let _guard = self.write.lock().unwrap_or_else(|p| p.into_inner());
        let at = self.now();
        let events = self.build(actor, cmd, at)?;
        self.store.commit_with(at, events, keep).or_store()
    }

    /// An import whose rows come from `feed` in pieces (a client streaming them), committed as
    /// one command: each piece's rows are checked by the import's rules as it comes and their
    /// events written to the journal (not yet durable); when the feed ends, the journal is
    /// `fdatasync`ed once and the state follows. A refused row, a failing feed (a connection
    /// lost, a deadline passed) or `Feed::Abandon` leaves nothing written (`Ok(None)` for an
    /// abandon). Other commits wait meanwhile: the caller bounds how long `feed` may take.
    pub fn import(
        &self,
        actor: &str,
        head: ImportHead,
        feed: &mut dyn FnMut() -> Result<Feed, WorkbenchError>,
        keep: usize,
    ) -> Result<Option<Committed>, WorkbenchError> {
        let _guard = self.write.lock().unwrap_or_else(|p| p.into_inner());
        let at = self.now();
        self.check_writer(actor, head.kind.command())?;
        official::check_year_open(&self.store, head.year)?;
        let mut ctx = Ctx {
            engine: self,
            actor,
            command: head.kind.command().name(),
            events: Vec::new(),
            today: domain::round::today_in_vietnam(at),
        };
        let mut importer = Importer::new(head.year, head.kind);
        let committed =
            self.store
                .commit_streamed(at, keep, head.rows, |txn| -> Result<(), Stop> {
                    loop {
                        match feed().map_err(Stop::Refused)? {
                            Feed::Rows(rows) => {
                                importer
                                    .rows(&mut ctx, &*txn, rows)
                                    .map_err(Stop::Refused)?;
                                for e in ctx.events.drain(..) {
                                    txn.push(e)?;
                                }
                            }
                            Feed::End => return Ok(()),
                            Feed::Abandon => return Err(Stop::Abandoned),
                        }
                    }
                });
        match committed {
            Ok(((), c)) => Ok(Some(c)),
            Err(Stop::Abandoned) => Ok(None),
            Err(Stop::Refused(e)) => Err(e),
        }
    }

    /// A dry run of [`Engine::import`]: the events each piece's rows would write, given to
    /// `out` piece by piece, by the same rules, nothing written. `Ok(None)` if the feed
    /// abandoned.
    pub fn plan_import(
        &self,
        actor: &str,
        head: ImportHead,
        feed: &mut dyn FnMut() -> Result<Feed, WorkbenchError>,
        out: &mut dyn FnMut(Vec<NewEvent>) -> Result<(), WorkbenchError>,
    ) -> Result<Option<()>, WorkbenchError> {
        let at = self.now();
        self.check_writer(actor, head.kind.command())?;
        official::check_year_open(&self.store, head.year)?;
        let mut ctx = Ctx {
            engine: self,
            actor,
            command: head.kind.command().name(),
            events: Vec::new(),
            today: domain::round::today_in_vietnam(at),
        };
        let mut importer = Importer::new(head.year, head.kind);
        loop {
            match feed()? {
                Feed::Rows(rows) => {
                    importer.rows(&mut ctx, &self.store, rows)?;
                    out(std::mem::take(&mut ctx.events))?;
                }
                Feed::End => return Ok(Some(())),
                Feed::Abandon => return Ok(None),
            }
        }
    }

    /// Refuse `actor` running a command of `kind` unless their role allows it (the checks of
    /// `build` for a store that has members).
    fn check_writer(&self, actor: &str, kind: CommandKind) -> Result<(), WorkbenchError> {
        let members = self.store.members().or_store()?;
        let role = members.iter().find(|m| m.user == actor).map(|m| m.role);
        match role {
            None | Some(Role::Auditor) => Err(not_writer(&members, actor, role)),
            Some(r) if kind.needs_lead() && r != Role::Lead => Err(WorkbenchError::LeadOnly {
                user: actor.to_string(),
                command: kind.name().to_string(),
            }),
            Some(_) => Ok(()),
        }
    }

    /// A dry run: the events `actor` running `cmd` would write now, checked by the same rules as
    /// [`Engine::apply`], without writing anything (`import --dry-run` shows exactly this).
    pub fn plan(&self, actor: &str, cmd: Command) -> Result<Vec<NewEvent>, WorkbenchError> {
        self.build(actor, cmd, self.now())
    }

    /// The rules: check that `actor` may run `cmd` and build the events it produces.
    fn build(
        &self,
        actor: &str,
        cmd: Command,
        at: Timestamp,
    ) -> Result<Vec<NewEvent>, WorkbenchError> {
        let members = self.store.members().or_store()?;
        let role = members.iter().find(|m| m.user == actor).map(|m| m.role);
        let mut events: Vec<NewEvent> = Vec::new();
        let first_use = members.is_empty() && matches!(cmd, Command::OpenYear { .. });
        match (role, first_use) {
            (_, true) => {
                // Whoever creates a store is its first lead (SPEC S2).
                events.push(NewEvent {
                    actor: actor.to_string(),
                    command: cmd.name().to_string(),
                    change: domain::Change::MemberChanged {
                        user: actor.to_string(),
                        before: None,
                        after: Some(Role::Lead),
                    },
                    reason: String::new(),
                });
            }
            (None, false) | (Some(Role::Auditor), false) => {
                return Err(not_writer(&members, actor, role));
            }
            (Some(_), false) => {}
        }
        let is_lead = first_use || role == Some(Role::Lead);
        if cmd.needs_lead() && !is_lead {
            return Err(WorkbenchError::LeadOnly {
                user: actor.to_string(),
                command: cmd.name().to_string(),
            });
        }
        let name = cmd.name();
        let mut ctx = Ctx {
            engine: self,
            actor,
            command: name,
            events,
            today: domain::round::today_in_vietnam(at),
        };
        match cmd {
            Command::OpenYear {
                year,
                framework_toml,
                framework_file,
                units_toml,
                units_file,
                from_year,
            } => setup::open_year(
                &mut ctx,
                year,
                setup::YearSources {
                    framework_toml,
                    framework_file,
                    units_toml,
                    units_file,
                    from_year,
                },
            )?,
            Command::SetMember { user, role } => setup::set_member(&mut ctx, &members, user, role)?,
            Command::RemoveMember { user } => setup::remove_member(&mut ctx, &members, user)?,
            Command::Finalize { year, unit } => setup::finalize(&mut ctx, year, unit)?,
            Command::Reopen { year, unit, reason } => setup::reopen(&mut ctx, year, unit, reason)?,
            Command::ImportSelf { year, rows } => Importer::new(year, ImportKind::SelfScores)
                .rows(&mut ctx, &self.store, ImportRows::SelfScores(rows))?,
            Command::ImportSurvey { year, rows } => Importer::new(year, ImportKind::Survey).rows(
                &mut ctx,
                &self.store,
                ImportRows::Survey(rows),
            )?,
            Command::Agree { key, expected } => appraisal::agree(&mut ctx, key, expected)?,
            Command::Adjust {
                key,
                score,
                justification,
                expected,
            } => appraisal::adjust(&mut ctx, key, score, justification, expected)?,
            Command::RequestEvidence {
                key,
                request,
                expected,
            } => appraisal::request_evidence(&mut ctx, key, request, expected)?,
            Command::BulkAgree {
                year,
                unit,
                area,
                items,
            } => appraisal::bulk_agree(&mut ctx, year, unit, area, items)?,
            Command::RecordDispute {
                key,
                explanation,
                document,
                claimed,
                received,
                round,
                expected,
            } => dispute::record_dispute(
                &mut ctx,
                key,
                explanation,
                document,
                claimed,
                received,
                round,
                expected,
            )?,
            Command::ResolveDispute {
                key,
                outcome,
                score,
                response,
                expected,
            } => dispute::resolve_dispute(&mut ctx, key, outcome, score, response, expected)?,
            Command::Escalate {
                key,
                reason,
                expected,
            } => dispute::escalate(&mut ctx, key, reason, expected)?,
            Command::CouncilDecide {
                key,
                score,
                decision,
                minutes,
                expected,
            } => dispute::council_decide(&mut ctx, key, score, decision, minutes, expected)?,
            Command::OpenRound {
                year,
                opens,
                closes,
                scope,
                units,
                note,
            } => rounds::open_round(&mut ctx, year, opens, closes, scope, units, note)?,
            Command::CloseRound {
                year,
                number,
                reason,
            } => rounds::close_round(&mut ctx, year, number, reason)?,
            Command::ApproveResults {
                year,
                minutes,
                date,
            } => official::approve(&mut ctx, year, minutes, date)?,
            Command::PublishResults { year, date } => official::publish(&mut ctx, year, date)?,
            Command::ReopenResults { year, reason } => official::reopen(&mut ctx, year, reason)?,
            Command::Assign {
                year,
                unit,
                area,
                to,
            } => assignments::assign(&mut ctx, year, unit, area, to)?,
            Command::EnforceAssignments { year, on } => assignments::enforce(&mut ctx, year, on)?,
            Command::ImportResults {
                year,
                results,
                replace,
                reason,
            } => published::import_results(&mut ctx, year, results, replace, reason)?,
            Command::ImportResponses { year, upload } => {
                responses::import_responses(&mut ctx, year, upload)?
            }
            Command::ComputeSurvey {
                year,
                survey_toml,
                survey_file,
            } => responses::compute_survey(&mut ctx, year, survey_toml, survey_file)?,
            Command::Undo => appraisal::undo(&mut ctx, None)?,
            Command::UndoIn { year, unit } => appraisal::undo(&mut ctx, Some((year, &unit)))?,
            Command::Redo { year, unit } => appraisal::redo(&mut ctx, year, &unit)?,
        }
        // An approved year changes only by a recorded reopening (SPEC D8).
        official::check_not_frozen(&self.store, &ctx.events)?;
        Ok(std::mem::take(&mut ctx.events))
    }
}

/// Why a streamed import's commit stopped.
enum Stop {
    Refused(WorkbenchError),
    Abandoned,
}

impl From<StoreError> for Stop {
    fn from(e: StoreError) -> Stop {
        Stop::Refused(store_error(e))
    }
}

/// What a command handler works with: the engine's reads and the events it is building.
pub(crate) struct Ctx<'a> {
    engine: &'a Engine,
    actor: &'a str,
    command: &'static str,
    events: Vec<NewEvent>,
    /// Today's date in Vietnam, for the dates on explanations.
    today: jiff::civil::Date,
}

impl Ctx<'_> {
    fn push(&mut self, change: domain::Change, reason: String) {
        self.events.push(NewEvent {
            actor: self.actor.to_string(),
            command: self.command.to_string(),
            change,
            reason,
        });
    }

    fn item_or_new(&self, key: &ItemKey) -> Result<Item, WorkbenchError> {
        Ok(self
            .engine
            .store
            .item(key)
            .or_store()?
            .unwrap_or_else(|| Item::new(key.clone())))
    }

    fn unit_state(&self, year: u16, unit: &str) -> Result<UnitState, WorkbenchError> {
        self.engine.store.unit_state(year, unit).or_store()
    }

    /// Refuse changes to a finalized unit, or to any unit of a year whose results are approved
    /// (that refusal first: it names what must be reopened).
    fn check_open(&self, year: u16, unit: &str) -> Result<(), WorkbenchError> {
        official::check_year_open(&self.engine.store, year)?;
        if let Some(t) = self.unit_state(year, unit)?.finalized {
            return Err(WorkbenchError::Finalized {
                year,
                unit: unit.to_string(),
                by: t.actor,
            });
        }
        Ok(())
    }
}
