//! The living demo data set behind `versnelling seed --demo`: one national programme per theme,
//! about ten actions per area with baselines, milestones, progress history from October 2020
//! into spring 2021, indicators with values, local notes, and one user per role and scope.
//!
//! The data is first planned in memory from a small seeded PRNG (so every run gives the same
//! demo, apart from the passwords) and then written. Users are created through the user service,
//! which owns its transactions; everything else is written in one transaction, and the users are
//! removed again when that fails, so a failure never leaves half a demo.

use super::rng::{Rng, add_days, day, round_percent, round_to, spread};
use std::collections::{HashMap, HashSet};
use std::fmt;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use diesel::prelude::*;
use serde::Serialize;

use crate::auth::password;
use crate::db::models::{
    NewAction, NewActionTargetGroup, NewBaseline, NewIndicator, NewIndicatorValue, NewLocalNote,
    NewMilestone, NewMilestoneEvent, NewProgramme, NewProgressUpdate,
};
use crate::db::schema::{
    action_target_groups, actions, areas, baselines, indicator_values, indicators, local_notes,
    milestone_events, milestones, ministries, programmes, progress_updates, report_periods,
    target_groups, themes, users,
};
use crate::db::{self, DbConnection};
use crate::domain::{ActionStatus, Role};
use crate::error::{Error, Result};
use crate::seed::reference::{AREAS, AreaSeed, MINISTRIES, MUNICIPALITIES, seed_reference};
use crate::service::audit::{self, Actor};
use crate::service::users::{self as user_service, NewUserInput, UserSummary};

/// The seed of the PRNG: the date of the cabinet letter (8 October 2020).
const SEED: u64 = 0x2020_1008_5EED;
/// The report period the early milestones count for.
const REPORT_PERIOD: &str = "voorjaar-2021";

/// What the demo added, with the credentials of its users (shown once by the CLI).
#[derive(Debug, Clone)]
pub struct DemoSummary {
    pub programmes: usize,
    pub actions: usize,
    pub milestones: usize,
    pub progress_updates: usize,
    pub indicators: usize,
    pub indicator_values: usize,
    pub users: Vec<DemoCredential>,
}

/// A demo user and its generated password.
#[derive(Clone)]
pub struct DemoCredential {
    pub username: String,
    pub role: String,
    /// Ministry code or municipality code, for scoped roles.
    pub scope: Option<String>,
    pub password: String,
}

/// Keeps the password out of logs and panic messages.
impl fmt::Debug for DemoCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DemoCredential")
            .field("username", &self.username)
            .field("role", &self.role)
            .field("scope", &self.scope)
            .field("password", &"***")
            .finish()
    }
}

/// Adds the demo to a migrated database (reference data is seeded first when missing).
/// Fails with a conflict, changing nothing, when any programme exists already.
pub fn seed_demo(conn: &mut DbConnection, progress: &mut dyn FnMut(&str)) -> Result<DemoSummary> {
    progress("reference data");
    seed_reference(conn)?;
    ensure_no_programmes(conn)?;
    let specs = demo_users();
    ensure_usernames_free(conn, &specs)?;
    let plan = build_plan(SEED);

    let actor = Actor::system("seed");
    let (created, credentials) = create_users(conn, &actor, &specs, progress)?;

    let user_ids: HashMap<String, i64> = created
        .iter()
        .map(|user| (user.username.clone(), user.id))
        .collect();
    let written = db::write_transaction(conn, |conn| {
        write_plan(conn, &plan, &user_ids, &actor, progress)
    });
    match written {
        Ok(counts) => {
            progress("done");
            Ok(DemoSummary {
                programmes: counts.programmes,
                actions: counts.actions,
                milestones: counts.milestones,
                progress_updates: counts.progress_updates,
                indicators: counts.indicators,
                indicator_values: counts.indicator_values,
                users: credentials,
            })
        }
        Err(err) => {
            remove_users(conn, &actor, &created);
            Err(err)
        }
    }
}

/// The demo users, each with a generated password; on a failure the ones made so far are
/// removed again.
fn create_users(
    conn: &mut DbConnection,
    actor: &Actor,
    specs: &[DemoUserSpec],
    progress: &mut dyn FnMut(&str),
) -> Result<(Vec<UserSummary>, Vec<DemoCredential>)> {
    let mut created: Vec<UserSummary> = Vec::with_capacity(specs.len());
    let mut credentials = Vec::with_capacity(specs.len());
    for (index, spec) in specs.iter().enumerate() {
        progress(&format!(
            "user {}/{}: {}",
            index + 1,
            specs.len(),
            spec.username
        ));
        let input = NewUserInput {
            username: spec.username.clone(),
            display_name: spec.display_name.clone(),
            role: spec.role.as_str().to_string(),
            ministry: spec.ministry.clone(),
            municipality: spec.municipality.clone(),
            password: password::generate(),
        };
        match user_service::create_user(conn, actor, &input) {
            Ok(summary) => {
                credentials.push(DemoCredential {
                    username: summary.username.clone(),
                    role: spec.role.as_str().to_string(),
                    scope: summary
                        .ministry
                        .clone()
                        .or_else(|| summary.municipality.clone()),
                    password: input.password,
                });
                created.push(summary);
            }
            Err(err) => {
                remove_users(conn, actor, &created);
                return Err(err);
            }
        }
    }
    Ok((created, credentials))
}

fn demo_already_present() -> Error {
    Error::Conflict {
        message: crate::i18n::Msg::DemoPresent,
        field: None,
    }
}

fn ensure_no_programmes(conn: &mut DbConnection) -> Result<()> {
    let count: i64 = programmes::table.count().get_result(conn)?;
    if count > 0 {
        return Err(demo_already_present());
    }
    Ok(())
}

fn ensure_usernames_free(conn: &mut DbConnection, specs: &[DemoUserSpec]) -> Result<()> {
    let taken: HashSet<String> = users::table
        .select(users::username_key)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    match specs
        .iter()
        .find(|spec| taken.contains(&spec.username.to_lowercase()))
    {
        Some(spec) => Err(Error::Conflict {
            message: crate::i18n::Msg::DemoUsernameTaken {
                username: spec.username.to_string(),
            },
            field: Some("username".into()),
        }),
        None => Ok(()),
    }
}

/// Undoes the user creation after a later failure; best effort, with its own audit rows.
fn remove_users(conn: &mut DbConnection, actor: &Actor, created: &[UserSummary]) {
    if created.is_empty() {
        return;
    }
    let removed = db::write_transaction(conn, |conn| -> Result<()> {
        for user in created {
            diesel::delete(users::table.find(user.id)).execute(conn)?;
            audit::record::<UserSummary, ()>(
                conn,
                actor,
                "user.delete",
                "user",
                Some(&user.id.to_string()),
                Some(user),
                None,
            )?;
        }
        Ok(())
    });
    if let Err(err) = removed {
        tracing::warn!(error = %err, "could not remove the demo users after a failed demo seed");
    }
}

// ---------------------------------------------------------------------------------------------
// Users

struct DemoUserSpec {
    username: String,
    display_name: String,
    role: Role,
    ministry: Option<String>,
    municipality: Option<String>,
}

/// One admin (the programme office), one user per ministry, one per municipality, one viewer.
fn demo_users() -> Vec<DemoUserSpec> {
    let mut specs = vec![DemoUserSpec {
        username: "programmabureau".into(),
        display_name: "Programmabureau versnellingsacties (BZK)".into(),
        role: Role::Admin,
        ministry: None,
        municipality: None,
    }];
    for (code, name) in MINISTRIES {
        specs.push(DemoUserSpec {
            username: ministry_username(code),
            display_name: format!("{name} — team versnellingsacties"),
            role: Role::Ministry,
            ministry: Some((*code).to_string()),
            municipality: None,
        });
    }
    for municipality in MUNICIPALITIES {
        specs.push(DemoUserSpec {
            username: municipality_username(municipality.code),
            display_name: format!("Gemeente {}", municipality.name),
            role: Role::Municipality,
            ministry: None,
            municipality: Some(municipality.code.to_string()),
        });
    }
    specs.push(DemoUserSpec {
        username: "kijker".into(),
        display_name: "Meekijker voortgangsoverleg".into(),
        role: Role::Viewer,
        ministry: None,
        municipality: None,
    });
    specs
}

fn ministry_username(code: &str) -> String {
    code.to_lowercase()
}

fn municipality_username(code: &str) -> String {
    format!("gemeente-{code}")
}

// ---------------------------------------------------------------------------------------------
// The PRNG

// ---------------------------------------------------------------------------------------------
// Dates

/// The last day the demo has history for: the progress meeting of spring 2021.
fn horizon() -> NaiveDate {
    day(2021, 5, 31)
}

/// The cut-off of report period voorjaar-2021.
fn cut_off() -> NaiveDate {
    day(2021, 3, 31)
}

/// `candidate`, or just after `previous` when it would not come later (history stays ordered).
fn after(previous: NaiveDateTime, candidate: NaiveDateTime) -> NaiveDateTime {
    if candidate > previous {
        candidate
    } else {
        previous + TimeDelta::minutes(47)
    }
}

/// `15 februari 2021`.
fn dutch_date(date: NaiveDate) -> String {
    crate::domain::Lang::Nl.date(date)
}

// ---------------------------------------------------------------------------------------------
// What the demo is made of: programmes, action templates and Dutch texts

struct ProgrammeSeed {
    code: &'static str,
    theme: &'static str,
    ministry: &'static str,
    title: &'static str,
    description: &'static str,
}

/// One versnellingsactie per theme; JenV leads no programme but leads actions in several.
const PROGRAMMES: &[ProgrammeSeed] = &[
    ProgrammeSeed {
        code: "versnelling-huisvesting",
        theme: "housing",
        ministry: "BZK",
        title: "Versnellingsactie huisvesting kwetsbare groepen",
        description: "Extra woonplekken met begeleiding voor dak- en thuislozen, uitstromers uit opvang, \
            beschermd wonen en detentie, en het voorkomen van huisuitzettingen in de 16 stedelijke \
            vernieuwingsgebieden.",
    },
    ProgrammeSeed {
        code: "versnelling-schulden",
        theme: "debt",
        ministry: "SZW",
        title: "Versnellingsactie schulden: vroegsignalering en doorbraakmethode",
        description: "Opschaling van de doorbraakmethode naar 10.000 professionals in 45 gemeenten \
            (Kamerstuk 34477, nr. 73), vroegsignalering van betalingsachterstanden en schuldhulp \
            zonder wachtlijst.",
    },
    ProgrammeSeed {
        code: "versnelling-onderwijs",
        theme: "education",
        ministry: "OCW",
        title: "Versnellingsactie onderwijsachterstanden",
        description: "Inhalen en voorkomen van achterstanden door de schoolsluiting: extra lestijd, \
            zomerscholen, brugfunctionarissen tussen school en gezin en laptops voor thuisonderwijs.",
    },
    ProgrammeSeed {
        code: "versnelling-jongeren",
        theme: "youth",
        ministry: "VWS",
        title: "Versnellingsactie activiteitenaanbod jongeren",
        description: "Meer jongerenwerk, sport, cultuur en mentale steun, zodat jongeren niet afglijden; \
            samen met JenV voor jongeren op het randje van overlast en criminaliteit.",
    },
    ProgrammeSeed {
        code: "versnelling-werk",
        theme: "employment",
        ministry: "SZW",
        title: "Versnellingsactie voorkomen werkloosheid",
        description: "Van werk naar werk via de regionale mobiliteitsteams uit het steun- en \
            herstelpakket, omscholing naar kansberoepen en bestrijding van jeugdwerkloosheid.",
    },
];

struct IndicatorTemplate {
    name: &'static str,
    unit: &'static str,
    direction: &'static str,
    baseline: (f64, f64),
    target: (f64, f64),
    decimals: i32,
}

const INCREASE: &str = "increase";
const DECREASE: &str = "decrease";

/// An action that an area can take up; `{gebied}` is the area, `{gemeente}` the municipality.
struct ActionTemplate {
    theme: &'static str,
    ministry: &'static str,
    title: &'static str,
    description: &'static str,
    responsible: &'static str,
    target_groups: &'static [&'static str],
    /// Budget range in thousands of euros.
    budget_k: (i64, i64),
    /// Milestones in the order they are reached.
    milestones: [&'static str; 4],
    indicators: &'static [IndicatorTemplate],
}

const TEMPLATES: &[ActionTemplate] = &[
    // housing
    ActionTemplate {
        theme: "housing",
        ministry: "BZK",
        title: "Flexwoningen voor spoedzoekers in {gebied}",
        description: "Tijdelijke (flex)woningen in {gebied} voor spoedzoekers, dak- en thuislozen en \
            uitstromers uit de opvang, samen met de woningcorporaties in {gemeente}. Begeleiding door \
            het wijkteam vanaf de eerste dag.",
        responsible: "Programmamanager wonen, gemeente {gemeente}",
        target_groups: &["families", "debts"],
        budget_k: (400, 2500),
        milestones: [
            "Locaties aangewezen met de corporaties",
            "Omgevingsvergunning verleend",
            "Eerste flexwoningen opgeleverd",
            "Alle flexwoningen bewoond",
        ],
        indicators: &[
            IndicatorTemplate {
                name: "Opgeleverde flexwoningen",
                unit: "woningen",
                direction: INCREASE,
                baseline: (0.0, 0.0),
                target: (20.0, 60.0),
                decimals: 0,
            },
            IndicatorTemplate {
                name: "Spoedzoekers gehuisvest",
                unit: "huishoudens",
                direction: INCREASE,
                baseline: (0.0, 5.0),
                target: (25.0, 70.0),
                decimals: 0,
            },
        ],
    },
    ActionTemplate {
        theme: "housing",
        ministry: "VWS",
        title: "Uitstroom uit opvang en beschermd wonen in {gebied}",
        description: "Versnelde doorstroom van bewoners van de maatschappelijke opvang en beschermd \
            wonen naar een eigen woning in of rond {gebied}, met ambulante begeleiding en afspraken \
            over voorrang bij toewijzing.",
        responsible: "Beleidsadviseur maatschappelijke opvang, gemeente {gemeente}",
        target_groups: &["families", "debts"],
        budget_k: (250, 1200),
        milestones: [
            "Convenant uitstroom met de corporaties getekend",
            "Begeleidingsteam compleet",
            "Eerste 25 uitstromers gehuisvest",
            "Evaluatie doorstroomafspraken",
        ],
        indicators: &[
            IndicatorTemplate {
                name: "Uitstroom naar een zelfstandige woning",
                unit: "personen",
                direction: INCREASE,
                baseline: (5.0, 20.0),
                target: (40.0, 90.0),
                decimals: 0,
            },
            IndicatorTemplate {
                name: "Gemiddelde verblijfsduur in de opvang",
                unit: "maanden",
                direction: DECREASE,
                baseline: (8.0, 12.0),
                target: (4.0, 6.0),
                decimals: 1,
            },
        ],
    },
    ActionTemplate {
        theme: "housing",
        ministry: "BZK",
        title: "Housing First voor dakloze jongeren in {gebied}",
        description: "Een eigen woning met intensieve begeleiding voor dakloze jongeren uit {gebied}, \
            zonder eerst een traject te hoeven doorlopen. Uitvoering met een zorgaanbieder en de \
            corporaties in {gemeente}.",
        responsible: "Projectleider dak- en thuisloze jongeren, gemeente {gemeente}",
        target_groups: &["youth"],
        budget_k: (300, 1500),
        milestones: [
            "Zorgaanbieder gecontracteerd",
            "Eerste woningen beschikbaar",
            "Twintig jongeren gehuisvest",
            "Tussenevaluatie met jongeren en begeleiders",
        ],
        indicators: &[IndicatorTemplate {
            name: "Jongeren met een Housing First-woning",
            unit: "jongeren",
            direction: INCREASE,
            baseline: (0.0, 3.0),
            target: (15.0, 40.0),
            decimals: 0,
        }],
    },
    ActionTemplate {
        theme: "housing",
        ministry: "JenV",
        title: "Woonplek en nazorg voor ex-gedetineerden uit {gebied}",
        description: "Afspraken tussen penitentiaire inrichtingen, reclassering en de gemeente \
            {gemeente}, zodat bewoners van {gebied} bij ontslag uit detentie een woonplek, inkomen \
            en begeleiding hebben.",
        responsible: "Coördinator nazorg ex-gedetineerden, gemeente {gemeente}",
        target_groups: &["youth", "debts"],
        budget_k: (150, 600),
        milestones: [
            "Ketenafspraken met de reclassering vastgelegd",
            "Casusoverleg nazorg gestart",
            "Woonplekken voor nazorg beschikbaar",
            "Evaluatie met de ketenpartners",
        ],
        indicators: &[IndicatorTemplate {
            name: "Ex-gedetineerden met een woonplek bij ontslag",
            unit: "%",
            direction: INCREASE,
            baseline: (45.0, 60.0),
            target: (75.0, 90.0),
            decimals: 1,
        }],
    },
    ActionTemplate {
        theme: "housing",
        ministry: "BZK",
        title: "Huisuitzettingen voorkomen in {gebied}",
        description: "Woningcorporaties en de gemeente {gemeente} melden huurachterstanden in \
            {gebied} vroeg, zodat schuldhulp en begeleiding starten voordat een huisuitzetting dreigt.",
        responsible: "Wijkmanager {gebied}",
        target_groups: &["families", "debts"],
        budget_k: (100, 450),
        milestones: [
            "Werkafspraken met de corporaties getekend",
            "Meldroute huurachterstanden in gebruik",
            "Eerste kwartaalrapportage",
            "Evaluatie en besluit over verlenging",
        ],
        indicators: &[IndicatorTemplate {
            name: "Huisuitzettingen wegens huurachterstand",
            unit: "per kwartaal",
            direction: DECREASE,
            baseline: (8.0, 20.0),
            target: (2.0, 6.0),
            decimals: 0,
        }],
    },
    ActionTemplate {
        theme: "housing",
        ministry: "BZK",
        title: "Kamers met begeleiding voor jongeren in {gebied}",
        description: "Ombouw van leegstaande bedrijfsruimte in {gebied} tot kamers voor jongeren die \
            uit de jeugdzorg komen of thuis niet kunnen blijven, met een woonbegeleider op de locatie.",
        responsible: "Projectleider jongerenhuisvesting, gemeente {gemeente}",
        target_groups: &["youth"],
        budget_k: (500, 3000),
        milestones: [
            "Pand verworven",
            "Verbouwing gestart",
            "Kamers opgeleverd",
            "Alle kamers bewoond",
        ],
        indicators: &[IndicatorTemplate {
            name: "Kamers voor jongeren opgeleverd",
            unit: "kamers",
            direction: INCREASE,
            baseline: (0.0, 0.0),
            target: (20.0, 50.0),
            decimals: 0,
        }],
    },
    // debt
    ActionTemplate {
        theme: "debt",
        ministry: "SZW",
        title: "Doorbraakmethode voor gezinnen met schulden in {gebied}",
        description: "Professionals in {gebied} leren met de doorbraakmethode vastgelopen situaties \
            bij gezinnen met schulden direct te doorbreken, met ruimte om van regels af te wijken. \
            Onderdeel van de landelijke opschaling naar 10.000 professionals in 45 gemeenten.",
        responsible: "Teamleider schuldhulpverlening, gemeente {gemeente}",
        target_groups: &["families", "debts"],
        budget_k: (120, 500),
        milestones: [
            "Eerste trainingsronde doorbraakmethode",
            "Doorbraakteam aan het werk",
            "Helft van de professionals getraind",
            "Evaluatie van de doorbraken met gezinnen",
        ],
        indicators: &[
            IndicatorTemplate {
                name: "Professionals getraind in de doorbraakmethode",
                unit: "professionals",
                direction: INCREASE,
                baseline: (0.0, 0.0),
                target: (40.0, 150.0),
                decimals: 0,
            },
            IndicatorTemplate {
                name: "Gezinnen met een doorbraak",
                unit: "gezinnen",
                direction: INCREASE,
                baseline: (0.0, 0.0),
                target: (30.0, 120.0),
                decimals: 0,
            },
        ],
    },
    ActionTemplate {
        theme: "debt",
        ministry: "SZW",
        title: "Vroegsignalering van betalingsachterstanden in {gebied}",
        description: "Signalen van woningcorporaties, energie- en drinkwaterbedrijven en \
            zorgverzekeraars over betalingsachterstanden in {gebied} leiden binnen twee weken tot een \
            huisbezoek of gesprek.",
        responsible: "Coördinator vroegsignalering, gemeente {gemeente}",
        target_groups: &["debts", "families"],
        budget_k: (80, 350),
        milestones: [
            "Convenant met de signaalpartners getekend",
            "Outreachend team gestart",
            "Eerste kwartaalcijfers vroegsignalering",
            "Evaluatie van het bereik",
        ],
        indicators: &[
            IndicatorTemplate {
                name: "Signalen binnen 14 dagen opgevolgd",
                unit: "%",
                direction: INCREASE,
                baseline: (40.0, 60.0),
                target: (80.0, 95.0),
                decimals: 1,
            },
            IndicatorTemplate {
                name: "Huishoudens bereikt na een signaal",
                unit: "huishoudens",
                direction: INCREASE,
                baseline: (10.0, 40.0),
                target: (150.0, 400.0),
                decimals: 0,
            },
        ],
    },
    ActionTemplate {
        theme: "debt",
        ministry: "SZW",
        title: "Schuldhulp zonder wachtlijst in {gebied}",
        description: "Extra schuldhulpverleners en een inloopspreekuur in {gebied}, zodat inwoners \
            met geldzorgen binnen een week een eerste gesprek hebben.",
        responsible: "Manager schuldhulpverlening, gemeente {gemeente}",
        target_groups: &["debts"],
        budget_k: (150, 700),
        milestones: [
            "Extra schuldhulpverleners aangenomen",
            "Inloopspreekuur in de wijk geopend",
            "Wachtlijst weggewerkt",
            "Evaluatie van de wachttijden",
        ],
        indicators: &[IndicatorTemplate {
            name: "Wachttijd tot het eerste gesprek",
            unit: "dagen",
            direction: DECREASE,
            baseline: (21.0, 45.0),
            target: (5.0, 10.0),
            decimals: 0,
        }],
    },
    ActionTemplate {
        theme: "debt",
        ministry: "BZK",
        title: "Geldpunt in de wijk {gebied}",
        description: "Een laagdrempelig geldpunt in een buurthuis in {gebied} waar vrijwilligers en \
            professionals samen helpen met post, toeslagen en betalingsregelingen.",
        responsible: "Wijkmanager {gebied}",
        target_groups: &["debts", "families"],
        budget_k: (60, 250),
        milestones: [
            "Locatie en partners geregeld",
            "Vrijwilligers geworven en getraind",
            "Geldpunt geopend",
            "Eerste halfjaarverslag",
        ],
        indicators: &[IndicatorTemplate {
            name: "Bezoekers van het geldpunt",
            unit: "bezoekers per maand",
            direction: INCREASE,
            baseline: (0.0, 0.0),
            target: (80.0, 250.0),
            decimals: 0,
        }],
    },
    ActionTemplate {
        theme: "debt",
        ministry: "JenV",
        title: "Schuldhulp voor jongeren met een justitieel verleden in {gebied}",
        description: "Jongeren uit {gebied} met een justitieel verleden krijgen een schuldhulpmaatje \
            en een saneringsaanbod, zodat schulden geen reden zijn om terug te vallen in criminaliteit.",
        responsible: "Ketenregisseur jeugd en veiligheid, gemeente {gemeente}",
        target_groups: &["youth", "debts"],
        budget_k: (80, 400),
        milestones: [
            "Samenwerking met reclassering en Halt vastgelegd",
            "Eerste jongeren in een traject",
            "Saneringsfonds opengesteld",
            "Evaluatie van terugval en schulden",
        ],
        indicators: &[IndicatorTemplate {
            name: "Jongeren met een schuldregeling",
            unit: "jongeren",
            direction: INCREASE,
            baseline: (0.0, 5.0),
            target: (25.0, 60.0),
            decimals: 0,
        }],
    },
    ActionTemplate {
        theme: "debt",
        ministry: "VWS",
        title: "Huisarts en wijkteam samen tegen geldzorgen in {gebied}",
        description: "Huisartsen en praktijkondersteuners in {gebied} verwijzen patiënten met stress \
            door geldzorgen direct naar het wijkteam, met een vaste contactpersoon per praktijk.",
        responsible: "Adviseur gezondheid en preventie, gemeente {gemeente}",
        target_groups: &["families", "debts"],
        budget_k: (50, 220),
        milestones: [
            "Afspraken met de huisartsenpraktijken",
            "Vaste contactpersoon per praktijk",
            "Eerste verwijzingen geregistreerd",
            "Evaluatie met de huisartsen",
        ],
        indicators: &[IndicatorTemplate {
            name: "Verwijzingen vanuit de huisartspraktijk",
            unit: "verwijzingen",
            direction: INCREASE,
            baseline: (0.0, 0.0),
            target: (60.0, 200.0),
            decimals: 0,
        }],
    },
    // education
    ActionTemplate {
        theme: "education",
        ministry: "OCW",
        title: "Inhaalprogramma en extra lestijd in {gebied}",
        description: "Scholen in {gebied} bieden leerlingen met een achterstand door de schoolsluiting \
            extra lestijd na schooltijd en op zaterdag, met inzet van studenten en leraren in opleiding.",
        responsible: "Beleidsadviseur onderwijs, gemeente {gemeente}",
        target_groups: &["youth"],
        budget_k: (200, 900),
        milestones: [
            "Deelnemende scholen bekend",
            "Eerste lesblok gestart",
            "Tussenmeting leerresultaten",
            "Eindmeting en evaluatie",
        ],
        indicators: &[IndicatorTemplate {
            name: "Leerlingen in het inhaalprogramma",
            unit: "leerlingen",
            direction: INCREASE,
            baseline: (0.0, 0.0),
            target: (150.0, 600.0),
            decimals: 0,
        }],
    },
    ActionTemplate {
        theme: "education",
        ministry: "OCW",
        title: "Zomerschool voor leerlingen uit {gebied}",
        description: "Een zomerschool voor leerlingen uit groep 7 en 8 en de brugklas in {gebied}, met \
            taal, rekenen, sport en cultuur, zodat de overstap naar het voortgezet onderwijs lukt.",
        responsible: "Programmaleider onderwijsachterstanden, gemeente {gemeente}",
        target_groups: &["youth"],
        budget_k: (100, 400),
        milestones: [
            "Scholen en partners aangesloten",
            "Aanmelding geopend",
            "Programma en begeleiders rond",
            "Evaluatie zomerschool",
        ],
        indicators: &[IndicatorTemplate {
            name: "Aanmeldingen voor de zomerschool",
            unit: "leerlingen",
            direction: INCREASE,
            baseline: (0.0, 0.0),
            target: (100.0, 400.0),
            decimals: 0,
        }],
    },
    ActionTemplate {
        theme: "education",
        ministry: "OCW",
        title: "Brugfunctionarissen tussen school en gezin in {gebied}",
        description: "Brugfunctionarissen op de scholen in {gebied} houden contact met gezinnen waar \
            thuisonderwijs niet lukt, en verbinden school, wijkteam en ouders.",
        responsible: "Coördinator onderwijs en jeugd, gemeente {gemeente}",
        target_groups: &["youth", "families"],
        budget_k: (150, 600),
        milestones: [
            "Brugfunctionarissen aangesteld",
            "Werkwijze met de wijkteams vastgesteld",
            "Alle scholen bereikt",
            "Evaluatie met ouders en scholen",
        ],
        indicators: &[IndicatorTemplate {
            name: "Gezinnen begeleid door een brugfunctionaris",
            unit: "gezinnen",
            direction: INCREASE,
            baseline: (0.0, 10.0),
            target: (80.0, 250.0),
            decimals: 0,
        }],
    },
    ActionTemplate {
        theme: "education",
        ministry: "OCW",
        title: "Laptops en internet voor thuisonderwijs in {gebied}",
        description: "Leerlingen in {gebied} zonder geschikt apparaat of internetverbinding krijgen \
            een laptop in bruikleen en een wifi-abonnement, met digitale hulp voor ouders.",
        responsible: "Adviseur digitale inclusie, gemeente {gemeente}",
        target_groups: &["youth", "families"],
        budget_k: (80, 350),
        milestones: [
            "Behoefte per school geïnventariseerd",
            "Laptops besteld",
            "Laptops uitgereikt",
            "Evaluatie van het gebruik",
        ],
        indicators: &[IndicatorTemplate {
            name: "Leerlingen met een laptop in bruikleen",
            unit: "leerlingen",
            direction: INCREASE,
            baseline: (0.0, 20.0),
            target: (200.0, 800.0),
            decimals: 0,
        }],
    },
    ActionTemplate {
        theme: "education",
        ministry: "OCW",
        title: "Voortijdig schoolverlaten voorkomen in {gebied}",
        description: "Extra trajectbegeleiding en verzuimaanpak voor jongeren uit {gebied} op het mbo, \
            zodat de coronacrisis niet tot meer voortijdig schoolverlaters leidt.",
        responsible: "Coördinator leerplicht en RMC, gemeente {gemeente}",
        target_groups: &["youth"],
        budget_k: (100, 450),
        milestones: [
            "Verzuimaanpak met de mbo-instellingen afgesproken",
            "Trajectbegeleiders gestart",
            "Tussenrapportage schooluitval",
            "Eindrapportage schooljaar",
        ],
        indicators: &[IndicatorTemplate {
            name: "Nieuwe voortijdig schoolverlaters",
            unit: "jongeren per jaar",
            direction: DECREASE,
            baseline: (80.0, 140.0),
            target: (30.0, 70.0),
            decimals: 0,
        }],
    },
    ActionTemplate {
        theme: "education",
        ministry: "OCW",
        title: "Voorschool en taal voor peuters en ouders in {gebied}",
        description: "Uitbreiding van voor- en vroegschoolse educatie in {gebied} en taallessen voor \
            ouders, zodat jonge kinderen zonder achterstand aan de basisschool beginnen.",
        responsible: "Beleidsadviseur voor- en vroegschoolse educatie, gemeente {gemeente}",
        target_groups: &["families", "youth"],
        budget_k: (150, 700),
        milestones: [
            "Extra vve-plaatsen gecontracteerd",
            "Taallessen voor ouders gestart",
            "Bereikmeting peuters",
            "Evaluatie met kinderopvang en scholen",
        ],
        indicators: &[IndicatorTemplate {
            name: "Bereik van vve onder doelgroeppeuters",
            unit: "%",
            direction: INCREASE,
            baseline: (55.0, 70.0),
            target: (80.0, 95.0),
            decimals: 1,
        }],
    },
    // youth
    ActionTemplate {
        theme: "youth",
        ministry: "VWS",
        title: "Extra jongerenwerk in avonden en weekenden in {gebied}",
        description: "Meer jongerenwerkers op straat en in de buurthuizen van {gebied}, ook in de \
            avonden en weekenden, zodat jongeren een plek en een aanspreekpunt hebben.",
        responsible: "Teamleider jongerenwerk, gemeente {gemeente}",
        target_groups: &["youth"],
        budget_k: (150, 800),
        milestones: [
            "Extra jongerenwerkers aangenomen",
            "Avond- en weekendaanbod gestart",
            "Jongerenpanel ingesteld",
            "Evaluatie met jongeren",
        ],
        indicators: &[
            IndicatorTemplate {
                name: "Jongeren bereikt door het jongerenwerk",
                unit: "jongeren",
                direction: INCREASE,
                baseline: (100.0, 300.0),
                target: (400.0, 1000.0),
                decimals: 0,
            },
            IndicatorTemplate {
                name: "Extra inzet jongerenwerkers",
                unit: "fte",
                direction: INCREASE,
                baseline: (0.0, 0.0),
                target: (4.0, 12.0),
                decimals: 1,
            },
        ],
    },
    ActionTemplate {
        theme: "youth",
        ministry: "VWS",
        title: "Sport- en beweegaanbod voor jongeren in {gebied}",
        description: "Gratis sportaanbod in de openbare ruimte en in sporthallen in {gebied}, samen \
            met lokale sportverenigingen en buurtsportcoaches.",
        responsible: "Coördinator buurtsportcoaches, gemeente {gemeente}",
        target_groups: &["youth"],
        budget_k: (60, 300),
        milestones: [
            "Sportverenigingen aangesloten",
            "Buitensportaanbod gestart",
            "Binnenaanbod in de sporthallen",
            "Evaluatie van de deelname",
        ],
        indicators: &[IndicatorTemplate {
            name: "Jongeren die wekelijks meedoen",
            unit: "jongeren",
            direction: INCREASE,
            baseline: (20.0, 80.0),
            target: (200.0, 500.0),
            decimals: 0,
        }],
    },
    ActionTemplate {
        theme: "youth",
        ministry: "JenV",
        title: "Straatcoaches en perspectief voor jongeren in {gebied}",
        description: "Straatcoaches en een persoonsgerichte aanpak voor jongeren in {gebied} die dreigen \
            af te glijden naar overlast of criminaliteit, met een aanbod van werk, school of sport.",
        responsible: "Coördinator veiligheid en jeugd, gemeente {gemeente}",
        target_groups: &["youth"],
        budget_k: (150, 700),
        milestones: [
            "Straatcoaches ingezet",
            "Persoonsgerichte aanpak vastgesteld",
            "Eerste jongeren met een perspectiefplan",
            "Evaluatie met politie en jongerenwerk",
        ],
        indicators: &[IndicatorTemplate {
            name: "Meldingen van jeugdoverlast",
            unit: "meldingen per maand",
            direction: DECREASE,
            baseline: (40.0, 120.0),
            target: (15.0, 35.0),
            decimals: 0,
        }],
    },
    ActionTemplate {
        theme: "youth",
        ministry: "JenV",
        title: "Jongeren weghouden uit de drugscriminaliteit in {gebied}",
        description: "Voorlichting op scholen en een uitstapprogramma voor jongeren in {gebied} die \
            worden geronseld voor drugshandel, samen met politie, OM en jongerenwerk.",
        responsible: "Programmamanager ondermijning, gemeente {gemeente}",
        target_groups: &["youth", "families"],
        budget_k: (100, 500),
        milestones: [
            "Lesprogramma op de scholen gestart",
            "Uitstapprogramma opengesteld",
            "Oudernetwerk opgericht",
            "Evaluatie van het bereik",
        ],
        indicators: &[IndicatorTemplate {
            name: "Jongeren in een preventietraject",
            unit: "jongeren",
            direction: INCREASE,
            baseline: (0.0, 5.0),
            target: (30.0, 90.0),
            decimals: 0,
        }],
    },
    ActionTemplate {
        theme: "youth",
        ministry: "VWS",
        title: "Mentale steun voor jongeren in {gebied}",
        description: "Laagdrempelige gesprekken en lotgenotengroepen voor jongeren in {gebied} die door \
            de coronacrisis eenzaam of somber zijn, zonder verwijzing of wachtlijst.",
        responsible: "Adviseur jeugd en gezondheid, gemeente {gemeente}",
        target_groups: &["youth"],
        budget_k: (60, 300),
        milestones: [
            "Inlooppunt voor jongeren geopend",
            "Lotgenotengroepen gestart",
            "Online chat beschikbaar",
            "Evaluatie met jongeren",
        ],
        indicators: &[IndicatorTemplate {
            name: "Jongeren met een steungesprek",
            unit: "jongeren",
            direction: INCREASE,
            baseline: (0.0, 10.0),
            target: (120.0, 400.0),
            decimals: 0,
        }],
    },
    ActionTemplate {
        theme: "youth",
        ministry: "OCW",
        title: "Cultuur en talentontwikkeling voor jongeren in {gebied}",
        description: "Muziek-, theater- en mediaprojecten voor jongeren in {gebied}, door jongeren zelf \
            bedacht, met lokale culturele instellingen.",
        responsible: "Adviseur cultuur en jeugd, gemeente {gemeente}",
        target_groups: &["youth"],
        budget_k: (40, 200),
        milestones: [
            "Jongeren kiezen de projecten",
            "Eerste projecten gestart",
            "Presentatie in de wijk",
            "Evaluatie met de deelnemers",
        ],
        indicators: &[IndicatorTemplate {
            name: "Deelnemers aan cultuurprojecten",
            unit: "jongeren",
            direction: INCREASE,
            baseline: (0.0, 20.0),
            target: (100.0, 300.0),
            decimals: 0,
        }],
    },
    // employment
    ActionTemplate {
        theme: "employment",
        ministry: "SZW",
        title: "Van werk naar werk via het mobiliteitsteam in {gebied}",
        description: "Het regionale mobiliteitsteam begeleidt inwoners van {gebied} die hun baan \
            verliezen of dreigen te verliezen direct naar ander werk, met scholing waar nodig.",
        responsible: "Accountmanager regionaal mobiliteitsteam, regio {gemeente}",
        target_groups: &["families", "debts"],
        budget_k: (250, 1200),
        milestones: [
            "Mobiliteitsteam aan het werk",
            "Loket in de wijk geopend",
            "Eerste 100 werkzoekenden begeleid",
            "Evaluatie van de plaatsingen",
        ],
        indicators: &[IndicatorTemplate {
            name: "Werkzoekenden naar nieuw werk begeleid",
            unit: "personen",
            direction: INCREASE,
            baseline: (0.0, 0.0),
            target: (80.0, 300.0),
            decimals: 0,
        }],
    },
    ActionTemplate {
        theme: "employment",
        ministry: "SZW",
        title: "Omscholing naar kansberoepen voor inwoners van {gebied}",
        description: "Omscholing in zorg, techniek en ICT voor inwoners van {gebied} met een baan in \
            een krimpsector, met behoud van inkomen tijdens de opleiding.",
        responsible: "Programmamanager werk en inkomen, gemeente {gemeente}",
        target_groups: &["families", "debts"],
        budget_k: (200, 1000),
        milestones: [
            "Opleiders en werkgevers aangesloten",
            "Eerste groep gestart",
            "Tweede groep gestart",
            "Eerste diploma's behaald",
        ],
        indicators: &[IndicatorTemplate {
            name: "Deelnemers aan omscholing",
            unit: "personen",
            direction: INCREASE,
            baseline: (0.0, 0.0),
            target: (40.0, 160.0),
            decimals: 0,
        }],
    },
    ActionTemplate {
        theme: "employment",
        ministry: "SZW",
        title: "Aanpak jeugdwerkloosheid in {gebied}",
        description: "Jongeren uit {gebied} zonder werk of opleiding krijgen binnen vier weken een \
            aanbod: werk, stage, leerbaan of terug naar school.",
        responsible: "Coördinator jongerenloket, gemeente {gemeente}",
        target_groups: &["youth"],
        budget_k: (150, 700),
        milestones: [
            "Jongerenloket in de wijk geopend",
            "Netwerk van werkgevers opgebouwd",
            "Eerste 50 jongeren geplaatst",
            "Evaluatie met jongeren en werkgevers",
        ],
        indicators: &[
            IndicatorTemplate {
                name: "Jongeren zonder werk of opleiding",
                unit: "jongeren",
                direction: DECREASE,
                baseline: (400.0, 600.0),
                target: (200.0, 350.0),
                decimals: 0,
            },
            IndicatorTemplate {
                name: "Jeugdwerkloosheid in het gebied",
                unit: "%",
                direction: DECREASE,
                baseline: (12.0, 18.0),
                target: (8.0, 11.0),
                decimals: 1,
            },
        ],
    },
    ActionTemplate {
        theme: "employment",
        ministry: "OCW",
        title: "Leerbanen en stages voor mbo-studenten uit {gebied}",
        description: "Extra leerwerkplekken en stages voor mbo-studenten uit {gebied}, nu veel bedrijven \
            door de crisis minder stageplaatsen bieden.",
        responsible: "Adviseur onderwijs en arbeidsmarkt, gemeente {gemeente}",
        target_groups: &["youth"],
        budget_k: (80, 400),
        milestones: [
            "Stagetekort per opleiding in beeld",
            "Stagepool met werkgevers gestart",
            "Eerste studenten geplaatst",
            "Evaluatie van het stagetekort",
        ],
        indicators: &[IndicatorTemplate {
            name: "Stageplaatsen gevonden",
            unit: "stages",
            direction: INCREASE,
            baseline: (0.0, 0.0),
            target: (60.0, 200.0),
            decimals: 0,
        }],
    },
    ActionTemplate {
        theme: "employment",
        ministry: "BZK",
        title: "Werken aan de wijk: banen bij de vernieuwing van {gebied}",
        description: "Bij renovatie en onderhoud in {gebied} gaat een deel van het werk naar \
            wijkbewoners zonder baan (social return), met opleiding op de bouwplaats.",
        responsible: "Projectleider stedelijke vernieuwing, gemeente {gemeente}",
        target_groups: &["youth", "debts"],
        budget_k: (200, 900),
        milestones: [
            "Social-returnafspraken in de contracten",
            "Eerste bewoners aan het werk",
            "Opleiding op de bouwplaats gestart",
            "Evaluatie met de aannemers",
        ],
        indicators: &[IndicatorTemplate {
            name: "Bewoners aan het werk via social return",
            unit: "personen",
            direction: INCREASE,
            baseline: (0.0, 0.0),
            target: (20.0, 80.0),
            decimals: 0,
        }],
    },
    ActionTemplate {
        theme: "employment",
        ministry: "JenV",
        title: "Werk en dagbesteding na detentie voor inwoners van {gebied}",
        description: "Werkgevers, reclassering en de gemeente {gemeente} zorgen dat inwoners van \
            {gebied} die uit detentie komen werk of dagbesteding hebben, als deel van een sluitende \
            nazorg.",
        responsible: "Adviseur re-integratie na detentie, gemeente {gemeente}",
        target_groups: &["youth", "debts"],
        budget_k: (80, 350),
        milestones: [
            "Werkgevers aangesloten",
            "Trajecten vanuit detentie gestart",
            "Eerste plaatsingen",
            "Evaluatie met de ketenpartners",
        ],
        indicators: &[IndicatorTemplate {
            name: "Ex-gedetineerden met werk of dagbesteding",
            unit: "%",
            direction: INCREASE,
            baseline: (30.0, 45.0),
            target: (60.0, 75.0),
            decimals: 1,
        }],
    },
];

const THEME_ORDER: [&str; 5] = ["housing", "debt", "education", "youth", "employment"];

/// A text that only makes sense from a date on (lockdown 15 Dec 2020, avondklok 23 Jan 2021, …).
struct DatedText {
    from: (i32, u32, u32),
    text: &'static str,
}

const ALWAYS: (i32, u32, u32) = (2020, 1, 1);

fn usable(text: &DatedText, on: NaiveDate) -> bool {
    day(text.from.0, text.from.1, text.from.2) <= on
}

fn pick_text(rng: &mut Rng, texts: &[DatedText], on: NaiveDate) -> &'static str {
    let usable: Vec<&'static str> = texts
        .iter()
        .filter(|text| usable(text, on))
        .map(|text| text.text)
        .collect();
    if usable.is_empty() {
        texts.first().map(|text| text.text).unwrap_or_default()
    } else {
        rng.pick(&usable)
    }
}

const NOTES_NOT_STARTED: &[DatedText] = &[
    DatedText {
        from: ALWAYS,
        text: "Nog niet gestart: de voorbereiding loopt; de uitvoering begint op {start}.",
    },
    DatedText {
        from: ALWAYS,
        text: "Nog niet gestart: het plan van aanpak wordt afgestemd met de partners in {gebied}; \
            start gepland op {start}.",
    },
];

const NOTES_ON_TRACK: &[DatedText] = &[
    DatedText {
        from: ALWAYS,
        text: "Op schema: ongeveer {pct}% van de geplande activiteiten is uitgevoerd.",
    },
    DatedText {
        from: ALWAYS,
        text: "Op schema. De samenwerking met de partners in {gebied} loopt goed.",
    },
    DatedText {
        from: ALWAYS,
        text: "Op schema; de eerste resultaten zijn besproken in het wijkoverleg.",
    },
    DatedText {
        from: ALWAYS,
        text: "Voortgang volgens planning. Deelnemers worden geworven via de wijkteams.",
    },
    DatedText {
        from: ALWAYS,
        text: "Op schema; de monitoring is ingericht en de eerste cijfers zijn aangeleverd.",
    },
    DatedText {
        from: (2020, 12, 15),
        text: "Ondanks de lockdown op schema: een deel van het aanbod gaat online door.",
    },
];

const NOTES_AT_RISK: &[DatedText] = &[
    DatedText {
        from: ALWAYS,
        text: "Oranje: het werven van extra professionals loopt achter door krapte op de \
            arbeidsmarkt. Met een extern bureau moet de achterstand voor de zomer zijn ingelopen.",
    },
    DatedText {
        from: ALWAYS,
        text: "Oranje: afstemming met de partners in {gebied} kost meer tijd dan gepland; het doel is \
            haalbaar als de afspraken binnen een maand rond zijn.",
    },
    DatedText {
        from: ALWAYS,
        text: "Oranje: de beschikking voor de rijksbijdrage liet op zich wachten, waardoor de \
            uitvoering later begon. Een inhaalslag is gepland.",
    },
    DatedText {
        from: ALWAYS,
        text: "Oranje: minder aanmeldingen dan verwacht. Sleutelfiguren uit {gebied} helpen nu om de \
            doelgroep te bereiken.",
    },
    DatedText {
        from: ALWAYS,
        text: "Oranje: uitval door ziekte in het uitvoeringsteam zet de planning onder druk.",
    },
    DatedText {
        from: (2020, 12, 15),
        text: "Oranje: door de lockdown sinds 15 december zijn bijeenkomsten uitgesteld; het online \
            alternatief bereikt minder deelnemers.",
    },
    DatedText {
        from: (2021, 1, 23),
        text: "Oranje: de avondklok (sinds 23 januari) beperkt de avondactiviteiten; het programma is \
            verschoven naar de middag en het weekend.",
    },
];

const NOTES_OFF_TRACK: &[DatedText] = &[
    DatedText {
        from: ALWAYS,
        text: "Rood: de uitvoering ligt maanden achter op het plan; de einddatum wordt niet gehaald. \
            Een herplanning wordt met de gemeente voorbereid.",
    },
    DatedText {
        from: ALWAYS,
        text: "Rood: de uitvoerende partner heeft zich teruggetrokken. Er wordt een nieuwe partner \
            gezocht; het doel voor 2021 is zo niet haalbaar.",
    },
    DatedText {
        from: ALWAYS,
        text: "Rood: de aanbesteding is mislukt (geen geldige inschrijvingen). Een nieuwe \
            aanbesteding is nodig; de planning is niet meer haalbaar.",
    },
    DatedText {
        from: ALWAYS,
        text: "Rood: onvoldoende capaciteit bij de uitvoerders in {gebied}; zonder extra middelen \
            wordt de streefwaarde niet gehaald.",
    },
    DatedText {
        from: (2020, 12, 15),
        text: "Rood: door de aanhoudende coronamaatregelen kan een groot deel van de activiteiten niet \
            doorgaan; de doelstelling wordt dit jaar niet gehaald.",
    },
];

const NOTES_COMPLETED: &[DatedText] = &[
    DatedText {
        from: ALWAYS,
        text: "Afgerond: alle geplande activiteiten zijn uitgevoerd; de eindevaluatie wordt met de \
            gemeente besproken.",
    },
    DatedText {
        from: ALWAYS,
        text: "Afgerond. De gemeente {gemeente} zet de aanpak structureel voort.",
    },
    DatedText {
        from: ALWAYS,
        text: "Afgerond binnen het budget; de resultaten staan in de voortgangsrapportage.",
    },
];

const NOTES_DISCONTINUED: &[DatedText] = &[
    DatedText {
        from: ALWAYS,
        text: "Gestopt: de actie is opgegaan in de aanpak van het regionale mobiliteitsteam; de \
            resterende middelen gaan daarheen.",
    },
    DatedText {
        from: ALWAYS,
        text: "Gestopt na een besluit van het college van {gemeente}: de doelgroep wordt beter \
            bereikt via een bestaande voorziening.",
    },
    DatedText {
        from: ALWAYS,
        text: "Gestopt: de regeling waarop de actie steunde is vervallen; lopende trajecten worden \
            binnen de reguliere aanpak afgemaakt.",
    },
];

const NOTES_BEFORE_REPLANNING: &[DatedText] = &[
    DatedText {
        from: ALWAYS,
        text: "Oranje: de oorspronkelijke einddatum ({einde}) is niet haalbaar; een herplanning wordt \
            aan het programmabureau voorgelegd.",
    },
    DatedText {
        from: ALWAYS,
        text: "Oranje: de uitvoering loopt enkele maanden achter op het plan; voorstel voor een nieuwe \
            planning volgt.",
    },
];

const NOTES_AFTER_REPLANNING: &[DatedText] = &[
    DatedText {
        from: ALWAYS,
        text: "Op schema ten opzichte van de nieuwe planning (einddatum {einde}); ten opzichte van het \
            oorspronkelijke plan loopt de actie achter.",
    },
    DatedText {
        from: ALWAYS,
        text: "Na de herplanning van {herpland} weer op schema.",
    },
];

const REPLAN_REASONS: &[&str] = &[
    "Vertraging door de lockdown van december 2020: fysieke activiteiten zijn uitgesteld.",
    "De aanbesteding duurde langer dan gepland; de uitvoering schuift op.",
    "De locatie is later beschikbaar dan afgesproken.",
    "De doelgroep is op verzoek van de gemeenteraad uitgebreid; dat vraagt meer tijd.",
    "Het werven van uitvoerders kost meer tijd door krapte op de arbeidsmarkt.",
    "De rijksbijdrage is later beschikt; de looptijd is verlengd met behoud van de doelen.",
];

const MILESTONE_RESCHEDULED: &[&str] = &[
    "Verschoven: afhankelijk van de coronamaatregelen.",
    "Verschoven op verzoek van de uitvoerende partner.",
    "Verschoven: het besluit van het college valt later dan gepland.",
    "Verschoven in verband met de herplanning van de actie.",
];

const MILESTONE_DONE: &[&str] = &[
    "Gereed.",
    "Gereed en besproken in het wijkoverleg.",
    "Gereed; het verslag is gedeeld met de gemeente.",
];

const MILESTONE_REOPENED: &[&str] = &[
    "Heropend: het resultaat voldoet nog niet aan de afspraken.",
    "Heropend na de controle door het programmabureau: de onderbouwing ontbreekt.",
];

const INDICATOR_NOTES: &[&str] = &[
    "Voorlopig cijfer.",
    "Bron: registratie gemeente {gemeente}.",
    "Telling van de uitvoerende partner.",
    "Cijfer na controle door het programmabureau.",
];

const LOCAL_NOTES: &[DatedText] = &[
    DatedText {
        from: (2020, 11, 1),
        text: "Het wijkteam in {gebied} merkt dat sinds de tweede golf meer gezinnen zich melden met \
            vragen over geld en werk.",
    },
    DatedText {
        from: (2020, 11, 1),
        text: "De wijkraad van {gebied} vraagt om betere terugkoppeling over de versnellingsacties; \
            voorstel: elk kwartaal een bewonersbijeenkomst.",
    },
    DatedText {
        from: (2020, 12, 15),
        text: "Door de lockdown zijn de buurthuizen in {gebied} dicht; de gemeente {gemeente} zet \
            straatteams in om contact met jongeren te houden.",
    },
    DatedText {
        from: (2021, 1, 23),
        text: "Sinds de avondklok zien de jongerenwerkers in {gebied} minder jongeren op straat, maar \
            meer spanning thuis. Extra gezinsondersteuning is aangevraagd.",
    },
    DatedText {
        from: (2021, 2, 8),
        text: "Na de heropening van de basisscholen op 8 februari zien de scholen in {gebied} grote \
            verschillen in achterstanden tussen leerlingen.",
    },
    DatedText {
        from: (2021, 3, 1),
        text: "Bestuurlijk overleg met de wethouders van {gemeente}: de samenwerking met de \
            ministeries verloopt goed, maar de verantwoording kost veel tijd.",
    },
    DatedText {
        from: (2021, 4, 1),
        text: "Online bewonersavond in {gebied}: veel waardering voor het extra aanbod, en zorgen over \
            wat er na 2021 overblijft.",
    },
];

const LOCAL_NOTES_ON_ACTION: &[&str] = &[
    "Aanvulling van de gemeente op '{actie}': de uitvoering wordt in de wijk goed ontvangen; \
        partners vragen wel om duidelijkheid over de financiering na 2021.",
    "Over '{actie}': de gemeente {gemeente} levert vanaf dit kwartaal zelf de cijfers aan via het \
        wijkteam.",
    "Over '{actie}': de doelgroep is moeilijk te bereiken; sleutelpersonen uit {gebied} helpen bij \
        de werving.",
];

// ---------------------------------------------------------------------------------------------
// The plan: everything the demo writes, decided before any write

/// How an action's story goes; `Silent` actions never get a progress update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Course {
    Silent,
    OnTrack,
    AtRisk,
    OffTrack,
    Completed,
    Discontinued,
}

impl Course {
    /// Mostly on track; discontinued actions are placed by hand (see `DISCONTINUED`).
    fn choose(rng: &mut Rng) -> Self {
        match rng.int(0, 99) {
            0..=5 => Self::Silent,
            6..=56 => Self::OnTrack,
            57..=74 => Self::AtRisk,
            75..=83 => Self::OffTrack,
            _ => Self::Completed,
        }
    }

    /// How far results get relative to plan (for percentages and indicator values).
    fn performance(self) -> f64 {
        match self {
            Self::Silent => 0.0,
            Self::OnTrack => 1.0,
            Self::AtRisk => 0.7,
            Self::OffTrack => 0.4,
            Self::Completed => 1.05,
            Self::Discontinued => 0.35,
        }
    }
}

struct DemoPlan {
    actions: Vec<PlannedAction>,
    notes: Vec<PlannedNote>,
}

struct PlannedAction {
    area: &'static AreaSeed,
    theme: &'static str,
    ministry: &'static str,
    title: String,
    description: String,
    responsible: String,
    target_groups: &'static [&'static str],
    created_at: NaiveDateTime,
    baselines: Vec<PlannedBaseline>,
    milestones: Vec<PlannedMilestone>,
    updates: Vec<PlannedUpdate>,
    indicators: Vec<PlannedIndicator>,
}

impl PlannedAction {
    fn latest_baseline(&self) -> Option<&PlannedBaseline> {
        self.baselines.last()
    }

    /// When the action row last changed: its creation, a re-planning or a progress update.
    fn updated_at(&self) -> NaiveDateTime {
        let baseline = self.baselines.iter().map(|b| b.recorded_at).max();
        let update = self.updates.iter().map(|u| u.recorded_at).max();
        [Some(self.created_at), baseline, update]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(self.created_at)
    }
}

struct PlannedBaseline {
    planned_start: NaiveDate,
    planned_end: NaiveDate,
    budget_cents: i64,
    target_note: String,
    reason: String,
    recorded_at: NaiveDateTime,
}

struct PlannedMilestone {
    title: &'static str,
    description: String,
    in_report_period: bool,
    created_at: NaiveDateTime,
    events: Vec<PlannedEvent>,
}

struct PlannedEvent {
    kind: &'static str,
    due_date: NaiveDate,
    done_on: Option<NaiveDate>,
    note: String,
    recorded_at: NaiveDateTime,
}

struct PlannedUpdate {
    status: ActionStatus,
    percent_complete: i32,
    note: String,
    recorded_at: NaiveDateTime,
}

struct PlannedIndicator {
    name: &'static str,
    unit: &'static str,
    direction: &'static str,
    baseline_value: f64,
    target_value: f64,
    target_date: NaiveDate,
    created_at: NaiveDateTime,
    values: Vec<PlannedValue>,
}

struct PlannedValue {
    measured_on: NaiveDate,
    value: f64,
    note: String,
    recorded_at: NaiveDateTime,
    by_municipality: bool,
}

struct PlannedNote {
    area: &'static AreaSeed,
    /// Index into `DemoPlan::actions`.
    action: Option<usize>,
    body: String,
    recorded_at: NaiveDateTime,
}

fn municipality_name(code: &str) -> &'static str {
    MUNICIPALITIES
        .iter()
        .find(|municipality| municipality.code == code)
        .map(|municipality| municipality.name)
        .unwrap_or("")
}

/// Fills `{gebied}` and `{gemeente}`.
fn fill(text: &str, area: &AreaSeed) -> String {
    text.replace("{gebied}", area.name)
        .replace("{gemeente}", municipality_name(area.municipality))
}

/// (area, action within the area) of the few actions that are stopped: "a couple", not a
/// share that could come out as none.
const DISCONTINUED: [(usize, usize); 3] = [(2, 4), (8, 1), (13, 6)];

fn build_plan(seed: u64) -> DemoPlan {
    let mut rng = Rng(seed);
    let mut actions = Vec::new();
    let mut notes = Vec::new();
    for (area_index, area) in AREAS.iter().enumerate() {
        let first = actions.len();
        for (action_index, template) in choose_templates(&mut rng).into_iter().enumerate() {
            let course = if DISCONTINUED.contains(&(area_index, action_index)) {
                Course::Discontinued
            } else {
                Course::choose(&mut rng)
            };
            actions.push(plan_action(&mut rng, area, template, course));
        }
        plan_local_notes(&mut rng, area, first, &actions, &mut notes);
    }
    DemoPlan { actions, notes }
}

/// About ten templates for one area: two per theme, then one fewer or one more, from at least
/// three ministries.
fn choose_templates(rng: &mut Rng) -> Vec<&'static ActionTemplate> {
    let mut chosen: Vec<&'static ActionTemplate> = Vec::new();
    for _attempt in 0..20 {
        chosen.clear();
        let mut spare = Vec::new();
        for theme in THEME_ORDER {
            let mut of_theme: Vec<&ActionTemplate> = TEMPLATES
                .iter()
                .filter(|template| template.theme == theme)
                .collect();
            rng.shuffle(&mut of_theme);
            chosen.extend(of_theme.iter().take(2));
            spare.extend(of_theme.iter().skip(2));
        }
        match rng.int(0, 2) {
            0 => {
                let dropped = rng.index(chosen.len());
                chosen.remove(dropped);
            }
            2 if !spare.is_empty() => {
                let added = rng.index(spare.len());
                chosen.push(spare[added]);
            }
            _ => {}
        }
        let ministries: HashSet<&str> = chosen.iter().map(|template| template.ministry).collect();
        if ministries.len() >= 3 {
            break;
        }
    }
    chosen
}

fn budget_cents(rng: &mut Rng, range_k: (i64, i64)) -> i64 {
    // whole multiples of € 5.000
    let thousands = rng.int(range_k.0 / 5, range_k.1 / 5) * 5;
    thousands * 1000 * 100
}

/// What the steps of an action's plan share: its area and template, its story, its dates as
/// first planned and as re-planned, and the window its progress updates fall in.
struct Schedule {
    area: &'static AreaSeed,
    template: &'static ActionTemplate,
    course: Course,
    created_at: NaiveDateTime,
    start: NaiveDate,
    original_end: NaiveDate,
    /// The end of the latest baseline.
    current_end: NaiveDate,
    /// When the action was re-planned, and its new end.
    replanning: Option<(NaiveDateTime, NaiveDate)>,
    /// Reporting starts about a month before the work does.
    window_start: NaiveDate,
    /// The last day anything happens: the completion, else the horizon.
    final_day: NaiveDate,
}

impl Schedule {
    /// The planned end as it stood at `at`.
    fn plan_end_at(&self, at: NaiveDateTime) -> NaiveDate {
        match self.replanning {
            Some((replan_at, new_end)) if at >= replan_at => new_end,
            _ => self.original_end,
        }
    }
}

/// One action with its whole history. The order of the steps is the order of the PRNG's
/// draws: changing it changes the demo.
fn plan_action(
    rng: &mut Rng,
    area: &'static AreaSeed,
    template: &'static ActionTemplate,
    course: Course,
) -> PlannedAction {
    let (schedule, baselines) = plan_schedule(rng, area, template, course);
    let updates = if course == Course::Silent {
        Vec::new()
    } else {
        plan_updates(rng, &schedule)
    };
    // Discontinued actions stop at their last update.
    let activity_end = match course {
        Course::Completed | Course::Discontinued => updates
            .last()
            .map(|u| u.recorded_at.date())
            .unwrap_or(schedule.final_day),
        _ => horizon(),
    };
    let milestones = plan_milestones(rng, &schedule, activity_end);
    let indicators = if course != Course::Silent && rng.chance(0.5) {
        plan_indicators(rng, &schedule, activity_end)
    } else {
        Vec::new()
    };

    PlannedAction {
        area,
        theme: template.theme,
        ministry: template.ministry,
        title: fill(template.title, area),
        description: fill(template.description, area),
        responsible: fill(template.responsible, area),
        target_groups: template.target_groups,
        created_at: schedule.created_at,
        baselines,
        milestones,
        updates,
        indicators,
    }
}

/// The action's dates: created, planned (the original baseline and, for some, a re-planning)
/// and the window of its progress updates.
fn plan_schedule(
    rng: &mut Rng,
    area: &'static AreaSeed,
    template: &'static ActionTemplate,
    course: Course,
) -> (Schedule, Vec<PlannedBaseline>) {
    let replanned = course != Course::Silent && rng.chance(0.22);
    let created_day = rng.working_day(day(2020, 10, 12), day(2020, 11, 27));
    let created_at = rng.office_time(created_day);
    let (start, original_end) = plan_dates(rng, course, replanned);
    let budget = budget_cents(rng, template.budget_k);

    let target_note = match template.indicators.first() {
        Some(indicator) => format!(
            "Resultaat volgens het plan van aanpak, gevolgd met de indicator '{}'.",
            indicator.name
        ),
        None => "Resultaat volgens het plan van aanpak.".to_string(),
    };
    let mut baselines = vec![PlannedBaseline {
        planned_start: start,
        planned_end: original_end,
        budget_cents: budget,
        target_note: target_note.clone(),
        reason: "Oorspronkelijk plan bij de start van de versnellingsactie.".into(),
        recorded_at: created_at,
    }];
    let replanning = if replanned {
        let baseline = plan_replanning(rng, course, start, original_end, budget, &target_note);
        let replanning = (baseline.recorded_at, baseline.planned_end);
        baselines.push(baseline);
        Some(replanning)
    } else {
        None
    };
    let current_end = baselines
        .last()
        .map(|b| b.planned_end)
        .unwrap_or(original_end);
    let (window_start, final_day) =
        plan_window(rng, course, created_day, start, current_end, replanning);
    let schedule = Schedule {
        area,
        template,
        course,
        created_at,
        start,
        original_end,
        current_end,
        replanning,
        window_start,
        final_day,
    };
    (schedule, baselines)
}

/// The planned start and end: completed actions are short and start early.
fn plan_dates(rng: &mut Rng, course: Course, replanned: bool) -> (NaiveDate, NaiveDate) {
    if course == Course::Completed {
        let start = rng.date(day(2020, 10, 15), day(2020, 12, 1));
        let latest = if replanned {
            day(2021, 3, 31)
        } else {
            day(2021, 5, 15)
        };
        (start, add_days(start, rng.int(90, 200)).min(latest))
    } else {
        let start = rng.date(day(2020, 10, 15), day(2021, 2, 15));
        let latest = if replanned {
            day(2021, 10, 31)
        } else {
            day(2021, 12, 31)
        };
        (start, add_days(start, rng.int(150, 420)).min(latest))
    }
}

/// Re-planning in January–March 2021: a later end, sometimes more budget.
fn plan_replanning(
    rng: &mut Rng,
    course: Course,
    start: NaiveDate,
    original_end: NaiveDate,
    budget: i64,
    target_note: &str,
) -> PlannedBaseline {
    let latest_day = add_days(original_end, -3).min(day(2021, 3, 26));
    let replan_day = rng.working_day(day(2021, 1, 11), latest_day.max(day(2021, 1, 11)));
    let replan_at = rng.office_time(replan_day);
    let new_end = if course == Course::Completed {
        add_days(original_end, rng.int(30, 60)).min(day(2021, 5, 15))
    } else {
        add_days(original_end, rng.int(45, 120)).min(day(2021, 12, 31))
    };
    let new_budget = if rng.chance(0.3) {
        let raised = budget as f64 * rng.float(1.1, 1.25);
        ((raised / 500_000.0).round() as i64) * 500_000
    } else {
        budget
    };
    PlannedBaseline {
        planned_start: start,
        planned_end: new_end,
        budget_cents: new_budget,
        target_note: format!("{target_note} Doel ongewijzigd, einddatum later."),
        reason: rng.pick(REPLAN_REASONS).to_string(),
        recorded_at: replan_at,
    }
}

/// The first and the last day of the progress updates.
fn plan_window(
    rng: &mut Rng,
    course: Course,
    created_day: NaiveDate,
    start: NaiveDate,
    current_end: NaiveDate,
    replanning: Option<(NaiveDateTime, NaiveDate)>,
) -> (NaiveDate, NaiveDate) {
    // reporting starts about a month before the work does
    let window_start = add_days(created_day, 4)
        .max(add_days(start, -30))
        .max(day(2020, 10, 15));
    let final_day = match course {
        Course::Completed => {
            let earliest = match replanning {
                Some((replan_at, _)) => add_days(replan_at.date(), 14),
                None => add_days(window_start, 30),
            };
            add_days(current_end, rng.int(-14, 10))
                .max(earliest)
                .min(horizon())
        }
        _ => horizon(),
    };
    (window_start, final_day)
}

/// Where an update stands to a re-planning: in the weeks before it an on-track action is at
/// risk; after it the notes speak of the new plan.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    BeforeReplanning,
    AfterReplanning,
    Plain,
}

/// 2–6 progress updates over the window, the status following the action's course, the
/// percent never going down and no note twice in a row.
fn plan_updates(rng: &mut Rng, schedule: &Schedule) -> Vec<PlannedUpdate> {
    let course = schedule.course;
    let count = rng.int(2, 6) as usize;
    let mut days = spread(rng, schedule.window_start, schedule.final_day, count);
    if course == Course::Completed
        && let Some(last) = days.last_mut()
    {
        *last = schedule.final_day;
    }
    // an on-track action may have had one passing problem
    let passing_problem =
        (course == Course::OnTrack && schedule.replanning.is_none() && count >= 3)
            .then(|| rng.int(1, count as i64 - 2) as usize)
            .filter(|_| rng.chance(0.2));

    let mut updates: Vec<PlannedUpdate> = Vec::with_capacity(count);
    let mut previous_at = NaiveDateTime::MIN;
    let mut previous_percent = 0;
    let mut previous_text: Option<&str> = None;
    for (index, on) in days.into_iter().enumerate() {
        let recorded_at = after(previous_at, rng.office_time(on));
        let mut status = course_status(course, index, count);
        if passing_problem == Some(index) {
            status = ActionStatus::AtRisk;
        }
        // before its start an action is "not started", whatever its later story
        if on < schedule.start && matches!(status, ActionStatus::OnTrack | ActionStatus::AtRisk) {
            status = ActionStatus::NotStarted;
        }
        let phase = phase(schedule.replanning, status, recorded_at);
        if phase == Phase::BeforeReplanning {
            status = ActionStatus::AtRisk;
        }

        let plan_end = schedule.plan_end_at(recorded_at);
        let duration = (plan_end - schedule.start).num_days().max(1) as f64;
        let fraction = ((on - schedule.start).num_days() as f64 / duration).clamp(0.0, 1.0);
        let percent = percent_for(rng, status, fraction, previous_percent);

        let text = pick_fresh_text(rng, notes_for(phase, status), on, previous_text);
        previous_text = Some(text);
        let note = update_note(text, schedule, percent, plan_end);

        updates.push(PlannedUpdate {
            status,
            percent_complete: percent,
            note,
            recorded_at,
        });
        previous_at = recorded_at;
        previous_percent = percent;
    }
    updates
}

/// The status of update `index` of `count` in an action's story (before the adjustments for a
/// passing problem, the start and a re-planning).
fn course_status(course: Course, index: usize, count: usize) -> ActionStatus {
    let last = index + 1 == count;
    match course {
        Course::Silent | Course::OnTrack => ActionStatus::OnTrack,
        Course::AtRisk => {
            if index + (count / 3).max(1) >= count {
                ActionStatus::AtRisk
            } else {
                ActionStatus::OnTrack
            }
        }
        Course::OffTrack => {
            if last {
                ActionStatus::OffTrack
            } else if index + 2 == count && count >= 3 {
                ActionStatus::AtRisk
            } else {
                ActionStatus::OnTrack
            }
        }
        Course::Completed if last => ActionStatus::Completed,
        Course::Completed => ActionStatus::OnTrack,
        Course::Discontinued if last => ActionStatus::Discontinued,
        Course::Discontinued if index + 2 == count => ActionStatus::AtRisk,
        Course::Discontinued => ActionStatus::OnTrack,
    }
}

/// An on-track update in the 60 days before a re-planning, or one after it.
fn phase(
    replanning: Option<(NaiveDateTime, NaiveDate)>,
    status: ActionStatus,
    recorded_at: NaiveDateTime,
) -> Phase {
    match replanning {
        Some((replan_at, _)) if recorded_at < replan_at => {
            if status == ActionStatus::OnTrack && recorded_at >= replan_at - TimeDelta::days(60) {
                Phase::BeforeReplanning
            } else {
                Phase::Plain
            }
        }
        Some(_) if status == ActionStatus::OnTrack => Phase::AfterReplanning,
        _ => Phase::Plain,
    }
}

/// The percent complete of an update: `fraction` of the planned time has passed; below 95
/// unless completed, never below the previous update's.
fn percent_for(rng: &mut Rng, status: ActionStatus, fraction: f64, previous_percent: i32) -> i32 {
    let percent = match status {
        ActionStatus::NotStarted => 0,
        ActionStatus::OnTrack => round_percent(100.0 * fraction * rng.float(0.9, 1.1)).max(5),
        ActionStatus::AtRisk => round_percent(100.0 * fraction * rng.float(0.6, 0.85)),
        ActionStatus::OffTrack => round_percent(100.0 * fraction * rng.float(0.35, 0.6)),
        ActionStatus::Completed => 100,
        ActionStatus::Discontinued => previous_percent,
    };
    if status == ActionStatus::Completed {
        100
    } else {
        percent.min(95).max(previous_percent)
    }
}

/// The texts an update picks its note from.
fn notes_for(phase: Phase, status: ActionStatus) -> &'static [DatedText] {
    match phase {
        Phase::BeforeReplanning => NOTES_BEFORE_REPLANNING,
        Phase::AfterReplanning => NOTES_AFTER_REPLANNING,
        Phase::Plain => match status {
            ActionStatus::NotStarted => NOTES_NOT_STARTED,
            ActionStatus::OnTrack => NOTES_ON_TRACK,
            ActionStatus::AtRisk => NOTES_AT_RISK,
            ActionStatus::OffTrack => NOTES_OFF_TRACK,
            ActionStatus::Completed => NOTES_COMPLETED,
            ActionStatus::Discontinued => NOTES_DISCONTINUED,
        },
    }
}

/// A text usable `on`; the same words twice in a row read like a copy, so up to three more
/// tries for another.
fn pick_fresh_text(
    rng: &mut Rng,
    texts: &[DatedText],
    on: NaiveDate,
    previous_text: Option<&str>,
) -> &'static str {
    let mut text = pick_text(rng, texts, on);
    for _ in 0..3 {
        if previous_text != Some(text) {
            break;
        }
        text = pick_text(rng, texts, on);
    }
    text
}

/// Fills a note's placeholders: area, municipality, percent, start, end and re-planning date.
fn update_note(text: &str, schedule: &Schedule, percent: i32, plan_end: NaiveDate) -> String {
    let replanned_on = schedule
        .replanning
        .map(|(at, _)| dutch_date(at.date()))
        .unwrap_or_default();
    fill(text, schedule.area)
        .replace("{pct}", &percent.to_string())
        .replace("{start}", &dutch_date(schedule.start))
        .replace("{einde}", &dutch_date(plan_end))
        .replace("{herpland}", &replanned_on)
}

/// 2–4 of the template's milestones (always its last), due over the planned time, each with
/// its events.
fn plan_milestones(
    rng: &mut Rng,
    schedule: &Schedule,
    activity_end: NaiveDate,
) -> Vec<PlannedMilestone> {
    let (template, action_created_at) = (schedule.template, schedule.created_at);
    let count = rng.int(2, 4) as usize;
    // keep the last milestone (the evaluation or the end result), drop others at random
    let mut chosen: Vec<usize> = (0..template.milestones.len()).collect();
    while chosen.len() > count {
        let dropped = rng.index(chosen.len() - 1);
        chosen.remove(dropped);
    }
    let from = add_days(schedule.start, 14)
        .max(add_days(action_created_at.date(), 10))
        .max(day(2020, 11, 2));
    let mut to = schedule.current_end.min(day(2021, 6, 30));
    if schedule.course == Course::Completed {
        to = to.min(add_days(activity_end, -3));
    }
    let to = to.max(from);
    let due_dates = spread(rng, from, to, count);

    chosen
        .into_iter()
        .zip(due_dates)
        .map(|(index, due)| {
            let created_at = action_created_at + TimeDelta::minutes(rng.int(10, 120));
            let events = plan_milestone_events(rng, schedule.course, created_at, due, activity_end);
            PlannedMilestone {
                title: template.milestones[index],
                description: fill(
                    "Afgesproken in het plan van aanpak voor {gebied}.",
                    schedule.area,
                ),
                in_report_period: due <= cut_off() && rng.chance(0.85),
                created_at,
                events,
            }
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    OnTime,
    Late,
    Rescheduled,
    Open,
}

/// A milestone's events so far, and the last day anything may happen to it.
struct MilestoneHistory {
    events: Vec<PlannedEvent>,
    created_at: NaiveDateTime,
    limit: NaiveDate,
}

impl MilestoneHistory {
    /// When the latest event was recorded.
    fn previous(&self) -> NaiveDateTime {
        self.events
            .last()
            .map(|e| e.recorded_at)
            .unwrap_or(self.created_at)
    }

    /// Completed on `done` (recorded up to three days later), late or with a word of thanks.
    fn complete(&mut self, rng: &mut Rng, due: NaiveDate, done: NaiveDate) {
        let previous = self.previous();
        let recorded_day = add_days(done, rng.int(0, 3)).min(self.limit.max(done));
        let late_by = (done - due).num_days();
        let note = if late_by > 0 {
            format!("Gereed, {late_by} dagen na de streefdatum.")
        } else {
            rng.pick(MILESTONE_DONE).to_string()
        };
        self.events.push(PlannedEvent {
            kind: "completed",
            due_date: due,
            done_on: Some(done),
            note,
            recorded_at: after(previous, rng.office_time(recorded_day)),
        });
    }
}

/// The events of one milestone; its row is the state after the last of them.
fn plan_milestone_events(
    rng: &mut Rng,
    course: Course,
    created_at: NaiveDateTime,
    due: NaiveDate,
    activity_end: NaiveDate,
) -> Vec<PlannedEvent> {
    let mut history = MilestoneHistory {
        events: vec![PlannedEvent {
            kind: "created",
            due_date: due,
            done_on: None,
            note: "Mijlpaal vastgelegd in het plan van aanpak.".into(),
            recorded_at: created_at,
        }],
        created_at,
        limit: activity_end.min(horizon()),
    };
    if course == Course::Silent {
        return history.events;
    }
    match choose_outcome(rng, course, due, history.limit) {
        Outcome::Open => {}
        Outcome::OnTime => complete_on_time(rng, course, &mut history, due),
        Outcome::Late => complete_late(rng, course, &mut history, due),
        Outcome::Rescheduled => reschedule(rng, &mut history, due),
    }
    history.events
}

/// How a milestone goes, by the action's course: one due after `limit` stays open (or, for a
/// troubled action, is moved).
fn choose_outcome(rng: &mut Rng, course: Course, due: NaiveDate, limit: NaiveDate) -> Outcome {
    let (on_time, late, rescheduled) = match course {
        Course::Silent | Course::OnTrack => (70, 12, 13),
        Course::AtRisk => (45, 22, 18),
        Course::OffTrack => (25, 25, 20),
        Course::Completed => (78, 22, 0),
        Course::Discontinued => (50, 20, 10),
    };
    if due > limit {
        if matches!(course, Course::AtRisk | Course::OffTrack) && rng.chance(0.25) {
            Outcome::Rescheduled
        } else {
            Outcome::Open
        }
    } else {
        let roll = rng.int(0, 99);
        if roll < on_time {
            Outcome::OnTime
        } else if roll < on_time + late {
            Outcome::Late
        } else if roll < on_time + late + rescheduled {
            Outcome::Rescheduled
        } else {
            Outcome::Open
        }
    }
}

/// Done by its due date; now and then the programme office sends a result back, and it is done
/// again later.
fn complete_on_time(rng: &mut Rng, course: Course, history: &mut MilestoneHistory, due: NaiveDate) {
    let (created_day, limit) = (history.created_at.date(), history.limit);
    let done = add_days(due, -rng.int(0, 10)).max(add_days(created_day, 1));
    if done > limit {
        return;
    }
    history.complete(rng, due, done);
    // now and then the programme office sends a result back
    if course != Course::Completed && rng.chance(0.05) {
        let reopen_day = add_days(done, rng.int(5, 20));
        if reopen_day <= limit {
            let previous = history.previous();
            history.events.push(PlannedEvent {
                kind: "reopened",
                due_date: due,
                done_on: None,
                note: rng.pick(MILESTONE_REOPENED).to_string(),
                recorded_at: after(previous, rng.office_time(reopen_day)),
            });
            let redone = add_days(reopen_day, rng.int(7, 30));
            if redone <= limit && rng.chance(0.6) {
                history.complete(rng, due, redone);
            }
        }
    }
}

/// Done 4–40 days after its due date (a completed action finishes its milestones by its end).
fn complete_late(rng: &mut Rng, course: Course, history: &mut MilestoneHistory, due: NaiveDate) {
    let limit = history.limit;
    let mut done = add_days(due, rng.int(4, 40));
    if course == Course::Completed {
        done = done.min(limit);
    }
    if done <= limit {
        history.complete(rng, due, done);
    }
}

/// Moved to a later date before it was due; mostly done by the new date, sometimes late.
fn reschedule(rng: &mut Rng, history: &mut MilestoneHistory, due: NaiveDate) {
    let (created_day, limit) = (history.created_at.date(), history.limit);
    let moved_on = add_days(due, -rng.int(3, 25))
        .max(add_days(created_day, 2))
        .min(limit);
    let new_due = add_days(due, rng.int(21, 63));
    let previous = history.previous();
    let moved_at = after(previous, rng.office_time(moved_on));
    history.events.push(PlannedEvent {
        kind: "rescheduled",
        due_date: new_due,
        done_on: None,
        note: rng.pick(MILESTONE_RESCHEDULED).to_string(),
        recorded_at: moved_at,
    });
    if new_due <= limit {
        let roll = rng.int(0, 99);
        let done = if roll < 65 {
            Some(add_days(new_due, -rng.int(0, 10)).max(add_days(moved_at.date(), 1)))
        } else if roll < 80 {
            Some(add_days(new_due, rng.int(3, 20)))
        } else {
            None
        };
        if let Some(done) = done.filter(|done| *done <= limit) {
            history.complete(rng, new_due, done);
        }
    }
}

/// One or two of the template's indicators, each with 2–5 values that follow the action's
/// course.
fn plan_indicators(
    rng: &mut Rng,
    schedule: &Schedule,
    activity_end: NaiveDate,
) -> Vec<PlannedIndicator> {
    let template = schedule.template;
    let chosen: Vec<&IndicatorTemplate> = if template.indicators.len() > 1 && rng.chance(0.4) {
        template.indicators.iter().take(2).collect()
    } else {
        vec![&template.indicators[rng.index(template.indicators.len())]]
    };
    chosen
        .into_iter()
        .map(|indicator| plan_indicator(rng, schedule, indicator, activity_end))
        .collect()
}

fn plan_indicator(
    rng: &mut Rng,
    schedule: &Schedule,
    indicator: &IndicatorTemplate,
    activity_end: NaiveDate,
) -> PlannedIndicator {
    let start = schedule.start;
    let created_day = add_days(schedule.created_at.date(), rng.int(1, 14));
    let created_at = rng.office_time(created_day);
    let baseline_value = round_to(
        rng.float(indicator.baseline.0, indicator.baseline.1),
        indicator.decimals,
    );
    let target_value = round_to(
        rng.float(indicator.target.0, indicator.target.1),
        indicator.decimals,
    );
    let count = rng.int(2, 5) as usize;
    let from = add_days(created_at.date(), 1).max(start);
    let to = add_days(activity_end.min(horizon()), -7).max(from);
    let mut previous_at = created_at;
    let values = spread(rng, from, to, count)
        .into_iter()
        .map(|measured_on| {
            let recorded_day = add_days(measured_on, rng.int(1, 10)).min(horizon());
            let recorded_at = after(previous_at, rng.office_time(recorded_day));
            previous_at = recorded_at;
            let plan_end = schedule.plan_end_at(recorded_at);
            let duration = (plan_end - start).num_days().max(1) as f64;
            let fraction = ((measured_on - start).num_days() as f64 / duration).clamp(0.0, 1.0);
            let progress = (fraction * schedule.course.performance() + rng.float(-0.05, 0.05))
                .clamp(-0.05, 1.1);
            let value = baseline_value + (target_value - baseline_value) * progress;
            let note = if rng.chance(0.4) {
                fill(rng.pick(INDICATOR_NOTES), schedule.area)
            } else {
                String::new()
            };
            PlannedValue {
                measured_on,
                value: round_to(value.max(0.0), indicator.decimals),
                note,
                recorded_at,
                by_municipality: rng.chance(0.4),
            }
        })
        .collect();
    PlannedIndicator {
        name: indicator.name,
        unit: indicator.unit,
        direction: indicator.direction,
        baseline_value,
        target_value,
        target_date: schedule.original_end,
        created_at,
        values,
    }
}

fn plan_local_notes(
    rng: &mut Rng,
    area: &'static AreaSeed,
    first_action: usize,
    actions: &[PlannedAction],
    notes: &mut Vec<PlannedNote>,
) {
    let count = rng.int(0, 2);
    for _ in 0..count {
        let on = rng.working_day(day(2020, 11, 16), day(2021, 5, 28));
        let of_area = actions.len() - first_action;
        let action = if of_area > 0 && rng.chance(0.4) {
            Some(first_action + rng.index(of_area))
        } else {
            None
        };
        let (body, on) = match action.and_then(|index| actions.get(index)) {
            Some(planned) => {
                let on = on.max(add_days(planned.created_at.date(), 7));
                let body =
                    fill(rng.pick(LOCAL_NOTES_ON_ACTION), area).replace("{actie}", &planned.title);
                (body, on)
            }
            None => (fill(pick_text(rng, LOCAL_NOTES, on), area), on),
        };
        notes.push(PlannedNote {
            area,
            action,
            body,
            recorded_at: rng.office_time(on),
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Writing the plan

#[derive(Debug, Default, Serialize)]
struct WrittenCounts {
    programmes: usize,
    actions: usize,
    baselines: usize,
    milestones: usize,
    milestone_events: usize,
    progress_updates: usize,
    indicators: usize,
    indicator_values: usize,
    local_notes: usize,
}

/// Ids of the reference rows by code.
struct References {
    areas: HashMap<String, i64>,
    ministries: HashMap<String, i64>,
    themes: HashMap<String, i64>,
    target_groups: HashMap<String, i64>,
    report_period: i64,
}

fn id_of(ids: &HashMap<String, i64>, code: &str, what: &str) -> Result<i64> {
    ids.get(code)
        .copied()
        .ok_or_else(|| Error::Internal(format!("the demo needs {what} `{code}`, which is missing")))
}

fn load_references(conn: &mut DbConnection) -> Result<References> {
    let to_map = |rows: Vec<(String, i64)>| rows.into_iter().collect::<HashMap<_, _>>();
    let areas = to_map(areas::table.select((areas::code, areas::id)).load(conn)?);
    let ministries = to_map(
        ministries::table
            .select((ministries::code, ministries::id))
            .load(conn)?,
    );
    let themes = to_map(
        themes::table
            .select((themes::code, themes::id))
            .load(conn)?,
    );
    let target_groups = to_map(
        target_groups::table
            .select((target_groups::code, target_groups::id))
            .load(conn)?,
    );
    let report_period = report_periods::table
        .filter(report_periods::code.eq(REPORT_PERIOD))
        .select(report_periods::id)
        .first::<i64>(conn)
        .optional()?
        .ok_or_else(|| {
            Error::Internal(format!("the demo needs report period `{REPORT_PERIOD}`"))
        })?;
    Ok(References {
        areas,
        ministries,
        themes,
        target_groups,
        report_period,
    })
}

fn write_plan(
    conn: &mut DbConnection,
    plan: &DemoPlan,
    user_ids: &HashMap<String, i64>,
    actor: &Actor,
    progress: &mut dyn FnMut(&str),
) -> Result<WrittenCounts> {
    // checked again inside the transaction: another seeding may have won the race
    ensure_no_programmes(conn)?;
    let refs = load_references(conn)?;
    let mut counts = WrittenCounts::default();

    progress("programmes");
    let programme_ids = write_programmes(conn, &refs, &mut counts)?;

    let mut action_ids: Vec<i64> = Vec::with_capacity(plan.actions.len());
    let mut current_area = "";
    let mut area_number = 0;
    for action in &plan.actions {
        if action.area.code != current_area {
            current_area = action.area.code;
            area_number += 1;
            progress(&format!(
                "area {area_number}/{}: {}",
                AREAS.len(),
                action.area.name
            ));
        }
        let id = write_action(conn, action, &refs, &programme_ids, user_ids, &mut counts)?;
        action_ids.push(id);
    }

    progress("local notes");
    write_local_notes(conn, plan, &refs, user_ids, &action_ids, &mut counts)?;

    audit::record::<(), _>(conn, actor, "demo.seed", "demo", None, None, Some(&counts))?;
    Ok(counts)
}

/// The national programmes, one per theme; returns their ids by theme.
fn write_programmes(
    conn: &mut DbConnection,
    refs: &References,
    counts: &mut WrittenCounts,
) -> Result<HashMap<&'static str, i64>> {
    let mut programme_ids = HashMap::new();
    for programme in PROGRAMMES {
        let at =
            day(2020, 10, 8).and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN));
        let id: i64 = diesel::insert_into(programmes::table)
            .values(NewProgramme {
                code: programme.code,
                title: programme.title,
                description: programme.description,
                theme_id: id_of(&refs.themes, programme.theme, "theme")?,
                lead_ministry_id: id_of(&refs.ministries, programme.ministry, "ministry")?,
                created_at: at,
                updated_at: at,
            })
            .returning(programmes::id)
            .get_result(conn)?;
        programme_ids.insert(programme.theme, id);
        counts.programmes += 1;
    }
    Ok(programme_ids)
}

/// The municipalities' local notes, on their area or on one of its actions (`action_ids` in
/// the plan's order).
fn write_local_notes(
    conn: &mut DbConnection,
    plan: &DemoPlan,
    refs: &References,
    user_ids: &HashMap<String, i64>,
    action_ids: &[i64],
    counts: &mut WrittenCounts,
) -> Result<()> {
    for note in &plan.notes {
        let author = user_ids
            .get(&municipality_username(note.area.municipality))
            .copied();
        diesel::insert_into(local_notes::table)
            .values(NewLocalNote {
                area_id: id_of(&refs.areas, note.area.code, "area")?,
                action_id: note.action.and_then(|index| action_ids.get(index).copied()),
                body: &note.body,
                author_id: author,
                recorded_at: note.recorded_at,
            })
            .execute(conn)?;
        counts.local_notes += 1;
    }
    Ok(())
}

/// The users the demo's rows name: the ministry's user for the plan and the progress, the
/// municipality's user for some of the measurements.
struct Authors {
    ministry: Option<i64>,
    municipality: Option<i64>,
}

/// One planned action with everything that belongs to it; returns its id.
fn write_action(
    conn: &mut DbConnection,
    action: &PlannedAction,
    refs: &References,
    programme_ids: &HashMap<&str, i64>,
    user_ids: &HashMap<String, i64>,
    counts: &mut WrittenCounts,
) -> Result<i64> {
    let authors = Authors {
        ministry: user_ids.get(&ministry_username(action.ministry)).copied(),
        municipality: user_ids
            .get(&municipality_username(action.area.municipality))
            .copied(),
    };
    let action_id = insert_action(conn, action, refs, programme_ids, authors.ministry)?;
    counts.actions += 1;
    write_target_groups(conn, action_id, action, refs)?;
    write_baselines(conn, action_id, action, authors.ministry, counts)?;
    write_milestones(conn, action_id, action, refs, authors.ministry, counts)?;
    write_updates(conn, action_id, action, authors.ministry, counts)?;
    write_indicators(conn, action_id, action, &authors, counts)?;
    Ok(action_id)
}

/// The action row, its cached columns from its latest baseline and progress update.
fn insert_action(
    conn: &mut DbConnection,
    action: &PlannedAction,
    refs: &References,
    programme_ids: &HashMap<&str, i64>,
    ministry_user: Option<i64>,
) -> Result<i64> {
    let latest = action
        .latest_baseline()
        .ok_or_else(|| Error::Internal("a planned action has no baseline".into()))?;
    let latest_update = action.updates.last();
    let status = latest_update
        .map(|u| u.status)
        .unwrap_or(ActionStatus::NotStarted);

    let action_id: i64 = diesel::insert_into(actions::table)
        .values(NewAction {
            area_id: id_of(&refs.areas, action.area.code, "area")?,
            programme_id: programme_ids.get(action.theme).copied(),
            theme_id: id_of(&refs.themes, action.theme, "theme")?,
            ministry_id: id_of(&refs.ministries, action.ministry, "ministry")?,
            title: &action.title,
            description: &action.description,
            responsible: &action.responsible,
            budget_cents: Some(latest.budget_cents),
            planned_start: latest.planned_start,
            planned_end: latest.planned_end,
            status: status.as_str(),
            percent_complete: latest_update.map(|u| u.percent_complete).unwrap_or(0),
            last_update_at: latest_update.map(|u| u.recorded_at),
            created_by: ministry_user,
            created_at: action.created_at,
            updated_at: action.updated_at(),
        })
        .returning(actions::id)
        .get_result(conn)?;
    Ok(action_id)
}

fn write_target_groups(
    conn: &mut DbConnection,
    action_id: i64,
    action: &PlannedAction,
    refs: &References,
) -> Result<()> {
    for code in action.target_groups {
        diesel::insert_into(action_target_groups::table)
            .values(NewActionTargetGroup {
                action_id,
                target_group_id: id_of(&refs.target_groups, code, "target group")?,
            })
            .execute(conn)?;
    }
    Ok(())
}

fn write_baselines(
    conn: &mut DbConnection,
    action_id: i64,
    action: &PlannedAction,
    ministry_user: Option<i64>,
    counts: &mut WrittenCounts,
) -> Result<()> {
    for (seq, baseline) in action.baselines.iter().enumerate() {
        diesel::insert_into(baselines::table)
            .values(NewBaseline {
                action_id,
                seq: seq as i32 + 1,
                planned_start: baseline.planned_start,
                planned_end: baseline.planned_end,
                budget_cents: Some(baseline.budget_cents),
                target_note: &baseline.target_note,
                reason: &baseline.reason,
                recorded_at: baseline.recorded_at,
                recorded_by: ministry_user,
            })
            .execute(conn)?;
        counts.baselines += 1;
    }
    Ok(())
}

/// Each milestone row (the state after its last event), then its events.
fn write_milestones(
    conn: &mut DbConnection,
    action_id: i64,
    action: &PlannedAction,
    refs: &References,
    ministry_user: Option<i64>,
    counts: &mut WrittenCounts,
) -> Result<()> {
    for milestone in &action.milestones {
        let (Some(first), Some(last)) = (milestone.events.first(), milestone.events.last()) else {
            continue;
        };
        let milestone_id: i64 = diesel::insert_into(milestones::table)
            .values(NewMilestone {
                action_id,
                title: milestone.title,
                description: &milestone.description,
                report_period_id: milestone.in_report_period.then_some(refs.report_period),
                original_due_date: first.due_date,
                due_date: last.due_date,
                done_on: last.done_on,
                created_by: ministry_user,
                created_at: milestone.created_at,
                updated_at: last.recorded_at,
            })
            .returning(milestones::id)
            .get_result(conn)?;
        counts.milestones += 1;
        for event in &milestone.events {
            diesel::insert_into(milestone_events::table)
                .values(NewMilestoneEvent {
                    milestone_id,
                    kind: event.kind,
                    due_date: event.due_date,
                    done_on: event.done_on,
                    note: &event.note,
                    recorded_at: event.recorded_at,
                    recorded_by: ministry_user,
                })
                .execute(conn)?;
            counts.milestone_events += 1;
        }
    }
    Ok(())
}

fn write_updates(
    conn: &mut DbConnection,
    action_id: i64,
    action: &PlannedAction,
    ministry_user: Option<i64>,
    counts: &mut WrittenCounts,
) -> Result<()> {
    for update in &action.updates {
        diesel::insert_into(progress_updates::table)
            .values(NewProgressUpdate {
                action_id,
                status: update.status.as_str(),
                percent_complete: update.percent_complete,
                note: &update.note,
                author_id: ministry_user,
                recorded_at: update.recorded_at,
            })
            .execute(conn)?;
        counts.progress_updates += 1;
    }
    Ok(())
}

/// Each indicator, then its values (measured by the ministry or the municipality).
fn write_indicators(
    conn: &mut DbConnection,
    action_id: i64,
    action: &PlannedAction,
    authors: &Authors,
    counts: &mut WrittenCounts,
) -> Result<()> {
    for indicator in &action.indicators {
        let indicator_id: i64 = diesel::insert_into(indicators::table)
            .values(NewIndicator {
                action_id,
                name: indicator.name,
                unit: indicator.unit,
                direction: indicator.direction,
                baseline_value: indicator.baseline_value,
                target_value: indicator.target_value,
                target_date: Some(indicator.target_date),
                created_at: indicator.created_at,
                // values are rows of their own; the indicator itself was never edited
                updated_at: indicator.created_at,
            })
            .returning(indicators::id)
            .get_result(conn)?;
        counts.indicators += 1;
        for value in &indicator.values {
            diesel::insert_into(indicator_values::table)
                .values(NewIndicatorValue {
                    indicator_id,
                    measured_on: value.measured_on,
                    value: value.value,
                    note: &value.note,
                    recorded_at: value.recorded_at,
                    recorded_by: if value.by_municipality {
                        authors.municipality
                    } else {
                        authors.ministry
                    },
                })
                .execute(conn)?;
            counts.indicator_values += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titles(plan: &DemoPlan) -> Vec<String> {
        plan.actions.iter().map(|a| a.title.clone()).collect()
    }

    #[test]
    fn the_plan_is_the_same_on_every_run() {
        let first = build_plan(SEED);
        let second = build_plan(SEED);
        assert_eq!(titles(&first), titles(&second));
        let notes = |plan: &DemoPlan| -> Vec<String> {
            plan.actions
                .iter()
                .flat_map(|a| a.updates.iter().map(|u| u.note.clone()))
                .collect()
        };
        assert_eq!(notes(&first), notes(&second));
    }

    #[test]
    fn every_planned_history_is_ordered_and_within_the_demo_period() {
        let plan = build_plan(SEED);
        let earliest = day(2020, 10, 15).and_time(NaiveTime::MIN);
        let latest = day(2021, 6, 1).and_time(NaiveTime::MIN);
        for action in &plan.actions {
            let mut previous_percent = 0;
            let mut previous_at = NaiveDateTime::MIN;
            for update in &action.updates {
                assert!(update.recorded_at >= earliest && update.recorded_at < latest);
                assert!(update.recorded_at > previous_at);
                assert!(
                    update.percent_complete >= previous_percent,
                    "{}",
                    action.title
                );
                previous_percent = update.percent_complete;
                previous_at = update.recorded_at;
                assert!(!update.note.contains('{'), "{}", update.note);
            }
            for milestone in &action.milestones {
                let first = &milestone.events[0];
                assert_eq!(first.kind, "created");
                assert!(first.due_date >= day(2020, 11, 1) && first.due_date <= day(2021, 6, 30));
                for pair in milestone.events.windows(2) {
                    assert!(pair[1].recorded_at > pair[0].recorded_at);
                }
                assert!(milestone.events.iter().all(|e| e.recorded_at < latest));
            }
            let baseline = &action.baselines[0];
            assert!(baseline.planned_start >= day(2020, 10, 1));
            assert!(
                action
                    .baselines
                    .iter()
                    .all(|b| b.planned_end <= day(2021, 12, 31))
            );
            assert!(
                action
                    .baselines
                    .iter()
                    .all(|b| b.planned_end > b.planned_start)
            );
            for pair in action.baselines.windows(2) {
                assert!(pair[1].planned_end > pair[0].planned_end);
                assert!(pair[1].recorded_at > pair[0].recorded_at);
            }
            for indicator in &action.indicators {
                assert!((2..=5).contains(&indicator.values.len()));
                assert!(indicator.values.iter().all(|v| v.recorded_at < latest));
            }
        }
    }
}
