//! Assigning units, or areas of units, to appraisers (lead only, SPEC S6), turning their
//! enforcement on or off, and the check every item decision passes: an item assigned to someone else is
//! refused when the year enforces its assignments (the workbench warns otherwise, by the same
//! rule, `Assignments::other_assignee`).

use crate::OrStore;

use domain::{Change, ItemKey, Role, YearContext};

use super::{Ctx, WorkbenchError};

/// Assign (unit, area) of `year` to `to`, or clear the assignment when `to` is `None`.
pub(crate) fn assign(
    ctx: &mut Ctx,
    year: u16,
    unit: String,
    area: Option<String>,
    to: Option<String>,
) -> Result<(), WorkbenchError> {
    let y = ctx.engine.year(year)?;
    let unit = unit.trim().to_string();
    if y.units.unit(&unit).is_none() {
        return Err(WorkbenchError::UnknownUnit { year, unit });
    }
    let area = area.map(|a| a.trim().to_string()).filter(|a| !a.is_empty());
    if let Some(a) = &area
        && !y.framework.areas().any(|n| &n.code == a)
    {
        return Err(WorkbenchError::UnknownArea {
            year,
            area: a.clone(),
        });
    }
    let to = to.map(|u| u.trim().to_string());
    if let Some(user) = &to {
        let role = ctx.engine.role_of(user)?;
        if !matches!(role, Some(Role::Appraiser | Role::Lead)) {
            return Err(WorkbenchError::NotAnAppraiser {
                user: user.clone(),
                role,
            });
        }
    }
    let current = ctx.engine.store.assignments(year).or_store()?;
    let before = current.get(&unit, area.as_deref()).map(|a| a.user.clone());
    if before == to {
        // Already so: nothing to record.
        return Ok(());
    }
    ctx.push(
        Change::AssignmentChanged {
            year,
            unit,
            area,
            before,
            after: to,
        },
        String::new(),
    );
    Ok(())
}

/// Turn the enforcement of `year`'s assignments on or off.
pub(crate) fn enforce(ctx: &mut Ctx, year: u16, on: bool) -> Result<(), WorkbenchError> {
    ctx.engine.year(year)?;
    let before = ctx.engine.store.assignments(year).or_store()?.enforced;
    if before == on {
        return Ok(());
    }
    ctx.push(
        Change::AssignmentsEnforced {
            year,
            before,
            after: on,
        },
        String::new(),
    );
    Ok(())
}

/// Refuse the actor's decision on `key` when the year enforces its assignments and the item is
/// assigned to someone else (a lead is never refused).
pub(crate) fn check_item(ctx: &Ctx, y: &YearContext, key: &ItemKey) -> Result<(), WorkbenchError> {
    let a = ctx.engine.store.assignments(key.year).or_store()?;
    if !a.enforced || a.list.is_empty() {
        return Ok(());
    }
    let Some(area) = y.framework.area_of(&key.leaf) else {
        return Ok(());
    };
    let role = ctx.engine.role_of(ctx.actor)?;
    match a.other_assignee(ctx.actor, role, &key.unit, &area.code) {
        None => Ok(()),
        Some(other) => Err(WorkbenchError::AssignedToOther {
            key: Box::new(key.clone()),
            assignee: other.user.clone(),
            area: other.area.clone(),
        }),
    }
}
