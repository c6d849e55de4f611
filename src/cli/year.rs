//! `thamdinh year approve|publish|reopen|status`: the year's official result (SPEC D8): the
//! council's approval, the publication, a reopening after approval.

use std::path::PathBuf;
use std::process::ExitCode;

use domain::Command;
use domain::official::Stage;
use domain::round::{format_date, parse_date, today_in_vietnam};
use l10n::Lang;

use super::open::{engine_err, open_workbench, pick_year, store_dir};

#[derive(Debug, clap::Subcommand)]
pub enum YearCmd {
    /// Record the appraisal council's approval of the year's national results (lead only):
    /// every unit must be finalized; the scores are then locked.
    Approve {
        /// Assessment year (default: the store's latest year).
        #[arg(long)]
        year: Option<u16>,
        /// Reference of the council's minutes, e.g. "15/BB-HĐTĐ".
        #[arg(long)]
        minutes: String,
        /// Day of the council's meeting (default: today), e.g. 20/03/2025.
        #[arg(long, value_parser = parse_day)]
        date: Option<jiff::civil::Date>,
    },
    /// Record the day the approved results were published (lead only).
    Publish {
        #[arg(long)]
        year: Option<u16>,
        /// Day of publication (default: today).
        #[arg(long, value_parser = parse_day)]
        date: Option<jiff::civil::Date>,
    },
    /// Reopen approved results to correct them (lead only); reports then say the results
    /// were changed after approval.
    Reopen {
        #[arg(long)]
        year: Option<u16>,
        /// Why they are reopened (kept in the audit trail and printed in the reports).
        #[arg(long)]
        reason: String,
    },
    /// Where the year's official result stands.
    Status {
        #[arg(long)]
        year: Option<u16>,
    },
}

fn parse_day(s: &str) -> Result<jiff::civil::Date, String> {
    parse_date(s).ok_or_else(|| {
        format!("\"{s}\" không phải một ngày như 20/03/2025 (is not a date like 20/03/2025)")
    })
}

pub fn run(store: Option<PathBuf>, lang: Lang, cmd: YearCmd) -> anyhow::Result<ExitCode> {
    let wb = open_workbench(&store_dir(store, lang)?, lang)?;
    let today = today_in_vietnam(jiff::Timestamp::now());
    let year = match &cmd {
        YearCmd::Approve { year, .. }
        | YearCmd::Publish { year, .. }
        | YearCmd::Reopen { year, .. }
        | YearCmd::Status { year } => pick_year(&*wb, *year, lang)?,
    };
    let said = match cmd {
        YearCmd::Approve { minutes, date, .. } => {
            let date = date.unwrap_or(today);
            wb.apply(Command::ApproveResults {
                year,
                minutes,
                date,
            })
            .map_err(engine_err(lang))?;
            match lang {
                Lang::Vi => format!(
                    "Đã ghi nhận: Hội đồng thẩm định thông qua kết quả năm {year} ngày {}. Điểm của năm {year} đã khóa; các báo cáo mang tiêu đề \"Kết quả chính thức\".",
                    format_date(date)
                ),
                Lang::En => format!(
                    "Recorded: the appraisal council approved the results of {year} on {}. The scores of {year} are locked; reports are titled \"Official results\".",
                    format_date(date)
                ),
            }
        }
        YearCmd::Publish { date, .. } => {
            let date = date.unwrap_or(today);
            wb.apply(Command::PublishResults { year, date })
                .map_err(engine_err(lang))?;
            match lang {
                Lang::Vi => format!(
                    "Đã ghi nhận: kết quả năm {year} công bố ngày {}.",
                    format_date(date)
                ),
                Lang::En => format!(
                    "Recorded: the results of {year} were published on {}.",
                    format_date(date)
                ),
            }
        }
        YearCmd::Reopen { reason, .. } => {
            wb.apply(Command::ReopenResults { year, reason })
                .map_err(engine_err(lang))?;
            match lang {
                Lang::Vi => format!(
                    "Đã mở lại kết quả năm {year}: điểm sửa được; các báo cáo ghi rõ kết quả đã thay đổi sau khi thông qua. Thông qua lại bằng: thamdinh year approve --year {year} --minutes \"…\""
                ),
                Lang::En => format!(
                    "Reopened the results of {year}: scores can be changed; reports say the results changed after approval. Approve again with: thamdinh year approve --year {year} --minutes \"…\""
                ),
            }
        }
        YearCmd::Status { .. } => match wb.official(year).map_err(engine_err(lang))? {
            None => match lang {
                Lang::Vi => format!(
                    "Năm {year}: chưa được Hội đồng thông qua; các báo cáo theo điểm đề xuất."
                ),
                Lang::En => format!(
                    "{year}: not approved by the council; reports show the proposed scores."
                ),
            },
            Some(o) => {
                let stage = match (o.stage, lang) {
                    (Stage::Approved, Lang::Vi) => "đã thông qua, điểm đã khóa",
                    (Stage::Published, Lang::Vi) => "đã thông qua và công bố, điểm đã khóa",
                    (Stage::Reopened, Lang::Vi) => "đã mở lại sau khi thông qua, điểm sửa được",
                    (Stage::Approved, Lang::En) => "approved, scores locked",
                    (Stage::Published, Lang::En) => "approved and published, scores locked",
                    (Stage::Reopened, Lang::En) => "reopened after approval, scores editable",
                };
                let mut s = match lang {
                    Lang::Vi => format!("Năm {year}: {stage}."),
                    Lang::En => format!("{year}: {stage}."),
                };
                for line in o.lines(lang) {
                    s.push_str("\n  ");
                    s.push_str(&line);
                }
                s
            }
        },
    };
    println!("{said}");
    Ok(ExitCode::SUCCESS)
}
