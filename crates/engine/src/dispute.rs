//! The explanation rounds' item commands (SPEC D5): a province's explanation (giải trình) opens
//! a dispute, the appraiser's answer resolves it, and a lead may refer it to the appraisal council
//! and record the council's decision.

use crate::OrStore;
use jiff::civil::Date;

use domain::limits::TextField;
use domain::round::{Round, add_days, current_round};
use domain::{CommandKind, Council, CouncilDecision, Dispute, ItemKey, Outcome, Points, Status};

use super::appraisal::{check_score, for_decision, push_appraisal, require_text, wrong_status};
use super::{Ctx, WorkbenchError, limited, of_item};

/// The round an explanation goes into: the one named, or the latest open round of the unit.
fn pick_round(ctx: &Ctx, key: &ItemKey, number: Option<u32>) -> Result<Round, WorkbenchError> {
    let rounds = ctx.engine.store.rounds(key.year).or_store()?;
    let round = match number {
        Some(n) => rounds
            .iter()
            .find(|r| r.number == n)
            .ok_or(WorkbenchError::UnknownRound {
                year: key.year,
                number: n,
            })?,
        None => current_round(&rounds, &key.unit).ok_or_else(|| WorkbenchError::NoOpenRound {
            year: key.year,
            unit: key.unit.clone(),
        })?,
    };
    if round.closed {
        return Err(WorkbenchError::RoundClosed {
            year: key.year,
            number: round.number,
        });
    }
    Ok(round.clone())
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn record_dispute(
    ctx: &mut Ctx,
    key: ItemKey,
    explanation: String,
    document: String,
    claimed: Option<Points>,
    received: Date,
    round: Option<u32>,
    expected: u64,
) -> Result<(), WorkbenchError> {
    let (y, max, item) = for_decision(ctx, &key, expected)?;
    if !CommandKind::RecordDispute.allowed_in(item.status()) {
        return Err(wrong_status(ctx, &item));
    }
    let round = pick_round(ctx, &key, round)?;
    round
        .check_item(&item)
        .map_err(|why| WorkbenchError::NotInRound {
            key: key.clone(),
            number: round.number,
            why: why.into(),
        })?;
    // A letter dated tomorrow in Vietnam may already be today in UTC; anything later is a typo.
    if received > add_days(ctx.today, 1) {
        return Err(WorkbenchError::ReceivedInFuture {
            key,
            received,
            today: ctx.today,
        });
    }
    if let Some(c) = claimed {
        check_score(&y, &key, c, max)?;
    }
    let explanation = require_text(&key, &explanation, "explanation", TextField::Explanation)?;
    let document = limited(&document, TextField::Document, of_item(&key))?;
    let mut after = item.appraisal.clone();
    after.status = Status::Disputed;
    after.dispute = Some(Dispute {
        explanation,
        document,
        claimed,
        received,
        round: round.number,
        late: round.is_late(received),
        outcome: None,
        response: String::new(),
    });
    push_appraisal(ctx, &item, after, String::new());
    Ok(())
}

pub(crate) fn resolve_dispute(
    ctx: &mut Ctx,
    key: ItemKey,
    outcome: Outcome,
    score: Option<Points>,
    response: String,
    expected: u64,
) -> Result<(), WorkbenchError> {
    let (y, max, item) = for_decision(ctx, &key, expected)?;
    if !CommandKind::ResolveDispute.allowed_in(item.status()) {
        return Err(wrong_status(ctx, &item));
    }
    let response = require_text(&key, &response, "response", TextField::Response)?;
    let self_score = item.self_assessment.as_ref().map(|s| s.score);
    let claimed = item.appraisal.dispute.as_ref().and_then(|d| d.claimed);
    let proposed = match outcome {
        Outcome::Upheld => score.or(claimed).or(self_score),
        Outcome::PartlyUpheld => {
            let s = score.ok_or_else(|| WorkbenchError::TextRequired {
                key: key.clone(),
                field: "score".into(),
            })?;
            // Partly right means between the ministry's position and the unit's.
            let ours = item.appraisal.proposed.unwrap_or(Points::ZERO);
            let theirs = claimed.or(self_score).unwrap_or(ours);
            let (low, high) = (ours.min(theirs), ours.max(theirs));
            if s <= low || s >= high {
                return Err(WorkbenchError::PartlyOutOfRange {
                    key,
                    score: s,
                    low,
                    high,
                });
            }
            Some(s)
        }
        Outcome::Rejected => item.appraisal.proposed,
    };
    if let Some(p) = proposed {
        check_score(&y, &key, p, max)?;
    }
    let mut after = item.appraisal.clone();
    after.proposed = proposed;
    after.status = Status::Resolved;
    if let Some(d) = after.dispute.as_mut() {
        d.outcome = Some(outcome);
        d.response = response;
    }
    push_appraisal(ctx, &item, after, String::new());
    Ok(())
}

pub(crate) fn escalate(
    ctx: &mut Ctx,
    key: ItemKey,
    reason: String,
    expected: u64,
) -> Result<(), WorkbenchError> {
    let (_, _, item) = for_decision(ctx, &key, expected)?;
    if !CommandKind::Escalate.allowed_in(item.status()) {
        return Err(wrong_status(ctx, &item));
    }
    let reason = require_text(&key, &reason, "reason", TextField::EscalateReason)?;
    let mut after = item.appraisal.clone();
    after.status = Status::Escalated;
    after.council = Some(Council {
        reason,
        decision: None,
    });
    push_appraisal(ctx, &item, after, String::new());
    Ok(())
}

pub(crate) fn council_decide(
    ctx: &mut Ctx,
    key: ItemKey,
    score: Points,
    decision: String,
    minutes: String,
    expected: u64,
) -> Result<(), WorkbenchError> {
    let (y, max, item) = for_decision(ctx, &key, expected)?;
    if !CommandKind::CouncilDecide.allowed_in(item.status()) {
        return Err(wrong_status(ctx, &item));
    }
    check_score(&y, &key, score, max)?;
    let text = require_text(&key, &decision, "decision", TextField::Decision)?;
    let minutes = limited(&minutes, TextField::Minutes, of_item(&key))?;
    let mut after = item.appraisal.clone();
    after.proposed = Some(score);
    after.status = Status::Decided;
    let reason = after.council.take().map(|c| c.reason).unwrap_or_default();
    after.council = Some(Council {
        reason,
        decision: Some(CouncilDecision {
            score,
            text,
            minutes,
        }),
    });
    push_appraisal(ctx, &item, after, String::new());
    Ok(())
}
