//! RSS 0.9x, 1.0 and 2.0 and Atom 0.3 and 1.0, read from the tree element by element with
//! feedparser's meanings: which element gives a title, a link, a date, and what `type`,
//! `mode`, `xml:base` and `xml:lang` do to it.

use url::Url;

use super::tree::{self, ATOM_03, ATOM_10, Kind, NodeId, Ns, Tree};
use super::{Entry, FeedError, ParsedFeed, Repair, dates, media, text_as_html, web_address};
use crate::plain_text::plain_text;

/// What applies at a point of the document: the base of relative addresses and whether a
/// feed set it with `xml:base`, and the language in force.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    /// Relative addresses resolve against this.
    pub(crate) base: Url,
    /// Whether an `xml:base` on the way here set `base`.
    pub(crate) explicit: bool,
    /// `xml:lang` in force.
    pub(crate) lang: Option<String>,
}

impl Scope {
    /// The scope inside element `id`, which may set its own base and language.
    pub(crate) fn enter(&self, tree: &Tree, id: NodeId) -> Scope {
        let mut scope = self.clone();
        if let Some(base) = tree.ns_attr(id, Ns::Xml, "base")
            && let Ok(url) = self.base.join(base.trim())
        {
            scope.base = url;
            scope.explicit = true;
        }
        if let Some(lang) = tree.ns_attr(id, Ns::Xml, "lang") {
            scope.lang = Some(lang.trim().to_string()).filter(|l| !l.is_empty());
        }
        scope
    }
}

/// Reads an RSS or Atom document.
pub(crate) fn read(
    text: &str,
    url: &Url,
    repairs: &mut Vec<Repair>,
) -> Result<ParsedFeed, FeedError> {
    let tree = tree::parse(text, repairs);
    if let Some(root) = find_feed(&tree) {
        let outer = tree.elements(0).next();
        if outer != Some(root) {
            let element = outer.map_or_else(String::new, |o| tree.node(o).name.local.to_string());
            repairs.push(Repair::FeedInside { element });
        }
        note_undeclared_prefixes(&tree, repairs);
        return Ok(convert(&tree, root, url));
    }
    // xml5ever ignores whatever follows its first root element, so a feed after some other
    // markup (a page's header, say) is read again from its own start tag.
    let outer = tree
        .elements(0)
        .next()
        .map(|o| tree.node(o).name.local.to_ascii_lowercase().to_string());
    if let Some(at) = feed_start(text).filter(|&at| at > 0) {
        let mut again = Vec::new();
        let inner = tree::parse(&text[at..], &mut again);
        if let Some(root) = find_feed(&inner) {
            repairs.append(&mut again);
            repairs.push(Repair::FeedInside {
                element: outer.unwrap_or_default(),
            });
            note_undeclared_prefixes(&inner, repairs);
            return Ok(convert(&inner, root, url));
        }
    }
    Err(match outer {
        Some(html) if html == "html" => FeedError::WebPage,
        root => FeedError::NoFeedElement { root },
    })
}

/// The first feed root anywhere in the tree: `rss`, Atom's `feed`, RSS 1.0's `rdf:RDF`, or a
/// bare `channel`.
fn find_feed(tree: &Tree) -> Option<NodeId> {
    tree.descendants(0)
        .into_iter()
        .find(|&id| {
            tree.is(id, Ns::Core, "rss")
                || tree.is(id, Ns::Core, "feed")
                || tree.is(id, Ns::Rdf, "RDF")
                || tree.is(id, Ns::Core, "rdf")
                || tree.is(id, Ns::Core, "channel")
        })
        // An Atom entry document: one entry and no feed around it.
        .or_else(|| {
            tree.descendants(0)
                .into_iter()
                .find(|&id| tree.is(id, Ns::Core, "entry"))
        })
}

/// Where a feed's root element starts in `text`, if it is there at all.
fn feed_start(text: &str) -> Option<usize> {
    ["<rss", "<feed", "<rdf:RDF", "<channel"]
        .iter()
        .filter_map(|tag| {
            text.match_indices(tag)
                .find(|(at, _)| {
                    text[at + tag.len()..].starts_with(|c: char| c.is_whitespace() || c == '>')
                })
                .map(|(at, _)| at)
        })
        .min()
}

fn note_undeclared_prefixes(tree: &Tree, repairs: &mut Vec<Repair>) {
    for id in tree.descendants(0) {
        let name = &tree.node(id).name;
        if let Some(prefix) = &name.prefix
            && name.ns.is_empty()
        {
            repairs.push(Repair::UndeclaredPrefix {
                prefix: prefix.to_string(),
            });
            return;
        }
    }
}

fn convert(tree: &Tree, root: NodeId, url: &Url) -> ParsedFeed {
    let start = Scope {
        base: url.clone(),
        explicit: false,
        lang: None,
    };
    let root_scope = start.enter(tree, root);
    let reader = Reader { tree };
    if tree.is(root, Ns::Core, "entry") {
        let language = reader.language(root, &root_scope);
        return ParsedFeed {
            title: None,
            homepage: None,
            entries: vec![reader.entry(root, &root_scope, language.as_deref())],
            language,
            repairs: Vec::new(),
        };
    }
    let atom = tree.is(root, Ns::Core, "feed");
    let channel = if atom || tree.is(root, Ns::Core, "channel") {
        root
    } else {
        tree.first(root, Ns::Core, "channel").unwrap_or(root)
    };
    let scope = if channel == root {
        root_scope.clone()
    } else {
        root_scope.enter(tree, channel)
    };
    let is_item = |id: &NodeId| tree.is(*id, Ns::Core, "item") || tree.is(*id, Ns::Core, "entry");
    let mut items: Vec<(NodeId, &Scope)> = Vec::new();
    items.extend(tree.elements(channel).filter(is_item).map(|i| (i, &scope)));
    if channel != root {
        // RSS 0.90 and 1.0 put their items beside the channel, not in it.
        items.extend(
            tree.elements(root)
                .filter(is_item)
                .map(|i| (i, &root_scope)),
        );
        items.sort_by_key(|(id, _)| *id);
    }
    let language = reader.language(channel, &scope);
    let feed_authors = reader.authors(channel);
    let entries = items
        .into_iter()
        .map(|(id, outer)| {
            let mut entry = reader.entry(id, &outer.enter(tree, id), language.as_deref());
            if entry.authors.is_empty() && atom {
                // Atom's authors of the feed are the authors of entries that name none.
                entry.authors.clone_from(&feed_authors);
            }
            entry
        })
        .collect();
    ParsedFeed {
        title: reader.title(channel),
        homepage: reader.link(channel, &scope),
        language,
        entries,
        repairs: Vec::new(),
    }
}

/// A text construct's body, by what the feed says it is.
enum Body {
    Text(String),
    Html(String),
}

/// A link element read: its address (absolute), `rel` (alternate by default) and attributes.
pub(crate) struct Link {
    pub(crate) href: String,
    pub(crate) rel: String,
    pub(crate) media_type: Option<String>,
    pub(crate) length: Option<String>,
}

/// Rels that never name the post's own page.
const NOT_THE_PAGE: &[&str] = &[
    "enclosure",
    "self",
    "edit",
    "edit-media",
    "replies",
    "hub",
    "license",
    "next",
    "previous",
    "prev",
    "first",
    "last",
    "payment",
    "search",
    "pingback",
    "webmention",
];

/// Where an entry's first publication date may be, in feedparser's order (its `published`
/// elements, then the `dc:date` and creation dates it files elsewhere): the first that
/// parses is taken, so that an unreadable element never hides a readable one after it.
const PUBLISHED: &[(Ns, &str)] = &[
    (Ns::Core, "pubDate"),
    (Ns::Core, "published"),
    (Ns::Core, "issued"),
    (Ns::Dcterms, "issued"),
    (Ns::Dc, "date"),
    (Ns::Dcterms, "created"),
    (Ns::Core, "created"),
    (Ns::Dcterms, "date"),
];

/// As [`PUBLISHED`], for the last change.
const UPDATED: &[(Ns, &str)] = &[
    (Ns::Core, "updated"),
    (Ns::Core, "modified"),
    (Ns::Dcterms, "modified"),
    (Ns::Core, "lastBuildDate"),
];

struct Reader<'a> {
    tree: &'a Tree,
}

impl Reader<'_> {
    fn entry(&self, id: NodeId, scope: &Scope, feed_language: Option<&str>) -> Entry {
        let tree = self.tree;
        let link = self.link(id, scope);
        let guid = tree
            .first(id, Ns::Core, "guid")
            .or_else(|| tree.first(id, Ns::Core, "id"));
        let entry_id = guid
            .map(|g| tree.text(g).trim().to_string())
            .or_else(|| {
                tree.ns_attr(id, Ns::Rdf, "about")
                    .map(|a| a.trim().to_string())
            })
            .filter(|g| !g.is_empty());
        // With no link, a guid that is a web address is the post's permalink, unless the
        // feed says it is not.
        let link = link.or_else(|| {
            let guid = guid?;
            let permalink = tree.attr(guid, "isPermaLink").map(str::trim);
            if permalink.is_some_and(|p| p.eq_ignore_ascii_case("false")) {
                return None;
            }
            let value = tree.text(guid);
            let value = value.trim();
            (value.starts_with("http://") || value.starts_with("https://"))
                .then(|| web_address(value, &scope.base))
                .flatten()
        });
        let published = self.date(id, PUBLISHED);
        let updated = self.date(id, UPDATED);
        let published = match (published, updated) {
            (None, None) => link.as_deref().and_then(dates::from_link),
            (published, _) => published,
        };
        let content = [
            (Ns::Content, "encoded"),
            (Ns::Core, "content"),
            (Ns::Xhtml, "body"),
        ]
        .iter()
        .flat_map(|&(ns, local)| tree.named(id, ns, local))
        .find_map(|c| Some((self.html(c)?, c)));
        let summary = [
            (Ns::Core, "description"),
            (Ns::Core, "summary"),
            (Ns::Dc, "description"),
            (Ns::Itunes, "summary"),
        ]
        .iter()
        .flat_map(|&(ns, local)| tree.named(id, ns, local))
        .find_map(|s| Some((self.html(s)?, s)));
        let base = content
            .as_ref()
            .or(summary.as_ref())
            .map(|&(_, at)| scope.enter(tree, at))
            .unwrap_or_else(|| scope.clone());
        let base = if base.explicit {
            Some(base.base.to_string())
        } else {
            link.clone().or_else(|| Some(scope.base.to_string()))
        };
        let language = tree
            .ns_attr(id, Ns::Xml, "lang")
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .or_else(|| self.plain(id, Ns::Dc, "language"))
            .or_else(|| feed_language.map(str::to_string))
            .or_else(|| scope.lang.clone());
        let links = self.links(id, scope);
        Entry {
            id: entry_id,
            title: self.title(id),
            published,
            updated,
            authors: self.authors(id),
            summary: summary.map(|(s, _)| s),
            content: content.map(|(c, _)| c),
            categories: self.categories(id),
            base,
            language,
            enclosures: media::enclosures(tree, id, scope, &links),
            image: media::image(tree, id, scope),
            link,
        }
    }

    /// `title`, else `dc:title`, as plain text.
    fn title(&self, id: NodeId) -> Option<String> {
        [(Ns::Core, "title"), (Ns::Dc, "title")]
            .iter()
            .flat_map(|&(ns, local)| self.tree.named(id, ns, local))
            .filter_map(|t| match self.body(t)? {
                Body::Text(text) => Some(text.split_whitespace().collect::<Vec<_>>().join(" ")),
                Body::Html(html) => Some(plain_text(&html)),
            })
            .find(|t| !t.is_empty())
    }

    /// The trimmed text of the first `ns:local` child, if not empty.
    fn plain(&self, id: NodeId, ns: Ns, local: &str) -> Option<String> {
        self.tree
            .named(id, ns, local)
            .map(|c| self.tree.text(c).trim().to_string())
            .find(|t| !t.is_empty())
    }

    /// A text construct (title, summary, content) by its `type` and Atom 0.3's `mode`.
    fn body(&self, id: NodeId) -> Option<Body> {
        let tree = self.tree;
        let text = tree.text(id);
        if tree.attr(id, "src").is_some() && text.trim().is_empty() {
            // Atom content kept elsewhere: nothing to show here.
            return None;
        }
        let kind = tree.attr(id, "type").map(|t| t.trim().to_ascii_lowercase());
        let essence = kind
            .as_deref()
            .map(|k| k.split(';').next().unwrap_or(k).trim());
        let ns = &*tree.node(id).name.ns;
        let atom = ns == ATOM_10 || ns == ATOM_03;
        let html = match essence {
            Some("html" | "text/html" | "xhtml" | "application/xhtml+xml") => true,
            Some(text) if text == "text" || text.starts_with("text/") => false,
            // Atom allows any media type; one that is not text is not for reading here.
            Some(_) if ns == ATOM_10 => return None,
            Some(_) => false,
            // Atom's text constructs are text unless they say otherwise; RSS's are HTML.
            None => !atom,
        };
        let mode = tree.attr(id, "mode").map(|m| m.trim().to_ascii_lowercase());
        if mode.as_deref() == Some("base64") {
            let clean: String = text.split_whitespace().collect();
            let bytes =
                base64::Engine::decode(&base64::engine::general_purpose::STANDARD, clean).ok()?;
            let decoded = String::from_utf8_lossy(&bytes).into_owned();
            return Some(if html {
                Body::Html(decoded)
            } else {
                Body::Text(decoded)
            });
        }
        if tree.has_elements(id) {
            return Some(Body::Html(self.markup(id)));
        }
        // XHTML with no elements in it is only text.
        let xhtml = matches!(essence, Some("xhtml" | "application/xhtml+xml"));
        Some(if html && !xhtml {
            Body::Html(text)
        } else {
            Body::Text(text)
        })
    }

    /// Markup written unescaped inside `id`; Atom's XHTML wrapper `<div>` is left out.
    fn markup(&self, id: NodeId) -> String {
        let tree = self.tree;
        let mut elements = tree.elements(id);
        let only = elements.next().filter(|_| elements.next().is_none());
        if let Some(div) = only
            && tree.node(div).name.local.eq_str_ignore_ascii_case("div")
            && tree
                .node(id)
                .children
                .iter()
                .all(|&c| match &tree.node(c).kind {
                    Kind::Text(t) => t.trim().is_empty(),
                    _ => true,
                })
        {
            return tree.inner_html(div);
        }
        tree.inner_html(id)
    }

    /// A summary or content as HTML, if it has any.
    fn html(&self, id: NodeId) -> Option<String> {
        let html = match self.body(id)? {
            Body::Text(text) => text_as_html(&text),
            Body::Html(html) => html,
        };
        (!html.trim().is_empty()).then_some(html)
    }

    /// Every link element of `id`, Atom's (`href`) and RSS's (text), resolved.
    fn links(&self, id: NodeId, scope: &Scope) -> Vec<Link> {
        let tree = self.tree;
        tree.named(id, Ns::Core, "link")
            .filter_map(|l| {
                let inner = scope.enter(tree, l);
                let href = match tree.attr(l, "href") {
                    Some(href) => href.to_string(),
                    None => tree.text(l),
                };
                let href = href.trim();
                if href.is_empty() {
                    return None;
                }
                Some(Link {
                    href: inner.base.join(href).ok()?.to_string(),
                    rel: tree
                        .attr(l, "rel")
                        .map_or("alternate".to_string(), |r| r.trim().to_ascii_lowercase()),
                    media_type: tree.attr(l, "type").map(|t| t.trim().to_ascii_lowercase()),
                    length: tree.attr(l, "length").map(str::to_string),
                })
            })
            .collect()
    }

    /// The page a feed or entry links to: an alternate link to HTML, else any alternate link,
    /// else the first that is not an enclosure, itself, or another such; only web addresses.
    fn link(&self, id: NodeId, scope: &Scope) -> Option<String> {
        let links = self.links(id, scope);
        let html = |l: &&Link| {
            l.media_type
                .as_deref()
                .is_none_or(|t| t.contains("html") || t.is_empty())
        };
        let alternate = |l: &&Link| l.rel == "alternate";
        links
            .iter()
            .filter(alternate)
            .find(html)
            .or_else(|| links.iter().find(alternate))
            .or_else(|| {
                links
                    .iter()
                    .find(|l| !NOT_THE_PAGE.contains(&l.rel.as_str()))
            })
            .and_then(|l| web_address(&l.href, &scope.base))
    }

    fn date(
        &self,
        id: NodeId,
        names: &[(Ns, &str)],
    ) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        names
            .iter()
            .flat_map(|&(ns, local)| self.tree.named(id, ns, local))
            .find_map(|d| dates::parse(&self.tree.text(d)))
    }

    /// Names, plain text, in document order and without repeats.
    fn authors(&self, id: NodeId) -> Vec<String> {
        let tree = self.tree;
        let mut names: Vec<String> = Vec::new();
        for child in tree.elements(id) {
            let name = if tree.is(child, Ns::Core, "author") && tree.has_elements(child) {
                self.plain(child, Ns::Core, "name")
                    .or_else(|| self.plain(child, Ns::Core, "email"))
            } else if tree.is(child, Ns::Core, "author")
                || tree.is(child, Ns::Dc, "creator")
                || tree.is(child, Ns::Dc, "author")
                || tree.is(child, Ns::Itunes, "author")
            {
                Some(person(&tree.text(child)))
            } else {
                None
            };
            if let Some(name) = name.map(|n| plain_text(&n)).filter(|n| !n.is_empty())
                && !names.contains(&name)
            {
                names.push(name);
            }
        }
        names
    }

    /// Atom's `label` or `term`, RSS's text, `dc:subject`: plain text, without repeats.
    fn categories(&self, id: NodeId) -> Vec<String> {
        let tree = self.tree;
        let mut labels: Vec<String> = Vec::new();
        for child in tree.elements(id) {
            let label = if tree.is(child, Ns::Core, "category") {
                tree.attr(child, "label")
                    .or_else(|| tree.attr(child, "term"))
                    .map(str::to_string)
                    .filter(|l| !l.trim().is_empty())
                    .unwrap_or_else(|| tree.text(child))
            } else if tree.is(child, Ns::Dc, "subject") {
                tree.text(child)
            } else {
                continue;
            };
            let label = plain_text(&label);
            if !label.is_empty() && !labels.contains(&label) {
                labels.push(label);
            }
        }
        labels
    }

    /// `<language>`, `dc:language`, else the `xml:lang` in force.
    fn language(&self, id: NodeId, scope: &Scope) -> Option<String> {
        self.plain(id, Ns::Core, "language")
            .or_else(|| self.plain(id, Ns::Dc, "language"))
            .or_else(|| scope.lang.clone())
    }
}

/// A name out of RSS's `author`, which is an email address with the name in brackets
/// (`jo@example.org (Jo Bloggs)`), or a name with the address in angle brackets.
fn person(text: &str) -> String {
    let text = text.trim();
    if let Some((_, rest)) = text.split_once('(')
        && let Some(name) = rest.strip_suffix(')')
        && !name.trim().is_empty()
    {
        return name.trim().to_string();
    }
    if let Some((name, _)) = text.split_once('<')
        && text.ends_with('>')
        && !name.trim().is_empty()
    {
        return name.trim().to_string();
    }
    text.to_string()
}
