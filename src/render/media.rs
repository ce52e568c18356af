//! Featured images and enclosures as pages and feeds show them: an image's address under the
//! site's subpath (or, for feeds and sharing cards, absolute), and an enclosure's player, type
//! and size in words.

use serde::Serialize;

use super::view::Links;
use crate::post::Enclosure;
use crate::site::{ImageSrc, SiteImage};

/// The image's address in a page of this site.
pub(super) fn src(links: &Links, src: &ImageSrc) -> String {
    match src {
        ImageSrc::Web(url) => url.clone(),
        ImageSrc::Site(path) => links.url(path),
    }
}

/// The image's absolute address, for feeds and sharing cards, which are read off the site.
pub(super) fn absolute(links: &Links, src: &ImageSrc) -> String {
    match src {
        ImageSrc::Web(url) => url.clone(),
        ImageSrc::Site(path) => links.permalink(path),
    }
}

/// An enclosure's media type for the feeds out, which need one for every file (RSS, JSON
/// Feed): "some bytes" when nothing is known, which is true.
pub(super) fn media_type(enclosure: &Enclosure) -> &str {
    enclosure
        .media_type
        .as_deref()
        .unwrap_or("application/octet-stream")
}

/// A featured image, as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct ImageView {
    /// For `src`.
    pub src: String,
    /// Absolute, for `og:image`.
    pub absolute: String,
    /// For `alt`: empty when nobody described the image, so it is read as decorative.
    pub alt: String,
    /// In pixels, when known.
    pub width: Option<u32>,
    /// In pixels, when known.
    pub height: Option<u32>,
}

impl ImageView {
    /// The view of a settled image.
    pub(super) fn new(links: &Links, image: &SiteImage) -> Self {
        ImageView {
            src: src(links, &image.src),
            absolute: absolute(links, &image.src),
            alt: image.alt.clone().unwrap_or_default(),
            width: image.width,
            height: image.height,
        }
    }
}

/// An enclosure, as a post's page offers it: a player when a browser can play it, and always a
/// plain link naming its type and size.
#[derive(Debug, Clone, Serialize)]
pub struct EnclosureView {
    /// The file.
    pub url: String,
    /// Its media type, for `<source type>` and the link's `type`.
    pub media_type: Option<String>,
    /// `"audio"` or `"video"` when a browser plays it with its own controls; none otherwise.
    pub player: Option<&'static str>,
    /// What kind of file, for the words of the link: `audio`, `video`, `image`, `document` or
    /// `file`.
    pub kind: &'static str,
    /// Its format's usual name: `MP3`, `MP4`, `PDF`; none when it cannot be told.
    pub format: Option<String>,
    /// Its size in words, in the units every language here writes alike: `49 MB`.
    pub size: Option<String>,
    /// Its running time in whole minutes (at least 1), when given.
    pub minutes: Option<u32>,
    /// Its running time for `<time datetime>`: `PT51M19S`.
    pub duration: Option<String>,
}

/// Types a browser's own `<audio>` or `<video>` plays: the formats of podcasts and web video.
const PLAYABLE: &[(&str, &str)] = &[
    ("audio/mpeg", "audio"),
    ("audio/mp3", "audio"),
    ("audio/mp4", "audio"),
    ("audio/x-m4a", "audio"),
    ("audio/m4a", "audio"),
    ("audio/aac", "audio"),
    ("audio/ogg", "audio"),
    ("audio/opus", "audio"),
    ("audio/wav", "audio"),
    ("audio/x-wav", "audio"),
    ("audio/wave", "audio"),
    ("audio/flac", "audio"),
    ("audio/webm", "audio"),
    ("video/mp4", "video"),
    ("video/webm", "video"),
    ("video/ogg", "video"),
];

/// Formats by their usual names; others are named by their subtype or the file's extension.
const FORMATS: &[(&str, &str)] = &[
    ("audio/mpeg", "MP3"),
    ("audio/mp3", "MP3"),
    ("audio/mp4", "M4A"),
    ("audio/x-m4a", "M4A"),
    ("audio/m4a", "M4A"),
    ("audio/aac", "AAC"),
    ("audio/ogg", "Ogg"),
    ("audio/opus", "Opus"),
    ("audio/wav", "WAV"),
    ("audio/x-wav", "WAV"),
    ("audio/wave", "WAV"),
    ("audio/flac", "FLAC"),
    ("audio/webm", "WebM"),
    ("video/mp4", "MP4"),
    ("video/webm", "WebM"),
    ("video/ogg", "Ogg"),
    ("video/quicktime", "QuickTime"),
    ("application/pdf", "PDF"),
    ("image/jpeg", "JPEG"),
    ("image/png", "PNG"),
    ("image/gif", "GIF"),
    ("image/webp", "WebP"),
];

impl EnclosureView {
    /// The view of an enclosure.
    pub(super) fn new(enclosure: &Enclosure) -> Self {
        let media_type = enclosure.media_type.as_deref().map(str::to_ascii_lowercase);
        let essence = media_type
            .as_deref()
            .map(|t| t.split(';').next().unwrap_or_default().trim().to_string())
            .unwrap_or_default();
        let lookup = |table: &[(&str, &'static str)]| {
            table.iter().find(|(t, _)| *t == essence).map(|&(_, v)| v)
        };
        let kind = match essence.split('/').next().unwrap_or_default() {
            "audio" => "audio",
            "video" => "video",
            "image" => "image",
            _ if essence == "application/pdf" => "document",
            _ => "file",
        };
        EnclosureView {
            url: enclosure.url.clone(),
            player: lookup(PLAYABLE),
            kind,
            format: lookup(FORMATS)
                .map(str::to_string)
                .or_else(|| format_of(&essence, &enclosure.url)),
            size: enclosure.length.filter(|&l| l > 0).map(size_in_words),
            minutes: enclosure
                .duration
                .filter(|&d| d > 0)
                .map(|d| d.div_ceil(60)),
            duration: enclosure.duration.filter(|&d| d > 0).map(iso_duration),
            media_type: (!essence.is_empty()).then_some(essence),
        }
    }
}

/// A format's name from a type's subtype (`video/x-matroska` → `MATROSKA`) or, for a type that
/// says nothing (`application/octet-stream`), the file's extension (`.epub` → `EPUB`).
fn format_of(essence: &str, url: &str) -> Option<String> {
    let short = |name: &str| {
        let name = name.trim_start_matches("x-");
        (!name.is_empty() && name.len() <= 8 && name.chars().all(|c| c.is_ascii_alphanumeric()))
            .then(|| name.to_ascii_uppercase())
    };
    let subtype = essence.split_once('/').map(|(_, s)| s).unwrap_or_default();
    if !subtype.is_empty() && subtype != "octet-stream" {
        return short(subtype);
    }
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let file = path.rsplit('/').next().unwrap_or_default();
    short(file.rsplit_once('.')?.1)
}

/// Bytes as a reader says them, in decimal units as players and operating systems show file
/// sizes: `850 KB`, `4.5 MB`, `49 MB`, `1.2 GB`. Never less than `1 KB`, so no unit needs a word.
fn size_in_words(bytes: u64) -> String {
    let bytes = bytes as f64;
    let (value, unit) = if bytes < 1e6 {
        ((bytes / 1e3).max(1.0), "KB")
    } else if bytes < 1e9 {
        (bytes / 1e6, "MB")
    } else {
        (bytes / 1e9, "GB")
    };
    if value < 10.0 && (value * 10.0).round() % 10.0 != 0.0 {
        format!("{value:.1} {unit}")
    } else {
        format!("{} {unit}", value.round())
    }
}

/// Seconds as an ISO 8601 duration: `PT1H2M3S`.
fn iso_duration(seconds: u32) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    let mut out = String::from("PT");
    if h > 0 {
        out.push_str(&format!("{h}H"));
    }
    if m > 0 {
        out.push_str(&format!("{m}M"));
    }
    if s > 0 || out == "PT" {
        out.push_str(&format!("{s}S"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enclosure(url: &str, media_type: Option<&str>, length: Option<u64>) -> Enclosure {
        Enclosure {
            url: url.into(),
            media_type: media_type.map(str::to_string),
            length,
            duration: Some(3079),
        }
    }

    #[test]
    fn a_podcast_episode_plays_and_says_what_it_is() {
        let view = EnclosureView::new(&enclosure(
            "https://cdn.example/e.mp3",
            Some("audio/mpeg"),
            Some(49_252_772),
        ));
        assert_eq!(view.player, Some("audio"));
        assert_eq!((view.kind, view.format.as_deref()), ("audio", Some("MP3")));
        assert_eq!(view.size.as_deref(), Some("49 MB"));
        assert_eq!(view.minutes, Some(52));
        assert_eq!(view.duration.as_deref(), Some("PT51M19S"));
    }

    #[test]
    fn what_a_browser_cannot_play_is_only_a_link() {
        let pdf = EnclosureView::new(&enclosure(
            "https://x.example/r.pdf",
            Some("application/pdf"),
            None,
        ));
        assert_eq!(
            (pdf.player, pdf.kind, pdf.format.as_deref()),
            (None, "document", Some("PDF"))
        );
        let mkv = EnclosureView::new(&enclosure(
            "https://x.example/v",
            Some("video/x-matroska"),
            None,
        ));
        assert_eq!(
            (mkv.player, mkv.kind, mkv.format.as_deref()),
            (None, "video", Some("MATROSKA"))
        );
        let bin = EnclosureView::new(&enclosure(
            "https://x.example/book.epub?dl=1",
            Some("application/octet-stream"),
            Some(0),
        ));
        assert_eq!(
            (bin.kind, bin.format.as_deref(), bin.size),
            ("file", Some("EPUB"), None)
        );
        let bare = EnclosureView::new(&enclosure("https://x.example/download", None, None));
        assert_eq!(
            (bare.kind, bare.format, bare.media_type),
            ("file", None, None)
        );
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size_in_words(12), "1 KB");
        assert_eq!(size_in_words(850_000), "850 KB");
        assert_eq!(size_in_words(4_500_000), "4.5 MB");
        assert_eq!(size_in_words(4_000_000), "4 MB");
        assert_eq!(size_in_words(24_000_000), "24 MB");
        assert_eq!(size_in_words(1_200_000_000), "1.2 GB");
        assert_eq!(iso_duration(3723), "PT1H2M3S");
        assert_eq!(iso_duration(60), "PT1M");
    }
}
