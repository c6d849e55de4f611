//! `thamdinh sample`: deterministic sample data in exactly the format `import` reads, and the
//! benchmark scales (SPEC P1–P7): their files, their rows, or a whole store.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{anyhow, bail};

use domain::{parse_framework, parse_units};
use l10n::Lang;
use sample::build::build_spec;
use sample::scale::Scale;
use sample::{SampleOptions, self_rows, survey_rows, write_self_csv, write_survey_csv};

use super::data::{framework_source, parse_fw, parse_us, units_source};
use super::open::os_user;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Kind {
    /// Self-assessments (`import self`).
    #[value(name = "self")]
    SelfScores,
    /// Survey points (`import survey`).
    Survey,
    /// SIPAS answers (`import responses`): --per-unit respondents per unit.
    Responses,
    /// The framework file of a --scale (for `init --framework`).
    Framework,
    /// The units file of a --scale (for `init --units`).
    Units,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ScaleArg {
    /// 63 provinces × 88 criteria × 10 years (2015–2024), about 0.5 million events.
    National,
    /// 2,000 units × 100 criteria × 5 years (2020–2024), about 5 million events.
    Large,
}

impl From<ScaleArg> for Scale {
    fn from(s: ScaleArg) -> Scale {
        match s {
            ScaleArg::National => Scale::National,
            ScaleArg::Large => Scale::Large,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many units (the first N of the year's units; default: all).
    #[arg(long)]
    pub units: Option<usize>,
    /// The assessment year of the rows (not needed with --build or --kind framework|units).
    #[arg(long)]
    pub year: Option<u16>,
    /// Seed: the same seed gives the same data on every machine.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long, value_enum, default_value = "self")]
    pub kind: Kind,
    /// Framework TOML (default: the bundled one for the year).
    #[arg(
        long,
        value_name = "FILE",
        requires = "units_file",
        conflicts_with = "scale"
    )]
    pub framework: Option<PathBuf>,
    /// Units TOML (default: the bundled one for the year).
    #[arg(long = "units-file", value_name = "FILE", conflicts_with = "scale")]
    pub units_file: Option<PathBuf>,
    /// A benchmark scale: its framework and units instead of the bundled ones.
    #[arg(long, value_enum)]
    pub scale: Option<ScaleArg>,
    /// Build a new store in DIR with the scale's whole history, through the same rules as every
    /// command (national: about a minute; large: many minutes and several GB).
    #[arg(long, value_name = "DIR", requires = "scale")]
    pub build: Option<PathBuf>,
    /// With --build: only the scale's last N years (the last one is still in progress).
    #[arg(long, value_name = "N", requires = "build")]
    pub years: Option<usize>,
    /// With --kind responses: respondents per unit.
    #[arg(long, value_name = "N", default_value_t = 600)]
    pub per_unit: u32,
}

pub fn run(lang: Lang, a: Args) -> anyhow::Result<ExitCode> {
    let scale = a.scale.map(Scale::from);
    if let (Some(scale), Some(dir)) = (scale, &a.build) {
        return build(lang, scale, dir, a.seed, a.years);
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if let (Some(scale), Kind::Framework | Kind::Units) = (scale, a.kind) {
        let (text, _) = match a.kind {
            Kind::Framework => scale.framework_source(),
            _ => scale.units_source(),
        };
        out.write_all(text.as_bytes())?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let Some(year) = a.year else {
        bail!(
            "{}",
            lang.pick(
                "cần --year (năm đánh giá của các dòng)",
                "--year is needed (the assessment year of the rows)"
            )
        );
    };
    let (fw, us) = match scale {
        Some(scale) => {
            let (fw, fw_name) = scale.framework_source();
            let (us, us_name) = scale.units_source();
            (
                parse_framework(&fw, &fw_name).map_err(|e| anyhow!("{}", e[0]))?,
                parse_units(&us, &us_name).map_err(|e| anyhow!("{}", e[0]))?,
            )
        }
        None => (
            parse_fw(&framework_source(year, a.framework.as_deref(), lang)?, lang)?,
            parse_us(&units_source(year, a.units_file.as_deref(), lang)?, lang)?,
        ),
    };
    let opt = SampleOptions {
        year,
        seed: a.seed,
        units: a.units,
    };
    match a.kind {
        Kind::SelfScores => write_self_csv(&self_rows(&fw, &us, &opt), &mut out)?,
        Kind::Survey => write_survey_csv(&survey_rows(&fw, &us, &opt), &mut out)?,
        Kind::Responses => {
            let def = domain::bundled::survey(domain::bundled::DEFAULT_SURVEY)
                .ok_or_else(|| anyhow!("no bundled survey"))?;
            let rows = sample::responses::responses(&def, &us, &opt, a.per_unit);
            sample::responses::write_responses_csv(&def, rows, &mut out)?;
        }
        Kind::Framework | Kind::Units => bail!(
            "{}",
            lang.pick(
                "--kind framework|units cần --scale",
                "--kind framework|units needs --scale"
            )
        ),
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn build(
    lang: Lang,
    scale: Scale,
    dir: &std::path::Path,
    seed: u64,
    years: Option<usize>,
) -> anyhow::Result<ExitCode> {
    if store::Store::exists(dir) {
        bail!(
            "{}",
            match lang {
                Lang::Vi => format!("{} đã có kho dữ liệu; hãy chọn thư mục khác", dir.display()),
                Lang::En => format!(
                    "{} already holds a store; choose another folder",
                    dir.display()
                ),
            }
        );
    }
    let spec = match years {
        Some(n) => scale.spec_last_years(n),
        None => scale.spec(),
    };
    let report = build_spec(dir, &os_user()?, &spec, seed, &mut |line| {
        eprintln!("{line}")
    })
    .map_err(|e| {
        // A half-built store is useless: remove it so the next run starts clean.
        let _ = std::fs::remove_dir_all(dir);
        anyhow!("{e}")
    })?;
    println!(
        "{}",
        match lang {
            Lang::Vi => format!(
                "Đã tạo kho {} ({}): {} năm, {} đơn vị × {} tiêu chí, {} mục, {} sự kiện, {:.0} giây.",
                dir.display(),
                scale.name(),
                report.years.len(),
                report.units,
                report.leaves,
                report.items,
                report.events,
                report.elapsed.as_secs_f64()
            ),
            Lang::En => format!(
                "Built {} ({}): {} years, {} units × {} criteria, {} items, {} events, {:.0} s.",
                dir.display(),
                scale.name(),
                report.years.len(),
                report.units,
                report.leaves,
                report.items,
                report.events,
                report.elapsed.as_secs_f64()
            ),
        }
    );
    Ok(ExitCode::SUCCESS)
}
