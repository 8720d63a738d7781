// The accessibility scan shared by a11y.test.mjs and bench/a11y-counts.mjs: axe-core with the
// WCAG 2.1 A/AA rules, serious and critical violations only, checked against the allow-list
// (a11y-allow.json) of violations that come from mdBook's own templates.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';

const here = path.dirname(fileURLToPath(import.meta.url));

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
export const SEVERE = new Set(['serious', 'critical']);
export const ALLOW_FILE = path.join(here, 'a11y-allow.json');

/** The allow-list: [{ rule, selector, reason }]. Throws on an entry without all three. */
export function loadAllowList(file = ALLOW_FILE) {
    const list = JSON.parse(readFileSync(file, 'utf8'));
    if (!Array.isArray(list)) {
        throw new Error(`${file}: expected an array of { rule, selector, reason }`);
    }
    for (const [i, e] of list.entries()) {
        for (const key of ['rule', 'selector', 'reason']) {
            if (typeof e[key] !== 'string' || !e[key].trim()) {
                throw new Error(`${file}: entry ${i} has no ${key}`);
            }
        }
    }
    return list;
}

/** The allow-list as lines to print. */
export function describeAllowList(list) {
    if (list.length === 0) {
        return 'a11y allow-list: empty';
    }
    return [`a11y allow-list (${path.basename(ALLOW_FILE)}), ${list.length} entr${list.length === 1 ? 'y' : 'ies'}:`]
        .concat(list.map((e) => `  - ${e.rule} on ${e.selector}: ${e.reason}`))
        .join('\n');
}

/**
 * Switch mdBook's theme the way a reader does, through its theme menu (no reload). mdBook
 * swaps the highlight stylesheets and the class on <html>.
 */
export async function setTheme(page, theme) {
    await page.evaluate((t) => {
        const button = document.getElementById('mdbook-theme-' + t);
        if (!button) {
            throw new Error('no theme button for ' + t);
        }
        button.click();
    }, theme);
    const ok = await page.evaluate((t) => document.documentElement.classList.contains(t), theme);
    if (!ok) {
        throw new Error(`mdBook did not apply the ${theme} theme`);
    }
    await settleStyles(page);
}

/**
 * Two animation frames, then every running CSS transition finished (mdBook fades colours for
 * up to 0.5 s after a theme change; axe must read the final colours).
 */
export function settleStyles(page) {
    return page.evaluate(async () => {
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        const running = document.getAnimations().filter((a) => a instanceof CSSTransition);
        await Promise.all(running.map((a) => a.finished.catch(() => {})));
    });
}

/**
 * Run axe on the page as it is, with every WCAG 2.1 A/AA rule. Returns the serious and critical violations, one per node:
 * { rule, impact, target, html, summary, allowedBy } where `allowedBy` is the allow-list entry
 * whose rule matches and whose selector matches the node (in the page), or null.
 */
export async function scan(page, allow = []) {
    const result = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
    const found = [];
    for (const v of result.violations) {
        for (const node of v.nodes) {
            const impact = node.impact ?? v.impact;
            if (!SEVERE.has(impact)) {
                continue;
            }
            found.push({
                rule: v.id,
                impact,
                target: node.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' '),
                html: node.html.length > 160 ? node.html.slice(0, 157) + '...' : node.html,
                summary: (node.failureSummary ?? '').replace(/\s+/g, ' ').trim(),
                allowedBy: null,
            });
        }
    }
    const candidates = allow.map((e, i) => ({ ...e, i }));
    if (found.length && candidates.length) {
        const matches = await page.evaluate(
            ({ nodes, entries }) =>
                nodes.map(({ rule, target }) => {
                    let el = null;
                    try {
                        el = document.querySelector(target);
                    } catch {
                        el = null;
                    }
                    if (!el) {
                        return -1;
                    }
                    const hit = entries.find((e) => e.rule === rule && el.matches(e.selector));
                    return hit ? hit.i : -1;
                }),
            { nodes: found.map(({ rule, target }) => ({ rule, target })), entries: candidates },
        );
        matches.forEach((i, n) => {
            found[n].allowedBy = i >= 0 ? allow[i] : null;
        });
    }
    return found;
}

/** Text table: one row per page, one column per theme × width. `cell(page, col)` gives a string. */
export function table(rows, cols, cell) {
    const head = ['page', ...cols];
    const body = rows.map((r) => [r, ...cols.map((c) => cell(r, c))]);
    const widths = head.map((_, i) => Math.max(...[head, ...body].map((line) => String(line[i]).length)));
    const fmt = (line) => '| ' + line.map((v, i) => String(v).padEnd(widths[i])).join(' | ') + ' |';
    return [fmt(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...body.map(fmt)].join('\n');
}

// ---- The pages, themes and widths ---------------------------------------------------------

export const RECORD_PAGE = 'go-backend-round2.html';
export const WIDTHS = [1400, 390];

/**
 * The pages scanned. `site` names a served site ('book', 'practice', or any other the caller
 * serves); `open` expands every answer and follow-up first; `search` waits for results.
 */
export const PAGES = [
    { name: 'record', site: 'book', path: RECORD_PAGE },
    { name: 'record, answers open', site: 'book', path: RECORD_PAGE, open: true },
    { name: 'example record, open', site: 'book', path: 'examples/rust-round1.html', open: true },
    { name: 'tags', site: 'book', path: 'qbank-tags.html' },
    { name: 'dimensions', site: 'book', path: 'qbank-dimensions.html' },
    { name: 'coverage', site: 'book', path: 'qbank-coverage.html' },
    { name: 'guide', site: 'book', path: 'guide/format.html' },
    { name: 'my progress', site: 'book', path: 'qbank-progress.html', ready: '[data-qb-progress-body] [data-qb-progress]' },
    // The drill: its settings, then a question with its answer shown (a drill started in one
    // context is resumed by the later visits of that context).
    { name: 'drill, settings', site: 'book', path: 'qbank-drill.html', ready: '[data-qb-drill-setup]:not([hidden])' },
    { name: 'drill, question', site: 'book', path: 'qbank-drill.html', drill: true },
    { name: 'search results', site: 'book', path: 'index.html?search=' + encodeURIComponent('令牌桶'), search: true },
    // Interview mode on (remembered for this record by the later pages of the same context).
    { name: 'record, interview mode', site: 'book', path: RECORD_PAGE + '?mode=interview' },
    { name: 'practice record', site: 'practice', path: RECORD_PAGE },
    { name: 'practice drill', site: 'practice', path: 'qbank-drill.html', drill: true },
    // A bank where records share questions: the frequently-asked page, and cards that say so.
    { name: 'frequent', site: 'banks', path: 'qbank-frequent.html' },
    { name: 'record, also asked', site: 'banks', path: 'go/round2.html' },
];

/** Wait for two animation frames. */
export function frames(page) {
    return page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** Load `spec` in `page` and bring it into the state to scan. */
export async function preparePage(page, origin, spec) {
    const res = await page.goto(`${origin}/${spec.path}`, { waitUntil: 'load' });
    if (!res || res.status() !== 200) {
        throw new Error(`${spec.path}: HTTP ${res?.status()}`);
    }
    if (spec.open) {
        await page.evaluate(() => {
            const expand = document.querySelector('[data-qb-expand]');
            if (expand && !expand.closest('[hidden]')) {
                expand.click();
            }
            document.querySelectorAll('details').forEach((d) => (d.open = true));
        });
    }
    if (spec.search) {
        await page.waitForSelector('#mdbook-searchresults li a', { state: 'visible', timeout: 10_000 });
    }
    if (spec.ready) {
        await page.waitForSelector(spec.ready, { timeout: 10_000 });
    }
    if (spec.drill) {
        await page.waitForSelector('[data-qb-drill-setup]:not([hidden]), [data-qb-drill-card]:not([hidden])', { timeout: 10_000 });
        const start = page.locator('[data-qb-drill-setup]:not([hidden]) [data-qb-drill-start]');
        if (await start.count()) {
            await start.click();
        }
        await page.waitForSelector('[data-qb-drill-card][data-qb-drill-loaded]', { timeout: 10_000 });
        // A question whose answer holds code (which scrolls sideways at 390 px), if there is one.
        for (let i = 0; i < 12 && (await page.locator('[data-qb-drill-show]').count()); i++) {
            if (await page.locator('[data-qb-drill-answer] pre code').count()) {
                break;
            }
            const key = await page.locator('[data-qb-drill-card]').getAttribute('data-qb-drill-key');
            await page.keyboard.press('ArrowRight');
            await page.waitForFunction((k) => {
                const c = document.querySelector('[data-qb-drill-card]');
                return c.getAttribute('data-qb-drill-key') !== k && c.hasAttribute('data-qb-drill-loaded');
            }, key);
        }
        const show = page.locator('[data-qb-drill-show]:visible');
        if (await show.count()) {
            await show.click();
        }
    }
    await settleStyles(page);
}

/**
 * Scan `pages` × `themes` × `widths` with one browser: one context per width, one tab reused
 * across pages, themes switched in place. `origins` maps a page's `site` to its origin.
 * Returns { results: [{ page, theme, width, violations }], ms }.
 */
export async function scanAll({ browser, origins, pages = PAGES, themes, widths = WIDTHS, allow = [], log = () => {} }) {
    const started = Date.now();
    const results = [];
    for (const width of widths) {
        const context = await browser.newContext({ viewport: { width, height: width > 800 ? 1000 : 844 } });
        context.setDefaultTimeout(15_000);
        try {
            const tab = await context.newPage();
            const errors = [];
            tab.on('pageerror', (e) => errors.push(e.message));
            for (const spec of pages) {
                const origin = origins[spec.site];
                if (!origin) {
                    throw new Error(`no site ${spec.site} for ${spec.name}`);
                }
                await preparePage(tab, origin, spec);
                for (const theme of themes) {
                    await setTheme(tab, theme);
                    const violations = await scan(tab, allow);
                    results.push({ page: spec.name, theme, width, violations });
                    log(`${spec.name} · ${theme} · ${width}px: ${violations.length}`);
                }
            }
            if (errors.length) {
                throw new Error(`script errors while scanning at ${width}px: ${errors.join('; ')}`);
            }
        } finally {
            await context.close();
        }
    }
    return { results, ms: Date.now() - started };
}

/** A table of serious+critical counts (allowed ones in parentheses) per page and theme × width. */
export function countsTable(results, { themes, widths = WIDTHS, pages } = {}) {
    const names = pages ?? [...new Set(results.map((r) => r.page))];
    const cols = [];
    for (const w of widths) {
        for (const t of themes) {
            cols.push({ label: `${t} ${w}`, t, w });
        }
    }
    const byKey = new Map(results.map((r) => [`${r.page}|${r.theme}|${r.width}`, r]));
    return table(
        names,
        cols.map((c) => c.label),
        (name, label) => {
            const c = cols.find((x) => x.label === label);
            const r = byKey.get(`${name}|${c.t}|${c.w}`);
            if (!r) {
                return '-';
            }
            const allowed = r.violations.filter((v) => v.allowedBy).length;
            const open = r.violations.length - allowed;
            return allowed ? `${open} (+${allowed})` : String(open);
        },
    );
}

/** Violations by rule: "rule ×count (impact)", for a summary. */
export function byRule(results) {
    const m = new Map();
    for (const r of results) {
        for (const v of r.violations) {
            const k = `${v.rule}${v.allowedBy ? ' [allowed]' : ''}`;
            m.set(k, (m.get(k) ?? 0) + 1);
        }
    }
    return [...m.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ×${n}`);
}
