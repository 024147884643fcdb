//! Numbers and dates written the way the chart's language writes them, and fitting text into a
//! width.

use chrono::{Datelike, NaiveDate};
use plotters::prelude::DrawingBackend;

use crate::canvas::{Canvas, Font};
use crate::lang::{Lang, Noun};

/// Abbreviated month name ("mrt", "Mar"); `month` is 1-based.
pub(crate) fn month_abbr(month: u32, lang: Lang) -> &'static str {
    let index = month.clamp(1, 12) - 1;
    lang.words().months[index as usize]
}

/// "1 mrt 2021", "1 Mar 2021".
pub(crate) fn date(value: NaiveDate, lang: Lang) -> String {
    format!(
        "{} {} {}",
        value.day(),
        month_abbr(value.month(), lang),
        value.year()
    )
}

/// "1 gebied", "16 gebieden": a count with the noun in the right number.
pub(crate) fn counted(count: usize, noun: Noun, lang: Lang) -> String {
    let word = if count == 1 { noun.one } else { noun.many };
    format!("{} {word}", number(count as f64, 0, lang))
}

/// A number with grouped thousands: Dutch "1.234,5", English "1,234.5".
pub(crate) fn number(value: f64, decimals: usize, lang: Lang) -> String {
    let words = lang.words();
    let formatted = format!("{:.*}", decimals, value.abs());
    let (integer, fraction) = match formatted.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (formatted.as_str(), None),
    };
    let mut grouped = String::new();
    for (index, digit) in integer.chars().enumerate() {
        if index > 0 && (integer.len() - index) % 3 == 0 {
            grouped.push(words.thousands_separator);
        }
        grouped.push(digit);
    }
    let is_zero = formatted.chars().all(|c| c == '0' || c == '.');
    let mut result = String::new();
    if value < 0.0 && !is_zero {
        result.push('-');
    }
    result.push_str(&grouped);
    if let Some(fraction) = fraction {
        result.push(words.decimal_separator);
        result.push_str(fraction);
    }
    result
}

/// A number with its unit: "12,5 %" or "340 huishoudens" ("12.5%" in English).
pub(crate) fn with_unit(value: f64, decimals: usize, unit: Option<&str>, lang: Lang) -> String {
    let number = number(value, decimals, lang);
    match unit.map(str::trim) {
        Some("%") if !lang.words().space_before_percent => format!("{number}%"),
        Some(unit) if !unit.is_empty() => format!("{number} {unit}"),
        _ => number,
    }
}

/// How many decimals show the values on a scale with this step without noise.
pub(crate) fn decimals_for_step(step: f64) -> usize {
    if !step.is_finite() || step <= 0.0 || step >= 1.0 {
        return 0;
    }
    let decimals = (-step.log10()).ceil();
    // Steps like 0.25 need one more than their order of magnitude.
    let scaled = step * 10f64.powf(decimals);
    let extra = if (scaled - scaled.round()).abs() > 1e-9 {
        1.0
    } else {
        0.0
    };
    (decimals + extra).clamp(0.0, 6.0) as usize
}

/// `text` cut to `max_width` pixels, ending in "…" when it was cut.
pub(crate) fn ellipsize<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    text: &str,
    font: Font,
    max_width: i32,
) -> String {
    if canvas.text_width(text, font) <= max_width {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    // Binary search for the longest prefix that fits together with the ellipsis.
    let (mut low, mut high) = (0usize, chars.len());
    while low < high {
        let middle = (low + high).div_ceil(2);
        let candidate: String = chars[..middle].iter().collect::<String>() + "…";
        if canvas.text_width(&candidate, font) <= max_width {
            low = middle;
        } else {
            high = middle - 1;
        }
    }
    let prefix: String = chars[..low].iter().collect();
    format!("{}…", prefix.trim_end())
}

/// Greedy word wrap into at most `max_lines` lines of `max_width` pixels; the last line is
/// ellipsized when text is left over. A word wider than a line breaks after its hyphens
/// ("Leeuwarden-" / "Oost"), or else is ellipsized.
pub(crate) fn wrap<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    text: &str,
    font: Font,
    max_width: i32,
    max_lines: usize,
) -> Vec<String> {
    let max_lines = max_lines.max(1);
    let pieces = pieces(canvas, text, font, max_width);
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut rest_index = pieces.len();
    for (index, (piece, separator)) in pieces.iter().enumerate() {
        let candidate = format!("{current}{separator}{piece}");
        if current.is_empty() || canvas.text_width(&candidate, font) <= max_width {
            current = if current.is_empty() {
                piece.to_string()
            } else {
                candidate
            };
            continue;
        }
        lines.push(std::mem::take(&mut current));
        if lines.len() == max_lines {
            rest_index = index;
            break;
        }
        current = piece.to_string();
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if rest_index < pieces.len()
        && let Some(last) = lines.last_mut()
    {
        // The joined text is wider than the line (that is why it broke), so this adds "…".
        let rest: String = pieces[rest_index..]
            .iter()
            .map(|(piece, separator)| format!("{separator}{piece}"))
            .collect();
        *last = ellipsize(canvas, &format!("{last}{rest}"), font, max_width);
    }
    lines
        .into_iter()
        .map(|line| ellipsize(canvas, &line, font, max_width))
        .collect()
}

/// The pieces a line may break between, each with what joins it to the piece before: the
/// words, and the parts of a word too wide for a line after each hyphen inside it.
fn pieces<'t, DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    text: &'t str,
    font: Font,
    max_width: i32,
) -> Vec<(&'t str, &'static str)> {
    let mut pieces = Vec::new();
    for word in text.split_whitespace() {
        let mut separator = if pieces.is_empty() { "" } else { " " };
        if canvas.text_width(word, font) <= max_width {
            pieces.push((word, separator));
            continue;
        }
        let mut rest = word;
        // Break after a hyphen with a letter on both sides, never at the word's ends.
        while let Some(at) = rest.char_indices().skip(1).find_map(|(index, character)| {
            let after = index + character.len_utf8();
            (character == '-' && after < rest.len()).then_some(after)
        }) {
            pieces.push((&rest[..at], separator));
            separator = "";
            rest = &rest[at..];
        }
        pieces.push((rest, separator));
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_numbers_use_a_decimal_comma_and_dots_between_thousands() {
        assert_eq!(number(1234.5, 1, Lang::Nl), "1.234,5");
        assert_eq!(number(1_234_567.0, 0, Lang::Nl), "1.234.567");
        assert_eq!(number(-0.25, 2, Lang::Nl), "-0,25");
        assert_eq!(number(-0.001, 1, Lang::Nl), "0,0");
        assert_eq!(number(12.0, 0, Lang::Nl), "12");
        assert_eq!(number(999.0, 0, Lang::Nl), "999");
    }

    #[test]
    fn english_numbers_use_a_decimal_point_and_commas_between_thousands() {
        assert_eq!(number(1234.5, 1, Lang::En), "1,234.5");
        assert_eq!(number(-0.25, 2, Lang::En), "-0.25");
    }

    #[test]
    fn counted_nouns_agree_with_their_number() {
        let area = Lang::Nl.words().area;
        assert_eq!(counted(1, area, Lang::Nl), "1 gebied");
        assert_eq!(counted(16, area, Lang::Nl), "16 gebieden");
        assert_eq!(counted(0, Lang::Nl.words().theme, Lang::Nl), "0 thema's");
        assert_eq!(
            counted(1200, Lang::En.words().area, Lang::En),
            "1,200 areas"
        );
    }

    #[test]
    fn units_follow_the_number_after_a_space() {
        assert_eq!(with_unit(12.5, 1, Some("%"), Lang::Nl), "12,5 %");
        assert_eq!(with_unit(12.5, 1, Some("  "), Lang::Nl), "12,5");
        assert_eq!(with_unit(3.0, 0, None, Lang::Nl), "3");
        assert_eq!(with_unit(12.5, 1, Some("%"), Lang::En), "12.5%");
        assert_eq!(
            with_unit(340.0, 0, Some("households"), Lang::En),
            "340 households"
        );
    }

    #[test]
    fn dates_read_day_month_year() {
        let day = NaiveDate::from_ymd_opt(2021, 3, 1).unwrap_or_default();
        assert_eq!(date(day, Lang::Nl), "1 mrt 2021");
        assert_eq!(date(day, Lang::En), "1 Mar 2021");
        assert_eq!(month_abbr(10, Lang::Nl), "okt");
    }

    #[test]
    fn decimals_match_the_tick_step() {
        assert_eq!(decimals_for_step(5.0), 0);
        assert_eq!(decimals_for_step(0.5), 1);
        assert_eq!(decimals_for_step(0.25), 2);
        assert_eq!(decimals_for_step(0.02), 2);
    }
}
