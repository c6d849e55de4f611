//! Where things go on the screen. Both the views and the app's scrolling use these functions,
//! so a page is exactly what is visible.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::app::{App, Screen};

/// The smallest window the workbench draws in (SPEC W12).
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;
/// From this width the detail pane sits beside the tree.
pub const SIDE_BY_SIDE: u16 = 120;
/// From this width the overview shows the region column.
pub const WIDE: u16 = 100;

/// The four bands of every screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame {
    pub title: Rect,
    /// Totals, sort and filters.
    pub sub: Rect,
    pub body: Rect,
    /// The flash message or the screen's status.
    pub message: Rect,
    pub hints: Rect,
}

pub fn frame(area: Rect) -> Frame {
    let [title, sub, body, message, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    Frame {
        title,
        sub,
        body,
        message,
        hints,
    }
}

/// The body band of the app's window.
pub fn body(app: &App) -> Rect {
    frame(Rect::new(0, 0, app.size.width, app.size.height)).body
}

/// How far `lines` of text can scroll in `rows`: the lines beyond one window.
pub fn max_scroll(lines: usize, rows: u16) -> u16 {
    lines.saturating_sub(rows as usize).min(u16::MAX as usize) as u16
}

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// The workbench body: the tree and the detail pane, side by side when wide, else stacked.
/// `split` moves the border from its default: two columns a step side by side, a row stacked.
pub fn bench(body: Rect, split: i16) -> (Rect, Rect, bool) {
    let split = clamp_split(body, split);
    if body.width >= SIDE_BY_SIDE {
        let detail_w = side_detail(body.width)
            .saturating_add_signed(2 * split)
            .min(body.width);
        let [table, detail] =
            Layout::horizontal([Constraint::Min(1), Constraint::Length(detail_w)]).areas(body);
        (table, detail, true)
    } else {
        let detail_h = stacked_detail(body.height)
            .saturating_add_signed(split)
            .min(body.height);
        let [table, detail] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(detail_h)]).areas(body);
        (table, detail, false)
    }
}

/// The detail pane's default width side by side: two fifths, but the tree keeps 80 columns
/// (its names as long as in an 80-column window) while the pane has 36.
fn side_detail(width: u16) -> u16 {
    (width * 2 / 5)
        .clamp(36, 64)
        .min(width.saturating_sub(80).max(36))
}

/// The detail pane's default height stacked: nine twentieths of the body, at least 7.
fn stacked_detail(height: u16) -> u16 {
    (height * 9 / 20).max(7)
}

/// `split` kept within what leaves both panes usable: side by side the pane 24 to `width − 40`
/// columns; stacked, 3 rows up to the body less 4 (the header and three rows of the tree).
pub fn clamp_split(body: Rect, split: i16) -> i16 {
    let (default, min, max, step): (u16, u16, u16, i32) = if body.width >= SIDE_BY_SIDE {
        let d = side_detail(body.width);
        (d, 24, body.width.saturating_sub(40).max(24), 2)
    } else {
        let d = stacked_detail(body.height);
        (d, 3, body.height.saturating_sub(4).max(3), 1)
    };
    let lo = (i32::from(min) - i32::from(default)).div_euclid(step);
    let hi = (i32::from(max) - i32::from(default)).div_euclid(step);
    i32::from(split).clamp(lo.min(0), hi.max(0)) as i16
}

/// A centred box of at most `w` × `h` inside `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// The help box: at most 92 columns, the body's height.
pub fn help(body: Rect) -> Rect {
    let w = body.width.saturating_sub(4).min(90);
    centered(body, w + 2, body.height)
}

/// The text area of the detail pane (inside its border and left padding).
pub fn detail_text(pane: Rect, side: bool) -> Rect {
    let inner = if side {
        Rect {
            x: pane.x + 1,
            width: pane.width.saturating_sub(1),
            ..pane
        }
    } else {
        Rect {
            y: pane.y + 1,
            height: pane.height.saturating_sub(1),
            ..pane
        }
    };
    Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(1),
        ..inner
    }
}

/// The text area of walk mode, under its two-line progress header.
pub fn walk_text(body: Rect) -> Rect {
    Rect {
        x: body.x + 1,
        y: body.y + 2,
        width: body.width.saturating_sub(2),
        height: body.height.saturating_sub(2),
    }
}

/// The palette box.
pub fn palette(area: Rect) -> Rect {
    let w = (area.width * 4 / 5).clamp(60, 100);
    let h = (area.height * 3 / 4).clamp(10, 30);
    let mut r = centered(area, w, h);
    r.y = area.y + 2.min(area.height.saturating_sub(r.height));
    r
}

/// Heights the app needs for paging and scrolling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Computed {
    /// Rows of the main list (overview units, tree rows, areas).
    pub list_rows: usize,
    /// Rows of the detail pane's text.
    pub detail_rows: usize,
    pub palette_rows: usize,
    /// Rows of the ranking table.
    pub ranking_rows: usize,
    /// Rows of scrolling text screens (walk, history, help).
    pub text_rows: usize,
}

pub fn compute(app: &App) -> Computed {
    let area = Rect::new(0, 0, app.size.width, app.size.height);
    let f = frame(area);
    let list_rows = match app.screen {
        Screen::Overview => f.body.height.saturating_sub(1),
        Screen::Ranking => crate::screens::ranking::view::table_rows(app, f.body) as u16,
        // The queue's body starts with its sort and filter line and the column header.
        Screen::Queue => f.body.height.saturating_sub(2),
        Screen::Bench | Screen::Walk => {
            let (table, _, _) = bench(f.body, app.split);
            table.height.saturating_sub(1)
        }
    };
    let (_, detail, side) = bench(f.body, app.split);
    let detail_rows = if side {
        detail.height.saturating_sub(2)
    } else {
        detail.height.saturating_sub(1)
    };
    let palette_rows = palette(area).height.saturating_sub(4);
    Computed {
        list_rows: list_rows as usize,
        detail_rows: detail_rows as usize,
        palette_rows: palette_rows as usize,
        ranking_rows: crate::screens::ranking::view::table_rows(app, f.body),
        text_rows: f.body.height.saturating_sub(2) as usize,
    }
}
