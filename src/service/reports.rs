//! Progress reports: generating a draft (the snapshot and every format, stored), reading them,
//! publishing one per period (immutable from then on), checking a published report against a
//! rebuild from history, and the automatic draft after a cut-off.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::models::{NewReport, Report, ReportPeriod};
use crate::db::schema::{report_files, report_periods, reports, users};
use crate::db::{self, DbConnection};
use crate::domain::asof::AsOf;
use crate::domain::{ReportId, ReportState, SignoffState};
use crate::error::{Error, Result};
use crate::i18n::{Label, Msg};
use crate::reports::build::{self, Moment};
use crate::reports::model::{MODEL_VERSION, ReportModel, SnapshotMinistries};
use crate::reports::{self as documents, Format};
use crate::service::audit::{self, Actor};
use crate::service::reference::find_period;
use crate::service::signoffs;

/// `POST /api/v1/reports`: the period to report on.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GenerateInput {
    /// Period code, e.g. `voorjaar-2021`.
    pub period: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct FileJson {
    pub format: Format,
    pub content_type: &'static str,
    pub file_name: String,
    pub bytes: usize,
    pub sha256: String,
    /// Where to fetch it.
    pub href: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct ReportJson {
    #[schema(value_type = i64)]
    pub id: ReportId,
    pub period: String,
    pub period_name: String,
    pub cut_off: chrono::NaiveDate,
    /// `draft` or `published`.
    pub state: ReportState,
    /// The last moment whose records the report shows (UTC).
    #[serde(serialize_with = "crate::json::utc")]
    pub as_of: NaiveDateTime,
    /// SHA-256 of the canonical snapshot.
    pub content_hash: String,
    #[serde(serialize_with = "crate::json::utc")]
    pub generated_at: NaiveDateTime,
    pub generated_by: Option<String>,
    #[serde(serialize_with = "crate::json::utc_option")]
    pub published_at: Option<NaiveDateTime>,
    pub published_by: Option<String>,
    pub version: i64,
    /// The totals of the summary: stoplicht counts, share on schedule, milestones, deviation.
    #[schema(value_type = Object)]
    pub totals: serde_json::Value,
    pub files: Vec<FileJson>,
}

/// What `verify` found, in three checks that each stand on their own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub report_id: ReportId,
    /// 1. Each stored file's bytes against the SHA-256 stored when it was made: (format, equal).
    pub stored_files: Vec<(Format, bool)>,
    /// 2. The snapshot built again from history against the stored one.
    pub snapshot: SnapshotCheck,
    /// 3. The files drawn again from the stored snapshot's model by this binary's renderers.
    pub redrawn: RedrawCheck,
}

/// Check 2: the content, independent of the renderers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotCheck {
    /// The same content hash and the same snapshot, byte for byte.
    Same { hash: String },
    /// History now gives another snapshot than the stored one.
    Differs { stored: String, rebuilt: String },
    /// The stored snapshot has another schema than this binary builds: not comparable.
    OtherSchema { stored: u32, current: u32 },
}

/// Check 3: the drawing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedrawCheck {
    /// (format, the stored bytes equal the ones drawn again)
    Drawn(Vec<(Format, bool)>),
    /// Drawn by another renderer than this binary's: not drawn again.
    OtherRenderer { stored: i32, current: i32 },
    /// The snapshot did not match, so there is nothing to draw from that is the stored content.
    Skipped,
}

impl Verification {
    /// Check 1 passed: no stored file was altered.
    pub fn files_intact(&self) -> bool {
        self.stored_files.iter().all(|(_, same)| *same)
    }

    /// Check 2 passed.
    pub fn snapshot_same(&self) -> bool {
        matches!(self.snapshot, SnapshotCheck::Same { .. })
    }

    /// Check 3 passed (drawn again, every file equal).
    pub fn redrawn_same(&self) -> bool {
        matches!(&self.redrawn, RedrawCheck::Drawn(files) if files.iter().all(|(_, same)| *same))
    }

    /// Nothing differs: no file altered, the snapshot the same, and every file drawn again the
    /// same where the renderer allows drawing again.
    pub fn nothing_differs(&self) -> bool {
        self.files_intact()
            && self.snapshot_same()
            && match &self.redrawn {
                RedrawCheck::Drawn(files) => files.iter().all(|(_, same)| *same),
                RedrawCheck::OtherRenderer { .. } => true,
                RedrawCheck::Skipped => false,
            }
    }

    /// All three checks passed in full.
    pub fn identical(&self) -> bool {
        self.files_intact() && self.snapshot_same() && self.redrawn_same()
    }
}

fn username(conn: &mut DbConnection, id: Option<i64>) -> Result<Option<String>> {
    match id {
        Some(id) => Ok(users::table
            .find(id)
            .select(users::username)
            .first(conn)
            .optional()?),
        None => Ok(None),
    }
}

fn to_json(conn: &mut DbConnection, report: Report) -> Result<ReportJson> {
    let period: ReportPeriod = report_periods::table
        .find(report.report_period_id)
        .select(ReportPeriod::as_select())
        .first(conn)?;
    let files: Vec<(String, String, i32)> = report_files::table
        .filter(report_files::report_id.eq(report.id))
        .select((
            report_files::format,
            report_files::sha256,
            diesel::dsl::sql::<diesel::sql_types::Integer>("CAST(length(content) AS INTEGER)"),
        ))
        .load(conn)?;
    let mut files: Vec<FileJson> = files
        .into_iter()
        .filter_map(|(format, sha256, bytes)| {
            let format: Format = format.parse().ok()?;
            Some(FileJson {
                format,
                content_type: format.content_type(),
                file_name: format.file_name(&period.code),
                bytes: usize::try_from(bytes).unwrap_or(0),
                sha256,
                href: format!("/api/v1/reports/{}/files/{}", report.id, format.as_str()),
            })
        })
        .collect();
    files.sort_by_key(|f| f.format);
    let totals = report
        .totals_json
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok())
        .unwrap_or(serde_json::Value::Null);
    Ok(ReportJson {
        id: ReportId::from(report.id),
        period: period.code,
        period_name: period.name,
        cut_off: period.cut_off,
        state: report.state.parse().map_err(Error::internal)?,
        as_of: report.as_of,
        content_hash: report.content_hash,
        generated_at: report.generated_at,
        generated_by: username(conn, report.generated_by)?,
        published_at: report.published_at,
        published_by: username(conn, report.published_by)?,
        version: report.version,
        totals,
        files,
    })
}

/// Builds the model of a period as a report made `now` would (no writing).
pub fn model_for(conn: &mut DbConnection, code: &str, now: NaiveDateTime) -> Result<ReportModel> {
    let period = find_period(conn, code)?;
    build::build(conn, &period.code, Moment::for_period(period.cut_off, now))
}

/// A rendered format (or the snapshot) waiting to be stored: its bytes in an unnamed temporary
/// file, gone when dropped, so that a report of a large programme holds one format in memory
/// at a time, not the snapshot and all five.
struct Spooled {
    /// "pdf", "html", ... or "snapshot".
    what: &'static str,
    file: std::fs::File,
}

impl Spooled {
    fn write(what: &'static str, bytes: &[u8]) -> Result<Self> {
        use std::io::Write;
        let mut file = tempfile::tempfile()
            .map_err(|err| Error::internal(format!("temporary file for the {what}: {err}")))?;
        file.write_all(bytes)
            .map_err(|err| Error::internal(format!("spooling the {what}: {err}")))?;
        Ok(Self { what, file })
    }

    fn read(&mut self) -> Result<Vec<u8>> {
        use std::io::{Read, Seek};
        let mut bytes = Vec::new();
        self.file
            .rewind()
            .and_then(|()| self.file.read_to_end(&mut bytes))
            .map_err(|err| Error::internal(format!("reading the spooled {}: {err}", self.what)))?;
        Ok(bytes)
    }
}

/// Renders the formats of a model, telling `progress` (done, total, what) before each, and
/// hands each to `take` as soon as it is drawn.
fn render_formats(
    model: &ReportModel,
    formats: &[Format],
    progress: &mut dyn FnMut(usize, usize, &str),
    take: &mut dyn FnMut(Format, Vec<u8>) -> Result<()>,
) -> Result<()> {
    for (i, format) in formats.iter().enumerate() {
        progress(i, formats.len(), format.as_str());
        take(*format, documents::render(model, *format)?)?;
    }
    progress(formats.len(), formats.len(), "klaar");
    Ok(())
}

/// Generates a draft of a period: the snapshot as of its cut-off (or now, before it), every
/// format, stored. An earlier draft of the period is replaced; a period with a published report
/// gets no new draft (409). `progress` hears each step.
pub fn generate(
    conn: &mut DbConnection,
    actor: &Actor,
    code: &str,
    now: NaiveDateTime,
    progress: &mut dyn FnMut(usize, usize, &str),
) -> Result<ReportJson> {
    let period = find_period(conn, code)?;
    refuse_if_published(conn, &period)?;
    let total = Format::ALL.len() + 1;
    progress(0, total, "snapshot");
    let model = build::build(conn, &period.code, Moment::for_period(period.cut_off, now))?;
    // (A shadowed string would live on: the block drops it.)
    let (mut spooled_snapshot, hash) = {
        let (json, hash) = documents::snapshot(&model)?;
        (Spooled::write("snapshot", json.as_bytes())?, hash)
    };
    let mut files = Vec::with_capacity(Format::ALL.len());
    render_formats(
        &model,
        &Format::ALL,
        &mut |done, _, what| progress(done + 1, total, what),
        &mut |format, bytes| {
            let sha256 = documents::sha256(&bytes);
            files.push((format, sha256, Spooled::write(format.as_str(), &bytes)?));
            Ok(())
        },
    )?;
    let as_of = model.as_of;
    let totals = serde_json::to_string(&model.summary.total).map_err(Error::internal)?;
    drop(model);
    let snapshot = String::from_utf8(spooled_snapshot.read()?).map_err(Error::internal)?;
    drop(spooled_snapshot);
    let id = db::write_transaction(conn, |conn| -> Result<i64> {
        // Whoever else makes or publishes a report of this period waits for this one (and this
        // one sees theirs): at most one draft, and none beside a published report.
        db::lock_rows(conn, "report_periods", &[period.id])?;
        refuse_if_published(conn, &period)?;
        let drafts: Vec<i64> = reports::table
            .filter(reports::report_period_id.eq(period.id))
            .filter(reports::state.eq(ReportState::Draft.as_str()))
            .select(reports::id)
            .load(conn)?;
        diesel::delete(report_files::table.filter(report_files::report_id.eq_any(&drafts)))
            .execute(conn)?;
        diesel::delete(reports::table.filter(reports::id.eq_any(&drafts))).execute(conn)?;
        let report_id: i64 = diesel::insert_into(reports::table)
            .values(NewReport {
                report_period_id: period.id,
                state: ReportState::Draft.as_str(),
                as_of,
                content_hash: &hash,
                snapshot_json: &snapshot,
                totals_json: &totals,
                generated_at: now,
                generated_by: actor.user_id,
                renderer_version: documents::RENDERER_VERSION,
            })
            // (not every column: the snapshot of a large programme is hundreds of megabytes)
            .returning(reports::id)
            .get_result(conn)?;
        drop(snapshot);
        for (format, sha256, file) in &mut files {
            let bytes = file.read()?;
            diesel::insert_into(report_files::table)
                .values((
                    report_files::report_id.eq(report_id),
                    report_files::format.eq(format.as_str()),
                    report_files::sha256.eq(&*sha256),
                    report_files::content.eq(bytes.as_slice()),
                ))
                .execute(conn)?;
        }
        audit::record(
            conn,
            actor,
            "report.generate",
            "report",
            Some(&report_id.to_string()),
            (!drafts.is_empty())
                .then(|| serde_json::json!({ "replaced_drafts": drafts }))
                .as_ref(),
            Some(&serde_json::json!({
                "period": period.code,
                "as_of": crate::json::utc_string(&as_of),
                "content_hash": hash,
            })),
        )?;
        Ok(report_id)
    })?;
    get(conn, ReportId::from(id), true)
}

fn refuse_if_published(conn: &mut DbConnection, period: &ReportPeriod) -> Result<()> {
    let published: Option<i64> = reports::table
        .filter(reports::report_period_id.eq(period.id))
        .filter(reports::state.eq(ReportState::Published.as_str()))
        .select(reports::id)
        .first(conn)
        .optional()?;
    match published {
        Some(id) => Err(Error::Conflict {
            message: Msg::ReportPublishedFixed {
                period: period.code.clone(),
                id,
            },
            field: Some("period".into()),
        }),
        None => Ok(()),
    }
}

/// The reports, newest first, of one period or all; drafts only when `drafts` is true.
pub fn list(
    conn: &mut DbConnection,
    period: Option<&str>,
    drafts: bool,
) -> Result<Vec<ReportJson>> {
    let mut query = reports::table.into_boxed();
    if let Some(code) = period {
        let period = find_period(conn, code)?;
        query = query.filter(reports::report_period_id.eq(period.id));
    }
    if !drafts {
        query = query.filter(reports::state.eq(ReportState::Published.as_str()));
    }
    let rows: Vec<Report> = query
        .order((reports::generated_at.desc(), reports::id.desc()))
        .select(Report::as_select())
        .load(conn)?;
    rows.into_iter().map(|r| to_json(conn, r)).collect()
}

/// A report's stored snapshot (the canonical JSON of its model).
fn snapshot_of(conn: &mut DbConnection, id: i64) -> Result<String> {
    Ok(reports::table
        .find(id)
        .select(reports::snapshot_json)
        .first(conn)?)
}

fn load(conn: &mut DbConnection, id: i64, drafts: bool) -> Result<Report> {
    let report: Report = reports::table
        .find(id)
        .select(Report::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found(Label::Report, id))?;
    // A draft does not exist for those who may only read published reports.
    if !drafts && report.state != ReportState::Published.as_str() {
        return Err(Error::not_found(Label::Report, id));
    }
    Ok(report)
}

pub fn get(conn: &mut DbConnection, id: ReportId, drafts: bool) -> Result<ReportJson> {
    let report = load(conn, id.get(), drafts)?;
    to_json(conn, report)
}

/// One stored file of a report, with the file name it is served under.
pub fn file(
    conn: &mut DbConnection,
    id: ReportId,
    format: &str,
    drafts: bool,
) -> Result<(Format, String, Vec<u8>)> {
    let id = id.get();
    let format: Format = format.parse().map_err(|_: String| {
        Error::NotFound(Msg::ReportFormat {
            value: format.to_string(),
            valid: Format::ALL.iter().map(|f| f.as_str().to_string()).collect(),
        })
    })?;
    let report = load(conn, id, drafts)?;
    let code: String = report_periods::table
        .find(report.report_period_id)
        .select(report_periods::code)
        .first(conn)?;
    let content: Vec<u8> = report_files::table
        .filter(report_files::report_id.eq(id))
        .filter(report_files::format.eq(format.as_str()))
        .select(report_files::content)
        .first(conn)
        .optional()?
        .ok_or_else(|| {
            Error::NotFound(Msg::ReportFileMissing {
                format: format.as_str().to_string(),
                id,
            })
        })?;
    Ok((format, format.file_name(&code), content))
}

/// Refuses to publish a draft whose sign-offs changed after it was made, or in which a
/// ministry is not approved (vastgesteld).
fn refuse_unapproved(
    conn: &mut DbConnection,
    report: &Report,
    period: &ReportPeriod,
) -> Result<()> {
    let id = report.id;
    let trail = signoffs::trail_of(conn, period, None)?;
    if trail.iter().any(|s| s.recorded_at > report.generated_at) {
        return Err(Error::Conflict {
            message: Msg::DraftSignoffChanged,
            field: None,
        });
    }
    let current = signoffs::current_of(&trail);
    // A snapshot that cannot be read must not pass as "no ministries to wait for".
    let in_report: Vec<String> =
        serde_json::from_str::<SnapshotMinistries>(&snapshot_of(conn, report.id)?)
            .map_err(|err| {
                Error::internal(format!("report {id}'s snapshot cannot be read: {err}"))
            })?
            .ministries
            .into_iter()
            .map(|m| m.code)
            .collect();
    let waiting: Vec<String> = in_report
        .into_iter()
        .filter(|m| {
            current
                .get(m)
                .is_none_or(|s| s.state != SignoffState::Approved)
        })
        .collect();
    if !waiting.is_empty() {
        return Err(Error::Conflict {
            message: Msg::SignoffsNotApproved { waiting },
            field: None,
        });
    }
    Ok(())
}

/// Publishes a draft at `expected_version`: its cut-off must have passed (the draft shows the
/// state at the end of the cut-off day), every ministry in it must be approved (vastgesteld),
/// and no sign-off may have changed since the draft was made. A period has at most one
/// published report, and it never changes.
pub fn publish(
    conn: &mut DbConnection,
    actor: &Actor,
    id: ReportId,
    expected_version: i64,
    now: NaiveDateTime,
) -> Result<ReportJson> {
    let id = id.get();
    db::write_transaction(conn, |conn| {
        let period_id: i64 = load(conn, id, true)?.report_period_id;
        // Waits for a draft of the period being made now (see `generate`).
        db::lock_rows(conn, "report_periods", &[period_id])?;
        let report = load(conn, id, true)?;
        if report.state == ReportState::Published.as_str() {
            return Err(Error::Conflict {
                message: Msg::ReportAlreadyPublished { id },
                field: None,
            });
        }
        if report.version != expected_version {
            return Err(Error::PreconditionFailed);
        }
        let period: ReportPeriod = report_periods::table
            .find(report.report_period_id)
            .select(ReportPeriod::as_select())
            .first(conn)?;
        let end = AsOf::end_of_day(period.cut_off);
        if !AsOf::at(report.as_of).eq(&end) {
            return Err(Error::Conflict {
                message: Msg::DraftBeforeCutOff {
                    cut_off: period.cut_off,
                },
                field: None,
            });
        }
        refuse_unapproved(conn, &report, &period)?;
        let updated = diesel::update(
            reports::table
                .filter(reports::id.eq(id))
                .filter(reports::version.eq(expected_version))
                .filter(reports::state.eq(ReportState::Draft.as_str())),
        )
        .set((
            reports::state.eq(ReportState::Published.as_str()),
            reports::published_at.eq(now),
            reports::published_by.eq(actor.user_id),
            reports::version.eq(expected_version + 1),
        ))
        .execute(conn)
        .map_err(|err| match Error::from(err) {
            Error::Conflict { .. } => Error::Conflict {
                message: Msg::PeriodAlreadyPublished {
                    period: period.code.clone(),
                },
                field: None,
            },
            other => other,
        })?;
        if updated == 0 {
            return Err(Error::PreconditionFailed);
        }
        audit::record(
            conn,
            actor,
            "report.publish",
            "report",
            Some(&id.to_string()),
            Some(&serde_json::json!({"state": "draft"})),
            Some(&serde_json::json!({"state": "published", "content_hash": report.content_hash})),
        )?;
        let fresh = load(conn, id, true)?;
        to_json(conn, fresh)
    })
}

/// Checks a stored report in three steps: (1) its files' bytes against their stored SHA-256;
/// (2) its snapshot built again from history, at its own moment, against the stored one; (3) its
/// files drawn again, only when the stored renderer version is this binary's.
pub fn verify(conn: &mut DbConnection, id: ReportId) -> Result<Verification> {
    let report = load(conn, id.get(), true)?;
    let renderer: i32 = reports::table
        .find(report.id)
        .select(reports::renderer_version)
        .first(conn)?;
    let code: String = report_periods::table
        .find(report.report_period_id)
        .select(report_periods::code)
        .first(conn)?;
    // 1. The stored bytes, one file at a time.
    let formats: Vec<(String, String)> = report_files::table
        .filter(report_files::report_id.eq(report.id))
        .select((report_files::format, report_files::sha256))
        .load(conn)?;
    let mut stored_files = Vec::new();
    let mut formats_sorted = Vec::new();
    for (format, sha) in formats {
        let parsed: Format = format.parse().map_err(Error::internal)?;
        let bytes = file_bytes(conn, report.id, &format)?;
        stored_files.push((parsed, documents::sha256(&bytes) == sha));
        formats_sorted.push((parsed, sha));
    }
    stored_files.sort();
    formats_sorted.sort();
    // 2. The content, from history.
    let stored_snapshot = snapshot_of(conn, report.id)?;
    let stored_schema = serde_json::from_str::<serde_json::Value>(&stored_snapshot)
        .ok()
        .and_then(|v| v.get("model_version").and_then(serde_json::Value::as_u64))
        .and_then(|v| u32::try_from(v).ok())
        .unwrap_or(0);
    if stored_schema != MODEL_VERSION {
        return Ok(Verification {
            report_id: id,
            stored_files,
            snapshot: SnapshotCheck::OtherSchema {
                stored: stored_schema,
                current: MODEL_VERSION,
            },
            redrawn: RedrawCheck::Skipped,
        });
    }
    let model = build::build(
        conn,
        &code,
        Moment {
            as_of: AsOf::at(report.as_of),
            known_at: report.generated_at,
        },
    )?;
    let (snapshot, hash) = documents::snapshot(&model)?;
    let snapshot = if hash == report.content_hash && snapshot == stored_snapshot {
        SnapshotCheck::Same { hash }
    } else {
        SnapshotCheck::Differs {
            stored: report.content_hash.clone(),
            rebuilt: hash,
        }
    };
    // 3. The drawing, by the same renderer only.
    let redrawn = if renderer != documents::RENDERER_VERSION {
        RedrawCheck::OtherRenderer {
            stored: renderer,
            current: documents::RENDERER_VERSION,
        }
    } else if !matches!(snapshot, SnapshotCheck::Same { .. }) {
        RedrawCheck::Skipped
    } else {
        let mut files = Vec::new();
        for (format, sha) in formats_sorted {
            files.push((
                format,
                documents::sha256(&documents::render(&model, format)?) == sha,
            ));
        }
        RedrawCheck::Drawn(files)
    };
    Ok(Verification {
        report_id: id,
        stored_files,
        snapshot,
        redrawn,
    })
}

/// The stored bytes of one file of a report.
fn file_bytes(conn: &mut DbConnection, report_id: i64, format: &str) -> Result<Vec<u8>> {
    Ok(report_files::table
        .filter(report_files::report_id.eq(report_id))
        .filter(report_files::format.eq(format))
        .select(report_files::content)
        .first(conn)?)
}

/// The periods whose cut-off has passed (Europe/Amsterdam end of day) and that have no report
/// yet, by cut-off.
pub fn periods_due_for_a_draft(conn: &mut DbConnection, now: NaiveDateTime) -> Result<Vec<String>> {
    let with_reports = reports::table.select(reports::report_period_id).distinct();
    let periods: Vec<ReportPeriod> = report_periods::table
        .filter(report_periods::id.ne_all(with_reports))
        .order((report_periods::cut_off.asc(), report_periods::id.asc()))
        .select(ReportPeriod::as_select())
        .load(conn)?;
    Ok(periods
        .into_iter()
        .filter(|p| AsOf::end_of_day(p.cut_off).before <= now)
        .map(|p| p.code)
        .collect())
}
