//! The server's sessions and what they are all told: committed events, in commit order, and
//! who is connected where (presence, SPEC W11).
//!
//! Each session has a writer thread fed by a bounded queue of encoded frames. A notice is
//! encoded once and queued to every session; a session whose queue is full (a client that stopped
//! reading) is disconnected rather than allowed to hold everyone up. It reconnects and catches up.

use std::collections::BTreeMap;
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex, MutexGuard};

use crossbeam_channel::{Sender, TrySendError};
use tracing::warn;

use crate::protocol::frame;
use crate::protocol::{CHUNK, MAX_CATCH_UP, ServerMsg, WireNotice};
use api::PresenceEntry;
use domain::{Event, ItemKey};
use store::Store;

/// An encoded frame, shared by every queue it is sent to.
pub(crate) type Frame = Arc<[u8]>;

/// Frames a session may have queued before it counts as not reading.
pub(crate) const QUEUE: usize = 1024;

pub(crate) struct Hub {
    inner: Mutex<Inner>,
}

struct Inner {
    next_session: u64,
    sessions: BTreeMap<u64, Slot>,
    /// Seq of the last event broadcast: later events are sent in seq order exactly once.
    last_sent: u64,
    /// Set when the server stops: no new sessions.
    closed: bool,
}

struct Slot {
    user: String,
    /// The session wants committed events as notices.
    notices: bool,
    tx: Sender<Frame>,
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
    /// The client did not read its catch-up events.
    Slow,
}

fn notice(n: WireNotice) -> Option<Frame> {
    match frame::encode(&ServerMsg::Notice(n)) {
        Ok(bytes) => Some(bytes.into()),
        Err(e) => {
            warn!("cannot encode a notice: {e}");
            None
        }
    }
}

/// Committed events as notice frames of at most `CHUNK` events.
/// More events than this committed at once are announced as a `Resync`, not sent.
const MAX_NOTICE_EVENTS: u64 = api::KEEP_EVENTS as u64;

fn committed_frames(events: &[Event]) -> Vec<Frame> {
    events
        .chunks(CHUNK)
        .filter_map(|c| notice(WireNotice::Committed(c.to_vec())))
        .collect()
}

impl Hub {
    pub(crate) fn new(last_seq: u64) -> Hub {
        Hub {
            inner: Mutex::new(Inner {
                next_session: 1,
                sessions: BTreeMap::new(),
                last_sent: last_seq,
                closed: false,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Add a session. `welcome(session, last_seq, catch_up)` builds its first frame; then, if
    /// the client has seen events up to `since`, every later event already broadcast follows
    /// (unless more than `MAX_CATCH_UP` were missed: then `catch_up` is false), so nothing is
    /// missed and nothing is sent twice. Everyone then gets the new presence list.
    pub(crate) fn register(
        &self,
        user: &str,
        tx: Sender<Frame>,
        socket: UnixStream,
        wants: Wants,
        store: &Store,
        welcome: impl FnOnce(u64, u64, bool) -> Option<Frame>,
    ) -> Result<u64, RegisterError> {
        let Wants { since, notices } = wants;
        let mut inner = self.lock();
        if inner.closed {
            return Err(RegisterError::Closed);
        }
        let session = inner.next_session;
        inner.next_session += 1;
        let last_sent = inner.last_sent;
        let catch_up = since.is_none_or(|s| last_sent.saturating_sub(s) <= MAX_CATCH_UP);
        let mut first = Vec::new();
        first.extend(welcome(session, last_sent, catch_up));
        if let Some(since) = since.filter(|s| *s < last_sent && catch_up && notices) {
            let mut missed = Vec::new();
            for ev in store.events(since + 1) {
                match ev {
                    Ok(ev) if ev.body.seq <= last_sent => missed.push(ev),
                    Ok(_) => break,
                    Err(e) => {
                        warn!("catch-up for {user} stopped at an unreadable event: {e}");
                        break;
                    }
                }
            }
            first.extend(committed_frames(&missed));
        }
        for f in first {
            if tx.try_send(f).is_err() {
                return Err(RegisterError::Slow);
            }
        }
        inner.sessions.insert(
            session,
            Slot {
                user: user.to_string(),
                notices,
                tx,
                socket,
                unit: None,
                editing: None,
            },
        );
        Self::broadcast_presence(&mut inner);
        Ok(session)
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
        if !inner.sessions.values().any(|s| s.notices) {
            inner.last_sent = last.body.seq;
            return;
        }
        if last.body.seq - inner.last_sent > MAX_NOTICE_EVENTS {
            // A large import: the workbenches reload rather than being sent every event.
            drop(inner);
            self.publish_resync(last.body.seq);
            return;
        }
        let mut batch = Vec::new();
        if first.body.seq > inner.last_sent + 1 {
            for ev in store.events(inner.last_sent + 1) {
                match ev {
                    Ok(ev) if ev.body.seq < first.body.seq => batch.push(ev),
                    Ok(_) => break,
                    Err(e) => {
                        warn!("cannot read an event to broadcast: {e}");
                        break;
                    }
                }
            }
        }
        let from = inner.last_sent;
        batch.extend(events.iter().filter(|e| e.body.seq > from).cloned());
        inner.last_sent = last.body.seq;
        let frames = committed_frames(&batch);
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
            slot.notices = true;
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
    /// it is running (an in-flight commit completes and is answered), then ends.
    pub(crate) fn close(&self) {
        let mut inner = self.lock();
        inner.closed = true;
        for slot in inner.sessions.values() {
            let _ = slot.socket.shutdown(std::net::Shutdown::Read);
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
            Self::send_all(inner, &[f]);
        }
    }

    /// Queue frames to every session; disconnect the ones whose queue is full, then tell the
    /// others they left.
    fn send_all(inner: &mut Inner, frames: &[Frame]) {
        Self::send_to(inner, frames, false);
    }

    /// Queue frames to every session (only those that want committed events when `committed`);
    /// disconnect the ones whose queue is full, then tell the others they left.
    fn send_to(inner: &mut Inner, frames: &[Frame], committed: bool) {
        let mut dropped = Vec::new();
        for (id, slot) in &inner.sessions {
            if committed && !slot.notices {
                continue;
            }
            for f in frames {
                match slot.tx.try_send(f.clone()) {
                    Ok(()) => {}
                    Err(TrySendError::Full(_)) => {
                        warn!(
                            "session {id} ({}) does not read its notices: disconnecting it",
                            slot.user
                        );
                        let _ = slot.socket.shutdown(std::net::Shutdown::Both);
                        dropped.push(*id);
                        break;
                    }
                    // Its writer ended: the session is going away by itself.
                    Err(TrySendError::Disconnected(_)) => break,
                }
            }
        }
        if !dropped.is_empty() {
            for id in &dropped {
                inner.sessions.remove(id);
            }
            if let Some(f) = notice(WireNotice::Presence(Self::entries(inner))) {
                Self::send_all(inner, &[f]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::ServerMsg;
    use crossbeam_channel::{Receiver, bounded};
    use domain::NewEvent;
    use domain::{Change, Role};

    fn member(store: &Store, user: &str) -> Vec<Event> {
        store
            .commit(
                jiff::Timestamp::now(),
                vec![NewEvent {
                    actor: "lead".into(),
                    command: "set-member".into(),
                    change: Change::MemberChanged {
                        user: user.into(),
                        before: None,
                        after: Some(Role::Appraiser),
                    },
                    reason: String::new(),
                }],
            )
            .unwrap()
    }

    fn wants(since: Option<u64>, notices: bool) -> Wants {
        Wants { since, notices }
    }

    /// Seqs of the committed events in the frames queued so far.
    fn committed(rx: &Receiver<Frame>) -> Vec<u64> {
        let mut out = Vec::new();
        while let Ok(f) = rx.try_recv() {
            let msg: ServerMsg = frame::read_msg(&mut &f[..]).unwrap();
            if let ServerMsg::Notice(WireNotice::Committed(evs)) = msg {
                out.extend(evs.iter().map(|e| e.body.seq));
            }
        }
        out
    }

    #[test]
    fn events_published_out_of_order_are_sent_once_in_seq_order() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::create(tmp.path()).unwrap();
        let hub = Hub::new(store.last_seq());
        let (tx, rx) = bounded(QUEUE);
        let (sock, _peer) = UnixStream::pair().unwrap();
        hub.register("an", tx, sock, wants(None, true), &store, |_, _, _| None)
            .unwrap();
        let (a, b, c) = (
            member(&store, "a"),
            member(&store, "b"),
            member(&store, "c"),
        );
        // The session that committed c publishes first: a and b come from the store.
        hub.publish(&c, &store);
        assert_eq!(committed(&rx), vec![1, 2, 3]);
        // The late publishers send nothing twice.
        hub.publish(&a, &store);
        hub.publish(&b, &store);
        assert_eq!(committed(&rx), Vec::<u64>::new());
        let d = member(&store, "d");
        hub.publish(&d, &store);
        assert_eq!(committed(&rx), vec![4]);
    }

    #[test]
    fn a_reconnecting_session_gets_what_it_missed_first() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::create(tmp.path()).unwrap();
        let hub = Hub::new(store.last_seq());
        for u in ["a", "b", "c"] {
            let evs = member(&store, u);
            hub.publish(&evs, &store);
        }
        let (tx, rx) = bounded(QUEUE);
        let (sock, _peer) = UnixStream::pair().unwrap();
        hub.register(
            "an",
            tx,
            sock,
            wants(Some(1), true),
            &store,
            |_, last, catch_up| {
                assert_eq!((last, catch_up), (3, true));
                None
            },
        )
        .unwrap();
        assert_eq!(committed(&rx), vec![2, 3]);
    }

    #[test]
    fn a_session_that_stops_reading_is_dropped_not_waited_for() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::create(tmp.path()).unwrap();
        let hub = Hub::new(0);
        let (slow_tx, _slow_rx) = bounded(1);
        let (fast_tx, fast_rx) = bounded(QUEUE);
        let (s1, _p1) = UnixStream::pair().unwrap();
        let (s2, _p2) = UnixStream::pair().unwrap();
        hub.register("slow", slow_tx, s1, wants(None, true), &store, |_, _, _| {
            None
        })
        .unwrap();
        hub.register("fast", fast_tx, s2, wants(None, true), &store, |_, _, _| {
            None
        })
        .unwrap();
        for u in ["a", "b", "c"] {
            let evs = member(&store, u);
            hub.publish(&evs, &store);
        }
        assert_eq!(committed(&fast_rx), vec![1, 2, 3]);
        let users: Vec<String> = hub.presence().into_iter().map(|p| p.user).collect();
        assert_eq!(users, vec!["fast".to_string()]);
    }

    #[test]
    fn committed_events_go_only_to_sessions_that_asked_for_them() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::create(tmp.path()).unwrap();
        let hub = Hub::new(0);
        let (tx, rx) = bounded(QUEUE);
        let (sock, _peer) = UnixStream::pair().unwrap();
        let session = hub
            .register("cli", tx, sock, wants(None, false), &store, |_, _, _| None)
            .unwrap();
        let a = member(&store, "a");
        hub.publish(&a, &store);
        assert_eq!(committed(&rx), Vec::<u64>::new());
        // From the subscription on, every later event.
        assert_eq!(hub.subscribe(session), 1);
        let b = member(&store, "b");
        hub.publish(&b, &store);
        assert_eq!(committed(&rx), vec![2]);
    }
}
