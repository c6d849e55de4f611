//! The selected item and the commands sent for it: agree, adjust, request evidence, bulk
//! agree, undo, finalize, reopen, disputes; refusals and conflicts; history.

use super::*;

impl App {
    // ----- the selected item -------------------------------------------------------------

    /// The leaf the current screen is about: the walk's item, or the tree row under the cursor.
    pub fn selected_leaf(&self) -> Option<(usize, usize)> {
        match self.screen {
            Screen::Walk => {
                let w = self.walk.as_ref()?;
                Some((w.unit_idx, w.current()?))
            }
            Screen::Bench => {
                let b = self.bench.as_ref()?;
                let n = b.selected()?;
                self.model.fw().nodes[n]
                    .is_leaf()
                    .then_some((b.unit_idx, n))
            }
            // Every row of the queue is a leaf with an item: the workbench's item keys (history,
            // disputes) act on it.
            Screen::Queue => self.queue.selected(),
            Screen::Overview | Screen::Ranking => None,
        }
    }

    pub(super) fn selected_item(&self) -> Option<(ItemKey, Option<&Item>, usize)> {
        let (u, n) = self.selected_leaf()?;
        let key = ItemKey::new(
            self.model.year,
            self.model.unit_set().units[u].code.clone(),
            self.model.fw().nodes[n].code.clone(),
        );
        Some((key, self.model.unit_at(u).items[n].as_ref(), n))
    }

    /// The selected item if it can be appraised here, else a message saying why not.
    pub(super) fn appraisable(&mut self) -> Option<(ItemKey, u64, usize)> {
        if self.role.is_none_or(|r| !r.can_write()) {
            self.info(Msg::ReadOnly);
            return None;
        }
        let Some((key, item, n)) = self.selected_item() else {
            self.info(Msg::NothingSelected);
            return None;
        };
        if self.model.fw().nodes[n].method == Method::Survey {
            self.info(Msg::SurveyNotEditable);
            return None;
        }
        let version = item.map_or(0, |i| i.version);
        Some((key, version, n))
    }

    // ----- commands ----------------------------------------------------------------------

    /// Run a command; on success apply its events to the cache at once (the notice that
    /// follows is then recognised as already applied).
    pub(super) fn run(&mut self, cmd: Command) -> Result<Vec<DomainEvent>, WorkbenchError> {
        let events = self.wb.apply(cmd)?;
        let changed = self.model.apply_events(&events);
        self.after_change(&changed);
        Ok(events)
    }

    /// Refresh what depends on the data after events were applied.
    pub(super) fn after_change(&mut self, changed: &Changed) {
        if changed.members
            && let Ok(r) = self.wb.role()
        {
            self.role = r;
        }
        if changed.units.is_empty() && !changed.rounds {
            return;
        }
        if !changed.units.is_empty() {
            self.overview.rebuild(&self.model);
            // Scores changed: the ranking's order and averages follow (ranks are the model's).
            self.ranking.rebuild(&self.model);
            if let Some(b) = self.bench.as_mut() {
                b.rebuild(&self.model);
            }
        }
        // Items or rounds changed: the queue's rows are collected again (a cursor move never
        // does this).
        let today = self.today();
        self.queue.rebuild(&self.model, today);
    }

    /// Show an engine refusal: a conflict opens the conflict dialog, anything else a message.
    pub(super) fn refused(&mut self, e: WorkbenchError) {
        match e {
            WorkbenchError::Conflict { key, current, .. } => {
                let mine = self.overlays.iter().rev().find_map(|o| match o {
                    Overlay::Editor(ed) if ed.key == key => {
                        Some((ed.score.text().to_string(), ed.text.lines().join("\n")))
                    }
                    _ => None,
                });
                self.overlays
                    .push(Overlay::Conflict(ConflictState { key, current, mine }));
            }
            other => self.error(other.message(self.lang)),
        }
    }

    pub(super) fn agree(&mut self) {
        let Some((key, expected, _)) = self.appraisable() else {
            return;
        };
        match self.run(Command::Agree {
            key: key.clone(),
            expected,
        }) {
            Ok(_) => {
                let _ = self.wb.delete_draft(&key);
                self.saved();
                if self.screen == Screen::Walk {
                    self.walk_next();
                }
            }
            Err(e) => self.refused(e),
        }
    }

    pub(super) fn saved(&mut self) {
        let text = format!("{} {}", self.theme.marks.saved, self.tr(Msg::Saved));
        self.ok(text);
    }

    pub(super) fn walk_next(&mut self) {
        if let Some(w) = self.walk.as_mut() {
            w.advance(&self.model);
            self.walk_scroll = 0;
        }
    }

    pub(super) fn undo(&mut self) {
        if self.role.is_none_or(|r| !r.can_write()) {
            self.info(Msg::ReadOnly);
            return;
        }
        match self.run(Command::Undo) {
            Ok(events) => {
                // Follow the undone item so the user sees what changed back.
                if let Some(key) = events
                    .iter()
                    .find_map(|e| e.body.change.item_key())
                    .cloned()
                {
                    self.follow(&key);
                }
                self.info(Msg::Undone);
            }
            Err(e) => self.refused(e),
        }
    }

    /// Put the workbench cursor on an item of the open unit.
    pub(super) fn follow(&mut self, key: &ItemKey) {
        let Some(n) = self.model.fw().position(&key.leaf) else {
            return;
        };
        if let Some(b) = self.bench.as_mut()
            && b.unit == key.unit
            && self.screen == Screen::Bench
        {
            b.select_node(&self.model, n);
        }
    }

    pub(super) fn open_editor(&mut self, focus: Field) {
        let Some((key, expected, n)) = self.appraisable() else {
            return;
        };
        let node = &self.model.fw().nodes[n];
        let (max, step) = (node.max, node.score_step(self.model.fw().step));
        let item = self.model.item(&key.unit, &key.leaf).cloned();
        let origin = if self.screen == Screen::Walk {
            Origin::Walk
        } else {
            Origin::Bench
        };
        let comma = self.lang == Lang::Vi;
        let mut ed = match self.wb.draft(&key) {
            Ok(Some(d)) => {
                EditorState::new(key, expected, max, step, &d.score, &d.text, origin, true)
            }
            other => {
                if let Err(e) = other {
                    self.error(e.message(self.lang));
                }
                let score = item
                    .as_ref()
                    .and_then(|i| i.appraisal.proposed.or_else(|| i.self_score()))
                    .map(|p| p.display_with(comma))
                    .unwrap_or_default();
                let text = item
                    .as_ref()
                    .map_or("", |i| i.appraisal.justification.as_str());
                EditorState::new(key, expected, max, step, &score, text, origin, false)
            }
        };
        ed.focus = focus;
        self.overlays.push(Overlay::Editor(Box::new(ed)));
    }

    pub(super) fn open_request(&mut self) {
        let Some((key, expected, _)) = self.appraisable() else {
            return;
        };
        let origin = if self.screen == Screen::Walk {
            Origin::Walk
        } else {
            Origin::Bench
        };
        self.overlays.push(Overlay::Prompt(PromptState {
            kind: PromptKind::RequestEvidence { key, expected },
            input: LineInput::default(),
            error: None,
            origin,
        }));
    }

    /// The unit the current screen is about.
    pub(super) fn current_unit(&self) -> Option<usize> {
        match self.screen {
            Screen::Overview => self.overview.selected(),
            Screen::Ranking => self.ranking.selected(),
            Screen::Bench => self.bench.as_ref().map(|b| b.unit_idx),
            Screen::Walk => self.walk.as_ref().map(|w| w.unit_idx),
            Screen::Queue => self.queue.selected().map(|(u, _)| u),
        }
    }

    pub(super) fn ask_finalize(&mut self) {
        let Some(u) = self.current_unit() else { return };
        if !self.may(CommandKind::Finalize) {
            self.info(Msg::LeadOnly);
            return;
        }
        let unit = &self.model.unit_set().units[u];
        self.overlays.push(Overlay::Confirm(ConfirmState::Finalize {
            year: self.model.year,
            unit: unit.code.clone(),
            name: unit.name.clone(),
        }));
    }

    pub(super) fn open_reopen(&mut self) {
        let Some(u) = self.current_unit() else { return };
        if !self.may(CommandKind::Reopen) {
            self.info(Msg::LeadOnly);
            return;
        }
        let unit = self.model.unit_set().units[u].code.clone();
        self.overlays.push(Overlay::Prompt(PromptState {
            kind: PromptKind::Reopen {
                year: self.model.year,
                unit,
            },
            input: LineInput::default(),
            error: None,
            origin: Origin::Bench,
        }));
    }

    /// Bulk agree: list the area's pending items with the versions seen, then ask.
    pub(super) fn ask_bulk_agree(&mut self) {
        if self.role.is_none_or(|r| !r.can_write()) {
            self.info(Msg::ReadOnly);
            return;
        }
        let Some(b) = &self.bench else { return };
        let Some(area) = b.selected_area(&self.model) else {
            return;
        };
        let fw = self.model.fw();
        let area_node = &fw.nodes[area];
        let data = self.model.unit_at(b.unit_idx);
        let items: Vec<(String, u64)> = fw
            .leaves_under(&area_node.code)
            .into_iter()
            .filter(|n| n.method == Method::Appraised)
            .filter_map(|n| {
                let i = data.items[fw.position(&n.code)?].as_ref()?;
                (i.status() == Status::Pending && i.self_assessment.is_some())
                    .then(|| (n.code.clone(), i.version))
            })
            .collect();
        if items.is_empty() {
            self.info(Msg::NoPendingInArea);
            return;
        }
        self.overlays
            .push(Overlay::Confirm(ConfirmState::BulkAgree {
                year: self.model.year,
                unit: b.unit.clone(),
                area: area_node.code.clone(),
                area_name: area_node.name.clone(),
                items,
            }));
    }

    /// Enter / y in a yes-no question (or the conflict dialog: reload).
    pub(super) fn confirm(&mut self) {
        match self.overlays.pop() {
            Some(Overlay::Confirm(ConfirmState::BulkAgree {
                year,
                unit,
                area,
                items,
                ..
            })) => {
                let n = items.len();
                match self.run(Command::BulkAgree {
                    year,
                    unit,
                    area,
                    items,
                }) {
                    Ok(_) => {
                        let text = format!(
                            "{} {}",
                            self.theme.marks.saved,
                            i18n::bulk_agreed(self.lang, n)
                        );
                        self.ok(text);
                    }
                    Err(e) => self.refused(e),
                }
            }
            Some(Overlay::Confirm(ConfirmState::Finalize { year, unit, .. })) => {
                match self.run(Command::Finalize { year, unit }) {
                    Ok(_) => self.saved(),
                    Err(e) => self.refused(e),
                }
            }
            Some(Overlay::Conflict(c)) => {
                // Re-apply mine: their version becomes the base, then my edit is saved on it.
                let key = c.key.clone();
                self.reload_after_conflict(c);
                if matches!(self.overlays.last(), Some(Overlay::Editor(ed)) if ed.key == key) {
                    self.save_editor();
                }
            }
            Some(other) => self.overlays.push(other),
            None => {}
        }
    }

    /// In the conflict dialog: keep the other person's change and drop mine (editor and draft).
    pub(super) fn keep_theirs(&mut self) {
        let Some(Overlay::Conflict(c)) = self.overlays.last() else {
            return;
        };
        let key = c.key.clone();
        if let Some(Overlay::Conflict(c)) = self.overlays.pop() {
            self.reload_after_conflict(c);
        }
        self.overlays.retain(|o| {
            !matches!(o, Overlay::Editor(ed) if ed.key == key)
                && !matches!(o, Overlay::Form(f) if *f.key() == key)
        });
        let _ = self.wb.delete_draft(&key);
        self.info(Msg::KeptTheirs);
    }

    /// Take the other person's version as the base: the cache gets it and an open editor on
    /// the item now saves over that version (the user has seen it).
    pub(super) fn reload_after_conflict(&mut self, c: ConflictState) {
        let version = c.current.version;
        let key = c.key.clone();
        if self.model.refresh_item(*c.current) {
            let changed = Changed {
                items: vec![key.clone()],
                units: [key.unit.clone()].into_iter().collect(),
                ..Changed::default()
            };
            self.after_change(&changed);
        }
        for o in &mut self.overlays {
            match o {
                Overlay::Editor(ed) if ed.key == key => ed.expected = version,
                Overlay::Form(f) if *f.key() == key => f.set_expected(version),
                Overlay::Prompt(PromptState {
                    kind: PromptKind::RequestEvidence { key: k, expected },
                    ..
                }) if *k == key => *expected = version,
                _ => {}
            }
        }
        self.info(Msg::Reloaded);
    }

    /// F2 / Enter in the editor or a prompt.
    pub(super) fn save(&mut self) {
        match self.overlays.last() {
            Some(Overlay::Editor(_)) => self.save_editor(),
            Some(Overlay::Prompt(_)) => self.send_prompt(),
            Some(Overlay::Form(_)) => self.submit_form(),
            _ => {}
        }
    }

    pub(super) fn save_editor(&mut self) {
        let Some(Overlay::Editor(ed)) = self.overlays.last_mut() else {
            return;
        };
        let score = match Points::parse(ed.score.text()) {
            Ok(p) => p,
            Err(e) => {
                ed.error = Some(i18n::points_error(self.lang, &e));
                ed.focus = Field::Score;
                return;
            }
        };
        let cmd = Command::Adjust {
            key: ed.key.clone(),
            score,
            justification: ed.justification(),
            expected: ed.expected,
        };
        let key = ed.key.clone();
        let origin = ed.origin;
        match self.run(cmd) {
            Ok(_) => {
                self.overlays.pop();
                if let Err(e) = self.wb.delete_draft(&key) {
                    self.error(e.message(self.lang));
                } else {
                    self.saved();
                }
                if origin == Origin::Walk {
                    self.walk_next();
                }
            }
            Err(e) if e.is_conflict() => self.refused(e),
            Err(e) => {
                let msg = e.message(self.lang);
                if let Some(Overlay::Editor(ed)) = self.overlays.last_mut() {
                    if matches!(e, WorkbenchError::JustificationRequired { .. }) {
                        ed.focus = Field::Text;
                    }
                    ed.error = Some(msg);
                }
            }
        }
    }

    pub(super) fn send_prompt(&mut self) {
        let Some(Overlay::Prompt(p)) = self.overlays.last() else {
            return;
        };
        let text = p.input.text().trim().to_string();
        let origin = p.origin;
        let cmd = match &p.kind {
            PromptKind::RequestEvidence { key, expected } => Command::RequestEvidence {
                key: key.clone(),
                request: text,
                expected: *expected,
            },
            PromptKind::Reopen { year, unit } => Command::Reopen {
                year: *year,
                unit: unit.clone(),
                reason: text,
            },
        };
        match self.run(cmd) {
            Ok(_) => {
                self.overlays.pop();
                self.saved();
                if origin == Origin::Walk && self.screen == Screen::Walk {
                    self.walk_next();
                }
            }
            Err(e) if e.is_conflict() => self.refused(e),
            Err(e) => {
                let msg = e.message(self.lang);
                if let Some(Overlay::Prompt(p)) = self.overlays.last_mut() {
                    p.error = Some(msg);
                }
            }
        }
    }

    /// The dispute dialogs: record the unit's explanation, or answer it.
    pub(super) fn open_dispute_form(&mut self, resolve: bool) {
        let Some((key, expected, _)) = self.appraisable() else {
            return;
        };
        let form = if resolve {
            FormState::resolve_dispute(key, expected)
        } else {
            let today =
                domain::round::format_date(domain::round::today_in_vietnam(jiff::Timestamp::now()));
            FormState::record_dispute(key, expected, &today)
        };
        self.overlays.push(Overlay::Form(Box::new(form)));
    }

    /// The council dialogs (leads only): refer the item, or record the council's decision.
    pub(super) fn open_council_form(&mut self, decide: bool) {
        let kind = if decide {
            CommandKind::CouncilDecide
        } else {
            CommandKind::Escalate
        };
        if !self.may(kind) {
            self.info(Msg::LeadOnly);
            return;
        }
        let Some((key, expected, _)) = self.appraisable() else {
            return;
        };
        let form = if decide {
            FormState::council_decide(key, expected)
        } else {
            FormState::escalate(key, expected)
        };
        self.overlays.push(Overlay::Form(Box::new(form)));
    }

    pub(super) fn submit_form(&mut self) {
        let lang = self.lang;
        let Some(Overlay::Form(f)) = self.overlays.last_mut() else {
            return;
        };
        // An optional score field: empty is none, anything else must be a number.
        let score_at = |f: &mut FormState, i: usize| -> Result<Option<Points>, ()> {
            let s = f.text(i);
            if s.is_empty() {
                return Ok(None);
            }
            Points::parse(&s).map(Some).map_err(|e| {
                f.error = Some(i18n::points_error(lang, &e));
                f.focus = i;
            })
        };
        let cmd = match f.kind.clone() {
            FormKind::RecordDispute { key, expected } => {
                let Ok(claimed) = score_at(f, 2) else { return };
                let Some(received) = domain::round::parse_date(&f.text(3)) else {
                    f.error = Some(i18n::t(lang, Msg::BadDate).to_string());
                    f.focus = 3;
                    return;
                };
                Command::RecordDispute {
                    key,
                    explanation: f.text(0),
                    document: f.text(1),
                    claimed,
                    received,
                    round: None,
                    expected,
                }
            }
            FormKind::Escalate { key, expected } => Command::Escalate {
                key,
                reason: f.text(0),
                expected,
            },
            FormKind::CouncilDecide { key, expected } => {
                let Ok(score) = score_at(f, 0) else { return };
                let Some(score) = score else {
                    f.error = Some(i18n::t(lang, Msg::CouncilScoreRequired).to_string());
                    f.focus = 0;
                    return;
                };
                Command::CouncilDecide {
                    key,
                    score,
                    minutes: f.text(1),
                    decision: f.text(2),
                    expected,
                }
            }
            FormKind::ResolveDispute { key, expected } => {
                let Ok(score) = score_at(f, 1) else { return };
                let Some(outcome) = f.outcome() else { return };
                Command::ResolveDispute {
                    key,
                    outcome,
                    score,
                    response: f.text(2),
                    expected,
                }
            }
        };
        match self.run(cmd) {
            Ok(_) => {
                self.overlays.pop();
                self.saved();
            }
            Err(e) if e.is_conflict() => self.refused(e),
            Err(e) => {
                let msg = e.message(self.lang);
                if let Some(Overlay::Form(f)) = self.overlays.last_mut() {
                    f.error = Some(msg);
                }
            }
        }
    }

    pub(super) fn open_history(&mut self) {
        let Some((key, _, _)) = self.selected_item() else {
            self.info(Msg::NothingSelected);
            return;
        };
        let q = HistoryQuery {
            year: Some(key.year),
            unit: Some(key.unit.clone()),
            item: Some(key.leaf.clone()),
            ..HistoryQuery::default()
        };
        let h = match self.wb.history(&q) {
            Ok(events) => HistoryState::new(key, &events),
            Err(e) => HistoryState::failed(key, e.message(self.lang)),
        };
        self.overlays.push(Overlay::History(h));
    }
}
