//! The application state and its update: a key becomes a named `Action` through the keymap, the
//! action changes state or becomes a `Command` for the workbench, and committed events update the
//! cached model. Nothing here draws or touches the terminal (DESIGN: data flows one way).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use jiff::Timestamp;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::Size;

use crate::api::{HistoryQuery, Notice, Workbench};
use crate::domain::{Command, Event as DomainEvent, Item, ItemKey, Method, Points, Role, Status};
use crate::engine::EngineError;
use crate::i18n::Lang;
use crate::search::fuzzy::{Entry, EntryKind, Hit, SearchIndex, Searcher};
use crate::tui::action::{Action, Context};
use crate::tui::i18n::{self, Msg, t};
use crate::tui::key::Key;
use crate::tui::keymap::{KeyBuffer, Keymap, Resolution};
use crate::tui::model::{Changed, Model};
use crate::tui::state::bench::BenchState;
use crate::tui::state::editor::{EditorState, Field, Origin};
use crate::tui::state::form::{FormKind, FormState};
use crate::tui::state::history::HistoryState;
use crate::tui::state::keep_visible;
use crate::tui::state::overlay::{ConfirmState, ConflictState, Overlay, PromptKind, PromptState};
use crate::tui::state::overview::OverviewState;
use crate::tui::state::palette::PaletteState;
use crate::tui::state::walk::WalkState;
use crate::tui::theme::Theme;
use crate::tui::views::layout;
use crate::tui::widgets::line_input::LineInput;

/// Which full screen is shown under any dialogs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Overview,
    Bench,
    Walk,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlashKind {
    Info,
    Ok,
    Error,
}

/// A one-line message under the screen, until the next key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flash {
    pub text: String,
    pub kind: FlashKind,
}

/// Everything the app needs besides the workbench.
pub struct AppOptions {
    pub lang: Lang,
    pub theme: Theme,
    pub keymap: Keymap,
    /// Problems found in the user's keymap file, shown once at start and in help.
    pub keymap_warnings: Vec<String>,
    /// The assessment year; the newest in the store when `None`.
    pub year: Option<u16>,
}

/// Why the app could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{}", .0.message(Lang::En))]
    Engine(#[from] EngineError),
    #[error("the store has no assessment year yet")]
    NoYear,
}

impl StartError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            StartError::Engine(e) => e.message(lang),
            StartError::NoYear => lang
                .pick(
                    "kho dữ liệu chưa có năm đánh giá nào. Tạo bằng: thamdinh init",
                    "the store has no assessment year yet. Create one with: thamdinh init",
                )
                .to_string(),
        }
    }
}

/// Number of palette results kept.
const PALETTE_LIMIT: usize = 50;

pub struct App {
    pub wb: Arc<dyn Workbench>,
    pub lang: Lang,
    pub theme: Theme,
    pub keymap: Keymap,
    pub keymap_warnings: Vec<String>,
    pub user: String,
    pub role: Option<Role>,
    pub model: Model,
    pub screen: Screen,
    pub overview: OverviewState,
    pub bench: Option<BenchState>,
    pub walk: Option<WalkState>,
    pub walk_scroll: u16,
    /// Where each unit's walk was left (framework node), to resume there.
    walk_resume: HashMap<String, usize>,
    /// The detail pane has the focus (keys scroll it) instead of the tree.
    pub detail_focus: bool,
    pub overlays: Vec<Overlay>,
    pub flash: Option<Flash>,
    keys: KeyBuffer,
    pub size: Size,
    searcher: Searcher,
    /// Actions offered by the palette, in index order after units and criteria.
    palette_actions: Vec<Action>,
    quit: bool,
    /// The next frame must repaint everything (Ctrl-L).
    pub repaint: bool,
}

impl App {
    pub fn new(wb: Arc<dyn Workbench>, opts: AppOptions) -> Result<App, StartError> {
        let year = match opts.year {
            Some(y) => y,
            None => *wb.years()?.iter().max().ok_or(StartError::NoYear)?,
        };
        let model = Model::load(wb.as_ref(), year)?;
        let role = wb.role()?;
        let user = wb.user().to_string();
        let overview = OverviewState::new(&model);
        let palette_actions: Vec<Action> =
            Action::all().filter(|a| offered_in_palette(*a)).collect();
        let index = SearchIndex::for_year(
            model.fw(),
            model.unit_set(),
            palette_actions
                .iter()
                .map(|a| Entry::action(a.name(), a.description(opts.lang))),
        );
        let flash = (!opts.keymap_warnings.is_empty()).then(|| Flash {
            text: i18n::keymap_problems(opts.lang, opts.keymap_warnings.len()),
            kind: FlashKind::Error,
        });
        Ok(App {
            wb,
            lang: opts.lang,
            theme: opts.theme,
            keymap: opts.keymap,
            keymap_warnings: opts.keymap_warnings,
            user,
            role,
            model,
            screen: Screen::Overview,
            overview,
            bench: None,
            walk: None,
            walk_scroll: 0,
            walk_resume: HashMap::new(),
            detail_focus: false,
            overlays: Vec::new(),
            flash,
            keys: KeyBuffer::default(),
            size: Size::new(80, 24),
            searcher: Searcher::new(index),
            palette_actions,
            quit: false,
            repaint: false,
        })
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    pub fn tr(&self, m: Msg) -> &'static str {
        t(self.lang, m)
    }

    /// The context keys are resolved in: the top dialog's, else the screen's.
    pub fn context(&self) -> Context {
        self.context_with(&self.overlays)
    }

    /// The context under the help screen (what help describes first).
    pub fn context_under_help(&self) -> Context {
        let n = self
            .overlays
            .iter()
            .rposition(|o| matches!(o, Overlay::Help { .. }))
            .unwrap_or(self.overlays.len());
        self.context_with(&self.overlays[..n])
    }

    /// The context under the palette (where a chosen action runs).
    pub fn context_under_palette(&self) -> Context {
        let n = self
            .overlays
            .iter()
            .rposition(|o| matches!(o, Overlay::Palette(_)))
            .unwrap_or(self.overlays.len());
        self.context_with(&self.overlays[..n])
    }

    fn context_with(&self, overlays: &[Overlay]) -> Context {
        match overlays.last() {
            Some(Overlay::Help { .. }) => Context::Help,
            Some(Overlay::Palette(_)) => Context::Palette,
            Some(Overlay::Editor(ed)) => match ed.focus {
                Field::Score => Context::ScoreInput,
                Field::Text => Context::Editor,
            },
            Some(Overlay::Prompt(_)) => Context::ScoreInput,
            Some(Overlay::Confirm(_)) | Some(Overlay::Conflict(_)) => Context::Confirm,
            Some(Overlay::History(_)) => Context::History,
            Some(Overlay::Form(f)) => {
                if f.focus_is_text() {
                    Context::Editor
                } else {
                    Context::ScoreInput
                }
            }
            None => match self.screen {
                Screen::Overview => Context::Overview,
                Screen::Walk => Context::Walk,
                Screen::Bench => {
                    if self.bench.as_ref().is_some_and(|b| b.area_view) {
                        Context::Areas
                    } else {
                        Context::Workbench
                    }
                }
            },
        }
    }

    // ----- input -------------------------------------------------------------------------

    /// One terminal event. Key releases are ignored (DESIGN: filter `KeyEventKind::Press`).
    pub fn handle_event(&mut self, ev: Event) {
        match ev {
            Event::Key(k) if k.kind != KeyEventKind::Release => self.handle_key(k),
            Event::Paste(s) => self.handle_paste(&s),
            Event::Resize(w, h) => self.resize(w, h),
            _ => {}
        }
    }

    /// Feed a key script ("<down><enter>0,5<f2>", see `tui::script`) as if typed.
    /// Panics on an unknown key name: scripts are written by programmers, in tests.
    pub fn feed(&mut self, script: &str) {
        let keys = match crate::tui::script::parse(script) {
            Ok(k) => k,
            Err(e) => panic!("bad key script {script:?}: {e}"),
        };
        for k in keys {
            self.handle_key(k);
        }
    }

    pub fn resize(&mut self, w: u16, h: u16) {
        self.size = Size::new(w, h);
        self.scroll_into_view();
    }

    pub fn handle_key(&mut self, key: KeyEvent) {
        self.flash = None;
        // Ctrl-C always leaves, whatever the keymap says (drafts are saved first).
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            self.keys.clear();
            self.request_quit();
            return;
        }
        let ctx = self.context();
        // Type-ahead in the overview: once started, printable keys extend it.
        if ctx == Context::Overview && !self.overview.typeahead.is_empty() {
            match key.code {
                KeyCode::Char(c) if is_plain(&key) => {
                    let mut b = [0u8; 4];
                    let s = c.encode_utf8(&mut b).to_string();
                    self.overview.type_ahead(&self.model, &s);
                    self.scroll_into_view();
                    return;
                }
                KeyCode::Backspace => {
                    self.overview.type_ahead_backspace(&self.model);
                    self.scroll_into_view();
                    return;
                }
                KeyCode::Esc => {
                    self.overview.clear_type_ahead();
                    return;
                }
                _ => self.overview.clear_type_ahead(),
            }
        }
        let k = Key::from(key);
        // A letter or digit that only a global binding would take starts the type-ahead in
        // the overview (so typing "quang" does not quit).
        if ctx == Context::Overview
            && self.keys.pending().is_empty()
            && matches!(key.code, KeyCode::Char(c) if c.is_alphanumeric())
            && is_plain(&key)
            && !self.binds_in(Context::Overview, &k)
        {
            if let KeyCode::Char(c) = key.code {
                self.overview.type_ahead(&self.model, &c.to_string());
                self.scroll_into_view();
            }
            return;
        }
        match self.keys.feed(&self.keymap, ctx, k) {
            Resolution::Action(a) => self.dispatch(a),
            Resolution::Pending => {}
            Resolution::Unbound => self.unbound_key(ctx, key),
        }
        self.scroll_into_view();
    }

    /// Does `ctx` itself (not the global table) bind a sequence starting with `k`?
    fn binds_in(&self, ctx: Context, k: &Key) -> bool {
        let d = k.display();
        let prefix = format!("{d} ");
        self.keymap
            .bindings(ctx, self.lang)
            .iter()
            .any(|b| b.keys.iter().any(|s| *s == d || s.starts_with(&prefix)))
    }

    /// Keys typed so far of an unfinished sequence, for the hint bar.
    pub fn pending_keys(&self) -> String {
        self.keys.pending_display()
    }

    /// A key the keymap does not bind: text for the input under the cursor, if any.
    fn unbound_key(&mut self, ctx: Context, key: KeyEvent) {
        let mut research = false;
        match self.overlays.last_mut() {
            Some(Overlay::Palette(p)) => research = p.input.handle_key(key),
            Some(Overlay::Editor(ed)) => {
                if matches!(key.code, KeyCode::Tab | KeyCode::BackTab) {
                    ed.switch_field();
                } else {
                    ed.input(key);
                }
            }
            Some(Overlay::Prompt(p)) => {
                if p.input.handle_key(key) {
                    p.error = None;
                }
            }
            Some(Overlay::Form(f)) => f.input(key),
            _ => {
                // Enter and Space open or close a branch of the tree when the keymap does
                // not give them another meaning.
                if ctx == Context::Workbench
                    && matches!(key.code, KeyCode::Enter | KeyCode::Char(' '))
                    && is_plain(&key)
                {
                    self.with_bench(|b, m| b.toggle(m));
                }
            }
        }
        if research {
            self.search();
        }
    }

    fn handle_paste(&mut self, s: &str) {
        let mut research = false;
        match self.overlays.last_mut() {
            Some(Overlay::Editor(ed)) => ed.paste(s),
            Some(Overlay::Prompt(p)) => p.input.insert(s),
            Some(Overlay::Form(f)) => f.paste(s),
            Some(Overlay::Palette(p)) => {
                p.input.insert(s);
                research = true;
            }
            _ => {}
        }
        if research {
            self.search();
        }
    }

    // ----- actions -----------------------------------------------------------------------

    /// Carry out an action in the current context.
    pub fn dispatch(&mut self, action: Action) {
        let ctx = self.context();
        match action {
            Action::Quit => self.request_quit(),
            Action::Help => {
                if matches!(self.overlays.last(), Some(Overlay::Help { .. })) {
                    self.overlays.pop();
                } else {
                    self.overlays.push(Overlay::Help { scroll: 0 });
                }
            }
            Action::OpenPalette => {
                if !matches!(self.overlays.last(), Some(Overlay::Palette(_))) {
                    let p = PaletteState {
                        hits: self.default_hits(),
                        ..PaletteState::default()
                    };
                    self.overlays.push(Overlay::Palette(p));
                }
            }
            Action::Back | Action::Cancel => self.back(),
            Action::Redraw => self.repaint = true,
            Action::Overview => {
                if self.overlays.is_empty() {
                    self.leave_walk();
                    self.screen = Screen::Overview;
                }
            }
            Action::Queue | Action::Ranking => self.info(Msg::NotYetAvailable),
            Action::MoveUp => self.move_by(ctx, -1),
            Action::MoveDown => self.move_by(ctx, 1),
            Action::PageUp => {
                let page = self.page(ctx) as isize;
                self.move_by(ctx, -page)
            }
            Action::PageDown => {
                let page = self.page(ctx) as isize;
                self.move_by(ctx, page)
            }
            Action::Top => self.move_by(ctx, isize::MIN / 2),
            Action::Bottom => self.move_by(ctx, isize::MAX / 2),
            Action::Open => self.open(ctx),
            Action::Expand => self.with_bench(|b, m| b.expand(m)),
            Action::Collapse => self.with_bench(|b, m| b.collapse(m)),
            Action::SwitchPane => {
                if self.screen == Screen::Bench {
                    self.detail_focus = !self.detail_focus;
                }
            }
            Action::NextUnit => self.step_unit(1),
            Action::PrevUnit => self.step_unit(-1),
            Action::ToggleDiffs => self.toggle_diffs(),
            Action::NextDiff => self.jump_diff(true),
            Action::PrevDiff => self.jump_diff(false),
            Action::AreaBars => {
                if let Some(b) = self.bench.as_mut() {
                    b.area_view = !b.area_view;
                    self.detail_focus = false;
                }
            }
            Action::Walk => self.start_walk(),
            Action::WalkSkip => {
                if let Some(w) = self.walk.as_mut() {
                    w.advance(&self.model);
                    self.walk_scroll = 0;
                }
            }
            Action::WalkBack => {
                if let Some(w) = self.walk.as_mut() {
                    w.back();
                    self.walk_scroll = 0;
                }
            }
            Action::History => self.open_history(),
            Action::SetScore => self.open_editor(Field::Score),
            Action::EditJustification => self.open_editor(Field::Text),
            Action::Agree => self.agree(),
            Action::RequestEvidence => self.open_request(),
            Action::BulkAgreeArea => self.ask_bulk_agree(),
            Action::RecordDispute => self.open_dispute_form(false),
            Action::ResolveDispute => self.open_dispute_form(true),
            Action::Undo => self.undo(),
            Action::FinalizeUnit => self.ask_finalize(),
            Action::ReopenUnit => self.open_reopen(),
            Action::SortNext => self.overview.next_sort(&self.model),
            Action::SortReverse => {
                self.overview.reverse = !self.overview.reverse;
                self.overview.rebuild(&self.model);
            }
            Action::FilterRegion => self.overview.next_region(&self.model),
            Action::FilterStatus => self.overview.next_status(&self.model),
            Action::ClearFilters => {
                self.overview.region = None;
                self.overview.status = crate::tui::state::overview::StatusFilter::All;
                self.overview.clear_type_ahead();
                self.overview.rebuild(&self.model);
            }
            Action::Save => self.save(),
            Action::Confirm => self.confirm(),
        }
    }

    fn info(&mut self, m: Msg) {
        self.flash = Some(Flash {
            text: self.tr(m).to_string(),
            kind: FlashKind::Info,
        });
    }

    fn error(&mut self, text: String) {
        self.flash = Some(Flash {
            text,
            kind: FlashKind::Error,
        });
    }

    fn ok(&mut self, text: String) {
        self.flash = Some(Flash {
            text,
            kind: FlashKind::Ok,
        });
    }

    /// Quit: save any open draft first (SPEC W5).
    pub fn request_quit(&mut self) {
        self.save_drafts_now();
        self.quit = true;
    }

    /// Esc: close the top dialog, else step back one screen.
    fn back(&mut self) {
        if let Some(top) = self.overlays.pop() {
            if let Overlay::Editor(ed) = &top {
                // The draft is kept: save what is unsaved now.
                self.save_draft(ed);
            }
            return;
        }
        match self.screen {
            Screen::Walk => self.leave_walk(),
            Screen::Bench => {
                if self.detail_focus {
                    self.detail_focus = false;
                } else if let Some(b) = self.bench.as_mut().filter(|b| b.area_view) {
                    b.area_view = false;
                } else {
                    self.screen = Screen::Overview;
                    if let Some(b) = &self.bench {
                        self.overview.select_unit(b.unit_idx);
                    }
                }
            }
            Screen::Overview => {
                self.overview.clear_type_ahead();
            }
        }
    }

    fn with_bench(&mut self, f: impl FnOnce(&mut BenchState, &Model)) {
        if let Some(b) = self.bench.as_mut() {
            f(b, &self.model);
            b.detail_scroll = 0;
        }
    }

    /// Rows of one page in the current list.
    fn page(&self, ctx: Context) -> usize {
        let l = layout::compute(self);
        match ctx {
            Context::Overview => l.list_rows,
            Context::Workbench if self.detail_focus => l.detail_rows,
            Context::Workbench | Context::Areas => l.list_rows,
            Context::Palette => l.palette_rows,
            _ => l.text_rows,
        }
        .max(1)
    }

    fn move_by(&mut self, ctx: Context, delta: isize) {
        let step = |cur: usize, len: usize| -> usize {
            if len == 0 {
                return 0;
            }
            (cur as isize)
                .saturating_add(delta)
                .clamp(0, len as isize - 1) as usize
        };
        let max = self.max_scroll(ctx) as isize;
        let scroll =
            |cur: u16| -> u16 { (cur as isize).saturating_add(delta).clamp(0, max) as u16 };
        match ctx {
            Context::Overview => {
                self.overview.cursor = step(self.overview.cursor, self.overview.rows.len());
            }
            Context::Workbench => {
                if let Some(b) = self.bench.as_mut() {
                    if self.detail_focus {
                        b.detail_scroll = scroll(b.detail_scroll);
                    } else {
                        b.cursor = step(b.cursor, b.rows.len());
                        b.detail_scroll = 0;
                    }
                }
            }
            Context::Areas => {
                let areas = self.model.fw().areas().count();
                if let Some(b) = self.bench.as_mut() {
                    b.area_cursor = step(b.area_cursor, areas);
                }
            }
            Context::Walk => self.walk_scroll = scroll(self.walk_scroll),
            Context::Palette => {
                if let Some(Overlay::Palette(p)) = self.overlays.last_mut() {
                    p.cursor = step(p.cursor, p.hits.len());
                }
            }
            Context::History => {
                if let Some(Overlay::History(h)) = self.overlays.last_mut() {
                    h.scroll = scroll(h.scroll);
                }
            }
            Context::Help => {
                if let Some(Overlay::Help { scroll: s }) = self.overlays.last_mut() {
                    *s = scroll(*s);
                }
            }
            _ => {}
        }
    }

    /// How far the text of a scrolling view can scroll: its lines beyond one window.
    fn max_scroll(&self, ctx: Context) -> u16 {
        use crate::tui::views;
        let area = ratatui::layout::Rect::new(0, 0, self.size.width, self.size.height);
        let body = layout::frame(area).body;
        let (lines, rows) = match ctx {
            Context::Help => {
                let inner = layout::help(body).inner(ratatui::layout::Margin::new(1, 1));
                (
                    views::help::lines(self, inner.width as usize).len(),
                    inner.height,
                )
            }
            Context::History => {
                let inner = body.inner(ratatui::layout::Margin::new(1, 1));
                let n = match self.overlays.last() {
                    Some(Overlay::History(h)) => {
                        views::history::lines(self, h, inner.width as usize).len()
                    }
                    _ => 0,
                };
                (n, inner.height)
            }
            Context::Walk => {
                let r = layout::walk_text(body);
                let n = self
                    .walk
                    .as_ref()
                    .and_then(|w| Some((w.unit_idx, w.current()?)))
                    .map_or(0, |(u, n)| {
                        views::detail::lines(self, u, n, r.width as usize).len()
                    });
                (n, r.height)
            }
            Context::Workbench => {
                let (_, pane, side) = layout::bench(body);
                let r = layout::detail_text(pane, side);
                let n = self
                    .bench
                    .as_ref()
                    .and_then(|b| Some((b.unit_idx, b.selected()?)))
                    .map_or(0, |(u, n)| {
                        views::detail::lines(self, u, n, r.width as usize).len()
                    });
                (n, r.height)
            }
            _ => (0, 0),
        };
        lines.saturating_sub(rows as usize).min(u16::MAX as usize) as u16
    }

    /// Keep every cursor inside its window after a move or a resize.
    fn scroll_into_view(&mut self) {
        let l = layout::compute(self);
        self.overview.offset =
            keep_visible(self.overview.cursor, self.overview.offset, l.list_rows);
        if let Some(b) = self.bench.as_mut() {
            b.offset = keep_visible(b.cursor, b.offset, l.list_rows);
        }
        if let Some(Overlay::Palette(p)) = self.overlays.last_mut() {
            p.offset = keep_visible(p.cursor, p.offset, l.palette_rows);
        }
    }

    fn open(&mut self, ctx: Context) {
        match ctx {
            Context::Overview => {
                if let Some(u) = self.overview.selected() {
                    self.open_unit(u);
                }
            }
            Context::Areas => {
                let Some(b) = self.bench.as_mut() else { return };
                let area = self
                    .model
                    .fw()
                    .nodes
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| n.parent.is_none())
                    .nth(b.area_cursor)
                    .map(|(i, _)| i);
                if let Some(a) = area {
                    b.area_view = false;
                    b.select_node(&self.model, a);
                }
            }
            Context::Palette => self.palette_open(),
            _ => {}
        }
    }

    /// Show a unit's workbench.
    pub fn open_unit(&mut self, unit_idx: usize) {
        let keep = self
            .bench
            .as_ref()
            .map(|b| (b.diffs_only, b.collapsed.clone()));
        let mut b = BenchState::new(&self.model, unit_idx);
        if let Some((diffs, collapsed)) = keep {
            b.diffs_only = diffs;
            b.collapsed = collapsed;
            b.rebuild(&self.model);
        }
        self.bench = Some(b);
        self.detail_focus = false;
        self.screen = Screen::Bench;
        self.overview.select_unit(unit_idx);
    }

    /// Next or previous unit in the overview's order.
    fn step_unit(&mut self, delta: isize) {
        let Some(b) = &self.bench else { return };
        let rows = &self.overview.rows;
        if rows.is_empty() {
            return;
        }
        let pos = rows.iter().position(|&u| u == b.unit_idx).unwrap_or(0) as isize;
        let next = (pos + delta).rem_euclid(rows.len() as isize) as usize;
        let unit = rows[next];
        self.open_unit(unit);
    }

    fn toggle_diffs(&mut self) {
        let Some(b) = self.bench.as_mut() else { return };
        b.diffs_only = !b.diffs_only;
        b.rebuild(&self.model);
        if b.diffs_only && b.difference_count(&self.model) == 0 {
            self.info(Msg::NoDifferences);
        }
    }

    fn jump_diff(&mut self, forward: bool) {
        let Some(b) = self.bench.as_mut() else { return };
        b.area_view = false;
        if !b.jump_difference(&self.model, forward) {
            let m = if b.difference_count(&self.model) == 0 {
                Msg::NoDifferences
            } else {
                Msg::NoMoreDifferences
            };
            self.info(m);
        }
    }

    // ----- the selected item -------------------------------------------------------------

    /// The leaf the current screen is about: the walk's item, or the tree row under the cursor.
    pub fn selected_leaf(&self) -> Option<(usize, usize)> {
        match self.screen {
            Screen::Walk => {
                let w = self.walk.as_ref()?;
                Some((w.unit_idx, w.current()?))
            }
            Screen::Bench => {
                let b = self.bench.as_ref()?;
                let n = b.selected()?;
                self.model.fw().nodes[n]
                    .is_leaf()
                    .then_some((b.unit_idx, n))
            }
            Screen::Overview => None,
        }
    }

    fn selected_item(&self) -> Option<(ItemKey, Option<&Item>, usize)> {
        let (u, n) = self.selected_leaf()?;
        let key = ItemKey::new(
            self.model.year,
            self.model.unit_set().units[u].code.clone(),
            self.model.fw().nodes[n].code.clone(),
        );
        Some((key, self.model.unit_at(u).items[n].as_ref(), n))
    }

    /// The selected item if it can be appraised here, else a message saying why not.
    fn appraisable(&mut self) -> Option<(ItemKey, u64, usize)> {
        if self.role.is_none_or(|r| !r.can_write()) {
            self.info(Msg::ReadOnly);
            return None;
        }
        let Some((key, item, n)) = self.selected_item() else {
            self.info(Msg::NothingSelected);
            return None;
        };
        if self.model.fw().nodes[n].method == Method::Survey {
            self.info(Msg::SurveyNotEditable);
            return None;
        }
        let version = item.map_or(0, |i| i.version);
        Some((key, version, n))
    }

    // ----- commands ----------------------------------------------------------------------

    /// Run a command; on success apply its events to the cache at once (the notice that
    /// follows is then recognised as already applied).
    fn run(&mut self, cmd: Command) -> Result<Vec<DomainEvent>, EngineError> {
        let events = self.wb.apply(cmd)?;
        let changed = self.model.apply_events(&events);
        self.after_change(&changed);
        Ok(events)
    }

    /// Refresh what depends on the data after events were applied.
    fn after_change(&mut self, changed: &Changed) {
        if changed.members
            && let Ok(r) = self.wb.role()
        {
            self.role = r;
        }
        if changed.units.is_empty() {
            return;
        }
        self.overview.rebuild(&self.model);
        if let Some(b) = self.bench.as_mut() {
            b.rebuild(&self.model);
        }
    }

    /// Show an engine refusal: a conflict opens the conflict dialog, anything else a message.
    fn refused(&mut self, e: EngineError) {
        match e {
            EngineError::Conflict { key, current, .. } => {
                self.overlays
                    .push(Overlay::Conflict(ConflictState { key, current }));
            }
            other => self.error(other.message(self.lang)),
        }
    }

    fn agree(&mut self) {
        let Some((key, expected, _)) = self.appraisable() else {
            return;
        };
        match self.run(Command::Agree {
            key: key.clone(),
            expected,
        }) {
            Ok(_) => {
                let _ = self.wb.delete_draft(&key);
                self.saved();
                if self.screen == Screen::Walk {
                    self.walk_next();
                }
            }
            Err(e) => self.refused(e),
        }
    }

    fn saved(&mut self) {
        let text = format!("{} {}", self.theme.marks.saved, self.tr(Msg::Saved));
        self.ok(text);
    }

    fn walk_next(&mut self) {
        if let Some(w) = self.walk.as_mut() {
            w.advance(&self.model);
            self.walk_scroll = 0;
        }
    }

    fn undo(&mut self) {
        if self.role.is_none_or(|r| !r.can_write()) {
            self.info(Msg::ReadOnly);
            return;
        }
        match self.run(Command::Undo) {
            Ok(events) => {
                // Follow the undone item so the user sees what changed back.
                if let Some(key) = events
                    .iter()
                    .find_map(|e| e.body.change.item_key())
                    .cloned()
                {
                    self.follow(&key);
                }
                self.info(Msg::Undone);
            }
            Err(e) => self.refused(e),
        }
    }

    /// Put the workbench cursor on an item of the open unit.
    fn follow(&mut self, key: &ItemKey) {
        let Some(n) = self.model.fw().position(&key.leaf) else {
            return;
        };
        if let Some(b) = self.bench.as_mut()
            && b.unit == key.unit
            && self.screen == Screen::Bench
        {
            b.select_node(&self.model, n);
        }
    }

    fn open_editor(&mut self, focus: Field) {
        let Some((key, expected, n)) = self.appraisable() else {
            return;
        };
        let node = &self.model.fw().nodes[n];
        let (max, step) = (node.max, self.model.fw().step);
        let item = self.model.item(&key.unit, &key.leaf).cloned();
        let origin = if self.screen == Screen::Walk {
            Origin::Walk
        } else {
            Origin::Bench
        };
        let comma = self.lang == Lang::Vi;
        let mut ed = match self.wb.draft(&key) {
            Ok(Some(d)) => {
                EditorState::new(key, expected, max, step, &d.score, &d.text, origin, true)
            }
            other => {
                if let Err(e) = other {
                    self.error(e.message(self.lang));
                }
                let score = item
                    .as_ref()
                    .and_then(|i| i.appraisal.proposed.or_else(|| i.self_score()))
                    .map(|p| p.display_with(comma))
                    .unwrap_or_default();
                let text = item
                    .as_ref()
                    .map_or("", |i| i.appraisal.justification.as_str());
                EditorState::new(key, expected, max, step, &score, text, origin, false)
            }
        };
        ed.focus = focus;
        self.overlays.push(Overlay::Editor(Box::new(ed)));
    }

    fn open_request(&mut self) {
        let Some((key, expected, _)) = self.appraisable() else {
            return;
        };
        let origin = if self.screen == Screen::Walk {
            Origin::Walk
        } else {
            Origin::Bench
        };
        self.overlays.push(Overlay::Prompt(PromptState {
            kind: PromptKind::RequestEvidence { key, expected },
            input: LineInput::default(),
            error: None,
            origin,
        }));
    }

    /// The unit the current screen is about.
    fn current_unit(&self) -> Option<usize> {
        match self.screen {
            Screen::Overview => self.overview.selected(),
            Screen::Bench => self.bench.as_ref().map(|b| b.unit_idx),
            Screen::Walk => self.walk.as_ref().map(|w| w.unit_idx),
        }
    }

    fn ask_finalize(&mut self) {
        let Some(u) = self.current_unit() else { return };
        if self.role != Some(Role::Lead) {
            self.info(Msg::LeadOnly);
            return;
        }
        let unit = &self.model.unit_set().units[u];
        self.overlays.push(Overlay::Confirm(ConfirmState::Finalize {
            year: self.model.year,
            unit: unit.code.clone(),
            name: unit.name.clone(),
        }));
    }

    fn open_reopen(&mut self) {
        let Some(u) = self.current_unit() else { return };
        if self.role != Some(Role::Lead) {
            self.info(Msg::LeadOnly);
            return;
        }
        let unit = self.model.unit_set().units[u].code.clone();
        self.overlays.push(Overlay::Prompt(PromptState {
            kind: PromptKind::Reopen {
                year: self.model.year,
                unit,
            },
            input: LineInput::default(),
            error: None,
            origin: Origin::Bench,
        }));
    }

    /// Bulk agree: list the area's pending items with the versions seen, then ask.
    fn ask_bulk_agree(&mut self) {
        if self.role.is_none_or(|r| !r.can_write()) {
            self.info(Msg::ReadOnly);
            return;
        }
        let Some(b) = &self.bench else { return };
        let Some(area) = b.selected_area(&self.model) else {
            return;
        };
        let fw = self.model.fw();
        let area_node = &fw.nodes[area];
        let data = self.model.unit_at(b.unit_idx);
        let items: Vec<(String, u64)> = fw
            .leaves_under(&area_node.code)
            .into_iter()
            .filter(|n| n.method == Method::Appraised)
            .filter_map(|n| {
                let i = data.items[fw.position(&n.code)?].as_ref()?;
                (i.status() == Status::Pending && i.self_assessment.is_some())
                    .then(|| (n.code.clone(), i.version))
            })
            .collect();
        if items.is_empty() {
            self.info(Msg::NoPendingInArea);
            return;
        }
        self.overlays
            .push(Overlay::Confirm(ConfirmState::BulkAgree {
                year: self.model.year,
                unit: b.unit.clone(),
                area: area_node.code.clone(),
                area_name: area_node.name.clone(),
                items,
            }));
    }

    /// Enter / y in a yes-no question (or the conflict dialog: reload).
    fn confirm(&mut self) {
        match self.overlays.pop() {
            Some(Overlay::Confirm(ConfirmState::BulkAgree {
                year,
                unit,
                area,
                items,
                ..
            })) => {
                let n = items.len();
                match self.run(Command::BulkAgree {
                    year,
                    unit,
                    area,
                    items,
                }) {
                    Ok(_) => {
                        let text = format!(
                            "{} {}",
                            self.theme.marks.saved,
                            i18n::bulk_agreed(self.lang, n)
                        );
                        self.ok(text);
                    }
                    Err(e) => self.refused(e),
                }
            }
            Some(Overlay::Confirm(ConfirmState::Finalize { year, unit, .. })) => {
                match self.run(Command::Finalize { year, unit }) {
                    Ok(_) => self.saved(),
                    Err(e) => self.refused(e),
                }
            }
            Some(Overlay::Conflict(c)) => self.reload_after_conflict(c),
            Some(other) => self.overlays.push(other),
            None => {}
        }
    }

    /// Take the other person's version as the base: the cache gets it and an open editor on
    /// the item now saves over that version (the user has seen it).
    fn reload_after_conflict(&mut self, c: ConflictState) {
        let version = c.current.version;
        let key = c.key.clone();
        if self.model.refresh_item(*c.current) {
            let changed = Changed {
                items: vec![key.clone()],
                units: [key.unit.clone()].into_iter().collect(),
                ..Changed::default()
            };
            self.after_change(&changed);
        }
        for o in &mut self.overlays {
            match o {
                Overlay::Editor(ed) if ed.key == key => ed.expected = version,
                Overlay::Form(f) if *f.key() == key => f.set_expected(version),
                Overlay::Prompt(PromptState {
                    kind: PromptKind::RequestEvidence { key: k, expected },
                    ..
                }) if *k == key => *expected = version,
                _ => {}
            }
        }
        self.info(Msg::Reloaded);
    }

    /// F2 / Enter in the editor or a prompt.
    fn save(&mut self) {
        match self.overlays.last() {
            Some(Overlay::Editor(_)) => self.save_editor(),
            Some(Overlay::Prompt(_)) => self.send_prompt(),
            Some(Overlay::Form(_)) => self.submit_form(),
            _ => {}
        }
    }

    fn save_editor(&mut self) {
        let Some(Overlay::Editor(ed)) = self.overlays.last_mut() else {
            return;
        };
        let score = match Points::parse(ed.score.text()) {
            Ok(p) => p,
            Err(e) => {
                ed.error = Some(i18n::points_error(self.lang, &e));
                ed.focus = Field::Score;
                return;
            }
        };
        let cmd = Command::Adjust {
            key: ed.key.clone(),
            score,
            justification: ed.justification(),
            expected: ed.expected,
        };
        let key = ed.key.clone();
        let origin = ed.origin;
        match self.run(cmd) {
            Ok(_) => {
                self.overlays.pop();
                if let Err(e) = self.wb.delete_draft(&key) {
                    self.error(e.message(self.lang));
                } else {
                    self.saved();
                }
                if origin == Origin::Walk {
                    self.walk_next();
                }
            }
            Err(e) if e.is_conflict() => self.refused(e),
            Err(e) => {
                let msg = e.message(self.lang);
                if let Some(Overlay::Editor(ed)) = self.overlays.last_mut() {
                    if matches!(e, EngineError::JustificationRequired { .. }) {
                        ed.focus = Field::Text;
                    }
                    ed.error = Some(msg);
                }
            }
        }
    }

    fn send_prompt(&mut self) {
        let Some(Overlay::Prompt(p)) = self.overlays.last() else {
            return;
        };
        let text = p.input.text().trim().to_string();
        let origin = p.origin;
        let cmd = match &p.kind {
            PromptKind::RequestEvidence { key, expected } => Command::RequestEvidence {
                key: key.clone(),
                request: text,
                expected: *expected,
            },
            PromptKind::Reopen { year, unit } => Command::Reopen {
                year: *year,
                unit: unit.clone(),
                reason: text,
            },
        };
        match self.run(cmd) {
            Ok(_) => {
                self.overlays.pop();
                self.saved();
                if origin == Origin::Walk && self.screen == Screen::Walk {
                    self.walk_next();
                }
            }
            Err(e) if e.is_conflict() => self.refused(e),
            Err(e) => {
                let msg = e.message(self.lang);
                if let Some(Overlay::Prompt(p)) = self.overlays.last_mut() {
                    p.error = Some(msg);
                }
            }
        }
    }

    /// The dispute dialogs: record the unit's explanation, or answer it.
    fn open_dispute_form(&mut self, resolve: bool) {
        let Some((key, expected, _)) = self.appraisable() else {
            return;
        };
        let form = if resolve {
            FormState::resolve_dispute(key, expected)
        } else {
            let today = jiff::Zoned::now().date().to_string();
            FormState::record_dispute(key, expected, &today)
        };
        self.overlays.push(Overlay::Form(Box::new(form)));
    }

    fn submit_form(&mut self) {
        let lang = self.lang;
        let Some(Overlay::Form(f)) = self.overlays.last_mut() else {
            return;
        };
        // An optional score field: empty is none, anything else must be a number.
        let score_at = |f: &mut FormState, i: usize| -> Result<Option<Points>, ()> {
            let s = f.text(i);
            if s.is_empty() {
                return Ok(None);
            }
            Points::parse(&s).map(Some).map_err(|e| {
                f.error = Some(i18n::points_error(lang, &e));
                f.focus = i;
            })
        };
        let cmd = match f.kind.clone() {
            FormKind::RecordDispute { key, expected } => {
                let Ok(claimed) = score_at(f, 1) else { return };
                Command::RecordDispute {
                    key,
                    explanation: f.text(0),
                    claimed,
                    received: f.text(2),
                    expected,
                }
            }
            FormKind::ResolveDispute { key, expected } => {
                let Ok(score) = score_at(f, 1) else { return };
                let Some(outcome) = f.outcome() else { return };
                Command::ResolveDispute {
                    key,
                    outcome,
                    score,
                    response: f.text(2),
                    expected,
                }
            }
        };
        match self.run(cmd) {
            Ok(_) => {
                self.overlays.pop();
                self.saved();
            }
            Err(e) if e.is_conflict() => self.refused(e),
            Err(e) => {
                let msg = e.message(self.lang);
                if let Some(Overlay::Form(f)) = self.overlays.last_mut() {
                    f.error = Some(msg);
                }
            }
        }
    }

    fn open_history(&mut self) {
        let Some((key, _, _)) = self.selected_item() else {
            self.info(Msg::NothingSelected);
            return;
        };
        let q = HistoryQuery {
            year: Some(key.year),
            unit: Some(key.unit.clone()),
            item: Some(key.leaf.clone()),
            ..HistoryQuery::default()
        };
        let h = match self.wb.history(&q) {
            Ok(events) => HistoryState::new(key, &events),
            Err(e) => HistoryState::failed(key, e.message(self.lang)),
        };
        self.overlays.push(Overlay::History(h));
    }

    // ----- walk mode ---------------------------------------------------------------------

    fn start_walk(&mut self) {
        let Some(b) = &self.bench else { return };
        let resume = self.walk_resume.get(&b.unit).copied();
        let w = WalkState::start(&self.model, b.unit_idx, resume);
        if w.total() == 0 {
            self.info(Msg::WalkNothing);
            return;
        }
        self.walk = Some(w);
        self.walk_scroll = 0;
        self.screen = Screen::Walk;
    }

    /// Leave walk mode, remembering where, with the tree cursor on the item.
    fn leave_walk(&mut self) {
        let Some(w) = self.walk.take() else { return };
        let unit = self.model.unit_set().units[w.unit_idx].code.clone();
        if let Some(n) = w.current() {
            self.walk_resume.insert(unit, n);
            if let Some(b) = self.bench.as_mut() {
                b.select_node(&self.model, n);
            }
        } else {
            self.walk_resume.remove(&unit);
        }
        self.screen = Screen::Bench;
    }

    // ----- palette -----------------------------------------------------------------------

    /// With an empty query the palette lists its actions.
    fn default_hits(&self) -> Vec<Hit> {
        let base = self.searcher.index().len() - self.palette_actions.len();
        (0..self.palette_actions.len())
            .map(|i| Hit {
                unit: None,
                criterion: None,
                action: Some(base + i),
                score: 0,
                highlights: Vec::new(),
            })
            .collect()
    }

    fn search(&mut self) {
        let Some(Overlay::Palette(p)) = self.overlays.last_mut() else {
            return;
        };
        let q = p.input.text().to_string();
        p.hits = if q.trim().is_empty() {
            Vec::new()
        } else {
            self.searcher.search(&q, PALETTE_LIMIT)
        };
        p.cursor = 0;
        p.offset = 0;
        if q.trim().is_empty() {
            let hits = self.default_hits();
            if let Some(Overlay::Palette(p)) = self.overlays.last_mut() {
                p.hits = hits;
            }
        }
    }

    pub fn palette_index(&self) -> &SearchIndex {
        self.searcher.index()
    }

    fn palette_open(&mut self) {
        let Some(Overlay::Palette(p)) = self.overlays.pop() else {
            return;
        };
        let Some(hit) = p.hits.get(p.cursor).cloned() else {
            return;
        };
        let index = self.searcher.index();
        let target = |i: Option<usize>, kind: EntryKind| {
            i.and_then(|i| index.entry(i))
                .filter(|e| e.kind == kind)
                .map(|e| e.target.clone())
        };
        let unit = target(hit.unit, EntryKind::Unit);
        let criterion = target(hit.criterion, EntryKind::Criterion);
        let action = target(hit.action, EntryKind::Action).and_then(|n| Action::parse(&n));
        if let Some(a) = action {
            self.dispatch(a);
            return;
        }
        let unit_idx = unit
            .and_then(|c| self.model.unit_index(&c))
            .or_else(|| self.current_unit());
        let Some(u) = unit_idx else { return };
        self.leave_walk();
        if self.bench.as_ref().is_none_or(|b| b.unit_idx != u) || self.screen != Screen::Bench {
            self.open_unit(u);
        }
        if let Some(n) = criterion.and_then(|c| self.model.fw().position(&c))
            && let Some(b) = self.bench.as_mut()
        {
            b.area_view = false;
            b.select_node(&self.model, n);
        }
    }

    // ----- notices, drafts, time ---------------------------------------------------------

    /// Events committed by anyone reach every client (SPEC S3).
    pub fn handle_notice(&mut self, notice: Notice) {
        let Notice::Committed(events) = notice;
        let changed = self.model.apply_events(&events);
        if changed.is_empty() {
            return;
        }
        self.after_change(&changed);
        // Tell the user when someone else changed the item they are looking at.
        let others: Vec<&DomainEvent> = events
            .iter()
            .filter(|e| e.body.actor != self.user)
            .collect();
        if let Some((key, _, _)) = self.selected_item()
            && let Some(ev) = others
                .iter()
                .find(|e| e.body.change.item_key() == Some(&key))
        {
            let text = i18n::item_changed_by_other(self.lang, &ev.body.actor, &key.leaf);
            self.flash = Some(Flash {
                text,
                kind: FlashKind::Info,
            });
        }
    }

    /// The next moment something must happen without input (a draft save), if any.
    pub fn deadline(&self) -> Option<Instant> {
        self.overlays.iter().find_map(|o| match o {
            Overlay::Editor(ed) => ed.draft_deadline(),
            _ => None,
        })
    }

    /// Time passed: save drafts that are due.
    pub fn tick(&mut self, now: Instant) {
        let due = self
            .overlays
            .iter()
            .any(|o| matches!(o, Overlay::Editor(ed) if ed.draft_due(now)));
        if due {
            self.save_drafts_now();
        }
    }

    /// Write every unsaved draft now (on a timer, on quit and on SIGHUP).
    pub fn save_drafts_now(&mut self) {
        let mut result = Ok(());
        let mut saved_at = None;
        for o in &self.overlays {
            if let Overlay::Editor(ed) = o
                && ed.dirty_since.is_some()
            {
                let draft = ed.draft();
                saved_at = Some(draft.updated);
                result = result.and(self.wb.put_draft(&ed.key, &draft));
            }
        }
        match result {
            Ok(()) => {
                if let Some(at) = saved_at {
                    for o in &mut self.overlays {
                        if let Overlay::Editor(ed) = o {
                            ed.mark_draft_saved(at);
                        }
                    }
                }
            }
            Err(e) => self.error(e.message(self.lang)),
        }
    }

    fn save_draft(&mut self, ed: &EditorState) {
        if ed.dirty_since.is_none() {
            return;
        }
        if let Err(e) = self.wb.put_draft(&ed.key, &ed.draft()) {
            self.error(e.message(self.lang));
        } else {
            self.info(Msg::DraftSaved);
        }
    }

    /// Saved-draft time for display.
    pub fn draft_time(&self, at: Timestamp) -> String {
        crate::tui::views::fmt_time(at)
    }
}

/// No Ctrl or Alt (Shift is part of the character).
fn is_plain(key: &KeyEvent) -> bool {
    !key.modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

/// Actions worth offering by name in the palette (not movement or dialog keys).
fn offered_in_palette(a: Action) -> bool {
    !matches!(
        a,
        Action::MoveUp
            | Action::MoveDown
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
            | Action::Open
            | Action::Back
            | Action::Save
            | Action::Cancel
            | Action::Confirm
            | Action::WalkSkip
            | Action::WalkBack
            | Action::OpenPalette
            | Action::Redraw
            | Action::Expand
            | Action::Collapse
            | Action::SwitchPane
    )
}
