//! A page parsed as a browser parses it (html5ever's tree builder, which closes, reopens and
//! moves elements as the HTML standard says), into a small arena that tests can walk. No
//! recursion anywhere: hostile pages nest ten thousand deep.

use html5ever::interface::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::{Attribute, QualName, local_name, ns};
use std::borrow::Cow;
use std::cell::{Ref, RefCell};

/// One node of a parsed page.
#[derive(Debug)]
pub(crate) struct Node {
    /// The element's name; the document and other nodes have an empty one.
    pub(crate) name: String,
    pub(crate) attrs: Vec<(String, String)>,
    /// Text, for a text node.
    pub(crate) text: Option<String>,
    pub(crate) parent: Option<usize>,
    pub(crate) children: Vec<usize>,
}

/// A parsed page: node 0 is the document.
#[derive(Debug)]
pub(crate) struct Tree {
    pub(crate) nodes: Vec<Node>,
}

impl Tree {
    /// Every element, in document order, as (index, node).
    pub(crate) fn elements(&self) -> Vec<(usize, &Node)> {
        let mut out = Vec::new();
        let mut stack = vec![0];
        while let Some(i) = stack.pop() {
            if !self.nodes[i].name.is_empty() {
                out.push((i, &self.nodes[i]));
            }
            stack.extend(self.nodes[i].children.iter().rev());
        }
        out
    }

    /// The value of attribute `name` of node `i`.
    pub(crate) fn attr(&self, i: usize, name: &str) -> Option<&str> {
        self.nodes[i]
            .attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The elements inside node `i`, in document order.
    pub(crate) fn descendants(&self, i: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack: Vec<usize> = self.nodes[i].children.iter().rev().copied().collect();
        while let Some(n) = stack.pop() {
            if !self.nodes[n].name.is_empty() {
                out.push(n);
            }
            stack.extend(self.nodes[n].children.iter().rev());
        }
        out
    }

    /// For every node, whether it lies inside an element named `name`.
    pub(crate) fn inside(&self, name: &str) -> Vec<bool> {
        let mut inside = vec![false; self.nodes.len()];
        let mut stack = vec![0];
        while let Some(n) = stack.pop() {
            let flag = inside[n] || self.nodes[n].name == name;
            for &c in &self.nodes[n].children {
                inside[c] = flag;
                stack.push(c);
            }
        }
        inside
    }

    /// Whether `i` lies inside `ancestor`.
    pub(crate) fn within(&self, mut i: usize, ancestor: usize) -> bool {
        while let Some(p) = self.nodes[i].parent {
            if p == ancestor {
                return true;
            }
            i = p;
        }
        false
    }

    /// The text of `i` and everything in it.
    pub(crate) fn text(&self, i: usize) -> String {
        let mut out = String::new();
        let mut stack = vec![i];
        while let Some(n) = stack.pop() {
            if let Some(t) = &self.nodes[n].text {
                out.push_str(t);
            }
            stack.extend(self.nodes[n].children.iter().rev());
        }
        out
    }
}

/// Parses a whole page.
pub(crate) fn parse(html: &str) -> Tree {
    html5ever::parse_document(Sink::default(), Default::default()).one(html)
}

struct Sink {
    nodes: RefCell<Vec<Node>>,
    /// Names apart from the nodes, so that a borrowed name never blocks a change of the tree.
    names: RefCell<Vec<QualName>>,
}

impl Default for Sink {
    fn default() -> Self {
        let sink = Sink {
            nodes: RefCell::new(Vec::new()),
            names: RefCell::new(Vec::new()),
        };
        sink.add(
            QualName::new(None, ns!(), local_name!("")),
            Vec::new(),
            None,
        );
        sink
    }
}

impl Sink {
    fn add(&self, name: QualName, attrs: Vec<(String, String)>, text: Option<String>) -> usize {
        let mut nodes = self.nodes.borrow_mut();
        nodes.push(Node {
            name: name.local.to_string(),
            attrs,
            text,
            parent: None,
            children: Vec::new(),
        });
        self.names.borrow_mut().push(name);
        nodes.len() - 1
    }

    fn text_node(&self, t: &str) -> usize {
        self.add(
            QualName::new(None, ns!(), local_name!("")),
            Vec::new(),
            Some(t.to_string()),
        )
    }

    fn detach(&self, child: usize) {
        let mut nodes = self.nodes.borrow_mut();
        if let Some(p) = nodes[child].parent.take() {
            nodes[p].children.retain(|&c| c != child);
        }
    }

    /// Inserts `child` into `parent` at `at`, merging text with a text node before it.
    fn insert(&self, parent: usize, at: usize, child: NodeOrText<usize>) {
        let node = match child {
            NodeOrText::AppendNode(n) => {
                self.detach(n);
                n
            }
            NodeOrText::AppendText(t) => {
                let mut nodes = self.nodes.borrow_mut();
                if at > 0 {
                    let before = nodes[parent].children[at - 1];
                    if let Some(s) = &mut nodes[before].text {
                        s.push_str(&t);
                        return;
                    }
                }
                drop(nodes);
                self.text_node(&t)
            }
        };
        let mut nodes = self.nodes.borrow_mut();
        nodes[node].parent = Some(parent);
        nodes[parent].children.insert(at, node);
    }
}

impl TreeSink for Sink {
    type Handle = usize;
    type Output = Tree;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Tree {
        Tree {
            nodes: self.nodes.into_inner(),
        }
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> usize {
        0
    }

    fn elem_name<'a>(&'a self, target: &'a usize) -> Ref<'a, QualName> {
        Ref::map(self.names.borrow(), |n| &n[*target])
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, _: ElementFlags) -> usize {
        let attrs = attrs
            .into_iter()
            .map(|a| (a.name.local.to_string(), a.value.to_string()))
            .collect();
        self.add(name, attrs, None)
    }

    fn create_comment(&self, _text: StrTendril) -> usize {
        self.add(
            QualName::new(None, ns!(), local_name!("")),
            Vec::new(),
            None,
        )
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> usize {
        self.create_comment(StrTendril::new())
    }

    fn append(&self, parent: &usize, child: NodeOrText<usize>) {
        let at = self.nodes.borrow()[*parent].children.len();
        self.insert(*parent, at, child);
    }

    fn append_based_on_parent_node(
        &self,
        element: &usize,
        prev_element: &usize,
        child: NodeOrText<usize>,
    ) {
        if self.nodes.borrow()[*element].parent.is_some() {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {}

    fn get_template_contents(&self, target: &usize) -> usize {
        *target
    }

    fn same_node(&self, x: &usize, y: &usize) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &usize, new_node: NodeOrText<usize>) {
        let Some(parent) = self.nodes.borrow()[*sibling].parent else {
            return;
        };
        if let NodeOrText::AppendNode(n) = &new_node {
            self.detach(*n);
        }
        let at = self.nodes.borrow()[parent]
            .children
            .iter()
            .position(|c| c == sibling)
            .unwrap_or(0);
        self.insert(parent, at, new_node);
    }

    fn add_attrs_if_missing(&self, target: &usize, attrs: Vec<Attribute>) {
        let mut nodes = self.nodes.borrow_mut();
        for a in attrs {
            let name = a.name.local.to_string();
            if !nodes[*target].attrs.iter().any(|(k, _)| *k == name) {
                nodes[*target].attrs.push((name, a.value.to_string()));
            }
        }
    }

    fn remove_from_parent(&self, target: &usize) {
        self.detach(*target);
    }

    fn reparent_children(&self, node: &usize, new_parent: &usize) {
        let mut nodes = self.nodes.borrow_mut();
        let children = std::mem::take(&mut nodes[*node].children);
        for &c in &children {
            nodes[c].parent = Some(*new_parent);
        }
        nodes[*new_parent].children.extend(children);
    }
}
