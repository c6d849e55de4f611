//! `thamdinh import self|survey FILE`: atomic import with a full problem list, or a preview.
//! CSV or a workbook (.xlsx, .xlsm, .xlsb, .xls, .ods, or a workbook under another name), read
//! into the same table and validated by the same rules.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow};

use domain::{Command, ItemKey};
use formats::self_import::{
    FileFormat, ImportProblem, ProblemKind, read_table, validate_self, validate_survey,
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
}

#[derive(Debug, clap::Args)]
pub struct FileArgs {
    /// The file to import: CSV, or a workbook (.xlsx, .xlsm, .xlsb, .xls, .ods).
    pub file: PathBuf,
    /// The workbook's sheet to read (default: the first visible sheet).
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

fn print_problems(file: &Path, problems: &[ImportProblem], lang: Lang) {
    for p in problems {
        // A problem quotes the cell as written: shown inert on the terminal.
        eprintln!("{}: {}", file.display(), inert(&p.message(lang)));
    }
    eprintln!(
        "{}",
        match lang {
            Lang::Vi => format!(
                "{} lỗi; không nhập dòng nào. Sửa tệp rồi chạy lại.",
                problems.len()
            ),
            Lang::En => format!(
                "{} problem(s); nothing was imported. Fix the file and run again.",
                problems.len()
            ),
        }
    );
}

pub fn run(store: Option<PathBuf>, lang: Lang, which: Which) -> anyhow::Result<ExitCode> {
    let dir = store_dir(store)?;
    let wb = open_workbench(&dir, lang)?;
    let (a, survey) = match which {
        Which::SelfScores(a) => (a, false),
        Which::Survey(a) => (a, true),
    };
    let year = pick_year(&*wb, a.year, lang)?;
    let y = wb.year(year).map_err(engine_err(lang))?;
    let bytes = std::fs::read(&a.file).with_context(|| format!("{}", a.file.display()))?;
    let workbook = is_workbook(&a.file, &bytes);
    if a.sheet.is_some() && !workbook {
        return Err(anyhow!(match lang {
            Lang::Vi => format!(
                "{}: --sheet chỉ dùng cho sổ tính (.xlsx, .xls, .ods); tệp này được đọc như CSV",
                a.file.display()
            ),
            Lang::En => format!(
                "{}: --sheet is for workbooks (.xlsx, .xls, .ods); this file is read as CSV",
                a.file.display()
            ),
        }));
    }
    let format = if workbook {
        FileFormat::Workbook {
            sheet: a.sheet.as_deref(),
        }
    } else {
        FileFormat::Csv
    };
    let table = match read_table(&bytes, format) {
        Ok(t) => t,
        Err(problems) => {
            print_problems(&a.file, &problems, lang);
            return Ok(ExitCode::FAILURE);
        }
    };
    // (unit, leaf, new value as text)
    let (cmd, preview): (Command, Vec<(String, String, String)>) = if survey {
        match validate_survey(&table, year, &y.framework, &y.units) {
            Ok(rows) => {
                let p = rows
                    .iter()
                    .map(|r| (r.unit.clone(), r.leaf.clone(), r.score.to_string()))
                    .collect();
                (Command::ImportSurvey { year, rows }, p)
            }
            Err(problems) => {
                print_problems(&a.file, &problems, lang);
                if workbook && a.sheet.is_none() {
                    sheet_hint(&bytes, &problems, lang);
                }
                return Ok(ExitCode::FAILURE);
            }
        }
    } else {
        match validate_self(&table, year, &y.framework, &y.units) {
            Ok(rows) => {
                let p = rows
                    .iter()
                    .map(|r| (r.unit.clone(), r.leaf.clone(), r.score.to_string()))
                    .collect();
                (Command::ImportSelf { year, rows }, p)
            }
            Err(problems) => {
                print_problems(&a.file, &problems, lang);
                if workbook && a.sheet.is_none() {
                    sheet_hint(&bytes, &problems, lang);
                }
                return Ok(ExitCode::FAILURE);
            }
        }
    };
    if let Some(sheet) = &table.sheet {
        println!(
            "{}",
            match lang {
                Lang::Vi => format!("Trang tính \"{sheet}\", dòng tiêu đề {}.", table.header_row),
                Lang::En => format!("Sheet \"{sheet}\", header on row {}.", table.header_row),
            }
        );
    }
    if a.dry_run {
        let current: HashMap<ItemKey, String> = wb
            .items(year, None)
            .map_err(engine_err(lang))?
            .into_iter()
            .filter_map(|i| {
                let v = if survey {
                    i.survey
                } else {
                    i.self_assessment.as_ref().map(|s| s.score)
                };
                v.map(|v| (i.key, v.to_string()))
            })
            .collect();
        let (mut new, mut changed, mut same) = (0, 0, 0);
        println!(
            "{:<6} {:<10} {:>9}   {:>9}",
            lang.pick("Đơn vị", "Unit"),
            lang.pick("Tiêu chí", "Criterion"),
            lang.pick("Hiện tại", "Current"),
            lang.pick("Mới", "New")
        );
        for (unit, leaf, value) in &preview {
            let key = ItemKey::new(year, unit.clone(), leaf.clone());
            let cur = current.get(&key);
            let mark = match cur {
                None => {
                    new += 1;
                    "+"
                }
                Some(c) if c != value => {
                    changed += 1;
                    "*"
                }
                Some(_) => {
                    same += 1;
                    " "
                }
            };
            println!(
                "{:<6} {:<10} {:>9} {mark} {:>9}",
                unit,
                leaf,
                cur.map(String::as_str).unwrap_or("—"),
                value
            );
        }
        println!(
            "{}",
            match lang {
                Lang::Vi => format!(
                    "Xem trước: {new} mới (+), {changed} thay đổi (*), {same} không đổi. Chưa ghi gì vào kho."
                ),
                Lang::En => format!(
                    "Preview: {new} new (+), {changed} changed (*), {same} unchanged. Nothing was written."
                ),
            }
        );
        return Ok(ExitCode::SUCCESS);
    }
    let rows = preview.len();
    let events = wb.apply_count(cmd).map_err(|e| anyhow!(e.message(lang)))?;
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
