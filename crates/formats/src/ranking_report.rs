//! The national ranking as a report (SPEC D7, W10, I4): one line per unit ranked by proposed and
//! by self index, the rank change, the group, then the regional and national averages and the
//! tie rule — as Markdown for people and CSV for programs. Built on `domain::aggregate`.

use domain::official::Official;
use std::collections::{HashMap, HashSet};
use std::io::{self, Write};

pub use super::csv_cell::CsvCells;
use super::markdown::{align, cell, row};
use domain::aggregate::{Both, RankRow, competition_ranks, national, regional_averages};
use domain::framework::Group;
use domain::lineage::{self, LastYear};
use domain::number::{self, machine_hundredths};
use domain::{Framework, Item, Points, Published, Seal, UnitSet};
use l10n::Lang;

/// One unit in the ranking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RankingLine {
    pub unit: String,
    pub name: String,
    /// Region code.
    pub region: String,
    /// The unit has a self-assessment or survey score. Units without any are listed last, with
    /// no rank, and left out of the averages.
    pub scored: bool,
    pub total: Both<Points>,
    /// Index in hundredths of a percent of the framework total.
    pub percent: Both<i64>,
    /// Competition ranks ("1, 2, 2, 4") by self and by proposed index.
    pub rank: Both<u32>,
    pub group: Both<Option<String>>,
    /// Each area's proposed points and its rank among the scored units (competition ranking),
    /// in the framework's order: the component indices the ministry publishes.
    pub areas: Vec<(Points, u32)>,
}

impl RankingLine {
    /// Places gained from the self ranking to the proposed one: positive = moved up.
    pub fn rank_change(&self) -> i64 {
        i64::from(self.rank.self_) - i64::from(self.rank.proposed)
    }
}

/// The mean index of a region's scored units (or of the whole country).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegionAverage {
    /// Region code; empty for the national average.
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    /// Scored units averaged.
    pub units: usize,
    /// Hundredths of a percent, rounded half up.
    pub percent: Both<i64>,
}

impl RegionAverage {
    pub fn display_name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.name,
            Lang::En => self.name_en.as_deref().unwrap_or(&self.name),
        }
    }
}

/// The whole ranking of a year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RankingReport {
    pub year: u16,
    pub framework_total: Points,
    /// Ranking bands, best first.
    pub groups: Vec<Group>,
    /// Scored units by proposed rank (ties by unit code), then unscored units by code.
    pub lines: Vec<RankingLine>,
    /// One per region of the unit set, in its order.
    pub regions: Vec<RegionAverage>,
    pub national: RegionAverage,
    /// Appraised leaves reviewed, out of `leaves`, across units.
    pub reviewed: usize,
    pub leaves: usize,
    pub open_disputes: usize,
    /// Units finalized, out of all units.
    pub finalized: usize,
    /// The store's seal when the report was made (printed so minutes can record it).
    pub seal: Option<Seal>,
    /// The areas (code, name), in the framework's order, as `RankingLine::areas`.
    pub areas: Vec<(String, String)>,
    /// Last year's index and rank of each unit, through its predecessors, when the year was
    /// opened from another that the store has (see [`RankingReport::compare_with`]).
    pub previous: Option<Previous>,
    /// The year's official result (approved, published, reopened), when there is one: an
    /// approved year's report says so (SPEC I9).
    pub official: Option<Official>,
}

/// Last year, for the comparison columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Previous {
    pub year: u16,
    /// By this year's unit code.
    pub units: HashMap<String, LastYear>,
    /// When last year is known by its published results (`import results`): where they came
    /// from. `None`: last year was appraised in the store.
    pub published: Option<PublishedBase>,
}

/// Last year's published results, as the base of a comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedBase {
    /// The file the results were imported from.
    pub file: String,
    /// What a published rank is out of (the units of last year's set), when the ranks are the
    /// published ones (the same unit set); `None` across a reorganisation.
    pub out_of: Option<usize>,
}

impl Previous {
    /// Last year's index and rank of each unit of `this_units`, from last year's ranking
    /// (proposed indices of the units with data) through the predecessors (`domain::lineage`).
    pub fn from_ranking(
        prev: &RankingReport,
        this_units: &UnitSet,
        prev_units: &UnitSet,
    ) -> Previous {
        let percent: HashMap<String, i64> = prev
            .lines
            .iter()
            .filter(|l| l.scored)
            .map(|l| (l.unit.clone(), l.percent.proposed))
            .collect();
        Previous {
            year: prev.year,
            units: lineage::last_year(this_units, prev_units, &percent),
            published: None,
        }
    }

    /// Last year's index and rank of each unit of `this_units` from the published results (SPEC I8) of
    /// `year` (assessed on `prev_units`), through the predecessors. Within one unit set each
    /// unit's rank is its published rank (out of the whole set, even when the file lists only
    /// some provinces); across a reorganisation every rank is the combined index's rank among
    /// this year's units, as for an appraised year (`domain::lineage`). A unit absent from the
    /// results has no figure, never 0.
    pub fn from_published(
        year: u16,
        published: &Published,
        this_units: &UnitSet,
        prev_units: &UnitSet,
    ) -> Previous {
        let mut units = lineage::last_year(this_units, prev_units, &published.percent_by_unit());
        let same_set = this_units.meta.id == prev_units.meta.id;
        if same_set {
            let ranks = published.ranks();
            for ly in units.values_mut() {
                if let [(code, _, Some(_))] = ly.sources.as_slice() {
                    ly.rank = ranks.get(code).copied();
                }
            }
        }
        Previous {
            year,
            units,
            published: Some(PublishedBase {
                file: published.source_file.clone(),
                out_of: same_set.then_some(prev_units.units.len()),
            }),
        }
    }

    /// What last year's ranks are out of: the units ranked (of this year's units, those with a
    /// last-year rank), or, for published results, the units of last year's set.
    pub fn ranked(&self) -> usize {
        match self.published.as_ref().and_then(|b| b.out_of) {
            Some(n) => n,
            None => self.units.values().filter(|l| l.rank.is_some()).count(),
        }
    }
}

impl RankingReport {
    pub fn scored(&self) -> usize {
        self.lines.iter().filter(|l| l.scored).count()
    }

    pub fn region(&self, code: &str) -> Option<&RegionAverage> {
        self.regions.iter().find(|r| r.code == code)
    }

    /// Scored units per group by proposed index, best group first, then those under every
    /// group: ("A", 7), ("B", 56), ("C", 0), ("", 0).
    pub fn group_counts(&self) -> Vec<(String, usize)> {
        let scored = || self.lines.iter().filter(|l| l.scored);
        let mut out: Vec<(String, usize)> = self
            .groups
            .iter()
            .map(|g| {
                let n = scored()
                    .filter(|l| l.group.proposed.as_deref() == Some(g.name.as_str()))
                    .count();
                (g.name.clone(), n)
            })
            .collect();
        out.push((
            String::new(),
            scored().filter(|l| l.group.proposed.is_none()).count(),
        ));
        out
    }

    /// Compare with last year: `prev` is last year's ranking, `this_units` and `prev_units`
    /// the two years' units (a unit is compared with its predecessors, `domain::lineage`).
    pub fn compare_with(
        &mut self,
        prev: &RankingReport,
        this_units: &UnitSet,
        prev_units: &UnitSet,
    ) {
        let percent: HashMap<String, i64> = prev
            .lines
            .iter()
            .filter(|l| l.scored)
            .map(|l| (l.unit.clone(), l.percent.proposed))
            .collect();
        self.previous = Some(Previous {
            year: prev.year,
            units: lineage::last_year(this_units, prev_units, &percent),
            published: None,
        });
    }

    /// Compare with last year known by its published results (see [`Previous::from_published`]).
    pub fn compare_with_published(
        &mut self,
        year: u16,
        published: &Published,
        this_units: &UnitSet,
        prev_units: &UnitSet,
    ) {
        self.previous = Some(Previous::from_published(
            year, published, this_units, prev_units,
        ));
    }

    /// Last year's line of a unit, when there is a comparison.
    pub fn last_year(&self, unit: &str) -> Option<&LastYear> {
        self.previous.as_ref()?.units.get(unit)
    }
}

/// Build the ranking of `year` from its items (items of other years are ignored).
/// `finalized` is the number of finalized units (from the unit states).
pub fn ranking_report(
    fw: &Framework,
    units: &UnitSet,
    year: u16,
    items: &[Item],
    finalized: usize,
) -> RankingReport {
    let items: Vec<Item> = items
        .iter()
        .filter(|i| i.key.year == year)
        .cloned()
        .collect();
    let scored: HashSet<&str> = items
        .iter()
        .filter(|i| i.self_score().is_some())
        .map(|i| i.key.unit.as_str())
        .collect();
    let nat = national(fw, units, &items);
    let mut lines: Vec<RankingLine> = nat
        .rows
        .iter()
        .map(|r| RankingLine {
            unit: r.unit.clone(),
            name: r.name.clone(),
            region: r.region.clone(),
            scored: scored.contains(r.unit.as_str()),
            total: r.total,
            percent: r.percent,
            rank: r.rank,
            group: r.group.clone(),
            areas: fw
                .areas()
                .filter_map(|a| r.scores.node(fw, &a.code))
                .map(|b| (b.proposed, 0))
                .collect(),
        })
        .collect();
    // Each area ranked among the scored units.
    for k in 0..fw.areas().count() {
        let idx: Vec<usize> = (0..lines.len())
            .filter(|&i| scored.contains(lines[i].unit.as_str()))
            .collect();
        let values: Vec<i64> = idx
            .iter()
            .map(|&i| lines[i].areas.get(k).map_or(0, |a| a.0.hundredths()))
            .collect();
        for (j, rank) in competition_ranks(&values).into_iter().enumerate() {
            if let Some(a) = lines[idx[j]].areas.get_mut(k) {
                a.1 = rank;
            }
        }
    }
    // `national` sorts by proposed rank, ties by code; unscored units go last (stable).
    lines.sort_by_key(|l| !l.scored);
    let rank_rows: Vec<RankRow> = lines
        .iter()
        .filter(|l| l.scored)
        .map(|l| RankRow {
            unit: l.unit.clone(),
            total: l.total,
            percent: l.percent,
            rank: l.rank,
            group: l.group.clone(),
        })
        .collect();
    let averages = regional_averages(units, &rank_rows);
    let count = |region: Option<&str>| {
        lines
            .iter()
            .filter(|l| l.scored && region.is_none_or(|r| r == l.region))
            .count()
    };
    let mut regions = Vec::new();
    let mut national_avg = RegionAverage {
        code: String::new(),
        name: "Cả nước".into(),
        name_en: Some("National".into()),
        units: count(None),
        percent: Both::default(),
    };
    for (code, percent) in averages {
        if code.is_empty() {
            national_avg.percent = percent;
            continue;
        }
        let r = units.region(&code);
        regions.push(RegionAverage {
            units: count(Some(&code)),
            name: r.map(|r| r.name.clone()).unwrap_or_else(|| code.clone()),
            name_en: r.and_then(|r| r.name_en.clone()),
            code,
            percent,
        });
    }
    RankingReport {
        year,
        framework_total: fw.total,
        groups: fw.groups.clone(),
        lines,
        regions,
        national: national_avg,
        reviewed: nat.reviewed,
        leaves: nat.leaves,
        open_disputes: nat.disputes,
        finalized,
        seal: None,
        areas: fw
            .areas()
            .map(|a| (a.code.clone(), a.name.clone()))
            .collect(),
        previous: None,
        official: None,
    }
}

/// The tie rule, printed under every ranking.
pub fn tie_rule(lang: Lang) -> &'static str {
    lang.pick(
        "Đồng hạng: các đơn vị có chỉ số bằng nhau (tính đến 0,01%) cùng một hạng, hạng kế tiếp \
         bỏ qua số vị trí đã dùng (1, 2, 2, 4); trong cùng hạng, đơn vị xếp theo mã.",
        "Ties: units with the same index (to the hundredth of a percent) share a rank and the \
         next rank skips the places they take (1, 2, 2, 4); within a tie, units are listed by \
         code.",
    )
}

/// A rank change that reads without colour: "↑ +2", "↓ -3", "=".
pub fn rank_change_text(change: i64) -> String {
    match change.signum() {
        1 => format!("↑ +{change}"),
        -1 => format!("↓ {change}"),
        _ => "=".into(),
    }
}

/// The group by proposed index, with the self group first when they differ: "B", "A → B".
pub fn group_text(group: &Both<Option<String>>) -> String {
    let g = |g: &Option<String>| g.clone().unwrap_or_else(|| "—".into());
    if group.self_ == group.proposed {
        g(&group.proposed)
    } else {
        format!("{} → {}", g(&group.self_), g(&group.proposed))
    }
}

/// "A ≥ 90,00%, B ≥ 80,00%, C ≥ 70,00%" (a decimal point in English).
pub fn groups_text(groups: &[Group], lang: Lang) -> String {
    groups
        .iter()
        .map(|g| format!("{} ≥ {}", g.name, number::percent(g.min_percent, lang)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The ranking as Markdown: a heading, what the numbers mean and how far the appraisal is, the
/// table, the tie rule, then the regional and national averages.
pub fn write_ranking_markdown(
    out: &mut dyn Write,
    report: &RankingReport,
    lang: Lang,
) -> io::Result<()> {
    let r = report;
    let n = r.lines.len();
    let official = r.official.as_ref().and_then(|o| o.title(lang));
    writeln!(
        out,
        "# {}{} {}\n",
        official.map(|t| format!("{t}: ")).unwrap_or_default(),
        lang.pick(
            "Xếp hạng Chỉ số cải cách hành chính (PAR INDEX) năm",
            "PAR INDEX ranking,"
        ),
        r.year
    )?;
    if let Some(o) = &r.official {
        for line in o.lines(lang) {
            writeln!(out, "> {}", cell(&line))?;
        }
        writeln!(out)?;
    }
    if let Some(seal) = &r.seal {
        writeln!(out, "{}.\n", seal.line(lang))?;
    }
    let basis = match (official.is_some(), lang) {
        (true, Lang::Vi) => "Xếp hạng theo điểm đã được Hội đồng thẩm định thông qua",
        (false, Lang::Vi) => "Xếp hạng theo điểm đề xuất của đoàn thẩm định",
        (true, Lang::En) => "Ranked by the scores the appraisal council approved",
        (false, Lang::En) => "Ranked by the appraisers' proposed scores",
    };
    match lang {
        Lang::Vi => writeln!(
            out,
            "{basis}, so với xếp hạng theo điểm tự chấm của đơn vị. Chỉ số = tổng điểm / {} điểm \
             tối đa. Nhóm: {}.\n",
            r.framework_total.show(lang),
            cell(&groups_text(&r.groups, lang))
        )?,
        Lang::En => writeln!(
            out,
            "{basis}, against the ranking by the units' self scores. Index = total / {} points. \
             Groups: {}.\n",
            r.framework_total.show(lang),
            cell(&groups_text(&r.groups, lang))
        )?,
    }
    match lang {
        Lang::Vi => writeln!(
            out,
            "Tiến độ: đã thẩm định {}/{} tiêu chí · {} giải trình đang mở · {}/{n} đơn vị đã chốt.{}\n",
            r.reviewed,
            r.leaves,
            r.open_disputes,
            r.finalized,
            if r.finalized < n {
                " Kết quả đề xuất còn có thể thay đổi."
            } else {
                ""
            }
        )?,
        Lang::En => writeln!(
            out,
            "Progress: {}/{} items appraised · {} open disputes · {}/{n} units finalized.{}\n",
            r.reviewed,
            r.leaves,
            r.open_disputes,
            r.finalized,
            if r.finalized < n {
                " Proposed results may still change."
            } else {
                ""
            }
        )?,
    }
    let prev_year = r.previous.as_ref().map(|p| p.year);
    let mut header: Vec<String> = match lang {
        Lang::Vi => [
            "Hạng (đề xuất)",
            "Hạng (tự chấm)",
            "Thay đổi",
            "Mã",
            "Đơn vị",
            "Vùng",
            "Tự chấm",
            "Đề xuất",
            "Chỉ số (%)",
            "Nhóm",
        ],
        Lang::En => [
            "Rank (proposed)",
            "Rank (self)",
            "Change",
            "Code",
            "Unit",
            "Region",
            "Self",
            "Proposed",
            "Index (%)",
            "Group",
        ],
    }
    .iter()
    .map(|h| h.to_string())
    .collect();
    let mut spec = String::from("rrclllrrrc");
    if let Some(py) = prev_year {
        header.extend(match lang {
            Lang::Vi => [
                format!("Năm {py} (%)"),
                format!("Hạng {py}"),
                format!("So với {py}"),
            ],
            Lang::En => [
                format!("{py} (%)"),
                format!("Rank {py}"),
                format!("Since {py}"),
            ],
        });
        spec.push_str("rrc");
    }
    writeln!(out, "{}", row(&header))?;
    writeln!(out, "{}", align(&spec))?;
    for l in &r.lines {
        let region = r
            .region(&l.region)
            .map(|a| a.display_name(lang).to_string())
            .unwrap_or_else(|| l.region.clone());
        let mut cells: Vec<String> = if l.scored {
            vec![
                l.rank.proposed.to_string(),
                l.rank.self_.to_string(),
                rank_change_text(l.rank_change()),
                cell(&l.unit),
                cell(&l.name),
                cell(&region),
                l.total.self_.show(lang),
                l.total.proposed.show(lang),
                number::hundredths(l.percent.proposed, lang),
                cell(&group_text(&l.group)),
            ]
        } else {
            let dash = || "—".to_string();
            vec![
                dash(),
                dash(),
                String::new(),
                cell(&l.unit),
                cell(&l.name),
                cell(&region),
                dash(),
                dash(),
                dash(),
                dash(),
            ]
        };
        if prev_year.is_some() {
            cells.extend(last_year_cells(r.last_year(&l.unit), l, lang));
        }
        writeln!(out, "{}", row(&cells))?;
    }
    writeln!(out, "\n{}\n", tie_rule(lang))?;
    writeln!(out, "{}\n", group_counts_text(r, lang))?;
    if let Some(p) = &r.previous {
        write_previous_notes(out, r, p, lang)?;
    }
    let unscored = n - r.scored();
    if unscored > 0 {
        match lang {
            Lang::Vi => writeln!(
                out,
                "{unscored} đơn vị chưa có số liệu (—): chưa xếp hạng, không tính vào điểm trung bình.\n"
            )?,
            Lang::En => writeln!(
                out,
                "{unscored} units have no data yet (—): not ranked, not in the averages.\n"
            )?,
        }
    }
    writeln!(
        out,
        "## {}\n",
        lang.pick(
            "Chỉ số trung bình theo vùng và cả nước",
            "Regional and national averages"
        )
    )?;
    let header = match lang {
        Lang::Vi => [
            "Vùng",
            "Số đơn vị",
            "Tự chấm (%)",
            "Đề xuất (%)",
            "Chênh lệch",
        ],
        Lang::En => ["Region", "Units", "Self (%)", "Proposed (%)", "Difference"],
    };
    writeln!(out, "{}", row(&header))?;
    writeln!(out, "{}", align("lrrrr"))?;
    for a in r.regions.iter().chain(std::iter::once(&r.national)) {
        let name = cell(a.display_name(lang));
        let name = if a.code.is_empty() {
            format!("**{name}**")
        } else {
            name
        };
        let cells = if a.units == 0 {
            vec![name, "0".into(), "—".into(), "—".into(), String::new()]
        } else {
            vec![
                name,
                a.units.to_string(),
                number::hundredths(a.percent.self_, lang),
                number::hundredths(a.percent.proposed, lang),
                number::signed_hundredths(a.percent.proposed - a.percent.self_, lang),
            ]
        };
        writeln!(out, "{}", row(&cells))?;
    }
    writeln!(
        out,
        "\n{}",
        lang.pick(
            "Trung bình cộng chỉ số của các đơn vị có số liệu, làm tròn đến 0,01%.",
            "Mean index of the units with data, rounded to the hundredth of a percent."
        )
    )?;
    write_area_ranks(out, r, lang)?;
    Ok(())
}

/// Last year's index, rank and the change, for a unit's row ("—" when unknown; "*" marks a
/// combined reference, explained under the table).
fn last_year_cells(ly: Option<&LastYear>, l: &RankingLine, lang: Lang) -> [String; 3] {
    let dash = || "—".to_string();
    let Some(ly) = ly else {
        return [dash(), dash(), String::new()];
    };
    let percent = match ly.percent {
        Some(p) if ly.is_combined() => format!("{}*", number::hundredths(p, lang)),
        Some(p) => number::hundredths(p, lang),
        None => dash(),
    };
    let rank = ly.rank.map_or_else(dash, |r| r.to_string());
    let change = if l.scored {
        ly.change(l.rank.proposed)
            .map(|c| places_text(c, lang))
            .unwrap_or_default()
    } else {
        String::new()
    };
    [percent, rank, change]
}

pub use domain::lineage::places_text;

/// "Số đơn vị theo nhóm (điểm đề xuất): A 7 · B 56 · C 0 · dưới 70,00%: 0".
pub fn group_counts_text(r: &RankingReport, lang: Lang) -> String {
    let floor = r.groups.last().map(|g| g.min_percent).unwrap_or_default();
    let parts: Vec<String> = r
        .group_counts()
        .into_iter()
        .map(|(g, n)| {
            if g.is_empty() {
                match lang {
                    Lang::Vi => format!("dưới {}: {n}", number::percent(floor, lang)),
                    Lang::En => format!("under {}: {n}", number::percent(floor, lang)),
                }
            } else {
                format!("{g} {n}")
            }
        })
        .collect();
    format!(
        "{}: {}",
        match (r.official.as_ref().is_some_and(|o| o.frozen()), lang) {
            (true, Lang::Vi) => "Số đơn vị theo nhóm (kết quả chính thức)",
            (true, Lang::En) => "Units per group (official results)",
            (false, Lang::Vi) => "Số đơn vị theo nhóm (điểm đề xuất)",
            (false, Lang::En) => "Units per group (proposed scores)",
        },
        parts.join(" · ")
    )
}

/// How last year's figures were found: the rule, the combined references and what is missing.
fn write_previous_notes(
    out: &mut dyn Write,
    r: &RankingReport,
    p: &Previous,
    lang: Lang,
) -> io::Result<()> {
    let py = p.year;
    if let Some(b) = &p.published
        && let Some(out_of) = b.out_of
    {
        match lang {
            Lang::Vi => writeln!(
                out,
                "So với năm {py}: kết quả năm {py} là kết quả đã công bố (nhập từ tệp {}); hạng năm \
                 {py} là hạng đã công bố (trên {} đơn vị). Đơn vị hợp nhất dùng tham chiếu gộp (*) = \
                 trung bình chỉ số các đơn vị tiền thân có số liệu, làm tròn đến 0,01%.\n",
                cell(&b.file),
                out_of
            )?,
            Lang::En => writeln!(
                out,
                "Since {py}: the {py} figures are the published results (imported from {}); the \
                 {py} rank is the published rank (of {} units). A merged unit uses the combined \
                 reference (*) = the mean index of its predecessors with data, rounded to the \
                 hundredth.\n",
                cell(&b.file),
                out_of
            )?,
        }
    } else {
        match lang {
            Lang::Vi => writeln!(
                out,
                "So với năm {py}: chỉ số năm {py} của mỗi đơn vị là của đơn vị tiền thân; đơn vị hợp nhất \
             dùng tham chiếu gộp (*) = trung bình chỉ số các đơn vị tiền thân có số liệu, làm tròn \
             đến 0,01%. Hạng năm {py} là thứ hạng của chỉ số đó giữa các đơn vị năm {}.\n",
                r.year
            )?,
            Lang::En => writeln!(
                out,
                "Since {py}: each unit's {py} index is its predecessor's; a merged unit uses the \
             combined reference (*) = the mean index of its predecessors with data, rounded to the \
             hundredth. The {py} rank is that index's rank among the units of {}.\n",
                r.year
            )?,
        }
        // Across a reorganisation the published figures are combined like appraised ones.
        if let Some(b) = &p.published {
            match lang {
                Lang::Vi => writeln!(
                    out,
                    "Số liệu năm {py} là kết quả đã công bố (nhập từ tệp {}).\n",
                    cell(&b.file)
                )?,
                Lang::En => writeln!(
                    out,
                    "The {py} figures are the published results (imported from {}).\n",
                    cell(&b.file)
                )?,
            }
        }
    }
    let mut none = Vec::new();
    for l in &r.lines {
        let Some(ly) = p.units.get(&l.unit) else {
            continue;
        };
        if ly.percent.is_none() {
            none.push(format!("{} ({})", cell(&l.name), cell(&l.unit)));
            continue;
        }
        if ly.sources.len() < 2 {
            continue;
        }
        let (with, without): (Vec<_>, Vec<_>) = ly.sources.iter().partition(|s| s.2.is_some());
        let with: Vec<String> = with
            .iter()
            .map(|(code, name, v)| {
                let v = v.map(|v| number::hundredths(v, lang)).unwrap_or_default();
                format!("{} ({code}) {v}%", cell(name))
            })
            .collect();
        let mut line = format!(
            "- {} ({}): {} {}",
            cell(&l.name),
            cell(&l.unit),
            lang.pick("tham chiếu gộp của", "combined reference of"),
            with.join(lang.pick(" và ", " and "))
        );
        if !without.is_empty() {
            let names: Vec<String> = without
                .iter()
                .map(|(code, name, _)| format!("{} ({code})", cell(name)))
                .collect();
            line.push_str(&format!(
                "; {}: {}",
                lang.pick("không có số liệu", "no data"),
                names.join(", ")
            ));
        }
        writeln!(out, "{line}")?;
    }
    if !none.is_empty() {
        let list = none.join(", ");
        let n = none.len();
        match lang {
            Lang::Vi => writeln!(out, "- Không có số liệu năm {py} ({n} đơn vị): {list}")?,
            Lang::En => writeln!(out, "- No data for {py} ({n} units): {list}")?,
        }
    }
    writeln!(out)
}

/// Each area's points and national rank per unit (the component indices), then the areas' names.
fn write_area_ranks(out: &mut dyn Write, r: &RankingReport, lang: Lang) -> io::Result<()> {
    if r.areas.is_empty() || r.scored() == 0 {
        return Ok(());
    }
    writeln!(
        out,
        "\n## {}\n",
        lang.pick(
            "Chỉ số thành phần theo lĩnh vực: điểm đề xuất (hạng)",
            "Component indices by area: proposed points (rank)"
        )
    )?;
    let mut header = vec![
        lang.pick("Hạng", "Rank").to_string(),
        lang.pick("Mã", "Code").to_string(),
        lang.pick("Đơn vị", "Unit").to_string(),
    ];
    header.extend(
        r.areas
            .iter()
            .map(|(code, _)| format!("{} {code}", lang.pick("LV", "A"))),
    );
    writeln!(out, "{}", row(&header))?;
    writeln!(
        out,
        "{}",
        align(&format!("rll{}", "r".repeat(r.areas.len())))
    )?;
    for l in r.lines.iter().filter(|l| l.scored) {
        let mut cells = vec![l.rank.proposed.to_string(), cell(&l.unit), cell(&l.name)];
        cells.extend(
            l.areas
                .iter()
                .map(|(pts, rank)| format!("{} ({rank})", pts.show(lang))),
        );
        writeln!(out, "{}", row(&cells))?;
    }
    writeln!(out)?;
    for (code, name) in &r.areas {
        writeln!(out, "- {} {code}: {}", lang.pick("LV", "A"), cell(name))?;
    }
    Ok(())
}

/// Columns of the ranking CSV (documented in docs/DATA_FORMATS.md).
pub const RANKING_CSV_HEADER: [&str; 20] = [
    "kind",
    "year",
    "rank_proposed",
    "rank_self",
    "rank_change",
    "unit",
    "unit_name",
    "region",
    "region_name",
    "units",
    "total_self",
    "total_proposed",
    "percent_self",
    "percent_proposed",
    "group_self",
    "group_proposed",
    "area",
    "percent_last_year",
    "rank_last_year",
    "rank_change_last_year",
];

/// The ranking as CSV: one `unit` row per unit in ranking order, then one `region` row per
/// region and a `national` row with the averages. Numbers use '.', two decimals; an unknown
/// value is an empty field.
///
/// With [`CsvCells::Safe`] the text columns — `unit`, `unit_name`, `region`, `region_name`,
/// `group_self`, `group_proposed` (names and codes from the units and framework files) — are
/// neutralised for spreadsheets (see `csv_cell`); numbers (`rank_change` may be negative) and
/// `kind` are written as they are. [`CsvCells::Raw`] writes every cell as it is.
pub fn write_ranking_csv(
    out: &mut dyn Write,
    report: &RankingReport,
    cells: CsvCells,
) -> io::Result<()> {
    let mut w = cells.writer(out);
    w.write_record(RANKING_CSV_HEADER)?;
    let t = |s: &str| cells.text(s).into_owned();
    let year = report.year.to_string();
    for l in &report.lines {
        let region = report
            .region(&l.region)
            .map(|a| a.name.clone())
            .unwrap_or_default();
        let known = |s: String| if l.scored { s } else { String::new() };
        let ly = report.last_year(&l.unit);
        w.write_record([
            "unit".to_string(),
            year.clone(),
            known(l.rank.proposed.to_string()),
            known(l.rank.self_.to_string()),
            known(l.rank_change().to_string()),
            t(&l.unit),
            t(&l.name),
            t(&l.region),
            t(&region),
            String::new(),
            known(l.total.self_.machine()),
            known(l.total.proposed.machine()),
            known(machine_hundredths(l.percent.self_)),
            known(machine_hundredths(l.percent.proposed)),
            known(t(l.group.self_.as_deref().unwrap_or_default())),
            known(t(l.group.proposed.as_deref().unwrap_or_default())),
            String::new(),
            ly.and_then(|y| y.percent)
                .map(machine_hundredths)
                .unwrap_or_default(),
            ly.and_then(|y| y.rank)
                .map(|r| r.to_string())
                .unwrap_or_default(),
            ly.filter(|_| l.scored)
                .and_then(|y| y.change(l.rank.proposed))
                .map(|c| c.to_string())
                .unwrap_or_default(),
        ])?;
    }
    for a in report
        .regions
        .iter()
        .chain(std::iter::once(&report.national))
    {
        let known = |h: i64| {
            if a.units > 0 {
                machine_hundredths(h)
            } else {
                String::new()
            }
        };
        let kind = if a.code.is_empty() {
            "national"
        } else {
            "region"
        };
        w.write_record([
            kind.to_string(),
            year.clone(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            t(&a.code),
            if a.code.is_empty() {
                String::new()
            } else {
                t(&a.name)
            },
            a.units.to_string(),
            String::new(),
            String::new(),
            known(a.percent.self_),
            known(a.percent.proposed),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ])?;
    }
    // The component indices: one row per scored unit and area.
    for l in report.lines.iter().filter(|l| l.scored) {
        for ((code, _), (pts, rank)) in report.areas.iter().zip(&l.areas) {
            w.write_record([
                "area".to_string(),
                year.clone(),
                rank.to_string(),
                String::new(),
                String::new(),
                t(&l.unit),
                t(&l.name),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                pts.machine(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                t(code),
                String::new(),
                String::new(),
                String::new(),
            ])?;
        }
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::testutil::{fixture_framework, fixture_units};
    use domain::{ItemKey, SelfAssessment, Status};

    fn p(s: &str) -> Points {
        Points::parse(s).unwrap()
    }

    /// Items giving a unit `self` on leaf 1.1.1 (max 1) … spread so totals are easy: every
    /// appraised leaf self-scored, survey 8.1.1/8.1.2 from `survey`, and one adjustment on
    /// 3.2.1 to `proposed_321`.
    fn unit_items(
        unit: &str,
        selfs: [&str; 5],
        survey: [&str; 2],
        proposed_321: Option<&str>,
    ) -> Vec<Item> {
        let leaves = ["1.1.1", "1.1.2", "1.2", "3.2.1", "3.2.2"];
        let mut v: Vec<Item> = leaves
            .iter()
            .zip(selfs)
            .map(|(leaf, s)| {
                let mut it = Item::new(ItemKey::new(2024, unit, *leaf));
                it.self_assessment = Some(SelfAssessment {
                    score: p(s),
                    ..Default::default()
                });
                if *leaf == "3.2.1"
                    && let Some(pr) = proposed_321
                {
                    it.appraisal.proposed = Some(p(pr));
                    it.appraisal.status = Status::Adjusted;
                }
                it
            })
            .collect();
        for (leaf, s) in ["8.1.1", "8.1.2"].iter().zip(survey) {
            let mut it = Item::new(ItemKey::new(2024, unit, *leaf));
            it.survey = Some(p(s));
            v.push(it);
        }
        v
    }

    /// Framework total 10: unit 01 self 9.00 (90%), proposed 8.50 (85%); 44 self 8.75,
    /// proposed 8.75; 45 self 8.50, proposed 8.75 (adjusted up); 46 has no data.
    fn items() -> Vec<Item> {
        let mut v = unit_items("01", ["1", "1", "1", "1.5", "1.5"], ["2", "1"], Some("1"));
        v.extend(unit_items(
            "44",
            ["1", "1", "0.75", "1.5", "1.5"],
            ["2", "1"],
            None,
        ));
        v.extend(unit_items(
            "45",
            ["1", "1", "0.5", "1", "1.5"],
            ["2", "1.5"],
            Some("1.25"),
        ));
        // Another year: ignored.
        v.extend(
            unit_items("46", ["1", "1", "1", "1.5", "1.5"], ["2", "2"], None)
                .into_iter()
                .map(|mut i| {
                    i.key.year = 2023;
                    i
                }),
        );
        v
    }

    fn report() -> RankingReport {
        ranking_report(&fixture_framework(), &fixture_units(), 2024, &items(), 1)
    }

    #[test]
    fn ranks_with_ties_and_changes() {
        let r = report();
        let got: Vec<(&str, u32, u32, i64, bool)> = r
            .lines
            .iter()
            .map(|l| {
                (
                    l.unit.as_str(),
                    l.rank.proposed,
                    l.rank.self_,
                    l.rank_change(),
                    l.scored,
                )
            })
            .collect();
        // Proposed: 44 and 45 tie at 87.50% → both 1, listed by code; 01 at 85.00% → 3.
        // Self: 01 90.00% → 1, 44 87.50% → 2, 45 85.00% → 3.
        assert_eq!(
            got,
            vec![
                ("44", 1, 2, 1, true),
                ("45", 1, 3, 2, true),
                ("01", 3, 1, -2, true),
                ("46", 4, 4, 0, false),
            ]
        );
        let l01 = &r.lines[2];
        assert_eq!(
            l01.total,
            Both {
                self_: p("9"),
                proposed: p("8.5")
            }
        );
        assert_eq!(
            l01.percent,
            Both {
                self_: 9000,
                proposed: 8500
            }
        );
        assert_eq!(
            l01.group,
            Both {
                self_: Some("A".to_string()),
                proposed: Some("B".to_string())
            }
        );
        assert_eq!(group_text(&l01.group), "A → B");
        assert_eq!(group_text(&r.lines[0].group), "B");
        assert_eq!(r.scored(), 3);
    }

    #[test]
    fn regional_and_national_averages_by_hand() {
        let r = report();
        // DBSH: only 01 → 90.00 / 85.00.
        assert_eq!(r.regions[0].code, "DBSH");
        assert_eq!(r.regions[0].units, 1);
        assert_eq!(
            r.regions[0].percent,
            Both {
                self_: 9000,
                proposed: 8500
            }
        );
        // BTB: 44 and 45 (46 has no data this year): self (8750 + 8500) / 2 = 8625,
        // proposed (8750 + 8750) / 2 = 8750.
        assert_eq!(r.regions[1].units, 2);
        assert_eq!(
            r.regions[1].percent,
            Both {
                self_: 8625,
                proposed: 8750
            }
        );
        // National: self (9000 + 8750 + 8500) / 3 = 8750; proposed (8500 + 8750 + 8750) / 3
        // = 8666.67 → 8667.
        assert_eq!(r.national.units, 3);
        assert_eq!(
            r.national.percent,
            Both {
                self_: 8750,
                proposed: 8667
            }
        );
    }

    #[test]
    fn change_reads_without_colour() {
        assert_eq!(rank_change_text(2), "↑ +2");
        assert_eq!(rank_change_text(-3), "↓ -3");
        assert_eq!(rank_change_text(0), "=");
    }

    #[test]
    fn markdown_table_averages_and_tie_rule() {
        let mut out = Vec::new();
        write_ranking_markdown(&mut out, &report(), Lang::Vi).unwrap();
        let md = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = md.lines().collect();
        assert_eq!(
            lines[0],
            "# Xếp hạng Chỉ số cải cách hành chính (PAR INDEX) năm 2024"
        );
        assert!(
            md.contains("Nhóm: A ≥ 90,00%, B ≥ 80,00%, C ≥ 70,00%."),
            "{md}"
        );
        assert!(md.contains("1/4 đơn vị đã chốt"), "{md}");
        let table: Vec<&str> = lines
            .iter()
            .copied()
            .filter(|l| l.starts_with('|'))
            .collect();
        assert_eq!(
            table[0],
            "| Hạng (đề xuất) | Hạng (tự chấm) | Thay đổi | Mã | Đơn vị | Vùng | Tự chấm | Đề xuất | Chỉ số (%) | Nhóm |"
        );
        assert_eq!(
            table[1],
            "|---:|---:|:---:|---|---|---|---:|---:|---:|:---:|"
        );
        assert_eq!(
            table[2],
            "| 1 | 2 | ↑ +1 | 44 | Quảng Bình | Bắc Trung Bộ và Duyên hải miền Trung | 8,75 | 8,75 | 87,50 | B |"
        );
        assert_eq!(
            table[4],
            "| 3 | 1 | ↓ -2 | 01 | Hà Nội | Đồng bằng sông Hồng | 9,00 | 8,50 | 85,00 | A → B |"
        );
        assert_eq!(
            table[5],
            "| — | — |  | 46 | Thừa Thiên Huế | Bắc Trung Bộ và Duyên hải miền Trung | — | — | — | — |"
        );
        assert!(md.contains(tie_rule(Lang::Vi)));
        assert!(md.contains("1 đơn vị chưa có số liệu"));
        assert!(
            md.contains("| Bắc Trung Bộ và Duyên hải miền Trung | 2 | 86,25 | 87,50 | +1,25 |"),
            "{md}"
        );
        assert!(
            md.contains("| **Cả nước** | 3 | 87,50 | 86,67 | -0,83 |"),
            "{md}"
        );

        let mut out = Vec::new();
        write_ranking_markdown(&mut out, &report(), Lang::En).unwrap();
        let md = String::from_utf8(out).unwrap();
        assert!(md.starts_with("# PAR INDEX ranking, 2024\n"));
        assert!(
            md.contains("| **National** | 3 | 87.50 | 86.67 | -0.83 |"),
            "{md}"
        );
        assert!(md.contains(tie_rule(Lang::En)));
    }

    #[test]
    fn csv_rows_for_units_regions_and_the_nation() {
        let mut out = Vec::new();
        write_ranking_csv(&mut out, &report(), CsvCells::Safe).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], RANKING_CSV_HEADER.join(","));
        assert_eq!(
            lines[1],
            "unit,2024,1,2,1,44,Quảng Bình,BTB,Bắc Trung Bộ và Duyên hải miền Trung,,8.75,8.75,87.50,87.50,B,B,,,,"
        );
        assert_eq!(
            lines[3],
            "unit,2024,3,1,-2,01,Hà Nội,DBSH,Đồng bằng sông Hồng,,9.00,8.50,90.00,85.00,A,B,,,,"
        );
        assert_eq!(
            lines[4],
            "unit,2024,,,,46,Thừa Thiên Huế,BTB,Bắc Trung Bộ và Duyên hải miền Trung,,,,,,,,,,,"
        );
        assert_eq!(
            lines[5],
            "region,2024,,,,,,DBSH,Đồng bằng sông Hồng,1,,,90.00,85.00,,,,,,"
        );
        assert_eq!(
            lines[6],
            "region,2024,,,,,,BTB,Bắc Trung Bộ và Duyên hải miền Trung,2,,,86.25,87.50,,,,,,"
        );
        assert_eq!(lines[7], "national,2024,,,,,,,,3,,,87.50,86.67,,,,,,");
        // Then each scored unit's area points and rank.
        let areas = fixture_framework().areas().count();
        assert_eq!(lines.len(), 8 + 3 * areas);
        assert!(lines[8].starts_with("area,2024,"), "{}", lines[8]);
        // Every row has every column, so a CSV reader gets a rectangle.
        let mut rd = csv::Reader::from_reader(text.as_bytes());
        assert!(
            rd.records()
                .all(|r| r.unwrap().len() == RANKING_CSV_HEADER.len())
        );
    }

    #[test]
    fn csv_neutralises_formulas_in_names_and_raw_writes_them_as_they_are() {
        for payload in [
            "=HYPERLINK(\"http://x.example\")",
            "@SUM(1+1)*cmd|' /C calc'!A0",
            "+1+1",
            "-2+3",
        ] {
            let mut units = fixture_units();
            units.units[1].name = payload.into();
            units.regions[0].name = payload.into();
            let r = ranking_report(&fixture_framework(), &units, 2024, &items(), 0);
            let read = |cells: CsvCells| {
                let mut out = Vec::new();
                write_ranking_csv(&mut out, &r, cells).unwrap();
                let mut rd = csv::Reader::from_reader(&out[..]);
                rd.records().map(Result::unwrap).collect::<Vec<_>>()
            };
            let safe = read(CsvCells::Safe);
            let marked = format!("'{payload}");
            let qb = safe.iter().find(|r| &r[5] == "44").unwrap();
            assert_eq!(&qb[6], marked);
            let dbsh = safe.iter().find(|r| &r[0] == "region").unwrap();
            assert_eq!(&dbsh[8], marked);
            // A rank change is a number: "-2" stays as it is.
            let hn = safe.iter().find(|r| &r[5] == "01").unwrap();
            assert_eq!(&hn[4], "-2");
            let raw = read(CsvCells::Raw);
            let qb = raw.iter().find(|r| &r[5] == "44").unwrap();
            assert_eq!(&qb[6], payload);
        }
    }

    #[test]
    fn unit_names_cannot_break_the_markdown_table() {
        let mut units = fixture_units();
        units.units[1].name = "Quảng | Bình\nmới".into();
        let r = ranking_report(&fixture_framework(), &units, 2024, &items(), 0);
        let mut out = Vec::new();
        write_ranking_markdown(&mut out, &r, Lang::Vi).unwrap();
        let md = String::from_utf8(out).unwrap();
        assert!(md.contains("| 44 | Quảng \\| Bình<br>mới |"), "{md}");
    }

    #[test]
    fn published_results_keep_their_ranks_and_merged_units_combine_them() {
        use domain::bundled::units_for;
        use domain::{PublishedRow, parse_units};
        let set = |y: u16| {
            let f = units_for(y).unwrap();
            parse_units(f.text, f.name).unwrap()
        };
        let row = |u: &str, h: i64, k: u32| PublishedRow {
            unit: u.into(),
            index: Points::from_hundredths(h),
            rank: Some(k),
            areas: Vec::new(),
        };
        let published = Published {
            units_toml: String::new(),
            units_file: "data/units/tinh-63.toml".into(),
            source_file: "2024.csv".into(),
            source_sha256: String::new(),
            // Bắc Ninh 88.30 (5th), Bắc Giang 86.10 (20th), Hà Nội 91.43 (3rd).
            rows: vec![row("27", 8830, 5), row("24", 8610, 20), row("01", 9143, 3)],
            averages: Vec::new(),
        };
        let (old, new) = (set(2024), set(2025));
        // Within one unit set: the published rank, out of the 63.
        let same = Previous::from_published(2024, &published, &old, &old);
        assert_eq!(
            (same.units["01"].percent, same.units["01"].rank),
            (Some(9143), Some(3))
        );
        assert_eq!(same.units["27"].rank, Some(5));
        assert_eq!(
            (same.units["20"].percent, same.units["20"].rank),
            (None, None)
        );
        assert_eq!(same.ranked(), 63);
        assert_eq!(
            same.published.as_ref().map(|b| b.file.as_str()),
            Some("2024.csv")
        );
        // Bắc Ninh 2025 (24) continues Bắc Giang (24) and Bắc Ninh (27): the combined reference,
        // ranked among the 2025 units; Hà Nội keeps its published rank.
        let merged = Previous::from_published(2024, &published, &new, &old);
        let bn = &merged.units["24"];
        assert_eq!(bn.percent, Some(8720));
        assert!(bn.is_combined());
        // Across the reorganisation every rank is on the 2025 units: Hà Nội 1st, Bắc Ninh 2nd.
        assert_eq!(bn.rank, Some(2));
        assert_eq!(merged.units["01"].rank, Some(1));
        assert_eq!(merged.ranked(), 2);
    }
}
