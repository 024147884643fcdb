//! Generates `schema.rs` from a migrated database, like `diesel print-schema`, for both backends.
//! The schema test migrates SQLite and PostgreSQL and requires both to produce the committed file,
//! so the two migration trees and the schema cannot drift apart.
//! Regenerate with `UPDATE_SCHEMA=1 cargo test --test it schema`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use diesel::sql_types::{Integer, Text};
use diesel::{QueryableByName, RunQueryDsl};

use super::DbConnection;

/// A table as diesel sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableInfo {
    pub name: String,
    pub primary_key: Vec<String>,
    pub columns: Vec<ColumnInfo>,
    /// (column, referenced table)
    pub foreign_keys: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnInfo {
    pub name: String,
    pub sql_type: &'static str,
    pub nullable: bool,
}

#[derive(QueryableByName)]
struct NameRow {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct SqliteColumnRow {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text, column_name = "type")]
    declared: String,
    #[diesel(sql_type = Integer)]
    notnull: i32,
    #[diesel(sql_type = Integer)]
    pk: i32,
}

#[derive(QueryableByName)]
struct SqliteForeignKeyRow {
    #[diesel(sql_type = Text, column_name = "table")]
    target: String,
    #[diesel(sql_type = Text, column_name = "from")]
    from: String,
}

#[derive(QueryableByName)]
struct PgColumnRow {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Text)]
    is_nullable: String,
}

#[derive(QueryableByName)]
struct PgKeyRow {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    target: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("query failed: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("table {table}, column {column}: no diesel type for SQL type `{sql_type}`")]
    UnknownType {
        table: String,
        column: String,
        sql_type: String,
    },
}

/// Reads every application table of a migrated database.
pub fn introspect(conn: &mut DbConnection) -> Result<Vec<TableInfo>, SchemaError> {
    let mut tables = match conn {
        DbConnection::Sqlite(c) => introspect_sqlite(c)?,
        DbConnection::Postgresql(c) => introspect_postgres(c)?,
    };
    tables.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(tables)
}

fn introspect_sqlite(conn: &mut diesel::SqliteConnection) -> Result<Vec<TableInfo>, SchemaError> {
    let names: Vec<NameRow> = diesel::sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name <> '__diesel_schema_migrations' ORDER BY name",
    )
    .load(conn)?;
    let mut tables = Vec::new();
    for NameRow { name } in names {
        let rows: Vec<SqliteColumnRow> =
            diesel::sql_query("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)")
                .bind::<Text, _>(&name)
                .load(conn)?;
        let mut pk: Vec<(i32, String)> = Vec::new();
        let mut columns = Vec::new();
        for row in rows {
            if row.pk > 0 {
                pk.push((row.pk, row.name.clone()));
            }
            let declared = row.declared.to_ascii_uppercase();
            // `INTEGER PRIMARY KEY` is SQLite's 64-bit rowid.
            let rowid = row.pk > 0 && declared == "INTEGER";
            let sql_type = if rowid {
                Some("BigInt")
            } else {
                sqlite_type(&declared)
            };
            let sql_type = sql_type.ok_or_else(|| SchemaError::UnknownType {
                table: name.clone(),
                column: row.name.clone(),
                sql_type: row.declared.clone(),
            })?;
            columns.push(ColumnInfo {
                name: row.name,
                sql_type,
                nullable: row.notnull == 0 && row.pk == 0,
            });
        }
        pk.sort();
        let fks: Vec<SqliteForeignKeyRow> =
            diesel::sql_query("SELECT \"table\", \"from\" FROM pragma_foreign_key_list(?)")
                .bind::<Text, _>(&name)
                .load(conn)?;
        tables.push(TableInfo {
            name,
            primary_key: pk.into_iter().map(|(_, column)| column).collect(),
            columns,
            foreign_keys: fks.into_iter().map(|fk| (fk.from, fk.target)).collect(),
        });
    }
    Ok(tables)
}

fn sqlite_type(declared: &str) -> Option<&'static str> {
    Some(match declared {
        "BIGINT" => "BigInt",
        "INTEGER" => "Integer",
        "TEXT" => "Text",
        "BOOLEAN" => "Bool",
        "DATE" => "Date",
        "TIMESTAMP" => "Timestamp",
        "DOUBLE" => "Double",
        "BLOB" => "Binary",
        _ => return None,
    })
}

fn postgres_type(data_type: &str) -> Option<&'static str> {
    Some(match data_type {
        "bigint" => "BigInt",
        "integer" => "Integer",
        "text" => "Text",
        "boolean" => "Bool",
        "date" => "Date",
        "timestamp without time zone" => "Timestamp",
        "double precision" => "Double",
        "bytea" => "Binary",
        _ => return None,
    })
}

fn introspect_postgres(conn: &mut diesel::PgConnection) -> Result<Vec<TableInfo>, SchemaError> {
    let names: Vec<NameRow> = diesel::sql_query(
        "SELECT table_name::text AS name FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
         AND table_name <> '__diesel_schema_migrations' ORDER BY table_name",
    )
    .load(conn)?;
    let mut tables = Vec::new();
    for NameRow { name } in names {
        let rows: Vec<PgColumnRow> = diesel::sql_query(
            "SELECT column_name::text AS name, data_type::text AS data_type, \
             is_nullable::text AS is_nullable FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind::<Text, _>(&name)
        .load(conn)?;
        let mut columns = Vec::new();
        for row in rows {
            let sql_type =
                postgres_type(&row.data_type).ok_or_else(|| SchemaError::UnknownType {
                    table: name.clone(),
                    column: row.name.clone(),
                    sql_type: row.data_type.clone(),
                })?;
            columns.push(ColumnInfo {
                name: row.name,
                sql_type,
                nullable: row.is_nullable == "YES",
            });
        }
        let keys: Vec<PgKeyRow> = diesel::sql_query(
            "SELECT a.attname::text AS name, \
                    CASE WHEN c.contype = 'p' THEN '' ELSE t.relname::text END AS target \
             FROM pg_constraint c \
             JOIN pg_class r ON r.oid = c.conrelid \
             JOIN pg_namespace n ON n.oid = r.relnamespace AND n.nspname = current_schema() \
             CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord) \
             JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum = k.attnum \
             LEFT JOIN pg_class t ON t.oid = c.confrelid \
             WHERE r.relname = $1 AND c.contype IN ('p', 'f') \
             ORDER BY c.contype DESC, c.conname, k.ord",
        )
        .bind::<Text, _>(&name)
        .load(conn)?;
        let mut primary_key = Vec::new();
        let mut foreign_keys = Vec::new();
        for key in keys {
            if key.target.is_empty() {
                primary_key.push(key.name);
            } else {
                foreign_keys.push((key.name, key.target));
            }
        }
        tables.push(TableInfo {
            name,
            primary_key,
            columns,
            foreign_keys,
        });
    }
    Ok(tables)
}

/// Renders tables as the `schema.rs` diesel expects.
pub fn render(tables: &[TableInfo]) -> String {
    let mut out = String::new();
    out.push_str(
        "// @generated from the migrations by `UPDATE_SCHEMA=1 cargo test --test it schema`; do not edit.\n\
         // The schema test fails when SQLite or PostgreSQL migrations no longer produce this file.\n\n",
    );
    for table in tables {
        let _ = writeln!(out, "diesel::table! {{");
        let _ = writeln!(
            out,
            "    {} ({}) {{",
            table.name,
            table.primary_key.join(", ")
        );
        for column in &table.columns {
            let ty = if column.nullable {
                format!("Nullable<{}>", column.sql_type)
            } else {
                column.sql_type.to_string()
            };
            let _ = writeln!(out, "        {} -> {},", column.name, ty);
        }
        out.push_str("    }\n}\n\n");
    }
    // joinable! only where the child references the parent exactly once, as diesel does.
    let mut joins: Vec<(String, String, String)> = Vec::new();
    for table in tables {
        let mut per_target: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (column, target) in &table.foreign_keys {
            per_target.entry(target).or_default().push(column);
        }
        for (target, columns) in per_target {
            if columns.len() == 1 && target != table.name {
                joins.push((
                    table.name.clone(),
                    target.to_string(),
                    columns[0].to_string(),
                ));
            }
        }
    }
    joins.sort();
    for (child, parent, column) in &joins {
        let _ = writeln!(out, "diesel::joinable!({child} -> {parent} ({column}));");
    }
    out.push_str("\ndiesel::allow_tables_to_appear_in_same_query!(\n");
    for table in tables {
        let _ = writeln!(out, "    {},", table.name);
    }
    out.push_str(");\n");
    out
}
