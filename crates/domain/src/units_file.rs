//! Loading and validating a units TOML file (SPEC D2) into the model of `units.rs`.
//! Every problem of the file is collected and reported with file, line, column and unit or region code.
//!
//! ```toml
//! [unit_set]
//! id = "tinh-63"          # required
//! name = "…"              # required
//! year_from = 2016        # optional
//! year_to = 2024          # optional, ≥ year_from
//!
//! [[region]]              # unique codes
//! code = "DBSH"
//! name = "Đồng bằng sông Hồng"
//! name_en = "Red River Delta"    # optional
//!
//! [[unit]]                # at least one, unique codes
//! code = "01"
//! name = "Hà Nội"
//! region = "DBSH"         # a [[region]] code
//! centrally_run = true    # optional, default false
//! absorbed = ["…"]        # optional: codes of the former units merged into this one
//! predecessors = ["…"]    # optional: the previous year's units this one continues, when they
//!                         # are not simply its own code and `absorbed` (see `lineage.rs`)
//! difficult = true        # optional, default false: in difficult economic conditions
//!                         # (mountainous, remote); used only by the what-if (`whatif.rs`)
//! ```
//! All names are normalised to NFC.

use std::collections::HashMap;

use super::file_error::{FileError, FileErrorKind as K, Section};
use super::toml_read::{Field, Reader, Table};
use super::units::{Region, Unit, UnitSet, UnitSetMeta};

const SET_KEYS: &[&str] = &["id", "name", "year_from", "year_to"];
const REGION_KEYS: &[&str] = &["code", "name", "name_en"];
const UNIT_KEYS: &[&str] = &[
    "code",
    "name",
    "region",
    "centrally_run",
    "absorbed",
    "predecessors",
    "difficult",
];

/// Parse and validate a units file. `file` names the file in error messages.
pub fn parse_units(text: &str, file: &str) -> Result<UnitSet, Vec<FileError>> {
    let mut r = Reader::new(text, file);
    let Some(doc) = r.parse() else {
        return Err(r.into_errors());
    };
    let root = Table::new(&doc, 0..0, Section::Root);
    root.check_keys(&mut r, &["unit_set", "region", "unit"]);

    let meta = root
        .sub_table(&mut r, "unit_set", Section::UnitSet)
        .map(|t| read_meta(&mut r, &t));
    let anchor = meta.as_ref().map_or(0, |m| m.1);

    let mut regions = Vec::new();
    let mut region_lines: HashMap<String, usize> = HashMap::new();
    for mut t in root.table_list(&mut r, "region", Section::Region) {
        let code = code_field(&mut r, &mut t);
        t.check_keys(&mut r, REGION_KEYS);
        let name = t.text(&mut r, "name", true);
        let name_en = t.text(&mut r, "name_en", false).map(|f| f.value);
        let Some(code) = code else { continue };
        if !r.first_use(&mut region_lines, &code, Section::Region) {
            continue;
        }
        if let Some(name) = name {
            regions.push(Region {
                code: code.value,
                name: name.value,
                name_en,
            });
        }
    }

    let unit_tables = root.table_list(&mut r, "unit", Section::Unit);
    if root.is_empty_list("unit") {
        r.error(anchor, None, K::NoUnits);
    }
    let mut units = Vec::new();
    let mut unit_lines: HashMap<String, usize> = HashMap::new();
    for mut t in unit_tables {
        let code = code_field(&mut r, &mut t);
        t.check_keys(&mut r, UNIT_KEYS);
        let name = t.text(&mut r, "name", true);
        let region = t.text(&mut r, "region", true);
        if let Some(reg) = &region
            && !region_lines.contains_key(&reg.value)
        {
            r.error(
                reg.offset,
                t.item.as_deref(),
                K::UnknownRegion {
                    region: reg.value.clone(),
                },
            );
        }
        let centrally_run = t.boolean(&mut r, "centrally_run").is_some_and(|f| f.value);
        let difficult = t.boolean(&mut r, "difficult").is_some_and(|f| f.value);
        let absorbed = t.string_list(&mut r, "absorbed");
        let predecessors = t
            .has("predecessors")
            .then(|| t.string_list(&mut r, "predecessors"));
        let Some(code) = code else { continue };
        if !r.first_use(&mut unit_lines, &code, Section::Unit) {
            continue;
        }
        if let (Some(name), Some(region)) = (name, region) {
            units.push(Unit {
                code: code.value,
                name: name.value,
                region: region.value,
                centrally_run,
                absorbed,
                predecessors,
                difficult,
            });
        }
    }

    if r.has_errors() {
        return Err(r.into_errors());
    }
    let Some((meta, _)) = meta else {
        return Err(r.into_errors());
    };
    Ok(UnitSet::from_parts(meta, regions, units))
}

/// Read `code` (required, non-blank) and label the table's errors with it.
fn code_field(r: &mut Reader<'_>, t: &mut Table<'_, '_>) -> Option<Field<String>> {
    let code = t.text(r, "code", true);
    t.item = code.as_ref().map(|f| f.value.clone());
    // Codes become parts of store keys and file names: keep them to a safe alphabet.
    if let Some(f) = &code
        && !f
            .value
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        r.error(
            f.offset,
            Some(&f.value),
            K::BadUnitCode {
                code: f.value.clone(),
            },
        );
        return None;
    }
    code
}

fn read_meta(r: &mut Reader<'_>, t: &Table<'_, '_>) -> (UnitSetMeta, usize) {
    t.check_keys(r, SET_KEYS);
    let id = t.text(r, "id", true);
    let name = t.text(r, "name", true);
    let year_from = t.year(r, "year_from");
    let year_to = t.year(r, "year_to");
    if let (Some(from), Some(to)) = (&year_from, &year_to)
        && from.value > to.value
    {
        r.error(
            from.offset,
            None,
            K::YearRange {
                from: from.value,
                to: to.value,
            },
        );
    }
    (
        UnitSetMeta {
            id: id.map(|f| f.value).unwrap_or_default(),
            name: name.map(|f| f.value).unwrap_or_default(),
            year_from: year_from.map(|f| f.value),
            year_to: year_to.map(|f| f.value),
        },
        t.offset,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use l10n::Lang;

    const GOOD: &str = r#"
[unit_set]
id = "t"
name = "Thử"
year_to = 2024

[[region]]
code = "BTB"
name = "Bắc Trung Bộ và duyên hải miền Trung"

[[unit]]
code = "44"
name = "Quảng Bình"
region = "BTB"

[[unit]]
code = "48"
name = "Đà Nẵng"
region = "BTB"
centrally_run = true
"#;

    #[test]
    fn reads_units_and_regions() {
        let set = parse_units(GOOD, "u.toml").unwrap();
        assert_eq!(set.units.len(), 2);
        assert_eq!(set.unit("44").unwrap().name, "Quảng Bình");
        assert!(!set.unit("44").unwrap().centrally_run);
        assert!(set.unit("48").unwrap().centrally_run);
        assert_eq!(set.region("BTB").unwrap().name_en, None);
        assert!(set.covers(2024));
        assert!(!set.covers(2025));
    }

    #[test]
    fn difficult_is_optional_and_must_be_true_or_false() {
        let marked = GOOD.replacen("code = \"44\"", "code = \"44\"\ndifficult = true", 1);
        let set = parse_units(&marked, "u.toml").unwrap();
        assert!(set.unit("44").unwrap().difficult);
        assert!(
            !set.unit("48").unwrap().difficult,
            "a unit without the attribute is not difficult"
        );
        let wrong = GOOD.replacen("code = \"44\"", "code = \"44\"\ndifficult = \"có\"", 1);
        let Err(errors) = parse_units(&wrong, "u.toml") else {
            panic!("a text where true/false is expected must be refused");
        };
        let shown = errors[0].to_string();
        assert!(shown.contains("difficult"), "{shown}");
    }

    #[test]
    fn names_are_nfc() {
        // "Quảng Bình" with decomposed diacritics.
        let decomposed = GOOD.replace("Quảng Bình", "Qua\u{309}ng Bi\u{300}nh");
        assert_ne!(decomposed, GOOD);
        let set = parse_units(&decomposed, "u.toml").unwrap();
        assert_eq!(set.unit("44").unwrap().name, "Quảng Bình");
    }

    #[test]
    fn collects_several_problems_in_file_order() {
        let bad = GOOD
            .replace(
                "region = \"BTB\"\ncentrally_run",
                "region = \"XX\"\ncentrally_run",
            )
            .replace("code = \"48\"", "code = \"44\"");
        let Err(errors) = parse_units(&bad, "u.toml") else {
            panic!("should fail");
        };
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "u.toml:17:8: [unit 44] unit code \"44\" is already used on line 12; codes must be unique",
                "u.toml:19:10: [unit 44] region \"XX\" is not defined; add a [[region]] with this code or fix the unit's region",
            ]
        );
        assert_eq!(
            errors[0].message(Lang::Vi),
            "u.toml:17:8: [đơn vị 44] mã đơn vị \"44\" đã được dùng ở dòng 12; mỗi mã phải là duy nhất"
        );
    }
}
