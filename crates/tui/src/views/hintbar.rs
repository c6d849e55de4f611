//! The hint bar (like htop and Midnight Commander): the keys that matter here, taken from the
//! live keymap — first what the selected item's state calls for (the domain's
//! `CommandKind::next_steps`, offered only as the role and the item allow), then the context's
//! usual keys, as many as fit, and always "F1 Thêm" (the help with every key) at the end.
//! [`entries`] lays the bar out once, for drawing and for mouse clicks alike.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::action::{Action, Context};
use crate::app::App;
use crate::dialogs::Overlay;
use crate::i18n::Msg;
use crate::text;
use domain::{CommandKind, Status};

/// The usual actions of each context, most important first, after those of the selected item's
/// state. Help is not listed: it always closes the bar.
pub fn actions(ctx: Context) -> &'static [Action] {
    use Action::*;
    match ctx {
        Context::Overview => &[
            Open,
            OpenPalette,
            SortNext,
            FilterRegion,
            FilterStatus,
            Quit,
        ],
        Context::Workbench => &[
            Walk,
            History,
            Explain,
            ToggleDiffs,
            NextDiff,
            AreaBars,
            BulkAgreeArea,
            Undo,
            OpenPalette,
            Back,
            Quit,
        ],
        Context::Walk => &[WalkSkip, WalkBack, Back, History, Explain, Undo],
        Context::Areas => &[Open, MoveDown, AreaBars, Back],
        Context::History | Context::Help => &[MoveDown, PageDown, Back],
        Context::Palette => &[Open, MoveDown, Back],
        Context::Editor | Context::ScoreInput => &[Save, Cancel],
        Context::Confirm => &[Confirm, Cancel],
        Context::Ranking => &[Open, SortNext, FilterRegion, AreaBars, Back, Quit, WhatIf],
        Context::Queue => &[
            Open,
            SortNext,
            FilterStatus,
            FilterRegion,
            Explain,
            History,
            FilterArea,
            FilterAppraiser,
            ClearFilters,
            Back,
            Quit,
        ],
        Context::Global => &[Quit],
    }
}

/// The actions the selected item's state calls for next (SPEC D5, asked of the domain), that
/// have a place in `ctx`.
fn next_steps(app: &App, ctx: Context) -> Vec<Action> {
    if !matches!(ctx, Context::Workbench | Context::Walk | Context::Queue) {
        return Vec::new();
    }
    let Some((_, item, _)) = app.selected_item() else {
        return Vec::new();
    };
    let status = item.map_or(Status::Pending, |i| i.status());
    CommandKind::next_steps(status)
        .iter()
        .filter_map(|&k| Action::for_command(k))
        .filter(|a| a.valid_in(ctx))
        .collect()
}

/// One entry of the bar: its key, its label, the action a click runs (none for keys that are
/// not actions, such as Tab between fields), and where it is drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub label: String,
    pub action: Option<Action>,
    /// Column of the key, from the left of the bar.
    pub x: u16,
    /// Columns taken by the key, the label and the space after it.
    pub width: u16,
}

/// Everything the bar would show, in order, before fitting.
fn wanted(app: &App, ctx: Context) -> Vec<(String, String, Option<Action>)> {
    let conflict = match app.overlays.last() {
        Some(Overlay::Conflict(c)) => Some(c.mine.is_some()),
        _ => None,
    };
    let mut shown = next_steps(app, ctx);
    for &a in actions(ctx) {
        if !shown.contains(&a) {
            shown.push(a);
        }
    }
    // Only what applies to this user's role and to the selected row (SPEC W16).
    shown.retain(|&a| app.offers(a));
    if conflict == Some(true) {
        shown.insert(1.min(shown.len()), Action::KeepTheirs);
    }
    let mut items: Vec<(String, String, Option<Action>)> = shown
        .iter()
        .filter_map(|&a| {
            let key = app.keymap.hint(ctx, a)?;
            let label = match (a, conflict) {
                (Action::Confirm, Some(true)) => app.tr(Msg::ReapplyMineShort),
                (Action::Cancel, Some(true)) => app.tr(Msg::BackToEditing),
                (Action::Confirm, Some(false)) => app.tr(Msg::Reload),
                (Action::Cancel, Some(false)) => app.tr(Msg::KeepEditing),
                (Action::Back, _) if ctx == Context::Walk => app.tr(Msg::WalkHelpQuit),
                _ => a.hint_label(app.lang),
            };
            Some((key, label.to_string(), Some(a)))
        })
        .collect();
    // The dialogs' fields are switched with Tab, which is text in no field; a choice (the
    // answer to an explanation) is made with ← and →.
    if let Some(Overlay::Editor(_) | Overlay::Form(_)) = app.overlays.last()
        && matches!(ctx, Context::Editor | Context::ScoreInput)
    {
        let at = 1.min(items.len());
        items.insert(at, ("Tab".into(), app.tr(Msg::NextField).to_string(), None));
        if let Some(Overlay::Form(f)) = app.overlays.last()
            && f.focus_is_choice()
        {
            items.insert(
                at,
                ("←/→".into(), app.tr(Msg::ChooseOption).to_string(), None),
            );
        }
    }
    items
}

/// The bar laid out at width `w`: the keys that fit, most important first, then "F1 Thêm",
/// whose room is kept whatever else is left out.
pub fn entries(app: &App, w: u16) -> Vec<Entry> {
    let ctx = app.context();
    let w = w as usize;
    let pending = app.pending_keys();
    let mut used = if pending.is_empty() {
        0
    } else {
        text::width(&format!(" {pending} … "))
    };
    let more = (ctx != Context::Help)
        .then(|| app.keymap.hint(ctx, Action::Help))
        .flatten()
        .map(|k| (k, Action::Help.hint_label(app.lang).to_string()));
    let need = |k: &str, l: &str| text::width(k) + text::width(l) + 2;
    let reserved = more.as_ref().map_or(0, |(k, l)| need(k, l));
    let mut out = Vec::new();
    for (key, label, action) in wanted(app, ctx) {
        let n = need(&key, &label);
        if used + n + reserved > w {
            break;
        }
        out.push(Entry {
            x: used as u16,
            width: n as u16,
            key,
            label,
            action,
        });
        used += n;
    }
    if let Some((key, label)) = more
        && used + reserved <= w
    {
        out.push(Entry {
            x: used as u16,
            width: reserved as u16,
            key,
            label,
            action: Some(Action::Help),
        });
    }
    out
}

/// The entry of the bar at column `x`, if any (a mouse click).
pub fn entry_at(app: &App, w: u16, x: u16) -> Option<Entry> {
    entries(app, w)
        .into_iter()
        .find(|e| x >= e.x && x < e.x + e.width)
}

pub fn render(app: &App, f: &mut Frame, r: Rect) {
    let th = &app.theme;
    let pending = app.pending_keys();
    let mut spans = Vec::new();
    let mut used = 0usize;
    if !pending.is_empty() {
        let s = format!(" {pending} … ");
        used += text::width(&s);
        spans.push(Span::styled(s, th.warn));
    }
    for e in entries(app, r.width) {
        used += e.width as usize;
        spans.push(Span::styled(e.key, th.key));
        spans.push(Span::styled(format!(" {} ", e.label), th.key_desc));
    }
    spans.push(Span::styled(
        " ".repeat((r.width as usize).saturating_sub(used)),
        th.hint_bar,
    ));
    f.render_widget(Paragraph::new(Line::from(spans)), r);
}
