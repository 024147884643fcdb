//! Colours and patterns. The stoplicht colours are the ones people name: a real red for rood, an
//! orange for oranje and a green for groen. Colour is never the only carrier:
//!
//! - groen, oranje and rood differ in lightness (rood darkest, oranje lightest), which survives
//!   most colour blindness;
//! - rood marks are hatched and oranje marks dotted, everywhere (bars, cells, map dots and the
//!   legend swatches), because for some colour-blind readers two of the three still look alike
//!   in lightness (groen and rood for deuteranopes, groen and oranje for protanopes);
//! - every chart writes the status as text in or next to the mark (legend, cell word or letter).
//!
//! Every status mark stands out at least 3:1 from the white background (WCAG 1.4.11): by its fill,
//! or, for the light "niet gestart" grey, by an outline.

use plotters::style::RGBColor;

use crate::model::Status;

pub(crate) const WHITE: RGBColor = RGBColor(255, 255, 255);
pub(crate) const BLACK: RGBColor = RGBColor(0, 0, 0);
pub(crate) const TEXT: RGBColor = RGBColor(0x1f, 0x1f, 0x1f);
pub(crate) const MUTED_TEXT: RGBColor = RGBColor(0x55, 0x55, 0x55);
pub(crate) const AXIS: RGBColor = RGBColor(0x70, 0x70, 0x70);
pub(crate) const GRID: RGBColor = RGBColor(0xe2, 0xe2, 0xe2);
pub(crate) const EMPTY_CELL: RGBColor = RGBColor(0xf3, 0xf3, 0xf3);
pub(crate) const EMPTY_CELL_BORDER: RGBColor = RGBColor(0xc8, 0xc8, 0xc8);

/// Okabe–Ito blue: the current plan, measured values.
pub(crate) const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xb2);
/// Okabe–Ito orange: what was realised.
pub(crate) const ORANGE: RGBColor = RGBColor(0xe6, 0x9f, 0x00);
/// Okabe–Ito reddish purple: targets.
pub(crate) const PURPLE: RGBColor = RGBColor(0xcc, 0x79, 0xa7);
/// Neutral dark grey: baselines, original plans, the cut-off line.
pub(crate) const DARK_GREY: RGBColor = RGBColor(0x4d, 0x4d, 0x4d);

pub(crate) const LAND: RGBColor = RGBColor(0xee, 0xec, 0xe4);
pub(crate) const COAST: RGBColor = RGBColor(0x9a, 0x9a, 0x92);
pub(crate) const WATER: RGBColor = RGBColor(0xff, 0xff, 0xff);

/// A 4.5:1 grey for the outline of light marks (and so also enough for 3:1).
const OUTLINE: RGBColor = RGBColor(0x76, 0x76, 0x76);

/// The fill colour of a status.
pub(crate) fn status_color(status: Status) -> RGBColor {
    match status {
        // L* 48, 60 and 37: groen, oranje and rood are about 11 apart in lightness.
        Status::OnTrack => RGBColor(0x1e, 0x84, 0x36),
        Status::AtRisk => RGBColor(0xe4, 0x71, 0x00),
        Status::OffTrack => RGBColor(0xb0, 0x10, 0x1c),
        // Okabe–Ito blue for done; a light and a near-black grey for the two inactive states,
        // far from the stoplicht colours in lightness.
        Status::Completed => RGBColor(0x00, 0x72, 0xb2),
        Status::NotStarted => RGBColor(0xd0, 0xd0, 0xd0),
        Status::Discontinued => RGBColor(0x33, 0x33, 0x33),
    }
}

/// The outline a status mark needs to stand out 3:1 from white, for fills too light to do it
/// themselves.
pub(crate) fn status_outline(status: Status) -> Option<RGBColor> {
    (contrast_ratio(status_color(status), WHITE) < 3.0).then_some(OUTLINE)
}

/// The texture drawn over a status fill, so that the status does not rest on colour alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pattern {
    Solid,
    /// Diagonal lines ("/") in this colour.
    Hatch(RGBColor),
    /// Small squares on a staggered grid in this colour.
    Dots(RGBColor),
}

/// The pattern of a status. The ink is the opposite of the text drawn on the fill (black text on
/// oranje, white text on rood), so words and letters stay legible over it; dark lines keep rood
/// the darkest mark and light dots oranje the lightest.
pub(crate) fn status_pattern(status: Status) -> Pattern {
    match status {
        Status::OffTrack => Pattern::Hatch(BLACK),
        Status::AtRisk => Pattern::Dots(WHITE),
        _ => Pattern::Solid,
    }
}

/// Black or white, whichever reads better on `background` (WCAG contrast ratio).
pub(crate) fn text_on(background: RGBColor) -> RGBColor {
    if contrast_ratio(background, BLACK) >= contrast_ratio(background, WHITE) {
        BLACK
    } else {
        WHITE
    }
}

/// The WCAG contrast ratio of two colours, from 1 (the same) to 21 (black on white).
pub(crate) fn contrast_ratio(first: RGBColor, second: RGBColor) -> f64 {
    let (first, second) = (relative_luminance(first), relative_luminance(second));
    (first.max(second) + 0.05) / (first.min(second) + 0.05)
}

/// WCAG relative luminance, 0 (black) to 1 (white).
fn relative_luminance(color: RGBColor) -> f64 {
    let (red, green, blue) = linear_rgb(color);
    0.2126 * red + 0.7152 * green + 0.0722 * blue
}

fn linear_rgb(color: RGBColor) -> (f64, f64, f64) {
    let channel = |value: u8| {
        let value = f64::from(value) / 255.0;
        if value <= 0.040_45 {
            value / 12.92
        } else {
            ((value + 0.055) / 1.055).powf(2.4)
        }
    };
    (channel(color.0), channel(color.1), channel(color.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CIE L* lightness, 0 (black) to 100 (white): how light a colour looks.
    fn lightness(color: RGBColor) -> f64 {
        let luminance = relative_luminance(color);
        if luminance > 216.0 / 24389.0 {
            116.0 * luminance.cbrt() - 16.0
        } else {
            luminance * 24389.0 / 27.0
        }
    }

    /// The hue angle in degrees (0 red, 30 orange, 120 green), as colour pickers show it.
    fn hue(color: RGBColor) -> f64 {
        let (red, green, blue) = (f64::from(color.0), f64::from(color.1), f64::from(color.2));
        let (max, min) = (red.max(green).max(blue), red.min(green).min(blue));
        if max == min {
            return 0.0;
        }
        let range = max - min;
        let sector = if max == red {
            ((green - blue) / range).rem_euclid(6.0)
        } else if max == green {
            (blue - red) / range + 2.0
        } else {
            (red - green) / range + 4.0
        };
        sector * 60.0
    }

    const STOPLICHT: [Status; 3] = [Status::OnTrack, Status::AtRisk, Status::OffTrack];

    #[test]
    fn status_colours_are_all_different() {
        let colors: Vec<_> = Status::DISPLAY_ORDER
            .iter()
            .map(|status| {
                let color = status_color(*status);
                (color.0, color.1, color.2)
            })
            .collect();
        for (index, color) in colors.iter().enumerate() {
            assert!(!colors[index + 1..].contains(color));
        }
    }

    #[test]
    fn every_status_mark_stands_out_three_to_one_from_the_white_background() {
        for status in Status::DISPLAY_ORDER {
            let fill = contrast_ratio(status_color(status), WHITE);
            let edge =
                status_outline(status).map_or(fill, |outline| contrast_ratio(outline, WHITE));
            assert!(edge >= 3.0, "{status:?}: {edge:.2}");
        }
        // The stoplicht colours manage it by their fill alone.
        for status in STOPLICHT {
            assert!(status_outline(status).is_none(), "{status:?}");
        }
    }

    #[test]
    fn groen_oranje_and_rood_differ_in_lightness_not_only_in_hue() {
        for (index, first) in STOPLICHT.iter().enumerate() {
            for second in &STOPLICHT[index + 1..] {
                let gap =
                    (lightness(status_color(*first)) - lightness(status_color(*second))).abs();
                assert!(
                    gap >= 10.0,
                    "{first:?} and {second:?} differ by L* {gap:.1}"
                );
            }
        }
        // rood darkest, oranje lightest, as the patterns' inks keep them.
        let [groen, oranje, rood] = STOPLICHT.map(|status| lightness(status_color(status)));
        assert!(rood < groen && groen < oranje);
    }

    #[test]
    fn rood_is_red_oranje_is_orange_and_groen_is_green() {
        let rood = hue(status_color(Status::OffTrack));
        assert!(!(10.0..350.0).contains(&rood), "rood hue {rood:.0}");
        let oranje = hue(status_color(Status::AtRisk));
        assert!((22.0..=38.0).contains(&oranje), "oranje hue {oranje:.0}");
        let groen = hue(status_color(Status::OnTrack));
        assert!((100.0..=150.0).contains(&groen), "groen hue {groen:.0}");
    }

    #[test]
    fn rood_and_oranje_carry_a_pattern_and_groen_none() {
        assert!(matches!(
            status_pattern(Status::OffTrack),
            Pattern::Hatch(_)
        ));
        assert!(matches!(status_pattern(Status::AtRisk), Pattern::Dots(_)));
        assert_eq!(status_pattern(Status::OnTrack), Pattern::Solid);
    }

    #[test]
    fn text_on_every_fill_and_over_its_pattern_reads_four_and_a_half_to_one() {
        for status in Status::DISPLAY_ORDER {
            let fill = status_color(status);
            let text = text_on(fill);
            assert!(contrast_ratio(text, fill) >= 4.5, "{status:?}");
            if let Pattern::Hatch(ink) | Pattern::Dots(ink) = status_pattern(status) {
                assert!(contrast_ratio(text, ink) >= 4.5, "{status:?} pattern");
            }
        }
    }

    #[test]
    fn text_on_dark_fill_is_white_and_on_light_fill_is_black() {
        assert_eq!(text_on(status_color(Status::Discontinued)), WHITE);
        assert_eq!(text_on(status_color(Status::NotStarted)), BLACK);
        assert_eq!(text_on(status_color(Status::OffTrack)), WHITE);
        assert_eq!(text_on(status_color(Status::AtRisk)), BLACK);
    }
}
