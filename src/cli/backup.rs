//! `thamdinh backup` / `restore`: the event log as portable JSON lines (SPEC I5).

use std::io::BufReader;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, anyhow};

use formats::atomic::write_atomic_with;
use l10n::Lang;
use store::Store;

use super::open::{open_workbench, store_dir};

#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// Output file (JSON lines, written atomically).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// A backup written by `thamdinh backup`.
    pub file: PathBuf,
}

/// The store's server streams the log; it is written here, atomically.
pub fn backup(store: Option<PathBuf>, lang: Lang, a: BackupArgs) -> anyhow::Result<ExitCode> {
    let wb = open_workbench(&store_dir(store, lang)?, lang)?;
    let mut summary = None;
    let mut failure = None;
    write_atomic_with(&a.output, |w: &mut dyn std::io::Write| match wb.backup(w) {
        Ok(s) => {
            summary = Some(s);
            Ok(())
        }
        Err(e) => {
            let msg = e.message(lang);
            failure = Some(msg.clone());
            Err(std::io::Error::other(msg))
        }
    })
    .map_err(|e| anyhow!(failure.clone().unwrap_or_else(|| e.to_string())))
    .with_context(|| format!("{}", a.output.display()))?;
    let s = summary.unwrap_or_default();
    println!(
        "{}",
        match lang {
            Lang::Vi => format!(
                "Đã sao lưu {} sự kiện ra {}. {}.",
                s.events,
                a.output.display(),
                s.seal.line(lang)
            ),
            Lang::En => format!(
                "Backed up {} events to {}. {}.",
                s.events,
                a.output.display(),
                s.seal.line(lang)
            ),
        }
    );
    Ok(ExitCode::SUCCESS)
}

pub fn restore(store: Option<PathBuf>, lang: Lang, a: RestoreArgs) -> anyhow::Result<ExitCode> {
    let dir = store_dir(store, lang)?;
    let f = std::fs::File::open(&a.file).with_context(|| format!("{}", a.file.display()))?;
    let store =
        Store::restore(&dir, &mut BufReader::new(f)).map_err(|e| anyhow!(e.message(lang)))?;
    let report = store.verify().map_err(|e| anyhow!(e.message(lang)))?;
    println!(
        "{}",
        match lang {
            Lang::Vi => format!(
                "Đã khôi phục {} sự kiện vào {}; kiểm tra: {}. {}.",
                report.events,
                dir.display(),
                if report.ok() { "OK" } else { "HỎNG" },
                report.seal.line(lang)
            ),
            Lang::En => format!(
                "Restored {} events into {}; verify: {}. {}.",
                report.events,
                dir.display(),
                if report.ok() { "OK" } else { "BROKEN" },
                report.seal.line(lang)
            ),
        }
    );
    Ok(if report.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
