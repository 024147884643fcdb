//! The codes of reference rows by id and back, loaded once per request: the API speaks in codes
//! (`rotterdam-zuid`, `BZK`, `housing`), the tables in ids.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{areas, ministries, municipalities, programmes, target_groups, themes};
use crate::domain::Choice;
use crate::domain::names::key;
use crate::error::{FieldError, Result};
use crate::i18n::{Label, Msg};

/// A kind of reference data, as codes name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Area,
    Municipality,
    Ministry,
    Theme,
    Programme,
    TargetGroup,
}

impl Kind {
    pub fn label(self) -> Label {
        match self {
            Self::Area => Label::Area,
            Self::Municipality => Label::Municipality,
            Self::Ministry => Label::Ministry,
            Self::Theme => Label::Theme,
            Self::Programme => Label::Programme,
            Self::TargetGroup => Label::TargetGroup,
        }
    }
}

/// One row of reference data as people may name it: its code, its names, and their [`key`]s.
#[derive(Debug, Clone)]
struct Known {
    id: i64,
    choice: Choice,
    keys: Vec<String>,
}

impl Known {
    fn new(id: i64, choice: Choice, also: &[&str]) -> Self {
        let mut keys: Vec<String> = [&choice.code, &choice.nl, &choice.en]
            .into_iter()
            .map(|n| key(n))
            .chain(also.iter().map(|n| key(n)))
            .filter(|k| !k.is_empty())
            .collect();
        keys.dedup();
        Self { id, choice, keys }
    }
}

#[derive(Debug, Default, Clone)]
pub struct Codes {
    /// area id → (code, municipality id)
    pub areas: HashMap<i64, (String, i64)>,
    pub municipalities: HashMap<i64, String>,
    pub ministries: HashMap<i64, String>,
    pub themes: HashMap<i64, String>,
    pub programmes: HashMap<i64, String>,
    pub target_groups: HashMap<i64, String>,
    /// Every row by kind, in code order, with the names it is known by.
    known: HashMap<Kind, Vec<Known>>,
    /// Where each code is in `known`, for lookups per cell of a large export.
    by_code: HashMap<Kind, HashMap<String, usize>>,
}

/// `Ministerie van Sociale Zaken en Werkgelegenheid` is also `Sociale Zaken en Werkgelegenheid`.
fn ministry_short_name(name: &str) -> &str {
    name.strip_prefix("Ministerie van ").unwrap_or(name)
}

impl Codes {
    /// The seeded reference codes (the 16 areas, their municipalities, the ministries, themes
    /// and target groups) with ids numbered from 1 in seed order, no programmes: for checking
    /// input without a database (the fuzz targets).
    pub fn reference() -> Self {
        use crate::seed::reference::{AREAS, MINISTRIES, MUNICIPALITIES, TARGET_GROUPS, THEMES};
        let numbered = |id: usize| i64::try_from(id + 1).unwrap_or(i64::MAX);
        let municipality_id = |code: &str| {
            MUNICIPALITIES
                .iter()
                .position(|m| m.code == code)
                .map_or(0, numbered)
        };
        let mut codes = Self::default();
        for (i, m) in MUNICIPALITIES.iter().enumerate() {
            codes.add_municipality(numbered(i), m.code, m.name);
        }
        for (i, a) in AREAS.iter().enumerate() {
            codes.add_area(numbered(i), a.code, a.name, municipality_id(a.municipality));
        }
        for (i, (code, name)) in MINISTRIES.iter().enumerate() {
            codes.add_ministry(numbered(i), code, name);
        }
        for (i, (code, nl, en, _)) in THEMES.iter().enumerate() {
            codes.add_theme(numbered(i), code, nl, en);
        }
        for (i, (code, nl, en)) in TARGET_GROUPS.iter().enumerate() {
            codes.add_target_group(numbered(i), code, nl, en);
        }
        codes.sort();
        codes
    }

    pub fn load(conn: &mut DbConnection) -> Result<Self> {
        let mut codes = Self::default();
        for (id, code, name) in municipalities::table
            .select((
                municipalities::id,
                municipalities::code,
                municipalities::name,
            ))
            .load::<(i64, String, String)>(conn)?
        {
            codes.add_municipality(id, &code, &name);
        }
        for (id, code, name, municipality) in areas::table
            .select((areas::id, areas::code, areas::name, areas::municipality_id))
            .load::<(i64, String, String, i64)>(conn)?
        {
            codes.add_area(id, &code, &name, municipality);
        }
        for (id, code, name) in ministries::table
            .select((ministries::id, ministries::code, ministries::name))
            .load::<(i64, String, String)>(conn)?
        {
            codes.add_ministry(id, &code, &name);
        }
        for (id, code, nl, en) in themes::table
            .select((themes::id, themes::code, themes::name_nl, themes::name_en))
            .load::<(i64, String, String, String)>(conn)?
        {
            codes.add_theme(id, &code, &nl, &en);
        }
        for (id, code, title) in programmes::table
            .select((programmes::id, programmes::code, programmes::title))
            .load::<(i64, String, String)>(conn)?
        {
            codes.programmes.insert(id, code.clone());
            codes.push(
                Kind::Programme,
                Known::new(id, Choice::new(code, &title, &title), &[]),
            );
        }
        for (id, code, nl, en) in target_groups::table
            .select((
                target_groups::id,
                target_groups::code,
                target_groups::name_nl,
                target_groups::name_en,
            ))
            .load::<(i64, String, String, String)>(conn)?
        {
            codes.add_target_group(id, &code, &nl, &en);
        }
        codes.sort();
        Ok(codes)
    }

    fn push(&mut self, kind: Kind, known: Known) {
        self.known.entry(kind).or_default().push(known);
    }

    fn add_municipality(&mut self, id: i64, code: &str, name: &str) {
        self.municipalities.insert(id, code.to_string());
        self.push(
            Kind::Municipality,
            Known::new(id, Choice::new(code, name, name), &[]),
        );
    }

    fn add_area(&mut self, id: i64, code: &str, name: &str, municipality: i64) {
        self.areas.insert(id, (code.to_string(), municipality));
        self.push(
            Kind::Area,
            Known::new(id, Choice::new(code, name, name), &[]),
        );
    }

    fn add_ministry(&mut self, id: i64, code: &str, name: &str) {
        self.ministries.insert(id, code.to_string());
        let short = ministry_short_name(name);
        self.push(
            Kind::Ministry,
            Known::new(id, Choice::new(code, short, short), &[name]),
        );
    }

    fn add_theme(&mut self, id: i64, code: &str, nl: &str, en: &str) {
        self.themes.insert(id, code.to_string());
        self.push(Kind::Theme, Known::new(id, Choice::new(code, nl, en), &[]));
    }

    fn add_target_group(&mut self, id: i64, code: &str, nl: &str, en: &str) {
        self.target_groups.insert(id, code.to_string());
        self.push(
            Kind::TargetGroup,
            Known::new(id, Choice::new(code, nl, en), &[]),
        );
    }

    /// Lists in code order, so refusals list the choices the same way every time.
    fn sort(&mut self) {
        self.by_code.clear();
        for (kind, list) in &mut self.known {
            list.sort_by(|a, b| a.choice.code.cmp(&b.choice.code));
            let index = list
                .iter()
                .enumerate()
                .map(|(index, known)| (known.choice.code.clone(), index))
                .collect();
            self.by_code.insert(*kind, index);
        }
    }

    /// The row with exactly this code.
    fn by_code(&self, kind: Kind, code: &str) -> Option<&Known> {
        let index = *self.by_code.get(&kind)?.get(code)?;
        self.known.get(&kind)?.get(index)
    }

    /// The row `text` names: its code exactly, else the first whose code or a name has the same
    /// [`key`] (`szw`, `Sociale Zaken en Werkgelegenheid`, `Schuldenproblematiek`).
    pub fn find(&self, kind: Kind, text: &str) -> Option<i64> {
        let text = text.trim();
        if let Some(known) = self.by_code(kind, text) {
            return Some(known.id);
        }
        let list = self.known.get(&kind)?;
        let wanted = key(text);
        if wanted.is_empty() {
            return None;
        }
        // A code written another way first; then a name, when it names one row only (two
        // programmes with the same title are refused rather than one of them guessed).
        if let Some(known) = list.iter().find(|k| k.keys.first() == Some(&wanted)) {
            return Some(known.id);
        }
        let mut named = list.iter().filter(|k| k.keys.contains(&wanted));
        match (named.next(), named.next()) {
            (Some(only), None) => Some(only.id),
            _ => None,
        }
    }

    /// The code of the row `text` names, or `None`.
    pub fn code_of(&self, kind: Kind, text: &str) -> Option<&str> {
        let id = self.find(kind, text)?;
        self.known
            .get(&kind)?
            .iter()
            .find(|k| k.id == id)
            .map(|k| k.choice.code.as_str())
    }

    /// The name of the row with `code` in `lang` (`debt` is `Schuldenproblematiek`), or the
    /// code when it has none.
    pub fn name_of(&self, kind: Kind, code: &str, lang: crate::domain::Lang) -> String {
        self.by_code(kind, code)
            .map(|k| match lang {
                crate::domain::Lang::Nl => k.choice.nl.as_str(),
                crate::domain::Lang::En => k.choice.en.as_str(),
            })
            .filter(|name| !name.is_empty())
            .unwrap_or(code)
            .to_string()
    }

    /// Every valid value of a kind, for a refusal.
    pub fn choices(&self, kind: Kind) -> Vec<Choice> {
        self.known
            .get(&kind)
            .map(|list| list.iter().map(|k| k.choice.clone()).collect())
            .unwrap_or_default()
    }

    pub fn area(&self, id: i64) -> &str {
        self.areas
            .get(&id)
            .map(|(code, _)| code.as_str())
            .unwrap_or("")
    }

    pub fn area_municipality(&self, area_id: i64) -> Option<i64> {
        self.areas
            .get(&area_id)
            .map(|(_, municipality)| *municipality)
    }

    pub fn municipality(&self, id: i64) -> &str {
        self.municipalities
            .get(&id)
            .map(String::as_str)
            .unwrap_or("")
    }

    pub fn ministry(&self, id: i64) -> &str {
        self.ministries.get(&id).map(String::as_str).unwrap_or("")
    }

    pub fn theme(&self, id: i64) -> &str {
        self.themes.get(&id).map(String::as_str).unwrap_or("")
    }

    pub fn programme(&self, id: i64) -> &str {
        self.programmes.get(&id).map(String::as_str).unwrap_or("")
    }

    pub fn target_group(&self, id: i64) -> &str {
        self.target_groups
            .get(&id)
            .map(String::as_str)
            .unwrap_or("")
    }

    pub fn area_id(&self, code: &str) -> Option<i64> {
        self.find(Kind::Area, code)
    }

    pub fn municipality_id(&self, code: &str) -> Option<i64> {
        self.find(Kind::Municipality, code)
    }

    pub fn ministry_id(&self, code: &str) -> Option<i64> {
        self.find(Kind::Ministry, code)
    }

    pub fn theme_id(&self, code: &str) -> Option<i64> {
        self.find(Kind::Theme, code)
    }

    pub fn programme_id(&self, code: &str) -> Option<i64> {
        self.find(Kind::Programme, code)
    }

    pub fn target_group_id(&self, code: &str) -> Option<i64> {
        self.find(Kind::TargetGroup, code)
    }
}

/// The row a code or name of `kind` stands for, or records "unknown KIND `text`; choose from
/// …" against `field`.
pub fn resolve(
    field: &str,
    kind: Kind,
    text: &str,
    codes: &Codes,
    errors: &mut Vec<FieldError>,
) -> Option<i64> {
    let found = codes.find(kind, text);
    if found.is_none() {
        errors.push(FieldError::new(field, unknown_msg(codes, kind, text)));
    }
    found
}

/// The refusal of a code or name of `kind` that does not exist, with the valid ones.
pub fn unknown_msg(codes: &Codes, kind: Kind, text: &str) -> Msg {
    Msg::UnknownChoice {
        kind: kind.label(),
        value: text.to_string(),
        valid: codes.choices(kind),
    }
}

/// The most unknown values one refusal repeats back.
const MAX_UNKNOWN_LISTED: usize = 10;

/// Resolves a comma-separated list of codes or names (`?ministry=szw,BZK`); a name with a comma
/// in it (`Onderwijs, Cultuur en Wetenschap`) counts whole. Every unknown value of the list is
/// named in one refusal, which lists the valid values once.
pub fn resolve_list(
    field: &str,
    kind: Kind,
    texts: &str,
    codes: &Codes,
    errors: &mut Vec<FieldError>,
) -> Vec<i64> {
    // The whole value, when it is a name (not codes joined: `rotterdam,zuid` is two values).
    if texts.contains(',')
        && let Some(code) = codes.code_of(kind, texts)
        && key(code) != key(texts)
        && let Some(id) = codes.find(kind, texts)
    {
        return vec![id];
    }
    let mut found = Vec::new();
    let mut unknown = Vec::new();
    for text in texts.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        match codes.find(kind, text) {
            Some(id) => found.push(id),
            None => unknown.push(text),
        }
    }
    if !unknown.is_empty() {
        let mut value = unknown
            .iter()
            .take(MAX_UNKNOWN_LISTED)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        if unknown.len() > MAX_UNKNOWN_LISTED {
            value.push_str(&format!(", … (+{})", unknown.len() - MAX_UNKNOWN_LISTED));
        }
        errors.push(FieldError::new(field, unknown_msg(codes, kind, &value)));
    }
    found
}

pub use crate::service::validate::check;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_data_is_found_by_code_and_by_name_in_either_language() {
        let codes = Codes::reference();
        let szw = codes.find(Kind::Ministry, "SZW").unwrap();
        for text in [
            "szw",
            "Sociale Zaken en Werkgelegenheid",
            "ministerie van sociale zaken en werkgelegenheid",
        ] {
            assert_eq!(codes.find(Kind::Ministry, text), Some(szw), "{text}");
        }
        let debt = codes.find(Kind::Theme, "debt").unwrap();
        assert_eq!(codes.find(Kind::Theme, "Schuldenproblematiek"), Some(debt));
        assert_eq!(codes.find(Kind::Theme, "DEBT"), Some(debt));
        let area = codes.find(Kind::Area, "den-haag-zuidwest").unwrap();
        assert_eq!(codes.find(Kind::Area, "Den Haag Zuidwest"), Some(area));
        assert_eq!(
            codes.code_of(Kind::Municipality, "den haag"),
            Some("den-haag")
        );
        assert_eq!(codes.find(Kind::Theme, "schulden"), None);
        let ocw = codes.find(Kind::Ministry, "OCW").unwrap();
        let mut errors = Vec::new();
        assert_eq!(
            resolve_list(
                "ministry",
                Kind::Ministry,
                "Onderwijs, Cultuur en Wetenschap",
                &codes,
                &mut errors
            ),
            [ocw],
            "a name with a comma in it counts whole"
        );
        assert_eq!(
            resolve_list("ministry", Kind::Ministry, "x,ocw,y", &codes, &mut errors),
            [ocw]
        );
        assert_eq!(errors.len(), 1, "one refusal names every unknown value");
        assert!(
            errors[0]
                .msg
                .to_string()
                .starts_with("unknown ministry `x, y`; choose from: BZK"),
            "{}",
            errors[0].msg
        );
        assert_eq!(codes.find(Kind::Theme, " "), None);
    }

    #[test]
    fn an_unknown_name_is_refused_with_every_valid_value_in_the_readers_language() {
        let codes = Codes::reference();
        let mut errors = Vec::new();
        let found = resolve_list("theme", Kind::Theme, "wonen,debt", &codes, &mut errors);
        assert_eq!(found.len(), 1);
        let message = &errors[0].msg;
        assert_eq!(
            message.text(crate::domain::Lang::Nl),
            "thema `wonen` bestaat niet; kies uit: debt (Schuldenproblematiek), \
             education (Onderwijsachterstanden), employment (Voorkomen werkloosheid), \
             housing (Huisvesting kwetsbare groepen), youth (Activiteitenaanbod jongeren)"
        );
        assert!(
            message
                .text(crate::domain::Lang::En)
                .contains("debt, education (Education gaps)"),
            "{}",
            message.text(crate::domain::Lang::En)
        );
    }
}
