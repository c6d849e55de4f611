//! Opening the workbench TUI from the command line (`thamdinh`, `thamdinh demo`).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

use api::Workbench;
use l10n::Lang;
use tui::theme::ColorLevel;
use tui::{self, TuiOptions};

/// The interface options every command line shares.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct UiArgs {
    /// Your keymap file (default: ~/.config/thamdinh/keymap.toml when it exists).
    #[arg(long, global = true, value_name = "FILE")]
    pub keymap: Option<PathBuf>,
    /// A bundled keymap preset under your file: vim.
    #[arg(long = "keys", global = true, value_name = "PRESET")]
    pub preset: Option<String>,
    /// Colours: mono, 16 or 256 (default: from NO_COLOR and TERM).
    #[arg(long, global = true, value_name = "LEVEL", value_parser = parse_theme)]
    pub theme: Option<ColorLevel>,
    /// Leave the mouse to the terminal (by default a click selects, the wheel scrolls; Shift+drag
    /// selects text either way).
    #[arg(long, global = true)]
    pub no_mouse: bool,
}

fn parse_theme(s: &str) -> Result<ColorLevel, String> {
    ColorLevel::parse(s).ok_or_else(|| format!("unknown theme \"{s}\": use mono, 16 or 256"))
}

/// Is there a terminal to draw on? Without one (a pipe, CI) commands print a summary instead.
pub fn interactive() -> bool {
    std::io::stdout().is_terminal() && std::io::stdin().is_terminal()
}

/// Run the workbench on `wb` until the user quits.
pub fn open(
    wb: Arc<dyn Workbench>,
    lang: Lang,
    ui: &UiArgs,
    year: Option<u16>,
) -> anyhow::Result<()> {
    let opts = TuiOptions {
        lang,
        keymap_file: ui.keymap.clone().or_else(tui::default_keymap_file),
        preset: ui.preset.clone(),
        theme: ui.theme,
        year,
        keyboard_enhancement: false,
        mouse: !ui.no_mouse,
    };
    tui::run(wb, opts)
}
