//! The interface in the reader's language: a catalogue of every string a page shows, per
//! language, from the theme's `i18n/<lang>.toml` files laid over the built-in English ones
//! and under the site's own.
//!
//! A language tag finds its files from the general to the particular: `en-GB` reads `en`,
//! then `en-gb`. Keys missing from a language fall back to English, so a site can add a
//! language a key at a time; `roundup check` could list what is missing.

use chrono::{DateTime, Datelike, TimeZone};
use serde::Serialize;

use super::theme::{Layer, Theme, built_in_catalogue};
use super::view::Links;
use crate::config::Config;

/// One language of the site, as its pages are rendered: the first at the root, each other
/// under a folder of its own (`cy/`), every page in each.
#[derive(Debug, Clone)]
pub struct Language {
    /// Its strings.
    pub catalogue: Catalogue,
    /// `""` for the first language, `cy/` for another.
    pub prefix: String,
    /// The site's title in it.
    pub title: String,
    /// The site's description in it.
    pub description: String,
    /// Links to its pages (the prefix included).
    pub links: Links,
}

impl Language {
    /// Every language of `config`, the first first.
    pub fn all(config: &Config, theme: &Theme) -> Result<Vec<Language>, CatalogueError> {
        config
            .languages()
            .into_iter()
            .enumerate()
            .map(|(i, tag)| {
                let prefix = if i == 0 {
                    String::new()
                } else {
                    format!("{}/", tag.to_ascii_lowercase())
                };
                Ok(Language {
                    catalogue: Catalogue::load(theme, tag)?,
                    links: Links::new(config).within(&prefix),
                    prefix,
                    title: config.site.title.get(tag).to_string(),
                    description: config.site.description.get(tag).to_string(),
                })
            })
            .collect()
    }

    /// Its BCP 47 tag.
    pub fn tag(&self) -> &str {
        self.catalogue.tag()
    }

    /// Whether text in language `other` reads as this language: the same primary language
    /// (`en` and `en-GB` are one; `cy` is not `en`). A text of no known language is taken to be
    /// in the page's.
    pub fn reads(&self, other: Option<&str>) -> bool {
        other.is_none_or(|other| primary(other) == primary(self.tag()))
    }
}

/// `en-GB` -> `en`.
fn primary(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or(tag)
        .to_ascii_lowercase()
}

/// What can be wrong with a catalogue.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    /// A file is not valid TOML.
    #[error("{origin}: {message}")]
    Invalid {
        /// The file.
        origin: String,
        /// What the TOML parser said.
        message: String,
    },
    /// A key holds something other than what the interface needs there.
    #[error("{origin}: `{key}` must be {expected}")]
    Shape {
        /// The file.
        origin: String,
        /// The key, dotted.
        key: String,
        /// "text", "a list of 12 month names", ...
        expected: &'static str,
    },
}

/// One language's interface strings.
#[derive(Debug, Clone)]
pub struct Catalogue {
    /// The language tag (BCP 47) it is for: `en-GB`, `cy`.
    tag: String,
    table: toml::Table,
    months: Vec<String>,
    days: Vec<String>,
}

impl Catalogue {
    /// The catalogue of `tag` for a theme: English first, then the language's own files, each
    /// from the built-in theme, the site's theme and the site, later layers winning.
    pub fn load(theme: &Theme, tag: &str) -> Result<Catalogue, CatalogueError> {
        let mut layers: Vec<Layer> = Vec::new();
        for stem in stems("en").into_iter().chain(stems(tag)) {
            layers.extend(built_in_catalogue(&stem));
            layers.extend(theme.catalogues.get(&stem).into_iter().flatten().cloned());
        }
        let mut table = toml::Table::new();
        for layer in &layers {
            let more: toml::Table =
                layer
                    .text
                    .parse()
                    .map_err(|e: toml::de::Error| CatalogueError::Invalid {
                        origin: layer.origin.clone(),
                        message: e.message().to_string(),
                    })?;
            check_shapes(&table, &more, "", &layer.origin)?;
            merge(&mut table, more);
        }
        let list = |key: &str, len: usize, expected: &'static str| {
            let values: Option<Vec<String>> = lookup(&table, key)
                .and_then(toml::Value::as_array)
                .filter(|a| a.len() == len)
                .and_then(|a| a.iter().map(|v| v.as_str().map(str::to_string)).collect());
            values.ok_or_else(|| CatalogueError::Shape {
                origin: format!("i18n for {tag}"),
                key: key.to_string(),
                expected,
            })
        };
        let months = list("dates.months", 12, "a list of 12 month names")?;
        let days = list("dates.days", 7, "a list of 7 day names, Monday first")?;
        Ok(Catalogue {
            tag: tag.to_string(),
            table,
            months,
            days,
        })
    }

    /// The language tag it is for.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// The text at a dotted key (`nav.latest`); the key itself if there is none, so a missing
    /// string shows where it belongs rather than breaking the build.
    pub fn text<'a>(&'a self, key: &'a str) -> &'a str {
        lookup(&self.table, key)
            .and_then(toml::Value::as_str)
            .unwrap_or(key)
    }

    /// The text at `key` with each `{name}` replaced by its value.
    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        fill(self.text(key), values)
    }

    /// "3 posts": `what` is a key under `[count]` with `one` and `other` forms.
    pub fn count(&self, what: &str, n: usize) -> String {
        let form = if n == 1 { "one" } else { "other" };
        self.fill(&format!("count.{what}.{form}"), &[("n", &n.to_string())])
    }

    /// A month's name, 1 to 12.
    pub fn month(&self, month: u32) -> &str {
        self.months
            .get(month.wrapping_sub(1) as usize)
            .map_or("?", String::as_str)
    }

    /// A date in the catalogue's format (`dates.format`) or `format`, with its month and day
    /// names; the rest of the format is chrono's.
    pub fn date<Tz: TimeZone>(&self, date: &DateTime<Tz>, format: Option<&str>) -> String
    where
        Tz::Offset: std::fmt::Display,
    {
        let format = format.unwrap_or_else(|| self.text("dates.format"));
        let month = self.month(date.month());
        let day = &self.days[date.weekday().num_days_from_monday() as usize];
        // Names are put in before chrono sees the format, each with its `%` doubled, so that
        // chrono leaves them alone.
        let escape = |name: &str| name.replace('%', "%%");
        let format = format
            .replace("%B", &escape(month))
            .replace("%A", &escape(day));
        let mut out = String::new();
        // An invalid format is shown as it is rather than failing the page.
        if std::fmt::write(&mut out, format_args!("{}", date.format(&format))).is_err() {
            return format;
        }
        out
    }

    /// Everything, for templates, as `t`: `{{ t.nav.latest }}`.
    pub fn to_value(&self) -> tera::Value {
        tera::Value::from_serializable(&Serializable(&self.table))
    }
}

/// A table made serialisable for Tera.
struct Serializable<'a>(&'a toml::Table);

impl Serialize for Serializable<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// Replaces each `{name}` in `text`.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = text.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The file stems a language tag reads, general first: `en-GB` -> `en`, `en-gb`.
fn stems(tag: &str) -> Vec<String> {
    let tag = tag.to_ascii_lowercase().replace('_', "-");
    let mut stems = Vec::new();
    let mut end = 0;
    for part in tag.split('-') {
        end += part.len();
        stems.push(tag[..end].to_string());
        end += 1;
    }
    stems
}

fn lookup<'a>(table: &'a toml::Table, key: &str) -> Option<&'a toml::Value> {
    let mut parts = key.split('.');
    let mut value = table.get(parts.next()?)?;
    for part in parts {
        value = value.as_table()?.get(part)?;
    }
    Some(value)
}

/// Lays `more` over `base`, key by key, tables merged rather than replaced.
fn merge(base: &mut toml::Table, more: toml::Table) {
    for (key, value) in more {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(inner)), toml::Value::Table(more)) => merge(inner, more),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// A layer may not turn a string into a table or a list into a string: what the interface
/// reads there would be gone.
fn check_shapes(
    base: &toml::Table,
    more: &toml::Table,
    prefix: &str,
    origin: &str,
) -> Result<(), CatalogueError> {
    for (key, value) in more {
        let path = format!("{prefix}{key}");
        match (base.get(key), value) {
            (Some(toml::Value::Table(inner)), toml::Value::Table(more)) => {
                check_shapes(inner, more, &format!("{path}."), origin)?
            }
            (Some(old), new) if old.type_str() != new.type_str() => {
                return Err(CatalogueError::Shape {
                    origin: origin.to_string(),
                    key: path,
                    expected: match old {
                        toml::Value::Table(_) => "a table",
                        toml::Value::Array(_) => "a list",
                        _ => "text",
                    },
                });
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    fn theme_with(site_cy: &str) -> Theme {
        let mut theme = Theme::default();
        theme.catalogues.insert(
            "cy".to_string(),
            vec![Layer {
                origin: "site i18n/cy.toml".to_string(),
                text: site_cy.to_string(),
            }],
        );
        theme
    }

    #[test]
    fn welsh_lays_over_english_and_a_site_over_both() {
        let theme = theme_with("[nav]\nlatest = \"Y diweddaraf oll\"\n");
        let cy = Catalogue::load(&theme, "cy").unwrap();
        assert_eq!(cy.text("nav.latest"), "Y diweddaraf oll");
        assert_eq!(cy.text("nav.archive"), "Archif");
        assert_eq!(cy.text("language.name"), "Cymraeg");
        let en = Catalogue::load(&Theme::default(), "en-GB").unwrap();
        assert_eq!(en.text("nav.latest"), "Latest");
        assert_eq!(en.text("no.such.key"), "no.such.key");
    }

    #[test]
    fn dates_and_counts_speak_the_language() {
        let cy = Catalogue::load(&Theme::default(), "cy").unwrap();
        let date =
            DateTime::<FixedOffset>::parse_from_rfc3339("2026-03-03T10:00:00+00:00").unwrap();
        assert_eq!(cy.date(&date, None), "3 Mawrth 2026");
        assert_eq!(cy.date(&date, Some("%A %-d %B")), "Dydd Mawrth 3 Mawrth");
        assert_eq!(cy.count("post", 3), "3 cofnod");
        let en = Catalogue::load(&Theme::default(), "en").unwrap();
        assert_eq!(en.date(&date, None), "3 March 2026");
        assert_eq!(en.count("post", 1), "1 post");
        assert_eq!(en.count("post", 2), "2 posts");
        assert_eq!(en.fill("titles.tag", &[("name", "data")]), "Tag: data");
    }

    #[test]
    fn a_layer_that_breaks_the_shape_is_named() {
        let theme = theme_with("[dates]\nmonths = \"all of them\"\n");
        let err = Catalogue::load(&theme, "cy").unwrap_err().to_string();
        assert!(
            err.contains("site i18n/cy.toml") && err.contains("dates.months"),
            "{err}"
        );
        let broken = theme_with("[nav\n");
        assert!(Catalogue::load(&broken, "cy").is_err());
    }

    #[test]
    fn a_tag_reads_its_files_from_general_to_particular() {
        assert_eq!(stems("en-GB"), ["en", "en-gb"]);
        assert_eq!(stems("cy"), ["cy"]);
        assert_eq!(stems("zh_Hant_TW"), ["zh", "zh-hant", "zh-hant-tw"]);
    }
}
