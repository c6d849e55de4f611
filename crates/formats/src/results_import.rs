//! Reading a file of published results (`import results`, SPEC I8): one row per province (its code or
//! name), its index, optionally its published rank and its areas' points, and rows for the
//! national average ("Cả nước") and the regions' averages (a region's code or name). Every
//! problem is listed with its row and column (`problem`), nothing is recorded from a file with
//! one. Columns and rules: docs/DATA_FORMATS.md, "Published results".

use std::collections::HashMap;

use crate::unit_cell::named_unit;
use domain::points::PointsError;
use domain::survey::fold_words;
use domain::{Points, PublishedAverage, PublishedRow, UnitSet};

use super::problem::{ImportProblem, ProblemKind, Problems, quote_cell};
use super::self_import::{FileFormat, header_key};
use super::table::{Table, read_csv};

/// The unit column's canonical name and the other names accepted.
const UNIT: (&str, &[&str]) = (
    "don_vi",
    &[
        "unit",
        "đơn vị",
        "mã đơn vị",
        "ma_don_vi",
        "tỉnh",
        "province",
    ],
);
const INDEX: (&str, &[&str]) = (
    "chi_so",
    &[
        "index",
        "chỉ số",
        "chỉ số cchc",
        "total",
        "tổng điểm",
        "par index",
    ],
);
const RANK: (&str, &[&str]) = ("hang", &["rank", "hạng", "xếp hạng"]);
/// An area column is `linh_vuc_<code>` ("lĩnh vực 3", "area 3").
const AREA_PREFIXES: &[&str] = &["linh vuc", "area"];
/// What names the national average in the unit column.
const NATIONAL: &[&str] = &["ca-nuoc", "Cả nước", "Trung bình cả nước", "national"];

/// What a results file holds, checked against the year's unit set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResultsFile {
    pub rows: Vec<PublishedRow>,
    pub averages: Vec<PublishedAverage>,
}

/// Whether a header cell is one of this file's columns (to find the header row of a sheet).
pub fn is_results_header(text: &str) -> bool {
    let k = header_key(text);
    [UNIT, INDEX, RANK].iter().any(|(n, a)| {
        std::iter::once(n)
            .chain(a.iter())
            .any(|h| header_key(h) == k)
    }) || area_code(&k).is_some()
}

fn area_code(key: &str) -> Option<String> {
    AREA_PREFIXES.iter().find_map(|p| {
        let rest = key.strip_prefix(p)?.trim();
        (!rest.is_empty() && !rest.contains(' ')).then(|| rest.to_string())
    })
}

fn is(key: &str, (name, aliases): (&str, &[&str])) -> bool {
    std::iter::once(name)
        .chain(aliases.iter().copied())
        .any(|h| header_key(h) == key)
}

/// Decode a results file (CSV or a workbook's sheet) and check it against `units`.
pub fn parse_results(
    bytes: &[u8],
    format: FileFormat<'_>,
    units: &UnitSet,
) -> Result<ResultsFile, Problems> {
    let table = match format {
        FileFormat::Csv => read_csv(bytes)?,
        FileFormat::Workbook { sheet } => {
            super::xlsx::read_sheet(bytes, sheet, &is_results_header).map_err(Problems::from)?
        }
    };
    validate_results(&table, units)
}

/// What a row of the unit column names.
enum Named<'u> {
    Unit(&'u str),
    Region(&'u str),
    National,
}

fn lookup<'u>(text: &str, units: &'u UnitSet) -> Option<Named<'u>> {
    let t = text.trim();
    let k = fold_words(t);
    let same = |name: &str| fold_words(name) == k;
    if NATIONAL.iter().any(|n| same(n)) {
        return Some(Named::National);
    }
    if let Some(u) = named_unit(t, units) {
        return Some(Named::Unit(&u.code));
    }
    units
        .regions
        .iter()
        .find(|r| r.code == t || same(&r.name) || r.name_en.as_deref().is_some_and(same))
        .map(|r| Named::Region(&r.code))
}

fn points_problem(text: &str, e: PointsError) -> ProblemKind {
    let t = quote_cell(text);
    match e {
        PointsError::Empty => ProblemKind::EmptyCell,
        PointsError::NotANumber(_) => ProblemKind::NotANumber { text: t },
        PointsError::TooManyDecimals(_) => ProblemKind::TooManyDecimals { text: t },
        PointsError::TooLarge(_) => ProblemKind::NumberTooLarge { text: t },
        PointsError::Form { expected, .. } => ProblemKind::NumberForm { text: t, expected },
    }
}

/// Check a decoded table: every problem, in file order.
pub fn validate_results(table: &Table, units: &UnitSet) -> Result<ResultsFile, Problems> {
    let mut problems = Problems::new();
    let mut unit_col = None;
    let mut index_col = None;
    let mut rank_col = None;
    let mut areas: Vec<(usize, String)> = Vec::new();
    let allowed = || {
        vec![
            UNIT.0.to_string(),
            INDEX.0.to_string(),
            RANK.0.to_string(),
            "linh_vuc_<mã lĩnh vực>".to_string(),
        ]
    };
    for (i, h) in table.header.iter().enumerate() {
        let k = header_key(h);
        let slot = if is(&k, UNIT) {
            Some(&mut unit_col)
        } else if is(&k, INDEX) {
            Some(&mut index_col)
        } else if is(&k, RANK) {
            Some(&mut rank_col)
        } else {
            None
        };
        match slot {
            Some(s) if s.is_some() => problems.push(ImportProblem::new(
                table.header_row,
                Some(&table.column_label(i)),
                ProblemKind::DuplicateColumn {
                    first: table.column_label(s.unwrap_or(0)),
                },
            )),
            Some(s) => *s = Some(i),
            None => match area_code(&k) {
                Some(code) if areas.iter().any(|(_, c)| *c == code) => {
                    let first = areas.iter().find(|(_, c)| *c == code).map_or(0, |a| a.0);
                    problems.push(ImportProblem::new(
                        table.header_row,
                        Some(&table.column_label(i)),
                        ProblemKind::DuplicateColumn {
                            first: table.column_label(first),
                        },
                    ));
                }
                Some(code)
                    if areas.len() < domain::published::MAX_AREAS
                        && code.len() <= domain::published::MAX_AREA_CODE =>
                {
                    areas.push((i, code))
                }
                None if k.is_empty() => {}
                _ => problems.push(ImportProblem::new(
                    table.header_row,
                    Some(&table.column_label(i)),
                    ProblemKind::UnknownColumn { allowed: allowed() },
                )),
            },
        }
    }
    for (col, (name, aliases)) in [(unit_col, UNIT), (index_col, INDEX)] {
        if col.is_none() {
            problems.push(ImportProblem::new(
                table.header_row,
                Some(name),
                ProblemKind::MissingColumn {
                    accepted: std::iter::once(name)
                        .chain(aliases.iter().copied())
                        .map(str::to_string)
                        .collect(),
                },
            ));
        }
    }
    let (Some(unit_col), Some(index_col)) = (unit_col, index_col) else {
        return Err(problems);
    };
    let label = |i: usize| table.column_label(i);
    let mut out = ResultsFile::default();
    // Row of each unit / average already met: (key, row).
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut rank_rows: Vec<(usize, bool)> = Vec::new();
    for r in &table.rows {
        if r.is_blank_from(0) {
            continue;
        }
        let cell = |i: usize| r.get(i).unwrap_or("").trim();
        let mut ok = true;
        let named = match cell(unit_col) {
            "" => {
                problems.push(ImportProblem::new(
                    r.row,
                    Some(&label(unit_col)),
                    ProblemKind::EmptyCell,
                ));
                None
            }
            text => match lookup(text, units) {
                Some(n) => Some(n),
                None => {
                    problems.push(ImportProblem::new(
                        r.row,
                        Some(&label(unit_col)),
                        ProblemKind::NotAResultsUnit {
                            text: quote_cell(text),
                            units: units.meta.id.clone(),
                        },
                    ));
                    None
                }
            },
        };
        let index = match Points::parse(cell(index_col)) {
            Ok(p) if p < Points::ZERO || p > Points::whole(100) => {
                problems.push(ImportProblem::new(
                    r.row,
                    Some(&label(index_col)),
                    ProblemKind::IndexOutOfRange {
                        text: quote_cell(cell(index_col)),
                    },
                ));
                None
            }
            Ok(p) => Some(p),
            Err(e) => {
                problems.push(ImportProblem::new(
                    r.row,
                    Some(&label(index_col)),
                    points_problem(cell(index_col), e),
                ));
                None
            }
        };
        let is_average = matches!(named, Some(Named::Region(_) | Named::National));
        let rank = match rank_col.map(|c| (c, cell(c))) {
            None | Some((_, "")) => None,
            Some((c, _)) if is_average => {
                problems.push(ImportProblem::new(
                    r.row,
                    Some(&label(c)),
                    ProblemKind::RankOnAverage,
                ));
                ok = false;
                None
            }
            Some((c, text)) => match text.parse::<u32>() {
                Ok(k) if k >= 1 && k as usize <= units.units.len() => Some(k),
                _ => {
                    problems.push(ImportProblem::new(
                        r.row,
                        Some(&label(c)),
                        ProblemKind::BadRank {
                            text: quote_cell(text),
                            units: units.units.len(),
                        },
                    ));
                    ok = false;
                    None
                }
            },
        };
        let mut area_points = Vec::new();
        for (c, code) in &areas {
            let text = cell(*c);
            if text.is_empty() {
                continue;
            }
            match Points::parse(text) {
                Ok(p) if p < Points::ZERO || p > Points::whole(100) => {
                    problems.push(ImportProblem::new(
                        r.row,
                        Some(&label(*c)),
                        ProblemKind::IndexOutOfRange {
                            text: quote_cell(text),
                        },
                    ));
                    ok = false;
                }
                Ok(p) => area_points.push((code.clone(), p)),
                Err(e) => {
                    problems.push(ImportProblem::new(
                        r.row,
                        Some(&label(*c)),
                        points_problem(text, e),
                    ));
                    ok = false;
                }
            }
        }
        let (key, what) = match &named {
            Some(Named::Unit(code)) => (
                format!("u{code}"),
                units
                    .unit(code)
                    .map_or_else(|| (*code).to_string(), |u| format!("{} ({code})", u.name)),
            ),
            Some(Named::Region(code)) => (
                format!("r{code}"),
                units
                    .region(code)
                    .map_or_else(|| (*code).to_string(), |g| format!("{} ({code})", g.name)),
            ),
            Some(Named::National) => ("n".to_string(), NATIONAL[1].to_string()),
            None => (String::new(), String::new()),
        };
        if !key.is_empty() {
            if let Some(&first_row) = seen.get(&key) {
                problems.push(ImportProblem::new(
                    r.row,
                    Some(&label(unit_col)),
                    ProblemKind::DuplicateResult { what, first_row },
                ));
                ok = false;
            } else {
                seen.insert(key, r.row);
            }
        }
        if !is_average && named.is_some() {
            // A rank written but wrong is reported as wrong, not as missing.
            let written = rank_col.is_some_and(|c| !cell(c).is_empty());
            rank_rows.push((r.row, written));
        }
        let (Some(named), Some(index), true) = (named, index, ok) else {
            continue;
        };
        match named {
            Named::Unit(code) => out.rows.push(PublishedRow {
                unit: code.to_string(),
                index,
                rank,
                areas: area_points,
            }),
            Named::Region(code) => out.averages.push(PublishedAverage {
                region: code.to_string(),
                index,
            }),
            Named::National => out.averages.push(PublishedAverage {
                region: String::new(),
                index,
            }),
        }
    }
    // Ranks are given for every province or for none.
    if let Some(c) = rank_col
        && rank_rows.iter().any(|(_, has)| *has)
    {
        for (row, _) in rank_rows.iter().filter(|(_, has)| !has) {
            problems.push(ImportProblem::new(
                *row,
                Some(&label(c)),
                ProblemKind::RanksPartly,
            ));
        }
    }
    if problems.is_empty() && out.rows.is_empty() {
        // Blank rows only, or averages without a province: nothing to compare with.
        problems.push(ImportProblem::new(0, None, ProblemKind::NoDataRows));
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        let mut sorted: Vec<ImportProblem> = problems.into_listed();
        sorted.sort_by_key(|p| p.row);
        let mut problems = Problems::new();
        for p in sorted {
            problems.push(p);
        }
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::bundled::units_for;
    use domain::parse_units;
    use l10n::Lang;

    fn units(year: u16) -> UnitSet {
        let f = units_for(year).unwrap();
        parse_units(f.text, f.name).unwrap()
    }

    fn csv(text: &str) -> Result<ResultsFile, Problems> {
        parse_results(text.as_bytes(), FileFormat::Csv, &units(2023))
    }

    fn lines(p: &Problems) -> Vec<String> {
        p.iter().map(|p| p.message(Lang::En)).collect()
    }

    #[test]
    fn units_are_named_by_code_or_name_and_averages_by_region_or_country() {
        let f = csv("Tỉnh,Chỉ số,Xếp hạng\n\
                     thua thien hue,\"89,32\",4\n\
                     31,91.80,1\n\
                     DBSH,88.33,\n\
                     Tây Nguyên,85.42,\n\
                     Trung bình cả nước,86.37,\n")
        .unwrap();
        let rows: Vec<(&str, i64, Option<u32>)> = f
            .rows
            .iter()
            .map(|r| (r.unit.as_str(), r.index.hundredths(), r.rank))
            .collect();
        assert_eq!(rows, [("46", 8932, Some(4)), ("31", 9180, Some(1))]);
        let avg: Vec<(&str, i64)> = f
            .averages
            .iter()
            .map(|a| (a.region.as_str(), a.index.hundredths()))
            .collect();
        assert_eq!(avg, [("DBSH", 8833), ("TN", 8542), ("", 8637)]);
    }

    #[test]
    fn area_columns_are_read_by_their_code() {
        let f = csv("don_vi,chi_so,linh_vuc_1,Lĩnh vực 8\n22,92.18,9.5,\n01,91.43,9.25,14.1\n")
            .unwrap();
        assert_eq!(
            f.rows[1].areas,
            [
                ("1".to_string(), Points::from_hundredths(925)),
                ("8".to_string(), Points::from_hundredths(1410)),
            ]
        );
        // An area cell left empty is no figure, not 0.
        assert_eq!(
            f.rows[0].areas,
            [("1".to_string(), Points::from_hundredths(950))]
        );
    }

    #[test]
    fn missing_and_unknown_columns_are_named() {
        let p = csv("tinh_thanh,diem\n22,92.18\n").unwrap_err();
        let l = lines(&p);
        assert_eq!(l.len(), 4, "{l:?}");
        assert!(l[0].starts_with("row 1, column tinh_thanh:"), "{l:?}");
        assert!(l[2].starts_with("row 1, column don_vi:"), "{l:?}");
        assert!(l[3].starts_with("row 1, column chi_so:"), "{l:?}");
        assert_eq!(
            lines(&csv("don_vi,chi_so\n").unwrap_err()),
            [ProblemKind::NoDataRows.message(Lang::En)]
                .iter()
                .map(|m| format!("file: {m}"))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_workbook_sheet_is_read_like_a_csv_file() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        let cells = [
            ["Kết quả Chỉ số CCHC năm 2021", "", ""],
            ["", "", ""],
            ["Đơn vị", "Chỉ số", "Hạng"],
            ["Hải Phòng", "91.8", "1"],
            ["1", "90", "2"],
            ["Kiên Giang", "79.97", "63"],
        ];
        for (r, row) in cells.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(r as u32, c as u16, *v).unwrap();
                }
            }
        }
        let bytes = wb.save_to_buffer().unwrap();
        let f = parse_results(&bytes, FileFormat::Workbook { sheet: None }, &units(2021)).unwrap();
        let rows: Vec<(&str, Option<u32>)> =
            f.rows.iter().map(|r| (r.unit.as_str(), r.rank)).collect();
        // Hà Nội's code typed as a number (1) is still 01.
        assert_eq!(rows, [("31", Some(1)), ("01", Some(2)), ("91", Some(63))]);
    }

    proptest::proptest! {
        /// Any bytes, and any cells under the right headers, give rows or problems, never a
        /// panic.
        #[test]
        fn any_file_is_read_or_refused_without_a_panic(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400),
            cells in proptest::collection::vec("[0-9a-zA-Zà-ỹ ,.;\"-]{0,12}", 0..24),
        ) {
            let _ = csv(&String::from_utf8_lossy(&bytes));
            let mut text = String::from("don_vi,chi_so,hang,linh_vuc_1\n");
            for row in cells.chunks(4) {
                text.push_str(&row.join(","));
                text.push('\n');
            }
            if let Err(p) = csv(&text) {
                proptest::prop_assert!(p.total() > 0);
            }
        }
    }
}
