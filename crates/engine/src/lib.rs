//! The one place where the rules of appraisal are enforced (DESIGN: engine).
//! `apply(actor, command)` checks membership, role, item version, score validity and workflow,
//! turns the command into events and commits them through the store.

mod appraisal;
mod dispute;
mod error;
mod rounds;
mod setup;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use jiff::Timestamp;
use unicode_normalization::UnicodeNormalization;

use domain::{Command, Event, Framework, Item, ItemKey, Role, UnitSet, UnitState};
use store::{NewEvent, Store};

pub use error::{EngineError, NotOpenReason, ScoreProblem};

/// A year's framework and units, parsed once from the sources kept in the store.
#[derive(Debug)]
pub struct YearContext {
    pub year: u16,
    pub framework: Framework,
    pub units: UnitSet,
    pub framework_file: String,
    pub units_file: String,
    /// The previous year whose justifications are shown as references (`init --from-year`).
    pub from_year: Option<u16>,
}

impl YearContext {
    /// Parse a year's kept sources, as the engine does; a client builds its own copy this way
    /// from the sources it gets from the server.
    pub fn parse(year: u16, data: &store::YearData) -> Result<YearContext, EngineError> {
        setup::parse_year(
            year,
            &data.framework_toml,
            &data.framework_file,
            &data.units_toml,
            &data.units_file,
            data.from_year,
        )
    }
}

pub struct Engine {
    store: Store,
    years: RwLock<HashMap<u16, Arc<YearContext>>>,
    /// Serialises read-check-commit so a version check cannot race another write.
    write: Mutex<()>,
}

/// The clock used for events; tests may not depend on its value.
fn now() -> Timestamp {
    Timestamp::now()
}

/// NFC-normalise text and turn `\r\n` / `\r` into `\n` (SPEC W12: all text NFC on input).
pub(crate) fn clean_text(s: &str) -> String {
    use unicode_normalization::{IsNormalized, is_nfc_quick};
    // Most text arrives clean: copy it once (imports clean hundreds of thousands of fields).
    if !s.contains('\r') && is_nfc_quick(s.chars()) == IsNormalized::Yes {
        return s.trim_end().to_string();
    }
    let unified = s.replace("\r\n", "\n").replace('\r', "\n");
    unified.nfc().collect::<String>().trim_end().to_string()
}

impl Engine {
    pub fn new(store: Store) -> Engine {
        Engine {
            store,
            years: RwLock::new(HashMap::new()),
            write: Mutex::new(()),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The framework and units of a year.
    pub fn year(&self, year: u16) -> Result<Arc<YearContext>, EngineError> {
        if let Some(y) = self.years.read().ok().and_then(|m| m.get(&year).cloned()) {
            return Ok(y);
        }
        let data = self
            .store
            .year_data(year)?
            .ok_or(EngineError::UnknownYear { year })?;
        let ctx = Arc::new(setup::parse_year(
            year,
            &data.framework_toml,
            &data.framework_file,
            &data.units_toml,
            &data.units_file,
            data.from_year,
        )?);
        if let Ok(mut m) = self.years.write() {
            m.insert(year, ctx.clone());
        }
        Ok(ctx)
    }

    pub fn role_of(&self, user: &str) -> Result<Option<Role>, EngineError> {
        Ok(self.store.member(user)?)
    }

    /// Check that `actor` may run `cmd`, then commit the events it produces.
    pub fn apply(&self, actor: &str, cmd: Command) -> Result<Vec<Event>, EngineError> {
        let _guard = self.write.lock().unwrap_or_else(|p| p.into_inner());
        let members = self.store.members()?;
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
            (None, false) => {
                return Err(EngineError::NotMember {
                    user: actor.to_string(),
                    leads: members
                        .iter()
                        .filter(|m| m.role == Role::Lead)
                        .map(|m| m.user.clone())
                        .collect(),
                });
            }
            (Some(Role::Auditor), false) => {
                return Err(EngineError::ReadOnly {
                    user: actor.to_string(),
                });
            }
            (Some(_), false) => {}
        }
        let is_lead = first_use || role == Some(Role::Lead);
        let lead_only = matches!(
            cmd,
            Command::OpenYear { .. }
                | Command::Finalize { .. }
                | Command::Reopen { .. }
                | Command::SetMember { .. }
                | Command::RemoveMember { .. }
                | Command::Escalate { .. }
                | Command::CouncilDecide { .. }
                | Command::OpenRound { .. }
                | Command::CloseRound { .. }
        );
        if lead_only && !is_lead {
            return Err(EngineError::LeadOnly {
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
            today: domain::round::today_in_vietnam(now()),
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
            Command::ImportSelf { year, rows } => appraisal::import_self(&mut ctx, year, rows)?,
            Command::ImportSurvey { year, rows } => appraisal::import_survey(&mut ctx, year, rows)?,
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
            Command::Undo => appraisal::undo(&mut ctx)?,
        }
        if ctx.events.is_empty() {
            return Ok(Vec::new());
        }
        let events = std::mem::take(&mut ctx.events);
        Ok(self.store.commit(now(), events)?)
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

    /// The current items of a unit, for commands that touch many of them: read once per unit
    /// (the store keeps a criterion's items together).
    fn unit_items(&self, year: u16, unit: &str) -> Result<HashMap<String, Item>, EngineError> {
        Ok(self
            .engine
            .store
            .items(year, Some(unit))?
            .into_iter()
            .map(|i| (i.key.leaf.clone(), i))
            .collect())
    }

    fn item_or_new(&self, key: &ItemKey) -> Result<Item, EngineError> {
        Ok(self
            .engine
            .store
            .item(key)?
            .unwrap_or_else(|| Item::new(key.clone())))
    }

    fn unit_state(&self, year: u16, unit: &str) -> Result<UnitState, EngineError> {
        Ok(self.engine.store.unit_state(year, unit)?)
    }

    /// Refuse changes to a finalized unit.
    fn check_open(&self, year: u16, unit: &str) -> Result<(), EngineError> {
        if let Some(t) = self.unit_state(year, unit)?.finalized {
            return Err(EngineError::Finalized {
                year,
                unit: unit.to_string(),
                by: t.actor,
            });
        }
        Ok(())
    }
}
