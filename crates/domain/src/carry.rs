//! Year over year (`thamdinh init --from-year`): a criterion whose text did not change keeps last
//! year's justification as a reference for the appraiser. Criteria are matched by a fingerprint of
//! their text, not by code, because codes are renumbered when the framework changes. Nothing is
//! carried forward as a decision: the reference is only shown.

use std::collections::HashMap;

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use super::framework::{Framework, Method};

/// The fingerprint of a criterion's text: SHA-256 (first 12 bytes, hex) of the name after NFC,
/// lower-casing and collapsing whitespace, without a trailing full stop — so re-typing or
/// re-wrapping the same sentence keeps the match, any change of wording breaks it.
pub fn fingerprint(text: &str) -> String {
    let norm: String = text.nfc().collect::<String>().to_lowercase();
    let words: Vec<&str> = norm.split_whitespace().collect();
    let joined = words.join(" ");
    let trimmed = joined.trim_end_matches(['.', ';', ':']);
    let digest = Sha256::digest(trimmed.as_bytes());
    hex::encode(&digest[..12])
}

/// New leaf code → last year's leaf code, for each appraised leaf whose text is unchanged. A text
/// that occurs on more than one leaf in either year is ambiguous and not matched.
pub fn carry_map(prev: &Framework, next: &Framework) -> HashMap<String, String> {
    fn by_print(fw: &Framework) -> HashMap<String, Option<String>> {
        let mut m: HashMap<String, Option<String>> = HashMap::new();
        for n in fw.leaves().filter(|n| n.method == Method::Appraised) {
            m.entry(fingerprint(&n.name))
                .and_modify(|v| *v = None)
                .or_insert_with(|| Some(n.code.clone()));
        }
        m
    }
    let old = by_print(prev);
    by_print(next)
        .into_iter()
        .filter_map(|(fp, code)| Some((code?, old.get(&fp)?.clone()?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_framework;

    const FW_A: &str = r#"
[framework]
id = "a"
name = "a"
status = "illustrative"
step = "0.25"
total = "3"

[[group]]
name = "A"
min_percent = "90"

[[item]]
code = "1"
name = "Công tác chỉ đạo"
max = "3"

[[item]]
code = "1.1"
name = "Kế hoạch"
max = "3"

[[item]]
code = "1.1.1"
name = "Ban hành kế hoạch CCHC năm"
max = "1"
method = "appraised"

[[item]]
code = "1.1.2"
name = "Tự kiểm tra   cải cách hành chính."
max = "1"
method = "appraised"

[[item]]
code = "1.1.3"
name = "Tuyên truyền CCHC"
max = "1"
method = "appraised"
"#;

    // 1.1.1 unchanged but renumbered 1.1.2; 1.1.2 re-spaced (still the same); 1.1.3 reworded.
    const FW_B: &str = r#"
[framework]
id = "b"
name = "b"
status = "illustrative"
step = "0.25"
total = "3"

[[group]]
name = "A"
min_percent = "90"

[[item]]
code = "1"
name = "Công tác chỉ đạo"
max = "3"

[[item]]
code = "1.1"
name = "Kế hoạch"
max = "3"

[[item]]
code = "1.1.1"
name = "Tự kiểm tra cải cách hành chính"
max = "1"
method = "appraised"

[[item]]
code = "1.1.2"
name = "Ban hành kế hoạch CCHC năm"
max = "1"
method = "appraised"

[[item]]
code = "1.1.3"
name = "Tuyên truyền, phổ biến CCHC"
max = "1"
method = "appraised"
"#;

    #[test]
    fn unchanged_text_matches_across_renumbering_and_reworded_text_does_not() {
        let a = parse_framework(FW_A, "a.toml").unwrap();
        let b = parse_framework(FW_B, "b.toml").unwrap();
        let m = carry_map(&a, &b);
        assert_eq!(m.get("1.1.2").map(String::as_str), Some("1.1.1"));
        assert_eq!(m.get("1.1.1").map(String::as_str), Some("1.1.2"));
        assert_eq!(m.get("1.1.3"), None);
        assert_eq!(m.len(), 2);
    }

    #[test]
    fn fingerprint_ignores_case_spacing_and_final_stop_only() {
        assert_eq!(
            fingerprint("Ban hành  kế hoạch."),
            fingerprint("ban hành kế hoạch")
        );
        assert_ne!(
            fingerprint("Ban hành kế hoạch"),
            fingerprint("Ban hanh ke hoach")
        );
        // NFD input (as some editors save it) is the same text.
        let nfd: String = "Ban hành".nfd().collect();
        assert_eq!(fingerprint(&nfd), fingerprint("Ban hành"));
    }

    #[test]
    fn a_text_on_two_leaves_is_ambiguous() {
        let dup = FW_A.replace("Tuyên truyền CCHC", "Ban hành kế hoạch CCHC năm");
        let a = parse_framework(&dup, "a.toml").unwrap();
        let b = parse_framework(FW_B, "b.toml").unwrap();
        assert_eq!(carry_map(&a, &b).get("1.1.2"), None);
    }
}
