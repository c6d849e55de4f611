//! `thamdinh export`: scores with justifications as CSV, JSON or an XLSX workbook (atomic
//! writes), for every unit or one (`--unit`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, anyhow};

use formats::export::{CsvCells, export_rows, unit_totals, write_csv, write_json};
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
    let wb = open_workbench(&store_dir(store)?, lang)?;
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
    let (items, seal) = at_one_seal(&*wb, lang, || {
        wb.items(year, None).map_err(engine_err(lang))
    })?;
    let mut rows = export_rows(&y.framework, &y.units, year, &items);
    let mut totals = unit_totals(&y.framework, &y.units, year, &items);
    if let Some(code) = &a.unit {
        rows.retain(|r| &r.unit == code);
        totals.retain(|t| &t.unit == code);
    }
    match a.format {
        Format::Csv => write_csv(
            &a.output,
            &rows,
            if a.raw { CsvCells::Raw } else { CsvCells::Safe },
        ),
        Format::Json => write_json(&a.output, year, &rows, &totals),
        Format::Xlsx => {
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
        }
    }
    .with_context(|| format!("{}", a.output.display()))?;
    println!(
        "{}",
        match lang {
            Lang::Vi => format!(
                "Đã xuất {} dòng (năm {year}) ra {}. {}.",
                rows.len(),
                a.output.display(),
                seal.line(lang)
            ),
            Lang::En => format!(
                "Exported {} rows ({year}) to {}. {}.",
                rows.len(),
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
