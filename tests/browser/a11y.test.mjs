// Accessibility audit with axe-core (WCAG 2.1 A and AA rules), as auditors run it: every page
// type qbank writes, in the five mdBook themes, at 1400 px and 390 px. No serious or critical
// violation may remain outside the allow-list (a11y-allow.json), which may only name markup
// from mdBook's own templates and is printed with every run.
//
// Cost: one browser, one context per width and one tab reused across pages; themes are
// switched in place through mdBook's theme menu (no reload). Every rule runs in every theme.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
    ALLOW_FILE,
    PAGES,
    WIDTHS,
    byRule,
    countsTable,
    describeAllowList,
    loadAllowList,
    preparePage,
    scan,
    setTheme,
} from './axe.mjs';
import { THEMES, launch, serve, siteDir } from './harness.mjs';

let browser;
let servers = [];
let origins;
const tabs = new Map();
const contexts = [];
const results = [];
let allow;

before(async () => {
    allow = loadAllowList();
    const [book, practice, banks] = await Promise.all([siteDir(), siteDir('practice'), siteDir('banks')]);
    servers = await Promise.all([serve(book), serve(practice), serve(banks)]);
    origins = { book: servers[0].origin, practice: servers[1].origin, banks: servers[2].origin };
    browser = await launch();
    for (const width of WIDTHS) {
        const context = await browser.newContext({ viewport: { width, height: width > 800 ? 1000 : 844 } });
        context.setDefaultTimeout(15_000);
        contexts.push(context);
        const tab = await context.newPage();
        tab.errors = [];
        tab.on('pageerror', (e) => tab.errors.push(e.message));
        tabs.set(width, tab);
    }
});

after(async () => {
    if (results.length) {
        // The numbers behind the check, in the test log.
        console.log(`\nserious + critical axe violations per page (allowed ones in parentheses):\n${countsTable(results, { themes: THEMES })}`);
        console.log(`by rule: ${byRule(results).join(', ') || 'none'}`);
    }
    for (const c of contexts) {
        await c.close().catch(() => {});
    }
    await browser?.close().catch(() => {});
    for (const s of servers) {
        await s.close();
    }
});

test('the allow-list names only markup of mdBook\'s own templates, with a reason each', (t) => {
    // Printed with every run, so nothing is waived out of sight.
    t.diagnostic(describeAllowList(allow));
    for (const e of allow) {
        assert.doesNotMatch(e.selector, /qb-|data-qb|qbank/i, `${ALLOW_FILE}: ${e.selector} is qbank's own markup: fix it instead`);
    }
});

function report(found) {
    return found
        .map((v) => `  ${v.page} · ${v.theme} · ${v.width}px: ${v.rule} (${v.impact}) at ${v.target}\n      ${v.html}\n      ${v.summary}`)
        .join('\n');
}

for (const spec of PAGES) {
    test(`axe: ${spec.name} — no serious or critical violation in any theme, at ${WIDTHS.join(' and ')} px`, { timeout: 180_000 }, async (t) => {
        const open = [];
        for (const width of WIDTHS) {
            const tab = tabs.get(width);
            await preparePage(tab, origins[spec.site], spec);
            for (const theme of THEMES) {
                await setTheme(tab, theme);
                const violations = await scan(tab, allow);
                results.push({ page: spec.name, theme, width, violations });
                for (const v of violations) {
                    if (!v.allowedBy) {
                        open.push({ ...v, page: spec.name, theme, width });
                    }
                }
            }
            assert.deepEqual(tab.errors.splice(0), [], `${spec.name} at ${width}px: script errors`);
        }
        const allowed = results.filter((r) => r.page === spec.name).flatMap((r) => r.violations.filter((v) => v.allowedBy));
        if (allowed.length) {
            t.diagnostic(`${allowed.length} allowed: ${[...new Set(allowed.map((v) => `${v.rule} ${v.allowedBy.selector}`))].join('; ')}`);
        }
        assert.equal(open.length, 0, `serious or critical axe violations:\n${report(open)}`);
    });
}
