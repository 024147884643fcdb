//! `versnelling seed --demo`: the demo data set is complete, consistent with its own history,
//! and seeded only once.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly on anything unexpected"
)]

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use versnelling::auth::password;
use versnelling::db::models::{
    Action, Baseline, Indicator, IndicatorValue, LocalNote, Milestone, MilestoneEvent,
    ProgressUpdate,
};
use versnelling::db::schema::{
    action_target_groups, actions, areas, audit_log, baselines, indicator_values, indicators,
    local_notes, milestone_events, milestones, ministries, programmes, progress_updates,
    report_periods, themes, users,
};
use versnelling::db::{self, DbConnection};
use versnelling::error::Error;
use versnelling::seed::demo::{DemoSummary, seed_demo};

use crate::both_backends;
use crate::support::TestDatabase;

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn at(year: i32, month: u32, day: u32) -> NaiveDateTime {
    date(year, month, day).and_hms_opt(0, 0, 0).unwrap()
}

/// A migrated database with the demo in it.
fn seeded(database: &TestDatabase) -> (DbConnection, DemoSummary) {
    let mut conn = database.connect();
    db::run_migrations(&mut conn).expect("migrate");
    let mut steps = Vec::new();
    let summary = seed_demo(&mut conn, &mut |step: &str| steps.push(step.to_string()))
        .expect("seed the demo");
    assert!(
        steps.iter().any(|s| s == "area 3/16: Zaandam Oost"),
        "progress names the areas: {steps:?}"
    );
    (conn, summary)
}

fn codes_by_id(rows: Vec<(i64, String)>) -> HashMap<i64, String> {
    rows.into_iter().collect()
}

fn all_actions(conn: &mut DbConnection) -> Vec<Action> {
    actions::table
        .select(Action::as_select())
        .order(actions::id)
        .load(conn)
        .expect("actions")
}

fn row_counts(conn: &mut DbConnection) -> Vec<(&'static str, i64)> {
    vec![
        (
            "programmes",
            programmes::table.count().get_result(conn).unwrap(),
        ),
        ("actions", actions::table.count().get_result(conn).unwrap()),
        (
            "action_target_groups",
            action_target_groups::table
                .count()
                .get_result(conn)
                .unwrap(),
        ),
        (
            "baselines",
            baselines::table.count().get_result(conn).unwrap(),
        ),
        (
            "milestones",
            milestones::table.count().get_result(conn).unwrap(),
        ),
        (
            "milestone_events",
            milestone_events::table.count().get_result(conn).unwrap(),
        ),
        (
            "progress_updates",
            progress_updates::table.count().get_result(conn).unwrap(),
        ),
        (
            "indicators",
            indicators::table.count().get_result(conn).unwrap(),
        ),
        (
            "indicator_values",
            indicator_values::table.count().get_result(conn).unwrap(),
        ),
        (
            "local_notes",
            local_notes::table.count().get_result(conn).unwrap(),
        ),
        ("users", users::table.count().get_result(conn).unwrap()),
        (
            "audit_log",
            audit_log::table.count().get_result(conn).unwrap(),
        ),
    ]
}

both_backends!(
    fn every_area_has_about_ten_actions_of_several_ministries_and_themes(database: TestDatabase) {
        let (mut conn, summary) = seeded(&database);
        let area_codes = codes_by_id(
            areas::table
                .select((areas::id, areas::code))
                .load(&mut conn)
                .unwrap(),
        );
        let ministry_codes = codes_by_id(
            ministries::table
                .select((ministries::id, ministries::code))
                .load(&mut conn)
                .unwrap(),
        );
        let theme_codes = codes_by_id(
            themes::table
                .select((themes::id, themes::code))
                .load(&mut conn)
                .unwrap(),
        );
        let actions = all_actions(&mut conn);
        assert_eq!(summary.actions, actions.len());

        let mut per_area: BTreeMap<&str, Vec<&Action>> = BTreeMap::new();
        for action in &actions {
            per_area
                .entry(&area_codes[&action.area_id])
                .or_default()
                .push(action);
        }
        assert_eq!(per_area.len(), 16, "every area has actions");
        for (area, of_area) in &per_area {
            let ministries: BTreeSet<_> = of_area
                .iter()
                .map(|a| &ministry_codes[&a.ministry_id])
                .collect();
            let themes: BTreeSet<_> = of_area.iter().map(|a| &theme_codes[&a.theme_id]).collect();
            assert!(
                (9..=11).contains(&of_area.len()),
                "{area} has {} actions",
                of_area.len()
            );
            assert!(
                ministries.len() >= 3,
                "{area} has actions of {ministries:?}"
            );
            assert!(themes.len() >= 4, "{area} has actions in {themes:?}");
            let area_name: String = areas::table
                .filter(areas::code.eq(*area))
                .select(areas::name)
                .first(&mut conn)
                .unwrap();
            assert!(
                of_area
                    .iter()
                    .all(|a| a.title.contains(&area_name) || a.description.contains(&area_name)),
                "the titles and descriptions of {area} name the area"
            );
        }

        let leading: BTreeSet<_> = actions
            .iter()
            .map(|a| ministry_codes[&a.ministry_id].as_str())
            .collect();
        assert_eq!(
            leading,
            BTreeSet::from(["BZK", "JenV", "OCW", "SZW", "VWS"]),
            "every ministry leads actions"
        );

        // one programme per theme, and every action belongs to the programme of its theme
        let programmes: Vec<(i64, i64)> = programmes::table
            .select((programmes::id, programmes::theme_id))
            .load(&mut conn)
            .unwrap();
        assert_eq!(programmes.len(), 5);
        assert_eq!(summary.programmes, 5);
        let programme_theme: HashMap<i64, i64> = programmes.into_iter().collect();
        assert_eq!(programme_theme.values().collect::<BTreeSet<_>>().len(), 5);
        for action in &actions {
            let programme = action
                .programme_id
                .expect("every demo action has a programme");
            assert_eq!(
                programme_theme[&programme], action.theme_id,
                "{}",
                action.title
            );
            assert!(
                action
                    .budget_cents
                    .is_some_and(|cents| cents > 0 && cents % 100 == 0)
            );
            assert!(!action.responsible.is_empty());
            assert!(action.created_at >= at(2020, 10, 1) && action.created_at < at(2020, 12, 1));
            assert!(action.created_by.is_some());
            assert!(
                action.planned_start >= date(2020, 10, 1)
                    && action.planned_end <= date(2021, 12, 31)
            );
        }
        let with_target_groups: BTreeSet<i64> = action_target_groups::table
            .select(action_target_groups::action_id)
            .load(&mut conn)
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(
            with_target_groups.len(),
            actions.len(),
            "every action has target groups"
        );
    }
);

both_backends!(
    fn every_actions_status_is_that_of_its_latest_progress_update(database: TestDatabase) {
        let (mut conn, summary) = seeded(&database);
        let actions = all_actions(&mut conn);
        let updates: Vec<ProgressUpdate> = progress_updates::table
            .select(ProgressUpdate::as_select())
            .order((progress_updates::action_id, progress_updates::recorded_at))
            .load(&mut conn)
            .unwrap();
        assert_eq!(summary.progress_updates, updates.len());
        let mut per_action: HashMap<i64, Vec<&ProgressUpdate>> = HashMap::new();
        for update in &updates {
            per_action.entry(update.action_id).or_default().push(update);
        }

        let mut latest_statuses: BTreeMap<String, usize> = BTreeMap::new();
        let mut never_updated = 0;
        for action in &actions {
            *latest_statuses.entry(action.status.clone()).or_default() += 1;
            let Some(history) = per_action.get(&action.id) else {
                never_updated += 1;
                assert_eq!(action.status, "not_started", "{}", action.title);
                assert_eq!(action.percent_complete, 0);
                assert_eq!(action.last_update_at, None);
                continue;
            };
            assert!(
                (2..=6).contains(&history.len()),
                "{} has {} updates",
                action.title,
                history.len()
            );
            let latest = history.last().unwrap();
            assert_eq!(action.status, latest.status, "{}", action.title);
            assert_eq!(
                action.percent_complete, latest.percent_complete,
                "{}",
                action.title
            );
            assert_eq!(
                action.last_update_at,
                Some(latest.recorded_at),
                "{}",
                action.title
            );
            assert!(action.updated_at >= latest.recorded_at);
            for pair in history.windows(2) {
                assert!(
                    pair[1].percent_complete >= pair[0].percent_complete,
                    "{}",
                    action.title
                );
            }
            for update in history {
                assert!(
                    update.recorded_at >= at(2020, 10, 15) && update.recorded_at < at(2021, 6, 1)
                );
                assert!(update.recorded_at > action.created_at);
                assert!(update.author_id.is_some());
                if !matches!(update.status.as_str(), "on_track" | "not_started") {
                    assert!(
                        !update.note.is_empty(),
                        "a non-green update explains itself"
                    );
                }
                if update.status == "completed" {
                    assert_eq!(update.percent_complete, 100);
                }
            }
        }
        assert!(never_updated > 0, "some actions were never updated");
        assert!(
            never_updated * 5 < actions.len(),
            "most actions were updated"
        );
        for status in [
            "on_track",
            "at_risk",
            "off_track",
            "completed",
            "discontinued",
            "not_started",
        ] {
            assert!(
                latest_statuses.contains_key(status),
                "no action is {status}: {latest_statuses:?}"
            );
        }
        assert!(
            latest_statuses["on_track"] > latest_statuses["off_track"],
            "mostly on track: {latest_statuses:?}"
        );
    }
);

both_backends!(
    fn every_action_keeps_its_original_plan_and_replans_end_later(database: TestDatabase) {
        let (mut conn, _) = seeded(&database);
        let actions = all_actions(&mut conn);
        let all: Vec<Baseline> = baselines::table
            .select(Baseline::as_select())
            .order((baselines::action_id, baselines::seq))
            .load(&mut conn)
            .unwrap();
        let mut per_action: HashMap<i64, Vec<&Baseline>> = HashMap::new();
        for baseline in &all {
            per_action
                .entry(baseline.action_id)
                .or_default()
                .push(baseline);
        }
        let mut replanned = 0;
        for action in &actions {
            let plans = &per_action[&action.id];
            let original = plans[0];
            assert_eq!(original.seq, 1);
            assert_eq!(
                original.recorded_at, action.created_at,
                "the original plan is recorded at creation"
            );
            let latest = plans.last().unwrap();
            assert_eq!(
                (action.planned_start, action.planned_end),
                (latest.planned_start, latest.planned_end)
            );
            assert_eq!(action.budget_cents, latest.budget_cents);
            if plans.len() > 1 {
                replanned += 1;
                let second = plans[1];
                assert_eq!(second.seq, 2);
                assert!(
                    second.planned_end > original.planned_end,
                    "{}",
                    action.title
                );
                assert!(
                    second.recorded_at >= at(2021, 1, 1) && second.recorded_at < at(2021, 4, 1)
                );
                assert!(!second.reason.is_empty());
                assert!(action.updated_at >= second.recorded_at);
            }
        }
        let share = replanned as f64 / actions.len() as f64;
        assert!(
            (0.1..=0.35).contains(&share),
            "about a fifth is re-planned, got {share:.2}"
        );
    }
);

both_backends!(
    fn milestones_match_their_latest_event_and_some_are_late_or_moved(database: TestDatabase) {
        let (mut conn, summary) = seeded(&database);
        let period: (i64, NaiveDate) = report_periods::table
            .filter(report_periods::code.eq("voorjaar-2021"))
            .select((report_periods::id, report_periods::cut_off))
            .first(&mut conn)
            .unwrap();
        let (period_id, cut_off) = period;
        let all: Vec<Milestone> = milestones::table
            .select(Milestone::as_select())
            .load(&mut conn)
            .unwrap();
        assert_eq!(summary.milestones, all.len());
        let events: Vec<MilestoneEvent> = milestone_events::table
            .select(MilestoneEvent::as_select())
            .order((
                milestone_events::milestone_id,
                milestone_events::recorded_at,
            ))
            .load(&mut conn)
            .unwrap();
        let mut per_milestone: HashMap<i64, Vec<&MilestoneEvent>> = HashMap::new();
        for event in &events {
            per_milestone
                .entry(event.milestone_id)
                .or_default()
                .push(event);
        }
        let mut per_action: HashMap<i64, usize> = HashMap::new();
        let (mut on_time, mut late, mut rescheduled, mut open_past_due, mut in_period) =
            (0, 0, 0, 0, 0);
        for milestone in &all {
            *per_action.entry(milestone.action_id).or_default() += 1;
            let history = &per_milestone[&milestone.id];
            let first = history[0];
            let last = history.last().unwrap();
            assert_eq!(first.kind, "created");
            assert_eq!(first.due_date, milestone.original_due_date);
            assert_eq!(first.recorded_at, milestone.created_at);
            assert_eq!(last.due_date, milestone.due_date, "{}", milestone.title);
            assert_eq!(last.done_on, milestone.done_on, "{}", milestone.title);
            assert_eq!(last.recorded_at, milestone.updated_at);
            assert!(
                milestone.original_due_date >= date(2020, 11, 1)
                    && milestone.original_due_date <= date(2021, 6, 30)
            );
            match milestone.done_on {
                Some(done) if done <= milestone.due_date => on_time += 1,
                Some(_) => late += 1,
                None if milestone.due_date < cut_off => open_past_due += 1,
                None => {}
            }
            if history.iter().any(|e| e.kind == "rescheduled") {
                rescheduled += 1;
                assert_ne!(milestone.due_date, milestone.original_due_date);
            } else {
                assert_eq!(milestone.due_date, milestone.original_due_date);
            }
            if milestone.report_period_id == Some(period_id) {
                in_period += 1;
            }
        }
        let actions = all_actions(&mut conn);
        for action in &actions {
            let count = per_action.get(&action.id).copied().unwrap_or(0);
            assert!(
                (2..=4).contains(&count),
                "{} has {count} milestones",
                action.title
            );
        }
        assert!(
            on_time > late,
            "most milestones are done on time ({on_time} vs {late} late)"
        );
        assert!(late > 0, "some milestones are done late");
        assert!(rescheduled > 0, "some milestones are rescheduled");
        assert!(
            open_past_due > 0,
            "some milestones are still open past due at the cut-off"
        );
        assert!(in_period > 0, "some milestones count for voorjaar-2021");
    }
);

both_backends!(
    fn about_half_the_actions_have_indicators_with_dated_values(database: TestDatabase) {
        let (mut conn, summary) = seeded(&database);
        let actions = all_actions(&mut conn);
        let all: Vec<Indicator> = indicators::table
            .select(Indicator::as_select())
            .load(&mut conn)
            .unwrap();
        let values: Vec<IndicatorValue> = indicator_values::table
            .select(IndicatorValue::as_select())
            .load(&mut conn)
            .unwrap();
        assert_eq!(summary.indicators, all.len());
        assert_eq!(summary.indicator_values, values.len());
        let with_indicators: BTreeSet<i64> = all.iter().map(|i| i.action_id).collect();
        let share = with_indicators.len() as f64 / actions.len() as f64;
        assert!(
            (0.3..=0.7).contains(&share),
            "about half the actions have indicators, got {share:.2}"
        );
        for indicator in &all {
            let of_indicator: Vec<_> = values
                .iter()
                .filter(|v| v.indicator_id == indicator.id)
                .collect();
            assert!(
                (2..=5).contains(&of_indicator.len()),
                "{} has {} values",
                indicator.name,
                of_indicator.len()
            );
            assert!(matches!(
                indicator.direction.as_str(),
                "increase" | "decrease"
            ));
            match indicator.direction.as_str() {
                "increase" => assert!(indicator.target_value > indicator.baseline_value),
                _ => assert!(indicator.target_value < indicator.baseline_value),
            }
            assert!(indicator.target_date.is_some());
            for value in of_indicator {
                assert!(value.recorded_at.date() > value.measured_on);
                assert!(value.recorded_at < at(2021, 6, 1));
                assert!(value.recorded_by.is_some());
            }
        }
    }
);

both_backends!(
    fn there_is_one_demo_user_per_role_and_scope_and_their_passwords_work(database: TestDatabase) {
        let (mut conn, summary) = seeded(&database);
        let roles: BTreeMap<&str, usize> =
            summary
                .users
                .iter()
                .fold(BTreeMap::new(), |mut count, user| {
                    *count.entry(user.role.as_str()).or_default() += 1;
                    count
                });
        assert_eq!(
            roles,
            BTreeMap::from([
                ("admin", 1),
                ("ministry", 5),
                ("municipality", 15),
                ("viewer", 1)
            ])
        );
        let ministry_scopes: BTreeSet<_> = summary
            .users
            .iter()
            .filter(|u| u.role == "ministry")
            .filter_map(|u| u.scope.as_deref())
            .collect();
        assert_eq!(
            ministry_scopes,
            BTreeSet::from(["BZK", "JenV", "OCW", "SZW", "VWS"])
        );
        let usernames: BTreeSet<_> = summary.users.iter().map(|u| u.username.as_str()).collect();
        for expected in [
            "programmabureau",
            "bzk",
            "jenv",
            "gemeente-rotterdam",
            "gemeente-den-haag",
            "kijker",
        ] {
            assert!(usernames.contains(expected), "missing demo user {expected}");
        }
        assert!(
            !format!("{summary:?}").contains(&summary.users[0].password),
            "Debug hides passwords"
        );

        for username in ["programmabureau", "szw", "gemeente-heerlen", "kijker"] {
            let credential = summary
                .users
                .iter()
                .find(|u| u.username == username)
                .unwrap();
            let (role, hash): (String, String) = users::table
                .filter(users::username.eq(username))
                .select((users::role, users::password_hash))
                .first(&mut conn)
                .unwrap();
            assert_eq!(role, credential.role);
            assert!(
                password::verify(&credential.password, &hash),
                "{username} can log in"
            );
        }

        // municipality users write the local notes of their own area
        let notes: Vec<LocalNote> = local_notes::table
            .select(LocalNote::as_select())
            .load(&mut conn)
            .unwrap();
        assert!(notes.len() >= 5, "a few local notes, got {}", notes.len());
        for note in &notes {
            let author = note.author_id.expect("notes have an author");
            let author_municipality: Option<i64> = users::table
                .find(author)
                .select(users::municipality_id)
                .first(&mut conn)
                .unwrap();
            let area_municipality: i64 = areas::table
                .find(note.area_id)
                .select(areas::municipality_id)
                .first(&mut conn)
                .unwrap();
            assert_eq!(author_municipality, Some(area_municipality));
        }
    }
);

both_backends!(
    fn seeding_the_demo_twice_fails_with_a_conflict_and_changes_nothing(database: TestDatabase) {
        let (mut conn, _) = seeded(&database);
        let before = row_counts(&mut conn);
        let err = seed_demo(&mut conn, &mut |_: &str| {}).expect_err("a second demo is refused");
        match err {
            Error::Conflict { message, field } => {
                assert_eq!(message, versnelling::i18n::Msg::DemoPresent);
                assert_eq!(field, None);
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        assert_eq!(row_counts(&mut conn), before);
    }
);

both_backends!(
    fn a_taken_demo_username_stops_the_demo_before_anything_is_written(database: TestDatabase) {
        let mut conn = database.connect();
        db::run_migrations(&mut conn).expect("migrate");
        versnelling::seed::seed_reference(&mut conn).expect("reference data");
        versnelling::service::users::create_user(
            &mut conn,
            &versnelling::service::audit::Actor::system("test"),
            &versnelling::service::users::NewUserInput {
                username: "Kijker".into(),
                display_name: "Someone else".into(),
                role: "viewer".into(),
                ministry: None,
                municipality: None,
                password: "a long enough password".into(),
            },
        )
        .expect("create user");
        let before = row_counts(&mut conn);
        let err = seed_demo(&mut conn, &mut |_: &str| {}).expect_err("the demo needs the name");
        assert!(
            matches!(err, Error::Conflict { ref field, .. } if field.as_deref() == Some("username")),
            "{err:?}"
        );
        assert_eq!(row_counts(&mut conn), before);
    }
);
