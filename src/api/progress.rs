//! Progress roll-ups and charts.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::api::extract::Query;
use crate::error::Error;
use crate::i18n::{Label, Msg};
use crate::service::cache::Freshness;
use crate::service::charts::{self, ChartQuery};
use crate::service::progress::{self, ProgressQuery};
use crate::state::AppState;

/// GET /api/v1/progress — roll-ups grouped by area (or `group_by` municipality, ministry, theme,
/// programme, target_group): stoplicht counts, weighted percent complete, milestones against the
/// period's cut-off, indicators, deviation from the original and current plan, stale actions, and
/// with `period` each ministry's readiness; `as_of` and the action filters apply. Any user.
#[utoipa::path(
    get,
    path = "/api/v1/progress",
    tag = "progress",
    params(crate::service::progress::ProgressQuery),
    responses((status = 200, description = "The roll-ups per group and in total", body = crate::service::progress::ProgressReport), (status = 404, description = "No such period")),
)]
pub async fn progress(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: Query<ProgressQuery>,
) -> Result<HttpResponse, Error> {
    let query = query.0;
    // The same question in the same words, for the same data: the same answer. Without
    // `as_of` it is "now", so it also depends on the clock.
    let key = format!("progress?{}", req.query_string());
    let body = state
        .cached(&req, key, Freshness::Clock, move |conn| {
            let report = progress::report(conn, &query)?;
            serde_json::to_vec(&report).map_err(Error::internal)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(body))
}

/// A stable short hash (FNV-1a) for ETags.
fn fnv(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.iter().chain(b"\x00") {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// GET /api/v1/charts/{name}.svg|.png — one of the charts (`areas-status`, `area-theme-matrix`,
/// `milestones-burnup`, `ministry-status`, `indicator-trend` with `indicator`, `map`) with the
/// action filters, `period`, `as_of`, `width`, `height` and `lang` (`nl`, `en`); also the page
/// route GET /grafieken/{file}, whose pages ask for their own language with `lang`. Answers 304
/// while the data and the question (the language included) are unchanged. SVG is sent
/// gzip-compressed to a client that accepts it (`Accept-Encoding: gzip`). Any user.
#[utoipa::path(
    get,
    path = "/api/v1/charts/{file}",
    tag = "charts",
    operation_id = "get_chart",
    params(("file" = String, Path, description = "`{name}.svg` or `{name}.png`, e.g. `areas-status.svg`"), ("If-None-Match" = Option<String>, Header, description = "The `ETag` of a chart you have"), crate::service::charts::ChartQuery),
    responses((status = 200, description = "The chart", headers(("ETag" = String, description = "Changes when the data or the question does")), content((String = "image/svg+xml"), ("image/png"))), (status = 304, description = "Unchanged since the `ETag` in `If-None-Match`"), (status = 404, description = "No such chart or format")),
)]
pub async fn chart(
    state: web::Data<AppState>,
    req: HttpRequest,
    file: web::Path<String>,
    query: Query<ChartQuery>,
) -> Result<HttpResponse, Error> {
    let (name, format) = chart_file(&file.into_inner())?;
    let query = query.0;
    charts::options(&query)?;
    // The whole query string, so that every parameter (size and language too) keys the cache
    // and the ETag.
    let question = req.query_string().to_string();
    let if_none_match = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    // SVG is text and compresses about tenfold; PNG is compressed already.
    let gzip = format == versnelling_charts::Format::Svg && accepts_gzip(&req);
    let encoding = if gzip { "gzip" } else { "identity" };
    let key = format!(
        "chart/{name}.{}?{question}#{encoding}",
        extension_of(format)
    );
    let (version, hit) = state.cache_lookup(&req, key.clone()).await?;
    let tag = format!(
        "\"chart-{:016x}\"",
        fnv(&[
            name.as_bytes(),
            extension_of(format).as_bytes(),
            question.as_bytes(),
            encoding.as_bytes(),
            &version.to_le_bytes()
        ])
    );
    if if_none_match
        .as_deref()
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag))
    {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, tag))
            .insert_header((header::VARY, "Accept-Encoding"))
            .finish());
    }
    let body = match hit {
        Some(body) => body,
        None => {
            let drawing = Drawing {
                key,
                version,
                name,
                format,
                query,
                gzip,
            };
            draw(&state, drawing).await?
        }
    };
    let mut response = HttpResponse::Ok();
    if gzip {
        response.insert_header((header::CONTENT_ENCODING, "gzip"));
    }
    Ok(response
        .insert_header((header::ETAG, tag))
        .insert_header((header::VARY, "Accept-Encoding"))
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        // An SVG opened on its own is a document: let its inline styles apply, nothing else.
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'",
        ))
        .content_type(format.content_type())
        .body(body))
}

/// The chart and format a file name asks for (`areas-status.svg`), or 404 naming the choices.
fn chart_file(file: &str) -> Result<(String, versnelling_charts::Format), Error> {
    let (name, extension) = file
        .rsplit_once('.')
        .ok_or_else(|| Error::not_found_code(Label::Chart, file))?;
    if !charts::NAMES.contains(&name) {
        return Err(Error::NotFound(Msg::ChartName {
            name: name.to_string(),
            valid: charts::NAMES.iter().map(|n| n.to_string()).collect(),
        }));
    }
    let format = match extension {
        "svg" => versnelling_charts::Format::Svg,
        "png" => versnelling_charts::Format::Png,
        _ => {
            return Err(Error::NotFound(Msg::ChartFormat {
                format: extension.to_string(),
            }));
        }
    };
    Ok((name.to_string(), format))
}

/// A chart to draw for the cache: under `key`, from data at least as new as `version`.
struct Drawing {
    key: String,
    version: i64,
    name: String,
    format: versnelling_charts::Format,
    query: ChartQuery,
    gzip: bool,
}

/// Draws a chart that was not in the cache and keeps it. Many requests for the same chart
/// after a change wait here; the first draws it, the others find its answer instead of drawing
/// it again (each drawing of the whole programme holds its own copy of the counts and the SVG).
async fn draw(state: &AppState, drawing: Drawing) -> Result<web::Bytes, Error> {
    let waiting_since = std::time::Instant::now();
    let _computing = state.computing_lock(&drawing.key).await?;
    let _slot = state.render_slot().await?;
    if let Some(body) = state
        .cache
        .stored_after(&drawing.key, drawing.version, waiting_since)
    {
        return Ok(body);
    }
    let Drawing {
        key,
        version,
        name,
        format,
        query,
        gzip,
    } = drawing;
    let rendered = state
        .read(move |conn| {
            let rendered = charts::render(conn, &name, format, &query)?;
            if gzip {
                return gzipped(&rendered.bytes);
            }
            Ok(rendered.bytes)
        })
        .await?;
    let body = web::Bytes::from(rendered);
    // Drawn from data at least as new as `version`; "now" charts mark today.
    state
        .cache
        .put(key, version, Freshness::Clock, body.clone());
    Ok(body)
}

/// Whether the client takes gzip: `gzip` listed without `q=0`, or else `*` without `q=0`
/// (an explicit `gzip;q=0` wins over `*`).
fn accepts_gzip(req: &HttpRequest) -> bool {
    let mut gzip = None;
    let mut any = None;
    for item in req
        .headers()
        .get_all(header::ACCEPT_ENCODING)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
    {
        let mut parts = item.split(';').map(str::trim);
        let coding = parts.next().unwrap_or("");
        let refused = parts.any(|p| {
            p.strip_prefix("q=")
                .is_some_and(|q| q.parse::<f32>().is_ok_and(|q| q <= 0.0))
        });
        if coding.eq_ignore_ascii_case("gzip") {
            gzip = Some(!refused);
        } else if coding == "*" {
            any = Some(!refused);
        }
    }
    gzip.or(any).unwrap_or(false)
}

/// The bytes gzip-compressed (a fast level: a chart is compressed once per data version).
fn gzipped(bytes: &[u8]) -> Result<Vec<u8>, Error> {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 8),
        flate2::Compression::fast(),
    );
    encoder.write_all(bytes).map_err(Error::internal)?;
    encoder.finish().map_err(Error::internal)
}

fn extension_of(format: versnelling_charts::Format) -> &'static str {
    match format {
        versnelling_charts::Format::Svg => "svg",
        versnelling_charts::Format::Png => "png",
    }
}
