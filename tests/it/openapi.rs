//! The OpenAPI document and the interactive docs: every route of the table is documented, every
//! reference resolves, guarded operations need the bearer scheme, errors are problem+json, the
//! document is valid OpenAPI, and the docs load nothing from another host.

use std::collections::BTreeSet;

use serde_json::Value;
use versnelling::api::{ROUTES, RouteKind};
use versnelling::auth::policy::Operation;
use versnelling::domain::{ActionStatus, Role};

use crate::app_test;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

async fn served_document(app: &crate::support::TestApp) -> Value {
    let response = app.get("/api/v1/openapi.json").await;
    assert_eq!(response.status(), 200, "GET /api/v1/openapi.json");
    let content_type = response.headers()["content-type"]
        .to_str()
        .expect("content type")
        .to_string();
    assert!(
        content_type.starts_with("application/json"),
        "content type {content_type}"
    );
    response.json().await.expect("the document is JSON")
}

/// Every operation of the document: (path, method, operation).
fn operations(doc: &Value) -> Vec<(String, &'static str, &Value)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                found.push((path.clone(), method, operation));
            }
        }
    }
    found
}

/// Every `$ref` in a JSON value.
fn references<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("$ref", Value::String(target)) => found.push(target),
                    _ => references(inner, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|inner| references(inner, found)),
        _ => {}
    }
}

/// A response object, following a `$ref` to the components.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(target) => doc
            .pointer(target.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("{target} does not resolve")),
        None => value,
    }
}

app_test!(
    async fn the_openapi_document_lists_every_route_of_the_table(app: TestApp) {
        let doc = served_document(&app).await;
        let version = doc["openapi"].as_str().expect("openapi version");
        assert!(version.starts_with("3."), "openapi {version}");
        assert_eq!(doc["info"]["title"], "Versnellingsmonitor API");
        assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));

        // The document is the JSON API's; the dashboard's pages are HTML for browsers.
        let missing: Vec<String> = ROUTES
            .iter()
            .filter(|route| route.kind == RouteKind::Api)
            .filter(|route| doc["paths"][route.path][route.method.to_lowercase()].is_null())
            .map(|route| format!("{} {}", route.method, route.path))
            .collect();
        assert!(
            missing.is_empty(),
            "routes missing from the OpenAPI document (add #[utoipa::path] to the handler and \
             list it in api::openapi::ApiDoc):\n  {}",
            missing.join("\n  ")
        );

        // And the other way round: nothing is documented that the app does not serve.
        let mut operation_ids = BTreeSet::new();
        for (path, method, operation) in operations(&doc) {
            assert!(
                ROUTES
                    .iter()
                    .any(|route| route.path == path && route.method.eq_ignore_ascii_case(method)),
                "{method} {path} is documented but not in the route table"
            );
            let id = operation["operationId"].as_str().expect("operationId");
            assert!(
                operation_ids.insert(id.to_string()),
                "operationId {id} twice"
            );
            assert!(
                operation["tags"]
                    .as_array()
                    .is_some_and(|tags| !tags.is_empty()),
                "{method} {path} has no tag"
            );
        }
    }
);

app_test!(
    async fn every_reference_resolves_and_guarded_operations_need_a_bearer_token(app: TestApp) {
        let doc = served_document(&app).await;

        let mut targets = Vec::new();
        references(&doc, &mut targets);
        assert!(!targets.is_empty());
        let unresolved: BTreeSet<&str> = targets
            .into_iter()
            .filter(|target| {
                !target.starts_with("#/components/")
                    || doc.pointer(target.trim_start_matches('#')).is_none()
            })
            .collect();
        assert!(unresolved.is_empty(), "unresolved $ref: {unresolved:?}");

        let scheme = &doc["components"]["securitySchemes"]["bearer"];
        assert_eq!(scheme["type"], "http");
        assert_eq!(scheme["scheme"], "bearer");
        assert!(doc["components"]["schemas"]["Problem"].is_object());

        for route in ROUTES.iter().filter(|route| route.kind == RouteKind::Api) {
            let name = format!("{} {}", route.method, route.path);
            let operation = &doc["paths"][route.path][route.method.to_lowercase()];
            let Some(responses) = operation["responses"].as_object() else {
                panic!("{name} is not documented");
            };
            if route.operation == Operation::Public {
                assert!(
                    operation["security"].is_null(),
                    "{name} is public but asks for a credential"
                );
            } else {
                let security = operation["security"].as_array().expect("security");
                assert!(
                    security
                        .iter()
                        .any(|requirement| requirement.get("bearer").is_some()),
                    "{name} does not name the bearer scheme"
                );
                for status in ["401", "403", "422"] {
                    assert!(responses.contains_key(status), "{name} lacks a {status}");
                }
            }
            if route.path.contains('{') {
                assert!(responses.contains_key("404"), "{name} lacks a 404");
            }
            // Every error is problem+json with the Problem schema.
            for (status, response) in responses {
                if !(status.starts_with('4') || status.starts_with('5')) {
                    continue;
                }
                let schema = &resolve(&doc, response)["content"]["application/problem+json"]["schema"]
                    ["$ref"];
                assert_eq!(
                    schema, "#/components/schemas/Problem",
                    "{name} {status} is not problem+json"
                );
            }
        }

        // Codes are documented as they are sent.
        let codes = |schema: &str| -> Vec<String> {
            doc["components"]["schemas"][schema]["enum"]
                .as_array()
                .unwrap_or_else(|| panic!("{schema} is not an enum"))
                .iter()
                .map(|code| code.as_str().expect("code").to_string())
                .collect()
        };
        let statuses: Vec<String> = ActionStatus::ALL.iter().map(|s| s.to_string()).collect();
        assert_eq!(codes("ActionStatus"), statuses);
        let roles: Vec<String> = Role::ALL.iter().map(|r| r.to_string()).collect();
        assert_eq!(codes("Role"), roles);

        // The documented shapes are the served ones.
        let token = app.admin_token().await;
        let areas = app.get_as(&token, "/api/v1/areas", 200).await;
        let list = resolve(
            &doc,
            &doc["paths"]["/api/v1/areas"]["get"]["responses"]["200"]["content"]["application/json"]
                ["schema"],
        );
        for field in list["required"].as_array().expect("required fields") {
            let field = field.as_str().expect("field name");
            assert!(!areas[field].is_null(), "the area list lacks `{field}`");
        }
    }
);

app_test!(
    async fn the_interactive_docs_load_only_assets_from_this_host(app: TestApp) {
        for path in ["/api/docs", "/api/docs/"] {
            let response = app.get(path).await;
            assert_eq!(response.status(), 200, "GET {path}");
            let content_type = response.headers()["content-type"]
                .to_str()
                .expect("content type")
                .to_string();
            assert!(
                content_type.starts_with("text/html"),
                "{path}: {content_type}"
            );
            let csp = response.headers()["content-security-policy"]
                .to_str()
                .expect("csp")
                .to_string();
            assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
            let html = response.text().await.expect("html");
            assert!(html.contains("swagger-ui"), "{path} is not Swagger UI");

            let assets = asset_urls(&html);
            assert!(
                assets.iter().any(|url| url.ends_with(".js")),
                "no scripts in {path}: {assets:?}"
            );
            for url in &assets {
                // Relative to the <base>: every asset is served here.
                let asset = match url.strip_prefix("./") {
                    Some(file) => format!("/api/docs/{file}"),
                    None if url.starts_with('/') => url.clone(),
                    None => format!("/api/docs/{url}"),
                };
                let response = app.get(&asset).await;
                assert_eq!(response.status(), 200, "GET {asset} (from {path})");
            }
        }

        let initializer = app
            .get("/api/docs/swagger-initializer.js")
            .await
            .text()
            .await
            .expect("initializer");
        assert!(
            initializer.contains("/api/v1/openapi.json"),
            "{initializer}"
        );
        assert!(!initializer.contains("https://"), "{initializer}");

        let response = app.get("/api/docs/no-such-file.js").await;
        assert_eq!(response.status(), 404);
    }
);

/// The `src` and `href` values of the tags of an HTML page, with the `<base href>` itself.
fn asset_urls(html: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        for (at, _) in html.match_indices(attribute) {
            let rest = &html[at + attribute.len()..];
            if let Some(end) = rest.find('"') {
                urls.push(rest[..end].to_string());
            }
        }
    }
    let base = "/api/docs/".to_string();
    assert!(
        urls.contains(&base),
        "no <base href=\"/api/docs/\">: {urls:?}"
    );
    urls.retain(|url| *url != base);
    for url in &urls {
        assert!(
            !url.starts_with("http://") && !url.starts_with("https://") && !url.starts_with("//"),
            "the docs load {url} from another host"
        );
    }
    urls
}

/// Validates the document against the OpenAPI schema with the PyPI package
/// `openapi-spec-validator` (installed by `.ci/run`); skipped where it is missing, except in CI.
#[test]
fn the_openapi_document_is_valid_openapi() {
    let available = std::process::Command::new("python3")
        .args(["-c", "import openapi_spec_validator"])
        .output()
        .is_ok_and(|output| output.status.success());
    if !available {
        crate::support::skip_unless_ci(
            "openapi-spec-validator is not installed: \
             `python3 -m pip install openapi-spec-validator==0.9.0`",
        );
        return;
    }
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("openapi.json");
    let json = serde_json::to_vec_pretty(&versnelling::api::openapi::openapi()).expect("json");
    std::fs::write(&file, json).expect("write the document");
    let output = std::process::Command::new("python3")
        .args(["-m", "openapi_spec_validator"])
        .arg(&file)
        .output()
        .expect("run openapi_spec_validator");
    assert!(
        output.status.success(),
        "the OpenAPI document is not valid:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
