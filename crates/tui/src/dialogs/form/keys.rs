//! The dispute dialogs' keys: opening them on the selected item (the council's only for leads)
//! and sending the form's command, with a parse error or the engine's refusal in place.

use crate::app::App;
use crate::dialogs::Overlay;
use crate::dialogs::form::{FormKind, FormState};
use crate::i18n::{self, Msg};
use domain::{Command, CommandKind, Points};

impl App {
    /// The dispute dialogs: record the unit's explanation, or answer it.
    pub(crate) fn open_dispute_form(&mut self, resolve: bool) {
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
    pub(crate) fn open_council_form(&mut self, decide: bool) {
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

    /// F2: send the form's command; a bad score or date, or a refusal, stays in the form.
    pub(crate) fn submit_form(&mut self) {
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
}
