//! The reference data every installation starts with (DOMAIN.md): the 16 urban renewal areas
//! and their 15 municipalities, the five ministries, themes, target groups, aspects and the first
//! report period. Seeding inserts what is missing and leaves existing rows alone.

use std::collections::HashSet;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::models::{
    NewArea, NewAspect, NewMinistry, NewMunicipality, NewReportPeriod, NewTargetGroup, NewTheme,
};
use crate::db::schema::{
    areas, aspects, ministries, municipalities, report_periods, target_groups, themes,
};
use crate::db::{self, DbConnection};

pub struct MunicipalitySeed {
    pub code: &'static str,
    pub name: &'static str,
    pub province: &'static str,
}

pub struct AreaSeed {
    pub code: &'static str,
    pub name: &'static str,
    pub municipality: &'static str,
    pub latitude: f64,
    pub longitude: f64,
}

pub const MUNICIPALITIES: &[MunicipalitySeed] = &[
    MunicipalitySeed {
        code: "amsterdam",
        name: "Amsterdam",
        province: "Noord-Holland",
    },
    MunicipalitySeed {
        code: "zaanstad",
        name: "Zaanstad",
        province: "Noord-Holland",
    },
    MunicipalitySeed {
        code: "lelystad",
        name: "Lelystad",
        province: "Flevoland",
    },
    MunicipalitySeed {
        code: "utrecht",
        name: "Utrecht",
        province: "Utrecht",
    },
    MunicipalitySeed {
        code: "nieuwegein",
        name: "Nieuwegein",
        province: "Utrecht",
    },
    MunicipalitySeed {
        code: "rotterdam",
        name: "Rotterdam",
        province: "Zuid-Holland",
    },
    MunicipalitySeed {
        code: "schiedam",
        name: "Schiedam",
        province: "Zuid-Holland",
    },
    MunicipalitySeed {
        code: "den-haag",
        name: "Den Haag",
        province: "Zuid-Holland",
    },
    MunicipalitySeed {
        code: "breda",
        name: "Breda",
        province: "Noord-Brabant",
    },
    MunicipalitySeed {
        code: "tilburg",
        name: "Tilburg",
        province: "Noord-Brabant",
    },
    MunicipalitySeed {
        code: "eindhoven",
        name: "Eindhoven",
        province: "Noord-Brabant",
    },
    MunicipalitySeed {
        code: "heerlen",
        name: "Heerlen",
        province: "Limburg",
    },
    MunicipalitySeed {
        code: "arnhem",
        name: "Arnhem",
        province: "Gelderland",
    },
    MunicipalitySeed {
        code: "groningen",
        name: "Groningen",
        province: "Groningen",
    },
    MunicipalitySeed {
        code: "leeuwarden",
        name: "Leeuwarden",
        province: "Fryslân",
    },
];

/// Coordinates are approximate centroids (±1–2 km): good for a dot map, not for boundaries.
pub const AREAS: &[AreaSeed] = &[
    AreaSeed {
        code: "amsterdam-nieuw-west",
        name: "Amsterdam Nieuw-West",
        municipality: "amsterdam",
        latitude: 52.365,
        longitude: 4.805,
    },
    AreaSeed {
        code: "amsterdam-zuidoost",
        name: "Amsterdam Zuidoost",
        municipality: "amsterdam",
        latitude: 52.310,
        longitude: 4.975,
    },
    AreaSeed {
        code: "zaandam-oost",
        name: "Zaandam Oost",
        municipality: "zaanstad",
        latitude: 52.443,
        longitude: 4.845,
    },
    AreaSeed {
        code: "lelystad-oost",
        name: "Lelystad Oost",
        municipality: "lelystad",
        latitude: 52.510,
        longitude: 5.490,
    },
    AreaSeed {
        code: "utrecht-overvecht",
        name: "Utrecht Overvecht",
        municipality: "utrecht",
        latitude: 52.115,
        longitude: 5.110,
    },
    AreaSeed {
        code: "nieuwegein-centrale-as",
        name: "Nieuwegein Centrale As",
        municipality: "nieuwegein",
        latitude: 52.030,
        longitude: 5.085,
    },
    AreaSeed {
        code: "rotterdam-zuid",
        name: "Rotterdam-Zuid",
        municipality: "rotterdam",
        latitude: 51.885,
        longitude: 4.500,
    },
    AreaSeed {
        code: "schiedam-nieuwland-oost",
        name: "Schiedam Nieuwland-Oost",
        municipality: "schiedam",
        latitude: 51.920,
        longitude: 4.403,
    },
    AreaSeed {
        code: "den-haag-zuidwest",
        name: "Den Haag Zuidwest",
        municipality: "den-haag",
        latitude: 52.045,
        longitude: 4.265,
    },
    AreaSeed {
        code: "breda-noord",
        name: "Breda Noord",
        municipality: "breda",
        latitude: 51.604,
        longitude: 4.790,
    },
    AreaSeed {
        code: "tilburg-noordwest",
        name: "Tilburg Noordwest",
        municipality: "tilburg",
        latitude: 51.575,
        longitude: 5.055,
    },
    AreaSeed {
        code: "eindhoven-woensel-zuid",
        name: "Eindhoven Woensel-Zuid",
        municipality: "eindhoven",
        latitude: 51.455,
        longitude: 5.475,
    },
    AreaSeed {
        code: "heerlen-noord",
        name: "Heerlen Noord",
        municipality: "heerlen",
        latitude: 50.905,
        longitude: 5.960,
    },
    AreaSeed {
        code: "arnhem-oost",
        name: "Arnhem Oost",
        municipality: "arnhem",
        latitude: 51.985,
        longitude: 5.935,
    },
    AreaSeed {
        code: "groningen-noord",
        name: "Groningen Noord",
        municipality: "groningen",
        latitude: 53.235,
        longitude: 6.565,
    },
    AreaSeed {
        code: "leeuwarden-oost",
        name: "Leeuwarden-Oost",
        municipality: "leeuwarden",
        latitude: 53.207,
        longitude: 5.830,
    },
];

/// (code, full name)
pub const MINISTRIES: &[(&str, &str)] = &[
    (
        "BZK",
        "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties",
    ),
    ("SZW", "Ministerie van Sociale Zaken en Werkgelegenheid"),
    ("OCW", "Ministerie van Onderwijs, Cultuur en Wetenschap"),
    ("VWS", "Ministerie van Volksgezondheid, Welzijn en Sport"),
    ("JenV", "Ministerie van Justitie en Veiligheid"),
];

/// (code, Dutch name, English name, description)
pub const THEMES: &[(&str, &str, &str, &str)] = &[
    (
        "housing",
        "Huisvesting kwetsbare groepen",
        "Housing for vulnerable groups",
        "Woonruimte voor kwetsbare groepen, zoals dak- en thuislozen en uitstromers uit zorg en opvang.",
    ),
    (
        "debt",
        "Schuldenproblematiek",
        "Debt",
        "Vroegsignalering en aanpak van problematische schulden.",
    ),
    (
        "education",
        "Onderwijsachterstanden",
        "Education gaps",
        "Inhalen en voorkomen van onderwijsachterstanden door de coronacrisis.",
    ),
    (
        "youth",
        "Activiteitenaanbod jongeren",
        "Activities for young people",
        "Uitbreiding van het activiteitenaanbod, zodat jongeren niet afglijden.",
    ),
    (
        "employment",
        "Voorkomen werkloosheid",
        "Preventing unemployment",
        "Van werk naar werk, omscholing en bestrijding van jeugdwerkloosheid.",
    ),
];

/// (code, Dutch name, English name) — the three groups of the VNG call.
pub const TARGET_GROUPS: &[(&str, &str, &str)] = &[
    ("youth", "Jongeren", "Young people"),
    (
        "families",
        "Gezinnen met opstapeling van kwetsbaarheden",
        "Families with stacked vulnerabilities",
    ),
    (
        "debts",
        "Inwoners met schulden of in de armoedeval",
        "Residents with debts or in the poverty trap",
    ),
];

/// (code, Dutch name, English name, description) — the three aspects of the VNG call.
pub const ASPECTS: &[(&str, &str, &str, &str)] = &[
    (
        "protection",
        "Ontferming over kwetsbaren",
        "Care for the vulnerable",
        "De overheid als schild voor kwetsbaren: inkomensondersteuning, gezinsinterventies.",
    ),
    (
        "collaboration",
        "Samenwerking van onderop",
        "Bottom-up collaboration",
        "Maatschappelijk middenveld, lokaal initiatief, minder bureaucratie, samenwerking in zorg, bedrijfsleven en wijk.",
    ),
    (
        "ownership",
        "Ruimte voor eigenaarschap",
        "Room for ownership",
        "Inwoners, jongeren voorop, houden eigenaarschap over hun eigen ontwikkeling.",
    ),
];

/// The date the cabinet announced the acceleration actions (Kamerstuk 34477 nr. 73).
pub fn programme_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 10, 8).unwrap_or_default()
}

/// What a seeding run added.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SeedCounts {
    pub municipalities: usize,
    pub areas: usize,
    pub ministries: usize,
    pub themes: usize,
    pub target_groups: usize,
    pub aspects: usize,
    pub report_periods: usize,
}

impl SeedCounts {
    pub fn total(&self) -> usize {
        self.municipalities
            + self.areas
            + self.ministries
            + self.themes
            + self.target_groups
            + self.aspects
            + self.report_periods
    }
}

fn existing(codes: Vec<String>) -> HashSet<String> {
    codes.into_iter().collect()
}

/// Inserts the reference rows that are missing, in one transaction.
pub fn seed_reference(conn: &mut DbConnection) -> QueryResult<SeedCounts> {
    db::write_transaction(conn, |conn| {
        let now = db::now();
        Ok(SeedCounts {
            municipalities: seed_municipalities(conn, now)?,
            areas: seed_areas(conn, now)?,
            ministries: seed_ministries(conn, now)?,
            themes: seed_themes(conn, now)?,
            target_groups: seed_target_groups(conn)?,
            aspects: seed_aspects(conn)?,
            report_periods: seed_report_periods(conn, now)?,
        })
    })
}

fn seed_municipalities(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    let mut added = 0;
    let have = existing(
        municipalities::table
            .select(municipalities::code)
            .load(conn)?,
    );
    for m in MUNICIPALITIES.iter().filter(|m| !have.contains(m.code)) {
        diesel::insert_into(municipalities::table)
            .values(NewMunicipality {
                code: m.code,
                name: m.name,
                province: m.province,
                created_at: now,
            })
            .execute(conn)?;
        added += 1;
    }
    Ok(added)
}

fn seed_areas(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    let mut added = 0;
    let have = existing(areas::table.select(areas::code).load(conn)?);
    for a in AREAS.iter().filter(|a| !have.contains(a.code)) {
        let municipality_id: i64 = municipalities::table
            .filter(municipalities::code.eq(a.municipality))
            .select(municipalities::id)
            .first(conn)?;
        diesel::insert_into(areas::table)
            .values(NewArea {
                code: a.code,
                name: a.name,
                municipality_id,
                latitude: a.latitude,
                longitude: a.longitude,
                focus_since: programme_start(),
                created_at: now,
                updated_at: now,
            })
            .execute(conn)?;
        added += 1;
    }
    Ok(added)
}

fn seed_ministries(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    let mut added = 0;
    let have = existing(ministries::table.select(ministries::code).load(conn)?);
    for (code, name) in MINISTRIES.iter().filter(|(code, _)| !have.contains(*code)) {
        diesel::insert_into(ministries::table)
            .values(NewMinistry {
                code,
                name,
                created_at: now,
                updated_at: now,
            })
            .execute(conn)?;
        added += 1;
    }
    Ok(added)
}

fn seed_themes(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    let mut added = 0;
    let have = existing(themes::table.select(themes::code).load(conn)?);
    for (code, name_nl, name_en, description) in
        THEMES.iter().filter(|(code, ..)| !have.contains(*code))
    {
        diesel::insert_into(themes::table)
            .values(NewTheme {
                code,
                name_nl,
                name_en,
                description,
                created_at: now,
                updated_at: now,
            })
            .execute(conn)?;
        added += 1;
    }
    Ok(added)
}

fn seed_target_groups(conn: &mut DbConnection) -> QueryResult<usize> {
    let mut added = 0;
    let have = existing(
        target_groups::table
            .select(target_groups::code)
            .load(conn)?,
    );
    for (code, name_nl, name_en) in TARGET_GROUPS
        .iter()
        .filter(|(code, ..)| !have.contains(*code))
    {
        diesel::insert_into(target_groups::table)
            .values(NewTargetGroup {
                code,
                name_nl,
                name_en,
            })
            .execute(conn)?;
        added += 1;
    }
    Ok(added)
}

fn seed_aspects(conn: &mut DbConnection) -> QueryResult<usize> {
    let mut added = 0;
    let have = existing(aspects::table.select(aspects::code).load(conn)?);
    for (code, name_nl, name_en, description) in
        ASPECTS.iter().filter(|(code, ..)| !have.contains(*code))
    {
        diesel::insert_into(aspects::table)
            .values(NewAspect {
                code,
                name_nl,
                name_en,
                description,
            })
            .execute(conn)?;
        added += 1;
    }
    Ok(added)
}

/// The first report period, Voorjaar 2021.
fn seed_report_periods(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    let have = existing(
        report_periods::table
            .select(report_periods::code)
            .load(conn)?,
    );
    if have.contains("voorjaar-2021") {
        return Ok(0);
    }
    diesel::insert_into(report_periods::table)
        .values(NewReportPeriod {
            code: "voorjaar-2021",
            name: "Voorjaar 2021",
            starts_on: Some(programme_start()),
            cut_off: NaiveDate::from_ymd_opt(2021, 3, 31).unwrap_or_default(),
            due_date: None,
            created_at: now,
            updated_at: now,
        })
        .execute(conn)?;
    Ok(1)
}
