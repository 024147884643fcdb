//! Every string of the dashboard in Dutch (the default) and English, side by side so neither
//! language can miss one; dates in Dutch style (`1 december 2026`), times in Europe/Amsterdam.

use crate::domain::{ActionStatus, Role};

pub use crate::i18n::Lang;

/// The page texts of a language, and its words for statuses and roles. (`Lang` itself lives in
/// `domain`; these inherent methods belong with the page texts.)
impl Lang {
    pub fn texts(self) -> &'static Texts {
        match self {
            Self::Nl => &NL,
            Self::En => &EN,
        }
    }

    /// The stoplicht word of a status, always shown as text (never colour alone).
    pub fn status(self, status: ActionStatus) -> &'static str {
        status.word(self)
    }

    /// What a role is called (`programmabureau`), from the message tables.
    pub fn role(self, role: Role) -> &'static str {
        crate::i18n::Label::from(role).text(self)
    }
}

macro_rules! texts {
    ($($name:ident: $nl:literal, $en:literal;)*) => {
        /// The strings of the dashboard in one language.
        #[derive(Debug)]
        pub struct Texts { $(pub $name: &'static str,)* }
        /// Nederlands.
        pub const NL: Texts = Texts { $($name: $nl,)* };
        /// English.
        pub const EN: Texts = Texts { $($name: $en,)* };
    };
}

texts! {
    // layout
    skip_link: "Direct naar de inhoud", "Skip to content";
    other_language: "English", "Nederlands";
    nav_label: "Hoofdmenu", "Main menu";
    menu: "Menu", "Menu";
    logout: "Uitloggen", "Log out";
    footer: "Versnellingsmonitor — voortgang van de versnellingsacties in de stedelijke vernieuwingsgebieden", "Versnellingsmonitor — progress of the acceleration actions in the urban renewal areas";
    nav_overview: "Overzicht", "Overview";
    nav_my_ministry: "Mijn ministerie", "My ministry";
    nav_consultations: "Raadplegingen", "Consultations";
    nav_admin: "Beheer", "Administration";
    // errors
    error_title: "Er ging iets mis", "Something went wrong";
    error_forbidden_title: "Geen toegang", "No access";
    error_not_found_title: "Niet gevonden", "Not found";
    error_status: "Foutcode", "Error code";
    error_forbidden: "U mag dit niet doen met uw rol of voor deze organisatie.", "Your role or organisation does not allow this.";
    error_not_found: "Deze pagina of dit gegeven bestaat niet.", "This page or item does not exist.";
    error_stale: "Iemand anders heeft dit intussen gewijzigd. Laad de pagina opnieuw en probeer het nog eens.", "Someone else changed this in the meantime. Reload the page and try again.";
    error_too_many: "Te veel pogingen. Wacht even en probeer het opnieuw.", "Too many attempts. Wait a moment and try again.";
    error_busy: "De dienst is even bezet. Probeer het zo opnieuw.", "The service is busy. Try again shortly.";
    error_bad_request: "Het verzoek is niet geldig.", "The request is not valid.";
    error_internal: "Er ging aan onze kant iets mis. Probeer het later opnieuw.", "Something went wrong on our side. Try again later.";
    error_csrf: "Dit formulier is verlopen of komt niet van deze site. Laad de pagina opnieuw en probeer het nog eens.", "This form has expired or did not come from this site. Reload the page and try again.";
    error_summary: "Controleer het formulier", "Please check the form";
    stale_form: "Iemand anders heeft dit intussen gewijzigd; uw invoer is niet opgeslagen. Bekijk de nieuwe stand en probeer het opnieuw.", "Someone else changed this in the meantime; your input was not saved. Look at the new state and try again.";
    back_to_overview: "Naar het overzicht", "Back to the overview";
    // login
    login_title: "Inloggen", "Log in";
    login: "Inloggen", "Log in";
    username: "Gebruikersnaam", "Username";
    password: "Wachtwoord", "Password";
    login_failed: "Gebruikersnaam of wachtwoord klopt niet.", "Wrong username or password.";
    // overview
    overview_title: "Overzicht versnellingsacties", "Overview of the acceleration actions";
    totals: "Totalen", "Totals";
    actions: "Acties", "Actions";
    on_schedule: "Op schema", "On schedule";
    percent_complete: "Gereed (%)", "Complete (%)";
    milestones_due: "Mijlpalen tot nu", "Milestones due";
    milestones_late: "Mijlpalen te laat", "Milestones late";
    late_original: "Te laat t.o.v. oorspronkelijk plan", "Late against the original plan";
    late_current: "Te laat t.o.v. huidig plan", "Late against the current plan";
    map_title: "Kaart van de gebieden", "Map of the areas";
    map_alt: "Kaart van Nederland met per gebied een stip in de kleur van het slechtste stoplicht; de cijfers staan in de tabel hierna.", "Map of the Netherlands with a dot per area in the colour of its worst traffic light; the numbers are in the table that follows.";
    downloads_title: "Downloaden", "Download";
    download_xlsx: "De acties als Excel-werkmap (.xlsx)", "The actions as an Excel workbook (.xlsx)";
    download_csv: "De acties als CSV voor Excel (met puntkomma's)", "The actions as CSV (comma-separated)";
    chart_table_follows: "De cijfers van deze grafiek staan in de tabel.", "The numbers of this chart are in the table.";
    areas_table_caption: "Stoplichten per gebied", "Traffic lights per area";
    area: "Gebied", "Area";
    matrix_title: "Gebied × thema", "Area × theme";
    matrix_caption: "Slechtste stoplicht per gebied en thema, met het aantal acties", "Worst traffic light per area and theme, with the number of actions";
    matrix_hint: "Een cel toont het slechtste stoplicht van de acties in dat gebied en thema; tussen haakjes het aantal acties.", "A cell shows the worst traffic light of the actions in that area and theme; the number of actions in brackets.";
    none: "geen", "none";
    ministries: "Ministeries", "Ministries";
    ministry: "Ministerie", "Ministry";
    ministries_table_caption: "Stoplichten per ministerie", "Traffic lights per ministry";
    what_changed: "Wat is er veranderd", "What changed";
    no_updates: "Nog geen voortgangsberichten.", "No progress updates yet.";
    // area
    municipality: "Gemeente", "Municipality";
    province: "Provincie", "Province";
    status_by_ministry: "Stand per ministerie", "Status per ministry";
    ministry_chart_alt: "Staafdiagram van de stoplichten per ministerie in dit gebied; de cijfers staan in de tabel hierna.", "Bar chart of the traffic lights per ministry in this area; the numbers are in the table that follows.";
    actions_by_theme: "Acties per thema", "Actions by theme";
    no_actions: "Er zijn hier nog geen acties.", "There are no actions here yet.";
    action: "Actie", "Action";
    status: "Status", "Status";
    planned_end: "Gepland einde", "Planned end";
    planned_start: "Geplande start", "Planned start";
    originally: "oorspronkelijk", "originally";
    milestones: "Mijlpalen", "Milestones";
    late_milestones: "Te late mijlpalen", "Late milestones";
    no_late_milestones: "Geen te late mijlpalen.", "No late milestones.";
    upcoming_milestones: "Komende mijlpalen (8 weken)", "Upcoming milestones (8 weeks)";
    no_upcoming_milestones: "Geen mijlpalen in de komende 8 weken.", "No milestones in the next 8 weeks.";
    milestone: "Mijlpaal", "Milestone";
    due_date: "Datum", "Due";
    state: "Stand", "State";
    indicators: "Indicatoren", "Indicators";
    no_indicators: "Nog geen indicatoren.", "No indicators yet.";
    indicators_caption: "Indicatoren met nulmeting, laatste meting en doel", "Indicators with baseline, latest value and target";
    indicator: "Indicator", "Indicator";
    baseline_value: "Nulmeting", "Baseline";
    latest_value: "Laatste meting", "Latest value";
    target_value: "Doel", "Target";
    progress: "Voortgang", "Progress";
    recent_history: "Recente geschiedenis", "Recent history";
    local_notes: "Lokale notities", "Local notes";
    // ministry
    status_by_area: "Stand per gebied", "Status per area";
    areas_chart_alt: "Staafdiagram van de stoplichten per gebied voor dit ministerie; de cijfers staan in de tabel hierna.", "Bar chart of the traffic lights per area for this ministry; the numbers are in the table that follows.";
    ministry_actions: "Acties van dit ministerie", "Actions of this ministry";
    quick_update_hint: "Werk per actie de status en het percentage gereed bij. Oranje, rood en gestopt vragen een toelichting.", "Update the status and percentage complete per action. Amber, red and stopped need an explanation.";
    save_progress: "Voortgang opslaan", "Save progress";
    note: "Toelichting", "Note";
    note_hint: "Verplicht bij oranje, rood of gestopt.", "Required for amber, red or stopped.";
    open_milestones: "Open mijlpalen", "Open milestones";
    no_open_milestones: "Geen open mijlpalen.", "No open milestones.";
    milestones_caption: "Mijlpalen met datum en stand", "Milestones with due date and state";
    complete_heading: "Afronden", "Complete";
    done_on: "Afgerond op", "Done on";
    complete: "Afronden", "Complete";
    milestone_open: "open", "open";
    milestone_overdue: "te laat, nog open", "late, still open";
    milestone_done: "afgerond op", "done on";
    milestone_done_late: "te laat afgerond op", "done late on";
    // action
    theme: "Thema", "Theme";
    responsible: "Verantwoordelijke", "Responsible";
    budget: "Budget", "Budget";
    unknown: "onbekend", "unknown";
    baselines: "Planning: oorspronkelijk en huidig", "Plan: original and current";
    baselines_caption: "Alle plannen, het oorspronkelijke eerst", "Every plan, the original first";
    plan: "Plan", "Plan";
    original_plan: "Oorspronkelijk plan", "Original plan";
    replan: "Herplanning", "Re-plan";
    reason: "Reden", "Reason";
    recorded_at: "Vastgelegd", "Recorded";
    deviation_none: "Het huidige plan eindigt op de oorspronkelijke einddatum.", "The current plan ends on the original end date.";
    deviation_later: "Het huidige plan eindigt later dan oorspronkelijk gepland; dagen verschoven:", "The current plan ends later than originally planned; days moved:";
    deviation_earlier: "Het huidige plan eindigt eerder dan oorspronkelijk gepland; dagen eerder:", "The current plan ends earlier than originally planned; days earlier:";
    new_update: "Voortgang bijwerken", "Update progress";
    timeline: "Tijdlijn van voortgangsberichten", "Timeline of progress updates";
    no_milestones: "Nog geen mijlpalen.", "No milestones yet.";
    trend_alt: "Lijngrafiek van de metingen van", "Line chart of the measurements of";
    values_caption: "Metingen van", "Measurements of";
    measured_on: "Datum", "Date";
    value: "Waarde", "Value";
    // as of ("stand per")
    as_of_label: "Stand per", "As of";
    as_of_show: "Toon", "Show";
    as_of_today: "Vandaag", "Today";
    as_of_hint: "De stand aan het einde van die dag.", "The state at the end of that day.";
    as_of_seen: "U ziet de stand van", "You are looking at the state as of";
    as_of_end_of_day: "(einde van de dag)", "(end of the day)";
    as_of_forms: "Formulieren om te wijzigen staan alleen bij de stand van vandaag.", "Forms to make changes are only shown with today's state.";
    // field history
    field_history: "Geschiedenis van de velden", "Field history";
    field_history_caption: "Elke wijziging van de velden van deze actie, de nieuwste eerst", "Every change of this action's fields, newest first";
    no_field_changes: "Nog geen wijzigingen.", "No changes yet.";
    changed_at: "Wanneer", "When";
    field: "Veld", "Field";
    changed_from: "Van", "From";
    changed_to: "Naar", "To";
    changed_by: "Door", "By";
    field_title: "Titel", "Title";
    field_description: "Omschrijving", "Description";
    field_responsible: "Verantwoordelijke", "Responsible";
    field_theme: "Thema", "Theme";
    field_programme: "Programma", "Programme";
    field_target_groups: "Doelgroepen", "Target groups";
    field_budget: "Begroting", "Budget";
    field_planned_start: "Geplande start", "Planned start";
    field_planned_end: "Gepland einde", "Planned end";
    field_indicator: "Indicator", "Indicator";
    field_milestone: "Mijlpaal", "Milestone";
    field_name: "Naam", "Name";
    field_unit: "Eenheid", "Unit";
    field_direction: "Richting", "Direction";
    field_baseline_value: "Nulmeting", "Baseline";
    field_target_value: "Streefwaarde", "Target value";
    field_target_date: "Streefdatum", "Target date";
    field_report_period: "Rapportageperiode", "Report period";
    direction_increase: "hoger is beter", "higher is better";
    direction_decrease: "lager is beter", "lower is better";
    // consultations
    consultations_title: "Raadplegingen", "Consultations";
    no_consultations: "Er zijn geen raadplegingen.", "There are no consultations.";
    consultations_caption: "Uitvragen met hun deadline", "Calls with their deadline";
    consultation: "Raadpleging", "Consultation";
    deadline: "Deadline", "Deadline";
    consultation_open: "open", "open";
    consultation_closed: "gesloten", "closed";
    max_submissions: "Hoogstens inzendingen per gemeente", "At most submissions per municipality";
    own_submissions: "Inzendingen van uw gemeente", "Your municipality's submissions";
    own_submissions_caption: "Uw inzendingen op volgorde van voorkeur (1 = eerste keus)", "Your submissions in order of preference (1 = first choice)";
    no_submissions: "Nog geen inzendingen.", "No submissions yet.";
    rank: "Volgorde", "Rank";
    rank_of: "Volgorde van", "Rank of";
    title: "Titel", "Title";
    description: "Beschrijving", "Description";
    target_groups: "Doelgroepen", "Target groups";
    target_group: "Doelgroep", "Target group";
    aspects: "Invalshoeken", "Aspects";
    late: "te laat", "late";
    save_order: "Volgorde opslaan", "Save order";
    new_submission: "Nieuwe goede praktijk insturen", "Submit a new best practice";
    kind: "Soort", "Kind";
    kind_existing: "bestaande praktijk", "existing practice";
    kind_new: "nieuw handelingsperspectief", "new course of action";
    stage: "Fase", "Stage";
    stage_under_way: "in gang gezet", "under way";
    stage_short_term: "gewenst op korte termijn", "wanted in the short term";
    stage_medium_term: "gewenst op middellange termijn", "wanted in the medium term";
    submit_practice: "Insturen", "Submit";
    overview_grid: "Overzicht: doelgroep × invalshoek", "Overview: target group × aspect";
    grid_caption: "Aantal goede praktijken per doelgroep en invalshoek", "Number of best practices per target group and aspect";
    response: "Gemeenten die reageerden:", "Municipalities that responded:";
    order_invalid: "Geef elke inzending een eigen volgnummer.", "Give every submission its own rank.";
    // admin
    admin_nav_label: "Beheer", "Administration";
    admin_users: "Gebruikers", "Users";
    admin_periods: "Rapportageperioden", "Report periods";
    admin_areas: "Gebieden", "Areas";
    new_user: "Nieuwe gebruiker", "New user";
    create: "Aanmaken", "Create";
    display_name: "Naam", "Name";
    role: "Rol", "Role";
    scope: "Bereik", "Scope";
    active: "actief", "active";
    disabled: "uitgeschakeld", "disabled";
    disable_user: "Gebruiker uitschakelen", "Disable user";
    enable_user: "Gebruiker weer inschakelen", "Enable user";
    ministry_hint: "Alleen voor de rol ministerie.", "Only for the role ministry.";
    municipality_hint: "Alleen voor de rol gemeente.", "Only for the role municipality.";
    choose_none: "(geen)", "(none)";
    api_tokens: "API-tokens", "API tokens";
    no_tokens: "Deze gebruiker heeft geen API-tokens.", "This user has no API tokens.";
    name: "Naam", "Name";
    prefix: "Begin", "Prefix";
    access: "Toegang", "Access";
    last_used: "Laatst gebruikt", "Last used";
    revoke: "Intrekken", "Revoke";
    revoked: "ingetrokken", "revoked";
    expired: "verlopen", "expired";
    never: "nooit", "never";
    new_period: "Nieuwe periode", "New period";
    code: "Code", "Code";
    code_hint: "Kleine letters, cijfers en streepjes, bijvoorbeeld najaar-2021.", "Lower-case letters, digits and hyphens, for example najaar-2021.";
    starts_on: "Begint op", "Starts on";
    cut_off: "Peildatum", "Cut-off";
    due_on: "Inleveren op", "Due";
    new_area: "Nieuw gebied", "New area";
    latitude: "Breedtegraad", "Latitude";
    longitude: "Lengtegraad", "Longitude";
    focus_since: "Focusgebied sinds", "Focus area since";
    reports_title: "Voortgangsrapportages", "Progress reports";
    nav_reports: "Rapportages", "Reports";
    report_draft: "concept", "draft";
    report_published: "gepubliceerd", "published";
    reports_intro_drafts: "Concepten en gepubliceerde rapportages. Een gepubliceerde rapportage verandert nooit meer; correcties staan in de volgende.", "Drafts and published reports. A published report never changes; corrections appear in the next one.";
    reports_intro_published: "De gepubliceerde voortgangsrapportages.", "The published progress reports.";
    no_reports: "Er zijn nog geen rapportages.", "There are no reports yet.";
    report_period: "Periode", "Period";
    report_state: "Stand", "State";
    report_as_of: "Peildatum", "Cut-off";
    report_generated: "Gemaakt", "Generated";
    report_published_at: "Gepubliceerd op", "Published on";
    report_hash: "Inhoudscontrole (SHA-256)", "Content hash (SHA-256)";
    report_files: "Bestanden", "Files";
    publish: "Publiceren", "Publish";
    new_draft: "Nieuw concept maken", "Make a new draft";
    new_draft_hint: "Het concept toont de stand op de peildatum van de periode, in alle formaten; het vervangt een eerder concept.", "The draft shows the state at the period's cut-off, in every format; it replaces an earlier draft.";
    make_draft: "Concept maken", "Make draft";
    signoff_title: "Afronding per periode", "Sign-off per period";
    signoff_open: "nog niet ingediend", "not submitted yet";
    signoff_submitted: "ingediend", "submitted";
    signoff_approved: "vastgesteld", "approved";
    signoff_ready: "Bijgewerkt in de periode", "Updated in the period";
    signoff_missing: "Zonder update", "Without update";
    signoff_note: "Toelichting", "Note";
    signoff_note_hint: "Verplicht bij heropenen, en bij indienen terwijl acties nog geen update hebben.", "Required to reopen, and to submit while actions still lack an update.";
    signoff_submit: "Indienen", "Submit";
    signoff_approve: "Vaststellen", "Approve";
    signoff_reopen: "Heropenen", "Reopen";
    notice_published: "De rapportage is gepubliceerd.", "The report was published.";
    // notices after a POST
    notice_saved: "De voortgang is opgeslagen.", "The progress was saved.";
    notice_completed: "De mijlpaal is afgerond.", "The milestone was completed.";
    notice_submitted: "De goede praktijk is ingestuurd.", "The best practice was submitted.";
    notice_order: "De volgorde is opgeslagen.", "The order was saved.";
    notice_created: "Aangemaakt.", "Created.";
    notice_changed: "Gewijzigd.", "Changed.";
    notice_revoked: "Het token is ingetrokken.", "The token was revoked.";
    notice_logged_out: "U bent uitgelogd.", "You are logged out.";
}

impl Texts {
    /// The text of a notice key (`?melding=`); unknown keys show nothing.
    pub fn notice(&self, key: &str) -> Option<&'static str> {
        Some(match key {
            "opgeslagen" => self.notice_saved,
            "afgerond" => self.notice_completed,
            "ingestuurd" => self.notice_submitted,
            "volgorde" => self.notice_order,
            "aangemaakt" => self.notice_created,
            "gewijzigd" => self.notice_changed,
            "ingetrokken" => self.notice_revoked,
            "uitgelogd" => self.notice_logged_out,
            "gepubliceerd" => self.notice_published,
            _ => return None,
        })
    }
}
