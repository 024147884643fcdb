//! What a request may carry (issue 18): a caller's `X-Request-Id` only when short and plain,
//! and a head no larger than `server.max_header_bytes`. Both are checked on the real listener
//! (the in-process app on a port) and, for what reaches the log, on a `versnelling serve`
//! process whose log is read back.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::Method;
use reqwest::header::HeaderValue;
use serde_json::{Value, json};

use crate::app_test;
use crate::support::{Backend, TestApp};

/// A generated request id: 24 hex digits.
fn is_generated(id: &str) -> bool {
    id.len() == 24 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// GET `path` with `X-Request-Id: value`; the id the answer carries.
async fn answered_id(app: &TestApp, path: &str, value: HeaderValue) -> String {
    let response = app
        .client
        .get(app.url(path))
        .header("X-Request-Id", value)
        .send()
        .await
        .unwrap();
    response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_string()
}

/// Sends `request` as it is over a new connection; the answer's head (status line and headers).
fn raw(address: &str, request: &[u8]) -> String {
    let host = address.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buffer[..n]),
        }
        if answer.windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    String::from_utf8_lossy(&answer).to_string()
}

/// Hostile values reqwest can send: long, unicode (obs-text bytes), spaces, markup, encoded
/// line breaks, a 65th character.
fn hostile_values() -> Vec<HeaderValue> {
    vec![
        HeaderValue::from_str(&"HOSTILE".repeat(1500)).unwrap(),
        HeaderValue::from_bytes("HOSTILE-ünïcødé".as_bytes()).unwrap(),
        HeaderValue::from_static("HOSTILE id with spaces"),
        HeaderValue::from_static("<script>HOSTILE</script>"),
        HeaderValue::from_static("HOSTILE%0d%0aSet-Cookie:%20x=1"),
        HeaderValue::from_str(&format!("HOSTILE{}", "a".repeat(58))).unwrap(),
    ]
}

app_test!(
    async fn a_hostile_request_id_is_replaced_never_echoed_nor_stored(app: TestApp) {
        // A plain one is kept, echoed and recorded with the write it caused.
        let admin = app.admin_token().await;
        let plain = app
            .client
            .post(app.url("/api/v1/themes"))
            .bearer_auth(&admin)
            .header("X-Request-Id", "client-42.retry_1")
            .json(&json!({"code": "safety", "name_nl": "Veiligheid", "name_en": "Safety"}))
            .send()
            .await
            .unwrap();
        assert_eq!(plain.status(), 201);
        assert_eq!(plain.headers()["x-request-id"], "client-42.retry_1");

        for value in hostile_values() {
            let id = answered_id(&app, "/healthz", value.clone()).await;
            assert!(is_generated(&id), "{value:?} answered with {id:?}");
        }
        // A write with a hostile id is recorded under the generated one.
        let hostile = app
            .client
            .patch(app.url("/api/v1/themes/safety"))
            .bearer_auth(&admin)
            .header("If-Match", app.etag(&admin, "/api/v1/themes/safety").await)
            .header("X-Request-Id", hostile_values().remove(1))
            .json(&json!({"name_en": "Public safety"}))
            .send()
            .await
            .unwrap();
        assert_eq!(hostile.status(), 200);
        let given = hostile.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(is_generated(&given));
        let audit = app
            .get_as(
                &admin,
                "/api/v1/audit?entity_type=theme&entity_id=safety",
                200,
            )
            .await;
        let ids: Vec<&str> = audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|item| item["request_id"].as_str())
            .collect();
        assert_eq!(ids, [given.as_str(), "client-42.retry_1"], "{audit}");

        // Line breaks cannot be sent through a client library: written by hand, a folded or
        // broken line is refused (400) or its id replaced, and never comes back.
        for request in [
            &b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Request-Id: abc\r\n HOSTILE-folded\r\nConnection: close\r\n\r\n"[..],
            b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Request-Id: abc\rHOSTILE-cr\r\nConnection: close\r\n\r\n",
            b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Request-Id: abc\x00HOSTILE-nul\r\nConnection: close\r\n\r\n",
        ] {
            let answer = raw(&app.address, request);
            assert!(
                answer.starts_with("HTTP/1.1 400") || answer.starts_with("HTTP/1.1 200"),
                "{answer}"
            );
            assert!(!answer.contains("HOSTILE"), "{answer}");
        }
    }
);

#[actix_web::test]
async fn a_64_kb_header_is_refused_with_431_before_the_app_reads_it() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let admin = app.admin_token().await;
    let padding = "a".repeat(64 * 1024);
    let refused = app
        .client
        .get(app.url("/api/v1/areas"))
        .bearer_auth(&admin)
        .header("X-Padding", &padding)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 431);
    assert_eq!(
        refused.headers()["content-type"],
        "application/problem+json"
    );
    assert_eq!(refused.headers()["connection"], "close");
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["code"], "headers_too_large");
    assert_eq!(problem["params"]["max"], 16384);
    assert_eq!(problem["status"], 431);

    // In Dutch when asked; a long URL counts as well.
    let dutch = app
        .client
        .get(app.url(&format!("/api/v1/areas?q={}", "b".repeat(20 * 1024))))
        .header("Accept-Language", "nl")
        .send()
        .await
        .unwrap();
    assert_eq!(dutch.status().as_u16(), 431);
    let problem: Value = dutch.json().await.unwrap();
    assert_eq!(
        problem["detail"],
        "de headers van het verzoek zijn samen groter dan 16384 bytes"
    );

    // Just under the limit is served as always (a large cookie, a long token).
    let served = app
        .client
        .get(app.url("/api/v1/areas"))
        .bearer_auth(&admin)
        .header("X-Padding", "a".repeat(12 * 1024))
        .send()
        .await
        .unwrap();
    assert_eq!(served.status(), 200);

    // More header lines than actix-http parses (96): its own 431, written by hand.
    let mut many = b"GET /healthz HTTP/1.1\r\nHost: t\r\n".to_vec();
    for n in 0..100 {
        many.extend_from_slice(format!("X-H{n}: v\r\n").as_bytes());
    }
    many.extend_from_slice(b"\r\n");
    let answer = raw(&app.address, &many);
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");

    // Nothing was written, and the app still answers.
    let areas = app
        .send(Method::GET, "/api/v1/areas", Some(&admin), None, None)
        .await;
    assert_eq!(areas.status(), 200);
}

#[test]
fn a_larger_limit_can_be_set_and_an_impossible_one_is_refused_at_start() {
    let database = crate::support::TestDatabase::create(Backend::Sqlite).unwrap();
    let settings = database.settings_with(&[("server.max_header_bytes", "65536")]);
    assert_eq!(settings.server.max_header_bytes, 65536);
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_versnelling"))
        .current_dir(dir.path())
        .env("VERSNELLING__SERVER__MAX_HEADER_BYTES", "200000")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("server.max_header_bytes"), "{stderr}");
}

/// `versnelling serve` on a fresh directory with JSON logs at info, every log line kept.
struct Served {
    child: std::process::Child,
    address: String,
    log: Arc<Mutex<Vec<String>>>,
    reader: std::thread::JoinHandle<()>,
}

fn serve(dir: &std::path::Path) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_versnelling"))
        .current_dir(dir)
        .args(["--bind", "127.0.0.1:0", "serve"])
        .env_remove("VERSNELLING_DATABASE_URL")
        .env("RUST_LOG", "info")
        .env("VERSNELLING__LOG__FORMAT", "json")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let log = Arc::new(Mutex::new(Vec::new()));
    let address = loop {
        let line = lines
            .next()
            .expect("the server says where it listens")
            .unwrap();
        log.lock().unwrap().push(line.clone());
        let event: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
        if event["message"] == "Versnellingsmonitor is listening" {
            break format!("http://{}", event["address"].as_str().unwrap());
        }
    };
    let kept = log.clone();
    let reader = std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            kept.lock().unwrap().push(line);
        }
    });
    Served {
        child,
        address,
        log,
        reader,
    }
}

#[actix_web::test]
async fn hostile_request_ids_and_oversized_heads_never_reach_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let served = serve(dir.path());
    let client = reqwest::Client::new();
    for value in hostile_values() {
        let response = client
            .get(format!("{}/healthz", served.address))
            .header("X-Request-Id", value)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    let refused = client
        .get(format!("{}/healthz", served.address))
        .header("X-Padding", format!("HOSTILE{}", "a".repeat(64 * 1024)))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 431);
    let answer = raw(
        &served.address,
        b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Request-Id: abc\r\n HOSTILE-folded\r\nConnection: close\r\n\r\n",
    );
    assert!(!answer.is_empty());

    let mut child = served.child;
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());
    served.reader.join().unwrap();
    let log = served.log.lock().unwrap();
    let requests: Vec<&String> = log
        .iter()
        .filter(|line| line.contains("\"request_id\""))
        .collect();
    assert!(requests.len() >= 6, "the requests were logged: {log:#?}");
    for line in log.iter() {
        assert!(!line.contains("HOSTILE"), "logged: {line}");
        assert!(!line.contains("ünï"), "logged: {line}");
    }
    assert!(
        log.iter()
            .any(|line| line.contains("request head too large") && line.contains("\"max\":16384")),
        "the refusal is logged by its size: {log:#?}"
    );
}
