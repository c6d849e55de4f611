//! Two appraisers' workbenches on one store through its server (SPEC S3, W11): presence and
//! committed changes reach the other screen, and an item being edited is marked.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use api::{Notice, Workbench};
use common::{YEAR, key, setup};
use domain::{Command, Role};
use l10n::Lang;
use net::client::{ConnectOptions, RemoteWorkbench};
use net::server::{ServeOptions, start};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tui::app::App;
use tui::theme::ColorLevel;
use tui::{self, TuiOptions};

/// A bound so a broken build fails instead of hanging; not a timing assertion.
const PATIENCE: Duration = Duration::from_secs(20);

fn me() -> String {
    uzers::get_current_username()
        .expect("a passwd entry")
        .to_string_lossy()
        .into_owned()
}

fn app(wb: Arc<RemoteWorkbench>) -> (App, crossbeam_channel::Receiver<Notice>) {
    let notices = wb.subscribe();
    let dynwb: Arc<dyn Workbench> = wb;
    let opts = TuiOptions {
        lang: Lang::Vi,
        theme: Some(ColorLevel::Mono),
        ..TuiOptions::default()
    };
    let mut app = tui::build_app(dynwb, &opts).expect("app");
    app.resize(100, 30);
    (app, notices)
}

fn screen(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    t.draw(|f| tui::views::render(app, f)).expect("draw");
    let buf = t.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Feed notices to `app` until `done` holds.
fn pump(app: &mut App, rx: &crossbeam_channel::Receiver<Notice>, done: impl Fn(&App) -> bool) {
    let end = Instant::now() + PATIENCE;
    while !done(app) {
        let left = end.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(n) => app.handle_notice(n),
            Err(e) => panic!("no notice made it true: {e}\n{}", screen(app)),
        }
    }
}

#[test]
fn the_other_appraiser_sees_who_is_here_what_they_edit_and_their_change() {
    let tmp = tempfile::tempdir().unwrap();
    let lead = setup(tmp.path());
    lead.apply(Command::SetMember {
        user: me(),
        role: Role::Appraiser,
    })
    .unwrap();
    drop(lead);
    let _server = start(tmp.path(), &ServeOptions { idle_exit: None }).expect("server");
    let connect = || {
        Arc::new(
            RemoteWorkbench::connect(
                tmp.path(),
                &ConnectOptions {
                    start_server: false,
                    ..ConnectOptions::default()
                },
            )
            .expect("connect"),
        )
    };
    let (mut a, _a_rx) = app(connect());
    let (mut b, b_rx) = app(connect());

    // A opens Quảng Bình (44) and starts editing 1.1.2.
    a.feed("quang binh<enter><down><down><down><f2>");
    pump(&mut b, &b_rx, |b| {
        !b.others_editing(&key("44", "1.1.2")).is_empty()
    });
    // B, on the overview, sees A on Quảng Bình; on the unit, sees the item marked.
    let text = screen(&b);
    assert!(text.contains(&format!("Quảng Bình ◂{}", me())), "{text}");
    assert!(text.contains("+1 người"), "{text}");
    b.feed("quang binh<enter><down><down><down>");
    let text = screen(&b);
    assert!(
        text.contains("✎"),
        "the item being edited is marked:\n{text}"
    );
    assert!(text.contains("đang sửa mục này"), "{text}");

    // A saves an adjustment; B's table shows it (and the totals move) without B doing anything.
    a.feed("<c-u>0,5<tab>Chưa có báo cáo quý IV<f2>");
    let k = key("44", "1.1.2");
    pump(&mut b, &b_rx, |b| {
        b.model
            .item(&k.unit, &k.leaf)
            .is_some_and(|i| i.appraisal.justification == "Chưa có báo cáo quý IV")
    });
    let text = screen(&b);
    assert!(
        text.contains("-1,00"),
        "Δ of 1.1.2 (1,50 → 0,50) shows:\n{text}"
    );
    assert_eq!(YEAR, b.model.year);
}
