//! The what-if of the ranking as Markdown (issue 15.7, `report ranking --what-if-weight W`): the
//! index and rank the units in difficult conditions (`difficult = true` in the units file) would
//! have if their proposed index were weighted, beside the official ones. Labelled as a simulation
//! at the top and at the bottom; it is printed, never recorded, and the official reports do not
//! change. The computation is `domain::whatif`.

use std::io::{self, Write};

use super::markdown::{align, cell, row};
use super::ranking_report::{RankingReport, tie_rule};
use domain::UnitSet;
use domain::number;
use domain::whatif::{Weight, simulate};
use l10n::Lang;

/// The label of every what-if, in both the TUI and the CLI.
pub fn banner(lang: Lang) -> &'static str {
    lang.pick(
        "MÔ PHỎNG — không phải kết quả chính thức",
        "SIMULATION — not the official result",
    )
}

/// Write the what-if of `report` (the official ranking) with `weight`.
pub fn write_whatif_markdown(
    out: &mut dyn Write,
    report: &RankingReport,
    units: &UnitSet,
    weight: Weight,
    lang: Lang,
) -> io::Result<()> {
    let r = report;
    let w = weight.show(lang);
    let difficult = |code: &str| units.unit(code).is_some_and(|u| u.difficult);
    let scored: Vec<_> = r.lines.iter().filter(|l| l.scored).collect();
    let input: Vec<(String, i64, bool)> = scored
        .iter()
        .map(|l| (l.unit.clone(), l.percent.proposed, difficult(&l.unit)))
        .collect();
    let mut sims: Vec<_> = scored.iter().zip(simulate(&input, weight)).collect();
    sims.sort_by(|a, b| a.1.rank.cmp(&b.1.rank).then(a.0.unit.cmp(&b.0.unit)));
    let marked = units.units.iter().filter(|u| u.difficult).count();
    let marked_scored = input.iter().filter(|i| i.2).count();

    writeln!(out, "# {}\n", banner(lang))?;
    match lang {
        Lang::Vi => writeln!(
            out,
            "## Xếp hạng năm {} nếu chỉ số của đơn vị khó khăn được nhân ×{w}\n",
            r.year
        )?,
        Lang::En => writeln!(
            out,
            "## The {} ranking if the index of units in difficult conditions were multiplied by {w}\n",
            r.year
        )?,
    }
    if let Some(seal) = &r.seal {
        writeln!(out, "{}.\n", seal.line(lang))?;
    }
    match lang {
        Lang::Vi => writeln!(
            out,
            "Mô phỏng một đề xuất (đơn vị có điều kiện kinh tế khó khăn: miền núi, vùng sâu, vùng xa). \
             Không ghi vào kho dữ liệu và không thay đổi kết quả chính thức (`thamdinh report \
             ranking`). Quy tắc: chỉ số đề xuất của đơn vị có `difficult = true` trong tệp đơn vị × \
             {w}, làm tròn đến 0,01%, tối đa 100%; đơn vị khác giữ nguyên chỉ số. Đơn vị khó khăn: \
             {marked}, trong đó {marked_scored} có số liệu.\n"
        )?,
        Lang::En => writeln!(
            out,
            "A simulation of a proposal (units in difficult economic conditions: mountainous, \
             remote). Nothing is recorded and the official result (`thamdinh report ranking`) does \
             not change. Rule: the proposed index of the units with `difficult = true` in the units \
             file × {w}, rounded to the hundredth, at most 100%; other units keep their index. Units \
             in difficult conditions: {marked}, {marked_scored} of them with data.\n"
        )?,
    }
    if marked == 0 {
        writeln!(
            out,
            "{}\n",
            lang.pick(
                "Tệp đơn vị của năm này không đánh dấu đơn vị nào `difficult = true`: mô phỏng \
                 giống hệt kết quả chính thức. Xem docs/DATA_FORMATS.md để đánh dấu.",
                "This year's units file marks no unit `difficult = true`: the simulation is the \
                 official result. See docs/DATA_FORMATS.md to mark units.",
            )
        )?;
    }
    let header = match lang {
        Lang::Vi => [
            "Hạng mô phỏng",
            "Hạng chính thức",
            "Chênh lệch",
            "Mã",
            "Đơn vị",
            "Khó khăn",
            "Chỉ số chính thức (%)",
            "Chỉ số mô phỏng (%)",
        ],
        Lang::En => [
            "Simulated rank",
            "Official rank",
            "Difference",
            "Code",
            "Unit",
            "Difficult",
            "Official index (%)",
            "Simulated index (%)",
        ],
    };
    writeln!(out, "{}", row(&header))?;
    writeln!(out, "{}", align("rrlllcrr"))?;
    for (line, sim) in &sims {
        let change = sim.change();
        let diff = match change.signum() {
            1 => format!("↑ +{change}"),
            -1 => format!("↓ {change}"),
            _ => "=".into(),
        };
        writeln!(
            out,
            "{}",
            row(&[
                sim.rank.to_string(),
                sim.official_rank.to_string(),
                diff,
                cell(&line.unit),
                cell(&line.name),
                if sim.difficult {
                    "●".into()
                } else {
                    String::new()
                },
                number::hundredths(sim.official, lang),
                number::hundredths(sim.percent, lang),
            ])
        )?;
    }
    let unscored = r.lines.len() - scored.len();
    if unscored > 0 {
        match lang {
            Lang::Vi => writeln!(
                out,
                "\nChưa có số liệu (không xếp hạng): {unscored} đơn vị."
            )?,
            Lang::En => writeln!(out, "\nNo data yet (not ranked): {unscored} units.")?,
        }
    }
    writeln!(out, "\n{}\n", tie_rule(lang))?;
    writeln!(out, "**{}**", banner(lang))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ranking_report::ranking_report;
    use domain::testutil::{fixture_framework, fixture_units};
    use domain::{Item, ItemKey, Points, SelfAssessment};

    fn item(unit: &str, score: &str) -> Item {
        let mut it = Item::new(ItemKey::new(2024, unit, "3.2.1"));
        it.self_assessment = Some(SelfAssessment {
            score: Points::parse(score).unwrap(),
            ..Default::default()
        });
        it
    }

    #[test]
    fn a_difficult_unit_moves_up_and_the_page_says_it_is_a_simulation() {
        let fw = fixture_framework();
        let mut units = fixture_units();
        // 1 point of 10 is 10 %: 01 90 %, 44 87 %, 45 80 %; 45 is difficult: ×1,10 = 88 %.
        let i = units.position("45").unwrap();
        units.units[i].difficult = true;
        let items = [item("01", "9"), item("44", "8.7"), item("45", "8")];
        let report = ranking_report(&fw, &units, 2024, &items, 0);
        let mut out = Vec::new();
        let w = Weight::parse("1,1").unwrap();
        write_whatif_markdown(&mut out, &report, &units, w, Lang::Vi).unwrap();
        let md = String::from_utf8(out).unwrap();
        assert!(
            md.starts_with("# MÔ PHỎNG — không phải kết quả chính thức\n"),
            "{md}"
        );
        assert!(
            md.trim_end()
                .ends_with("**MÔ PHỎNG — không phải kết quả chính thức**")
        );
        assert!(md.contains("nhân ×1,10"), "{md}");
        let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| ")).collect();
        assert_eq!(
            rows[1], "| 1 | 1 | = | 01 | Hà Nội |  | 90,00 | 90,00 |",
            "{md}"
        );
        assert_eq!(
            rows[2], "| 2 | 3 | ↑ +1 | 45 | Quảng Trị | ● | 80,00 | 88,00 |",
            "{md}"
        );
        assert_eq!(
            rows[3], "| 3 | 2 | ↓ -1 | 44 | Quảng Bình |  | 87,00 | 87,00 |",
            "{md}"
        );
        assert!(
            md.contains("Chưa có số liệu (không xếp hạng): 1 đơn vị."),
            "{md}"
        );
    }
}
