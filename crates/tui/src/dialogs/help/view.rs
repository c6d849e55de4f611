//! Help (F1 / ?): generated from the live keymap — the keys of the current context first, then
//! those that work everywhere, then every other context — with the status marks and any
//! problems found in the user's keymap file. What is typed filters it: a line stays when every
//! word typed is found in its keys, its description or its section's title, without diacritics
//! (`search::fold`, as the palette and the jump in the list of provinces).

use ratatui::Frame;
use ratatui::layout::{Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use domain::Status;
use ratatui::crossterm::event::KeyCode;

use crate::action::{Action, Context};
use crate::app::App;
use crate::dialogs::Overlay;
use crate::i18n::{self, Msg};
use crate::key::Key;
use crate::keymap::Resolution;
use crate::text;
use crate::views::layout;
use crate::widgets::{cell, popup};

/// Whether a help line is kept by the filter: every folded word of it is in the folded text.
fn keeps(words: &[String], text: &str) -> bool {
    let text = search::fold::fold(text);
    words.iter().all(|w| text.contains(w.as_str()))
}

/// Every line of the help text for a width, filtered by what was typed.
pub fn lines(app: &App, w: usize, filter: &str) -> Vec<Line<'static>> {
    let th = &app.theme;
    let words: Vec<String> = search::fold::fold(filter)
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let here = app.context_under_help();
    let mut order = vec![here, Context::Global];
    order.extend(
        Context::ALL
            .into_iter()
            .filter(|c| *c != here && *c != Context::Global),
    );
    let key_w = 18usize;
    let mut out = Vec::new();
    for ctx in order {
        let mut own = app.keymap.bindings(ctx, app.lang);
        // Stable: keymap order within each group.
        own.sort_by_key(|b| is_movement(b.action));
        let mut bindings: Vec<(String, String)> = own
            .into_iter()
            .map(|b| (b.keys.join(", "), b.desc))
            .collect();
        bindings.extend(extra(app, ctx));
        let title = ctx.title(app.lang);
        bindings.retain(|(keys, desc)| keeps(&words, &format!("{keys} {desc} {title}")));
        if bindings.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(Line::raw(""));
        }
        out.push(Line::styled(title.to_string(), th.header));
        for (keys, desc) in bindings {
            let desc_w = w.saturating_sub(key_w + 3);
            let desc = text::truncate(&desc, desc_w).into_owned();
            out.push(Line::from(vec![
                Span::styled(format!("  {} ", cell(&keys, key_w, false)), th.total),
                Span::styled(desc, th.base),
            ]));
        }
    }
    let legend_title = app.tr(Msg::HelpLegend);
    let mut legend: Vec<(&str, ratatui::style::Style, String)> = Status::ALL
        .into_iter()
        .map(|s| {
            (
                th.status_mark(s),
                th.status_style(s),
                s.label(app.lang).to_string(),
            )
        })
        .collect();
    legend.push((th.marks.survey, th.dim, app.tr(Msg::SurveyItem).to_string()));
    legend.push((
        th.marks.overdue,
        th.warn,
        app.tr(Msg::LegendOverdue).to_string(),
    ));
    legend.retain(|(_, _, label)| keeps(&words, &format!("{label} {legend_title}")));
    if !legend.is_empty() {
        out.push(Line::raw(""));
        out.push(Line::styled(legend_title.to_string(), th.header));
    }
    for (mark, style, label) in legend {
        out.push(Line::from(vec![
            Span::styled(format!("  {} ", cell(mark, 2, false)), style),
            Span::styled(label, th.base),
        ]));
    }
    if out.is_empty() {
        out.push(Line::styled(i18n::help_no_match(app.lang, filter), th.warn));
    }
    if words.is_empty() && !app.keymap_warnings.is_empty() {
        out.push(Line::raw(""));
        out.push(Line::styled(
            app.tr(Msg::KeymapWarning).to_string(),
            th.warn,
        ));
        for wmsg in &app.keymap_warnings {
            for l in text::wrap(&text::escape_multiline(wmsg), w.saturating_sub(2)) {
                out.push(Line::styled(format!("  {l}"), th.base));
            }
        }
    }
    out
}

/// Moving the cursor: listed after the actions that do something.
fn is_movement(a: Action) -> bool {
    matches!(
        a,
        Action::MoveUp
            | Action::MoveDown
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
    )
}

/// Keys that work without a keymap entry: typing in the overview, Tab in the editor, and
/// Enter/Space on a tree branch when the keymap leaves them free.
fn extra(app: &App, ctx: Context) -> Vec<(String, String)> {
    let free = |code| app.keymap.resolve(ctx, &[], Key::plain(code)) == Resolution::Unbound;
    match ctx {
        Context::Overview => vec![("a–z, 0–9".into(), app.tr(Msg::TypeToJump).into())],
        Context::Editor | Context::ScoreInput => {
            vec![("Tab".into(), app.tr(Msg::NextField).into())]
        }
        Context::Workbench if free(KeyCode::Enter) && free(KeyCode::Char(' ')) => {
            vec![("Enter, Space".into(), app.tr(Msg::ToggleBranch).into())]
        }
        _ => Vec::new(),
    }
}

/// How far the help text can scroll.
pub fn max_scroll(app: &App) -> u16 {
    let filter = match app.overlays.last() {
        Some(Overlay::Help { filter, .. }) => filter.as_str(),
        _ => "",
    };
    let inner = layout::help(layout::body(app)).inner(Margin::new(1, 1));
    layout::max_scroll(lines(app, inner.width as usize, filter).len(), inner.height)
}

pub fn render(app: &App, f: &mut Frame, body: Rect, scroll: u16, filter: &str) {
    let r = layout::help(body);
    let title = i18n::help_title(app.lang, filter);
    let inner = popup(f, app, r, &title);
    let all = lines(app, inner.width as usize, filter);
    let max_scroll = all.len().saturating_sub(inner.height as usize) as u16;
    f.render_widget(
        Paragraph::new(all).scroll((scroll.min(max_scroll), 0)),
        inner,
    );
}
