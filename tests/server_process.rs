//! The real `thamdinh serve` process (SPEC S1, S4, R1, R5): SIGKILL during a stream of edits
//! from two clients loses no acknowledged edit; a second server on the same store is refused
//! with the first one's pid; a stale socket from a killed server is recovered by the next
//! client; a second OS user is identified by the kernel, refused until added, read-only as an
//! auditor (needs root to create that user; reported as ignored otherwise, with the reason).

mod common;

use std::collections::BTreeMap;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use api::WorkbenchError;
use api::{HistoryQuery, Notice, Workbench};
use common::os_user::{other_account, run_ok};
use common::{YEAR, key, p, setup};
use domain::{Change, Command as Cmd, ItemKey, Role};
use net::client::{ConnectOptions, RemoteWorkbench};
use net::server::paths;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const PATIENCE: Duration = Duration::from_secs(30);
const ROUNDS: usize = 12;

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_thamdinh"))
}

fn me() -> String {
    uzers::get_current_username()
        .expect("passwd entry")
        .to_string_lossy()
        .into_owned()
}

fn store_with_me(dir: &Path, role: Role) {
    let lead = setup(dir);
    lead.apply(Cmd::SetMember { user: me(), role })
        .expect("add this user");
}

/// Clients that start the real binary as their server when none answers.
fn starting() -> ConnectOptions {
    ConnectOptions {
        start_server: true,
        server_exe: Some(bin()),
        start_wait: Duration::from_secs(10),
        server_idle_exit: Some(Duration::from_secs(60)),
    }
}

fn cli(dir: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .args(["--lang", "en", "--store"])
        .arg(dir)
        .args(args)
        .output()
        .expect("run thamdinh")
}

/// `thamdinh serve` as a child of the test, once it answers.
fn spawn_serve(dir: &Path) -> Child {
    let child = Command::new(bin())
        .args(["serve", "--idle-exit", "0", "--store"])
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn serve");
    let only = ConnectOptions {
        start_server: false,
        ..ConnectOptions::default()
    };
    let deadline = Instant::now() + PATIENCE;
    while RemoteWorkbench::connect(dir, &only).is_err() {
        assert!(Instant::now() < deadline, "the server did not come up");
        std::thread::sleep(Duration::from_millis(10));
    }
    child
}

fn signal(pid: u32, sig: rustix::process::Signal) {
    let pid = rustix::process::Pid::from_raw(pid as i32).expect("a pid");
    rustix::process::kill_process(pid, sig).expect("signal the server");
}

/// Wait (bounded) until no live process is named in the pid file.
fn wait_server_gone(dir: &Path) {
    let deadline = Instant::now() + PATIENCE;
    while paths::read_pid(dir).is_some_and(paths::process_alive) {
        assert!(Instant::now() < deadline, "the server did not stop");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[derive(Debug)]
struct Ack {
    key: ItemKey,
    version: u64,
    text: String,
}

#[test]
fn sigkill_during_edits_from_two_clients_loses_no_acknowledged_edit() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    store_with_me(&dir, Role::Appraiser);
    let stop = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = [
        [key("44", "1.1.1"), key("44", "1.1.2")],
        [key("67", "1.1.1"), key("67", "1.1.2")],
    ]
    .into_iter()
    .enumerate()
    .map(|(c, keys)| {
        let (dir, stop, acked) = (dir.clone(), stop.clone(), acked.clone());
        std::thread::spawn(move || {
            let wb = RemoteWorkbench::connect(&dir, &starting()).expect("connect");
            let notices = wb.subscribe();
            let mut acks = Vec::new();
            let mut unsure = 0;
            let mut n = 0usize;
            while !stop.load(Ordering::Acquire) {
                let k = &keys[n % 2];
                let v = match wb.item(k) {
                    Ok(Some(item)) => item.version,
                    Ok(None) => panic!("{k} exists"),
                    // The server is being restarted; the next read reconnects.
                    Err(WorkbenchError::Unavailable { .. }) => continue,
                    Err(e) => panic!("client {c}: {e}"),
                };
                let text = format!("client {c} edit {n}: thiếu tài liệu kiểm chứng");
                let score = p(["0.5", "0.75", "1", "1.25"][n % 4]);
                match wb.apply(Cmd::Adjust {
                    key: k.clone(),
                    score,
                    justification: text.clone(),
                    expected: v,
                }) {
                    Ok(events) => {
                        let Change::Appraised { version, .. } = &events[0].body.change else {
                            panic!("unexpected event {events:?}");
                        };
                        acks.push(Ack {
                            key: k.clone(),
                            version: *version,
                            text,
                        });
                        acked.fetch_add(1, Ordering::AcqRel);
                    }
                    // Sent, but the server died before answering: it may or may not be saved.
                    Err(WorkbenchError::Unavailable { .. }) => unsure += 1,
                    Err(e) => panic!("client {c}: {e}"),
                }
                n += 1;
            }
            (acks, unsure, notices, wb)
        })
    })
    .collect();

    let mut rng = ChaCha8Rng::seed_from_u64(
        std::env::var("THAMDINH_KILL_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(9),
    );
    let mut killed = Vec::new();
    for round in 0..ROUNDS {
        // Kill only while edits are flowing through the current server.
        let target = acked.load(Ordering::Acquire) + 4;
        let deadline = Instant::now() + PATIENCE;
        while acked.load(Ordering::Acquire) < target {
            assert!(
                Instant::now() < deadline,
                "round {round}: edits stopped after {} acknowledgements",
                acked.load(Ordering::Acquire)
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(Duration::from_micros(rng.random_range(0..15_000)));
        let pid = paths::read_pid(&dir).expect("a pid file");
        assert!(!killed.contains(&pid), "round {round}: a new server runs");
        signal(pid, rustix::process::Signal::KILL);
        killed.push(pid);
    }
    // One more stretch of edits on the last restarted server, then stop.
    let target = acked.load(Ordering::Acquire) + 4;
    let deadline = Instant::now() + PATIENCE;
    while acked.load(Ordering::Acquire) < target {
        assert!(Instant::now() < deadline, "no edits after the last restart");
        std::thread::sleep(Duration::from_millis(1));
    }
    stop.store(true, Ordering::Release);
    let mut acks = Vec::new();
    let mut listeners = Vec::new();
    let mut unsure = 0;
    for h in clients {
        let (a, u, rx, wb) = h.join().expect("client thread");
        acks.extend(a);
        unsure += u;
        listeners.push((rx, wb));
    }
    assert_eq!(killed.len(), ROUNDS);
    println!(
        "{} servers killed, {} acknowledged edits, {unsure} edits cut off before their answer",
        killed.len(),
        acks.len()
    );

    // Every acknowledged edit is in the history of its item, with its version and text.
    let check = RemoteWorkbench::connect(&dir, &starting()).unwrap();
    let mut history: BTreeMap<ItemKey, BTreeMap<u64, String>> = BTreeMap::new();
    for a in &acks {
        let h = history.entry(a.key.clone()).or_insert_with(|| {
            check
                .history(&HistoryQuery {
                    year: Some(YEAR),
                    unit: Some(a.key.unit.clone()),
                    item: Some(a.key.leaf.clone()),
                    ..HistoryQuery::default()
                })
                .unwrap()
                .into_iter()
                .filter_map(|e| match e.body.change {
                    Change::Appraised { version, after, .. } => {
                        Some((version, after.justification))
                    }
                    _ => None,
                })
                .collect()
        });
        assert_eq!(
            h.get(&a.version),
            Some(&a.text),
            "acknowledged edit {a:?} is missing after {} kills",
            killed.len()
        );
    }
    assert!(check.verify().unwrap().ok());

    // Each client heard every committed event once and in order, across the restarts.
    let last = check.last_seq().unwrap();
    for (rx, _) in &listeners {
        let mut seqs: Vec<u64> = Vec::new();
        let deadline = Instant::now() + PATIENCE;
        while seqs.last().is_none_or(|s| *s < last) {
            match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(Notice::Committed(evs)) => seqs.extend(evs.iter().map(|e| e.body.seq)),
                Ok(_) => {}
                Err(e) => panic!("notices stopped at {:?}: {e}", seqs.last()),
            }
        }
        let first = seqs[0];
        assert_eq!(seqs, (first..=last).collect::<Vec<_>>());
    }
    drop(listeners);
    drop(check);
    if let Some(pid) = paths::read_pid(&dir).filter(|p| paths::process_alive(*p)) {
        signal(pid, rustix::process::Signal::TERM);
    }
    wait_server_gone(&dir);
}

#[test]
fn a_second_server_on_the_same_store_is_refused_with_the_first_ones_pid() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Lead);
    let mut first = spawn_serve(dir);
    assert_eq!(paths::read_pid(dir), Some(first.id()));
    let out = cli(dir, &["serve"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "store {} is already served by process {}",
            dir.display(),
            first.id()
        )),
        "{err}"
    );
    // The first one is untouched, and stops cleanly on SIGTERM: socket and pid file removed.
    assert!(cli(dir, &["member", "list"]).status.success());
    signal(first.id(), rustix::process::Signal::TERM);
    assert!(first.wait().unwrap().success());
    assert!(!paths::socket_path(dir).exists());
    assert!(!paths::pid_path(dir).exists());
}

#[test]
fn a_stale_socket_from_a_killed_server_is_recovered_by_the_next_client() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Lead);
    let mut dead = spawn_serve(dir);
    signal(dead.id(), rustix::process::Signal::KILL);
    dead.wait().unwrap();
    assert!(
        paths::socket_path(dir).exists(),
        "the killed server left its socket"
    );
    let out = cli(dir, &["member", "list"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains(&me()));
    let pid = paths::read_pid(dir).expect("a new server");
    assert_ne!(pid, dead.id());
    assert!(paths::process_alive(pid));
    signal(pid, rustix::process::Signal::TERM);
    wait_server_gone(dir);
}

#[test]
fn a_command_on_a_store_open_in_another_process_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Lead);
    // sled's background threads may hold the store a moment after it was closed.
    let deadline = Instant::now() + PATIENCE;
    let held = loop {
        match store::Store::open(dir) {
            Ok(s) => break s,
            Err(store::StoreError::InUse { .. }) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10))
            }
            Err(e) => panic!("{e}"),
        }
    };
    let out = cli(dir, &["member", "list"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    // It says which process holds the store, and nothing it does not know.
    assert!(
        err.contains(&format!("is open in process {}", std::process::id())),
        "{err}"
    );
    assert!(!err.contains("not a thamdinh server"), "{err}");
    drop(held);
    assert!(cli(dir, &["member", "list"]).status.success());
    if let Some(pid) = paths::read_pid(dir) {
        signal(pid, rustix::process::Signal::TERM);
    }
    wait_server_gone(dir);
}

#[test]
#[cfg_attr(
    not(thamdinh_root),
    ignore = "needs root to create a second OS user (.ci/run runs as root)"
)]
fn a_second_os_user_is_identified_by_the_kernel_and_checked_against_the_members() {
    assert!(
        rustix::process::geteuid().is_root(),
        "built as root, run as another user"
    );
    let other = other_account("sp");
    let (uid, gid) = (other.uid, other.gid);
    let name = &other.name;
    let tmp = tempfile::tempdir().unwrap();
    // The temporary folder must be traversable by the other user; the store itself is shared
    // through its group as docs/SHARED_STORE.md describes.
    std::fs::set_permissions(
        tmp.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let dir = tmp.path().join("store");
    store_with_me(&dir, Role::Lead);
    run_ok(Command::new("chgrp").arg(&other.group).arg(&dir));
    run_ok(Command::new("chmod").args(["2750"]).arg(&dir));
    let csv = tmp.path().join("self.csv");
    std::fs::write(&csv, "unit,code,self_score,note,evidence\n44,1.1.1,1.5,,\n").unwrap();
    std::fs::set_permissions(&csv, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();

    let _server = net::server::start(&dir, &net::server::ServeOptions { idle_exit: None }).unwrap();
    let as_other = |args: &[&str]| {
        Command::new(bin())
            .args(["--lang", "en", "--store"])
            .arg(&dir)
            .args(args)
            .uid(uid)
            .gid(gid)
            // Claims of identity in the environment change nothing (SPEC R5).
            .env("USER", me())
            .env("LOGNAME", me())
            .output()
            .expect("run thamdinh as the other user")
    };
    // Not a member yet: refused, naming who can add them.
    let out = as_other(&["member", "list"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("user {name} is not a member")) && err.contains(&me()),
        "{err}"
    );

    let lead = RemoteWorkbench::connect(
        &dir,
        &ConnectOptions {
            start_server: false,
            ..ConnectOptions::default()
        },
    )
    .unwrap();
    lead.apply(Cmd::SetMember {
        user: name.clone(),
        role: Role::Appraiser,
    })
    .unwrap();
    let out = as_other(&["doctor"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("User:") && text.contains(&format!("{name} — appraiser")),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = as_other(&["import", "self", csv.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events = lead
        .history(&HistoryQuery {
            user: Some(name.clone()),
            ..HistoryQuery::default()
        })
        .unwrap();
    assert_eq!(
        events.len(),
        1,
        "the import is recorded as the other user's"
    );

    // As an auditor the same user can read but not write.
    lead.apply(Cmd::SetMember {
        user: name.clone(),
        role: Role::Auditor,
    })
    .unwrap();
    assert!(as_other(&["member", "list"]).status.success());
    let out = as_other(&["import", "self", csv.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("auditor: read only"), "{err}");
}

/// Bytes of the journal's segments.
fn journal_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir.join("journal"))
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

#[test]
fn sigkill_in_the_middle_of_a_streamed_import_leaves_the_store_as_it_was() {
    // An import is written to the journal as its pieces arrive and made durable only at its end:
    // a server killed in the middle leaves an unfinished commit, which the next start cuts (it
    // was never acknowledged). Either the CLI was told the import is done and every row is there,
    // or it was not and nothing of it is; verify passes and the next import goes through.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let lead = sample::demo::build(&dir, &me(), Some(63)).expect("demo store");
    let y = lead.year(sample::demo::DEMO_YEAR).unwrap();
    let mut rows = sample::self_rows(
        &y.framework,
        &y.units,
        &sample::SampleOptions {
            year: sample::demo::DEMO_YEAR,
            seed: 5,
            units: None,
        },
    );
    // Long notes: the import writes several pieces of 4 MB to the journal before its end.
    for r in &mut rows {
        r.note.push_str(&" bổ sung ý kiến".repeat(300));
    }
    let file = tmp.path().join("self.csv");
    let mut csv = Vec::new();
    sample::write_self_csv(&rows, &mut csv).unwrap();
    std::fs::write(&file, csv).unwrap();
    drop(lead);

    let mut server = spawn_serve(&dir);
    let before = RemoteWorkbench::connect(&dir, &starting())
        .unwrap()
        .seal()
        .unwrap();
    let journal = journal_bytes(&dir);
    let mut import = Command::new(bin())
        .args(["--lang", "en", "--store"])
        .arg(&dir)
        .args(["import", "self"])
        .arg(&file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the import");
    // Kill the server once the import is writing (or has ended).
    let deadline = Instant::now() + PATIENCE;
    while journal_bytes(&dir) < journal + (1 << 20) && import.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "the import wrote nothing");
        std::thread::sleep(Duration::from_millis(1));
    }
    signal(server.id(), rustix::process::Signal::KILL);
    let _ = server.wait();
    let out = import.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    let done = out.status.success() && said.contains("Imported");
    eprintln!(
        "killed {} the import's end: {}{}",
        if done { "after" } else { "before" },
        said.trim(),
        String::from_utf8_lossy(&out.stderr).trim()
    );

    let verify = cli(&dir, &["verify"]);
    let report = String::from_utf8_lossy(&verify.stdout).into_owned();
    assert!(
        verify.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    let wb = RemoteWorkbench::connect(&dir, &starting()).unwrap();
    let after = wb.seal().unwrap();
    if done {
        assert!(after.seq > before.seq, "{after:?}");
    } else {
        assert_eq!(after, before);
    }
    // The journal goes on from there: the same import now goes through.
    drop(wb);
    let again = cli(&dir, &["import", "self", file.to_str().unwrap()]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert!(cli(&dir, &["verify"]).status.success());
    wait_server_gone_after_stop(&dir);
}

/// Stop the store's server (started by a command) and wait for it to be gone.
fn wait_server_gone_after_stop(dir: &Path) {
    if let Some(pid) = paths::read_pid(dir).filter(|p| paths::process_alive(*p)) {
        signal(pid, rustix::process::Signal::TERM);
    }
    wait_server_gone(dir);
}
