//! One action in full: its facts, the original and current plan, the timeline of progress
//! updates, milestones and indicators; the progress form and milestone completion for those
//! who may write it. A form made from an older version is refused with a clear message, never
//! saved over someone else's change.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::api::respond::checker;
use crate::auth::AuthUser;
use crate::auth::policy::{self, Operation};
use crate::db::DbConnection;
use crate::domain::asof::AsOf;
use crate::domain::{ActionId, IndicatorId, MilestoneId, dates};
use crate::error::Error;
use crate::service::actions::{self, ProgressInput};
use crate::service::codes::Codes;
use crate::service::history;
use crate::service::indicators;
use crate::service::milestones::{self, Change, CompleteInput};
use crate::service::programmes;
use crate::service::reference::Names;
use crate::state::AppState;
use crate::web::as_of::AsOfView;
use crate::web::chart::ChartView;
use crate::web::field_history::{self, FieldChangeRow, Words};
use crate::web::form::{FormFields, Problems};
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::session::WebContext;
use crate::web::view::{IndicatorRow, MilestoneRow, StatusView, UpdateRow};
use crate::web::{local_path, render, see_other, with_notice};

pub struct ActionView {
    pub id: i64,
    pub area: String,
    pub area_code: String,
    pub ministry: String,
    pub ministry_code: String,
    pub theme: String,
    pub status: StatusView,
    pub percent: i32,
    pub responsible: String,
    pub budget: String,
    pub description: String,
}

pub struct PlanRow {
    pub label: String,
    pub start: String,
    pub end: String,
    pub reason: String,
    pub recorded: String,
}

#[derive(Template)]
#[template(path = "action.html")]
struct ActionPage {
    l: Layout,
    as_of: AsOfView,
    action: ActionView,
    deviation: String,
    plans: Vec<PlanRow>,
    can_write: bool,
    problems: Problems,
    form_version: i64,
    form_status: String,
    form_percent: String,
    form_note: String,
    updates: Vec<UpdateRow>,
    milestones: Vec<MilestoneRow>,
    indicators: Vec<IndicatorRow>,
    field_changes: Vec<FieldChangeRow>,
    today: String,
}

/// What the progress form held, to show it again with its problems.
#[derive(Debug, Clone, Default)]
pub struct ProgressForm {
    pub status: String,
    pub percent: String,
    pub note: String,
}

/// Everything the action page shows, read in one go (as of the moment, when there is one).
struct Loaded {
    action: actions::ActionJson,
    plans: Vec<actions::PlanJson>,
    history: Vec<actions::ProgressJson>,
    milestone_list: Vec<milestones::MilestoneJson>,
    indicator_list: Vec<(indicators::IndicatorJson, Vec<indicators::ValueJson>)>,
    changes: Vec<history::FieldChange>,
    /// The titles of the programmes the field history names, by code.
    programme_titles: BTreeMap<String, String>,
    names: Names,
    codes: Codes,
}

fn load(conn: &mut DbConnection, id: ActionId, moment: Option<AsOf>) -> Result<Loaded, Error> {
    // 404 when the action did not exist yet at the moment.
    let action = actions::get(conn, id, moment)?;
    let mut indicator_list = Vec::new();
    for indicator in indicators::list(conn, id, moment)? {
        let values = indicators::values(conn, IndicatorId::from(indicator.id), moment)?;
        indicator_list.push((indicator, values));
    }
    let changes = history::action_fields(conn, id)?;
    let mut programme_titles = BTreeMap::new();
    for code in field_history::programme_codes(&changes) {
        match programmes::get(conn, &code) {
            Ok(programme) => {
                programme_titles.insert(code, programme.title);
            }
            // A programme since removed keeps its code.
            Err(Error::NotFound(_)) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(Loaded {
        action,
        plans: actions::plans(conn, id, moment)?,
        history: actions::history(conn, id, moment)?,
        milestone_list: milestones::list(conn, id, moment)?,
        indicator_list,
        changes,
        programme_titles,
        names: Names::load(conn)?.at(conn, moment)?,
        codes: Codes::load(conn)?,
    })
}

/// The action's indicators with their measurements and trend chart.
fn indicator_rows(
    lang: Lang,
    as_of: &AsOfView,
    indicator_list: &[(indicators::IndicatorJson, Vec<indicators::ValueJson>)],
    action_title: &str,
) -> Vec<IndicatorRow> {
    indicator_list
        .iter()
        .map(|(indicator, values)| {
            let mut row = IndicatorRow::new(lang, indicator, action_title);
            row.values = values
                .iter()
                .map(|v| (lang.date(v.measured_on), lang.number(v.value)))
                .collect();
            let id = indicator.id.to_string();
            row.trend = Some(ChartView::new(
                lang,
                as_of,
                "indicator-trend",
                &[("indicator", &id)],
                format!("{} {}", lang.texts().trend_alt, indicator.name),
            ));
            row
        })
        .collect()
}

#[expect(
    clippy::too_many_lines,
    reason = "assembles the action page view part by part; to be split when the page is rebuilt from shared layout pieces"
)]
async fn page(
    state: &AppState,
    ctx: &WebContext,
    user: &AuthUser,
    id: ActionId,
    form: Option<ProgressForm>,
    problems: Problems,
    status: StatusCode,
) -> Result<HttpResponse, Error> {
    let lang = ctx.lang;
    let t = lang.texts();
    let as_of = AsOfView::read(ctx, format!("/acties/{id}"))?;
    let moment = as_of.moment;
    let Loaded {
        action,
        plans,
        history,
        milestone_list,
        indicator_list,
        changes,
        programme_titles,
        names,
        codes,
    } = state.read(move |conn| load(conn, id, moment)).await?;
    // The forms act on now: none on a page of the past.
    let can_write = moment.is_none()
        && policy::authorize_object(user, Operation::WriteAction, action.owner(&codes)).is_ok();
    let english = lang == Lang::En;
    let today = dates::amsterdam_date(moment.map_or_else(crate::db::now, |m| {
        m.before - chrono::Duration::microseconds(1)
    }));
    let original_end = action
        .original_plan
        .as_ref()
        .map_or(action.planned_end, |p| p.planned_end);
    let slip = (action.planned_end - original_end).num_days();
    let deviation = match slip {
        0 => t.deviation_none.to_string(),
        days if days > 0 => format!("{} {days}.", t.deviation_later),
        days => format!("{} {}.", t.deviation_earlier, -days),
    };
    let form = form.unwrap_or_else(|| ProgressForm {
        status: action.status.as_str().to_string(),
        percent: action.percent_complete.to_string(),
        note: String::new(),
    });
    let view = ActionView {
        id: action.id,
        area: names.area(&action.area),
        area_code: action.area.clone(),
        ministry: names.ministry(&action.ministry),
        ministry_code: action.ministry.clone(),
        theme: Names::pick(&names.themes, &action.theme, english),
        status: StatusView::new(lang, action.status),
        percent: action.percent_complete,
        responsible: if action.responsible.is_empty() {
            t.unknown.to_string()
        } else {
            action.responsible.clone()
        },
        budget: action
            .budget_cents
            .map_or_else(|| t.unknown.to_string(), |c| lang.euros(c)),
        description: action.description.clone(),
    };
    let indicators = indicator_rows(lang, &as_of, &indicator_list, &action.title);
    let page = ActionPage {
        l: Layout::new(ctx, action.title.clone()),
        field_changes: field_history::rows(
            lang,
            &Words {
                names: &names,
                programmes: programme_titles,
            },
            &changes,
            moment,
        ),
        as_of,
        deviation,
        // Numbered by position: plans are listed, and in force, in the order recorded.
        plans: plans
            .iter()
            .enumerate()
            .map(|(n, p)| PlanRow {
                label: if n == 0 {
                    t.original_plan.to_string()
                } else {
                    format!("{} {n}", t.replan)
                },
                start: lang.date(p.planned_start),
                end: lang.date(p.planned_end),
                reason: p.reason.clone(),
                recorded: lang.date_time(p.recorded_at),
            })
            .collect(),
        can_write,
        problems,
        form_version: action.version,
        form_status: form.status,
        form_percent: form.percent,
        form_note: form.note,
        updates: history
            .iter()
            .rev()
            .map(|u| UpdateRow::new(lang, u, &action.title, view.area.clone()))
            .collect(),
        milestones: milestone_list
            .iter()
            .map(|m| MilestoneRow::new(lang, m, &action.title, today, can_write))
            .collect(),
        indicators,
        today: today.format("%Y-%m-%d").to_string(),
        action: view,
    };
    render(page.as_of.status(status), &page)
}

/// GET /acties/{id} — one action, now or as of a day (`?as_of=`). Any logged-in user; the forms
/// (now only) for those who may write it.
pub async fn show(
    state: web::Data<AppState>,
    ctx: WebContext,
    user: AuthUser,
    id: web::Path<ActionId>,
) -> Result<HttpResponse, Error> {
    page(
        &state,
        &ctx,
        &user,
        id.into_inner(),
        None,
        Problems::default(),
        StatusCode::OK,
    )
    .await
}

/// POST /acties/{id}/voortgang — append a progress update (status, percentage, note) made
/// from the version in the form. Admins; the action's ministry.
pub async fn post_progress(
    state: web::Data<AppState>,
    ctx: WebContext,
    user: AuthUser,
    id: web::Path<ActionId>,
    fields: FormFields,
) -> Result<HttpResponse, Error> {
    let id = id.into_inner();
    let lang = ctx.lang;
    let form = ProgressForm {
        status: fields.text("status"),
        percent: fields.text("percent_complete"),
        note: fields.text("note"),
    };
    let actor = user.actor(ctx.request_id.clone());
    let check = checker(&user, Operation::WriteAction);
    let result = match (fields.input::<ProgressInput>(), fields.version()) {
        (Ok(input), Ok(version)) => {
            state
                .write(move |conn| {
                    actions::add_progress(conn, &actor, id, Some(version), &input, &check)
                })
                .await
        }
        (Err(error), _) | (_, Err(error)) => Err(error),
    };
    match result {
        Ok(_) => {
            let next = local_path(fields.get("next"), &format!("/acties/{id}"));
            Ok(see_other(&with_notice(&next, "opgeslagen")))
        }
        Err(error) => {
            let problems = Problems::from_error(lang, error)?;
            let status = problems.status();
            page(&state, &ctx, &user, id, Some(form), problems, status).await
        }
    }
}

/// POST /mijlpalen/{id}/afronden — mark a milestone done on a date, from the version in the
/// form. Admins; the action's ministry.
pub async fn complete_milestone(
    state: web::Data<AppState>,
    ctx: WebContext,
    user: AuthUser,
    id: web::Path<MilestoneId>,
    fields: FormFields,
) -> Result<HttpResponse, Error> {
    let id = id.into_inner();
    let lang = ctx.lang;
    let action_id = state
        .read(move |conn| Ok(ActionId::from(milestones::get(conn, id, None)?.action_id)))
        .await?;
    let actor = user.actor(ctx.request_id.clone());
    let check = checker(&user, Operation::WriteAction);
    let result = match (fields.input::<CompleteInput>(), fields.version()) {
        (Ok(input), Ok(version)) => {
            state
                .write(move |conn| {
                    let change = Change::Complete {
                        done_on: input.done_on,
                        note: input.note,
                    };
                    milestones::change(conn, &actor, id, version, &change, &check)
                })
                .await
        }
        (Err(error), _) | (_, Err(error)) => Err(error),
    };
    match result {
        Ok(_) => {
            let next = local_path(fields.get("next"), &format!("/acties/{action_id}"));
            Ok(see_other(&with_notice(&next, "afgerond")))
        }
        Err(error) => {
            let mut problems = Problems::from_error(lang, error)?;
            // The completion form sits in a table; say what was wrong at the top.
            if problems.general.is_none() {
                problems.general = problems.fields.values().next().cloned();
                problems.fields.clear();
            }
            let status = problems.status();
            page(&state, &ctx, &user, action_id, None, problems, status).await
        }
    }
}
