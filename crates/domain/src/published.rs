//! The published results of a year (`import results`, SPEC I8): each province's index as the ministry
//! published it, optionally its rank and its areas' points, and the national and regional
//! averages — for a year known only by its published results (2021, 2023), so that the next
//! year has something to be compared with.
//!
//! A results-only year is not an opened year: it has no framework and no items, only a
//! `Change::ResultsPublished` holding the unit set it was assessed on (its units file, kept
//! like `YearOpened` keeps one) and the rows. Where a year has published results, every
//! comparison with it uses them (they are the official figures). A unit absent from the rows has
//! no figure ("không có số liệu"), never 0.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::aggregate::competition_ranks;
use crate::points::Points;
use crate::units::UnitSet;

/// One unit's published figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedRow {
    /// Unit code in the year's unit set.
    pub unit: String,
    /// The index, points out of 100 shown as a percentage (91.80 = 91,80%).
    pub index: Points,
    /// The published rank, when the file gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<u32>,
    /// Per-area points, when the file gives them: (area code, points).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub areas: Vec<(String, Points)>,
}

/// A published average: national (`region` empty) or of one region of the unit set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedAverage {
    pub region: String,
    pub index: Points,
}

/// The published results of one year, as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Published {
    /// The unit set the year was assessed on (the units file's text and name).
    pub units_toml: String,
    pub units_file: String,
    /// The file the results were read from (its name) and its SHA-256, lower-case hex.
    pub source_file: String,
    pub source_sha256: String,
    /// In the order of the file.
    pub rows: Vec<PublishedRow>,
    pub averages: Vec<PublishedAverage>,
}

/// What makes recorded results wrong (the engine checks again what the import checked).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fault", rename_all = "kebab-case")]
pub enum ResultsFault {
    NoRows,
    UnknownUnit {
        unit: String,
    },
    DuplicateUnit {
        unit: String,
    },
    OutOfRange {
        unit: String,
    },
    UnknownRegion {
        region: String,
    },
    DuplicateAverage {
        region: String,
    },
    /// Some rows have a rank and others do not.
    RanksPartly {
        unit: String,
    },
    /// An area's code that is empty, too long, given twice on a row, or one area too many.
    BadArea {
        unit: String,
        area: String,
    },
}

/// Areas a row may give (the provincial index has 8).
pub const MAX_AREAS: usize = 32;
/// Bytes of an area's code.
pub const MAX_AREA_CODE: usize = 16;

impl ResultsFault {
    pub fn message(&self, lang: l10n::Lang) -> String {
        use l10n::Lang::{En, Vi};
        match (self, lang) {
            (ResultsFault::NoRows, Vi) => "không có dòng kết quả nào của tỉnh".into(),
            (ResultsFault::NoRows, En) => "no province rows".into(),
            (ResultsFault::UnknownUnit { unit }, Vi) => {
                format!("không có đơn vị mã \"{unit}\" trong bộ đơn vị của năm")
            }
            (ResultsFault::UnknownUnit { unit }, En) => {
                format!("there is no unit \"{unit}\" in the year's unit set")
            }
            (ResultsFault::DuplicateUnit { unit }, Vi) => {
                format!("đơn vị \"{unit}\" có hai dòng")
            }
            (ResultsFault::DuplicateUnit { unit }, En) => {
                format!("unit \"{unit}\" has two rows")
            }
            (ResultsFault::OutOfRange { unit }, Vi) => {
                format!("chỉ số của \"{unit}\" phải từ 0 đến 100")
            }
            (ResultsFault::OutOfRange { unit }, En) => {
                format!("the index of \"{unit}\" must be from 0 to 100")
            }
            (ResultsFault::UnknownRegion { region }, Vi) => {
                format!("không có vùng \"{region}\" trong bộ đơn vị của năm")
            }
            (ResultsFault::UnknownRegion { region }, En) => {
                format!("there is no region \"{region}\" in the year's unit set")
            }
            (ResultsFault::DuplicateAverage { region }, Vi) => {
                if region.is_empty() {
                    "điểm trung bình cả nước có hai dòng".into()
                } else {
                    format!("điểm trung bình vùng \"{region}\" có hai dòng")
                }
            }
            (ResultsFault::DuplicateAverage { region }, En) => {
                if region.is_empty() {
                    "the national average has two rows".into()
                } else {
                    format!("the average of region \"{region}\" has two rows")
                }
            }
            (ResultsFault::BadArea { unit, area }, Vi) => format!(
                "lĩnh vực \"{area}\" của \"{unit}\" không hợp lệ: mã lĩnh vực phải có, dài tối đa {MAX_AREA_CODE} byte, không lặp lại, và mỗi tỉnh tối đa {MAX_AREAS} lĩnh vực"
            ),
            (ResultsFault::BadArea { unit, area }, En) => format!(
                "area \"{area}\" of \"{unit}\" is not valid: an area code must be given, at most {MAX_AREA_CODE} bytes, not repeated, and at most {MAX_AREAS} areas per province"
            ),
            (ResultsFault::RanksPartly { unit }, Vi) => format!(
                "\"{unit}\" không có hạng trong khi các dòng khác có: ghi hạng công bố cho mọi tỉnh hoặc bỏ cột hạng"
            ),
            (ResultsFault::RanksPartly { unit }, En) => format!(
                "\"{unit}\" has no rank while other rows have one: give every province its published rank or leave the rank column out"
            ),
        }
    }
}

impl Published {
    /// The row of a unit, if the results name it.
    pub fn row(&self, unit: &str) -> Option<&PublishedRow> {
        self.rows.iter().find(|r| r.unit == unit)
    }

    /// Index by unit code (hundredths of a percent), for the units that have one.
    pub fn percent_by_unit(&self) -> HashMap<String, i64> {
        self.rows
            .iter()
            .map(|r| (r.unit.clone(), r.index.hundredths()))
            .collect()
    }

    /// Each listed unit's rank: the published rank where the file gives ranks, otherwise the
    /// competition rank of its index among the listed units.
    pub fn ranks(&self) -> HashMap<String, u32> {
        if self.rows.iter().all(|r| r.rank.is_some()) {
            return self
                .rows
                .iter()
                .filter_map(|r| Some((r.unit.clone(), r.rank?)))
                .collect();
        }
        let values: Vec<i64> = self.rows.iter().map(|r| r.index.hundredths()).collect();
        self.rows
            .iter()
            .zip(competition_ranks(&values))
            .map(|(r, k)| (r.unit.clone(), k))
            .collect()
    }

    /// The rows by rank (then by code): how the published ranking is listed.
    pub fn ranked(&self) -> Vec<(u32, &PublishedRow)> {
        let ranks = self.ranks();
        let mut out: Vec<(u32, &PublishedRow)> = self
            .rows
            .iter()
            .map(|r| (ranks.get(&r.unit).copied().unwrap_or(u32::MAX), r))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.unit.cmp(&b.1.unit)));
        out
    }

    /// The published national average, if the file gives it.
    pub fn national(&self) -> Option<Points> {
        self.averages
            .iter()
            .find(|a| a.region.is_empty())
            .map(|a| a.index)
    }

    /// Every fault of these results against the year's unit set (empty: they can be recorded).
    pub fn check(&self, units: &UnitSet) -> Vec<ResultsFault> {
        let mut out = Vec::new();
        if self.rows.is_empty() {
            out.push(ResultsFault::NoRows);
        }
        let ranked = self.rows.iter().any(|r| r.rank.is_some());
        let mut seen: Vec<&str> = Vec::new();
        for r in &self.rows {
            if units.unit(&r.unit).is_none() {
                out.push(ResultsFault::UnknownUnit {
                    unit: r.unit.clone(),
                });
            }
            if seen.contains(&r.unit.as_str()) {
                out.push(ResultsFault::DuplicateUnit {
                    unit: r.unit.clone(),
                });
            }
            seen.push(&r.unit);
            if r.index < Points::ZERO || r.index > Points::whole(100) {
                out.push(ResultsFault::OutOfRange {
                    unit: r.unit.clone(),
                });
            }
            if ranked && r.rank.is_none() {
                out.push(ResultsFault::RanksPartly {
                    unit: r.unit.clone(),
                });
            }
            for (i, (code, pts)) in r.areas.iter().enumerate() {
                let bad = code.trim().is_empty()
                    || code.len() > MAX_AREA_CODE
                    || i >= MAX_AREAS
                    || r.areas[..i].iter().any(|(c, _)| c == code)
                    || *pts < Points::ZERO
                    || *pts > Points::whole(100);
                if bad {
                    out.push(ResultsFault::BadArea {
                        unit: r.unit.clone(),
                        area: code.chars().take(MAX_AREA_CODE).collect(),
                    });
                }
            }
        }
        let mut seen: Vec<&str> = Vec::new();
        for a in &self.averages {
            if !a.region.is_empty() && units.region(&a.region).is_none() {
                out.push(ResultsFault::UnknownRegion {
                    region: a.region.clone(),
                });
            }
            if seen.contains(&a.region.as_str()) {
                out.push(ResultsFault::DuplicateAverage {
                    region: a.region.clone(),
                });
            }
            seen.push(&a.region);
            if a.index < Points::ZERO || a.index > Points::whole(100) {
                out.push(ResultsFault::OutOfRange {
                    unit: a.region.clone(),
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundled::units_for;
    use crate::units_file::parse_units;

    fn row(unit: &str, h: i64, rank: Option<u32>) -> PublishedRow {
        PublishedRow {
            unit: unit.into(),
            index: Points::from_hundredths(h),
            rank,
            areas: Vec::new(),
        }
    }

    fn results(rows: Vec<PublishedRow>) -> Published {
        Published {
            units_toml: String::new(),
            units_file: String::new(),
            source_file: "x.csv".into(),
            source_sha256: String::new(),
            rows,
            averages: vec![PublishedAverage {
                region: String::new(),
                index: Points::from_hundredths(8698),
            }],
        }
    }

    #[test]
    fn published_ranks_are_kept_and_missing_ones_computed() {
        // 2023: Quảng Ninh 1st, Hà Nội 3rd; the 2nd is not in the domain notes.
        let p = results(vec![row("01", 9143, Some(3)), row("22", 9218, Some(1))]);
        assert_eq!(p.ranks()["01"], 3);
        let order: Vec<&str> = p.ranked().iter().map(|(_, r)| r.unit.as_str()).collect();
        assert_eq!(order, ["22", "01"]);
        let p = results(vec![row("01", 9143, None), row("22", 9218, None)]);
        assert_eq!((p.ranks()["22"], p.ranks()["01"]), (1, 2));
        assert_eq!(p.national(), Some(Points::from_hundredths(8698)));
    }

    #[test]
    fn check_names_every_fault() {
        let f = units_for(2023).unwrap();
        let units = parse_units(f.text, f.name).unwrap();
        let mut p = results(vec![
            row("01", 9143, Some(3)),
            row("01", 9000, Some(4)),
            row("99", 9000, Some(5)),
            row("22", 10001, None),
        ]);
        p.averages.push(PublishedAverage {
            region: "XX".into(),
            index: Points::from_hundredths(8000),
        });
        assert_eq!(
            p.check(&units),
            [
                ResultsFault::DuplicateUnit { unit: "01".into() },
                ResultsFault::UnknownUnit { unit: "99".into() },
                ResultsFault::OutOfRange { unit: "22".into() },
                ResultsFault::RanksPartly { unit: "22".into() },
                ResultsFault::UnknownRegion {
                    region: "XX".into()
                },
            ]
        );
        assert!(
            ResultsFault::RanksPartly { unit: "22".into() }
                .message(l10n::Lang::Vi)
                .contains("hạng")
        );
        assert_eq!(results(vec![]).check(&units), [ResultsFault::NoRows]);
        let mut twice = row("22", 9218, None);
        twice.areas = vec![
            ("1".into(), Points::whole(9)),
            ("1".into(), Points::whole(8)),
        ];
        assert_eq!(
            results(vec![twice]).check(&units),
            [ResultsFault::BadArea {
                unit: "22".into(),
                area: "1".into()
            }]
        );
    }
}
