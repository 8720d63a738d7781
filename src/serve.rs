//! `qbank serve`: a small live-reloading static file server built on `std` only.
//!
//! [`serve`] composes three independent pieces, each usable (and tested) on its own:
//! - an HTTP/1.1 server ([`bind`], [`HttpState`], [`spawn_http`]) that serves the built site,
//!   resolving every request against the site directory afresh (builds replace it wholesale);
//! - live reload: every `text/html` response gets a tiny inline script
//!   ([`inject_reload_script`]) that polls [`VERSION_PATH`] and reloads the tab when the build
//!   version changes;
//! - a file watcher ([`crate::watch::Watcher`]) that notices edits of the book's sources.

use std::ffi::OsStr;
use std::fs;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::watch::{WatchMode, Watcher};

/// The request path that answers with the current build version as plain text.
pub const VERSION_PATH: &str = "/__qbank/version";

/// The largest request head (request line plus headers) the server accepts; larger heads get
/// `431 Request Header Fields Too Large`.
pub const MAX_REQUEST_HEAD: usize = 64 * 1024;

/// How often the injected script polls [`VERSION_PATH`].
pub const RELOAD_POLL_MS: u64 = 1000;

/// Read/write timeout for one client connection.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// Options for [`serve`].
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The book root (directory holding book.toml and src/). Its sources are watched for edits.
    pub root: PathBuf,
    /// The directory the site is built into, served over HTTP. It may be replaced wholesale
    /// (renamed away and a new directory renamed in) by each rebuild, so resolve files per request.
    pub site_dir: PathBuf,
    /// Host name or IP address to listen on (`127.0.0.1`, `localhost`, `0.0.0.0`, `::1`, ...).
    pub host: String,
    /// TCP port to listen on; `0` picks a free port (the real one is printed).
    pub port: u16,
    /// How edits are noticed: OS events, or polling (`--poll`).
    pub watch: WatchMode,
}

/// Builds once, serves `site_dir`, rebuilds whenever a watched file of the book changes (see
/// [`crate::watch`]) and tells open browser tabs to reload after each successful rebuild.
/// Runs until the process is killed.
///
/// `rebuild` returns `Err` on a failed build; the error is printed (with `{:#}`) and the last good
/// site keeps being served. The only error this function returns is failing to bind
/// `host:port`, which happens before the first build.
pub fn serve(
    opts: &ServeOptions,
    rebuild: impl FnMut() -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let listener = bind(&opts.host, opts.port)?;
    serve_on(listener, opts, rebuild)
}

/// [`serve`] on a listener the caller already bound (`opts.port` is then only informative).
pub fn serve_on(
    listener: TcpListener,
    opts: &ServeOptions,
    mut rebuild: impl FnMut() -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let port = listener.local_addr().map_or(opts.port, |a| a.port());

    // Start the version at the wall-clock time so that tabs left open across a server restart
    // see a different number and reload, too. It only ever increases from there.
    let start_version = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()
        .and_then(|d| u64::try_from(d.as_millis()).ok())
        .unwrap_or(0);
    let version = Arc::new(AtomicU64::new(start_version));

    // Watch before the first build: edits made while it runs trigger a rebuild.
    let mut watcher = Watcher::new(&opts.root, &opts.site_dir, opts.watch);
    run_rebuild(&mut rebuild, &version, "built");

    let state = Arc::new(HttpState {
        site_dir: opts.site_dir.clone(),
        version: Arc::clone(&version),
    });
    spawn_http(listener, state);
    println!(
        "Serving {} at http://{}/",
        opts.site_dir.display(),
        host_port(&opts.host, port)
    );
    let _ = io::stdout().flush();

    loop {
        if let Some(changed) = watcher.wait(Duration::from_secs(3600)) {
            print_changes(&opts.root, &changed);
            run_rebuild(&mut rebuild, &version, "rebuilt");
        }
    }
}

/// Runs one build; on success bumps `version` and prints `<verb> in N ms`, on failure prints the
/// error. Returns whether the build succeeded.
fn run_rebuild(
    rebuild: &mut impl FnMut() -> anyhow::Result<()>,
    version: &AtomicU64,
    verb: &str,
) -> bool {
    let started = Instant::now();
    match rebuild() {
        Ok(()) => {
            version.fetch_add(1, Ordering::SeqCst);
            println!("{verb} in {} ms", started.elapsed().as_millis());
            let _ = io::stdout().flush();
            true
        }
        Err(err) => {
            eprintln!("build failed: {err:#}");
            eprintln!("(still serving the last good site)");
            false
        }
    }
}

fn print_changes(root: &Path, changed: &[PathBuf]) {
    let root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    const SHOWN: usize = 3;
    for path in changed.iter().take(SHOWN) {
        let shown = path.strip_prefix(&root).unwrap_or(path);
        println!("changed: {}", shown.display());
    }
    if changed.len() > SHOWN {
        println!("changed: ... and {} more", changed.len() - SHOWN);
    }
}

/// Formats `host:port` for messages and URLs, bracketing bare IPv6 addresses.
fn host_port(host: &str, port: u16) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// Binds a TCP listener on `host:port` (`port` 0 picks a free port). `host` may be a name, an
/// IPv4 address or an IPv6 address with or without brackets. The error message names `host:port`.
pub fn bind(host: &str, port: u16) -> io::Result<TcpListener> {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    TcpListener::bind((bare, port)).map_err(|err| {
        io::Error::new(
            err.kind(),
            format!("cannot listen on {}: {err}", host_port(host, port)),
        )
    })
}

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

/// What the HTTP server needs to answer requests.
#[derive(Debug)]
pub struct HttpState {
    /// The directory served at `/`. Looked up afresh on every request.
    pub site_dir: PathBuf,
    /// The build version reported at [`VERSION_PATH`] and embedded in injected reload scripts.
    pub version: Arc<AtomicU64>,
}

impl HttpState {
    /// State serving `site_dir` with the version starting at 0.
    pub fn new(site_dir: impl Into<PathBuf>) -> Self {
        HttpState {
            site_dir: site_dir.into(),
            version: Arc::new(AtomicU64::new(0)),
        }
    }
}

/// Spawns a thread that accepts connections on `listener` forever, answering each one on its own
/// thread (one request per connection, `Connection: close`).
pub fn spawn_http(listener: TcpListener, state: Arc<HttpState>) -> JoinHandle<()> {
    thread::spawn(move || {
        for conn in listener.incoming() {
            match conn {
                Ok(stream) => {
                    let state = Arc::clone(&state);
                    // If the OS refuses a new thread the connection is simply dropped.
                    let _ = thread::Builder::new()
                        .name("qbank-http-conn".into())
                        .spawn(move || handle_connection(stream, &state));
                }
                // E.g. too many open files: back off briefly instead of spinning.
                Err(_) => thread::sleep(Duration::from_millis(20)),
            }
        }
    })
}

/// Answers one request on `stream` and closes it. Never panics on bad input.
fn handle_connection(mut stream: TcpStream, state: &HttpState) {
    let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
    let (response, is_head) = match read_head(&mut stream) {
        Ok(head) => {
            let is_head = head.starts_with(b"HEAD ");
            (respond(&head, state), is_head)
        }
        Err(HeadError::TooLarge) => (
            Response::text(431, "request head too large (limit 64 KiB)\n"),
            false,
        ),
        Err(HeadError::Io) => return,
    };
    let _ = stream.write_all(&response.to_bytes(!is_head));
    let _ = stream.flush();
    // Half-close, then drain whatever the client still sends (a body we ignored, the rest of an
    // oversized head) so closing does not reset the connection before it reads the response.
    let _ = stream.shutdown(Shutdown::Write);
    drain(&mut stream);
}

fn drain(stream: &mut TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let mut buf = [0u8; 8192];
    let mut total = 0usize;
    while total < 1024 * 1024 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => total += n,
        }
    }
}

enum HeadError {
    /// The head exceeded [`MAX_REQUEST_HEAD`].
    TooLarge,
    /// The connection failed, timed out or closed before sending anything.
    Io,
}

/// Reads the request head (up to and including the blank line).
fn read_head(stream: &mut impl Read) -> Result<Vec<u8>, HeadError> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 4096];
    loop {
        let n = match stream.read(&mut buf) {
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return Err(HeadError::Io),
        };
        if n == 0 {
            // Client half-closed: answer whatever it sent, if anything.
            return if head.is_empty() {
                Err(HeadError::Io)
            } else {
                Ok(head)
            };
        }
        let searched_from = head.len().saturating_sub(3);
        head.extend_from_slice(&buf[..n]);
        if let Some(end) = head_end(&head, searched_from) {
            if end > MAX_REQUEST_HEAD {
                return Err(HeadError::TooLarge);
            }
            head.truncate(end);
            return Ok(head);
        }
        if head.len() >= MAX_REQUEST_HEAD {
            return Err(HeadError::TooLarge);
        }
    }
}

/// Index just past the blank line ending the head (`\r\n\r\n` or a bare `\n\n`), searching from
/// `from`.
fn head_end(buf: &[u8], from: usize) -> Option<usize> {
    (from..buf.len()).find_map(|i| {
        let rest = &buf[i..];
        if rest.starts_with(b"\r\n\r\n") {
            Some(i + 4)
        } else if rest.starts_with(b"\n\n") {
            Some(i + 2)
        } else {
            None
        }
    })
}

/// An HTTP response before serialization.
struct Response {
    status: u16,
    content_type: &'static str,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Response {
    fn new(status: u16, content_type: &'static str, body: Vec<u8>) -> Self {
        Response {
            status,
            content_type,
            headers: Vec::new(),
            body,
        }
    }

    fn text(status: u16, body: &str) -> Self {
        Response::new(
            status,
            "text/plain; charset=utf-8",
            body.as_bytes().to_vec(),
        )
    }

    fn header(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Serializes the response; `include_body` is false for HEAD (headers stay identical).
    fn to_bytes(&self, include_body: bool) -> Vec<u8> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n",
            self.status,
            reason_phrase(self.status),
            self.content_type,
            self.body.len()
        );
        for (name, value) in &self.headers {
            head.push_str(name);
            head.push_str(": ");
            head.push_str(value);
            head.push_str("\r\n");
        }
        head.push_str("\r\n");
        let mut out = head.into_bytes();
        if include_body {
            out.extend_from_slice(&self.body);
        }
        out
    }
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        _ => "Unknown",
    }
}

/// Turns a request head into a response.
fn respond(head: &[u8], state: &HttpState) -> Response {
    let line_end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let line = head[..line_end]
        .strip_suffix(b"\r")
        .unwrap_or(&head[..line_end]);
    let Ok(line) = std::str::from_utf8(line) else {
        return Response::text(400, "bad request line\n");
    };
    let parts: Vec<&str> = line.split_ascii_whitespace().collect();
    let [method, target, http_version] = parts[..] else {
        return Response::text(400, "bad request line\n");
    };
    if !http_version.starts_with("HTTP/") {
        return Response::text(400, "bad request line\n");
    }
    if method != "GET" && method != "HEAD" {
        return Response::text(405, "only GET and HEAD are supported\n")
            .header("Allow", "GET, HEAD".into());
    }

    // Absolute-form targets (`http://host/path`) are allowed by HTTP/1.1; keep only the path.
    let target = match target.split_once("://") {
        Some((scheme, rest))
            if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") =>
        {
            rest.find('/').map_or("/", |i| &rest[i..])
        }
        _ => target,
    };
    let path_end = target.find(['?', '#']).unwrap_or(target.len());
    let (path, after) = target.split_at(path_end);
    let query = after.split('#').next().unwrap_or("");

    let version = state.version.load(Ordering::SeqCst);
    if path == VERSION_PATH {
        return Response::text(200, &version.to_string());
    }

    let Some(file) = resolve_request_path(&state.site_dir, target) else {
        return Response::text(400, "bad request path\n");
    };
    if file.is_dir() {
        // `/sub` → `/sub/`, so relative links inside sub/index.html resolve correctly.
        return Response::text(301, "moved\n").header("Location", format!("{path}/{query}"));
    }
    match fs::read(&file) {
        Ok(bytes) => file_response(200, &file, bytes, version),
        Err(_) => not_found(state, version),
    }
}

/// A response for a file's bytes, typed by extension, with the reload script in HTML.
fn file_response(status: u16, file: &Path, bytes: Vec<u8>, version: u64) -> Response {
    let content_type = content_type(file);
    let body = if content_type.starts_with("text/html") {
        inject_reload_script(&bytes, version)
    } else {
        bytes
    };
    Response::new(status, content_type, body)
}

/// 404 with `site_dir/404.html` as the body if it exists, else a short text body.
fn not_found(state: &HttpState, version: u64) -> Response {
    let page = state.site_dir.join("404.html");
    match fs::read(&page) {
        Ok(bytes) => file_response(404, &page, bytes, version),
        Err(_) => Response::text(404, "404 Not Found\n"),
    }
}

/// Maps a request target (`/a/b.html?x#y`, percent-encoded, UTF-8) to a path under `site_dir`.
///
/// Pure: it does not touch the file system. The query string and fragment are dropped; a path
/// ending in `/` (including `/` itself) maps to that directory's `index.html`. Returns `None` for
/// targets that do not start with `/`, malformed percent-encoding, encodings that are not UTF-8,
/// and anything that could escape `site_dir`: `..` segments (also when percent-encoded), an
/// absolute path after the leading `/` (`//etc`, `/%2Fetc`), backslashes, NUL bytes and drive
/// prefixes.
pub fn resolve_request_path(site_dir: &Path, raw_path: &str) -> Option<PathBuf> {
    let path_end = raw_path.find(['?', '#']).unwrap_or(raw_path.len());
    let rest = raw_path[..path_end].strip_prefix('/')?;
    let decoded = percent_decode(rest)?;
    if decoded.starts_with('/') || decoded.contains(['\\', '\0']) {
        return None;
    }
    let mut out = site_dir.to_path_buf();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => continue,
            ".." => return None,
            _ => {}
        }
        // Exactly one ordinary component (rejects e.g. `C:` prefixes on Windows).
        let mut components = Path::new(segment).components();
        match (components.next(), components.next()) {
            (Some(Component::Normal(c)), None) if c == OsStr::new(segment) => out.push(segment),
            _ => return None,
        }
    }
    if decoded.is_empty() || decoded.ends_with('/') {
        out.push("index.html");
    }
    Some(out)
}

/// Decodes `%XX` escapes; the result must be valid UTF-8. `None` on a malformed escape or
/// invalid UTF-8. (`+` is left alone: it only means a space in query strings.)
pub fn percent_decode(s: &str) -> Option<String> {
    fn hex(b: u8) -> Option<u8> {
        char::from(b)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let pair = bytes.get(i + 1..i + 3)?;
            out.push(hex(pair[0])? * 16 + hex(pair[1])?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `Content-Type` for a file, by extension (case-insensitive). HTML and text types carry
/// `; charset=utf-8`; unknown extensions are `application/octet-stream`.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(OsStr::to_str)
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// The inline live-reload script for a page served at build `version`.
///
/// It polls [`VERSION_PATH`] every [`RELOAD_POLL_MS`] ms and reloads the page once the server
/// reports a different version. The baseline is the version the page was served at (rather than
/// the first poll's answer), so a rebuild finishing between page load and first poll still
/// reloads. Failed polls (server restarting) are retried silently.
pub fn reload_script(version: u64) -> String {
    format!(
        r#"<script id="qbank-live-reload">
(function () {{
  var seen = "{version}";
  function poll() {{
    fetch("{VERSION_PATH}", {{ cache: "no-store" }})
      .then(function (r) {{ return r.ok ? r.text() : null; }})
      .then(function (v) {{
        if (v !== null && v.trim() !== seen) {{ location.reload(); return; }}
        setTimeout(poll, {RELOAD_POLL_MS});
      }}, function () {{ setTimeout(poll, {RELOAD_POLL_MS}); }});
  }}
  setTimeout(poll, {RELOAD_POLL_MS});
}})();
</script>
"#
    )
}

/// Inserts [`reload_script`] just before the last `</body` (case-insensitive), or appends it when
/// the document has no closing body tag.
pub fn inject_reload_script(html: &[u8], version: u64) -> Vec<u8> {
    let script = reload_script(version);
    let needle = b"</body";
    let at = html
        .windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + script.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}
