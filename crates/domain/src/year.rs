//! An assessment year: the sources it was opened from (kept in the record) and their parsed
//! framework and units.

use serde::{Deserialize, Serialize};

use crate::file_error::FileError;
use crate::{Framework, UnitSet, parse_framework, parse_units};

/// The sources of an opened year, kept when `Change::YearOpened` commits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearData {
    pub framework_toml: String,
    /// File name the framework was loaded from (for messages).
    pub framework_file: String,
    pub units_toml: String,
    pub units_file: String,
    /// The previous year shown as a reference (`init --from-year`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_year: Option<u16>,
}

/// A year's framework and units, parsed once from the sources kept in the store.
#[derive(Debug)]
pub struct YearContext {
    pub year: u16,
    pub framework: Framework,
    pub units: UnitSet,
    pub framework_file: String,
    pub units_file: String,
    /// The previous year whose justifications are shown as references (`init --from-year`).
    pub from_year: Option<u16>,
}

/// A year's sources that do not load: the file and every problem found in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearFileError {
    pub file: String,
    pub problems: Vec<FileError>,
}

impl YearContext {
    /// Parse a year's kept sources. The engine does this when a year is opened; a client
    /// builds its own copy the same way from the sources the server sends.
    pub fn parse(year: u16, data: &YearData) -> Result<YearContext, YearFileError> {
        let framework =
            parse_framework(&data.framework_toml, &data.framework_file).map_err(|problems| {
                YearFileError {
                    file: data.framework_file.clone(),
                    problems,
                }
            })?;
        let units =
            parse_units(&data.units_toml, &data.units_file).map_err(|problems| YearFileError {
                file: data.units_file.clone(),
                problems,
            })?;
        Ok(YearContext {
            year,
            framework,
            units,
            framework_file: data.framework_file.clone(),
            units_file: data.units_file.clone(),
            from_year: data.from_year,
        })
    }
}
