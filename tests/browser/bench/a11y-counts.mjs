// Serious and critical axe violations (WCAG 2.1 A/AA) per page, theme and width of built sites:
// the numbers behind the accessibility check, for before/after comparisons and for stock mdBook.
//
// Usage: node bench/a11y-counts.mjs [--site NAME=DIR]... [--pages NAME,NAME] [--widths 1400,390]
//                                   [--details] [--json FILE] [--allow FILE]
//   --site book=DIR is the handbook, --site practice=DIR the practice edition; a site of any
//   other name scans only the pages given with --pages as NAME:PATH (e.g. stock:go-backend-round2.html).
// Without --site, nothing is built: give the directories of sites already built.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { PAGES, byRule, countsTable, loadAllowList, scanAll } from '../axe.mjs';
import { THEMES, launch, serve } from '../harness.mjs';

const args = process.argv.slice(2);
const sites = {};
let pageFilter = null;
let widths = [1400, 390];
let details = false;
let json = null;
let allowFile = undefined;
for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--site') {
        const [name, dir] = args[++i].split('=');
        sites[name] = path.resolve(dir);
    } else if (a === '--pages') {
        pageFilter = args[++i].split(',');
    } else if (a === '--widths') {
        widths = args[++i].split(',').map(Number);
    } else if (a === '--details') {
        details = true;
    } else if (a === '--json') {
        json = args[++i];
    } else if (a === '--allow') {
        allowFile = path.resolve(args[++i]);
    } else {
        throw new Error(`unknown argument ${a}`);
    }
}
if (!Object.keys(sites).length) {
    throw new Error('give at least one --site NAME=DIR');
}

let pages = PAGES.filter((p) => sites[p.site]);
if (pageFilter) {
    pages = pageFilter.map((f) => {
        const known = PAGES.find((p) => p.name === f);
        if (known) {
            return known;
        }
        const [site, p] = f.split(':');
        return { name: f, site, path: p };
    });
}

const servers = {};
for (const [name, dir] of Object.entries(sites)) {
    servers[name] = await serve(dir);
}
const origins = Object.fromEntries(Object.entries(servers).map(([k, s]) => [k, s.origin]));
const browser = await launch();
try {
    const allow = loadAllowList(allowFile);
    const { results, ms } = await scanAll({ browser, origins, pages, themes: THEMES, widths, allow });
    console.log(countsTable(results, { themes: THEMES, widths, pages: pages.map((p) => p.name) }));
    console.log(`\nby rule: ${byRule(results).join(', ') || 'none'}`);
    console.log(`scanned ${results.length} page states in ${(ms / 1000).toFixed(1)} s`);
    if (details) {
        for (const r of results) {
            for (const v of r.violations) {
                console.log(`${r.page} · ${r.theme} · ${r.width}: ${v.rule} (${v.impact}) ${v.target}${v.allowedBy ? ' [allowed]' : ''}\n    ${v.html}\n    ${v.summary}`);
            }
        }
    }
    if (json) {
        writeFileSync(json, JSON.stringify(results, null, 1));
    }
} finally {
    await browser.close();
    for (const s of Object.values(servers)) {
        await s.close();
    }
}
