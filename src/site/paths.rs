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
    }
}
