// Interview mode on the seed record: the switch, live key-point ticks, per-question levels and
// notes kept in localStorage, the record's scorecard with suggested levels, and the radar chart.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { setTheme } from './axe.mjs';
import { Q1, Q2, REPO, RECORD, byId, screenshot, serve, settle, startSite, until } from './harness.mjs';

const QBANK = path.join(REPO, 'target', 'release', 'qbank');
const run = (args) => promisify(execFile)(QBANK, args, { cwd: REPO, maxBuffer: 16 << 20 });

const DIMENSIONS = ['Go语言高级特性', '系统组件原理', '分布式系统设计', '性能调优能力', '问题分析能力'];
// What a note must never become: markup (`<b>`, `<script>`, `**`), a heading or a question
// (`### 9.`, `### 3.`), or the end of its fence.
const NOTE = 'Good <b>bold</b> answer <script>window.pwned = 1</script> **not bold**\n### 9. not a question\n### 3. nor this\n```\nfence\n```';
const SUMMARY = '扎实，<i>值得</i>下一轮';

let site;
let practice;
before(async () => {
    [site, practice] = await Promise.all([startSite(), startSite('practice')]);
});
after(async () => {
    await site?.close();
    await practice?.close();
});

const level = (q, dim, value) =>
    `${byId(q)} input[data-qb-level-input][data-qb-dimension="${dim}"][value="${value}"]`;

test('off, the record page is today’s page; ?mode=interview turns the mode on', async () => {
    const { page, errors, requests } = await site.open();
    await page.goto(site.url(RECORD));
    await settle(page);
    const toggle = page.locator('[data-qb-mode-toggle]');
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
    assert.equal(await toggle.textContent(), '面试模式');
    assert.equal(await page.locator('[data-qb-level-input], [data-qb-notes], [data-qb-scorecard]:visible').count(), 0);

    await page.goto(site.url(RECORD + '?mode=interview'));
    await settle(page);
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    assert.equal(await page.locator('[data-qb-scorecard]').count(), 1);
    assert.equal(await page.locator('section.qb-card [data-qb-notes]').count(), 10);
    // Remembered for this record: a plain reload keeps it on.
    await page.goto(site.url(RECORD));
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    // The keyboard turns it off.
    await toggle.focus();
    await page.keyboard.press('Enter');
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
    assert.equal(await page.locator('[data-qb-notes]:visible, [data-qb-scorecard]:visible').count(), 0);
    await page.reload();
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
    assert.ok(requests.every((u) => u.startsWith(site.origin)), 'no request leaves the page');
    // The record's source costs nothing until export is pressed.
    assert.ok(!requests.some((u) => u.includes('/qbank/sources/')), 'the source is not loaded');
    assert.deepEqual(errors, []);
});

test('ticks, levels and notes survive a reload; the scorecard suggests, and can be overridden', async () => {
    const { page, errors } = await site.open({ viewport: { width: 1400, height: 1000 } });
    await page.goto(site.url(RECORD + '?mode=interview'));
    await settle(page);

    // Each question offers one level picker per dimension, each with the record's scale.
    assert.equal(await page.locator(`${byId(Q1)} input[data-qb-level-input]`).count(), DIMENSIONS.length * 4);

    const boxes = page.locator(`${byId(Q2)} .qb-keypoints input[type="checkbox"]`);
    await boxes.nth(0).check();
    await boxes.nth(2).check();
    await page.locator(level(Q1, 'Go语言高级特性', '熟练')).check();
    await page.locator(level(Q2, 'Go语言高级特性', '熟练')).check();
    await page.locator(level(Q1, '系统组件原理', '精通')).check();
    await page.locator(level(Q2, '系统组件原理', '了解')).check();
    await page.locator(`${byId(Q2)} [data-qb-notes]`).fill(NOTE);

    await page.reload();
    await settle(page);
    assert.deepEqual(await boxes.evaluateAll((b) => b.map((x) => x.checked)).then((a) => a.slice(0, 3)), [true, false, true]);
    assert.ok(await page.locator(level(Q1, 'Go语言高级特性', '熟练')).isChecked());
    assert.ok(await page.locator(level(Q2, '系统组件原理', '了解')).isChecked());
    assert.equal(await page.locator(`${byId(Q2)} [data-qb-notes]`).inputValue(), NOTE);
    // The note is only a note: no markup, no new card.
    assert.equal(await page.locator('main b').count(), 0);
    assert.equal(await page.locator('section.qb-card').count(), 10);
    assert.equal(await page.evaluate(() => window.pwned), undefined);

    // Suggestions: the most frequent level; a tie (精通 once, 了解 once) goes to the lower.
    const card = page.locator('[data-qb-scorecard]');
    const select = (d) => card.locator(`select[data-qb-dimension="${d}"]`);
    assert.equal(await select('Go语言高级特性').inputValue(), '熟练');
    assert.equal(await select('系统组件原理').inputValue(), '了解');
    assert.equal(await select('性能调优能力').inputValue(), '');
    assert.equal(await card.locator('[data-qb-suggested]:not([hidden])').count(), 2);

    // Elapsed time: the question in view runs; the total is against the planned 90 minutes.
    await page.locator(byId(Q2)).click({ position: { x: 5, y: 5 } });
    assert.ok(await until(async () => /^用时 0:0[1-9]$/.test(await page.locator(`${byId(Q2)} [data-qb-time]`).textContent()), 4000));
    assert.match(await card.locator('[data-qb-total-time]').textContent(), /^总用时 \d+:\d\d \/ 90:00$/);
    // A reload within the 5 s between saves keeps the seconds (saved when the page goes).
    await page.reload();
    await settle(page);
    assert.notEqual(await page.locator(`${byId(Q2)} [data-qb-time]`).textContent(), '用时 0:00');
    assert.notEqual(await card.locator('[data-qb-total-time]').textContent(), '总用时 0:00 / 90:00');

    // Accept, then override one; a summary.
    await card.locator('[data-qb-accept]').click();
    assert.equal(await card.locator('[data-qb-suggested]:not([hidden])').count(), 0);
    await select('性能调优能力').selectOption('欠缺');
    await card.locator('[data-qb-summary]').fill(SUMMARY);
    // The radar: one axis per dimension, and a level changed on a question does not move an
    // accepted level.
    assert.equal(await card.locator('svg[data-qb-radar] line[data-qb-dimension]').count(), DIMENSIONS.length);
    await page.locator(level(Q1, 'Go语言高级特性', '精通')).check();
    assert.equal(await select('Go语言高级特性').inputValue(), '熟练');

    await page.reload();
    await settle(page);
    assert.equal(await select('性能调优能力').inputValue(), '欠缺');
    assert.equal(await select('系统组件原理').inputValue(), '了解');
    assert.equal(await card.locator('[data-qb-summary]').inputValue(), SUMMARY);
    assert.deepEqual(
        await card.locator('svg[data-qb-radar] line[data-qb-dimension]').evaluateAll((ls) => ls.map((l) => l.dataset.qbDimension)),
        DIMENSIONS,
    );

    for (const theme of ['light', 'coal']) {
        for (const width of [1400, 390]) {
            await page.setViewportSize({ width, height: 1000 });
            // Reloaded at each width, so that mdBook lays out its sidebar for it.
            await page.evaluate(() => localStorage.removeItem('mdbook-sidebar'));
            await page.reload();
            await setTheme(page, theme);
            await page.locator(byId(Q2)).scrollIntoViewIfNeeded();
            await screenshot(page, `interview-q2-${theme}-${width}.png`);
            await card.scrollIntoViewIfNeeded();
            await screenshot(page, `interview-scorecard-${theme}-${width}.png`);
        }
    }
    await page.setViewportSize({ width: 1400, height: 1000 });
    await setTheme(page, 'light');
    // Print in interview mode: the scorecard (info card, levels, radar, per-question levels
    // and notes, summary), not the cards.
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('section.qb-card:visible').count(), 0);
    assert.ok(await page.locator('[data-qb-info]').isVisible());
    assert.ok(await card.locator('svg[data-qb-radar]').isVisible());
    const printed = await card.locator('[data-qb-print-scorecard]').innerText();
    assert.ok(printed.includes('### 9. not a question') && printed.includes('系统组件原理: 了解'), printed);
    assert.match(printed, /用时 \d+:\d\d/);
    assert.equal(await card.locator('.qb-iv-print-summary').innerText(), SUMMARY);
    assert.ok(!(await card.locator('[data-qb-summary]').isVisible()));
    await screenshot(page, 'interview-print.png', { fullPage: true });
    await page.emulateMedia({ media: 'screen' });

    // Export: the record's markdown, filled in.
    const [download] = await Promise.all([page.waitForEvent('download'), card.locator('[data-qb-export]').click()]);
    assert.match(download.suggestedFilename(), /^go-backend-round2-\d{4}-\d{2}-\d{2}\.md$/);
    exported = readFileSync(await download.path(), 'utf8');
    // Under question 2: its levels, ticks, time and the note, fenced.
    const q2 = exported.slice(exported.indexOf('### 2.'), exported.indexOf('### 3. Context'));
    assert.match(q2, /\*\*面试官记录\*\*:\n\n- \*\*Go语言高级特性\*\*: 熟练\n- \*\*系统组件原理\*\*: 了解\n- \*\*考察要点\*\*: 1, 3\n- \*\*用时\*\*: \d+:\d\d\n\n````text\n/);
    assert.ok(q2.includes('\n````text\n' + NOTE + '\n````\n'), q2);
    assert.ok(exported.includes('### 面试总结\n```\n' + SUMMARY + '\n```\n'));
    assert.deepEqual(errors, []);
});

let exported;

test('the exported record passes qbank check, parses back with the chosen levels, and its notes stay text', async () => {
    assert.ok(exported, 'the previous test exported a file');
    assert.match(exported, /- \*\*Go语言高级特性\*\*: \[ \] 精通 \[x\] 熟练 \[ \] 了解 \[ \] 欠缺/);
    const book = mkdtempSync(path.join(os.tmpdir(), 'qbank-interview-book-'));
    try {
        mkdirSync(path.join(book, 'src'));
        writeFileSync(path.join(book, 'book.toml'), '[book]\ntitle = "Round trip"\nlanguage = "zh"\n');
        writeFileSync(path.join(book, 'src', 'SUMMARY.md'), '# Summary\n\n- [Go](go-backend-round2.md)\n');
        // No new diagnostics: the same as the record before the interview.
        const record = path.join(book, 'src', 'go-backend-round2.md');
        writeFileSync(record, readFileSync(path.join(REPO, 'book', 'src', 'go-backend-round2.md')));
        const before = JSON.parse((await run(['check', book, '--format', 'json'])).stdout);
        writeFileSync(record, exported);
        const checked = await run(['check', book, '--format', 'json', '--deny-warnings']);
        assert.deepEqual(JSON.parse(checked.stdout), before);
        const out = path.join(book, 'site');
        await run(['build', book, '-d', out]);
        const server = await serve(out);
        try {
            const { page, errors } = await site.open({ viewport: { width: 1400, height: 1000 } });
            await page.goto(`${server.origin}/${RECORD}`);
            await settle(page);
            // Same questions; the note is text (no <b>, no card, no heading for `### 9.`).
            assert.equal(await page.locator('section.qb-card').count(), 10);
            const notes = page.locator(`${byId(Q2)} [data-qb-recorded-notes]`);
            assert.equal(await notes.locator('[data-qb-notes-text]').textContent(), NOTE);
            assert.equal(await page.locator('main b').count(), 0);
            assert.equal(await notes.locator('[data-qb-notes-text] *').count(), 0, 'the note is one text node');
            assert.equal(await page.evaluate(() => window.pwned), undefined);
            assert.equal(await page.locator(`${byId(Q2)} h1, ${byId(Q2)} h2, ${byId(Q2)} h4`).count(), 0);
            assert.match(await notes.locator('[data-qb-recorded-time]').textContent(), /^用时: \d+:\d\d$/);
            await notes.scrollIntoViewIfNeeded();
            await screenshot(page, 'interview-recorded-notes.png');
            assert.deepEqual(
                await notes.locator('[data-qb-level]').evaluateAll((ls) => ls.map((l) => [l.dataset.qbDimension, l.dataset.qbLevel])),
                [['Go语言高级特性', '熟练'], ['系统组件原理', '了解']],
            );
            assert.equal(await notes.locator('[data-qb-ticks]').getAttribute('data-qb-ticks'), '1, 3');
            // The recorded levels of the evaluation template.
            const recorded = await page.$$eval('[data-qb-rubric-table] tbody tr', (rows) =>
                rows.map((r) => [r.querySelector('th').textContent, [...r.querySelectorAll('td')].findIndex((td) => td.querySelector('.qb-mark-on'))]),
            );
            assert.deepEqual(recorded, [
                ['Go语言高级特性', 1],
                ['系统组件原理', 2],
                ['分布式系统设计', -1],
                ['性能调优能力', 3],
                ['问题分析能力', -1],
            ]);
            // Interview mode shows the recorded evaluation, radar included, and exporting it
            // again unchanged gives the same file, byte for byte.
            await page.goto(`${server.origin}/${RECORD}?mode=interview`);
            await settle(page);
            const card = page.locator('[data-qb-scorecard]');
            assert.equal(await card.locator('svg[data-qb-radar] line[data-qb-dimension]').count(), DIMENSIONS.length);
            assert.equal(await card.locator('select[data-qb-dimension="性能调优能力"]').inputValue(), '欠缺');
            assert.equal(await page.locator(`${byId(Q2)} [data-qb-notes]`).inputValue(), NOTE);
            assert.equal(await card.locator('[data-qb-summary]').inputValue(), SUMMARY);
            // A recorded question's clock waits for a change: the export is the same a while later.
            await page.locator(byId(Q2)).click({ position: { x: 5, y: 5 } });
            await page.waitForTimeout(1500);
            const [again] = await Promise.all([page.waitForEvent('download'), card.locator('[data-qb-export]').click()]);
            assert.equal(readFileSync(await again.path(), 'utf8'), exported);
            assert.deepEqual(errors, []);
        } finally {
            await server.close();
        }
    } finally {
        rmSync(book, { recursive: true, force: true });
    }
});

test('two tabs on one record: the later write wins, and the other tab shows it (storage event)', async () => {
    const { page: a, context, errors } = await site.open();
    await a.goto(site.url(RECORD + '?mode=interview'));
    await settle(a);
    const b = await context.newPage();
    b.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
    await b.goto(site.url(RECORD));
    await settle(b);
    // The mode is remembered for the record, so the second tab opens in it.
    assert.equal(await b.locator('[data-qb-mode-toggle]').getAttribute('aria-pressed'), 'true');

    // A writes; B shows it.
    await a.locator(level(Q1, '问题分析能力', '了解')).check();
    await a.locator(`${byId(Q1)} [data-qb-notes]`).fill('from A');
    assert.ok(await until(() => b.locator(level(Q1, '问题分析能力', '了解')).isChecked()));
    assert.ok(await until(async () => (await b.locator(`${byId(Q1)} [data-qb-notes]`).inputValue()) === 'from A'));
    // B writes the same question later; A shows B's, and nothing of A's other keys is lost.
    await a.locator(level(Q2, '系统组件原理', '精通')).check();
    await b.locator(level(Q1, '问题分析能力', '熟练')).check();
    await b.locator(`${byId(Q1)} [data-qb-notes]`).fill('from B');
    assert.ok(await until(() => a.locator(level(Q1, '问题分析能力', '熟练')).isChecked()));
    assert.ok(await until(async () => (await a.locator(`${byId(Q1)} [data-qb-notes]`).inputValue()) === 'from B'));
    assert.ok(await until(() => b.locator(level(Q2, '系统组件原理', '精通')).isChecked()));
    // The scorecard follows in both.
    const sel = (p) => p.locator('[data-qb-scorecard] select[data-qb-dimension="问题分析能力"]');
    assert.ok(await until(async () => (await sel(a).inputValue()) === '熟练'));
    assert.equal(await sel(b).inputValue(), '熟练');
    await a.reload();
    assert.equal(await a.locator(`${byId(Q1)} [data-qb-notes]`).inputValue(), 'from B');
    assert.ok(await a.locator(level(Q2, '系统组件原理', '精通')).isChecked());

    // New interview in one tab clears the other too.
    a.once('dialog', (d) => d.accept());
    await a.locator('.qb-iv-new').click();
    assert.ok(await until(async () => (await b.locator(`${byId(Q1)} [data-qb-notes]`).inputValue()) === ''));
    assert.equal(await b.locator(`${byId(Q1)} input[data-qb-level-input]:checked`).count(), 0);
    assert.deepEqual(errors, []);
});

test('New interview clears the record’s state only after a confirmation', async () => {
    const { page, errors } = await site.open();
    await page.goto(site.url(RECORD + '?mode=interview'));
    await settle(page);
    const boxes = page.locator(`${byId(Q2)} .qb-keypoints input[type="checkbox"]`);
    await boxes.nth(1).check();
    await page.locator(level(Q1, 'Go语言高级特性', '精通')).check();
    await page.locator(`${byId(Q1)} [data-qb-notes]`).fill('keep me?');
    const card = page.locator('[data-qb-scorecard]');
    await card.locator('[data-qb-summary]').fill('summary');
    const fresh = page.locator('.qb-iv-new');
    assert.equal(await fresh.textContent(), '新面试');

    // Dismissed: nothing changes.
    const asked = [];
    page.once('dialog', (d) => {
        asked.push(d.message());
        d.dismiss();
    });
    await fresh.click();
    assert.equal(asked.length, 1);
    assert.match(asked[0], /新面试/);
    assert.equal(await page.locator(`${byId(Q1)} [data-qb-notes]`).inputValue(), 'keep me?');
    assert.ok(await boxes.nth(1).isChecked());

    // Accepted: every level, tick, note, time and the summary are gone, and stay gone.
    page.once('dialog', (d) => d.accept());
    await fresh.click();
    const empty = async (clock) => {
        assert.equal(await page.locator(`${byId(Q1)} [data-qb-notes]`).inputValue(), '');
        assert.equal(await page.locator('input[data-qb-level-input]:checked').count(), 0);
        assert.equal(await page.locator('.qb-keypoints input[type="checkbox"]:checked').count(), 0);
        assert.equal(await card.locator('[data-qb-summary]').inputValue(), '');
        assert.equal(await card.locator('select[data-qb-dimension="Go语言高级特性"]').inputValue(), '');
        if (clock) {
            assert.equal(await page.locator(`${byId(Q1)} [data-qb-time]`).textContent(), '用时 0:00');
        }
    };
    await empty(true);
    // Still in interview mode.
    assert.equal(await page.locator('[data-qb-mode-toggle]').getAttribute('aria-pressed'), 'true');
    await page.reload();
    await settle(page);
    await empty();
    assert.deepEqual(errors, []);
});

test('Copy as markdown puts the exported text on the clipboard; notes of vanished questions go into a marked block', async () => {
    const { page, errors, requests } = await site.open({ permissions: ['clipboard-read', 'clipboard-write'] });
    await page.goto(site.url(RECORD + '?mode=interview'));
    await settle(page);
    await page.locator(level(Q1, 'Go语言高级特性', '熟练')).check();
    await page.locator(`${byId(Q1)} [data-qb-notes]`).fill('copy me');
    // Notes this browser kept for a question the record no longer has (an older version).
    await page.evaluate(() =>
        window.qbank.store.set('iv:' + location.pathname + ':q:a-removed-question', { levels: {}, ticks: [0], notes: 'old <b>note</b>' }),
    );
    const card = page.locator('[data-qb-scorecard]');
    const copy = card.locator('[data-qb-copy-markdown]');
    assert.equal(await copy.textContent(), '复制为 Markdown');
    await copy.click();
    assert.ok(await until(async () => (await card.locator('.qb-iv-said').textContent()) === '已复制到剪贴板'));
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const [download] = await Promise.all([page.waitForEvent('download'), card.locator('[data-qb-export]').click()]);
    const file = readFileSync(await download.path(), 'utf8');
    assert.equal(copied, file);
    assert.ok(copied.includes('**面试官记录**:\n\n- **Go语言高级特性**: 熟练\n'), copied.slice(0, 200));
    assert.ok(
        copied.endsWith('\n\n已不在本记录中的题目的面试官记录:\n\n````text\n**#a-removed-question**:\n\n- **考察要点**: 1\n\n```text\nold <b>note</b>\n```\n````\n'),
        copied.slice(-200),
    );
    assert.ok(requests.every((u) => u.startsWith(site.origin)), 'no request leaves the page');
    assert.deepEqual(errors, []);
});

test('a full storage: a visible message, nothing throws, the page keeps working', async () => {
    const { page, errors } = await site.open({
        initScripts: [
            () => {
                const setItem = Storage.prototype.setItem;
                Storage.prototype.setItem = function (k, v) {
                    // The probe passes (storage exists); every real write is over the quota.
                    if (String(k).endsWith('__probe')) {
                        return setItem.call(this, k, v);
                    }
                    throw new DOMException('full', 'QuotaExceededError');
                };
            },
        ],
    });
    await page.goto(site.url(RECORD + '?mode=interview'));
    await settle(page);
    await page.locator(level(Q1, 'Go语言高级特性', '熟练')).check();
    await page.locator(`${byId(Q1)} [data-qb-notes]`).fill('kept in memory');
    const message = page.locator('.qb-iv-message');
    assert.ok(await message.isVisible());
    assert.match(await message.textContent(), /无法保存/);
    assert.equal(await page.locator('[data-qb-scorecard] select[data-qb-dimension="Go语言高级特性"]').inputValue(), '熟练');
    assert.deepEqual(errors, []);
});

test('a record without an evaluation template: ticks and notes, and it says there is no rubric', async () => {
    const book = mkdtempSync(path.join(os.tmpdir(), 'qbank-interview-norubric-'));
    const record = [
        '# 面试记录',
        '',
        '### 1. 第一题',
        '',
        '**面试官**: 说说看？',
        '1. 要点一',
        '2. 要点二',
        '',
        '**候选人回答区域**:',
        '```',
        '答案。',
        '```',
        '',
        '---',
        '',
        '### 2. 第二题',
        '',
        '**面试官**: 再说说？',
        '',
        '**候选人回答区域**:',
        '',
    ].join('\n');
    try {
        mkdirSync(path.join(book, 'src'));
        writeFileSync(path.join(book, 'book.toml'), '[book]\ntitle = "No rubric"\nlanguage = "zh"\n');
        writeFileSync(path.join(book, 'src', 'SUMMARY.md'), '# Summary\n\n- [R](r.md)\n');
        writeFileSync(path.join(book, 'src', 'r.md'), record);
        const before = JSON.parse((await run(['check', book, '--format', 'json'])).stdout);
        const out = path.join(book, 'site');
        await run(['build', book, '-d', out]);
        const server = await serve(out);
        try {
            const { page, errors } = await site.open();
            await page.goto(`${server.origin}/r.html?mode=interview`);
            await settle(page);
            assert.equal(await page.locator('[data-qb-mode-toggle]').getAttribute('aria-pressed'), 'true');
            assert.equal(await page.locator('input[data-qb-level-input]').count(), 0);
            assert.ok(await page.locator('[data-qb-scorecard] .qb-iv-norubric').isVisible());
            assert.match(await page.locator('[data-qb-scorecard] .qb-iv-norubric').textContent(), /没有评价模板/);
            assert.equal(await page.locator('[data-qb-scorecard] svg[data-qb-radar]').count(), 0);
            const q1 = page.locator('section.qb-card').first();
            await q1.locator('.qb-keypoints input[type="checkbox"]').nth(1).check();
            await q1.locator('[data-qb-notes]').fill('no rubric, still notes');
            await page.reload();
            await settle(page);
            assert.ok(await q1.locator('.qb-keypoints input[type="checkbox"]').nth(1).isChecked());
            assert.equal(await q1.locator('[data-qb-notes]').inputValue(), 'no rubric, still notes');
            // The export has the notes block and passes qbank check with nothing new.
            const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-qb-export]').click()]);
            assert.equal(download.suggestedFilename().replace(/\d{4}-\d\d-\d\d/, 'DATE'), 'r-DATE.md');
            const text = readFileSync(await download.path(), 'utf8');
            assert.ok(text.includes('**面试官记录**:\n\n- **考察要点**: 2\n'), text);
            writeFileSync(path.join(book, 'src', 'r.md'), text);
            assert.deepEqual(JSON.parse((await run(['check', book, '--format', 'json'])).stdout), before);
            assert.deepEqual(errors, []);
        } finally {
            await server.close();
        }
    } finally {
        rmSync(book, { recursive: true, force: true });
    }
});

test('without storage the mode still works and says that it cannot save', async () => {
    const { page, errors } = await site.open({
        initScripts: [
            () => {
                Object.defineProperty(window, 'localStorage', {
                    get() {
                        throw new Error('denied');
                    },
                });
            },
        ],
    });
    await page.goto(site.url(RECORD + '?mode=interview'));
    await page.locator(level(Q1, 'Go语言高级特性', '熟练')).check();
    assert.ok(await page.locator('.qb-iv-message').isVisible());
    assert.equal(await page.locator('[data-qb-scorecard] select[data-qb-dimension="Go语言高级特性"]').inputValue(), '熟练');
    assert.deepEqual(errors, []);
});

test('a question with `dimensions:` metadata offers level pickers for those dimensions only', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'qbank-interview-meta-'));
    try {
        await run(['build', path.join('tests', 'fixtures', 'meta'), '-d', path.join(out, 'site')]);
        const server = await serve(path.join(out, 'site'));
        try {
            const { page, errors } = await site.open();
            await page.goto(`${server.origin}/${RECORD}?mode=interview`);
            await settle(page);
            const dims = (id) =>
                page.locator(`${byId(id)} fieldset`).evaluateAll((fs) => fs.map((f) => f.querySelector('legend').textContent));
            assert.deepEqual(await dims('gmp'), ['Go语言高级特性']);
            assert.equal(await page.locator(`${byId('gmp')} input[data-qb-level-input]`).count(), 4);
            assert.deepEqual(await dims(Q2), DIMENSIONS);
            assert.deepEqual(errors, []);
        } finally {
            await server.close();
        }
    } finally {
        rmSync(out, { recursive: true, force: true });
    }
});

test('the practice edition carries no interview mode, code or labels', async () => {
    const { page, errors, requests } = await practice.open();
    await page.goto(practice.url(RECORD + '?mode=interview'));
    await settle(page);
    assert.equal(await page.locator('[data-qb-mode-toggle], [data-qb-scorecard], [data-qb-notes]').count(), 0);
    assert.ok(!requests.some((u) => u.includes('qbank-interview')), 'no interview script or styles');
    assert.ok(!existsSync(path.join(practice.root, 'qbank', 'sources')), 'no record sources');
    assert.ok(!readdirSync(path.join(practice.root, 'qbank')).some((f) => f.includes('interview')));
    const labels = await page.evaluate(() => Object.keys(window.qbank.labels));
    assert.ok(labels.length > 0 && !labels.some((k) => k.startsWith('iv_')));
    assert.deepEqual(errors, []);
});
