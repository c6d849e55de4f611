//! The server's sessions and what they are all told: committed events, in commit order, and
//! who is connected where (presence, SPEC W11).
//!
//! Each session has a writer thread fed by an [`Outbox`], a queue bounded in bytes. A notice is
//! encoded once and queued to every session; a session whose queue is full (a client that stopped
//! reading) is disconnected rather than allowed to hold everyone up or to grow the server's
//! memory. It reconnects and catches up: the events it missed are read from the store a page at
//! a time as it reads them (`catch_up_step`), never all at once.

pub(crate) mod outbox;

use std::collections::BTreeMap;
use std::os::unix::net::UnixStream;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex, MutexGuard};

use tracing::warn;

use crate::protocol::frame;
use crate::protocol::list::{self, ListKind};
use crate::protocol::{CHUNK, MAX_CATCH_UP, PART_BYTES, SERVER_FRAME_MAX, ServerMsg, WireNotice};
use api::PresenceEntry;
use domain::{Event, ItemKey};
use store::Store;

pub(crate) use outbox::{Frame, FrameBuf, Outbox, Refused};

pub(crate) struct Hub {
    inner: Mutex<Inner>,
    /// Bytes queued by all the sessions' outboxes.
    queued: Arc<AtomicUsize>,
    /// Held while a request over `protocol::READER_REQUEST_MAX` is read and answered: one at a
    /// time, so large requests in flight hold the memory of one.
    large: Mutex<()>,
}

struct Inner {
    next_session: u64,
    sessions: BTreeMap<u64, Slot>,
    /// Seq of the last event broadcast: later events are sent in seq order exactly once.
    last_sent: u64,
    /// Seq of the last `Resync` broadcast (a commit too large to send event by event).
    last_resync: u64,
    /// Set when the server stops: no new sessions.
    closed: bool,
}

struct Slot {
    user: String,
    /// Committed events are queued to this session as they are broadcast. False for a session
    /// that did not ask for them, and for one still catching up (it reads them from the store).
    live: bool,
    /// It is being sent the events it missed (see `catch_up_step`).
    catching_up: bool,
    out: Arc<Outbox>,
    socket: UnixStream,
    unit: Option<(u16, String)>,
    editing: Option<ItemKey>,
}

/// What a connecting client asked for in its hello.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Wants {
    /// The last event seq it has seen, when reconnecting.
    pub since: Option<u64>,
    /// Committed events as notices from the start.
    pub notices: bool,
}

/// Why a session could not be registered.
#[derive(Debug)]
pub(crate) enum RegisterError {
    Closed,
}

/// A registered session.
#[derive(Debug)]
pub(crate) struct Registered {
    pub session: u64,
    /// It must first be sent the events from this seq on (see `Hub::catch_up_step`).
    pub catch_up_from: Option<u64>,
}

/// The next step of a catch-up.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum CatchUp {
    /// Send the events up to this seq (read from the store), then ask again.
    Send { upto: u64 },
    /// Nothing more to send: the session now gets every event as it is broadcast.
    Done,
    /// The session was disconnected.
    Gone,
}

fn notice(n: WireNotice) -> Option<Frame> {
    match frame::encode_up_to(&ServerMsg::Notice(n), SERVER_FRAME_MAX) {
        Ok(bytes) => Some(Arc::new(FrameBuf::from(bytes))),
        Err(e) => {
            warn!("cannot encode a notice: {e}");
            None
        }
    }
}

/// More events than this committed at once are announced as a `Resync`, not sent.
const MAX_NOTICE_EVENTS: u64 = api::KEEP_EVENTS as u64;

/// Committed events as notice frames of about `PART_BYTES` (at most `CHUNK` events).
pub(crate) fn committed_frames<'a>(events: impl Iterator<Item = &'a Event>) -> Vec<Frame> {
    let mut it = events.peekable();
    let mut out = Vec::new();
    while it.peek().is_some() {
        match list::next_frame(
            ListKind::Committed,
            0,
            &mut it,
            PART_BYTES,
            CHUNK,
            SERVER_FRAME_MAX,
        ) {
            Ok(f) => out.push(Arc::new(FrameBuf::from(f))),
            Err(e) => warn!("cannot encode committed events: {e}"),
        }
    }
    out
}

impl Hub {
    pub(crate) fn new(last_seq: u64) -> Hub {
        Hub {
            inner: Mutex::new(Inner {
                next_session: 1,
                sessions: BTreeMap::new(),
                last_sent: last_seq,
                last_resync: 0,
                closed: false,
            }),
            queued: Arc::new(AtomicUsize::new(0)),
            large: Mutex::new(()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A new outgoing queue for a session of this server.
    pub(crate) fn outbox(&self) -> Arc<Outbox> {
        Arc::new(Outbox::new(self.queued.clone()))
    }

    /// Wait for the right to read and answer a large request (one at a time).
    pub(crate) fn large_request(&self) -> MutexGuard<'_, ()> {
        self.large.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Add a session. `welcome(session, last_seq, catch_up)` builds its first frame. If the
    /// client has seen events up to `since` and wants notices, the events after it must be sent
    /// first (`catch_up_from`; unless more than `MAX_CATCH_UP` were missed: then `catch_up` is
    /// false and the client reloads), so nothing is missed and nothing is sent twice. Everyone
    /// then gets the new presence list.
    pub(crate) fn register(
        &self,
        user: &str,
        out: Arc<Outbox>,
        socket: UnixStream,
        wants: Wants,
        welcome: impl FnOnce(u64, u64, bool) -> Option<Frame>,
    ) -> Result<Registered, RegisterError> {
        let Wants { since, notices } = wants;
        let mut inner = self.lock();
        if inner.closed {
            return Err(RegisterError::Closed);
        }
        let session = inner.next_session;
        inner.next_session += 1;
        let last_sent = inner.last_sent;
        let catch_up = since.is_none_or(|s| last_sent.saturating_sub(s) <= MAX_CATCH_UP);
        if let Some(f) = welcome(session, last_sent, catch_up) {
            // The queue is empty: the first frame always fits.
            let _ = out.offer(f);
        }
        let catch_up_from = since
            .filter(|s| *s < last_sent && catch_up && notices)
            .map(|s| s + 1);
        inner.sessions.insert(
            session,
            Slot {
                user: user.to_string(),
                live: notices && catch_up_from.is_none(),
                catching_up: catch_up_from.is_some(),
                out,
                socket,
                unit: None,
                editing: None,
            },
        );
        Self::broadcast_presence(&mut inner);
        Ok(Registered {
            session,
            catch_up_from,
        })
    }

    /// The next step of a session's catch-up, which has sent every event before `next`. When
    /// everything broadcast so far was sent, the session goes live (under the hub's lock, so
    /// no broadcast falls in between). When a commit too large to send event by event was
    /// announced meanwhile, or too many events are missing, the session is sent a `Resync` and
    /// goes live.
    pub(crate) fn catch_up_step(&self, session: u64, next: u64) -> CatchUp {
        let mut inner = self.lock();
        let (last_sent, last_resync) = (inner.last_sent, inner.last_resync);
        let Some(slot) = inner.sessions.get_mut(&session) else {
            return CatchUp::Gone;
        };
        if next > last_sent {
            slot.live = true;
            slot.catching_up = false;
            return CatchUp::Done;
        }
        if last_resync >= next || last_sent - next >= MAX_CATCH_UP {
            return Self::resync_one(&mut inner, session);
        }
        CatchUp::Send { upto: last_sent }
    }

    /// The session cannot be caught up event by event (an event could not be read): it is
    /// sent a `Resync` and goes live.
    pub(crate) fn catch_up_abandon(&self, session: u64) -> CatchUp {
        Self::resync_one(&mut self.lock(), session)
    }

    fn resync_one(inner: &mut Inner, session: u64) -> CatchUp {
        let last_seq = inner.last_sent;
        let Some(slot) = inner.sessions.get_mut(&session) else {
            return CatchUp::Gone;
        };
        slot.live = true;
        slot.catching_up = false;
        let sent = match notice(WireNotice::Resync { last_seq }) {
            Some(f) => slot.out.offer(f),
            None => Ok(()),
        };
        match sent {
            Ok(()) => CatchUp::Done,
            Err(_) => {
                Self::drop_sessions(inner, &[session]);
                CatchUp::Gone
            }
        }
    }

    /// A session ended.
    pub(crate) fn remove(&self, session: u64) {
        let mut inner = self.lock();
        if inner.sessions.remove(&session).is_some() {
            Self::broadcast_presence(&mut inner);
        }
    }

    /// Broadcast the events of one commit (durable, as returned by the engine). Commits finish
    /// in seq order but their sessions may call this out of order: events below a gap are read
    /// from the store (they are durable, since a later commit is), and events already sent are
    /// skipped, so every client sees every event once, in order.
    pub(crate) fn publish(&self, events: &[Event], store: &Store) {
        let (Some(first), Some(last)) = (events.first(), events.last()) else {
            return;
        };
        let mut inner = self.lock();
        if last.body.seq <= inner.last_sent {
            return;
        }
        if last.body.seq - inner.last_sent > MAX_NOTICE_EVENTS {
            // A large import: the workbenches reload rather than being sent every event.
            drop(inner);
            self.publish_resync(last.body.seq);
            return;
        }
        if !inner.sessions.values().any(|s| s.live) {
            inner.last_sent = last.body.seq;
            return;
        }
        let mut gap = Vec::new();
        if first.body.seq > inner.last_sent + 1 {
            for ev in store.events(inner.last_sent + 1) {
                match ev {
                    Ok(ev) if ev.body.seq < first.body.seq => gap.push(ev),
                    Ok(_) => break,
                    Err(e) => {
                        warn!("cannot read an event to broadcast: {e}");
                        break;
                    }
                }
            }
        }
        let from = inner.last_sent;
        inner.last_sent = last.body.seq;
        let frames = committed_frames(
            gap.iter()
                .chain(events.iter().filter(|e| e.body.seq > from)),
        );
        Self::send_to(&mut inner, &frames, true);
    }

    /// Events up to `last_seq` were committed at once, too many to send one by one: the
    /// workbenches reload what they show.
    pub(crate) fn publish_resync(&self, last_seq: u64) {
        let mut inner = self.lock();
        if last_seq <= inner.last_sent {
            return;
        }
        inner.last_sent = last_seq;
        inner.last_resync = last_seq;
        let frames: Vec<Frame> = notice(WireNotice::Resync { last_seq })
            .into_iter()
            .collect();
        Self::send_to(&mut inner, &frames, true);
    }

    /// The session wants committed events from now on; returns the seq of the last event
    /// broadcast before (every later one is sent to it).
    pub(crate) fn subscribe(&self, session: u64) -> u64 {
        let mut inner = self.lock();
        let last = inner.last_sent;
        if let Some(slot) = inner.sessions.get_mut(&session) {
            slot.live = true;
        }
        last
    }

    /// Record where a session is and tell everyone.
    pub(crate) fn set_presence(
        &self,
        session: u64,
        unit: Option<(u16, String)>,
        editing: Option<ItemKey>,
    ) {
        let mut inner = self.lock();
        if let Some(slot) = inner.sessions.get_mut(&session) {
            slot.unit = unit;
            slot.editing = editing;
            Self::broadcast_presence(&mut inner);
        }
    }

    pub(crate) fn presence(&self) -> Vec<PresenceEntry> {
        Self::entries(&self.lock())
    }

    /// Stop taking sessions and stop reading from the current ones: each finishes the request
    /// it is running (an in-flight commit completes and is answered), then ends. A catch-up is
    /// not a request: it stops at once.
    pub(crate) fn close(&self) {
        let mut inner = self.lock();
        inner.closed = true;
        for slot in inner.sessions.values() {
            let _ = slot.socket.shutdown(std::net::Shutdown::Read);
            if slot.catching_up {
                slot.out.cut();
            }
        }
    }

    fn entries(inner: &Inner) -> Vec<PresenceEntry> {
        inner
            .sessions
            .iter()
            .map(|(id, s)| PresenceEntry {
                session: *id,
                user: s.user.clone(),
                unit: s.unit.clone(),
                editing: s.editing.clone(),
            })
            .collect()
    }

    fn broadcast_presence(inner: &mut Inner) {
        if let Some(f) = notice(WireNotice::Presence(Self::entries(inner))) {
            Self::send_to(inner, &[f], false);
        }
    }

    /// Queue frames to every session (only the live ones when `committed`); disconnect the ones
    /// that do not read, then tell the others they left.
    fn send_to(inner: &mut Inner, frames: &[Frame], committed: bool) {
        let mut dropped = Vec::new();
        for (id, slot) in &inner.sessions {
            if committed && !slot.live {
                continue;
            }
            for f in frames {
                match slot.out.offer(f.clone()) {
                    Ok(()) => {}
                    Err(Refused::Full) => {
                        dropped.push(*id);
                        break;
                    }
                    // Its writer ended: the session is going away by itself.
                    Err(Refused::Closed) => break,
                }
            }
        }
        Self::drop_sessions(inner, &dropped);
    }

    /// Disconnect sessions whose client does not read (their queue is dropped at once), then
    /// tell the others they left.
    fn drop_sessions(inner: &mut Inner, ids: &[u64]) {
        if ids.is_empty() {
            return;
        }
        for id in ids {
            if let Some(slot) = inner.sessions.remove(id) {
                warn!(
                    "session {id} ({}) does not read what it is sent: disconnecting it and \
                     dropping its queue",
                    slot.user
                );
                slot.out.cut();
                let _ = slot.socket.shutdown(std::net::Shutdown::Both);
            }
        }
        Self::broadcast_presence(inner);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::ServerMsg;
    use domain::NewEvent;
    use domain::{Change, Role};

    fn new_event(user: &str, reason: String) -> NewEvent {
        NewEvent {
            actor: "lead".into(),
            command: "set-member".into(),
            change: Change::MemberChanged {
                user: user.into(),
                before: None,
                after: Some(Role::Appraiser),
            },
            reason,
        }
    }

    fn member(store: &Store, user: &str) -> Vec<Event> {
        store
            .commit(jiff::Timestamp::now(), vec![new_event(user, String::new())])
            .unwrap()
    }

    fn wants(since: Option<u64>, notices: bool) -> Wants {
        Wants { since, notices }
    }

    fn register(hub: &Hub, user: &str, wants: Wants) -> (Arc<Outbox>, Registered) {
        let out = hub.outbox();
        let (sock, peer) = UnixStream::pair().unwrap();
        std::mem::forget(peer);
        let r = hub
            .register(user, out.clone(), sock, wants, |_, _, _| None)
            .unwrap();
        (out, r)
    }

    /// The messages queued so far.
    fn queued(out: &Outbox) -> Vec<ServerMsg> {
        out.drain()
            .iter()
            .map(|f| frame::read_msg(&mut f.bytes()).unwrap())
            .collect()
    }

    /// Seqs of the committed events in the frames queued so far.
    fn committed(out: &Outbox) -> Vec<u64> {
        let mut seqs = Vec::new();
        for msg in queued(out) {
            if let ServerMsg::Notice(WireNotice::Committed(evs)) = msg {
                seqs.extend(evs.iter().map(|e| e.body.seq));
            }
        }
        seqs
    }

    /// Run a catch-up as a session does: events from the store in pages.
    fn catch_up(hub: &Hub, store: &Store, session: u64, out: &Outbox, mut next: u64) -> CatchUp {
        loop {
            match hub.catch_up_step(session, next) {
                CatchUp::Send { upto } => {
                    let mut it = store
                        .events(next)
                        .map_while(|e| e.ok().filter(|e| e.body.seq <= upto))
                        .peekable();
                    while it.peek().is_some() {
                        let f = list::next_frame(
                            ListKind::Committed,
                            0,
                            &mut it,
                            PART_BYTES,
                            2,
                            SERVER_FRAME_MAX,
                        )
                        .unwrap();
                        out.put(Arc::new(FrameBuf::from(f)), outbox::STALL).unwrap();
                    }
                    next = upto + 1;
                }
                other => return other,
            }
        }
    }

    #[test]
    fn events_published_out_of_order_are_sent_once_in_seq_order() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::create(tmp.path()).unwrap();
        let hub = Hub::new(store.last_seq());
        let (out, _) = register(&hub, "an", wants(None, true));
        let (a, b, c) = (
            member(&store, "a"),
            member(&store, "b"),
            member(&store, "c"),
        );
        // The session that committed c publishes first: a and b come from the store.
        hub.publish(&c, &store);
        assert_eq!(committed(&out), vec![1, 2, 3]);
        // The late publishers send nothing twice.
        hub.publish(&a, &store);
        hub.publish(&b, &store);
        assert_eq!(committed(&out), Vec::<u64>::new());
        let d = member(&store, "d");
        hub.publish(&d, &store);
        assert_eq!(committed(&out), vec![4]);
    }

    #[test]
    fn a_reconnecting_session_gets_what_it_missed_first_in_pages_then_the_rest() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::create(tmp.path()).unwrap();
        let hub = Hub::new(store.last_seq());
        for u in ["a", "b", "c", "d", "e"] {
            let evs = member(&store, u);
            hub.publish(&evs, &store);
        }
        let out = hub.outbox();
        let (sock, _peer) = UnixStream::pair().unwrap();
        let r = hub
            .register(
                "an",
                out.clone(),
                sock,
                wants(Some(1), true),
                |_, last, catch_up| {
                    assert_eq!((last, catch_up), (5, true));
                    None
                },
            )
            .unwrap();
        assert_eq!(r.catch_up_from, Some(2));
        // Committed meanwhile: not queued, since the catch-up reads it from the store.
        let f = member(&store, "f");
        hub.publish(&f, &store);
        assert_eq!(committed(&out), Vec::<u64>::new());
        assert_eq!(catch_up(&hub, &store, r.session, &out, 2), CatchUp::Done);
        let msgs = queued(&out);
        let pages: Vec<Vec<u64>> = msgs
            .iter()
            .filter_map(|m| match m {
                ServerMsg::Notice(WireNotice::Committed(evs)) => {
                    Some(evs.iter().map(|e| e.body.seq).collect())
                }
                _ => None,
            })
            .collect();
        assert_eq!(pages, vec![vec![2, 3], vec![4, 5], vec![6]]);
        // Live from now on.
        let g = member(&store, "g");
        hub.publish(&g, &store);
        assert_eq!(committed(&out), vec![7]);
    }

    #[test]
    fn a_catch_up_overtaken_by_a_large_import_ends_with_a_resync() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::create(tmp.path()).unwrap();
        let hub = Hub::new(store.last_seq());
        for u in ["a", "b"] {
            let evs = member(&store, u);
            hub.publish(&evs, &store);
        }
        let (out, r) = register(&hub, "an", wants(Some(0), true));
        assert_eq!(r.catch_up_from, Some(1));
        hub.publish_resync(5_000_000);
        assert_eq!(hub.catch_up_step(r.session, 1), CatchUp::Done);
        assert!(
            queued(&out).contains(&ServerMsg::Notice(WireNotice::Resync {
                last_seq: 5_000_000
            }))
        );
    }

    #[test]
    fn a_session_that_stops_reading_is_dropped_not_waited_for() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::create(tmp.path()).unwrap();
        let hub = Hub::new(0);
        let (slow, _) = register(&hub, "slow", wants(None, true));
        let (fast, _) = register(&hub, "fast", wants(None, true));
        // Events of 1 MB each: the slow session's queue passes its bound within 20.
        let mut seqs = Vec::new();
        for n in 0..20 {
            let evs = store
                .commit(
                    jiff::Timestamp::now(),
                    vec![new_event(&format!("u{n}"), "x".repeat(1024 * 1024))],
                )
                .unwrap();
            seqs.push(evs[0].body.seq);
            hub.publish(&evs, &store);
            assert_eq!(committed(&fast), vec![evs[0].body.seq]);
        }
        let users: Vec<String> = hub.presence().into_iter().map(|p| p.user).collect();
        assert_eq!(users, vec!["fast".to_string()]);
        // Its queue was dropped, and nothing more is queued to it.
        assert_eq!(
            slow.offer(notice(WireNotice::Presence(vec![])).unwrap()),
            Err(Refused::Closed)
        );
        assert!(slow.take().is_none());
    }

    #[test]
    fn committed_events_go_only_to_sessions_that_asked_for_them() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::create(tmp.path()).unwrap();
        let hub = Hub::new(0);
        let (out, r) = register(&hub, "cli", wants(None, false));
        let a = member(&store, "a");
        hub.publish(&a, &store);
        assert_eq!(committed(&out), Vec::<u64>::new());
        // From the subscription on, every later event.
        assert_eq!(hub.subscribe(r.session), 1);
        let b = member(&store, "b");
        hub.publish(&b, &store);
        assert_eq!(committed(&out), vec![2]);
    }
}
