//! Logging in, tokens and the attacks on them, throttling, API tokens, the audit log.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::Method;
use serde_json::{Value, json};

use crate::app_test;
use crate::support::TestApp;

const PASSWORD: &str = "een lang genoeg wachtwoord";

fn claims(sub: i64, iat: i64, exp: i64, nbf: i64) -> Value {
    json!({
        "iss": "versnellingsmonitor", "aud": "versnellingsmonitor-api", "sub": sub.to_string(),
        "iat": iat, "exp": exp, "nbf": nbf, "jti": "0123456789abcdef", "epoch": 1
    })
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

async fn create_theme(app: &TestApp, token: &str, code: &str) -> u16 {
    let body = json!({"code": code, "name_nl": "Veiligheid", "name_en": "Safety"});
    app.send(
        Method::POST,
        "/api/v1/themes",
        Some(token),
        Some(body),
        None,
    )
    .await
    .status()
    .as_u16()
}

async fn create_token(app: &TestApp, session: &str, name: &str, access: &str) -> reqwest::Response {
    let body = json!({"name": name, "access": access, "expires_in_days": 30});
    app.send(
        Method::POST,
        "/api/v1/me/tokens",
        Some(session),
        Some(body),
        None,
    )
    .await
}

async fn refresh(app: &TestApp, token: &str) -> reqwest::Response {
    app.send(
        Method::POST,
        "/api/v1/auth/refresh",
        None,
        Some(json!({ "refresh_token": token })),
        None,
    )
    .await
}

async fn status_with(app: &TestApp, token: &str) -> u16 {
    app.send(Method::GET, "/api/v1/me", Some(token), None, None)
        .await
        .status()
        .as_u16()
}

app_test!(
    async fn a_token_from_login_opens_the_api_and_me_tells_who_and_what(app: TestApp) {
        let id = app.create_user("Wethouder", "municipality", Some("den-haag"), PASSWORD);
        let tokens = app.login("wethouder", PASSWORD).await;
        assert_eq!(tokens["token_type"], "Bearer");
        assert_eq!(tokens["expires_in"], 15 * 60);
        let me = app
            .get_as(tokens["access_token"].as_str().unwrap(), "/api/v1/me", 200)
            .await;
        assert_eq!(me["id"], id);
        assert_eq!(me["username"], "Wethouder");
        assert_eq!(me["role"], "municipality");
        assert_eq!(me["municipality"], "den-haag");
        let operations: Vec<&str> = me["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["operation"].as_str().unwrap())
            .collect();
        assert!(operations.contains(&"read_reference"));
        assert!(!operations.contains(&"manage_users"));

        let wrong = app
            .send(
                Method::POST,
                "/api/v1/auth/token",
                None,
                Some(json!({"username": "wethouder", "password": "fout wachtwoord"})),
                None,
            )
            .await;
        assert_eq!(wrong.status(), 401);
        let unknown = app
            .send(
                Method::POST,
                "/api/v1/auth/token",
                None,
                Some(json!({"username": "niemand", "password": "fout wachtwoord"})),
                None,
            )
            .await;
        assert_eq!(unknown.status(), 401);
        let a: Value = wrong.json().await.unwrap();
        let b: Value = unknown.json().await.unwrap();
        assert_eq!(
            a["detail"], b["detail"],
            "the answer does not tell which usernames exist"
        );
    }
);

app_test!(
    async fn forged_and_stale_access_tokens_are_refused(app: TestApp) {
        let id = app.create_user("kijker", "viewer", None, PASSWORD);
        let good = app.login("kijker", PASSWORD).await["access_token"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(status_with(&app, &good).await, 200);
        let (kid, secret) = app.signing_key();
        let t = now();

        // alg: none, no signature.
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(claims(id, t, t + 600, t).to_string());
        assert_eq!(
            status_with(&app, &format!("{header}.{payload}.")).await,
            401,
            "alg none"
        );

        // RS256 in the header (HS/RS confusion): the algorithm is pinned to HS256.
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
        let signature = URL_SAFE_NO_PAD.encode([7u8; 256]);
        assert_eq!(
            status_with(&app, &format!("{header}.{payload}.{signature}")).await,
            401,
            "RS256"
        );
        // And an HS256 token signed with something public (the issuer name) as key.
        let mut with_kid = Header::new(Algorithm::HS256);
        with_kid.kid = Some(kid.clone());
        let forged = jsonwebtoken::encode(
            &with_kid,
            &claims(id, t, t + 600, t),
            &EncodingKey::from_secret(b"versnellingsmonitor"),
        )
        .unwrap();
        assert_eq!(status_with(&app, &forged).await, 401, "wrong key");
        // The right key, but the token does not name it, or names another.
        let mut other_kid = Header::new(Algorithm::HS256);
        other_kid.kid = Some("0123456789abcdef".into());
        for (header, what) in [
            (Header::new(Algorithm::HS256), "no key id"),
            (other_kid, "an unknown key id"),
        ] {
            let token = jsonwebtoken::encode(
                &header,
                &claims(id, t, t + 600, t),
                &EncodingKey::from_secret(&secret),
            )
            .unwrap();
            assert_eq!(status_with(&app, &token).await, 401, "{what}");
        }

        let sign = |c: Value| app.sign(&c);
        // The right key makes a valid token: the checks below fail for their own reason only.
        assert_eq!(
            status_with(&app, &sign(claims(id, t, t + 600, t))).await,
            200,
            "control"
        );
        assert_eq!(
            status_with(&app, &sign(claims(id, t - 7200, t - 3600, t - 7200))).await,
            401,
            "expired"
        );
        assert_eq!(
            status_with(&app, &sign(claims(id, t, t + 600, t + 300))).await,
            401,
            "not yet valid"
        );
        assert_eq!(
            status_with(&app, &sign(claims(id, t, t + 30 * 24 * 3600, t))).await,
            401,
            "valid for a month: longer than tokens are issued for"
        );
        let mut wrong_audience = claims(id, t, t + 600, t);
        wrong_audience["aud"] = json!("another-service");
        assert_eq!(
            status_with(&app, &sign(wrong_audience)).await,
            401,
            "audience"
        );
        let mut wrong_issuer = claims(id, t, t + 600, t);
        wrong_issuer["iss"] = json!("someone-else");
        assert_eq!(status_with(&app, &sign(wrong_issuer)).await, 401, "issuer");

        // Tampered payload: another subject under the original signature.
        let parts: Vec<&str> = good.split('.').collect();
        let mut payload: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        payload["sub"] = json!((id + 1).to_string());
        let tampered = format!(
            "{}.{}.{}",
            parts[0],
            URL_SAFE_NO_PAD.encode(payload.to_string()),
            parts[2]
        );
        assert_eq!(status_with(&app, &tampered).await, 401, "tampered");

        for garbage in ["", "Bearer", "x.y.z", "vmpat_nothing"] {
            assert_eq!(status_with(&app, garbage).await, 401, "{garbage:?}");
        }
        let basic = app
            .client
            .get(app.url("/api/v1/me"))
            .header("Authorization", "Basic a2lqa2VyOnh4eA==")
            .send()
            .await
            .unwrap();
        assert_eq!(basic.status(), 401);
        assert_eq!(basic.headers()["www-authenticate"], "Bearer");
    }
);

app_test!(
    async fn logout_revokes_the_access_token_and_its_refresh_family(app: TestApp) {
        app.create_user("bzk-medewerker", "ministry", Some("BZK"), PASSWORD);
        let tokens = app.login("bzk-medewerker", PASSWORD).await;
        let access = tokens["access_token"].as_str().unwrap();
        let refresh = tokens["refresh_token"].as_str().unwrap();
        let response = app
            .send(
                Method::POST,
                "/api/v1/auth/logout",
                Some(access),
                Some(json!({ "refresh_token": refresh })),
                None,
            )
            .await;
        assert_eq!(response.status(), 204);
        assert_eq!(status_with(&app, access).await, 401);
        let again = app
            .send(
                Method::POST,
                "/api/v1/auth/refresh",
                None,
                Some(json!({ "refresh_token": refresh })),
                None,
            )
            .await;
        assert_eq!(again.status(), 401);
    }
);

app_test!(
    async fn refresh_tokens_rotate_and_reuse_revokes_the_whole_family(app: TestApp) {
        app.create_user("szw-medewerker", "ministry", Some("SZW"), PASSWORD);
        let first = app.login("szw-medewerker", PASSWORD).await;
        let response = refresh(&app, first["refresh_token"].as_str().unwrap()).await;
        assert_eq!(response.status(), 200);
        let second: Value = response.json().await.unwrap();
        assert_ne!(second["refresh_token"], first["refresh_token"]);
        assert_eq!(
            status_with(&app, second["access_token"].as_str().unwrap()).await,
            200
        );

        // The first refresh token again: stolen. Both it and its successor stop working.
        assert_eq!(
            refresh(&app, first["refresh_token"].as_str().unwrap())
                .await
                .status(),
            401
        );
        assert_eq!(
            refresh(&app, second["refresh_token"].as_str().unwrap())
                .await
                .status(),
            401
        );
        // Another login (another family) is not affected.
        let other = app.login("szw-medewerker", PASSWORD).await;
        assert_eq!(
            refresh(&app, other["refresh_token"].as_str().unwrap())
                .await
                .status(),
            200
        );
    }
);

app_test!(
    async fn disabling_a_user_or_changing_their_role_revokes_their_tokens_at_once(app: TestApp) {
        let admin = app.admin_token().await;
        let id = app.create_user("ocw-medewerker", "ministry", Some("OCW"), PASSWORD);
        let tokens = app.login("ocw-medewerker", PASSWORD).await;
        let access = tokens["access_token"].as_str().unwrap();
        assert_eq!(status_with(&app, access).await, 200);

        let path = format!("/api/v1/users/{id}");
        let response = app.send(Method::GET, &path, Some(&admin), None, None).await;
        let etag = response.headers()["etag"].to_str().unwrap().to_string();
        let response = app
            .send(
                Method::PATCH,
                &path,
                Some(&admin),
                Some(json!({ "role": "viewer" })),
                Some(&etag),
            )
            .await;
        assert_eq!(response.status(), 200);
        let etag = response.headers()["etag"].to_str().unwrap().to_string();
        let user: Value = response.json().await.unwrap();
        assert_eq!(user["role"], "viewer");
        assert_eq!(user["ministry"], Value::Null);
        assert_eq!(status_with(&app, access).await, 401, "role change revokes");
        let refreshed = app
            .send(
                Method::POST,
                "/api/v1/auth/refresh",
                None,
                Some(json!({ "refresh_token": tokens["refresh_token"] })),
                None,
            )
            .await;
        assert_eq!(refreshed.status(), 401);

        let access = app.login("ocw-medewerker", PASSWORD).await["access_token"]
            .as_str()
            .unwrap()
            .to_string();
        let response = app
            .send(
                Method::PATCH,
                &path,
                Some(&admin),
                Some(json!({ "disabled": true })),
                Some(&etag),
            )
            .await;
        assert_eq!(response.status(), 200);
        assert_eq!(status_with(&app, &access).await, 401, "disable revokes");
        let login = app
            .send(
                Method::POST,
                "/api/v1/auth/token",
                None,
                Some(json!({"username": "ocw-medewerker", "password": PASSWORD})),
                None,
            )
            .await;
        assert_eq!(login.status(), 401);

        // A stale ETag is refused and changes nothing.
        let stale = app
            .send(
                Method::PATCH,
                &path,
                Some(&admin),
                Some(json!({ "disabled": false })),
                Some(&etag),
            )
            .await;
        assert_eq!(stale.status(), 412);
        let missing = app
            .send(
                Method::PATCH,
                &path,
                Some(&admin),
                Some(json!({ "disabled": false })),
                None,
            )
            .await;
        assert_eq!(missing.status(), 428);
        assert_eq!(app.get_as(&admin, &path, 200).await["disabled"], true);
    }
);

app_test!(
    async fn login_throttling_kicks_in_and_lifts(app: TestApp) {
        app.create_user("burgemeester", "municipality", Some("heerlen"), PASSWORD);
        let attempt = |password: &'static str| {
            app.send(
                Method::POST,
                "/api/v1/auth/token",
                None,
                Some(json!({"username": "burgemeester", "password": password})),
                None,
            )
        };
        // Three free attempts (test settings), then one let through with a delay after it.
        for _ in 0..4 {
            assert_eq!(attempt("verkeerd wachtwoord").await.status(), 401);
        }
        let throttled = attempt(PASSWORD).await;
        assert_eq!(throttled.status(), 429, "even the right password waits");
        let retry_after: u64 = throttled.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(retry_after, 1);
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        assert_eq!(
            attempt(PASSWORD).await.status(),
            200,
            "lifted after the delay"
        );
    }
);

app_test!(
    async fn api_tokens_are_shown_once_read_only_when_asked_and_revocable(app: TestApp) {
        let admin_id = app.create_user("beheerder", "admin", None, PASSWORD);
        let session = app.login("beheerder", PASSWORD).await["access_token"]
            .as_str()
            .unwrap()
            .to_string();
        let response = create_token(&app, &session, "koppeling-read", "read").await;
        assert_eq!(response.status(), 201);
        let read: Value = response.json().await.unwrap();
        let read_token = read["token"].as_str().unwrap().to_string();
        assert!(read_token.starts_with("vmpat_"));
        let write: Value = create_token(&app, &session, "koppeling-write", "read_write")
            .await
            .json()
            .await
            .unwrap();
        let write_token = write["token"].as_str().unwrap().to_string();
        assert_eq!(
            create_token(&app, &session, "koppeling-read", "read")
                .await
                .status(),
            409,
            "names are unique per user"
        );
        assert_eq!(
            create_token(&app, &session, "", "admin").await.status(),
            422
        );

        // Listed without their secrets.
        let list = app.get_as(&session, "/api/v1/me/tokens", 200).await;
        assert_eq!(list["total"], 2);
        assert!(!list.to_string().contains(&read_token));

        assert_eq!(
            app.get_as(&read_token, "/api/v1/areas", 200).await["total"],
            16
        );
        assert_eq!(
            create_theme(&app, &read_token, "safety").await,
            403,
            "read-only token"
        );
        assert_eq!(create_theme(&app, &write_token, "safety").await, 201);
        // A token cannot make tokens.
        let nested = app
            .send(
                Method::POST,
                "/api/v1/me/tokens",
                Some(&write_token),
                Some(json!({"name": "x"})),
                None,
            )
            .await;
        assert_eq!(nested.status(), 403);

        let path = format!("/api/v1/me/tokens/{}", read["id"]);
        assert_eq!(
            app.send(Method::DELETE, &path, Some(&session), None, None)
                .await
                .status(),
            200
        );
        assert_eq!(status_with(&app, &read_token).await, 401);

        // A token never has more rights than its user has now: demote the user, the write token
        // is revoked with the rest.
        let other_admin = app.admin_token().await;
        let user_path = format!("/api/v1/users/{admin_id}");
        let etag = app
            .send(Method::GET, &user_path, Some(&other_admin), None, None)
            .await
            .headers()["etag"]
            .to_str()
            .unwrap()
            .to_string();
        let demoted = app
            .send(
                Method::PATCH,
                &user_path,
                Some(&other_admin),
                Some(json!({"role": "viewer"})),
                Some(&etag),
            )
            .await;
        assert_eq!(demoted.status(), 200);
        assert_eq!(create_theme(&app, &write_token, "other").await, 401);
    }
);

app_test!(
    async fn every_write_leaves_an_audit_row_and_a_failed_write_none(app: TestApp) {
        let admin = app.admin_token().await;
        let created = app
            .send(
                Method::POST,
                "/api/v1/themes",
                Some(&admin),
                Some(json!({"code": "safety", "name_nl": "Veiligheid", "name_en": "Safety"})),
                None,
            )
            .await;
        assert_eq!(created.status(), 201);
        let etag = created.headers()["etag"].to_str().unwrap().to_string();
        let updated = app
            .send(
                Method::PATCH,
                "/api/v1/themes/safety",
                Some(&admin),
                Some(json!({"name_en": "Public safety"})),
                Some(&etag),
            )
            .await;
        assert_eq!(updated.status(), 200);
        let duplicate = app
            .send(
                Method::POST,
                "/api/v1/themes",
                Some(&admin),
                Some(json!({"code": "safety", "name_nl": "Dubbel", "name_en": "Twice"})),
                None,
            )
            .await;
        assert_eq!(duplicate.status(), 409);
        let problem: Value = duplicate.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "code");

        let audit = app
            .get_as(
                &admin,
                "/api/v1/audit?entity_type=theme&entity_id=safety",
                200,
            )
            .await;
        assert_eq!(audit["total"], 2, "{audit}");
        let newest = &audit["items"][0];
        assert_eq!(newest["operation"], "theme.update");
        assert_eq!(newest["before"]["name_en"], "Safety");
        assert_eq!(newest["after"]["name_en"], "Public safety");
        assert!(
            newest["request_id"]
                .as_str()
                .is_some_and(|id| !id.is_empty())
        );
        assert_eq!(audit["items"][1]["operation"], "theme.create");
        assert_eq!(audit["items"][1]["before"], Value::Null);

        let (_, viewer) = app.user_with_token("viewer", None).await;
        assert_eq!(
            app.send(Method::GET, "/api/v1/audit", Some(&viewer), None, None)
                .await
                .status(),
            403
        );
        let bad = app
            .send(
                Method::GET,
                "/api/v1/audit?from=yesterday",
                Some(&admin),
                None,
                None,
            )
            .await;
        assert_eq!(bad.status(), 422);
    }
);
