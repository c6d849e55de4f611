//! `thamdinh serve`: run the store's server in the foreground (SPEC S1). Clients start it by
//! themselves when needed; run it by hand or under systemd (docs/SHARED_STORE.md) to control
//! its user and lifetime. It logs to `DIR/server.log`, never to the terminal.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::anyhow;

use l10n::Lang;
use net::server::{self, DEFAULT_IDLE_EXIT, ServeOptions};

use super::open::store_dir;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Stop after this many seconds with no client connected (0 = never).
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_IDLE_EXIT.as_secs())]
    pub idle_exit: u64,
    /// Started by a client: if the server cannot start, write why to standard output as one
    /// JSON line in both languages, for the client to show.
    #[arg(long, hide = true)]
    pub report_failure: bool,
}

pub fn run(store: Option<PathBuf>, lang: Lang, a: Args) -> anyhow::Result<ExitCode> {
    let dir = store_dir(store, lang)?;
    let opts = ServeOptions {
        idle_exit: (a.idle_exit > 0).then(|| Duration::from_secs(a.idle_exit)),
    };
    // mimalloc keeps freed pages for reuse; after a large request the server gives them back.
    server::set_memory_release(|| {
        // SAFETY: mi_collect only walks mimalloc's own heaps.
        unsafe { libmimalloc_sys::mi_collect(true) }
    });
    if let Err(e) = server::run(&dir, &opts) {
        if a.report_failure {
            let why = serde_json::json!({
                "vi": e.message(Lang::Vi),
                "en": e.message(Lang::En),
            });
            // (The client that started this server may be gone: a closed pipe is no error.)
            let _ = writeln!(std::io::stdout().lock(), "{why}");
        }
        return Err(anyhow!(e.message(lang)));
    }
    Ok(ExitCode::SUCCESS)
}
