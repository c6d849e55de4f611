//! State of the disputes and audit queue (SPEC W9): the items of every unit of the year that need
//! someone's attention, their sort order and filters, and the cursor.
//!
//! Everything here is presentation over the cached model. Which item is overdue is the domain's
//! answer (`Round::is_overdue`); whether an action on an item is allowed is the engine's. The rows
//! are collected when the model changes ([`QueueState::rebuild`]); a sort or filter change only
//! reorders what was collected, and a cursor move changes nothing but the cursor.

use jiff::civil::Date;

use crate::model::Model;
use domain::attention::classify;
pub use domain::attention::{Flag, Kind};
use domain::round::vietnam_date;
use domain::{Item, Points, Round};

/// One item in the queue, with what it is sorted and filtered by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Position of the unit in the unit set.
    pub unit: usize,
    /// Position of the criterion in the framework.
    pub node: usize,
    /// Position of the criterion's area (top-level node) in the framework.
    pub area: usize,
    pub kind: Kind,
    /// Proposed − self (zero when either is missing).
    pub delta: Points,
    /// Days since the explanation was received (an open dispute) or since the last change.
    pub age: Option<i64>,
    /// The round of the explanation, or the round the item is overdue in.
    pub round: Option<u32>,
    pub flag: Option<Flag>,
    /// Who changed the item last.
    pub actor: Option<String>,
}

/// The row of an item, if it belongs in the queue.
pub fn row_for(
    item: &Item,
    unit: usize,
    node: usize,
    area: usize,
    rounds: &[Round],
    today: Date,
) -> Option<Row> {
    let (kind, overdue_round) = classify(item, rounds, today)?;
    let dispute = item.appraisal.dispute.as_ref();
    let since = match (kind, dispute) {
        (Kind::Disputed, Some(d)) => Some(d.received),
        _ => item.last.as_ref().map(|t| vietnam_date(t.at)),
    };
    let flag = if kind == Kind::Overdue {
        Some(Flag::Overdue)
    } else if dispute.is_some_and(|d| d.late) {
        Some(Flag::Late)
    } else {
        None
    };
    Some(Row {
        unit,
        node,
        area,
        kind,
        delta: item.delta().unwrap_or(Points::ZERO),
        age: since.map(|d| i64::from((today - d).get_days())),
        round: overdue_round.or(dispute.map(|d| d.round)),
        flag,
        actor: item.last.as_ref().map(|t| t.actor.clone()),
    })
}

/// What the queue is sorted by. `next` cycles through them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    /// Largest |Δ| first; ties by unit code, then criterion order.
    Delta,
    /// Oldest first.
    Age,
    /// Areas in framework order, largest |Δ| first within each.
    Area,
    /// Unit code, then criterion order.
    Unit,
}

impl SortKey {
    pub fn next(self) -> SortKey {
        match self {
            SortKey::Delta => SortKey::Age,
            SortKey::Age => SortKey::Area,
            SortKey::Area => SortKey::Unit,
            SortKey::Unit => SortKey::Delta,
        }
    }
}

/// Which kinds are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KindFilter {
    All,
    /// Everything someone must act on (all but settled adjustments).
    Open,
    Only(Kind),
}

impl KindFilter {
    pub fn next(self) -> KindFilter {
        match self {
            KindFilter::All => KindFilter::Open,
            KindFilter::Open => KindFilter::Only(Kind::ALL[0]),
            KindFilter::Only(k) => match Kind::ALL.iter().position(|&x| x == k) {
                Some(i) if i + 1 < Kind::ALL.len() => KindFilter::Only(Kind::ALL[i + 1]),
                _ => KindFilter::All,
            },
        }
    }

    pub fn admits(self, k: Kind) -> bool {
        match self {
            KindFilter::All => true,
            KindFilter::Open => k.is_open(),
            KindFilter::Only(x) => x == k,
        }
    }
}

#[derive(Clone, Debug)]
pub struct QueueState {
    pub sort: SortKey,
    /// Show the sort order backwards.
    pub reverse: bool,
    pub kind: KindFilter,
    /// Framework position of an area, or all areas.
    pub area: Option<usize>,
    /// Region code, or all regions.
    pub region: Option<String>,
    /// Appraiser (last actor), or everyone.
    pub appraiser: Option<String>,
    /// "Của tôi": only the items assigned to this user (by their unit's or area's assignment).
    pub mine: Option<String>,
    /// The rows shown, after filters and sort.
    pub rows: Vec<Row>,
    /// Rows per kind (in `Kind::ALL` order) passing the area, region and appraiser filters:
    /// what the kind filter would show.
    pub counts: [usize; 5],
    /// Everyone who changed an item in the queue last, sorted: what the appraiser filter cycles.
    pub appraisers: Vec<String>,
    /// The date (in Vietnam) the rows were computed for.
    pub today: Date,
    pub cursor: usize,
    pub offset: usize,
    /// Every row, before filters.
    all: Vec<Row>,
    /// For each framework node, the position of its area.
    area_of: Vec<usize>,
}

impl QueueState {
    pub fn new(model: &Model, today: Date) -> QueueState {
        let nodes = &model.fw().nodes;
        let area_of = (0..nodes.len())
            .map(|mut i| {
                while let Some(p) = nodes[i].parent {
                    i = p;
                }
                i
            })
            .collect();
        let mut s = QueueState {
            sort: SortKey::Delta,
            reverse: false,
            kind: KindFilter::All,
            area: None,
            region: None,
            appraiser: None,
            mine: None,
            rows: Vec::new(),
            counts: [0; 5],
            appraisers: Vec::new(),
            today,
            cursor: 0,
            offset: 0,
            all: Vec::new(),
            area_of,
        };
        s.rebuild(model, today);
        s
    }

    /// The item under the cursor: (unit position, framework position).
    pub fn selected(&self) -> Option<(usize, usize)> {
        self.rows.get(self.cursor).map(|r| (r.unit, r.node))
    }

    pub fn selected_row(&self) -> Option<&Row> {
        self.rows.get(self.cursor)
    }

    /// Collect the rows again after the data (or the date) changed. The cursor stays on its
    /// item when that item is still shown, else at the same place in the list (so answering the
    /// dispute under the cursor moves on to the next one).
    pub fn rebuild(&mut self, model: &Model, today: Date) {
        self.today = today;
        let mut all = Vec::new();
        for u in 0..model.unit_count() {
            for (n, item) in model.unit_at(u).items.iter().enumerate() {
                let Some(item) = item else { continue };
                if let Some(r) = row_for(item, u, n, self.area_of[n], &model.rounds, today) {
                    all.push(r);
                }
            }
        }
        let mut appraisers: Vec<String> = all.iter().filter_map(|r| r.actor.clone()).collect();
        appraisers.sort_unstable();
        appraisers.dedup();
        self.appraisers = appraisers;
        self.all = all;
        self.refresh(model);
    }

    /// Filter and sort the collected rows (after a sort or filter change).
    pub fn refresh(&mut self, model: &Model) {
        let keep = self.selected();
        let units = &model.unit_set().units;
        let mut counts = [0; 5];
        let mut rows: Vec<Row> = Vec::new();
        for r in &self.all {
            let others_ok = self.area.is_none_or(|a| r.area == a)
                && self
                    .region
                    .as_ref()
                    .is_none_or(|g| &units[r.unit].region == g)
                && self
                    .appraiser
                    .as_ref()
                    .is_none_or(|a| r.actor.as_ref() == Some(a))
                && self.mine.as_ref().is_none_or(|me| {
                    model.assignments.item_is_mine(
                        me,
                        &units[r.unit].code,
                        &model.fw().nodes[r.area].code,
                    )
                });
            if !others_ok {
                continue;
            }
            counts[r.kind.index()] += 1;
            if self.kind.admits(r.kind) {
                rows.push(r.clone());
            }
        }
        let code = |r: &Row| units[r.unit].code.as_str();
        let by_place = |a: &Row, b: &Row| code(a).cmp(code(b)).then(a.node.cmp(&b.node));
        let by_delta = |a: &Row, b: &Row| b.delta.abs().cmp(&a.delta.abs());
        match self.sort {
            SortKey::Delta => rows.sort_by(|a, b| by_delta(a, b).then_with(|| by_place(a, b))),
            SortKey::Age => rows.sort_by(|a, b| {
                // Unknown ages last.
                let age = |r: &Row| r.age.map_or(i64::MIN, |d| d);
                age(b).cmp(&age(a)).then_with(|| by_place(a, b))
            }),
            SortKey::Area => rows.sort_by(|a, b| {
                a.area
                    .cmp(&b.area)
                    .then_with(|| by_delta(a, b))
                    .then_with(|| by_place(a, b))
            }),
            SortKey::Unit => rows.sort_by(by_place),
        }
        if self.reverse {
            rows.reverse();
        }
        let old_cursor = self.cursor;
        self.rows = rows;
        self.counts = counts;
        self.cursor = keep
            .and_then(|k| self.rows.iter().position(|r| (r.unit, r.node) == k))
            .unwrap_or(old_cursor)
            .min(self.rows.len().saturating_sub(1));
    }

    /// Put the cursor on an item, if it is shown.
    pub fn select(&mut self, unit: usize, node: usize) -> bool {
        match self
            .rows
            .iter()
            .position(|r| (r.unit, r.node) == (unit, node))
        {
            Some(p) => {
                self.cursor = p;
                true
            }
            None => false,
        }
    }

    /// How many items the queue holds before any filter.
    pub fn total(&self) -> usize {
        self.all.len()
    }

    /// How many rows a kind has (after the area, region and appraiser filters).
    pub fn count(&self, k: Kind) -> usize {
        self.counts[k.index()]
    }

    pub fn next_sort(&mut self, model: &Model) {
        self.sort = self.sort.next();
        self.refresh(model);
    }

    pub fn toggle_reverse(&mut self, model: &Model) {
        self.reverse = !self.reverse;
        self.refresh(model);
    }

    pub fn next_kind(&mut self, model: &Model) {
        self.kind = self.kind.next();
        self.refresh(model);
    }

    /// Cycle the area filter: all → each area in framework order → all.
    pub fn next_area(&mut self, model: &Model) {
        let areas: Vec<usize> = (0..model.fw().nodes.len())
            .filter(|&i| model.fw().nodes[i].parent.is_none())
            .collect();
        self.area = next_of(&areas, self.area.as_ref()).copied();
        self.refresh(model);
    }

    /// Cycle the region filter: all → each region in file order → all.
    pub fn next_region(&mut self, model: &Model) {
        let regions: Vec<String> = model
            .unit_set()
            .regions
            .iter()
            .map(|r| r.code.clone())
            .collect();
        self.region = next_of(&regions, self.region.as_ref()).cloned();
        self.refresh(model);
    }

    /// Cycle the appraiser filter: everyone → each appraiser by name → everyone.
    pub fn next_appraiser(&mut self, model: &Model) {
        self.appraiser = next_of(&self.appraisers, self.appraiser.as_ref()).cloned();
        self.refresh(model);
    }

    pub fn clear_filters(&mut self, model: &Model) {
        self.kind = KindFilter::All;
        self.area = None;
        self.region = None;
        self.appraiser = None;
        self.mine = None;
        self.refresh(model);
    }
}

/// The value after `cur` in `list`: the first when `cur` is none (or no longer listed), none
/// after the last.
fn next_of<'a, T: PartialEq>(list: &'a [T], cur: Option<&T>) -> Option<&'a T> {
    match cur {
        None => list.first(),
        Some(c) => match list.iter().position(|x| x == c) {
            Some(i) => list.get(i + 1),
            None => list.first(),
        },
    }
}

/// The round the queue's header is about: the latest one still open, else the latest one.
pub fn header_round(rounds: &[Round]) -> Option<&Round> {
    rounds
        .iter()
        .filter(|r| !r.closed)
        .max_by_key(|r| r.number)
        .or_else(|| rounds.iter().max_by_key(|r| r.number))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Arc;

    use super::*;
    use domain::Status;
    use domain::YearContext;
    use domain::item::{Council, Dispute, ItemKey, SelfAssessment, Touch};
    use domain::status::Outcome;
    use domain::{RoundScope, parse_framework, parse_units};

    const YEAR: u16 = 2025;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn p(h: i64) -> Points {
        Points::from_hundredths(h)
    }

    /// The small fixture framework (leaves 1.1.1, 1.1.2, 2.1 appraised) and four units in
    /// two regions: 01, 31 (DBSH), 44, 48 (BTB).
    fn ctx() -> Arc<YearContext> {
        let fw = include_str!("../../../../../tests/fixtures/frameworks/good-small.toml");
        let units = include_str!("../../../../../tests/fixtures/units/good-small.toml");
        Arc::new(YearContext {
            year: YEAR,
            framework: parse_framework(fw, "good-small.toml").unwrap(),
            units: parse_units(units, "good-small.toml").unwrap(),
            framework_file: String::new(),
            units_file: String::new(),
            from_year: None,
        })
    }

    struct It(Item);

    impl It {
        fn new(unit: &str, leaf: &str, self_h: i64, proposed: Option<i64>, status: Status) -> It {
            let mut i = Item::new(ItemKey::new(YEAR, unit, leaf));
            i.self_assessment = Some(SelfAssessment {
                score: p(self_h),
                ..Default::default()
            });
            i.appraisal.proposed = proposed.map(p);
            i.appraisal.status = status;
            i.version = 1;
            i.last = Some(Touch {
                actor: "an".into(),
                at: "2025-03-01T03:00:00Z".parse().unwrap(),
                seq: 1,
            });
            It(i)
        }

        fn by(mut self, actor: &str, at: &str) -> It {
            self.0.last = Some(Touch {
                actor: actor.into(),
                at: at.parse().unwrap(),
                seq: 1,
            });
            self
        }

        fn explained(mut self, round: u32, received: &str, late: bool) -> It {
            self.0.appraisal.dispute = Some(Dispute {
                explanation: "Tỉnh đã ban hành kế hoạch".into(),
                document: "12/UBND".into(),
                claimed: None,
                received: date(received),
                round,
                late,
                outcome: None,
                response: String::new(),
            });
            self
        }
    }

    fn round(number: u32, opens: &str, closes: &str) -> Round {
        Round {
            year: YEAR,
            number,
            opens: date(opens),
            closes: date(closes),
            scope: RoundScope::Lowered,
            units: Vec::new(),
            note: String::new(),
            closed: false,
        }
    }

    fn model(items: Vec<It>, rounds: Vec<Round>) -> Model {
        let items = items.into_iter().map(|i| i.0).collect();
        let mut m = Model::from_parts(ctx(), items, HashMap::new());
        m.rounds = rounds;
        m
    }

    /// (unit code, leaf code) of the shown rows, in order.
    fn shown(q: &QueueState, m: &Model) -> Vec<(String, String)> {
        q.rows
            .iter()
            .map(|r| {
                (
                    m.unit_set().units[r.unit].code.clone(),
                    m.fw().nodes[r.node].code.clone(),
                )
            })
            .collect()
    }

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(u, l)| (u.to_string(), l.to_string()))
            .collect()
    }

    const TODAY: &str = "2025-03-20";

    /// A mix: adjustments of several sizes, a tie, a dispute, an escalation, a needs-info item,
    /// agreed and pending items (not in the queue).
    fn mixed() -> Model {
        use Status::*;
        model(
            vec![
                It::new("44", "1.1.1", 200, Some(100), Adjusted), // |Δ| 1.00
                It::new("01", "2.1", 300, Some(200), Adjusted),   // |Δ| 1.00, unit 01 first
                It::new("01", "1.1.1", 200, Some(100), Adjusted), // |Δ| 1.00, before 2.1
                It::new("31", "1.1.2", 150, Some(125), Adjusted).by("binh", "2025-03-10T03:00:00Z"),
                It::new("48", "2.1", 200, Some(50), Disputed).explained(1, "2025-03-05", true),
                It::new("48", "1.1.1", 200, Some(150), Escalated)
                    .by("lead", "2025-03-18T03:00:00Z"),
                It::new("31", "2.1", 300, None, NeedsInfo),
                It::new("44", "2.1", 100, Some(150), Adjusted), // raised: Δ +0.50
                It::new("01", "1.1.2", 150, Some(150), Agreed),
                It::new("44", "1.1.2", 150, None, Pending),
            ],
            Vec::new(),
        )
    }

    #[test]
    fn largest_delta_first_ties_by_unit_then_criterion_order() {
        let m = mixed();
        let q = QueueState::new(&m, date(TODAY));
        assert_eq!(
            shown(&q, &m),
            pairs(&[
                ("48", "2.1"),   // -1.50
                ("01", "1.1.1"), // -1.00 ×3: unit 01 before 44; 1.1.1 before 2.1
                ("01", "2.1"),
                ("44", "1.1.1"),
                ("44", "2.1"),   // +0.50
                ("48", "1.1.1"), // -0.50
                ("31", "1.1.2"), // -0.25
                ("31", "2.1"),   // 0 (needs info)
            ])
        );
        assert_eq!(q.rows[0].kind, Kind::Disputed);
        assert_eq!(q.rows[4].delta, p(50), "a raised score is kept, signed");
        // Agreed and pending items need nobody's attention.
        assert_eq!(q.rows.len(), 8);
        assert_eq!(q.count(Kind::Adjusted), 5);
        assert_eq!(q.count(Kind::Disputed), 1);
        assert_eq!(q.count(Kind::Escalated), 1);
        assert_eq!(q.count(Kind::NeedsInfo), 1);
        assert_eq!(q.count(Kind::Overdue), 0);
    }

    #[test]
    fn the_other_sorts_and_reverse() {
        let m = mixed();
        let mut q = QueueState::new(&m, date(TODAY));
        q.next_sort(&m);
        assert_eq!(q.sort, SortKey::Age);
        // The dispute's age counts from the day its explanation was received (15 days); the
        // others from their last change (19 days for most, 10 for binh's, 2 for the lead's).
        let first = &q.rows[0];
        assert_eq!(first.age, Some(19));
        assert_eq!(
            shown(&q, &m)[4..],
            pairs(&[
                ("44", "2.1"),
                ("48", "2.1"),
                ("31", "1.1.2"),
                ("48", "1.1.1")
            ])[..]
        );
        assert_eq!(q.rows[5].age, Some(15));
        q.next_sort(&m);
        assert_eq!(q.sort, SortKey::Area);
        let areas: Vec<&str> = q
            .rows
            .iter()
            .map(|r| m.fw().nodes[r.area].code.as_str())
            .collect();
        assert_eq!(areas, ["1", "1", "1", "1", "2", "2", "2", "2"]);
        assert_eq!(
            shown(&q, &m)[..4],
            pairs(&[
                ("01", "1.1.1"),
                ("44", "1.1.1"),
                ("48", "1.1.1"),
                ("31", "1.1.2")
            ])[..]
        );
        q.next_sort(&m);
        assert_eq!(q.sort, SortKey::Unit);
        assert_eq!(
            shown(&q, &m)[..3],
            pairs(&[("01", "1.1.1"), ("01", "2.1"), ("31", "1.1.2")])[..]
        );
        q.toggle_reverse(&m);
        assert_eq!(shown(&q, &m)[0], ("48".to_string(), "2.1".to_string()));
        q.next_sort(&m);
        assert_eq!(q.sort, SortKey::Delta, "the sorts cycle");
    }

    #[test]
    fn each_filter_narrows_and_clearing_restores() {
        let m = mixed();
        let mut q = QueueState::new(&m, date(TODAY));
        // Kind: all → open → disputed → escalated → overdue → needs info → adjusted → all.
        q.next_kind(&m);
        assert_eq!(q.kind, KindFilter::Open);
        assert_eq!(
            shown(&q, &m),
            pairs(&[("48", "2.1"), ("48", "1.1.1"), ("31", "2.1")])
        );
        q.next_kind(&m);
        assert_eq!(shown(&q, &m), pairs(&[("48", "2.1")]));
        q.next_kind(&m);
        assert_eq!(shown(&q, &m), pairs(&[("48", "1.1.1")]));
        q.next_kind(&m);
        assert_eq!(q.kind, KindFilter::Only(Kind::Overdue));
        assert!(q.rows.is_empty());
        assert_eq!(q.cursor, 0);
        q.next_kind(&m);
        assert_eq!(shown(&q, &m), pairs(&[("31", "2.1")]));
        q.next_kind(&m);
        assert_eq!(q.rows.len(), 5);
        assert!(q.rows.iter().all(|r| r.kind == Kind::Adjusted));
        q.next_kind(&m);
        assert_eq!(q.kind, KindFilter::All);

        // Area 2 only.
        q.next_area(&m);
        q.next_area(&m);
        assert_eq!(q.area, m.fw().position("2"));
        assert_eq!(
            shown(&q, &m),
            pairs(&[("48", "2.1"), ("01", "2.1"), ("44", "2.1"), ("31", "2.1")])
        );
        // Counts follow the other filters.
        assert_eq!(q.count(Kind::Adjusted), 2);
        assert_eq!(q.count(Kind::Escalated), 0);
        q.next_area(&m);
        assert_eq!(q.area, None, "after the last area: all");

        // Region BTB (44, 48).
        q.next_region(&m);
        q.next_region(&m);
        assert_eq!(q.region.as_deref(), Some("BTB"));
        assert!(q.rows.iter().all(|r| {
            let code = &m.unit_set().units[r.unit].code;
            code == "44" || code == "48"
        }));
        assert_eq!(q.rows.len(), 4);
        q.next_region(&m);
        assert_eq!(q.region, None);

        // Appraisers are the last actors, by name.
        assert_eq!(q.appraisers, ["an", "binh", "lead"]);
        q.next_appraiser(&m);
        q.next_appraiser(&m);
        assert_eq!(q.appraiser.as_deref(), Some("binh"));
        assert_eq!(shown(&q, &m), pairs(&[("31", "1.1.2")]));

        // Filters combine; clearing restores everything.
        q.next_region(&m);
        assert_eq!(shown(&q, &m), pairs(&[("31", "1.1.2")]), "31 is in DBSH");
        q.next_region(&m);
        assert!(q.rows.is_empty(), "binh has nothing in BTB");
        q.clear_filters(&m);
        assert_eq!(q.rows.len(), 8);
        assert_eq!(
            (q.area, q.region.clone(), q.appraiser.clone()),
            (None, None, None)
        );
    }

    #[test]
    fn overdue_after_the_closing_date_until_explained() {
        use Status::*;
        let items = || {
            vec![
                // Lowered: open in the round; 01 explained, 44 not.
                It::new("01", "1.1.1", 200, Some(100), Disputed).explained(1, "2025-03-10", false),
                It::new("44", "1.1.1", 200, Some(150), Adjusted),
                // Raised: not open in a "lowered" round, stays an adjustment.
                It::new("48", "1.1.1", 100, Some(150), Adjusted),
            ]
        };
        let r = round(1, "2025-03-01", "2025-03-15");
        let m = model(items(), vec![r.clone()]);
        let kind_of = |q: &QueueState, unit: &str| {
            q.rows
                .iter()
                .find(|row| m.unit_set().units[row.unit].code == unit)
                .map(|row| (row.kind, row.round, row.flag))
        };
        // On the closing date: not yet overdue.
        let q = QueueState::new(&m, date("2025-03-15"));
        assert_eq!(kind_of(&q, "44"), Some((Kind::Adjusted, None, None)));
        // The day after: overdue in round 1.
        let q = QueueState::new(&m, date("2025-03-16"));
        assert_eq!(
            kind_of(&q, "44"),
            Some((Kind::Overdue, Some(1), Some(Flag::Overdue)))
        );
        assert_eq!(q.count(Kind::Overdue), 1);
        assert_eq!(kind_of(&q, "01").map(|k| k.0), Some(Kind::Disputed));
        assert_eq!(kind_of(&q, "48").map(|k| k.0), Some(Kind::Adjusted));

        // A late explanation arrives: no longer overdue, flagged late.
        let mut explained = items();
        explained[1] =
            It::new("44", "1.1.1", 200, Some(150), Disputed).explained(1, "2025-03-17", true);
        let m2 = model(explained, vec![r.clone()]);
        let q = QueueState::new(&m2, date("2025-03-18"));
        let row = q
            .rows
            .iter()
            .find(|row| m2.unit_set().units[row.unit].code == "44")
            .unwrap();
        assert_eq!(
            (row.kind, row.round, row.flag),
            (Kind::Disputed, Some(1), Some(Flag::Late))
        );
        assert_eq!(row.age, Some(1), "one day since it was received");
        assert_eq!(q.count(Kind::Overdue), 0);

        // A closed round makes nothing overdue.
        let mut closed = r;
        closed.closed = true;
        let m3 = model(items(), vec![closed]);
        let q = QueueState::new(&m3, date("2025-04-01"));
        assert_eq!(q.count(Kind::Overdue), 0);
    }

    #[test]
    fn settled_items_stay_only_while_their_score_differs() {
        use Status::*;
        let mut upheld =
            It::new("01", "1.1.1", 200, Some(200), Resolved).explained(1, "2025-03-10", false);
        if let Some(d) = upheld.0.appraisal.dispute.as_mut() {
            d.outcome = Some(Outcome::Upheld);
        }
        let mut decided =
            It::new("44", "1.1.1", 200, Some(100), Decided).explained(1, "2025-03-10", false);
        decided.0.appraisal.council = Some(Council {
            reason: "Đơn vị vẫn không đồng ý".into(),
            decision: None,
        });
        let m = model(vec![upheld, decided], Vec::new());
        let q = QueueState::new(&m, date(TODAY));
        assert_eq!(shown(&q, &m), pairs(&[("44", "1.1.1")]));
        assert_eq!((q.rows[0].kind, q.rows[0].round), (Kind::Adjusted, Some(1)));
    }

    #[test]
    fn the_cursor_follows_its_item_and_stays_in_place_when_it_leaves() {
        use Status::*;
        let mut m = mixed();
        let mut q = QueueState::new(&m, date(TODAY));
        q.cursor = 2; // 01 2.1
        assert_eq!(q.selected(), Some((0, m.fw().position("2.1").unwrap())));
        q.next_sort(&m); // by age: the item moves, the cursor follows it
        let pos = q.cursor;
        assert_eq!(q.rows[pos].unit, 0);
        assert_eq!(m.fw().nodes[q.rows[pos].node].code, "2.1");
        // Answered: the dispute at the top leaves the open filter; the cursor stays at row 0.
        q.sort = SortKey::Delta;
        q.kind = KindFilter::Open;
        q.refresh(&m);
        q.cursor = 0;
        let mut answered = It::new("48", "2.1", 200, Some(50), Resolved)
            .explained(1, "2025-03-05", true)
            .0;
        answered.version = 2;
        let ev_items: Vec<Item> = (0..m.unit_count())
            .flat_map(|u| m.unit_at(u).items.iter().flatten().cloned())
            .filter(|i| !(i.key.unit == "48" && i.key.leaf == "2.1"))
            .chain([answered])
            .collect();
        m = Model::from_parts(ctx(), ev_items, HashMap::new());
        q.rebuild(&m, date(TODAY));
        assert_eq!(q.cursor, 0);
        assert_eq!(shown(&q, &m)[0], ("48".to_string(), "1.1.1".to_string()));
        // Only a shown item can be selected: 44's adjustment is not open.
        assert!(!q.select(2, m.fw().position("1.1.1").unwrap()));
        assert!(q.select(1, m.fw().position("2.1").unwrap()));
        assert_eq!(q.cursor, 1);
    }

    #[test]
    fn the_header_is_about_the_latest_open_round() {
        let mut r1 = round(1, "2025-01-01", "2025-01-31");
        let r2 = round(2, "2025-03-01", "2025-03-29");
        assert_eq!(header_round(&[]), None);
        assert_eq!(
            header_round(&[r1.clone(), r2.clone()]).map(|r| r.number),
            Some(2)
        );
        r1.closed = true;
        let mut r2c = r2.clone();
        r2c.closed = true;
        assert_eq!(header_round(&[r1.clone(), r2]).map(|r| r.number), Some(2));
        let mut r3 = round(3, "2025-04-01", "2025-04-10");
        r3.closed = true;
        assert_eq!(
            header_round(&[r1, r2c, r3]).map(|r| r.number),
            Some(3),
            "all closed: the latest"
        );
    }
}
