// Hostile bank text in a browser: the fixture book tests/fixtures/hostile puts scripts, event
// handlers, `javascript:` links, a `</details>` that tries to close its card, ids with quotes
// and spaces, a NUL byte and right-to-left overrides into every place a record has text. Its
// pages are opened, their links clicked and their answers opened, the search is run with
// hostile queries: no dialog ever opens and no script error is raised. (The 1 MB line and the
// ten thousand nested levels are built and checked by tests/hostile.rs.)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { settle, startSite, until } from './harness.mjs';

const RECORD = 'hostile.html';
// The question ids, as written: `{#q1}`, `{#a"b c}` (its id ends at the space) and an id set in
// the question's metadata.
const IDS = ['q1', 'a"b', 'x" onmouseover="alert(1)'];
const HOSTILE_QUERIES = ['<img src=x onerror=alert(1)>', '"><svg onload=alert(1)>', '<script>alert(1)</script>', 'alert', 'javascript:alert(1)'];

let site;
before(async () => {
    site = await startSite('hostile');
});
after(async () => {
    await site?.close();
});

// print.html calls window.print(): headless Chromium has no print dialog to wait for.
const NO_PRINT_DIALOG = () => {
    window.print = () => {};
};

/**
 * A page whose every dialog (alert, confirm, prompt) is recorded and dismissed. `problems()`
 * lists the dialogs, uncaught exceptions and requests outside the site; a missing image
 * (`<img src=x>`) is not one.
 */
async function open() {
    const opened = await site.open({ initScripts: [NO_PRINT_DIALOG] });
    const dialogs = [];
    opened.page.on('dialog', async (d) => {
        const seen = `${d.type()}: ${d.message()}`;
        await d.dismiss().catch(() => {});
        // qbank's own confirmation ("New interview" of interview mode) is not the record's.
        const own = await opened.page.evaluate(() => window.qbank?.labels?.iv_confirm_new).catch(() => null);
        if (!(d.type() === 'confirm' && own && d.message() === own)) {
            dialogs.push(seen);
        }
    });
    // Links out of the site may be clicked; nothing leaves the machine.
    await opened.context.route(
        (url) => !url.href.startsWith(site.origin),
        (route) => route.abort(),
    );
    const problems = () => [
        ...dialogs.map((d) => `dialog ${d}`),
        ...opened.errors.filter((e) => e.startsWith('pageerror')),
    ];
    return { ...opened, problems };
}

/** Elements of the page that carry an event handler, or a link or source with a script URL. */
function liveHandlers(page) {
    return page.evaluate(() => {
        const found = [];
        for (const el of document.querySelectorAll('*')) {
            for (const a of el.attributes) {
                const v = a.value.replace(/[\u0000-\u0020]/g, '').toLowerCase();
                if (a.name.startsWith('on') || (/^(href|src|action|formaction|xlink:href)$/.test(a.name) && /^(javascript|vbscript|data):/.test(v))) {
                    found.push(`<${el.localName} ${a.name}="${a.value}">`);
                }
            }
        }
        return found;
    });
}

/** Opens every `<details>` in `<main>` (answers, follow-ups, those in answers) by clicking. */
async function openEveryDetails(page) {
    const summaries = page.locator('main details > summary');
    const n = await summaries.count();
    for (let i = 0; i < n; i++) {
        const s = summaries.nth(i);
        const open = await s.evaluate((el) => el.parentElement.open);
        if (!open) {
            await s.click({ timeout: 2000 }).catch(() => {});
        }
    }
    return n;
}

test('the record page: no handler, no dialog, every card whole, every answer opens', async () => {
    const { page, problems, requests } = await open();
    await page.goto(site.url(RECORD));
    await settle(page);
    assert.deepEqual(await liveHandlers(page), []);
    assert.deepEqual(requests.filter((u) => !u.startsWith(site.origin)), [], 'no request outside the site');

    // Every card is a section of its own, side by side, with its own answer.
    const cards = await page.$$eval('[data-qb-question]', (all) =>
        all.map((c) => ({
            id: c.dataset.qbQuestion,
            tag: c.localName,
            beside: c.parentElement === all[0].parentElement,
            answers: c.querySelectorAll('details[data-qb-answer]').length,
            last: c.querySelector('.qb-answer-body')?.textContent.trim().split(/\s+/).pop(),
        })),
    );
    assert.deepEqual(
        cards.map((c) => [c.id, c.tag, c.beside, c.answers]),
        IDS.map((id) => [id, 'section', true, 1]),
    );
    assert.deepEqual(
        cards.map((c) => c.last),
        ['END-OF-ANSWER-1', 'END-OF-ANSWER-2', 'END-OF-ANSWER-3'],
    );

    // Hover what a handler would have been on, open every answer, press every button.
    for (const sel of ['main img', 'main a']) {
        const els = page.locator(sel);
        for (let i = 0, n = await els.count(); i < n; i++) {
            await els.nth(i).hover({ timeout: 1000, force: true }).catch(() => {});
        }
    }
    assert.ok((await openEveryDetails(page)) >= 6, 'answers, follow-ups and the hint');
    assert.deepEqual(await page.$$eval('details[data-qb-answer]', (ds) => ds.map((d) => d.open)), [true, true, true]);
    const buttons = page.locator('main button');
    for (let i = 0, n = await buttons.count(); i < n; i++) {
        await buttons.nth(i).click({ timeout: 1000, force: true }).catch(() => {});
    }
    assert.deepEqual(problems(), []);
});

test('every link of the record page can be clicked: none runs a script', async () => {
    const first = await open();
    await first.page.goto(site.url(RECORD));
    const count = await first.page.locator('main a').count();
    await first.context.close();
    assert.ok(count > 10, `links on the page: ${count}`);
    const problems = [];
    for (let i = 0; i < count; i++) {
        // A page of its own for each click: a link may lead anywhere.
        const { page, context, problems: of } = await open();
        await page.goto(site.url(RECORD));
        await settle(page);
        const link = page.locator('main a').nth(i);
        await link.evaluate((a) => a.closest('details')?.setAttribute('open', ''));
        await link.click({ timeout: 2000, force: true }).catch(() => {});
        await page.waitForLoadState('load').catch(() => {});
        await page.waitForTimeout(50);
        problems.push(...of());
        await context.close();
    }
    assert.deepEqual(problems, []);
});

test('a card id with quotes in the address lands on its card', async () => {
    for (const id of IDS) {
        for (const suffix of ['', '-answer']) {
            const { page, problems } = await open();
            await page.goto(site.url(RECORD + '#' + encodeURIComponent(id + suffix)));
            await settle(page);
            const inView = await until(
                () =>
                    page.evaluate((want) => {
                        const el = document.getElementById(want);
                        const r = el?.getBoundingClientRect();
                        return !!r && r.bottom > 0 && r.top < innerHeight;
                    }, id + suffix),
                3000,
            );
            assert.ok(inView, `#${id}${suffix} is in view`);
            assert.deepEqual(problems(), [], `#${id}${suffix}`);
        }
    }
});

test('print.html and index.html hold no handler and open no dialog', async () => {
    for (const file of ['print.html', 'index.html', 'notes.html', 'qbank-tags.html']) {
        const { page, problems } = await open();
        await page.goto(site.url(file));
        await settle(page);
        await openEveryDetails(page);
        assert.deepEqual(await liveHandlers(page), [], file);
        await page.waitForTimeout(200);
        assert.deepEqual(problems(), [], file);
    }
    const { page } = await open();
    await page.goto(site.url('print.html'));
    assert.equal(await page.locator('[data-qb-question]').count(), IDS.length);
});

test('hostile queries: results and teasers are text, the highlight is text', async () => {
    const { page, problems } = await open();
    await page.goto(site.url('index.html'));
    await settle(page);
    await page.keyboard.press('/');
    for (const query of HOSTILE_QUERIES) {
        await page.locator('#mdbook-searchbar').fill(query);
        await until(async () => {
            const header = await page.locator('#mdbook-searchresults-header').textContent();
            return header && !(await page.locator('#mdbook-searchbar-outer.searching').count());
        }, 5000);
        // Nothing but text and the <em> of a hit inside the results' teasers.
        const tags = await page.$$eval('#mdbook-searchresults .teaser *', (els) => els.map((e) => e.localName));
        assert.ok(tags.every((t) => t === 'em'), `${query}: ${tags.join(',')}`);
        assert.equal(await page.locator('#mdbook-searchresults img, #mdbook-searchresults svg, #mdbook-searchresults script').count(), 0);
    }
    // A result whose card id holds quotes opens on its card.
    await page.locator('#mdbook-searchbar').fill('override');
    await until(async () => (await page.locator('#mdbook-searchresults li a').count()) > 0, 5000);
    await page.locator('#mdbook-searchresults li a').first().click();
    await page.waitForURL(/hostile\.html/);
    await settle(page);
    assert.deepEqual(problems(), []);

    // The same through the address: ?search= and ?highlight= with markup in them.
    for (const q of HOSTILE_QUERIES) {
        const other = await open();
        await other.page.goto(site.url(`${RECORD}?search=${encodeURIComponent(q)}`));
        await settle(other.page);
        await other.page.goto(site.url(`${RECORD}?highlight=${encodeURIComponent(q)}#q1`));
        await settle(other.page);
        await other.page.waitForTimeout(100);
        assert.deepEqual(await other.page.$$eval('main mark *', (els) => els.length), 0);
        assert.deepEqual(other.problems(), [], q);
    }
});
