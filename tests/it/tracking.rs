//! The tracking API: actions, progress, plans, milestones, indicators, notes, as-of, concurrency
//! and bad input.

use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::app_test;
use crate::support::TestApp;

fn action_body(title: &str, ministry: &str, area: &str, theme: &str) -> Value {
    json!({
        "title": title, "description": "Een beschrijving", "area": area, "ministry": ministry, "theme": theme,
        "target_groups": ["youth", "families"], "responsible": "Programmaleider", "budget_cents": 1_250_000,
        "planned_start": "2020-11-01", "planned_end": "2021-06-30"
    })
}

async fn create_action(app: &TestApp, token: &str, body: Value) -> Value {
    let response = app
        .send(
            Method::POST,
            "/api/v1/actions",
            Some(token),
            Some(body),
            None,
        )
        .await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

async fn etag_of(app: &TestApp, token: &str, path: &str) -> String {
    let response = app.send(Method::GET, path, Some(token), None, None).await;
    assert_eq!(response.status(), 200, "GET {path}");
    response.headers()["etag"].to_str().unwrap().to_string()
}

async fn problem(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status().as_u16(), status);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    response.json().await.unwrap()
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .map(|e| e["field"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn iso(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

app_test!(
    async fn a_ministry_creates_lists_and_changes_its_own_actions(app: TestApp) {
        let (_, bzk) = app.user_with_token("ministry", Some("BZK")).await;
        let action = create_action(
            &app,
            &bzk,
            action_body(
                "Housing First Rotterdam",
                "BZK",
                "rotterdam-zuid",
                "housing",
            ),
        )
        .await;
        assert_eq!(action["area"], "rotterdam-zuid");
        assert_eq!(action["municipality"], "rotterdam");
        assert_eq!(action["ministry"], "BZK");
        assert_eq!(action["status"], "not_started");
        assert_eq!(action["percent_complete"], 0);
        assert_eq!(action["target_groups"], json!(["families", "youth"]));
        assert_eq!(action["original_plan"]["seq"], 1);
        assert_eq!(action["original_plan"]["planned_end"], "2021-06-30");

        let admin = app.admin_token().await;
        create_action(
            &app,
            &admin,
            action_body("Schuldhulp Den Haag", "SZW", "den-haag-zuidwest", "debt"),
        )
        .await;
        create_action(
            &app,
            &admin,
            action_body(
                "Zomerschool Rotterdam",
                "OCW",
                "rotterdam-zuid",
                "education",
            ),
        )
        .await;

        let (_, viewer) = app.user_with_token("viewer", None).await;
        let list = app
            .get_as(
                &viewer,
                "/api/v1/actions?area=rotterdam-zuid&sort=-title",
                200,
            )
            .await;
        assert_eq!(list["total"], 2);
        assert_eq!(list["items"][0]["title"], "Zomerschool Rotterdam");
        let list = app
            .get_as(&viewer, "/api/v1/actions?ministry=SZW,OCW&theme=debt", 200)
            .await;
        assert_eq!(list["total"], 1);
        // Codes in any case, and Dutch or English names, are the same question.
        for query in [
            "ministry=szw,ocw&theme=Schuldenproblematiek",
            "ministry=Sociale%20Zaken%20en%20Werkgelegenheid&theme=DEBT&status=niet%20gestart",
            "area=Rotterdam%20Zuid&theme=Huisvesting%20Kwetsbare%20Groepen&status=Not%20started,rood",
        ] {
            let list = app
                .get_as(&viewer, &format!("/api/v1/actions?{query}"), 200)
                .await;
            assert_eq!(list["total"], 1, "{query}");
        }
        let list = app
            .get_as(&viewer, "/api/v1/actions?q=housing%20FIRST", 200)
            .await;
        assert_eq!(list["total"], 1);
        let list = app
            .get_as(
                &viewer,
                "/api/v1/actions?municipality=den-haag&target_group=youth",
                200,
            )
            .await;
        assert_eq!(list["total"], 1);
        let list = app
            .get_as(&viewer, "/api/v1/actions?q=50%25_korting", 200)
            .await;
        assert_eq!(list["total"], 0, "LIKE wildcards in q are literal");
        for (query, field) in [
            ("area=atlantis", "area"),
            ("status=paars", "status"),
            ("sort=colour", "sort"),
            ("as_of=gisteren", "as_of"),
            ("colour=red", "colour"),
        ] {
            let response = app
                .send(
                    Method::GET,
                    &format!("/api/v1/actions?{query}"),
                    Some(&viewer),
                    None,
                    None,
                )
                .await;
            assert_eq!(fields(&problem(response, 422).await), [field], "{query}");
        }
        // A refusal lists the valid values, with their names in the reader's language.
        let response = app
            .client
            .get(app.url("/api/v1/actions?status=paars&theme=wonen"))
            .bearer_auth(&viewer)
            .header("Accept-Language", "nl")
            .send()
            .await
            .unwrap();
        let refused = problem(response, 422).await;
        let messages = refused["errors"].to_string();
        assert!(messages.contains("off_track (rood)"), "{messages}");
        assert!(
            messages.contains("thema `wonen` bestaat niet; kies uit: debt (Schuldenproblematiek)"),
            "{messages}"
        );
        let theme = refused["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["field"] == "theme")
            .unwrap();
        assert_eq!(
            theme["params"]["valid"][0], "debt",
            "codes for programs: {refused}"
        );

        let path = format!("/api/v1/actions/{}", action["id"]);
        let etag = etag_of(&app, &bzk, &path).await;
        let response = app
            .send(
                Method::PATCH,
                &path,
                Some(&bzk),
                Some(json!({"title": "Housing First Rotterdam-Zuid", "target_groups": ["debts"]})),
                Some(&etag),
            )
            .await;
        assert_eq!(response.status(), 200);
        let changed: Value = response.json().await.unwrap();
        assert_eq!(changed["title"], "Housing First Rotterdam-Zuid");
        assert_eq!(changed["target_groups"], json!(["debts"]));
        // The old ETag is stale now; no If-Match at all is refused too. Neither changes anything.
        let stale = app
            .send(
                Method::PATCH,
                &path,
                Some(&bzk),
                Some(json!({"title": "Overschreven"})),
                Some(&etag),
            )
            .await;
        assert_eq!(stale.status(), 412);
        let missing = app
            .send(
                Method::PATCH,
                &path,
                Some(&bzk),
                Some(json!({"title": "Overschreven"})),
                None,
            )
            .await;
        assert_eq!(missing.status(), 428);
        assert_eq!(
            app.get_as(&bzk, &path, 200).await["title"],
            "Housing First Rotterdam-Zuid"
        );
        // Plans and status do not change by PATCH: the answer says where they do.
        let etag = etag_of(&app, &bzk, &path).await;
        let response = app
            .send(
                Method::PATCH,
                &path,
                Some(&bzk),
                Some(json!({"planned_end": "2022-01-01", "status": "completed"})),
                Some(&etag),
            )
            .await;
        let problem = problem(response, 422).await;
        assert_eq!(fields(&problem), ["planned_end", "status"]);
    }
);

app_test!(
    async fn bad_action_input_names_the_field_and_writes_nothing(app: TestApp) {
        let admin = app.admin_token().await;
        let cases: Vec<(Value, &str, u16)> = vec![
            (
                json!({"title": "x", "area": "rotterdam-zuid", "ministry": "BZK", "theme": "housing", "planned_start": "2021-01-01", "planned_end": "2021-02-01", "colour": "red"}),
                "colour",
                422,
            ),
            (
                json!({"title": 5, "area": "rotterdam-zuid", "ministry": "BZK", "theme": "housing", "planned_start": "2021-01-01", "planned_end": "2021-02-01"}),
                "title",
                422,
            ),
            (
                json!({"title": "x", "area": "rotterdam-zuid", "ministry": "BZK", "theme": "housing", "planned_start": "2021-02-30", "planned_end": "2021-03-01"}),
                "planned_start",
                422,
            ),
            (
                json!({"title": "x", "area": "rotterdam-zuid", "ministry": "BZK", "theme": "housing", "planned_start": "2021-03-01", "planned_end": "2021-02-01"}),
                "planned_end",
                422,
            ),
            (
                json!({"title": "x", "area": "atlantis", "ministry": "BZK", "theme": "housing", "planned_start": "2021-01-01", "planned_end": "2021-02-01"}),
                "area",
                422,
            ),
            (
                json!({"title": "x", "area": "rotterdam-zuid", "ministry": "BZK", "theme": "housing", "target_groups": ["kids"], "planned_start": "2021-01-01", "planned_end": "2021-02-01"}),
                "target_groups.0",
                422,
            ),
            (
                json!({"title": "", "area": "rotterdam-zuid", "ministry": "BZK", "theme": "housing", "planned_start": "2021-01-01", "planned_end": "2021-02-01"}),
                "title",
                422,
            ),
            (
                json!({"title": "x", "area": "rotterdam-zuid", "ministry": "BZK", "theme": "housing", "planned_start": "2021-01-01", "planned_end": "2021-02-01", "budget_cents": -5}),
                "budget_cents",
                422,
            ),
            (
                json!({"title": "x", "area": "rotterdam-zuid", "theme": "housing", "planned_start": "2021-01-01", "planned_end": "2021-02-01"}),
                "ministry",
                422,
            ),
        ];
        for (body, field, status) in cases {
            let response = app
                .send(
                    Method::POST,
                    "/api/v1/actions",
                    Some(&admin),
                    Some(body.clone()),
                    None,
                )
                .await;
            let problem = problem(response, status).await;
            assert_eq!(fields(&problem), [field], "{body}");
        }
        // Not JSON, too large, too deep: a problem, never a crash.
        let raw = app
            .client
            .post(app.url("/api/v1/actions"))
            .bearer_auth(&admin)
            .header("content-type", "application/json")
            .body("{\"title\": ")
            .send()
            .await
            .unwrap();
        assert_eq!(problem(raw, 400).await["title"], "Bad request");
        let huge = format!("{{\"title\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
        let raw = app
            .client
            .post(app.url("/api/v1/actions"))
            .bearer_auth(&admin)
            .header("content-type", "application/json")
            .body(huge)
            .send()
            .await
            .unwrap();
        assert_eq!(raw.status(), 413);
        // Deeply nested JSON where a field takes any JSON value: refused, not a stack overflow.
        let deep = format!(
            "{{\"planned_start\": {}1{}}}",
            "[".repeat(5000),
            "]".repeat(5000)
        );
        let raw = app
            .client
            .patch(app.url("/api/v1/actions/1"))
            .bearer_auth(&admin)
            .header("content-type", "application/json")
            .body(deep)
            .send()
            .await
            .unwrap();
        assert_eq!(raw.status(), 400);
        let wrong_type = app
            .client
            .post(app.url("/api/v1/actions"))
            .bearer_auth(&admin)
            .header("content-type", "text/plain")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(wrong_type.status(), 400);

        assert_eq!(
            app.get_as(&admin, "/api/v1/actions", 200).await["total"],
            0,
            "nothing was written"
        );
        let audit = app
            .get_as(&admin, "/api/v1/audit?entity_type=action", 200)
            .await;
        assert_eq!(audit["total"], 0);
    }
);

app_test!(
    async fn progress_updates_append_and_the_latest_is_the_actions_state(app: TestApp) {
        let (_, ocw) = app.user_with_token("ministry", Some("OCW")).await;
        let action = create_action(
            &app,
            &ocw,
            action_body("Zomerschool", "OCW", "tilburg-noordwest", "education"),
        )
        .await;
        let path = format!("/api/v1/actions/{}/updates", action["id"]);
        let post = |body: Value| app.send(Method::POST, &path, Some(&ocw), Some(body), None);
        assert_eq!(
            post(json!({"status": "on_track", "percent_complete": 20, "note": "Gestart"}))
                .await
                .status(),
            201
        );
        let response = post(
            json!({"status": "at_risk", "percent_complete": 35, "note": "Te weinig docenten"}),
        )
        .await;
        assert_eq!(response.status(), 201);
        let etag = response.headers()["etag"].to_str().unwrap().to_string();

        for (body, field) in [
            (json!({"status": "green", "percent_complete": 10}), "status"),
            (
                json!({"status": "on_track", "percent_complete": 101}),
                "percent_complete",
            ),
            (
                json!({"status": "on_track", "percent_complete": -1}),
                "percent_complete",
            ),
            (
                json!({"status": "off_track", "percent_complete": 40}),
                "note",
            ),
            (
                json!({"status": "completed", "percent_complete": 90}),
                "percent_complete",
            ),
            (
                json!({"status": "on_track", "percent_complete": "veel"}),
                "percent_complete",
            ),
        ] {
            assert_eq!(
                fields(&problem(post(body.clone()).await, 422).await),
                [field],
                "{body}"
            );
        }

        let current = app
            .get_as(&ocw, &format!("/api/v1/actions/{}", action["id"]), 200)
            .await;
        assert_eq!(current["status"], "at_risk");
        assert_eq!(current["percent_complete"], 35);
        let history = app.get_as(&ocw, &path, 200).await;
        assert_eq!(history["total"], 2);
        assert_eq!(history["items"][0]["note"], "Gestart");
        assert!(
            history["items"][1]["author"]
                .as_str()
                .unwrap()
                .starts_with("ministry-")
        );

        // With If-Match an update only lands on the state it was based on.
        let ok = app
            .send(
                Method::POST,
                &path,
                Some(&ocw),
                Some(json!({"status": "on_track", "percent_complete": 50})),
                Some(&etag),
            )
            .await;
        assert_eq!(ok.status(), 201);
        let stale = app
            .send(
                Method::POST,
                &path,
                Some(&ocw),
                Some(json!({"status": "on_track", "percent_complete": 60})),
                Some(&etag),
            )
            .await;
        assert_eq!(stale.status(), 412);
        assert_eq!(app.get_as(&ocw, &path, 200).await["total"], 3);

        // Another ministry may read but not write.
        let (_, szw) = app.user_with_token("ministry", Some("SZW")).await;
        let response = app
            .send(
                Method::POST,
                &path,
                Some(&szw),
                Some(json!({"status": "on_track", "percent_complete": 70})),
                None,
            )
            .await;
        assert_eq!(response.status(), 403);
        assert_eq!(app.get_as(&szw, &path, 200).await["total"], 3);
    }
);

app_test!(
    async fn reading_as_of_a_moment_equals_replaying_the_history_up_to_it(app: TestApp) {
        let admin = app.admin_token().await;
        // Several pseudo-random sequences (fixed seeds, so a failure can be replayed), each on
        // its own action in its own area.
        for (seed, area) in [
            (0x5eed_1234_u64, "heerlen-noord"),
            (0xdead_beef, "breda-noord"),
            (0x0bad_cafe, "arnhem-oost"),
        ] {
            let action = create_action(
                &app,
                &admin,
                action_body("Jongerenwerk", "VWS", area, "youth"),
            )
            .await;
            let id = action["id"].as_i64().unwrap();
            let path = format!("/api/v1/actions/{id}/updates");
            // A pseudo-random sequence of updates (fixed seed), with the moment after each.
            let statuses = [
                "on_track",
                "at_risk",
                "off_track",
                "on_track",
                "completed",
                "discontinued",
            ];
            let mut seed = seed;
            let mut next = || {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed
            };
            let mut history: Vec<(String, i64, DateTime<Utc>)> = Vec::new();
            let before_any = Utc::now();
            let length = 1 + next() % 12;
            for _ in 0..length {
                let status = statuses[(next() % 6) as usize];
                let percent = if status == "completed" {
                    100
                } else {
                    (next() % 101) as i64
                };
                let body = json!({"status": status, "percent_complete": percent, "note": "stand van zaken"});
                let response = app
                    .send(Method::POST, &path, Some(&admin), Some(body), None)
                    .await;
                assert_eq!(response.status(), 201);
                let recorded: Value = response.json().await.unwrap();
                // Times in the API are RFC 3339 in UTC.
                let recorded_at =
                    DateTime::parse_from_rfc3339(recorded["recorded_at"].as_str().unwrap())
                        .unwrap()
                        .with_timezone(&Utc);
                history.push((status.to_string(), percent, recorded_at));
            }
            let mut moments = vec![before_any];
            moments.extend(history.iter().map(|(_, _, at)| *at));
            for (i, moment) in moments.iter().enumerate() {
                let as_of = iso(*moment);
                let expected = history.iter().rev().find(|(_, _, at)| at <= moment);
                let (status, percent) = expected
                    .map(|(s, p, _)| (s.as_str(), *p))
                    .unwrap_or(("not_started", 0));
                let read = app
                    .get_as(
                        &admin,
                        &format!("/api/v1/actions/{id}?as_of={}", urlencode(&as_of)),
                        200,
                    )
                    .await;
                assert_eq!(
                    (
                        read["status"].as_str().unwrap(),
                        read["percent_complete"].as_i64().unwrap()
                    ),
                    (status, percent),
                    "as of moment {i}"
                );
                let list = app
                    .get_as(
                        &admin,
                        &format!(
                            "/api/v1/actions?area={area}&status={status}&as_of={}",
                            urlencode(&as_of)
                        ),
                        200,
                    )
                    .await;
                assert_eq!(
                    list["total"], 1,
                    "the list filters on the status of that moment ({i})"
                );
                let updates = app
                    .get_as(&admin, &format!("{path}?as_of={}", urlencode(&as_of)), 200)
                    .await;
                assert_eq!(updates["total"], i, "history up to moment {i}");
            }
        }
        // Before the actions existed they are not there.
        let id = 1;
        let early = app
            .send(
                Method::GET,
                &format!("/api/v1/actions/{id}?as_of=2019-01-01"),
                Some(&admin),
                None,
                None,
            )
            .await;
        assert_eq!(early.status(), 404);
        assert_eq!(
            app.get_as(&admin, "/api/v1/actions?as_of=2019-01-01", 200)
                .await["total"],
            0
        );
    }
);

fn urlencode(text: &str) -> String {
    text.replace('+', "%2B").replace(':', "%3A")
}

app_test!(
    async fn re_planning_keeps_the_original_plan_and_as_of_shows_the_plan_then_in_force(
        app: TestApp,
    ) {
        let (_, jenv) = app.user_with_token("ministry", Some("JenV")).await;
        let action = create_action(
            &app,
            &jenv,
            action_body("Nazorg ex-gedetineerden", "JenV", "arnhem-oost", "housing"),
        )
        .await;
        let id = action["id"].as_i64().unwrap();
        let before_replan = iso(Utc::now());
        let path = format!("/api/v1/actions/{id}/baselines");
        let etag = etag_of(&app, &jenv, &format!("/api/v1/actions/{id}")).await;
        let body = json!({"planned_start": "2020-11-01", "planned_end": "2021-12-31", "reason": "Minder plekken beschikbaar"});
        let missing = app
            .send(Method::POST, &path, Some(&jenv), Some(body.clone()), None)
            .await;
        assert_eq!(missing.status(), 428);
        let response = app
            .send(Method::POST, &path, Some(&jenv), Some(body), Some(&etag))
            .await;
        assert_eq!(response.status(), 201);
        let no_reason = app.send(Method::POST, &path, Some(&jenv), Some(json!({"planned_start": "2020-11-01", "planned_end": "2022-01-31", "reason": ""})), Some(&etag_of(&app, &jenv, &format!("/api/v1/actions/{id}")).await)).await;
        assert_eq!(fields(&problem(no_reason, 422).await), ["reason"]);

        let now = app
            .get_as(&jenv, &format!("/api/v1/actions/{id}"), 200)
            .await;
        assert_eq!(now["planned_end"], "2021-12-31");
        assert_eq!(now["original_plan"]["planned_end"], "2021-06-30");
        assert_eq!(now["current_plan"]["seq"], 2);
        assert_eq!(now["current_plan"]["reason"], "Minder plekken beschikbaar");
        let then = app
            .get_as(
                &jenv,
                &format!("/api/v1/actions/{id}?as_of={}", urlencode(&before_replan)),
                200,
            )
            .await;
        assert_eq!(then["planned_end"], "2021-06-30");
        assert_eq!(then["current_plan"]["seq"], 1);
        let plans = app.get_as(&jenv, &path, 200).await;
        assert_eq!(plans["total"], 2);
    }
);

app_test!(
    async fn milestones_reschedule_complete_and_reopen_with_their_history(app: TestApp) {
        let (_, vws) = app.user_with_token("ministry", Some("VWS")).await;
        let action = create_action(
            &app,
            &vws,
            action_body("Sportaanbod", "VWS", "breda-noord", "youth"),
        )
        .await;
        let path = format!("/api/v1/actions/{}/milestones", action["id"]);
        let response = app.send(Method::POST, &path, Some(&vws), Some(json!({"title": "Aanbieders gecontracteerd", "due_date": "2021-02-01", "report_period": "voorjaar-2021"})), None).await;
        assert_eq!(response.status(), 201);
        let milestone: Value = response.json().await.unwrap();
        assert_eq!(milestone["report_period"], "voorjaar-2021");
        let bad = app
            .send(
                Method::POST,
                &path,
                Some(&vws),
                Some(
                    json!({"title": "x", "due_date": "2021-02-01", "report_period": "zomer-2099"}),
                ),
                None,
            )
            .await;
        assert_eq!(fields(&problem(bad, 422).await), ["report_period"]);

        let m = format!("/api/v1/milestones/{}", milestone["id"]);
        let created = iso(Utc::now());
        let etag = etag_of(&app, &vws, &m).await;
        let moved = app
            .send(
                Method::POST,
                &format!("{m}/reschedule"),
                Some(&vws),
                Some(json!({"due_date": "2021-03-15", "note": "Aanbesteding liep uit"})),
                Some(&etag),
            )
            .await;
        assert_eq!(moved.status(), 200);
        let moved: Value = moved.json().await.unwrap();
        assert_eq!(moved["due_date"], "2021-03-15");
        assert_eq!(moved["original_due_date"], "2021-02-01");

        let rescheduled = iso(Utc::now());
        let etag = etag_of(&app, &vws, &m).await;
        let future = app
            .send(
                Method::POST,
                &format!("{m}/complete"),
                Some(&vws),
                Some(json!({"done_on": "2099-01-01"})),
                Some(&etag),
            )
            .await;
        assert_eq!(fields(&problem(future, 422).await), ["done_on"]);
        let done = app
            .send(
                Method::POST,
                &format!("{m}/complete"),
                Some(&vws),
                Some(json!({"done_on": "2021-03-20", "note": "Alle contracten getekend"})),
                Some(&etag),
            )
            .await;
        assert_eq!(done.status(), 200);
        let done: Value = done.json().await.unwrap();
        assert_eq!(done["done_on"], "2021-03-20");
        assert_eq!(done["late"], true, "done after its due date");
        let etag = etag_of(&app, &vws, &m).await;
        let twice = app
            .send(
                Method::POST,
                &format!("{m}/complete"),
                Some(&vws),
                Some(json!({"done_on": "2021-03-21"})),
                Some(&etag),
            )
            .await;
        assert_eq!(twice.status(), 409);
        let etag = etag_of(&app, &vws, &m).await;
        let reopened = app
            .send(
                Method::POST,
                &format!("{m}/reopen"),
                Some(&vws),
                Some(json!({"note": "Eén contract ontbindt"})),
                Some(&etag),
            )
            .await;
        assert_eq!(reopened.status(), 200);

        let events = app.get_as(&vws, &format!("{m}/events"), 200).await;
        let kinds: Vec<&str> = events["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["created", "rescheduled", "completed", "reopened"]);
        // As of earlier moments, the milestone stood as it did then.
        let then = app
            .get_as(&vws, &format!("{path}?as_of={}", urlencode(&created)), 200)
            .await;
        assert_eq!(then["items"][0]["due_date"], "2021-02-01");
        let then = app
            .get_as(&vws, &format!("{m}?as_of={}", urlencode(&rescheduled)), 200)
            .await;
        assert_eq!(
            (then["due_date"].as_str(), then["done_on"].as_str()),
            (Some("2021-03-15"), None)
        );
        let now = app.get_as(&vws, &m, 200).await;
        assert_eq!(now["done_on"], Value::Null);
    }
);

app_test!(
    async fn indicators_keep_dated_values_and_municipalities_record_them_in_their_areas(
        app: TestApp,
    ) {
        let (_, szw) = app.user_with_token("ministry", Some("SZW")).await;
        let action = create_action(
            &app,
            &szw,
            action_body(
                "Vroegsignalering schulden",
                "SZW",
                "groningen-noord",
                "debt",
            ),
        )
        .await;
        let response = app.send(Method::POST, &format!("/api/v1/actions/{}/indicators", action["id"]), Some(&szw), Some(json!({
            "name": "Huishoudens in schuldhulp", "unit": "huishoudens", "direction": "increase",
            "baseline_value": 100.0, "target_value": 300.0, "target_date": "2021-12-31"
        })), None).await;
        assert_eq!(response.status(), 201);
        let indicator: Value = response.json().await.unwrap();
        let values = format!("/api/v1/indicators/{}/values", indicator["id"]);

        let (_, groningen) = app.user_with_token("municipality", Some("groningen")).await;
        let (_, leeuwarden) = app
            .user_with_token("municipality", Some("leeuwarden"))
            .await;
        assert_eq!(
            app.send(
                Method::POST,
                &values,
                Some(&szw),
                Some(json!({"measured_on": "2021-01-31", "value": 150.0})),
                None
            )
            .await
            .status(),
            201
        );
        let first = iso(Utc::now());
        assert_eq!(
            app.send(
                Method::POST,
                &values,
                Some(&groningen),
                Some(
                    json!({"measured_on": "2021-02-28", "value": 200.0, "note": "telling gemeente"})
                ),
                None
            )
            .await
            .status(),
            201
        );
        assert_eq!(
            app.send(
                Method::POST,
                &values,
                Some(&leeuwarden),
                Some(json!({"measured_on": "2021-02-28", "value": 1.0})),
                None
            )
            .await
            .status(),
            403
        );
        let future = app
            .send(
                Method::POST,
                &values,
                Some(&szw),
                Some(json!({"measured_on": "2999-01-01", "value": 1.0})),
                None,
            )
            .await;
        assert_eq!(fields(&problem(future, 422).await), ["measured_on"]);

        let now = app
            .get_as(
                &szw,
                &format!("/api/v1/indicators/{}", indicator["id"]),
                200,
            )
            .await;
        assert_eq!(now["latest"]["value"], 200.0);
        assert_eq!(now["progress_percent"], 50.0);
        let then = app
            .get_as(
                &szw,
                &format!(
                    "/api/v1/indicators/{}?as_of={}",
                    indicator["id"],
                    urlencode(&first)
                ),
                200,
            )
            .await;
        assert_eq!(then["latest"]["value"], 150.0);
        assert_eq!(app.get_as(&szw, &values, 200).await["total"], 2);
    }
);

app_test!(
    async fn two_clients_changing_the_same_action_one_wins_and_the_other_gets_412(app: TestApp) {
        let admin = app.admin_token().await;
        let action = create_action(
            &app,
            &admin,
            action_body("Buurtbanen", "SZW", "zaandam-oost", "employment"),
        )
        .await;
        let path = format!("/api/v1/actions/{}", action["id"]);
        let etag = etag_of(&app, &admin, &path).await;
        let first = app.send(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(json!({"title": "Versie A"})),
            Some(&etag),
        );
        let second = app.send(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(json!({"title": "Versie B"})),
            Some(&etag),
        );
        let (a, b) = tokio::join!(first, second);
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 412]);
        let winner = if a.status() == 200 {
            "Versie A"
        } else {
            "Versie B"
        };
        assert_eq!(app.get_as(&admin, &path, 200).await["title"], winner);
        let audit = app
            .get_as(
                &admin,
                &format!(
                    "/api/v1/audit?entity_type=action&operation=action.update&entity_id={}",
                    action["id"]
                ),
                200,
            )
            .await;
        assert_eq!(audit["total"], 1, "only the winner was written");
    }
);

app_test!(
    async fn a_bulk_period_update_is_all_or_nothing_with_per_item_errors(app: TestApp) {
        let (_, bzk) = app.user_with_token("ministry", Some("BZK")).await;
        let admin = app.admin_token().await;
        let a = create_action(
            &app,
            &bzk,
            action_body("Eerste", "BZK", "lelystad-oost", "housing"),
        )
        .await;
        let b = create_action(
            &app,
            &bzk,
            action_body("Tweede", "BZK", "lelystad-oost", "housing"),
        )
        .await;
        let other = create_action(
            &app,
            &admin,
            action_body("Van SZW", "SZW", "lelystad-oost", "debt"),
        )
        .await;
        let bulk = |items: Value| {
            app.send(
                Method::POST,
                "/api/v1/actions/bulk-updates",
                Some(&bzk),
                Some(json!({"items": items})),
                None,
            )
        };

        let response = bulk(json!([
            {"action_id": a["id"], "status": "on_track", "percent_complete": 30},
            {"action_id": other["id"], "status": "on_track", "percent_complete": 30},
            {"action_id": 999_999, "status": "on_track", "percent_complete": 30},
            {"action_id": b["id"], "version": 99, "status": "on_track", "percent_complete": 30}
        ]))
        .await;
        let problem = problem(response, 422).await;
        assert_eq!(
            fields(&problem),
            ["items.1.action_id", "items.2.action_id", "items.3.version"]
        );
        let invalid =
            bulk(json!([{"action_id": a["id"], "status": "on_track", "percent_complete": 300}]))
                .await;
        assert_eq!(
            fields(&crate::tracking::problem(invalid, 422).await),
            ["items.0.percent_complete"]
        );
        assert_eq!(
            app.get_as(&bzk, &format!("/api/v1/actions/{}/updates", a["id"]), 200)
                .await["total"],
            0,
            "nothing written"
        );

        let response = bulk(json!([
            {"action_id": a["id"], "status": "on_track", "percent_complete": 30, "version": a["version"]},
            {"action_id": b["id"], "status": "at_risk", "percent_complete": 10, "note": "Vergunning vertraagd"}
        ])).await;
        assert_eq!(response.status(), 200);
        let list = app
            .get_as(&bzk, "/api/v1/actions?ministry=BZK&sort=title", 200)
            .await;
        assert_eq!(list["items"][0]["status"], "on_track");
        assert_eq!(list["items"][1]["status"], "at_risk");
    }
);

app_test!(
    async fn programmes_belong_to_their_lead_ministry_and_local_notes_to_the_municipality(
        app: TestApp,
    ) {
        let (_, bzk) = app.user_with_token("ministry", Some("BZK")).await;
        let create = |body: Value| {
            app.send(
                Method::POST,
                "/api/v1/programmes",
                Some(&bzk),
                Some(body),
                None,
            )
        };
        let response = create(json!({"code": "housing-first", "title": "Housing First", "theme": "housing", "lead_ministry": "BZK"})).await;
        assert_eq!(response.status(), 201);
        let refused = create(
            json!({"code": "werk", "title": "Werk", "theme": "employment", "lead_ministry": "SZW"}),
        )
        .await;
        assert_eq!(refused.status(), 403);
        let duplicate = create(json!({"code": "housing-first", "title": "Twee", "theme": "housing", "lead_ministry": "BZK"})).await;
        assert_eq!(duplicate.status(), 409);

        let mut body = action_body("In het programma", "BZK", "utrecht-overvecht", "housing");
        body["programme"] = json!("housing-first");
        create_action(&app, &bzk, body).await;
        let programme = app
            .get_as(&bzk, "/api/v1/programmes/housing-first", 200)
            .await;
        assert_eq!(programme["actions"], 1);
        assert_eq!(
            app.get_as(&bzk, "/api/v1/actions?programme=housing-first", 200)
                .await["total"],
            1
        );

        let (_, utrecht) = app.user_with_token("municipality", Some("utrecht")).await;
        let notes = "/api/v1/areas/utrecht-overvecht/notes";
        let ok = app
            .send(
                Method::POST,
                notes,
                Some(&utrecht),
                Some(json!({"body": "Wijkteam versterkt"})),
                None,
            )
            .await;
        assert_eq!(ok.status(), 201);
        let elsewhere = app
            .send(
                Method::POST,
                "/api/v1/areas/rotterdam-zuid/notes",
                Some(&utrecht),
                Some(json!({"body": "x"})),
                None,
            )
            .await;
        assert_eq!(elsewhere.status(), 403);
        let ministry = app
            .send(
                Method::POST,
                notes,
                Some(&bzk),
                Some(json!({"body": "x"})),
                None,
            )
            .await;
        assert_eq!(ministry.status(), 403);
        let list = app.get_as(&bzk, notes, 200).await;
        assert_eq!(list["items"][0]["body"], "Wijkteam versterkt");
    }
);

// Writes that arrive together (on SQLite they are committed together, each in its own
// savepoint): every acknowledged one is there exactly once, and a refused one in the same
// batch changes nothing.
app_test!(
    async fn concurrent_updates_are_each_kept_once_and_a_refused_one_changes_nothing(app: TestApp) {
        let admin = app.admin_token().await;
        let open = create_action(
            &app,
            &admin,
            action_body("Open", "BZK", "rotterdam-zuid", "housing"),
        )
        .await;
        let guarded = create_action(
            &app,
            &admin,
            action_body("Bewaakt", "SZW", "rotterdam-zuid", "debt"),
        )
        .await;
        let stale = etag_of(&app, &admin, &format!("/api/v1/actions/{}", guarded["id"])).await;
        // The guarded action changes, so every write based on the old version must be refused.
        app.post_ok(
            &admin,
            &format!("/api/v1/actions/{}/updates", guarded["id"]),
            json!({"status": "on_track", "percent_complete": 10}),
            None,
        )
        .await;
        let mut writes = Vec::new();
        for i in 0..64 {
            let client = app.client.clone();
            let (id, if_match) = if i % 4 == 3 {
                (guarded["id"].as_i64().unwrap(), Some(stale.clone()))
            } else {
                (open["id"].as_i64().unwrap(), None)
            };
            let url = app.url(&format!("/api/v1/actions/{id}/updates"));
            let token = admin.clone();
            writes.push(actix_web::rt::spawn(async move {
                let mut request = client
                    .post(url)
                    .bearer_auth(token)
                    .json(&json!({"status": "on_track", "percent_complete": i, "note": format!("gelijktijdig {i}")}));
                if let Some(tag) = if_match {
                    request = request.header("If-Match", tag);
                }
                let response = request.send().await.unwrap();
                (i, response.status().as_u16())
            }));
        }
        let mut acknowledged = Vec::new();
        for write in writes {
            let (i, status) = write.await.unwrap();
            if i % 4 == 3 {
                assert_eq!(status, 412, "write {i} was based on a stale version");
            } else {
                assert_eq!(status, 201, "write {i}");
                acknowledged.push(i);
            }
        }
        assert_eq!(acknowledged.len(), 48);
        let history = app
            .get_as(
                &admin,
                &format!("/api/v1/actions/{}/updates", open["id"]),
                200,
            )
            .await;
        let mut notes: Vec<String> = history["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["note"].as_str().unwrap().to_string())
            .collect();
        notes.sort();
        let mut expected: Vec<String> = acknowledged
            .iter()
            .map(|i| format!("gelijktijdig {i}"))
            .collect();
        expected.sort();
        assert_eq!(
            notes, expected,
            "every acknowledged write once, nothing else"
        );
        let action = app
            .get_as(&admin, &format!("/api/v1/actions/{}", open["id"]), 200)
            .await;
        assert_eq!(action["version"], open["version"].as_i64().unwrap() + 48);
        let guarded_history = app
            .get_as(
                &admin,
                &format!("/api/v1/actions/{}/updates", guarded["id"]),
                200,
            )
            .await;
        assert_eq!(guarded_history["total"], 1, "refused writes left nothing");
    }
);
