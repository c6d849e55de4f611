//! `thamdinh member add|remove|list` (SPEC S2).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::anyhow;

use domain::limits::is_user_name;
use domain::{Command, Role};
use l10n::Lang;
use text::one_line;

use super::open::{engine_err, open_workbench, store_dir};

#[derive(Debug, clap::Subcommand)]
pub enum MemberCmd {
    /// Add a member or change their role (lead only).
    Add {
        /// OS user name: ASCII letters, digits, '.', '_', '-', not starting with '-'.
        user: String,
        /// lead, appraiser or auditor.
        #[arg(long, default_value = "appraiser", value_parser = parse_role)]
        role: Role,
    },
    /// Remove a member (lead only).
    Remove { user: String },
    /// List members and roles.
    List,
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| format!("unknown role \"{s}\": use lead, appraiser or auditor"))
}

pub fn run(store: Option<PathBuf>, lang: Lang, cmd: MemberCmd) -> anyhow::Result<ExitCode> {
    // A name that cannot be an OS user's is refused before anything is opened or sent (the
    // engine refuses it too, with the same message). `remove` leaves it to the engine, which
    // still removes a member added before names were checked.
    if let MemberCmd::Add { user, .. } = &cmd
        && !is_user_name(user)
    {
        return Err(anyhow!(
            api::WorkbenchError::bad_user_name(user).message(lang)
        ));
    }
    let wb = open_workbench(&store_dir(store, lang)?, lang)?;
    match cmd {
        MemberCmd::Add { user, role } => {
            wb.apply(Command::SetMember {
                user: user.clone(),
                role,
            })
            .map_err(|e| anyhow!(e.message(lang)))?;
            println!("{}: {}", one_line(&user), role.label(lang));
        }
        MemberCmd::Remove { user } => {
            wb.apply(Command::RemoveMember { user: user.clone() })
                .map_err(|e| anyhow!(e.message(lang)))?;
            println!(
                "{}",
                lang.pick("Đã xoá", "Removed").to_string() + " " + &one_line(&user)
            );
        }
        MemberCmd::List => {
            // One member per line, whatever a name holds (one added before names were checked
            // may hold a line break).
            for m in wb.members().map_err(engine_err(lang))? {
                println!("{:<20} {}", one_line(&m.user), m.role.label(lang));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
