//! The remote `Workbench`: the same trait as the in-process one, over the store's socket
//! (docs/REQUIREMENTS.md, "Server and protocol"). Connecting starts the server if none runs. If the server
//! dies, a background watcher reconnects (restarting it if needed) and the next request waits
//! for it; events committed meanwhile are delivered as soon as it is back.
//! The year's framework and units are parsed here from the sources the server keeps, once per
//! year.

mod conn;
mod error;
mod start;

use domain::official::Official;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender, unbounded};

use crate::protocol::{
    IMPORT_PIECE_BYTES, Part, Reply, Request, ServerStatus, Welcome, WireNotice,
};
use api::WorkbenchError;
use api::{ConnectionState, Feed, HistoryQuery, Notice, PresenceEntry, Workbench};
use domain::{Assignments, YearContext};
use domain::{Command, Event, Item, ItemKey, Member, Role, Round, UnitState, UnitTotals};
use domain::{Draft, ImportHead, ImportRows, NewEvent, VerifyReport};
use l10n::Lang;

pub use error::ClientError;
pub use start::{ConnectOptions, not_served, owner_refused, why_locked};

use conn::{Conn, Incoming};

/// Connect to the server of the store in `dir`, starting one if none runs.
pub fn connect_or_start(dir: &Path) -> Result<RemoteWorkbench, ClientError> {
    RemoteWorkbench::connect(dir, &ConnectOptions::default())
}

/// Waits between background reconnection attempts after the server went away.
const RECONNECT_BACKOFF: [u64; 8] = [0, 50, 100, 200, 400, 800, 1600, 3200];

/// Where a session is: (year, unit) and the item being edited.
type Place = (Option<(u16, String)>, Option<ItemKey>);

pub struct RemoteWorkbench {
    shared: Arc<Shared>,
    user: String,
    started_server: bool,
}

struct Shared {
    dir: PathBuf,
    opts: ConnectOptions,
    conn: Mutex<Option<Arc<Conn>>>,
    /// Serialises reconnecting.
    reconnecting: Mutex<()>,
    /// Set when the workbench is dropped: no more reconnecting.
    closing: AtomicBool,
    /// The background watcher is running.
    watching: AtomicBool,
    next_id: AtomicU64,
    state: Mutex<ConnectionState>,
    welcome: Mutex<Welcome>,
    subscribers: Mutex<Vec<Sender<Notice>>>,
    presence: Mutex<Vec<PresenceEntry>>,
    /// Where this session said it is; sent again after a reconnect.
    my_presence: Mutex<Option<Place>>,
    /// The last event seq delivered to subscribers (events arrive once, in order).
    last_seq: Mutex<u64>,
    years: Mutex<HashMap<u16, Arc<YearContext>>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn unexpected(reply: &Reply) -> WorkbenchError {
    WorkbenchError::Unavailable {
        vi: format!("máy chủ trả lời không đúng yêu cầu ({reply:?})"),
        en: format!("the server answered another question ({reply:?})"),
    }
}

fn lost(dir: &Path, reason: &str, applied_unknown: bool) -> WorkbenchError {
    let (vi_tail, en_tail) = if applied_unknown {
        (
            "thay đổi có thể đã được lưu hoặc chưa: hãy xem lại tiêu chí trước khi làm lại.",
            "the change may or may not have been saved: look at the item before trying again.",
        )
    } else {
        ("hãy thử lại.", "try again.")
    };
    WorkbenchError::Unavailable {
        vi: format!(
            "mất kết nối tới máy chủ của kho {} ({}); {vi_tail}",
            dir.display(),
            reason_vi(reason)
        ),
        en: format!(
            "lost the connection to the server of store {} ({reason}); {en_tail}",
            dir.display()
        ),
    }
}

/// Why a connection was lost, in Vietnamese: the client's own reasons translated, the system's
/// words (an I/O error) quoted after them.
fn reason_vi(reason: &str) -> String {
    let known = [
        ("closed by the client", "máy khách đã đóng kết nối"),
        ("closed", "kết nối đã đóng"),
        ("cannot send", "không gửi được"),
        ("the connection ended", "kết nối đã kết thúc"),
        (
            "the server closed the connection",
            "máy chủ đã đóng kết nối",
        ),
        ("no reader thread", "không tạo được luồng đọc"),
    ];
    if let Some((_, vi)) = known.iter().find(|(en, _)| *en == reason) {
        return (*vi).to_string();
    }
    for (en, vi) in [
        ("sending failed: ", "gửi không được: "),
        ("cannot read the socket: ", "không đọc được từ socket: "),
    ] {
        if let Some(rest) = reason.strip_prefix(en) {
            return format!("{vi}{rest}");
        }
    }
    reason.to_string()
}

/// A request larger than the server reads (an import of a very large file): nothing was sent.
fn too_large(len: u64, max: usize) -> WorkbenchError {
    let mb = |n: u64| n.div_ceil(1024 * 1024);
    let (len, max) = (mb(len), mb(max as u64));
    WorkbenchError::Unavailable {
        vi: format!(
            "yêu cầu dài {len} MB, vượt giới hạn {max} MB một yêu cầu gửi tới máy chủ; không có \
             gì được gửi hay thay đổi. Hãy chia tệp thành nhiều tệp nhỏ hơn."
        ),
        en: format!(
            "the request is {len} MB, over the limit of {max} MB a request to the server may \
             have; nothing was sent or changed. Split the file into smaller ones."
        ),
    }
}

impl RemoteWorkbench {
    /// Connect to the server of `dir` (starting one unless `opts` say not to).
    pub fn connect(dir: &Path, opts: &ConnectOptions) -> Result<RemoteWorkbench, ClientError> {
        let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        // Committed events are sent once someone subscribes (the workbench, before it loads).
        let est = start::establish(&dir, opts, None, false)?;
        let user = est.welcome.user.clone();
        let shared = Arc::new(Shared {
            dir,
            opts: opts.clone(),
            conn: Mutex::new(None),
            reconnecting: Mutex::new(()),
            closing: AtomicBool::new(false),
            watching: AtomicBool::new(false),
            next_id: AtomicU64::new(1),
            state: Mutex::new(ConnectionState::Connected),
            last_seq: Mutex::new(est.welcome.last_seq),
            welcome: Mutex::new(est.welcome),
            subscribers: Mutex::new(Vec::new()),
            presence: Mutex::new(Vec::new()),
            my_presence: Mutex::new(None),
            years: Mutex::new(HashMap::new()),
        });
        Shared::install(&shared, est.stream).map_err(|e| ClientError::Io {
            path: shared.dir.clone(),
            source: e,
        })?;
        Ok(RemoteWorkbench {
            shared,
            user,
            started_server: est.started,
        })
    }

    /// The store directory.
    pub fn dir(&self) -> &Path {
        &self.shared.dir
    }

    /// Whether connecting started the server (it was not running).
    pub fn started_server(&self) -> bool {
        self.started_server
    }

    /// The server's welcome on the current connection (its pid, start time, protocol).
    pub fn welcome(&self) -> Welcome {
        lock(&self.shared.welcome).clone()
    }

    /// The server's pid, start time and sessions.
    pub fn status(&self) -> Result<ServerStatus, WorkbenchError> {
        match self.shared.call(Request::Status, true)?.1 {
            Reply::Status(s) => Ok(s),
            r => Err(unexpected(&r)),
        }
    }
}

impl Drop for RemoteWorkbench {
    fn drop(&mut self) {
        self.shared.closing.store(true, Ordering::Release);
        if let Some(c) = lock(&self.shared.conn).take() {
            c.kill("closed by the client");
        }
    }
}

impl Shared {
    /// Make `stream` the current connection and start its reader thread.
    fn install(this: &Arc<Shared>, stream: std::os::unix::net::UnixStream) -> std::io::Result<()> {
        let conn = Arc::new(Conn::new(stream));
        *lock(&this.conn) = Some(conn.clone());
        let shared = this.clone();
        let reader = conn.clone();
        let spawned = std::thread::Builder::new()
            .name("thamdinh-client-reader".into())
            .spawn(move || {
                let why = reader.read_loop(|n| shared.on_notice(n));
                reader.kill(&why);
                shared.on_lost(&reader);
            });
        if let Err(e) = spawned {
            conn.kill("no reader thread");
            return Err(e);
        }
        Ok(())
    }

    fn notify(&self, n: Notice) {
        lock(&self.subscribers).retain(|s| s.send(n.clone()).is_ok());
    }

    fn set_state(&self, s: ConnectionState) {
        let mut cur = lock(&self.state);
        if *cur != s {
            *cur = s.clone();
            drop(cur);
            self.notify(Notice::Connection(s));
        }
    }

    fn on_notice(&self, n: WireNotice) {
        match n {
            WireNotice::Committed(events) => self.deliver(events),
            WireNotice::Presence(list) => {
                *lock(&self.presence) = list.clone();
                self.notify(Notice::Presence(list));
            }
            WireNotice::Resync { last_seq } => {
                let mut last = lock(&self.last_seq);
                if last_seq > *last {
                    *last = last_seq;
                    drop(last);
                    self.notify(Notice::Resync);
                }
            }
        }
    }

    /// Pass on events not delivered yet, in order.
    fn deliver(&self, events: Vec<Event>) {
        let mut last = lock(&self.last_seq);
        let fresh: Vec<Event> = events.into_iter().filter(|e| e.body.seq > *last).collect();
        if let Some(e) = fresh.last() {
            *last = e.body.seq;
            self.notify(Notice::Committed(fresh));
        }
    }

    /// The reader of `conn` saw it end: unless closing or already replaced, reconnect in the
    /// background.
    fn on_lost(self: &Arc<Shared>, conn: &Arc<Conn>) {
        if self.closing.load(Ordering::Acquire) {
            return;
        }
        {
            let cur = lock(&self.conn);
            if !cur.as_ref().is_some_and(|c| Arc::ptr_eq(c, conn)) {
                return;
            }
        }
        self.set_state(ConnectionState::Reconnecting);
        if self.watching.swap(true, Ordering::AcqRel) {
            return;
        }
        let shared = self.clone();
        let spawned = std::thread::Builder::new()
            .name("thamdinh-client-reconnect".into())
            .spawn(move || {
                for ms in RECONNECT_BACKOFF {
                    std::thread::sleep(Duration::from_millis(ms));
                    if shared.closing.load(Ordering::Acquire) || shared.reconnect().is_ok() {
                        break;
                    }
                }
                shared.watching.store(false, Ordering::Release);
            });
        if spawned.is_err() {
            self.watching.store(false, Ordering::Release);
        }
    }

    /// A live connection, reconnecting if needed.
    fn live(self: &Arc<Shared>) -> Result<Arc<Conn>, WorkbenchError> {
        if let Some(c) = lock(&self.conn).as_ref()
            && c.is_alive()
        {
            return Ok(c.clone());
        }
        self.reconnect()
    }

    fn reconnect(self: &Arc<Shared>) -> Result<Arc<Conn>, WorkbenchError> {
        let _one = lock(&self.reconnecting);
        if let Some(c) = lock(&self.conn).as_ref()
            && c.is_alive()
        {
            return Ok(c.clone());
        }
        if self.closing.load(Ordering::Acquire) {
            return Err(lost(&self.dir, "closed", false));
        }
        self.set_state(ConnectionState::Reconnecting);
        let since = *lock(&self.last_seq);
        let notices = !lock(&self.subscribers).is_empty();
        let est = match start::establish(&self.dir, &self.opts, Some(since), notices) {
            Ok(e) => e,
            Err(e) => {
                self.set_state(ConnectionState::Disconnected {
                    vi: e.message(Lang::Vi),
                    en: e.message(Lang::En),
                });
                return Err(e.into_engine_error());
            }
        };
        let resync = {
            let mut last = lock(&self.last_seq);
            if est.welcome.last_seq < *last || !est.welcome.catch_up {
                // A store replaced by a restore has other events; too many missed events are
                // not re-sent: either way, start counting from the server's last event.
                *last = est.welcome.last_seq;
                true
            } else {
                false
            }
        };
        if resync {
            self.notify(Notice::Resync);
        }
        *lock(&self.welcome) = est.welcome;
        Shared::install(self, est.stream).map_err(|e| lost(&self.dir, &e.to_string(), false))?;
        let conn = lock(&self.conn)
            .clone()
            .ok_or_else(|| lost(&self.dir, "closed", false))?;
        if let Some((unit, editing)) = lock(&self.my_presence).clone() {
            let id = self.next_id.fetch_add(1, Ordering::Relaxed);
            // The answer is not awaited: the presence list that follows shows it.
            let _ = conn.send(id, Request::Presence { unit, editing });
        }
        self.set_state(ConnectionState::Connected);
        Ok(conn)
    }

    /// Send a request and collect its parts and reply. A request the server never received is
    /// sent again on a new connection; one that was sent but not answered is sent again only
    /// if `retry_safe` (reads), otherwise the error says the outcome is unknown.
    fn call(
        self: &Arc<Shared>,
        request: Request,
        retry_safe: bool,
    ) -> Result<(Vec<Part>, Reply), WorkbenchError> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            let conn = self.live()?;
            let id = self.next_id.fetch_add(1, Ordering::Relaxed);
            let rx = match conn.send(id, request.clone()) {
                Ok(rx) => rx,
                Err(conn::NotSent::TooLarge { len, max }) => return Err(too_large(len, max)),
                Err(conn::NotSent::Failed) if attempts < 3 => continue,
                Err(conn::NotSent::Failed) => return Err(lost(&self.dir, "cannot send", false)),
            };
            match wait(rx) {
                Ok(r) => return r,
                // A read whose answer was lost: ask again on a new connection.
                Err(_) if retry_safe && attempts < 3 => continue,
                Err(reason) => return Err(lost(&self.dir, &reason, !retry_safe)),
            }
        }
    }

    fn ask(self: &Arc<Shared>, request: Request) -> Result<Reply, WorkbenchError> {
        self.call(request, true).map(|(_, r)| r)
    }
}

/// The events sent in parts, then the rest sent with the reply.
fn events_of(parts: Vec<Part>, rest: Vec<Event>) -> Vec<Event> {
    let mut out = Vec::new();
    for p in parts {
        if let Part::Events(v) = p {
            out.extend(v);
        }
    }
    out.extend(rest);
    out
}

/// Cut a piece of rows into pieces of about `budget` bytes of JSON (each at least one row), by
/// an estimate of their size: texts and a little for each field.
fn pieces(rows: ImportRows, budget: usize) -> Vec<ImportRows> {
    fn cut<T>(rows: Vec<T>, budget: usize, size: impl Fn(&T) -> usize) -> Vec<Vec<T>> {
        let mut out = Vec::new();
        let mut piece = Vec::new();
        let mut bytes = 0;
        for r in rows {
            let n = size(&r);
            if !piece.is_empty() && bytes + n > budget {
                out.push(std::mem::take(&mut piece));
                bytes = 0;
            }
            bytes += n;
            piece.push(r);
        }
        if !piece.is_empty() {
            out.push(piece);
        }
        out
    }
    match rows {
        ImportRows::SelfScores(rows) => cut(rows, budget, |r| {
            80 + r.unit.len()
                + r.leaf.len()
                + r.note.len()
                + r.evidence
                    .iter()
                    .map(|e| 50 + e.number.len() + e.title.len() + e.date.len() + e.link.len())
                    .sum::<usize>()
        })
        .into_iter()
        .map(ImportRows::SelfScores)
        .collect(),
        ImportRows::Survey(rows) => cut(rows, budget, |r| 50 + r.unit.len() + r.leaf.len())
            .into_iter()
            .map(ImportRows::Survey)
            .collect(),
    }
}

/// An answer that came before the request was all sent (a refusal), the parts before it kept.
fn early(
    rx: &Receiver<Incoming>,
    parts: &mut Vec<Part>,
) -> Option<Result<Result<Reply, WorkbenchError>, String>> {
    loop {
        match rx.try_recv() {
            Ok(Incoming::Part(p)) => parts.push(p),
            Ok(Incoming::Reply(r)) => return Some(Ok(r)),
            Ok(Incoming::Lost(reason)) => return Some(Err(reason)),
            Err(crossbeam_channel::TryRecvError::Empty) => return None,
            Err(crossbeam_channel::TryRecvError::Disconnected) => {
                return Some(Err("the connection ended".into()));
            }
        }
    }
}

/// Wait for the reply; `Err(reason)` if the connection ended first.
#[allow(clippy::type_complexity)]
fn wait(rx: Receiver<Incoming>) -> Result<Result<(Vec<Part>, Reply), WorkbenchError>, String> {
    wait_with(rx, Vec::new())
}

/// [`wait`] with the parts that came already.
#[allow(clippy::type_complexity)]
fn wait_with(
    rx: Receiver<Incoming>,
    mut parts: Vec<Part>,
) -> Result<Result<(Vec<Part>, Reply), WorkbenchError>, String> {
    loop {
        match rx.recv() {
            Ok(Incoming::Part(p)) => parts.push(p),
            Ok(Incoming::Reply(r)) => return Ok(r.map(|reply| (parts, reply))),
            Ok(Incoming::Lost(reason)) => return Err(reason),
            Err(_) => return Err("the connection ended".into()),
        }
    }
}

/// How a streamed import ended.
enum Streamed {
    Answered(Vec<Part>, Reply),
    Abandoned,
}

impl RemoteWorkbench {
    /// Stream an import to the server (`Request::ImportBegin`, the rows of `feed` in pieces of
    /// about `IMPORT_PIECE_BYTES`, then `ImportEnd` or `ImportAbandon`), sending each piece as
    /// the feed gives it, and wait for the answer. A refusal that comes before the end stops
    /// the feed (the server is told to drop the rest). Never sent again on a new connection:
    /// the feed's rows are gone.
    fn stream_import(
        &self,
        head: ImportHead,
        plan: bool,
        feed: &mut dyn FnMut() -> Feed,
    ) -> Result<Streamed, WorkbenchError> {
        let dir = &self.shared.dir;
        let conn = self.shared.live()?;
        let id = self.shared.next_id.fetch_add(1, Ordering::Relaxed);
        let not_sent = |e: conn::NotSent, ended: bool| match e {
            conn::NotSent::TooLarge { len, max } => too_large(len, max),
            conn::NotSent::Failed => lost(dir, "cannot send", ended),
        };
        let (mut stream, rx) = conn
            .stream(id, Request::ImportBegin { head, plan })
            .map_err(|e| not_sent(e, false))?;
        let mut parts = Vec::new();
        let mut sent = 0u64;
        let abandoned = loop {
            if let Some(answer) = early(&rx, &mut parts) {
                // Refused before the end (or the connection lost): the server drops the rest.
                let _ = stream.send(Request::ImportAbandon);
                return match answer {
                    Ok(Ok(reply)) => Err(unexpected(&reply)),
                    Ok(Err(e)) => Err(e),
                    Err(reason) => Err(lost(dir, &reason, false)),
                };
            }
            match feed() {
                Feed::Rows(rows) => {
                    for piece in pieces(rows, IMPORT_PIECE_BYTES) {
                        let n = piece.len() as u64;
                        if let Err(e) = stream.send(Request::ImportRows(piece)) {
                            let failed = not_sent(e, false);
                            let _ = stream.send(Request::ImportAbandon);
                            return Err(failed);
                        }
                        sent += n;
                    }
                }
                Feed::End => {
                    stream
                        .send(Request::ImportEnd { rows: sent })
                        .map_err(|e| not_sent(e, true))?;
                    break false;
                }
                Feed::Abandon => {
                    stream
                        .send(Request::ImportAbandon)
                        .map_err(|e| not_sent(e, false))?;
                    break true;
                }
            }
        };
        drop(stream);
        match wait_with(rx, parts) {
            Ok(Ok(_)) if abandoned => Ok(Streamed::Abandoned),
            Ok(Ok((parts, reply))) => Ok(Streamed::Answered(parts, reply)),
            Ok(Err(e)) => Err(e),
            // After the end was sent, the import may or may not have been committed.
            Err(reason) => Err(lost(dir, &reason, !abandoned)),
        }
    }
}

impl Workbench for RemoteWorkbench {
    fn user(&self) -> &str {
        &self.user
    }

    fn role(&self) -> Result<Option<Role>, WorkbenchError> {
        match self.shared.ask(Request::Role)? {
            Reply::Role(r) => Ok(r),
            r => Err(unexpected(&r)),
        }
    }

    fn members(&self) -> Result<Vec<Member>, WorkbenchError> {
        match self.shared.ask(Request::Members)? {
            Reply::Members(m) => Ok(m),
            r => Err(unexpected(&r)),
        }
    }

    fn years(&self) -> Result<Vec<u16>, WorkbenchError> {
        match self.shared.ask(Request::Years)? {
            Reply::Years(y) => Ok(y),
            r => Err(unexpected(&r)),
        }
    }

    fn year(&self, year: u16) -> Result<Arc<YearContext>, WorkbenchError> {
        if let Some(y) = lock(&self.shared.years).get(&year) {
            return Ok(y.clone());
        }
        let data = match self.shared.ask(Request::YearData { year })? {
            Reply::YearData(d) => d,
            r => return Err(unexpected(&r)),
        };
        let ctx = Arc::new(YearContext::parse(year, &data)?);
        lock(&self.shared.years).insert(year, ctx.clone());
        Ok(ctx)
    }

    fn items(&self, year: u16, unit: Option<&str>) -> Result<Vec<Item>, WorkbenchError> {
        let (parts, reply) = self.shared.call(
            Request::Items {
                year,
                unit: unit.map(str::to_string),
            },
            true,
        )?;
        let Reply::Items(rest) = reply else {
            return Err(unexpected(&reply));
        };
        let mut out = Vec::new();
        for p in parts {
            if let Part::Items(v) = p {
                out.extend(v);
            }
        }
        out.extend(rest);
        Ok(out)
    }

    fn item_summaries(&self, year: u16) -> Result<Vec<Item>, WorkbenchError> {
        let (parts, reply) = self.shared.call(Request::ItemSummaries { year }, true)?;
        let Reply::UnitSummaries(rest) = reply else {
            return Err(unexpected(&reply));
        };
        let mut units = Vec::new();
        for p in parts {
            if let Part::UnitSummaries(v) = p {
                units.extend(v);
            }
        }
        units.extend(rest);
        Ok(units
            .iter()
            .flat_map(|u| u.items.iter().map(|i| i.to_item(year, &u.unit)))
            .collect())
    }

    fn item(&self, key: &ItemKey) -> Result<Option<Item>, WorkbenchError> {
        match self.shared.ask(Request::Item { key: key.clone() })? {
            Reply::Item(i) => Ok(i.map(|b| *b)),
            r => Err(unexpected(&r)),
        }
    }

    fn unit_totals(
        &self,
        year: u16,
        units: Option<&[String]>,
    ) -> Result<Vec<UnitTotals>, WorkbenchError> {
        let units = units.map(<[String]>::to_vec);
        match self.shared.ask(Request::UnitTotals { year, units })? {
            Reply::UnitTotals(t) => Ok(t),
            r => Err(unexpected(&r)),
        }
    }

    fn unit_states(&self, year: u16) -> Result<Vec<(String, UnitState)>, WorkbenchError> {
        match self.shared.ask(Request::UnitStates { year })? {
            Reply::UnitStates(s) => Ok(s),
            r => Err(unexpected(&r)),
        }
    }

    fn rounds(&self, year: u16) -> Result<Vec<Round>, WorkbenchError> {
        match self.shared.ask(Request::Rounds { year })? {
            Reply::Rounds(r) => Ok(r),
            r => Err(unexpected(&r)),
        }
    }

    fn official(&self, year: u16) -> Result<Option<Official>, WorkbenchError> {
        match self.shared.ask(Request::Official { year })? {
            Reply::Official(o) => Ok(o),
            r => Err(unexpected(&r)),
        }
    }
    fn assignments(&self, year: u16) -> Result<Assignments, WorkbenchError> {
        match self.shared.ask(Request::Assignments { year })? {
            Reply::Assignments(a) => Ok(a),
            r => Err(unexpected(&r)),
        }
    }
    fn published(&self, year: u16) -> Result<Option<domain::Published>, WorkbenchError> {
        match self.shared.ask(Request::Published { year })? {
            Reply::Published(p) => Ok(p.map(|p| *p)),
            r => Err(unexpected(&r)),
        }
    }

    fn published_years(&self) -> Result<Vec<u16>, WorkbenchError> {
        match self.shared.ask(Request::PublishedYears)? {
            Reply::PublishedYears(y) => Ok(y),
            r => Err(unexpected(&r)),
        }
    }

    fn responses(&self, year: u16) -> Result<Vec<domain::ResponseBatch>, WorkbenchError> {
        match self.shared.ask(Request::Responses { year })? {
            Reply::Responses(b) => Ok(b),
            r => Err(unexpected(&r)),
        }
    }

    fn history(&self, query: &HistoryQuery) -> Result<Vec<Event>, WorkbenchError> {
        let (parts, reply) = self.shared.call(Request::History(query.clone()), true)?;
        let Reply::Events(rest) = reply else {
            return Err(unexpected(&reply));
        };
        Ok(events_of(parts, rest))
    }

    /// Gives each part of the history to `page` as it arrives. Not retried: `page` may have
    /// taken part of it.
    fn history_pages(
        &self,
        query: &HistoryQuery,
        page: &mut dyn FnMut(Vec<Event>) -> Result<(), WorkbenchError>,
    ) -> Result<(), WorkbenchError> {
        let conn = self.shared.live()?;
        let id = self.shared.next_id.fetch_add(1, Ordering::Relaxed);
        let rx = conn
            .send(id, Request::History(query.clone()))
            .map_err(|e| match e {
                conn::NotSent::TooLarge { len, max } => too_large(len, max),
                conn::NotSent::Failed => lost(&self.shared.dir, "cannot send", false),
            })?;
        loop {
            match rx.recv() {
                Ok(Incoming::Part(Part::Events(events))) => page(events)?,
                Ok(Incoming::Part(_)) => {}
                Ok(Incoming::Reply(Ok(Reply::Events(rest)))) => {
                    return if rest.is_empty() { Ok(()) } else { page(rest) };
                }
                Ok(Incoming::Reply(Ok(r))) => return Err(unexpected(&r)),
                Ok(Incoming::Reply(Err(e))) => return Err(e),
                Ok(Incoming::Lost(reason)) => return Err(lost(&self.shared.dir, &reason, false)),
                Err(_) => return Err(lost(&self.shared.dir, "the connection ended", false)),
            }
        }
    }

    fn apply(&self, command: Command) -> Result<Vec<Event>, WorkbenchError> {
        let (parts, reply) = self.shared.call(Request::Apply(command), false)?;
        let Reply::Applied(rest) = reply else {
            return Err(unexpected(&reply));
        };
        Ok(events_of(parts, rest))
    }

    fn seal(&self) -> Result<domain::Seal, WorkbenchError> {
        match self.shared.call(Request::Seal, true)?.1 {
            Reply::Seal(s) => Ok(s),
            r => Err(unexpected(&r)),
        }
    }

    fn plan(&self, command: Command) -> Result<Vec<NewEvent>, WorkbenchError> {
        // An import is sent in pieces, however large.
        let command = match command.into_import() {
            Ok((head, rows)) => {
                let mut rows = Some(rows);
                let mut feed = || rows.take().map_or(Feed::End, Feed::Rows);
                return Ok(self.plan_import(head, &mut feed)?.unwrap_or_default());
            }
            Err(command) => *command,
        };
        let (parts, reply) = self.shared.call(Request::Plan(command), false)?;
        let Reply::Planned(rest) = reply else {
            return Err(unexpected(&reply));
        };
        let mut out = Vec::new();
        for p in parts {
            if let Part::Planned(v) = p {
                out.extend(v);
            }
        }
        out.extend(rest);
        Ok(out)
    }

    fn apply_count(&self, command: Command) -> Result<usize, WorkbenchError> {
        // An import is sent in pieces, however large.
        let command = match command.into_import() {
            Ok((head, rows)) => {
                let mut rows = Some(rows);
                let mut feed = || rows.take().map_or(Feed::End, Feed::Rows);
                return Ok(self.import(head, &mut feed)?.unwrap_or(0));
            }
            Err(command) => *command,
        };
        match self.shared.call(Request::ApplySummary(command), false)?.1 {
            Reply::AppliedSummary { events, .. } => Ok(events as usize),
            r => Err(unexpected(&r)),
        }
    }

    fn import(
        &self,
        head: ImportHead,
        feed: &mut dyn FnMut() -> Feed,
    ) -> Result<Option<usize>, WorkbenchError> {
        match self.stream_import(head, false, feed)? {
            Streamed::Abandoned => Ok(None),
            Streamed::Answered(_, Reply::AppliedSummary { events, .. }) => {
                Ok(Some(events as usize))
            }
            Streamed::Answered(_, r) => Err(unexpected(&r)),
        }
    }

    fn plan_import(
        &self,
        head: ImportHead,
        feed: &mut dyn FnMut() -> Feed,
    ) -> Result<Option<Vec<NewEvent>>, WorkbenchError> {
        match self.stream_import(head, true, feed)? {
            Streamed::Abandoned => Ok(None),
            Streamed::Answered(parts, Reply::Planned(rest)) => {
                let mut out = Vec::new();
                for p in parts {
                    if let Part::Planned(v) = p {
                        out.extend(v);
                    }
                }
                out.extend(rest);
                Ok(Some(out))
            }
            Streamed::Answered(_, r) => Err(unexpected(&r)),
        }
    }

    fn subscribe(&self) -> Receiver<Notice> {
        let (tx, rx) = unbounded();
        let first = {
            let mut subs = lock(&self.shared.subscribers);
            subs.push(tx);
            subs.len() == 1
        };
        if first {
            // From the server's answer on, every committed event comes as a notice. If the
            // connection is lost first, the reconnection asks for notices (there is a
            // subscriber now) and catches up from the last event seen.
            if let Ok(Reply::LastSeq(seq)) = self.shared.ask(Request::Subscribe) {
                let mut last = lock(&self.shared.last_seq);
                *last = (*last).max(seq);
            }
        }
        rx
    }

    fn draft(&self, key: &ItemKey) -> Result<Option<Draft>, WorkbenchError> {
        match self.shared.ask(Request::Draft { key: key.clone() })? {
            Reply::Draft(d) => Ok(d),
            r => Err(unexpected(&r)),
        }
    }

    fn put_draft(&self, key: &ItemKey, draft: &Draft) -> Result<(), WorkbenchError> {
        match self.shared.ask(Request::PutDraft {
            key: key.clone(),
            draft: draft.clone(),
        })? {
            Reply::Done => Ok(()),
            r => Err(unexpected(&r)),
        }
    }

    fn delete_draft(&self, key: &ItemKey) -> Result<(), WorkbenchError> {
        match self.shared.ask(Request::DeleteDraft { key: key.clone() })? {
            Reply::Done => Ok(()),
            r => Err(unexpected(&r)),
        }
    }

    fn last_seq(&self) -> Result<u64, WorkbenchError> {
        match self.shared.ask(Request::LastSeq)? {
            Reply::LastSeq(s) => Ok(s),
            r => Err(unexpected(&r)),
        }
    }

    fn set_presence(
        &self,
        unit: Option<(u16, String)>,
        editing: Option<ItemKey>,
    ) -> Result<(), WorkbenchError> {
        *lock(&self.shared.my_presence) = Some((unit.clone(), editing.clone()));
        match self.shared.ask(Request::Presence { unit, editing })? {
            Reply::Done => Ok(()),
            r => Err(unexpected(&r)),
        }
    }

    fn presence(&self) -> Vec<PresenceEntry> {
        lock(&self.shared.presence).clone()
    }

    fn session(&self) -> Option<u64> {
        Some(lock(&self.shared.welcome).session)
    }

    fn connection(&self) -> ConnectionState {
        lock(&self.shared.state).clone()
    }

    fn verify(&self) -> Result<VerifyReport, WorkbenchError> {
        match self.shared.ask(Request::Verify)? {
            Reply::Verify(r) => Ok(r),
            r => Err(unexpected(&r)),
        }
    }

    /// Streams the backup into `out` as it arrives. Not retried: `out` may hold part of it.
    fn backup(
        &self,
        out: &mut dyn std::io::Write,
    ) -> Result<domain::BackupSummary, WorkbenchError> {
        let conn = self.shared.live()?;
        let id = self.shared.next_id.fetch_add(1, Ordering::Relaxed);
        let rx = conn.send(id, Request::Backup).map_err(|e| match e {
            conn::NotSent::TooLarge { len, max } => too_large(len, max),
            conn::NotSent::Failed => lost(&self.shared.dir, "cannot send", false),
        })?;
        let write_err = |e: std::io::Error| WorkbenchError::Store {
            vi: format!("không ghi được bản sao lưu: {e}"),
            en: format!("cannot write the backup: {e}"),
        };
        loop {
            match rx.recv() {
                Ok(Incoming::Part(Part::Backup(text))) => {
                    out.write_all(text.as_bytes()).map_err(write_err)?
                }
                Ok(Incoming::Part(_)) => {}
                Ok(Incoming::Reply(Ok(Reply::BackupDone(summary)))) => {
                    out.flush().map_err(write_err)?;
                    return Ok(summary);
                }
                Ok(Incoming::Reply(Ok(r))) => return Err(unexpected(&r)),
                Ok(Incoming::Reply(Err(e))) => return Err(e),
                Ok(Incoming::Lost(reason)) => return Err(lost(&self.shared.dir, &reason, false)),
                Err(_) => return Err(lost(&self.shared.dir, "the connection ended", false)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Vietnamese message of a lost connection holds no English of the client's own (the
    /// issue 12 re-test saw "(cannot send)" in it).
    #[test]
    fn a_lost_connection_is_said_in_vietnamese() {
        let dir = Path::new("/srv/par");
        for reason in [
            "cannot send",
            "closed",
            "the connection ended",
            "the server closed the connection",
        ] {
            let WorkbenchError::Unavailable { vi, en } = lost(dir, reason, false) else {
                panic!("not Unavailable");
            };
            assert!(!vi.contains(reason), "{vi}");
            assert!(en.contains(reason), "{en}");
        }
        assert_eq!(
            reason_vi("sending failed: Broken pipe (os error 32)"),
            "gửi không được: Broken pipe (os error 32)"
        );
    }
}
