//! The user's language. Vietnamese is the default (SPEC W13).

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
