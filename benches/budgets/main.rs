//! The performance budgets of SPEC P1–P7, measured at national and large scale and printed as
//! one table (`scripts/bench`; docs/PERFORMANCE.md). A benchmark, not a test: it fails only on
//! a broken product, never on a number.
//!
//! `cargo bench --bench budgets [-- PARTS]` where PARTS picks any of p1 … p7 and of the scales
//! national, large (default: everything).
//! Scale stores are built once by `thamdinh sample --scale … --build` and cached under
//! `target/bench-data/`.

mod data;
mod machine;
mod p3_edit;
mod p4_search;
mod p5_import;
mod pty;
mod stats;
mod table;
mod tui;

use std::time::{Duration, Instant};

use sample::scale::Scale;

use data::ServerGuard;
use stats::{Samples, bytes, ms};
use table::Row;

/// Runs of the start-up measurement per scale.
const STARTS: usize = 10;

fn mib(b: u64) -> String {
    format!("{:.0} MB", b as f64 / 1e6)
}

fn main() {
    let parts: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let budgets: Vec<&String> = parts.iter().filter(|a| a.starts_with('p')).collect();
    let scales: Vec<&String> = parts.iter().filter(|a| !a.starts_with('p')).collect();
    let want = |p: &str| budgets.is_empty() || budgets.iter().any(|a| *a == p);
    let scale = |s: &str| scales.is_empty() || scales.iter().any(|a| *a == s);
    let t_all = Instant::now();
    let machine = machine::describe(&data::target_dir());
    let mut rows: Vec<Row> = Vec::new();
    let mut notes: Vec<String> = Vec::new();

    let national = (scale("national"))
        .then_some(())
        .filter(|()| {
            want("p1") || want("p2") || want("p3") || want("p5") || want("p6") || want("p7")
        })
        .map(|()| data::scale_store(Scale::National));
    let large = (scale("large") && (want("p1") || want("p4") || want("p5") || want("p6")))
        .then(|| data::scale_store(Scale::Large));

    // ---- national: start-up, navigation, memory of the client, idle ------------------------
    if let Some(store) = &national {
        let _server = ServerGuard(store.clone());
        data::stop_server(store);
        data::start_server(store);
        if want("p1") {
            notes.push(format!("P1 national: {}", tui::startup_breakdown(store)));
            let s = tui::first_frame(store, STARTS);
            rows.push(Row::new(
                "P1",
                format!("start → first full frame, national ({STARTS} runs)"),
                format!("{} median, {} max", ms(s.median()), ms(s.max())),
                "≤ 100 ms",
                Some(s.max() <= 100.0),
                format!("`thamdinh --version`: {}", ms(process_start())),
            ));
        }
        if want("p2") || want("p6") || want("p7") {
            let nav = tui::navigate(store, &[], (tui::COLS, tui::ROWS));
            if want("p2") {
                let small = tui::navigate(store, &[], tui::SMALL);
                for (n, (c, r)) in [(&nav, (tui::COLS, tui::ROWS)), (&small, tui::SMALL)] {
                    p2_bytes(&mut rows, n, c, r);
                }
                let p = tui::processing(store);
                rows.push(Row::new(
                    "P2",
                    format!(
                        "processing per key, update + draw, CPU time ({} keys)",
                        p.per_key_cpu.len()
                    ),
                    format!(
                        "{} p99, {} median",
                        ms(p.per_key_cpu.pct(0.99)),
                        ms(p.per_key_cpu.median())
                    ),
                    "≤ 2 ms p99",
                    Some(p.per_key_cpu.pct(0.99) <= 2.0),
                    format!(
                        "wall time {} p99; draw alone (TestBackend) {} p99",
                        ms(p.per_key.pct(0.99)),
                        ms(p.draw.pct(0.99))
                    ),
                ));
                let mut rtt = nav.bench_rtt.clone();
                rtt.0.extend(nav.overview_rtt.0.iter());
                rows.push(Row::new(
                    "P2",
                    "key written → frame read back through the pty",
                    format!("{} p99, {} median", ms(rtt.pct(0.99)), ms(rtt.median())),
                    "—",
                    None,
                    "includes the pty and the reader's wake-up",
                ));
            }
            if want("p6") {
                rows.push(Row::new(
                    "P6",
                    "workbench peak RSS (VmHWM), national, after the session",
                    mib(nav.client_hwm),
                    "≤ 50 MB",
                    Some(nav.client_hwm <= 50_000_000),
                    "",
                ));
            }
            if want("p7") {
                let secs = nav.idle.as_secs_f64();
                let pct = nav.idle_ticks as f64 / pty::ticks_per_second() as f64 / secs * 100.0;
                rows.push(Row::new(
                    "P7",
                    format!("idle workbench over {secs:.0} s"),
                    format!(
                        "{} CPU ticks ({pct:.1} % CPU), {} frames",
                        nav.idle_ticks, nav.idle_frames
                    ),
                    "0 % CPU",
                    Some(nav.idle_ticks == 0 && nav.idle_frames == 0),
                    format!("1 tick = {} ms", 1000 / pty::ticks_per_second()),
                ));
            }
        }
    }

    // ---- P3: edits on a copy of the national store -----------------------------------------
    if want("p3")
        && let Some(store) = &national
    {
        let tmp = data::scratch();
        let copy = tmp.path().join("store");
        data::copy_store(store, &copy);
        let _server = ServerGuard(copy.clone());
        let l = p3_edit::measure(&copy, data::EXE);
        let raw = Samples::from_durations(&p3_edit::raw_sled(tmp.path(), 1000));
        let one = Samples::from_durations(&l.one);
        let eight = Samples::from_durations(&l.eight);
        rows.push(Row::new(
            "P3",
            format!("edit → durable ack, 1 client ({} edits)", one.len()),
            format!("{} p99, {} median", ms(one.pct(0.99)), ms(one.median())),
            "≤ 5 ms p99",
            Some(one.pct(0.99) <= 5.0),
            format!(
                "raw sled insert+flush+fdatasync: {} p99, {} median",
                ms(raw.pct(0.99)),
                ms(raw.median())
            ),
        ));
        rows.push(Row::new(
            "P3",
            format!(
                "edit → durable ack, 8 clients at once ({} edits)",
                eight.len()
            ),
            format!("{} p99, {} median", ms(eight.pct(0.99)), ms(eight.median())),
            "≤ 20 ms p99",
            Some(eight.pct(0.99) <= 20.0),
            format!(
                "{:.0} edits/s (1 client: {:.0}/s)",
                eight.len() as f64 / l.eight_wall.as_secs_f64(),
                one.len() as f64 / l.one_wall.as_secs_f64()
            ),
        ));
    }

    // ---- large: start-up, search, memory of the server --------------------------------------
    if let Some(store) = &large {
        let _server = ServerGuard(store.clone());
        data::stop_server(store);
        let pid = data::start_server(store);
        if want("p1") {
            notes.push(format!("P1 large: {}", tui::startup_breakdown(store)));
            let s = tui::first_frame(store, STARTS);
            rows.push(Row::new(
                "P1",
                format!("start → first full frame, large ({STARTS} runs)"),
                format!("{} median, {} max", ms(s.median()), ms(s.max())),
                "≤ 300 ms",
                Some(s.max() <= 300.0),
                "",
            ));
        }
        if want("p4") {
            let year = *Scale::Large.spec().years.last().expect("a year");
            let s = p4_search::measure(store, year);
            rows.push(Row::new(
                "P4",
                format!(
                    "search palette per keystroke, large ({} keys)",
                    s.per_key.len()
                ),
                format!(
                    "{} p95, {} max",
                    ms(s.per_key.pct(0.95)),
                    ms(s.per_key.max())
                ),
                "≤ 16 ms p95",
                Some(s.per_key.pct(0.95) <= 16.0),
                format!(
                    "linear `contains` over {} folded unit×criterion lines: {} p95",
                    s.pairs,
                    ms(s.reference.pct(0.95))
                ),
            ));
        }
        if want("p6") {
            let hwm = pty::vm_hwm(pid).expect("server status");
            rows.push(Row::new(
                "P6",
                "server peak RSS (VmHWM), large, after the workbench starts and searches",
                mib(hwm),
                "≤ 300 MB",
                Some(hwm <= 300_000_000),
                "",
            ));
            // Each large command, then what is left afterwards (memory given back).
            let scratch = data::scratch();
            let out = |name: &str| scratch.path().join(name).to_string_lossy().into_owned();
            let mut after = Vec::new();
            for (what, args) in [
                ("verify", vec!["verify".to_string()]),
                ("export", vec!["export".into(), "-o".into(), out("e.csv")]),
                ("backup", vec!["backup".into(), "-o".into(), out("b.jsonl")]),
            ] {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                data::run_cli(store, &args);
                std::thread::sleep(Duration::from_millis(200));
                after.push((what, pty::vm_rss(pid).unwrap_or(0)));
            }
            let peak = pty::vm_hwm(pid).unwrap_or(0);
            let worst = after.iter().map(|a| a.1).max().unwrap_or(0);
            rows.push(Row::new(
                "P6",
                "server RSS after verify, export, backup (large); peak meanwhile",
                format!(
                    "{} · peak {}",
                    after
                        .iter()
                        .map(|(w, b)| format!("{w} {}", mib(*b)))
                        .collect::<Vec<_>>()
                        .join(", "),
                    mib(peak)
                ),
                "≤ 300 MB, given back",
                Some(worst <= 300_000_000 && peak <= 300_000_000),
                "",
            ));
        }
    }

    // ---- P5: import and verify ---------------------------------------------------------------
    if want("p5") {
        p5_import::import(&mut rows, &mut notes);
        p5_import::import_responses(&mut rows);
    }
    if want("p5") {
        for (scale, store) in [(Scale::National, &national), (Scale::Large, &large)] {
            if let Some(store) = store {
                p5_import::verify(scale, store, &mut rows, &mut notes);
            }
        }
    }

    rows.sort_by_key(|r| r.budget);
    println!();
    println!("Machine: {machine}");
    println!();
    print!("{}", table::render(&rows));
    println!();
    for n in &notes {
        println!("- {n}");
    }
    println!(
        "- load average at the end: {} · whole run {:.0} s",
        machine::load(),
        t_all.elapsed().as_secs_f64()
    );
}

/// The P2 byte rows of one terminal size (requirement P2): lists ≤ 1 KB median per cursor move,
/// scrolling moves included; the criteria tree ≤ 2 KB median.
fn p2_bytes(rows: &mut Vec<Row>, nav: &tui::Navigation, cols: u16, lines: u16) {
    let b = |s: &Samples| format!("{} median, {} p99", bytes(s.median()), bytes(s.pct(0.99)));
    let tree = nav.bench_bytes.median();
    rows.push(Row::new(
        "P2",
        format!("bytes written per cursor move, overview {cols}×{lines}"),
        b(&nav.overview_bytes),
        "≤ 1 KB median",
        Some(nav.overview_bytes.median() <= 1000.0),
        format!(
            "{} moves, scrolling ones included; largest {}",
            nav.overview_bytes.len(),
            bytes(nav.overview_bytes.max())
        ),
    ));
    rows.push(Row::new(
        "P2",
        format!("bytes written per cursor move, criteria tree {cols}×{lines}"),
        b(&nav.bench_bytes),
        "≤ 2 KB median",
        Some(tree <= 2000.0),
        format!("full redraw: {}", bytes(nav.full_redraw as f64)),
    ));
}

/// Median wall time of `thamdinh --version`: starting the process alone.
fn process_start() -> f64 {
    let mut v: Vec<Duration> = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let ok = std::process::Command::new(data::EXE)
            .arg("--version")
            .output()
            .expect("run")
            .status
            .success();
        assert!(ok);
        v.push(t.elapsed());
    }
    Samples::from_durations(&v).median()
}
