//! The same question across records: what the frequently-asked page and the cards' "also
//! asked in N records" line show.
//!
//! Two questions are the same when they have the same base id (the id before any `-N`
//! suffix), when one says `same-as: ID` of the other, or when one has the other's id as an
//! alias (it was renamed). `same-as` links are followed to the
//! end, which is the group's id; a link to an id no question has (QB022) or a cycle (QB023) is
//! an error. A group counts records, not questions: a record that asks it twice counts once.

use super::Bank;
use crate::diag::{Code, Diagnostic, Location};
use crate::model::{Answer, Piece};
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

/// Questions asked in two or more records.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Group {
    /// The group's id: the base id the `same-as` links end at.
    pub id: String,
    /// The title of the question that has the group's id (else of the first member).
    pub title: String,
    /// Every occurrence: (index in `Bank::records`, index of the question), in book order.
    pub members: Vec<(usize, usize)>,
    /// How many records ask it.
    pub records: usize,
    /// The member with the longest model answer, if any member has one.
    pub best: Option<(usize, usize)>,
}

/// Finds the groups of `bank`'s records (each with its file and text, in the same order),
/// sets each question's group and returns the diagnostics of `same-as`.
pub(crate) fn group(bank: &mut Bank, texts: &[(PathBuf, &str)]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Every name a question is known by → its base id.
    let mut base_of: HashMap<&str, &str> = HashMap::new();
    for r in &bank.records {
        for q in &r.record.questions {
            base_of.entry(&q.base_id).or_insert(&q.base_id);
        }
    }
    for r in &bank.records {
        for q in &r.record.questions {
            base_of.entry(&q.id).or_insert(&q.base_id);
            for a in q.meta.iter().flat_map(|m| &m.aliases) {
                base_of.entry(a).or_insert(&q.base_id);
            }
        }
    }
    // base id → the base id its `same-as` names (the first declaration wins), and where.
    let mut next: HashMap<&str, (&str, usize, usize)> = HashMap::new();
    for (ri, r) in bank.records.iter().enumerate() {
        for (qi, q) in r.record.questions.iter().enumerate() {
            let Some(meta) = &q.meta else { continue };
            let Some(same) = &meta.same_as else {
                // A renamed question keeps its old id as an alias: it is still that question.
                let old = meta.aliases.iter().filter_map(|a| base_of.get(a.as_str()));
                if let Some(&target) = old.into_iter().find(|&&t| t != q.base_id) {
                    next.entry(q.base_id.as_str()).or_insert((target, ri, qi));
                }
                continue;
            };
            let (file, text) = (&texts[ri].0, texts[ri].1);
            let at = || {
                let span = crate::parse::meta::key_span(text, &meta.span, "same-as");
                Location::from_span(file, text, span)
            };
            match base_of.get(same.as_str()) {
                None => out.push(
                    Diagnostic::new(
                        Code::QB022,
                        format!(
                            "question {} is `same-as: {same}`, but no question has that id",
                            q.number
                        ),
                        at(),
                    )
                    .with_help("use the id of the other question: its link button shows it"),
                ),
                Some(&target) if target != q.base_id => {
                    next.entry(q.base_id.as_str()).or_insert((target, ri, qi));
                }
                Some(_) => {}
            }
        }
    }
    // Follow the links to their end; a cycle has none.
    let mut root: HashMap<&str, &str> = HashMap::new();
    let mut reported: BTreeSet<&str> = BTreeSet::new();
    // In book order, so that a cycle is reported at its first declaration.
    let mut starts: Vec<(&str, (usize, usize))> =
        next.iter().map(|(k, v)| (*k, (v.1, v.2))).collect();
    starts.sort_by_key(|s| s.1);
    for (start, _) in starts {
        let mut path = vec![start];
        let mut at = start;
        let end = loop {
            if let Some(&r) = root.get(at) {
                break Some(r);
            }
            match next.get(at) {
                None => break Some(at),
                Some(&(to, _, _)) if path.contains(&to) => break None,
                Some(&(to, _, _)) => {
                    path.push(to);
                    at = to;
                }
            }
        };
        match end {
            Some(end) => {
                for p in path {
                    root.insert(p, end);
                }
            }
            None => {
                let cycle: Vec<&str> = path.clone();
                if cycle.iter().any(|c| reported.contains(c)) {
                    continue;
                }
                reported.extend(cycle.iter().copied());
                let (_, ri, qi) = next[start];
                let r = &bank.records[ri];
                let q = &r.record.questions[qi];
                let (file, text) = (&texts[ri].0, texts[ri].1);
                let span = q.meta.as_ref().map_or(q.heading.clone(), |m| {
                    crate::parse::meta::key_span(text, &m.span, "same-as")
                });
                out.push(
                    Diagnostic::new(
                        Code::QB023,
                        format!(
                            "`same-as` links form a cycle: {} → {}",
                            cycle.join(" → "),
                            cycle[0]
                        ),
                        Location::from_span(file, text, span),
                    )
                    .with_help(
                        "let every question of the group point at one question that has no \
                         `same-as` itself",
                    ),
                );
                for p in cycle {
                    root.insert(p, p);
                }
            }
        }
    }
    // Members by group id, in book order.
    let mut members: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    for (ri, r) in bank.records.iter().enumerate() {
        for (qi, q) in r.record.questions.iter().enumerate() {
            let id = root.get(q.base_id.as_str()).copied().unwrap_or(&q.base_id);
            let list = members.entry(id.to_string()).or_insert_with(|| {
                order.push(id.to_string());
                Vec::new()
            });
            list.push((ri, qi));
        }
    }
    let mut groups: Vec<Group> = Vec::new();
    for id in order {
        let list = members.remove(&id).unwrap_or_default();
        let records = list.iter().map(|m| m.0).collect::<BTreeSet<_>>().len();
        if records < 2 {
            continue;
        }
        let question = |&(ri, qi): &(usize, usize)| &bank.records[ri].record.questions[qi];
        let title = list
            .iter()
            .map(question)
            .find(|q| q.base_id == id)
            .or_else(|| list.first().map(question))
            .map(|q| q.title.clone())
            .unwrap_or_default();
        let best = list
            .iter()
            .filter_map(|m| answer_size(&question(m).answer).map(|n| (n, *m)))
            .max_by_key(|(n, m)| (*n, std::cmp::Reverse(*m)))
            .map(|(_, m)| m);
        groups.push(Group {
            id,
            title,
            members: list,
            records,
            best,
        });
    }
    // Most records first; ties in book order.
    groups.sort_by_key(|g| std::cmp::Reverse(g.records));
    for (gi, g) in groups.iter().enumerate() {
        for &(ri, qi) in &g.members {
            bank.records[ri].group[qi] = Some(gi);
        }
    }
    bank.groups = groups;
    out
}

/// The size of a model answer in bytes of source, or `None` when there is none.
fn answer_size(answer: &Answer) -> Option<usize> {
    let Answer::Answered(body) = answer else {
        return None;
    };
    Some(
        body.pieces
            .iter()
            .map(|p| match p {
                Piece::Markdown(s) | Piece::Lines(s) => s.len(),
                Piece::Prose { text } => text.len(),
                Piece::Heading { text, .. } => text.len(),
            })
            .sum(),
    )
}
