//! The year's official result (SPEC D8): the council's approval, the publication, a reopening
//! after approval; and the freeze of an approved year. The stages' rules are
//! `domain::official`; here they are checked against the store and recorded as events.

use crate::OrStore;
use jiff::civil::Date;

use api::TextOf;
use domain::limits::{TextField, one_line_note};
use domain::official::Official;
use domain::{Change, NewEvent};

use super::{Ctx, WorkbenchError, clean_text, required};

/// How many unfinished units an approval's refusal names.
const NAMED: usize = 5;

pub(crate) fn approve(
    ctx: &mut Ctx,
    year: u16,
    minutes: String,
    date: Date,
) -> Result<(), WorkbenchError> {
    let y = ctx.engine.year(year)?;
    not_in_future(ctx, date)?;
    let minutes = required(
        &one_line_note(&clean_text(&minutes)),
        TextField::Minutes,
        || TextOf::Year { year },
    )?;
    // One scan of the year's unit states: a unit without one was never finalized.
    let finalized: std::collections::HashSet<String> = ctx
        .engine
        .store
        .unit_states(year)
        .or_store()?
        .into_iter()
        .filter(|(_, s)| s.finalized.is_some())
        .map(|(code, _)| code)
        .collect();
    let open: Vec<String> = y
        .units
        .units
        .iter()
        .filter(|u| !finalized.contains(&u.code))
        .map(|u| format!("{} {}", u.code, u.name))
        .collect();
    if !open.is_empty() {
        return Err(WorkbenchError::UnitsNotFinalized {
            year,
            count: open.len(),
            first: open.into_iter().take(NAMED).collect(),
        });
    }
    let before = ctx.engine.store.official(year).or_store()?;
    let seal = ctx.engine.store.seal();
    let after = Official::approve(before.as_ref(), year, minutes, date, seal)
        .map_err(|problem| WorkbenchError::OfficialStage { year, problem })?;
    ctx.push(
        Change::OfficialChanged {
            year,
            before,
            after,
        },
        String::new(),
    );
    Ok(())
}

pub(crate) fn publish(ctx: &mut Ctx, year: u16, date: Date) -> Result<(), WorkbenchError> {
    ctx.engine.year(year)?;
    not_in_future(ctx, date)?;
    let before = ctx.engine.store.official(year).or_store()?;
    let after = Official::publish(before.as_ref(), date)
        .map_err(|problem| WorkbenchError::OfficialStage { year, problem })?;
    ctx.push(
        Change::OfficialChanged {
            year,
            before,
            after,
        },
        String::new(),
    );
    Ok(())
}

pub(crate) fn reopen(ctx: &mut Ctx, year: u16, reason: String) -> Result<(), WorkbenchError> {
    ctx.engine.year(year)?;
    let reason = required(&reason, TextField::ReopenReason, || TextOf::Year { year })?;
    let before = ctx.engine.store.official(year).or_store()?;
    let after = Official::reopen(before.as_ref(), ctx.today, reason.clone())
        .map_err(|problem| WorkbenchError::OfficialStage { year, problem })?;
    ctx.push(
        Change::OfficialChanged {
            year,
            before,
            after,
        },
        reason,
    );
    Ok(())
}

fn not_in_future(ctx: &Ctx, date: Date) -> Result<(), WorkbenchError> {
    if date > ctx.today {
        return Err(WorkbenchError::DateInFuture {
            date,
            today: ctx.today,
        });
    }
    Ok(())
}

/// Refuse `events` if one of them changes a year whose results are approved: only the official
/// result's own transitions (a reopening) pass.
pub(crate) fn check_not_frozen(
    store: &store::Store,
    events: &[NewEvent],
) -> Result<(), WorkbenchError> {
    let mut checked: Vec<u16> = Vec::new();
    for e in events {
        if matches!(e.change, Change::OfficialChanged { .. }) {
            continue;
        }
        let Some(year) = e.change.year() else {
            continue;
        };
        if checked.contains(&year) {
            continue;
        }
        checked.push(year);
        check_year_open(store, year)?;
    }
    Ok(())
}

/// Refuse any change to `year` while its results are approved.
pub(crate) fn check_year_open(store: &store::Store, year: u16) -> Result<(), WorkbenchError> {
    if let Some(o) = store.official(year).or_store()?
        && o.frozen()
    {
        return Err(WorkbenchError::ResultsApproved {
            year,
            minutes: o.approval.minutes,
            approved: o.approval.date,
        });
    }
    Ok(())
}
