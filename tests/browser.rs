//! The HTML report in a real browser: the Debian package's headless Chromium loads the page
//! over the DevTools protocol. The test fails on a console error (or an uncaught exception),
//! on a chart (`svg`) with zero size, or on any network request other than the page itself;
//! it writes a screenshot (`target/tmp/report-zh.png`; with `FANZHA_SCREENSHOT=PATH` also to
//! PATH, e.g. `docs/report-zh.png` for the README). A control page that breaks all three
//! rules checks that each failure is seen.
//!
//! Needs Chromium: `apt-get install -y chromium fonts-noto-cjk` (`.ci/run` installs it);
//! without it the test fails, naming that command. `FANZHA_CHROMIUM` overrides the binary.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use fanzha::analysis;
use fanzha::optimize::bound;
use fanzha::report::html::{Lang, Page, html};
use fanzha::report::{Baseline, UncertaintyReport};
use fanzha::uncertainty::{monte_carlo, sensitivity, versus};
use fanzha::{Blanket, GreedyLocalSearch, PlanReport, Strategy, scenarios};
use serde_json::{Value, json};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

const INSTALL: &str = "apt-get install -y chromium fonts-noto-cjk";
const WIDTH: u32 = 1000;
const SHOT_HEIGHT: u32 = 1500;
const TIMEOUT: Duration = Duration::from_secs(30);

/// The Chromium binary, or a failure naming the install command.
fn chromium() -> PathBuf {
    if let Ok(p) = std::env::var("FANZHA_CHROMIUM") {
        return PathBuf::from(p);
    }
    for p in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] {
        if Path::new(p).exists() {
            return PathBuf::from(p);
        }
    }
    panic!("headless Chromium not found (/usr/bin/chromium): install it with `{INSTALL}`");
}

/// A temporary folder, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("fanzha-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // Chromium's helper processes may still be closing files in the profile: retry.
        for _ in 0..50 {
            if std::fs::remove_dir_all(&self.0).is_ok() || !self.0.exists() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// A running headless Chromium and a DevTools connection to it; killed on drop.
struct Browser {
    child: Child,
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
    next: u64,
    events: Vec<Value>,
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Browser.close shuts down Chromium and its helper processes; kill only if it hangs.
        let close = json!({ "id": self.next + 1, "method": "Browser.close" }).to_string();
        let _ = self.ws.send(Message::text(close));
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn launch(profile: &Path) -> Browser {
        let mut child = Command::new(chromium())
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start Chromium ({e}): install it with `{INSTALL}`"));
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    let _ = tx.send(url.trim().to_string());
                }
            }
        });
        let url = match rx.recv_timeout(TIMEOUT) {
            Ok(url) => url,
            Err(_) => {
                let _ = child.kill();
                panic!("Chromium printed no DevTools address in {TIMEOUT:?}");
            }
        };
        let (ws, _) = tungstenite::connect(url.as_str()).expect("DevTools websocket");
        if let MaybeTlsStream::Plain(s) = ws.get_ref() {
            s.set_read_timeout(Some(TIMEOUT)).expect("read timeout");
        }
        Browser {
            child,
            ws,
            next: 0,
            events: Vec::new(),
        }
    }

    /// Sends a DevTools command and returns its result; events read meanwhile are kept.
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        self.ws
            .send(Message::text(msg.to_string()))
            .expect("send to Chromium");
        loop {
            let v = self.read();
            if v["id"].as_u64() == Some(id) {
                assert!(v.get("error").is_none(), "{method} failed: {}", v["error"]);
                return v["result"].clone();
            }
            self.events.push(v);
        }
    }

    fn read(&mut self) -> Value {
        loop {
            match self.ws.read().expect("read from Chromium") {
                Message::Text(t) => return serde_json::from_str(t.as_str()).expect("CDP JSON"),
                Message::Close(_) => panic!("Chromium closed the DevTools connection"),
                _ => {}
            }
        }
    }

    /// Reads events until one named `method` arrives for `session`.
    fn wait_for(&mut self, session: &str, method: &str) {
        let start = Instant::now();
        let seen = |e: &Value| e["method"] == method && e["sessionId"] == session;
        while !self.events.iter().any(seen) {
            assert!(start.elapsed() < TIMEOUT, "no {method} in {TIMEOUT:?}");
            let v = self.read();
            self.events.push(v);
        }
    }
}

/// What loading one page showed.
struct Load {
    /// Console errors, uncaught exceptions and error log entries.
    errors: Vec<String>,
    /// URLs requested other than the page's.
    requests: Vec<String>,
    /// Width and height of each `svg`.
    charts: Vec<(f64, f64)>,
    /// The top of the page as PNG.
    screenshot: Vec<u8>,
}

/// Loads `file` in a new tab and collects what it did.
fn load(b: &mut Browser, file: &Path) -> Load {
    let target = b.call(None, "Target.createTarget", json!({ "url": "about:blank" }));
    let attach = json!({ "targetId": target["targetId"], "flatten": true });
    let session = b.call(None, "Target.attachToTarget", attach)["sessionId"]
        .as_str()
        .expect("session id")
        .to_string();
    let s = Some(session.as_str());
    for domain in ["Page", "Runtime", "Log", "Network"] {
        b.call(s, &format!("{domain}.enable"), json!({}));
    }
    let metrics =
        json!({ "width": WIDTH, "height": SHOT_HEIGHT, "deviceScaleFactor": 1, "mobile": false });
    b.call(s, "Emulation.setDeviceMetricsOverride", metrics);
    let url = format!("file://{}", file.display());
    b.call(s, "Page.navigate", json!({ "url": url }));
    b.wait_for(&session, "Page.loadEventFired");
    let sizes = "JSON.stringify([...document.querySelectorAll('svg')].map(e => \
                 { const r = e.getBoundingClientRect(); return [r.width, r.height]; }))";
    let v = b.call(
        s,
        "Runtime.evaluate",
        json!({ "expression": sizes, "returnByValue": true }),
    );
    let charts: Vec<(f64, f64)> =
        serde_json::from_str(v["result"]["value"].as_str().expect("sizes")).expect("sizes JSON");
    let clip = json!({ "x": 0, "y": 0, "width": WIDTH, "height": SHOT_HEIGHT, "scale": 1 });
    let shot = b.call(
        s,
        "Page.captureScreenshot",
        json!({ "format": "png", "clip": clip }),
    );
    let screenshot = base64::engine::general_purpose::STANDARD
        .decode(shot["data"].as_str().expect("png data"))
        .expect("base64 png");
    // Anything still queued (a late console message) is read before judging.
    b.call(s, "Runtime.evaluate", json!({ "expression": "1" }));
    let mine: Vec<&Value> = b
        .events
        .iter()
        .filter(|e| e["sessionId"] == session)
        .collect();
    let mut errors = Vec::new();
    let mut requests = Vec::new();
    for e in mine {
        let p = &e["params"];
        match e["method"].as_str() {
            Some("Runtime.exceptionThrown") => errors.push(p["exceptionDetails"].to_string()),
            Some("Runtime.consoleAPICalled")
                if matches!(p["type"].as_str(), Some("error" | "assert")) =>
            {
                errors.push(p["args"].to_string());
            }
            Some("Log.entryAdded") if p["entry"]["level"] == "error" => {
                errors.push(p["entry"]["text"].to_string());
            }
            Some("Network.requestWillBeSent") => {
                let r = p["request"]["url"].as_str().unwrap_or_default().to_string();
                if r != url {
                    requests.push(r);
                }
            }
            _ => {}
        }
    }
    b.call(
        None,
        "Target.closeTarget",
        json!({ "targetId": target["targetId"] }),
    );
    Load {
        errors,
        requests,
        charts,
        screenshot,
    }
}

/// Jurong's page in Chinese with every analysis (a short frontier and few draws, for speed).
fn jurong_page() -> String {
    let problem = scenarios::jurong_2023().compile().unwrap();
    let (_, u) = scenarios::jurong_2023().compile_uncertain().unwrap();
    let strategy = GreedyLocalSearch::default();
    let plan = strategy.plan(&problem).unwrap();
    let mut report = PlanReport::new(&problem, strategy.name(), &plan).unwrap();
    let b = bound(&problem).unwrap();
    report.outcome = report.outcome.take().map(|o| o.with_bound(b.value));
    let base_plan = Blanket.plan(&problem).unwrap();
    let base = Baseline::new(&problem, "blanket", &base_plan).unwrap();
    let budgets = analysis::default_budgets(&problem, 6);
    let frontier = analysis::frontier(&problem, &strategy, &Blanket, &budgets).unwrap();
    let limits = analysis::limits(&problem, &plan).unwrap();
    let siloed = analysis::siloed(&problem, &strategy, &plan).unwrap();
    let floors = analysis::floor_status(&problem, &plan).unwrap();
    let u = u.with_draws(100, 7);
    let mc = monte_carlo(&problem, &u, &plan).unwrap();
    let vs = versus(&problem, &u, &plan, &base_plan).unwrap();
    let sens = sensitivity(&problem, &u, &plan, &strategy).unwrap();
    let ur = UncertaintyReport::new(&u, &mc, Some(("blanket", &vs)), Some(&sens));
    let mut page = Page::new(&problem, &report, &plan, Lang::Zh);
    page.baseline = Some(&base);
    page.frontier = Some(&frontier);
    page.limits = Some(&limits);
    page.siloed = Some(&siloed);
    page.floors = Some(&floors);
    page.uncertainty = Some(&ur);
    html(&page).unwrap()
}

/// A page breaking every rule: a console error, an external request, a zero-size chart.
const BAD_PAGE: &str = "<!DOCTYPE html><html><body>\
<svg width=\"0\" height=\"0\"></svg><img src=\"http://127.0.0.1:9/x.png\">\
<script>console.error('broken')</script></body></html>";

#[test]
fn the_report_loads_in_chromium_without_errors_requests_or_empty_charts() {
    let dir = TempDir::new("browser");
    let page = dir.0.join("report-zh.html");
    std::fs::write(&page, jurong_page()).unwrap();
    let bad = dir.0.join("bad.html");
    std::fs::write(&bad, BAD_PAGE).unwrap();
    let profile = dir.0.join("profile");
    let mut b = Browser::launch(&profile);

    // The control: each failure kind is seen.
    let control = load(&mut b, &bad);
    assert!(!control.errors.is_empty(), "the console error was not seen");
    assert!(
        !control.requests.is_empty(),
        "the external request was not seen"
    );
    assert!(
        control.charts.iter().any(|c| c.0 * c.1 == 0.0),
        "the empty svg was not seen"
    );

    let l = load(&mut b, &page);
    drop(b);
    assert!(l.errors.is_empty(), "console errors: {:?}", l.errors);
    assert!(l.requests.is_empty(), "network requests: {:?}", l.requests);
    assert!(l.charts.len() >= 8, "only {} charts", l.charts.len());
    for (i, (w, h)) in l.charts.iter().enumerate() {
        assert!(*w > 0.0 && *h > 0.0, "chart {i} has size {w} x {h}");
    }
    assert!(
        l.screenshot.starts_with(b"\x89PNG"),
        "screenshot is not a PNG"
    );
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-zh.png");
    std::fs::write(&out, &l.screenshot).unwrap();
    if let Ok(p) = std::env::var("FANZHA_SCREENSHOT") {
        std::fs::write(&p, &l.screenshot).unwrap();
    }
}
