//! The "explain this score" card: one item's story (`domain::story`), loaded once when the card
//! opens, and how far it is scrolled.

use domain::ItemKey;
use domain::story::Story;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExplainState {
    pub key: ItemKey,
    pub story: Option<Box<Story>>,
    /// Why the story could not be read.
    pub error: Option<String>,
    pub scroll: u16,
}

impl ExplainState {
    pub fn new(key: ItemKey, story: Story) -> ExplainState {
        ExplainState {
            key,
            story: Some(Box::new(story)),
            error: None,
            scroll: 0,
        }
    }

    pub fn failed(key: ItemKey, message: String) -> ExplainState {
        ExplainState {
            key,
            story: None,
            error: Some(message),
            scroll: 0,
        }
    }
}
