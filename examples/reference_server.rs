//! The load benchmark's reference: what actix-web alone serves on this machine, with the same
//! worker count and HTTP settings as `versnelling serve` (`startup::run_http_server`).
//!
//! - `GET /plaintext` — `Hello, World!`: the practical limit of the machine.
//! - `GET /actions` — 100 action objects held in memory, serialised on every request into the
//!   same list envelope and the same fields as `GET /api/v1/actions` answers.
//!
//! The 100 actions are read once at start from the database the settings name (the real
//! action JSON of `versnelling seed --demo`, repeated with new ids when there are fewer than
//! 100), so their size is that of real answers. Settings come from the usual layers
//! (`VERSNELLING_BIND`, `VERSNELLING_DATABASE_URL`, `VERSNELLING__SERVER__WORKERS`, …).
//!
//! `cargo run --release --example reference_server` (bench/load.sh starts it).

use std::net::TcpListener;
use std::process::ExitCode;
use std::sync::Arc;

use actix_web::{App, HttpResponse, web};
use serde::Serialize;
use versnelling::config::{Overrides, Settings};
use versnelling::service::actions::{self, ActionFilter, ActionJson};

const ITEMS: usize = 100;

/// The envelope of `api::reference::List`, borrowing the items instead of owning them.
#[derive(Serialize)]
struct List<'a> {
    items: &'a [ActionJson],
    total: i64,
    limit: i64,
    offset: i64,
}

fn load_actions(settings: &Settings) -> Result<Vec<ActionJson>, String> {
    let url = settings.database_url().map_err(|e| e.to_string())?;
    let pool = versnelling::db::connect(&url, &settings.database).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let limit = i64::try_from(ITEMS).map_err(|e| e.to_string())?;
    let (found, _) =
        actions::list(&mut conn, &ActionFilter::default(), limit, 0).map_err(|e| e.to_string())?;
    if found.is_empty() {
        return Err("the database has no actions: run `versnelling seed --demo` first".into());
    }
    let mut items = Vec::with_capacity(ITEMS);
    for (id, action) in (1..).zip(found.iter().cycle().take(ITEMS)) {
        let mut action = action.clone();
        action.id = id;
        items.push(action);
    }
    Ok(items)
}

fn main() -> ExitCode {
    versnelling::init_process();
    let settings = match Settings::load(None, &Overrides::default()) {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    let items = match load_actions(&settings) {
        Ok(items) => Arc::new(items),
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = actix_web::rt::System::new();
    let outcome = runtime.block_on(async move {
        let listener = TcpListener::bind(settings.server.bind)?;
        eprintln!(
            "reference server on http://{} ({} actions in memory)",
            listener.local_addr()?,
            items.len()
        );
        let server = versnelling::startup::run_http_server(
            move || {
                let items = items.clone();
                App::new()
                    .route(
                        "/plaintext",
                        web::get().to(|| async {
                            HttpResponse::Ok()
                                .content_type("text/plain")
                                .body("Hello, World!")
                        }),
                    )
                    .route(
                        "/actions",
                        web::get().to(move || {
                            let items = items.clone();
                            async move {
                                let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
                                HttpResponse::Ok().json(List {
                                    items: items.as_slice(),
                                    total,
                                    limit: total,
                                    offset: 0,
                                })
                            }
                        }),
                    )
            },
            listener,
            &settings.server,
        )?;
        server.await
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
