//! "Stand per": the date control of the overview, area, ministry and action pages. With
//! `?as_of=` a page shows the state at the end of that day (Europe/Amsterdam), read by the same
//! services through their `as_of`; its write forms are hidden then, because they act on now.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};

use crate::domain::asof::AsOf;
use crate::domain::dates;
use crate::error::Error;
use crate::service::actions::{self, ActionJson, RecentUpdate};
use crate::web::form::Problems;
use crate::web::session::WebContext;

/// The date control of a page and the moment it asks for.
#[derive(Debug, Clone, Default)]
pub struct AsOfView {
    /// The page the control reloads: its path without a query.
    pub path: String,
    /// The date field's value: the date asked for, or what was typed when it is no date.
    pub value: String,
    /// The latest date the field offers (today; a later one means now anyway).
    pub max: String,
    /// The parameter as given, for the services and the charts, when it names a past moment.
    pub param: Option<String>,
    /// The moment the page shows, when it is not now.
    pub moment: Option<AsOf>,
    /// What the reader is looking at, when it is not now.
    pub notice: Option<String>,
    /// Why the value was refused, in the page's language.
    pub error: Option<String>,
}

impl AsOfView {
    /// The control of the page at `path`, from the request's `?as_of=`. A date of today or
    /// later is now; a bad value is kept with its message, and the page shows now.
    pub fn read(ctx: &WebContext, path: impl Into<String>) -> Result<Self, Error> {
        let lang = ctx.lang;
        let t = lang.texts();
        let query = ctx.path.split_once('?').map_or("", |(_, query)| query);
        let given = form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == "as_of")
            .map(|(_, value)| value.trim().to_string())
            .filter(|value| !value.is_empty());
        let now = crate::db::now();
        let mut view = Self {
            path: path.into(),
            value: given.clone().unwrap_or_default(),
            max: dates::amsterdam_date(now).format("%Y-%m-%d").to_string(),
            ..Self::default()
        };
        let Some(given) = given else {
            return Ok(view);
        };
        match actions::as_of_param(Some(&given)) {
            Err(error) => {
                let problems = Problems::from_error(lang, error)?;
                view.error = problems
                    .of("as_of")
                    .map(str::to_string)
                    .or(problems.general)
                    .or_else(|| problems.fields.into_values().next());
            }
            // A moment after now comes back as now (`not_after`): the page is live.
            Ok(Some(moment)) if moment.before <= now => {
                let last = moment.before - Duration::microseconds(1);
                let day = dates::amsterdam_date(last);
                view.value = day.format("%Y-%m-%d").to_string();
                let seen = match NaiveDate::parse_from_str(&given, "%Y-%m-%d") {
                    Ok(date) => format!(
                        "{} {} {}.",
                        t.as_of_seen,
                        lang.date(date),
                        t.as_of_end_of_day
                    ),
                    Err(_) => format!("{} {}.", t.as_of_seen, lang.date_time(last)),
                };
                view.notice = Some(format!("{seen} {}", t.as_of_forms));
                view.moment = Some(moment);
                view.param = Some(given);
            }
            Ok(_) => {}
        }
        Ok(view)
    }

    /// Whether the page shows a moment in the past (and so no write forms).
    pub fn is_past(&self) -> bool {
        self.moment.is_some()
    }

    /// `?as_of=…` for a link or chart without a query of its own; empty for now.
    pub fn query(&self) -> String {
        self.param
            .as_deref()
            .map(|p| format!("?as_of={}", encode(p)))
            .unwrap_or_default()
    }

    /// `&as_of=…` for a link or chart that has a query already; empty for now.
    pub fn and_query(&self) -> String {
        self.param
            .as_deref()
            .map(|p| format!("&as_of={}", encode(p)))
            .unwrap_or_default()
    }

    /// The page's status: 422 when the value was refused, else `status`.
    pub fn status(&self, status: actix_web::http::StatusCode) -> actix_web::http::StatusCode {
        if self.error.is_some() && status.is_success() {
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
        } else {
            status
        }
    }
}

fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// The latest `limit` progress updates recorded before the moment (`recent`, newest first, read
/// as of it), with the titles their actions had then (`actions` as of the moment).
pub fn updates_then(
    recent: Vec<RecentUpdate>,
    moment: Option<AsOf>,
    actions: &[ActionJson],
    limit: usize,
) -> Vec<RecentUpdate> {
    let Some(moment) = moment else {
        return recent.into_iter().take(limit).collect();
    };
    let titles: HashMap<i64, &str> = actions.iter().map(|a| (a.id, a.title.as_str())).collect();
    recent
        .into_iter()
        .filter(|r| moment.includes(r.update.recorded_at))
        .filter_map(|mut r| {
            r.action_title = (*titles.get(&r.update.action_id)?).to_string();
            Some(r)
        })
        .take(limit)
        .collect()
}
