//! Report periods: readiness and the ministries' sign-off; the progress reports, their formats,
//! determinism, publication and corrections.

use reqwest::Method;
use serde_json::{Value, json};

use crate::app_test;
use crate::support::TestApp;

/// A period of the whole of 2026 (its cut-off is still to come, so everything recorded now
/// counts) with three actions: SZW's "Schuldhulp" updated, SZW's "Budgetcoach" not, BZK's
/// "Woningen" updated.
async fn signoff_data(app: &TestApp) -> (String, [i64; 3]) {
    let admin = app.admin_token().await;
    app.post_ok(
        &admin,
        "/api/v1/periods",
        json!({"code": "jaar-2026", "name": "Jaar 2026", "starts_on": "2026-01-01", "cut_off": "2026-12-31"}),
        None,
    )
    .await;
    let mut ids = [0; 3];
    for (i, (title, ministry, area, theme)) in [
        ("Schuldhulp", "SZW", "rotterdam-zuid", "debt"),
        ("Budgetcoach", "SZW", "den-haag-zuidwest", "debt"),
        ("Woningen", "BZK", "rotterdam-zuid", "housing"),
    ]
    .into_iter()
    .enumerate()
    {
        let action = app
            .post_ok(
                &admin,
                "/api/v1/actions",
                json!({"title": title, "area": area, "ministry": ministry, "theme": theme,
                       "planned_start": "2026-01-01", "planned_end": "2026-12-31"}),
                None,
            )
            .await;
        ids[i] = action["id"].as_i64().unwrap();
    }
    for id in [ids[0], ids[2]] {
        app.post_ok(
            &admin,
            &format!("/api/v1/actions/{id}/updates"),
            json!({"status": "on_track", "percent_complete": 30}),
            None,
        )
        .await;
    }
    (admin, ids)
}

async fn sign(app: &TestApp, token: &str, ministry: &str, body: Value) -> (u16, Value) {
    let response = app
        .send(
            Method::POST,
            &format!("/api/v1/periods/jaar-2026/signoffs/{ministry}"),
            Some(token),
            Some(body),
            None,
        )
        .await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn ministry<'a>(readiness: &'a Value, code: &str) -> &'a Value {
    readiness["ministries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["ministry"] == code)
        .unwrap()
}

app_test!(
    async fn ministries_submit_the_programme_office_approves_and_readiness_lists_what_is_missing(
        app: TestApp,
    ) {
        let (admin, ids) = signoff_data(&app).await;
        let (_, szw) = app.user_with_token("ministry", Some("SZW")).await;
        let (_, viewer) = app.user_with_token("viewer", None).await;
        let (_, municipality) = app.user_with_token("municipality", Some("rotterdam")).await;

        let readiness = app
            .get_as(&viewer, "/api/v1/periods/jaar-2026/readiness", 200)
            .await;
        assert_eq!(readiness["missing"], 1);
        assert_eq!(readiness["complete"], false);
        let szw_ready = ministry(&readiness, "SZW");
        assert_eq!(
            (szw_ready["actions"].as_i64(), szw_ready["ready"].as_i64()),
            (Some(2), Some(1))
        );
        assert_eq!(szw_ready["missing_actions"][0]["id"], ids[1]);
        assert_eq!(szw_ready["missing_actions"][0]["title"], "Budgetcoach");
        assert_eq!(szw_ready["missing_actions"][0]["area"], "den-haag-zuidwest");
        assert_eq!(szw_ready["signoff"], Value::Null);
        assert_eq!(ministry(&readiness, "BZK")["ready"], 1);

        // Submitting with an action still missing needs a reason.
        let (status, problem) = sign(&app, &szw, "SZW", json!({"state": "submitted"})).await;
        assert_eq!(status, 422);
        assert_eq!(problem["errors"][0]["field"], "note");
        let (status, step) = sign(
            &app,
            &szw,
            "SZW",
            json!({"state": "submitted", "note": "Budgetcoach start pas in 2027"}),
        )
        .await;
        assert_eq!(status, 201, "{step}");
        assert_eq!(step["state_nl"], "ingediend");
        let (status, _) = sign(
            &app,
            &szw,
            "SZW",
            json!({"state": "submitted", "note": "nogmaals"}),
        )
        .await;
        assert_eq!(status, 409, "already submitted");

        // Not another ministry's, not approving, not for a municipality.
        assert_eq!(
            sign(&app, &szw, "BZK", json!({"state": "submitted"}))
                .await
                .0,
            403
        );
        assert_eq!(
            sign(&app, &szw, "SZW", json!({"state": "approved"}))
                .await
                .0,
            403
        );
        assert_eq!(
            sign(
                &app,
                &municipality,
                "SZW",
                json!({"state": "reopened", "note": "x"})
            )
            .await
            .0,
            403
        );
        // The programme office cannot approve what was not submitted.
        assert_eq!(
            sign(&app, &admin, "BZK", json!({"state": "approved"}))
                .await
                .0,
            409
        );

        let (status, _) = sign(&app, &admin, "SZW", json!({"state": "approved"})).await;
        assert_eq!(status, 201);
        let readiness = app
            .get_as(&viewer, "/api/v1/periods/jaar-2026/readiness", 200)
            .await;
        assert_eq!(ministry(&readiness, "SZW")["signoff"], "approved");
        assert!(
            ministry(&readiness, "SZW")["signoff_by"]
                .as_str()
                .unwrap()
                .starts_with("admin-")
        );
        // The ministry cannot take back an approval; the programme office can, with a reason.
        assert_eq!(
            sign(
                &app,
                &szw,
                "SZW",
                json!({"state": "reopened", "note": "fout"})
            )
            .await
            .0,
            403
        );
        let (status, problem) = sign(&app, &admin, "SZW", json!({"state": "reopened"})).await;
        assert_eq!(
            (status, problem["errors"][0]["field"].as_str()),
            (422, Some("note"))
        );
        assert_eq!(
            sign(
                &app,
                &admin,
                "SZW",
                json!({"state": "reopened", "note": "cijfers herzien"})
            )
            .await
            .0,
            201
        );
        let readiness = app
            .get_as(&viewer, "/api/v1/periods/jaar-2026/readiness", 200)
            .await;
        assert_eq!(
            ministry(&readiness, "SZW")["signoff"],
            Value::Null,
            "reopened"
        );

        let trail = app
            .get_as(&viewer, "/api/v1/periods/jaar-2026/signoffs", 200)
            .await;
        let states: Vec<&str> = trail["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["state"].as_str().unwrap())
            .collect();
        assert_eq!(states, ["submitted", "approved", "reopened"]);
        assert_eq!(trail["current"]["SZW"]["note"], "cijfers herzien");

        // Bad input changes nothing and names what is wrong.
        let (status, problem) = sign(&app, &admin, "SZW", json!({"state": "klaar"})).await;
        assert_eq!(
            (status, problem["errors"][0]["field"].as_str()),
            (422, Some("state"))
        );
        assert_eq!(
            sign(&app, &admin, "XYZ", json!({"state": "submitted"}))
                .await
                .0,
            404
        );
        let response = app
            .send(
                Method::GET,
                "/api/v1/periods/zomer-1999/readiness",
                Some(&viewer),
                None,
                None,
            )
            .await;
        assert_eq!(response.status(), 404);
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            "application/problem+json"
        );
        let trail = app
            .get_as(&viewer, "/api/v1/periods/jaar-2026/signoffs", 200)
            .await;
        assert_eq!(trail["total"], 3);
    }
);

// ---------------------------------------------------------------------------------------------
// The reports: a small history with hand-computed content
// ---------------------------------------------------------------------------------------------

/// Every column that says when something was recorded, in the tables history is read from.
/// Reports and sign-offs keep their own (real) times.
/// Moves everything recorded since the last call to `at` (UTC, `2024-09-15 10:00:00`): the
/// test writes through the API now and then says when it happened, so the history reads as
/// it would have been recorded over two years.
fn happened_at(app: &TestApp, at: &str) {
    crate::support::happened_at(&mut app.connect(), at);
}

struct History {
    admin: String,
    /// A1 Schuldhulp (SZW), A2 Huisvesting (BZK), A3 Taalles (OCW), A4 Jongerenwerk (VWS).
    actions: [i64; 4],
    indicator: i64,
}

async fn action(
    app: &TestApp,
    admin: &str,
    (title, ministry, area, theme): (&str, &str, &str, &str),
    budget: Option<i64>,
    end: &str,
) -> i64 {
    app.post_ok(
        admin,
        "/api/v1/actions",
        json!({"title": title, "area": area, "ministry": ministry, "theme": theme,
               "budget_cents": budget, "planned_start": "2024-07-01", "planned_end": end}),
        None,
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

async fn update(app: &TestApp, admin: &str, id: i64, status: &str, percent: i32, note: &str) {
    app.post_ok(
        admin,
        &format!("/api/v1/actions/{id}/updates"),
        json!({"status": status, "percent_complete": percent, "note": note}),
        None,
    )
    .await;
}

async fn complete_milestone(app: &TestApp, admin: &str, id: i64, done_on: &str) {
    let path = format!("/api/v1/milestones/{id}");
    let tag = app.etag(admin, &path).await;
    app.post_ok(
        admin,
        &format!("{path}/complete"),
        json!({"done_on": done_on}),
        Some(&tag),
    )
    .await;
}

/// Periods najaar-2024 (1 July – 31 December 2024) and voorjaar-2025 (1 January – 30 June 2025)
/// and the history up to the first report:
/// - 15 Sep 2024: A1 Schuldhulp Zuid (SZW, Rotterdam-Zuid, debt, € 100.000) groen 30 %;
///   A2 Huisvesting Zuidwest (BZK, Den Haag Zuidwest, housing, € 50.000) oranje 20 % "Te weinig
///   woningen beschikbaar"; A3 Taalles Zuid (OCW, Rotterdam-Zuid, education) not started;
///   milestone M1 of A1 due 1 Oct 2024; indicator I1 of A2 (0 → 40 by 30 Jun 2025) measured 5.
/// - 1 Dec 2024: A1 rood 25 % "Wachtlijst schuldhulp loopt op"; A2 re-planned from 31 Mar to
///   30 Sep 2025 "Bouw vertraagd"; M1 done on 5 Oct 2024 (late); I1 measured 12 on 30 Nov.
async fn first_period(app: &TestApp) -> History {
    let admin = app.admin_token().await;
    for (code, name, start, cut_off) in [
        ("najaar-2024", "Najaar 2024", "2024-07-01", "2024-12-31"),
        ("voorjaar-2025", "Voorjaar 2025", "2025-01-01", "2025-06-30"),
    ] {
        app.post_ok(
            &admin,
            "/api/v1/periods",
            json!({"code": code, "name": name, "starts_on": start, "cut_off": cut_off}),
            None,
        )
        .await;
    }
    let a1 = action(
        app,
        &admin,
        ("Schuldhulp Zuid", "SZW", "rotterdam-zuid", "debt"),
        Some(10_000_000),
        "2025-03-31",
    )
    .await;
    let a2 = action(
        app,
        &admin,
        (
            "Huisvesting Zuidwest",
            "BZK",
            "den-haag-zuidwest",
            "housing",
        ),
        Some(5_000_000),
        "2025-03-31",
    )
    .await;
    let a3 = action(
        app,
        &admin,
        ("Taalles Zuid", "OCW", "rotterdam-zuid", "education"),
        None,
        "2025-03-31",
    )
    .await;
    update(app, &admin, a1, "on_track", 30, "").await;
    update(
        app,
        &admin,
        a2,
        "at_risk",
        20,
        "Te weinig woningen beschikbaar",
    )
    .await;
    let m1 = app
        .post_ok(
            &admin,
            &format!("/api/v1/actions/{a1}/milestones"),
            json!({"title": "Intake gestart", "due_date": "2024-10-01"}),
            None,
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let indicator = app
        .post_ok(
            &admin,
            &format!("/api/v1/actions/{a2}/indicators"),
            json!({"name": "Huishoudens gehuisvest", "unit": "huishoudens", "baseline_value": 0.0, "target_value": 40.0, "target_date": "2025-06-30"}),
            None,
        )
        .await["id"]
        .as_i64()
        .unwrap();
    app.post_ok(
        &admin,
        &format!("/api/v1/indicators/{indicator}/values"),
        json!({"measured_on": "2024-09-01", "value": 5.0}),
        None,
    )
    .await;
    happened_at(app, "2024-09-15 10:00:00");

    update(
        app,
        &admin,
        a1,
        "off_track",
        25,
        "Wachtlijst schuldhulp loopt op",
    )
    .await;
    let tag = app.etag(&admin, &format!("/api/v1/actions/{a2}")).await;
    app.post_ok(
        &admin,
        &format!("/api/v1/actions/{a2}/baselines"),
        json!({"planned_start": "2024-07-01", "planned_end": "2025-09-30", "reason": "Bouw vertraagd"}),
        Some(&tag),
    )
    .await;
    complete_milestone(app, &admin, m1, "2024-10-05").await;
    app.post_ok(
        &admin,
        &format!("/api/v1/indicators/{indicator}/values"),
        json!({"measured_on": "2024-11-30", "value": 12.0}),
        None,
    )
    .await;
    happened_at(app, "2024-12-01 10:00:00");
    History {
        admin,
        actions: [a1, a2, a3, 0],
        indicator,
    }
}

/// After the first report (1 Mar 2025): a milestone of A1 done on 15 Nov 2024 is recorded only
/// now, and I1's value on 31 Dec 2024 (15): both corrections of the first report. A1 groen 40 %
/// and renamed "Schuldhulp Rotterdam-Zuid", A3 groen 10 %, A2 afgerond; new A4 Jongerenwerk
/// Zuidwest (VWS, youth, planned to 31 May 2025) oranje 10 % "Personeel ontbreekt", re-planned
/// to 31 Dec 2025.
async fn second_period(app: &TestApp, h: &mut History) {
    let admin = h.admin.clone();
    let [a1, a2, a3, _] = h.actions;
    let m2 = app
        .post_ok(
            &admin,
            &format!("/api/v1/actions/{a1}/milestones"),
            json!({"title": "Eerste gesprekken", "due_date": "2024-11-01"}),
            None,
        )
        .await["id"]
        .as_i64()
        .unwrap();
    complete_milestone(app, &admin, m2, "2024-11-15").await;
    app.post_ok(
        &admin,
        &format!("/api/v1/indicators/{}/values", h.indicator),
        json!({"measured_on": "2024-12-31", "value": 15.0}),
        None,
    )
    .await;
    update(app, &admin, a1, "on_track", 40, "").await;
    let tag = app.etag(&admin, &format!("/api/v1/actions/{a1}")).await;
    let response = app
        .send(
            Method::PATCH,
            &format!("/api/v1/actions/{a1}"),
            Some(&admin),
            Some(json!({"title": "Schuldhulp Rotterdam-Zuid"})),
            Some(&tag),
        )
        .await;
    assert_eq!(response.status(), 200);
    update(app, &admin, a3, "on_track", 10, "").await;
    update(app, &admin, a2, "completed", 100, "").await;
    let a4 = action(
        app,
        &admin,
        ("Jongerenwerk Zuidwest", "VWS", "den-haag-zuidwest", "youth"),
        Some(2_000_000),
        "2025-05-31",
    )
    .await;
    update(app, &admin, a4, "at_risk", 10, "Personeel ontbreekt").await;
    let tag = app.etag(&admin, &format!("/api/v1/actions/{a4}")).await;
    app.post_ok(
        &admin,
        &format!("/api/v1/actions/{a4}/baselines"),
        json!({"planned_start": "2024-07-01", "planned_end": "2025-12-31", "reason": "Werving duurt langer"}),
        Some(&tag),
    )
    .await;
    happened_at(app, "2025-03-01 10:00:00");
    h.actions[3] = a4;
}

async fn approve_all(app: &TestApp, admin: &str, period: &str, ministries: &[&str]) {
    for ministry in ministries {
        let path = format!("/api/v1/periods/{period}/signoffs/{ministry}");
        app.post_ok(
            admin,
            &path,
            json!({"state": "submitted", "note": "compleet"}),
            None,
        )
        .await;
        app.post_ok(admin, &path, json!({"state": "approved"}), None)
            .await;
    }
}

async fn generate(app: &TestApp, admin: &str, period: &str) -> Value {
    let response = app
        .send(
            Method::POST,
            "/api/v1/reports",
            Some(admin),
            Some(json!({"period": period})),
            None,
        )
        .await;
    assert_eq!(response.status(), 201, "generate {period}");
    assert_eq!(response.headers()["etag"], "\"v1\"");
    response.json().await.unwrap()
}

const FORMATS: [&str; 5] = ["pdf", "html", "xlsx", "csv", "md"];

async fn files(app: &TestApp, token: &str, report: &Value) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for format in FORMATS {
        let response = app
            .send(
                Method::GET,
                &format!("/api/v1/reports/{}/files/{format}", report["id"]),
                Some(token),
                None,
                None,
            )
            .await;
        assert_eq!(response.status(), 200, "{format}");
        let disposition = response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_string();
        let period = report["period"].as_str().unwrap();
        assert_eq!(
            disposition,
            format!("attachment; filename=\"voortgangsrapportage-{period}.{format}\"")
        );
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_string();
        let expected = match format {
            "pdf" => "application/pdf",
            "html" => "text/html; charset=utf-8",
            "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "csv" => "text/csv; charset=utf-8",
            _ => "text/markdown; charset=utf-8",
        };
        assert_eq!(content_type, expected);
        out.push(response.bytes().await.unwrap().to_vec());
    }
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

app_test!(
    async fn reports_show_a_hand_computed_history_the_same_every_time_with_corrections_in_the_next(
        app: TestApp,
    ) {
        let mut h = first_period(&app).await;
        let admin = h.admin.clone();
        let [a1, a2, a3, _] = h.actions;

        // Publishing needs every ministry in the report approved.
        let draft = generate(&app, &admin, "najaar-2024").await;
        let response = app
            .send(
                Method::POST,
                &format!("/api/v1/reports/{}/publish", draft["id"]),
                Some(&admin),
                None,
                Some("\"v1\""),
            )
            .await;
        assert_eq!(response.status(), 409, "not approved yet");
        let problem: Value = response.json().await.unwrap();
        assert!(
            problem["detail"].as_str().unwrap().contains("BZK"),
            "{problem}"
        );
        approve_all(&app, &admin, "najaar-2024", &["SZW", "BZK", "OCW"]).await;
        let response = app
            .send(
                Method::POST,
                &format!("/api/v1/reports/{}/publish", draft["id"]),
                Some(&admin),
                None,
                Some("\"v1\""),
            )
            .await;
        assert_eq!(
            response.status(),
            409,
            "the sign-offs changed after this draft"
        );

        // The same period gives the same bytes, in every format.
        let first = generate(&app, &admin, "najaar-2024").await;
        let first_files = files(&app, &admin, &first).await;
        let again = generate(&app, &admin, "najaar-2024").await;
        assert_eq!(first["content_hash"], again["content_hash"]);
        let p1_files = files(&app, &admin, &again).await;
        assert_eq!(first_files, p1_files, "same period, same bytes");
        let list = app
            .get_as(&admin, "/api/v1/reports?period=najaar-2024", 200)
            .await;
        assert_eq!(list["total"], 1, "the new draft replaced the old one");

        // Content of the first report, against the hand-computed history.
        assert_eq!(
            again["as_of"], "2024-12-31T22:59:59.999999Z",
            "the end of 31 December in Amsterdam"
        );
        let totals = &again["totals"];
        assert_eq!(totals["actions"], 3);
        assert_eq!(
            (
                totals["statuses"]["on_track"].as_i64(),
                totals["statuses"]["at_risk"].as_i64(),
                totals["statuses"]["off_track"].as_i64(),
                totals["statuses"]["not_started"].as_i64()
            ),
            (Some(0), Some(1), Some(1), Some(1))
        );
        assert_eq!(totals["on_schedule_percent"], 0.0);
        assert_eq!(totals["milestones"]["due"], 1);
        assert_eq!(totals["milestones"]["late"], 1);
        assert_eq!(totals["deviation"]["replanned_later"], 1);
        assert_eq!(totals["deviation"]["late_against_original"], 0);
        let md = text(&p1_files[4]);
        assert!(
            md.contains("| Schuldenproblematiek | 1 | 0 | 0 | 1 | 0 | 0 | 0 | 0 % |"),
            "{md}"
        );
        assert!(
            md.contains("| Huisvesting kwetsbare groepen | 1 | 0 | 1 | 0 | 0 | 0 | 0 | 0 % |"),
            "{md}"
        );
        assert!(
            md.contains("| Onderwijsachterstanden | 1 | 0 | 0 | 0 | 0 | 1 | 0 | – |"),
            "{md}"
        );
        assert!(
            md.contains("Dit is de eerste rapportage"),
            "no previous report"
        );
        // Every non-green action explained from its notes; the green and not-started are not.
        assert!(md.contains(" Schuldhulp Zuid (Rotterdam-Zuid)\n"), "{md}");
        assert!(
            md.contains("- 1 december 2024: Wachtlijst schuldhulp loopt op"),
            "{md}"
        );
        assert!(
            md.contains("- 15 september 2024: Te weinig woningen beschikbaar"),
            "{md}"
        );
        assert!(
            !md.contains(" Taalles Zuid (Rotterdam-Zuid)\n"),
            "not started needs no explanation"
        );
        // Deviation against the original and the current plan: A2 re-planned by 183 days.
        assert!(md.contains("| Huisvesting Zuidwest | Den Haag Zuidwest | 2025-03-31 | 2025-09-30 | 183 | nee | nee | 1 december 2024: Bouw vertraagd |"), "{md}");
        assert!(
            md.contains("Begroot in de huidige planning: € 100.000 (1 actie met een begroting)"),
            "{md}"
        );
        // The CSV is for Dutch Excel: a byte order mark, `;`, words, a decimal comma.
        let csv = text(&p1_files[3]);
        assert!(
            csv.starts_with("\u{feff}Nr;Actie;Gebied;Gebiedscode;"),
            "{csv}"
        );
        let a1_row = csv
            .lines()
            .find(|l| l.starts_with(&format!("{a1};")))
            .unwrap();
        assert!(a1_row.contains(";rood;off_track;25;100000,00;"), "{a1_row}");
        assert!(
            a1_row.ends_with(";Wachtlijst schuldhulp loopt op"),
            "{a1_row}"
        );

        // Publish it: immutable, one per period.
        let tag = app
            .etag(&admin, &format!("/api/v1/reports/{}", again["id"]))
            .await;
        let response = app
            .send(
                Method::POST,
                &format!("/api/v1/reports/{}/publish", again["id"]),
                Some(&admin),
                None,
                None,
            )
            .await;
        assert_eq!(response.status(), 428);
        let response = app
            .send(
                Method::POST,
                &format!("/api/v1/reports/{}/publish", again["id"]),
                Some(&admin),
                None,
                Some("\"v7\""),
            )
            .await;
        assert_eq!(response.status(), 412);
        let published = app
            .post_ok(
                &admin,
                &format!("/api/v1/reports/{}/publish", again["id"]),
                json!({}),
                Some(&tag),
            )
            .await;
        assert_eq!(published["state"], "published");
        assert_eq!(published["content_hash"], again["content_hash"]);
        let response = app
            .send(
                Method::POST,
                &format!("/api/v1/reports/{}/publish", again["id"]),
                Some(&admin),
                None,
                Some("\"v2\""),
            )
            .await;
        assert_eq!(response.status(), 409, "published once");
        let response = app
            .send(
                Method::POST,
                "/api/v1/reports",
                Some(&admin),
                Some(json!({"period": "najaar-2024"})),
                None,
            )
            .await;
        assert_eq!(response.status(), 409, "no new draft of a published period");
        let response = app
            .send(
                Method::POST,
                "/api/v1/periods/najaar-2024/signoffs/SZW",
                Some(&admin),
                Some(json!({"state": "reopened", "note": "te laat"})),
                None,
            )
            .await;
        assert_eq!(
            response.status(),
            409,
            "sign-offs are closed once published"
        );

        // Later history: corrections of the first period, the second period, and changes after
        // its cut-off that it must not show.
        second_period(&app, &mut h).await;
        let a4 = h.actions[3];
        let p2 = generate(&app, &admin, "voorjaar-2025").await;
        let p2_files = files(&app, &admin, &p2).await;
        update(&app, &admin, a1, "off_track", 45, "Na de peildatum").await;
        let tag = app.etag(&admin, &format!("/api/v1/actions/{a3}")).await;
        let response = app
            .send(
                Method::PATCH,
                &format!("/api/v1/actions/{a3}"),
                Some(&admin),
                Some(
                    json!({"title": "Taalles later hernoemd", "budget_cents": 999,
                            "reason": "Bezuiniging"}),
                ),
                Some(&tag),
            )
            .await;
        assert_eq!(response.status(), 200);
        happened_at(&app, "2025-08-01 10:00:00");
        let p2_again = generate(&app, &admin, "voorjaar-2025").await;
        assert_eq!(
            p2_again["content_hash"], p2["content_hash"],
            "later updates do not change the period"
        );
        assert_eq!(files(&app, &admin, &p2_again).await, p2_files);

        // The published first report, built again from history, is identical byte for byte:
        // the rename and the later records do not reach back.
        let mut conn = app.connect();
        let id = versnelling::domain::ReportId::from(published["id"].as_i64().unwrap());
        let verified = versnelling::service::reports::verify(&mut conn, id).unwrap();
        assert!(verified.identical(), "{verified:?}");
        assert_eq!(verified.stored_files.len(), 5);
        let stored = files(&app, &admin, &published).await;
        assert_eq!(stored, p1_files);

        // Content of the second report.
        let totals = &p2_again["totals"];
        assert_eq!(totals["actions"], 4);
        assert_eq!(totals["statuses"]["on_track"], 2);
        assert_eq!(totals["statuses"]["at_risk"], 1);
        assert_eq!(totals["statuses"]["completed"], 1);
        assert_eq!(
            totals["on_schedule_percent"], 75.0,
            "(2 groen + 1 afgerond) / 4"
        );
        assert_eq!(
            totals["deviation"]["late_against_original"], 3,
            "A1, A3 and A4 past their original end"
        );
        assert_eq!(
            totals["deviation"]["late_against_current"], 2,
            "A4 was re-planned"
        );
        assert_eq!(totals["deviation"]["replanned_later"], 2);
        let md = text(&p2_files[4]);
        assert!(md.contains("Vergeleken met de vastgestelde rapportage Najaar 2024 (peildatum 31 december 2024): 1 verbeterd, 0 verslechterd, 2 gestart, 1 afgerond, 0 gestopt; 1 actie nieuw."), "{md}");
        assert!(
            md.contains("- Schuldhulp Rotterdam-Zuid (Rotterdam-Zuid, SZW): rood → groen"),
            "{md}"
        );
        assert!(
            md.contains("- Taalles Zuid (Rotterdam-Zuid, OCW): niet gestart → groen"),
            "the rename came after the cut-off: {md}"
        );
        assert!(
            md.contains("- Jongerenwerk Zuidwest (Den Haag Zuidwest, VWS): nieuw → oranje"),
            "{md}"
        );
        assert!(
            md.contains("- Huisvesting Zuidwest (Den Haag Zuidwest, BZK): oranje → afgerond"),
            "{md}"
        );
        assert!(md.contains("| Schuldhulp Rotterdam-Zuid | Rotterdam-Zuid | Eerste gesprekken | niet behaald | behaald 15 november 2024 | 1 maart 2025 |"), "{md}");
        assert!(md.contains("| Huisvesting Zuidwest | Den Haag Zuidwest | Huishoudens gehuisvest | 12 (30 november 2024) | 15 (31 december 2024) | 1 maart 2025 |"), "{md}");
        assert!(!md.contains("Na de peildatum"));
        assert!(md.contains("| Jongerenwerk Zuidwest | Den Haag Zuidwest | 2025-05-31 | 2025-12-31 | 214 | ja | nee | 1 maart 2025: Werving duurt langer |"), "{md}");
        let _ = a2;

        // The same content in the workbook, typed, and in the HTML, escaped and with inline charts.
        let xlsx = &p2_files[2];
        xlsx_reads_back(xlsx, a4);
        let html = text(&p2_files[1]);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<html lang=\"nl\">"));
        assert!(html.contains("@media print"));
        assert!(html.contains("<svg"), "charts inline");
        assert!(!html.contains("src=\"http"), "self-contained");
        assert!(
            html.contains("De cijfers bij deze figuur"),
            "each chart has its numbers"
        );

        // The PDF opens, names every area, has contents and numbered pages.
        let pdf = &p2_files[0];
        assert!(pdf.starts_with(b"%PDF-"));
        if let Some(text) = crate::support::pdf_text(pdf) {
            let areas = app.get_as(&admin, "/api/v1/areas?limit=100", 200).await;
            for area in areas["items"].as_array().unwrap() {
                let name = area["name"].as_str().unwrap();
                assert!(text.contains(name), "{name} in the PDF");
            }
            assert!(text.contains("Inhoud"));
            assert!(text.contains("Correcties op de vorige rapportage"));
            assert!(text.contains("Eerste gesprekken"));
            if let Some(pages) = crate::support::pdf_pages(pdf) {
                assert!(pages > 5, "{pages} pages");
                assert!(
                    text.contains(&format!("Pagina {pages} van {pages}")),
                    "page numbers"
                );
            }
        }
    }
);

/// The workbook of the second report: a sheet per table, header rows, typed cells, frozen.
fn xlsx_reads_back(bytes: &[u8], a4: i64) {
    use calamine::{Data, Reader};
    let mut workbook =
        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let names = workbook.sheet_names();
    for sheet in [
        "Rapportage",
        "Per thema",
        "Per gebied",
        "Per ministerie",
        "Acties",
        "Mijlpalen",
        "Indicatoren",
        "Metingen",
        "Voortgangsmeldingen",
        "Planningen",
        "Toelichting",
        "Afwijkingen",
        "Wijzigingen",
        "Correcties",
    ] {
        assert!(
            names.iter().any(|n| n == sheet),
            "sheet {sheet} in {names:?}"
        );
    }
    let actions = workbook.worksheet_range("Acties").unwrap();
    let header: Vec<String> = actions
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(&header[..3], ["Nr", "Actie", "Omschrijving"]);
    let row = actions
        .rows()
        .find(|r| r[0] == Data::Float(a4 as f64))
        .expect("A4 in the sheet");
    assert_eq!(row[1], Data::String("Jongerenwerk Zuidwest".into()));
    assert_eq!(row[11], Data::String("oranje".into()));
    assert!(
        matches!(row[12], Data::Float(p) if (p - 0.10).abs() < 1e-9),
        "10 % as a fraction: {:?}",
        row[12]
    );
    assert!(
        matches!(row[13], Data::Float(e) if (e - 20_000.0).abs() < 1e-9),
        "euros: {:?}",
        row[13]
    );
    match &row[15] {
        Data::DateTime(d) => assert_eq!(d.as_datetime().unwrap().date().to_string(), "2025-05-31"),
        other => panic!("a date, got {other:?}"),
    }
    let themes = workbook.worksheet_range("Per thema").unwrap();
    let total = themes
        .rows()
        .find(|r| r[1] == Data::String("Totaal".into()))
        .unwrap();
    assert_eq!(total[2], Data::Float(4.0));
    assert!(
        matches!(total[9], Data::Float(p) if (p - 0.75).abs() < 1e-9),
        "{:?}",
        total[9]
    );
    let corrections = workbook.worksheet_range("Correcties").unwrap();
    assert_eq!(corrections.rows().count(), 3, "header and two corrections");

    // Frozen header rows, in the sheets' XML.
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("xl/worksheets/sheet5.xml").unwrap(),
        &mut xml,
    )
    .unwrap();
    assert!(
        xml.contains("state=\"frozen\"") && xml.contains("ySplit=\"1\""),
        "{xml}"
    );
    assert!(xml.contains("<autoFilter"), "autofilter");
}

app_test!(
    async fn viewers_and_municipalities_see_published_reports_only(app: TestApp) {
        let admin = app.admin_token().await;
        let (_, viewer) = app.user_with_token("viewer", None).await;
        let (_, municipality) = app.user_with_token("municipality", Some("rotterdam")).await;
        let (_, ministry) = app.user_with_token("ministry", Some("OCW")).await;
        let draft = generate(&app, &admin, "voorjaar-2021").await;
        let id = draft["id"].as_i64().unwrap();
        for token in [&viewer, &municipality] {
            assert_eq!(
                app.get_as(token, &format!("/api/v1/reports/{id}"), 404)
                    .await["status"],
                404
            );
            app.get_as(token, &format!("/api/v1/reports/{id}/files/pdf"), 404)
                .await;
            let list = app.get_as(token, "/api/v1/reports", 200).await;
            assert_eq!(list["total"], 0, "no drafts listed");
            let response = app
                .send(
                    Method::POST,
                    &format!("/api/v1/reports/{id}/publish"),
                    Some(token),
                    None,
                    Some("\"v1\""),
                )
                .await;
            assert_eq!(response.status(), 403);
        }
        // Ministries review the draft before it goes out.
        app.get_as(&ministry, &format!("/api/v1/reports/{id}"), 200)
            .await;
        assert_eq!(
            app.get_as(&ministry, "/api/v1/reports?period=voorjaar-2021", 200)
                .await["total"],
            1
        );
        let response = app
            .send(
                Method::POST,
                "/api/v1/reports",
                Some(&ministry),
                Some(json!({"period": "voorjaar-2021"})),
                None,
            )
            .await;
        assert_eq!(response.status(), 403);

        // Nobody has actions in spring 2021 here, so nobody needs to approve.
        let published = app
            .post_ok(
                &admin,
                &format!("/api/v1/reports/{id}/publish"),
                json!({}),
                Some("\"v1\""),
            )
            .await;
        assert_eq!(
            published["published_by"]
                .as_str()
                .map(|s| s.starts_with("admin-")),
            Some(true)
        );
        for token in [&viewer, &municipality] {
            let report = app
                .get_as(token, &format!("/api/v1/reports/{id}"), 200)
                .await;
            assert_eq!(report["state"], "published");
            assert_eq!(report["files"].as_array().unwrap().len(), 5);
            let response = app
                .send(
                    Method::GET,
                    &format!("/api/v1/reports/{id}/files/md"),
                    Some(token),
                    None,
                    None,
                )
                .await;
            assert_eq!(response.status(), 200);
            assert_eq!(app.get_as(token, "/api/v1/reports", 200).await["total"], 1);
        }
    }
);

app_test!(
    async fn bad_report_requests_are_problems_naming_the_field_and_change_nothing(app: TestApp) {
        let admin = app.admin_token().await;
        for (body, field) in [
            (json!({"period": "zomer-1999"}), "period"),
            (json!({"periode": "voorjaar-2021"}), "periode"),
            (json!({}), "period"),
        ] {
            let response = app
                .send(
                    Method::POST,
                    "/api/v1/reports",
                    Some(&admin),
                    Some(body.clone()),
                    None,
                )
                .await;
            assert_eq!(response.status(), 422, "{body}");
            assert_eq!(
                response.headers()["content-type"],
                "application/problem+json"
            );
            let problem: Value = response.json().await.unwrap();
            assert_eq!(problem["errors"][0]["field"], field, "{body}");
        }
        assert_eq!(
            app.get_as(&admin, "/api/v1/reports", 200).await["total"],
            0,
            "nothing made"
        );
        let problem = app
            .get_as(&admin, "/api/v1/reports?period=zomer-1999", 422)
            .await;
        assert_eq!(problem["errors"][0]["field"], "period");
        let problem = app.get_as(&admin, "/api/v1/reports?state=draft", 422).await;
        assert_eq!(problem["errors"][0]["field"], "state");
        let draft = generate(&app, &admin, "voorjaar-2021").await;
        let response = app
            .send(
                Method::GET,
                &format!("/api/v1/reports/{}/files/docx", draft["id"]),
                Some(&admin),
                None,
                None,
            )
            .await;
        assert_eq!(response.status(), 404);
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        app.get_as(&admin, "/api/v1/reports/999999", 404).await;
        app.get_as(&admin, "/api/v1/reports/abc", 404).await;

        // A draft made before its cut-off has passed cannot be published.
        app.post_ok(
            &admin,
            "/api/v1/periods",
            json!({"code": "jaar-2099", "name": "Jaar 2099", "cut_off": "2099-12-31"}),
            None,
        )
        .await;
        let early = generate(&app, &admin, "jaar-2099").await;
        assert!(
            early["as_of"].as_str().unwrap() < "2099",
            "the state of now, not of 2099"
        );
        let response = app
            .send(
                Method::POST,
                &format!("/api/v1/reports/{}/publish", early["id"]),
                Some(&admin),
                None,
                Some("\"v1\""),
            )
            .await;
        assert_eq!(response.status(), 409);
        let md = app
            .send(
                Method::GET,
                &format!("/api/v1/reports/{}/files/md", early["id"]),
                Some(&admin),
                None,
                None,
            )
            .await;
        assert!(
            md.text()
                .await
                .unwrap()
                .contains("De peildatum is nog niet verstreken")
        );
    }
);

app_test!(
    async fn user_text_in_a_report_is_escaped_in_html_and_markdown(app: TestApp) {
        let admin = app.admin_token().await;
        app.post_ok(&admin, "/api/v1/periods", json!({"code": "jaar-2026", "name": "Jaar 2026", "starts_on": "2026-01-01", "cut_off": "2026-12-31"}), None).await;
        let id = action(
            &app,
            &admin,
            (
                "<script>alert(1)</script> | *vet*",
                "SZW",
                "rotterdam-zuid",
                "debt",
            ),
            None,
            "2026-12-31",
        )
        .await;
        update(
            &app,
            &admin,
            id,
            "off_track",
            5,
            "<img src=x onerror=alert(2)>",
        )
        .await;
        let draft = generate(&app, &admin, "jaar-2026").await;
        let files = files(&app, &admin, &draft).await;
        let html = text(&files[1]);
        assert!(!html.contains("<script>alert"), "escaped");
        assert!(!html.contains("<img src=x"), "escaped");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        let md = text(&files[4]);
        assert!(
            md.contains("\\<script\\>alert(1)\\</script\\> \\| \\*vet\\*"),
            "{md}"
        );
    }
);

#[actix_web::test]
async fn the_automatic_draft_is_made_after_the_cut_off_and_not_before() {
    for backend in [
        crate::support::Backend::Sqlite,
        crate::support::Backend::Postgres,
    ] {
        let Some(app) = TestApp::spawn_with(
            backend,
            &[
                ("reports.auto_draft", "true"),
                ("reports.auto_draft_check_seconds", "1"),
            ],
        )
        .await
        else {
            continue;
        };
        let admin = app.admin_token().await;
        app.post_ok(
            &admin,
            "/api/v1/periods",
            json!({"code": "jaar-2099", "name": "Jaar 2099", "cut_off": "2099-12-31"}),
            None,
        )
        .await;
        // voorjaar-2021's cut-off passed long ago: a draft arrives without anyone asking.
        let mut found = Value::Null;
        for _ in 0..120 {
            let list = app
                .get_as(&admin, "/api/v1/reports?period=voorjaar-2021", 200)
                .await;
            if list["total"] == 1 {
                found = list["items"][0].clone();
                break;
            }
            actix_web::rt::time::sleep(std::time::Duration::from_millis(250)).await;
        }
        assert_eq!(found["state"], "draft", "{backend:?}: no automatic draft");
        assert_eq!(found["generated_by"], Value::Null, "made by the system");
        let mut conn = app.connect();
        let due = versnelling::service::reports::periods_due_for_a_draft(
            &mut conn,
            versnelling::db::now(),
        )
        .unwrap();
        assert!(
            due.is_empty(),
            "{backend:?}: jaar-2099 is not due, voorjaar-2021 has its draft: {due:?}"
        );
        assert_eq!(
            app.get_as(&admin, "/api/v1/reports?period=jaar-2099", 200)
                .await["total"],
            0
        );
    }
}

#[test]
fn the_report_command_writes_the_files_verifies_and_publishes_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("v.db").display());
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_versnelling"))
            .current_dir(dir.path())
            .env_remove("VERSNELLING_DATABASE_URL")
            .env("RUST_LOG", "warn")
            .args(["--database-url", &url])
            .args(args)
            .output()
            .unwrap()
    };
    let one_error_line = |output: &std::process::Output| {
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr).to_string();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with("error: ") && !stderr.contains("panicked"),
            "{stderr}"
        );
        stderr
    };
    let output = run(&[
        "report",
        "--period",
        "voorjaar-2021",
        "--format",
        "pdf,md",
        "--out",
        "rapporten",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let written = dir.path().join("rapporten");
    let pdf = std::fs::read(written.join("voortgangsrapportage-voorjaar-2021.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let md =
        std::fs::read_to_string(written.join("voortgangsrapportage-voorjaar-2021.md")).unwrap();
    assert!(md.starts_with("# Voortgangsrapportage versnellingsacties: Voorjaar 2021"));
    assert!(
        !written
            .join("voortgangsrapportage-voorjaar-2021.html")
            .exists(),
        "only what was asked"
    );

    let stderr = one_error_line(&run(&[
        "report",
        "--period",
        "voorjaar-2021",
        "--format",
        "pdf,docx",
    ]));
    assert!(
        stderr.contains("--format") && stderr.contains("docx"),
        "{stderr}"
    );
    let stderr = one_error_line(&run(&["report", "--period", "zomer-1999"]));
    assert!(stderr.contains("zomer-1999"), "{stderr}");

    let output = run(&["report", "--period", "voorjaar-2021", "--verify"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    for check in [
        "1. stored files: ok (5 files",
        "2. snapshot from history: ok",
        "3. files drawn again: ok (5 files, byte for byte)",
    ] {
        assert!(stdout.contains(check), "{check}: {stdout}");
    }

    let output = run(&[
        "report",
        "--period",
        "voorjaar-2021",
        "--publish",
        "--format",
        "md",
        "--out",
        "rapporten",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("published report"));
    let stderr = one_error_line(&run(&["report", "--period", "voorjaar-2021", "--publish"]));
    assert!(
        stderr.contains("already has a published report"),
        "{stderr}"
    );
    // Asked again, the published report is written as it was published.
    let output = run(&[
        "report",
        "--period",
        "voorjaar-2021",
        "--format",
        "md",
        "--out",
        "opnieuw",
    ]);
    assert!(output.status.success());
    let again = std::fs::read_to_string(
        dir.path()
            .join("opnieuw/voortgangsrapportage-voorjaar-2021.md"),
    )
    .unwrap();
    assert_eq!(again, md);
}
