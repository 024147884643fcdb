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
