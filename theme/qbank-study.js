// qbank study mode: marks (known / unsure / new) and a bookmark on every card, their dots and
// progress bar in the record overview, filters, the "my progress" page, and export / import of
// progress as a JSON file. Classic script (pages work from file://), built on qbank-core.js.
//
// Marks live in one qbank.store key, `study:marks`: { "PAGE#ID": entry }, where PAGE is the
// record page's path under the site root ("go-backend-round2.html") and ID the card's id, so a
// mark survives renumbering. An entry is { mark: "known"|"unsure"|"new", bookmark: bool,
// changed: ms since the epoch, box: Leitner box (optional) }.
//
// The pure logic (validation, merge, counts) is exported on `qbank.study` and, for node's unit
// tests, on `module.exports`.
(function (root) {
    'use strict';

    var FORMAT = 'qbank-progress';
    var VERSION = 1;
    var MARKS = ['known', 'unsure', 'new'];
    var KEY = 'study:marks';

    function isObject(v) {
        return v !== null && typeof v === 'object' && !Array.isArray(v);
    }

    // One entry, checked. Returns the normalized entry or null when it is malformed.
    function cleanEntry(e) {
        if (!isObject(e) || MARKS.indexOf(e.mark) < 0) {
            return null;
        }
        if (typeof e.changed !== 'number' || !isFinite(e.changed) || e.changed < 0) {
            return null;
        }
        if (e.bookmark !== undefined && typeof e.bookmark !== 'boolean') {
            return null;
        }
        if (e.box !== undefined && !(typeof e.box === 'number' && e.box >= 1 && e.box <= 5 && Math.floor(e.box) === e.box)) {
            return null;
        }
        var out = { mark: e.mark, bookmark: !!e.bookmark, changed: e.changed };
        if (e.box !== undefined) {
            out.box = e.box;
        }
        return out;
    }

    // The export file for `marks` of the book titled `book`.
    function exportData(marks, book, now) {
        return {
            format: FORMAT,
            version: VERSION,
            book: book || '',
            exported: new Date(now).toISOString(),
            marks: marks,
        };
    }

    // The file name of an export: qbank-progress-<book-title>-<YYYY-MM-DD>.json.
    function exportName(book, now) {
        var slug = String(book || 'book')
            .trim()
            .replace(/[\\/:*?"<>|\s]+/g, '-')
            .replace(/^-+|-+$/g, '') || 'book';
        return 'qbank-progress-' + slug + '-' + new Date(now).toISOString().slice(0, 10) + '.json';
    }

    // Parses and checks an import file. Returns { ok: true, marks } or { ok: false, reason },
    // reason one of "json" (not JSON), "foreign" (not a qbank progress file), "future" (a
    // newer version of the format), "malformed" (an entry that does not fit the format).
    function parseImport(text) {
        var data;
        try {
            data = JSON.parse(text);
        } catch (e) {
            return { ok: false, reason: 'json' };
        }
        if (!isObject(data) || data.format !== FORMAT) {
            return { ok: false, reason: 'foreign' };
        }
        if (typeof data.version !== 'number' || Math.floor(data.version) !== data.version || data.version < 1) {
            return { ok: false, reason: 'malformed' };
        }
        if (data.version > VERSION) {
            return { ok: false, reason: 'future' };
        }
        if (!isObject(data.marks)) {
            return { ok: false, reason: 'malformed' };
        }
        var marks = {};
        var keys = Object.keys(data.marks);
        for (var i = 0; i < keys.length; i++) {
            var k = keys[i];
            var e = cleanEntry(data.marks[k]);
            if (!e || k.indexOf('#') < 1) {
                return { ok: false, reason: 'malformed' };
            }
            marks[k] = e;
        }
        return { ok: true, marks: marks };
    }

    // Merges `incoming` into a copy of `local`: per question the newer `changed` wins.
    // Returns { marks, added, updated }.
    function merge(local, incoming) {
        var out = {};
        var added = 0;
        var updated = 0;
        Object.keys(local || {}).forEach(function (k) {
            out[k] = local[k];
        });
        Object.keys(incoming || {}).forEach(function (k) {
            var mine = out[k];
            if (!mine) {
                out[k] = incoming[k];
                added++;
            } else if (incoming[k].changed > mine.changed) {
                out[k] = incoming[k];
                updated++;
            }
        });
        return { marks: out, added: added, updated: updated };
    }

    // Counts of `questions` (objects with a `key`) by mark; `gone` counts marks whose key is
    // not among the questions.
    function tally(marks, questions) {
        var t = { known: 0, unsure: 0, new: 0, bookmarked: 0, total: questions.length, gone: 0 };
        var present = {};
        questions.forEach(function (q) {
            present[q.key] = true;
            var e = marks[q.key];
            t[e ? e.mark : 'new']++;
            if (e && e.bookmark) {
                t.bookmarked++;
            }
        });
        Object.keys(marks).forEach(function (k) {
            if (!present[k]) {
                t.gone++;
            }
        });
        return t;
    }

    function fill(template, values) {
        return String(template || '').replace(/\{(\w+)\}/g, function (m, k) {
            return Object.prototype.hasOwnProperty.call(values, k) ? String(values[k]) : m;
        });
    }


    // ---- The drill (刷题): pool and order -------------------------------------------------------
    //
    // The rule, as the authors' guide documents it. Every question has a Leitner box, 1 to 5
    // (`box` in its entry; 1 when it has none, 2 for a known question that has none).
    // - Spaced repetition ("leitner"): the drill starts with the lowest boxes, shuffled within
    //   a box. Marked known, a question moves up a box (at most 5) and comes back after
    //   INTERVALS[box] other questions; marked unsure or new, it goes back to box 1 and comes
    //   back after INTERVALS[1] = 3 other questions. So an unsure question is the 4th one
    //   shown after it. The drill is over when every question left has been marked known in it.
    // - Shuffled ("shuffle"): one pass in a random order. Known leaves the drill; unsure and
    //   new go to its end.
    // - Skip (→) puts the question at the end; back (←) shows the previous question again.
    // The shuffle comes from a seeded generator (mulberry32), so a seed gives one order.
    var INTERVALS = [0, 3, 8, 20, 50, 120];

    // A generator of numbers in [0, 1) from a 32-bit seed (mulberry32).
    function random(seed) {
        var a = seed >>> 0;
        return function () {
            a = (a + 0x6d2b79f5) >>> 0;
            var t = a;
            t = Math.imul(t ^ (t >>> 15), t | 1);
            t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
            return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
        };
    }

    function shuffle(xs, rand) {
        var out = xs.slice();
        for (var i = out.length - 1; i > 0; i--) {
            var j = Math.floor(rand() * (i + 1));
            var t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return out;
    }

    function boxOf(e) {
        if (e && typeof e.box === 'number') {
            return e.box;
        }
        return e && e.mark === 'known' ? 2 : 1;
    }

    // The questions of `data` (window.qbankQuestions, column by column: see
    // src/render/study.rs) as objects: { key, page, id, number, record, tags, difficulty,
    // answered, ri, qi, count (questions in the record), per (questions in a card file) }.
    function questionsOf(data) {
        var out = [];
        if (!data || !Array.isArray(data.records)) {
            return out;
        }
        var ids = data.ids || [];
        var tags = data.tags || [];
        var per = Math.max(1, Number(data.cards) || 1);
        data.records.forEach(function (r, ri) {
            var page = r[0];
            var count = (r[2] || []).length;
            (r[2] || []).forEach(function (ix, qi) {
                var id = ids[ix];
                out.push({
                    key: page + '#' + id,
                    page: page,
                    id: id,
                    number: r[3] ? r[3][qi] : String(qi + 1),
                    record: r[1],
                    tags: r[6] ? (r[6][qi] || []).map(function (t) { return tags[t]; }) : [],
                    difficulty: Number((r[5] || '').charAt(qi)) || 0,
                    answered: (r[4] || '').charAt(qi) === '1',
                    ri: ri,
                    qi: qi,
                    count: count,
                    per: per,
                });
            });
        });
        return out;
    }

    // The keys of `questions` that `filter` picks, in book order. An empty list of records,
    // tags or difficulties means all of them; `marks` lists the marks to take (default: not
    // known); `status` is "", "answered" or "unanswered"; `bookmarked` takes bookmarks only.
    function pool(questions, marks, filter) {
        var f = filter || {};
        var want = function (list, v) {
            return !list || !list.length || list.indexOf(v) >= 0;
        };
        var takeMarks = f.marks && f.marks.length ? f.marks : ['new', 'unsure'];
        return questions
            .filter(function (q) {
                var e = marks[q.key];
                if (!want(f.records, q.page) || !want(f.difficulty, q.difficulty)) {
                    return false;
                }
                if (f.tags && f.tags.length && !q.tags.some(function (t) { return f.tags.indexOf(t) >= 0; })) {
                    return false;
                }
                if (f.status === 'answered' ? !q.answered : f.status === 'unanswered' ? q.answered : false) {
                    return false;
                }
                if (f.bookmarked && !(e && e.bookmark)) {
                    return false;
                }
                return takeMarks.indexOf(e ? e.mark : 'new') >= 0;
            })
            .map(function (q) { return q.key; });
    }

    // A new drill over `keys`: { order, queue, history, known, boxes, step }.
    function drillStart(keys, marks, order, seed) {
        var rand = random(seed);
        var boxes = {};
        keys.forEach(function (k) {
            boxes[k] = boxOf(marks[k]);
        });
        var queue = shuffle(keys, rand);
        if (order !== 'shuffle') {
            // Lowest box first; the shuffle decides within a box (the sort is stable).
            var at = {};
            queue.forEach(function (k, i) { at[k] = i; });
            queue.sort(function (a, b) { return boxes[a] - boxes[b] || at[a] - at[b]; });
        }
        return { v: 1, order: order === 'shuffle' ? 'shuffle' : 'leitner', queue: queue, history: [], known: {}, boxes: boxes, step: 0 };
    }

    function copyDrill(d) {
        var known = {};
        var boxes = {};
        Object.keys(d.known).forEach(function (k) { known[k] = d.known[k]; });
        Object.keys(d.boxes).forEach(function (k) { boxes[k] = d.boxes[k]; });
        return { v: 1, order: d.order, queue: d.queue.slice(), history: d.history.slice(), known: known, boxes: boxes, step: d.step };
    }

    // How many questions are left: not yet marked known in this drill.
    function drillLeft(d) {
        return d.queue.filter(function (k) { return !d.known[k]; }).length;
    }

    // The question the drill shows, or null when it is over.
    function drillCurrent(d) {
        return d.queue.length && drillLeft(d) > 0 ? d.queue[0] : null;
    }

    // The drill after the shown question is marked `mark`; `box` is its new Leitner box.
    function drillMark(d, mark) {
        var out = copyDrill(d);
        var key = out.queue.shift();
        if (key === undefined) {
            return out;
        }
        var box = mark === 'known' ? Math.min((out.boxes[key] || 1) + 1, 5) : 1;
        out.boxes[key] = box;
        out.history.push(key);
        out.step++;
        if (mark === 'known') {
            out.known[key] = true;
        } else {
            delete out.known[key];
        }
        if (out.order === 'shuffle') {
            if (mark !== 'known') {
                out.queue.push(key);
            }
        } else {
            out.queue.splice(Math.min(INTERVALS[box], out.queue.length), 0, key);
        }
        return out;
    }

    // The drill after → (skip): the shown question goes to the end.
    function drillSkip(d) {
        var out = copyDrill(d);
        var key = out.queue.shift();
        if (key !== undefined) {
            out.queue.push(key);
            out.history.push(key);
            out.step++;
        }
        return out;
    }

    // The drill after ← (back): the question shown before comes first again.
    function drillBack(d) {
        var out = copyDrill(d);
        var key = out.history.pop();
        if (key === undefined) {
            return out;
        }
        var at = out.queue.indexOf(key);
        if (at >= 0) {
            out.queue.splice(at, 1);
        }
        delete out.known[key];
        out.queue.unshift(key);
        return out;
    }

    // A saved drill, checked: null unless it has the shape drillStart gives.
    function cleanDrill(d) {
        if (!isObject(d) || d.v !== 1 || !Array.isArray(d.queue) || !Array.isArray(d.history) || !isObject(d.known) || !isObject(d.boxes)) {
            return null;
        }
        return d;
    }

    var logic = {
        FORMAT: FORMAT,
        VERSION: VERSION,
        MARKS: MARKS,
        cleanEntry: cleanEntry,
        exportData: exportData,
        exportName: exportName,
        parseImport: parseImport,
        merge: merge,
        tally: tally,
        fill: fill,
        INTERVALS: INTERVALS,
        random: random,
        questionsOf: questionsOf,
        pool: pool,
        drillStart: drillStart,
        drillMark: drillMark,
        drillSkip: drillSkip,
        drillBack: drillBack,
        drillLeft: drillLeft,
        drillCurrent: drillCurrent,
        cleanDrill: cleanDrill,
    };
    if (typeof module !== 'undefined' && module.exports) {
        module.exports = logic;
    }
    if (typeof window === 'undefined' || typeof document === 'undefined' || !window.qbank) {
        return;
    }

    // ---- In the browser -------------------------------------------------------------------

    var qb = window.qbank;
    var study = (qb.study = logic);
    var L = qb.labels;
    var state = { marks: qb.store.get(KEY) };
    if (!isObject(state.marks)) {
        state.marks = {};
    }
    var saved = qb.store.available();

    study.marks = function () {
        return state.marks;
    };

    function save() {
        if (!qb.store.set(KEY, state.marks)) {
            saved = false;
            notice();
        }
    }

    var pagePath = qb.pagePath;
    study.pagePath = pagePath;

    // The key of a link to a question ("page.html#id"), or null.
    function keyOfHref(href) {
        var i = href.indexOf('#');
        if (i < 0) {
            return null;
        }
        var id = href.slice(i + 1);
        try {
            id = decodeURIComponent(id);
        } catch (e) {
            // Keep it as written.
        }
        return pagePath(href.slice(0, i) || location.href) + '#' + id;
    }

    function entry(key) {
        return state.marks[key] || null;
    }
    function markOf(key) {
        var e = entry(key);
        return e ? e.mark : 'new';
    }

    // Sets the mark (or toggles the bookmark) of `key`; `what` is a mark or "bookmark".
    function change(key, what, box) {
        var e = entry(key) || { mark: 'new', bookmark: false, changed: 0 };
        var next = { mark: e.mark, bookmark: !!e.bookmark, changed: Date.now() };
        if (box !== undefined) {
            next.box = box;
        } else if (e.box !== undefined) {
            next.box = e.box;
        }
        if (what === 'bookmark') {
            next.bookmark = !next.bookmark;
        } else {
            next.mark = what;
        }
        state.marks[key] = next;
        save();
        refresh();
    }
    study.change = change;

    // A visible notice when marks cannot be saved.
    function notice() {
        if (saved || document.querySelector('[data-qb-study-notice]')) {
            return;
        }
        var main = document.querySelector('main');
        if (!main) {
            return;
        }
        var p = document.createElement('p');
        p.className = 'qb-study-notice';
        p.setAttribute('data-qb-study-notice', '');
        p.setAttribute('role', 'status');
        p.textContent = L.study_no_storage || 'Progress cannot be saved in this browser: marks last for this session only.';
        main.insertBefore(p, main.firstChild);
    }

    // ---- Cards ------------------------------------------------------------------------------

    var cards = [];
    var PAGE = '';

    function button(attr, value, text, extra) {
        var b = document.createElement('button');
        b.type = 'button';
        b.className = 'qb-mark' + (extra ? ' ' + extra : '');
        b.setAttribute(attr, value);
        b.setAttribute('aria-pressed', 'false');
        b.textContent = text;
        return b;
    }

    function labelOf(mark) {
        return L['mark_' + mark] || mark;
    }

    function setupCard(card) {
        var id = card.getAttribute('data-qb-question') || card.id;
        var key = PAGE + '#' + id;
        var head = card.querySelector('.qb-card-head');
        var group = document.createElement('div');
        group.className = 'qb-marks';
        group.setAttribute('role', 'group');
        group.setAttribute('aria-label', (L.marks || 'Marks') + ': ' + (card.querySelector('.qb-title') || card).textContent.trim());
        MARKS.forEach(function (m) {
            var b = button('data-qb-mark', m, labelOf(m), 'qb-mark-' + m);
            b.addEventListener('click', function () {
                change(key, m);
            });
            group.appendChild(b);
        });
        var bm = button('data-qb-bookmark', '', L.bookmark || 'Bookmark', 'qb-mark-bookmark');
        bm.addEventListener('click', function () {
            change(key, 'bookmark');
        });
        group.appendChild(bm);
        if (head && head.nextSibling) {
            head.parentNode.insertBefore(group, head.nextSibling);
        } else {
            (head || card).appendChild(group);
        }
        cards.push({ card: card, key: key, group: group });
    }

    // The card the keys act on: the one holding focus, else the first one in view.
    function currentCard() {
        var active = document.activeElement;
        var c = active && active.closest ? active.closest('section.qb-card') : null;
        if (c) {
            return c;
        }
        var top = 0;
        var bar = document.querySelector('#mdbook-menu-bar, #menu-bar');
        if (bar) {
            top = bar.getBoundingClientRect().bottom;
        }
        for (var i = 0; i < cards.length; i++) {
            var r = cards[i].card.getBoundingClientRect();
            if (r.bottom > top + 40 && r.top < window.innerHeight) {
                return cards[i].card;
            }
        }
        return null;
    }

    var KEYS = { k: 'known', u: 'unsure', n: 'new', b: 'bookmark' };

    function onKey(e) {
        if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) {
            return;
        }
        var t = e.target;
        if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) {
            return;
        }
        var what = KEYS[e.key];
        if (!what) {
            return;
        }
        var card = currentCard();
        if (!card) {
            return;
        }
        for (var i = 0; i < cards.length; i++) {
            if (cards[i].card === card) {
                e.preventDefault();
                change(cards[i].key, what);
                return;
            }
        }
    }

    // ---- The record overview: dots, progress bar, filters ------------------------------------

    var overviewItems = [];
    var progressEl = null;
    var filterEl = null;

    function setupOverview() {
        var overview = document.querySelector('[data-qb-overview]');
        if (!overview) {
            return;
        }
        Array.prototype.forEach.call(overview.querySelectorAll('.qb-qlist > li > a[href^="#"]'), function (a) {
            var dot = document.createElement('span');
            dot.className = 'qb-dot';
            a.insertBefore(dot, a.firstChild);
            overviewItems.push({ li: a.parentNode, dot: dot, key: keyOfHref(a.getAttribute('href')) });
        });
        var head = overview.querySelector('.qb-overview-head') || overview;
        progressEl = document.createElement('div');
        progressEl.className = 'qb-progress';
        progressEl.setAttribute('data-qb-progress', '');
        head.appendChild(progressEl);
        filterEl = filters(applyFilter);
        head.appendChild(filterEl);
    }

    // Three checkboxes: hide known, only unsure, only bookmarked.
    var filter = { hideKnown: false, onlyUnsure: false, onlyBookmarked: false };
    function filters(onChange) {
        var box = document.createElement('div');
        box.className = 'qb-study-filter';
        box.setAttribute('data-qb-study-filter', '');
        [
            ['hideKnown', 'hide-known', L.hide_known || 'Hide known'],
            ['onlyUnsure', 'only-unsure', L.only_unsure || 'Only unsure'],
            ['onlyBookmarked', 'only-bookmarked', L.only_bookmarked || 'Only bookmarked'],
        ].forEach(function (f) {
            var label = document.createElement('label');
            var input = document.createElement('input');
            input.type = 'checkbox';
            input.setAttribute('data-qb-filter-' + f[1], '');
            input.addEventListener('change', function () {
                filter[f[0]] = input.checked;
                onChange();
            });
            label.appendChild(input);
            label.appendChild(document.createTextNode(' ' + f[2]));
            box.appendChild(label);
        });
        return box;
    }

    function shown(key) {
        var e = entry(key);
        var m = e ? e.mark : 'new';
        if (filter.hideKnown && m === 'known') {
            return false;
        }
        if (filter.onlyUnsure && m !== 'unsure') {
            return false;
        }
        if (filter.onlyBookmarked && !(e && e.bookmark)) {
            return false;
        }
        return true;
    }

    function applyFilter() {
        cards.forEach(function (c) {
            c.card.classList.toggle('qb-study-hidden', !shown(c.key));
        });
        overviewItems.forEach(function (o) {
            o.li.classList.toggle('qb-study-hidden', !shown(o.key));
        });
        indexItems.forEach(function (o) {
            o.li.classList.toggle('qb-study-hidden', !shown(o.key));
        });
        // A group whose every occurrence is hidden is hidden too.
        groupItems.forEach(function (g) {
            g.classList.toggle('qb-study-hidden', !g.querySelector('li:not(.qb-study-hidden)'));
        });
    }

    function bar(counts, total) {
        var wrap = document.createElement('div');
        wrap.className = 'qb-bar';
        wrap.setAttribute('aria-hidden', 'true');
        ['known', 'unsure'].forEach(function (m) {
            var s = document.createElement('span');
            s.className = 'qb-bar-' + m;
            s.style.width = (total ? (100 * counts[m]) / total : 0) + '%';
            wrap.appendChild(s);
        });
        return wrap;
    }

    function summary(t) {
        return fill(L.progress_summary || '{known}/{total} known, {unsure} unsure', t);
    }

    function renderProgress() {
        if (!progressEl) {
            return;
        }
        var t = tally(state.marks, overviewItems.map(function (o) { return { key: o.key }; }));
        progressEl.textContent = '';
        progressEl.appendChild(bar(t, t.total));
        var text = document.createElement('span');
        text.className = 'qb-progress-text';
        text.textContent = summary(t);
        progressEl.appendChild(text);
    }

    // ---- Generated pages: dots on every item --------------------------------------------------

    var indexItems = [];
    var groupItems = [];
    function setupIndex() {
        var lists = document.querySelectorAll('[data-qb-index] li, .qb-frequent li');
        Array.prototype.forEach.call(lists, function (li) {
            // A group of the frequently-asked page: its occurrences get the dots.
            if (li.querySelector('li')) {
                groupItems.push(li);
                return;
            }
            var a = li.querySelector('a[href*="#"]');
            if (!a) {
                return;
            }
            var dot = document.createElement('span');
            dot.className = 'qb-dot';
            a.insertBefore(dot, a.firstChild);
            indexItems.push({ li: li, dot: dot, key: keyOfHref(a.getAttribute('href')) });
        });
        if (indexItems.length) {
            var box = document.querySelector('[data-qb-filter]');
            var f = filters(applyFilter);
            if (box && box.parentNode) {
                box.parentNode.insertBefore(f, box.nextSibling);
            }
        }
    }

    // The sidebar's entries for this page's questions (mdBook adds them on DOMContentLoaded,
    // before or after this script runs): a dot each.
    var sidebarItems = [];
    var sidebarQueued = false;
    function scanSidebar() {
        sidebarQueued = false;
        var sb = document.getElementById('mdbook-sidebar');
        if (!sb || !cards.length) {
            return;
        }
        var here = {};
        cards.forEach(function (c) {
            here[c.key] = true;
        });
        Array.prototype.forEach.call(sb.querySelectorAll('a[href*="#"]:not([data-qb-dotted])'), function (a) {
            var key = keyOfHref(a.getAttribute('href'));
            // mdBook's entries for headings link to the title: `#ID-title`.
            if (key && !here[key] && /-title$/.test(key)) {
                key = key.slice(0, -'-title'.length);
            }
            if (!key || !here[key]) {
                return;
            }
            a.setAttribute('data-qb-dotted', '');
            var dot = document.createElement('span');
            dot.className = 'qb-dot';
            a.insertBefore(dot, a.firstChild);
            sidebarItems.push({ dot: dot, key: key });
            paintDot(dot, key);
        });
    }
    function watchSidebar() {
        var sb = document.getElementById('mdbook-sidebar');
        scanSidebar();
        if (sb && cards.length && typeof MutationObserver === 'function') {
            new MutationObserver(function () {
                if (!sidebarQueued) {
                    sidebarQueued = true;
                    requestAnimationFrame(scanSidebar);
                }
            }).observe(sb, { childList: true, subtree: true });
        }
    }

    function paintDot(dot, key) {
        var e = entry(key);
        var m = e ? e.mark : 'new';
        dot.setAttribute('data-qb-dot', m);
        dot.classList.toggle('qb-dot-bookmark', !!(e && e.bookmark));
        dot.title = labelOf(m) + (e && e.bookmark ? ' · ' + (L.bookmark || 'Bookmark') : '');
    }

    // Writes the marks into the page: batched reads above, writes only here.
    function refresh() {
        cards.forEach(function (c) {
            var m = markOf(c.key);
            var e = entry(c.key);
            if (c.card.getAttribute('data-qb-marked') !== m) {
                c.card.setAttribute('data-qb-marked', m);
            }
            Array.prototype.forEach.call(c.group.querySelectorAll('[data-qb-mark]'), function (b) {
                b.setAttribute('aria-pressed', String(b.getAttribute('data-qb-mark') === m));
            });
            c.group.querySelector('[data-qb-bookmark]').setAttribute('aria-pressed', String(!!(e && e.bookmark)));
        });
        overviewItems.forEach(function (o) { paintDot(o.dot, o.key); });
        indexItems.forEach(function (o) { paintDot(o.dot, o.key); });
        sidebarItems.forEach(function (o) { paintDot(o.dot, o.key); });
        renderProgress();
        applyFilter();
        renderProgressPage();
        paintDrillMarks();
    }

    // ---- The question list (qbank/study/*.js) ---------------------------------------------------

    // Loads the script at `src` (relative to the site root) that sets `window[name]`, once,
    // and calls back with its value (null when it does not load). A script, not fetch(), so
    // that it loads from file:// too.
    var loading = {};
    function loadData(src, name, cb) {
        if (!src) {
            cb(null);
            return;
        }
        if (window[name]) {
            cb(window[name]);
            return;
        }
        if (loading[src]) {
            loading[src].push(cb);
            return;
        }
        var waiting = (loading[src] = [cb]);
        var s = document.createElement('script');
        s.src = (typeof window.path_to_root === 'string' ? window.path_to_root : '') + src;
        s.onload = s.onerror = function () {
            waiting.forEach(function (f) { f(window[name] || null); });
        };
        document.head.appendChild(s);
    }

    // Takes the "loading" line away, or says the list did not load.
    function dataLoaded(root, ok) {
        var p = root.querySelector('[data-qb-study-loading]');
        if (!p) {
            return;
        }
        if (ok) {
            p.remove();
        } else {
            p.className = 'qb-study-notice';
            p.textContent = L.study_no_data || 'The list of questions did not load.';
        }
    }

    // ---- The "my progress" page ---------------------------------------------------------------

    var progressPage = null;
    var progressReady = false;
    var questions = [];

    function setupProgressPage() {
        progressPage = document.querySelector('[data-qb-progress-page]');
        if (!progressPage) {
            return;
        }
        var tools = document.createElement('div');
        tools.className = 'qb-progress-tools';
        var exp = document.createElement('button');
        exp.type = 'button';
        exp.setAttribute('data-qb-progress-export', '');
        exp.textContent = L.export_progress || 'Export progress';
        exp.addEventListener('click', exportNow);
        var imp = document.createElement('button');
        imp.type = 'button';
        imp.textContent = L.import_progress || 'Import progress';
        var input = document.createElement('input');
        input.type = 'file';
        input.accept = '.json,application/json';
        input.hidden = true;
        input.setAttribute('data-qb-progress-import', '');
        input.setAttribute('aria-label', L.import_progress || 'Import progress');
        imp.addEventListener('click', function () {
            input.click();
        });
        input.addEventListener('change', function () {
            var file = input.files && input.files[0];
            if (!file) {
                return;
            }
            var reader = new FileReader();
            reader.onload = function () {
                importText(String(reader.result));
                input.value = '';
            };
            reader.readAsText(file);
        });
        var status = document.createElement('p');
        status.className = 'qb-import-status';
        status.setAttribute('data-qb-import-status', '');
        status.setAttribute('role', 'status');
        tools.appendChild(exp);
        tools.appendChild(document.createTextNode(' '));
        tools.appendChild(imp);
        tools.appendChild(input);
        tools.appendChild(status);
        progressPage.appendChild(tools);
        var body = document.createElement('div');
        body.setAttribute('data-qb-progress-body', '');
        progressPage.appendChild(body);
        var src = progressPage.getAttribute('data-qb-questions-src');
        var titlesSrc = progressPage.getAttribute('data-qb-titles-src');
        loadData(src, 'qbankQuestions', function (data) {
            loadData(titlesSrc, 'qbankTitles', function (titles) {
                questions = questionsOf(data);
                questions.forEach(function (q) {
                    q.title = (titles && titles[q.ri] && titles[q.ri][q.qi]) || q.id;
                });
                dataLoaded(progressPage, !!data);
                progressReady = !!data;
                renderProgressPage();
            });
        });
    }

    function exportNow() {
        var now = Date.now();
        var data = exportData(state.marks, window.qbankLabels && window.qbankLabels.book, now);
        var blob = new Blob([JSON.stringify(data, null, 1)], { type: 'application/json' });
        var a = document.createElement('a');
        a.href = URL.createObjectURL(blob);
        a.download = exportName(data.book || document.title, now);
        document.body.appendChild(a);
        a.click();
        setTimeout(function () {
            URL.revokeObjectURL(a.href);
            a.remove();
        }, 1000);
    }

    function importText(text) {
        var status = progressPage && progressPage.querySelector('[data-qb-import-status]');
        var r = parseImport(text);
        if (!r.ok) {
            if (status) {
                status.className = 'qb-import-status qb-import-error';
                status.textContent = fill(L.import_failed || 'Could not import: {why} Nothing was changed.', {
                    why: L['import_' + r.reason] || r.reason,
                });
            }
            return r;
        }
        var m = merge(state.marks, r.marks);
        state.marks = m.marks;
        save();
        refresh();
        if (status) {
            status.className = 'qb-import-status';
            status.textContent = fill(L.import_done || 'Imported: {added} added, {updated} updated.', m);
        }
        return { ok: true, added: m.added, updated: m.updated };
    }
    study.importText = importText;

    function el(tag, cls, text) {
        var e = document.createElement(tag);
        if (cls) {
            e.className = cls;
        }
        if (text !== undefined) {
            e.textContent = text;
        }
        return e;
    }

    function breakdown(title, groups) {
        var sec = el('section', 'qb-progress-group');
        sec.appendChild(el('h2', '', title));
        var ul = el('ul', 'qb-progress-rows');
        Object.keys(groups).sort().forEach(function (name) {
            var t = tally(state.marks, groups[name]);
            var li = el('li');
            li.appendChild(el('span', 'qb-progress-name', name));
            var row = el('span', 'qb-progress');
            row.appendChild(bar(t, t.total));
            row.appendChild(el('span', 'qb-progress-text', summary(t)));
            li.appendChild(row);
            ul.appendChild(li);
        });
        sec.appendChild(ul);
        return sec;
    }

    function list(title, qs, attr) {
        var sec = el('section', 'qb-progress-group');
        sec.setAttribute(attr, '');
        sec.appendChild(el('h2', '', title + ' (' + qs.length + ')'));
        if (!qs.length) {
            sec.appendChild(el('p', '', L.no_questions || ''));
            return sec;
        }
        var ul = el('ul', 'qb-progress-list');
        qs.forEach(function (q) {
            var li = el('li');
            var a = el('a', '', q.record + ' › ' + q.number + '. ' + q.title);
            a.href = (window.path_to_root || '') + encodeURI(q.page) + '#' + encodeURIComponent(q.id);
            li.appendChild(a);
            var e = entry(q.key);
            if (e && e.changed) {
                var time = el('time', 'qb-progress-date', new Date(e.changed).toLocaleString(qb.lang));
                time.dateTime = new Date(e.changed).toISOString();
                li.appendChild(document.createTextNode(' '));
                li.appendChild(time);
            }
            ul.appendChild(li);
        });
        sec.appendChild(ul);
        return sec;
    }

    function renderProgressPage() {
        var body = progressPage && progressPage.querySelector('[data-qb-progress-body]');
        if (!body || !progressReady) {
            return;
        }
        var t = tally(state.marks, questions);
        body.textContent = '';
        var totals = el('div', 'qb-progress qb-progress-total');
        totals.setAttribute('data-qb-progress', '');
        totals.appendChild(bar(t, t.total));
        totals.appendChild(el('span', 'qb-progress-text', summary(t) + fill(L.progress_bookmarked || ', {bookmarked} bookmarked', t)));
        body.appendChild(totals);
        if (t.gone) {
            var gone = el('p', 'qb-progress-gone', fill(L.progress_gone || '{gone} marks for questions that are gone', t));
            gone.setAttribute('data-qb-progress-gone', String(t.gone));
            body.appendChild(gone);
        }
        var byRecord = {};
        var byTag = {};
        questions.forEach(function (q) {
            (byRecord[q.record] = byRecord[q.record] || []).push(q);
            (q.tags || []).forEach(function (tag) {
                (byTag[tag] = byTag[tag] || []).push(q);
            });
        });
        body.appendChild(breakdown(L.record || 'Record', byRecord));
        if (Object.keys(byTag).length) {
            body.appendChild(breakdown(L.tags || 'Tags', byTag));
        }
        body.appendChild(list(L.progress_unsure || 'Unsure', questions.filter(function (q) { return markOf(q.key) === 'unsure'; }), 'data-qb-progress-unsure'));
        body.appendChild(list(L.progress_bookmarks || 'Bookmarked', questions.filter(function (q) { var e = entry(q.key); return !!(e && e.bookmark); }), 'data-qb-progress-bookmarks'));
    }


    // ---- The drill page -----------------------------------------------------------------------
    //
    // The pool comes from the question list; each question's title, prompt and answer from its
    // card's own script, which the build copies out of the record page. The drill is saved
    // under `study:drill` after every step, so closing the tab and coming back continues it.

    var DRILL_KEY = 'study:drill';
    var drillRoot = null;
    var drill = null; // { filter, state }
    var byKey = {};
    var allQuestions = [];
    var shownKey = null;

    function q$(sel) {
        return drillRoot.querySelector(sel);
    }

    function setupDrill() {
        drillRoot = document.querySelector('[data-qb-drill]');
        if (!drillRoot) {
            return;
        }
        // mdBook's print.html holds every chapter, the drill's too: nothing to drill there.
        if (/\/print\.html$/.test(location.pathname)) {
            drillRoot.hidden = true;
            drillRoot = null;
            return;
        }
        loadData(drillRoot.getAttribute('data-qb-questions-src'), 'qbankQuestions', function (data) {
            dataLoaded(drillRoot, !!data);
            if (!data) {
                return;
            }
            allQuestions = questionsOf(data);
            allQuestions.forEach(function (q) {
                byKey[q.key] = q;
            });
            var saved = qb.store.get(DRILL_KEY);
            if (isObject(saved) && cleanDrill(saved.state)) {
                drill = saved;
                // Questions gone since the drill was saved (the book was rebuilt) drop out.
                var here = function (k) { return !!byKey[k]; };
                drill.state.queue = drill.state.queue.filter(here);
                drill.state.history = drill.state.history.filter(here);
            }
            wireDrill();
            if (drill && drillCurrent(drill.state)) {
                showCard();
            } else {
                showSetup();
            }
        });
        // Capture, on window: before mdBook's own keys (its arrows turn the page).
        window.addEventListener('keydown', onDrillKey, true);
    }

    function readFilter() {
        var values = function (sel) {
            return Array.prototype.filter
                .call(drillRoot.querySelectorAll(sel), function (el) { return el.selected || el.checked; })
                .map(function (el) { return el.value; });
        };
        var status = q$('[data-qb-drill-status]');
        var order = drillRoot.querySelector('[data-qb-drill-order]:checked');
        return {
            records: values('[data-qb-drill-records] option'),
            tags: values('[data-qb-drill-tags] option'),
            difficulty: values('[data-qb-drill-difficulty]').map(Number),
            status: status ? status.value : '',
            marks: values('[data-qb-drill-mark]'),
            bookmarked: !!(q$('[data-qb-drill-bookmarked]') || {}).checked,
            order: order ? order.value : 'leitner',
        };
    }

    function writeFilter(f) {
        var set = function (sel, list, prop) {
            Array.prototype.forEach.call(drillRoot.querySelectorAll(sel), function (el) {
                el[prop] = list.indexOf(el.value) >= 0;
            });
        };
        set('[data-qb-drill-records] option', f.records || [], 'selected');
        set('[data-qb-drill-tags] option', f.tags || [], 'selected');
        set('[data-qb-drill-difficulty]', (f.difficulty || []).map(String), 'checked');
        set('[data-qb-drill-mark]', f.marks && f.marks.length ? f.marks : ['new', 'unsure'], 'checked');
        set('[data-qb-drill-order]', [f.order || 'leitner'], 'checked');
        var status = q$('[data-qb-drill-status]');
        if (status) {
            status.value = f.status || '';
        }
        var bm = q$('[data-qb-drill-bookmarked]');
        if (bm) {
            bm.checked = !!f.bookmarked;
        }
    }

    function countPool() {
        var n = pool(allQuestions, state.marks, readFilter()).length;
        q$('[data-qb-drill-count]').textContent = fill(L.drill_count || '{n} questions match', { n: n });
        q$('[data-qb-drill-start]').disabled = n === 0;
    }

    function wireDrill() {
        var form = q$('[data-qb-drill-setup]');
        if (drill && drill.filter) {
            writeFilter(drill.filter);
        }
        form.addEventListener('change', countPool);
        form.addEventListener('submit', function (e) {
            e.preventDefault();
            var f = readFilter();
            var keys = pool(allQuestions, state.marks, f);
            var seed = (Date.now() ^ Math.floor(Math.random() * 4294967296)) >>> 0;
            drill = { filter: f, state: drillStart(keys, state.marks, f.order, seed) };
            saveDrill();
            showCard();
        });
        q$('[data-qb-drill-resume]').addEventListener('click', showCard);
        q$('[data-qb-drill-settings]').addEventListener('click', showSetup);
        Array.prototype.forEach.call(drillRoot.querySelectorAll('[data-qb-drill-card] [data-qb-mark]'), function (b) {
            b.addEventListener('click', function () {
                markShown(b.getAttribute('data-qb-mark'));
            });
        });
        var show = q$('[data-qb-drill-show]');
        if (show) {
            show.addEventListener('click', toggleAnswer);
        }
        q$('[data-qb-drill-skip]').addEventListener('click', function () { step(drillSkip); });
        q$('[data-qb-drill-back]').addEventListener('click', function () { step(drillBack); });
    }

    function saveDrill() {
        if (!qb.store.set(DRILL_KEY, drill)) {
            saved = false;
            notice();
        }
    }

    function showSetup() {
        var form = q$('[data-qb-drill-setup]');
        q$('[data-qb-drill-card]').hidden = true;
        form.hidden = false;
        q$('[data-qb-drill-resume]').hidden = !(drill && drillCurrent(drill.state));
        countPool();
        shownKey = null;
    }

    function showCard() {
        var key = drill && drillCurrent(drill.state);
        var card = q$('[data-qb-drill-card]');
        var done = q$('[data-qb-drill-done]');
        if (!key) {
            card.hidden = true;
            done.hidden = false;
            done.textContent = drill && drill.state.history.length ? L.drill_done : L.drill_empty;
            showSetup();
            return;
        }
        done.hidden = true;
        q$('[data-qb-drill-setup]').hidden = true;
        card.hidden = false;
        var q = byKey[key];
        shownKey = key;
        q$('[data-qb-drill-left]').textContent = fill(L.drill_left || '{left} left', { left: drillLeft(drill.state) });
        q$('[data-qb-drill-number]').textContent = (q ? q.number : '?') + '.';
        q$('[data-qb-drill-record]').textContent = q ? q.record : '';
        var title = q$('[data-qb-drill-title]');
        title.textContent = '';
        title.href = (window.path_to_root || '') + (q ? encodeURI(q.page) + '#' + encodeURIComponent(q.id) : '');
        card.setAttribute('data-qb-drill-key', key);
        card.removeAttribute('data-qb-drill-loaded');
        var prompt = q$('[data-qb-drill-prompt]');
        prompt.textContent = L.drill_loading_question || '';
        var answer = q$('[data-qb-drill-answer]');
        if (answer) {
            answer.hidden = true;
            answer.textContent = '';
            var show = q$('[data-qb-drill-show]');
            show.setAttribute('aria-expanded', 'false');
            show.firstChild.nodeValue = (L.drill_show || 'Show answer') + ' ';
            show.parentNode.hidden = false;
        }
        paintDrillMarks();
        if (q) {
            requestCard(q);
        }
    }

    function paintDrillMarks() {
        if (!drillRoot || !shownKey) {
            return;
        }
        var m = markOf(shownKey);
        Array.prototype.forEach.call(drillRoot.querySelectorAll('[data-qb-drill-card] [data-qb-mark]'), function (b) {
            b.setAttribute('aria-pressed', String(b.getAttribute('data-qb-mark') === m));
        });
    }

    function step(fn, mark) {
        if (!drill || !shownKey) {
            return;
        }
        drill.state = fn(drill.state, mark);
        saveDrill();
        showCard();
        var h = q$('#qb-drill-heading');
        if (h && !q$('[data-qb-drill-card]').hidden) {
            h.focus({ preventScroll: true });
        }
    }

    function markShown(mark) {
        if (!drill || !shownKey) {
            return;
        }
        var key = shownKey;
        var next = drillMark(drill.state, mark);
        change(key, mark, next.boxes[key]);
        step(function () { return next; });
    }

    function toggleAnswer() {
        var answer = q$('[data-qb-drill-answer]');
        var show = q$('[data-qb-drill-show]');
        if (!answer || !show || show.parentNode.hidden) {
            return;
        }
        var open = answer.hidden;
        answer.hidden = !open;
        show.setAttribute('aria-expanded', String(open));
        show.firstChild.nodeValue = (open ? L.drill_hide || 'Hide answer' : L.drill_show || 'Show answer') + ' ';
    }

    // ---- Loading a question: the script of its card and its neighbours' ----
    // (qbank/study/cards/PAGE/FIRST-LAST.js, `per` questions a file: see src/site/cards.rs)

    function cardFile(q) {
        var first = Math.floor(q.qi / q.per) * q.per;
        var last = Math.min(first + q.per, q.count);
        return 'qbank/study/cards/' + q.page.replace(/\.html$/, '') + '/' + (first + 1) + '-' + last + '.js';
    }

    var cardHtml = {};
    window.qbankCard = function (key, html) {
        if (typeof key === 'string' && typeof html === 'string') {
            cardHtml[key] = html;
        }
    };

    function requestCard(q) {
        if (cardHtml[q.key] !== undefined) {
            fillCard(q);
            return;
        }
        var s = document.createElement('script');
        s.src = (window.path_to_root || '') + encodeURI(cardFile(q));
        s.onload = s.onerror = function () {
            s.remove();
            if (cardHtml[q.key] === undefined) {
                cardHtml[q.key] = null;
            }
            fillCard(q);
        };
        document.head.appendChild(s);
    }

    // `html`'s links and images point where they do from the record page `page`.
    function rebase(root, page) {
        var base;
        try {
            base = new URL(encodeURI(page), new URL(window.path_to_root || './', location.href));
        } catch (e) {
            return;
        }
        [['a', 'href'], ['img', 'src'], ['source', 'src'], ['video', 'src'], ['audio', 'src']].forEach(function (p) {
            Array.prototype.forEach.call(root.querySelectorAll(p[0] + '[' + p[1] + ']'), function (el) {
                var v = el.getAttribute(p[1]);
                if (/^[a-z][a-z0-9+.-]*:/i.test(v) || v.indexOf('//') === 0) {
                    return;
                }
                try {
                    el.setAttribute(p[1], new URL(v, base).href);
                } catch (e) {
                    // Leave it as written.
                }
            });
        });
    }

    function part(card, sel, page) {
        var el = card.querySelector(sel);
        if (!el) {
            return null;
        }
        var c = el.cloneNode(true);
        Array.prototype.forEach.call(c.querySelectorAll('.qb-num, [data-qb-copy], script'), function (x) {
            x.remove();
        });
        // Ids of the record page would clash with the drill page's own.
        Array.prototype.forEach.call(c.querySelectorAll('[id]'), function (x) {
            x.removeAttribute('id');
        });
        rebase(c, page);
        return c;
    }

    function highlight(root) {
        var hl = window.hljs;
        if (!hl) {
            return;
        }
        Array.prototype.forEach.call(root.querySelectorAll('pre code'), function (code) {
            try {
                (hl.highlightElement || hl.highlightBlock).call(hl, code);
            } catch (e) {
                // Plain code is fine.
            }
        });
    }

    function fillCard(q) {
        if (!shownKey || shownKey !== q.key) {
            return;
        }
        var html = cardHtml[q.key];
        var prompt = q$('[data-qb-drill-prompt]');
        var answer = q$('[data-qb-drill-answer]');
        var title = q$('[data-qb-drill-title]');
        var tpl = document.createElement('template');
        tpl.innerHTML = html || '';
        var card = tpl.content.querySelector('section.qb-card');
        prompt.textContent = '';
        if (card) {
            var t = part(card, '.qb-title a.header', q.page);
            if (t) {
                title.textContent = '';
                while (t.firstChild) {
                    title.appendChild(t.firstChild);
                }
                title.normalize();
                if (title.firstChild && title.firstChild.nodeType === 3) {
                    title.firstChild.nodeValue = title.firstChild.nodeValue.replace(/^\s+/, '');
                }
            }
            var p = part(card, '.qb-prompt', q.page);
            if (p) {
                while (p.firstChild) {
                    prompt.appendChild(p.firstChild);
                }
                highlight(prompt);
            }
        }
        if (answer) {
            var body = card && part(card, '.qb-answer-body', q.page);
            var none = card && part(card, '[data-qb-no-answer]', q.page);
            answer.textContent = '';
            if (body) {
                while (body.firstChild) {
                    answer.appendChild(body.firstChild);
                }
                highlight(answer);
            } else {
                q$('[data-qb-drill-show]').parentNode.hidden = true;
                if (none) {
                    answer.appendChild(none);
                    answer.hidden = false;
                }
            }
        }
        // Code that scrolls sideways takes focus, as on the record pages (qbank.js).
        if (typeof qb.scrollers === 'function') {
            qb.scrollers(q$('[data-qb-drill-card]'));
        }
        q$('[data-qb-drill-card]').setAttribute('data-qb-drill-loaded', '');
    }

    function onDrillKey(e) {
        if (!drillRoot || q$('[data-qb-drill-card]').hidden || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) {
            return;
        }
        var t = e.target;
        if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) {
            return;
        }
        var k = e.key;
        var act = null;
        if (k === ' ' || k === 'Spacebar') {
            // A focused button or link takes Space itself.
            if (t && /^(BUTTON|A|SUMMARY)$/.test(t.tagName)) {
                return;
            }
            act = toggleAnswer;
        } else if (k === '1' || k === '2' || k === '3') {
            act = function () { markShown(MARKS[Number(k) - 1]); };
        } else if (k === 'ArrowRight') {
            act = function () { step(drillSkip); };
        } else if (k === 'ArrowLeft') {
            act = function () { step(drillBack); };
        }
        if (act) {
            e.preventDefault();
            e.stopPropagation();
            act();
        }
    }


    // ---- Start --------------------------------------------------------------------------------

    // Marks add no work before the first paint: they start after DOMContentLoaded (deferred
    // scripts run before it), once the next frame is painted.
    function afterPaint(fn) {
        function later() {
            if (typeof requestAnimationFrame === 'function') {
                requestAnimationFrame(function () {
                    setTimeout(fn, 0);
                });
            } else {
                setTimeout(fn, 0);
            }
        }
        var started = false;
        function once() {
            if (!started) {
                started = true;
                later();
            }
        }
        if (document.readyState === 'complete') {
            once();
        } else {
            // A script that comes after DOMContentLoaded still gets `load`.
            document.addEventListener('DOMContentLoaded', once);
            window.addEventListener('load', once);
        }
    }

    function mark(name) {
        if (window.performance && performance.mark) {
            performance.mark(name);
        }
    }

    afterPaint(function () {
        mark('qbank-study-start');
        PAGE = pagePath(location.href);
        Array.prototype.forEach.call(document.querySelectorAll('section.qb-card'), setupCard);
        setupOverview();
        setupIndex();
        setupProgressPage();
        setupDrill();
        notice();
        refresh();
        watchSidebar();
        mark('qbank-study-end');
        if (cards.length) {
            document.addEventListener('keydown', onKey);
        }
    });

    // Another tab changed the marks.
    window.addEventListener('storage', function (e) {
        if (e.key === qb.store.namespace + KEY) {
            var m = qb.store.get(KEY);
            if (isObject(m)) {
                state.marks = m;
                refresh();
            }
        }
    });
})(this);
