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
