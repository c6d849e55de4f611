//! SPEC P3: edit to durable acknowledgement through the server, with 1 and with 8 clients
//! writing at once. A benchmark, not a test: it prints a table and never fails on timing.
//!
//! `cargo bench --bench latency` (release). The store is the demo store (63 provinces × 88
//! sub-criteria) in a folder under the target directory, so `fdatasync` hits the real disk.
//! The server is the real `thamdinh serve` process, started by the first client.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use thamdinh::api::Workbench;
use thamdinh::client::{ConnectOptions, RemoteWorkbench};
use thamdinh::demo::{self, DEMO_YEAR};
use thamdinh::domain::{Command, ItemKey, Points};
use thamdinh::engine::EngineError;
use thamdinh::server::paths;

const EDITS_ONE: usize = 2000;
const EDITS_EACH_OF_EIGHT: usize = 500;
const WARMUP: usize = 50;

fn opts() -> ConnectOptions {
    ConnectOptions {
        server_exe: Some(PathBuf::from(env!("CARGO_BIN_EXE_thamdinh"))),
        server_idle_exit: Some(Duration::from_secs(30)),
        ..ConnectOptions::default()
    }
}

/// Items of `unit` an appraiser can adjust now, with a score other than the current proposal.
fn editable(wb: &RemoteWorkbench, unit: &str) -> Vec<(ItemKey, Points)> {
    let y = wb.year(DEMO_YEAR).expect("year");
    wb.items(DEMO_YEAR, Some(unit))
        .expect("items")
        .into_iter()
        .filter(|i| i.status().can_appraise() && i.self_assessment.is_some())
        .filter_map(|i| {
            let max = y.framework.node(&i.key.leaf)?.max;
            (max.hundredths() >= 50).then_some((i.key, max))
        })
        .take(8)
        .collect()
}

/// One client's edits: alternate between two valid scores so every edit commits an event.
/// Returns the latency of each acknowledged edit.
fn edit(wb: &RemoteWorkbench, keys: &[(ItemKey, Points)], n: usize) -> Vec<Duration> {
    let mut out = Vec::with_capacity(n);
    let mut versions: Vec<u64> = keys
        .iter()
        .map(|(k, _)| wb.item(k).expect("item").map_or(0, |i| i.version))
        .collect();
    for i in 0..n {
        let j = i % keys.len();
        let (key, max) = &keys[j];
        let score = if (i / keys.len()).is_multiple_of(2) {
            Points::from_hundredths(0)
        } else {
            Points::from_hundredths(max.hundredths() / 2 / 25 * 25)
        };
        let t = Instant::now();
        let r = wb.apply(Command::Adjust {
            key: key.clone(),
            score,
            justification: format!("đo độ trễ {i}"),
            expected: versions[j],
        });
        let dt = t.elapsed();
        match r {
            Ok(events) if !events.is_empty() => {
                versions[j] += events.len() as u64;
                out.push(dt);
            }
            // Nothing changed (the score was already this one): nothing was committed.
            Ok(_) => {}
            Err(EngineError::Conflict { current, .. }) => versions[j] = current.version,
            Err(e) => panic!("edit refused: {e}"),
        }
    }
    out
}

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

    let first = RemoteWorkbench::connect(&dir, &opts()).expect("connect");
    let units: Vec<String> = first
        .year(DEMO_YEAR)
        .expect("year")
        .units
        .units
        .iter()
        .map(|u| u.code.clone())
        .collect();

    // Warm up the server and the page cache.
    let keys0 = editable(&first, &units[0]);
    edit(&first, &keys0, WARMUP);

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
    let t = Instant::now();
    let lat = edit(&first, &keys0, EDITS_ONE);
    row("1", lat, t.elapsed(), 5.0);

    let barrier = Arc::new(Barrier::new(8));
    let t = Instant::now();
    let handles: Vec<_> = (0..8)
        .map(|c| {
            let dir = dir.clone();
            let unit = units[1 + c].clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let wb = RemoteWorkbench::connect(&dir, &opts()).expect("connect");
                let keys = editable(&wb, &unit);
                barrier.wait();
                edit(&wb, &keys, EDITS_EACH_OF_EIGHT)
            })
        })
        .collect();
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.join().expect("client"));
    }
    row("8 at once (all edits)", all, t.elapsed(), 20.0);
    println!();
    println!("{} cores; p99 over every acknowledged edit.", cores());

    let report = first.verify().expect("verify");
    assert!(report.ok(), "verify after the benchmark: {report:?}");
    drop(first);
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

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
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
