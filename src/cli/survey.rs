//! Survey responses and the points computed from them (issue 16): `thamdinh import responses
//! FILE` (the tallies of a file of answers, recorded as one event or not at all) and `thamdinh
//! survey compute` (what the responses give, shown old → new per unit and item; written as
//! survey points only with --apply).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow};

use domain::bundled;
use domain::{Change, Command, SurveyDef, parse_survey};
use formats::responses_import::parse_responses;
use l10n::Lang;

use super::data::Source;
use super::open::{engine_err, open_workbench, pick_year, store_dir};

#[derive(Debug, clap::Args)]
pub struct ResponsesArgs {
    /// The file: CSV or a workbook (.xlsx, .xlsm, .xlsb, .xls, .ods) with the columns
    /// nguoi_tra_loi (respondent), don_vi (unit), kenh (channel: online, counter, paper), ngay
    /// (date, dd/mm/yyyy) and one column per question of the survey (the answer's level number
    /// or words; empty: no answer).
    pub file: PathBuf,
    /// The survey: a bundled survey's id (sipas-2024, lanh-dao-2024) or a survey definition
    /// file (default: sipas-2024).
    #[arg(long, value_name = "ID|FILE")]
    pub survey: Option<String>,
    /// Assessment year (default: the store's latest year).
    #[arg(long)]
    pub year: Option<u16>,
    /// The workbook's sheet to read (default: the first visible sheet).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Check the file and show what it holds; record nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, clap::Subcommand)]
pub enum SurveyCmd {
    /// Compute the year's survey points from its responses: shows what would change (old → new
    /// per unit and item) and writes only with --apply.
    Compute(ComputeArgs),
}

#[derive(Debug, clap::Args)]
pub struct ComputeArgs {
    /// Assessment year (default: the store's latest year).
    #[arg(long)]
    pub year: Option<u16>,
    /// The survey: a bundled survey's id or a survey definition file (default: sipas-2024).
    #[arg(long, value_name = "ID|FILE")]
    pub survey: Option<String>,
    /// Write the points that changed (without it, nothing is written).
    #[arg(long)]
    pub apply: bool,
}

/// The survey definition named by `--survey` (a bundled id or a file), parsed; every problem
/// listed.
pub(crate) fn survey_source(name: Option<&str>, lang: Lang) -> anyhow::Result<(Source, SurveyDef)> {
    let name = name.unwrap_or(bundled::DEFAULT_SURVEY);
    let src = match bundled::surveys()
        .iter()
        .find(|f| parse_survey(f.text, f.name).is_ok_and(|s| s.id == name))
    {
        Some(f) => Source {
            file: f.name.to_string(),
            text: f.text.to_string(),
        },
        None => {
            let path = Path::new(name);
            if !path.exists() {
                let ids: Vec<String> = bundled::surveys()
                    .iter()
                    .filter_map(|f| parse_survey(f.text, f.name).ok().map(|s| s.id))
                    .collect();
                return Err(anyhow!(match lang {
                    Lang::Vi => format!(
                        "không có bộ câu hỏi \"{name}\": hãy ghi mã một bộ có sẵn ({}) hoặc đường dẫn tệp định nghĩa khảo sát (.toml)",
                        ids.join(", ")
                    ),
                    Lang::En => format!(
                        "no survey \"{name}\": name a bundled one ({}) or a survey definition file (.toml)",
                        ids.join(", ")
                    ),
                }));
            }
            let bytes = std::fs::read(path).with_context(|| format!("{}", path.display()))?;
            let text = String::from_utf8(bytes).map_err(|e| {
                anyhow!(match lang {
                    Lang::Vi => format!(
                        "{} không phải văn bản UTF-8 (byte {})",
                        path.display(),
                        e.utf8_error().valid_up_to()
                    ),
                    Lang::En => format!(
                        "{} is not UTF-8 text (byte {})",
                        path.display(),
                        e.utf8_error().valid_up_to()
                    ),
                })
            })?;
            Source {
                file: path.display().to_string(),
                text,
            }
        }
    };
    let def = parse_survey(&src.text, &src.file).map_err(|errs| {
        anyhow!(
            errs.iter()
                .map(|e| e.message(lang))
                .collect::<Vec<_>>()
                .join("\n")
        )
    })?;
    Ok((src, def))
}

pub fn import_responses(
    store: Option<PathBuf>,
    lang: Lang,
    a: ResponsesArgs,
) -> anyhow::Result<ExitCode> {
    let (_, def) = survey_source(a.survey.as_deref(), lang)?;
    let wb = open_workbench(&store_dir(store, lang)?, lang)?;
    let year = pick_year(&*wb, a.year, lang)?;
    let y = wb.year(year).map_err(engine_err(lang))?;
    let f = super::import::read_whole(&a.file, a.sheet.as_deref(), lang)?;
    let upload = match parse_responses(&f.bytes, f.format, &def, &y.units, &f.name, &f.sha256) {
        Ok(u) => u,
        Err(problems) => {
            super::import::print_problems(&a.file, &problems, lang);
            return Ok(ExitCode::FAILURE);
        }
    };
    let responses = formats::problem::count(upload.batch.responses() as usize, lang);
    let units = upload.batch.units.len();
    let channels = upload.batch.units.iter().fold([0u64; 3], |mut acc, u| {
        for (a, c) in acc.iter_mut().zip(u.channels) {
            *a += u64::from(c);
        }
        acc
    });
    let few: Vec<String> = upload
        .batch
        .units
        .iter()
        .filter(|u| u.responses < def.min_answers)
        .map(|u| u.unit.clone())
        .collect();
    let cmd = Command::ImportResponses { year, upload };
    if a.dry_run {
        // The same rules, nothing written (a repeated respondent is found here too).
        wb.plan(cmd).map_err(engine_err(lang))?;
    } else {
        wb.apply(cmd).map_err(engine_err(lang))?;
    }
    let ch = domain::Channel::ALL
        .iter()
        .zip(channels)
        .map(|(c, n)| {
            format!(
                "{} {}",
                c.name(lang),
                formats::problem::count(n as usize, lang)
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    println!(
        "{}",
        match (lang, a.dry_run) {
            (Lang::Vi, false) => format!(
                "Đã nhập {responses} phiếu khảo sát {} năm {year}: {units} đơn vị ({ch}). Mã người trả lời chỉ được lưu dưới dạng băm có khóa. Tính điểm: thamdinh survey compute --year {year} --survey {}",
                def.id, def.id
            ),
            (Lang::En, false) => format!(
                "Imported {responses} responses of {} for {year}: {units} units ({ch}). Respondent ids are kept only as keyed hashes. Compute the points: thamdinh survey compute --year {year} --survey {}",
                def.id, def.id
            ),
            (Lang::Vi, true) => format!(
                "Xem trước: tệp hợp lệ, {responses} phiếu khảo sát {} năm {year}, {units} đơn vị ({ch}); không ghi gì.",
                def.id
            ),
            (Lang::En, true) => format!(
                "Dry run: the file is valid, {responses} responses of {} for {year}, {units} units ({ch}); nothing written.",
                def.id
            ),
        }
    );
    if !few.is_empty() {
        let list = few.join(", ");
        eprintln!(
            "{}",
            match lang {
                Lang::Vi => format!(
                    "Lưu ý: {} đơn vị có ít hơn {} phiếu trong tệp này ({list}); chỉ số của các đơn vị này kém tin cậy.",
                    few.len(),
                    def.min_answers
                ),
                Lang::En => format!(
                    "Note: {} units have fewer than {} responses in this file ({list}); their indices are less reliable.",
                    few.len(),
                    def.min_answers
                ),
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run(store: Option<PathBuf>, lang: Lang, cmd: SurveyCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        SurveyCmd::Compute(a) => compute(store, lang, a),
    }
}

fn compute(store: Option<PathBuf>, lang: Lang, a: ComputeArgs) -> anyhow::Result<ExitCode> {
    let (src, def) = survey_source(a.survey.as_deref(), lang)?;
    let wb = open_workbench(&store_dir(store, lang)?, lang)?;
    let year = pick_year(&*wb, a.year, lang)?;
    let cmd = Command::ComputeSurvey {
        year,
        survey_toml: src.text,
        survey_file: src.file,
    };
    let planned = wb.plan(cmd.clone()).map_err(engine_err(lang))?;
    let mut lines = Vec::new();
    for e in &planned {
        if let Change::SurveyScored {
            key, before, after, ..
        } = &e.change
        {
            let old = before.map_or_else(|| "—".to_string(), |p| p.show(lang));
            lines.push(format!(
                "  {}/{}: {old} → {}   ({})",
                key.unit,
                key.leaf,
                after.show(lang),
                e.reason
            ));
        }
    }
    if lines.is_empty() {
        println!(
            "{}",
            match lang {
                Lang::Vi => format!(
                    "Điểm khảo sát năm {year} ({}) đã khớp với các phiếu đã nhập; không có gì thay đổi.",
                    def.formula_label()
                ),
                Lang::En => format!(
                    "The survey points of {year} ({}) already match the responses imported; nothing changes.",
                    def.formula_label()
                ),
            }
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{}",
        match lang {
            Lang::Vi => format!(
                "Điểm khảo sát năm {year} tính theo công thức {} — {} mục thay đổi (cũ → mới):",
                def.formula_label(),
                lines.len()
            ),
            Lang::En => format!(
                "Survey points of {year} by formula {} — {} items change (old → new):",
                def.formula_label(),
                lines.len()
            ),
        }
    );
    for l in &lines {
        println!("{}", text::inert(l));
    }
    if !a.apply {
        println!(
            "{}",
            match lang {
                Lang::Vi => "Chưa ghi gì. Chạy lại với --apply để ghi các điểm này.",
                Lang::En => "Nothing written. Run again with --apply to write these points.",
            }
        );
        return Ok(ExitCode::SUCCESS);
    }
    let n = wb.apply_count(cmd).map_err(engine_err(lang))?;
    println!(
        "{}",
        match lang {
            Lang::Vi =>
                format!("Đã ghi {n} điểm khảo sát; nhật ký kiểm tra ghi cách tính từng điểm."),
            Lang::En =>
                format!("Wrote {n} survey points; the audit trail says how each was computed."),
        }
    );
    Ok(ExitCode::SUCCESS)
}
