//! The language a chart writes its own texts in, and those texts: one table per language.
//!
//! Only the fixed texts are translated here (titles, axis titles, legends, status words, months,
//! number punctuation). Names inside the data (areas, themes, indicators) are drawn as the caller
//! gives them, so a caller drawing for an English page passes English names.

use std::str::FromStr;

use crate::model::Status;

/// The language of a chart's fixed texts. Dutch unless asked otherwise: the programme's reports
/// and pages are Dutch first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Nederlands.
    #[default]
    Nl,
    /// English.
    En,
}

impl Lang {
    /// The language code: "nl" or "en".
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// Every fixed text a chart draws in this language.
    pub fn words(self) -> &'static Words {
        match self {
            Lang::Nl => &NL,
            Lang::En => &EN,
        }
    }
}

impl FromStr for Lang {
    type Err = String;

    /// Parses "nl" or "en" (any case).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "nl" => Ok(Lang::Nl),
            "en" => Ok(Lang::En),
            _ => Err(format!(
                "unknown chart language {text:?}: expected nl or en"
            )),
        }
    }
}

/// A noun in the singular and the plural, for counts ("1 gebied", "16 gebieden").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Noun {
    /// "gebied".
    pub one: &'static str,
    /// "gebieden".
    pub many: &'static str,
}

/// How a chart names one status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusWords {
    /// The short word shown in cells ("groen").
    pub label: &'static str,
    /// The legend text: the word plus what it means in a progress report.
    pub legend: &'static str,
    /// The one letter shown where the word does not fit ("G").
    pub code: &'static str,
}

/// Every fixed text the charts draw, in one language. Texts with `{name}` placeholders are
/// filled in by the chart that draws them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Words {
    /// The sentence an empty chart shows.
    pub no_data: &'static str,
    /// Niet gestart.
    pub not_started: StatusWords,
    /// Groen.
    pub on_track: StatusWords,
    /// Oranje.
    pub at_risk: StatusWords,
    /// Rood.
    pub off_track: StatusWords,
    /// Afgerond.
    pub completed: StatusWords,
    /// Gestopt.
    pub discontinued: StatusWords,
    /// Abbreviated month names, January first.
    pub months: [&'static str; 12],
    /// The character between thousands ("1.234" in Dutch).
    pub thousands_separator: char,
    /// The character before decimals ("12,5" in Dutch).
    pub decimal_separator: char,
    /// Whether a percent sign is written after a space ("12,5 %").
    pub space_before_percent: bool,

    /// Versnellingsactie.
    pub action: Noun,
    /// Gebied.
    pub area: Noun,
    /// Ministerie.
    pub ministry: Noun,
    /// Thema.
    pub theme: Noun,
    /// Mijlpaal.
    pub milestone: Noun,

    /// Default title of the areas' stacked bars.
    pub areas_status_title: &'static str,
    /// Default title of the ministries' stacked bars.
    pub ministry_status_title: &'static str,
    /// The stacked bars' subtitle: `{actions}` in `{categories}`.
    pub counts_summary: &'static str,
    /// The stacked bars' value axis.
    pub actions_axis: &'static str,

    /// Default title of the area × theme grid.
    pub matrix_title: &'static str,
    /// What a cell's colour means (a sentence after the counts in the subtitle).
    pub matrix_note: &'static str,
    /// The legend of a cell without actions.
    pub no_action_in_theme: &'static str,

    /// Default title of the milestones' burn-up.
    pub burnup_title: &'static str,
    /// The burn-up's value axis.
    pub burnup_axis: &'static str,
    /// Legend: the current plan.
    pub planned_current: &'static str,
    /// Legend: the original plan.
    pub planned_original: &'static str,
    /// Legend: milestones reached.
    pub achieved: &'static str,
    /// Legend: the cut-off date.
    pub cutoff: &'static str,
    /// The label of the cut-off line: `{date}`.
    pub cutoff_label: &'static str,
    /// The burn-up's subtitle: `{date}`, `{done}`, `{milestones}` (counted), `{due}`.
    pub burnup_summary: &'static str,
    /// Added to the subtitle when milestones are late: `{behind}`.
    pub burnup_behind: &'static str,
    /// Added to the subtitle when milestones were re-planned: `{due}`.
    pub burnup_original: &'static str,

    /// Title of an indicator without a name.
    pub indicator_fallback_title: &'static str,
    /// Legend: the measured values.
    pub measured: &'static str,
    /// Legend: the baseline (nulmeting).
    pub baseline: &'static str,
    /// Legend: the target (doel).
    pub target_legend: &'static str,
    /// The label of the baseline line: `{value}`.
    pub baseline_label: &'static str,
    /// The label of the target line: `{value}`.
    pub target_label: &'static str,
    /// The label of the target date: `{date}`.
    pub target_date_label: &'static str,
    /// Subtitle part: `{date}`, `{value}` of the latest measurement.
    pub latest_summary: &'static str,
    /// Subtitle part: `{date}`, `{value}` of the baseline.
    pub baseline_summary: &'static str,
    /// Subtitle part: `{value}` and `{date}` of the target.
    pub target_summary: &'static str,

    /// Default title of the map.
    pub map_title: &'static str,
    /// What a dot's colour and letter mean.
    pub map_note: &'static str,
    /// What a dot's colour and number mean, on maps too small for names.
    pub map_numbers_note: &'static str,
    /// The legend of an area without actions.
    pub no_actions_yet: &'static str,
}

impl Words {
    /// The words of one status.
    pub fn status(&self, status: Status) -> &StatusWords {
        match status {
            Status::NotStarted => &self.not_started,
            Status::OnTrack => &self.on_track,
            Status::AtRisk => &self.at_risk,
            Status::OffTrack => &self.off_track,
            Status::Completed => &self.completed,
            Status::Discontinued => &self.discontinued,
        }
    }
}

/// `template` with each `{name}` replaced by its value.
pub(crate) fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.to_string(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}

const NL: Words = Words {
    no_data: "Geen gegevens voor deze selectie",
    not_started: StatusWords {
        label: "niet gestart",
        legend: "niet gestart",
        code: "N",
    },
    on_track: StatusWords {
        label: "groen",
        legend: "groen: op schema",
        code: "G",
    },
    at_risk: StatusWords {
        label: "oranje",
        legend: "oranje: knelpunten, maar haalbaar",
        code: "O",
    },
    off_track: StatusWords {
        label: "rood",
        legend: "rood: wordt niet gehaald",
        code: "R",
    },
    completed: StatusWords {
        label: "afgerond",
        legend: "afgerond",
        code: "A",
    },
    discontinued: StatusWords {
        label: "gestopt",
        legend: "gestopt",
        code: "X",
    },
    months: [
        "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
    ],
    thousands_separator: '.',
    decimal_separator: ',',
    space_before_percent: true,

    action: Noun {
        one: "versnellingsactie",
        many: "versnellingsacties",
    },
    area: Noun {
        one: "gebied",
        many: "gebieden",
    },
    ministry: Noun {
        one: "ministerie",
        many: "ministeries",
    },
    theme: Noun {
        one: "thema",
        many: "thema's",
    },
    milestone: Noun {
        one: "mijlpaal",
        many: "mijlpalen",
    },

    areas_status_title: "Voortgang versnellingsacties per gebied",
    ministry_status_title: "Voortgang versnellingsacties per ministerie",
    counts_summary: "{actions} in {categories}",
    actions_axis: "Aantal versnellingsacties",

    matrix_title: "Stoplicht per gebied en thema",
    matrix_note: "Elke cel: het slechtste stoplicht van de acties in dat gebied en thema",
    no_action_in_theme: "geen actie in dit thema",

    burnup_title: "Mijlpalen: gepland en gerealiseerd",
    burnup_axis: "Aantal mijlpalen (cumulatief)",
    planned_current: "gepland (huidige planning)",
    planned_original: "oorspronkelijk gepland",
    achieved: "gerealiseerd",
    cutoff: "peildatum",
    cutoff_label: "peildatum {date}",
    burnup_summary: "Peildatum {date}: {done} van {milestones} gerealiseerd, {due} gepland",
    burnup_behind: " ({behind} achter op planning)",
    burnup_original: "; oorspronkelijk {due} gepland",

    indicator_fallback_title: "Indicator",
    measured: "gemeten waarde",
    baseline: "nulmeting",
    target_legend: "doel en doeldatum",
    baseline_label: "nulmeting: {value}",
    target_label: "doel: {value}",
    target_date_label: "doeldatum {date}",
    latest_summary: "Laatste meting {date}: {value}",
    baseline_summary: "nulmeting {date}: {value}",
    target_summary: "doel {value} vóór {date}",

    map_title: "Stedelijke vernieuwingsgebieden: status",
    map_note: "Kleur en letter: het slechtste stoplicht van de acties in het gebied",
    map_numbers_note: "Kleur: het slechtste stoplicht van de acties in het gebied; het nummer in de stip staat in de lijst hierboven, met de letter",
    no_actions_yet: "nog geen acties",
};

/// The English texts. The status words follow the English pages (red, amber, green), so the
/// letters differ from the Dutch ones where the words do: A is amber, C completed.
const EN: Words = Words {
    no_data: "No data for this selection",
    not_started: StatusWords {
        label: "not started",
        legend: "not started",
        code: "N",
    },
    on_track: StatusWords {
        label: "green",
        legend: "green: on track",
        code: "G",
    },
    at_risk: StatusWords {
        label: "amber",
        legend: "amber: problems, but achievable",
        code: "A",
    },
    off_track: StatusWords {
        label: "red",
        legend: "red: will not be achieved",
        code: "R",
    },
    completed: StatusWords {
        label: "completed",
        legend: "completed",
        code: "C",
    },
    discontinued: StatusWords {
        label: "stopped",
        legend: "stopped",
        code: "X",
    },
    months: [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ],
    thousands_separator: ',',
    decimal_separator: '.',
    space_before_percent: false,

    action: Noun {
        one: "action",
        many: "actions",
    },
    area: Noun {
        one: "area",
        many: "areas",
    },
    ministry: Noun {
        one: "ministry",
        many: "ministries",
    },
    theme: Noun {
        one: "theme",
        many: "themes",
    },
    milestone: Noun {
        one: "milestone",
        many: "milestones",
    },

    areas_status_title: "Progress of the actions per area",
    ministry_status_title: "Progress of the actions per ministry",
    counts_summary: "{actions} in {categories}",
    actions_axis: "Number of actions",

    matrix_title: "Traffic light per area and theme",
    matrix_note: "Each cell: the worst traffic light of the actions in that area and theme",
    no_action_in_theme: "no action in this theme",

    burnup_title: "Milestones: planned and achieved",
    burnup_axis: "Number of milestones (cumulative)",
    planned_current: "planned (current plan)",
    planned_original: "originally planned",
    achieved: "achieved",
    cutoff: "cut-off date",
    cutoff_label: "cut-off {date}",
    burnup_summary: "Cut-off date {date}: {done} of {milestones} achieved, {due} planned",
    burnup_behind: " ({behind} behind plan)",
    burnup_original: "; originally {due} planned",

    indicator_fallback_title: "Indicator",
    measured: "measured value",
    baseline: "baseline",
    target_legend: "target and target date",
    baseline_label: "baseline: {value}",
    target_label: "target: {value}",
    target_date_label: "target date {date}",
    latest_summary: "Latest measurement {date}: {value}",
    baseline_summary: "baseline {date}: {value}",
    target_summary: "target {value} by {date}",

    map_title: "Urban renewal areas: status",
    map_note: "Colour and letter: the worst traffic light of the area's actions",
    map_numbers_note: "Colour: the worst traffic light of the area's actions; the number in the dot is in the list above, with the letter",
    no_actions_yet: "no actions yet",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_parse_from_their_codes() {
        assert_eq!("nl".parse::<Lang>(), Ok(Lang::Nl));
        assert_eq!("EN".parse::<Lang>(), Ok(Lang::En));
        assert!("fr".parse::<Lang>().is_err());
        assert_eq!(Lang::default(), Lang::Nl);
        assert_eq!(Lang::En.code(), "en");
    }

    #[test]
    fn placeholders_are_filled_by_name() {
        let text = fill(NL.burnup_behind, &[("behind", "3")]);
        assert_eq!(text, " (3 achter op planning)");
    }

    #[test]
    fn every_status_has_its_own_letter_in_each_language() {
        for lang in [Lang::Nl, Lang::En] {
            let codes: Vec<&str> = Status::DISPLAY_ORDER
                .iter()
                .map(|status| lang.words().status(*status).code)
                .collect();
            for (index, code) in codes.iter().enumerate() {
                assert!(!codes[index + 1..].contains(code), "{lang:?} {code}");
            }
        }
    }
}
