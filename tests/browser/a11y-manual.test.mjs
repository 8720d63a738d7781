// Accessibility that axe cannot see: a keyboard-only walk of the seed page, focus rings, Enter
// and Space, accessible names in the book's language, announcements, target sizes at 390 px,
// reduced motion, and 200% zoom. Saves a11y-*.png screenshots of the seed page to look at.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { Q1, Q2, RECORD, answerOpen, answerStates, byId, screenshot, settle, startSite, until } from './harness.mjs';

let site;
before(async () => {
    site = await startSite();
});
after(async () => {
    await site?.close();
});

// qbank's controls on a record page (answers open) and on the generated index pages.
const QB_CONTROLS = [
    '[data-qb-expand]',
    '[data-qb-collapse]',
    '.qb-qlist a',
    '.qb-card .qb-title a.header',
    '.qb-copy',
    'details.qb-answer > summary',
    'details.qb-followup > summary',
    '.qb-keypoints input',
    'a.qb-tag',
    '.qb-anchor',
    '[data-qb-scroll]',
    '.qb-filter select',
    '.qb-index-item > a',
].join(', ');

// Named controls a walk reports (f.what).
const NAMED = {
    expand: '[data-qb-expand]',
    collapse: '[data-qb-collapse]',
    overview: '.qb-qlist a',
    title: '.qb-card .qb-title a.header',
    copy: '.qb-copy',
    answer: 'details.qb-answer > summary',
};

const CJK = /[\u3400-\u9fff]/;

// A test that cannot finish fails instead of holding up the run.
const LIMIT = { timeout: 120_000 };

/** What has focus: where it is, what it is, and how its focus ring looks against its background. */
function focused(page) {
    return page.evaluate(([QB, NAMED]) => {
        const el = document.activeElement;
        if (!el || el === document.body) {
            return null;
        }
        const probe = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
        const rgba = (css) => {
            probe.clearRect(0, 0, 1, 1);
            probe.fillStyle = '#000';
            probe.fillStyle = css;
            probe.fillRect(0, 0, 1, 1);
            const [r, g, b, a] = probe.getImageData(0, 0, 1, 1).data;
            return [r, g, b, a / 255];
        };
        const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat(1);
        const lum = ([r, g, b]) => {
            const f = (c) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
            return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
        };
        // The outline is drawn outside the element: measure it against the parent's background.
        const layers = [];
        for (let n = el.parentElement; n; n = n.parentElement) {
            layers.push(rgba(getComputedStyle(n).backgroundColor));
        }
        let bg = [255, 255, 255, 1];
        for (const l of layers.reverse()) bg = over(l, bg);
        const cs = getComputedStyle(el);
        const ring = over(rgba(cs.outlineColor), bg);
        const [hi, lo] = [lum(ring), lum(bg)].sort((a, b) => b - a);
        const r = el.getBoundingClientRect();
        const cx = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
        const cy = Math.min(Math.max(r.top + Math.min(r.height, 20) / 2, 0), innerHeight - 1);
        const top = document.elementFromPoint(cx, cy);
        const card = el.closest('.qb-card');
        return {
            desc: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} "${(el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 40)}"`,
            qb: el.matches(QB),
            what: Object.keys(NAMED).filter((k) => el.matches(NAMED[k])),
            inMain: !!el.closest('main'),
            card: card ? card.id : null,
            inAside: !!el.closest('.qb-rubric'),
            rect: { x: r.left, y: r.top, w: r.width, h: r.height, bottom: r.bottom, right: r.right },
            // The same box in page coordinates, to compare stops made at different scroll positions.
            at: { x: r.left + scrollX, y: r.top + scrollY, h: r.height, right: r.right + scrollX },
            // Focus visible: an outline (or Chromium's auto ring) or a box shadow.
            ring:
                (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 1) || cs.boxShadow !== 'none',
            ringStyle: `${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}`,
            ringContrast: cs.outlineStyle === 'auto' ? 99 : (hi + 0.05) / (lo + 0.05),
            onScreen: r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth,
            // Not hidden under the sticky menu bar or anything else.
            unobscured: !!top && (top === el || el.contains(top) || top.contains(el)),
            tabindex: el.getAttribute('tabindex'),
        };
    }, [QB_CONTROLS, NAMED]);
}

function assertFocusVisible(f, where) {
    assert.ok(f.ring, `${where}: ${f.desc} has no focus ring (${f.ringStyle})`);
    assert.ok(f.ringContrast >= 3, `${where}: ${f.desc} focus ring contrasts ${f.ringContrast.toFixed(2)}:1 (${f.ringStyle})`);
    assert.ok(f.onScreen && f.unobscured, `${where}: ${f.desc} is focused off screen or under something: ${JSON.stringify(f.rect)}`);
}

test('keyboard only: skip link, then Tab to the first answer, Enter opens it and Space closes it', LIMIT, async () => {
    const { page, context, errors } = await site.open({ viewport: { width: 1400, height: 1000 } });
    try {
        await page.goto(site.url(RECORD));
        await settle(page);
        await page.keyboard.press('Tab');
        let f = await focused(page);
        assert.match(f?.desc ?? '', /qb-skip/, `the first Tab reaches the skip link, not ${f?.desc}`);
        assertFocusVisible(f, 'skip link');
        assert.ok(f.rect.w >= 24 && f.rect.h >= 24, 'the skip link is shown when focused');
        await page.keyboard.press('Enter');
        assert.equal(await page.evaluate(() => document.activeElement.tagName), 'MAIN', 'Enter on the skip link moves focus to the text');

        const summary = `${byId(Q1)} details[data-qb-answer] > summary`;
        const walked = [];
        const what = [];
        for (let i = 0; i < 40; i++) {
            await page.keyboard.press('Tab');
            await settle(page);
            f = await focused(page);
            assert.ok(f, 'focus stays on something');
            walked.push(f.desc);
            what.push(...f.what);
            assert.ok(f.inMain, `Tab left the page text for ${f.desc}`);
            assertFocusVisible(f, `Tab ${i + 1}`);
            if (await page.evaluate((s) => document.activeElement === document.querySelector(s), summary)) {
                break;
            }
        }
        assert.ok(await page.evaluate((s) => document.activeElement === document.querySelector(s), summary), `Tab never reached Q1's answer:\n${walked.join('\n')}`);
        // On the way: expand/collapse all, the ten overview links, Q1's title and its copy button.
        const seen = walked.join('\n');
        assert.deepEqual(
            what,
            ['expand', 'collapse', ...Array(10).fill('overview'), 'title', 'copy', 'answer'],
            `the walk, in order:\n${seen}`,
        );

        assert.equal(await answerOpen(page, Q1), false);
        await page.keyboard.press('Enter');
        assert.ok(await until(() => answerOpen(page, Q1)), 'Enter opens the answer');
        await page.keyboard.press('Space');
        assert.ok(await until(async () => !(await answerOpen(page, Q1))), 'Space closes it');
        await page.keyboard.press('Space');
        assert.ok(await until(() => answerOpen(page, Q1)), 'Space opens it again');
        assert.deepEqual(errors, []);
    } finally {
        await context.close();
    }
});

/** Tab through the whole page text (from the skip link), returning every focus stop. */
async function walkAll(page, limit = 400) {
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const stops = [];
    for (let i = 0; i < limit; i++) {
        await page.keyboard.press('Tab');
        await settle(page);
        const f = await focused(page);
        if (!f || !f.inMain) {
            break;
        }
        stops.push({ ...f, key: await page.evaluate(() => {
            const el = document.activeElement;
            el.dataset.qbWalk = el.dataset.qbWalk || String(Math.random()).slice(2);
            return el.dataset.qbWalk;
        }) });
    }
    return stops;
}

/**
 * Reading order: each stop is below the previous one, or on the same line to its right, or in
 * the rubric column beside the card the previous stop is in.
 */
function assertVisualOrder(stops, where) {
    for (let i = 1; i < stops.length; i++) {
        const a = stops[i - 1].at;
        const b = stops[i].at;
        const below = b.y >= a.y - 4;
        const sameLineRight = Math.abs(b.y - a.y) < Math.max(a.h, 24) && b.x >= a.x;
        const nextColumn = stops[i].inAside && !stops[i - 1].inAside && stops[i].card && stops[i].card === stops[i - 1].card && b.x >= a.right - 4;
        assert.ok(below || sameLineRight || nextColumn, `${where}: Tab goes from ${stops[i - 1].desc} ${JSON.stringify(a)} back up to ${stops[i].desc} ${JSON.stringify(b)}`);
    }
}

for (const [name, path, prepare] of [
    // A script click: a mouse click would move the starting point of Tab.
    ['record page, answers open', RECORD, (page) => page.evaluate(() => document.querySelector('[data-qb-expand]').click())],
    ['tags page', 'qbank-tags.html', null],
    ['coverage page', 'qbank-coverage.html', null],
]) {
    test(`${name}: every qbank control is reachable with Tab, in visual order, with a focus ring`, LIMIT, async () => {
        const { page, context, errors } = await site.open({ viewport: { width: 1400, height: 1000 } });
        try {
            await page.goto(site.url(path));
            await settle(page);
            if (prepare) {
                await prepare(page);
                await settle(page);
            }
            // Mark the controls that are there to reach, before walking.
            const expected = await page.$$eval(QB_CONTROLS, (els) =>
                els
                    .filter((el) => el.checkVisibility({ visibilityProperty: true }) && el.getClientRects().length)
                    .map((el) => {
                        el.dataset.qbWalk = String(Math.random()).slice(2);
                        return { key: el.dataset.qbWalk, desc: `${el.tagName} ${el.className} ${(el.getAttribute('aria-label') || el.textContent).trim().slice(0, 30)}` };
                    }),
            );
            assert.ok(expected.length > 5, `qbank controls on ${path}: ${expected.length}`);
            assert.deepEqual(await page.$$eval('[tabindex]', (els) => els.filter((e) => e.tabIndex > 0).map((e) => e.outerHTML.slice(0, 80))), [], 'no positive tabindex');

            const stops = await walkAll(page);
            const reached = new Set(stops.map((s) => s.key));
            const missed = expected.filter((e) => !reached.has(e.key));
            assert.deepEqual(missed, [], `qbank controls Tab never reached on ${path}`);
            for (const s of stops.filter((s) => s.qb)) {
                assertFocusVisible(s, path);
            }
            assertVisualOrder(stops, path);
            assert.deepEqual(errors, []);
        } finally {
            await context.close();
        }
    });
}

test('Enter and Space work every control, and status changes are announced (aria-live)', LIMIT, async () => {
    const { page, context, errors } = await site.open({ viewport: { width: 1400, height: 1000 } });
    try {
        await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.origin });
        await page.goto(site.url(RECORD));
        await settle(page);
        const live = () => page.locator('[data-qb-live]').textContent().catch(() => null);
        assert.equal(
            await page.evaluate(() => document.querySelectorAll('[aria-live="polite"][data-qb-live], [data-qb-live][role="status"]').length),
            0,
            'the live region is made on first use',
        );

        await page.focus('[data-qb-expand]');
        await page.keyboard.press('Enter');
        assert.ok(await until(async () => Object.values(await answerStates(page)).every(Boolean)), 'Enter expands all');
        assert.equal(await until(async () => ((await live()) === '已展开全部答案' ? 'ok' : null)), 'ok', `announced: ${await live()}`);
        assert.equal(await page.getAttribute('[data-qb-live]', 'aria-live'), 'polite');

        await page.focus('[data-qb-collapse]');
        await page.keyboard.press('Space');
        assert.ok(await until(async () => Object.values(await answerStates(page)).every((o) => !o)), 'Space collapses all');
        assert.equal(await until(async () => ((await live()) === '已收起全部答案' ? 'ok' : null)), 'ok', `announced: ${await live()}`);

        await page.focus(`${byId(Q2)} .qb-copy`);
        await page.keyboard.press('Enter');
        assert.equal(await until(async () => ((await live()) === '已复制' ? 'ok' : null)), 'ok', `copy announced: ${await live()}`);

        const box = page.locator(`${byId(Q2)} .qb-keypoints input`).first();
        await box.focus();
        await page.keyboard.press('Space');
        assert.ok(await box.isChecked(), 'Space ticks a key point');

        // mdBook's sidebar toggle, made a button by qbank.js.
        const toggle = page.locator('#mdbook-sidebar-toggle');
        assert.equal(await toggle.getAttribute('role'), 'button');
        assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
        await toggle.focus();
        await page.keyboard.press('Enter');
        assert.ok(await until(async () => (await toggle.getAttribute('aria-expanded')) === 'false'), 'Enter hides the sidebar');
        await page.keyboard.press('Space');
        assert.ok(await until(async () => (await toggle.getAttribute('aria-expanded')) === 'true'), 'Space shows it again');

        // The filters on an index page, by keyboard.
        await page.goto(site.url('qbank-tags.html'));
        await settle(page);
        const count = () => page.locator('[data-qb-filter-count]').textContent();
        const all = await count();
        await page.focus('[data-qb-filter-difficulty]');
        await page.keyboard.press('ArrowDown');
        assert.ok(await until(async () => (await count()) !== all), `ArrowDown on a filter filters (${all})`);
        assert.equal(await page.evaluate(() => document.querySelector('[data-qb-filter-count]').tagName), 'OUTPUT', 'the count is an <output>, read out when it changes');
        assert.deepEqual(errors, []);
    } finally {
        await context.close();
    }
});

test('every control has an accessible name, in the book\'s language (Chinese here)', LIMIT, async () => {
    const { page, context, errors } = await site.open({ viewport: { width: 1400, height: 1000 } });
    try {
        await page.goto(site.url(RECORD));
        await settle(page);
        await page.click('[data-qb-expand]');
        await settle(page);
        const cdp = await context.newCDPSession(page);
        await cdp.send('Accessibility.enable');
        const { nodes } = await cdp.send('Accessibility.getFullAXTree');
        const interactive = new Set(['button', 'link', 'checkbox', 'combobox', 'textbox', 'searchbox', 'menuitem', 'region', 'switch', 'tab']);
        const unnamed = nodes
            .filter((n) => !n.ignored && interactive.has(n.role?.value) && !(n.name?.value ?? '').trim())
            .map((n) => `${n.role.value} (backend node ${n.backendDOMNodeId})`);
        assert.deepEqual(unnamed, [], 'controls without an accessible name');

        // The names of qbank's controls and of the menu bar's buttons, as the browser computes them.
        const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
        const nameOf = async (selector) => {
            const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector });
            const out = [];
            for (const nodeId of nodeIds) {
                const { nodes: ax } = await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false });
                // Not rendered (e.g. mdBook's narrow-screen arrows on a wide screen): no name to read.
                const own = ax.find((n) => !n.ignored);
                if (own) {
                    out.push(own.name?.value ?? '');
                }
            }
            return out;
        };
        const notChinese = [];
        for (const selector of [
            '.qb-copy',
            '[data-qb-expand]',
            '[data-qb-collapse]',
            'details.qb-answer > summary',
            '.qb-anchor',
            '[data-qb-scroll]',
            '#mdbook-sidebar-toggle',
            '#mdbook-theme-toggle',
            '#mdbook-search-toggle',
            '#mdbook-menu-bar a[href$="print.html"]',
            'a[rel~="next"]',
            'nav.qb-overview',
            'aside.qb-rubric',
        ]) {
            const names = await nameOf(selector);
            assert.ok(names.length > 0, `nothing rendered and named for ${selector}`);
            for (const n of names) {
                if (!CJK.test(n)) {
                    notChinese.push(`${selector}: "${n}"`);
                }
            }
        }
        assert.deepEqual(notChinese, [], 'names not in the book\'s language');

        // Icon-only buttons carry their name in aria-label.
        const iconOnly = await page.$$eval('.qb-copy, #mdbook-sidebar-toggle, #mdbook-theme-toggle, #mdbook-search-toggle', (els) =>
            els.filter((e) => !e.getAttribute('aria-label')).map((e) => e.outerHTML.slice(0, 80)),
        );
        assert.deepEqual(iconOnly, [], 'icon-only buttons without aria-label');

        // The search box is named too.
        await page.keyboard.press('/');
        const search = await nameOf('#mdbook-searchbar');
        assert.ok(search.every((n) => CJK.test(n)), `search box name: ${search}`);
        assert.deepEqual(errors, []);
    } finally {
        await context.close();
    }
});

/**
 * Targets smaller than 24 × 24 px that fail WCAG 2.5.8's spacing exception: a 24 px circle on
 * an undersized target's centre may not touch another target or another such circle.
 */
function smallTargets(page, selector) {
    return page.evaluate((sel) => {
        const els = [...document.querySelectorAll(sel)].filter(
            (e) => e.checkVisibility({ visibilityProperty: true, opacityProperty: false }) && e.getClientRects().length,
        );
        // A checkbox in a <label> is hit anywhere on the label.
        const targetOf = (e) => (e.matches('input') && e.closest('label')) || e;
        const boxes = els.map((e) => ({ e, r: targetOf(e).getBoundingClientRect() }));
        const small = (b) => b.r.width < 24 - 0.5 || b.r.height < 24 - 0.5;
        const centre = (b) => [b.r.left + b.r.width / 2, b.r.top + b.r.height / 2];
        const distToRect = ([x, y], r) => Math.hypot(Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom));
        const bad = [];
        for (const b of boxes.filter(small)) {
            const c = centre(b);
            const clash = boxes.find(
                (o) =>
                    o !== b &&
                    (distToRect(c, o.r) < 12 || (small(o) && Math.hypot(c[0] - centre(o)[0], c[1] - centre(o)[1]) < 24)),
            );
            if (clash) {
                bad.push(`${b.e.outerHTML.slice(0, 70)} is ${b.r.width.toFixed(1)}×${b.r.height.toFixed(1)} and too close to ${clash.e.outerHTML.slice(0, 50)}`);
            }
        }
        return { count: boxes.length, bad };
    }, selector);
}

test('at 390 px every target is at least 24 × 24 px or spaced as WCAG 2.5.8 allows', LIMIT, async () => {
    const { page, context, errors } = await site.open({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    try {
        const targets = `${QB_CONTROLS}, #mdbook-menu-bar .icon-button, #mdbook-menu-bar .right-buttons a, .nav-wrapper a, .qb-skip`;
        for (const path of [RECORD, 'qbank-tags.html', 'qbank-coverage.html', 'examples/rust-round1.html']) {
            await page.goto(site.url(path));
            await settle(page);
            await page.evaluate(() => document.querySelector('[data-qb-expand]')?.click());
            await settle(page);
            const { count, bad } = await smallTargets(page, targets);
            assert.ok(count > 5, `${path}: ${count} targets`);
            assert.deepEqual(bad, [], `${path}: targets below 24 × 24 px`);
        }
        assert.deepEqual(errors, []);
    } finally {
        await context.close();
    }
});

test('prefers-reduced-motion: no smooth scrolling, no transitions', LIMIT, async () => {
    for (const reducedMotion of ['no-preference', 'reduce']) {
        const { page, context, errors } = await site.open({ viewport: { width: 1400, height: 1000 }, reducedMotion });
        try {
            await page.goto(site.url(RECORD));
            await settle(page);
            const moving = await page.evaluate(() => {
                const out = [];
                for (const el of [document.documentElement, document.body, ...document.querySelectorAll('body *')]) {
                    for (const pseudo of [null, '::before', '::after']) {
                        const cs = getComputedStyle(el, pseudo);
                        const t = cs.transitionDuration.split(',').some((d) => parseFloat(d) > 0);
                        const a = cs.animationName !== 'none' && cs.animationDuration.split(',').some((d) => parseFloat(d) > 0);
                        if (t || a || cs.scrollBehavior === 'smooth') {
                            out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${pseudo ?? ''}: ${t ? 'transition ' : ''}${a ? 'animation ' : ''}${cs.scrollBehavior}`);
                        }
                    }
                }
                return out;
            });
            // Hiding the sidebar: mdBook slides it away, unless motion is reduced.
            await page.click('#mdbook-sidebar-toggle');
            // The most animations running in any of the next ten frames.
            const running = await page.evaluate(
                () =>
                    new Promise((resolve) => {
                        let most = 0;
                        let frames = 0;
                        const tick = () => {
                            most = Math.max(most, document.getAnimations().length);
                            if (++frames >= 10) {
                                resolve(most);
                            } else {
                                requestAnimationFrame(tick);
                            }
                        };
                        requestAnimationFrame(tick);
                    }),
            );
            if (reducedMotion === 'reduce') {
                assert.deepEqual(moving, [], 'elements that still move');
                assert.equal(running, 0, 'animations after hiding the sidebar');
            } else {
                assert.ok(moving.length > 0 && running > 0, 'mdBook animates without the preference (the check above can fail)');
            }
            assert.deepEqual(errors, []);
        } finally {
            await context.close();
        }
    }
});

/** Boxes of qbank's parts that overlap each other (none is inside the other). */
function overlaps(page) {
    return page.evaluate(() => {
        const parts = [
            '.qb-card',
            '.qb-title',
            '.qb-copy',
            '.qb-qmeta > *',
            '.qb-prompt',
            'details > summary',
            '.qb-rubric',
            '.qb-overview button',
            '.qb-qlist a',
            '.qb-qlist .qb-badge',
            '.qb-count',
            '.qb-info dt',
            '.qb-info dd',
            '.qb-filter label',
            '.qb-filter output',
            '.qb-index-item > a',
            '.qb-index-item .qb-badge',
            '#mdbook-menu-bar .icon-button',
            '#mdbook-menu-bar .menu-title',
            '#mdbook-menu-bar .right-buttons a',
            // The page's text and mdBook's chapter arrows beside it.
            'main > :not(.qb-card, nav.qb-overview, .qb-info)',
            '.nav-wide-wrapper .nav-chapters',
        ];
        const els = [...document.querySelectorAll(parts.join(', '))].filter((e) => e.getClientRects().length && e.checkVisibility());
        // An inline element that wraps has one box per line: compare those, not its bounding box.
        const boxes = els.map((e) => ({ e, rs: [...e.getClientRects()] }));
        const bad = [];
        for (let i = 0; i < boxes.length; i++) {
            for (let j = i + 1; j < boxes.length; j++) {
                const a = boxes[i];
                const b = boxes[j];
                if (a.e.contains(b.e) || b.e.contains(a.e)) continue;
                for (const ra of a.rs) {
                    for (const rb of b.rs) {
                        const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
                        const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
                        if (w > 1 && h > 1) {
                            bad.push(`${a.e.outerHTML.slice(0, 60)} overlaps ${b.e.outerHTML.slice(0, 60)} by ${w.toFixed(0)}×${h.toFixed(0)}`);
                        }
                    }
                }
            }
        }
        return [...new Set(bad)].slice(0, 10);
    });
}

for (const [name, path] of [
    ['record page, answers open', RECORD],
    ['tags page', 'qbank-tags.html'],
    ['coverage page', 'qbank-coverage.html'],
    ['guide page', 'guide/format.html'],
]) {
    test(`200% zoom at 1400 px (${name}): no sideways scrolling, nothing overlaps`, LIMIT, async () => {
        const { page, context, errors } = await site.open({ viewport: { width: 1400, height: 1000 } });
        try {
            await page.goto(site.url(path));
            await settle(page);
            await page.evaluate(() => {
                document.querySelector('[data-qb-expand]')?.click();
                document.documentElement.style.zoom = '2';
            });
            await settle(page);
            const sideways = await page.evaluate(() => {
                const s = document.scrollingElement;
                const wide = [...document.querySelectorAll('main *')]
                    .filter((e) => {
                        const r = e.getBoundingClientRect();
                        // Inside a region that scrolls by itself (code, wide tables) is fine.
                        return r.width && r.right > document.documentElement.clientWidth + 1 && !e.closest('pre, .table-wrapper');
                    })
                    .slice(0, 5)
                    .map((e) => e.outerHTML.slice(0, 80));
                return { scrollWidth: s.scrollWidth, clientWidth: s.clientWidth, wide };
            });
            assert.ok(sideways.scrollWidth <= sideways.clientWidth + 1, `the page scrolls sideways: ${JSON.stringify(sideways)}`);
            assert.deepEqual(sideways.wide, [], 'elements past the right edge');
            assert.deepEqual(await overlaps(page), [], 'overlapping parts');
            const file = path === RECORD ? 'a11y-zoom200-record.png' : `a11y-zoom200-${path.replace(/\W+/g, '-')}.png`;
            await screenshot(page, file);
            assert.deepEqual(errors, []);
        } finally {
            await context.close();
        }
    });
}

test('screenshots of the seed page, light and coal, 1400 and 390 px (to look at)', LIMIT, async () => {
    for (const theme of ['light', 'coal']) {
        for (const width of [1400, 390]) {
            const { page, context, errors } = await site.open({
                viewport: { width, height: width > 800 ? 1000 : 844 },
                initScripts: [{ content: `localStorage.setItem('mdbook-theme', ${JSON.stringify(theme)});` }],
            });
            try {
                await page.goto(site.url(RECORD));
                await settle(page);
                await screenshot(page, `a11y-${theme}-${width}.png`);
                // Q1 open, with the keyboard on its answer: the focus ring shows.
                await page.click('[data-qb-expand]');
                await page.focus(`${byId(Q1)} .qb-copy`);
                await page.keyboard.press('Tab');
                await settle(page);
                await screenshot(page, `a11y-${theme}-${width}-open.png`);
                assert.deepEqual(errors, []);
            } finally {
                await context.close();
            }
        }
    }
});
