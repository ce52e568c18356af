//! A seeded mutator for hostile input: truncations, byte flips, deleted and repeated tags, huge
//! attributes, deep nesting and splices of the seed files, reproducible from one number.
//!
//! The coverage-guided fuzzers (`fuzz/`, cargo-fuzz) need a toolchain a fresh CI machine may
//! not have; this runs anywhere `cargo test` does, over the same seeds, for a bounded time.
#![allow(dead_code, unreachable_pub)]

/// xorshift64*: small, fast, and the same sequence for the same seed on every machine.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator started from `seed` (0 is moved off, as xorshift never leaves it).
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    /// The next number.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What a mutation may insert: the tokens where parsers of XML, HTML, YAML and TOML change
/// state, and the characters that break naive ones.
const TOKENS: &[&str] = &[
    "<![CDATA[",
    "]]>",
    "<!--",
    "-->",
    "<!DOCTYPE x [<!ENTITY e \"&e;&e;\">]>",
    "&#0;",
    "&#x110000;",
    "&amp;",
    "&nbsp;",
    "&",
    "\u{feff}",
    "\u{0}",
    "\r",
    "\u{2028}",
    "\u{fffd}",
    "<?xml version=\"1.0\" encoding=\"utf-16\"?>",
    "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<a href=\"javascript:alert(1)\">",
    "<math><mi xlink:href=\"javascript:1\">",
    "<style>@import 'x'</style>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<template><script>",
    "xml:base=\"javascript:/\"",
    "\"",
    "'",
    "`",
    "<",
    ">",
    "</",
    "/>",
    "---\n",
    "...\n",
    ": ",
    "- ",
    "&anchor ",
    "*anchor",
    "!!binary ",
    "? ",
    "|\n",
    "[[feeds]]\n",
    "[site]\n",
    "= ",
    "\"\"\"",
    "'''",
    "\\u0000",
    "1979-05-27T07:32:00-08:00",
    "9999-99-99",
    "-0000",
    "Tue, 31 Feb 2026 25:61:61 +9999",
    "{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[",
];

/// A name for each kind of mutation, for the report of a failure.
pub const KINDS: &[&str] = &[
    "truncate",
    "flip bytes",
    "delete a tag",
    "repeat a tag",
    "huge attribute",
    "deep nesting",
    "insert a token",
    "splice another seed",
    "repeat a span",
];

/// Mutates `input` once with the mutation `kind` (an index into [`KINDS`]); `other` is
/// another seed, for splices.
pub fn mutate(rng: &mut Rng, input: &mut Vec<u8>, other: &[u8], kind: usize) {
    match kind {
        0 => input.truncate(rng.below(input.len() + 1)),
        1 => {
            for _ in 0..=rng.below(8) {
                if input.is_empty() {
                    break;
                }
                let at = rng.below(input.len());
                input[at] ^= 1 << rng.below(8);
            }
        }
        2 => {
            if let Some((start, end)) = tag(rng, input) {
                input.drain(start..end);
            }
        }
        3 => {
            if let Some((start, end)) = tag(rng, input) {
                let span = input[start..end].to_vec();
                let most = if rng.below(4) == 0 { 5000 } else { 8 };
                let times = 1 + rng.below(most);
                let repeated: Vec<u8> = span.repeat(times);
                input.splice(end..end, repeated);
            }
        }
        4 => {
            let size = 1 << (10 + rng.below(11));
            let fill = *rng.pick(&[b'a', b' ', b'"', b'&', b'<', 0xff]);
            let mut attribute = b" title=\"".to_vec();
            attribute.extend(std::iter::repeat_n(fill, size));
            attribute.push(b'"');
            let at = tag(rng, input).map_or(input.len(), |(start, end)| {
                // Just after the tag's name.
                input[start..end]
                    .iter()
                    .position(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/')
                    .map_or(end, |p| start + p.max(1))
            });
            input.splice(at..at, attribute);
        }
        5 => {
            let depth = 1 + rng.below(20_000);
            let (open, close): (&[u8], &[u8]) = *rng.pick(&[
                (b"<div>".as_slice(), b"</div>".as_slice()),
                (b"<b><i>", b"</i></b>"),
                (b"<entry>", b"</entry>"),
                (b"<item><description>", b"</description></item>"),
                (b"<outline>", b"</outline>"),
                (b"[", b"]"),
                (b"{a=", b"}"),
                (b"- ", b""),
                (b"  ", b""),
                (b"<table><tr><td>", b"</td></tr></table>"),
            ]);
            let at = rng.below(input.len() + 1);
            let tail = input.split_off(at);
            input.extend(open.repeat(depth));
            input.extend(close.repeat(depth * rng.below(2)));
            input.extend(tail);
        }
        6 => {
            let token = rng.pick(TOKENS).as_bytes();
            let at = rng.below(input.len() + 1);
            input.splice(at..at, token.iter().copied());
        }
        7 => {
            if !other.is_empty() {
                let from = rng.below(other.len());
                let to = from + rng.below(other.len() - from + 1);
                let at = rng.below(input.len() + 1);
                input.splice(at..at, other[from..to].iter().copied());
            }
        }
        _ => {
            if !input.is_empty() {
                let from = rng.below(input.len());
                let to = (from + 1 + rng.below(64)).min(input.len());
                let span = input[from..to].to_vec();
                let times = 1 + rng.below(2000);
                input.splice(to..to, span.repeat(times));
            }
        }
    }
    // Keep inputs from growing without bound as mutations stack.
    input.truncate(4 << 20);
}

/// A `<...>` span of `input`, chosen at random.
fn tag(rng: &mut Rng, input: &[u8]) -> Option<(usize, usize)> {
    if input.is_empty() {
        return None;
    }
    let from = rng.below(input.len());
    let start = from + input[from..].iter().position(|&b| b == b'<')?;
    let end = start + input[start..].iter().position(|&b| b == b'>')? + 1;
    Some((start, end))
}
