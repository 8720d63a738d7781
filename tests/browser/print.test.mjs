// Printing: print.html and Ctrl+P on a record page show every model answer, with the rubric
// inline. Saves print.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { ANSWERED, Q1, Q2, RECORD, answerStates, byId, screenshot, settle, startSite } from './harness.mjs';

const RECORD_PRINT = RECORD.replace(/\.html$/, '.print.html');

let site;
// The same book past a tiny print-limit: a print page per record and an index print.html.
let split;
before(async () => {
    site = await startSite();
    split = await startSite('print-split');
});
after(async () => {
    await site?.close();
    await split?.close();
});

// mdBook's print.html calls window.print() shortly after load. Headless Chromium has no print
// dialog; stub it out so that what is checked below is the print stylesheet alone, as when a
// page is printed without the script's beforeprint handler (PDF export tools, no-JS readers).
const NO_PRINT_DIALOG = () => {
    window.print = () => {};
};

/** Visibility of every answer body on the page: [{ id, visible, height }]. */
function answerBodies(page) {
    return page.$$eval('.qb-answer-body', (els) =>
        els.map((el) => {
            const r = el.getBoundingClientRect();
            return {
                id: el.id,
                height: r.height,
                visible:
                    el.checkVisibility({ contentVisibilityAuto: true, opacityProperty: true, visibilityProperty: true }) &&
                    r.height > 0 &&
                    r.width > 0,
            };
        }),
    );
}

function rubricInline(page) {
    return page.$$eval('section.qb-card', (cards) =>
        cards
            .map((card) => {
                const main = card.querySelector('.qb-card-main')?.getBoundingClientRect();
                const aside = card.querySelector('aside.qb-rubric')?.getBoundingClientRect();
                if (!main || !aside) return null;
                return { id: card.id, inline: aside.top >= main.bottom - 1, asideTop: aside.top, mainBottom: main.bottom, asideLeft: aside.left, mainRight: main.right };
            })
            .filter(Boolean),
    );
}

test('print.html under print media shows every model answer, rubric inline', async () => {
    // A wide window: the print rules, not the window width, must put the rubric inline.
    const { page, context } = await site.open({ viewport: { width: 1600, height: 1000 }, initScripts: [NO_PRINT_DIALOG] });
    try {
        await page.goto(site.url('print.html'));
        await page.emulateMedia({ media: 'print' });
        await settle(page);

        const bodies = await answerBodies(page);
        assert.ok(bodies.length >= ANSWERED.length, `print.html holds the seed answers (found ${bodies.length})`);
        for (const id of ANSWERED) {
            assert.ok(bodies.some((b) => b.id === `${id}-answer`), `print.html holds the answer of ${id}`);
        }
        const hidden = bodies.filter((b) => !b.visible);
        assert.deepEqual(
            hidden.map((b) => b.id),
            [],
            `every answer prints without clicking anything; hidden: ${JSON.stringify(hidden)}`,
        );
        const text = await page.locator(byId(`${Q1}-answer`)).innerText();
        assert.match(text, /GMP/, 'the printed Q1 answer has its text');

        const layout = await rubricInline(page);
        assert.ok(layout.length >= 10, `print.html has the rubric of each seed card (found ${layout.length})`);
        const beside = layout.filter((l) => !l.inline);
        assert.deepEqual(beside, [], 'in print the rubric is inline below the question, not beside it');
    } finally {
        await context.close();
    }
});

test('print.html does not print the interactive controls', async () => {
    const { page, context } = await site.open({ initScripts: [NO_PRINT_DIALOG] });
    try {
        await page.goto(site.url('print.html'));
        await page.emulateMedia({ media: 'print' });
        const shown = await page.$$eval('.qb-copy, [data-qb-toggle-all]', (els) =>
            els.filter((el) => el.checkVisibility()).map((el) => el.outerHTML.slice(0, 80)),
        );
        assert.deepEqual(shown, [], 'copy-link and expand/collapse buttons are not printed');
    } finally {
        await context.close();
    }
});

test('print.png: print.html as printed on a page-wide sheet', async () => {
    // About an A4 sheet's printable width at 96 dpi.
    const { page, context } = await site.open({ viewport: { width: 800, height: 1100 }, initScripts: [NO_PRINT_DIALOG] });
    try {
        await page.goto(site.url('print.html'));
        await page.emulateMedia({ media: 'print' });
        await page.$eval(byId(Q1), (el) => el.scrollIntoView());
        await settle(page);
        await screenshot(page, 'print.png');
        await page.$eval(byId(Q2), (el) => el.scrollIntoView());
        await settle(page);
        await screenshot(page, 'print-q2.png');
    } finally {
        await context.close();
    }
});

test('Ctrl+P on a record page: answers print open and close again afterwards', async () => {
    const { page, context } = await site.open({ viewport: { width: 1600, height: 1000 } });
    try {
        await page.goto(site.url(RECORD));
        // The reader had opened Q2 only.
        await page.locator(`${byId(Q2)} details[data-qb-answer] > summary`).click();
        const before = await answerStates(page);

        await page.emulateMedia({ media: 'print' });
        await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
        await settle(page);
        const bodies = await answerBodies(page);
        assert.equal(bodies.length, ANSWERED.length);
        assert.deepEqual(
            bodies.filter((b) => !b.visible).map((b) => b.id),
            [],
            'after beforeprint under print media every answer is visible',
        );
        const beside = (await rubricInline(page)).filter((l) => !l.inline);
        assert.deepEqual(beside, [], 'the rubric prints inline');

        await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
        await page.emulateMedia({ media: 'screen' });
        assert.deepEqual(await answerStates(page), before, 'after printing the answers are as the reader left them');
    } finally {
        await context.close();
    }
});

/** Counts calls of window.print instead of opening a dialog. */
const COUNT_PRINTS = () => {
    window.__prints = 0;
    window.print = () => {
        window.__prints += 1;
    };
};

test('past print-limit: the print button of a record page opens its own print page, which prints every answer', async () => {
    const { page, context, errors } = await split.open({ viewport: { width: 1600, height: 1000 }, initScripts: [COUNT_PRINTS] });
    try {
        await page.goto(split.url(RECORD));
        const button = page.locator('#mdbook-menu-bar a[href$="print.html"]');
        assert.equal(await button.count(), 1, 'the menu bar has a print button');
        assert.ok(await button.isVisible(), 'the print button is shown');
        await Promise.all([page.waitForURL((u) => u.pathname.endsWith(RECORD_PRINT)), button.click()]);
        // As on mdBook's print.html, the page opens the print dialog once it has loaded.
        await page.waitForFunction(() => window.__prints > 0, null, { timeout: 5000 });

        await page.emulateMedia({ media: 'print' });
        await settle(page);
        const bodies = await answerBodies(page);
        assert.deepEqual(
            bodies.map((b) => b.id).sort(),
            ANSWERED.map((id) => `${id}-answer`).sort(),
            "the print page holds this record's answers, and no other record's",
        );
        assert.deepEqual(bodies.filter((b) => !b.visible).map((b) => b.id), [], 'every answer prints open');
        const beside = (await rubricInline(page)).filter((l) => !l.inline);
        assert.deepEqual(beside, [], 'the rubric prints inline');
        const chrome = await page.$$eval('#mdbook-menu-bar, #mdbook-sidebar, nav.nav-wrapper', (els) =>
            els.filter((el) => el.checkVisibility()).map((el) => el.id || el.className),
        );
        assert.deepEqual(chrome, [], 'print.css hides the menu bar, sidebar and navigation');
        assert.deepEqual(errors, []);
        await screenshot(page, 'print-split-record.png');
    } finally {
        await context.close();
    }
});

test('past print-limit: print.html lists the record print pages, and each one works', async () => {
    const { page, context, errors } = await split.open({ initScripts: [COUNT_PRINTS] });
    try {
        // Any other page's print button leads to the index.
        await page.goto(split.url('guide/format.html'));
        await Promise.all([
            page.waitForURL((u) => u.pathname === '/print.html'),
            page.locator('#mdbook-menu-bar a[href$="print.html"]').click(),
        ]);
        const links = await page.$$eval('[data-qb-print-index] a[data-qb-print-record]', (as) =>
            as.map((a) => a.getAttribute('href')),
        );
        assert.deepEqual(links, [RECORD_PRINT, 'examples/rust-round1.print.html']);
        assert.equal(await page.evaluate(() => window.__prints), 0, 'the index itself opens no print dialog');
        for (const href of links) {
            const res = await page.request.get(split.url(href));
            assert.equal(res.status(), 200, href);
        }
        await Promise.all([
            page.waitForURL((u) => u.pathname.endsWith('rust-round1.print.html')),
            page.locator('a[href="examples/rust-round1.print.html"]').click(),
        ]);
        await page.waitForFunction(() => window.__prints > 0, null, { timeout: 5000 });
        // Assets and links resolve from the print page as from the record page.
        assert.ok(await page.locator('section.qb-card').count() >= 1);
        const css = await page.evaluate(() => getComputedStyle(document.querySelector('section.qb-card')).display);
        assert.notEqual(css, 'inline', 'qbank.css applies on the print page');
        assert.deepEqual(errors, []);
    } finally {
        await context.close();
    }
});

test('past print-limit: Ctrl+P on a record page still prints every answer open', async () => {
    const { page, context } = await split.open({ viewport: { width: 1600, height: 1000 } });
    try {
        await page.goto(split.url(RECORD));
        await page.emulateMedia({ media: 'print' });
        await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
        await settle(page);
        const bodies = await answerBodies(page);
        assert.equal(bodies.length, ANSWERED.length);
        assert.deepEqual(bodies.filter((b) => !b.visible).map((b) => b.id), []);
        const sidebar = await page.$eval('#mdbook-sidebar', (el) => el.checkVisibility()).catch(() => false);
        assert.equal(sidebar, false, 'print.css is linked on the record page: no sidebar in print');
    } finally {
        await context.close();
    }
});
