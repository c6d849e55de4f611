//! SPEC R6 through the real binary: an altered audit trail is refused by `restore` and reported
//! by `verify`, naming the first event where it no longer holds.
//!
//! Backups are JSON lines anyone can edit: one justification changed, two lines swapped, one
//! line deleted, and a changed line whose own hash was recomputed. The store itself is tampered
//! with the way someone with file access would: opening its sled files with the sled library and
//! rewriting events. The layout is the one src/store/codec.rs describes: the `events` tree holds
//! blocks (a format byte, then records of seq, body length, hash and body); the test reads them
//! all, changes the records and writes the blocks back, and fails loudly if the layout is not
//! what it expects.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use api::Workbench;
use common::{key, p, setup, version};
use domain::{Command as Cmd, Event, Role};
use sha2::{Digest, Sha256};

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

/// One stored event record.
#[derive(Clone, Debug)]
struct Rec {
    seq: u64,
    hash: [u8; 32],
    body: Vec<u8>,
}

/// Format byte of an event block (src/store/codec.rs `BLOCK`).
const BLOCK: u8 = 2;

/// Every block of the `events` tree, by key, with its records.
fn read_log(events: &sled::Tree) -> Vec<(Vec<u8>, Vec<Rec>)> {
    let mut out = Vec::new();
    for kv in events.iter() {
        let (k, v) = kv.expect("read a block");
        assert_eq!(v.first(), Some(&BLOCK), "an event block");
        let mut rest = &v[1..];
        let mut recs = Vec::new();
        while !rest.is_empty() {
            let seq = u64::from_be_bytes(rest[..8].try_into().expect("seq"));
            let len = u32::from_be_bytes(rest[8..12].try_into().expect("length")) as usize;
            let hash: [u8; 32] = rest[12..44].try_into().expect("hash");
            recs.push(Rec {
                seq,
                hash,
                body: rest[44..44 + len].to_vec(),
            });
            rest = &rest[44 + len..];
        }
        out.push((k.to_vec(), recs));
    }
    out
}

/// Write the blocks back (a block left without records is removed).
fn write_log(events: &sled::Tree, blocks: &[(Vec<u8>, Vec<Rec>)]) {
    for (key, recs) in blocks {
        if recs.is_empty() {
            events.remove(key).expect("remove a block");
            continue;
        }
        let mut v = vec![BLOCK];
        for r in recs {
            v.extend_from_slice(&r.seq.to_be_bytes());
            v.extend_from_slice(&(r.body.len() as u32).to_be_bytes());
            v.extend_from_slice(&r.hash);
            v.extend_from_slice(&r.body);
        }
        events.insert(key, v).expect("write a block");
    }
}

/// Open the store's sled files directly, let `f` change the event records (in log order, with
/// their blocks), write them back, and set the head record to the last event.
fn tamper(dir: &Path, f: impl FnOnce(&mut Vec<(Vec<u8>, Vec<Rec>)>)) {
    let db = sled::open(dir.join("sled")).expect("open the sled files");
    let events = db.open_tree("events").expect("events tree");
    let mut blocks = read_log(&events);
    assert!(blocks.len() > 3, "the events tree holds blocks");
    f(&mut blocks);
    write_log(&events, &blocks);
    db.flush().expect("flush");
}

/// The record of event `seq`.
fn rec(blocks: &mut [(Vec<u8>, Vec<Rec>)], seq: u64) -> &mut Rec {
    blocks
        .iter_mut()
        .flat_map(|(_, recs)| recs.iter_mut())
        .find(|r| r.seq == seq)
        .expect("the event is stored")
}

fn sha(prev: &[u8; 32], body: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(body);
    h.finalize().into()
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
    tamper(&dir, |blocks| {
        let r = rec(blocks, b);
        r.body = replace_bytes(&r.body, "nộp muộn", "nộp đúng");
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
    tamper(&dir, |blocks| {
        let prev = rec(blocks, b - 1).hash;
        let r = rec(blocks, b);
        r.body = replace_bytes(&r.body, "nộp muộn", "nộp đúng");
        r.hash = sha(&prev, &r.body);
    });
    let msg = verify_fails(&dir, "en");
    assert!(
        msg.contains(&format!("The event log is broken from event {c}:")),
        "{msg}"
    );

    // Deleted.
    let (dir, seqs) = fresh_store(tmp.path(), "deleted");
    let a = seqs[0];
    tamper(&dir, |blocks| {
        for (_, recs) in blocks.iter_mut() {
            recs.retain(|r| r.seq != a);
        }
    });
    let msg = verify_fails(&dir, "en");
    assert!(
        msg.contains(&format!("The event log is broken from event {a}:")),
        "{msg}"
    );

    // Two events swapped.
    let (dir, seqs) = fresh_store(tmp.path(), "swapped");
    let (a, b) = (seqs[0], seqs[1]);
    tamper(&dir, |blocks| {
        let ra = rec(blocks, a).clone();
        let rb = rec(blocks, b).clone();
        *rec(blocks, a) = rb;
        // Both slots now say b: put a in the second one, b's old slot.
        let slot = blocks
            .iter_mut()
            .flat_map(|(_, recs)| recs.iter_mut())
            .filter(|r| r.seq == b)
            .nth(1)
            .expect("b's old slot");
        *slot = ra;
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
    let mut head = None;
    tamper(&dir, |blocks| {
        let mut prev = rec(blocks, b - 1).hash;
        let r = rec(blocks, b);
        r.body = replace_bytes(&r.body, "nộp muộn", "nộp đúng");
        for r in blocks
            .iter_mut()
            .flat_map(|(_, recs)| recs.iter_mut())
            .filter(|r| r.seq >= b)
        {
            r.hash = sha(&prev, &r.body);
            prev = r.hash;
            head = Some((r.seq, r.hash));
        }
    });
    let (last, hash) = head.expect("events after the altered one");
    {
        // The head record: version byte and JSON (src/store/codec.rs `Head`).
        let db = sled::open(dir.join("sled")).expect("open the sled files");
        let meta = db.open_tree("meta").expect("meta tree");
        let mut value = vec![1u8];
        value.extend(
            serde_json::to_vec(&serde_json::json!({"seq": last, "hash": hex::encode(hash)}))
                .expect("encode"),
        );
        meta.insert("head", value).expect("write head");
        db.flush().expect("flush");
    }
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
