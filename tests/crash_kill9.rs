//! SPEC R1: kill -9 at random moments during a stream of edits. Every acknowledged edit is
//! present after reopening, `verify` passes, and no multi-event commit is half-applied.
//!
//! The test binary re-invokes itself as the writer (child mode, selected by `CHILD_ENV`), which
//! commits `Appraised` changes through `Store::commit` and prints one `ACK` line per committed
//! event only after `commit` returned. The parent SIGKILLs it at a seeded random moment, reopens
//! the store and checks. Set `THAMDINH_CRASH_SEED` to replay another sequence of kill moments.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use domain::NewEvent;
use domain::{Appraisal, Change, ItemKey, Points, Status};
use jiff::Timestamp;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use store::{Store, StoreError};

const CHILD_ENV: &str = "THAMDINH_CRASH_CHILD";
const ROUND_ENV: &str = "THAMDINH_CRASH_ROUND";
const ROUNDS: u64 = 40;
const UNITS: [&str; 3] = ["01", "44", "79"];
const LEAVES: [&str; 4] = ["1.1", "3.2.1", "3.2.2", "8.1"];

fn all_keys() -> Vec<ItemKey> {
    UNITS
        .iter()
        .flat_map(|u| LEAVES.iter().map(move |l| ItemKey::new(2024, *u, *l)))
        .collect()
}

/// The writer: commit edits until killed, acknowledging each committed event on stdout.
fn child(path: &Path, round: u64) {
    // The previous writer was killed and reaped, so its lock is gone; allow a moment anyway.
    let started = Instant::now();
    let store = loop {
        match Store::open(path) {
            Ok(s) => break s,
            Err(StoreError::InUse { .. }) if started.elapsed() < Duration::from_secs(5) => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => panic!("child cannot open the store: {e}"),
        }
    };
    let keys = all_keys();
    let mut rng = ChaCha8Rng::seed_from_u64(round);
    let mut out = std::io::stdout().lock();
    for n in 0u64.. {
        // Every fourth commit is a batch of three items, to catch half-applied transactions.
        let size = if n % 4 == 3 { 3 } else { 1 };
        let first = rng.random_range(0..keys.len());
        let mut events = Vec::new();
        for i in 0..size {
            let key = &keys[(first + i) % keys.len()];
            let item = store.item(key).expect("read item");
            let (version, before) = item
                .map(|it| (it.version, it.appraisal))
                .unwrap_or((0, Appraisal::default()));
            let after = Appraisal {
                proposed: Some(Points::from_hundredths(25 * rng.random_range(0..8))),
                justification: format!("r{round} n{n} {i}/{size}"),
                status: Status::Adjusted,
                ..Appraisal::default()
            };
            events.push(NewEvent {
                actor: "lan".into(),
                command: "adjust".into(),
                change: Change::Appraised {
                    key: key.clone(),
                    version: version + 1,
                    before,
                    after,
                },
                reason: String::new(),
            });
        }
        let committed = store.commit(Timestamp::now(), events).expect("commit");
        let mut text = String::new();
        for e in &committed {
            if let Change::Appraised { key, version, .. } = &e.body.change {
                text.push_str(&format!("ACK {} {key} {version} END\n", e.body.seq));
            }
        }
        out.write_all(text.as_bytes()).expect("stdout");
        out.flush().expect("stdout");
    }
}

/// (seq, key, version) from a complete `ACK` line.
fn parse_ack(line: &str) -> Option<(u64, String, u64)> {
    let mut w = line.strip_suffix('\n')?.split(' ');
    if w.next()? != "ACK" {
        return None;
    }
    let seq = w.next()?.parse().ok()?;
    let key = w.next()?.to_string();
    let version = w.next()?.parse().ok()?;
    (w.next()? == "END").then_some((seq, key, version))
}

#[test]
fn kill9_loses_no_acknowledged_edit() {
    if let Ok(path) = std::env::var(CHILD_ENV) {
        let round = std::env::var(ROUND_ENV)
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(0);
        child(Path::new(&path), round);
        return;
    }
    let seed: u64 = std::env::var("THAMDINH_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x7a11_d1a4);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kho");
    drop(Store::create(&path).unwrap());

    // key → highest acknowledged version; seq → (key, version) of every acknowledged event.
    let mut acked: HashMap<String, u64> = HashMap::new();
    let mut acked_events: BTreeMap<u64, (String, u64)> = BTreeMap::new();
    let started = Instant::now();
    for round in 0..ROUNDS {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "kill9_loses_no_acknowledged_edit", "--nocapture"])
            .env(CHILD_ENV, &path)
            .env(ROUND_ENV, (seed ^ round).to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            let mut lines = Vec::new();
            let mut line = String::new();
            while r.read_line(&mut line).unwrap_or(0) > 0 {
                if line.starts_with("ACK") {
                    let _ = tx.send(());
                }
                lines.push(std::mem::take(&mut line));
            }
            lines
        });
        // Most rounds kill mid-stream, some while the writer is still opening / recovering.
        let early = rng.random_range(0..4) == 0;
        if !early {
            rx.recv_timeout(Duration::from_secs(20))
                .expect("the writer acknowledged nothing");
        }
        std::thread::sleep(Duration::from_micros(rng.random_range(0..60_000)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let lines = reader.join().unwrap();
        let mut this_round = 0;
        for (seq, key, version) in lines.iter().filter_map(|l| parse_ack(l)) {
            let v = acked.entry(key.clone()).or_default();
            *v = (*v).max(version);
            acked_events.insert(seq, (key, version));
            this_round += 1;
        }

        let store = Store::open(&path).unwrap();
        for (key, version) in &acked {
            let mut parts = key.splitn(3, '/');
            let k = ItemKey::new(
                parts.next().unwrap().parse().unwrap(),
                parts.next().unwrap(),
                parts.next().unwrap(),
            );
            let item = store.item(&k).unwrap();
            let stored = item.map(|i| i.version).unwrap_or(0);
            assert!(
                stored >= *version,
                "seed {seed} round {round}: {key} acknowledged at version {version}, stored {stored}"
            );
        }
        for (seq, (key, version)) in &acked_events {
            let e = store
                .event(*seq)
                .unwrap()
                .unwrap_or_else(|| panic!("seed {seed} round {round}: event {seq} lost"));
            match &e.body.change {
                Change::Appraised {
                    key: k, version: v, ..
                } => {
                    assert_eq!((k.to_string(), *v), (key.clone(), *version))
                }
                other => panic!("event {seq} changed: {other:?}"),
            }
        }
        // Whole batches or nothing: every "i/size" group is complete.
        let mut groups: HashMap<String, (usize, usize)> = HashMap::new();
        for e in store.events(1) {
            let e = e.unwrap();
            if let Change::Appraised { after, .. } = &e.body.change {
                let (tag, part) = after.justification.rsplit_once(' ').unwrap();
                let size: usize = part.split('/').nth(1).unwrap().parse().unwrap();
                groups.entry(tag.to_string()).or_insert((0, size)).0 += 1;
            }
        }
        for (tag, (n, size)) in groups {
            assert_eq!(
                n, size,
                "seed {seed} round {round}: batch {tag} half-applied"
            );
        }
        let report = store.verify().unwrap();
        assert!(report.ok(), "seed {seed} round {round}: {report:?}");
        eprintln!(
            "round {round}: {this_round} acknowledged, log at {}, {:?} elapsed",
            store.last_seq(),
            started.elapsed()
        );
    }
    assert!(
        acked_events.len() > ROUNDS as usize,
        "the writers acknowledged too little to test anything"
    );
}
