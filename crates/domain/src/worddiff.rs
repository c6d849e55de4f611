//! Word-level differences between two revisions of a text (SPEC W6): the history view and the
//! "explain this score" story show justification revisions this way.

use std::time::Duration;

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

/// A run of words that is the same in both texts, only in the old one, or only in the new one.
/// In JSON: `{"op": "same" | "del" | "ins", "text": "…"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "op", content = "text", rename_all = "lowercase")]
pub enum Seg {
    Same(String),
    Del(String),
    Ins(String),
}

/// Diff by Unicode words. Large texts give up after a short time and fall back to a coarser (but
/// still correct) diff, so opening the history never hangs.
pub fn word_diff(old: &str, new: &str) -> Vec<Seg> {
    let diff = TextDiff::configure()
        .timeout(Duration::from_millis(50))
        .diff_unicode_words(old, new);
    let mut out: Vec<Seg> = Vec::new();
    for change in diff.iter_all_changes() {
        let v = change.value();
        match (change.tag(), out.last_mut()) {
            (ChangeTag::Equal, Some(Seg::Same(s)))
            | (ChangeTag::Delete, Some(Seg::Del(s)))
            | (ChangeTag::Insert, Some(Seg::Ins(s))) => s.push_str(v),
            (ChangeTag::Equal, _) => out.push(Seg::Same(v.to_string())),
            (ChangeTag::Delete, _) => out.push(Seg::Del(v.to_string())),
            (ChangeTag::Insert, _) => out.push(Seg::Ins(v.to_string())),
        }
    }
    join_hunks(out)
}

/// "[-a-]{+x+} [-b-]{+y+}" reads worse than "[-a b-]{+x y+}": a run of whitespace between two
/// changes joins them into one deletion and one insertion.
fn join_hunks(segs: Vec<Seg>) -> Vec<Seg> {
    let mut out = Vec::new();
    let (mut del, mut ins) = (String::new(), String::new());
    let flush = |out: &mut Vec<Seg>, del: &mut String, ins: &mut String| {
        if !del.is_empty() {
            out.push(Seg::Del(std::mem::take(del)));
        }
        if !ins.is_empty() {
            out.push(Seg::Ins(std::mem::take(ins)));
        }
    };
    let n = segs.len();
    for (i, seg) in segs.iter().enumerate() {
        match seg {
            Seg::Del(t) => del.push_str(t),
            Seg::Ins(t) => ins.push_str(t),
            Seg::Same(t) => {
                let pending = !del.is_empty() || !ins.is_empty();
                let next_changes = i + 1 < n && !matches!(segs[i + 1], Seg::Same(_));
                if pending && next_changes && t.chars().all(char::is_whitespace) {
                    del.push_str(t);
                    ins.push_str(t);
                } else {
                    flush(&mut out, &mut del, &mut ins);
                    out.push(seg.clone());
                }
            }
        }
    }
    flush(&mut out, &mut del, &mut ins);
    out
}

/// The diff as plain text with markers that read without colour: `[-old-]{+new+}`.
pub fn marked(segs: &[Seg]) -> String {
    let mut s = String::new();
    for seg in segs {
        match seg {
            Seg::Same(t) => s.push_str(t),
            Seg::Del(t) => {
                s.push_str("[-");
                s.push_str(t);
                s.push_str("-]");
            }
            Seg::Ins(t) => {
                s.push_str("{+");
                s.push_str(t);
                s.push_str("+}");
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_vietnamese_words() {
        let d = word_diff(
            "Thiếu quyết định ban hành kế hoạch",
            "Thiếu văn bản ban hành kế hoạch năm",
        );
        assert_eq!(
            marked(&d),
            "Thiếu [-quyết định-]{+văn bản+} ban hành kế hoạch{+ năm+}"
        );
        assert_eq!(
            word_diff("giống nhau", "giống nhau"),
            vec![Seg::Same("giống nhau".into())]
        );
        assert_eq!(word_diff("", "mới"), vec![Seg::Ins("mới".into())]);
    }
}
