//! History you can trust: every descriptive fact is versioned, `as_of` rebuilds any recorded
//! moment, and a published report verifies in three checks after any sequence of ordinary edits.

use std::cell::RefCell;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use versnelling::auth::policy::Owner;
use versnelling::db::schema::{areas, audit_log, ministries, report_files, themes};
use versnelling::db::{self, DbConnection};
use versnelling::domain::asof::AsOf;
use versnelling::domain::{ActionId, ActionStatus, IndicatorId, MilestoneId, ReportId, Role};
use versnelling::error::{Error, Result};
use versnelling::service::audit::Actor;
use versnelling::service::{actions, indicators, milestones, reference, reports, signoffs};

use crate::support::happened_at;
use crate::{app_test, both_backends};

fn allow(_: Owner) -> Result<()> {
    Ok(())
}

fn date(text: &str) -> NaiveDate {
    text.parse().expect("a date")
}

const THEMES: [&str; 3] = ["employment", "youth", "housing"];
const GROUPS: [&str; 3] = ["youth", "families", "debts"];
const STATUSES: [ActionStatus; 3] = [
    ActionStatus::OnTrack,
    ActionStatus::AtRisk,
    ActionStatus::OffTrack,
];

/// What the test believes an action is.
#[derive(Debug, Clone, PartialEq)]
struct ActionState {
    id: i64,
    title: String,
    description: String,
    responsible: String,
    theme: String,
    target_groups: Vec<String>,
    budget: Option<i64>,
    start: NaiveDate,
    end: NaiveDate,
    status: ActionStatus,
    percent: i32,
}

/// What the test believes the indicator is: its description and every value with the order it
/// was recorded in.
#[derive(Debug, Clone, PartialEq)]
struct IndicatorState {
    id: i64,
    name: String,
    target: f64,
    target_date: Option<NaiveDate>,
    values: Vec<(NaiveDate, f64)>,
}

impl IndicatorState {
    /// The newest measurement; a later recording for the same date wins.
    fn latest(&self) -> Option<f64> {
        self.values
            .iter()
            .enumerate()
            .max_by_key(|(n, (on, _))| (*on, *n))
            .map(|(_, (_, value))| *value)
    }
}

#[derive(Debug, Clone, PartialEq)]
struct MilestoneState {
    id: i64,
    title: String,
    due: NaiveDate,
    done: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq)]
struct World {
    actions: Vec<ActionState>,
    indicator: IndicatorState,
    milestone: MilestoneState,
}

/// An ordinary edit, as a ministry or the programme office makes them.
#[derive(Debug, Clone)]
enum Edit {
    Title(usize, u8),
    Description(usize, u8),
    Responsible(usize, u8),
    Theme(usize, usize),
    Groups(usize, usize),
    Budget(usize, u8),
    Replan(usize, u16, Option<u8>),
    Progress(usize, usize, u8),
    IndicatorName(u8),
    IndicatorTarget(u8, Option<u16>),
    Value(u16, u8),
    BackdatedValue(u8),
    MilestoneTitle(u8),
    Reschedule(u8),
    CompleteOrReopen,
    AreaName(u8),
    MinistryName(u8),
    ThemeName(u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    let action = 0..2_usize;
    prop_oneof![
        (action.clone(), any::<u8>()).prop_map(|(a, n)| Edit::Title(a, n % 4)),
        (action.clone(), any::<u8>()).prop_map(|(a, n)| Edit::Description(a, n % 4)),
        (action.clone(), any::<u8>()).prop_map(|(a, n)| Edit::Responsible(a, n % 3)),
        (action.clone(), 0..THEMES.len()).prop_map(|(a, t)| Edit::Theme(a, t)),
        (action.clone(), 0..GROUPS.len()).prop_map(|(a, g)| Edit::Groups(a, g)),
        (action.clone(), any::<u8>()).prop_map(|(a, n)| Edit::Budget(a, n % 5)),
        (
            action.clone(),
            0..400_u16,
            proptest::option::of(any::<u8>())
        )
            .prop_map(|(a, d, b)| Edit::Replan(a, d, b.map(|b| b % 5))),
        (action, 0..STATUSES.len(), 0..100_u8).prop_map(|(a, s, p)| Edit::Progress(a, s, p)),
        any::<u8>().prop_map(|n| Edit::IndicatorName(n % 3)),
        (any::<u8>(), proptest::option::of(0..300_u16))
            .prop_map(|(n, d)| Edit::IndicatorTarget(n % 4, d)),
        (0..200_u16, any::<u8>()).prop_map(|(d, v)| Edit::Value(d, v)),
        any::<u8>().prop_map(Edit::BackdatedValue),
        any::<u8>().prop_map(|n| Edit::MilestoneTitle(n % 3)),
        (1..200_u8).prop_map(Edit::Reschedule),
        Just(Edit::CompleteOrReopen),
        any::<u8>().prop_map(|n| Edit::AreaName(n % 3)),
        any::<u8>().prop_map(|n| Edit::MinistryName(n % 3)),
        any::<u8>().prop_map(|n| Edit::ThemeName(n % 3)),
    ]
}

fn admin() -> Actor {
    Actor::system("eigenschapstest")
}

fn action_version(conn: &mut DbConnection, id: i64) -> i64 {
    actions::get(conn, ActionId::from(id), None)
        .expect("the action")
        .version
}

/// Applies one edit through the services and to the model.
fn apply(conn: &mut DbConnection, world: &mut World, edit: &Edit) -> Result<()> {
    let actor = admin();
    match *edit {
        Edit::Title(a, n) | Edit::Description(a, n) | Edit::Responsible(a, n) => {
            let state = &mut world.actions[a];
            let text = format!("{} {n}", ["Titel", "Omschrijving", "Team"][kind_of(edit)]);
            let mut change = actions::ActionChange::default();
            match edit {
                Edit::Title(..) => {
                    change.title = Some(text.clone());
                    state.title = text;
                }
                Edit::Description(..) => {
                    change.description = Some(text.clone());
                    state.description = text;
                }
                _ => {
                    change.responsible = Some(text.clone());
                    state.responsible = text;
                }
            }
            change_action(conn, state.id, &change)?;
        }
        Edit::Theme(a, t) => {
            let state = &mut world.actions[a];
            state.theme = THEMES[t].to_string();
            let change = actions::ActionChange {
                theme: Some(THEMES[t].to_string()),
                ..Default::default()
            };
            change_action(conn, state.id, &change)?;
        }
        Edit::Groups(a, g) => {
            let state = &mut world.actions[a];
            let groups: Vec<String> = GROUPS[..=g].iter().map(|s| (*s).to_string()).collect();
            state.target_groups = groups.clone();
            state.target_groups.sort();
            let change = actions::ActionChange {
                target_groups: Some(groups),
                ..Default::default()
            };
            change_action(conn, state.id, &change)?;
        }
        Edit::Budget(a, n) => {
            let state = &mut world.actions[a];
            let cents = i64::from(n) * 10_000_000;
            state.budget = Some(cents);
            let change = actions::ActionChange {
                budget_cents: Some(cents),
                reason: Some("Nieuwe raming".into()),
                ..Default::default()
            };
            change_action(conn, state.id, &change)?;
        }
        Edit::Replan(a, days, budget) => {
            let state = &mut world.actions[a];
            state.end = date("2021-12-31") + Duration::days(i64::from(days));
            if let Some(b) = budget {
                state.budget = Some(i64::from(b) * 10_000_000);
            }
            let input = actions::ReplanInput {
                planned_start: state.start,
                planned_end: state.end,
                budget_cents: budget.map(|b| i64::from(b) * 10_000_000),
                target_note: String::new(),
                reason: "Herplanning".into(),
            };
            let version = action_version(conn, state.id);
            actions::replan(
                conn,
                &actor,
                ActionId::from(state.id),
                version,
                &input,
                &allow,
            )?;
        }
        Edit::Progress(a, s, p) => {
            let state = &mut world.actions[a];
            state.status = STATUSES[s];
            state.percent = i32::from(p);
            let input = actions::ProgressInput {
                status: STATUSES[s],
                percent_complete: i32::from(p),
                note: "Stand van zaken".into(),
            };
            actions::add_progress(conn, &actor, ActionId::from(state.id), None, &input, &allow)?;
        }
        Edit::IndicatorName(n) | Edit::IndicatorTarget(n, _) => {
            let indicator = &mut world.indicator;
            let mut input = indicators::IndicatorInput {
                name: None,
                unit: None,
                direction: None,
                baseline_value: None,
                target_value: None,
                target_date: None,
                reason: None,
            };
            if let Edit::IndicatorTarget(_, days) = *edit {
                indicator.target = f64::from(n) * 10.0 + 40.0;
                input.target_value = Some(indicator.target);
                if let Some(days) = days {
                    let day = date("2021-12-31") + Duration::days(i64::from(days));
                    indicator.target_date = Some(day);
                    input.target_date = Some(day);
                }
                input.reason = Some("Bijgestelde ambitie".into());
            } else {
                indicator.name = format!("Kamers {n}");
                input.name = Some(indicator.name.clone());
            }
            let id = IndicatorId::from(indicator.id);
            let version = indicators::get(conn, id, None)?.version;
            indicators::update(conn, &actor, id, version, &input, &allow)?;
        }
        Edit::Value(days, v) => {
            let on = date("2021-04-01") + Duration::days(i64::from(days));
            value(conn, world, on, f64::from(v))?;
        }
        Edit::BackdatedValue(v) => {
            // Measured before the published report's cut-off, recorded after its publication.
            value(conn, world, date("2021-03-20"), f64::from(v))?;
        }
        Edit::MilestoneTitle(n) => {
            let milestone = &mut world.milestone;
            milestone.title = format!("Mijlpaal {n}");
            let change = milestones::Change::Describe {
                title: Some(milestone.title.clone()),
                description: None,
                report_period: None,
            };
            change_milestone(conn, milestone.id, &change)?;
        }
        Edit::Reschedule(days) => {
            if world.milestone.done.is_some() {
                return Ok(());
            }
            world.milestone.due = date("2021-03-15") + Duration::days(i64::from(days));
            let change = milestones::Change::Reschedule {
                due_date: world.milestone.due,
                note: "Later".into(),
            };
            change_milestone(conn, world.milestone.id, &change)?;
        }
        Edit::CompleteOrReopen => {
            let change = if world.milestone.done.is_some() {
                world.milestone.done = None;
                milestones::Change::Reopen {
                    note: "Toch niet af".into(),
                }
            } else {
                world.milestone.done = Some(date("2021-06-01"));
                milestones::Change::Complete {
                    done_on: date("2021-06-01"),
                    note: "Afgerond".into(),
                }
            };
            change_milestone(conn, world.milestone.id, &change)?;
        }
        Edit::AreaName(n) => {
            let version: i64 = areas::table
                .filter(areas::code.eq("rotterdam-zuid"))
                .select(areas::version)
                .first(conn)?;
            let change = reference::AreaChange {
                name: Some(format!("Rotterdam-Zuid {n}")),
                ..Default::default()
            };
            reference::update_area(conn, &actor, "rotterdam-zuid", version, &change)?;
        }
        Edit::MinistryName(n) => {
            let version: i64 = ministries::table
                .filter(ministries::code.eq("SZW"))
                .select(ministries::version)
                .first(conn)?;
            let input = reference::MinistryInput {
                code: None,
                name: Some(format!("Sociale Zaken {n}")),
            };
            reference::update_ministry(conn, &actor, "SZW", version, &input)?;
        }
        Edit::ThemeName(n) => {
            let version: i64 = themes::table
                .filter(themes::code.eq("employment"))
                .select(themes::version)
                .first(conn)?;
            let input = reference::ThemeInput {
                code: None,
                name_nl: Some(format!("Werk {n}")),
                name_en: None,
                description: None,
            };
            reference::update_theme(conn, &actor, "employment", version, &input)?;
        }
    }
    Ok(())
}

/// An ordinary change of an action, at its current version.
fn change_action(conn: &mut DbConnection, id: i64, change: &actions::ActionChange) -> Result<()> {
    let version = action_version(conn, id);
    actions::update(conn, &admin(), ActionId::from(id), version, change, &allow)?;
    Ok(())
}

fn kind_of(edit: &Edit) -> usize {
    match edit {
        Edit::Title(..) => 0,
        Edit::Description(..) => 1,
        _ => 2,
    }
}

fn value(conn: &mut DbConnection, world: &mut World, on: NaiveDate, v: f64) -> Result<()> {
    world.indicator.values.push((on, v));
    let input = indicators::ValueInput {
        measured_on: on,
        value: v,
        note: String::new(),
    };
    indicators::add_value(
        conn,
        &admin(),
        IndicatorId::from(world.indicator.id),
        &input,
        &allow,
    )?;
    Ok(())
}

fn change_milestone(conn: &mut DbConnection, id: i64, change: &milestones::Change) -> Result<()> {
    let id = MilestoneId::from(id);
    let version = milestones::get(conn, id, None)?.version;
    milestones::change(conn, &admin(), id, version, change, &allow)?;
    Ok(())
}

/// The newest moment the audit log holds: every write of the last edit is recorded up to it.
fn last_recorded(conn: &mut DbConnection) -> NaiveDateTime {
    audit_log::table
        .select(diesel::dsl::max(audit_log::recorded_at))
        .first::<Option<NaiveDateTime>>(conn)
        .expect("the audit log")
        .expect("an audit row")
}

/// A programme of two actions with an indicator and a milestone, recorded in February 2021,
/// and the report of `voorjaar-2021` (cut-off 31 March 2021) published.
fn published_programme(conn: &mut DbConnection) -> (World, ReportId) {
    db::run_migrations(conn).expect("migrations");
    versnelling::seed::seed_reference(conn).expect("reference data");
    let actor = admin();
    let mut states = Vec::new();
    for (n, area) in ["rotterdam-zuid", "den-haag-zuidwest"].iter().enumerate() {
        let input = actions::NewActionInput {
            title: format!("Actie {n}"),
            description: String::new(),
            area: (*area).to_string(),
            ministry: "SZW".into(),
            theme: "employment".into(),
            programme: None,
            target_groups: vec!["youth".into()],
            responsible: String::new(),
            budget_cents: Some(100_000_000),
            planned_start: date("2021-01-01"),
            planned_end: date("2021-12-31"),
        };
        let created = actions::create(conn, &actor, &input, &allow).expect("an action");
        states.push(ActionState {
            id: created.id,
            title: created.title,
            description: String::new(),
            responsible: String::new(),
            theme: "employment".into(),
            target_groups: vec!["youth".into()],
            budget: Some(100_000_000),
            start: date("2021-01-01"),
            end: date("2021-12-31"),
            status: ActionStatus::NotStarted,
            percent: 0,
        });
    }
    let first = ActionId::from(states[0].id);
    let indicator = indicators::create(
        conn,
        &actor,
        first,
        &indicators::IndicatorInput {
            name: Some("Kamers".into()),
            unit: Some("kamers".into()),
            direction: Some("increase".into()),
            baseline_value: Some(0.0),
            target_value: Some(40.0),
            target_date: Some(date("2021-12-31")),
            reason: None,
        },
        &allow,
    )
    .expect("an indicator");
    let milestone = milestones::create(
        conn,
        &actor,
        first,
        &milestones::NewMilestoneInput {
            title: "Eerste kamers".into(),
            description: String::new(),
            due_date: date("2021-03-15"),
            report_period: None,
        },
        &allow,
    )
    .expect("a milestone");
    let mut world = World {
        actions: states,
        indicator: IndicatorState {
            id: indicator.id,
            name: "Kamers".into(),
            target: 40.0,
            target_date: Some(date("2021-12-31")),
            values: Vec::new(),
        },
        milestone: MilestoneState {
            id: milestone.id,
            title: "Eerste kamers".into(),
            due: date("2021-03-15"),
            done: None,
        },
    };
    value(conn, &mut world, date("2021-02-01"), 6.0).expect("a value");
    happened_at(conn, "2021-02-02 10:00:00");
    for state in ["submitted", "approved"] {
        let input: signoffs::SignoffInput =
            serde_json::from_value(serde_json::json!({"state": state, "note": "klaar"}))
                .expect("a sign-off");
        signoffs::sign_off(
            conn,
            &actor,
            Role::Admin,
            "voorjaar-2021",
            "SZW",
            &input,
            &allow,
        )
        .expect("signed off");
    }
    let draft = reports::generate(conn, &actor, "voorjaar-2021", db::now(), &mut |_, _, _| {})
        .expect("a draft");
    let published =
        reports::publish(conn, &actor, draft.id, draft.version, db::now()).expect("published");
    (world, published.id)
}

/// Every entity as of `moment` against the model of that moment.
fn check_moment(
    conn: &mut DbConnection,
    moment: NaiveDateTime,
    world: &World,
) -> std::result::Result<(), TestCaseError> {
    let as_of = Some(AsOf::at(moment));
    for expected in &world.actions {
        let got = actions::get(conn, ActionId::from(expected.id), as_of)
            .map_err(|e| TestCaseError::fail(format!("{e}")))?;
        let seen = ActionState {
            id: got.id,
            title: got.title,
            description: got.description,
            responsible: got.responsible,
            theme: got.theme,
            target_groups: got.target_groups,
            budget: got.budget_cents,
            start: got.planned_start,
            end: got.planned_end,
            status: got.status,
            percent: got.percent_complete,
        };
        prop_assert_eq!(&seen, expected, "action as of {}", moment);
        prop_assert_eq!(
            got.current_plan.as_ref().and_then(|p| p.budget_cents),
            expected.budget,
            "one budget: the plan's"
        );
        // The list as of the moment, filtered by what the action was then.
        let filter = actions::ActionFilter {
            theme: Some(expected.theme.clone()),
            as_of: Some(format!("{}Z", moment.format("%Y-%m-%dT%H:%M:%S%.6f"))),
            ..Default::default()
        };
        let listed =
            actions::all(conn, &filter).map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert!(
            listed.iter().any(|a| a.id == expected.id),
            "the action is listed under its theme then"
        );
    }
    let indicator = indicators::get(conn, IndicatorId::from(world.indicator.id), as_of)
        .map_err(|e| TestCaseError::fail(format!("{e}")))?;
    prop_assert_eq!(&indicator.name, &world.indicator.name);
    prop_assert_eq!(indicator.target_value, world.indicator.target);
    prop_assert_eq!(indicator.target_date, world.indicator.target_date);
    prop_assert_eq!(
        indicator.latest.map(|l| l.value),
        world.indicator.latest(),
        "the latest value as of {}",
        moment
    );
    let milestone = milestones::get(conn, MilestoneId::from(world.milestone.id), as_of)
        .map_err(|e| TestCaseError::fail(format!("{e}")))?;
    prop_assert_eq!(&milestone.title, &world.milestone.title);
    prop_assert_eq!(milestone.due_date, world.milestone.due);
    prop_assert_eq!(milestone.done_on, world.milestone.done);
    Ok(())
}

both_backends!(
    /// After a publication, random sequences of ordinary edits through the services: the report
    /// still verifies in all three checks, and `as_of` of every entity at every recorded moment
    /// equals the history replayed up to it.
    fn any_sequence_of_edits_keeps_history_and_the_published_report(database: TestDatabase) {
        let mut conn = database.connect();
        let (world, report) = published_programme(&mut conn);
        let verified = reports::verify(&mut conn, report).expect("verify");
        assert!(verified.identical(), "{verified:?}");
        let conn = RefCell::new(conn);
        // The model at every moment so far: (moment, world after the write at that moment).
        let timeline = RefCell::new(vec![(last_recorded(&mut conn.borrow_mut()), world)]);
        let cases = if database.url.starts_with("sqlite") {
            12
        } else {
            6
        };
        let mut runner = TestRunner::new(Config {
            cases,
            max_shrink_iters: 0,
            failure_persistence: None,
            ..Config::default()
        });
        let outcome = runner.run(&proptest::collection::vec(edit(), 1..10), |edits| {
            let conn = &mut *conn.borrow_mut();
            let mut timeline = timeline.borrow_mut();
            for edit in &edits {
                let mut world = timeline.last().map(|(_, w)| w.clone()).expect("a start");
                match apply(conn, &mut world, edit) {
                    Ok(()) => {}
                    Err(Error::Validation(errors)) => {
                        return Err(TestCaseError::fail(format!(
                            "{edit:?} was refused: {errors:?}"
                        )));
                    }
                    Err(other) => return Err(TestCaseError::fail(format!("{edit:?}: {other}"))),
                }
                timeline.push((last_recorded(conn), world));
            }
            let verified = reports::verify(conn, report)
                .map_err(|e| TestCaseError::fail(format!("verify: {e}")))?;
            prop_assert!(verified.identical(), "after {:?}: {:?}", edits, verified);
            for (moment, world) in timeline.iter() {
                check_moment(conn, *moment, world)?;
            }
            Ok(())
        });
        if let Err(failure) = outcome {
            panic!("{failure}");
        }
        assert!(timeline.borrow().len() > usize::try_from(cases).unwrap());
    }
);

both_backends!(
    /// Check 1 finds a stored file altered in the database, even though history still gives
    /// the same content (checks 2 and 3 pass).
    fn verify_finds_a_stored_file_altered_in_the_database(database: TestDatabase) {
        let mut conn = database.connect();
        let (_, report) = published_programme(&mut conn);
        diesel::update(
            report_files::table
                .filter(report_files::report_id.eq(report.get()))
                .filter(report_files::format.eq("csv")),
        )
        .set(report_files::content.eq(b"herschreven".to_vec()))
        .execute(&mut conn)
        .unwrap();
        let verified = reports::verify(&mut conn, report).unwrap();
        assert!(!verified.files_intact());
        assert_eq!(
            verified
                .stored_files
                .iter()
                .filter(|(_, same)| !same)
                .map(|(format, _)| format.to_string())
                .collect::<Vec<_>>(),
            ["csv"]
        );
        assert!(verified.snapshot_same(), "{verified:?}");
        assert!(!verified.nothing_differs());
    }
);

both_backends!(
    /// A report drawn by another renderer is not drawn again: check 3 says so instead of a
    /// false "differs", and the report still verifies on checks 1 and 2.
    fn a_report_of_another_renderer_is_not_drawn_again(database: TestDatabase) {
        let mut conn = database.connect();
        let (_, report) = published_programme(&mut conn);
        diesel::sql_query(format!(
            "UPDATE reports SET renderer_version = 0 WHERE id = {}",
            report.get()
        ))
        .execute(&mut conn)
        .unwrap();
        let verified = reports::verify(&mut conn, report).unwrap();
        assert_eq!(
            verified.redrawn,
            reports::RedrawCheck::OtherRenderer {
                stored: 0,
                current: versnelling::reports::RENDERER_VERSION
            }
        );
        assert!(verified.files_intact() && verified.snapshot_same());
        assert!(verified.nothing_differs());
        assert!(!verified.identical());
    }
);

both_backends!(
    /// One budget per action, owned by its plan: a new budget is a new plan with its reason, the
    /// deviation from the original shows, and without a reason it is refused and changes nothing.
    fn a_new_budget_is_a_new_plan_with_a_reason(database: TestDatabase) {
        let mut conn = database.connect();
        let (world, _) = published_programme(&mut conn);
        let id = ActionId::from(world.actions[0].id);
        let before = actions::get(&mut conn, id, None).unwrap();
        let change = actions::ActionChange {
            budget_cents: Some(123_400),
            ..Default::default()
        };
        let refused =
            actions::update(&mut conn, &admin(), id, before.version, &change, &allow).unwrap_err();
        let Error::Validation(errors) = refused else {
            panic!("a validation error: {refused:?}");
        };
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "reason");
        assert_eq!(actions::get(&mut conn, id, None).unwrap(), before);

        let change = actions::ActionChange {
            budget_cents: Some(123_400),
            reason: Some("Extra middelen".into()),
            ..Default::default()
        };
        let after =
            actions::update(&mut conn, &admin(), id, before.version, &change, &allow).unwrap();
        assert_eq!(after.budget_cents, Some(123_400));
        let current = after.current_plan.unwrap();
        assert_eq!(current.budget_cents, Some(123_400));
        assert_eq!(current.reason, "Extra middelen");
        assert_eq!(current.planned_end, before.planned_end, "the dates stay");
        assert_eq!(after.original_plan.unwrap().budget_cents, Some(100_000_000));
        let history = versnelling::service::history::action_fields(&mut conn, id).unwrap();
        let budget = history
            .iter()
            .rev()
            .find(|c| c.field == "budget_cents")
            .unwrap();
        assert_eq!(budget.from, serde_json::json!(100_000_000));
        assert_eq!(budget.to, serde_json::json!(123_400));
        assert_eq!(budget.reason, "Extra middelen");
    }
);

both_backends!(
    /// A change of an indicator's target needs a reason, kept with its version; its name does not.
    fn a_new_target_needs_a_reason(database: TestDatabase) {
        let mut conn = database.connect();
        let (world, _) = published_programme(&mut conn);
        let id = IndicatorId::from(world.indicator.id);
        let version = indicators::get(&mut conn, id, None).unwrap().version;
        let mut input = indicators::IndicatorInput {
            name: None,
            unit: None,
            direction: None,
            baseline_value: None,
            target_value: Some(60.0),
            target_date: None,
            reason: None,
        };
        let refused =
            indicators::update(&mut conn, &admin(), id, version, &input, &allow).unwrap_err();
        assert!(
            matches!(&refused, Error::Validation(errors) if errors[0].field == "reason"),
            "{refused:?}"
        );
        input.reason = Some("Meer kamers beschikbaar".into());
        indicators::update(&mut conn, &admin(), id, version, &input, &allow).unwrap();
        let reason: String = versnelling::db::schema::versions::table
            .filter(versnelling::db::schema::versions::entity_type.eq("indicator"))
            .order(versnelling::db::schema::versions::id.desc())
            .select(versnelling::db::schema::versions::reason)
            .first(&mut conn)
            .unwrap();
        assert_eq!(reason, "Meer kamers beschikbaar");
        // The action's field history shows it, with the indicator it belongs to.
        let action = ActionId::from(world.actions[0].id);
        let history = versnelling::service::history::action_fields(&mut conn, action).unwrap();
        let target = history
            .iter()
            .rev()
            .find(|c| c.kind == "indicator" && c.field == "target_value")
            .unwrap();
        assert_eq!(
            (target.id, target.name.as_str()),
            (world.indicator.id, "Kamers")
        );
        assert_eq!(target.from, serde_json::json!(40.0));
        assert_eq!(target.to, serde_json::json!(60.0));
        assert_eq!(target.reason, "Meer kamers beschikbaar");
    }
);

both_backends!(
    /// `as_of` before an action existed is 404; a moment in the future means now.
    fn as_of_before_existence_is_not_found_and_the_future_means_now(database: TestDatabase) {
        let mut conn = database.connect();
        let (world, _) = published_programme(&mut conn);
        let id = ActionId::from(world.actions[0].id);
        let early = actions::as_of_param(Some("2021-01-31")).unwrap();
        assert!(matches!(
            actions::get(&mut conn, id, early),
            Err(Error::NotFound(_))
        ));
        let future = actions::as_of_param(Some("2999-01-01")).unwrap().unwrap();
        assert!(future.before <= AsOf::at(db::now()).before);
        let now = actions::get(&mut conn, id, None).unwrap();
        let then = actions::get(&mut conn, id, Some(future)).unwrap();
        assert_eq!(then.title, now.title);
        assert_eq!(then.status, now.status);
        let bad = actions::as_of_param(Some("2021-02-30")).unwrap_err();
        assert!(
            matches!(&bad, Error::Validation(errors) if errors[0].field == "as_of"),
            "{bad:?}"
        );
    }
);

app_test!(
    /// Through the API: a renamed area, ministry, theme, period, programme and action read as
    /// they were at an earlier moment; a moment before an action existed is 404; a bad moment
    /// is 422 naming `as_of`; the action's field history lists the rename with its old value.
    async fn the_api_reads_reference_data_and_actions_as_of_a_moment(app: TestApp) {
        use reqwest::Method;
        use serde_json::json;
        let admin = app.admin_token().await;
        let created = app
            .post_ok(
                &admin,
                "/api/v1/actions",
                json!({"title": "Oude titel", "area": "rotterdam-zuid", "ministry": "SZW",
                       "theme": "employment", "planned_start": "2021-01-01",
                       "planned_end": "2021-12-31", "budget_cents": 1000}),
                None,
            )
            .await;
        let id = created["id"].as_i64().unwrap();
        let programme = app
            .post_ok(
                &admin,
                "/api/v1/programmes",
                json!({"code": "werk-2021", "title": "Werk 2021", "theme": "employment",
                       "lead_ministry": "SZW"}),
                None,
            )
            .await;
        assert_eq!(programme["code"], "werk-2021");
        // A moment between the first state and the renames (`happened_at` moves all writes so
        // far to it).
        happened_at(&mut app.connect(), "2021-02-02 10:00:00");
        for (path, body) in [
            (
                format!("/api/v1/actions/{id}"),
                json!({"title": "Nieuwe titel"}),
            ),
            (
                "/api/v1/areas/rotterdam-zuid".into(),
                json!({"name": "Zuid (nieuw)"}),
            ),
            (
                "/api/v1/ministries/SZW".into(),
                json!({"name": "SZW (nieuw)"}),
            ),
            (
                "/api/v1/themes/employment".into(),
                json!({"name_nl": "Werk (nieuw)"}),
            ),
            (
                "/api/v1/periods/voorjaar-2021".into(),
                json!({"name": "Voorjaar (nieuw)"}),
            ),
            (
                "/api/v1/programmes/werk-2021".into(),
                json!({"title": "Werk (nieuw)", "theme": "youth"}),
            ),
        ] {
            let tag = app.etag(&admin, &path).await;
            let response = app
                .send(Method::PATCH, &path, Some(&admin), Some(body), Some(&tag))
                .await;
            assert_eq!(response.status(), 200, "{path}");
        }
        let then = "as_of=2021-02-28";
        for (path, field, old, new) in [
            (
                format!("/api/v1/actions/{id}"),
                "title",
                "Oude titel",
                "Nieuwe titel",
            ),
            (
                "/api/v1/areas/rotterdam-zuid".into(),
                "name",
                "Rotterdam-Zuid",
                "Zuid (nieuw)",
            ),
            (
                "/api/v1/ministries/SZW".into(),
                "name",
                "Ministerie van Sociale Zaken en Werkgelegenheid",
                "SZW (nieuw)",
            ),
            (
                "/api/v1/themes/employment".into(),
                "name_nl",
                "Voorkomen werkloosheid",
                "Werk (nieuw)",
            ),
            (
                "/api/v1/periods/voorjaar-2021".into(),
                "name",
                "Voorjaar 2021",
                "Voorjaar (nieuw)",
            ),
            (
                "/api/v1/programmes/werk-2021".into(),
                "title",
                "Werk 2021",
                "Werk (nieuw)",
            ),
        ] {
            let past = app.get_as(&admin, &format!("{path}?{then}"), 200).await;
            assert_eq!(past[field], old, "{path} as of 28 February 2021");
            let now = app.get_as(&admin, &path, 200).await;
            assert_eq!(now[field], new, "{path} now");
        }
        let programme = app
            .get_as(&admin, &format!("/api/v1/programmes/werk-2021?{then}"), 200)
            .await;
        assert_eq!(programme["theme"], "employment", "the theme then");
        let programmes = app
            .get_as(&admin, &format!("/api/v1/programmes?{then}"), 200)
            .await;
        assert_eq!(programmes["items"][0]["title"], "Werk 2021");
        // A past state has no ETag: a change is based on the version now.
        let past = app
            .send(
                Method::GET,
                &format!("/api/v1/areas/rotterdam-zuid?{then}"),
                Some(&admin),
                None,
                None,
            )
            .await;
        assert_eq!(past.status(), 200);
        assert!(past.headers().get("etag").is_none());
        let areas = app
            .get_as(&admin, &format!("/api/v1/areas?{then}&limit=500"), 200)
            .await;
        let zuid = areas["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["code"] == "rotterdam-zuid")
            .unwrap();
        assert_eq!(zuid["name"], "Rotterdam-Zuid");
        // The list of actions under their theme and title then.
        let listed = app
            .get_as(&admin, &format!("/api/v1/actions?q=oude&{then}"), 200)
            .await;
        assert_eq!(listed["total"], 1);
        // Before it existed; an impossible date.
        app.get_as(
            &admin,
            &format!("/api/v1/actions/{id}?as_of=2021-01-01"),
            404,
        )
        .await;
        let bad = app
            .get_as(&admin, "/api/v1/areas/rotterdam-zuid?as_of=2021-02-30", 422)
            .await;
        assert_eq!(bad["errors"][0]["field"], "as_of");
        // The field history.
        let history = app
            .get_as(&admin, &format!("/api/v1/actions/{id}/history"), 200)
            .await;
        let rename = history
            .as_array()
            .unwrap()
            .iter()
            .rev()
            .find(|c| c["field"] == "title")
            .unwrap();
        assert_eq!(rename["from"], "Oude titel");
        assert_eq!(rename["to"], "Nieuwe titel");
        assert!(rename["by"].is_string());
    }
);

both_backends!(
    /// Removing something leaves a tombstone: before the removal it reads as it was, after it
    /// as absent. (No route removes a tracked entity today; the mechanism is ready when one does.)
    fn a_removal_leaves_a_tombstone(database: TestDatabase) {
        use versnelling::db::versions::{self, Then, Write};
        let mut conn = database.connect();
        db::run_migrations(&mut conn).unwrap();
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap();
        let image = serde_json::json!({"code": "x", "name": "Een ministerie"});
        let write = |operation, before, after, recorded_at| Write {
            entity_type: "ministry",
            entity_key: "x",
            operation,
            before,
            after,
            recorded_at,
            recorded_by: None,
            reason: "",
            audit_id: None,
        };
        versions::capture(
            &mut conn,
            &write(
                "ministry.create",
                None,
                Some(&image),
                at("2021-01-01 10:00:00"),
            ),
        )
        .unwrap();
        versions::capture(
            &mut conn,
            &write(
                "ministry.delete",
                Some(&image),
                None,
                at("2021-02-01 10:00:00"),
            ),
        )
        .unwrap();
        let keys = ["x".to_string()];
        let then = |moment| {
            versions::states(&mut database.connect(), "ministry", Some(&keys), at(moment))
                .unwrap()
                .remove("x")
                .unwrap()
        };
        assert_eq!(then("2020-12-31 00:00:00"), Then::Absent);
        let Then::State(state) = then("2021-01-15 00:00:00") else {
            panic!("the ministry as it was");
        };
        assert_eq!(
            versions::text(&state, "name").as_deref(),
            Some("Een ministerie")
        );
        assert_eq!(then("2021-03-01 00:00:00"), Then::Absent);
    }
);

/// Signs off SZW for `period` and publishes a new draft of it.
fn publish(conn: &mut DbConnection, period: &str) -> ReportId {
    let actor = admin();
    for state in ["submitted", "approved"] {
        let input: signoffs::SignoffInput =
            serde_json::from_value(serde_json::json!({"state": state, "note": "klaar"})).unwrap();
        signoffs::sign_off(conn, &actor, Role::Admin, period, "SZW", &input, &allow).unwrap();
    }
    let draft = reports::generate(conn, &actor, period, db::now(), &mut |_, _, _| {}).unwrap();
    reports::publish(conn, &actor, draft.id, draft.version, db::now())
        .unwrap()
        .id
}

both_backends!(
    /// A period recorded after its own cut-off (made late by the programme office), published,
    /// then renamed and given other dates: its report still verifies, by the period as it was
    /// first recorded.
    fn a_period_recorded_after_its_cut_off_verifies_after_a_rename(database: TestDatabase) {
        let mut conn = database.connect();
        published_programme(&mut conn);
        let input = reference::PeriodInput {
            code: Some("zomer-2021".into()),
            name: Some("Zomer 2021".into()),
            starts_on: Some(date("2021-04-01")),
            cut_off: Some(date("2021-06-30")),
            due_date: None,
        };
        let period = reference::create_period(&mut conn, &admin(), &input).unwrap();
        let report = publish(&mut conn, "zomer-2021");
        let change = reference::PeriodInput {
            code: None,
            name: Some("Zomer 2021 (hernoemd)".into()),
            starts_on: None,
            cut_off: None,
            due_date: Some(date("2021-09-01")),
        };
        reference::update_period(&mut conn, &admin(), "zomer-2021", period.version, &change)
            .unwrap();
        let verified = reports::verify(&mut conn, report).unwrap();
        assert!(verified.identical(), "{verified:?}");
    }
);

both_backends!(
    /// The upgrade's data migration turns an old edit of an action's own budget into a plan at
    /// the moment of the edit, numbered after the existing plans (which keep their numbers, as
    /// published reports show them), in force by the time it was recorded; a second run adds
    /// nothing.
    fn an_old_budget_edit_becomes_a_plan_without_renumbering_the_others(database: TestDatabase) {
        use versnelling::db::schema::{baselines, data_migrations};
        let mut conn = database.connect();
        let (world, _) = published_programme(&mut conn);
        let id = world.actions[0].id;
        // A re-plan on 1 March, and (as the release before recorded it) an edit of the action's
        // own budget on 15 February: an audit row and no plan.
        let version = action_version(&mut conn, id);
        let input = actions::ReplanInput {
            planned_start: date("2021-01-01"),
            planned_end: date("2022-06-30"),
            budget_cents: None,
            target_note: String::new(),
            reason: "Later klaar".into(),
        };
        actions::replan(
            &mut conn,
            &admin(),
            ActionId::from(id),
            version,
            &input,
            &allow,
        )
        .unwrap();
        happened_at(&mut conn, "2021-03-01 10:00:00");
        let now = serde_json::to_value(actions::get(&mut conn, ActionId::from(id), None).unwrap())
            .unwrap();
        let image = |budget: i64| {
            let mut json = now.clone();
            json["budget_cents"] = serde_json::json!(budget);
            json.to_string()
        };
        let (before, after) = (image(100_000_000), image(150_000_000));
        diesel::insert_into(audit_log::table)
            .values((
                audit_log::recorded_at.eq(NaiveDateTime::parse_from_str(
                    "2021-02-15 10:00:00",
                    "%Y-%m-%d %H:%M:%S",
                )
                .unwrap()),
                audit_log::actor.eq("oude release"),
                audit_log::operation.eq("action.update"),
                audit_log::entity_type.eq("action"),
                audit_log::entity_id.eq(id.to_string()),
                audit_log::before_json.eq(before),
                audit_log::after_json.eq(after),
            ))
            .execute(&mut conn)
            .unwrap();
        let run_again = |conn: &mut DbConnection| {
            diesel::update(data_migrations::table)
                .set(data_migrations::done_at.eq(None::<NaiveDateTime>))
                .execute(conn)
                .unwrap();
            db::run_migrations(conn).unwrap();
        };
        run_again(&mut conn);
        let plans: Vec<(i32, Option<i64>, bool)> = baselines::table
            .filter(baselines::action_id.eq(id))
            .order((baselines::recorded_at.asc(), baselines::id.asc()))
            .select((
                baselines::seq,
                baselines::budget_cents,
                baselines::from_budget_edit,
            ))
            .load(&mut conn)
            .unwrap();
        assert_eq!(
            plans,
            [
                (1, Some(100_000_000), false),
                (3, Some(150_000_000), true),
                // (made by this release, from the row's budget, which the simulated old edit
                // did not touch)
                (2, Some(100_000_000), false),
            ]
        );
        let then = |moment: &str| {
            actions::get(
                &mut database.connect(),
                ActionId::from(id),
                Some(AsOf::parse(moment).unwrap()),
            )
            .unwrap()
        };
        assert_eq!(then("2021-02-20").budget_cents, Some(150_000_000));
        assert_eq!(then("2021-02-20").planned_end, date("2021-12-31"));
        assert_eq!(then("2021-03-02").planned_end, date("2022-06-30"));
        assert_eq!(then("2021-02-10").budget_cents, Some(100_000_000));
        run_again(&mut conn);
        let count: i64 = baselines::table
            .filter(baselines::action_id.eq(id))
            .count()
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(count, 3, "a second run makes no second plan");
    }
);

both_backends!(
    /// An area added after a report was made, with a focus date before its cut-off, does not
    /// enter that report when it is verified: the report names what existed when it was made.
    fn an_area_added_after_a_report_does_not_enter_it(database: TestDatabase) {
        let mut conn = database.connect();
        let (_, report) = published_programme(&mut conn);
        let input = reference::NewAreaInput {
            code: "rotterdam-noord".into(),
            name: "Rotterdam-Noord".into(),
            municipality: "rotterdam".into(),
            latitude: 51.93,
            longitude: 4.47,
            focus_since: Some(date("2020-10-08")),
        };
        reference::create_area(&mut conn, &admin(), &input).unwrap();
        let verified = reports::verify(&mut conn, report).unwrap();
        assert!(verified.identical(), "{verified:?}");
    }
);

app_test!(
    /// The area page as of a day before the area was renamed says its old name; today its new.
    async fn the_area_page_names_the_area_as_it_was(app: TestApp) {
        use reqwest::Method;
        let admin = app.admin_token().await;
        let (_, _, session) = app.web_user("viewer", None).await;
        let path = "/api/v1/areas/rotterdam-zuid";
        let tag = app.etag(&admin, path).await;
        let body = serde_json::json!({"name": "Rotterdam-Zuid (nieuw)"});
        let response = app
            .send(Method::PATCH, path, Some(&admin), Some(body), Some(&tag))
            .await;
        assert_eq!(response.status(), 200);
        let yesterday = (chrono::Utc::now() - Duration::days(2)).format("%Y-%m-%d");
        let then = app
            .page(
                Some(&session),
                &format!("/gebieden/rotterdam-zuid?as_of={yesterday}"),
            )
            .await;
        assert_eq!(then.status(), 200);
        let html = then.text().await.unwrap();
        assert!(html.contains("<h1>Rotterdam-Zuid</h1>"), "{html}");
        let now = app.page(Some(&session), "/gebieden/rotterdam-zuid").await;
        let html = now.text().await.unwrap();
        assert!(html.contains("<h1>Rotterdam-Zuid (nieuw)</h1>"), "{html}");
    }
);
