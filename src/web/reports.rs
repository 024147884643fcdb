//! The reports page: the progress reports the caller may read — drafts for admins and
//! ministries, published reports only for everyone else (the policy's `ReadReports`) — with
//! their files; admins make a draft of a period and publish it.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::api::respond::checker;
use crate::auth::AuthUser;
use crate::auth::policy::{self, Access, Operation};
use crate::domain::{ReportId, ReportState};
use crate::error::Error;
use crate::service::reference;
use crate::service::reports::{self, ReportJson};
use crate::service::signoffs::{self, SignoffInput};
use crate::state::AppState;
use crate::web::form::{FormFields, Problems};
use crate::web::layout::Layout;
use crate::web::session::WebContext;
use crate::web::view::OptionView;
use crate::web::{local_path, render, see_other, with_notice};

/// One file of a report, as a download link.
pub struct FileView {
    pub label: String,
    pub href: String,
}

pub struct ReportView {
    pub id: i64,
    pub period_name: String,
    pub published: bool,
    pub state: &'static str,
    pub as_of: String,
    pub generated: String,
    pub published_at: String,
    pub hash: String,
    pub version: i64,
    pub files: Vec<FileView>,
}

impl ReportView {
    fn new(ctx: &WebContext, report: &ReportJson) -> Self {
        let lang = ctx.lang;
        let t = lang.texts();
        let published = report.state == ReportState::Published;
        Self {
            id: report.id.get(),
            period_name: report.period_name.clone(),
            published,
            state: if published {
                t.report_published
            } else {
                t.report_draft
            },
            as_of: lang.date(report.cut_off),
            generated: lang.date_time(report.generated_at),
            published_at: report
                .published_at
                .map(|at| lang.date_time(at))
                .unwrap_or_default(),
            hash: report.content_hash.chars().take(12).collect(),
            version: report.version,
            files: report
                .files
                .iter()
                .map(|file| FileView {
                    label: format!(
                        "{} ({} kB)",
                        file.format.as_str().to_uppercase(),
                        file.bytes.div_ceil(1024)
                    ),
                    href: format!(
                        "/rapportages/{}/bestanden/{}",
                        report.id,
                        file.format.as_str()
                    ),
                })
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    l: Layout,
    reports: Vec<ReportView>,
    sees_drafts: bool,
    can_manage: bool,
    periods: Vec<OptionView>,
    problems: Problems,
}

async fn page(
    state: &AppState,
    ctx: &WebContext,
    user: &AuthUser,
    problems: Problems,
    status: StatusCode,
) -> Result<HttpResponse, Error> {
    let t = ctx.lang.texts();
    let sees_drafts = policy::access(user.role, Operation::ReadReports) == Access::All;
    let can_manage = policy::access(user.role, Operation::ManageReports) != Access::Denied;
    let (list, periods) = state
        .read(move |conn| {
            Ok((
                reports::list(conn, None, sees_drafts)?,
                reference::periods(conn)?,
            ))
        })
        .await?;
    let page = ReportsPage {
        l: Layout::new(ctx, t.reports_title),
        reports: list.iter().map(|r| ReportView::new(ctx, r)).collect(),
        sees_drafts,
        can_manage,
        periods: periods
            .iter()
            .map(|p| OptionView {
                code: p.code.clone(),
                label: p.name.clone(),
                checked: false,
            })
            .collect(),
        problems,
    };
    render(status, &page)
}

/// GET /rapportages — the reports the caller may read, newest first. Any user; viewers and
/// municipalities see published reports only.
pub async fn list(
    state: web::Data<AppState>,
    ctx: WebContext,
    user: AuthUser,
) -> Result<HttpResponse, Error> {
    page(&state, &ctx, &user, Problems::default(), StatusCode::OK).await
}

/// POST /rapportages — make a draft of a period (as of its cut-off) in every format. Admins.
pub async fn generate(
    state: web::Data<AppState>,
    ctx: WebContext,
    user: AuthUser,
    fields: FormFields,
) -> Result<HttpResponse, Error> {
    let actor = user.actor(ctx.request_id.clone());
    let result = match (
        fields.input::<reports::GenerateInput>(),
        state.render_slot().await,
    ) {
        (Ok(input), Ok(_slot)) => {
            state
                .write_long(move |conn| {
                    let now = crate::db::now();
                    reports::generate(conn, &actor, &input.period, now, &mut |_, _, _| {})
                })
                .await
        }
        (Err(error), _) | (_, Err(error)) => Err(error),
    };
    match result {
        Ok(_) => Ok(see_other(&with_notice("/rapportages", "aangemaakt"))),
        Err(error) => {
            let problems = Problems::from_error(ctx.lang, error)?;
            page(&state, &ctx, &user, problems.clone(), problems.status()).await
        }
    }
}

/// POST /rapportages/{id}/publiceren — publish a draft at the version the form shows. Admins.
pub async fn publish(
    state: web::Data<AppState>,
    ctx: WebContext,
    user: AuthUser,
    id: web::Path<ReportId>,
    fields: FormFields,
) -> Result<HttpResponse, Error> {
    let id = id.into_inner();
    let actor = user.actor(ctx.request_id.clone());
    let result = match fields.version() {
        Ok(version) => {
            state
                .write(move |conn| reports::publish(conn, &actor, id, version, crate::db::now()))
                .await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(_) => Ok(see_other(&with_notice("/rapportages", "gepubliceerd"))),
        Err(error) => {
            let problems = Problems::from_error(ctx.lang, error)?;
            page(&state, &ctx, &user, problems.clone(), problems.status()).await
        }
    }
}

/// POST /ministeries/{code}/afronding — a sign-off step of the ministry for a period:
/// `submitted` (ingediend; the ministry itself or an admin), `approved` (vastgesteld) or
/// `reopened` (admins). The service checks role and scope, as for the API.
pub async fn sign_off(
    state: web::Data<AppState>,
    ctx: WebContext,
    user: AuthUser,
    code: web::Path<String>,
    fields: FormFields,
) -> Result<HttpResponse, Error> {
    let ministry = code.into_inner();
    let code_again = ministry.clone();
    let period = fields.text("period");
    let next = local_path(fields.get("next"), &format!("/ministeries/{ministry}"));
    let actor = user.actor(ctx.request_id.clone());
    let role = user.role;
    let check = checker(&user, Operation::SignOffPeriod);
    // The period is the form's (it names the path of the API), the rest the sign-off's.
    let result = match fields.without(&["period"]).input::<SignoffInput>() {
        Ok(input) => {
            state
                .write(move |conn| {
                    signoffs::sign_off(conn, &actor, role, &period, &ministry, &input, &check)
                })
                .await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(_) => Ok(see_other(&with_notice(&next, "gewijzigd"))),
        Err(error) => {
            let problems = Problems::from_error(ctx.lang, error)?;
            let status = problems.status();
            crate::web::ministry::page(&state, &ctx, &user, code_again, problems, status).await
        }
    }
}
