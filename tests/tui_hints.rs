//! The hint bar at 80 columns for an item in each state, seen by each role (SPEC W16, issue 14
//! item 5): the keys the item's state calls for come first (`CommandKind::next_steps`), only
//! those the role may use, and "F1 Thêm" always closes the bar.

mod common;

use std::sync::Arc;

use api::Workbench;
use domain::{Command, Method, Role, Status};
use engine::LocalWorkbench;
use l10n::Lang;
use tui::TuiOptions;
use tui::app::App;
use tui::theme::ColorLevel;

const YEAR: u16 = 2024;

fn app_for(wb: &Arc<LocalWorkbench>) -> App {
    let dynwb: Arc<dyn Workbench> = wb.clone();
    let opts = TuiOptions {
        lang: Lang::Vi,
        theme: Some(ColorLevel::Mono),
        ..TuiOptions::default()
    };
    tui::build_app(dynwb, &opts).expect("app")
}

/// Open `unit` at `leaf` in the workbench.
fn open_at(app: &mut App, unit: &str, leaf: &str) {
    let u = app
        .model
        .unit_set()
        .units
        .iter()
        .position(|x| x.code == unit)
        .expect("unit");
    app.open_unit(u);
    let n = app
        .model
        .fw()
        .nodes
        .iter()
        .position(|x| x.code == leaf)
        .expect("leaf");
    let model = &app.model;
    app.bench.as_mut().expect("bench").select_node(model, n);
}

fn hint_bar(app: &mut App, w: u16) -> String {
    let s = common::render_screen(app, w, 24);
    s.lines().last().expect("a hint bar")[1..]
        .trim_end()
        .to_string()
}

#[test]
fn the_hint_bar_follows_the_items_state_and_the_role() {
    let dir = tempfile::tempdir().expect("temp dir");
    // All 63 provinces: the first five have no item left pending.
    let wb = Arc::new(sample::demo::build(dir.path(), "lead", None).expect("demo store"));
    for (user, role) in [("tham", Role::Appraiser), ("kiem", Role::Auditor)] {
        wb.apply(Command::SetMember {
            user: user.into(),
            role,
        })
        .expect("member");
    }
    let fw = app_for(&wb).model.fw().clone();
    let items = wb.items(YEAR, None).expect("items");
    // One appraised item in each state, the demo's first.
    let mut examples = Vec::new();
    for s in Status::ALL {
        let it = items
            .iter()
            .find(|i| {
                i.status() == s
                    && fw
                        .node(&i.key.leaf)
                        .is_some_and(|n| n.method == Method::Appraised)
            })
            .unwrap_or_else(|| panic!("the demo has no appraised item in state {s:?}"));
        examples.push((s, it.key.clone()));
    }
    let mut out = String::new();
    for (user, role) in [("lead", "lead"), ("tham", "appraiser"), ("kiem", "auditor")] {
        let session = Arc::new(wb.session(user));
        let mut app = app_for(&session);
        for (s, key) in &examples {
            open_at(&mut app, &key.unit, &key.leaf);
            let bar = hint_bar(&mut app, 80);
            assert!(bar.ends_with("F1 Thêm"), "{role} {s:?}: {bar}");
            out.push_str(&format!("{role:<9} {:<10} |{bar}\n", s.as_str()));
        }
    }
    insta::assert_snapshot!("hint_bar_by_state_and_role_80", out);

    // The keys the issue asks for, by name.
    let mut lead = app_for(&wb);
    let (_, pending) = &examples[0];
    open_at(&mut lead, &pending.unit, &pending.leaf);
    let bar = hint_bar(&mut lead, 80);
    for k in ["a Đồng ý", "F2 Chấm", "w Lần lượt", "F1 Thêm"] {
        assert!(bar.contains(k), "{k} missing on a pending item: {bar}");
    }
    let disputed = &examples
        .iter()
        .find(|(s, _)| *s == Status::Disputed)
        .expect("disputed")
        .1;
    open_at(&mut lead, &disputed.unit, &disputed.leaf);
    let bar = hint_bar(&mut lead, 80);
    assert!(bar.starts_with("T Trả lời"), "{bar}");
    assert!(
        !bar.contains("a Đồng ý"),
        "agreeing is refused on a disputed item: {bar}"
    );
}

#[test]
fn the_answer_dialogs_choice_is_in_the_hint() {
    let dir = tempfile::tempdir().expect("temp dir");
    let wb = Arc::new(sample::demo::build(dir.path(), "lead", Some(5)).expect("demo store"));
    let items = wb.items(YEAR, None).expect("items");
    let disputed = items
        .iter()
        .find(|i| i.status() == Status::Disputed)
        .expect("a disputed item");
    let mut app = app_for(&wb);
    open_at(&mut app, &disputed.key.unit, &disputed.key.leaf);
    app.feed("T");
    // The answer's first field is the outcome, chosen with ← and →.
    let bar = hint_bar(&mut app, 80);
    assert!(bar.contains("←/→ Chọn"), "{bar}");
    app.feed("<tab>");
    let bar = hint_bar(&mut app, 80);
    assert!(!bar.contains("←/→"), "{bar}");
}

/// The palette (Ctrl-P) offers by name only the actions the role may run: the same rule as the
/// hint bar (`CommandKind::allowed_for`).
#[test]
fn the_palette_lists_only_what_the_role_may_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let wb = Arc::new(sample::demo::build(dir.path(), "lead", Some(5)).expect("demo store"));
    for (user, role) in [("tham", Role::Appraiser), ("kiem", Role::Auditor)] {
        wb.apply(Command::SetMember {
            user: user.into(),
            role,
        })
        .expect("member");
    }
    let palette = |user: &str, query: &str| -> String {
        let session = Arc::new(wb.session(user));
        let mut app = app_for(&session);
        app.feed("<enter><c-p>");
        app.feed(query);
        // Tall enough for the whole list of actions with an empty query.
        common::render_screen(&mut app, 120, 60)
    };
    let agree = "Đồng ý với điểm tự chấm";
    let finalize = "Chốt kết quả đơn vị";
    let history = "Lịch sử thay đổi";
    // With an empty query: the list of actions.
    let lead = palette("lead", "");
    assert!(lead.contains(agree), "{lead}");
    // The lead's own actions come further down the list: found by name.
    let lead = palette("lead", "chot ket qua");
    assert!(lead.contains(finalize), "{lead}");
    let appraiser = palette("tham", "");
    assert!(appraiser.contains(agree), "{appraiser}");
    assert!(
        !appraiser.contains(finalize),
        "a lead's action offered: {appraiser}"
    );
    let auditor = palette("kiem", "");
    assert!(
        !auditor.contains(agree) && !auditor.contains(finalize),
        "{auditor}"
    );
    assert!(
        auditor.contains(history),
        "reading is for everyone: {auditor}"
    );
    // Searched by name, without diacritics.
    assert!(palette("lead", "dong y").contains(agree));
    assert!(!palette("kiem", "dong y").contains(agree));
    assert!(
        palette("tham", "chot")
            .lines()
            .all(|l| !l.contains(finalize))
    );
}
