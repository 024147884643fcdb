//! The action page's "Geschiedenis van de velden": every change of the action's fields (from
//! `service::history`), newest first, in the page's words — field names, dates, money and the
//! names of themes and target groups in the reader's language.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::domain::asof::AsOf;
use crate::service::history::FieldChange;
use crate::service::reference::Names;
use crate::web::i18n::Lang;

/// How many characters of a value a table cell shows (long descriptions are cut there).
const CELL_CHARS: usize = 120;

/// Shown for a value that is not there (no value, no reason, no user).
const NOTHING: &str = "—";

/// What the codes in the changes are called: themes and target groups (from `Names`) and
/// programmes (code → title, for those the changes name).
pub struct Words<'a> {
    pub names: &'a Names,
    pub programmes: BTreeMap<String, String>,
}

/// The programme codes the changes name, to look their titles up.
pub fn programme_codes(changes: &[FieldChange]) -> BTreeSet<String> {
    changes
        .iter()
        .filter(|c| c.field == "programme")
        .flat_map(|c| [&c.from, &c.to])
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// One change of one field, in words.
#[derive(Debug, Clone)]
pub struct FieldChangeRow {
    pub when: String,
    pub iso: String,
    pub field: String,
    pub from: String,
    pub to: String,
    pub reason: String,
    pub by: String,
}

/// The changes recorded before `moment` (all without one), newest first.
pub fn rows(
    lang: Lang,
    words: &Words<'_>,
    changes: &[FieldChange],
    moment: Option<AsOf>,
) -> Vec<FieldChangeRow> {
    changes
        .iter()
        .rev()
        .filter(|c| moment.is_none_or(|m| m.includes(c.recorded_at)))
        .map(|c| FieldChangeRow {
            when: lang.date_time(c.recorded_at),
            iso: format!("{}Z", c.recorded_at.format("%Y-%m-%dT%H:%M:%S")),
            field: match c.kind.as_str() {
                "action" => field_name(lang, &c.field),
                kind => {
                    let t = lang.texts();
                    let whose = if kind == "indicator" {
                        t.field_indicator
                    } else {
                        t.field_milestone
                    };
                    format!("{whose} “{}”: {}", c.name, field_name(lang, &c.field))
                }
            },
            from: cell(&value_text(lang, words, &c.field, &c.from)),
            to: cell(&value_text(lang, words, &c.field, &c.to)),
            reason: if c.reason.trim().is_empty() {
                NOTHING.to_string()
            } else {
                cell(&c.reason)
            },
            by: c.by.clone().unwrap_or_else(|| NOTHING.to_string()),
        })
        .collect()
}

/// What a field is called on the page; a field this page does not know keeps its name.
fn field_name(lang: Lang, field: &str) -> String {
    let t = lang.texts();
    match field {
        "title" => t.field_title,
        "description" => t.field_description,
        "responsible" => t.field_responsible,
        "theme" => t.field_theme,
        "programme" => t.field_programme,
        "target_groups" => t.field_target_groups,
        "budget_cents" => t.field_budget,
        "planned_start" => t.field_planned_start,
        "planned_end" => t.field_planned_end,
        "name" => t.field_name,
        "unit" => t.field_unit,
        "direction" => t.field_direction,
        "baseline_value" => t.field_baseline_value,
        "target_value" => t.field_target_value,
        "target_date" => t.field_target_date,
        "report_period" => t.field_report_period,
        other => other,
    }
    .to_string()
}

/// A value in words: money for the budget, dates as the page writes them, themes, target
/// groups and programmes by name, lists joined with commas, nothing as a dash.
fn value_text(lang: Lang, words: &Words<'_>, field: &str, value: &Value) -> String {
    let english = lang == Lang::En;
    let names = words.names;
    match (field, value) {
        (_, Value::Null) => NOTHING.to_string(),
        ("budget_cents", Value::Number(n)) => n
            .as_i64()
            .map_or_else(|| n.to_string(), |cents| lang.euros_exact(cents)),
        ("direction", Value::String(s)) if s == "increase" => {
            lang.texts().direction_increase.into()
        }
        ("direction", Value::String(s)) if s == "decrease" => {
            lang.texts().direction_decrease.into()
        }
        ("baseline_value" | "target_value", Value::Number(n)) => {
            n.as_f64().map_or_else(|| n.to_string(), |v| lang.number(v))
        }
        ("planned_start" | "planned_end" | "target_date", Value::String(s)) => s
            .parse::<chrono::NaiveDate>()
            .map_or_else(|_| s.clone(), |date| lang.date(date)),
        ("theme", Value::String(code)) => Names::pick(&names.themes, code, english),
        ("target_groups", Value::String(code)) => Names::pick(&names.target_groups, code, english),
        ("programme", Value::String(code)) => words
            .programmes
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.clone()),
        (_, Value::String(s)) => s.clone(),
        (_, Value::Array(items)) if items.is_empty() => NOTHING.to_string(),
        (_, Value::Array(items)) => items
            .iter()
            .map(|item| value_text(lang, words, field, item))
            .collect::<Vec<_>>()
            .join(", "),
        (_, other) => other.to_string(),
    }
}

/// A text cut to [`CELL_CHARS`] characters, with "…" where it was cut.
fn cell(text: &str) -> String {
    if text.chars().count() <= CELL_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(CELL_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names() -> Names {
        Names {
            themes: vec![("debt".into(), "Schulden".into(), "Debt".into())],
            target_groups: vec![("youth".into(), "Jongeren".into(), "Young people".into())],
            ..Names::default()
        }
    }

    #[test]
    fn values_are_written_in_the_pages_words() {
        let names = names();
        let words = Words {
            names: &names,
            programmes: [("wonen".to_string(), "Versnelling wonen".to_string())].into(),
        };
        let nl = |field, value| value_text(Lang::Nl, &words, field, &value);
        assert_eq!(nl("title", json!("Schuldhulp")), "Schuldhulp");
        assert_eq!(nl("description", Value::Null), "—");
        assert_eq!(nl("theme", json!("debt")), "Schulden");
        assert_eq!(
            nl("target_groups", json!(["youth", "elderly"])),
            "Jongeren, elderly"
        );
        assert_eq!(nl("target_groups", json!([])), "—");
        assert_eq!(nl("planned_end", json!("2021-12-31")), "31 december 2021");
        assert_eq!(
            nl("budget_cents", json!(125_000_050)),
            Lang::Nl.euros_exact(125_000_050)
        );
        assert_eq!(nl("programme", json!("wonen")), "Versnelling wonen");
        assert_eq!(nl("direction", json!("decrease")), "lager is beter");
        assert_eq!(nl("target_value", json!(1250.5)), Lang::Nl.number(1250.5));
        assert_eq!(nl("target_date", json!("2022-06-30")), "30 juni 2022");
        assert_eq!(nl("programme", json!("weg")), "weg");
        assert_eq!(
            value_text(Lang::En, &words, "theme", &json!("debt")),
            "Debt"
        );
    }

    #[test]
    fn long_texts_are_cut_with_an_ellipsis() {
        let long = "a".repeat(300);
        let shown = cell(&long);
        assert_eq!(shown.chars().count(), CELL_CHARS);
        assert!(shown.ends_with('…'));
        assert_eq!(cell("kort"), "kort");
        assert_eq!(cell(&"é".repeat(CELL_CHARS)), "é".repeat(CELL_CHARS));
    }
}
