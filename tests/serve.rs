//! Behaviour of `qbank serve` as a user (or browser) sees it: real HTTP over loopback, real files.

use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use qbank::serve::{
    HostPolicy, HttpState, Limits, ServeOptions, VERSION_PATH, bind, resolve_request_path, serve,
    serve_on, spawn_http,
};
use qbank::watch::{WatchMode, WatchSet, Watcher, changed_paths, snapshot};

// ----------------------------------------------------------------------------------------------
// helpers
// ----------------------------------------------------------------------------------------------

fn write(path: &Path, contents: impl AsRef<[u8]>) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, contents).unwrap();
}

/// Starts a server over `site` on an ephemeral port.
fn start(site: &Path) -> (SocketAddr, Arc<HttpState>) {
    let listener = bind("127.0.0.1", 0).unwrap();
    let addr = listener.local_addr().unwrap();
    let state = Arc::new(HttpState::new(site));
    spawn_http(listener, Arc::clone(&state));
    (addr, state)
}

#[derive(Debug)]
struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends raw bytes, reads until the server closes, returns what came back.
fn exchange(addr: SocketAddr, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    // The server may answer (and stop reading) before an oversized request is fully written.
    let _ = stream.write_all(request);
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out);
    out
}

fn parse(raw: &[u8]) -> Resp {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head in {:?}", String::from_utf8_lossy(raw)));
    let head = std::str::from_utf8(&raw[..end]).unwrap();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let mut parts = status_line.splitn(3, ' ');
    assert_eq!(parts.next(), Some("HTTP/1.1"));
    let status = parts.next().unwrap().parse().unwrap();
    let headers = lines
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.trim().to_string(), v.trim().to_string())
        })
        .collect();
    Resp {
        status,
        headers,
        body: raw[end + 4..].to_vec(),
    }
}

fn request(addr: SocketAddr, method: &str, target: &str) -> Resp {
    let raw = exchange(
        addr,
        format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: test\r\n\r\n")
            .as_bytes(),
    );
    let resp = parse(&raw);
    if method != "HEAD" {
        let len: usize = resp.header("Content-Length").unwrap().parse().unwrap();
        assert_eq!(len, resp.body.len(), "Content-Length matches the body");
    }
    resp
}

fn get(addr: SocketAddr, target: &str) -> Resp {
    request(addr, "GET", target)
}

/// Percent-encodes everything except unreserved characters and `/`, like a browser does.
fn pct(path: &str) -> String {
    path.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

const PAGE: &str = "<!DOCTYPE html>\n<html><head><title>t</title></head>\n<body><p>index page</p></body>\n</html>\n";

/// A small built site: index, sub/index, 404 page, stylesheet, script, Chinese names.
fn site() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    write(&site.join("index.html"), PAGE);
    write(
        &site.join("sub/index.html"),
        "<html><body><p>sub index</p></body></html>",
    );
    write(
        &site.join("404.html"),
        "<html><body><h1>custom not found</h1></body></html>",
    );
    write(
        &site.join("css/style.css"),
        "body { color: red; } /* </body> */\n",
    );
    write(&site.join("book.js"), "document.write('</body>');\n");
    (tmp, site)
}

fn assert_has_reload_script(body: &str) {
    assert!(
        body.contains("qbank-live-reload"),
        "no reload script in {body}"
    );
    assert!(body.contains(VERSION_PATH));
    assert!(body.contains("location.reload()"));
    assert!(body.contains("1000"), "polls every 1000 ms");
}

// ----------------------------------------------------------------------------------------------
// HTTP
// ----------------------------------------------------------------------------------------------

#[test]
fn chinese_file_names_are_served_with_exact_bytes_and_type() {
    let (_tmp, site) = site();
    let note = "# 数组\n\n双指针：左右夹逼。\n";
    write(&site.join("题库/数组 笔记.md"), note);
    // Not UTF-8 at all: must come back byte for byte, untouched.
    let png: Vec<u8> = vec![
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00, 0xfe,
    ];
    write(&site.join("图片/示意图.PNG"), &png);
    write(
        &site.join("题库/链表.html"),
        "<html><body><h1>链表</h1></body></html>",
    );
    let (addr, _) = start(&site);

    let r = get(addr, &pct("/题库/数组 笔记.md"));
    assert_eq!(r.status, 200);
    assert_eq!(r.body, note.as_bytes());
    assert_eq!(
        r.header("Content-Type"),
        Some("text/markdown; charset=utf-8")
    );
    assert_eq!(r.header("Cache-Control"), Some("no-store"));

    let r = get(addr, &pct("/图片/示意图.PNG"));
    assert_eq!(r.status, 200);
    assert_eq!(r.body, png);
    assert_eq!(r.header("Content-Type"), Some("image/png"));

    // Lower-case hex escapes and a query string work too.
    let lower = pct("/题库/链表.html").to_lowercase();
    let r = get(addr, &format!("{lower}?from=sidebar#top"));
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert!(r.text().contains("<h1>链表</h1>"));
    assert_has_reload_script(&r.text());
}

#[test]
fn directories_serve_index_html_and_missing_files_get_404_page() {
    let (_tmp, site) = site();
    let (addr, _) = start(&site);

    let r = get(addr, "/");
    assert_eq!(r.status, 200);
    assert!(r.text().contains("index page"));
    assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));

    let r = get(addr, "/sub/");
    assert_eq!(r.status, 200);
    assert!(r.text().contains("sub index"));

    // Without the slash: redirect, so relative links inside sub/index.html keep working.
    let r = get(addr, "/sub?x=1");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("Location"), Some("/sub/?x=1"));

    let r = get(addr, "/no/such/page.html");
    assert_eq!(r.status, 404);
    assert!(r.text().contains("custom not found"));
    assert_has_reload_script(&r.text());

    // A directory without index.html is a 404 too.
    fs::create_dir_all(site.join("empty")).unwrap();
    assert_eq!(get(addr, "/empty/").status, 404);

    // Without a 404.html: a short text body.
    fs::remove_file(site.join("404.html")).unwrap();
    let r = get(addr, "/missing.css");
    assert_eq!(r.status, 404);
    assert_eq!(r.header("Content-Type"), Some("text/plain; charset=utf-8"));
    assert!(r.text().contains("Not Found"));
}

#[test]
fn site_dir_replaced_wholesale_is_picked_up_per_request() {
    let (tmp, site) = site();
    let (addr, _) = start(&site);
    assert!(get(addr, "/").text().contains("index page"));

    // What a build does: write a sibling, rename the old site away, rename the new one in.
    let next = tmp.path().join("site.qbank-tmp-1");
    write(
        &next.join("index.html"),
        "<html><body>second build</body></html>",
    );
    fs::rename(&site, tmp.path().join("site.qbank-old-1")).unwrap();
    assert_eq!(get(addr, "/").status, 404, "missing site: 404, no crash");
    fs::rename(&next, &site).unwrap();
    assert!(get(addr, "/").text().contains("second build"));
}

#[test]
fn path_traversal_is_refused() {
    let (tmp, site) = site();
    let secret = "TOP SECRET";
    write(&tmp.path().join("secret.txt"), secret);
    write(&site.join("sub/inner.txt"), "inner");
    let (addr, _) = start(&site);
    let abs = tmp.path().join("secret.txt");
    let abs = abs.to_str().unwrap();

    let attempts = [
        "/../secret.txt".to_string(),
        "/sub/../../secret.txt".to_string(),
        "/%2e%2e/secret.txt".to_string(),
        "/%2E%2E%2Fsecret.txt".to_string(),
        "/sub/%2e%2e%2f%2e%2e%2fsecret.txt".to_string(),
        "/..%5csecret.txt".to_string(),
        "/sub\\..\\..\\secret.txt".to_string(),
        format!("/{abs}"),
        format!("/{}", pct(abs).replace('/', "%2F")),
        "http://localhost/../secret.txt".to_string(),
    ];
    for target in &attempts {
        let r = get(addr, target);
        assert!(
            r.status == 400 || r.status == 404,
            "{target}: status {}",
            r.status
        );
        assert!(!r.text().contains(secret), "{target} leaked the file");
    }
    // Harmless dot segments inside the site are fine.
    assert_eq!(get(addr, "/sub/./inner.txt").text(), "inner");
}

#[test]
fn reload_script_is_injected_into_html_only() {
    let (_tmp, site) = site();
    write(
        &site.join("upper.html"),
        "<HTML><BODY><p>shouting</p></BODY></HTML>",
    );
    write(&site.join("fragment.htm"), "<p>no body tag</p>");
    let (addr, _) = start(&site);

    let body = get(addr, "/index.html").text();
    assert_has_reload_script(&body);
    let script_at = body.find("<script id=\"qbank-live-reload\"").unwrap();
    assert!(script_at < body.find("</body>").unwrap(), "before </body>");
    assert!(body.ends_with("</body>\n</html>\n"), "rest of page intact");

    let body = get(addr, "/upper.html").text();
    assert!(body.find("qbank-live-reload").unwrap() < body.find("</BODY>").unwrap());

    let body = get(addr, "/fragment.htm").text();
    assert!(body.starts_with("<p>no body tag</p>"));
    assert_has_reload_script(&body);

    let css = get(addr, "/css/style.css");
    assert_eq!(css.header("Content-Type"), Some("text/css; charset=utf-8"));
    assert_eq!(css.body, fs::read(site.join("css/style.css")).unwrap());
    assert!(!css.text().contains("qbank"));

    let js = get(addr, "/book.js");
    assert_eq!(
        js.header("Content-Type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(js.body, fs::read(site.join("book.js")).unwrap());
}

#[test]
fn version_endpoint_changes_after_a_bump_and_pages_embed_it() {
    let (_tmp, site) = site();
    let (addr, state) = start(&site);

    let before = get(addr, VERSION_PATH);
    assert_eq!(before.status, 200);
    assert_eq!(
        before.header("Content-Type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(before.header("Cache-Control"), Some("no-store"));
    let page = get(addr, "/").text();
    assert!(page.contains(&format!("\"{}\"", before.text().trim())));

    state.version.fetch_add(1, Ordering::SeqCst);
    let after = get(addr, &format!("{VERSION_PATH}?t=123"));
    assert_ne!(before.text(), after.text());
    assert_eq!(
        after.text().trim().parse::<u64>().unwrap(),
        before.text().trim().parse::<u64>().unwrap() + 1
    );
}

#[test]
fn head_and_other_methods() {
    let (_tmp, site) = site();
    let (addr, _) = start(&site);

    let get_len = get(addr, "/css/style.css").body.len();
    let r = request(addr, "HEAD", "/css/style.css");
    assert_eq!(r.status, 200);
    assert!(r.body.is_empty());
    assert_eq!(
        r.header("Content-Length"),
        Some(get_len.to_string().as_str())
    );

    let r = request(addr, "HEAD", "/");
    let html_len = get(addr, "/").body.len();
    assert_eq!(
        r.header("Content-Length"),
        Some(html_len.to_string().as_str())
    );

    for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
        let r = request(addr, method, "/index.html");
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("Allow"), Some("GET, HEAD"));
    }
    // A request with a body we do not read still gets its response.
    let raw = exchange(
        addr,
        b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 11\r\n\r\nhello world",
    );
    assert_eq!(parse(&raw).status, 405);
}

#[test]
fn bad_requests_never_take_the_server_down() {
    let (_tmp, site) = site();
    let (addr, _) = start(&site);

    let status = |raw: &[u8]| parse(&exchange(addr, raw)).status;
    assert_eq!(status(b"GARBAGE\r\n\r\n"), 400);
    assert_eq!(status(b"GET /\r\n\r\n"), 400);
    assert_eq!(status(b"GET / HTTP/1.1 extra\r\n\r\n"), 400);
    assert_eq!(status(b"GET / FTP/1.0\r\n\r\n"), 400);
    assert_eq!(status(b"GET index.html HTTP/1.1\r\n\r\n"), 400);
    assert_eq!(status(b"GET /%ff%fe.html HTTP/1.1\r\n\r\n"), 400);
    assert_eq!(status(b"GET /%zz HTTP/1.1\r\n\r\n"), 400);
    assert_eq!(status(b"GET /abc% HTTP/1.1\r\n\r\n"), 400);
    assert_eq!(status(b"GET /\xff\xfe HTTP/1.1\r\n\r\n"), 400);
    assert_eq!(status(b"GET /%00 HTTP/1.1\r\n\r\n"), 400);
    // Bare LF line endings are accepted.
    assert_eq!(status(b"GET / HTTP/1.0\n\n"), 200);
    // Raw (unencoded) UTF-8 in the request line works too.
    write(&site.join("目录.txt"), "toc");
    assert_eq!(
        parse(&exchange(
            addr,
            "GET /目录.txt HTTP/1.1\r\nHost: localhost\r\n\r\n".as_bytes()
        ))
        .body,
        b"toc"
    );

    // Huge head: refused with 431 instead of buffering forever.
    let mut huge = b"GET / HTTP/1.1\r\n".to_vec();
    while huge.len() < 70 * 1024 {
        huge.extend_from_slice(b"X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
    }
    huge.extend_from_slice(b"\r\n");
    let raw = exchange(addr, &huge);
    if !raw.is_empty() {
        assert_eq!(parse(&raw).status, 431);
    }

    // Connections that say nothing, or half a request, are dropped quietly.
    drop(TcpStream::connect(addr).unwrap());
    let mut half = TcpStream::connect(addr).unwrap();
    half.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    half.write_all(b"GET / HT").unwrap();
    half.shutdown(std::net::Shutdown::Write).unwrap();
    let mut raw = Vec::new();
    half.read_to_end(&mut raw).unwrap();
    assert_eq!(parse(&raw).status, 400);

    // Still serving.
    assert_eq!(get(addr, "/").status, 200);
}

#[test]
fn resolve_request_path_maps_targets_under_site_dir() {
    let site = Path::new("/srv/site");
    let r = |t: &str| resolve_request_path(site, t);
    assert_eq!(r("/"), Some(site.join("index.html")));
    assert_eq!(r("/?q=1"), Some(site.join("index.html")));
    assert_eq!(r("/sub/"), Some(site.join("sub/index.html")));
    assert_eq!(r("/sub"), Some(site.join("sub")));
    assert_eq!(r("/a/b.html#frag"), Some(site.join("a/b.html")));
    assert_eq!(
        r("/%E9%A2%98%E5%BA%93/%E6%95%B0%E7%BB%84.html"),
        Some(site.join("题库/数组.html"))
    );
    assert_eq!(r("/a%20b.css"), Some(site.join("a b.css")));
    for bad in [
        "",
        "index.html",
        "/../x",
        "/a/../../x",
        "/%2e%2e/x",
        "/a%2F..%2F..%2Fx",
        "//etc/passwd",
        "/%2Fetc/passwd",
        "/a\\b",
        "/a%5Cb",
        "/%ff",
        "/%g0",
        "/%",
        "/a%00b",
    ] {
        assert_eq!(r(bad), None, "{bad:?}");
    }
}

/// A request for `/` with the given `Host` header line (or none).
fn get_with_host(addr: SocketAddr, version: &str, host: Option<&str>) -> Resp {
    let host = host.map_or(String::new(), |h| format!("Host: {h}\r\n"));
    parse(&exchange(
        addr,
        format!("GET / {version}\r\n{host}User-Agent: test\r\n\r\n").as_bytes(),
    ))
}

#[test]
fn requests_for_other_hosts_are_refused() {
    let (_tmp, site) = site();
    let (addr, _) = start(&site);
    let port = addr.port();

    let r = get_with_host(addr, "HTTP/1.1", Some("evil.example"));
    assert_eq!(r.status, 403);
    assert_eq!(r.header("Content-Type"), Some("text/plain; charset=utf-8"));
    assert!(r.text().contains("evil.example"), "{}", r.text());
    assert!(r.text().contains("DNS rebinding"), "{}", r.text());
    assert!(!r.text().contains("index page"));
    for evil in [
        format!("evil.example:{port}"),
        "localhost.evil.example".into(),
        "127.0.0.1.nip.io".into(),
        "192.168.1.10".into(),
        "[2001:db8::1]:80".into(),
    ] {
        let r = get_with_host(addr, "HTTP/1.1", Some(&evil));
        assert_eq!(r.status, 403, "{evil}");
    }
    // HTTP/1.0 may omit Host, but a wrong one is refused all the same.
    assert_eq!(
        get_with_host(addr, "HTTP/1.0", Some("evil.example")).status,
        403
    );
    // So is an absolute-form target naming another host.
    let raw = exchange(
        addr,
        format!("GET http://evil.example/ HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n").as_bytes(),
    );
    assert_eq!(parse(&raw).status, 403);

    for good in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        "localhost".into(),
        "LOCALHOST.".into(),
        "127.0.0.1".into(),
        "127.1.2.3:8080".into(),
        format!("[::1]:{port}"),
        "[::1]".into(),
        format!("qbank.localhost:{port}"),
    ] {
        let r = get_with_host(addr, "HTTP/1.1", Some(&good));
        assert_eq!(r.status, 200, "{good}");
        assert!(r.text().contains("index page"), "{good}");
    }
    assert_eq!(get_with_host(addr, "HTTP/1.0", None).status, 200);

    // HTTP/1.1 requires exactly one well-formed Host.
    let r = get_with_host(addr, "HTTP/1.1", None);
    assert_eq!(r.status, 400);
    assert!(r.text().contains("Host"), "{}", r.text());
    for bad in ["", "localhost:port", "::1", "local host", "localhost:"] {
        assert_eq!(
            get_with_host(addr, "HTTP/1.1", Some(bad)).status,
            400,
            "{bad:?}"
        );
    }
    let raw = exchange(
        addr,
        b"GET / HTTP/1.1\r\nHost: localhost\r\nhost: evil.example\r\n\r\n",
    );
    assert_eq!(parse(&raw).status, 400);
}

#[test]
fn host_policy_follows_the_bound_address() {
    let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
    // Loopback: loopback names and the name the server was bound as.
    let local = HostPolicy::for_bind("127.0.0.1", ip("127.0.0.1"));
    assert_eq!(local, HostPolicy::local("127.0.0.1"));
    assert_eq!(
        HostPolicy::for_bind("localhost", ip("::1")),
        HostPolicy::local("localhost")
    );
    let named = HostPolicy::for_bind("devbox", ip("127.0.1.1"));
    assert!(named.allows("devbox:3000"));
    assert!(named.allows("DEVBOX"));
    assert!(named.allows("localhost:3000"));
    assert!(!named.allows("devbox.evil.example"));
    assert!(!local.allows("evil.example"));
    assert!(!local.allows("devbox"));

    // Any other address (every interface, a LAN address): any Host.
    for (host, addr) in [
        ("0.0.0.0", "0.0.0.0"),
        ("::", "::"),
        ("192.168.1.20", "192.168.1.20"),
        ("fe80::1", "fe80::1"),
    ] {
        let any = HostPolicy::for_bind(host, ip(addr));
        assert_eq!(any, HostPolicy::Any, "{host}");
        assert!(any.allows("evil.example"));
        assert!(any.allows("192.168.1.20:3000"));
        assert!(any.allows("[fe80::1]:3000"));
        // Malformed values are never allowed.
        assert!(!any.allows(""));
        assert!(!any.allows("a b"));
        assert!(!any.allows("host:port"));
    }
}

/// Connects and sends nothing.
fn idle(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s
}

#[test]
fn connections_over_the_cap_get_503_without_a_thread() {
    let (_tmp, site) = site();
    let listener = bind("127.0.0.1", 0).unwrap();
    let addr = listener.local_addr().unwrap();
    let limits = Limits {
        max_connections: 4,
        head_deadline: Duration::from_secs(60),
        request_deadline: Duration::from_secs(60),
    };
    let state = Arc::new(HttpState::new(&site).with_limits(limits));
    spawn_http(listener, Arc::clone(&state));

    let mut held: Vec<TcpStream> = (0..4).map(|_| idle(addr)).collect();
    assert!(wait_for(20, || state.active_connections() == 4));
    // The fifth, and many more, are answered at once and closed.
    for _ in 0..50 {
        let mut extra = idle(addr);
        let mut raw = Vec::new();
        let _ = extra.read_to_end(&mut raw);
        let r = parse(&raw);
        assert_eq!(r.status, 503);
        assert_eq!(r.header("Retry-After"), Some("1"));
        assert!(r.text().contains("4 connections"), "{}", r.text());
    }
    assert_eq!(state.active_connections(), 4, "no slot leaked");

    // A place freed is taken by the next request.
    drop(held.pop());
    assert!(wait_for(20, || state.active_connections() == 3));
    assert_eq!(get(addr, "/").status, 200);
    drop(held);
    assert!(wait_for(20, || state.active_connections() == 0));
}

#[test]
fn a_client_trickling_its_request_is_cut_off_at_the_deadline() {
    let (_tmp, site) = site();
    let listener = bind("127.0.0.1", 0).unwrap();
    let addr = listener.local_addr().unwrap();
    let limits = Limits {
        max_connections: 2,
        head_deadline: Duration::from_secs(1),
        request_deadline: Duration::from_secs(2),
    };
    let state = Arc::new(HttpState::new(&site).with_limits(limits));
    spawn_http(listener, Arc::clone(&state));

    // Slowloris: a header that never ends, one byte every 50 ms (each read resets an I/O
    // timeout, but not the deadline). Two of them fill the server.
    let trickle = |stream: TcpStream| {
        thread::spawn(move || {
            let mut stream = stream;
            let mut sent = 0usize;
            if stream
                .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
                .is_err()
            {
                return sent;
            }
            // At most 60 s: far past the deadline.
            for _ in 0..1200 {
                if stream.write_all(b"a").is_err() {
                    break;
                }
                sent += 1;
                thread::sleep(Duration::from_millis(50));
            }
            sent
        })
    };
    let slow: Vec<TcpStream> = (0..2).map(|_| idle(addr)).collect();
    let mut readers = Vec::new();
    let mut tricklers = Vec::new();
    for s in slow {
        readers.push(s.try_clone().unwrap());
        tricklers.push(trickle(s));
    }
    for mut r in readers {
        let mut raw = Vec::new();
        let _ = r.read_to_end(&mut raw);
        assert_eq!(parse(&raw).status, 408, "{}", String::from_utf8_lossy(&raw));
    }
    for t in tricklers {
        let sent = t.join().unwrap();
        assert!(
            sent < 1200,
            "the server closed the connection while the client still sent"
        );
    }
    // Both places are free again.
    assert!(wait_for(20, || state.active_connections() == 0));
    assert_eq!(get(addr, "/").status, 200);

    // A client that connects and says nothing is closed without an answer.
    let mut silent = idle(addr);
    let mut raw = Vec::new();
    let _ = silent.read_to_end(&mut raw);
    assert!(raw.is_empty(), "{}", String::from_utf8_lossy(&raw));
}

#[test]
fn a_client_reading_its_response_slowly_is_cut_off_at_the_deadline() {
    let (_tmp, site) = site();
    // Far more than the socket buffers hold.
    let size = 32 * 1024 * 1024;
    write(&site.join("big.bin"), vec![7u8; size]);
    let listener = bind("127.0.0.1", 0).unwrap();
    let addr = listener.local_addr().unwrap();
    let limits = Limits {
        max_connections: 1,
        head_deadline: Duration::from_secs(1),
        request_deadline: Duration::from_secs(2),
    };
    let state = Arc::new(HttpState::new(&site).with_limits(limits));
    spawn_http(listener, Arc::clone(&state));

    let mut slow = TcpStream::connect(addr).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    slow.write_all(b"GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    // 4 KiB every 50 ms keeps every write of the server progressing (so a per-write timeout
    // never fires) but would take minutes for the whole file.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop_reading = Arc::clone(&stop);
    let reader = thread::spawn(move || {
        let mut buf = [0u8; 4096];
        let mut total = 0usize;
        while !stop_reading.load(Ordering::SeqCst) {
            match slow.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => total += n,
            }
            thread::sleep(Duration::from_millis(50));
        }
        total
    });
    assert!(wait_for(20, || state.active_connections() == 1));
    // The server gives the connection up while the client is still reading.
    assert!(wait_for(30, || state.active_connections() == 0));
    stop.store(true, Ordering::SeqCst);
    let read = reader.join().unwrap();
    assert!(read < size, "the whole response was read: {read} bytes");
    assert_eq!(get(addr, "/").status, 200);
}

// ----------------------------------------------------------------------------------------------
// watching
// ----------------------------------------------------------------------------------------------

/// A book root with the site built inside it, plus the kinds of noise the watcher must ignore.
fn book() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("book");
    write(&root.join("book.toml"), "[book]\ntitle = \"t\"\n");
    write(&root.join("src/SUMMARY.md"), "# Summary\n");
    write(&root.join("src/题库/数组.md"), "# 数组\n");
    let site = root.join("book");
    write(&site.join("index.html"), PAGE);
    (tmp, root, site)
}

#[test]
fn snapshot_sees_source_edits_but_not_site_or_build_siblings() {
    let (_tmp, root, site) = book();
    // site_dir given non-canonically: it is still recognised and skipped.
    let site_alias = root.join("src/../book");
    let set = || WatchSet::for_book(&root, &site_alias);
    let base = snapshot(&set());
    assert!(base.keys().any(|p| p.ends_with("src/题库/数组.md")));
    assert!(base.keys().any(|p| p.ends_with("book.toml")));
    assert!(!base.keys().any(|p| p.ends_with("index.html")), "{base:?}");

    // Noise that must not trigger rebuilds.
    write(
        &site.join("index.html"),
        "rebuilt output, longer than before",
    );
    write(&site.join("new.html"), "x");
    write(&root.join(".book.qbank-a1b2c3/index.html"), "partial build");
    write(&root.join(".git/HEAD"), "ref: refs/heads/main");
    write(&root.join("target/debug/x"), "x");
    write(&root.join("node_modules/pkg/index.js"), "x");
    write(&root.join("notes/todo.md"), "not a source folder");
    write(&root.join("src/.数组.md.swp"), "vim swap");
    write(&root.join("src/数组.md~"), "backup");
    write(&root.join("src/.obsidian/workspace.json"), "{}");
    assert_eq!(snapshot(&set()), base);

    // A real edit (length changes too, so coarse mtime granularity cannot hide it).
    write(&root.join("src/题库/数组.md"), "# 数组\n\n新增一道题。\n");
    let edited = snapshot(&set());
    assert_ne!(edited, base);
    let changed = changed_paths(&base, &edited);
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(changed[0].ends_with("src/题库/数组.md"));

    // Added and removed files count as changes; so does the theme.
    write(&root.join("src/new.md"), "new");
    let added = snapshot(&set());
    assert!(changed_paths(&edited, &added)[0].ends_with("src/new.md"));
    fs::remove_file(root.join("src/new.md")).unwrap();
    assert_eq!(snapshot(&set()), edited);
    write(&root.join("theme/head.hbs"), "<meta>");
    assert!(changed_paths(&edited, &snapshot(&set()))[0].ends_with("theme/head.hbs"));
}

#[test]
fn snapshot_honours_gitignore_and_extra_watch_dirs() {
    let (_tmp, root, site) = book();
    write(&root.join(".gitignore"), "*.draft.md\n");
    write(
        &root.join("book.toml"),
        "[book]\ntitle = \"t\"\n[build]\nextra-watch-dirs = [\"shared\"]\n",
    );
    write(&root.join("shared/snippet.md"), "shared");
    let set = WatchSet::for_book(&root, &site);
    let base = snapshot(&set);
    assert!(base.keys().any(|p| p.ends_with("shared/snippet.md")));
    write(&root.join("src/题库/next.draft.md"), "draft");
    assert_eq!(snapshot(&set), base, "gitignored draft");
    write(&root.join("shared/snippet.md"), "shared, edited");
    assert_ne!(snapshot(&set), base);
}

#[test]
fn snapshot_skips_site_dir_that_does_not_exist_yet() {
    let (_tmp, root, _) = book();
    // A site inside the sources' extra-watch dir "." (the book root) is still skipped.
    write(
        &root.join("book.toml"),
        "[book]\ntitle = \"t\"\n[build]\nextra-watch-dirs = [\".\"]\n",
    );
    let site = root.join("out");
    let set = WatchSet::for_book(&root, &site);
    let base = snapshot(&set);
    assert!(base.keys().any(|p| p.ends_with("src/SUMMARY.md")));
    // The first build creates the site inside the root.
    write(&site.join("index.html"), PAGE);
    write(&site.join("css/style.css"), "x");
    assert_eq!(snapshot(&set), base);
}

/// Long enough for any watcher to report an edit on a loaded machine.
const NOTICE: Duration = Duration::from_secs(10);
/// How long a watcher is given to report a change that must not be reported.
const QUIET: Duration = Duration::from_millis(1500);

fn edits_are_reported_once(mode: WatchMode) {
    let (_tmp, root, site) = book();
    let mut watcher = Watcher::new(&root, &site, mode);
    assert_eq!(watcher.mode(), mode);
    write(&site.join("index.html"), "site output changed");
    write(&root.join(".book.qbank-x1y2z3/index.html"), "next build");
    write(&root.join("src/SUMMARY.md~"), "backup");
    assert_eq!(watcher.wait(QUIET), None, "{mode:?}: output is not an edit");

    write(
        &root.join("src/SUMMARY.md"),
        "# Summary\n\n- [数组](题库/数组.md)\n",
    );
    let changed = watcher.wait(NOTICE).expect("edit noticed");
    assert_eq!(changed.len(), 1, "{mode:?}: {changed:?}");
    assert!(changed[0].ends_with("src/SUMMARY.md"));
    assert_eq!(
        watcher.wait(QUIET),
        None,
        "{mode:?}: same change is not reported twice"
    );

    // A burst of writes is one batch.
    for i in 0..20 {
        write(&root.join(format!("src/题库/q{i}.md")), format!("# q{i}\n"));
    }
    let changed = watcher.wait(NOTICE).expect("burst noticed");
    assert!(changed.len() >= 20, "{mode:?}: {changed:?}");
    assert_eq!(watcher.wait(QUIET), None, "{mode:?}: one batch per burst");

    // book.toml, and a theme folder created after the watcher started.
    write(&root.join("book.toml"), "[book]\ntitle = \"renamed\"\n");
    let changed = watcher.wait(NOTICE).expect("book.toml noticed");
    assert!(
        changed.iter().any(|p| p.ends_with("book.toml")),
        "{changed:?}"
    );
    write(&root.join("theme/head.hbs"), "<meta name=x>");
    let changed = watcher.wait(NOTICE).expect("new theme noticed");
    assert!(
        changed
            .iter()
            .any(|p| p.starts_with(root.canonicalize().unwrap().join("theme")))
    );
    while watcher.wait(QUIET).is_some() {}
    write(&root.join("theme/head.hbs"), "<meta name=y>");
    let changed = watcher.wait(NOTICE).expect("theme edit noticed");
    assert!(
        changed.iter().any(|p| p.ends_with("theme/head.hbs")),
        "{changed:?}"
    );
}

#[test]
fn notify_watcher_reports_edits_once() {
    edits_are_reported_once(WatchMode::Notify);
}

#[test]
fn poll_watcher_reports_edits_once() {
    edits_are_reported_once(WatchMode::Poll);
}

fn watched_folders_that_move_are_followed(mode: WatchMode) {
    let (_tmp, root, site) = book();
    let mut watcher = Watcher::new(&root, &site, mode);

    // `src` replaced wholesale (a branch switch, a restore from backup).
    fs::rename(root.join("src"), root.join("src.old")).unwrap();
    assert!(watcher.wait(NOTICE).is_some(), "{mode:?}: src gone");
    write(&root.join("src/SUMMARY.md"), "# Summary\n\n- [x](x.md)\n");
    write(&root.join("src/x.md"), "# x\n");
    assert!(watcher.wait(NOTICE).is_some(), "{mode:?}: src back");
    while watcher.wait(QUIET).is_some() {}
    write(&root.join("src/x.md"), "# x, edited\n");
    let changed = watcher.wait(NOTICE).expect("edit in the new src noticed");
    assert!(
        changed.iter().any(|p| p.ends_with("src/x.md")),
        "{changed:?}"
    );
    // The old one is no longer watched.
    write(&root.join("src.old/SUMMARY.md"), "stale");
    assert_eq!(watcher.wait(QUIET), None, "{mode:?}");

    // book.toml moves the sources: the new folder is watched, the old one is not.
    write(&root.join("content/a.md"), "# a\n");
    write(&root.join("book.toml"), "[book]\nsrc = \"content\"\n");
    assert!(watcher.wait(NOTICE).is_some());
    while watcher.wait(QUIET).is_some() {}
    write(&root.join("content/a.md"), "# a, edited\n");
    let changed = watcher.wait(NOTICE).expect("edit in content/ noticed");
    assert!(
        changed.iter().any(|p| p.ends_with("content/a.md")),
        "{changed:?}"
    );
    write(&root.join("src/x.md"), "no longer a source");
    assert_eq!(watcher.wait(QUIET), None, "{mode:?}");
}

#[test]
fn notify_watcher_follows_moved_folders() {
    watched_folders_that_move_are_followed(WatchMode::Notify);
}

#[test]
fn poll_watcher_follows_moved_folders() {
    watched_folders_that_move_are_followed(WatchMode::Poll);
}

// ----------------------------------------------------------------------------------------------
// serve() end to end
// ----------------------------------------------------------------------------------------------

#[test]
fn serve_reports_a_port_it_cannot_bind() {
    let taken = bind("127.0.0.1", 0).unwrap();
    let port = taken.local_addr().unwrap().port();
    let (_tmp, root, site) = book();
    let opts = ServeOptions {
        root,
        site_dir: site,
        host: "127.0.0.1".into(),
        port,
        watch: WatchMode::Notify,
    };
    let mut built = false;
    let err = serve(
        &opts,
        |_: &[std::path::PathBuf]| {
            built = true;
            Ok(())
        },
        None,
    )
    .unwrap_err();
    assert!(
        format!("{err:#}").contains(&format!("127.0.0.1:{port}")),
        "{err:#}"
    );
    assert!(!built, "no build when the port is unavailable");
}

/// Polls `cond` for up to `secs` seconds.
fn wait_for(secs: u64, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if cond() {
            return true;
        }
        thread::sleep(Duration::from_millis(50));
    }
    false
}

fn serve_builds_serves_rebuilds_and_survives_failed_builds(watch: WatchMode) {
    let (_tmp, root, site) = book();
    fs::remove_dir_all(&site).unwrap();
    write(&root.join("src/page.md"), "first");

    // Bind first and hand the listener over: no window for another test to take the port.
    let listener = bind("127.0.0.1", 0).unwrap();
    let port = listener.local_addr().unwrap().port();
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let builds = Arc::new(Mutex::new(0u32));

    let opts = ServeOptions {
        root: root.clone(),
        site_dir: site.clone(),
        host: "127.0.0.1".into(),
        port,
        watch,
    };
    let counter = Arc::clone(&builds);
    let page_md = root.join("src/page.md");
    // A toy build: wraps src/page.md into index.html, fails on "BROKEN".
    thread::spawn(move || {
        let build = move |_: &[std::path::PathBuf]| {
            *counter.lock().unwrap() += 1;
            let text = fs::read_to_string(&page_md)?;
            anyhow::ensure!(!text.contains("BROKEN"), "page.md is broken");
            write(
                &site.join("index.html"),
                format!("<html><body>{text}</body></html>"),
            );
            Ok(())
        };
        serve_on(listener, &opts, build, None)
    });

    // The listener accepts at once; wait for the startup build before the first request.
    assert!(wait_for(10, || *builds.lock().unwrap() >= 1));
    assert!(wait_for(10, || TcpStream::connect(addr).is_ok()));
    assert_eq!(*builds.lock().unwrap(), 1, "built once at startup");
    let page = get(addr, "/");
    assert!(page.text().contains("first"));
    let v1 = get(addr, VERSION_PATH).text();
    assert!(page.text().contains(&format!("\"{v1}\"")));

    // Edit: rebuilt, version bumped, new content served.
    write(&root.join("src/page.md"), "second edit");
    assert!(wait_for(10, || get(addr, VERSION_PATH).text() != v1));
    assert!(get(addr, "/").text().contains("second edit"));
    let v2 = get(addr, VERSION_PATH).text();
    let builds_after_edit = *builds.lock().unwrap();
    assert_eq!(builds_after_edit, 2);

    // Failed build: version stays, last good site keeps being served.
    write(&root.join("src/page.md"), "BROKEN!!");
    assert!(wait_for(10, || *builds.lock().unwrap() > builds_after_edit));
    thread::sleep(Duration::from_millis(100));
    assert_eq!(get(addr, VERSION_PATH).text(), v2);
    assert!(get(addr, "/").text().contains("second edit"));

    // The build's own output never triggers another build.
    let settled = *builds.lock().unwrap();
    thread::sleep(Duration::from_millis(1500));
    assert_eq!(*builds.lock().unwrap(), settled);
}

#[test]
fn serve_with_notify_builds_serves_rebuilds_and_survives_failed_builds() {
    serve_builds_serves_rebuilds_and_survives_failed_builds(WatchMode::Notify);
}

#[test]
fn serve_with_poll_builds_serves_rebuilds_and_survives_failed_builds() {
    serve_builds_serves_rebuilds_and_survives_failed_builds(WatchMode::Poll);
}

// ----------------------------------------------------------------------------------------------
// faults: `qbank serve` as a user runs it, while records break and are fixed
// ----------------------------------------------------------------------------------------------

mod common;

/// A running `qbank serve`, killed when dropped, with everything it printed so far.
struct Served {
    child: std::process::Child,
    addr: SocketAddr,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Collects the lines of `from` into `into` on a thread of its own.
fn collect(from: impl Read + Send + 'static, into: &Arc<Mutex<String>>) {
    let into = Arc::clone(into);
    thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(from).lines() {
            let Ok(line) = line else { break };
            let mut all = into.lock().unwrap();
            all.push_str(&line);
            all.push('\n');
        }
    });
}

impl Served {
    /// `qbank serve BOOK -p 0 [extra]`, once it serves.
    fn start(book: &Path, extra: &[&str]) -> Served {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_qbank"))
            .arg("serve")
            .arg(book)
            .args(["-p", "0"])
            .args(extra)
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("starting qbank serve");
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        collect(child.stdout.take().unwrap(), &stdout);
        collect(child.stderr.take().unwrap(), &stderr);
        let mut served = Served {
            child,
            addr: ([127, 0, 0, 1], 0).into(),
            stdout,
            stderr,
        };
        let mut port = None;
        let started = wait_for(60, || {
            let out = served.stdout.lock().unwrap();
            port = out
                .split_once("at http://127.0.0.1:")
                .and_then(|(_, rest)| rest.split('/').next())
                .and_then(|p| p.parse::<u16>().ok());
            port.is_some()
        });
        assert!(started, "qbank serve did not start:\n{}", served.err());
        served.addr.set_port(port.unwrap());
        served
    }

    fn out(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    fn err(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits until stdout says `rebuilt` more than `after` times.
    fn rebuilt_after(&self, after: usize) -> bool {
        wait_for(60, || self.out().matches("rebuilt in").count() > after)
    }

    /// Waits until stderr says `build failed` more than `after` times.
    fn failed_after(&self, after: usize) -> bool {
        wait_for(60, || self.err().matches("build failed").count() > after)
    }

    fn page(&self, path: &str) -> Resp {
        get(self.addr, path)
    }
}

/// The variants fixture book in a fresh temporary directory: `TMP/book`.
fn fixture_book() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("book");
    common::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/variants"),
        &root,
    );
    (tmp, root)
}

/// Breaks the record `src/en-record.md` with `break_it`, checks that serve reports it (with
/// each of `reported` on stderr) and keeps serving the last good site, then fixes it with
/// `fix` (which adds a question) and checks that the new version is served at `fixed_page`.
fn serve_survives(
    extra: &[&str],
    break_it: impl FnOnce(&Path),
    reported: &[&str],
    fix: impl FnOnce(&Path),
    fixed_page: &str,
) {
    let (_tmp, root) = fixture_book();
    let served = Served::start(&root, extra);
    let good = served.page("/en-record.html");
    assert_eq!(good.status, 200);
    assert!(good.text().contains("Mutexes and channels"));
    let version = served.page(VERSION_PATH).text();

    break_it(&root);
    assert!(
        served.failed_after(0),
        "no failure reported:\n{}\n{}",
        served.out(),
        served.err()
    );
    let err = served.err();
    for needle in reported {
        assert!(err.contains(needle), "{needle:?} not in:\n{err}");
    }
    assert!(err.contains("still serving the last good site"), "{err}");
    // The last good site, unchanged.
    let kept = served.page("/en-record.html");
    assert_eq!(kept.status, 200);
    assert_eq!(kept.body, good.body);
    assert_eq!(served.page(VERSION_PATH).text(), version);
    assert_eq!(served.page("/").status, 200);

    let rebuilt = served.out().matches("rebuilt in").count();
    fix(&root);
    assert!(
        served.rebuilt_after(rebuilt),
        "not rebuilt after the fix:\n{}\n{}",
        served.out(),
        served.err()
    );
    let fixed = served.page(fixed_page);
    assert_eq!(fixed.status, 200);
    assert!(
        fixed.text().contains("Fixed while serving"),
        "new version served"
    );
    assert_ne!(served.page(VERSION_PATH).text(), version);
}

/// The record with one more question, as a fix writes it.
fn fixed_record() -> String {
    let original = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/variants/src/en-record.md"),
    )
    .unwrap();
    original.replacen(
        "## Part one\n",
        "## Part one\n\n### 0. Fixed while serving\n\n**Interviewer**: Still there?\n\n\
         **Candidate answer**: Yes.\n",
        1,
    )
}

#[test]
fn serve_survives_a_deleted_record() {
    serve_survives(
        &[],
        |root| fs::remove_file(root.join("src/en-record.md")).unwrap(),
        &["en-record.md"],
        |root| write(&root.join("src/en-record.md"), fixed_record()),
        "/en-record.html",
    );
}

#[test]
fn serve_survives_a_renamed_record() {
    serve_survives(
        &[],
        |root| {
            fs::rename(
                root.join("src/en-record.md"),
                root.join("src/backend-round-1.md"),
            )
            .unwrap();
        },
        &["en-record.md"],
        |root| {
            // Fixed the other way round: SUMMARY.md follows the new name.
            write(&root.join("src/backend-round-1.md"), fixed_record());
            let summary = fs::read_to_string(root.join("src/SUMMARY.md")).unwrap();
            write(
                &root.join("src/SUMMARY.md"),
                summary.replace("(en-record.md)", "(backend-round-1.md)"),
            );
        },
        "/backend-round-1.html",
    );
}

#[test]
fn serve_survives_a_record_that_is_not_utf8() {
    serve_survives(
        &[],
        |root| {
            let mut bytes = fs::read(root.join("src/en-record.md")).unwrap();
            bytes.extend_from_slice(b"\n\xff\xfe broken \xc3\x28\n");
            fs::write(root.join("src/en-record.md"), bytes).unwrap();
        },
        &["en-record.md", "UTF-8"],
        |root| write(&root.join("src/en-record.md"), fixed_record()),
        "/en-record.html",
    );
}

#[test]
fn serve_with_poll_survives_a_deleted_record() {
    serve_survives(
        &["--poll"],
        |root| fs::remove_file(root.join("src/en-record.md")).unwrap(),
        &["en-record.md"],
        |root| write(&root.join("src/en-record.md"), fixed_record()),
        "/en-record.html",
    );
}
