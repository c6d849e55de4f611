//! The disputes and audit queue (SPEC W9) in the whole app, on the demo store and ratatui's
//! `TestBackend`: the screen at 80×24 and 120×40, Enter to the item and Esc back to the same
//! row, the sort and filter keys, live updates from another session, and overdue items on the
//! demo's open round. Snapshots use the monochrome theme; "▶" in the left gutter marks the
//! selected row; dates (the demo's rounds are dated from today) are replaced by placeholders.

mod common;

use std::sync::Arc;

use api::Workbench;
use domain::round::add_days;
use domain::{Command, ItemKey, Outcome, Role, Status};
use engine::LocalWorkbench;
use l10n::Lang;
use tui::app::{App, Screen};
use tui::dialogs::Overlay;
use tui::screens::queue::{Flag, Kind, KindFilter, SortKey};
use tui::theme::ColorLevel;
use tui::{self, TuiOptions};

const YEAR: u16 = 2024;

struct Demo {
    _dir: tempfile::TempDir,
    wb: Arc<LocalWorkbench>,
}

fn demo() -> Demo {
    let dir = tempfile::tempdir().expect("temp dir");
    let wb = sample::demo::build(dir.path(), "lead", Some(5)).expect("demo store");
    Demo {
        _dir: dir,
        wb: Arc::new(wb),
    }
}

fn app_for(wb: &Arc<LocalWorkbench>, lang: Lang) -> App {
    let dynwb: Arc<dyn Workbench> = wb.clone();
    let opts = TuiOptions {
        lang,
        theme: Some(ColorLevel::Mono),
        ..TuiOptions::default()
    };
    let mut app = tui::build_app(dynwb, &opts).expect("app");
    app.resize(80, 24);
    app
}

/// Replace "10/11/2026" by "DD/MM/YYYY" and the "10/11–" of a period by "DD/MM–".
fn redact_dates(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let fits = |i: usize, pat: &str| {
        pat.chars().enumerate().all(|(k, p)| {
            chars
                .get(i + k)
                .is_some_and(|&c| if p == '9' { c.is_ascii_digit() } else { c == p })
        })
    };
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        if fits(i, "99/99/9999") {
            out.push_str("DD/MM/YYYY");
            i += 10;
        } else if fits(i, "99/99–") {
            out.push_str("DD/MM–");
            i += 6;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Draw the app at a size and return the screen as text.
fn screen(app: &mut App, w: u16, h: u16) -> String {
    redact_dates(&common::render_screen(app, w, h))
}

/// The item under the queue's cursor, as (unit code, criterion code).
fn selected(app: &App) -> (String, String) {
    let (u, n) = app.queue.selected().expect("a row is selected");
    (
        app.model.unit_set().units[u].code.clone(),
        app.model.fw().nodes[n].code.clone(),
    )
}

fn status_of(app: &App, (unit, leaf): &(String, String)) -> Status {
    app.model.item(unit, leaf).expect("item").status()
}

#[test]
fn the_queue_at_both_sizes_in_both_languages() {
    let d = demo();
    let mut app = app_for(&d.wb, Lang::Vi);
    app.feed("<f7>");
    assert_eq!(app.screen, Screen::Queue);
    let small = screen(&mut app, 80, 24);
    // The header: counts per kind and the open round with its days left.
    assert!(
        small.contains("Đợt 2: DD/MM–DD/MM/YYYY, còn 9 ngày"),
        "{small}"
    );
    insta::assert_snapshot!("queue_vi_80x24", small);
    insta::assert_snapshot!("queue_vi_120x40", screen(&mut app, 120, 40));

    // The open items only, in English: disputes and the council's referral.
    let mut en = app_for(&d.wb, Lang::En);
    en.feed("<f7><f5>");
    assert_eq!(en.queue.kind, KindFilter::Open);
    let wide = screen(&mut en, 120, 40);
    assert!(
        wide.contains("Round 2: DD/MM–DD/MM/YYYY, 9 days left"),
        "{wide}"
    );
    insta::assert_snapshot!("queue_open_en_120x40", wide);
    insta::assert_snapshot!("queue_open_en_80x24", screen(&mut en, 80, 24));
}

#[test]
fn enter_opens_the_item_and_esc_comes_back_to_the_same_row() {
    let d = demo();
    let mut app = app_for(&d.wb, Lang::Vi);
    // Open items, sorted by age (the cursor follows its item), then the fourth row.
    app.feed("<f7>LS<home><down><down><down>");
    let row = app.queue.cursor;
    assert_eq!(row, 3);
    let item = selected(&app);
    app.feed("<enter>");
    assert_eq!(app.screen, Screen::Bench);
    let b = app.bench.as_ref().expect("workbench");
    assert_eq!(b.unit, item.0);
    let node = b.selected().expect("a row");
    assert_eq!(
        app.model.fw().nodes[node].code,
        item.1,
        "the item is selected"
    );
    assert!(!b.area_view);
    // Its detail is on screen.
    let shown = screen(&mut app, 80, 24);
    assert!(shown.contains(&format!(" {} ", item.1)), "{shown}");
    // Moving to another unit and back out still returns to the queue.
    app.feed("><esc>");
    assert_eq!(app.screen, Screen::Queue);
    assert_eq!(app.queue.cursor, row);
    assert_eq!(selected(&app), item);
    assert_eq!(app.queue.sort, SortKey::Age);
    assert_eq!(app.queue.kind, KindFilter::Open);
    // Esc in the queue goes to the overview; a unit opened there returns there.
    app.feed("<esc>");
    assert_eq!(app.screen, Screen::Overview);
    app.feed("<enter><esc>");
    assert_eq!(app.screen, Screen::Overview);
}

#[test]
fn sort_and_filter_keys_follow_the_overview_conventions() {
    let d = demo();
    let mut app = app_for(&d.wb, Lang::Vi);
    app.feed("<f7>");
    assert_eq!(app.queue.sort, SortKey::Delta);
    // Largest |Δ| first.
    let deltas: Vec<i64> = app
        .queue
        .rows
        .iter()
        .map(|r| r.delta.hundredths().abs())
        .collect();
    assert!(deltas.windows(2).all(|w| w[0] >= w[1]), "{deltas:?}");
    app.feed("<f6>");
    assert_eq!(app.queue.sort, SortKey::Age);
    app.feed("S");
    assert_eq!(app.queue.sort, SortKey::Area);
    app.feed("<s-f6>");
    assert!(app.queue.reverse);
    app.feed("D");
    assert!(!app.queue.reverse);
    app.feed("<f5>L");
    assert_eq!(app.queue.kind, KindFilter::Only(Kind::Disputed));
    assert!(app.queue.rows.iter().all(|r| r.kind == Kind::Disputed));
    app.feed("<s-f5>A");
    let area2 = app.model.fw().position("2");
    assert_eq!(app.queue.area, area2);
    assert!(app.queue.rows.iter().all(|r| Some(r.area) == area2));
    app.feed("<f4>");
    assert!(app.queue.region.is_some());
    app.feed("<s-f4>");
    assert_eq!(app.queue.appraiser.as_ref(), app.queue.appraisers.first());
    app.feed("U");
    assert_eq!(app.queue.appraiser.as_ref(), app.queue.appraisers.get(1));
    app.feed("<f8>");
    assert_eq!(app.queue.kind, KindFilter::All);
    assert_eq!(
        (app.queue.area, &app.queue.region, &app.queue.appraiser),
        (None, &None, &None)
    );
    app.feed("LLRUAX");
    assert_eq!(app.queue.rows.len(), app.queue.total());
    // Lower-case letters are not filters here: "q" still quits.
    app.feed("q");
    assert!(app.should_quit());
}

#[test]
fn history_and_the_answer_act_on_the_row_under_the_cursor() {
    let d = demo();
    let mut app = app_for(&d.wb, Lang::Vi);
    app.feed("<f7>LL");
    let item = selected(&app);
    assert_eq!(status_of(&app, &item), Status::Disputed);
    app.feed("h");
    match app.overlays.last() {
        Some(Overlay::History(h)) => {
            assert_eq!((h.key.unit.clone(), h.key.leaf.clone()), item);
        }
        _ => panic!("history opened"),
    }
    app.feed("<esc>");
    // Reject the largest open dispute from the queue: the row leaves the disputes, the cursor
    // stays in place on the next one.
    app.feed("T<tab><tab>Giữ nguyên điểm thẩm định<f2>");
    assert!(app.overlays.is_empty(), "form closed after saving");
    let it =
        d.wb.item(&ItemKey::new(YEAR, item.0.clone(), item.1.clone()))
            .expect("read")
            .expect("item");
    assert_eq!(it.status(), Status::Resolved);
    assert_eq!(
        it.appraisal.dispute.and_then(|d| d.outcome),
        Some(Outcome::Rejected)
    );
    assert_eq!(app.screen, Screen::Queue);
    assert_eq!(app.queue.cursor, 0);
    assert_ne!(selected(&app), item);
    assert!(app.queue.rows.iter().all(|r| r.kind == Kind::Disputed));
}

#[test]
fn the_queue_follows_changes_made_by_another_session() {
    let d = demo();
    d.wb.apply(Command::SetMember {
        user: "an".into(),
        role: Role::Appraiser,
    })
    .expect("add member");
    let notices = d.wb.subscribe();
    let mut app = app_for(&d.wb, Lang::Vi);
    app.feed("<f7>LL<down>");
    let disputes = app.queue.count(Kind::Disputed);
    let mine = selected(&app);
    let top = {
        let r = &app.queue.rows[0];
        (
            app.model.unit_set().units[r.unit].code.clone(),
            app.model.fw().nodes[r.node].code.clone(),
        )
    };
    let key = ItemKey::new(YEAR, top.0.clone(), top.1.clone());
    let version = d.wb.item(&key).expect("read").expect("item").version;
    d.wb.session("an")
        .apply(Command::ResolveDispute {
            key,
            outcome: Outcome::Rejected,
            score: None,
            response: "Không đủ căn cứ".into(),
            expected: version,
        })
        .expect("resolve");
    // Nothing moves until the notice arrives…
    assert_eq!(app.queue.count(Kind::Disputed), disputes);
    while let Ok(n) = notices.try_recv() {
        app.handle_notice(n);
    }
    // …then the answered dispute is gone and the cursor is still on my item.
    assert_eq!(app.queue.count(Kind::Disputed), disputes - 1);
    assert_eq!(selected(&app), mine);
    assert_eq!(app.queue.cursor, 0);
    assert!(
        app.queue
            .rows
            .iter()
            .all(|r| app.model.fw().nodes[r.node].code != top.1
                || app.model.unit_set().units[r.unit].code != top.0)
    );
}

#[test]
fn items_of_the_open_round_become_overdue_after_its_closing_date() {
    let d = demo();
    let mut app = app_for(&d.wb, Lang::Vi);
    app.feed("<f7>");
    assert_eq!(app.queue.count(Kind::Overdue), 0, "round 2 is still open");
    let closes = app
        .model
        .rounds
        .iter()
        .find(|r| !r.closed)
        .expect("an open round")
        .closes;
    let today = app.queue.today;
    app.queue.rebuild(&app.model, closes);
    assert_eq!(
        app.queue.count(Kind::Overdue),
        0,
        "the closing day is on time"
    );
    app.queue.rebuild(&app.model, add_days(closes, 1));
    let overdue = app.queue.count(Kind::Overdue);
    assert!(overdue > 0, "lowered scores with no explanation in round 2");
    let rows: Vec<_> = app
        .queue
        .rows
        .iter()
        .filter(|r| r.kind == Kind::Overdue)
        .collect();
    assert_eq!(rows.len(), overdue);
    assert!(
        rows.iter()
            .all(|r| r.flag == Some(Flag::Overdue) && r.round == Some(2))
    );
    // An overdue item that gets its explanation leaves the overdue rows.
    let r = rows[0];
    let key = ItemKey::new(
        YEAR,
        app.model.unit_set().units[r.unit].code.clone(),
        app.model.fw().nodes[r.node].code.clone(),
    );
    let version = d.wb.item(&key).expect("read").expect("item").version;
    let events =
        d.wb.apply(Command::RecordDispute {
            key: key.clone(),
            explanation: "Bổ sung quyết định".into(),
            document: "99/UBND".into(),
            claimed: None,
            received: today,
            round: None,
            expected: version,
        })
        .expect("record");
    app.model.apply_events(&events);
    app.queue.rebuild(&app.model, add_days(closes, 1));
    assert_eq!(app.queue.count(Kind::Overdue), overdue - 1);
    let row = app
        .queue
        .rows
        .iter()
        .find(|r| {
            app.model.unit_set().units[r.unit].code == key.unit
                && app.model.fw().nodes[r.node].code == key.leaf
        })
        .expect("still in the queue");
    assert_eq!(
        (row.kind, row.flag, row.round),
        (Kind::Disputed, None, Some(2))
    );
}

/// "Days left", "closes today", "passed" and the overdue flag are measured against the app's
/// clock in Vietnam time: on fixed dates they say exactly this.
#[test]
fn days_left_and_overdue_follow_the_clock_in_vietnam_time() {
    use domain::clock;
    let dir = tempfile::tempdir().expect("temp dir");
    let lead = Arc::new(common::setup(dir.path()));
    common::open_round(lead.as_ref(), "2025-03-01", "2025-03-15");
    let k = ItemKey::new(YEAR, "44", "1.1.1");
    lead.apply(Command::Adjust {
        key: k.clone(),
        score: common::p("1"),
        justification: "Thiếu quyết định phê duyệt kế hoạch".into(),
        expected: common::version(lead.as_ref(), &k),
    })
    .expect("adjust");
    let mut app = app_for(&lead, Lang::Vi);
    let header_at = |app: &mut App, utc: &str| {
        app.clock = clock::fixed(utc.parse().expect("a time"));
        app.feed("<f7>");
        let screen = common::render_screen(app, 120, 30);
        let row_overdue = app
            .queue
            .rows
            .iter()
            .any(|r| r.kind == Kind::Overdue && r.flag == Some(Flag::Overdue));
        app.feed("<esc>");
        (screen, row_overdue)
    };
    // 12/03 in Vietnam: three days left.
    let (s, overdue) = header_at(&mut app, "2025-03-12T03:00:00Z");
    assert!(s.contains("Đợt 1: 01/03–15/03/2025, còn 3 ngày"), "{s}");
    assert!(!overdue);
    // 14/03 at 17:30 UTC is already 15/03 00:30 in Vietnam: the closing day.
    let (s, overdue) = header_at(&mut app, "2025-03-14T17:30:00Z");
    assert!(s.contains("hạn chót hôm nay"), "{s}");
    assert!(!overdue);
    // 17/03: passed two days ago, and the adjusted item without an explanation is overdue.
    let (s, overdue) = header_at(&mut app, "2025-03-17T02:00:00Z");
    assert!(s.contains("đã hết hạn 2 ngày"), "{s}");
    assert!(overdue, "{s}");
}
