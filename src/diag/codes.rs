//! Every diagnostic code qbank reports, with its severity and an explanation
//! (`qbank explain QB003`). The guide's tables are checked against this list by a test.

use super::Severity;
use std::fmt;

macro_rules! codes {
    ($($code:ident $sev:ident $summary:literal $explanation:literal)*) => {
        /// A diagnostic code. Each has one severity, a one-line summary and an explanation.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code {
            $(#[doc = $summary] $code,)*
        }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$code),*];

            /// The code as written in messages: `QB003`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$code => stringify!($code),)* }
            }

            /// Whether a finding with this code stops a build.
            pub fn severity(self) -> Severity {
                match self { $(Code::$code => Severity::$sev,)* }
            }

            /// What the code means, in one line.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$code => $summary,)* }
            }

            /// What the code means, why, and how to fix it, with an example.
            pub fn explanation(self) -> &'static str {
                match self { $(Code::$code => $explanation,)* }
            }
        }
    };
}

codes! {
    QB001 Warning "a numbered heading looks like the next question but has no interviewer marker, so it stays in the previous answer"
"A heading such as `### 4. Title` that follows question 3 looks like question 4, but its
first block is not the interviewer marker (`**面试官**:` or `**Interviewer**:`). Headings
inside an answer are allowed (an answer may have its own `### 1.` sections), so qbank keeps
it as part of the previous answer, and says so.

Fix: if it is a question, start it with the interviewer's prompt:

    ### 4. 分布式锁实现

    **面试官**: 如何用 Redis 实现分布式锁？

If it belongs to the answer, renumber it or give it a title that is not the next number."

    QB002 Error "an answer marker before the interviewer prompt, or outside any question"
"An answer marker (`**候选人回答**:` or `**Candidate answer**:`) must come after a question
heading and its interviewer prompt. One that comes first, or before the first question,
cannot be attached to a question.

Fix: put the prompt first, then the answer marker:

    ### 1. Title

    **面试官**: the question

    **候选人回答**:
    the answer"

    QB003 Error "two questions of one record have the same explicit id (both places are named)"
"Every question has an id, unique within its record's page: `{#id}` written after the heading,
or the slug of its title. The id is the question's link anchor (`page.html#id`). Two records
may ask the same question with the same id; that is how the frequently-asked page groups
them. But two questions of one record cannot both be set to one id with `{#…}`: a link would
not know which card to land on. (Two derived ids that collide are renumbered instead, with
QB018.)

Fix: give one of them another explicit id:

    ### 3. 限流算法和实现 {#rate-limit-gateway}"

    QB004 Warning "a question has no answer marker: it is shown as unanswered"
"A question without an answer marker has no answer area. It is rendered, and counted as
unanswered on the coverage page.

Fix: add the answer marker after the prompt, with the model answer or a placeholder:

    **候选人回答**:
    [请在此处回答]"

    QB005 Error "a code fence is never closed, so the rest of the file would be code"
"A fence opened with ``` or ~~~ runs to the end of the file when it is not closed, which
turns every later question into code.

Fix: add the closing fence line where the code ends."

    QB006 Error "a rubric line's levels differ from the scale of the first line"
"The evaluation template is a list with one line per dimension, each offering the same
levels (`- 技术深度: [ ] 精通 [ ] 熟练 [ ] 了解 [ ] 欠缺`). The first line sets the scale;
a line with other levels, or the same levels in another order, cannot be scored on it.

Fix: give every dimension the same levels in the same order."

    QB007 Warning "a record-like chapter (info section or template) has no questions"
"The chapter has an interview-info section or an evaluation template, so it looks like a
record, but no heading in it is a question (a numbered heading followed by the interviewer
marker). It is shown as an ordinary page.

Fix: start each question with `### N. Title` and `**面试官**: …` on the next block."

    QB008 Warning "an unknown key in `[preprocessor.qbank]`"
"book.toml's `[preprocessor.qbank]` table has a key qbank does not know, often a typo. It is
ignored.

Fix: correct or remove the key. `qbank check` lists the known keys in its help line."

    QB009 Error "(stock mdBook) the assets of `mdbook-qbank install` are missing or from another version"
"Under stock `mdbook build`, the pages load qbank's CSS and JS from the book root, where
`mdbook-qbank install` copied them. They are missing, not listed in book.toml, or were
installed by another version of mdbook-qbank, whose styles would not match the cards.

Fix: run `mdbook-qbank install` in the book root again (or build with `qbank build`, which
needs no install)."

    QB010 Error "a file is not valid UTF-8 (the position of the first bad byte is given)"
"mdBook reads chapters as UTF-8. A file saved in another encoding (GBK, Latin-1) cannot be
read, and would lose its text.

Fix: convert the file to UTF-8, for example `iconv -f GBK -t UTF-8 in.md > out.md`."

    QB011 Error "YAML front matter or question metadata that does not parse"
"The record's front matter (between `---` lines at its top) or a question's
`<!-- qbank … -->` comment holds YAML that does not parse. The position points at the
problem, for example an unclosed `[`.

Fix: correct the YAML, for example:

    <!-- qbank
    difficulty: 3
    tags: [redis, cache]
    -->"

    QB012 Warning "an unknown key in front matter or question metadata"
"The YAML has a key qbank does not know, often a typo (`tag:` for `tags:`). It is ignored.

Fix: correct or remove the key; the help line lists the known keys."

    QB013 Error "`difficulty` that is not a whole number from 1 to 5"
"A question's `difficulty:` is shown as stars and used by the filters, so it must be a whole
number from 1 to 5.

Fix: `difficulty: 3`."

    QB014 Error "a level in a question's `rubric:` that is not on the record's scale"
"A question's own `rubric:` describes what each level means for it. Its keys must be levels
of the record's evaluation template (or of `levels` in book.toml when the record has none).

Fix: use the record's levels, for example `精通`, `熟练`, `了解`, `欠缺`."

    QB015 Error "`{{#question ID}}` with an id no question has"
"A `{{#question ID}}` link names a question id (or alias) that no question in the book has,
or its qualified form `{{#question path/to/record.md#ID}}` names a record or an id that does
not exist. The help line suggests the closest id.

Fix: use the id shown in the question's link button, or the slug of its title; paths are
relative to the book's src/ folder."

    QB016 Warning "a `dimensions:` entry that is not in the record's rubric"
"A question's `dimensions:` names the rubric dimensions it assesses. A name that is not a
dimension of the record's evaluation template scores nothing.

Fix: use the names of the template's lines, for example `技术深度`."

    QB017 Error "a `[preprocessor.qbank]` value of the wrong kind, such as an unknown `edition`"
"A key of `[preprocessor.qbank]` has a value qbank cannot use: a string where a list is
expected, or an `edition` other than `handbook` and `practice`.

Fix: correct the value; the message says what was expected."

    QB018 Warning "two questions of one record derive the same id: the later one gets `-2`"
"Ids derived from titles must be unique within a record's page, so when a record asks a
question twice (or two titles slug alike), the second gets `-2`, the third `-3`, as mdBook
does for headings. Links to the renumbered one change when the first is removed.

Fix: nothing, if that is fine; or give one of them its own id: `### 7. 自我介绍 {#intro-again}`."

    QB019 Error "`{{#question ID}}` names an id that several records have"
"Ids are unique within a record's page, and several records may ask the same question with the
same id. A link by id alone then cannot know which card to land on.

Fix: name the record, with its path relative to the book's src/ folder:

    {{#question go/round2.md#限流算法和实现}}"

    QB020 Warning "a question id of the previous build is gone, so links to it no longer land"
"Links to a question (`page.html#id`) travel through chat and documents. qbank keeps the ids of
each build in `qbank/ids.json` and compares: an id that disappeared, usually because a title
was edited, breaks those links. When a question of the same record has a similar title, the
help names it.

Fix: keep the old id working with an alias in that question's metadata:

    <!-- qbank
    aliases: [old-id]
    -->"

    QB021 Error "an alias that is also an id, or another alias, on the same page"
"An alias makes `page.html#alias` land on its question. On one record page an alias cannot be a
real question id, nor the alias of another question: the page could not tell where to go.

Fix: remove the alias, or the question that now has that id no longer needs it."

    QB022 Error "`same-as` names an id no question has"
"`same-as: ID` says that this question asks what the question with id ID asks, in other words,
so the frequently-asked page counts them together. ID must be the id (or alias) of a question
somewhere in the book.

Fix: use the id from the other question's link button."

    QB023 Error "`same-as` links form a cycle"
"`same-as` points from a question to the one it is the same as. Following the links must end at
one question, the group's representative; a cycle (A same-as B, B same-as A) has none.

Fix: let every question of the group point at the same one, which itself has no `same-as`."

    QB024 Warning "a record in src/ is not listed in SUMMARY.md, so it is not in the site"
"mdBook builds only the chapters SUMMARY.md lists. A file under src/ that parses as an interview
record but is not listed is silently left out of the site. The help line gives the line to add.
Files ignored by .gitignore, and hidden ones, are not looked at.

Fix: add the line to SUMMARY.md, or remove the file, or move it out of src/."

    QB025 Warning "a book without SUMMARY.md has no records in its folder tree"
"Without SUMMARY.md, qbank makes the navigation from the folders under src/: every markdown
file is a chapter, every folder a section. This book's folders hold no interview records.

Fix: add records (`qbank new record src/go/round1.md --title …`), or check that `src` in
book.toml points at the right folder."

    QB026 Warning "an item of a question's interviewer notes has a value qbank cannot read"
"Interview mode exports a notes block under each scored question (`**面试官记录**:`), whose
list items qbank reads back: `**考察要点**: 1, 3` (`notes-key-points`) lists the ticked key
points by number, and `**用时**: 12:05` (`notes-time`) the time spent, in minutes and seconds
(`1:02:05` with hours also works). An item with one of these labels whose value is not of that
form cannot be read; it is shown on the page as written, and interview mode does not start from
it.

Fix: write the value in its form:

    - **考察要点**: 1, 3
    - **用时**: 12:05"
}

impl Code {
    /// The code named `s` (`QB003`, case-insensitive).
    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_back() {
        for &c in Code::ALL {
            assert_eq!(Code::parse(c.as_str()), Some(c));
            assert!(!c.explanation().is_empty());
        }
        assert_eq!(Code::parse("qb003"), Some(Code::QB003));
        assert_eq!(Code::parse("QB999"), None);
    }
}
