// Bytes the browser downloads for the first query typed into the search box of a built site,
// and (for qbank's index) how long a query takes once its shards are there.
// Usage: node first-query.mjs SITE_DIR QUERY...   Prints one JSON line.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [site, ...queries] = process.argv.slice(2);
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };
const server = http.createServer((req, res) => {
    let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (p.endsWith('/')) p += 'index.html';
    const file = path.join(site, p);
    if (!file.startsWith(site) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
        res.writeHead(404).end();
        return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
    executablePath: process.env.QBANK_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const out = {};
for (const q of queries) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/index.html`, { waitUntil: 'load' });
    await page.waitForTimeout(200);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    let bytes = 0;
    const files = new Set();
    cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
    cdp.on('Network.requestWillBeSent', (e) => files.add(e.request.url.replace(origin, '')));
    await page.keyboard.press('s');
    await page.locator('#mdbook-searchbar').fill(q);
    // Wait for results (or the "no results" header), then for the network to go quiet.
    await page.waitForFunction(() => {
        const h = document.getElementById('mdbook-searchresults-header');
        return h && h.textContent.trim().length > 0;
    }, null, { timeout: 120000 });
    await page.waitForLoadState('networkidle');
    const results = await page.$$eval('#mdbook-searchresults li', (l) => l.length);
    // Time a query again now that its shards are loaded (qbank only).
    let ms = null;
    if (await page.evaluate(() => typeof window.qbankSearchRun === 'function')) {
        ms = await page.evaluate(async (query) => {
            const t = performance.now();
            await window.qbankSearchRun(query + ' ', 'replace');
            return performance.now() - t;
        }, q);
    }
    out[q] = { bytes, files: files.size, results, warm_ms: ms };
    await context.close();
}
await browser.close();
server.close();
console.log(JSON.stringify(out));
