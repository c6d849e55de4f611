//! `thamdinh template`: write an empty import workbook (self-assessment or survey points) with
//! the year's units and criteria, for provinces to fill in and send back.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, anyhow};

use domain::{Framework, UnitSet};
use formats::xlsx::{TemplateKind, write_template};
use l10n::Lang;

use super::data::{framework_source, parse_fw, parse_us, units_source};
use super::open::{engine_err, open_workbench, pick_year, store_dir};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Kind {
    /// A province's self-assessment (appraised criteria, with note and evidence).
    #[value(name = "self")]
    SelfAssessment,
    /// Survey points (survey criteria).
    Survey,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Assessment year (default: the store's latest year). Without a store, the bundled
    /// framework and units of this year are used.
    #[arg(long)]
    pub year: Option<u16>,
    /// What the template collects.
    #[arg(long, value_enum, default_value = "self")]
    pub kind: Kind,
    /// One row per criterion for this unit only (its code, e.g. 44); default: every unit.
    #[arg(long, value_name = "CODE")]
    pub unit: Option<String>,
    /// Output workbook (.xlsx, written atomically).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
}

pub fn run(store: Option<PathBuf>, lang: Lang, a: Args) -> anyhow::Result<ExitCode> {
    let dir = store_dir(store, lang)?;
    let (fw, units, year): (Framework, UnitSet, u16) = if store::Store::exists(&dir) {
        let wb = open_workbench(&dir, lang)?;
        let year = pick_year(&*wb, a.year, lang)?;
        let y = wb.year(year).map_err(engine_err(lang))?;
        (y.framework.clone(), y.units.clone(), year)
    } else {
        let year = a.year.ok_or_else(|| {
            anyhow!(match lang {
                Lang::Vi => format!(
                    "chưa có kho dữ liệu ở {}; hãy chỉ định --store THƯ_MỤC, hoặc --year NĂM để \
                     dùng bộ tiêu chí và danh sách đơn vị kèm sẵn",
                    dir.display()
                ),
                Lang::En => format!(
                    "there is no store in {}; pass --store DIR, or --year YEAR to use the \
                     bundled framework and units",
                    dir.display()
                ),
            })
        })?;
        let fw = parse_fw(&framework_source(year, None, lang)?, lang)?;
        let units = parse_us(&units_source(year, None, lang)?, lang)?;
        (fw, units, year)
    };
    if let Some(code) = &a.unit
        && units.unit(code).is_none()
    {
        return Err(anyhow!(match lang {
            Lang::Vi => format!("năm {year} không có đơn vị mã \"{code}\""),
            Lang::En => format!("year {year} has no unit with code \"{code}\""),
        }));
    }
    let kind = match a.kind {
        Kind::SelfAssessment => TemplateKind::SelfAssessment,
        Kind::Survey => TemplateKind::Survey,
    };
    write_template(&a.output, &fw, &units, year, kind, a.unit.as_deref(), lang)
        .with_context(|| format!("{}", a.output.display()))?;
    let method = match kind {
        TemplateKind::SelfAssessment => domain::Method::Appraised,
        TemplateKind::Survey => domain::Method::Survey,
    };
    let leaves = fw.leaves().filter(|n| n.method == method).count();
    let n_units = if a.unit.is_some() {
        1
    } else {
        units.units.len()
    };
    let cmd = match kind {
        TemplateKind::SelfAssessment => "import self",
        TemplateKind::Survey => "import survey",
    };
    println!(
        "{}",
        match lang {
            Lang::Vi => format!(
                "Đã ghi mẫu {} ({n_units} đơn vị × {leaves} tiêu chí = {} dòng, năm {year}). \
                 Sau khi điền: thamdinh {cmd} {} --dry-run",
                a.output.display(),
                n_units * leaves,
                a.output.display()
            ),
            Lang::En => format!(
                "Wrote the template {} ({n_units} units × {leaves} criteria = {} rows, {year}). \
                 Once filled in: thamdinh {cmd} {} --dry-run",
                a.output.display(),
                n_units * leaves,
                a.output.display()
            ),
        }
    );
    Ok(ExitCode::SUCCESS)
}
