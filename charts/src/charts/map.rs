//! A dot map: each area at its latitude/longitude on a rough outline of the Netherlands, the dot
//! filled with the area's status colour and pattern and carrying the status's letter, the name
//! beside it. The legend says that the status is the worst of the area's actions. Where the
//! names cannot all be placed clear of each other (narrow charts), each dot gets a number
//! instead and the names are listed under the map.
//!
//! Projection: equirectangular, with longitudes shrunk by cos(middle latitude) so that a
//! kilometre east is as long as a kilometre north (at 52° N one degree of longitude is only
//! 0.62 of a degree of latitude).

use plotters::prelude::DrawingBackend;

use crate::canvas::{Align, Canvas, Draw, Font, Rect};
use crate::charts::outline::{ISLANDS, MAINLAND, WATERS};
use crate::error::ChartError;
use crate::frame::{Fonts, Frame, FrameLayout, LegendPlacement, fonts, no_data, padding};
use crate::lang::Lang;
use crate::legend::{Legend, LegendItem, Marker, code_dot_radius};
use crate::marks::{status_dot, status_dot_label};
use crate::model::{AreaMap, Status};
use crate::palette::{COAST, EMPTY_CELL, LAND, MUTED_TEXT, TEXT, WATER, text_on};
use crate::place::first_clear;
use crate::text::counted;

/// The mark of an area without actions.
const NO_STATUS_MARK: &str = "–";

/// The part of the globe always shown: the Netherlands with a little sea around it.
const BASE_LAT: (f64, f64) = (50.70, 53.60);
const BASE_LON: (f64, f64) = (3.30, 7.30);

pub(crate) struct Map<'a> {
    pub data: &'a AreaMap,
    pub lang: Lang,
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
        self.data
            .title
            .as_deref()
            .unwrap_or(self.lang.words().map_title)
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

fn legend(with_unknown: bool, lang: Lang) -> Vec<LegendItem> {
    let mut items: Vec<LegendItem> = Status::DISPLAY_ORDER
        .iter()
        .map(|status| {
            LegendItem::new(
                Marker::StatusDot(*status, status.code(lang)),
                status.legend(lang),
            )
        })
        .collect();
    if with_unknown {
        items.push(LegendItem::new(
            Marker::EmptyDot(NO_STATUS_MARK),
            lang.words().no_actions_yet,
        ));
    }
    items
}

impl Draw for Map<'_> {
    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Result<(), ChartError> {
        if self.data.areas.is_empty() {
            return no_data(canvas, self.title(), self.lang);
        }
        let (lang, words) = (self.lang, self.lang.words());
        let areas = &self.data.areas;
        let legend = legend(areas.iter().any(|area| area.status.is_none()), lang);
        let subtitle = counted(areas.len(), words.area, lang);
        let frame = Frame::new(self.title())
            .subtitle(&subtitle)
            .legend(&legend)
            .placement(self.legend_placement(canvas));

        // Names beside the dots where they all fit clear of each other.
        let named = frame.note(words.map_note).lay_out(canvas);
        let spots = self.place(canvas, named.plot, Some(&named));
        if spots.labels.iter().all(|label| label.clear) {
            named.draw(canvas)?;
            return self.draw_map(canvas, &spots);
        }
        // Else a number in each dot, and the numbered names with their status under the map.
        let numbered = frame.note(words.map_numbers_note).lay_out(canvas);
        let key = self.key();
        let plot = numbered.plot;
        let list = Legend::lay_out(canvas, &key, None, plot.width(), true);
        let gap = fonts(canvas).label.px.round() as i32;
        let map_area = Rect::new(
            plot.x0,
            plot.y0,
            plot.x1,
            plot.y1 - list.height(canvas) - gap,
        );
        let spots = self.place(canvas, map_area, None);
        numbered.draw(canvas)?;
        self.draw_map(canvas, &spots)?;
        list.draw(
            canvas,
            Rect::new(plot.x0, map_area.y1 + gap, plot.x1, plot.y1),
        )
    }
}

/// Where the areas go: the projection, their true locations, their dots (moved apart where
/// they would overlap), what each dot carries (the status letter, or a number) and the names
/// beside them (none when the dots are numbered).
struct Spots {
    projection: Projection,
    locations: Vec<(i32, i32)>,
    dots: Vec<(i32, i32)>,
    marks: Vec<String>,
    labels: Vec<Placement>,
    radius: i32,
    fonts: Fonts,
}

impl Map<'_> {
    /// The country is taller than wide: on a landscape canvas the legend goes beside it.
    fn legend_placement<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> LegendPlacement {
        if f64::from(canvas.width) > f64::from(canvas.height) * 1.25 {
            LegendPlacement::Right
        } else {
            LegendPlacement::Bottom
        }
    }

    /// The projection that fits the Netherlands and every area into `area`.
    fn projection(&self, area: Rect) -> Projection {
        let (mut lat, mut lon) = (BASE_LAT, BASE_LON);
        for area in &self.data.areas {
            lat = (lat.0.min(area.lat - 0.1), lat.1.max(area.lat + 0.1));
            lon = (lon.0.min(area.lon - 0.1), lon.1.max(area.lon + 0.1));
        }
        Projection::fit(lat, lon, area)
    }

    /// The numbered list of the areas with their status, for a map with numbered dots.
    fn key(&self) -> Vec<LegendItem> {
        self.data
            .areas
            .iter()
            .enumerate()
            .map(|(index, area)| {
                let code = area
                    .status
                    .map_or(NO_STATUS_MARK, |status| status.code(self.lang));
                let marker = Marker::NumberedStatus((index + 1).to_string(), area.status, code);
                LegendItem::new(marker, area.name.as_str())
            })
            .collect()
    }

    /// Places every area's dot in `area`; with a `frame` (whose legend they keep clear of) the
    /// dots carry status letters and get their names beside them, else they carry numbers.
    fn place<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        area: Rect,
        frame: Option<&FrameLayout<'_>>,
    ) -> Spots {
        let fonts = fonts(canvas);
        let projection = self.projection(area);
        let radius = code_dot_radius(&fonts);
        let areas = &self.data.areas;
        let locations: Vec<(i32, i32)> = areas
            .iter()
            .map(|area| projection.project((area.lat, area.lon)))
            .collect();
        let dots = spread(&locations, radius + 1);
        let mut labels = Vec::new();
        let marks = match frame {
            Some(frame) => {
                let mut taken: Vec<Rect> = dots
                    .iter()
                    .map(|(x, y)| Rect::new(x - radius, y - radius, x + radius + 1, y + radius + 1))
                    .chain(frame.legend_area)
                    .collect();
                let pad = padding(canvas);
                let bounds = Rect::new(pad, area.y0, canvas.width - pad, area.y1);
                for (area, dot) in areas.iter().zip(&dots) {
                    let placement = place_label(
                        canvas,
                        &area.name,
                        fonts.label,
                        *dot,
                        radius,
                        &taken,
                        bounds,
                    );
                    taken.push(placement.area);
                    labels.push(placement);
                }
                areas
                    .iter()
                    .map(|area| {
                        area.status
                            .map_or(NO_STATUS_MARK, |status| status.code(self.lang))
                            .to_string()
                    })
                    .collect()
            }
            None => (1..=areas.len()).map(|number| number.to_string()).collect(),
        };
        Spots {
            projection,
            locations,
            dots,
            marks,
            labels,
            radius,
            fonts,
        }
    }

    /// The country, the leader lines, the dots and the names.
    fn draw_map<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        spots: &Spots,
    ) -> Result<(), ChartError> {
        draw_land(canvas, &spots.projection)?;
        draw_leaders(canvas, spots)?;
        self.draw_dots(canvas, spots)?;
        self.draw_names(canvas, spots)
    }

    /// The dots, filled and patterned by status, ringed, and carrying their letter or number.
    fn draw_dots<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        spots: &Spots,
    ) -> Result<(), ChartError> {
        let (radius, font) = (spots.radius, spots.fonts.code);
        for ((area, dot), mark) in self.data.areas.iter().zip(&spots.dots).zip(&spots.marks) {
            match area.status {
                Some(status) => {
                    status_dot(canvas, *dot, radius, status, Some(TEXT))?;
                    status_dot_label(canvas, status, mark, *dot, radius, font)?;
                }
                None => {
                    canvas.circle(*dot, radius, EMPTY_CELL, Some(TEXT))?;
                    let font = font.with_color(text_on(EMPTY_CELL));
                    canvas.text_centered(mark, dot.0, dot.1, font, Align::Center)?;
                }
            }
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
                spots.fonts.label,
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
    for (label, dot) in spots.labels.iter().zip(&spots.dots) {
        if let Some(anchor) = label.leader {
            canvas.line(&[*dot, anchor], MUTED_TEXT, 1)?;
        }
    }
    for (dot, location) in spots.dots.iter().zip(&spots.locations) {
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
    /// Clear of everything placed before; otherwise right of the dot, where it may overlap.
    clear: bool,
}

/// Tries positions around the dot, nearest first, and takes the first whose box overlaps no
/// other dot, label or legend and stays inside `bounds`; falls back to the right of the dot.
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
    let boxes: Vec<Rect> = candidates.iter().map(|(area, _)| *area).collect();
    let found = first_clear(&boxes, taken, bounds).and_then(|index| candidates.get(index).copied());
    let (area, far) = found.unwrap_or((box_at(x + gap, y - height / 2), false));
    let baseline = area.y0 + pad + cap;
    let leader = far.then(|| {
        // Aim at the nearest point of the box.
        (x.clamp(area.x0, area.x1 - 1), y.clamp(area.y0, area.y1 - 1))
    });
    Placement {
        area,
        baseline,
        leader,
        clear: found.is_some(),
    }
}
