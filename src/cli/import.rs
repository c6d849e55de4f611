//! `thamdinh import self|survey FILE`: atomic import with a full problem list, or a preview.
//! CSV or a workbook (.xlsx, .xlsm, .xlsb, .xls, .ods, or a workbook under another name), read
//! into the same table and validated by the same rules.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow};

use api::Feed;
use domain::{Change, ImportHead, ImportKind, ImportRows, ItemKey, NewEvent, Points, Status};
use formats::self_import::{
    FileFormat, ImportProblem, ImportTables, ProblemKind, Problems, RowChecker, open_csv_file,
    open_table, read_import,
};
use formats::xlsx::{is_workbook, sheet_names};
use l10n::Lang;
use text::inert;

use super::open::{engine_err, open_workbench, pick_year, store_dir};

#[derive(Debug, clap::Subcommand)]
pub enum Which {
    /// Provinces' self-assessments (CSV or XLSX: unit, code, self_score, note, evidence).
    #[command(name = "self")]
    SelfScores(FileArgs),
    /// Survey points (CSV or XLSX: unit, code, score).
    Survey(FileArgs),
    /// The published results of a past year (CSV or XLSX: unit, index, optionally rank and
    /// per-area points, national and regional averages), so comparisons have a base.
    Results(super::import_results::ResultsArgs),
    /// Survey responses (CSV or XLSX: respondent, unit, channel, date, one column per question
    /// of the survey), recorded as tallies with the respondents' keyed hashes.
    Responses(super::survey::ResponsesArgs),
}

#[derive(Debug, clap::Args)]
pub struct FileArgs {
    /// The file to import: CSV, or a workbook (.xlsx, .xlsm, .xlsb, .xls, .ods).
    pub file: PathBuf,
    /// The workbook's sheet to read (default: every visible sheet with the import's columns, e.g.
    /// each unit sheet of an exported workbook).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Assessment year (default: the store's latest year).
    #[arg(long)]
    pub year: Option<u16>,
    /// Show current vs new value per item and change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// When a workbook's default sheet lacks the import's columns, name the other sheets.
fn sheet_hint(bytes: &[u8], problems: &[ImportProblem], lang: Lang) {
    let missing = problems
        .iter()
        .any(|p| matches!(p.kind, ProblemKind::MissingColumn { .. }));
    let Ok(names) = sheet_names(bytes) else {
        return;
    };
    if !missing || names.len() < 2 {
        return;
    }
    let list = names
        .iter()
        .map(|n| format!("\"{}\"", inert(n)))
        .collect::<Vec<_>>()
        .join(", ");
    eprintln!(
        "{}",
        match lang {
            Lang::Vi => format!(
                "Gợi ý: đã đọc trang tính đầu tiên; chọn trang khác bằng --sheet TÊN (với sổ tính \
                 xuất từ thamdinh có thể ghi mã đơn vị, ví dụ --sheet 44). Các trang tính: {list}"
            ),
            Lang::En => format!(
                "Hint: the first sheet was read; choose another with --sheet NAME (in a workbook \
                 exported by thamdinh, the unit's code will do, e.g. --sheet 44). Sheets: {list}"
            ),
        }
    );
}

/// Which sheets of a workbook were read (with their header rows) and which were passed over.
fn print_sheets(tables: &formats::self_import::ImportTables, lang: Lang) {
    let read: Vec<_> = tables
        .tables
        .iter()
        .filter_map(|t| t.sheet.as_ref().map(|s| (inert(s), t.header_row)))
        .collect();
    match read.as_slice() {
        [] => {}
        [(sheet, row)] => println!(
            "{}",
            match lang {
                Lang::Vi => format!("Trang tính \"{sheet}\", dòng tiêu đề {row}."),
                Lang::En => format!("Sheet \"{sheet}\", header on row {row}."),
            }
        ),
        many => {
            let names = few(many.iter().map(|(s, _)| s.to_string()), lang);
            println!(
                "{}",
                match lang {
                    Lang::Vi => format!("Đã đọc {} trang tính: {names}.", many.len()),
                    Lang::En => format!("Read {} sheets: {names}.", many.len()),
                }
            );
        }
    }
    if !tables.skipped.is_empty() {
        let n = tables.skipped.len();
        let names = few(tables.skipped.iter().map(|s| inert(s).into_owned()), lang);
        println!(
            "{}",
            match lang {
                Lang::Vi => format!("Bỏ qua {n} trang tính không có các cột cần nhập: {names}."),
                Lang::En => format!("Skipped {n} sheet(s) without the import's columns: {names}."),
            }
        );
    }
    if !tables.empty.is_empty() {
        let n = tables.empty.len();
        let names = few(tables.empty.iter().map(|s| inert(s).into_owned()), lang);
        println!(
            "{}",
            match lang {
                Lang::Vi => format!("Bỏ qua {n} trang tính chưa có điểm nào: {names}."),
                Lang::En => format!("Skipped {n} sheet(s) without any score: {names}."),
            }
        );
    }
}

/// The first few names, quoted, and how many others: "\"01 Hà Nội\", … và 58 trang khác".
fn few(names: impl Iterator<Item = String>, lang: Lang) -> String {
    const SHOWN: usize = 4;
    let names: Vec<String> = names.collect();
    let mut out: Vec<String> = names
        .iter()
        .take(SHOWN)
        .map(|n| format!("\"{n}\""))
        .collect();
    if names.len() > SHOWN {
        let rest = names.len() - SHOWN;
        out.push(match lang {
            Lang::Vi => format!("và {rest} trang khác"),
            Lang::En => format!("and {rest} more"),
        });
    }
    out.join(", ")
}

/// The listed problems (at most the first 1,000), "… and N more" for the others, and the count.
pub(crate) fn print_problems(file: &Path, problems: &Problems, lang: Lang) {
    use std::io::Write;
    let stderr = std::io::stderr();
    let mut err = std::io::BufWriter::new(stderr.lock());
    for p in problems {
        // A problem quotes the cell as written: shown inert on the terminal.
        let _ = writeln!(err, "{}: {}", file.display(), inert(&p.message(lang)));
    }
    if let Some(more) = problems.more_message(lang) {
        let _ = writeln!(err, "{}: {more}", file.display());
    }
    let total = formats::problem::count(problems.total(), lang);
    let _ = writeln!(
        err,
        "{}",
        match lang {
            Lang::Vi => format!("{total} lỗi; không nhập dòng nào. Sửa tệp rồi chạy lại."),
            Lang::En => {
                format!("{total} problem(s); nothing was imported. Fix the file and run again.")
            }
        }
    );
    let _ = err.flush();
}

pub fn run(store: Option<PathBuf>, lang: Lang, which: Which) -> anyhow::Result<ExitCode> {
    let (a, survey) = match which {
        Which::SelfScores(a) => (a, false),
        Which::Survey(a) => (a, true),
        Which::Results(a) => return super::import_results::run(store, lang, a),
        Which::Responses(a) => return super::survey::import_responses(store, lang, a),
    };
    let dir = store_dir(store, lang)?;
    let wb = open_workbench(&dir, lang)?;
    let year = pick_year(&*wb, a.year, lang)?;
    let y = wb.year(year).map_err(engine_err(lang))?;
    // The first bytes (and the name) tell a workbook from a CSV file.
    let mut start = Vec::new();
    std::fs::File::open(&a.file)
        .and_then(|f| f.take(8).read_to_end(&mut start))
        .with_context(|| format!("{}", a.file.display()))?;
    let workbook = is_workbook(&a.file, &start);
    sheet_fits(&a.file, workbook, a.sheet.as_deref(), lang)?;
    let kind = if survey {
        ImportKind::Survey
    } else {
        ImportKind::SelfScores
    };
    // A CSV file is read as it is checked (it is never held whole: its rows go to the server as
    // they are read). A workbook is read whole first: a named sheet is one table; without
    // --sheet, every sheet with the import's columns and scores (the national workbook whole).
    let one = |table| ImportTables {
        tables: vec![table],
        skipped: Vec::new(),
        empty: Vec::new(),
    };
    let bytes: Vec<u8>;
    let opened = if workbook {
        bytes = std::fs::read(&a.file).with_context(|| format!("{}", a.file.display()))?;
        match a.sheet.as_deref() {
            None => {
                read_import(&bytes, FileFormat::Workbook { sheet: None }, kind).map(|t| (t, None))
            }
            Some(sheet) => open_table(&bytes, FileFormat::Workbook { sheet: Some(sheet) })
                .map(|(table, csv)| (one(table), csv)),
        }
    } else {
        bytes = Vec::new();
        open_csv_file(&a.file)
            .with_context(|| format!("{}", a.file.display()))?
            .map(|(table, csv)| (one(table), csv))
    };
    let (tables, mut csv) = match opened {
        Ok(t) => t,
        Err(problems) => {
            print_problems(&a.file, &problems, lang);
            return Ok(ExitCode::FAILURE);
        }
    };
    let several = tables.tables.len() > 1;
    let mut checkers = Vec::new();
    let mut header_problems = Problems::new();
    for table in &tables.tables {
        match RowChecker::new(table, csv.take(), &y.framework, &y.units, kind) {
            Ok(c) => checkers.push(c),
            Err(problems) => header_problems.append(problems),
        }
    }
    if header_problems.total() > 0 {
        return Ok(refused(
            &a,
            &bytes,
            workbook && !several,
            &header_problems,
            lang,
        ));
    }
    print_sheets(&tables, lang);
    // The rows go to the server as they are checked, a batch at a time; the first problem
    // abandons the import (nothing is written) and the rest of the file is still checked, so
    // every problem is listed.
    let head = ImportHead {
        year,
        kind,
        // For the free-space check before anything is written.
        rows: checkers
            .iter()
            .map(RowChecker::rows_expected)
            .sum::<usize>() as u64,
    };
    // (unit, leaf, new value as text), for the preview
    let mut preview: Vec<(String, String, String)> = Vec::new();
    let mut rows = 0usize;
    // Two sheets with a row for the same item: which one counts would be a guess.
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    let mut overlap: Option<ImportProblem> = None;
    let mut current = 0usize;
    let sheet_name = |i: usize| tables.tables[i].sheet.clone().unwrap_or_default();
    let mut feed = || loop {
        if overlap.is_some() {
            return Feed::Abandon;
        }
        let Some(checker) = checkers.get_mut(current) else {
            return Feed::End;
        };
        match checker.next_rows(FEED_ROWS) {
            Some(batch) => {
                if several {
                    for key in keys_of(&batch) {
                        match seen.get(&key) {
                            Some(&j) if j != current => {
                                let (unit, leaf) = key;
                                overlap = Some(ImportProblem::new(
                                    0,
                                    None,
                                    ProblemKind::SheetsOverlap {
                                        sheets: vec![sheet_name(j), sheet_name(current)],
                                        item: Box::new((unit, leaf)),
                                    },
                                ));
                                return Feed::Abandon;
                            }
                            Some(_) => {}
                            None => {
                                seen.insert(key, current);
                            }
                        }
                    }
                }
                rows += batch.len();
                if a.dry_run {
                    preview.extend(preview_of(&batch, lang));
                }
                return Feed::Rows(batch);
            }
            None if checker.has_problems() => return Feed::Abandon,
            None => current += 1,
        }
    };
    if a.dry_run {
        let planned = wb.plan_import(head, &mut feed).map_err(engine_err(lang));
        let Some(planned) = planned? else {
            return Ok(match finish(checkers, overlap) {
                Err(problems) => refused(&a, &bytes, workbook && !several, &problems, lang),
                Ok(()) => ExitCode::FAILURE,
            });
        };
        if let Err(problems) = finish(checkers, overlap) {
            return Ok(refused(&a, &bytes, workbook && !several, &problems, lang));
        }
        print_preview(&preview, year, &planned, lang);
        return Ok(ExitCode::SUCCESS);
    }
    let imported = wb.import(head, &mut feed);
    // The file's problems first: an import abandoned because of them wrote nothing.
    if let Err(problems) = finish(checkers, overlap) {
        return Ok(refused(&a, &bytes, workbook && !several, &problems, lang));
    }
    let Some(events) = imported.map_err(|e| anyhow!(e.message(lang)))? else {
        return Err(anyhow!(lang.pick(
            "lệnh nhập bị bỏ dở; không có gì được ghi",
            "the import was abandoned; nothing was written",
        )));
    };
    println!(
        "{}",
        match lang {
            Lang::Vi => format!(
                "Đã nhập {rows} dòng từ {}: {} thay đổi được ghi (năm {year}).",
                a.file.display(),
                events
            ),
            Lang::En => format!(
                "Imported {rows} rows from {}: {} changes recorded (year {year}).",
                a.file.display(),
                events
            ),
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// Rows checked and sent at a time.
const FEED_ROWS: usize = 2_000;

/// The rows of a batch as the preview lists them: (unit, leaf, new value as text).
fn preview_of(rows: &ImportRows, lang: Lang) -> Vec<(String, String, String)> {
    match rows {
        ImportRows::SelfScores(rows) => rows
            .iter()
            .map(|r| (r.unit.clone(), r.leaf.clone(), r.score.show(lang)))
            .collect(),
        ImportRows::Survey(rows) => rows
            .iter()
            .map(|r| (r.unit.clone(), r.leaf.clone(), r.score.show(lang)))
            .collect(),
    }
}

/// The items (unit, leaf) of a batch.
fn keys_of(rows: &ImportRows) -> Vec<(String, String)> {
    match rows {
        ImportRows::SelfScores(rows) => rows
            .iter()
            .map(|r| (r.unit.clone(), r.leaf.clone()))
            .collect(),
        ImportRows::Survey(rows) => rows
            .iter()
            .map(|r| (r.unit.clone(), r.leaf.clone()))
            .collect(),
    }
}

/// Every sheet's remaining problems (each checker reads the rest of its table), then two sheets
/// with a row for the same item.
fn finish(checkers: Vec<RowChecker<'_>>, overlap: Option<ImportProblem>) -> Result<(), Problems> {
    let mut problems = Problems::new();
    for checker in checkers {
        if let Err(p) = checker.finish() {
            problems.append(p);
        }
    }
    if let Some(o) = overlap {
        problems.push(o);
    }
    if problems.total() > 0 {
        Err(problems)
    } else {
        Ok(())
    }
}

/// A refused file: every problem, a hint for a workbook read from the wrong sheet; nothing was
/// imported.
fn refused(
    a: &FileArgs,
    bytes: &[u8],
    workbook: bool,
    problems: &Problems,
    lang: Lang,
) -> ExitCode {
    print_problems(&a.file, problems, lang);
    if workbook && a.sheet.is_none() {
        sheet_hint(bytes, problems, lang);
    }
    ExitCode::FAILURE
}

/// What the import would do to one item, from the events the engine planned.
#[derive(Default)]
struct Planned {
    /// The score before (`None`: the item has none yet), when the import changes it.
    score: Option<Option<Points>>,
    /// The note or the evidence changes.
    text: bool,
    /// An agreement with the old score is reset to pending.
    reset: bool,
}

/// `--dry-run`: every row of the file with the current and the new value and what the import
/// would change, exactly as the engine would write it (`Workbench::plan`).
fn print_preview(
    preview: &[(String, String, String)],
    year: u16,
    planned: &[NewEvent],
    lang: Lang,
) {
    let mut by_item: HashMap<ItemKey, Planned> = HashMap::new();
    for ev in planned {
        match &ev.change {
            Change::SelfAssessed {
                key, before, after, ..
            } => {
                let p = by_item.entry(key.clone()).or_default();
                let old = before.as_ref().map(|b| b.score);
                if old != Some(after.score) {
                    p.score = Some(old);
                }
                if before
                    .as_ref()
                    .is_some_and(|b| b.note != after.note || b.evidence != after.evidence)
                {
                    p.text = true;
                }
            }
            Change::SurveyScored {
                key, before, after, ..
            } if *before != Some(*after) => {
                by_item.entry(key.clone()).or_default().score = Some(*before);
            }
            Change::Appraised {
                key, before, after, ..
            } if before.status != after.status && after.status == Status::Pending => {
                by_item.entry(key.clone()).or_default().reset = true;
            }
            _ => {}
        }
    }
    let (mut new, mut changed, mut text_only, mut same, mut resets) = (0, 0, 0, 0, 0);
    println!(
        "{:<6} {:<10} {:>9}   {:>9}  {}",
        lang.pick("Đơn vị", "Unit"),
        lang.pick("Tiêu chí", "Criterion"),
        lang.pick("Hiện tại", "Current"),
        lang.pick("Mới", "New"),
        lang.pick("Thay đổi", "Change")
    );
    for (unit, leaf, value) in preview {
        let key = ItemKey::new(year, unit.clone(), leaf.clone());
        let p = by_item.get(&key);
        let mut what = Vec::new();
        let (mark, current) = match p.and_then(|p| p.score) {
            Some(None) => {
                new += 1;
                ("+", "—".to_string())
            }
            Some(Some(old)) => {
                changed += 1;
                ("*", old.show(lang))
            }
            None if p.is_some_and(|p| p.text) => {
                text_only += 1;
                ("~", value.clone())
            }
            None => {
                same += 1;
                (" ", value.clone())
            }
        };
        if p.is_some_and(|p| p.text) {
            what.push(lang.pick("ghi chú/tài liệu", "note/evidence"));
        }
        if p.is_some_and(|p| p.reset) {
            resets += 1;
            what.push(lang.pick("Đồng ý → Chờ thẩm định", "Agreed → Pending"));
        }
        println!(
            "{:<6} {:<10} {:>9} {mark} {:>9}  {}",
            inert(unit),
            inert(leaf),
            current,
            value,
            what.join(", ")
        );
    }
    println!(
        "{}",
        match lang {
            Lang::Vi => format!(
                "Xem trước: {new} mới (+), {changed} đổi điểm (*), {text_only} chỉ đổi ghi chú hoặc \
                 tài liệu (~), {same} không đổi; {resets} tiêu chí đã đồng ý sẽ trở về chờ thẩm \
                 định. Chưa ghi gì vào kho."
            ),
            Lang::En => format!(
                "Preview: {new} new (+), {changed} score changed (*), {text_only} note or evidence \
                 changed only (~), {same} unchanged; {resets} agreed item(s) would go back to \
                 pending. Nothing was written."
            ),
        }
    );
}

/// `--sheet` names a sheet of a workbook: given with a file read as CSV, it is refused (every
/// import that reads a workbook says the same).
pub(super) fn sheet_fits(
    file: &std::path::Path,
    workbook: bool,
    sheet: Option<&str>,
    lang: Lang,
) -> anyhow::Result<()> {
    if sheet.is_none() || workbook {
        return Ok(());
    }
    Err(anyhow!(match lang {
        Lang::Vi => format!(
            "{}: --sheet chỉ dùng cho sổ tính (.xlsx, .xls, .ods); tệp này được đọc như CSV",
            file.display()
        ),
        Lang::En => format!(
            "{}: --sheet is for workbooks (.xlsx, .xls, .ods); this file is read as CSV",
            file.display()
        ),
    }))
}

/// An imported file read whole, as the results and the responses importers read theirs: its
/// bytes, how they are read (a workbook's sheet, or CSV), its name and its SHA-256 in hex (both
/// recorded with what it brings).
pub(super) struct WholeFile<'a> {
    pub bytes: Vec<u8>,
    pub format: formats::self_import::FileFormat<'a>,
    pub name: String,
    pub sha256: String,
}

pub(super) fn read_whole<'a>(
    file: &std::path::Path,
    sheet: Option<&'a str>,
    lang: Lang,
) -> anyhow::Result<WholeFile<'a>> {
    use sha2::{Digest, Sha256};
    let bytes = std::fs::read(file).with_context(|| format!("{}", file.display()))?;
    let workbook = is_workbook(file, &bytes[..bytes.len().min(8)]);
    sheet_fits(file, workbook, sheet, lang)?;
    let format = if workbook {
        formats::self_import::FileFormat::Workbook { sheet }
    } else {
        formats::self_import::FileFormat::Csv
    };
    let sha256 = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok(WholeFile {
        bytes,
        format,
        name,
        sha256,
    })
}
