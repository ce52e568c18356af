//! Every address of the site, made here and nowhere else.
//!
//! A path is relative to the site's root and names a folder (`tags/x/`, the home page `""`) or
//! a file (`404.html`, `tags/x/atom.xml`); [`output_file`] is the file a folder's page is
//! written to and served from.

use chrono::IsoWeek;

/// The home page.
pub const HOME: &str = "";
/// The index of tags.
pub const TAGS: &str = "tags/";
/// The index of categories.
pub const CATEGORIES: &str = "categories/";
/// The blog roll.
pub const SOURCES: &str = "sources/";
/// The index of organisations.
pub const ORGANISATIONS: &str = "organisations/";
/// The weeks with weeknotes, and the weekly digest feed.
pub const WEEKNOTES: &str = "weeknotes/";
/// The years and months.
pub const ARCHIVE: &str = "archive/";
/// The search page.
pub const SEARCH: &str = "search/";
/// The index of authors.
pub const AUTHORS: &str = "authors/";
/// The pulse page: the blog roll's activity and health, charted.
pub const PULSE: &str = "pulse/";
/// The page for missing addresses.
pub const NOT_FOUND: &str = "404.html";

/// A local post: `posts/<slug>/`.
pub fn local_post(slug: &str) -> String {
    format!("posts/{slug}/")
}

/// A remote post, in its blog's folder: `posts/<blog>/<slug>/`.
pub fn remote_post(source: &str, slug: &str) -> String {
    format!("posts/{source}/{slug}/")
}

/// A tag's page.
pub fn tag(slug: &str) -> String {
    format!("{TAGS}{slug}/")
}

/// A category's page.
pub fn category(slug: &str) -> String {
    format!("{CATEGORIES}{slug}/")
}

/// A blog's page.
pub fn source(slug: &str) -> String {
    format!("{SOURCES}{slug}/")
}

/// An organisation's page.
pub fn organisation(slug: &str) -> String {
    format!("{ORGANISATIONS}{slug}/")
}

/// An author's page: `authors/<slug>/`.
pub fn author(slug: &str) -> String {
    format!("{AUTHORS}{slug}/")
}

/// A file of the site named by a reference as a browser would read it from `page` (a path of
/// this site; the root is `""`): `card.png`, `/img/a.png`, `../x.png`. The path of the file
/// from the site's root, or none when the reference leaves the site (another host, another
/// scheme) or names no file.
pub fn file_from(page: &str, reference: &str) -> Option<String> {
    // Resolved on a stand-in origin, so `..` can never climb out of the site's root.
    let origin = url::Url::parse("https://site.invalid/").expect("a valid URL");
    let resolved = origin.join(page).ok()?.join(reference.trim()).ok()?;
    if resolved.origin() != origin.origin() {
        return None;
    }
    let mut path = resolved.path().trim_start_matches('/').to_string();
    if path.is_empty() || path.ends_with('/') {
        return None;
    }
    if let Some(query) = resolved.query() {
        path.push('?');
        path.push_str(query);
    }
    Some(path)
}

/// A week's weeknotes: `weeknotes/2026-W47/`.
pub fn week(week: IsoWeek) -> String {
    format!("{WEEKNOTES}{}/", week_slug(week))
}

/// A week's name in addresses and labels: `2026-W47`.
pub fn week_slug(week: IsoWeek) -> String {
    format!("{}-W{:02}", week.year(), week.week())
}

/// A year of the archive.
pub fn year(year: i32) -> String {
    format!("{ARCHIVE}{year}/")
}

/// A month of the archive: `archive/2026/03/`.
pub fn month(year: i32, month: u32) -> String {
    format!("{ARCHIVE}{year}/{month:02}/")
}

/// Page `number` of a list living at `dir`: the first page is `dir` itself.
pub fn page(dir: &str, number: usize) -> String {
    if number <= 1 {
        dir.to_string()
    } else {
        format!("{dir}page/{number}/")
    }
}

/// A file in the folder `dir`: `file_in("tags/x/", "atom.xml")`.
pub fn file_in(dir: &str, file: &str) -> String {
    format!("{dir}{file}")
}

/// A path in the folder of a language of the site: `within("cy/", "tags/x/")`; the first
/// language's folder is the root, `""`.
pub fn within(prefix: &str, path: &str) -> String {
    format!("{prefix}{path}")
}

/// The file a path is written to: a folder's `index.html`, or the file itself.
pub fn output_file(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, NaiveDate};

    #[test]
    fn folders_are_served_from_their_index() {
        assert_eq!(output_file(HOME), "index.html");
        assert_eq!(output_file(&tag("a11y")), "tags/a11y/index.html");
        assert_eq!(output_file(NOT_FOUND), "404.html");
        assert_eq!(output_file("tags/a11y/atom.xml"), "tags/a11y/atom.xml");
    }

    #[test]
    fn lists_page_under_their_folder() {
        assert_eq!(page(HOME, 1), "");
        assert_eq!(page(HOME, 2), "page/2/");
        assert_eq!(page(&tag("x"), 3), "tags/x/page/3/");
        let week = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap().iso_week();
        assert_eq!(super::week(week), "weeknotes/2026-W53/");
        assert_eq!(month(2026, 3), "archive/2026/03/");
        assert_eq!(author("jo-bloggs"), "authors/jo-bloggs/");
    }

    #[test]
    fn a_file_reference_is_read_as_a_browser_reads_it_and_kept_inside_the_site() {
        assert_eq!(file_from(HOME, "card.png").as_deref(), Some("card.png"));
        assert_eq!(file_from(HOME, "/img/a.png").as_deref(), Some("img/a.png"));
        assert_eq!(
            file_from("posts/x/", "diagram.png").as_deref(),
            Some("posts/x/diagram.png")
        );
        assert_eq!(
            file_from("posts/x/", "/diagram.png").as_deref(),
            Some("diagram.png")
        );
        assert_eq!(
            file_from(HOME, "../../etc/passwd").as_deref(),
            Some("etc/passwd")
        );
        assert_eq!(file_from(HOME, "a.png?v=2").as_deref(), Some("a.png?v=2"));
        assert_eq!(file_from(HOME, "//evil.example/a.png"), None);
        assert_eq!(file_from(HOME, "https://cdn.example/a.png"), None);
        assert_eq!(file_from(HOME, "javascript:alert(1)"), None);
        assert_eq!(file_from(HOME, "img/"), None);
    }
}
