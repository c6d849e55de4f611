//! `thamdinh-sqlite-ref FILE.csv DB`: import the self-assessment CSV into a new SQLite database
//! in one transaction with `synchronous=FULL` (journal in WAL mode, as a careful application
//! would), and print the wall time in milliseconds. The reference for SPEC P5.

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(file), Some(db)) = (args.next(), args.next()) else {
        eprintln!("usage: thamdinh-sqlite-ref FILE.csv DB");
        std::process::exit(2);
    };
    let _ = std::fs::remove_file(&db);
    let t = Instant::now();
    let mut conn = rusqlite::Connection::open(&db).expect("open the database");
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
         CREATE TABLE self (unit TEXT, leaf TEXT, score TEXT, note TEXT, evidence TEXT,
                            PRIMARY KEY (unit, leaf));",
    )
    .expect("create the table");
    let mut rows = 0u64;
    {
        let tx = conn.transaction().expect("begin");
        {
            let mut st = tx
                .prepare("INSERT INTO self VALUES (?1, ?2, ?3, ?4, ?5)")
                .expect("prepare");
            let mut r = csv::Reader::from_path(&file).expect("open the CSV");
            let mut rec = csv::StringRecord::new();
            while r.read_record(&mut rec).expect("read a row") {
                let f = |i: usize| rec.get(i).unwrap_or("");
                st.execute((f(0), f(1), f(2), f(3), f(4))).expect("insert");
                rows += 1;
            }
        }
        tx.commit().expect("commit");
    }
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    println!("{ms:.1} {rows}");
}
