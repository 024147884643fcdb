//! `versnelling seed --scale N`: the generated programme has the documented size, its cached
//! columns agree with their history, and it is seeded only once.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly on anything unexpected"
)]

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use versnelling::db::schema::{
    actions, areas, audit_log, baselines, indicator_values, indicators, milestone_events,
    milestones, municipalities, programmes, progress_updates,
};
use versnelling::db::{self, DbConnection};
use versnelling::error::Error;
use versnelling::seed::scale::{ScaleConfig, ScaleSummary, seed_scale};

use crate::both_backends;
use crate::support::TestDatabase;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Runs a query that answers one row with a column `n`.
fn count_of(conn: &mut DbConnection, sql: &str) -> i64 {
    diesel::sql_query(sql)
        .get_result::<Count>(conn)
        .unwrap_or_else(|err| panic!("{sql}: {err}"))
        .n
}

fn row_counts(conn: &mut DbConnection) -> Vec<i64> {
    vec![
        programmes::table.count().get_result(conn).unwrap(),
        actions::table.count().get_result(conn).unwrap(),
        baselines::table.count().get_result(conn).unwrap(),
        milestones::table.count().get_result(conn).unwrap(),
        milestone_events::table.count().get_result(conn).unwrap(),
        progress_updates::table.count().get_result(conn).unwrap(),
        indicators::table.count().get_result(conn).unwrap(),
        indicator_values::table.count().get_result(conn).unwrap(),
        areas::table.count().get_result(conn).unwrap(),
        municipalities::table.count().get_result(conn).unwrap(),
        audit_log::table.count().get_result(conn).unwrap(),
    ]
}

fn seeded(database: &TestDatabase, config: &ScaleConfig) -> (DbConnection, ScaleSummary) {
    let mut conn = database.connect();
    db::run_migrations(&mut conn).expect("migrate");
    let mut calls = Vec::new();
    let summary = seed_scale(&mut conn, config, &mut |done, total| {
        calls.push((done, total))
    })
    .expect("seed --scale");
    let total = config.actions as u64;
    assert_eq!(calls.first(), Some(&(0, total)));
    assert_eq!(calls.last(), Some(&(total, total)));
    assert!(calls.windows(2).all(|pair| pair[0].0 < pair[1].0));
    (conn, summary)
}

both_backends!(
    fn scale_two_has_the_documented_size_and_a_consistent_history(database: TestDatabase) {
        let config = ScaleConfig::for_scale(2);
        assert_eq!(
            config,
            ScaleConfig {
                areas: 32,
                actions: 2_000
            }
        );
        let (mut conn, summary) = seeded(&database, &config);

        // the documented mapping
        assert_eq!(summary.actions, 2_000);
        assert_eq!(summary.areas, 32);
        assert_eq!(summary.areas_added, 16);
        assert_eq!(summary.programmes, 5);
        let counts = row_counts(&mut conn);
        assert_eq!(counts[0], 5);
        assert_eq!(counts[1], 2_000);
        assert_eq!(counts[8], 32, "16 real areas and 16 generated ones");
        let used_areas = count_of(
            &mut conn,
            "SELECT COUNT(DISTINCT area_id) AS n FROM actions",
        );
        assert_eq!(used_areas, 32);
        let per_area = count_of(
            &mut conn,
            "SELECT MAX(c) - MIN(c) AS n FROM (SELECT COUNT(*) AS c FROM actions GROUP BY area_id) t",
        );
        assert!(per_area <= 1, "actions are spread evenly over the areas");
        let updates = counts[5];
        assert_eq!(updates as usize, summary.progress_updates);
        assert!(
            (36_000..=42_000).contains(&updates),
            "~20 per action: {updates}"
        );
        assert_eq!(counts[3] as usize, summary.milestones);
        assert!(
            (5_500..=6_500).contains(&counts[3]),
            "~3 per action: {}",
            counts[3]
        );
        assert_eq!(counts[4] as usize, summary.milestone_events);
        assert!(counts[4] > counts[3]);
        assert_eq!(counts[6] as usize, summary.indicators);
        assert!(
            (800..=1_200).contains(&counts[6]),
            "~0.5 per action: {}",
            counts[6]
        );
        assert_eq!(counts[7] as usize, summary.indicator_values);
        assert!(counts[7] >= counts[6] * 4 && counts[7] <= counts[6] * 6);
        let generated = count_of(
            &mut conn,
            "SELECT COUNT(*) AS n FROM areas WHERE code LIKE 'wijk-%' \
             AND latitude BETWEEN 50.7 AND 53.6 AND longitude BETWEEN 3.3 AND 7.3",
        );
        assert_eq!(generated, 16);
        assert_eq!(
            count_of(
                &mut conn,
                "SELECT COUNT(*) AS n FROM audit_log WHERE operation = 'scale.seed'"
            ),
            1,
            "one audit row for the whole run"
        );

        // every action's cached progress is its latest update (or none at all)
        let mismatched = count_of(
            &mut conn,
            "SELECT COUNT(*) AS n FROM actions a \
             LEFT JOIN progress_updates p ON p.id = ( \
                 SELECT p2.id FROM progress_updates p2 WHERE p2.action_id = a.id \
                 ORDER BY p2.recorded_at DESC, p2.id DESC LIMIT 1) \
             WHERE (p.id IS NULL AND (a.status <> 'not_started' OR a.percent_complete <> 0 \
                                      OR a.last_update_at IS NOT NULL)) \
                OR (p.id IS NOT NULL AND (a.status <> p.status \
                                          OR a.percent_complete <> p.percent_complete \
                                          OR a.last_update_at IS NULL \
                                          OR a.last_update_at <> p.recorded_at))",
        );
        assert_eq!(mismatched, 0);
        assert!(
            count_of(&mut conn, "SELECT COUNT(DISTINCT status) AS n FROM actions") >= 5,
            "a realistic mix of statuses"
        );

        // percent never goes down, and history lies between October 2020 and the end of 2021
        let going_down = count_of(
            &mut conn,
            "SELECT COUNT(*) AS n FROM progress_updates p1 JOIN progress_updates p2 \
             ON p2.action_id = p1.action_id AND p2.recorded_at > p1.recorded_at \
             WHERE p2.percent_complete < p1.percent_complete",
        );
        assert_eq!(going_down, 0);
        let same_moment = count_of(
            &mut conn,
            "SELECT COUNT(*) AS n FROM (SELECT action_id, recorded_at FROM progress_updates \
             GROUP BY action_id, recorded_at HAVING COUNT(*) > 1) t",
        );
        assert_eq!(same_moment, 0, "the latest update is well defined");
        for table in [
            "progress_updates",
            "baselines",
            "milestone_events",
            "indicator_values",
        ] {
            let outside = count_of(
                &mut conn,
                &format!(
                    "SELECT COUNT(*) AS n FROM {table} \
                     WHERE recorded_at < '2020-10-01' OR recorded_at >= '2022-01-01'"
                ),
            );
            assert_eq!(outside, 0, "{table}");
        }

        // baselines: seq 1 for every action, some re-planned, the action carries the latest
        assert_eq!(
            count_of(
                &mut conn,
                "SELECT COUNT(*) AS n FROM actions a WHERE \
                 (SELECT COUNT(*) FROM baselines b WHERE b.action_id = a.id AND b.seq = 1) <> 1",
            ),
            0
        );
        let replanned = count_of(
            &mut conn,
            "SELECT COUNT(*) AS n FROM baselines WHERE seq = 2",
        );
        assert!((200..=600).contains(&replanned), "{replanned}");
        assert_eq!(
            count_of(
                &mut conn,
                "SELECT COUNT(*) AS n FROM actions a JOIN baselines b ON b.action_id = a.id \
                 AND b.seq = (SELECT MAX(seq) FROM baselines x WHERE x.action_id = a.id) \
                 WHERE a.planned_start <> b.planned_start OR a.planned_end <> b.planned_end \
                    OR a.budget_cents <> b.budget_cents",
            ),
            0
        );

        // milestones: the row is its latest event, the original due date its first
        assert_eq!(
            count_of(
                &mut conn,
                "SELECT COUNT(*) AS n FROM milestones m \
                 JOIN milestone_events last ON last.id = ( \
                     SELECT e.id FROM milestone_events e WHERE e.milestone_id = m.id \
                     ORDER BY e.recorded_at DESC, e.id DESC LIMIT 1) \
                 JOIN milestone_events first ON first.id = ( \
                     SELECT e.id FROM milestone_events e WHERE e.milestone_id = m.id \
                     ORDER BY e.recorded_at, e.id LIMIT 1) \
                 WHERE first.kind <> 'created' OR m.original_due_date <> first.due_date \
                    OR m.due_date <> last.due_date \
                    OR (m.done_on IS NULL) <> (last.done_on IS NULL) \
                    OR m.done_on <> last.done_on OR m.updated_at <> last.recorded_at",
            ),
            0
        );
        assert_eq!(
            count_of(
                &mut conn,
                "SELECT COUNT(*) AS n FROM milestones m WHERE NOT EXISTS \
                 (SELECT 1 FROM milestone_events e WHERE e.milestone_id = m.id)",
            ),
            0
        );

        // new rows after the run get fresh ids (PostgreSQL's identity sequences moved on)
        let max_id: i64 = actions::table
            .select(diesel::dsl::max(actions::id))
            .first::<Option<i64>>(&mut conn)
            .unwrap()
            .unwrap();
        let new_id = count_of(
            &mut conn,
            "INSERT INTO actions (area_id, theme_id, ministry_id, title, planned_start, \
             planned_end, created_at, updated_at) SELECT area_id, theme_id, ministry_id, \
             'Nieuwe actie', planned_start, planned_end, created_at, updated_at FROM actions \
             WHERE id = 1 RETURNING id AS n",
        );
        assert!(new_id > max_id);
    }
);

both_backends!(
    fn a_second_run_is_refused_and_changes_nothing(database: TestDatabase) {
        let config = ScaleConfig {
            areas: 20,
            actions: 120,
        };
        let (mut conn, summary) = seeded(&database, &config);
        assert_eq!(summary.actions, 120);
        let before = row_counts(&mut conn);
        let again = seed_scale(&mut conn, &config, &mut |_, _| {});
        assert!(
            matches!(again, Err(Error::Conflict { .. })),
            "{:?}",
            again.map(|s| s.actions)
        );
        assert_eq!(row_counts(&mut conn), before);
    }
);

both_backends!(
    fn the_lean_chart_counts_draw_the_same_charts_as_the_actions_loaded_in_full(
        database: TestDatabase,
    ) {
        use versnelling::service::actions::ActionFilter;
        use versnelling::service::charts::{self, ChartFacts, ChartNames};
        use versnelling::service::progress;

        let config = ScaleConfig {
            areas: 24,
            actions: 600,
        };
        let (mut conn, _) = seeded(&database, &config);
        let filters = [
            ActionFilter::default(),
            ActionFilter {
                ministry: Some("BZK,SZW".into()),
                ..Default::default()
            },
            ActionFilter {
                area: Some("rotterdam-zuid".into()),
                status: Some("on_track,at_risk".into()),
                ..Default::default()
            },
            ActionFilter {
                municipality: Some("rotterdam".into()),
                theme: Some("housing".into()),
                ..Default::default()
            },
            ActionFilter {
                target_group: Some("youth".into()),
                ..Default::default()
            },
            ActionFilter {
                programme: Some("versnelling-schulden".into()),
                ..Default::default()
            },
            ActionFilter {
                q: Some("Jongeren".into()),
                status: Some("on_track".into()),
                ..Default::default()
            },
        ];
        let names = ChartNames::load(&mut conn, versnelling::i18n::Lang::Nl).unwrap();
        for filter in filters {
            let full = progress::load_facts(&mut conn, &filter, None, None).unwrap();
            let lean = ChartFacts::now(&mut conn, &filter, true).unwrap();
            let mut from_full = ChartFacts::from_facts(&full);
            let counted: u32 = lean.counts.values().map(|c| c.total()).sum();
            assert_eq!(counted as usize, full.actions.len(), "{filter:?}");
            assert!(counted > 0, "the filter matches something: {filter:?}");
            from_full.milestones.sort();
            let mut lean_sorted = lean.clone();
            lean_sorted.milestones.sort();
            assert_eq!(lean_sorted, from_full, "{filter:?}");
            for name in charts::NAMES.iter().filter(|n| **n != "indicator-trend") {
                assert_eq!(
                    charts::overview_from(name, &lean, &names).unwrap(),
                    charts::overview_data(name, &full, &names).unwrap(),
                    "{name} {filter:?}"
                );
            }
        }
        // The unfiltered programme is not empty: the comparison above compared something.
        let everything = ChartFacts::now(&mut conn, &ActionFilter::default(), true).unwrap();
        let counts_only = ChartFacts::now(&mut conn, &ActionFilter::default(), false).unwrap();
        assert_eq!(counts_only.counts, everything.counts);
        assert!(counts_only.milestones.is_empty());
        assert_eq!(
            everything.counts.values().map(|c| c.total()).sum::<u32>(),
            600
        );
        assert!(everything.milestones.len() > 600);
    }
);

both_backends!(
    fn a_report_of_a_generated_programme_charts_each_indicator_only_where_an_area_has_few(
        database: TestDatabase,
    ) {
        use versnelling::reports::build::{self, INDICATOR_CHARTS_PER_AREA, Moment};
        use versnelling::reports::{self as documents, Format};

        // ~10 indicators per area on average: some areas have more than the limit, some fewer.
        let config = ScaleConfig {
            areas: 32,
            actions: 700,
        };
        let (mut conn, _) = seeded(&database, &config);
        let cut_off = chrono::NaiveDate::from_ymd_opt(2021, 3, 31).unwrap();
        let model = build::build(
            &mut conn,
            "voorjaar-2021",
            Moment::for_period(cut_off, db::now()),
        )
        .unwrap();
        let (mut few, mut many) = (0, 0);
        for area in &model.areas {
            let charted: Vec<&str> = area
                .charts
                .iter()
                .filter_map(|c| c.id.strip_prefix("indicator-"))
                .collect();
            if area.indicators.len() <= INDICATOR_CHARTS_PER_AREA {
                // one chart per indicator, in the order of the table
                let listed: Vec<String> =
                    area.indicators.iter().map(|i| i.id.to_string()).collect();
                assert_eq!(charted, listed, "{}", area.code);
                few += usize::from(!area.indicators.is_empty());
            } else {
                assert!(charted.is_empty(), "{}: {charted:?}", area.code);
                many += 1;
            }
        }
        assert!(
            few > 0 && many > 0,
            "both kinds of area: {few} with few, {many} with many"
        );

        // Every area with indicators says how far they are, and those without charts say why.
        let markdown = String::from_utf8(documents::render(&model, Format::Md).unwrap()).unwrap();
        for area in model.areas.iter().filter(|a| !a.indicators.is_empty()) {
            let count = area.indicators.len();
            // its heading ("### 3.1 Name (gemeente X)"), not its line in the contents
            let heading = format!(" {} (gemeente {})", area.name, area.municipality);
            let chapter_start = markdown
                .match_indices("\n### ")
                .map(|(i, _)| i + 1)
                .find(|&i| {
                    markdown[i..]
                        .lines()
                        .next()
                        .is_some_and(|line| line.ends_with(&heading))
                })
                .unwrap_or_else(|| panic!("a chapter for {}", area.code));
            let chapter = &markdown[chapter_start..];
            // up to the next area (### in Markdown) or chapter (##)
            let end = ["\n### ", "\n## "]
                .iter()
                .filter_map(|h| chapter[1..].find(h))
                .min()
                .map_or(chapter.len(), |i| i + 1);
            let chapter = &chapter[..end];
            let noun = if count == 1 {
                "indicator"
            } else {
                "indicatoren"
            };
            assert!(
                chapter.contains(&format!("{count} {noun}: ")),
                "{}: {chapter}",
                area.code
            );
            let unmeasured = area
                .indicators
                .iter()
                .filter(|i| i.latest.is_none())
                .count();
            if unmeasured > 0 {
                let verb = if unmeasured == 1 { "is" } else { "zijn" };
                assert!(
                    chapter.contains(&format!("{unmeasured} {verb} nog niet gemeten")),
                    "{}: {unmeasured} not measured: {chapter}",
                    area.code
                );
            }
            assert_eq!(
                chapter.contains("staat geen grafiek per indicator"),
                count > INDICATOR_CHARTS_PER_AREA,
                "{}",
                area.code
            );
        }
    }
);
