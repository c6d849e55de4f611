//! Reading the framework and units for a year: a file given on the command line, or the bundled one.

use std::path::Path;

use anyhow::{Context, anyhow};

use crate::bundled;
use crate::domain::{Framework, UnitSet, parse_framework, parse_units};
use crate::i18n::Lang;

/// (file name, text) of a framework or units source.
pub(crate) struct Source {
    pub file: String,
    pub text: String,
}

fn read(path: &Path) -> anyhow::Result<Source> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        anyhow!(
            "{} is not UTF-8 text (byte {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok(Source {
        file: path.display().to_string(),
        text,
    })
}

pub(crate) fn framework_source(
    year: u16,
    file: Option<&Path>,
    lang: Lang,
) -> anyhow::Result<Source> {
    match file {
        Some(p) => read(p),
        None => bundled::framework_for(year)
            .map(|b| Source {
                file: b.name.to_string(),
                text: b.text.to_string(),
            })
            .ok_or_else(|| {
                anyhow!(match lang {
                    Lang::Vi => format!(
                        "không có bộ tiêu chí kèm sẵn cho năm {year}; hãy chỉ định --framework TỆP"
                    ),
                    Lang::En =>
                        format!("no bundled framework covers {year}; pass --framework FILE"),
                })
            }),
    }
}

pub(crate) fn units_source(year: u16, file: Option<&Path>, lang: Lang) -> anyhow::Result<Source> {
    match file {
        Some(p) => read(p),
        None => bundled::units_for(year)
            .map(|b| Source {
                file: b.name.to_string(),
                text: b.text.to_string(),
            })
            .ok_or_else(|| {
                anyhow!(match lang {
                    Lang::Vi => format!(
                        "không có danh sách đơn vị kèm sẵn cho năm {year}; hãy chỉ định --units TỆP"
                    ),
                    Lang::En => format!("no bundled units file covers {year}; pass --units FILE"),
                })
            }),
    }
}

/// Parse a framework source, listing every problem.
pub(crate) fn parse_fw(src: &Source, lang: Lang) -> anyhow::Result<Framework> {
    parse_framework(&src.text, &src.file).map_err(|errs| {
        anyhow!(
            errs.iter()
                .map(|e| e.message(lang))
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

pub(crate) fn parse_us(src: &Source, lang: Lang) -> anyhow::Result<UnitSet> {
    parse_units(&src.text, &src.file).map_err(|errs| {
        anyhow!(
            errs.iter()
                .map(|e| e.message(lang))
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}
