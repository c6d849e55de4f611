//! `thamdinh import` on hostile files (SPEC I2, R3, S5): a file of thousands of bad rows prints
//! the first 1,000 problems and counts the rest; a 70 MB note is refused by its row and column
//! without copies of it; an open quote and a NUL byte are named by row and column.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_thamdinh"))
}

fn run(dir: &Path, lang: &str, args: &[&str]) -> Output {
    bin()
        .args(["--lang", lang, "--store", "st"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run thamdinh")
}

/// A store of the bundled 2024 data (63 provinces), this OS user its lead.
fn store(dir: &Path) {
    let out = run(dir, "en", &["init", "--year", "2024"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn thousands_of_bad_rows_print_a_thousand_problems_and_the_count_of_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    store(d);
    let mut csv = String::from("unit,code,self_score\n");
    for _ in 0..5000 {
        csv.push_str("99,1.1.1,0\n");
    }
    std::fs::write(d.join("bad.csv"), &csv).unwrap();
    for (lang, more, total) in [
        (
            "en",
            "bad.csv: … and 4,000 more",
            "5,000 problem(s); nothing was imported.",
        ),
        (
            "vi",
            "bad.csv: … và 4.000 lỗi khác",
            "5.000 lỗi; không nhập dòng nào.",
        ),
    ] {
        let out = run(d, lang, &["import", "self", "bad.csv"]);
        assert!(!out.status.success());
        let err = String::from_utf8(out.stderr).unwrap();
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 1002, "{lang}: {}", &err[..err.len().min(2000)]);
        assert!(lines[0].starts_with("bad.csv: "), "{}", lines[0]);
        assert!(
            lines[999].contains(if lang == "en" {
                "row 1001,"
            } else {
                "dòng 1001,"
            }),
            "{}",
            lines[999]
        );
        assert_eq!(lines[1000], more);
        assert!(lines[1001].starts_with(total), "{}", lines[1001]);
    }
}

/// Run `args` in `dir` and return its standard error and its peak resident memory in bytes.
#[allow(
    clippy::zombie_processes,
    reason = "the child is reaped by wait4, which also reports its peak memory"
)]
fn run_measured(dir: &Path, args: &[&str]) -> (bool, String, u64) {
    let mut child = bin()
        .args(["--lang", "en", "--store", "st"])
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run thamdinh");
    let mut stderr = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        stderr.read_to_string(&mut s).expect("read stderr");
        s
    });
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, with valid pointers to the status and the usage.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4");
    let success = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    // ru_maxrss is in KiB on Linux.
    (
        success,
        reader.join().expect("stderr reader"),
        u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024,
    )
}

#[test]
fn a_70_mb_note_is_refused_by_its_row_and_column_without_copies_of_it() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    store(d);
    let note = 70 << 20;
    let mut csv = b"unit,code,self_score,note\n44,1.1.1,0,ok\n44,1.1.2,0,".to_vec();
    csv.resize(csv.len() + note, b'x');
    csv.extend(b"\n44,1.2.1,0,\n");
    std::fs::write(d.join("big.csv"), &csv).unwrap();
    let file = csv.len() as u64;
    drop(csv);
    let (ok, err, peak) = run_measured(d, &["import", "self", "big.csv"]);
    assert!(!ok, "{err}");
    assert_eq!(
        err.lines().next().unwrap_or_default(),
        "big.csv: row 3, column note: the text has 73,400,320 bytes, more than the 16,384 bytes \
         (16 KiB) this column may hold; shorten it, or put the details in an evidence document \
         and cite it"
    );
    assert!(err.contains("1 problem(s); nothing was imported"), "{err}");
    // The file is read once; nothing holds a second copy of the note (the program itself, with
    // its connection to the server, takes a few tens of MB).
    assert!(
        peak < file + (64 << 20),
        "peak memory {} MB for a {} MB file",
        peak >> 20,
        file >> 20
    );
}

#[test]
fn an_open_quote_and_a_nul_byte_are_named_by_row_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    store(d);
    std::fs::write(
        d.join("quote.csv"),
        "unit,code,self_score,note\n44,1.1.1,0,\"Chưa đóng\n44,1.1.2,0,x\n",
    )
    .unwrap();
    std::fs::write(
        d.join("nul.csv"),
        "unit,code,self_score,note\n44,1.1.1,0,ok\n44,1.1.2,0,a\0b\n",
    )
    .unwrap();
    let out = run(d, "vi", &["import", "self", "quote.csv"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.starts_with(
            "quote.csv: dòng 2, cột note: dấu ngoặc kép (\") mở một giá trị ở đây nhưng không \
             được đóng"
        ),
        "{err}"
    );
    let out = run(d, "en", &["import", "self", "nul.csv"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.starts_with("nul.csv: row 3, column note: the cell holds a NUL character (byte 0)"),
        "{err}"
    );
    // Nothing was imported.
    let out = run(d, "en", &["audit", "--unit", "44"]);
    let trail = String::from_utf8_lossy(&out.stdout);
    assert!(!trail.contains("import-self"), "{trail}");
}
