//! What the command line prints for a person is Vietnamese by default and English with
//! `--lang en` (SPEC W13, W15, C2, C3): role names in `member list` and `doctor`, status words in
//! `audit`, and numbers with a decimal comma in every human output (`report … --format md`,
//! `audit`, `round list`, `verify`, `member list`, `doctor`).

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use api::Workbench;
use common::{key, open_round, p, setup, two_decimal_numbers, version};
use domain::{Command, Role};

fn me() -> String {
    uzers::get_current_username()
        .expect("a passwd entry")
        .to_string_lossy()
        .into_owned()
}

/// The test store (`common::setup`) with this OS user as an auditor, two adjustments by "an"
/// and an evidence request, and an explanation round.
fn store(tmp: &tempfile::TempDir) -> PathBuf {
    let dir = tmp.path().join("st");
    let lead = setup(&dir);
    lead.apply(Command::SetMember {
        user: me(),
        role: Role::Auditor,
    })
    .expect("member");
    let an = lead.session("an");
    for (leaf, score, why) in [
        ("1.1.1", "1.25", "Thiếu quyết định ban hành kế hoạch"),
        ("1.1.2", "0.75", "Báo cáo quý IV nộp chậm 10 ngày"),
    ] {
        let k = key("44", leaf);
        an.apply(Command::Adjust {
            key: k.clone(),
            score: p(score),
            justification: why.into(),
            expected: version(&an, &k),
        })
        .expect("adjust");
    }
    let k = key("67", "1.1.1");
    an.apply(Command::RequestEvidence {
        key: k.clone(),
        request: "Bổ sung quyết định".into(),
        expected: version(&an, &k),
    })
    .expect("request");
    open_round(&lead, "2025-03-01", "2025-03-15");
    dir
}

/// Stops the store's server (started by the first command) when the test ends.
struct Server(PathBuf);

impl Drop for Server {
    fn drop(&mut self) {
        drop(common::open_after_server(&self.0));
    }
}

fn run(dir: &Path, lang: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_thamdinh"));
    if let Some(l) = lang {
        cmd.args(["--lang", l]);
    }
    cmd.arg("--store")
        .arg(dir)
        .args(args)
        .output()
        .expect("run thamdinh")
}

fn stdout(dir: &Path, lang: Option<&str>, args: &[&str]) -> String {
    let out = run(dir, lang, args);
    assert!(
        out.status.success(),
        "thamdinh {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The human outputs of the commands a Vietnamese appraiser runs every day.
const COMMANDS: &[&[&str]] = &[
    &["member", "list"],
    &["doctor"],
    &["audit", "--user", "an"],
    &["audit", "--unit", "44"],
    &["audit", "--unit", "44", "--format", "md"],
    &["audit", "--unit", "44", "--item", "1.1.1"],
    &["round", "list"],
    &["report", "unit", "44"],
    &["report", "ranking"],
    &["verify"],
];

/// Numbers written with `sep` in `text`, criterion codes (1.1.1, 2.1) left out.
fn numbers_with(text: &str, sep: char) -> Vec<String> {
    text.lines()
        .flat_map(|l| two_decimal_numbers(l, sep))
        .filter(|n| !["1.1", "2.1", "1.10"].contains(&n.as_str()))
        .collect()
}

#[test]
fn vietnamese_is_the_default_words_and_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = store(&tmp);
    let _server = Server(dir.clone());

    let members = stdout(&dir, None, &["member", "list"]);
    for role in ["trưởng nhóm", "thẩm định viên", "kiểm tra, chỉ đọc"] {
        assert!(members.contains(role), "{role} missing:\n{members}");
    }
    // The user "lead" is a name; the role column is what is checked.
    for line in members.lines() {
        let role = line.split_once(' ').map_or("", |(_, r)| r.trim());
        assert!(!["lead", "appraiser", "auditor"].contains(&role), "{line}");
    }

    let doctor = stdout(&dir, None, &["doctor"]);
    assert!(
        doctor.contains(&format!("{} — kiểm tra, chỉ đọc", me())),
        "{doctor}"
    );
    for word in ["auditor", "Terminal:", "Socket:", "(default)"] {
        assert!(!doctor.contains(word), "{word} in:\n{doctor}");
    }

    let audit = stdout(&dir, None, &["audit", "--user", "an"]);
    assert!(
        audit.contains("trạng thái Chờ thẩm định → Điều chỉnh; điểm đề xuất — → 1,25"),
        "{audit}"
    );
    assert!(audit.contains("điều chỉnh"), "{audit}");
    for word in [
        "pending",
        "adjusted",
        "needs-info",
        " adjust ",
        "request-evidence",
    ] {
        assert!(!audit.contains(word), "{word} in:\n{audit}");
    }

    let mut seen = 0;
    for args in COMMANDS {
        let out = stdout(&dir, None, args);
        seen += numbers_with(&out, ',').len();
        let bad = numbers_with(&out, '.');
        assert!(bad.is_empty(), "thamdinh {args:?} wrote {bad:?}:\n{out}");
    }
    assert!(seen > 20, "only {seen} numbers with a comma");
}

#[test]
fn english_with_lang_en_words_and_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = store(&tmp);
    let _server = Server(dir.clone());

    let members = stdout(&dir, Some("en"), &["member", "list"]);
    for role in ["lead", "appraiser", "auditor"] {
        assert!(members.contains(role), "{role} missing:\n{members}");
    }
    let doctor = stdout(&dir, Some("en"), &["doctor"]);
    assert!(
        doctor.contains(&format!("{} — auditor, read only", me())),
        "{doctor}"
    );
    let audit = stdout(&dir, Some("en"), &["audit", "--user", "an"]);
    assert!(
        audit.contains("status Pending → Adjusted; proposed — → 1.25"),
        "{audit}"
    );

    let mut seen = 0;
    for args in COMMANDS {
        let out = stdout(&dir, Some("en"), args);
        seen += numbers_with(&out, '.').len();
        let bad = numbers_with(&out, ',');
        assert!(bad.is_empty(), "thamdinh {args:?} wrote {bad:?}:\n{out}");
    }
    assert!(seen > 20, "only {seen} numbers with a point");
}

fn bare(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_thamdinh"))
        .args(args)
        .output()
        .expect("run thamdinh")
}

#[test]
fn help_and_a_bad_command_line_speak_the_language_of_the_command_line() {
    let out = bare(&["--help"]);
    assert!(out.status.success());
    let vi = String::from_utf8(out.stdout).unwrap();
    for w in [
        "Cách dùng: thamdinh [TÙY_CHỌN] [LỆNH]",
        "Lệnh:",
        "Tùy chọn:",
        "In trợ giúp",
    ] {
        assert!(vi.contains(w), "{w} missing:\n{vi}");
    }
    for w in ["Usage", "Options", "Commands", "Print help"] {
        assert!(!vi.contains(w), "{w} in:\n{vi}");
    }
    let audit = String::from_utf8(bare(&["audit", "--help"]).stdout).unwrap();
    assert!(
        audit.contains("Chỉ các thay đổi của người dùng này"),
        "{audit}"
    );

    let en = String::from_utf8(bare(&["--lang", "en", "audit", "--help"]).stdout).unwrap();
    assert!(
        en.contains("Usage: thamdinh audit [OPTIONS]") && en.contains("Only changes by this user"),
        "{en}"
    );

    let out = bare(&["audit", "--usr", "an"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("thamdinh: lỗi dòng lệnh: tham số '--usr' không có (gợi ý: --user)"),
        "{err}"
    );
    let out = bare(&["--lang", "en", "audit", "--usr", "an"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("unexpected argument '--usr'"), "{err}");
}
