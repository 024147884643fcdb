//! The page of one area, for its mayor and officials: actions by theme, late and upcoming
//! milestones, indicators, the status per ministry with its numbers, and recent history.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Duration;

use crate::error::Error;
use crate::i18n::Label;
use crate::service::actions::{self, ActionFilter};
use crate::service::indicators;
use crate::service::notes;
use crate::service::progress::{self, DEFAULT_STALE_WEEKS, GroupBy};
use crate::service::reference::Names;
use crate::state::AppState;
use crate::web::as_of::{self, AsOfView};
use crate::web::chart::ChartView;
use crate::web::downloads::Downloads;
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::session::WebContext;
use crate::web::view::{ActionRow, IndicatorRow, MilestoneRow, RollupRow, UpdateRow};

/// Milestones due within this many weeks count as upcoming.
const UPCOMING_WEEKS: i64 = 8;
const RECENT: i64 = 10;

pub struct ThemeGroup {
    pub name: String,
    pub caption: String,
    pub actions: Vec<ActionRow>,
}

pub struct NoteRow {
    pub when: String,
    pub author: Option<String>,
    pub body: String,
}

#[derive(Template)]
#[template(path = "area.html")]
struct AreaPage {
    l: Layout,
    as_of: AsOfView,
    municipality: String,
    province: String,
    chart: ChartView,
    downloads: Downloads,
    by_ministry: Vec<RollupRow>,
    themes: Vec<ThemeGroup>,
    late: Vec<MilestoneRow>,
    upcoming: Vec<MilestoneRow>,
    indicators: Vec<IndicatorRow>,
    updates: Vec<UpdateRow>,
    notes: Vec<NoteRow>,
}

/// GET /gebieden/{code} — one area, now or as of a day (`?as_of=`). Any logged-in user.
#[expect(
    clippy::too_many_lines,
    reason = "assembles the area page view part by part; to be split when the page is rebuilt from shared layout pieces"
)]
pub async fn show(
    state: web::Data<AppState>,
    ctx: WebContext,
    code: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let lang = ctx.lang;
    let code = code.into_inner();
    let area = code.clone();
    let as_of = AsOfView::read(&ctx, format!("/gebieden/{code}"))?;
    let (param, moment) = (as_of.param.clone(), as_of.moment);
    let (facts, names, recent, notes, indicators) = state
        .read(move |conn| {
            let names = Names::load(conn)?.at(conn, moment)?;
            if !names.areas.contains_key(&area) {
                return Err(Error::not_found_code(Label::Area, &area));
            }
            let filter = ActionFilter {
                area: Some(area.clone()),
                ..Default::default()
            };
            let facts = progress::load_facts(conn, &filter, None, param.as_deref())?;
            let recent = actions::recent_updates(conn, Some(&area), None, moment, RECENT)?;
            let notes = notes::list(conn, &area, moment)?;
            let ids: Vec<i64> = facts.actions.iter().map(|a| a.id).collect();
            let indicators = indicators::for_actions(conn, &ids, moment)?;
            Ok((facts, names, recent, notes, indicators))
        })
        .await?;
    let recent = as_of::updates_then(recent, moment, &facts.actions, RECENT as usize);
    let (name, municipality, province) = names.areas.get(&code).cloned().unwrap_or_default();
    let english = lang == Lang::En;
    let title_of = |id: i64| {
        facts
            .actions
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.title.clone())
            .unwrap_or_default()
    };

    let (by_ministry, _) = facts.rollup(GroupBy::Ministry, DEFAULT_STALE_WEEKS);
    let by_ministry = RollupRow::for_groups(
        lang,
        &by_ministry,
        by_ministry.iter().map(|r| {
            (
                r.key.clone(),
                names.ministry(&r.key),
                Some(format!("/ministeries/{}", r.key)),
            )
        }),
    );

    let themes = names
        .themes
        .iter()
        .filter_map(|(theme, nl, en)| {
            let rows: Vec<ActionRow> = facts
                .actions
                .iter()
                .filter(|a| &a.theme == theme)
                .map(|a| ActionRow::new(lang, a, names.ministry(&a.ministry), false))
                .collect();
            let name = if english { en.clone() } else { nl.clone() };
            (!rows.is_empty()).then(|| ThemeGroup {
                caption: format!("{}: {name}", lang.texts().actions),
                name,
                actions: rows,
            })
        })
        .collect();

    let today = facts.today;
    let horizon = today + Duration::weeks(UPCOMING_WEEKS);
    let mut open: Vec<MilestoneRow> = facts
        .milestones
        .values()
        .flatten()
        .filter(|m| m.done_on.is_none())
        .map(|m| MilestoneRow::new(lang, m, &title_of(m.action_id), today, false))
        .collect();
    open.sort_by_key(|m| (m.due_date, m.id));
    let (late, upcoming): (Vec<_>, Vec<_>) = open.into_iter().partition(|m| m.due_date < today);
    let upcoming = upcoming
        .into_iter()
        .filter(|m| m.due_date <= horizon)
        .collect();

    let mut indicator_rows: Vec<IndicatorRow> = indicators
        .values()
        .flatten()
        .map(|i| IndicatorRow::new(lang, i, &title_of(i.action_id)))
        .collect();
    indicator_rows.sort_by(|a, b| a.action_title.cmp(&b.action_title).then(a.id.cmp(&b.id)));

    let mut notes = notes;
    notes.sort_by_key(|n| std::cmp::Reverse(n.recorded_at));
    let chart = ChartView::new(
        lang,
        &as_of,
        "ministry-status",
        &[("area", &code)],
        lang.texts().ministry_chart_alt,
    );
    let page = AreaPage {
        l: Layout::new(&ctx, name),
        downloads: Downloads::new(lang, &as_of, &[("area", &code)]),
        as_of,
        chart,
        municipality,
        province,
        by_ministry,
        themes,
        late,
        upcoming,
        indicators: indicator_rows,
        updates: recent
            .iter()
            .map(|r| UpdateRow::recent(lang, &names, r))
            .collect(),
        notes: notes
            .iter()
            .take(RECENT as usize)
            .map(|n| NoteRow {
                when: lang.date_time(n.recorded_at),
                author: n.author.clone(),
                body: n.body.clone(),
            })
            .collect(),
    };
    crate::web::render(page.as_of.status(StatusCode::OK), &page)
}
