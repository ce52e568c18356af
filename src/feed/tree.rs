//! A document tree built by servo's forgiving XML5 parser, xml5ever, and what it had to forgive.
//!
//! xml5ever reads any text to a tree, the way browsers read HTML: an unclosed element is closed
//! by its parent's end tag or the end of the document, a stray end tag is dropped, a bare `&`
//! stays text, HTML's named entities are decoded. This module is the `TreeSink` it builds into:
//! an arena of elements (namespace and name, attributes) and text (CDATA included); comments,
//! processing instructions and the doctype are dropped. Beside the tree it keeps what was
//! recovered, as [`Repair`]s, watching the tokens on their way to the tree builder because the
//! builder's own error messages do not say which element was at fault.

use std::borrow::Cow;
use std::cell::{Cell, Ref, RefCell};

use xml5ever::interface::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use xml5ever::tendril::StrTendril;
use xml5ever::tokenizer::{
    EndTag, ProcessResult, StartTag, Token, TokenSink, XmlTokenizer, XmlTokenizerOpts,
};
use xml5ever::tree_builder::{XmlTreeBuilder, XmlTreeBuilderOpts};
use xml5ever::{Attribute, QualName, TokenizerResult, buffer_queue::BufferQueue};

use super::Repair;
use crate::guard::MAX_DEPTH;

/// An index into [`Tree::nodes`]; the document itself is node 0.
pub(crate) type NodeId = usize;

/// The document as an arena of nodes.
#[derive(Debug, Default)]
pub(crate) struct Tree {
    /// Every node, the document first.
    pub(crate) nodes: Vec<Node>,
}

/// One node: the document, an element, text, or something dropped (a comment).
#[derive(Debug)]
pub(crate) struct Node {
    /// Children in document order.
    pub(crate) children: Vec<NodeId>,
    /// What the node is.
    pub(crate) kind: Kind,
    /// The element's name, as written (an empty name for other nodes).
    pub(crate) name: QualName,
    /// The element's attributes, as written.
    pub(crate) attrs: Vec<Attribute>,
}

/// The kinds of node the feed reader looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The root of the tree.
    Document,
    /// An element: see the node's name and attributes.
    Element,
    /// Character data, CDATA sections included, entities decoded.
    Text(String),
    /// A comment or processing instruction: kept out of the tree.
    Dropped,
}

impl Tree {
    /// The node with this id.
    pub(crate) fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    /// The element children of `id`.
    pub(crate) fn elements(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        self.nodes[id]
            .children
            .iter()
            .copied()
            .filter(|&c| self.nodes[c].kind == Kind::Element)
    }

    /// Every element under `id` (not `id` itself), in document order.
    pub(crate) fn descendants(&self, id: NodeId) -> Vec<NodeId> {
        let mut out = Vec::new();
        let mut stack: Vec<NodeId> = self.nodes[id].children.iter().rev().copied().collect();
        while let Some(next) = stack.pop() {
            if self.nodes[next].kind == Kind::Element {
                out.push(next);
                stack.extend(self.nodes[next].children.iter().rev().copied());
            }
        }
        out
    }

    /// The text of `id` and every element under it, concatenated.
    pub(crate) fn text(&self, id: NodeId) -> String {
        let mut out = String::new();
        let mut stack = vec![id];
        while let Some(next) = stack.pop() {
            match &self.nodes[next].kind {
                Kind::Text(text) => out.push_str(text),
                Kind::Element | Kind::Document => {
                    stack.extend(self.nodes[next].children.iter().rev().copied())
                }
                Kind::Dropped => {}
            }
        }
        out
    }

    /// Whether `id` has element children (markup written into it unescaped).
    pub(crate) fn has_elements(&self, id: NodeId) -> bool {
        self.elements(id).next().is_some()
    }
}

/// The vocabularies a feed reader tells apart. The feed formats' own elements (RSS in any of
/// its namespaces or none, Atom 0.3 and 1.0) are all `Core`, as feedparser reads them: an
/// `<atom:link>` inside RSS is a link like any other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ns {
    /// RSS, Atom, or an unknown default namespace.
    Core,
    /// Dublin Core elements.
    Dc,
    /// Dublin Core terms.
    Dcterms,
    /// RSS's content module (`content:encoded`).
    Content,
    /// Media RSS.
    Media,
    /// Apple's podcast elements.
    Itunes,
    /// XHTML.
    Xhtml,
    /// RDF, whose `RDF` element is RSS 1.0's root.
    Rdf,
    /// The `xml:` attributes.
    Xml,
    /// Anything else.
    Other,
}

/// Atom 1.0's namespace, whose text constructs default to plain text.
pub(crate) const ATOM_10: &str = "http://www.w3.org/2005/Atom";

/// Atom 0.3's namespace, whose text constructs default to plain text too.
pub(crate) const ATOM_03: &str = "http://purl.org/atom/ns#";

/// The vocabulary of a name: by its namespace, and for a prefix nobody declared (or a
/// misspelt namespace) by the prefix everyone uses for it.
pub(crate) fn ns(name: &QualName) -> Ns {
    let by_prefix = || match name
        .prefix
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("atom" | "atom10" | "atom03" | "a10" | "rss") => Ns::Core,
        Some("dc") => Ns::Dc,
        Some("dcterms") => Ns::Dcterms,
        Some("content") => Ns::Content,
        Some("media") => Ns::Media,
        Some("itunes") => Ns::Itunes,
        Some("xhtml" | "html") => Ns::Xhtml,
        Some("rdf") => Ns::Rdf,
        Some("xml") => Ns::Xml,
        Some(_) => Ns::Other,
    };
    match name.ns.to_ascii_lowercase().trim_end_matches('/') {
        "" => by_prefix(),
        "http://www.w3.org/2005/atom"
        | "http://purl.org/atom/ns#"
        | "http://purl.org/rss/1.0"
        | "http://my.netscape.com/rdf/simple/0.9"
        | "http://channel.netscape.com/rdf/simple/0.9"
        | "http://backend.userland.com/rss2"
        | "http://blogs.law.harvard.edu/tech/rss" => Ns::Core,
        "http://purl.org/dc/elements/1.1" => Ns::Dc,
        "http://purl.org/dc/terms" => Ns::Dcterms,
        "http://purl.org/rss/1.0/modules/content" => Ns::Content,
        "http://search.yahoo.com/mrss" => Ns::Media,
        "http://www.itunes.com/dtds/podcast-1.0.dtd" => Ns::Itunes,
        "http://www.w3.org/1999/xhtml" => Ns::Xhtml,
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#" => Ns::Rdf,
        "http://www.w3.org/xml/1998/namespace" => Ns::Xml,
        _ => match by_prefix() {
            // An unknown default namespace (a misspelt Atom one, say) is the feed's own.
            Ns::Other if name.prefix.is_none() => Ns::Core,
            known => known,
        },
    }
}

/// Elements HTML writes without an end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

impl Tree {
    /// Whether `id` is the element `local` of vocabulary `ns` (names compare without case, as
    /// feedparser's do: `<pubdate>` is `<pubDate>`).
    pub(crate) fn is(&self, id: NodeId, ns: Ns, local: &str) -> bool {
        let node = &self.nodes[id];
        node.kind == Kind::Element
            && node.name.local.eq_str_ignore_ascii_case(local)
            && self::ns(&node.name) == ns
    }

    /// The element children of `id` named `local` in `ns`.
    pub(crate) fn named<'a>(
        &'a self,
        id: NodeId,
        ns: Ns,
        local: &'a str,
    ) -> impl Iterator<Item = NodeId> + 'a {
        self.elements(id).filter(move |&c| self.is(c, ns, local))
    }

    /// The first element child of `id` named `local` in `ns`.
    pub(crate) fn first(&self, id: NodeId, ns: Ns, local: &str) -> Option<NodeId> {
        self.named(id, ns, local).next()
    }

    /// An attribute without a namespace (`href`), by name without case.
    pub(crate) fn attr(&self, id: NodeId, local: &str) -> Option<&str> {
        self.nodes[id]
            .attrs
            .iter()
            .find(|a| a.name.prefix.is_none() && a.name.local.eq_str_ignore_ascii_case(local))
            .map(|a| &*a.value)
    }

    /// An attribute of vocabulary `ns` (`xml:base`, `rdf:about`).
    pub(crate) fn ns_attr(&self, id: NodeId, ns: Ns, local: &str) -> Option<&str> {
        self.nodes[id]
            .attrs
            .iter()
            .find(|a| {
                a.name.prefix.is_some()
                    && a.name.local.eq_str_ignore_ascii_case(local)
                    && self::ns(&a.name) == ns
            })
            .map(|a| &*a.value)
    }

    /// The children of `id` as HTML: markup written unescaped into a feed element (RSS
    /// descriptions with raw `<p>`s, Atom's inline XHTML), written back as a browser reads it.
    pub(crate) fn inner_html(&self, id: NodeId) -> String {
        // A stack rather than recursion: a hostile feed nests elements 100,000 deep.
        enum Step {
            Open(NodeId),
            Close(xml5ever::LocalName),
        }
        let mut out = String::new();
        let mut stack: Vec<Step> = self.nodes[id]
            .children
            .iter()
            .rev()
            .map(|&c| Step::Open(c))
            .collect();
        while let Some(step) = stack.pop() {
            let id = match step {
                Step::Open(id) => id,
                Step::Close(name) => {
                    out.push_str("</");
                    out.push_str(&name);
                    out.push('>');
                    continue;
                }
            };
            let node = &self.nodes[id];
            match &node.kind {
                Kind::Text(text) => out.push_str(&html_escape::encode_text(text)),
                Kind::Element => {
                    let name = node.name.local.to_ascii_lowercase();
                    Self::write_open_tag(&name, node, &mut out);
                    if !VOID.contains(&name.as_str()) {
                        stack.push(Step::Close(name));
                    }
                    stack.extend(node.children.iter().rev().map(|&c| Step::Open(c)));
                }
                Kind::Document | Kind::Dropped => {}
            }
        }
        out
    }

    fn write_open_tag(name: &str, node: &Node, out: &mut String) {
        out.push('<');
        out.push_str(name);
        for attr in &node.attrs {
            let prefix = attr.name.prefix.as_deref();
            // Namespace declarations and xml:base mean nothing in HTML.
            if prefix == Some("xmlns")
                || (prefix.is_none() && &*attr.name.local == "xmlns")
                || (prefix == Some("xml") && &*attr.name.local != "lang")
            {
                continue;
            }
            out.push(' ');
            out.push_str(&attr.name.local);
            out.push_str("=\"");
            out.push_str(&html_escape::encode_double_quoted_attribute(&attr.value));
            out.push('"');
        }
        out.push('>');
    }
}

/// Parses `text` into a tree, noting every recovery in `repairs`.
pub(crate) fn parse(text: &str, repairs: &mut Vec<Repair>) -> Tree {
    let (text, declared) = super::scan::internal_subset(text);
    super::scan::scan(&text, &declared, repairs);
    let sink = Sink::new();
    let builder = XmlTreeBuilder::new(sink, XmlTreeBuilderOpts::default());
    let watch = Watch {
        builder,
        dropped: Cell::new(0),
    };
    let tokenizer = XmlTokenizer::new(watch, XmlTokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(&text));
    // The tree builder stops at every `<script>` for a browser to run it; there is none here.
    while let TokenizerResult::Script(_) = tokenizer.feed(&input) {}
    tokenizer.end();
    let sink = tokenizer.sink.builder.sink;
    repairs.extend(sink.repairs.into_inner());
    Tree {
        nodes: sink.nodes.into_inner(),
    }
}

/// Passes tokens to the tree builder, noting first what an end tag or the end of the
/// document will make it recover from, and holding back the tags of elements nested
/// deeper than [`MAX_DEPTH`].
struct Watch {
    builder: XmlTreeBuilder<NodeId, Sink>,
    /// Start tags held back and not yet matched by an end tag.
    dropped: Cell<usize>,
}

impl TokenSink for Watch {
    type Handle = NodeId;

    fn process_token(&self, token: Token) -> ProcessResult<NodeId> {
        let sink = &self.builder.sink;
        match &token {
            Token::Tag(tag) if tag.kind == StartTag && sink.open.borrow().len() >= MAX_DEPTH => {
                sink.repair(Repair::TooDeep);
                self.dropped.set(self.dropped.get() + 1);
                return ProcessResult::Continue;
            }
            Token::Tag(tag) if tag.kind == EndTag && self.dropped.get() > 0 => {
                self.dropped.set(self.dropped.get() - 1);
                return ProcessResult::Continue;
            }
            Token::Tag(tag) if tag.kind == EndTag => sink.end_tag(&tag.name),
            Token::EndOfFile => sink.end_of_file(),
            _ => {}
        }
        self.builder.process_token(token)
    }

    fn end(&self) {
        self.builder.end();
    }
}

/// The arena under construction, with the elements now open and what was recovered.
struct Sink {
    nodes: RefCell<Vec<Node>>,
    open: RefCell<Vec<NodeId>>,
    repairs: RefCell<Vec<Repair>>,
}

fn display_name(name: &QualName) -> String {
    match &name.prefix {
        Some(prefix) => format!("{prefix}:{}", name.local),
        None => name.local.to_string(),
    }
}

impl Sink {
    fn new() -> Self {
        Sink {
            nodes: RefCell::new(vec![Node {
                children: Vec::new(),
                kind: Kind::Document,
                name: empty_name(),
                attrs: Vec::new(),
            }]),
            open: RefCell::default(),
            repairs: RefCell::default(),
        }
    }

    fn repair(&self, repair: Repair) {
        let mut repairs = self.repairs.borrow_mut();
        if !repairs.contains(&repair) {
            repairs.push(repair);
        }
    }

    fn new_node(&self, kind: Kind, name: QualName, attrs: Vec<Attribute>) -> NodeId {
        let mut nodes = self.nodes.borrow_mut();
        nodes.push(Node {
            children: Vec::new(),
            kind,
            name,
            attrs,
        });
        nodes.len() - 1
    }

    /// Before `</name>` reaches the builder: elements it will close on the way are unclosed,
    /// and an end tag matching nothing open is mismatched (the builder drops it).
    fn end_tag(&self, name: &QualName) {
        let nodes = self.nodes.borrow();
        let open = self.open.borrow();
        let Some(&current) = open.last() else {
            return;
        };
        let wanted = display_name(name);
        if display_name(&nodes[current].name) == wanted {
            return;
        }
        match open
            .iter()
            .rposition(|&id| display_name(&nodes[id].name) == wanted)
        {
            Some(at) => {
                for &inner in &open[at + 1..] {
                    self.repair(Repair::Unclosed {
                        element: display_name(&nodes[inner].name),
                    });
                }
            }
            None => self.repair(Repair::Mismatched {
                end: wanted,
                inside: display_name(&nodes[current].name),
            }),
        }
    }

    /// Elements still open when the document ends are unclosed.
    fn end_of_file(&self) {
        let nodes = self.nodes.borrow();
        for &id in self.open.borrow().iter().rev() {
            self.repair(Repair::Unclosed {
                element: display_name(&nodes[id].name),
            });
        }
    }
}

fn empty_name() -> QualName {
    QualName::new(None, xml5ever::ns!(), xml5ever::local_name!(""))
}

impl TreeSink for Sink {
    type Handle = NodeId;
    type Output = Self;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Self {
        self
    }

    fn parse_error(&self, message: Cow<'static, str>) {
        // Unclosed and mismatched elements are noted from the tokens; entities and CDATA by
        // `scan`, which sees what the tokenizer has already resolved.
        let repair = match &*message {
            "Unexpected element in end phase" => Repair::TextAfterFeed,
            "Unexpected element in start phase" => Repair::TextBeforeFeed,
            "Current node doesn't match tag"
            | "Invalid character reference"
            | "Character reference does not end with semicolon"
            | "Invalid numeric character reference"
            | "No appropriate namespace found" => return,
            "Unexpected EOF" => Repair::EndsEarly,
            _ => Repair::Markup,
        };
        self.repair(repair);
    }

    fn get_document(&self) -> NodeId {
        0
    }

    fn elem_name<'a>(&'a self, target: &'a NodeId) -> Ref<'a, QualName> {
        Ref::map(self.nodes.borrow(), |nodes| &nodes[*target].name)
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, _: ElementFlags) -> NodeId {
        self.new_node(Kind::Element, name, attrs)
    }

    fn create_comment(&self, _: StrTendril) -> NodeId {
        self.new_node(Kind::Dropped, empty_name(), Vec::new())
    }

    fn create_pi(&self, _: StrTendril, _: StrTendril) -> NodeId {
        self.new_node(Kind::Dropped, empty_name(), Vec::new())
    }

    fn append(&self, parent: &NodeId, child: NodeOrText<NodeId>) {
        match child {
            NodeOrText::AppendNode(id) => {
                let mut nodes = self.nodes.borrow_mut();
                if nodes[id].kind == Kind::Element {
                    nodes[*parent].children.push(id);
                    self.open.borrow_mut().push(id);
                }
            }
            NodeOrText::AppendText(text) => {
                let last = self.nodes.borrow()[*parent].children.last().copied();
                let mut nodes = self.nodes.borrow_mut();
                if let Some(last) = last
                    && let Kind::Text(existing) = &mut nodes[last].kind
                {
                    existing.push_str(&text);
                    return;
                }
                drop(nodes);
                let id = self.new_node(Kind::Text(text.to_string()), empty_name(), Vec::new());
                self.nodes.borrow_mut()[*parent].children.push(id);
            }
        }
    }

    fn append_based_on_parent_node(&self, element: &NodeId, _: &NodeId, child: NodeOrText<NodeId>) {
        self.append(element, child);
    }

    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {}

    fn pop(&self, node: &NodeId) {
        let mut open = self.open.borrow_mut();
        if let Some(at) = open.iter().rposition(|id| id == node) {
            open.remove(at);
        }
    }

    fn get_template_contents(&self, target: &NodeId) -> NodeId {
        *target
    }

    fn same_node(&self, x: &NodeId, y: &NodeId) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, _: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &NodeId, new_node: NodeOrText<NodeId>) {
        // The XML tree builder never moves nodes; appending to the sibling's parent keeps
        // the content should a later version start to.
        let parent = self
            .nodes
            .borrow()
            .iter()
            .position(|n| n.children.contains(sibling));
        if let Some(parent) = parent {
            self.append(&parent, new_node);
        }
    }

    fn add_attrs_if_missing(&self, target: &NodeId, attrs: Vec<Attribute>) {
        let mut nodes = self.nodes.borrow_mut();
        for attr in attrs {
            if !nodes[*target].attrs.iter().any(|a| a.name == attr.name) {
                nodes[*target].attrs.push(attr);
            }
        }
    }

    fn remove_from_parent(&self, target: &NodeId) {
        for node in self.nodes.borrow_mut().iter_mut() {
            node.children.retain(|c| c != target);
        }
    }

    fn reparent_children(&self, node: &NodeId, new_parent: &NodeId) {
        let mut nodes = self.nodes.borrow_mut();
        let children = std::mem::take(&mut nodes[*node].children);
        nodes[*new_parent].children.extend(children);
    }
}
