//! SPEC P3 alone: edit to durable acknowledgement through the server, with 1 and with 8 clients
//! writing at once, on a fresh demo store. A benchmark, not a test: it prints a table and never
//! fails on timing. `scripts/bench` measures the same on the national store with every other
//! budget (benches/budgets).
//!
//! `cargo bench --bench latency` (release). The store is in a folder under the target directory,
//! so `fdatasync` hits the real disk. The server is the real `thamdinh serve` process, started by
//! the first client.

#[path = "budgets/p3_edit.rs"]
mod p3_edit;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use net::server::paths;
use sample::demo;

const EXE: &str = env!("CARGO_BIN_EXE_thamdinh");

fn pct(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn row(label: &str, mut lat: Vec<Duration>, wall: Duration, budget_ms: f64) {
    lat.sort_unstable();
    let p99 = pct(&lat, 0.99);
    let verdict = format!(
        "≤ {budget_ms} ms: {}",
        if p99.as_secs_f64() * 1000.0 <= budget_ms {
            "met"
        } else {
            "MISSED"
        }
    );
    println!(
        "| {label:<22} | {:>6} | {:>8} | {:>8} | {:>8} | {:>8.0} | {verdict:<16} |",
        lat.len(),
        ms(pct(&lat, 0.5)),
        ms(p99),
        ms(*lat.last().unwrap_or(&Duration::ZERO)),
        lat.len() as f64 / wall.as_secs_f64(),
    );
}

fn main() {
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    std::fs::create_dir_all(&base).expect("target tmp dir");
    let tmp = tempfile::tempdir_in(&base).expect("temp dir");
    let dir = tmp.path().join("store");
    let me = uzers::get_current_username()
        .expect("user")
        .to_string_lossy()
        .into_owned();
    eprintln!("building the demo store in {} …", dir.display());
    drop(demo::build(&dir, &me, None).expect("demo store"));

    let l = p3_edit::measure(&dir, EXE);
    println!(
        "Edit → durable acknowledgement through `thamdinh serve` (SPEC P3), store on {}:",
        fs_of(&dir)
    );
    println!();
    println!(
        "| clients writing        | edits  | p50 ms   | p99 ms   | max ms   | edits/s  | P3 budget (p99)  |"
    );
    println!(
        "|------------------------|--------|----------|----------|----------|----------|------------------|"
    );
    row("1", l.one, l.one_wall, 5.0);
    row("8 at once (all edits)", l.eight, l.eight_wall, 20.0);
    let mut raw = p3_edit::raw_sled(tmp.path(), 1000);
    raw.sort_unstable();
    println!();
    println!(
        "Reference on the same disk: one sled insert + flush + fdatasync, p50 {} ms, p99 {} ms.",
        ms(pct(&raw, 0.5)),
        ms(pct(&raw, 0.99))
    );
    println!(
        "{} cores; p99 over every acknowledged edit.",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    stop_server(&dir);
}

fn stop_server(dir: &Path) {
    if let Some(pid) = paths::read_pid(dir).filter(|p| paths::process_alive(*p))
        && let Some(pid) = rustix::process::Pid::from_raw(pid as i32)
    {
        let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while paths::read_pid(dir).is_some_and(paths::process_alive) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The file system type of `dir` as `df -T` would name it, best effort.
fn fs_of(dir: &Path) -> String {
    let Ok(mounts) = std::fs::read_to_string("/proc/self/mounts") else {
        return "?".into();
    };
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    mounts
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let (dev, at, ty) = (f.next()?, f.next()?, f.next()?);
            dir.starts_with(at)
                .then(|| (at.len(), format!("{ty} ({dev})")))
        })
        .max_by_key(|(n, _)| *n)
        .map(|(_, s)| s)
        .unwrap_or_else(|| "?".into())
}
