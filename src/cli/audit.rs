//! `thamdinh audit`: the story of one item ("explain this score": `--unit 44 --item 3.2.1`), or
//! the events of a unit, an item, a user or the whole store (SPEC I5), on the screen or into a
//! file (`-o`, written atomically: `audit --format json -o trail.jsonl` exports the whole trail).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use jiff::Timestamp;

use api::story::{StoryError, check_criterion, check_unit_in, load_story};
use api::{HistoryQuery, Workbench};
use domain::ItemKey;
use formats::atomic::write_atomic_with;
use formats::audit::{write_json_lines, write_markdown_head, write_markdown_rows, write_text};
use formats::story;
use l10n::Lang;

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
    /// Only changes at or after this day (01/03/2024, from 00:00 Vietnam time) or time
    /// (2024-03-01T08:00:00+07:00).
    #[arg(long, value_parser = parse_since)]
    pub since: Option<Timestamp>,
    /// Assessment year (default: the store's latest year when --unit or --item is given).
    #[arg(long)]
    pub year: Option<u16>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// With --unit and --item: list the item's events instead of telling its story.
    #[arg(long)]
    pub events: bool,
    /// Write to FILE (atomically) instead of the screen.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Width of the text story when it does not go to a terminal.
const TEXT_WIDTH: usize = 100;

/// `--since`: an instant (RFC 3339), or a day (15/03/2025, 2025-03-15 …) from its first minute
/// in Vietnam time, the zone every date a person types or reads is in.
fn parse_since(s: &str) -> Result<Timestamp, String> {
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    domain::round::parse_date(s)
        .and_then(|d| d.to_zoned(domain::clock::zone()).ok())
        .map(|z| z.timestamp())
        .ok_or_else(|| {
            format!(
                "\"{s}\" không phải một ngày như 01/03/2024 hay một thời điểm như \
                 2024-03-01T08:00:00+07:00 / \"{s}\" is not a date like 01/03/2024 or a time like \
                 2024-03-01T08:00:00+07:00"
            )
        })
}

pub fn run(store: Option<PathBuf>, lang: Lang, a: Args) -> anyhow::Result<ExitCode> {
    let wb = open_workbench(&store_dir(store, lang)?, lang)?;
    let year = if a.unit.is_some() || a.item.is_some() || a.year.is_some() {
        Some(pick_year(&*wb, a.year, lang)?)
    } else {
        None
    };
    if let (Some(y), Some(unit), Some(leaf), false) = (year, &a.unit, &a.item, a.events) {
        let key = ItemKey::new(y, unit.clone(), leaf.clone());
        return tell_story(&*wb, &key, a.format, a.output.as_ref(), lang);
    }
    // A year known only by its published results has its events but no framework or units to
    // check a unit or a criterion against.
    let results_only = match year {
        Some(y) if a.unit.is_none() && a.item.is_none() => {
            !wb.years().map_err(engine_err(lang))?.contains(&y)
                && wb.published(y).map_err(engine_err(lang))?.is_some()
        }
        _ => false,
    };
    if let Some(y) = year.filter(|_| !results_only) {
        let ctx = wb.year(y).map_err(engine_err(lang))?;
        if let Some(u) = &a.unit {
            check_unit_in(&*wb, &ctx, y, u).map_err(|e| anyhow!(e.message(lang)))?;
        }
        // A whole criterion or area may be listed: only an unknown code is an error.
        if let Some(c) = &a.item
            && let Err(e @ StoryError::UnknownCriterion { .. }) = check_criterion(&ctx, y, c)
        {
            return Err(anyhow!(e.message(lang)));
        }
    }
    let q = HistoryQuery {
        year,
        unit: a.unit,
        item: a.item,
        user: a.user,
        since: a.since,
    };
    // The events are written as they arrive, a part at a time: a whole trail is never held.
    let mut count = 0usize;
    let mut failed: Option<api::WorkbenchError> = None;
    let format = a.format;
    let mut write = |out: &mut dyn Write| -> std::io::Result<()> {
        if matches!(format, Format::Md) {
            write_markdown_head(out, lang)?;
        }
        let mut written = Ok(());
        let r = wb.history_pages(&q, &mut |events| {
            count += events.len();
            written = match format {
                Format::Text => write_text(out, &events, lang),
                Format::Md => write_markdown_rows(out, &events, lang),
                Format::Json => write_json_lines(out, &events),
            };
            written
                .as_ref()
                .map_err(|e| api::WorkbenchError::Unavailable {
                    vi: format!("không ghi được: {e}"),
                    en: format!("cannot write: {e}"),
                })?;
            Ok(())
        });
        written?;
        if let Err(e) = r {
            failed = Some(e);
            return Err(std::io::Error::other("the history could not be read"));
        }
        Ok(())
    };
    let output = a.output.clone();
    let done = match &output {
        Some(path) => write_atomic_with(path, write),
        None => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            write(&mut out).and_then(|()| out.flush())
        }
    };
    if let Some(e) = failed {
        return Err(engine_err(lang)(e));
    }
    match &output {
        Some(path) => {
            done.with_context(|| format!("{}", path.display()))?;
            println!(
                "{}",
                match lang {
                    Lang::Vi => format!("Đã ghi {count} sự kiện vào {}.", path.display()),
                    Lang::En => format!("Wrote {count} events to {}.", path.display()),
                }
            );
        }
        None => {
            done?;
            if count == 0 && matches!(a.format, Format::Text) {
                eprintln!(
                    "{}",
                    lang.pick("Không có thay đổi nào khớp.", "No matching changes.")
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// "Explain this score": the story of one item as text, Markdown or JSON.
fn tell_story(
    wb: &dyn Workbench,
    key: &ItemKey,
    format: Format,
    output: Option<&PathBuf>,
    lang: Lang,
) -> anyhow::Result<ExitCode> {
    let s = load_story(wb, key).map_err(|e| anyhow!(e.message(lang)))?;
    let to_terminal = output.is_none() && std::io::stdout().is_terminal();
    let width = if to_terminal {
        ratatui::crossterm::terminal::size()
            .map(|(w, _)| usize::from(w).clamp(40, 120))
            .unwrap_or(TEXT_WIDTH)
    } else {
        TEXT_WIDTH
    };
    let write = |out: &mut dyn Write| match format {
        Format::Text => story::write_text(out, &s, lang, width),
        Format::Md => story::write_markdown(out, &s, lang),
        Format::Json => story::write_json(out, &s),
    };
    match output {
        Some(path) => {
            write_atomic_with(path, write).with_context(|| format!("{}", path.display()))?;
            println!(
                "{}",
                match lang {
                    Lang::Vi => format!(
                        "Đã ghi diễn biến của {}/{} (năm {}) vào {}.",
                        key.unit,
                        key.leaf,
                        key.year,
                        path.display()
                    ),
                    Lang::En => format!(
                        "Wrote the story of {}/{} ({}) to {}.",
                        key.unit,
                        key.leaf,
                        key.year,
                        path.display()
                    ),
                }
            );
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            write(&mut out)?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
