//! Every fuzz target's checks (tests/fuzz_checks) on its seeds (fuzz/seeds.txt) and on every
//! input a fuzzer ever crashed on, kept in `tests/fixtures/fuzz/<target>/` (SPEC R3). A crash
//! found by `scripts/fuzz` is copied there, fixed, and stays a test here.

mod fuzz_checks;

use std::path::{Path, PathBuf};

use fuzz_checks::TARGETS;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Files in `dir` whose name ends with `suffix` (all files for an empty suffix), sorted.
fn files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(suffix) && !n.starts_with('.') && n != "README.md")
        })
        .collect();
    out.sort();
    out
}

/// The seed files of `target` as fuzz/seeds.txt lists them.
fn seeds(target: &str) -> Vec<PathBuf> {
    let list = std::fs::read_to_string(root().join("fuzz/seeds.txt")).expect("fuzz/seeds.txt");
    let mut out = Vec::new();
    for line in list.lines().filter(|l| !l.trim_start().starts_with('#')) {
        let mut words = line.split_whitespace();
        if words.next() != Some(target) {
            continue;
        }
        for pattern in words {
            match pattern.rsplit_once("/*") {
                Some((dir, suffix)) => out.extend(files(&root().join(dir), suffix)),
                None => out.push(root().join(pattern)),
            }
        }
    }
    out
}

#[test]
fn every_target_passes_its_seeds_and_past_crashes() {
    let listed: Vec<&str> = std::fs::read_to_string(root().join("fuzz/seeds.txt"))
        .expect("fuzz/seeds.txt")
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .map(|t| TARGETS.iter().find(|(name, _)| *name == t).map(|(n, _)| *n))
        .map(|t| t.expect("fuzz/seeds.txt names a known target"))
        .collect();
    for (name, check) in TARGETS {
        assert!(listed.contains(name), "{name} has seeds in fuzz/seeds.txt");
        let seeds = seeds(name);
        assert!(seeds.len() >= 2, "{name}: seeds found: {seeds:?}");
        let crashes = files(&root().join("tests/fixtures/fuzz").join(name), "");
        for path in seeds.iter().chain(&crashes) {
            let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let outcome = std::panic::catch_unwind(|| check(&data));
            assert!(outcome.is_ok(), "{name} fails on {}", path.display());
        }
    }
}

#[test]
fn a_sheet_put_back_into_its_workbook_reads_as_the_original() {
    use formats::self_import::{FileFormat, read_table};
    let original = std::fs::read(root().join("tests/fixtures/xlsx/good.xlsx")).expect("fixture");
    let sheet = std::fs::read(root().join("tests/fixtures/xlsx_sheets/good.xml")).expect("seed");
    let rebuilt = fuzz_checks::workbook_with_sheet(&sheet);
    let read = |bytes: &[u8]| {
        read_table(bytes, FileFormat::Workbook { sheet: None })
            .map_err(|p| format!("{p:?}"))
            .map(|t| format!("{t:?}"))
    };
    let want = read(&original);
    assert!(want.is_ok(), "{want:?}");
    assert_eq!(read(&rebuilt), want);
}

/// The first sheet of `tests/fixtures/fuzz/import_xlsx/NAME` in its workbook, read.
fn read_fuzzed_sheet(name: &str) -> Result<String, Vec<String>> {
    use formats::self_import::{FileFormat, read_table};
    let sheet =
        std::fs::read(root().join("tests/fixtures/fuzz/import_xlsx").join(name)).expect("fixture");
    read_table(
        &fuzz_checks::workbook_with_sheet(&sheet),
        FileFormat::Workbook { sheet: None },
    )
    .map(|t| format!("{t:?}"))
    .map_err(|ps| ps.iter().map(|p| p.message(l10n::Lang::En)).collect())
}

// calamine holds a sheet as a dense grid from its first to its last cell: one cell far away
// made `import` abort ("memory allocation of 64000000000 bytes failed").
#[test]
fn a_cell_far_beyond_the_table_is_refused_before_the_sheet_is_read() {
    let err = read_fuzzed_sheet("row-400-million.xml").expect_err("refused");
    assert_eq!(
        err,
        [
            "sheet \"Tự đánh giá\": the sheet's cells reach E400000000 (400000000 rows × 5 \
          columns), more than can be read (Excel's limits, and at most 5,000,000 cells); delete \
          the cells outside the table and save the file again"
        ]
    );
    let err = read_fuzzed_sheet("stray-cell-at-xfd1048576.xml").expect_err("refused");
    assert_eq!(err.len(), 1);
    assert!(
        err[0].contains("reach XFD1048576 (1048576 rows × 16384 columns)"),
        "{err:?}"
    );
}
