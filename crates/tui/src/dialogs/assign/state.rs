//! The assign dialog's state: the province, the areas and the people to choose from, what is
//! chosen, and the engine's refusal.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use domain::{Assignments, Framework, Member, Role};

pub struct AssignState {
    pub year: u16,
    pub unit: String,
    pub name: String,
    /// `None`: the whole unit; else an area's code, with its name.
    pub areas: Vec<(Option<String>, String)>,
    pub area: usize,
    /// The members who can be assigned (appraisers and leads); `None` clears the assignment.
    pub users: Vec<Option<String>>,
    pub user: usize,
    /// 0: the area, 1: the person.
    pub focus: usize,
    /// Who has each (unit, area) now, to preselect the person and show it.
    current: Assignments,
    pub error: Option<String>,
}

impl AssignState {
    pub fn new(
        year: u16,
        unit: &str,
        name: &str,
        fw: &Framework,
        members: &[Member],
        current: &Assignments,
    ) -> AssignState {
        let mut areas: Vec<(Option<String>, String)> = vec![(None, String::new())];
        areas.extend(fw.areas().map(|n| (Some(n.code.clone()), n.name.clone())));
        let mut users: Vec<Option<String>> = members
            .iter()
            .filter(|m| matches!(m.role, Role::Appraiser | Role::Lead))
            .map(|m| Some(m.user.clone()))
            .collect();
        users.push(None);
        let mut s = AssignState {
            year,
            unit: unit.to_string(),
            name: name.to_string(),
            areas,
            area: 0,
            users,
            user: 0,
            focus: 1,
            current: current.clone(),
            error: None,
        };
        s.preselect();
        s
    }

    /// The area chosen (`None`: the whole unit).
    pub fn area_code(&self) -> Option<&str> {
        self.areas.get(self.area).and_then(|(c, _)| c.as_deref())
    }

    /// The person chosen (`None`: clear the assignment).
    pub fn user_name(&self) -> Option<&str> {
        self.users.get(self.user).and_then(|u| u.as_deref())
    }

    /// Who has the chosen (unit, area) now.
    pub fn assignee_now(&self) -> Option<&str> {
        self.current
            .get(&self.unit, self.area_code())
            .map(|a| a.user.as_str())
    }

    /// Put the person choice on whoever has the chosen area now (else the first person).
    fn preselect(&mut self) {
        let now = self.assignee_now().map(str::to_string);
        self.user = self
            .users
            .iter()
            .position(|u| u.is_some() && u.as_deref() == now.as_deref())
            .unwrap_or(0);
    }

    /// ←/→ change the focused choice; Tab, Shift-Tab, ↑ and ↓ move between the two.
    pub fn input(&mut self, key: KeyEvent) {
        let step = |i: &mut usize, n: usize, forward: bool| {
            *i = if forward {
                (*i + 1) % n
            } else {
                (*i + n - 1) % n
            };
        };
        match key.code {
            KeyCode::Tab | KeyCode::BackTab | KeyCode::Up | KeyCode::Down => {
                self.focus = 1 - self.focus;
            }
            KeyCode::Right | KeyCode::Left | KeyCode::Char(' ') => {
                let forward = key.code != KeyCode::Left;
                if self.focus == 0 {
                    step(&mut self.area, self.areas.len(), forward);
                    self.preselect();
                } else {
                    step(&mut self.user, self.users.len(), forward);
                }
                self.error = None;
            }
            _ => {}
        }
    }
}
