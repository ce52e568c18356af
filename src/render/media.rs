//! Featured images and enclosures as pages and feeds link them: a file of this site under the
//! site's subpath (or, for feeds and sharing cards, its absolute address), anything else as it is.

use super::view::Links;
use crate::site::ImageSrc;

/// The image's absolute address, for feeds and sharing cards, which are read off the site.
pub(super) fn absolute(links: &Links, src: &ImageSrc) -> String {
    match src {
        ImageSrc::Web(url) => url.clone(),
        ImageSrc::Site(path) => links.permalink(path),
    }
}
