// Answers on a record page: closed at first, opened by a click, by a deep link, by history
// navigation, by "expand all"; copy-link buttons.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
    ANSWERED, Q1, Q2, Q3, Q4, RECORD,
    answerOpen, answerStates, box, byId, hash, settle, startSite, until, visible,
} from './harness.mjs';

let site;
before(async () => {
    site = await startSite();
});
after(async () => {
    await site?.close();
});

/** Where an element sits in the viewport, and whether it is the thing a user sees there. */
function placement(page, selector) {
    return page.$eval(selector, (el) => {
        const r = el.getBoundingClientRect();
        const x = r.left + Math.min(r.width / 2, 40);
        const y = r.top + Math.min(r.height / 2, 12);
        const hit = document.elementFromPoint(x, y);
        return {
            top: r.top,
            bottom: r.bottom,
            innerHeight: window.innerHeight,
            scrollY: window.scrollY,
            // Not covered by the sticky menu bar or anything else.
            onTop: !!hit && (el === hit || el.contains(hit)),
            covering: hit && !(el === hit || el.contains(hit)) ? hit.outerHTML.slice(0, 120) : null,
        };
    });
}

function assertNearTop(p, what) {
    assert.ok(
        p.top >= -1 && p.top <= p.innerHeight * 0.3,
        `${what} should be near the top of the viewport, but its top is at ${p.top}px of ${p.innerHeight}px`,
    );
    assert.ok(p.onTop, `${what} should not be covered, but ${p.covering} is on top of it`);
}

test('an answer is closed at first and opens on a click on its summary', async () => {
    const { page, context } = await site.open();
    try {
        await page.goto(site.url(RECORD));
        const states = await answerStates(page);
        assert.deepEqual(Object.keys(states).sort(), [...ANSWERED].sort(), 'exactly Q1-Q3 have answers');
        for (const [id, open] of Object.entries(states)) {
            assert.equal(open, false, `answer of ${id} should be closed on load`);
        }
        const body = byId(`${Q1}-answer`);
        assert.equal(await visible(page, body), false, 'closed answer text is not visible');
        // Chromium keeps a (skipped) box for the content of a closed <details>, so judge the
        // closed answer by what takes up room: only its summary line.
        const details = await box(page, `${byId(Q1)} details[data-qb-answer]`);
        const summaryBox = await box(page, `${byId(Q1)} details[data-qb-answer] > summary`);
        assert.ok(
            details.height <= summaryBox.height + 6,
            `closed answer takes only its summary line: details ${details.height}px, summary ${summaryBox.height}px`,
        );

        // Unanswered questions say so instead of offering an empty answer.
        assert.equal(await page.locator(`${byId(Q4)} details`).count(), 0);
        assert.ok(await visible(page, `${byId(Q4)} .qb-no-answer`), 'Q4 shows its "no answer" note');

        const summary = page.locator(`${byId(Q1)} details[data-qb-answer] > summary`);
        await summary.scrollIntoViewIfNeeded();
        await summary.click();
        assert.equal(await answerOpen(page, Q1), true, 'clicking the summary opens the answer');
        assert.ok(await visible(page, body), 'answer text is visible after the click');
        const text = await page.locator(body).innerText();
        assert.match(text, /GMP/, 'the visible answer is Q1 model answer');
        assert.equal(await answerOpen(page, Q2), false, 'other answers stay closed');

        await summary.click();
        assert.equal(await answerOpen(page, Q1), false, 'a second click closes it again');
        assert.equal(await visible(page, body), false);
    } finally {
        await context.close();
    }
});

test('a link to a question lands on the card and leaves its answer closed', async () => {
    const { page, context } = await site.open();
    try {
        await page.goto(site.url(RECORD + hash(Q3)));
        await settle(page);
        const p = await placement(page, byId(Q3));
        assert.ok(p.scrollY > 0, `the page should have scrolled to Q3, scrollY=${p.scrollY}`);
        assertNearTop(p, 'the Q3 card');
        assertNearTop(await placement(page, byId(`${Q3}-title`)), 'the Q3 title');
        assert.equal(await answerOpen(page, Q3), false, 'a question link must not spoil the answer');
        assert.equal(await visible(page, byId(`${Q3}-answer`)), false);
    } finally {
        await context.close();
    }
});

test('a link to an answer opens it and scrolls to it (on load and in page)', async () => {
    const { page, context } = await site.open();
    try {
        await page.goto(site.url(RECORD + hash(`${Q2}-answer`)));
        await settle(page);
        assert.equal(await answerOpen(page, Q2), true, 'Q2 answer opened by #…-answer on load');
        assert.ok(await visible(page, byId(`${Q2}-answer`)), 'Q2 answer text visible');
        assertNearTop(await placement(page, byId(`${Q2}-answer`)), 'the Q2 answer');
        assert.equal(await answerOpen(page, Q1), false);
        assert.equal(await answerOpen(page, Q3), false);

        // In-page: a user follows a link to another answer (hashchange, no reload).
        await page.evaluate((h) => {
            const a = document.createElement('a');
            a.href = h;
            a.textContent = 'jump';
            document.body.append(a);
            a.click();
            a.remove();
        }, hash(`${Q1}-answer`));
        assert.ok(await until(() => answerOpen(page, Q1)), 'Q1 answer opened by an in-page link');
        await settle(page);
        assert.ok(await visible(page, byId(`${Q1}-answer`)));
        assertNearTop(await placement(page, byId(`${Q1}-answer`)), 'the Q1 answer');
    } finally {
        await context.close();
    }
});

test('a link to a heading inside an answer opens that answer', async () => {
    const { page, context } = await site.open();
    try {
        await page.goto(site.url(RECORD));
        const headingId = await page.$eval(`${byId(`${Q3}-answer`)} h4.qb-heading[id]`, (h) => h.id);
        assert.ok(headingId.startsWith(`${Q3}-`), `heading id ${headingId} is namespaced by its question`);

        await page.goto('about:blank'); // a fresh load of the shared link, not a same-document jump
        await page.goto(site.url(RECORD + hash(headingId)));
        await settle(page);
        assert.equal(await answerOpen(page, Q3), true, `#${headingId} opens the Q3 answer`);
        assert.ok(await visible(page, byId(headingId)), 'the heading is visible');
        assertNearTop(await placement(page, byId(headingId)), `heading #${headingId}`);
    } finally {
        await context.close();
    }
});

test('back and forward re-open the answer the history entry points at', async () => {
    const { page, context } = await site.open();
    const closeAll = () => page.$$eval('details[data-qb-answer]', (ds) => ds.forEach((d) => (d.open = false)));
    const at = async (id) => {
        assert.ok(
            await until(() => answerOpen(page, id)),
            `after history navigation to #${id}-answer its answer should be open (url ${page.url()})`,
        );
        await settle(page);
        assert.ok(await visible(page, byId(`${id}-answer`)), `${id} answer text is visible`);
        const p = await placement(page, byId(`${id}-answer`));
        assert.ok(
            p.top < p.innerHeight && p.bottom > 0,
            `${id} answer should be in view after history navigation (top ${p.top}, bottom ${p.bottom})`,
        );
    };
    try {
        await page.goto(site.url(RECORD));
        await page.goto(site.url(RECORD + hash(`${Q1}-answer`)));
        await at(Q1);
        await page.goto(site.url(RECORD + hash(Q4)));
        await page.goto(site.url(RECORD + hash(`${Q3}-answer`)));
        await at(Q3);

        await closeAll();
        await page.goBack(); // -> #Q4
        assert.equal(decodeURIComponent(new URL(page.url()).hash), `#${Q4}`);
        await settle(page);
        assert.deepEqual(
            Object.values(await answerStates(page)),
            [false, false, false],
            'going back to a question link opens no answer',
        );

        await page.goBack(); // -> #Q1-answer
        assert.equal(decodeURIComponent(new URL(page.url()).hash), `#${Q1}-answer`);
        await at(Q1);
        assert.equal(await answerOpen(page, Q3), false);

        await closeAll();
        await page.goForward(); // -> #Q4
        await page.goForward(); // -> #Q3-answer
        assert.equal(decodeURIComponent(new URL(page.url()).hash), `#${Q3}-answer`);
        await at(Q3);

        await closeAll();
        await page.goBack();
        await page.goBack(); // -> #Q1-answer again
        await at(Q1);
    } finally {
        await context.close();
    }
});

test('expand all / collapse all is shown and works from the keyboard', async () => {
    const { page, context } = await site.open();
    try {
        await page.goto(site.url(RECORD));
        assert.equal(await page.locator('nav.qb-overview .qb-count').innerText().then((t) => t.includes('3/10')), true);
        assert.ok(await visible(page, '[data-qb-toggle-all]'), 'the expand/collapse control is shown once JS runs');
        assert.ok(await visible(page, '[data-qb-expand]'), 'expand button visible');
        assert.ok(await visible(page, '[data-qb-collapse]'), 'collapse button visible');

        // Reachable with Tab from the top of the page.
        await page.locator('body').click({ position: { x: 5, y: 5 }, force: true }).catch(() => {});
        await page.evaluate(() => document.activeElement?.blur());
        let reached = false;
        for (let i = 0; i < 60 && !reached; i++) {
            await page.keyboard.press('Tab');
            reached = await page.evaluate(() => document.activeElement?.matches('[data-qb-expand]') ?? false);
        }
        assert.ok(reached, 'Tab reaches the expand-all button');
        const ring = await page.$eval('[data-qb-expand]', (b) => {
            const cs = getComputedStyle(b);
            return { outline: cs.outlineStyle, width: parseFloat(cs.outlineWidth), shadow: cs.boxShadow };
        });
        assert.ok(
            (ring.outline !== 'none' && ring.width > 0) || ring.shadow !== 'none',
            `the focused button shows a focus ring (${JSON.stringify(ring)})`,
        );

        await page.keyboard.press('Enter');
        assert.ok(
            await until(async () => Object.values(await answerStates(page)).every(Boolean)),
            `Enter on expand opens all answers: ${JSON.stringify(await answerStates(page))}`,
        );
        for (const id of ANSWERED) {
            assert.ok(await visible(page, byId(`${id}-answer`)), `${id} answer visible after expand all`);
        }

        await page.focus('[data-qb-collapse]');
        await page.keyboard.press('Space');
        assert.ok(
            await until(async () => !Object.values(await answerStates(page)).some(Boolean)),
            `Space on collapse closes all answers: ${JSON.stringify(await answerStates(page))}`,
        );
        for (const id of ANSWERED) {
            assert.equal(await visible(page, byId(`${id}-answer`)), false, `${id} answer hidden after collapse all`);
        }

        await page.focus('[data-qb-expand]');
        await page.keyboard.press('Space');
        assert.ok(await until(async () => Object.values(await answerStates(page)).every(Boolean)), 'Space expands too');
    } finally {
        await context.close();
    }
});

test('copy-link button copies the question URL and says so', async () => {
    const { page, context } = await site.open();
    try {
        await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.origin });
        await page.goto(site.url(RECORD));
        const button = page.locator(`${byId(Q2)} .qb-copy[data-qb-copy]`);
        assert.equal(await button.count(), 1);
        assert.ok(await visible(page, `${byId(Q2)} .qb-copy`), 'copy button is shown once JS runs');

        await page.evaluate(() => navigator.clipboard.writeText('untouched'));
        const look = () =>
            button.evaluate((b) => ({
                text: b.innerText,
                title: b.title,
                label: b.getAttribute('aria-label'),
                cls: b.className,
                after: getComputedStyle(b, '::after').content,
            }));
        const before = await look();
        await button.click();

        const clip = await until(async () => {
            const t = await page.evaluate(() => navigator.clipboard.readText());
            return t !== 'untouched' ? t : null;
        });
        assert.ok(clip, 'the clipboard was written');
        const [base, frag] = clip.split('#');
        assert.equal(base, site.url(RECORD), `copied link points at the record page: ${clip}`);
        assert.equal(decodeURIComponent(frag ?? ''), Q2, `copied link points at Q2: ${clip}`);

        const changed = await until(async () => {
            const now = await look();
            return JSON.stringify(now) !== JSON.stringify(before) ? now : null;
        }, 1000, 20);
        assert.ok(changed, `the button shows feedback after copying (before: ${JSON.stringify(before)})`);

        // The copied link works: it lands on Q2.
        await page.goto(clip);
        await settle(page);
        assertNearTop(await placement(page, byId(Q2)), 'the card of the copied link');
    } finally {
        await context.close();
    }
});
