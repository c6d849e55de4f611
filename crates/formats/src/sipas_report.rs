//! The survey report (`report sipas`, issue 16): the units ranked by their survey index, with
//! the responses, n and the 95% interval, each factor's index, the change from last year, a
//! warning where a unit has fewer responses than the definition's minimum, and the regional and
//! national averages. Markdown for people (cells escaped), CSV with machine names (text cells
//! neutralised) and a workbook sheet, all from the same rows.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;

use domain::lineage::{LastYear, places_text};
use domain::number::{hundredths, machine_hundredths, percent};
use domain::sipas::{Estimate, SurveyResults, UnitResult, percent_h};
use domain::{SurveyDef, UnitSet};
use l10n::Lang;

use super::csv_cell::CsvCells;
use super::markdown::{align, cell, row};

/// What the report shows: a year's results and, when last year had responses, last year's.
pub struct SipasReport<'a> {
    pub year: u16,
    pub def: &'a SurveyDef,
    pub units: &'a UnitSet,
    pub results: &'a SurveyResults,
    /// Last year's index and rank of each unit through its predecessors
    /// (`domain::lineage::last_year` of last year's indices), when last year has responses to
    /// the same survey.
    pub previous: Option<(u16, HashMap<String, LastYear>)>,
}

impl SipasReport<'_> {
    /// Units by rank (ties by the set's order), then units without an index in the set's order.
    pub fn ordered(&self) -> Vec<&UnitResult> {
        let mut v: Vec<&UnitResult> = self.results.units.iter().collect();
        v.sort_by_key(|u| u.rank.unwrap_or(u32::MAX));
        v
    }

    fn previous_of(&self, unit: &str) -> Option<&LastYear> {
        self.previous
            .as_ref()
            .and_then(|(_, p)| p.get(unit))
            .filter(|l| l.percent.is_some())
    }

    /// Places gained since last year (positive = up).
    pub fn rank_change(&self, u: &UnitResult) -> Option<i64> {
        self.previous_of(&u.unit)?.change(u.rank?)
    }

    fn name(&self, code: &str) -> String {
        self.units
            .unit(code)
            .map_or_else(|| code.to_string(), |u| u.name.clone())
    }

    fn region_name(&self, code: &str, lang: Lang) -> String {
        self.units.region(code).map_or_else(
            || code.to_string(),
            |r| match lang {
                Lang::En => r.name_en.clone().unwrap_or_else(|| r.name.clone()),
                Lang::Vi => r.name.clone(),
            },
        )
    }
}

fn pct(e: &Estimate, lang: Lang) -> String {
    percent(percent_h(e.value), lang)
}

fn interval(e: &Estimate, lang: Lang) -> String {
    format!(
        "{}–{}",
        hundredths(percent_h(e.low), lang),
        hundredths(percent_h(e.high), lang)
    )
}

/// The Markdown report.
pub fn write_sipas_markdown(out: &mut dyn Write, r: &SipasReport, lang: Lang) -> io::Result<()> {
    let def = r.def;
    let vi = lang == Lang::Vi;
    writeln!(
        out,
        "# {} — {} {}",
        cell(def.name(lang)),
        if vi { "năm" } else { "year" },
        r.year
    )?;
    writeln!(out)?;
    let ranked = r.results.units.iter().filter(|u| u.index.is_some()).count();
    writeln!(
        out,
        "{}",
        if vi {
            format!(
                "Công thức {}: chỉ số câu hỏi = tỷ lệ câu trả lời ở mức hài lòng ({}); chỉ số yếu tố = trung bình các câu hỏi; chỉ số chung = {} các yếu tố. Khoảng tin cậy 95%: Wilson, với n là số câu trả lời ít nhất của các câu hỏi tạo nên giá trị. {} phiếu từ {} tệp; {ranked}/{} đơn vị có chỉ số.",
                def.formula_label(),
                satisfied_words(def),
                match def.index_rule {
                    domain::survey::IndexRule::Mean => "trung bình",
                    domain::survey::IndexRule::Weighted => "trung bình có trọng số",
                },
                super::problem::count(r.results.responses as usize, lang),
                r.results.files,
                r.results.units.len()
            )
        } else {
            format!(
                "Formula {}: a question's index = the share of satisfied answers ({}); a factor = the mean of its questions; the index = the {} of the factors. 95% interval: Wilson, with n the fewest answers of the questions the value is made of. {} responses from {} files; {ranked}/{} units have an index.",
                def.formula_label(),
                satisfied_words(def),
                match def.index_rule {
                    domain::survey::IndexRule::Mean => "mean",
                    domain::survey::IndexRule::Weighted => "weighted mean",
                },
                super::problem::count(r.results.responses as usize, lang),
                r.results.files,
                r.results.units.len()
            )
        }
    )?;
    writeln!(out)?;
    let mut head: Vec<String> = if vi {
        vec![
            "Hạng".into(),
            "Mã".into(),
            "Đơn vị".into(),
            "Số phiếu".into(),
            "Chỉ số".into(),
            "n".into(),
            "KTC 95%".into(),
        ]
    } else {
        vec![
            "Rank".into(),
            "Code".into(),
            "Unit".into(),
            "Responses".into(),
            "Index".into(),
            "n".into(),
            "95% CI".into(),
        ]
    };
    for f in &def.factors {
        head.push(cell(f.name(lang)));
    }
    if let Some((py, _)) = &r.previous {
        head.push(if vi {
            format!("Chỉ số {py}")
        } else {
            format!("Index {py}")
        });
        head.push(if vi {
            format!("Hạng {py}")
        } else {
            format!("Rank {py}")
        });
        head.push(if vi {
            "Thay đổi hạng".into()
        } else {
            "Rank change".into()
        });
    }
    head.push(if vi { "Ghi chú".into() } else { "Note".into() });
    writeln!(out, "{}", row(&head))?;
    let spec = format!(
        "rll{}{}l",
        "r".repeat(4 + def.factors.len()),
        if r.previous.is_some() { "rrr" } else { "" }
    );
    writeln!(out, "{}", align(&spec))?;
    for u in r.ordered() {
        let mut c = vec![
            u.rank.map(|k| k.to_string()).unwrap_or_default(),
            cell(&u.unit),
            cell(&r.name(&u.unit)),
            u.responses.to_string(),
            u.index.map(|e| pct(&e, lang)).unwrap_or_else(|| "—".into()),
            u.index.map(|e| e.n.to_string()).unwrap_or_default(),
            u.index.map(|e| interval(&e, lang)).unwrap_or_default(),
        ];
        for f in &u.factors {
            c.push(f.map(|e| pct(&e, lang)).unwrap_or_else(|| "—".into()));
        }
        if r.previous.is_some() {
            let p = r.previous_of(&u.unit);
            c.push(
                p.and_then(|p| p.percent)
                    .map(|h| percent(h, lang))
                    .unwrap_or_default(),
            );
            c.push(
                p.and_then(|p| p.rank)
                    .map(|k| k.to_string())
                    .unwrap_or_default(),
            );
            c.push(
                r.rank_change(u)
                    .map(|d| places_text(d, lang))
                    .unwrap_or_default(),
            );
        }
        c.push(note(u, def, lang));
        writeln!(out, "{}", row(&c))?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "## {}",
        if vi {
            "Trung bình theo vùng và cả nước"
        } else {
            "Regional and national averages"
        }
    )?;
    writeln!(out)?;
    let mut head: Vec<String> = vec![
        if vi { "Vùng".into() } else { "Region".into() },
        if vi {
            "Số đơn vị".into()
        } else {
            "Units".into()
        },
        if vi {
            "Chỉ số".into()
        } else {
            "Index".into()
        },
    ];
    for f in &def.factors {
        head.push(cell(f.name(lang)));
    }
    writeln!(out, "{}", row(&head))?;
    writeln!(
        out,
        "{}",
        align(&format!("lrr{}", "r".repeat(def.factors.len())))
    )?;
    let averages = r
        .results
        .regions
        .iter()
        .map(|a| (r.region_name(&a.code, lang), a));
    let national = r
        .results
        .national
        .iter()
        .map(|a| ((if vi { "Cả nước" } else { "National" }).to_string(), a));
    for (name, a) in averages.chain(national) {
        let mut c = vec![
            cell(&name),
            a.units.to_string(),
            percent(percent_h(a.index), lang),
        ];
        for f in &a.factors {
            c.push(
                f.map(|v| percent(percent_h(v), lang))
                    .unwrap_or_else(|| "—".into()),
            );
        }
        writeln!(out, "{}", row(&c))?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        if vi {
            format!(
                "Xếp hạng theo chỉ số làm tròn đến 0,01 %: các đơn vị bằng nhau cùng hạng, hạng sau bỏ qua số chỗ bằng nhau (1, 2, 2, 4). Đơn vị có ít hơn {} phiếu được ghi chú \"ít phiếu\".",
                def.min_answers
            )
        } else {
            format!(
                "Ranked by the index rounded to 0.01 %: equal units share a rank and the next rank skips the places shared (1, 2, 2, 4). Units with fewer than {} responses are marked \"few responses\".",
                def.min_answers
            )
        }
    )?;
    Ok(())
}

fn satisfied_words(def: &SurveyDef) -> String {
    def.levels
        .iter()
        .zip(&def.satisfied)
        .filter(|(_, s)| **s)
        .map(|(l, _)| format!("\"{l}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn note(u: &UnitResult, def: &SurveyDef, lang: Lang) -> String {
    if u.responses == 0 {
        return lang.pick("chưa có phiếu", "no responses").to_string();
    }
    if u.few {
        return match lang {
            Lang::Vi => format!("⚠ ít phiếu (< {})", def.min_answers),
            Lang::En => format!("⚠ few responses (< {})", def.min_answers),
        };
    }
    String::new()
}

/// The CSV columns (machine names; numbers with '.').
pub fn csv_header(def: &SurveyDef) -> Vec<String> {
    let mut h: Vec<String> = [
        "row_kind",
        "year",
        "survey",
        "rank",
        "unit",
        "name",
        "region",
        "responses",
        "index_percent",
        "n",
        "ci_low_percent",
        "ci_high_percent",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for f in &def.factors {
        h.push(format!("factor_{}_percent", f.code));
    }
    h.extend(
        [
            "last_year_index_percent",
            "last_year_rank",
            "rank_change",
            "few_responses",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    h
}

/// The report's rows as CSV cells (text cells as `cells` writes them).
pub fn csv_rows(r: &SipasReport, cells: CsvCells) -> Vec<Vec<String>> {
    let t = |s: &str| cells.text(s).into_owned();
    let m = |v: f64| machine_hundredths(percent_h(v));
    let year = r.year.to_string();
    let mut out = Vec::new();
    for u in r.ordered() {
        let region = r
            .units
            .unit(&u.unit)
            .map(|x| x.region.clone())
            .unwrap_or_default();
        let p = r.previous_of(&u.unit);
        let mut c = vec![
            "unit".to_string(),
            year.clone(),
            t(&r.def.id),
            u.rank.map(|k| k.to_string()).unwrap_or_default(),
            t(&u.unit),
            t(&r.name(&u.unit)),
            t(&region),
            u.responses.to_string(),
            u.index.map(|e| m(e.value)).unwrap_or_default(),
            u.index.map(|e| e.n.to_string()).unwrap_or_default(),
            u.index.map(|e| m(e.low)).unwrap_or_default(),
            u.index.map(|e| m(e.high)).unwrap_or_default(),
        ];
        for f in &u.factors {
            c.push(f.map(|e| m(e.value)).unwrap_or_default());
        }
        c.push(
            p.and_then(|p| p.percent)
                .map(machine_hundredths)
                .unwrap_or_default(),
        );
        c.push(
            p.and_then(|p| p.rank)
                .map(|k| k.to_string())
                .unwrap_or_default(),
        );
        c.push(r.rank_change(u).map(|d| d.to_string()).unwrap_or_default());
        c.push(if u.few { "yes" } else { "no" }.to_string());
        out.push(c);
    }
    let averages = r
        .results
        .regions
        .iter()
        .map(|a| ("region", a))
        .chain(r.results.national.iter().map(|a| ("national", a)));
    for (kind, a) in averages {
        let mut c = vec![
            kind.to_string(),
            year.clone(),
            t(&r.def.id),
            String::new(),
            String::new(),
            t(&if a.code.is_empty() {
                "Cả nước".to_string()
            } else {
                r.region_name(&a.code, Lang::Vi)
            }),
            t(&a.code),
            String::new(),
            m(a.index),
            a.units.to_string(),
            String::new(),
            String::new(),
        ];
        for f in &a.factors {
            c.push(f.map(m).unwrap_or_default());
        }
        c.extend([String::new(), String::new(), String::new(), String::new()]);
        out.push(c);
    }
    out
}

pub fn write_sipas_csv(out: &mut dyn Write, r: &SipasReport, cells: CsvCells) -> io::Result<()> {
    let mut w = cells.writer(out);
    w.write_record(csv_header(r.def))?;
    for c in csv_rows(r, cells) {
        w.write_record(c)?;
    }
    w.flush()?;
    Ok(())
}

/// The workbook: one sheet with the CSV's rows, numbers as numbers, headers in `lang`.
pub fn sipas_workbook(r: &SipasReport, lang: Lang) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("SIPAS", "SIPAS"))?;
    let bold = Format::new().set_bold();
    let title = match lang {
        Lang::Vi => format!(
            "{} — năm {} (công thức {})",
            r.def.name(lang),
            r.year,
            r.def.formula_label()
        ),
        Lang::En => format!(
            "{} — {} (formula {})",
            r.def.name(lang),
            r.year,
            r.def.formula_label()
        ),
    };
    ws.write_string_with_format(0, 0, &title, &bold)?;
    let header = csv_header(r.def);
    for (i, h) in header.iter().enumerate() {
        ws.write_string_with_format(2, i as u16, h, &bold)?;
    }
    // A workbook cell is never run as a formula: texts as they are.
    for (ri, c) in csv_rows(r, CsvCells::Raw).iter().enumerate() {
        let row = 3 + ri as u32;
        for (ci, v) in c.iter().enumerate() {
            let col = ci as u16;
            let numeric = header[ci].ends_with("_percent")
                || matches!(
                    header[ci].as_str(),
                    "rank" | "n" | "responses" | "last_year_rank" | "rank_change" | "year"
                );
            match v.parse::<f64>() {
                Ok(x) if numeric => {
                    ws.write_number(row, col, x)?;
                }
                _ => {
                    ws.write_string(row, col, v)?;
                }
            }
        }
    }
    wb.save_to_buffer()
}

pub fn write_sipas_xlsx(path: &Path, r: &SipasReport, lang: Lang) -> io::Result<()> {
    let bytes = sipas_workbook(r, lang).map_err(super::xlsx::style::io_err)?;
    super::atomic::write_atomic(path, &bytes)
}
