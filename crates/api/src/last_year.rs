//! Last year's index and rank of every unit of a year, through any workbench: the year it is
//! compared with (the year it was opened from, else the year before, when the store has it) and
//! each unit's place there through its predecessors (`domain::lineage`). The CLI reports and
//! the TUI ranking (F9) ask the same question here, with the workbench's ordinary requests
//! (`years`, `year`, `unit_totals`), so a remote workbench needs nothing more.

use std::collections::HashMap;
use std::sync::Arc;

use domain::YearContext;
use domain::lineage::{self, LastYear};

use super::{Workbench, WorkbenchError};

/// Each unit's place last year, by this year's unit code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastYearRanks {
    pub year: u16,
    pub units: HashMap<String, LastYear>,
}

impl LastYearRanks {
    pub fn get(&self, unit: &str) -> Option<&LastYear> {
        self.units.get(unit)
    }
}

/// The year `ctx` is compared with: the year it was opened from (`init --from-year`), else the
/// year before, when the store has it.
pub fn compared_year(
    wb: &dyn Workbench,
    ctx: &YearContext,
) -> Result<Option<(u16, Arc<YearContext>)>, WorkbenchError> {
    let years = wb.years()?;
    let Some(py) = ctx
        .from_year
        .or_else(|| ctx.year.checked_sub(1))
        .filter(|py| *py != ctx.year && years.contains(py))
    else {
        return Ok(None);
    };
    Ok(Some((py, wb.year(py)?)))
}

/// Last year's index (proposed, of the units with data) and rank of every unit of `ctx`;
/// `None` when there is no year to compare with.
pub fn load(
    wb: &dyn Workbench,
    ctx: &YearContext,
) -> Result<Option<LastYearRanks>, WorkbenchError> {
    let Some((py, pctx)) = compared_year(wb, ctx)? else {
        return Ok(None);
    };
    let percent: HashMap<String, i64> = wb
        .unit_totals(py, None)?
        .into_iter()
        .filter(|t| t.items > 0)
        .map(|t| {
            let p = t.proposed_total.percent_of(pctx.framework.total);
            (t.unit, p)
        })
        .collect();
    Ok(Some(LastYearRanks {
        year: py,
        units: lineage::last_year(&ctx.units, &pctx.units, &percent),
    }))
}
