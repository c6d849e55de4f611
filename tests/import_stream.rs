//! An import sent to the server in pieces (protocol 5: `ImportBegin`, `ImportRows` …,
//! `ImportEnd`) is one command: all its rows are committed at once at the end, or none — when
//! a row of any piece is refused, when the client abandons, when the connection drops in the
//! middle, when another request comes in between. Its dry run is exactly what it writes.
//! Behaviour only: nothing here measures time or memory (PATIENCE only keeps a broken build
//! from hanging).

mod common;

use std::io::Write;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

use api::{Feed, HistoryQuery, Workbench, WorkbenchError};
use common::{YEAR, key, p, setup};
use domain::{Command, Evidence, ImportHead, ImportKind, ImportRows, Role, SelfRow, SurveyRow};
use net::client::{ConnectOptions, RemoteWorkbench};
use net::protocol::frame;
use net::protocol::{
    ClientRequest, Hello, HelloReply, PROTOCOL_VERSION, Reply, Request, ServerMsg,
};
use net::server::{ServeOptions, Server, start};

const PATIENCE: Duration = Duration::from_secs(30);

fn me() -> String {
    uzers::get_current_username()
        .expect("this test runs as a user with a passwd entry")
        .to_string_lossy()
        .into_owned()
}

/// The common test store plus this OS user as a member with `role`; the lead has agreed with
/// 44/1.1.1 (so a new self score for it resets the agreement).
fn store_with_me(dir: &Path, role: Role) {
    let lead = setup(dir);
    lead.apply(Command::SetMember { user: me(), role })
        .expect("add this user");
    let v = common::version(&lead, &key("44", "1.1.1"));
    lead.apply(Command::Agree {
        key: key("44", "1.1.1"),
        expected: v,
    })
    .expect("agree");
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

fn row(unit: &str, leaf: &str, score: &str, note: &str) -> SelfRow {
    SelfRow {
        unit: unit.into(),
        leaf: leaf.into(),
        score: p(score),
        note: note.into(),
        evidence: vec![Evidence {
            number: "7/BC-UBND".into(),
            title: format!("Báo cáo {note}"),
            date: "2024-03-01".into(),
            link: String::new(),
        }],
    }
}

/// Rows for every self-assessed item of both units, with new notes (`tag`); 44/1.1.1 gets a
/// new score.
fn new_rows(tag: &str) -> Vec<SelfRow> {
    let mut rows = Vec::new();
    for unit in ["44", "67"] {
        for (leaf, score) in [("1.1.1", "1.75"), ("1.1.2", "1.5"), ("2.1.1", "4")] {
            let score = if unit == "44" { score } else { "2" };
            let score = if leaf == "2.1.1" { "3.5" } else { score };
            rows.push(row(unit, leaf, score, &format!("{tag} {unit} {leaf}")));
        }
    }
    rows
}

fn head(rows: usize) -> ImportHead {
    ImportHead {
        year: YEAR,
        kind: ImportKind::SelfScores,
        rows: rows as u64,
    }
}

/// A feed giving `pieces` one after another, then `last`.
fn feed_of(pieces: Vec<Vec<SelfRow>>, last: Feed) -> impl FnMut() -> Feed {
    let mut pieces = pieces.into_iter();
    let mut last = Some(last);
    move || match pieces.next() {
        Some(p) => Feed::Rows(ImportRows::SelfScores(p)),
        None => last.take().unwrap_or(Feed::End),
    }
}

/// What a store shows that an import could change: its seal and every item.
fn snapshot(wb: &dyn Workbench) -> (domain::Seal, Vec<domain::Item>) {
    (wb.seal().unwrap(), wb.items(YEAR, None).unwrap())
}

fn verify_ok(wb: &dyn Workbench) {
    let report = wb.verify().unwrap();
    assert!(report.ok(), "{report:?}");
}

#[test]
fn an_import_in_pieces_commits_every_row_at_once_and_its_dry_run_is_exactly_that() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Appraiser);
    let _server = serve(dir);
    let wb = client(dir);
    let before = wb.last_seq().unwrap();
    let rows = new_rows("Lần 2");
    let pieces: Vec<Vec<SelfRow>> = rows.chunks(2).map(<[SelfRow]>::to_vec).collect();
    assert_eq!(pieces.len(), 3);

    // The dry run in pieces is the dry run of the whole command, and writes nothing.
    let planned = wb
        .plan_import(head(rows.len()), &mut feed_of(pieces.clone(), Feed::End))
        .unwrap()
        .expect("not abandoned");
    assert_eq!(
        planned,
        wb.plan(Command::ImportSelf {
            year: YEAR,
            rows: rows.clone()
        })
        .unwrap()
    );
    assert_eq!(wb.last_seq().unwrap(), before);
    // Six new self-assessments and the agreement on 44/1.1.1 reset (its score changed).
    assert_eq!(planned.len(), 7, "{planned:#?}");

    let n = wb
        .import(head(rows.len()), &mut feed_of(pieces, Feed::End))
        .unwrap()
        .expect("not abandoned");
    assert_eq!(n, planned.len());
    let events = wb
        .history(&HistoryQuery {
            year: Some(YEAR),
            ..HistoryQuery::default()
        })
        .unwrap()
        .into_iter()
        .filter(|e| e.body.seq > before)
        .collect::<Vec<_>>();
    // One commit: consecutive seqs, one time, exactly what the dry run showed.
    assert_eq!(
        events.iter().map(|e| e.body.seq).collect::<Vec<_>>(),
        (before + 1..=before + n as u64).collect::<Vec<_>>()
    );
    assert!(events.iter().all(|e| e.body.at == events[0].body.at));
    let written: Vec<_> = events
        .iter()
        .map(|e| {
            (
                e.body.actor.clone(),
                e.body.command.clone(),
                e.body.change.clone(),
                e.body.reason.clone(),
            )
        })
        .collect();
    let shown: Vec<_> = planned
        .iter()
        .map(|e| {
            (
                e.actor.clone(),
                e.command.clone(),
                e.change.clone(),
                e.reason.clone(),
            )
        })
        .collect();
    assert_eq!(written, shown);
    let item = wb.item(&key("44", "1.1.1")).unwrap().unwrap();
    assert_eq!(item.self_assessment.unwrap().note, "Lần 2 44 1.1.1");
    assert_eq!(item.appraisal.status, domain::Status::Pending);
    verify_ok(&wb);
}

#[test]
fn a_refused_row_in_the_last_piece_leaves_nothing_of_the_pieces_before_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Appraiser);
    let _server = serve(dir);
    let wb = client(dir);
    let before = snapshot(&wb);
    let mut rows = new_rows("Lần 3");
    // The engine's own check (the file reader would have named it first): a score over the
    // maximum of 1.1.2 (2 points), in the last piece.
    rows.push(row("67", "1.1.2", "2.5", "quá điểm tối đa"));
    let pieces: Vec<Vec<SelfRow>> = rows.chunks(3).map(<[SelfRow]>::to_vec).collect();
    assert_eq!(pieces.last().unwrap().len(), 1);
    let err = wb
        .import(head(rows.len()), &mut feed_of(pieces.clone(), Feed::End))
        .unwrap_err();
    assert!(matches!(err, WorkbenchError::BadScore { .. }), "{err:?}");
    assert_eq!(snapshot(&wb), before);
    verify_ok(&wb);
    // The same in a dry run.
    let err = wb
        .plan_import(head(rows.len()), &mut feed_of(pieces, Feed::End))
        .unwrap_err();
    assert!(matches!(err, WorkbenchError::BadScore { .. }), "{err:?}");
    // The journal goes on from where it was: the next import's events follow the last ones.
    let good = new_rows("Lần 4");
    let n = wb
        .import(head(good.len()), &mut feed_of(vec![good], Feed::End))
        .unwrap()
        .unwrap();
    assert_eq!(wb.last_seq().unwrap(), before.0.seq + n as u64);
    verify_ok(&wb);
}

#[test]
fn an_abandoned_import_writes_nothing_and_the_session_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Appraiser);
    let _server = serve(dir);
    let wb = client(dir);
    let before = snapshot(&wb);
    let rows = new_rows("bỏ dở");
    let pieces: Vec<Vec<SelfRow>> = rows.chunks(2).map(<[SelfRow]>::to_vec).collect();
    let done = wb
        .import(
            head(rows.len()),
            &mut feed_of(pieces.clone(), Feed::Abandon),
        )
        .unwrap();
    assert_eq!(done, None);
    let planned = wb
        .plan_import(head(rows.len()), &mut feed_of(pieces, Feed::Abandon))
        .unwrap();
    assert_eq!(planned, None);
    assert_eq!(snapshot(&wb), before);
    verify_ok(&wb);
}

#[test]
fn an_auditors_import_is_refused_at_once_and_the_session_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Auditor);
    let _server = serve(dir);
    let wb = client(dir);
    let before = snapshot(&wb);
    let rows = new_rows("kiểm tra");
    let mut asked = 0;
    let mut feed = || {
        asked += 1;
        Feed::Rows(ImportRows::SelfScores(rows.clone()))
    };
    let err = wb.import(head(0), &mut feed).unwrap_err();
    assert!(
        matches!(&err, WorkbenchError::ReadOnly { user } if *user == me()),
        "{err:?}"
    );
    // The refusal stopped the feed (it came before the end, which never came).
    assert!(asked < 1000, "{asked}");
    assert_eq!(snapshot(&wb), before);
    assert_eq!(wb.role().unwrap(), Some(Role::Auditor));
}

/// A raw connection to the server, welcomed.
fn raw(dir: &Path) -> UnixStream {
    let mut s = UnixStream::connect(dir.join("thamdinh.sock")).expect("connect");
    s.write_all(
        &frame::encode(&Hello {
            protocol: PROTOCOL_VERSION,
            program: "import_stream test".into(),
            since: None,
            notices: false,
        })
        .unwrap(),
    )
    .unwrap();
    s.set_read_timeout(Some(PATIENCE)).unwrap();
    match frame::read_msg::<HelloReply, _>(&mut s).expect("welcome") {
        HelloReply::Welcome(_) => s,
        HelloReply::Refused(r) => panic!("refused: {}", r.message(l10n::Lang::En)),
    }
}

fn send(s: &mut UnixStream, id: u64, request: Request) {
    s.write_all(&frame::encode(&ClientRequest { id, request }).unwrap())
        .unwrap();
}

/// The next reply on a raw connection (parts and notices skipped).
fn reply(s: &mut UnixStream) -> (u64, Result<Reply, WorkbenchError>) {
    loop {
        if let ServerMsg::Reply { id, result } = frame::read_msg(s).expect("a reply") {
            return (id, result);
        }
    }
}

fn begin(rows: usize) -> Request {
    Request::ImportBegin {
        head: head(rows),
        plan: false,
    }
}

#[test]
fn a_connection_dropped_in_the_middle_of_an_import_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Appraiser);
    let _server = serve(dir);
    let wb = client(dir);
    let before = snapshot(&wb);
    {
        let mut s = raw(dir);
        send(&mut s, 1, begin(6));
        let rows = new_rows("mất kết nối");
        send(
            &mut s,
            1,
            Request::ImportRows(ImportRows::SelfScores(rows[..3].to_vec())),
        );
        send(
            &mut s,
            1,
            Request::ImportRows(ImportRows::SelfScores(rows[3..].to_vec())),
        );
        // Half of a frame, then the connection is gone.
        let end = frame::encode(&ClientRequest {
            id: 1,
            request: Request::ImportEnd { rows: 6 },
        })
        .unwrap();
        s.write_all(&end[..end.len() / 2]).unwrap();
        s.shutdown(std::net::Shutdown::Both).unwrap();
    }
    // The next commit waits for the dropped import to be given up: its events follow the last
    // acknowledged one, and nothing of the dropped import is in the store.
    let v = common::version(&wb, &key("67", "2.1.1"));
    let after = wb
        .apply(Command::Adjust {
            key: key("67", "2.1.1"),
            score: p("3"),
            justification: "Thiếu minh chứng kết quả thực hiện".into(),
            expected: v,
        })
        .unwrap();
    assert_eq!(after[0].body.seq, before.0.seq + 1);
    let items = wb.items(YEAR, None).unwrap();
    for (old, new) in before.1.iter().zip(&items) {
        assert_eq!(old.self_assessment, new.self_assessment, "{}", old.key);
    }
    verify_ok(&wb);
}

#[test]
fn another_request_in_the_middle_of_an_import_ends_it_and_is_answered() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Appraiser);
    let _server = serve(dir);
    let wb = client(dir);
    let before = snapshot(&wb);
    let mut s = raw(dir);
    send(&mut s, 1, begin(6));
    send(
        &mut s,
        1,
        Request::ImportRows(ImportRows::SelfScores(new_rows("xen ngang"))),
    );
    send(&mut s, 2, Request::LastSeq);
    let (id, result) = reply(&mut s);
    assert_eq!(id, 1);
    assert!(
        matches!(result, Err(WorkbenchError::Unavailable { .. })),
        "{result:?}"
    );
    let (id, result) = reply(&mut s);
    assert_eq!(id, 2);
    assert_eq!(result.unwrap(), Reply::LastSeq(before.0.seq));
    // A count at the end that is not what was sent: refused, nothing written.
    send(&mut s, 3, begin(6));
    send(
        &mut s,
        3,
        Request::ImportRows(ImportRows::SelfScores(new_rows("đếm sai"))),
    );
    send(&mut s, 3, Request::ImportEnd { rows: 7 });
    let (id, result) = reply(&mut s);
    assert_eq!(id, 3);
    assert!(
        matches!(result, Err(WorkbenchError::Unavailable { .. })),
        "{result:?}"
    );
    // Rows of the other kind: refused, nothing written.
    send(&mut s, 4, begin(2));
    send(
        &mut s,
        4,
        Request::ImportRows(ImportRows::Survey(vec![SurveyRow {
            unit: "44".into(),
            leaf: "1.1.3".into(),
            score: p("1"),
        }])),
    );
    send(&mut s, 4, Request::ImportEnd { rows: 1 });
    let (id, result) = reply(&mut s);
    assert_eq!(id, 4);
    assert!(result.is_err(), "{result:?}");
    // Pieces with no import begun are refused; the session goes on.
    send(&mut s, 5, Request::ImportEnd { rows: 0 });
    assert!(reply(&mut s).1.is_err());
    send(&mut s, 6, Request::LastSeq);
    assert_eq!(reply(&mut s), (6, Ok(Reply::LastSeq(before.0.seq))));
    assert_eq!(snapshot(&wb), before);
    verify_ok(&wb);
}

#[test]
fn a_refusal_before_the_end_is_answered_at_once_and_the_rest_is_dropped() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    store_with_me(dir, Role::Appraiser);
    let _server = serve(dir);
    let wb = client(dir);
    let before = snapshot(&wb);
    let mut s = raw(dir);
    send(&mut s, 1, begin(3));
    // An unknown unit in the first piece: the answer comes before the end is sent.
    send(
        &mut s,
        1,
        Request::ImportRows(ImportRows::SelfScores(vec![row("99", "1.1.1", "1", "?")])),
    );
    let (id, result) = reply(&mut s);
    assert_eq!(id, 1);
    assert!(
        matches!(result, Err(WorkbenchError::UnknownUnit { .. })),
        "{result:?}"
    );
    // What is still sent of it is read and dropped, without another answer.
    send(
        &mut s,
        1,
        Request::ImportRows(ImportRows::SelfScores(new_rows("sau lỗi"))),
    );
    send(&mut s, 1, Request::ImportEnd { rows: 7 });
    send(&mut s, 2, Request::LastSeq);
    assert_eq!(reply(&mut s), (2, Ok(Reply::LastSeq(before.0.seq))));
    assert_eq!(snapshot(&wb), before);
    verify_ok(&wb);
}

/// Bytes of the journal's segments.
fn journal_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir.join("journal"))
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum()
}

#[test]
fn what_a_large_import_wrote_before_its_refusal_or_a_dropped_connection_is_taken_out_again() {
    // The demo store: 63 provinces × 88 criteria. Notes made long so the import writes
    // several MB to the journal before its end (it is written as it comes, in pieces of 4 MB).
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    drop(sample::demo::build(dir, &me(), Some(63)).unwrap());
    let _server = serve(dir);
    let wb = client(dir);
    let y = wb.year(sample::demo::DEMO_YEAR).unwrap();
    let mut rows = sample::self_rows(
        &y.framework,
        &y.units,
        &sample::SampleOptions {
            year: sample::demo::DEMO_YEAR,
            seed: 91,
            units: None,
        },
    );
    for r in &mut rows {
        r.note.push_str(&" bổ sung".repeat(150));
    }
    let head = ImportHead {
        year: sample::demo::DEMO_YEAR,
        kind: ImportKind::SelfScores,
        rows: rows.len() as u64 + 1,
    };
    let seal = wb.seal().unwrap();
    let journal = journal_bytes(dir);

    // A refused row at the very end.
    let mut bad = rows.clone();
    let mut last = bad[0].clone();
    last.unit = "99".into();
    bad.push(last);
    let pieces: Vec<Vec<SelfRow>> = bad.chunks(500).map(<[SelfRow]>::to_vec).collect();
    let err = wb
        .import(head, &mut feed_of(pieces, Feed::End))
        .unwrap_err();
    assert!(matches!(err, WorkbenchError::UnknownUnit { .. }), "{err:?}");
    assert_eq!(wb.seal().unwrap(), seal);
    assert_eq!(journal_bytes(dir), journal);

    // A connection that drops after sending most of it.
    {
        let mut s = raw(dir);
        send(&mut s, 1, Request::ImportBegin { head, plan: false });
        for piece in rows.chunks(500) {
            send(
                &mut s,
                1,
                Request::ImportRows(ImportRows::SelfScores(piece.to_vec())),
            );
        }
        s.shutdown(std::net::Shutdown::Both).unwrap();
    }
    // The next commit waits for the dropped import to be taken out: one event more in all.
    let k = domain::ItemKey::new(sample::demo::DEMO_YEAR, "44", "1.1.1");
    let item = wb.item(&k).unwrap().unwrap();
    let committed = wb.apply(Command::RequestEvidence {
        key: k,
        request: "Bổ sung quyết định".into(),
        expected: item.version,
    });
    // Whatever the item's status allows, the journal holds no more than that one event.
    let grown = journal_bytes(dir) - journal;
    assert!(grown < 64 * 1024, "the journal grew by {grown} bytes");
    match committed {
        Ok(events) => assert_eq!(wb.seal().unwrap().seq, seal.seq + events.len() as u64),
        Err(_) => assert_eq!(wb.seal().unwrap(), seal),
    }
    verify_ok(&wb);

    // And then the whole import goes through.
    let n = wb
        .import(
            head,
            &mut feed_of(
                rows.chunks(500).map(<[SelfRow]>::to_vec).collect(),
                Feed::End,
            ),
        )
        .unwrap()
        .unwrap();
    assert!(n > 0);
    assert!(journal_bytes(dir) > journal + 4 * 1024 * 1024);
    verify_ok(&wb);
}
