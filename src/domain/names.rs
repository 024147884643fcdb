//! Codes as people type them. Wherever a code is accepted (a CLI flag, a query parameter, a
//! spreadsheet cell), its Dutch and English names are accepted too, in any case and with spaces,
//! hyphens or underscores alike: `szw`, `rood`, `Schuldenproblematiek`, `Den Haag Zuidwest`,
//! `on track`. A refusal lists the valid values as [`Choice`]s.

use crate::domain::{ActionStatus, Lang, Role, UnknownCode};

/// What two spellings of a name have in common: lower case, every run of other characters than
/// letters and digits one hyphen (`Den Haag  Zuidwest` and `den-haag-zuidwest` are the same).
pub fn key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// A valid value as a refusal lists it: the code, and its name in each language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub code: String,
    pub nl: String,
    pub en: String,
}

impl Choice {
    pub fn new(code: impl Into<String>, nl: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            nl: nl.into(),
            en: en.into(),
        }
    }

    /// A value that has no name besides its code (`csv`, `read_write`).
    pub fn code(code: impl Into<String>) -> Self {
        let code = code.into();
        Self::new(code.clone(), code.clone(), code)
    }

    /// Values that have no names besides their codes.
    pub fn codes<S: AsRef<str>>(codes: &[S]) -> Vec<Self> {
        codes.iter().map(|c| Self::code(c.as_ref())).collect()
    }

    /// `off_track (rood)`, or the code alone when the name says the same.
    pub fn text(&self, lang: Lang) -> String {
        let name = match lang {
            Lang::Nl => &self.nl,
            Lang::En => &self.en,
        };
        if name.is_empty() || key(name) == key(&self.code) {
            self.code.clone()
        } else {
            format!("{} ({name})", self.code)
        }
    }
}

/// A closed set of codes with names in both languages.
pub trait Named: Sized + Copy + 'static {
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
    /// Every name the value is known by besides its code, the Dutch and English ones first.
    fn names(self) -> &'static [&'static str];

    /// The value `text` names: its code exactly, or any of its names as [`key`] reads them.
    fn from_name(text: &str) -> Result<Self, UnknownCode> {
        let text = text.trim();
        if let Some(found) = Self::ALL.iter().find(|v| v.code() == text) {
            return Ok(*found);
        }
        let wanted = key(text);
        Self::ALL
            .iter()
            .find(|v| key(v.code()) == wanted || v.names().iter().any(|n| key(n) == wanted))
            .copied()
            .ok_or_else(|| UnknownCode {
                value: text.to_string(),
                expected: Self::codes(),
                choices: Self::choices(),
            })
    }

    /// The codes, for [`UnknownCode`].
    fn codes() -> &'static [&'static str];

    /// Every value with its names, for a refusal.
    fn choices() -> Vec<Choice> {
        Self::ALL
            .iter()
            .map(|v| {
                let names = v.names();
                let nl = names.first().copied().unwrap_or("");
                let en = names.get(1).copied().unwrap_or(nl);
                Choice::new(v.code(), nl, en)
            })
            .collect()
    }
}

impl Named for ActionStatus {
    const ALL: &'static [Self] = ActionStatus::ALL;

    fn codes() -> &'static [&'static str] {
        ActionStatus::CODES
    }

    fn code(self) -> &'static str {
        self.as_str()
    }

    fn names(self) -> &'static [&'static str] {
        match self {
            Self::NotStarted => &["niet gestart", "not started"],
            Self::OnTrack => &["groen", "green", "op schema"],
            Self::AtRisk => &["oranje", "amber", "orange", "knelpunten"],
            Self::OffTrack => &["rood", "red", "wordt niet gehaald"],
            Self::Completed => &["afgerond", "completed", "gereed"],
            Self::Discontinued => &["gestopt", "stopped"],
        }
    }
}

impl Named for Role {
    const ALL: &'static [Self] = Role::ALL;

    fn codes() -> &'static [&'static str] {
        Role::CODES
    }

    fn code(self) -> &'static str {
        self.as_str()
    }

    fn names(self) -> &'static [&'static str] {
        match self {
            Self::Admin => &["programmabureau", "programme office", "beheerder"],
            Self::Ministry => &["ministerie", "ministry"],
            Self::Municipality => &["gemeente", "municipality"],
            Self::Viewer => &["meelezer", "viewer", "lezer"],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_spaces_hyphens_and_underscores() {
        assert_eq!(key(" Den Haag  Zuidwest "), "den-haag-zuidwest");
        assert_eq!(key("on_track"), key("On Track"));
        assert_eq!(key("Coördinatie"), "coördinatie");
    }

    #[test]
    fn statuses_are_found_by_code_and_by_dutch_and_english_names() {
        for (text, status) in [
            ("off_track", ActionStatus::OffTrack),
            ("rood", ActionStatus::OffTrack),
            ("ROOD", ActionStatus::OffTrack),
            ("Red", ActionStatus::OffTrack),
            ("oranje", ActionStatus::AtRisk),
            ("at risk", ActionStatus::AtRisk),
            ("Groen", ActionStatus::OnTrack),
            ("niet gestart", ActionStatus::NotStarted),
            ("Not-Started", ActionStatus::NotStarted),
            ("afgerond", ActionStatus::Completed),
            ("gestopt", ActionStatus::Discontinued),
        ] {
            assert_eq!(ActionStatus::from_name(text), Ok(status), "{text}");
        }
        let refused = ActionStatus::from_name("paars").unwrap_err();
        assert_eq!(refused.value, "paars");
        assert_eq!(refused.expected.len(), ActionStatus::ALL.len());
    }

    #[test]
    fn roles_are_found_by_their_dutch_names() {
        assert_eq!(Role::from_name("gemeente"), Ok(Role::Municipality));
        assert_eq!(Role::from_name("Programmabureau"), Ok(Role::Admin));
        assert_eq!(Role::from_name("meelezer"), Ok(Role::Viewer));
        assert!(Role::from_name("koning").is_err());
    }

    #[test]
    fn a_choice_names_itself_in_the_readers_language_unless_the_name_is_the_code() {
        let choices = ActionStatus::choices();
        let off_track = choices.iter().find(|c| c.code == "off_track").unwrap();
        assert_eq!(off_track.text(Lang::Nl), "off_track (rood)");
        assert_eq!(off_track.text(Lang::En), "off_track (red)");
        assert_eq!(Choice::code("csv").text(Lang::Nl), "csv");
        let completed = choices.iter().find(|c| c.code == "completed").unwrap();
        assert_eq!(completed.text(Lang::En), "completed");
    }
}
