// Relevance of qbank search on the bundled book: each query names the question a reader looks
// for. Prints recall@10 and how often that question ranks first; the targets are 95% and 80%.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { siteDir } from './harness.mjs';
import { engineOf } from './search-engine.mjs';

const GO = 'go-backend-round2.html#';
const RUST = 'examples/rust-round1.html#';
const Q = {
    gmp: GO + 'go语言调度器原理',
    sync: GO + 'sync包和并发控制',
    ctx: GO + 'context包的使用和原理',
    redis: GO + 'redis数据结构和持久化机制',
    mysql: GO + 'mysql索引原理和查询优化',
    mq: GO + '消息队列原理',
    lock: GO + '分布式锁实现',
    hash: GO + '一致性哈希和负载均衡',
    limit: GO + '限流算法和实现',
    perf: GO + 'go性能分析和调优',
    own: RUST + 'rust-ownership',
    send: RUST + 'send-与-sync',
};

// [query, expected question, kind]
const QUERIES = [
    ['调度器', Q.gmp, 'zh'],
    ['GMP调度模型', Q.gmp, 'mixed'],
    ['工作窃取', Q.gmp, 'zh'],
    ['GOMAXPROCS', Q.gmp, 'en'],
    ['M的自旋', Q.gmp, 'mixed'],
    ['sync.Once', Q.sync, 'en'],
    ['RWMutex', Q.sync, 'en'],
    ['饥饿模式', Q.sync, 'zh'],
    ['WaitGroup', Q.sync, 'en'],
    ['readerCount', Q.sync, 'en'],
    ['超时控制', Q.ctx, 'zh'],
    ['取消传播', Q.ctx, 'zh'],
    ['链路追踪', Q.ctx, 'zh'],
    ['WithValue', Q.ctx, 'en'],
    ['请求ID', Q.ctx, 'mixed'],
    ['热key', Q.redis, 'mixed'],
    ['大key', Q.redis, 'mixed'],
    ['RDB', Q.redis, 'en'],
    ['持久化方式', Q.redis, 'zh'],
    ['故障转移', Q.redis, 'zh'],
    ['B+树', Q.mysql, 'mixed'],
    ['最左前缀', Q.mysql, 'zh'],
    ['EXPLAIN', Q.mysql, 'en'],
    ['MVCC机制', Q.mysql, 'mixed'],
    ['慢查询', Q.mysql, 'zh'],
    ['Kafka', Q.mq, 'en'],
    ['消费者组', Q.mq, 'zh'],
    ['幂等性', Q.mq, 'zh'],
    ['重复消费', Q.mq, 'zh'],
    ['订单系统', Q.mq, 'zh'],
    ['Zookeeper', Q.lock, 'en'],
    ['可重入', Q.lock, 'zh'],
    ['RedLock', Q.lock, 'en'],
    ['红锁', Q.lock, 'zh'],
    ['虚拟节点', Q.hash, 'zh'],
    ['数据倾斜', Q.hash, 'zh'],
    ['一致性哈希环', Q.hash, 'zh'],
    ['负载均衡算法', Q.hash, 'zh'],
    ['令牌桶', Q.limit, 'zh'],
    ['漏桶', Q.limit, 'zh'],
    ['滑动窗口', Q.limit, 'zh'],
    ['全局限流', Q.limit, 'zh'],
    ['pprof', Q.perf, 'en'],
    ['goroutine泄漏', Q.perf, 'mixed'],
    ['内存泄漏', Q.perf, 'zh'],
    ['借用检查器', Q.own, 'zh'],
    ['所有权', Q.own, 'zh'],
    ['RefCell', Q.own, 'en'],
    ['Send Sync', Q.send, 'en'],
    ['Rc Arc', Q.send, 'en'],
    ['"sync.Mutex和sync.RWMutex"', Q.sync, 'phrase'],
    ['gorout 泄漏', Q.perf, 'mixed'],
];

test(`relevance: ${QUERIES.length} queries over the bundled book`, async () => {
    assert.ok(QUERIES.length >= 40);
    const { engine } = engineOf(await siteDir());
    let recall = 0;
    let first = 0;
    const misses = [];
    for (const [query, want, kind] of QUERIES) {
        const { results } = await engine.search(query);
        const top = [];
        for (const r of results.slice(0, 10)) {
            top.push((await engine.doc(r.doc)).url);
        }
        const rank = top.indexOf(want);
        if (rank >= 0) recall++;
        if (rank === 0) first++;
        if (rank !== 0) misses.push(`${kind.padEnd(6)} ${query} → rank ${rank < 0 ? 'none' : rank + 1}; first: ${top[0] ?? '-'}`);
    }
    const pct = (n) => ((100 * n) / QUERIES.length).toFixed(1);
    console.log(`relevance: recall@10 ${pct(recall)}% (${recall}/${QUERIES.length}), first ${pct(first)}% (${first}/${QUERIES.length})`);
    for (const m of misses) console.log(`  not first: ${m}`);
    assert.ok(recall / QUERIES.length >= 0.95, `recall@10 ${pct(recall)}% < 95%`);
    assert.ok(first / QUERIES.length >= 0.8, `first ${pct(first)}% < 80%`);
});

test('adjacency: 令牌桶 does not match 令牌 and 牌桶 apart', async () => {
    const { api } = engineOf(await siteDir());
    // Two documents, the same pairs; only one has them adjacent.
    const docs = {
        m: { v: 3, n: 2, b: 1, c: 1, w: {}, h: [0], a: [0] },
        c0: {},
        h0: [],
        a0: [],
    };
    const text = ['令牌桶算法', '令牌与牌桶'];
    // Build postings the way Rust does, for this tiny corpus.
    const enc = (n) => {
        const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
        let s = '';
        while (n >= 32) { s += A[32 | (n & 31)]; n = Math.floor(n / 32); }
        return s + A[n];
    };
    const post = {};
    text.forEach((t, doc) => {
        const cs = Array.from(t);
        cs.forEach((c, i) => {
            (post[c] ??= []).push([doc, i]);
            if (i + 1 < cs.length) (post[c + cs[i + 1]] ??= []).push([doc, i]);
        });
    });
    for (const [term, list] of Object.entries(post)) {
        let s = '';
        let last = 0;
        // (document delta × 3 + field), count, positions: field 1 is the prompt.
        for (const [doc, pos] of list) { s += enc((doc - last) * 3 + 1) + enc(1) + enc(pos); last = doc; }
        // Grouped by first character: {"令": {"牌": …}, "桶": {"": …}}.
        const [first, ...rest] = Array.from(term);
        (docs.c0[first] ??= {})[rest.join('')] = s;
    }
    text.forEach((t) => {
        docs.h0.push(['r', t, 'x.html', null, '', t]);
        docs.a0.push('');
    });
    const engine = new api.Engine((name) => Promise.resolve(docs[name]));
    const { results } = await engine.search('令牌桶');
    assert.deepEqual(results.map((r) => r.doc), [0]);
    assert.equal((await engine.search('牌桶')).results.length, 2);
});

test('very common characters: a query loads only the shard of its second character', async () => {
    const { api } = engineOf(await siteDir());
    const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const enc = (n) => {
        let s = '';
        while (n >= 32) { s += A[32 | (n & 31)]; n = Math.floor(n / 32); }
        return s + A[n];
    };
    // One occurrence in the prompt (field 1) of document `doc` at `pos`.
    const post = (doc, pos) => enc(doc * 3 + 1) + enc(1) + enc(pos);
    // 一 has shards of its own: c1 for second characters before 致, c2 from 致 on.
    const files = {
        m: { v: 3, n: 2, b: 1, c: 1, s: { 一: [['丁', '致'], [1, 2]] }, w: {}, h: [0], a: [0] },
        c0: { 致: { 性: post(0, 1) } },
        c1: { 一: { 丁: post(1, 0) } },
        c2: { 一: { 致: post(0, 0) } },
        h0: [['r', '一致性', 'x.html#a', null, '', '一致性'], ['r', '一丁', 'x.html#b', null, '', '一丁']],
        a0: ['', ''],
    };
    const loaded = [];
    const engine = new api.Engine((name) => {
        loaded.push(name);
        return Promise.resolve(files[name]);
    });
    assert.deepEqual((await engine.search('一致性')).results.map((r) => r.doc), [0]);
    assert.ok(loaded.includes('c2') && !loaded.includes('c1'), loaded.join(' '));
    assert.deepEqual((await engine.search('一丁')).results.map((r) => r.doc), [1]);
    assert.ok(loaded.includes('c1'));
    // The character alone reads all of its shards.
    assert.deepEqual((await engine.search('一')).results.map((r) => r.doc).sort(), [0, 1]);
});
