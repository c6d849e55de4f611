//! The workbench measured the way a user meets it: the real binary in a 120×40 (and, for the
//! bytes of P2, also an 80×24) pseudo-terminal on a store whose server already runs (SPEC P1, P2, P6 client, P7), and the same key script
//! in-process against ratatui's TestBackend for the processing and draw times (P2).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use api::Workbench;
use net::client::{ConnectOptions, RemoteWorkbench};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui::{self, TuiOptions};

use crate::data;
use crate::pty::{self, Pty, keys};
use crate::stats::Samples;

pub const COLS: u16 = 120;
pub const ROWS: u16 = 40;
/// The other terminal size the bytes of P2 are measured at.
pub const SMALL: (u16, u16) = (80, 24);
/// Moves in the overview (down, then back up): the national overview lists 63 provinces, so
/// the moves past the first screen scroll the list at both sizes.
const OVERVIEW_MOVES: usize = 62;
/// Moves in a unit's tree (down, then back up): the whole bundled tree is 133 rows.
const BENCH_MOVES: usize = 140;
/// How long the idle workbench is watched (P7).
const IDLE: Duration = Duration::from_secs(5);

fn store_arg(store: &Path) -> String {
    store.to_str().expect("utf-8 store path").to_string()
}

/// Start to first full frame, `runs` times (server already running).
pub fn first_frame(store: &Path, runs: usize) -> Samples {
    let mut out = Vec::new();
    let s = store_arg(store);
    for _ in 0..runs {
        let mut p = Pty::start(&["--store", &s], COLS, ROWS, &[]);
        let at = p
            .wait_frames(1, Duration::from_secs(120))
            .unwrap_or_else(|| panic!("no first frame\n{}", p.screen()));
        let dt = at.saturating_duration_since(p.started);
        assert!(
            p.screen().contains("PAR INDEX"),
            "the first frame is the overview:\n{}",
            p.screen()
        );
        out.push(dt);
        p.quit();
    }
    Samples::from_durations(&out)
}

/// What one navigation session through the pseudo-terminal measured.
pub struct Navigation {
    /// Bytes written per cursor move in a unit's criteria tree.
    pub bench_bytes: Samples,
    /// Key written → its frame read back, in the tree.
    pub bench_rtt: Samples,
    pub overview_bytes: Samples,
    pub overview_rtt: Samples,
    /// Bytes of a full repaint (Ctrl-L) of the tree screen.
    pub full_redraw: usize,
    /// Peak RSS of the workbench process after the session.
    pub client_hwm: u64,
    /// CPU ticks of the idle workbench over `idle`, and frames it drew meanwhile.
    pub idle_ticks: u64,
    pub idle_frames: usize,
    pub idle: Duration,
}

/// One session in a `cols`×`rows` pseudo-terminal.
pub fn navigate(store: &Path, env: &[(&str, &str)], (cols, rows): (u16, u16)) -> Navigation {
    let s = store_arg(store);
    let mut p = Pty::start(&["--store", &s], cols, rows, env);
    p.wait_frames(1, Duration::from_secs(120))
        .unwrap_or_else(|| panic!("no first frame\n{}", p.screen()));
    p.drain(Duration::from_millis(300));
    let mut overview_bytes = Vec::new();
    let mut overview_rtt = Vec::new();
    for k in std::iter::repeat_n(keys::DOWN, OVERVIEW_MOVES)
        .chain(std::iter::repeat_n(keys::UP, OVERVIEW_MOVES))
    {
        let (b, t) = p.key(k);
        overview_bytes.push(b as f64);
        overview_rtt.push(t);
    }
    // Open the unit under the cursor (the first one).
    p.key(keys::ENTER);
    p.drain(Duration::from_millis(300));
    let mut bench_bytes = Vec::new();
    let mut bench_rtt = Vec::new();
    for k in std::iter::repeat_n(keys::DOWN, BENCH_MOVES)
        .chain(std::iter::repeat_n(keys::UP, BENCH_MOVES))
    {
        let (b, t) = p.key(k);
        bench_bytes.push(b as f64);
        bench_rtt.push(t);
    }
    p.drain(Duration::from_millis(200));
    let (full_redraw, _) = p.key(keys::CTRL_L);

    // P7: nobody types.
    p.drain(Duration::from_millis(500));
    let pid = p.pid();
    let frames = p.frames;
    let t0 = pty::cpu_ticks(pid).expect("stat");
    std::thread::sleep(IDLE);
    let idle_ticks = pty::cpu_ticks(pid).expect("stat") - t0;
    p.drain(Duration::from_millis(10));
    let idle_frames = p.frames - frames;
    let client_hwm = pty::vm_hwm(pid).expect("status");
    p.quit();
    Navigation {
        bench_bytes: Samples(bench_bytes),
        bench_rtt: Samples::from_durations(&bench_rtt),
        overview_bytes: Samples(overview_bytes),
        overview_rtt: Samples::from_durations(&overview_rtt),
        full_redraw,
        client_hwm,
        idle_ticks,
        idle_frames,
        idle: IDLE,
    }
}

/// Processing per key (update + draw) and draw alone, in-process with TestBackend: wall time,
/// and the CPU time of the thread (what a busy machine's other processes cannot inflate).
pub struct Processing {
    pub per_key: Samples,
    pub per_key_cpu: Samples,
    pub draw: Samples,
}

/// CPU time this thread has used.
pub fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub fn connect(store: &Path) -> Arc<RemoteWorkbench> {
    let opts = ConnectOptions {
        server_exe: Some(data::EXE.into()),
        ..ConnectOptions::default()
    };
    Arc::new(RemoteWorkbench::connect(store, &opts).expect("connect"))
}

pub fn app(wb: Arc<RemoteWorkbench>) -> tui::app::App {
    let dynwb: Arc<dyn Workbench> = wb;
    let mut app = tui::build_app(dynwb, &TuiOptions::default()).expect("app");
    app.resize(COLS, ROWS);
    app
}

pub fn processing(store: &Path) -> Processing {
    let wb = connect(store);
    let mut app = app(wb);
    let mut term = Terminal::new(TestBackend::new(COLS, ROWS)).expect("terminal");
    term.draw(|f| tui::views::render(&app, f)).expect("draw");
    let mut per_key = Vec::new();
    let mut per_key_cpu = Vec::new();
    let mut draw = Vec::new();
    let script: Vec<KeyCode> = std::iter::repeat_n(KeyCode::Down, OVERVIEW_MOVES)
        .chain(std::iter::repeat_n(KeyCode::Up, OVERVIEW_MOVES))
        .chain([KeyCode::Enter])
        .chain(std::iter::repeat_n(KeyCode::Down, BENCH_MOVES))
        .chain(std::iter::repeat_n(KeyCode::Up, BENCH_MOVES))
        .collect();
    // Twice: the first pass warms caches.
    for pass in 0..2 {
        if pass == 1 {
            app.handle_key(key(KeyCode::Esc));
            term.draw(|f| tui::views::render(&app, f)).expect("draw");
        }
        for code in &script {
            let c = thread_cpu();
            let t = Instant::now();
            app.handle_key(key(*code));
            let d = Instant::now();
            term.draw(|f| tui::views::render(&app, f)).expect("draw");
            let end = Instant::now();
            let cpu = thread_cpu() - c;
            if pass == 1 {
                per_key.push(end - t);
                per_key_cpu.push(cpu);
                draw.push(end - d);
            }
        }
    }
    Processing {
        per_key: Samples::from_durations(&per_key),
        per_key_cpu: Samples::from_durations(&per_key_cpu),
        draw: Samples::from_durations(&draw),
    }
}

/// Where start-up time goes: each call the workbench makes before its first frame.
pub fn startup_breakdown(store: &Path) -> String {
    let t = Instant::now();
    let wb = connect(store);
    let connect_t = t.elapsed();
    let t = Instant::now();
    let years = wb.years().expect("years");
    let year = *years.iter().max().expect("a year");
    let years_t = t.elapsed();
    let t = Instant::now();
    let ctx = wb.year(year).expect("year");
    let year_t = t.elapsed();
    let t = Instant::now();
    let totals = wb.unit_totals(year, None).expect("unit totals");
    let totals_t = t.elapsed();
    let t = Instant::now();
    let states = wb.unit_states(year).expect("states");
    let states_t = t.elapsed();
    let t = Instant::now();
    let _ = wb.role();
    let role_t = t.elapsed();
    let t = Instant::now();
    let app = app(wb.clone());
    let app_t = t.elapsed();
    let mut term = Terminal::new(TestBackend::new(COLS, ROWS)).expect("terminal");
    let t = Instant::now();
    term.draw(|f| tui::views::render(&app, f)).expect("draw");
    let draw_t = t.elapsed();
    // Not before the first frame: what the queue asks for when it is first shown.
    let t = Instant::now();
    let items = wb.item_summaries(year).expect("items");
    let items_t = t.elapsed();
    let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
    format!(
        "start-up calls (ms): connect {} · years {} · year sources+parse {} · unit totals {} ({} units) · unit states {} ({}) · role {} · App::new again (all of it) {} · first draw {} · framework nodes {} · (later, the queue shown first: item summaries {} for {} items)",
        ms(connect_t),
        ms(years_t),
        ms(year_t),
        ms(totals_t),
        totals.len(),
        ms(states_t),
        states.len(),
        ms(role_t),
        ms(app_t),
        ms(draw_t),
        ctx.framework.nodes.len(),
        ms(items_t),
        items.len()
    )
}
