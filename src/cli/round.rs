//! `thamdinh round open|close|list`: explanation rounds (đợt giải trình, SPEC D5).

use std::path::PathBuf;
use std::process::ExitCode;

use domain::round::{format_date, parse_date, today_in_vietnam};
use domain::{Command, RoundScope};
use l10n::Lang;

use super::open::{engine_err, open_workbench, pick_year, store_dir};

#[derive(Debug, clap::Subcommand)]
pub enum RoundCmd {
    /// Open an explanation round (lead only).
    Open {
        /// Assessment year (default: the store's latest year).
        #[arg(long)]
        year: Option<u16>,
        /// First day (default: today), e.g. 01/03/2025 or 2025-03-01.
        #[arg(long, value_parser = parse_day)]
        opens: Option<jiff::civil::Date>,
        /// Last day on which an explanation is on time.
        #[arg(long, value_parser = parse_day)]
        closes: jiff::civil::Date,
        /// Which items are open: lowered (proposed below self, or evidence requested; the
        /// default) or any-decision (every adjustment and evidence request).
        #[arg(long, default_value = "lowered", value_parser = parse_scope)]
        scope: RoundScope,
        /// Only these units (repeat the flag); default: every unit.
        #[arg(long = "unit", value_name = "CODE")]
        units: Vec<String>,
        /// Reference of the letter that opens the round, e.g. "Công văn 512/BNV-CCHC": one line
        /// of at most 1 KiB (a line break in it is kept as a space).
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Close a round: no more explanations are recorded in it (lead only).
    Close {
        number: u32,
        #[arg(long)]
        year: Option<u16>,
        /// Why it closes (kept in the audit trail).
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// List the rounds of a year with their counts.
    List {
        #[arg(long)]
        year: Option<u16>,
    },
}

fn parse_day(s: &str) -> Result<jiff::civil::Date, String> {
    parse_date(s).ok_or_else(|| format!("\"{s}\" is not a date like 15/03/2025 or 2025-03-15"))
}

fn parse_scope(s: &str) -> Result<RoundScope, String> {
    RoundScope::parse(s)
        .ok_or_else(|| format!("unknown scope \"{s}\": use lowered or any-decision"))
}

pub fn run(store: Option<PathBuf>, lang: Lang, cmd: RoundCmd) -> anyhow::Result<ExitCode> {
    let wb = open_workbench(&store_dir(store, lang)?, lang)?;
    let today = today_in_vietnam(jiff::Timestamp::now());
    match cmd {
        RoundCmd::Open {
            year,
            opens,
            closes,
            scope,
            units,
            note,
        } => {
            let year = pick_year(&*wb, year, lang)?;
            let opens = opens.unwrap_or(today);
            let events = wb
                .apply(Command::OpenRound {
                    year,
                    opens,
                    closes,
                    scope,
                    units,
                    note,
                })
                .map_err(engine_err(lang))?;
            let number = events
                .iter()
                .find_map(|e| match &e.body.change {
                    domain::Change::RoundChanged { number, .. } => Some(*number),
                    _ => None,
                })
                .unwrap_or_default();
            println!(
                "{}",
                match lang {
                    Lang::Vi => format!(
                        "Đã mở đợt giải trình {number} năm {year}: {} – {}.",
                        format_date(opens),
                        format_date(closes)
                    ),
                    Lang::En => format!(
                        "Opened explanation round {number} of {year}: {} – {}.",
                        format_date(opens),
                        format_date(closes)
                    ),
                }
            );
        }
        RoundCmd::Close {
            number,
            year,
            reason,
        } => {
            let year = pick_year(&*wb, year, lang)?;
            wb.apply(Command::CloseRound {
                year,
                number,
                reason,
            })
            .map_err(engine_err(lang))?;
            println!(
                "{}",
                match lang {
                    Lang::Vi => format!("Đã đóng đợt giải trình {number} năm {year}."),
                    Lang::En => format!("Closed explanation round {number} of {year}."),
                }
            );
        }
        RoundCmd::List { year } => {
            let year = pick_year(&*wb, year, lang)?;
            let rounds = wb.rounds(year).map_err(engine_err(lang))?;
            if rounds.is_empty() {
                println!(
                    "{}",
                    match lang {
                        Lang::Vi => format!(
                            "Năm {year} chưa có đợt giải trình nào. Mở bằng: thamdinh round open --closes NGÀY"
                        ),
                        Lang::En => format!(
                            "{year} has no explanation round yet. Open one with: thamdinh round open --closes DATE"
                        ),
                    }
                );
                return Ok(ExitCode::SUCCESS);
            }
            let items = wb.items(year, None).map_err(engine_err(lang))?;
            for r in &rounds {
                let here = items
                    .iter()
                    .filter_map(|i| i.appraisal.dispute.as_ref().map(|d| (i, d)))
                    .filter(|(_, d)| d.round == r.number);
                let (mut recorded, mut answered, mut late) = (0, 0, 0);
                for (_, d) in here {
                    recorded += 1;
                    answered += usize::from(d.outcome.is_some());
                    late += usize::from(d.late);
                }
                let awaiting = items.iter().filter(|i| r.awaits(i)).count();
                let state = if r.closed {
                    lang.pick("đã đóng", "closed").to_string()
                } else if r.is_past(today) {
                    lang.pick("quá hạn, chưa đóng", "past its date, not closed")
                        .to_string()
                } else {
                    match lang {
                        Lang::Vi => format!("đang mở, còn {} ngày", r.days_left(today)),
                        Lang::En => format!("open, {} days left", r.days_left(today)),
                    }
                };
                let units = if r.units.is_empty() {
                    lang.pick("mọi đơn vị", "every unit").to_string()
                } else {
                    text::one_line(&r.units.join(", ")).into_owned()
                };
                println!(
                    "{}",
                    match lang {
                        Lang::Vi => format!(
                            "Đợt {}: {} – {} ({state}); {units}; phạm vi: {}{}\n  {recorded} giải trình ({late} nộp muộn), {answered} đã trả lời; {awaiting} tiêu chí {}",
                            r.number,
                            format_date(r.opens),
                            format_date(r.closes),
                            r.scope.label(lang),
                            note(&r.note),
                            if r.is_past(today) {
                                "quá hạn chưa giải trình"
                            } else {
                                "chưa có giải trình"
                            }
                        ),
                        Lang::En => format!(
                            "Round {}: {} – {} ({state}); {units}; scope: {}{}\n  {recorded} explanations ({late} late), {answered} answered; {awaiting} items {}",
                            r.number,
                            format_date(r.opens),
                            format_date(r.closes),
                            r.scope.label(lang),
                            note(&r.note),
                            if r.is_past(today) {
                                "overdue without an explanation"
                            } else {
                                "without an explanation yet"
                            }
                        ),
                    }
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A round's note on the round's line: whatever it holds (a note kept before line breaks were
/// turned into spaces may hold one), one line with every control and format character escaped.
fn note(n: &str) -> String {
    if n.is_empty() {
        String::new()
    } else {
        format!("; {}", text::one_line(n))
    }
}
