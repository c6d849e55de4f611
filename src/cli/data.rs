//! Reading the framework and units for a year: a file given on the command line, or the bundled one.

use std::path::Path;

use anyhow::{Context, anyhow};

use domain::bundled;
use domain::{Framework, UnitSet, parse_framework, parse_units};
use l10n::Lang;

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

/// What a source is, for messages: (Vietnamese, English, flag).
struct SourceKind(&'static str, &'static str, &'static str);

fn source(
    year: u16,
    file: Option<&Path>,
    bundled: Option<bundled::BundledFile>,
    kind: SourceKind,
    lang: Lang,
) -> anyhow::Result<Source> {
    if let Some(p) = file {
        return read(p);
    }
    let SourceKind(vi, en, flag) = kind;
    bundled
        .map(|b| Source {
            file: b.name.to_string(),
            text: b.text.to_string(),
        })
        .ok_or_else(|| {
            anyhow!(match lang {
                Lang::Vi =>
                    format!("không có {vi} kèm sẵn cho năm {year}; hãy chỉ định {flag} TỆP"),
                Lang::En => format!("no bundled {en} covers {year}; pass {flag} FILE"),
            })
        })
}

pub(crate) fn framework_source(
    year: u16,
    file: Option<&Path>,
    lang: Lang,
) -> anyhow::Result<Source> {
    let kind = SourceKind("bộ tiêu chí", "framework", "--framework");
    source(year, file, bundled::framework_for(year), kind, lang)
}

pub(crate) fn units_source(year: u16, file: Option<&Path>, lang: Lang) -> anyhow::Result<Source> {
    let kind = SourceKind("danh sách đơn vị", "units file", "--units");
    source(year, file, bundled::units_for(year), kind, lang)
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
