//! `thamdinh init`: create a store for a year (SPEC I1).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::anyhow;

use api::Workbench;
use domain::Command;
use domain::lineage::LineageCheck;
use engine::LocalWorkbench;
use l10n::Lang;
use store::Store;

use super::data::{framework_source, parse_fw, parse_us, units_source};
use super::open::{engine_err, open_workbench, os_user, store_dir};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Assessment year, e.g. 2024.
    #[arg(long)]
    pub year: u16,
    /// Framework TOML file (default: the bundled framework for the year).
    #[arg(long, value_name = "FILE", requires = "units")]
    pub framework: Option<PathBuf>,
    /// Units TOML file (default: the bundled units for the year).
    #[arg(long, value_name = "FILE")]
    pub units: Option<PathBuf>,
    /// An earlier year of the store: where a criterion's text is unchanged, its justification
    /// that year is shown as a reference (nothing is carried forward as a decision).
    #[arg(long, value_name = "YEAR")]
    pub from_year: Option<u16>,
}

pub fn run(store: Option<PathBuf>, lang: Lang, a: Args) -> anyhow::Result<ExitCode> {
    let dir = store_dir(store, lang)?;
    let fw = framework_source(a.year, a.framework.as_deref(), lang)?;
    let us = units_source(a.year, a.units.as_deref(), lang)?;
    // Check both files before anything is created, with every problem in the user's language.
    parse_fw(&fw, lang)?;
    let units = parse_us(&us, lang)?;
    let created = !Store::exists(&dir);
    // A new store is created here (nobody else can be using it yet); the next command starts
    // its server. A year is added to an existing store through its server.
    let wb: Arc<dyn Workbench> = if created {
        let store = Store::create(&dir).map_err(|e| anyhow!(e.message(lang)))?;
        Arc::new(LocalWorkbench::new(store, os_user()?))
    } else {
        open_workbench(&dir, lang)?
    };
    // How this year's units continue the earlier year's: a predecessor the earlier year does not
    // have is a mistake in the units file, refused before anything is written.
    let lineage = match a.from_year {
        Some(prev) if !created && wb.years().map_err(engine_err(lang))?.contains(&prev) => {
            let p = wb.year(prev).map_err(engine_err(lang))?;
            let check = domain::lineage::check(&units, &p.units);
            if !check.unknown.is_empty() {
                return Err(anyhow!(unknown_predecessors(&us.file, prev, &check, lang)));
            }
            Some((prev, p.units.units.len(), check))
        }
        _ => None,
    };
    wb.apply(Command::OpenYear {
        year: a.year,
        framework_toml: fw.text,
        framework_file: fw.file.clone(),
        units_toml: us.text,
        units_file: us.file.clone(),
        from_year: a.from_year,
    })
    .map_err(engine_err(lang))?;
    let y = wb.year(a.year).map_err(engine_err(lang))?;
    let msg = match lang {
        Lang::Vi => format!(
            "{} kho {} cho năm {}: {} đơn vị ({}), {} ({}), tổng {} điểm. Trưởng nhóm: {}.",
            if created {
                "Đã tạo"
            } else {
                "Đã thêm năm vào"
            },
            dir.display(),
            a.year,
            y.units.units.len(),
            fw_name(&us.file),
            y.framework.shape().describe(lang),
            fw_name(&fw.file),
            y.framework.total.show(lang),
            wb.user()
        ),
        Lang::En => format!(
            "{} {} for {}: {} units ({}), {} ({}), {} points in total. Lead: {}.",
            if created {
                "Created store"
            } else {
                "Added the year to store"
            },
            dir.display(),
            a.year,
            y.units.units.len(),
            fw_name(&us.file),
            y.framework.shape().describe(lang),
            fw_name(&fw.file),
            y.framework.total.show(lang),
            wb.user()
        ),
    };
    println!("{msg}");
    if let Some(prev) = a.from_year {
        let p = wb.year(prev).map_err(engine_err(lang))?;
        let carried = domain::carry::carry_map(&p.framework, &y.framework).len();
        let appraised = y
            .framework
            .leaves()
            .filter(|n| n.method == domain::Method::Appraised)
            .count();
        println!(
            "{}",
            match lang {
                Lang::Vi => format!(
                    "{carried}/{appraised} mục chấm điểm thẩm định giữ nguyên nội dung so với năm {prev}: lý do thẩm định năm {prev} của chúng được hiển thị để tham khảo, không chuyển thành kết quả năm {}.",
                    a.year
                ),
                Lang::En => format!(
                    "{carried}/{appraised} appraised items have the same text as in {prev}: their {prev} justifications are shown as references, never as {} decisions.",
                    a.year
                ),
            }
        );
    }
    if let Some((prev, before, check)) = lineage {
        for line in lineage_lines(a.year, y.units.units.len(), prev, before, &check, lang) {
            println!("{line}");
        }
    }
    if y.framework.meta.status == "illustrative" {
        println!(
            "{}",
            lang.pick(
                "Lưu ý: nội dung từng tiêu chí của bộ tiêu chí này là minh hoạ; thay bằng phụ lục chính thức khi có (--framework TỆP).",
                "Note: the item wording of this framework is illustrative; replace it with the official annex when available (--framework FILE)."
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The refusal when the units file names predecessors the earlier year does not have.
fn unknown_predecessors(file: &str, prev: u16, check: &LineageCheck, lang: Lang) -> String {
    let list = check
        .unknown
        .iter()
        .map(|(unit, code)| format!("{unit} → {code}"))
        .collect::<Vec<_>>()
        .join(", ");
    match lang {
        Lang::Vi => format!(
            "{file}: đơn vị năm {prev} không có mã được nêu là đơn vị tiền thân ({list}). Sửa `predecessors` hoặc `absorbed` trong tệp đơn vị cho khớp với mã năm {prev}; chưa có gì được ghi."
        ),
        Lang::En => format!(
            "{file}: the units of {prev} have no unit with a code named as a predecessor ({list}). Fix `predecessors` or `absorbed` in the units file to match the codes of {prev}; nothing was written."
        ),
    }
}

/// What `init --from-year` says about how the units connect: the merges, then what to check.
fn lineage_lines(
    year: u16,
    now: usize,
    prev: u16,
    before: usize,
    check: &LineageCheck,
    lang: Lang,
) -> Vec<String> {
    let mut out = Vec::new();
    if check.merged > 0 {
        out.push(match lang {
            Lang::Vi => format!(
                "{now} đơn vị năm {year} kế thừa {before} đơn vị năm {prev}; {} đơn vị được hợp nhất từ nhiều đơn vị: so sánh với năm {prev} dùng tham chiếu gộp (trung bình của các đơn vị tiền thân).",
                check.merged
            ),
            Lang::En => format!(
                "{now} units in {year} continue {before} units of {prev}; {} units were merged from several: comparisons with {prev} use the combined reference (the mean of the predecessors).",
                check.merged
            ),
        });
    }
    if !check.shared.is_empty() {
        let list = check
            .shared
            .iter()
            .map(|(old, units)| format!("{old} → {}", units.join(", ")))
            .collect::<Vec<_>>()
            .join("; ");
        out.push(match lang {
            Lang::Vi => format!(
                "Cảnh báo: đơn vị năm {prev} được nhiều đơn vị năm {year} kế thừa ({list}): mỗi đơn vị sẽ so sánh với cùng số liệu đó."
            ),
            Lang::En => format!(
                "Warning: units of {prev} continued by several units of {year} ({list}): each compares with the same figures."
            ),
        });
    }
    if !check.ended.is_empty() {
        let list = check.ended.join(", ");
        out.push(match lang {
            Lang::Vi => format!(
                "Cảnh báo: không đơn vị nào năm {year} kế thừa các đơn vị năm {prev}: {list}. Nếu đơn vị đã hợp nhất, thêm mã vào `absorbed` hoặc `predecessors` của đơn vị kế thừa."
            ),
            Lang::En => format!(
                "Warning: no unit of {year} continues these units of {prev}: {list}. If they were merged, add their codes to `absorbed` or `predecessors` of the unit that continues them."
            ),
        });
    }
    out
}

fn fw_name(file: &str) -> &str {
    file.rsplit('/').next().unwrap_or(file)
}
