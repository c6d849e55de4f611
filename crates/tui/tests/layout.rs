//! Layout (issue 14, item 6): columns sized by their content, a "↓ còn N dòng" marker wherever a
//! pane's text goes on below, and a split between the tree and the detail pane that the user
//! moves with `[` and `]` and that stays for the session.

use std::sync::Arc;

use api::Workbench;
use engine::LocalWorkbench;
use l10n::Lang;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use thamdinh_tui::TuiOptions;
use thamdinh_tui::app::{App, Screen};
use thamdinh_tui::theme::ColorLevel;

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

fn app(d: &Demo, w: u16, h: u16) -> App {
    let wb: Arc<dyn Workbench> = d.wb.clone();
    let opts = TuiOptions {
        lang: Lang::Vi,
        theme: Some(ColorLevel::Mono),
        ..TuiOptions::default()
    };
    let mut app = thamdinh_tui::build_app(wb, &opts).expect("app");
    app.resize(w, h);
    app
}

fn screen(app: &mut App) -> Vec<String> {
    let (w, h) = (app.size.width, app.size.height);
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| thamdinh_tui::views::render(app, f))
        .expect("draw");
    let buf = t.backend().buffer();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>())
        .collect()
}

/// The row of the stacked detail pane's top border ("────…").
fn border_row(lines: &[String]) -> usize {
    lines
        .iter()
        .position(|l| l.starts_with("────"))
        .expect("the detail pane's border")
}

/// The column of the side-by-side detail pane's border ("│") on the tree's header row.
fn border_col(lines: &[String]) -> usize {
    lines[2].chars().position(|c| c == '│').expect("border")
}

#[test]
fn the_detail_pane_says_how_much_is_below_and_scrolls_to_it() {
    let d = demo();
    let mut a = app(&d, 80, 24);
    a.feed("tuyen quang<enter><down><down>");
    assert_eq!(a.screen, Screen::Bench);
    let s = screen(&mut a).join("\n");
    let marker = s
        .lines()
        .find(|l| l.contains("↓ còn "))
        .unwrap_or_else(|| panic!("no marker:\n{s}"));
    assert!(marker.contains("dòng · Tab để cuộn"), "{marker}");
    assert!(!s.contains("Hướng dẫn chấm"), "{s}");
    // Tab, then End: the end of the text, and no marker.
    a.feed("<tab><end>");
    let s = screen(&mut a).join("\n");
    assert!(s.contains("Hướng dẫn chấm"), "{s}");
    assert!(!s.contains("↓ còn"), "{s}");
}

#[test]
fn brackets_move_the_split_and_it_stays_for_the_session() {
    let d = demo();
    let mut a = app(&d, 80, 24);
    a.feed("tuyen quang<enter><down><down>");
    let before = border_row(&screen(&mut a));
    a.feed("]]");
    assert_eq!(
        border_row(&screen(&mut a)),
        before - 2,
        "two rows more detail"
    );
    a.feed("[");
    assert_eq!(border_row(&screen(&mut a)), before - 1);
    // Another unit keeps it.
    a.feed("<esc>");
    assert_eq!(a.screen, Screen::Overview);
    a.feed("ha noi<enter>");
    assert_eq!(a.screen, Screen::Bench);
    assert_eq!(border_row(&screen(&mut a)), before - 1);
    // At the limit the key says so and changes nothing.
    for _ in 0..30 {
        a.feed("[");
    }
    let lines = screen(&mut a);
    let smallest = border_row(&lines);
    assert!(
        lines.join("\n").contains("Khung chi tiết đã nhỏ nhất"),
        "{}",
        lines.join("\n")
    );
    a.feed("[");
    assert_eq!(border_row(&screen(&mut a)), smallest);
    assert!(
        smallest >= 20 - 3,
        "three rows of detail at least: {smallest}"
    );

    // Side by side at 120 columns: two columns a step.
    a.resize(120, 40);
    a.split = 0;
    let col = border_col(&screen(&mut a));
    a.feed("]");
    assert_eq!(border_col(&screen(&mut a)), col - 2);
}

#[test]
fn names_get_the_spare_width_and_the_tree_keeps_its_names_at_120_columns() {
    let d = demo();
    let mut a = app(&d, 80, 24);
    a.feed("tuyen quang<enter>");
    let narrow = screen(&mut a);
    a.resize(120, 40);
    let wide = screen(&mut a);
    // The criterion column: from the header's "Tiêu chí" to "Tối đa".
    let name_w = |l: &[String]| {
        let h: Vec<char> = l[2].chars().collect();
        let find = |w: &str| {
            let w: Vec<char> = w.chars().collect();
            h.windows(w.len())
                .position(|x| x == w.as_slice())
                .expect("column header")
        };
        find("Tối đa") - find("Tiêu chí")
    };
    assert!(
        name_w(&wide) >= name_w(&narrow),
        "names at 120 ({}) no shorter than at 80 ({})",
        name_w(&wide),
        name_w(&narrow)
    );
}

#[test]
fn the_overview_fits_its_columns_to_their_content() {
    let d = demo();
    for (w, h) in [(80, 24), (100, 30), (120, 40)] {
        let mut a = app(&d, w, h);
        let lines = screen(&mut a);
        let s = lines.join("\n");
        // Every rank arrow in one column.
        let cols: std::collections::BTreeSet<usize> = lines[3..lines.len() - 2]
            .iter()
            .filter_map(|l| l.chars().position(|c| c == '→'))
            .collect();
        assert_eq!(cols.len(), 1, "arrows at {cols:?} at {w}×{h}:\n{s}");
        // No cut region name: abbreviated or whole.
        assert!(!s.contains("Cửu Lo…"), "{s}");
        // The national totals fit.
        let totals = &lines[lines.len() - 2];
        assert!(totals.contains("Đã thẩm định"), "{totals}");
        assert!(!totals.contains('…'), "{totals}");
    }
}

#[test]
fn items_with_a_draft_are_marked_and_the_mark_survives_reopening_the_unit() {
    let d = demo();
    let mut a = app(&d, 80, 24);
    a.feed("tuyen quang<enter>");
    let row_of = |lines: &[String], code: &str| {
        lines
            .iter()
            .find(|l| l.split_whitespace().next() == Some(code))
            .cloned()
            .unwrap_or_else(|| panic!("no row {code}:\n{}", lines.join("\n")))
    };
    // The first leaf row, 1.1.1: a draft left by Esc.
    a.feed("<down><down>e<c-a><c-k>Thiếu văn bản ban hành<esc>");
    assert!(a.overlays.is_empty());
    let lines = screen(&mut a);
    assert!(
        row_of(&lines, "1.1.1").ends_with('¶'),
        "{}",
        lines.join("\n")
    );
    assert!(!row_of(&lines, "1.1.2").contains('¶'));
    assert!(lines.join("\n").contains("¶ Bạn có bản nháp chưa lưu"));
    // Read again from the store when the unit opens again.
    a.drafts.clear();
    a.feed("<esc>tuyen quang<enter>");
    assert!(row_of(&screen(&mut a), "1.1.1").ends_with('¶'));
    // Agreeing deletes the draft, and the mark goes.
    a.feed("<down><down>a");
    let lines = screen(&mut a);
    assert!(
        !row_of(&lines, "1.1.1").contains('¶'),
        "{}",
        lines.join("\n")
    );
}

/// With the vim preset letters are commands (`l` opens), so the jump starts with `/`.
#[test]
fn the_vim_preset_jumps_to_a_unit_after_a_slash() {
    let d = demo();
    let wb: Arc<dyn Workbench> = d.wb.clone();
    let opts = TuiOptions {
        lang: Lang::Vi,
        theme: Some(ColorLevel::Mono),
        preset: Some("vim".into()),
        ..TuiOptions::default()
    };
    let mut a = thamdinh_tui::build_app(wb, &opts).expect("app");
    a.resize(80, 24);
    let s = screen(&mut a).join("\n");
    assert!(s.contains("/ rồi gõ tên đơn vị để nhảy tới"), "{s}");
    a.feed("/lao cai");
    assert_eq!(a.screen, Screen::Overview, "typing after / opens nothing");
    let s = screen(&mut a).join("\n");
    assert!(s.contains("Đến: lao cai"), "{s}");
    a.feed("<enter>");
    assert_eq!(a.screen, Screen::Bench);
    assert_eq!(a.bench.as_ref().map(|b| b.unit.as_str()), Some("10"));
    // Esc ends a jump: j moves again.
    a.feed("<esc>");
    assert_eq!(a.screen, Screen::Overview);
    a.feed("/<esc>j");
    assert!(a.overview.typeahead.is_empty() && !a.overview.jumping);
}
