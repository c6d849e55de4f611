//! `thamdinh export`: scores with justifications as CSV, JSON or an XLSX workbook (atomic
//! writes), for every unit or one (`--unit`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, anyhow};

use std::collections::HashMap;
use std::io;

use formats::atomic::write_atomic_with;
use formats::export::{
    CsvCells, ExportRow, totals_of, unit_rows, write_csv_units, write_json_units,
};
use formats::xlsx::write_appraisal_xlsx;
use l10n::Lang;

use super::open::{at_one_seal, engine_err, open_workbench, pick_year, store_dir};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Csv,
    Json,
    /// A workbook: the ranking and one appraisal sheet per unit (with --unit, that unit's
    /// sheet alone).
    Xlsx,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value = "csv")]
    pub format: Format,
    /// Output file (written atomically).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Assessment year (default: the store's latest year).
    #[arg(long)]
    pub year: Option<u16>,
    /// Only this unit (its code, e.g. 44).
    #[arg(long, value_name = "CODE")]
    pub unit: Option<String>,
    /// CSV for programs: every cell as it is. By default a text cell that starts with =, +, -,
    /// @, a tab or a carriage return gets a leading ' so that a spreadsheet does not run it as
    /// a formula (docs/DATA_FORMATS.md).
    #[arg(long)]
    pub raw: bool,
}

pub fn run(store: Option<PathBuf>, lang: Lang, a: Args) -> anyhow::Result<ExitCode> {
    if a.raw && !matches!(a.format, Format::Csv) {
        return Err(raw_needs_csv(lang));
    }
    let wb = open_workbench(&store_dir(store, lang)?, lang)?;
    let year = pick_year(&*wb, a.year, lang)?;
    let y = wb.year(year).map_err(engine_err(lang))?;
    if let Some(code) = &a.unit
        && y.units.unit(code).is_none()
    {
        return Err(anyhow!(match lang {
            Lang::Vi => format!(
                "năm {year} không có đơn vị mã \"{code}\"; xem danh sách bằng thamdinh export -o tệp.csv"
            ),
            Lang::En => format!(
                "year {year} has no unit with code \"{code}\"; list them with thamdinh export -o file.csv"
            ),
        }));
    }
    // Unit by unit: the server holds one unit's items with their texts at a time, and so does
    // this command for a CSV or JSON file, which is written as they come (SPEC P6). The whole
    // file is written again if a change was committed meanwhile (one seal).
    let chosen: Vec<&domain::Unit> = match &a.unit {
        Some(code) => y.units.units.iter().filter(|u| &u.code == code).collect(),
        None => y.units.units.iter().collect(),
    };
    let (rows, seal) = match a.format {
        Format::Csv | Format::Json => at_one_seal(&*wb, lang, || {
            // Ranks need every unit's totals, whichever units are written.
            let scores: HashMap<String, domain::aggregate::UnitScores> = wb
                .unit_totals(year, None)
                .map_err(engine_err(lang))?
                .into_iter()
                .map(|t| (t.unit.clone(), t.scores(&y.framework)))
                .collect();
            let totals = totals_of(&y.framework, &y.units, &scores);
            let mut failed = None;
            let mut todo = chosen.iter();
            let mut next = || -> io::Result<Option<Vec<ExportRow>>> {
                let Some(u) = todo.next() else {
                    return Ok(None);
                };
                match wb.items(year, Some(&u.code)) {
                    Ok(items) => Ok(Some(unit_rows(&y.framework, &y.units, u, year, &items))),
                    Err(e) => {
                        let text = e.message(lang);
                        failed = Some(e);
                        Err(io::Error::other(text))
                    }
                }
            };
            let mut count = 0;
            let written = write_atomic_with(&a.output, |w| {
                count = match a.format {
                    Format::Json => write_json_units(w, year, &totals, &mut next)?,
                    _ => {
                        let cells = if a.raw { CsvCells::Raw } else { CsvCells::Safe };
                        write_csv_units(w, cells, &mut next)?
                    }
                };
                Ok(())
            });
            if let Some(e) = failed {
                return Err(engine_err(lang)(e));
            }
            written.with_context(|| format!("{}", a.output.display()))?;
            Ok(count)
        })?,
        Format::Xlsx => {
            // The workbook is built whole (its ranking sheet needs every unit), from the items
            // asked for unit by unit.
            let (items, seal) = at_one_seal(&*wb, lang, || {
                let mut items = Vec::new();
                for u in &y.units.units {
                    items.extend(wb.items(year, Some(&u.code)).map_err(engine_err(lang))?);
                }
                Ok(items)
            })?;
            let finalized = wb
                .unit_states(year)
                .map_err(engine_err(lang))?
                .iter()
                .filter(|(_, s)| s.finalized.is_some())
                .count();
            write_appraisal_xlsx(
                &a.output,
                &y.framework,
                &y.units,
                year,
                &items,
                a.unit.as_deref(),
                finalized,
                lang,
            )
            .with_context(|| format!("{}", a.output.display()))?;
            (chosen.len() * y.framework.leaf_count(), seal)
        }
    };
    println!(
        "{}",
        match lang {
            Lang::Vi => format!(
                "Đã xuất {} dòng (năm {year}) ra {}. {}.",
                rows,
                a.output.display(),
                seal.line(lang)
            ),
            Lang::En => format!(
                "Exported {} rows ({year}) to {}. {}.",
                rows,
                a.output.display(),
                seal.line(lang)
            ),
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// `--raw` with another format than CSV.
pub fn raw_needs_csv(lang: Lang) -> anyhow::Error {
    anyhow!(lang.pick(
        "--raw chỉ dùng với --format csv (JSON và XLSX luôn ghi văn bản nguyên dạng, không có \
         công thức); hãy bỏ --raw hoặc thêm --format csv",
        "--raw is for --format csv only (JSON and XLSX always hold text as it is, never a \
         formula); drop --raw or add --format csv",
    ))
}
