//! Text measuring and PNG text rasterising with the bundled DejaVu Sans through `ab_glyph`.
//!
//! plotters' own `ab_glyph` text drawing drops each glyph's left side bearing, which gives PNG
//! labels uneven letter spacing ("Zaan dam"); drawing the glyphs here keeps proper spacing and
//! kerning and puts the baseline exactly where the layout wants it. Measuring with the same
//! code keeps SVG and PNG layouts identical.

use std::sync::OnceLock;

use ab_glyph::{Font as _, FontRef, GlyphId, PxScale, ScaleFont, point};

struct Faces {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

fn faces() -> Option<&'static Faces> {
    static FACES: OnceLock<Option<Faces>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            Some(Faces {
                regular: FontRef::try_from_slice(dejavu::sans::regular()).ok()?,
                bold: FontRef::try_from_slice(dejavu::sans::bold()).ok()?,
            })
        })
        .as_ref()
}

fn face(bold: bool) -> Option<&'static FontRef<'static>> {
    faces().map(|faces| if bold { &faces.bold } else { &faces.regular })
}

/// The ab_glyph scale at which one em is `px` pixels (ab_glyph scales ascent − descent).
fn scale_for(face: &FontRef<'_>, px: f64) -> PxScale {
    let units_per_em = face.units_per_em().unwrap_or(2048.0);
    PxScale::from(px as f32 * face.height_unscaled() / units_per_em)
}

/// Glyphs and their x offsets from the text's start, plus the total advance.
fn layout(face: &FontRef<'_>, px: f64, text: &str) -> (Vec<(GlyphId, f32)>, f32) {
    let scaled = face.as_scaled(scale_for(face, px));
    let mut caret = 0.0f32;
    let mut previous: Option<GlyphId> = None;
    let mut glyphs = Vec::with_capacity(text.len());
    for character in text.chars() {
        let id = scaled.glyph_id(character);
        if let Some(previous) = previous {
            caret += scaled.kern(previous, id);
        }
        glyphs.push((id, caret));
        caret += scaled.h_advance(id);
        previous = Some(id);
    }
    (glyphs, caret)
}

/// The advance width of `text` in pixels.
pub(crate) fn text_width(text: &str, px: f64, bold: bool) -> f64 {
    match face(bold) {
        Some(face) => f64::from(layout(face, px, text).1),
        // Unreachable with the bundled font; an estimate keeps layouts sane regardless.
        None => text.chars().count() as f64 * px * 0.6,
    }
}

/// Coverage of every pixel the text touches, with its baseline starting at (`left`,
/// `baseline`). Returns `None` when the bundled font cannot be parsed.
pub(crate) fn rasterize(
    text: &str,
    px: f64,
    bold: bool,
    left: f64,
    baseline: f64,
) -> Option<Vec<(i32, i32, f32)>> {
    let face = face(bold)?;
    let scale = scale_for(face, px);
    let (glyphs, _) = layout(face, px, text);
    let mut pixels = Vec::new();
    for (id, offset) in glyphs {
        let position = point(left as f32 + offset, baseline as f32);
        let glyph = id.with_scale_and_position(scale, position);
        if let Some(outlined) = face.outline_glyph(glyph) {
            let bounds = outlined.px_bounds();
            let (x0, y0) = (bounds.min.x as i32, bounds.min.y as i32);
            outlined.draw(|x, y, coverage| {
                if coverage > 0.0 {
                    pixels.push((x0 + x as i32, y0 + y as i32, coverage.min(1.0)));
                }
            });
        }
    }
    Some(pixels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_font_has_glyphs_for_dutch_diacritics_and_typography() {
        for bold in [false, true] {
            let face = face(bold).expect("DejaVu Sans parses");
            for character in "âäëéèïöóüúĳ–…×·".chars() {
                assert_ne!(face.glyph_id(character).0, 0, "no glyph for {character}");
            }
        }
    }

    #[test]
    fn kerning_and_bearings_give_proportional_widths() {
        let narrow = text_width("iiii", 13.0, false);
        let wide = text_width("WWWW", 13.0, false);
        assert!(wide > narrow * 2.5, "{wide} vs {narrow}");
        assert!(text_width("Fryslân", 13.0, true) > text_width("Fryslân", 13.0, false));
    }

    #[test]
    fn rasterised_text_starts_at_its_left_edge_and_sits_on_its_baseline() {
        let pixels = rasterize("Zaandam", 20.0, false, 100.0, 50.0).expect("font");
        let min_x = pixels.iter().map(|(x, _, _)| *x).min().expect("pixels");
        let max_y = pixels.iter().map(|(_, y, _)| *y).max().expect("pixels");
        let min_y = pixels.iter().map(|(_, y, _)| *y).min().expect("pixels");
        assert!((99..=102).contains(&min_x), "{min_x}");
        assert!(
            (49..=51).contains(&max_y),
            "no descenders in Zaandam: {max_y}"
        );
        // Cap height of DejaVu Sans is 0.73 em.
        assert!((34..=37).contains(&min_y), "{min_y}");
    }
}
