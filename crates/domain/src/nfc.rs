//! Whether text is already NFC (SPEC W12: all text NFC on input), quickly for the text a store
//! holds. Imports check every note and evidence field of every row, on the client and again in
//! the engine; the Unicode quick check looks up two properties of every non-ASCII character,
//! while Vietnamese text is mostly characters that are NFC wherever they stand.

use unicode_normalization::{IsNormalized, is_nfc_quick};

/// Whether `s` is NFC: `true` when every character is one that is NFC wherever it stands, or
/// the Unicode quick check says so; `false` means it must be normalized to be sure.
pub fn is_nfc(s: &str) -> bool {
    s.is_ascii() || all_stable(s.as_bytes()) || is_nfc_quick(s.chars()) == IsNormalized::Yes
}

/// Whether `s` is text as it is kept (SPEC W12): NFC, with no carriage return (line breaks are
/// `\n`). One pass over the bytes for most text.
pub fn is_clean(s: &str) -> bool {
    let b = s.as_bytes();
    if s.is_ascii() {
        return !b.contains(&b'\r');
    }
    if all_stable(b) {
        // (`all_stable` refuses a CR.)
        return true;
    }
    !b.contains(&b'\r') && is_nfc_quick(s.chars()) == IsNormalized::Yes
}

/// Whether every character of the UTF-8 text `b` is one that is NFC wherever it stands (see
/// `stable` in the tests), read from its bytes: Latin-1, Latin Extended-A and -B, IPA and
/// spacing modifiers; the precomposed letters of Latin Extended Additional (every Vietnamese
/// letter with its marks); most general punctuation (dashes, quotes, the ellipsis).
fn all_stable(b: &[u8]) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const ONES: u64 = 0x0101_0101_0101_0101;
    const CRS: u64 = 0x0D0D_0D0D_0D0D_0D0D;
    let mut i = 0;
    while i < b.len() {
        // Eight ASCII bytes at a time, none of them a CR (a zero byte of `w ^ CRS`).
        if let Some(Ok(w)) = b.get(i..i + 8).map(<[u8; 8]>::try_from) {
            let w = u64::from_le_bytes(w);
            if w & HIGH == 0 {
                let x = w ^ CRS;
                if x.wrapping_sub(ONES) & !x & HIGH != 0 {
                    return false;
                }
                i += 8;
                continue;
            }
        }
        match b[i] {
            // A CR is NFC but not clean (see `is_clean`): refused here, told apart there.
            b'\r' => return false,
            0x00..=0x7F => i += 1,
            // U+0080..=U+02FF
            0xC2..=0xCB => i += 2,
            // U+1E00..=U+1EFF
            0xE1 if matches!(b.get(i + 1), Some(0xB8..=0xBB)) => i += 3,
            // U+2010..=U+2027, U+2030..=U+205E
            0xE2 if b.get(i + 1) == Some(&0x80)
                && matches!(b.get(i + 2), Some(0x90..=0xA7 | 0xB0..=0xBF)) =>
            {
                i += 3
            }
            0xE2 if b.get(i + 1) == Some(&0x81) && matches!(b.get(i + 2), Some(0x80..=0x9E)) => {
                i += 3
            }
            _ => return false,
        }
    }
    true
}

/// A character that is NFC wherever it stands: a starter (combining class 0) whose NFC quick
/// check is Yes — nothing before it composes with it, and it is its own normal form. Latin-1,
/// Latin Extended-A and -B, IPA and spacing modifiers; the precomposed letters of Latin Extended
/// Additional (every Vietnamese letter with its marks); most general punctuation (dashes,
/// quotes, the ellipsis). The tests check each against the Unicode data, and `all_stable`, which
/// reads the same ranges from UTF-8 bytes, against this.
#[cfg(test)]
fn stable(c: char) -> bool {
    matches!(c as u32, 0..=0x2FF | 0x1E00..=0x1EFF | 0x2010..=0x2027 | 0x2030..=0x205E)
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::canonical_combining_class;

    #[test]
    fn every_stable_character_is_a_starter_that_is_its_own_normal_form() {
        let mut n = 0;
        for c in (0..=0x2060u32)
            .filter_map(char::from_u32)
            .filter(|&c| stable(c))
        {
            assert_eq!(canonical_combining_class(c), 0, "{c:?}");
            assert_eq!(is_nfc_quick(std::iter::once(c)), IsNormalized::Yes, "{c:?}");
            n += 1;
        }
        assert!(n > 1000, "{n}");
    }

    #[test]
    fn the_bytes_of_a_character_say_it_is_stable_exactly_when_it_is() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let s = c.encode_utf8(&mut buf);
            assert_eq!(all_stable(s.as_bytes()), stable(c) && c != '\r', "{c:?}");
        }
    }

    #[test]
    fn longer_text_is_read_as_its_characters() {
        // Runs of ASCII (read eight bytes at a time) around other characters, a CR anywhere.
        let pieces = [
            "a",
            "Quảng Bình ",
            "\r",
            "\r\n",
            "ĐẮK",
            " – ",
            "\u{300}",
            "Ω",
            "x1234567",
        ];
        let mut n = 0;
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for k in 0..10 {
                        let s = format!("{}{a}{}{b}{c}", "y".repeat(k), "z".repeat(9 - k));
                        let chars = s.chars().all(|ch| stable(ch) && ch != '\r');
                        assert_eq!(all_stable(s.as_bytes()), chars, "{s:?}");
                        n += 1;
                    }
                }
            }
        }
        assert!(n > 7000);
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_read_as_its_characters(s in "[a-z \r\nảẮđĐ–\u{300}\u{2000}Ω]{0,40}") {
            let chars = s.chars().all(|ch| stable(ch) && ch != '\r');
            proptest::prop_assert_eq!(all_stable(s.as_bytes()), chars);
            // Clean means nothing to change (not clean may still be NFC: the quick check may
            // say "maybe", and then the text is normalized to be sure).
            let normal: String = s.nfc().collect();
            if is_clean(&s) {
                proptest::prop_assert!(normal == s && !s.contains('\r'));
            }
        }
    }

    #[test]
    fn text_is_nfc_exactly_when_normalizing_leaves_it_as_it_is() {
        for s in [
            "",
            "Quảng Bình",
            "Đắk Nông – “kế hoạch” …",
            "Qua\u{309}ng Bi\u{300}nh",
            "A\u{300}",
            "\u{2000}",
            "e\u{301}\u{1ec7}",
            "Ω\u{2126}",
        ] {
            let normal: String = s.nfc().collect();
            assert_eq!(is_nfc(s), normal == s, "{s:?}");
            assert_eq!(is_clean(s), normal == s && !s.contains('\r'), "{s:?}");
            let cr = format!("{s}\r\n");
            assert!(!is_clean(&cr), "{cr:?}");
        }
    }
}
