// Study mode's pure logic (theme/qbank-study.js), without a browser: the import file's
// validation, the merge (newer timestamp wins), the export's name and counts.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';

const require = createRequire(import.meta.url);
const study = require('../../theme/qbank-study.js');

const file = (marks, extra = {}) => JSON.stringify({ format: 'qbank-progress', version: 1, book: 'b', marks, ...extra });

test('a good file parses; bad ones say why', () => {
    const ok = study.parseImport(file({ 'a.html#q1': { mark: 'known', bookmark: true, changed: 5, box: 2 } }));
    assert.deepEqual(ok, { ok: true, marks: { 'a.html#q1': { mark: 'known', bookmark: true, changed: 5, box: 2 } } });
    assert.deepEqual(study.parseImport('{"format": "qbank-pro'), { ok: false, reason: 'json' });
    assert.deepEqual(study.parseImport('[]'), { ok: false, reason: 'foreign' });
    assert.deepEqual(study.parseImport(JSON.stringify({ marks: {} })), { ok: false, reason: 'foreign' });
    assert.deepEqual(study.parseImport(file({}, { version: 2 })), { ok: false, reason: 'future' });
    assert.deepEqual(study.parseImport(file({}, { version: '1' })), { ok: false, reason: 'malformed' });
    assert.deepEqual(study.parseImport(file([])), { ok: false, reason: 'malformed' });
    for (const bad of [
        { mark: 'mastered', changed: 1 },
        { mark: 'known' },
        { mark: 'known', changed: -1 },
        { mark: 'known', changed: 1, bookmark: 'yes' },
        { mark: 'known', changed: 1, box: 9 },
        'known',
    ]) {
        assert.deepEqual(study.parseImport(file({ 'a.html#q': bad })), { ok: false, reason: 'malformed' }, JSON.stringify(bad));
    }
    assert.deepEqual(study.parseImport(file({ 'no-page': { mark: 'known', changed: 1 } })), { ok: false, reason: 'malformed' });
});

test('merge: the newer timestamp wins per question, and counts what it added and updated', () => {
    const local = { a: { mark: 'known', changed: 10 }, b: { mark: 'unsure', changed: 10 } };
    const incoming = { a: { mark: 'unsure', changed: 5 }, b: { mark: 'known', changed: 20 }, c: { mark: 'new', changed: 1 } };
    const m = study.merge(local, incoming);
    assert.deepEqual(m.marks, { a: { mark: 'known', changed: 10 }, b: { mark: 'known', changed: 20 }, c: { mark: 'new', changed: 1 } });
    assert.equal(m.added, 1);
    assert.equal(m.updated, 1);
    assert.equal(local.b.mark, 'unsure', 'the local marks are not changed in place');
});

test('export: versioned data and the file name', () => {
    const now = Date.UTC(2026, 10, 29, 3, 0, 0);
    const data = study.exportData({ 'a#b': { mark: 'known', changed: 1 } }, '面试题库 Interview', now);
    assert.equal(data.format, 'qbank-progress');
    assert.equal(data.version, 1);
    assert.equal(data.exported, '2026-11-29T03:00:00.000Z');
    assert.equal(study.exportName('面试题库 · Interview/handbook', now), 'qbank-progress-面试题库-·-Interview-handbook-2026-11-29.json');
    assert.equal(study.exportName('', now), 'qbank-progress-book-2026-11-29.json');
    assert.deepEqual(study.parseImport(JSON.stringify(data)).marks, { 'a#b': { mark: 'known', bookmark: false, changed: 1 } }, 'an export imports');
});

test('tally counts marks of present questions and the marks of questions that are gone', () => {
    const marks = { 'p#1': { mark: 'known', changed: 1 }, 'p#2': { mark: 'unsure', bookmark: true, changed: 1 }, 'p#gone': { mark: 'known', changed: 1 } };
    const t = study.tally(marks, [{ key: 'p#1' }, { key: 'p#2' }, { key: 'p#3' }]);
    assert.deepEqual(t, { known: 1, unsure: 1, new: 1, bookmarked: 1, total: 3, gone: 1 });
});

// ---- The drill: pool and order (the rule is documented in book/src/guide/study.md) ----------

const KEYS = Array.from({ length: 8 }, (_, i) => `p.html#q${i + 1}`);

test('drill: a seed gives one order, every time (mulberry32)', () => {
    const r = study.random(1);
    assert.equal(r(), 0.6270739405881613);
    assert.equal(r(), 0.002735721180215478);
    const order = ['q7', 'q2', 'q5', 'q1', 'q6', 'q8', 'q3', 'q4'].map((q) => `p.html#${q}`);
    assert.deepEqual(study.drillStart(KEYS, {}, 'shuffle', 2026).queue, order);
    assert.deepEqual(study.drillStart(KEYS, {}, 'leitner', 2026).queue, order, 'all in box 1: the shuffle decides');
    assert.notDeepEqual(study.drillStart(KEYS, {}, 'shuffle', 2027).queue, order, 'another seed, another order');
});

test('drill, Leitner: lowest box first; unsure comes back after 3 others, known moves up a box and comes back later', () => {
    const marks = { 'p.html#q7': { mark: 'unsure', box: 3, changed: 1 }, 'p.html#q2': { mark: 'known', changed: 1 } };
    let d = study.drillStart(KEYS, marks, 'leitner', 2026);
    assert.deepEqual(d.queue.slice(-2), ['p.html#q2', 'p.html#q7'], 'box 2 (known without a box), then box 3, last');
    assert.equal(study.drillCurrent(d), 'p.html#q5');
    // Marked unsure: back to box 1, shown again as the 4th question after it.
    d = study.drillMark(d, 'unsure');
    assert.equal(d.boxes['p.html#q5'], 1);
    assert.equal(d.queue.indexOf('p.html#q5'), study.INTERVALS[1]);
    const shown = [];
    for (let i = 0; i < 4; i++) {
        shown.push(study.drillCurrent(d));
        d = study.drillMark(d, 'known');
    }
    assert.equal(shown[3], 'p.html#q5', 'unsure is back on the 4th step');
    // Known twice in a row moves up two boxes; each time it comes back after INTERVALS[box].
    let e = study.drillStart(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'], {}, 'leitner', 7);
    const first = study.drillCurrent(e);
    e = study.drillMark(e, 'known');
    assert.equal(e.boxes[first], 2);
    assert.equal(e.queue.indexOf(first), study.INTERVALS[2]);
    assert.equal(study.drillLeft(e), 11, 'a known question is no longer left');
    // A box never goes past 5.
    let f = study.drillStart(['x'], { x: { mark: 'unsure', box: 5, changed: 1 } }, 'leitner', 1);
    f = study.drillMark(f, 'known');
    assert.equal(f.boxes.x, 5);
    assert.equal(study.drillCurrent(f), null, 'every question known: the drill is over');
});

test('drill, shuffled: one pass; known leaves, unsure and new go to the end', () => {
    let d = study.drillStart(['a', 'b', 'c'], {}, 'shuffle', 3);
    const [x, y, z] = d.queue;
    d = study.drillMark(d, 'known');
    assert.deepEqual(d.queue, [y, z]);
    d = study.drillMark(d, 'unsure');
    assert.deepEqual(d.queue, [z, y]);
    d = study.drillMark(d, 'new');
    assert.deepEqual(d.queue, [y, z]);
    assert.equal(study.drillLeft(d), 2);
    assert.ok(x);
});

test('drill: → skips to the end, ← shows the previous question again', () => {
    let d = study.drillStart(['a', 'b', 'c', 'd'], {}, 'leitner', 11);
    const [a, b] = d.queue;
    d = study.drillSkip(d);
    assert.equal(d.queue.at(-1), a);
    assert.equal(study.drillCurrent(d), b);
    d = study.drillBack(d);
    assert.equal(study.drillCurrent(d), a);
    d = study.drillMark(d, 'known');
    d = study.drillBack(d);
    assert.equal(study.drillCurrent(d), a, 'back again to the question just marked');
    assert.equal(study.drillLeft(d), 4, 'and it counts as left until marked again');
    assert.deepEqual(study.drillBack(study.drillStart([], {}, 'leitner', 1)).queue, [], 'nothing to go back to');
});

test('drill pool: records, tags, difficulty, answer state and marks; the default is everything not known', () => {
    const data = {
        v: 1,
        ids: ['q1', 'q2'],
        tags: ['go', 'redis'],
        records: [
            ['a.html', 'A', [0, 1], 0, '10', '30', [[0], [1]]],
            ['b.html', 'B', [0], ['7'], '1', '5', [[0, 1]]],
        ],
    };
    const qs = study.questionsOf(data);
    assert.deepEqual(qs.map((q) => q.key), ['a.html#q1', 'a.html#q2', 'b.html#q1']);
    assert.deepEqual(qs[2].tags, ['go', 'redis']);
    assert.deepEqual([qs[1].number, qs[2].number, qs[0].difficulty, qs[1].difficulty, qs[0].answered, qs[1].answered], ['2', '7', 3, 0, true, false]);
    const marks = { 'a.html#q1': { mark: 'known', changed: 1 }, 'b.html#q1': { mark: 'unsure', bookmark: true, changed: 1 } };
    assert.deepEqual(study.pool(qs, marks, {}), ['a.html#q2', 'b.html#q1'], 'not known');
    assert.deepEqual(study.pool(qs, marks, { marks: ['known', 'unsure', 'new'] }).length, 3);
    assert.deepEqual(study.pool(qs, marks, { records: ['a.html'], marks: ['known', 'new'] }), ['a.html#q1', 'a.html#q2']);
    assert.deepEqual(study.pool(qs, marks, { tags: ['redis'] }), ['a.html#q2', 'b.html#q1']);
    assert.deepEqual(study.pool(qs, marks, { difficulty: [0] }), ['a.html#q2'], '0 is unrated');
    assert.deepEqual(study.pool(qs, marks, { status: 'answered' }), ['b.html#q1']);
    assert.deepEqual(study.pool(qs, marks, { status: 'unanswered' }), ['a.html#q2']);
    assert.deepEqual(study.pool(qs, marks, { bookmarked: true }), ['b.html#q1']);
    assert.equal(study.cleanDrill({ v: 1, queue: [], history: [], known: {}, boxes: {} }) !== null, true);
    assert.equal(study.cleanDrill({ v: 2 }), null);
});
