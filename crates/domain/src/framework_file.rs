//! Loading and validating a framework TOML file (SPEC D1) into the model of `framework.rs`.
//! Every problem of the file is collected and reported with file, line, column and item code.
//!
//! ```toml
//! [framework]
//! id = "par-index-tinh-876-2022"   # required
//! name = "…"                       # required
//! name_en = "…"                    # optional
//! status = "illustrative"          # required: "official" | "illustrative"
//! source = "…"                     # optional
//! year_from = 2022                 # optional
//! year_to = 2030                   # optional
//! step = "0.25"                    # required, > 0
//! total = "100"                    # required: the sum of the areas' maxima
//! survey_total = "32"              # optional: the sum of the survey leaves' maxima
//! justification_min_chars = 20     # optional (default 20): letters and digits an adjustment's
//!                                  # justification needs at least (0..=1000)
//!
//! [[group]]                        # ranking bands, at least one, unique names
//! name = "A"
//! min_percent = "90"               # 0..=100
//!
//! [[item]]                         # in tree order: a parent, then its children
//! code = "3.2.1"                   # dotted numbers; the parent of "3.2.1" is "3.2"; at most 3 levels
//! name = "…"                       # required
//! name_en = "…"                    # optional
//! max = "1"                        # > 0, a multiple of step; a parent's max = the sum of its children's
//! method = "appraised"             # leaves only: "appraised" | "survey"
//! guidance = "…"                   # optional
//! evidence = ["…"]                 # optional
//! ```

use std::collections::{HashMap, HashSet};

use super::file_error::{FileError, FileErrorKind as K, Section};
use super::framework::{Framework, FrameworkMeta, Group, Method, Node};
use super::points::Points;
use super::toml_read::{Field, Reader, Table};

/// Levels of the tree: area, criterion, sub-criterion.
pub const MAX_LEVELS: usize = 3;

const FRAMEWORK_KEYS: &[&str] = &[
    "id",
    "name",
    "name_en",
    "status",
    "source",
    "year_from",
    "year_to",
    "step",
    "total",
    "survey_total",
    "justification_min_chars",
];
const GROUP_KEYS: &[&str] = &["name", "min_percent"];
const ITEM_KEYS: &[&str] = &[
    "code", "name", "name_en", "max", "method", "guidance", "evidence",
];

/// Parse and validate a framework file. `file` names the file in error messages.
pub fn parse_framework(text: &str, file: &str) -> Result<Framework, Vec<FileError>> {
    let mut r = Reader::new(text, file);
    let Some(doc) = r.parse() else {
        return Err(r.into_errors());
    };
    let root = Table::new(&doc, 0..0, Section::Root);
    root.check_keys(&mut r, &["framework", "group", "item"]);

    let head = root
        .sub_table(&mut r, "framework", Section::Framework)
        .map(|t| read_head(&mut r, &t));
    let anchor = head.as_ref().map_or(0, |h| h.offset);
    let step = head
        .as_ref()
        .and_then(|h| h.step)
        .filter(|s| s.hundredths() > 0);

    let groups = read_groups(&mut r, &root, anchor);

    let item_tables = root.table_list(&mut r, "item", Section::Item);
    if root.is_empty_list("item") {
        r.error(anchor, None, K::EmptyTree);
    }
    let items: Vec<RawItem> = item_tables
        .into_iter()
        .map(|t| read_item(&mut r, t, step))
        .collect();

    let tree = build_tree(&mut r, &items);
    check_methods(&mut r, &items, &tree);
    check_sums(&mut r, &items, &tree, head.as_ref());

    if r.has_errors() {
        return Err(r.into_errors());
    }
    // No problem recorded means the head, its step and its total were all read.
    match (head, step) {
        (
            Some(Head {
                meta,
                total: Some(total),
                meta_complete: true,
                ..
            }),
            Some(step),
        ) => Ok(Framework::from_parts(
            meta,
            step,
            total,
            groups,
            make_nodes(&items, &tree),
        )),
        _ => Err(r.into_errors()),
    }
}

struct Head {
    offset: usize,
    meta: FrameworkMeta,
    /// All required descriptive fields were read.
    meta_complete: bool,
    step: Option<Points>,
    total: Option<Points>,
    total_offset: usize,
    survey_total: Option<Field<Points>>,
}

fn read_head(r: &mut Reader<'_>, t: &Table<'_, '_>) -> Head {
    t.check_keys(r, FRAMEWORK_KEYS);
    let id = t.text(r, "id", true);
    let name = t.text(r, "name", true);
    let name_en = t.text(r, "name_en", false).map(|f| f.value);
    let status = t.raw_str(r, "status", true);
    let status_ok = match &status {
        Some(f) if f.value == "official" || f.value == "illustrative" => true,
        Some(f) => {
            r.error(
                f.offset,
                None,
                K::BadStatus {
                    value: f.value.clone(),
                },
            );
            false
        }
        None => false,
    };
    let source = t.text(r, "source", false).map(|f| f.value);
    let year_from = t.year(r, "year_from");
    let year_to = t.year(r, "year_to");
    if let (Some(from), Some(to)) = (&year_from, &year_to)
        && from.value > to.value
    {
        r.error(
            from.offset,
            None,
            K::YearRange {
                from: from.value,
                to: to.value,
            },
        );
    }
    let step = t.points(r, "step", true);
    if let Some(s) = &step
        && s.value.hundredths() <= 0
    {
        r.error(s.offset, None, K::StepNotPositive { step: s.value });
    }
    let total = t.points(r, "total", true);
    let survey_total = t.points(r, "survey_total", false);
    let justification_min_chars = t
        .count(r, "justification_min_chars", 1000)
        .map_or(crate::framework::JUSTIFICATION_MIN_CHARS, |f| f.value);
    let meta_complete = id.is_some() && name.is_some() && status_ok;
    Head {
        offset: t.offset,
        meta: FrameworkMeta {
            id: id.map(|f| f.value).unwrap_or_default(),
            name: name.map(|f| f.value).unwrap_or_default(),
            name_en,
            status: status.map(|f| f.value).unwrap_or_default(),
            source,
            year_from: year_from.map(|f| f.value),
            year_to: year_to.map(|f| f.value),
            justification_min_chars,
        },
        meta_complete,
        step: step.map(|f| f.value),
        total_offset: total.as_ref().map_or(t.offset, |f| f.offset),
        total: total.map(|f| f.value),
        survey_total,
    }
}

fn read_groups(r: &mut Reader<'_>, root: &Table<'_, '_>, anchor: usize) -> Vec<Group> {
    let tables = root.table_list(r, "group", Section::Group);
    if root.is_empty_list("group") {
        r.error(anchor, None, K::NoGroups);
    }
    let mut first_line: HashMap<String, usize> = HashMap::new();
    let mut groups = Vec::new();
    for mut t in tables {
        let name = t.text(r, "name", true);
        t.item = name.as_ref().map(|f| f.value.clone());
        t.check_keys(r, GROUP_KEYS);
        let min = t.points(r, "min_percent", true);
        if let Some(m) = &min
            && !(0..=10_000).contains(&m.value.hundredths())
        {
            r.error(
                m.offset,
                t.item.as_deref(),
                K::PercentRange { value: m.value },
            );
        }
        if let Some(n) = &name {
            if let Some(&line) = first_line.get(&n.value) {
                r.error(
                    n.offset,
                    Some(&n.value),
                    K::DuplicateGroup {
                        name: n.value.clone(),
                        first_line: line,
                    },
                );
            } else {
                first_line.insert(n.value.clone(), r.line(n.offset));
            }
        }
        if let (Some(n), Some(m)) = (name, min) {
            groups.push(Group {
                name: n.value,
                min_percent: m.value.hundredths(),
            });
        }
    }
    groups
}

/// What the file says about `method`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MethodField {
    Absent,
    /// Present but not a known method (already reported).
    Invalid,
    Given(Method, usize),
}

/// One `[[item]]` as read, before linking into the tree.
struct RawItem {
    offset: usize,
    /// The code as written, if it is a string.
    code: Option<Field<String>>,
    /// Number of levels when the code is well formed and not too deep.
    levels: Option<usize>,
    name: String,
    name_en: Option<String>,
    max: Option<Field<Points>>,
    method: MethodField,
    guidance: String,
    evidence: Vec<String>,
}

/// The number of levels of a well-formed code ("3.2.1" → 3): dotted numbers without leading zeros.
pub fn code_levels(code: &str) -> Option<usize> {
    let mut n = 0;
    for seg in code.split('.') {
        if seg.is_empty() || !seg.bytes().all(|b| b.is_ascii_digit()) || seg.starts_with('0') {
            return None;
        }
        n += 1;
    }
    Some(n)
}

/// The parent's code ("3.2.1" → "3.2"); `None` for an area.
pub fn parent_code(code: &str) -> Option<&str> {
    code.rfind('.').map(|i| &code[..i])
}

fn read_item(r: &mut Reader<'_>, mut t: Table<'_, '_>, step: Option<Points>) -> RawItem {
    let code = t.raw_str(r, "code", true);
    t.item = code.as_ref().map(|f| f.value.clone());
    let item = t.item.clone();
    t.check_keys(r, ITEM_KEYS);
    let mut levels = None;
    if let Some(c) = &code {
        match code_levels(&c.value) {
            None => r.error(
                c.offset,
                item.as_deref(),
                K::BadCode {
                    code: c.value.clone(),
                },
            ),
            Some(n) if n > MAX_LEVELS => r.error(
                c.offset,
                item.as_deref(),
                K::TooDeep {
                    code: c.value.clone(),
                    max_levels: MAX_LEVELS,
                },
            ),
            Some(n) => levels = Some(n),
        }
    }
    let name = t.text(r, "name", true).map(|f| f.value).unwrap_or_default();
    let name_en = t.text(r, "name_en", false).map(|f| f.value);
    let max = t.points(r, "max", true);
    if let Some(m) = &max {
        if m.value.hundredths() <= 0 {
            r.error(
                m.offset,
                item.as_deref(),
                K::MaxNotPositive { max: m.value },
            );
        } else if let Some(step) = step
            && !m.value.is_multiple_of(step)
        {
            r.error(
                m.offset,
                item.as_deref(),
                K::MaxOffStep { max: m.value, step },
            );
        }
    }
    let method = match t.raw_str(r, "method", false) {
        None if t.table.contains_key("method") => MethodField::Invalid,
        None => MethodField::Absent,
        Some(f) => match f.value.as_str() {
            "appraised" => MethodField::Given(Method::Appraised, f.offset),
            "survey" => MethodField::Given(Method::Survey, f.offset),
            _ => {
                r.error(
                    f.offset,
                    item.as_deref(),
                    K::BadMethod {
                        value: f.value.clone(),
                    },
                );
                MethodField::Invalid
            }
        },
    };
    let guidance = t
        .text(r, "guidance", false)
        .map(|f| f.value)
        .unwrap_or_default();
    let evidence = t.string_list(r, "evidence");
    RawItem {
        offset: t.offset,
        code,
        levels,
        name,
        name_en,
        max,
        method,
        guidance,
        evidence,
    }
}

/// The items that made it into the tree and how they link.
struct Tree {
    /// Item indexes of the accepted items, in file order (= node order).
    order: Vec<usize>,
    /// For each accepted item (by position in `order`): parent position and child positions.
    parent: Vec<Option<usize>>,
    children: Vec<Vec<usize>>,
    /// Codes whose direct children are not all in the tree ("" = the areas); sums there are not checked.
    incomplete: HashSet<String>,
    /// Some item has no usable code, so its place is unknown and no sum can be trusted.
    unplaced: bool,
}

fn code_of(item: &RawItem) -> &str {
    item.code.as_ref().map_or("", |f| f.value.as_str())
}

fn build_tree(r: &mut Reader<'_>, items: &[RawItem]) -> Tree {
    let mut tree = Tree {
        order: Vec::new(),
        parent: Vec::new(),
        children: Vec::new(),
        incomplete: HashSet::new(),
        unplaced: false,
    };
    // First occurrence of each well-formed code.
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut rejected = vec![false; items.len()];
    for (i, it) in items.iter().enumerate() {
        let Some(c) = it.code.as_ref().filter(|_| it.levels.is_some()) else {
            tree.unplaced = true;
            rejected[i] = true;
            continue;
        };
        if let Some(&j) = first.get(c.value.as_str()) {
            let first_offset = items[j].code.as_ref().map_or(items[j].offset, |f| f.offset);
            r.error(
                c.offset,
                Some(&c.value),
                K::DuplicateCode {
                    code: c.value.clone(),
                    first_line: r.line(first_offset),
                },
            );
            rejected[i] = true;
        } else {
            first.insert(&c.value, i);
        }
    }

    // Position in `order` of each accepted item.
    let mut pos_of: HashMap<usize, usize> = HashMap::new();
    // The open path from an area down to the last accepted item.
    let mut path: Vec<usize> = Vec::new();
    for (i, it) in items.iter().enumerate() {
        if rejected[i] {
            continue;
        }
        let code = code_of(it);
        let parent_pos = match parent_code(code) {
            None => {
                path.clear();
                None
            }
            Some(parent) => match first.get(parent) {
                None => {
                    r.error(
                        it.code.as_ref().map_or(it.offset, |f| f.offset),
                        Some(code),
                        K::ParentMissing {
                            code: code.to_string(),
                            parent: parent.to_string(),
                        },
                    );
                    rejected[i] = true;
                    continue;
                }
                Some(&j) if j > i => {
                    let parent_offset =
                        items[j].code.as_ref().map_or(items[j].offset, |f| f.offset);
                    r.error(
                        it.code.as_ref().map_or(it.offset, |f| f.offset),
                        Some(code),
                        K::ParentLater {
                            code: code.to_string(),
                            parent: parent.to_string(),
                            parent_line: r.line(parent_offset),
                        },
                    );
                    rejected[i] = true;
                    continue;
                }
                Some(&j) => {
                    let Some(&pp) = pos_of.get(&j) else {
                        // The parent itself was rejected and reported.
                        rejected[i] = true;
                        continue;
                    };
                    match path.iter().rposition(|&p| p == pp) {
                        Some(k) => {
                            path.truncate(k + 1);
                            Some(pp)
                        }
                        None => {
                            r.error(
                                it.code.as_ref().map_or(it.offset, |f| f.offset),
                                Some(code),
                                K::OutOfOrder {
                                    code: code.to_string(),
                                    parent: parent.to_string(),
                                },
                            );
                            rejected[i] = true;
                            continue;
                        }
                    }
                }
            },
        };
        let pos = tree.order.len();
        tree.order.push(i);
        tree.parent.push(parent_pos);
        tree.children.push(Vec::new());
        if let Some(pp) = parent_pos {
            tree.children[pp].push(pos);
        }
        pos_of.insert(i, pos);
        path.push(pos);
    }

    for (i, it) in items.iter().enumerate() {
        if rejected[i] {
            let mut code = code_of(it);
            tree.incomplete.insert(String::new());
            while let Some(p) = parent_code(code) {
                tree.incomplete.insert(p.to_string());
                code = p;
            }
        }
    }
    tree
}

/// A leaf needs a method; a parent must not have one.
fn check_methods(r: &mut Reader<'_>, items: &[RawItem], tree: &Tree) {
    for (pos, &i) in tree.order.iter().enumerate() {
        let it = &items[i];
        let code = code_of(it);
        if tree.children[pos].is_empty() {
            // A parent whose children were all rejected looks like a leaf: do not pile on.
            if it.method == MethodField::Absent && !tree.incomplete.contains(code) {
                r.error(
                    it.offset,
                    Some(code),
                    K::LeafWithoutMethod {
                        code: code.to_string(),
                    },
                );
            }
        } else if let MethodField::Given(_, offset) = it.method {
            r.error(
                offset,
                Some(code),
                K::MethodOnParent {
                    code: code.to_string(),
                },
            );
        }
    }
}

/// Children's maxima add up to the parent's; areas add up to `total`; survey leaves to `survey_total`.
fn check_sums(r: &mut Reader<'_>, items: &[RawItem], tree: &Tree, head: Option<&Head>) {
    if tree.unplaced {
        return;
    }
    let max_of = |pos: usize| items[tree.order[pos]].max.as_ref().map(|f| f.value);
    let sum_of = |positions: &[usize]| -> Option<Points> {
        positions.iter().map(|&p| max_of(p)).sum::<Option<Points>>()
    };
    for (pos, &i) in tree.order.iter().enumerate() {
        let it = &items[i];
        let code = code_of(it);
        if tree.children[pos].is_empty() || tree.incomplete.contains(code) {
            continue;
        }
        if let (Some(max), Some(sum)) = (&it.max, sum_of(&tree.children[pos]))
            && max.value != sum
        {
            r.error(
                max.offset,
                Some(code),
                K::ChildrenSum {
                    parent: code.to_string(),
                    max: max.value,
                    sum,
                },
            );
        }
    }
    let Some(head) = head else {
        return;
    };
    let areas: Vec<usize> = (0..tree.order.len())
        .filter(|&p| tree.parent[p].is_none())
        .collect();
    if let (Some(total), Some(sum), false) = (
        head.total,
        sum_of(&areas),
        tree.incomplete.contains("") || areas.is_empty(),
    ) && total != sum
    {
        r.error(head.total_offset, None, K::TotalMismatch { total, sum });
    }
    if let Some(st) = &head.survey_total
        && tree.incomplete.is_empty()
        && !tree.order.is_empty()
    {
        let mut sum = Points::ZERO;
        for (pos, &i) in tree.order.iter().enumerate() {
            if !tree.children[pos].is_empty() {
                continue;
            }
            match (&items[i].method, &items[i].max) {
                (MethodField::Given(Method::Survey, _), Some(m)) => sum += m.value,
                (MethodField::Given(Method::Appraised, _), Some(_)) => {}
                // Unknown method or max: already reported, the sum cannot be trusted.
                _ => return,
            }
        }
        if st.value != sum {
            r.error(
                st.offset,
                None,
                K::SurveyTotalMismatch {
                    survey_total: st.value,
                    sum,
                },
            );
        }
    }
}

/// The derived method of a parent: the common method of its children, or `Mixed`.
pub fn derive_method(children: impl IntoIterator<Item = Method>) -> Method {
    let mut it = children.into_iter();
    let Some(first) = it.next() else {
        return Method::Mixed;
    };
    if it.all(|m| m == first) {
        first
    } else {
        Method::Mixed
    }
}

/// Build the linked nodes of a tree with no problems left.
fn make_nodes(items: &[RawItem], tree: &Tree) -> Vec<Node> {
    let mut nodes: Vec<Node> = tree
        .order
        .iter()
        .enumerate()
        .map(|(pos, &i)| {
            let it = &items[i];
            let code = code_of(it).to_string();
            let depth = u8::try_from(it.levels.unwrap_or(1).saturating_sub(1)).unwrap_or(u8::MAX);
            Node {
                code,
                name: it.name.clone(),
                name_en: it.name_en.clone(),
                max: it.max.as_ref().map_or(Points::ZERO, |f| f.value),
                method: match it.method {
                    MethodField::Given(m, _) => m,
                    _ => Method::Mixed,
                },
                guidance: it.guidance.clone(),
                evidence: it.evidence.clone(),
                parent: tree.parent[pos],
                children: tree.children[pos].clone(),
                depth,
            }
        })
        .collect();
    // Children come after their parent, so walking backwards sees every child before its parent.
    for pos in (0..nodes.len()).rev() {
        if !nodes[pos].children.is_empty() {
            let m = derive_method(nodes[pos].children.iter().map(|&c| nodes[c].method));
            nodes[pos].method = m;
        }
    }
    nodes
}

#[cfg(test)]
mod tests {
    use super::*;
    use l10n::Lang;

    const HEAD: &str = r#"
[framework]
id = "t"
name = "Thử"
status = "illustrative"
step = "0.25"
total = "3"

[[group]]
name = "A"
min_percent = "90"

[[group]]
name = "B"
min_percent = "80,5"
"#;

    fn with_items(items: &str) -> String {
        format!("{HEAD}{items}")
    }

    fn shown(text: &str) -> Vec<String> {
        match parse_framework(text, "f.toml") {
            Ok(_) => Vec::new(),
            Err(errors) => errors.iter().map(ToString::to_string).collect(),
        }
    }

    const TREE: &str = r#"
[[item]]
code = "1"
name = "Lĩnh vực 1"
max = "2"

[[item]]
code = "1.1"
name = "Tiêu chí 1.1"
max = "1.5"

[[item]]
code = "1.1.1"
name = "a"
max = "1"
method = "appraised"

[[item]]
code = "1.1.2"
name = "b"
max = 0.5
method = "survey"

[[item]]
code = "1.2"
name = "Tiêu chí 1.2"
max = "0,5"
method = "survey"

[[item]]
code = "2"
name = "Lĩnh vực 2"
max = 1
method = "survey"
"#;

    #[test]
    fn links_parents_children_and_depth() {
        let fw = parse_framework(&with_items(TREE), "f.toml").unwrap();
        let codes: Vec<&str> = fw.nodes.iter().map(|n| n.code.as_str()).collect();
        assert_eq!(codes, ["1", "1.1", "1.1.1", "1.1.2", "1.2", "2"]);
        let depths: Vec<u8> = fw.nodes.iter().map(|n| n.depth).collect();
        assert_eq!(depths, [0, 1, 2, 2, 1, 0]);
        let parents: Vec<Option<usize>> = fw.nodes.iter().map(|n| n.parent).collect();
        assert_eq!(parents, [None, Some(0), Some(1), Some(1), Some(0), None]);
        assert_eq!(fw.nodes[0].children, [1, 4]);
        assert_eq!(fw.nodes[1].children, [2, 3]);
        assert!(fw.nodes[5].children.is_empty());
        assert_eq!(fw.leaf_count(), 4);
        // Criterion 1.2 has no sub-criteria: it is scored directly, and counted as a criterion.
        let shape = fw.shape();
        assert_eq!(
            (
                shape.areas,
                shape.criteria,
                shape.sub_criteria,
                shape.scored
            ),
            (2, 2, 2, 4)
        );
        assert_eq!(shape.criteria_scored_directly, 1);
        assert_eq!(
            shape.describe(l10n::Lang::Vi),
            "2 lĩnh vực, 2 tiêu chí, 2 tiêu chí thành phần; 4 mục chấm điểm (gồm 1 tiêu chí chấm trực tiếp)"
        );
        assert_eq!(fw.area_of("1.1.2").unwrap().code, "1");
        assert_eq!(fw.step, Points::from_hundredths(25));
        assert_eq!(fw.total, Points::whole(3));
        assert_eq!(fw.survey_points(), Points::from_hundredths(200));
    }

    #[test]
    fn derives_parent_methods_from_leaves() {
        let fw = parse_framework(&with_items(TREE), "f.toml").unwrap();
        let m = |c: &str| fw.node(c).unwrap().method;
        assert_eq!(m("1.1.1"), Method::Appraised);
        assert_eq!(m("1.1.2"), Method::Survey);
        // 1.1 has one appraised and one survey leaf; 1 has 1.1 (mixed) and 1.2 (survey).
        assert_eq!(m("1.1"), Method::Mixed);
        assert_eq!(m("1"), Method::Mixed);
        assert_eq!(m("2"), Method::Survey);
    }

    #[test]
    fn derive_method_agrees_or_mixes() {
        use Method::*;
        assert_eq!(derive_method([Appraised, Appraised]), Appraised);
        assert_eq!(derive_method([Survey]), Survey);
        assert_eq!(derive_method([Survey, Appraised]), Mixed);
        assert_eq!(derive_method([Mixed, Mixed]), Mixed);
        assert_eq!(derive_method([Appraised, Mixed]), Mixed);
    }

    #[test]
    fn an_all_survey_parent_is_survey() {
        let text = with_items(
            r#"
[[item]]
code = "1"
name = "x"
max = "3"
[[item]]
code = "1.1"
name = "y"
max = "1"
method = "survey"
[[item]]
code = "1.2"
name = "z"
max = "2"
method = "survey"
"#,
        );
        let fw = parse_framework(&text, "f.toml").unwrap();
        assert_eq!(fw.node("1").unwrap().method, Method::Survey);
    }

    #[test]
    fn groups_are_in_hundredths_of_a_percent_highest_first() {
        let fw = parse_framework(&with_items(TREE), "f.toml").unwrap();
        let g: Vec<(&str, i64)> = fw
            .groups
            .iter()
            .map(|g| (g.name.as_str(), g.min_percent))
            .collect();
        assert_eq!(g, [("A", 9000), ("B", 8050)]);
        assert_eq!(fw.group_for(8500).unwrap().name, "B");
    }

    #[test]
    fn code_syntax() {
        assert_eq!(code_levels("3.2.1"), Some(3));
        assert_eq!(code_levels("10"), Some(1));
        assert_eq!(code_levels(""), None);
        assert_eq!(code_levels("1..2"), None);
        assert_eq!(code_levels("1.2."), None);
        assert_eq!(code_levels("01"), None);
        assert_eq!(code_levels("1.a"), None);
        assert_eq!(code_levels(" 1"), None);
        assert_eq!(parent_code("3.2.1"), Some("3.2"));
        assert_eq!(parent_code("3"), None);
    }

    #[test]
    fn children_sum_names_parent_and_both_sums() {
        let text = with_items(TREE).replace("max = \"1.5\"", "max = \"1.75\"");
        let errors = shown(&text);
        // 1.1 is 1.75 but its children make 1.5; and area 1 now sums to 2.25 against its max 2.
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].contains(
            "[item 1] the maxima of the children of \"1\" add up to 2.25, but its max is 2.00"
        ));
        assert!(errors[1].contains(
            "[item 1.1] the maxima of the children of \"1.1\" add up to 1.50, but its max is 1.75"
        ));
    }

    #[test]
    fn out_of_order_child_is_reported() {
        let text = with_items(
            r#"
[[item]]
code = "1"
name = "x"
max = "2"
[[item]]
code = "1.1"
name = "y"
max = "1"
method = "survey"
[[item]]
code = "2"
name = "z"
max = "1"
method = "survey"
[[item]]
code = "1.2"
name = "w"
max = "1"
method = "survey"
"#,
        );
        let errors = shown(&text);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].contains("[item 1.2] \"1.2\" is separated from the other items under \"1\"")
        );
    }

    #[test]
    fn vietnamese_message() {
        let text = with_items(TREE).replace("method = \"appraised\"", "method = \"tự chấm\"");
        let Err(errors) = parse_framework(&text, "f.toml") else {
            panic!("should fail");
        };
        assert_eq!(errors.len(), 1, "{errors:?}");
        let vi = errors[0].message(Lang::Vi);
        assert!(
            vi.contains("[mục 1.1.1] phương pháp \"tự chấm\" không hợp lệ"),
            "{vi}"
        );
    }
}
