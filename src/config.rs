//! Typed, layered configuration: built-in `config/default.toml` → optional file → environment →
//! command-line flags. Unknown keys and bad values are errors that name the key.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::db::DatabaseUrl;

/// The documented defaults; every setting has an entry here.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");
/// Settings the integration tests start from.
pub const TEST_TOML: &str = include_str!("../config/test.toml");

const ENV_PREFIX: &str = "VERSNELLING__";

/// What actix-http reads of a request head before it answers 431 itself (its fixed
/// `MAX_BUFFER_SIZE`): `server.max_header_bytes` must stay below, or it would never apply.
pub const MAX_HEADER_BYTES_CEILING: usize = 131_072;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path} is not valid TOML: {message}")]
    Syntax { path: String, message: String },
    #[error("unknown setting `{key}` (from {origin})")]
    UnknownKey { key: String, origin: String },
    #[error("setting `{key}` (from {origin}): {message}")]
    BadValue {
        key: String,
        origin: String,
        message: String,
    },
    #[error("setting `{key}`: {message}")]
    Invalid { key: String, message: String },
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub data: DataSettings,
    pub auth: AuthSettings,
    pub web: WebSettings,
    pub log: LogSettings,
    pub reports: ReportSettings,
    pub cache: CacheSettings,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub bind: SocketAddr,
    pub workers: usize,
    pub shutdown_timeout_seconds: u64,
    pub max_body_bytes: usize,
    /// Largest request head (target and header lines) the application accepts (431 above).
    pub max_header_bytes: usize,
    pub client_request_timeout_seconds: u64,
    pub keep_alive_seconds: u64,
    pub max_concurrent_renders: usize,
    pub render_wait_seconds: u64,
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub forwarded_header: ForwardedHeader,
}

/// The header a trusted proxy records the client in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ForwardedHeader {
    /// `X-Forwarded-For: client, proxy1` (nginx `$proxy_add_x_forwarded_for`, HAProxy
    /// `option forwardfor`).
    XForwardedFor,
    /// `Forwarded: for=client;proto=https, for=proxy1` (RFC 7239).
    Forwarded,
}

impl ForwardedHeader {
    pub fn name(self) -> &'static str {
        match self {
            ForwardedHeader::XForwardedFor => "x-forwarded-for",
            ForwardedHeader::Forwarded => "forwarded",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    pub url: Secret,
    pub pool_size: u32,
    pub connect_timeout_seconds: u64,
    pub sqlite_busy_timeout_ms: u32,
    pub sqlite_synchronous: SqliteSynchronous,
    pub sqlite_group_commit: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SqliteSynchronous {
    Full,
    Normal,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataSettings {
    pub dir: PathBuf,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    pub jwt_secret: Secret,
    pub issuer: String,
    pub audience: String,
    pub access_token_minutes: i64,
    pub refresh_token_days: i64,
    pub login_window_seconds: u64,
    pub login_max_failures: usize,
    pub login_max_failures_per_address: usize,
    pub login_account_ceiling: usize,
    pub login_account_spacing_seconds: u64,
}

/// The browser dashboard: its session cookie and lifetimes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebSettings {
    pub secure_cookies: bool,
    pub session_idle_minutes: i64,
    pub session_max_hours: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSettings {
    pub auto_draft: bool,
    pub auto_draft_check_seconds: u64,
}

/// Answers kept in memory, keyed by the data version (`service::cache`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheSettings {
    pub max_mb: usize,
    pub time_dependent_seconds: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub format: LogFormat,
    pub level: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

/// A value that must never appear in logs or `Debug` output.
#[derive(Clone, Deserialize, Default, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() {
            "(empty)"
        } else {
            "(redacted)"
        })
    }
}

/// Overrides that come from command-line flags, the last layer.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub database_url: Option<String>,
    pub bind: Option<String>,
}

/// Builds settings from layers. Each layer is a TOML table merged over the previous ones.
pub struct SettingsBuilder {
    merged: toml::Table,
    origins: Vec<(String, String)>,
}

impl SettingsBuilder {
    pub fn new() -> Result<Self, ConfigError> {
        let merged = parse_toml("(built-in defaults)", DEFAULT_TOML)?;
        Ok(Self {
            merged,
            origins: Vec::new(),
        })
    }

    /// Adds a TOML document, e.g. `config/test.toml` or a `--config` file.
    pub fn add_toml(mut self, origin: &str, text: &str) -> Result<Self, ConfigError> {
        let table = parse_toml(origin, text)?;
        self.merge(table, origin)?;
        Ok(self)
    }

    pub fn add_file(self, path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        self.add_toml(&path.display().to_string(), &text)
    }

    /// Applies `VERSNELLING__SECTION__KEY` variables and the short forms
    /// `VERSNELLING_DATABASE_URL` and `VERSNELLING_BIND`.
    pub fn add_env<I>(mut self, vars: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = (String, String)>,
    {
        for (name, value) in vars {
            let path: Vec<String> = if let Some(rest) = name.strip_prefix(ENV_PREFIX) {
                rest.split("__").map(str::to_ascii_lowercase).collect()
            } else if name == "VERSNELLING_DATABASE_URL" {
                vec!["database".into(), "url".into()]
            } else if name == "VERSNELLING_BIND" {
                vec!["server".into(), "bind".into()]
            } else {
                continue;
            };
            self.set(&path, &value, &format!("environment variable {name}"))?;
        }
        Ok(self)
    }

    pub fn add_overrides(mut self, overrides: &Overrides) -> Result<Self, ConfigError> {
        if let Some(url) = &overrides.database_url {
            self.set(&["database".into(), "url".into()], url, "--database-url")?;
        }
        if let Some(bind) = &overrides.bind {
            self.set(&["server".into(), "bind".into()], bind, "--bind")?;
        }
        Ok(self)
    }

    /// Sets one key from a string, converted to the type its default has.
    pub fn set(&mut self, path: &[String], raw: &str, origin: &str) -> Result<(), ConfigError> {
        let key = path.join(".");
        let unknown = || ConfigError::UnknownKey {
            key: key.clone(),
            origin: origin.to_string(),
        };
        let (last, sections) = path.split_last().ok_or_else(unknown)?;
        let mut table = &mut self.merged;
        for section in sections {
            table = match table.get_mut(section) {
                Some(toml::Value::Table(inner)) => inner,
                _ => return Err(unknown()),
            };
        }
        let current = table.get(last).ok_or_else(unknown)?;
        let bad = |message: &str| ConfigError::BadValue {
            key: key.clone(),
            origin: origin.to_string(),
            message: message.to_string(),
        };
        let value = match current {
            toml::Value::String(_) => toml::Value::String(raw.to_string()),
            toml::Value::Integer(_) => toml::Value::Integer(
                raw.trim()
                    .parse()
                    .map_err(|_| bad("expected a whole number"))?,
            ),
            toml::Value::Boolean(_) => toml::Value::Boolean(
                raw.trim()
                    .parse()
                    .map_err(|_| bad("expected true or false"))?,
            ),
            toml::Value::Float(_) => {
                toml::Value::Float(raw.trim().parse().map_err(|_| bad("expected a number"))?)
            }
            // A list of strings, comma-separated: `10.0.0.0/8, 127.0.0.1/32`.
            toml::Value::Array(_) => toml::Value::Array(
                raw.split(',')
                    .map(str::trim)
                    .filter(|item| !item.is_empty())
                    .map(|item| toml::Value::String(item.to_string()))
                    .collect(),
            ),
            _ => return Err(bad("cannot be set from a single value")),
        };
        table.insert(last.clone(), value);
        self.origins.push((key, origin.to_string()));
        Ok(())
    }

    fn merge(&mut self, layer: toml::Table, origin: &str) -> Result<(), ConfigError> {
        merge_tables(&mut self.merged, layer, "", origin, &mut self.origins)
    }

    pub fn build(self) -> Result<Settings, ConfigError> {
        let origin_of = |key: &str| {
            self.origins
                .iter()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, o)| o.clone())
                .unwrap_or_else(|| "(built-in defaults)".to_string())
        };
        let settings: Settings = serde_path_to_error::deserialize(toml::Value::Table(
            self.merged.clone(),
        ))
        .map_err(|err| {
            // A bad element of a list is named by the list: `server.trusted_proxies[0]`.
            let path = err.path().to_string();
            let key = path.split('[').next().unwrap_or(&path).to_string();
            ConfigError::BadValue {
                origin: origin_of(&key),
                key,
                message: first_line(&err.inner().to_string()),
            }
        })?;
        settings.validate()?;
        Ok(settings)
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().trim().to_string()
}

fn parse_toml(origin: &str, text: &str) -> Result<toml::Table, ConfigError> {
    text.parse::<toml::Table>().map_err(|err| {
        let position = err
            .span()
            .map(|span| {
                let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                format!("line {line}: ")
            })
            .unwrap_or_default();
        ConfigError::Syntax {
            path: origin.to_string(),
            message: format!("{position}{}", first_line(err.message())),
        }
    })
}

/// Merges `layer` into `base`. Keys must already exist in `base` (the defaults name every key),
/// so a misspelt key is reported with where it came from.
fn merge_tables(
    base: &mut toml::Table,
    layer: toml::Table,
    prefix: &str,
    origin: &str,
    origins: &mut Vec<(String, String)>,
) -> Result<(), ConfigError> {
    for (key, value) in layer {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(inner)), toml::Value::Table(layer_inner)) => {
                merge_tables(inner, layer_inner, &full, origin, origins)?;
            }
            (Some(toml::Value::Table(_)), _) => {
                return Err(ConfigError::BadValue {
                    key: full,
                    origin: origin.to_string(),
                    message: "expected a section".into(),
                });
            }
            (Some(slot), value) => {
                *slot = value;
                origins.push((full, origin.to_string()));
            }
            (None, _) => {
                return Err(ConfigError::UnknownKey {
                    key: full,
                    origin: origin.to_string(),
                });
            }
        }
    }
    Ok(())
}

impl Settings {
    /// Loads the settings a program run uses: defaults, optional file, process environment, flags.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> Result<Self, ConfigError> {
        let mut builder = SettingsBuilder::new()?;
        if let Some(path) = file {
            builder = builder.add_file(path)?;
        }
        builder
            .add_env(std::env::vars())?
            .add_overrides(overrides)?
            .build()
    }

    /// The database URL, parsed; `validate` has already checked it.
    pub fn database_url(&self) -> Result<DatabaseUrl, ConfigError> {
        DatabaseUrl::parse(self.database.url.expose()).map_err(|message| ConfigError::Invalid {
            key: "database.url".into(),
            message,
        })
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |key: &str, message: &str| {
            Err(ConfigError::Invalid {
                key: key.into(),
                message: message.into(),
            })
        };
        self.database_url()?;
        if self.database.pool_size == 0 || self.database.pool_size > 256 {
            return invalid("database.pool_size", "must be between 1 and 256");
        }
        if self.database.connect_timeout_seconds == 0 {
            return invalid("database.connect_timeout_seconds", "must be at least 1");
        }
        if self.server.max_body_bytes < 1024 {
            return invalid("server.max_body_bytes", "must be at least 1024");
        }
        if !(1024..=MAX_HEADER_BYTES_CEILING).contains(&self.server.max_header_bytes) {
            return invalid(
                "server.max_header_bytes",
                "must be between 1024 and 131072 (actix-web refuses larger heads itself)",
            );
        }
        if !(1..=64).contains(&self.server.max_concurrent_renders) {
            return invalid("server.max_concurrent_renders", "must be between 1 and 64");
        }
        if self.server.workers > 512 {
            return invalid("server.workers", "must be at most 512");
        }
        self.auth.validate()?;
        if !(1..=24 * 60).contains(&self.web.session_idle_minutes) {
            return invalid("web.session_idle_minutes", "must be between 1 and 1440");
        }
        if !(1..=24 * 31).contains(&self.web.session_max_hours) {
            return invalid("web.session_max_hours", "must be between 1 and 744");
        }
        if !(1..=7 * 24 * 3600).contains(&self.reports.auto_draft_check_seconds) {
            return invalid(
                "reports.auto_draft_check_seconds",
                "must be between 1 and 604800 (a week)",
            );
        }
        if self.cache.max_mb > 4096 {
            return invalid(
                "cache.max_mb",
                "must be at most 4096 (0 switches the cache off)",
            );
        }
        if !(1..=3600).contains(&self.cache.time_dependent_seconds) {
            return invalid("cache.time_dependent_seconds", "must be between 1 and 3600");
        }
        if tracing_subscriber::EnvFilter::try_new(&self.log.level).is_err() {
            return invalid(
                "log.level",
                "is not a valid log filter (e.g. \"info\" or \"warn,versnelling=debug\")",
            );
        }
        Ok(())
    }
}

impl AuthSettings {
    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |key: &str, message: &str| {
            Err(ConfigError::Invalid {
                key: key.into(),
                message: message.into(),
            })
        };
        let secret = self.jwt_secret.expose();
        if !secret.is_empty() && secret.len() < 32 {
            return invalid(
                "auth.jwt_secret",
                "must be at least 32 bytes, or empty to generate one",
            );
        }
        if !(1..=24 * 60).contains(&self.access_token_minutes) {
            return invalid("auth.access_token_minutes", "must be between 1 and 1440");
        }
        if !(1..=365).contains(&self.refresh_token_days) {
            return invalid("auth.refresh_token_days", "must be between 1 and 365");
        }
        if self.login_window_seconds > 86_400 || self.login_account_spacing_seconds > 3_600 {
            return invalid(
                "auth.login_window_seconds",
                "the window may be at most 86400 s (a day), the spacing at most 3600 s",
            );
        }
        if self.login_window_seconds == 0
            || self.login_max_failures == 0
            || self.login_max_failures_per_address == 0
            || self.login_account_ceiling == 0
            || self.login_account_spacing_seconds == 0
        {
            return invalid(
                "auth.login_max_failures",
                "throttling cannot be switched off: use values of at least 1",
            );
        }
        if self.issuer.is_empty() || self.audience.is_empty() {
            return invalid("auth.issuer", "issuer and audience must not be empty");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_load_and_name_every_section() {
        let settings = SettingsBuilder::new()
            .and_then(SettingsBuilder::build)
            .unwrap();
        assert_eq!(settings.server.bind.port(), 8080);
        assert_eq!(
            settings.database.url.expose(),
            "sqlite://data/versnelling.db"
        );
        assert!(settings.auth.jwt_secret.is_empty());
    }

    #[test]
    fn environment_overrides_file_and_flags_override_environment() {
        let settings = SettingsBuilder::new()
            .unwrap()
            .add_toml(
                "file.toml",
                "[server]\nworkers = 3\nbind = \"127.0.0.1:9000\"",
            )
            .unwrap()
            .add_env(env(&[
                ("VERSNELLING__SERVER__WORKERS", "5"),
                ("VERSNELLING_BIND", "127.0.0.1:9100"),
                ("UNRELATED", "x"),
            ]))
            .unwrap()
            .add_overrides(&Overrides {
                bind: Some("127.0.0.1:9200".into()),
                database_url: None,
            })
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(settings.server.workers, 5);
        assert_eq!(settings.server.bind.port(), 9200);
    }

    #[test]
    fn an_unknown_key_in_a_file_is_named() {
        let err = SettingsBuilder::new()
            .unwrap()
            .add_toml("my.toml", "[server]\nbnd = \"x\"")
            .err()
            .unwrap();
        assert_eq!(
            err.to_string(),
            "unknown setting `server.bnd` (from my.toml)"
        );
    }

    #[test]
    fn an_unknown_environment_key_is_named() {
        let err = SettingsBuilder::new()
            .unwrap()
            .add_env(env(&[("VERSNELLING__SERVER__PORT", "1")]))
            .err()
            .unwrap();
        assert!(err.to_string().contains("`server.port`"), "{err}");
        assert!(
            err.to_string().contains("VERSNELLING__SERVER__PORT"),
            "{err}"
        );
    }

    #[test]
    fn trusted_proxies_come_as_a_list_from_a_file_or_comma_separated_from_the_environment() {
        let settings = SettingsBuilder::new()
            .unwrap()
            .add_env(env(&[(
                "VERSNELLING__SERVER__TRUSTED_PROXIES",
                "10.0.0.0/8, 127.0.0.1/32,",
            )]))
            .unwrap()
            .build()
            .unwrap();
        let nets: Vec<String> = settings
            .server
            .trusted_proxies
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(nets, ["10.0.0.0/8", "127.0.0.1/32"]);
        let err = SettingsBuilder::new()
            .unwrap()
            .add_toml(
                "x.toml",
                "[server]\ntrusted_proxies = [\"10.0.0.0/33\"]\nforwarded_header = \"forwarded\"",
            )
            .unwrap()
            .build()
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("setting `server.trusted_proxies` (from x.toml)"),
            "{err}"
        );
    }

    #[test]
    fn a_bad_value_is_named_with_its_origin() {
        let err = SettingsBuilder::new()
            .unwrap()
            .add_env(env(&[("VERSNELLING__SERVER__WORKERS", "many")]))
            .err()
            .unwrap();
        assert!(err.to_string().contains("`server.workers`"), "{err}");
        let err = SettingsBuilder::new()
            .unwrap()
            .add_toml("x.toml", "[server]\nbind = \"nowhere\"")
            .unwrap()
            .build()
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("setting `server.bind` (from x.toml)"),
            "{err}"
        );
    }

    #[test]
    fn malformed_toml_names_file_and_line() {
        let err = SettingsBuilder::new()
            .unwrap()
            .add_toml("broken.toml", "[server]\nworkers = = 3\n")
            .err()
            .unwrap();
        let text = err.to_string();
        assert!(
            text.starts_with("config file broken.toml is not valid TOML: line 2"),
            "{text}"
        );
    }

    #[test]
    fn an_unknown_database_scheme_is_refused() {
        let err = SettingsBuilder::new()
            .unwrap()
            .add_overrides(&Overrides {
                database_url: Some("mysql://x/y".into()),
                bind: None,
            })
            .unwrap()
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("database.url"), "{err}");
        assert!(err.to_string().contains("mysql"), "{err}");
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let mut builder = SettingsBuilder::new().unwrap();
        let secret = "s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t";
        builder
            .set(&["auth".into(), "jwt_secret".into()], secret, "test")
            .unwrap();
        builder
            .set(
                &["database".into(), "url".into()],
                "postgres://u:hunter2@h/db",
                "test",
            )
            .unwrap();
        let settings = builder.build().unwrap();
        let debug = format!("{settings:?}");
        assert!(!debug.contains(secret));
        assert!(!debug.contains("hunter2"));
    }
}
