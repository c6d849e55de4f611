//! The data the benchmarks run on: scale stores built once by the real binary and cached under
//! `target/bench-data/`, keyed by the generator's and the store's versions, and scratch folders.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use net::server::paths;
use sample::scale::{SCALE_DATA_VERSION, Scale};
use store::SCHEMA_VERSION;

pub const EXE: &str = env!("CARGO_BIN_EXE_thamdinh");

/// `target/`.
pub fn target_dir() -> PathBuf {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().map_or(tmp.clone(), Path::to_path_buf)
}

/// A scratch folder under `target/tmp`, removed when dropped.
pub fn scratch() -> tempfile::TempDir {
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    std::fs::create_dir_all(&base).expect("target tmp dir");
    tempfile::tempdir_in(&base).expect("scratch dir")
}

/// Where built scale stores are kept: `$THAMDINH_BENCH_DATA_<SCALE>` (e.g.
/// `THAMDINH_BENCH_DATA_LARGE=/dev/shm/bench` when the disk has no room for the ~6 GB large
/// store), else `$THAMDINH_BENCH_DATA`, else `target/bench-data`.
pub fn data_dir(scale: Scale) -> PathBuf {
    let var = format!("THAMDINH_BENCH_DATA_{}", scale.name().to_uppercase());
    std::env::var_os(var)
        .or_else(|| std::env::var_os("THAMDINH_BENCH_DATA"))
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("bench-data"))
}

/// How many of a scale's years to build: `$THAMDINH_BENCH_YEARS_<SCALE>`, else all. The whole
/// large scale needs ~15 GB; its last 2 years keep the per-year size of every measurement.
pub fn years(scale: Scale) -> usize {
    let var = format!("THAMDINH_BENCH_YEARS_{}", scale.name().to_uppercase());
    let all = scale.spec().years.len();
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(all, |n: usize| n.clamp(1, all))
}

/// The cached store of a scale, built first if missing (national: a minute or two; large:
/// ~7 minutes a year).
pub fn scale_store(scale: Scale) -> PathBuf {
    let n = years(scale);
    let dir = data_dir(scale).join(format!(
        "{}-{n}y-data{SCALE_DATA_VERSION}-schema{SCHEMA_VERSION}",
        scale.name()
    ));
    if store::Store::exists(&dir) {
        return dir;
    }
    let building = dir.with_extension("building");
    if building.exists() {
        // What a killed build left.
        std::fs::remove_dir_all(&building).expect("remove a half-built store");
    }
    std::fs::create_dir_all(dir.parent().expect("parent")).expect("bench-data dir");
    eprintln!(
        "building the {} store in {} (once; later runs reuse it) …",
        scale.name(),
        dir.display()
    );
    let t = Instant::now();
    let ok = Command::new(EXE)
        .args(["--lang", "en", "sample", "--scale", scale.name(), "--years"])
        .arg(n.to_string())
        .arg("--build")
        .arg(&building)
        .status()
        .expect("run thamdinh sample --build")
        .success();
    assert!(ok, "building the {} store failed", scale.name());
    std::fs::rename(&building, &dir).expect("move the built store into place");
    eprintln!("built in {:.0} s", t.elapsed().as_secs_f64());
    dir
}

/// Copy a store folder (its journal and its state, not the server's files) into `to`.
pub fn copy_store(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("copy target");
    let ok = Command::new("cp")
        .arg("-a")
        .arg(from.join("journal"))
        .arg(from.join("sled"))
        .arg(to)
        .status()
        .expect("cp")
        .success();
    assert!(ok, "copying {} failed", from.display());
}

/// Run `thamdinh ARGS` on `store` and return its wall time; panics on failure.
pub fn run_cli(store: &Path, args: &[&str]) -> (Duration, String) {
    let t = Instant::now();
    let out = Command::new(EXE)
        .arg("--lang")
        .arg("en")
        .arg("--store")
        .arg(store)
        .args(args)
        .output()
        .expect("run thamdinh");
    let dt = t.elapsed();
    assert!(
        out.status.success(),
        "thamdinh {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (dt, String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Write the stdout of `thamdinh ARGS` to `file`.
pub fn cli_to_file(args: &[&str], file: &Path) {
    let out = Command::new(EXE).args(args).output().expect("run thamdinh");
    assert!(
        out.status.success(),
        "thamdinh {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(file, out.stdout).expect("write");
}

/// Start the store's server (detached, as a command would) and wait until it answers.
pub fn start_server(store: &Path) -> u32 {
    run_cli(store, &["member", "list"]);
    server_pid(store).expect("a server runs after a command")
}

pub fn server_pid(store: &Path) -> Option<u32> {
    paths::read_pid(store).filter(|p| paths::process_alive(*p))
}

/// Stop the store's server, if one runs, and wait for it to be gone.
pub fn stop_server(store: &Path) {
    if let Some(pid) = server_pid(store)
        && let Some(pid) = rustix::process::Pid::from_raw(pid as i32)
    {
        let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    while server_pid(store).is_some() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Stops the server of a store when dropped, so a failed benchmark leaves none running.
pub struct ServerGuard(pub PathBuf);

impl Drop for ServerGuard {
    fn drop(&mut self) {
        stop_server(&self.0);
    }
}
