//! Colours. Status colours come from the Okabe–Ito palette, which stays distinguishable with the
//! common forms of colour blindness; groen, oranje and rood also differ in lightness, and every
//! chart writes the status as text next to the colour (legend, cell label), so colour is never
//! the only carrier.

use plotters::style::RGBColor;

use crate::model::Status;

pub(crate) const WHITE: RGBColor = RGBColor(255, 255, 255);
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

/// The fill colour of a status.
pub(crate) fn status_color(status: Status) -> RGBColor {
    match status {
        // Okabe–Ito bluish green, orange and vermillion: also apart in lightness.
        Status::OnTrack => RGBColor(0x00, 0x9e, 0x73),
        Status::AtRisk => RGBColor(0xe6, 0x9f, 0x00),
        Status::OffTrack => RGBColor(0xd5, 0x5e, 0x00),
        // Okabe–Ito blue for done; greys for the two inactive states.
        Status::Completed => RGBColor(0x00, 0x72, 0xb2),
        Status::NotStarted => RGBColor(0xc4, 0xc4, 0xc4),
        Status::Discontinued => RGBColor(0x5e, 0x5e, 0x5e),
    }
}

/// Black or white, whichever reads better on `background` (WCAG contrast ratio).
pub(crate) fn text_on(background: RGBColor) -> RGBColor {
    let luminance = relative_luminance(background);
    let contrast_with_black = (luminance + 0.05) / 0.05;
    let contrast_with_white = 1.05 / (luminance + 0.05);
    if contrast_with_black >= contrast_with_white {
        RGBColor(0, 0, 0)
    } else {
        WHITE
    }
}

fn relative_luminance(color: RGBColor) -> f64 {
    let channel = |value: u8| {
        let value = f64::from(value) / 255.0;
        if value <= 0.039_28 {
            value / 12.92
        } else {
            ((value + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(color.0) + 0.7152 * channel(color.1) + 0.0722 * channel(color.2)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn groen_oranje_and_rood_differ_in_lightness_not_only_in_hue() {
        let green = relative_luminance(status_color(Status::OnTrack));
        let orange = relative_luminance(status_color(Status::AtRisk));
        let red = relative_luminance(status_color(Status::OffTrack));
        assert!((orange - green).abs() > 0.1, "{orange} vs {green}");
        assert!((orange - red).abs() > 0.1, "{orange} vs {red}");
    }

    #[test]
    fn text_on_dark_fill_is_white_and_on_light_fill_is_black() {
        assert_eq!(text_on(status_color(Status::Discontinued)), WHITE);
        assert_eq!(text_on(status_color(Status::NotStarted)), RGBColor(0, 0, 0));
    }
}
