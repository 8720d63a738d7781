// Layout of the record page: the rubric beside the question on a wide screen, inline and with
// no sideways scrolling on a phone. Saves record-1600.png and record-390.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { Q1, Q2, RECORD, byId, hash, screenshot, settle, startSite } from './harness.mjs';

let site;
before(async () => {
    site = await startSite();
});
after(async () => {
    await site?.close();
});

function parts(page, id) {
    return page.$eval(byId(id), (card) => {
        const r = (el) => el && el.getBoundingClientRect().toJSON();
        return {
            card: r(card),
            main: r(card.querySelector('.qb-card-main')),
            aside: r(card.querySelector('aside.qb-rubric')),
            scale: (() => {
                const s = card.querySelector('.qb-levels');
                return s && { scrollWidth: s.scrollWidth, clientWidth: s.clientWidth };
            })(),
        };
    });
}

function expandAll(page) {
    return page.$$eval('details[data-qb-answer]', (ds) => ds.forEach((d) => (d.open = true)));
}

function overflow(page) {
    return page.evaluate(() => {
        const vw = window.innerWidth;
        const wide = [];
        for (const el of document.querySelectorAll('main *')) {
            const r = el.getBoundingClientRect();
            if (r.width > 0 && r.right > vw + 1 && getComputedStyle(el).position !== 'fixed') {
                // Report the outermost offenders only.
                if (!wide.some((w) => w.el.contains(el))) wide.push({ el, right: Math.round(r.right) });
            }
        }
        return {
            scrollWidth: document.documentElement.scrollWidth,
            innerWidth: vw,
            offenders: wide.slice(0, 5).map((w) => `${w.el.tagName.toLowerCase()}.${[...w.el.classList].join('.')} right=${w.right}`),
        };
    });
}

test('at 1600x1000 the rubric stands beside the question', async () => {
    const { page, context } = await site.open({ viewport: { width: 1600, height: 1000 } });
    try {
        await page.goto(site.url(RECORD + hash(Q1)));
        await expandAll(page);
        await settle(page);
        for (const id of [Q1, Q2]) {
            const { card, main, aside, scale } = await parts(page, id);
            assert.ok(main && aside, `${id} has .qb-card-main and aside.qb-rubric`);
            assert.ok(aside.width > 0 && aside.height > 0, `${id} rubric is rendered`);
            assert.ok(
                aside.left >= main.right - 1,
                `${id} rubric should be right of the question: aside.left=${aside.left}, main.right=${main.right}`,
            );
            assert.ok(
                aside.top < main.bottom && aside.bottom > main.top,
                `${id} rubric should overlap the question vertically: aside ${aside.top}..${aside.bottom}, main ${main.top}..${main.bottom}`,
            );
            assert.ok(aside.right <= card.right + 1, `${id} rubric stays inside its card (${aside.right} > ${card.right})`);
            assert.ok(main.width >= 400, `${id} question column keeps a readable width (${main.width}px)`);
            assert.ok(
                scale.scrollWidth <= scale.clientWidth + 1,
                `${id} level scale fits its column without scrolling (${scale.scrollWidth} > ${scale.clientWidth})`,
            );
        }
        // Q1's rubric: 5 dimensions and the 4-level scale, all of it inside the column.
        const rubric = await page.$eval(`${byId(Q1)} aside.qb-rubric`, (aside) => {
            const groups = [
                aside.querySelector('.qb-dims').textContent.split(' · ').length,
                aside.querySelector('.qb-levels').textContent.split(' · ').length,
            ];
            const a = aside.getBoundingClientRect();
            const sticking = [...aside.querySelectorAll('*')]
                .filter((el) => {
                    const r = el.getBoundingClientRect();
                    return r.width > 0 && (r.right > a.right + 1 || r.left < a.left - 1);
                })
                .map((el) => el.outerHTML.slice(0, 60));
            return { groups, sticking };
        });
        assert.deepEqual(rubric.groups, [5, 4], 'Q1 rubric lists 5 dimensions and 4 levels');
        assert.deepEqual(rubric.sticking, [], 'nothing in the Q1 rubric sticks out of its column');

        const o = await overflow(page);
        assert.ok(o.scrollWidth <= o.innerWidth, `no sideways scroll at 1600px: ${JSON.stringify(o)}`);

        await page.$$eval('details[data-qb-answer]', (ds) => ds.forEach((d) => (d.open = false)));
        await page.$eval(byId(Q1), (el) => el.scrollIntoView());
        await page.locator(`${byId(Q1)} details[data-qb-answer] > summary`).click();
        await settle(page);
        await screenshot(page, 'record-1600.png');
        await expandAll(page);
        await screenshot(page, 'record-1600-full.png', { fullPage: true });
    } finally {
        await context.close();
    }
});

for (const [name, path] of [
    ['record page', RECORD],
    ['index.html', 'index.html'],
]) {
    test(`at 390x844 the ${name} has no sideways scroll`, async () => {
        const { page, context } = await site.open({ viewport: { width: 390, height: 844 } });
        try {
            await page.goto(site.url(path));
            await settle(page);
            let o = await overflow(page);
            assert.ok(o.scrollWidth <= 390 && o.scrollWidth <= o.innerWidth, `sideways scroll on load: ${JSON.stringify(o)}`);
            if (path === RECORD) {
                await expandAll(page);
                await settle(page);
                o = await overflow(page);
                assert.ok(
                    o.scrollWidth <= 390 && o.scrollWidth <= o.innerWidth,
                    `sideways scroll with all answers open: ${JSON.stringify(o)}`,
                );
            }
        } finally {
            await context.close();
        }
    });
}

test('a Chinese answer written line by line shows its lines', async () => {
    const { page } = await site.open({ viewport: { width: 1400, height: 1000 } });
    await page.goto(site.url(RECORD + hash(Q2 + '-answer')));
    await settle(page);
    // Where the second written line starts: at the paragraph's left edge, on a new line.
    const at = await page.$eval(`${byId(Q2 + '-answer')} .qb-lines p`, (p) => {
        const text = p.firstChild;
        const i = text.data.indexOf('Locked (1 bit)');
        const range = document.createRange();
        range.setStart(text, i);
        range.setEnd(text, i + 1);
        const r = range.getBoundingClientRect();
        const box = p.getBoundingClientRect();
        return { left: r.left - box.left, top: r.top - box.top };
    });
    assert.ok(at.left < 2, `"Locked" starts a line (${at.left}px from the left)`);
    assert.ok(at.top > 10, 'on the second line, not the first');
});

test('at 390x844 the rubric sits below the question, inline', async () => {
    const { page, context } = await site.open({ viewport: { width: 390, height: 844 } });
    try {
        await page.goto(site.url(RECORD + hash(Q1)));
        await settle(page);
        for (const id of [Q1, Q2]) {
            const { card, main, aside } = await parts(page, id);
            assert.ok(aside.width > 0 && aside.height > 0, `${id} rubric is rendered`);
            assert.ok(aside.top >= main.bottom - 1, `${id} rubric below the question: aside.top=${aside.top}, main.bottom=${main.bottom}`);
            assert.ok(aside.left >= card.left - 1 && aside.right <= card.right + 1, `${id} rubric inside its card`);
            assert.ok(aside.width >= main.width * 0.8, `${id} rubric spans the card (${aside.width} vs ${main.width})`);
        }
        await page.locator(`${byId(Q1)} details[data-qb-answer] > summary`).click();
        await page.$eval(byId(Q1), (el) => el.scrollIntoView());
        await settle(page);
        await screenshot(page, 'record-390.png');
        await screenshot(page, 'record-390-full.png', { fullPage: true });
    } finally {
        await context.close();
    }
});
