//! `qbank new record` and `qbank new question`, run as a user would.

use std::path::Path;
use std::process::Command;

const QBANK: &str = env!("CARGO_BIN_EXE_qbank");

fn qbank(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(QBANK)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn new_record_then_questions_builds_clean() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path();
    std::fs::write(
        book.join("book.toml"),
        "[book]\ntitle = \"t\"\nlanguage = \"zh\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(book.join("src")).unwrap();
    std::fs::write(book.join("src/SUMMARY.md"), "# Summary\n\n").unwrap();

    let out = qbank(
        &["new", "record", "src/go/第三轮.md", "--title", "Go 第三轮"],
        book,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = std::fs::read_to_string(book.join("src/SUMMARY.md")).unwrap();
    assert!(summary.contains("- [Go 第三轮](go/第三轮.md)"), "{summary}");
    let record = std::fs::read_to_string(book.join("src/go/第三轮.md")).unwrap();
    assert!(
        record.contains("**面试官**:") && record.contains("## 面试评价模板"),
        "{record}"
    );

    for title in ["服务发现", "熔断与降级"] {
        let out = qbank(
            &["new", "question", "src/go/第三轮.md", "--title", title],
            book,
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let record = std::fs::read_to_string(book.join("src/go/第三轮.md")).unwrap();
    assert!(record.contains("### 3. 熔断与降级"), "{record}");
    assert!(record.find("### 3.").unwrap() < record.find("## 面试评价模板").unwrap());

    let out = qbank(&["check", "."], book);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("1 record(s), 3 question(s), no errors"),
        "{err}"
    );

    // Never overwrite.
    let out = qbank(
        &["new", "record", "src/go/第三轮.md", "--title", "again"],
        book,
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
}
