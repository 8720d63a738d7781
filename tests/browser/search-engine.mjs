// Loads qbank's search engine (theme/qbank-search.js, as built into a site) in Node, reading
// the index shards from disk: the same code the browser runs, without a browser.
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The engine module of a built site. */
export function engineOf(site) {
    const dir = path.join(site, 'qbank');
    const file = fs.readdirSync(dir).find((f) => /^qbank-search-.*\.js$/.test(f));
    if (!file) {
        throw new Error(`no qbank-search-*.js in ${dir}`);
    }
    const api = require(path.join(dir, file));
    const load = (name) =>
        new Promise((resolve, reject) => {
            const src = fs.readFileSync(path.join(dir, 'search', `${name}.js`), 'utf8');
            const context = { qbankSearch: { add: (_n, data) => resolve(data) } };
            try {
                vm.runInNewContext(src, context);
            } catch (e) {
                reject(e);
            }
        });
    return { api, engine: new api.Engine(load) };
}
