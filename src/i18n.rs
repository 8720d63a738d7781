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
    // study mode
    pub marks: &'static str,
    pub mark_known: &'static str,
    pub mark_unsure: &'static str,
    pub mark_new: &'static str,
    pub bookmark: &'static str,
    pub hide_known: &'static str,
    pub only_unsure: &'static str,
    pub only_bookmarked: &'static str,
    pub progress_page: &'static str,
    pub progress_summary: &'static str,
    pub progress_bookmarked: &'static str,
    pub progress_gone: &'static str,
    pub progress_unsure: &'static str,
    pub progress_bookmarks: &'static str,
    pub export_progress: &'static str,
    pub import_progress: &'static str,
    pub import_done: &'static str,
    pub import_failed: &'static str,
    pub import_json: &'static str,
    pub import_foreign: &'static str,
    pub import_future: &'static str,
    pub import_malformed: &'static str,
    pub study_no_storage: &'static str,
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
    // study mode
    marks: "掌握程度",
    mark_known: "会了",
    mark_unsure: "不熟",
    mark_new: "没看过",
    bookmark: "收藏",
    hide_known: "隐藏已会",
    only_unsure: "只看不熟",
    only_bookmarked: "只看收藏",
    progress_page: "我的进度",
    progress_summary: "{known}/{total} 会了，{unsure} 不熟",
    progress_bookmarked: "，{bookmarked} 收藏",
    progress_gone: "{gone} 条标记对应的题目已不存在",
    progress_unsure: "不熟的题",
    progress_bookmarks: "收藏的题",
    export_progress: "导出进度",
    import_progress: "导入进度",
    import_done: "已导入：新增 {added} 条，更新 {updated} 条。",
    import_failed: "无法导入：{why}进度没有改变。",
    import_json: "文件不是 JSON。",
    import_foreign: "这不是 qbank 的进度文件。",
    import_future: "文件来自更新版本的 qbank，请升级后再导入。",
    import_malformed: "文件内容不符合进度文件的格式。",
    study_no_storage: "浏览器无法保存进度（存储不可用）：标记只在本次会话内有效。",
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
    // study mode
    marks: "Marks",
    mark_known: "Known",
    mark_unsure: "Unsure",
    mark_new: "New",
    bookmark: "Bookmark",
    hide_known: "Hide known",
    only_unsure: "Only unsure",
    only_bookmarked: "Only bookmarked",
    progress_page: "My progress",
    progress_summary: "{known}/{total} known, {unsure} unsure",
    progress_bookmarked: ", {bookmarked} bookmarked",
    progress_gone: "{gone} marks for questions that are gone",
    progress_unsure: "Unsure questions",
    progress_bookmarks: "Bookmarked questions",
    export_progress: "Export progress",
    import_progress: "Import progress",
    import_done: "Imported: {added} added, {updated} updated.",
    import_failed: "Could not import: {why} Nothing was changed.",
    import_json: "the file is not JSON.",
    import_foreign: "this is not a qbank progress file.",
    import_future: "the file comes from a newer qbank; upgrade to import it.",
    import_malformed: "the file does not follow the progress format.",
    study_no_storage: "This browser cannot save progress (storage is unavailable): marks last for this session only.",
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
