//! The units appraised in one year (SPEC D2): provinces, ministries, departments — they are data.
//! Loading and validating the TOML file lives in `units_file.rs`; this file holds the model.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Region {
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
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

    pub fn covers(&self, year: u16) -> bool {
        self.meta.year_from.is_none_or(|f| year >= f) && self.meta.year_to.is_none_or(|t| year <= t)
    }
}
