// @generated from the migrations by `UPDATE_SCHEMA=1 cargo test --test it schema`; do not edit.
// The schema test fails when SQLite or PostgreSQL migrations no longer produce this file.

diesel::table! {
    action_target_groups (action_id, target_group_id) {
        action_id -> BigInt,
        target_group_id -> BigInt,
    }
}

diesel::table! {
    actions (id) {
        id -> BigInt,
        area_id -> BigInt,
        programme_id -> Nullable<BigInt>,
        theme_id -> BigInt,
        ministry_id -> BigInt,
        title -> Text,
        description -> Text,
        responsible -> Text,
        budget_cents -> Nullable<BigInt>,
        planned_start -> Date,
        planned_end -> Date,
        status -> Text,
        percent_complete -> Integer,
        last_update_at -> Nullable<Timestamp>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        prefix -> Text,
        token_hash -> Text,
        access -> Text,
        expires_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    areas (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        municipality_id -> BigInt,
        latitude -> Double,
        longitude -> Double,
        focus_since -> Date,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    aspects (id) {
        id -> BigInt,
        code -> Text,
        name_nl -> Text,
        name_en -> Text,
        description -> Text,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        recorded_at -> Timestamp,
        user_id -> Nullable<BigInt>,
        actor -> Text,
        operation -> Text,
        entity_type -> Text,
        entity_id -> Nullable<Text>,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
        request_id -> Nullable<Text>,
    }
}

diesel::table! {
    baselines (id) {
        id -> BigInt,
        action_id -> BigInt,
        seq -> Integer,
        planned_start -> Date,
        planned_end -> Date,
        budget_cents -> Nullable<BigInt>,
        target_note -> Text,
        reason -> Text,
        recorded_at -> Timestamp,
        recorded_by -> Nullable<BigInt>,
        from_budget_edit -> Bool,
    }
}

diesel::table! {
    consultation_aspects (consultation_id, aspect_id) {
        consultation_id -> BigInt,
        aspect_id -> BigInt,
    }
}

diesel::table! {
    consultation_municipalities (consultation_id, municipality_id) {
        consultation_id -> BigInt,
        municipality_id -> BigInt,
    }
}

diesel::table! {
    consultation_target_groups (consultation_id, target_group_id) {
        consultation_id -> BigInt,
        target_group_id -> BigInt,
    }
}

diesel::table! {
    consultations (id) {
        id -> BigInt,
        code -> Text,
        title -> Text,
        question -> Text,
        deadline_at -> Timestamp,
        time_zone -> Text,
        max_submissions -> Integer,
        contact_name -> Text,
        contact_email -> Text,
        reopened_until -> Nullable<Timestamp>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    data_migrations (name) {
        name -> Text,
        done_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    data_version (shard) {
        shard -> BigInt,
        n -> BigInt,
    }
}

diesel::table! {
    indicator_values (id) {
        id -> BigInt,
        indicator_id -> BigInt,
        measured_on -> Date,
        value -> Double,
        note -> Text,
        recorded_at -> Timestamp,
        recorded_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    indicators (id) {
        id -> BigInt,
        action_id -> BigInt,
        name -> Text,
        unit -> Text,
        direction -> Text,
        baseline_value -> Double,
        target_value -> Double,
        target_date -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    local_notes (id) {
        id -> BigInt,
        area_id -> BigInt,
        action_id -> Nullable<BigInt>,
        body -> Text,
        author_id -> Nullable<BigInt>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    login_throttle (key_hash) {
        key_hash -> Text,
        attempts -> Integer,
        window_started_at -> Timestamp,
        next_allowed_at -> Timestamp,
        trusted_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    milestone_events (id) {
        id -> BigInt,
        milestone_id -> BigInt,
        kind -> Text,
        due_date -> Date,
        done_on -> Nullable<Date>,
        note -> Text,
        recorded_at -> Timestamp,
        recorded_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    milestones (id) {
        id -> BigInt,
        action_id -> BigInt,
        title -> Text,
        description -> Text,
        report_period_id -> Nullable<BigInt>,
        original_due_date -> Date,
        due_date -> Date,
        done_on -> Nullable<Date>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    ministers (id) {
        id -> BigInt,
        ministry_id -> BigInt,
        name -> Text,
        title -> Text,
        portfolio -> Text,
        active_from -> Date,
        active_until -> Nullable<Date>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    ministries (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    municipalities (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        province -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    period_signoffs (id) {
        id -> BigInt,
        report_period_id -> BigInt,
        ministry_id -> BigInt,
        state -> Text,
        note -> Text,
        user_id -> Nullable<BigInt>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    programmes (id) {
        id -> BigInt,
        code -> Text,
        title -> Text,
        description -> Text,
        theme_id -> BigInt,
        lead_ministry_id -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    progress_updates (id) {
        id -> BigInt,
        action_id -> BigInt,
        status -> Text,
        percent_complete -> Integer,
        note -> Text,
        author_id -> Nullable<BigInt>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        family -> Text,
        token_hash -> Text,
        auth_epoch -> BigInt,
        issued_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    report_files (report_id, format) {
        report_id -> BigInt,
        format -> Text,
        content -> Binary,
        sha256 -> Text,
    }
}

diesel::table! {
    report_periods (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        starts_on -> Nullable<Date>,
        cut_off -> Date,
        due_date -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    reports (id) {
        id -> BigInt,
        report_period_id -> BigInt,
        state -> Text,
        as_of -> Timestamp,
        content_hash -> Text,
        snapshot_json -> Text,
        generated_at -> Timestamp,
        generated_by -> Nullable<BigInt>,
        published_at -> Nullable<Timestamp>,
        published_by -> Nullable<BigInt>,
        version -> BigInt,
        totals_json -> Nullable<Text>,
        renderer_version -> Integer,
    }
}

diesel::table! {
    revoked_access_tokens (jti) {
        jti -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    scheduled_jobs (name) {
        name -> Text,
        runs -> BigInt,
        last_started_at -> Nullable<Timestamp>,
        last_finished_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        last_instance -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    signing_keys (kid) {
        kid -> Text,
        secret -> Text,
        created_at -> Timestamp,
        retired_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    submission_actions (submission_id, action_id) {
        submission_id -> BigInt,
        action_id -> BigInt,
    }
}

diesel::table! {
    submission_aspects (submission_id, aspect_id) {
        submission_id -> BigInt,
        aspect_id -> BigInt,
    }
}

diesel::table! {
    submission_target_groups (submission_id, target_group_id) {
        submission_id -> BigInt,
        target_group_id -> BigInt,
    }
}

diesel::table! {
    submissions (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        municipality_id -> BigInt,
        rank -> Integer,
        title -> Text,
        description -> Text,
        kind -> Text,
        stage -> Text,
        lobby_needed -> Bool,
        lobby_note -> Text,
        contact -> Text,
        late -> Bool,
        accepted_by -> Nullable<BigInt>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    target_groups (id) {
        id -> BigInt,
        code -> Text,
        name_nl -> Text,
        name_en -> Text,
    }
}

diesel::table! {
    themes (id) {
        id -> BigInt,
        code -> Text,
        name_nl -> Text,
        name_en -> Text,
        description -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        username_key -> Text,
        display_name -> Text,
        password_hash -> Text,
        role -> Text,
        ministry_id -> Nullable<BigInt>,
        municipality_id -> Nullable<BigInt>,
        disabled -> Bool,
        auth_epoch -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    versions (id) {
        id -> BigInt,
        entity_type -> Text,
        entity_key -> Text,
        recorded_at -> Timestamp,
        state_json -> Nullable<Text>,
        reason -> Text,
        recorded_by -> Nullable<BigInt>,
        audit_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    web_sessions (id) {
        id -> BigInt,
        session_hash -> Text,
        user_id -> BigInt,
        csrf_token -> Text,
        auth_epoch -> BigInt,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(action_target_groups -> actions (action_id));
diesel::joinable!(action_target_groups -> target_groups (target_group_id));
diesel::joinable!(actions -> areas (area_id));
diesel::joinable!(actions -> ministries (ministry_id));
diesel::joinable!(actions -> programmes (programme_id));
diesel::joinable!(actions -> themes (theme_id));
diesel::joinable!(actions -> users (created_by));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(areas -> municipalities (municipality_id));
diesel::joinable!(audit_log -> users (user_id));
diesel::joinable!(baselines -> actions (action_id));
diesel::joinable!(baselines -> users (recorded_by));
diesel::joinable!(consultation_aspects -> aspects (aspect_id));
diesel::joinable!(consultation_aspects -> consultations (consultation_id));
diesel::joinable!(consultation_municipalities -> consultations (consultation_id));
diesel::joinable!(consultation_municipalities -> municipalities (municipality_id));
diesel::joinable!(consultation_target_groups -> consultations (consultation_id));
diesel::joinable!(consultation_target_groups -> target_groups (target_group_id));
diesel::joinable!(consultations -> users (created_by));
diesel::joinable!(indicator_values -> indicators (indicator_id));
diesel::joinable!(indicator_values -> users (recorded_by));
diesel::joinable!(indicators -> actions (action_id));
diesel::joinable!(local_notes -> actions (action_id));
diesel::joinable!(local_notes -> areas (area_id));
diesel::joinable!(local_notes -> users (author_id));
diesel::joinable!(milestone_events -> milestones (milestone_id));
diesel::joinable!(milestone_events -> users (recorded_by));
diesel::joinable!(milestones -> actions (action_id));
diesel::joinable!(milestones -> report_periods (report_period_id));
diesel::joinable!(milestones -> users (created_by));
diesel::joinable!(ministers -> ministries (ministry_id));
diesel::joinable!(period_signoffs -> ministries (ministry_id));
diesel::joinable!(period_signoffs -> report_periods (report_period_id));
diesel::joinable!(period_signoffs -> users (user_id));
diesel::joinable!(programmes -> ministries (lead_ministry_id));
diesel::joinable!(programmes -> themes (theme_id));
diesel::joinable!(progress_updates -> actions (action_id));
diesel::joinable!(progress_updates -> users (author_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(report_files -> reports (report_id));
diesel::joinable!(reports -> report_periods (report_period_id));
diesel::joinable!(submission_actions -> actions (action_id));
diesel::joinable!(submission_actions -> submissions (submission_id));
diesel::joinable!(submission_aspects -> aspects (aspect_id));
diesel::joinable!(submission_aspects -> submissions (submission_id));
diesel::joinable!(submission_target_groups -> submissions (submission_id));
diesel::joinable!(submission_target_groups -> target_groups (target_group_id));
diesel::joinable!(submissions -> consultations (consultation_id));
diesel::joinable!(submissions -> municipalities (municipality_id));
diesel::joinable!(users -> ministries (ministry_id));
diesel::joinable!(users -> municipalities (municipality_id));
diesel::joinable!(versions -> users (recorded_by));
diesel::joinable!(web_sessions -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    action_target_groups,
    actions,
    api_tokens,
    areas,
    aspects,
    audit_log,
    baselines,
    consultation_aspects,
    consultation_municipalities,
    consultation_target_groups,
    consultations,
    data_migrations,
    data_version,
    indicator_values,
    indicators,
    local_notes,
    login_throttle,
    milestone_events,
    milestones,
    ministers,
    ministries,
    municipalities,
    period_signoffs,
    programmes,
    progress_updates,
    refresh_tokens,
    report_files,
    report_periods,
    reports,
    revoked_access_tokens,
    scheduled_jobs,
    signing_keys,
    submission_actions,
    submission_aspects,
    submission_target_groups,
    submissions,
    target_groups,
    themes,
    users,
    versions,
    web_sessions,
);
