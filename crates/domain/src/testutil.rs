//! Small frameworks and unit sets for tests, built with `from_parts` (no TOML loader needed).

use crate::framework::{FrameworkMeta, Group};
use crate::units::{Region, UnitSetMeta};
use crate::{Framework, Method, Node, Points, Unit, UnitSet};

fn p(s: &str) -> Points {
    Points::parse(s).expect("test points")
}

/// Build a framework from (code, name, max, method) in file order; parents are found from the
/// codes ("3.2.1" → "3.2"), a parent's method is derived from its leaves.
pub fn framework(step: &str, items: &[(&str, &str, &str, Method)]) -> Framework {
    let mut nodes: Vec<Node> = Vec::with_capacity(items.len());
    for (code, name, max, method) in items {
        let parent = code
            .rsplit_once('.')
            .and_then(|(pc, _)| nodes.iter().position(|n| n.code == pc));
        let depth = code.matches('.').count() as u8;
        nodes.push(Node {
            code: (*code).to_string(),
            name: (*name).to_string(),
            name_en: None,
            max: p(max),
            method: *method,
            guidance: String::new(),
            evidence: Vec::new(),
            parent,
            children: Vec::new(),
            depth,
        });
        if let Some(pi) = parent {
            let i = nodes.len() - 1;
            nodes[pi].children.push(i);
        }
    }
    // Derive parents' methods bottom-up (children come after their parent).
    for i in (0..nodes.len()).rev() {
        if nodes[i].children.is_empty() {
            continue;
        }
        let first = nodes[nodes[i].children[0]].method;
        let same = nodes[i].children.iter().all(|&c| nodes[c].method == first);
        nodes[i].method = if same { first } else { Method::Mixed };
    }
    let total = nodes
        .iter()
        .filter(|n| n.parent.is_none())
        .map(|n| n.max)
        .sum();
    Framework::from_parts(
        FrameworkMeta {
            id: "test".into(),
            name: "Bộ chỉ số thử nghiệm".into(),
            status: "illustrative".into(),
            ..Default::default()
        },
        p(step),
        total,
        vec![
            Group {
                name: "A".into(),
                min_percent: 9000,
            },
            Group {
                name: "B".into(),
                min_percent: 8000,
            },
            Group {
                name: "C".into(),
                min_percent: 7000,
            },
        ],
        nodes,
    )
}

/// The framework of `tests/fixtures/import/framework.toml`.
pub fn fixture_framework() -> Framework {
    use Method::{Appraised as A, Survey as S};
    framework(
        "0.25",
        &[
            (
                "1",
                "Công tác chỉ đạo, điều hành cải cách hành chính",
                "3",
                A,
            ),
            ("1.1", "Kế hoạch cải cách hành chính", "2", A),
            ("1.1.1", "Ban hành kế hoạch cải cách hành chính năm", "1", A),
            (
                "1.1.2",
                "Mức độ thực hiện kế hoạch cải cách hành chính",
                "1",
                A,
            ),
            ("1.2", "Công tác kiểm tra cải cách hành chính", "1", A),
            ("3", "Cải cách thủ tục hành chính", "3", A),
            ("3.2", "Công bố, công khai thủ tục hành chính", "3", A),
            (
                "3.2.1",
                "Công bố danh mục thủ tục hành chính đúng thời hạn",
                "1.5",
                A,
            ),
            (
                "3.2.2",
                "Công khai thủ tục hành chính trên Cổng Dịch vụ công",
                "1.5",
                A,
            ),
            ("8", "Tác động của cải cách hành chính", "4", S),
            ("8.1", "Sự hài lòng của người dân", "4", S),
            ("8.1.1", "Mức độ hài lòng về tiếp cận dịch vụ", "2", S),
            ("8.1.2", "Mức độ hài lòng về thủ tục hành chính", "2", S),
        ],
    )
}

fn unit(code: &str, name: &str, region: &str, centrally_run: bool) -> Unit {
    Unit {
        code: code.into(),
        name: name.into(),
        region: region.into(),
        centrally_run,
        absorbed: Vec::new(),
        predecessors: None,
        difficult: false,
    }
}

/// The units of `tests/fixtures/import/units.toml`.
pub fn fixture_units() -> UnitSet {
    UnitSet::from_parts(
        UnitSetMeta {
            id: "test".into(),
            name: "Đơn vị thử nghiệm".into(),
            ..Default::default()
        },
        vec![
            Region {
                code: "DBSH".into(),
                name: "Đồng bằng sông Hồng".into(),
                name_en: None,
            },
            Region {
                code: "BTB".into(),
                name: "Bắc Trung Bộ và Duyên hải miền Trung".into(),
                name_en: None,
            },
        ],
        vec![
            unit("01", "Hà Nội", "DBSH", true),
            unit("44", "Quảng Bình", "BTB", false),
            unit("45", "Quảng Trị", "BTB", false),
            unit("46", "Thừa Thiên Huế", "BTB", false),
        ],
    )
}

/// A framework shaped like the provincial PAR INDEX: 8 areas, 88 leaves, 100 points of which 32
/// come from the survey (area 8); leaves' maxima are multiples of 0.25.
pub fn par_like_framework() -> Framework {
    // (area max, criteria, leaves per criterion)
    let areas: [(&str, usize, usize); 8] = [
        ("7", 5, 2),
        ("9", 4, 2),
        ("11", 5, 3),
        ("9", 4, 2),
        ("10", 5, 3),
        ("8", 4, 2),
        ("14", 4, 3),
        ("32", 4, 3),
    ];
    let mut items: Vec<(String, String, String, Method)> = Vec::new();
    for (a, (amax, ncrit, nleaf)) in areas.iter().enumerate() {
        let method = if a == 7 {
            Method::Survey
        } else {
            Method::Appraised
        };
        let code = (a + 1).to_string();
        items.push((
            code.clone(),
            format!("Lĩnh vực {code}"),
            (*amax).into(),
            method,
        ));
        let quarters = p(amax).hundredths() / 25;
        let crit_q = split(quarters, *ncrit);
        for (c, cq) in crit_q.iter().enumerate() {
            let ccode = format!("{code}.{}", c + 1);
            items.push((
                ccode.clone(),
                format!("Tiêu chí {ccode} về thực hiện nhiệm vụ cải cách"),
                Points::from_hundredths(cq * 25).machine(),
                method,
            ));
            for (l, lq) in split(*cq, *nleaf).iter().enumerate() {
                let lcode = format!("{ccode}.{}", l + 1);
                items.push((
                    lcode.clone(),
                    format!("Tỷ lệ hoàn thành nhiệm vụ {lcode} đúng thời hạn"),
                    Points::from_hundredths(lq * 25).machine(),
                    method,
                ));
            }
        }
    }
    let refs: Vec<(&str, &str, &str, Method)> = items
        .iter()
        .map(|(c, n, m, me)| (c.as_str(), n.as_str(), m.as_str(), *me))
        .collect();
    framework("0.25", &refs)
}

/// Split `total` into `n` near-equal non-negative parts.
fn split(total: i64, n: usize) -> Vec<i64> {
    let n64 = n as i64;
    (0..n64)
        .map(|i| total / n64 + i64::from(i < total % n64))
        .collect()
}

/// `n` units with codes "001", "002", … spread over three regions.
pub fn many_units(n: usize) -> UnitSet {
    let regions = ["R1", "R2", "R3"];
    UnitSet::from_parts(
        UnitSetMeta::default(),
        regions
            .iter()
            .map(|r| Region {
                code: (*r).into(),
                name: format!("Vùng {r}"),
                name_en: None,
            })
            .collect(),
        (0..n)
            .map(|i| {
                unit(
                    &format!("{:03}", i + 1),
                    &format!("Tỉnh số {}", i + 1),
                    regions[i % 3],
                    false,
                )
            })
            .collect(),
    )
}

#[test]
fn builders_are_consistent() {
    let fw = fixture_framework();
    assert_eq!(fw.total, p("10"));
    assert_eq!(fw.leaf_count(), 7);
    assert_eq!(fw.survey_points(), p("4"));
    let fw = par_like_framework();
    assert_eq!(fw.leaf_count(), 88);
    assert_eq!(fw.total, p("100"));
    assert_eq!(fw.survey_points(), p("32"));
    for n in &fw.nodes {
        if !n.is_leaf() {
            let s: Points = n.children.iter().map(|&c| fw.nodes[c].max).sum();
            assert_eq!(s, n.max, "{}", n.code);
        }
    }
}
