// Interview mode's pure logic (theme/qbank-interview.js), loaded by node without a browser.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';

const require = createRequire(import.meta.url);
const logic = require('../../theme/qbank-interview.js');

const SCALE = ['精通', '熟练', '了解', '欠缺'];

test('the suggested level is the most frequent one', () => {
    assert.equal(logic.suggestLevel(['熟练', '了解', '熟练'], SCALE), '熟练');
    assert.equal(logic.suggestLevel(['精通'], SCALE), '精通');
});

test('ties go to the lower level', () => {
    assert.equal(logic.suggestLevel(['精通', '了解'], SCALE), '了解');
    assert.equal(logic.suggestLevel(['欠缺', '精通', '精通', '欠缺'], SCALE), '欠缺');
});

test('no level, or levels outside the scale, suggest nothing', () => {
    assert.equal(logic.suggestLevel([], SCALE), null);
    assert.equal(logic.suggestLevel(undefined, SCALE), null);
    assert.equal(logic.suggestLevel(['great', ''], SCALE), null);
    assert.equal(logic.suggestLevel(['great', '熟练'], SCALE), '熟练');
});

test('suggestions per dimension come from the questions that scored it', () => {
    const dims = ['Go', '组件', '性能'];
    const q = [{ Go: '熟练', 组件: '了解' }, { Go: '熟练' }, { Go: '精通', 组件: '精通' }, null];
    assert.deepEqual(logic.suggestAll(dims, SCALE, q), { Go: '熟练', 组件: '了解', 性能: null });
});

test('the radar has one axis per dimension and one ring per level', () => {
    const dims = ['a', 'b', 'c', 'd', 'e'];
    const g = logic.radarGeometry(dims, SCALE, { a: '精通', b: '欠缺' }, 200);
    assert.equal(g.axes.length, 5);
    assert.equal(g.rings.length, 4);
    assert.ok(g.rings.every((r) => r.length === 5));
    assert.equal(g.points.length, 5);
    // The first axis points up; the best level reaches its end; no level sits at the centre.
    assert.deepEqual(g.points[0], g.axes[0].end);
    assert.ok(g.axes[0].end[1] < g.centre[1]);
    assert.deepEqual(g.points[2], g.centre);
    // The lowest level is the innermost ring.
    assert.deepEqual(g.points[1], g.rings[0][1]);
});

// ---- Export ----------------------------------------------------------------------------
import { readFileSync } from 'node:fs';

const SEED = readFileSync(new URL('../../book/src/go-backend-round2.md', import.meta.url), 'utf8');
const WORDS = {
    notes: '面试官记录',
    keyPoints: '考察要点',
    evaluation: ['面试评价模板'],
    summary: ['面试总结'],
};
const NOTE = 'Good <b>bold</b> answer\n### 9. not a question\n```go\nfence\n```';
const DATA = {
    questions: [
        { number: '1', levels: { Go语言高级特性: '熟练' }, ticks: [], notes: '' },
        { number: '2', levels: { Go语言高级特性: '熟练', 系统组件原理: '了解' }, ticks: [1, 3], notes: NOTE },
        { number: '3', levels: {}, ticks: [], notes: '' },
    ],
    levels: { Go语言高级特性: '熟练', 系统组件原理: '了解', 分布式系统设计: '', 性能调优能力: '欠缺', 问题分析能力: '' },
    summary: '扎实 <i>值得</i>\n### 3. 不是题',
};

test('export ticks the chosen levels and nothing else', () => {
    const out = logic.exportRecord(SEED, DATA, WORDS);
    assert.match(out, /- \*\*Go语言高级特性\*\*: \[ \] 精通 \[x\] 熟练 \[ \] 了解 \[ \] 欠缺\n/);
    assert.match(out, /- \*\*性能调优能力\*\*: \[ \] 精通 \[ \] 熟练 \[ \] 了解 \[x\] 欠缺\n/);
    assert.match(out, /- \*\*分布式系统设计\*\*: \[ \] 精通 \[ \] 熟练 \[ \] 了解 \[ \] 欠缺\n/);
    // The trailing spaces of a line are kept.
    assert.match(out, /- \*\*系统组件原理\*\*: \[ \] 精通 \[ \] 熟练 \[x\] 了解 \[ \] 欠缺  \n/);
    assert.equal((out.match(/\[x\]/g) || []).length, 3);
});

test('export writes the summary and a fenced notes block under each scored question', () => {
    const out = logic.exportRecord(SEED, DATA, WORDS);
    assert.ok(out.includes('### 面试总结\n```\n扎实 <i>值得</i>\n### 3. 不是题\n```\n'));
    assert.ok(out.includes('**面试官记录**:\n\n- **Go语言高级特性**: 熟练\n- **系统组件原理**: 了解\n- **考察要点**: 1, 3\n\n````text\n' + NOTE + '\n````\n\n---\n\n### 3.'));
    assert.ok(out.includes('**面试官记录**:\n\n- **Go语言高级特性**: 熟练\n\n---\n\n### 2.'));
    // Question 3 has nothing: no block.
    assert.equal((out.match(/\*\*面试官记录\*\*/g) || []).length, 2);
});

test('exporting an export again with the same state changes nothing', () => {
    const once = logic.exportRecord(SEED, DATA, WORDS);
    assert.equal(logic.exportRecord(once, DATA, WORDS), once);
    // Nothing recorded, no summary: the levels are cleared, the rest is the source.
    const none = { questions: [], levels: {}, summary: '' };
    assert.equal(logic.exportRecord(SEED, none, WORDS), SEED);
});

test('notes of questions that are gone go into a marked block at the end', () => {
    const out = logic.exportRecord(SEED, { ...DATA, orphans: [{ id: 'old-q', levels: {}, ticks: [2], notes: 'x' }] }, { ...WORDS, orphans: 'Gone' });
    assert.ok(out.endsWith('\nGone:\n\n````text\n**#old-q**:\n\n- **考察要点**: 2\n\n```text\nx\n```\n````\n'), out.slice(-120));
    assert.ok(out.endsWith('\n'));
    assert.ok(out.includes('#old-q'));
    // Exporting that export again replaces the block rather than adding a second one.
    const again = logic.exportRecord(out, { ...DATA, orphans: [{ id: 'old-q', levels: {}, ticks: [2], notes: 'x' }] }, { ...WORDS, orphans: 'Gone' });
    assert.equal(again, out);
});

test('file names are the record stem and the date', () => {
    assert.equal(logic.exportName('go/go-backend-round2.md', new Date(2026, 10, 9)), 'go-backend-round2-2026-11-09.md');
});

test('the notes block holds the time as M:SS, and a time alone makes no block', () => {
    const words = { ...WORDS, time: '用时' };
    const data = {
        ...DATA,
        questions: [
            { number: '1', levels: { Go语言高级特性: '熟练' }, ticks: [], notes: '', time: 754 },
            { number: '2', levels: {}, ticks: [], notes: '', time: 30 },
            { number: '3', levels: {}, ticks: [], notes: 'n', time: 0 },
        ],
    };
    const out = logic.exportRecord(SEED, data, words);
    assert.ok(out.includes('**面试官记录**:\n\n- **Go语言高级特性**: 熟练\n- **用时**: 12:34\n\n---\n\n### 2.'), out);
    // Question 2 was only looked at; question 3 has no time line.
    assert.equal((out.match(/\*\*面试官记录\*\*/g) || []).length, 2);
    assert.ok(out.includes('**面试官记录**:\n\n```text\nn\n```\n'));
    assert.equal(logic.exportRecord(out, data, words), out);
    assert.equal(logic.clock(0), '0:00');
    assert.equal(logic.clock(59), '0:59');
    assert.equal(logic.clock(3725), '62:05');
});
