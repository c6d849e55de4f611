//! `thamdinh import results FILE --year Y` (SPEC I8): the published results of a year (CSV or a
//! workbook), recorded as one event or not at all; every bad row listed with its row and column.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::anyhow;

use domain::{Command, Published, bundled, parse_units};
use formats::results_import::parse_results;
use l10n::Lang;

use super::data::{Source, units_source};
use super::open::{engine_err, open_workbench, store_dir};

#[derive(Debug, clap::Args)]
pub struct ResultsArgs {
    /// The file: CSV or a workbook (.xlsx, .xlsm, .xlsb, .xls, .ods) with the columns don_vi
    /// (unit code or name, a region, or "Cả nước"), chi_so, and optionally hang and
    /// linh_vuc_<area code>.
    pub file: PathBuf,
    /// The year the results are of.
    #[arg(long)]
    pub year: u16,
    /// The unit set the year was assessed on: a units file, or a bundled set's id (tinh-63,
    /// tinh-34). Default: the year's units if the store has the year, else the bundled set for
    /// the year.
    #[arg(long, value_name = "FILE")]
    pub units: Option<String>,
    /// The workbook's sheet to read (default: the first visible sheet).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Replace the year's published results already recorded (needs --reason).
    #[arg(long, requires = "reason")]
    pub replace: bool,
    /// Why the results are replaced (kept in the record).
    #[arg(long, value_name = "REASON")]
    pub reason: Option<String>,
}

/// The bundled unit set whose id is `id`.
fn bundled_set(id: &str) -> Option<Source> {
    bundled::unit_sets()
        .iter()
        .find(|f| parse_units(f.text, f.name).is_ok_and(|u| u.meta.id == id))
        .map(|f| Source {
            file: f.name.to_string(),
            text: f.text.to_string(),
        })
}

/// The unit set named by `--units` (a bundled id or a file), or the default for the year: the
/// set of the year when the store has it (the bundled one with its id), else the bundled set
/// for the year (the 63 provinces up to 2024).
fn units_of(
    wb: &dyn api::Workbench,
    year: u16,
    units: Option<&str>,
    lang: Lang,
) -> anyhow::Result<Source> {
    if let Some(id) = units {
        return match bundled_set(id) {
            Some(s) => Ok(s),
            None => units_source(year, Some(Path::new(id)), lang),
        };
    }
    if wb.years().map_err(engine_err(lang))?.contains(&year) {
        let y = wb.year(year).map_err(engine_err(lang))?;
        return bundled_set(&y.units.meta.id).ok_or_else(|| {
            anyhow!(match lang {
                Lang::Vi => format!(
                    "năm {year} dùng danh sách đơn vị {} (không có sẵn trong chương trình); chỉ rõ bằng --units TỆP",
                    y.units_file
                ),
                Lang::En => format!(
                    "{year} uses the units file {} (not bundled); name it with --units FILE",
                    y.units_file
                ),
            })
        });
    }
    units_source(year, None, lang)
}

pub fn run(store: Option<PathBuf>, lang: Lang, a: ResultsArgs) -> anyhow::Result<ExitCode> {
    let wb = open_workbench(&store_dir(store, lang)?, lang)?;
    let src = units_of(&*wb, a.year, a.units.as_deref(), lang)?;
    let units = super::data::parse_us(&src, lang)?;
    let f = super::import::read_whole(&a.file, a.sheet.as_deref(), lang)?;
    let file = match parse_results(&f.bytes, f.format, &units) {
        Ok(f) => f,
        Err(problems) => {
            super::import::print_problems(&a.file, &problems, lang);
            return Ok(ExitCode::FAILURE);
        }
    };
    let published = Published {
        units_toml: src.text,
        units_file: src.file.clone(),
        source_file: f.name,
        source_sha256: f.sha256,
        rows: file.rows,
        averages: file.averages,
    };
    let (n, averages) = (published.rows.len(), published.averages.len());
    wb.apply(Command::ImportResults {
        year: a.year,
        results: published,
        replace: a.replace,
        reason: a.reason.unwrap_or_default(),
    })
    .map_err(engine_err(lang))?;
    let absent = units.units.len().saturating_sub(n);
    println!(
        "{}",
        match lang {
            Lang::Vi => format!(
                "Đã ghi kết quả công bố năm {}: {n} tỉnh, {averages} điểm trung bình (bộ đơn vị {}); {absent} đơn vị không có số liệu.",
                a.year, src.file
            ),
            Lang::En => format!(
                "Recorded the published results of {}: {n} provinces, {averages} averages (unit set {}); {absent} units have no data.",
                a.year, src.file
            ),
        }
    );
    Ok(ExitCode::SUCCESS)
}
