// qbank search: any Chinese substring, English words by prefix, mixed terms ("热key"), quoted
// phrases; all terms must match. The index is sharded; a query loads only the shards of its
// own terms and of the documents it shows. Shards are scripts, so search works from file:// too.
// The tokenizer here must match src/search/tokenize.rs.
(function (root) {
    'use strict';

    var ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    var DIGIT = {};
    for (var i = 0; i < ALPHABET.length; i++) {
        DIGIT[ALPHABET.charCodeAt(i)] = i;
    }
    var WORD = /^[\p{Alphabetic}\p{N}_]$/u;
    // Title hits rank above prompt hits, which rank above answer hits.
    var WEIGHT = [100, 10, 1];

    // ---- Tokenizer (same rules as Rust) ---------------------------------------------------

    function isCjk(cp) {
        return (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
            (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
            (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0x1100 && cp <= 0x11FF) ||
            (cp >= 0x3130 && cp <= 0x318F) || (cp >= 0x20000 && cp <= 0x2FFFF);
    }

    function normalize(ch) {
        var cp = ch.codePointAt(0);
        if (cp >= 0xFF01 && cp <= 0xFF5E) {
            return String.fromCodePoint(cp - 0xFEE0).toLowerCase();
        }
        if (cp === 0x3000) {
            return ' ';
        }
        var l = ch.toLowerCase();
        return Array.from(l).length === 1 ? l : ch;
    }

    function isWord(ch) {
        return !isCjk(ch.codePointAt(0)) && WORD.test(ch);
    }

    /** Code points of `s`, normalized. */
    function chars(s) {
        return Array.from(s).map(normalize);
    }

    // ---- Queries -----------------------------------------------------------------------------

    /**
     * A query is segments (words, or "quoted phrases"); a segment is parts at offsets:
     * {kind: 'word'|'cjk', text, rel, prefix}. Every segment must match.
     */
    function parseQuery(q) {
        var segments = [];
        var re = /"([^"]*)"|(\S+)/g;
        var m;
        while ((m = re.exec(q)) !== null) {
            var phrase = m[1] !== undefined;
            var seg = segment(m[1] !== undefined ? m[1] : m[2], phrase);
            if (seg.parts.length) {
                segments.push(seg);
            }
        }
        return segments;
    }

    function segment(text, phrase) {
        var cs = chars(text.trim().replace(/\s+/g, ' '));
        var parts = [];
        var i = 0;
        while (i < cs.length) {
            var c = cs[i];
            if (isWord(c)) {
                var start = i;
                var w = '';
                while (i < cs.length && isWord(cs[i])) {
                    w += cs[i];
                    i++;
                }
                parts.push({ kind: 'word', text: w, rel: start, prefix: false });
            } else if (isCjk(c.codePointAt(0))) {
                var s = i;
                while (i < cs.length && isCjk(cs[i].codePointAt(0))) {
                    i++;
                }
                // One character: every term that starts with it (its pairs, and itself at the
                // end of a run) — they all sit in its shard.
                if (i - s === 1) {
                    parts.push({ kind: 'cjk', text: cs[s], rel: s, prefix: true });
                }
                for (var j = s; j + 1 < i; j++) {
                    parts.push({ kind: 'cjk', text: cs[j] + cs[j + 1], rel: j });
                }
            } else {
                i++;
            }
        }
        // The last word of a plain term is a prefix: "gorout" finds "goroutine".
        var last = parts[parts.length - 1];
        if (last && last.kind === 'word' && !phrase && last.rel + Array.from(last.text).length === cs.length) {
            last.prefix = true;
        }
        return { text: cs.join(''), length: cs.length, parts: parts };
    }

    /** The shards a part needs, given the manifest. */
    function shardsOf(part, manifest) {
        if (part.kind === 'cjk') {
            var cp = part.text.codePointAt(0);
            var first = String.fromCodePoint(cp);
            var hot = manifest.s && Object.prototype.hasOwnProperty.call(manifest.s, first) && manifest.s[first];
            if (!hot) {
                // Shard i holds the i-th of c runs of b buckets (code point % b).
                return ['c' + Math.floor((cp % manifest.b) * manifest.c / manifest.b)];
            }
            // A very common character has shards of its own, cut between second characters.
            var ids = hot[1].map(function (id) { return 'c' + id; });
            if (part.prefix) {
                return ids;
            }
            var second = part.text.slice(first.length);
            var code = second ? second.codePointAt(0) : -1;
            var k = 0;
            while (k + 1 < hot[0].length && (hot[0][k + 1] ? hot[0][k + 1].codePointAt(0) : -1) <= code) {
                k++;
            }
            return [ids[k]];
        }
        // Word shards hold words in order; the manifest gives the shard of each prefix.
        var head = Array.from(part.text).slice(0, 2).join('');
        var has = function (p) { return Object.prototype.hasOwnProperty.call(manifest.w, p); };
        if (Array.from(head).length === 2 || !part.prefix) {
            return has(head) ? ['w' + manifest.w[head]] : [];
        }
        var names = {};
        Object.keys(manifest.w).forEach(function (p) {
            if (p.indexOf(head) === 0) {
                names['w' + manifest.w[p]] = true;
            }
        });
        return Object.keys(names);
    }

    // ---- Postings ----------------------------------------------------------------------------

    /** Decodes a posting string into {doc: [[field, positions...]]}. */
    function decode(s) {
        var nums = [];
        var n = 0;
        var shift = 0;
        for (var i = 0; i < s.length; i++) {
            var v = DIGIT[s.charCodeAt(i)];
            n += (v & 31) * Math.pow(2, shift);
            if (v < 32) {
                nums.push(n);
                n = 0;
                shift = 0;
            } else {
                shift += 5;
            }
        }
        var out = new Map();
        var doc = 0;
        var k = 0;
        while (k < nums.length) {
            var df = nums[k++];
            doc += Math.floor(df / 3);
            var field = df % 3;
            var count = nums[k++];
            var positions = [];
            var p = 0;
            for (var c = 0; c < count; c++) {
                p += nums[k++];
                positions.push(p);
            }
            var fields = out.get(doc);
            if (!fields) {
                fields = [null, null, null];
                out.set(doc, fields);
            }
            fields[field] = positions;
        }
        return out;
    }

    function Engine(load) {
        this.load = load;
        this.data = {};
        this.decoded = {};
    }

    Engine.prototype.file = function (name) {
        var self = this;
        if (self.data[name] !== undefined) {
            return Promise.resolve(self.data[name]);
        }
        return self.load(name).then(function (data) {
            self.data[name] = data;
            return data;
        });
    };

    Engine.prototype.manifest = function () {
        return this.file('m');
    };

    /**
     * Book order of a document: document numbers are not in book order (they stay put when a
     * record is added before them); the manifest's `o` lists (first document, count) of each
     * chapter in book order. Without it, numbers are book order.
     */
    function bookOrder(manifest) {
        if (manifest.rank) {
            return manifest.rank;
        }
        var o = manifest.o || [];
        var runs = [];
        var at = 0;
        for (var i = 0; i + 1 < o.length; i += 2) {
            runs.push([o[i], o[i + 1], at]);
            at += o[i + 1];
        }
        runs.sort(function (a, b) { return a[0] - b[0]; });
        var starts = runs.map(function (r) { return r[0]; });
        manifest.rank = function (doc) {
            var run = runs[locate(starts, doc)];
            return run && doc >= run[0] && doc < run[0] + run[1] ? run[2] + doc - run[0] : doc;
        };
        return manifest.rank;
    }

    /** doc → [positions per field] for one part (prefix words merge their expansions). */
    Engine.prototype.postings = function (part, shards) {
        var key = part.kind + ':' + part.text + (part.prefix ? '*' : '');
        if (this.decoded[key]) {
            return this.decoded[key];
        }
        var merged = new Map();
        var self = this;
        shards.forEach(function (name) {
            var terms = self.data[name] || {};
            var keys;
            if (part.kind === 'cjk') {
                // CJK shards group terms by their first character: {"限": {"流": …, "": …}}.
                var first = String.fromCodePoint(part.text.codePointAt(0));
                var rest = part.text.slice(first.length);
                terms = Object.prototype.hasOwnProperty.call(terms, first) ? terms[first] : {};
                keys = part.prefix ? Object.keys(terms) : (terms[rest] !== undefined ? [rest] : []);
            } else {
                keys = part.prefix
                    ? Object.keys(terms).filter(function (t) { return t.indexOf(part.text) === 0; })
                    : (terms[part.text] !== undefined ? [part.text] : []);
            }
            keys.forEach(function (t) {
                decode(terms[t]).forEach(function (fields, doc) {
                    var into = merged.get(doc);
                    if (!into) {
                        merged.set(doc, fields.map(function (f) { return f ? f.slice() : null; }));
                        return;
                    }
                    fields.forEach(function (f, i) {
                        if (f) {
                            into[i] = (into[i] || []).concat(f).sort(function (a, b) { return a - b; });
                        }
                    });
                });
            });
        });
        this.decoded[key] = merged;
        return merged;
    };

    /** Where a segment occurs in one field: the base positions. */
    function occurrences(seg, lists) {
        var first = lists[0];
        var out = [];
        for (var i = 0; i < first.length; i++) {
            var base = first[i] - seg.parts[0].rel;
            var ok = true;
            for (var j = 1; j < seg.parts.length && ok; j++) {
                ok = lists[j].indexOf(base + seg.parts[j].rel) >= 0;
            }
            if (ok) {
                out.push(base);
            }
        }
        return out;
    }

    /**
     * Runs a query: resolves to ranked results [{doc, score, fields: [[bases]...], answerOnly}].
     */
    Engine.prototype.search = function (query) {
        var self = this;
        var segments = parseQuery(query);
        if (!segments.length) {
            return Promise.resolve({ segments: segments, results: [] });
        }
        return self.manifest().then(function (manifest) {
            var perPart = [];
            var names = {};
            segments.forEach(function (seg) {
                seg.parts.forEach(function (part) {
                    var shards = shardsOf(part, manifest);
                    perPart.push([part, shards]);
                    shards.forEach(function (n) { names[n] = true; });
                });
            });
            return Promise.all(Object.keys(names).map(function (n) {
                return self.file(n).catch(function () { return {}; });
            })).then(function () {
                var results = self.rank(segments, manifest);
                // Question cards are what a bank is for: sections of other chapters with the
                // same hits rank below them.
                var sections = new Set(manifest.x || []);
                results.forEach(function (r) {
                    if (sections.has(r.doc)) {
                        r.score /= 4;
                    }
                });
                var rank = bookOrder(manifest);
                results.forEach(function (r) { r.rank = rank(r.doc); });
                results.sort(function (a, b) { return b.score - a.score || a.rank - b.rank; });
                return { segments: segments, results: results };
            });
        });
    };

    Engine.prototype.rank = function (segments, manifest) {
        var self = this;
        var scores = null;
        segments.forEach(function (seg) {
            var lists = seg.parts.map(function (p) { return self.postings(p, shardsOf(p, manifest)); });
            // Candidates: documents that have every part somewhere.
            var smallest = lists.reduce(function (a, b) { return a.size <= b.size ? a : b; });
            var next = new Map();
            smallest.forEach(function (_, doc) {
                if (scores && !scores.has(doc)) {
                    return;
                }
                var found = [[], [], []];
                for (var f = 0; f < 3; f++) {
                    var fieldLists = lists.map(function (l) { var d = l.get(doc); return d && d[f]; });
                    if (fieldLists.every(Boolean)) {
                        found[f] = occurrences(seg, fieldLists);
                    }
                }
                var best = 0;
                for (var g = 0; g < 3; g++) {
                    if (found[g].length) {
                        best = Math.max(best, WEIGHT[g] * (1 + Math.log(found[g].length)));
                    }
                }
                if (best > 0) {
                    var prev = scores ? scores.get(doc) : { score: 0, hits: [[], [], []] };
                    next.set(doc, {
                        score: prev.score + best,
                        hits: prev.hits.map(function (h, i) {
                            return h.concat(found[i].map(function (b) { return [b, seg.length]; }));
                        }),
                    });
                }
            });
            scores = next;
        });
        var results = [];
        scores.forEach(function (v, doc) {
            results.push({
                doc: doc,
                score: v.score,
                hits: v.hits,
                answerOnly: !v.hits[0].length && !v.hits[1].length,
            });
        });
        // search() orders them, once sections have their lower score.
        return results;
    };

    /** The shard of `id` among shards that start at `starts`. */
    function locate(starts, id) {
        var lo = 0;
        var hi = starts.length - 1;
        while (lo < hi) {
            var mid = (lo + hi + 1) >> 1;
            if (starts[mid] <= id) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /**
     * The stored document `id`: {crumb, title, url, answerUrl, fields}. The answer text sits
     * in shards of its own, loaded only `withAnswer` (for a teaser from the answer).
     */
    Engine.prototype.doc = function (id, withAnswer) {
        var self = this;
        return self.manifest().then(function (m) {
            // Shards are named by their first document and hold rows by document.
            var h = m.h[locate(m.h, id)];
            var a = m.a[locate(m.a, id)];
            return Promise.all([
                self.file('h' + h),
                withAnswer ? self.file('a' + a) : Promise.resolve(null),
            ]).then(function (files) {
                var d = files[0][id];
                var answer = files[1] ? files[1][id] : '';
                return { crumb: d[0], title: d[1], url: d[2], answerUrl: d[3], fields: [d[4], d[5], answer] };
            });
        });
    };

    /** The field a result's teaser shows: the prompt, or the answer when only it has hits. */
    function teaserField(result) {
        return result.hits[1].length ? 1 : (result.hits[2].length ? 2 : 1);
    }

    /** A teaser around the first hit: [{text, mark}] pieces. */
    function teaser(doc, result) {
        var field = teaserField(result);
        var text = Array.from(doc.fields[field] || '');
        var hits = result.hits[field].slice().sort(function (a, b) { return a[0] - b[0]; });
        var start = hits.length ? Math.max(0, hits[0][0] - 30) : 0;
        var end = Math.min(text.length, start + 110);
        var pieces = [];
        var at = start;
        hits.forEach(function (h) {
            if (h[0] < at || h[0] >= end) {
                return;
            }
            pieces.push({ text: text.slice(at, h[0]).join(''), mark: false });
            pieces.push({ text: text.slice(h[0], Math.min(end, h[0] + h[1])).join(''), mark: true });
            at = Math.min(end, h[0] + h[1]);
        });
        pieces.push({ text: text.slice(at, end).join(''), mark: false });
        if (start > 0) {
            pieces.unshift({ text: '…', mark: false });
        }
        if (end < text.length) {
            pieces.push({ text: '…', mark: false });
        }
        return pieces;
    }

    var api = {
        Engine: Engine, parseQuery: parseQuery, chars: chars, teaser: teaser, teaserField: teaserField,
        decode: decode,
    };
    if (typeof module !== 'undefined' && module.exports) {
        module.exports = api;
    }
    if (typeof document === 'undefined') {
        return;
    }

    // ---- The page: mdBook's search habits -----------------------------------------------------

    var script = document.currentScript;
    // The site root: `qbank build` puts this script in `qbank/`; `mdbook-qbank install` has
    // mdBook put it at the root.
    var siteRoot = script ? script.src.replace(/[^/]*$/, '').replace(/qbank\/$/, '') : '';
    // mdBook's book.js asks `window.search.hasFocus()` before treating a key as a shortcut
    // (arrows change chapters). Its own search defines that; without it, `window.search` is
    // whatever element has id="search" — a `# Search` heading, say — and every key throws.
    if (!(root.search && typeof root.search.hasFocus === 'function')) {
        root.search = {
            hasFocus: function () {
                var bar = document.getElementById('mdbook-searchbar');
                return !!bar && document.activeElement === bar;
            },
        };
    }
    var pending = {};
    root.qbankSearch = {
        add: function (name, data) {
            if (pending[name]) {
                pending[name].resolve(data);
            }
        },
    };

    function loadShard(name) {
        if (!pending[name]) {
            var p = {};
            p.promise = new Promise(function (resolve, reject) {
                p.resolve = resolve;
                var s = document.createElement('script');
                s.src = siteRoot + 'qbank/search/' + name + '.js';
                s.charset = 'utf-8';
                s.async = true;
                s.onerror = function () { reject(new Error('cannot load ' + name)); };
                document.head.appendChild(s);
            });
            pending[name] = p;
        }
        return pending[name].promise;
    }

    var engine = new Engine(loadShard);
    // The book's labels, in the language of its cards (`[preprocessor.qbank] language`), from
    // the same table as every label qbank writes (qbank-labels.js, read by qbank-core.js).
    var given = (window.qbank && window.qbank.labels) || {};
    var labels = {
        placeholder: given.search_placeholder || 'Search this book ...',
        name: given.search_name || 'Search this book',
        none: given.search_none || 'No results for',
        results: given.search_results || 'results',
        answer: given.search_answer || 'answer',
        toggle: given.search_toggle || 'Search',
    };

    function el(tag, attrs, children) {
        var e = document.createElement(tag);
        Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
        (children || []).forEach(function (c) { e.append(c); });
        return e;
    }

    function buildUi() {
        var bar = document.getElementById('mdbook-menu-bar');
        var left = bar && bar.querySelector('.left-buttons');
        if (!bar || !left || document.getElementById('mdbook-search-toggle')) {
            return null;
        }
        var icon = el('button', {
            id: 'mdbook-search-toggle', class: 'icon-button', type: 'button',
            title: labels.toggle + ' (`/`)', 'aria-label': labels.toggle, 'aria-expanded': 'false',
            'aria-keyshortcuts': '/ s', 'aria-controls': 'mdbook-searchbar',
        });
        icon.innerHTML = '<span class="fa-svg"><svg viewBox="0 0 512 512" width="1em" height="1em" aria-hidden="true">' +
            '<path fill="currentColor" d="M208 48a160 160 0 1 1 0 320 160 160 0 1 1 0-320zm0 368c47 0 90-16 125-42l131 131a24 24 0 0 0 34-34L367 340c26-35 41-78 41-124C408 96 320 8 208 8S8 96 8 208s88 208 200 208z"/></svg></span>';
        left.appendChild(icon);
        var input = el('input', {
            type: 'search', id: 'mdbook-searchbar', name: 'searchbar', placeholder: labels.placeholder, 'aria-label': labels.name,
            'aria-controls': 'mdbook-searchresults-outer', 'aria-describedby': 'mdbook-searchresults-header',
            autocomplete: 'off',
        });
        var header = el('div', { id: 'mdbook-searchresults-header', class: 'searchresults-header' });
        var list = el('ul', { id: 'mdbook-searchresults' });
        var outer = el('div', { id: 'mdbook-searchresults-outer', class: 'searchresults-outer hidden' }, [header, list]);
        var form = el('form', { id: 'mdbook-searchbar-outer', class: 'searchbar-outer' }, [
            el('div', { class: 'search-wrapper' }, [input]),
        ]);
        var wrap = el('div', { id: 'mdbook-search-wrapper', class: 'hidden' }, [form, outer]);
        bar.after(wrap);
        form.addEventListener('submit', function (e) { e.preventDefault(); });
        return { icon: icon, input: input, header: header, list: list, outer: outer, wrap: wrap, form: form };
    }

    var ui = null;
    var runId = 0;

    function showSearch(yes) {
        ui.wrap.classList.toggle('hidden', !yes);
        ui.icon.setAttribute('aria-expanded', yes ? 'true' : 'false');
        if (yes) {
            engine.manifest().catch(function () {});
        }
    }

    function setUrl(query, how) {
        var url = new URL(location.href);
        if (query) {
            url.searchParams.set('search', query);
        } else {
            url.searchParams.delete('search');
        }
        url.searchParams.delete('highlight');
        if (url.href !== location.href) {
            history[how === 'push' ? 'pushState' : 'replaceState']({}, '', url.href);
        }
    }

    function resultUrl(doc, result, query) {
        var target = result.answerOnly && doc.answerUrl ? doc.answerUrl : doc.url;
        var hashAt = target.indexOf('#');
        var page = hashAt < 0 ? target : target.slice(0, hashAt);
        var hash = hashAt < 0 ? '' : target.slice(hashAt);
        return siteRoot + page + '?highlight=' + encodeURIComponent(query) + hash;
    }

    function render(query, found, docs) {
        ui.list.textContent = '';
        var count = found.results.length;
        ui.header.textContent = count ? count + ' ' + labels.results : labels.none + ' “' + query + '”';
        docs.forEach(function (pair) {
            var doc = pair[0];
            var result = pair[1];
            var a = el('a', { href: resultUrl(doc, result, query) }, [doc.crumb + ' › ' + doc.title]);
            if (result.answerOnly) {
                a.append(el('span', { class: 'qb-search-where' }, [' · ' + labels.answer]));
            }
            var t = el('span', { class: 'teaser' });
            teaser(doc, result).forEach(function (p) {
                t.append(p.mark ? el('em', {}, [p.text]) : p.text);
            });
            var li = el('li', { 'data-qb-result': String(result.doc) }, [a, el('span', { 'aria-hidden': 'true' }, [' ']), t]);
            ui.list.append(li);
        });
        ui.outer.classList.toggle('hidden', query === '');
        ui.form.classList.remove('searching');
    }

    function run(query, how) {
        var id = ++runId;
        query = query.trim();
        setUrl(query, how);
        if (!query) {
            ui.outer.classList.add('hidden');
            return Promise.resolve();
        }
        ui.form.classList.add('searching');
        return engine.search(query).then(function (found) {
            var top = found.results.slice(0, 20);
            return Promise.all(top.map(function (r) {
                return engine.doc(r.doc, teaserField(r) === 2).then(function (d) { return [d, r]; });
            })).then(function (docs) {
                if (id === runId) {
                    render(query, found, docs);
                }
            });
        }).catch(function (e) {
            ui.form.classList.remove('searching');
            console.warn('qbank search:', e);
        });
    }

    // ---- ?highlight= on the target page ----------------------------------------------------------

    function highlight(query) {
        var main = document.querySelector('main');
        if (!main) {
            return;
        }
        var needles = parseQuery(query).map(function (s) { return s.text; }).filter(Boolean);
        if (!needles.length) {
            return;
        }
        var walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
        var nodes = [];
        while (walker.nextNode()) {
            nodes.push(walker.currentNode);
        }
        nodes.forEach(function (node) {
            if (node.parentElement && node.parentElement.closest('script,style,mark')) {
                return;
            }
            var text = node.nodeValue;
            var norm = chars(text).join('');
            if (norm.length !== text.length) {
                norm = text.toLowerCase();
            }
            var ranges = [];
            needles.forEach(function (n) {
                var from = 0;
                var at;
                while ((at = norm.indexOf(n, from)) >= 0) {
                    ranges.push([at, at + n.length]);
                    from = at + n.length;
                }
            });
            if (!ranges.length) {
                return;
            }
            ranges.sort(function (a, b) { return a[0] - b[0]; });
            var frag = document.createDocumentFragment();
            var last = 0;
            ranges.forEach(function (r) {
                if (r[0] < last) {
                    return;
                }
                frag.append(text.slice(last, r[0]));
                var m = document.createElement('mark');
                m.textContent = text.slice(r[0], r[1]);
                frag.append(m);
                last = r[1];
            });
            frag.append(text.slice(last));
            node.replaceWith(frag);
        });
        document.querySelectorAll('main mark').forEach(function (m) {
            m.addEventListener('click', function () {
                document.querySelectorAll('main mark').forEach(function (x) { x.replaceWith(x.textContent); });
                var url = new URL(location.href);
                url.searchParams.delete('highlight');
                history.replaceState({}, '', url.href);
            });
        });
    }

    function fromUrl() {
        var params = new URLSearchParams(location.search);
        var q = params.get('search');
        if (q) {
            showSearch(true);
            ui.input.value = q;
            run(q, 'replace');
        } else {
            showSearch(false);
        }
    }

    function hasFocus() {
        return document.activeElement === ui.input;
    }

    function keys(e) {
        if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) {
            return;
        }
        var t = e.target;
        var typing = t && (t.tagName === 'TEXTAREA' || (t.tagName === 'INPUT' && t !== ui.input) || t.isContentEditable);
        if (typing) {
            return;
        }
        var focused = ui.list.querySelector('li.focus');
        if (e.key === 'Escape') {
            if (ui.wrap.classList.contains('hidden')) {
                return;
            }
            e.preventDefault();
            setUrl('', ui.input.value.trim() ? 'push' : 'replace');
            showSearch(false);
            ui.input.blur();
        } else if (!hasFocus() && (e.key === 's' || e.key === '/')) {
            e.preventDefault();
            showSearch(true);
            window.scrollTo(0, 0);
            ui.input.select();
            ui.input.focus();
        } else if (hasFocus() && (e.key === 'ArrowDown' || e.key === 'Enter')) {
            var first = ui.list.firstElementChild;
            if (first) {
                e.preventDefault();
                ui.input.blur();
                first.classList.add('focus');
                first.querySelector('a').focus();
                if (e.key === 'Enter') {
                    location.assign(first.querySelector('a').href);
                }
            }
        } else if (focused && (e.key === 'ArrowDown' || e.key === 'ArrowUp' || e.key === 'Enter')) {
            e.preventDefault();
            if (e.key === 'Enter') {
                location.assign(focused.querySelector('a').href);
                return;
            }
            var next = e.key === 'ArrowDown' ? focused.nextElementSibling : focused.previousElementSibling;
            focused.classList.remove('focus');
            if (next) {
                next.classList.add('focus');
                next.querySelector('a').focus();
            } else if (e.key === 'ArrowUp') {
                ui.input.focus();
                ui.input.select();
            } else {
                focused.classList.add('focus');
            }
        }
    }

    function init() {
        ui = buildUi();
        if (!ui) {
            return;
        }
        var timer = null;
        ui.icon.addEventListener('click', function () {
            var open = ui.wrap.classList.contains('hidden');
            showSearch(open);
            if (open) {
                window.scrollTo(0, 0);
                ui.input.select();
                ui.input.focus();
            }
        });
        ui.input.addEventListener('input', function () {
            clearTimeout(timer);
            timer = setTimeout(function () { run(ui.input.value, 'replace'); }, 120);
        });
        document.addEventListener('keydown', keys);
        window.addEventListener('popstate', fromUrl);
        fromUrl();
        var h = new URLSearchParams(location.search).get('highlight');
        if (h) {
            highlight(h);
        }
        root.qbankSearchRun = run;
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', init);
    } else {
        init();
    }
})(typeof window !== 'undefined' ? window : globalThis);
