//! The application state and its update: a key becomes a named `Action` through the keymap, the
//! action changes state or becomes a `Command` for the workbench, and committed events update the
//! cached model. Nothing here draws or touches the terminal (DESIGN: data flows one way).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::Size;

use crate::action::{Action, Context};
use crate::i18n::{self, Msg, t};
use crate::key::Key;
use crate::keymap::{KeyBuffer, Keymap, Resolution};
use crate::model::{Changed, Model};
use crate::state::bench::BenchState;
use crate::state::editor::{EditorState, Field, Origin};
use crate::state::form::{FormKind, FormState};
use crate::state::history::HistoryState;
use crate::state::keep_visible;
use crate::state::overlay::{ConfirmState, ConflictState, Overlay, PromptKind, PromptState};
use crate::state::overview::OverviewState;
use crate::state::palette::PaletteState;
use crate::state::queue::QueueState;
use crate::state::ranking::RankingState;
use crate::state::reference::References;
use crate::state::walk::WalkState;
use crate::theme::Theme;
use crate::views::layout;
use crate::widgets::line_input::LineInput;
use api::WorkbenchError;
use api::{ConnectionState, HistoryQuery, Notice, PresenceEntry, Workbench};
use domain::clock::Clock;
use domain::{
    Command, CommandKind, Event as DomainEvent, Item, ItemKey, Method, Points, Role, Status,
};
use l10n::Lang;
use search::fuzzy::{Entry, EntryKind, Hit, SearchIndex, Searcher};

mod edit;
mod explain;
mod navigate;
mod queue;
mod sync;

/// Which full screen is shown under any dialogs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Overview,
    Bench,
    Walk,
    /// The national ranking (SPEC W10).
    Ranking,
    /// The disputes and audit queue over every unit (SPEC W9).
    Queue,
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
    /// What "today" is (the system clock; a fixed one in tests).
    pub clock: Clock,
}

/// Why the app could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{}", .0.message(Lang::En))]
    Engine(#[from] WorkbenchError),
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

/// Where a session is: the (year, unit) it shows and the item it edits.
type Whereabouts = (Option<(u16, String)>, Option<ItemKey>);

pub struct App {
    pub wb: Arc<dyn Workbench>,
    pub lang: Lang,
    pub theme: Theme,
    pub keymap: Keymap,
    pub keymap_warnings: Vec<String>,
    pub user: String,
    pub role: Option<Role>,
    /// What "today" is: overdue items and days left are measured against it.
    pub clock: Clock,
    pub model: Model,
    pub screen: Screen,
    pub overview: OverviewState,
    pub ranking: RankingState,
    /// The list a unit's workbench was opened from (overview, ranking or queue): Esc goes back
    /// there.
    pub bench_return: Screen,
    pub bench: Option<BenchState>,
    pub queue: QueueState,
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
    /// The other sessions connected to the store, with their unit and item (SPEC W11).
    pub presence: Vec<PresenceEntry>,
    /// The link to the store's server, shown in the status bar when it is not up.
    pub connection: ConnectionState,
    /// What this session last told the others about itself.
    sent_presence: Option<Whereabouts>,
    /// Last year's decisions on the open unit's unchanged criteria (`init --from-year`).
    pub references: References,
}

impl App {
    /// Whether this user's role allows a kind of command (the engine decides the same way).
    pub fn may(&self, kind: CommandKind) -> bool {
        self.role.is_some_and(|r| kind.allowed_for(r))
    }

    pub fn new(wb: Arc<dyn Workbench>, opts: AppOptions) -> Result<App, StartError> {
        let year = match opts.year {
            Some(y) => y,
            None => *wb.years()?.iter().max().ok_or(StartError::NoYear)?,
        };
        let model = Model::load(wb.as_ref(), year)?;
        let role = wb.role()?;
        let user = wb.user().to_string();
        let overview = OverviewState::new(&model);
        let ranking = RankingState::new(&model);
        let queue = QueueState::new(&model, domain::round::today_in_vietnam((opts.clock)()));
        let palette_actions: Vec<Action> =
            Action::all().filter(|a| offered_in_palette(*a)).collect();
        let index = SearchIndex::for_year(
            model.fw(),
            model.unit_set(),
            palette_actions
                .iter()
                .map(|a| Entry::action(a.name(), a.description(opts.lang))),
        );
        let mut flash = (!opts.keymap_warnings.is_empty()).then(|| Flash {
            text: i18n::keymap_problems(opts.lang, opts.keymap_warnings.len()),
            kind: FlashKind::Error,
        });
        // Without last year's results the workbench still works: say so and go on.
        let references = References::new(wb.as_ref(), &model.ctx).unwrap_or_else(|e| {
            flash.get_or_insert(Flash {
                text: format!(
                    "{}: {}",
                    t(opts.lang, Msg::ReferenceFailed),
                    e.message(opts.lang)
                ),
                kind: FlashKind::Error,
            });
            References::default()
        });
        Ok(App {
            wb,
            clock: opts.clock,
            lang: opts.lang,
            theme: opts.theme,
            keymap: opts.keymap,
            keymap_warnings: opts.keymap_warnings,
            user,
            role,
            model,
            screen: Screen::Overview,
            overview,
            ranking,
            bench_return: Screen::Overview,
            bench: None,
            queue,
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
            presence: Vec::new(),
            connection: ConnectionState::Connected,
            sent_presence: None,
            references,
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
            // The card scrolls and closes like the history.
            Some(Overlay::History(_)) | Some(Overlay::Explain(_)) => Context::History,
            Some(Overlay::Form(f)) => {
                if f.focus_is_text() {
                    Context::Editor
                } else {
                    Context::ScoreInput
                }
            }
            None => match self.screen {
                Screen::Overview => Context::Overview,
                Screen::Queue => Context::Queue,
                Screen::Walk => Context::Walk,
                Screen::Ranking => Context::Ranking,
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
        let keys = match crate::script::parse(script) {
            Ok(k) => k,
            Err(e) => panic!("bad key script {script:?}: {e}"),
        };
        for k in keys {
            self.handle_key(k);
        }
        self.sync_presence();
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
            Action::Ranking => self.open_ranking(),
            Action::Queue => {
                if self.overlays.is_empty() {
                    self.open_queue();
                }
            }
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
            Action::AreaBars if ctx == Context::Ranking => {
                self.ranking.bars_toggled = !self.ranking.bars_toggled;
            }
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
            Action::Explain => self.open_explain(),
            Action::SetScore => self.open_editor(Field::Score),
            Action::EditJustification => self.open_editor(Field::Text),
            Action::Agree => self.agree(),
            Action::RequestEvidence => self.open_request(),
            Action::BulkAgreeArea => self.ask_bulk_agree(),
            Action::RecordDispute => self.open_dispute_form(false),
            Action::ResolveDispute => self.open_dispute_form(true),
            Action::Escalate => self.open_council_form(false),
            Action::CouncilDecide => self.open_council_form(true),
            Action::Undo => self.undo(),
            Action::FinalizeUnit => self.ask_finalize(),
            Action::ReopenUnit => self.open_reopen(),
            Action::SortNext if ctx == Context::Ranking => self.ranking.next_sort(&self.model),
            Action::SortReverse if ctx == Context::Ranking => {
                self.ranking.toggle_reverse(&self.model)
            }
            Action::FilterRegion if ctx == Context::Ranking => {
                self.ranking.next_region(&self.model)
            }
            Action::ClearFilters if ctx == Context::Ranking => {
                self.ranking.clear_filters(&self.model)
            }
            Action::SortNext
            | Action::SortReverse
            | Action::FilterRegion
            | Action::FilterStatus
            | Action::FilterArea
            | Action::FilterAppraiser
            | Action::ClearFilters
                if ctx == Context::Queue =>
            {
                self.queue_list_action(action)
            }
            Action::FilterArea | Action::FilterAppraiser => {}
            Action::SortNext => self.overview.next_sort(&self.model),
            Action::SortReverse => {
                self.overview.reverse = !self.overview.reverse;
                self.overview.rebuild(&self.model);
            }
            Action::FilterRegion => self.overview.next_region(&self.model),
            Action::FilterStatus => self.overview.next_status(&self.model),
            Action::ClearFilters => {
                self.overview.region = None;
                self.overview.status = crate::state::overview::StatusFilter::All;
                self.overview.clear_type_ahead();
                self.overview.rebuild(&self.model);
            }
            Action::Save => self.save(),
            Action::Confirm => self.confirm(),
            Action::KeepTheirs => self.keep_theirs(),
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
            if let Overlay::Conflict(c) = top {
                // Back to my editor, with their version as the base I now build on.
                self.reload_after_conflict(c);
                return;
            }
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
                } else if self.bench_return == Screen::Queue {
                    // Back to the queue, on the same row with the same sort and filters.
                    self.screen = Screen::Queue;
                } else {
                    self.screen = self.bench_return;
                    if let Some(b) = &self.bench {
                        self.overview.select_unit(b.unit_idx);
                        self.ranking.select_unit(b.unit_idx);
                    }
                }
            }
            Screen::Ranking => {
                if let Some(u) = self.ranking.selected() {
                    self.overview.select_unit(u);
                }
                self.screen = Screen::Overview;
            }
            Screen::Overview => {
                self.overview.clear_type_ahead();
            }
            Screen::Queue => self.screen = Screen::Overview,
        }
    }

    fn with_bench(&mut self, f: impl FnOnce(&mut BenchState, &Model)) {
        if let Some(b) = self.bench.as_mut() {
            f(b, &self.model);
            b.detail_scroll = 0;
        }
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
            | Action::KeepTheirs
            | Action::WalkSkip
            | Action::WalkBack
            | Action::OpenPalette
            | Action::Redraw
            | Action::Expand
            | Action::Collapse
            | Action::SwitchPane
    )
}
