//! The unit scorecard (SPEC I4): the one page the council reads about a unit — totals self vs
//! proposed, index, group and rank, each area's subtotals, the adjusted items with their
//! justifications, the disputes and whether the unit is finalized — as Markdown.

use std::collections::HashMap;
use std::io::{self, Write};

use jiff::Timestamp;

use super::markdown::{align, cell, row};
use super::ranking_report::{group_text, places_text, rank_change_text};
use domain::aggregate::{Both, UnitScores, national};
use domain::event::Change;
use domain::lineage::LastYear;
use domain::number;
use domain::{
    Dispute, Event, Framework, Item, Method, Node, Outcome, Points, Seal, Status, Touch, UnitSet,
    UnitState,
};
use l10n::Lang;

/// A name in both languages (framework and unit files may give an English one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    pub vi: String,
    pub en: Option<String>,
}

impl Name {
    fn of(node: &Node) -> Name {
        Name {
            vi: node.name.clone(),
            en: node.name_en.clone(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => self.en.as_deref().unwrap_or(&self.vi),
        }
    }
}

/// An area's subtotals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AreaLine {
    pub code: String,
    pub name: Name,
    pub max: Points,
    pub score: Both<Points>,
}

/// An item whose proposed score differs from the self score.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdjustedLine {
    pub code: String,
    pub criterion: Name,
    pub max: Points,
    pub score: Both<Points>,
    pub status: Status,
    pub justification: String,
    /// Who set the proposed score, and when (the last change of it in the history; the last
    /// change of the item when the history does not say).
    pub appraiser: String,
    pub at: Option<Timestamp>,
}

/// An item with a dispute (giải trình), open or answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisputeLine {
    pub code: String,
    pub criterion: Name,
    /// `Disputed` (open) or `Resolved`.
    pub status: Status,
    pub score: Both<Points>,
    pub dispute: Dispute,
    /// The council's decision, when it decided the item.
    pub council_decision: Option<domain::CouncilDecision>,
}

/// Everything on a unit's scorecard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scorecard {
    pub year: u16,
    pub unit: String,
    pub name: String,
    pub region: Name,
    pub framework_total: Points,
    /// The unit has a self-assessment or survey score.
    pub scored: bool,
    pub total: Both<Points>,
    pub percent: Both<i64>,
    pub group: Both<Option<String>>,
    pub rank: Both<u32>,
    /// Units with data: what the rank is out of.
    pub ranked: usize,
    pub areas: Vec<AreaLine>,
    pub adjusted: Vec<AdjustedLine>,
    pub disputes: Vec<DisputeLine>,
    pub reviewed: usize,
    pub leaves: usize,
    pub needs_info: usize,
    pub finalized: Option<Touch>,
    /// The store's seal when the scorecard was made.
    pub seal: Option<Seal>,
    /// Last year, through the unit's predecessors: (year, its line, units ranked that year).
    pub last_year: Option<(u16, LastYear, usize)>,
    /// The year's official result (approved, published, reopened), when there is one: an
    /// approved year's report says so (SPEC I9).
    pub official: Option<domain::official::Official>,
}

/// Build the scorecard of `unit` in `year`. `items` are the year's items of every unit (the
/// rank needs them all); `history` the unit's events (for who set each proposed score; may be
/// empty). `None` if the unit is not in the unit set.
pub fn scorecard(
    fw: &Framework,
    units: &UnitSet,
    year: u16,
    items: &[Item],
    state: &UnitState,
    history: &[Event],
    unit: &str,
) -> Option<Scorecard> {
    let u = units.unit(unit)?;
    let items: Vec<Item> = items
        .iter()
        .filter(|i| i.key.year == year)
        .cloned()
        .collect();
    let nat = national(fw, units, &items);
    let ranked = {
        let mut with_data: Vec<&str> = items
            .iter()
            .filter(|i| i.self_score().is_some())
            .map(|i| i.key.unit.as_str())
            .collect();
        with_data.sort_unstable();
        with_data.dedup();
        with_data
    };
    let line = nat.rows.iter().find(|r| r.unit == unit)?;
    let mine: HashMap<&str, &Item> = items
        .iter()
        .filter(|i| i.key.unit == unit)
        .map(|i| (i.key.leaf.as_str(), i))
        .collect();
    let scores: &UnitScores = &line.scores;
    let areas = fw
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.parent.is_none())
        .map(|(i, n)| AreaLine {
            code: n.code.clone(),
            name: Name::of(n),
            max: n.max,
            score: scores.nodes[i],
        })
        .collect();
    let setters = proposed_setters(history, year, unit);
    let mut adjusted = Vec::new();
    let mut disputes = Vec::new();
    for leaf in fw.leaves() {
        let Some(item) = mine.get(leaf.code.as_str()) else {
            continue;
        };
        let (Some(s), Some(p)) = (item.self_score(), item.proposed_score()) else {
            continue;
        };
        let score = Both {
            self_: s,
            proposed: p,
        };
        if leaf.method == Method::Appraised && s != p {
            let (appraiser, at) = match setters.get(leaf.code.as_str()) {
                Some((who, at)) => (who.to_string(), Some(*at)),
                None => item
                    .last
                    .as_ref()
                    .map_or((String::new(), None), |t| (t.actor.clone(), Some(t.at))),
            };
            adjusted.push(AdjustedLine {
                code: leaf.code.clone(),
                criterion: Name::of(leaf),
                max: leaf.max,
                score,
                status: item.status(),
                justification: item.appraisal.justification.clone(),
                appraiser,
                at,
            });
        }
        if let Some(d) = &item.appraisal.dispute
            && matches!(
                item.status(),
                Status::Disputed | Status::Resolved | Status::Escalated | Status::Decided
            )
        {
            disputes.push(DisputeLine {
                code: leaf.code.clone(),
                criterion: Name::of(leaf),
                status: item.status(),
                score,
                dispute: d.clone(),
                council_decision: item
                    .appraisal
                    .council
                    .as_ref()
                    .and_then(|c| c.decision.clone()),
            });
        }
    }
    let region = units.region(&u.region);
    Some(Scorecard {
        year,
        unit: u.code.clone(),
        name: u.name.clone(),
        region: Name {
            vi: region.map_or_else(|| u.region.clone(), |r| r.name.clone()),
            en: region.and_then(|r| r.name_en.clone()),
        },
        framework_total: fw.total,
        scored: ranked.contains(&unit),
        total: line.total,
        percent: line.percent,
        group: line.group.clone(),
        rank: line.rank,
        ranked: ranked.len(),
        areas,
        adjusted,
        disputes,
        reviewed: scores.reviewed,
        leaves: scores.leaves,
        needs_info: scores.needs_info,
        finalized: state.finalized.clone(),
        seal: None,
        last_year: None,
        official: None,
    })
}

/// For each leaf of the unit: who last changed its proposed score, and when.
fn proposed_setters<'a>(
    history: &'a [Event],
    year: u16,
    unit: &str,
) -> HashMap<&'a str, (&'a str, Timestamp)> {
    let mut out = HashMap::new();
    for ev in history {
        if let Change::Appraised {
            key, before, after, ..
        } = &ev.body.change
            && key.year == year
            && key.unit == unit
            && before.proposed != after.proposed
        {
            out.insert(key.leaf.as_str(), (ev.body.actor.as_str(), ev.body.at));
        }
    }
    out
}

fn date(t: Timestamp) -> String {
    domain::clock::date(t)
}

fn outcome_text(lang: Lang, o: Option<Outcome>) -> &'static str {
    match o {
        Some(Outcome::Upheld) => lang.pick("chấp nhận", "upheld"),
        Some(Outcome::PartlyUpheld) => lang.pick("chấp nhận một phần", "partly upheld"),
        Some(Outcome::Rejected) => lang.pick("không chấp nhận", "rejected"),
        None => "—",
    }
}

/// The scorecard as Markdown, one page: a heading, a totals table, the finalization state, the
/// areas, the adjusted items and the disputes.
pub fn write_scorecard_markdown(out: &mut dyn Write, sc: &Scorecard, lang: Lang) -> io::Result<()> {
    let dash = || "—".to_string();
    let official = sc.official.as_ref().and_then(|o| o.title(lang));
    writeln!(
        out,
        "# {}{} — {} {} ({} {})\n",
        official.map(|t| format!("{t}: ")).unwrap_or_default(),
        lang.pick("Phiếu kết quả thẩm định", "Appraisal scorecard"),
        cell(&sc.unit),
        cell(&sc.name),
        lang.pick("năm", "year"),
        sc.year
    )?;
    if let Some(o) = &sc.official {
        for line in o.lines(lang) {
            writeln!(out, "> {}", cell(&line))?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "{}: {}\n",
        lang.pick("Vùng", "Region"),
        cell(sc.region.get(lang))
    )?;
    if let Some(seal) = &sc.seal {
        writeln!(out, "{}.\n", seal.line(lang))?;
    }

    // Totals.
    writeln!(
        out,
        "{}",
        row(&[
            "",
            lang.pick("Tự chấm", "Self"),
            lang.pick("Đề xuất", "Proposed"),
            lang.pick("Chênh lệch", "Difference"),
        ])
    )?;
    writeln!(out, "{}", align("lrrr"))?;
    if sc.scored {
        let d = sc.total.proposed - sc.total.self_;
        writeln!(
            out,
            "{}",
            row(&[
                format!(
                    "{} (/{})",
                    lang.pick("Tổng điểm", "Total"),
                    sc.framework_total.show(lang)
                ),
                sc.total.self_.show(lang),
                sc.total.proposed.show(lang),
                d.show_signed(lang),
            ])
        )?;
        writeln!(
            out,
            "{}",
            row(&[
                lang.pick("Chỉ số", "Index").to_string(),
                number::percent(sc.percent.self_, lang),
                number::percent(sc.percent.proposed, lang),
                number::signed_hundredths(sc.percent.proposed - sc.percent.self_, lang),
            ])
        )?;
        let g = |g: &Option<String>| g.as_deref().map_or_else(dash, cell);
        writeln!(
            out,
            "{}",
            row(&[
                lang.pick("Nhóm", "Group").to_string(),
                g(&sc.group.self_),
                g(&sc.group.proposed),
                if sc.group.self_ == sc.group.proposed {
                    String::new()
                } else {
                    cell(&group_text(&sc.group))
                },
            ])
        )?;
        writeln!(
            out,
            "{}",
            row(&[
                format!("{} (/{})", lang.pick("Hạng", "Rank"), sc.ranked),
                sc.rank.self_.to_string(),
                sc.rank.proposed.to_string(),
                rank_change_text(i64::from(sc.rank.self_) - i64::from(sc.rank.proposed)),
            ])
        )?;
    } else {
        writeln!(
            out,
            "{}",
            row(&[
                lang.pick("Tổng điểm", "Total").to_string(),
                dash(),
                dash(),
                String::new()
            ])
        )?;
    }
    writeln!(out)?;
    if let Some((py, ly, ranked)) = &sc.last_year {
        writeln!(out, "{}\n", last_year_sentence(sc, *py, ly, *ranked, lang))?;
    }

    // Finalization and progress.
    match &sc.finalized {
        Some(t) => match lang {
            Lang::Vi => writeln!(
                out,
                "**Đã chốt kết quả** ({}, {}).\n",
                cell(&t.actor),
                date(t.at)
            )?,
            Lang::En => writeln!(out, "**Finalized** ({}, {}).\n", cell(&t.actor), date(t.at))?,
        },
        None => {
            let open = sc.disputes.iter().filter(|d| d.status.is_open()).count();
            match lang {
                Lang::Vi => writeln!(
                    out,
                    "**Chưa chốt kết quả**: đã thẩm định {}/{} tiêu chí · {} cần bổ sung tài liệu · {} giải trình đang mở.\n",
                    sc.reviewed, sc.leaves, sc.needs_info, open
                )?,
                Lang::En => writeln!(
                    out,
                    "**Not finalized**: {}/{} items appraised · {} awaiting evidence · {} open disputes.\n",
                    sc.reviewed, sc.leaves, sc.needs_info, open
                )?,
            }
        }
    }

    // Areas.
    writeln!(
        out,
        "## {}\n",
        lang.pick("Điểm theo lĩnh vực", "Points by area")
    )?;
    writeln!(
        out,
        "{}",
        row(&[
            lang.pick("Lĩnh vực", "Area"),
            lang.pick("Tối đa", "Max"),
            lang.pick("Tự chấm", "Self"),
            lang.pick("Đề xuất", "Proposed"),
            "Δ",
        ])
    )?;
    writeln!(out, "{}", align("lrrrr"))?;
    for a in &sc.areas {
        let d = a.score.proposed - a.score.self_;
        writeln!(
            out,
            "{}",
            row(&[
                format!("{} {}", cell(&a.code), cell(a.name.get(lang))),
                a.max.show(lang),
                a.score.self_.show(lang),
                a.score.proposed.show(lang),
                if d.is_zero() {
                    String::new()
                } else {
                    d.show_signed(lang)
                },
            ])
        )?;
    }
    let d = sc.total.proposed - sc.total.self_;
    writeln!(
        out,
        "{}",
        row(&[
            format!("**{}**", lang.pick("Tổng", "Total")),
            format!("**{}**", sc.framework_total.show(lang)),
            format!("**{}**", sc.total.self_.show(lang)),
            format!("**{}**", sc.total.proposed.show(lang)),
            if d.is_zero() {
                String::new()
            } else {
                format!("**{}**", d.show_signed(lang))
            },
        ])
    )?;
    writeln!(out)?;

    // Adjusted items.
    writeln!(
        out,
        "## {} ({})\n",
        lang.pick("Tiêu chí được điều chỉnh", "Adjusted items"),
        sc.adjusted.len()
    )?;
    if sc.adjusted.is_empty() {
        writeln!(
            out,
            "{}\n",
            lang.pick(
                "Không có tiêu chí nào có điểm đề xuất khác điểm tự chấm.",
                "No item's proposed score differs from its self score."
            )
        )?;
    } else {
        writeln!(
            out,
            "{}",
            row(&[
                lang.pick("Mã", "Code"),
                lang.pick("Tiêu chí", "Criterion"),
                lang.pick("Tự chấm → Đề xuất", "Self → Proposed"),
                "Δ",
                lang.pick("Lý do điều chỉnh", "Justification"),
                lang.pick("Người thẩm định", "Appraiser"),
            ])
        )?;
        writeln!(out, "{}", align("llrrll"))?;
        for a in &sc.adjusted {
            let who = match a.at {
                Some(at) => format!("{}, {}", cell(&a.appraiser), date(at)),
                None => cell(&a.appraiser),
            };
            let justification = if a.justification.trim().is_empty() {
                dash()
            } else {
                cell(&a.justification)
            };
            writeln!(
                out,
                "{}",
                row(&[
                    cell(&a.code),
                    cell(a.criterion.get(lang)),
                    format!(
                        "{} → {}",
                        a.score.self_.show(lang),
                        a.score.proposed.show(lang)
                    ),
                    (a.score.proposed - a.score.self_).show_signed(lang),
                    justification,
                    who,
                ])
            )?;
        }
        writeln!(out)?;
    }

    // Disputes.
    let open: Vec<&DisputeLine> = sc.disputes.iter().filter(|d| d.status.is_open()).collect();
    let resolved: Vec<&DisputeLine> = sc.disputes.iter().filter(|d| !d.status.is_open()).collect();
    writeln!(
        out,
        "## {} ({} {}, {} {})\n",
        lang.pick("Giải trình", "Disputes"),
        open.len(),
        lang.pick("đang mở", "open"),
        resolved.len(),
        lang.pick("đã trả lời", "answered")
    )?;
    if sc.disputes.is_empty() {
        writeln!(
            out,
            "{}",
            lang.pick(
                "Đơn vị không có giải trình nào.",
                "The unit has no dispute."
            )
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "{}",
        row(&[
            lang.pick("Mã", "Code"),
            lang.pick("Tiêu chí", "Criterion"),
            lang.pick("Trạng thái", "State"),
            lang.pick("Tự chấm → Đề xuất", "Self → Proposed"),
            lang.pick("Đơn vị đề nghị", "Claimed"),
            lang.pick("Nội dung giải trình", "Explanation"),
            lang.pick("Kết quả, trả lời", "Outcome, response"),
        ])
    )?;
    writeln!(out, "{}", align("lllrrll"))?;
    for d in open.iter().chain(resolved.iter()) {
        let received = format!(
            " ({} {}{}{})",
            lang.pick("nhận", "received"),
            domain::round::format_date(d.dispute.received),
            if d.dispute.document.is_empty() {
                String::new()
            } else {
                format!(", {}", cell(&d.dispute.document))
            },
            if d.dispute.late {
                lang.pick(", nộp muộn", ", late")
            } else {
                ""
            }
        );
        let answer = if let Some(decision) = &d.council_decision {
            format!(
                "{}: {} — {}",
                lang.pick("Hội đồng quyết định", "council decided"),
                decision.score.show(lang),
                cell(&decision.text)
            )
        } else if d.status == Status::Escalated {
            lang.pick(
                "đã trình Hội đồng, chờ quyết định",
                "referred to the council, awaiting its decision",
            )
            .to_string()
        } else if d.status == Status::Disputed {
            lang.pick("chưa trả lời", "not answered yet").to_string()
        } else if d.dispute.response.trim().is_empty() {
            outcome_text(lang, d.dispute.outcome).to_string()
        } else {
            format!(
                "{}: {}",
                outcome_text(lang, d.dispute.outcome),
                cell(&d.dispute.response)
            )
        };
        writeln!(
            out,
            "{}",
            row(&[
                cell(&d.code),
                cell(d.criterion.get(lang)),
                d.status.label(lang).to_string(),
                format!(
                    "{} → {}",
                    d.score.self_.show(lang),
                    d.score.proposed.show(lang)
                ),
                d.dispute.claimed.map_or_else(String::new, |c| c.show(lang)),
                format!("{}{received}", cell(&d.dispute.explanation)),
                answer,
            ])
        )?;
    }
    Ok(())
}

/// "So với năm 2024: chỉ số 87,20% (tham chiếu gộp của Bắc Giang (24) 86,10% và Bắc Ninh (27)
/// 88,30%), hạng 2/34; năm 2025 hạng 5/34: ↓ 3 bậc."
fn last_year_sentence(sc: &Scorecard, py: u16, ly: &LastYear, ranked: usize, lang: Lang) -> String {
    let Some(percent) = ly.percent else {
        return match lang {
            Lang::Vi => format!("So với năm {py}: không có số liệu năm {py}."),
            Lang::En => format!("Since {py}: no data for {py}."),
        };
    };
    let mut index = format!("{}%", number::hundredths(percent, lang));
    if ly.is_combined() {
        let parts: Vec<String> = ly
            .sources
            .iter()
            .filter_map(|(code, name, v)| {
                v.map(|v| format!("{} ({code}) {}%", cell(name), number::hundredths(v, lang)))
            })
            .collect();
        index.push_str(&format!(
            " ({} {})",
            lang.pick("tham chiếu gộp của", "combined reference of"),
            parts.join(lang.pick(" và ", " and "))
        ));
    } else if let [(code, name, _)] = ly.sources.as_slice()
        && (code != &sc.unit || name != &sc.name)
    {
        index.push_str(&format!(" ({} ({code}))", cell(name)));
    }
    let rank = ly
        .rank
        .map(|r| format!("{r}/{ranked}"))
        .unwrap_or_else(|| "—".into());
    let change = match ly.change(sc.rank.proposed).filter(|_| sc.scored) {
        Some(c) => places_text(c, lang),
        None => "—".into(),
    };
    match lang {
        Lang::Vi => format!(
            "So với năm {py}: chỉ số {index}, hạng {rank}; năm {} hạng {}/{}: {change}.",
            sc.year, sc.rank.proposed, sc.ranked
        ),
        Lang::En => format!(
            "Since {py}: index {index}, rank {rank}; in {} rank {}/{}: {change}.",
            sc.year, sc.rank.proposed, sc.ranked
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::testutil::{fixture_framework, fixture_units};
    use domain::{EventBody, ItemKey, SelfAssessment};

    fn p(s: &str) -> Points {
        Points::parse(s).unwrap()
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn touch(actor: &str, when: &str, seq: u64) -> Touch {
        Touch {
            actor: actor.into(),
            at: at(when),
            seq,
        }
    }

    fn self_item(unit: &str, leaf: &str, score: &str) -> Item {
        let mut it = Item::new(ItemKey::new(2024, unit, leaf));
        it.self_assessment = Some(SelfAssessment {
            score: p(score),
            ..Default::default()
        });
        it
    }

    fn survey_item(unit: &str, leaf: &str, score: &str) -> Item {
        let mut it = Item::new(ItemKey::new(2024, unit, leaf));
        it.survey = Some(p(score));
        it
    }

    /// A fixed store, as items: unit 44 with one adjusted item (who set it is in the history,
    /// a later dispute was recorded by someone else), one open dispute, one answered dispute,
    /// one item awaiting evidence; units 01 and 45 to rank against; 46 without data.
    fn fixture() -> (Vec<Item>, Vec<Event>) {
        let mut items = Vec::new();
        // 01: 6 + 3.5 = 9.50; 45: 5.5 + 3.5 = 9.00.
        for (unit, s321) in [("01", "1.5"), ("45", "1")] {
            for (leaf, s) in [
                ("1.1.1", "1"),
                ("1.1.2", "1"),
                ("1.2", "1"),
                ("3.2.1", s321),
                ("3.2.2", "1.5"),
            ] {
                items.push(self_item(unit, leaf, s));
            }
            items.push(survey_item(unit, "8.1.1", "2"));
            items.push(survey_item(unit, "8.1.2", "1.5"));
        }
        let mut a = self_item("44", "1.1.1", "1");
        a.appraisal.status = Status::Agreed;
        items.push(a);
        let mut b = self_item("44", "1.1.2", "1");
        b.appraisal.status = Status::NeedsInfo;
        b.appraisal.request = "Bổ sung báo cáo".into();
        items.push(b);
        // Adjusted, then disputed and answered: partly upheld at 0.75.
        let mut c = self_item("44", "1.2", "1");
        c.appraisal.proposed = Some(p("0.75"));
        c.appraisal.status = Status::Resolved;
        c.appraisal.justification = "Kế hoạch ban hành chậm 10 ngày".into();
        c.appraisal.dispute = Some(Dispute {
            explanation: "Đã ban hành đúng hạn | có công văn".into(),
            document: "215/UBND-NC".into(),
            claimed: Some(p("1")),
            received: jiff::civil::date(2025, 3, 5),
            round: 1,
            late: false,
            outcome: Some(Outcome::PartlyUpheld),
            response: "Chấp nhận một phần".into(),
        });
        c.last = Some(touch("tranthib", "2025-03-09T10:00:00Z", 9));
        items.push(c);
        // Adjusted by nguyenvana; the dispute was recorded later by the lead.
        let mut d = self_item("44", "3.2.1", "1.5");
        d.appraisal.proposed = Some(p("1"));
        d.appraisal.status = Status::Disputed;
        d.appraisal.justification = "Công bố chậm\nthiếu quyết định <số>".into();
        d.appraisal.dispute = Some(Dispute {
            explanation: "Đã công bố trên cổng".into(),
            document: String::new(),
            claimed: None,
            received: jiff::civil::date(2025, 3, 20),
            round: 1,
            late: true,
            outcome: None,
            response: String::new(),
        });
        d.last = Some(touch("lead", "2025-03-08T09:00:00Z", 8));
        items.push(d);
        items.push(self_item("44", "3.2.2", "1.5"));
        items.push(survey_item("44", "8.1.1", "2"));
        items.push(survey_item("44", "8.1.2", "1.75"));
        let appraised = |seq: u64,
                         actor: &str,
                         when: &str,
                         leaf: &str,
                         before: Option<&str>,
                         after: Option<&str>| {
            let b = domain::Appraisal {
                proposed: before.map(p),
                ..Default::default()
            };
            let a = domain::Appraisal {
                proposed: after.map(p),
                ..Default::default()
            };
            Event {
                body: EventBody {
                    seq,
                    at: at(when),
                    actor: actor.into(),
                    command: "adjust".into(),
                    change: Change::Appraised {
                        key: ItemKey::new(2024, "44", leaf),
                        version: seq,
                        before: b,
                        after: a,
                    },
                    reason: String::new(),
                },
                hash: String::new(),
            }
        };
        let history = vec![
            appraised(
                5,
                "nguyenvana",
                "2025-03-02T08:15:00Z",
                "3.2.1",
                None,
                Some("1"),
            ),
            // Recording the dispute does not change the proposed score.
            appraised(
                8,
                "lead",
                "2025-03-08T09:00:00Z",
                "3.2.1",
                Some("1"),
                Some("1"),
            ),
            appraised(
                6,
                "tranthib",
                "2025-03-03T08:00:00Z",
                "1.2",
                None,
                Some("0.5"),
            ),
            appraised(
                9,
                "tranthib",
                "2025-03-09T10:00:00Z",
                "1.2",
                Some("0.5"),
                Some("0.75"),
            ),
        ];
        (items, history)
    }

    fn card(state: UnitState) -> Scorecard {
        let (items, history) = fixture();
        scorecard(
            &fixture_framework(),
            &fixture_units(),
            2024,
            &items,
            &state,
            &history,
            "44",
        )
        .unwrap()
    }

    #[test]
    fn totals_rank_and_lists() {
        let sc = card(UnitState::default());
        // Self 1 + 1 + 1 + 1.5 + 1.5 + 2 + 1.75 = 9.75; proposed 9.75 - 0.25 - 0.5 = 9.00.
        assert_eq!(
            sc.total,
            Both {
                self_: p("9.75"),
                proposed: p("9")
            }
        );
        assert_eq!(
            sc.percent,
            Both {
                self_: 9750,
                proposed: 9000
            }
        );
        // 01: 9.50 both; 45: 9.00 both. Self: 44 first; proposed: 01 first, then 44 and 45
        // tie for second.
        assert_eq!(
            sc.rank,
            Both {
                self_: 1,
                proposed: 2
            }
        );
        assert_eq!(sc.ranked, 3);
        let adjusted: Vec<(&str, &str)> = sc
            .adjusted
            .iter()
            .map(|a| (a.code.as_str(), a.appraiser.as_str()))
            .collect();
        assert_eq!(adjusted, vec![("1.2", "tranthib"), ("3.2.1", "nguyenvana")]);
        assert_eq!(sc.disputes.len(), 2);
        assert_eq!(sc.needs_info, 1);
        assert!(
            scorecard(
                &fixture_framework(),
                &fixture_units(),
                2024,
                &[],
                &UnitState::default(),
                &[],
                "99"
            )
            .is_none()
        );
    }

    #[test]
    fn scorecard_markdown_snapshot() {
        let mut out = Vec::new();
        write_scorecard_markdown(&mut out, &card(UnitState::default()), Lang::Vi).unwrap();
        insta::assert_snapshot!("scorecard_44_vi", String::from_utf8(out).unwrap());
        let finalized = UnitState {
            finalized: Some(touch("lead", "2025-03-10T07:00:00Z", 10)),
        };
        let mut out = Vec::new();
        write_scorecard_markdown(&mut out, &card(finalized), Lang::En).unwrap();
        insta::assert_snapshot!("scorecard_44_en_finalized", String::from_utf8(out).unwrap());
    }

    #[test]
    fn a_unit_without_data_says_so() {
        let sc = scorecard(
            &fixture_framework(),
            &fixture_units(),
            2024,
            &fixture().0,
            &UnitState::default(),
            &[],
            "46",
        )
        .unwrap();
        assert!(!sc.scored);
        let mut out = Vec::new();
        write_scorecard_markdown(&mut out, &sc, Lang::Vi).unwrap();
        let md = String::from_utf8(out).unwrap();
        assert!(md.contains("| Tổng điểm | — | — |  |"), "{md}");
        assert!(md.contains("Không có tiêu chí nào có điểm đề xuất khác điểm tự chấm."));
        assert!(md.contains("Đơn vị không có giải trình nào."));
    }
}
