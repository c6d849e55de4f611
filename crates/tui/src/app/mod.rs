//! The application: the shared model, the state of every screen and dialog, and the routing. A key
//! becomes a named `Action` through the keymap; `dispatch` hands it to the screen or dialog it is
//! for (their `keys.rs`), which changes state or sends a `Command` to the workbench; committed
//! events update the cached model. Nothing here draws or touches the terminal (docs/ARCHITECTURE.md: data flows
//! one way).

use std::collections::HashMap;
use std::sync::Arc;

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::Size;

use crate::action::{Action, Context};
use crate::dialogs::Overlay;
use crate::dialogs::editor::Field;
use crate::i18n::{self, Msg, t};
use crate::key::Key;
use crate::keymap::{KeyBuffer, Keymap, Resolution};
use crate::model::Model;
use crate::reference::References;
use crate::screens::bench::BenchState;
use crate::screens::overview::OverviewState;
use crate::screens::queue::QueueState;
use crate::screens::ranking::RankingState;
use crate::screens::walk::WalkState;
use crate::theme::Theme;
use api::WorkbenchError;
use api::{ConnectionState, PresenceEntry, Workbench};
use domain::clock::Clock;
use domain::{CommandKind, ItemKey, Role};
use l10n::Lang;
use search::fuzzy::{Entry, SearchIndex, Searcher};

mod commands;
mod mouse;
mod navigate;
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
    pub(crate) walk_resume: HashMap<String, usize>,
    /// The detail pane has the focus (keys scroll it) instead of the tree.
    pub detail_focus: bool,
    /// How far the user moved the split between the tree and the detail pane (`[` and `]`):
    /// steps added to the detail pane's default size, kept for the session.
    pub split: i16,
    /// Items of the open units that have this user's unsaved draft, for the mark in the tree:
    /// read when a unit opens, kept up to date as drafts are written and deleted.
    pub drafts: std::collections::HashSet<domain::ItemKey>,
    pub overlays: Vec<Overlay>,
    pub flash: Option<Flash>,
    pub(crate) keys: KeyBuffer,
    pub size: Size,
    pub(crate) searcher: Searcher,
    /// Actions offered by the palette, in index order after units and criteria.
    pub(crate) palette_actions: Vec<Action>,
    quit: bool,
    /// Keys that arrived at once with no text field open, left out since the last key (the
    /// message counts them all when a paste comes in several pieces).
    ignored_keys: usize,
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
    /// The last command succeeded on an item assigned to someone else: the warning the next
    /// "saved" message carries ("Tiêu chí này được phân công cho …").
    pub(crate) assign_warning: Option<String>,
}

impl App {
    /// Whether this user's role allows a kind of command (the engine decides the same way).
    pub fn may(&self, kind: CommandKind) -> bool {
        self.role.is_some_and(|r| kind.allowed_for(r))
    }

    /// Whether the hint bar offers `action` here: an action that sends a command is offered
    /// only when this user's role allows the command and, for a decision on one item, the
    /// selected leaf's method and status allow it — the rules the engine applies
    /// (`CommandKind::allowed_for`, `CommandKind::applies_to`), asked, not repeated.
    pub fn offers(&self, action: Action) -> bool {
        let Some(kind) = action.command() else {
            return true;
        };
        if !self.may(kind) {
            return false;
        }
        if !kind.is_item_decision() || kind == CommandKind::BulkAgree {
            return true;
        }
        let Some((_, item, n)) = self.selected_item() else {
            // No leaf under the cursor (an area's row): nothing to decide on.
            return false;
        };
        let status = item.map_or(domain::Status::Pending, |i| i.status());
        kind.applies_to(self.model.fw().nodes[n].method, status)
    }

    pub fn new(wb: Arc<dyn Workbench>, opts: AppOptions) -> Result<App, StartError> {
        let year = match opts.year {
            Some(y) => y,
            None => *wb.years()?.iter().max().ok_or(StartError::NoYear)?,
        };
        let mut model = Model::load(wb.as_ref(), year)?;
        // The progress per appraiser counts an assigned area from its unit's items.
        model.load_area_assigned(wb.as_ref())?;
        let role = wb.role()?;
        let user = wb.user().to_string();
        let overview = OverviewState::new(&model);
        let mut ranking = RankingState::new(&model);
        let queue = QueueState::new(&model, domain::round::today_in_vietnam((opts.clock)()));
        let palette_actions: Vec<Action> = Action::all().filter(|a| a.in_palette()).collect();
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
        // Without last year's ranking the F9 screen still works: say so and go on.
        ranking.last = api::last_year::load(wb.as_ref(), &model.ctx).unwrap_or_else(|e| {
            flash.get_or_insert(Flash {
                text: format!(
                    "{}: {}",
                    t(opts.lang, Msg::LastYearFailed),
                    e.message(opts.lang)
                ),
                kind: FlashKind::Error,
            });
            None
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
            split: 0,
            drafts: std::collections::HashSet::new(),
            overlays: Vec::new(),
            flash,
            keys: KeyBuffer::default(),
            size: Size::new(80, 24),
            searcher: Searcher::new(index),
            palette_actions,
            quit: false,
            ignored_keys: 0,
            assign_warning: None,
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
            // The evidence request is multi-line: Enter is a new line, F2 sends (as the editor).
            Some(Overlay::Prompt(p)) if p.text.is_some() => Context::Editor,
            Some(Overlay::Prompt(_)) => Context::ScoreInput,
            Some(Overlay::Confirm(_)) | Some(Overlay::Conflict(_)) => Context::Confirm,
            // The card scrolls and closes like the history.
            Some(Overlay::History(_)) | Some(Overlay::Explain(_)) | Some(Overlay::Sipas(_)) => {
                Context::History
            }
            Some(Overlay::Assign(_)) => Context::ScoreInput,
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

    /// One terminal event. Key releases are ignored (docs/REQUIREMENTS.md, "Terminal": filter `KeyEventKind::Press`).
    pub fn handle_event(&mut self, ev: Event) {
        match ev {
            Event::Key(k) if k.kind != KeyEventKind::Release => self.handle_key(k),
            Event::Paste(s) => self.handle_paste(&s),
            Event::Mouse(m) => self.handle_mouse(m),
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
        self.ignored_keys = 0;
        // Ctrl-C always leaves, whatever the keymap says (drafts are saved first).
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            self.keys.clear();
            self.request_quit();
            return;
        }
        let ctx = self.context();
        // Typing a unit's name in the overview jumps to it before the keymap sees the key.
        if ctx == Context::Overview && self.overview_type_ahead(key) {
            return;
        }
        match self.keys.feed(&self.keymap, ctx, Key::from(key)) {
            Resolution::Action(a) => self.dispatch(a),
            Resolution::Pending => {}
            Resolution::Unbound => match esc_then(&key) {
                // Terminals send Alt-x as ESC x, and Esc then x arriving together reads the same
                // (docs/KEYS.md): an Alt key nothing is bound to is Esc, then the key.
                Some(plain) => {
                    self.handle_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
                    self.handle_key(plain);
                }
                None => self.unbound_key(ctx, key),
            },
        }
        self.scroll_into_view();
    }

    /// Keys typed so far of an unfinished sequence, for the hint bar.
    pub fn pending_keys(&self) -> String {
        self.keys.pending_display()
    }

    /// A key the keymap does not bind: text for the input of the top dialog, if any.
    fn unbound_key(&mut self, ctx: Context, key: KeyEvent) {
        match self.overlays.last_mut() {
            Some(Overlay::Palette(_)) => self.palette_text_key(key),
            Some(Overlay::Editor(ed)) => ed.text_key(key),
            Some(Overlay::Prompt(p)) => p.text_key(key),
            Some(Overlay::Form(f)) => f.input(key),
            Some(Overlay::Assign(s)) => s.input(key),
            Some(Overlay::Help { .. }) => self.help_text_key(key),
            _ if ctx == Context::Workbench => self.bench_unbound_key(key),
            _ => {}
        }
    }

    /// Text that arrived at once: a bracketed paste, or a burst of typed keys (`input`). It goes
    /// into the open text field; with none open it runs nothing, and the screen says how many
    /// keys were left out (SPEC W14).
    fn handle_paste(&mut self, s: &str) {
        self.keys.clear();
        let taken = match self.overlays.last_mut() {
            Some(Overlay::Editor(ed)) => {
                ed.paste(s);
                true
            }
            Some(Overlay::Prompt(p)) => {
                p.paste(s);
                true
            }
            Some(Overlay::Form(f)) => f.paste(s),
            Some(Overlay::Palette(_)) => {
                self.palette_paste(s);
                true
            }
            Some(Overlay::Help { .. }) => {
                self.help_filter_paste(s);
                true
            }
            Some(_) => false,
            None => self.screen == Screen::Overview && self.overview_paste(s),
        };
        if taken {
            self.flash = None;
            self.ignored_keys = 0;
        } else {
            self.ignored_keys += s.chars().count();
            let text = i18n::ignored_keys(self.lang, self.ignored_keys);
            self.error(text);
        }
        self.scroll_into_view();
    }

    // ----- actions -----------------------------------------------------------------------

    /// Carry out an action: decide which screen or dialog it is for, and hand it over. Actions
    /// chosen in the palette arrive here too, in the context under the palette.
    pub fn dispatch(&mut self, action: Action) {
        let ctx = self.context();
        match action {
            // The app itself.
            Action::Quit => self.request_quit(),
            Action::Help => self.toggle_help(),
            Action::OpenPalette => self.open_palette(),
            Action::Back | Action::Cancel => self.back(),
            Action::Redraw => self.repaint = true,
            Action::Overview => {
                if self.overlays.is_empty() {
                    self.leave_walk();
                    self.screen = Screen::Overview;
                }
            }
            Action::Ranking => self.open_ranking(),
            Action::Sipas => self.open_sipas(),
            Action::Queue => {
                if self.overlays.is_empty() {
                    self.open_queue();
                }
            }
            // Moving and opening: the list or text the keys are in.
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
            // The open unit's workbench (its areas compared included).
            Action::AreaBars | Action::WhatIf if ctx == Context::Ranking => {
                self.ranking_action(action)
            }
            Action::WhatIf => {}
            Action::Expand
            | Action::Collapse
            | Action::SwitchPane
            | Action::DetailGrow
            | Action::DetailShrink
            | Action::NextUnit
            | Action::PrevUnit
            | Action::ToggleDiffs
            | Action::NextDiff
            | Action::PrevDiff
            | Action::AreaBars
            | Action::Walk
            | Action::BulkAgreeArea => self.bench_action(action),
            Action::WalkSkip | Action::WalkBack => self.walk_action(action),
            // The selected item or unit, on whichever screen shows one.
            Action::History => self.open_history(),
            Action::Explain => self.open_explain(),
            Action::SetScore => self.open_editor(Field::Score),
            Action::EditJustification => self.open_editor(Field::Text),
            Action::Agree => self.agree(),
            Action::RequestEvidence => self.open_request(),
            Action::RecordDispute => self.open_dispute_form(false),
            Action::ResolveDispute => self.open_dispute_form(true),
            Action::Escalate => self.open_council_form(false),
            Action::CouncilDecide => self.open_council_form(true),
            Action::Undo => self.undo(),
            Action::Redo => self.redo(),
            Action::FinalizeUnit => self.ask_finalize(),
            Action::ReopenUnit => self.open_reopen(),
            Action::AssignUnit => self.open_assign(),
            // Sorting and filtering: the ranking, the queue, else the overview.
            Action::SortNext
            | Action::SortReverse
            | Action::FilterRegion
            | Action::ClearFilters
                if ctx == Context::Ranking =>
            {
                self.ranking_action(action)
            }
            Action::SortNext
            | Action::SortReverse
            | Action::FilterRegion
            | Action::FilterStatus
            | Action::FilterArea
            | Action::FilterAppraiser
            | Action::FilterMine
            | Action::ClearFilters
                if ctx == Context::Queue =>
            {
                self.queue_action(action)
            }
            Action::FilterArea | Action::FilterAppraiser => {}
            Action::JumpToUnit => self.overview.start_jump(),
            Action::SortNext
            | Action::SortReverse
            | Action::FilterRegion
            | Action::FilterStatus
            | Action::FilterMine
            | Action::ClearFilters => self.overview_action(action),
            // The top dialog.
            Action::Save => match self.overlays.last() {
                Some(Overlay::Editor(_)) => self.save_editor(),
                Some(Overlay::Prompt(_)) => self.send_prompt(),
                Some(Overlay::Form(_)) => self.submit_form(),
                Some(Overlay::Assign(_)) => self.submit_assign(),
                _ => {}
            },
            Action::Confirm => match self.overlays.last() {
                Some(Overlay::Confirm(_)) => self.confirm(),
                Some(Overlay::Conflict(_)) => self.reapply_mine(),
                _ => {}
            },
            Action::KeepTheirs => self.keep_theirs(),
        }
    }

    pub(crate) fn info(&mut self, m: Msg) {
        self.flash = Some(Flash {
            text: self.tr(m).to_string(),
            kind: FlashKind::Info,
        });
    }

    pub(crate) fn error(&mut self, text: String) {
        self.flash = Some(Flash {
            text,
            kind: FlashKind::Error,
        });
    }

    pub(crate) fn ok(&mut self, text: String) {
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
            Screen::Bench => self.bench_back(),
            Screen::Ranking => self.ranking_back(),
            Screen::Overview => self.overview.clear_type_ahead(),
            Screen::Queue => self.screen = Screen::Overview,
        }
    }
}

/// Alt and a character (what a terminal sends for Alt-x, and for Esc then x arriving together):
/// the character without Alt, to be read after an Esc.
fn esc_then(key: &KeyEvent) -> Option<KeyEvent> {
    let alt_char = matches!(key.code, KeyCode::Char(_))
        && key.modifiers.contains(KeyModifiers::ALT)
        && !key.modifiers.contains(KeyModifiers::CONTROL);
    alt_char.then(|| KeyEvent::new(key.code, key.modifiers - KeyModifiers::ALT))
}

/// No Ctrl or Alt (Shift is part of the character).
pub(crate) fn is_plain(key: &KeyEvent) -> bool {
    !key.modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}
