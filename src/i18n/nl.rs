//! De Nederlandse tabel: elke meldingscode en elk label, met `{naam}` waar een parameter komt.
//! Houd de volgorde van `messages.rs` aan; de tests zeggen wat ontbreekt of over is.

pub const TEXTS: &[(&str, &str)] = &[
    // ---- titels van problemen (problem+json `title`) ----
    ("title.validation", "Ongeldige invoer"),
    ("title.bad_request", "Ongeldig verzoek"),
    ("title.not_found", "Niet gevonden"),
    ("title.payload_too_large", "Verzoek te groot"),
    ("title.conflict", "Conflict"),
    ("title.unauthorized", "Inloggen vereist"),
    ("title.forbidden", "Geen toegang"),
    ("title.precondition_failed", "Door iemand anders gewijzigd"),
    ("title.precondition_required", "If-Match vereist"),
    ("title.method_not_allowed", "Methode niet toegestaan"),
    ("title.too_many_requests", "Te veel verzoeken"),
    ("title.unavailable", "Dienst niet beschikbaar"),
    ("title.busy", "Bezet"),
    ("title.internal", "Interne fout"),
    // ---- de invoer van één veld ----
    ("required", "is verplicht"),
    ("length", "moet {min} tot {max} tekens lang zijn"),
    ("too_long", "mag hoogstens {max} tekens lang zijn"),
    ("between", "moet tussen {min} en {max} liggen"),
    ("not_negative", "mag niet negatief zijn"),
    ("whole_number", "vul een geheel getal in"),
    ("number", "vul een getal in"),
    ("date", "vul een datum in (JJJJ-MM-DD)"),
    (
        "date_or_date_time",
        "vul een datum (2021-03-31) of een datum met tijd (2021-03-31T18:00:00Z) in",
    ),
    ("years", "moet in de jaren {from} tot en met {to} liggen"),
    ("year_from", "moet in {from} of later liggen"),
    ("not_in_future", "mag niet in de toekomst liggen"),
    (
        "one_of",
        "`{value}` is geen geldige waarde; kies uit: {valid}",
    ),
    ("unknown", "{kind} `{value}` bestaat niet"),
    (
        "unknown_choice",
        "{kind} `{value}` bestaat niet; kies uit: {valid}",
    ),
    (
        "name_and_code_differ",
        "`{name}` is niet wat de code `{code}` in kolom {code_column} noemt; pas een van beide aan of maak er een leeg",
    ),
    ("choose", "kies een {kind}"),
    ("choose_at_least_one", "kies minstens één {kind}"),
    ("listed_twice", "`{value}` staat er twee keer in"),
    ("unknown_field", "is geen veld van dit verzoek"),
    ("invalid_value", "ongeldige waarde ({detail})"),
    (
        "slug",
        "gebruik 1 tot {max} kleine letters, cijfers en streepjes",
    ),
    (
        "ministry_code",
        "gebruik 1 tot 20 letters of cijfers, bijvoorbeeld BZK",
    ),
    ("email", "vul een e-mailadres in"),
    (
        "cannot_change",
        "kan niet worden gewijzigd: andere gegevens en koppelingen gebruiken het",
    ),
    ("in_use", "`{value}` is al in gebruik"),
    ("duplicate", "deze waarde is al in gebruik"),
    (
        "duplicate_record",
        "er bestaat al een gegeven met deze waarden",
    ),
    (
        "referenced",
        "dit gegeven verwijst naar een ander gegeven, of wordt ernaar verwezen",
    ),
    (
        "outside_database_range",
        "een waarde valt buiten wat de database toestaat",
    ),
    ("invalid_fields", "{count} velden zijn niet geldig"),
    // ---- verzoeken ----
    ("query_too_long", "de querystring is langer dan {max} bytes"),
    ("body_too_large", "het verzoek is groter dan {max} bytes"),
    (
        "body_not_json",
        "het verzoek moet JSON zijn (Content-Type: application/json)",
    ),
    ("body_unreadable", "het verzoek kon niet worden gelezen"),
    (
        "body_invalid_json",
        "het verzoek is geen geldige JSON: {detail}",
    ),
    (
        "body_trailing_data",
        "het verzoek heeft gegevens na de JSON-waarde",
    ),
    ("form_expected", "deze pagina verwacht een formulier"),
    ("form_too_large", "het formulier is te groot"),
    ("no_resource", "er is niets op {path}"),
    (
        "method_not_allowed",
        "deze URL neemt deze methode niet aan; wel {allowed}",
    ),
    ("not_found", "{kind} {id} bestaat niet"),
    ("not_found_then", "{kind} {id} bestond op dat moment niet"),
    ("no_record", "dit gegeven bestaat niet"),
    (
        "stale",
        "iemand anders heeft dit intussen gewijzigd; laad het opnieuw en probeer het nog eens",
    ),
    (
        "if_match_required",
        "deze wijziging vraagt een If-Match-header met de huidige ETag",
    ),
    (
        "too_many_requests",
        "te veel pogingen; wacht {seconds} s en probeer het dan opnieuw",
    ),
    (
        "unavailable",
        "de database is op dit moment niet bereikbaar",
    ),
    (
        "busy",
        "de server is bezet; probeer het over {seconds} seconden opnieuw",
    ),
    (
        "internal",
        "de server kon het verzoek niet afmaken; de fout is vastgelegd",
    ),
    // ---- inloggen, accounts, tokens ----
    (
        "login_required",
        "log eerst in: stuur Authorization: Bearer <token>",
    ),
    (
        "authorization_invalid",
        "de Authorization-header is niet geldig",
    ),
    ("use_bearer", "gebruik Authorization: Bearer <token>"),
    (
        "wrong_credentials",
        "gebruikersnaam of wachtwoord klopt niet",
    ),
    (
        "refresh_invalid",
        "het verversingstoken is niet geldig; log opnieuw in",
    ),
    ("access_token_expired", "het toegangstoken is verlopen"),
    ("access_token_invalid", "het toegangstoken is niet geldig"),
    ("access_token_revoked", "het toegangstoken is ingetrokken"),
    ("account_disabled", "dit account is uitgeschakeld"),
    ("api_token_invalid", "het API-token is niet geldig"),
    ("api_token_revoked", "het API-token is ingetrokken"),
    ("api_token_expired", "het API-token is verlopen"),
    ("api_token_read_only", "dit API-token mag alleen lezen"),
    (
        "api_token_cannot_make_tokens",
        "met een API-token kunt u geen API-tokens maken",
    ),
    (
        "api_token_name_taken",
        "u hebt al een token met de naam `{name}`",
    ),
    (
        "password_login_to_change",
        "log in met uw wachtwoord om het te wijzigen",
    ),
    (
        "password_too_short",
        "het wachtwoord moet minstens {min} tekens lang zijn",
    ),
    (
        "password_too_long",
        "het wachtwoord mag hoogstens {max} tekens lang zijn",
    ),
    (
        "password_hint",
        "Minstens {min} tekens en niet makkelijk te raden: een zin van een paar woorden werkt goed.",
    ),
    ("not_current_password", "is niet uw huidige wachtwoord"),
    ("role_may_not", "met de rol {role} mag u dit niet"),
    (
        "other_scope",
        "dit hoort bij een ander ministerie of een andere gemeente",
    ),
    (
        "username_taken",
        "de gebruikersnaam `{username}` is al in gebruik",
    ),
    (
        "username",
        "mag alleen letters, cijfers en . _ - @ bevatten",
    ),
    ("scope_needed", "kies een {kind} voor deze gebruiker"),
    (
        "scope_not_for_role",
        "alleen een gebruiker met de rol {kind} heeft een {kind}",
    ),
    // ---- voortgang ----
    (
        "note_required",
        "licht een oranje, rode of gestopte status toe in een notitie",
    ),
    ("completed_is_100", "moet 100 zijn voor een afgeronde actie"),
    ("end_before_start", "mag niet voor de geplande start liggen"),
    (
        "sort_key",
        "kies uit id, title, area, status, percent_complete, planned_end, updated_at (met - voor aflopend)",
    ),
    (
        "replan_instead",
        "plan opnieuw met POST /api/v1/actions/{id}/baselines",
    ),
    (
        "progress_instead",
        "geef een voortgangsbericht met POST /api/v1/actions/{id}/updates",
    ),
    (
        "area_fixed",
        "kan niet worden gewijzigd; maak de actie in het andere gebied",
    ),
    (
        "ministry_fixed",
        "kan niet worden gewijzigd; het andere ministerie maakt een eigen actie",
    ),
    (
        "group_by",
        "kies uit area, municipality, ministry, theme, programme, target_group",
    ),
    ("bulk_items", "moet 1 tot {max} updates bevatten"),
    ("bulk_twice", "staat twee keer in één bulkupdate"),
    (
        "bulk_stale",
        "de actie is gewijzigd sinds versie {version}; ze staat nu op {current}",
    ),
    (
        "not_in_area",
        "actie {action} hoort niet bij gebied `{area}`",
    ),
    (
        "direction",
        "kies `increase` (stijgend) of `decrease` (dalend)",
    ),
    (
        "programme_lead_fixed",
        "kan niet worden gewijzigd; maak een programma voor het andere ministerie",
    ),
    ("milestone_move_reason", "zeg waarom de mijlpaal verschuift"),
    (
        "reason_required",
        "zeg waarom: een andere begroting, streefwaarde of streefdatum vraagt een reden",
    ),
    (
        "milestone_reopen_reason",
        "zeg waarom de mijlpaal wordt heropend",
    ),
    (
        "milestone_done_reopen_first",
        "de mijlpaal is afgerond; heropen hem voordat u hem verplaatst",
    ),
    ("milestone_already_done", "de mijlpaal is al afgerond"),
    ("milestone_not_done", "de mijlpaal is niet afgerond"),
    ("not_after_cut_off", "mag niet na de peildatum liggen"),
    ("not_before_cut_off", "mag niet voor de peildatum liggen"),
    ("indicator_to_draw", "kies de indicator die getekend wordt"),
    (
        "chart_format",
        "grafiekformaat `{format}` bestaat niet; gebruik .svg of .png",
    ),
    (
        "chart_name",
        "grafiek `{name}` bestaat niet; de grafieken zijn {valid}",
    ),
    // ---- afronding en rapportages ----
    (
        "signoff_approve_admin",
        "alleen het programmabureau stelt een afronding vast",
    ),
    (
        "signoff_reopen_approved_admin",
        "een vastgestelde afronding wordt heropend door het programmabureau",
    ),
    (
        "signoff_reopen_reason",
        "zeg waarom de afronding wordt heropend",
    ),
    (
        "signoff_closed",
        "de rapportage van `{period}` is gepubliceerd; de afronding is gesloten",
    ),
    (
        "signoff_nothing_to_reopen",
        "{ministry} heeft niets ingediend om te heropenen",
    ),
    ("signoff_already_submitted", "{ministry} heeft al ingediend"),
    (
        "signoff_approved_already",
        "de afronding van {ministry} is vastgesteld; het programmabureau kan haar heropenen",
    ),
    ("signoff_already_approved", "{ministry} is al vastgesteld"),
    (
        "signoff_not_submitted",
        "{ministry} heeft nog niet ingediend",
    ),
    (
        "signoff_missing_updates",
        "{missing} acties van {ministry} hebben in deze periode geen update: vul ze eerst aan, of licht in een notitie toe waarom u zonder indient",
    ),
    (
        "drafts_until_closed",
        "de inzendingen zijn concepten tot raadpleging `{consultation}` sluit, {deadline}",
    ),
    (
        "not_asked",
        "deze gemeente is niet gevraagd in raadpleging `{consultation}`",
    ),
    (
        "max_below_count",
        "{municipality} heeft al {count} inzendingen; het maximum kan daar niet onder",
    ),
    (
        "tag_in_use",
        "inzending {submission} gebruikt `{code}`; het kan niet worden verwijderd",
    ),
    (
        "reopen_until",
        "moet later liggen dan nu en dan de deadline, {deadline}",
    ),
    (
        "lobby_note_required",
        "zeg welke hulp van het Rijk nodig is",
    ),
    (
        "submission_limit",
        "raadpleging `{consultation}` neemt hoogstens {max} inzendingen per gemeente en {municipality} heeft er {count}; wijzig er een of verander de volgorde",
    ),
    (
        "order_each_once",
        "moet elk van de {count} inzendingen van {municipality} precies één keer noemen: {ids}",
    ),
    (
        "not_in_consultation",
        "{kind} `{value}` hoort niet bij deze raadpleging",
    ),
    (
        "consultation_closed",
        "raadpleging `{consultation}` is gesloten sinds de deadline, {deadline}; vraag het programmabureau een late inzending te aanvaarden",
    ),
    (
        "consultation_closed_reopened",
        "raadpleging `{consultation}` is gesloten sinds de deadline, {deadline}; vraag het programmabureau een late inzending te aanvaarden (ze was heropend tot {until})",
    ),
    (
        "note_format",
        "formaat `{value}` bestaat niet; kies md, pdf of xlsx",
    ),
    (
        "local_date_time",
        "vul een lokale datum en tijd in {zone} in, zoals 2020-05-06T18:00:00, of een met verschuiving, zoals 2020-05-06T18:00:00+02:00",
    ),
    (
        "time_twice",
        "{local} komt twee keer voor in {zone} (de klok gaat terug): geef de verschuiving, {first} of {second}",
    ),
    (
        "time_skipped",
        "{local} bestaat niet in {zone} (de klok gaat vooruit): kies een andere tijd",
    ),
    (
        "report_already_published",
        "rapportage {id} is al gepubliceerd",
    ),
    (
        "period_already_published",
        "periode `{period}` heeft al een gepubliceerde rapportage",
    ),
    (
        "report_published_fixed",
        "de rapportage van `{period}` is gepubliceerd (rapportage {id}) en verandert niet meer; correcties komen in de rapportage van de volgende periode",
    ),
    (
        "draft_before_cut_off",
        "dit concept toont de stand van voor het verstrijken van de peildatum ({cut_off}); maak nu een nieuw concept",
    ),
    (
        "draft_signoff_changed",
        "de afronding van een ministerie is gewijzigd nadat dit concept is gemaakt; maak een nieuw concept",
    ),
    (
        "signoffs_not_approved",
        "nog niet elk ministerie is vastgesteld: {waiting}",
    ),
    (
        "report_format",
        "formaat `{value}` bestaat niet; de formaten zijn {valid}",
    ),
    (
        "report_file_missing",
        "rapportage {id} heeft geen {format}-bestand",
    ),
    // ---- bestanden van de opdrachtregel ----
    ("file_exists", "{path} bestaat al; kies een nieuw bestand"),
    ("demo_present", "de demogegevens zijn er al"),
    (
        "demo_username_taken",
        "de demo heeft de gebruikersnaam `{username}` nodig, maar die is al in gebruik",
    ),
    (
        "scale_data_present",
        "de database heeft al programma's of acties; seed --scale vraagt een database zonder",
    ),
    ("cannot_write", "kan {path} niet schrijven: {detail}"),
    ("cannot_read", "kan {path} niet lezen: {detail}"),
    ("not_a_file", "{path} is geen bestand"),
    ("not_sqlite", "{path} is geen SQLite-database: {detail}"),
    (
        "integrity_check_failed",
        "{path} doorstaat de integriteitscontrole van SQLite niet",
    ),
    (
        "not_our_database",
        "{path} is geen database van de Versnellingsmonitor",
    ),
    (
        "schema_version_differs",
        "{path} heeft schemaversie {theirs}, dit programma {ours}: migreer eerst een van beide",
    ),
    ("tool_failed", "{program} is mislukt: {detail}"),
    (
        "file_not_utf8",
        "is geen UTF-8-tekst (regel {line}); sla het in Excel op als \"CSV UTF-8\", of exporteer het als .xlsx",
    ),
    (
        "file_empty",
        "is leeg; het heeft een kopregel en een rij per actie nodig",
    ),
    ("file_not_workbook", "is geen leesbare werkmap: {detail}"),
    ("file_no_sheets", "heeft geen werkbladen"),
    (
        "sheet_unreadable",
        "werkblad `{sheet}` kan niet worden gelezen: {detail}",
    ),
    (
        "sheet_empty",
        "werkblad `{sheet}` is leeg; het heeft een kopregel en een rij per actie nodig",
    ),
    ("file_no_actions", "heeft geen acties onder de kopregel"),
    (
        "column_twice",
        "`{earlier}` en `{shown}` zijn dezelfde kolom ({field}); houd er één",
    ),
    (
        "unknown_columns",
        "onbekende kolom {unknown}; de kolommen zijn {known} (en kolommen die alleen de export heeft, zoals id en status, die worden overgeslagen)",
    ),
    ("missing_columns", "ontbrekende kolom {missing}"),
    (
        "budget_twice",
        "`{euros}` en `{cents}` geven allebei het budget; houd er één",
    ),
    ("cell_error", "bevat de fout {error}"),
    (
        "not_a_date",
        "`{text}` is geen datum; gebruik 2021-03-31 of 31-03-2021",
    ),
    ("not_a_calendar_day", "`{text}` is geen dag van de kalender"),
    (
        "number_not_date",
        "is een getal, geen datum; maak er een datumcel van of gebruik 2021-03-31 of 31-03-2021",
    ),
    (
        "cell_not_date",
        "is geen datum; gebruik 2021-03-31 of 31-03-2021",
    ),
    (
        "not_an_amount",
        "`{text}` is geen bedrag; schrijf euro's als 12500, 12.500,50 of 12500.50",
    ),
    (
        "cell_not_amount",
        "is geen bedrag; schrijf euro's als 12500, 12.500,50 of 12500.50",
    ),
    (
        "too_many_decimals",
        "`{text}` heeft meer dan twee decimalen; een budget is in hele centen",
    ),
    ("amount_too_large", "`{text}` is te groot voor een budget"),
    (
        "whole_cents",
        "moet een geheel aantal centen zijn, bijvoorbeeld 1250050 voor € 12.500,50",
    ),
    (
        "not_whole_cents",
        "`{text}` is geen geheel aantal centen, bijvoorbeeld 1250050 voor € 12.500,50",
    ),
    (
        "unnamed_column",
        "heeft een waarde, maar de kolom heeft geen naam in de kopregel",
    ),
    (
        "cell_empty_required",
        "is leeg; elke actie heeft er een nodig",
    ),
    (
        "too_many_for_xlsx",
        "{count} acties passen niet op één XLSX-werkblad; verfijn het filter of exporteer CSV",
    ),
    // ---- labels ----
    ("label.action", "actie"),
    ("label.api_token", "API-token"),
    ("label.area", "gebied"),
    ("label.aspect", "invalshoek"),
    ("label.chart", "grafiek"),
    ("label.consultation", "raadpleging"),
    ("label.indicator", "indicator"),
    ("label.milestone", "mijlpaal"),
    ("label.ministry", "ministerie"),
    ("label.municipality", "gemeente"),
    ("label.period", "rapportageperiode"),
    ("label.programme", "programma"),
    ("label.report", "rapportage"),
    ("label.static_file", "bestand"),
    ("label.status", "status"),
    ("label.submission", "inzending"),
    ("label.target_group", "doelgroep"),
    ("label.theme", "thema"),
    ("label.user", "gebruiker"),
    ("label.role_admin", "programmabureau"),
    ("label.role_ministry", "ministerie"),
    ("label.role_municipality", "gemeente"),
    ("label.role_viewer", "meelezer"),
    // Hardening (issue 18)
    (
        "cannot_disable_yourself",
        "u kunt uw eigen account niet uitschakelen; vraag een andere beheerder",
    ),
    (
        "cannot_change_own_role",
        "u kunt uw eigen rol niet wijzigen; vraag een andere beheerder",
    ),
    (
        "last_active_admin",
        "`{username}` is de laatste actieve beheerder: er moet altijd een actieve gebruiker met de rol programmabureau blijven; maak eerst iemand anders beheerder",
    ),
    (
        "password_common",
        "dit wachtwoord is te makkelijk te raden: het is een veelgebruikt wachtwoord of lijkt erop; kies een zin van een paar woorden die niet voor de hand liggen",
    ),
    (
        "password_has_name",
        "dit wachtwoord is te makkelijk te raden: het bevat de gebruikersnaam of de naam; kies een zin van een paar woorden die niets met de gebruiker te maken hebben",
    ),
    (
        "password_pattern",
        "dit wachtwoord is te makkelijk te raden: het bestaat uit een reeks, herhaling, toetsenbordpatroon, jaartal of datum; kies een zin van een paar woorden",
    ),
    (
        "password_guessable",
        "dit wachtwoord is te makkelijk te raden; gebruik een langere zin van een paar woorden die niet voor de hand liggen",
    ),
    (
        "headers_too_large",
        "de headers van het verzoek zijn samen groter dan {max} bytes",
    ),
    ("title.headers_too_large", "Headers te groot"),
    // Import limits (issue 18)
    (
        "file_too_large",
        "is groter dan {max_mb} MB, het meeste dat één import leest; verdeel de lijst over meer bestanden",
    ),
    (
        "file_old_excel",
        "is een oude Excel-werkmap (.xls); sla hem op als Excel-werkmap (.xlsx) of als CSV UTF-8",
    ),
    (
        "workbook_too_many_parts",
        "is een werkmap van meer dan {max} onderdelen; een lijst met acties heeft er veel minder",
    ),
    (
        "workbook_part_too_large",
        "pakt onderdeel `{part}` uit tot meer dan {max_mb} MB; een lijst met acties is veel kleiner",
    ),
    (
        "workbook_too_large",
        "pakt uit tot meer dan {max_mb} MB; een lijst met acties is veel kleiner",
    ),
    (
        "workbook_doctype",
        "onderdeel `{part}` heeft een DOCTYPE (XML-entiteiten), die een spreadsheetprogramma nooit schrijft; het bestand wordt niet gelezen",
    ),
    (
        "workbook_token_too_long",
        "onderdeel `{part}` heeft een tag, commentaar of tekst van meer dan {max_kb} kB, die een spreadsheetprogramma nooit schrijft; het bestand wordt niet gelezen",
    ),
    (
        "workbook_too_many_texts",
        "bevat meer dan {max} verschillende teksten, meer dan een import leest; verdeel de lijst",
    ),
    (
        "workbook_too_many_entries",
        "bevat in `{part}` meer dan {max} werkbladen, namen of verwijzingen; een lijst van acties heeft er maar een paar",
    ),
    (
        "workbook_styles_too_large",
        "heeft meer of grotere celopmaak dan een import leest; kopieer de lijst naar een nieuwe werkmap of sla hem op als CSV UTF-8",
    ),
    (
        "sheet_beyond_limits",
        "werkblad `{sheet}` beslaat {dimension}; een import leest tot en met cel {last}: verwijder de rijen en kolommen daarachter of verdeel de lijst",
    ),
    (
        "cell_beyond_limits",
        "heeft een cel op {cell}, voorbij {last}, de laatste cel die een import leest: verwijder de rijen en kolommen daarachter of verdeel de lijst",
    ),
    (
        "file_rows_over_limit",
        "heeft meer dan {max} rijen met acties; één import neemt er hoogstens {max}, verdeel het bestand",
    ),
    (
        "cell_too_long",
        "cel {cell} bevat meer dan {bytes} bytes tekst; geen waarde van een actie is langer dan {max} tekens",
    ),
    (
        "file_too_much_text",
        "bevat meer dan {max_mb} MB tekst in zijn cellen; verdeel de lijst",
    ),
];
