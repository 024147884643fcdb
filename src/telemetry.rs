//! Logging, request ids and request metrics.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use tracing::Instrument;
use tracing_subscriber::EnvFilter;

use crate::config::{LogFormat, LogSettings};
use crate::state::AppState;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Sets up logging to stderr: readable by default, JSON by configuration. RUST_LOG wins over
/// `log.level` when set.
pub fn init_logging(settings: &LogSettings) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&settings.level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match settings.format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
        LogFormat::Pretty => builder
            .with_target(false)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
    };
}

/// The id of the request being served, also sent back in `X-Request-Id`.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Longest request id accepted from a caller.
pub const MAX_REQUEST_ID_LENGTH: usize = 64;

/// A caller's `X-Request-Id` when it is safe to log, echo and store: 1 to 64 characters of
/// `A-Z a-z 0-9 . _ -`. Anything else (a line break, spaces, quotes, unicode, 10 kB) is
/// replaced by a generated id, never shortened or cleaned: a part of a hostile value is still
/// the attacker's text.
pub fn accepted_request_id(value: &[u8]) -> Option<&str> {
    let plain = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-');
    if value.is_empty() || value.len() > MAX_REQUEST_ID_LENGTH || !value.iter().all(plain) {
        return None;
    }
    std::str::from_utf8(value).ok()
}

/// The caller's request id when `accepted_request_id` takes it, otherwise a new one.
fn request_id_from(req: &ServiceRequest) -> String {
    req.headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|value| accepted_request_id(value.as_bytes()))
        .map_or_else(new_request_id, str::to_string)
}

fn new_request_id() -> String {
    let mut bytes = [0u8; 12];
    let _ = getrandom::fill(&mut bytes);
    hex::encode(bytes)
}

/// Middleware: a request id and a span per request, one log line per response, metrics.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let request_id = request_id_from(&req);
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let method = req.method().to_string();
    let path = req.path().to_string();
    let metrics = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.metrics.clone());
    let span = tracing::info_span!("request", %method, %path, request_id = %request_id);
    let result = next.call(req).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    match result {
        Ok(mut response) => {
            let status = response.status().as_u16();
            let route = response
                .request()
                .match_pattern()
                .unwrap_or_else(|| "(unmatched)".into());
            if let Ok(value) = HeaderValue::from_str(&request_id) {
                response
                    .headers_mut()
                    .insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
            }
            span.in_scope(|| {
                tracing::info!(
                    status,
                    elapsed_ms = elapsed.as_secs_f64() * 1000.0,
                    "response"
                )
            });
            if let Some(metrics) = metrics {
                metrics.observe(&method, &route, status, elapsed.as_secs_f64());
            }
            Ok(response)
        }
        Err(err) => {
            span.in_scope(|| tracing::warn!(error = %err, "request failed"));
            Err(err)
        }
    }
}

const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Request counts and durations per method, route pattern and status, in Prometheus format.
#[derive(Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<(String, String, u16), Series>>,
}

impl Metrics {
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let Ok(mut series) = self.series.lock() else {
            return;
        };
        let entry = series
            .entry((method.to_string(), route.to_string(), status))
            .or_default();
        entry.count += 1;
        entry.sum += seconds;
        for (bucket, bound) in entry.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
    }

    pub fn render(&self, pool_connections: u32, pool_idle: u32) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP versnelling_build_info Version of the running service."
        );
        let _ = writeln!(out, "# TYPE versnelling_build_info gauge");
        let _ = writeln!(
            out,
            "versnelling_build_info{{version=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION")
        );
        let _ = writeln!(
            out,
            "# HELP versnelling_db_pool_connections Open database connections."
        );
        let _ = writeln!(out, "# TYPE versnelling_db_pool_connections gauge");
        let _ = writeln!(out, "versnelling_db_pool_connections {pool_connections}");
        let _ = writeln!(
            out,
            "# HELP versnelling_db_pool_idle Idle database connections."
        );
        let _ = writeln!(out, "# TYPE versnelling_db_pool_idle gauge");
        let _ = writeln!(out, "versnelling_db_pool_idle {pool_idle}");
        let Ok(series) = self.series.lock() else {
            return out;
        };
        let _ = writeln!(
            out,
            "# HELP versnelling_http_requests_total HTTP requests answered."
        );
        let _ = writeln!(out, "# TYPE versnelling_http_requests_total counter");
        for ((method, route, status), s) in series.iter() {
            let _ = writeln!(
                out,
                "versnelling_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {}",
                escape(route),
                s.count
            );
        }
        let _ = writeln!(
            out,
            "# HELP versnelling_http_request_duration_seconds Time to answer."
        );
        let _ = writeln!(
            out,
            "# TYPE versnelling_http_request_duration_seconds histogram"
        );
        for ((method, route, status), s) in series.iter() {
            let labels = format!(
                "method=\"{method}\",route=\"{}\",status=\"{status}\"",
                escape(route)
            );
            for (bound, count) in BUCKETS.iter().zip(s.buckets) {
                let _ = writeln!(
                    out,
                    "versnelling_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "versnelling_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "versnelling_http_request_duration_seconds_sum{{{labels}}} {}",
                s.sum
            );
            let _ = writeln!(
                out,
                "versnelling_http_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        out
    }
}

fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_plain_request_id_is_kept() {
        for id in [
            "abc",
            "req-1.2_3",
            "0123456789abcdef0123456789abcdef",
            &"a".repeat(64),
        ] {
            assert_eq!(accepted_request_id(id.as_bytes()), Some(id));
        }
    }

    #[test]
    fn a_hostile_request_id_is_refused_whole() {
        for id in [
            "".as_bytes(),
            "a".repeat(65).as_bytes(),
            "a".repeat(10 * 1024).as_bytes(),
            b"abc\nforged=1",
            b"abc\r\nSet-Cookie: x=1",
            b"abc def",
            b"\"quoted\"",
            b"<script>",
            b"../../etc/passwd",
            b"a%0d%0ab",
            "ünïcødé".as_bytes(),
            "id\u{202e}txt".as_bytes(),
            b"\x00\xff",
        ] {
            assert_eq!(
                accepted_request_id(id),
                None,
                "{:?}",
                String::from_utf8_lossy(id)
            );
        }
    }

    #[test]
    fn a_generated_request_id_is_24_hex_digits() {
        let id = new_request_id();
        assert_eq!(id.len(), 24);
        assert_eq!(accepted_request_id(id.as_bytes()), Some(id.as_str()));
        assert_ne!(id, new_request_id());
    }
}
