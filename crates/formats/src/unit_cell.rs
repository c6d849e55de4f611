//! The unit a cell of an imported file names: its code, the code typed as a number (a
//! spreadsheet turns "01" into 1), or its name written with or without diacritics and with any
//! spacing. One rule for every importer that reads a unit column.

use domain::survey::fold_words;
use domain::{Unit, UnitSet};

/// The unit `text` names, if any.
pub fn named_unit<'u>(text: &str, units: &'u UnitSet) -> Option<&'u Unit> {
    let t = text.trim();
    if let Some(u) = units.unit(t) {
        return Some(u);
    }
    if let Ok(n) = t.parse::<u32>()
        && let Some(u) = units.units.iter().find(|u| u.code.parse::<u32>() == Ok(n))
    {
        return Some(u);
    }
    let k = fold_words(t);
    units.units.iter().find(|u| fold_words(&u.name) == k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_is_found_by_code_number_or_name_however_written() {
        let units = domain::testutil::fixture_units();
        let code = |t: &str| named_unit(t, &units).map(|u| u.code.clone());
        assert_eq!(code("44"), Some("44".into()));
        assert_eq!(code(" 01 "), Some("01".into()));
        // "01" typed into a spreadsheet comes back as 1.
        assert_eq!(code("1"), Some("01".into()));
        assert_eq!(code("Quảng Bình"), Some("44".into()));
        assert_eq!(code("  QUANG   binh "), Some("44".into()));
        assert_eq!(code("99"), None);
        assert_eq!(code("Quảng Ngãi"), None);
    }
}
