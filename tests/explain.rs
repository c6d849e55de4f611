//! "Explain this score" (SPEC W6, I5): the story of one item built from a real store — as Markdown
//! and text (snapshots), as JSON (field names), through the real binary
//! (`audit --unit --item --format md`), as the TUI card (snapshots at 80×24 and 120×40), and the
//! year-over-year reference (`OpenYear { from_year }`) in the story and the detail pane.

mod common;

use std::sync::Arc;

use api::story::load_story;
use api::{HistoryQuery, Workbench};
use common::{YEAR, date, key, open_round, p, setup, version};
use domain::story::{StepKind, Story, StoryInput};
use domain::{Command, Evidence, ItemKey, Outcome, Role, SelfRow, Status};
use engine::LocalWorkbench;
use formats::story::{write_json, write_markdown, write_text};
use jiff::Timestamp;
use l10n::Lang;
use store::Store;
use tui::app::App;
use tui::dialogs::Overlay;
use tui::theme::ColorLevel;
use tui::{self, TuiOptions};

/// Province text with Markdown and a terminal sequence in it: both must come out inert.
const EXPLANATION: &str =
    "Kế hoạch *đã* ban hành ngày 28/12/2023 [xem QĐ]\n- kèm phụ lục\x1b[31m đỏ";

/// 44/1.1.1 through every step: the note revised on re-import, adjusted twice (the second
/// justification revises the first), explained late in round 1, rejected, referred to the
/// council, decided. As "lead" (who may do all of it) and appraiser "an".
fn disputed_store(dir: &std::path::Path) -> LocalWorkbench {
    let lead = setup(dir);
    let an = lead.session("an");
    let k = key("44", "1.1.1");
    lead.apply(Command::ImportSelf {
        year: YEAR,
        rows: vec![SelfRow {
            unit: "44".into(),
            leaf: "1.1.1".into(),
            score: p("2"),
            note: "Ghi chú của tỉnh cho 1.1.1, bổ sung phụ lục".into(),
            evidence: vec![
                Evidence {
                    number: "12/KH-UBND".into(),
                    title: "Kế hoạch CCHC năm 2024".into(),
                    date: "2024-01-10".into(),
                    link: String::new(),
                },
                Evidence {
                    number: "45/QĐ-UBND".into(),
                    title: "Quyết định ban hành".into(),
                    date: "2023-12-28".into(),
                    link: "tlkc/44/1.1.1/2.pdf".into(),
                },
            ],
        }],
    })
    .expect("re-import");
    an.apply(Command::Adjust {
        key: k.clone(),
        score: p("1"),
        justification: "Thiếu quyết định ban hành kế hoạch".into(),
        expected: version(&an, &k),
    })
    .expect("adjust");
    an.apply(Command::Adjust {
        key: k.clone(),
        score: p("1.25"),
        justification: "Thiếu văn bản ban hành kế hoạch năm".into(),
        expected: version(&an, &k),
    })
    .expect("revise");
    open_round(&lead, "2025-03-01", "2025-03-15");
    an.apply(Command::RecordDispute {
        key: k.clone(),
        explanation: EXPLANATION.into(),
        document: "882/UBND-NC".into(),
        claimed: Some(p("2")),
        received: date("2025-03-20"),
        round: None,
        expected: version(&an, &k),
    })
    .expect("explanation");
    an.apply(Command::ResolveDispute {
        key: k.clone(),
        outcome: Outcome::Rejected,
        score: None,
        response: "Văn bản ban hành sau thời điểm chốt số liệu.".into(),
        expected: version(&an, &k),
    })
    .expect("answer");
    lead.apply(Command::Escalate {
        key: k.clone(),
        reason: "Đơn vị tiếp tục kiến nghị.".into(),
        expected: version(&lead, &k),
    })
    .expect("escalate");
    lead.apply(Command::CouncilDecide {
        key: k.clone(),
        score: p("1.5"),
        decision: "Công nhận một phần: 1,50 điểm.".into(),
        minutes: "Biên bản số 03/BB-HĐTĐ".into(),
        expected: version(&lead, &k),
    })
    .expect("decide");
    lead
}

/// The story of an item with every event's time replaced by a fixed one (a minute apart from
/// 2025-03-01 08:00 Vietnam time), so the output does not depend on when the test runs.
fn fixed_story(wb: &dyn Workbench, k: &ItemKey) -> Story {
    let ctx = wb.year(k.year).expect("year");
    let item = wb.item(k).expect("item");
    let mut events = wb
        .history(&HistoryQuery {
            year: Some(k.year),
            unit: Some(k.unit.clone()),
            item: Some(k.leaf.clone()),
            ..HistoryQuery::default()
        })
        .expect("history");
    let start: Timestamp = "2025-03-01T01:00:00Z".parse().unwrap();
    for (i, e) in events.iter_mut().enumerate() {
        e.body.at = start + jiff::SignedDuration::from_mins(i as i64);
    }
    Story::build(StoryInput {
        year: k.year,
        framework: &ctx.framework,
        leaf: &k.leaf,
        unit: ctx.units.unit(&k.unit).expect("unit"),
        item: item.as_ref(),
        events: &events,
        references: Vec::new(),
    })
    .expect("a leaf")
}

fn render(f: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    f(&mut out).expect("write");
    String::from_utf8(out).expect("utf-8")
}

#[test]
fn the_story_as_markdown_for_the_minutes() {
    let dir = tempfile::tempdir().unwrap();
    let wb = disputed_store(dir.path());
    let s = fixed_story(&wb, &key("44", "1.1.1"));
    let md = render(|o| write_markdown(o, &s, Lang::Vi));
    assert!(
        !md.contains('\x1b'),
        "no terminal sequence reaches the file"
    );
    assert!(md.contains("Kế hoạch \\*đã\\* ban hành"), "{md}");
    assert!(md.contains("~~quyết định~~ **văn bản**"), "{md}");
    insta::assert_snapshot!("explain_md_vi", md);
    let en = render(|o| write_markdown(o, &s, Lang::En));
    insta::assert_snapshot!("explain_md_en", en);
}

#[test]
fn the_story_as_text_for_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let wb = disputed_store(dir.path());
    let s = fixed_story(&wb, &key("44", "1.1.1"));
    let text = render(|o| write_text(o, &s, Lang::Vi, 80));
    assert!(text.lines().all(|l| text::width(l) <= 80), "{text}");
    assert!(text.contains("␛[31m"), "the escape is shown, not sent");
    insta::assert_snapshot!("explain_text_vi_80", text);
}

#[test]
fn the_story_as_json_has_stable_fields() {
    let dir = tempfile::tempdir().unwrap();
    let wb = disputed_store(dir.path());
    let s = fixed_story(&wb, &key("44", "1.1.1"));
    let json = render(|o| write_json(o, &s));
    assert_eq!(json.lines().count(), 1, "one object on one line");
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    let keys = |v: &serde_json::Value| {
        let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(
        keys(&v),
        [
            "criterion",
            "final",
            "format",
            "references",
            "self_assessment",
            "steps",
            "survey",
            "unit",
            "version",
            "year"
        ]
    );
    assert_eq!(v["format"], "thamdinh-story");
    assert_eq!(v["version"], 2);
    assert_eq!(v["unit"]["code"], "44");
    assert_eq!(v["criterion"]["max"], "2.00");
    assert_eq!(v["criterion"]["method"], "appraised");
    let steps = v["steps"].as_array().expect("steps");
    assert_eq!(
        keys(&steps[0]),
        [
            "actor",
            "at",
            "command",
            "delta",
            "evidence",
            "explanation",
            "kind",
            "minutes",
            "outcome",
            "score",
            "seq",
            "status",
            "texts",
            "undoes"
        ]
    );
    let kinds: Vec<&str> = steps.iter().map(|s| s["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "self-assessed",
            "self-assessed",
            "adjusted",
            "adjusted",
            "explained",
            "answered",
            "referred",
            "council-decided"
        ]
    );
    assert_eq!(steps[0]["at"], "2025-03-01T01:00:00Z");
    let revised = &steps[3]["texts"][0];
    assert_eq!(revised["field"], "justification");
    assert_eq!(revised["diff"][1]["op"], "del");
    assert_eq!(revised["diff"][1]["text"], "quyết định");
    assert_eq!(steps[4]["explanation"]["received"], "2025-03-20");
    assert_eq!(steps[4]["explanation"]["late"], true);
    assert_eq!(
        steps[4]["texts"][0]["text"], EXPLANATION,
        "raw text in JSON"
    );
    assert_eq!(steps[5]["outcome"], "rejected");
    assert_eq!(steps[7]["minutes"], "Biên bản số 03/BB-HĐTĐ");
    assert_eq!(v["final"]["status"], "decided");
    assert_eq!(v["final"]["proposed"], "1.50");
    assert_eq!(v["final"]["delta"], "-0.50");
    assert_eq!(v["final"]["council"], "1.50");
}

#[test]
fn an_undo_in_a_real_store_is_a_step_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let lead = setup(dir.path());
    let an = lead.session("an");
    let k = key("67", "2.1.1");
    let ev = an
        .apply(Command::Adjust {
            key: k.clone(),
            score: p("3"),
            justification: "Còn hồ sơ trễ hạn so với quy định".into(),
            expected: version(&an, &k),
        })
        .expect("adjust");
    an.apply(Command::Undo).expect("undo");
    let s = load_story(&an, &k).expect("story");
    let last = s.steps.last().expect("steps");
    assert_eq!(last.kind, StepKind::Undone);
    assert_eq!(last.undoes, Some(ev[0].body.seq));
    assert_eq!(s.final_score.status, Status::Pending);
    let text = render(|o| write_text(o, &s, Lang::En, 100));
    assert!(
        text.contains(&format!("takes back step #{}", ev[0].body.seq)),
        "{text}"
    );
}

// ----- the real binary ----------------------------------------------------------------------

fn me() -> String {
    uzers::get_current_username()
        .expect("a passwd entry")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn audit_unit_item_prints_the_story_as_markdown() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("st");
    {
        let lead = disputed_store(&dir);
        lead.apply(Command::SetMember {
            user: me(),
            role: Role::Auditor,
        })
        .expect("member");
    }
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_thamdinh"))
            .arg("--store")
            .arg(&dir)
            .args(args)
            .output()
            .expect("run thamdinh")
    };
    let out = run(&["audit", "--unit", "44", "--item", "1.1.1", "--format", "md"]);
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{md}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        md.starts_with("## Giải thích điểm: Quảng Bình (44) — tiêu chí 1.1.1"),
        "{md}"
    );
    for part in [
        "| Điểm thẩm định | 1,50 |",
        "#### 3. Điều chỉnh điểm",
        "~~quyết định~~ **văn bản**",
        "Đợt giải trình 1 · Văn bản 882/UBND-NC · Ngày nhận 20/03/2025 (nộp muộn)",
        "Kết quả giải trình: không chấp nhận",
        "Biên bản: Biên bản số 03/BB-HĐTĐ",
        "### Kết quả cuối cùng",
    ] {
        assert!(md.contains(part), "missing {part:?} in\n{md}");
    }
    assert!(!md.contains('\x1b'));

    // The raw events stay available; JSON is one object; -o writes a file.
    let ev = run(&["audit", "--unit", "44", "--item", "1.1.1", "--events"]);
    let ev = String::from_utf8(ev.stdout).unwrap();
    // In Vietnamese, the command column names the command in Vietnamese too.
    assert!(
        ev.lines().any(|l| l.contains("Hội đồng quyết định")),
        "{ev}"
    );
    assert!(!ev.contains("council-decide"), "{ev}");
    let js = run(&[
        "audit", "--unit", "44", "--item", "1.1.1", "--format", "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&js.stdout).expect("one json object");
    assert_eq!(v["final"]["status"], "decided");
    let trail = tmp.path().join("trail.jsonl");
    let out = run(&[
        "--lang",
        "en",
        "audit",
        "--format",
        "json",
        "-o",
        trail.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let lines = std::fs::read_to_string(&trail).unwrap();
    assert!(lines.lines().count() > 10);
    for l in lines.lines() {
        serde_json::from_str::<serde_json::Value>(l).expect("each line is an event");
    }
    assert!(String::from_utf8_lossy(&out.stdout).contains("events to"));

    // Unknown unit, unknown criterion, a criterion that is not a leaf: say what to do.
    let bad = run(&["--lang", "en", "audit", "--unit", "99", "--item", "1.1.1"]);
    let msg = String::from_utf8_lossy(&bad.stderr);
    assert!(!bad.status.success());
    assert!(
        msg.contains("no unit \"99\" in 2024") && msg.contains("44, 67"),
        "{msg}"
    );
    let bad = run(&["--lang", "en", "audit", "--unit", "44", "--item", "1.1.9"]);
    let msg = String::from_utf8_lossy(&bad.stderr);
    assert!(
        msg.contains("no criterion \"1.1.9\"") && msg.contains("1.1.1, 1.1.2, 1.1.3"),
        "{msg}"
    );
    let bad = run(&["audit", "--unit", "44", "--item", "1.1"]);
    let msg = String::from_utf8_lossy(&bad.stderr);
    assert!(
        msg.contains("có tiêu chí thành phần") && msg.contains("--item"),
        "{msg}"
    );

    drop(common::open_after_server(&dir));
}

// ----- the TUI card --------------------------------------------------------------------------

/// Replace "22/11/2026 22:16" (times of events, which are real) with a placeholder; dates
/// without a time (written in the data) are kept.
fn redact_times(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let pat: Vec<char> = "99/99/9999 99:99".chars().collect();
    let fits = |i: usize| {
        pat.iter().enumerate().all(|(k, p)| {
            chars.get(i + k).is_some_and(|&c| {
                if *p == '9' {
                    c.is_ascii_digit()
                } else {
                    c == *p
                }
            })
        })
    };
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if fits(i) {
            out.push_str("DD/MM/YYYY hh:mm");
            i += pat.len();
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn screen(app: &mut App, w: u16, h: u16) -> String {
    redact_times(&common::render_screen(app, w, h))
}

fn app_on(wb: Arc<LocalWorkbench>, year: Option<u16>, unit: &str, leaf: &str) -> App {
    let dynwb: Arc<dyn Workbench> = wb;
    let opts = TuiOptions {
        lang: Lang::Vi,
        theme: Some(ColorLevel::Mono),
        year,
        ..TuiOptions::default()
    };
    let mut app = tui::build_app(dynwb, &opts).expect("app");
    app.resize(80, 24);
    let u = app.model.unit_index(unit).expect("unit");
    app.open_unit(u);
    let n = app.model.fw().position(leaf).expect("leaf");
    let model = &app.model;
    app.bench.as_mut().expect("bench").select_node(model, n);
    app
}

#[test]
fn the_card_tells_the_story_and_scrolls() {
    let dir = tempfile::tempdir().unwrap();
    let wb = Arc::new(disputed_store(dir.path()));
    let mut app = app_on(wb, None, "44", "1.1.1");
    app.feed("<f12>");
    assert!(matches!(app.overlays.last(), Some(Overlay::Explain(_))));
    let top = screen(&mut app, 80, 24);
    assert!(top.contains("1. Đơn vị tự chấm"), "{top}");
    insta::assert_snapshot!("explain_card_80x24", top);
    let big = screen(&mut app, 120, 40);
    assert!(big.contains("~~quyết định~~__văn bản__"), "{big}");
    insta::assert_snapshot!("explain_card_120x40", big);
    screen(&mut app, 80, 24);
    app.feed("<pgdn>");
    let scrolled = screen(&mut app, 80, 24);
    assert!(!scrolled.contains("1. Đơn vị tự chấm"), "{scrolled}");
    app.feed("<home>");
    assert_eq!(screen(&mut app, 80, 24), top);
    app.feed("<end>");
    let end = screen(&mut app, 80, 24);
    assert!(end.contains("Kết quả cuối cùng"), "{end}");
    assert!(!end.contains('\x1b'));
    app.feed("<esc>");
    assert!(app.overlays.is_empty(), "Esc closes the card");
    app.feed("E");
    assert!(
        matches!(app.overlays.last(), Some(Overlay::Explain(_))),
        "E opens it too"
    );
}

// ----- year over year ------------------------------------------------------------------------

/// 2023 with decisions on 1.1.1 and 1.1.2; 2024 opened from it, where 1.1.2 is reworded.
fn two_years(dir: &std::path::Path) -> LocalWorkbench {
    let store = Store::create(dir).expect("store");
    let lead = LocalWorkbench::new(store, "lead");
    let open = |year: u16, fw: String, from_year: Option<u16>| {
        lead.apply(Command::OpenYear {
            year,
            framework_toml: fw,
            framework_file: format!("fw-{year}.toml"),
            units_toml: common::UNITS.into(),
            units_file: "units.toml".into(),
            from_year,
        })
        .expect("open year");
    };
    let rows = |year: u16| Command::ImportSelf {
        year,
        rows: ["1.1.1", "1.1.2"]
            .iter()
            .map(|leaf| SelfRow {
                unit: "44".into(),
                leaf: leaf.to_string(),
                score: p("2"),
                note: String::new(),
                evidence: Vec::new(),
            })
            .collect(),
    };
    open(2023, common::FRAMEWORK.into(), None);
    lead.apply(rows(2023)).expect("self 2023");
    for (leaf, why) in [
        ("1.1.1", "Kế hoạch ban hành muộn so với quy định"),
        ("1.1.2", "Thiếu báo cáo quý IV"),
    ] {
        let k = ItemKey::new(2023, "44", leaf);
        lead.apply(Command::Adjust {
            key: k.clone(),
            score: p("1.5"),
            justification: why.into(),
            expected: version(&lead, &k),
        })
        .expect("adjust 2023");
    }
    let reworded = common::FRAMEWORK.replace(
        "Báo cáo cải cách hành chính",
        "Báo cáo cải cách hành chính định kỳ",
    );
    open(2024, reworded, Some(2023));
    lead.apply(rows(2024)).expect("self 2024");
    lead
}

#[test]
fn last_years_justification_is_a_reference_where_the_text_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let wb = Arc::new(two_years(dir.path()));
    let same = load_story(&*wb, &ItemKey::new(2024, "44", "1.1.1")).expect("story");
    let [r] = same.references.as_slice() else {
        panic!("one reference: {:?}", same.references);
    };
    assert_eq!(r.year, 2023);
    assert_eq!(r.from, None, "the same province: its name is not repeated");
    assert_eq!(r.justification, "Kế hoạch ban hành muộn so với quy định");
    assert_eq!(r.proposed, Some(p("1.5")));
    let reworded = load_story(&*wb, &ItemKey::new(2024, "44", "1.1.2")).expect("story");
    assert_eq!(reworded.references, [], "reworded criterion: no reference");
    // Nothing is decided in 2024.
    for item in wb.items(2024, Some("44")).expect("items") {
        assert_eq!(item.status(), Status::Pending, "{}", item.key);
        assert_eq!(item.appraisal.proposed, None);
        assert!(item.appraisal.justification.is_empty());
    }
    assert!(same.steps.iter().all(|s| s.kind == StepKind::SelfAssessed));
    let md = render(|o| write_markdown(o, &same, Lang::Vi));
    assert!(
        md.contains(
            "*Tham khảo năm 2023 (cùng nội dung):* «Kế hoạch ban hành muộn so với quy định»"
        ),
        "{md}"
    );

    // The detail pane shows it, read when the unit opened.
    let mut app = app_on(wb.clone(), Some(2024), "44", "1.1.1");
    let shown = screen(&mut app, 120, 40);
    // The detail pane's text (right of its border) as one line, whatever its width.
    let pane = shown
        .lines()
        .filter_map(|l| l.split_once('│').map(|(_, r)| r.trim()))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        pane.contains("Tham khảo năm 2023 (cùng nội dung): «Kế hoạch"),
        "{pane}"
    );
    assert!(
        pane.contains("1,50/2,00 (tự chấm 2,00; Điều chỉnh)"),
        "{pane}"
    );
    let n = app.model.fw().position("1.1.2").unwrap();
    let model = &app.model;
    app.bench.as_mut().unwrap().select_node(model, n);
    let pane = screen(&mut app, 120, 40);
    assert!(!pane.contains("Tham khảo năm"), "{pane}");
    assert!(!pane.contains("Thiếu báo cáo quý IV"), "{pane}");
}

/// 2024 with the 63 provinces, 2025 with the 34 opened from it (the bundled files): old Bắc
/// Giang (24) and old Bắc Ninh (27) adjusted 1.1.1 in 2024 and both became Bắc Ninh (24).
fn merged_years(dir: &std::path::Path) -> LocalWorkbench {
    let store = Store::create(dir).expect("store");
    let lead = LocalWorkbench::new(store, "lead");
    for (year, from_year) in [(2024, None), (2025, Some(2024))] {
        let fw = domain::bundled::framework_for(year).expect("bundled framework");
        let units = domain::bundled::units_for(year).expect("bundled units");
        lead.apply(Command::OpenYear {
            year,
            framework_toml: fw.text.into(),
            framework_file: fw.name.into(),
            units_toml: units.text.into(),
            units_file: units.name.into(),
            from_year,
        })
        .expect("open year");
    }
    let row = |unit: &str| SelfRow {
        unit: unit.into(),
        leaf: "1.1.1".into(),
        score: p("0.5"),
        note: String::new(),
        evidence: Vec::new(),
    };
    lead.apply(Command::ImportSelf {
        year: 2024,
        rows: vec![row("24"), row("27")],
    })
    .expect("self 2024");
    for (unit, why) in [
        ("24", "Bắc Giang ban hành kế hoạch trong tháng 01 năm 2024"),
        ("27", "Bắc Ninh ban hành kế hoạch sau tháng 01 năm 2024"),
    ] {
        let k = ItemKey::new(2024, unit, "1.1.1");
        let score = if unit == "24" { p("0.25") } else { p("0") };
        lead.apply(Command::Adjust {
            key: k.clone(),
            score,
            justification: why.into(),
            expected: version(&lead, &k),
        })
        .expect("adjust 2024");
    }
    lead.apply(Command::ImportSelf {
        year: 2025,
        rows: vec![row("24")],
    })
    .expect("self 2025");
    lead
}

#[test]
fn a_merged_province_shows_each_predecessors_reference_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let wb = merged_years(dir.path());
    let story = load_story(&wb, &ItemKey::new(2025, "24", "1.1.1")).expect("story");
    assert_eq!(story.unit.name, "Bắc Ninh");
    let from: Vec<(String, String, u16)> = story
        .references
        .iter()
        .map(|r| {
            let u = r
                .from
                .as_ref()
                .expect("a merged province names each source");
            (u.name.clone(), r.justification.clone(), r.year)
        })
        .collect();
    assert_eq!(
        from,
        [
            (
                "Bắc Giang".to_string(),
                "Bắc Giang ban hành kế hoạch trong tháng 01 năm 2024".to_string(),
                2024
            ),
            (
                "Bắc Ninh".to_string(),
                "Bắc Ninh ban hành kế hoạch sau tháng 01 năm 2024".to_string(),
                2024
            ),
        ]
    );
    let mut text = Vec::new();
    write_text(&mut text, &story, Lang::Vi, 200).expect("text");
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.contains("Tham khảo Bắc Giang (24) năm 2024 (cùng nội dung)")
            && text.contains("Tham khảo Bắc Ninh (27) năm 2024 (cùng nội dung)"),
        "{text}"
    );
    // Old Bắc Ninh's code is not a unit of 2025: the message says where it went.
    let e = load_story(&wb, &ItemKey::new(2025, "27", "1.1.1")).expect_err("no unit 27 in 2025");
    assert_eq!(
        e.message(Lang::Vi),
        "không có đơn vị mã \"27\" trong năm 2025: Bắc Ninh (27) năm 2024 nay thuộc Bắc Ninh (24). \
         Xem --unit 24, hoặc --year 2024 --unit 27 cho năm 2024."
    );
}
