//! YAML into a span-carrying tree, built from saphyr-parser's event stream so that duplicate
//! keys are seen (a loader would collapse them) and alias expansion stays bounded.

use crate::source::Span;
use compact_str::CompactString;
use saphyr_parser::{Event, Parser, ScalarStyle, Tag};
use std::borrow::Cow;
use std::collections::HashMap;

const MAX_DEPTH: usize = 256;
/// Nodes that alias expansion may add to one file; beyond this an alias stays unexpanded.
const MAX_ALIAS_NODES: usize = 100_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Clone, Debug)]
pub enum YValue {
    /// Most keys and values are short: kept inline, they cost no allocation.
    Scalar(CompactString, Style),
    Seq(Vec<YNode>),
    Map(Vec<(YNode, YNode)>),
    /// An alias left unexpanded because the expansion budget ran out.
    Alias,
}

#[derive(Clone, Debug)]
pub struct YNode {
    pub span: Span,
    pub tag: Option<Box<str>>,
    pub value: YValue,
}

#[derive(Debug)]
pub struct YamlDoc {
    pub root: YNode,
    pub span: Span,
}

#[derive(Debug)]
pub struct DuplicateKey {
    pub key: String,
    pub first: Span,
    pub again: Span,
}

#[derive(Debug, Default)]
pub struct YamlStream {
    pub docs: Vec<YamlDoc>,
    /// Offset and message of the first syntax error; documents before it are kept.
    pub error: Option<(usize, String)>,
    pub duplicates: Vec<DuplicateKey>,
    pub alias_budget_exhausted: bool,
}

impl YNode {
    fn count(&self) -> usize {
        match &self.value {
            YValue::Seq(items) => 1 + items.iter().map(YNode::count).sum::<usize>(),
            YValue::Map(entries) => {
                1 + entries
                    .iter()
                    .map(|(k, v)| k.count() + v.count())
                    .sum::<usize>()
            }
            _ => 1,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            YValue::Scalar(s, _) => Some(s),
            _ => None,
        }
    }

    pub fn style(&self) -> Option<Style> {
        match &self.value {
            YValue::Scalar(_, style) => Some(*style),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(&self.value, YValue::Scalar(s, Style::Plain) if s.is_empty() || s == "~" || s == "null" || s == "Null" || s == "NULL")
    }

    /// A YAML boolean as Kubernetes tooling reads it (YAML 1.1 spellings included).
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            YValue::Scalar(s, Style::Plain) => match s.as_str() {
                "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some(true),
                "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
                    Some(false)
                }
                _ => None,
            },
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(YNode, YNode)] {
        match &self.value {
            YValue::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[YNode] {
        match &self.value {
            YValue::Seq(items) => items,
            _ => &[],
        }
    }

    /// The entry for `key` (the last one wins, as in Kubernetes), looking through `<<` merges.
    pub fn entry(&self, key: &str) -> Option<(&YNode, &YNode)> {
        let entries = self.entries();
        // One pass: most lookups miss, and most maps have no merge key to look through.
        let mut merges = false;
        for (k, v) in entries.iter().rev() {
            match k.as_str() {
                Some(s) if s == key => return Some((k, v)),
                Some("<<") => merges = true,
                _ => {}
            }
        }
        if !merges {
            return None;
        }
        entries
            .iter()
            .filter(|(k, _)| k.as_str() == Some("<<"))
            .find_map(|(_, v)| match &v.value {
                YValue::Seq(items) => items.iter().find_map(|m| m.entry(key)),
                _ => v.entry(key),
            })
    }

    pub fn get(&self, key: &str) -> Option<&YNode> {
        self.entry(key).map(|(_, v)| v)
    }

    pub fn path(&self, keys: &[&str]) -> Option<&YNode> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    /// The key node of the last step of `keys`, for reporting at the key.
    pub fn path_key(&self, keys: &[&str]) -> Option<&YNode> {
        let (last, parents) = keys.split_last()?;
        self.path(parents)?.entry(last).map(|(k, _)| k)
    }

    pub fn str_at(&self, keys: &[&str]) -> Option<&str> {
        self.path(keys).and_then(YNode::as_str)
    }
}

/// Maps saphyr's character indices to byte offsets; events arrive mostly in order, so a cursor
/// that walks forward is enough.
struct ByteIndex<'a> {
    text: &'a str,
    ascii: bool,
    chars: usize,
    bytes: usize,
}

impl ByteIndex<'_> {
    fn byte(&mut self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.text.len());
        }
        if char_index < self.chars {
            self.chars = 0;
            self.bytes = 0;
        }
        for c in self.text[self.bytes..].chars() {
            if self.chars >= char_index {
                break;
            }
            self.chars += 1;
            self.bytes += c.len_utf8();
        }
        self.bytes
    }
}

/// An open collection; its finished children wait in the shared `pending` buffer from index
/// `from`, so each collection allocates once, at its exact size, when it closes.
struct Frame {
    map: bool,
    start: usize,
    anchor: usize,
    tag: Option<Box<str>>,
    from: usize,
}

/// Parses a YAML stream. Spans are byte offsets into `text` plus `base`.
pub fn parse(text: &str, base: usize) -> YamlStream {
    let mut out = YamlStream::default();
    let mut idx = ByteIndex {
        text,
        ascii: text.is_ascii(),
        chars: 0,
        bytes: 0,
    };
    let mut stack: Vec<Frame> = Vec::new();
    let mut pending: Vec<YNode> = Vec::new();
    let mut anchors: HashMap<usize, YNode> = HashMap::new();
    let mut alias_nodes = 0usize;
    let mut doc_start = 0usize;
    let mut root: Option<YNode> = None;
    let mut parser = Parser::new_from_str(text);
    loop {
        let (event, span) = match parser.next_event() {
            None => break,
            Some(Ok(pair)) => pair,
            Some(Err(e)) => {
                let at = idx.byte(e.marker().index());
                out.error = Some((at + base, e.info().to_string()));
                break;
            }
        };
        let start = idx.byte(span.start.index());
        let end = idx.byte(span.end.index());
        let map = matches!(event, Event::MappingStart(..));
        let node = match event {
            Event::DocumentStart(_) => {
                doc_start = start;
                anchors.clear();
                None
            }
            Event::DocumentEnd => {
                if let Some(root) = root.take() {
                    let span = Span::new(doc_start.min(root.span.start), root.span.end).shift(base);
                    out.docs.push(YamlDoc { root, span });
                }
                None
            }
            Event::Scalar(value, style, anchor, tag) => {
                let node = YNode {
                    span: Span::new(start, end).shift(base),
                    tag: tag_text(tag),
                    value: YValue::Scalar(CompactString::from(value), style_of(style)),
                };
                remember(&mut anchors, anchor, &node);
                Some(node)
            }
            Event::Alias(id) => {
                let mut node = match anchors.get(&id) {
                    Some(target) if alias_nodes + target.count() <= MAX_ALIAS_NODES => {
                        alias_nodes += target.count();
                        target.clone()
                    }
                    _ => {
                        out.alias_budget_exhausted |= anchors.contains_key(&id);
                        YNode {
                            span: Span::default(),
                            tag: None,
                            value: YValue::Alias,
                        }
                    }
                };
                node.span = Span::new(start, end).shift(base);
                Some(node)
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag)
                if stack.len() >= MAX_DEPTH =>
            {
                let _ = (anchor, tag);
                out.error = Some((
                    start + base,
                    format!("nesting deeper than {MAX_DEPTH} levels"),
                ));
                break;
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                stack.push(Frame {
                    map,
                    start,
                    anchor,
                    tag: tag_text(tag),
                    from: pending.len(),
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let close = if text
                    .as_bytes()
                    .get(start)
                    .is_some_and(|b| matches!(b, b']' | b'}'))
                {
                    end
                } else {
                    0
                };
                stack.pop().map(|frame| {
                    let last = pending[frame.from..]
                        .last()
                        .map_or(frame.start, |n| n.span.end.max(n.span.start) - base)
                        .max(close);
                    let value = if frame.map {
                        let entries = pairs(pending.drain(frame.from..));
                        out.duplicates.extend(duplicates(&entries));
                        YValue::Map(entries)
                    } else {
                        YValue::Seq(pending.drain(frame.from..).collect())
                    };
                    let node = YNode {
                        span: Span::new(frame.start, last).shift(base),
                        tag: frame.tag,
                        value,
                    };
                    remember(&mut anchors, frame.anchor, &node);
                    node
                })
            }
            _ => None,
        };
        let Some(node) = node else { continue };
        if stack.is_empty() {
            root = Some(node);
        } else {
            pending.push(node);
        }
    }
    out
}

/// Keys and values alternate in `nodes`; a key left without a value (a syntax error stopped
/// the parse) is dropped.
fn pairs(nodes: impl ExactSizeIterator<Item = YNode>) -> Vec<(YNode, YNode)> {
    let mut entries = Vec::with_capacity(nodes.len() / 2);
    let mut nodes = nodes;
    while let (Some(k), Some(v)) = (nodes.next(), nodes.next()) {
        entries.push((k, v));
    }
    entries
}

/// Each repeated plain-text key of one mapping (merge keys aside), paired with its first use.
fn duplicates(entries: &[(YNode, YNode)]) -> Vec<DuplicateKey> {
    let keys = entries
        .iter()
        .filter_map(|(k, _)| k.as_str().filter(|n| *n != "<<").map(|n| (n, k.span)));
    let mut found = Vec::new();
    // Most mappings are small: comparing pairs beats hashing them.
    if entries.len() <= 16 {
        let keys: Vec<(&str, Span)> = keys.collect();
        for (i, &(name, again)) in keys.iter().enumerate() {
            if let Some(&(_, first)) = keys[..i].iter().rev().find(|(n, _)| *n == name) {
                found.push(DuplicateKey {
                    key: name.to_string(),
                    first,
                    again,
                });
            }
        }
    } else {
        let mut seen: HashMap<&str, Span> = HashMap::with_capacity(entries.len());
        for (name, again) in keys {
            if let Some(first) = seen.insert(name, again) {
                found.push(DuplicateKey {
                    key: name.to_string(),
                    first,
                    again,
                });
            }
        }
    }
    found
}

fn tag_text(tag: Option<Cow<'_, Tag>>) -> Option<Box<str>> {
    tag.map(|t| format!("{}{}", t.handle, t.suffix).into_boxed_str())
}

fn remember(anchors: &mut HashMap<usize, YNode>, anchor: usize, node: &YNode) {
    if anchor > 0 {
        anchors.insert(anchor, node.clone());
    }
}

fn style_of(style: ScalarStyle) -> Style {
    match style {
        ScalarStyle::SingleQuoted => Style::SingleQuoted,
        ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
        ScalarStyle::Literal => Style::Literal,
        ScalarStyle::Folded => Style::Folded,
        _ => Style::Plain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_bytes_even_after_multibyte_text() {
        let text = "\u{feff}a: é\nb: x\n";
        let s = parse(text, 0);
        let b = s.docs[0].root.get("b").unwrap();
        assert_eq!(&text[b.span.start..b.span.end], "x");
    }

    #[test]
    fn duplicate_keys_are_reported() {
        let s = parse("a: 1\nb: 2\na: 3\n", 0);
        assert_eq!(s.duplicates.len(), 1);
        assert_eq!(s.docs[0].root.str_at(&["a"]), Some("3"));
    }

    #[test]
    fn duplicate_keys_are_reported_in_large_mappings() {
        let mut text: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
        text.push_str("k7: again\n");
        let s = parse(&text, 0);
        assert_eq!(s.duplicates.len(), 1);
        assert_eq!(s.duplicates[0].key, "k7");
        assert_eq!(
            &text[s.duplicates[0].first.start..s.duplicates[0].first.end],
            "k7"
        );
    }

    #[test]
    fn alias_bomb_is_bounded() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = (b'a' + i - 1) as char;
            let c = (b'a' + i) as char;
            text.push_str(&format!(
                "{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
            ));
        }
        let s = parse(&text, 0);
        assert!(s.alias_budget_exhausted);
        assert!(s.docs[0].root.count() < 2 * MAX_ALIAS_NODES);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000);
        assert!(parse(&text, 0).error.is_some());
    }

    #[test]
    fn merge_keys_are_followed() {
        let s = parse("base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n", 0);
        assert_eq!(s.docs[0].root.str_at(&["m", "x"]), Some("1"));
    }
}
