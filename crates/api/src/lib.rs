//! The `Workbench` trait: everything the TUI and the CLI ask of a store. The local
//! implementation runs the engine in-process; the remote one (`net::client`) talks to a
//! server over a socket. Both run the same engine code.

mod error;
pub mod last_year;
pub mod story;

use domain::official::Official;
use std::sync::Arc;

use crossbeam_channel::Receiver;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use domain::{BackupSummary, Draft, Seal, VerifyReport, YearContext};
use domain::{Command, Event, Item, ItemKey, Member, NewEvent, Role, Round, UnitState, UnitTotals};
use domain::{ImportHead, ImportKind, ImportRows};

pub use error::{NotOpenReason, ScoreProblem, TextOf, WorkbenchError};

/// What a client hears about without asking.
#[derive(Clone, Debug)]
pub enum Notice {
    /// Events committed by anyone (including this client), in order.
    Committed(Vec<Event>),
    /// Everyone connected to the store's server now, with the unit and item each is on
    /// (SPEC W11). Sent whenever someone connects, leaves or moves. Includes this session (see
    /// `Workbench::session`).
    Presence(Vec<PresenceEntry>),
    /// The link to the server changed (remote workbenches only). On reconnection the events
    /// committed meanwhile are delivered as `Committed` (around the time of `Connected`), so a
    /// client's cache never misses one.
    Connection(ConnectionState),
    /// This client missed more changes than it can be sent one by one (it was disconnected
    /// during a very large import): reload everything shown from the workbench.
    Resync,
}

/// One connected session, as shown to everyone (SPEC W11).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresenceEntry {
    /// Server-assigned session number (one per connection; a user may have several).
    pub session: u64,
    /// OS user name (from the socket's peer credentials).
    pub user: String,
    /// The unit the session is looking at: (year, unit code).
    pub unit: Option<(u16, String)>,
    /// The item the session is editing, if any.
    pub editing: Option<ItemKey>,
}

/// The state of a remote workbench's connection, for the status bar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConnectionState {
    Connected,
    /// The server went away; reconnecting (restarting it if needed).
    Reconnecting,
    /// Reconnecting failed, for the reason given in both languages. The next request tries
    /// again.
    Disconnected {
        vi: String,
        en: String,
    },
}

impl ConnectionState {
    /// A short text for the status bar.
    pub fn message(&self, lang: l10n::Lang) -> String {
        use l10n::Lang;
        match (self, lang) {
            (ConnectionState::Connected, Lang::Vi) => "đã kết nối".into(),
            (ConnectionState::Connected, Lang::En) => "connected".into(),
            (ConnectionState::Reconnecting, Lang::Vi) => "đang kết nối lại…".into(),
            (ConnectionState::Reconnecting, Lang::En) => "reconnecting…".into(),
            (ConnectionState::Disconnected { vi, .. }, Lang::Vi) => format!("mất kết nối: {vi}"),
            (ConnectionState::Disconnected { en, .. }, Lang::En) => format!("disconnected: {en}"),
        }
    }
}

/// Which part of the history to list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryQuery {
    pub year: Option<u16>,
    pub unit: Option<String>,
    /// A criterion code: with `unit`, one item; without, that criterion in every unit.
    pub item: Option<String>,
    pub user: Option<String>,
    pub since: Option<Timestamp>,
}

/// Events of one commit beyond which they are not kept, sent or broadcast one by one (a large
/// import): the workbenches are told to reload instead (`Notice::Resync`).
pub const KEEP_EVENTS: usize = 5_000;

/// What feeds an import sent in pieces ([`Workbench::import`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Feed {
    /// The next rows.
    Rows(ImportRows),
    /// Every row was given: commit (or plan) them.
    End,
    /// Give up (the file turned out to have problems): nothing is written.
    Abandon,
}

/// Take every piece of a feed into one import command; `None` if it abandoned.
pub fn gather(head: &ImportHead, feed: &mut dyn FnMut() -> Feed) -> Option<Command> {
    let mut all = match head.kind {
        ImportKind::SelfScores => ImportRows::SelfScores(Vec::new()),
        ImportKind::Survey => ImportRows::Survey(Vec::new()),
    };
    loop {
        match (feed(), &mut all) {
            (Feed::Rows(ImportRows::SelfScores(r)), ImportRows::SelfScores(all)) => all.extend(r),
            (Feed::Rows(ImportRows::Survey(r)), ImportRows::Survey(all)) => all.extend(r),
            // Rows of the other kind: refused by the engine as the command they make.
            (Feed::Rows(other), _) => return Some(Command::import(head.year, other)),
            (Feed::End, _) => return Some(Command::import(head.year, all)),
            (Feed::Abandon, _) => return None,
        }
    }
}

pub trait Workbench: Send + Sync {
    /// The OS user this workbench acts as.
    fn user(&self) -> &str;
    fn role(&self) -> Result<Option<Role>, WorkbenchError>;
    fn members(&self) -> Result<Vec<Member>, WorkbenchError>;
    fn years(&self) -> Result<Vec<u16>, WorkbenchError>;
    fn year(&self, year: u16) -> Result<Arc<YearContext>, WorkbenchError>;
    /// Items of a year, or of one unit of it, in key order.
    fn items(&self, year: u16, unit: Option<&str>) -> Result<Vec<Item>, WorkbenchError>;
    fn item(&self, key: &ItemKey) -> Result<Option<Item>, WorkbenchError>;
    /// Every item of a year without its texts ([`Item::without_text`]): what a list of all
    /// units shows (totals, statuses, ranks). A remote workbench is sent only that.
    fn item_summaries(&self, year: u16) -> Result<Vec<Item>, WorkbenchError> {
        Ok(self
            .items(year, None)?
            .iter()
            .map(Item::without_text)
            .collect())
    }
    /// The totals and counts of the units of a year that have items ([`UnitTotals`]; units
    /// in code order), or of the units named (with no items: zero): what the overview, the
    /// ranking and the national summary show of units not opened. A workbench starts with
    /// these, not with every item (SPEC P1).
    fn unit_totals(
        &self,
        year: u16,
        units: Option<&[String]>,
    ) -> Result<Vec<UnitTotals>, WorkbenchError> {
        let fw = &self.year(year)?.framework;
        let items = self.item_summaries(year)?;
        let mut by_unit: std::collections::BTreeMap<&str, Vec<&Item>> = Default::default();
        for i in &items {
            by_unit.entry(i.key.unit.as_str()).or_default().push(i);
        }
        Ok(match units {
            None => by_unit
                .iter()
                .map(|(u, items)| UnitTotals::compute(fw, u, items))
                .collect(),
            Some(names) => names
                .iter()
                .map(|u| {
                    let none = Vec::new();
                    UnitTotals::compute(fw, u, by_unit.get(u.as_str()).unwrap_or(&none))
                })
                .collect(),
        })
    }
    fn unit_states(&self, year: u16) -> Result<Vec<(String, UnitState)>, WorkbenchError>;
    /// The explanation rounds of a year, by number.
    fn rounds(&self, year: u16) -> Result<Vec<Round>, WorkbenchError>;
    /// A year's official result (approved, published, reopened); `None` while never approved.
    fn official(&self, year: u16) -> Result<Option<Official>, WorkbenchError>;
    /// The assignments of a year and whether the year enforces them.
    fn assignments(&self, year: u16) -> Result<domain::Assignments, WorkbenchError>;
    /// The warning an edit of `key` by `user()` deserves: the item is assigned to someone else
    /// (`None` for a lead, the assignee, an item nobody is assigned, or what cannot be read).
    fn assignment_warning(&self, key: &ItemKey, lang: l10n::Lang) -> Option<String> {
        let a = self.assignments(key.year).ok()?;
        if a.list.is_empty() {
            return None;
        }
        let y = self.year(key.year).ok()?;
        let area = y.framework.area_of(&key.leaf)?;
        let role = self.role().ok()?;
        a.other_assignee(self.user(), role, &key.unit, &area.code)
            .map(|x| domain::assignment::assigned_to_message(x, lang))
    }
    /// The published results of a year (`import results`), if the store has them.
    fn published(&self, year: u16) -> Result<Option<domain::Published>, WorkbenchError>;
    /// The years that have published results, in order.
    fn published_years(&self) -> Result<Vec<u16>, WorkbenchError>;
    /// The imports of survey responses of a year (issue 16), in import order, without the
    /// respondents' hashes (only the engine compares them).
    fn responses(&self, year: u16) -> Result<Vec<domain::ResponseBatch>, WorkbenchError>;
    fn history(&self, query: &HistoryQuery) -> Result<Vec<Event>, WorkbenchError>;
    /// The events of [`Workbench::history`], given to `page` a part at a time, oldest first, as
    /// they are read: a whole trail (hundreds of thousands of events) is never held at once. An
    /// error `page` returns stops the reading and is returned.
    fn history_pages(
        &self,
        query: &HistoryQuery,
        page: &mut dyn FnMut(Vec<Event>) -> Result<(), WorkbenchError>,
    ) -> Result<(), WorkbenchError> {
        page(self.history(query)?)
    }
    /// Run a command as `user()`; the events are durable when this returns `Ok`.
    fn apply(&self, command: Command) -> Result<Vec<Event>, WorkbenchError>;

    /// Run a command as `apply` does and say only how many events it committed (a remote
    /// workbench is not sent the events: an import may commit hundreds of thousands).
    fn apply_count(&self, command: Command) -> Result<usize, WorkbenchError> {
        self.apply(command).map(|e| e.len())
    }
    /// A dry run of `apply`: the events the command would write now, by the same rules, without
    /// writing anything.
    fn plan(&self, command: Command) -> Result<Vec<NewEvent>, WorkbenchError>;

    /// An import (`ImportSelf` / `ImportSurvey` of `head`) whose rows come from `feed` piece by
    /// piece, as one command: every row goes through the engine's rules, and all its events are
    /// committed at once when the feed ends — or none, when a row is refused or the feed
    /// abandons. Returns how many events were committed, `None` if the feed abandoned. The
    /// rows are not all held at once: a remote workbench sends them as they come, and the
    /// server writes them as they arrive (durable only at the end).
    fn import(
        &self,
        head: ImportHead,
        feed: &mut dyn FnMut() -> Feed,
    ) -> Result<Option<usize>, WorkbenchError> {
        match gather(&head, feed) {
            Some(cmd) => self.apply_count(cmd).map(Some),
            None => Ok(None),
        }
    }

    /// A dry run of [`Workbench::import`]: the events it would write now (exactly what
    /// [`Workbench::plan`] of the whole command gives); `None` if the feed abandoned.
    fn plan_import(
        &self,
        head: ImportHead,
        feed: &mut dyn FnMut() -> Feed,
    ) -> Result<Option<Vec<NewEvent>>, WorkbenchError> {
        match gather(&head, feed) {
            Some(cmd) => self.plan(cmd).map(Some),
            None => Ok(None),
        }
    }
    /// Committed events from now on.
    fn subscribe(&self) -> Receiver<Notice>;
    fn draft(&self, key: &ItemKey) -> Result<Option<Draft>, WorkbenchError>;
    /// Keep this user's draft for an item. Refused like the adjustment it is for (a non-member,
    /// an auditor, an unknown or survey item), a text over `domain::limits` and a new draft
    /// beyond `domain::limits::DRAFTS_PER_USER`.
    fn put_draft(&self, key: &ItemKey, draft: &Draft) -> Result<(), WorkbenchError>;
    fn delete_draft(&self, key: &ItemKey) -> Result<(), WorkbenchError>;

    /// The store's seal now: seq and hash of the last event (printed on reports so minutes can
    /// record it).
    fn seal(&self) -> Result<Seal, WorkbenchError>;

    /// Seq of the last committed event (0 for an empty store).
    fn last_seq(&self) -> Result<u64, WorkbenchError> {
        Ok(self
            .history(&HistoryQuery::default())?
            .last()
            .map_or(0, |e| e.body.seq))
    }

    /// Tell the others which unit this session is on and which item it is editing (SPEC W11).
    /// Workbenches without other sessions keep nothing.
    fn set_presence(
        &self,
        _unit: Option<(u16, String)>,
        _editing: Option<ItemKey>,
    ) -> Result<(), WorkbenchError> {
        Ok(())
    }

    /// The sessions connected now (the last `Notice::Presence`); empty without a server.
    fn presence(&self) -> Vec<PresenceEntry> {
        Vec::new()
    }

    /// This session's number in `PresenceEntry::session`, if it has one.
    fn session(&self) -> Option<u64> {
        None
    }

    /// The state of the link to the server; always `Connected` in-process.
    fn connection(&self) -> ConnectionState {
        ConnectionState::Connected
    }

    /// Check the hash chain and that replaying the events gives the stored state.
    fn verify(&self) -> Result<VerifyReport, WorkbenchError> {
        Err(WorkbenchError::Store {
            vi: "bàn làm việc này không kiểm tra được kho dữ liệu".into(),
            en: "this workbench cannot verify the store".into(),
        })
    }

    /// Write the journal as a backup (JSON lines and a trailer, see `Store::backup`); returns
    /// how many events it holds and their seal.
    fn backup(&self, _out: &mut dyn std::io::Write) -> Result<BackupSummary, WorkbenchError> {
        Err(WorkbenchError::Store {
            vi: "bàn làm việc này không sao lưu được kho dữ liệu".into(),
            en: "this workbench cannot back up the store".into(),
        })
    }
}
