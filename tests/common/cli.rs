//! The real binary run as a user runs it: `thamdinh --store STORE ARGS…`, from the folder that
//! holds the store, and what it printed.

use std::path::Path;
use std::process::{Command, Output};

/// The OS user running the tests (the store's member the commands act as).
pub fn me() -> String {
    uzers::get_current_username()
        .expect("passwd entry")
        .to_string_lossy()
        .into_owned()
}

/// `thamdinh --store STORE ARGS…`, run in the folder that holds the store.
pub fn run(store: &Path, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_thamdinh"));
    c.arg("--store").arg(store).args(args);
    if let Some(parent) = store.parent() {
        c.current_dir(parent);
    }
    c.output().expect("run thamdinh")
}

/// [`run`], which must succeed: its standard output.
pub fn ok(store: &Path, args: &[&str]) -> String {
    let out = run(store, args);
    assert!(
        out.status.success(),
        "thamdinh {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// [`run`], which must be refused: its standard error (the message).
pub fn refused(store: &Path, args: &[&str]) -> String {
    let out = run(store, args);
    assert!(
        !out.status.success(),
        "thamdinh {args:?} should have been refused:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stderr).expect("utf-8 errors")
}
