//! A dot map: each area at its latitude/longitude on a rough outline of the Netherlands, the dot
//! filled with the area's status colour and carrying the status's letter, the name beside it.
//!
//! Projection: equirectangular, with longitudes shrunk by cos(middle latitude) so that a
//! kilometre east is as long as a kilometre north (at 52° N one degree of longitude is only
//! 0.62 of a degree of latitude).

use plotters::prelude::DrawingBackend;

use crate::canvas::{Align, Canvas, Draw, Font, Rect};
use crate::charts::outline::{ISLANDS, MAINLAND, WATERS};
use crate::error::ChartError;
use crate::frame::{
    Fonts, LegendItem, LegendPlacement, Marker, fonts, frame_with_legend_at, no_data,
};
use crate::model::{AreaMap, Status};
use crate::palette::{COAST, EMPTY_CELL, LAND, MUTED_TEXT, TEXT, WATER, status_color, text_on};
use crate::text::counted;

pub(crate) const DEFAULT_TITLE: &str = "Stedelijke vernieuwingsgebieden: status";

/// The part of the globe always shown: the Netherlands with a little sea around it.
const BASE_LAT: (f64, f64) = (50.70, 53.60);
const BASE_LON: (f64, f64) = (3.30, 7.30);

pub(crate) struct Map<'a> {
    pub data: &'a AreaMap,
}

impl Map<'_> {
    pub fn validate(&self) -> Result<(), ChartError> {
        for area in &self.data.areas {
            let lat_ok = area.lat.is_finite() && (-90.0..=90.0).contains(&area.lat);
            let lon_ok = area.lon.is_finite() && (-180.0..=180.0).contains(&area.lon);
            if !lat_ok || !lon_ok {
                return Err(ChartError::InvalidData(format!(
                    "area {:?} has coordinates off the globe: {}, {}",
                    area.name, area.lat, area.lon
                )));
            }
        }
        Ok(())
    }

    fn title(&self) -> &str {
        self.data.title.as_deref().unwrap_or(DEFAULT_TITLE)
    }
}

/// Geographic coordinates to pixels.
struct Projection {
    center_lat: f64,
    center_lon: f64,
    lon_factor: f64,
    pixels_per_degree: f64,
    center: (f64, f64),
}

impl Projection {
    fn fit(lat: (f64, f64), lon: (f64, f64), into: Rect) -> Projection {
        let center_lat = (lat.0 + lat.1) / 2.0;
        let center_lon = (lon.0 + lon.1) / 2.0;
        let lon_factor = center_lat.to_radians().cos().max(0.05);
        let width_degrees = ((lon.1 - lon.0) * lon_factor).max(1e-6);
        let height_degrees = (lat.1 - lat.0).max(1e-6);
        let pixels_per_degree = (f64::from(into.width()) / width_degrees)
            .min(f64::from(into.height()) / height_degrees);
        Projection {
            center_lat,
            center_lon,
            lon_factor,
            pixels_per_degree,
            center: (f64::from(into.center_x()), f64::from(into.center_y())),
        }
    }

    fn project(&self, (lat, lon): (f64, f64)) -> (i32, i32) {
        let x = self.center.0 + (lon - self.center_lon) * self.lon_factor * self.pixels_per_degree;
        let y = self.center.1 - (lat - self.center_lat) * self.pixels_per_degree;
        (x.round() as i32, y.round() as i32)
    }

    fn project_all(&self, points: &[(f64, f64)]) -> Vec<(i32, i32)> {
        points.iter().map(|point| self.project(*point)).collect()
    }
}

fn legend(with_unknown: bool) -> Vec<LegendItem> {
    let mut items: Vec<LegendItem> = Status::DISPLAY_ORDER
        .iter()
        .map(|status| {
            LegendItem::new(
                Marker::CodeDot(status.code()),
                status_color(*status),
                status.legend_nl(),
            )
        })
        .collect();
    if with_unknown {
        items.push(LegendItem::new(
            Marker::CodeDot("–"),
            EMPTY_CELL,
            "nog geen acties",
        ));
    }
    items
}

impl Draw for Map<'_> {
    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Result<(), ChartError> {
        if self.data.areas.is_empty() {
            return no_data(canvas, self.title());
        }
        let plot = self.frame(canvas)?;
        let projection = self.projection(plot);
        draw_land(canvas, &projection)?;
        let spots = self.place(canvas, &projection, plot);
        draw_leaders(canvas, &spots)?;
        self.draw_dots(canvas, &spots)?;
        self.draw_names(canvas, &spots)
    }
}

/// Where the areas go: their true locations, their dots (moved apart where they would
/// overlap) and their names.
struct Spots {
    locations: Vec<(i32, i32)>,
    dots: Vec<(i32, i32)>,
    labels: Vec<Placement>,
    radius: i32,
    fonts: Fonts,
    name_font: Font,
}

impl Map<'_> {
    /// The title, subtitle and legend; the legend beside the map on a landscape canvas.
    fn frame<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Result<Rect, ChartError> {
        let areas = &self.data.areas;
        let with_unknown = areas.iter().any(|area| area.status.is_none());
        let subtitle = format!(
            "{}; de letter in elke stip staat voor de status",
            counted(areas.len(), "gebied", "gebieden")
        );
        // The country is taller than wide: on a landscape canvas the legend goes beside it.
        let placement = if f64::from(canvas.width) > f64::from(canvas.height) * 1.25 {
            LegendPlacement::Right
        } else {
            LegendPlacement::Bottom
        };
        frame_with_legend_at(
            canvas,
            self.title(),
            Some(&subtitle),
            &legend(with_unknown),
            placement,
        )
    }

    /// The projection that fits the Netherlands and every area into the plot.
    fn projection(&self, plot: Rect) -> Projection {
        let (mut lat, mut lon) = (BASE_LAT, BASE_LON);
        for area in &self.data.areas {
            lat = (lat.0.min(area.lat - 0.1), lat.1.max(area.lat + 0.1));
            lon = (lon.0.min(area.lon - 0.1), lon.1.max(area.lon + 0.1));
        }
        Projection::fit(lat, lon, plot)
    }

    /// Places every area's dot and name, each name clear of the dots and names before it.
    fn place<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        projection: &Projection,
        plot: Rect,
    ) -> Spots {
        let areas = &self.data.areas;
        let fonts = fonts(canvas);
        let radius = (fonts.label.px * 0.75).round() as i32;
        let locations: Vec<(i32, i32)> = areas
            .iter()
            .map(|area| projection.project((area.lat, area.lon)))
            .collect();
        let dots = spread(&locations, radius + 1);
        let name_font = fonts.label.with_px(fonts.label.px * 0.92);
        let mut taken: Vec<Rect> = dots
            .iter()
            .map(|(x, y)| Rect::new(x - radius, y - radius, x + radius + 1, y + radius + 1))
            .collect();
        let bounds = Rect::new(0, plot.y0, canvas.width, plot.y1);
        let mut labels = Vec::with_capacity(areas.len());
        for (area, dot) in areas.iter().zip(&dots) {
            let placement =
                place_label(canvas, &area.name, name_font, *dot, radius, &taken, bounds);
            taken.push(placement.area);
            labels.push(placement);
        }
        Spots {
            locations,
            dots,
            labels,
            radius,
            fonts,
            name_font,
        }
    }

    /// The dots, filled with the status colour and carrying the status letter.
    fn draw_dots<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        spots: &Spots,
    ) -> Result<(), ChartError> {
        let radius = spots.radius;
        for (area, dot) in self.data.areas.iter().zip(&spots.dots) {
            let (fill, code) = match area.status {
                Some(status) => (status_color(status), status.code()),
                None => (EMPTY_CELL, "–"),
            };
            canvas.circle(*dot, radius, fill, Some(TEXT))?;
            let code_font = spots
                .fonts
                .small
                .with_px(f64::from(radius) * 1.2)
                .bold()
                .with_color(text_on(fill));
            canvas.text_centered(code, dot.0, dot.1, code_font, Align::Center)?;
        }
        Ok(())
    }

    /// The names, each on a white halo.
    fn draw_names<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        spots: &Spots,
    ) -> Result<(), ChartError> {
        for (area, label) in self.data.areas.iter().zip(&spots.labels) {
            // A white halo keeps names legible over coastlines and leader lines.
            let halo = Rect::new(
                label.area.x0 - 1,
                label.area.y0,
                label.area.x1 + 1,
                label.area.y1,
            );
            canvas.rect(halo, WATER)?;
            canvas.text(
                &area.name,
                label.area.x0,
                label.baseline,
                spots.name_font,
                Align::Left,
            )?;
        }
        Ok(())
    }
}

/// Land, then the lakes and the estuary cut out of it, then the shore lines.
fn draw_land<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    projection: &Projection,
) -> Result<(), ChartError> {
    let mainland: Vec<(f64, f64)> = MAINLAND
        .iter()
        .flat_map(|piece| piece.iter().copied())
        .collect();
    let coast_width = canvas.stroke(1.2);
    canvas.polygon(&projection.project_all(&mainland), LAND, None)?;
    for piece in MAINLAND {
        canvas.line(&projection.project_all(piece), COAST, coast_width)?;
    }
    for island in ISLANDS {
        canvas.polygon(
            &projection.project_all(island),
            LAND,
            Some((COAST, coast_width)),
        )?;
    }
    for water in &WATERS {
        let shore = projection.project_all(water.points);
        canvas.polygon(&shore, WATER, None)?;
        let mut stroke = shore.clone();
        if !water.open_mouth
            && let Some(first) = shore.first()
        {
            stroke.push(*first);
        }
        canvas.line(&stroke, COAST, coast_width)?;
    }
    Ok(())
}

/// Leader lines, drawn first so that dots and text sit on top of them. A dot moved off its
/// location keeps a small mark and a line at the true place.
fn draw_leaders<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    spots: &Spots,
) -> Result<(), ChartError> {
    for ((label, dot), location) in spots.labels.iter().zip(&spots.dots).zip(&spots.locations) {
        if let Some(anchor) = label.leader {
            canvas.line(&[*dot, anchor], MUTED_TEXT, 1)?;
        }
        if dot != location {
            canvas.line(&[*dot, *location], TEXT, 1)?;
            canvas.circle(*location, 2, TEXT, None)?;
        }
    }
    Ok(())
}

/// Moves dots that would overlap apart (each pair pushed symmetrically, a fixed number of
/// rounds, so the result is deterministic) until their centres are `min_distance` × 2 apart.
fn spread(locations: &[(i32, i32)], radius: i32) -> Vec<(i32, i32)> {
    let min_distance = f64::from(radius * 2);
    let mut positions: Vec<(f64, f64)> = locations
        .iter()
        .map(|(x, y)| (f64::from(*x), f64::from(*y)))
        .collect();
    for _ in 0..60 {
        let mut moved = false;
        for first in 0..positions.len() {
            for second in first + 1..positions.len() {
                let (a, b) = (positions[first], positions[second]);
                let (dx, dy) = (b.0 - a.0, b.1 - a.1);
                let distance = dx.hypot(dy);
                if distance >= min_distance - 0.5 {
                    continue;
                }
                // Coinciding dots separate along a direction fixed by their indices.
                let (ux, uy) = if distance < 1e-6 {
                    let angle = (first * 7 + second * 3) as f64;
                    (angle.cos(), angle.sin())
                } else {
                    (dx / distance, dy / distance)
                };
                let push = (min_distance - distance) / 2.0 + 0.25;
                positions[first] = (a.0 - ux * push, a.1 - uy * push);
                positions[second] = (b.0 + ux * push, b.1 + uy * push);
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    positions
        .iter()
        .map(|(x, y)| (x.round() as i32, y.round() as i32))
        .collect()
}

/// Where a name goes: its box, its baseline and, when it sits away from its dot, the end of the
/// leader line to draw.
struct Placement {
    area: Rect,
    baseline: i32,
    leader: Option<(i32, i32)>,
}

/// Tries positions around the dot, nearest first, and takes the first whose box overlaps no
/// other dot or name and stays inside `bounds`; falls back to the right of the dot.
fn place_label<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    name: &str,
    font: Font,
    (x, y): (i32, i32),
    radius: i32,
    taken: &[Rect],
    bounds: Rect,
) -> Placement {
    let width = canvas.text_width(name, font);
    let cap = font.cap_height().round() as i32;
    let pad = (font.px * 0.2).round() as i32;
    let height = cap + 2 * pad + (font.px * 0.25).round() as i32; // room for descenders
    let gap = radius + (font.px * 0.3).round() as i32;
    let box_at = |left: i32, top: i32| Rect::new(left, top, left + width, top + height);

    let mut candidates: Vec<(Rect, bool)> = Vec::new();
    for (ring, distance) in [(0, gap), (1, gap * 2 + height), (2, gap * 3 + height * 2)] {
        let far = ring > 0;
        let d = distance;
        let diagonal = (f64::from(d) * 0.75).round() as i32;
        candidates.extend([
            (box_at(x + d, y - height / 2), far),
            (box_at(x - d - width, y - height / 2), far),
            (box_at(x + diagonal, y - diagonal - height), far),
            (box_at(x - diagonal - width, y - diagonal - height), far),
            (box_at(x + diagonal, y + diagonal), far),
            (box_at(x - diagonal - width, y + diagonal), far),
            (box_at(x - width / 2, y - d - height), far),
            (box_at(x - width / 2, y + d), far),
        ]);
    }
    let chosen = candidates
        .iter()
        .find(|(area, _)| bounds.contains(area) && !taken.iter().any(|other| other.overlaps(area)))
        .copied()
        .unwrap_or((box_at(x + gap, y - height / 2), false));
    let (area, far) = chosen;
    let baseline = area.y0 + pad + cap;
    let leader = far.then(|| {
        // Aim at the nearest point of the box.
        (x.clamp(area.x0, area.x1 - 1), y.clamp(area.y0, area.y1 - 1))
    });
    Placement {
        area,
        baseline,
        leader,
    }
}
