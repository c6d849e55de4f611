//! The published ranking of a year known only by its published results (`import results`,
//! SPEC I8):
//! `report ranking --year 2023` lists the provinces as the ministry published them, titled as
//! published results, with the published averages and the provinces the file has no figure for.

use std::io::{self, Write};

use super::markdown::{align, cell, row};
use domain::{Published, Seal, UnitSet};
use l10n::Lang;

/// Write the published results of `year` (assessed on `units`) as Markdown.
pub fn write_published_markdown(
    out: &mut dyn Write,
    year: u16,
    p: &Published,
    units: &UnitSet,
    seal: Option<&Seal>,
    lang: Lang,
) -> io::Result<()> {
    writeln!(
        out,
        "# {} {year}\n",
        lang.pick(
            "Kết quả đã công bố — Chỉ số cải cách hành chính (PAR INDEX) năm",
            "Published results — PAR INDEX"
        )
    )?;
    if let Some(seal) = seal {
        writeln!(out, "{}.\n", seal.line(lang))?;
    }
    let sha = p.source_sha256.get(..16).unwrap_or(&p.source_sha256);
    match lang {
        Lang::Vi => writeln!(
            out,
            "Năm {year} chỉ có kết quả đã công bố, nhập từ tệp {} (SHA-256 {sha}…); không thẩm định \
             trong kho này. Chỉ số = điểm trên 100, ghi dạng phần trăm. Hạng là hạng đã công bố{}.\n",
            cell(&p.source_file),
            if p.rows.iter().all(|r| r.rank.is_some()) {
                ""
            } else {
                " (tệp không ghi hạng: xếp theo chỉ số giữa các tỉnh có trong tệp)"
            }
        )?,
        Lang::En => writeln!(
            out,
            "{year} is known only by its published results, imported from {} (SHA-256 {sha}…); it \
             is not appraised in this store. Index = points out of 100, shown as a percentage. The \
             rank is the published rank{}.\n",
            cell(&p.source_file),
            if p.rows.iter().all(|r| r.rank.is_some()) {
                ""
            } else {
                " (the file gives no ranks: ranked by index among the provinces in the file)"
            }
        )?,
    }
    // Area columns in the order they first appear.
    let mut areas: Vec<&str> = Vec::new();
    for r in &p.rows {
        for (code, _) in &r.areas {
            if !areas.contains(&code.as_str()) {
                areas.push(code);
            }
        }
    }
    let mut header: Vec<String> = match lang {
        Lang::Vi => ["Hạng", "Mã", "Đơn vị", "Vùng", "Chỉ số (%)"],
        Lang::En => ["Rank", "Code", "Unit", "Region", "Index (%)"],
    }
    .iter()
    .map(|h| h.to_string())
    .collect();
    header.extend(
        areas
            .iter()
            .map(|a| format!("{} {a}", lang.pick("LV", "A"))),
    );
    let mut spec = String::from("rlllr");
    spec.push_str(&"r".repeat(areas.len()));
    writeln!(out, "{}", row(&header))?;
    writeln!(out, "{}", align(&spec))?;
    for (rank, r) in p.ranked() {
        let (name, region) = match units.unit(&r.unit) {
            Some(u) => (
                u.name.clone(),
                units
                    .region(&u.region)
                    .map(|g| match lang {
                        Lang::Vi => g.name.clone(),
                        Lang::En => g.name_en.clone().unwrap_or_else(|| g.name.clone()),
                    })
                    .unwrap_or_default(),
            ),
            None => (String::new(), String::new()),
        };
        let mut cells = vec![
            rank.to_string(),
            cell(&r.unit),
            cell(&name),
            cell(&region),
            r.index.show(lang),
        ];
        for a in &areas {
            cells.push(
                r.areas
                    .iter()
                    .find(|(c, _)| c == a)
                    .map_or_else(|| "—".to_string(), |(_, v)| v.show(lang)),
            );
        }
        writeln!(out, "{}", row(&cells))?;
    }
    let absent: Vec<String> = units
        .units
        .iter()
        .filter(|u| p.row(&u.code).is_none())
        .map(|u| format!("{} ({})", cell(&u.name), cell(&u.code)))
        .collect();
    if !absent.is_empty() {
        let n = absent.len();
        let list = absent.join(", ");
        match lang {
            Lang::Vi => writeln!(out, "\nKhông có số liệu ({n} đơn vị): {list}.")?,
            Lang::En => writeln!(out, "\nNo data ({n} units): {list}.")?,
        }
    }
    if !p.averages.is_empty() {
        writeln!(
            out,
            "\n## {}\n",
            lang.pick("Chỉ số trung bình đã công bố", "Published averages")
        )?;
        writeln!(
            out,
            "{}",
            row(&[
                lang.pick("Vùng", "Region"),
                lang.pick("Chỉ số (%)", "Index (%)")
            ])
        )?;
        writeln!(out, "{}", align("lr"))?;
        // Regions in the unit set's order, then the national average.
        let mut listed: Vec<(String, String)> = Vec::new();
        for g in &units.regions {
            if let Some(a) = p.averages.iter().find(|a| a.region == g.code) {
                let name = match lang {
                    Lang::Vi => g.name.clone(),
                    Lang::En => g.name_en.clone().unwrap_or_else(|| g.name.clone()),
                };
                listed.push((cell(&name), a.index.show(lang)));
            }
        }
        if let Some(n) = p.national() {
            listed.push((
                format!("**{}**", lang.pick("Cả nước", "National")),
                n.show(lang),
            ));
        }
        for (name, v) in listed {
            writeln!(out, "{}", row(&[name, v]))?;
        }
    }
    Ok(())
}
