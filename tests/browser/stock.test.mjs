// The bundled book built by stock mdBook after `mdbook-qbank install`: the same cards, and
// qbank's search (not mdBook's elasticlunr) in the real search box.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { Q1, RECORD, byId, settle, startSite, until } from './harness.mjs';

let site;
before(async () => {
    site = await startSite('stock');
});
after(async () => {
    await site?.close();
});

test('stock mdBook pages show the cards with their rubric', async () => {
    const { page, errors } = await site.open({ viewport: { width: 1600, height: 1000 } });
    await page.goto(site.url(RECORD));
    await settle(page);
    assert.equal(await page.locator('section.qb-card').count(), 10);
    assert.equal(await page.locator(`${byId(Q1)} aside.qb-rubric`).count(), 1);
    assert.deepEqual(errors, []);
});

test('stock mdBook uses qbank search: Chinese is found and marked on arrival', async () => {
    const { page, errors, requests } = await site.open();
    await page.goto(site.url('guide/search.html'));
    await settle(page);
    await page.keyboard.press('/');
    await page.locator('#mdbook-searchbar').fill('令牌桶');
    await until(async () => (await page.locator('#mdbook-searchresults li a').count()) > 0, 5000);
    const first = page.locator('#mdbook-searchresults li a').first();
    assert.match(await first.textContent(), /9\. 限流算法和实现/);
    await first.click();
    await page.waitForURL(/highlight=/);
    await until(async () => (await page.locator('main mark').count()) > 0, 5000);
    assert.ok(requests.some((u) => u.includes('/qbank/search/m.js')), 'qbank index loaded');
    assert.ok(!requests.some((u) => /searchindex|elasticlunr|searcher/.test(u)), 'no mdBook search');
    assert.deepEqual(errors, []);
});

test('stock mdBook gets the study list and the drill cards from the qbank-search output', async () => {
    const { page, errors } = await site.open();
    await page.goto(site.url('qbank-progress.html'));
    await page.waitForSelector('[data-qb-progress-body] [data-qb-progress]');
    assert.match(await page.locator('.qb-progress-total').textContent(), /^0\/12 /);
    await page.goto(site.url('qbank-drill.html'));
    await page.waitForSelector('[data-qb-drill-setup]:not([hidden])');
    await page.locator('[data-qb-drill-start]').click();
    await page.waitForSelector('[data-qb-drill-card][data-qb-drill-loaded]');
    assert.ok((await page.locator('[data-qb-drill-prompt]').textContent()).trim().length > 0);
    assert.deepEqual(errors, []);
});
