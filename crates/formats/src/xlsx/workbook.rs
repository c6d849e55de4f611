//! The workbooks `export --format xlsx` and `report ranking --format xlsx` write: built in
//! memory (`Workbook::save_to_buffer`), then written atomically.

use std::collections::HashMap;
use std::io;
use std::path::Path;

use rust_xlsxwriter::{Workbook, XlsxError};

use super::appraisal::{UnitSheet, add_unit_sheet};
use super::ranking::add_ranking_sheet;
use super::style::{SheetNames, Styles, io_err};
use crate::atomic::write_atomic;
use crate::export::{ExportRow, export_rows};
use crate::ranking_report::{RankingReport, ranking_report};
use domain::aggregate::{National, national};
use domain::{Council, Framework, Item, UnitSet};
use l10n::Lang;

/// The sheet name of a unit's appraisal sheet: "44 Quảng Bình" (made valid and unique by
/// `names`).
pub fn unit_sheet_name(names: &mut SheetNames, code: &str, name: &str) -> String {
    names.take(&format!("{code} {name}"))
}

/// The name of the ranking sheet.
pub fn ranking_sheet_name(lang: Lang) -> &'static str {
    lang.pick("Xếp hạng", "Ranking")
}

fn of_year(items: &[Item], year: u16) -> Vec<Item> {
    items
        .iter()
        .filter(|i| i.key.year == year)
        .cloned()
        .collect()
}

/// A workbook with just the national ranking sheet (with the regional averages and the tie rule
/// below the table), as bytes.
pub fn ranking_workbook(report: &RankingReport, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let st = Styles::new();
    add_ranking_sheet(&mut wb, &st, ranking_sheet_name(lang), report, lang)?;
    wb.save_to_buffer()
}

/// Write the ranking workbook (see [`ranking_workbook`]) to `path`, atomically: what
/// `report ranking --format xlsx` writes.
pub fn write_ranking_xlsx(path: &Path, report: &RankingReport, lang: Lang) -> io::Result<()> {
    let bytes = ranking_workbook(report, lang).map_err(io_err)?;
    write_atomic(path, &bytes)
}

/// The appraisal workbook, as bytes: for one unit (`unit` = its code), that unit's appraisal
/// sheet alone; for the whole country, the ranking sheet first, then one appraisal sheet per
/// unit in the unit set's order. `finalized` is the number of finalized units (for the
/// ranking's progress line).
pub fn appraisal_workbook(
    fw: &Framework,
    units: &UnitSet,
    year: u16,
    items: &[Item],
    unit: Option<&str>,
    finalized: usize,
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let year_items = of_year(items, year);
    let nat: National = national(fw, units, &year_items);
    let rows = export_rows(fw, units, year, &year_items);
    let mut by_unit: HashMap<&str, Vec<&ExportRow>> = HashMap::new();
    for r in &rows {
        by_unit.entry(r.unit.as_str()).or_default().push(r);
    }
    let nat_of: HashMap<&str, &domain::aggregate::NationalRow> =
        nat.rows.iter().map(|n| (n.unit.as_str(), n)).collect();
    let mut councils: HashMap<&str, HashMap<&str, &Council>> = HashMap::new();
    for i in &year_items {
        if let Some(c) = &i.appraisal.council {
            councils
                .entry(i.key.unit.as_str())
                .or_default()
                .insert(i.key.leaf.as_str(), c);
        }
    }
    let no_councils = HashMap::new();
    let mut wb = Workbook::new();
    let st = Styles::new();
    let mut names = SheetNames::default();
    let chosen: Vec<&domain::Unit> = match unit {
        Some(code) => vec![units.unit(code).ok_or_else(|| {
            XlsxError::ParameterError(format!("unit {code} is not in the year's units"))
        })?],
        None => {
            let name = names.take(ranking_sheet_name(lang));
            let report = ranking_report(fw, units, year, &year_items, finalized);
            add_ranking_sheet(&mut wb, &st, &name, &report, lang)?;
            units.units.iter().collect()
        }
    };
    for u in chosen {
        let Some(n) = nat_of.get(u.code.as_str()) else {
            continue;
        };
        let unit_rows = by_unit.get(u.code.as_str()).map_or(&[][..], Vec::as_slice);
        let name = unit_sheet_name(&mut names, &u.code, &u.name);
        add_unit_sheet(
            &mut wb,
            &st,
            &name,
            &UnitSheet {
                fw,
                year,
                unit: u,
                rows: unit_rows,
                national: n,
                councils: councils.get(u.code.as_str()).unwrap_or(&no_councils),
            },
            lang,
        )?;
    }
    wb.save_to_buffer()
}

/// Write the appraisal workbook (see [`appraisal_workbook`]) to `path`, atomically.
#[allow(clippy::too_many_arguments)]
pub fn write_appraisal_xlsx(
    path: &Path,
    fw: &Framework,
    units: &UnitSet,
    year: u16,
    items: &[Item],
    unit: Option<&str>,
    finalized: usize,
    lang: Lang,
) -> io::Result<()> {
    let bytes =
        appraisal_workbook(fw, units, year, items, unit, finalized, lang).map_err(io_err)?;
    write_atomic(path, &bytes)
}
