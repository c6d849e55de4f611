//! Recording the published results of a year (`import results`, SPEC I8, lead only): a year known by its
//! published results, so that the next year has a base to be compared with.

use crate::OrStore;
use api::TextOf;
use domain::limits::TextField;
use domain::{Change, ItemKey, Published, parse_units};

use super::{Ctx, WorkbenchError, check_len, limited};

pub(crate) fn import_results(
    ctx: &mut Ctx,
    year: u16,
    results: Published,
    replace: bool,
    reason: String,
) -> Result<(), WorkbenchError> {
    let store = &ctx.engine.store;
    // A year appraised here is compared by its own appraisal: published figures beside it would
    // be a second, conflicting truth.
    if store.year_data(year).or_store()?.is_some() {
        let items = store.item_summaries(year).or_store()?.len();
        if items > 0 {
            return Err(WorkbenchError::YearHasItems { year, items });
        }
    }
    check_len(&results.units_file, TextField::UnitsFile, || TextOf::Year {
        year,
    })?;
    check_len(&results.source_file, TextField::UnitsFile, || {
        TextOf::Year { year }
    })?;
    let units = parse_units(&results.units_toml, &results.units_file).map_err(|problems| {
        WorkbenchError::from(domain::YearFileError {
            file: results.units_file.clone(),
            problems,
        })
    })?;
    let faults = results.check(&units);
    if !faults.is_empty() {
        return Err(WorkbenchError::BadResults { year, faults });
    }
    let before = store.published(year).or_store()?;
    let reason = match &before {
        None => String::new(),
        Some(b) if !replace => {
            return Err(WorkbenchError::ResultsExist {
                year,
                file: b.source_file.clone(),
            });
        }
        Some(_) => {
            let reason = limited(&reason, TextField::ReopenReason, || TextOf::Year { year })?;
            if reason.trim().is_empty() {
                return Err(WorkbenchError::TextRequired {
                    key: ItemKey::new(year, "", ""),
                    field: "reason".into(),
                });
            }
            reason
        }
    };
    ctx.push(
        Change::ResultsPublished {
            year,
            before,
            after: results,
        },
        reason,
    );
    Ok(())
}
