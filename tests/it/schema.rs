//! The committed schema.rs, the SQLite migrations and the PostgreSQL migrations agree, and
//! every down.sql really reverses its up.sql.

use crate::both_backends;
use versnelling::db::{self, schema_gen};

const SCHEMA_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/db/schema.rs");

both_backends!(
    fn migrations_produce_the_committed_schema(database: TestDatabase) {
        let mut conn = database.connect();
        db::run_migrations(&mut conn).expect("migrate");
        let generated = schema_gen::render(&schema_gen::introspect(&mut conn).expect("introspect"));
        if std::env::var("UPDATE_SCHEMA").is_ok() {
            std::fs::write(SCHEMA_PATH, &generated).expect("write schema.rs");
        }
        let committed = std::fs::read_to_string(SCHEMA_PATH).expect("read schema.rs");
        assert!(
            committed == generated,
            "src/db/schema.rs differs from what the migrations produce; run \
             `UPDATE_SCHEMA=1 cargo test --test it schema` and review the diff"
        );
    }
);

both_backends!(
    fn migrations_up_down_up_leave_the_same_schema(database: TestDatabase) {
        let mut conn = database.connect();
        let applied = db::run_migrations(&mut conn).expect("migrate");
        assert!(
            applied >= 6,
            "expected every migration to run, ran {applied}"
        );
        let first = schema_gen::introspect(&mut conn).expect("introspect");
        let reverted = db::revert_all_migrations(&mut conn).expect("revert");
        assert_eq!(reverted, applied);
        let empty = schema_gen::introspect(&mut conn).expect("introspect");
        assert!(
            empty.is_empty(),
            "tables left after reverting: {:?}",
            empty.iter().map(|t| &t.name).collect::<Vec<_>>()
        );
        db::run_migrations(&mut conn).expect("migrate again");
        let second = schema_gen::introspect(&mut conn).expect("introspect");
        assert_eq!(first, second);
    }
);

both_backends!(
    fn the_report_totals_migration_fills_in_the_totals_of_earlier_reports(database: TestDatabase) {
        use diesel::prelude::*;
        use versnelling::db::schema::reports;
        use versnelling::seed::scale::{ScaleConfig, seed_scale};
        use versnelling::service::{audit::Actor, reports as report_service};

        let mut conn = database.connect();
        db::run_migrations(&mut conn).expect("migrate");
        let config = ScaleConfig {
            areas: 4,
            actions: 40,
        };
        seed_scale(&mut conn, &config, &mut |_, _| {}).expect("seed");
        let report = report_service::generate(
            &mut conn,
            &Actor::system("test"),
            "voorjaar-2021",
            db::now(),
            &mut |_, _, _| {},
        )
        .expect("a draft");
        assert!(
            report.totals["actions"].as_u64().is_some_and(|n| n > 0),
            "{}",
            report.totals
        );

        // A report made before the column existed: the migration reads its snapshot. Reverted
        // down to and including that migration (later ones came after it).
        let since: usize =
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
                .unwrap()
                .filter_map(|entry| entry.ok())
                .filter(|entry| entry.file_name().to_string_lossy().as_ref() >= "2026-12-02-000011")
                .count();
        for _ in 0..since {
            db::revert_last_migration(&mut conn).expect("revert");
        }
        let applied = db::run_migrations(&mut conn).expect("migrate again");
        assert_eq!(applied, since);
        let stored: Option<String> = reports::table
            .find(report.id.get())
            .select(reports::totals_json)
            .first(&mut conn)
            .unwrap();
        assert!(stored.is_some());
        let again = report_service::get(&mut conn, report.id, true).unwrap();
        assert_eq!(again.totals, report.totals);
    }
);
