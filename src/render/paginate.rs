//! Splitting a list of posts into pages of `[site] paginate` posts each.

use crate::site::{PostIx, paths};

/// One page of a paginated list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Pager<'a> {
    /// 1-based.
    pub number: usize,
    /// How many pages the list has.
    pub total: usize,
    /// This page's posts.
    pub posts: &'a [PostIx],
    /// This page.
    pub path: String,
    /// The previous page, if any.
    pub previous: Option<String>,
    /// The next page, if any.
    pub next: Option<String>,
}

/// Splits a list living at `dir` into pages: the first at `dir`, the rest at `dir/page/N/`. An
/// empty list still has one, empty, page.
pub(super) fn paginate<'a>(dir: &str, posts: &'a [PostIx], per_page: usize) -> Vec<Pager<'a>> {
    let chunks: Vec<&[PostIx]> = if posts.is_empty() {
        vec![&[]]
    } else {
        posts.chunks(per_page).collect()
    };
    let total = chunks.len();
    chunks
        .into_iter()
        .enumerate()
        .map(|(i, posts)| {
            let number = i + 1;
            Pager {
                number,
                total,
                posts,
                path: paths::page(dir, number),
                previous: (number > 1).then(|| paths::page(dir, number - 1)),
                next: (number < total).then(|| paths::page(dir, number + 1)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagination_covers_every_post_once() {
        let posts: Vec<PostIx> = (0..45).map(PostIx).collect();
        let pages = paginate("tags/x/", &posts, 20);
        assert_eq!(pages.len(), 3);
        assert_eq!(pages[0].path, "tags/x/");
        assert_eq!(pages[1].path, "tags/x/page/2/");
        assert_eq!(pages[2].previous.as_deref(), Some("tags/x/page/2/"));
        assert_eq!(pages[2].next, None);
        let seen: Vec<PostIx> = pages.iter().flat_map(|p| p.posts.iter().copied()).collect();
        assert_eq!(seen, posts);
        assert_eq!(paginate("", &[], 20).len(), 1);
    }
}
