//! `thamdinh export`: scores with justifications as CSV or JSON (atomic writes).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::i18n::Lang;
use crate::io::export::{export_rows, unit_totals, write_csv, write_json};

use super::open::{engine_err, open_workbench, pick_year, store_dir};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Csv,
    Json,
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
}

pub fn run(store: Option<PathBuf>, lang: Lang, a: Args) -> anyhow::Result<ExitCode> {
    let wb = open_workbench(&store_dir(store)?, lang)?;
    let year = pick_year(&*wb, a.year, lang)?;
    let y = wb.year(year).map_err(engine_err(lang))?;
    let items = wb.items(year, None).map_err(engine_err(lang))?;
    let rows = export_rows(&y.framework, &y.units, year, &items);
    match a.format {
        Format::Csv => write_csv(&a.output, &rows),
        Format::Json => write_json(
            &a.output,
            year,
            &rows,
            &unit_totals(&y.framework, &y.units, year, &items),
        ),
    }
    .with_context(|| format!("{}", a.output.display()))?;
    println!(
        "{}",
        match lang {
            Lang::Vi => format!(
                "Đã xuất {} dòng (năm {year}) ra {}.",
                rows.len(),
                a.output.display()
            ),
            Lang::En => format!(
                "Exported {} rows ({year}) to {}.",
                rows.len(),
                a.output.display()
            ),
        }
    );
    Ok(ExitCode::SUCCESS)
}
