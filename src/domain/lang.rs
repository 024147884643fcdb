//! The language of a reader (Dutch by default, and English), with dates, numbers and money
//! written the way that language writes them. A rule of the programme: its reports and pages
//! are Dutch first.

use chrono::{Datelike, NaiveDate, NaiveDateTime};

/// The language of a reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Nl,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Self::Nl => "nl",
            Self::En => "en",
        }
    }

    pub fn other(self) -> Self {
        match self {
            Self::Nl => Self::En,
            Self::En => Self::Nl,
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "nl" => Some(Self::Nl),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The language a person names (`nl`, `EN`, `Nederlands`, `English`), or a refusal that
    /// lists both: for parameters and flags.
    pub fn from_name(text: &str) -> Result<Self, super::UnknownCode> {
        match super::names::key(text).as_str() {
            "nl" | "nederlands" | "dutch" => Ok(Self::Nl),
            "en" | "engels" | "english" => Ok(Self::En),
            _ => Err(super::UnknownCode {
                value: text.to_string(),
                expected: &["nl", "en"],
                choices: vec![
                    super::Choice::new("nl", "Nederlands", "Dutch"),
                    super::Choice::new("en", "Engels", "English"),
                ],
            }),
        }
    }

    /// The first of nl or en in an `Accept-Language` header, by preference.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut choices: Vec<(f32, usize, Self)> = header
            .split(',')
            .enumerate()
            .filter_map(|(position, part)| {
                let mut pieces = part.trim().split(';');
                let tag = pieces.next()?.trim().to_ascii_lowercase();
                let quality = pieces
                    .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse().ok()))
                    .unwrap_or(1.0);
                let primary = tag.split('-').next()?;
                Self::from_code(primary).map(|lang| (quality, position, lang))
            })
            .filter(|(quality, ..)| *quality > 0.0)
            .collect();
        choices.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        choices.first().map(|(_, _, lang)| *lang)
    }

    /// `1 december 2026` / `1 December 2026`.
    pub fn date(self, date: NaiveDate) -> String {
        let months = match self {
            Self::Nl => MONTHS_NL,
            Self::En => MONTHS_EN,
        };
        let month = months
            .get(date.month0() as usize)
            .copied()
            .unwrap_or_default();
        format!("{} {month} {}", date.day(), date.year())
    }

    /// A stored UTC instant as a date and time in the Netherlands: `1 december 2026, 14:05`.
    pub fn date_time(self, utc: NaiveDateTime) -> String {
        let local = super::dates::amsterdam(utc);
        format!(
            "{}, {}",
            self.date(local.date_naive()),
            local.format("%H:%M")
        )
    }

    /// A number with a decimal comma in Dutch.
    pub fn number(self, value: f64) -> String {
        let text = if value.fract() == 0.0 && value.abs() < 1e15 {
            format!("{value:.0}")
        } else {
            format!("{value:.1}")
        };
        match self {
            Self::Nl => text.replace('.', ","),
            Self::En => text,
        }
    }

    /// A percentage, or a dash when there is none.
    pub fn percent(self, value: Option<f64>) -> String {
        value.map_or_else(|| "–".to_string(), |v| format!("{}%", self.number(v)))
    }

    /// An amount of euro cents in whole euros: `€ 1.250.000` / `€1,250,000`.
    pub fn euros(self, cents: i64) -> String {
        self.money(cents / 100, None)
    }

    /// An amount of euro cents with its cents when there are any: `€ 1.250.000,50` /
    /// `€1,250,000.50`.
    pub fn euros_exact(self, cents: i64) -> String {
        let rest = cents.unsigned_abs() % 100;
        let euros = (cents.unsigned_abs() / 100).to_string();
        let sign = if cents < 0 { "-" } else { "" };
        self.money_text(sign, &euros, (rest > 0).then_some(rest))
    }

    fn money(self, euros: i64, cents: Option<u64>) -> String {
        let sign = if euros < 0 { "-" } else { "" };
        self.money_text(sign, &euros.unsigned_abs().to_string(), cents)
    }

    /// `sign`, the digits grouped by thousands, and the cents, in this language's way.
    fn money_text(self, sign: &str, digits: &str, cents: Option<u64>) -> String {
        let (thousands, decimal) = match self {
            Self::Nl => ('.', ','),
            Self::En => (',', '.'),
        };
        let mut grouped = String::new();
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(thousands);
            }
            grouped.push(digit);
        }
        if let Some(cents) = cents {
            grouped = format!("{grouped}{decimal}{cents:02}");
        }
        match self {
            Self::Nl => format!("€ {sign}{grouped}"),
            Self::En => format!("{sign}€{grouped}"),
        }
    }

    /// A number with at most `decimals` decimals and no trailing zeros, with this language's
    /// decimal separator: `12,5` / `12.5`.
    pub fn decimal(self, value: f64, decimals: usize) -> String {
        let text = format!("{value:.decimals$}");
        let text = if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            text
        };
        let text = if text == "-0" { "0".to_string() } else { text };
        match self {
            Self::Nl => text.replace('.', ","),
            Self::En => text,
        }
    }
}

/// Euro cents as euros with two decimals after `decimal` and no thousands separator, which a
/// spreadsheet could take for a decimal one: `1250050` is `12500,50` for Dutch Excel and
/// `12500.50` for a program.
pub fn plain_euros(cents: i64, decimal: char) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}{}{decimal}{:02}", cents / 100, cents % 100)
}

const MONTHS_NL: &[&str] = &[
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_EN: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_the_dutch_way() {
        let date = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(Lang::Nl.date(date), "1 december 2026");
        assert_eq!(Lang::En.date(date), "1 December 2026");
        // 1 July 12:00 UTC is 14:00 in Amsterdam (summer time), 1 December 12:00 UTC is 13:00.
        let summer = NaiveDate::from_ymd_opt(2021, 7, 1)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        assert_eq!(Lang::Nl.date_time(summer), "1 juli 2021, 14:00");
        let winter = date.and_hms_opt(12, 0, 0).unwrap();
        assert_eq!(Lang::Nl.date_time(winter), "1 december 2026, 13:00");
    }

    #[test]
    fn accept_language_picks_the_preferred_of_dutch_and_english() {
        assert_eq!(Lang::from_accept_language("en-GB,en;q=0.9"), Some(Lang::En));
        assert_eq!(
            Lang::from_accept_language("de, en;q=0.5, nl;q=0.8"),
            Some(Lang::Nl)
        );
        assert_eq!(Lang::from_accept_language("fr, de"), None);
        assert_eq!(Lang::from_accept_language("en;q=0"), None);
    }

    #[test]
    fn numbers_and_money_follow_the_language() {
        assert_eq!(Lang::Nl.number(12.5), "12,5");
        assert_eq!(Lang::En.number(12.5), "12.5");
        assert_eq!(Lang::Nl.euros(125_000_000), "€ 1.250.000");
        assert_eq!(Lang::En.euros(125_000_000), "€1,250,000");
        assert_eq!(Lang::Nl.euros_exact(125_000_050), "€ 1.250.000,50");
        assert_eq!(Lang::Nl.euros_exact(-125_000_000), "€ -1.250.000");
        assert_eq!(Lang::En.euros_exact(5), "€0.05");
        assert_eq!(Lang::Nl.decimal(12.50, 2), "12,5");
        assert_eq!(Lang::Nl.decimal(-0.001, 1), "0");
    }
}
