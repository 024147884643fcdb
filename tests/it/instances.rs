//! Several instances on one database behave as one service: tokens from either work on both,
//! a write through one is read through the other, scheduled work runs once, and a period has
//! at most one draft whichever instance makes it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use diesel::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Backend, TestApp, TestDatabase};
use versnelling::scheduler::{Claim, Job, Runner};

fn backends() -> [Backend; 2] {
    [Backend::Sqlite, Backend::Postgres]
}

/// A fresh database on each backend (PostgreSQL where it is configured).
fn databases() -> impl Iterator<Item = (Backend, TestDatabase)> {
    backends()
        .into_iter()
        .filter_map(|backend| TestDatabase::create(backend).map(|database| (backend, database)))
}

/// An instance's runner: its own pool on the shared database.
fn runner(database: &TestDatabase) -> Runner {
    let settings = database.settings();
    let pool = versnelling::startup::open_database(&settings).expect("the database opens");
    Runner::new(
        pool,
        settings.database_url().expect("a database URL"),
        settings.database.clone(),
    )
}

fn runs_recorded(database: &TestDatabase, job: &str) -> i64 {
    use versnelling::db::schema::scheduled_jobs as sj;
    sj::table
        .find(job)
        .select(sj::runs)
        .first(&mut database.connect())
        .unwrap_or(0)
}

/// Counts the runs of a job and how many were under way at once.
#[derive(Default)]
struct Counter {
    running: AtomicUsize,
    most_at_once: AtomicUsize,
    runs: AtomicUsize,
}

/// A job that counts its runs (and, in `mine`, those of one instance), taking `takes`.
fn counting_job(
    name: &'static str,
    every: Duration,
    counter: &Arc<Counter>,
    mine: &Arc<AtomicUsize>,
    takes: Duration,
) -> Job {
    let (counter, mine) = (counter.clone(), mine.clone());
    Job::new(name, every, Duration::from_secs(30), move || {
        let (counter, mine) = (counter.clone(), mine.clone());
        async move {
            let now = counter.running.fetch_add(1, Ordering::SeqCst) + 1;
            counter.most_at_once.fetch_max(now, Ordering::SeqCst);
            actix_web::rt::time::sleep(takes).await;
            counter.running.fetch_sub(1, Ordering::SeqCst);
            counter.runs.fetch_add(1, Ordering::SeqCst);
            mine.fetch_add(1, Ordering::SeqCst);
            Ok("counted".to_string())
        }
    })
}

const BRIEF: Duration = Duration::from_millis(60);

#[actix_web::test]
async fn two_instances_never_run_a_job_at_the_same_time() {
    for (backend, database) in databases() {
        let (one, two) = (runner(&database), runner(&database));
        let counter = Arc::new(Counter::default());
        let per_instance = [Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0))];
        let loops = [one, two]
            .into_iter()
            .zip(per_instance.clone())
            .map(|(runner, mine)| {
                // Always due: the instances contend for every run.
                let job = counting_job("test-contended", Duration::ZERO, &counter, &mine, BRIEF);
                actix_web::rt::spawn(async move {
                    for _ in 0..40 {
                        runner.run_once(&job).await;
                        actix_web::rt::time::sleep(Duration::from_millis(15)).await;
                    }
                })
            });
        for handle in loops.collect::<Vec<_>>() {
            handle.await.unwrap();
        }
        let runs = counter.runs.load(Ordering::SeqCst);
        assert_eq!(
            counter.most_at_once.load(Ordering::SeqCst),
            1,
            "{backend:?}: two runs at once"
        );
        assert!(runs >= 10, "{backend:?}: only {runs} runs");
        assert_eq!(
            runs_recorded(&database, "test-contended"),
            i64::try_from(runs).unwrap(),
            "{backend:?}: every run is counted in the database"
        );
        assert!(
            per_instance.iter().all(|n| n.load(Ordering::SeqCst) > 0),
            "{backend:?}: the job passes between the instances: {per_instance:?}"
        );
    }
}

#[actix_web::test]
async fn a_job_runs_once_per_interval_however_many_instances_try() {
    for (backend, database) in databases() {
        let runners = [runner(&database), runner(&database), runner(&database)];
        let counter = Arc::new(Counter::default());
        let mine = Arc::default();
        let job = counting_job(
            "test-hourly",
            Duration::from_secs(3600),
            &counter,
            &mine,
            BRIEF,
        );
        let tries = runners.iter().flat_map(|runner| {
            (0..5).map(|_| {
                let runner = runner.clone();
                let job = job.clone();
                actix_web::rt::spawn(async move { runner.run_once(&job).await })
            })
        });
        for handle in tries.collect::<Vec<_>>() {
            handle.await.unwrap();
        }
        assert_eq!(counter.runs.load(Ordering::SeqCst), 1, "{backend:?}");
        assert_eq!(runs_recorded(&database, "test-hourly"), 1, "{backend:?}");
    }
}

#[actix_web::test]
async fn an_instance_that_dies_mid_run_frees_the_job() {
    for (backend, database) in databases() {
        let (one, two) = (runner(&database), runner(&database));
        let counter = Arc::new(Counter::default());
        let mine = Arc::default();
        let mut job = counting_job("test-abandoned", Duration::ZERO, &counter, &mine, BRIEF);
        job.lease = Duration::from_secs(1);
        let now = versnelling::db::now();
        let Claim::Run(held) = one.claim(&job, now).unwrap() else {
            panic!("{backend:?}: the first claim takes the job");
        };
        assert!(
            matches!(two.claim(&job, now).unwrap(), Claim::Busy),
            "{backend:?}: held by the first instance"
        );
        // The first instance dies without finishing: its claim is dropped.
        drop(held);
        let taken_over = match backend {
            // The lock ends with its connection (the server notices within moments).
            Backend::Postgres => {
                let mut taken = false;
                for _ in 0..40 {
                    if matches!(two.claim(&job, now).unwrap(), Claim::Run(_)) {
                        taken = true;
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                taken
            }
            // The lease runs out.
            Backend::Sqlite => {
                assert!(matches!(two.claim(&job, now).unwrap(), Claim::Busy));
                let later = now + chrono::Duration::milliseconds(1_100);
                matches!(two.claim(&job, later).unwrap(), Claim::Run(_))
            }
        };
        assert!(
            taken_over,
            "{backend:?}: the second instance takes the job over"
        );
    }
}

#[actix_web::test]
async fn a_run_longer_than_its_lease_keeps_the_job() {
    for (backend, database) in databases() {
        let (one, two) = (runner(&database), runner(&database));
        let counter = Arc::new(Counter::default());
        let mine = Arc::default();
        let takes = Duration::from_millis(1_500);
        let mut job = counting_job("test-long", Duration::ZERO, &counter, &mine, takes);
        job.lease = Duration::from_millis(400);
        let running = {
            let (one, job) = (one.clone(), job.clone());
            actix_web::rt::spawn(async move { one.run_once(&job).await })
        };
        // Well past the first lease, while the run goes on.
        actix_web::rt::time::sleep(Duration::from_millis(900)).await;
        assert_eq!(counter.running.load(Ordering::SeqCst), 1, "{backend:?}");
        let claimed = {
            let (two, job) = (two.clone(), job.clone());
            actix_web::web::block(move || two.claim(&job, versnelling::db::now()))
                .await
                .unwrap()
                .unwrap()
        };
        assert!(
            matches!(claimed, Claim::Busy),
            "{backend:?}: the run holds the job past its first lease"
        );
        running.await.unwrap();
        assert_eq!(counter.runs.load(Ordering::SeqCst), 1);
    }
}

#[actix_web::test]
async fn instances_started_at_once_on_a_new_database_all_start() {
    for (backend, database) in databases() {
        // Three instances, three data directories, one new database, started together.
        let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
        let settings: Vec<_> = dirs
            .iter()
            .map(|dir| {
                let data = dir.path().join("data").to_string_lossy().to_string();
                database.settings_with(&[("data.dir", data.as_str())])
            })
            .collect();
        let built = futures_util::future::join_all(
            settings
                .into_iter()
                .map(versnelling::startup::Application::build),
        )
        .await;
        for app in built {
            let app = app.unwrap_or_else(|err| panic!("{backend:?}: an instance failed: {err}"));
            drop(app);
        }
        let keys = {
            use versnelling::auth::jwt::KeyStore as _;
            database.connect().signing_keys().unwrap()
        };
        assert_eq!(keys.len(), 1, "{backend:?}: one first key between them");
    }
}

fn token_of(answer: &Value) -> String {
    answer["access_token"].as_str().unwrap().to_string()
}

fn kid_of(token: &str) -> String {
    jsonwebtoken::decode_header(token).unwrap().kid.unwrap()
}

#[actix_web::test]
async fn two_instances_from_two_directories_behave_as_one_service() {
    for backend in backends() {
        let overrides = [
            ("reports.auto_draft", "true"),
            ("reports.auto_draft_check_seconds", "1"),
        ];
        let Some(one) = TestApp::spawn_with(backend, &overrides).await else {
            continue;
        };
        let two = one.another_instance(&overrides).await;
        one.create_user("beheerder", "admin", None, crate::support::USER_PASSWORD);

        // A token from either works on both: they sign with the one key in the database.
        let from_one = token_of(&one.login("beheerder", crate::support::USER_PASSWORD).await);
        let from_two = token_of(&two.login("beheerder", crate::support::USER_PASSWORD).await);
        assert_eq!(kid_of(&from_one), kid_of(&from_two), "{backend:?}");
        for (token, app) in [(&from_one, &two), (&from_two, &one)] {
            let me = app.get_as(token, "/api/v1/me", 200).await;
            assert_eq!(me["username"], "beheerder", "{backend:?}");
        }

        // A write through one is read through the other, whose cached answer was warm.
        let list = "/api/v1/actions?area=rotterdam-zuid";
        assert_eq!(two.get_as(&from_two, list, 200).await["total"], 0);
        one.post_ok(
            &from_one,
            "/api/v1/actions",
            json!({"title": "Schuldhulp", "area": "rotterdam-zuid", "ministry": "SZW",
                   "theme": "debt", "planned_start": "2026-01-01", "planned_end": "2026-12-31"}),
            None,
        )
        .await;
        assert_eq!(
            two.get_as(&from_two, list, 200).await["total"],
            1,
            "{backend:?}"
        );

        // A logout through one ends the token on the other.
        let logout = two
            .send(
                Method::POST,
                "/api/v1/auth/logout",
                Some(&from_one),
                None,
                None,
            )
            .await;
        assert_eq!(logout.status(), 204);
        one.get_as(&from_one, "/api/v1/me", 401).await;

        // A new key started while both run (as `versnelling keys rotate` does): the old tokens
        // still work, and a token of the new key works on both at once.
        let rotation = versnelling::db::write_transaction(&mut one.database.connect(), |conn| {
            versnelling::service::signing_keys::rotate(
                conn,
                &versnelling::service::audit::Actor::system("test"),
                versnelling::db::now(),
                false,
            )
        })
        .unwrap();
        assert_ne!(rotation.kid, kid_of(&from_two));
        let user_id = one.get_as(&from_two, "/api/v1/me", 200).await["id"].clone();
        let now = chrono::Utc::now().timestamp();
        let new_key_token = one.sign(&json!({
            "iss": "versnellingsmonitor", "aud": "versnellingsmonitor-api",
            "sub": user_id.as_i64().unwrap().to_string(), "iat": now, "nbf": now,
            "exp": now + 600, "jti": "fedcba98765432100123456789abcdef", "epoch": 1
        }));
        assert_eq!(kid_of(&new_key_token), rotation.kid);
        for app in [&one, &two] {
            app.get_as(&new_key_token, "/api/v1/me", 200).await;
            app.get_as(&from_two, "/api/v1/me", 200).await;
        }

        // Both instances run the automatic draft every second; voorjaar-2021's cut-off has
        // passed, and it gets exactly one draft, made once.
        let mut drafts = Value::Null;
        for _ in 0..120 {
            drafts = one
                .get_as(&from_two, "/api/v1/reports?period=voorjaar-2021", 200)
                .await;
            if drafts["total"] == 1 {
                break;
            }
            actix_web::rt::time::sleep(Duration::from_millis(250)).await;
        }
        assert_eq!(drafts["total"], 1, "{backend:?}: {drafts}");
        let runs_before = runs_recorded(&one.database, "auto-draft");
        actix_web::rt::time::sleep(Duration::from_millis(3_200)).await;
        let runs = runs_recorded(&one.database, "auto-draft") - runs_before;
        // One run a second over both instances (each alone would make as many): at most 4 in
        // 3.2 seconds, never the 6 or more of two instances each running on their own.
        assert!((1..=4).contains(&runs), "{backend:?}: {runs} runs in 3.2 s");
        let generated: Vec<Option<String>> = {
            use versnelling::db::schema::audit_log as a;
            a::table
                .filter(a::operation.eq("report.generate"))
                .select(a::before_json)
                .load(&mut one.database.connect())
                .unwrap()
        };
        assert_eq!(
            generated,
            vec![None],
            "{backend:?}: one draft made, none replaced"
        );
    }
}

#[actix_web::test]
async fn a_period_has_at_most_one_draft_whichever_instance_makes_it() {
    for backend in backends() {
        let Some(one) = TestApp::spawn(backend).await else {
            continue;
        };
        let two = one.another_instance(&[]).await;
        let admin = one.admin_token().await;
        let make = |app: &TestApp| {
            let request = app
                .client
                .post(app.url("/api/v1/reports"))
                .bearer_auth(&admin)
                .json(&json!({"period": "voorjaar-2021"}));
            async move { request.send().await.unwrap().status().as_u16() }
        };
        let mut statuses = Vec::new();
        for _ in 0..3 {
            let (a, b, c, d) = tokio::join!(make(&one), make(&two), make(&one), make(&two));
            statuses.extend([a, b, c, d]);
            let drafts: i64 = {
                use versnelling::db::schema::reports as r;
                r::table
                    .filter(r::state.eq("draft"))
                    .count()
                    .get_result(&mut one.database.connect())
                    .unwrap()
            };
            assert_eq!(drafts, 1, "{backend:?}");
        }
        assert!(
            statuses.iter().all(|s| *s == 201),
            "{backend:?}: every request makes the draft, replacing the one before: {statuses:?}"
        );
    }
}

/// Two free local ports (both held while the second is found, so they differ).
fn free_ports() -> (u16, u16) {
    let bind = || std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let (a, b) = (bind(), bind());
    let port = |l: &std::net::TcpListener| l.local_addr().expect("an address").port();
    (port(&a), port(&b))
}

/// nginx as a child process, stopped when dropped: asked to quit (SIGQUIT), so its master
/// stops its workers too (a killed master leaves them running).
struct Nginx(std::process::Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let asked = std::process::Command::new("kill")
            .args(["-QUIT", &self.0.id().to_string()])
            .status()
            .is_ok_and(|status| status.success());
        if asked {
            for _ in 0..50 {
                if matches!(self.0.try_wait(), Ok(Some(_))) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `deploy/nginx.conf` made to run here: the upstream servers are the two instances, it listens
/// on free local ports with a certificate made for the test, keeps its files in `dir`, and says
/// which instance answered (`X-Upstream`).
fn nginx_config(dir: &std::path::Path, upstreams: [&str; 2], plain: u16, tls: u16) -> String {
    let shipped = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/nginx.conf"),
    )
    .expect("deploy/nginx.conf");
    let d = dir.display();
    let replacements = [
        ("worker_processes auto;", "worker_processes 1;".to_string()),
        (
            "server 127.0.0.1:8081 ",
            format!("server {} ", upstreams[0]),
        ),
        (
            "server 127.0.0.1:8082 ",
            format!("server {} ", upstreams[1]),
        ),
        ("listen 80;", format!("listen 127.0.0.1:{plain};")),
        ("listen 443 ssl", format!("listen 127.0.0.1:{tls} ssl")),
        (
            "/etc/ssl/certs/versnellingsmonitor.pem",
            format!("{d}/cert.pem"),
        ),
        (
            "/etc/ssl/private/versnellingsmonitor.key",
            format!("{d}/key.pem"),
        ),
        (
            "http {",
            format!(
                "http {{\n    access_log off;\n    client_body_temp_path {d}/body;\n    \
                 proxy_temp_path {d}/proxy;\n    fastcgi_temp_path {d}/fastcgi;\n    \
                 uwsgi_temp_path {d}/uwsgi;\n    scgi_temp_path {d}/scgi;"
            ),
        ),
        (
            "proxy_pass http://versnelling;",
            "proxy_pass http://versnelling;\n            add_header X-Upstream $upstream_addr always;"
                .to_string(),
        ),
    ];
    let mut config = shipped;
    for (from, to) in replacements {
        assert!(config.contains(from), "deploy/nginx.conf has `{from}`");
        config = config.replacen(from, &to, 1);
    }
    config
}

/// curl through nginx (TLS, the test's own certificate): the status, the instance that
/// answered, the body.
/// On a thread of its own: the in-process instances need the test's runtime to serve.
async fn through(url: &str, args: &[&str]) -> (u16, String, String) {
    let mut command = std::process::Command::new("curl");
    command
        .args(["-sk", "-D", "-", "--max-time", "10"])
        .args(args)
        .arg(url);
    let output = actix_web::web::block(move || command.output())
        .await
        .expect("a thread for curl")
        .expect("curl runs");
    let text = String::from_utf8_lossy(&output.stdout).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let upstream = head
        .lines()
        .find_map(|line| line.strip_prefix("x-upstream: "))
        .unwrap_or_default()
        .to_string();
    (status, upstream, body.to_string())
}

#[actix_web::test]
async fn nginx_spreads_one_login_over_two_instances() {
    if std::process::Command::new("nginx")
        .arg("-v")
        .output()
        .is_err()
    {
        crate::support::skip_unless_ci("nginx is not installed (apt-get install nginx-light)");
        return;
    }
    let Some(one) = TestApp::spawn(Backend::Postgres).await else {
        return;
    };
    let proxied = [
        ("server.trusted_proxies", "127.0.0.1/32"),
        ("web.secure_cookies", "true"),
    ];
    let one_behind = one.another_instance(&proxied).await;
    let two_behind = one.another_instance(&proxied).await;
    let upstreams = [
        one_behind.address.trim_start_matches("http://").to_string(),
        two_behind.address.trim_start_matches("http://").to_string(),
    ];
    let dir = tempfile::tempdir().unwrap();
    let made = std::process::Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args(["-subj", "/CN=localhost", "-keyout"])
        .arg(dir.path().join("key.pem"))
        .arg("-out")
        .arg(dir.path().join("cert.pem"))
        .output()
        .expect("openssl runs");
    assert!(made.status.success(), "a test certificate");
    let (plain, tls) = free_ports();
    let config = dir.path().join("nginx.conf");
    std::fs::write(
        &config,
        nginx_config(dir.path(), [&upstreams[0], &upstreams[1]], plain, tls),
    )
    .unwrap();
    let check = std::process::Command::new("nginx")
        .arg("-t")
        .arg("-p")
        .arg(dir.path())
        .arg("-c")
        .arg(&config)
        .args([
            "-g",
            &format!("pid {}/nginx.pid; error_log stderr;", dir.path().display()),
        ])
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "nginx accepts deploy/nginx.conf: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    let _nginx = Nginx(
        std::process::Command::new("nginx")
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&config)
            .args([
                "-g",
                &format!(
                    "daemon off; pid {}/nginx.pid; error_log stderr;",
                    dir.path().display()
                ),
            ])
            .spawn()
            .expect("nginx starts"),
    );
    let base = format!("https://127.0.0.1:{tls}");
    let mut ready = 0;
    for _ in 0..50 {
        ready = through(&format!("{base}/readyz"), &[]).await.0;
        if ready == 200 {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(ready, 200, "/readyz through nginx");
    let (status, _, _) = through(&format!("http://127.0.0.1:{plain}/"), &[]).await;
    assert_eq!(status, 301, "plain HTTP is sent to HTTPS");

    // One login through the balancer, then its token on whichever instance nginx picks.
    one.create_user("beheerder", "admin", None, crate::support::USER_PASSWORD);
    let body =
        json!({"username": "beheerder", "password": crate::support::USER_PASSWORD}).to_string();
    let (status, _, answer) = through(
        &format!("{base}/api/v1/auth/token"),
        &["-H", "Content-Type: application/json", "-d", &body],
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let token = token_of(&serde_json::from_str(&answer).unwrap());
    let bearer = format!("Authorization: Bearer {token}");
    let mut answered_by = std::collections::BTreeMap::new();
    for _ in 0..12 {
        let (status, upstream, me) = through(&format!("{base}/api/v1/me"), &["-H", &bearer]).await;
        assert_eq!(status, 200, "{upstream}: {me}");
        *answered_by.entry(upstream).or_insert(0) += 1;
    }
    let expected: std::collections::BTreeSet<String> = upstreams.iter().cloned().collect();
    assert_eq!(
        answered_by
            .keys()
            .cloned()
            .collect::<std::collections::BTreeSet<_>>(),
        expected,
        "both instances answered: {answered_by:?}"
    );
}
