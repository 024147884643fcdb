//! The report as a document: numbered headings, paragraphs, lists, tables and charts, in Dutch,
//! in the order the report reads. Markdown, HTML and PDF render this one outline, so the three
//! say the same thing in the same order.

use super::build::INDICATOR_CHARTS_PER_AREA;
use super::model::*;
use crate::domain::rollup::Rollup;
use crate::domain::{ActionStatus, Lang};
use crate::service::charts::ChartData;

/// A whole report.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    pub title: String,
    pub subtitle: String,
    /// Lines for the cover page under the title.
    pub cover: Vec<String>,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Heading(Heading),
    Paragraph(String),
    Bullets(Vec<String>),
    Table(Table),
    /// A chart with its numbers as a table (the text alternative).
    Chart(Chart, Table),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 (a chapter), 2 or 3.
    pub level: u8,
    /// "2.1"; empty for unnumbered headings.
    pub number: String,
    pub title: String,
    /// An id for links: `h-2-1`.
    pub anchor: String,
}

impl Heading {
    pub fn text(&self) -> String {
        if self.number.is_empty() {
            self.title.clone()
        } else {
            format!("{} {}", self.number, self.title)
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub caption: Option<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub header: String,
    /// Relative width on paper.
    pub width: f64,
    /// Right-aligned numbers.
    pub numeric: bool,
}

fn col(header: &str, width: f64) -> Column {
    Column {
        header: header.into(),
        width,
        numeric: false,
    }
}

fn num(header: &str, width: f64) -> Column {
    Column {
        header: header.into(),
        width,
        numeric: true,
    }
}

fn table(caption: Option<String>, columns: Vec<Column>, rows: Vec<Vec<String>>) -> Item {
    Item::Table(Table {
        caption,
        columns,
        rows,
    })
}

/// Numbers headings as the report goes.
struct Outline {
    items: Vec<Item>,
    counters: [u32; 3],
}

impl Outline {
    fn heading(&mut self, level: u8, title: impl Into<String>) {
        let index = usize::from(level.clamp(1, 3)) - 1;
        self.counters[index] += 1;
        for deeper in &mut self.counters[index + 1..] {
            *deeper = 0;
        }
        let number = self.counters[..=index]
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(".");
        self.items.push(Item::Heading(Heading {
            level: level.clamp(1, 3),
            anchor: format!("h-{}", number.replace('.', "-")),
            number,
            title: title.into(),
        }));
    }

    fn annex_heading(&mut self, level: u8, number: &str, title: &str) {
        self.items.push(Item::Heading(Heading {
            level,
            number: number.into(),
            title: title.into(),
            anchor: format!("h-bijlage-{}", number.to_lowercase().replace('.', "-")),
        }));
    }

    fn paragraph(&mut self, text: impl Into<String>) {
        self.items.push(Item::Paragraph(text.into()));
    }

    fn bullets(&mut self, items: Vec<String>) {
        if !items.is_empty() {
            self.items.push(Item::Bullets(items));
        }
    }
}

fn plural(count: u32, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

fn optional_date(date: Option<chrono::NaiveDate>) -> String {
    date.map(|d| Lang::Nl.date(d)).unwrap_or_else(|| "–".into())
}

fn yes_no(value: bool) -> String {
    if value { "ja" } else { "nee" }.into()
}

/// How far an area's indicators are on their way from baseline to target, in one sentence
/// ("29 indicatoren: 2 zijn minstens halverwege, 26 zijn nog niet halverwege en 1 is nog niet
/// gemeten."); where the area has too many for a chart each, it says so.
pub fn indicators_sentence(lines: &[IndicatorLine]) -> String {
    let [
        mut reached,
        mut half,
        mut below,
        mut no_span,
        mut unmeasured,
    ] = [0u32; 5];
    for line in lines {
        match line.progress_percent {
            _ if line.latest.is_none() => unmeasured += 1,
            // baseline and target are equal: no way to go, so no share of it
            None => no_span += 1,
            Some(p) if p >= 100.0 => reached += 1,
            Some(p) if p >= 50.0 => half += 1,
            Some(_) => below += 1,
        }
    }
    let parts: Vec<String> = [
        (
            reached,
            "heeft zijn doel bereikt",
            "hebben hun doel bereikt",
        ),
        (half, "is minstens halverwege", "zijn minstens halverwege"),
        (below, "is nog niet halverwege", "zijn nog niet halverwege"),
        (
            no_span,
            "heeft een doel gelijk aan de nulmeting",
            "hebben een doel gelijk aan de nulmeting",
        ),
        (unmeasured, "is nog niet gemeten", "zijn nog niet gemeten"),
    ]
    .iter()
    .filter(|(n, ..)| *n > 0)
    .map(|(n, one, many)| format!("{n} {}", if *n == 1 { one } else { many }))
    .collect();
    let mut text = format!(
        "{}: {}.",
        plural(
            u32::try_from(lines.len()).unwrap_or(u32::MAX),
            "indicator",
            "indicatoren"
        ),
        join_nl(&parts)
    );
    if lines.len() > INDICATOR_CHARTS_PER_AREA {
        text.push_str(&format!(
            " In een gebied met meer dan {INDICATOR_CHARTS_PER_AREA} indicatoren staat geen \
             grafiek per indicator; de tabel geeft de cijfers en het dashboard toont de grafiek \
             bij elke actie."
        ));
    }
    text
}

/// "a", "a en b", "a, b en c".
fn join_nl(parts: &[String]) -> String {
    match parts.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} en {last}", rest.join(", ")),
    }
}

/// "12 acties: 5 groen, 3 oranje, …".
pub fn counts_sentence(rollup: &Rollup) -> String {
    let s = &rollup.statuses;
    let parts: Vec<String> = [
        (s.on_track, "groen"),
        (s.at_risk, "oranje"),
        (s.off_track, "rood"),
        (s.completed, "afgerond"),
        (s.not_started, "niet gestart"),
        (s.discontinued, "gestopt"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, label)| format!("{n} {label}"))
    .collect();
    if parts.is_empty() {
        format!("{}.", plural(rollup.actions, "actie", "acties"))
    } else {
        format!(
            "{}: {}.",
            plural(rollup.actions, "actie", "acties"),
            parts.join(", ")
        )
    }
}

fn progress_sentence(rollup: &Rollup) -> String {
    let m = &rollup.milestones;
    format!(
        "Op schema (groen of afgerond): {}. Gewogen voortgang: {}. Mijlpalen tot de peildatum: {} \
         gepland, {} behaald waarvan {} op tijd, {} te laat behaald of nog open ({} verlopen).",
        percent_nl(rollup.on_schedule_percent),
        percent_nl(rollup.weighted_percent_complete),
        m.due,
        m.met,
        m.met_on_time,
        m.late,
        m.overdue
    )
}

fn status_row(label: &str, rollup: &Rollup) -> Vec<String> {
    let s = &rollup.statuses;
    vec![
        label.to_string(),
        rollup.actions.to_string(),
        s.on_track.to_string(),
        s.at_risk.to_string(),
        s.off_track.to_string(),
        s.completed.to_string(),
        s.not_started.to_string(),
        s.discontinued.to_string(),
        percent_nl(rollup.on_schedule_percent),
    ]
}

fn status_columns(first: &str) -> Vec<Column> {
    vec![
        col(first, 3.0),
        num("Acties", 1.0),
        num("Groen", 1.0),
        num("Oranje", 1.0),
        num("Rood", 1.0),
        num("Afgerond", 1.1),
        num("Niet gestart", 1.2),
        num("Gestopt", 1.0),
        num("Op schema", 1.2),
    ]
}

fn action_rows(lines: &[ActionLine], with_area: bool, with_ministry: bool) -> Item {
    let mut columns = vec![col("Actie", 4.0)];
    if with_area {
        columns.push(col("Gebied", 2.2));
    }
    if with_ministry {
        columns.push(col("Ministerie", 1.2));
    }
    columns.extend([
        col("Thema", 2.5),
        col("Stoplicht", 1.3),
        num("Voortgang", 1.2),
        col("Einde (oorspr.)", 1.6),
        col("Einde (huidig)", 1.6),
    ]);
    let rows = lines
        .iter()
        .map(|a| {
            let mut row = vec![a.title.clone()];
            if with_area {
                row.push(a.area.clone());
            }
            if with_ministry {
                row.push(a.ministry.clone());
            }
            row.extend([
                a.theme.clone(),
                a.status.word(Lang::Nl).to_string(),
                format!("{} %", a.percent_complete),
                a.original_end.to_string(),
                a.planned_end.to_string(),
            ]);
            row
        })
        .collect();
    table(None, columns, rows)
}

fn milestone_rows(lines: &[MilestoneLine], with_area: bool) -> Item {
    let mut columns = vec![col("Mijlpaal", 3.5), col("Actie", 3.0)];
    if with_area {
        columns.push(col("Gebied", 2.0));
    }
    columns.extend([
        col("Gepland (oorspr.)", 1.6),
        col("Gepland", 1.5),
        col("Behaald", 1.5),
        col("Te laat", 0.9),
    ]);
    let rows = lines
        .iter()
        .map(|m| {
            let mut row = vec![m.title.clone(), m.action.clone()];
            if with_area {
                row.push(m.area.clone());
            }
            row.extend([
                m.original_due.to_string(),
                m.due.to_string(),
                m.done_on
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "–".into()),
                yes_no(m.late),
            ]);
            row
        })
        .collect();
    table(None, columns, rows)
}

fn indicator_rows(lines: &[IndicatorLine], with_area: bool) -> Item {
    let mut columns = vec![col("Indicator", 3.5), col("Actie", 3.0)];
    if with_area {
        columns.push(col("Gebied", 2.0));
    }
    columns.extend([
        num("Nulmeting", 1.3),
        num("Doel", 1.1),
        col("Doel per", 1.5),
        num("Laatste", 1.2),
        col("Gemeten", 1.5),
        num("Van doel", 1.2),
    ]);
    let rows = lines
        .iter()
        .map(|i| {
            let unit = if i.unit.is_empty() {
                String::new()
            } else {
                format!(" {}", i.unit)
            };
            let mut row = vec![i.name.clone(), i.action.clone()];
            if with_area {
                row.push(i.area.clone());
            }
            row.extend([
                format!("{}{unit}", number_nl(i.baseline, 2)),
                format!("{}{unit}", number_nl(i.target, 2)),
                i.target_date
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "–".into()),
                i.latest
                    .map(|v| format!("{}{unit}", number_nl(v, 2)))
                    .unwrap_or_else(|| "–".into()),
                i.measured_on
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "–".into()),
                percent_nl(i.progress_percent),
            ]);
            row
        })
        .collect();
    table(None, columns, rows)
}

/// The numbers behind a chart, as a table: its text alternative.
pub fn chart_table(data: &ChartData) -> Table {
    match data {
        ChartData::AreasStatus(d) => Table {
            caption: None,
            columns: chart_status_columns("Gebied"),
            rows: d
                .areas
                .iter()
                .map(|a| counts_row(&a.area, &a.counts))
                .collect(),
        },
        ChartData::MinistryStatus(d) => Table {
            caption: None,
            columns: chart_status_columns("Ministerie"),
            rows: d
                .ministries
                .iter()
                .map(|m| counts_row(&m.ministry, &m.counts))
                .collect(),
        },
        ChartData::AreaThemeMatrix(d) => matrix_table(d),
        ChartData::MilestonesBurnup(d) => burnup_table(d),
        ChartData::IndicatorTrend(d) => trend_table(d),
        ChartData::Map(d) => Table {
            caption: None,
            columns: vec![col("Gebied", 3.0), col("Slechtste stoplicht", 2.0)],
            rows: d
                .areas
                .iter()
                .map(|a| {
                    vec![
                        a.name.clone(),
                        a.status
                            .map(|s| s.label(versnelling_charts::Lang::Nl).to_string())
                            .unwrap_or_else(|| "geen acties".into()),
                    ]
                })
                .collect(),
        },
    }
}

/// The columns of a chart's counts per status: the category, then the statuses as drawn.
fn chart_status_columns(first: &str) -> Vec<Column> {
    let mut columns = vec![col(first, 3.0)];
    for status in versnelling_charts::Status::DISPLAY_ORDER {
        columns.push(num(status.label(versnelling_charts::Lang::Nl), 1.0));
    }
    columns
}

/// A row of counts per status, in the order the charts draw them.
fn counts_row(label: &str, counts: &versnelling_charts::StatusCounts) -> Vec<String> {
    let mut row = vec![label.to_string()];
    for status in versnelling_charts::Status::DISPLAY_ORDER {
        row.push(counts.get(status).to_string());
    }
    row
}

/// The stoplicht per area and theme, as words.
fn matrix_table(d: &versnelling_charts::AreaThemeMatrix) -> Table {
    let mut columns = vec![col("Gebied", 3.0)];
    columns.extend(d.themes.iter().map(|t| col(t, 1.5)));
    Table {
        caption: None,
        columns,
        rows: d
            .rows
            .iter()
            .map(|r| {
                let mut row = vec![r.area.clone()];
                row.extend((0..d.themes.len()).map(|i| {
                    r.cells
                        .get(i)
                        .copied()
                        .flatten()
                        .map(|s| s.label(versnelling_charts::Lang::Nl).to_string())
                        .unwrap_or_else(|| "–".into())
                }));
                row
            })
            .collect(),
    }
}

/// The milestones planned and done by the cut-off.
fn burnup_table(d: &versnelling_charts::MilestonesBurnup) -> Table {
    let planned = d
        .milestones
        .iter()
        .filter(|m| m.planned <= d.cutoff)
        .count();
    let original = d
        .milestones
        .iter()
        .filter(|m| m.original_planned.unwrap_or(m.planned) <= d.cutoff)
        .count();
    let done = d
        .milestones
        .iter()
        .filter(|m| m.done.is_some_and(|x| x <= d.cutoff))
        .count();
    Table {
        caption: None,
        columns: vec![col("Tot de peildatum", 4.0), num("Mijlpalen", 1.5)],
        rows: vec![
            vec!["Gepland (huidige planning)".into(), planned.to_string()],
            vec![
                "Gepland (oorspronkelijke planning)".into(),
                original.to_string(),
            ],
            vec!["Behaald".into(), done.to_string()],
            vec!["Alle mijlpalen".into(), d.milestones.len().to_string()],
        ],
    }
}

/// An indicator's baseline, measurements by date and target.
fn trend_table(d: &versnelling_charts::IndicatorTrend) -> Table {
    let mut rows: Vec<Vec<String>> = Vec::new();
    if let Some(b) = d.baseline {
        rows.push(vec![
            "Nulmeting".into(),
            b.date.to_string(),
            number_nl(b.value, 2),
        ]);
    }
    let mut values = d.values.clone();
    values.sort_by_key(|v| v.date);
    for v in values {
        rows.push(vec![
            "Meting".into(),
            v.date.to_string(),
            number_nl(v.value, 2),
        ]);
    }
    if let Some(t) = d.target {
        rows.push(vec![
            "Doel".into(),
            t.date.to_string(),
            number_nl(t.value, 2),
        ]);
    }
    Table {
        caption: None,
        columns: vec![
            col("", 2.0),
            col("Datum", 2.0),
            num(d.unit.as_deref().unwrap_or("Waarde"), 2.0),
        ],
        rows,
    }
}

fn chart(outline: &mut Outline, chart: &Chart) {
    outline
        .items
        .push(Item::Chart(chart.clone(), chart_table(&chart.data)));
}

fn change_line(c: &StatusChange) -> String {
    let from = c.from.map(|s| s.word(Lang::Nl)).unwrap_or("nieuw");
    format!(
        "{} ({}, {}): {} → {}",
        c.title,
        c.area,
        c.ministry,
        from,
        c.to.word(Lang::Nl)
    )
}

fn period_span(period: &PeriodInfo) -> String {
    match period.starts_on {
        Some(start) => format!(
            "{} tot en met {}",
            Lang::Nl.date(start),
            Lang::Nl.date(period.cut_off)
        ),
        None => format!("tot en met {}", Lang::Nl.date(period.cut_off)),
    }
}

/// Lays the model out as a document.
pub fn outline(model: &ReportModel) -> Doc {
    let mut o = Outline {
        items: Vec::new(),
        counters: [0; 3],
    };
    summary(&mut o, model);
    since_previous(&mut o, model);
    overview_charts(&mut o, model, &["areas-status", "map"]);
    themes_chapter(&mut o, model);
    overview_charts(&mut o, model, &["area-theme-matrix"]);
    areas_chapter(&mut o, model);
    ministries_chapter(&mut o, model);
    overview_charts(&mut o, model, &["ministry-status"]);
    explanations_chapter(&mut o, model);
    deviations_chapter(&mut o, model);
    overview_charts(&mut o, model, &["milestones-burnup"]);
    corrections_chapter(&mut o, model);
    annex(&mut o, model);
    Doc {
        title: model.title.clone(),
        subtitle: model.period.name.clone(),
        cover: cover(model),
        items: o.items,
    }
}

/// The national charts with one of these ids, in the model's order.
fn overview_charts(o: &mut Outline, model: &ReportModel, ids: &[&str]) {
    for c in &model.charts {
        if ids.contains(&c.id.as_str()) {
            chart(o, c);
        }
    }
}

/// The lines on the cover page under the title.
fn cover(model: &ReportModel) -> Vec<String> {
    let generated = if model.as_of_date < model.period.cut_off {
        format!("Concept, stand per {}", Lang::Nl.date(model.as_of_date))
    } else {
        format!(
            "Stand per {} (peildatum)",
            Lang::Nl.date(model.period.cut_off)
        )
    };
    vec![
        generated,
        format!("Rapportageperiode: {}", period_span(&model.period)),
        format!(
            "{} in {} gebieden, {} ministeries",
            plural(model.summary.total.actions, "actie", "acties"),
            model.areas.len(),
            model.ministries.len()
        ),
        "Programmabureau versnellingsacties, ministerie van BZK".into(),
    ]
}

/// Chapter 1, the summary: the period, the totals in sentences and the stoplichten per theme.
fn summary(o: &mut Outline, model: &ReportModel) {
    let total = &model.summary.total;
    o.heading(1, "Samenvatting");
    o.paragraph(
        format!(
            "Deze rapportage beschrijft de voortgang van de versnellingsacties in de stedelijke \
         vernieuwingsgebieden over de periode {} ({}), met de stand zoals die op de peildatum \
         was vastgelegd. {}",
            model.period.name,
            period_span(&model.period),
            if model.as_of_date < model.period.cut_off {
                format!(
                    "De peildatum is nog niet verstreken: dit concept toont de stand per {}.",
                    Lang::Nl.date(model.as_of_date)
                )
            } else {
                String::new()
            }
        )
        .trim_end()
        .to_string(),
    );
    o.bullets(vec![
        counts_sentence(total),
        progress_sentence(total),
        format!(
            "Afwijking van de planning: {} te laat ten opzichte van de oorspronkelijke planning, \
             {} ten opzichte van de huidige planning; {} later gepland dan oorspronkelijk \
             (gemiddeld {} dagen verschoven).",
            plural(total.deviation.late_against_original, "actie", "acties"),
            total.deviation.late_against_current,
            plural(total.deviation.replanned_later, "actie", "acties"),
            number_nl(total.deviation.mean_slip_days, 1)
        ),
        format!(
            "Indicatoren ({}): doel bereikt {}, op weg {}, geen voortgang {}, nog zonder meting {}.",
            total.indicators.total,
            total.indicators.reached,
            total.indicators.progressing,
            total.indicators.not_progressing,
            total.indicators.no_values
        ),
    ]);
    let mut rows: Vec<Vec<String>> = model
        .summary
        .per_theme
        .iter()
        .map(|t| status_row(&t.name, &t.rollup))
        .collect();
    rows.push(status_row("Totaal", total));
    o.items.push(Item::Table(Table {
        caption: Some("Stoplichten per thema".into()),
        columns: status_columns("Thema"),
        rows,
    }));
}

/// Section 1.1: what changed since the previous published report.
fn since_previous(o: &mut Outline, model: &ReportModel) {
    o.heading(2, "Sinds de vorige rapportage");
    match (&model.previous, &model.summary.changes) {
        (Some(previous), Some(changes)) => {
            o.paragraph(format!(
                "Vergeleken met de vastgestelde rapportage {} (peildatum {}): {} verbeterd, {} \
                 verslechterd, {} gestart, {} afgerond, {} gestopt; {} nieuw.",
                previous.period.name,
                Lang::Nl.date(previous.period.cut_off),
                changes.improved.len(),
                changes.worsened.len(),
                changes.started.len(),
                changes.finished.len(),
                changes.stopped.len(),
                plural(changes.new_actions, "actie", "acties"),
            ));
            for (title, list) in [
                ("Verbeterd", &changes.improved),
                ("Verslechterd", &changes.worsened),
                ("Gestart", &changes.started),
                ("Afgerond", &changes.finished),
                ("Gestopt", &changes.stopped),
            ] {
                if !list.is_empty() {
                    o.heading(3, title);
                    o.bullets(list.iter().map(change_line).collect());
                }
            }
        }
        _ => o.paragraph(
            "Dit is de eerste rapportage: er is geen eerder vastgestelde rapportage om mee te \
             vergelijken.",
        ),
    }
}

/// The chapter per theme.
fn themes_chapter(o: &mut Outline, model: &ReportModel) {
    o.heading(1, "Per thema");
    o.paragraph(
        "Per thema: wat wilden we bereiken, wat hebben we gedaan en wat heeft het gekost. De \
         monitor legt begrote budgetten vast, geen uitgaven.",
    );
    for theme in &model.themes {
        o.heading(2, theme.name.clone());
        theme_goals(o, theme);
        theme_done(o, theme);
        theme_costs(o, theme);
    }
}

/// A theme's "what did we want to achieve": its description, programmes and indicators.
fn theme_goals(o: &mut Outline, theme: &ThemeSection) {
    o.heading(3, "Wat wilden we bereiken");
    if !theme.description.trim().is_empty() {
        o.paragraph(theme.description.clone());
    }
    o.bullets(
        theme
            .programmes
            .iter()
            .map(|p| {
                let description = if p.description.trim().is_empty() {
                    String::new()
                } else {
                    format!(": {}", p.description.trim())
                };
                format!(
                    "{} (trekker {}, {}){description}",
                    p.title,
                    p.lead_ministry,
                    plural(p.actions, "actie", "acties")
                )
            })
            .collect(),
    );
    if theme.goals.is_empty() {
        o.paragraph("Voor dit thema zijn (nog) geen indicatoren met een doel vastgelegd.");
    } else {
        o.paragraph(format!(
            "De {} met hun doel en de laatste meting:",
            plural(
                u32::try_from(theme.goals.len()).unwrap_or(u32::MAX),
                "indicator",
                "indicatoren"
            )
        ));
        o.items.push(indicator_rows(&theme.goals, true));
    }
}

/// A theme's "what have we done": its counts, the milestones met and the actions completed.
fn theme_done(o: &mut Outline, theme: &ThemeSection) {
    o.heading(3, "Wat hebben we gedaan");
    o.paragraph(format!(
        "{} {}",
        counts_sentence(&theme.rollup),
        progress_sentence(&theme.rollup)
    ));
    if theme.milestones_met.is_empty() {
        o.paragraph("In deze periode is geen mijlpaal behaald.");
    } else {
        o.paragraph(format!(
            "In deze periode behaald: {}.",
            plural(
                u32::try_from(theme.milestones_met.len()).unwrap_or(u32::MAX),
                "mijlpaal",
                "mijlpalen"
            )
        ));
        o.items.push(milestone_rows(&theme.milestones_met, true));
    }
    if !theme.completed.is_empty() {
        o.paragraph("In deze periode afgerond:");
        o.bullets(
            theme
                .completed
                .iter()
                .map(|a| format!("{} ({})", a.title, a.area))
                .collect(),
        );
    }
}

/// A theme's "what did it cost": the budgets in the current and the original plans.
fn theme_costs(o: &mut Outline, theme: &ThemeSection) {
    o.heading(3, "Wat heeft het gekost");
    let b = &theme.budget;
    let mut text = format!(
        "Begroot in de huidige planning: {} ({} met een begroting",
        euros_nl(b.current_cents),
        plural(b.actions_with_budget, "actie", "acties")
    );
    if b.actions_without_budget > 0 {
        text.push_str(&format!(", {} zonder", b.actions_without_budget));
    }
    text.push_str(&format!(
        "). In de oorspronkelijke planning: {}.",
        euros_nl(b.original_cents)
    ));
    if b.current_cents != b.original_cents {
        text.push_str(&format!(
            " Verschil: {}.",
            euros_nl(b.current_cents - b.original_cents)
        ));
    }
    o.paragraph(text);
}

/// The chapter per area.
fn areas_chapter(o: &mut Outline, model: &ReportModel) {
    o.heading(1, "Per gebied");
    o.paragraph(
        "Per stedelijk vernieuwingsgebied, voor de burgemeester: de acties, mijlpalen en \
         indicatoren in het gebied, met grafieken.",
    );
    for area in &model.areas {
        area_section(o, area);
    }
}

/// An area's section: its actions, milestones, indicators, local notes and charts.
fn area_section(o: &mut Outline, area: &AreaSection) {
    o.heading(2, format!("{} (gemeente {})", area.name, area.municipality));
    o.paragraph(format!(
        "{} {}",
        counts_sentence(&area.rollup),
        progress_sentence(&area.rollup)
    ));
    if area.actions.is_empty() {
        o.paragraph("Er lopen in dit gebied (nog) geen acties.");
        return;
    }
    o.items.push(action_rows(&area.actions, false, true));
    if !area.milestones.is_empty() {
        o.heading(3, "Mijlpalen");
        o.items.push(milestone_rows(&area.milestones, false));
    }
    if !area.indicators.is_empty() {
        o.heading(3, "Indicatoren");
        o.paragraph(indicators_sentence(&area.indicators));
        o.items.push(indicator_rows(&area.indicators, false));
    }
    if !area.notes.is_empty() {
        o.heading(3, "Lokale notities");
        o.bullets(
            area.notes
                .iter()
                .map(|n| match &n.action {
                    Some(action) => format!("{} ({action}): {}", Lang::Nl.date(n.on), n.text),
                    None => format!("{}: {}", Lang::Nl.date(n.on), n.text),
                })
                .collect(),
        );
    }
    if !area.charts.is_empty() {
        o.heading(3, "Grafieken");
        for c in &area.charts {
            chart(o, c);
        }
    }
}

/// The chapter per ministry, with its sign-off.
fn ministries_chapter(o: &mut Outline, model: &ReportModel) {
    o.heading(1, "Per ministerie");
    for ministry in &model.ministries {
        o.heading(2, format!("{} ({})", ministry.name, ministry.code));
        let signoff = match &ministry.signoff {
            Some(s) => format!(
                "Aanlevering: {} op {}{}.",
                s.state.label_nl(),
                Lang::Nl.date(s.on),
                s.by.as_deref()
                    .map(|b| format!(" door {b}"))
                    .unwrap_or_default()
            ),
            None => "Aanlevering: nog niet ingediend.".into(),
        };
        o.paragraph(format!(
            "{} {} {signoff}",
            counts_sentence(&ministry.rollup),
            progress_sentence(&ministry.rollup)
        ));
        o.items.push(action_rows(&ministry.actions, true, false));
    }
}

/// The chapter explaining the orange, red and stopped actions, grouped by status.
fn explanations_chapter(o: &mut Outline, model: &ReportModel) {
    o.heading(1, "Toelichting op oranje, rode en gestopte acties");
    if model.explanations.is_empty() {
        o.paragraph("Alle acties zijn groen, afgerond of nog niet gestart.");
    } else {
        o.paragraph(format!(
            "{} niet groen. Per actie de toelichting uit de voortgangsmeldingen en lokale \
             notities, de nieuwste eerst.",
            match model.explanations.len() {
                1 => "Eén actie is".to_string(),
                n => format!("{n} acties zijn"),
            }
        ));
    }
    for (status, group) in [
        (ActionStatus::OffTrack, "Rood: wordt niet gehaald"),
        (ActionStatus::AtRisk, "Oranje: knelpunten, maar haalbaar"),
        (ActionStatus::Discontinued, "Gestopt"),
    ] {
        let of_status: Vec<&Explanation> = model
            .explanations
            .iter()
            .filter(|e| e.action.status == status)
            .collect();
        if of_status.is_empty() {
            continue;
        }
        o.heading(2, format!("{group} ({})", of_status.len()));
        for e in of_status {
            explanation(o, e);
        }
    }
}

/// One action's explanation: where it stands and its notes.
fn explanation(o: &mut Outline, e: &Explanation) {
    o.heading(3, format!("{} ({})", e.action.title, e.action.area));
    o.paragraph(format!(
        "{}: {}, {}, thema {}. Voortgang {} %, einde gepland op {} (oorspronkelijk {}).",
        e.action.status.word(Lang::Nl),
        e.action.area,
        e.action.ministry,
        e.action.theme,
        e.action.percent_complete,
        Lang::Nl.date(e.action.planned_end),
        Lang::Nl.date(e.action.original_end)
    ));
    if e.notes.is_empty() {
        o.paragraph("Er is geen toelichting vastgelegd.");
    } else {
        o.bullets(
            e.notes
                .iter()
                .map(|n| format!("{}: {}", Lang::Nl.date(n.on), n.text))
                .collect(),
        );
    }
}

/// The chapter on deviations from the original and the current plan.
fn deviations_chapter(o: &mut Outline, model: &ReportModel) {
    o.heading(1, "Afwijkingen van de planning");
    let d = &model.deviations.total;
    o.paragraph(format!(
        "Afwijkingen worden getoond ten opzichte van de oorspronkelijke planning én de huidige \
         planning, zodat herplannen een vertraging niet verbergt. {} te laat ten opzichte van de \
         oorspronkelijke planning, {} ten opzichte van de huidige; {} later gepland dan \
         oorspronkelijk (gemiddeld {} dagen).",
        plural(d.late_against_original, "actie is", "acties zijn"),
        d.late_against_current,
        d.replanned_later,
        number_nl(d.mean_slip_days, 1)
    ));
    if model.deviations.rows.is_empty() {
        return;
    }
    o.items.push(table(
        None,
        vec![
            col("Actie", 3.5),
            col("Gebied", 2.0),
            col("Einde (oorspr.)", 1.5),
            col("Einde (huidig)", 1.5),
            num("Verschoven (dagen)", 1.3),
            col("Te laat t.o.v. oorspr.", 1.2),
            col("Te laat t.o.v. huidig", 1.2),
            col("Reden herplanning", 3.0),
        ],
        model
            .deviations
            .rows
            .iter()
            .map(|r| {
                vec![
                    r.action.title.clone(),
                    r.action.area.clone(),
                    r.action.original_end.to_string(),
                    r.action.planned_end.to_string(),
                    r.slip_days.to_string(),
                    yes_no(r.late_against_original),
                    yes_no(r.late_against_current),
                    r.replans
                        .iter()
                        .map(|p| format!("{}: {}", Lang::Nl.date(p.on), p.reason))
                        .collect::<Vec<_>>()
                        .join("; "),
                ]
            })
            .collect(),
    ));
}

/// The chapter on corrections to the previous report's numbers.
fn corrections_chapter(o: &mut Outline, model: &ReportModel) {
    o.heading(1, "Correcties op de vorige rapportage");
    match &model.previous {
        None => o.paragraph("Er is geen vorige rapportage, dus ook geen correcties."),
        Some(previous) if model.corrections.is_empty() => o.paragraph(format!(
            "Na de rapportage {} is niets vastgelegd dat de cijfers van toen verandert.",
            previous.period.name
        )),
        Some(previous) => {
            o.paragraph(format!(
                "Na de rapportage {} (peildatum {}) is vastgelegd wat de cijfers van toen \
                 verandert. Die rapportage blijft zoals zij is vastgesteld; hier staan de \
                 correcties.",
                previous.period.name,
                Lang::Nl.date(previous.period.cut_off)
            ));
            o.items.push(table(
                None,
                vec![
                    col("Actie", 3.0),
                    col("Gebied", 2.0),
                    col("Onderwerp", 3.0),
                    col("Was", 2.0),
                    col("Wordt", 2.0),
                    col("Vastgelegd", 1.6),
                ],
                model.corrections.iter().map(correction_row).collect(),
            ));
        }
    }
}

/// A correction as a table row: what the previous report said and what it becomes.
fn correction_row(c: &Correction) -> Vec<String> {
    let (was, becomes) = match &c.kind {
        CorrectionKind::Milestone {
            previous_done,
            corrected_done,
        } => (
            previous_done
                .map(|d| format!("behaald {}", Lang::Nl.date(d)))
                .unwrap_or_else(|| "niet behaald".into()),
            corrected_done
                .map(|d| format!("behaald {}", Lang::Nl.date(d)))
                .unwrap_or_else(|| "niet behaald".into()),
        ),
        CorrectionKind::Indicator {
            previous,
            corrected,
        } => {
            let show = |v: &Option<DatedValue>| {
                v.map(|v| format!("{} ({})", number_nl(v.value, 2), Lang::Nl.date(v.on)))
                    .unwrap_or_else(|| "geen meting".into())
            };
            (show(previous), show(corrected))
        }
    };
    vec![
        c.action.clone(),
        c.area.clone(),
        c.subject.clone(),
        was,
        becomes,
        Lang::Nl.date(c.recorded_on),
    ]
}

/// The annex: every number, as tables.
fn annex(o: &mut Outline, model: &ReportModel) {
    o.annex_heading(1, "Bijlage A", "Alle gegevens");
    o.paragraph(
        "De gegevens waarop deze rapportage rust, zoals vastgelegd op de peildatum. Het \
         XLSX-bestand bij deze rapportage bevat dezelfde tabellen, met alle kolommen.",
    );
    o.annex_heading(2, "A.1", "Acties");
    o.items.push(annex_actions(model));
    o.annex_heading(2, "A.2", "Mijlpalen");
    o.items.push(annex_milestones(&model.annex));
    o.annex_heading(2, "A.3", "Indicatoren");
    o.items.push(annex_indicators(&model.annex));
    o.annex_heading(2, "A.4", "Metingen");
    o.items.push(annex_values(&model.annex));
    o.annex_heading(2, "A.5", "Voortgangsmeldingen in de periode");
    o.items.push(annex_updates(&model.annex));
    o.annex_heading(2, "A.6", "Planningen");
    o.items.push(annex_plans(&model.annex));
}

/// Annex A.1: every action, with the theme by its name.
fn annex_actions(model: &ReportModel) -> Item {
    let theme_name = |code: &str| {
        model
            .themes
            .iter()
            .find(|t| t.code == code)
            .map(|t| t.name.clone())
            .unwrap_or_else(|| code.to_string())
    };
    table(
        None,
        vec![
            num("Nr.", 0.8),
            col("Actie", 3.2),
            col("Gebied", 2.3),
            col("Min.", 0.9),
            col("Thema", 1.9),
            col("Stoplicht", 1.2),
            num("%", 0.7),
            num("Begroting", 1.6),
            col("Einde oorspr.", 1.5),
            col("Einde huidig", 1.5),
        ],
        model
            .annex
            .actions
            .iter()
            .map(|x| {
                vec![
                    x.id.to_string(),
                    x.title.clone(),
                    x.area_name.clone(),
                    x.ministry.clone(),
                    theme_name(&x.theme),
                    x.status.word(Lang::Nl).to_string(),
                    x.percent_complete.to_string(),
                    x.budget_cents.map(euros_nl).unwrap_or_else(|| "–".into()),
                    x.original_end.to_string(),
                    x.planned_end.to_string(),
                ]
            })
            .collect(),
    )
}

/// Annex A.2: every milestone.
fn annex_milestones(a: &Annex) -> Item {
    table(
        None,
        vec![
            num("Nr.", 0.8),
            num("Actie", 0.8),
            col("Mijlpaal", 4.0),
            col("Gepland (oorspr.)", 1.6),
            col("Gepland", 1.5),
            col("Behaald", 1.5),
            col("Te laat", 0.9),
        ],
        a.milestones
            .iter()
            .map(|m| {
                vec![
                    m.id.to_string(),
                    m.action_id.to_string(),
                    m.title.clone(),
                    m.original_due.to_string(),
                    m.due.to_string(),
                    m.done_on
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "–".into()),
                    yes_no(m.late),
                ]
            })
            .collect(),
    )
}

/// Annex A.3: every indicator, with its latest measurement.
fn annex_indicators(a: &Annex) -> Item {
    table(
        None,
        vec![
            num("Nr.", 0.8),
            num("Actie", 0.8),
            col("Indicator", 3.5),
            col("Eenheid", 1.2),
            num("Nulmeting", 1.2),
            num("Doel", 1.1),
            col("Doel per", 1.4),
            num("Laatste", 1.2),
            col("Gemeten", 1.4),
        ],
        a.indicators
            .iter()
            .map(|i| {
                vec![
                    i.id.to_string(),
                    i.action_id.to_string(),
                    i.name.clone(),
                    i.unit.clone(),
                    number_nl(i.baseline, 2),
                    number_nl(i.target, 2),
                    optional_date(i.target_date),
                    i.latest
                        .map(|l| number_nl(l.value, 2))
                        .unwrap_or_else(|| "–".into()),
                    i.latest
                        .map(|l| Lang::Nl.date(l.on))
                        .unwrap_or_else(|| "–".into()),
                ]
            })
            .collect(),
    )
}

/// Annex A.4: every measurement.
fn annex_values(a: &Annex) -> Item {
    table(
        None,
        vec![
            num("Indicator", 1.0),
            col("Gemeten", 1.5),
            num("Waarde", 1.2),
            col("Toelichting", 5.0),
        ],
        a.indicator_values
            .iter()
            .map(|v| {
                vec![
                    v.indicator_id.to_string(),
                    v.measured_on.to_string(),
                    number_nl(v.value, 2),
                    v.note.clone(),
                ]
            })
            .collect(),
    )
}

/// Annex A.5: the progress updates of the period.
fn annex_updates(a: &Annex) -> Item {
    table(
        None,
        vec![
            num("Actie", 0.9),
            col("Vastgelegd", 1.5),
            col("Stoplicht", 1.2),
            num("%", 0.7),
            col("Toelichting", 6.0),
        ],
        a.updates
            .iter()
            .map(|u| {
                vec![
                    u.action_id.to_string(),
                    crate::domain::dates::amsterdam_date(u.recorded_at).to_string(),
                    u.status.word(Lang::Nl).to_string(),
                    u.percent_complete.to_string(),
                    u.note.clone(),
                ]
            })
            .collect(),
    )
}

/// Annex A.6: every plan of every action.
fn annex_plans(a: &Annex) -> Item {
    table(
        None,
        vec![
            num("Actie", 0.9),
            num("Versie", 0.9),
            col("Start", 1.5),
            col("Einde", 1.5),
            num("Begroting", 1.6),
            col("Reden", 4.5),
        ],
        a.plans
            .iter()
            .map(|p| {
                vec![
                    p.action_id.to_string(),
                    p.seq.to_string(),
                    p.planned_start.to_string(),
                    p.planned_end.to_string(),
                    p.budget_cents.map(euros_nl).unwrap_or_else(|| "–".into()),
                    p.reason.clone(),
                ]
            })
            .collect(),
    )
}
