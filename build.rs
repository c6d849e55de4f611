//! What the machine running the tests offers, as cfg flags the tests read, so that a test whose
//! prerequisite is missing is reported as ignored, with the reason, instead of passing:
//! - `thamdinh_soffice`: LibreOffice is on the PATH (tests/xlsx_libreoffice.rs reads an export
//!   with it; `.ci/run` installs it);
//! - `thamdinh_root`: the build runs as root, so tests may create a second OS user.

use std::path::Path;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(thamdinh_soffice)");
    println!("cargo::rustc-check-cfg=cfg(thamdinh_root)");
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rerun-if-changed=build.rs");
    let on_path = |name: &str| {
        std::env::var_os("PATH").is_some_and(|paths| {
            std::env::split_paths(&paths).any(|dir| Path::new(&dir).join(name).is_file())
        })
    };
    if on_path("soffice") || on_path("libreoffice") {
        println!("cargo::rustc-cfg=thamdinh_soffice");
    }
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if root {
        println!("cargo::rustc-cfg=thamdinh_root");
    }
}
