//! The page of one ministry: its actions with a quick progress form each, its open milestones
//! with a completion form, and its status per area with the numbers. Forms are shown only to
//! who may submit them (the policy's object check, as the API applies it).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::auth::AuthUser;
use crate::auth::policy::Owner;
use crate::auth::policy::{self, Operation};
use crate::domain::{MinistryId, Role};
use crate::error::Error;
use crate::i18n::Label;
use crate::service::actions::ActionFilter;
use crate::service::codes::Codes;
use crate::service::progress::{self, DEFAULT_STALE_WEEKS, GroupBy};
use crate::service::reference::{self, Names};
use crate::service::signoffs;
use crate::state::AppState;
use crate::web::as_of::AsOfView;
use crate::web::chart::ChartView;
use crate::web::downloads::Downloads;
use crate::web::form::Problems;
use crate::web::layout::Layout;
use crate::web::session::WebContext;
use crate::web::view::{ActionRow, MilestoneRow, RollupRow};

#[derive(Template)]
#[template(path = "ministry.html")]
struct MinistryPage {
    l: Layout,
    as_of: AsOfView,
    code: String,
    chart: ChartView,
    downloads: Downloads,
    by_area: Vec<RollupRow>,
    actions: Vec<ActionRow>,
    can_write_any: bool,
    signoffs: Vec<SignoffView>,
    milestones: Vec<MilestoneRow>,
    today: String,
    problems: Problems,
}

/// One report period as this ministry stands in it, with the sign-off forms the caller may use.
pub struct SignoffView {
    pub period: String,
    pub name: String,
    pub cut_off: String,
    pub actions: u32,
    pub ready: u32,
    pub missing: usize,
    pub state: &'static str,
    pub can_submit: bool,
    pub can_approve: bool,
}

/// GET /ministeries/{code} — one ministry, now or as of a day (`?as_of=`). Any logged-in user;
/// the forms (now only) for those who may write its actions or sign off its periods.
pub async fn show(
    state: web::Data<AppState>,
    ctx: WebContext,
    user: AuthUser,
    code: web::Path<String>,
) -> Result<HttpResponse, Error> {
    page(
        &state,
        &ctx,
        &user,
        code.into_inner(),
        Problems::default(),
        StatusCode::OK,
    )
    .await
}

/// The ministry page, with the problems of a refused sign-off when there are any. As of a day
/// in the past it shows the actions and milestones then, without forms or sign-offs (those
/// are about now).
#[expect(
    clippy::too_many_lines,
    reason = "assembles the ministry page view part by part; to be split when the page is rebuilt from shared layout pieces"
)]
pub async fn page(
    state: &AppState,
    ctx: &WebContext,
    user: &AuthUser,
    code: String,
    problems: Problems,
    status: StatusCode,
) -> Result<HttpResponse, Error> {
    let lang = ctx.lang;
    let ministry = code.clone();
    let as_of = AsOfView::read(ctx, format!("/ministeries/{code}"))?;
    let param = as_of.param.clone();
    let moment = as_of.moment;
    let past = as_of.is_past();
    let (facts, names, codes, readiness) = state
        .read(move |conn| {
            let names = Names::load(conn)?.at(conn, moment)?;
            if !names.ministries.contains_key(&ministry) {
                return Err(Error::not_found_code(Label::Ministry, &ministry));
            }
            let filter = ActionFilter {
                ministry: Some(ministry.clone()),
                ..Default::default()
            };
            let facts = progress::load_facts(conn, &filter, None, param.as_deref())?;
            let mut readiness = Vec::new();
            if !past {
                for period in reference::periods(conn)? {
                    readiness.push(signoffs::readiness(conn, &period.code)?);
                }
            }
            Ok((facts, names, Codes::load(conn)?, readiness))
        })
        .await?;
    let t = lang.texts();
    let owner = Owner {
        ministry: codes.ministry_id(&code).map(MinistryId::from),
        municipality: None,
    };
    let may_sign = policy::authorize_object(user, Operation::SignOffPeriod, owner).is_ok();
    let signoffs: Vec<SignoffView> = readiness
        .iter()
        .filter_map(|period| {
            let mine = period.ministries.iter().find(|m| m.ministry == code)?;
            Some(SignoffView {
                period: period.period.clone(),
                name: period.name.clone(),
                cut_off: lang.date(period.cut_off),
                actions: mine.actions,
                ready: mine.ready,
                missing: mine.missing.len(),
                state: match mine.signoff.as_deref() {
                    Some("submitted") => t.signoff_submitted,
                    Some("approved") => t.signoff_approved,
                    _ => t.signoff_open,
                },
                can_submit: may_sign && mine.signoff.is_none(),
                can_approve: may_sign
                    && user.role == Role::Admin
                    && mine.signoff.as_deref() != Some("approved"),
            })
        })
        .collect();
    let may_write =
        |owner| !past && policy::authorize_object(user, Operation::WriteAction, owner).is_ok();

    let (by_area, _) = facts.rollup(GroupBy::Area, DEFAULT_STALE_WEEKS);
    let mut by_area = RollupRow::for_groups(
        lang,
        &by_area,
        by_area.iter().map(|r| {
            (
                r.key.clone(),
                names.area(&r.key),
                Some(format!("/gebieden/{}", r.key)),
            )
        }),
    );
    by_area.sort_by(|a, b| a.label.cmp(&b.label));

    let mut actions: Vec<ActionRow> = facts
        .actions
        .iter()
        .map(|a| ActionRow::new(lang, a, names.area(&a.area), may_write(a.owner(&codes))))
        .collect();
    actions.sort_by(|a, b| a.second.cmp(&b.second).then(a.title.cmp(&b.title)));

    let today = facts.today;
    let mut milestones: Vec<MilestoneRow> = facts
        .actions
        .iter()
        .flat_map(|a| {
            let can_write = may_write(a.owner(&codes));
            facts
                .milestones
                .get(&a.id)
                .into_iter()
                .flatten()
                .filter(|m| m.done_on.is_none())
                .map(move |m| MilestoneRow::new(lang, m, &a.title, today, can_write))
        })
        .collect();
    milestones.sort_by_key(|m| (m.due_date, m.id));

    let title = format!("{} ({code})", names.ministry(&code));
    let chart = ChartView::of_rows(
        lang,
        &as_of,
        "areas-status",
        &[("ministry", &code)],
        t.areas_chart_alt,
        by_area.len(),
    );
    let page = MinistryPage {
        l: Layout::new(ctx, title),
        downloads: Downloads::new(lang, &as_of, &[("ministry", &code)]),
        as_of,
        chart,
        signoffs,
        code,
        by_area,
        can_write_any: actions.iter().any(|a| a.can_write),
        actions,
        milestones,
        today: today.format("%Y-%m-%d").to_string(),
        problems,
    };
    crate::web::render(page.as_of.status(status), &page)
}
