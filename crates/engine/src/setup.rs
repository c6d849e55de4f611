//! Store-level commands: opening a year, members, finalizing and reopening units.

use crate::OrStore;
use api::TextOf;
use domain::limits::{self, TextField};
use domain::{Change, Member, Role, Status, YearContext, YearData};

use super::{Ctx, WorkbenchError, check_len, limited};

/// Parse a year's framework and units; any problem becomes one `BadFile` error listing all of it.
pub(crate) fn parse_year(year: u16, data: &YearData) -> Result<YearContext, WorkbenchError> {
    Ok(YearContext::parse(year, data)?)
}

/// What a new year is opened from.
pub(crate) struct YearSources {
    pub framework_toml: String,
    pub framework_file: String,
    pub units_toml: String,
    pub units_file: String,
    pub from_year: Option<u16>,
}

pub(crate) fn open_year(ctx: &mut Ctx, year: u16, src: YearSources) -> Result<(), WorkbenchError> {
    if ctx.engine.store.year_data(year).or_store()?.is_some() {
        return Err(WorkbenchError::YearExists { year });
    }
    // The sources are checked by parsing them; their names are kept as written, within a limit.
    check_len(&src.framework_file, TextField::FrameworkFile, || {
        TextOf::Year { year }
    })?;
    check_len(&src.units_file, TextField::UnitsFile, || TextOf::Year {
        year,
    })?;
    if let Some(prev) = src.from_year {
        // The references come from a year that exists and is earlier.
        if prev >= year {
            return Err(WorkbenchError::BadFromYear { year, from: prev });
        }
        ctx.engine.year(prev)?;
    }
    let data = YearData {
        framework_toml: src.framework_toml,
        framework_file: src.framework_file,
        units_toml: src.units_toml,
        units_file: src.units_file,
        from_year: src.from_year,
    };
    parse_year(year, &data)?;
    ctx.push(
        Change::YearOpened {
            year,
            framework_toml: data.framework_toml,
            framework_file: data.framework_file,
            units_toml: data.units_toml,
            units_file: data.units_file,
            from_year: data.from_year,
        },
        String::new(),
    );
    Ok(())
}

/// A member is named by their OS user name (SPEC R7): nothing else can be a peer's identity,
/// and a name with a line break or a blank would forge or hide a line of `member list`.
fn check_user_name(user: &str) -> Result<(), WorkbenchError> {
    if limits::is_user_name(user) {
        return Ok(());
    }
    Err(WorkbenchError::bad_user_name(user))
}

fn lead_count(members: &[Member]) -> usize {
    members.iter().filter(|m| m.role == Role::Lead).count()
}

pub(crate) fn set_member(
    ctx: &mut Ctx,
    members: &[Member],
    user: String,
    role: Role,
) -> Result<(), WorkbenchError> {
    check_user_name(&user)?;
    let before = members.iter().find(|m| m.user == user).map(|m| m.role);
    if before == Some(role) {
        return Ok(());
    }
    if before == Some(Role::Lead) && lead_count(members) == 1 {
        return Err(WorkbenchError::LastLead { user });
    }
    ctx.push(
        Change::MemberChanged {
            user,
            before,
            after: Some(role),
        },
        String::new(),
    );
    Ok(())
}

pub(crate) fn remove_member(
    ctx: &mut Ctx,
    members: &[Member],
    user: String,
) -> Result<(), WorkbenchError> {
    // A member whose name is not a user name (added before names were checked) can still be
    // removed; any other such name is refused like `member add` refuses it.
    let Some(before) = members.iter().find(|m| m.user == user).map(|m| m.role) else {
        return check_user_name(&user);
    };
    if before == Role::Lead && lead_count(members) == 1 {
        return Err(WorkbenchError::LastLead { user });
    }
    ctx.push(
        Change::MemberChanged {
            user,
            before: Some(before),
            after: None,
        },
        String::new(),
    );
    Ok(())
}

pub(crate) fn finalize(ctx: &mut Ctx, year: u16, unit: String) -> Result<(), WorkbenchError> {
    let y = ctx.engine.year(year)?;
    if y.units.unit(&unit).is_none() {
        return Err(WorkbenchError::UnknownUnit { year, unit });
    }
    ctx.check_open(year, &unit)?;
    let items = ctx.engine.store.items(year, Some(&unit)).or_store()?;
    let decided: std::collections::HashMap<&str, Status> = items
        .iter()
        .map(|i| (i.key.leaf.as_str(), i.status()))
        .collect();
    let open = y
        .framework
        .leaves()
        .filter(|n| n.method == domain::Method::Appraised)
        .filter(|n| decided.get(n.code.as_str()).is_none_or(|s| s.is_open()))
        .count();
    if open > 0 {
        return Err(WorkbenchError::Unfinished { year, unit, open });
    }
    ctx.push(Change::UnitFinalized { year, unit }, String::new());
    Ok(())
}

pub(crate) fn reopen(
    ctx: &mut Ctx,
    year: u16,
    unit: String,
    reason: String,
) -> Result<(), WorkbenchError> {
    let y = ctx.engine.year(year)?;
    if y.units.unit(&unit).is_none() {
        return Err(WorkbenchError::UnknownUnit { year, unit });
    }
    if ctx.unit_state(year, &unit)?.finalized.is_none() {
        return Err(WorkbenchError::NotFinalized { year, unit });
    }
    let reason = limited(&reason, TextField::ReopenReason, || TextOf::Unit {
        year,
        unit: unit.clone(),
    })?;
    if reason.trim().is_empty() {
        return Err(WorkbenchError::TextRequired {
            key: domain::ItemKey::new(year, unit, ""),
            field: "reason".into(),
        });
    }
    ctx.push(Change::UnitReopened { year, unit }, reason);
    Ok(())
}
