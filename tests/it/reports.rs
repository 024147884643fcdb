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
