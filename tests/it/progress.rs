//! Roll-ups against a small hand-computed data set, and the chart endpoints.

use reqwest::Method;
use serde_json::{Value, json};

use crate::app_test;
use crate::support::TestApp;

async fn post(
    app: &TestApp,
    token: &str,
    path: &str,
    body: Value,
    if_match: Option<&str>,
) -> Value {
    let response = app
        .send(
            Method::POST,
            path,
            Some(token),
            Some(body.clone()),
            if_match,
        )
        .await;
    assert!(
        response.status().is_success(),
        "POST {path} {body}: {}",
        response.status()
    );
    response.json().await.unwrap()
}

async fn etag(app: &TestApp, token: &str, path: &str) -> String {
    app.send(Method::GET, path, Some(token), None, None)
        .await
        .headers()["etag"]
        .to_str()
        .unwrap()
        .to_string()
}

/// Three actions: A1 (BZK, Rotterdam-Zuid) groen 40 % with one milestone met on time and one
/// late; A2 (SZW, Rotterdam-Zuid) oranje 20 %, re-planned from June to December 2026; A3 (OCW,
/// Den Haag Zuidwest) never updated with an overdue milestone. Period "najaar-2026": 1 January
/// to 31 December 2026.
async fn data_set(app: &TestApp) -> (String, [i64; 3]) {
    let admin = app.admin_token().await;
    post(app, &admin, "/api/v1/periods", json!({"code": "najaar-2026", "name": "Najaar 2026", "starts_on": "2026-01-01", "cut_off": "2026-12-31"}), None).await;
    let mut ids = [0; 3];
    for (i, (ministry, area, theme, budget)) in [
        ("BZK", "rotterdam-zuid", "housing", Some(300)),
        ("SZW", "rotterdam-zuid", "debt", Some(100)),
        ("OCW", "den-haag-zuidwest", "education", None),
    ]
    .into_iter()
    .enumerate()
    {
        let action = post(app, &admin, "/api/v1/actions", json!({
            "title": format!("Actie {}", i + 1), "area": area, "ministry": ministry, "theme": theme,
            "budget_cents": budget, "planned_start": "2026-01-01", "planned_end": "2026-06-30"
        }), None).await;
        ids[i] = action["id"].as_i64().unwrap();
    }
    post(
        app,
        &admin,
        &format!("/api/v1/actions/{}/updates", ids[0]),
        json!({"status": "on_track", "percent_complete": 40}),
        None,
    )
    .await;
    post(
        app,
        &admin,
        &format!("/api/v1/actions/{}/updates", ids[1]),
        json!({"status": "at_risk", "percent_complete": 20, "note": "Personeelstekort"}),
        None,
    )
    .await;
    let tag = etag(app, &admin, &format!("/api/v1/actions/{}", ids[1])).await;
    post(app, &admin, &format!("/api/v1/actions/{}/baselines", ids[1]), json!({"planned_start": "2026-01-01", "planned_end": "2026-12-31", "reason": "Later gestart"}), Some(&tag)).await;
    for (action, due, done) in [
        (ids[0], "2026-01-10", Some("2026-01-05")),
        (ids[0], "2026-02-01", Some("2026-02-10")),
        (ids[2], "2026-03-01", None),
    ] {
        let m = post(
            app,
            &admin,
            &format!("/api/v1/actions/{action}/milestones"),
            json!({"title": "Mijlpaal", "due_date": due}),
            None,
        )
        .await;
        if let Some(done) = done {
            let path = format!("/api/v1/milestones/{}", m["id"]);
            let tag = etag(app, &admin, &path).await;
            post(
                app,
                &admin,
                &format!("{path}/complete"),
                json!({"done_on": done}),
                Some(&tag),
            )
            .await;
        }
    }
    (admin, ids)
}

app_test!(
    async fn roll_ups_match_a_hand_computed_data_set(app: TestApp) {
        let (admin, ids) = data_set(&app).await;
        let (_, viewer) = app.user_with_token("viewer", None).await;
        let report = app
            .get_as(
                &viewer,
                "/api/v1/progress?group_by=area&period=najaar-2026",
                200,
            )
            .await;
        assert_eq!(report["cut_off"], "2026-12-31");
        let groups = report["groups"].as_array().unwrap();
        assert_eq!(
            groups
                .iter()
                .map(|g| g["key"].as_str().unwrap())
                .collect::<Vec<_>>(),
            ["den-haag-zuidwest", "rotterdam-zuid"]
        );
        let (den_haag, rotterdam) = (&groups[0], &groups[1]);

        assert_eq!(rotterdam["actions"], 2);
        assert_eq!(rotterdam["statuses"]["on_track"], 1);
        assert_eq!(rotterdam["statuses"]["at_risk"], 1);
        assert_eq!(rotterdam["on_schedule_percent"], 50.0);
        assert_eq!(
            rotterdam["weighted_percent_complete"], 35.0,
            "(40 x 300 + 20 x 100) / 400"
        );
        assert_eq!(rotterdam["milestones"]["due"], 2);
        assert_eq!(rotterdam["milestones"]["met_on_time"], 1);
        assert_eq!(rotterdam["milestones"]["late"], 1);
        assert_eq!(rotterdam["milestones"]["on_time_rate"], 50.0);
        // As of the cut-off (31 December) both are past their original June end; only A1 is
        // past the plan in force, because A2 was re-planned to December.
        assert_eq!(rotterdam["deviation"]["late_against_original"], 2);
        assert_eq!(rotterdam["deviation"]["late_against_current"], 1);
        assert_eq!(rotterdam["deviation"]["replanned_later"], 1);
        assert_eq!(
            rotterdam["deviation"]["mean_slip_days"], 92.0,
            "(0 + 184) / 2"
        );
        assert_eq!(rotterdam["stale"], 0);

        assert_eq!(den_haag["statuses"]["not_started"], 1);
        assert_eq!(
            den_haag["on_schedule_percent"],
            Value::Null,
            "nothing that counts"
        );
        assert_eq!(den_haag["milestones"]["overdue"], 1);
        assert_eq!(den_haag["milestones"]["on_time_rate"], 0.0);
        assert_eq!(den_haag["stale"], 1);
        assert_eq!(report["total"]["actions"], 3);

        let readiness = report["readiness"].as_array().unwrap();
        let ocw = readiness.iter().find(|r| r["ministry"] == "OCW").unwrap();
        assert_eq!(
            (ocw["actions"].as_i64(), ocw["ready"].as_i64()),
            (Some(1), Some(0))
        );
        assert_eq!(ocw["missing"], json!([ids[2]]));
        let bzk = readiness.iter().find(|r| r["ministry"] == "BZK").unwrap();
        assert_eq!(bzk["ready"], 1);

        let by_ministry = app
            .get_as(
                &viewer,
                "/api/v1/progress?group_by=ministry&area=rotterdam-zuid",
                200,
            )
            .await;
        let keys: Vec<&str> = by_ministry["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["key"].as_str().unwrap())
            .collect();
        assert_eq!(keys, ["BZK", "SZW"]);
        // Before anything existed, there is nothing to count.
        let early = app
            .get_as(&viewer, "/api/v1/progress?as_of=2020-01-01", 200)
            .await;
        assert_eq!(early["total"]["actions"], 0);
        for (query, field) in [
            ("group_by=colour", "group_by"),
            ("period=zomer-1999", "period"),
            ("stale_weeks=0", "stale_weeks"),
            ("as_of=ooit", "as_of"),
        ] {
            let response = app
                .send(
                    Method::GET,
                    &format!("/api/v1/progress?{query}"),
                    Some(&admin),
                    None,
                    None,
                )
                .await;
            assert_eq!(response.status(), 422, "{query}");
            let problem: Value = response.json().await.unwrap();
            assert_eq!(problem["errors"][0]["field"], field, "{query}");
        }
    }
);

fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    let number =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    (number(16), number(20))
}

app_test!(
    async fn every_chart_renders_as_svg_and_png_with_the_data_and_answers_304_while_unchanged(
        app: TestApp,
    ) {
        let (admin, _) = data_set(&app).await;
        let indicator = post(&app, &admin, "/api/v1/actions/1/indicators", json!({"name": "Bereikte gezinnen", "baseline_value": 0.0, "target_value": 50.0, "target_date": "2026-12-31"}), None).await;
        post(
            &app,
            &admin,
            &format!("/api/v1/indicators/{}/values", indicator["id"]),
            json!({"measured_on": "2026-06-01", "value": 20.0}),
            None,
        )
        .await;
        for (name, expected) in [
            ("areas-status", "Rotterdam-Zuid"),
            ("area-theme-matrix", "Den Haag Zuidwest"),
            ("milestones-burnup", "<svg"),
            ("ministry-status", "SZW"),
            ("map", "Leeuwarden-Oost"),
        ] {
            let svg = app
                .send(
                    Method::GET,
                    &format!("/api/v1/charts/{name}.svg?period=najaar-2026"),
                    Some(&admin),
                    None,
                    None,
                )
                .await;
            assert_eq!(svg.status(), 200, "{name}");
            assert_eq!(svg.headers()["content-type"], "image/svg+xml", "{name}");
            let text = svg.text().await.unwrap();
            assert!(text.contains(expected), "{name} shows {expected}");
            let png = app
                .send(
                    Method::GET,
                    &format!("/api/v1/charts/{name}.png?width=640&height=400"),
                    Some(&admin),
                    None,
                    None,
                )
                .await;
            assert_eq!(png.status(), 200, "{name}");
            assert_eq!(png_size(&png.bytes().await.unwrap()), (640, 400), "{name}");
        }
        let trend = app
            .send(
                Method::GET,
                &format!(
                    "/api/v1/charts/indicator-trend.svg?indicator={}",
                    indicator["id"]
                ),
                Some(&admin),
                None,
                None,
            )
            .await;
        assert_eq!(trend.status(), 200);
        assert!(trend.text().await.unwrap().contains("Bereikte gezinnen"));

        // Unchanged data and question: 304. After a write: a new chart.
        let first = app
            .send(
                Method::GET,
                "/api/v1/charts/map.svg",
                Some(&admin),
                None,
                None,
            )
            .await;
        let tag = first.headers()["etag"].to_str().unwrap().to_string();
        let again = app
            .client
            .get(app.url("/api/v1/charts/map.svg"))
            .bearer_auth(&admin)
            .header("If-None-Match", &tag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304);
        post(
            &app,
            &admin,
            "/api/v1/actions/3/updates",
            json!({"status": "off_track", "percent_complete": 0, "note": "Geen locatie"}),
            None,
        )
        .await;
        let changed = app
            .client
            .get(app.url("/api/v1/charts/map.svg"))
            .bearer_auth(&admin)
            .header("If-None-Match", &tag)
            .send()
            .await
            .unwrap();
        assert_eq!(changed.status(), 200);
        assert_ne!(changed.headers()["etag"].to_str().unwrap(), tag);

        // A browser that takes gzip gets the same SVG compressed, with its own ETag.
        let chart = |path: &'static str, accept: Option<&'static str>| {
            let mut request = app.client.get(app.url(path)).bearer_auth(&admin);
            if let Some(accept) = accept {
                request = request.header("Accept-Encoding", accept);
            }
            request.send()
        };
        let svg = "/api/v1/charts/areas-status.svg";
        let plain = chart(svg, None).await.unwrap();
        assert_eq!(plain.headers().get("content-encoding"), None);
        assert_eq!(plain.headers()["vary"], "Accept-Encoding");
        let plain_tag = plain.headers()["etag"].to_str().unwrap().to_string();
        let plain = plain.bytes().await.unwrap();
        for accept in ["gzip, deflate, br", "br;q=1.0, gzip;q=0.8", "*"] {
            let packed = chart(svg, Some(accept)).await.unwrap();
            assert_eq!(packed.status(), 200, "{accept}");
            assert_eq!(packed.headers()["content-encoding"], "gzip", "{accept}");
            assert_ne!(packed.headers()["etag"].to_str().unwrap(), plain_tag);
            let packed = packed.bytes().await.unwrap();
            assert!(
                packed.len() * 3 < plain.len(),
                "{} of {}",
                packed.len(),
                plain.len()
            );
            let mut unpacked = Vec::new();
            std::io::Read::read_to_end(
                &mut flate2::read::GzDecoder::new(&packed[..]),
                &mut unpacked,
            )
            .unwrap();
            assert_eq!(unpacked, plain.to_vec(), "{accept}");
        }
        for refused in ["gzip;q=0", "br", "identity", "gzip;q=0, *"] {
            let as_is = chart(svg, Some(refused)).await.unwrap();
            assert_eq!(as_is.headers().get("content-encoding"), None, "{refused}");
            assert_eq!(as_is.bytes().await.unwrap(), plain, "{refused}");
        }
        // PNG is compressed already: sent as it is.
        let png = chart("/api/v1/charts/areas-status.png", Some("gzip"))
            .await
            .unwrap();
        assert_eq!(png.headers().get("content-encoding"), None);

        // Filters that match nothing: a chart that says so.
        let empty = app
            .send(
                Method::GET,
                "/api/v1/charts/areas-status.svg?ministry=VWS",
                Some(&admin),
                None,
                None,
            )
            .await;
        assert_eq!(empty.status(), 200);
        assert!(empty.text().await.unwrap().contains("Geen gegevens"));

        for (path, status, field) in [
            ("/api/v1/charts/pie.svg", 404, None),
            ("/api/v1/charts/map.gif", 404, None),
            ("/api/v1/charts/map.svg?width=99999", 422, Some("width")),
            ("/api/v1/charts/map.png?height=1", 422, Some("height")),
            ("/api/v1/charts/indicator-trend.svg", 422, Some("indicator")),
            ("/api/v1/charts/map.svg?lang=fr", 422, Some("lang")),
        ] {
            let response = app.send(Method::GET, path, Some(&admin), None, None).await;
            assert_eq!(response.status(), status, "{path}");
            if let Some(field) = field {
                let problem: Value = response.json().await.unwrap();
                assert_eq!(problem["errors"][0]["field"], field, "{path}");
            }
        }
    }
);

app_test!(
    async fn charts_speak_the_language_asked_for_with_its_theme_names_and_its_own_etag(
        app: TestApp,
    ) {
        let (admin, _) = data_set(&app).await;
        let get = |path: &'static str| app.client.get(app.url(path)).bearer_auth(&admin).send();
        let dutch = get("/api/v1/charts/area-theme-matrix.svg").await.unwrap();
        let dutch_tag = dutch.headers()["etag"].to_str().unwrap().to_string();
        let dutch = dutch.text().await.unwrap();
        assert!(dutch.contains("Stoplicht per gebied en thema"));
        assert!(dutch.contains("Schuldenproblematiek"));
        let english = get("/api/v1/charts/area-theme-matrix.svg?lang=en")
            .await
            .unwrap();
        assert_eq!(english.status(), 200);
        let english_tag = english.headers()["etag"].to_str().unwrap().to_string();
        let english = english.text().await.unwrap();
        assert!(
            english.contains("Traffic light per area and theme"),
            "fixed texts"
        );
        assert!(english.contains("Debt"), "the themes' English names");
        assert!(!english.contains("Schuldenproblematiek"));
        assert!(!english.contains("gebieden"));
        // Another question, so another cached answer and another ETag.
        assert_ne!(english_tag, dutch_tag);
        let again = get("/api/v1/charts/area-theme-matrix.svg").await.unwrap();
        assert_eq!(
            again.text().await.unwrap(),
            dutch,
            "the Dutch chart is not replaced"
        );

        // The page route draws in the page's language the same way.
        let (_, _, session) = app.web_user("viewer", None).await;
        let page = app.page(Some(&session), "/grafieken/map.svg?lang=en").await;
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains("Urban renewal areas"));
    }
);

/// With one render slot and no waiting, a chart asked for while another renders is refused
/// with 503 and Retry-After instead of piling up; the first one still finishes.
#[actix_web::test]
async fn renders_beyond_the_cap_get_503_with_retry_after() {
    let app = crate::support::TestApp::spawn_with(
        crate::support::Backend::Sqlite,
        &[
            ("server.max_concurrent_renders", "1"),
            ("server.render_wait_seconds", "0"),
        ],
    )
    .await
    .expect("app");
    let admin = app.admin_token().await;
    let slow = {
        let client = app.client.clone();
        let url = app.url("/api/v1/charts/map.png?width=4000&height=4000");
        let admin = admin.clone();
        actix_web::rt::spawn(async move {
            client
                .get(url)
                .bearer_auth(admin)
                .send()
                .await
                .map(|r| r.status().as_u16())
        })
    };
    // Ask again while the big PNG renders (over a second in a debug build) until refused.
    let mut refused = None;
    for _ in 0..20 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let response = app
            .send(
                Method::GET,
                "/api/v1/charts/map.svg",
                Some(&admin),
                None,
                None,
            )
            .await;
        if response.status() == 503 {
            refused = Some(response);
            break;
        }
    }
    let refused = refused.expect("a render was refused while the slot was taken");
    assert_eq!(refused.headers()["retry-after"], "1");
    assert_eq!(
        refused.headers()["content-type"],
        "application/problem+json"
    );
    assert_eq!(slow.await.unwrap().unwrap(), 200);
    // With the slot free again, the same chart renders.
    let again = app
        .send(
            Method::GET,
            "/api/v1/charts/map.svg",
            Some(&admin),
            None,
            None,
        )
        .await;
    assert_eq!(again.status(), 200);
}

// The roll-up without a moment is what the tables hold now; with `as_of` it is rebuilt from
// history. For the same moment both must agree, group for group.
app_test!(
    async fn the_roll_up_now_equals_the_one_rebuilt_from_history(app: TestApp) {
        let (admin, _) = data_set(&app).await;
        // Strictly after every write above (as_of counts what was recorded before it).
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let moment = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.6fZ");
        for group_by in ["area", "ministry", "theme"] {
            let now = app
                .get_as(
                    &admin,
                    &format!("/api/v1/progress?group_by={group_by}"),
                    200,
                )
                .await;
            let rebuilt = app
                .get_as(
                    &admin,
                    &format!("/api/v1/progress?group_by={group_by}&as_of={moment}"),
                    200,
                )
                .await;
            assert_eq!(now["groups"], rebuilt["groups"], "group_by={group_by}");
            assert_eq!(now["total"], rebuilt["total"], "group_by={group_by}");
            assert!(now["total"]["actions"].as_u64().unwrap() >= 3, "{now}");
        }
    }
);

/// A counter of `/metrics`.
async fn metric(app: &TestApp, name: &str) -> u64 {
    let metrics = app.get("/metrics").await.text().await.unwrap();
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("{name} in /metrics: {metrics}"))
        .parse()
        .unwrap()
}

/// `n` GETs of `path` sent at once; every answer must be 200. Their bodies, in order.
async fn all_at_once(
    app: &TestApp,
    token: &str,
    path: &str,
    n: usize,
) -> Vec<actix_web::web::Bytes> {
    let requests: Vec<_> = (0..n)
        .map(|_| {
            let request = app.client.get(app.url(path)).bearer_auth(token).send();
            actix_web::rt::spawn(async move {
                let response = request.await.expect("request");
                (response.status().as_u16(), response.bytes().await.unwrap())
            })
        })
        .collect();
    let mut bodies = Vec::new();
    for request in requests {
        let (status, body) = request.await.unwrap();
        assert_eq!(status, 200, "GET {path}");
        bodies.push(body);
    }
    bodies
}

// After a change many people open the same chart at once (a dashboard after a progress
// update). The first request draws it; the others wait for that drawing and get its answer,
// instead of each drawing their own copy alongside (memory grew by about 25 MB per concurrent
// drawing of the whole programme at 100,000 actions).
app_test!(
    async fn many_requests_for_one_new_chart_draw_it_once(app: TestApp) {
        let (admin, ids) = data_set(&app).await;
        let chart = "/api/v1/charts/areas-status.svg";
        // A write, so no chart for this data version is kept yet.
        post(
            &app,
            &admin,
            &format!("/api/v1/actions/{}/updates", ids[1]),
            json!({"status": "at_risk", "percent_complete": 30, "note": "Later"}),
            None,
        )
        .await;
        let before = metric(&app, "versnelling_cache_stores_total").await;
        let bodies = all_at_once(&app, &admin, chart, 12).await;
        assert!(bodies.windows(2).all(|w| w[0] == w[1]), "one chart for all");
        assert!(String::from_utf8_lossy(&bodies[0]).contains("<svg"));
        let after = metric(&app, "versnelling_cache_stores_total").await;
        assert_eq!(
            after - before,
            1,
            "the chart was drawn once for 12 requests"
        );
        // Another chart is drawn on its own.
        app.get_as(&admin, "/api/v1/charts/ministry-status.svg", 200)
            .await;
        assert_eq!(
            metric(&app, "versnelling_cache_stores_total").await,
            after + 1
        );
        // The same for the roll-up of the whole programme (the shared cached path).
        let before = metric(&app, "versnelling_cache_stores_total").await;
        let bodies = all_at_once(&app, &admin, "/api/v1/progress", 12).await;
        assert!(
            bodies.windows(2).all(|w| w[0] == w[1]),
            "one roll-up for all"
        );
        assert_eq!(
            metric(&app, "versnelling_cache_stores_total").await - before,
            1,
            "the roll-up was computed once for 12 requests"
        );
    }
);

// Roll-ups, lists and charts are kept in memory, keyed by the data version: a write through
// the API, a write in plain SQL and a write through another instance on the same database must
// each show at once.
app_test!(
    async fn kept_answers_follow_every_write_from_anywhere(app: TestApp) {
        use diesel::RunQueryDsl;
        let (admin, ids) = data_set(&app).await;
        let progress = "/api/v1/progress?area=rotterdam-zuid";
        let list = "/api/v1/actions?area=rotterdam-zuid&limit=100";
        let chart = "/api/v1/charts/areas-status.svg";
        let first = app.get_as(&admin, progress, 200).await;
        assert_eq!(first, app.get_as(&admin, progress, 200).await);
        let hits = metric(&app, "versnelling_cache_hits_total").await;
        assert!(hits >= 1, "the repeated roll-up came from the cache");
        let tag = etag(&app, &admin, chart).await;
        assert_eq!(
            tag,
            etag(&app, &admin, chart).await,
            "unchanged data, same chart"
        );

        // Through the API.
        post(
            &app,
            &admin,
            &format!("/api/v1/actions/{}/updates", ids[0]),
            json!({"status": "off_track", "percent_complete": 41, "note": "Vertraging"}),
            None,
        )
        .await;
        let after_api = app.get_as(&admin, progress, 200).await;
        assert_ne!(first["total"], after_api["total"], "{after_api}");
        let actions = app.get_as(&admin, list, 200).await;
        let a1 = actions["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == ids[0])
            .unwrap();
        assert_eq!(a1["percent_complete"], 41);
        let tag_after = etag(&app, &admin, chart).await;
        assert_ne!(tag, tag_after, "a write changes the chart's ETag");

        // In plain SQL, past the service.
        diesel::sql_query(format!(
            "UPDATE actions SET title = 'Hernoemd buiten de dienst om' WHERE id = {}",
            ids[0]
        ))
        .execute(&mut app.connect())
        .unwrap();
        let actions = app.get_as(&admin, list, 200).await;
        assert!(
            actions["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["title"] == "Hernoemd buiten de dienst om"),
            "{actions}"
        );
        assert_ne!(tag_after, etag(&app, &admin, chart).await);

        // Through a second instance on the same database.
        let other = versnelling::startup::Application::build(app.database.settings())
            .await
            .expect("a second instance starts");
        let other_address = format!("http://127.0.0.1:{}", other.port());
        actix_web::rt::spawn(other.into_server());
        let response = app
            .client
            .post(format!("{other_address}/api/v1/actions/{}/updates", ids[1]))
            .bearer_auth(&admin)
            .json(&json!({"status": "completed", "percent_complete": 100}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let here = app.get_as(&admin, progress, 200).await;
        let there: Value = app
            .client
            .get(format!("{other_address}{progress}"))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(here["total"], there["total"], "both instances answer alike");
        assert_ne!(here["total"], after_api["total"], "{here}");
    }
);
