//! The shared server (SPEC S1–S4, R2, R5, W11) with an in-process server on a temporary store
//! and remote workbenches as its clients (all run as this OS user, which is what the server
//! sees through the socket's peer credentials).

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use api::WorkbenchError;
use api::{ConnectionState, HistoryQuery, Notice, Workbench};
use common::{YEAR, key, p, setup};
use domain::Draft;
use domain::{Change, Command, ItemKey, Role};
use net::client::{ClientError, ConnectOptions, RemoteWorkbench};
use net::protocol::Refusal;
use net::server::{ServeOptions, Server, start};

/// Bound for anything that should happen promptly (not a timing assertion: only a limit so a
/// broken build fails instead of hanging).
const PATIENCE: Duration = Duration::from_secs(20);

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

fn only_connect() -> ConnectOptions {
    ConnectOptions {
        start_server: false,
        ..ConnectOptions::default()
    }
}

fn client(dir: &Path) -> RemoteWorkbench {
    RemoteWorkbench::connect(dir, &only_connect()).expect("connect")
}

/// Receive notices until `pred` holds for one, within PATIENCE.
fn wait_for(rx: &crossbeam_channel::Receiver<Notice>, mut pred: impl FnMut(&Notice) -> bool) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(n) if pred(&n) => return,
            Ok(_) => {}
            Err(e) => panic!("the expected notice did not come: {e}"),
        }
    }
}

/// One acknowledged write: the item and the version it produced, and the text written.
#[derive(Debug, Clone)]
struct Ack {
    key: ItemKey,
    version: u64,
    justification: String,
}

#[test]
fn eight_clients_editing_the_same_items_lose_no_update_and_every_refusal_is_a_conflict() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Appraiser);
    let server = serve(dir);
    let keys = [
        key("44", "1.1.1"),
        key("44", "1.1.2"),
        key("67", "1.1.1"),
        key("67", "2.1.1"),
    ];
    let scores = ["0.5", "1", "1.25", "1.5", "0.75"];
    let initial: HashMap<ItemKey, u64> = {
        let c = client(dir);
        keys.iter()
            .map(|k| (k.clone(), c.item(k).unwrap().unwrap().version))
            .collect()
    };
    const CLIENTS: usize = 8;
    const WRITES: usize = 15;
    let barrier = Arc::new(Barrier::new(CLIENTS));
    let start_seq = client(dir).last_seq().unwrap();
    let handles: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let dir = dir.to_path_buf();
            let keys = keys.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let wb = client(&dir);
                let notices = wb.subscribe();
                let mut acks = Vec::new();
                let mut conflicts = 0usize;
                // Phase 1: all read the same version, then all write it at once: exactly one
                // write can win, every other one must be told it is a conflict.
                let k0 = &keys[0];
                let seen = wb.item(k0).unwrap().unwrap().version;
                barrier.wait();
                let text = format!("c{c} phase 1: thiếu văn bản kiểm chứng");
                match wb.apply(Command::Adjust {
                    key: k0.clone(),
                    score: p("0.25"),
                    justification: text.clone(),
                    expected: seen,
                }) {
                    Ok(ev) => acks.push(ack_of(&ev, &text)),
                    Err(WorkbenchError::Conflict {
                        expected, current, ..
                    }) => {
                        assert_eq!(expected, seen);
                        assert!(current.version > seen);
                        conflicts += 1;
                    }
                    Err(e) => panic!("client {c}: a refused write must be a conflict: {e}"),
                }
                // Phase 2: overlapping writes, each retried on conflict until it lands.
                for n in 0..WRITES {
                    let k = &keys[(c + n) % keys.len()];
                    let text = format!("c{c} write {n}: thiếu văn bản kiểm chứng");
                    let score = p(scores[(c * 7 + n) % scores.len()]);
                    loop {
                        let v = wb.item(k).unwrap().unwrap().version;
                        match wb.apply(Command::Adjust {
                            key: k.clone(),
                            score,
                            justification: text.clone(),
                            expected: v,
                        }) {
                            Ok(ev) => {
                                acks.push(ack_of(&ev, &text));
                                break;
                            }
                            Err(WorkbenchError::Conflict { .. }) => conflicts += 1,
                            Err(e) => panic!("client {c}: a refused write must be a conflict: {e}"),
                        }
                    }
                }
                (acks, conflicts, notices, wb)
            })
        })
        .collect();
    let mut acks: Vec<Ack> = Vec::new();
    let mut conflicts = 0;
    let mut listeners = Vec::new();
    for h in handles {
        let (a, c, rx, wb) = h.join().expect("client thread");
        acks.extend(a);
        conflicts += c;
        listeners.push((rx, wb));
    }
    assert_eq!(
        acks.len(),
        1 + CLIENTS * WRITES,
        "one phase-1 winner plus every write"
    );
    assert!(
        conflicts >= CLIENTS - 1,
        "phase 1 has {} losers",
        CLIENTS - 1
    );

    // No lost update: per item, the acknowledged writes produced versions initial+1 ..= final,
    // each exactly once, and the item holds the text of the last one.
    let check = client(dir);
    let mut by_key: BTreeMap<ItemKey, Vec<Ack>> = BTreeMap::new();
    for a in &acks {
        by_key.entry(a.key.clone()).or_default().push(a.clone());
    }
    for k in &keys {
        let item = check.item(k).unwrap().unwrap();
        let mut mine = by_key.remove(k).unwrap_or_default();
        mine.sort_by_key(|a| a.version);
        assert_eq!(
            item.version,
            initial[k] + mine.len() as u64,
            "{k}: final version = initial + acknowledged writes"
        );
        let versions: Vec<u64> = mine.iter().map(|a| a.version).collect();
        let want: Vec<u64> = (initial[k] + 1..=item.version).collect();
        assert_eq!(
            versions, want,
            "{k}: every acknowledged write has its own version"
        );
        assert_eq!(
            item.appraisal.justification,
            mine.last().unwrap().justification
        );
    }

    // Every client heard every committed event once, in order.
    let last = check.last_seq().unwrap();
    assert_eq!(last, start_seq + acks.len() as u64);
    for (rx, _wb) in &listeners {
        let mut seqs = Vec::new();
        let deadline = Instant::now() + PATIENCE;
        while seqs.last().copied().unwrap_or(start_seq) < last {
            match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(Notice::Committed(evs)) => seqs.extend(evs.iter().map(|e| e.body.seq)),
                Ok(_) => {}
                Err(e) => panic!("notices stopped at {seqs:?}: {e}"),
            }
        }
        let want: Vec<u64> = (start_seq + 1..=last).collect();
        assert_eq!(seqs, want);
    }

    // The final state equals the replay of the log.
    let report = check.verify().unwrap();
    assert!(report.ok(), "{report:?}");
    drop(listeners);
    drop(check);
    assert!(server.wait_stopped().contains("asked"));
}

fn ack_of(events: &[domain::Event], text: &str) -> Ack {
    assert_eq!(events.len(), 1);
    match &events[0].body.change {
        Change::Appraised {
            key,
            version,
            after,
            ..
        } => {
            assert_eq!(after.justification, text);
            Ack {
                key: key.clone(),
                version: *version,
                justification: text.to_string(),
            }
        }
        other => panic!("unexpected change {other:?}"),
    }
}

/// Stop the server and wait for it.
trait StopAndWait {
    fn wait_stopped(self) -> String;
}

impl StopAndWait for Server {
    fn wait_stopped(self) -> String {
        self.stop("asked by the test");
        self.wait()
    }
}

#[test]
fn a_non_member_is_refused_with_the_leads_who_can_add_them() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    drop(setup(dir)); // members: lead, an, kiemtra — not this OS user
    let _server = serve(dir);
    match RemoteWorkbench::connect(dir, &only_connect()) {
        Err(ClientError::Refused {
            refusal: Refusal::NotMember(WorkbenchError::NotMember { user, leads }),
            ..
        }) => {
            assert_eq!(user, me());
            assert_eq!(leads, vec!["lead".to_string()]);
        }
        Err(e) => panic!("expected a membership refusal, got: {e}"),
        Ok(_) => panic!("a non-member was let in"),
    }
    // The same through the command line, whatever USER or LOGNAME claim (SPEC R5).
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_thamdinh"))
        .args(["--lang", "en", "--store"])
        .arg(dir)
        .args(["member", "list"])
        .env("USER", "lead")
        .env("LOGNAME", "lead")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&me()) && err.contains("not a member of this store") && err.contains("(lead)"),
        "{err}"
    );
}

#[test]
fn an_auditor_reads_everything_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Auditor);
    let _server = serve(dir);
    let wb = client(dir);
    assert_eq!(wb.user(), me());
    assert_eq!(wb.role().unwrap(), Some(Role::Auditor));
    let k = key("44", "1.1.1");
    let item = wb.item(&k).unwrap().unwrap();
    assert_eq!(wb.items(YEAR, Some("44")).unwrap().len(), 4);
    let err = wb
        .apply(Command::Agree {
            key: k.clone(),
            expected: item.version,
        })
        .unwrap_err();
    assert!(
        matches!(&err, WorkbenchError::ReadOnly { user } if *user == me()),
        "{err:?}"
    );
    assert_eq!(wb.item(&k).unwrap().unwrap().version, item.version);
    // Nor drafts: they take the store's disk like anything written (SPEC S5).
    let draft = Draft {
        text: "x".repeat(1 << 20),
        score: "1".into(),
        updated: jiff::Timestamp::now(),
    };
    assert_eq!(
        wb.put_draft(&k, &draft),
        Err(WorkbenchError::ReadOnly { user: me() })
    );
    assert_eq!(wb.draft(&k).unwrap(), None);
}

#[test]
fn presence_reaches_every_client_and_leaving_is_seen() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Appraiser);
    let _server = serve(dir);
    let a = client(dir);
    let b = client(dir);
    let seen_by_b = b.subscribe();
    let k = key("44", "1.1.2");
    a.set_presence(Some((YEAR, "44".into())), Some(k.clone()))
        .unwrap();
    let a_session = a.session().unwrap();
    wait_for(&seen_by_b, |n| {
        matches!(n, Notice::Presence(list) if list.iter().any(|e| {
            e.session == a_session && e.unit == Some((YEAR, "44".into())) && e.editing.as_ref() == Some(&k)
        }))
    });
    assert!(
        b.presence()
            .iter()
            .any(|e| e.session == a_session && e.user == me())
    );
    drop(a);
    wait_for(
        &seen_by_b,
        |n| matches!(n, Notice::Presence(list) if list.iter().all(|e| e.session != a_session)),
    );
}

/// Presence is shown to everyone connected, so it names a plain unit code and an item that
/// exists (the issue 13 re-test: an auditor "edited" an item that does not exist, and a 60 KB
/// unit name was sent to every workbench).
#[test]
fn presence_of_an_unknown_item_or_an_odd_unit_is_refused_and_shown_to_nobody() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Auditor);
    let _server = serve(dir);
    let a = client(dir);
    let b = client(dir);
    let long = "x".repeat(60_000);
    let refused = [
        (Some((YEAR, long.clone())), None),
        (Some((YEAR, "44\u{1b}[2J".into())), None),
        (Some((YEAR, "44 ".into())), None),
        (None, Some(key("44", "9.9.9"))),
        (None, Some(key("44", "\n1.1.2\u{2028}"))),
        (None, Some(key(&long, "1.1.2"))),
    ];
    for (unit, editing) in refused {
        let r = a.set_presence(unit.clone(), editing.clone());
        match &r {
            Err(WorkbenchError::UnknownUnit { unit: shown, .. })
            | Err(WorkbenchError::UnknownCriterion { code: shown, .. }) => {
                assert!(
                    shown.chars().count() <= 70,
                    "echoed whole: {} chars",
                    shown.len()
                );
                assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
            }
            other => panic!("presence {unit:?} {editing:?} was not refused: {other:?}"),
        }
    }
    // A sound presence still goes through, and only it is seen.
    let seen = b.subscribe();
    let k = key("44", "1.1.2");
    a.set_presence(Some((YEAR, "44".into())), Some(k.clone()))
        .unwrap();
    let a_session = a.session().unwrap();
    wait_for(
        &seen,
        |n| matches!(n, Notice::Presence(list) if list.iter().any(|e| e.session == a_session)),
    );
    let mine: Vec<_> = b
        .presence()
        .into_iter()
        .filter(|e| e.session == a_session)
        .collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].unit, Some((YEAR, "44".into())));
    assert_eq!(mine[0].editing.as_ref(), Some(&k));
}

#[test]
fn a_change_by_one_client_is_pushed_to_the_other() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Appraiser);
    let _server = serve(dir);
    let a = client(dir);
    let b = client(dir);
    let heard = b.subscribe();
    let k = key("67", "2.1.1");
    let v = a.item(&k).unwrap().unwrap().version;
    let events = a
        .apply(Command::Adjust {
            key: k.clone(),
            score: p("3"),
            justification: "Hồ sơ trễ hạn 12% so với kế hoạch".into(),
            expected: v,
        })
        .unwrap();
    let seq = events[0].body.seq;
    wait_for(
        &heard,
        |n| matches!(n, Notice::Committed(evs) if evs.iter().any(|e| e.body.seq == seq)),
    );
    assert_eq!(
        b.item(&k).unwrap().unwrap().appraisal.justification,
        "Hồ sơ trễ hạn 12% so với kế hoạch"
    );
}

#[test]
fn drafts_history_backup_and_year_work_through_the_server() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Appraiser);
    let _server = serve(dir);
    let wb = client(dir);
    let k = key("44", "1.1.1");
    let draft = Draft {
        text: "Chưa có văn bản".into(),
        score: "1,".into(),
        updated: jiff::Timestamp::now(),
    };
    wb.put_draft(&k, &draft).unwrap();
    assert_eq!(wb.draft(&k).unwrap(), Some(draft.clone()));
    // Checked by the engine behind the server: a text over the limit, an unknown item.
    let long = Draft {
        text: "x".repeat(domain::limits::LONG_TEXT + 1),
        ..draft.clone()
    };
    assert!(matches!(
        wb.put_draft(&k, &long),
        Err(WorkbenchError::TooLong {
            field: domain::limits::TextField::DraftText,
            ..
        })
    ));
    assert!(matches!(
        wb.put_draft(&key("44", "9.9.9"), &draft),
        Err(WorkbenchError::UnknownCriterion { .. })
    ));
    assert_eq!(
        wb.draft(&k).unwrap(),
        Some(draft.clone()),
        "the kept draft stands"
    );
    wb.delete_draft(&k).unwrap();
    assert_eq!(wb.draft(&k).unwrap(), None);

    let y = wb.year(YEAR).unwrap();
    assert_eq!(y.units.units.len(), 2);
    assert!(
        Arc::ptr_eq(&y, &wb.year(YEAR).unwrap()),
        "parsed once per year"
    );
    assert!(matches!(
        wb.year(1999),
        Err(WorkbenchError::UnknownYear { year: 1999 })
    ));

    let all = wb.history(&HistoryQuery::default()).unwrap();
    assert_eq!(all.len() as u64, wb.last_seq().unwrap());
    let unit = wb
        .history(&HistoryQuery {
            year: Some(YEAR),
            unit: Some("44".into()),
            ..HistoryQuery::default()
        })
        .unwrap();
    assert!(!unit.is_empty() && unit.len() < all.len());

    let mut backup = Vec::new();
    let summary = wb.backup(&mut backup).unwrap();
    let n = summary.events;
    assert_eq!(n, all.len() as u64);
    let text = String::from_utf8(backup).unwrap();
    // A header, one line per event, a trailer.
    assert_eq!(text.lines().count() as u64, n + 2);
    // The streamed backup restores into an equal store, with the same seal.
    let other = tmp.path().join("restored");
    let restored = store::Store::restore(&other, &mut std::io::Cursor::new(text)).unwrap();
    let report = restored.verify().unwrap();
    assert!(report.ok());
    assert_eq!(restored.last_seq(), n);
    assert_eq!(report.seal, summary.seal);
}

#[test]
fn long_answers_arrive_in_parts_and_whole() {
    // The demo store has 63 units × 88 leaves: more items than one part holds.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let lead = sample::demo::build(dir, &me(), Some(63)).unwrap();
    let local_items = lead.items(sample::demo::DEMO_YEAR, None).unwrap();
    let local_history = lead.history(&HistoryQuery::default()).unwrap();
    drop(lead);
    assert!(local_items.len() > net::protocol::CHUNK);
    let _server = serve(dir);
    let wb = client(dir);
    assert_eq!(
        wb.items(sample::demo::DEMO_YEAR, None).unwrap(),
        local_items
    );
    assert_eq!(wb.history(&HistoryQuery::default()).unwrap(), local_history);
    // A large import: its events come back in parts, and another client hears all of them.
    let other = client(dir);
    let heard = other.subscribe();
    let y = wb.year(sample::demo::DEMO_YEAR).unwrap();
    let rows = sample::self_rows(
        &y.framework,
        &y.units,
        &sample::SampleOptions {
            year: sample::demo::DEMO_YEAR,
            seed: 77,
            units: None,
        },
    );
    let before = wb.last_seq().unwrap();
    let events = wb
        .apply(Command::ImportSelf {
            year: sample::demo::DEMO_YEAR,
            rows,
        })
        .unwrap();
    assert!(events.len() > net::protocol::CHUNK, "{}", events.len());
    let seqs: Vec<u64> = events.iter().map(|e| e.body.seq).collect();
    assert_eq!(
        seqs,
        (before + 1..=before + events.len() as u64).collect::<Vec<_>>()
    );
    let mut got = 0;
    wait_for(&heard, |n| {
        if let Notice::Committed(evs) = n {
            got += evs.len();
        }
        got >= events.len()
    });
    assert_eq!(got, events.len());
}

#[test]
fn a_client_reconnects_to_a_restarted_server_and_catches_up() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Appraiser);
    let server = serve(dir);
    let watcher = client(dir);
    let notices = watcher.subscribe();
    let before = watcher.last_seq().unwrap();
    server.wait_stopped();
    wait_for(&notices, |n| {
        matches!(n, Notice::Connection(ConnectionState::Reconnecting))
    });
    // Another server comes up and someone commits while the watcher is away.
    let server = serve(dir);
    let writer = client(dir);
    let k = key("44", "1.1.2");
    let v = writer.item(&k).unwrap().unwrap().version;
    let seq = writer
        .apply(Command::Agree {
            key: k.clone(),
            expected: v,
        })
        .unwrap()[0]
        .body
        .seq;
    assert_eq!(seq, before + 1);
    // The watcher is connected again and hears of that change (delivered on reconnection if
    // it happened while it was away).
    let (mut got_event, mut connected) = (false, false);
    wait_for(&notices, |n| {
        match n {
            Notice::Committed(evs) => got_event |= evs.iter().any(|e| e.body.seq == seq),
            Notice::Connection(ConnectionState::Connected) => connected = true,
            _ => {}
        }
        got_event && (connected || watcher.connection() == ConnectionState::Connected)
    });
    assert_eq!(watcher.item(&k).unwrap().unwrap().version, v + 1);
    drop(server);
}

#[test]
fn a_protocol_mismatch_names_both_versions() {
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Appraiser);
    let _server = serve(dir);
    let mut s = std::os::unix::net::UnixStream::connect(dir.join("thamdinh.sock")).unwrap();
    let hello = serde_json::json!({"protocol": 999, "program": "thamdinh 9.9.9"});
    let frame = net::protocol::frame::encode(&hello).unwrap();
    s.write_all(&frame).unwrap();
    let reply: net::protocol::HelloReply = net::protocol::frame::read_msg(&mut s).unwrap();
    match reply {
        net::protocol::HelloReply::Refused(r @ Refusal::Version { .. }) => {
            let m = r.message(l10n::Lang::En);
            let ours = format!("version {}", net::protocol::PROTOCOL_VERSION);
            assert!(m.contains(&ours) && m.contains("version 999"), "{m}");
        }
        other => panic!("expected a version refusal, got {other:?}"),
    }
}

#[test]
fn garbage_on_the_socket_does_not_hurt_the_server() {
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Appraiser);
    let _server = serve(dir);
    // A huge length, a bad hello, and a half frame.
    for bytes in [
        vec![0xff, 0xff, 0xff, 0xff, 1, 2, 3],
        {
            let mut v = 5u32.to_be_bytes().to_vec();
            v.extend(b"nope!");
            v
        },
        vec![0, 0, 1],
    ] {
        let mut s = std::os::unix::net::UnixStream::connect(dir.join("thamdinh.sock")).unwrap();
        s.write_all(&bytes).unwrap();
        let _ = s.shutdown(std::net::Shutdown::Write);
        let mut sink = Vec::new();
        let _ = std::io::Read::read_to_end(&mut s, &mut sink);
    }
    // Still serving.
    assert_eq!(client(dir).role().unwrap(), Some(Role::Appraiser));
}

/// Wait for the server to stop by itself (bounded); returns why it stopped.
fn stopped_by_itself(server: Server) -> String {
    let (tx, rx) = crossbeam_channel::bounded(1);
    std::thread::spawn(move || tx.send(server.wait()));
    rx.recv_timeout(PATIENCE)
        .expect("the server should have stopped by itself")
}

#[test]
fn an_idle_server_stops_and_cleans_up_after_itself() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Appraiser);
    let server = start(
        dir,
        &ServeOptions {
            idle_exit: Some(Duration::from_secs(1)),
        },
    )
    .unwrap();
    assert!(dir.join("thamdinh.sock").exists() && dir.join("server.pid").exists());
    // A client comes and goes; the idle time counts from when it left.
    client(dir).role().unwrap();
    let why = stopped_by_itself(server);
    assert!(why.contains("no clients"), "{why}");
    assert!(!dir.join("thamdinh.sock").exists());
    assert!(!dir.join("server.pid").exists());
    // The store is free again.
    drop(serve(dir));
}

#[test]
fn a_server_whose_socket_is_removed_stops() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Appraiser);
    let server = serve(dir);
    std::fs::remove_file(dir.join("thamdinh.sock")).unwrap();
    let why = stopped_by_itself(server);
    assert!(why.contains("removed or replaced"), "{why}");
    assert!(!dir.join("server.pid").exists());
}

#[test]
fn a_server_that_cannot_start_is_reported_with_the_log_to_read() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Appraiser);
    for exe in ["/nonexistent/thamdinh", "/bin/true"] {
        let opts = ConnectOptions {
            server_exe: Some(exe.into()),
            start_wait: Duration::from_secs(5),
            ..ConnectOptions::default()
        };
        let err = match RemoteWorkbench::connect(dir, &opts) {
            Err(e) => e,
            Ok(_) => panic!("{exe} cannot serve"),
        };
        assert!(matches!(err, ClientError::Start { .. }), "{exe}: {err:?}");
        let m = err.message(l10n::Lang::En);
        assert!(
            m.starts_with(&format!("could not start the server for {}", dir.display()))
                && m.ends_with(&format!("see {}", dir.join("server.log").display())),
            "{m}"
        );
        assert!(
            err.message(l10n::Lang::Vi)
                .contains("không khởi động được máy chủ")
        );
    }
    // Not a store at all: said plainly, nothing started.
    let err = match RemoteWorkbench::connect(&dir.join("nothing"), &ConnectOptions::default()) {
        Err(e) => e,
        Ok(_) => panic!("not a store"),
    };
    assert!(matches!(err, ClientError::NotAStore { .. }), "{err:?}");
}
