//! Accounts (issue 18): nobody disables or demotes their own account in any interface, the last
//! active admin stays one, and a new password must be hard to guess wherever it is set. The
//! command line's side of both is in `cli.rs`.

use std::sync::{Arc, Barrier};

use reqwest::Method;
use serde_json::{Value, json};
use versnelling::error::Error;
use versnelling::i18n::Msg;
use versnelling::service::audit::Actor;
use versnelling::service::users::{self, UserChange};

use crate::support::{TestApp, assert_no_english_messages};
use crate::{app_test, both_backends};

const PASSWORD: &str = "een lang genoeg wachtwoord";

/// PATCH /api/v1/users/{id} as `token`, with the user's current ETag.
async fn patch_user(app: &TestApp, token: &str, id: i64, body: Value) -> reqwest::Response {
    let path = format!("/api/v1/users/{id}");
    let etag = app.etag(token, &path).await;
    app.send(Method::PATCH, &path, Some(token), Some(body), Some(&etag))
        .await
}

/// The first field error of a problem: (field, code, the whole problem).
async fn field_error(response: reqwest::Response) -> (String, String, Value) {
    let problem: Value = response.json().await.unwrap();
    let error = &problem["errors"][0];
    (
        error["field"].as_str().unwrap_or_default().to_string(),
        error["code"].as_str().unwrap_or_default().to_string(),
        problem.clone(),
    )
}

app_test!(
    async fn an_admin_cannot_disable_or_demote_themselves_through_the_api(app: TestApp) {
        let (me, token) = app.user_with_token("admin", None).await;

        let disable = patch_user(&app, &token, me, json!({"disabled": true})).await;
        assert_eq!(disable.status(), 409);
        let (field, code, _) = field_error(disable).await;
        assert_eq!(
            (field.as_str(), code.as_str()),
            ("disabled", "cannot_disable_yourself")
        );

        let demote = patch_user(&app, &token, me, json!({"role": "viewer"})).await;
        assert_eq!(demote.status(), 409);
        let (field, code, _) = field_error(demote).await;
        assert_eq!(
            (field.as_str(), code.as_str()),
            ("role", "cannot_change_own_role")
        );

        // In Dutch, with the field at fault.
        let path = format!("/api/v1/users/{me}");
        let etag = app.etag(&token, &path).await;
        let dutch = app
            .client
            .patch(app.url(&path))
            .bearer_auth(&token)
            .header("If-Match", etag)
            .header("Accept-Language", "nl")
            .json(&json!({"role": "ministry", "ministry": "BZK"}))
            .send()
            .await
            .unwrap();
        assert_eq!(dutch.status(), 409);
        let (_, _, problem) = field_error(dutch).await;
        assert_eq!(
            problem["errors"][0]["message"],
            "u kunt uw eigen rol niet wijzigen; vraag een andere beheerder"
        );

        // Their own name they may change; the account is still an active admin.
        let renamed = patch_user(&app, &token, me, json!({"display_name": "Beheer"})).await;
        assert_eq!(renamed.status(), 200);
        let after: Value = renamed.json().await.unwrap();
        assert_eq!(
            (after["role"].as_str(), after["disabled"].as_bool()),
            (Some("admin"), Some(false))
        );

        // Another admin may do both.
        let other = app.admin_token().await;
        let disabled = patch_user(&app, &other, me, json!({"disabled": true})).await;
        assert_eq!(disabled.status(), 200);
    }
);

/// The operator at the command line: no user, so no "yourself".
fn operator() -> Actor {
    Actor::system("cli")
}

fn change(
    conn: &mut versnelling::db::DbConnection,
    id: i64,
    change: UserChange,
) -> Result<(), Error> {
    users::update(conn, &operator(), id.into(), None, &change).map(|_| ())
}

fn disable(disabled: bool) -> UserChange {
    UserChange {
        disabled: Some(disabled),
        ..Default::default()
    }
}

fn role(role: &str) -> UserChange {
    UserChange {
        role: Some(role.into()),
        ..Default::default()
    }
}

/// A user straight through the service; its id.
fn add_user(conn: &mut versnelling::db::DbConnection, username: &str, role: &str) -> i64 {
    let input = users::NewUserInput {
        username: username.into(),
        display_name: String::new(),
        role: role.into(),
        ministry: None,
        municipality: None,
        password: PASSWORD.into(),
    };
    users::create_user(conn, &operator(), &input).unwrap().id
}

fn assert_last_admin(result: Result<(), Error>, field: &str) {
    match result {
        Err(Error::Conflict {
            message: Msg::LastActiveAdmin { .. },
            field: Some(at),
        }) => assert_eq!(at, field),
        other => panic!("expected the last active admin to stay, got {other:?}"),
    }
}

both_backends!(
    fn the_last_active_admin_stays_one_whoever_asks(database: TestDatabase) {
        let pool = versnelling::startup::open_database(&database.settings()).unwrap();
        let mut conn = pool.get().unwrap();
        let first = add_user(&mut conn, "eerste", "admin");
        let viewer = add_user(&mut conn, "kijker", "viewer");

        assert_last_admin(change(&mut conn, first, disable(true)), "disabled");
        assert_last_admin(change(&mut conn, first, role("viewer")), "role");
        // Other users come and go as before.
        change(&mut conn, viewer, disable(true)).unwrap();

        // A second admin; then either may go, but not both.
        let second = add_user(&mut conn, "tweede", "admin");
        change(&mut conn, first, role("viewer")).unwrap();
        assert_last_admin(change(&mut conn, second, disable(true)), "disabled");
        // A disabled admin does not count.
        change(&mut conn, first, role("admin")).unwrap();
        change(&mut conn, first, disable(true)).unwrap();
        assert_last_admin(change(&mut conn, second, role("viewer")), "role");
        change(&mut conn, first, disable(false)).unwrap();
        change(&mut conn, second, role("viewer")).unwrap();
    }
);

both_backends!(
    /// Two operators (or admins) who each disable one of the last two admins at the same moment:
    /// one of them is refused, whichever commits second.
    fn two_admins_disabled_at_the_same_time_leave_one(database: TestDatabase) {
        let pool = versnelling::startup::open_database(&database.settings()).unwrap();
        let mut conn = pool.get().unwrap();
        let admins = [
            add_user(&mut conn, "links", "admin"),
            add_user(&mut conn, "rechts", "admin"),
        ];
        for round in 0..5 {
            let barrier = Arc::new(Barrier::new(2));
            let handles = admins.map(|id| {
                let pool = pool.clone();
                let barrier = barrier.clone();
                std::thread::spawn(move || {
                    let mut conn = pool.get().unwrap();
                    barrier.wait();
                    change(&mut conn, id, disable(true))
                })
            });
            let results = handles.map(|handle| handle.join().unwrap());
            let refused = results.iter().filter(|r| r.is_err()).count();
            assert_eq!(refused, 1, "round {round}: {results:?}");
            for result in results {
                if result.is_err() {
                    assert_last_admin(result, "disabled");
                }
            }
            for id in admins {
                change(&mut conn, id, disable(false)).unwrap();
            }
        }
    }
);

/// The version in the admin page's disable form.
fn form_version(html: &str) -> String {
    let marker = "name=\"version\" value=\"";
    let start = html.find(marker).expect("a version field") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

app_test!(
    async fn an_admin_cannot_disable_themselves_on_the_dashboard(app: TestApp) {
        let (me, _, session) = app.web_user("admin", None).await;
        let page = format!("/beheer/gebruikers/{me}");
        let html = app.page(Some(&session), &page).await.text().await.unwrap();
        let refused = app
            .post_form(
                &session,
                &format!("{page}/status"),
                &[("disabled", "true"), ("version", &form_version(&html))],
            )
            .await;
        assert_eq!(refused.status(), 409);
        let html = refused.text().await.unwrap();
        assert!(
            html.contains(
                "<p class=\"field-error\" id=\"f-disabled-error\">u kunt uw eigen account niet uitschakelen; vraag een andere beheerder</p>"
            ),
            "the message beside the button: {html}"
        );
        assert!(
            html.contains("href=\"#f-disabled\""),
            "the summary links to it"
        );
        assert_no_english_messages(&html);
        // Nor through a role smuggled into the same form.
        let html = app.page(Some(&session), &page).await.text().await.unwrap();
        let smuggled = app
            .post_form(
                &session,
                &format!("{page}/status"),
                &[("role", "viewer"), ("version", &form_version(&html))],
            )
            .await;
        assert_eq!(smuggled.status(), 409);
        // Still an admin with a working session.
        assert_eq!(app.page(Some(&session), "/beheer").await.status(), 200);

        // Another admin may.
        let (_, _, other) = app.web_user("admin", None).await;
        let html = app.page(Some(&other), &page).await.text().await.unwrap();
        let done = app
            .post_form(
                &other,
                &format!("{page}/status"),
                &[("disabled", "true"), ("version", &form_version(&html))],
            )
            .await;
        assert_eq!(done.status(), 303);
        assert_ne!(app.page(Some(&session), "/beheer").await.status(), 200);
    }
);

app_test!(
    async fn weak_passwords_are_refused_wherever_the_api_sets_one(app: TestApp) {
        let admin = app.admin_token().await;
        let create = async |username: &str, password: &str| {
            app.send(
                Method::POST,
                "/api/v1/users",
                Some(&admin),
                Some(json!({
                    "username": username, "display_name": "Fatima el Amrani",
                    "role": "viewer", "password": password
                })),
                None,
            )
            .await
        };
        for (password, code) in [
            ("Welkom01!!", "password_common"),
            ("Voorjaar2021", "password_common"),
            ("FEYENOORD1908", "password_common"),
            ("W@chtw00rd!", "password_common"),
            ("qwerty123456", "password_common"),
            ("fatima.elamrani", "password_has_name"),
            ("abcdefghijkl", "password_pattern"),
        ] {
            let refused = create("fatima.elamrani", password).await;
            assert_eq!(refused.status(), 422, "{password}");
            let (field, found, problem) = field_error(refused).await;
            assert_eq!(
                (field.as_str(), found.as_str()),
                ("password", code),
                "{password}: {problem}"
            );
        }
        let created = create("fatima.elamrani", "vier dure woorden in de regen").await;
        assert_eq!(created.status(), 201);
        let id = created.json::<Value>().await.unwrap()["id"]
            .as_i64()
            .unwrap();

        // An admin setting someone's password.
        let password_path = format!("/api/v1/users/{id}/password");
        let set = |password: &'static str| {
            app.send(
                Method::PUT,
                &password_path,
                Some(&admin),
                Some(json!({"password": password})),
                None,
            )
        };
        let refused = set("Amsterdam2024!").await;
        assert_eq!(refused.status(), 422);
        assert_eq!(field_error(refused).await.1, "password_common");
        assert_eq!(set("de fiets staat bij de molen").await.status(), 204);

        // A user changing their own: the new password's field is named.
        let tokens = app
            .login("fatima.elamrani", "de fiets staat bij de molen")
            .await;
        let own = tokens["access_token"].as_str().unwrap().to_string();
        let change = async |new_password: &str, lang: &str| {
            app.client
                .post(app.url("/api/v1/me/password"))
                .bearer_auth(&own)
                .header("Accept-Language", lang)
                .json(&json!({
                    "current_password": "de fiets staat bij de molen",
                    "new_password": new_password
                }))
                .send()
                .await
                .unwrap()
        };
        let refused = change("zomervakantie2025", "nl").await;
        assert_eq!(refused.status(), 422);
        let (field, code, problem) = field_error(refused).await;
        assert_eq!(
            (field.as_str(), code.as_str()),
            ("new_password", "password_common")
        );
        assert!(
            problem["errors"][0]["message"]
                .as_str()
                .unwrap()
                .starts_with("dit wachtwoord is te makkelijk te raden"),
            "{problem}"
        );
        assert_eq!(
            change("een bos tulpen voor de buren", "nl").await.status(),
            204
        );
    }
);

app_test!(
    async fn the_dashboard_says_in_dutch_why_a_new_users_password_is_weak(app: TestApp) {
        let (_, _, office) = app.web_user("admin", None).await;
        let html = app
            .page(Some(&office), "/beheer")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("Minstens 10 tekens en niet makkelijk te raden"),
            "the hint says what is asked"
        );
        let refused = app
            .post_form(
                &office,
                "/beheer/gebruikers",
                &[
                    ("username", "wethouder"),
                    ("role", "viewer"),
                    ("password", "Welkom2024!"),
                ],
            )
            .await;
        assert_eq!(refused.status(), 422);
        let html = refused.text().await.unwrap();
        assert!(
            html.contains(
                "<p class=\"field-error\" id=\"f-password-error\">dit wachtwoord is te makkelijk te raden: het is een veelgebruikt wachtwoord"
            ),
            "{html}"
        );
        assert_no_english_messages(&html);
        let created = app
            .post_form(
                &office,
                "/beheer/gebruikers",
                &[
                    ("username", "wethouder"),
                    ("role", "viewer"),
                    ("password", "zeven kleine olifanten dansen"),
                ],
            )
            .await;
        assert_eq!(created.status(), 303);
    }
);
