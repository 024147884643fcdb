//! Times every chart with the demo data: renders each one N times as SVG and as PNG and prints a
//! Markdown table of the mean time per render and the output size.
//!
//! `cargo run --release -p versnelling-charts --example render_timing -- [N] [WIDTH HEIGHT]`
//! (N defaults to 50, the size to 1000 × 650).

use std::time::Instant;

use versnelling_charts::{ChartError, Format, Lang, Size, demo};

type Renderer = Box<dyn Fn(Format, Size) -> Result<Vec<u8>, ChartError>>;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let runs: u32 = args
        .next()
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(50)
        .max(1);
    let width = args.next().map(|w| w.parse()).transpose()?;
    let height = args.next().map(|h| h.parse()).transpose()?;
    let size = Size::new(
        width.unwrap_or(Size::DEFAULT.width),
        height.unwrap_or(Size::DEFAULT.height),
    )?;

    // The data are built once, outside the timed loop: only rendering is measured.
    let areas = demo::areas_status();
    let matrix = demo::area_theme_matrix();
    let burnup = demo::milestones_burnup();
    let ministries = demo::ministry_status();
    let trend = demo::indicator_trend();
    let map = demo::map();
    let charts: [(&str, Renderer); 6] = [
        (
            "areas_status",
            Box::new(move |f, s| versnelling_charts::areas_status(&areas, f, s, Lang::Nl)),
        ),
        (
            "area_theme_matrix",
            Box::new(move |f, s| versnelling_charts::area_theme_matrix(&matrix, f, s, Lang::Nl)),
        ),
        (
            "milestones_burnup",
            Box::new(move |f, s| versnelling_charts::milestones_burnup(&burnup, f, s, Lang::Nl)),
        ),
        (
            "ministry_status",
            Box::new(move |f, s| versnelling_charts::ministry_status(&ministries, f, s, Lang::Nl)),
        ),
        (
            "indicator_trend",
            Box::new(move |f, s| versnelling_charts::indicator_trend(&trend, f, s, Lang::Nl)),
        ),
        (
            "map",
            Box::new(move |f, s| versnelling_charts::map(&map, f, s, Lang::Nl)),
        ),
    ];
    println!(
        "{runs} renders per row at {}×{}, after one warm-up render each\n",
        size.width, size.height
    );
    println!("| chart | format | mean ms | bytes |");
    println!("|---|---|---:|---:|");
    for (name, render) in &charts {
        for format in [Format::Svg, Format::Png] {
            let bytes = render(format, size)?.len();
            let start = Instant::now();
            for _ in 0..runs {
                std::hint::black_box(render(format, size)?);
            }
            let mean_ms = start.elapsed().as_secs_f64() * 1000.0 / f64::from(runs);
            println!(
                "| {name} | {} | {mean_ms:.2} | {bytes} |",
                format.extension()
            );
        }
    }
    Ok(())
}
