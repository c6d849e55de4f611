//! The largest text each field may hold (SPEC S5, R7): no command, import or draft can make the
//! store, an answer or a screen grow without bound. The engine refuses a longer text with a
//! message naming the field and the limit; imports name the row and the column.

/// Bytes of a justification, a note, an explanation, a response, a request, a reason, a
/// council's decision text, a draft's text.
pub const LONG_TEXT: usize = 16 * 1024;

/// Bytes of one evidence entry's number, title, date or link, a document or minutes
/// reference, a round's note.
pub const SHORT_TEXT: usize = 1024;

/// Characters of a member's (OS user's) name.
pub const NAME_CHARS: usize = 64;

/// Evidence entries of one item.
pub const EVIDENCE_ENTRIES: usize = 100;

/// Whether `name` can be an OS user name, as `useradd` allows them: letters, digits, `.`, `_`,
/// `-`, not starting with `-`, at most [`NAME_CHARS`] characters.
pub fn is_user_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= NAME_CHARS
        && !name.starts_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_follow_the_os_rules() {
        for ok in ["lan", "tran.thi_b", "an-2", "A1"] {
            assert!(is_user_name(ok), "{ok}");
        }
        for bad in ["", " ", "\t", "lan\nlead", "-x", "nguyễn", "a b", "a/b", &"x".repeat(65)] {
            assert!(!is_user_name(bad), "{bad:?}");
        }
    }
}
