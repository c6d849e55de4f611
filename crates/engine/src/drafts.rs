//! Drafts: a justification being typed, kept on the server so an SSH drop loses nothing (SPEC
//! W5). Not events, but the store's disk all the same, so the same rules as the command the draft
//! is for (SPEC S2, S5): who may write, which items exist, how long a text may be, and how many
//! drafts one user keeps.

use domain::limits::{DRAFTS_PER_USER, TextField};
use domain::{CommandKind, Draft, ItemKey};

use super::appraisal::leaf;
use super::{Engine, OrStore, WorkbenchError, check_len, not_writer, of_item};

impl Engine {
    /// Keep `actor`'s draft for `key`, replacing the one they had. Refused, with nothing
    /// written, when the actor may not adjust scores (a non-member, an auditor), when the key
    /// names no leaf of an opened year or a survey leaf, when a text is over its limit, or when
    /// it would be a new draft beyond [`DRAFTS_PER_USER`].
    pub fn put_draft(
        &self,
        actor: &str,
        key: &ItemKey,
        draft: &Draft,
    ) -> Result<(), WorkbenchError> {
        let members = self.store.members().or_store()?;
        let role = members.iter().find(|m| m.user == actor).map(|m| m.role);
        // A draft is an adjustment being typed: whoever may not adjust may not keep one.
        if !role.is_some_and(|r| CommandKind::Adjust.allowed_for(r)) {
            return Err(not_writer(&members, actor, role));
        }
        let (_, _, method) = leaf(self, key)?;
        if !method.takes_decisions() {
            return Err(WorkbenchError::SurveyNotEditable { key: key.clone() });
        }
        check_len(&draft.text, TextField::DraftText, of_item(key))?;
        check_len(&draft.score, TextField::DraftScore, of_item(key))?;
        let _guard = self.drafts.lock().unwrap_or_else(|p| p.into_inner());
        // Replacing a draft keeps the count; only a new one is counted.
        if self.store.draft(actor, key).or_store()?.is_none()
            && self.store.drafts(actor).or_store()?.len() >= DRAFTS_PER_USER
        {
            return Err(WorkbenchError::TooManyDrafts {
                user: actor.to_string(),
                key: key.clone(),
                limit: DRAFTS_PER_USER,
            });
        }
        self.store.put_draft(actor, key, draft).or_store()
    }
}
