//! SPEC R6 through the real binary: an altered audit trail is refused by `restore` and reported
//! by `verify`, naming the first event where it no longer holds.
//!
//! Backups are JSON lines anyone can edit: one justification changed, two lines swapped, one
//! line deleted, and a changed line whose own hash was recomputed. The store itself is tampered
//! with the way someone with file access would: opening its sled files with the sled library and
//! rewriting an event (the tree and value layout are those of docs/SHARED_STORE.md and
//! src/store/codec.rs; the test first checks the event it alters is the one it expects).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{key, p, setup, version};
use sha2::{Digest, Sha256};
use thamdinh::api::Workbench;
use thamdinh::domain::{Command as Cmd, Event, Role};

/// Justifications of the adjustments, one per event, so each is easy to find and alter.
const REASONS: [&str; 3] = [
    "Lý do gốc một: thiếu văn bản",
    "Lý do gốc hai: nộp muộn",
    "Lý do gốc ba: số liệu chưa khớp",
];

fn me() -> String {
    uzers::get_current_username()
        .expect("passwd entry")
        .to_string_lossy()
        .into_owned()
}

fn cli(lang: &str, dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_thamdinh"))
        .args(["--lang", lang, "--store"])
        .arg(dir)
        .args(args)
        .output()
        .expect("run thamdinh")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A store with this user as lead and three adjustments; returns the seqs of the adjustments.
fn store(dir: &Path) -> Vec<u64> {
    let lead = setup(dir);
    lead.apply(Cmd::SetMember {
        user: me(),
        role: Role::Lead,
    })
    .expect("add this user");
    let mut seqs = Vec::new();
    for (leaf, why) in ["1.1.1", "1.1.2", "2.1.1"].into_iter().zip(REASONS) {
        let k = key("44", leaf);
        let events = lead
            .apply(Cmd::Adjust {
                key: k.clone(),
                score: p("1"),
                justification: why.into(),
                expected: version(&lead, &k),
            })
            .expect("adjust");
        seqs.extend(events.iter().map(|e| e.body.seq));
    }
    assert_eq!(seqs.len(), 3, "one event per adjustment");
    seqs
}

/// `thamdinh backup` of the store, as lines.
fn backup(tmp: &Path, dir: &Path) -> Vec<String> {
    let file = tmp.join("backup.jsonl");
    let out = cli("en", dir, &["backup", "-o", file.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&file).expect("read backup");
    text.lines().map(str::to_string).collect()
}

/// `thamdinh restore` of `lines` into a new folder: must fail; returns its message, after
/// checking nothing was left behind.
fn restore_fails(tmp: &Path, name: &str, lines: &[String], lang: &str) -> String {
    let file = tmp.join(format!("{name}.jsonl"));
    std::fs::write(&file, lines.join("\n") + "\n").expect("write backup");
    let target = tmp.join(format!("restored-{name}-{lang}"));
    let out = cli(lang, &target, &["restore", file.to_str().expect("utf-8")]);
    assert!(
        !out.status.success(),
        "{name}: the altered backup was restored"
    );
    assert!(!target.exists(), "{name}: a refused restore leaves nothing");
    stderr(&out)
}

/// The line holding event `seq`.
fn line_of(lines: &[String], seq: u64) -> usize {
    lines
        .iter()
        .position(|l| l.contains(&format!("\"seq\":{seq},")))
        .expect("event in the backup")
}

/// SHA-256(previous hash ‖ canonical JSON of the body), in hex: the hash a forger computes.
fn rehash(prev_hex: &str, event: &Event) -> String {
    let prev = hex::decode(prev_hex).expect("hex");
    let mut h = Sha256::new();
    h.update(&prev);
    h.update(serde_json::to_vec(&event.body).expect("encode body"));
    hex::encode(h.finalize())
}

#[test]
fn restore_names_the_first_altered_event_of_a_backup() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("store");
    let seqs = store(&dir);
    let lines = backup(tmp.path(), &dir);
    let (a, b) = (seqs[0], seqs[1]);
    let la = line_of(&lines, a);
    assert_eq!(la as u64 + 1, a, "line n holds event n");

    // A justification changed by one word.
    let mut altered = lines.clone();
    altered[la] = altered[la].replace("thiếu văn bản", "đủ văn bản");
    assert_ne!(altered[la], lines[la]);
    for lang in ["en", "vi"] {
        let msg = restore_fails(tmp.path(), "altered", &altered, lang);
        let (line, event) = match lang {
            "en" => (
                format!("backup line {}", la + 1),
                format!("event {a}: its hash does not match"),
            ),
            _ => (format!("dòng {} của bản sao lưu", la + 1), format!(" {a}")),
        };
        assert!(msg.contains(&line), "{lang}: {msg}");
        assert!(msg.contains(&event), "{lang}: {msg}");
    }

    // Two events swapped.
    let mut swapped = lines.clone();
    swapped.swap(la, la + 1);
    let msg = restore_fails(tmp.path(), "swapped", &swapped, "en");
    assert!(
        msg.contains(&format!(
            "backup line {}: event {b} where event {a} was expected",
            la + 1
        )),
        "{msg}"
    );

    // One event deleted.
    let mut deleted = lines.clone();
    deleted.remove(la);
    let msg = restore_fails(tmp.path(), "deleted", &deleted, "en");
    assert!(
        msg.contains(&format!("event {b} where event {a} was expected")),
        "{msg}"
    );

    // Altered, and its own hash recomputed: the chain breaks at the next event, which still
    // holds the hash of the original.
    let mut event: Event = serde_json::from_str(&lines[la]).expect("an event");
    let prev: Event = serde_json::from_str(&lines[la - 1]).expect("an event");
    let text = serde_json::to_string(&event.body.change).expect("encode");
    event.body.change = serde_json::from_str(&text.replace("thiếu văn bản", "đủ văn bản"))
        .expect("decode the altered change");
    event.hash = rehash(&prev.hash, &event);
    let mut forged = lines.clone();
    forged[la] = serde_json::to_string(&event).expect("encode");
    let msg = restore_fails(tmp.path(), "forged", &forged, "en");
    assert!(
        msg.contains(&format!("backup line {}: event {b}: its hash", la + 2)),
        "{msg}"
    );

    // The untouched backup restores, and verifies.
    let file = tmp.path().join("intact.jsonl");
    std::fs::write(&file, lines.join("\n") + "\n").expect("write");
    let target = tmp.path().join("intact");
    let out = cli("en", &target, &["restore", file.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = cli("en", &target, &["verify"]);
    assert!(out.status.success(), "{}", stderr(&out));
    drop(common::open_after_server(&target));
}

/// Open the store's sled files directly and let `f` change the `events` and `meta` trees.
fn tamper(dir: &Path, f: impl FnOnce(&sled::Tree, &sled::Tree)) {
    let db = sled::open(dir.join("sled")).expect("open the sled files");
    let events = db.open_tree("events").expect("events tree");
    let meta = db.open_tree("meta").expect("meta tree");
    f(&events, &meta);
    db.flush().expect("flush");
}

/// Where the hash and the body sit in the stored value of a commit of one event: the block's
/// format byte, then the record: seq (8 bytes), body length (4), hash (32), body JSON.
const HASH_AT: usize = 1 + 8 + 4;
const BODY_AT: usize = HASH_AT + 32;

/// The stored value of event `seq` (the block of the commit that wrote it alone).
fn stored(events: &sled::Tree, seq: u64) -> Vec<u8> {
    events
        .get(seq.to_be_bytes())
        .expect("read")
        .expect("event present")
        .to_vec()
}

fn replace_bytes(value: &[u8], from: &str, to: &str) -> Vec<u8> {
    let (from, to) = (from.as_bytes(), to.as_bytes());
    let at = value
        .windows(from.len())
        .position(|w| w == from)
        .expect("the text to alter is in the event");
    [&value[..at], to, &value[at + from.len()..]].concat()
}

/// `verify` through the binary must fail; returns its message.
fn verify_fails(dir: &Path, lang: &str) -> String {
    let out = cli(lang, dir, &["verify"]);
    assert!(!out.status.success(), "verify passed a tampered store");
    let msg = stderr(&out);
    drop(common::open_after_server(dir));
    msg
}

fn fresh_store(tmp: &Path, name: &str) -> (PathBuf, Vec<u64>) {
    let dir = tmp.join(name);
    let seqs = store(&dir);
    let out = cli("en", &dir, &["verify"]);
    assert!(out.status.success(), "{}", stderr(&out));
    drop(common::open_after_server(&dir));
    (dir, seqs)
}

#[test]
fn verify_names_the_first_altered_event_in_the_store() {
    let tmp = tempfile::tempdir().expect("temp dir");

    // One word of a justification changed in place.
    let (dir, seqs) = fresh_store(tmp.path(), "altered");
    let b = seqs[1];
    tamper(&dir, |events, _| {
        let v = stored(events, b);
        events
            .insert(b.to_be_bytes(), replace_bytes(&v, "nộp muộn", "nộp đúng"))
            .expect("write");
    });
    let msg = verify_fails(&dir, "en");
    assert!(
        msg.contains(&format!("The event log is broken from event {b}:")),
        "{msg}"
    );
    let msg = verify_fails(&dir, "vi");
    assert!(
        msg.contains(&format!("Nhật ký sự kiện bị hỏng từ sự kiện {b}:")),
        "{msg}"
    );

    // Changed and its hash recomputed: named at the next event, whose stored hash was computed
    // from the original.
    let (dir, seqs) = fresh_store(tmp.path(), "rehashed");
    let (b, c) = (seqs[1], seqs[2]);
    tamper(&dir, |events, _| {
        let prev = stored(events, b - 1)[HASH_AT..BODY_AT].to_vec();
        let v = replace_bytes(&stored(events, b), "nộp muộn", "nộp đúng");
        let mut h = Sha256::new();
        h.update(&prev);
        h.update(&v[BODY_AT..]);
        let mut forged = v[..HASH_AT].to_vec();
        forged.extend_from_slice(&h.finalize());
        forged.extend_from_slice(&v[BODY_AT..]);
        events.insert(b.to_be_bytes(), forged).expect("write");
    });
    let msg = verify_fails(&dir, "en");
    assert!(
        msg.contains(&format!("The event log is broken from event {c}:")),
        "{msg}"
    );

    // Deleted.
    let (dir, seqs) = fresh_store(tmp.path(), "deleted");
    let a = seqs[0];
    tamper(&dir, |events, _| {
        events.remove(a.to_be_bytes()).expect("remove");
    });
    let msg = verify_fails(&dir, "en");
    assert!(
        msg.contains(&format!("The event log is broken from event {a}:")),
        "{msg}"
    );

    // Two events swapped.
    let (dir, seqs) = fresh_store(tmp.path(), "swapped");
    let (a, b) = (seqs[0], seqs[1]);
    tamper(&dir, |events, _| {
        let (va, vb) = (stored(events, a), stored(events, b));
        events.insert(a.to_be_bytes(), vb).expect("write");
        events.insert(b.to_be_bytes(), va).expect("write");
    });
    let msg = verify_fails(&dir, "en");
    assert!(
        msg.contains(&format!("The event log is broken from event {a}:")),
        "{msg}"
    );

    // The whole chain re-hashed from the altered event on, and the head record with it: the
    // log is consistent again, but replaying it no longer gives the stored state, and the item
    // is named.
    let (dir, seqs) = fresh_store(tmp.path(), "rechained");
    let b = seqs[1];
    tamper(&dir, |events, meta| {
        let mut prev = stored(events, b - 1)[HASH_AT..BODY_AT].to_vec();
        let last = u64::from_be_bytes(
            events
                .last()
                .expect("read")
                .expect("an event")
                .0
                .as_ref()
                .try_into()
                .expect("8-byte key"),
        );
        for seq in b..=last {
            let mut v = stored(events, seq);
            if seq == b {
                v = replace_bytes(&v, "nộp muộn", "nộp đúng");
            }
            let mut h = Sha256::new();
            h.update(&prev);
            h.update(&v[BODY_AT..]);
            let hash = h.finalize().to_vec();
            v[HASH_AT..BODY_AT].copy_from_slice(&hash);
            events.insert(seq.to_be_bytes(), v).expect("write");
            prev = hash;
        }
        let head = serde_json::json!({"seq": last, "hash": hex::encode(&prev)});
        let mut value = vec![1u8];
        value.extend(serde_json::to_vec(&head).expect("encode"));
        meta.insert("head", value).expect("write head");
    });
    let msg = verify_fails(&dir, "en");
    assert!(
        !msg.contains("The event log is broken"),
        "the chain itself is consistent: {msg}"
    );
    assert!(
        msg.contains("The stored state differs from the event log: item 2024/44/1.1.2"),
        "{msg}"
    );
}
