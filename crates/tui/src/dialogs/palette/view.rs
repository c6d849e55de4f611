//! The search palette (SPEC W7): the query and the hits, matched characters highlighted in the
//! original (accented) text.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::dialogs::palette::PaletteState;
use crate::i18n::Msg;
use crate::text;
use crate::views::layout;
use crate::widgets::{cell, popup};
use search::fuzzy::{EntryKind, Hit};

/// Spans of an entry's text with the matched characters in `matched`, cut to `max` columns.
fn highlighted(
    s: &str,
    chars: &[usize],
    base: Style,
    matched: Style,
    max: usize,
) -> Vec<Span<'static>> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    let mut run = String::new();
    let mut run_hit = false;
    for (i, c) in s.chars().enumerate() {
        let shown = text::escape_line(c.encode_utf8(&mut [0u8; 4])).into_owned();
        let w = text::width(&shown);
        if used + w > max {
            break;
        }
        used += w;
        let hit = chars.binary_search(&i).is_ok();
        if hit != run_hit && !run.is_empty() {
            spans.push(Span::styled(
                std::mem::take(&mut run),
                if run_hit { matched } else { base },
            ));
        }
        run_hit = hit;
        run.push_str(&shown);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, if run_hit { matched } else { base }));
    }
    spans
}

pub fn render(app: &App, f: &mut Frame, area: Rect, p: &PaletteState) {
    let th = &app.theme;
    let r = layout::palette(area);
    let inner = popup(f, app, r, app.tr(Msg::PaletteTitle));
    let w = inner.width as usize;
    let mut lines = vec![
        Line::from(vec![Span::styled("› ", th.header)]).patch_style(th.base),
        Line::styled(format!("  {}", app.tr(Msg::PalettePrompt)), th.dim),
    ];
    let mut first = p
        .input
        .line(w.saturating_sub(2), th.input, th.selected, true);
    first.spans.insert(0, Span::styled("› ", th.header));
    lines[0] = first;
    if p.input.is_empty() {
        // The prompt line explains what can be searched.
    } else {
        lines[1] = Line::raw("");
    }
    let index = app.searcher.index();
    let rows = inner.height.saturating_sub(2) as usize;
    if p.hits.is_empty() && !p.input.is_empty() {
        lines.push(Line::styled(
            format!("  {}", app.tr(Msg::NoMatches)),
            th.dim,
        ));
    }
    for (pos, hit) in p.hits.iter().enumerate().skip(p.offset).take(rows) {
        let selected = pos == p.cursor;
        lines.push(hit_line(app, hit, index, w, selected));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

fn hit_line(
    app: &App,
    hit: &Hit,
    index: &search::fuzzy::SearchIndex,
    w: usize,
    selected: bool,
) -> Line<'static> {
    let th = &app.theme;
    let kind = match (hit.unit, hit.criterion, hit.action) {
        (_, _, Some(_)) => Msg::KindAction,
        (Some(_), None, None) => Msg::KindUnit,
        _ => Msg::KindCriterion,
    };
    let kind_w = 9;
    let mut spans = vec![Span::styled(
        format!(" {} ", cell(app.tr(kind), kind_w, false)),
        th.dim,
    )];
    let mut left = w.saturating_sub(kind_w + 2);
    let mut first = true;
    for e in hit.entries() {
        let Some(entry) = index.entry(e) else {
            continue;
        };
        if !first {
            spans.push(Span::styled(" › ", th.dim));
            left = left.saturating_sub(3);
        }
        first = false;
        let chars: &[usize] = hit
            .highlights
            .iter()
            .find(|h| h.entry == e)
            .map_or(&[], |h| h.chars.as_slice());
        let part = highlighted(&entry.text, chars, th.base, th.matched, left);
        left = left.saturating_sub(part.iter().map(|s| text::width(&s.content)).sum());
        spans.extend(part);
        if entry.kind == EntryKind::Action
            && let Some(a) = crate::action::Action::parse(&entry.target)
            && let Some(k) = app.keymap.hint(app.context_under_palette(), a)
        {
            let ks = format!("  {k}");
            if text::width(&ks) <= left {
                left -= text::width(&ks);
                spans.push(Span::styled(ks, th.dim));
            }
        }
    }
    let mut line = Line::from(spans);
    if selected {
        for s in &mut line.spans {
            s.style = s.style.patch(th.selected);
        }
        let pad = left;
        line.spans.push(Span::styled(" ".repeat(pad), th.selected));
    }
    line
}
