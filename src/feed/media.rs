//! What an entry carries besides its text: enclosures (RSS `<enclosure>`, Atom
//! `rel="enclosure"` links, Media RSS audio and video with iTunes durations) and a featured
//! image (Media RSS thumbnails and images, `itunes:image`).

use super::tree::{NodeId, Ns, Tree};
use super::xml::{Link, Scope};
use super::{Enclosure, Image, web_address};

/// The entry's files, each address once, in the order the feed gives them.
pub(crate) fn enclosures(
    tree: &Tree,
    item: NodeId,
    scope: &Scope,
    links: &[Link],
) -> Vec<Enclosure> {
    let mut found: Vec<Enclosure> = Vec::new();
    let mut add = |url: Option<String>,
                   media_type: Option<&str>,
                   length: Option<&str>,
                   duration: Option<u32>| {
        let Some(url) = url else { return };
        let media_type = media_type
            .map(|t| t.trim().to_ascii_lowercase())
            .filter(|t| !t.is_empty());
        // A size that is not a whole number of bytes is not one to trust.
        let length = length.and_then(|l| l.trim().parse::<u64>().ok());
        match found.iter_mut().find(|e| e.url == url) {
            Some(seen) => {
                seen.media_type = seen.media_type.take().or(media_type);
                seen.length = seen.length.or(length);
                seen.duration = seen.duration.or(duration);
            }
            None => found.push(Enclosure {
                url,
                media_type,
                length,
                duration,
            }),
        }
    };
    for e in tree.named(item, Ns::Core, "enclosure") {
        let url = tree
            .attr(e, "url")
            .or_else(|| tree.attr(e, "href"))
            .and_then(|u| web_address(u, &scope.enter(tree, e).base));
        add(url, tree.attr(e, "type"), tree.attr(e, "length"), None);
    }
    for link in links.iter().filter(|l| l.rel == "enclosure") {
        add(
            web_address(&link.href, &scope.base),
            link.media_type.as_deref(),
            link.length.as_deref(),
            None,
        );
    }
    for container in containers(tree, item) {
        for content in tree.named(container, Ns::Media, "content") {
            let media_type = tree.attr(content, "type").unwrap_or_default();
            let medium = tree.attr(content, "medium").unwrap_or_default();
            let playable = ["audio", "video"]
                .iter()
                .any(|kind| medium.eq_ignore_ascii_case(kind) || media_type.starts_with(kind));
            if !playable {
                continue;
            }
            let url = tree
                .attr(content, "url")
                .and_then(|u| web_address(u, &scope.enter(tree, content).base));
            let duration = tree.attr(content, "duration").and_then(seconds);
            add(
                url,
                Some(media_type).filter(|t| !t.is_empty()),
                tree.attr(content, "fileSize"),
                duration,
            );
        }
    }
    // iTunes gives the episode's running time once, for the entry's audio or video.
    let duration = tree
        .first(item, Ns::Itunes, "duration")
        .and_then(|d| seconds(&tree.text(d)));
    for enclosure in &mut found {
        let playable = enclosure
            .media_type
            .as_deref()
            .is_none_or(|t| t.starts_with("audio") || t.starts_with("video"));
        if playable && enclosure.duration.is_none() {
            enclosure.duration = duration;
        }
    }
    found
}

/// The entry's featured image: the first Media RSS thumbnail, else the first Media RSS image,
/// else `itunes:image`, else an image enclosure. Always https.
pub(crate) fn image(tree: &Tree, item: NodeId, scope: &Scope) -> Option<Image> {
    let containers = containers(tree, item);
    let make = |id: NodeId, url: &str, around: NodeId| {
        let url = web_address(url, &scope.enter(tree, id).base)?;
        let url = match url.strip_prefix("http://") {
            Some(rest) => format!("https://{rest}"),
            None => url,
        };
        let alt = [(Ns::Media, "description"), (Ns::Media, "title")]
            .iter()
            .flat_map(|&(ns, local)| [id, around].map(|at| tree.first(at, ns, local)))
            .flatten()
            .map(|t| crate::plain_text::plain_text(&tree.text(t)))
            .find(|t| !t.is_empty());
        let number = |name| {
            tree.attr(id, name)
                .and_then(|v| v.trim().parse::<u32>().ok())
        };
        Some(Image {
            url,
            alt,
            width: number("width"),
            height: number("height"),
        })
    };
    let thumbnail = containers.iter().find_map(|&c| {
        tree.named(c, Ns::Media, "thumbnail")
            .find_map(|t| make(t, tree.attr(t, "url")?, c))
    });
    let picture = || {
        containers.iter().find_map(|&c| {
            tree.named(c, Ns::Media, "content").find_map(|m| {
                let media_type = tree.attr(m, "type").unwrap_or_default();
                let medium = tree.attr(m, "medium").unwrap_or_default();
                let is_image =
                    media_type.starts_with("image/") || medium.eq_ignore_ascii_case("image");
                if !is_image {
                    return None;
                }
                make(m, tree.attr(m, "url")?, c)
            })
        })
    };
    let itunes = || {
        tree.named(item, Ns::Itunes, "image")
            .find_map(|i| make(i, tree.attr(i, "href")?, item))
    };
    let enclosure = || {
        tree.named(item, Ns::Core, "enclosure").find_map(|e| {
            let image = tree
                .attr(e, "type")
                .is_some_and(|t| t.trim().starts_with("image/"));
            if !image {
                return None;
            }
            make(e, tree.attr(e, "url")?, item)
        })
    };
    thumbnail
        .or_else(picture)
        .or_else(itunes)
        .or_else(enclosure)
}

/// Where Media RSS elements may be: the entry, its `media:group`s, and the `media:content`s
/// of either (whose thumbnails describe them).
fn containers(tree: &Tree, item: NodeId) -> Vec<NodeId> {
    let groups: Vec<NodeId> = tree.named(item, Ns::Media, "group").collect();
    let mut all = vec![item];
    all.extend(&groups);
    for &outer in [item].iter().chain(&groups) {
        all.extend(tree.named(outer, Ns::Media, "content"));
    }
    all
}

/// A running time as iTunes and Media RSS write it: `H:MM:SS`, `MM:SS` or seconds, perhaps
/// with a fraction.
fn seconds(text: &str) -> Option<u32> {
    let parts: Vec<&str> = text.trim().split(':').collect();
    if parts.is_empty() || parts.len() > 3 {
        return None;
    }
    let mut total: f64 = 0.0;
    for part in &parts {
        let value: f64 = part.trim().parse().ok()?;
        if !(value >= 0.0 && value.is_finite()) {
            return None;
        }
        total = total * 60.0 + value;
    }
    (total < f64::from(u32::MAX)).then_some(total as u32)
}

#[cfg(test)]
mod tests {
    use super::seconds;

    #[test]
    fn running_times_read_in_each_form() {
        assert_eq!(seconds("1:02:03"), Some(3723));
        assert_eq!(seconds("02:03"), Some(123));
        assert_eq!(seconds("3600"), Some(3600));
        assert_eq!(seconds("12.5"), Some(12));
        assert_eq!(seconds("an hour"), None);
        assert_eq!(seconds("-5"), None);
        assert_eq!(seconds("1:2:3:4"), None);
    }
}
