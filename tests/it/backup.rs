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
