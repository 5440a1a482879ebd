//! Does a command in a shell script run under a bounded retry, and does the script stop when
//! every attempt failed? Built on the structure `shell::scan` finds.

use crate::model::cloudinit::{CloudInit, Script};
use crate::model::shell::{self, Loop, LoopKind, Shell};
use crate::model::Project;
use crate::source::FileId;
use rayon::prelude::*;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// A pattern written in the source, compiled with [`ascii_regex`].
pub fn re(pattern: &str) -> Regex {
    ascii_regex(pattern).expect("static pattern")
}

/// Compiles a pattern over shell text with ASCII `\b`, `\w`, `\s` and `\d`. Commands and
/// variable names are ASCII, and the Unicode classes made compiling these patterns the largest
/// fixed cost of linting a small repository.
pub fn ascii_regex(pattern: &str) -> Result<Regex, regex::Error> {
    let mut out = String::with_capacity(pattern.len() * 2);
    let mut in_class = false;
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(n) = chars.next() else {
                    out.push(c);
                    break;
                };
                let (outside, inside) = match n {
                    'b' => ("(?-u:\\b)", None),
                    'w' => ("[0-9A-Za-z_]", Some("0-9A-Za-z_")),
                    's' => ("[\\t\\n\\x0B\\x0C\\r ]", Some("\\t\\n\\x0B\\x0C\\r ")),
                    'd' => ("[0-9]", Some("0-9")),
                    _ => ("", None),
                };
                match (in_class, inside) {
                    (false, _) if !outside.is_empty() => out.push_str(outside),
                    (true, Some(inside)) => out.push_str(inside),
                    _ => {
                        out.push('\\');
                        out.push(n);
                    }
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
                // A `]` first in a class (after any `^`) is a literal.
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push(']');
                    chars.next();
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    Regex::new(&out)
}

static SLEEP: LazyLock<Regex> = LazyLock::new(|| re(r"(^|[\s;&|({`])sleep\s"));
static COMPARE: LazyLock<Regex> = LazyLock::new(|| re(r"\s-(lt|le|gt|ge|eq|ne)\s|\(\([^)]*[<>]"));
static INCREMENT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\$\(\(\s*\$?\w+\s*[+-]\s*\d+\s*\)\)|\(\(\s*\w+\s*(\+\+|--|\+=|-=)|\(\(\s*(\+\+|--)\w+|\blet\s+\w+\s*(\+\+|\+=|=)|\bexpr\s+\$\w+\s*[+-]",
    )
});
/// A loop bounded by time rather than by a counter.
static DEADLINE: LazyLock<Regex> = LazyLock::new(|| re(r"date\s+\+%s|\$\{?SECONDS\b"));
static EXIT: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"\bexit\s+("?\$\{?\w+\}?"?|[1-9]\d*)|\|\|\s*exit\b|\bpoweroff\b|\bshutdown\s"#)
});
static RETURN: LazyLock<Regex> = LazyLock::new(|| re(r#"\breturn\s+("?\$\{?\w+\}?"?|[1-9]\d*)"#));
static TOOL_RETRY: LazyLock<Regex> = LazyLock::new(|| re(r"--retry[= ]\s*\d+|--tries[= ]\s*\d+"));

/// A shell function, wherever in the user-data it is defined (a `write_files` library sourced
/// by `runcmd` counts).
#[derive(Clone, Debug)]
pub struct Function {
    pub name: String,
    /// Its body holds a bounded loop that sleeps.
    pub retries: bool,
    /// Its body exits the script non-zero.
    pub exits: bool,
    /// Its body returns non-zero.
    pub returns: bool,
}

/// The functions defined in a set of scripts.
pub fn functions<'a>(scripts: impl IntoIterator<Item = &'a str>) -> Vec<Function> {
    scripts
        .into_iter()
        .flat_map(|text| Analysis::new(text).functions())
        .collect()
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    /// Not inside any loop.
    NoRetry,
    /// Inside a loop that does not sleep (iterating, not retrying).
    NoSleep(Range<usize>),
    /// Retried without a limit.
    Unbounded(Range<usize>),
    /// Retried, but the script carries on when every attempt failed.
    NoHardFailure(Range<usize>),
}

#[derive(Debug)]
pub struct Analysis {
    /// The script with comments and heredoc bodies blanked and line continuations joined; byte
    /// offsets are the script's own.
    pub code: String,
    pub sh: Shell,
}

impl Analysis {
    /// The functions the script defines.
    pub fn functions(&self) -> Vec<Function> {
        self.sh
            .functions
            .iter()
            .map(|f| {
                let body = &self.code[f.body.clone()];
                let retries = self.sh.loops.iter().any(|l| {
                    f.body.contains(&l.range.start)
                        && SLEEP.is_match(&self.code[l.range.clone()])
                        && self.bounded(l)
                });
                Function {
                    name: f.name.clone(),
                    retries,
                    exits: EXIT.is_match(body),
                    returns: RETURN.is_match(body),
                }
            })
            .collect()
    }

    pub fn new(text: &str) -> Self {
        let sh = shell::scan(text);
        let mut code = text.as_bytes().to_vec();
        for r in sh.comments.iter().chain(&sh.heredocs) {
            code[r.clone()]
                .iter_mut()
                .filter(|b| **b != b'\n')
                .for_each(|b| *b = b' ');
        }
        for i in 0..code.len().saturating_sub(1) {
            if code[i] == b'\\' && code[i + 1] == b'\n' {
                code[i] = b' ';
                code[i + 1] = b' ';
            }
        }
        Analysis {
            code: String::from_utf8_lossy(&code).into_owned(),
            sh,
        }
    }

    fn bounded(&self, l: &Loop) -> bool {
        let text = &self.code[l.range.clone()];
        match l.kind {
            LoopKind::For => !self.code[l.header.clone()]
                .replace(' ', "")
                .starts_with("((;;"),
            LoopKind::While | LoopKind::Until => {
                COMPARE.is_match(text) && (INCREMENT.is_match(text) || DEADLINE.is_match(text))
            }
        }
    }

    fn retry_loop(&self, l: &Loop) -> bool {
        SLEEP.is_match(&self.code[l.range.clone()])
    }

    /// Whether `range` stops the script: an `exit` non-zero, or a call of a function that exits.
    fn fails_hard(&self, range: Range<usize>, lib: &[Function]) -> bool {
        let text = &self.code[range];
        EXIT.is_match(text)
            || lib
                .iter()
                .filter(|f| f.exits)
                .any(|f| calls(text, &f.name).next().is_some())
    }

    /// Where to stop looking for the failure check after `after`: the next command in `fetches`
    /// that is not itself inside a loop (loops in between may each retry their own fetch, with
    /// one combined check after them all).
    fn boundary(&self, after: usize, fetches: &[usize]) -> usize {
        fetches
            .iter()
            .copied()
            .filter(|&f| f >= after)
            .find(|f| !self.sh.loops.iter().any(|l| l.range.contains(f)))
            .unwrap_or(self.code.len())
    }

    /// The verdict for the command at `start..end`; `fetches` are where all such commands start.
    pub fn judge(&self, start: usize, end: usize, fetches: &[usize], lib: &[Function]) -> Verdict {
        let code = &self.code;
        let mut loops: Vec<&Loop> = self
            .sh
            .loops
            .iter()
            .filter(|l| l.range.contains(&start))
            .collect();
        // A command in a function body runs where the function is called.
        if let Some(f) = self.sh.functions.iter().find(|f| f.body.contains(&start)) {
            if loops.iter().all(|l| !f.body.contains(&l.range.start)) {
                loops
                    .extend(calls(code, &f.name).flat_map(|at| {
                        self.sh.loops.iter().filter(move |l| l.range.contains(&at))
                    }));
            }
        }
        loops.sort_by_key(|l| std::cmp::Reverse(l.range.start));
        let line_start = code[..start].rfind('\n').map_or(0, |p| p + 1);
        let line_end = code[end..].find('\n').map_or(code.len(), |p| end + p);
        if let Some(l) = loops.iter().find(|l| self.retry_loop(l)) {
            if !self.bounded(l) {
                return Verdict::Unbounded(l.range.clone());
            }
            if self.fails_hard(l.range.clone(), lib)
                || self.fails_hard(l.range.end..self.boundary(l.range.end, fetches), lib)
            {
                return Verdict::Ok;
            }
            return Verdict::NoHardFailure(l.range.clone());
        }
        // `retry az …`: a wrapper function (here or in a sourced library) does the retrying.
        let words =
            code[line_start..start].split(|c: char| c.is_whitespace() || c == '(' || c == '`');
        let wrapper = words
            .filter(|w| !w.is_empty())
            .find_map(|w| lib.iter().find(|f| f.name == w && f.retries));
        if let Some(f) = wrapper {
            let after = end..self.boundary(end, fetches);
            return match (f.exits, f.returns && self.fails_hard(after, lib)) {
                (true, _) | (_, true) => Verdict::Ok,
                _ => Verdict::NoHardFailure(line_start..line_end),
            };
        }
        // `curl --retry 30 …` / `wget --tries=30 …` retry by themselves.
        if TOOL_RETRY.is_match(&code[line_start..line_end]) {
            return if self.fails_hard(end..self.boundary(end, fetches), lib) {
                Verdict::Ok
            } else {
                Verdict::NoHardFailure(line_start..line_end)
            };
        }
        match loops.first() {
            Some(l) => Verdict::NoSleep(l.range.clone()),
            None => Verdict::NoRetry,
        }
    }

    /// Whether the text at `at` runs as a command rather than being mentioned in an `echo "…"`:
    /// what precedes it on its line ends a command or is a wrapper (`sudo -E`, `timeout 30`,
    /// `VAR=x`, `bash -c "…"`, a function).
    pub fn runs_as_command(&self, at: usize, lib: &[Function]) -> bool {
        let code = &self.code;
        let line_start = code[..at].rfind('\n').map_or(0, |p| p + 1);
        let mut prefix = code[line_start..at].trim_end();
        loop {
            if prefix.is_empty() || prefix.ends_with([';', '&', '|', '(', '{', '`', '!']) {
                return true;
            }
            if let Some(quoted) = prefix.strip_suffix(['"', '\'']) {
                return quoted.trim_end().ends_with(" -c");
            }
            let split = prefix.rfind(char::is_whitespace).map_or(0, |p| p + 1);
            let word = &prefix[split..];
            // `T=$(retry`: the part after the last `(` or backtick is the command.
            if let Some(p) = word.rfind(['(', '`']) {
                return is_wrapper(&word[p + 1..], lib);
            }
            if !is_wrapper(word, lib) {
                return false;
            }
            prefix = prefix[..split].trim_end();
        }
    }
}

fn is_wrapper(word: &str, lib: &[Function]) -> bool {
    word.is_empty()
        || matches!(
            word,
            "sudo"
                | "exec"
                | "time"
                | "nohup"
                | "command"
                | "env"
                | "timeout"
                | "do"
                | "then"
                | "else"
                | "until"
                | "while"
                | "if"
                | "export"
                | "local"
                | "readonly"
        )
        || word.starts_with('-')
        || word
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, 's' | 'm' | '.'))
        || (word.contains('=') && !word.starts_with('=') && !word.contains(['"', '\'']))
        || word.contains("retry")
        || lib.iter().any(|f| f.name == word)
}

/// The regions (see [`regions`]) of every boot script, each analysed once, and the functions
/// each user-data defines: what the shell-reading cloud-init rules walk.
#[derive(Debug, Default)]
pub struct Regions {
    /// For each `Project::cloud_init` entry, its functions.
    libs: Vec<Vec<Function>>,
    items: Vec<Item>,
}

#[derive(Debug)]
struct Item {
    cloud_init: usize,
    script: usize,
    range: Range<usize>,
    a: Analysis,
    /// The functions the region itself defines.
    functions: Vec<Function>,
    /// The region whose heredoc it is, as an index into `items`.
    parent: Option<usize>,
}

impl Regions {
    pub fn new(cloud_init: &[CloudInit]) -> Self {
        // Each user-data analysed on its own, side by side; gathered in order.
        let found: Vec<_> = cloud_init
            .par_iter()
            .enumerate()
            .map(|(c, ci)| {
                let mut lib = Vec::new();
                let mut items: Vec<Item> = Vec::new();
                for (k, script) in ci.scripts.iter().enumerate() {
                    let first = items.len();
                    for (range, parent) in regions(&script.text) {
                        let a = Analysis::new(&script.text[range.clone()]);
                        let functions = a.functions();
                        if parent.is_none() {
                            lib.extend(functions.iter().cloned());
                        }
                        items.push(Item {
                            cloud_init: c,
                            script: k,
                            range,
                            a,
                            functions,
                            parent: parent.map(|p| first + p),
                        });
                    }
                }
                (lib, items)
            })
            .collect();
        let mut out = Regions::default();
        for (lib, items) in found {
            let offset = out.items.len();
            out.libs.push(lib);
            out.items.extend(items.into_iter().map(|item| Item {
                parent: item.parent.map(|p| offset + p),
                ..item
            }));
        }
        out
    }
}

/// One region of a boot script, with what the rules read about it.
pub struct Region<'a> {
    pub file: FileId,
    pub script: &'a Script,
    pub range: Range<usize>,
    pub a: &'a Analysis,
    /// The functions its user-data's scripts define.
    pub lib: &'a [Function],
    regions: &'a Regions,
    item: usize,
}

impl Region<'_> {
    /// The functions a command in the region may call, the nearest definition first: the
    /// region's own, those of the scripts around it (a heredoc's host), then the user-data's.
    pub fn callable(&self) -> Vec<Function> {
        let mut out = Vec::new();
        let mut at = Some(self.item);
        while let Some(i) = at {
            out.extend(self.regions.items[i].functions.iter().cloned());
            at = self.regions.items[i].parent;
        }
        out.extend(self.lib.iter().cloned());
        out
    }

    /// How many heredocs deep the region lies in its script.
    pub fn depth(&self) -> usize {
        std::iter::successors(self.regions.items[self.item].parent, |&p| {
            self.regions.items[p].parent
        })
        .count()
    }
}

/// Every region of every boot script of the project.
pub fn each_region(p: &Project) -> impl Iterator<Item = Region<'_>> {
    let regions = p.regions();
    regions.items.iter().enumerate().map(move |(i, item)| {
        let ci = &p.cloud_init[item.cloud_init];
        Region {
            file: ci.file,
            script: &ci.scripts[item.script],
            range: item.range.clone(),
            a: &item.a,
            lib: &regions.libs[item.cloud_init],
            regions,
            item: i,
        }
    })
}

/// The parts of a script to analyse as scripts of their own: the whole text, then each heredoc
/// body (recursively, to a depth of 8), as byte ranges of `text`, each with the index of the
/// part it is a heredoc of.
pub fn regions(text: &str) -> Vec<(Range<usize>, Option<usize>)> {
    let mut out: Vec<(Range<usize>, Option<usize>)> = Vec::new();
    out.push((0..text.len(), None));
    let mut next = 0;
    for depth in 0..8 {
        let end = out.len();
        for k in next..end {
            let r = out[k].0.clone();
            let sh = shell::scan(&text[r.clone()]);
            out.extend(
                sh.heredocs
                    .iter()
                    .map(|h| (r.start + h.start..r.start + h.end, Some(k))),
            );
        }
        next = end;
        if next == out.len() || depth == 7 {
            break;
        }
    }
    out
}

/// Offsets where `name` is called as a command.
pub fn calls<'a>(code: &'a str, name: &'a str) -> impl Iterator<Item = usize> + 'a {
    code.match_indices(name).filter_map(move |(at, _)| {
        let before = code[..at]
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || ";&|($`{".contains(c));
        let after = code[at + name.len()..]
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || c == ';' || c == ')');
        (before && after && !code[at + name.len()..].trim_start().starts_with('(')).then_some(at)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_regex_keeps_meaning_inside_and_outside_classes() {
        let re = ascii_regex(r"(^|[\s;])sleep\s+\d+\b[\w-]*").unwrap();
        assert!(re.is_match("x;sleep 10 a-b"));
        assert!(re.is_match("sleep\t5"));
        assert!(!re.is_match("nosleep 5"));
        let exact = ascii_regex(r"\.vault\.azure\.net/[^\]x]").unwrap();
        assert!(exact.is_match(".vault.azure.net/s"));
        assert!(!exact.is_match("-vault.azure.net/s"));
    }

    fn verdict(script: &str, needle: &str) -> Verdict {
        let a = Analysis::new(script);
        let lib = functions([script]);
        let starts: Vec<usize> = script.match_indices(needle).map(|(i, _)| i).collect();
        a.judge(starts[0], starts[0] + needle.len(), &starts, &lib)
    }

    #[test]
    fn shapes_that_retry_and_fail_hard() {
        let ok = [
            "for i in $(seq 1 30); do T=$(FETCH) && break; sleep 10; done\n[ -n \"$T\" ] || exit 1\n",
            "n=0\nuntil T=$(FETCH); do n=$((n+1)); [ $n -ge 30 ] && exit 1; sleep 5; done\n",
            "T=$(curl --retry 30 --fail FETCH) || exit 1\n",
            "die() { echo \"$*\" >&2; exit 1; }\nfor i in {1..30}; do T=$(FETCH) && break; sleep 10; done\n[ -n \"$T\" ] || die no token\n",
            "for i in $(seq 1 30); do A=$(FETCH) && break; sleep 10; done\nfor i in $(seq 1 30); do B=$(FETCH) && break; sleep 10; done\nif [ -z \"$A\" ] || [ -z \"$B\" ]; then exit 1; fi\n",
            "function retry {\n  local n=0\n  until \"$@\"; do n=$((n+1)); [ $n -ge 20 ] && return 1; sleep 3; done\n}\nT=$(retry FETCH) || exit 1\n",
            "end=$(( $(date +%s) + 300 ))\nuntil T=$(FETCH); do [ \"$(date +%s)\" -ge \"$end\" ] && exit 1; sleep 10; done\n",
        ];
        for s in ok {
            assert_eq!(verdict(s, "FETCH"), Verdict::Ok, "{s}");
        }
    }

    #[test]
    fn shapes_that_do_not() {
        assert_eq!(verdict("T=$(FETCH)\n", "FETCH"), Verdict::NoRetry);
        assert!(matches!(
            verdict(
                "while true; do T=$(FETCH) && break; sleep 5; done\n",
                "FETCH"
            ),
            Verdict::Unbounded(_)
        ));
        assert!(matches!(
            verdict(
                "for i in 1 2 3; do T=$(FETCH) && break; sleep 5; done\necho $T\n",
                "FETCH"
            ),
            Verdict::NoHardFailure(_)
        ));
        assert!(matches!(
            verdict("for s in a b; do FETCH $s; done\n", "FETCH"),
            Verdict::NoSleep(_)
        ));
        // The wrapper swallows the failure: after 20 attempts it returns 0.
        let swallow = "retry() { for i in $(seq 1 20); do \"$@\" && return 0; sleep 3; done; }\nT=$(retry FETCH) || exit 1\n";
        assert!(matches!(
            verdict(swallow, "FETCH"),
            Verdict::NoHardFailure(_)
        ));
    }
}
