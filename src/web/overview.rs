//! The national overview: totals, the dot map with its numbers, the area × theme matrix, the
//! ministries and what changed lately.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::domain::rollup::{Rollup, StatusCounts};
use crate::error::Error;
use crate::service::actions::{self, ActionFilter, ActionJson};
use crate::service::progress::{self, DEFAULT_STALE_WEEKS, GroupBy};
use crate::service::reference::Names;
use crate::state::AppState;
use crate::web::as_of::{self, AsOfView};
use crate::web::chart::ChartView;
use crate::web::downloads::Downloads;
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::session::WebContext;
use crate::web::view::{RollupRow, StatusView, UpdateRow};

/// How many progress updates "what changed" lists.
const RECENT: i64 = 12;

pub struct Totals {
    pub actions: u32,
    pub on_schedule: String,
    pub percent: String,
    pub milestones_due: u32,
    pub milestones_late: u32,
    pub late_original: u32,
    pub late_current: u32,
}

impl Totals {
    pub fn new(lang: Lang, total: &Rollup) -> Self {
        Self {
            actions: total.actions,
            on_schedule: lang.percent(total.on_schedule_percent),
            percent: lang.percent(total.weighted_percent_complete),
            milestones_due: total.milestones.due,
            milestones_late: total.milestones.late,
            late_original: total.deviation.late_against_original,
            late_current: total.deviation.late_against_current,
        }
    }
}

pub struct MatrixCell {
    pub status: Option<StatusView>,
    pub count: u32,
}

pub struct MatrixRow {
    pub code: String,
    pub name: String,
    pub cells: Vec<MatrixCell>,
}

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    l: Layout,
    as_of: AsOfView,
    map: ChartView,
    downloads: Downloads,
    totals: Totals,
    areas: Vec<RollupRow>,
    themes: Vec<String>,
    matrix: Vec<MatrixRow>,
    ministries: Vec<RollupRow>,
    updates: Vec<UpdateRow>,
}

/// The area × theme matrix: per cell the worst stoplicht and the number of actions, areas by
/// name.
fn matrix(lang: Lang, actions: &[ActionJson], names: &Names) -> Vec<MatrixRow> {
    let mut cells: BTreeMap<(&str, &str), StatusCounts> = BTreeMap::new();
    for action in actions {
        cells
            .entry((action.area.as_str(), action.theme.as_str()))
            .or_default()
            .add(action.status);
    }
    let mut matrix: Vec<MatrixRow> = names
        .areas
        .iter()
        .map(|(code, (name, ..))| MatrixRow {
            code: code.clone(),
            name: name.clone(),
            cells: names
                .themes
                .iter()
                .map(|(theme, ..)| {
                    let counts = cells.get(&(code.as_str(), theme.as_str()));
                    MatrixCell {
                        status: counts
                            .and_then(StatusCounts::worst)
                            .map(|s| StatusView::new(lang, s)),
                        count: counts.map_or(0, StatusCounts::total),
                    }
                })
                .collect(),
        })
        .collect();
    matrix.sort_by(|a, b| a.name.cmp(&b.name));
    matrix
}

/// GET / — the national overview, now or as of a day (`?as_of=`). Any logged-in user.
pub async fn show(state: web::Data<AppState>, ctx: WebContext) -> Result<HttpResponse, Error> {
    let lang = ctx.lang;
    let as_of = AsOfView::read(&ctx, "/")?;
    let (param, moment) = (as_of.param.clone(), as_of.moment);
    let (facts, names, recent) = state
        .read(move |conn| {
            let facts =
                progress::load_facts(conn, &ActionFilter::default(), None, param.as_deref())?;
            let names = Names::load(conn)?.at(conn, moment)?;
            let recent = actions::recent_updates(conn, None, None, moment, RECENT)?;
            Ok((facts, names, recent))
        })
        .await?;
    let recent = as_of::updates_then(recent, moment, &facts.actions, RECENT as usize);
    let (by_area, total) = facts.rollup(GroupBy::Area, DEFAULT_STALE_WEEKS);
    let (by_ministry, _) = facts.rollup(GroupBy::Ministry, DEFAULT_STALE_WEEKS);
    let english = lang == Lang::En;

    // Every area, also those without actions yet, by name.
    let mut area_rows = RollupRow::for_groups(
        lang,
        &by_area,
        names.areas.iter().map(|(code, (name, ..))| {
            (
                code.clone(),
                name.clone(),
                Some(format!("/gebieden/{code}")),
            )
        }),
    );
    area_rows.sort_by(|a, b| a.label.cmp(&b.label));

    let matrix = matrix(lang, &facts.actions, &names);

    let ministries = RollupRow::for_groups(
        lang,
        &by_ministry,
        names.ministries.iter().map(|(code, name)| {
            (
                code.clone(),
                format!("{name} ({code})"),
                Some(format!("/ministeries/{code}")),
            )
        }),
    );

    let map = ChartView::new(lang, &as_of, "map", &[], lang.texts().map_alt);
    let page = OverviewPage {
        l: Layout::new(&ctx, lang.texts().overview_title),
        downloads: Downloads::new(lang, &as_of, &[]),
        as_of,
        map,
        totals: Totals::new(lang, &total),
        areas: area_rows,
        themes: names
            .themes
            .iter()
            .map(|(_, nl, en)| if english { en.clone() } else { nl.clone() })
            .collect(),
        matrix,
        ministries,
        updates: recent
            .iter()
            .map(|r| UpdateRow::recent(lang, &names, r))
            .collect(),
    };
    crate::web::render(page.as_of.status(StatusCode::OK), &page)
}
