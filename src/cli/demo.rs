//! `thamdinh demo`: open the demo store, building it on first use.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, anyhow};

use api::Workbench;
use domain::aggregate::national;
use l10n::Lang;
use sample::demo::{self, DEMO_YEAR};

use super::open::{engine_err, open_workbench, os_user};
use super::workbench::{self, UiArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Throw the demo store away and build it again.
    #[arg(long)]
    pub fresh: bool,
    /// Demo store directory (default: `demo` in your data directory).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

pub fn demo_dir(dir: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    match dir {
        Some(d) => Ok(d),
        None => super::open::demo_store_dir(),
    }
}

/// Open the demo store through its server, building the store first if it does not exist.
/// The build runs in-process (nobody else can be using a brand-new store); then the store is
/// served like any other.
pub fn open_demo(
    dir: &std::path::Path,
    fresh: bool,
    lang: Lang,
) -> anyhow::Result<Arc<dyn Workbench>> {
    if fresh && dir.exists() {
        // A server of the old demo notices its socket is gone and stops by itself.
        std::fs::remove_dir_all(dir).with_context(|| format!("{}", dir.display()))?;
    }
    if !store::Store::exists(dir) {
        eprintln!(
            "{}",
            match lang {
                Lang::Vi => format!("Đang tạo kho dữ liệu mẫu tại {} …", dir.display()),
                Lang::En => format!("Building the demo store in {} …", dir.display()),
            }
        );
        if let Some(parent) = dir.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("{}", parent.display()))?;
        }
        let built = demo::build(dir, &os_user()?, None)
            .and_then(|wb| demo::add_survey(&wb).map(|_| wb))
            .map_err(|e| {
                // A half-built demo is useless: remove it so the next run starts clean.
                let _ = std::fs::remove_dir_all(dir);
                anyhow!("{e}")
            })?;
        // Close the store so its server can open it.
        drop(built);
    }
    open_workbench(dir, lang)
}

pub fn run(lang: Lang, ui: &UiArgs, a: Args) -> anyhow::Result<ExitCode> {
    let dir = demo_dir(a.dir)?;
    let wb = open_demo(&dir, a.fresh, lang)?;
    if !workbench::interactive() {
        return print_summary(&*wb, &dir, lang);
    }
    workbench::open(wb, lang, ui, None)?;
    Ok(ExitCode::SUCCESS)
}

fn print_summary(
    wb: &dyn Workbench,
    dir: &std::path::Path,
    lang: Lang,
) -> anyhow::Result<ExitCode> {
    let year = wb
        .years()
        .map_err(engine_err(lang))?
        .last()
        .copied()
        .unwrap_or(DEMO_YEAR);
    let y = wb.year(year).map_err(engine_err(lang))?;
    let items = wb.items(year, None).map_err(engine_err(lang))?;
    let n = national(&y.framework, &y.units, &items);
    let events = wb.last_seq().map_err(engine_err(lang))?;
    match lang {
        Lang::Vi => println!(
            "Kho mẫu: {}\nNăm {year}: {} đơn vị × {} mục chấm điểm, {} sự kiện.\nĐã thẩm định {}/{} tiêu chí; điều chỉnh {}, đang giải trình {}.\n",
            dir.display(),
            y.units.units.len(),
            y.framework.leaf_count(),
            events,
            n.reviewed,
            n.leaves,
            n.adjusted,
            n.disputes
        ),
        Lang::En => println!(
            "Demo store: {}\nYear {year}: {} units × {} scored items, {} events.\nReviewed {}/{} items; {} adjusted, {} disputed.\n",
            dir.display(),
            y.units.units.len(),
            y.framework.leaf_count(),
            events,
            n.reviewed,
            n.leaves,
            n.adjusted,
            n.disputes
        ),
    }
    println!(
        "{:>4} {:>4}  {:<24} {:>8} {:>8} {:>7}",
        lang.pick("Hạng", "Rank"),
        lang.pick("(tự)", "(self)"),
        lang.pick("Đơn vị", "Unit"),
        lang.pick("Tự chấm", "Self"),
        lang.pick("Đề xuất", "Proposed"),
        lang.pick("Nhóm", "Group")
    );
    for r in n.rows.iter().take(10) {
        println!(
            "{:>4} {:>4}  {:<24} {:>8} {:>8} {:>7}",
            r.rank.proposed,
            format!("({})", r.rank.self_),
            r.name,
            domain::number::percent(r.percent.self_, lang),
            domain::number::percent(r.percent.proposed, lang),
            r.group.proposed.clone().unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `thamdinh` with no subcommand: the workbench on the store (a summary without a terminal).
pub fn open_store(store: Option<PathBuf>, lang: Lang, ui: &UiArgs) -> anyhow::Result<ExitCode> {
    let dir = super::open::store_dir(store, lang)?;
    let wb = open_workbench(&dir, lang)?;
    if !workbench::interactive() {
        return print_summary(&*wb, &dir, lang);
    }
    workbench::open(wb, lang, ui, None)?;
    Ok(ExitCode::SUCCESS)
}
