//! Bad input: every case gets a `file:line:col` diagnostic from `qbank check`, the same from
//! `qbank build`, a non-zero exit on errors, and a build that leaves the previous site alone.

mod common;
use common::copy_dir;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const QBANK: &str = env!("CARGO_BIN_EXE_qbank");

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bad")
        .join(name)
}

fn run(args: &[&str], dir: &Path) -> Output {
    Command::new(QBANK)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run qbank")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Checks and builds a copy of the fixture; returns (check stderr, build stderr).
fn check_and_build(name: &str, expect_error: bool) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join(name);
    copy_dir(&fixture(name), &book);
    let check = run(&["check", name], dir.path());
    assert_eq!(
        check.status.success(),
        !expect_error,
        "check: {}",
        stderr(&check)
    );

    // A previous site must survive a failed build untouched.
    let site = dir.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("index.html"), "previous site").unwrap();
    std::fs::write(site.join(".qbank-site"), "").unwrap();
    let build = run(&["build", name, "-d", "site"], dir.path());
    assert_eq!(
        build.status.success(),
        !expect_error,
        "build: {}",
        stderr(&build)
    );
    if expect_error {
        assert_eq!(
            std::fs::read_to_string(site.join("index.html")).unwrap(),
            "previous site"
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".qbank-"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
    // The whole report, not only the parts the tests below look for.
    insta::with_settings!({ snapshot_path => "snapshots/diagnostics", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(name, stderr(&check));
    });
    (stderr(&check), stderr(&build))
}

fn assert_diag(out: &str, header: &str, location: &str) {
    assert!(out.contains(header), "missing `{header}` in:\n{out}");
    assert!(
        out.contains(&format!("--> {location}")),
        "missing `{location}` in:\n{out}"
    );
    assert!(out.contains("= help: "), "no help line in:\n{out}");
}

#[test]
fn question_without_interviewer_marker_warns() {
    let (check, _) = check_and_build("no-interviewer", false);
    assert_diag(&check, "warning[QB001]", "no-interviewer/src/r.md:14:1");
    assert!(check.contains("looks like question 2"), "{check}");
}

#[test]
fn answer_marker_before_prompt_is_an_error() {
    let (check, build) = check_and_build("answer-first", true);
    for out in [&check, &build] {
        assert_diag(out, "error[QB002]", "answer-first/src/r.md:13:1");
    }
}

#[test]
fn duplicate_ids_name_both_places() {
    let (check, build) = check_and_build("dup-id", true);
    for out in [&check, &build] {
        assert_diag(
            out,
            "error[QB003]: question id `调度器` (set with `{#…}`) is already used in this record",
            "dup-id/src/r.md:11:1",
        );
        assert!(out.contains("first used at dup-id/src/r.md:3:1"), "{out}");
    }
}

#[test]
fn rubric_line_with_other_levels_is_an_error() {
    let (check, build) = check_and_build("rubric-levels", true);
    for out in [&check, &build] {
        assert_diag(out, "error[QB006]", "rubric-levels/src/r.md:12:3");
    }
}

#[test]
fn unclosed_fence_is_an_error() {
    let (check, build) = check_and_build("unclosed-fence", true);
    for out in [&check, &build] {
        assert_diag(out, "error[QB005]", "unclosed-fence/src/r.md:8:1");
    }
}

#[test]
fn non_utf8_file_is_located() {
    let (check, build) = check_and_build("non-utf8", true);
    for out in [&check, &build] {
        assert_diag(out, "error[QB010]", "non-utf8/src/r.md:5:12");
    }
}

#[test]
fn record_without_questions_warns() {
    let (check, _) = check_and_build("empty-record", false);
    assert_diag(&check, "warning[QB007]", "empty-record/src/r.md:3:1");
}

#[test]
fn check_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("b");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("book"), &book);
    let _ = std::fs::remove_dir_all(book.join("book"));
    let before: Vec<_> = walkdir::WalkDir::new(&book)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .collect();
    let out = run(&["check", "b"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("2 record(s), 12 question(s), no errors"),
        "{}",
        stderr(&out)
    );
    let after: Vec<_> = walkdir::WalkDir::new(&book)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .collect();
    assert_eq!(before, after);
}

#[test]
fn unknown_config_key_warns_with_known_keys() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("b");
    copy_dir(&fixture("no-interviewer"), &book);
    let toml = std::fs::read_to_string(book.join("book.toml")).unwrap();
    std::fs::write(
        book.join("book.toml"),
        format!("{toml}\n[preprocessor.qbank]\nlevel = [\"A\"]\n"),
    )
    .unwrap();
    let out = run(&["check", "b"], dir.path());
    let err = stderr(&out);
    assert_diag(
        &err,
        "warning[QB008]: unknown key `level`",
        "b/book.toml:6:1",
    );
    assert!(err.contains("known keys: interviewer-markers"), "{err}");
}

#[test]
fn json_format_for_editors_and_ci() {
    let out = run(&["check", "dup-id", "--format", "json"], &fixture(""));
    assert!(!out.status.success());
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("stdout is one JSON array");
    let d = &v.as_array().unwrap()[0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["code"], "QB003");
    assert_eq!(d["file"], "dup-id/src/r.md");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(11), Some(1))
    );
    assert!(d["message"].as_str().unwrap().contains("调度器"));
}

#[test]
fn deny_warnings_fails_on_warnings() {
    let dir = fixture("");
    assert!(run(&["check", "no-interviewer"], &dir).status.success());
    let out = run(&["check", "no-interviewer", "--deny-warnings"], &dir);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--deny-warnings"), "{}", stderr(&out));
}

#[test]
fn yaml_with_an_unclosed_bracket_points_at_the_bracket() {
    let (check, build) = check_and_build("yaml-bracket", true);
    for out in [&check, &build] {
        assert_diag(out, "error[QB011]", "yaml-bracket/src/r.md:6:7");
    }
}

#[test]
fn dangling_question_link_is_an_error_at_the_token() {
    let (check, build) = check_and_build("dangling-link", true);
    for out in [&check, &build] {
        assert_diag(out, "error[QB015]", "dangling-link/src/notes.md:3:5");
        assert!(out.contains("did you mean `gmp`?"), "{out}");
    }
}

#[test]
fn unknown_level_in_question_rubric_is_an_error() {
    let (check, build) = check_and_build("unknown-level", true);
    for out in [&check, &build] {
        assert_diag(
            out,
            "error[QB014]: level `大师`",
            "unknown-level/src/r.md:7:3",
        );
    }
}

#[test]
fn the_same_id_in_two_records_builds_but_a_bare_link_to_it_is_ambiguous() {
    let (check, build) = check_and_build("ambiguous-link", true);
    for out in [&check, &build] {
        assert_diag(
            out,
            "error[QB019]: `{{#question 调度器原理}}` is ambiguous: 2 records",
            "ambiguous-link/src/notes.md:3:10",
        );
        assert!(out.contains("{{#question r.md#调度器原理}}"), "{out}");
        assert!(!out.contains("QB003"), "{out}");
        // The qualified link on line 5 is fine.
        assert_eq!(out.matches("error[").count(), 1, "{out}");
    }
}

#[test]
fn a_repeated_title_in_one_record_is_renumbered_with_a_warning() {
    let (check, _) = check_and_build("dup-derived", false);
    assert_diag(
        &check,
        "warning[QB018]: question 3 derives the id `自我介绍`",
        "dup-derived/src/r.md:19:1",
    );
    assert!(
        check.contains("`自我介绍` is question 1 at dup-derived/src/r.md:3:1"),
        "{check}"
    );
}

#[test]
fn an_invalid_config_value_is_located_in_book_toml() {
    let (check, build) = check_and_build("bad-edition", true);
    for out in [&check, &build] {
        assert_diag(
            out,
            "error[QB017]: invalid value for `edition` in [preprocessor.qbank]",
            "bad-edition/book.toml:11:1",
        );
        assert!(out.contains("expected `handbook` or `practice`"), "{out}");
        // Not `[rust] edition` on line 7, which comes first in the file.
        assert!(!out.contains("book.toml:7:"), "{out}");
    }
}

/// The guide's tables of codes say what `qbank explain` says: every code, with its severity.
#[test]
fn the_guide_lists_every_code_with_its_severity() {
    use qbank::diag::{Code, Severity};
    let guide = Path::new(env!("CARGO_MANIFEST_DIR")).join("book/src/guide");
    let mut rows = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(&guide).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in text.lines() {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            if cells.len() > 3 && cells[1].starts_with("QB") {
                rows.insert(cells[1].to_string(), cells[2].to_string());
            }
        }
    }
    for &code in Code::ALL {
        let severity = match code.severity() {
            Severity::Error => "error",
            _ => "warning",
        };
        assert_eq!(
            rows.get(code.as_str()).map(String::as_str),
            Some(severity),
            "{code} is missing from the guide's tables, or has another severity there"
        );
    }
    for listed in rows.keys() {
        assert!(
            Code::parse(listed).is_some(),
            "the guide lists {listed}, which qbank lacks"
        );
    }
}

#[test]
fn explain_prints_a_code_and_refuses_unknown_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["explain", "QB003"], dir.path());
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("QB003 (error): "), "{text}");
    assert!(text.contains("{#"), "the explanation shows the fix: {text}");
    let out = run(&["explain", "QB999"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("qbank explain"), "{}", stderr(&out));
    let out = run(&["explain"], dir.path());
    let list = String::from_utf8_lossy(&out.stdout);
    assert_eq!(list.lines().count(), qbank::diag::Code::ALL.len());
}

#[test]
fn exit_codes_tell_bank_errors_from_usage_and_failures() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("bad");
    copy_dir(&fixture("unclosed-fence"), &book);
    assert_eq!(run(&["check", "bad"], dir.path()).status.code(), Some(1));
    assert_eq!(run(&["build", "bad"], dir.path()).status.code(), Some(1));
    assert_eq!(
        run(&["build", "bad", "-d", "bad"], dir.path())
            .status
            .code(),
        Some(2)
    );
    assert_eq!(run(&["--no-such-flag"], dir.path()).status.code(), Some(2));
    // A book that is not there: a failure, not a bank error.
    assert_eq!(
        run(&["build", "missing"], dir.path()).status.code(),
        Some(3)
    );
}

#[test]
fn same_as_to_nothing_or_in_a_cycle_is_an_error() {
    let (check, build) = check_and_build("same-as", true);
    for out in [&check, &build] {
        assert_diag(
            out,
            "error[QB022]: question 1 is `same-as: 不存在的题`",
            "same-as/src/r.md:5:1",
        );
        assert_diag(
            out,
            "error[QB023]: `same-as` links form a cycle",
            "same-as/src/r.md:",
        );
    }
}

#[test]
fn an_alias_that_is_an_id_on_its_page_is_an_error() {
    let (check, build) = check_and_build("alias-clash", true);
    for out in [&check, &build] {
        assert_diag(
            out,
            "error[QB021]: alias `自我介绍` of question 1 is taken on this page",
            "alias-clash/src/r.md:5:1",
        );
    }
}

#[test]
fn a_record_missing_from_summary_warns_with_the_line_to_add() {
    let (check, build) = check_and_build("unlisted", false);
    for out in [&check, &build] {
        assert_diag(
            out,
            "warning[QB024]: extra/new.md is an interview record",
            "unlisted/src/extra/new.md:1:1",
        );
        assert!(out.contains("`- [新的记录](extra/new.md)`"), "{out}");
        // Hidden files, .gitignore'd ones and pages that are not records are left alone.
        assert_eq!(out.matches("QB024").count(), 1, "{out}");
    }
}

#[test]
fn a_print_limit_that_is_no_size_is_located_in_book_toml() {
    let (check, build) = check_and_build("bad-print-limit", true);
    for out in [&check, &build] {
        assert_diag(
            out,
            "error[QB017]: invalid value for `print-limit` in [preprocessor.qbank]",
            "bad-print-limit/book.toml:7:1",
        );
        assert!(out.contains("\"32MB\""), "{out}");
    }
}
