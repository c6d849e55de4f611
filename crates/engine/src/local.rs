//! In-process `Workbench` over the engine: used by tests and, until the server exists, by the
//! CLI and the TUI.

use crate::OrStore;
use domain::official::Official;
use std::sync::{Arc, Mutex};

use crossbeam_channel::{Receiver, Sender, unbounded};

use api::{Feed, HistoryQuery, Notice, Workbench, WorkbenchError};
use domain::{Command, Committed, Event, Item, ItemKey, Member, NewEvent, Role, Round, UnitState};
use domain::{Draft, ImportHead, UnitTotals, VerifyReport, YearContext};
use store::Store;

use crate::Engine;

pub struct LocalWorkbench {
    engine: Arc<Engine>,
    user: String,
    subscribers: Arc<Mutex<Vec<Sender<Notice>>>>,
}

impl LocalWorkbench {
    pub fn new(store: Store, user: impl Into<String>) -> LocalWorkbench {
        LocalWorkbench {
            engine: Arc::new(Engine::new(store)),
            user: user.into(),
            subscribers: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// A workbench over an engine built by the caller (a fixed clock, in tests).
    pub fn with_engine(engine: Engine, user: impl Into<String>) -> LocalWorkbench {
        LocalWorkbench {
            engine: Arc::new(engine),
            user: user.into(),
            subscribers: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// Another session on the same engine as a different user (tests of several appraisers).
    pub fn session(&self, user: impl Into<String>) -> LocalWorkbench {
        LocalWorkbench {
            engine: self.engine.clone(),
            user: user.into(),
            subscribers: self.subscribers.clone(),
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Run a command, keeping its events only if there are few (`api::KEEP_EVENTS`); the
    /// subscribers hear the events, or `Notice::Resync` after a large commit.
    pub fn apply_summarized(&self, command: Command) -> Result<Committed, WorkbenchError> {
        let c = self
            .engine
            .apply_keeping(&self.user, command, api::KEEP_EVENTS)?;
        self.announce(&c);
        Ok(c)
    }

    /// An import streamed from `feed` (see [`Engine::import`]), announced like
    /// [`LocalWorkbench::apply_summarized`]; `None` if the feed abandoned.
    pub fn import_summarized(
        &self,
        head: ImportHead,
        feed: &mut dyn FnMut() -> Result<Feed, WorkbenchError>,
    ) -> Result<Option<Committed>, WorkbenchError> {
        let c = self
            .engine
            .import(&self.user, head, feed, api::KEEP_EVENTS)?;
        if let Some(c) = &c {
            self.announce(c);
        }
        Ok(c)
    }

    /// Tell the subscribers about a commit: its events, or `Notice::Resync` after a large one.
    fn announce(&self, c: &Committed) {
        match &c.events {
            Some(events) => self.broadcast(events),
            None if c.count > 0 => {
                if let Ok(mut subs) = self.subscribers.lock() {
                    subs.retain(|s| s.send(Notice::Resync).is_ok());
                }
            }
            None => {}
        }
    }

    fn broadcast(&self, events: &[Event]) {
        if events.is_empty() {
            return;
        }
        if let Ok(mut subs) = self.subscribers.lock() {
            subs.retain(|s| s.send(Notice::Committed(events.to_vec())).is_ok());
        }
    }
}

/// Events read from the store at a time for a history (`Workbench::history_pages`).
const HISTORY_PAGE: usize = 256;

fn matches_query(ev: &Event, q: &HistoryQuery) -> bool {
    if let Some(since) = q.since
        && ev.body.at < since
    {
        return false;
    }
    if let Some(user) = &q.user
        && &ev.body.actor != user
    {
        return false;
    }
    let unit = ev.body.change.unit();
    // A year's events: its items' and units', and the year's own (its opening, its rounds,
    // its official result, its assignments, its published results).
    if let Some(year) = q.year
        && ev.body.change.year() != Some(year)
    {
        return false;
    }
    if let Some(u) = &q.unit
        && unit.is_none_or(|(_, un)| un != u)
    {
        return false;
    }
    if let Some(code) = &q.item
        && ev.body.change.item_key().is_none_or(|k| &k.leaf != code)
    {
        return false;
    }
    true
}

impl Workbench for LocalWorkbench {
    fn user(&self) -> &str {
        &self.user
    }

    fn role(&self) -> Result<Option<Role>, WorkbenchError> {
        self.engine.role_of(&self.user)
    }

    fn members(&self) -> Result<Vec<Member>, WorkbenchError> {
        self.engine.store().members().or_store()
    }

    fn years(&self) -> Result<Vec<u16>, WorkbenchError> {
        self.engine.store().years().or_store()
    }

    fn year(&self, year: u16) -> Result<Arc<YearContext>, WorkbenchError> {
        self.engine.year(year)
    }

    fn items(&self, year: u16, unit: Option<&str>) -> Result<Vec<Item>, WorkbenchError> {
        self.engine.store().items(year, unit).or_store()
    }

    fn item(&self, key: &ItemKey) -> Result<Option<Item>, WorkbenchError> {
        self.engine.store().item(key).or_store()
    }

    fn item_summaries(&self, year: u16) -> Result<Vec<Item>, WorkbenchError> {
        self.engine.store().item_summaries(year).or_store()
    }

    fn unit_totals(
        &self,
        year: u16,
        units: Option<&[String]>,
    ) -> Result<Vec<UnitTotals>, WorkbenchError> {
        let ctx = self.engine.year(year)?;
        self.engine
            .store()
            .unit_totals(year, &ctx.framework, units)
            .or_store()
    }

    fn unit_states(&self, year: u16) -> Result<Vec<(String, UnitState)>, WorkbenchError> {
        self.engine.store().unit_states(year).or_store()
    }

    fn rounds(&self, year: u16) -> Result<Vec<Round>, WorkbenchError> {
        self.engine.store().rounds(year).or_store()
    }

    fn official(&self, year: u16) -> Result<Option<Official>, WorkbenchError> {
        self.engine.store().official(year).or_store()
    }
    fn assignments(&self, year: u16) -> Result<domain::Assignments, WorkbenchError> {
        self.engine.year(year)?;
        self.engine.store().assignments(year).or_store()
    }
    fn published(&self, year: u16) -> Result<Option<domain::Published>, WorkbenchError> {
        self.engine.store().published(year).or_store()
    }

    fn published_years(&self) -> Result<Vec<u16>, WorkbenchError> {
        self.engine.store().published_years().or_store()
    }

    fn responses(&self, year: u16) -> Result<Vec<domain::ResponseBatch>, WorkbenchError> {
        let mut out = self.engine.store().responses(year).or_store()?;
        for b in &mut out {
            b.respondents = Vec::new();
        }
        Ok(out)
    }

    fn history(&self, q: &HistoryQuery) -> Result<Vec<Event>, WorkbenchError> {
        let mut all = Vec::new();
        self.history_pages(q, &mut |page| {
            all.extend(page);
            Ok(())
        })?;
        Ok(all)
    }

    fn history_pages(
        &self,
        q: &HistoryQuery,
        each: &mut dyn FnMut(Vec<Event>) -> Result<(), WorkbenchError>,
    ) -> Result<(), WorkbenchError> {
        let store = self.engine.store();
        let matching = |events: Vec<Event>| -> Vec<Event> {
            events.into_iter().filter(|e| matches_query(e, q)).collect()
        };
        // Use the narrowest index available, then filter. One item's or one unit's events are
        // few; a user's and the whole trail are read a page at a time (each page read afresh,
        // so nothing the store's reading caches outlives it).
        match (&q.unit, &q.item, &q.user, q.year) {
            (Some(unit), Some(leaf), _, Some(year)) => each(matching(
                store
                    .item_history(&ItemKey::new(year, unit.clone(), leaf.clone()))
                    .or_store()?,
            )),
            (Some(unit), None, _, Some(year)) => {
                each(matching(store.unit_history(year, unit).or_store()?))
            }
            (_, _, Some(user), _) => {
                for seqs in store.user_seqs(user).or_store()?.chunks(HISTORY_PAGE) {
                    let page = matching(store.events_with_seqs(seqs).or_store()?);
                    if !page.is_empty() {
                        each(page)?;
                    }
                }
                Ok(())
            }
            _ => {
                // The events up to the last one now: what is committed meanwhile is not listed.
                let head = store.last_seq();
                let mut next = 1;
                while next <= head {
                    let mut page = Vec::new();
                    let mut read = 0;
                    for ev in store.events(next).take(HISTORY_PAGE) {
                        let ev = ev.or_store()?;
                        if ev.body.seq > head {
                            break;
                        }
                        next = ev.body.seq + 1;
                        read += 1;
                        if matches_query(&ev, q) {
                            page.push(ev);
                        }
                    }
                    if read == 0 {
                        break;
                    }
                    if !page.is_empty() {
                        each(page)?;
                    }
                }
                Ok(())
            }
        }
    }

    fn apply(&self, command: Command) -> Result<Vec<Event>, WorkbenchError> {
        let events = self.engine.apply(&self.user, command)?;
        self.broadcast(&events);
        Ok(events)
    }

    fn apply_count(&self, command: Command) -> Result<usize, WorkbenchError> {
        self.apply_summarized(command).map(|c| c.count)
    }

    fn seal(&self) -> Result<domain::Seal, WorkbenchError> {
        Ok(self.engine.store().seal())
    }

    fn import(
        &self,
        head: ImportHead,
        feed: &mut dyn FnMut() -> Feed,
    ) -> Result<Option<usize>, WorkbenchError> {
        Ok(self
            .import_summarized(head, &mut || Ok(feed()))?
            .map(|c| c.count))
    }

    fn plan_import(
        &self,
        head: ImportHead,
        feed: &mut dyn FnMut() -> Feed,
    ) -> Result<Option<Vec<NewEvent>>, WorkbenchError> {
        let mut all = Vec::new();
        let planned =
            self.engine
                .plan_import(&self.user, head, &mut || Ok(feed()), &mut |events| {
                    all.extend(events);
                    Ok(())
                })?;
        Ok(planned.map(|()| all))
    }

    fn plan(&self, command: Command) -> Result<Vec<NewEvent>, WorkbenchError> {
        self.engine.plan(&self.user, command)
    }

    fn subscribe(&self) -> Receiver<Notice> {
        let (tx, rx) = unbounded();
        if let Ok(mut subs) = self.subscribers.lock() {
            subs.push(tx);
        }
        rx
    }

    fn draft(&self, key: &ItemKey) -> Result<Option<Draft>, WorkbenchError> {
        self.engine.store().draft(&self.user, key).or_store()
    }

    /// Checked by the engine: see [`Engine::put_draft`].
    fn put_draft(&self, key: &ItemKey, draft: &Draft) -> Result<(), WorkbenchError> {
        self.engine.put_draft(&self.user, key, draft)
    }

    fn delete_draft(&self, key: &ItemKey) -> Result<(), WorkbenchError> {
        self.engine.store().delete_draft(&self.user, key).or_store()
    }

    fn last_seq(&self) -> Result<u64, WorkbenchError> {
        Ok(self.engine.store().last_seq())
    }

    fn verify(&self) -> Result<VerifyReport, WorkbenchError> {
        self.engine.store().verify().or_store()
    }

    fn backup(
        &self,
        out: &mut dyn std::io::Write,
    ) -> Result<domain::BackupSummary, WorkbenchError> {
        self.engine.store().backup(out).or_store()
    }
}
