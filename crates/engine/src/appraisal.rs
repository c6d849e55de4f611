//! Item commands: imports, agree, adjust, evidence requests, bulk agree, disputes, undo.

use crate::OrStore;
use std::collections::HashSet;
use std::sync::Arc;

use domain::{Appraisal, Change, CommandKind, Item, ItemKey, Method, Points, Status};

use domain::limits::TextField;

use super::{Ctx, Engine, WorkbenchError, YearContext, limited, of_item};

/// Check that the key names a known unit and a leaf; return the year and the leaf's (max, method).
pub(super) fn leaf(
    engine: &Engine,
    key: &ItemKey,
) -> Result<(Arc<YearContext>, Points, Method), WorkbenchError> {
    let y = engine.year(key.year)?;
    let (max, method) = leaf_in(&y, key)?;
    Ok((y, max, method))
}

/// [`leaf`] in a year already read.
pub(super) fn leaf_in(y: &YearContext, key: &ItemKey) -> Result<(Points, Method), WorkbenchError> {
    if y.units.unit(&key.unit).is_none() {
        return Err(WorkbenchError::UnknownUnit {
            year: key.year,
            unit: key.unit.clone(),
        });
    }
    let node = y
        .framework
        .node(&key.leaf)
        .ok_or_else(|| WorkbenchError::UnknownCriterion {
            year: key.year,
            code: key.leaf.clone(),
        })?;
    if !node.is_leaf() {
        return Err(WorkbenchError::NotALeaf {
            code: key.leaf.clone(),
        });
    }
    Ok((node.max, node.method))
}

pub(super) fn check_score(
    y: &YearContext,
    key: &ItemKey,
    score: Points,
    max: Points,
) -> Result<(), WorkbenchError> {
    let step = y
        .framework
        .node(&key.leaf)
        .map_or(y.framework.step, |n| n.score_step(y.framework.step));
    score
        .check_score(max, step)
        .map_err(|e| WorkbenchError::BadScore {
            key: key.clone(),
            reason: e.into(),
        })
}

/// Load an item for an appraiser's decision: known leaf, not survey, unit open, version as seen.
pub(super) fn for_decision(
    ctx: &Ctx,
    key: &ItemKey,
    expected: u64,
) -> Result<(Arc<YearContext>, Points, Item), WorkbenchError> {
    let (y, max, method) = leaf(ctx.engine, key)?;
    if !method.takes_decisions() {
        return Err(WorkbenchError::SurveyNotEditable { key: key.clone() });
    }
    ctx.check_open(key.year, &key.unit)?;
    super::assignments::check_item(ctx, &y, key)?;
    let item = ctx.item_or_new(key)?;
    if item.version != expected {
        return Err(WorkbenchError::Conflict {
            key: key.clone(),
            expected,
            current: Box::new(item),
        });
    }
    Ok((y, max, item))
}

pub(super) fn wrong_status(ctx: &Ctx, item: &Item) -> WorkbenchError {
    WorkbenchError::WrongStatus {
        key: item.key.clone(),
        status: item.status(),
        command: ctx.command.to_string(),
    }
}

pub(super) fn push_appraisal(ctx: &mut Ctx, item: &Item, after: Appraisal, reason: String) {
    ctx.push(
        Change::Appraised {
            key: item.key.clone(),
            version: item.version + 1,
            before: item.appraisal.clone(),
            after,
        },
        reason,
    );
}

/// A text that must be written and fit its field; `field` names it in the refusal of an empty one.
pub(super) fn require_text(
    key: &ItemKey,
    text: &str,
    field: &str,
    limit: TextField,
) -> Result<String, WorkbenchError> {
    let t = limited(text, limit, of_item(key))?;
    if t.trim().is_empty() {
        return Err(WorkbenchError::TextRequired {
            key: key.clone(),
            field: field.to_string(),
        });
    }
    Ok(t)
}

fn agreed(item: &Item, self_score: Points) -> Appraisal {
    Appraisal {
        proposed: Some(self_score),
        justification: String::new(),
        status: Status::Agreed,
        request: String::new(),
        dispute: item.appraisal.dispute.clone(),
        council: item.appraisal.council.clone(),
    }
}

/// The unit's self score, which agreeing and adjusting are measured against.
fn self_score(item: &Item) -> Result<Points, WorkbenchError> {
    item.self_assessment
        .as_ref()
        .map(|s| s.score)
        .ok_or_else(|| WorkbenchError::NoSelfScore {
            key: item.key.clone(),
        })
}

/// Agree with one item whose status `kind` (agree or bulk agree) allows.
fn agree_item(
    ctx: &mut Ctx,
    key: &ItemKey,
    expected: u64,
    kind: CommandKind,
) -> Result<(), WorkbenchError> {
    let (_, _, item) = for_decision(ctx, key, expected)?;
    if !kind.allowed_in(item.status()) {
        return Err(wrong_status(ctx, &item));
    }
    let after = agreed(&item, self_score(&item)?);
    if after == item.appraisal {
        // Already agreed: nothing to record.
        return Ok(());
    }
    push_appraisal(ctx, &item, after, String::new());
    Ok(())
}

pub(crate) fn agree(ctx: &mut Ctx, key: ItemKey, expected: u64) -> Result<(), WorkbenchError> {
    agree_item(ctx, &key, expected, CommandKind::Agree)
}

pub(crate) fn adjust(
    ctx: &mut Ctx,
    key: ItemKey,
    score: Points,
    justification: String,
    expected: u64,
) -> Result<(), WorkbenchError> {
    let (y, max, item) = for_decision(ctx, &key, expected)?;
    if !CommandKind::Adjust.allowed_in(item.status()) {
        return Err(wrong_status(ctx, &item));
    }
    check_score(&y, &key, score, max)?;
    let s = self_score(&item)?;
    let justification = limited(&justification, TextField::Justification, of_item(&key))?;
    let status = if score == s {
        Status::Agreed
    } else {
        if justification.trim().is_empty() {
            return Err(WorkbenchError::JustificationRequired { key });
        }
        let min = y.framework.meta.justification_min_chars;
        let has = domain::framework::justification_chars(&justification);
        if has < min {
            return Err(WorkbenchError::JustificationTooShort { key, has, min });
        }
        Status::Adjusted
    };
    let after = Appraisal {
        proposed: Some(score),
        justification,
        status,
        request: String::new(),
        dispute: item.appraisal.dispute.clone(),
        council: item.appraisal.council.clone(),
    };
    if after == item.appraisal {
        return Ok(());
    }
    push_appraisal(ctx, &item, after, String::new());
    Ok(())
}

pub(crate) fn request_evidence(
    ctx: &mut Ctx,
    key: ItemKey,
    request: String,
    expected: u64,
) -> Result<(), WorkbenchError> {
    let (_, _, item) = for_decision(ctx, &key, expected)?;
    if !CommandKind::RequestEvidence.allowed_in(item.status()) {
        return Err(wrong_status(ctx, &item));
    }
    let request = require_text(&key, &request, "request", TextField::Request)?;
    let mut after = item.appraisal.clone();
    after.status = Status::NeedsInfo;
    after.request = request;
    push_appraisal(ctx, &item, after, String::new());
    Ok(())
}

pub(crate) fn bulk_agree(
    ctx: &mut Ctx,
    year: u16,
    unit: String,
    area: String,
    items: Vec<(String, u64)>,
) -> Result<(), WorkbenchError> {
    let y = ctx.engine.year(year)?;
    let under: HashSet<&str> = y
        .framework
        .leaves_under(&area)
        .into_iter()
        .map(|n| n.code.as_str())
        .collect();
    if under.is_empty() {
        return Err(WorkbenchError::UnknownCriterion { year, code: area });
    }
    let mut seen = HashSet::new();
    for (leaf_code, expected) in items {
        // A leaf listed twice is agreed once.
        if !seen.insert(leaf_code.clone()) {
            continue;
        }
        let key = ItemKey::new(year, unit.clone(), leaf_code);
        if !under.contains(key.leaf.as_str()) {
            return Err(WorkbenchError::NotInArea { key, area });
        }
        agree_item(ctx, &key, expected, CommandKind::BulkAgree)?;
    }
    Ok(())
}

/// The commands whose events are an appraiser's decisions, which undo may take back.
const APPRAISAL_COMMANDS: [&str; 10] = [
    "agree",
    "adjust",
    "request-evidence",
    "bulk-agree",
    "record-dispute",
    "resolve-dispute",
    "escalate",
    "council-decide",
    "undo",
    "redo",
];

/// The actor's own appraisal decisions, newest first, within a unit when `within` says which.
fn own_decisions(
    ctx: &Ctx,
    within: Option<(u16, &str)>,
) -> Result<Vec<domain::Event>, WorkbenchError> {
    let mut history = ctx.engine.store.user_history(ctx.actor).or_store()?;
    history.retain(|ev| match &ev.body.change {
        // Only the actor's own decisions count: an import that reset an item is not a decision,
        // and undoing it would bring back an agreement with an old self score.
        Change::Appraised { key, .. } => {
            APPRAISAL_COMMANDS.contains(&ev.body.command.as_str())
                && within.is_none_or(|(y, u)| key.year == y && key.unit == u)
        }
        _ => false,
    });
    history.reverse();
    Ok(history)
}

/// Undo the actor's own last appraisal change (within a unit, when `within` says which) that
/// is not itself undone: repeated undo walks further back, and a redo counts as a change of its
/// own. The compensating event restores the appraisal as it was before that change, and is
/// refused as a conflict when someone changed the item since.
pub(crate) fn undo(ctx: &mut Ctx, within: Option<(u16, &str)>) -> Result<(), WorkbenchError> {
    let decisions = own_decisions(ctx, within)?;
    let mut pending_undos = 0usize;
    let mut target = None;
    for ev in &decisions {
        if ev.body.command == "undo" {
            pending_undos += 1;
        } else if pending_undos > 0 {
            pending_undos -= 1;
        } else {
            target = Some(ev);
            break;
        }
    }
    let nothing = || WorkbenchError::NothingToUndo {
        user: ctx.actor.to_string(),
    };
    let Some(ev) = target else {
        return Err(nothing());
    };
    let reason = format!("undo #{}", ev.body.seq);
    restore_before(ctx, ev, reason)
}

/// Take back the actor's last undo within a unit: the appraisal goes back to what the undo
/// replaced. Only while the actor's latest decisions in the unit are undos (and redos of them):
/// a new decision ends what can be redone, as in any editor.
pub(crate) fn redo(ctx: &mut Ctx, year: u16, unit: &str) -> Result<(), WorkbenchError> {
    let decisions = own_decisions(ctx, Some((year, unit)))?;
    let mut pending_redos = 0usize;
    let mut target = None;
    for ev in &decisions {
        match ev.body.command.as_str() {
            "redo" => pending_redos += 1,
            "undo" if pending_redos > 0 => pending_redos -= 1,
            "undo" => {
                target = Some(ev);
                break;
            }
            _ => break,
        }
    }
    let Some(ev) = target else {
        return Err(WorkbenchError::NothingToRedo {
            user: ctx.actor.to_string(),
        });
    };
    let reason = format!("redo #{}", ev.body.seq);
    restore_before(ctx, ev, reason)
}

/// Write the appraisal `ev` replaced back onto its item, unless someone other than the actor
/// (or an import) changed the item after `ev`: that is a conflict to look at.
fn restore_before(ctx: &mut Ctx, ev: &domain::Event, reason: String) -> Result<(), WorkbenchError> {
    let Change::Appraised {
        key,
        version,
        before,
        ..
    } = &ev.body.change
    else {
        return Err(WorkbenchError::NothingToUndo {
            user: ctx.actor.to_string(),
        });
    };
    ctx.check_open(key.year, &key.unit)?;
    let item = ctx.item_or_new(key)?;
    // Only the actor's own later decisions (already undone) may lie between: anyone else's
    // change, or a re-import of the self score, would be overwritten, so that is a conflict to
    // look at, not an undo.
    let changed_by_others = ctx
        .engine
        .store
        .item_history(key)
        .or_store()?
        .iter()
        .any(|e| {
            e.body.seq > ev.body.seq
                && (e.body.actor != ctx.actor
                    || !APPRAISAL_COMMANDS.contains(&e.body.command.as_str()))
        });
    if changed_by_others {
        return Err(WorkbenchError::Conflict {
            key: key.clone(),
            expected: *version,
            current: Box::new(item),
        });
    }
    push_appraisal(ctx, &item, before.clone(), reason);
    Ok(())
}
