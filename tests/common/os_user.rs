//! A second OS user for the identity tests (SPEC R5). Creating it needs root; tests that use it
//! print "skipped: needs root…" and return when not run as root.

use std::process::Command;

/// The second OS user.
pub const OTHER_USER: &str = "thamdinh-t2";
/// The group a shared store belongs to (docs/SHARED_STORE.md).
pub const GROUP: &str = "thamdinh-test";

/// Run a system command; panic with its error output if it fails.
pub fn run_ok(cmd: &mut Command) {
    let out = cmd.output().expect("run a system command");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The group and the second user, created if absent.
pub fn other_user() -> (u32, u32) {
    if uzers::get_group_by_name(GROUP).is_none() {
        run_ok(Command::new("groupadd").args(["-f", GROUP]));
    }
    if uzers::get_user_by_name(OTHER_USER).is_none() {
        run_ok(Command::new("useradd").args([
            "-M",
            "-N",
            "-g",
            GROUP,
            "-s",
            "/usr/sbin/nologin",
            OTHER_USER,
        ]));
    }
    let uid = uzers::get_user_by_name(OTHER_USER).expect("user").uid();
    let gid = uzers::get_group_by_name(GROUP).expect("group").gid();
    (uid, gid)
}

/// Are we root (able to create the user and run commands as it)?
pub fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}
