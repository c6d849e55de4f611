//! The user's language and the one way words for people are written (SPEC W13, W15).
//!
//! Vietnamese is the default; English is complete. Every text exists in both languages, and the
//! compiler checks it:
//! - a fixed word or phrase is a [`Tr`] pair, `tr!("vi", "en")` or an arm of a [`catalogue!`];
//! - every enum people read the name of has exactly one catalogue, written with [`catalogue!`]
//!   beside the enum (one exhaustive `match`: a new variant without both words does not compile);
//! - a text with values is a function that matches on [`Lang`] exhaustively.
//!
//! This crate sits below every other so that each layer's messages use the same [`Lang`] and the
//! same machinery; it knows nothing of the domain.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_lowercase().as_str() {
            "vi" | "vie" | "vietnamese" | "tieng-viet" => Some(Lang::Vi),
            "en" | "eng" | "english" => Some(Lang::En),
            _ => None,
        }
    }

    /// Pick the text for this language.
    pub fn pick<'a>(self, vi: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}

/// A fixed text in both languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tr {
    pub vi: &'static str,
    pub en: &'static str,
}

impl Tr {
    pub const fn new(vi: &'static str, en: &'static str) -> Tr {
        Tr { vi, en }
    }

    pub const fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Vi => self.vi,
            Lang::En => self.en,
        }
    }
}

/// A text with values, written in both languages where it is made: for a message built before
/// anyone knows who reads it (a store's damage found by `verify`, read later in either language,
/// perhaps on another machine). `Display` is the English text, for logs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Said {
    pub vi: String,
    pub en: String,
}

impl Said {
    pub fn new(vi: impl Into<String>, en: impl Into<String>) -> Said {
        Said {
            vi: vi.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }

    /// This text inside a longer one, in each language: `why.within(|v| format!("… ({v})"), |e|
    /// format!("… ({e})"))`.
    pub fn within(&self, vi: impl FnOnce(&str) -> String, en: impl FnOnce(&str) -> String) -> Said {
        Said {
            vi: vi(&self.vi),
            en: en(&self.en),
        }
    }
}

impl From<Tr> for Said {
    fn from(t: Tr) -> Said {
        Said::new(t.vi, t.en)
    }
}

impl std::fmt::Display for Said {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

/// A fixed text in both languages: `tr!("Đồng ý", "Agree")`.
#[macro_export]
macro_rules! tr {
    ($vi:expr, $en:expr $(,)?) => {
        $crate::Tr::new($vi, $en)
    };
}

/// The catalogue of an enum: its name for people in both languages, one arm per variant.
///
/// ```ignore
/// l10n::catalogue! {
///     /// The status's name for people.
///     Status => label {
///         Status::Pending => ("Chờ thẩm định", "Pending"),
///         Status::Agreed => ("Đồng ý", "Agreed"),
///     }
/// }
/// ```
/// expands to `impl Status { pub fn label(self, lang: Lang) -> &'static str }`: one
/// exhaustive `match` giving a [`Tr`] per variant. Use it in the crate that defines the enum; an
/// enum may have several catalogues (a label and a short form), each with its own name.
#[macro_export]
macro_rules! catalogue {
    ($(#[$doc:meta])* $ty:ty => $name:ident { $($pat:pat => ($vi:expr, $en:expr $(,)?)),+ $(,)? }) => {
        impl $ty {
            $(#[$doc])*
            pub fn $name(self, lang: $crate::Lang) -> &'static str {
                let tr: $crate::Tr = match self {
                    $($pat => $crate::Tr::new($vi, $en),)+
                };
                tr.get(lang)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Colour {
        Red,
        Green,
    }

    catalogue! {
        /// For people.
        Colour => label {
            Colour::Red => ("đỏ", "red"),
            Colour::Green => ("xanh lá", "green"),
        }
    }

    catalogue! {
        Colour => short {
            Colour::Red => ("Đ", "R"),
            Colour::Green => ("X", "G"),
        }
    }

    #[test]
    fn a_catalogue_gives_each_language() {
        assert_eq!(Colour::Red.label(Lang::Vi), "đỏ");
        assert_eq!(Colour::Green.label(Lang::En), "green");
        assert_eq!(Colour::Green.short(Lang::Vi), "X");
        assert_eq!(tr!("Có", "Yes").get(Lang::En), "Yes");
    }

    #[test]
    fn said_keeps_both_languages_through_a_longer_text() {
        let why = Said::new("mã kiểm tra không khớp", "the checksum does not match");
        let all = why.within(|v| format!("sự kiện 7: {v}"), |e| format!("event 7: {e}"));
        assert_eq!(all.get(Lang::Vi), "sự kiện 7: mã kiểm tra không khớp");
        assert_eq!(all.get(Lang::En), "event 7: the checksum does not match");
        assert_eq!(all.to_string(), "event 7: the checksum does not match");
        assert_eq!(Said::from(tr!("Có", "Yes")).get(Lang::Vi), "Có");
    }

    #[test]
    fn lang_parses_common_spellings() {
        assert_eq!(Lang::parse(" Tieng-Viet "), Some(Lang::Vi));
        assert_eq!(Lang::parse("english"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
    }
}
