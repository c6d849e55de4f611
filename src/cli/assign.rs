//! `thamdinh assign`: who appraises which unit, or which area of a unit (SPEC S6).
//!
//! `thamdinh assign --unit U [--area A] --to USER` assigns, `--clear` removes an assignment,
//! `assign list` shows them with each one's progress and the progress per appraiser, and
//! `assign enforce on|off` makes an edit of someone else's item a refusal or only a warning.

use std::path::PathBuf;
use std::process::ExitCode;

use domain::Command;
use domain::assignment::Progress;
use l10n::Lang;
use text::{fit, one_line, width};

use super::open::{engine_err, open_workbench, pick_year, store_dir};

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Args {
    #[command(subcommand)]
    pub cmd: Option<AssignCmd>,
    /// Assessment year (default: the store's latest year).
    #[arg(long)]
    pub year: Option<u16>,
    /// The unit's code.
    #[arg(long, value_name = "CODE", required = true)]
    pub unit: Option<String>,
    /// Only this area (a top-level code of the framework, e.g. 3); default: the whole unit.
    #[arg(long, value_name = "CODE")]
    pub area: Option<String>,
    /// The appraiser (a member with the role appraiser or lead).
    #[arg(long, value_name = "USER", required_unless_present = "clear")]
    pub to: Option<String>,
    /// Remove the assignment instead.
    #[arg(long, conflicts_with = "to")]
    pub clear: bool,
}

#[derive(Debug, clap::Subcommand)]
pub enum AssignCmd {
    /// List the assignments of a year with their progress, and the progress per appraiser.
    List {
        #[arg(long)]
        year: Option<u16>,
    },
    /// Enforce the year's assignments (on: an edit of someone else's item is refused; off, the
    /// default: it is done with a warning). Lead only.
    Enforce {
        /// on or off.
        #[arg(action = clap::ArgAction::Set, value_parser = parse_on_off)]
        state: bool,
        #[arg(long)]
        year: Option<u16>,
    },
}

fn parse_on_off(s: &str) -> Result<bool, String> {
    match s {
        "on" | "bat" | "bật" => Ok(true),
        "off" | "tat" | "tắt" => Ok(false),
        _ => Err(format!("\"{s}\" is neither on nor off")),
    }
}

pub fn run(store: Option<PathBuf>, lang: Lang, args: Args) -> anyhow::Result<ExitCode> {
    let wb = open_workbench(&store_dir(store, lang)?, lang)?;
    match args.cmd {
        Some(AssignCmd::List { year }) => {
            let year = pick_year(&*wb, year, lang)?;
            list(&*wb, year, lang)?;
        }
        Some(AssignCmd::Enforce { state, year }) => {
            let year = pick_year(&*wb, year, lang)?;
            wb.apply(Command::EnforceAssignments { year, on: state })
                .map_err(engine_err(lang))?;
            println!(
                "{}",
                match (lang, state) {
                    (Lang::Vi, true) => format!(
                        "Năm {year}: bắt buộc theo phân công — sửa tiêu chí được phân công cho người khác sẽ bị từ chối (trưởng nhóm vẫn sửa được)."
                    ),
                    (Lang::Vi, false) => format!(
                        "Năm {year}: không bắt buộc theo phân công — sửa tiêu chí được phân công cho người khác vẫn được, kèm cảnh báo."
                    ),
                    (Lang::En, true) => format!(
                        "{year}: assignments enforced — an edit of an item assigned to someone else is refused (a lead may still edit)."
                    ),
                    (Lang::En, false) => format!(
                        "{year}: assignments not enforced — an edit of an item assigned to someone else is done, with a warning."
                    ),
                }
            );
        }
        None => {
            let year = pick_year(&*wb, args.year, lang)?;
            // clap requires --unit without a subcommand.
            let unit = args.unit.unwrap_or_default();
            let to = if args.clear { None } else { args.to };
            wb.apply(Command::Assign {
                year,
                unit: unit.clone(),
                area: args.area.clone(),
                to: to.clone(),
            })
            .map_err(engine_err(lang))?;
            let what = match (&args.area, lang) {
                (Some(a), Lang::Vi) => {
                    format!("lĩnh vực {} của đơn vị {}", one_line(a), one_line(&unit))
                }
                (Some(a), Lang::En) => format!("area {} of unit {}", one_line(a), one_line(&unit)),
                (None, Lang::Vi) => format!("đơn vị {}", one_line(&unit)),
                (None, Lang::En) => format!("unit {}", one_line(&unit)),
            };
            println!(
                "{}",
                match (&to, lang) {
                    (Some(u), Lang::Vi) =>
                        format!("Năm {year}: {what} được phân công cho {}.", one_line(u)),
                    (Some(u), Lang::En) => format!("{year}: {what} assigned to {}.", one_line(u)),
                    (None, Lang::Vi) => format!("Năm {year}: đã bỏ phân công {what}."),
                    (None, Lang::En) => format!("{year}: {what} is no longer assigned."),
                }
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The table of a year's assignments: unit, area, appraiser, progress; then the progress per
/// appraiser and whether the year enforces them.
fn list(wb: &dyn api::Workbench, year: u16, lang: Lang) -> anyhow::Result<()> {
    let y = wb.year(year).map_err(engine_err(lang))?;
    let a = wb.assignments(year).map_err(engine_err(lang))?;
    if a.list.is_empty() {
        println!(
            "{}",
            match lang {
                Lang::Vi => format!(
                    "Năm {year} chưa có phân công nào. Trưởng nhóm phân công bằng: thamdinh assign --year {year} --unit MÃ --to NGƯỜI_DÙNG"
                ),
                Lang::En => format!(
                    "{year} has no assignment yet. A lead assigns with: thamdinh assign --year {year} --unit CODE --to USER"
                ),
            }
        );
        return Ok(());
    }
    let items = wb.items(year, None).map_err(engine_err(lang))?;
    let progress = a.progress(&y.framework, &items);
    let head = [
        lang.pick("Đơn vị", "Unit"),
        lang.pick("Lĩnh vực", "Area"),
        lang.pick("Người thẩm định", "Appraiser"),
        lang.pick("Tiến độ", "Progress"),
    ];
    let rows: Vec<[String; 4]> = a
        .list
        .iter()
        .zip(&progress)
        .map(|(x, p)| {
            let unit = match y.units.unit(&x.unit) {
                Some(u) => format!("{} {}", x.unit, u.name),
                None => x.unit.clone(),
            };
            let area = match &x.area {
                Some(code) => match y.framework.node(code) {
                    Some(n) => format!("{code} {}", n.name),
                    None => code.clone(),
                },
                None => lang.pick("(cả đơn vị)", "(whole unit)").to_string(),
            };
            [
                one_line(&unit).into_owned(),
                one_line(&area).into_owned(),
                one_line(&x.user).into_owned(),
                show_progress(*p),
            ]
        })
        .collect();
    // Columns as wide as their content, the area's at most 40 columns.
    let mut widths: Vec<usize> = head.iter().map(|h| width(h)).collect();
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(width(c));
        }
    }
    widths[1] = widths[1].min(40);
    let line = |cells: [&str; 4]| -> String {
        let mut s = String::new();
        for (i, (c, w)) in cells.iter().zip(&widths).enumerate() {
            if i == 3 {
                s.push_str(c);
            } else {
                s.push_str(&fit(c, *w));
                s.push_str("  ");
            }
        }
        s.trim_end().to_string()
    };
    println!("{}", line(head));
    for r in &rows {
        println!("{}", line([&r[0], &r[1], &r[2], &r[3]]));
    }
    let by_user: Vec<String> = a
        .progress_by_user(&progress)
        .into_iter()
        .map(|(u, p)| format!("{} {}", one_line(&u), show_progress(p)))
        .collect();
    println!();
    println!(
        "{}: {}",
        lang.pick("Tiến độ theo người", "Progress per appraiser"),
        by_user.join(" · ")
    );
    println!(
        "{}",
        match (lang, a.enforced) {
            (Lang::Vi, true) => format!(
                "Bắt buộc theo phân công: bật (tắt bằng: thamdinh assign enforce off --year {year})"
            ),
            (Lang::Vi, false) => format!(
                "Bắt buộc theo phân công: tắt — chỉ cảnh báo (bật bằng: thamdinh assign enforce on --year {year})"
            ),
            (Lang::En, true) => format!(
                "Assignments enforced: on (turn off with: thamdinh assign enforce off --year {year})"
            ),
            (Lang::En, false) => format!(
                "Assignments enforced: off — warnings only (turn on with: thamdinh assign enforce on --year {year})"
            ),
        }
    );
    Ok(())
}

fn show_progress(p: Progress) -> String {
    format!("{}/{}", p.done, p.total)
}
