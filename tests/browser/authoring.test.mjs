// Question metadata, cross-links and the generated index pages, as a reader uses them:
// tag chips lead to their section, follow-ups open one at a time, the filters on the tags
// and coverage pages work in the browser without a server.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { byId, screenshot, settle, startSite, until } from './harness.mjs';

const EXAMPLE = 'examples/rust-round1.html';
const OWNERSHIP = 'rust-ownership';

let site;
before(async () => {
    site = await startSite();
});
after(async () => {
    await site?.close();
});

/** The visible index items of a generated page: their link texts. */
function visibleItems(page) {
    return page.$$eval('li.qb-index-item', (items) =>
        items.filter((li) => li.checkVisibility()).map((li) => li.querySelector('a').textContent),
    );
}

test('follow-ups open one at a time, under the answer', async () => {
    const { page, context, errors } = await site.open();
    await page.goto(site.url(EXAMPLE));
    await settle(page);
    const card = byId(OWNERSHIP);
    const followups = page.locator(`${card} details[data-qb-followup]`);
    assert.equal(await followups.count(), 2);
    assert.deepEqual(await followups.evaluateAll((ds) => ds.map((d) => d.open)), [false, false]);
    await followups.nth(0).locator('summary').click();
    assert.deepEqual(await followups.evaluateAll((ds) => ds.map((d) => d.open)), [true, false]);
    assert.ok(await followups.nth(0).locator('.qb-followup-body').isVisible());
    assert.ok(!(await followups.nth(1).locator('.qb-followup-body').isVisible()));
    // Difficulty and the question's own level descriptors are on the card.
    assert.match(await page.locator(`${card} .qb-difficulty`).innerText(), /2\/5/);
    assert.match(await page.locator(`${card} [data-qb-rubric]`).innerText(), /借用检查器/);
    assert.deepEqual(errors, []);
    await context.close();
});

test('a tag chip leads to its section of the tags page, which lists the question', async () => {
    const { page, context, errors } = await site.open();
    await page.goto(site.url(EXAMPLE));
    await page.locator(`${byId(OWNERSHIP)} a.qb-tag[data-qb-tag="ownership"]`).click();
    await page.waitForURL(/qbank-tags\.html#tag-ownership$/);
    const section = page.locator('#tag-ownership');
    assert.ok(await section.isVisible());
    const list = page.locator('#tag-ownership + ul');
    assert.match(await list.innerText(), /1\. 所有权与借用/);
    await list.locator('a').first().click();
    await page.waitForURL(new RegExp(`rust-round1\\.html#${OWNERSHIP}$`));
    assert.deepEqual(errors, []);
    await context.close();
});

test('{{#question}} links in the guide land on the card', async () => {
    const { page, context } = await site.open();
    await page.goto(site.url('guide/authoring.html'));
    const link = page.locator('a.qb-qlink', { hasText: '所有权与借用' });
    assert.match(await link.innerText(), /Rust 后台开发面试记录 - 第一轮 › 1\. 所有权与借用/);
    await link.click();
    await page.waitForURL(new RegExp(`#${OWNERSHIP}$`));
    assert.equal(await page.$eval(byId(OWNERSHIP) + ' details[data-qb-answer]', (d) => d.open), false);
    await context.close();
});

test('tags page filters by tag, difficulty and answer state in the browser', async () => {
    const { page, context, errors } = await site.open();
    await page.goto(site.url('qbank-tags.html'));
    await settle(page);
    const filter = page.locator('[data-qb-filter]');
    assert.ok(await filter.isVisible(), 'the filter is shown once the script runs');
    const all = await visibleItems(page);
    // The example record's two questions are tagged; the seed's are not.
    assert.equal(new Set(all).size, 2, `every tagged question is listed: ${all}`);

    await page.selectOption('[data-qb-filter-tag]', 'concurrency');
    assert.deepEqual(await visibleItems(page), ['Rust 后台开发面试记录 - 第一轮 › 2. Send 与 Sync']);
    // Sections without a visible question hide with their heading.
    assert.ok(!(await page.locator('#tag-ownership').isVisible()));

    await page.selectOption('[data-qb-filter-tag]', '');
    await page.selectOption('[data-qb-filter-difficulty]', '2');
    assert.deepEqual(
        [...new Set(await visibleItems(page))],
        ['Rust 后台开发面试记录 - 第一轮 › 1. 所有权与借用'],
    );
    await page.selectOption('[data-qb-filter-difficulty]', '');
    await page.selectOption('[data-qb-filter-status]', 'answered');
    const answered = new Set(await visibleItems(page));
    assert.deepEqual([...answered], ['Rust 后台开发面试记录 - 第一轮 › 1. 所有权与借用']);
    await screenshot(page, 'tags-filtered.png');

    await page.selectOption('[data-qb-filter-tag]', 'concurrency');
    assert.deepEqual(await visibleItems(page), []);
    assert.ok(await page.locator('[data-qb-filter-empty]').isVisible(), 'says when nothing matches');
    assert.deepEqual(errors, []);
    await context.close();
});

test('coverage page opens on the to-do list and can show everything', async () => {
    const { page, context, errors } = await site.open();
    await page.goto(site.url('qbank-coverage.html'));
    await settle(page);
    assert.match(await page.locator('.qb-coverage-total').innerText(), /4\/12 \(33%\)/);
    const todo = await visibleItems(page);
    assert.equal(todo.length, 8, todo.join('\n'));
    assert.ok(todo.every((t) => !/Go语言调度器原理|所有权与借用/.test(t)));
    await page.selectOption('[data-qb-filter-status]', '');
    assert.equal((await visibleItems(page)).length, 12);
    // A filtered view can be shared as a URL.
    await page.goto(site.url('qbank-coverage.html?status=answered'));
    await until(async () => (await visibleItems(page)).length === 4);
    await screenshot(page, 'coverage.png');
    assert.deepEqual(errors, []);
    await context.close();
});

test('without JavaScript the index pages still list every question', async () => {
    const { page, context } = await site.open({ javaScriptEnabled: false });
    await page.goto(site.url('qbank-coverage.html'));
    assert.equal(await page.locator('li.qb-index-item').count(), 12);
    assert.ok(!(await page.locator('[data-qb-filter]').isVisible()), 'no dead controls');
    await context.close();
});
