//! Tags, categories and authors: spellings merged, aliases applied, each given its page.

use std::collections::{BTreeMap, HashMap};

use super::{PostIx, SourceIx, Term, TermIx, paths};
use crate::config::Config;
use crate::post::Post;
use crate::slug::{Slugs, slugify, term_key};

/// The tags and the categories of `posts` (in the site's order), and for each post the
/// indices of its tags and its categories.
pub(super) type Gathered = (Vec<Term>, Vec<Term>, Vec<(Vec<TermIx>, Vec<TermIx>)>);

/// Gathers both taxonomies; a feed's configured tags and categories reach all its posts.
pub(super) fn gather(config: &Config, posts: &[(Post, Option<SourceIx>)]) -> Gathered {
    let aliases = alias_map(&config.taxonomies.aliases);
    let mut tags = Terms::default();
    let mut categories = Terms::default();
    for (i, (post, source)) in posts.iter().enumerate() {
        let feed = source.map(|s| &config.feeds[s.0]);
        let feed_tags = feed.map(|f| f.tags.as_slice()).unwrap_or_default();
        let feed_categories = feed.map(|f| f.categories.as_slice()).unwrap_or_default();
        tags.add(PostIx(i), post.tags.iter().chain(feed_tags), &aliases);
        categories.add(
            PostIx(i),
            post.categories.iter().chain(feed_categories),
            &aliases,
        );
    }
    let min_posts = config.taxonomies.min_posts;
    let (tags, post_tags) = tags.finish(posts.len(), min_posts, paths::tag);
    let (categories, post_categories) = categories.finish(posts.len(), min_posts, paths::category);
    let per_post = post_tags.into_iter().zip(post_categories).collect();
    (tags, categories, per_post)
}

/// The authors of `posts` (the feeds' and the front matter's names, spellings merged as tags'
/// are and `[authors.aliases]` applied), sorted by name, each with a page; and each post's
/// authors in the order the post names them.
pub(super) fn authors(
    config: &Config,
    posts: &[(Post, Option<SourceIx>)],
) -> (Vec<Term>, Vec<Vec<TermIx>>) {
    let aliases = alias_map(&config.authors.aliases);
    let mut people = Terms::default();
    for (i, (post, _)) in posts.iter().enumerate() {
        people.add(PostIx(i), post.authors.iter(), &aliases);
    }
    let (authors, _) = people.finish(posts.len(), 1, paths::author);
    let by_key: HashMap<String, TermIx> = authors
        .iter()
        .enumerate()
        .map(|(i, a)| (term_key(&a.name), TermIx(i)))
        .collect();
    let per_post = posts
        .iter()
        .map(|(post, _)| {
            let mut own: Vec<TermIx> = Vec::new();
            for name in post
                .authors
                .iter()
                .map(|n| n.trim())
                .filter(|n| !n.is_empty())
            {
                let name = aliases.get(&term_key(name)).copied().unwrap_or(name);
                if let Some(&ix) = by_key.get(&term_key(name))
                    && !own.contains(&ix)
                {
                    own.push(ix);
                }
            }
            own
        })
        .collect();
    (authors, per_post)
}

/// Aliases by the key of the spelling they replace.
fn alias_map(aliases: &BTreeMap<String, String>) -> HashMap<String, &str> {
    aliases
        .iter()
        .map(|(from, to)| (term_key(from), to.as_str()))
        .collect()
}

/// Gathers the spellings and posts of one taxonomy.
#[derive(Default)]
struct Terms {
    /// term key -> (spelling -> uses, posts)
    by_key: BTreeMap<String, (BTreeMap<String, usize>, Vec<PostIx>)>,
}

impl Terms {
    fn add<'a>(
        &mut self,
        post: PostIx,
        names: impl Iterator<Item = &'a String>,
        aliases: &HashMap<String, &str>,
    ) {
        for name in names {
            let name = name.trim();
            if name.is_empty() {
                continue;
            }
            let name = aliases.get(&term_key(name)).copied().unwrap_or(name);
            let (spellings, posts) = self.by_key.entry(term_key(name)).or_default();
            *spellings
                .entry(name.split_whitespace().collect::<Vec<_>>().join(" "))
                .or_default() += 1;
            if posts.last() != Some(&post) {
                posts.push(post);
            }
        }
    }

    /// The terms sorted by name, each with its page, and for each post its terms.
    fn finish(
        self,
        post_count: usize,
        min_posts: usize,
        path: fn(&str) -> String,
    ) -> (Vec<Term>, Vec<Vec<TermIx>>) {
        let mut terms: Vec<Term> = self
            .by_key
            .into_values()
            .map(|(spellings, posts)| Term {
                name: most_common(spellings.into_iter()),
                path: String::new(),
                has_page: posts.len() >= min_posts,
                posts,
            })
            .collect();
        terms.sort_by(|a, b| {
            term_key(&a.name)
                .cmp(&term_key(&b.name))
                .then_with(|| a.name.cmp(&b.name))
        });
        let mut slugs = Slugs::new();
        let mut post_terms = vec![Vec::new(); post_count];
        for (t, term) in terms.iter_mut().enumerate() {
            term.path = path(&slugs.claim(&slugify(&term.name)));
            for &p in &term.posts {
                post_terms[p.0].push(TermIx(t));
            }
        }
        (terms, post_terms)
    }
}

/// The spelling used most; ties go to the one that sorts first, so the choice never churns.
pub(super) fn most_common(spellings: impl Iterator<Item = (String, usize)>) -> String {
    spellings
        .max_by(|(a, n), (b, m)| n.cmp(m).then_with(|| b.cmp(a)))
        .map(|(name, _)| name)
        .unwrap_or_default()
}
