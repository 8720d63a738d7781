// Shared helpers for the headless-Chromium tests of a built qbank site:
// build (or take) the site, serve it on 127.0.0.1, launch the system Chromium,
// open pages that record script errors and every request, and measure what a user sees.
//
// Environment:
//   QBANK_SITE      a site that is already built (skips `cargo run -- build`)
//   QBANK_CHROMIUM  the Chromium binary (default /usr/bin/chromium)
//   QBANK_HEADED=1  show the browser window (needs a display)

import { execFile } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '..', '..');
export const SCREENSHOTS = path.join(here, 'screenshots');

// ---- The seed record page ----------------------------------------------------------------

export const RECORD = 'go-backend-round2.html';
export const Q1 = 'go语言调度器原理';
export const Q2 = 'sync包和并发控制';
export const Q3 = 'context包的使用和原理';
export const Q4 = 'redis数据结构和持久化机制';
export const ANSWERED = [Q1, Q2, Q3];
export const THEMES = ['light', 'rust', 'coal', 'navy', 'ayu'];

/** The `#fragment` of an element id, percent-encoded as a browser puts it in the address bar. */
export function hash(id) {
    return '#' + encodeURIComponent(id);
}

/** CSS selector for an element by id (ids here hold CJK characters and dashes). */
export function byId(id) {
    return `[id="${id.replace(/["\\]/g, '\\$&')}"]`;
}

// ---- Building the site -------------------------------------------------------------------

const BUILD_PREFIX = 'qbank-browser-site-';

function alive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return e.code === 'EPERM';
    }
}

// Sites built for test runs whose runner process is gone.
function sweepStaleBuilds() {
    for (const name of readdirSync(os.tmpdir())) {
        const m = name.match(/^qbank-browser-site-(?:[a-z]+-)?(\d+)$/);
        if (m && !alive(Number(m[1]))) {
            rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
        }
    }
}

const run = (cmd, args) =>
    promisify(execFile)(cmd, args, { cwd: REPO, maxBuffer: 64 << 20, timeout: 15 * 60 * 1000 }).catch((e) => {
        throw new Error(`${cmd} ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
    });

/** The bundled book as stock `mdbook build` makes it after `mdbook-qbank install`. */
async function buildStockInto(dir) {
    await run('cargo', ['build', '-q', '--release', '-p', 'mdbook-qbank', '--bins', '--examples']);
    const out = `${dir}.stock`;
    await run(path.join(REPO, 'target', 'release', 'examples', 'stock-build'), ['book', out]);
    rmSync(dir, { recursive: true, force: true });
    renameSync(path.join(out, 'html'), dir);
    rmSync(out, { recursive: true, force: true });
}

async function buildInto(dir, edition) {
    if (edition === 'stock') {
        await buildStockInto(dir);
        if (!existsSync(path.join(dir, RECORD))) {
            throw new Error(`the stock build wrote no ${RECORD} into ${dir}`);
        }
        return;
    }
    // `cargo run` builds qbank first if needed; cargo's own lock serialises concurrent runs.
    // A fixture name builds that fixture book (tests/fixtures/NAME) instead of the bundled one.
    const fixture = FIXTURES.includes(edition);
    const book = fixture ? path.join('tests', 'fixtures', edition) : 'book';
    const args = ['run', '-q', '--release', '--', 'build', book, '-d', dir];
    const env = { ...process.env };
    if (edition === 'print-split') {
        // The bundled book past a tiny print-limit: a print page per record (see print.test.mjs).
        env.MDBOOK_PREPROCESSOR__QBANK__PRINT_LIMIT = PRINT_SPLIT_LIMIT;
    } else if (edition && !fixture) {
        args.push('--edition', edition);
    }
    await promisify(execFile)(
        'cargo',
        args,
        { cwd: REPO, env, maxBuffer: 64 << 20, timeout: 15 * 60 * 1000 },
    ).catch((e) => {
        throw new Error(`building the site failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
    });
    if (!existsSync(path.join(dir, fixture ? 'index.html' : RECORD))) {
        throw new Error(`the build wrote no ${RECORD} into ${dir}`);
    }
}

/** The `print-limit` of the 'print-split' build: under the book's print page, over none of its records'. */
export const PRINT_SPLIT_LIMIT = '60KB';

/** Fixture books that `siteDir`/`startSite` can build by name, like an edition. */
const FIXTURES = ['banks', 'hostile'];

const sitePromises = new Map();

/**
 * The directory of the built site. `QBANK_SITE` if set; otherwise the book is built once per
 * `node --test` run (the test files of one run share it, keyed by the runner's pid) or once per
 * process when a test file is run on its own. `edition` (e.g. 'practice') builds that edition
 * instead of the book's own, and 'stock' builds it with stock mdBook after `mdbook-qbank install`
(`QBANK_SITE` is never used for either).
 */
export function siteDir(edition) {
    const key = edition ?? '';
    if (!sitePromises.has(key)) {
        sitePromises.set(key, buildSite(edition));
    }
    return sitePromises.get(key);
}

async function buildSite(edition) {
    if (process.env.QBANK_SITE && !edition) {
        const dir = path.resolve(process.env.QBANK_SITE);
        if (!existsSync(path.join(dir, RECORD))) {
            throw new Error(`QBANK_SITE=${dir} holds no ${RECORD}`);
        }
        return dir;
    }
    sweepStaleBuilds();
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'qbank-browser-build-'));
    if (!process.env.NODE_TEST_CONTEXT) {
        // A test file run by itself: a fresh site, removed on exit.
        await buildInto(tmp, edition);
        process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
        return tmp;
    }
    const shared = path.join(os.tmpdir(), BUILD_PREFIX + (edition ? edition + '-' : '') + process.ppid);
    if (existsSync(shared)) {
        rmSync(tmp, { recursive: true, force: true });
        return shared;
    }
    await buildInto(tmp, edition);
    try {
        renameSync(tmp, shared);
    } catch {
        // Another test file of this run got there first: use its site.
        rmSync(tmp, { recursive: true, force: true });
    }
    return shared;
}

// ---- Serving it --------------------------------------------------------------------------

const TYPES = {
    '.html': 'text/html; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.mjs': 'text/javascript; charset=utf-8',
    '.json': 'application/json',
    '.svg': 'image/svg+xml',
    '.png': 'image/png',
    '.jpg': 'image/jpeg',
    '.jpeg': 'image/jpeg',
    '.gif': 'image/gif',
    '.ico': 'image/x-icon',
    '.woff': 'font/woff',
    '.woff2': 'font/woff2',
    '.ttf': 'font/ttf',
    '.otf': 'font/otf',
    '.txt': 'text/plain; charset=utf-8',
    '.map': 'application/json',
};

/** Serve `root` on 127.0.0.1 (any free port). Resolves to { origin, close() }. */
export function serve(root) {
    const server = http.createServer((req, res) => {
        let file;
        try {
            const { pathname } = new URL(req.url, 'http://x');
            file = path.join(root, path.normalize(decodeURIComponent(pathname)));
        } catch {
            res.writeHead(400).end();
            return;
        }
        if (file !== root && !file.startsWith(root + path.sep)) {
            res.writeHead(403).end();
            return;
        }
        let st = statSync(file, { throwIfNoEntry: false });
        if (st?.isDirectory()) {
            file = path.join(file, 'index.html');
            st = statSync(file, { throwIfNoEntry: false });
        }
        let status = 200;
        if (!st?.isFile()) {
            status = 404;
            file = path.join(root, '404.html');
            st = statSync(file, { throwIfNoEntry: false });
            if (!st?.isFile()) {
                res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
                return;
            }
        }
        res.writeHead(status, {
            'content-type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
            'content-length': st.size,
            'cache-control': 'no-store',
        });
        if (req.method === 'HEAD') {
            res.end();
        } else {
            createReadStream(file).pipe(res);
        }
    });
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address();
            resolve({
                origin: `http://127.0.0.1:${port}`,
                close: () =>
                    new Promise((done) => {
                        server.closeAllConnections?.();
                        server.close(() => done());
                    }),
            });
        });
    });
}

// ---- The browser -------------------------------------------------------------------------

export const CHROMIUM_ARGS = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
];

export function launch() {
    return chromium.launch({
        executablePath: process.env.QBANK_CHROMIUM || '/usr/bin/chromium',
        headless: !process.env.QBANK_HEADED,
        args: CHROMIUM_ARGS,
        timeout: 30_000,
    });
}

/**
 * Everything one test file needs: the built site served locally and a browser.
 * Call in `before()`, and `close()` in `after()`.
 */
export async function startSite(edition) {
    const root = await siteDir(edition);
    const server = await serve(root);
    const browser = await launch();
    const site = {
        root,
        origin: server.origin,
        browser,
        /** URL of a site path (e.g. RECORD, or RECORD + hash(Q1)). */
        url: (p = '') => `${server.origin}/${p}`,
        /**
         * A page in a fresh context. Returns { page, context, errors, requests }: `errors` collects
         * uncaught exceptions and console errors, `requests` every URL the page asked for.
         */
        async open({ viewport = { width: 1280, height: 900 }, initScripts = [], ...contextOptions } = {}) {
            const context = await browser.newContext({ viewport, ...contextOptions });
            context.setDefaultTimeout(10_000);
            context.setDefaultNavigationTimeout(20_000);
            for (const script of initScripts) {
                await context.addInitScript(script);
            }
            const page = await context.newPage();
            const errors = [];
            const requests = [];
            page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
            page.on('console', (msg) => {
                if (msg.type() === 'error') {
                    const loc = msg.location();
                    errors.push(`console.error: ${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
                }
            });
            page.on('request', (req) => requests.push(req.url()));
            return { page, context, errors, requests };
        },
        async close() {
            await browser.close().catch(() => {});
            await server.close();
        },
    };
    return site;
}

// ---- Measuring what a user sees ----------------------------------------------------------

/**
 * Whether the element matched by `selector` is rendered and visible: checkVisibility() with
 * content-visibility, opacity and visibility checks, and a non-empty box.
 */
export function visible(page, selector) {
    return page.$eval(selector, (el) => {
        const r = el.getBoundingClientRect();
        return (
            el.checkVisibility({ contentVisibilityAuto: true, opacityProperty: true, visibilityProperty: true }) &&
            r.width > 0 &&
            r.height > 0
        );
    });
}

/** Bounding client rect of the element matched by `selector` (plain object). */
export function box(page, selector) {
    return page.$eval(selector, (el) => el.getBoundingClientRect().toJSON());
}

/** Whether the `<details>` answer of question `id` is open. */
export function answerOpen(page, id) {
    return page.$eval(`${byId(id)} details[data-qb-answer]`, (d) => d.open);
}

/** Open state of every answer on the page, keyed by question id. */
export function answerStates(page) {
    return page.$$eval('details[data-qb-answer]', (all) =>
        Object.fromEntries(all.map((d) => [d.closest('[data-qb-question]').dataset.qbQuestion, d.open])),
    );
}

/** Poll `fn` until it returns a truthy value or `ms` pass; returns the last value. */
export async function until(fn, ms = 3000, step = 50) {
    const end = Date.now() + ms;
    let v;
    for (;;) {
        v = await fn();
        if (v || Date.now() >= end) {
            return v;
        }
        await new Promise((r) => setTimeout(r, step));
    }
}

/**
 * Wait for scrolling to settle (two animation frames with the same scroll position), then
 * one more frame so layout after a hash navigation or history traversal is final.
 */
export function settle(page) {
    return page.evaluate(
        () =>
            new Promise((resolve) => {
                let last = -1;
                let same = 0;
                const tick = () => {
                    const y = window.scrollY;
                    same = y === last ? same + 1 : 0;
                    last = y;
                    if (same >= 3) {
                        resolve(y);
                    } else {
                        requestAnimationFrame(tick);
                    }
                };
                requestAnimationFrame(tick);
            }),
    );
}

/** Save a screenshot into tests/browser/screenshots/NAME. */
export async function screenshot(page, name, options = {}) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const file = path.join(SCREENSHOTS, name);
    await page.screenshot({ path: file, animations: 'disabled', ...options });
    return file;
}

// ---- Colour contrast (WCAG 2.x) ----------------------------------------------------------

/**
 * In the page: foreground colour of `selector` and the effective background behind it
 * (background colours of the element and its ancestors composited over white), with the
 * WCAG contrast ratio, with opacity folded into the text colour. Background images are
 * reported, since they make the ratio unreliable.
 */
export function contrastOf(page, selector) {
    return page.$eval(selector, (el) => {
        const probe = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
        // Any CSS colour (rgb(), color(srgb …), oklch(), color-mix results…) -> [r, g, b, a] 0..255 / 0..1.
        const rgba = (css) => {
            probe.clearRect(0, 0, 1, 1);
            probe.fillStyle = '#000';
            probe.fillStyle = css;
            probe.fillRect(0, 0, 1, 1);
            const [r, g, b, a] = probe.getImageData(0, 0, 1, 1).data;
            // getImageData returns un-premultiplied values: use them as they are.
            return a === 0 ? [0, 0, 0, 0] : [r, g, b, a / 255];
        };
        const over = (top, bottom) => {
            const a = top[3] + bottom[3] * (1 - top[3]);
            if (a === 0) return [0, 0, 0, 0];
            return [0, 1, 2].map((i) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a).concat(a);
        };
        const layers = [];
        let images = [];
        for (let n = el; n; n = n.parentElement) {
            const cs = getComputedStyle(n);
            layers.push(rgba(cs.backgroundColor));
            if (cs.backgroundImage && cs.backgroundImage !== 'none') images.push(n.tagName.toLowerCase());
        }
        let bg = [255, 255, 255, 1];
        for (const layer of layers.reverse()) bg = over(layer, bg);
        const cs = getComputedStyle(el);
        // Opacity of the element and its ancestors fades the text towards what lies behind it.
        let opacity = 1;
        for (let n = el; n; n = n.parentElement) opacity *= parseFloat(getComputedStyle(n).opacity);
        const color = rgba(cs.color);
        color[3] *= opacity;
        const fg = over(color, bg);
        const lum = ([r, g, b]) => {
            const f = (c) => {
                c /= 255;
                return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
            };
            return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
        };
        const L1 = lum(fg);
        const L2 = lum(bg);
        const hex = (c) => '#' + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
        return {
            fg: hex(fg),
            bg: hex(bg),
            ratio: (Math.max(L1, L2) + 0.05) / (Math.min(L1, L2) + 0.05),
            bgLuminance: L2,
            backgroundImages: images,
        };
    });
}
