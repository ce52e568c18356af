//! The Tera instance of one language: the theme's templates, the filters and functions themes
//! may use, the `site` every page sees, and the interface strings as `t`.

use std::sync::Arc;

use chrono::DateTime;
use chrono_tz::Tz;
use serde::Serialize;
use tera::{Kwargs, State, Tera, TeraResult};

use super::RenderError;
use super::i18n::{Catalogue, Language};
use super::theme::Theme;
use super::view::Links;
use crate::config::Config;

/// The site, as every page sees it under `site`.
#[derive(Debug, Serialize)]
struct SiteView<'a> {
    /// The site's name, in the page's language.
    title: &'a str,
    /// About the site, in the page's language.
    description: &'a str,
    /// The page's language, BCP 47.
    language: &'a str,
    /// The address of this language's home page, ending in `/`.
    base_url: &'a str,
    /// The path of this language's home page, ending in `/`.
    base_path: &'a str,
}

/// Builds the Tera instance for one language of a site.
pub(super) fn load(
    theme: &Theme,
    config: &Config,
    language: &Language,
    root: &Links,
) -> Result<Tera, RenderError> {
    let mut tera = Tera::new();
    tera.autoescape_on([".html", ".xml"]);
    register(
        &mut tera,
        config.site.timezone,
        &language.links,
        root,
        Arc::new(language.catalogue.clone()),
    );
    tera.add_raw_templates(
        theme
            .templates
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str())),
    )
    .map_err(RenderError::Theme)?;
    let site = SiteView {
        title: &language.title,
        description: &language.description,
        language: language.tag(),
        base_url: &language.links.base_url,
        base_path: &language.links.base_path,
    };
    tera.global_context().insert("site", &site);
    tera.global_context()
        .insert_value("t", language.catalogue.to_value());
    Ok(tera)
}

/// Tera's errors keep the useful part (template, line, caret) in their kind or their source.
pub(super) fn report(error: &tera::Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        message.push_str(&format!("\n{inner}"));
        source = inner.source();
    }
    message
}

fn register(tera: &mut Tera, tz: Tz, links: &Links, root: &Links, strings: Arc<Catalogue>) {
    // `{{ post.published | date }}` or `| date(format="%Y-%m-%d")`, in the site's time zone,
    // with the month and day names of the page's language.
    let names = Arc::clone(&strings);
    tera.register_filter("date", move |value: &str, kwargs: Kwargs, _: &State| {
        format_date(value, kwargs.get::<&str>("format")?, tz, &names)
    });
    // `{{ t.list.position | fill(number=2, total=5) }}`: a string of the catalogue with its
    // `{number}` and `{total}` filled in.
    tera.register_filter("fill", |text: &str, kwargs: Kwargs, _: &State| {
        let values: Vec<(String, String)> = kwargs
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect();
        let pairs: Vec<(&str, &str)> = values
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        super::i18n::fill(text, &pairs)
    });
    // `{{ count(n=3, of="post") }}`: "3 posts", as the page's language counts.
    tera.register_function(
        "count",
        move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let n: usize = kwargs.must_get("n")?;
            let of: &str = kwargs.must_get("of")?;
            Ok(strings.count(of, n))
        },
    );
    // `{{ url(path="weeknotes/") }}`: a page of this language, inside the site's subpath.
    let base_path = links.base_path.clone();
    tera.register_function(
        "url",
        move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let path: &str = kwargs.must_get("path")?;
            Ok(format!("{base_path}{}", path.trim_start_matches('/')))
        },
    );
    // `{{ asset(path="style.css") }}`: a file every language shares, at the site's root.
    let root_path = root.base_path.clone();
    tera.register_function(
        "asset",
        move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let path: &str = kwargs.must_get("path")?;
            Ok(format!("{root_path}{}", path.trim_start_matches('/')))
        },
    );
}

fn format_date(value: &str, format: Option<&str>, tz: Tz, names: &Catalogue) -> TeraResult<String> {
    let date = DateTime::parse_from_rfc3339(value).map_err(|e| {
        tera::Error::message(format!(
            "the date filter needs an RFC 3339 date, not {value:?}: {e}"
        ))
    })?;
    let local = date.with_timezone(&tz);
    if let Some(format) = format {
        // chrono reports a bad format only when it is written out.
        let mut check = String::new();
        std::fmt::write(&mut check, format_args!("{}", local.format(format)))
            .map_err(|_| tera::Error::message(format!("{format:?} is not a valid date format")))?;
    }
    Ok(names.date(&local, format))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_show_in_the_site_time_zone_and_language() {
        let london = chrono_tz::Europe::London;
        let en = Catalogue::load(&Theme::default(), "en-GB").unwrap();
        let cy = Catalogue::load(&Theme::default(), "cy").unwrap();
        assert_eq!(
            format_date("2026-07-31T23:30:00Z", None, london, &en).unwrap(),
            "1 August 2026"
        );
        assert_eq!(
            format_date("2026-07-31T23:30:00Z", None, london, &cy).unwrap(),
            "1 Awst 2026"
        );
        assert_eq!(
            format_date("2026-01-05T10:00:00+00:00", Some("%Y-%m-%d"), london, &en).unwrap(),
            "2026-01-05"
        );
        assert!(format_date("yesterday", None, london, &en).is_err());
        assert!(format_date("2026-01-05T10:00:00+00:00", Some("%Q"), london, &en).is_err());
    }
}
