// Banks as teams grow them, in a browser: the same question in two records links, searches
// and opens its answer on each record's own page; an old id given as an alias lands on the
// renamed question; the frequently-asked page and the cards' "also asked" lines.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { byId, hash, screenshot, settle, startSite, until } from './harness.mjs';

const SHARED = '限流算法和实现';
const GO = 'go/round2.html';
const JAVA = 'java/round1.html';

let site;
before(async () => {
    site = await startSite('banks');
});
after(async () => {
    await site?.close();
});

const answerOpen = (page, id) => page.$eval(`${byId(id)} details[data-qb-answer]`, (d) => d.open);
const inView = (page, id) =>
    page.$eval(byId(id), (el) => {
        const r = el.getBoundingClientRect();
        return r.top >= -2 && r.top < innerHeight;
    });

test('the same id in two records opens #ID-answer on each page', async () => {
    for (const [file, text] of [
        [GO, '令牌桶'],
        [JAVA, 'Sentinel'],
    ]) {
        const { page, errors } = await site.open();
        await page.goto(site.url(file + hash(SHARED + '-answer')));
        await settle(page);
        assert.ok(await answerOpen(page, SHARED), `${file}: the answer opens`);
        const body = await page.locator(`${byId(SHARED)} .qb-answer-body`).textContent();
        assert.match(body, new RegExp(text), `${file}: its own answer`);
        // The other questions' answers stay closed.
        assert.equal(await page.locator('details[data-qb-answer][open]').count(), 1);
        assert.deepEqual(errors, []);
    }
});

test('search finds both cards, each on its own page', async () => {
    const { page, errors } = await site.open();
    await page.goto(site.url('index.html'));
    await settle(page);
    await page.keyboard.press('/');
    await page.locator('#mdbook-searchbar').fill('限流');
    await until(async () => (await page.locator('#mdbook-searchresults li a').count()) >= 2, 5000);
    const hrefs = await page.$$eval('#mdbook-searchresults li a', (as) => as.map((a) => decodeURIComponent(a.href)));
    const go = hrefs.find((h) => h.includes(GO + '?') || h.includes(GO + '#'));
    const java = hrefs.find((h) => h.includes(JAVA + '?') || h.includes(JAVA + '#'));
    assert.ok(go && java, `both records in the results: ${hrefs.join(', ')}`);
    assert.ok(go.endsWith('#' + SHARED) && java.endsWith('#' + SHARED), hrefs.join(', '));
    await page.locator('#mdbook-searchresults li a', { hasText: 'Java' }).first().click();
    await page.waitForURL(new RegExp(JAVA.replace('.', '\\.')));
    await until(() => inView(page, SHARED), 3000);
    assert.deepEqual(errors, []);
});

test('an old id given as an alias lands on the renamed question', async () => {
    const { page, errors } = await site.open();
    await page.goto(site.url(GO + hash('消息队列原理')));
    await settle(page);
    await until(() => inView(page, '消息队列原理与选型'), 3000);
    // The address now names the current id, so the next shared link is the current one.
    assert.equal(decodeURIComponent(new URL(page.url()).hash), '#消息队列原理与选型');
    assert.equal(await answerOpen(page, '消息队列原理与选型'), false, 'a question link spoils nothing');
    await page.goto(site.url(GO + hash('消息队列原理-answer')));
    await settle(page);
    await until(() => answerOpen(page, '消息队列原理与选型'), 3000);
    assert.equal(decodeURIComponent(new URL(page.url()).hash), '#消息队列原理与选型-answer');
    assert.deepEqual(errors, []);
});

test('"also asked" leads to the group on the frequently-asked page', async () => {
    const { page, errors } = await site.open({ viewport: { width: 1400, height: 900 } });
    await page.goto(site.url(GO + hash(SHARED)));
    await settle(page);
    const also = page.locator(`${byId(SHARED)} [data-qb-also]`);
    assert.equal(await also.getAttribute('data-qb-also'), '1');
    await screenshot(page, 'banks-also-1400.png');
    await also.locator('a').click();
    await page.waitForURL(/qbank-frequent\.html#freq-/);
    await settle(page);
    const group = page.locator(`[data-qb-frequent="${SHARED}"]`);
    assert.equal(await group.getAttribute('data-qb-count'), '2');
    assert.equal(await group.locator('.qb-frequent-list a').count(), 2);
    assert.ok(await group.evaluate((el) => el.matches(':target')), 'the group is the target');
    await screenshot(page, 'banks-frequent-1400.png');
    // Filtering by answer state keeps groups that have an answer somewhere.
    await page.selectOption('[data-qb-filter-status]', 'unanswered');
    assert.equal(await page.locator('[data-qb-frequent]:visible').count(), 0);
    await page.selectOption('[data-qb-filter-status]', '');
    assert.equal(await page.locator('[data-qb-frequent]:visible').count(), 2);
    assert.deepEqual(errors, []);
});

test('the frequently-asked page and the also line fit a phone', async () => {
    const { page, errors } = await site.open({ viewport: { width: 390, height: 844 } });
    for (const [url, name] of [
        [GO + hash(SHARED), 'banks-also-390.png'],
        ['qbank-frequent.html', 'banks-frequent-390.png'],
    ]) {
        await page.goto(site.url(url));
        await settle(page);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
        assert.ok(overflow <= 1, `${url}: no sideways scroll (${overflow}px)`);
        await screenshot(page, name);
    }
    assert.deepEqual(errors, []);
});

test('a tag with a space filters as one tag', async () => {
    const { page, errors } = await site.open();
    for (const file of ['qbank-tags.html', 'qbank-frequent.html']) {
        await page.goto(site.url(file + '?tag=' + encodeURIComponent('system design')));
        await settle(page);
        const visible = await page.locator('li[data-qb-tags]:visible').count();
        assert.equal(visible, 1, `${file}: exactly the tagged item`);
        const text = await page.locator('li[data-qb-tags]:visible').first().textContent();
        assert.match(text, /限流算法和实现/, file);
    }
    assert.deepEqual(errors, []);
});
