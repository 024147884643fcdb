//! What every page shares: the language, the navigation, the user, the CSRF token, the assets.

use askama::Template;

use crate::auth::policy::{self, Access, Operation};
use crate::domain::ActionStatus;
use crate::web::assets;
use crate::web::i18n::Texts;
use crate::web::session::WebContext;
use crate::web::view::StatusView;

/// One entry of the navigation.
#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: String,
    pub label: String,
    pub current: bool,
}

#[derive(Debug, Clone)]
pub struct UserView {
    pub name: String,
    pub role: &'static str,
}

/// The frame of every page (`templates/base.html`).
#[derive(Debug, Clone)]
pub struct Layout {
    pub t: &'static Texts,
    pub lang: &'static str,
    pub other_lang: &'static str,
    pub title: String,
    pub user: Option<UserView>,
    pub nav: Vec<NavItem>,
    pub csrf: String,
    /// This page's path and query, to return to after the language switch.
    pub path: String,
    /// This page's path without the query, to return to after a form.
    pub path_only: String,
    pub notice: Option<&'static str>,
    pub css: String,
    pub js: String,
    /// Every status with its word, for select lists and table headers.
    pub statuses: Vec<StatusView>,
}

impl Layout {
    pub fn new(ctx: &WebContext, title: impl Into<String>) -> Self {
        let t = ctx.lang.texts();
        let path_only = ctx.path.split('?').next().unwrap_or("/").to_string();
        Self {
            t,
            lang: ctx.lang.code(),
            other_lang: ctx.lang.other().code(),
            title: title.into(),
            user: ctx.user().map(|user| UserView {
                name: user.username.clone(),
                role: ctx.lang.role(user.role),
            }),
            nav: nav(ctx, &path_only),
            csrf: ctx.csrf.clone(),
            path: ctx.path.clone(),
            path_only,
            notice: ctx.notice.as_deref().and_then(|key| t.notice(key)),
            css: assets::url("app.css"),
            js: assets::url("app.js"),
            statuses: ActionStatus::ALL
                .iter()
                .map(|s| StatusView::new(ctx.lang, *s))
                .collect(),
        }
    }
}

/// The navigation for the caller: only what their role may open.
pub fn nav(ctx: &WebContext, path: &str) -> Vec<NavItem> {
    let Some(user) = ctx.user() else {
        return Vec::new();
    };
    let t = ctx.lang.texts();
    let mut items: Vec<(String, String)> = vec![("/".into(), t.nav_overview.into())];
    if let Some((code, _)) = &ctx.scope.ministry {
        items.push((format!("/ministeries/{code}"), t.nav_my_ministry.into()));
    }
    for (code, name) in &ctx.scope.areas {
        items.push((format!("/gebieden/{code}"), name.clone()));
    }
    if policy::access(user.role, Operation::ReadConsultations) != Access::Denied {
        items.push(("/raadplegingen".into(), t.nav_consultations.into()));
    }
    if policy::access(user.role, Operation::ReadReports) != Access::Denied {
        items.push(("/rapportages".into(), t.nav_reports.into()));
    }
    if policy::access(user.role, Operation::ManageUsers) != Access::Denied {
        items.push(("/beheer".into(), t.nav_admin.into()));
    }
    items
        .into_iter()
        .map(|(href, label)| NavItem {
            current: if href == "/" {
                path == "/"
            } else {
                path == href || path.starts_with(&format!("{href}/"))
            },
            href,
            label,
        })
        .collect()
}

/// An error page (403, 404, 500 …).
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub l: Layout,
    pub message: &'static str,
    pub status: u16,
}
