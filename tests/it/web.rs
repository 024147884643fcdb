//! The dashboard over plain HTTP: sessions and their cookies, CSRF, security headers, the
//! login redirect, escaping, the language switch, stale forms and the policy on forms.

use reqwest::Method;

use crate::app_test;
use crate::support::{TestApp, WebSession, assert_no_english_messages, set_cookie};

/// An action of `ministry` in `area`, created by an admin: (id, version).
pub async fn action_of(app: &TestApp, admin: &str, ministry: &str, area: &str) -> (i64, i64) {
    let body = serde_json::json!({
        "title": format!("Schuldhulp {ministry} in {area}"), "area": area, "ministry": ministry,
        "theme": "debt", "planned_start": "2020-11-01", "planned_end": "2021-12-31"
    });
    let response = app
        .send(
            Method::POST,
            "/api/v1/actions",
            Some(admin),
            Some(body),
            None,
        )
        .await;
    assert_eq!(response.status(), 201);
    let action: serde_json::Value = response.json().await.unwrap();
    (
        action["id"].as_i64().unwrap(),
        action["version"].as_i64().unwrap(),
    )
}

async fn history_len(app: &TestApp, admin: &str, id: i64) -> usize {
    app.get_as(admin, &format!("/api/v1/actions/{id}/updates"), 200)
        .await["total"]
        .as_u64()
        .unwrap() as usize
}

async fn post_progress(
    app: &TestApp,
    session: &WebSession,
    id: i64,
    version: i64,
    note: &str,
) -> reqwest::Response {
    app.post_form(
        session,
        &format!("/acties/{id}/voortgang"),
        &[
            ("status", "at_risk"),
            ("percent_complete", "40"),
            ("note", note),
            ("version", &version.to_string()),
            ("next", "/ministeries/BZK"),
        ],
    )
    .await
}

app_test!(
    async fn a_ministry_user_posts_progress_and_sees_it_on_the_area_page(app: TestApp) {
        let admin = app.admin_token().await;
        let (id, version) = action_of(&app, &admin, "BZK", "rotterdam-zuid").await;
        let (_, _, session) = app.web_user("ministry", Some("BZK")).await;
        let form = app.page(Some(&session), "/ministeries/BZK").await;
        let html = form.text().await.unwrap();
        assert!(
            html.contains(&format!("action=\"/acties/{id}/voortgang\"")),
            "{html}"
        );

        let response = post_progress(&app, &session, id, version, "Wachtlijst loopt op").await;
        assert_eq!(response.status(), 303);
        let location = response.headers()["location"].to_str().unwrap();
        assert!(
            location.starts_with("/ministeries/BZK?melding=opgeslagen"),
            "{location}"
        );
        let area = app.page(Some(&session), "/gebieden/rotterdam-zuid").await;
        let html = area.text().await.unwrap();
        assert!(html.contains("Wachtlijst loopt op"));
        assert!(html.contains("<span class=\"status s-at_risk\">oranje</span>"));
        assert_eq!(history_len(&app, &admin, id).await, 1);
    }
);

app_test!(
    async fn pages_offer_their_actions_as_a_workbook_and_a_csv_for_the_readers_excel(app: TestApp) {
        let admin = app.admin_token().await;
        action_of(&app, &admin, "BZK", "rotterdam-zuid").await;
        action_of(&app, &admin, "SZW", "den-haag-zuidwest").await;
        let (_, _, session) = app.web_user("viewer", None).await;
        let html = app
            .page(Some(&session), "/ministeries/BZK")
            .await
            .text()
            .await
            .unwrap();
        let link = "/export/acties?format=csv&#38;lang=nl&#38;ministry=BZK";
        assert!(html.contains(link), "{html}");
        let response = app.page(Some(&session), &link.replace("&#38;", "&")).await;
        assert_eq!(response.status(), 200);
        let body = response.bytes().await.unwrap();
        let text = std::str::from_utf8(&body).unwrap();
        assert!(
            text.starts_with("\u{feff}ID;Titel;Omschrijving;Gebied;"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 2, "the ministry's one action: {text}");
        assert!(text.contains(";Schuldenproblematiek;debt;"), "{text}");
        // The area page offers its own actions; the English file is comma-separated.
        let html = app
            .page(Some(&session), "/gebieden/den-haag-zuidwest")
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("/export/acties?format=xlsx&#38;lang=nl&#38;area=den-haag-zuidwest"));
        let english = app
            .page(Some(&session), "/export/acties?format=csv&lang=en")
            .await
            .text()
            .await
            .unwrap();
        assert!(english.starts_with("\u{feff}ID,Title,"), "{english}");
        // Without a session the file is not given.
        let anonymous = app.page(None, "/export/acties?format=csv&lang=nl").await;
        assert_ne!(anonymous.status(), 200);
        assert!(!anonymous.text().await.unwrap().contains("Titel;"));
    }
);

app_test!(
    async fn a_municipality_sees_no_form_for_a_ministrys_action_and_is_refused_when_posting(
        app: TestApp,
    ) {
        let admin = app.admin_token().await;
        let (id, version) = action_of(&app, &admin, "BZK", "rotterdam-zuid").await;
        let (_, _, session) = app.web_user("municipality", Some("rotterdam")).await;
        let page = app.page(Some(&session), &format!("/acties/{id}")).await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(
            !html.contains("/voortgang\""),
            "a form it may not submit: {html}"
        );
        let ministry = app.page(Some(&session), "/ministeries/BZK").await;
        assert!(!ministry.text().await.unwrap().contains("/voortgang\""));

        let response = post_progress(&app, &session, id, version, "niet van mij").await;
        assert_eq!(response.status(), 403);
        assert!(response.text().await.unwrap().contains("Geen toegang"));
        assert_eq!(history_len(&app, &admin, id).await, 0);

        // Another ministry's user gets past the role check and is refused on the object.
        let (_, _, other) = app.web_user("ministry", Some("SZW")).await;
        let response = post_progress(&app, &other, id, version, "niet van ons").await;
        assert_eq!(response.status(), 403);
        assert_eq!(history_len(&app, &admin, id).await, 0);
    }
);

app_test!(
    async fn a_post_without_the_right_csrf_token_is_refused_and_changes_nothing(app: TestApp) {
        let admin = app.admin_token().await;
        let (id, version) = action_of(&app, &admin, "BZK", "rotterdam-zuid").await;
        let (_, _, session) = app.web_user("ministry", Some("BZK")).await;
        let fields = [
            ("status", "on_track"),
            ("percent_complete", "10"),
            ("version", &version.to_string()),
        ];
        let path = format!("/acties/{id}/voortgang");
        let missing = app
            .client
            .post(app.url(&path))
            .header("Cookie", &session.cookie)
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(missing.status(), 403);
        let wrong = WebSession {
            cookie: session.cookie.clone(),
            csrf: "0".repeat(64),
        };
        assert_eq!(app.post_form(&wrong, &path, &fields).await.status(), 403);
        // The right token from another site's page is refused too.
        let mut all = vec![("csrf", session.csrf.as_str())];
        all.extend_from_slice(&fields);
        let cross = app
            .client
            .post(app.url(&path))
            .header("Cookie", &session.cookie)
            .header("Origin", "https://elders.example")
            .form(&all)
            .send()
            .await
            .unwrap();
        assert_eq!(cross.status(), 403);
        assert_eq!(history_len(&app, &admin, id).await, 0);
        // With the token it goes through.
        assert_eq!(app.post_form(&session, &path, &fields).await.status(), 303);
        assert_eq!(history_len(&app, &admin, id).await, 1);
    }
);

app_test!(
    async fn the_session_cookie_is_http_only_and_strict(app: TestApp) {
        app.create_user("koekje", "viewer", None, crate::support::WEB_PASSWORD);
        let login = app.page(None, "/inloggen").await;
        let visitor = set_cookie(&login, "vm_csrf").unwrap();
        let csrf = crate::support::csrf_of(&login.text().await.unwrap());
        let response = app
            .client
            .post(app.url("/inloggen"))
            .header("Cookie", visitor.split(';').next().unwrap())
            .form(&[
                ("csrf", csrf.as_str()),
                ("username", "koekje"),
                ("password", crate::support::WEB_PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
        let cookie = set_cookie(&response, "vm_session").unwrap();
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Strict"), "{cookie}");
        assert!(cookie.contains("Path=/"), "{cookie}");
        assert!(
            !cookie.contains("Secure"),
            "plain http by default: {cookie}"
        );
        assert!(visitor.contains("HttpOnly") && visitor.contains("SameSite=Strict"));
        // A wrong password opens no session.
        let wrong = app
            .client
            .post(app.url("/inloggen"))
            .header("Cookie", visitor.split(';').next().unwrap())
            .form(&[
                ("csrf", csrf.as_str()),
                ("username", "koekje"),
                ("password", "fout"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 401);
        assert!(set_cookie(&wrong, "vm_session").is_none());
    }
);

mod secure_cookies {
    use super::*;

    #[actix_web::test]
    async fn with_secure_cookies_the_session_cookie_is_host_prefixed_and_secure() {
        let app = TestApp::spawn_with(
            crate::support::Backend::Sqlite,
            &[("web.secure_cookies", "true")],
        )
        .await
        .unwrap();
        app.create_user("veilig", "viewer", None, crate::support::WEB_PASSWORD);
        let login = app.page(None, "/inloggen").await;
        let visitor = set_cookie(&login, "__Host-vm_csrf").unwrap();
        assert!(visitor.contains("Secure"), "{visitor}");
        let csrf = crate::support::csrf_of(&login.text().await.unwrap());
        let response = app
            .client
            .post(app.url("/inloggen"))
            .header("Cookie", visitor.split(';').next().unwrap())
            .form(&[
                ("csrf", csrf.as_str()),
                ("username", "veilig"),
                ("password", crate::support::WEB_PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
        let cookie = set_cookie(&response, "__Host-vm_session").unwrap();
        assert!(
            cookie.contains("Secure") && cookie.contains("Path=/"),
            "{cookie}"
        );
        assert!(!cookie.contains("Domain"), "{cookie}");
    }
}

app_test!(
    async fn pages_carry_a_strict_csp_and_no_inline_script_or_style(app: TestApp) {
        let admin = app.admin_token().await;
        let (id, _) = action_of(&app, &admin, "BZK", "rotterdam-zuid").await;
        let (_, _, session) = app.web_user("admin", None).await;
        for path in [
            "/inloggen".to_string(),
            "/".into(),
            "/gebieden/rotterdam-zuid".into(),
            "/ministeries/BZK".into(),
            format!("/acties/{id}"),
            "/raadplegingen".into(),
            "/beheer".into(),
            "/beheer/perioden".into(),
            "/beheer/gebieden".into(),
            "/gebieden/bestaat-niet".into(),
        ] {
            // The login page sends a logged-in user on: look at it without a session.
            let who = Some(&session).filter(|_| path != "/inloggen");
            let response = app.page(who, &path).await;
            let headers = response.headers().clone();
            let csp = headers["content-security-policy"].to_str().unwrap();
            assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
            assert!(csp.contains("style-src 'self'"), "{path}: {csp}");
            assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
            assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
            assert_eq!(headers["x-content-type-options"], "nosniff");
            assert_eq!(headers["x-frame-options"], "DENY");
            assert_eq!(headers["cache-control"], "no-store");
            let html = response.text().await.unwrap();
            assert!(!html.contains("<script>"), "{path}: inline script");
            assert!(!html.contains("style="), "{path}: a style attribute");
            assert!(!html.contains("<style"), "{path}: a style element");
            assert!(html.contains("<html lang=\"nl\">"), "{path}");
        }
        // The stylesheet is served under its content hash and kept for a year.
        let html = app.page(Some(&session), "/").await.text().await.unwrap();
        let css = html
            .split("href=\"")
            .find_map(|part| part.split('"').next().filter(|h| h.ends_with(".css")))
            .unwrap()
            .to_string();
        let response = app.get(&css).await;
        assert_eq!(response.status(), 200);
        assert!(
            response.headers()["cache-control"]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
        assert_eq!(app.get("/static/app.0000.css").await.status(), 404);
    }
);

app_test!(
    async fn a_visitor_without_a_session_is_sent_to_the_login_page(app: TestApp) {
        let response = app.page(None, "/gebieden/rotterdam-zuid").await;
        assert_eq!(response.status(), 303);
        assert_eq!(
            response.headers()["location"],
            "/inloggen?next=%2Fgebieden%2Frotterdam-zuid"
        );
        // A forged session cookie is no session.
        let forged = WebSession {
            cookie: format!("vm_session={}", "a".repeat(64)),
            csrf: String::new(),
        };
        assert_eq!(app.page(Some(&forged), "/").await.status(), 303);
        // The login page returns there afterwards, but never to another site.
        let login = app
            .page(None, "/inloggen?next=%2Fgebieden%2Frotterdam-zuid")
            .await
            .text()
            .await
            .unwrap();
        assert!(login.contains("value=\"/gebieden/rotterdam-zuid\""));
        let login = app
            .page(None, "/inloggen?next=%2F%2Felders.example")
            .await
            .text()
            .await
            .unwrap();
        assert!(login.contains("name=\"next\" value=\"/\">"), "{login}");
        assert!(!login.contains("value=\"//elders.example"));
    }
);

app_test!(
    async fn user_text_is_shown_as_text_never_as_markup(app: TestApp) {
        let admin = app.admin_token().await;
        let (id, version) = action_of(&app, &admin, "BZK", "rotterdam-zuid").await;
        let (_, _, session) = app.web_user("ministry", Some("BZK")).await;
        let note = "<script>alert('x')</script> & <b>vet</b>";
        let response = post_progress(&app, &session, id, version, note).await;
        assert_eq!(response.status(), 303);
        for path in [
            format!("/acties/{id}"),
            "/gebieden/rotterdam-zuid".into(),
            "/".into(),
        ] {
            let html = app.page(Some(&session), &path).await.text().await.unwrap();
            assert!(!html.contains("<script>alert"), "{path}");
            assert!(!html.contains("<b>vet</b>"), "{path}");
            assert!(
                html.contains("&#60;script&#62;alert(&#39;x&#39;)"),
                "{path}"
            );
        }
    }
);

app_test!(
    async fn pages_are_dutch_by_default_and_english_on_request(app: TestApp) {
        let (_, _, session) = app.web_user("viewer", None).await;
        let dutch = app.page(Some(&session), "/").await.text().await.unwrap();
        assert!(dutch.contains("<html lang=\"nl\">"));
        assert!(dutch.contains("Overzicht versnellingsacties"));

        let browser_english = app
            .client
            .get(app.url("/"))
            .header("Cookie", &session.cookie)
            .header("Accept-Language", "en-GB,en;q=0.9,nl;q=0.5")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(browser_english.contains("<html lang=\"en\">"));
        assert!(browser_english.contains("Overview of the acceleration actions"));

        let switch = app
            .post_form(
                &session,
                "/taal",
                &[("lang", "en"), ("next", "/raadplegingen")],
            )
            .await;
        assert_eq!(switch.status(), 303);
        assert_eq!(switch.headers()["location"], "/raadplegingen");
        let lang = set_cookie(&switch, "vm_lang").unwrap();
        assert!(lang.starts_with("vm_lang=en"), "{lang}");
        let cookies = format!("{}; {}", session.cookie, lang.split(';').next().unwrap());
        let english = app
            .client
            .get(app.url("/raadplegingen"))
            .header("Cookie", cookies)
            .header("Accept-Language", "nl")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(english.contains("<html lang=\"en\">"));
        assert!(english.contains("<h1>Consultations</h1>"));
        assert!(english.contains(">Nederlands</button>"));
    }
);

app_test!(
    async fn a_stale_form_says_someone_else_changed_it_and_saves_nothing(app: TestApp) {
        let admin = app.admin_token().await;
        let (id, version) = action_of(&app, &admin, "BZK", "rotterdam-zuid").await;
        let (_, _, session) = app.web_user("ministry", Some("BZK")).await;
        assert_eq!(
            post_progress(&app, &session, id, version, "eerste")
                .await
                .status(),
            303
        );
        // A second form made from the same (now old) version.
        let response = post_progress(&app, &session, id, version, "mijn tekst").await;
        assert_eq!(response.status(), 409);
        let html = response.text().await.unwrap();
        assert!(
            html.contains("Iemand anders heeft dit intussen gewijzigd"),
            "{html}"
        );
        assert!(html.contains(">mijn tekst</textarea>"), "the input is kept");
        assert_eq!(history_len(&app, &admin, id).await, 1);
    }
);

app_test!(
    async fn a_bad_form_shows_the_field_errors_next_to_the_fields(app: TestApp) {
        let admin = app.admin_token().await;
        let (id, version) = action_of(&app, &admin, "BZK", "rotterdam-zuid").await;
        let (_, _, session) = app.web_user("ministry", Some("BZK")).await;
        let response = post_progress(&app, &session, id, version, "").await;
        assert_eq!(response.status(), 422);
        let html = response.text().await.unwrap();
        assert!(html.contains("id=\"error-summary\""));
        assert!(html.contains("href=\"#f-note\""));
        assert!(html.contains("id=\"f-note-error\""));
        assert!(html.contains("aria-describedby=\"f-note-hint f-note-error\""));
        assert!(html.contains("licht een oranje, rode of gestopte status toe"));
        assert_eq!(history_len(&app, &admin, id).await, 0);
    }
);

app_test!(
    async fn logging_out_or_being_disabled_ends_the_session(app: TestApp) {
        let admin = app.admin_token().await;
        let (id, username, session) = app.web_user("viewer", None).await;
        let (_, _, other) = app.web_user("viewer", None).await;
        assert_eq!(app.page(Some(&session), "/").await.status(), 200);
        let out = app.post_form(&session, "/uitloggen", &[]).await;
        assert_eq!(out.status(), 303);
        assert_eq!(app.page(Some(&session), "/").await.status(), 303);

        let session = app.web_login(&username, crate::support::WEB_PASSWORD).await;
        let user = app
            .send(
                Method::GET,
                &format!("/api/v1/users/{id}"),
                Some(&admin),
                None,
                None,
            )
            .await;
        let etag = user.headers()["etag"].to_str().unwrap().to_string();
        let disabled = app
            .send(
                Method::PATCH,
                &format!("/api/v1/users/{id}"),
                Some(&admin),
                Some(serde_json::json!({"disabled": true})),
                Some(&etag),
            )
            .await;
        assert_eq!(disabled.status(), 200);
        assert_eq!(app.page(Some(&session), "/").await.status(), 303);
        assert_eq!(app.page(Some(&other), "/").await.status(), 200);
    }
);

app_test!(
    async fn refused_forms_speak_dutch_beside_their_fields_on_every_page(app: TestApp) {
        let admin = app.admin_token().await;
        let (id, version) = action_of(&app, &admin, "BZK", "rotterdam-zuid").await;
        let (_, _, ministry) = app.web_user("ministry", Some("BZK")).await;
        let (_, _, office) = app.web_user("admin", None).await;
        let refused = [
            // No note with an oranje status; a percentage out of range.
            post_progress(&app, &ministry, id, version, "").await,
            app.post_form(
                &ministry,
                &format!("/acties/{id}/voortgang"),
                &[
                    ("status", "on_track"),
                    ("percent_complete", "140"),
                    ("version", &version.to_string()),
                ],
            )
            .await,
            // A user with a short password, no ministry and a bad name.
            app.post_form(
                &office,
                "/beheer/gebruikers",
                &[
                    ("username", "x y"),
                    ("role", "ministry"),
                    ("password", "kort"),
                ],
            )
            .await,
            // A period whose start lies after its cut-off, and a bad code.
            app.post_form(
                &office,
                "/beheer/perioden",
                &[
                    ("name", "Najaar"),
                    ("code", "Najaar 2021"),
                    ("starts_on", "2021-12-01"),
                    ("cut_off", "2021-10-31"),
                ],
            )
            .await,
            // An area off the globe in an unknown municipality.
            app.post_form(
                &office,
                "/beheer/gebieden",
                &[
                    ("name", "Nergens"),
                    ("code", "nergens"),
                    ("municipality", "atlantis"),
                    ("latitude", "91"),
                    ("longitude", "4.5"),
                ],
            )
            .await,
        ];
        let mut pages = Vec::new();
        for response in refused {
            assert_eq!(response.status(), 422, "{}", response.url());
            let html = response.text().await.unwrap();
            assert!(html.contains("id=\"error-summary\""), "{html}");
            assert_no_english_messages(&html);
            pages.push(html);
        }
        let all = pages.join("\n");
        for dutch in [
            "licht een oranje, rode of gestopte status toe",
            "moet tussen 0 en 100 liggen",
            "het wachtwoord moet minstens 10 tekens lang zijn",
            "mag niet na de peildatum liggen",
            "moet tussen -90 en 90 liggen",
        ] {
            assert!(all.contains(dutch), "missing {dutch:?}");
        }
        assert_eq!(history_len(&app, &admin, id).await, 0);
    }
);

app_test!(
    async fn the_api_answers_problems_with_codes_in_the_callers_language(app: TestApp) {
        let admin = app.admin_token().await;
        let english = app
            .send(
                reqwest::Method::GET,
                "/api/v1/areas/atlantis",
                Some(&admin),
                None,
                None,
            )
            .await;
        assert_eq!(english.status(), 404);
        assert_eq!(english.headers()["content-language"], "en");
        let problem: serde_json::Value = english.json().await.unwrap();
        assert_eq!(problem["code"], "not_found");
        assert_eq!(problem["params"]["kind"], "area");
        assert_eq!(problem["detail"], "area `atlantis` not found");

        let in_dutch = async |path: &str| -> serde_json::Value {
            let response = app
                .client
                .get(app.url(path))
                .bearer_auth(&admin)
                .header("Accept-Language", "nl-NL,nl;q=0.9,en;q=0.5")
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 422);
            assert_eq!(response.headers()["content-language"], "nl");
            response.json().await.unwrap()
        };
        let problem = in_dutch("/api/v1/actions?limit=0").await;
        assert_eq!(problem["title"], "Ongeldige invoer");
        assert_eq!(problem["errors"][0]["field"], "limit");
        assert_eq!(problem["errors"][0]["code"], "between");
        assert_eq!(problem["errors"][0]["params"]["max"], 500);
        assert_eq!(problem["detail"], "limit: moet tussen 1 en 500 liggen");
        let problem = in_dutch("/api/v1/actions?status=paars").await;
        assert_eq!(problem["errors"][0]["code"], "one_of");
        assert_eq!(problem["errors"][0]["params"]["value"], "paars");
        assert_eq!(problem["errors"][0]["params"]["valid"][1], "on_track");
        assert!(
            problem["errors"][0]["message"]
                .as_str()
                .unwrap()
                .starts_with("`paars` is geen geldige waarde; kies uit: not_started (niet gestart), on_track (groen)"),
            "{problem}"
        );
        // Unauthenticated, in Dutch too: the guard answers in the caller's language.
        let anonymous = app
            .client
            .get(app.url("/api/v1/actions"))
            .header("Accept-Language", "nl")
            .send()
            .await
            .unwrap();
        assert_eq!(anonymous.status(), 401);
        let problem: serde_json::Value = anonymous.json().await.unwrap();
        assert_eq!(problem["code"], "login_required");
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .starts_with("log eerst in")
        );
    }
);

/// The title of the action of [`renamed`] before and after its rename.
const OLD_TITLE: &str = "Schuldhulp BZK in rotterdam-zuid";
const NEW_TITLE: &str = "Schuldhulp Zuid, vernieuwd";

/// A BZK user's session, and their action renamed after March 2021.
struct Renamed {
    id: i64,
    session: WebSession,
    username: String,
}

/// [`action_renamed_after_march_2021`] by a new BZK user, to [`NEW_TITLE`].
async fn renamed(app: &TestApp, admin: &str) -> Renamed {
    let (user_id, username, session) = app.web_user("ministry", Some("BZK")).await;
    let id = action_renamed_after_march_2021(app, admin, (user_id, &username), NEW_TITLE).await;
    Renamed {
        id,
        session,
        username,
    }
}

/// "Stand per": an action of BZK in rotterdam-zuid made on 1 March 2021 with a progress update
/// of 15 March 2021 (moved back in the database, as a history that old cannot be written now),
/// then renamed today through the service by `user` (id, name). Its id.
async fn action_renamed_after_march_2021(
    app: &TestApp,
    admin: &str,
    user: (i64, &str),
    new_title: &str,
) -> i64 {
    use diesel::prelude::*;
    use versnelling::db::schema::{actions, baselines, progress_updates, versions};
    use versnelling::domain::ActionId;
    use versnelling::service::actions::ActionChange;

    let (id, _) = action_of(app, admin, "BZK", "rotterdam-zuid").await;
    let update = serde_json::json!({"status": "on_track", "percent_complete": 10, "note": "Gestart in maart"});
    let response = app
        .send(
            Method::POST,
            &format!("/api/v1/actions/{id}/updates"),
            Some(admin),
            Some(update),
            None,
        )
        .await;
    assert_eq!(response.status(), 201);

    let at = |text: &str| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap();
    let (created, updated) = (at("2021-03-01 09:00:00"), at("2021-03-15 10:00:00"));
    let mut conn = app.connect();
    diesel::update(actions::table.find(id))
        .set((
            actions::created_at.eq(created),
            actions::last_update_at.eq(Some(updated)),
        ))
        .execute(&mut conn)
        .unwrap();
    diesel::update(baselines::table.filter(baselines::action_id.eq(id)))
        .set(baselines::recorded_at.eq(created))
        .execute(&mut conn)
        .unwrap();
    diesel::update(
        versions::table
            .filter(versions::entity_type.eq("action"))
            .filter(versions::entity_key.eq(id.to_string())),
    )
    .set(versions::recorded_at.eq(created))
    .execute(&mut conn)
    .unwrap();
    diesel::update(progress_updates::table.filter(progress_updates::action_id.eq(id)))
        .set(progress_updates::recorded_at.eq(updated))
        .execute(&mut conn)
        .unwrap();

    let action_id = ActionId::from(id);
    let version = versnelling::service::actions::get(&mut conn, action_id, None)
        .unwrap()
        .version;
    let actor = versnelling::auth::Actor {
        user_id: Some(user.0),
        name: user.1.to_string(),
        request_id: None,
    };
    let change = ActionChange {
        title: Some(new_title.to_string()),
        ..Default::default()
    };
    versnelling::service::actions::update(&mut conn, &actor, action_id, version, &change, &|_| {
        Ok(())
    })
    .unwrap();
    id
}

/// The text of an `<h1>`.
fn heading(html: &str) -> &str {
    html.split("<h1>")
        .nth(1)
        .and_then(|rest| rest.split("</h1>").next())
        .unwrap_or_default()
}

app_test!(
    async fn pages_as_of_a_day_before_a_rename_show_the_old_title_and_no_forms(app: TestApp) {
        let admin = app.admin_token().await;
        let Renamed { id, session, .. } = renamed(&app, &admin).await;
        let (old, new) = (OLD_TITLE, NEW_TITLE);

        // Now: the new title, and the forms.
        let response = app.page(Some(&session), &format!("/acties/{id}")).await;
        assert_eq!(response.status(), 200);
        let html = response.text().await.unwrap();
        assert_eq!(heading(&html), new);
        assert!(html.contains(&format!("action=\"/acties/{id}/voortgang\"")));
        assert!(!html.contains("class=\"notice as-of-notice\""));
        let overview = app.page(Some(&session), "/").await;
        assert_eq!(overview.status(), 200);
        let html = overview.text().await.unwrap();
        assert!(html.contains(new), "{html}");
        assert!(!html.contains(old));

        // As of 31 March 2021: the old title, the notice, no forms, charts of that day.
        let response = app
            .page(Some(&session), &format!("/acties/{id}?as_of=2021-03-31"))
            .await;
        assert_eq!(response.status(), 200);
        let html = response.text().await.unwrap();
        assert_eq!(heading(&html), old);
        assert!(!html.contains(new), "{html}");
        assert!(html.contains(
            "U ziet de stand van 31 maart 2021 (einde van de dag). Formulieren om te wijzigen \
             staan alleen bij de stand van vandaag."
        ));
        assert!(html.contains("name=\"as_of\" type=\"date\" value=\"2021-03-31\""));
        assert!(html.contains(&format!("<a href=\"/acties/{id}\">Vandaag</a>")));
        assert!(
            !html.contains("/voortgang\""),
            "a form on a page of the past"
        );
        assert!(!html.contains("method=\"post\" action=\"/mijlpalen"));
        let overview = app.page(Some(&session), "/?as_of=2021-03-31").await;
        assert_eq!(overview.status(), 200);
        let html = overview.text().await.unwrap();
        assert!(html.contains(old), "{html}");
        assert!(!html.contains(new));
        assert!(html.contains("Gestart in maart"));
        assert!(
            html.contains(
                "src=\"/grafieken/map.svg?as_of=2021-03-31&#38;width=800&#38;height=520\""
            )
        );
        let chart = app
            .page(Some(&session), "/grafieken/map.svg?as_of=2021-03-31")
            .await;
        assert_eq!(chart.status(), 200);
        let ministry = app
            .page(Some(&session), "/ministeries/BZK?as_of=2021-03-31")
            .await;
        assert_eq!(ministry.status(), 200);
        let html = ministry.text().await.unwrap();
        assert!(html.contains(old));
        assert!(!html.contains("/voortgang\""));
        assert!(!html.contains("/afronding\""));
        assert!(
            html.contains("src=\"/grafieken/areas-status.svg?ministry=BZK&#38;as_of=2021-03-31&#38;width=800&#38;height=520\"")
        );

        // Before the action existed it is not found; a later day is now.
        let before = app
            .page(Some(&session), &format!("/acties/{id}?as_of=2021-02-15"))
            .await;
        assert_eq!(before.status(), 404);
        assert!(before.text().await.unwrap().contains("Niet gevonden"));
        let later = app
            .page(Some(&session), &format!("/acties/{id}?as_of=2999-01-01"))
            .await;
        assert_eq!(later.status(), 200);
        let html = later.text().await.unwrap();
        assert_eq!(heading(&html), new);
        assert!(html.contains("/voortgang\""));
    }
);

app_test!(
    async fn a_bad_as_of_date_is_refused_beside_the_field_in_dutch(app: TestApp) {
        let admin = app.admin_token().await;
        let (id, _) = action_of(&app, &admin, "BZK", "rotterdam-zuid").await;
        let (_, _, session) = app.web_user("viewer", None).await;
        for path in [
            "/?as_of=2021-02-30".to_string(),
            "/gebieden/rotterdam-zuid?as_of=2021-02-30".into(),
            "/ministeries/BZK?as_of=2021-02-30".into(),
            format!("/acties/{id}?as_of=2021-02-30"),
        ] {
            let response = app.page(Some(&session), &path).await;
            assert_eq!(response.status(), 422, "{path}");
            let html = response.text().await.unwrap();
            assert!(
                html.contains("aria-invalid=\"true\" aria-describedby=\"as-of-error\""),
                "{path}: {html}"
            );
            assert!(
                html.contains(
                    "<p class=\"field-error\" id=\"as-of-error\">vul een datum (2021-03-31) of \
                     een datum met tijd (2021-03-31T18:00:00Z) in</p>"
                ),
                "{path}: {html}"
            );
            assert!(!html.contains("as-of-notice"), "{path}");
            assert_no_english_messages(&html);
        }
        // The same in English on an English page.
        let english = app
            .client
            .get(app.url("/?as_of=2021-02-30"))
            .header("Cookie", &session.cookie)
            .header("Accept-Language", "en")
            .send()
            .await
            .unwrap();
        assert_eq!(english.status(), 422);
        let html = english.text().await.unwrap();
        assert!(
            html.contains("<label for=\"as-of\">As of</label>"),
            "{html}"
        );
        assert!(!html.contains("vul een datum"), "{html}");
    }
);

app_test!(
    async fn the_action_page_shows_the_rename_in_its_field_history(app: TestApp) {
        let admin = app.admin_token().await;
        let Renamed {
            id,
            session,
            username,
        } = renamed(&app, &admin).await;
        let (old, new) = (OLD_TITLE, NEW_TITLE);

        let response = app.page(Some(&session), &format!("/acties/{id}")).await;
        assert_eq!(response.status(), 200);
        let html = response.text().await.unwrap();
        assert!(html.contains("<h2 id=\"fields-h\">Geschiedenis van de velden</h2>"));
        let (head, rows) = field_history(&html);
        assert_eq!(head, ["Wanneer", "Veld", "Van", "Naar", "Reden", "Door"]);
        let titles: Vec<&Vec<String>> = rows.iter().filter(|r| r[1] == "Titel").collect();
        // Newest first: the rename, then the title the action was made with (1 March 2021,
        // 09:00 UTC: 10:00 in Amsterdam).
        assert_eq!(titles.len(), 2, "{rows:?}");
        assert_eq!(
            titles[0][1..],
            [
                "Titel".to_string(),
                old.into(),
                new.into(),
                "—".into(),
                username.clone()
            ]
        );
        assert_eq!(
            titles[1][..4],
            [
                "1 maart 2021, 10:00".to_string(),
                "Titel".into(),
                "—".into(),
                old.into()
            ]
        );

        // As of a day before the rename only what was recorded then.
        let then = app
            .page(Some(&session), &format!("/acties/{id}?as_of=2021-03-31"))
            .await;
        assert_eq!(then.status(), 200);
        let (_, rows) = field_history(&then.text().await.unwrap());
        let titles: Vec<&Vec<String>> = rows.iter().filter(|r| r[1] == "Titel").collect();
        assert_eq!(titles.len(), 1, "{rows:?}");
        assert_eq!(titles[0][3], old);
        assert!(
            rows.iter().all(|r| r[0] == "1 maart 2021, 10:00"),
            "{rows:?}"
        );
    }
);

/// The field history table of an action page: its column headers and the text of each row's
/// cells.
fn field_history(html: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let section = html
        .split("<section aria-labelledby=\"fields-h\">")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .expect("the field history section");
    // The text of each cell of a row, tags (`<time>`) left out.
    let cells = |row: &str| -> Vec<String> {
        row.replace("</th>", "</td>")
            .split("</td>")
            .filter(|cell| cell.contains("<td") || cell.contains("<th"))
            .map(|cell| {
                let mut text = String::new();
                let mut in_tag = false;
                for c in cell.chars() {
                    match c {
                        '<' => in_tag = true,
                        '>' => in_tag = false,
                        c if !in_tag => text.push(c),
                        _ => {}
                    }
                }
                text.trim().to_string()
            })
            .collect()
    };
    let head = section
        .split("<thead")
        .nth(1)
        .and_then(|rest| rest.split_once('>'))
        .and_then(|(_, rest)| rest.split("</thead>").next())
        .map(cells)
        .unwrap_or_default();
    let rows = section
        .split("<tbody")
        .nth(1)
        .and_then(|rest| rest.split_once('>'))
        .and_then(|(_, rest)| rest.split("</tbody>").next())
        .unwrap_or_default()
        .split("</tr>")
        .map(cells)
        .filter(|row| !row.is_empty())
        .collect();
    (head, rows)
}
