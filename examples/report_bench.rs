//! Benchmark of the full spring report (voorjaar-2021) in every format: time per format against
//! the time to build the snapshot alone, in one run, and the peak resident memory of each step
//! (the process's high-water mark, reset before the step, so it starts from what was in use).
//!
//! ```sh
//! cargo run --release --example report_bench -- [RUNS] [--scale N]
//! ```
//!
//! Seeds the demo programme (16 areas, 161 actions) into a fresh SQLite database in a temporary
//! directory, or with `--scale N` a generated programme (`versnelling seed --scale N`: N × 1,000
//! actions), then per step runs it RUNS times (default 5) and prints the median. The snapshot
//! build reads the database; the renderers take only the model.

#![expect(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a benchmark stops at the first failure"
)]

use std::time::{Duration, Instant};

use versnelling::config::SettingsBuilder;
use versnelling::db::writer::{self, Writer};
use versnelling::reports::build::{self, Moment};
use versnelling::reports::{self, Format};
use versnelling::{db, seed, startup};

/// Peak resident set size of this process since the last reset, in MiB (Linux: VmHWM).
fn peak_rss_mib() -> f64 {
    status_mib("VmHWM:")
}

/// A memory figure of /proc/self/status, in MiB.
fn status_mib(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map(|kib| kib / 1024.0)
        .unwrap_or(f64::NAN)
}

/// Resets the peak (Linux 4.0+: writing 5 to clear_refs), so the next reading is the peak of
/// the step that follows, from the memory in use now.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[expect(
    clippy::too_many_lines,
    reason = "one benchmark run, step by step, as its output reads"
)]
fn main() {
    versnelling::init_process();
    let mut runs = 5;
    let mut scale = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--scale" {
            let n = args.next().expect("--scale N");
            scale = Some(n.parse::<u32>().expect("--scale takes a number"));
        } else {
            runs = arg.parse::<usize>().expect("RUNS is a number").max(1);
        }
    }
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut builder = SettingsBuilder::new().unwrap();
    builder
        .set(
            &["database".into(), "url".into()],
            &format!("sqlite://{}", dir.path().join("bench.db").display()),
            "bench",
        )
        .unwrap();
    builder
        .set(
            &["data".into(), "dir".into()],
            &dir.path().to_string_lossy(),
            "bench",
        )
        .unwrap();
    let settings = builder.build().unwrap();
    let pool = startup::open_database(&settings).expect("database");
    // Seeding writes, through the one write path; the report build after it only reads.
    let programme = Writer::direct(pool.clone())
        .write_blocking(|conn| match scale {
            None => {
                seed::demo::seed_demo(conn, &mut |_| {})?;
                Ok("the demo".to_string())
            }
            Some(n) => {
                let config = seed::scale::ScaleConfig::for_scale(n);
                let summary = seed::scale::seed_scale(conn, &config, &mut |_, _| {})?;
                Ok(format!(
                    "scale {n} ({} areas, {} actions, {} progress updates, {} indicators)",
                    summary.areas, summary.actions, summary.progress_updates, summary.indicators
                ))
            }
        })
        .expect("seeded programme");
    let mut conn = pool.get().expect("connection");
    writer::reading(&mut conn).expect("a connection marked for reading");
    let rss_seeded = peak_rss_mib();
    println!("runs: {runs}; peak RSS after seeding {programme}: {rss_seeded:.1} MiB");

    let moment = Moment::for_period(
        chrono::NaiveDate::from_ymd_opt(2021, 3, 31).unwrap(),
        db::now(),
    );
    let mut model = None;
    let mut times = Vec::new();
    reset_peak();
    for _ in 0..runs {
        let started = Instant::now();
        model = Some(build::build(&mut conn, "voorjaar-2021", moment).expect("model"));
        times.push(started.elapsed());
    }
    let model = model.unwrap();
    let reference = median(times);
    let (snapshot, _) = reports::snapshot(&model).unwrap();
    println!("| step | median ms | × snapshot | bytes | peak RSS MiB |\n|---|---:|---:|---:|---:|");
    println!(
        "| snapshot (build the model from the database) | {:.1} | 1.00 | {} | {:.1} |",
        reference.as_secs_f64() * 1000.0,
        snapshot.len(),
        peak_rss_mib()
    );
    let mut total = reference;
    let in_use = status_mib("VmRSS:");
    for format in Format::ALL {
        reset_peak();
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..runs {
            let started = Instant::now();
            let bytes = reports::render(&model, format).expect("render");
            times.push(started.elapsed());
            size = bytes.len();
        }
        let time = median(times);
        total += time;
        println!(
            "| {format} | {:.1} | {:.2} | {size} | {:.1} |",
            time.as_secs_f64() * 1000.0,
            time.as_secs_f64() / reference.as_secs_f64(),
            peak_rss_mib()
        );
    }
    println!(
        "| all formats and the snapshot | {:.1} | {:.2} | | |",
        total.as_secs_f64() * 1000.0,
        total.as_secs_f64() / reference.as_secs_f64(),
    );
    println!("resident before the renders (demo seeded, model built): {in_use:.1} MiB");
}
