//! Assignments (phân công): a lead gives a unit of a year, or one area (lĩnh vực) of a unit, to
//! an appraiser. An assignment is state like a round: it changes only through
//! `Change::AssignmentChanged`, and whether a year enforces its assignments through
//! `Change::AssignmentsEnforced`, so `verify` covers both.
//!
//! Which assignment covers an item is a pure function here ([`Assignments::assignee`]): the
//! engine refuses by it when the year enforces assignments, and the workbench and the CLI warn
//! by it when it does not, so both say the same thing.

use serde::{Deserialize, Serialize};

use super::member::Role;

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
