//! `thamdinh audit`: history of a unit, an item or a user (SPEC I5).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::anyhow;
use jiff::Timestamp;

use crate::api::HistoryQuery;
use crate::i18n::Lang;
use crate::io::audit::{write_json_lines, write_markdown, write_text};

use super::open::{engine_err, open_workbench, pick_year, store_dir};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Md,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Unit code, e.g. 44.
    #[arg(long)]
    pub unit: Option<String>,
    /// Criterion code, e.g. 3.2.1 (with --unit: one item).
    #[arg(long)]
    pub item: Option<String>,
    /// Only changes by this user.
    #[arg(long)]
    pub user: Option<String>,
    /// Only changes at or after this date (2024-03-01) or time (2024-03-01T08:00:00Z).
    #[arg(long, value_parser = parse_since)]
    pub since: Option<Timestamp>,
    /// Assessment year (default: the store's latest year when --unit or --item is given).
    #[arg(long)]
    pub year: Option<u16>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

fn parse_since(s: &str) -> Result<Timestamp, String> {
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    s.parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp())
        .ok_or_else(|| {
            format!("\"{s}\" is not a date like 2024-03-01 or a time like 2024-03-01T08:00:00Z")
        })
}

pub fn run(store: Option<PathBuf>, lang: Lang, a: Args) -> anyhow::Result<ExitCode> {
    let wb = open_workbench(&store_dir(store)?, lang)?;
    let year = if a.unit.is_some() || a.item.is_some() || a.year.is_some() {
        Some(pick_year(&*wb, a.year, lang)?)
    } else {
        None
    };
    if let Some(y) = year {
        let ctx = wb.year(y).map_err(engine_err(lang))?;
        if let Some(u) = &a.unit
            && ctx.units.unit(u).is_none()
        {
            return Err(anyhow!(match lang {
                Lang::Vi => format!("không có đơn vị mã \"{u}\" trong năm {y}."),
                Lang::En => format!("there is no unit \"{u}\" in {y}."),
            }));
        }
        if let Some(c) = &a.item
            && ctx.framework.node(c).is_none()
        {
            return Err(anyhow!(match lang {
                Lang::Vi => format!("không có tiêu chí \"{c}\" trong năm {y}."),
                Lang::En => format!("there is no criterion \"{c}\" in {y}."),
            }));
        }
    }
    let q = HistoryQuery {
        year,
        unit: a.unit,
        item: a.item,
        user: a.user,
        since: a.since,
    };
    let events = wb.history(&q).map_err(engine_err(lang))?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match a.format {
        Format::Text => write_text(&mut out, &events, lang)?,
        Format::Md => write_markdown(&mut out, &events, lang)?,
        Format::Json => write_json_lines(&mut out, &events)?,
    }
    out.flush()?;
    if events.is_empty() && matches!(a.format, Format::Text) {
        eprintln!(
            "{}",
            lang.pick("Không có thay đổi nào khớp.", "No matching changes.")
        );
    }
    Ok(ExitCode::SUCCESS)
}
