//! The units appraised in one year (SPEC D2): provinces, ministries, departments — they are data.
//! Loading and validating the TOML file lives in `units_file.rs`; this file holds the model.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Region {
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
}

impl Region {
    /// The region's abbreviation as people read it: its code, with each `D` that stands for a
    /// word of the Vietnamese name beginning with `Đ` written `Đ` — "DBSCL" (Đồng bằng sông Cửu
    /// Long) reads "ĐBSCL", "DNB" (Đông Nam Bộ) "ĐNB"; "TDMNPB" (Trung du …) stays as it is.
    ///
    /// The code itself stays the machine key (ASCII in files, filters and exports): the letters
    /// of the code are matched in order to the initials of the name's words (a word such as "và"
    /// may have no letter), and the code is shown as it is when they do not match.
    pub fn abbr(&self) -> String {
        let initials: Vec<char> = self
            .name
            .split_whitespace()
            .filter_map(|w| w.chars().next())
            .flat_map(char::to_uppercase)
            .collect();
        let base = |c: char| -> char {
            match c {
                'Đ' => 'D',
                c => c.nfd().next().unwrap_or(c),
            }
        };
        let mut out = String::with_capacity(self.code.len() + 2);
        let mut next = 0;
        for c in self.code.chars() {
            if !c.is_ascii_alphabetic() {
                out.push(c);
                continue;
            }
            let Some(k) = initials[next.min(initials.len())..]
                .iter()
                .position(|&i| base(i) == c.to_ascii_uppercase())
            else {
                return self.code.clone();
            };
            let initial = initials[next + k];
            next += k + 1;
            out.push(if initial == 'Đ' && c == 'D' { 'Đ' } else { c });
        }
        out
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// Official code, e.g. "44" for Quảng Bình.
    pub code: String,
    pub name: String,
    /// Code of the region in `UnitSet::regions`.
    pub region: String,
    /// A centrally-run city (thành phố trực thuộc Trung ương).
    pub centrally_run: bool,
    /// Codes of the former units this one absorbed (the 2025 reorganisation).
    pub absorbed: Vec<String>,
    /// The units of the previous year this one continues, when the units file names them
    /// (`predecessors = [...]`); otherwise they follow from its code and `absorbed` (see
    /// [`crate::lineage`]).
    pub predecessors: Option<Vec<String>>,
    /// In difficult economic conditions (mountainous, remote): only the what-if view of the
    /// ranking weights it (`crate::whatif`); the official result never does.
    #[serde(default)]
    pub difficult: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitSetMeta {
    pub id: String,
    pub name: String,
    pub year_from: Option<u16>,
    pub year_to: Option<u16>,
}

/// A validated set of units, in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitSet {
    pub meta: UnitSetMeta,
    pub regions: Vec<Region>,
    pub units: Vec<Unit>,
    index: HashMap<String, usize>,
}

impl UnitSet {
    pub fn from_parts(meta: UnitSetMeta, regions: Vec<Region>, units: Vec<Unit>) -> UnitSet {
        let index = units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.code.clone(), i))
            .collect();
        UnitSet {
            meta,
            regions,
            units,
            index,
        }
    }

    pub fn unit(&self, code: &str) -> Option<&Unit> {
        self.index.get(code).map(|&i| &self.units[i])
    }

    /// Where the unit of this code is in `units`.
    pub fn position(&self, code: &str) -> Option<usize> {
        self.index.get(code).copied()
    }

    pub fn region(&self, code: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.code == code)
    }

    /// A region's abbreviation for people ([`Region::abbr`]); an unknown code as it is.
    pub fn region_abbr(&self, code: &str) -> String {
        self.region(code)
            .map_or_else(|| code.to_string(), Region::abbr)
    }

    pub fn covers(&self, year: u16) -> bool {
        self.meta.year_from.is_none_or(|f| year >= f) && self.meta.year_to.is_none_or(|t| year <= t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(code: &str, name: &str) -> Region {
        Region {
            code: code.into(),
            name: name.into(),
            name_en: None,
        }
    }

    #[test]
    fn abbreviations_write_d_as_the_name_does() {
        assert_eq!(region("DBSCL", "Đồng bằng sông Cửu Long").abbr(), "ĐBSCL");
        assert_eq!(region("DBSH", "Đồng bằng sông Hồng").abbr(), "ĐBSH");
        assert_eq!(region("DNB", "Đông Nam Bộ").abbr(), "ĐNB");
        // "du" begins with a plain d; "và" has no letter in the code.
        assert_eq!(
            region("TDMNPB", "Trung du và miền núi phía Bắc").abbr(),
            "TDMNPB"
        );
        assert_eq!(
            region("BTB-DHMT", "Bắc Trung Bộ và Duyên hải miền Trung").abbr(),
            "BTB-DHMT"
        );
        assert_eq!(region("TN", "Tây Nguyên").abbr(), "TN");
        // A code that does not spell the name is shown as it is.
        assert_eq!(region("DX", "Đồng bằng").abbr(), "DX");
        assert_eq!(region("R1", "Đông").abbr(), "R1");
    }

    #[test]
    fn bundled_regions_read_with_d_stroke() {
        for file in crate::bundled::unit_sets() {
            let set = crate::parse_units(file.text, file.name).expect("bundled units");
            let abbrs: Vec<String> = set.regions.iter().map(Region::abbr).collect();
            for want in ["ĐBSH", "ĐNB", "ĐBSCL", "TDMNPB", "TN"] {
                assert!(abbrs.iter().any(|a| a == want), "{}: {abbrs:?}", file.name);
            }
            assert!(!abbrs.iter().any(|a| a.starts_with("DB") || a == "DNB"));
        }
    }
}
