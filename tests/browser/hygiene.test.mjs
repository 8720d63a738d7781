// Pages load without script errors, fetch nothing from outside the site, and show text
// rather than markup.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { Q1, RECORD, byId, hash, settle, startSite } from './harness.mjs';

let site;
before(async () => {
    site = await startSite();
});
after(async () => {
    await site?.close();
});

for (const path of [RECORD, RECORD + hash(`${Q1}-answer`), 'index.html', 'print.html']) {
    test(`${decodeURIComponent(path)}: no script errors, no request leaves the site`, async () => {
        const { page, context, errors, requests } = await site.open({
            // print.html opens the print dialog after load; keep it from blocking.
            initScripts: [() => { window.print = () => {}; }],
        });
        try {
            await page.goto(site.url(path), { waitUntil: 'load' });
            await settle(page);
            // Exercise the page's script a little: expand all, copy a link, print events.
            await page.evaluate(() => {
                document.querySelector('[data-qb-expand]')?.click();
                document.querySelector('[data-qb-collapse]')?.click();
                window.dispatchEvent(new Event('beforeprint'));
                window.dispatchEvent(new Event('afterprint'));
            });
            await page.waitForTimeout(300); // late timers (mdBook's print timeout is 100 ms)
            assert.deepEqual(errors, [], `script errors on ${path}`);
            const outside = requests.filter((u) => !u.startsWith(site.origin + '/') && !u.startsWith('data:'));
            assert.deepEqual(outside, [], `requests that leave the site from ${path}`);
            assert.ok(requests.some((u) => /\/qbank\/qbank-[^/]*\.css$/.test(u)), 'the qbank stylesheet is loaded');
            assert.ok(requests.some((u) => /\/qbank\/qbank-[^/]*\.js$/.test(u)), 'the qbank script is loaded');
        } finally {
            await context.close();
        }
    });
}

test('the qbank assets resolve (no 404) on every page of the seed book', async () => {
    const { page, context } = await site.open();
    try {
        const bad = [];
        page.on('response', (r) => {
            if (r.status() >= 400) bad.push(`${r.status()} ${r.url()}`);
        });
        for (const path of [RECORD, 'index.html', 'print.html']) {
            await page.goto(site.url(path));
        }
        // A page one directory down must find the assets too.
        const nested = await page.$$eval('#mdbook-sidebar a[href], .sidebar a[href]', (as) =>
            as.map((a) => a.href).filter((h) => /\/[^/]+\/[^/]+\.html$/.test(new URL(h).pathname)),
        );
        for (const href of nested.slice(0, 3)) {
            await page.goto(href);
        }
        assert.deepEqual(bad, [], 'failed requests');
    } finally {
        await context.close();
    }
});

test('answer text shows no raw HTML entities or markup', async () => {
    const { page, context } = await site.open();
    try {
        await page.goto(site.url(RECORD));
        await page.$$eval('details[data-qb-answer]', (ds) => ds.forEach((d) => (d.open = true)));
        const leaks = await page.$$eval('section.qb-card', (cards) =>
            cards.flatMap((card) => {
                const text = card.innerText;
                const found = text.match(/&(#\d+|#x[0-9a-f]+|[a-z]+);|<\/?(div|p|span|br|details|summary)\b/gi) ?? [];
                return found.length ? [`${card.id}: ${[...new Set(found)].join(' ')}`] : [];
            }),
        );
        assert.deepEqual(leaks, [], 'cards whose visible text contains entity codes or tags');
        await settle(page);
        assert.ok(await page.locator(byId(`${Q1}-answer`)).isVisible());
    } finally {
        await context.close();
    }
});
