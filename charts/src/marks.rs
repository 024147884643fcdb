//! Status marks: a bar segment, a grid cell, a map dot or a legend swatch, drawn the same way in
//! every chart: the status colour, its pattern (see [`crate::palette`]) and, for light fills, an
//! outline. Patterns are plain lines and squares, laid out from the mark's own corner, so SVG and
//! PNG get the same pixels and the same input the same bytes.

use plotters::prelude::DrawingBackend;
use plotters::style::RGBColor;

use crate::canvas::{Align, Canvas, Font, Rect};
use crate::error::ChartError;
use crate::model::Status;
use crate::palette::{Pattern, status_color, status_outline, status_pattern, text_on};

/// A rectangle filled as `status`.
pub(crate) fn status_rect<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    rect: Rect,
    status: Status,
) -> Result<(), ChartError> {
    canvas.rect(rect, status_color(status))?;
    let texture = Texture::for_canvas(canvas);
    match status_pattern(status) {
        Pattern::Solid => {}
        Pattern::Hatch(ink) => hatch_rect(canvas, rect, ink, texture)?,
        Pattern::Dots(ink) => dot_rect(canvas, rect, ink, texture)?,
    }
    if let Some(outline) = status_outline(status) {
        canvas.rect_outline(rect, outline, 1)?;
    }
    Ok(())
}

/// A disc filled as `status`, with a `ring` (or the status's own outline, if it needs one).
pub(crate) fn status_dot<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    center: (i32, i32),
    radius: i32,
    status: Status,
    ring: Option<RGBColor>,
) -> Result<(), ChartError> {
    canvas.circle(center, radius, status_color(status), None)?;
    let texture = Texture::for_canvas(canvas);
    match status_pattern(status) {
        Pattern::Solid => {}
        Pattern::Hatch(ink) => hatch_disc(canvas, center, radius, ink, texture)?,
        Pattern::Dots(ink) => dot_disc(canvas, center, radius, ink, texture)?,
    }
    match ring.or(status_outline(status)) {
        Some(ring) => canvas.ring(center, radius, ring),
        None => Ok(()),
    }
}

/// A word, number or letter centred on a status mark, black or white as reads best, on a patch
/// of plain fill (within `mark`) so that the pattern does not run through the letters.
pub(crate) fn status_label<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    status: Status,
    text: &str,
    (center_x, center_y): (i32, i32),
    font: Font,
    mark: Rect,
) -> Result<(), ChartError> {
    let fill = status_color(status);
    if status_pattern(status) != Pattern::Solid {
        let half_width = canvas.text_width(text, font) / 2 + 2;
        let half_height = (font.cap_height() / 2.0).round() as i32 + 2;
        let patch = Rect::new(
            (center_x - half_width).max(mark.x0),
            (center_y - half_height).max(mark.y0),
            (center_x + half_width + 1).min(mark.x1),
            (center_y + half_height + 1).min(mark.y1),
        );
        canvas.rect(patch, fill)?;
    }
    let font = font.with_color(text_on(fill));
    canvas.text_centered(text, center_x, center_y, font, Align::Center)
}

/// A letter or number on a status dot (see [`status_label`]).
pub(crate) fn status_dot_label<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    status: Status,
    text: &str,
    (center_x, center_y): (i32, i32),
    radius: i32,
    font: Font,
) -> Result<(), ChartError> {
    let inside = Rect::new(
        center_x - radius + 2,
        center_y - radius + 2,
        center_x + radius - 1,
        center_y + radius - 1,
    );
    status_label(canvas, status, text, (center_x, center_y), font, inside)
}

/// The pattern's measures on this canvas: the distance between lines and between dots, the
/// line width and the dot size, growing with the canvas like the strokes do.
#[derive(Clone, Copy, Debug)]
struct Texture {
    spacing: i32,
    line: u32,
    dot_spacing: i32,
    dot: i32,
}

impl Texture {
    fn for_canvas<DB: DrawingBackend>(canvas: &Canvas<'_, DB>) -> Texture {
        let scale = canvas.scale();
        Texture {
            spacing: ((6.0 * scale).round() as i32).max(5),
            line: canvas.stroke(1.3),
            // Sparser than the lines: every dot is an element of its own in the SVG.
            dot_spacing: ((8.0 * scale).round() as i32).max(6),
            dot: ((2.4 * scale).round() as i32).max(2),
        }
    }
}

/// Diagonal lines ("/", x + y constant) across `rect`, kept inside it by half a line width.
fn hatch_rect<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    rect: Rect,
    ink: RGBColor,
    texture: Texture,
) -> Result<(), ChartError> {
    let inset = (texture.line as i32 + 1) / 2;
    let (x0, y0) = (rect.x0 + inset, rect.y0 + inset);
    let (x1, y1) = (rect.x1 - 1 - inset, rect.y1 - 1 - inset);
    if x1 <= x0 || y1 <= y0 {
        return Ok(());
    }
    let (first, last) = (x0 + y0, x1 + y1);
    // Centred, so that a mark shows the same pattern wherever it is.
    let start = first + ((last - first) % texture.spacing) / 2;
    for sum in (start..=last).step_by(texture.spacing as usize) {
        let from_x = x0.max(sum - y1);
        let to_x = x1.min(sum - y0);
        if to_x > from_x {
            canvas.line(
                &[(from_x, sum - from_x), (to_x, sum - to_x)],
                ink,
                texture.line,
            )?;
        }
    }
    Ok(())
}

/// The same diagonal lines across a disc.
fn hatch_disc<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    (center_x, center_y): (i32, i32),
    radius: i32,
    ink: RGBColor,
    texture: Texture,
) -> Result<(), ChartError> {
    let reach = f64::from(radius) - f64::from(texture.line) / 2.0 - 0.5;
    let spacing = f64::from(texture.spacing) / std::f64::consts::SQRT_2;
    let steps = (reach / spacing).floor() as i32;
    for step in -steps..=steps {
        // Each line's distance from the centre, and half its chord.
        let distance = f64::from(step) * spacing;
        let half = (reach * reach - distance * distance).max(0.0).sqrt();
        if half < 1.0 {
            continue;
        }
        let foot = (
            f64::from(center_x) + distance / std::f64::consts::SQRT_2,
            f64::from(center_y) + distance / std::f64::consts::SQRT_2,
        );
        let along = half / std::f64::consts::SQRT_2;
        let ends = [
            (foot.0 - along, foot.1 + along),
            (foot.0 + along, foot.1 - along),
        ];
        let ends = ends.map(|(x, y)| (x.round() as i32, y.round() as i32));
        canvas.line(&ends, ink, texture.line)?;
    }
    Ok(())
}

/// Small squares on a staggered grid, each wholly inside `rect` with a pixel to spare.
fn dot_rect<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    rect: Rect,
    ink: RGBColor,
    texture: Texture,
) -> Result<(), ChartError> {
    let inner = Rect::new(rect.x0 + 1, rect.y0 + 1, rect.x1 - 1, rect.y1 - 1);
    let (spacing, dot) = (texture.dot_spacing, texture.dot);
    if inner.width() < dot || inner.height() < dot {
        return Ok(());
    }
    let margin_x = ((inner.width() - dot) % spacing) / 2;
    let margin_y = ((inner.height() - dot) % spacing) / 2;
    let mut top = inner.y0 + margin_y;
    let mut row = 0;
    while top + dot <= inner.y1 {
        let shift = if row % 2 == 1 { spacing / 2 } else { 0 };
        let mut left = inner.x0 + margin_x + shift;
        while left + dot <= inner.x1 {
            canvas.rect(Rect::new(left, top, left + dot, top + dot), ink)?;
            left += spacing;
        }
        top += spacing;
        row += 1;
    }
    Ok(())
}

/// The same squares on a disc, each wholly inside it.
fn dot_disc<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    (center_x, center_y): (i32, i32),
    radius: i32,
    ink: RGBColor,
    texture: Texture,
) -> Result<(), ChartError> {
    let (spacing, dot) = (texture.dot_spacing, texture.dot);
    let reach = f64::from(radius) - 1.0 - f64::from(dot) * std::f64::consts::FRAC_1_SQRT_2;
    let steps = (reach / f64::from(spacing)).floor() as i32 + 1;
    for row in -steps..=steps {
        let shift = if row.rem_euclid(2) == 1 {
            spacing / 2
        } else {
            0
        };
        for column in -steps - 1..=steps {
            let (x, y) = (column * spacing + shift, row * spacing);
            if f64::from(x).hypot(f64::from(y)) > reach {
                continue;
            }
            let (left, top) = (center_x + x - dot / 2, center_y + y - dot / 2);
            canvas.rect(Rect::new(left, top, left + dot, top + dot), ink)?;
        }
    }
    Ok(())
}
