//! The English table: every message code and every label, with `{name}` where a parameter goes.
//! Keep it in the order of `messages.rs`; the tests say what is missing or left over.

pub const TEXTS: &[(&str, &str)] = &[
    // ---- problem titles (problem+json `title`) ----
    ("title.validation", "Invalid input"),
    ("title.bad_request", "Bad request"),
    ("title.not_found", "Not found"),
    ("title.payload_too_large", "Request body too large"),
    ("title.conflict", "Conflict"),
    ("title.unauthorized", "Authentication required"),
    ("title.forbidden", "Forbidden"),
    ("title.precondition_failed", "Changed by someone else"),
    ("title.precondition_required", "If-Match required"),
    ("title.method_not_allowed", "Method not allowed"),
    ("title.too_many_requests", "Too many requests"),
    ("title.unavailable", "Service unavailable"),
    ("title.busy", "Busy"),
    ("title.internal", "Internal error"),
    // ---- the input of one field ----
    ("required", "is required"),
    ("length", "must be {min} to {max} characters"),
    ("too_long", "must be at most {max} characters"),
    ("between", "must be between {min} and {max}"),
    ("not_negative", "must not be negative"),
    ("whole_number", "must be a whole number"),
    ("number", "must be a finite number"),
    ("date", "must be a date (YYYY-MM-DD)"),
    (
        "date_or_date_time",
        "must be a date (2021-03-31) or a date-time (2021-03-31T18:00:00Z)",
    ),
    ("years", "must lie in the years {from} to {to}"),
    ("year_from", "must be in the year {from} or later"),
    ("not_in_future", "must not be in the future"),
    (
        "one_of",
        "unknown value `{value}`, expected one of: {valid}",
    ),
    ("unknown", "unknown {kind} `{value}`"),
    (
        "unknown_choice",
        "unknown {kind} `{value}`; choose from: {valid}",
    ),
    (
        "name_and_code_differ",
        "`{name}` is not what the code `{code}` in column {code_column} stands for; change one of them or empty one",
    ),
    ("choose", "choose a {kind}"),
    ("choose_at_least_one", "name at least one {kind}"),
    ("listed_twice", "`{value}` is listed twice"),
    ("unknown_field", "is not a field of this request"),
    ("invalid_value", "{detail}"),
    (
        "slug",
        "must be 1 to {max} lower-case letters, digits and dashes",
    ),
    (
        "ministry_code",
        "must be 1 to 20 letters or digits, e.g. BZK",
    ),
    ("email", "must be an e-mail address"),
    (
        "cannot_change",
        "cannot be changed: other records and links use it",
    ),
    ("in_use", "`{value}` is already in use"),
    ("duplicate", "another record already has this value"),
    (
        "duplicate_record",
        "another record already has these values",
    ),
    (
        "referenced",
        "the record refers to, or is referred to by, another record",
    ),
    (
        "outside_database_range",
        "a value is outside what the database allows",
    ),
    ("invalid_fields", "{count} fields are not valid"),
    // ---- requests ----
    (
        "query_too_long",
        "the query string is longer than {max} bytes",
    ),
    (
        "body_too_large",
        "the request body is larger than {max} bytes",
    ),
    (
        "body_not_json",
        "the request body must be JSON (Content-Type: application/json)",
    ),
    ("body_unreadable", "the request body could not be read"),
    (
        "body_invalid_json",
        "the request body is not valid JSON: {detail}",
    ),
    (
        "body_trailing_data",
        "the request body has data after the JSON value",
    ),
    ("form_expected", "this page takes a form"),
    ("form_too_large", "the form is too large"),
    ("no_resource", "no resource at {path}"),
    (
        "method_not_allowed",
        "this URL does not take this method; it takes {allowed}",
    ),
    ("not_found", "{kind} {id} not found"),
    ("not_found_then", "{kind} {id} did not exist at that moment"),
    ("no_record", "the record was not found"),
    (
        "stale",
        "the resource was changed by someone else; reload it and try again",
    ),
    (
        "if_match_required",
        "this change needs an If-Match header with the resource's current ETag",
    ),
    (
        "too_many_requests",
        "too many attempts; wait {seconds} s, then try again",
    ),
    ("unavailable", "the database is not reachable at the moment"),
    (
        "busy",
        "the server is busy rendering; try again in {seconds} seconds",
    ),
    (
        "internal",
        "the server could not complete the request; it has been logged",
    ),
    // ---- signing in, accounts, tokens ----
    (
        "login_required",
        "log in first: send Authorization: Bearer <token>",
    ),
    (
        "authorization_invalid",
        "the Authorization header is not valid",
    ),
    ("use_bearer", "use Authorization: Bearer <token>"),
    ("wrong_credentials", "wrong username or password"),
    (
        "refresh_invalid",
        "the refresh token is not valid; log in again",
    ),
    ("access_token_expired", "the access token has expired"),
    ("access_token_invalid", "the access token is not valid"),
    ("access_token_revoked", "the access token has been revoked"),
    ("account_disabled", "this account is disabled"),
    ("api_token_invalid", "the API token is not valid"),
    ("api_token_revoked", "the API token has been revoked"),
    ("api_token_expired", "the API token has expired"),
    ("api_token_read_only", "this API token may only read"),
    (
        "api_token_cannot_make_tokens",
        "an API token cannot create API tokens",
    ),
    (
        "api_token_name_taken",
        "you already have a token named `{name}`",
    ),
    (
        "password_login_to_change",
        "log in with your password to change it",
    ),
    (
        "password_too_short",
        "the password must be at least {min} characters",
    ),
    (
        "password_too_long",
        "the password must be at most {max} characters",
    ),
    (
        "password_hint",
        "At least {min} characters and hard to guess: a sentence of a few words works well.",
    ),
    ("not_current_password", "is not your current password"),
    ("role_may_not", "a {role} user may not do this"),
    (
        "other_scope",
        "this belongs to another ministry or municipality",
    ),
    ("username_taken", "the username `{username}` is taken"),
    ("username", "may contain only letters, digits and . _ - @"),
    ("scope_needed", "a {kind} user needs a {kind}"),
    ("scope_not_for_role", "only {kind} users have a {kind}"),
    // ---- tracking ----
    (
        "note_required",
        "explain an oranje, rood or stopped status in a note",
    ),
    ("completed_is_100", "must be 100 for a completed action"),
    ("end_before_start", "must not be before the planned start"),
    (
        "sort_key",
        "must be one of id, title, area, status, percent_complete, planned_end, updated_at (with - for descending)",
    ),
    (
        "replan_instead",
        "re-plan with POST /api/v1/actions/{id}/baselines",
    ),
    (
        "progress_instead",
        "post a progress update to /api/v1/actions/{id}/updates",
    ),
    (
        "area_fixed",
        "cannot be changed; create the action in the other area",
    ),
    (
        "ministry_fixed",
        "cannot be changed; the other ministry creates its own action",
    ),
    (
        "group_by",
        "must be one of area, municipality, ministry, theme, programme, target_group",
    ),
    ("bulk_items", "must hold 1 to {max} updates"),
    ("bulk_twice", "appears twice in one bulk update"),
    (
        "bulk_stale",
        "the action changed since version {version}; it is at {current}",
    ),
    ("not_in_area", "no action {action} in area `{area}`"),
    ("direction", "must be `increase` or `decrease`"),
    (
        "programme_lead_fixed",
        "cannot be changed; create a programme for the other ministry",
    ),
    ("milestone_move_reason", "say why the milestone moves"),
    (
        "reason_required",
        "say why: a change of the budget, a target value or a target date needs a reason",
    ),
    (
        "milestone_reopen_reason",
        "say why the milestone is reopened",
    ),
    (
        "milestone_done_reopen_first",
        "the milestone is done; reopen it before rescheduling",
    ),
    ("milestone_already_done", "the milestone is already done"),
    ("milestone_not_done", "the milestone is not done"),
    ("not_after_cut_off", "must not be after the cut-off"),
    ("not_before_cut_off", "must not be before the cut-off"),
    ("indicator_to_draw", "name the indicator to draw"),
    ("chart_format", "chart format `{format}`; use .svg or .png"),
    (
        "chart_name",
        "chart `{name}` not found; the charts are {valid}",
    ),
    // ---- sign-offs and reports ----
    (
        "signoff_approve_admin",
        "only the programme office (an admin) approves a sign-off",
    ),
    (
        "signoff_reopen_approved_admin",
        "an approved sign-off is reopened by the programme office (an admin)",
    ),
    ("signoff_reopen_reason", "say why the sign-off is reopened"),
    (
        "signoff_closed",
        "the report of `{period}` is published; its sign-offs are closed",
    ),
    (
        "signoff_nothing_to_reopen",
        "{ministry} has nothing submitted to reopen",
    ),
    (
        "signoff_already_submitted",
        "{ministry} has already submitted",
    ),
    (
        "signoff_approved_already",
        "{ministry}'s sign-off is approved; the programme office can reopen it",
    ),
    ("signoff_already_approved", "{ministry} is already approved"),
    (
        "signoff_not_submitted",
        "{ministry} has not submitted its updates yet",
    ),
    (
        "signoff_missing_updates",
        "{missing} of {ministry}'s actions have no update in this period: add them first, or explain in a note why you submit without them",
    ),
    (
        "drafts_until_closed",
        "the submissions are drafts until consultation `{consultation}` closes, {deadline}",
    ),
    (
        "not_asked",
        "this municipality is not asked in consultation `{consultation}`",
    ),
    (
        "max_below_count",
        "{municipality} already has {count} submissions; the maximum cannot go below that",
    ),
    (
        "tag_in_use",
        "submission {submission} uses `{code}`; it cannot be removed",
    ),
    (
        "reopen_until",
        "must be later than now and than the deadline, {deadline}",
    ),
    ("lobby_note_required", "say what national help is needed"),
    (
        "submission_limit",
        "consultation `{consultation}` takes at most {max} submissions per municipality and {municipality} has {count}; change or re-rank one instead",
    ),
    (
        "order_each_once",
        "must list each of {municipality}'s {count} submissions exactly once: {ids}",
    ),
    (
        "not_in_consultation",
        "{kind} `{value}` is not part of this consultation",
    ),
    (
        "consultation_closed",
        "consultation `{consultation}` closed at its deadline, {deadline}; ask the programme office to accept a late submission",
    ),
    (
        "consultation_closed_reopened",
        "consultation `{consultation}` closed at its deadline, {deadline}; ask the programme office to accept a late submission (it was reopened until {until})",
    ),
    (
        "note_format",
        "unknown format `{value}`, expected md, pdf or xlsx",
    ),
    (
        "local_date_time",
        "must be a local date-time in {zone} like 2020-05-06T18:00:00, or one with an offset like 2020-05-06T18:00:00+02:00",
    ),
    (
        "time_twice",
        "{local} happens twice in {zone} (the clocks go back): give the offset, {first} or {second}",
    ),
    (
        "time_skipped",
        "{local} does not exist in {zone} (the clocks go forward): choose another time",
    ),
    (
        "report_already_published",
        "report {id} is already published",
    ),
    (
        "period_already_published",
        "period `{period}` already has a published report",
    ),
    (
        "report_published_fixed",
        "the report of `{period}` is published (report {id}) and cannot change; corrections appear in the next period's report",
    ),
    (
        "draft_before_cut_off",
        "this draft shows the state before the cut-off ({cut_off}) had passed; generate a new draft now",
    ),
    (
        "draft_signoff_changed",
        "a ministry's sign-off changed after this draft was made; generate a new draft",
    ),
    (
        "signoffs_not_approved",
        "not every ministry's sign-off is approved (vastgesteld): {waiting}",
    ),
    (
        "report_format",
        "unknown format `{value}`; the formats are {valid}",
    ),
    ("report_file_missing", "report {id} has no {format} file"),
    // ---- the command line's files ----
    ("file_exists", "{path} exists; choose a new file"),
    ("demo_present", "demo data is already present"),
    (
        "demo_username_taken",
        "the demo needs the username `{username}`, which is taken",
    ),
    (
        "scale_data_present",
        "the database already holds programmes or actions; seed --scale needs a database without them",
    ),
    ("cannot_write", "cannot write {path}: {detail}"),
    ("cannot_read", "cannot read {path}: {detail}"),
    ("not_a_file", "{path} is not a file"),
    ("not_sqlite", "{path} is not a SQLite database: {detail}"),
    (
        "integrity_check_failed",
        "{path} fails SQLite's integrity check",
    ),
    (
        "not_our_database",
        "{path} is not a Versnellingsmonitor database",
    ),
    (
        "schema_version_differs",
        "{path} has schema version {theirs}, this program {ours}: migrate one of them first",
    ),
    ("tool_failed", "{program} failed: {detail}"),
    (
        "file_not_utf8",
        "is not UTF-8 text (line {line}); in Excel save it as \"CSV UTF-8\", or export it as .xlsx",
    ),
    (
        "file_empty",
        "is empty; it needs a header row and a row per action",
    ),
    ("file_not_workbook", "is not a readable workbook: {detail}"),
    ("file_no_sheets", "has no worksheets"),
    (
        "sheet_unreadable",
        "sheet `{sheet}` cannot be read: {detail}",
    ),
    (
        "sheet_empty",
        "sheet `{sheet}` is empty; it needs a header row and a row per action",
    ),
    ("file_no_actions", "has no actions below its header row"),
    (
        "column_twice",
        "`{earlier}` and `{shown}` are the same column ({field}); keep one",
    ),
    (
        "unknown_columns",
        "unknown column {unknown}; the columns are {known} (and export-only ones such as id and status, which are ignored)",
    ),
    ("missing_columns", "missing column {missing}"),
    (
        "budget_twice",
        "`{euros}` and `{cents}` both give the budget; keep one",
    ),
    ("cell_error", "holds the error {error}"),
    (
        "not_a_date",
        "`{text}` is not a date; use 2021-03-31 or 31-03-2021",
    ),
    (
        "not_a_calendar_day",
        "`{text}` is not a day in the calendar",
    ),
    (
        "number_not_date",
        "is a number, not a date; format the cell as a date or use 2021-03-31 or 31-03-2021",
    ),
    (
        "cell_not_date",
        "is not a date; use 2021-03-31 or 31-03-2021",
    ),
    (
        "not_an_amount",
        "`{text}` is not an amount; write euros as 12500, 12.500,50 or 12500.50",
    ),
    (
        "cell_not_amount",
        "is not an amount; write euros as 12500, 12.500,50 or 12500.50",
    ),
    (
        "too_many_decimals",
        "`{text}` has more than two decimals; a budget is in whole cents",
    ),
    ("amount_too_large", "`{text}` is too large for a budget"),
    (
        "whole_cents",
        "must be a whole number of cents, e.g. 1250050 for € 12.500,50",
    ),
    (
        "not_whole_cents",
        "`{text}` is not a whole number of cents, e.g. 1250050 for € 12.500,50",
    ),
    (
        "unnamed_column",
        "has a value, but the column has no name in the header row",
    ),
    ("cell_empty_required", "is empty; every action needs one"),
    (
        "too_many_for_xlsx",
        "{count} actions do not fit in one XLSX sheet; narrow the filter or export CSV",
    ),
    // ---- labels ----
    ("label.action", "action"),
    ("label.api_token", "API token"),
    ("label.area", "area"),
    ("label.aspect", "aspect"),
    ("label.chart", "chart"),
    ("label.consultation", "consultation"),
    ("label.indicator", "indicator"),
    ("label.milestone", "milestone"),
    ("label.ministry", "ministry"),
    ("label.municipality", "municipality"),
    ("label.period", "report period"),
    ("label.programme", "programme"),
    ("label.report", "report"),
    ("label.static_file", "static file"),
    ("label.status", "status"),
    ("label.submission", "submission"),
    ("label.target_group", "target group"),
    ("label.theme", "theme"),
    ("label.user", "user"),
    ("label.role_admin", "programme office"),
    ("label.role_ministry", "ministry"),
    ("label.role_municipality", "municipality"),
    ("label.role_viewer", "viewer"),
    // Hardening (issue 18)
    (
        "cannot_disable_yourself",
        "you cannot disable your own account; ask another admin",
    ),
    (
        "cannot_change_own_role",
        "you cannot change your own role; ask another admin",
    ),
    (
        "last_active_admin",
        "`{username}` is the last active admin: there must always be an active user with the programme office role; make someone else an admin first",
    ),
    (
        "password_common",
        "this password is too easy to guess: it is a commonly used password or close to one; choose a sentence of a few unlikely words",
    ),
    (
        "password_has_name",
        "this password is too easy to guess: it contains the username or the name; choose a sentence of a few words that have nothing to do with the user",
    ),
    (
        "password_pattern",
        "this password is too easy to guess: it is made of a sequence, repetition, keyboard pattern, year or date; choose a sentence of a few words",
    ),
    (
        "password_guessable",
        "this password is too easy to guess; use a longer sentence of a few unlikely words",
    ),
    (
        "headers_too_large",
        "the request's headers add up to more than {max} bytes",
    ),
    ("title.headers_too_large", "Headers too large"),
    // Import limits (issue 18)
    (
        "file_too_large",
        "is larger than {max_mb} MB, the most one import reads; split the list over several files",
    ),
    (
        "file_old_excel",
        "is an old Excel workbook (.xls); save it as an Excel workbook (.xlsx) or as CSV UTF-8",
    ),
    (
        "workbook_too_many_parts",
        "is a workbook of more than {max} parts; a list of actions has far fewer",
    ),
    (
        "workbook_part_too_large",
        "unpacks part `{part}` to more than {max_mb} MB; a list of actions is far smaller",
    ),
    (
        "workbook_too_large",
        "unpacks to more than {max_mb} MB; a list of actions is far smaller",
    ),
    (
        "workbook_doctype",
        "part `{part}` has a DOCTYPE (XML entities), which a spreadsheet program never writes; the file is not read",
    ),
    (
        "workbook_token_too_long",
        "part `{part}` has a tag, comment or text of more than {max_kb} KB, which a spreadsheet program never writes; the file is not read",
    ),
    (
        "workbook_too_many_texts",
        "holds more than {max} different texts, more than an import reads; split the list",
    ),
    (
        "workbook_too_many_entries",
        "holds more than {max} sheets, names or references in `{part}`; a list of actions has only a few",
    ),
    (
        "workbook_styles_too_large",
        "has more or larger cell styles than an import reads; copy the list into a new workbook, or save it as CSV UTF-8",
    ),
    (
        "sheet_beyond_limits",
        "sheet `{sheet}` spans {dimension}; an import reads up to cell {last}: delete the rows and columns beyond it, or split the list",
    ),
    (
        "cell_beyond_limits",
        "has a cell at {cell}, beyond {last}, the last cell an import reads: delete the rows and columns beyond it, or split the list",
    ),
    (
        "file_rows_over_limit",
        "has more than {max} rows of actions; one import takes at most {max}, split the file",
    ),
    (
        "cell_too_long",
        "cell {cell} holds more than {bytes} bytes of text; no value of an action is longer than {max} characters",
    ),
    (
        "file_too_much_text",
        "holds more than {max_mb} MB of text in its cells; split the list",
    ),
];
