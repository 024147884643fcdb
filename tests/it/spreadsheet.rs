//! Spreadsheets of actions: an import creates every row or none and reports every bad cell; an
//! export carries the actions with their state, and imports again.

#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on anything unexpected"
)]

use std::process::{Command, Output};

use chrono::NaiveDate;
use diesel::prelude::*;
use rust_xlsxwriter::{Format, Workbook};
use versnelling::db::schema::{actions, audit_log, baselines};
use versnelling::db::{self, DbConnection};
use versnelling::domain::{ActionId, ActionStatus, Lang};
use versnelling::error::Error;
use versnelling::seed;
use versnelling::service::actions::{
    self as action_service, ActionFilter, ActionJson, ProgressInput,
};
use versnelling::service::audit::Actor;
use versnelling::service::spreadsheet::{self, ExportFormat, ImportReport};

use crate::support::TestDatabase;
use crate::{app_test, both_backends};

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

/// A migrated database with the reference data.
pub(crate) fn migrated(database: &TestDatabase) -> DbConnection {
    let mut conn = database.connect();
    db::run_migrations(&mut conn).expect("migrate");
    seed::seed_reference(&mut conn).expect("seed");
    conn
}

pub(crate) fn try_import(
    conn: &mut DbConnection,
    data: &[u8],
    dry_run: bool,
) -> Result<ImportReport, Error> {
    spreadsheet::import_actions(
        conn,
        data,
        dry_run,
        &Actor::system("import"),
        &|_| Ok(()),
        &mut |_, _| {},
    )
}

fn import(conn: &mut DbConnection, data: &[u8]) -> ImportReport {
    let report = try_import(conn, data, false).expect("import");
    assert!(report.is_ok(), "{:?}", report.problems);
    report
}

pub(crate) fn action_count(conn: &mut DbConnection) -> i64 {
    actions::table.count().get_result(conn).unwrap()
}

pub(crate) fn audit_count(conn: &mut DbConnection) -> i64 {
    audit_log::table.count().get_result(conn).unwrap()
}

fn all_actions(conn: &mut DbConnection) -> Vec<ActionJson> {
    action_service::all(conn, &ActionFilter::default()).unwrap()
}

/// The plain export (a CSV for programs; a workbook is Dutch).
fn export(conn: &mut DbConnection, format: ExportFormat) -> Vec<u8> {
    export_in(conn, format, None)
}

fn export_in(conn: &mut DbConnection, format: ExportFormat, lang: Option<Lang>) -> Vec<u8> {
    spreadsheet::export_actions(conn, &ActionFilter::default(), format, lang)
        .unwrap()
        .bytes
}

/// What Dutch Excel saves: a BOM, `;` between cells, Dutch headers, dates and amounts.
const DUTCH_CSV: &str = "\u{feff}Titel;Omschrijving;Gebied;Ministerie;Thema;Doelgroepen;Verantwoordelijke;Budget;Start;Eind\r\n\
Doorbraakmethode opschalen;\"Schuldhulp; 10.000 professionals\";Rotterdam-Zuid;szw;debt;\"debts; families\";Team Schulden;12.500,50;01-11-2020;31-03-2021\r\n\
;;;;;;;;;\r\n\
Huiswerkbegeleiding;;den-haag-zuidwest;OCW;education;youth;;;2020-11-15;30-6-2021\r\n";

both_backends!(
    fn a_dutch_csv_with_semicolons_creates_every_action_with_its_original_plan(db: TestDatabase) {
        let mut conn = migrated(&db);
        let report = import(&mut conn, DUTCH_CSV.as_bytes());
        assert_eq!(report.rows, 2, "the empty row is skipped");
        assert_eq!(report.created.len(), 2);

        let first = action_service::get(&mut conn, report.created[0], None).unwrap();
        assert_eq!(first.title, "Doorbraakmethode opschalen");
        assert_eq!(first.description, "Schuldhulp; 10.000 professionals");
        assert_eq!(first.area, "rotterdam-zuid");
        assert_eq!(first.ministry, "SZW");
        assert_eq!(first.theme, "debt");
        assert_eq!(first.target_groups, vec!["debts", "families"]);
        assert_eq!(first.responsible, "Team Schulden");
        assert_eq!(first.budget_cents, Some(1_250_050));
        assert_eq!(first.planned_start, date(2020, 11, 1));
        assert_eq!(first.planned_end, date(2021, 3, 31));
        assert_eq!(first.status, ActionStatus::NotStarted);
        let original = first.original_plan.as_ref().unwrap();
        assert_eq!(original.seq, 1);
        assert_eq!(original.planned_end, date(2021, 3, 31));
        assert_eq!(original.budget_cents, Some(1_250_050));

        let second = action_service::get(&mut conn, report.created[1], None).unwrap();
        assert_eq!(second.area, "den-haag-zuidwest");
        assert_eq!(second.budget_cents, None);
        assert_eq!(second.planned_end, date(2021, 6, 30));

        let baseline_count: i64 = baselines::table
            .filter(baselines::seq.eq(1))
            .count()
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(baseline_count, 2);
        let actors: Vec<(String, Option<i64>)> = audit_log::table
            .filter(audit_log::operation.eq("action.create"))
            .select((audit_log::actor, audit_log::user_id))
            .load(&mut conn)
            .unwrap();
        assert_eq!(actors, vec![("import".to_string(), None); 2]);
    }
);

/// A workbook whose first sheet is notes and whose "Acties" sheet holds the list, with typed cells.
fn ministry_workbook() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let notes = workbook.add_worksheet();
    notes.set_name("Toelichting").unwrap();
    notes
        .write_string(0, 0, "Lijst van SZW, stand januari")
        .unwrap();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Acties").unwrap();
    let day = Format::new().set_num_format("dd-mm-yyyy");
    for (col, name) in [
        "Title",
        "Area",
        "Ministry",
        "Theme",
        "Target groups",
        "Budget",
        "Planned start",
        "Planned end",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, col as u16, *name).unwrap();
    }
    let rows = [
        (
            "Mobiliteitsteam Zuidoost",
            "amsterdam-zuidoost",
            7500.25,
            date(2020, 12, 1),
        ),
        (
            "Jongerenwerk Overvecht",
            "Utrecht Overvecht",
            30000.0,
            date(2021, 1, 4),
        ),
    ];
    for (i, (title, area, budget, start)) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, *title).unwrap();
        sheet.write_string(row, 1, *area).unwrap();
        sheet.write_string(row, 2, "SZW").unwrap();
        sheet.write_string(row, 3, "employment").unwrap();
        sheet.write_string(row, 4, "youth").unwrap();
        sheet.write_number(row, 5, *budget).unwrap();
        sheet.write_date_with_format(row, 6, *start, &day).unwrap();
        sheet
            .write_date_with_format(row, 7, date(2021, 12, 31), &day)
            .unwrap();
    }
    workbook.save_to_buffer().unwrap()
}

both_backends!(
    fn an_xlsx_list_imports_from_its_acties_sheet_with_date_and_number_cells(db: TestDatabase) {
        let mut conn = migrated(&db);
        let report = import(&mut conn, &ministry_workbook());
        assert_eq!(report.created.len(), 2);
        let actions = all_actions(&mut conn);
        assert_eq!(actions.len(), 2);
        assert_eq!(actions[0].title, "Mobiliteitsteam Zuidoost");
        assert_eq!(actions[0].budget_cents, Some(750_025));
        assert_eq!(actions[0].planned_start, date(2020, 12, 1));
        assert_eq!(actions[0].planned_end, date(2021, 12, 31));
        assert_eq!(actions[0].original_plan.as_ref().unwrap().seq, 1);
        assert_eq!(
            actions[1].area, "utrecht-overvecht",
            "an area name finds its code"
        );
        assert_eq!(actions[1].budget_cents, Some(3_000_000));
        assert_eq!(actions[1].target_groups, vec!["youth"]);
    }
);

/// One good row, then one mistake per row, and a row with four.
const BROKEN_CSV: &str = "title,area,ministry,theme,planned_start,planned_end,budget\n\
Goede actie,rotterdam-zuid,BZK,housing,2021-01-01,2021-06-30,1000\n\
\"Actie over\ntwee regels\",atlantis,BZK,housing,2021-01-01,2021-06-30,\n\
Omgekeerd,rotterdam-zuid,BZK,housing,2021-06-30,2021-01-01,\n\
Slechte datum,rotterdam-zuid,BZK,housing,31-02-2021,2021-06-30,\n\
,rotterdam-zuid,BZK,housing,2021-01-01,2021-06-30,\n\
Geld,rotterdam-zuid,BZK,housing,2021-01-01,2021-06-30,veel\n\
Alles mis,,XYZ,housing,morgen,2021-06-30,-5\n";

fn problem_at(report: &ImportReport, row: usize, column: &str) -> String {
    report
        .problems
        .iter()
        .find(|p| p.row == row && p.column == column)
        .map(|p| p.message.to_string())
        .unwrap_or_else(|| panic!("no problem at row {row}, {column}: {:?}", report.problems))
}

both_backends!(
    fn a_broken_spreadsheet_reports_every_bad_row_and_column_and_writes_nothing(db: TestDatabase) {
        let mut conn = migrated(&db);
        let audit_before = audit_count(&mut conn);
        let report = try_import(&mut conn, BROKEN_CSV.as_bytes(), false).unwrap();
        assert!(!report.is_ok());
        assert_eq!(report.rows, 7);
        assert_eq!(report.bad_rows(), 6);
        assert!(report.created.is_empty());

        // A cell over two lines is one row in a spreadsheet: the rows below keep their numbers.
        assert!(
            problem_at(&report, 3, "area")
                .starts_with("unknown area `atlantis`; choose from: amsterdam-nieuw-west, "),
            "a refusal lists the valid values"
        );
        assert!(problem_at(&report, 4, "planned_end").contains("before the planned start"));
        assert!(problem_at(&report, 5, "planned_start").contains("not a day in the calendar"));
        assert!(problem_at(&report, 6, "title").contains("is empty"));
        assert!(problem_at(&report, 7, "budget").contains("`veel` is not an amount"));
        assert!(problem_at(&report, 8, "area").contains("is empty"));
        assert!(
            problem_at(&report, 8, "ministry")
                .starts_with("unknown ministry `XYZ`; choose from: BZK (Binnenlandse Zaken")
        );
        assert!(problem_at(&report, 8, "planned_start").contains("`morgen` is not a date"));
        assert!(problem_at(&report, 8, "budget").contains("must not be negative"));
        assert!(!report.problems.iter().any(|p| p.row == 2), "row 2 is good");
        let row_8: Vec<&str> = report
            .problems
            .iter()
            .filter(|p| p.row == 8)
            .map(|p| p.column.as_str())
            .collect();
        assert_eq!(
            row_8,
            ["area", "ministry", "planned_start", "budget"],
            "left to right, with no repeated or stand-in problems: {:?}",
            report.problems
        );
        let fields = report.field_errors();
        assert!(
            fields.iter().any(|f| f.field == "rows.3.area"),
            "{fields:?}"
        );

        assert_eq!(
            action_count(&mut conn),
            0,
            "the good row is not written either"
        );
        assert_eq!(audit_count(&mut conn), audit_before);
    }
);

both_backends!(
    fn unknown_and_missing_columns_refuse_the_whole_file(database: TestDatabase) {
        let mut conn = migrated(&database);
        let typo = "titel;gebeid;ministerie;thema;start;eind\nA;rotterdam-zuid;BZK;debt;2021-01-01;2021-02-01\n";
        let Err(Error::Validation(errors)) = try_import(&mut conn, typo.as_bytes(), false) else {
            panic!("expected a file-level error");
        };
        let messages: Vec<String> = errors.iter().map(|e| e.msg.to_string()).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("unknown column `gebeid`")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("missing column `area`/`gebied`")),
            "{messages:?}"
        );

        let both_budgets = "title,area,ministry,theme,start,end,budget,budget_cents\n";
        let Err(Error::Validation(errors)) = try_import(&mut conn, both_budgets.as_bytes(), false)
        else {
            panic!("expected a file-level error");
        };
        assert!(
            errors[0].msg.to_string().contains("both give the budget"),
            "{errors:?}"
        );

        let header_only = "title,area,ministry,theme,start,end\n";
        let Err(Error::Validation(errors)) = try_import(&mut conn, header_only.as_bytes(), false)
        else {
            panic!("expected a file-level error");
        };
        assert!(
            errors[0].msg.to_string().contains("no actions"),
            "{errors:?}"
        );

        let binary = b"titel;gebied\nCaf\xe9\0;x\n";
        let Err(Error::Validation(errors)) = try_import(&mut conn, binary, false) else {
            panic!("expected a file-level error");
        };
        assert!(
            errors[0]
                .msg
                .to_string()
                .contains("not UTF-8 text (line 2)"),
            "{errors:?}"
        );

        let Err(Error::Validation(errors)) = try_import(&mut conn, b"PK\x03\x04broken", false)
        else {
            panic!("expected a file-level error");
        };
        assert!(
            errors[0]
                .msg
                .to_string()
                .contains("not a readable workbook"),
            "{errors:?}"
        );
        assert_eq!(action_count(&mut conn), 0);
    }
);

both_backends!(
    fn a_dry_run_checks_every_row_against_the_database_and_writes_nothing(database: TestDatabase) {
        let mut conn = migrated(&database);
        let audit_before = audit_count(&mut conn);
        let report = try_import(&mut conn, DUTCH_CSV.as_bytes(), true).unwrap();
        assert!(report.is_ok(), "{:?}", report.problems);
        assert!(report.dry_run);
        assert_eq!(report.rows, 2);
        assert!(report.created.is_empty());

        let report = try_import(&mut conn, BROKEN_CSV.as_bytes(), true).unwrap();
        assert_eq!(report.bad_rows(), 6);
        assert!(
            problem_at(&report, 3, "area")
                .starts_with("unknown area `atlantis`; choose from: amsterdam-nieuw-west, "),
            "a refusal lists the valid values"
        );

        assert_eq!(action_count(&mut conn), 0);
        assert_eq!(audit_count(&mut conn), audit_before);
        // The connection is usable afterwards: nothing is left open.
        import(&mut conn, DUTCH_CSV.as_bytes());
        assert_eq!(action_count(&mut conn), 2);
    }
);

/// Imports the Dutch list and reports progress on the first action: 40 %, groen.
fn tracked(conn: &mut DbConnection) -> Vec<ActionId> {
    let report = import(conn, DUTCH_CSV.as_bytes());
    action_service::add_progress(
        conn,
        &Actor::system("test"),
        report.created[0],
        None,
        &ProgressInput {
            status: ActionStatus::OnTrack,
            percent_complete: 40,
            note: "eerste teams getraind".into(),
        },
        &|_| Ok(()),
    )
    .unwrap();
    report.created
}

fn csv_rows(bytes: &[u8]) -> Vec<csv::StringRecord> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    csv::Reader::from_reader(bytes)
        .records()
        .map(Result::unwrap)
        .collect()
}

/// The rows of a CSV for Dutch Excel (after its byte order mark).
fn dutch_csv_rows(bytes: &[u8]) -> Vec<csv::StringRecord> {
    let bytes = bytes
        .strip_prefix("\u{feff}".as_bytes())
        .expect("a byte order mark for Excel");
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(bytes)
        .records()
        .map(Result::unwrap)
        .collect()
}

both_backends!(
    fn exports_in_csv_xlsx_and_json_carry_each_actions_current_state(database: TestDatabase) {
        let mut conn = migrated(&database);
        let ids = tracked(&mut conn);

        let bytes = export(&mut conn, ExportFormat::Csv);
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_string)
            .collect();
        assert_eq!(
            header,
            [
                "id",
                "title",
                "description",
                "area",
                "municipality",
                "ministry",
                "theme",
                "programme",
                "target_groups",
                "responsible",
                "budget",
                "planned_start",
                "planned_end",
                "original_planned_end",
                "status",
                "percent_complete",
                "last_update_at",
                "version"
            ]
        );
        let rows = csv_rows(&bytes);
        assert_eq!(rows.len(), 2);
        let first = &rows[0];
        assert_eq!(&first[0], ids[0].to_string());
        assert_eq!(&first[3], "rotterdam-zuid");
        assert_eq!(&first[4], "rotterdam");
        assert_eq!(&first[8], "debts, families");
        assert_eq!(&first[10], "12500.50");
        assert_eq!(&first[11], "2020-11-01");
        assert_eq!(&first[13], "2021-03-31");
        assert_eq!(&first[14], "on_track");
        assert_eq!(&first[15], "40");
        assert!(
            first[16].ends_with('Z') && first[16].len() == 20,
            "{}",
            &first[16]
        );
        assert_eq!(&rows[1][14], "not_started");
        assert_eq!(&rows[1][16], "");

        let bytes = export(&mut conn, ExportFormat::Xlsx);
        assert_eq!(
            bytes,
            export(&mut conn, ExportFormat::Xlsx),
            "the same data, the same bytes"
        );
        use calamine::{Data, DataType, Reader};
        let mut workbook =
            calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(workbook.sheet_names(), vec!["Acties".to_string()]);
        let range = workbook.worksheet_range("Acties").unwrap();
        assert_eq!(range.get_size(), (3, 23));
        let column = |name: &str| {
            (0..23)
                .find(|c| range[0][*c] == Data::String(name.into()))
                .unwrap_or_else(|| panic!("no column {name}: {:?}", &range[0]))
        };
        let row = &range[1];
        assert_eq!(
            row[column("ID")].as_f64(),
            Some(ids[0].get() as f64),
            "ids are numbers"
        );
        assert_eq!(
            row[column("Titel")],
            Data::String("Doorbraakmethode opschalen".into())
        );
        assert_eq!(row[column("Gebied")], Data::String("Rotterdam-Zuid".into()));
        assert_eq!(
            row[column("Gebiedscode")],
            Data::String("rotterdam-zuid".into())
        );
        assert_eq!(
            row[column("Thema")],
            Data::String("Schuldenproblematiek".into()),
            "people read the theme's name, not its code"
        );
        assert_eq!(row[column("Themacode")], Data::String("debt".into()));
        assert_eq!(
            row[column("Begroting (€)")].as_f64(),
            Some(12500.5),
            "the budget is a number in euros"
        );
        assert_eq!(
            row[column("Geplande start")]
                .as_datetime()
                .map(|d| d.date()),
            Some(date(2020, 11, 1)),
            "dates are date cells: {:?}",
            row[column("Geplande start")]
        );
        assert!(
            row[column("Laatste update")].is_datetime(),
            "the last update is a date-time: {:?}",
            row[column("Laatste update")]
        );
        assert_eq!(row[column("Status")], Data::String("groen".into()));
        assert_eq!(row[column("Statuscode")], Data::String("on_track".into()));
        assert_eq!(row[column("Gereed (%)")].as_f64(), Some(40.0));

        // In English: English names beside the same codes.
        let bytes = export_in(&mut conn, ExportFormat::Xlsx, Some(Lang::En));
        let mut workbook =
            calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let range = workbook.worksheet_range("Actions").unwrap();
        assert_eq!(range[0][7], Data::String("Theme".into()));
        assert_eq!(range[1][7], Data::String("Debt".into()));
        assert_eq!(range[1][8], Data::String("debt".into()));
        assert_eq!(range[1][18], Data::String("green".into()));

        let bytes = export(&mut conn, ExportFormat::Json);
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(json["total"], 2);
        assert_eq!(json["items"][0]["id"], ids[0].get());
        assert_eq!(json["items"][0]["status"], "on_track");
        assert_eq!(json["items"][0]["percent_complete"], 40);
        assert_eq!(json["items"][0]["original_plan"]["seq"], 1);
        assert_eq!(json["items"][1]["status"], "not_started");

        let filtered = spreadsheet::export_actions(
            &mut conn,
            &ActionFilter {
                ministry: Some("OCW".into()),
                ..Default::default()
            },
            ExportFormat::Csv,
            None,
        )
        .unwrap();
        assert_eq!(filtered.actions, 1);
        assert_eq!(&csv_rows(&filtered.bytes)[0][5], "OCW");

        let Err(Error::Validation(errors)) = spreadsheet::export_actions(
            &mut conn,
            &ActionFilter {
                as_of: Some("gisteren".into()),
                ..Default::default()
            },
            ExportFormat::Json,
            None,
        ) else {
            panic!("expected a validation error");
        };
        assert_eq!(errors[0].field, "as_of");
    }
);

/// The fields an import sets, to compare an action with its re-imported copy.
fn imported_fields(a: &ActionJson) -> impl PartialEq + std::fmt::Debug {
    (
        a.title.clone(),
        a.description.clone(),
        a.area.clone(),
        a.ministry.clone(),
        a.theme.clone(),
        a.programme.clone(),
        a.target_groups.clone(),
        a.responsible.clone(),
        a.budget_cents,
        a.planned_start,
        a.planned_end,
    )
}

both_backends!(
    fn an_exported_csv_or_xlsx_imports_again_as_the_same_actions(database: TestDatabase) {
        let mut conn = migrated(&database);
        tracked(&mut conn);
        // Text a spreadsheet would take for a formula survives the trip.
        let tricky = "title,description,area,ministry,theme,start,end,budget\n\
            \"=1+1 jongeren\",\"-- niet leeg\",heerlen-noord,VWS,youth,2021-02-01,2021-09-30,0.07\n";
        import(&mut conn, tricky.as_bytes());
        let originals = all_actions(&mut conn);
        assert_eq!(originals.len(), 3);

        let exports = [
            (ExportFormat::Csv, None),
            (ExportFormat::Csv, Some(Lang::Nl)),
            (ExportFormat::Csv, Some(Lang::En)),
            (ExportFormat::Xlsx, Some(Lang::Nl)),
            (ExportFormat::Xlsx, Some(Lang::En)),
        ]
        .map(|(f, lang)| ((f, lang), export_in(&mut conn, f, lang)));
        for (format, bytes) in exports {
            let before = action_count(&mut conn);
            let report = import(&mut conn, &bytes);
            assert_eq!(report.created.len(), 3, "{format:?}");
            assert!(
                report
                    .ignored_columns
                    .iter()
                    .any(|c| c.eq_ignore_ascii_case("status")),
                "{:?}",
                report.ignored_columns
            );
            assert_eq!(action_count(&mut conn), before + 3);
            for (original, id) in originals.iter().zip(&report.created) {
                let copy = action_service::get(&mut conn, *id, None).unwrap();
                assert_eq!(
                    imported_fields(&copy),
                    imported_fields(original),
                    "{format:?}"
                );
                assert_eq!(
                    copy.status,
                    ActionStatus::NotStarted,
                    "an import starts a new action"
                );
            }
        }
        let csv = String::from_utf8(export(&mut conn, ExportFormat::Csv)).unwrap();
        assert!(
            csv.contains("'=1+1 jongeren"),
            "formula-like text is quoted: {csv}"
        );
    }
);

/// What Dutch Excel writes when it saves a CSV it opened ("CSV (gescheiden door
/// lijstscheidingsteken)"): dates as `d-m-jjjj`, amounts as numbers without trailing zeros
/// (`12500,5`), `;` between cells, CRLF line ends, no BOM and Windows-1252 (`€` is byte 0x80).
fn saved_by_dutch_excel(bytes: &[u8]) -> Vec<u8> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(bytes);
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for record in reader.records() {
        let cells: Vec<String> = record
            .unwrap()
            .iter()
            .map(|cell| {
                if let Ok(date) = NaiveDate::parse_from_str(cell, "%Y-%m-%d") {
                    date.format("%-d-%-m-%Y").to_string()
                } else if cell.contains(',')
                    && cell.replace(',', "").bytes().all(|b| b.is_ascii_digit())
                {
                    cell.trim_end_matches('0').trim_end_matches(',').to_string()
                } else {
                    cell.to_string()
                }
            })
            .collect();
        writer.write_record(&cells).unwrap();
    }
    let utf8 = String::from_utf8(writer.into_inner().unwrap()).unwrap();
    let (windows_1252, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&utf8);
    assert!(
        !unmappable,
        "every character of the export has a Windows-1252 byte"
    );
    windows_1252.into_owned()
}

both_backends!(
    fn a_csv_for_dutch_excel_imports_back_unchanged_also_after_excel_saved_it(
        database: TestDatabase,
    ) {
        let mut conn = migrated(&database);
        tracked(&mut conn);
        let originals = all_actions(&mut conn);
        let bytes = export_in(&mut conn, ExportFormat::Csv, Some(Lang::Nl));
        let text = std::str::from_utf8(&bytes).unwrap();
        assert!(text.starts_with("\u{feff}ID;Titel;Omschrijving;Gebied;Gebiedscode;"));
        let rows = dutch_csv_rows(&bytes);
        assert_eq!(&rows[0][3], "Rotterdam-Zuid", "the area's name");
        assert_eq!(&rows[0][7], "Schuldenproblematiek", "the theme's name");
        assert_eq!(&rows[0][8], "debt", "and its code beside it");
        assert_eq!(&rows[0][14], "12500,50", "a decimal comma");
        assert_eq!(&rows[0][18], "groen");
        let resaved = saved_by_dutch_excel(&bytes);
        assert!(std::str::from_utf8(&resaved).is_err(), "not UTF-8 any more");
        let resaved_text = encoding_rs::WINDOWS_1252.decode(&resaved).0;
        assert!(resaved_text.contains("Begroting (€)"));
        assert!(resaved_text.contains(";12500,5;1-11-2020;"));
        for file in [bytes, resaved] {
            let report = import(&mut conn, &file);
            assert_eq!(report.created.len(), originals.len());
            for (original, id) in originals.iter().zip(&report.created) {
                let copy = action_service::get(&mut conn, *id, None).unwrap();
                assert_eq!(imported_fields(&copy), imported_fields(original));
            }
        }
    }
);

pub(crate) fn versnelling(dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_versnelling"));
    command
        .current_dir(dir)
        .env_remove("VERSNELLING_DATABASE_URL")
        .env_remove("VERSNELLING_BIND")
        .env("RUST_LOG", "warn");
    command
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).to_string()
}

fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "stdout:\n{}\nstderr:\n{}",
        stdout(output),
        String::from_utf8_lossy(&output.stderr)
    );
}

both_backends!(
    fn the_cli_imports_a_list_as_a_user_and_exports_it_in_every_format(database: TestDatabase) {
        let mut conn = migrated(&database);
        let user_id = versnelling::service::users::create_user(
            &mut conn,
            &Actor::system("test"),
            &versnelling::service::users::NewUserInput {
                username: "Programmabureau".into(),
                display_name: String::new(),
                role: "admin".into(),
                ministry: None,
                municipality: None,
                password: "een lang genoeg wachtwoord".into(),
            },
        )
        .unwrap()
        .id;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("acties.csv");
        std::fs::write(&file, DUTCH_CSV).unwrap();
        let run = |args: &[&str]| {
            versnelling(dir.path())
                .args(["--database-url", &database.url])
                .args(args)
                .output()
                .unwrap()
        };

        let output = run(&["import", "actions", "acties.csv", "--dry-run"]);
        assert_success(&output);
        assert!(
            stdout(&output).contains("dry run: 2 actions would be imported"),
            "{}",
            stdout(&output)
        );
        assert_eq!(action_count(&mut conn), 0);

        let output = run(&["import", "actions", "acties.csv", "--as", "programmabureau"]);
        assert_success(&output);
        assert!(
            stdout(&output).contains("2 actions imported from acties.csv"),
            "{}",
            stdout(&output)
        );
        let authors: Vec<(String, Option<i64>)> = audit_log::table
            .filter(audit_log::operation.eq("action.create"))
            .select((audit_log::actor, audit_log::user_id))
            .load(&mut conn)
            .unwrap();
        assert_eq!(
            authors,
            vec![("Programmabureau".to_string(), Some(user_id)); 2]
        );

        let output = run(&[
            "export",
            "actions",
            "--format",
            "csv",
            "--out",
            "uit.csv",
            "--ministry",
            "SZW",
        ]);
        assert_success(&output);
        assert!(
            stdout(&output).contains("exported 1 action to uit.csv"),
            "{}",
            stdout(&output)
        );
        // Without a language the command line writes for Dutch Excel.
        let written = std::fs::read(dir.path().join("uit.csv")).unwrap();
        assert!(written.starts_with("\u{feff}ID;Titel;".as_bytes()));
        let rows = dutch_csv_rows(&written);
        assert_eq!(rows.len(), 1);
        assert_eq!(&rows[0][1], "Doorbraakmethode opschalen");
        let output = run(&[
            "export",
            "actions",
            "--format",
            "csv",
            "--plain",
            "--out",
            "-",
            "--ministry",
            "szw",
        ]);
        assert_success(&output);
        let rows = csv_rows(&output.stdout);
        assert_eq!(rows.len(), 1, "a ministry by its code in lower case");
        assert_eq!(&rows[0][5], "SZW");
        let output = run(&[
            "export",
            "actions",
            "--format",
            "csv",
            "--lang",
            "en",
            "--out",
            "-",
            "--status",
            "Niet gestart,rood",
            "--theme",
            "Schuldenproblematiek",
        ]);
        assert_success(&output);
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(text.starts_with("\u{feff}ID,Title,"), "{text}");
        assert_eq!(csv_rows(text.as_bytes()).len(), 1, "{text}");
        let output = run(&[
            "export", "actions", "--format", "csv", "--out", "-", "--status", "paars",
        ]);
        assert!(!output.status.success());
        let error = String::from_utf8_lossy(&output.stderr);
        assert!(
            error.contains("paars") && error.contains("off_track (red)"),
            "a refusal lists the valid values with their names: {error}"
        );

        let output = run(&["export", "actions", "--format", "xlsx", "--out", "uit.xlsx"]);
        assert_success(&output);
        assert!(
            std::fs::read(dir.path().join("uit.xlsx"))
                .unwrap()
                .starts_with(b"PK")
        );

        let output = run(&[
            "export",
            "actions",
            "--format",
            "json",
            "--out",
            "-",
            "--as-of",
            "2030-01-01",
        ]);
        assert_success(&output);
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(json["total"], 2);

        let output = run(&["import", "actions", "ontbreekt.csv"]);
        assert!(!output.status.success());
        assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read ontbreekt.csv"));
    }
);

both_backends!(
    fn the_cli_prints_a_report_and_fails_for_a_bad_file(database: TestDatabase) {
        let mut conn = migrated(&database);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("fout.csv"), BROKEN_CSV).unwrap();
        for dry_run in [false, true] {
            let mut command = versnelling(dir.path());
            command.args([
                "--database-url",
                &database.url,
                "import",
                "actions",
                "fout.csv",
            ]);
            if dry_run {
                command.arg("--dry-run");
            }
            let output = command.output().unwrap();
            assert!(!output.status.success(), "a bad file fails");
            let table = stdout(&output);
            assert!(
                table.lines().next().unwrap().contains("row  column"),
                "{table}"
            );
            assert!(
                table.lines().any(|l| l.trim_start().starts_with("3  area")
                    && l.contains("unknown area `atlantis`")),
                "{table}"
            );
            assert!(
                table
                    .lines()
                    .any(|l| l.trim_start().starts_with("7  budget")),
                "{table}"
            );
            let stderr = String::from_utf8_lossy(&output.stderr).to_string();
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert!(
                stderr.starts_with("error: fout.csv: 6 of 7 rows have problems; nothing was"),
                "{stderr}"
            );
        }
        assert_eq!(action_count(&mut conn), 0);

        std::fs::write(dir.path().join("kolom.csv"), "titel;gebeid\n").unwrap();
        let output = versnelling(dir.path())
            .args([
                "--database-url",
                &database.url,
                "import",
                "actions",
                "kolom.csv",
            ])
            .output()
            .unwrap();
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr).to_string();
        assert!(stderr.contains("unknown column `gebeid`"), "{stderr}");
    }
);

#[test]
fn export_file_names_carry_the_day_shown() {
    let as_of = versnelling::domain::asof::AsOf::parse("2021-03-31").unwrap();
    assert_eq!(
        spreadsheet::file_name(ExportFormat::Csv, Some(as_of)),
        "acties-2021-03-31.csv"
    );
    let today = spreadsheet::file_name(ExportFormat::Xlsx, None);
    assert!(
        today.starts_with("acties-20") && today.ends_with(".xlsx"),
        "{today}"
    );
    assert_eq!("XLSX".parse::<ExportFormat>(), Ok(ExportFormat::Xlsx));
    assert!("pdf".parse::<ExportFormat>().is_err());
}

app_test!(
    async fn the_export_endpoint_gives_a_viewer_each_format_with_its_content_type(app: TestApp) {
        {
            let mut conn = app.connect();
            import(&mut conn, DUTCH_CSV.as_bytes());
        }
        let (_, token) = app.user_with_token("viewer", None).await;
        for (format, content_type) in [
            ("csv", "text/csv; charset=utf-8"),
            (
                "xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            ("json", "application/json"),
        ] {
            let path = format!("/api/v1/actions/export?format={format}&ministry=SZW,OCW");
            let response = app
                .send(reqwest::Method::GET, &path, Some(&token), None, None)
                .await;
            assert_eq!(response.status(), 200, "{format}");
            let headers = response.headers().clone();
            assert_eq!(headers["content-type"].to_str().unwrap(), content_type);
            let disposition = headers["content-disposition"].to_str().unwrap();
            assert!(
                disposition.starts_with("attachment; filename=\"acties-20")
                    && disposition.ends_with(&format!(".{format}\"")),
                "{disposition}"
            );
            let body = response.bytes().await.unwrap();
            match format {
                "csv" => assert_eq!(csv_rows(&body).len(), 2),
                "xlsx" => assert!(body.starts_with(b"PK")),
                _ => {
                    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
                    assert_eq!(json["total"], 2);
                }
            }
        }

        let response = app
            .send(
                reqwest::Method::GET,
                "/api/v1/actions/export?format=json&as_of=2021-03-31",
                Some(&token),
                None,
                None,
            )
            .await;
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-disposition"].to_str().unwrap(),
            "attachment; filename=\"acties-2021-03-31.json\""
        );

        // For Dutch Excel, asked by language; the default stays plain, comma-separated.
        let response = app
            .send(
                reqwest::Method::GET,
                "/api/v1/actions/export?format=csv&lang=nl&ministry=szw",
                Some(&token),
                None,
                None,
            )
            .await;
        assert_eq!(response.status(), 200);
        let body = response.bytes().await.unwrap();
        assert!(body.starts_with("\u{feff}ID;Titel;".as_bytes()));
        assert_eq!(dutch_csv_rows(&body).len(), 1);

        for path in [
            "/api/v1/actions/export?format=csv&lang=fr",
            "/api/v1/actions/export?format=pdf",
            "/api/v1/actions/export",
            "/api/v1/actions/export?format=csv&limit=5",
            "/api/v1/actions/export?format=csv&as_of=gisteren",
        ] {
            let response = app
                .send(reqwest::Method::GET, path, Some(&token), None, None)
                .await;
            assert_eq!(response.status(), 422, "{path}");
            assert_eq!(
                response.headers()["content-type"].to_str().unwrap(),
                "application/problem+json"
            );
        }
        let response = app
            .send(
                reqwest::Method::GET,
                "/api/v1/actions/export?format=csv",
                None,
                None,
                None,
            )
            .await;
        assert_eq!(response.status(), 401);
    }
);
