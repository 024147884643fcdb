//! Building and running the application: the data directory, the database, the signing key,
//! the HTTP server. Tests use the same builder on port 0.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::Server;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::ConnectionType;
use actix_web::middleware::{DefaultHeaders, Next, from_fn};
use actix_web::{App, HttpServer, web};

use crate::auth::jwt::JwtKeys;
use crate::auth::throttle;
use crate::config::Settings;
use crate::db::group_commit::GroupCommit;
use crate::db::writer::{self, Writer};
use crate::db::{self, Pool};
use crate::error::Error;
use crate::i18n::Msg;
use crate::seed;
use crate::service;
use crate::service::cache::AnswerCache;
use crate::service::signing_keys;
use crate::state::AppState;
use crate::telemetry::{self, Metrics};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("{0}")]
    Config(#[from] crate::config::ConfigError),
    #[error("{0}")]
    Database(#[from] db::DbSetupError),
    #[error("cannot use the data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot prepare the signing keys: {message}")]
    Secret { message: String },
    #[error("cannot seed the reference data: {0}")]
    Seed(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("{0}")]
    Other(String),
}

impl From<diesel::result::Error> for StartupError {
    fn from(err: diesel::result::Error) -> Self {
        Self::Database(db::DbSetupError::Migrate(db::one_line(&err.to_string())))
    }
}

/// Makes sure the data directory exists and can be written to. One it creates is for the
/// service's own user only (mode 0700): the SQLite database in it holds password hashes and
/// the signing keys.
pub fn prepare_data_dir(dir: &Path) -> Result<(), StartupError> {
    let fail = |source| StartupError::DataDir {
        path: dir.to_path_buf(),
        source,
    };
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(fail)?;
    let probe = dir.join(".write-test");
    std::fs::write(&probe, b"ok").map_err(fail)?;
    std::fs::remove_file(&probe).map_err(fail)?;
    Ok(())
}

/// Opens the pool, applies pending migrations and seeds missing reference data. Both are
/// writes like any other, so they run through the one write path.
pub fn open_database(settings: &Settings) -> Result<Pool, StartupError> {
    let url = settings.database_url()?;
    let pool = db::connect(&url, &settings.database)?;
    // The outer error is the writer's own (no connection), the inner one a migration's or the
    // seed's, each reported as before.
    Writer::direct(pool.clone())
        .write_blocking(|conn| Ok(migrate_and_seed(conn, &url)))
        .map_err(|err| db::DbSetupError::Pool(db::one_line(&err.to_string())))??;
    Ok(pool)
}

/// Migrates and seeds in one write transaction under a named lock: instances started at once
/// on a new database (or with a new version) take turns, and the later ones find the work
/// done, instead of applying the same migration twice (PostgreSQL refused the second
/// `CREATE TABLE` of two instances started together). A migration that fails leaves the
/// database as it was.
fn migrate_and_seed(
    conn: &mut db::DbConnection,
    url: &db::DatabaseUrl,
) -> Result<(), StartupError> {
    db::write_transaction(conn, |conn| {
        db::lock_named(conn, "versnelling:migrate")?;
        migrate_and_seed_locked(conn, url)
    })
}

fn migrate_and_seed_locked(
    conn: &mut db::DbConnection,
    url: &db::DatabaseUrl,
) -> Result<(), StartupError> {
    let applied = db::run_migrations(conn)?;
    if applied > 0 {
        tracing::info!(applied, backend = url.backend_name(), "database migrated");
    }
    let counts = seed::seed_reference(conn).map_err(|err| StartupError::Seed(err.to_string()))?;
    if counts.total() > 0 {
        tracing::info!(rows = counts.total(), "reference data seeded");
    }
    Ok(())
}

/// The file earlier versions kept a generated signing key in; no longer read.
const OLD_SECRET_FILE: &str = "jwt-secret";

/// The keys that sign access tokens: the configured `auth.jwt_secret`, or else the keys every
/// instance shares through the database, with a first one made when there is none. There is
/// no built-in default key.
pub fn prepare_signing_keys(settings: &Settings, pool: &Pool) -> Result<JwtKeys, StartupError> {
    let old = settings.data.dir.join(OLD_SECRET_FILE);
    if old.exists() {
        tracing::warn!(
            path = %old.display(),
            "this file is no longer used: the signing keys are in the database; delete it"
        );
    }
    if !settings.auth.jwt_secret.is_empty() {
        return Ok(JwtKeys::configured(
            &settings.auth.jwt_secret,
            &settings.auth,
        ));
    }
    let made = Writer::direct(pool.clone())
        .write_blocking(|conn| {
            db::write_transaction(conn, |conn| {
                signing_keys::ensure_current(conn, db::now()).map_err(Error::from)
            })
        })
        .map_err(|err| StartupError::Secret {
            message: err.to_string(),
        })?;
    if let Some(kid) = made {
        tracing::info!(kid, "started the first signing key");
    }
    let keys = JwtKeys::shared(&settings.auth);
    let mut conn = pool.get().map_err(|err| StartupError::Secret {
        message: db::one_line(&err.to_string()),
    })?;
    writer::reading(&mut conn).map_err(|err| StartupError::Secret {
        message: err.to_string(),
    })?;
    keys.reload(&mut *conn);
    Ok(keys)
}

/// A built, bound, not yet running application.
pub struct Application {
    server: Server,
    addr: SocketAddr,
    state: AppState,
}

impl Application {
    /// Prepares everything and binds the listener; the port may be 0 (tests).
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        let settings = Arc::new(settings);
        let prepared = {
            let settings = settings.clone();
            web::block(move || -> Result<_, StartupError> {
                prepare_data_dir(&settings.data.dir)?;
                let pool = open_database(&settings)?;
                let keys = prepare_signing_keys(&settings, &pool)?;
                let mut conn = pool
                    .get()
                    .map_err(|err| db::DbSetupError::Pool(db::one_line(&err.to_string())))?;
                writer::reading(&mut conn).map_err(|e| StartupError::Other(e.to_string()))?;
                let users = service::users::count(&mut conn)
                    .map_err(|e| StartupError::Other(e.to_string()))?;
                Ok((pool, keys, users))
            })
            .await
            .map_err(|err| StartupError::Other(err.to_string()))??
        };
        let (pool, jwt, users) = prepared;
        if users == 0 {
            tracing::warn!(
                "there are no users yet; create the first admin with: \
                 versnelling user add --username admin --role admin --password-stdin"
            );
        }
        let auth = &settings.auth;
        let sqlite = matches!(settings.database_url()?, db::DatabaseUrl::Sqlite(_));
        let group_commit = if sqlite && settings.database.sqlite_group_commit {
            let writer = GroupCommit::start(pool.clone()).map_err(|err| {
                StartupError::Other(format!("cannot start the SQLite writer: {err}"))
            })?;
            Some(Arc::new(writer))
        } else {
            None
        };
        let state = AppState {
            cache: Arc::new(AnswerCache::new(
                settings.cache.max_mb * 1024 * 1024,
                Duration::from_secs(settings.cache.time_dependent_seconds),
            )),
            writer: Writer::new(pool.clone(), group_commit),
            pool,
            settings: settings.clone(),
            metrics: Arc::new(Metrics::default()),
            jwt: Arc::new(jwt),
            renders: Arc::new(tokio::sync::Semaphore::new(
                settings.server.max_concurrent_renders,
            )),
            computing: Arc::default(),
            throttle: throttle::Rules::from_settings(auth),
        };

        crate::scheduler::Runner::new(
            state.pool.clone(),
            settings.database_url()?,
            settings.database.clone(),
        )
        .start(crate::scheduler::jobs(&state));

        let bind = settings.server.bind;
        let listener = TcpListener::bind(bind)
            .map_err(|source| StartupError::Listen { addr: bind, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| StartupError::Listen { addr: bind, source })?;
        let server = build_server(listener, state.clone())
            .map_err(|source| StartupError::Listen { addr, source })?;
        Ok(Self {
            server,
            addr,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn address(&self) -> SocketAddr {
        self.addr
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGINT/SIGTERM; in-flight requests get `shutdown_timeout_seconds` to finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }

    /// The server future, for tests that spawn it.
    pub fn into_server(self) -> Server {
        self.server
    }
}

/// The path a request is routed by: repeated slashes merged and a trailing slash trimmed, so
/// `/api/v1/actions/` finds `/api/v1/actions`. Most paths need neither and are left as they
/// are without work (actix's NormalizePath ran a regex over every path: an eighth of a cached
/// read's instructions under callgrind).
pub fn normalized_path(path: &str) -> Option<String> {
    let needs = path.contains("//") || (path.len() > 1 && path.ends_with('/'));
    if !needs {
        return None;
    }
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c == '/' && out.ends_with('/') {
            continue;
        }
        out.push(c);
    }
    if out.len() > 1 && out.ends_with('/') {
        out.pop();
    }
    Some(out)
}

async fn normalize_path(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if let Some(path) = normalized_path(req.path()) {
        let target = match req.uri().query() {
            Some(query) => format!("{path}?{query}"),
            None => path,
        };
        let mut parts = req.uri().clone().into_parts();
        // A path that does not parse again is left as it came: routing answers it (404).
        if let Ok(path_and_query) = target.parse() {
            parts.path_and_query = Some(path_and_query);
            if let Ok(uri) = actix_web::http::Uri::from_parts(parts) {
                req.match_info_mut().get_mut().update(&uri);
                req.head_mut().uri = uri;
            }
        }
    }
    next.call(req).await
}

/// The size of a request's head as the limit counts it: the request target and every header
/// line (`name: value` and its line ending).
pub fn head_size(req: &ServiceRequest) -> usize {
    let target = req
        .uri()
        .path_and_query()
        .map_or(0, |target| target.as_str().len());
    let headers: usize = req
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    target + headers
}

/// Middleware, the outermost: a request whose head is larger than `server.max_header_bytes`
/// gets 431 (problem+json) and a closed connection before it is given a request id, logged or
/// routed; only its size is logged. actix-http has read it already (it reads heads of up to
/// 128 KiB, and answers 431 itself above that; that limit cannot be set).
async fn limit_head(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let max = req
        .app_data::<web::Data<AppState>>()
        .map_or(16 * 1024, |state| state.settings.server.max_header_bytes);
    let size = head_size(&req);
    if size <= max {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    tracing::warn!(size, max, "request head too large; answered 431");
    let lang = crate::api::api_language(req.request());
    let mut response = Error::HeadersTooLarge(Msg::HeadersTooLarge { max }).respond(lang);
    response
        .head_mut()
        .set_connection_type(ConnectionType::Close);
    Ok(req.into_response(response).map_into_right_body())
}

/// Headers every response carries unless its handler set its own (the API docs set a looser
/// Content-Security-Policy for Swagger UI's scripts). No CORS headers: browsers on other origins
/// cannot call the API.
fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "no-referrer"))
        .add((
            "Content-Security-Policy",
            "default-src 'none'; frame-ancestors 'none'",
        ))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add(("Cross-Origin-Resource-Policy", "same-origin"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=()",
        ))
}

fn build_server(listener: TcpListener, state: AppState) -> std::io::Result<Server> {
    let settings = state.settings.clone();
    let data = web::Data::new(state);
    let max_body = settings.server.max_body_bytes;
    run_http_server(
        move || {
            App::new()
                .app_data(data.clone())
                .app_data(crate::api::json_config(max_body))
                .app_data(crate::api::path_config())
                .app_data(web::PayloadConfig::new(max_body))
                .configure(crate::api::routes)
                .default_service(web::to(crate::api::not_found))
                .wrap(from_fn(normalize_path))
                .wrap(security_headers())
                .wrap(from_fn(telemetry::observe))
                .wrap(from_fn(limit_head))
        },
        listener,
        &settings.server,
    )
}

/// Runs an actix-web application factory on `listener` with the server settings `serve` uses
/// (workers, keep-alive, timeouts). The benchmark's reference server (`examples/`) uses it too,
/// so both are measured under the same settings.
pub fn run_http_server<F, I, S, B>(
    factory: F,
    listener: TcpListener,
    settings: &crate::config::ServerSettings,
) -> std::io::Result<Server>
where
    F: Fn() -> I + Send + Clone + 'static,
    I: actix_service::IntoServiceFactory<S, actix_http::Request>,
    S: actix_web::dev::ServiceFactory<actix_http::Request, Config = actix_web::dev::AppConfig>
        + 'static,
    S::Error: Into<actix_web::Error> + 'static,
    S::InitError: std::fmt::Debug,
    S::Response: Into<actix_http::Response<B>> + 'static,
    <S::Service as actix_web::dev::Service<actix_http::Request>>::Future: 'static,
    S::Service: 'static,
    B: actix_web::body::MessageBody + 'static,
{
    let mut server = HttpServer::new(factory)
        .listen(listener)?
        .shutdown_timeout(settings.shutdown_timeout_seconds)
        .client_request_timeout(Duration::from_secs(settings.client_request_timeout_seconds))
        .keep_alive(Duration::from_secs(settings.keep_alive_seconds));
    if settings.workers > 0 {
        server = server.workers(settings.workers);
    }
    Ok(server.run())
}

#[cfg(test)]
mod tests {
    use super::normalized_path;

    #[test]
    fn paths_are_normalized_only_when_they_need_it() {
        assert_eq!(normalized_path("/api/v1/actions"), None);
        assert_eq!(normalized_path("/"), None);
        assert_eq!(
            normalized_path("/api/v1/actions/").as_deref(),
            Some("/api/v1/actions")
        );
        assert_eq!(
            normalized_path("//api///v1/actions//").as_deref(),
            Some("/api/v1/actions")
        );
        assert_eq!(normalized_path("//").as_deref(), Some("/"));
    }
}
