//! The permission matrix, generated from the route table: every route × every role (and no
//! login) gets exactly what the policy says, so a route cannot exist without a policy entry.

use reqwest::Method;
use versnelling::api::{ROUTES, RouteKind, RouteSpec};
use versnelling::auth::policy::{self, Access, Operation, POLICY};
use versnelling::domain::Role;

use crate::app_test;
use crate::support::TestApp;

#[test]
fn every_route_has_a_policy_row_and_appears_once() {
    for route in ROUTES {
        assert!(
            POLICY.iter().any(|(op, ..)| *op == route.operation),
            "{} {} uses {:?}, which has no row in the policy",
            route.method,
            route.path,
            route.operation
        );
    }
    // Static files take no session and no state: only public ones.
    for route in ROUTES.iter().filter(|r| r.kind == RouteKind::Asset) {
        assert_eq!(route.operation, Operation::Public, "{}", route.path);
    }
    // No two rows of the table claim the same method and path.
    for (i, a) in ROUTES.iter().enumerate() {
        for b in &ROUTES[i + 1..] {
            assert!(
                !(a.method == b.method && a.path == b.path),
                "{} {} twice",
                a.method,
                a.path
            );
        }
    }
}

/// Objects of two owners: "own" belongs to ministry BZK in Rotterdam-Zuid (municipality
/// Rotterdam), "other" to SZW in Den Haag Zuidwest.
struct Fixtures {
    user_id: i64,
    actions: [i64; 2],
    milestones: [i64; 2],
    indicators: [i64; 2],
    submissions: [i64; 2],
    report: i64,
}

/// POSTs `body` to `path` as `admin`; the fixture must be created (201).
async fn created(app: &TestApp, admin: &str, path: &str, body: serde_json::Value) {
    let response = app
        .send(Method::POST, path, Some(admin), Some(body), None)
        .await;
    assert_eq!(response.status(), 201, "POST {path}");
}

async fn fixtures(app: &TestApp, admin: &str, user_id: i64) -> Fixtures {
    let mut actions = [0; 2];
    let mut milestones = [0; 2];
    let mut indicators = [0; 2];
    for (i, (ministry, area, theme)) in [
        ("BZK", "rotterdam-zuid", "housing"),
        ("SZW", "den-haag-zuidwest", "debt"),
    ]
    .into_iter()
    .enumerate()
    {
        let body = serde_json::json!({
            "title": format!("Actie van {ministry}"), "area": area, "ministry": ministry, "theme": theme,
            "planned_start": "2020-11-01", "planned_end": "2021-06-30"
        });
        let created: serde_json::Value = app
            .send(
                Method::POST,
                "/api/v1/actions",
                Some(admin),
                Some(body),
                None,
            )
            .await
            .json()
            .await
            .unwrap();
        actions[i] = created["id"].as_i64().expect("action id");
        let path = format!("/api/v1/actions/{}/milestones", actions[i]);
        let body = serde_json::json!({"title": "Eerste mijlpaal", "due_date": "2021-03-01"});
        let milestone: serde_json::Value = app
            .send(Method::POST, &path, Some(admin), Some(body), None)
            .await
            .json()
            .await
            .unwrap();
        milestones[i] = milestone["id"].as_i64().expect("milestone id");
        let path = format!("/api/v1/actions/{}/indicators", actions[i]);
        let body = serde_json::json!({"name": "Huishoudens bereikt", "baseline_value": 0.0, "target_value": 100.0});
        let indicator: serde_json::Value = app
            .send(Method::POST, &path, Some(admin), Some(body), None)
            .await
            .json()
            .await
            .unwrap();
        indicators[i] = indicator["id"].as_i64().expect("indicator id");
    }
    for (code, ministry) in [("programma-eigen", "BZK"), ("programma-ander", "SZW")] {
        let body = serde_json::json!({"code": code, "title": "Programma", "theme": "housing", "lead_ministry": ministry});
        created(app, admin, "/api/v1/programmes", body).await;
    }
    // A closed consultation asking both municipalities, with a (late) submission of each, and
    // a second closed one to reopen, so the first stays closed for the whole walk.
    for (code, municipalities) in [
        ("raadpleging", vec!["rotterdam", "den-haag"]),
        ("heropenen", vec!["rotterdam"]),
    ] {
        let body = serde_json::json!({
            "code": code, "title": "Uitvraag", "deadline": "2020-05-06T18:00:00",
            "target_groups": ["youth"], "aspects": ["protection"], "municipalities": municipalities
        });
        created(app, admin, "/api/v1/consultations", body).await;
    }
    let mut submissions = [0; 2];
    for (i, municipality) in ["rotterdam", "den-haag"].into_iter().enumerate() {
        let path =
            format!("/api/v1/consultations/raadpleging/municipalities/{municipality}/submissions");
        let submission: serde_json::Value = app
            .send(
                Method::POST,
                &path,
                Some(admin),
                Some(submission_body()),
                None,
            )
            .await
            .json()
            .await
            .expect("a submission");
        submissions[i] = submission["id"].as_i64().expect("submission id");
    }
    // A draft report of the seeded period.
    let report: serde_json::Value = app
        .send(
            Method::POST,
            "/api/v1/reports",
            Some(admin),
            Some(serde_json::json!({"period": "voorjaar-2021"})),
            None,
        )
        .await
        .json()
        .await
        .expect("a report");
    Fixtures {
        user_id,
        actions,
        milestones,
        indicators,
        submissions,
        report: report["id"].as_i64().expect("report id"),
    }
}

fn submission_body() -> serde_json::Value {
    serde_json::json!({
        "title": "Praktijk", "target_groups": ["youth"], "aspects": ["protection"],
        "kind": "existing_practice", "stage": "under_way"
    })
}

/// What a request needs that only exists once it is made: a token id to revoke, a refresh
/// token to use.
#[derive(Default)]
struct Fresh {
    token_id: Option<i64>,
    refresh_token: Option<String>,
    /// Every submission of the municipality, for a new order.
    submission_ids: Vec<i64>,
    /// The period's report now: each new draft replaces the one before.
    report_id: Option<i64>,
}

/// The login of the user the `/users/{id}` routes act on.
const TARGET: (&str, &str) = ("doelwit", "Paarse olifanten dansen op de Coolsingel");

/// Makes what `route` needs fresh for one call by `caller` (`admin` looks things up).
async fn fresh_for(
    app: &TestApp,
    admin: &str,
    route: &RouteSpec,
    caller: &str,
    other: bool,
) -> Fresh {
    let create_token = |token: String| async move {
        let name = format!("koppeling-{}", crate::support::random_suffix());
        let response = app
            .send(
                Method::POST,
                "/api/v1/me/tokens",
                Some(&token),
                Some(serde_json::json!({"name": name, "access": "read"})),
                None,
            )
            .await;
        let body: serde_json::Value = response.json().await.unwrap();
        body["id"].as_i64()
    };
    match (route.method, route.path) {
        ("DELETE", "/api/v1/me/tokens/{id}") => Fresh {
            token_id: create_token(caller.to_string()).await,
            ..Fresh::default()
        },
        ("DELETE", "/api/v1/users/{id}/tokens/{token_id}") => {
            let login = app.login(TARGET.0, TARGET.1).await;
            let token = login["access_token"].as_str().unwrap().to_string();
            Fresh {
                token_id: create_token(token).await,
                ..Fresh::default()
            }
        }
        ("POST", "/api/v1/auth/refresh") => Fresh {
            refresh_token: app.login(TARGET.0, TARGET.1).await["refresh_token"]
                .as_str()
                .map(str::to_string),
            ..Fresh::default()
        },
        ("PUT", "/api/v1/consultations/{code}/municipalities/{municipality}/submissions/order") => {
            let municipality = ["rotterdam", "den-haag"][usize::from(other)];
            let path = format!(
                "/api/v1/consultations/raadpleging/municipalities/{municipality}/submissions"
            );
            let list = app.get_as(admin, &path, 200).await;
            let items = list
                .as_array()
                .or_else(|| list["items"].as_array())
                .unwrap();
            Fresh {
                submission_ids: items.iter().map(|s| s["id"].as_i64().unwrap()).collect(),
                ..Fresh::default()
            }
        }
        (_, path) if path.starts_with("/api/v1/reports/{id}") => {
            let list = app
                .get_as(admin, "/api/v1/reports?period=voorjaar-2021", 200)
                .await;
            let items = list
                .as_array()
                .or_else(|| list["items"].as_array())
                .unwrap();
            Fresh {
                report_id: items.first().and_then(|r| r["id"].as_i64()),
                ..Fresh::default()
            }
        }
        _ => Fresh::default(),
    }
}

/// A concrete URL and a valid body for a route, on the object of the first (own) or second owner.
fn request_for(
    route: &RouteSpec,
    f: &Fixtures,
    other: bool,
    fresh: &Fresh,
) -> (String, Option<serde_json::Value>) {
    let i = usize::from(other);
    let path = route.path;
    let suffix = &crate::support::random_suffix()[..6];
    let token_id = fresh.token_id.unwrap_or(999_999).to_string();
    let id = if path.starts_with("/api/v1/actions/") {
        f.actions[i].to_string()
    } else if path.starts_with("/api/v1/milestones/") {
        f.milestones[i].to_string()
    } else if path.starts_with("/api/v1/indicators/") {
        f.indicators[i].to_string()
    } else if path.starts_with("/api/v1/submissions/") {
        f.submissions[i].to_string()
    } else if path.starts_with("/api/v1/reports/") {
        fresh.report_id.unwrap_or(f.report).to_string()
    } else {
        f.user_id.to_string()
    };
    let code = if path.starts_with("/api/v1/areas") {
        ["rotterdam-zuid", "den-haag-zuidwest"][i]
    } else if path.starts_with("/api/v1/ministries") {
        "BZK"
    } else if path.starts_with("/api/v1/themes") {
        "housing"
    } else if path.starts_with("/api/v1/periods") {
        "voorjaar-2021"
    } else if path.starts_with("/api/v1/programmes") {
        ["programma-eigen", "programma-ander"][i]
    } else if path.ends_with("/reopen") && path.starts_with("/api/v1/consultations") {
        "heropenen"
    } else if path.starts_with("/api/v1/consultations") {
        "raadpleging"
    } else {
        "unknown"
    };
    let file = if path.starts_with("/api/docs") {
        "swagger-ui.css"
    } else {
        "map.svg"
    };
    let concrete = path
        .replace("{file}", file)
        .replace("{code}", code)
        .replace("{token_id}", &token_id)
        .replace("{municipality}", ["rotterdam", "den-haag"][i])
        .replace("{ministry}", ["BZK", "SZW"][i])
        .replace("{format}", "pdf")
        .replace(
            "{id}",
            if path == "/api/v1/me/tokens/{id}" {
                &token_id
            } else {
                &id
            },
        );
    let concrete = if path == "/api/v1/actions/export" {
        format!("{concrete}?format=csv")
    } else {
        concrete
    };
    let (ministry, area) = [("BZK", "rotterdam-zuid"), ("SZW", "den-haag-zuidwest")][i];
    let body = match (route.method, path) {
        ("GET" | "DELETE", _) => None,
        ("POST", "/api/v1/actions") => Some(serde_json::json!({
            "title": "Nieuwe actie", "area": area, "ministry": ministry, "theme": "youth",
            "planned_start": "2021-01-01", "planned_end": "2021-12-31"
        })),
        ("POST", "/api/v1/actions/bulk-updates") => Some(serde_json::json!({
            "items": [{"action_id": f.actions[i], "status": "on_track", "percent_complete": 10}]
        })),
        ("POST", "/api/v1/actions/{id}/updates") => {
            Some(serde_json::json!({"status": "on_track", "percent_complete": 20}))
        }
        ("POST", "/api/v1/actions/{id}/baselines") => Some(serde_json::json!({
            "planned_start": "2021-01-01", "planned_end": "2022-03-31", "reason": "vertraging"
        })),
        ("POST", "/api/v1/actions/{id}/milestones") => {
            Some(serde_json::json!({"title": "Mijlpaal", "due_date": "2021-05-01"}))
        }
        ("POST", "/api/v1/actions/{id}/indicators") => {
            Some(serde_json::json!({"name": "Bereik", "baseline_value": 1.0, "target_value": 2.0}))
        }
        ("POST", "/api/v1/milestones/{id}/reschedule") => {
            Some(serde_json::json!({"due_date": "2021-06-01", "note": "later"}))
        }
        ("POST", "/api/v1/milestones/{id}/complete") => {
            Some(serde_json::json!({"done_on": "2021-02-01"}))
        }
        ("POST", "/api/v1/milestones/{id}/reopen") => {
            Some(serde_json::json!({"note": "toch niet af"}))
        }
        ("POST", "/api/v1/indicators/{id}/values") => {
            Some(serde_json::json!({"measured_on": "2021-02-01", "value": 1.5}))
        }
        ("POST", "/api/v1/programmes") => Some(serde_json::json!({
            "code": format!("nieuw-{}", &crate::support::random_suffix()[..6]), "title": "Nieuw",
            "theme": "debt", "lead_ministry": ministry
        })),
        ("POST", "/api/v1/reports") => Some(serde_json::json!({"period": "voorjaar-2021"})),
        ("POST", "/api/v1/periods/{code}/signoffs/{ministry}") => {
            Some(serde_json::json!({"state": "submitted"}))
        }
        ("POST", "/api/v1/areas/{code}/notes") => {
            Some(serde_json::json!({"body": "Lokale notitie"}))
        }
        ("POST", "/api/v1/consultations/{code}/municipalities/{municipality}/submissions") => {
            Some(submission_body())
        }
        ("PUT", "/api/v1/consultations/{code}/municipalities/{municipality}/submissions/order") => {
            Some(serde_json::json!({"submission_ids": fresh.submission_ids}))
        }
        (
            "PATCH",
            "/api/v1/actions/{id}" | "/api/v1/milestones/{id}" | "/api/v1/programmes/{code}",
        ) => Some(serde_json::json!({"title": "Andere titel"})),
        ("PATCH", "/api/v1/indicators/{id}") => Some(serde_json::json!({"name": "Andere naam"})),
        ("POST", "/api/v1/areas") => Some(serde_json::json!({
            "code": format!("gebied-{suffix}"), "name": "Nieuw gebied", "municipality": "rotterdam",
            "latitude": 51.9, "longitude": 4.5
        })),
        ("POST", "/api/v1/municipalities") => Some(serde_json::json!({
            "code": format!("gemeente-{suffix}"), "name": "Nieuwe gemeente", "province": "Zuid-Holland"
        })),
        ("POST", "/api/v1/ministries") => Some(serde_json::json!({
            "code": format!("M{suffix}"), "name": "Nieuw ministerie"
        })),
        ("POST", "/api/v1/themes") => Some(serde_json::json!({
            "code": format!("thema-{suffix}"), "name_nl": "Veiligheid", "name_en": "Safety"
        })),
        ("POST", "/api/v1/periods") => Some(serde_json::json!({
            "code": format!("najaar-{suffix}"), "name": "Najaar", "cut_off": "2021-10-31"
        })),
        ("POST", "/api/v1/consultations") => Some(serde_json::json!({
            "code": format!("uitvraag-{suffix}"), "title": "Uitvraag", "deadline": "2030-05-06T18:00:00",
            "target_groups": ["youth"], "aspects": ["protection"], "municipalities": ["rotterdam"]
        })),
        ("POST", "/api/v1/consultations/{code}/reopen") => {
            Some(serde_json::json!({"until": "2030-01-01T12:00:00"}))
        }
        ("PUT", "/api/v1/submissions/{id}/actions") => {
            Some(serde_json::json!({"action_ids": [f.actions[i]]}))
        }
        ("POST", "/api/v1/users") => Some(serde_json::json!({
            "username": format!("nieuw-{suffix}"), "role": "viewer", "password": TARGET.1
        })),
        ("PUT", "/api/v1/users/{id}/password") => Some(serde_json::json!({"password": TARGET.1})),
        ("POST", "/api/v1/me/tokens") => Some(serde_json::json!({
            "name": format!("koppeling-{suffix}"), "access": "read"
        })),
        ("POST", "/api/v1/me/password") => Some(serde_json::json!({
            "current_password": crate::support::USER_PASSWORD,
            "new_password": "Een heel ander wachtwoord voor later"
        })),
        ("POST", "/api/v1/auth/token") => {
            Some(serde_json::json!({"username": TARGET.0, "password": TARGET.1}))
        }
        ("POST", "/api/v1/auth/refresh") => {
            Some(serde_json::json!({"refresh_token": fresh.refresh_token}))
        }
        _ => Some(serde_json::json!({})),
    };
    (concrete, body)
}

fn method(route: &RouteSpec) -> Method {
    Method::from_bytes(route.method.as_bytes()).expect("method")
}

/// Sends a route's request, with an If-Match of the current version when the route changes a
/// resource (so the answer is about permission, not about a missing precondition).
async fn call(
    app: &TestApp,
    route: &RouteSpec,
    path: &str,
    body: Option<serde_json::Value>,
    token: Option<&str>,
) -> u16 {
    let if_match = if route.method == "PATCH"
        || (route.method == "POST"
            && (path.contains("/milestones/")
                || path.ends_with("/baselines")
                || path.ends_with("/updates")
                || path.ends_with("/reopen")))
    {
        let read_path = path
            .trim_end_matches("/reschedule")
            .trim_end_matches("/complete")
            .trim_end_matches("/reopen");
        let read_path = read_path
            .trim_end_matches("/baselines")
            .trim_end_matches("/updates");
        let admin_view = app.send(Method::GET, read_path, token, None, None).await;
        admin_view
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    } else {
        None
    };
    let if_match = if_match
        .or_else(|| Some("\"v1\"".to_string()))
        .filter(|_| route.method != "GET");
    app.send(method(route), path, token, body, if_match.as_deref())
        .await
        .status()
        .as_u16()
}

/// The answer an allowed call gets when it is not a success, and why; every other allowed call
/// must succeed (2xx). `other` is the call on the second owner's object.
fn expected_refusal(route: &RouteSpec, role: Role, other: bool) -> Option<u16> {
    let published_only = policy::access(role, route.operation) == Access::PublishedOnly;
    match (route.method, route.path, role, other) {
        // The walk's report is a draft, which does not exist for those who see published ones.
        ("GET", "/api/v1/reports/{id}" | "/api/v1/reports/{id}/files/{format}", _, _)
            if published_only =>
        {
            Some(404)
        }
        // Someone else's token is not the caller's to see.
        ("DELETE", "/api/v1/me/tokens/{id}", _, true) => Some(404),
        // The consultation closed; a municipality may no longer change its submissions.
        (
            "POST" | "PATCH" | "PUT",
            "/api/v1/consultations/{code}/municipalities/{municipality}/submissions"
            | "/api/v1/submissions/{id}"
            | "/api/v1/consultations/{code}/municipalities/{municipality}/submissions/order",
            Role::Municipality,
            false,
        ) => Some(409),
        // The admin went first on the same object: done already, or not done any more.
        (
            "POST",
            "/api/v1/milestones/{id}/complete"
            | "/api/v1/milestones/{id}/reopen"
            | "/api/v1/periods/{code}/signoffs/{ministry}",
            Role::Ministry,
            false,
        ) => Some(409),
        // Published by the call on the first object: the same report.
        ("POST", "/api/v1/reports/{id}/publish", Role::Admin, true) => Some(409),
        // A bulk update lists the refused item among its per-item errors.
        ("POST", "/api/v1/actions/bulk-updates", _, true)
            if policy::access(role, route.operation) != Access::All =>
        {
            Some(422)
        }
        _ => None,
    }
}

/// Checks the answer of an allowed call: a success, or exactly the refusal
/// [`expected_refusal`] names; a 500 fails it. Wrong answers are collected in `wrong`, so one
/// run shows them all.
fn check_allowed(route: &RouteSpec, role: Role, other: bool, status: u16, wrong: &mut Vec<String>) {
    let what = format!(
        "{} {} as {role:?}{}",
        route.method,
        route.path,
        if other { " (other)" } else { "" }
    );
    let right = match expected_refusal(route, role, other) {
        Some(expected) => status == expected,
        None => (200..300).contains(&status),
    };
    if !right {
        wrong.push(format!("{what}: {status}"));
    }
}

app_test!(
    async fn every_route_answers_every_role_as_the_policy_says(app: TestApp) {
        let roles = [
            (Role::Admin, None),
            (Role::Ministry, Some("BZK")),
            (Role::Municipality, Some("rotterdam")),
            (Role::Viewer, None),
        ];
        let mut callers = Vec::new();
        for (role, scope) in roles {
            let (id, token) = app.user_with_token(role.as_str(), scope).await;
            callers.push((role, scope, id, token));
        }
        let target = app.create_user(TARGET.0, "viewer", None, TARGET.1);
        let fixtures = fixtures(&app, &callers[0].3, target).await;
        let mut checked = 0;
        let mut wrong = Vec::new();
        let api_routes: Vec<&RouteSpec> =
            ROUTES.iter().filter(|r| r.kind == RouteKind::Api).collect();
        for route in api_routes.iter().copied() {
            // Without a token.
            let admin = callers[0].3.clone();
            let fresh = fresh_for(&app, &admin, route, &admin, false).await;
            let (path, body) = request_for(route, &fixtures, false, &fresh);
            let status = call(&app, route, &path, body, None).await;
            if route.operation == Operation::Public {
                assert!(
                    (200..300).contains(&status),
                    "{} {path} anonymous: {status}",
                    route.method
                );
            } else {
                assert_eq!(status, 401, "{} {path} anonymous", route.method);
            }

            for (role, scope, _, token) in &callers {
                let access = policy::access(*role, route.operation);
                // Logging out and a new password void the token they are sent with: give each
                // call a fresh one.
                let voids = matches!(route.path, "/api/v1/auth/logout" | "/api/v1/me/password");
                let caller = |token: &String| {
                    let token = token.clone();
                    let app = &app;
                    async move {
                        if voids {
                            app.user_with_token(role.as_str(), *scope).await.1
                        } else {
                            token
                        }
                    }
                };
                let own_token = caller(token).await;
                let fresh = fresh_for(&app, &admin, route, &own_token, false).await;
                let (path, body) = request_for(route, &fixtures, false, &fresh);
                let own = call(&app, route, &path, body, Some(&own_token)).await;
                let other_token = caller(token).await;
                // The other object: for a token, one of someone else's.
                let fresh = if route.path == "/api/v1/me/tokens/{id}" {
                    let (_, stranger) = app.user_with_token("viewer", None).await;
                    fresh_for(&app, &admin, route, &stranger, true).await
                } else {
                    fresh_for(&app, &admin, route, &other_token, true).await
                };
                let (other_path, other_body) = request_for(route, &fixtures, true, &fresh);
                let other = call(&app, route, &other_path, other_body, Some(&other_token)).await;
                let what = format!("{} {} as {role:?}", route.method, route.path);
                match access {
                    Access::Denied => {
                        assert_eq!(own, 403, "{what}");
                        assert_eq!(other, 403, "{what} (other)");
                    }
                    Access::All | Access::PublishedOnly => {
                        check_allowed(route, *role, false, own, &mut wrong);
                        check_allowed(route, *role, true, other, &mut wrong);
                    }
                    Access::OwnMinistry | Access::OwnMunicipality => {
                        check_allowed(route, *role, false, own, &mut wrong);
                        match expected_refusal(route, *role, true) {
                            Some(expected) => assert_eq!(other, expected, "{what} (other)"),
                            None => assert_eq!(other, 403, "{what} (other)"),
                        }
                    }
                }
                checked += 1;
            }
        }
        assert!(
            wrong.is_empty(),
            "allowed calls answered wrongly:\n{}",
            wrong.join("\n")
        );
        assert_eq!(checked, api_routes.len() * 4);
    }
);

/// The version of a resource from its API ETag (`"v3"` → 3).
async fn version_of(app: &TestApp, admin: &str, path: &str) -> String {
    let response = app.send(Method::GET, path, Some(admin), None, None).await;
    response.headers()["etag"]
        .to_str()
        .unwrap()
        .trim_matches('"')
        .trim_start_matches('v')
        .to_string()
}

/// A concrete URL and form fields for a page route, on the first (own) or second owner's object.
async fn page_request_for(
    app: &TestApp,
    admin: &str,
    route: &RouteSpec,
    f: &Fixtures,
    other: bool,
) -> (String, Vec<(String, String)>) {
    let i = usize::from(other);
    let path = route
        .path
        .replace("{file}", "map.svg")
        .replace("{token_id}", "999999");
    let path = if path.starts_with("/acties/") {
        path.replace("{id}", &f.actions[i].to_string())
    } else if path.starts_with("/mijlpalen/") {
        path.replace("{id}", &f.milestones[i].to_string())
    } else if path.starts_with("/gebieden/") {
        path.replace("{code}", ["rotterdam-zuid", "den-haag-zuidwest"][i])
    } else if path.starts_with("/ministeries/") {
        path.replace("{code}", ["BZK", "SZW"][i])
    } else if path.starts_with("/raadplegingen/") {
        path.replace("{code}", "raadpleging")
    } else if path.starts_with("/rapportages/") {
        path.replace("{id}", &f.report.to_string())
            .replace("{format}", "html")
    } else {
        path.replace("{id}", &f.user_id.to_string())
    };
    let owned = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>()
    };
    let suffix = &crate::support::random_suffix()[..6];
    let fields = match (route.method, route.path) {
        ("GET", _) => vec![],
        ("POST", "/inloggen") => owned(&[("username", "niemand"), ("password", "fout")]),
        ("POST", "/taal") => owned(&[("lang", "en"), ("next", "/")]),
        ("POST", "/acties/{id}/voortgang") => {
            let version =
                version_of(app, admin, &format!("/api/v1/actions/{}", f.actions[i])).await;
            owned(&[
                ("status", "on_track"),
                ("percent_complete", "20"),
                ("version", &version),
            ])
        }
        ("POST", "/mijlpalen/{id}/afronden") => {
            let version = version_of(
                app,
                admin,
                &format!("/api/v1/milestones/{}", f.milestones[i]),
            )
            .await;
            owned(&[("done_on", "2021-02-01"), ("version", &version)])
        }
        ("POST", "/raadplegingen/{code}/inzendingen") => owned(&[
            ("title", "Praktijk"),
            ("target_groups", "youth"),
            ("aspects", "protection"),
            ("kind", "existing_practice"),
            ("stage", "under_way"),
        ]),
        ("POST", "/raadplegingen/{code}/volgorde") => {
            vec![(format!("rank_{}", f.submissions[i]), "1".to_string())]
        }
        ("POST", "/beheer/gebruikers") => owned(&[
            ("username", &format!("nieuw-{suffix}")),
            ("role", "viewer"),
            ("password", "een lang genoeg wachtwoord"),
        ]),
        ("POST", "/beheer/gebruikers/{id}/status") => {
            let version = version_of(app, admin, &format!("/api/v1/users/{}", f.user_id)).await;
            owned(&[("disabled", "false"), ("version", &version)])
        }
        ("POST", "/ministeries/{code}/afronding") => owned(&[
            ("period", "voorjaar-2021"),
            ("state", "submitted"),
            ("note", "Nog niet alles bijgewerkt"),
        ]),
        ("POST", "/rapportages") => owned(&[("period", "voorjaar-2021")]),
        ("POST", "/rapportages/{id}/publiceren") => {
            // An admin's new draft earlier in the walk may have replaced this one: then any
            // version does, the answer is 404 either way.
            let response = app
                .send(
                    Method::GET,
                    &format!("/api/v1/reports/{}", f.report),
                    Some(admin),
                    None,
                    None,
                )
                .await;
            let version = response
                .headers()
                .get("etag")
                .and_then(|v| v.to_str().ok())
                .map(|v| v.trim_matches('"').trim_start_matches('v').to_string())
                .unwrap_or_else(|| "1".into());
            owned(&[("version", &version)])
        }
        ("POST", "/beheer/perioden") => owned(&[
            ("name", "Najaar"),
            ("code", &format!("najaar-{suffix}")),
            ("cut_off", "2021-10-31"),
        ]),
        ("POST", "/beheer/gebieden") => owned(&[
            ("name", "Nieuw gebied"),
            ("code", &format!("gebied-{suffix}")),
            ("municipality", "rotterdam"),
            ("latitude", "51.9"),
            ("longitude", "4.5"),
        ]),
        _ => vec![],
    };
    (path, fields)
}

/// Sends a page request with a session (or none: then a visitor's CSRF cookie and token).
async fn call_page(
    app: &TestApp,
    route: &RouteSpec,
    path: &str,
    fields: &[(String, String)],
    session: Option<&crate::support::WebSession>,
) -> (u16, String) {
    let (cookie, csrf) = match session {
        Some(session) => (session.cookie.clone(), session.csrf.clone()),
        None => {
            let login = app.page(None, "/inloggen").await;
            let cookie = crate::support::set_cookie(&login, "vm_csrf").unwrap();
            let cookie = cookie.split(';').next().unwrap().to_string();
            (
                cookie,
                crate::support::csrf_of(&login.text().await.unwrap()),
            )
        }
    };
    let response = if route.method == "GET" {
        app.client
            .get(app.url(path))
            .header("Cookie", cookie)
            .send()
            .await
            .unwrap()
    } else {
        let mut all = vec![("csrf".to_string(), csrf)];
        all.extend_from_slice(fields);
        app.client
            .post(app.url(path))
            .header("Cookie", cookie)
            .form(&all)
            .send()
            .await
            .unwrap()
    };
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (response.status().as_u16(), location)
}

/// Sent to the login page for lack of a session (logging out also ends there, with a notice).
fn to_login(status: u16, location: &str) -> bool {
    status == 303 && (location == "/inloggen" || location.starts_with("/inloggen?next="))
}

app_test!(
    async fn every_page_answers_every_role_as_the_policy_says(app: TestApp) {
        let roles = [
            (Role::Admin, None),
            (Role::Ministry, Some("BZK")),
            (Role::Municipality, Some("rotterdam")),
            (Role::Viewer, None),
        ];
        let mut callers = Vec::new();
        for (role, scope) in roles {
            let (id, _, session) = app.web_user(role.as_str(), scope).await;
            callers.push((role, scope, id, session));
        }
        let admin = app.admin_token().await;
        let fixtures = fixtures(&app, &admin, callers[3].2).await;
        let mut checked = 0;
        let pages: Vec<&RouteSpec> = ROUTES
            .iter()
            .filter(|r| r.kind == RouteKind::Page)
            .collect();
        for route in pages.iter().copied() {
            let (path, fields) = page_request_for(&app, &admin, route, &fixtures, false).await;
            // No session: a browser is sent to the login page, never shown a 401.
            let (status, location) = call_page(&app, route, &path, &fields, None).await;
            if route.operation == Operation::Public {
                assert!(
                    status != 403 && !to_login(status, &location),
                    "{} {path} anonymous: {status}",
                    route.method
                );
            } else {
                assert!(
                    to_login(status, &location),
                    "{} {path} anonymous: {status}",
                    route.method
                );
            }
            for (role, scope, _, session) in &callers {
                let access = policy::access(*role, route.operation);
                // Logging out ends the session it is sent with: give each call a fresh one.
                let fresh = if route.path == "/uitloggen" {
                    app.web_user(role.as_str(), *scope).await.2
                } else {
                    session.clone()
                };
                let (own, own_location) =
                    call_page(&app, route, &path, &fields, Some(&fresh)).await;
                let what = format!("{} {} as {role:?}", route.method, route.path);
                assert!(!to_login(own, &own_location), "{what}: sent to log in");
                assert!(own < 500, "{what}: {own}");
                // Pages name their object in the path only for actions, milestones, areas
                // and ministries; the consultation forms act for the caller's own municipality
                // (the service applies the scope check, as for the API).
                let (other_path, other_fields) =
                    page_request_for(&app, &admin, route, &fixtures, true).await;
                let other = if other_path != path {
                    Some(
                        call_page(&app, route, &other_path, &other_fields, Some(&fresh))
                            .await
                            .0,
                    )
                } else {
                    None
                };
                match access {
                    Access::Denied => {
                        assert_eq!(own, 403, "{what}");
                    }
                    // A wrong password on the login form is a 401, which is about the password.
                    Access::All if route.operation == Operation::Public => {
                        assert_ne!(own, 403, "{what}");
                    }
                    Access::All | Access::PublishedOnly => {
                        assert!(own != 401 && own != 403, "{what}: {own}");
                        if let Some(other) = other {
                            assert!(other != 401 && other != 403, "{what} (other): {other}");
                        }
                    }
                    Access::OwnMinistry | Access::OwnMunicipality => {
                        assert!(own != 401 && own != 403, "{what} (own): {own}");
                        if let Some(other) = other {
                            assert_eq!(other, 403, "{what} (other)");
                        }
                    }
                }
                checked += 1;
            }
        }
        // Every page, for every role: none skipped.
        assert_eq!(checked, pages.len() * 4);
        assert!(pages.len() >= 20, "{}", pages.len());
    }
);
