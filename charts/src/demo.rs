//! Demonstration data for previews, tests and the timing example: the 16 real areas with their
//! approximate coordinates, the five themes and ministries of the programme, and **made-up**
//! statuses, milestones and indicator values (deterministic, no randomness).

use chrono::{NaiveDate, TimeDelta};

use crate::model::{
    AreaCounts, AreaMap, AreaThemeMatrix, AreasStatus, DatedValue, IndicatorTrend, MapArea,
    MatrixRow, Milestone, MilestonesBurnup, MinistryCounts, MinistryStatus, Status, StatusCounts,
};

/// The 16 urban renewal areas of 2020: name, latitude, longitude (centroids, ±1–2 km).
pub const AREAS: [(&str, f64, f64); 16] = [
    ("Amsterdam Nieuw-West", 52.365, 4.805),
    ("Amsterdam Zuidoost", 52.310, 4.975),
    ("Zaandam Oost", 52.443, 4.845),
    ("Lelystad Oost", 52.510, 5.490),
    ("Utrecht Overvecht", 52.115, 5.110),
    ("Nieuwegein Centrale As", 52.030, 5.085),
    ("Rotterdam-Zuid", 51.885, 4.500),
    ("Schiedam Nieuwland-Oost", 51.920, 4.403),
    ("Den Haag Zuidwest", 52.045, 4.265),
    ("Breda Noord", 51.604, 4.790),
    ("Tilburg Noordwest", 51.575, 5.055),
    ("Eindhoven Woensel-Zuid", 51.455, 5.475),
    ("Heerlen Noord", 50.905, 5.960),
    ("Arnhem Oost", 51.985, 5.935),
    ("Groningen Noord", 53.235, 6.565),
    ("Leeuwarden-Oost", 53.207, 5.830),
];

/// The themes of the actions that started at once (Kamerstuk 34477 nr. 73).
pub const THEMES: [&str; 5] = [
    "Huisvesting kwetsbare groepen",
    "Schuldenproblematiek",
    "Onderwijsachterstanden",
    "Activiteitenaanbod jongeren",
    "Voorkomen werkloosheid",
];

/// The ministries working together in the programme.
pub const MINISTRIES: [&str; 5] = ["BZK", "SZW", "OCW", "VWS", "JenV"];

/// A fixed, well-mixed pseudo-random number from two indices (so demo data vary without
/// randomness).
fn mix(a: usize, b: usize) -> usize {
    let mut value =
        (a as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (b as u64).wrapping_add(0x632b_e59b);
    value ^= value >> 29;
    value = value.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    value ^= value >> 32;
    (value % 1000) as usize
}

/// A status drawn from a realistic mix: mostly groen, some oranje, a few of the others.
fn status_for(a: usize, b: usize) -> Status {
    match mix(a, b) % 20 {
        0..=8 => Status::OnTrack,
        9..=12 => Status::AtRisk,
        13..=14 => Status::OffTrack,
        15..=17 => Status::Completed,
        18 => Status::NotStarted,
        _ => Status::Discontinued,
    }
}

fn counts_for(seed: usize, actions: usize) -> StatusCounts {
    let mut counts = StatusCounts::default();
    for action in 0..actions {
        match status_for(seed, action) {
            Status::NotStarted => counts.not_started += 1,
            Status::OnTrack => counts.on_track += 1,
            Status::AtRisk => counts.at_risk += 1,
            Status::OffTrack => counts.off_track += 1,
            Status::Completed => counts.completed += 1,
            Status::Discontinued => counts.discontinued += 1,
        }
    }
    counts
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}

/// Action counts for all 16 areas.
pub fn areas_status() -> AreasStatus {
    AreasStatus {
        title: None,
        areas: AREAS
            .iter()
            .enumerate()
            .map(|(index, (name, _, _))| AreaCounts {
                area: (*name).to_string(),
                counts: counts_for(index, 6 + mix(index, 99) % 9),
            })
            .collect(),
    }
}

/// Stoplicht per area and theme; some areas have no action in some themes.
pub fn area_theme_matrix() -> AreaThemeMatrix {
    AreaThemeMatrix {
        title: None,
        themes: THEMES.iter().map(|theme| (*theme).to_string()).collect(),
        rows: AREAS
            .iter()
            .enumerate()
            .map(|(row, (name, _, _))| MatrixRow {
                area: (*name).to_string(),
                cells: (0..THEMES.len())
                    .map(|column| {
                        (!mix(row, column + 50).is_multiple_of(9)).then(|| status_for(row, column))
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// 40 milestones from October 2020 to the end of 2022, about a third re-planned, with the
/// cut-off on 30 September 2021.
pub fn milestones_burnup() -> MilestonesBurnup {
    let start = date(2020, 10, 8);
    let cutoff = date(2021, 9, 30);
    let milestones = (0..40)
        .map(|index| {
            let planned_offset = 20 + index as i64 * 20 + (mix(index, 1) % 15) as i64;
            let original = start + TimeDelta::days(planned_offset);
            let replanned = mix(index, 2).is_multiple_of(3);
            let planned = if replanned {
                original + TimeDelta::days(45 + (mix(index, 3) % 60) as i64)
            } else {
                original
            };
            let delay = (mix(index, 4) % 50) as i64 - 10;
            let done_date = planned + TimeDelta::days(delay);
            Milestone {
                planned,
                original_planned: replanned.then_some(original),
                done: (done_date <= cutoff).then_some(done_date),
            }
        })
        .collect();
    MilestonesBurnup {
        title: None,
        cutoff,
        milestones,
    }
}

/// Action counts for the five ministries.
pub fn ministry_status() -> MinistryStatus {
    MinistryStatus {
        title: None,
        ministries: MINISTRIES
            .iter()
            .enumerate()
            .map(|(index, name)| MinistryCounts {
                ministry: (*name).to_string(),
                counts: counts_for(index + 100, 10 + mix(index, 7) % 25),
            })
            .collect(),
    }
}

/// A quarterly indicator with a baseline in 2020 and a target for the end of 2022.
pub fn indicator_trend() -> IndicatorTrend {
    let values = [14.8, 15.3, 14.1, 13.6, 13.9, 12.7, 12.2]
        .iter()
        .enumerate()
        .map(|(quarter, value)| {
            let month = 1 + (quarter as u32 % 4) * 3;
            DatedValue {
                date: date(2020 + quarter as i32 / 4 + 1, month, 1),
                value: *value,
            }
        })
        .collect();
    IndicatorTrend {
        title: None,
        indicator: "Jongeren zonder startkwalificatie".to_string(),
        unit: Some("%".to_string()),
        values,
        baseline: Some(DatedValue {
            date: date(2020, 10, 1),
            value: 15.0,
        }),
        target: Some(DatedValue {
            date: date(2022, 12, 31),
            value: 11.0,
        }),
    }
}

/// All 16 areas on the map, one without actions yet.
pub fn map() -> AreaMap {
    AreaMap {
        title: None,
        areas: AREAS
            .iter()
            .enumerate()
            .map(|(index, (name, lat, lon))| MapArea {
                name: (*name).to_string(),
                lat: *lat,
                lon: *lon,
                status: (index != 12).then(|| status_for(index, 777)),
            })
            .collect(),
    }
}
