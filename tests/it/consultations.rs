//! Consultations such as the VNG call: the deadline to the microsecond on a daylight-saving
//! day, the maximum per municipality, drafts that other municipalities cannot see, late
//! acceptance, re-ranking, and the overview and note grouped by target group and aspect.

use chrono::NaiveDateTime;
use reqwest::Method;
use serde_json::{Value, json};
use versnelling::domain::Role;
use versnelling::error::Error;
use versnelling::service::audit::Actor;
use versnelling::service::consultations::{self, ConsultationInput, Kind, Stage, SubmissionInput};

use crate::app_test;
use crate::support::TestApp;

fn consultation_body(code: &str, deadline: &str, municipalities: &[&str]) -> Value {
    json!({
        "code": code, "title": "Top 5 best practices", "question": "Welke top 5?", "deadline": deadline,
        "target_groups": ["youth", "families"], "aspects": ["protection", "collaboration"],
        "municipalities": municipalities, "contact_name": "VNG", "contact_email": "werkgroep@vng.example"
    })
}

async fn create_consultation(app: &TestApp, admin: &str, body: Value) -> Value {
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
    response.json().await.expect("a JSON body")
}

fn practice(title: &str, target_groups: &[&str], aspects: &[&str]) -> Value {
    json!({
        "title": title, "description": "Zo doen we het.", "target_groups": target_groups, "aspects": aspects,
        "kind": "existing_practice", "stage": "under_way", "lobby_needed": true, "lobby_note": "Structureel geld",
        "contact": "Wethouder"
    })
}

fn submissions_path(code: &str, municipality: &str) -> String {
    format!("/api/v1/consultations/{code}/municipalities/{municipality}/submissions")
}

async fn submit(
    app: &TestApp,
    token: &str,
    code: &str,
    municipality: &str,
    body: Value,
) -> reqwest::Response {
    app.send(
        Method::POST,
        &submissions_path(code, municipality),
        Some(token),
        Some(body),
        None,
    )
    .await
}

async fn submitted(
    app: &TestApp,
    token: &str,
    code: &str,
    municipality: &str,
    body: Value,
) -> Value {
    let response = submit(app, token, code, municipality, body).await;
    assert_eq!(response.status(), 201);
    response.json().await.expect("a JSON body")
}

async fn problem(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status().as_u16(), status);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    response.json().await.expect("a JSON body")
}

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").expect("a date-time")
}

app_test!(
    async fn the_deadline_on_a_daylight_saving_day_closes_at_18_00_00_local_exactly(app: TestApp) {
        let mut conn = app.connect();
        let actor = Actor::system("test");
        // 28 March 2021: the clocks went forward at 02:00, so 18:00 is CEST, 16:00 UTC.
        let input = ConsultationInput {
            code: "zomertijd".into(),
            title: "Uitvraag op de dag van de zomertijd".into(),
            question: String::new(),
            deadline: "2021-03-28T18:00:00".into(),
            max_submissions: None,
            target_groups: vec!["youth".into()],
            aspects: vec!["protection".into()],
            municipalities: vec!["rotterdam".into()],
            contact_name: String::new(),
            contact_email: String::new(),
        };
        let created =
            consultations::create(&mut conn, &actor, &input, at("2021-03-01T00:00:00")).unwrap();
        assert_eq!(created.deadline.local, "2021-03-28T18:00:00+02:00");
        assert_eq!(created.deadline.utc, "2021-03-28T16:00:00Z");
        assert_eq!(created.max_submissions, 5);
        let practice = |title: &str| SubmissionInput {
            title: title.into(),
            description: String::new(),
            target_groups: vec!["youth".into()],
            aspects: vec!["protection".into()],
            kind: Kind::NewCourse,
            stage: Stage::ShortTerm,
            lobby_needed: false,
            lobby_note: String::new(),
            contact: String::new(),
        };
        let anyone = |_: versnelling::auth::policy::Owner| -> Result<(), Error> { Ok(()) };
        let just_before = at("2021-03-28T15:59:59.999");
        let accepted = consultations::create_submission(
            &mut conn,
            &actor,
            "zomertijd",
            "rotterdam",
            &practice("Net op tijd"),
            Role::Municipality,
            &anyone,
            just_before,
        )
        .unwrap();
        assert!(!accepted.late);
        assert_eq!(accepted.rank, 1);
        let last_microsecond = at("2021-03-28T15:59:59.999999");
        consultations::create_submission(
            &mut conn,
            &actor,
            "zomertijd",
            "rotterdam",
            &practice("Op de valreep"),
            Role::Municipality,
            &anyone,
            last_microsecond,
        )
        .unwrap();
        let refused = consultations::create_submission(
            &mut conn,
            &actor,
            "zomertijd",
            "rotterdam",
            &practice("Te laat"),
            Role::Municipality,
            &anyone,
            at("2021-03-28T16:00:00"),
        )
        .unwrap_err();
        let Error::Conflict { message, .. } = refused else {
            panic!("expected 409, got {refused:?}")
        };
        assert!(
            message
                .to_string()
                .contains("2021-03-28 18:00:00 Europe/Amsterdam"),
            "{message}"
        );
        // An hour earlier by the winter clock would still be open: the offset is the summer one.
        assert!(
            consultations::get(&mut conn, "zomertijd", at("2021-03-28T16:59:59"))
                .map(|c| !c.open)
                .unwrap()
        );
        assert!(
            consultations::get(&mut conn, "zomertijd", at("2021-03-28T15:59:59"))
                .map(|c| c.open)
                .unwrap()
        );
    }
);

app_test!(
    async fn a_deadline_the_clocks_skip_or_pass_twice_is_refused_by_name(app: TestApp) {
        let admin = app.admin_token().await;
        for (deadline, says) in [
            ("2021-03-28T02:30:00", "does not exist"),
            ("2020-10-25T02:30:00", "+02:00 or +01:00"),
            ("6 mei 18:00", "like"),
        ] {
            let body = consultation_body("klok", deadline, &["rotterdam"]);
            let response = app
                .send(
                    Method::POST,
                    "/api/v1/consultations",
                    Some(&admin),
                    Some(body),
                    None,
                )
                .await;
            let problem = problem(response, 422).await;
            assert_eq!(problem["errors"][0]["field"], "deadline", "{deadline}");
            assert!(
                problem["errors"][0]["message"]
                    .as_str()
                    .unwrap()
                    .contains(says),
                "{problem}"
            );
        }
        // With the offset the autumn hour is clear.
        let created = create_consultation(
            &app,
            &admin,
            consultation_body("klok", "2020-10-25T02:30:00+01:00", &["rotterdam"]),
        )
        .await;
        assert_eq!(created["deadline"]["utc"], "2020-10-25T01:30:00Z");
        assert_eq!(created["deadline"]["local"], "2020-10-25T02:30:00+01:00");
    }
);

app_test!(
    async fn a_municipality_submits_before_the_deadline_and_gets_409_naming_it_after(app: TestApp) {
        let admin = app.admin_token().await;
        create_consultation(
            &app,
            &admin,
            consultation_body("open", "2099-05-06T18:00:00", &["rotterdam"]),
        )
        .await;
        create_consultation(
            &app,
            &admin,
            consultation_body("dicht", "2020-05-06T18:00:00", &["rotterdam"]),
        )
        .await;
        let (_, rotterdam) = app.user_with_token("municipality", Some("rotterdam")).await;

        let created = submitted(
            &app,
            &rotterdam,
            "open",
            "rotterdam",
            practice("Jongerenwerk", &["youth"], &["protection"]),
        )
        .await;
        assert_eq!(created["rank"], 1);
        assert_eq!(created["late"], false);
        assert_eq!(created["municipality"], "rotterdam");

        let response = submit(
            &app,
            &rotterdam,
            "dicht",
            "rotterdam",
            practice("Te laat", &["youth"], &["protection"]),
        )
        .await;
        let problem = problem(response, 409).await;
        let detail = problem["detail"].as_str().unwrap();
        assert!(
            detail.contains("2020-05-06 18:00:00 Europe/Amsterdam"),
            "{detail}"
        );

        // Editing stops at the deadline as well.
        let consultation = app
            .get_as(&rotterdam, "/api/v1/consultations/dicht", 200)
            .await;
        assert_eq!(consultation["open"], false);
        assert_eq!(
            consultation["deadline"]["local"],
            "2020-05-06T18:00:00+02:00"
        );

        // A field error names the field; a target group the call does not ask about too.
        let response = submit(
            &app,
            &rotterdam,
            "open",
            "rotterdam",
            practice("Schulden", &["debts"], &["protection"]),
        )
        .await;
        assert_eq!(problem_field(response).await, "target_groups.0");
        let mut body = practice("Lobby", &["youth"], &["protection"]);
        body["lobby_note"] = json!("");
        let response = submit(&app, &rotterdam, "open", "rotterdam", body).await;
        assert_eq!(problem_field(response).await, "lobby_note");
    }
);

async fn problem_field(response: reqwest::Response) -> String {
    let problem = problem(response, 422).await;
    problem["errors"][0]["field"]
        .as_str()
        .expect("a field error")
        .to_string()
}

app_test!(
    async fn submission_n_plus_one_is_refused_and_ranks_can_be_reordered(app: TestApp) {
        let admin = app.admin_token().await;
        let mut body = consultation_body("top2", "2099-05-06T18:00:00", &["rotterdam"]);
        body["max_submissions"] = json!(2);
        create_consultation(&app, &admin, body).await;
        let (_, rotterdam) = app.user_with_token("municipality", Some("rotterdam")).await;
        let first = submitted(
            &app,
            &rotterdam,
            "top2",
            "rotterdam",
            practice("Eerste", &["youth"], &["protection"]),
        )
        .await;
        let second = submitted(
            &app,
            &rotterdam,
            "top2",
            "rotterdam",
            practice("Tweede", &["youth"], &["protection"]),
        )
        .await;
        assert_eq!(
            (first["rank"].as_i64(), second["rank"].as_i64()),
            (Some(1), Some(2))
        );

        let response = submit(
            &app,
            &rotterdam,
            "top2",
            "rotterdam",
            practice("Derde", &["youth"], &["protection"]),
        )
        .await;
        let problem = problem(response, 409).await;
        assert!(
            problem["detail"].as_str().unwrap().contains("at most 2"),
            "{problem}"
        );
        // Not even an admin goes past the maximum.
        let response = submit(
            &app,
            &admin,
            "top2",
            "rotterdam",
            practice("Derde", &["youth"], &["protection"]),
        )
        .await;
        assert_eq!(response.status(), 409);

        let order = format!("{}/order", submissions_path("top2", "rotterdam"));
        let reordered: Value = app
            .send(
                Method::PUT,
                &order,
                Some(&rotterdam),
                Some(json!({"submission_ids": [second["id"], first["id"]]})),
                None,
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(reordered["items"][0]["title"], "Tweede");
        assert_eq!(reordered["items"][0]["rank"], 1);
        assert_eq!(reordered["items"][1]["rank"], 2);
        assert_eq!(
            reordered["items"][1]["version"], 2,
            "a new rank is a new version"
        );
        // The list must be complete and unrepeated; nothing changes otherwise.
        for ids in [
            json!([first["id"]]),
            json!([first["id"], first["id"]]),
            json!([first["id"], second["id"], 999_999]),
        ] {
            let response = app
                .send(
                    Method::PUT,
                    &order,
                    Some(&rotterdam),
                    Some(json!({"submission_ids": ids})),
                    None,
                )
                .await;
            assert_eq!(problem_field(response).await, "submission_ids");
        }
        let list = app
            .get_as(&rotterdam, &submissions_path("top2", "rotterdam"), 200)
            .await;
        assert_eq!(list["items"][0]["title"], "Tweede");

        // Changing a submission needs its ETag.
        let path = format!("/api/v1/submissions/{}", first["id"]);
        let response = app
            .send(
                Method::PATCH,
                &path,
                Some(&rotterdam),
                Some(json!({"title": "Eerste, beter"})),
                None,
            )
            .await;
        assert_eq!(response.status(), 428);
        let response = app
            .send(
                Method::PATCH,
                &path,
                Some(&rotterdam),
                Some(json!({"title": "Eerste, beter"})),
                Some("\"v2\""),
            )
            .await;
        assert_eq!(response.status(), 200);
        let response = app
            .send(
                Method::PATCH,
                &path,
                Some(&rotterdam),
                Some(json!({"title": "Oud"})),
                Some("\"v2\""),
            )
            .await;
        assert_eq!(response.status(), 412);
    }
);

app_test!(
    async fn another_municipality_cannot_read_drafts_or_edit_them(app: TestApp) {
        let admin = app.admin_token().await;
        create_consultation(
            &app,
            &admin,
            consultation_body("concept", "2099-05-06T18:00:00", &["rotterdam", "den-haag"]),
        )
        .await;
        let (_, rotterdam) = app.user_with_token("municipality", Some("rotterdam")).await;
        let (_, den_haag) = app.user_with_token("municipality", Some("den-haag")).await;
        let (_, utrecht) = app.user_with_token("municipality", Some("utrecht")).await;
        let (_, ministry) = app.user_with_token("ministry", Some("BZK")).await;
        let (_, viewer) = app.user_with_token("viewer", None).await;
        let draft = submitted(
            &app,
            &rotterdam,
            "concept",
            "rotterdam",
            practice("Concept", &["youth"], &["protection"]),
        )
        .await;
        let path = format!("/api/v1/submissions/{}", draft["id"]);
        let list = submissions_path("concept", "rotterdam");

        app.get_as(&rotterdam, &path, 200).await;
        app.get_as(&admin, &list, 200).await;
        for token in [&den_haag, &ministry, &viewer] {
            app.get_as(token, &path, 403).await;
            app.get_as(token, &list, 403).await;
        }
        app.get_as(&ministry, "/api/v1/consultations/concept/overview", 403)
            .await;
        let response = app
            .send(
                Method::PATCH,
                &path,
                Some(&den_haag),
                Some(json!({"title": "Gekaapt"})),
                Some("\"v1\""),
            )
            .await;
        assert_eq!(response.status(), 403);
        let response = submit(
            &app,
            &den_haag,
            "concept",
            "rotterdam",
            practice("Namens Rotterdam", &["youth"], &["protection"]),
        )
        .await;
        assert_eq!(response.status(), 403);
        let order = format!("{list}/order");
        let response = app
            .send(
                Method::PUT,
                &order,
                Some(&den_haag),
                Some(json!({"submission_ids": [draft["id"]]})),
                None,
            )
            .await;
        assert_eq!(response.status(), 403);
        // A municipality that is not asked cannot submit, even for itself.
        let response = submit(
            &app,
            &utrecht,
            "concept",
            "utrecht",
            practice("Ongevraagd", &["youth"], &["protection"]),
        )
        .await;
        assert_eq!(response.status(), 403);
        assert_eq!(app.get_as(&rotterdam, &path, 200).await["title"], "Concept");

        // Once the call is closed the ministries read along; other municipalities still do not.
        let etag = app
            .send(
                Method::GET,
                "/api/v1/consultations/concept",
                Some(&admin),
                None,
                None,
            )
            .await
            .headers()["etag"]
            .to_str()
            .unwrap()
            .to_string();
        let response = app
            .send(
                Method::PATCH,
                "/api/v1/consultations/concept",
                Some(&admin),
                Some(json!({"deadline": "2020-05-06T18:00:00"})),
                Some(&etag),
            )
            .await;
        assert_eq!(response.status(), 200);
        app.get_as(&ministry, &path, 200).await;
        app.get_as(&ministry, "/api/v1/consultations/concept/overview", 200)
            .await;
        app.get_as(&den_haag, &path, 403).await;
        app.get_as(&viewer, &list, 403).await;
    }
);

app_test!(
    async fn a_late_submission_is_marked_late(app: TestApp) {
        let (_, admin) = app.user_with_token("admin", None).await;
        create_consultation(
            &app,
            &admin,
            consultation_body("laat", "2020-05-06T18:00:00", &["rotterdam", "den-haag"]),
        )
        .await;
        let (_, rotterdam) = app.user_with_token("municipality", Some("rotterdam")).await;
        let response = submit(
            &app,
            &rotterdam,
            "laat",
            "rotterdam",
            practice("Per mail nagestuurd", &["youth"], &["protection"]),
        )
        .await;
        assert_eq!(response.status(), 409);

        let accepted = submitted(
            &app,
            &admin,
            "laat",
            "rotterdam",
            practice("Per mail nagestuurd", &["youth"], &["protection"]),
        )
        .await;
        assert_eq!(accepted["late"], true);
        assert!(
            accepted["accepted_by"]
                .as_str()
                .unwrap()
                .starts_with("admin-"),
            "{accepted}"
        );
        assert_eq!(accepted["rank"], 1);
        // The municipality sees it, but it can no longer change it.
        let path = format!("/api/v1/submissions/{}", accepted["id"]);
        assert_eq!(app.get_as(&rotterdam, &path, 200).await["late"], true);
        let response = app
            .send(
                Method::PATCH,
                &path,
                Some(&rotterdam),
                Some(json!({"title": "Anders"})),
                Some("\"v1\""),
            )
            .await;
        assert_eq!(response.status(), 409);

        // Reopened: the municipality submits itself, still marked late.
        let reopen = "/api/v1/consultations/laat/reopen";
        let response = app
            .send(
                Method::POST,
                reopen,
                Some(&admin),
                Some(json!({"until": "2020-05-01T18:00:00"})),
                Some("\"v1\""),
            )
            .await;
        assert_eq!(problem_field(response).await, "until");
        let response = app
            .send(
                Method::POST,
                reopen,
                Some(&admin),
                Some(json!({"until": "2099-01-01T12:00:00"})),
                None,
            )
            .await;
        assert_eq!(response.status(), 428);
        let response = app
            .send(
                Method::POST,
                reopen,
                Some(&admin),
                Some(json!({"until": "2099-01-01T12:00:00"})),
                Some("\"v1\""),
            )
            .await;
        assert_eq!(response.status(), 200);
        let reopened: Value = response.json().await.unwrap();
        assert_eq!(reopened["open"], true);
        assert_eq!(
            reopened["reopened_until"]["local"],
            "2099-01-01T12:00:00+01:00"
        );
        let own = submitted(
            &app,
            &rotterdam,
            "laat",
            "rotterdam",
            practice("Na heropening", &["families"], &["collaboration"]),
        )
        .await;
        assert_eq!(own["late"], true);
        assert_eq!(own["accepted_by"], Value::Null);
        assert_eq!(own["rank"], 2);

        let overview = app
            .get_as(&admin, "/api/v1/consultations/laat/overview", 200)
            .await;
        assert_eq!(
            overview["responses"],
            json!([
                {"municipality": "den-haag", "name": "Den Haag", "submissions": 0, "late": 0, "responded": false},
                {"municipality": "rotterdam", "name": "Rotterdam", "submissions": 2, "late": 2, "responded": true},
            ])
        );
        assert_eq!(overview["response_rate"], 0.5);
        let note = app
            .send(
                Method::GET,
                "/api/v1/consultations/laat/export?format=md",
                Some(&admin),
                None,
                None,
            )
            .await;
        assert!(
            note.text()
                .await
                .unwrap()
                .contains("na de termijn ingediend")
        );
    }
);

app_test!(
    async fn the_overview_and_the_note_group_practices_by_target_group_and_aspect(app: TestApp) {
        let admin = app.admin_token().await;
        create_consultation(
            &app,
            &admin,
            consultation_body(
                "notitie",
                "2099-05-06T18:00:00",
                &["rotterdam", "den-haag", "utrecht"],
            ),
        )
        .await;
        let (_, rotterdam) = app.user_with_token("municipality", Some("rotterdam")).await;
        let (_, den_haag) = app.user_with_token("municipality", Some("den-haag")).await;
        submitted(
            &app,
            &rotterdam,
            "notitie",
            "rotterdam",
            practice("Rotterdam eerst", &["youth"], &["protection"]),
        )
        .await;
        let both = submitted(
            &app,
            &rotterdam,
            "notitie",
            "rotterdam",
            practice(
                "Rotterdam breed",
                &["youth", "families"],
                &["collaboration"],
            ),
        )
        .await;
        submitted(
            &app,
            &den_haag,
            "notitie",
            "den-haag",
            practice("Haagse aanpak", &["youth"], &["protection"]),
        )
        .await;

        let overview = app
            .get_as(&admin, "/api/v1/consultations/notitie/overview", 200)
            .await;
        assert_eq!(overview["submissions"], 3);
        let grid = &overview["grid"];
        assert_eq!(grid[0]["target_group"], "youth");
        assert_eq!(grid[1]["target_group"], "families");
        let titles = |row: usize, cell: usize| -> Vec<String> {
            grid[row]["cells"][cell]["practices"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["title"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(grid[0]["cells"][0]["aspect"], "protection");
        assert_eq!(grid[0]["cells"][0]["count"], 2);
        // Rank 1 of both, then by municipality name: Den Haag before Rotterdam.
        assert_eq!(titles(0, 0), ["Haagse aanpak", "Rotterdam eerst"]);
        assert_eq!(titles(0, 1), ["Rotterdam breed"]);
        assert_eq!(grid[1]["cells"][0]["count"], 0);
        assert_eq!(titles(1, 1), ["Rotterdam breed"]);
        assert_eq!(overview["municipalities_asked"], 3);
        assert_eq!(overview["municipalities_responded"], 2);

        // A practice leads to an action.
        let action: Value = app
            .send(Method::POST, "/api/v1/actions", Some(&admin), Some(json!({
                "title": "Jongerenwerk opschalen", "area": "rotterdam-zuid", "ministry": "BZK", "theme": "youth",
                "planned_start": "2020-11-01", "planned_end": "2021-06-30"
            })), None)
            .await
            .json()
            .await
            .unwrap();
        let links = format!("/api/v1/submissions/{}/actions", both["id"]);
        let response = app
            .send(
                Method::PUT,
                &links,
                Some(&admin),
                Some(json!({"action_ids": [999_999]})),
                None,
            )
            .await;
        assert_eq!(problem_field(response).await, "action_ids.0");
        let response = app
            .send(
                Method::PUT,
                &links,
                Some(&rotterdam),
                Some(json!({"action_ids": [action["id"]]})),
                None,
            )
            .await;
        assert_eq!(response.status(), 403);
        let linked: Value = app
            .send(
                Method::PUT,
                &links,
                Some(&admin),
                Some(json!({"action_ids": [action["id"]]})),
                None,
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(linked["action_ids"], json!([action["id"]]));

        let response = app
            .send(
                Method::GET,
                "/api/v1/consultations/notitie/export?format=md",
                Some(&admin),
                None,
                None,
            )
            .await;
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"],
            "text/markdown; charset=utf-8"
        );
        let note = response.text().await.unwrap();
        let position = |needle: &str, from: usize| -> usize {
            from + note[from..]
                .find(needle)
                .unwrap_or_else(|| panic!("`{needle}` after {from} in\n{note}"))
        };
        let youth = position("## Jongeren", 0);
        let youth_protection = position("### Ontferming over kwetsbaren", youth);
        let haagse = position(
            "**Haagse aanpak** — Den Haag (nr. 1) · bestaande praktijk · in gang gezet",
            youth_protection,
        );
        let eerst = position("**Rotterdam eerst** — Rotterdam (nr. 1)", haagse);
        let youth_collaboration = position("### Samenwerking van onderop", eerst);
        let breed = position(
            "**Rotterdam breed** — Rotterdam (nr. 2)",
            youth_collaboration,
        );
        let families = position("## Gezinnen met opstapeling van kwetsbaarheden", breed);
        let families_protection = position("### Ontferming over kwetsbaren", families);
        let empty = position("_Geen inzendingen._", families_protection);
        let families_collaboration = position("### Samenwerking van onderop", empty);
        let breed_again = position("**Rotterdam breed**", families_collaboration);
        position("_Lobby:_ Structureel geld", breed_again);
        position("2 van de 3 gevraagde gemeenten reageerden", 0);
        assert!(
            !note[..families].contains("## Inwoners met schulden"),
            "debts is not part of this call"
        );

        let response = app
            .send(
                Method::GET,
                "/api/v1/consultations/notitie/export?format=xlsx",
                Some(&admin),
                None,
                None,
            )
            .await;
        assert_eq!(response.status(), 200);
        let bytes = response.bytes().await.unwrap().to_vec();
        use calamine::{Data, Reader};
        let mut workbook =
            calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let range = workbook.worksheet_range("Praktijken").unwrap();
        let rows: Vec<(String, String, String)> = range
            .rows()
            .skip(1)
            .map(|r| (r[0].to_string(), r[1].to_string(), r[4].to_string()))
            .collect();
        assert_eq!(
            rows,
            [
                (
                    "Jongeren".into(),
                    "Ontferming over kwetsbaren".into(),
                    "Haagse aanpak".into()
                ),
                (
                    "Jongeren".into(),
                    "Ontferming over kwetsbaren".into(),
                    "Rotterdam eerst".into()
                ),
                (
                    "Jongeren".into(),
                    "Samenwerking van onderop".into(),
                    "Rotterdam breed".into()
                ),
                (
                    "Gezinnen met opstapeling van kwetsbaarheden".into(),
                    "Samenwerking van onderop".into(),
                    "Rotterdam breed".into()
                ),
            ]
        );
        assert_eq!(range[1][3], Data::Float(1.0), "the rank is a number");
        assert_eq!(range[1][8], Data::Bool(true), "lobby needed is a boolean");

        // The note as PDF: its text (read back by poppler's pdftotext) keeps the grouping.
        let response = app
            .send(
                Method::GET,
                "/api/v1/consultations/notitie/export?format=pdf",
                Some(&admin),
                None,
                None,
            )
            .await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "application/pdf");
        let pdf = response.bytes().await.unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        if let Some(text) = crate::support::pdf_text(&pdf) {
            let at = |needle: &str| {
                text.find(needle)
                    .unwrap_or_else(|| panic!("{needle} in {text}"))
            };
            assert!(at("Jongeren") < at("Gezinnen met opstapeling van kwetsbaarheden"));
            assert!(text.contains("Samenwerking van onderop"));
            assert!(text.contains("Rotterdam breed"));
        }
        let response = app
            .send(
                Method::GET,
                "/api/v1/consultations/notitie/export?format=docx",
                Some(&admin),
                None,
                None,
            )
            .await;
        assert_eq!(problem_field(response).await, "format");
        // The same note from the command line's function.
        let mut conn = app.connect();
        let bytes = consultations::export_note(&mut conn, "notitie", consultations::NoteFormat::Md)
            .unwrap();
        assert_eq!(String::from_utf8(bytes).unwrap(), note);
    }
);

app_test!(
    async fn the_vng_call_can_be_seeded_once(app: TestApp) {
        let mut conn = app.connect();
        assert!(consultations::seed_vng_call(&mut conn).unwrap());
        assert!(!consultations::seed_vng_call(&mut conn).unwrap());
        let call = consultations::get(
            &mut conn,
            consultations::VNG_CALL,
            at("2020-05-06T15:59:59"),
        )
        .unwrap();
        assert!(call.open);
        assert_eq!(call.deadline.local, "2020-05-06T18:00:00+02:00");
        assert_eq!(call.municipalities.len(), 15);
        assert_eq!(call.target_groups, ["youth", "families", "debts"]);
        assert_eq!(call.aspects, ["protection", "collaboration", "ownership"]);
    }
);
