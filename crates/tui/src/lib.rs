//! The workbench TUI (SPEC W1–W8, W12, W13).
//!
//! Data flows one way (docs/ARCHITECTURE.md): key → `Action` (keymap) → `App::dispatch` → maybe a `Command` →
//! `Workbench::apply` → events → the cached `Model` → `views::render`. Each screen (`screens/`)
//! and dialog (`dialogs/`) keeps its state, its view and its keys together; `app` holds them and
//! the shared model and routes actions to them; views draw and never change state; `term` and
//! `event_loop` own the terminal.

pub mod action;
pub mod app;
pub mod backend;
pub mod dialogs;
pub mod event_loop;
pub mod i18n;
pub mod input;
pub mod key;
pub mod keymap;
pub mod model;
pub mod reference;
pub mod screens;
pub mod script;
pub mod term;
pub mod text;
pub mod theme;
pub mod views;
pub mod widgets;
pub mod worddiff;

pub use action::{Action, Context};
pub use key::Key;
pub use keymap::{Binding, KeyBuffer, Keymap, KeymapError, Resolution};

use std::path::PathBuf;
use std::sync::Arc;

use api::Workbench;
use app::{App, AppOptions};
use l10n::Lang;
use theme::{ColorLevel, Theme};

/// How the TUI is started (the CLI fills this from flags and the config file).
#[derive(Clone, Debug, Default)]
pub struct TuiOptions {
    pub lang: Lang,
    /// The user's keymap file (`--keymap FILE`, else [`default_keymap_file`]); `None` uses
    /// the built-in keys only.
    pub keymap_file: Option<PathBuf>,
    /// A bundled preset under the user's file ("vim").
    pub preset: Option<String>,
    /// Colour level override (`--theme mono|16|256`); detected from `NO_COLOR`/`TERM` if `None`.
    pub theme: Option<ColorLevel>,
    /// The assessment year; the newest in the store if `None`.
    pub year: Option<u16>,
    /// Ask for the kitty keyboard protocol when the terminal supports it.
    pub keyboard_enhancement: bool,
    /// Mouse reports: click to select, the wheel to scroll, click the hint bar (on unless
    /// `--no-mouse`).
    pub mouse: bool,
}

/// `~/.config/thamdinh/keymap.toml` if it exists: the keymap used without `--keymap`.
pub fn default_keymap_file() -> Option<PathBuf> {
    keymap::user_file().filter(|p| p.exists())
}

/// Load the live keymap for these options. Problems never stop the app: each is returned as a
/// message in the user's language for the UI to show.
pub fn load_keymap(opts: &TuiOptions) -> (Keymap, Vec<String>) {
    let mut warnings = Vec::new();
    let path = opts.keymap_file.clone();
    let user_text = match &path {
        Some(p) => match std::fs::read_to_string(p) {
            Ok(t) => Some((t, p.display().to_string())),
            Err(e) => {
                warnings.push(match opts.lang {
                    Lang::Vi => format!(
                        "không đọc được tệp phím {}: {e}; dùng phím mặc định",
                        p.display()
                    ),
                    Lang::En => format!(
                        "cannot read keymap file {}: {e}; using the default keys",
                        p.display()
                    ),
                });
                None
            }
        },
        None => None,
    };
    let preset = match opts.preset.as_deref() {
        Some(name) => {
            let p = keymap::preset(name);
            if p.is_none() {
                warnings.push(match opts.lang {
                    Lang::Vi => format!("không có bộ phím \"{name}\"; các bộ có sẵn: vim"),
                    Lang::En => format!("there is no keymap preset \"{name}\"; available: vim"),
                });
            }
            p
        }
        None => None,
    };
    let (km, problems) = keymap::load(
        user_text.as_ref().map(|(t, f)| (t.as_str(), f.as_str())),
        preset,
    );
    warnings.extend(problems.iter().map(|p| p.message(opts.lang)));
    (km, warnings)
}

/// Build the app for a workbench without a terminal (used by `run` and by tests).
pub fn build_app(wb: Arc<dyn Workbench>, opts: &TuiOptions) -> anyhow::Result<App> {
    let (keymap, keymap_warnings) = load_keymap(opts);
    // An explicit --theme decides everything; otherwise the environment (marks included).
    let theme = opts.theme.map(Theme::new).unwrap_or_else(Theme::from_env);
    App::new(
        wb,
        AppOptions {
            lang: opts.lang,
            theme,
            keymap,
            keymap_warnings,
            year: opts.year,
            clock: domain::clock::system(),
        },
    )
    .map_err(|e| anyhow::anyhow!(e.message(opts.lang)))
}

/// Run the workbench in the terminal until the user quits (or SIGTERM / SIGHUP).
pub fn run(wb: Arc<dyn Workbench>, opts: TuiOptions) -> anyhow::Result<()> {
    // Subscribe before loading, so no change committed in between is missed (events heard
    // twice are recognised by their versions).
    let notices = wb.subscribe();
    let mut app = build_app(wb, &opts)?;
    let signals = term::signals()?;
    let mut t = term::Term::enter(term::TermOptions {
        keyboard_enhancement: opts.keyboard_enhancement,
        mouse: opts.mouse && app.keymap.mouse(),
    })?;
    let input = term::input()?;
    let result = event_loop::run(&mut app, &mut t, input, notices, signals);
    let restored = t.leave();
    match result {
        Ok(event_loop::Exit::HangUp) => Ok(()),
        Ok(event_loop::Exit::Quit) => Ok(restored?),
        Err(e) => Err(e.into()),
    }
}
