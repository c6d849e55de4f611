//! Opening and closing explanation rounds (lead only; SPEC D5).

use crate::OrStore;
use jiff::civil::Date;

use api::TextOf;
use domain::limits::{TextField, one_line_note};
use domain::{Change, Round, RoundScope};

use super::{Ctx, WorkbenchError, check_len, clean_text, limited};

pub(crate) fn open_round(
    ctx: &mut Ctx,
    year: u16,
    opens: Date,
    closes: Date,
    scope: RoundScope,
    units: Vec<String>,
    note: String,
) -> Result<(), WorkbenchError> {
    let y = ctx.engine.year(year)?;
    if closes < opens {
        return Err(WorkbenchError::BadRoundDates { opens, closes });
    }
    // The note is the one-line reference of the letter that opens the round: a line break
    // (pasted from the letter) becomes a space, so `round list` keeps one round per entry.
    let note = one_line_note(&clean_text(&note));
    check_len(&note, TextField::RoundNote, || TextOf::Round {
        year,
        number: None,
    })?;
    let mut codes: Vec<String> = Vec::with_capacity(units.len());
    for u in units {
        let u = u.trim().to_string();
        if y.units.unit(&u).is_none() {
            return Err(WorkbenchError::UnknownUnit { year, unit: u });
        }
        if !codes.contains(&u) {
            codes.push(u);
        }
    }
    let rounds = ctx.engine.store.rounds(year).or_store()?;
    let number = rounds.iter().map(|r| r.number).max().unwrap_or(0) + 1;
    let after = Round {
        year,
        number,
        opens,
        closes,
        scope,
        units: codes,
        note,
        closed: false,
    };
    ctx.push(
        Change::RoundChanged {
            year,
            number,
            before: None,
            after,
        },
        String::new(),
    );
    Ok(())
}

pub(crate) fn close_round(
    ctx: &mut Ctx,
    year: u16,
    number: u32,
    reason: String,
) -> Result<(), WorkbenchError> {
    ctx.engine.year(year)?;
    let rounds = ctx.engine.store.rounds(year).or_store()?;
    let before = rounds
        .into_iter()
        .find(|r| r.number == number)
        .ok_or(WorkbenchError::UnknownRound { year, number })?;
    if before.closed {
        return Err(WorkbenchError::RoundClosed { year, number });
    }
    let reason = limited(&reason, TextField::CloseReason, || TextOf::Round {
        year,
        number: Some(number),
    })?;
    let mut after = before.clone();
    after.closed = true;
    ctx.push(
        Change::RoundChanged {
            year,
            number,
            before: Some(before),
            after,
        },
        reason,
    );
    Ok(())
}
