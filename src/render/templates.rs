//! The Tera instance: the theme's templates, the filters and functions themes may use, and the
//! `site` every page sees.

use chrono::DateTime;
use chrono_tz::Tz;
use tera::{Kwargs, State, Tera, TeraResult};

use super::RenderError;
use super::theme::Theme;
use super::view::{Links, SiteView};
use crate::config::Config;

/// The format of a date when a template does not give one: "3 March 2026".
const DATE_FORMAT: &str = "%-d %B %Y";

/// Builds the Tera instance for a theme.
pub(super) fn load(theme: &Theme, config: &Config, links: &Links) -> Result<Tera, RenderError> {
    let mut tera = Tera::new();
    tera.autoescape_on([".html", ".xml"]);
    register(&mut tera, config.site.timezone, links);
    tera.add_raw_templates(
        theme
            .templates
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str())),
    )
    .map_err(RenderError::Theme)?;
    let site = SiteView {
        title: &config.site.title,
        description: &config.site.description,
        language: &config.site.language,
        base_url: config.site.base_url.as_str(),
        base_path: config.base_path(),
    };
    tera.global_context().insert("site", &site);
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

fn register(tera: &mut Tera, tz: Tz, links: &Links) {
    // `{{ post.published | date }}` or `| date(format="%Y-%m-%d")`, in the site's time zone.
    tera.register_filter("date", move |value: &str, kwargs: Kwargs, _: &State| {
        format_date(
            value,
            kwargs.get::<&str>("format")?.unwrap_or(DATE_FORMAT),
            tz,
        )
    });
    // `{{ url(path="style.css") }}`: a link that stays inside the site's subpath.
    let base_path = links.base_path.clone();
    tera.register_function(
        "url",
        move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let path: &str = kwargs.must_get("path")?;
            Ok(format!("{base_path}{}", path.trim_start_matches('/')))
        },
    );
}

fn format_date(value: &str, format: &str, tz: Tz) -> TeraResult<String> {
    let date = DateTime::parse_from_rfc3339(value).map_err(|e| {
        tera::Error::message(format!(
            "the date filter needs an RFC 3339 date, not {value:?}: {e}"
        ))
    })?;
    let mut out = String::new();
    std::fmt::Write::write_fmt(
        &mut out,
        format_args!("{}", date.with_timezone(&tz).format(format)),
    )
    .map_err(|_| tera::Error::message(format!("{format:?} is not a valid date format")))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_show_in_the_site_time_zone() {
        let london = chrono_tz::Europe::London;
        assert_eq!(
            format_date("2026-07-31T23:30:00Z", DATE_FORMAT, london).unwrap(),
            "1 August 2026"
        );
        assert_eq!(
            format_date("2026-01-05T10:00:00+00:00", "%Y-%m-%d", london).unwrap(),
            "2026-01-05"
        );
        assert!(format_date("yesterday", DATE_FORMAT, london).is_err());
        assert!(format_date("2026-01-05T10:00:00+00:00", "%Q", london).is_err());
    }
}
