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
        let response = app
            .send(
                Method::POST,
                "/api/v1/programmes",
                Some(admin),
                Some(body),
                None,
            )
            .await;
        assert_eq!(response.status(), 201);
    }
    // A closed consultation asking both municipalities, with a (late) submission of each.
    let body = serde_json::json!({
        "code": "raadpleging", "title": "Uitvraag", "deadline": "2020-05-06T18:00:00",
        "target_groups": ["youth"], "aspects": ["protection"], "municipalities": ["rotterdam", "den-haag"]
    });
    let response = app
        .send(
            Method::POST,
            "/api/v1/consultations",
            Some(admin),
            Some(body),
            None,
        )
        .await;
    assert_eq!(response.status(), 201);
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

/// A concrete URL and a valid body for a route, on the object of the first (own) or second owner.
fn request_for(
    route: &RouteSpec,
    f: &Fixtures,
    other: bool,
) -> (String, Option<serde_json::Value>) {
    let i = usize::from(other);
    let path = route.path;
    let id = if path.starts_with("/api/v1/actions/") {
        f.actions[i].to_string()
    } else if path.starts_with("/api/v1/milestones/") {
        f.milestones[i].to_string()
    } else if path.starts_with("/api/v1/indicators/") {
        f.indicators[i].to_string()
    } else if path.starts_with("/api/v1/submissions/") {
        f.submissions[i].to_string()
    } else if path.starts_with("/api/v1/reports/") {
        f.report.to_string()
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
    } else if path.starts_with("/api/v1/consultations") {
        "raadpleging"
    } else {
        "unknown"
    };
    let concrete = path
        .replace("{file}", "map.svg")
        .replace("{code}", code)
        .replace("{token_id}", "999999")
        .replace("{municipality}", ["rotterdam", "den-haag"][i])
        .replace("{ministry}", ["BZK", "SZW"][i])
        .replace("{format}", "pdf")
        .replace("{id}", &id);
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
            Some(serde_json::json!({"submission_ids": [f.submissions[i]]}))
        }
        (
            "PATCH",
            "/api/v1/actions/{id}" | "/api/v1/milestones/{id}" | "/api/v1/programmes/{code}",
        ) => Some(serde_json::json!({"title": "Andere titel"})),
        ("PATCH", "/api/v1/indicators/{id}") => Some(serde_json::json!({"name": "Andere naam"})),
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
            && (path.contains("/milestones/") || path.ends_with("/baselines")))
    {
        let read_path = path
            .trim_end_matches("/reschedule")
            .trim_end_matches("/complete")
            .trim_end_matches("/reopen");
        let read_path = read_path.trim_end_matches("/baselines");
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
        let fixtures = fixtures(&app, &callers[0].3, callers[3].2).await;
        let mut checked = 0;
        let api_routes: Vec<&RouteSpec> =
            ROUTES.iter().filter(|r| r.kind == RouteKind::Api).collect();
        for route in api_routes.iter().copied() {
            let (path, body) = request_for(route, &fixtures, false);

            // Without a token.
            let status = call(&app, route, &path, body.clone(), None).await;
            if route.operation == Operation::Public {
                assert!(
                    status != 401 && status != 403,
                    "{} {path} anonymous: {status}",
                    route.method
                );
            } else {
                assert_eq!(status, 401, "{} {path} anonymous", route.method);
            }

            for (role, scope, _, token) in &callers {
                let access = policy::access(*role, route.operation);
                // Logging out voids the token it is sent with: give each call a fresh one.
                let logout = route.path == "/api/v1/auth/logout";
                let fresh = if logout {
                    app.user_with_token(role.as_str(), *scope).await.1
                } else {
                    token.clone()
                };
                let own = call(&app, route, &path, body.clone(), Some(&fresh)).await;
                let fresh = if logout {
                    app.user_with_token(role.as_str(), *scope).await.1
                } else {
                    token.clone()
                };
                let (other_path, other_body) = request_for(route, &fixtures, true);
                let other = call(&app, route, &other_path, other_body, Some(&fresh)).await;
                let what = format!("{} {} as {role:?}", route.method, route.path);
                match access {
                    Access::Denied => {
                        assert_eq!(own, 403, "{what}");
                        assert_eq!(other, 403, "{what} (other)");
                    }
                    // Unpublished objects are hidden (404), never forbidden.
                    Access::All | Access::PublishedOnly => {
                        assert!(own != 401 && own != 403, "{what}: {own}");
                        assert!(other != 401 && other != 403, "{what} (other): {other}");
                    }
                    Access::OwnMinistry | Access::OwnMunicipality => {
                        assert!(own != 401 && own != 403, "{what} (own): {own}");
                        // A bulk update lists the refused item among its per-item errors.
                        let refused = if route.path == "/api/v1/actions/bulk-updates" {
                            422
                        } else {
                            403
                        };
                        assert_eq!(other, refused, "{what} (other)");
                    }
                }
                checked += 1;
            }
        }
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
        for route in ROUTES.iter().filter(|r| r.kind == RouteKind::Page) {
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
        assert!(checked >= 4 * 20, "{checked}");
    }
);
