//! One problem found while loading a data file (framework or units TOML): what went wrong and where
//! (file, line, column, item). The loaders collect every problem of a file, not only the first.

use std::fmt;

use l10n::Lang;

use super::points::{Points, PointsError};

/// Which table of a data file a problem is in. Names the table in messages and labels the item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Section {
    /// The top level of the file.
    Root,
    /// `[framework]`
    Framework,
    /// `[[group]]`
    Group,
    /// `[[item]]`
    Item,
    /// `[unit_set]`
    UnitSet,
    /// `[[region]]`
    Region,
    /// `[[unit]]`
    Unit,
    /// `[survey]` (a survey definition, `survey_file`)
    Survey,
    /// `[scale]`
    Scale,
    /// `[formula]`
    Formula,
    /// `[[factor]]`
    Factor,
    /// `[[question]]`
    Question,
    /// `[[link]]`
    Link,
}

impl Section {
    /// The table as written in the file: `[framework]`, `[[item]]`, ….
    pub fn header(self, lang: Lang) -> &'static str {
        match self {
            Section::Root => lang.pick("cấp ngoài cùng của tệp", "the top level of the file"),
            Section::Framework => "[framework]",
            Section::Group => "[[group]]",
            Section::Item => "[[item]]",
            Section::UnitSet => "[unit_set]",
            Section::Region => "[[region]]",
            Section::Unit => "[[unit]]",
            Section::Survey => "[survey]",
            Section::Scale => "[scale]",
            Section::Formula => "[formula]",
            Section::Factor => "[[factor]]",
            Section::Question => "[[question]]",
            Section::Link => "[[link]]",
        }
    }

    /// The word that labels `FileError::item` in a message ("item 3.2.1", "unit 44").
    pub fn label(self, lang: Lang) -> Option<&'static str> {
        match self {
            Section::Group => Some(lang.pick("nhóm", "group")),
            Section::Item => Some(lang.pick("mục", "item")),
            Section::Region => Some(lang.pick("vùng", "region")),
            Section::Unit => Some(lang.pick("đơn vị", "unit")),
            Section::Factor => Some(lang.pick("yếu tố", "factor")),
            Section::Question => Some(lang.pick("câu hỏi", "question")),
            Section::Link => Some(lang.pick("liên kết", "link")),
            Section::Root
            | Section::Framework
            | Section::UnitSet
            | Section::Survey
            | Section::Scale
            | Section::Formula => None,
        }
    }
}

/// The type of a TOML value, found or expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueKind {
    String,
    Integer,
    Float,
    Boolean,
    Datetime,
    Array,
    Table,
    /// A number of points: a string such as "0.25" / "0,25" or a TOML number.
    Points,
    /// An array of strings.
    StringList,
    /// An array of tables (`[[item]]`).
    TableList,
    /// A year: a whole number 0..=65535.
    Year,
    /// A count: a whole number from 0 to a maximum.
    Count,
}

impl ValueKind {
    pub fn describe(self, lang: Lang) -> &'static str {
        match self {
            ValueKind::String => lang.pick("một chuỗi", "a string"),
            ValueKind::Integer => lang.pick("một số nguyên", "an integer"),
            ValueKind::Float => lang.pick("một số thập phân", "a float"),
            ValueKind::Boolean => lang.pick("true hoặc false", "true or false"),
            ValueKind::Datetime => lang.pick("một ngày giờ", "a date-time"),
            ValueKind::Array => lang.pick("một mảng", "an array"),
            ValueKind::Table => lang.pick("một bảng", "a table"),
            ValueKind::Points => lang.pick(
                "một số điểm như \"0,25\" hoặc \"0.25\"",
                "a number of points such as \"0.25\" or \"0,25\"",
            ),
            ValueKind::StringList => lang.pick("một mảng chuỗi", "an array of strings"),
            ValueKind::TableList => lang.pick("một mảng bảng", "an array of tables"),
            ValueKind::Year => lang.pick(
                "một năm (số nguyên từ 0 đến 65535)",
                "a year (a whole number 0 to 65535)",
            ),
            ValueKind::Count => lang.pick("một số nguyên không âm", "a whole number, 0 or more"),
        }
    }
}

/// What is wrong. English text via `Display`; both languages via `message`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FileErrorKind {
    #[error("TOML syntax error: {message}; fix the syntax at this position")]
    Syntax { message: String },
    #[error("unknown key `{key}` in {}; check its spelling or remove it", section.header(Lang::En))]
    UnknownKey { section: Section, key: String },
    #[error("{} is missing the required key `{key}`", section.header(Lang::En))]
    MissingKey { section: Section, key: &'static str },
    #[error("the file has no {} table; add one", section.header(Lang::En))]
    MissingTable { section: Section },
    #[error("`{key}` in {} must be {}, not {}", section.header(Lang::En), expected.describe(Lang::En), found.describe(Lang::En))]
    WrongType {
        section: Section,
        key: String,
        expected: ValueKind,
        found: ValueKind,
    },
    #[error("each entry of `{key}` in {} must be {}, not {}", section.header(Lang::En), expected.describe(Lang::En), found.describe(Lang::En))]
    WrongElementType {
        section: Section,
        key: String,
        expected: ValueKind,
        found: ValueKind,
    },
    #[error("`{key}` = {value} is not a valid year; write a year such as 2025")]
    BadYear {
        section: Section,
        key: &'static str,
        value: String,
    },
    #[error("`{key}` = {value} is out of range; write a whole number from 0 to {max}")]
    BadCount {
        section: Section,
        key: &'static str,
        value: String,
        max: u32,
    },
    #[error("`{key}` in {} must not be empty", section.header(Lang::En))]
    EmptyText { section: Section, key: String },
    #[error(
        "`{key}` = \"{text}\" is not a valid number of points ({reason}); write it like \"0.25\""
    )]
    BadPoints {
        section: Section,
        key: &'static str,
        text: String,
        reason: PointsError,
    },
    #[error("year_from {from} is after year_to {to}")]
    YearRange { from: u16, to: u16 },
    #[error("status \"{value}\" is not allowed; use \"official\" or \"illustrative\"")]
    BadStatus { value: String },
    #[error("step must be greater than zero, not {}", step.show(Lang::En))]
    StepNotPositive { step: Points },
    #[error(
        "code \"{code}\" is not a dotted list of numbers without leading zeros (like \"3.2.1\")"
    )]
    BadCode { code: String },
    #[error(
        "unit code \"{code}\" may hold only letters, digits, '.', '-' and '_' (no '/', spaces or control characters)"
    )]
    BadUnitCode { code: String },
    #[error(
        "code \"{code}\" is nested deeper than {max_levels} levels (area, criterion, sub-criterion)"
    )]
    TooDeep { code: String, max_levels: usize },
    #[error("code \"{code}\" is already used on line {first_line}; codes must be unique")]
    DuplicateCode { code: String, first_line: usize },
    #[error("the parent item \"{parent}\" of \"{code}\" does not exist; add it before this item")]
    ParentMissing { code: String, parent: String },
    #[error(
        "the parent item \"{parent}\" of \"{code}\" comes later, on line {parent_line}; a parent must come before its children"
    )]
    ParentLater {
        code: String,
        parent: String,
        parent_line: usize,
    },
    #[error(
        "\"{code}\" is separated from the other items under \"{parent}\"; list items in tree order (each item directly after its parent's earlier children)"
    )]
    OutOfOrder { code: String, parent: String },
    #[error("max must be greater than zero, not {}", max.show(Lang::En))]
    MaxNotPositive { max: Points },
    #[error("max {} is not a multiple of the step {}", max.show(Lang::En), step.show(Lang::En))]
    MaxOffStep { max: Points, step: Points },
    #[error("the maxima of the children of \"{parent}\" add up to {}, but its max is {}", sum.show(Lang::En), max.show(Lang::En))]
    ChildrenSum {
        parent: String,
        max: Points,
        sum: Points,
    },
    #[error("total {} is not the sum of the areas' maxima, {}", total.show(Lang::En), sum.show(Lang::En))]
    TotalMismatch { total: Points, sum: Points },
    #[error("survey_total {} is not the sum of the survey items' maxima, {}", survey_total.show(Lang::En), sum.show(Lang::En))]
    SurveyTotalMismatch { survey_total: Points, sum: Points },
    #[error("item \"{code}\" has no children, so it needs a method: \"appraised\" or \"survey\"")]
    LeafWithoutMethod { code: String },
    #[error(
        "item \"{code}\" has children, so it must not have a method (it is derived from its leaves); remove `method`"
    )]
    MethodOnParent { code: String },
    #[error("method \"{value}\" is not allowed; use \"appraised\" or \"survey\"")]
    BadMethod { value: String },
    #[error("the framework has no items; add [[item]] tables")]
    EmptyTree,
    #[error("the framework has no ranking groups; add at least one [[group]] table")]
    NoGroups,
    #[error("group \"{name}\" is already defined on line {first_line}; group names must be unique")]
    DuplicateGroup { name: String, first_line: usize },
    #[error("min_percent {} is outside 0 to 100", value.show(Lang::En))]
    PercentRange { value: Points },
    #[error("{} code \"{code}\" is already used on line {first_line}; codes must be unique", section.label(Lang::En).unwrap_or("the"))]
    DuplicateEntry {
        section: Section,
        code: String,
        first_line: usize,
    },
    #[error(
        "region \"{region}\" is not defined; add a [[region]] with this code or fix the unit's region"
    )]
    UnknownRegion { region: String },
    #[error("the unit set has no units; add [[unit]] tables")]
    NoUnits,
    /// A problem of a survey definition (`survey_file`).
    #[error("{}", fault.message(Lang::En))]
    Survey {
        section: Section,
        fault: crate::survey::SurveyFault,
    },
}

impl FileErrorKind {
    /// The table the problem is in, when it labels the item ("item", "unit", …).
    pub fn section(&self) -> Section {
        use FileErrorKind as K;
        match self {
            K::UnknownKey { section, .. }
            | K::MissingKey { section, .. }
            | K::MissingTable { section }
            | K::WrongType { section, .. }
            | K::WrongElementType { section, .. }
            | K::BadYear { section, .. }
            | K::BadCount { section, .. }
            | K::EmptyText { section, .. }
            | K::BadPoints { section, .. }
            | K::DuplicateEntry { section, .. }
            | K::Survey { section, .. } => *section,
            K::BadCode { .. }
            | K::TooDeep { .. }
            | K::DuplicateCode { .. }
            | K::ParentMissing { .. }
            | K::ParentLater { .. }
            | K::OutOfOrder { .. }
            | K::MaxNotPositive { .. }
            | K::MaxOffStep { .. }
            | K::ChildrenSum { .. }
            | K::LeafWithoutMethod { .. }
            | K::MethodOnParent { .. }
            | K::BadMethod { .. } => Section::Item,
            K::DuplicateGroup { .. } | K::PercentRange { .. } => Section::Group,
            K::UnknownRegion { .. } | K::BadUnitCode { .. } => Section::Unit,
            K::Syntax { .. } => Section::Root,
            K::YearRange { .. }
            | K::BadStatus { .. }
            | K::StepNotPositive { .. }
            | K::TotalMismatch { .. }
            | K::SurveyTotalMismatch { .. }
            | K::EmptyTree
            | K::NoGroups => Section::Framework,
            K::NoUnits => Section::UnitSet,
        }
    }

    /// The problem alone (no location), in the given language.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Vi => self.message_vi(),
        }
    }

    fn message_vi(&self) -> String {
        use FileErrorKind as K;
        let vi = Lang::Vi;
        let pt = |p: &Points| p.show(vi);
        match self {
            K::Syntax { message } => {
                format!("lỗi cú pháp TOML: {message}; hãy sửa cú pháp tại vị trí này")
            }
            K::UnknownKey { section, key } => format!(
                "khóa `{key}` trong {} không được hỗ trợ; hãy kiểm tra chính tả hoặc xóa nó",
                section.header(vi)
            ),
            K::MissingKey { section, key } => {
                format!("{} thiếu khóa bắt buộc `{key}`", section.header(vi))
            }
            K::MissingTable { section } => {
                format!(
                    "tệp không có bảng {}; hãy thêm bảng này",
                    section.header(vi)
                )
            }
            K::WrongType {
                section,
                key,
                expected,
                found,
            } => format!(
                "`{key}` trong {} phải là {}, không phải {}",
                section.header(vi),
                expected.describe(vi),
                found.describe(vi)
            ),
            K::WrongElementType {
                section,
                key,
                expected,
                found,
            } => format!(
                "mỗi phần tử của `{key}` trong {} phải là {}, không phải {}",
                section.header(vi),
                expected.describe(vi),
                found.describe(vi)
            ),
            K::BadYear { key, value, .. } => {
                format!("`{key}` = {value} không phải là năm hợp lệ; hãy viết năm như 2025")
            }
            K::BadCount {
                key, value, max, ..
            } => {
                format!(
                    "`{key}` = {value} nằm ngoài khoảng cho phép; hãy viết một số nguyên từ 0 đến {max}"
                )
            }
            K::EmptyText { section, key } => {
                format!("`{key}` trong {} không được để trống", section.header(vi))
            }
            K::BadPoints {
                key, text, reason, ..
            } => {
                let why = match reason {
                    PointsError::Empty => "giá trị trống".to_string(),
                    PointsError::NotANumber(_) => "không phải là số".to_string(),
                    PointsError::TooManyDecimals(_) => "có quá hai chữ số thập phân".to_string(),
                    PointsError::TooLarge(_) => "quá lớn".to_string(),
                    PointsError::Form { expected, .. } => format!(
                        "viết sai dạng, hãy viết {}",
                        PointsError::both_forms(expected, true)
                    ),
                };
                format!(
                    "`{key}` = \"{text}\" không phải là số điểm hợp lệ ({why}); hãy viết như \"0,25\""
                )
            }
            K::YearRange { from, to } => {
                format!("year_from {from} lớn hơn year_to {to}")
            }
            K::BadStatus { value } => format!(
                "status \"{value}\" không hợp lệ; hãy dùng \"official\" hoặc \"illustrative\""
            ),
            K::StepNotPositive { step } => {
                format!("bước điểm (step) phải lớn hơn 0, không phải {}", pt(step))
            }
            K::BadUnitCode { code } => format!(
                "mã đơn vị \"{code}\" chỉ được gồm chữ, số, '.', '-' và '_' (không có '/', dấu cách hay ký tự điều khiển)"
            ),
            K::BadCode { code } => format!(
                "mã \"{code}\" không phải là dãy số cách nhau bởi dấu chấm, không có số 0 đứng đầu (như \"3.2.1\")"
            ),
            K::TooDeep { code, max_levels } => format!(
                "mã \"{code}\" lồng sâu quá {max_levels} cấp (lĩnh vực, tiêu chí, tiêu chí thành phần)"
            ),
            K::DuplicateCode { code, first_line } => {
                format!("mã \"{code}\" đã được dùng ở dòng {first_line}; mỗi mã phải là duy nhất")
            }
            K::ParentMissing { code, parent } => format!(
                "mục cha \"{parent}\" của \"{code}\" không tồn tại; hãy thêm nó trước mục này"
            ),
            K::ParentLater {
                code,
                parent,
                parent_line,
            } => format!(
                "mục cha \"{parent}\" của \"{code}\" nằm phía sau, ở dòng {parent_line}; mục cha phải đứng trước các mục con"
            ),
            K::OutOfOrder { code, parent } => format!(
                "\"{code}\" bị tách khỏi các mục khác thuộc \"{parent}\"; hãy liệt kê các mục theo thứ tự cây (mỗi mục ngay sau các mục con trước đó của mục cha)"
            ),
            K::MaxNotPositive { max } => {
                format!("điểm tối đa (max) phải lớn hơn 0, không phải {}", pt(max))
            }
            K::MaxOffStep { max, step } => format!(
                "điểm tối đa {} không phải là bội số của bước điểm {}",
                pt(max),
                pt(step)
            ),
            K::ChildrenSum { parent, max, sum } => format!(
                "tổng điểm tối đa của các mục con của \"{parent}\" là {}, nhưng điểm tối đa của nó là {}",
                pt(sum),
                pt(max)
            ),
            K::TotalMismatch { total, sum } => format!(
                "tổng điểm (total) {} không bằng tổng điểm tối đa của các lĩnh vực, {}",
                pt(total),
                pt(sum)
            ),
            K::SurveyTotalMismatch { survey_total, sum } => format!(
                "survey_total {} không bằng tổng điểm tối đa của các mục điều tra xã hội học, {}",
                pt(survey_total),
                pt(sum)
            ),
            K::LeafWithoutMethod { code } => format!(
                "mục \"{code}\" không có mục con nên cần có phương pháp (method): \"appraised\" hoặc \"survey\""
            ),
            K::MethodOnParent { code } => format!(
                "mục \"{code}\" có mục con nên không được có phương pháp (nó được suy ra từ các mục lá); hãy xóa `method`"
            ),
            K::BadMethod { value } => format!(
                "phương pháp \"{value}\" không hợp lệ; hãy dùng \"appraised\" hoặc \"survey\""
            ),
            K::EmptyTree => "bộ tiêu chí không có mục nào; hãy thêm các bảng [[item]]".to_string(),
            K::NoGroups => {
                "bộ tiêu chí không có nhóm xếp hạng; hãy thêm ít nhất một bảng [[group]]"
                    .to_string()
            }
            K::DuplicateGroup { name, first_line } => format!(
                "nhóm \"{name}\" đã được khai báo ở dòng {first_line}; tên nhóm phải là duy nhất"
            ),
            K::PercentRange { value } => {
                format!("min_percent {} nằm ngoài khoảng 0 đến 100", pt(value))
            }
            K::DuplicateEntry {
                section,
                code,
                first_line,
            } => format!(
                "mã {} \"{code}\" đã được dùng ở dòng {first_line}; mỗi mã phải là duy nhất",
                section.label(vi).unwrap_or("")
            ),
            K::UnknownRegion { region } => format!(
                "vùng \"{region}\" chưa được khai báo; hãy thêm [[region]] có mã này hoặc sửa vùng của đơn vị"
            ),
            K::NoUnits => "danh sách đơn vị trống; hãy thêm các bảng [[unit]]".to_string(),
            K::Survey { fault, .. } => fault.message(Lang::Vi),
        }
    }
}

/// A problem in a data file, with its location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileError {
    /// The file as the user named it (or the bundled file's name).
    pub file: String,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column, counted in characters.
    pub column: Option<usize>,
    /// The code of the item (or unit, region, group name) the problem is about.
    pub item: Option<String>,
    pub kind: FileErrorKind,
}

impl FileError {
    /// The whole message, "file:line:col: [item 3.2.1] what is wrong", in the given language.
    pub fn message(&self, lang: Lang) -> String {
        let mut out = self.file.clone();
        if let Some(line) = self.line {
            out.push_str(&format!(":{line}"));
            if let Some(col) = self.column {
                out.push_str(&format!(":{col}"));
            }
        }
        out.push_str(": ");
        if let Some(item) = &self.item {
            match self.kind.section().label(lang) {
                Some(label) => out.push_str(&format!("[{label} {item}] ")),
                None => out.push_str(&format!("[{item}] ")),
            }
        }
        out.push_str(&self.kind.message(lang));
        out
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for FileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(line: Option<usize>, column: Option<usize>, item: Option<&str>) -> FileError {
        FileError {
            file: "f.toml".into(),
            line,
            column,
            item: item.map(str::to_string),
            kind: FileErrorKind::MaxOffStep {
                max: Points::from_hundredths(30),
                step: Points::from_hundredths(25),
            },
        }
    }

    #[test]
    fn display_names_file_line_column_and_item() {
        assert_eq!(
            err(Some(12), Some(7), Some("3.2.1")).to_string(),
            "f.toml:12:7: [item 3.2.1] max 0.30 is not a multiple of the step 0.25"
        );
        assert_eq!(
            err(Some(12), None, None).to_string(),
            "f.toml:12: max 0.30 is not a multiple of the step 0.25"
        );
        assert_eq!(
            err(None, None, None).to_string(),
            "f.toml: max 0.30 is not a multiple of the step 0.25"
        );
    }

    #[test]
    fn vietnamese_uses_comma_and_labels() {
        assert_eq!(
            err(Some(12), Some(7), Some("3.2.1")).message(Lang::Vi),
            "f.toml:12:7: [mục 3.2.1] điểm tối đa 0,30 không phải là bội số của bước điểm 0,25"
        );
    }

    #[test]
    fn label_follows_the_section() {
        let e = FileError {
            file: "u.toml".into(),
            line: Some(3),
            column: Some(10),
            item: Some("44".into()),
            kind: FileErrorKind::UnknownRegion {
                region: "XX".into(),
            },
        };
        assert!(
            e.to_string()
                .starts_with("u.toml:3:10: [unit 44] region \"XX\"")
        );
        assert!(
            e.message(Lang::Vi)
                .starts_with("u.toml:3:10: [đơn vị 44] vùng \"XX\"")
        );
    }
}
