//! The reference endpoints and the seeding behind them.

use crate::{app_test, both_backends};
use diesel::prelude::*;
use versnelling::db;
use versnelling::db::schema::{areas, report_periods};
use versnelling::seed;

app_test!(
    async fn areas_lists_the_16_urban_renewal_areas_with_their_fields(app: TestApp) {
        let token = app.admin_token().await;
        let body = app.get_as(&token, "/api/v1/areas", 200).await;
        assert_eq!(body["total"], 16);
        let items = body["items"].as_array().expect("items");
        assert_eq!(items.len(), 16);
        let zuid = items
            .iter()
            .find(|a| a["code"] == "rotterdam-zuid")
            .expect("Rotterdam-Zuid");
        assert_eq!(zuid["name"], "Rotterdam-Zuid");
        assert_eq!(zuid["municipality"]["code"], "rotterdam");
        assert_eq!(zuid["municipality"]["name"], "Rotterdam");
        assert_eq!(zuid["province"], "Zuid-Holland");
        assert_eq!(zuid["latitude"], 51.885);
        assert_eq!(zuid["longitude"], 4.5);
        let leeuwarden = items
            .iter()
            .find(|a| a["code"] == "leeuwarden-oost")
            .expect("Leeuwarden");
        assert_eq!(leeuwarden["province"], "Fryslân");
        let municipalities: std::collections::BTreeSet<_> = items
            .iter()
            .map(|a| a["municipality"]["code"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(municipalities.len(), 15, "16 areas in 15 municipalities");
    }
);

app_test!(
    async fn one_area_is_found_by_its_code_and_an_unknown_code_is_a_problem(app: TestApp) {
        let (_, token) = app.user_with_token("viewer", None).await;
        let area = app
            .get_as(&token, "/api/v1/areas/den-haag-zuidwest", 200)
            .await;
        assert_eq!(area["name"], "Den Haag Zuidwest");
        assert_eq!(area["municipality"]["name"], "Den Haag");

        let response = app
            .send(
                reqwest::Method::GET,
                "/api/v1/areas/atlantis",
                Some(&token),
                None,
                None,
            )
            .await;
        assert_eq!(response.status(), 404);
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            "application/problem+json"
        );
        let problem: serde_json::Value = response.json().await.unwrap();
        assert_eq!(problem["status"], 404);
        assert_eq!(problem["detail"], "area `atlantis` not found");
    }
);

app_test!(
    async fn ministries_and_themes_are_the_five_of_the_programme(app: TestApp) {
        let (_, token) = app.user_with_token("ministry", Some("SZW")).await;
        let ministries = app.get_as(&token, "/api/v1/ministries", 200).await;
        assert_eq!(ministries["total"], 5);
        let codes: Vec<_> = ministries["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["code"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(codes, ["BZK", "SZW", "OCW", "VWS", "JenV"]);
        assert_eq!(
            ministries["items"][0]["name"],
            "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties"
        );

        let themes = app.get_as(&token, "/api/v1/themes", 200).await;
        assert_eq!(themes["total"], 5);
        let codes: Vec<_> = themes["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["code"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            codes,
            ["housing", "debt", "education", "youth", "employment"]
        );
        assert_eq!(themes["items"][1]["name_nl"], "Schuldenproblematiek");

        let groups = app.get_as(&token, "/api/v1/target-groups", 200).await;
        assert_eq!(groups["total"], 3);
        let aspects = app.get_as(&token, "/api/v1/aspects", 200).await;
        assert_eq!(aspects["total"], 3);
        let periods = app.get_as(&token, "/api/v1/periods", 200).await;
        assert_eq!(periods["items"][0]["code"], "voorjaar-2021");
        assert_eq!(periods["items"][0]["cut_off"], "2021-03-31");
    }
);

app_test!(
    async fn lists_page_with_limit_and_offset_and_name_a_bad_parameter(app: TestApp) {
        let (_, token) = app.user_with_token("municipality", Some("rotterdam")).await;
        let page = app
            .get_as(&token, "/api/v1/areas?limit=5&offset=15", 200)
            .await;
        assert_eq!(page["total"], 16);
        assert_eq!(page["items"].as_array().unwrap().len(), 1);
        assert_eq!(page["limit"], 5);

        for (query, field) in [
            ("limit=0", "limit"),
            ("limit=ten", "limit"),
            ("offset=-1", "offset"),
            ("limt=3", "limt"),
        ] {
            let path = format!("/api/v1/areas?{query}");
            let response = app
                .send(reqwest::Method::GET, &path, Some(&token), None, None)
                .await;
            assert_eq!(response.status(), 422, "{query}");
            let problem: serde_json::Value = response.json().await.unwrap();
            assert_eq!(problem["errors"][0]["field"], field, "{query}");
        }
    }
);

app_test!(
    async fn health_readiness_and_metrics_answer(app: TestApp) {
        assert_eq!(app.get_json("/healthz", 200).await["status"], "ok");
        assert_eq!(app.get_json("/readyz", 200).await["status"], "ready");
        let token = app.admin_token().await;
        // A trailing slash and doubled slashes find the same route, the query kept.
        let plain = app.get_as(&token, "/api/v1/areas?limit=3", 200).await;
        assert_eq!(plain["items"].as_array().unwrap().len(), 3);
        assert_eq!(
            app.get_as(&token, "/api/v1/areas/?limit=3", 200).await,
            plain
        );
        assert_eq!(
            app.get_as(&token, "//api//v1/areas?limit=3", 200).await,
            plain
        );
        let response = app
            .send(
                reqwest::Method::GET,
                "/api/v1/areas",
                Some(&token),
                None,
                None,
            )
            .await;
        for (header, value) in [
            ("x-content-type-options", "nosniff"),
            ("x-frame-options", "DENY"),
            ("referrer-policy", "no-referrer"),
            (
                "content-security-policy",
                "default-src 'none'; frame-ancestors 'none'",
            ),
        ] {
            assert_eq!(response.headers()[header], value, "{header}");
        }
        assert!(
            response
                .headers()
                .get("access-control-allow-origin")
                .is_none(),
            "CORS is closed"
        );
        let request_id = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_string();
        assert_eq!(request_id.len(), 24);
        let metrics = app.get("/metrics").await.text().await.unwrap();
        assert!(
            metrics.contains(
                "versnelling_http_requests_total{method=\"GET\",route=\"/api/v1/areas\",status=\"200\"} 4"
            ),
            "{metrics}"
        );
        let unknown = app.get("/nothing/here").await;
        assert_eq!(unknown.status(), 404);
        assert_eq!(
            unknown.headers()["content-type"],
            "application/problem+json"
        );
        let wrong_method = app
            .send(
                reqwest::Method::DELETE,
                "/api/v1/areas",
                Some(&token),
                None,
                None,
            )
            .await;
        assert_eq!(wrong_method.status(), 405);
        assert_eq!(wrong_method.headers()["allow"], "GET, POST");
    }
);

both_backends!(
    fn seeding_twice_changes_nothing(database: TestDatabase) {
        let mut conn = database.connect();
        db::run_migrations(&mut conn).unwrap();
        let first = seed::seed_reference(&mut conn).unwrap();
        assert_eq!(first.areas, 16);
        assert_eq!(first.municipalities, 15);
        assert_eq!(first.ministries, 5);
        assert_eq!(first.themes, 5);
        assert_eq!(first.target_groups, 3);
        assert_eq!(first.aspects, 3);
        assert_eq!(first.report_periods, 1);
        let second = seed::seed_reference(&mut conn).unwrap();
        assert_eq!(second.total(), 0);
        let areas: i64 = areas::table.count().get_result(&mut conn).unwrap();
        let periods: i64 = report_periods::table.count().get_result(&mut conn).unwrap();
        assert_eq!((areas, periods), (16, 1));
    }
);
