//! Shared test helpers: a small framework and a store with a lead and an appraiser.
#![allow(dead_code)]

use api::Workbench;
use domain::{Command, Evidence, ItemKey, Points, Role, SelfRow, SurveyRow};
use engine::LocalWorkbench;
use store::Store;

pub const YEAR: u16 = 2024;

pub const FRAMEWORK: &str = r#"
[framework]
id = "test"
name = "Bộ tiêu chí thử"
status = "illustrative"
step = "0.25"
total = "10"

[[group]]
name = "A"
min_percent = "90"

[[group]]
name = "B"
min_percent = "80"

[[item]]
code = "1"
name = "Lĩnh vực một"
max = "6"

[[item]]
code = "1.1"
name = "Tiêu chí một"
max = "6"

[[item]]
code = "1.1.1"
name = "Ban hành kế hoạch cải cách hành chính"
max = "2"
method = "appraised"

[[item]]
code = "1.1.2"
name = "Báo cáo cải cách hành chính"
max = "2"
method = "appraised"

[[item]]
code = "1.1.3"
name = "Mức độ hài lòng"
max = "2"
method = "survey"

[[item]]
code = "2"
name = "Lĩnh vực hai"
max = "4"

[[item]]
code = "2.1"
name = "Tiêu chí hai"
max = "4"

[[item]]
code = "2.1.1"
name = "Giải quyết hồ sơ đúng hạn"
max = "4"
method = "appraised"
"#;

pub const UNITS: &str = r#"
[unit_set]
id = "test-units"
name = "Hai tỉnh"

[[region]]
code = "BTB"
name = "Bắc Trung Bộ và Duyên hải miền Trung"

[[region]]
code = "TN"
name = "Tây Nguyên"

[[unit]]
code = "44"
name = "Quảng Bình"
region = "BTB"

[[unit]]
code = "67"
name = "Đắk Nông"
region = "TN"
"#;

pub fn p(s: &str) -> Points {
    Points::parse(s).expect("test literal")
}

pub fn key(unit: &str, leaf: &str) -> ItemKey {
    ItemKey::new(YEAR, unit, leaf)
}

/// A store in `dir` with year 2024 opened by "lead", appraiser "an" and auditor "kiemtra", and
/// self scores for both units (1.1.1: 2, 1.1.2: 1.5, 2.1.1: 4) and survey 1.1.3 = 1.5.
pub fn setup(dir: &std::path::Path) -> LocalWorkbench {
    let store = Store::create(dir).expect("create store");
    let lead = LocalWorkbench::new(store, "lead");
    lead.apply(Command::OpenYear {
        year: YEAR,
        framework_toml: FRAMEWORK.into(),
        framework_file: "test-framework.toml".into(),
        units_toml: UNITS.into(),
        units_file: "test-units.toml".into(),
        from_year: None,
    })
    .expect("open year");
    lead.apply(Command::SetMember {
        user: "an".into(),
        role: Role::Appraiser,
    })
    .expect("add appraiser");
    lead.apply(Command::SetMember {
        user: "kiemtra".into(),
        role: Role::Auditor,
    })
    .expect("add auditor");
    let mut rows = Vec::new();
    for unit in ["44", "67"] {
        for (leaf, score) in [("1.1.1", "2"), ("1.1.2", "1.5"), ("2.1.1", "4")] {
            rows.push(SelfRow {
                unit: unit.into(),
                leaf: leaf.into(),
                score: p(score),
                note: format!("Ghi chú của tỉnh cho {leaf}"),
                evidence: vec![Evidence {
                    number: "12/KH-UBND".into(),
                    title: "Kế hoạch CCHC năm 2024".into(),
                    date: "2024-01-10".into(),
                    link: String::new(),
                }],
            });
        }
    }
    lead.apply(Command::ImportSelf { year: YEAR, rows })
        .expect("import self");
    lead.apply(Command::ImportSurvey {
        year: YEAR,
        rows: ["44", "67"]
            .iter()
            .map(|u| SurveyRow {
                unit: u.to_string(),
                leaf: "1.1.3".into(),
                score: p("1.5"),
            })
            .collect(),
    })
    .expect("import survey");
    lead
}

/// A calendar date from an ISO literal.
pub fn date(s: &str) -> jiff::civil::Date {
    s.parse().expect("test date")
}

/// Open an explanation round of YEAR for every unit with the default scope (lowered scores and
/// evidence requests).
pub fn open_round(lead: &dyn Workbench, opens: &str, closes: &str) {
    lead.apply(Command::OpenRound {
        year: YEAR,
        opens: date(opens),
        closes: date(closes),
        scope: domain::RoundScope::Lowered,
        units: Vec::new(),
        note: "Công văn 512/BNV-CCHC".into(),
    })
    .expect("open round");
}

pub fn version(wb: &dyn Workbench, k: &ItemKey) -> u64 {
    wb.item(k)
        .expect("read item")
        .map(|i| i.version)
        .unwrap_or(0)
}

pub mod cli;
pub mod os_user;
pub mod pty;

/// Stop the server of the store in `dir` if one runs (SIGTERM to the pid in `server.pid`; it
/// finishes what it is doing and releases the store), then open the store directly.
pub fn open_after_server(dir: &std::path::Path) -> Store {
    use net::server::paths;
    use std::time::{Duration, Instant};
    let deadline = Instant::now() + Duration::from_secs(20);
    if let Some(pid) = paths::read_pid(dir).filter(|p| paths::process_alive(*p))
        && let Some(pid) = rustix::process::Pid::from_raw(pid as i32)
    {
        let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
    }
    while paths::read_pid(dir).is_some_and(paths::process_alive) {
        assert!(Instant::now() < deadline, "the server did not stop");
        std::thread::sleep(Duration::from_millis(10));
    }
    // sled's background threads may hold the lock a moment after the process let go.
    loop {
        match Store::open(dir) {
            Ok(s) => return s,
            Err(store::StoreError::InUse { .. }) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => panic!("cannot open {}: {e}", dir.display()),
        }
    }
}

/// Everything in `bytes` a terminal would act on rather than show: C0 controls other than line
/// feed and tab (ESC, BEL, CR…), DEL, C1 controls, and bidirectional overrides, isolates and
/// marks; each with its position, for an assertion message. Empty when the text is inert.
pub fn terminal_controls(bytes: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(bytes)
        .char_indices()
        .filter(|(_, c)| {
            let u = *c as u32;
            (u < 0x20 && *c != '\n' && *c != '\t')
                || (0x7f..=0x9f).contains(&u)
                || (0x202a..=0x202e).contains(&u)
                || (0x2066..=0x2069).contains(&u)
                || u == 0x200e
                || u == 0x200f
        })
        .map(|(i, c)| format!("U+{:04X} at {i}", c as u32))
        .collect()
}

/// Draw the whole app at a size on ratatui's `TestBackend` and return the screen as text, one
/// line per row, each starting with `▶` where the row shows a selection (reversed cells) — so a
/// snapshot shows the selection without colour.
pub fn render_screen(app: &mut tui::app::App, w: u16, h: u16) -> String {
    use ratatui::style::Modifier;
    app.resize(w, h);
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| tui::views::render(app, f)).expect("draw");
    let buf = t.backend().buffer();
    let mut s = String::new();
    for y in 0..h {
        let selected = (1..h - 1).contains(&y)
            && (0..w).any(|x| buf[(x, y)].modifier.contains(Modifier::REVERSED));
        s.push(if selected { '▶' } else { ' ' });
        for x in 0..w {
            s.push_str(buf[(x, y)].symbol());
        }
        s.push('\n');
    }
    s
}

/// The numbers in `text` written as `int<sep>dd` (exactly two decimals, not part of a longer
/// run of digits and separators such as "1.10.2" or "12,345,678").
pub fn two_decimal_numbers(text: &str, sep: char) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let part = |c: char| c.is_ascii_digit() || c == sep;
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !part(chars[i]) || (i > 0 && part(chars[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && part(chars[i]) {
            i += 1;
        }
        let token: String = chars[start..i].iter().collect();
        let mut pieces = token.split(sep);
        let (int, frac) = (pieces.next().unwrap_or(""), pieces.next());
        if pieces.next().is_none()
            && !int.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.is_some_and(|f| f.len() == 2 && f.bytes().all(|b| b.is_ascii_digit()))
        {
            found.push(token);
        }
    }
    found
}
