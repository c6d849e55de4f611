//! `thamdinh sample`: deterministic sample data in exactly the format `import` reads.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::i18n::Lang;
use crate::sample::{SampleOptions, self_rows, survey_rows, write_self_csv, write_survey_csv};

use super::data::{framework_source, parse_fw, parse_us, units_source};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Kind {
    /// Self-assessments (`import self`).
    #[value(name = "self")]
    SelfScores,
    /// Survey points (`import survey`).
    Survey,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many units (the first N of the year's units; default: all).
    #[arg(long)]
    pub units: Option<usize>,
    #[arg(long)]
    pub year: u16,
    /// Seed: the same seed gives the same data on every machine.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long, value_enum, default_value = "self")]
    pub kind: Kind,
    /// Framework TOML (default: the bundled one for the year).
    #[arg(long, value_name = "FILE", requires = "units_file")]
    pub framework: Option<PathBuf>,
    /// Units TOML (default: the bundled one for the year).
    #[arg(long = "units-file", value_name = "FILE")]
    pub units_file: Option<PathBuf>,
}

pub fn run(lang: Lang, a: Args) -> anyhow::Result<ExitCode> {
    let fw = parse_fw(
        &framework_source(a.year, a.framework.as_deref(), lang)?,
        lang,
    )?;
    let us = parse_us(&units_source(a.year, a.units_file.as_deref(), lang)?, lang)?;
    let opt = SampleOptions {
        year: a.year,
        seed: a.seed,
        units: a.units,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match a.kind {
        Kind::SelfScores => write_self_csv(&self_rows(&fw, &us, &opt), &mut out)?,
        Kind::Survey => write_survey_csv(&survey_rows(&fw, &us, &opt), &mut out)?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
