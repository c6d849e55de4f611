//! Whole-app tests of the workbench TUI on ratatui's `TestBackend`: every screen at 80×24 and
//! 120×40 (both languages for the overview and the workbench), driven by key scripts, with the
//! store checked after every edit. Snapshots use the monochrome theme; a "▶" in the left gutter
//! marks rows with reversed (selected) cells, and clock times are redacted.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use api::Workbench;
use domain::{Command, ItemKey, Points, Role, SelfRow, Status};
use engine::LocalWorkbench;
use l10n::Lang;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;
use tui::app::{App, Screen};
use tui::dialogs::Overlay;
use tui::theme::ColorLevel;
use tui::{self, TuiOptions};

const YEAR: u16 = 2024;
/// A unit the demo leaves without data; the tests import pending self-scores for it.
const PENDING_UNIT: &str = "10";

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

/// Copy unit 08's self-assessment to another unit: all its items are pending.
fn add_pending_unit(wb: &LocalWorkbench, unit: &str, note_for: Option<(&str, &str)>) {
    let rows: Vec<SelfRow> = wb
        .items(YEAR, Some("08"))
        .expect("items")
        .into_iter()
        .filter_map(|i| {
            let s = i.self_assessment?;
            let note = match note_for {
                Some((leaf, note)) if leaf == i.key.leaf => note.to_string(),
                _ => s.note,
            };
            Some(SelfRow {
                unit: unit.into(),
                leaf: i.key.leaf,
                score: s.score,
                note,
                evidence: s.evidence,
            })
        })
        .collect();
    wb.apply(Command::ImportSelf { year: YEAR, rows })
        .expect("import");
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

/// Replace times of today ("22/11/2026 14:04", "14:04:05", Vietnam time) with placeholders: the demo's clock is real. Dates written in the data (evidence dates) are kept.
fn redact_times(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let fits = |i: usize, pat: &str| {
        pat.chars().enumerate().all(|(k, p)| {
            chars
                .get(i + k)
                .is_some_and(|&c| if p == '9' { c.is_ascii_digit() } else { c == p })
        })
    };
    let mut i = 0;
    while i < chars.len() {
        if fits(i, "99/99/9999\u{a0}99:99") {
            out.push_str("DD/MM/YYYY hh:mm");
            i += 16;
        } else if fits(i, "99:99:99") {
            out.push_str("hh:mm:ss");
            i += 8;
        } else if fits(i, "│:99") {
            // The end of a time the dialog over it leaves showing.
            out.push_str("│:mm");
            i += 4;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Draw the app at a size and return the screen as text.
fn screen(app: &mut App, w: u16, h: u16) -> String {
    redact_times(&common::render_screen(app, w, h))
}

fn raw_screen(app: &mut App, w: u16, h: u16) -> String {
    app.resize(w, h);
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| tui::views::render(app, f)).expect("draw");
    let buf = t.backend().buffer();
    buf.content().iter().map(|c| c.symbol()).collect()
}

/// Snapshot a screen at both sizes.
fn snap_both(name: &str, app: &mut App) {
    insta::assert_snapshot!(format!("{name}_80x24"), screen(app, 80, 24));
    insta::assert_snapshot!(format!("{name}_120x40"), screen(app, 120, 40));
}

fn key(unit: &str, leaf: &str) -> ItemKey {
    ItemKey::new(YEAR, unit, leaf)
}

fn item(wb: &LocalWorkbench, unit: &str, leaf: &str) -> domain::Item {
    wb.item(&key(unit, leaf))
        .expect("read")
        .expect("item exists")
}

fn p(s: &str) -> Points {
    Points::parse(s).expect("points")
}

// ----- screens ---------------------------------------------------------------------------

#[test]
fn overview_in_both_languages_and_sizes() {
    let d = demo();
    let mut vi = app_for(&d.wb, Lang::Vi);
    snap_both("overview_vi", &mut vi);
    let mut en = app_for(&d.wb, Lang::En);
    snap_both("overview_en", &mut en);
}

#[test]
fn the_overview_title_says_where_the_official_result_stands() {
    use domain::official::Official;
    let d = demo();
    let mut app = app_for(&d.wb, Lang::Vi);
    let approved = Official::approve(
        None,
        2024,
        "15/BB-HĐTĐ".into(),
        jiff::civil::date(2025, 3, 20),
        domain::Seal {
            seq: 4048,
            hash: [7; 32],
        },
    )
    .expect("approval");
    app.model.official = Some(approved.clone());
    let top = |app: &mut App, w| screen(app, w, 24).lines().next().unwrap_or("").to_string();
    let line = top(&mut app, 80);
    assert!(
        line.contains("Năm 2024 · Kết quả chính thức · 63 đơn vị"),
        "{line}"
    );
    let reopened = Official::reopen(
        Some(&approved),
        jiff::civil::date(2025, 5, 2),
        "Sai sót điểm tiêu chí 1.3.1".into(),
    )
    .expect("reopened");
    app.model.official = Some(reopened);
    let line = top(&mut app, 120);
    assert!(
        line.contains("Năm 2024 · Mở lại sau khi thông qua"),
        "{line}"
    );
    // The ranking (F9) says it too.
    app.model.official = Some(approved);
    app.feed("<f9>");
    let line = top(&mut app, 120);
    assert!(line.contains("Năm 2024 · Kết quả chính thức"), "{line}");
}

#[test]
fn overview_sorts_filters_and_jumps_by_typing() {
    let d = demo();
    let mut app = app_for(&d.wb, Lang::Vi);
    // Sort by code, then the first region only.
    app.feed("<f6><f4>");
    insta::assert_snapshot!(
        "overview_sorted_by_code_region_filter_80x24",
        screen(&mut app, 80, 24)
    );
    app.feed("<f8>");
    // "quang" would quit on 'q' if typing did not start a jump; diacritics are not needed.
    // Lower-case letters are free for typing here: "son la" must not sort.
    app.feed("son la");
    let sel = app.overview.selected().expect("a unit is selected");
    assert_eq!(app.model.unit_set().units[sel].name, "Sơn La");
    app.feed("<esc>quang na");
    assert!(!app.should_quit());
    let sel = app.overview.selected().expect("a unit is selected");
    assert_eq!(app.model.unit_set().units[sel].name, "Quảng Nam");
    insta::assert_snapshot!("overview_typeahead_80x24", screen(&mut app, 80, 24));
    app.feed("<esc><enter>");
    assert_eq!(app.screen, Screen::Bench);
    assert_eq!(app.bench.as_ref().map(|b| b.unit.as_str()), Some("49"));
}

#[test]
fn workbench_in_both_languages_on_an_adjusted_item() {
    let d = demo();
    for (lang, name) in [(Lang::Vi, "workbench_vi"), (Lang::En, "workbench_en")] {
        let mut app = app_for(&d.wb, lang);
        // The first unit (best proposed rank), then the second difference: an adjusted item.
        app.feed("<enter>nn");
        snap_both(name, &mut app);
    }
}

#[test]
fn diffs_only_and_hunk_jumps() {
    let d = demo();
    let mut app = app_for(&d.wb, Lang::Vi);
    app.feed("<enter><f5>");
    let b = app.bench.as_ref().expect("bench");
    let fw = app.model.fw();
    let data = app.model.unit_at(b.unit_idx);
    // Every visible leaf differs or is disputed.
    for &n in &b.rows {
        if fw.nodes[n].is_leaf() {
            assert!(data.items[n].as_ref().is_some_and(|i| i.is_difference()));
        }
    }
    snap_both("workbench_diffs_only", &mut app);
    // Jumping past the last difference says so and stays.
    app.feed("<f5><end>n");
    insta::assert_snapshot!(
        "workbench_no_more_differences_80x24",
        screen(&mut app, 80, 24)
    );
}

#[test]
fn areas_compared_with_bars() {
    let d = demo();
    let mut app = app_for(&d.wb, Lang::Vi);
    app.feed("<enter>b<down><down>");
    snap_both("areas", &mut app);
    // Enter opens the area in the tree.
    app.feed("<enter>");
    let b = app.bench.as_ref().expect("bench");
    assert!(!b.area_view);
    assert_eq!(app.model.fw().nodes[b.selected().expect("row")].code, "3");
}

#[test]
fn help_is_generated_from_the_keymap() {
    let d = demo();
    let mut app = app_for(&d.wb, Lang::Vi);
    app.feed("<enter><f1>");
    snap_both("help_workbench", &mut app);
    let text = screen(&mut app, 120, 40);
    // Bindings come from the live keymap (default.toml binds F5 and d to toggle-diffs).
    assert!(text.contains("F5, d"), "{text}");
    app.feed("<esc>");
    assert!(app.overlays.is_empty());
}

#[test]
fn palette_finds_without_diacritics_and_jumps() {
    let d = demo();
    let mut app = app_for(&d.wb, Lang::Vi);
    app.feed("<c-p>tuyen quang 7.2.1");
    snap_both("palette", &mut app);
    app.feed("<enter>");
    assert_eq!(app.screen, Screen::Bench);
    let b = app.bench.as_ref().expect("bench");
    assert_eq!(b.unit, "08");
    assert_eq!(
        app.model.fw().nodes[b.selected().expect("row")].code,
        "7.2.1"
    );
    // An action by name runs it.
    app.feed("<c-p>chi hien chenh lech<enter>");
    assert!(
        app.bench.as_ref().is_some_and(|b| b.diffs_only),
        "toggle-diffs ran"
    );
}

#[test]
fn too_small_window_says_so() {
    let d = demo();
    let mut app = app_for(&d.wb, Lang::Vi);
    insta::assert_snapshot!("too_small_60x20", screen(&mut app, 60, 20));
    let mut en = app_for(&d.wb, Lang::En);
    insta::assert_snapshot!("too_small_en_79x24", screen(&mut en, 79, 24));
}

// ----- editing ---------------------------------------------------------------------------

/// Open Lào Cai (pending items) by typing its name, and go to 1.1.1.
fn open_pending_unit(app: &mut App) {
    app.feed("lao cai<enter><down><down>");
    let b = app.bench.as_ref().expect("bench");
    assert_eq!(b.unit, PENDING_UNIT);
    assert_eq!(
        app.model.fw().nodes[b.selected().expect("row")].code,
        "1.1.1"
    );
}

/// The hint bar's last line, drawn wide enough for every hint.
fn hints(app: &mut App) -> String {
    let text = screen(app, 220, 40);
    text.lines().last().expect("a hint bar").to_string()
}

#[test]
fn the_hint_bar_offers_only_what_the_role_and_the_item_allow() {
    let d = demo();
    add_pending_unit(&d.wb, PENDING_UNIT, None);
    d.wb.apply(Command::SetMember {
        user: "kiemtra".into(),
        role: Role::Auditor,
    })
    .expect("add auditor");
    let writes = [
        "F2 Chấm",
        "a Đồng ý",
        "r Bổ sung",
        "A Đồng ý cả LV",
        "u Hoàn tác",
    ];

    // A lead on a pending appraised item is offered the decisions.
    let mut lead = app_for(&d.wb, Lang::Vi);
    open_pending_unit(&mut lead);
    let h = hints(&mut lead);
    for k in writes {
        assert!(h.contains(k), "{k} missing: {h}");
    }

    // The same item for an auditor: nothing that writes, the reading keys still.
    let auditor = Arc::new(d.wb.session("kiemtra"));
    let mut au = app_for(&auditor, Lang::Vi);
    open_pending_unit(&mut au);
    let h = hints(&mut au);
    for k in writes {
        assert!(!h.contains(k), "{k} offered to an auditor: {h}");
    }
    assert!(
        h.contains("F3 Lịch sử") && h.contains("F12 Giải thích"),
        "{h}"
    );
    // Pressed anyway, the key is refused as the engine would, and nothing changes.
    let before = item(&d.wb, PENDING_UNIT, "1.1.1").version;
    au.feed("a<f2>");
    assert!(au.overlays.is_empty());
    assert_eq!(item(&d.wb, PENDING_UNIT, "1.1.1").version, before);

    // A survey item takes no decision: no F2, a or r for the lead either.
    let survey_leaf = |app: &App| {
        let b = app.bench.as_ref().expect("bench");
        let n = b.selected().expect("row");
        let node = &app.model.fw().nodes[n];
        node.is_leaf() && node.method == domain::Method::Survey
    };
    for _ in 0..200 {
        if survey_leaf(&lead) {
            break;
        }
        lead.feed("<down>");
    }
    assert!(survey_leaf(&lead), "the demo framework has survey items");
    let h = hints(&mut lead);
    for k in ["F2 Chấm", "a Đồng ý", "r Bổ sung"] {
        assert!(!h.contains(k), "{k} offered on a survey item: {h}");
    }
    assert!(h.contains("A Đồng ý cả LV"), "{h}");

    // An area's row: nothing to decide on.
    lead.feed("<home>");
    let b = lead.bench.as_ref().expect("bench");
    assert!(!lead.model.fw().nodes[b.selected().expect("row")].is_leaf());
    let h = hints(&mut lead);
    assert!(!h.contains("F2 Chấm") && !h.contains("a Đồng ý "), "{h}");
}

#[test]
fn adjust_with_justification_is_saved_and_shown() {
    let d = demo();
    add_pending_unit(&d.wb, PENDING_UNIT, None);
    let mut app = app_for(&d.wb, Lang::Vi);
    open_pending_unit(&mut app);
    let before = item(&d.wb, PENDING_UNIT, "1.1.1");
    assert_eq!(before.status(), Status::Pending);
    let self_score = before.self_score().expect("self score");
    // An off-step score is refused in place, as typed.
    app.feed("<f2><c-u>0,3");
    snap_both("editor_refuses_off_step", &mut app);
    // Then a valid one, with a Vietnamese justification.
    app.feed("<bs>25<tab>Thiếu quyết định ban hành kế hoạch");
    snap_both("editor_valid", &mut app);
    app.feed("<f2>");
    let after = item(&d.wb, PENDING_UNIT, "1.1.1");
    assert_eq!(after.appraisal.proposed, Some(p("0.25")));
    assert_eq!(
        after.appraisal.justification,
        "Thiếu quyết định ban hành kế hoạch"
    );
    assert_eq!(after.status(), Status::Adjusted);
    assert!(app.overlays.is_empty(), "the editor closed");
    let flash = app.flash.as_ref().expect("a saved mark");
    assert!(flash.text.contains("Đã lưu"), "{flash:?}");
    // The unit total follows at once.
    let total = app.model.unit(PENDING_UNIT).expect("unit").scores.total;
    assert_eq!(total.proposed - total.self_, p("0.25") - self_score);
    snap_both("workbench_after_adjust", &mut app);
}

#[test]
fn adjust_without_justification_shows_the_engine_refusal() {
    let d = demo();
    add_pending_unit(&d.wb, PENDING_UNIT, None);
    let mut app = app_for(&d.wb, Lang::Vi);
    open_pending_unit(&mut app);
    app.feed("<f2><c-u>0<f2>");
    let it = item(&d.wb, PENDING_UNIT, "1.1.1");
    assert_eq!(it.status(), Status::Pending, "nothing saved");
    assert!(
        app.flash.is_none()
            || !app
                .flash
                .as_ref()
                .is_some_and(|f| f.text.contains("Đã lưu"))
    );
    insta::assert_snapshot!(
        "editor_justification_required_80x24",
        screen(&mut app, 80, 24)
    );
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("cần ghi lý do"), "{text}");
}

#[test]
fn a_one_letter_justification_is_refused_in_the_editor_with_the_count() {
    let d = demo();
    add_pending_unit(&d.wb, PENDING_UNIT, None);
    let mut app = app_for(&d.wb, Lang::Vi);
    open_pending_unit(&mut app);
    app.feed("<f2><c-u>0,25<tab>x<f2>");
    assert_eq!(
        item(&d.wb, PENDING_UNIT, "1.1.1").status(),
        Status::Pending,
        "nothing saved"
    );
    let text = screen(&mut app, 120, 40);
    assert!(
        text.contains("lý do điều chỉnh quá ngắn (1 ký tự"),
        "{text}"
    );
    // The editor is still open with the text: the appraiser goes on typing.
    app.feed(" — thiếu quyết định ban hành kế hoạch<f2>");
    let it = item(&d.wb, PENDING_UNIT, "1.1.1");
    assert_eq!(it.status(), Status::Adjusted);
    assert_eq!(
        it.appraisal.justification,
        "x — thiếu quyết định ban hành kế hoạch"
    );
}

#[test]
fn agree_bulk_agree_request_and_undo() {
    let d = demo();
    add_pending_unit(&d.wb, PENDING_UNIT, None);
    let mut app = app_for(&d.wb, Lang::Vi);
    open_pending_unit(&mut app);
    // Agree in one key, and the cursor goes on to the next item.
    app.feed("a");
    let it = item(&d.wb, PENDING_UNIT, "1.1.1");
    assert_eq!(it.status(), Status::Agreed);
    assert_eq!(it.appraisal.proposed, it.self_score());
    let next = app
        .bench
        .as_ref()
        .and_then(|b| b.selected())
        .map(|n| app.model.fw().nodes[n].code.clone());
    assert_eq!(next.as_deref(), Some("1.1.2"));
    // Request evidence on it.
    app.feed("rCần quyết định phê duyệt<f2>");
    let it = item(&d.wb, PENDING_UNIT, "1.1.2");
    assert_eq!(it.status(), Status::NeedsInfo);
    assert_eq!(it.appraisal.request, "Cần quyết định phê duyệt");
    // Undo takes back the request, and says which item, in which unit, from what to what.
    app.feed("<up>u");
    assert_eq!(item(&d.wb, PENDING_UNIT, "1.1.2").status(), Status::Pending);
    let flash = app
        .flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default();
    assert!(
        flash.starts_with("Hoàn tác: 1.1.2 ") && flash.ends_with(" — Cần bổ sung → Chờ thẩm định"),
        "{flash}"
    );
    // The cursor went to the item undone.
    let text = screen(&mut app, 120, 40);
    assert!(
        text.contains("Cần quyết định phê duyệt") || text.contains("1.1.2"),
        "{text}"
    );
    // Redo (U) brings the request back; a second redo has nothing to take back.
    app.feed("U");
    assert_eq!(
        item(&d.wb, PENDING_UNIT, "1.1.2").status(),
        Status::NeedsInfo
    );
    let flash = app
        .flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default();
    assert!(flash.starts_with("Làm lại: 1.1.2 "), "{flash}");
    app.feed("U");
    assert_eq!(
        item(&d.wb, PENDING_UNIT, "1.1.2").status(),
        Status::NeedsInfo
    );
    app.feed("u");
    assert_eq!(item(&d.wb, PENDING_UNIT, "1.1.2").status(), Status::Pending);
    // Bulk agree the rest of area 1, after a confirmation that says how many.
    let pending: Vec<String> = app
        .model
        .fw()
        .leaves_under("1")
        .into_iter()
        .filter(|n| n.method == domain::Method::Appraised)
        .filter(|n| {
            app.model
                .item(PENDING_UNIT, &n.code)
                .is_some_and(|i| i.status() == Status::Pending)
        })
        .map(|n| n.code.clone())
        .collect();
    app.feed("A");
    let text = screen(&mut app, 80, 24);
    assert!(
        text.contains(&format!(
            "Đồng ý với {} tiêu chí còn chờ của lĩnh vực 1",
            pending.len()
        )),
        "{text}"
    );
    snap_both("confirm_bulk_agree", &mut app);
    app.feed("<enter>");
    for leaf in &pending {
        assert_eq!(
            item(&d.wb, PENDING_UNIT, leaf).status(),
            Status::Agreed,
            "{leaf}"
        );
    }
    // Request evidence prompt, as shown.
    app.feed("<down><down>rThiếu biên bản kiểm tra");
    snap_both("prompt_request_evidence", &mut app);
}

#[test]
fn history_shows_word_diffs_of_revisions() {
    let d = demo();
    add_pending_unit(&d.wb, PENDING_UNIT, None);
    let mut app = app_for(&d.wb, Lang::Vi);
    open_pending_unit(&mut app);
    app.feed("<f2><c-u>0,25<tab>Thiếu quyết định ban hành kế hoạch<f2>");
    app.feed("<f2><c-u>0<tab><c-a><c-k>Thiếu văn bản ban hành kế hoạch năm<f2>");
    let it = item(&d.wb, PENDING_UNIT, "1.1.1");
    assert_eq!(
        it.appraisal.justification,
        "Thiếu văn bản ban hành kế hoạch năm"
    );
    app.feed("<f3>");
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("~~quyết định~~__văn bản__"), "{text}");
    assert!(text.contains("0,25 → 0,00"), "{text}");
    snap_both("history", &mut app);
}

#[test]
fn history_and_explain_show_the_same_vietnam_time_for_an_event() {
    let d = demo();
    add_pending_unit(&d.wb, PENDING_UNIT, None);
    let mut app = app_for(&d.wb, Lang::Vi);
    open_pending_unit(&mut app);
    app.feed("<f2><c-u>0,25<tab>Thiếu quyết định ban hành kế hoạch năm 2024<f2>");
    let it = item(&d.wb, PENDING_UNIT, "1.1.1");
    let at = it.last.as_ref().expect("the adjustment is recorded").at;
    // What a person in Vietnam reads; the same instant in UTC (or the machine's zone) reads 7
    // hours earlier, so a view that wrote either would fail here.
    let want = domain::clock::date_time(at);
    let utc = at.strftime("%d/%m/%Y %H:%M").to_string();
    app.feed("<f3>");
    let history = raw_screen(&mut app, 120, 40).replace('\u{a0}', " ");
    assert!(history.contains(&want), "history lacks {want}:\n{history}");
    assert!(
        !history.contains(&utc),
        "history shows UTC {utc}:\n{history}"
    );
    app.feed("<esc><f12>");
    let explain = raw_screen(&mut app, 120, 40).replace('\u{a0}', " ");
    assert!(explain.contains("Giải thích điểm"), "{explain}");
    assert!(explain.contains(&want), "explain lacks {want}:\n{explain}");
    assert!(
        !explain.contains(&utc),
        "explain shows UTC {utc}:\n{explain}"
    );
}

#[test]
fn drafts_are_saved_while_typing_and_restored() {
    let d = demo();
    add_pending_unit(&d.wb, PENDING_UNIT, None);
    let mut app = app_for(&d.wb, Lang::Vi);
    open_pending_unit(&mut app);
    let k = key(PENDING_UNIT, "1.1.1");
    app.feed("<f2><c-u>0,25<tab>Đang soạn lý do");
    assert!(d.wb.draft(&k).expect("read").is_none(), "not yet due");
    let due = app.deadline().expect("a draft save is pending");
    assert!(due <= Instant::now() + Duration::from_secs(1));
    app.tick(Instant::now() + Duration::from_secs(2));
    let draft = d.wb.draft(&k).expect("read").expect("draft saved");
    assert_eq!(draft.text, "Đang soạn lý do");
    assert_eq!(draft.score, "0,25");
    assert!(app.deadline().is_none(), "nothing left to save");
    // When it was saved, as every time a person reads: Vietnam time, dd/mm/yyyy HH:MM.
    let shown = raw_screen(&mut app, 80, 24);
    let when = domain::clock::date_time(draft.updated);
    assert!(
        shown.contains(&format!("Nháp đã lưu lúc {when}")),
        "{when}\n{shown}"
    );
    // More typing, then a hang-up: saved before exit.
    app.feed(" tiếp");
    app.save_drafts_now();
    assert_eq!(
        d.wb.draft(&k).expect("read").expect("draft").text,
        "Đang soạn lý do tiếp"
    );
    // Closing and reopening restores it, in a new session too.
    app.feed("<esc>");
    let mut again = app_for(&d.wb, Lang::Vi);
    open_pending_unit(&mut again);
    again.feed("<f2>");
    insta::assert_snapshot!("editor_restored_draft_80x24", screen(&mut again, 80, 24));
    again.feed("<f2>");
    let it = item(&d.wb, PENDING_UNIT, "1.1.1");
    assert_eq!(it.appraisal.justification, "Đang soạn lý do tiếp");
    assert!(
        d.wb.draft(&k).expect("read").is_none(),
        "the draft is gone once saved"
    );
}

#[test]
fn pasted_text_is_cleaned_into_the_justification() {
    let d = demo();
    add_pending_unit(&d.wb, PENDING_UNIT, None);
    let mut app = app_for(&d.wb, Lang::Vi);
    open_pending_unit(&mut app);
    app.feed("<f2><c-u>0<tab>");
    app.handle_event(ratatui::crossterm::event::Event::Paste(
        "Dòng một của lý do\r\nDo\u{300}ng hai\x1b[2J".into(),
    ));
    app.feed("<f2>");
    let it = item(&d.wb, PENDING_UNIT, "1.1.1");
    assert_eq!(
        it.appraisal.justification,
        "Dòng một của lý do\nDòng hai[2J"
    );
}

// ----- walk mode -------------------------------------------------------------------------

#[test]
fn walk_mode_answers_skips_goes_back_and_resumes() {
    let d = demo();
    add_pending_unit(&d.wb, PENDING_UNIT, None);
    let mut app = app_for(&d.wb, Lang::Vi);
    app.feed("lao cai<enter>w");
    assert_eq!(app.screen, Screen::Walk);
    let total = app.walk.as_ref().expect("walk").total();
    snap_both("walk", &mut app);
    let first = app.walk.as_ref().and_then(|w| w.current()).expect("item");
    let first_code = app.model.fw().nodes[first].code.clone();
    // Agree: stored, and on to the next.
    app.feed("a");
    assert_eq!(
        item(&d.wb, PENDING_UNIT, &first_code).status(),
        Status::Agreed
    );
    let w = app.walk.as_ref().expect("walk");
    assert_eq!(w.remaining(&app.model), total - 1);
    let second = w.current().expect("next item");
    // Skip, then back.
    app.feed("<space>");
    assert_ne!(app.walk.as_ref().and_then(|w| w.current()), Some(second));
    app.feed("<bs>");
    assert_eq!(app.walk.as_ref().and_then(|w| w.current()), Some(second));
    // Adjust from walk mode: score and justification, then on to the next.
    app.feed("<f2><c-u>0<tab>Không có tài liệu kiểm chứng<f2>");
    let code = app.model.fw().nodes[second].code.clone();
    let it = item(&d.wb, PENDING_UNIT, &code);
    assert_eq!(it.status(), Status::Adjusted);
    assert_eq!(it.appraisal.proposed, Some(Points::ZERO));
    let third = app.walk.as_ref().and_then(|w| w.current()).expect("third");
    insta::assert_snapshot!("walk_progress_80x24", screen(&mut app, 80, 24));
    // Leave and come back: it resumes on the same item.
    app.feed("<esc>");
    assert_eq!(app.screen, Screen::Bench);
    app.feed("w");
    assert_eq!(app.walk.as_ref().and_then(|w| w.current()), Some(third));
}

#[test]
fn walk_resumes_in_a_new_session_after_the_last_decided_item() {
    let d = demo();
    add_pending_unit(&d.wb, PENDING_UNIT, None);
    let mut app = app_for(&d.wb, Lang::Vi);
    app.feed("lao cai<enter>w");
    let skipped = app.walk.as_ref().and_then(|w| w.current()).expect("first");
    // Skip the first item, agree with the second: the walk is now on the third.
    app.feed("<space>a");
    let next = app.walk.as_ref().and_then(|w| w.current()).expect("third");
    assert_ne!(next, skipped);
    // A new session (after a restart or a reconnect) goes on from there, not back to the
    // skipped item at the start.
    let mut again = app_for(&d.wb, Lang::Vi);
    again.feed("lao cai<enter>w");
    assert_eq!(again.walk.as_ref().and_then(|w| w.current()), Some(next));
}

// ----- shared use ------------------------------------------------------------------------

#[test]
fn a_change_by_another_session_appears_after_its_notice() {
    let d = demo();
    add_pending_unit(&d.wb, PENDING_UNIT, None);
    d.wb.apply(Command::SetMember {
        user: "an".into(),
        role: Role::Appraiser,
    })
    .expect("add member");
    let notices = d.wb.subscribe();
    let mut mine = app_for(&d.wb, Lang::Vi);
    open_pending_unit(&mut mine);
    let an = Arc::new(d.wb.session("an"));
    let mut theirs = app_for(&an, Lang::Vi);
    open_pending_unit(&mut theirs);
    theirs.feed("<f2><c-u>0,25<tab>Chưa đủ tài liệu kiểm chứng<f2>");
    assert_eq!(
        item(&d.wb, PENDING_UNIT, "1.1.1").appraisal.proposed,
        Some(p("0.25"))
    );
    // Not yet in my cache…
    assert_eq!(
        mine.model
            .item(PENDING_UNIT, "1.1.1")
            .expect("item")
            .status(),
        Status::Pending
    );
    // …until my app handles the notice.
    while let Ok(n) = notices.try_recv() {
        mine.handle_notice(n);
    }
    let it = mine.model.item(PENDING_UNIT, "1.1.1").expect("item");
    assert_eq!(it.appraisal.proposed, Some(p("0.25")));
    assert_eq!(it.appraisal.justification, "Chưa đủ tài liệu kiểm chứng");
    let flash = mine.flash.as_ref().expect("told who changed it");
    assert!(flash.text.contains("an"), "{flash:?}");
    insta::assert_snapshot!(
        "notice_from_another_session_80x24",
        screen(&mut mine, 80, 24)
    );
}

#[test]
fn a_conflict_shows_their_change_and_reload_lets_me_save() {
    let (d, mut mine) = conflicted();
    let text = screen(&mut mine, 80, 24);
    assert!(
        text.contains("Lý do của An: chậm báo cáo quý") && text.contains("0,25"),
        "{text}"
    );
    // My text as a word diff against theirs.
    assert!(text.contains("~~An~~__tôi__"), "{text}");
    snap_both("conflict", &mut mine);
    // Re-apply mine: saved on top of their version, in one key.
    mine.feed("<enter>");
    let it = item(&d.wb, PENDING_UNIT, "1.1.1");
    assert_eq!(
        it.appraisal.justification,
        "Lý do của tôi: chậm báo cáo quý"
    );
    assert_eq!(it.appraisal.proposed, Some(Points::ZERO));
    assert!(mine.overlays.is_empty(), "editor closed after saving");
}

#[test]
fn a_conflict_can_keep_theirs_or_go_back_to_editing() {
    let (d, mut mine) = conflicted();
    let k = key(PENDING_UNIT, "1.1.1");
    // Esc: back to my editor, now based on their version; saving then is a knowing re-apply.
    mine.feed("<esc>");
    assert!(matches!(mine.overlays.last(), Some(Overlay::Editor(_))));
    assert_eq!(
        item(&d.wb, PENDING_UNIT, "1.1.1").appraisal.justification,
        "Lý do của An: chậm báo cáo quý"
    );
    // Save again into a second conflict, and this time keep theirs.
    let an = d.wb.session("an");
    let v = item(&an, PENDING_UNIT, "1.1.1").version;
    an.apply(Command::Adjust {
        key: k.clone(),
        score: p("0.5"),
        justification: "An sửa lần hai: thiếu quyết định".into(),
        expected: v,
    })
    .expect("their second change");
    mine.feed("<f2>");
    assert!(matches!(mine.overlays.last(), Some(Overlay::Conflict(_))));
    mine.feed("t");
    assert!(mine.overlays.is_empty(), "my editor is dropped");
    let it = item(&d.wb, PENDING_UNIT, "1.1.1");
    assert_eq!(
        it.appraisal.justification,
        "An sửa lần hai: thiếu quyết định"
    );
    assert!(
        d.wb.draft(&k).expect("read").is_none(),
        "my draft is dropped"
    );
    // The cache shows theirs.
    assert_eq!(
        mine.model
            .item(PENDING_UNIT, "1.1.1")
            .and_then(|i| i.appraisal.proposed),
        Some(p("0.5"))
    );
}

/// "an" adjusts 1.1.1 while I am editing it; my save meets the conflict dialog.
fn conflicted() -> (Demo, App) {
    let d = demo();
    add_pending_unit(&d.wb, PENDING_UNIT, None);
    d.wb.apply(Command::SetMember {
        user: "an".into(),
        role: Role::Appraiser,
    })
    .expect("add member");
    let mut mine = app_for(&d.wb, Lang::Vi);
    open_pending_unit(&mut mine);
    mine.feed("<f2><c-u>0<tab>Lý do của tôi: chậm báo cáo quý");
    let an = d.wb.session("an");
    let v = item(&an, PENDING_UNIT, "1.1.1").version;
    an.apply(Command::Adjust {
        key: key(PENDING_UNIT, "1.1.1"),
        score: p("0.25"),
        justification: "Lý do của An: chậm báo cáo quý".into(),
        expected: v,
    })
    .expect("their change");
    mine.feed("<f2>");
    assert_eq!(
        item(&d.wb, PENDING_UNIT, "1.1.1").appraisal.justification,
        "Lý do của An: chậm báo cáo quý"
    );
    assert!(matches!(mine.overlays.last(), Some(Overlay::Conflict(_))));
    (d, mine)
}

// ----- terminal safety -------------------------------------------------------------------

#[test]
fn control_characters_in_imported_notes_render_inert() {
    let d = demo();
    let note = "Xem văn bản\x1b[2J kèm theo\x1b]0;x\x07 hết";
    add_pending_unit(&d.wb, PENDING_UNIT, Some(("1.1.1", note)));
    let mut app = app_for(&d.wb, Lang::Vi);
    open_pending_unit(&mut app);
    for (w, h) in [(80, 24), (120, 40)] {
        let raw = raw_screen(&mut app, w, h);
        assert!(!raw.contains('\x1b') && !raw.contains('\x07'), "{raw}");
        let text = screen(&mut app, w, h);
        assert!(text.contains("␛[2J") && text.contains("␛]0;x␇"), "{text}");
    }
    insta::assert_snapshot!("detail_escaped_note_120x40", screen(&mut app, 120, 40));
}

#[test]
fn quit_and_ctrl_c_leave_and_save_the_open_draft() {
    let d = demo();
    add_pending_unit(&d.wb, PENDING_UNIT, None);
    let mut app = app_for(&d.wb, Lang::Vi);
    open_pending_unit(&mut app);
    app.feed("<f2><c-u>1<tab>Chưa xong");
    app.feed("<c-c>");
    assert!(app.should_quit());
    let draft =
        d.wb.draft(&key(PENDING_UNIT, "1.1.1"))
            .expect("read")
            .expect("saved on quit");
    assert_eq!(draft.text, "Chưa xong");
}

#[test]
fn monochrome_uses_no_colour_but_still_shows_the_selection() {
    let d = demo();
    let mut app = app_for(&d.wb, Lang::Vi);
    app.feed("<enter>n");
    app.resize(80, 24);
    let mut t = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    t.draw(|f| tui::views::render(&app, f)).expect("draw");
    let buf = t.backend().buffer();
    for c in buf.content() {
        assert_eq!(
            c.fg,
            ratatui::style::Color::Reset,
            "no foreground colour under NO_COLOR"
        );
        assert_eq!(
            c.bg,
            ratatui::style::Color::Reset,
            "no background colour under NO_COLOR"
        );
    }
    // The selected tree row is reversed.
    let rows_reversed = (2..13)
        .filter(|&y| (0..80).any(|x| buf[(x, y)].modifier.contains(Modifier::REVERSED)))
        .count();
    assert_eq!(rows_reversed, 1);
}

#[test]
fn linux_console_gets_sixteen_colours_and_ascii_marks() {
    let d = demo();
    let dynwb: Arc<dyn Workbench> = d.wb.clone();
    let opts = TuiOptions {
        lang: Lang::Vi,
        theme: Some(ColorLevel::Ansi16),
        ..TuiOptions::default()
    };
    let mut app = tui::build_app(dynwb, &opts).expect("app");
    app.resize(80, 24);
    app.feed("<enter>nn");
    let text = screen(&mut app, 80, 24);
    // Agreed "=", adjusted "*", collapsed/expanded "+"/"-", no "✓" or "▾".
    assert!(
        !text.contains('✓') && !text.contains('▾') && !text.contains('≈'),
        "{text}"
    );
    insta::assert_snapshot!("workbench_linux_console_80x24", text);
    app.resize(80, 24);
    let mut t = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    t.draw(|f| tui::views::render(&app, f)).expect("draw");
    for c in t.backend().buffer().content() {
        for col in [c.fg, c.bg] {
            assert!(
                !matches!(
                    col,
                    ratatui::style::Color::Indexed(_) | ratatui::style::Color::Rgb(..)
                ),
                "only the 16 basic colours on the Linux console"
            );
        }
    }
}

#[test]
fn resizing_keeps_the_cursor_on_screen() {
    let d = demo();
    let mut app = app_for(&d.wb, Lang::Vi);
    app.resize(120, 40);
    app.feed("<enter><end>");
    let b = app.bench.as_ref().expect("bench");
    let last = app.model.fw().nodes[b.selected().expect("row")]
        .code
        .clone();
    // Shrink: the selected row is still drawn.
    app.resize(80, 24);
    let text = screen(&mut app, 80, 24);
    let selected_line = text
        .lines()
        .find(|l| l.starts_with('▶') && l.contains(&last))
        .map(str::to_string);
    assert!(selected_line.is_some(), "{text}");
    // Too small, then back: the app still works.
    let small = screen(&mut app, 70, 20);
    assert!(small.contains("Cửa sổ quá nhỏ"));
    let again = screen(&mut app, 80, 24);
    assert!(again.contains(&last), "{again}");
}

#[test]
fn help_and_detail_scroll_stop_at_the_end() {
    let d = demo();
    let mut app = app_for(&d.wb, Lang::Vi);
    app.feed("<enter>nn<f1>");
    for _ in 0..200 {
        app.feed("<down>");
    }
    // One step up from the end moves the view at once (no hidden overscroll).
    let at_end = screen(&mut app, 80, 24);
    app.feed("<up>");
    assert_ne!(screen(&mut app, 80, 24), at_end);
    app.feed("<esc>");
    // Tab gives the detail pane the keys: it scrolls, and stops at its end.
    app.feed("<tab>");
    let before = screen(&mut app, 80, 24);
    app.feed("<pgdn>");
    let after = screen(&mut app, 80, 24);
    assert_ne!(before, after, "the detail pane scrolled");
    app.feed("<pgdn><pgdn><pgdn><pgdn>");
    let end = screen(&mut app, 80, 24);
    app.feed("<pgdn>");
    assert_eq!(end, screen(&mut app, 80, 24));
    assert!(end.contains("Thay đổi gần nhất"), "{end}");
}

#[test]
fn a_lead_finalizes_and_reopens_a_unit() {
    let d = demo();
    add_pending_unit(&d.wb, PENDING_UNIT, None);
    let mut app = app_for(&d.wb, Lang::Vi);
    // A unit with open items cannot be finalized: the engine says why.
    app.feed("<enter>F<enter>");
    let flash = app.flash.clone().expect("refusal shown");
    assert!(flash.text.contains("chưa thể chốt"), "{flash:?}");
    assert!(
        d.wb.unit_states(YEAR)
            .expect("states")
            .iter()
            .all(|(_, s)| s.finalized.is_none())
    );
    // Agree with every pending item, area by area, then finalize.
    app.feed("<esc>");
    open_pending_unit(&mut app);
    let areas = app.model.fw().areas().count();
    for k in 0..areas {
        app.feed("b<home>");
        for _ in 0..k {
            app.feed("<down>");
        }
        app.feed("<enter>A");
        if matches!(app.overlays.last(), Some(Overlay::Confirm(_))) {
            app.feed("<enter>");
        }
    }
    app.feed("F");
    insta::assert_snapshot!("confirm_finalize_80x24", screen(&mut app, 80, 24));
    app.feed("<enter>");
    let states = d.wb.unit_states(YEAR).expect("states");
    let st = states
        .iter()
        .find(|(u, _)| u == PENDING_UNIT)
        .map(|(_, s)| s.clone());
    assert!(st.is_some_and(|s| s.finalized.is_some()), "finalized");
    assert!(screen(&mut app, 80, 24).contains("đã chốt"));
    // Reopening asks for a reason.
    app.feed("OKiểm tra lại lĩnh vực 3<enter>");
    let states = d.wb.unit_states(YEAR).expect("states");
    let st = states
        .iter()
        .find(|(u, _)| u == PENDING_UNIT)
        .map(|(_, s)| s.clone());
    assert!(st.is_some_and(|s| s.finalized.is_none()), "reopened");
}

#[test]
fn a_dispute_is_recorded_and_answered() {
    let d = demo();
    let mut app = app_for(&d.wb, Lang::Vi);
    let today_date = domain::round::today_in_vietnam(jiff::Timestamp::now());
    let today = domain::round::format_date(today_date);
    // Unit 08's second difference is an adjusted item (4.1.1: 1.25 → 0.75).
    app.feed("<enter>nn");
    let leaf = {
        let b = app.bench.as_ref().expect("bench");
        app.model.fw().nodes[b.selected().expect("row")]
            .code
            .clone()
    };
    assert_eq!(item(&d.wb, "08", &leaf).status(), Status::Adjusted);
    app.feed("tTỉnh đã bổ sung quyết định số 12<tab>215/UBND-NC<tab>1,25<tab>");
    let shown = screen(&mut app, 80, 24).replace(&today, "DD/MM/YYYY");
    insta::assert_snapshot!("form_record_dispute_80x24", shown);
    app.feed("<enter>");
    let it = item(&d.wb, "08", &leaf);
    assert_eq!(it.status(), Status::Disputed);
    let dispute = it.appraisal.dispute.clone().expect("dispute");
    assert_eq!(dispute.explanation, "Tỉnh đã bổ sung quyết định số 12");
    assert_eq!(dispute.claimed, Some(p("1.25")));
    assert_eq!(dispute.received, today_date);
    assert_eq!(dispute.document, "215/UBND-NC");
    assert_eq!(dispute.round, 2, "the demo's open round");
    assert!(!dispute.late);
    // Answer: upheld, with a response.
    app.feed("T<right><tab><tab>Chấp nhận tài liệu bổ sung");
    let shown = screen(&mut app, 120, 40).replace(&today, "DD/MM/YYYY");
    insta::assert_snapshot!("form_resolve_dispute_120x40", shown);
    app.feed("<f2>");
    let it = item(&d.wb, "08", &leaf);
    assert_eq!(it.status(), Status::Resolved, "{:?}", app.overlays.len());
    assert_eq!(it.appraisal.proposed, Some(p("1.25")));
    let dispute = it.appraisal.dispute.expect("dispute");
    assert_eq!(dispute.outcome, Some(domain::Outcome::Upheld));
    assert_eq!(dispute.response, "Chấp nhận tài liệu bổ sung");

    // The lead refers it to the council, then records the council's decision.
    app.feed("CTỉnh vẫn không đồng ý<f2>");
    let it = item(&d.wb, "08", &leaf);
    assert_eq!(it.status(), Status::Escalated);
    assert_eq!(
        it.appraisal.council.as_ref().map(|c| c.reason.as_str()),
        Some("Tỉnh vẫn không đồng ý")
    );
    // A score off the step is refused in place and nothing changes.
    app.feed("Q1,3<tab>BB 02/BB-HĐTĐ<tab>Giữ nguyên điểm vì đủ căn cứ<f2>");
    let shown = screen(&mut app, 80, 24);
    insta::assert_snapshot!("form_council_decide_refused_80x24", shown);
    assert_eq!(item(&d.wb, "08", &leaf).status(), Status::Escalated);
    app.feed("<tab><backspace><backspace><backspace>1<f2>");
    let it = item(&d.wb, "08", &leaf);
    assert_eq!(it.status(), Status::Decided);
    assert_eq!(it.appraisal.proposed, Some(p("1")));
    let decision = it
        .appraisal
        .council
        .and_then(|c| c.decision)
        .expect("decision");
    assert_eq!(decision.minutes, "BB 02/BB-HĐTĐ");
    assert_eq!(decision.text, "Giữ nguyên điểm vì đủ căn cứ");
}

// ----- ranking (W10) ---------------------------------------------------------------------

fn selected_code(app: &App) -> String {
    let u = app.ranking.selected().expect("a unit is selected");
    app.model.unit_set().units[u].code.clone()
}

#[test]
fn ranking_at_both_sizes_with_bars_beside_or_toggled() {
    let d = demo();
    let mut app = app_for(&d.wb, Lang::Vi);
    app.feed("<f9>");
    assert_eq!(app.screen, Screen::Ranking);
    // The first row is the best proposed rank; the bars beside the table at 120×40 are its.
    snap_both("ranking_vi", &mut app);
    // At 80×24 the bars replace the table on `b`, for the selected unit.
    app.resize(80, 24);
    app.feed("<down>b");
    insta::assert_snapshot!("ranking_bars_80x24", screen(&mut app, 80, 24));
    // At 120×40 the same toggle hides the pane and the table takes the width.
    insta::assert_snapshot!("ranking_no_bars_120x40", screen(&mut app, 120, 40));
    // From a unit's workbench, `x` opens the ranking on that unit (in the overview letters
    // jump to units instead).
    let mut en = app_for(&d.wb, Lang::En);
    en.feed("<down><down><enter>");
    let code = en.bench.as_ref().map(|b| b.unit.clone()).expect("bench");
    en.feed("x");
    assert_eq!(en.screen, Screen::Ranking, "x opens the ranking");
    assert_eq!(selected_code(&en), code);
    insta::assert_snapshot!("ranking_en_80x24", screen(&mut en, 80, 24));
}

#[test]
fn ranking_sorts_and_filters_by_region() {
    let d = demo();
    let mut app = app_for(&d.wb, Lang::Vi);
    app.feed("<f9>");
    let by_proposed: Vec<u32> = app
        .ranking
        .rows
        .iter()
        .map(|&u| app.model.unit_at(u))
        .filter(|d| d.has_items())
        .map(|d| d.rank.proposed)
        .collect();
    assert!(
        by_proposed.windows(2).all(|w| w[0] <= w[1]),
        "{by_proposed:?}"
    );
    // Self rank, then rank change (largest rise first), then region.
    app.feed("<f6>");
    let by_self: Vec<u32> = app
        .ranking
        .rows
        .iter()
        .map(|&u| app.model.unit_at(u))
        .filter(|d| d.has_items())
        .map(|d| d.rank.self_)
        .collect();
    assert!(by_self.windows(2).all(|w| w[0] <= w[1]), "{by_self:?}");
    app.feed("S");
    let change: Vec<i64> = app
        .ranking
        .rows
        .iter()
        .map(|&u| app.model.unit_at(u))
        .filter(|d| d.has_items())
        .map(|d| i64::from(d.rank.self_) - i64::from(d.rank.proposed))
        .collect();
    assert!(change.windows(2).all(|w| w[0] >= w[1]), "{change:?}");
    // The first region only; its average is emphasised in the footer.
    app.feed("<f4>");
    let first_region = app.model.unit_set().regions[0].code.clone();
    assert_eq!(app.ranking.region.as_deref(), Some(first_region.as_str()));
    assert!(
        app.ranking
            .rows
            .iter()
            .all(|&u| app.model.unit_set().units[u].region == first_region)
    );
    insta::assert_snapshot!(
        "ranking_by_change_first_region_80x24",
        screen(&mut app, 80, 24)
    );
    app.feed("X");
    assert_eq!(app.ranking.region, None);
    assert_eq!(app.ranking.rows.len(), app.model.unit_count());
}

#[test]
fn ranking_enter_opens_the_unit_and_esc_comes_back_to_the_same_row() {
    let d = demo();
    let mut app = app_for(&d.wb, Lang::Vi);
    // Sorted by self rank, third row.
    app.feed("<f9><f6><down><down>");
    let cursor = app.ranking.cursor;
    let code = selected_code(&app);
    app.feed("<enter>");
    assert_eq!(app.screen, Screen::Bench);
    assert_eq!(
        app.bench.as_ref().map(|b| b.unit.clone()),
        Some(code.clone())
    );
    app.feed("<esc>");
    assert_eq!(app.screen, Screen::Ranking);
    assert_eq!(app.ranking.cursor, cursor);
    assert_eq!(selected_code(&app), code);
    // `>` in the workbench follows the ranking's order; Esc comes back on that unit.
    let next = app.model.unit_set().units[app.ranking.rows[cursor + 1]]
        .code
        .clone();
    app.feed("<enter>><esc>");
    assert_eq!(app.screen, Screen::Ranking);
    assert_eq!(selected_code(&app), next);
    // Esc on the ranking goes to the overview, on the same unit; a unit opened from the
    // overview returns to the overview.
    app.feed("<esc>");
    assert_eq!(app.screen, Screen::Overview);
    let u = app.overview.selected().expect("selected");
    assert_eq!(app.model.unit_set().units[u].code, next);
    app.feed("<enter><esc>");
    assert_eq!(app.screen, Screen::Overview);
}

#[test]
fn ranking_follows_changes_committed_elsewhere() {
    let d = demo();
    let notices = d.wb.subscribe();
    let mut app = app_for(&d.wb, Lang::Vi);
    app.feed("<f9>");
    let scored_before = app.ranking.national().map(|a| a.units).expect("national");
    let code = selected_code(&app);
    // Someone imports a unit's self-assessment: it enters the ranking and the averages.
    add_pending_unit(&d.wb, PENDING_UNIT, None);
    while let Ok(n) = notices.try_recv() {
        app.handle_notice(n);
    }
    assert_eq!(
        app.ranking.national().map(|a| a.units),
        Some(scored_before + 1)
    );
    let row = app
        .ranking
        .rows
        .iter()
        .position(|&u| app.model.unit_set().units[u].code == PENDING_UNIT)
        .expect("the new unit is listed");
    assert!(
        app.model.unit_at(app.ranking.rows[row]).has_items(),
        "and ranked"
    );
    assert_eq!(selected_code(&app), code, "the cursor stays on its unit");
}

/// A store with 2024 (the 63 provinces, all with sample self-assessments) and 2025 opened from
/// it (the 34 provinces, the first fourteen with sample self-assessments): the merged-province demo.
fn merged_years() -> Demo {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = store::Store::create(dir.path()).expect("create store");
    let wb = LocalWorkbench::new(store, "lead");
    for (year, from_year, units) in [(2024, None, None), (2025, Some(2024), Some(14))] {
        let fw = domain::bundled::framework_for(year).expect("bundled framework");
        let us = domain::bundled::units_for(year).expect("bundled units");
        wb.apply(Command::OpenYear {
            year,
            framework_toml: fw.text.to_string(),
            framework_file: fw.name.to_string(),
            units_toml: us.text.to_string(),
            units_file: us.name.to_string(),
            from_year,
        })
        .expect("open year");
        let y = wb.year(year).expect("year");
        let opt = sample::SampleOptions {
            year,
            seed: 2024,
            units,
        };
        let rows = sample::self_rows(&y.framework, &y.units, &opt);
        wb.apply(Command::ImportSelf { year, rows })
            .expect("import");
    }
    Demo {
        _dir: dir,
        wb: Arc::new(wb),
    }
}

#[test]
fn ranking_compares_with_last_year_through_the_predecessors() {
    let d = merged_years();
    let mut app = app_for(&d.wb, Lang::Vi);
    assert_eq!(app.model.year, 2025);
    app.feed("<f9>");
    let last = app
        .ranking
        .last
        .as_ref()
        .expect("2025 is compared with 2024");
    assert_eq!(last.year, 2024);
    // Bắc Ninh 2025 (24) continues Bắc Giang (24) and Bắc Ninh (27) of 2024: a combined
    // reference of both indices.
    let bn = last.get("24").expect("Bắc Ninh");
    assert!(bn.is_combined(), "{bn:?}");
    assert_eq!(bn.sources.len(), 2);
    // The selected unit's combined reference is named under the table.
    let pos = app.model.unit_set().position("24").expect("unit 24");
    assert!(app.ranking.select_unit(pos), "Bắc Ninh is listed");
    let s80 = screen(&mut app, 80, 24);
    assert!(
        s80.contains("± 2024"),
        "the change since 2024 stays at 80 columns:\n{s80}"
    );
    assert!(
        s80.contains("Bắc Ninh (24): tham chiếu gộp của Bắc Giang (24)"),
        "{s80}"
    );
    assert!(s80.contains("Số đơn vị theo nhóm: A"), "{s80}");
    insta::assert_snapshot!("ranking_last_year_vi_80x24", s80);
    let s120 = screen(&mut app, 120, 40);
    insta::assert_snapshot!("ranking_last_year_vi_120x40", s120);
    // Without the bars at 120×40 every column is shown, last year's included.
    app.feed("b");
    let wide = screen(&mut app, 120, 40);
    assert!(
        wide.contains("Tự chấm") && wide.contains("CS 2024"),
        "{wide}"
    );
    insta::assert_snapshot!("ranking_last_year_no_bars_120x40", wide);
    // A unit whose reference is its own: the note says what "*" means.
    app.feed("b");
    let hn = app.model.unit_set().position("01").expect("unit 01");
    assert!(app.ranking.select_unit(hn));
    let s = screen(&mut app, 80, 24);
    assert!(
        s.contains("* 2024: tham chiếu gộp = trung bình chỉ số"),
        "{s}"
    );
    let mut en = app_for(&d.wb, Lang::En);
    en.feed("<f9>");
    insta::assert_snapshot!("ranking_last_year_en_80x24", screen(&mut en, 80, 24));
}

/// The what-if (issue 15.7): `m` asks for the weight (1,05 by default), then the ranking shows
/// the simulated index and rank of the demo's difficult units beside the official ones, titled
/// as a simulation; a bad weight is refused in the prompt; nothing is written to the store.
#[test]
fn ranking_what_if_weights_the_difficult_units_and_records_nothing() {
    let d = demo();
    let seq = d.wb.last_seq().expect("seq");
    let mut app = app_for(&d.wb, Lang::Vi);
    app.feed("<f9>m");
    assert!(
        matches!(app.overlays.last(), Some(Overlay::Prompt(_))),
        "m asks for the weight first"
    );
    insta::assert_snapshot!("ranking_whatif_prompt_80x24", screen(&mut app, 80, 24));
    // A weight that is not a number: said in the prompt, the view stays official.
    app.feed("abc<enter>");
    let s = screen(&mut app, 80, 24);
    assert!(
        s.contains("trọng số mô phỏng \"abc\" không phải là số"),
        "{s}"
    );
    assert!(app.ranking.whatif.is_none());
    // Out of range.
    app.feed("<c-u>3<enter>");
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("nằm ngoài khoảng 1,00 → 2,00"), "{s}");
    app.feed("<c-u>1,05<enter>");
    assert!(app.overlays.is_empty(), "a good weight closes the prompt");
    let wi = app.ranking.whatif.as_ref().expect("the what-if is on");
    assert_eq!(wi.weight.show(Lang::Vi), "1,05");
    // Every difficult unit with data is weighted (capped at 100 %), the others keep their index.
    for (&u, sim) in &wi.rows {
        let unit = &app.model.unit_set().units[u];
        let official = app.model.unit_at(u).scores.percent.proposed;
        assert_eq!(sim.official, official);
        if unit.difficult {
            assert_eq!(sim.percent, ((official * 1050 + 500) / 1000).min(10_000));
        } else {
            assert_eq!(sim.percent, official, "{} is not difficult", unit.code);
        }
    }
    assert!(
        wi.rows
            .keys()
            .any(|&u| app.model.unit_set().units[u].difficult),
        "the demo has difficult units with data"
    );
    let s80 = screen(&mut app, 80, 24);
    assert!(
        s80.contains("MÔ PHỎNG — không phải kết quả chính thức"),
        "{s80}"
    );
    insta::assert_snapshot!("ranking_whatif_vi_80x24", s80);
    insta::assert_snapshot!("ranking_whatif_vi_120x40", screen(&mut app, 120, 40));
    // `m` again: the official ranking, and the store never changed.
    app.feed("m");
    assert!(app.ranking.whatif.is_none());
    let s = screen(&mut app, 80, 24);
    assert!(!s.contains("MÔ PHỎNG"), "{s}");
    assert_eq!(d.wb.last_seq().expect("seq"), seq, "nothing was recorded");
    let mut en = app_for(&d.wb, Lang::En);
    en.feed("<f9>m<c-u>1.1<enter>");
    insta::assert_snapshot!("ranking_whatif_en_80x24", screen(&mut en, 80, 24));
}
// ----- assignments (SPEC S6) -------------------------------------------------------------

/// "Của tôi": with units assigned, the overview marks each with its appraiser, and `M` leaves
/// only this user's units (a unit where only one area is theirs counts); `M` again shows all.
#[test]
fn overview_marks_assignees_and_filters_mine() {
    let d = demo();
    d.wb.apply(Command::SetMember {
        user: "an".into(),
        role: Role::Appraiser,
    })
    .expect("add member");
    for (unit, area, to) in [
        ("08", None, "lead"),
        ("01", Some("3"), "lead"),
        ("01", None, "an"),
        ("22", None, "an"),
    ] {
        d.wb.apply(Command::Assign {
            year: YEAR,
            unit: unit.into(),
            area: area.map(str::to_string),
            to: Some(to.into()),
        })
        .expect("assign");
    }
    let mut app = app_for(&d.wb, Lang::Vi);
    app.feed("<f6>");
    let all = screen(&mut app, 80, 24);
    assert!(all.contains("@lead") && all.contains("@an,lead"), "{all}");
    // The progress per appraiser under the list is what every item of the store gives (the
    // workbench counts units from their totals, and a unit with an area assigned from its
    // items).
    let a = d.wb.assignments(YEAR).expect("assignments");
    let items = d.wb.items(YEAR, None).expect("items");
    let fw = d.wb.year(YEAR).expect("year").framework.clone();
    let people: Vec<String> = a
        .progress_by_user(&a.progress(&fw, &items))
        .into_iter()
        .map(|(u, p)| format!("{u} {}/{}", p.done, p.total))
        .collect();
    let expected = format!("Tiến độ theo người: {}", people.join(" · "));
    assert!(
        expected.contains(": an ") && expected.contains(" · lead "),
        "{expected}"
    );
    let wide = screen(&mut app, 160, 40);
    let message = wide.lines().rev().nth(1).unwrap_or_default();
    assert!(
        message.contains(&expected),
        "{message}\nexpected {expected}"
    );
    app.feed("M");
    let codes: Vec<&str> = app
        .overview
        .rows
        .iter()
        .map(|&u| app.model.unit_set().units[u].code.as_str())
        .collect();
    assert_eq!(
        codes,
        ["01", "08"],
        "only the units with an assignment to lead"
    );
    insta::assert_snapshot!("overview_mine_80x24", screen(&mut app, 80, 24));
    app.feed("M");
    assert_eq!(app.overview.rows.len(), app.model.unit_count());
    // The clear-filters key clears it too.
    app.feed("M<f8>");
    assert!(app.overview.mine.is_none());
    // The queue: only items of 08 (all of it is lead's) and of area 3 of 01 (only that area).
    app.feed("<f7>");
    let all_rows = app.queue.rows.len();
    app.feed("M");
    let fw = app.model.fw();
    let places: Vec<(String, String)> = app
        .queue
        .rows
        .iter()
        .map(|r| {
            let unit = app.model.unit_set().units[r.unit].code.clone();
            let area = fw.area_of(&fw.nodes[r.node].code).map(|a| a.code.clone());
            (unit, area.unwrap_or_default())
        })
        .collect();
    assert!(!places.is_empty() && places.len() < all_rows, "{places:?}");
    assert!(
        places
            .iter()
            .all(|(u, a)| u == "08" || (u == "01" && a == "3")),
        "{places:?}"
    );
    let sub = screen(&mut app, 120, 40);
    assert!(sub.lines().take(3).any(|l| l.contains("Của tôi")), "{sub}");
}

/// Editing an item assigned to someone else: done, and the saved mark carries the warning;
/// enforced, refused with the assignee named.
#[test]
fn editing_someone_elses_item_warns_and_enforced_refuses() {
    let d = demo();
    add_pending_unit(&d.wb, PENDING_UNIT, None);
    d.wb.apply(Command::SetMember {
        user: "an".into(),
        role: Role::Appraiser,
    })
    .expect("add member");
    d.wb.apply(Command::Assign {
        year: YEAR,
        unit: PENDING_UNIT.into(),
        area: None,
        to: Some("lead".into()),
    })
    .expect("assign");
    let an = Arc::new(d.wb.session("an"));
    let mut app = app_for(&an, Lang::Vi);
    open_pending_unit(&mut app);
    app.feed("a");
    assert_eq!(item(&d.wb, PENDING_UNIT, "1.1.1").status(), Status::Agreed);
    let flash = app
        .flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default();
    assert!(
        flash.contains("Đã lưu")
            && flash.contains("Tiêu chí này được phân công cho lead (đơn vị 10)."),
        "{flash}"
    );
    d.wb.apply(Command::EnforceAssignments {
        year: YEAR,
        on: true,
    })
    .expect("enforce");
    app.feed("a");
    assert_eq!(item(&d.wb, PENDING_UNIT, "1.1.2").status(), Status::Pending);
    let flash = app
        .flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default();
    assert!(
        flash.contains("được phân công cho lead") && flash.contains("thamdinh assign"),
        "{flash}"
    );
}

/// `P` on a province: a lead picks the area and the person with ←/→ and saves with Enter; the
/// mark follows; choosing "(bỏ phân công)" clears it. An appraiser is told it is a lead's.
#[test]
fn a_lead_assigns_the_selected_province_with_p() {
    let d = demo();
    let members: Vec<String> =
        d.wb.members()
            .expect("members")
            .into_iter()
            .filter(|m| m.role != Role::Auditor)
            .map(|m| m.user)
            .collect();
    let mut app = app_for(&d.wb, Lang::Vi);
    app.feed("<f6><home>P");
    assert!(matches!(app.overlays.last(), Some(Overlay::Assign(_))));
    // The person is chosen first; the second member, then Enter.
    app.feed("<right><enter>");
    assert!(app.overlays.is_empty(), "saved and closed");
    let a = d.wb.assignments(YEAR).expect("assignments");
    assert_eq!(a.list.len(), 1, "{a:?}");
    assert_eq!(
        (a.list[0].unit.as_str(), a.list[0].area.as_deref()),
        ("01", None)
    );
    assert_eq!(a.list[0].user, members[1]);
    assert!(screen(&mut app, 80, 24).contains(&format!("Hà Nội @{}", members[1])));
    // Area 1 of it to the first member: Tab to the area, → to area 1 (nobody has it: the first
    // member is chosen), Tab back to the person.
    app.feed("P<tab><right><tab>");
    insta::assert_snapshot!("assign_dialog_80x24", screen(&mut app, 80, 24));
    app.feed("<enter>");
    let a = d.wb.assignments(YEAR).expect("assignments");
    assert_eq!(
        a.get("01", Some("1")).map(|x| x.user.clone()),
        Some(members[0].clone())
    );
    // The whole unit's assignment cleared: its person (the second member) is preselected, and
    // "(bỏ phân công)" is the last choice, two steps to the left.
    app.feed("P");
    let now = screen(&mut app, 80, 24);
    assert!(
        now.contains(&format!("Đang phân công cho: {}", members[1])),
        "{now}"
    );
    app.feed("<left><left><enter>");
    let a = d.wb.assignments(YEAR).expect("assignments");
    assert!(a.get("01", None).is_none(), "{a:?}");
    assert!(a.get("01", Some("1")).is_some(), "the area's stays");
    // An appraiser is not offered it.
    let an = Arc::new(d.wb.session(members[1].clone()));
    let mut theirs = app_for(&an, Lang::Vi);
    theirs.feed("P");
    assert!(theirs.overlays.is_empty());
    let flash = theirs
        .flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default();
    assert!(flash.contains("trưởng nhóm"), "{flash}");
}
