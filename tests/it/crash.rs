//! Crash safety: the server is killed with SIGKILL in the middle of a stream of writes; after a
//! restart every acknowledged write is there and the database passes its integrity check.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel::sql_types::Text;
use reqwest::Method;
use serde_json::{Value, json};
use versnelling::db::schema::progress_updates;

use crate::support::{Backend, TestDatabase};

fn start(database: &TestDatabase, dir: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_versnelling"))
        .current_dir(dir)
        .args([
            "--database-url",
            &database.url,
            "--bind",
            "127.0.0.1:0",
            "serve",
        ])
        .env(
            "VERSNELLING__DATA__DIR",
            database.data_dir.to_string_lossy().to_string(),
        )
        .env("VERSNELLING__LOG__FORMAT", "json")
        .env("VERSNELLING__DATABASE__SQLITE_SYNCHRONOUS", "full")
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .expect("server starts");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let address = loop {
        let line = lines
            .next()
            .expect("the server says where it listens")
            .expect("a line");
        let event: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
        if event["message"] == "Versnellingsmonitor is listening" {
            break event["address"].as_str().expect("address").to_string();
        }
    };
    // Keep draining the log so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines.by_ref() {});
    (child, format!("http://{address}"))
}

async fn kill_during_writes_and_check(backend: Backend) {
    let Some(database) = TestDatabase::create(backend) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut add = Command::new(env!("CARGO_BIN_EXE_versnelling"))
        .current_dir(dir.path())
        .args([
            "--database-url",
            &database.url,
            "user",
            "add",
            "--username",
            "beheer",
            "--role",
            "admin",
            "--password-stdin",
        ])
        .env(
            "VERSNELLING__DATA__DIR",
            database.data_dir.to_string_lossy().to_string(),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(b"een lang wachtwoord\n")
        .unwrap();
    assert!(add.wait().unwrap().success());

    let (mut server, base) = start(&database, dir.path());
    let client = reqwest::Client::new();
    let tokens: Value = client
        .post(format!("{base}/api/v1/auth/token"))
        .json(&json!({"username": "beheer", "password": "een lang wachtwoord"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = tokens["access_token"].as_str().unwrap().to_string();
    let action: Value = client
        .post(format!("{base}/api/v1/actions"))
        .bearer_auth(&token)
        .json(&json!({"title": "Schrijfproef", "area": "rotterdam-zuid", "ministry": "BZK", "theme": "housing",
                      "planned_start": "2021-01-01", "planned_end": "2021-12-31"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let path = format!("{base}/api/v1/actions/{}/updates", action["id"]);

    // Four writers post updates until the server dies; every 201 is an acknowledged write.
    let started = Instant::now();
    let counted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut writers = Vec::new();
    for writer in 0..4 {
        let client = client.clone();
        let token = token.clone();
        let path = path.clone();
        let counted = counted.clone();
        writers.push(actix_web::rt::spawn(async move {
            let mut acknowledged = Vec::new();
            for i in 0..2_000 {
                let note = format!("schrijver {writer} nummer {i}");
                let sent = client
                    .request(Method::POST, &path)
                    .bearer_auth(&token)
                    .json(&json!({"status": "on_track", "percent_complete": i % 100, "note": note}))
                    .send()
                    .await;
                match sent {
                    Ok(response) if response.status() == 201 => {
                        let body: Value = response.json().await.unwrap_or(Value::Null);
                        if let Some(id) = body["id"].as_i64() {
                            acknowledged.push(id);
                            counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        }
                    }
                    _ => break,
                }
                if started.elapsed() > Duration::from_secs(20) {
                    break;
                }
            }
            acknowledged
        }));
    }
    // Kill in the middle of the stream: once a good number of writes is acknowledged (by count,
    // not by time, so a busy machine does not kill it before the writers got going).
    while counted.load(std::sync::atomic::Ordering::Relaxed) < 100
        && started.elapsed() < Duration::from_secs(15)
    {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.kill().expect("SIGKILL");
    server.wait().unwrap();
    let mut acknowledged = Vec::new();
    for writer in writers {
        acknowledged.extend(writer.await.unwrap());
    }
    assert!(
        acknowledged.len() > 10,
        "the writers got going: {}",
        acknowledged.len()
    );

    // Restart on the same database: it opens, and every acknowledged write is there.
    let (mut again, base) = start(&database, dir.path());
    let health: Value = client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ready");
    again.kill().unwrap();
    again.wait().unwrap();

    let mut conn = database.connect();
    let stored: Vec<i64> = progress_updates::table
        .select(progress_updates::id)
        .load(&mut conn)
        .unwrap();
    let missing: Vec<&i64> = acknowledged
        .iter()
        .filter(|id| !stored.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged writes lost: {missing:?}",
        missing.len()
    );
    if backend == Backend::Sqlite {
        #[derive(QueryableByName)]
        struct Check {
            #[diesel(sql_type = Text)]
            integrity_check: String,
        }
        let check: Vec<Check> = diesel::sql_query("PRAGMA integrity_check")
            .load(&mut conn)
            .unwrap();
        assert_eq!(
            check
                .iter()
                .map(|c| c.integrity_check.as_str())
                .collect::<Vec<_>>(),
            ["ok"]
        );
    }
    eprintln!(
        "{backend:?}: {} acknowledged writes before SIGKILL, all present after restart",
        acknowledged.len()
    );
}

#[actix_web::test]
async fn acknowledged_writes_survive_sigkill_on_sqlite() {
    kill_during_writes_and_check(Backend::Sqlite).await;
}

#[actix_web::test]
async fn acknowledged_writes_survive_sigkill_on_postgres() {
    kill_during_writes_and_check(Backend::Postgres).await;
}
