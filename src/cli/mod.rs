//! Command-line interface: clap definitions and dispatch. No business rules here: every change
//! goes through `Workbench::apply`.

mod assign;
mod audit;
mod backup;
mod data;
mod demo;
mod doctor;
mod export;
mod help;
mod import;
mod import_results;
mod init;
mod keys;
mod member;
mod open;
mod report;
mod round;
mod sample;
mod serve;
mod setup_shared;
mod survey;
mod template;
mod verify;
mod workbench;
mod year;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use l10n::Lang;

pub use help::{command, lang_of_args, parse};
pub use open::{default_store_dir, open_workbench};

/// thamdinh — bàn làm việc thẩm định Chỉ số CCHC (PAR INDEX) / the PAR INDEX appraisal workbench.
///
/// Without a command, opens the workbench on the store (--store DIR, or the default store).
#[derive(Debug, Parser)]
#[command(name = "thamdinh", version, about, long_about = None)]
pub struct Cli {
    /// Store directory (default: a store in your data directory; `demo`: the demo store).
    #[arg(long, global = true, value_name = "DIR")]
    pub store: Option<PathBuf>,
    /// Language of messages and of the interface: vi (default) or en.
    #[arg(long, global = true, value_name = "LANG", value_parser = parse_lang)]
    pub lang: Option<Lang>,
    #[command(flatten)]
    pub ui: workbench::UiArgs,
    #[command(subcommand)]
    pub command: Option<Cmd>,
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| format!("unknown language \"{s}\": use vi or en"))
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Create a store (or add a year to one) from a framework file and a units file.
    Init(init::Args),
    /// Import self-assessments or survey points (atomic: a file with any bad row imports nothing).
    #[command(subcommand)]
    Import(import::Which),
    /// Export scores with justifications (CSV, JSON, or an XLSX workbook).
    Export(export::Args),
    /// Write an empty import workbook (XLSX) with the year's units and criteria to fill in.
    Template(template::Args),
    /// Print the history of a unit, an item or a user.
    Audit(audit::Args),
    /// Reports: the national ranking, a unit's scorecard.
    #[command(subcommand)]
    Report(report::ReportCmd),
    /// Check the hash chain and that replaying the events gives the stored state.
    Verify,
    /// Recompute the stored state from the event log (when verify found them apart).
    Rebuild,
    /// Write the event log as portable JSON lines.
    Backup(backup::BackupArgs),
    /// Build a new store by replaying a backup.
    Restore(backup::RestoreArgs),
    /// Print deterministic sample self-assessments (CSV, the format `import self` reads).
    Sample(sample::Args),
    /// Open the workbench on the demo store (built on first use, or again with --fresh).
    Demo(demo::Args),
    /// Manage who may use the store and in which role.
    #[command(subcommand)]
    Member(member::MemberCmd),
    /// Survey points computed from the survey responses imported (SIPAS, the leaders' survey).
    #[command(subcommand)]
    Survey(survey::SurveyCmd),
    /// Explanation rounds (đợt giải trình): open, close, list.
    #[command(subcommand)]
    Round(round::RoundCmd),
    /// The year's official result: the council's approval, the publication, a reopening.
    #[command(subcommand)]
    Year(year::YearCmd),
    /// Assign units, or areas of units, to appraisers; list the assignments with their
    /// progress; enforce them.
    Assign(assign::Args),
    /// Keymap files.
    #[command(subcommand)]
    Keys(keys::KeysCmd),
    /// Run the store's server (commands start it by themselves; use this under systemd).
    Serve(serve::Args),
    /// Show what thamdinh sees: terminal, colours, SSH/tmux, keymaps, store, server, your role.
    Doctor,
    /// Set up a store shared by a group (as root): a service account owns it, a systemd unit
    /// serves it (docs/SHARED_STORE.md).
    SetupShared(setup_shared::Args),
}

/// Run the parsed command line; errors are printed by the caller.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let lang = cli.lang.unwrap_or_default();
    let store = cli.store.clone();
    let ui = cli.ui;
    let Some(cmd) = cli.command else {
        return demo::open_store(store, lang, &ui);
    };
    match cmd {
        Cmd::Init(a) => init::run(store, lang, a),
        Cmd::Import(w) => import::run(store, lang, w),
        Cmd::Export(a) => export::run(store, lang, a),
        Cmd::Template(a) => template::run(store, lang, a),
        Cmd::Audit(a) => audit::run(store, lang, a),
        Cmd::Report(r) => report::run(store, lang, r),
        Cmd::Verify => verify::run(store, lang),
        Cmd::Rebuild => verify::rebuild(store, lang),
        Cmd::Backup(a) => backup::backup(store, lang, a),
        Cmd::Restore(a) => backup::restore(store, lang, a),
        Cmd::Sample(a) => sample::run(lang, a),
        Cmd::Demo(a) => demo::run(lang, &ui, a),
        Cmd::Member(m) => member::run(store, lang, m),
        Cmd::Survey(s) => survey::run(store, lang, s),
        Cmd::Round(r) => round::run(store, lang, r),
        Cmd::Year(y) => year::run(store, lang, y),
        Cmd::Assign(a) => assign::run(store, lang, a),
        Cmd::Keys(k) => keys::run(lang, k),
        Cmd::Serve(a) => serve::run(store, lang, a),
        Cmd::Doctor => doctor::run(store, lang),
        Cmd::SetupShared(a) => setup_shared::run(store, lang, a),
    }
}
