//! SPEC P3: edit to durable acknowledgement through the server, with 1 and with 8 clients
//! writing at once; reference: a raw sled insert + flush + fdatasync on the same disk.
//! Also used by `benches/latency.rs`, which prints this part alone.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use api::Workbench;
use api::WorkbenchError;
use domain::{Command, ItemKey, Points};
use net::client::{ConnectOptions, RemoteWorkbench};

pub const EDITS_ONE: usize = 2000;
pub const EDITS_EACH_OF_EIGHT: usize = 500;
const WARMUP: usize = 50;

pub fn opts(exe: &str) -> ConnectOptions {
    ConnectOptions {
        server_exe: Some(PathBuf::from(exe)),
        server_idle_exit: Some(Duration::from_secs(30)),
        ..ConnectOptions::default()
    }
}

/// Items of `unit` an appraiser can adjust now, with a score other than the current proposal.
fn editable(wb: &RemoteWorkbench, year: u16, unit: &str) -> Vec<(ItemKey, Points)> {
    let y = wb.year(year).expect("year");
    wb.items(year, Some(unit))
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
    assert!(!keys.is_empty(), "no editable item");
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
            justification: format!("đo độ trễ ghi nhận lần thứ {i}"),
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
            Err(WorkbenchError::Conflict { current, .. }) => versions[j] = current.version,
            Err(e) => panic!("edit refused: {e}"),
        }
    }
    out
}

pub struct Latency {
    pub one: Vec<Duration>,
    pub one_wall: Duration,
    pub eight: Vec<Duration>,
    pub eight_wall: Duration,
}

/// Edit the newest year of the store in `dir` (a copy: this changes it) as its lead.
pub fn measure(dir: &Path, exe: &str) -> Latency {
    let first = RemoteWorkbench::connect(dir, &opts(exe)).expect("connect");
    let year = *first.years().expect("years").iter().max().expect("a year");
    let units: Vec<String> = first
        .year(year)
        .expect("year")
        .units
        .units
        .iter()
        .map(|u| u.code.clone())
        .collect();
    // Units still open for edits (finalized ones refuse them).
    let states: std::collections::HashMap<String, _> = first
        .unit_states(year)
        .expect("states")
        .into_iter()
        .collect();
    let open: Vec<String> = units
        .into_iter()
        .filter(|u| states.get(u).is_none_or(|s| s.finalized.is_none()))
        .collect();
    assert!(open.len() >= 9, "need 9 open units, have {}", open.len());
    let keys0 = editable(&first, year, &open[0]);
    edit(&first, &keys0, WARMUP);
    let t = Instant::now();
    let one = edit(&first, &keys0, EDITS_ONE);
    let one_wall = t.elapsed();

    let barrier = Arc::new(Barrier::new(8));
    let t = Instant::now();
    let handles: Vec<_> = (0..8)
        .map(|c| {
            let dir = dir.to_path_buf();
            let unit = open[1 + c].clone();
            let barrier = barrier.clone();
            let exe = exe.to_string();
            std::thread::spawn(move || {
                let wb = RemoteWorkbench::connect(&dir, &opts(&exe)).expect("connect");
                let keys = editable(&wb, year, &unit);
                barrier.wait();
                edit(&wb, &keys, EDITS_EACH_OF_EIGHT)
            })
        })
        .collect();
    let mut eight = Vec::new();
    for h in handles {
        eight.extend(h.join().expect("client"));
    }
    let eight_wall = t.elapsed();
    let report = first.verify().expect("verify");
    assert!(report.ok(), "verify after the edits: {report:?}");
    Latency {
        one,
        one_wall,
        eight,
        eight_wall,
    }
}

/// The floor under P3: one sled insert of an event-sized value, `flush`, `fdatasync` of the
/// database file — what the store must do at least once per edit.
pub fn raw_sled(dir: &Path, n: usize) -> Vec<Duration> {
    let db = sled::Config::new()
        .path(dir.join("raw-sled"))
        .open()
        .expect("sled");
    let file = std::fs::File::open(dir.join("raw-sled").join("db")).expect("db file");
    let value = vec![b'x'; 900];
    let mut out = Vec::with_capacity(n);
    for i in 0..(n + WARMUP) as u64 {
        let t = Instant::now();
        db.insert(i.to_be_bytes(), value.clone()).expect("insert");
        db.flush().expect("flush");
        file.sync_data().expect("fdatasync");
        if i >= WARMUP as u64 {
            out.push(t.elapsed());
        }
    }
    out
}
