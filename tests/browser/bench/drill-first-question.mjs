// Bytes headless Chromium downloads for the drill's first question on a built site (issue 13:
// under 1 MB on the generated 10,000-question bank) and for the progress page, and when study
// mode's work starts and ends on a record page against its first paint.
// Usage: node drill-first-question.mjs SITE_DIR [RECORD_PAGE]   Prints one JSON line.
// Served like a static host (Last-Modified, no cache-control), from a fresh browser context.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [site, record = 'record-0100.html'] = process.argv.slice(2);
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.woff2': 'font/woff2' };
const server = http.createServer((req, res) => {
    let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (p.endsWith('/')) p += 'index.html';
    const file = path.join(site, p);
    if (!file.startsWith(site) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
        res.writeHead(404).end();
        return;
    }
    const st = fs.statSync(file);
    res.writeHead(200, {
        'content-type': types[path.extname(file)] ?? 'application/octet-stream',
        'content-length': st.size,
        'last-modified': st.mtime.toUTCString(),
    });
    fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
    executablePath: process.env.QBANK_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});

async function measure(url, ready) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    let bytes = 0;
    const files = {};
    const urls = {};
    cdp.on('Network.requestWillBeSent', (e) => { urls[e.requestId] = e.request.url.replace(origin, ''); });
    cdp.on('Network.loadingFinished', (e) => {
        bytes += e.encodedDataLength;
        const u = urls[e.requestId] ?? '?';
        files[u] = (files[u] ?? 0) + e.encodedDataLength;
    });
    const t0 = Date.now();
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    const extra = await ready(page);
    const ms = Date.now() - t0;
    await page.waitForTimeout(300);
    await context.close();
    return { bytes, ms, files, ...extra };
}

// The drill: a fresh reader opens the page, starts the default drill (everything not known),
// and sees the first question's text.
const drill = await measure(`${origin}/qbank-drill.html`, async (page) => {
    await page.waitForSelector('[data-qb-drill-setup]:not([hidden])', { timeout: 60000 });
    await page.locator('[data-qb-drill-start]').click();
    await page.waitForSelector('[data-qb-drill-card][data-qb-drill-loaded]', { timeout: 60000 });
    return { key: await page.locator('[data-qb-drill-card]').getAttribute('data-qb-drill-key') };
});

// The progress page, until its totals are drawn.
const progress = await measure(`${origin}/qbank-progress.html`, async (page) => {
    await page.waitForSelector('[data-qb-progress-body] [data-qb-progress]', { timeout: 60000 });
    return {};
});

// First paint against study mode's marks on a record page (with some marks stored).
const paint = await (async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/${record}`, { waitUntil: 'load' });
    // Mark the first 20 cards (the buttons appear after the marks start), then measure a reload.
    await page.waitForSelector('[data-qb-mark]');
    await page.$$eval('section.qb-card', (cs) => cs.slice(0, 20).forEach((c, i) => c.querySelector(`[data-qb-mark="${i % 2 ? 'unsure' : 'known'}"]`).click()));
    const runs = [];
    for (let i = 0; i < 5; i++) {
        await page.reload({ waitUntil: 'load' });
        await page.waitForFunction(() => performance.getEntriesByName('qbank-study-end').length > 0);
        runs.push(await page.evaluate(() => {
            const get = (n) => performance.getEntriesByName(n)[0]?.startTime ?? null;
            const nav = performance.getEntriesByType('navigation')[0];
            return {
                dcl: nav.domContentLoadedEventEnd,
                firstPaint: get('first-paint'),
                fcp: get('first-contentful-paint'),
                studyStart: get('qbank-study-start'),
                studyEnd: get('qbank-study-end'),
                cards: document.querySelectorAll('section.qb-card').length,
            };
        }));
    }
    await context.close();
    return runs;
})();

console.log(JSON.stringify({ drill, progress, paint }));
await browser.close();
server.close();
