//! The data files built into the binary (SPEC D1, D2): the provincial framework and the unit sets,
//! embedded from `data/` so a fresh install works without any file on disk. Which file applies to an
//! assessment year is read from the `year_from` / `year_to` declared in the file itself.

use std::sync::OnceLock;

use crate::framework_file::parse_framework;
use crate::units_file::parse_units;

/// One embedded file. `name` is its path in the source tree; loaders use it as the file name in errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BundledFile {
    pub name: &'static str,
    pub text: &'static str,
}

static FRAMEWORKS: &[BundledFile] = &[BundledFile {
    name: "data/frameworks/par-index-tinh-2022.toml",
    text: include_str!("../../../data/frameworks/par-index-tinh-2022.toml"),
}];

static UNIT_SETS: &[BundledFile] = &[
    BundledFile {
        name: "data/units/tinh-63.toml",
        text: include_str!("../../../data/units/tinh-63.toml"),
    },
    BundledFile {
        name: "data/units/tinh-34.toml",
        text: include_str!("../../../data/units/tinh-34.toml"),
    },
];

static SURVEYS: &[BundledFile] = &[
    BundledFile {
        name: "data/surveys/sipas-2024.toml",
        text: include_str!("../../../data/surveys/sipas-2024.toml"),
    },
    BundledFile {
        name: "data/surveys/lanh-dao-2024.toml",
        text: include_str!("../../../data/surveys/lanh-dao-2024.toml"),
    },
];

/// All bundled survey definitions (issue 16).
pub fn surveys() -> &'static [BundledFile] {
    SURVEYS
}

/// The bundled survey definition whose id is `id` (the tests keep every bundled one loading).
pub fn survey(id: &str) -> Option<crate::survey::SurveyDef> {
    SURVEYS
        .iter()
        .filter_map(|f| crate::survey::parse_survey(f.text, f.name).ok())
        .find(|s| s.id == id)
}

/// The id of the citizens' survey (SIPAS) used when none is named.
pub const DEFAULT_SURVEY: &str = "sipas-2024";

/// All bundled framework files.
pub fn frameworks() -> &'static [BundledFile] {
    FRAMEWORKS
}

/// All bundled unit-set files.
pub fn unit_sets() -> &'static [BundledFile] {
    UNIT_SETS
}

/// The year range a file declares: (year_from, year_to), each open when absent.
type Range = (Option<u16>, Option<u16>);

fn covers((from, to): Range, year: u16) -> bool {
    from.is_none_or(|f| year >= f) && to.is_none_or(|t| year <= t)
}

/// The declared ranges of the bundled frameworks (`None` for a file that does not load; the tests
/// guarantee that none is).
fn framework_ranges() -> &'static [Option<Range>] {
    static RANGES: OnceLock<Vec<Option<Range>>> = OnceLock::new();
    RANGES.get_or_init(|| {
        FRAMEWORKS
            .iter()
            .map(|f| {
                parse_framework(f.text, f.name)
                    .ok()
                    .map(|fw| (fw.meta.year_from, fw.meta.year_to))
            })
            .collect()
    })
}

fn unit_ranges() -> &'static [Option<Range>] {
    static RANGES: OnceLock<Vec<Option<Range>>> = OnceLock::new();
    RANGES.get_or_init(|| {
        UNIT_SETS
            .iter()
            .map(|f| {
                parse_units(f.text, f.name)
                    .ok()
                    .map(|u| (u.meta.year_from, u.meta.year_to))
            })
            .collect()
    })
}

fn pick(files: &[BundledFile], ranges: &[Option<Range>], year: u16) -> Option<BundledFile> {
    files
        .iter()
        .zip(ranges)
        .find(|(_, r)| r.is_some_and(|r| covers(r, year)))
        .map(|(f, _)| *f)
}

/// The bundled framework whose declared years include `year`.
pub fn framework_for(year: u16) -> Option<BundledFile> {
    pick(FRAMEWORKS, framework_ranges(), year)
}

/// The bundled unit set whose declared years include `year`.
pub fn units_for(year: u16) -> Option<BundledFile> {
    pick(UNIT_SETS, unit_ranges(), year)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Method, Points};

    #[test]
    fn every_bundled_file_loads() {
        for f in frameworks() {
            if let Err(errors) = parse_framework(f.text, f.name) {
                panic!(
                    "{}",
                    errors.iter().map(|e| format!("{e}\n")).collect::<String>()
                );
            }
        }
        for f in unit_sets() {
            if let Err(errors) = parse_units(f.text, f.name) {
                panic!(
                    "{}",
                    errors.iter().map(|e| format!("{e}\n")).collect::<String>()
                );
            }
        }
    }

    #[test]
    fn provincial_framework_counts() {
        let f = framework_for(2024).unwrap();
        let fw = parse_framework(f.text, f.name).unwrap();
        assert_eq!(fw.areas().count(), 8);
        assert_eq!(fw.nodes.iter().filter(|n| n.depth == 1).count(), 37);
        assert_eq!(fw.leaf_count(), 88);
        assert_eq!(
            fw.shape().describe(l10n::Lang::Vi),
            "8 lĩnh vực, 37 tiêu chí, 88 tiêu chí thành phần; 88 mục chấm điểm"
        );
        // Survey points are published in hundredths: the guidance must not round them to the
        // appraisal step.
        for n in fw.leaves().filter(|n| n.method == crate::Method::Survey) {
            assert!(
                !n.guidance.contains("bội số 0,25"),
                "{}: {}",
                n.code,
                n.guidance
            );
        }
        assert_eq!(fw.total, Points::whole(100));
        assert_eq!(fw.survey_points(), Points::whole(32));
        let appraised: Points = fw
            .leaves()
            .filter(|n| n.method == Method::Appraised)
            .map(|n| n.max)
            .sum();
        assert_eq!(appraised, Points::whole(68));
        assert_eq!(fw.step, Points::from_hundredths(25));
        let groups: Vec<(&str, i64)> = fw
            .groups
            .iter()
            .map(|g| (g.name.as_str(), g.min_percent))
            .collect();
        assert_eq!(groups, [("A", 9000), ("B", 8000), ("C", 7000)]);
        // The same framework serves the 2025 assessment (34 provinces).
        assert_eq!(framework_for(2025), Some(f));
    }

    #[test]
    fn units_by_year() {
        let old = units_for(2024).unwrap();
        let set = parse_units(old.text, old.name).unwrap();
        assert_eq!(set.units.len(), 63);
        assert_eq!(set.unit("44").unwrap().name, "Quảng Bình");
        assert_eq!(set.unit("67").unwrap().name, "Đắk Nông");
        assert_eq!(set.regions.len(), 6);
        assert_eq!(units_for(2022), Some(old));

        let new = units_for(2025).unwrap();
        assert_ne!(new, old);
        let set = parse_units(new.text, new.name).unwrap();
        assert_eq!(set.units.len(), 34);
        assert!(set.unit("67").is_none());
        assert_eq!(units_for(2030), Some(new));
    }

    #[test]
    fn the_34_units_cover_the_63_old_codes_once() {
        let old = units_for(2024).unwrap();
        let old = parse_units(old.text, old.name).unwrap();
        let new = units_for(2025).unwrap();
        let new = parse_units(new.text, new.name).unwrap();
        let mut covered: Vec<&str> = new
            .units
            .iter()
            .flat_map(|u| {
                std::iter::once(u.code.as_str()).chain(u.absorbed.iter().map(String::as_str))
            })
            .collect();
        covered.sort_unstable();
        let mut all: Vec<&str> = old.units.iter().map(|u| u.code.as_str()).collect();
        all.sort_unstable();
        assert_eq!(covered, all);
    }

    #[test]
    fn years_outside_every_file_have_no_framework() {
        assert_eq!(framework_for(2021), None);
        assert_eq!(framework_for(2031), None);
    }
}
