// The five mdBook themes: cards follow the theme and their text stays readable.
// Saves theme-<name>.png for each.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { Q1, Q2, RECORD, THEMES, byId, contrastOf, screenshot, settle, startSite } from './harness.mjs';

let site;
before(async () => {
    site = await startSite();
});
after(async () => {
    await site?.close();
});

// Text a reader must be able to read on each theme (WCAG AA for body text: 4.5:1).
const TEXT = [
    ['prompt', `${byId(Q1)} .qb-prompt p`],
    ['title', `${byId(Q1)} .qb-title`],
    ['answer summary', `${byId(Q1)} details[data-qb-answer] > summary`],
    ['answer text', `${byId(Q2)} .qb-answer-body p`],
    ['prose answer', `${byId(Q1)} .qb-answer-body .qb-prose`],
    ['question number', `${byId(Q1)} .qb-title .qb-num`],
    ['rubric title', `${byId(Q1)} .qb-rubric-title`],
    ['rubric heading', `${byId(Q1)} .qb-rubric-h`],
    ['rubric dimension', `${byId(Q1)} .qb-rubric .qb-dims`],
    ['rubric key point', `${byId(Q2)} .qb-keypoints li`],
    ['overview count', 'nav.qb-overview .qb-count'],
    ['"answered" badge', 'nav.qb-overview .qb-badge-answered'],
    ['"no answer" badge', 'nav.qb-overview .qb-badge-unanswered'],
    ['info card title', '.qb-info-title'],
    ['expand button', '[data-qb-expand]'],
    ['unanswered note', '.qb-no-answer'],
];

for (const theme of THEMES) {
    test(`theme ${theme}: cards follow the theme and their text contrasts ≥ 4.5:1`, async () => {
        const { page, context, errors } = await site.open({
            viewport: { width: 1600, height: 1000 },
            // Before any page script runs, as if the reader had picked the theme earlier.
            initScripts: [{ content: `localStorage.setItem('mdbook-theme', ${JSON.stringify(theme)});` }],
        });
        try {
            await page.goto(site.url(RECORD));
            assert.ok(
                await page.evaluate((t) => document.documentElement.classList.contains(t), theme),
                `mdBook applied the ${theme} theme`,
            );
            await page.$$eval('details[data-qb-answer]', (ds) => ds.forEach((d) => (d.open = true)));

            // The card's background belongs to the theme: close to the page's own background,
            // not a light box on a dark page or the reverse.
            const card = await contrastOf(page, `${byId(Q1)} .qb-card-main`);
            const pageBg = await contrastOf(page, '.content main');
            const lum = (l) => l.bgLuminance;
            const sep = (Math.max(lum(card), lum(pageBg)) + 0.05) / (Math.min(lum(card), lum(pageBg)) + 0.05);
            assert.ok(
                sep < 1.6,
                `${theme}: card background ${card.bg} should sit with the page background ${pageBg.bg} (ratio ${sep.toFixed(2)})`,
            );

            const low = [];
            for (const [what, selector] of TEXT) {
                if ((await page.locator(selector).count()) === 0) {
                    low.push(`${what}: no element ${selector}`);
                    continue;
                }
                const c = await contrastOf(page, selector);
                if (c.ratio < 4.5) {
                    low.push(`${what}: ${c.fg} on ${c.bg} = ${c.ratio.toFixed(2)}:1`);
                }
            }
            // The prompt is the one the brief insists on; report every other low one with it.
            const prompt = await contrastOf(page, TEXT[0][1]);
            assert.ok(prompt.ratio >= 4.5, `${theme}: prompt text ${prompt.fg} on ${prompt.bg} = ${prompt.ratio.toFixed(2)}:1`);
            assert.deepEqual(low, [], `${theme}: text below 4.5:1 contrast`);

            await page.$eval(byId(Q1), (el) => el.scrollIntoView());
            await settle(page);
            await screenshot(page, `theme-${theme}.png`);
            assert.deepEqual(errors, [], `${theme}: script errors`);
        } finally {
            await context.close();
        }
    });
}
