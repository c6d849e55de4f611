//! The benchmark scales of SPEC P1–P7: their framework, units and years, generated
//! deterministically so no large file is committed.
//!
//! - **national**: the bundled framework (88 leaves) and the 63 provinces, 10 years (2015–2024).
//! - **large**: a generated framework of 100 appraised leaves (10 areas × 5 criteria × 2
//!   sub-criteria, wording taken from the bundled framework) and 2,000 generated units (the
//!   departments of every province: "Sở Nội vụ — Quảng Bình"), 5 years (2020–2024). All leaves
//!   are appraised, so one year's self-assessment file is exactly the 200,000 rows of SPEC P5.
//!
//! How the history of each year is made is in [`super::build`].

use std::fmt::Write as _;

use domain::bundled;
use domain::{Framework, Method, UnitSet, parse_framework, parse_units};

/// Bump when the generated data or the way a scale store is built changes: benchmarks key their
/// cached stores by it (with the store's schema version).
pub const SCALE_DATA_VERSION: u32 = 1;

/// A benchmark scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scale {
    National,
    Large,
}

/// What a scale is made of and how busy its history is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScaleSpec {
    pub scale: Scale,
    /// Assessment years, oldest first; the last one is in progress.
    pub years: Vec<u16>,
    /// Imports of the units' self-assessment updates during a year's self-assessment window:
    /// nightly at national scale, weekly at large scale. Each intermediate state of an item
    /// that an import catches becomes one event.
    pub syncs: u32,
    /// Each evidence document first appears as an unsigned draft ("Dự thảo …") that a later
    /// sync replaces by the signed document (national only: weekly syncs miss the draft).
    pub draft_documents: bool,
    /// Supporting documents added to each self-assessed item beyond the sample generator's 1–3
    /// (lowest, highest): real evidence lists are longer than the demo's.
    pub extra_documents: (u32, u32),
}

impl Scale {
    pub const ALL: [Scale; 2] = [Scale::National, Scale::Large];

    pub fn name(self) -> &'static str {
        match self {
            Scale::National => "national",
            Scale::Large => "large",
        }
    }

    pub fn parse(s: &str) -> Option<Scale> {
        Scale::ALL.into_iter().find(|x| x.name() == s)
    }

    pub fn spec(self) -> ScaleSpec {
        match self {
            Scale::National => ScaleSpec {
                scale: self,
                years: (2015..=2024).collect(),
                syncs: 40,
                draft_documents: true,
                extra_documents: (1, 2),
            },
            Scale::Large => ScaleSpec {
                scale: self,
                years: (2020..=2024).collect(),
                syncs: 8,
                draft_documents: false,
                extra_documents: (0, 1),
            },
        }
    }

    /// The framework source and the file name it is kept under.
    pub fn framework_source(self) -> (String, String) {
        match self {
            Scale::National => {
                let f = bundled::frameworks()[0];
                (f.text.to_string(), f.name.to_string())
            }
            Scale::Large => (
                large_framework_toml(),
                "bench/large-framework.toml".to_string(),
            ),
        }
    }

    /// The units source and the file name it is kept under.
    pub fn units_source(self) -> (String, String) {
        match self {
            Scale::National => {
                let u = bundled::unit_sets()[0];
                (u.text.to_string(), u.name.to_string())
            }
            Scale::Large => (large_units_toml(), "bench/large-units.toml".to_string()),
        }
    }

    /// The spec with only its last `n` years (at least one): the last year is still the one in
    /// progress. A store of the whole large scale takes ~15 GB on disk (sled keeps old page
    /// versions until it reclaims them); fewer years keep the same per-year size.
    pub fn spec_last_years(self, n: usize) -> ScaleSpec {
        let mut s = self.spec();
        let keep = n.clamp(1, s.years.len());
        s.years = s.years[s.years.len() - keep..].to_vec();
        s
    }

    /// The parsed framework and units.
    pub fn parsed(self) -> (Framework, UnitSet) {
        let (fw, fw_name) = self.framework_source();
        let (us, us_name) = self.units_source();
        // Both sources are generated or bundled, and tests load them: a failure is a bug here.
        let fw = parse_framework(&fw, &fw_name)
            .unwrap_or_else(|e| panic!("scale framework does not load: {}", e[0]));
        let us = parse_units(&us, &us_name)
            .unwrap_or_else(|e| panic!("scale units do not load: {}", e[0]));
        (fw, us)
    }
}

/// A TOML basic string.
fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

const LARGE_AREAS: [(&str, &str); 10] = [
    (
        "Công tác chỉ đạo, điều hành cải cách hành chính",
        "Direction and management of administrative reform",
    ),
    (
        "Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật",
        "Legal documents: drafting and implementation",
    ),
    (
        "Cải cách thủ tục hành chính",
        "Administrative procedure reform",
    ),
    (
        "Cải cách tổ chức bộ máy hành chính nhà nước",
        "Reform of the state administrative apparatus",
    ),
    ("Cải cách chế độ công vụ", "Civil service reform"),
    ("Cải cách tài chính công", "Public finance reform"),
    (
        "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số",
        "E-government and digital government",
    ),
    (
        "Thực hiện cơ chế một cửa, một cửa liên thông",
        "One-stop and inter-agency one-stop services",
    ),
    (
        "Công tác thông tin, tuyên truyền cải cách hành chính",
        "Communication on administrative reform",
    ),
    (
        "Tác động của cải cách hành chính đến người dân, tổ chức",
        "Impact of the reform on citizens and organisations",
    ),
];

/// The large framework: 10 areas × 5 criteria × 2 sub-criteria, every leaf appraised with a
/// maximum of 1 point (total 100). Criterion and sub-criterion wording, guidance and evidence are
/// taken in turn from the bundled framework.
pub fn large_framework_toml() -> String {
    let bundled = bundled::frameworks()[0];
    // The bundled framework is tested to load.
    let src = parse_framework(bundled.text, bundled.name)
        .unwrap_or_else(|e| panic!("bundled framework does not load: {}", e[0]));
    let criteria: Vec<&str> = src
        .nodes
        .iter()
        .filter(|n| n.depth == 1)
        .map(|n| n.name.as_str())
        .collect();
    let leaves: Vec<_> = src.leaves().collect();
    let mut out = String::with_capacity(64 * 1024);
    out.push_str(
        "# Khung chỉ số tổng hợp cho đo hiệu năng ở quy mô lớn (2.000 đơn vị × 100 tiêu chí thành \
         phần), sinh tự động bởi `thamdinh sample --scale large --kind framework`. Không dùng để \
         chấm điểm.\n# A synthetic framework for the large benchmark scale; not for scoring.\n\n",
    );
    let _ = write!(
        out,
        "[framework]\nid = \"bench-large-100\"\nname = {}\nname_en = {}\nstatus = \"illustrative\"\n\
         source = {}\nyear_from = 2020\nyear_to = 2030\nstep = \"0.25\"\ntotal = \"100\"\n\n",
        q("Chỉ số cải cách hành chính của các sở, ban, ngành (quy mô đo hiệu năng)"),
        q("PAR index of provincial departments (benchmark scale)"),
        q("Sinh tự động từ khung chỉ số cấp tỉnh đi kèm / generated from the bundled framework"),
    );
    for (g, min) in [("A", "90"), ("B", "80"), ("C", "70")] {
        let _ = write!(
            out,
            "[[group]]\nname = \"{g}\"\nmin_percent = \"{min}\"\n\n"
        );
    }
    let mut leaf_i = 0usize;
    for (a, (name, name_en)) in LARGE_AREAS.iter().enumerate() {
        let a = a + 1;
        let _ = write!(
            out,
            "[[item]]\ncode = \"{a}\"\nname = {}\nname_en = {}\nmax = \"10\"\n\n",
            q(name),
            q(name_en)
        );
        for c in 1..=5 {
            let cname = criteria[((a - 1) * 5 + c - 1) % criteria.len()];
            let _ = write!(
                out,
                "[[item]]\ncode = \"{a}.{c}\"\nname = {}\nmax = \"2\"\n\n",
                q(cname)
            );
            for l in 1..=2 {
                let src_leaf = leaves[leaf_i % leaves.len()];
                // A second pass over the bundled leaves gets its own wording.
                let lname = if leaf_i < leaves.len() {
                    src_leaf.name.clone()
                } else {
                    format!("{} tại các đơn vị trực thuộc", src_leaf.name)
                };
                leaf_i += 1;
                let evidence: Vec<String> =
                    if src_leaf.method == Method::Survey || src_leaf.evidence.is_empty() {
                        vec![
                            format!("Báo cáo kết quả thực hiện: {}", lname.to_lowercase()),
                            "Văn bản chỉ đạo, hướng dẫn của cơ quan".to_string(),
                        ]
                    } else {
                        src_leaf.evidence.clone()
                    };
                let _ = write!(
                    out,
                    "[[item]]\ncode = \"{a}.{c}.{l}\"\nname = {}\nmax = \"1\"\nmethod = \
                     \"appraised\"\nguidance = {}\nevidence = [{}]\n\n",
                    q(&lname),
                    q(
                        "Hoàn thành đầy đủ, đúng thời hạn, có tài liệu kiểm chứng: 1 điểm; \
                         hoàn thành nhưng chậm thời hạn hoặc thiếu nội dung: 0,5 điểm; \
                         hoàn thành dưới 50% hoặc không thực hiện: 0 điểm."
                    ),
                    evidence.iter().map(|e| q(e)).collect::<Vec<_>>().join(", ")
                );
            }
        }
    }
    out
}

/// Departments (sở, ban, ngành) of a province: 32 names, 63 × 32 ≥ 2,000.
const DEPARTMENTS: [&str; 32] = [
    "Văn phòng UBND tỉnh",
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Kế hoạch và Đầu tư",
    "Sở Tài chính",
    "Sở Công Thương",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Giao thông vận tải",
    "Sở Xây dựng",
    "Sở Tài nguyên và Môi trường",
    "Sở Thông tin và Truyền thông",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Khoa học và Công nghệ",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Thanh tra tỉnh",
    "Ban Dân tộc",
    "Sở Ngoại vụ",
    "Ban Quản lý các khu công nghiệp",
    "Ban Quản lý khu kinh tế",
    "Văn phòng Đoàn ĐBQH và HĐND tỉnh",
    "Đài Phát thanh và Truyền hình",
    "Trung tâm Phục vụ hành chính công",
    "Ban Quản lý dự án đầu tư xây dựng",
    "Quỹ Đầu tư phát triển",
    "Trường Chính trị tỉnh",
    "Trung tâm Xúc tiến đầu tư, thương mại và du lịch",
    "Ban Quản lý rừng phòng hộ",
    "Trung tâm Kiểm soát bệnh tật",
    "Quỹ Bảo vệ môi trường",
    "Trung tâm Công nghệ thông tin và Truyền thông",
];

/// Units of the large scale.
pub const LARGE_UNITS: usize = 2000;

/// The large units: every department of every province in province order, the first 2,000;
/// code "PPDD" (province code, department number), region of the province.
pub fn large_units_toml() -> String {
    let bundled = bundled::unit_sets()[0];
    let src = parse_units(bundled.text, bundled.name)
        .unwrap_or_else(|e| panic!("bundled units do not load: {}", e[0]));
    let mut out = String::with_capacity(256 * 1024);
    out.push_str(
        "# 2.000 đơn vị tổng hợp cho đo hiệu năng (các sở, ban, ngành của 63 tỉnh), sinh tự động bởi \
         `thamdinh sample --scale large --kind units`.\n# 2,000 synthetic units for the large \
         benchmark scale.\n\n",
    );
    let _ = write!(
        out,
        "[unit_set]\nid = \"bench-large-2000\"\nname = {}\nyear_to = 2030\n\n",
        q("2.000 sở, ban, ngành của 63 tỉnh, thành phố (quy mô đo hiệu năng)")
    );
    for r in &src.regions {
        let _ = write!(
            out,
            "[[region]]\ncode = {}\nname = {}\n",
            q(&r.code),
            q(&r.name)
        );
        if let Some(en) = &r.name_en {
            let _ = writeln!(out, "name_en = {}", q(en));
        }
        out.push('\n');
    }
    let mut n = 0;
    'all: for p in &src.units {
        for (d, dept) in DEPARTMENTS.iter().enumerate() {
            if n == LARGE_UNITS {
                break 'all;
            }
            n += 1;
            let _ = write!(
                out,
                "[[unit]]\ncode = \"{}{:02}\"\nname = {}\nregion = {}\ncentrally_run = false\n\n",
                p.code,
                d + 1,
                q(&format!("{dept} — {}", p.name)),
                q(&p.region)
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_have_the_sizes_of_the_spec() {
        let (fw, us) = Scale::National.parsed();
        assert_eq!(fw.leaf_count(), 88);
        assert_eq!(us.units.len(), 63);
        assert_eq!(Scale::National.spec().years.len(), 10);

        let (fw, us) = Scale::Large.parsed();
        assert_eq!(fw.leaf_count(), 100);
        assert!(fw.leaves().all(|n| n.method == Method::Appraised));
        assert_eq!(fw.total.hundredths(), 10_000);
        assert_eq!(us.units.len(), LARGE_UNITS);
        assert_eq!(Scale::Large.spec().years.len(), 5);
        // Codes are unique and every unit has a region of the set.
        let codes: std::collections::HashSet<_> = us.units.iter().map(|u| &u.code).collect();
        assert_eq!(codes.len(), LARGE_UNITS);
        assert!(us.units.iter().all(|u| us.region(&u.region).is_some()));
        assert!(us.units[0].name.starts_with("Văn phòng UBND tỉnh — "));
    }

    #[test]
    fn generated_files_are_the_same_every_time() {
        assert_eq!(large_framework_toml(), large_framework_toml());
        assert_eq!(large_units_toml(), large_units_toml());
        assert_eq!(Scale::parse("large"), Some(Scale::Large));
        assert_eq!(Scale::parse("huge"), None);
    }
}
