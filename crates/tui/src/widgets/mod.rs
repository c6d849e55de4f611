//! Small widgets and formats shared by the screens and dialogs: table cells and rows, popups,
//! wrapped text, times, points and percentages; the one-line text field in `line_input`.

pub mod line_input;

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear};

use crate::app::App;
use crate::text;
use domain::Points;
use l10n::Lang;

/// An event's time as people here read it: Vietnam time, day first ("16/03/2025\u{a0}00:30",
/// the space unbreakable so a column never splits it).
pub fn fmt_time(at: Timestamp) -> String {
    domain::clock::date_time(at).replace(' ', "\u{a0}")
}

/// A score as people read it in `lang` ("0,75" in Vietnamese), "—" for none.
pub fn pts(p: Option<Points>, lang: Lang) -> String {
    p.map_or_else(|| "—".into(), |p| p.show(lang))
}

/// A signed difference; empty when zero so differences stand out.
pub fn delta(d: Points, lang: Lang) -> String {
    if d.is_zero() {
        String::new()
    } else {
        d.show_signed(lang)
    }
}

/// Index in hundredths of a percent as "89,50%" ("89.50%" in English).
pub fn percent(h: i64, lang: Lang) -> String {
    domain::number::percent(h, lang)
}

/// A cell of exactly `w` columns.
pub fn cell(s: &str, w: usize, right: bool) -> String {
    if right {
        text::fit_right(s, w)
    } else {
        text::fit(s, w)
    }
}

/// One row of a list table (overview, ranking, queue): each cell fitted to its column's
/// `(width, right-aligned)` with a space after it, and the whole line in the selection style when
/// it is the selected row, so the selection shows without colour too.
pub fn table_row(
    cells: Vec<(String, Style)>,
    cols: impl IntoIterator<Item = (usize, bool)>,
    selected: bool,
    th: &crate::theme::Theme,
) -> Line<'static> {
    let spans: Vec<Span<'static>> = cells
        .into_iter()
        .zip(cols)
        .map(|((t, st), (width, right))| {
            let st = if selected { st.patch(th.selected) } else { st };
            Span::styled(format!("{} ", cell(&t, width, right)), st)
        })
        .collect();
    let line = Line::from(spans);
    if selected {
        line.style(th.selected)
    } else {
        line
    }
}

/// Text scrolled by `scroll` rows in `r`; when it goes on below the last row, that row says how
/// many lines are left ("↓ còn 5 dòng", then `how`, e.g. "Tab rồi ↓ để cuộn"), so nothing is
/// hidden without a word. At the furthest scroll every line is shown and there is no marker.
pub fn scrolled_text(
    f: &mut Frame,
    app: &App,
    lines: Vec<Line<'static>>,
    r: Rect,
    scroll: u16,
    how: Option<String>,
) {
    let rows = r.height as usize;
    let total = lines.len();
    let scroll = (scroll as usize).min(total.saturating_sub(rows));
    let below = total.saturating_sub(scroll + rows);
    if below == 0 || rows < 2 {
        f.render_widget(
            ratatui::widgets::Paragraph::new(lines).scroll((scroll as u16, 0)),
            r,
        );
        return;
    }
    // The marker takes the last row: one more line is then below it.
    let mut shown: Vec<Line<'static>> = lines.into_iter().skip(scroll).take(rows - 1).collect();
    let mut marker = crate::i18n::more_below(app.lang, below + 1);
    if let Some(how) = how {
        marker = format!("{marker} · {how}");
    }
    shown.push(Line::styled(
        text::truncate(&marker, r.width as usize).into_owned(),
        app.theme.header,
    ));
    f.render_widget(ratatui::widgets::Paragraph::new(shown), r);
}

/// The legend of a word diff in the diff's own styles: "bỏ" struck through and "thêm"
/// underlined (`~~bỏ~~ __thêm__` where styles may not show).
pub fn diff_legend(app: &App) -> Vec<Span<'static>> {
    use domain::worddiff::Seg;
    let th = &app.theme;
    let (del, ds) = th.diff_piece(&Seg::Del(app.tr(crate::i18n::Msg::DiffRemoved).into()));
    let (ins, is) = th.diff_piece(&Seg::Ins(app.tr(crate::i18n::Msg::DiffAdded).into()));
    vec![Span::styled(del, ds), Span::raw(" "), Span::styled(ins, is)]
}

/// Clear a box and draw its border with a title; returns the inside.
pub fn popup(f: &mut Frame, app: &App, r: Rect, title: &str) -> Rect {
    let th = &app.theme;
    f.render_widget(Clear, r);
    let title = format!(" {} ", text::escape_line(title));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(if th.marks.bar_full == '#' {
            BorderType::Plain
        } else {
            BorderType::Rounded
        })
        .border_style(th.border_focus)
        .title(Span::styled(title, th.title))
        .style(th.popup);
    let inner = block.inner(r);
    f.render_widget(block, r);
    inner
}

/// Wrap escaped multi-line text into lines of `w` columns with a style.
pub fn wrapped(s: &str, w: usize, style: Style) -> Vec<Line<'static>> {
    text::wrap(&text::escape_multiline(s), w)
        .into_iter()
        .map(|l| Line::styled(l, style))
        .collect()
}

/// Lay styled pieces out in lines of `w` columns, breaking after spaces where possible.
pub fn wrap_spans(pieces: Vec<(String, Style)>, w: usize, indent: &str) -> Vec<Line<'static>> {
    let w = w.max(indent.len() + 4);
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut cur: Vec<Span<'static>> = vec![Span::raw(indent.to_string())];
    let mut used = text::width(indent);
    for (s, style) in pieces {
        let shown = text::escape_line(&s).into_owned();
        for token in shown.split_inclusive(' ') {
            let tw = text::width(token);
            if used + tw > w && used > text::width(indent) {
                lines.push(Line::from(std::mem::take(&mut cur)));
                cur.push(Span::raw(indent.to_string()));
                used = text::width(indent);
            }
            if used + tw <= w {
                cur.push(Span::styled(token.to_string(), style));
                used += tw;
                continue;
            }
            // A token longer than a line: cut it by characters.
            for c in token.chars() {
                let cw = text::width(c.encode_utf8(&mut [0u8; 4]));
                if used + cw > w {
                    lines.push(Line::from(std::mem::take(&mut cur)));
                    cur.push(Span::raw(indent.to_string()));
                    used = text::width(indent);
                }
                cur.push(Span::styled(c.to_string(), style));
                used += cw;
            }
        }
    }
    if cur.len() > 1 {
        lines.push(Line::from(cur));
    }
    lines
}

/// A region's abbreviation as people read it ("ĐBSCL"), for narrow columns.
pub fn region_abbr(app: &App, code: &str) -> String {
    text::escape_line(&app.model.unit_set().region_abbr(code)).into_owned()
}

/// A region's name in the UI language.
pub fn region_name(app: &App, code: &str) -> String {
    app.model
        .unit_set()
        .region(code)
        .map(|r| match app.lang {
            l10n::Lang::Vi => r.name.as_str(),
            l10n::Lang::En => r.name_en.as_deref().unwrap_or(&r.name),
        })
        .map_or_else(
            || text::escape_line(code).into_owned(),
            |name| text::escape_line(name).into_owned(),
        )
}
