// Study mode (issue 13): marks and bookmarks on the cards, kept across reloads, dots and the
// progress bar in the overview, the "hide known" filter, keys, the "my progress" page, and
// export / import of progress. Each reader path runs over HTTP and from file://.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';

import { Q1, Q2, Q3, RECORD, byId, screenshot, settle, startSite, until } from './harness.mjs';

let site;
before(async () => {
    site = await startSite();
});
after(async () => {
    await site?.close();
});

const VIAS = {
    http: (p) => site.url(p),
    file: (p) => pathToFileURL(path.join(site.root, p)).href,
};

const card = (id) => `section.qb-card${byId(id)}`;

async function markOf(page, id) {
    return page.locator(card(id)).getAttribute('data-qb-marked');
}

async function ready(page) {
    await page.waitForSelector('[data-qb-mark]');
    await settle(page);
}

for (const [via, url] of Object.entries(VIAS)) {
    test(`${via}: marks on the seed survive a reload, with dots, progress bar and "hide known"`, async () => {
        const { page, context, errors } = await site.open();
        await page.goto(url(RECORD));
        await ready(page);
        assert.equal(await markOf(page, Q1), 'new', 'new is the default');
        await page.locator(`${card(Q1)} [data-qb-mark="known"]`).click();
        await page.locator(`${card(Q2)} [data-qb-mark="unsure"]`).click();
        await page.locator(`${card(Q2)} [data-qb-bookmark]`).click();
        await page.reload();
        await ready(page);
        assert.equal(await markOf(page, Q1), 'known');
        assert.equal(await markOf(page, Q2), 'unsure');
        assert.equal(await markOf(page, Q3), 'new');
        assert.equal(await page.locator(`${card(Q1)} [data-qb-mark="known"]`).getAttribute('aria-pressed'), 'true');
        assert.equal(await page.locator(`${card(Q1)} [data-qb-mark="new"]`).getAttribute('aria-pressed'), 'false');
        assert.equal(await page.locator(`${card(Q2)} [data-qb-bookmark]`).getAttribute('aria-pressed'), 'true');
        // The overview's dots and progress bar.
        const dots = await page.$$eval('[data-qb-overview] .qb-dot', (ds) => ds.map((d) => d.getAttribute('data-qb-dot')));
        assert.deepEqual(dots.slice(0, 3), ['known', 'unsure', 'new']);
        const side = (id) => page.locator(`#mdbook-sidebar a[href="#${id}-title"] .qb-dot`).first();
        await until(async () => (await side(Q2).count()) > 0);
        assert.equal(await side(Q1).getAttribute('data-qb-dot'), 'known', 'a dot in the sidebar');
        assert.equal(await side(Q2).getAttribute('data-qb-dot'), 'unsure');
        const progress = await page.locator('[data-qb-overview] [data-qb-progress]').textContent();
        assert.match(progress, /^1\/\d+ 会了，1 不熟$/);
        // Hide known.
        await page.locator('[data-qb-filter-hide-known]').check();
        assert.equal(await page.locator(card(Q1)).isVisible(), false, 'Q1 is hidden');
        assert.equal(await page.locator(card(Q2)).isVisible(), true);
        await page.locator('[data-qb-filter-hide-known]').uncheck();
        assert.equal(await page.locator(card(Q1)).isVisible(), true);
        await page.locator('[data-qb-filter-only-bookmarked]').check();
        assert.equal(await page.locator(card(Q3)).isVisible(), false);
        assert.equal(await page.locator(card(Q2)).isVisible(), true);
        assert.deepEqual(errors, []);
        await context.close();
    });

    test(`${via}: keys k / u / n / b mark the focused card, and not while typing`, async () => {
        const { page, context, errors } = await site.open();
        await page.goto(url(RECORD));
        await ready(page);
        await page.locator(`${card(Q3)} [data-qb-mark="new"]`).focus();
        await page.keyboard.press('u');
        assert.equal(await markOf(page, Q3), 'unsure');
        await page.keyboard.press('k');
        assert.equal(await markOf(page, Q3), 'known');
        await page.keyboard.press('b');
        assert.equal(await page.locator(`${card(Q3)} [data-qb-bookmark]`).getAttribute('aria-pressed'), 'true');
        await page.keyboard.press('n');
        assert.equal(await markOf(page, Q3), 'new');
        await page.locator('[data-qb-filter-hide-known]').focus();
        await page.keyboard.press('/');
        await page.keyboard.type('kun');
        await page.keyboard.press('Escape');
        assert.equal(await markOf(page, Q3), 'new', 'typing in the search box marks nothing');
        assert.deepEqual(errors, []);
        await context.close();
    });

    test(`${via}: my progress lists the marks; export, then import in a fresh browser restores them`, async () => {
        const { page, context, errors } = await site.open();
        await page.goto(url(RECORD));
        await ready(page);
        await page.locator(`${card(Q1)} [data-qb-mark="known"]`).click();
        await page.locator(`${card(Q2)} [data-qb-mark="unsure"]`).click();
        await page.goto(url('qbank-progress.html'));
        await page.waitForSelector('[data-qb-progress-body] [data-qb-progress]');
        assert.match(await page.locator('.qb-progress-total').textContent(), /^1\/\d+ 会了，1 不熟/);
        const unsure = await page.locator('[data-qb-progress-unsure] li a').allTextContents();
        assert.equal(unsure.length, 1);
        assert.match(unsure[0], /sync包和并发控制/i);
        assert.equal(await page.locator('[data-qb-progress-unsure] li time').count(), 1, 'the date it was changed');
        const [download] = await Promise.all([
            page.waitForEvent('download'),
            page.locator('[data-qb-progress-export]').click(),
        ]);
        assert.match(download.suggestedFilename(), /^qbank-progress-.+-\d{4}-\d\d-\d\d\.json$/);
        const text = readFileSync(await download.path(), 'utf8');
        const data = JSON.parse(text);
        assert.equal(data.format, 'qbank-progress');
        assert.equal(data.version, 1);
        assert.equal(data.marks[`${RECORD}#${Q1}`].mark, 'known');
        assert.deepEqual(errors, []);
        await context.close();

        const fresh = await site.open();
        await fresh.page.goto(url('qbank-progress.html'));
        await fresh.page.waitForSelector('[data-qb-progress-body]');
        // A corrupted file changes nothing and says why.
        await fresh.page.locator('[data-qb-progress-import]').setInputFiles({
            name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(text.slice(0, 40)),
        });
        await until(async () => (await fresh.page.locator('[data-qb-import-status]').textContent()).length > 0);
        assert.match(await fresh.page.locator('[data-qb-import-status]').textContent(), /无法导入：文件不是 JSON。进度没有改变。/);
        assert.match(await fresh.page.locator('.qb-progress-total').textContent(), /^0\//);
        // A future version.
        await fresh.page.locator('[data-qb-progress-import]').setInputFiles({
            name: 'future.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...data, version: 99 })),
        });
        await until(async () => /更新版本/.test(await fresh.page.locator('[data-qb-import-status]').textContent()));
        // The real file.
        await fresh.page.locator('[data-qb-progress-import]').setInputFiles({
            name: 'progress.json', mimeType: 'application/json', buffer: Buffer.from(text),
        });
        await until(async () => /新增 2 条，更新 0 条/.test(await fresh.page.locator('[data-qb-import-status]').textContent()));
        await fresh.page.goto(url(RECORD));
        await ready(fresh.page);
        assert.equal(await markOf(fresh.page, Q1), 'known');
        assert.equal(await markOf(fresh.page, Q2), 'unsure');
        assert.deepEqual(fresh.errors, []);
        await fresh.context.close();
    });

    test(`${via}: a drill over "not known" never shows Q1, and shows Q2 again 4 questions after it is marked unsure`, async () => {
        const { page: first, context, errors } = await site.open();
        let page = first;
        await page.goto(url(RECORD));
        await ready(page);
        await page.locator(`${card(Q1)} [data-qb-mark="known"]`).click();
        await page.locator(`${card(Q2)} [data-qb-mark="unsure"]`).click();
        await page.goto(url('qbank-drill.html'));
        await page.waitForSelector('[data-qb-drill-setup]:not([hidden])');
        const total = Number((await page.locator('[data-qb-drill-count]').textContent()).match(/\d+/)[0]);
        await page.locator('[data-qb-drill-start]').click();
        const k1 = `${RECORD}#${Q1}`;
        const k2 = `${RECORD}#${Q2}`;
        const shown = async () => {
            await page.waitForSelector('[data-qb-drill-card][data-qb-drill-loaded]');
            return page.locator('[data-qb-drill-card]').getAttribute('data-qb-drill-key');
        };
        const seen = [];
        let q2At = -1;
        let q2Again = -1;
        for (let i = 0; i < 3 * total && !(await page.locator('[data-qb-drill-card]').isHidden()); i++) {
            const key = await shown();
            seen.push(key);
            if (i === 0) {
                // Number, title, record and prompt; the answer closed until Space.
                assert.match(await page.locator('[data-qb-drill-number]').textContent(), /^\d+\.$/);
                assert.ok((await page.locator('[data-qb-drill-title]').textContent()).trim().length > 0);
                assert.ok((await page.locator('[data-qb-drill-record]').textContent()).trim().length > 0);
                assert.ok((await page.locator('[data-qb-drill-prompt]').textContent()).trim().length > 0);
                assert.equal(await page.locator('[data-qb-drill-left]').textContent(), `还剩 ${total} 题`);
                if (await page.locator('[data-qb-drill-show]').isVisible()) {
                    assert.equal(await page.locator('[data-qb-drill-answer]').isVisible(), false, 'the answer starts closed');
                    await page.keyboard.press('Space');
                    assert.equal(await page.locator('[data-qb-drill-answer]').isVisible(), true, 'Space shows it');
                    assert.equal(await page.locator('[data-qb-drill-show]').getAttribute('aria-expanded'), 'true');
                }
                // mdBook's arrow keys do not turn the page here: → skips, ← goes back.
                await page.keyboard.press('ArrowRight');
                assert.notEqual(await shown(), key, '→ skips');
                assert.match(page.url(), /qbank-drill\.html$/);
                await page.keyboard.press('ArrowLeft');
                assert.equal(await shown(), key, '← goes back');
                await page.waitForTimeout(300);
                assert.match(page.url(), /qbank-drill\.html$/, 'mdBook did not turn the page');
                // Closing the tab and coming back continues the drill.
                await page.close();
                page = await context.newPage();
                await page.goto(url('qbank-drill.html'));
                assert.equal(await shown(), key, 'the same question after the tab closed');
            }
            if (key === k2 && q2At < 0) {
                q2At = i;
                await page.keyboard.press('2');
            } else {
                if (key === k2 && q2Again < 0) {
                    q2Again = i;
                }
                await page.keyboard.press('1');
            }
            await page.waitForFunction((k) => {
                const c = document.querySelector('[data-qb-drill-card]');
                return c.hidden || (c.getAttribute('data-qb-drill-key') !== k && c.hasAttribute('data-qb-drill-loaded'));
            }, key);
        }
        assert.ok(!seen.includes(k1), 'Q1 (known) is not in the pool');
        assert.ok(q2At >= 0, 'Q2 (unsure) is in the pool');
        assert.equal(q2Again - q2At, 4, 'Q2, marked unsure, is the 4th question after it');
        assert.match(await page.locator('[data-qb-drill-done]').textContent(), /刷完了/);
        // The drill's marks are the cards' marks.
        await page.goto(url(RECORD));
        await ready(page);
        assert.equal(await markOf(page, Q2), 'known', 'known in the drill at last');
        assert.deepEqual(errors, []);
        await context.close();
    });
}

test('marks show as dots on the generated pages, and "hide known" hides them there', async () => {
    const { page, context, errors } = await site.open();
    await page.goto(site.url(RECORD));
    await ready(page);
    await page.locator(`${card(Q1)} [data-qb-mark="known"]`).click();
    await page.goto(site.url('qbank-coverage.html'));
    await page.waitForSelector('.qb-dot[data-qb-dot]', { state: 'attached' });
    await page.locator('[data-qb-filter-status]').selectOption('');
    const href = `a[href="${RECORD}#${Q1}"]`;
    assert.equal(await page.locator(`li:has(${href}) .qb-dot`).first().getAttribute('data-qb-dot'), 'known');
    assert.equal(await page.locator(`li:has(${href})`).first().isVisible(), true);
    await page.locator('[data-qb-filter-hide-known]').check();
    assert.equal(await page.locator(`li:has(${href})`).first().isVisible(), false);
    assert.deepEqual(errors, []);
    await context.close();
});

test('marks show on the frequently-asked page too, one dot per occurrence', async () => {
    const banks = await startSite('banks');
    try {
        const { page, context, errors } = await banks.open();
        await page.goto(banks.url('go/round2.html'));
        await ready(page);
        const first = page.locator('section.qb-card').first();
        const id = await first.getAttribute('id');
        await first.locator('[data-qb-mark="unsure"]').click();
        await page.goto(banks.url('qbank-frequent.html'));
        await page.waitForSelector('.qb-dot[data-qb-dot]', { state: 'attached' });
        const groups = page.locator('.qb-frequent-group');
        assert.ok((await groups.count()) > 0);
        assert.equal(await page.locator('.qb-frequent-group > .qb-dot, .qb-frequent-head .qb-dot').count(), 0, 'no dot on a group, only on its occurrences');
        for (const li of await page.locator('.qb-frequent-list > li').all()) {
            assert.equal(await li.locator('.qb-dot').count(), 1, 'one dot per occurrence');
        }
        // A record in a folder: its marks are the generated pages' marks (one namespace per site).
        const mine = page.locator(`.qb-frequent-list > li:has(a[href="go/round2.html#${id}"]) .qb-dot`);
        assert.equal(await mine.getAttribute('data-qb-dot'), 'unsure');
        await page.locator('[data-qb-filter-only-unsure]').check();
        const visibleGroups = await groups.evaluateAll((gs) => gs.filter((g) => g.offsetParent !== null).length);
        assert.equal(visibleGroups, 1, 'only the group with an unsure occurrence stays');
        assert.deepEqual(errors, []);
        await context.close();
    } finally {
        await banks.close();
    }
});

test('without storage the marks work for the session, with a visible notice', async () => {
    const { page, context, errors } = await site.open({
        initScripts: [() => {
            Object.defineProperty(window, 'localStorage', { get() { throw new Error('denied'); } });
        }],
    });
    await page.goto(site.url(RECORD));
    await ready(page);
    assert.equal(await page.locator('[data-qb-study-notice]').isVisible(), true);
    await page.locator(`${card(Q1)} [data-qb-mark="known"]`).click();
    assert.equal(await markOf(page, Q1), 'known');
    assert.deepEqual(errors, []);
    await context.close();
});

test('screenshots: card marks, the progress page and the drill, light and navy, 1400 and 390 px', async () => {
    for (const theme of ['light', 'navy']) {
        for (const width of [1400, 390]) {
            const { page, context } = await site.open({
                viewport: { width, height: 900 },
                initScripts: [`try { localStorage.setItem('mdbook-theme', '${theme}'); } catch (e) {}`],
            });
            await page.goto(site.url(RECORD));
            await ready(page);
            await page.locator(`${card(Q1)} [data-qb-mark="known"]`).click();
            await page.locator(`${card(Q2)} [data-qb-mark="unsure"]`).click();
            await page.locator(`${card(Q2)} [data-qb-bookmark]`).click();
            await page.locator(card(Q2)).scrollIntoViewIfNeeded();
            await screenshot(page, `study-card-${theme}-${width}.png`);
            await page.goto(site.url('qbank-progress.html'));
            await page.waitForSelector('[data-qb-progress-body] [data-qb-progress]');
            await screenshot(page, `study-progress-${theme}-${width}.png`);
            await page.goto(site.url('qbank-drill.html'));
            await page.waitForSelector('[data-qb-drill-setup]:not([hidden])');
            await screenshot(page, `study-drill-settings-${theme}-${width}.png`);
            await page.locator('[data-qb-drill-start]').click();
            // A question with an answer, shown.
            for (let i = 0; i < 100 && !(await page.locator('[data-qb-drill-card]').isHidden()); i++) {
                await page.waitForSelector('[data-qb-drill-card][data-qb-drill-loaded]');
                if (await page.locator('[data-qb-drill-show]').isVisible()) {
                    break;
                }
                await page.keyboard.press('ArrowRight');
            }
            await page.locator('[data-qb-drill-show]').click();
            await screenshot(page, `study-drill-${theme}-${width}.png`);
            await screenshot(page, `study-drill-full-${theme}-${width}.png`, { fullPage: true });
            await context.close();
        }
    }
});

// Renumbering: a question inserted before Q1, the book rebuilt, and the marks stay on the same
// questions (they are keyed by page and id, not by number).
for (const via of ['http', 'file']) {
    test(`${via}: marks stay on the same questions when the record is renumbered`, async () => {
        const { cpSync, readFileSync: read, writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
        const os = await import('node:os');
        const { execFileSync } = await import('node:child_process');
        const { REPO, serve } = await import('./harness.mjs');
        const tmp = mkdtempSync(path.join(os.tmpdir(), 'qbank-study-renumber-'));
        const book = path.join(tmp, 'book');
        cpSync(path.join(REPO, 'book'), book, { recursive: true, filter: (p) => !p.startsWith(path.join(REPO, 'book', 'book')) });
        const build = (dir) =>
            execFileSync('cargo', ['run', '-q', '--release', '--', 'build', book, '-d', dir, '--force'], { cwd: REPO, stdio: 'pipe' });
        const site1 = path.join(tmp, 'site');
        build(site1);
        const server = await serve(site1);
        const at = (p) => (via === 'http' ? `${server.origin}/${p}` : pathToFileURL(path.join(site1, p)).href);
        const { page, context, errors } = await site.open();
        try {
            await page.goto(at(RECORD));
            await ready(page);
            await page.locator(`${card(Q1)} [data-qb-mark="known"]`).click();
            await page.locator(`${card(Q2)} [data-qb-mark="unsure"]`).click();
            assert.equal(await page.locator(`${card(Q1)} .qb-num`).textContent(), '1.');
            // Insert a question before Q1 and renumber the others.
            const md = path.join(book, 'src', RECORD.replace(/\.html$/, '.md'));
            const text = read(md, 'utf8')
                .replace(/^### (\d+)\. /gm, (_, n) => `### ${Number(n) + 1}. `)
                .replace('### 2. Go语言调度器原理', '### 1. 新插入的问题\n\n**面试官**: 这是新插入的问题？\n\n---\n\n### 2. Go语言调度器原理');
            writeFileSync(md, text);
            build(site1);
            await page.reload();
            await ready(page);
            assert.equal(await page.locator(`${card(Q1)} .qb-num`).textContent(), '2.', 'Q1 is now number 2');
            assert.equal(await markOf(page, Q1), 'known');
            assert.equal(await markOf(page, Q2), 'unsure');
            const first = page.locator('section.qb-card').first();
            assert.equal(await first.getAttribute('data-qb-marked'), 'new', 'the new question is not marked');
            assert.deepEqual(errors, []);
        } finally {
            await context.close();
            await server.close();
            rmSync(tmp, { recursive: true, force: true });
        }
    });
}

// The drill's card files hold 16 questions each (src/site/cards.rs): a record of 20 questions
// has two, `1-16.js` and `17-20.js`, and the drill shows every question with its own text,
// over HTTP and from file://.
test('the drill shows each of a 20-question record\'s questions, from both of its card files', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, readdirSync, rmSync } = await import('node:fs');
    const os = await import('node:os');
    const { execFileSync } = await import('node:child_process');
    const { REPO, serve } = await import('./harness.mjs');
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'qbank-drill-files-'));
    const book = path.join(tmp, 'book');
    mkdirSync(path.join(book, 'src'), { recursive: true });
    writeFileSync(path.join(book, 'book.toml'), '[book]\ntitle = "Drill"\nlanguage = "zh"\n\n[preprocessor.qbank]\n');
    writeFileSync(path.join(book, 'src', 'SUMMARY.md'), '# Summary\n\n- [长记录](long.md)\n');
    const questions = Array.from({ length: 20 }, (_, i) =>
        `### ${i + 1}. 第${i + 1}题 {#q${i + 1}}\n\n**面试官**: 这是第 ${i + 1} 题的题干？\n\n**候选人回答区域**:\n\n第 ${i + 1} 题的回答。\n`);
    writeFileSync(path.join(book, 'src', 'long.md'), `# 长记录\n\n${questions.join('\n---\n\n')}`);
    const out = path.join(tmp, 'site');
    execFileSync('cargo', ['run', '-q', '--release', '--', 'build', book, '-d', out], { cwd: REPO, stdio: 'pipe' });
    assert.deepEqual(readdirSync(path.join(out, 'qbank/study/cards/long')).sort(), ['1-16.js', '17-20.js']);
    const server = await serve(out);
    try {
        for (const at of [(p) => `${server.origin}/${p}`, (p) => pathToFileURL(path.join(out, p)).href]) {
            const { page, context, errors } = await site.open();
            await page.goto(at('qbank-drill.html'));
            await page.waitForSelector('[data-qb-drill-setup]:not([hidden])');
            assert.match(await page.locator('[data-qb-drill-count]').textContent(), /20/);
            await page.locator('[data-qb-drill-start]').click();
            const seen = new Set();
            const order = [];
            for (let i = 0; i < 100 && !(await page.locator('[data-qb-drill-card]').isHidden()); i++) {
                await page.waitForSelector('[data-qb-drill-card][data-qb-drill-loaded]');
                const key = await page.locator('[data-qb-drill-card]').getAttribute('data-qb-drill-key');
                const n = Number(key.match(/#q(\d+)$/)[1]);
                assert.match(await page.locator('[data-qb-drill-prompt]').textContent(), new RegExp(`这是第 ${n} 题的题干`));
                assert.match(await page.locator('[data-qb-drill-answer]').textContent(), new RegExp(`第 ${n} 题的回答`));
                seen.add(n);
                order.push(n);
                await page.keyboard.press('1');
                await page.waitForFunction((k) => {
                    const c = document.querySelector('[data-qb-drill-card]');
                    return c.hidden || (c.getAttribute('data-qb-drill-key') !== k && c.hasAttribute('data-qb-drill-loaded'));
                }, key);
            }
            assert.equal(seen.size, 20, `every question was shown: ${order}`);
            assert.match(await page.locator('[data-qb-drill-done]').textContent(), /刷完了/);
            assert.deepEqual(errors, []);
            await context.close();
        }
    } finally {
        await server.close();
        rmSync(tmp, { recursive: true, force: true });
    }
});
