//! Dutch formatting of numbers and dates, and fitting text into a width.

use chrono::{Datelike, NaiveDate};
use plotters::prelude::DrawingBackend;

use crate::canvas::{Canvas, Font};

const MONTHS: [&str; 12] = [
    "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
];

/// Abbreviated Dutch month name; `month` is 1-based.
pub(crate) fn month_abbr(month: u32) -> &'static str {
    let index = month.clamp(1, 12) - 1;
    MONTHS[index as usize]
}

/// "1 mrt 2021".
pub(crate) fn date_nl(date: NaiveDate) -> String {
    format!(
        "{} {} {}",
        date.day(),
        month_abbr(date.month()),
        date.year()
    )
}

/// "1 gebied", "16 gebieden": a count with the noun in the right number.
pub(crate) fn counted(count: usize, singular: &str, plural: &str) -> String {
    let noun = if count == 1 { singular } else { plural };
    format!("{} {noun}", number_nl(count as f64, 0))
}

/// A number the Dutch way: "1.234,5" (dot groups thousands, comma before decimals).
pub(crate) fn number_nl(value: f64, decimals: usize) -> String {
    let formatted = format!("{:.*}", decimals, value.abs());
    let (integer, fraction) = match formatted.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (formatted.as_str(), None),
    };
    let mut grouped = String::new();
    for (index, digit) in integer.chars().enumerate() {
        if index > 0 && (integer.len() - index) % 3 == 0 {
            grouped.push('.');
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
        result.push(',');
        result.push_str(fraction);
    }
    result
}

/// A number with its unit: "12,5 %" or "340 huishoudens".
pub(crate) fn with_unit(value: f64, decimals: usize, unit: Option<&str>) -> String {
    let number = number_nl(value, decimals);
    match unit {
        Some(unit) if !unit.trim().is_empty() => format!("{number} {}", unit.trim()),
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
/// ellipsized when text is left over, and so is a single word wider than a line.
pub(crate) fn wrap<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    text: &str,
    font: Font,
    max_width: i32,
    max_lines: usize,
) -> Vec<String> {
    let max_lines = max_lines.max(1);
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut rest_index = words.len();
    for (index, word) in words.iter().enumerate() {
        let candidate = if current.is_empty() {
            (*word).to_string()
        } else {
            format!("{current} {word}")
        };
        if current.is_empty() || canvas.text_width(&candidate, font) <= max_width {
            current = candidate;
            continue;
        }
        lines.push(std::mem::take(&mut current));
        if lines.len() == max_lines {
            rest_index = index;
            break;
        }
        current = (*word).to_string();
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if rest_index < words.len()
        && let Some(last) = lines.last_mut()
    {
        // The joined text is wider than the line (that is why it broke), so this adds "…".
        let joined = format!("{last} {}", words[rest_index..].join(" "));
        *last = ellipsize(canvas, &joined, font, max_width);
    }
    lines
        .into_iter()
        .map(|line| ellipsize(canvas, &line, font, max_width))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_use_a_decimal_comma_and_dots_between_thousands() {
        assert_eq!(number_nl(1234.5, 1), "1.234,5");
        assert_eq!(number_nl(1_234_567.0, 0), "1.234.567");
        assert_eq!(number_nl(-0.25, 2), "-0,25");
        assert_eq!(number_nl(-0.001, 1), "0,0");
        assert_eq!(number_nl(12.0, 0), "12");
        assert_eq!(number_nl(999.0, 0), "999");
    }

    #[test]
    fn counted_nouns_agree_with_their_number() {
        assert_eq!(counted(1, "gebied", "gebieden"), "1 gebied");
        assert_eq!(counted(16, "gebied", "gebieden"), "16 gebieden");
        assert_eq!(counted(0, "thema", "thema's"), "0 thema's");
    }

    #[test]
    fn units_follow_the_number_after_a_space() {
        assert_eq!(with_unit(12.5, 1, Some("%")), "12,5 %");
        assert_eq!(with_unit(12.5, 1, Some("  ")), "12,5");
        assert_eq!(with_unit(3.0, 0, None), "3");
    }

    #[test]
    fn dates_read_day_dutch_month_year() {
        let date = NaiveDate::from_ymd_opt(2021, 3, 1).unwrap_or_default();
        assert_eq!(date_nl(date), "1 mrt 2021");
        assert_eq!(month_abbr(10), "okt");
    }

    #[test]
    fn decimals_match_the_tick_step() {
        assert_eq!(decimals_for_step(5.0), 0);
        assert_eq!(decimals_for_step(0.5), 1);
        assert_eq!(decimals_for_step(0.25), 2);
        assert_eq!(decimals_for_step(0.02), 2);
    }
}
