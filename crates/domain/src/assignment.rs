//! Assignments (phân công, SPEC S6): a lead gives a unit of a year, or one area (lĩnh vực) of
//! a unit, to an appraiser. An assignment is state like a round: it changes only through
//! `Change::AssignmentChanged`, and whether a year enforces its assignments through
//! `Change::AssignmentsEnforced`, so `verify` covers both.
//!
//! Which assignment covers an item is a pure function here ([`Assignments::assignee`]): the
//! engine refuses by it when the year enforces assignments, and the workbench and the CLI warn
//! by it when it does not, so both say the same thing.

use serde::{Deserialize, Serialize};

use super::framework::{Framework, Method};
use super::item::Item;
use super::member::Role;

/// How far an assignment is: its appraised leaves an appraiser has taken a position on, of all
/// its appraised leaves (what the overview counts as reviewed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// One assignment: a unit (or one area of it) of a year, to a member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub year: u16,
    pub unit: String,
    /// The area's code (a top-level node of the framework); `None`: the whole unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// The member's OS user name.
    pub user: String,
}

/// The assignments of a year and whether the year enforces them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignments {
    /// By unit, then area (the whole unit first).
    pub list: Vec<Assignment>,
    /// On: the engine refuses an edit by an appraiser on an item assigned to someone else.
    /// Off (the default): it is done with a warning.
    #[serde(default)]
    pub enforced: bool,
}

impl Assignments {
    /// The assignment of exactly (unit, area).
    pub fn get(&self, unit: &str, area: Option<&str>) -> Option<&Assignment> {
        self.list
            .iter()
            .find(|a| a.unit == unit && a.area.as_deref() == area)
    }

    /// Who an item of `unit` in `area` is assigned to: the area's assignment, else the unit's.
    pub fn assignee(&self, unit: &str, area: &str) -> Option<&Assignment> {
        self.get(unit, Some(area)).or_else(|| self.get(unit, None))
    }

    /// The assignment that `user` (with `role`) would edit against, editing an item of `unit`
    /// in `area`: `Some` when the item is assigned to someone else and the user is not a lead
    /// (a lead is never warned nor refused).
    pub fn other_assignee(
        &self,
        user: &str,
        role: Option<Role>,
        unit: &str,
        area: &str,
    ) -> Option<&Assignment> {
        if role == Some(Role::Lead) {
            return None;
        }
        self.assignee(unit, area).filter(|a| a.user != user)
    }

    /// Whether any assignment of `unit` (whole or one area) is `user`'s: what the "của tôi"
    /// (mine) filter keeps.
    pub fn unit_is_mine(&self, user: &str, unit: &str) -> bool {
        self.list.iter().any(|a| a.unit == unit && a.user == user)
    }

    /// Whether an item of `unit` in `area` is `user`'s.
    pub fn item_is_mine(&self, user: &str, unit: &str, area: &str) -> bool {
        self.assignee(unit, area).is_some_and(|a| a.user == user)
    }

    /// The progress of each assignment (in `list` order): an item counts for the assignment
    /// that covers it ([`Assignments::assignee`]), so a unit's assignment does not count the
    /// areas of it given to someone else. `items` may be of any units; survey leaves, which
    /// nobody appraises, are not counted.
    pub fn progress<'a>(
        &self,
        fw: &Framework,
        items: impl IntoIterator<Item = &'a Item>,
    ) -> Vec<Progress> {
        let mut out = vec![Progress::default(); self.list.len()];
        let index = |unit: &str, leaf: &str| -> Option<usize> {
            let node = fw.node(leaf)?;
            if node.method != Method::Appraised || !node.is_leaf() {
                return None;
            }
            let area = fw.area_of(leaf)?;
            let a = self.assignee(unit, &area.code)?;
            self.list.iter().position(|x| std::ptr::eq(x, a))
        };
        for a in &self.list {
            for leaf in fw.leaves() {
                if let Some(i) = index(&a.unit, &leaf.code)
                    && std::ptr::eq(&self.list[i], a)
                {
                    out[i].total += 1;
                }
            }
        }
        for item in items {
            if let Some(i) = index(&item.key.unit, &item.key.leaf)
                && item.status().is_reviewed()
            {
                out[i].done += 1;
            }
        }
        out
    }

    /// The progress summed per assignee, in the order the assignees first appear.
    pub fn progress_by_user(&self, progress: &[Progress]) -> Vec<(String, Progress)> {
        let mut out: Vec<(String, Progress)> = Vec::new();
        for (a, p) in self.list.iter().zip(progress) {
            match out.iter_mut().find(|(u, _)| *u == a.user) {
                Some((_, sum)) => {
                    sum.done += p.done;
                    sum.total += p.total;
                }
                None => out.push((a.user.clone(), *p)),
            }
        }
        out
    }

    /// Put (or with `user` `None`, remove) the assignment of (unit, area), keeping the order.
    pub fn set(&mut self, year: u16, unit: &str, area: Option<&str>, user: Option<&str>) {
        self.list
            .retain(|a| !(a.unit == unit && a.area.as_deref() == area));
        if let Some(user) = user {
            self.list.push(Assignment {
                year,
                unit: unit.to_string(),
                area: area.map(str::to_string),
                user: user.to_string(),
            });
            self.list.sort_by(|a, b| {
                (a.unit.as_str(), a.area.as_deref()).cmp(&(b.unit.as_str(), b.area.as_deref()))
            });
        }
    }
}

/// The warning shown when an edit is done on an item assigned to someone else, or the start
/// of the refusal when the year enforces assignments.
pub fn assigned_to_message(a: &Assignment, lang: l10n::Lang) -> String {
    let vi = lang == l10n::Lang::Vi;
    let what = match (&a.area, vi) {
        (Some(area), true) => format!("lĩnh vực {area} của đơn vị {}", a.unit),
        (Some(area), false) => format!("area {area} of unit {}", a.unit),
        (None, true) => format!("đơn vị {}", a.unit),
        (None, false) => format!("unit {}", a.unit),
    };
    if vi {
        format!("Tiêu chí này được phân công cho {} ({what}).", a.user)
    } else {
        format!("This item is assigned to {} ({what}).", a.user)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Assignments {
        let mut a = Assignments::default();
        a.set(2024, "44", None, Some("an"));
        a.set(2024, "44", Some("3"), Some("binh"));
        a.set(2024, "01", None, Some("binh"));
        a
    }

    #[test]
    fn an_area_assignment_wins_over_the_unit_assignment() {
        let a = sample();
        assert_eq!(a.assignee("44", "3").map(|a| a.user.as_str()), Some("binh"));
        assert_eq!(a.assignee("44", "1").map(|a| a.user.as_str()), Some("an"));
        assert_eq!(a.assignee("22", "1"), None);
        assert_eq!(a.list[0].unit, "01", "kept in unit order: {:?}", a.list);
    }

    #[test]
    fn a_lead_is_never_warned_and_the_assignee_is_not_either() {
        let a = sample();
        assert!(
            a.other_assignee("an", Some(Role::Appraiser), "44", "1")
                .is_none()
        );
        assert!(
            a.other_assignee("chi", Some(Role::Lead), "44", "1")
                .is_none()
        );
        let other = a.other_assignee("an", Some(Role::Appraiser), "44", "3");
        assert_eq!(other.map(|a| a.user.as_str()), Some("binh"));
        assert!(a.unit_is_mine("binh", "44"));
        assert!(!a.item_is_mine("binh", "44", "1"));
    }

    #[test]
    fn progress_counts_each_appraised_leaf_for_the_assignment_that_covers_it() {
        let fw = crate::testutil::fixture_framework();
        let leaves: Vec<&crate::Node> = fw
            .leaves()
            .filter(|n| n.method == Method::Appraised)
            .collect();
        let area_of = |n: &crate::Node| fw.area_of(&n.code).map(|a| a.code.clone());
        let first_area = area_of(leaves[0]).unwrap();
        let in_first = leaves
            .iter()
            .filter(|n| area_of(n).as_deref() == Some(first_area.as_str()))
            .count();
        let mut a = Assignments::default();
        a.set(2024, "44", None, Some("an"));
        a.set(2024, "44", Some(&first_area), Some("binh"));
        // One reviewed item in the first area, one pending one.
        let mut done = Item::new(crate::ItemKey::new(2024, "44", leaves[0].code.clone()));
        done.appraisal.status = crate::Status::Agreed;
        let pending = Item::new(crate::ItemKey::new(2024, "44", leaves[1].code.clone()));
        let p = a.progress(&fw, [&done, &pending]);
        assert_eq!(a.list[1].user, "binh", "{:?}", a.list);
        assert_eq!(
            p[1],
            Progress {
                done: 1,
                total: in_first
            }
        );
        assert_eq!(
            p[0].total,
            leaves.len() - in_first,
            "binh's area is not an's"
        );
        let by = a.progress_by_user(&p);
        assert_eq!(by.len(), 2);
        assert_eq!(by.iter().map(|(_, p)| p.total).sum::<usize>(), leaves.len());
    }

    #[test]
    fn clearing_removes_only_that_assignment() {
        let mut a = sample();
        a.set(2024, "44", None, None);
        assert!(a.get("44", None).is_none());
        assert!(a.get("44", Some("3")).is_some());
        let m = assigned_to_message(a.get("44", Some("3")).unwrap(), l10n::Lang::Vi);
        assert_eq!(
            m,
            "Tiêu chí này được phân công cho binh (lĩnh vực 3 của đơn vị 44)."
        );
    }
}
