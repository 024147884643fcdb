//! Consultations: calls for input such as the VNG call for best practices (seed 000), the
//! municipalities' ranked submissions, the overview for the working group and the note for the
//! cabinet (Markdown, XLSX).
//!
//! The rules, in one place:
//! - The deadline is given as a Europe/Amsterdam local date-time (or with an explicit offset)
//!   and stored as a UTC instant. The call is *closed* from the deadline on (18:00:00 exactly is
//!   closed), unless an admin reopened it until a later instant.
//! - A municipality user writes its own municipality's submissions, only when the municipality
//!   is asked (403 otherwise) and only while the call is open (409 naming the deadline).
//! - Late acceptance: an admin may create, change and re-rank submissions on behalf of a
//!   municipality at any time. A submission created after the original deadline (by an admin,
//!   or by the municipality while the call is reopened) is marked `late`; when an admin created
//!   it, `accepted_by` names the admin.
//! - At most `max_submissions` per municipality, for everyone (409 naming the maximum). Ranks
//!   run 1..N without gaps: a new submission takes N+1; re-ranking takes the full list.
//! - Reading: while the call is open the submissions are drafts, read only by their own
//!   municipality and admins. Once it is closed, ministries (the departments in the working
//!   group) read them too, with the overview and the note; admins read those at any time.
//!   Other municipalities and viewers never read another municipality's submissions.
//!
//! One file per job: `time` (deadlines and whether a call is open), `tags` (kinds, stages and the
//! reference codes), `calls` (the consultations themselves), `access` (who reads and writes
//! submissions, and when), `submissions`, `overview` (the working group's grid), `note` (the
//! exported note) and `vng` (the VNG call of May 2020).

mod access;
mod calls;
mod note;
mod overview;
mod submissions;
mod tags;
mod time;
mod vng;

pub use calls::{
    ConsultationChange, ConsultationInput, ConsultationJson, ReopenInput, create, get, list,
    reopen, update,
};
pub use note::{NoteFormat, export, export_note};
pub use overview::{CellJson, OverviewJson, PracticeJson, ResponseJson, RowJson, overview};
pub use submissions::{
    LinkInput, OrderInput, SubmissionChange, SubmissionInput, SubmissionJson, create_submission,
    get_submission, link_actions, list_submissions, reorder, update_submission,
};
pub use tags::{Kind, Stage};
pub use time::{Moment, is_open, parse_local};
pub use vng::{VNG_CALL, seed_vng_call};

use chrono_tz::Tz;

/// The zone deadlines are given and shown in.
pub const TIME_ZONE: Tz = chrono_tz::Europe::Amsterdam;
/// The number of submissions per municipality when the call does not say.
pub const DEFAULT_MAX_SUBMISSIONS: i32 = 5;
/// What the table allows.
pub const MAX_MAX_SUBMISSIONS: i32 = 50;
const MAX_CODE: usize = 80;
const MAX_SHORT: usize = 300;
