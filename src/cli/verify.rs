//! `thamdinh verify` (the journal checked and compared with the state, SPEC I5, R6) and
//! `thamdinh rebuild` (the state built again from the journal when verify found them apart).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::anyhow;

use api::Workbench;
use l10n::Lang;
use store::Store;

use net::client::{ClientError, ConnectOptions, RemoteWorkbench};

use super::open::store_dir;

/// Asks the store's server when one runs; otherwise checks the store directly (the journal is
/// read without changing it), so a store too damaged to be served can still be verified.
pub fn run(store: Option<PathBuf>, lang: Lang) -> anyhow::Result<ExitCode> {
    let dir = store_dir(store, lang)?;
    let t = Instant::now();
    let only_connect = ConnectOptions {
        start_server: false,
        ..ConnectOptions::default()
    };
    let r = match RemoteWorkbench::connect(&dir, &only_connect) {
        Ok(wb) => wb.verify().map_err(|e| anyhow!(e.message(lang)))?,
        Err(ClientError::NotRunning { .. }) => {
            // Another account's store (a member of a shared store, its server stopped or still
            // starting): say that, rather than why this account may not open its files.
            if let Some(e) = net::client::not_served(&dir) {
                return Err(anyhow!(e.message(lang)));
            }
            Store::verify_offline(&dir).map_err(|e| anyhow!(offline_error(&dir, e, lang)))?
        }
        // The service account while its server runs: not "ask a lead to add you".
        Err(e) => return Err(anyhow!(net::client::owner_refused(&dir, e).message(lang))),
    };
    let secs = t.elapsed().as_secs_f64();
    let head = if r.ok() {
        "OK"
    } else {
        lang.pick("HỎNG", "BROKEN")
    };
    let line = format!(
        "{head}: {} ({} {})",
        r.message(lang),
        domain::number::decimal(secs, 2, lang),
        lang.pick("giây", "s")
    );
    if r.ok() {
        println!("{line}");
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("{line}");
        Ok(ExitCode::FAILURE)
    }
}

/// A store error of a command that opens the store itself; a held lock is described by what
/// is known of its holder (a server still opening the store, or the process holding it).
fn offline_error(dir: &std::path::Path, e: store::StoreError, lang: Lang) -> String {
    match e {
        store::StoreError::InUse { .. } => net::client::why_locked(dir).message(lang),
        e => e.message(lang),
    }
}

/// Runs on the store directly: the server must be stopped (the store's lock says so if not).
pub fn rebuild(store: Option<PathBuf>, lang: Lang) -> anyhow::Result<ExitCode> {
    let dir = store_dir(store, lang)?;
    let (store, n) = Store::rebuild(&dir).map_err(|e| anyhow!(offline_error(&dir, e, lang)))?;
    let r = store.verify().map_err(|e| anyhow!(e.message(lang)))?;
    if let Some(what) = &store.open_report().cut_unconfirmed {
        // The state could not tell whether it was acknowledged: say what was dropped.
        let after = store.last_seq();
        println!(
            "{}",
            match lang {
                Lang::Vi => format!(
                    "Đã cắt phần cuối không đọc được của nhật ký: {}. Trạng thái không còn cho \
                     biết lần ghi đó đã được xác nhận hay chưa: các thay đổi sau sự kiện {after} \
                     có thể đã được báo là lưu xong. Hãy kiểm tra lại các thay đổi cuối cùng \
                     (hoặc so dấu niêm phong với bản sao lưu gần nhất).",
                    what.vi
                ),
                Lang::En => format!(
                    "Cut the journal's unreadable end: {}. The state could no longer tell whether \
                     that write had been acknowledged: changes after event {after} may have been \
                     reported as saved. Check the last changes (or compare the seal with the \
                     latest backup).",
                    what.en
                ),
            }
        );
    }
    println!(
        "{}",
        match lang {
            Lang::Vi => format!(
                "Đã dựng lại trạng thái từ {n} sự kiện của nhật ký. {}",
                r.message(lang)
            ),
            Lang::En => format!(
                "Rebuilt the state from the journal's {n} events. {}",
                r.message(lang)
            ),
        }
    );
    Ok(if r.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
