//! The dashboard in a real browser: headless Chromium (Debian's `chromium`) driven over
//! WebDriver by `chromedriver`, with axe-core (npm, `tests/browser`) checking every page for
//! WCAG 2.1 AA problems. One browser per backend runs every scenario, to keep start-up cost low.
//! Screenshots of every page go to `target/test-artifacts/screenshots/<backend>/<page>.png`
//! (or under `$VERSNELLING_TEST_ARTIFACTS`).
//!
//! Without chromium, chromedriver or axe-core the test says what is missing and skips; with
//! CI=true it fails instead (`.ci/run` installs all three).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use std::sync::Arc;

use base64::Engine;
use reqwest::Method;
use thirtyfour::common::command::{Command as WebDriverCommand, ExtensionCommand};
use thirtyfour::components::SelectElement;
use thirtyfour::prelude::*;

use crate::app_test;
use crate::support::{TestApp, WEB_PASSWORD};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

fn axe_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/node_modules/axe-core/axe.min.js")
}

/// The tools, or `None` (with a message) when one is missing outside CI.
fn tools() -> Option<String> {
    let mut missing = Vec::new();
    for (path, what) in [
        (
            PathBuf::from(CHROMIUM),
            "chromium (apt-get install chromium)",
        ),
        (
            PathBuf::from(CHROMEDRIVER),
            "chromedriver (apt-get install chromium-driver)",
        ),
        (axe_path(), "axe-core (npm ci in tests/browser)"),
    ] {
        if !path.exists() {
            missing.push(what);
        }
    }
    if missing.is_empty() {
        return std::fs::read_to_string(axe_path()).ok();
    }
    crate::support::skip_unless_ci(&format!("the browser test needs {}", missing.join(", ")));
    None
}

/// chromedriver on a free port, stopped when dropped.
struct Chromedriver {
    child: Child,
    url: String,
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_chromedriver() -> Chromedriver {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Chromedriver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let started = Instant::now();
    loop {
        if reqwest::get(format!("{}/status", driver.url))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return driver;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "chromedriver did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn start_browser(chromedriver: &Chromedriver, profile: &Path) -> WebDriver {
    let mut caps = DesiredCapabilities::chrome();
    caps.set_binary(CHROMIUM).unwrap();
    for arg in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1800",
        "--lang=nl-NL",
    ] {
        caps.add_arg(arg).unwrap();
    }
    caps.add_arg(&format!("--user-data-dir={}", profile.display()))
        .unwrap();
    caps.add_experimental_option(
        "prefs",
        serde_json::json!({"intl.accept_languages": "nl-NL,nl"}),
    )
    .unwrap();
    WebDriver::new(chromedriver.url.as_str(), caps)
        .await
        .expect("a Chromium session")
}

/// Presses one key in the page, as a keyboard user does.
async fn press(driver: &WebDriver, key: Key) {
    driver
        .action_chain()
        .send_keys(key)
        .perform()
        .await
        .unwrap();
}

/// Marks the page shown now, so [`wait_for_path`] can tell it from the page a click leads to
/// (a form that redirects back to its own page has the same path before and after).
async fn mark_page(driver: &WebDriver) {
    driver
        .execute("window.__leftBehind = true;", vec![])
        .await
        .expect("mark the current page");
}

/// Waits (up to 15 s) after a click that navigates, from a page marked with [`mark_page`],
/// until a new page has loaded and its URL path is `path`.
async fn wait_for_path(driver: &WebDriver, path: &str) {
    let started = Instant::now();
    loop {
        let url = driver.current_url().await.unwrap();
        if url.path() == path
            && driver
                .execute(
                    "return document.readyState === 'complete' && window.__leftBehind !== true",
                    vec![],
                )
                .await
                .is_ok_and(|r| r.json() == true)
        {
            return;
        }
        if started.elapsed() > Duration::from_secs(15) {
            let main = match driver.find(By::Tag("main")).await {
                Ok(main) => main.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            panic!("still at {url}, expected {path}; the page says: {main}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn log_in(driver: &WebDriver, base: &str, username: &str) {
    driver.goto(format!("{base}/inloggen")).await.unwrap();
    driver
        .find(By::Id("f-username"))
        .await
        .unwrap()
        .send_keys(username)
        .await
        .unwrap();
    driver
        .find(By::Id("f-password"))
        .await
        .unwrap()
        .send_keys(WEB_PASSWORD)
        .await
        .unwrap();
    mark_page(driver).await;
    driver
        .find(By::Css("form[action='/inloggen'] button[type='submit']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(driver, "/").await;
}

async fn log_out(driver: &WebDriver) {
    mark_page(driver).await;
    driver
        .find(By::Css("form[action='/uitloggen'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(driver, "/inloggen").await;
}

/// Runs axe-core with the WCAG 2.1 A and AA rules; the serious and critical violations.
async fn axe(driver: &WebDriver, axe_source: &str) -> Vec<String> {
    driver
        .execute(axe_source, vec![])
        .await
        .expect("inject axe");
    let result = driver
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
                 .then(r => done(r.violations
                   .filter(v => v.impact === 'serious' || v.impact === 'critical')
                   .map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 5).map(n => n.target.join(' ')).join(', ')}`)))
                 .catch(e => done(['axe failed: ' + e]));"#,
            vec![],
        )
        .await
        .expect("run axe");
    result.convert().expect("a list of violations")
}

fn artifacts(backend: &str) -> PathBuf {
    let root = std::env::var_os("VERSNELLING_TEST_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-artifacts"));
    let dir = root.join("screenshots").join(backend);
    std::fs::create_dir_all(&dir).expect("the screenshot directory");
    dir
}

/// The text of the page's main content.
async fn main_text(driver: &WebDriver) -> String {
    driver
        .find(By::Tag("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Opens a page (or takes the one shown when `path` is empty), saves its screenshot, checks it
/// with axe and that no table scrolls sideways, then checks it on a phone ([`check_narrow`]);
/// problems go into `failures`.
async fn check_page(
    driver: &WebDriver,
    base: &str,
    name: &str,
    path: &str,
    axe_source: &str,
    shots: &Path,
    failures: &mut Vec<String>,
) {
    if !path.is_empty() {
        driver.goto(format!("{base}{path}")).await.unwrap();
    }
    let png = driver.screenshot_as_png().await.expect("a screenshot");
    std::fs::write(shots.join(format!("{name}.png")), png).expect("save the screenshot");
    for violation in axe(driver, axe_source).await {
        failures.push(format!("{name} ({path}): {violation}"));
    }
    // On a desktop every table shows whole: no column behind a scroll bar.
    let scrolling: Vec<String> = driver
        .execute(
            "return Array.from(document.querySelectorAll('.table-region'))
               .filter(region => region.scrollWidth > region.clientWidth + 1)
               .map(region => region.getAttribute('aria-label'));",
            vec![],
        )
        .await
        .expect("find tables that scroll")
        .convert()
        .expect("a list of tables");
    for table in scrolling {
        failures.push(format!(
            "{name} ({path}): the table \"{table}\" scrolls sideways on a desktop"
        ));
    }
    wait_for_images(driver).await;
    check_chart_text(driver, &format!("{name} ({path}) on a desktop"), failures).await;
    check_medium(driver, name, path, failures).await;
    check_narrow(driver, name, path, axe_source, shots, failures).await;
}

/// Every chart is shown at no less than 12/13 of the width it is drawn at: its text, at least
/// 13 px in the drawing (the chart crate's `MIN_TEXT_PX`), shows at 12 px or more.
async fn check_chart_text(driver: &WebDriver, what: &str, failures: &mut Vec<String>) {
    // After a resize the picture loads its other drawing: wait for it, up to a few seconds.
    let started = Instant::now();
    let shrunk = loop {
        let shrunk: Vec<String> = driver
            .execute(
                "return Array.from(document.querySelectorAll('figure.chart img'))
                   .filter(i => i.naturalWidth > 0
                       && i.getBoundingClientRect().width < i.naturalWidth * 12 / 13 - 0.5)
                   .map(i => i.currentSrc + ' drawn ' + i.naturalWidth + ' px, shown '
                       + Math.round(i.getBoundingClientRect().width) + ' px');",
                vec![],
            )
            .await
            .expect("measure the charts")
            .convert()
            .expect("a list of charts");
        if shrunk.is_empty() || started.elapsed() > Duration::from_secs(5) {
            break shrunk;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    for chart in shrunk {
        failures.push(format!("{what}: chart text under 12 px: {chart}"));
    }
}

/// A tablet or a narrow window (800 px): the charts are drawn for it too.
async fn check_medium(driver: &WebDriver, name: &str, path: &str, failures: &mut Vec<String>) {
    devtools(
        driver,
        "Emulation.setDeviceMetricsOverride",
        serde_json::json!({"width": 800, "height": 1000, "deviceScaleFactor": 1, "mobile": false}),
    )
    .await;
    wait_for_images(driver).await;
    check_chart_text(driver, &format!("{name} ({path}) at 800 px"), failures).await;
    devtools(
        driver,
        "Emulation.clearDeviceMetricsOverride",
        serde_json::json!({}),
    )
    .await;
}

/// The narrowest screen WCAG 2.1 asks pages to reflow to without scrolling sideways (1.4.10:
/// 320 CSS px), at a phone's height.
const PHONE: (u32, u32) = (320, 640);

/// The share of a phone's screen height the site header may take.
const HEADER_SHARE: f64 = 0.15;

/// A Chrome DevTools Protocol command, sent through chromedriver's `goog/cdp/execute` (headless
/// Chromium refuses windows narrower than about 500 px; the protocol's device metrics do not).
#[derive(Debug)]
struct DevTools {
    method: &'static str,
    params: serde_json::Value,
}

impl ExtensionCommand for DevTools {
    fn parameters_json(&self) -> Option<serde_json::Value> {
        Some(serde_json::json!({"cmd": self.method, "params": self.params}))
    }

    fn method(&self) -> Method {
        Method::POST
    }

    fn endpoint(&self) -> Arc<str> {
        Arc::from("/goog/cdp/execute")
    }
}

async fn devtools(
    driver: &WebDriver,
    method: &'static str,
    params: serde_json::Value,
) -> serde_json::Value {
    driver
        .handle()
        .cmd(WebDriverCommand::ExtensionCommand(Box::new(DevTools {
            method,
            params,
        })))
        .await
        .and_then(|response| response.value_json())
        .unwrap_or_else(|err| panic!("{method}: {err}"))
}

/// Waits (up to 10 s) until every image of the page has loaded or failed: a `<picture>` picks
/// its narrow chart when the screen becomes narrow.
async fn wait_for_images(driver: &WebDriver) {
    let started = Instant::now();
    while !driver
        .execute(
            "return Array.from(document.images).every(i => i.complete);",
            vec![],
        )
        .await
        .is_ok_and(|r| r.json() == true)
    {
        if started.elapsed() > Duration::from_secs(10) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// What a page measures on a phone.
#[derive(Debug, serde::Deserialize)]
struct Fit {
    /// The width of the document: wider than the window means it scrolls sideways.
    scroll_width: f64,
    /// The width the page's content gets: the window without a vertical scroll bar (a browser
    /// zoomed to 400 % on a 1280 px screen has one; most phones lay theirs over the page).
    client_width: f64,
    inner_width: f64,
    inner_height: f64,
    header: f64,
    /// The first elements that reach past the content's width, to name in a failure.
    wide: Vec<String>,
}

async fn measure_fit(driver: &WebDriver) -> Fit {
    driver
        .execute(
            r#"const header = document.querySelector('.site-header');
               const room = document.documentElement.clientWidth;
               const wide = Array.from(document.querySelectorAll('body *'))
                 .filter(e => e.getBoundingClientRect().right > room + 0.5)
                 .slice(0, 3)
                 .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                   + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\s+/).join('.') : ''));
               return {
                 scroll_width: document.documentElement.scrollWidth,
                 client_width: room,
                 inner_width: window.innerWidth,
                 inner_height: window.innerHeight,
                 header: header ? header.getBoundingClientRect().height : 0,
                 wide: wide,
               };"#,
            vec![],
        )
        .await
        .expect("measure the page")
        .convert()
        .expect("the page's measures")
}

/// Saves the whole page at `width`, not only the part in the window: the window is made as
/// tall as the page for the picture (Chromium's "beyond the viewport" capture lays the page out
/// without its scroll bar but cuts the picture to the width with one).
async fn save_full_page(driver: &WebDriver, width: u32, file: &Path) {
    let page_height = driver
        .execute("return document.documentElement.scrollHeight;", vec![])
        .await
        .expect("the page's height")
        .json()
        .as_u64()
        .expect("a height");
    // Chromium draws at most 16384 px in one picture.
    let height = u32::try_from(page_height).unwrap_or(u32::MAX).min(16_000);
    devtools(
        driver,
        "Emulation.setDeviceMetricsOverride",
        serde_json::json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}),
    )
    .await;
    wait_for_images(driver).await;
    let shot = devtools(
        driver,
        "Page.captureScreenshot",
        serde_json::json!({"format": "png"}),
    )
    .await;
    let png = base64::engine::general_purpose::STANDARD
        .decode(shot["data"].as_str().expect("screenshot data"))
        .expect("a base64 screenshot");
    std::fs::write(file, png).expect("save the screenshot");
}

/// The page as a phone shows it ([`PHONE`]): it must not scroll sideways (its document no wider
/// than the room the window gives its content, so also no wider than the window), and its header
/// may take at most [`HEADER_SHARE`] of the screen's height. Saves `NAME-320.png` (the whole
/// page) and runs axe again (the narrow layout has its menu button and stacked tables); then
/// restores the desktop size. (Not "mobile" emulation: that zooms out to fit a page that is too
/// wide, so the window would grow with it.)
async fn check_narrow(
    driver: &WebDriver,
    name: &str,
    path: &str,
    axe_source: &str,
    shots: &Path,
    failures: &mut Vec<String>,
) {
    let (width, height) = PHONE;
    devtools(
        driver,
        "Emulation.setDeviceMetricsOverride",
        serde_json::json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}),
    )
    .await;
    wait_for_images(driver).await;
    check_chart_text(driver, &format!("{name} ({path}) at {width} px"), failures).await;
    let fit = measure_fit(driver).await;
    eprintln!(
        "{name} at {width}×{height}: document {} px wide, room {} px, window {} px; header {:.0} px of {} px",
        fit.scroll_width, fit.client_width, fit.inner_width, fit.header, fit.inner_height
    );
    if fit.scroll_width > fit.client_width || fit.scroll_width > fit.inner_width {
        failures.push(format!(
            "{name} ({path}) at {width} px: the page is {} px wide in a window of {} px ({} px for the content); too wide: {}",
            fit.scroll_width,
            fit.inner_width,
            fit.client_width,
            fit.wide.join(", ")
        ));
    }
    if fit.header > HEADER_SHARE * fit.inner_height {
        failures.push(format!(
            "{name} ({path}) at {width}×{height}: the header is {:.0} px high, more than {:.0} % of {} px",
            fit.header,
            HEADER_SHARE * 100.0,
            fit.inner_height
        ));
    }
    for violation in axe(driver, axe_source).await {
        failures.push(format!("{name} ({path}) at {width} px: {violation}"));
    }
    save_full_page(driver, width, &shots.join(format!("{name}-{width}.png"))).await;
    devtools(
        driver,
        "Emulation.clearDeviceMetricsOverride",
        serde_json::json!({}),
    )
    .await;
}

/// On a phone the menu folds behind the "Menu" button, which the keyboard opens (Enter) and
/// closes (Escape, back on the button) and which says whether it is open (`aria-expanded`); on a
/// wide screen there is no button and the navigation shows.
async fn check_menu(driver: &WebDriver) {
    let (width, height) = PHONE;
    devtools(
        driver,
        "Emulation.setDeviceMetricsOverride",
        serde_json::json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}),
    )
    .await;
    let button = driver.find(By::Css(".menu-button")).await.unwrap();
    let link = driver.find(By::Css("#site-menu nav a")).await.unwrap();
    let expanded = async || button.attr("aria-expanded").await.unwrap();
    assert!(
        button.is_displayed().await.unwrap(),
        "no menu button on a phone"
    );
    assert_eq!(expanded().await.as_deref(), Some("false"));
    assert!(
        !link.is_displayed().await.unwrap(),
        "the menu is open at first"
    );
    button.focus().await.unwrap();
    press(driver, Key::Enter).await;
    assert_eq!(expanded().await.as_deref(), Some("true"));
    assert!(
        link.is_displayed().await.unwrap(),
        "Enter did not open the menu"
    );
    link.focus().await.unwrap();
    press(driver, Key::Escape).await;
    assert_eq!(expanded().await.as_deref(), Some("false"));
    assert!(
        !link.is_displayed().await.unwrap(),
        "Escape did not close the menu"
    );
    let focused = driver.active_element().await.unwrap();
    assert_eq!(
        focused.attr("class").await.unwrap().as_deref(),
        Some("menu-button"),
        "Escape did not return to the button"
    );
    devtools(
        driver,
        "Emulation.clearDeviceMetricsOverride",
        serde_json::json!({}),
    )
    .await;
    assert!(
        !button.is_displayed().await.unwrap(),
        "a menu button on a wide screen"
    );
    assert!(
        link.is_displayed().await.unwrap(),
        "no navigation on a wide screen"
    );
}

struct Fixtures {
    action: i64,
    consultation: &'static str,
    draft_report: i64,
}

async fn fixtures(app: &TestApp, admin: &str) -> Fixtures {
    let (action, _) = crate::web::action_of(app, admin, "BZK", "rotterdam-zuid").await;
    crate::web::action_of(app, admin, "SZW", "rotterdam-zuid").await;
    let post = async |path: String, body: serde_json::Value| {
        let response = app
            .send(Method::POST, &path, Some(admin), Some(body), None)
            .await;
        assert_eq!(response.status(), 201, "POST {path}");
        response.json::<serde_json::Value>().await.unwrap()
    };
    post(
        format!("/api/v1/actions/{action}/milestones"),
        serde_json::json!({"title": "Schuldhulpmaatje gestart", "due_date": "2021-03-01"}),
    )
    .await;
    let indicator = post(
        format!("/api/v1/actions/{action}/indicators"),
        serde_json::json!({"name": "Huishoudens bereikt", "unit": "huishoudens",
            "baseline_value": 0.0, "target_value": 400.0, "target_date": "2021-12-31"}),
    )
    .await;
    let indicator = indicator["id"].as_i64().unwrap();
    for (date, value) in [("2021-01-15", 60.0), ("2021-03-15", 150.0)] {
        post(
            format!("/api/v1/indicators/{indicator}/values"),
            serde_json::json!({"measured_on": date, "value": value}),
        )
        .await;
    }
    post(
        "/api/v1/consultations".into(),
        serde_json::json!({
            "code": "uitvraag", "title": "Top 5 goede praktijken",
            "question": "Wat zijn uw beste praktijken voor jongeren?",
            "deadline": "2099-05-06T18:00:00", "target_groups": ["youth", "families"],
            "aspects": ["protection", "collaboration"], "municipalities": ["rotterdam"]
        }),
    )
    .await;
    // Reports: every ministry approves the spring period, whose report is then published; the
    // autumn period has a draft only.
    for ministry in ["BZK", "SZW", "OCW", "VWS", "JenV"] {
        for step in [
            serde_json::json!({"state": "submitted", "note": "Compleet"}),
            serde_json::json!({"state": "approved"}),
        ] {
            post(
                format!("/api/v1/periods/voorjaar-2021/signoffs/{ministry}"),
                step,
            )
            .await;
        }
    }
    let spring = app
        .send(
            Method::POST,
            "/api/v1/reports",
            Some(admin),
            Some(serde_json::json!({"period": "voorjaar-2021"})),
            None,
        )
        .await;
    assert_eq!(spring.status(), 201);
    let etag = spring.headers()["etag"].to_str().unwrap().to_string();
    let spring: serde_json::Value = spring.json().await.unwrap();
    let published = app
        .send(
            Method::POST,
            &format!("/api/v1/reports/{}/publish", spring["id"]),
            Some(admin),
            None,
            Some(&etag),
        )
        .await;
    assert_eq!(published.status(), 200);
    post(
        "/api/v1/periods".into(),
        serde_json::json!({"code": "najaar-2021", "name": "Najaar 2021", "cut_off": "2021-10-31"}),
    )
    .await;
    let draft = post(
        "/api/v1/reports".into(),
        serde_json::json!({"period": "najaar-2021"}),
    )
    .await;
    Fixtures {
        action,
        consultation: "uitvraag",
        draft_report: draft["id"].as_i64().unwrap(),
    }
}

/// What the scenarios need, owned, so they run in their own task and the browser is shut down
/// even when one fails.
struct Setup {
    base: String,
    action: i64,
    consultation: String,
    viewer_id: i64,
    draft_report: i64,
    axe_source: String,
    shots: PathBuf,
}

app_test!(
    async fn the_dashboard_works_in_a_real_browser(app: TestApp) {
        let Some(axe_source) = tools() else {
            return;
        };
        let backend = if app.database.url.starts_with("postgres") {
            "postgres"
        } else {
            "sqlite"
        };
        let admin = app.admin_token().await;
        let f = fixtures(&app, &admin).await;
        let mut viewer_id = 0;
        for (name, role, scope) in [
            ("browser-admin", "admin", None),
            ("browser-bzk", "ministry", Some("BZK")),
            ("browser-rotterdam", "municipality", Some("rotterdam")),
            ("browser-viewer", "viewer", None),
        ] {
            viewer_id = app.create_user(name, role, scope, WEB_PASSWORD);
        }
        let chromedriver = start_chromedriver().await;
        let profile = tempfile::tempdir().unwrap();
        let driver = start_browser(&chromedriver, profile.path()).await;
        let setup = Setup {
            base: app.address.clone(),
            action: f.action,
            consultation: f.consultation.to_string(),
            viewer_id,
            draft_report: f.draft_report,
            axe_source,
            shots: artifacts(backend),
        };
        let outcome = actix_web::rt::spawn(scenarios(driver.clone(), setup)).await;
        driver.quit().await.unwrap();
        drop(chromedriver);
        let failures = match outcome {
            Ok(failures) => failures,
            Err(panic) => std::panic::resume_unwind(panic.into_panic()),
        };
        // The refused update of the municipality was not written: only the ministry's is there.
        let updates = app
            .get_as(
                &admin,
                &format!("/api/v1/actions/{}/updates", f.action),
                200,
            )
            .await;
        assert_eq!(updates["total"], 1);
        assert!(
            failures.is_empty(),
            "axe-core found serious or critical WCAG 2.1 AA violations, or a page does not fit \
             its screen:\n  {}",
            failures.join("\n  ")
        );
    }
);

/// Every scenario, in one browser; returns the accessibility problems found.
async fn scenarios(driver: WebDriver, s: Setup) -> Vec<String> {
    let (base, axe_source, shots) = (s.base.as_str(), s.axe_source.as_str(), s.shots.as_path());
    let mut failures = Vec::new();
    // A visitor: the login page, and the keyboard: Tab reaches the skip link first, and
    // following it moves the focus to the main content.
    check_page(
        &driver,
        base,
        "login",
        "/inloggen",
        axe_source,
        shots,
        &mut failures,
    )
    .await;
    press(&driver, Key::Tab).await;
    let focused = driver.active_element().await.unwrap();
    assert_eq!(
        focused.attr("class").await.unwrap().as_deref(),
        Some("skip-link")
    );
    assert_eq!(
        focused.attr("href").await.unwrap().as_deref(),
        Some("#main")
    );
    press(&driver, Key::Enter).await;
    let focused = driver.active_element().await.unwrap();
    assert_eq!(focused.attr("id").await.unwrap().as_deref(), Some("main"));

    // A ministry user logs in, posts a progress update and sees it on the area page.
    log_in(&driver, base, "browser-bzk").await;
    check_menu(&driver).await;
    check_page(
        &driver,
        base,
        "overview",
        "/",
        axe_source,
        shots,
        &mut failures,
    )
    .await;
    check_page(
        &driver,
        base,
        "ministry",
        "/ministeries/BZK",
        axe_source,
        shots,
        &mut failures,
    )
    .await;
    let prefix = format!("a{}-", s.action);
    SelectElement::new(
        &driver
            .find(By::Id(format!("{prefix}status")))
            .await
            .unwrap(),
    )
    .await
    .unwrap()
    .select_by_value("at_risk")
    .await
    .unwrap();
    let percent = driver
        .find(By::Id(format!("{prefix}percent_complete")))
        .await
        .unwrap();
    percent.clear().await.unwrap();
    percent.send_keys("45").await.unwrap();
    driver
        .find(By::Id(format!("{prefix}note")))
        .await
        .unwrap()
        .send_keys("Vrijwilligers vallen uit; werving loopt")
        .await
        .unwrap();
    mark_page(&driver).await;
    driver
        .find(By::Css(format!(
            "form[action='/acties/{}/voortgang'] button[type='submit']",
            s.action
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(&driver, "/ministeries/BZK").await;
    let notice = driver
        .find(By::Css("p.notice"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(notice, "De voortgang is opgeslagen.");
    check_page(
        &driver,
        base,
        "area",
        "/gebieden/rotterdam-zuid",
        axe_source,
        shots,
        &mut failures,
    )
    .await;
    let history = driver
        .find(By::Css("#history-h + ol"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        history.contains("Vrijwilligers vallen uit; werving loopt"),
        "{history}"
    );
    assert!(history.contains("oranje · 45%"), "{history}");
    let action_path = format!("/acties/{}", s.action);
    // The "stand per" control: a past moment (notice, no forms) and a refused date.
    check_page(
        &driver,
        base,
        "overview-as-of",
        "/?as_of=2021-03-31",
        axe_source,
        shots,
        &mut failures,
    )
    .await;
    check_page(
        &driver,
        base,
        "action-as-of-refused",
        &format!("{action_path}?as_of=2021-02-30"),
        axe_source,
        shots,
        &mut failures,
    )
    .await;
    check_page(
        &driver,
        base,
        "action",
        &action_path,
        axe_source,
        shots,
        &mut failures,
    )
    .await;
    // The same form with a red status and no note comes back with its errors.
    SelectElement::new(&driver.find(By::Id("f-status")).await.unwrap())
        .await
        .unwrap()
        .select_by_value("off_track")
        .await
        .unwrap();
    mark_page(&driver).await;
    driver
        .find(By::Css("#voortgang button[type='submit']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(&driver, &format!("{action_path}/voortgang")).await;
    let focused = driver.active_element().await.unwrap();
    assert_eq!(
        focused.attr("id").await.unwrap().as_deref(),
        Some("error-summary")
    );
    check_page(
        &driver,
        base,
        "action-form-errors",
        "",
        axe_source,
        shots,
        &mut failures,
    )
    .await;
    log_out(&driver).await;

    // A municipality sees no edit form for the ministry's action, and posting one anyway,
    // with its valid session and CSRF token, is refused.
    log_in(&driver, base, "browser-rotterdam").await;
    driver.goto(format!("{base}{action_path}")).await.unwrap();
    let forms = driver
        .find_all(By::Css("form[action$='/voortgang']"))
        .await
        .unwrap();
    assert!(forms.is_empty(), "a municipality is shown a progress form");
    mark_page(&driver).await;
    driver
        .execute(
            r#"const form = document.createElement('form');
               form.method = 'post';
               form.action = arguments[0];
               for (const [name, value] of [
                   ['csrf', document.querySelector("input[name='csrf']").value],
                   ['status', 'on_track'], ['percent_complete', '90'], ['version', '1']]) {
                 const input = document.createElement('input');
                 input.type = 'hidden'; input.name = name; input.value = value;
                 form.appendChild(input);
               }
               document.body.appendChild(form);
               form.submit();"#,
            vec![serde_json::json!(format!("{action_path}/voortgang"))],
        )
        .await
        .unwrap();
    wait_for_path(&driver, &format!("{action_path}/voortgang")).await;
    assert_eq!(
        driver
            .find(By::Tag("h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "Geen toegang"
    );
    let body = main_text(&driver).await;
    assert!(body.contains("Foutcode 403"), "{body}");
    check_page(
        &driver,
        base,
        "error-403",
        "",
        axe_source,
        shots,
        &mut failures,
    )
    .await;

    let consultation = format!("/raadplegingen/{}", s.consultation);
    check_page(
        &driver,
        base,
        "consultation-municipality",
        &consultation,
        axe_source,
        shots,
        &mut failures,
    )
    .await;
    log_out(&driver).await;

    // A viewer sees the published report only; the draft does not exist for them.
    log_in(&driver, base, "browser-viewer").await;
    check_page(
        &driver,
        base,
        "reports-viewer",
        "/rapportages",
        axe_source,
        shots,
        &mut failures,
    )
    .await;
    let listed = main_text(&driver).await;
    assert!(listed.contains("Voorjaar 2021"), "{listed}");
    assert!(listed.contains("gepubliceerd"), "{listed}");
    assert!(
        !listed.contains("Najaar 2021"),
        "a viewer sees a draft: {listed}"
    );
    assert!(
        !listed.contains("Publiceren"),
        "a viewer sees the publish form: {listed}"
    );
    driver
        .goto(format!(
            "{base}/rapportages/{}/bestanden/html",
            s.draft_report
        ))
        .await
        .unwrap();
    let missing = main_text(&driver).await;
    assert!(
        missing.contains("404"),
        "a viewer opened a draft: {missing}"
    );
    log_out(&driver).await;

    // The programme office: the lists and the administration.
    log_in(&driver, base, "browser-admin").await;
    check_page(
        &driver,
        base,
        "reports-admin",
        "/rapportages",
        axe_source,
        shots,
        &mut failures,
    )
    .await;
    let listed = main_text(&driver).await;
    assert!(
        listed.contains("Najaar 2021") && listed.contains("concept"),
        "{listed}"
    );
    driver
        .find(By::Css(format!(
            "form[action='/rapportages/{}/publiceren'] button",
            s.draft_report
        )))
        .await
        .expect("admins see the publish button of a draft");
    check_page(
        &driver,
        base,
        "ministry-signoff-admin",
        "/ministeries/SZW",
        axe_source,
        shots,
        &mut failures,
    )
    .await;
    for (name, path) in [
        ("consultations", "/raadplegingen".to_string()),
        ("consultation-overview", consultation.clone()),
        ("admin-users", "/beheer".into()),
        ("admin-user", format!("/beheer/gebruikers/{}", s.viewer_id)),
        ("admin-periods", "/beheer/perioden".into()),
        ("admin-areas", "/beheer/gebieden".into()),
    ] {
        check_page(&driver, base, name, &path, axe_source, shots, &mut failures).await;
    }
    // And in English.
    mark_page(&driver).await;
    driver
        .find(By::Css("form[action='/taal'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(&driver, "/beheer/gebieden").await;
    assert_eq!(
        driver
            .find(By::Tag("html"))
            .await
            .unwrap()
            .attr("lang")
            .await
            .unwrap()
            .as_deref(),
        Some("en")
    );
    // Every kind of page in English too, at both widths.
    for (name, path) in [
        ("overview-english", "/".to_string()),
        ("area-english", "/gebieden/rotterdam-zuid".into()),
        ("ministry-english", "/ministeries/SZW".into()),
        ("action-english", action_path.clone()),
        ("reports-english", "/rapportages".into()),
        ("consultations-english", "/raadplegingen".into()),
        ("consultation-english", consultation.clone()),
        ("admin-users-english", "/beheer".into()),
        (
            "admin-user-english",
            format!("/beheer/gebruikers/{}", s.viewer_id),
        ),
    ] {
        check_page(&driver, base, name, &path, axe_source, shots, &mut failures).await;
    }
    log_out(&driver).await;
    check_page(
        &driver,
        base,
        "login-english",
        "",
        axe_source,
        shots,
        &mut failures,
    )
    .await;

    failures
}
