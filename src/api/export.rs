//! Export of the actions with their state, as a file to download: CSV, XLSX or JSON.

use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::api::extract::Query;
use crate::domain::Lang;
use crate::error::Error;
use crate::i18n::Msg;
use crate::service::actions::ActionFilter;
use crate::service::spreadsheet::{self, ExportFormat};
use crate::state::AppState;

/// The format and the filters of the action list (without paging: an export holds every match).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `csv`, `xlsx` or `json`.
    #[param(inline)]
    pub format: ExportFormat,
    /// `nl` or `en`: a file for people in that language, with names beside the codes. A CSV in
    /// Dutch is for Dutch Excel: `;` between cells, a byte order mark and decimal commas. Without
    /// it a CSV is comma-separated (RFC 4180) with codes and English column names, and a
    /// workbook is Dutch. JSON is the same in every language.
    pub lang: Option<String>,
    /// Area codes, comma-separated.
    pub area: Option<String>,
    /// Municipality codes, comma-separated.
    pub municipality: Option<String>,
    /// Ministry codes, comma-separated.
    pub ministry: Option<String>,
    /// Theme codes, comma-separated.
    pub theme: Option<String>,
    /// Target group codes, comma-separated.
    pub target_group: Option<String>,
    /// Statuses or their words (`rood`, `oranje`, `groen`, `red`, …), comma-separated.
    pub status: Option<String>,
    /// Programme codes, comma-separated.
    pub programme: Option<String>,
    /// Free text, matched in title, description and responsible.
    pub q: Option<String>,
    /// `id` (default), `title`, `area`, `status`, `percent_complete`, `planned_end`,
    /// `updated_at`; a leading `-` sorts descending.
    pub sort: Option<String>,
    /// A date (end of that day, Europe/Amsterdam) or a date-time: the state at that moment.
    pub as_of: Option<String>,
}

impl ExportQuery {
    /// The language asked for, or a refusal naming the valid ones.
    fn lang(&self) -> Result<Option<Lang>, Error> {
        self.lang
            .as_deref()
            .map(|text| {
                Lang::from_name(text)
                    .map_err(|refused| Error::validation("lang", Msg::from(refused)))
            })
            .transpose()
    }

    fn filter(self) -> ActionFilter {
        ActionFilter {
            area: self.area,
            municipality: self.municipality,
            ministry: self.ministry,
            theme: self.theme,
            target_group: self.target_group,
            status: self.status,
            programme: self.programme,
            q: self.q,
            sort: self.sort,
            as_of: self.as_of,
            limit: None,
            offset: None,
        }
    }
}

fn content_type(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Csv => "text/csv; charset=utf-8",
        ExportFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ExportFormat::Json => "application/json",
    }
}

/// GET /api/v1/actions/export?format=csv|xlsx|json&… — every action that matches the filters,
/// with its state now or `as_of` a moment, as an attachment `acties-YYYY-MM-DD.EXT`. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/actions/export",
    tag = "actions",
    params(ExportQuery),
    responses(
        (status = 200, description = "The actions as a file (`Content-Disposition: attachment`)",
            content(
                (String = "text/csv; charset=utf-8"),
                (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (spreadsheet::ExportJson = "application/json"),
            )),
        (status = 422, description = "An unknown format or a bad filter"),
    ),
)]
pub async fn export_actions(
    state: web::Data<AppState>,
    query: Query<ExportQuery>,
) -> Result<HttpResponse, Error> {
    let format = query.0.format;
    let lang = query.0.lang()?;
    let filter = query.0.filter();
    let _slot = state.render_slot().await?;
    let export = state
        .read(move |conn| spreadsheet::export_actions(conn, &filter, format, lang))
        .await?;
    let file_name = spreadsheet::file_name(format, export.as_of);
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, content_type(format)))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .body(export.bytes))
}
