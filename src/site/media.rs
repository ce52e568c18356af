//! What a post shows besides its words: its featured image, with its address settled, and its
//! enclosures, kept to the web's own schemes.

use url::Url;

use super::paths;
use crate::post::{Enclosure, Image, Post};
use crate::sanitize::{first_image, is_tracking_image};

/// A featured image as the site shows it: never a tracking pixel, never over plain http.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteImage {
    /// Where it is.
    pub src: ImageSrc,
    /// What it shows; none when nobody said (it is then shown as decorative, `alt=""`).
    pub alt: Option<String>,
    /// Width in pixels, when known, so the page does not jump as it loads.
    pub width: Option<u32>,
    /// Height in pixels, when known.
    pub height: Option<u32>,
}

/// Where a featured image is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageSrc {
    /// Elsewhere on the web: an absolute https address.
    Web(String),
    /// A file of this site, by its path from the site's root: linked under the site's subpath.
    Site(String),
}

/// A post's featured image, if it has one worth showing. A local post's relative address is a
/// file of this site: from the site's root when the front matter names it, from the post's own
/// page (`page`) when it is the first image of its Markdown, as a browser reads that there.
pub(super) fn featured(post: &Post, page: &str) -> Option<SiteImage> {
    let image = post.image.as_ref()?;
    if is_tracking_image(image) {
        return None;
    }
    let src = match web(&image.url) {
        Some(src) => src,
        None if post.is_remote() => return None,
        None => {
            let in_content = first_image(&post.content).is_some_and(|i| i.url == image.url);
            let from = if in_content { page } else { paths::HOME };
            ImageSrc::Site(paths::file_from(from, &image.url)?)
        }
    };
    Some(settled(src, image))
}

/// The site's own sharing picture (`[site] image`): a file of the site or an https address.
pub(super) fn site_image(reference: &str, alt: Option<&str>) -> Option<SiteImage> {
    let src = match web(reference) {
        Some(src) => src,
        None => ImageSrc::Site(paths::file_from(paths::HOME, reference)?),
    };
    let image = Image {
        url: reference.to_string(),
        alt: alt.map(str::to_string),
        width: None,
        height: None,
    };
    Some(settled(src, &image))
}

fn settled(src: ImageSrc, image: &Image) -> SiteImage {
    let positive = |n: Option<u32>| n.filter(|&n| n > 0);
    SiteImage {
        alt: image
            .alt
            .as_deref()
            .and_then(|a| meaningful_alt(a, &image.url)),
        width: positive(image.width),
        height: positive(image.height),
        src,
    }
}

/// An absolute web address made https (an http image on an https page is blocked as mixed
/// content); none for a relative reference; for any other scheme, none and no file either.
fn web(reference: &str) -> Option<ImageSrc> {
    let reference = reference.trim();
    let absolute = match reference.strip_prefix("//") {
        Some(rest) => format!("https://{rest}"),
        None => reference.to_string(),
    };
    let mut url = Url::parse(&absolute).ok()?;
    if url.scheme() == "http" {
        url.set_scheme("https").ok()?;
    }
    (url.scheme() == "https").then(|| ImageSrc::Web(url.into()))
}

/// Alternative text worth reading out: not empty, and not a file name, which tells a listener
/// nothing (`IMG_0042.jpg`, or the last segment of the image's own address).
fn meaningful_alt(alt: &str, url: &str) -> Option<String> {
    let alt = alt.split_whitespace().collect::<Vec<_>>().join(" ");
    let file = url
        .split(['?', '#'])
        .next()
        .and_then(|u| u.rsplit('/').next())
        .unwrap_or_default();
    let looks_like_a_file = !alt.contains(' ')
        && alt.rsplit_once('.').is_some_and(|(stem, ext)| {
            !stem.is_empty()
                && matches!(
                    ext.to_ascii_lowercase().as_str(),
                    "jpg"
                        | "jpeg"
                        | "png"
                        | "gif"
                        | "webp"
                        | "avif"
                        | "svg"
                        | "bmp"
                        | "tif"
                        | "tiff"
                        | "heic"
                )
        });
    let is_own_name = !file.is_empty() && alt.eq_ignore_ascii_case(file);
    (!alt.is_empty() && !looks_like_a_file && !is_own_name).then_some(alt)
}

/// Keeps the enclosures a reader's browser or podcast app can fetch: http(s) only, whatever an
/// older archive or a hand-edited export holds. One the feed gave no useful type is typed by
/// its file's extension, as a player needs a type to choose (`<source type>`, RSS's required
/// `type`), and an unknown type is better than a wrong one.
pub(super) fn web_enclosures(enclosures: &mut Vec<Enclosure>) {
    enclosures.retain_mut(|e| {
        let Ok(url) = Url::parse(&e.url) else {
            return false;
        };
        if !matches!(url.scheme(), "http" | "https") || !url.has_host() {
            return false;
        }
        let vague = e
            .media_type
            .as_deref()
            .is_none_or(|t| t.is_empty() || t == "application/octet-stream");
        if vague && let Some(guess) = mime_guess::from_path(url.path()).first() {
            e.media_type = Some(guess.essence_str().to_string());
        }
        true
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::post::{FeedKey, Source};

    fn with_image(url: &str, alt: Option<&str>) -> Post {
        Post {
            image: Some(Image {
                url: url.into(),
                alt: alt.map(str::to_string),
                width: Some(640),
                height: Some(0),
            }),
            ..Post::sample("p", "2026-01-01T00:00:00Z")
        }
    }

    #[test]
    fn a_web_image_is_https_and_keeps_what_it_says_of_itself() {
        let image = featured(
            &with_image("http://cdn.example/a.jpg", Some(" A  cat ")),
            "posts/p/",
        )
        .unwrap();
        assert_eq!(image.src, ImageSrc::Web("https://cdn.example/a.jpg".into()));
        assert_eq!(image.alt.as_deref(), Some("A cat"));
        assert_eq!((image.width, image.height), (Some(640), None));
    }

    #[test]
    fn a_front_matter_image_is_a_file_of_the_site_from_its_root() {
        let image = featured(&with_image("/img/card.png", None), "posts/p/").unwrap();
        assert_eq!(image.src, ImageSrc::Site("img/card.png".into()));
        let image = featured(&with_image("img/card.png", None), "posts/p/").unwrap();
        assert_eq!(image.src, ImageSrc::Site("img/card.png".into()));
    }

    #[test]
    fn a_markdown_image_is_read_from_the_post_s_own_page() {
        let post = Post {
            content: r#"<p><img src="diagram.png" alt="The flow"></p>"#.into(),
            ..with_image("diagram.png", Some("The flow"))
        };
        let image = featured(&post, "posts/p/").unwrap();
        assert_eq!(image.src, ImageSrc::Site("posts/p/diagram.png".into()));
    }

    #[test]
    fn no_script_data_or_tracker_is_ever_a_featured_image() {
        for url in [
            "javascript:alert(1)",
            "data:image/png;base64,AAAA",
            "https://stats.wordpress.com/g.gif",
        ] {
            assert_eq!(featured(&with_image(url, None), "posts/p/"), None, "{url}");
        }
        let mut remote = with_image("relative.png", None);
        remote.source = Source::Feed(FeedKey("https://blog.example/feed".into()));
        assert_eq!(featured(&remote, "posts/b/p/"), None);
    }

    #[test]
    fn a_file_name_is_never_alternative_text() {
        for alt in ["IMG_0042.JPG", "photo.webp", "a.jpg", ""] {
            let image = featured(&with_image("https://cdn.example/a.jpg", Some(alt)), "").unwrap();
            assert_eq!(image.alt, None, "{alt:?}");
        }
        let kept = featured(&with_image("https://cdn.example/a.jpg", Some("Fig. 2")), "").unwrap();
        assert_eq!(kept.alt.as_deref(), Some("Fig. 2"));
    }

    #[test]
    fn only_web_enclosures_are_kept_and_each_has_a_type_where_one_can_be_told() {
        let enclosure = |url: &str| Enclosure {
            url: url.into(),
            media_type: None,
            length: None,
            duration: None,
        };
        let mut all = vec![
            enclosure("https://cdn.example/a.mp3"),
            enclosure("ftp://cdn.example/a.mp3"),
            enclosure("javascript:alert(1)"),
            enclosure("http://cdn.example/b.mp3"),
        ];
        all.push(Enclosure {
            media_type: Some("video/mp4".into()),
            ..enclosure("https://cdn.example/c.mp3")
        });
        all.push(enclosure("https://cdn.example/download?id=7"));
        web_enclosures(&mut all);
        let kept: Vec<(&str, Option<&str>)> = all
            .iter()
            .map(|e| (e.url.as_str(), e.media_type.as_deref()))
            .collect();
        assert_eq!(
            kept,
            [
                ("https://cdn.example/a.mp3", Some("audio/mpeg")),
                ("http://cdn.example/b.mp3", Some("audio/mpeg")),
                ("https://cdn.example/c.mp3", Some("video/mp4")),
                ("https://cdn.example/download?id=7", None),
            ]
        );
    }
}
