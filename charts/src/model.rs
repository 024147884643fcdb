//! The plain data the renderers take: owned, serialisable, with no behaviour beyond labels.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::lang::Lang;

/// The status of a versnellingsactie (acceleration action) as Dutch progress reports read it:
/// the stoplicht (traffic light) colours groen, oranje and rood, plus afgerond, niet gestart and
/// gestopt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Niet gestart: work has not begun.
    NotStarted,
    /// Groen: op schema (on track).
    OnTrack,
    /// Oranje: knelpunten, maar haalbaar (problems, still achievable).
    AtRisk,
    /// Rood: wordt niet gehaald (will not be achieved).
    OffTrack,
    /// Afgerond: completed.
    Completed,
    /// Gestopt: discontinued on purpose.
    Discontinued,
}

impl Status {
    /// Every status in the order the charts stack and list them: done first, then the
    /// traffic lights from good to bad, then the inactive ones.
    pub const DISPLAY_ORDER: [Status; 6] = [
        Status::Completed,
        Status::OnTrack,
        Status::AtRisk,
        Status::OffTrack,
        Status::NotStarted,
        Status::Discontinued,
    ];

    /// The short word shown in cells ("groen", "afgerond", …).
    pub fn label(self, lang: Lang) -> &'static str {
        lang.words().status(self).label
    }

    /// The one-letter code used where the word does not fit (Dutch G, O, R, A, N, X).
    pub fn code(self, lang: Lang) -> &'static str {
        lang.words().status(self).code
    }

    /// The legend text: the word plus what it means in a progress report.
    pub fn legend(self, lang: Lang) -> &'static str {
        lang.words().status(self).legend
    }
}

/// Numbers of actions per status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCounts {
    /// Niet gestart.
    pub not_started: u32,
    /// Groen.
    pub on_track: u32,
    /// Oranje.
    pub at_risk: u32,
    /// Rood.
    pub off_track: u32,
    /// Afgerond.
    pub completed: u32,
    /// Gestopt.
    pub discontinued: u32,
}

impl StatusCounts {
    /// The count for one status.
    pub fn get(&self, status: Status) -> u32 {
        match status {
            Status::NotStarted => self.not_started,
            Status::OnTrack => self.on_track,
            Status::AtRisk => self.at_risk,
            Status::OffTrack => self.off_track,
            Status::Completed => self.completed,
            Status::Discontinued => self.discontinued,
        }
    }

    /// All actions together (u64, so six large counts cannot overflow).
    pub fn total(&self) -> u64 {
        Status::DISPLAY_ORDER
            .iter()
            .map(|status| u64::from(self.get(*status)))
            .sum()
    }
}

/// Input of [`crate::areas_status`]: one row per urban renewal area, drawn top to bottom in
/// this order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AreasStatus {
    /// Chart title; `None` gives the default in the chart's language.
    pub title: Option<String>,
    /// The areas and their action counts.
    pub areas: Vec<AreaCounts>,
}

/// One area's action counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AreaCounts {
    /// The area's name, e.g. "Rotterdam-Zuid".
    pub area: String,
    /// Its actions per status.
    pub counts: StatusCounts,
}

/// Input of [`crate::ministry_status`]: one bar per ministry, left to right in this order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MinistryStatus {
    /// Chart title; `None` gives the default in the chart's language.
    pub title: Option<String>,
    /// The ministries and their action counts.
    pub ministries: Vec<MinistryCounts>,
}

/// One ministry's action counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MinistryCounts {
    /// The ministry's short name, e.g. "BZK".
    pub ministry: String,
    /// The actions it leads, per status.
    pub counts: StatusCounts,
}

/// Input of [`crate::area_theme_matrix`]: areas as rows, themes as columns.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AreaThemeMatrix {
    /// Chart title; `None` gives the default in the chart's language.
    pub title: Option<String>,
    /// Column headers, left to right.
    pub themes: Vec<String>,
    /// One row per area, top to bottom.
    pub rows: Vec<MatrixRow>,
}

/// One area's stoplicht per theme.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MatrixRow {
    /// The area's name.
    pub area: String,
    /// One cell per theme, in the order of [`AreaThemeMatrix::themes`]: the worst status of the
    /// area's actions in that theme (rood before oranje before groen; the chart says so); `None`
    /// means the area has no action in that theme. A shorter row is padded with `None`; a longer one is an error.
    pub cells: Vec<Option<Status>>,
}

/// Input of [`crate::milestones_burnup`]: every milestone of the selection and the report's
/// cut-off date (peildatum).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MilestonesBurnup {
    /// Chart title; `None` gives the default in the chart's language.
    pub title: Option<String>,
    /// The report's cut-off date: done milestones count up to and including this day.
    pub cutoff: NaiveDate,
    /// The milestones, in any order.
    pub milestones: Vec<Milestone>,
}

/// One milestone's dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    /// Due date in the current plan.
    pub planned: NaiveDate,
    /// Due date in the original plan, when it has been re-planned since. Charts show the
    /// original plan too, so that re-planning cannot hide a delay.
    pub original_planned: Option<NaiveDate>,
    /// The day it was reached, if it was.
    pub done: Option<NaiveDate>,
}

/// Input of [`crate::indicator_trend`]: an indicator's measured values with its baseline
/// (nulmeting) and target (doel).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IndicatorTrend {
    /// Chart title; `None` uses the indicator's name.
    pub title: Option<String>,
    /// The indicator's name, e.g. "Jongeren zonder startkwalificatie".
    pub indicator: String,
    /// Unit shown after numbers, e.g. "%" or "huishoudens"; `None` shows bare numbers.
    pub unit: Option<String>,
    /// Measured values, in any order.
    pub values: Vec<DatedValue>,
    /// The baseline measurement (nulmeting), drawn as a horizontal line.
    pub baseline: Option<DatedValue>,
    /// The target (doel) and the date it should be reached by, drawn as a horizontal line and a
    /// marked date.
    pub target: Option<DatedValue>,
}

/// A value on a date.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DatedValue {
    /// The day of the measurement or deadline.
    pub date: NaiveDate,
    /// The value; must be finite.
    pub value: f64,
}

/// Input of [`crate::map`]: the areas as dots on a map of the Netherlands.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AreaMap {
    /// Chart title; `None` gives the default in the chart's language.
    pub title: Option<String>,
    /// The areas, labelled in this order (earlier areas get the best label positions).
    pub areas: Vec<MapArea>,
}

/// One area on the map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapArea {
    /// The area's name, written next to its dot.
    pub name: String,
    /// Latitude in degrees (WGS84).
    pub lat: f64,
    /// Longitude in degrees (WGS84).
    pub lon: f64,
    /// The worst status of the area's actions (rood before oranje before groen; the map's
    /// legend says so); `None` when it has no actions yet.
    pub status: Option<Status>,
}
