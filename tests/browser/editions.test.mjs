// The practice edition (`qbank build --edition practice`), as a candidate sees it: questions
// without model answers, rubric or follow-ups, and a search that cannot reveal an answer.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { Q1, RECORD, byId, settle, startSite, until } from './harness.mjs';

// In Q1's model answer only; its prompt says GMP调度模型.
const ANSWER_ONLY = '工作窃取';
const PROMPT = 'GMP调度模型';

let practice;
let handbook;
before(async () => {
    [practice, handbook] = await Promise.all([startSite('practice'), startSite()]);
});
after(async () => {
    await practice?.close();
    await handbook?.close();
});

async function search(page, query) {
    const header = page.locator('#mdbook-searchresults-header');
    const before = (await header.count()) ? await header.textContent() : '';
    await page.keyboard.press('/');
    await page.locator('#mdbook-searchbar').fill(query);
    // Wait for this query's results, not the previous one's.
    await until(async () => {
        const now = await header.textContent();
        return now && now !== before && !(await page.locator('#mdbook-searchbar-outer.searching').count());
    }, 5000);
    return {
        header: await page.locator('#mdbook-searchresults-header').textContent(),
        titles: await page.$$eval('#mdbook-searchresults li a', (as) => as.map((a) => a.textContent)),
    };
}

test('practice cards show the questions without answers, rubric or template', async () => {
    const { page, errors } = await practice.open({ viewport: { width: 1600, height: 1000 } });
    await page.goto(practice.url(RECORD));
    await settle(page);
    assert.equal(await page.locator('section.qb-card').count(), 10);
    assert.equal(await page.locator('details.qb-answer, .qb-no-answer, aside.qb-rubric, .qb-followups').count(), 0);
    assert.equal(await page.locator('[data-qb-rubric-table]').count(), 0);
    const main = await page.locator('main').innerText();
    assert.ok(main.includes(PROMPT), 'prompts are shown');
    assert.ok(!main.includes(ANSWER_ONLY) && !main.includes('面试评价模板'), 'no answer, no template');
    // Without a rubric column, the question takes the card's whole width.
    const card = await page.locator(byId(Q1)).boundingBox();
    const body = await page.locator(`${byId(Q1)} .qb-card-main`).boundingBox();
    assert.ok(body.width > card.width - 60, `card ${card.width}px, question ${body.width}px`);
    // No answer states: no badges in the overview.
    assert.equal(await page.locator('.qb-overview .qb-badge:visible').count(), 0);
    assert.deepEqual(errors, []);
});

test('the practice drill asks the questions with no "Show answer", and its cards hold no answer', async () => {
    const { page, errors } = await practice.open();
    await page.goto(practice.url('qbank-drill.html'));
    await page.waitForSelector('[data-qb-drill-setup]:not([hidden])');
    assert.equal(await page.locator('[data-qb-drill-status]').count(), 0, 'no answer-state filter');
    await page.locator('[data-qb-drill-start]').click();
    for (let i = 0; i < 12; i++) {
        await page.waitForSelector('[data-qb-drill-card][data-qb-drill-loaded]');
        assert.equal(await page.locator('[data-qb-drill-show], [data-qb-drill-answer]').count(), 0);
        assert.ok((await page.locator('[data-qb-drill-prompt]').textContent()).trim().length > 0, 'the prompt is shown');
        const key = await page.locator('[data-qb-drill-card]').getAttribute('data-qb-drill-key');
        await page.keyboard.press('ArrowRight');
        await page.waitForFunction((k) => document.querySelector('[data-qb-drill-card]').getAttribute('data-qb-drill-key') !== k, key);
    }
    const cards = readdirSync(path.join(practice.root, 'qbank', 'study', 'cards'), { recursive: true })
        .filter((f) => f.endsWith('.js'))
        .map((f) => readFileSync(path.join(practice.root, 'qbank', 'study', 'cards', f), 'utf8'));
    // Sixteen questions a file: count the cards, not the files.
    assert.ok(cards.join('').split('window.qbankCard(').length - 1 >= 10, 'every question has its card');
    assert.ok(cards.every((c) => !c.includes('qb-answer') && !c.includes(ANSWER_ONLY)), 'no card file holds an answer');
    assert.deepEqual(errors, []);
});

test('practice search finds prompts but never answer text', async () => {
    const { page, errors } = await practice.open();
    await page.goto(practice.url('index.html'));
    await settle(page);
    const hidden = await search(page, ANSWER_ONLY);
    assert.deepEqual(hidden.titles, [], hidden.header);
    const shown = await search(page, PROMPT);
    assert.match(shown.titles[0] ?? '', /1\. Go语言调度器原理/);
    assert.deepEqual(errors, []);
});

test('the handbook edition finds the same answer text (the test above can fail)', async () => {
    const { page } = await handbook.open();
    await page.goto(handbook.url('index.html'));
    await settle(page);
    const found = await search(page, ANSWER_ONLY);
    assert.match(found.titles[0] ?? '', /1\. Go语言调度器原理/);
});

test('practice edition has no coverage page', async () => {
    const { page } = await practice.open();
    const res = await page.goto(practice.url('qbank-coverage.html'));
    assert.equal(res.status(), 404);
    await page.goto(practice.url(RECORD));
    assert.equal(await page.locator('#mdbook-sidebar a[href*="qbank-coverage"]').count(), 0);
});
