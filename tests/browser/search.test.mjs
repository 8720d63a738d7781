// Search as a reader uses it: the real search box, Chinese, mixed and English queries,
// highlighting on the target page, answers opened by answer hits, mdBook's shortcuts and URL
// parameters, keyboard navigation, and file:// pages.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { Q1, RECORD, byId, settle, startSite, until } from './harness.mjs';

let site;
before(async () => {
    site = await startSite();
});
after(async () => {
    await site?.close();
});

test('keys on a page with a "Search" heading (id="search") raise no script error', async () => {
    const { page, errors } = await site.open();
    await page.goto(site.url('guide/search.html'));
    await settle(page);
    assert.equal(await page.locator('h1#search').count(), 1, 'the page has id="search"');
    await page.keyboard.press('/');
    await page.keyboard.type('goroutine');
    await page.keyboard.press('ArrowRight');
    assert.match(page.url(), /guide\/search\.html/, 'typing in the search box does not change chapter');
    await page.keyboard.press('Escape');
    await page.keyboard.press('s');
    await page.keyboard.press('Escape');
    assert.deepEqual(errors, []);
});

async function search(page, query) {
    await page.keyboard.press('/');
    await page.locator('#mdbook-searchbar').fill(query);
    await until(async () => {
        const header = await page.locator('#mdbook-searchresults-header').textContent();
        return header && header.length > 0 && !(await page.locator('#mdbook-searchbar-outer.searching').count());
    }, 5000);
    return page.$$eval('#mdbook-searchresults li a', (as) => as.map((a) => ({ text: a.textContent, href: a.href })));
}

for (const [query, title, kind] of [
    ['令牌桶', '9. 限流算法和实现', 'Chinese'],
    ['热key', '4. Redis数据结构和持久化机制', 'mixed'],
    ['goroutine泄漏', '10. Go性能分析和调优', 'mixed'],
    ['Kafka', '6. 消息队列原理', 'English'],
]) {
    test(`${kind} query ${query} finds ${title} and highlights it on arrival`, async () => {
        const { page, context, errors, requests } = await site.open();
        await page.goto(site.url('index.html'));
        await settle(page);
        const results = await search(page, query);
        assert.ok(results.length >= 1, 'has results');
        assert.match(results[0].text, new RegExp(title.replace('.', '\\.')));
        assert.match(results[0].href, new RegExp(`\\?highlight=${encodeURIComponent(query)}#`));
        // The teaser marks the match.
        const marked = await page.locator('#mdbook-searchresults li').first().locator('.teaser em').allTextContents();
        assert.ok(marked.some((m) => m.toLowerCase() === query.toLowerCase()), `teaser marks ${query}: ${marked}`);
        // Only the shards the query needs were loaded, not the whole index.
        const shards = requests.filter((u) => u.includes('/qbank/search/'));
        assert.ok(shards.length >= 2 && shards.length <= 8, shards.join('\n'));
        await page.locator('#mdbook-searchresults li a').first().click();
        await page.waitForURL(/highlight=/);
        await until(async () => (await page.locator('main mark').count()) > 0);
        const marks = await page.locator('main mark').allTextContents();
        assert.ok(marks.some((m) => m.toLowerCase() === query.toLowerCase()), marks.join(','));
        assert.deepEqual(errors, []);
        await context.close();
    });
}

test('a hit only inside an answer opens that answer on arrival', async () => {
    const { page, context } = await site.open();
    await page.goto(site.url('index.html'));
    const results = await search(page, '工作窃取');
    assert.match(results[0].href, /-answer$/);
    await page.locator('#mdbook-searchresults li a').first().click();
    await page.waitForURL(/-answer$/);
    await until(() => page.$eval(`${byId(Q1)} details[data-qb-answer]`, (d) => d.open));
    assert.ok(await page.locator(`${byId(Q1)} mark`).first().isVisible());
    await context.close();
});

test('?search= opens search with the query run; S opens it; Escape closes it', async () => {
    const { page, context } = await site.open();
    await page.goto(site.url(`${RECORD}?search=${encodeURIComponent('MVCC机制')}`));
    await until(async () => (await page.locator('#mdbook-searchresults li').count()) > 0, 5000);
    assert.equal(await page.locator('#mdbook-searchbar').inputValue(), 'MVCC机制');
    assert.match(await page.locator('#mdbook-searchresults li a').first().textContent(), /MySQL/);
    await page.keyboard.press('Escape');
    assert.ok(!(await page.locator('#mdbook-search-wrapper').isVisible()));
    await page.locator('main').click();
    await page.keyboard.press('s');
    assert.ok(await page.locator('#mdbook-searchbar').isVisible());
    assert.equal(await page.evaluate(() => document.activeElement.id), 'mdbook-searchbar');
    await context.close();
});

test('keyboard: ArrowDown walks the results, Enter opens one', async () => {
    const { page, context } = await site.open();
    await page.goto(site.url('index.html'));
    const results = await search(page, '锁');
    assert.ok(results.length >= 2);
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.locator('#mdbook-searchresults li.focus').count(), 1);
    await page.keyboard.press('ArrowDown');
    const second = await page.locator('#mdbook-searchresults li.focus a').getAttribute('href');
    assert.equal(second, await page.locator('#mdbook-searchresults li').nth(1).locator('a').getAttribute('href'));
    await page.keyboard.press('Enter');
    await page.waitForURL(/highlight=/);
    await context.close();
});

test('search works from file:// (no server)', async () => {
    const { page, context, errors } = await site.open();
    await page.goto(pathToFileURL(path.join(site.root, 'index.html')).href);
    const results = await search(page, '一致性哈希');
    assert.match(results[0].text, /一致性哈希和负载均衡/);
    assert.deepEqual(errors, []);
    await context.close();
});
