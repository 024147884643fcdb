//! Chart data from the tracked facts, rendered by the `versnelling-charts` crate.

use std::collections::BTreeMap;

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use versnelling_charts as charts;

use crate::db::DbConnection;
use crate::db::schema::{areas, indicators, themes};
use crate::domain::ActionStatus;
use crate::domain::rollup::StatusCounts;
use crate::error::{Error, FieldError, Result};
use crate::i18n::{Label, Lang, Msg};
use crate::service::actions::{ActionFilter, MilestoneDates, StatusCells};
use crate::service::progress::{self, Facts};
use crate::service::validate;

/// The charts there are, by the name in their URL.
pub const NAMES: &[&str] = &[
    "areas-status",
    "area-theme-matrix",
    "milestones-burnup",
    "ministry-status",
    "indicator-trend",
    "map",
];

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ChartQuery {
    pub area: Option<String>,
    pub municipality: Option<String>,
    pub ministry: Option<String>,
    pub theme: Option<String>,
    pub target_group: Option<String>,
    pub status: Option<String>,
    pub programme: Option<String>,
    pub period: Option<String>,
    pub as_of: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// The indicator of `indicator-trend`.
    pub indicator: Option<i64>,
    /// The language of the chart's texts (titles, axes, legends, status words, dates and
    /// numbers): `nl` (the default) or `en`. In English the themes have their English names;
    /// areas, ministries and indicators keep the one name they have.
    pub lang: Option<String>,
}

impl ChartQuery {
    /// The actions a chart is drawn from.
    pub fn action_filter(&self) -> ActionFilter {
        ActionFilter {
            area: self.area.clone(),
            municipality: self.municipality.clone(),
            ministry: self.ministry.clone(),
            theme: self.theme.clone(),
            target_group: self.target_group.clone(),
            status: self.status.clone(),
            programme: self.programme.clone(),
            ..Default::default()
        }
    }
}

fn status(status: ActionStatus) -> charts::Status {
    match status {
        ActionStatus::NotStarted => charts::Status::NotStarted,
        ActionStatus::OnTrack => charts::Status::OnTrack,
        ActionStatus::AtRisk => charts::Status::AtRisk,
        ActionStatus::OffTrack => charts::Status::OffTrack,
        ActionStatus::Completed => charts::Status::Completed,
        ActionStatus::Discontinued => charts::Status::Discontinued,
    }
}

fn counts(c: &StatusCounts) -> charts::StatusCounts {
    charts::StatusCounts {
        not_started: c.not_started,
        on_track: c.on_track,
        at_risk: c.at_risk,
        off_track: c.off_track,
        completed: c.completed,
        discontinued: c.discontinued,
    }
}

/// A rendered chart.
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
}

/// How a chart is to be drawn: its size and the language of its texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    pub size: charts::Size,
    pub lang: Lang,
}

/// Checks the size against the chart crate's limits and the language, naming every parameter
/// at fault.
pub fn options(query: &ChartQuery) -> Result<RenderOptions> {
    let default = charts::Size::DEFAULT;
    let width = query.width.unwrap_or(default.width);
    let height = query.height.unwrap_or(default.height);
    let mut errors = Vec::new();
    let lang = match query.lang.as_deref().map(Lang::from_name) {
        None => Some(Lang::Nl),
        Some(Ok(lang)) => Some(lang),
        Some(Err(refused)) => {
            errors.push(FieldError::new("lang", Msg::from(refused)));
            None
        }
    };
    if !charts::Size::WIDTH_RANGE.contains(&width) {
        errors.push(FieldError::new("width", width_range()));
    }
    if !charts::Size::HEIGHT_RANGE.contains(&height) {
        let r = charts::Size::HEIGHT_RANGE;
        errors.push(FieldError::new(
            "height",
            Msg::Between {
                min: i64::from(*r.start()),
                max: i64::from(*r.end()),
            },
        ));
    }
    validate::check(errors)?;
    let size =
        charts::Size::new(width, height).map_err(|_| Error::validation("width", width_range()))?;
    Ok(RenderOptions {
        size,
        lang: lang.unwrap_or(Lang::Nl),
    })
}

/// The chart crate's name for a language.
fn chart_lang(lang: Lang) -> charts::Lang {
    match lang {
        Lang::Nl => charts::Lang::Nl,
        Lang::En => charts::Lang::En,
    }
}

fn width_range() -> Msg {
    let r = charts::Size::WIDTH_RANGE;
    Msg::Between {
        min: i64::from(*r.start()),
        max: i64::from(*r.end()),
    }
}

/// The data of one chart, as the chart crate draws it. Reports keep it in their snapshot, so a
/// chart can be drawn again from the snapshot alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "chart", content = "data", rename_all = "kebab-case")]
pub enum ChartData {
    AreasStatus(charts::AreasStatus),
    AreaThemeMatrix(charts::AreaThemeMatrix),
    MilestonesBurnup(charts::MilestonesBurnup),
    MinistryStatus(charts::MinistryStatus),
    IndicatorTrend(charts::IndicatorTrend),
    Map(charts::AreaMap),
}

impl ChartData {
    /// Draws the chart with its fixed texts in `lang` (the names come from the data).
    /// CPU-bound: call it off the async workers.
    pub fn render(
        &self,
        format: charts::Format,
        size: charts::Size,
        lang: charts::Lang,
    ) -> Result<Vec<u8>> {
        let drawn = match self {
            Self::AreasStatus(data) => charts::areas_status(data, format, size, lang),
            Self::AreaThemeMatrix(data) => charts::area_theme_matrix(data, format, size, lang),
            Self::MilestonesBurnup(data) => charts::milestones_burnup(data, format, size, lang),
            Self::MinistryStatus(data) => charts::ministry_status(data, format, size, lang),
            Self::IndicatorTrend(data) => charts::indicator_trend(data, format, size, lang),
            Self::Map(data) => charts::map(data, format, size, lang),
        };
        drawn.map_err(|err| match err {
            charts::ChartError::InvalidSize { .. } => Error::validation("width", width_range()),
            other => Error::internal(format!("chart: {other}")),
        })
    }
}

/// The names charts show for the codes in the facts.
#[derive(Debug, Clone, Default)]
pub struct ChartNames {
    /// (code, name, latitude, longitude), by name.
    pub areas: Vec<(String, String, f64, f64)>,
    /// (code, name in the chart's language), in the order of the columns.
    pub themes: Vec<(String, String)>,
}

impl ChartNames {
    /// The names as they are now, the themes' in `lang`.
    pub fn load(conn: &mut DbConnection, lang: Lang) -> Result<Self> {
        let themes = themes::table.order(themes::id.asc());
        Ok(Self {
            areas: areas::table
                .order(areas::name.asc())
                .select((areas::code, areas::name, areas::latitude, areas::longitude))
                .load(conn)?,
            themes: match lang {
                Lang::Nl => themes.select((themes::code, themes::name_nl)).load(conn)?,
                Lang::En => themes.select((themes::code, themes::name_en)).load(conn)?,
            },
        })
    }

    pub fn area(&self, code: &str) -> String {
        self.areas
            .iter()
            .find(|(c, ..)| c == code)
            .map(|(_, n, ..)| n.clone())
            .unwrap_or_else(|| code.to_string())
    }
}

/// What the overview charts are drawn from: the actions counted per (area, ministry, theme)
/// code and status, and their milestones' dates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChartFacts {
    pub counts: StatusCells,
    /// (original due, due, done)
    pub milestones: Vec<MilestoneDates>,
    pub cut_off: chrono::NaiveDate,
}

impl ChartFacts {
    /// From facts loaded in full (a moment in the past, a period: rebuilt from history).
    pub fn from_facts(facts: &Facts) -> Self {
        let mut counts = StatusCells::new();
        for action in &facts.actions {
            counts
                .entry((
                    action.area.clone(),
                    action.ministry.clone(),
                    action.theme.clone(),
                ))
                .or_default()
                .add(action.status);
        }
        Self {
            counts,
            milestones: facts
                .milestones
                .values()
                .flatten()
                .map(|m| (m.original_due_date, m.due_date, m.done_on))
                .collect(),
            cut_off: facts.cut_off,
        }
    }

    /// The matching actions now, counted in a lean query: a chart of the whole programme reads
    /// four columns per action and, for the burn-up only (`with_milestones`), three dates per
    /// milestone, not every action in full.
    pub fn now(
        conn: &mut DbConnection,
        filter: &ActionFilter,
        with_milestones: bool,
    ) -> Result<Self> {
        let (counts, milestones) =
            crate::service::actions::chart_rows(conn, filter, with_milestones)?;
        Ok(Self {
            counts,
            milestones,
            cut_off: crate::domain::dates::amsterdam_date(crate::db::now()),
        })
    }

    /// The counts summed per key.
    fn by(
        &self,
        key: impl Fn(&(String, String, String)) -> String,
    ) -> BTreeMap<String, StatusCounts> {
        let mut out: BTreeMap<String, StatusCounts> = BTreeMap::new();
        for (cell, counts) in &self.counts {
            out.entry(key(cell)).or_default().add_all(counts);
        }
        out.retain(|_, counts| counts.total() > 0);
        out
    }
}

/// One of the overview charts (every name but `indicator-trend`) from facts loaded in full.
pub fn overview_data(name: &str, facts: &Facts, names: &ChartNames) -> Result<ChartData> {
    overview_from(name, &ChartFacts::from_facts(facts), names)
}

/// One of the overview charts from its counts and milestones.
pub fn overview_from(name: &str, facts: &ChartFacts, names: &ChartNames) -> Result<ChartData> {
    Ok(match name {
        "areas-status" => {
            let mut areas: Vec<charts::AreaCounts> = facts
                .by(|(area, ..)| area.clone())
                .iter()
                .map(|(area, c)| charts::AreaCounts {
                    area: names.area(area),
                    counts: counts(c),
                })
                .collect();
            areas.sort_by(|a, b| a.area.cmp(&b.area));
            ChartData::AreasStatus(charts::AreasStatus { title: None, areas })
        }
        "ministry-status" => ChartData::MinistryStatus(charts::MinistryStatus {
            title: None,
            ministries: facts
                .by(|(_, ministry, _)| ministry.clone())
                .iter()
                .map(|(ministry, c)| charts::MinistryCounts {
                    ministry: ministry.clone(),
                    counts: counts(c),
                })
                .collect(),
        }),
        "area-theme-matrix" => {
            let mut cells: BTreeMap<(String, String), StatusCounts> = BTreeMap::new();
            for ((area, _, theme), c) in &facts.counts {
                cells
                    .entry((area.clone(), theme.clone()))
                    .or_default()
                    .add_all(c);
            }
            let mut area_codes: Vec<String> =
                facts.by(|(area, ..)| area.clone()).into_keys().collect();
            area_codes.sort_by_key(|code| names.area(code));
            let rows = area_codes
                .iter()
                .map(|area| charts::MatrixRow {
                    area: names.area(area),
                    cells: names
                        .themes
                        .iter()
                        .map(|(theme, _)| {
                            cells
                                .get(&(area.clone(), theme.clone()))
                                .and_then(StatusCounts::worst)
                                .map(status)
                        })
                        .collect(),
                })
                .collect();
            ChartData::AreaThemeMatrix(charts::AreaThemeMatrix {
                title: None,
                themes: names.themes.iter().map(|(_, name)| name.clone()).collect(),
                rows,
            })
        }
        "milestones-burnup" => burnup_from(&facts.milestones, facts.cut_off),
        "map" => {
            let by_area = facts.by(|(area, ..)| area.clone());
            ChartData::Map(charts::AreaMap {
                title: None,
                areas: names
                    .areas
                    .iter()
                    .map(|(code, name, lat, lon)| charts::MapArea {
                        name: name.clone(),
                        lat: *lat,
                        lon: *lon,
                        status: by_area.get(code).and_then(StatusCounts::worst).map(status),
                    })
                    .collect(),
            })
        }
        other => return Err(Error::not_found_code(Label::Chart, other)),
    })
}

/// Milestones planned against done, up to the cut-off.
pub fn burnup_data<'a>(
    milestones: impl Iterator<Item = &'a crate::service::milestones::MilestoneJson>,
    cut_off: chrono::NaiveDate,
) -> ChartData {
    let dates: Vec<_> = milestones
        .map(|m| (m.original_due_date, m.due_date, m.done_on))
        .collect();
    burnup_from(&dates, cut_off)
}

/// The burn-up from (original due, due, done) dates.
fn burnup_from(dates: &[MilestoneDates], cut_off: chrono::NaiveDate) -> ChartData {
    let mut milestones: Vec<charts::Milestone> = dates
        .iter()
        .map(|(original, due, done)| charts::Milestone {
            planned: *due,
            original_planned: Some(*original),
            done: *done,
        })
        .collect();
    milestones.sort_by_key(|m| (m.planned, m.original_planned, m.done));
    ChartData::MilestonesBurnup(charts::MilestonesBurnup {
        title: None,
        cutoff: cut_off,
        milestones,
    })
}

/// An indicator's values against its baseline and target; the baseline is drawn from the first
/// measurement (or the day the indicator was made, when it has none).
pub fn indicator_trend_data(
    indicator: &crate::service::indicators::IndicatorJson,
    values: &[crate::service::indicators::ValueJson],
    created_on: chrono::NaiveDate,
) -> ChartData {
    let first = values.first().map(|v| v.measured_on).unwrap_or(created_on);
    ChartData::IndicatorTrend(charts::IndicatorTrend {
        title: None,
        indicator: indicator.name.clone(),
        unit: Some(indicator.unit.clone()).filter(|u| !u.is_empty()),
        values: values
            .iter()
            .map(|v| charts::DatedValue {
                date: v.measured_on,
                value: v.value,
            })
            .collect(),
        baseline: Some(charts::DatedValue {
            date: first,
            value: indicator.baseline_value,
        }),
        target: indicator.target_date.map(|date| charts::DatedValue {
            date,
            value: indicator.target_value,
        }),
    })
}

/// Builds and renders one chart. Blocking and CPU-bound: call it off the async workers.
pub fn render(
    conn: &mut DbConnection,
    name: &str,
    format: charts::Format,
    query: &ChartQuery,
) -> Result<Rendered> {
    let RenderOptions { size, lang } = options(query)?;
    let filter = query.action_filter();
    let data = match name {
        "indicator-trend" => {
            let id = query
                .indicator
                .ok_or_else(|| Error::validation("indicator", Msg::IndicatorToDraw))?;
            let as_of = crate::service::actions::as_of_param(query.as_of.as_deref())?;
            let indicator_id = crate::domain::IndicatorId::from(id);
            let indicator = crate::service::indicators::get(conn, indicator_id, as_of)?;
            let values = crate::service::indicators::values(conn, indicator_id, as_of)?;
            let created: chrono::NaiveDateTime = indicators::table
                .find(id)
                .select(indicators::created_at)
                .first(conn)?;
            indicator_trend_data(
                &indicator,
                &values,
                crate::domain::dates::amsterdam_date(created),
            )
        }
        _ => {
            if !NAMES.contains(&name) {
                return Err(Error::not_found_code(Label::Chart, name));
            }
            let names = ChartNames::load(conn, lang)?;
            let facts = if query.period.is_none() && query.as_of.is_none() {
                ChartFacts::now(conn, &filter, name == "milestones-burnup")?
            } else {
                ChartFacts::from_facts(&progress::load_facts(
                    conn,
                    &filter,
                    query.period.as_deref(),
                    query.as_of.as_deref(),
                )?)
            };
            overview_from(name, &facts, &names)?
        }
    };
    Ok(Rendered {
        bytes: data.render(format, size, chart_lang(lang))?,
        content_type: format.content_type(),
    })
}

/// Every chart for a selection (a period, filters): the overview charts, then one trend per
/// indicator of the selected actions, each as SVG and PNG. Returns (file name, bytes) pairs;
/// `progress` hears (done, total) after each.
pub fn render_all(
    conn: &mut DbConnection,
    query: &ChartQuery,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<(String, Vec<u8>)>> {
    // A wrong size or language fails before the facts are loaded.
    options(query)?;
    let filter = query.action_filter();
    let facts = progress::load_facts(
        conn,
        &filter,
        query.period.as_deref(),
        query.as_of.as_deref(),
    )?;
    let ids: Vec<i64> = facts.actions.iter().map(|a| a.id).collect();
    let mut indicator_ids = Vec::new();
    for chunk in ids.chunks(5_000) {
        indicator_ids.extend(
            indicators::table
                .filter(indicators::action_id.eq_any(chunk))
                .order(indicators::id.asc())
                .select(indicators::id)
                .load::<i64>(conn)?,
        );
    }
    let mut jobs: Vec<(String, String, Option<i64>)> = NAMES
        .iter()
        .filter(|name| **name != "indicator-trend")
        .map(|name| (name.to_string(), name.to_string(), None))
        .collect();
    jobs.extend(indicator_ids.iter().map(|id| {
        (
            format!("indicator-trend-{id}"),
            "indicator-trend".to_string(),
            Some(*id),
        )
    }));
    let formats = [
        (versnelling_charts::Format::Svg, "svg"),
        (versnelling_charts::Format::Png, "png"),
    ];
    let total = jobs.len() * formats.len();
    let mut files = Vec::with_capacity(total);
    for (file, name, indicator) in jobs {
        let mut chart_query = query.clone();
        chart_query.indicator = indicator;
        for (format, extension) in formats {
            let rendered = render(conn, &name, format, &chart_query)?;
            files.push((format!("{file}.{extension}"), rendered.bytes));
            progress(files.len(), total);
        }
    }
    Ok(files)
}
