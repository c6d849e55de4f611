//! SPEC P4: the search palette, per keystroke, over every unit × criterion of one year at
//! large scale (2,000 units × 150 criteria nodes, and the actions). Measured in-process on the
//! real App (palette open, one key typed, one frame drawn on TestBackend) connected to the
//! store's server. Reference: a plain linear scan — `contains` over the pre-folded text of
//! every unit × criterion pair — per keystroke.

use std::path::Path;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use search::fold::fold;

use crate::stats::Samples;
use crate::tui::{COLS, ROWS, app, connect};

/// What people type: a unit by name, a unit and a criterion, codes, criterion words.
pub const QUERIES: &[&str] = &[
    "so noi vu quang binh",
    "quang binh 3.2.1",
    "4401 1.1",
    "dung thoi han",
    "tai chinh cong",
    "van phong ubnd ha noi 10.5",
    "so y te can tho ke hoach",
    "mot cua lien thong",
];

pub struct Search {
    pub per_key: Samples,
    pub reference: Samples,
    pub pairs: usize,
}

pub fn measure(store: &Path, year: u16) -> Search {
    let wb = connect(store);
    let y = api::Workbench::year(&*wb, year).expect("year");
    let mut app = app(wb);
    let mut term = Terminal::new(TestBackend::new(COLS, ROWS)).expect("terminal");
    term.draw(|f| tui::views::render(&app, f)).expect("draw");
    let ctrl_p = KeyEvent::new(KeyCode::Char('p'), KeyModifiers::CONTROL);
    let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
    let mut per_key = Vec::new();
    for pass in 0..2 {
        for q in QUERIES {
            app.handle_key(ctrl_p);
            term.draw(|f| tui::views::render(&app, f)).expect("draw");
            for c in q.chars() {
                let t = Instant::now();
                app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
                term.draw(|f| tui::views::render(&app, f)).expect("draw");
                if pass == 1 {
                    per_key.push(t.elapsed());
                }
            }
            app.handle_key(esc);
        }
    }

    // Reference: every unit × criterion node as one folded line.
    let units: Vec<String> = y
        .units
        .units
        .iter()
        .map(|u| fold(&format!("{} {}", u.code, u.name)))
        .collect();
    let crits: Vec<String> = y
        .framework
        .nodes
        .iter()
        .map(|n| fold(&format!("{} {}", n.code, n.name)))
        .collect();
    let pairs: Vec<String> = units
        .iter()
        .flat_map(|u| crits.iter().map(move |c| format!("{u} {c}")))
        .collect();
    let mut reference: Vec<Duration> = Vec::new();
    let mut found = 0usize;
    for q in QUERIES {
        for end in q.char_indices().map(|(i, c)| i + c.len_utf8()) {
            let prefix = &q[..end];
            let t = Instant::now();
            found += pairs.iter().filter(|p| p.contains(prefix)).count();
            reference.push(t.elapsed());
        }
    }
    std::hint::black_box(found);
    Search {
        per_key: Samples::from_durations(&per_key),
        reference: Samples::from_durations(&reference),
        pairs: pairs.len(),
    }
}
