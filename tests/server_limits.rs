//! The memory each connection can make the server hold is bounded (SPEC S5, P6): a small hello
//! with one deadline, a limited number of connections waiting for it, outgoing queues bounded
//! in bytes (a client that does not read is disconnected, the others go on), a catch-up sent in
//! pages, and answers cut by size whatever the texts they hold. Behaviour only: no assertion on
//! speed (PATIENCE only keeps a broken build from hanging).

mod common;

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::{Duration, Instant};

use api::{HistoryQuery, Notice, Workbench};
use common::{YEAR, key, p, setup};
use domain::{Change, Command, Evidence, NewEvent, Role, SelfRow};
use net::client::{ConnectOptions, RemoteWorkbench};
use net::protocol::frame;
use net::protocol::{
    ClientRequest, HELLO_MAX, Hello, HelloReply, PART_BYTES, PENDING_HELLOS, PROTOCOL_VERSION,
    Part, Refusal, Reply, Request, ServerMsg, WireNotice,
};
use net::server::{ServeOptions, Server, start};
use store::Store;

const PATIENCE: Duration = Duration::from_secs(30);

fn me() -> String {
    uzers::get_current_username()
        .expect("this test runs as a user with a passwd entry")
        .to_string_lossy()
        .into_owned()
}

/// The common test store plus this OS user as a member with `role`.
fn store_with_me(dir: &Path, role: Role) {
    let lead = setup(dir);
    lead.apply(Command::SetMember { user: me(), role })
        .expect("add this user");
}

fn serve(dir: &Path) -> Server {
    start(dir, &ServeOptions { idle_exit: None }).expect("start the server")
}

fn client(dir: &Path) -> RemoteWorkbench {
    let opts = ConnectOptions {
        start_server: false,
        ..ConnectOptions::default()
    };
    RemoteWorkbench::connect(dir, &opts).expect("connect")
}

fn connect(dir: &Path) -> UnixStream {
    UnixStream::connect(dir.join("thamdinh.sock")).expect("connect to the socket")
}

fn hello(since: Option<u64>, notices: bool) -> Vec<u8> {
    frame::encode(&Hello {
        protocol: PROTOCOL_VERSION,
        program: "server_limits test".into(),
        since,
        notices,
    })
    .unwrap()
}

/// Read one frame from the server (as large as it comes).
fn read_server<T: serde::de::DeserializeOwned>(s: &mut UnixStream) -> (T, usize) {
    let body = frame::read_frame(s, frame::LENGTH_MAX).expect("a frame from the server");
    let len = body.len();
    (frame::decode(&body).expect("a message"), len)
}

/// Say hello on a raw connection and read the welcome.
fn welcomed(s: &mut UnixStream, since: Option<u64>, notices: bool) -> net::protocol::Welcome {
    s.write_all(&hello(since, notices)).unwrap();
    match read_server::<HelloReply>(s).0 {
        HelloReply::Welcome(w) => w,
        HelloReply::Refused(r) => panic!("refused: {}", r.message(l10n::Lang::En)),
    }
}

/// Whether the server closed `s` (reads end, or fail as reset), waiting up to PATIENCE and
/// throwing away whatever was still in the socket.
fn closed_by_server(s: &mut UnixStream) -> bool {
    s.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut buf = vec![0u8; 64 * 1024];
    let start = Instant::now();
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) if start.elapsed() < PATIENCE => {}
            Ok(_) => return false,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return true,
            Err(_) => return false,
        }
    }
}

#[test]
fn a_hello_over_64_kib_is_refused_and_the_connection_closed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Appraiser);
    let _server = serve(dir);
    // A length over the limit: refused before anything else is read.
    let mut s = connect(dir);
    s.write_all(&((HELLO_MAX + 1) as u32).to_be_bytes())
        .unwrap();
    match read_server::<HelloReply>(&mut s).0 {
        HelloReply::Refused(r @ Refusal::BadHello { .. }) => {
            let m = r.message(l10n::Lang::En);
            assert!(m.contains(&format!("{}", HELLO_MAX + 1)), "{m}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(closed_by_server(&mut s));
    // A real hello padded past the limit: the same.
    let mut s = connect(dir);
    let big = frame::encode_up_to(
        &Hello {
            protocol: PROTOCOL_VERSION,
            program: "x".repeat(HELLO_MAX),
            since: None,
            notices: false,
        },
        frame::LENGTH_MAX,
    )
    .unwrap();
    let _ = s.write_all(&big);
    match read_server::<HelloReply>(&mut s).0 {
        HelloReply::Refused(Refusal::BadHello { .. }) => {}
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(closed_by_server(&mut s));
    // A hello within the limit is welcome.
    let mut s = connect(dir);
    welcomed(&mut s, None, false);
}

#[test]
fn a_hello_trickled_a_byte_a_second_is_cut_off_at_its_deadline() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Appraiser);
    let _server = serve(dir);
    let mut s = connect(dir);
    // A hello of 100 bytes, announced, then one byte a second: each byte comes well within any
    // timeout per read, but the hello as a whole would take 100 s.
    s.write_all(&100u32.to_be_bytes()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    let start = Instant::now();
    let mut sent = 0;
    let closed = loop {
        assert!(start.elapsed() < PATIENCE, "still open after {sent} bytes");
        if s.write_all(b" ").is_err() {
            break true;
        }
        sent += 1;
        let mut buf = [0u8; 256];
        match s.read(&mut buf) {
            Ok(0) => break true,
            Ok(_) => panic!("the server answered a hello it never got"),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => break true,
        }
    };
    assert!(closed);
    assert!(sent < 100, "the whole hello was read: {sent} bytes");
    // The server still serves.
    assert_eq!(client(dir).role().unwrap(), Some(Role::Appraiser));
}

#[test]
fn connections_waiting_for_their_hello_are_limited_and_the_limit_frees_up() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Appraiser);
    let _server = serve(dir);
    let mut waiting: Vec<UnixStream> = (0..PENDING_HELLOS).map(|_| connect(dir)).collect();
    // One more: closed at once, without reading or saying anything.
    let mut extra = connect(dir);
    assert!(
        closed_by_server(&mut extra),
        "the connection over the limit was kept"
    );
    // The ones within the limit were kept: one says hello now and is welcome.
    let w = welcomed(&mut waiting[0], None, false);
    assert_eq!(w.user, me());
    // Once they are gone, connections are taken again (the server sees them close in a
    // moment: a client retries).
    drop(waiting);
    let start = Instant::now();
    loop {
        let mut s = connect(dir);
        let _ = s.set_read_timeout(Some(PATIENCE));
        if s.write_all(&hello(None, false)).is_ok()
            && let Ok(body) = frame::read_frame(&mut s, frame::LENGTH_MAX)
        {
            let reply: HelloReply = frame::decode(&body).unwrap();
            assert!(matches!(reply, HelloReply::Welcome(_)), "{reply:?}");
            break;
        }
        assert!(start.elapsed() < PATIENCE, "never accepted again");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(client(dir).role().unwrap(), Some(Role::Appraiser));
}

/// Rows for the items of the test store with long texts: a note and evidence of about 180 KB.
fn heavy_rows(round: usize) -> Vec<SelfRow> {
    let mut rows = Vec::new();
    for unit in ["44", "67"] {
        for (leaf, score) in [("1.1.1", "2"), ("1.1.2", "1.5"), ("2.1.1", "4")] {
            rows.push(SelfRow {
                unit: unit.into(),
                leaf: leaf.into(),
                score: p(score),
                note: format!("Lần {round}: {}", "ghi chú dài ".repeat(1000)),
                evidence: (0..100)
                    .map(|n| Evidence {
                        number: format!("{n}/KH-UBND"),
                        title: format!("{round} {}", "t".repeat(900)),
                        date: "2024-01-10".into(),
                        link: format!("https://example.vn/{round}/{n}/{}", "l".repeat(850)),
                    })
                    .collect(),
            });
        }
    }
    rows
}

#[test]
fn a_client_that_does_not_read_is_cut_off_and_the_others_get_every_event() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Lead);
    let _server = serve(dir);
    // Asks for every committed event, then never reads.
    let mut slow = connect(dir);
    welcomed(&mut slow, None, true);
    let watcher = client(dir);
    let heard = watcher.subscribe();
    let writer = client(dir);
    // About 2.4 MB of notices per import: well past one connection's bound after ten.
    let mut committed = 0;
    for round in 0..10 {
        committed += writer
            .apply(Command::ImportSelf {
                year: YEAR,
                rows: heavy_rows(round),
            })
            .expect("import")
            .len();
    }
    // The watcher hears every event.
    let mut got = 0;
    let start = Instant::now();
    while got < committed {
        match heard.recv_timeout(PATIENCE.saturating_sub(start.elapsed())) {
            Ok(Notice::Committed(evs)) => got += evs.len(),
            Ok(_) => {}
            Err(e) => panic!("the watcher heard {got} of {committed} events: {e}"),
        }
    }
    assert_eq!(got, committed);
    // The slow one was disconnected: what it can still read ends before the last event.
    slow.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut seen = 0;
    loop {
        match frame::read_frame(&mut slow, frame::LENGTH_MAX) {
            Ok(body) => {
                if let Ok(ServerMsg::Notice(WireNotice::Committed(evs))) = frame::decode(&body) {
                    seen += evs.len();
                }
            }
            Err(e) => {
                assert!(e.is_disconnect(), "{e}");
                break;
            }
        }
    }
    assert!(seen < committed, "it was sent all {committed} events");
    // It is no longer among the sessions; the server still serves everyone else.
    let sessions = writer.status().unwrap().sessions;
    assert_eq!(sessions.len(), 2, "{sessions:?}");
    assert_eq!(writer.role().unwrap(), Some(Role::Lead));
}

/// A store of `me` (lead) with many events (one commit of 3,000) and large ones (reasons of
/// 3 MB), written directly as an older version might have.
fn store_with_many_events(dir: &Path) -> u64 {
    let store = Store::create(dir).unwrap();
    let member = |user: String, role| NewEvent {
        actor: "lead".into(),
        command: "set-member".into(),
        change: Change::MemberChanged {
            user,
            before: None,
            after: Some(role),
        },
        reason: String::new(),
    };
    let now = jiff::Timestamp::now;
    store.commit(now(), vec![member(me(), Role::Lead)]).unwrap();
    store
        .commit(
            now(),
            (0..3_000)
                .map(|n| member(format!("u{n}"), Role::Auditor))
                .collect(),
        )
        .unwrap();
    for n in 0..8 {
        let mut ev = member(format!("big{n}"), Role::Auditor);
        ev.reason = format!("{n} {}", "lý do ".repeat(3 * 1024 * 1024 / 8));
        store.commit(now(), vec![ev]).unwrap();
    }
    store.last_seq()
}

#[test]
fn a_catch_up_from_zero_arrives_whole_and_in_order_in_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let last = store_with_many_events(dir);
    let _server = serve(dir);
    let mut s = connect(dir);
    let w = welcomed(&mut s, Some(0), true);
    assert!(w.catch_up);
    assert_eq!(w.last_seq, last);
    let mut seqs = Vec::new();
    let mut pages = 0;
    while seqs.last() != Some(&last) {
        let (msg, len) = read_server::<ServerMsg>(&mut s);
        if let ServerMsg::Notice(WireNotice::Committed(evs)) = msg {
            pages += 1;
            // About a part's bytes: the budget plus the event that crossed it.
            let largest = evs
                .iter()
                .map(|e| serde_json::to_vec(e).unwrap().len())
                .max()
                .unwrap_or(0);
            assert!(
                len <= PART_BYTES + largest + 64 || evs.len() == 1,
                "a page of {len} bytes"
            );
            assert!(evs.len() <= net::protocol::CHUNK);
            seqs.extend(evs.iter().map(|e| e.body.seq));
        }
    }
    assert_eq!(seqs, (1..=last).collect::<Vec<_>>());
    // More pages than the count of events alone makes: the large events are cut by size.
    let by_count = last.div_ceil(net::protocol::CHUNK as u64);
    assert!(pages > by_count, "{pages} pages");
    // A workbench that reconnects from 0 catches up the same way, and the session goes on.
    s.write_all(
        &frame::encode(&ClientRequest {
            id: 1,
            request: Request::LastSeq,
        })
        .unwrap(),
    )
    .unwrap();
    loop {
        match read_server::<ServerMsg>(&mut s).0 {
            ServerMsg::Reply { id: 1, result } => {
                assert_eq!(result.unwrap(), Reply::LastSeq(last));
                break;
            }
            ServerMsg::Notice(_) => {}
            other => panic!("{other:?}"),
        }
    }
}

/// Give the six self-assessed items of the test store notes of `mb` megabytes, written
/// directly to the store as an older version (without text limits) could have.
fn huge_notes(dir: &Path, mb: usize) {
    let store = Store::open(dir).unwrap();
    let mut events = Vec::new();
    for unit in ["44", "67"] {
        for leaf in ["1.1.1", "1.1.2", "2.1.1"] {
            let k = key(unit, leaf);
            let item = store.item(&k).unwrap().expect("the item");
            let before = item.self_assessment.clone();
            let mut after = before.clone().expect("a self-assessment");
            after.note = format!("{unit}/{leaf}: {}", "chữ ".repeat(mb * 1024 * 1024 / 5));
            events.push(NewEvent {
                actor: "lead".into(),
                command: "import-self".into(),
                change: Change::SelfAssessed {
                    key: k,
                    version: item.version + 1,
                    before,
                    after,
                },
                reason: String::new(),
            });
        }
    }
    store.commit(jiff::Timestamp::now(), events).unwrap();
}

#[test]
fn answers_whose_rows_hold_megabytes_of_text_arrive_whole_in_parts() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Auditor);
    huge_notes(dir, 3);
    let (local_items, local_history) = {
        let local = engine::LocalWorkbench::new(Store::open(dir).unwrap(), "lead");
        (
            local.items(YEAR, None).unwrap(),
            local.history(&HistoryQuery::default()).unwrap(),
        )
    };
    let _server = serve(dir);
    let wb = client(dir);
    assert_eq!(wb.items(YEAR, None).unwrap(), local_items);
    assert_eq!(wb.history(&HistoryQuery::default()).unwrap(), local_history);
    // On the wire: parts of about PART_BYTES (each 3 MB note goes whole into one), then the
    // reply with the last of them.
    let mut s = connect(dir);
    welcomed(&mut s, None, false);
    s.write_all(
        &frame::encode(&ClientRequest {
            id: 7,
            request: Request::History(HistoryQuery::default()),
        })
        .unwrap(),
    )
    .unwrap();
    let mut events = Vec::new();
    let mut frames = 0;
    loop {
        let (msg, len) = read_server::<ServerMsg>(&mut s);
        frames += 1;
        // Two notes of 3 MB (before and after) in one event: 6 MB, and the budget.
        assert!(
            len < PART_BYTES + 13 * 1024 * 1024,
            "a frame of {len} bytes"
        );
        match msg {
            ServerMsg::Part {
                id: 7,
                part: Part::Events(evs),
            } => events.extend(evs),
            ServerMsg::Reply { id: 7, result } => {
                let Reply::Events(evs) = result.unwrap() else {
                    panic!("not events");
                };
                events.extend(evs);
                break;
            }
            ServerMsg::Notice(_) => frames -= 1,
            other => panic!("{other:?}"),
        }
    }
    assert!(frames >= 3, "{frames} frames");
    assert_eq!(events, local_history);
}

#[test]
fn an_auditors_request_over_their_limit_is_read_through_and_refused_the_session_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Auditor);
    let _server = serve(dir);
    let mut s = connect(dir);
    welcomed(&mut s, None, false);
    // An import of about 2 MB: over what a member who cannot write may send.
    let request = frame::encode(&ClientRequest {
        id: 5,
        request: Request::Apply(Command::ImportSelf {
            year: YEAR,
            rows: heavy_rows(0).into_iter().chain(heavy_rows(1)).collect(),
        }),
    })
    .unwrap();
    assert!(request.len() > net::protocol::READER_REQUEST_MAX);
    s.write_all(&request).unwrap();
    s.write_all(
        &frame::encode(&ClientRequest {
            id: 6,
            request: Request::LastSeq,
        })
        .unwrap(),
    )
    .unwrap();
    let mut answered = Vec::new();
    while answered.len() < 2 {
        if let ServerMsg::Reply { id, result } = read_server::<ServerMsg>(&mut s).0 {
            answered.push((id, result));
        }
    }
    assert!(
        matches!(&answered[0], (5, Err(api::WorkbenchError::ReadOnly { user })) if *user == me()),
        "{:?}",
        answered[0]
    );
    assert!(
        matches!(&answered[1], (6, Ok(Reply::LastSeq(_)))),
        "{:?}",
        answered[1]
    );
}

#[test]
fn one_user_may_hold_only_so_many_sessions_and_is_told_so() {
    use net::protocol::SESSIONS_PER_USER;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Auditor);
    let _server = serve(dir);
    let mut held: Vec<UnixStream> = (0..SESSIONS_PER_USER)
        .map(|_| {
            let mut s = connect(dir);
            welcomed(&mut s, None, false);
            s
        })
        .collect();
    // One more: refused with the limit, not welcomed (and not an "unknown user").
    let mut extra = connect(dir);
    extra.write_all(&hello(None, false)).unwrap();
    match read_server::<HelloReply>(&mut extra).0 {
        HelloReply::Refused(r @ Refusal::TooManySessions { .. }) => {
            assert_eq!(
                r,
                Refusal::TooManySessions {
                    user: me(),
                    open: SESSIONS_PER_USER,
                    max: SESSIONS_PER_USER,
                }
            );
            let vi = r.message(l10n::Lang::Vi);
            assert!(
                vi.contains(&format!(
                    "tài khoản {} đã mở {SESSIONS_PER_USER} kết nối",
                    me()
                )) && vi.contains(&format!("tối đa là {SESSIONS_PER_USER}"))
                    && vi.contains("hãy đóng bớt cửa sổ thamdinh"),
                "{vi}"
            );
        }
        other => panic!("expected a refusal for too many sessions, got {other:?}"),
    }
    assert!(closed_by_server(&mut extra));
    // A session that ends gives its place back (the server sees the close in a moment).
    drop(held.pop());
    let start = Instant::now();
    loop {
        let mut s = connect(dir);
        s.write_all(&hello(None, false)).unwrap();
        match read_server::<HelloReply>(&mut s).0 {
            HelloReply::Welcome(_) => break,
            HelloReply::Refused(Refusal::TooManySessions { .. }) => {
                assert!(start.elapsed() < PATIENCE, "the place was never given back");
                std::thread::sleep(Duration::from_millis(20));
            }
            HelloReply::Refused(r) => panic!("refused: {}", r.message(l10n::Lang::En)),
        }
    }
}

/// Finding 7 of the re-test: a whole-trail `audit` made the server hold every event of the
/// store at once. The history is now read a page at a time and each page given on (by the
/// engine, and by the client as the server's parts arrive).
#[test]
fn a_whole_history_is_read_and_sent_a_page_at_a_time() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let last = store_with_many_events(dir);
    let pages = |wb: &dyn Workbench, q: &HistoryQuery| {
        let mut pages: Vec<Vec<domain::Event>> = Vec::new();
        wb.history_pages(q, &mut |p| {
            pages.push(p);
            Ok(())
        })
        .unwrap();
        pages
    };
    let whole = HistoryQuery::default();
    let by_user = HistoryQuery {
        user: Some("lead".into()),
        ..HistoryQuery::default()
    };
    let local_all = {
        let local = engine::LocalWorkbench::new(Store::open(dir).unwrap(), me());
        let all = local.history(&whole).unwrap();
        assert_eq!(all.len() as u64, last);
        for q in [&whole, &by_user] {
            let p = pages(&local, q);
            assert!(p.len() > 1, "one page of {} events", p[0].len());
            assert!(p.iter().all(|p| !p.is_empty() && p.len() <= 256));
            assert_eq!(p.concat(), local.history(q).unwrap());
        }
        all
    };
    let _server = serve(dir);
    let wb = client(dir);
    let p = pages(&wb, &whole);
    assert!(p.len() > 1, "one page of {} events", p[0].len());
    assert_eq!(p.concat(), local_all);
    // The session goes on after it.
    assert_eq!(wb.history(&by_user).unwrap().len() as u64, last);
}
