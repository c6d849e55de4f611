//! The hint bar (like htop and Midnight Commander): the keys that matter in the current
//! context, taken from the live keymap, most important first, as many as fit.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::action::{Action, Context};
use crate::app::App;
use crate::dialogs::Overlay;
use crate::i18n::Msg;
use crate::text;

/// Actions shown in the hint bar of each context, most important first.
pub fn actions(ctx: Context) -> &'static [Action] {
    use Action::*;
    match ctx {
        Context::Overview => &[
            Help,
            Open,
            OpenPalette,
            SortNext,
            FilterRegion,
            FilterStatus,
            Quit,
        ],
        Context::Workbench => &[
            Help,
            SetScore,
            Agree,
            History,
            Explain,
            Walk,
            ToggleDiffs,
            NextDiff,
            AreaBars,
            RequestEvidence,
            BulkAgreeArea,
            Undo,
            OpenPalette,
            Back,
            Quit,
        ],
        Context::Walk => &[
            Agree,
            SetScore,
            RequestEvidence,
            WalkSkip,
            WalkBack,
            Back,
            History,
            Explain,
            Undo,
            Help,
        ],
        Context::Areas => &[Open, MoveDown, AreaBars, Back, Help],
        Context::History | Context::Help => &[MoveDown, PageDown, Back],
        Context::Palette => &[Open, MoveDown, Back],
        Context::Editor | Context::ScoreInput => &[Save, Cancel],
        Context::Confirm => &[Confirm, Cancel],
        Context::Ranking => &[Help, Open, SortNext, FilterRegion, AreaBars, Back, Quit],
        Context::Queue => &[
            Help,
            Open,
            SortNext,
            FilterStatus,
            FilterRegion,
            ResolveDispute,
            Explain,
            History,
            FilterArea,
            FilterAppraiser,
            ClearFilters,
            Back,
            Quit,
        ],
        Context::Global => &[Help, Quit],
    }
}

pub fn render(app: &App, f: &mut Frame, r: Rect) {
    let th = &app.theme;
    let ctx = app.context();
    let conflict = match app.overlays.last() {
        Some(Overlay::Conflict(c)) => Some(c.mine.is_some()),
        _ => None,
    };
    // Only what applies to this user's role and to the selected row (SPEC W16).
    let mut shown: Vec<Action> = actions(ctx)
        .iter()
        .copied()
        .filter(|&a| app.offers(a))
        .collect();
    if conflict == Some(true) {
        shown.insert(1, Action::KeepTheirs);
    }
    let mut items: Vec<(String, String)> = shown
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
            Some((key, label.to_string()))
        })
        .collect();
    // The editor's fields are switched with Tab, which is text in no field.
    if matches!(ctx, Context::Editor | Context::ScoreInput)
        && matches!(
            app.overlays.last(),
            Some(Overlay::Editor(_)) | Some(Overlay::Form(_))
        )
    {
        items.insert(1, ("Tab".into(), app.tr(Msg::NextField).to_string()));
    }
    let pending = app.pending_keys();
    let mut spans = Vec::new();
    let mut used = 0usize;
    let w = r.width as usize;
    if !pending.is_empty() {
        let s = format!(" {pending} … ");
        used += text::width(&s);
        spans.push(Span::styled(s, th.warn));
    }
    for (key, label) in items {
        let k = key;
        let l = format!("{label} ");
        let need = text::width(&k) + text::width(&l) + 1;
        if used + need > w {
            break;
        }
        used += need;
        spans.push(Span::styled(k, th.key));
        spans.push(Span::styled(format!(" {l}"), th.key_desc));
    }
    spans.push(Span::styled(
        " ".repeat(w.saturating_sub(used)),
        th.hint_bar,
    ));
    f.render_widget(Paragraph::new(Line::from(spans)), r);
}
