//! Administration for the programme office: users (list, create, disable), their API tokens,
//! report periods and areas. Only admins reach these pages (the policy's ManageUsers and
//! ManageReference rows).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::auth::AuthUser;
use crate::domain::{ApiTokenId, Role, UserId};
use crate::error::Error;
use crate::i18n::Msg;
use crate::service::api_tokens;
use crate::service::reference::{self, Names, NewAreaInput, PeriodInput};
use crate::service::users::{self, NewUserInput, UserChange};
use crate::state::AppState;
use crate::web::form::{FormFields, Problems};
use crate::web::i18n::Lang;
use crate::web::layout::{Layout, NavItem};
use crate::web::session::WebContext;
use crate::web::view::OptionView;
use crate::web::{render, see_other, with_notice};

/// One input of an admin form.
pub struct FieldView {
    pub name: &'static str,
    pub label: &'static str,
    /// The input type (`text`, `password`, `date`, `number`); a select when `options` is set.
    pub kind: &'static str,
    pub value: String,
    pub required: bool,
    pub hint: String,
    pub options: Vec<OptionView>,
}

impl FieldView {
    fn input(
        name: &'static str,
        label: &'static str,
        kind: &'static str,
        fields: &FormFields,
    ) -> Self {
        Self {
            name,
            label,
            kind,
            value: fields.text(name),
            required: false,
            hint: String::new(),
            options: Vec::new(),
        }
    }

    fn required(mut self) -> Self {
        self.required = true;
        self
    }

    fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = hint.into();
        self
    }

    fn select(mut self, options: Vec<(String, String)>) -> Self {
        let chosen = self.value.clone();
        self.options = options
            .into_iter()
            .map(|(code, label)| OptionView {
                checked: code == chosen,
                code,
                label,
            })
            .collect();
        self
    }
}

pub struct RowView {
    pub cells: Vec<String>,
    pub href: Option<String>,
}

#[derive(Template)]
#[template(path = "admin_list.html")]
struct ListPage {
    l: Layout,
    admin_nav: Vec<NavItem>,
    list_title: &'static str,
    columns: Vec<&'static str>,
    rows: Vec<RowView>,
    form_title: &'static str,
    form_action: &'static str,
    form_button: &'static str,
    fields: Vec<FieldView>,
    problems: Problems,
}

fn admin_nav(lang: Lang, path: &str) -> Vec<NavItem> {
    let t = lang.texts();
    [
        ("/beheer", t.admin_users),
        ("/beheer/perioden", t.admin_periods),
        ("/beheer/gebieden", t.admin_areas),
    ]
    .into_iter()
    .map(|(href, label)| NavItem {
        current: path == href || (href == "/beheer" && path.starts_with("/beheer/gebruikers")),
        href: href.to_string(),
        label: label.to_string(),
    })
    .collect()
}

/// What a created or failed form leads to: back to the list with a notice, or the list with
/// the form and its problems.
async fn after_create<F>(
    lang: Lang,
    result: Result<(), Error>,
    list: &str,
    show: F,
) -> Result<HttpResponse, Error>
where
    F: AsyncFnOnce(Problems) -> Result<HttpResponse, Error>,
{
    match result {
        Ok(()) => Ok(see_other(&with_notice(list, "aangemaakt"))),
        Err(error) => show(Problems::from_error(lang, error)?).await,
    }
}

// ---- users ----

fn role_options(lang: Lang) -> Vec<(String, String)> {
    Role::ALL
        .iter()
        .map(|r| (r.as_str().to_string(), lang.role(*r).to_string()))
        .collect()
}

async fn users_page(
    state: &AppState,
    ctx: &WebContext,
    fields: &FormFields,
    problems: Problems,
    status: StatusCode,
) -> Result<HttpResponse, Error> {
    let lang = ctx.lang;
    let t = lang.texts();
    let (list, names) = state
        .read(|conn| Ok((users::list(conn, 500, 0)?.0, Names::load(conn)?)))
        .await?;
    let none = || (String::new(), t.choose_none.to_string());
    let page = ListPage {
        l: Layout::new(ctx, t.admin_users),
        admin_nav: admin_nav(lang, "/beheer"),
        list_title: t.admin_users,
        columns: vec![t.username, t.display_name, t.role, t.scope, t.state],
        rows: list
            .iter()
            .map(|u| RowView {
                cells: vec![
                    u.username.clone(),
                    u.display_name.clone(),
                    lang.role(u.role).to_string(),
                    u.ministry
                        .clone()
                        .or_else(|| u.municipality.clone())
                        .unwrap_or_default(),
                    if u.disabled { t.disabled } else { t.active }.to_string(),
                ],
                href: Some(format!("/beheer/gebruikers/{}", u.id)),
            })
            .collect(),
        form_title: t.new_user,
        form_action: "/beheer/gebruikers",
        form_button: t.create,
        fields: vec![
            FieldView::input("username", t.username, "text", fields).required(),
            FieldView::input("display_name", t.display_name, "text", fields),
            FieldView::input("role", t.role, "text", fields).select(role_options(lang)),
            FieldView::input("ministry", t.ministry, "text", fields)
                .hint(t.ministry_hint)
                .select(
                    std::iter::once(none())
                        .chain(names.ministries.iter().map(|(c, n)| (c.clone(), n.clone())))
                        .collect(),
                ),
            FieldView::input("municipality", t.municipality, "text", fields)
                .hint(t.municipality_hint)
                .select(
                    std::iter::once(none())
                        .chain(
                            names
                                .municipalities
                                .iter()
                                .map(|(c, n)| (c.clone(), n.clone())),
                        )
                        .collect(),
                ),
            FieldView::input("password", t.password, "password", &FormFields::default())
                .required()
                .hint(
                    Msg::PasswordHint {
                        min: crate::auth::password::MIN_PASSWORD_LENGTH,
                    }
                    .text(ctx.lang),
                ),
        ],
        problems,
    };
    render(status, &page)
}

/// GET /beheer — the users and the form for a new one. Admins.
pub async fn users(state: web::Data<AppState>, ctx: WebContext) -> Result<HttpResponse, Error> {
    users_page(
        &state,
        &ctx,
        &FormFields::default(),
        Problems::default(),
        StatusCode::OK,
    )
    .await
}

/// POST /beheer/gebruikers — create a user. Admins.
pub async fn create_user(
    state: web::Data<AppState>,
    ctx: WebContext,
    user: AuthUser,
    fields: FormFields,
) -> Result<HttpResponse, Error> {
    let actor = user.actor(ctx.request_id.clone());
    let result = match fields.input::<NewUserInput>() {
        Ok(input) => {
            state
                .write(move |conn| users::create_user(conn, &actor, &input).map(|_| ()))
                .await
        }
        Err(error) => Err(error),
    };
    after_create(ctx.lang, result, "/beheer", async |problems| {
        users_page(
            &state,
            &ctx,
            &fields,
            problems,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await
    })
    .await
}

pub struct UserDetail {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: &'static str,
    pub scope: String,
    pub state: &'static str,
    pub disabled: bool,
    pub version: i64,
}

pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub access: String,
    pub last_used: String,
    pub state: &'static str,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "admin_user.html")]
struct UserPage {
    l: Layout,
    admin_nav: Vec<NavItem>,
    user: UserDetail,
    tokens: Vec<TokenRow>,
    problems: Problems,
}

async fn user_page(
    state: &AppState,
    ctx: &WebContext,
    id: UserId,
    problems: Problems,
    status: StatusCode,
) -> Result<HttpResponse, Error> {
    let lang = ctx.lang;
    let t = lang.texts();
    let ((summary, version), tokens) = state
        .read(move |conn| Ok((users::get(conn, id)?, api_tokens::list(conn, id)?)))
        .await?;
    let now = crate::db::now();
    let page = UserPage {
        l: Layout::new(ctx, summary.username.clone()),
        admin_nav: admin_nav(lang, "/beheer/gebruikers"),
        tokens: tokens
            .iter()
            .map(|token| {
                let expired = token.expires_at.is_some_and(|at| at <= now);
                let (state, active) = if token.revoked_at.is_some() {
                    (t.revoked, false)
                } else if expired {
                    (t.expired, false)
                } else {
                    (t.active, true)
                };
                TokenRow {
                    id: token.id,
                    name: token.name.clone(),
                    prefix: token.prefix.clone(),
                    access: token.access.clone(),
                    last_used: token
                        .last_used_at
                        .map_or_else(|| t.never.to_string(), |at| lang.date_time(at)),
                    state,
                    active,
                }
            })
            .collect(),
        user: UserDetail {
            id: summary.id,
            username: summary.username.clone(),
            display_name: summary.display_name.clone(),
            role: lang.role(summary.role),
            scope: summary
                .ministry
                .clone()
                .or_else(|| summary.municipality.clone())
                .unwrap_or_default(),
            state: if summary.disabled {
                t.disabled
            } else {
                t.active
            },
            disabled: summary.disabled,
            version,
        },
        problems,
    };
    render(status, &page)
}

/// GET /beheer/gebruikers/{id} — a user with their API tokens. Admins.
pub async fn user(
    state: web::Data<AppState>,
    ctx: WebContext,
    id: web::Path<UserId>,
) -> Result<HttpResponse, Error> {
    user_page(
        &state,
        &ctx,
        id.into_inner(),
        Problems::default(),
        StatusCode::OK,
    )
    .await
}

/// POST /beheer/gebruikers/{id}/status — disable (revoking every token and session at once)
/// or enable a user, from the version in the form. Admins.
pub async fn set_disabled(
    state: web::Data<AppState>,
    ctx: WebContext,
    user: AuthUser,
    id: web::Path<UserId>,
    fields: FormFields,
) -> Result<HttpResponse, Error> {
    let id = id.into_inner();
    let actor = user.actor(ctx.request_id.clone());
    let result = match (fields.input::<UserChange>(), fields.version()) {
        (Ok(change), Ok(version)) => state
            .write(move |conn| users::update(conn, &actor, id, Some(version), &change))
            .await
            .map(|_| ()),
        (Err(error), _) | (_, Err(error)) => Err(error),
    };
    match result {
        Ok(()) => Ok(see_other(&with_notice(
            &format!("/beheer/gebruikers/{id}"),
            "gewijzigd",
        ))),
        Err(error) => {
            let problems = Problems::from_error(ctx.lang, error)?;
            user_page(&state, &ctx, id, problems, StatusCode::CONFLICT).await
        }
    }
}

/// POST /beheer/gebruikers/{id}/tokens/{token_id}/intrekken — revoke an API token. Admins.
pub async fn revoke_token(
    state: web::Data<AppState>,
    ctx: WebContext,
    user: AuthUser,
    path: web::Path<(UserId, ApiTokenId)>,
) -> Result<HttpResponse, Error> {
    let (id, token_id) = path.into_inner();
    let actor = user.actor(ctx.request_id.clone());
    state
        .write(move |conn| api_tokens::revoke(conn, &actor, id, token_id))
        .await?;
    Ok(see_other(&with_notice(
        &format!("/beheer/gebruikers/{id}"),
        "ingetrokken",
    )))
}

// ---- periods ----

async fn periods_page(
    state: &AppState,
    ctx: &WebContext,
    fields: &FormFields,
    problems: Problems,
    status: StatusCode,
) -> Result<HttpResponse, Error> {
    let lang = ctx.lang;
    let t = lang.texts();
    let periods = state.read(reference::periods).await?;
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| lang.date(d)).unwrap_or_default();
    let page = ListPage {
        l: Layout::new(ctx, t.admin_periods),
        admin_nav: admin_nav(lang, "/beheer/perioden"),
        list_title: t.admin_periods,
        columns: vec![t.name, t.code, t.starts_on, t.cut_off, t.due_on],
        rows: periods
            .iter()
            .map(|p| RowView {
                cells: vec![
                    p.name.clone(),
                    p.code.clone(),
                    date(p.starts_on),
                    lang.date(p.cut_off),
                    date(p.due_date),
                ],
                href: None,
            })
            .collect(),
        form_title: t.new_period,
        form_action: "/beheer/perioden",
        form_button: t.create,
        fields: vec![
            FieldView::input("name", t.name, "text", fields).required(),
            FieldView::input("code", t.code, "text", fields)
                .required()
                .hint(t.code_hint),
            FieldView::input("starts_on", t.starts_on, "date", fields),
            FieldView::input("cut_off", t.cut_off, "date", fields).required(),
            FieldView::input("due_date", t.due_on, "date", fields),
        ],
        problems,
    };
    render(status, &page)
}

/// GET /beheer/perioden — report periods and the form for a new one. Admins.
pub async fn periods(state: web::Data<AppState>, ctx: WebContext) -> Result<HttpResponse, Error> {
    periods_page(
        &state,
        &ctx,
        &FormFields::default(),
        Problems::default(),
        StatusCode::OK,
    )
    .await
}

/// POST /beheer/perioden — create a report period. Admins.
pub async fn create_period(
    state: web::Data<AppState>,
    ctx: WebContext,
    user: AuthUser,
    fields: FormFields,
) -> Result<HttpResponse, Error> {
    let actor = user.actor(ctx.request_id.clone());
    let result = match fields.input::<PeriodInput>() {
        Ok(input) => {
            state
                .write(move |conn| reference::create_period(conn, &actor, &input).map(|_| ()))
                .await
        }
        Err(error) => Err(error),
    };
    after_create(ctx.lang, result, "/beheer/perioden", async |problems| {
        periods_page(
            &state,
            &ctx,
            &fields,
            problems,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await
    })
    .await
}

// ---- areas ----

async fn areas_page(
    state: &AppState,
    ctx: &WebContext,
    fields: &FormFields,
    problems: Problems,
    status: StatusCode,
) -> Result<HttpResponse, Error> {
    let lang = ctx.lang;
    let t = lang.texts();
    let names = state.read(Names::load).await?;
    let mut rows: Vec<RowView> = names
        .areas
        .iter()
        .map(|(code, (name, municipality, province))| RowView {
            cells: vec![
                name.clone(),
                code.clone(),
                municipality.clone(),
                province.clone(),
            ],
            href: Some(format!("/gebieden/{code}")),
        })
        .collect();
    rows.sort_by(|a, b| a.cells.first().cmp(&b.cells.first()));
    let page = ListPage {
        l: Layout::new(ctx, t.admin_areas),
        admin_nav: admin_nav(lang, "/beheer/gebieden"),
        list_title: t.admin_areas,
        columns: vec![t.name, t.code, t.municipality, t.province],
        rows,
        form_title: t.new_area,
        form_action: "/beheer/gebieden",
        form_button: t.create,
        fields: vec![
            FieldView::input("name", t.name, "text", fields).required(),
            FieldView::input("code", t.code, "text", fields)
                .required()
                .hint(t.code_hint),
            FieldView::input("municipality", t.municipality, "text", fields).select(
                names
                    .municipalities
                    .iter()
                    .map(|(c, n)| (c.clone(), n.clone()))
                    .collect(),
            ),
            FieldView::input("latitude", t.latitude, "text", fields).required(),
            FieldView::input("longitude", t.longitude, "text", fields).required(),
            FieldView::input("focus_since", t.focus_since, "date", fields),
        ],
        problems,
    };
    render(status, &page)
}

/// GET /beheer/gebieden — the areas and the form for a new one. Admins.
pub async fn areas(state: web::Data<AppState>, ctx: WebContext) -> Result<HttpResponse, Error> {
    areas_page(
        &state,
        &ctx,
        &FormFields::default(),
        Problems::default(),
        StatusCode::OK,
    )
    .await
}

/// POST /beheer/gebieden — add an area (as four joined in 2022). Admins.
pub async fn create_area(
    state: web::Data<AppState>,
    ctx: WebContext,
    user: AuthUser,
    fields: FormFields,
) -> Result<HttpResponse, Error> {
    let actor = user.actor(ctx.request_id.clone());
    let result = match fields
        .decimal_comma(&["latitude", "longitude"])
        .input::<NewAreaInput>()
    {
        Ok(input) => {
            state
                .write(move |conn| reference::create_area(conn, &actor, &input).map(|_| ()))
                .await
        }
        Err(error) => Err(error),
    };
    after_create(ctx.lang, result, "/beheer/gebieden", async |problems| {
        areas_page(
            &state,
            &ctx,
            &fields,
            problems,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await
    })
    .await
}
