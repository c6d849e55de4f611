//! What every fuzz target checks, shared by the targets in `fuzz/` (through `#[path]`) and by
//! `tests/fuzz_regressions.rs`, which replays the seeds and every input a fuzzer once crashed
//! on (`tests/fixtures/fuzz/<target>/`). Each function takes the raw bytes of one input and
//! panics when the code under test misbehaves: a panic inside it, or an answer that breaks the
//! stated property.
#![allow(dead_code)]

use std::io::{Cursor, Read, Write};
use std::sync::LazyLock;

use domain::{Framework, Method, Points, UnitSet, parse_framework, parse_units};
use formats::self_import::{FileFormat, read_table, validate_self, validate_survey};
use formats::xlsx::sheet_names;
use formats::{ImportProblem, parse_self_csv, parse_survey_csv};
use l10n::Lang;
use net::protocol::frame::{self, FrameError};
use net::protocol::{ClientRequest, Hello, HelloReply, ServerMsg};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tui::keymap;

/// A check of one input.
pub type Check = fn(&[u8]);

/// The targets, by name, as `scripts/fuzz` and the fixture folders name them.
pub const TARGETS: &[(&str, Check)] = &[
    ("import_csv", import_csv),
    ("import_xlsx", import_xlsx),
    ("framework_toml", framework_toml),
    ("units_toml", units_toml),
    ("keymap_toml", keymap_toml),
    ("protocol_frame", protocol_frame),
];

static IMPORT_DATA: LazyLock<(Framework, UnitSet)> = LazyLock::new(|| {
    let fw = parse_framework(
        include_str!("../fixtures/import/framework.toml"),
        "framework.toml",
    )
    .expect("fixture framework");
    let units = parse_units(include_str!("../fixtures/import/units.toml"), "units.toml")
        .expect("fixture units");
    (fw, units)
});

fn check_problems(problems: &[ImportProblem], lines: usize) {
    assert!(!problems.is_empty(), "a refusal names at least one problem");
    for p in problems {
        assert!(
            p.row <= lines + 1,
            "row {} beyond the file ({lines} lines)",
            p.row
        );
        for lang in [Lang::Vi, Lang::En] {
            assert!(!p.message(lang).is_empty());
        }
    }
}

fn check_row(unit: &str, leaf: &str, score: Points, survey: bool) {
    let (fw, units) = &*IMPORT_DATA;
    assert!(units.unit(unit).is_some(), "unknown unit {unit:?} accepted");
    let node = fw
        .node(leaf)
        .unwrap_or_else(|| panic!("unknown criterion {leaf:?} accepted"));
    assert!(node.is_leaf(), "{leaf} is not a leaf");
    assert_eq!(
        node.method == Method::Survey,
        survey,
        "{leaf}: wrong method"
    );
    assert!(
        score.hundredths() >= 0 && score <= node.max,
        "{leaf}: score {} accepted",
        score.machine()
    );
}

/// Lines as the CSV reader and text editors count them: `\n`, `\r\n` and a lone `\r` each end
/// one.
fn line_count(data: &[u8]) -> usize {
    let lone_cr = data
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\r' && data.get(i + 1) != Some(&b'\n'))
        .count();
    data.iter().filter(|&&b| b == b'\n').count() + lone_cr + 1
}

/// The self-assessment and survey CSV importers, against the fixture framework and units: a
/// file is refused with problems that each say where and what, or every row it gives is valid.
pub fn import_csv(data: &[u8]) {
    let (fw, units) = &*IMPORT_DATA;
    let lines = line_count(data);
    match parse_self_csv(data, 2024, fw, units) {
        Ok(rows) => {
            for r in &rows {
                check_row(&r.unit, &r.leaf, r.score, false);
            }
        }
        Err(problems) => check_problems(&problems, lines),
    }
    match parse_survey_csv(data, 2024, fw, units) {
        Ok(rows) => {
            for r in &rows {
                check_row(&r.unit, &r.leaf, r.score, true);
            }
        }
        Err(problems) => check_problems(&problems, lines),
    }
}

/// The entries of `tests/fixtures/xlsx/good.xlsx` but its first sheet, decompressed: the
/// workbook a fuzzed sheet is put into.
static XLSX_BASE: LazyLock<Vec<(String, Vec<u8>)>> = LazyLock::new(|| {
    let bytes: &[u8] = include_bytes!("../fixtures/xlsx/good.xlsx");
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("the fixture is a zip");
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("an entry");
        let mut data = Vec::new();
        f.read_to_end(&mut data).expect("read an entry");
        let name = f.name().expect("an entry name").to_string();
        if name != XLSX_SHEET {
            out.push((name, data));
        }
    }
    out
});

const XLSX_SHEET: &str = "xl/worksheets/sheet1.xml";

/// A workbook whose first sheet's XML is `sheet` (stored, uncompressed).
pub fn workbook_with_sheet(sheet: &[u8]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in XLSX_BASE.iter() {
        w.start_file(name.as_str(), stored).expect("zip entry");
        w.write_all(data).expect("zip write");
    }
    w.start_file(XLSX_SHEET, stored).expect("zip entry");
    w.write_all(sheet).expect("zip write");
    w.finish().expect("zip finish").into_inner()
}

/// The workbook importer (XLSX, and whatever else calamine recognises), against the fixture
/// framework and units. An input starting like a zip (`PK`) is a whole workbook; any other is
/// the XML of the first sheet, put into a valid workbook (byte-level changes to a zip mostly
/// break its checksums, so this is how the sheet reader and the validation get exercised).
/// Every refusal says what; every row given is valid.
pub fn import_xlsx(data: &[u8]) {
    let owned;
    let workbook = if data.starts_with(b"PK") {
        data
    } else {
        owned = workbook_with_sheet(data);
        &owned
    };
    let (fw, units) = &*IMPORT_DATA;
    if let Err(p) = sheet_names(workbook) {
        check_problems(std::slice::from_ref(&p), usize::MAX - 1);
    }
    for sheet in [None, Some("44")] {
        let table = match read_table(workbook, FileFormat::Workbook { sheet }) {
            Ok(t) => t,
            Err(problems) => {
                check_problems(&problems, usize::MAX - 1);
                continue;
            }
        };
        match validate_self(&table, 2024, fw, units) {
            Ok(rows) => {
                for r in &rows {
                    check_row(&r.unit, &r.leaf, r.score, false);
                }
            }
            Err(problems) => check_problems(&problems, usize::MAX - 1),
        }
        match validate_survey(&table, 2024, fw, units) {
            Ok(rows) => {
                for r in &rows {
                    check_row(&r.unit, &r.leaf, r.score, true);
                }
            }
            Err(problems) => check_problems(&problems, usize::MAX - 1),
        }
    }
}

/// The framework loader: a refusal lists problems with a message in both languages; a
/// framework that loads has a consistent tree.
pub fn framework_toml(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match parse_framework(&text, "fuzz.toml") {
        Ok(fw) => {
            for (i, n) in fw.nodes.iter().enumerate() {
                if let Some(p) = n.parent {
                    assert!(p < i, "a parent comes before its children");
                    assert!(fw.nodes[p].children.contains(&i));
                }
                assert!(n.max.hundredths() > 0, "{}: max must be positive", n.code);
                assert_eq!(fw.node(&n.code).map(|m| &m.code), Some(&n.code));
            }
            assert!(fw.leaf_count() > 0);
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for e in &errors {
                for lang in [Lang::Vi, Lang::En] {
                    assert!(!e.message(lang).is_empty());
                }
            }
        }
    }
}

/// The units loader: a refusal lists problems with a message in both languages; a unit set
/// that loads names only regions it has.
pub fn units_toml(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match parse_units(&text, "fuzz.toml") {
        Ok(set) => {
            for u in &set.units {
                assert!(set.unit(&u.code).is_some());
                assert!(
                    set.region(&u.region).is_some(),
                    "unit {} in an unknown region",
                    u.code
                );
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for e in &errors {
                for lang in [Lang::Vi, Lang::En] {
                    assert!(!e.message(lang).is_empty());
                }
            }
        }
    }
}

/// The keymap loader, as a user's file on top of the defaults (`check` parses and applies it
/// exactly as loading does): every problem has a line within the file and a message in both
/// languages.
pub fn keymap_toml(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let lines = text.matches('\n').count() + 1;
    for p in keymap::check(&text, "fuzz.toml") {
        assert!(
            p.line <= lines,
            "line {} beyond the file ({lines} lines)",
            p.line
        );
        for lang in [Lang::Vi, Lang::En] {
            assert!(!p.message(lang).is_empty());
        }
    }
}

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(body: &[u8]) {
    match frame::decode::<T>(body) {
        Ok(msg) => {
            let bytes = frame::encode(&msg).expect("a decoded message encodes");
            let again: T = frame::decode(&bytes[4..]).expect("an encoded message decodes");
            assert_eq!(again, msg);
        }
        Err(e) => describe(&e),
    }
}

fn describe(e: &FrameError) {
    for lang in [Lang::Vi, Lang::En] {
        assert!(!e.message(lang).is_empty());
    }
}

/// The socket protocol decoder, as a server or a client reads: frames (length prefix + JSON)
/// one after another until an error, each decoded as every message type. A message that
/// decodes encodes and decodes back to itself.
pub fn protocol_frame(data: &[u8]) {
    let mut r = Cursor::new(data);
    for _ in 0..16 {
        // A small limit: a long announced length is refused before anything is allocated.
        match frame::read_frame(&mut r, 1 << 20) {
            Ok(body) => {
                round_trip::<Hello>(&body);
                round_trip::<HelloReply>(&body);
                round_trip::<ClientRequest>(&body);
                round_trip::<ServerMsg>(&body);
            }
            Err(e) => {
                describe(&e);
                break;
            }
        }
    }
}
