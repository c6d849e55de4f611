//! Vietnamese-aware folding for search and header matching: "Quảng Bình" → "quang binh",
//! "Đắk Nông" → "dak nong". Keeps a map from folded positions back to the original text so
//! matches can be highlighted in the original.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folded text plus, for each folded `char`, the index of the original `char` it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Folded {
    pub text: String,
    /// `origin[i]` = char index in the original (NFC) text of the i-th char of `text`.
    pub origin: Vec<usize>,
}

fn fold_char(c: char, out: &mut impl FnMut(char)) {
    // Per-character NFD, then drop combining marks; đ/Đ have no decomposition.
    match c {
        'đ' | 'Đ' => out('d'),
        _ => {
            for d in std::iter::once(c).nfd() {
                if !is_combining_mark(d) {
                    for l in d.to_lowercase() {
                        out(l);
                    }
                }
            }
        }
    }
}

/// Fold text: NFC, strip diacritics, đ → d, lowercase.
pub fn fold(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.nfc() {
        fold_char(c, &mut |f| s.push(f));
    }
    s
}

/// Fold text and keep the map back to original char positions (of the NFC form).
pub fn fold_with_map(text: &str) -> Folded {
    let mut folded = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len());
    for (i, c) in text.nfc().enumerate() {
        fold_char(c, &mut |f| {
            folded.push(f);
            origin.push(i);
        });
    }
    Folded {
        text: folded,
        origin,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese() {
        assert_eq!(fold("Quảng Bình"), "quang binh");
        assert_eq!(fold("Đắk Nông"), "dak nong");
        assert_eq!(fold("TP Hồ Chí Minh"), "tp ho chi minh");
        assert_eq!(fold("Thừa Thiên Huế"), "thua thien hue");
        // Decomposed input folds the same as precomposed.
        assert_eq!(fold("Qua\u{309}ng"), "quang");
        assert_eq!(fold("Mã đơn vị"), "ma don vi");
    }

    #[test]
    fn map_points_back_to_original_chars() {
        let f = fold_with_map("Đắk Nông");
        assert_eq!(f.text, "dak nong");
        assert_eq!(f.origin, vec![0, 1, 2, 3, 4, 5, 6, 7]);
        let f = fold_with_map("Qua\u{309}ng");
        assert_eq!(f.text, "quang");
        assert_eq!(f.origin, vec![0, 1, 2, 3, 4]);
    }
}
