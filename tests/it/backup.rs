//! Backup and restore give back exactly the data of the moment of the backup, on both backends.

use versnelling::db;
use versnelling::service::audit::Actor;
use versnelling::service::backup;

use crate::both_backends;

both_backends!(
    fn a_backup_restores_every_table_exactly_as_it_was(database: TestDatabase) {
        let settings = database.settings();
        let url = settings.database_url().unwrap();
        let mut conn = database.connect();
        db::run_migrations(&mut conn).unwrap();
        versnelling::seed::seed_reference(&mut conn).unwrap();
        versnelling::seed::demo::seed_demo(&mut conn, &mut |_| {}).unwrap();
        let before = backup::digest(&mut conn).unwrap();
        assert!(before["actions"].0 > 100, "the demo is there");

        let file = database.data_dir.join("backup.db");
        let summary = backup::backup(&mut conn, &url, &file).unwrap();
        assert!(summary.bytes > 0);
        assert!(summary.tables >= 30);
        let again = backup::backup(&mut conn, &url, &file);
        assert!(again.is_err(), "an existing file is never overwritten");

        // Change things after the backup: a new user and a progress update.
        let input = versnelling::service::users::NewUserInput {
            username: "na-de-backup".into(),
            display_name: String::new(),
            role: "viewer".into(),
            ministry: None,
            municipality: None,
            password: "een lang wachtwoord".into(),
        };
        versnelling::service::users::create_user(&mut conn, &Actor::system("test"), &input)
            .unwrap();
        let changed = backup::digest(&mut conn).unwrap();
        assert_ne!(changed, before);

        backup::restore(&mut conn, &url, &file).unwrap();
        let after = backup::digest(&mut conn).unwrap();
        assert_eq!(after, before, "every table as it was at the backup");
    }
);

both_backends!(
    fn restoring_something_that_is_not_a_backup_changes_nothing(database: TestDatabase) {
        let settings = database.settings();
        let url = settings.database_url().unwrap();
        let mut conn = database.connect();
        db::run_migrations(&mut conn).unwrap();
        versnelling::seed::seed_reference(&mut conn).unwrap();
        let before = backup::digest(&mut conn).unwrap();
        let junk = database.data_dir.join("junk.db");
        std::fs::write(&junk, b"this is not a database at all, not even close").unwrap();
        let err = backup::restore(&mut conn, &url, &junk).unwrap_err();
        assert!(!err.to_string().is_empty());
        let missing = backup::restore(&mut conn, &url, &database.data_dir.join("missing.db"));
        assert!(missing.is_err());
        assert_eq!(backup::digest(&mut conn).unwrap(), before);
    }
);

/// The bytes of a backup as text: a SQLite file as it is, a PostgreSQL archive as the SQL
/// pg_restore would run.
fn backup_text(url: &db::DatabaseUrl, file: &std::path::Path) -> String {
    match url {
        db::DatabaseUrl::Sqlite(_) => String::from_utf8_lossy(&std::fs::read(file).unwrap()).into(),
        db::DatabaseUrl::Postgres(_) => {
            let output = std::process::Command::new("pg_restore")
                .args(["--file", "-"])
                .arg(file)
                .output()
                .unwrap();
            assert!(output.status.success());
            String::from_utf8_lossy(&output.stdout).into()
        }
    }
}

both_backends!(
    fn a_backup_holds_no_signing_key_and_a_restore_keeps_the_live_ones(database: TestDatabase) {
        use versnelling::auth::jwt::KeyStore as _;
        use versnelling::service::signing_keys;
        let settings = database.settings();
        let url = settings.database_url().unwrap();
        let mut conn = database.connect();
        db::run_migrations(&mut conn).unwrap();
        versnelling::seed::seed_reference(&mut conn).unwrap();
        let rotate = |conn: &mut db::DbConnection| {
            db::write_transaction(conn, |conn| {
                signing_keys::rotate(conn, &Actor::system("test"), db::now(), false)
            })
            .unwrap()
        };
        let first = rotate(&mut conn);
        let secret_of = |conn: &mut db::DbConnection, kid: &str| {
            conn.signing_key(kid)
                .unwrap()
                .unwrap()
                .secret
                .expose()
                .to_string()
        };
        let first_secret = secret_of(&mut conn, &first.kid);

        let file = database.data_dir.join("backup.db");
        backup::backup(&mut conn, &url, &file).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "a backup is for its maker only");
        }
        let text = backup_text(&url, &file);
        assert!(
            text.contains("rotterdam-zuid"),
            "the content is in the backup"
        );
        assert!(
            !text.contains(&first_secret),
            "no signing key in the backup"
        );

        // Rotated after the backup (a key may have leaked), then restored: the live keys stay.
        let second = db::write_transaction(&mut conn, |conn| {
            signing_keys::rotate(conn, &Actor::system("test"), db::now(), true)
        })
        .unwrap();
        backup::restore(&mut conn, &url, &file).unwrap();
        let keys = conn.signing_keys().unwrap();
        let kids: Vec<&str> = keys.iter().map(|key| key.kid.as_str()).collect();
        assert_eq!(
            kids,
            vec![second.kid.as_str()],
            "only the live key, never the dropped one"
        );
        assert_eq!(
            backup::digest(&mut conn).unwrap()["areas"].0,
            16,
            "the content came back"
        );

        // A copy that does hold keys (as an earlier version wrote backups): restoring it still
        // leaves the live keys alone.
        let with_keys = database.data_dir.join("with-keys.db");
        match &url {
            db::DatabaseUrl::Sqlite(_) => {
                diesel::RunQueryDsl::execute(
                    diesel::sql_query(format!("VACUUM INTO '{}'", with_keys.display())),
                    &mut conn,
                )
                .unwrap();
            }
            db::DatabaseUrl::Postgres(pg) => {
                let dumped = std::process::Command::new("pg_dump")
                    .args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
                    .arg(&with_keys)
                    .arg(pg)
                    .status()
                    .unwrap();
                assert!(dumped.success());
            }
        }
        let third = db::write_transaction(&mut conn, |conn| {
            signing_keys::rotate(conn, &Actor::system("test"), db::now(), true)
        })
        .unwrap();
        backup::restore(&mut conn, &url, &with_keys).unwrap();
        let kids: Vec<String> = conn
            .signing_keys()
            .unwrap()
            .into_iter()
            .map(|key| key.kid)
            .collect();
        assert_eq!(
            kids,
            vec![third.kid],
            "the keys in the copy did not come back"
        );
    }
);

/// A backup made by the release before versioned history (schema at migration 13; how it was
/// made: `tests/fixtures/README.md`), with a report published before ordinary edits that the
/// release itself then said "differs": put in place and migrated, as `serve` does on start, the
/// report verifies in all three checks, and `as_of` gives the state the report shows.
#[test]
fn a_backup_of_the_release_before_versioned_history_migrates_and_verifies() {
    use std::io::Read;
    use versnelling::domain::asof::AsOf;
    use versnelling::domain::{ActionId, ReportId};
    use versnelling::service::{actions, reports};

    let database = crate::support::TestDatabase::create(crate::support::Backend::Sqlite).unwrap();
    let mut gz = flate2::read::GzDecoder::new(
        &include_bytes!("../fixtures/backup-migration-13.sqlite.gz")[..],
    );
    let mut bytes = Vec::new();
    gz.read_to_end(&mut bytes).unwrap();

    // The old backup is refused by a restore into the current schema, and changes nothing there.
    let mut current = database.connect();
    db::run_migrations(&mut current).unwrap();
    let old = database.data_dir.join("backup-13.db");
    std::fs::write(&old, &bytes).unwrap();
    let url = database.settings().database_url().unwrap();
    let refused = backup::restore(&mut current, &url, &old).unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("schema version 20261203000013"),
        "says why: {refused}"
    );
    drop(current);

    // Put in place and started by this release: migrated, versions rebuilt from the audit log.
    let target = crate::support::TestDatabase::create(crate::support::Backend::Sqlite).unwrap();
    std::fs::create_dir_all(&target.data_dir).unwrap();
    std::fs::write(target.url.strip_prefix("sqlite://").unwrap(), &bytes).unwrap();
    let mut conn = target.connect();
    assert_eq!(db::run_migrations(&mut conn).unwrap(), 1);
    let verified = reports::verify(&mut conn, ReportId::from(1)).unwrap();
    assert_old_report_verifies(&verified);

    // Action 2 was renamed and its own budget edited before the cut-off, re-planned after it:
    // one budget at every moment, the plan's.
    let cut_off = Some(AsOf::parse("2021-03-31").unwrap());
    let then = actions::get(&mut conn, ActionId::from(2), cut_off).unwrap();
    assert_eq!(then.title, "Actie 2, hernoemd voor de cut-off");
    assert_eq!(then.budget_cents, Some(250_000_000));
    assert_eq!(then.theme, "employment");
    let now = actions::get(&mut conn, ActionId::from(2), None).unwrap();
    assert_eq!(now.budget_cents, Some(260_000_000));
    assert_eq!(now.theme, "youth");
    let plans = actions::plans(&mut conn, ActionId::from(2), None).unwrap();
    assert_eq!(
        plans.iter().map(|p| p.budget_cents).collect::<Vec<_>>(),
        [Some(200_000_000), Some(250_000_000), Some(260_000_000)],
        "the budget edit became the second plan, between the original and the re-plan"
    );
    // Action 1 renamed after the publication: as of the cut-off its old title.
    let first = actions::get(&mut conn, ActionId::from(1), cut_off).unwrap();
    assert_eq!(first.title, "Actie 1 voor de test");
    assert_eq!(first.budget_cents, Some(100_000_000));
    // Migrating again changes nothing.
    assert_eq!(db::run_migrations(&mut conn).unwrap(), 0);
    let verified = reports::verify(&mut conn, ReportId::from(1)).unwrap();
    assert_old_report_verifies(&verified);
}

/// A report drawn by the release before: its files intact and its content rebuilt the same from
/// history (checks 1 and 2); drawn by renderer 1, so this binary (renderer 2 and later, since
/// the Dutch-Excel CSV and the new charts) says so instead of drawing it again (check 3).
fn assert_old_report_verifies(verified: &versnelling::service::reports::Verification) {
    assert!(
        verified.files_intact() && verified.snapshot_same(),
        "{verified:?}"
    );
    assert_eq!(
        verified.redrawn,
        versnelling::service::reports::RedrawCheck::OtherRenderer {
            stored: 1,
            current: versnelling::reports::RENDERER_VERSION
        }
    );
    assert!(verified.nothing_differs());
}
