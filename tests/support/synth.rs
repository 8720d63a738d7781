#![allow(dead_code)]
//! Deterministic synthetic question banks in the seed's format, for benchmarks and load tests.
//!
//! The same `(questions, seed)` always gives the same text, so numbers can be compared across
//! machines and commits.

use std::fmt::Write as _;

/// About sixty recurring topics: real banks ask `自我介绍` or `限流算法和实现` in interview
/// after interview, and sometimes twice in one. Titles are drawn from this list as they are,
/// so they repeat across records and within a record.
const TOPICS: &[&str] = &[
    "自我介绍",
    "Go语言调度器原理",
    "sync包和并发控制",
    "Context包的使用和原理",
    "Redis数据结构和持久化机制",
    "MySQL索引原理和查询优化",
    "消息队列原理",
    "分布式锁实现",
    "一致性哈希和负载均衡",
    "限流算法和实现",
    "Go性能分析和调优",
    "HTTP/2 与 gRPC",
    "Kafka 分区与消费者组",
    "Go内存分配与逃逸分析",
    "Go垃圾回收机制",
    "channel底层实现",
    "map并发安全",
    "slice扩容机制",
    "interface底层结构",
    "defer和panic恢复",
    "MySQL事务隔离级别",
    "MVCC实现原理",
    "B+树与索引下推",
    "慢查询排查",
    "分库分表方案",
    "Redis缓存穿透击穿雪崩",
    "Redis集群与哨兵",
    "缓存一致性",
    "分布式事务",
    "CAP与BASE理论",
    "Raft共识算法",
    "etcd与服务发现",
    "微服务拆分原则",
    "服务熔断与降级",
    "接口幂等设计",
    "秒杀系统设计",
    "短链接系统设计",
    "TCP三次握手与四次挥手",
    "TIME_WAIT过多怎么办",
    "epoll与IO多路复用",
    "零拷贝",
    "Linux进程与线程",
    "死锁的排查",
    "Docker与cgroup",
    "Kubernetes调度",
    "Pod生命周期",
    "日志与链路追踪",
    "监控与告警",
    "灰度发布",
    "数据库连接池",
    "RPC框架设计",
    "序列化协议对比",
    "布隆过滤器",
    "LRU缓存实现",
    "排行榜设计",
    "定时任务调度",
    "项目中最难的问题",
    "线上故障复盘",
    "代码评审习惯",
    "反问环节",
];

/// A tiny deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545F4914F6CDD1D)
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

/// English words for technical terms in the text.
const WORDS: &[&str] = &[
    "goroutine",
    "channel",
    "mutex",
    "context",
    "Redis",
    "Kafka",
    "MySQL",
    "MVCC",
    "pprof",
    "GOMAXPROCS",
    "RPC",
    "gRPC",
    "HTTP",
    "TCP",
    "epoll",
    "B+Tree",
    "LSM",
    "Raft",
    "Paxos",
    "etcd",
    "ZooKeeper",
    "RedLock",
    "CAS",
    "GC",
    "heap",
    "stack",
    "slice",
    "map",
    "interface",
    "defer",
    "panic",
    "select",
    "WaitGroup",
    "sync.Once",
    "RWMutex",
    "atomic",
    "cache",
    "key",
    "shard",
    "replica",
    "leader",
    "follower",
    "timeout",
    "retry",
    "backoff",
    "QPS",
    "TPS",
    "p99",
    "latency",
    "throughput",
    "Docker",
    "Kubernetes",
    "Pod",
    "sidecar",
    "Envoy",
    "Nginx",
    "Linux",
    "cgroup",
    "namespace",
    "syscall",
    "mmap",
    "zero-copy",
    "Bloom",
    "HyperLogLog",
    "SkipList",
    "ziplist",
    "quicklist",
    "RDB",
    "AOF",
    "binlog",
    "redo",
    "undo",
    "WAL",
    "index",
];

impl Rng {
    /// A character from a pool of 3,500 CJK characters, common ones far more often.
    fn cjk(&mut self) -> char {
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        let rank = (3500.0 * u * u * u) as u32;
        // A fixed scramble of the block, so the common characters are spread over it.
        let code = 0x4E00 + (rank.wrapping_mul(2654435761) % 20_900);
        char::from_u32(code).unwrap_or('的')
    }

    /// A sentence of CJK words with a technical term now and then.
    fn sentence(&mut self, words: usize) -> String {
        let mut s = String::new();
        for i in 0..words {
            if self.next().is_multiple_of(7) {
                s.push_str(self.pick(WORDS));
            } else {
                for _ in 0..1 + self.next() % 3 {
                    s.push(self.cjk());
                }
            }
            if i + 1 < words && self.next().is_multiple_of(6) {
                s.push('，');
            }
        }
        s.push('。');
        s
    }
}

/// One record with `questions` questions in the seed's shape, about 40% answered, with
/// varied text (about 1.6 KB a question, like real banks): prose fences, code, nested
/// headings, `---` and tables inside answers, empty fences and placeholders.
pub(crate) fn record(title: &str, questions: usize, seed: u64) -> String {
    let mut rng = Rng(seed.wrapping_mul(0x9E3779B97F4A7C15) | 1);
    let mut md = format!(
        "# {title}\n\n## 面试信息\n- **面试轮次**: 第二轮技术深度面试\n- **主要考察方向**: Go语言高级特性 + 常见组件原理\n- **面试时间**: 预计90分钟\n\n---\n\n## 第二轮：深度技术面试\n\n"
    );
    let mut used: Vec<&str> = Vec::new();
    for n in 1..=questions {
        // Mostly a topic this record has not asked yet; now and then one it has (a follow-up
        // round on the same subject), and any topic once the list runs out.
        let fresh: Vec<&str> = TOPICS
            .iter()
            .copied()
            .filter(|t| !used.contains(t))
            .collect();
        let topic = if fresh.is_empty() || (!used.is_empty() && rng.next().is_multiple_of(20)) {
            rng.pick(if used.is_empty() { TOPICS } else { &used })
        } else {
            rng.pick(&fresh)
        };
        used.push(topic);
        let _ = writeln!(md, "### {n}. {topic}\n");
        let _ = writeln!(md, "**面试官**: {} 请详细解释：", rng.sentence(20));
        for k in 1..=3 + rng.next() % 2 {
            let _ = writeln!(md, "{k}. {}", rng.sentence(12));
        }
        md.push_str("\n**候选人回答区域**:\n");
        match rng.next() % 5 {
            0 | 1 => {
                md.push_str("```\n");
                for _ in 0..12 + rng.next() % 6 {
                    let _ = writeln!(md, "{}", rng.sentence(24));
                }
                md.push_str("```\n");
            }
            2 => {
                let _ = writeln!(
                    md,
                    "\n{}\n\n---\n\n### 1. `{}` 的原理\n\n{}\n\n```go\nfunc main() {{\n    var wg sync.WaitGroup\n    wg.Wait()\n}}\n```\n\n| 方案 | 说明 |\n| --- | --- |\n| {} | {} |\n",
                    rng.sentence(30),
                    rng.pick(WORDS),
                    rng.sentence(24),
                    rng.pick(WORDS),
                    rng.sentence(6)
                );
            }
            3 => md.push_str("```\n\n```\n"),
            _ => md.push_str("```\n[请在此处回答]\n```\n"),
        }
        md.push_str("\n---\n\n");
    }
    md.push_str("## 面试评价模板\n\n### 技术深度评估\n");
    for d in [
        "Go语言高级特性",
        "系统组件原理",
        "分布式系统设计",
        "性能调优能力",
        "问题分析能力",
    ] {
        let _ = writeln!(md, "- **{d}**: [ ] 精通 [ ] 熟练 [ ] 了解 [ ] 欠缺");
    }
    md.push_str("\n### 面试总结\n```\n[面试官将在此记录候选人的整体表现]\n```\n");
    md
}

/// A whole book: `records` chapters of `per_record` questions. Returns (file name, text) pairs
/// and the SUMMARY.md that lists them.
pub(crate) fn bank(records: usize, per_record: usize) -> (Vec<(String, String)>, String) {
    let mut files = Vec::with_capacity(records);
    let mut summary = String::from("# Summary\n\n");
    for r in 0..records {
        let name = format!("record-{r:04}.md");
        let title = format!("后台面试记录 {r}");
        let _ = writeln!(summary, "- [{title}]({name})");
        files.push((name, record(&title, per_record, r as u64 + 1)));
    }
    (files, summary)
}
