//! SPEC R5 through the real binary: who you are is what the kernel says about the socket's peer,
//! never a flag or an environment variable; an auditor's writes are refused and change nothing.
//! The second-OS-user test needs root to create `thamdinh-t2` (reported as ignored otherwise, with the reason).

mod common;

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Output};

use api::Workbench;
use common::os_user::{is_root, other_account, run_ok};
use common::{YEAR, setup};
use domain::{Command as Cmd, Role};

fn me() -> String {
    uzers::get_current_username()
        .expect("passwd entry")
        .to_string_lossy()
        .into_owned()
}

/// Every variable a program might take a user name from, all claiming `who`.
fn claims(who: &str) -> Vec<(&'static str, String)> {
    ["USER", "LOGNAME", "USERNAME", "THAMDINH_USER", "SUDO_USER"]
        .into_iter()
        .map(|k| (k, who.to_string()))
        .collect()
}

fn cli(dir: &Path, args: &[&str], env: &[(&str, String)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_thamdinh"));
    cmd.args(["--lang", "en", "--store"]).arg(dir).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run thamdinh")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The number of events in the store (its server stopped first).
fn events(dir: &Path) -> u64 {
    let store = common::open_after_server(dir);
    let report = store.verify().expect("verify");
    assert!(report.ok(), "{report:?}");
    report.events
}

/// Writes an auditor might try from the command line, each with its arguments.
fn writes(csv: &Path) -> Vec<Vec<String>> {
    let csv = csv.to_str().expect("utf-8").to_string();
    [
        vec!["import", "self", &csv],
        vec!["member", "add", "lead2", "--role", "lead"],
        vec!["member", "remove", "an"],
        vec!["round", "open", "--closes", "2099-12-31"],
    ]
    .into_iter()
    .map(|v| v.into_iter().map(str::to_string).collect())
    .collect()
}

fn self_csv(dir: &Path) -> std::path::PathBuf {
    let csv = dir.join("self.csv");
    std::fs::write(&csv, "unit,code,self_score,note,evidence\n44,1.1.1,1.5,,\n").expect("csv");
    csv
}

#[test]
fn no_flag_names_the_user() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("store");
    for flag in ["--user", "--as", "--actor", "--identity"] {
        let out = cli(&dir, &[flag, "lead", "member", "list"], &[]);
        assert!(!out.status.success(), "{flag} accepted");
        assert!(
            text(&out).contains(&format!("unexpected argument '{flag}'")),
            "{flag}: {}",
            text(&out)
        );
    }
}

#[test]
fn an_auditor_claiming_to_be_the_lead_writes_nothing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("store");
    let lead = setup(&dir);
    lead.apply(Cmd::SetMember {
        user: me(),
        role: Role::Auditor,
    })
    .expect("add this user as auditor");
    drop(lead);
    let before = events(&dir);
    let csv = self_csv(tmp.path());
    // "lead" is the store's lead; every variable says we are them.
    let env = claims("lead");

    let out = cli(&dir, &["doctor"], &env);
    assert!(
        text(&out).contains(&format!("{} — auditor", me())),
        "identified by the kernel, not the environment:\n{}",
        text(&out)
    );
    for args in writes(&csv) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = cli(&dir, &args, &env);
        assert!(!out.status.success(), "{args:?} was allowed");
        assert!(
            text(&out).contains("auditor: read only"),
            "{args:?}: {}",
            text(&out)
        );
    }
    // Reading is allowed.
    let out = cli(&dir, &["audit", "--unit", "44"], &env);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(events(&dir), before, "no event was written");
}

#[test]
#[cfg_attr(
    not(thamdinh_root),
    ignore = "needs root to create a second OS user (.ci/run runs as root)"
)]
fn another_os_user_cannot_claim_the_leads_name() {
    assert!(is_root(), "built as root, run as another user");
    let other = other_account("id");
    let (uid, gid) = (other.uid, other.gid);
    let name = &other.name;
    let tmp = tempfile::tempdir().expect("temp dir");
    std::fs::set_permissions(
        tmp.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("chmod");
    let dir = tmp.path().join("store");
    let lead = setup(&dir);
    lead.apply(Cmd::SetMember {
        user: me(),
        role: Role::Lead,
    })
    .expect("add this user");
    drop(lead);
    run_ok(Command::new("chgrp").arg(&other.group).arg(&dir));
    run_ok(Command::new("chmod").args(["2750"]).arg(&dir));
    let csv = self_csv(tmp.path());
    std::fs::set_permissions(&csv, std::os::unix::fs::PermissionsExt::from_mode(0o644))
        .expect("chmod");
    let before = events(&dir);

    let server = net::server::start(&dir, &net::server::ServeOptions { idle_exit: None })
        .expect("start the server");
    // The other user, with every variable naming this user (the lead) and HOME pointing here.
    let mut env = claims(&me());
    env.push(("HOME", tmp.path().display().to_string()));
    let as_other = |args: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_thamdinh"));
        cmd.args(["--lang", "en", "--store"])
            .arg(&dir)
            .args(args)
            .uid(uid)
            .gid(gid);
        for (k, v) in &env {
            cmd.env(k, v);
        }
        cmd.output().expect("run thamdinh as the other user")
    };

    // Not a member: refused as who they are, whatever they claim.
    let out = as_other(&["member", "add", name.as_str(), "--role", "lead"]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains(&format!("user {name} is not a member")),
        "{}",
        text(&out)
    );

    // An auditor: reads, and every write is refused.
    let remote = net::client::RemoteWorkbench::connect(
        &dir,
        &net::client::ConnectOptions {
            start_server: false,
            ..Default::default()
        },
    )
    .expect("connect as the lead");
    remote
        .apply(Cmd::SetMember {
            user: name.clone(),
            role: Role::Auditor,
        })
        .expect("add the other user as auditor");
    let out = as_other(&["doctor"]);
    assert!(
        text(&out).contains(&format!("{name} — auditor")),
        "{}",
        text(&out)
    );
    for args in writes(&csv) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = as_other(&args);
        assert!(!out.status.success(), "{args:?} was allowed");
        assert!(
            text(&out).contains("auditor: read only"),
            "{args:?}: {}",
            text(&out)
        );
    }
    assert!(as_other(&["audit", "--unit", "44"]).status.success());
    let year = YEAR;
    let items = remote.items(year, None).expect("items");
    drop(remote);
    drop(server);
    // One event more: the lead adding the auditor; nothing from the other user.
    assert_eq!(events(&dir), before + 1);
    assert!(
        items
            .iter()
            .all(|i| i.last.as_ref().is_none_or(|t| t.actor != *name))
    );
}

#[test]
fn a_hello_naming_a_user_is_identified_by_the_kernel_anyway() {
    use net::protocol::{ClientRequest, HelloReply, Request, ServerMsg, frame};
    use std::io::Write;

    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("store");
    let lead = setup(&dir);
    lead.apply(Cmd::SetMember {
        user: me(),
        role: Role::Auditor,
    })
    .expect("add this user as auditor");
    drop(lead);
    let server = net::server::start(&dir, &net::server::ServeOptions { idle_exit: None })
        .expect("start the server");
    let mut s =
        std::os::unix::net::UnixStream::connect(dir.join("thamdinh.sock")).expect("connect");
    // A hand-made hello with every field a forged client might add.
    let hello = serde_json::json!({
        "protocol": net::protocol::PROTOCOL_VERSION,
        "program": "forged",
        "user": "lead", "actor": "lead", "role": "Lead", "uid": 0,
    });
    s.write_all(&frame::encode(&hello).expect("encode"))
        .expect("send hello");
    match frame::read_msg::<HelloReply, _>(&mut s).expect("hello reply") {
        HelloReply::Welcome(w) => {
            assert_eq!(w.user, me());
            assert_eq!(w.role, Some(Role::Auditor));
        }
        other => panic!("expected a welcome, got {other:?}"),
    }
    let req = ClientRequest {
        id: 1,
        request: Request::Apply(Cmd::SetMember {
            user: me(),
            role: Role::Lead,
        }),
    };
    s.write_all(&frame::encode(&req).expect("encode"))
        .expect("send request");
    let result = loop {
        match frame::read_msg::<ServerMsg, _>(&mut s).expect("server message") {
            ServerMsg::Reply { id: 1, result } => break result,
            _ => continue,
        }
    };
    let err = result.expect_err("an auditor cannot make themself lead");
    assert!(
        err.message(l10n::Lang::En).contains("auditor: read only"),
        "{err:?}"
    );
    drop(s);
    drop(server);
}
