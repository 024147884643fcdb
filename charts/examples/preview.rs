//! Writes every chart, filled with the demo data, as PNG and SVG into a folder for a look.
//!
//! `cargo run -p versnelling-charts --example preview -- /tmp/charts-preview [WIDTH HEIGHT [LANG]]`
//! (LANG `nl`, the default, or `en`).

use std::path::PathBuf;

use versnelling_charts::{ChartError, Format, Lang, Size, demo};

type Renderer = fn(Format, Size, Lang) -> Result<Vec<u8>, ChartError>;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let folder = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "/tmp/charts-preview".to_string()),
    );
    let width = args
        .next()
        .map(|w| w.parse())
        .transpose()?
        .unwrap_or(Size::DEFAULT.width);
    let height = args
        .next()
        .map(|h| h.parse())
        .transpose()?
        .unwrap_or(Size::DEFAULT.height);
    let lang: Lang = args
        .next()
        .map(|lang| lang.parse())
        .transpose()?
        .unwrap_or_default();
    let size = Size::new(width, height)?;
    std::fs::create_dir_all(&folder)?;

    let charts: [(&str, Renderer); 6] = [
        ("areas_status", |f, s, l| {
            versnelling_charts::areas_status(&demo::areas_status(), f, s, l)
        }),
        ("area_theme_matrix", |f, s, l| {
            versnelling_charts::area_theme_matrix(&demo::area_theme_matrix(), f, s, l)
        }),
        ("milestones_burnup", |f, s, l| {
            versnelling_charts::milestones_burnup(&demo::milestones_burnup(), f, s, l)
        }),
        ("ministry_status", |f, s, l| {
            versnelling_charts::ministry_status(&demo::ministry_status(), f, s, l)
        }),
        ("indicator_trend", |f, s, l| {
            versnelling_charts::indicator_trend(&demo::indicator_trend(), f, s, l)
        }),
        ("map", |f, s, l| {
            versnelling_charts::map(&demo::map(), f, s, l)
        }),
    ];
    for (name, render) in charts {
        for format in [Format::Png, Format::Svg] {
            let path = folder.join(format!("{name}.{}", format.extension()));
            std::fs::write(&path, render(format, size, lang)?)?;
            println!("{}", path.display());
        }
    }
    Ok(())
}
