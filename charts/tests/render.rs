//! Renders every chart through the public API and checks what a reader would see: the labels
//! and shapes in the SVG, the pixel size of the PNG, errors for impossible requests and the
//! "no data" chart for empty selections.
#![expect(
    clippy::expect_used,
    reason = "test helpers fail loudly; clippy.toml already allows it inside #[test] functions"
)]

use chrono::NaiveDate;
use versnelling_charts::{
    AreaCounts, AreaMap, AreaThemeMatrix, AreasStatus, ChartError, DatedValue, Format,
    IndicatorTrend, Lang, MapArea, MatrixRow, Milestone, MilestonesBurnup, MinistryCounts,
    MinistryStatus, Size, Status, StatusCounts, demo,
};

type Renderer = Box<dyn Fn(Format, Size, Lang) -> Result<Vec<u8>, ChartError> + Send + Sync>;

const NL: Lang = Lang::Nl;

/// Every chart with the demo data, by name.
fn demo_charts() -> Vec<(&'static str, Renderer)> {
    vec![
        (
            "areas_status",
            Box::new(|f, s, l| versnelling_charts::areas_status(&demo::areas_status(), f, s, l)),
        ),
        (
            "area_theme_matrix",
            Box::new(|f, s, l| {
                versnelling_charts::area_theme_matrix(&demo::area_theme_matrix(), f, s, l)
            }),
        ),
        (
            "milestones_burnup",
            Box::new(|f, s, l| {
                versnelling_charts::milestones_burnup(&demo::milestones_burnup(), f, s, l)
            }),
        ),
        (
            "ministry_status",
            Box::new(|f, s, l| {
                versnelling_charts::ministry_status(&demo::ministry_status(), f, s, l)
            }),
        ),
        (
            "indicator_trend",
            Box::new(|f, s, l| {
                versnelling_charts::indicator_trend(&demo::indicator_trend(), f, s, l)
            }),
        ),
        (
            "map",
            Box::new(|f, s, l| versnelling_charts::map(&demo::map(), f, s, l)),
        ),
    ]
}

/// Every chart with empty data, by name.
fn empty_charts() -> Vec<(&'static str, Renderer)> {
    let cutoff = date(2021, 3, 1);
    vec![
        (
            "areas_status",
            Box::new(|f, s, l| versnelling_charts::areas_status(&AreasStatus::default(), f, s, l)),
        ),
        (
            "area_theme_matrix",
            Box::new(|f, s, l| {
                versnelling_charts::area_theme_matrix(&AreaThemeMatrix::default(), f, s, l)
            }),
        ),
        (
            "milestones_burnup",
            Box::new(move |f, s, l| {
                let data = MilestonesBurnup {
                    title: None,
                    cutoff,
                    milestones: Vec::new(),
                };
                versnelling_charts::milestones_burnup(&data, f, s, l)
            }),
        ),
        (
            "ministry_status",
            Box::new(|f, s, l| {
                versnelling_charts::ministry_status(&MinistryStatus::default(), f, s, l)
            }),
        ),
        (
            "indicator_trend",
            Box::new(|f, s, l| {
                versnelling_charts::indicator_trend(&IndicatorTrend::default(), f, s, l)
            }),
        ),
        (
            "map",
            Box::new(|f, s, l| versnelling_charts::map(&AreaMap::default(), f, s, l)),
        ),
    ]
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid test date")
}

fn svg_of(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).expect("SVG output is UTF-8")
}

/// The text content of every `<text>` element, trimmed, in document order.
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|chunk| {
            let content = chunk.split_once('>')?.1;
            let content = content.split_once("</text>")?.0;
            Some(content.trim().to_string())
        })
        .collect()
}

fn count(svg: &str, needle: &str) -> usize {
    svg.matches(needle).count()
}

fn png_dimensions(bytes: &[u8]) -> (u32, u32) {
    let image = image::load_from_memory_with_format(bytes, image::ImageFormat::Png)
        .expect("PNG output decodes");
    (image.width(), image.height())
}

fn counts(on_track: u32, at_risk: u32, off_track: u32) -> StatusCounts {
    StatusCounts {
        on_track,
        at_risk,
        off_track,
        ..StatusCounts::default()
    }
}

#[test]
fn areas_status_svg_names_every_area_and_every_status_in_the_legend() {
    let svg = svg_of(
        versnelling_charts::areas_status(&demo::areas_status(), Format::Svg, Size::DEFAULT, NL)
            .expect("renders"),
    );
    let texts = svg_texts(&svg);
    for (area, _, _) in demo::AREAS {
        assert!(texts.iter().any(|text| text == area), "missing area {area}");
    }
    for status in Status::DISPLAY_ORDER {
        assert!(
            texts.iter().any(|text| text == status.legend(NL)),
            "missing legend {}",
            status.legend(NL)
        );
    }
    assert!(
        texts
            .iter()
            .any(|text| text == "Voortgang versnellingsacties per gebied")
    );
    assert!(texts.iter().any(|text| text == "Aantal versnellingsacties"));
    // A bar segment per non-zero count, plus six legend swatches.
    let segments: usize = demo::areas_status()
        .areas
        .iter()
        .map(|area| {
            Status::DISPLAY_ORDER
                .iter()
                .filter(|status| area.counts.get(**status) > 0)
                .count()
        })
        .sum();
    assert!(count(&svg, "<rect") >= segments + 6);
}

#[test]
fn area_and_theme_names_with_diacritics_come_out_unchanged() {
    let data = AreaThemeMatrix {
        title: None,
        themes: vec![
            "Coördinatie".to_string(),
            "Schuldenproblematiek".to_string(),
        ],
        rows: vec![MatrixRow {
            area: "Leeuwarden-Oost (Fryslân)".to_string(),
            cells: vec![Some(Status::OnTrack), None],
        }],
    };
    let svg = svg_of(
        versnelling_charts::area_theme_matrix(&data, Format::Svg, Size::DEFAULT, NL)
            .expect("renders"),
    );
    let texts = svg_texts(&svg);
    assert!(texts.iter().any(|text| text == "Coördinatie"), "{texts:?}");
    assert!(texts.iter().any(|text| text == "Leeuwarden-Oost (Fryslân)"));
    let png = versnelling_charts::area_theme_matrix(&data, Format::Png, Size::DEFAULT, NL)
        .expect("renders");
    assert_eq!(png_dimensions(&png), (1000, 650));
}

#[test]
fn area_theme_matrix_cells_carry_the_status_word_and_empty_cells_a_dash() {
    let data = demo::area_theme_matrix();
    let svg = svg_of(
        versnelling_charts::area_theme_matrix(&data, Format::Svg, Size::DEFAULT, NL)
            .expect("renders"),
    );
    let texts = svg_texts(&svg);
    for theme in demo::THEMES {
        // Headers may wrap onto several lines: every word must be there.
        for word in theme.split_whitespace() {
            assert!(
                texts
                    .iter()
                    .any(|text| text.split_whitespace().any(|w| w == word)),
                "missing header word {word}"
            );
        }
    }
    let cells: Vec<Option<Status>> = data.rows.iter().flat_map(|row| row.cells.clone()).collect();
    for status in Status::DISPLAY_ORDER {
        let in_data = cells.iter().filter(|cell| **cell == Some(status)).count();
        let in_svg = texts
            .iter()
            .filter(|text| *text == status.label(NL))
            .count();
        // Where the legend text is the bare word ("afgerond"), the legend adds one.
        let in_legend = usize::from(status.legend(NL) == status.label(NL));
        assert_eq!(
            in_svg,
            in_data + in_legend,
            "cells labelled {}",
            status.label(NL)
        );
    }
    let empty = cells.iter().filter(|cell| cell.is_none()).count();
    // The dash appears in each empty cell and once in the legend swatch.
    assert_eq!(texts.iter().filter(|text| *text == "–").count(), empty + 1);
    assert!(texts.iter().any(|text| text == "geen actie in dit thema"));
    assert!(count(&svg, "<rect") >= cells.len());
}

#[test]
fn narrow_matrix_cells_fall_back_to_the_status_letter() {
    let themes: Vec<String> = (1..=12).map(|index| format!("Thema {index}")).collect();
    let data = AreaThemeMatrix {
        title: None,
        themes,
        rows: vec![MatrixRow {
            area: "Rotterdam-Zuid".to_string(),
            cells: vec![Some(Status::NotStarted); 12],
        }],
    };
    let svg = svg_of(
        versnelling_charts::area_theme_matrix(
            &data,
            Format::Svg,
            Size::new(500, 300).expect("ok"),
            NL,
        )
        .expect("renders"),
    );
    let texts = svg_texts(&svg);
    // 12 cells plus the legend swatch.
    assert_eq!(
        texts.iter().filter(|text| *text == "N").count(),
        13,
        "{texts:?}"
    );
    // Only the legend spells the word out.
    assert_eq!(
        texts.iter().filter(|text| *text == "niet gestart").count(),
        1
    );
}

#[test]
fn milestones_burnup_svg_marks_the_cutoff_with_a_labelled_line() {
    let data = MilestonesBurnup {
        title: None,
        cutoff: date(2021, 3, 1),
        milestones: vec![
            Milestone {
                planned: date(2020, 11, 1),
                original_planned: None,
                done: Some(date(2020, 11, 20)),
            },
            Milestone {
                planned: date(2021, 2, 1),
                original_planned: Some(date(2020, 12, 1)),
                done: None,
            },
            Milestone {
                planned: date(2021, 6, 1),
                original_planned: None,
                // After the cut-off: the report cannot know it yet.
                done: Some(date(2021, 5, 1)),
            },
        ],
    };
    let svg = svg_of(
        versnelling_charts::milestones_burnup(&data, Format::Svg, Size::DEFAULT, NL)
            .expect("renders"),
    );
    let texts = svg_texts(&svg);
    for expected in [
        "peildatum 1 mrt 2021",
        "gepland (huidige planning)",
        "oorspronkelijk gepland",
        "gerealiseerd",
        "peildatum",
        "Aantal mijlpalen (cumulatief)",
        "Peildatum 1 mrt 2021: 1 van 3 mijlpalen gerealiseerd, 2 gepland (1 achter op planning); oorspronkelijk 2 gepland",
    ] {
        assert!(
            texts.iter().any(|text| text == expected),
            "missing {expected}: {texts:?}"
        );
    }
    assert!(count(&svg, "<polyline") >= 3);
    assert!(
        texts.iter().any(|text| text.ends_with("2021")),
        "date ticks"
    );
}

#[test]
fn ministry_status_svg_names_every_ministry_under_its_bar() {
    let svg = svg_of(
        versnelling_charts::ministry_status(
            &demo::ministry_status(),
            Format::Svg,
            Size::DEFAULT,
            NL,
        )
        .expect("renders"),
    );
    let texts = svg_texts(&svg);
    for ministry in demo::MINISTRIES {
        assert!(
            texts.iter().any(|text| text == ministry),
            "missing {ministry}"
        );
    }
    for status in Status::DISPLAY_ORDER {
        assert!(texts.iter().any(|text| text == status.legend(NL)));
    }
    assert!(count(&svg, "<rect") > demo::MINISTRIES.len());
}

#[test]
fn long_ministry_names_wrap_instead_of_overlapping() {
    let names = [
        "Binnenlandse Zaken en Koninkrijksrelaties",
        "Sociale Zaken en Werkgelegenheid",
        "Onderwijs, Cultuur en Wetenschap",
        "Volksgezondheid, Welzijn en Sport",
        "Justitie en Veiligheid",
    ];
    let data = MinistryStatus {
        title: None,
        ministries: names
            .iter()
            .map(|name| MinistryCounts {
                ministry: (*name).to_string(),
                counts: counts(3, 1, 1),
            })
            .collect(),
    };
    let svg = svg_of(
        versnelling_charts::ministry_status(&data, Format::Svg, Size::DEFAULT, NL)
            .expect("renders"),
    );
    let texts = svg_texts(&svg);
    assert!(
        !texts
            .iter()
            .any(|text| text == "Sociale Zaken en Werkgelegenheid")
    );
    assert!(texts.iter().any(|text| text.starts_with("Sociale")));
}

#[test]
fn indicator_trend_svg_labels_baseline_target_and_target_date() {
    let svg = svg_of(
        versnelling_charts::indicator_trend(
            &demo::indicator_trend(),
            Format::Svg,
            Size::DEFAULT,
            NL,
        )
        .expect("renders"),
    );
    let texts = svg_texts(&svg);
    for expected in [
        "Jongeren zonder startkwalificatie",
        "nulmeting: 15,0 %",
        "doel: 11,0 %",
        "doeldatum 31 dec 2022",
        "gemeten waarde",
        "nulmeting",
        "doel en doeldatum",
        "12,2 %",
    ] {
        assert!(
            texts.iter().any(|text| text == expected),
            "missing {expected}: {texts:?}"
        );
    }
    let values = demo::indicator_trend().values.len();
    // One circle per value and one in the legend.
    assert!(count(&svg, "<circle") > values);
    assert!(count(&svg, "<polyline") >= 1);
    assert!(count(&svg, "<polygon") >= 1, "target marker");
}

#[test]
fn indicator_trend_without_baseline_or_target_still_has_a_legend() {
    let data = IndicatorTrend {
        title: Some("Huishoudens met problematische schulden".to_string()),
        indicator: "Huishoudens".to_string(),
        unit: None,
        values: vec![
            DatedValue {
                date: date(2021, 1, 1),
                value: 1200.0,
            },
            DatedValue {
                date: date(2021, 4, 1),
                value: 1100.0,
            },
        ],
        baseline: None,
        target: None,
    };
    let svg = svg_of(
        versnelling_charts::indicator_trend(&data, Format::Svg, Size::DEFAULT, NL)
            .expect("renders"),
    );
    let texts = svg_texts(&svg);
    assert!(
        texts
            .iter()
            .any(|text| text == "Huishoudens met problematische schulden")
    );
    assert!(texts.iter().any(|text| text == "gemeten waarde"));
    assert!(
        texts.iter().any(|text| text == "1.100"),
        "Dutch thousands: {texts:?}"
    );
    assert!(!texts.iter().any(|text| text == "nulmeting"));
}

#[test]
fn map_svg_shows_every_area_as_a_labelled_dot_on_an_outline() {
    let svg = svg_of(
        versnelling_charts::map(&demo::map(), Format::Svg, Size::DEFAULT, NL).expect("renders"),
    );
    let texts = svg_texts(&svg);
    for (area, _, _) in demo::AREAS {
        assert!(texts.iter().any(|text| text == area), "missing {area}");
    }
    // Each dot is a filled circle plus a ring; so is each legend entry.
    assert!(count(&svg, "<circle") >= 2 * demo::AREAS.len());
    assert!(count(&svg, "<polygon") >= 1, "country outline");
    assert!(texts.iter().any(|text| text == "nog geen acties"));
}

#[test]
fn map_places_areas_by_latitude_and_longitude() {
    let area = |name: &str, lat, lon| MapArea {
        name: name.to_string(),
        lat,
        lon,
        status: Some(Status::OnTrack),
    };
    let data = AreaMap {
        title: None,
        areas: vec![
            area("Groningen Noord", 53.235, 6.565),
            area("Heerlen Noord", 50.905, 5.960),
            area("Den Haag Zuidwest", 52.045, 4.265),
        ],
    };
    let svg =
        svg_of(versnelling_charts::map(&data, Format::Svg, Size::DEFAULT, NL).expect("renders"));
    // The dots are the circles with a dark ring, drawn in input order after the legend's.
    let centres: Vec<(f64, f64)> = svg
        .split("<circle")
        .skip(1)
        .filter(|chunk| chunk.contains("fill=\"none\""))
        .filter_map(|chunk| {
            let attribute = |name: &str| -> Option<f64> {
                let rest = chunk.split_once(&format!("{name}=\""))?.1;
                rest.split_once('"')?.0.parse().ok()
            };
            Some((attribute("cx")?, attribute("cy")?))
        })
        .collect();
    let dots = &centres[centres.len() - 3..];
    let (groningen, heerlen, den_haag) = (dots[0], dots[1], dots[2]);
    assert!(
        groningen.1 < den_haag.1 && den_haag.1 < heerlen.1,
        "north is up"
    );
    assert!(
        den_haag.0 < heerlen.0 && heerlen.0 < groningen.0,
        "east is right"
    );
    // Equirectangular corrected by cos(latitude): from Den Haag to Groningen is about 1.7
    // degrees of longitude but only about 1.05 "degrees" of width.
    let width = groningen.0 - den_haag.0;
    let height = den_haag.1 - groningen.1;
    let ratio = width / height;
    assert!((1.0..1.3).contains(&ratio), "width/height {ratio}");
}

#[test]
fn png_output_has_exactly_the_requested_width_and_height() {
    for size in [
        Size::DEFAULT,
        Size::new(200, 150).expect("ok"),
        Size::new(777, 1234).expect("ok"),
    ] {
        for (name, render) in demo_charts() {
            let png =
                render(Format::Png, size, NL).unwrap_or_else(|error| panic!("{name}: {error}"));
            assert_eq!(png_dimensions(&png), (size.width, size.height), "{name}");
        }
    }
}

#[test]
fn every_chart_renders_at_the_extreme_sizes_and_aspect_ratios() {
    let largest = Size::new(4000, 4000).expect("ok");
    for (name, render) in demo_charts() {
        let svg =
            svg_of(render(Format::Svg, largest, NL).unwrap_or_else(|e| panic!("{name}: {e}")));
        assert!(
            svg.starts_with("<svg width=\"4000\" height=\"4000\""),
            "{name}"
        );
        // Full 4000 × 4000 PNGs are slow in debug builds; the extreme strips cover the same
        // layout code paths.
        for (width, height) in [(4000, 150), (200, 4000)] {
            let size = Size::new(width, height).expect("ok");
            let png = render(Format::Png, size, NL).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(png_dimensions(&png), (width, height), "{name}");
        }
    }
}

#[test]
fn png_text_is_drawn_with_the_bundled_font_without_system_fonts() {
    // The crate is built without plotters' `ttf` feature, so there is no code path to
    // fontconfig or system fonts at all; this shows text still reaches the pixels.
    let png =
        versnelling_charts::areas_status(&AreasStatus::default(), Format::Png, Size::DEFAULT, NL)
            .expect("renders");
    let image = image::load_from_memory_with_format(&png, image::ImageFormat::Png)
        .expect("decodes")
        .to_rgb8();
    // The bold title sits in the top band, the "no data" sentence around the middle.
    let dark_pixels = |rows: std::ops::Range<u32>| {
        rows.flat_map(|y| (0..image.width()).map(move |x| (x, y)))
            .filter(|(x, y)| {
                image
                    .get_pixel(*x, *y)
                    .0
                    .iter()
                    .all(|channel| *channel < 100)
            })
            .count()
    };
    assert!(dark_pixels(10..45) > 500, "title pixels");
    assert!(dark_pixels(300..380) > 300, "message pixels");
}

#[test]
fn the_same_input_gives_identical_bytes() {
    for (name, render) in demo_charts() {
        for format in [Format::Svg, Format::Png] {
            let first = render(format, Size::DEFAULT, NL).expect("renders");
            let second = render(format, Size::DEFAULT, NL).expect("renders");
            assert!(first == second, "{name} {format:?} differs between runs");
        }
    }
}

#[test]
fn rendering_from_several_threads_gives_the_same_bytes() {
    let reference =
        versnelling_charts::map(&demo::map(), Format::Png, Size::DEFAULT, NL).expect("renders");
    let handles: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(|| {
                versnelling_charts::map(&demo::map(), Format::Png, Size::DEFAULT, NL)
                    .expect("renders")
            })
        })
        .collect();
    for handle in handles {
        assert!(handle.join().expect("thread finishes") == reference);
    }
}

#[test]
fn absurd_sizes_are_rejected_with_an_error() {
    let absurd = [
        (0, 0),
        (199, 150),
        (200, 149),
        (4001, 1000),
        (1000, 4001),
        (u32::MAX, u32::MAX),
    ];
    for (width, height) in absurd {
        assert_eq!(
            Size::new(width, height),
            Err(ChartError::InvalidSize { width, height })
        );
        let size = Size { width, height };
        for (name, render) in demo_charts().into_iter().chain(empty_charts()) {
            for format in [Format::Svg, Format::Png] {
                assert_eq!(
                    render(format, size, NL),
                    Err(ChartError::InvalidSize { width, height }),
                    "{name} {format:?} {width}×{height}"
                );
            }
        }
    }
    let message = ChartError::InvalidSize {
        width: 0,
        height: 0,
    }
    .to_string();
    assert!(message.contains("200..=4000"), "{message}");
}

#[test]
fn empty_data_renders_a_chart_that_says_there_is_no_data() {
    for (name, render) in empty_charts() {
        let svg = svg_of(render(Format::Svg, Size::DEFAULT, NL).expect("renders"));
        assert!(
            svg_texts(&svg)
                .iter()
                .any(|text| text == NL.words().no_data),
            "{name}"
        );
        let png = render(Format::Png, Size::DEFAULT, NL).expect("renders");
        assert_eq!(png_dimensions(&png), (1000, 650), "{name}");
    }
}

#[test]
fn areas_whose_counts_are_all_zero_count_as_no_data() {
    let data = AreasStatus {
        title: None,
        areas: vec![AreaCounts {
            area: "Breda Noord".to_string(),
            counts: StatusCounts::default(),
        }],
    };
    let svg = svg_of(
        versnelling_charts::areas_status(&data, Format::Svg, Size::DEFAULT, NL).expect("renders"),
    );
    assert!(
        svg_texts(&svg)
            .iter()
            .any(|text| text == NL.words().no_data)
    );
}

#[test]
fn a_matrix_row_with_more_cells_than_themes_is_invalid_data() {
    let data = AreaThemeMatrix {
        title: None,
        themes: vec!["Schuldenproblematiek".to_string()],
        rows: vec![MatrixRow {
            area: "Heerlen Noord".to_string(),
            cells: vec![Some(Status::OnTrack), Some(Status::AtRisk)],
        }],
    };
    let result = versnelling_charts::area_theme_matrix(&data, Format::Svg, Size::DEFAULT, NL);
    assert!(
        matches!(result, Err(ChartError::InvalidData(_))),
        "{result:?}"
    );
}

#[test]
fn a_matrix_row_with_fewer_cells_than_themes_is_padded_with_empty_cells() {
    let data = AreaThemeMatrix {
        title: None,
        themes: vec![
            "Schuldenproblematiek".to_string(),
            "Onderwijsachterstanden".to_string(),
        ],
        rows: vec![MatrixRow {
            area: "Heerlen Noord".to_string(),
            cells: vec![Some(Status::OffTrack)],
        }],
    };
    let svg = svg_of(
        versnelling_charts::area_theme_matrix(&data, Format::Svg, Size::DEFAULT, NL)
            .expect("renders"),
    );
    let texts = svg_texts(&svg);
    assert!(texts.iter().any(|text| text == "rood"));
    assert_eq!(
        texts.iter().filter(|text| *text == "–").count(),
        2,
        "cell and legend"
    );
}

#[test]
fn non_finite_indicator_values_are_invalid_data() {
    let mut data = demo::indicator_trend();
    data.values[0].value = f64::NAN;
    let result = versnelling_charts::indicator_trend(&data, Format::Png, Size::DEFAULT, NL);
    assert!(
        matches!(result, Err(ChartError::InvalidData(_))),
        "{result:?}"
    );
    let mut data = demo::indicator_trend();
    data.target = Some(DatedValue {
        date: date(2022, 1, 1),
        value: f64::INFINITY,
    });
    let result = versnelling_charts::indicator_trend(&data, Format::Svg, Size::DEFAULT, NL);
    assert!(
        matches!(result, Err(ChartError::InvalidData(_))),
        "{result:?}"
    );
}

#[test]
fn map_coordinates_off_the_globe_are_invalid_data() {
    let mut data = demo::map();
    data.areas[3].lat = 123.0;
    let result = versnelling_charts::map(&data, Format::Svg, Size::DEFAULT, NL);
    assert!(
        matches!(result, Err(ChartError::InvalidData(_))),
        "{result:?}"
    );
}

#[test]
fn wild_but_valid_values_render_without_panicking_or_hanging() {
    let trend = IndicatorTrend {
        title: None,
        indicator: String::new(),
        unit: Some("€".to_string()),
        values: vec![
            DatedValue {
                date: NaiveDate::MIN,
                value: -1e300,
            },
            DatedValue {
                date: NaiveDate::MAX,
                value: 1e300,
            },
        ],
        baseline: Some(DatedValue {
            date: date(2020, 1, 1),
            value: f64::MAX,
        }),
        target: Some(DatedValue {
            date: date(2020, 1, 1),
            value: f64::MIN,
        }),
    };
    let burnup = MilestonesBurnup {
        title: None,
        cutoff: NaiveDate::MAX,
        milestones: vec![Milestone {
            planned: NaiveDate::MIN,
            original_planned: Some(NaiveDate::MAX),
            done: Some(NaiveDate::MIN),
        }],
    };
    let corners = AreaMap {
        title: None,
        areas: [(-90.0, -180.0), (90.0, 180.0), (52.0, 5.0), (52.0, 5.0)]
            .iter()
            .map(|(lat, lon)| MapArea {
                name: format!("{lat}, {lon}"),
                lat: *lat,
                lon: *lon,
                status: None,
            })
            .collect(),
    };
    let single_day = IndicatorTrend {
        values: vec![DatedValue {
            date: date(2021, 5, 1),
            value: 0.0,
        }],
        ..IndicatorTrend::default()
    };
    let huge_counts = AreasStatus {
        title: None,
        areas: vec![AreaCounts {
            area: "Overal".to_string(),
            counts: StatusCounts {
                not_started: u32::MAX,
                on_track: u32::MAX,
                at_risk: u32::MAX,
                off_track: u32::MAX,
                completed: u32::MAX,
                discontinued: u32::MAX,
            },
        }],
    };
    let many_rows = AreaThemeMatrix {
        title: None,
        themes: demo::THEMES
            .iter()
            .map(|theme| (*theme).to_string())
            .collect(),
        rows: (0..500)
            .map(|index| MatrixRow {
                area: format!("Gebied {index}"),
                cells: vec![Some(Status::AtRisk); 5],
            })
            .collect(),
    };
    for format in [Format::Svg, Format::Png] {
        versnelling_charts::areas_status(&huge_counts, format, Size::DEFAULT, NL).expect("renders");
        versnelling_charts::area_theme_matrix(&many_rows, format, Size::DEFAULT, NL)
            .expect("renders");
        versnelling_charts::indicator_trend(&trend, format, Size::DEFAULT, NL).expect("renders");
        versnelling_charts::indicator_trend(&single_day, format, Size::DEFAULT, NL)
            .expect("renders");
        versnelling_charts::milestones_burnup(&burnup, format, Size::DEFAULT, NL).expect("renders");
        versnelling_charts::map(&corners, format, Size::DEFAULT, NL).expect("renders");
    }
}

#[test]
fn custom_titles_replace_the_dutch_defaults() {
    let mut data = demo::areas_status();
    data.title = Some("Voortgangsoverzicht voorjaar 2021".to_string());
    let svg = svg_of(
        versnelling_charts::areas_status(&data, Format::Svg, Size::DEFAULT, NL).expect("renders"),
    );
    let texts = svg_texts(&svg);
    assert!(
        texts
            .iter()
            .any(|text| text == "Voortgangsoverzicht voorjaar 2021")
    );
    assert!(
        !texts
            .iter()
            .any(|text| text == NL.words().areas_status_title)
    );
}

#[test]
fn markup_in_names_is_escaped_in_svg() {
    let data = AreasStatus {
        title: Some("<b>Titel</b> & meer".to_string()),
        areas: vec![AreaCounts {
            area: "<script>alert(1)</script>".to_string(),
            counts: counts(1, 0, 0),
        }],
    };
    let svg = svg_of(
        versnelling_charts::areas_status(&data, Format::Svg, Size::DEFAULT, NL).expect("renders"),
    );
    assert!(!svg.contains("<script>"));
    assert!(!svg.contains("<b>"));
    assert!(svg.contains("&lt;script&gt;"));
    assert!(svg.contains("&amp; meer"));
}

#[test]
fn very_long_names_wrap_onto_two_lines_and_are_shortened_with_an_ellipsis() {
    let long = "Gebied met een uitzonderlijk lange naam die nooit in de kolom past ".repeat(3);
    let data = AreasStatus {
        title: None,
        areas: vec![AreaCounts {
            area: long.clone(),
            counts: counts(2, 1, 1),
        }],
    };
    let svg = svg_of(
        versnelling_charts::areas_status(&data, Format::Svg, Size::DEFAULT, NL).expect("renders"),
    );
    let texts = svg_texts(&svg);
    assert!(!texts.iter().any(|text| text == long.trim()));
    let first = texts
        .iter()
        .position(|text| text.starts_with("Gebied met"))
        .expect("the name's first line");
    let second = &texts[first + 1];
    assert!(second.ends_with('…'), "{second}");
    assert!(long.contains(second.trim_end_matches('…')), "{second}");
}

#[test]
fn chart_data_round_trips_through_json() {
    let data = demo::area_theme_matrix();
    let json = serde_json::to_string(&data).expect("serialises");
    assert!(
        json.contains("\"on_track\""),
        "statuses are snake_case: {json}"
    );
    let back: AreaThemeMatrix = serde_json::from_str(&json).expect("deserialises");
    assert_eq!(back, data);
    let size: Size = serde_json::from_str(r#"{"width": 800, "height": 600}"#).expect("size");
    assert_eq!(size, Size::new(800, 600).expect("ok"));
    let format: Format = serde_json::from_str(r#""png""#).expect("format");
    assert_eq!(format, Format::Png);
}

#[test]
fn formats_parse_from_their_names_and_know_their_content_type() {
    assert_eq!("SVG".parse::<Format>(), Ok(Format::Svg));
    assert_eq!("png".parse::<Format>(), Ok(Format::Png));
    assert!("gif".parse::<Format>().is_err());
    assert_eq!(Format::Svg.content_type(), "image/svg+xml");
    assert_eq!(Format::Png.content_type(), "image/png");
}

/// The heights the pages ask for with `width=300`, per chart (the demo data: 16 areas, five
/// themes and ministries).
const NARROW_HEIGHTS: [(&str, u32); 6] = [
    ("areas_status", 840),
    ("area_theme_matrix", 960),
    ("milestones_burnup", 460),
    ("ministry_status", 460),
    ("indicator_trend", 460),
    ("map", 960),
];

fn narrow_size(name: &str) -> Size {
    let height = NARROW_HEIGHTS
        .iter()
        .find(|(chart, _)| *chart == name)
        .map_or(600, |(_, height)| *height);
    Size::new(300, height).expect("a valid narrow size")
}

/// Charts with data that stretch the layouts: long names, many themes, a lone area.
fn edge_charts() -> Vec<(&'static str, Renderer)> {
    let long_area =
        "Gebied met een uitzonderlijk lange naam die nooit in de kolom past".to_string();
    let long_ministries = MinistryStatus {
        title: Some(
            "Een titel die zo lang is dat hij op geen enkele regel past, hoe breed ook".into(),
        ),
        ministries: [
            "Binnenlandse Zaken en Koninkrijksrelaties",
            "Sociale Zaken en Werkgelegenheid",
            "Onderwijs, Cultuur en Wetenschap",
        ]
        .iter()
        .map(|name| MinistryCounts {
            ministry: (*name).to_string(),
            counts: counts(3, 1, 1),
        })
        .collect(),
    };
    let areas = AreasStatus {
        title: None,
        areas: vec![AreaCounts {
            area: long_area.clone(),
            counts: counts(2, 1, 1),
        }],
    };
    let many_themes = AreaThemeMatrix {
        title: None,
        themes: (1..=12)
            .map(|index| format!("Thema nummer {index}"))
            .collect(),
        rows: vec![MatrixRow {
            area: long_area.clone(),
            cells: vec![Some(Status::AtRisk); 12],
        }],
    };
    let lone_area = AreaMap {
        title: None,
        areas: vec![MapArea {
            name: long_area,
            lat: 52.0,
            lon: 5.0,
            status: Some(Status::OffTrack),
        }],
    };
    let bare_trend = IndicatorTrend {
        title: None,
        indicator: "Huishoudens met problematische schulden in het gebied".into(),
        unit: Some("huishoudens".into()),
        values: vec![DatedValue {
            date: date(2021, 1, 1),
            value: 1200.0,
        }],
        baseline: None,
        target: None,
    };
    vec![
        (
            "ministry_status",
            Box::new(move |f, s, l| versnelling_charts::ministry_status(&long_ministries, f, s, l)),
        ),
        (
            "areas_status",
            Box::new(move |f, s, l| versnelling_charts::areas_status(&areas, f, s, l)),
        ),
        (
            "area_theme_matrix",
            Box::new(move |f, s, l| versnelling_charts::area_theme_matrix(&many_themes, f, s, l)),
        ),
        (
            "map",
            Box::new(move |f, s, l| versnelling_charts::map(&lone_area, f, s, l)),
        ),
        (
            "indicator_trend",
            Box::new(move |f, s, l| versnelling_charts::indicator_trend(&bare_trend, f, s, l)),
        ),
    ]
}

/// One `<text>` element: its content and the box it covers, from its attributes and the
/// bundled font's widths.
#[derive(Debug)]
struct TextBox {
    text: String,
    px: f64,
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
}

fn unescape(text: &str) -> String {
    text.replace("&apos;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Every text of an SVG with its box. plotters writes `y` as the top of the em box
/// (`dy="0.76em"` moves the baseline down).
fn svg_text_boxes(svg: &str) -> Vec<TextBox> {
    svg.split("<text")
        .skip(1)
        .map(|chunk| {
            let (attributes, rest) = chunk.split_once('>').expect("a complete text element");
            let attribute = |name: &str| -> Option<String> {
                let value = attributes.split_once(&format!(" {name}=\""))?.1;
                Some(value.split_once('"')?.0.to_string())
            };
            let number = |name: &str| -> f64 {
                attribute(name)
                    .and_then(|value| value.parse().ok())
                    .unwrap_or_else(|| panic!("text without {name}: {attributes}"))
            };
            let text = unescape(rest.split_once("</text>").expect("closed").0.trim());
            let px = number("font-size");
            let bold = attribute("font-weight").is_some_and(|weight| weight == "bold");
            let width = versnelling_charts::text_width(&text, px, bold);
            let x = number("x");
            let left = match attribute("text-anchor").as_deref() {
                Some("middle") => x - width / 2.0,
                Some("end") => x - width,
                _ => x,
            };
            let top = number("y");
            TextBox {
                text,
                px,
                left,
                top,
                right: left + width,
                bottom: top + px,
            }
        })
        .collect()
}

#[test]
fn no_text_is_smaller_than_13_px_in_any_chart_at_any_size() {
    let charts = demo_charts()
        .into_iter()
        .chain(empty_charts())
        .chain(edge_charts());
    for (name, render) in charts {
        let sizes = [
            Size::DEFAULT,
            Size::new(800, 500).expect("ok"),
            narrow_size(name),
            Size::new(300, 400).expect("ok"),
            Size::new(200, 150).expect("ok"),
        ];
        for size in sizes {
            for lang in [Lang::Nl, Lang::En] {
                let svg = svg_of(render(Format::Svg, size, lang).expect("renders"));
                let boxes = svg_text_boxes(&svg);
                assert!(!boxes.is_empty(), "{name} {size:?}");
                for text in boxes {
                    // 13 with room for the float noise of plotters' `size / 1.24`.
                    assert!(
                        text.px >= 13.0 - 1e-9,
                        "{name} {size:?} {lang:?}: {:?} at {} px",
                        text.text,
                        text.px
                    );
                }
            }
        }
    }
}

#[test]
fn at_the_page_sizes_no_text_overlaps_another_or_leaves_the_chart() {
    for (name, render) in demo_charts().into_iter().chain(edge_charts()) {
        for size in [
            narrow_size(name),
            Size::new(800, 500).expect("ok"),
            Size::DEFAULT,
        ] {
            for lang in [Lang::Nl, Lang::En] {
                let svg = svg_of(render(Format::Svg, size, lang).expect("renders"));
                let boxes = svg_text_boxes(&svg);
                let context = format!("{name} {}×{} {lang:?}", size.width, size.height);
                for text in &boxes {
                    assert!(
                        text.left >= 0.0
                            && text.top >= 0.0
                            && text.right <= f64::from(size.width)
                            && text.bottom <= f64::from(size.height),
                        "{context}: {text:?} leaves the chart"
                    );
                }
                for (index, first) in boxes.iter().enumerate() {
                    for second in &boxes[index + 1..] {
                        // A pixel of slack: glyph boxes touch where lines of text follow
                        // each other.
                        let apart = first.right <= second.left + 1.0
                            || second.right <= first.left + 1.0
                            || first.bottom <= second.top + 1.0
                            || second.bottom <= first.top + 1.0;
                        assert!(apart, "{context}: {first:?} overlaps {second:?}");
                    }
                }
            }
        }
    }
}

#[test]
fn english_charts_draw_no_dutch_fixed_text() {
    let dutch = Lang::Nl.words();
    let english = Lang::En.words();
    let dutch_texts = [
        dutch.no_data,
        dutch.areas_status_title,
        dutch.actions_axis,
        dutch.matrix_title,
        dutch.no_action_in_theme,
        dutch.burnup_axis,
        dutch.planned_current,
        dutch.achieved,
        dutch.measured,
        dutch.baseline,
        dutch.map_title,
        dutch.no_actions_yet,
        "gebieden",
        "peildatum",
        "mrt",
        "okt",
    ];
    for (name, render) in demo_charts().into_iter().chain(empty_charts()) {
        let svg = svg_of(render(Format::Svg, Size::DEFAULT, Lang::En).expect("renders"));
        let texts = svg_texts(&svg);
        for word in dutch_texts {
            assert!(
                !texts.iter().any(|text| text.contains(word)),
                "{name}: {word:?} in {texts:?}"
            );
        }
        for status in Status::DISPLAY_ORDER {
            let legend = english.status(status).legend;
            let shown = texts.iter().any(|text| text == legend);
            let has_legend = !matches!(name, "milestones_burnup" | "indicator_trend");
            let has_data = texts.iter().all(|text| text != english.no_data);
            assert_eq!(shown, has_legend && has_data, "{name}: {legend}");
        }
    }
    let trend = svg_of(
        versnelling_charts::indicator_trend(
            &demo::indicator_trend(),
            Format::Svg,
            Size::DEFAULT,
            Lang::En,
        )
        .expect("renders"),
    );
    let texts = svg_texts(&trend);
    for expected in [
        "baseline: 15.0%",
        "target: 11.0%",
        "target date 31 Dec 2022",
        "12.2%",
    ] {
        assert!(
            texts.iter().any(|text| text == expected),
            "{expected}: {texts:?}"
        );
    }
}

#[test]
fn rood_is_hatched_and_oranje_dotted_in_bars_cells_and_legends() {
    let only = |counts: StatusCounts| AreasStatus {
        title: None,
        areas: vec![AreaCounts {
            area: "Rotterdam-Zuid".to_string(),
            counts,
        }],
    };
    let render = |data: &AreasStatus| {
        svg_of(
            versnelling_charts::areas_status(data, Format::Svg, Size::DEFAULT, NL)
                .expect("renders"),
        )
    };
    let groen = render(&only(counts(5, 0, 0)));
    let oranje = render(&only(counts(0, 5, 0)));
    let rood = render(&only(counts(0, 0, 5)));
    // The legend shows every pattern once; a rood bar adds its hatching, an oranje bar its
    // white dots.
    let hatch_lines = |svg: &str| {
        count(
            svg,
            "<polyline fill=\"none\" opacity=\"1\" stroke=\"#000000\"",
        )
    };
    let white_dots = |svg: &str| count(svg, "fill=\"#FFFFFF\" stroke=\"none\"/>");
    assert!(
        hatch_lines(&groen) > 0,
        "the legend's rood swatch is hatched"
    );
    assert!(hatch_lines(&rood) > hatch_lines(&groen) + 10);
    assert!(white_dots(&oranje) > white_dots(&groen) + 20);
    assert!(rood.contains("#B0101C") && oranje.contains("#E47100") && groen.contains("#1E8436"));
}

#[test]
fn a_narrow_map_numbers_its_dots_and_lists_every_area_with_its_status() {
    let data = demo::map();
    let svg = svg_of(
        versnelling_charts::map(&data, Format::Svg, narrow_size("map"), NL).expect("renders"),
    );
    let texts = svg_texts(&svg);
    for (index, area) in data.areas.iter().enumerate() {
        let number = (index + 1).to_string();
        // In its dot and in the list.
        assert_eq!(
            texts.iter().filter(|text| **text == number).count(),
            2,
            "{number}"
        );
        assert!(texts.contains(&area.name), "{}", area.name);
    }
    let wide =
        svg_of(versnelling_charts::map(&data, Format::Svg, Size::DEFAULT, NL).expect("renders"));
    assert!(
        !svg_texts(&wide).iter().any(|text| text == "16"),
        "names, no numbers"
    );
    assert!(
        svg_texts(&wide).join(" ").contains(NL.words().map_note),
        "the legend's note"
    );
}

#[test]
fn narrow_charts_are_the_same_bytes_every_time() {
    for (name, render) in demo_charts() {
        for format in [Format::Svg, Format::Png] {
            let size = narrow_size(name);
            let first = render(format, size, Lang::En).expect("renders");
            let second = render(format, size, Lang::En).expect("renders");
            assert!(first == second, "{name} {format:?} differs between runs");
        }
    }
}
