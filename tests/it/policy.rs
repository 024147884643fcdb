//! The permission matrix, generated from the route table: every route × every role (and no
//! login) gets exactly what the policy says, so a route cannot exist without a policy entry.

use reqwest::Method;
use versnelling::api::{ROUTES, RouteSpec};
use versnelling::auth::policy::{self, Access, Operation, POLICY};
use versnelling::domain::Role;

use crate::app_test;

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

/// A concrete URL for a route pattern, with ids of objects that exist.
fn concrete_path(route: &RouteSpec, user_id: i64) -> String {
    let code = if route.path.starts_with("/api/v1/areas") {
        "rotterdam-zuid"
    } else if route.path.starts_with("/api/v1/ministries") {
        "BZK"
    } else if route.path.starts_with("/api/v1/themes") {
        "housing"
    } else if route.path.starts_with("/api/v1/periods") {
        "voorjaar-2021"
    } else {
        "unknown"
    };
    route
        .path
        .replace("{code}", code)
        .replace("{token_id}", "999999")
        .replace("{id}", &user_id.to_string())
}

fn method(route: &RouteSpec) -> Method {
    Method::from_bytes(route.method.as_bytes()).expect("method")
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
        let viewer_id = callers[3].2;
        let mut checked = 0;
        for route in ROUTES {
            let path = concrete_path(route, viewer_id);
            let body =
                matches!(route.method, "POST" | "PUT" | "PATCH").then(|| serde_json::json!({}));

            // Without a token.
            let status = app
                .send(method(route), &path, None, body.clone(), None)
                .await
                .status()
                .as_u16();
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
                assert!(
                    matches!(access, Access::All | Access::Denied),
                    "{} {} is scoped for {role:?}: extend this test with objects of own and other scope",
                    route.method,
                    route.path
                );
                // Logging out would void the token the rest of the matrix uses: use a fresh one.
                let fresh;
                let token = if route.path == "/api/v1/auth/logout" {
                    fresh = app.user_with_token(role.as_str(), *scope).await.1;
                    &fresh
                } else {
                    token
                };
                let status = app
                    .send(method(route), &path, Some(token), body.clone(), None)
                    .await
                    .status()
                    .as_u16();
                if access == Access::Denied {
                    assert_eq!(status, 403, "{} {path} as {role:?}", route.method);
                } else {
                    assert!(
                        status != 401 && status != 403,
                        "{} {path} as {role:?}: {status}",
                        route.method
                    );
                }
                checked += 1;
            }
        }
        assert_eq!(checked, ROUTES.len() * 4);
    }
);
