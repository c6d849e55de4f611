//! The criteria tree of one assessment year (SPEC D1): areas → criteria → sub-criteria.
//! Loading and validating the TOML file lives in `framework_file.rs`; this file holds the model.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::points::Points;

/// How a leaf is scored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Self-assessed by the unit, appraised by the ministry.
    Appraised,
    /// Scored by the sociological survey; imported, never edited by appraisers.
    Survey,
    /// A parent whose leaves use both methods.
    Mixed,
}

impl Method {
    /// Whether an appraiser decides on a leaf of this method (agree, adjust, request evidence,
    /// disputes, the council). Survey points come from the survey alone: the engine refuses any
    /// decision on them and the workbench offers none.
    pub fn takes_decisions(self) -> bool {
        self != Method::Survey
    }
}

/// One ranking band: a unit whose index is at least `min_percent` (hundredths of a percent) is in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub name: String,
    /// Lower bound in hundredths of a percent (9000 = 90 %).
    pub min_percent: i64,
}

/// Descriptive data about the framework file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameworkMeta {
    pub id: String,
    pub name: String,
    pub name_en: Option<String>,
    /// "official" or "illustrative" (the bundled file: item wording is not public).
    pub status: String,
    pub source: Option<String>,
    pub year_from: Option<u16>,
    pub year_to: Option<u16>,
    /// The fewest characters an adjustment's justification must have, counted by
    /// [`justification_chars`]: the file's `justification_min_chars`, 20 when it says nothing.
    #[serde(default = "default_justification_min")]
    pub justification_min_chars: u32,
}

impl Default for FrameworkMeta {
    fn default() -> Self {
        FrameworkMeta {
            id: String::new(),
            name: String::new(),
            name_en: None,
            status: String::new(),
            source: None,
            year_from: None,
            year_to: None,
            justification_min_chars: JUSTIFICATION_MIN_CHARS,
        }
    }
}

/// What an adjustment's justification needs when the framework file does not say.
pub const JUSTIFICATION_MIN_CHARS: u32 = 20;

fn default_justification_min() -> u32 {
    JUSTIFICATION_MIN_CHARS
}

/// How many characters of a justification count towards its minimum: letters and digits, and
/// one space between words; punctuation and extra spaces do not count, so that "x" or
/// "....................." is not a reason. "Chưa có báo cáo quý IV" counts 22.
pub fn justification_chars(text: &str) -> u32 {
    let words: Vec<usize> = text
        .split_whitespace()
        .map(|w| w.chars().filter(|c| c.is_alphanumeric()).count())
        .filter(|n| *n > 0)
        .collect();
    let n = words.iter().sum::<usize>() + words.len().saturating_sub(1);
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// One node of the tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub max: Points,
    pub method: Method,
    pub guidance: String,
    pub evidence: Vec<String>,
    /// Index of the parent in `Framework::nodes`.
    pub parent: Option<usize>,
    /// Indexes of the children, in file order.
    pub children: Vec<usize>,
    /// 0 for an area, 1 for a criterion, 2 for a sub-criterion.
    pub depth: u8,
}

impl Node {
    /// The step a score of this item must be a multiple of. Survey points are computed
    /// (max × the share of positive answers) and published with two decimals, so only the range
    /// applies to them (a step of 0.01); appraised scores follow the framework's step.
    pub fn score_step(&self, framework_step: Points) -> Points {
        match self.method {
            Method::Survey => Points::from_hundredths(1),
            Method::Appraised | Method::Mixed => framework_step,
        }
    }

    pub fn is_leaf(&self) -> bool {
        self.children.is_empty()
    }
}

/// The counts of a framework's tree ([`Framework::shape`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    pub areas: usize,
    pub criteria: usize,
    pub sub_criteria: usize,
    /// Items scored: sub-criteria and criteria scored directly.
    pub scored: usize,
    pub criteria_scored_directly: usize,
}

impl Shape {
    /// "8 lĩnh vực, 37 tiêu chí, 88 tiêu chí thành phần; 88 mục chấm điểm", with the criteria
    /// scored directly named when there are any.
    pub fn describe(&self, lang: l10n::Lang) -> String {
        let direct = self.criteria_scored_directly;
        match lang {
            l10n::Lang::Vi => {
                let mut s = format!(
                    "{} lĩnh vực, {} tiêu chí, {} tiêu chí thành phần; {} mục chấm điểm",
                    self.areas, self.criteria, self.sub_criteria, self.scored
                );
                if direct > 0 {
                    s.push_str(&format!(" (gồm {direct} tiêu chí chấm trực tiếp)"));
                }
                s
            }
            l10n::Lang::En => {
                let mut s = format!(
                    "{} areas, {} criteria, {} sub-criteria; {} scored items",
                    self.areas, self.criteria, self.sub_criteria, self.scored
                );
                if direct > 0 {
                    s.push_str(&format!(" (of which {direct} criteria scored directly)"));
                }
                s
            }
        }
    }
}

/// A validated framework. Nodes are in file order (a parent before its children).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Framework {
    pub meta: FrameworkMeta,
    pub step: Points,
    pub total: Points,
    pub groups: Vec<Group>,
    pub nodes: Vec<Node>,
    index: HashMap<String, usize>,
    leaves: Vec<usize>,
}

impl Framework {
    /// Build from nodes already linked and validated by the loader.
    pub fn from_parts(
        meta: FrameworkMeta,
        step: Points,
        total: Points,
        mut groups: Vec<Group>,
        nodes: Vec<Node>,
    ) -> Framework {
        groups.sort_by_key(|g| std::cmp::Reverse(g.min_percent));
        let index = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.code.clone(), i))
            .collect();
        let leaves = nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.is_leaf())
            .map(|(i, _)| i)
            .collect();
        Framework {
            meta,
            step,
            total,
            groups,
            nodes,
            index,
            leaves,
        }
    }

    pub fn node(&self, code: &str) -> Option<&Node> {
        self.index.get(code).map(|&i| &self.nodes[i])
    }

    pub fn position(&self, code: &str) -> Option<usize> {
        self.index.get(code).copied()
    }

    /// Leaves in file order.
    pub fn leaves(&self) -> impl Iterator<Item = &Node> + '_ {
        self.leaves.iter().map(|&i| &self.nodes[i])
    }

    pub fn leaf_count(&self) -> usize {
        self.leaves.len()
    }

    /// How many areas, criteria and sub-criteria the framework has, and how many items are
    /// scored (its leaves: every sub-criterion, and every criterion without sub-criteria, which
    /// is scored directly).
    pub fn shape(&self) -> Shape {
        let at = |d: u8| self.nodes.iter().filter(|n| n.depth == d).count();
        Shape {
            areas: at(0),
            criteria: at(1),
            sub_criteria: at(2),
            scored: self.leaves.len(),
            criteria_scored_directly: self.leaves().filter(|n| n.depth == 1).count(),
        }
    }

    /// Areas (top-level nodes) in file order.
    pub fn areas(&self) -> impl Iterator<Item = &Node> + '_ {
        self.nodes.iter().filter(|n| n.parent.is_none())
    }

    /// The area (top-level ancestor) of a node.
    pub fn area_of(&self, code: &str) -> Option<&Node> {
        let mut i = self.position(code)?;
        while let Some(p) = self.nodes[i].parent {
            i = p;
        }
        Some(&self.nodes[i])
    }

    /// Leaves under a node (the node itself if it is a leaf), in file order.
    pub fn leaves_under(&self, code: &str) -> Vec<&Node> {
        let Some(start) = self.position(code) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut stack = vec![start];
        while let Some(i) = stack.pop() {
            let n = &self.nodes[i];
            if n.is_leaf() {
                out.push(n);
            } else {
                stack.extend(n.children.iter().rev());
            }
        }
        out
    }

    /// The group for an index in hundredths of a percent, if it reaches any band.
    pub fn group_for(&self, percent: i64) -> Option<&Group> {
        self.groups.iter().find(|g| percent >= g.min_percent)
    }

    /// Sum of the maxima of survey leaves.
    pub fn survey_points(&self) -> Points {
        self.leaves()
            .filter(|n| n.method == Method::Survey)
            .map(|n| n.max)
            .sum()
    }
}

#[cfg(test)]
mod justification_tests {
    use super::justification_chars;

    #[test]
    fn punctuation_and_extra_spaces_do_not_count() {
        assert_eq!(justification_chars("Chưa có báo cáo quý IV"), 22);
        assert_eq!(justification_chars("  Chưa   có, báo cáo  quý IV. "), 22);
        assert_eq!(justification_chars("x"), 1);
        assert_eq!(justification_chars("...................."), 0);
        assert_eq!(justification_chars("- - - - - - - - - - -"), 0);
        assert_eq!(justification_chars("QĐ 2231/QĐ-UBND"), 13);
        assert_eq!(justification_chars(""), 0);
    }
}
