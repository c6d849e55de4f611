//! The command line's own words in the user's language (SPEC W13, W15, C3): `--help` of every
//! command in Vietnamese by default, in English with `--lang en`.
//!
//! The language is decided before the command line is parsed (`--lang X` wherever it is
//! written, else Vietnamese), and the clap `Command` is built in that language: the English one
//! comes from the doc comments of the clap structs; the Vietnamese one is the same tree with
//! every command's and argument's text taken from [`VI`], clap's own words (headings, the help
//! and version flags, the `help` command, `[OPTIONS]`) replaced, and the value names, possible
//! values and defaults written into the texts. A command or argument without a Vietnamese text
//! fails a test, so the two languages stay complete together.

use std::ffi::OsString;

use clap::builder::Str;
use clap::{Arg, Command, CommandFactory, FromArgMatches};
use l10n::Lang;

use super::Cli;

/// The language of the command line: the first `--lang X` / `--lang=X` before a `--` (an
/// unknown value is left to the parser, which refuses it), else Vietnamese (SPEC W13).
pub fn lang_of_args(args: &[OsString]) -> Lang {
    let mut it = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        let value = if a == "--lang" {
            it.next().map(|v| v.into_owned())
        } else {
            a.strip_prefix("--lang=").map(str::to_string)
        };
        if let Some(v) = value {
            return Lang::parse(&v).unwrap_or_default();
        }
    }
    Lang::default()
}

/// The command line's clap `Command` in `lang`.
pub fn command(lang: Lang) -> Command {
    match lang {
        Lang::En => Cli::command(),
        Lang::Vi => vietnamese(Cli::command()),
    }
}

/// Parse the process's command line with `--help` and its errors in its language; exits on
/// `--help` and `--version` (status 0) and on a bad command line (status 2), as clap does.
pub fn parse() -> Cli {
    let args: Vec<OsString> = std::env::args_os().collect();
    let lang = lang_of_args(&args);
    let parsed = command(lang)
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m));
    match parsed {
        Ok(cli) => cli,
        Err(e) if lang == Lang::En || !e.use_stderr() => e.exit(),
        Err(e) => {
            eprintln!("{}", vi_error(&e));
            std::process::exit(2);
        }
    }
}

/// A bad command line, said in Vietnamese: what is wrong (with clap's suggestion), the usage
/// line, and where to read more.
pub fn vi_error(e: &clap::Error) -> String {
    use clap::error::{ContextKind as C, ErrorKind as K};
    let ctx = |k: C| e.get(k).map(|v| v.to_string()).unwrap_or_default();
    let arg = ctx(C::InvalidArg);
    let value = ctx(C::InvalidValue);
    let mut what = match e.kind() {
        K::UnknownArgument => format!("tham số '{arg}' không có"),
        K::InvalidSubcommand => format!("lệnh '{}' không có", ctx(C::InvalidSubcommand)),
        K::InvalidValue => {
            let valid = ctx(C::ValidValue);
            if value.is_empty() {
                format!("{arg} cần một giá trị")
            } else if valid.is_empty() {
                format!("giá trị '{value}' không hợp lệ cho {arg}")
            } else {
                format!("giá trị '{value}' không hợp lệ cho {arg}; các giá trị được nhận: {valid}")
            }
        }
        K::ValueValidation => {
            let hint = match arg.split_whitespace().next().unwrap_or_default() {
                "--lang" => ": dùng vi hoặc en",
                "--theme" => ": dùng mono, 16 hoặc 256",
                "--role" => ": dùng lead, appraiser hoặc auditor",
                "--scope" => ": dùng lowered hoặc any-decision",
                _ => "",
            };
            format!("giá trị '{value}' không hợp lệ cho {arg}{hint}")
        }
        K::MissingRequiredArgument => format!("thiếu tham số bắt buộc: {arg}"),
        K::MissingSubcommand => "thiếu lệnh".to_string(),
        K::ArgumentConflict => {
            let prior = ctx(C::PriorArg);
            if prior.is_empty() {
                format!("{arg} không dùng được ở đây")
            } else {
                format!("{arg} không dùng được cùng {prior}")
            }
        }
        K::NoEquals => format!("{arg} cần dấu = trước giá trị"),
        K::TooManyValues | K::TooFewValues | K::WrongNumberOfValues => {
            format!("số giá trị của {arg} không đúng")
        }
        K::InvalidUtf8 => "dòng lệnh có ký tự không phải UTF-8".to_string(),
        _ => "dòng lệnh không hợp lệ".to_string(),
    };
    let suggested = [C::SuggestedArg, C::SuggestedSubcommand, C::SuggestedValue]
        .into_iter()
        .map(ctx)
        .find(|s| !s.is_empty());
    if let Some(s) = suggested {
        what.push_str(&format!(" (gợi ý: {s})"));
    }
    let usage = ctx(C::Usage);
    let usage = usage.trim().strip_prefix("Usage: ").unwrap_or(usage.trim());
    let mut out = format!("thamdinh: lỗi dòng lệnh: {what}");
    if !usage.is_empty() {
        out.push_str(&format!("\n\nCách dùng: {usage}"));
    }
    out.push_str("\n\nXem thêm: --help");
    out
}

const OPTIONS: &str = "Tùy chọn";
const ARGUMENTS: &str = "Tham số";
const COMMANDS: &str = "Lệnh";
const TEMPLATE: &str =
    "{before-help}{about-with-newline}\nCách dùng: {usage}\n\n{all-args}{after-help}";

fn vietnamese(cmd: Command) -> Command {
    let mut cmd = localize(cmd, "");
    cmd.build();
    finish(&mut cmd, false);
    cmd
}

/// The key of a command in [`VI`]: its path below `thamdinh` ("import self"; "" for itself).
fn child_path(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path} {name}")
    }
}

/// The key of an argument in [`VI`]: "import self:dry_run", ":store".
fn arg_key(path: &str, id: &str) -> String {
    format!("{path}:{id}")
}

/// The Vietnamese text of a key, if the catalogue has one.
pub fn vi_text(key: &str) -> Option<&'static str> {
    VI.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// Before clap builds the tree: the texts, headings, value names and the help template.
fn localize(cmd: Command, path: &str) -> Command {
    let mut cmd = cmd
        .about(vi_text(path))
        .long_about(None)
        .help_template(TEMPLATE)
        .subcommand_help_heading(COMMANDS)
        .subcommand_value_name("LỆNH");
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let key = arg_key(path, &id);
        cmd = cmd.mut_arg(&id, |a| localize_arg(a, &key));
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let sub_path = child_path(path, &name);
        cmd = cmd.mut_subcommand(&name, |s| localize(s, &sub_path));
    }
    cmd
}

fn localize_arg(a: Arg, key: &str) -> Arg {
    let heading = if a.is_positional() {
        ARGUMENTS
    } else {
        OPTIONS
    };
    let names: Option<Vec<Str>> = a.get_value_names().map(|v| {
        v.iter()
            .map(|n| value_name(n.as_str()).map_or_else(|| n.clone(), Str::from))
            .collect()
    });
    let takes_values = a.get_action().takes_values();
    let mut a = a.help(vi_text(key)).long_help(None).help_heading(heading);
    if takes_values {
        // The possible values and the default are written in the Vietnamese text.
        a = a.hide_possible_values(true).hide_default_value(true);
    }
    if let Some(names) = names {
        a = a.value_names(names);
    }
    a
}

/// After clap built the tree: its own flags, the `help` command (and the copies of the
/// commands clap keeps under it) and the usage lines.
fn finish(cmd: &mut Command, in_help: bool) {
    let mut c = std::mem::take(cmd);
    let ids: Vec<String> = c.get_arguments().map(|a| a.get_id().to_string()).collect();
    for id in ids {
        c = match id.as_str() {
            "help" => c.mut_arg("help", |a| {
                a.help("In trợ giúp").long_help(None).help_heading(OPTIONS)
            }),
            "version" => c.mut_arg("version", |a| {
                a.help("In phiên bản").long_help(None).help_heading(OPTIONS)
            }),
            // `thamdinh help LỆNH`.
            "subcommand" if c.get_name() == "help" => c.mut_arg("subcommand", |a| {
                a.help("In trợ giúp của lệnh")
                    .value_name("LỆNH")
                    .help_heading(ARGUMENTS)
            }),
            _ => c,
        };
    }
    let in_help = in_help || c.get_name() == "help";
    if c.get_name() == "help" {
        c = c.about("In trợ giúp này, hoặc trợ giúp của lệnh được nêu");
    }
    if in_help {
        c = c
            .help_template(TEMPLATE)
            .subcommand_help_heading(COMMANDS)
            .subcommand_value_name("LỆNH");
    }
    let usage = c.render_usage().to_string();
    let usage = usage.strip_prefix("Usage: ").unwrap_or(&usage);
    c = c.override_usage(usage.replace("[OPTIONS]", "[TÙY_CHỌN]"));
    for sub in c.get_subcommands_mut() {
        finish(sub, in_help);
    }
    *cmd = c;
}

/// The Vietnamese name of a value in the help ("--store <THƯ_MỤC>").
fn value_name(en: &str) -> Option<&'static str> {
    Some(match en {
        "DIR" => "THƯ_MỤC",
        "LANG" => "NGÔN_NGỮ",
        "FILE" => "TỆP",
        "ID|FILE" => "MÃ|TỆP",
        "PRESET" => "BỘ_PHÍM",
        "LEVEL" => "MỨC",
        "YEAR" => "NĂM",
        "NAME" => "TÊN",
        "FORMAT" => "ĐỊNH_DẠNG",
        "CODE" => "MÃ",
        "KIND" => "LOẠI",
        "UNIT" => "ĐƠN_VỊ",
        "ITEM" => "TIÊU_CHÍ",
        "USER" => "NGƯỜI_DÙNG",
        "SINCE" => "TỪ",
        "UNITS" => "SỐ_ĐƠN_VỊ",
        "SEED" => "SỐ_MẦM",
        "SCALE" => "QUY_MÔ",
        "ROLE" => "VAI_TRÒ",
        "OPENS" => "NGÀY_MỞ",
        "CLOSES" => "NGÀY_ĐÓNG",
        "SCOPE" => "PHẠM_VI",
        "NOTE" => "GHI_CHÚ",
        "NUMBER" => "SỐ",
        "REASON" => "LÝ_DO",
        "MINUTES" => "BIÊN_BẢN",
        "DATE" => "NGÀY",
        "SECS" => "GIÂY",
        "GROUP" => "NHÓM",
        "WEIGHT" => "HỆ_SỐ",
        "STATE" => "TRẠNG_THÁI",
        // A count, written as in the texts ("the last N years").
        "N" => "N",
        _ => return None,
    })
}

/// Every command's and argument's text in Vietnamese: a command by its path ("import self"),
/// an argument by its command's path and its id ("import self:dry_run"). Possible values and
/// defaults are written here, since clap's `[possible values: …]` and `[default: …]` are
/// English.
pub const VI: &[(&str, &str)] = &[
    (
        "",
        "thamdinh — bàn làm việc thẩm định Chỉ số cải cách hành chính (PAR INDEX). Không kèm lệnh: \
         mở bàn làm việc trên kho dữ liệu (--store THƯ_MỤC, hoặc kho mặc định)",
    ),
    (
        ":store",
        "Thư mục kho dữ liệu (mặc định: kho trong thư mục dữ liệu của bạn)",
    ),
    (
        ":lang",
        "Ngôn ngữ của thông báo và giao diện: vi (mặc định) hoặc en",
    ),
    (
        ":keymap",
        "Tệp phím tắt của bạn (mặc định: ~/.config/thamdinh/keymap.toml nếu có)",
    ),
    (":preset", "Bộ phím có sẵn dùng dưới tệp của bạn: vim"),
    (
        ":no_mouse",
        "Không dùng chuột trong bàn làm việc (mặc định: bấm để chọn, cuộn bánh xe để cuộn; \
         Shift+kéo vẫn chọn được chữ)",
    ),
    (
        ":theme",
        "Màu: mono, 16 hoặc 256 (mặc định: theo NO_COLOR và TERM)",
    ),
    // init
    (
        "init",
        "Tạo kho dữ liệu (hoặc thêm một năm vào kho) từ tệp bộ tiêu chí và tệp đơn vị",
    ),
    ("init:year", "Năm đánh giá, ví dụ 2024"),
    (
        "init:framework",
        "Tệp TOML bộ tiêu chí (mặc định: bộ tiêu chí kèm theo chương trình cho năm đó)",
    ),
    (
        "init:units",
        "Tệp TOML danh sách đơn vị (mặc định: danh sách kèm theo chương trình cho năm đó)",
    ),
    (
        "init:from_year",
        "Một năm trước đó của kho: tiêu chí nào giữ nguyên nội dung thì lý do thẩm định năm đó \
         được hiện để tham khảo (không chuyển thành quyết định năm nay)",
    ),
    // import
    (
        "import",
        "Nhập điểm tự đánh giá hoặc điểm điều tra (trọn gói: tệp có dòng lỗi thì không nhập gì)",
    ),
    (
        "import self",
        "Điểm tự đánh giá của các tỉnh (CSV hoặc XLSX: unit, code, self_score, note, evidence)",
    ),
    (
        "import self:file",
        "Tệp cần nhập: CSV, hoặc bảng tính (.xlsx, .xlsm, .xlsb, .xls, .ods)",
    ),
    (
        "import self:sheet",
        "Trang tính cần đọc (mặc định: trang đầu tiên đang hiện)",
    ),
    (
        "import self:year",
        "Năm đánh giá (mặc định: năm mới nhất của kho)",
    ),
    (
        "import self:dry_run",
        "Chỉ xem trước giá trị hiện tại và giá trị mới của từng mục, không thay đổi gì",
    ),
    (
        "import survey",
        "Điểm điều tra xã hội học (CSV hoặc XLSX: unit, code, score)",
    ),
    (
        "import survey:file",
        "Tệp cần nhập: CSV, hoặc bảng tính (.xlsx, .xlsm, .xlsb, .xls, .ods)",
    ),
    (
        "import survey:sheet",
        "Trang tính cần đọc (mặc định: trang đầu tiên đang hiện)",
    ),
    (
        "import survey:year",
        "Năm đánh giá (mặc định: năm mới nhất của kho)",
    ),
    (
        "import survey:dry_run",
        "Chỉ xem trước giá trị hiện tại và giá trị mới của từng mục, không thay đổi gì",
    ),
    (
        "import results",
        "Kết quả đã công bố của một năm trước (CSV hoặc XLSX: đơn vị, chỉ số, có thể thêm hạng và \
         điểm từng lĩnh vực, điểm trung bình cả nước và theo vùng), làm cơ sở để so sánh",
    ),
    (
        "import results:file",
        "Tệp: CSV hoặc bảng tính (.xlsx, .xlsm, .xlsb, .xls, .ods) với các cột don_vi (mã hay tên \
         đơn vị, tên vùng, hoặc \"Cả nước\"), chi_so, và có thể thêm hang, linh_vuc_<mã lĩnh vực>",
    ),
    ("import results:year", "Năm của kết quả công bố"),
    (
        "import results:units",
        "Bộ đơn vị của năm đó: tệp danh sách đơn vị, hoặc mã bộ có sẵn (tinh-63, tinh-34). Mặc \
         định: bộ đơn vị của năm nếu kho đã có năm đó, nếu không thì bộ có sẵn cho năm đó",
    ),
    (
        "import results:sheet",
        "Trang tính cần đọc (mặc định: trang đầu tiên đang hiện)",
    ),
    (
        "import results:replace",
        "Thay kết quả công bố đã ghi của năm đó (cần --reason)",
    ),
    (
        "import results:reason",
        "Lý do thay kết quả (được lưu trong nhật ký kiểm tra)",
    ),
    (
        "import responses",
        "Phiếu khảo sát (CSV hoặc XLSX: người trả lời, đơn vị, kênh, ngày, mỗi câu hỏi một cột), \
         được lưu thành số đếm kèm mã băm có khóa của người trả lời",
    ),
    (
        "import responses:file",
        "Tệp: CSV hoặc bảng tính (.xlsx, .xlsm, .xlsb, .xls, .ods) với các cột nguoi_tra_loi, \
         don_vi, kenh (trực tuyến, quầy, giấy), ngay (dd/mm/yyyy) và mỗi câu hỏi của bộ câu hỏi \
         một cột (số hoặc tên mức trả lời; để trống: không trả lời)",
    ),
    (
        "import responses:survey",
        "Bộ câu hỏi: mã một bộ có sẵn (sipas-2024, lanh-dao-2024) hoặc tệp định nghĩa khảo sát \
         (mặc định: sipas-2024)",
    ),
    (
        "import responses:year",
        "Năm đánh giá (mặc định: năm mới nhất của kho)",
    ),
    (
        "import responses:sheet",
        "Trang tính cần đọc (mặc định: trang đầu tiên đang hiện)",
    ),
    (
        "import responses:dry_run",
        "Chỉ kiểm tra tệp và cho biết tệp có gì, không ghi gì",
    ),
    (
        "survey",
        "Điểm khảo sát tính từ các phiếu khảo sát đã nhập (SIPAS, khảo sát lãnh đạo, quản lý)",
    ),
    (
        "survey compute",
        "Tính điểm khảo sát của năm từ các phiếu đã nhập: cho thấy điểm nào thay đổi (cũ → mới \
         theo đơn vị và mục), chỉ ghi khi có --apply",
    ),
    (
        "survey compute:year",
        "Năm đánh giá (mặc định: năm mới nhất của kho)",
    ),
    (
        "survey compute:survey",
        "Bộ câu hỏi: mã một bộ có sẵn hoặc tệp định nghĩa khảo sát (mặc định: sipas-2024)",
    ),
    (
        "survey compute:apply",
        "Ghi các điểm thay đổi (không có cờ này thì không ghi gì)",
    ),
    // export
    (
        "export",
        "Xuất điểm kèm lý do thẩm định (CSV, JSON hoặc bảng tính XLSX)",
    ),
    (
        "export:format",
        "Định dạng: csv (mặc định), json, hoặc xlsx — bảng tính gồm trang xếp hạng và một trang \
         thẩm định cho mỗi đơn vị (với --unit: chỉ trang của đơn vị đó)",
    ),
    ("export:output", "Tệp kết quả (ghi trọn vẹn một lần)"),
    (
        "export:year",
        "Năm đánh giá (mặc định: năm mới nhất của kho)",
    ),
    ("export:unit", "Chỉ đơn vị này (mã đơn vị, ví dụ 44)"),
    (
        "export:raw",
        "CSV cho chương trình khác: mọi ô giữ nguyên. Mặc định, ô chữ bắt đầu bằng =, +, -, @, \
         dấu tab hoặc ký tự về đầu dòng được thêm dấu ' ở đầu để bảng tính không chạy nó như \
         công thức (docs/DATA_FORMATS.md)",
    ),
    // template
    (
        "template",
        "Ghi bảng tính mẫu nhập (XLSX) trống với các đơn vị và tiêu chí của năm để điền",
    ),
    (
        "template:year",
        "Năm đánh giá (mặc định: năm mới nhất của kho). Không có kho thì dùng bộ tiêu chí và \
         danh sách đơn vị kèm theo chương trình cho năm này",
    ),
    (
        "template:kind",
        "Mẫu để thu gì: self (mặc định) — tự đánh giá của tỉnh (tiêu chí thẩm định, kèm ghi chú \
         và tài liệu kiểm chứng); survey — điểm điều tra (tiêu chí điều tra)",
    ),
    (
        "template:unit",
        "Chỉ các dòng của đơn vị này (mã đơn vị, ví dụ 44); mặc định: mọi đơn vị",
    ),
    (
        "template:output",
        "Bảng tính kết quả (.xlsx, ghi trọn vẹn một lần)",
    ),
    // audit
    (
        "audit",
        "In lịch sử thay đổi của một đơn vị, một tiêu chí hoặc một người dùng",
    ),
    ("audit:unit", "Mã đơn vị, ví dụ 44"),
    (
        "audit:item",
        "Mã tiêu chí, ví dụ 3.2.1 (kèm --unit: một mục)",
    ),
    ("audit:user", "Chỉ các thay đổi của người dùng này"),
    (
        "audit:since",
        "Chỉ các thay đổi từ ngày này (01/03/2024, từ 00:00 giờ Việt Nam) hoặc thời điểm này \
         (2024-03-01T08:00:00+07:00)",
    ),
    (
        "audit:year",
        "Năm đánh giá (mặc định: năm mới nhất của kho khi có --unit hoặc --item)",
    ),
    (
        "audit:format",
        "Định dạng: text (mặc định), md (Markdown, cho biên bản) hoặc json",
    ),
    (
        "audit:events",
        "Kèm --unit và --item: liệt kê các sự kiện của mục thay vì kể lại câu chuyện của nó",
    ),
    (
        "audit:output",
        "Ghi vào TỆP (trọn vẹn một lần) thay vì in ra màn hình",
    ),
    // report
    (
        "report",
        "Báo cáo: xếp hạng cả nước, phiếu điểm của một đơn vị",
    ),
    (
        "report ranking",
        "Xếp hạng cả nước: hạng theo chỉ số tự chấm và đề xuất, thay đổi hạng, nhóm, điểm trung \
         bình theo vùng và cả nước, và quy tắc đồng hạng",
    ),
    (
        "report sipas",
        "Chỉ số khảo sát (mặc định SIPAS) của các đơn vị trong năm, tính từ phiếu: xếp hạng kèm n và \
         khoảng tin cậy 95%, các yếu tố, thay đổi so với năm trước, trung bình vùng và cả nước, \
         cảnh báo đơn vị ít phiếu",
    ),
    (
        "report sipas:year",
        "Năm đánh giá (mặc định: năm mới nhất của kho)",
    ),
    (
        "report sipas:survey",
        "Bộ câu hỏi: mã một bộ có sẵn hoặc tệp định nghĩa khảo sát (mặc định: sipas-2024)",
    ),
    ("report sipas:format", "Định dạng: md, csv hoặc xlsx"),
    (
        "report sipas:output",
        "Ghi vào tệp này (ghi nguyên khối) thay vì in ra màn hình",
    ),
    (
        "report sipas:raw",
        "Với --format csv, cho chương trình: ghi mọi ô đúng như dữ liệu (xem report ranking --raw)",
    ),
    (
        "report ranking:year",
        "Năm đánh giá (mặc định: năm mới nhất của kho)",
    ),
    (
        "report ranking:format",
        "Định dạng: md (mặc định) — Markdown cho người đọc; csv — tên cột cho chương trình \
         (docs/DATA_FORMATS.md); xlsx — bảng tính có trang xếp hạng (cần -o TỆP)",
    ),
    (
        "report ranking:output",
        "Ghi vào tệp này (trọn vẹn một lần) thay vì in ra màn hình",
    ),
    (
        "report ranking:raw",
        "Kèm --format csv, cho chương trình khác: mọi ô giữ nguyên. Mặc định, ô chữ bắt đầu bằng \
         =, +, -, @, dấu tab hoặc ký tự về đầu dòng được thêm dấu ' ở đầu để bảng tính không \
         chạy nó như công thức (docs/DATA_FORMATS.md)",
    ),
    (
        "report ranking:what_if_weight",
        "Thay cho bảng xếp hạng, in MÔ PHỎNG cho đơn vị khó khăn (difficult = true trong tệp đơn \
         vị): chỉ số đề xuất × HỆ_SỐ này (ví dụ 1,05; từ 1 đến 2), tối đa 100%, và thứ hạng nó \
         sẽ cho — ghi rõ là mô phỏng, không bao giờ ghi vào kho (chỉ dạng Markdown)",
    ),
    (
        "report unit",
        "Phiếu điểm của một đơn vị cho Hội đồng: tổng điểm, nhóm, hạng, các lĩnh vực, các tiêu \
         chí bị điều chỉnh kèm lý do, giải trình, tình trạng chốt kết quả",
    ),
    ("report unit:unit", "Mã đơn vị, ví dụ 44"),
    (
        "report unit:year",
        "Năm đánh giá (mặc định: năm mới nhất của kho)",
    ),
    ("report unit:format", "Định dạng: md (Markdown, mặc định)"),
    (
        "report unit:output",
        "Ghi vào tệp này (trọn vẹn một lần) thay vì in ra màn hình",
    ),
    // verify, rebuild, backup, restore
    (
        "verify",
        "Kiểm tra chuỗi băm của nhật ký và việc phát lại các sự kiện cho đúng trạng thái đã lưu",
    ),
    (
        "rebuild",
        "Dựng lại trạng thái từ nhật ký sự kiện (khi verify thấy hai bên lệch nhau)",
    ),
    (
        "backup",
        "Ghi nhật ký sự kiện thành các dòng JSON mang đi được (bản sao lưu)",
    ),
    (
        "backup:output",
        "Tệp kết quả (các dòng JSON, ghi trọn vẹn một lần)",
    ),
    (
        "restore",
        "Dựng một kho mới bằng cách phát lại một bản sao lưu",
    ),
    ("restore:file", "Bản sao lưu do `thamdinh backup` ghi"),
    // sample
    (
        "sample",
        "In dữ liệu tự đánh giá mẫu, lần nào cũng như nhau (CSV, định dạng mà `import self` đọc)",
    ),
    (
        "sample:units",
        "Bao nhiêu đơn vị (N đơn vị đầu tiên của năm; mặc định: tất cả)",
    ),
    (
        "sample:year",
        "Năm đánh giá của các dòng (không cần khi có --build hoặc --kind framework|units)",
    ),
    (
        "sample:seed",
        "Số mầm: cùng số mầm thì cùng dữ liệu trên mọi máy (mặc định: 1)",
    ),
    (
        "sample:kind",
        "Loại dữ liệu: self (mặc định) — điểm tự đánh giá (`import self`); survey — điểm điều tra \
         (`import survey`); responses — phiếu khảo sát SIPAS (`import responses`); framework — tệp bộ tiêu chí của một --scale (cho `init --framework`); \
         units — tệp đơn vị của một --scale (cho `init --units`)",
    ),
    (
        "sample:framework",
        "Tệp TOML bộ tiêu chí (mặc định: bộ kèm theo chương trình cho năm đó)",
    ),
    (
        "sample:units_file",
        "Tệp TOML đơn vị (mặc định: danh sách kèm theo chương trình cho năm đó)",
    ),
    (
        "sample:scale",
        "Một quy mô đo hiệu năng, dùng bộ tiêu chí và đơn vị của nó thay cho bộ kèm theo: \
         national — 63 tỉnh × 88 tiêu chí × 10 năm (2015–2024), khoảng 0,5 triệu sự kiện; \
         large — 2.000 đơn vị × 100 tiêu chí × 5 năm (2020–2024), khoảng 5 triệu sự kiện",
    ),
    (
        "sample:build",
        "Dựng một kho mới trong THƯ_MỤC với toàn bộ lịch sử của quy mô, qua đúng các quy tắc như \
         mọi lệnh (national: khoảng một phút; large: nhiều phút và vài GB)",
    ),
    (
        "sample:years",
        "Kèm --build: chỉ N năm cuối của quy mô (năm cuối vẫn đang thẩm định)",
    ),
    (
        "sample:per_unit",
        "Kèm --kind responses: số người trả lời mỗi đơn vị (mặc định: 600)",
    ),
    // demo
    (
        "demo",
        "Mở bàn làm việc trên kho mẫu (dựng ở lần dùng đầu tiên, hoặc dựng lại với --fresh)",
    ),
    ("demo:fresh", "Bỏ kho mẫu cũ và dựng lại"),
    (
        "demo:dir",
        "Thư mục kho mẫu (mặc định: `demo` trong thư mục dữ liệu của bạn)",
    ),
    // member
    (
        "member",
        "Quản lý ai được dùng kho dữ liệu và với vai trò nào",
    ),
    (
        "member add",
        "Thêm thành viên hoặc đổi vai trò (chỉ trưởng nhóm)",
    ),
    (
        "member add:user",
        "Tên người dùng hệ điều hành: chữ cái ASCII, chữ số, '.', '_', '-', không bắt đầu bằng '-'",
    ),
    (
        "member add:role",
        "Vai trò: lead (trưởng nhóm), appraiser (thẩm định viên, mặc định) hoặc auditor (kiểm \
         tra, chỉ đọc)",
    ),
    ("member remove", "Xóa một thành viên (chỉ trưởng nhóm)"),
    ("member remove:user", "Tên người dùng của thành viên"),
    ("member list", "Liệt kê thành viên và vai trò"),
    // round
    ("round", "Đợt giải trình: mở, đóng, liệt kê"),
    ("round open", "Mở một đợt giải trình (chỉ trưởng nhóm)"),
    (
        "round open:year",
        "Năm đánh giá (mặc định: năm mới nhất của kho)",
    ),
    (
        "round open:opens",
        "Ngày đầu tiên (mặc định: hôm nay), ví dụ 01/03/2025 hoặc 2025-03-01",
    ),
    (
        "round open:closes",
        "Ngày cuối cùng nhận giải trình đúng hạn",
    ),
    (
        "round open:scope",
        "Những mục được giải trình: lowered (mặc định) — điểm đề xuất thấp hơn điểm tự chấm, \
         hoặc cần bổ sung tài liệu; any-decision — mọi điều chỉnh và yêu cầu bổ sung",
    ),
    (
        "round open:units",
        "Chỉ các đơn vị này (lặp lại tùy chọn); mặc định: mọi đơn vị",
    ),
    (
        "round open:note",
        "Số hiệu văn bản mở đợt, ví dụ \"Công văn 512/BNV-CCHC\": một dòng, tối đa 1 KiB (dấu \
         xuống dòng được giữ thành dấu cách)",
    ),
    (
        "round close",
        "Đóng một đợt: không ghi nhận thêm giải trình vào đợt đó (chỉ trưởng nhóm)",
    ),
    ("round close:number", "Số thứ tự của đợt"),
    (
        "round close:year",
        "Năm đánh giá (mặc định: năm mới nhất của kho)",
    ),
    (
        "round close:reason",
        "Lý do đóng (được lưu trong nhật ký kiểm tra)",
    ),
    ("round list", "Liệt kê các đợt của một năm kèm số lượng"),
    (
        "round list:year",
        "Năm đánh giá (mặc định: năm mới nhất của kho)",
    ),
    // year
    (
        "year",
        "Kết quả chính thức của năm: Hội đồng thông qua, công bố, mở lại",
    ),
    (
        "year approve",
        "Ghi nhận Hội đồng thẩm định thông qua kết quả cả nước của năm (chỉ trưởng nhóm): mọi \
         đơn vị phải đã chốt; sau đó điểm bị khóa",
    ),
    (
        "year approve:year",
        "Năm đánh giá (mặc định: năm mới nhất của kho)",
    ),
    (
        "year approve:minutes",
        "Số, ký hiệu biên bản họp Hội đồng, ví dụ \"15/BB-HĐTĐ\"",
    ),
    (
        "year approve:date",
        "Ngày họp Hội đồng (mặc định: hôm nay), ví dụ 20/03/2025",
    ),
    (
        "year publish",
        "Ghi nhận ngày công bố kết quả đã được thông qua (chỉ trưởng nhóm)",
    ),
    (
        "year publish:year",
        "Năm đánh giá (mặc định: năm mới nhất của kho)",
    ),
    ("year publish:date", "Ngày công bố (mặc định: hôm nay)"),
    (
        "year reopen",
        "Mở lại kết quả đã thông qua để sửa (chỉ trưởng nhóm); báo cáo sẽ ghi rõ kết quả đã \
         thay đổi sau khi thông qua",
    ),
    (
        "year reopen:year",
        "Năm đánh giá (mặc định: năm mới nhất của kho)",
    ),
    (
        "year reopen:reason",
        "Lý do mở lại (lưu trong nhật ký kiểm tra và in trong báo cáo)",
    ),
    ("year status", "Tình trạng kết quả chính thức của năm"),
    (
        "year status:year",
        "Năm đánh giá (mặc định: năm mới nhất của kho)",
    ),
    // assign
    (
        "assign",
        "Phân công đơn vị, hoặc lĩnh vực của đơn vị, cho thẩm định viên; xem phân công và tiến \
         độ; bắt buộc theo phân công",
    ),
    (
        "assign:year",
        "Năm đánh giá (mặc định: năm mới nhất của kho)",
    ),
    ("assign:unit", "Mã đơn vị"),
    (
        "assign:area",
        "Chỉ lĩnh vực này (mã cấp cao nhất của bộ tiêu chí, ví dụ 3); mặc định: cả đơn vị",
    ),
    (
        "assign:to",
        "Người thẩm định (thành viên có vai trò thẩm định viên hoặc trưởng nhóm)",
    ),
    ("assign:clear", "Bỏ phân công thay vì phân công"),
    (
        "assign list",
        "Liệt kê phân công của một năm kèm tiến độ, và tiến độ theo người",
    ),
    (
        "assign list:year",
        "Năm đánh giá (mặc định: năm mới nhất của kho)",
    ),
    (
        "assign enforce",
        "Bắt buộc theo phân công (on: sửa tiêu chí của người khác bị từ chối; off, mặc định: \
         vẫn được, kèm cảnh báo). Chỉ trưởng nhóm",
    ),
    ("assign enforce:state", "on (bật) hoặc off (tắt)"),
    (
        "assign enforce:year",
        "Năm đánh giá (mặc định: năm mới nhất của kho)",
    ),
    // keys
    ("keys", "Tệp phím tắt"),
    (
        "keys check",
        "Kiểm tra tệp phím tắt: thao tác không có, phím sai, một phím gán hai lần, một phím che \
         mất một chuỗi phím",
    ),
    ("keys check:file", "Tệp TOML phím tắt"),
    // serve
    (
        "serve",
        "Chạy máy chủ của kho dữ liệu (các lệnh tự khởi động nó; dùng lệnh này dưới systemd)",
    ),
    (
        "serve:idle_exit",
        "Dừng sau chừng ấy giây không có máy khách nào kết nối (0 = không bao giờ; mặc định: 600)",
    ),
    (
        "serve:report_failure",
        "Do một máy khách khởi động: nếu máy chủ không khởi động được, ghi lý do ra đầu ra \
         chuẩn thành một dòng JSON bằng cả hai ngôn ngữ để máy khách hiện ra",
    ),
    // doctor
    (
        "doctor",
        "Cho biết thamdinh thấy gì: terminal, màu, SSH/tmux, phím tắt, kho dữ liệu, máy chủ, \
         vai trò của bạn",
    ),
    // setup-shared
    (
        "setup-shared",
        "Dựng một kho dữ liệu dùng chung cho một nhóm (chạy bằng root): một tài khoản dịch vụ sở \
         hữu kho, một unit systemd phục vụ nó (docs/SHARED_STORE.md)",
    ),
    (
        "setup-shared:dir",
        "Thư mục kho: tạo mới nếu chưa có; kho đã có ở đó thì được tiếp quản",
    ),
    (
        "setup-shared:group",
        "Nhóm của các thành viên: những ai được kết nối tới máy chủ của kho (tạo mới nếu chưa có)",
    ),
    (
        "setup-shared:service_user",
        "Tài khoản dịch vụ sở hữu kho và chạy máy chủ của nó (tạo mới nếu chưa có: tài khoản hệ \
         thống, không có shell đăng nhập, không có thư mục nhà)",
    ),
    (
        "setup-shared:install_unit",
        "Cài unit systemd thamdinh@.service (docs/systemd/) và in cách khởi động nó",
    ),
    (
        "setup-shared:unit_dir",
        "Nơi ghi unit (mặc định: /etc/systemd/system)",
    ),
    (
        "setup-shared:lead",
        "Trưởng nhóm đầu tiên của kho, một người dùng hệ điều hành: được thêm vào NHÓM, rồi \
         `thamdinh init --year NĂM` được chạy dưới tên người đó (để nhật ký ghi ai đã mở kho)",
    ),
    (
        "setup-shared:year",
        "Kèm --lead: năm đánh giá mà trưởng nhóm mở",
    ),
    (
        "setup-shared:framework",
        "Kèm --lead: tệp bộ tiêu chí (mặc định: bộ kèm theo chương trình); trưởng nhóm phải đọc \
         được tệp này",
    ),
    (
        "setup-shared:units",
        "Kèm --lead: tệp đơn vị (mặc định: danh sách kèm theo chương trình); trưởng nhóm phải \
         đọc được tệp này",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ArgAction;

    /// Every command and argument of the tree, as (key, is an argument).
    fn keys(cmd: &Command, path: &str, out: &mut Vec<String>) {
        out.push(path.to_string());
        for a in cmd.get_arguments() {
            out.push(arg_key(path, a.get_id().as_str()));
        }
        for s in cmd.get_subcommands() {
            keys(s, &child_path(path, s.get_name()), out);
        }
    }

    #[test]
    fn every_command_and_argument_has_a_vietnamese_text_and_no_other_key_does() {
        let mut all = Vec::new();
        keys(&Cli::command(), "", &mut all);
        let missing: Vec<&String> = all.iter().filter(|k| vi_text(k).is_none()).collect();
        assert!(missing.is_empty(), "no Vietnamese text for {missing:?}");
        let stale: Vec<&str> = VI
            .iter()
            .map(|(k, _)| *k)
            .filter(|k| !all.iter().any(|a| a == k))
            .collect();
        assert!(stale.is_empty(), "texts for nothing: {stale:?}");
        let mut seen = std::collections::HashSet::new();
        for (k, _) in VI {
            assert!(seen.insert(k), "{k} twice");
        }
    }

    /// Every value name has a Vietnamese one (a flag's is never shown).
    #[test]
    fn every_value_name_is_translated() {
        fn check(cmd: &Command) {
            for a in cmd.get_arguments() {
                let shown = a.get_num_args().is_some_and(|n| n.takes_values());
                for n in a.get_value_names().unwrap_or_default() {
                    assert!(
                        !shown || value_name(n.as_str()).is_some(),
                        "{}: {n}",
                        a.get_id()
                    );
                }
            }
            cmd.get_subcommands().for_each(check);
        }
        let mut cmd = Cli::command();
        cmd.build();
        check(&cmd);
    }

    /// The possible values and the default of every argument are in its Vietnamese text.
    #[test]
    fn vietnamese_texts_name_the_possible_values_and_the_defaults() {
        fn check(cmd: &Command, path: &str) {
            for a in cmd.get_arguments() {
                let key = arg_key(path, a.get_id().as_str());
                let text = vi_text(&key).unwrap_or_default();
                if a.get_num_args().is_some_and(|n| n.takes_values()) || a.is_positional() {
                    for v in a.get_possible_values() {
                        assert!(
                            text.contains(v.get_name()),
                            "{key}: {} missing",
                            v.get_name()
                        );
                    }
                    for d in a.get_default_values() {
                        let d = d.to_string_lossy();
                        if !d.is_empty() && !matches!(a.get_action(), ArgAction::SetTrue) {
                            assert!(text.contains(d.as_ref()), "{key}: default {d} missing");
                        }
                    }
                }
            }
            for s in cmd.get_subcommands() {
                check(s, &child_path(path, s.get_name()));
            }
        }
        let mut cmd = Cli::command();
        cmd.build();
        check(&cmd, "");
    }

    fn help_of(lang: Lang, path: &[&str]) -> String {
        let mut cmd = command(lang);
        cmd.build();
        let mut c = &mut cmd;
        for name in path {
            c = c.find_subcommand_mut(name).expect("a subcommand");
        }
        c.render_long_help().to_string()
    }

    fn paths(cmd: &Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(path.clone());
        for s in cmd.get_subcommands() {
            let mut p = path.clone();
            p.push(s.get_name().to_string());
            paths(s, p, out);
        }
    }

    /// The words clap writes by itself in English.
    const CLAP_ENGLISH: &[&str] = &[
        "Usage:",
        "Options:",
        "Commands:",
        "Arguments:",
        "Print help",
        "Print version",
        "Print this message",
        "[OPTIONS]",
        "COMMAND",
        "[default:",
        "possible values",
        "Possible values",
    ];

    #[test]
    fn every_help_is_vietnamese_by_default_and_english_with_lang_en() {
        // The tree as clap builds it: with the `help` commands.
        let mut built = Cli::command();
        built.build();
        let mut all = Vec::new();
        paths(&built, Vec::new(), &mut all);
        assert!(all.len() >= 60, "{}", all.len());
        for p in &all {
            let names: Vec<&str> = p.iter().map(String::as_str).collect();
            let vi = help_of(Lang::Vi, &names);
            for w in CLAP_ENGLISH {
                assert!(
                    !vi.contains(w),
                    "thamdinh {} --help says {w:?}:\n{vi}",
                    p.join(" ")
                );
            }
            assert!(vi.contains("Cách dùng: thamdinh"), "{vi}");
            // The `help` commands have no flags of their own.
            if !p.iter().any(|n| n == "help") {
                assert!(
                    vi.contains("-h, --help") && vi.contains("In trợ giúp"),
                    "{vi}"
                );
            }
            let en = help_of(Lang::En, &names);
            assert!(en.contains("Usage: thamdinh"), "{en}");
        }
        let root = help_of(Lang::Vi, &[]);
        for w in [
            "Lệnh:",
            "Tùy chọn:",
            "--store <THƯ_MỤC>",
            "In phiên bản",
            "help",
        ] {
            assert!(root.contains(w), "{w} missing:\n{root}");
        }
        let import = help_of(Lang::Vi, &["import", "self"]);
        assert!(
            import.contains("Tham số:") && import.contains("<TỆP>"),
            "{import}"
        );
        assert!(import.contains("[TÙY_CHỌN]"), "{import}");
    }

    #[test]
    fn a_bad_command_line_is_explained_in_vietnamese() {
        let err = |args: &[&str]| {
            let e = command(Lang::Vi)
                .try_get_matches_from(args)
                .expect_err("a bad command line");
            vi_error(&e)
        };
        let e = err(&["thamdinh", "--bogus"]);
        assert!(e.contains("tham số '--bogus' không có"), "{e}");
        assert!(e.contains("Cách dùng: thamdinh [TÙY_CHỌN] [LỆNH]"), "{e}");
        let e = err(&["thamdinh", "reprot"]);
        assert!(e.contains("lệnh 'reprot' không có (gợi ý: "), "{e}");
        assert!(e.contains("report"), "{e}");
        let e = err(&["thamdinh", "export", "--format", "pdf"]);
        assert!(e.contains("giá trị 'pdf' không hợp lệ cho --format"), "{e}");
        assert!(e.contains("csv, json, xlsx"), "{e}");
        let e = err(&["thamdinh", "--lang", "fr", "doctor"]);
        assert!(e.contains("dùng vi hoặc en"), "{e}");
        let e = err(&["thamdinh", "report", "unit"]);
        assert!(e.contains("thiếu tham số bắt buộc: <ĐƠN_VỊ>"), "{e}");
        for e in [e, err(&["thamdinh", "--bogus"])] {
            for w in ["error", "Usage", "tip", "For more"] {
                assert!(!e.contains(w), "{w} in {e}");
            }
        }
    }

    #[test]
    fn the_language_is_read_before_parsing() {
        let args = |v: &[&str]| -> Vec<OsString> { v.iter().map(OsString::from).collect() };
        assert_eq!(lang_of_args(&args(&["thamdinh", "--help"])), Lang::Vi);
        assert_eq!(
            lang_of_args(&args(&["thamdinh", "--lang", "en", "--help"])),
            Lang::En
        );
        assert_eq!(
            lang_of_args(&args(&["thamdinh", "audit", "--lang=en", "-h"])),
            Lang::En
        );
        assert_eq!(
            lang_of_args(&args(&["thamdinh", "--", "--lang", "en"])),
            Lang::Vi
        );
        assert_eq!(lang_of_args(&args(&["thamdinh", "--lang", "fr"])), Lang::Vi);
    }
}
