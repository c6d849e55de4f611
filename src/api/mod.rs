//! The `Workbench` trait: everything the TUI and the CLI ask of a store. The local
//! implementation runs the engine in-process; the remote one (the server issue) talks to a
//! server over a socket. Both run the same engine code.

mod local;

use std::sync::Arc;

use crossbeam_channel::Receiver;
use jiff::Timestamp;

use crate::domain::{Command, Event, Item, ItemKey, Member, Role, UnitState};
use crate::engine::{EngineError, YearContext};
use crate::store::Draft;

pub use local::LocalWorkbench;

/// What a client hears about without asking.
#[derive(Clone, Debug)]
pub enum Notice {
    /// Events committed by anyone (including this client), in order.
    Committed(Vec<Event>),
}

/// Which part of the history to list.
#[derive(Clone, Debug, Default)]
pub struct HistoryQuery {
    pub year: Option<u16>,
    pub unit: Option<String>,
    /// A criterion code: with `unit`, one item; without, that criterion in every unit.
    pub item: Option<String>,
    pub user: Option<String>,
    pub since: Option<Timestamp>,
}

pub trait Workbench: Send + Sync {
    /// The OS user this workbench acts as.
    fn user(&self) -> &str;
    fn role(&self) -> Result<Option<Role>, EngineError>;
    fn members(&self) -> Result<Vec<Member>, EngineError>;
    fn years(&self) -> Result<Vec<u16>, EngineError>;
    fn year(&self, year: u16) -> Result<Arc<YearContext>, EngineError>;
    /// Items of a year, or of one unit of it, in key order.
    fn items(&self, year: u16, unit: Option<&str>) -> Result<Vec<Item>, EngineError>;
    fn item(&self, key: &ItemKey) -> Result<Option<Item>, EngineError>;
    fn unit_states(&self, year: u16) -> Result<Vec<(String, UnitState)>, EngineError>;
    fn history(&self, query: &HistoryQuery) -> Result<Vec<Event>, EngineError>;
    /// Run a command as `user()`; the events are durable when this returns `Ok`.
    fn apply(&self, command: Command) -> Result<Vec<Event>, EngineError>;
    /// Committed events from now on.
    fn subscribe(&self) -> Receiver<Notice>;
    fn draft(&self, key: &ItemKey) -> Result<Option<Draft>, EngineError>;
    fn put_draft(&self, key: &ItemKey, draft: &Draft) -> Result<(), EngineError>;
    fn delete_draft(&self, key: &ItemKey) -> Result<(), EngineError>;
}
