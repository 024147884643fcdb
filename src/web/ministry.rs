//! The page of one ministry: its actions with a quick progress form each, its open milestones
//! with a completion form, and its status per area with the numbers. Forms are shown only to
//! who may submit them (the policy's object check, as the API applies it).

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::auth::AuthUser;
use crate::auth::policy::{self, Operation};
use crate::error::Error;
use crate::service::actions::ActionFilter;
use crate::service::codes::Codes;
use crate::service::progress::{self, DEFAULT_STALE_WEEKS, GroupBy};
use crate::service::reference::Names;
use crate::state::AppState;
use crate::web::form::Problems;
use crate::web::layout::Layout;
use crate::web::session::WebContext;
use crate::web::view::{ActionRow, MilestoneRow, RollupRow};

#[derive(Template)]
#[template(path = "ministry.html")]
struct MinistryPage {
    l: Layout,
    code: String,
    by_area: Vec<RollupRow>,
    actions: Vec<ActionRow>,
    can_write_any: bool,
    milestones: Vec<MilestoneRow>,
    today: String,
    problems: Problems,
}

/// GET /ministeries/{code} — one ministry. Any logged-in user; the forms for those who may
/// write its actions.
pub async fn show(
    state: web::Data<AppState>,
    ctx: WebContext,
    user: AuthUser,
    code: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let lang = ctx.lang;
    let code = code.into_inner();
    let ministry = code.clone();
    let (facts, names, codes) = state
        .db(move |conn| {
            let names = Names::load(conn)?;
            if !names.ministries.contains_key(&ministry) {
                return Err(Error::NotFound(format!("ministry `{ministry}`")));
            }
            let filter = ActionFilter {
                ministry: Some(ministry.clone()),
                ..Default::default()
            };
            let facts = progress::load_facts(conn, &filter, None, None)?;
            Ok((facts, names, Codes::load(conn)?))
        })
        .await?;
    let may_write = |owner| policy::authorize_object(&user, Operation::WriteAction, owner).is_ok();

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
    let page = MinistryPage {
        l: Layout::new(&ctx, title),
        code,
        by_area,
        can_write_any: actions.iter().any(|a| a.can_write),
        actions,
        milestones,
        today: today.format("%Y-%m-%d").to_string(),
        problems: Problems::default(),
    };
    crate::web::ok(&page)
}
