//! The message catalogue: every message as a code with named parameters. The texts live in one
//! table per language (`i18n::nl`, `i18n::en`), keyed by the code, with `{name}` where a
//! parameter goes. A message knows nothing of languages until it is rendered.

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::domain::lang::Lang;
use crate::domain::{Choice, Role};

/// A value in a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    /// Text as it is: a code, a name, what the user typed.
    Text(String),
    Int(i64),
    /// A date, written the reader's way (`1 december 2026`).
    Date(NaiveDate),
    /// A word of the tables (`gebied`/`area`), in the reader's language.
    Label(Label),
    /// Several values, written as a comma-separated list.
    List(Vec<String>),
    /// Valid values with their names in the reader's language (`off_track (rood)`); the API's
    /// `params` give their codes.
    Choices(Vec<Choice>),
}

impl From<String> for Param {
    fn from(value: String) -> Self {
        Self::Text(value)
    }
}

impl From<&str> for Param {
    fn from(value: &str) -> Self {
        Self::Text(value.to_string())
    }
}

impl From<i64> for Param {
    fn from(value: i64) -> Self {
        Self::Int(value)
    }
}

impl From<u32> for Param {
    fn from(value: u32) -> Self {
        Self::Int(i64::from(value))
    }
}

impl From<i32> for Param {
    fn from(value: i32) -> Self {
        Self::Int(i64::from(value))
    }
}

impl From<u64> for Param {
    fn from(value: u64) -> Self {
        Self::Int(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

impl From<usize> for Param {
    fn from(value: usize) -> Self {
        Self::Int(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

impl From<NaiveDate> for Param {
    fn from(value: NaiveDate) -> Self {
        Self::Date(value)
    }
}

impl From<Label> for Param {
    fn from(value: Label) -> Self {
        Self::Label(value)
    }
}

impl From<Vec<String>> for Param {
    fn from(value: Vec<String>) -> Self {
        Self::List(value)
    }
}

impl From<Vec<Choice>> for Param {
    fn from(value: Vec<Choice>) -> Self {
        Self::Choices(value)
    }
}

/// The most valid values a message lists; a longer list ends with how many more there are.
const MAX_CHOICES_LISTED: usize = 40;

impl Param {
    fn render(&self, lang: Lang) -> String {
        match self {
            Self::Text(text) => text.clone(),
            Self::Int(n) => n.to_string(),
            Self::Date(date) => lang.date(*date),
            Self::Label(label) => label.text(lang).to_string(),
            Self::List(items) => items.join(", "),
            Self::Choices(choices) => {
                let mut listed: Vec<String> = choices
                    .iter()
                    .take(MAX_CHOICES_LISTED)
                    .map(|c| c.text(lang))
                    .collect();
                if choices.len() > MAX_CHOICES_LISTED {
                    listed.push(format!("… (+{})", choices.len() - MAX_CHOICES_LISTED));
                }
                listed.join(", ")
            }
        }
    }

    fn json(&self) -> Value {
        match self {
            Self::Text(text) => Value::String(text.clone()),
            Self::Int(n) => Value::from(*n),
            Self::Date(date) => Value::String(date.format("%Y-%m-%d").to_string()),
            Self::Label(label) => Value::String(label.code().to_string()),
            Self::List(items) => Value::Array(items.iter().cloned().map(Value::String).collect()),
            // As many as the text lists: a refusal stays small whatever the data.
            Self::Choices(choices) => Value::Array(
                choices
                    .iter()
                    .take(MAX_CHOICES_LISTED)
                    .map(|c| Value::String(c.code.clone()))
                    .collect(),
            ),
        }
    }
}

/// The text of `key` in `lang`'s table, or `None` when the table lacks it (a test makes sure
/// none does).
pub fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    let table = match lang {
        Lang::Nl => super::nl::TEXTS,
        Lang::En => super::en::TEXTS,
    };
    table.iter().find(|(k, _)| *k == key).map(|(_, text)| *text)
}

/// Fills the `{name}` places of a template.
fn fill(template: &str, params: &[(&'static str, Param)], lang: Lang) -> String {
    let mut text = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        text.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match params.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => text.push_str(&value.render(lang)),
                    None => {
                        text.push('{');
                        text.push_str(name);
                        text.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                text.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    text.push_str(rest);
    text
}

/// The `{name}` places of a template, for the table tests.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        names.push(&after[..close]);
        rest = &after[close + 1..];
    }
    names
}

macro_rules! labels {
    ($($(#[$doc:meta])* $variant:ident = $code:literal;)*) => {
        /// A word the tables hold in every language, used as a parameter: what kind of thing
        /// a message is about, a role, a status. Its key in the tables is `label.CODE`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Label { $($(#[$doc])* $variant,)* }

        impl Label {
            pub const ALL: &'static [Label] = &[$(Label::$variant,)*];

            /// The code of the word, as the API's `params` give it.
            pub fn code(self) -> &'static str {
                match self { $(Label::$variant => $code,)* }
            }

            /// The key of the word in the tables.
            pub fn key(self) -> &'static str {
                match self { $(Label::$variant => concat!("label.", $code),)* }
            }
        }
    };
}

labels! {
    Action = "action";
    ApiToken = "api_token";
    Area = "area";
    Aspect = "aspect";
    Chart = "chart";
    Consultation = "consultation";
    Indicator = "indicator";
    Milestone = "milestone";
    Ministry = "ministry";
    Municipality = "municipality";
    Period = "period";
    Programme = "programme";
    Report = "report";
    StaticFile = "static_file";
    Status = "status";
    Submission = "submission";
    TargetGroup = "target_group";
    Theme = "theme";
    User = "user";
    RoleAdmin = "role_admin";
    RoleMinistry = "role_ministry";
    RoleMunicipality = "role_municipality";
    RoleViewer = "role_viewer";
}

impl Label {
    /// The word in `lang`; the code when a table lacks it (a test makes sure none does).
    pub fn text(self, lang: Lang) -> &'static str {
        lookup(lang, self.key()).unwrap_or(self.code())
    }
}

impl From<Role> for Label {
    fn from(role: Role) -> Self {
        match role {
            Role::Admin => Self::RoleAdmin,
            Role::Ministry => Self::RoleMinistry,
            Role::Municipality => Self::RoleMunicipality,
            Role::Viewer => Self::RoleViewer,
        }
    }
}

macro_rules! messages {
    ($($(#[$doc:meta])* $variant:ident $({ $($param:ident : $ty:ty),* $(,)? })? = $code:literal;)*) => {
        /// A message: a code and its parameters. `text(lang)` renders it from the tables.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Msg { $($(#[$doc])* $variant $({ $($param: $ty),* })?,)* }

        impl Msg {
            /// Every code with the names of its parameters, for the table tests.
            pub const CODES: &'static [(&'static str, &'static [&'static str])] =
                &[$(($code, &[$($(stringify!($param)),*)?]),)*];

            /// The code, as the API's `code` gives it.
            pub fn code(&self) -> &'static str {
                match self { $(Msg::$variant { .. } => $code,)* }
            }

            /// The parameters by name.
            pub fn params(&self) -> Vec<(&'static str, Param)> {
                match self {
                    $(Msg::$variant $({ $($param),* })? => vec![$($((stringify!($param), Param::from($param.clone()))),*)?],)*
                }
            }
        }
    };
}

impl Msg {
    /// The message in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match lookup(lang, self.code()) {
            Some(template) => fill(template, &self.params(), lang),
            None => self.code().to_string(),
        }
    }

    /// The parameters as a JSON object, for the API.
    pub fn params_json(&self) -> Map<String, Value> {
        self.params()
            .into_iter()
            .map(|(name, value)| (name.to_string(), value.json()))
            .collect()
    }
}

impl From<crate::domain::UnknownCode> for Msg {
    fn from(err: crate::domain::UnknownCode) -> Self {
        let valid = if err.choices.is_empty() {
            Choice::codes(err.expected)
        } else {
            err.choices
        };
        Msg::OneOf {
            value: err.value,
            valid,
        }
    }
}

impl From<crate::domain::asof::AsOfError> for Msg {
    fn from(err: crate::domain::asof::AsOfError) -> Self {
        use crate::domain::asof::{AsOfError, YEARS};
        match err {
            AsOfError::Form => Msg::DateOrDateTime,
            AsOfError::Years => Msg::Years {
                from: i64::from(*YEARS.start()),
                to: i64::from(*YEARS.end()),
            },
        }
    }
}

messages! {
    // ---- the input of one field ----
    Required = "required";
    Length { min: usize, max: usize } = "length";
    TooLong { max: usize } = "too_long";
    Between { min: i64, max: i64 } = "between";
    NotNegative = "not_negative";
    WholeNumber = "whole_number";
    Number = "number";
    Date = "date";
    DateOrDateTime = "date_or_date_time";
    Years { from: i64, to: i64 } = "years";
    YearFrom { from: i64 } = "year_from";
    NotInFuture = "not_in_future";
    /// A value that is not one of a closed set.
    OneOf { value: String, valid: Vec<Choice> } = "one_of";
    /// A record that does not exist (`unknown report `42``).
    Unknown { kind: Label, value: String } = "unknown";
    /// A code or name of reference data that does not exist, with the valid ones.
    UnknownChoice { kind: Label, value: String, valid: Vec<Choice> } = "unknown_choice";
    Choose { kind: Label } = "choose";
    ChooseAtLeastOne { kind: Label } = "choose_at_least_one";
    ListedTwice { value: String } = "listed_twice";
    /// A spreadsheet row whose name and code of the same thing differ.
    NameAndCodeDiffer { name: String, code: String, code_column: String } = "name_and_code_differ";
    UnknownField = "unknown_field";
    /// What serde said of a value of the wrong type or form (English only: it comes from the
    /// parser).
    InvalidValue { detail: String } = "invalid_value";
    Slug { max: usize } = "slug";
    MinistryCode = "ministry_code";
    Email = "email";
    CannotChange = "cannot_change";
    InUse { value: String } = "in_use";
    /// A unique value taken (the field says which).
    Duplicate = "duplicate";
    DuplicateRecord = "duplicate_record";
    Referenced = "referenced";
    OutsideDatabaseRange = "outside_database_range";
    InvalidFields { count: usize } = "invalid_fields";

    // ---- requests ----
    QueryTooLong { max: usize } = "query_too_long";
    BodyTooLarge { max: usize } = "body_too_large";
    BodyNotJson = "body_not_json";
    BodyUnreadable = "body_unreadable";
    BodyInvalidJson { detail: String } = "body_invalid_json";
    BodyTrailingData = "body_trailing_data";
    FormExpected = "form_expected";
    FormTooLarge = "form_too_large";
    NoResource { path: String } = "no_resource";
    MethodNotAllowed { allowed: String } = "method_not_allowed";
    NotFound { kind: Label, id: String } = "not_found";
    NotFoundThen { kind: Label, id: String } = "not_found_then";
    NoRecord = "no_record";
    Stale = "stale";
    IfMatchRequired = "if_match_required";
    TooManyRequests { seconds: u64 } = "too_many_requests";
    Unavailable = "unavailable";
    Busy { seconds: u64 } = "busy";
    Internal = "internal";

    // ---- signing in, accounts, tokens ----
    LoginRequired = "login_required";
    AuthorizationInvalid = "authorization_invalid";
    UseBearer = "use_bearer";
    WrongCredentials = "wrong_credentials";
    RefreshInvalid = "refresh_invalid";
    AccessTokenExpired = "access_token_expired";
    AccessTokenInvalid = "access_token_invalid";
    AccessTokenRevoked = "access_token_revoked";
    AccountDisabled = "account_disabled";
    ApiTokenInvalid = "api_token_invalid";
    ApiTokenRevoked = "api_token_revoked";
    ApiTokenExpired = "api_token_expired";
    ApiTokenReadOnly = "api_token_read_only";
    ApiTokenCannotMakeTokens = "api_token_cannot_make_tokens";
    ApiTokenNameTaken { name: String } = "api_token_name_taken";
    PasswordLoginToChange = "password_login_to_change";
    PasswordTooShort { min: usize } = "password_too_short";
    PasswordTooLong { max: usize } = "password_too_long";
    PasswordHint { min: usize } = "password_hint";
    NotCurrentPassword = "not_current_password";
    RoleMayNot { role: Label } = "role_may_not";
    OtherScope = "other_scope";
    UsernameTaken { username: String } = "username_taken";
    Username = "username";
    ScopeNeeded { kind: Label } = "scope_needed";
    ScopeNotForRole { kind: Label } = "scope_not_for_role";

    // ---- tracking ----
    NoteRequired = "note_required";
    CompletedIs100 = "completed_is_100";
    EndBeforeStart = "end_before_start";
    SortKey = "sort_key";
    ReplanInstead { id: i64 } = "replan_instead";
    ProgressInstead { id: i64 } = "progress_instead";
    AreaFixed = "area_fixed";
    MinistryFixed = "ministry_fixed";
    GroupBy = "group_by";
    BulkItems { max: usize } = "bulk_items";
    BulkTwice = "bulk_twice";
    BulkStale { version: i64, current: i64 } = "bulk_stale";
    NotInArea { action: i64, area: String } = "not_in_area";
    DirectionIncreaseDecrease = "direction";
    ProgrammeLeadFixed = "programme_lead_fixed";
    MilestoneMoveReason = "milestone_move_reason";
    ReasonRequired = "reason_required";
    MilestoneReopenReason = "milestone_reopen_reason";
    MilestoneDoneReopenFirst = "milestone_done_reopen_first";
    MilestoneAlreadyDone = "milestone_already_done";
    MilestoneNotDone = "milestone_not_done";
    NotAfterCutOff = "not_after_cut_off";
    NotBeforeCutOff = "not_before_cut_off";
    IndicatorToDraw = "indicator_to_draw";
    ChartFormat { format: String } = "chart_format";
    ChartName { name: String, valid: Vec<String> } = "chart_name";

    // ---- sign-offs and reports ----
    SignoffApproveAdmin = "signoff_approve_admin";
    SignoffReopenApprovedAdmin = "signoff_reopen_approved_admin";
    SignoffReopenReason = "signoff_reopen_reason";
    SignoffClosed { period: String } = "signoff_closed";
    SignoffNothingToReopen { ministry: String } = "signoff_nothing_to_reopen";
    SignoffAlreadySubmitted { ministry: String } = "signoff_already_submitted";
    SignoffApprovedAlready { ministry: String } = "signoff_approved_already";
    SignoffAlreadyApproved { ministry: String } = "signoff_already_approved";
    SignoffNotSubmitted { ministry: String } = "signoff_not_submitted";
    SignoffMissingUpdates { missing: u32, ministry: String } = "signoff_missing_updates";
    DraftsUntilClosed { consultation: String, deadline: String } = "drafts_until_closed";
    NotAsked { consultation: String } = "not_asked";
    MaxBelowCount { municipality: String, count: usize } = "max_below_count";
    TagInUse { submission: i64, code: String } = "tag_in_use";
    ReopenUntil { deadline: String } = "reopen_until";
    LobbyNoteRequired = "lobby_note_required";
    SubmissionLimit { consultation: String, max: usize, municipality: String, count: usize } = "submission_limit";
    OrderEachOnce { municipality: String, count: usize, ids: String } = "order_each_once";
    NotInConsultation { kind: Label, value: String } = "not_in_consultation";
    ConsultationClosed { consultation: String, deadline: String } = "consultation_closed";
    ConsultationClosedReopened { consultation: String, deadline: String, until: String } = "consultation_closed_reopened";
    NoteFormat { value: String } = "note_format";
    LocalDateTime { zone: String } = "local_date_time";
    TimeTwice { local: String, zone: String, first: String, second: String } = "time_twice";
    TimeSkipped { local: String, zone: String } = "time_skipped";
    ReportAlreadyPublished { id: i64 } = "report_already_published";
    PeriodAlreadyPublished { period: String } = "period_already_published";
    ReportPublishedFixed { period: String, id: i64 } = "report_published_fixed";
    DraftBeforeCutOff { cut_off: NaiveDate } = "draft_before_cut_off";
    DraftSignoffChanged = "draft_signoff_changed";
    SignoffsNotApproved { waiting: Vec<String> } = "signoffs_not_approved";
    ReportFormat { value: String, valid: Vec<String> } = "report_format";
    ReportFileMissing { format: String, id: i64 } = "report_file_missing";

    // ---- the command line's files ----
    FileExists { path: String } = "file_exists";
    DemoPresent = "demo_present";
    DemoUsernameTaken { username: String } = "demo_username_taken";
    ScaleDataPresent = "scale_data_present";
    CannotWrite { path: String, detail: String } = "cannot_write";
    CannotRead { path: String, detail: String } = "cannot_read";
    NotAFile { path: String } = "not_a_file";
    NotSqlite { path: String, detail: String } = "not_sqlite";
    IntegrityCheckFailed { path: String } = "integrity_check_failed";
    NotOurDatabase { path: String } = "not_our_database";
    SchemaVersionDiffers { path: String, theirs: String, ours: String } = "schema_version_differs";
    ToolFailed { program: String, detail: String } = "tool_failed";
    FileNotUtf8 { line: usize } = "file_not_utf8";
    FileEmpty = "file_empty";
    FileNotWorkbook { detail: String } = "file_not_workbook";
    FileNoSheets = "file_no_sheets";
    SheetUnreadable { sheet: String, detail: String } = "sheet_unreadable";
    SheetEmpty { sheet: String } = "sheet_empty";
    FileNoActions = "file_no_actions";
    ColumnTwice { earlier: String, shown: String, field: String } = "column_twice";
    UnknownColumns { unknown: Vec<String>, known: Vec<String> } = "unknown_columns";
    MissingColumns { missing: Vec<String> } = "missing_columns";
    BudgetTwice { euros: String, cents: String } = "budget_twice";
    CellError { error: String } = "cell_error";
    NotADate { text: String } = "not_a_date";
    NotACalendarDay { text: String } = "not_a_calendar_day";
    NumberNotDate = "number_not_date";
    CellNotDate = "cell_not_date";
    NotAnAmount { text: String } = "not_an_amount";
    CellNotAmount = "cell_not_amount";
    TooManyDecimals { text: String } = "too_many_decimals";
    AmountTooLarge { text: String } = "amount_too_large";
    WholeCents = "whole_cents";
    NotWholeCents { text: String } = "not_whole_cents";
    UnnamedColumn = "unnamed_column";
    CellEmptyRequired = "cell_empty_required";
    TooManyForXlsx { count: usize } = "too_many_for_xlsx";

    // Hardening (issue 18)
    /// An actor who tries to disable their own account.
    CannotDisableYourself = "cannot_disable_yourself";
    /// An actor who tries to change their own role.
    CannotChangeOwnRole = "cannot_change_own_role";
    /// A change that would leave no active admin.
    LastActiveAdmin { username: String } = "last_active_admin";
    /// A password on the list of common passwords, or close to one (zxcvbn's own list too).
    PasswordCommon = "password_common";
    /// A password built on the user's own username or name.
    PasswordHasName = "password_has_name";
    /// A password of sequences, repeats, keyboard rows, years or dates.
    PasswordPattern = "password_pattern";
    /// A password that is too easy to guess for another reason (a word or two by themselves).
    PasswordGuessable = "password_guessable";
    /// Request headers over the limit (431).
    HeadersTooLarge { max: usize } = "headers_too_large";

    // Import limits (issue 18)
    FileTooLarge { max_mb: usize } = "file_too_large";
    FileOldExcel = "file_old_excel";
    WorkbookTooManyParts { max: usize } = "workbook_too_many_parts";
    WorkbookPartTooLarge { part: String, max_mb: usize } = "workbook_part_too_large";
    WorkbookTooLarge { max_mb: usize } = "workbook_too_large";
    WorkbookDoctype { part: String } = "workbook_doctype";
    WorkbookTokenTooLong { part: String, max_kb: usize } = "workbook_token_too_long";
    WorkbookTooManyTexts { max: usize } = "workbook_too_many_texts";
    WorkbookTooManyEntries { part: String, max: usize } = "workbook_too_many_entries";
    WorkbookStylesTooLarge = "workbook_styles_too_large";
    SheetBeyondLimits { sheet: String, dimension: String, last: String } = "sheet_beyond_limits";
    CellBeyondLimits { cell: String, last: String } = "cell_beyond_limits";
    FileRowsOverLimit { max: usize } = "file_rows_over_limit";
    CellTooLong { cell: String, bytes: usize, max: usize } = "cell_too_long";
    FileTooMuchText { max_mb: usize } = "file_too_much_text";
}
