//! `thamdinh report`: the national ranking (Markdown, CSV or XLSX) and a unit's one-page
//! scorecard (Markdown), to standard output or atomically to a file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow};

use std::sync::Arc;

use api::{HistoryQuery, Workbench};
use domain::whatif::Weight;
use domain::{Published, UnitSet, YearContext, parse_units};
use formats::atomic::write_atomic_with;
use formats::published_report::write_published_markdown;
use formats::ranking_report::{
    CsvCells, Previous, ranking_report, write_ranking_csv, write_ranking_markdown,
};
use formats::scorecard::{scorecard, write_scorecard_markdown};
use formats::whatif_report::write_whatif_markdown;
use formats::xlsx::write_ranking_xlsx;
use l10n::Lang;

use super::open::{at_one_seal, engine_err, open_workbench, pick_year, store_dir};

#[derive(Debug, clap::Subcommand)]
pub enum ReportCmd {
    /// The national ranking: ranks by self and proposed index, rank change, group, regional and
    /// national averages, and the tie rule.
    Ranking(RankingArgs),
    /// One unit's scorecard for the council: totals, group, rank, areas, adjusted items with
    /// their justifications, disputes, finalization.
    Unit(UnitArgs),
    /// The survey index (SIPAS by default) of the year's units from their responses: ranking
    /// with n and the 95% interval, factors, change from last year, regional and national
    /// averages, warnings for few responses.
    Sipas(SipasArgs),
}

#[derive(Debug, clap::Args)]
pub struct SipasArgs {
    /// Assessment year (default: the store's latest year).
    #[arg(long)]
    pub year: Option<u16>,
    /// The survey: a bundled survey's id or a survey definition file (default: sipas-2024).
    #[arg(long, value_name = "ID|FILE")]
    pub survey: Option<String>,
    #[arg(long, value_enum, default_value = "md")]
    pub format: RankingFormat,
    /// Write to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// With --format csv, for programs: every cell as it is (see report ranking --raw).
    #[arg(long)]
    pub raw: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum RankingFormat {
    /// Markdown, for people.
    Md,
    /// CSV with machine names (columns in docs/DATA_FORMATS.md).
    Csv,
    /// An XLSX workbook with the ranking sheet (needs -o FILE).
    Xlsx,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum UnitFormat {
    Md,
}

#[derive(Debug, clap::Args)]
pub struct RankingArgs {
    /// Assessment year (default: the store's latest year).
    #[arg(long)]
    pub year: Option<u16>,
    #[arg(long, value_enum, default_value = "md")]
    pub format: RankingFormat,
    /// Write to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// With --format csv, for programs: every cell as it is. By default a text cell that starts
    /// with =, +, -, @, a tab or a carriage return gets a leading ' so that a spreadsheet does
    /// not run it as a formula (docs/DATA_FORMATS.md).
    #[arg(long)]
    pub raw: bool,
    /// Instead of the ranking, print the what-if of units in difficult conditions (`difficult =
    /// true` in the units file): their proposed index × this weight (e.g. 1,05; from 1 to 2),
    /// capped at 100 %, and the ranks it would give — labelled as a simulation, never recorded
    /// (Markdown only).
    #[arg(long, value_name = "WEIGHT")]
    pub what_if_weight: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct UnitArgs {
    /// Unit code, e.g. 44.
    pub unit: String,
    /// Assessment year (default: the store's latest year).
    #[arg(long)]
    pub year: Option<u16>,
    #[arg(long, value_enum, default_value = "md")]
    pub format: UnitFormat,
    /// Write to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(store: Option<PathBuf>, lang: Lang, cmd: ReportCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        ReportCmd::Ranking(a) => ranking(store, lang, a),
        ReportCmd::Unit(a) => unit(store, lang, a),
        ReportCmd::Sipas(a) => sipas(store, lang, a),
    }
}

fn sipas(store: Option<PathBuf>, lang: Lang, a: SipasArgs) -> anyhow::Result<ExitCode> {
    use formats::sipas_report::{
        SipasReport, write_sipas_csv, write_sipas_markdown, write_sipas_xlsx,
    };
    if a.raw && !matches!(a.format, RankingFormat::Csv) {
        return Err(super::export::raw_needs_csv(lang));
    }
    let (_, def) = super::survey::survey_source(a.survey.as_deref(), lang)?;
    let wb = open_workbench(&store_dir(store, lang)?, lang)?;
    let year = pick_year(&*wb, a.year, lang)?;
    let y = wb.year(year).map_err(engine_err(lang))?;
    let batches = wb.responses(year).map_err(engine_err(lang))?;
    if !batches.iter().any(|b| b.survey == def.id) {
        return Err(anyhow!(match lang {
            Lang::Vi => format!(
                "năm {year} chưa có phiếu khảo sát {} nào; hãy nhập trước: thamdinh import responses TỆP --year {year} --survey {}",
                def.id, def.id
            ),
            Lang::En => format!(
                "{year} has no responses of {} yet; import them first: thamdinh import responses FILE --year {year} --survey {}",
                def.id, def.id
            ),
        }));
    }
    let results = domain::sipas::compute(&def, &y.units, &batches);
    // Last year, when the store has it with responses of the same survey: each unit compared
    // with its predecessors (across the 2025 reorganisation, the mean of the provinces it
    // continues), as the PAR INDEX ranking is.
    let prev_year = year.checked_sub(1);
    let previous = match prev_year {
        Some(py) if wb.years().map_err(engine_err(lang))?.contains(&py) => {
            let pb = wb.responses(py).map_err(engine_err(lang))?;
            if pb.iter().any(|b| b.survey == def.id) {
                let py_ctx = wb.year(py).map_err(engine_err(lang))?;
                let last = domain::sipas::compute(&def, &py_ctx.units, &pb);
                let percents: std::collections::HashMap<String, i64> = last
                    .units
                    .iter()
                    .filter_map(|u| {
                        u.index
                            .map(|e| (u.unit.clone(), domain::sipas::percent_h(e.value)))
                    })
                    .collect();
                Some((
                    py,
                    domain::lineage::last_year(&y.units, &py_ctx.units, &percents),
                ))
            } else {
                None
            }
        }
        _ => None,
    };
    let report = SipasReport {
        year,
        def: &def,
        units: &y.units,
        results: &results,
        previous,
    };
    emit_table(
        a.format,
        a.output.as_deref(),
        a.raw,
        lang,
        |w| write_sipas_markdown(w, &report, lang),
        |w, cells| write_sipas_csv(w, &report, cells),
        |path| write_sipas_xlsx(path, &report, lang),
    )
}

fn ranking(store: Option<PathBuf>, lang: Lang, a: RankingArgs) -> anyhow::Result<ExitCode> {
    if a.raw && !matches!(a.format, RankingFormat::Csv) {
        return Err(super::export::raw_needs_csv(lang));
    }
    let weight = match &a.what_if_weight {
        Some(w) => Some(what_if_weight(w, a.format, lang)?),
        None => None,
    };
    let wb = open_workbench(&store_dir(store, lang)?, lang)?;
    let year = pick_year(&*wb, a.year, lang)?;
    if let Some(p) = results_only(&*wb, year, lang)? {
        return published_ranking(&*wb, year, &p, &a, lang);
    }
    let y = wb.year(year).map_err(engine_err(lang))?;
    let prev = compared_year(&*wb, &y, year, lang)?;
    let ((items, finalized, prev_items, official), seal) = at_one_seal(&*wb, lang, || {
        let items = wb.items(year, None).map_err(engine_err(lang))?;
        let finalized = wb
            .unit_states(year)
            .map_err(engine_err(lang))?
            .iter()
            .filter(|(_, s)| s.finalized.is_some())
            .count();
        let prev_items = match &prev {
            Some(Compared::Appraised(py, _)) => wb.items(*py, None).map_err(engine_err(lang))?,
            _ => Vec::new(),
        };
        let official = wb.official(year).map_err(engine_err(lang))?;
        Ok((items, finalized, prev_items, official))
    })?;
    let mut report = ranking_report(&y.framework, &y.units, year, &items, finalized);
    report.official = official;
    if let Some(w) = weight {
        report.seal = Some(seal);
        eprintln!("{}.", seal.line(lang));
        return emit(a.output.as_deref(), lang, |out| {
            write_whatif_markdown(out, &report, &y.units, w, lang)
        });
    }
    match &prev {
        Some(Compared::Appraised(py, pctx)) => {
            let last = ranking_report(&pctx.framework, &pctx.units, *py, &prev_items, 0);
            report.compare_with(&last, &y.units, &pctx.units);
        }
        Some(Compared::Published(py, p, punits)) => {
            report.compare_with_published(*py, p, &y.units, punits);
        }
        None => {}
    }
    report.seal = Some(seal);
    eprintln!("{}.", seal.line(lang));
    emit_table(
        a.format,
        a.output.as_deref(),
        a.raw,
        lang,
        |w| write_ranking_markdown(w, &report, lang),
        |w, cells| write_ranking_csv(w, &report, cells),
        |path| write_ranking_xlsx(path, &report, lang),
    )
}

/// The what-if weight as typed (a decimal comma or point), for the Markdown what-if only.
fn what_if_weight(typed: &str, format: RankingFormat, lang: Lang) -> anyhow::Result<Weight> {
    if !matches!(format, RankingFormat::Md) {
        return Err(anyhow!(lang.pick(
            "--what-if-weight chỉ in được dạng Markdown (bỏ --format hoặc dùng --format md): mô \
             phỏng không phải báo cáo chính thức nên không xuất CSV hay XLSX",
            "--what-if-weight prints Markdown only (leave out --format or use --format md): a \
             simulation is not an official report, so it is not exported as CSV or XLSX",
        )));
    }
    Weight::parse(typed).map_err(|e| anyhow!("--what-if-weight: {}", e.message(lang)))
}

/// What a year is compared with: an earlier year appraised in the store, or one known by its
/// published results (SPEC I8) (with the unit set they were recorded on).
enum Compared {
    Appraised(u16, Arc<YearContext>),
    Published(u16, Box<Published>, UnitSet),
}

/// The year a year is compared with: the year it was opened from (`init --from-year`), else the
/// year before, when the store has it — appraised, or known by its published results. Where
/// that year has published results, they are what it is compared with (the official figures).
fn compared_year(
    wb: &dyn Workbench,
    y: &YearContext,
    year: u16,
    lang: Lang,
) -> anyhow::Result<Option<Compared>> {
    let years = wb.years().map_err(engine_err(lang))?;
    let published = wb.published_years().map_err(engine_err(lang))?;
    let Some(py) = y
        .from_year
        .or_else(|| year.checked_sub(1))
        .filter(|py| years.contains(py) || published.contains(py))
    else {
        return Ok(None);
    };
    if published.contains(&py)
        && let Some(p) = wb.published(py).map_err(engine_err(lang))?
    {
        let units = published_units(&p, lang)?;
        return Ok(Some(Compared::Published(py, Box::new(p), units)));
    }
    Ok(Some(Compared::Appraised(
        py,
        wb.year(py).map_err(engine_err(lang))?,
    )))
}

/// The unit set published results were recorded on.
fn published_units(p: &Published, lang: Lang) -> anyhow::Result<UnitSet> {
    parse_units(&p.units_toml, &p.units_file).map_err(|errs| {
        anyhow!(
            errs.iter()
                .map(|e| e.message(lang))
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

/// The published results of `year` when it is known only by them (not opened in the store).
fn results_only(wb: &dyn Workbench, year: u16, lang: Lang) -> anyhow::Result<Option<Published>> {
    if wb.years().map_err(engine_err(lang))?.contains(&year) {
        return Ok(None);
    }
    wb.published(year).map_err(engine_err(lang))
}

/// `report ranking` of a year known only by its published results: the published ranking.
fn published_ranking(
    wb: &dyn Workbench,
    year: u16,
    p: &Published,
    a: &RankingArgs,
    lang: Lang,
) -> anyhow::Result<ExitCode> {
    if !matches!(a.format, RankingFormat::Md) {
        return Err(anyhow!(match lang {
            Lang::Vi => format!(
                "năm {year} chỉ có kết quả đã công bố: bảng xếp hạng của năm đó chỉ in dạng md (bỏ --format)"
            ),
            Lang::En => format!(
                "{year} is known only by its published results: its ranking is printed as md only (leave out --format)"
            ),
        }));
    }
    let units = published_units(p, lang)?;
    let seal = wb.seal().map_err(engine_err(lang))?;
    eprintln!("{}.", seal.line(lang));
    emit(a.output.as_deref(), lang, |w| {
        write_published_markdown(w, year, p, &units, Some(&seal), lang)
    })
}

fn unit(store: Option<PathBuf>, lang: Lang, a: UnitArgs) -> anyhow::Result<ExitCode> {
    let wb = open_workbench(&store_dir(store, lang)?, lang)?;
    let year = pick_year(&*wb, a.year, lang)?;
    if results_only(&*wb, year, lang)?.is_some() {
        return Err(anyhow!(match lang {
            Lang::Vi => format!(
                "năm {year} chỉ có kết quả đã công bố, không có phiếu thẩm định từng đơn vị; xem kết quả bằng: thamdinh report ranking --year {year}"
            ),
            Lang::En => format!(
                "{year} is known only by its published results, with no appraisal of each unit; see them with: thamdinh report ranking --year {year}"
            ),
        }));
    }
    let y = wb.year(year).map_err(engine_err(lang))?;
    let prev = compared_year(&*wb, &y, year, lang)?;
    let ((items, state, history, prev_items, official), seal) = at_one_seal(&*wb, lang, || {
        let items = wb.items(year, None).map_err(engine_err(lang))?;
        let state = wb
            .unit_states(year)
            .map_err(engine_err(lang))?
            .into_iter()
            .find(|(u, _)| *u == a.unit)
            .map(|(_, s)| s)
            .unwrap_or_default();
        let history = wb
            .history(&HistoryQuery {
                year: Some(year),
                unit: Some(a.unit.clone()),
                ..HistoryQuery::default()
            })
            .map_err(engine_err(lang))?;
        let prev_items = match &prev {
            Some(Compared::Appraised(py, _)) => wb.items(*py, None).map_err(engine_err(lang))?,
            _ => Vec::new(),
        };
        let official = wb.official(year).map_err(engine_err(lang))?;
        Ok((items, state, history, prev_items, official))
    })?;
    let mut card = scorecard(
        &y.framework,
        &y.units,
        year,
        &items,
        &state,
        &history,
        &a.unit,
    )
    .ok_or_else(|| {
        anyhow!(match lang {
            Lang::Vi => format!(
                "không có đơn vị mã \"{}\" trong năm {year}; xem các mã bằng: thamdinh report ranking",
                a.unit
            ),
            Lang::En => format!(
                "there is no unit \"{}\" in {year}; list the codes with: thamdinh report ranking",
                a.unit
            ),
        })
    })?;
    let p = match &prev {
        Some(Compared::Appraised(py, pctx)) => {
            let last = ranking_report(&pctx.framework, &pctx.units, *py, &prev_items, 0);
            Some(Previous::from_ranking(&last, &y.units, &pctx.units))
        }
        Some(Compared::Published(py, p, punits)) => {
            Some(Previous::from_published(*py, p, &y.units, punits))
        }
        None => None,
    };
    if let Some(p) = p
        && let Some(ly) = p.units.get(&a.unit)
    {
        card.last_year = Some((p.year, ly.clone(), p.ranked()));
    }
    card.seal = Some(seal);
    card.official = official;
    eprintln!("{}.", seal.line(lang));
    emit(a.output.as_deref(), lang, |w| match a.format {
        UnitFormat::Md => write_scorecard_markdown(w, &card, lang),
    })
}

/// A table report in its format: Markdown or CSV (safe cells, or raw) to the file or standard
/// output, a workbook to the file `-o` names.
fn emit_table(
    format: RankingFormat,
    output: Option<&Path>,
    raw: bool,
    lang: Lang,
    md: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    csv: impl FnOnce(&mut dyn Write, CsvCells) -> std::io::Result<()>,
    xlsx: impl FnOnce(&Path) -> std::io::Result<()>,
) -> anyhow::Result<ExitCode> {
    match format {
        RankingFormat::Md => emit(output, lang, md),
        RankingFormat::Csv => {
            let cells = if raw { CsvCells::Raw } else { CsvCells::Safe };
            emit(output, lang, |w| csv(w, cells))
        }
        RankingFormat::Xlsx => {
            let path = output.ok_or_else(|| {
                anyhow!(lang.pick(
                    "--format xlsx cần -o TỆP.xlsx (sổ tính không in ra màn hình được)",
                    "--format xlsx needs -o FILE.xlsx (a workbook cannot go to the terminal)",
                ))
            })?;
            xlsx(path).with_context(|| format!("{}", path.display()))?;
            said_written(path, lang);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// "Wrote FILE." on standard error.
fn said_written(path: &Path, lang: Lang) {
    eprintln!(
        "{}",
        match lang {
            Lang::Vi => format!("Đã ghi {}.", path.display()),
            Lang::En => format!("Wrote {}.", path.display()),
        }
    );
}

/// Write to the file atomically (and say so on standard error), or to standard output.
fn emit(
    output: Option<&Path>,
    lang: Lang,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<ExitCode> {
    match output {
        Some(path) => {
            write_atomic_with(path, write).with_context(|| format!("{}", path.display()))?;
            said_written(path, lang);
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            write(&mut out)?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
