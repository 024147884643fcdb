//! The command line: bad input gives one clear line and a non-zero exit, never a panic;
//! `serve` starts on a fresh directory and stops gracefully.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Backend, TestDatabase};

fn versnelling(dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_versnelling"));
    command
        .current_dir(dir)
        .env_remove("VERSNELLING_DATABASE_URL")
        .env_remove("VERSNELLING_BIND")
        .env("RUST_LOG", "warn")
        .env("RUST_BACKTRACE", "1");
    command
}

/// Asserts a failed run that printed exactly one line, starting with `error: `, and no panic.
fn assert_one_line_error(output: &Output) -> String {
    assert!(
        !output.status.success(),
        "expected failure, got {:?}",
        output.status
    );
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("backtrace"), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line expected, got:\n{stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    lines[0].to_string()
}

#[test]
fn an_unknown_database_scheme_is_one_line_naming_the_scheme() {
    let dir = tempfile::tempdir().unwrap();
    let output = versnelling(dir.path())
        .args(["--database-url", "mysql://db/versnelling", "migrate"])
        .output()
        .unwrap();
    let line = assert_one_line_error(&output);
    assert!(line.contains("database.url"), "{line}");
    assert!(
        line.contains("unknown database URL scheme `mysql`"),
        "{line}"
    );
}

#[test]
fn an_unreachable_postgres_is_one_line_without_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let output = versnelling(dir.path())
        .args([
            "--database-url",
            "postgres://app:hunter2@127.0.0.1:1/versnelling",
            "migrate",
        ])
        .output()
        .unwrap();
    let line = assert_one_line_error(&output);
    assert!(
        line.contains("cannot open the database postgres://app:***@127.0.0.1:1/versnelling"),
        "{line}"
    );
    assert!(!line.contains("hunter2"), "{line}");
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn an_unwritable_data_directory_is_one_line_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    // A path below a regular file can never be created, even by root.
    std::fs::write(dir.path().join("blocker"), b"x").unwrap();
    let output = versnelling(dir.path())
        .env("VERSNELLING__DATA__DIR", "blocker/data")
        .arg("migrate")
        .output()
        .unwrap();
    let line = assert_one_line_error(&output);
    assert!(
        line.contains("cannot use the data directory blocker/data"),
        "{line}"
    );
}

#[test]
fn a_malformed_config_file_is_one_line_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.toml"), "[server]\nworkers = \n").unwrap();
    let output = versnelling(dir.path())
        .args(["--config", "bad.toml", "migrate"])
        .output()
        .unwrap();
    let line = assert_one_line_error(&output);
    assert!(
        line.contains("config file bad.toml is not valid TOML: line 2"),
        "{line}"
    );

    std::fs::write(
        dir.path().join("typo.toml"),
        "[databse]\nurl = \"sqlite://x.db\"\n",
    )
    .unwrap();
    let output = versnelling(dir.path())
        .args(["--config", "typo.toml", "migrate"])
        .output()
        .unwrap();
    let line = assert_one_line_error(&output);
    assert!(
        line.contains("unknown setting `databse` (from typo.toml)"),
        "{line}"
    );

    let output = versnelling(dir.path())
        .args(["--config", "missing.toml", "migrate"])
        .output()
        .unwrap();
    let line = assert_one_line_error(&output);
    assert!(
        line.contains("cannot read config file missing.toml"),
        "{line}"
    );
}

#[test]
fn user_add_reads_the_password_from_stdin_and_refuses_a_taken_name() {
    let dir = tempfile::tempdir().unwrap();
    let add = |username: &str, password: &str, extra: &[&str]| {
        let mut args = vec!["add", "--username", username];
        args.extend_from_slice(extra);
        user_with_password(dir.path(), &args, password)
    };
    let output = add(
        "Burgemeester",
        "een lang wachtwoord",
        &["--role", "municipality", "--municipality", "Den Haag"],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("created user `Burgemeester`"), "{stdout}");
    assert!(stdout.contains("scope den-haag"), "{stdout}");

    // Usernames are unique regardless of case.
    let output = add("burgemeester", "een lang wachtwoord", &["--role", "viewer"]);
    let line = assert_one_line_error(&output);
    assert!(line.contains("username `burgemeester` is taken"), "{line}");

    let output = add("nieuw", "kort", &["--role", "ministry"]);
    let line = assert_one_line_error(&output);
    assert!(
        line.contains("password: the password must be at least 10 characters"),
        "{line}"
    );
    assert!(
        line.contains("ministry: a ministry user needs a ministry"),
        "{line}"
    );

    let output = add(
        "nieuw",
        "een lang wachtwoord",
        &["--role", "ministry", "--ministry", "XYZ"],
    );
    let line = assert_one_line_error(&output);
    assert!(line.contains("unknown ministry `XYZ`"), "{line}");

    let run = |args: &[&str]| versnelling(dir.path()).args(args).output().unwrap();
    let output = run(&["user", "set-role", "burgemeester", "--role", "viewer"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = run(&["user", "disable", "BURGEMEESTER"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let list = String::from_utf8_lossy(&run(&["user", "list"]).stdout).to_string();
    let row = list
        .lines()
        .find(|l| l.starts_with("Burgemeester"))
        .unwrap_or_default();
    assert!(row.contains("viewer") && row.contains("disabled"), "{list}");
    let line = assert_one_line_error(&run(&["user", "disable", "niemand"]));
    assert!(line.contains("user `niemand` not found"), "{line}");
    let line = assert_one_line_error(&run(&[
        "user",
        "set-role",
        "burgemeester",
        "--role",
        "ministry",
    ]));
    assert!(line.contains("a ministry user needs a ministry"), "{line}");
}

/// Runs `versnelling user ARGS…` in `dir` with `password` on standard input.
fn user_with_password(dir: &std::path::Path, args: &[&str], password: &str) -> Output {
    let mut child = versnelling(dir)
        .arg("user")
        .args(args)
        .arg("--password-stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_operator_may_disable_and_demote_admins_but_not_the_last_active_one() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| versnelling(dir.path()).args(args).output().unwrap();
    let add_admin = |name: &str| {
        user_with_password(
            dir.path(),
            &["add", "--username", name, "--role", "admin"],
            "een lang wachtwoord",
        )
    };
    assert_success(&add_admin("beheer"));

    let line = assert_one_line_error(&run(&["user", "disable", "beheer"]));
    assert!(line.contains("`beheer` is the last active admin"), "{line}");
    let line = assert_one_line_error(&run(&["user", "set-role", "beheer", "--role", "viewer"]));
    assert!(line.contains("`beheer` is the last active admin"), "{line}");

    // With a second admin the operator may disable or demote either, but not both.
    assert_success(&add_admin("reserve"));
    assert_success(&run(&["user", "disable", "beheer"]));
    let line = assert_one_line_error(&run(&["user", "set-role", "reserve", "--role", "viewer"]));
    assert!(
        line.contains("`reserve` is the last active admin"),
        "{line}"
    );
    assert_success(&run(&["user", "enable", "beheer"]));
    assert_success(&run(&["user", "set-role", "reserve", "--role", "viewer"]));
    let list = String::from_utf8_lossy(&run(&["user", "list"]).stdout).to_string();
    assert!(
        list.lines()
            .any(|l| l.starts_with("beheer ") && l.contains("admin") && l.contains("active")),
        "{list}"
    );
}

#[test]
fn the_command_line_refuses_easily_guessed_passwords() {
    let dir = tempfile::tempdir().unwrap();
    let output = user_with_password(
        dir.path(),
        &["add", "--username", "wethouder", "--role", "viewer"],
        "Welkom01!!",
    );
    let line = assert_one_line_error(&output);
    assert!(
        line.contains(
            "password: this password is too easy to guess: it is a commonly used password"
        ),
        "{line}"
    );
    let output = user_with_password(
        dir.path(),
        &["add", "--username", "wethouder", "--role", "viewer"],
        "wethouder2024",
    );
    let line = assert_one_line_error(&output);
    assert!(
        line.contains("it contains the username or the name"),
        "{line}"
    );

    assert_success(&user_with_password(
        dir.path(),
        &["add", "--username", "wethouder", "--role", "viewer"],
        "een lang wachtwoord",
    ));
    let line = assert_one_line_error(&user_with_password(
        dir.path(),
        &["set-password", "wethouder"],
        "Rotterdam010!",
    ));
    assert!(line.contains("too easy to guess"), "{line}");
    assert_success(&user_with_password(
        dir.path(),
        &["set-password", "wethouder"],
        "de maan boven de polder",
    ));
}

fn curl(args: &[&str]) -> serde_json::Value {
    let output = Command::new("curl")
        .arg("-sf")
        .args(args)
        .output()
        .expect("curl runs");
    assert!(output.status.success(), "curl {args:?} failed");
    serde_json::from_slice(&output.stdout).expect("json answer")
}

#[test]
fn serve_on_a_fresh_directory_answers_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut add = versnelling(dir.path())
        .args([
            "user",
            "add",
            "--username",
            "admin",
            "--role",
            "admin",
            "--password-stdin",
        ])
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

    let mut child = versnelling(dir.path())
        .args(["--bind", "127.0.0.1:0", "serve"])
        .env("RUST_LOG", "info")
        .env("VERSNELLING__LOG__FORMAT", "json")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let address = loop {
        let line = lines.next().expect("server printed its address").unwrap();
        let event: serde_json::Value = serde_json::from_str(&line).expect("json log line");
        if event["message"] == "Versnellingsmonitor is listening" {
            break event["address"].as_str().unwrap().to_string();
        }
    };
    let tokens = curl(&[
        "-H",
        "Content-Type: application/json",
        "-d",
        r#"{"username":"admin","password":"een lang wachtwoord"}"#,
        &format!("http://{address}/api/v1/auth/token"),
    ]);
    let bearer = format!(
        "Authorization: Bearer {}",
        tokens["access_token"].as_str().unwrap()
    );
    let areas = curl(&["-H", &bearer, &format!("http://{address}/api/v1/areas")]);
    assert_eq!(areas["total"], 16);
    assert!(dir.path().join("data/versnelling.db").exists());
    // The signing key is in the database, not in a file beside it.
    assert!(!dir.path().join("data/jwt-secret").exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &str| {
            std::fs::metadata(dir.path().join(path))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        // It holds password hashes and the signing keys: for the service's user only.
        assert_eq!(mode("data"), 0o700);
        assert_eq!(mode("data/versnelling.db"), 0o600);
    }
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(
        status.success(),
        "graceful shutdown exits 0, got {status:?}"
    );
    let secret = {
        use versnelling::auth::jwt::KeyStore as _;
        let url = versnelling::db::DatabaseUrl::parse(&format!(
            "sqlite://{}",
            dir.path().join("data/versnelling.db").display()
        ))
        .unwrap();
        let settings = versnelling::config::SettingsBuilder::new()
            .unwrap()
            .build()
            .unwrap();
        let mut conn = versnelling::db::ConnectionManager::new(url, &settings.database)
            .establish()
            .unwrap();
        let keys = conn.signing_keys().unwrap();
        assert_eq!(keys.len(), 1, "the first start made one key");
        keys[0].secret.expose().to_string()
    };
    let log: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(
        !log.iter()
            .any(|l| l.contains(&secret) || l.contains("een lang wachtwoord"))
    );
    // Listed without the secret; a rotation starts a second key and retires the first.
    let list = versnelling(dir.path())
        .args(["keys", "list"])
        .output()
        .unwrap();
    let listed = String::from_utf8(list.stdout).unwrap();
    assert!(list.status.success());
    assert_eq!(listed.matches("current").count(), 1, "{listed}");
    assert!(!listed.contains(&secret));
    let rotate = versnelling(dir.path())
        .args(["keys", "rotate"])
        .output()
        .unwrap();
    assert!(
        rotate.status.success(),
        "{}",
        String::from_utf8_lossy(&rotate.stderr)
    );
    let list = versnelling(dir.path())
        .args(["keys", "list"])
        .output()
        .unwrap();
    let listed = String::from_utf8(list.stdout).unwrap();
    assert_eq!(listed.lines().count(), 2, "{listed}");
    assert_eq!(listed.matches("current").count(), 1, "{listed}");
    assert_eq!(listed.matches("retired").count(), 1, "{listed}");
}

#[test]
fn migrate_works_against_postgres() {
    let Some(database) = TestDatabase::create(Backend::Postgres) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let output = versnelling(dir.path())
        .args(["--database-url", &database.url, "migrate"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("database is up to date (postgres://"),
        "{stdout}"
    );
}

#[test]
fn charts_writes_every_chart_of_the_demo_for_the_spring_2021_period() {
    let dir = tempfile::tempdir().unwrap();
    let seeded = versnelling(dir.path())
        .args(["seed", "--demo"])
        .output()
        .unwrap();
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let stdout = String::from_utf8_lossy(&seeded.stdout);
    assert!(stdout.contains("Demo users"), "{stdout}");
    let output = versnelling(dir.path())
        .args([
            "charts",
            "--out",
            "grafieken",
            "--period",
            "voorjaar-2021",
            "--ministry",
            "BZK",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let out = dir.path().join("grafieken");
    for name in [
        "areas-status",
        "area-theme-matrix",
        "milestones-burnup",
        "ministry-status",
        "map",
    ] {
        let svg = std::fs::read_to_string(out.join(format!("{name}.svg"))).unwrap();
        assert!(
            svg.starts_with("<svg") || svg.starts_with("<?xml"),
            "{name}"
        );
        let png = std::fs::read(out.join(format!("{name}.png"))).unwrap();
        assert_eq!(&png[..4], b"\x89PNG", "{name}");
    }
    let trends = std::fs::read_dir(&out)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("indicator-trend-")
        })
        .count();
    assert!(
        trends >= 2,
        "a trend per indicator of BZK's actions, found {trends}"
    );
    let map = std::fs::read_to_string(out.join("map.svg")).unwrap();
    assert!(map.contains("Leeuwarden-Oost"));
}

#[test]
fn backup_and_restore_round_trip_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| versnelling(dir.path()).args(args).output().unwrap();
    let ok = |output: Output| {
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).to_string()
    };
    ok(run(&["migrate"]));
    let stdout = ok(run(&["backup", "--out", "kopie.db"]));
    assert!(stdout.contains("backed up"), "{stdout}");
    let line = assert_one_line_error(&run(&["backup", "--out", "kopie.db"]));
    assert!(line.contains("kopie.db exists"), "{line}");
    // Without --yes clap refuses with its usage text.
    let refused = run(&["restore", "kopie.db"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--yes"));
    let stdout = ok(run(&["restore", "kopie.db", "--yes"]));
    assert!(stdout.contains("restored"), "{stdout}");
}
