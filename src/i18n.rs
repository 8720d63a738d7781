//! Every label qbank writes into a page, in each language it speaks. The language comes from
//! `[preprocessor.qbank] language` or `book.language`: `zh*` gets Chinese, anything else English.

use serde::Serialize;

/// The words qbank puts on a page.
#[derive(Debug, Serialize)]
#[non_exhaustive]
pub(crate) struct Labels {
    pub model_answer: &'static str,
    pub no_answer: &'static str,
    pub rubric: &'static str,
    pub key_points: &'static str,
    pub dimensions: &'static str,
    pub levels: &'static str,
    pub expand_all: &'static str,
    pub collapse_all: &'static str,
    pub copy_link: &'static str,
    pub copied: &'static str,
    /// Name of the `#` link beside a heading inside a prompt or answer.
    pub section_link: &'static str,
    /// Announced (aria-live) after "expand all" / "collapse all".
    pub all_expanded: &'static str,
    pub all_collapsed: &'static str,
    pub questions: &'static str,
    pub answered: &'static str,
    pub unanswered: &'static str,
    pub answered_count: &'static str,
    pub recorded_level: &'static str,
    pub dimension: &'static str,
    pub difficulty: &'static str,
    pub tags: &'static str,
    pub follow_up: &'static str,
    pub role: &'static str,
    pub round: &'static str,
    pub level: &'static str,
    pub duration: &'static str,
    pub tags_page: &'static str,
    pub dimensions_page: &'static str,
    pub coverage_page: &'static str,
    pub generated_part: &'static str,
    pub record: &'static str,
    pub overall: &'static str,
    pub all: &'static str,
    pub no_questions: &'static str,
    pub state: &'static str,
    pub search_placeholder: &'static str,
    pub search_name: &'static str,
    pub search_none: &'static str,
    pub search_results: &'static str,
    pub search_answer: &'static str,
    pub search_toggle: &'static str,
    pub frequent_page: &'static str,
    pub frequent_intro: &'static str,
    pub frequent_none: &'static str,
    pub best_answer: &'static str,
    /// `also asked in {n} other record(s)`: see [`Labels::also_asked`].
    #[serde(skip)]
    also_asked: [&'static str; 2],
    /// `asked in {n} records`: see [`Labels::asked_in`].
    #[serde(skip)]
    asked_in: &'static str,
    // interview mode (handbook edition only: the practice edition's scripts never get them)
    pub iv_mode: &'static str,
    pub iv_new: &'static str,
    pub iv_confirm_new: &'static str,
    pub iv_none: &'static str,
    pub iv_notes: &'static str,
    pub iv_no_rubric: &'static str,
    pub iv_scorecard: &'static str,
    pub iv_suggested: &'static str,
    pub iv_accept: &'static str,
    pub iv_summary: &'static str,
    pub iv_radar: &'static str,
    pub iv_not_saved: &'static str,
    pub iv_export: &'static str,
    pub iv_copy: &'static str,
    pub iv_copied: &'static str,
    pub iv_no_source: &'static str,
    pub iv_orphans: &'static str,
    pub iv_time: &'static str,
    pub iv_total_time: &'static str,
}

static ZH: Labels = Labels {
    model_answer: "参考答案",
    no_answer: "暂无参考答案",
    rubric: "评分参考",
    key_points: "考察要点",
    dimensions: "评价维度",
    levels: "等级",
    expand_all: "展开全部答案",
    collapse_all: "收起全部答案",
    copy_link: "复制链接",
    copied: "已复制",
    section_link: "本节链接",
    all_expanded: "已展开全部答案",
    all_collapsed: "已收起全部答案",
    questions: "题目",
    answered: "已有答案",
    unanswered: "暂无答案",
    answered_count: "有参考答案",
    recorded_level: "已评",
    dimension: "维度",
    difficulty: "难度",
    tags: "标签",
    follow_up: "追问",
    role: "岗位",
    round: "轮次",
    level: "级别",
    duration: "时长",
    tags_page: "按标签",
    dimensions_page: "按评价维度",
    coverage_page: "答案覆盖率",
    generated_part: "索引",
    record: "面试记录",
    overall: "总计",
    all: "全部",
    no_questions: "没有符合条件的题目。",
    state: "答案状态",
    search_placeholder: "搜索本题库……",
    search_name: "搜索本题库",
    search_none: "没有找到",
    search_results: "条结果",
    search_answer: "答案",
    search_toggle: "搜索",
    frequent_page: "高频题",
    frequent_intro: "在两份及以上面试记录中出现过的题目，按出现的记录数排序。",
    frequent_none: "还没有在多份记录中出现过的题目。",
    best_answer: "最佳答案",
    also_asked: ["另有 {n} 份面试记录问过此题", "另有 {n} 份面试记录问过此题"],
    asked_in: "{n} 份记录",
    // interview mode
    iv_mode: "面试模式",
    iv_new: "新面试",
    iv_confirm_new: "清除本记录的全部评分、勾选和记录，开始新面试？",
    iv_none: "不评",
    iv_notes: "面试官记录",
    iv_no_rubric: "本记录没有评价模板，无可评分的维度；仍可勾选要点、写记录。",
    iv_scorecard: "评分卡",
    iv_suggested: "建议",
    iv_accept: "采用建议等级",
    iv_summary: "面试总结",
    iv_radar: "各维度等级雷达图",
    iv_not_saved: "无法保存到浏览器存储（隐私窗口或空间已满）：关闭页面后评分会丢失。",
    iv_export: "导出评价",
    iv_copy: "复制为 Markdown",
    iv_copied: "已复制到剪贴板",
    iv_no_source: "无法导出：本站点没有记录的源文件（请用 qbank build 构建）。",
    iv_orphans: "已不在本记录中的题目的面试官记录",
    iv_time: "用时",
    iv_total_time: "总用时",
};

static EN: Labels = Labels {
    model_answer: "Model answer",
    no_answer: "No model answer yet",
    rubric: "Rubric",
    key_points: "Key points",
    dimensions: "Dimensions",
    levels: "Levels",
    expand_all: "Expand all answers",
    collapse_all: "Collapse all answers",
    copy_link: "Copy link",
    copied: "Copied",
    section_link: "Link to this section",
    all_expanded: "All answers expanded",
    all_collapsed: "All answers collapsed",
    questions: "Questions",
    answered: "Answered",
    unanswered: "Unanswered",
    answered_count: "with a model answer",
    recorded_level: "recorded",
    dimension: "Dimension",
    difficulty: "Difficulty",
    tags: "Tags",
    follow_up: "Follow-up",
    role: "Role",
    round: "Round",
    level: "Level",
    duration: "Duration",
    tags_page: "By tag",
    dimensions_page: "By rubric dimension",
    coverage_page: "Answer coverage",
    generated_part: "Indexes",
    record: "Record",
    overall: "Overall",
    all: "All",
    no_questions: "No question matches.",
    state: "Answer",
    search_placeholder: "Search this book ...",
    search_name: "Search this book",
    search_none: "No results for",
    search_results: "results",
    search_answer: "answer",
    search_toggle: "Search",
    frequent_page: "Frequently asked",
    frequent_intro: "Questions asked in two or more interview records, most often asked first.",
    frequent_none: "No question is asked in more than one record yet.",
    best_answer: "best answer",
    also_asked: [
        "Also asked in {n} other record",
        "Also asked in {n} other records",
    ],
    asked_in: "{n} records",
    // interview mode
    iv_mode: "Interview mode",
    iv_new: "New interview",
    iv_confirm_new: "Clear every level, tick and note of this record and start a new interview?",
    iv_none: "none",
    iv_notes: "Interviewer notes",
    iv_no_rubric: "This record has no evaluation template, so there is no rubric to score; key points and notes still work.",
    iv_scorecard: "Scorecard",
    iv_suggested: "suggested",
    iv_accept: "Accept suggested levels",
    iv_summary: "Summary",
    iv_radar: "Radar chart of the levels per dimension",
    iv_not_saved: "Could not save to browser storage (private window or full): the scores are lost when the page closes.",
    iv_export: "Export evaluation",
    iv_copy: "Copy as markdown",
    iv_copied: "Copied to the clipboard",
    iv_no_source: "Cannot export: this site has no source of the record (build it with qbank build).",
    iv_orphans: "Interviewer notes of questions no longer in this record",
    iv_time: "Time",
    iv_total_time: "Total time",
};

impl Labels {
    /// The card's line for a question `n` other records ask too.
    pub(crate) fn also_asked(&self, n: usize) -> String {
        self.also_asked[usize::from(n != 1)].replace("{n}", &n.to_string())
    }

    /// A frequently-asked group's count.
    pub(crate) fn asked_in(&self, n: usize) -> String {
        self.asked_in.replace("{n}", &n.to_string())
    }

    /// Chinese for `zh`, `zh-CN`, `zh_TW`…; English otherwise.
    pub(crate) fn for_language(lang: Option<&str>) -> &'static Labels {
        match lang {
            Some(l) if l.to_ascii_lowercase().starts_with("zh") => &ZH,
            _ => &EN,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_picks_labels() {
        assert_eq!(Labels::for_language(Some("zh-CN")).model_answer, "参考答案");
        assert_eq!(Labels::for_language(Some("zh")).model_answer, "参考答案");
        assert_eq!(
            Labels::for_language(Some("en")).model_answer,
            "Model answer"
        );
        assert_eq!(Labels::for_language(None).model_answer, "Model answer");
    }
}
