//! `thamdinh keys check FILE`: validate a keymap file as it would load over the defaults (SPEC W8).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use l10n::Lang;
use text::inert;
use tui::keymap::check_file;

#[derive(Debug, clap::Subcommand)]
pub enum KeysCmd {
    /// Check a keymap file: unknown actions, bad keys, a key bound twice, a key shadowing a sequence.
    Check {
        /// The keymap TOML file.
        file: PathBuf,
    },
}

pub fn run(lang: Lang, cmd: KeysCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        KeysCmd::Check { file } => {
            let problems = check_file(&file).with_context(|| format!("{}", file.display()))?;
            if problems.is_empty() {
                println!(
                    "{}: {}",
                    file.display(),
                    lang.pick("hợp lệ, không có lỗi.", "valid, no problems.")
                );
                return Ok(ExitCode::SUCCESS);
            }
            for p in &problems {
                println!("{}", inert(&p.message(lang)));
            }
            println!(
                "{}",
                match lang {
                    Lang::Vi => format!(
                        "{} lỗi. Các mục lỗi sẽ bị bỏ qua (giữ phím mặc định) khi mở chương trình.",
                        problems.len()
                    ),
                    Lang::En => format!(
                        "{} problem(s). Entries with problems are skipped (defaults kept) when the workbench starts.",
                        problems.len()
                    ),
                }
            );
            Ok(ExitCode::FAILURE)
        }
    }
}
