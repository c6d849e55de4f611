//! A survey definition as data (issue 16): the questionnaire of a satisfaction survey (SIPAS, the
//! leaders' and managers' survey, a province's own toolkit), its answer scale, the formula that
//! turns answers into indices, and which survey items of the framework get which value. Loaded
//! from TOML (`data/surveys/*.toml`, docs/DATA_FORMATS.md "Survey definitions") and validated
//! like the framework: every problem with file, line, column and the factor, question or link.
//!
//! ```toml
//! [survey]
//! id = "sipas-2024"       # letters, digits, '.', '-', '_'
//! version = 1             # the formula's version: "công thức sipas-2024 v1"
//! name = "…"              # name_en optional
//! respondents = "citizens" # or "leaders" (who answers it)
//! year_from = 2024        # optional
//! year_to = 2030          # optional
//! min_answers = 30        # a unit with fewer responses is warned about
//!
//! [scale]                 # optional: the five levels below by default
//! levels = ["rất không hài lòng", "không hài lòng", "bình thường", "hài lòng", "rất hài lòng"]
//! satisfied = [4, 5]      # the level numbers (1-based, in `levels` order) that count as satisfied
//!
//! [formula]               # optional: these are the defaults, and the only rules known today
//! question = "share-satisfied"   # a question's index: satisfied answers / answers
//! factor = "mean"                # a factor: the mean of its questions' indices
//! index = "mean"                 # or "weighted": the weighted mean of the factors (`weight`)
//!
//! [[factor]]
//! code = "tiep-can"
//! name = "Tiếp cận dịch vụ"
//! weight = "1"            # optional (needed by index = "weighted")
//!
//! [[question]]
//! id = "TC1"              # the column of the responses file
//! factor = "tiep-can"
//! aspect = "satisfaction" # perception | satisfaction | expectation
//! text = "…"
//!
//! [[link]]
//! item = "8.5.1"          # a survey item of the framework
//! source = "index"        # or a factor code
//! max = "2.5"             # points = max × the value, rounded to 0,01 (half up)
//! ```

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use l10n::Lang;

use super::file_error::{FileError, FileErrorKind as K, Section};
use super::framework::{Framework, Method};
use super::points::Points;
use super::toml_read::{Field, Reader, Table};

/// The default scale, level 1 first (a higher level is more satisfied).
pub const DEFAULT_LEVELS: [&str; 5] = [
    "rất không hài lòng",
    "không hài lòng",
    "bình thường",
    "hài lòng",
    "rất hài lòng",
];

/// What a question measures (the three aspects of each SIPAS factor).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Aspect {
    Perception,
    Satisfaction,
    Expectation,
}

impl Aspect {
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Aspect::Perception => lang.pick("cảm nhận", "perception"),
            Aspect::Satisfaction => lang.pick("hài lòng", "satisfaction"),
            Aspect::Expectation => lang.pick("mong đợi", "expectation"),
        }
    }
}

/// How the factors make the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IndexRule {
    Mean,
    Weighted,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Factor {
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    /// The weight in a weighted index (1 when not given).
    pub weight: Points,
}

impl Factor {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => self.name_en.as_deref().unwrap_or(&self.name),
            Lang::Vi => &self.name,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub id: String,
    /// The position of its factor in `SurveyDef::factors`.
    pub factor: usize,
    pub aspect: Aspect,
    pub text: String,
}

/// Where a link takes its value from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkSource {
    Index,
    /// The position of a factor.
    Factor(usize),
}

/// A survey item of the framework and the value it gets: `max × value`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub item: String,
    pub source: LinkSource,
    pub max: Points,
    /// The line of the `[[link]]` in its file (for the problems found against a framework).
    pub line: usize,
}

/// A loaded, valid survey definition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyDef {
    pub file: String,
    pub id: String,
    pub version: u32,
    pub name: String,
    pub name_en: Option<String>,
    /// Who answers it: "citizens" or "leaders".
    pub respondents: String,
    pub year_from: Option<u16>,
    pub year_to: Option<u16>,
    pub min_answers: u32,
    /// Level 1 first.
    pub levels: Vec<String>,
    /// `satisfied[l]`: whether level `l + 1` counts as satisfied.
    pub satisfied: Vec<bool>,
    pub index_rule: IndexRule,
    pub factors: Vec<Factor>,
    pub questions: Vec<Question>,
    pub links: Vec<Link>,
}

impl SurveyDef {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => self.name_en.as_deref().unwrap_or(&self.name),
            Lang::Vi => &self.name,
        }
    }

    /// "sipas-2024 v1": how the formula is named in the reason of every survey point.
    pub fn formula_label(&self) -> String {
        format!("{} v{}", self.id, self.version)
    }

    /// Whether the definition's declared years include `year`.
    pub fn covers(&self, year: u16) -> bool {
        self.year_from.is_none_or(|f| year >= f) && self.year_to.is_none_or(|t| year <= t)
    }

    pub fn question(&self, id: &str) -> Option<usize> {
        self.questions.iter().position(|q| q.id == id)
    }

    /// The level an answer names: its number (1…n) or its words, any case or accents as
    /// typed ("Hài lòng", "hai long").
    pub fn level_of(&self, text: &str) -> Option<u8> {
        let t = text.trim();
        if let Ok(n) = t.parse::<usize>() {
            return (1..=self.levels.len()).contains(&n).then_some(n as u8);
        }
        let k = fold_words(t);
        self.levels
            .iter()
            .position(|l| fold_words(l) == k)
            .map(|i| (i + 1) as u8)
    }

    /// The problems of the links against the framework of a year: each item must be a survey
    /// item of it, and `max` at most the item's own.
    pub fn check_links(&self, framework: &Framework) -> Vec<FileError> {
        let mut out = Vec::new();
        for l in &self.links {
            let fault = match framework.node(&l.item) {
                None => Some(SurveyFault::UnknownItem {
                    item: l.item.clone(),
                }),
                Some(n) if !n.is_leaf() || n.method != Method::Survey => {
                    Some(SurveyFault::NotSurveyItem {
                        item: l.item.clone(),
                    })
                }
                Some(n) if l.max > n.max => Some(SurveyFault::LinkOverMax {
                    item: l.item.clone(),
                    max: l.max,
                    item_max: n.max,
                }),
                Some(_) => None,
            };
            if let Some(fault) = fault {
                out.push(FileError {
                    file: self.file.clone(),
                    line: Some(l.line),
                    column: None,
                    item: Some(l.item.clone()),
                    kind: K::Survey {
                        section: Section::Link,
                        fault,
                    },
                });
            }
        }
        out
    }
}

/// Lower case, without Vietnamese accents, words separated by one space: "Rất  Hài lòng" →
/// "rat hai long".
pub fn fold_words(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(s.len());
    for c in s.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        out.extend(c.to_lowercase());
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What is wrong in a survey definition, beyond the problems every data file can have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SurveyFault {
    BadId {
        id: String,
    },
    BadChoice {
        key: &'static str,
        value: String,
        allowed: &'static [&'static str],
    },
    VersionZero,
    LevelCount {
        count: usize,
    },
    SatisfiedLevel {
        level: i64,
        levels: usize,
    },
    NoSatisfied,
    AllSatisfied,
    NoFactors,
    NoQuestions,
    UnknownFactor {
        factor: String,
    },
    FactorWithoutQuestions {
        factor: String,
    },
    WeightNotPositive,
    UnknownSource {
        source: String,
    },
    MaxNotPositive,
    UnknownItem {
        item: String,
    },
    NotSurveyItem {
        item: String,
    },
    LinkOverMax {
        item: String,
        max: Points,
        item_max: Points,
    },
}

impl SurveyFault {
    pub fn message(&self, lang: Lang) -> String {
        use SurveyFault as F;
        let vi = lang == Lang::Vi;
        let pick = |v: String, e: String| if vi { v } else { e };
        match self {
            F::BadId { id } => pick(
                format!("mã \"{id}\" chỉ được gồm chữ, số, '.', '-' và '_'"),
                format!("id \"{id}\" may hold only letters, digits, '.', '-' and '_'"),
            ),
            F::BadChoice {
                key,
                value,
                allowed,
            } => {
                let list = allowed
                    .iter()
                    .map(|a| format!("\"{a}\""))
                    .collect::<Vec<_>>()
                    .join(", ");
                pick(
                    format!("`{key}` = \"{value}\" không hợp lệ; hãy dùng một trong: {list}"),
                    format!("`{key}` = \"{value}\" is not allowed; use one of: {list}"),
                )
            }
            F::VersionZero => pick(
                "version phải từ 1 trở lên".into(),
                "version must be 1 or more".into(),
            ),
            F::LevelCount { count } => pick(
                format!("thang đo có {count} mức; cần từ 2 đến 10 mức"),
                format!("the scale has {count} levels; it needs 2 to 10"),
            ),
            F::SatisfiedLevel { level, levels } => pick(
                format!("mức {level} không có trong thang đo (1 đến {levels})"),
                format!("level {level} is not on the scale (1 to {levels})"),
            ),
            F::NoSatisfied => pick(
                "`satisfied` trống; hãy ghi các mức được tính là hài lòng, như [4, 5]".into(),
                "`satisfied` is empty; list the levels that count as satisfied, like [4, 5]".into(),
            ),
            F::AllSatisfied => pick(
                "mọi mức đều được tính là hài lòng; chỉ số sẽ luôn là 100 %".into(),
                "every level counts as satisfied; the index would always be 100 %".into(),
            ),
            F::NoFactors => pick(
                "bộ câu hỏi không có yếu tố nào; hãy thêm các bảng [[factor]]".into(),
                "the survey has no factors; add [[factor]] tables".into(),
            ),
            F::NoQuestions => pick(
                "bộ câu hỏi không có câu hỏi nào; hãy thêm các bảng [[question]]".into(),
                "the survey has no questions; add [[question]] tables".into(),
            ),
            F::UnknownFactor { factor } => pick(
                format!("yếu tố \"{factor}\" chưa được khai báo; hãy thêm [[factor]] có mã này"),
                format!("factor \"{factor}\" is not defined; add a [[factor]] with this code"),
            ),
            F::FactorWithoutQuestions { factor } => pick(
                format!("yếu tố \"{factor}\" không có câu hỏi nào"),
                format!("factor \"{factor}\" has no questions"),
            ),
            F::WeightNotPositive => pick(
                "trọng số (weight) phải lớn hơn 0".into(),
                "weight must be greater than zero".into(),
            ),
            F::UnknownSource { source } => pick(
                format!("nguồn \"{source}\" không hợp lệ; hãy dùng \"index\" hoặc mã một yếu tố"),
                format!("source \"{source}\" is not \"index\" or the code of a factor"),
            ),
            F::MaxNotPositive => pick(
                "điểm tối đa (max) phải lớn hơn 0".into(),
                "max must be greater than zero".into(),
            ),
            F::UnknownItem { item } => pick(
                format!("bộ tiêu chí của năm không có mục \"{item}\""),
                format!("the year's framework has no item \"{item}\""),
            ),
            F::NotSurveyItem { item } => pick(
                format!("mục \"{item}\" không phải mục điều tra xã hội học (≈) của bộ tiêu chí"),
                format!("item \"{item}\" is not a survey item (≈) of the framework"),
            ),
            F::LinkOverMax {
                item,
                max,
                item_max,
            } => pick(
                format!(
                    "max {} lớn hơn điểm tối đa {} của mục \"{item}\"",
                    max.show(lang),
                    item_max.show(lang)
                ),
                format!(
                    "max {} is more than item \"{item}\"'s maximum {}",
                    max.show(lang),
                    item_max.show(lang)
                ),
            ),
        }
    }
}

const ROOT_KEYS: &[&str] = &["survey", "scale", "formula", "factor", "question", "link"];
const SURVEY_KEYS: &[&str] = &[
    "id",
    "version",
    "name",
    "name_en",
    "respondents",
    "year_from",
    "year_to",
    "min_answers",
];
const SCALE_KEYS: &[&str] = &["levels", "satisfied"];
const FORMULA_KEYS: &[&str] = &["question", "factor", "index"];
const FACTOR_KEYS: &[&str] = &["code", "name", "name_en", "weight"];
const QUESTION_KEYS: &[&str] = &["id", "factor", "aspect", "text"];
const LINK_KEYS: &[&str] = &["item", "source", "max"];

fn fault(r: &mut Reader<'_>, offset: usize, item: Option<&str>, section: Section, f: SurveyFault) {
    r.error(offset, item, K::Survey { section, fault: f });
}

fn id_ok(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// A required id-like string (the survey's id, a factor code, a question id), checked.
fn ident(
    r: &mut Reader<'_>,
    t: &Table<'_, '_>,
    key: &'static str,
    section: Section,
) -> Option<Field<String>> {
    let f = t.text(r, key, true)?;
    if !id_ok(&f.value) {
        fault(
            r,
            f.offset,
            Some(&f.value),
            section,
            SurveyFault::BadId {
                id: f.value.clone(),
            },
        );
        return None;
    }
    Some(f)
}

fn choice<T: Copy>(
    r: &mut Reader<'_>,
    t: &Table<'_, '_>,
    key: &'static str,
    section: Section,
    options: &[(&'static str, T)],
    allowed: &'static [&'static str],
    default: Option<T>,
) -> Option<T> {
    let Some(f) = t.raw_str(r, key, default.is_none()) else {
        return default;
    };
    match options.iter().find(|(name, _)| *name == f.value) {
        Some((_, v)) => Some(*v),
        None => {
            let item = t.item.clone();
            fault(
                r,
                f.offset,
                item.as_deref(),
                section,
                SurveyFault::BadChoice {
                    key,
                    value: f.value,
                    allowed,
                },
            );
            None
        }
    }
}

/// Parse and validate a survey definition. `file` names the file in error messages.
pub fn parse_survey(text: &str, file: &str) -> Result<SurveyDef, Vec<FileError>> {
    let mut r = Reader::new(text, file);
    let Some(doc) = r.parse() else {
        return Err(r.into_errors());
    };
    let root = Table::new(&doc, 0..0, Section::Root);
    root.check_keys(&mut r, ROOT_KEYS);

    // [survey]
    let head = root.sub_table(&mut r, "survey", Section::Survey);
    let anchor = head.as_ref().map_or(0, |t| t.offset);
    let mut id = None;
    let mut version = None;
    let mut name = None;
    let mut name_en = None;
    let mut respondents = None;
    let (mut year_from, mut year_to, mut min_answers) = (None, None, 30);
    if let Some(t) = &head {
        t.check_keys(&mut r, SURVEY_KEYS);
        id = ident(&mut r, t, "id", Section::Survey).map(|f| f.value);
        version = match t.count(&mut r, "version", 1_000_000) {
            Some(f) if f.value == 0 => {
                fault(
                    &mut r,
                    f.offset,
                    None,
                    Section::Survey,
                    SurveyFault::VersionZero,
                );
                None
            }
            Some(f) => Some(f.value),
            None => {
                if !t.has("version") {
                    r.error(
                        t.offset,
                        None,
                        K::MissingKey {
                            section: Section::Survey,
                            key: "version",
                        },
                    );
                }
                None
            }
        };
        name = t.text(&mut r, "name", true).map(|f| f.value);
        name_en = t.text(&mut r, "name_en", false).map(|f| f.value);
        respondents = choice(
            &mut r,
            t,
            "respondents",
            Section::Survey,
            &[("citizens", "citizens"), ("leaders", "leaders")],
            &["citizens", "leaders"],
            Some("citizens"),
        );
        year_from = t.year(&mut r, "year_from");
        year_to = t.year(&mut r, "year_to");
        if let (Some(f), Some(to)) = (&year_from, &year_to)
            && f.value > to.value
        {
            r.error(
                f.offset,
                None,
                K::YearRange {
                    from: f.value,
                    to: to.value,
                },
            );
        }
        if let Some(f) = t.count(&mut r, "min_answers", 1_000_000) {
            min_answers = f.value;
        }
    }

    // [scale]
    let mut levels: Vec<String> = DEFAULT_LEVELS.iter().map(|s| s.to_string()).collect();
    let mut satisfied = vec![false, false, false, true, true];
    if root.has("scale")
        && let Some(t) = root.sub_table(&mut r, "scale", Section::Scale)
    {
        t.check_keys(&mut r, SCALE_KEYS);
        if t.has("levels") {
            let list = t.string_list(&mut r, "levels");
            if !(2..=10).contains(&list.len()) {
                fault(
                    &mut r,
                    t.offset,
                    None,
                    Section::Scale,
                    SurveyFault::LevelCount { count: list.len() },
                );
            } else {
                levels = list;
            }
        }
        satisfied = vec![false; levels.len()];
        let mut any = false;
        match t.table.get("satisfied") {
            None => {
                r.error(
                    t.offset,
                    None,
                    K::MissingKey {
                        section: Section::Scale,
                        key: "satisfied",
                    },
                );
                any = true;
            }
            Some(v) => match v.get_ref() {
                toml::de::DeValue::Array(a) => {
                    for e in a.iter() {
                        let n = match e.get_ref() {
                            toml::de::DeValue::Integer(i) => {
                                i64::from_str_radix(i.as_str(), i.radix()).ok()
                            }
                            _ => None,
                        };
                        match n {
                            Some(n) if n >= 1 && (n as usize) <= levels.len() => {
                                satisfied[n as usize - 1] = true;
                                any = true;
                            }
                            _ => fault(
                                &mut r,
                                e.span().start,
                                None,
                                Section::Scale,
                                SurveyFault::SatisfiedLevel {
                                    level: n.unwrap_or(0),
                                    levels: levels.len(),
                                },
                            ),
                        }
                    }
                    if a.is_empty() {
                        fault(
                            &mut r,
                            v.span().start,
                            None,
                            Section::Scale,
                            SurveyFault::NoSatisfied,
                        );
                        any = true;
                    }
                }
                _ => {
                    fault(
                        &mut r,
                        v.span().start,
                        None,
                        Section::Scale,
                        SurveyFault::NoSatisfied,
                    );
                    any = true;
                }
            },
        }
        if any && satisfied.iter().all(|s| *s) {
            fault(
                &mut r,
                t.offset,
                None,
                Section::Scale,
                SurveyFault::AllSatisfied,
            );
        }
    }

    // [formula]
    let mut index_rule = IndexRule::Mean;
    if root.has("formula")
        && let Some(t) = root.sub_table(&mut r, "formula", Section::Formula)
    {
        t.check_keys(&mut r, FORMULA_KEYS);
        choice(
            &mut r,
            &t,
            "question",
            Section::Formula,
            &[("share-satisfied", ())],
            &["share-satisfied"],
            Some(()),
        );
        choice(
            &mut r,
            &t,
            "factor",
            Section::Formula,
            &[("mean", ())],
            &["mean"],
            Some(()),
        );
        index_rule = choice(
            &mut r,
            &t,
            "index",
            Section::Formula,
            &[("mean", IndexRule::Mean), ("weighted", IndexRule::Weighted)],
            &["mean", "weighted"],
            Some(IndexRule::Mean),
        )
        .unwrap_or(IndexRule::Mean);
    }

    // [[factor]]
    let factor_tables = root.table_list(&mut r, "factor", Section::Factor);
    if root.is_empty_list("factor") {
        fault(
            &mut r,
            anchor,
            None,
            Section::Survey,
            SurveyFault::NoFactors,
        );
    }
    let mut factors = Vec::new();
    let mut factor_lines = HashMap::new();
    let mut factor_offsets = Vec::new();
    for mut t in factor_tables {
        let code = ident(&mut r, &t, "code", Section::Factor);
        t.item = code.as_ref().map(|f| f.value.clone());
        t.check_keys(&mut r, FACTOR_KEYS);
        let fname = t.text(&mut r, "name", true);
        let fname_en = t.text(&mut r, "name_en", false).map(|f| f.value);
        let weight = match t.points(&mut r, "weight", false) {
            Some(f) if f.value <= Points::ZERO => {
                fault(
                    &mut r,
                    f.offset,
                    t.item.as_deref(),
                    Section::Factor,
                    SurveyFault::WeightNotPositive,
                );
                None
            }
            Some(f) => Some(f.value),
            None => Some(Points::whole(1)),
        };
        let Some(code) = code else { continue };
        if !r.first_use(&mut factor_lines, &code, Section::Factor) {
            continue;
        }
        // A factor with a bad name or weight is kept (its problem is recorded): its questions
        // are not then reported as naming an unknown factor.
        factor_offsets.push(code.offset);
        factors.push(Factor {
            code: code.value,
            name: fname.map(|n| n.value).unwrap_or_default(),
            name_en: fname_en,
            weight: weight.unwrap_or(Points::whole(1)),
        });
    }

    // [[question]]
    let question_tables = root.table_list(&mut r, "question", Section::Question);
    if root.is_empty_list("question") {
        fault(
            &mut r,
            anchor,
            None,
            Section::Survey,
            SurveyFault::NoQuestions,
        );
    }
    let mut questions = Vec::new();
    let mut question_lines = HashMap::new();
    for mut t in question_tables {
        let qid = ident(&mut r, &t, "id", Section::Question);
        t.item = qid.as_ref().map(|f| f.value.clone());
        t.check_keys(&mut r, QUESTION_KEYS);
        let factor = t.text(&mut r, "factor", true).and_then(|f| {
            let at = factors.iter().position(|x| x.code == f.value);
            if at.is_none() {
                let item = t.item.clone();
                fault(
                    &mut r,
                    f.offset,
                    item.as_deref(),
                    Section::Question,
                    SurveyFault::UnknownFactor { factor: f.value },
                );
            }
            at
        });
        let aspect = choice(
            &mut r,
            &t,
            "aspect",
            Section::Question,
            &[
                ("perception", Aspect::Perception),
                ("satisfaction", Aspect::Satisfaction),
                ("expectation", Aspect::Expectation),
            ],
            &["perception", "satisfaction", "expectation"],
            None,
        );
        let qtext = t.text(&mut r, "text", true);
        let Some(qid) = qid else { continue };
        if !r.first_use(&mut question_lines, &qid, Section::Question) {
            continue;
        }
        if let (Some(factor), Some(aspect), Some(qtext)) = (factor, aspect, qtext) {
            questions.push(Question {
                id: qid.value,
                factor,
                aspect,
                text: qtext.value,
            });
        }
    }
    for (i, f) in factors.iter().enumerate() {
        if !questions.is_empty() && !questions.iter().any(|q| q.factor == i) {
            let at = factor_offsets.get(i).copied().unwrap_or(anchor);
            fault(
                &mut r,
                at,
                Some(&f.code),
                Section::Factor,
                SurveyFault::FactorWithoutQuestions {
                    factor: f.code.clone(),
                },
            );
        }
    }

    // [[link]]
    let mut links = Vec::new();
    let mut link_lines = HashMap::new();
    for mut t in root.table_list(&mut r, "link", Section::Link) {
        let item = t.text(&mut r, "item", true);
        t.item = item.as_ref().map(|f| f.value.clone());
        t.check_keys(&mut r, LINK_KEYS);
        let source = t.text(&mut r, "source", true).and_then(|f| {
            if f.value == "index" {
                return Some(LinkSource::Index);
            }
            match factors.iter().position(|x| x.code == f.value) {
                Some(i) => Some(LinkSource::Factor(i)),
                None => {
                    let item = t.item.clone();
                    fault(
                        &mut r,
                        f.offset,
                        item.as_deref(),
                        Section::Link,
                        SurveyFault::UnknownSource { source: f.value },
                    );
                    None
                }
            }
        });
        let max = match t.points(&mut r, "max", true) {
            Some(f) if f.value <= Points::ZERO => {
                let item = t.item.clone();
                fault(
                    &mut r,
                    f.offset,
                    item.as_deref(),
                    Section::Link,
                    SurveyFault::MaxNotPositive,
                );
                None
            }
            other => other.map(|f| f.value),
        };
        let Some(item) = item else { continue };
        if !r.first_use(&mut link_lines, &item, Section::Link) {
            continue;
        }
        if let (Some(source), Some(max)) = (source, max) {
            links.push(Link {
                line: r.line(t.offset),
                item: item.value,
                source,
                max,
            });
        }
    }

    if r.has_errors() {
        return Err(r.into_errors());
    }
    let (Some(id), Some(version), Some(name), Some(respondents)) = (id, version, name, respondents)
    else {
        return Err(r.into_errors());
    };
    Ok(SurveyDef {
        file: file.to_string(),
        id,
        version,
        name,
        name_en,
        respondents: respondents.to_string(),
        year_from: year_from.map(|f| f.value),
        year_to: year_to.map(|f| f.value),
        min_answers,
        levels,
        satisfied,
        index_rule,
        factors,
        questions,
        links,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_survey_loads_and_links_to_the_bundled_framework() {
        let fw = crate::bundled::framework_for(2024).unwrap();
        let fw = crate::parse_framework(fw.text, fw.name).unwrap();
        assert_eq!(crate::bundled::surveys().len(), 2);
        for f in crate::bundled::surveys() {
            let s = parse_survey(f.text, f.name).unwrap_or_else(|e| {
                panic!(
                    "{}",
                    e.iter()
                        .map(|e| e.message(Lang::En))
                        .collect::<Vec<_>>()
                        .join("\n")
                )
            });
            assert!(s.check_links(&fw).is_empty(), "{}", f.name);
            assert!(!s.links.is_empty());
        }
        let sipas = crate::bundled::survey("sipas-2024").unwrap();
        assert_eq!(sipas.factors.len(), 5);
        assert_eq!(sipas.formula_label(), "sipas-2024 v1");
        assert_eq!(sipas.satisfied, [false, false, false, true, true]);
        assert_eq!(sipas.level_of("4"), Some(4));
        assert_eq!(sipas.level_of(" Rất hài lòng "), Some(5));
        assert_eq!(sipas.level_of("rat khong hai long"), Some(1));
        assert_eq!(sipas.level_of("6"), None);
        assert_eq!(sipas.level_of("hài"), None);
    }

    const BAD: &str = r#"[survey]
id = "x y"
version = 0
name = "Thử"
colour = "red"

[scale]
levels = ["kém", "tốt"]
satisfied = [3]

[formula]
index = "median"

[[factor]]
code = "a"
name = "A"
weight = "0"

[[factor]]
code = "b"
name = "B"

[[factor]]
code = "a"
name = "A lần hai"

[[question]]
id = "Q1"
factor = "c"
aspect = "mood"
text = "?"

[[question]]
id = "Q2"
factor = "a"
aspect = "perception"
text = "?"

[[link]]
item = "8.5.1"
source = "tong"
max = "-1"
"#;

    #[test]
    fn a_bad_definition_lists_every_problem_with_its_line_and_item() {
        let errs = parse_survey(BAD, "bad.toml").unwrap_err();
        let shown: Vec<String> = errs.iter().map(|e| e.message(Lang::Vi)).collect();
        assert_eq!(
            shown,
            [
                "bad.toml:2:6: [x y] mã \"x y\" chỉ được gồm chữ, số, '.', '-' và '_'",
                "bad.toml:3:11: version phải từ 1 trở lên",
                "bad.toml:5:1: khóa `colour` trong [survey] không được hỗ trợ; hãy kiểm tra chính tả hoặc xóa nó",
                "bad.toml:9:14: mức 3 không có trong thang đo (1 đến 2)",
                "bad.toml:12:9: `index` = \"median\" không hợp lệ; hãy dùng một trong: \"mean\", \"weighted\"",
                "bad.toml:17:10: [yếu tố a] trọng số (weight) phải lớn hơn 0",
                "bad.toml:20:8: [yếu tố b] yếu tố \"b\" không có câu hỏi nào",
                "bad.toml:24:8: [yếu tố a] mã yếu tố \"a\" đã được dùng ở dòng 15; mỗi mã phải là duy nhất",
                "bad.toml:29:10: [câu hỏi Q1] yếu tố \"c\" chưa được khai báo; hãy thêm [[factor]] có mã này",
                "bad.toml:30:10: [câu hỏi Q1] `aspect` = \"mood\" không hợp lệ; hãy dùng một trong: \"perception\", \"satisfaction\", \"expectation\"",
                "bad.toml:41:10: [liên kết 8.5.1] nguồn \"tong\" không hợp lệ; hãy dùng \"index\" hoặc mã một yếu tố",
                "bad.toml:42:7: [liên kết 8.5.1] điểm tối đa (max) phải lớn hơn 0",
            ]
        );
    }

    #[test]
    fn links_are_checked_against_the_framework() {
        let fw = crate::bundled::framework_for(2024).unwrap();
        let fw = crate::parse_framework(fw.text, fw.name).unwrap();
        let text = crate::bundled::surveys()[0]
            .text
            .replace("item = \"3.3.4\"", "item = \"3.3.1\"")
            .replace("item = \"8.2.2\"", "item = \"9.9.9\"")
            .replace("max = \"1\"\n", "max = \"2\"\n");
        let s = parse_survey(&text, "s.toml").unwrap();
        let shown: Vec<String> = s
            .check_links(&fw)
            .iter()
            .map(|e| e.message(Lang::En))
            .collect();
        assert_eq!(shown.len(), 3, "{shown:?}");
        assert!(shown[0].contains("[link 3.3.1] item \"3.3.1\" is not a survey item"));
        assert!(shown[1].contains("[link 9.9.9] the year's framework has no item \"9.9.9\""));
        assert!(
            shown[2].contains("[link 3.5.2] max 2.00 is more than item \"3.5.2\"'s maximum 1.00")
        );
    }
}
