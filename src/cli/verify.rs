//! `thamdinh verify` (hash chain + replay check, SPEC I5, R6) and `thamdinh rebuild` (recompute
//! the stored state from the event log when verify found them apart).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::anyhow;

use l10n::Lang;
use store::Store;

use super::open::{open_workbench, store_dir};

/// Runs in the store's server (which owns the database) and prints its report.
pub fn run(store: Option<PathBuf>, lang: Lang) -> anyhow::Result<ExitCode> {
    let dir = store_dir(store)?;
    let wb = open_workbench(&dir, lang)?;
    let t = Instant::now();
    let r = wb.verify().map_err(|e| anyhow!(e.message(lang)))?;
    let secs = t.elapsed().as_secs_f64();
    let head = if r.ok() {
        "OK"
    } else {
        lang.pick("HỎNG", "BROKEN")
    };
    let line = format!("{head}: {} ({secs:.2} s)", r.message(lang));
    if r.ok() {
        println!("{line}");
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("{line}");
        Ok(ExitCode::FAILURE)
    }
}

/// Runs on the store directly: the server must be stopped (the store's lock says so if not).
pub fn rebuild(store: Option<PathBuf>, lang: Lang) -> anyhow::Result<ExitCode> {
    let dir = store_dir(store)?;
    let store = Store::open(&dir).map_err(|e| anyhow!(e.message(lang)))?;
    let n = store.rebuild().map_err(|e| anyhow!(e.message(lang)))?;
    let r = store.verify().map_err(|e| anyhow!(e.message(lang)))?;
    println!(
        "{}",
        match lang {
            Lang::Vi => format!("Đã dựng lại trạng thái từ {n} sự kiện. {}", r.message(lang)),
            Lang::En => format!("Rebuilt the state from {n} events. {}", r.message(lang)),
        }
    );
    Ok(if r.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
