//! `thamdinh verify`: hash chain + replay check (SPEC I5, R6).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::anyhow;

use crate::i18n::Lang;

use super::open::{open_workbench, store_dir};

/// Runs in the store's server (which owns the database) and prints its report.
pub fn run(store: Option<PathBuf>, lang: Lang) -> anyhow::Result<ExitCode> {
    let dir = store_dir(store)?;
    let wb = open_workbench(&dir, lang)?;
    let t = Instant::now();
    let r = wb.verify().map_err(|e| anyhow!(e.message(lang)))?;
    let secs = t.elapsed().as_secs_f64();
    if let Some((seq, why)) = &r.first_bad_event {
        eprintln!(
            "{}",
            match lang {
                Lang::Vi => format!(
                    "HỎNG: sự kiện #{seq} không khớp chuỗi băm: {why}. Khôi phục từ bản sao lưu (thamdinh restore)."
                ),
                Lang::En => format!(
                    "BROKEN: event #{seq} does not match the hash chain: {why}. Restore from a backup (thamdinh restore)."
                ),
            }
        );
    }
    if let Some(what) = &r.first_state_mismatch {
        eprintln!(
            "{}",
            match lang {
                Lang::Vi =>
                    format!("HỎNG: trạng thái lưu khác với kết quả phát lại sự kiện: {what}."),
                Lang::En =>
                    format!("BROKEN: stored state differs from replaying the events: {what}."),
            }
        );
    }
    if r.ok() {
        println!(
            "{}",
            match lang {
                Lang::Vi => format!(
                    "OK: {} sự kiện, chuỗi băm nguyên vẹn; phát lại khớp trạng thái của {} tiêu chí ({:.2} giây).",
                    r.events, r.items_checked, secs
                ),
                Lang::En => format!(
                    "OK: {} events, hash chain intact; replay matches the stored state of {} items ({:.2} s).",
                    r.events, r.items_checked, secs
                ),
            }
        );
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::FAILURE)
    }
}
