//! `thamdinh member add|remove|list` (SPEC S2).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::anyhow;

use domain::{Command, Role};
use l10n::Lang;
use text::inert;

use super::open::{engine_err, open_workbench, store_dir};

#[derive(Debug, clap::Subcommand)]
pub enum MemberCmd {
    /// Add a member or change their role (lead only).
    Add {
        /// OS user name.
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
    let wb = open_workbench(&store_dir(store)?, lang)?;
    match cmd {
        MemberCmd::Add { user, role } => {
            wb.apply(Command::SetMember {
                user: user.clone(),
                role,
            })
            .map_err(|e| anyhow!(e.message(lang)))?;
            println!("{}: {}", inert(&user), role.as_str());
        }
        MemberCmd::Remove { user } => {
            wb.apply(Command::RemoveMember { user: user.clone() })
                .map_err(|e| anyhow!(e.message(lang)))?;
            println!(
                "{}",
                lang.pick("Đã xoá", "Removed").to_string() + " " + &inert(&user)
            );
        }
        MemberCmd::List => {
            for m in wb.members().map_err(engine_err(lang))? {
                println!("{:<20} {}", inert(&m.user), m.role.as_str());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
