//! Sharing previews: what a link to a page shows when it is pasted into Slack, Teams or
//! Mastodon, as Open Graph and Twitter card metadata.

use serde::Serialize;

use super::media::ImageView;

/// The longest description a card shows in full; longer ones end at a word, with an ellipsis.
const DESCRIPTION_CHARS: usize = 200;

/// A page's card, as `base.html` writes it into `<head>`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Share {
    /// `og:title`: the page's own title, or the site's on the home page.
    pub title: String,
    /// `og:description`: plain text.
    pub description: String,
    /// `og:url`: the page's canonical address.
    pub url: String,
    /// `og:site_name`.
    pub site_name: String,
    /// `og:locale`: `en_GB`, `cy_GB`.
    pub locale: String,
    /// `og:type`: `article` for a post, `website` for every other page.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// `og:image` and its `og:image:alt`: the post's, else the site's, if any.
    pub image: Option<ImageView>,
    /// `summary_large_image` with a picture, `summary` without.
    pub card: &'static str,
    /// For `article:published_time`, RFC 3339, on a post.
    pub published: Option<String>,
}

impl Share {
    /// A card; `description` may be long or HTML-free text of any length.
    pub(crate) fn new(
        title: &str,
        description: &str,
        url: String,
        site_name: &str,
        language: &str,
        image: Option<ImageView>,
    ) -> Self {
        Share {
            title: title.to_string(),
            description: shortened(description, DESCRIPTION_CHARS),
            url,
            site_name: site_name.to_string(),
            locale: og_locale(language),
            kind: "website",
            card: if image.is_some() {
                "summary_large_image"
            } else {
                "summary"
            },
            image,
            published: None,
        }
    }

    /// The same card with a picture of its own.
    pub(crate) fn with_image(mut self, image: ImageView) -> Self {
        self.card = "summary_large_image";
        self.image = Some(image);
        self
    }

    /// The same card, for a post published at `published` (RFC 3339).
    pub(crate) fn article(mut self, published: String) -> Self {
        self.kind = "article";
        self.published = Some(published);
        self
    }
}

/// Open Graph's locale (`language_TERRITORY`) for a BCP 47 tag: `en-GB` → `en_GB`. A tag with
/// no region is placed in the United Kingdom for the languages of its nations, which is where
/// this site's readers are (`cy` → `cy_GB`), and elsewhere in the country of the same name
/// (`fr` → `fr_FR`), as Open Graph's own list does.
pub(crate) fn og_locale(tag: &str) -> String {
    let mut parts = tag.split(['-', '_']).filter(|p| !p.is_empty());
    let language = parts.next().unwrap_or("en").to_ascii_lowercase();
    let region = parts
        .find(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_alphabetic()))
        .map(str::to_ascii_uppercase);
    let region = region.unwrap_or_else(|| match language.as_str() {
        "en" | "cy" | "gd" | "ga" | "kw" => "GB".to_string(),
        other => other.to_ascii_uppercase(),
    });
    format!("{language}_{region}")
}

/// `text` with its spaces collapsed, cut at a word before `max` characters, with an ellipsis.
fn shortened(text: &str, max: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let whole = words.join(" ");
    if whole.chars().count() <= max {
        return whole;
    }
    let mut out = String::new();
    for word in words {
        if out.chars().count() + word.chars().count() + 1 >= max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_s_language_is_an_open_graph_locale() {
        assert_eq!(og_locale("en-GB"), "en_GB");
        assert_eq!(og_locale("cy"), "cy_GB");
        assert_eq!(og_locale("cy-GB"), "cy_GB");
        assert_eq!(og_locale("en"), "en_GB");
        assert_eq!(og_locale("pl"), "pl_PL");
        assert_eq!(og_locale("sr-Latn-RS"), "sr_RS");
    }

    #[test]
    fn a_long_description_ends_at_a_word() {
        let long = "word ".repeat(100);
        let short = shortened(&long, 30);
        assert!(short.ends_with("word…"), "{short}");
        assert!(short.chars().count() <= 30, "{short}");
        assert_eq!(shortened("  A  short\none. ", 30), "A short one.");
    }

    #[test]
    fn a_card_with_a_picture_is_a_large_one_and_a_post_is_an_article() {
        let plain = Share::new("T", "D", "https://x.example/".into(), "S", "cy", None);
        assert_eq!(
            (plain.card, plain.kind, plain.locale.as_str()),
            ("summary", "website", "cy_GB")
        );
        let image = ImageView {
            src: "/a.png".into(),
            absolute: "https://x.example/a.png".into(),
            alt: String::new(),
            width: None,
            height: None,
        };
        let post = Share::new("T", "D", "u".into(), "S", "en-GB", Some(image))
            .article("2026-01-01T00:00:00+00:00".into());
        assert_eq!((post.card, post.kind), ("summary_large_image", "article"));
    }
}
