//! Consultations such as the VNG call: the list; a call's page where a municipality submits and
//! ranks its best practices while the call is open; the target group × aspect grid for those
//! the policy lets read the results.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::api::respond::checker;
use crate::auth::AuthUser;
use crate::auth::policy::{self, Access, Operation, Owner};
use crate::db;
use crate::domain::SubmissionId;
use crate::error::Error;
use crate::i18n::{Label, Msg};
use crate::service::consultations::{
    self, ConsultationJson, Kind, OrderInput, OverviewJson, Stage, SubmissionInput, SubmissionJson,
};
use crate::service::reference::Names;
use crate::state::AppState;
use crate::web::form::{FormFields, Problems};
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::session::WebContext;
use crate::web::view::OptionView;
use crate::web::{render, see_other, with_notice};

pub struct ConsultationRow {
    pub code: String,
    pub title: String,
    pub deadline: String,
    pub state: &'static str,
}

#[derive(Template)]
#[template(path = "consultations.html")]
struct ListPage {
    l: Layout,
    items: Vec<ConsultationRow>,
}

fn deadline(lang: Lang, consultation: &ConsultationJson) -> String {
    chrono::DateTime::parse_from_rfc3339(&consultation.deadline.utc)
        .map(|at| lang.date_time(at.naive_utc()))
        .unwrap_or_else(|_| consultation.deadline.local.clone())
}

fn state_word(lang: Lang, consultation: &ConsultationJson) -> &'static str {
    let t = lang.texts();
    if consultation.open {
        t.consultation_open
    } else {
        t.consultation_closed
    }
}

/// GET /raadplegingen — the consultations. Any logged-in user.
pub async fn list(state: web::Data<AppState>, ctx: WebContext) -> Result<HttpResponse, Error> {
    let lang = ctx.lang;
    let (items, _) = state
        .read(|conn| consultations::list(conn, 100, 0, db::now()))
        .await?;
    let page = ListPage {
        l: Layout::new(&ctx, lang.texts().consultations_title),
        items: items
            .iter()
            .map(|c| ConsultationRow {
                code: c.code.clone(),
                title: c.title.clone(),
                deadline: deadline(lang, c),
                state: state_word(lang, c),
            })
            .collect(),
    };
    crate::web::ok(&page)
}

pub struct SubmissionRow {
    pub id: i64,
    pub rank: i32,
    pub title: String,
    pub late: bool,
    pub target_groups: String,
    pub aspects: String,
}

pub struct Own {
    pub municipality: String,
    pub submissions: Vec<SubmissionRow>,
    pub can_write: bool,
}

/// A cell of the grid: the number of practices and their titles.
pub type GridCell = (usize, Vec<String>);

pub struct Grid {
    pub response: String,
    pub aspects: Vec<String>,
    /// (target group, cells by aspect)
    pub rows: Vec<(String, Vec<GridCell>)>,
}

/// What the submission form held.
#[derive(Debug, Clone, Default)]
pub struct SubmissionForm {
    pub title: String,
    pub description: String,
    pub target_groups: Vec<String>,
    pub aspects: Vec<String>,
    pub kind: String,
    pub stage: String,
}

#[derive(Template)]
#[template(path = "consultation.html")]
struct ConsultationPage {
    l: Layout,
    code: String,
    question: String,
    deadline: String,
    state: &'static str,
    max_submissions: i32,
    own: Option<Own>,
    grid: Option<Grid>,
    problems: Problems,
    form: SubmissionForm,
    target_groups: Vec<OptionView>,
    aspects: Vec<OptionView>,
    kinds: Vec<OptionView>,
    stages: Vec<OptionView>,
}

fn options(choices: &[(&str, &str)], chosen: &[String]) -> Vec<OptionView> {
    choices
        .iter()
        .map(|(code, label)| OptionView {
            code: (*code).to_string(),
            label: (*label).to_string(),
            checked: chosen.iter().any(|c| c == code),
        })
        .collect()
}

type Loaded = (
    ConsultationJson,
    Option<(String, Vec<SubmissionJson>)>,
    Option<OverviewJson>,
    Names,
);

#[expect(
    clippy::too_many_lines,
    reason = "assembles the consultation page view part by part; to be split when the page is rebuilt from shared layout pieces"
)]
async fn page(
    state: &AppState,
    ctx: &WebContext,
    user: &AuthUser,
    code: String,
    form: SubmissionForm,
    problems: Problems,
    status: StatusCode,
) -> Result<HttpResponse, Error> {
    let lang = ctx.lang;
    let t = lang.texts();
    let english = lang == Lang::En;
    let municipality = ctx.scope.municipality.clone();
    let role = user.role;
    let read_check = checker(user, Operation::ReadSubmissions);
    let may_read_results =
        policy::access(user.role, Operation::ReadConsultationResults) != Access::Denied;
    let (consultation, own, overview, names): Loaded = state
        .read(move |conn| {
            let now = db::now();
            let consultation = consultations::get(conn, &code, now)?;
            let own = match &municipality {
                Some(m) if consultation.municipalities.contains(m) => Some((
                    m.clone(),
                    consultations::list_submissions(conn, &code, m, role, &read_check, now)?,
                )),
                _ => None,
            };
            // Ministries read the results only once the call has closed: ask the service.
            let overview = if may_read_results {
                match consultations::overview(conn, &code, role, now) {
                    Ok(overview) => Some(overview),
                    Err(Error::Forbidden(_)) => None,
                    Err(other) => return Err(other),
                }
            } else {
                None
            };
            Ok((consultation, own, overview, Names::load(conn)?))
        })
        .await?;
    let pick = |list: &[(String, String, String)], code: &str| Names::pick(list, code, english);
    let own = match own {
        Some((municipality, submissions)) => {
            let owner = Owner {
                ministry: None,
                municipality: user.municipality_id,
            };
            let can_write = consultation.open
                && policy::authorize_object(user, Operation::WriteSubmission, owner).is_ok();
            Some(Own {
                municipality: names
                    .municipalities
                    .get(&municipality)
                    .cloned()
                    .unwrap_or(municipality),
                can_write,
                submissions: submissions
                    .iter()
                    .map(|s| SubmissionRow {
                        id: s.id,
                        rank: s.rank,
                        title: s.title.clone(),
                        late: s.late,
                        target_groups: s
                            .target_groups
                            .iter()
                            .map(|c| pick(&names.target_groups, c))
                            .collect::<Vec<_>>()
                            .join(", "),
                        aspects: s
                            .aspects
                            .iter()
                            .map(|c| pick(&names.aspects, c))
                            .collect::<Vec<_>>()
                            .join(", "),
                    })
                    .collect(),
            })
        }
        None => None,
    };
    let grid = overview.map(|overview| Grid {
        response: format!(
            "{} {} / {}",
            t.response, overview.municipalities_responded, overview.municipalities_asked
        ),
        aspects: overview
            .grid
            .first()
            .map(|row| {
                row.cells
                    .iter()
                    .map(|c| pick(&names.aspects, &c.aspect))
                    .collect()
            })
            .unwrap_or_default(),
        rows: overview
            .grid
            .iter()
            .map(|row| {
                (
                    pick(&names.target_groups, &row.target_group),
                    row.cells
                        .iter()
                        .map(|cell| {
                            (
                                cell.count,
                                cell.practices
                                    .iter()
                                    .map(|p| format!("{} ({})", p.title, p.municipality_name))
                                    .collect(),
                            )
                        })
                        .collect(),
                )
            })
            .collect(),
    });
    let target_groups: Vec<(String, String)> = consultation
        .target_groups
        .iter()
        .map(|c| (c.clone(), pick(&names.target_groups, c)))
        .collect();
    let aspects: Vec<(String, String)> = consultation
        .aspects
        .iter()
        .map(|c| (c.clone(), pick(&names.aspects, c)))
        .collect();
    let as_refs = |v: &[(String, String)]| -> Vec<OptionView> {
        v.iter()
            .map(|(code, label)| OptionView {
                code: code.clone(),
                label: label.clone(),
                checked: false,
            })
            .collect()
    };
    let mut target_group_options = as_refs(&target_groups);
    for option in &mut target_group_options {
        option.checked = form.target_groups.contains(&option.code);
    }
    let mut aspect_options = as_refs(&aspects);
    for option in &mut aspect_options {
        option.checked = form.aspects.contains(&option.code);
    }
    let kind = if form.kind.is_empty() {
        vec![Kind::ExistingPractice.as_str().to_string()]
    } else {
        vec![form.kind.clone()]
    };
    let stage = if form.stage.is_empty() {
        vec![Stage::UnderWay.as_str().to_string()]
    } else {
        vec![form.stage.clone()]
    };
    let page = ConsultationPage {
        l: Layout::new(ctx, consultation.title.clone()),
        code: consultation.code.clone(),
        question: consultation.question.clone(),
        deadline: deadline(lang, &consultation),
        state: state_word(lang, &consultation),
        max_submissions: consultation.max_submissions,
        own,
        grid,
        problems,
        form,
        target_groups: target_group_options,
        aspects: aspect_options,
        kinds: options(
            &[
                (Kind::ExistingPractice.as_str(), t.kind_existing),
                (Kind::NewCourse.as_str(), t.kind_new),
            ],
            &kind,
        ),
        stages: options(
            &[
                (Stage::UnderWay.as_str(), t.stage_under_way),
                (Stage::ShortTerm.as_str(), t.stage_short_term),
                (Stage::MediumTerm.as_str(), t.stage_medium_term),
            ],
            &stage,
        ),
    };
    render(status, &page)
}

/// GET /raadplegingen/{code} — a call: its question and deadline, the caller's municipality's
/// submissions and the form while it is open, the grid for those who may read it. Any
/// logged-in user.
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
        SubmissionForm::default(),
        Problems::default(),
        StatusCode::OK,
    )
    .await
}

/// The municipality a submission form acts for: a municipality user's own; an admin (who may
/// act for any, as in the API) names one in the `municipality` field. The service applies the
/// policy's scope check either way.
fn municipality_of(ctx: &WebContext, fields: &FormFields) -> Result<String, Error> {
    ctx.scope
        .municipality
        .clone()
        .or_else(|| fields.get("municipality").map(str::to_string))
        .filter(|m| !m.is_empty())
        .ok_or_else(|| {
            Error::validation(
                "municipality",
                Msg::Choose {
                    kind: Label::Municipality,
                },
            )
        })
}

/// POST /raadplegingen/{code}/inzendingen — a municipality submits a best practice for itself
/// while the call is open.
pub async fn submit(
    state: web::Data<AppState>,
    ctx: WebContext,
    user: AuthUser,
    code: web::Path<String>,
    fields: FormFields,
) -> Result<HttpResponse, Error> {
    let code = code.into_inner();
    let form = SubmissionForm {
        title: fields.text("title"),
        description: fields.text("description"),
        target_groups: fields.all("target_groups"),
        aspects: fields.all("aspects"),
        kind: fields.text("kind"),
        stage: fields.text("stage"),
    };
    let actor = user.actor(ctx.request_id.clone());
    let role = user.role;
    let check = checker(&user, Operation::WriteSubmission);
    let call = code.clone();
    // The admin's choice of municipality is the form's, not the submission's.
    let input = fields.without(&["municipality"]).input::<SubmissionInput>();
    let result = match (municipality_of(&ctx, &fields), input) {
        (Ok(municipality), Ok(input)) => {
            state
                .write(move |conn| {
                    consultations::create_submission(
                        conn,
                        &actor,
                        &call,
                        &municipality,
                        &input,
                        role,
                        &check,
                        db::now(),
                    )
                })
                .await
        }
        (Err(error), _) | (_, Err(error)) => Err(error),
    };
    match result {
        Ok(_) => Ok(see_other(&with_notice(
            &format!("/raadplegingen/{code}"),
            "ingestuurd",
        ))),
        Err(error) => {
            let problems = Problems::from_error(ctx.lang, error)?;
            page(
                &state,
                &ctx,
                &user,
                code,
                form,
                problems,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// POST /raadplegingen/{code}/volgorde — a municipality ranks its submissions (`rank_ID`
/// fields, 1 = first choice) while the call is open.
pub async fn reorder(
    state: web::Data<AppState>,
    ctx: WebContext,
    user: AuthUser,
    code: web::Path<String>,
    fields: FormFields,
) -> Result<HttpResponse, Error> {
    let code = code.into_inner();
    let mut ranked: Vec<(i64, SubmissionId)> = Vec::new();
    let mut bad = false;
    for (name, value) in &fields.pairs {
        if let Some(id) = name.strip_prefix("rank_") {
            match (id.parse::<i64>(), value.trim().parse::<i64>()) {
                (Ok(id), Ok(rank)) => ranked.push((rank, SubmissionId::from(id))),
                _ => bad = true,
            }
        }
    }
    ranked.sort();
    let distinct = ranked.windows(2).all(|pair| pair[0].0 != pair[1].0);
    if bad || !distinct || ranked.is_empty() {
        let problems = Problems::general(ctx.lang.texts().order_invalid);
        return page(
            &state,
            &ctx,
            &user,
            code,
            SubmissionForm::default(),
            problems,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let input = OrderInput {
        submission_ids: ranked.iter().map(|(_, id)| *id).collect(),
    };
    let actor = user.actor(ctx.request_id.clone());
    let role = user.role;
    let check = checker(&user, Operation::WriteSubmission);
    let call = code.clone();
    let municipality = municipality_of(&ctx, &fields);
    let result = state
        .write(move |conn| {
            let municipality = municipality?;
            consultations::reorder(
                conn,
                &actor,
                &call,
                &municipality,
                &input,
                role,
                &check,
                db::now(),
            )
        })
        .await;
    match result {
        Ok(_) => Ok(see_other(&with_notice(
            &format!("/raadplegingen/{code}"),
            "volgorde",
        ))),
        Err(error) => {
            let problems = Problems::from_error(ctx.lang, error)?;
            page(
                &state,
                &ctx,
                &user,
                code,
                SubmissionForm::default(),
                problems,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
