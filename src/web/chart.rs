//! A chart on a page: drawn at the width it is shown at — wide, medium (tablets, narrow windows)
//! or narrow (phones) — so its text, at least 13 px in the drawing, is never shown smaller than
//! 12 px; in the page's language, with the words that describe it (`templates/_chart.html`).

use crate::web::as_of::AsOfView;
use crate::web::i18n::Lang;

/// The screens that get the narrow variant; the same width at which tables stack
/// (`assets/app.css`).
pub const NARROW_MEDIA: &str = "(max-width: 40rem)";

/// The width the narrow variants are drawn at: they fit a 320 CSS px screen (WCAG reflow) with
/// their text at least 13 px.
pub const NARROW_WIDTH: u32 = 300;

/// The areas of the programme: the rows of a chart that does not say how many it has.
const AREAS: usize = 16;

/// The size a chart is drawn and shown at on wide screens, where the column is at least
/// 800 px wide (60rem and up, less the page's margins).
const WIDE: (u32, u32) = (800, 520);

/// The screens that get the medium variant, and its width: it fits the column between the
/// narrow and the wide screens (40rem–60rem less the margins: 608–928 px).
pub const MEDIUM_MEDIA: &str = "(max-width: 60rem)";
pub const MEDIUM_WIDTH: u32 = 560;

/// How tall a chart of `rows` areas is drawn at [`NARROW_WIDTH`]: a bar per area needs room
/// (names on two lines, legends wrapped), and so does the map with its numbered list of the
/// areas under it; a trend or burn-up needs a plot of readable height under its title. The
/// figures are what the chart crate needs at 300 px (about 36 px per area).
fn narrow_height(name: &str, rows: usize) -> u32 {
    let rows = u32::try_from(rows.max(1)).unwrap_or(u32::MAX).min(100);
    match name {
        "map" => 960,
        "area-theme-matrix" => 384 + 36 * rows,
        "areas-status" => 264 + 36 * rows,
        // "ministry-status", "indicator-trend", "milestones-burnup" and any chart added later.
        _ => 460,
    }
}

/// How tall a chart is drawn at [`MEDIUM_WIDTH`]: names fit on one line there.
fn medium_height(name: &str) -> u32 {
    match name {
        "map" | "area-theme-matrix" | "areas-status" => WIDE.1,
        _ => 400,
    }
}

#[derive(Debug, Clone)]
pub struct ChartView {
    /// The chart at its default size.
    pub src: String,
    pub width: u32,
    pub height: u32,
    /// The chart drawn for a tablet or a narrow window.
    pub medium_src: String,
    pub medium_media: &'static str,
    pub medium_width: u32,
    pub medium_height: u32,
    /// The chart drawn for a phone.
    pub narrow_src: String,
    pub narrow_media: &'static str,
    pub narrow_width: u32,
    pub narrow_height: u32,
    pub alt: String,
}

impl ChartView {
    /// The chart `name` (`/grafieken/NAME.svg`) with its filter (`[("ministry", "BZK")]`), as of
    /// the page's moment and in its language.
    pub fn new(
        lang: Lang,
        as_of: &AsOfView,
        name: &str,
        filter: &[(&str, &str)],
        alt: impl Into<String>,
    ) -> Self {
        Self::of_rows(lang, as_of, name, filter, alt, AREAS)
    }

    /// As [`ChartView::new`], for a chart with a bar or row for each of `rows` areas.
    pub fn of_rows(
        lang: Lang,
        as_of: &AsOfView,
        name: &str,
        filter: &[(&str, &str)],
        alt: impl Into<String>,
        rows: usize,
    ) -> Self {
        let mut query: Vec<(&str, String)> = filter
            .iter()
            .map(|(key, value)| (*key, (*value).to_string()))
            .collect();
        if let Some(moment) = &as_of.param {
            query.push(("as_of", moment.clone()));
        }
        if lang == Lang::En {
            query.push(("lang", lang.code().to_string()));
        }
        let url = |query: &[(&str, String)]| {
            let mut serializer = form_urlencoded::Serializer::new(String::new());
            for (key, value) in query {
                serializer.append_pair(key, value);
            }
            match serializer.finish() {
                query if query.is_empty() => format!("/grafieken/{name}.svg"),
                query => format!("/grafieken/{name}.svg?{query}"),
            }
        };
        let sized = |width: u32, height: u32| {
            let mut query = query.clone();
            query.push(("width", width.to_string()));
            query.push(("height", height.to_string()));
            url(&query)
        };
        let narrow_height = narrow_height(name, rows);
        let medium_height = medium_height(name);
        Self {
            src: sized(WIDE.0, WIDE.1),
            width: WIDE.0,
            height: WIDE.1,
            medium_src: sized(MEDIUM_WIDTH, medium_height),
            medium_media: MEDIUM_MEDIA,
            medium_width: MEDIUM_WIDTH,
            medium_height,
            narrow_src: sized(NARROW_WIDTH, narrow_height),
            narrow_media: NARROW_MEDIA,
            narrow_width: NARROW_WIDTH,
            narrow_height,
            alt: alt.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_is_asked_for_in_the_pages_language_and_moment_with_a_narrow_variant() {
        let now = AsOfView::default();
        let chart = ChartView::new(Lang::Nl, &now, "map", &[], "Kaart");
        assert_eq!(chart.src, "/grafieken/map.svg?width=800&height=520");
        assert_eq!(chart.medium_src, "/grafieken/map.svg?width=560&height=520");
        assert_eq!(chart.narrow_src, "/grafieken/map.svg?width=300&height=960");
        let then = AsOfView {
            param: Some("2021-03-31".into()),
            ..AsOfView::default()
        };
        let chart = ChartView::new(
            Lang::En,
            &then,
            "areas-status",
            &[("ministry", "BZK")],
            "Bars",
        );
        assert_eq!(
            chart.src,
            "/grafieken/areas-status.svg?ministry=BZK&as_of=2021-03-31&lang=en&width=800&height=520"
        );
        assert_eq!(
            chart.narrow_src,
            "/grafieken/areas-status.svg?ministry=BZK&as_of=2021-03-31&lang=en&width=300&height=840"
        );
    }
}
