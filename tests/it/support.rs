//! Test helpers: a fresh database per test on SQLite or PostgreSQL, and the real application
//! started on a free port.

use std::path::PathBuf;

use diesel::Connection;
use versnelling::config::{Settings, SettingsBuilder, TEST_TOML};
use versnelling::db::{self, DbConnection};

/// The environment variable naming a PostgreSQL server the tests may create databases on,
/// as a URL of a role with CREATEDB, e.g. postgres://versnelling:versnelling@127.0.0.1:5432/postgres
pub const POSTGRES_ENV: &str = "VERSNELLING_TEST_POSTGRES_URL";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database that exists for one test and is removed afterwards.
pub struct TestDatabase {
    pub url: String,
    pub data_dir: PathBuf,
    _dir: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    /// Creates an empty database; `None` when PostgreSQL is asked for but not configured
    /// (outside CI only: with CI=true a missing PostgreSQL fails the test).
    pub fn create(backend: Backend) -> Option<Self> {
        versnelling::init_process();
        let dir = tempfile::tempdir().expect("temporary directory");
        let data_dir = dir.path().join("data");
        match backend {
            Backend::Sqlite => Some(Self {
                url: format!("sqlite://{}", data_dir.join("test.db").display()),
                data_dir,
                _dir: dir,
                postgres: None,
            }),
            Backend::Postgres => {
                let admin_url = postgres_admin_url()?;
                let name = format!("vt_{}", random_suffix());
                let mut admin = diesel::PgConnection::establish(&admin_url).unwrap_or_else(|err| {
                    panic!("cannot reach PostgreSQL at {POSTGRES_ENV}: {err}")
                });
                diesel::RunQueryDsl::execute(
                    diesel::sql_query(format!("CREATE DATABASE {name}")),
                    &mut admin,
                )
                .expect("create test database");
                let url = replace_database(&admin_url, &name);
                Some(Self {
                    url,
                    data_dir,
                    _dir: dir,
                    postgres: Some((admin_url, name)),
                })
            }
        }
    }

    pub fn connect(&self) -> DbConnection {
        let settings = self.settings();
        let url = settings.database_url().expect("valid url");
        std::fs::create_dir_all(&self.data_dir).expect("data dir");
        db::ConnectionManager::new(url, &settings.database)
            .establish()
            .expect("connect")
    }

    /// The test settings pointed at this database and a temporary data directory.
    pub fn settings(&self) -> Settings {
        self.settings_with(&[])
    }

    /// The test settings with some keys changed, e.g. `("server.max_concurrent_renders", "1")`.
    pub fn settings_with(&self, overrides: &[(&str, &str)]) -> Settings {
        let mut builder = SettingsBuilder::new()
            .and_then(|b| b.add_toml("config/test.toml", TEST_TOML))
            .expect("test settings");
        builder
            .set(&["database".into(), "url".into()], &self.url, "test")
            .expect("url");
        builder
            .set(
                &["data".into(), "dir".into()],
                &self.data_dir.to_string_lossy(),
                "test",
            )
            .expect("data dir");
        for (key, value) in overrides {
            let path: Vec<String> = key.split('.').map(str::to_string).collect();
            builder.set(&path, value, "test").expect("a known setting");
        }
        builder.build().expect("test settings")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = &self.postgres
            && let Ok(mut admin) = diesel::PgConnection::establish(admin_url)
        {
            let _ = diesel::RunQueryDsl::execute(
                diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")),
                &mut admin,
            );
        }
    }
}

/// The PostgreSQL admin URL, or `None` with a message when it is not set outside CI.
pub fn postgres_admin_url() -> Option<String> {
    match std::env::var(POSTGRES_ENV) {
        // Without TLS: the tests make hundreds of connections on loopback, and OpenSSL's
        // clean-up at process exit races with pool threads still holding TLS connections
        // (seen as a SIGSEGV after every test had passed).
        Ok(url) if !url.is_empty() && url.contains("sslmode=") => Some(url),
        Ok(url) if !url.is_empty() => {
            let separator = if url.contains('?') { '&' } else { '?' };
            Some(format!("{url}{separator}sslmode=disable"))
        }
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true but {POSTGRES_ENV} is not set: PostgreSQL tests must run in CI");
            }
            eprintln!("skipped: PostgreSQL test; set {POSTGRES_ENV} to run it (see README)");
            None
        }
    }
}

fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

pub fn random_suffix() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("random");
    hex::encode(bytes)
}

/// Declares a test that runs once on SQLite and once on PostgreSQL:
/// `both_backends!(fn name(db: TestDatabase) { ... });` makes `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! both_backends {
    ($(#[$meta:meta])* fn $name:ident($db:ident : TestDatabase $(,)?) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[test]
            fn sqlite() {
                let $db = $crate::support::TestDatabase::create($crate::support::Backend::Sqlite)
                    .expect("sqlite");
                $body
            }
            #[test]
            fn postgres() {
                let Some($db) =
                    $crate::support::TestDatabase::create($crate::support::Backend::Postgres)
                else {
                    return;
                };
                $body
            }
        }
    };
}

/// The tables and columns that say when something was recorded.
const RECORDED: &[(&str, &[&str])] = &[
    ("actions", &["created_at", "updated_at", "last_update_at"]),
    ("baselines", &["recorded_at"]),
    ("progress_updates", &["recorded_at"]),
    ("milestones", &["created_at", "updated_at"]),
    ("milestone_events", &["recorded_at"]),
    ("indicators", &["created_at", "updated_at"]),
    ("indicator_values", &["recorded_at"]),
    ("local_notes", &["recorded_at"]),
    ("audit_log", &["recorded_at"]),
    ("versions", &["recorded_at"]),
];

/// Moves everything recorded after `at` (UTC, `2024-09-15 10:00:00`) to `at`: a test writes
/// now and then says when it happened, so history reads as if recorded over months.
pub fn happened_at(conn: &mut DbConnection, at: &str) {
    use diesel::RunQueryDsl;
    for (table, columns) in RECORDED {
        for column in *columns {
            diesel::sql_query(format!(
                "UPDATE {table} SET {column} = '{at}' WHERE {column} > '{at}'"
            ))
            .execute(&mut *conn)
            .expect("move the recorded times");
        }
    }
}

/// Says why a test skips when a tool it needs is missing; with `CI=true` (where `.ci/run`
/// installs every tool) it fails instead.
pub fn skip_unless_ci(message: &str) {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true but {message}");
    }
    eprintln!("skipped: {message}");
}

/// The password of the users [`TestApp::user_with_token`] makes.
pub const USER_PASSWORD: &str = "een lang genoeg wachtwoord";

/// The real application, started on a free port with its own database.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub database: std::sync::Arc<TestDatabase>,
    /// The data directory of an instance started by [`TestApp::another_instance`].
    _data_dir: Option<tempfile::TempDir>,
}

impl TestApp {
    /// Starts the app; `None` when PostgreSQL is asked for but not configured (outside CI).
    pub async fn spawn(backend: Backend) -> Option<Self> {
        Self::spawn_with(backend, &[]).await
    }

    /// Starts the app with some settings changed.
    pub async fn spawn_with(backend: Backend, overrides: &[(&str, &str)]) -> Option<Self> {
        let database = TestDatabase::create(backend)?;
        let app = versnelling::startup::Application::build(database.settings_with(overrides))
            .await
            .expect("the application starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        actix_web::rt::spawn(app.into_server());
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("http client");
        Some(Self {
            address,
            client,
            database: std::sync::Arc::new(database),
            _data_dir: None,
        })
    }

    /// Another instance of the app on the same database, started from a data directory of its
    /// own: nothing shared but the database URL.
    pub async fn another_instance(&self, overrides: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let data_dir = dir.path().join("data").to_string_lossy().to_string();
        let mut all = vec![("data.dir", data_dir.as_str())];
        all.extend_from_slice(overrides);
        let app = versnelling::startup::Application::build(self.database.settings_with(&all))
            .await
            .expect("another instance starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        actix_web::rt::spawn(app.into_server());
        Self {
            address,
            client: self.client.clone(),
            database: self.database.clone(),
            _data_dir: Some(dir),
        }
    }

    /// The current signing key in the database: its id and secret.
    pub fn signing_key(&self) -> (String, Vec<u8>) {
        use versnelling::auth::jwt::KeyStore as _;
        let keys = self.connect().signing_keys().expect("the signing keys");
        let current = keys
            .into_iter()
            .find(|key| key.retired_at.is_none())
            .expect("a current signing key");
        (current.kid, current.secret.expose().as_bytes().to_vec())
    }

    /// A token with these claims, signed as the app signs them (HS256, the current key).
    pub fn sign(&self, claims: &serde_json::Value) -> String {
        let (kid, secret) = self.signing_key();
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        header.kid = Some(kid);
        jsonwebtoken::encode(
            &header,
            claims,
            &jsonwebtoken::EncodingKey::from_secret(&secret),
        )
        .expect("a signed token")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    /// GET a path and decode the JSON body, asserting the status.
    pub async fn get_json(&self, path: &str, status: u16) -> serde_json::Value {
        let response = self.get(path).await;
        assert_eq!(response.status().as_u16(), status, "GET {path}");
        response.json().await.expect("json body")
    }

    pub fn connect(&self) -> DbConnection {
        self.database.connect()
    }

    /// Creates a user directly in the database; returns its id.
    pub fn create_user(
        &self,
        username: &str,
        role: &str,
        scope: Option<&str>,
        password: &str,
    ) -> i64 {
        let mut conn = self.connect();
        let input = versnelling::service::users::NewUserInput {
            username: username.into(),
            display_name: String::new(),
            role: role.into(),
            ministry: if role == "ministry" {
                scope.map(str::to_string)
            } else {
                None
            },
            municipality: if role == "municipality" {
                scope.map(str::to_string)
            } else {
                None
            },
            password: password.into(),
        };
        versnelling::service::users::create_user(
            &mut conn,
            &versnelling::service::audit::Actor::system("test"),
            &input,
        )
        .expect("create user")
        .id
    }

    /// Logs in through the API; returns the whole token answer.
    pub async fn login(&self, username: &str, password: &str) -> serde_json::Value {
        let response = self
            .client
            .post(self.url("/api/v1/auth/token"))
            .json(&serde_json::json!({ "username": username, "password": password }))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200, "login as {username}");
        response.json().await.expect("json")
    }

    /// A user of `role` (and scope) with an access token: (user id, access token).
    pub async fn user_with_token(&self, role: &str, scope: Option<&str>) -> (i64, String) {
        let username = format!("{role}-{}", &random_suffix()[..8]);
        let password = USER_PASSWORD;
        let id = self.create_user(&username, role, scope, password);
        let tokens = self.login(&username, password).await;
        (
            id,
            tokens["access_token"]
                .as_str()
                .expect("access token")
                .to_string(),
        )
    }

    pub async fn admin_token(&self) -> String {
        self.user_with_token("admin", None).await.1
    }

    /// Sends a request with an optional bearer token, JSON body and If-Match.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
        if_match: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        if let Some(tag) = if_match {
            request = request.header("If-Match", tag);
        }
        request.send().await.expect("request")
    }

    /// POST JSON with a token (and If-Match), asserting success; returns the JSON body.
    pub async fn post_ok(
        &self,
        token: &str,
        path: &str,
        body: serde_json::Value,
        if_match: Option<&str>,
    ) -> serde_json::Value {
        let response = self
            .send(
                reqwest::Method::POST,
                path,
                Some(token),
                Some(body.clone()),
                if_match,
            )
            .await;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        assert!(status.is_success(), "POST {path} {body}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
    }

    /// The ETag a GET of `path` answers with.
    pub async fn etag(&self, token: &str, path: &str) -> String {
        let response = self
            .send(reqwest::Method::GET, path, Some(token), None, None)
            .await;
        assert!(response.status().is_success(), "GET {path}");
        response.headers()["etag"]
            .to_str()
            .expect("an ETag")
            .to_string()
    }

    /// GET with a token, asserting the status; returns the JSON body.
    pub async fn get_as(&self, token: &str, path: &str, status: u16) -> serde_json::Value {
        let response = self
            .send(reqwest::Method::GET, path, Some(token), None, None)
            .await;
        assert_eq!(response.status().as_u16(), status, "GET {path}");
        response.json().await.unwrap_or(serde_json::Value::Null)
    }
}

/// Declares an async test against the running app, once per backend:
/// `app_test!(async fn name(app: TestApp) { ... });` makes `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! app_test {
    ($(#[$meta:meta])* async fn $name:ident($app:ident : TestApp $(,)?) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[actix_web::test]
            async fn sqlite() {
                let $app = $crate::support::TestApp::spawn($crate::support::Backend::Sqlite)
                    .await
                    .expect("sqlite");
                $body
            }
            #[actix_web::test]
            async fn postgres() {
                let Some($app) =
                    $crate::support::TestApp::spawn($crate::support::Backend::Postgres).await
                else {
                    return;
                };
                $body
            }
        }
    };
}

/// The text of a PDF as poppler's `pdftotext` reads it; `None` (with a message) when pdftotext
/// is not installed, outside CI only: with CI=true a missing pdftotext fails the test.
pub fn pdf_text(pdf: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("document.pdf");
    std::fs::write(&path, pdf).expect("write the PDF");
    match std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(output) => {
            assert!(
                output.status.success(),
                "pdftotext could not read the PDF: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            Some(String::from_utf8_lossy(&output.stdout).to_string())
        }
        Err(_) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true but pdftotext (poppler-utils) is not installed")
        }
        Err(_) => {
            eprintln!(
                "skipped: reading a PDF back needs pdftotext (apt-get install poppler-utils)"
            );
            None
        }
    }
}

/// A logged-in browser session of the dashboard, driven over plain HTTP: the session cookie
/// and the CSRF token its forms carry.
#[derive(Debug, Clone)]
pub struct WebSession {
    pub cookie: String,
    pub csrf: String,
}

/// The CSRF token in a page's forms.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("a form with a CSRF token") + marker.len();
    html[start..]
        .split('"')
        .next()
        .expect("the token")
        .to_string()
}

/// The value of a cookie a response sets.
pub fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_string)
}

pub const WEB_PASSWORD: &str = "een lang genoeg wachtwoord";

impl TestApp {
    /// GET a page, with a session's cookie or none.
    pub async fn page(&self, session: Option<&WebSession>, path: &str) -> reqwest::Response {
        let mut request = self.client.get(self.url(path));
        if let Some(session) = session {
            request = request.header("Cookie", &session.cookie);
        }
        request.send().await.expect("request")
    }

    /// POST a form as a browser would (urlencoded), with the session's cookie and CSRF token.
    pub async fn post_form(
        &self,
        session: &WebSession,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut all: Vec<(&str, &str)> = vec![("csrf", session.csrf.as_str())];
        all.extend_from_slice(fields);
        self.client
            .post(self.url(path))
            .header("Cookie", &session.cookie)
            .form(&all)
            .send()
            .await
            .expect("request")
    }

    /// Logs in through the login form; the session cookie and the token of its forms.
    pub async fn web_login(&self, username: &str, password: &str) -> WebSession {
        let login = self.page(None, "/inloggen").await;
        let csrf_cookie = set_cookie(&login, "vm_csrf").expect("a CSRF cookie for visitors");
        let csrf_cookie = csrf_cookie.split(';').next().expect("cookie").to_string();
        let csrf = csrf_of(&login.text().await.expect("html"));
        let response = self
            .client
            .post(self.url("/inloggen"))
            .header("Cookie", &csrf_cookie)
            .form(&[
                ("csrf", csrf.as_str()),
                ("username", username),
                ("password", password),
                ("next", "/"),
            ])
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 303, "login as {username}");
        let cookie = set_cookie(&response, "vm_session").expect("a session cookie");
        let cookie = cookie.split(';').next().expect("cookie").to_string();
        let mut session = WebSession {
            cookie,
            csrf: String::new(),
        };
        let home = self.page(Some(&session), "/").await;
        session.csrf = csrf_of(&home.text().await.expect("html"));
        session
    }

    /// A new user of `role` (and scope) logged in to the dashboard: (user id, username, session).
    pub async fn web_user(&self, role: &str, scope: Option<&str>) -> (i64, String, WebSession) {
        let username = format!("web-{role}-{}", &random_suffix()[..8]);
        let id = self.create_user(&username, role, scope, WEB_PASSWORD);
        let session = self.web_login(&username, WEB_PASSWORD).await;
        (id, username, session)
    }
}

/// The page count `pdfinfo` reads from a PDF; `None` (with a message) when poppler-utils is not
/// installed, outside CI only.
pub fn pdf_pages(pdf: &[u8]) -> Option<usize> {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("document.pdf");
    std::fs::write(&path, pdf).expect("write the PDF");
    match std::process::Command::new("pdfinfo").arg(&path).output() {
        Ok(output) => {
            let text = String::from_utf8_lossy(&output.stdout).to_string();
            assert!(
                output.status.success(),
                "pdfinfo could not read the PDF: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            let pages = text
                .lines()
                .find_map(|line| line.strip_prefix("Pages:"))
                .and_then(|n| n.trim().parse().ok())
                .unwrap_or_else(|| panic!("no page count in {text}"));
            Some(pages)
        }
        Err(_) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true but pdfinfo (poppler-utils) is not installed")
        }
        Err(_) => {
            eprintln!("skipped: counting PDF pages needs pdfinfo (apt-get install poppler-utils)");
            None
        }
    }
}

/// Fails when a page shows the English text of any message code: the literal parts of every
/// English text (between its `{parameters}`) that are long enough to be words, not codes.
pub fn assert_no_english_messages(html: &str) {
    for (key, english) in versnelling::i18n::en::TEXTS {
        if key.starts_with("label.") || key.starts_with("title.") {
            continue;
        }
        let mut rest = *english;
        while !rest.is_empty() {
            let (literal, after) = match rest.find('{') {
                Some(open) => (
                    &rest[..open],
                    rest[open..]
                        .find('}')
                        .map_or("", |close| &rest[open + close + 1..]),
                ),
                None => (rest, ""),
            };
            let literal = literal.trim_matches(|c: char| !c.is_alphanumeric());
            if literal.split_whitespace().count() >= 3 {
                assert!(
                    !html.contains(literal),
                    "a Dutch page shows the English text of `{key}`: {literal:?}"
                );
            }
            rest = after;
        }
    }
}
