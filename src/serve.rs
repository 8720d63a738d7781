//! `qbank serve`: a small live-reloading static file server built on `std` only.
//!
//! [`serve`] composes three independent pieces, each usable (and tested) on its own:
//! - an HTTP/1.1 server ([`bind`], [`HttpState`], [`spawn_http`]) that serves the built site,
//!   resolving every request against the site directory afresh (builds replace it wholesale).
//!   It answers only requests addressed to this machine ([`HostPolicy`], against DNS
//!   rebinding), holds at most [`Limits::max_connections`] connections at once and gives each
//!   a deadline ([`Limits`]), so that slow or idle clients cannot exhaust it;
//! - live reload: every `text/html` response gets a tiny inline script
//!   ([`inject_reload_script`]) that polls [`VERSION_PATH`] and reloads the tab when the build
//!   version changes;
//! - a file watcher ([`crate::watch::Watcher`]) that notices edits of the book's sources.

use std::ffi::OsStr;
use std::fs;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Shutdown, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
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

/// How long closing a connection waits for the client to stop sending.
const DRAIN_TIME: Duration = Duration::from_secs(1);

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
/// `rebuild` gets the files that changed (none for the first build) and returns `Err` on a
/// failed build; the error is printed (with `{:#}`) and the last good site keeps being served.
/// `fresh`, when given, is called with the file of each request before it is read (see
/// [`FreshHook`]). The only error this function returns is failing to bind `host:port`, which
/// happens before the first build.
pub fn serve(
    opts: &ServeOptions,
    rebuild: impl FnMut(&[PathBuf]) -> anyhow::Result<()>,
    fresh: Option<FreshHook>,
) -> anyhow::Result<()> {
    let listener = bind(&opts.host, opts.port)?;
    serve_on(listener, opts, rebuild, fresh)
}

/// Called with the file a request asks for before it is read, so that a file the last
/// rebuild left stale (`print.html` after a page-only rebuild) is brought up to date first.
#[derive(Clone)]
pub struct FreshHook(pub Arc<dyn Fn(&Path) + Send + Sync>);

impl std::fmt::Debug for FreshHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FreshHook")
    }
}

/// [`serve`] on a listener the caller already bound (`opts.port` is then only informative).
///
/// On a loopback address only requests whose `Host` names this machine are answered (see
/// [`HostPolicy`]); on any other address every `Host` is, and a warning says that the
/// handbook can be read from the network.
pub fn serve_on(
    listener: TcpListener,
    opts: &ServeOptions,
    mut rebuild: impl FnMut(&[PathBuf]) -> anyhow::Result<()>,
    fresh: Option<FreshHook>,
) -> anyhow::Result<()> {
    let local = listener.local_addr().ok();
    let port = local.map_or(opts.port, |a| a.port());
    let hosts = local.map_or_else(
        || HostPolicy::local(&opts.host),
        |a| HostPolicy::for_bind(&opts.host, a.ip()),
    );
    if hosts == HostPolicy::Any {
        eprintln!(
            "warning: serving on {}, which other machines can reach: anyone on the network can \
             read the handbook, answers included",
            host_port(&opts.host, port)
        );
        eprintln!("  help: to keep it on this machine, serve on 127.0.0.1 (the default)");
    }

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
    run_rebuild(&mut rebuild, &[], &version, "built");

    let state = Arc::new(HttpState {
        version: Arc::clone(&version),
        fresh,
        ..HttpState::new(&opts.site_dir).with_hosts(hosts)
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
            run_rebuild(&mut rebuild, &changed, &version, "rebuilt");
        }
    }
}

/// Runs one build; on success bumps `version` and prints `<verb> in N ms`, on failure prints the
/// error. Returns whether the build succeeded.
fn run_rebuild(
    rebuild: &mut impl FnMut(&[PathBuf]) -> anyhow::Result<()>,
    changed: &[PathBuf],
    version: &AtomicU64,
    verb: &str,
) -> bool {
    let started = Instant::now();
    match rebuild(changed) {
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

/// Which `Host` a request may name, against DNS rebinding: a web page on a hostile site whose
/// name is made to resolve to 127.0.0.1 would otherwise read the handbook through the
/// reader's browser. Such a request still names the hostile site in its `Host` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPolicy {
    /// Serving on a loopback address: only `localhost`, `*.localhost`, loopback addresses
    /// (127.0.0.0/8, `[::1]`) and `bound` (the host name the server was told to listen on)
    /// are answered, with any port or none.
    Local {
        /// The `-n` host as given, e.g. a name of this machine that resolves to a loopback
        /// address.
        bound: String,
    },
    /// Serving on a non-loopback address (`-n 0.0.0.0`, a LAN address): any `Host`.
    Any,
}

impl HostPolicy {
    /// [`HostPolicy::Local`] for `bound`.
    pub fn local(bound: &str) -> Self {
        HostPolicy::Local {
            bound: bound.to_owned(),
        }
    }

    /// The policy for a server told to listen on `host`, which bound the address `ip`:
    /// [`HostPolicy::Local`] on a loopback address, [`HostPolicy::Any`] otherwise (including
    /// the unspecified addresses `0.0.0.0` and `::`, which listen on every interface).
    pub fn for_bind(host: &str, ip: IpAddr) -> Self {
        let loopback = match ip {
            IpAddr::V4(v4) => v4.is_loopback(),
            IpAddr::V6(v6) => {
                v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
            }
        };
        if loopback {
            HostPolicy::local(host)
        } else {
            HostPolicy::Any
        }
    }

    /// Whether a request whose `Host` header (or absolute-form target authority) is `value`
    /// (`name`, `name:port`, `[v6]` or `[v6]:port`) is answered. A malformed value is not.
    pub fn allows(&self, value: &str) -> bool {
        let Some(name) = host_name(value) else {
            return false;
        };
        match self {
            HostPolicy::Any => true,
            HostPolicy::Local { bound } => {
                let bound = bound
                    .strip_prefix('[')
                    .and_then(|b| b.strip_suffix(']'))
                    .unwrap_or(bound);
                let bound = bound.strip_suffix('.').unwrap_or(bound);
                is_loopback_name(&name) || (!bound.is_empty() && name.eq_ignore_ascii_case(bound))
            }
        }
    }
}

/// The host part of a `Host` value, lowercased, without brackets, port or trailing dot.
/// `None` when malformed: empty, a port that is not a number, a bare IPv6 address, spaces.
fn host_name(value: &str) -> Option<String> {
    let value = value.trim();
    let (host, port) = if let Some(rest) = value.strip_prefix('[') {
        let (v6, after) = rest.split_once(']')?;
        v6.parse::<std::net::Ipv6Addr>().ok()?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?),
        };
        (v6, port)
    } else {
        match value.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (value, None),
        }
    };
    if port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.is_empty()
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._:~%!$&'()*+,;=".contains(&b))
    {
        return None;
    }
    Some(host.to_ascii_lowercase())
}

/// `localhost`, a name under `.localhost` (RFC 6761 keeps them on this machine), or a
/// loopback address (127.0.0.0/8, `::1`).
fn is_loopback_name(name: &str) -> bool {
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    match name.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.is_loopback(),
        Ok(IpAddr::V6(v6)) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => false,
    }
}

/// How much of the server one client may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Connections answered at once; one more is answered `503` at once and closed, without a
    /// thread of its own.
    pub max_connections: usize,
    /// Time from accepting a connection to having its whole request head. A client that has
    /// sent part of a head by then gets `408`; one that sent nothing is closed.
    pub head_deadline: Duration,
    /// Time from accepting a connection to having written the whole response. Past it the
    /// connection is closed, however slowly the client still reads or writes.
    pub request_deadline: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 64,
            head_deadline: Duration::from_secs(10),
            request_deadline: Duration::from_secs(30),
        }
    }
}

/// What the HTTP server needs to answer requests.
#[derive(Debug)]
pub struct HttpState {
    /// The directory served at `/`. Looked up afresh on every request.
    pub site_dir: PathBuf,
    /// The build version reported at [`VERSION_PATH`] and embedded in injected reload scripts.
    pub version: Arc<AtomicU64>,
    /// Which `Host` headers are answered.
    pub hosts: HostPolicy,
    /// Connection cap and deadlines.
    pub limits: Limits,
    /// Brings a stale file up to date before it is served.
    pub fresh: Option<FreshHook>,
    /// Connections being answered now.
    active: AtomicUsize,
}

impl HttpState {
    /// State serving `site_dir` with the version starting at 0, answering requests for
    /// `localhost` and loopback addresses only, with the default [`Limits`].
    pub fn new(site_dir: impl Into<PathBuf>) -> Self {
        HttpState {
            site_dir: site_dir.into(),
            version: Arc::new(AtomicU64::new(0)),
            hosts: HostPolicy::local("localhost"),
            limits: Limits::default(),
            fresh: None,
            active: AtomicUsize::new(0),
        }
    }

    /// This state with another host policy.
    pub fn with_hosts(mut self, hosts: HostPolicy) -> Self {
        self.hosts = hosts;
        self
    }

    /// This state with other limits.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// How many connections are being answered now.
    pub fn active_connections(&self) -> usize {
        self.active.load(Ordering::SeqCst)
    }
}

/// One of the [`Limits::max_connections`] places, given back when dropped (also when the
/// thread answering it panics).
struct Slot(Arc<HttpState>);

impl Slot {
    fn take(state: &Arc<HttpState>) -> Option<Slot> {
        let max = state.limits.max_connections;
        state
            .active
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()
            .map(|_| Slot(Arc::clone(state)))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.active.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Spawns a thread that accepts connections on `listener` forever, answering each one on its own
/// thread (one request per connection, `Connection: close`), at most
/// [`Limits::max_connections`] at once.
pub fn spawn_http(listener: TcpListener, state: Arc<HttpState>) -> JoinHandle<()> {
    thread::spawn(move || {
        for conn in listener.incoming() {
            match conn {
                Ok(stream) => {
                    let Some(slot) = Slot::take(&state) else {
                        refuse_busy(stream, state.limits.max_connections);
                        continue;
                    };
                    // If the OS refuses a new thread, the closure is dropped: the connection
                    // is closed and its slot given back.
                    let _ =
                        thread::Builder::new()
                            .name("qbank-http-conn".into())
                            .spawn(move || {
                                handle_connection(stream, &slot.0);
                                drop(slot);
                            });
                }
                // E.g. too many open files: back off briefly instead of spinning.
                Err(_) => thread::sleep(Duration::from_millis(20)),
            }
        }
    })
}

/// Answers a connection over the cap with `503` on the accepting thread, without ever
/// blocking it: whatever the client sent already is discarded, the short response fits in
/// the socket buffer, and the connection is closed.
fn refuse_busy(mut stream: TcpStream, max: usize) {
    if stream.set_nonblocking(true).is_err() {
        return;
    }
    let mut buf = [0u8; 8192];
    for _ in 0..8 {
        match stream.read(&mut buf) {
            Ok(n) if n > 0 => {}
            _ => break,
        }
    }
    let body = format!("503 Service Unavailable: {max} connections are open already; try again\n");
    let response = Response::text(503, &body).header("Retry-After", "1".into());
    let _ = stream.write_all(&response.to_bytes(true));
    let _ = stream.shutdown(Shutdown::Write);
}

/// Answers one request on `stream` and closes it, within the state's deadlines. Never panics
/// on bad input.
fn handle_connection(mut stream: TcpStream, state: &HttpState) {
    let accepted = Instant::now();
    let head_deadline = accepted + state.limits.head_deadline;
    let deadline = accepted + state.limits.request_deadline;
    let (response, is_head) = match read_head(&mut stream, head_deadline.min(deadline)) {
        Ok(head) => {
            let is_head = head.starts_with(b"HEAD ");
            (respond(&head, state), is_head)
        }
        Err(HeadError::TooLarge) => (
            Response::text(431, "request head too large (limit 64 KiB)\n"),
            false,
        ),
        Err(HeadError::TimedOut) => (
            Response::text(
                408,
                &format!(
                    "request head not received within {} s\n",
                    state.limits.head_deadline.as_secs_f32()
                ),
            ),
            false,
        ),
        Err(HeadError::Io) => return,
    };
    let _ = write_by(&mut stream, &response.to_bytes(!is_head), deadline);
    // Half-close, then drain whatever the client still sends (a body we ignored, the rest of an
    // oversized head) so closing does not reset the connection before it reads the response.
    let _ = stream.shutdown(Shutdown::Write);
    drain(&mut stream, deadline.min(Instant::now() + DRAIN_TIME));
}

/// Writes all of `bytes` unless `deadline` passes first: a client reading slowly cannot hold
/// the connection past it.
fn write_by(stream: &mut TcpStream, mut bytes: &[u8], deadline: Instant) -> io::Result<()> {
    while !bytes.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        stream.set_write_timeout(Some(left))?;
        match stream.write(&bytes[..bytes.len().min(64 * 1024)]) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => bytes = &bytes[n..],
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    stream.flush()
}

/// Reads and discards what the client sends until it closes, 1 MiB, or `deadline`.
fn drain(stream: &mut TcpStream, deadline: Instant) {
    let mut buf = [0u8; 8192];
    let mut total = 0usize;
    while total < 1024 * 1024 {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            break;
        }
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => total += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
}

enum HeadError {
    /// The head exceeded [`MAX_REQUEST_HEAD`].
    TooLarge,
    /// Part of a head came, but not all of it before the deadline.
    TimedOut,
    /// The connection failed, closed, or sent nothing before the deadline.
    Io,
}

/// Reads the request head (up to and including the blank line) unless `deadline` passes
/// first. A client that trickles bytes cannot extend it: every read waits only for what is
/// left of it.
fn read_head(stream: &mut TcpStream, deadline: Instant) -> Result<Vec<u8>, HeadError> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 4096];
    let timed_out = |head: &Vec<u8>| {
        if head.is_empty() {
            HeadError::Io
        } else {
            HeadError::TimedOut
        }
    };
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(timed_out(&head));
        }
        if stream.set_read_timeout(Some(left)).is_err() {
            return Err(HeadError::Io);
        }
        let n = match stream.read(&mut buf) {
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Err(timed_out(&head));
            }
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
        403 => "Forbidden",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
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
    if let Err(refused) = check_host(head, http_version, target, &state.hosts) {
        return refused;
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
    if let Some(hook) = &state.fresh {
        (hook.0)(&file);
    }
    match fs::read(&file) {
        Ok(bytes) => file_response(200, &file, bytes, version),
        Err(_) => not_found(state, version),
    }
}

/// Checks the request's `Host` header, and the authority of an absolute-form target, against
/// `hosts`. HTTP/1.1 requires exactly one `Host` header; HTTP/1.0 may omit it.
fn check_host(
    head: &[u8],
    http_version: &str,
    target: &str,
    hosts: &HostPolicy,
) -> Result<(), Response> {
    let mut host = None;
    for line in head.split(|&b| b == b'\n').skip(1) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        if !line[..colon].eq_ignore_ascii_case(b"host") {
            continue;
        }
        let Ok(value) = std::str::from_utf8(&line[colon + 1..]) else {
            return Err(Response::text(400, "bad Host header\n"));
        };
        if host.replace(value.trim()).is_some() {
            return Err(Response::text(400, "more than one Host header\n"));
        }
    }
    let authority = target
        .split_once("://")
        .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or(""));
    let Some(host) = host else {
        if http_version == "HTTP/1.0" {
            return match authority {
                Some(a) => allow(a, hosts),
                None => Ok(()),
            };
        }
        return Err(Response::text(
            400,
            "no Host header (HTTP/1.1 requires one)\n",
        ));
    };
    if host_name(host).is_none() {
        return Err(Response::text(400, "bad Host header\n"));
    }
    allow(host, hosts)?;
    match authority {
        Some(a) => allow(a, hosts),
        None => Ok(()),
    }
}

/// `Ok` when `hosts` allows `host`, else a `403` that says why.
fn allow(host: &str, hosts: &HostPolicy) -> Result<(), Response> {
    if hosts.allows(host) {
        return Ok(());
    }
    let shown: String = host.chars().take(100).collect();
    Err(Response::text(
        403,
        &format!(
            "403 Forbidden: host {shown:?} is not this machine; qbank serve answers only \
             localhost and loopback addresses, so that other web sites cannot read the \
             handbook (DNS rebinding)\n"
        ),
    ))
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
