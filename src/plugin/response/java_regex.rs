//! Translation of a `java.util.regex.Pattern` into the syntax of the `fancy-regex` engine.
//!
//! Why a translator instead of handing the pattern to the engine: the Rust engines read the same
//! characters differently from Java. `\s`, `\d`, `\w` and `\b` are Unicode-aware in Rust and ASCII in
//! Java; `.` in Rust stops only at `\n` while Java also stops at `\r`, U+0085, U+2028 and U+2029; `$`
//! in Java also matches before a final line terminator; `\h` is "hex digit" in fancy-regex and
//! "horizontal white space" in Java; `(?i)` folds Unicode case in Rust and ASCII only in Java. So the
//! pattern is parsed here with Java's grammar and re-emitted as explicit classes and look-arounds,
//! and every error is reported with Java's wording and a character index into the pattern as typed.
//!
//! The parse also keeps the top-level pieces (each atom with its quantifier) so that a failed match
//! can be explained by matching ever longer prefixes of the pattern.
//!
//! Error messages and indexes follow OpenJDK 17 and 25 (`PatternSyntaxException`), and matching was
//! compared with both on thousands of generated patterns and bodies. Known differences:
//! - `\b` is an ASCII word boundary, consistent with `\w`, as in JDK 19 and later. JDK 8 to 18
//!   use `Character.isLetterOrDigit` for `\b`, so next to a letter such as `é` they differ.
//! - After `\Q...\E`, Java reports error indexes in its internally rewritten pattern; the
//!   simulator reports the index in the pattern as typed.
//! - Refused with a message naming the construct: `\X`, `\N{...}`, `\b{g}`, `\p{In...}` blocks,
//!   `(?c)`, look-behinds without a maximum length (`(?<=a+)`, which Java accepts) and
//!   variable-length look-behinds the engine cannot run (`(?<=a{1,2})`).
//! - Java sometimes keeps a capture from a repetition or branch it later abandoned (inside
//!   possessive or look-ahead repetitions), and reports an empty last iteration of `(x?)*`
//!   differently; the simulator follows the usual backtracking rules there.
//! - Under `(?i)`, `\p{Lower}` and `\p{Upper}` are not case-folded.
//! - Patterns without look-around or back references run on a linear-time engine, so where Java
//!   would backtrack for a very long time the simulator answers at once; nested unbounded
//!   quantifiers are reported as warnings for that reason.

use super::RegexError;

/// Java's `\s` without UNICODE_CHARACTER_CLASS: `[ \t\n\x0B\f\r]`.
const SPACE: &str = r"\x{9}\x{A}\x{B}\x{C}\x{D}\x{20}";
/// Java's `\w`: `[a-zA-Z_0-9]`.
const WORD: &str = "a-zA-Z_0-9";
/// Java's `\h`.
const HSPACE: &str = r"\x{20}\x{9}\x{A0}\x{1680}\x{180E}\x{2000}-\x{200A}\x{202F}\x{205F}\x{3000}";
/// Java's `\v` (Java 8 and later: vertical white space).
const VSPACE: &str = r"\x{A}\x{B}\x{C}\x{D}\x{85}\x{2028}\x{2029}";
/// Java's line terminators (`.` stops at them; `^`/`$` look at them) without UNIX_LINES.
const LINE_TERMINATORS: &str = r"\x{A}\x{D}\x{85}\x{2028}\x{2029}";
/// A class that matches nothing (used for a Java escape that cannot occur in a Rust string).
const NOTHING: &str = r"[^\x{0}-\x{10FFFF}]";
/// Deepest group nesting accepted; deeper patterns would exhaust the engine's own recursion limit.
const MAX_DEPTH: usize = 40;

/// Java's inline flags that change how the translation is written.
#[derive(Clone, Copy, Debug, Default)]
struct Flags {
    /// `(?i)` CASE_INSENSITIVE (ASCII only unless `u`).
    i: bool,
    /// `(?m)` MULTILINE.
    m: bool,
    /// `(?s)` DOTALL.
    s: bool,
    /// `(?d)` UNIX_LINES.
    d: bool,
    /// `(?u)` UNICODE_CASE.
    u: bool,
    /// `(?x)` COMMENTS.
    x: bool,
    /// `(?U)` UNICODE_CHARACTER_CLASS.
    uc: bool,
}

/// One parsed (sub)expression, already written in the engine's syntax.
#[derive(Clone, Debug, Default)]
pub(crate) struct Node {
    /// The expression in fancy-regex syntax.
    pub out: String,
    /// Fewest characters it can match.
    pub min: usize,
    /// Most characters it can match; `None` when unbounded.
    pub max: Option<usize>,
    /// An assertion (look-around, anchor, boundary): quantifying it changes nothing.
    zero_width: bool,
    /// An inline flag group such as `(?i)`: Java does not let a quantifier follow it.
    flags_only: bool,
    /// The single literal character this node matches, if it is one (for explanations).
    pub literal: Option<char>,
    /// Contains a quantifier without an upper bound (`*`, `+`, `{n,}`).
    unbounded: bool,
    /// Java cannot bound its length (its `TreeInfo.maxValid` is false): a back reference, or an
    /// unbounded repetition of anything but a single character. Java rejects such a look-behind,
    /// while `(?<=a+)` passes Java's check (the maximum overflows to a huge number).
    java_unbounded: bool,
}

/// A top-level piece of the pattern: one atom with its quantifier.
#[derive(Clone, Debug)]
pub(crate) struct Piece {
    /// Character span in the pattern as typed.
    pub start: usize,
    pub end: usize,
    pub node: Node,
    /// The piece contains a `.` that cannot match line terminators.
    pub uses_dot: bool,
    /// The piece contains `\s` (or another white-space class, or a literal space).
    pub uses_space: bool,
}

/// The result of translating a Java pattern.
#[derive(Clone, Debug)]
pub(crate) struct Translation {
    /// The whole pattern in fancy-regex syntax.
    pub regex: String,
    /// Java's `groupCount()`: capturing groups, named ones included.
    pub group_count: usize,
    /// Named groups with their numbers.
    pub group_names: Vec<(String, usize)>,
    /// The top-level alternatives, each a sequence of pieces.
    pub alternatives: Vec<Vec<Piece>>,
    /// Character positions of look-behinds whose length varies (Java accepts them when bounded;
    /// the engine may not).
    pub variable_lookbehinds: Vec<usize>,
    /// Character spans of unbounded quantifiers applied to something that already contains one,
    /// such as `(a+)+`: Java's backtracking can take exponential time on them.
    pub nested_quantifiers: Vec<(usize, usize)>,
}

/// What an escape sequence stands for.
enum Escape {
    /// One character (usable as a range end inside a class).
    Char(char),
    /// A class, written as a bracketed class usable inside or outside another class.
    Set(String),
    /// Anything else (assertion, back reference...), outside classes only.
    Node(Node),
    /// `\Q`: quoting starts.
    Quote,
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    flags: Flags,
    /// Capturing groups opened so far (Java numbers them in order of their opening parenthesis).
    groups: usize,
    /// Capturing groups in the whole pattern (known after a first pass).
    total_groups: usize,
    names: Vec<(String, usize)>,
    depth: usize,
    /// Inside `\Q...\E`.
    in_quote: bool,
    /// Counters used to mark pieces that contain `.` or `\s`.
    dots: usize,
    spaces: usize,
    variable_lookbehinds: Vec<usize>,
    nested_quantifiers: Vec<(usize, usize)>,
}

/// Translates a Java pattern; the error carries Java's wording and a 0-based character index.
pub(crate) fn translate(pattern: &str) -> Result<Translation, RegexError> {
    // First pass: count the groups, so that back references to groups that do not exist anywhere
    // can be written as "never matches" (Java compiles them; they simply fail at match time).
    let mut first = Parser::new(pattern, usize::MAX);
    first.parse_top()?;
    let total = first.groups;
    let mut p = Parser::new(pattern, total);
    let alternatives = p.parse_top()?;
    let regex = join_alternatives(&alternatives);
    Ok(Translation {
        regex,
        group_count: p.groups,
        group_names: p.names,
        alternatives,
        variable_lookbehinds: p.variable_lookbehinds,
        nested_quantifiers: p.nested_quantifiers,
    })
}

/// Writes alternatives (sequences of pieces) as one expression.
pub(crate) fn join_alternatives(alternatives: &[Vec<Piece>]) -> String {
    alternatives
        .iter()
        .map(|alt| alt.iter().map(|p| p.node.out.as_str()).collect::<String>())
        .collect::<Vec<_>>()
        .join("|")
}

/// Java's message shape: `<description> near index <n>`.
fn java_error(position: usize, description: &str) -> RegexError {
    RegexError {
        position: Some(position),
        message: format!("{description} near index {position}"),
    }
}

/// A construct Java accepts that the simulator does not reproduce.
fn unsupported(position: usize, construct: &str, what: &str) -> RegexError {
    RegexError {
        position: Some(position),
        message: format!(
            "Java construct `{construct}` ({what}) at character {position} is not supported by the simulator"
        ),
    }
}

/// Writes one literal character so that both fancy-regex and the regex crate read it literally,
/// inside or outside a class.
/// How a literal `:` is written (see the class builder for why it matters).
const COLON: &str = "\\x{3A}";

fn esc(c: char) -> String {
    if c == ':' {
        return COLON.to_string();
    }
    if c.is_ascii_alphanumeric() || c == '<' || c == '>' || c == '_' {
        // `\<` and `\>` are word boundaries in the engines, so those two stay bare.
        c.to_string()
    } else if c.is_ascii_punctuation() {
        format!("\\{c}")
    } else {
        format!("\\x{{{:X}}}", c as u32)
    }
}

impl Parser {
    fn new(pattern: &str, total_groups: usize) -> Self {
        Self {
            chars: pattern.chars().collect(),
            pos: 0,
            flags: Flags::default(),
            groups: 0,
            total_groups,
            names: Vec::new(),
            depth: 0,
            in_quote: false,
            dots: 0,
            spaces: 0,
            variable_lookbehinds: Vec::new(),
            nested_quantifiers: Vec::new(),
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    fn at_quote_end(&self) -> bool {
        self.peek() == Some('\\') && self.peek_at(1) == Some('E')
    }

    /// Under `(?x)` Java skips white space and `#` comments wherever it peeks (classes included).
    fn skip_ignorable(&mut self) {
        if !self.flags.x || self.in_quote {
            return;
        }
        while let Some(c) = self.peek() {
            if c.is_whitespace() {
                self.pos += 1;
            } else if c == '#' {
                while let Some(c) = self.peek() {
                    self.pos += 1;
                    if matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}') {
                        break;
                    }
                }
            } else {
                break;
            }
        }
    }

    fn parse_top(&mut self) -> Result<Vec<Vec<Piece>>, RegexError> {
        let alternatives = self.parse_alternatives()?;
        if self.peek() == Some(')') {
            // Java reports the index before the parenthesis (none at all for a leading `)`).
            return Err(match self.pos.checked_sub(1) {
                Some(p) => java_error(p, "Unmatched closing ')'"),
                None => RegexError {
                    position: None,
                    message: "Unmatched closing ')'".to_string(),
                },
            });
        }
        Ok(alternatives)
    }

    /// Parses `a|b|c` up to a `)` or the end of the pattern.
    fn parse_alternatives(&mut self) -> Result<Vec<Vec<Piece>>, RegexError> {
        let mut alternatives: Vec<Vec<Piece>> = vec![Vec::new()];
        loop {
            if self.in_quote {
                if self.at_quote_end() {
                    self.pos += 2;
                    self.in_quote = false;
                    continue;
                }
                if self.peek().is_none() {
                    // An unterminated `\Q` quotes to the end of the pattern, as in Java.
                    self.in_quote = false;
                    break;
                }
            } else {
                self.skip_ignorable();
                match self.peek() {
                    None | Some(')') => break,
                    Some('|') => {
                        self.pos += 1;
                        alternatives.push(Vec::new());
                        continue;
                    }
                    Some(c @ ('*' | '+' | '?')) => {
                        return Err(java_error(
                            self.pos,
                            &format!("Dangling meta character '{c}'"),
                        ));
                    }
                    Some('\\') if self.peek_at(1) == Some('Q') => {
                        self.pos += 2;
                        self.in_quote = true;
                        continue;
                    }
                    _ => {}
                }
            }
            let start = self.pos;
            let (dots, spaces) = (self.dots, self.spaces);
            let node = if !self.in_quote && self.peek() == Some('{') {
                // Java applies a leading `{n}` to an empty atom rather than rejecting it.
                Node::default()
            } else {
                self.parse_atom()?
            };
            let node = if node.flags_only {
                node
            } else {
                self.parse_quantifier(node, start)?
            };
            let piece = Piece {
                start,
                end: self.pos,
                node,
                uses_dot: self.dots > dots,
                uses_space: self.spaces > spaces,
            };
            if let Some(last) = alternatives.last_mut() {
                last.push(piece);
            }
        }
        Ok(alternatives)
    }

    fn parse_atom(&mut self) -> Result<Node, RegexError> {
        let Some(c) = self.peek() else {
            return Ok(Node::default());
        };
        if self.in_quote {
            self.pos += 1;
            return Ok(self.literal(c));
        }
        match c {
            '(' => self.parse_group(),
            '[' => {
                let out = self.parse_class()?;
                Ok(Node {
                    out,
                    min: 1,
                    max: Some(1),
                    ..Node::default()
                })
            }
            '\\' => match self.parse_escape(false)? {
                Escape::Char(c) => Ok(self.literal(c)),
                Escape::Set(out) => Ok(Node {
                    out,
                    min: 1,
                    max: Some(1),
                    ..Node::default()
                }),
                Escape::Node(node) => Ok(node),
                // `\Q` is handled by the sequence loop; reaching here means `\Q` right after a
                // quantifiable position, which the loop already consumed. Treat as empty.
                Escape::Quote => {
                    self.in_quote = true;
                    Ok(Node::default())
                }
            },
            '.' => {
                self.pos += 1;
                let out = if self.flags.s {
                    "(?s:.)".to_string()
                } else if self.flags.d {
                    self.dots += 1;
                    r"[^\x{A}]".to_string()
                } else {
                    self.dots += 1;
                    format!("[^{LINE_TERMINATORS}]")
                };
                Ok(Node {
                    out,
                    min: 1,
                    max: Some(1),
                    ..Node::default()
                })
            }
            '^' => {
                self.pos += 1;
                let out = match (self.flags.m, self.flags.d) {
                    (false, _) => r"\A".to_string(),
                    // Java's multi-line `^` never matches at the end of input, and treats \r\n as one.
                    (true, false) => {
                        r"(?:\A|(?<=[\x{A}\x{85}\x{2028}\x{2029}])|(?<=\x{D})(?!\x{A}))(?!\z)"
                            .to_string()
                    }
                    (true, true) => r"(?:\A|(?<=\x{A}))(?!\z)".to_string(),
                };
                Ok(zero_width(out))
            }
            '$' => {
                self.pos += 1;
                Ok(zero_width(self.dollar(self.flags.m)))
            }
            c => {
                self.pos += 1;
                Ok(self.literal(c))
            }
        }
    }

    /// Java's `$` (and `\Z` when not multi-line).
    fn dollar(&self, multiline: bool) -> String {
        match (multiline, self.flags.d) {
            // At the end, or before a final line terminator (but not between \r and \n).
            (false, false) => {
                r"(?:\z|(?=\x{D}\x{A}\z)|(?<!\x{D})(?=\x{A}\z)|(?=[\x{D}\x{85}\x{2028}\x{2029}]\z))"
                    .to_string()
            }
            (true, false) => {
                r"(?:\z|(?<!\x{D})(?=\x{A})|(?=[\x{D}\x{85}\x{2028}\x{2029}]))".to_string()
            }
            (false, true) => r"(?:\z|(?=\x{A}\z))".to_string(),
            (true, true) => r"(?:\z|(?=\x{A}))".to_string(),
        }
    }

    /// One literal character, with Java's case-insensitivity applied by hand.
    fn literal(&mut self, c: char) -> Node {
        if c == ' ' {
            self.spaces += 1;
        }
        let out = if self.flags.i
            && (self.flags.u || self.flags.uc)
            && c.to_lowercase().ne(c.to_uppercase())
        {
            format!("(?i:{})", esc(c))
        } else if self.flags.i && c.is_ascii_alphabetic() {
            format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase())
        } else {
            esc(c)
        };
        Node {
            out,
            min: 1,
            max: Some(1),
            literal: Some(c),
            ..Node::default()
        }
    }

    /// Parses a quantifier (if any) after `node`.
    fn parse_quantifier(&mut self, node: Node, start: usize) -> Result<Node, RegexError> {
        if self.in_quote {
            if self.at_quote_end() {
                self.pos += 2;
                self.in_quote = false;
            } else {
                return Ok(node);
            }
        }
        self.skip_ignorable();
        let (lo, hi, text) = match self.peek() {
            Some('*') => {
                self.pos += 1;
                (0, None, "*".to_string())
            }
            Some('+') => {
                self.pos += 1;
                (1, None, "+".to_string())
            }
            Some('?') => {
                self.pos += 1;
                (0, Some(1), "?".to_string())
            }
            Some('{') => self.parse_braces()?,
            _ => return Ok(node),
        };
        self.skip_ignorable();
        let mode = match self.peek() {
            Some('?') => {
                self.pos += 1;
                '?'
            }
            Some('+') => {
                self.pos += 1;
                '+'
            }
            _ => ' ',
        };
        if node.zero_width {
            // Repeating an assertion is the assertion once (or nothing when it may be skipped).
            return Ok(if lo == 0 {
                zero_width(String::new())
            } else {
                node
            });
        }
        if node.out.is_empty() {
            return Ok(node);
        }
        if hi.is_none() && node.unbounded && mode != '+' {
            self.nested_quantifiers.push((start, self.pos));
        }
        let mut out = format!("(?:{}){}", node.out, text);
        match mode {
            '?' => out.push('?'),
            // Possessive: an atomic group around the greedy repetition, which is what Java does.
            '+' => out = format!("(?>{out})"),
            _ => {}
        }
        Ok(Node {
            out,
            min: node.min.saturating_mul(lo),
            max: match (hi, node.max) {
                (Some(h), Some(m)) => Some(h.saturating_mul(m)),
                (Some(0), None) => Some(0),
                _ => None,
            },
            // Possessive repetition gives nothing back, so it cannot feed exponential backtracking.
            unbounded: mode != '+' && (hi.is_none() || node.unbounded),
            java_unbounded: node.java_unbounded
                || (hi.is_none() && !(node.min == 1 && node.max == Some(1))),
            ..Node::default()
        })
    }

    /// `{n}`, `{n,}`, `{n,m}`; anything else after `{` is Java's "Illegal repetition".
    fn parse_braces(&mut self) -> Result<(usize, Option<usize>, String), RegexError> {
        let open = self.pos;
        self.pos += 1;
        let lo = self.parse_number()?;
        let Some(lo) = lo else {
            return Err(java_error(open + 1, "Illegal repetition"));
        };
        let hi = match self.peek() {
            Some('}') => Some(lo),
            Some(',') => {
                self.pos += 1;
                let hi = self.parse_number()?;
                if self.peek() != Some('}') {
                    return Err(java_error(self.pos, "Unclosed counted closure"));
                }
                if let Some(h) = hi {
                    if h < lo {
                        return Err(java_error(self.pos, "Illegal repetition range"));
                    }
                }
                hi
            }
            _ => return Err(java_error(self.pos, "Unclosed counted closure")),
        };
        self.pos += 1;
        let text = match hi {
            Some(h) if h == lo => format!("{{{lo}}}"),
            Some(h) => format!("{{{lo},{h}}}"),
            None => format!("{{{lo},}}"),
        };
        Ok((lo, hi, text))
    }

    /// Digits of a repetition count; Java rejects counts above `i32::MAX` as a range error.
    fn parse_number(&mut self) -> Result<Option<usize>, RegexError> {
        let start = self.pos;
        let mut value: Option<usize> = Some(0);
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            value = value
                .and_then(|v| v.checked_mul(10))
                .and_then(|v| v.checked_add(d as usize))
                .filter(|v| *v <= i32::MAX as usize);
            self.pos += 1;
        }
        if self.pos == start {
            return Ok(None);
        }
        value
            .map(Some)
            .ok_or_else(|| java_error(self.pos - 1, "Illegal repetition range"))
    }

    fn parse_group(&mut self) -> Result<Node, RegexError> {
        let open = self.pos;
        self.pos += 1;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(RegexError {
                position: Some(open),
                message: format!(
                    "groups nested more than {MAX_DEPTH} deep (at character {open}) are not supported by the simulator"
                ),
            });
        }
        let saved = self.flags;
        enum Kind {
            Capturing,
            NonCapturing,
            Around(&'static str),
            LookBehind(&'static str),
        }
        let kind = if self.peek() == Some('?') {
            self.pos += 1;
            match self.peek() {
                Some(':') => {
                    self.pos += 1;
                    Kind::NonCapturing
                }
                Some('=') => {
                    self.pos += 1;
                    Kind::Around("(?=")
                }
                Some('!') => {
                    self.pos += 1;
                    Kind::Around("(?!")
                }
                Some('>') => {
                    self.pos += 1;
                    Kind::Around("(?>")
                }
                Some('<') if self.peek_at(1) == Some('=') => {
                    self.pos += 2;
                    Kind::LookBehind("(?<=")
                }
                Some('<') if self.peek_at(1) == Some('!') => {
                    self.pos += 2;
                    Kind::LookBehind("(?<!")
                }
                Some('<') => {
                    self.pos += 1;
                    let name = self.parse_group_name()?;
                    if self.names.iter().any(|(n, _)| *n == name) {
                        return Err(java_error(
                            self.pos.saturating_sub(1),
                            &format!("Named capturing group <{name}> is already defined"),
                        ));
                    }
                    self.groups += 1;
                    self.names.push((name, self.groups));
                    Kind::Capturing
                }
                _ => {
                    self.parse_flags()?;
                    match self.peek() {
                        Some(')') => {
                            // `(?i)`: the flags stay in force to the end of the enclosing group.
                            self.pos += 1;
                            self.depth -= 1;
                            return Ok(Node {
                                flags_only: true,
                                zero_width: true,
                                max: Some(0),
                                ..Node::default()
                            });
                        }
                        Some(':') => {
                            self.pos += 1;
                            Kind::NonCapturing
                        }
                        _ => {
                            return Err(java_error(self.pos, "Unknown inline modifier"));
                        }
                    }
                }
            }
        } else {
            self.groups += 1;
            Kind::Capturing
        };
        let alternatives = self.parse_alternatives()?;
        if self.peek() != Some(')') {
            return Err(java_error(self.chars.len(), "Unclosed group"));
        }
        self.pos += 1;
        self.flags = saved;
        self.depth -= 1;
        let inner = join_alternatives(&alternatives);
        let (min, max) = width_of(&alternatives);
        let unbounded = alternatives.iter().flatten().any(|p| p.node.unbounded);
        let java_unbounded = alternatives.iter().flatten().any(|p| p.node.java_unbounded);
        Ok(match kind {
            Kind::Capturing => Node {
                out: format!("({inner})"),
                min,
                max,
                unbounded,
                java_unbounded,
                ..Node::default()
            },
            Kind::NonCapturing => Node {
                out: format!("(?:{inner})"),
                min,
                max,
                unbounded,
                java_unbounded,
                ..Node::default()
            },
            Kind::Around("(?>") => Node {
                out: format!("(?>{inner})"),
                min,
                max,
                java_unbounded,
                ..Node::default()
            },
            Kind::Around(open_text) => zero_width(format!("{open_text}{inner})")),
            Kind::LookBehind(open_text) => {
                if java_unbounded {
                    return Err(java_error(
                        self.pos - 2,
                        "Look-behind group does not have an obvious maximum length",
                    ));
                }
                let Some(max) = max else {
                    let text: String = self.chars[open..self.pos].iter().collect();
                    return Err(unsupported(
                        open,
                        &text,
                        "a look-behind without a maximum length, which Java accepts for a repeated single character",
                    ));
                };
                if max != min {
                    self.variable_lookbehinds.push(open);
                }
                zero_width(format!("{open_text}{inner})"))
            }
        })
    }

    /// Java group names: an ASCII letter, then ASCII letters and digits, then `>`.
    fn parse_group_name(&mut self) -> Result<String, RegexError> {
        let mut name = String::new();
        match self.peek() {
            Some(c) if c.is_ascii_alphabetic() => {}
            _ => {
                return Err(java_error(
                    self.pos,
                    "capturing group name does not start with a Latin letter",
                ))
            }
        }
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() {
                name.push(c);
                self.pos += 1;
            } else {
                break;
            }
        }
        if self.peek() != Some('>') {
            return Err(java_error(
                self.pos,
                "named capturing group is missing trailing '>'",
            ));
        }
        self.pos += 1;
        Ok(name)
    }

    /// Inline flags `idmsuxU` with an optional `-` part.
    fn parse_flags(&mut self) -> Result<(), RegexError> {
        let mut on = true;
        while let Some(c) = self.peek() {
            let f = &mut self.flags;
            match c {
                'i' => f.i = on,
                'm' => f.m = on,
                's' => f.s = on,
                'd' => f.d = on,
                'u' => f.u = on,
                'x' => f.x = on,
                'U' => {
                    f.uc = on;
                    f.u = on;
                }
                'c' => {
                    return Err(unsupported(
                        self.pos,
                        "(?c)",
                        "CANON_EQ, canonical equivalence",
                    ))
                }
                '-' if on => on = false,
                _ => return Ok(()),
            }
            self.pos += 1;
        }
        Ok(())
    }

    /// Parses a character class starting at `[`; returns it in the engine's syntax.
    fn parse_class(&mut self) -> Result<String, RegexError> {
        self.pos += 1;
        let mut negate = false;
        if self.peek() == Some('^') {
            negate = true;
            self.pos += 1;
        }
        let unicode_ci = self.flags.i && (self.flags.u || self.flags.uc);
        let mut operands: Vec<String> = vec![String::new()];
        let mut first = true;
        let unclosed = |len: usize| java_error(len.saturating_sub(1), "Unclosed character class");
        loop {
            if self.in_quote {
                if self.at_quote_end() {
                    self.pos += 2;
                    self.in_quote = false;
                    continue;
                }
                let Some(c) = self.peek() else {
                    return Err(unclosed(self.chars.len()));
                };
                self.pos += 1;
                let item = self.class_range(c, c);
                push_item(&mut operands, &item);
                first = false;
                continue;
            }
            self.skip_ignorable();
            let Some(c) = self.peek() else {
                return Err(unclosed(self.chars.len()));
            };
            match c {
                '[' => {
                    // Nested classes recurse; bound the depth like groups so no input overflows the stack.
                    if self.depth >= MAX_DEPTH {
                        return Err(RegexError {
                            position: Some(self.pos),
                            message: format!(
                                "character classes nested more than {MAX_DEPTH} deep (at character {}) are not supported by the simulator",
                                self.pos
                            ),
                        });
                    }
                    self.depth += 1;
                    let nested = self.parse_class();
                    self.depth -= 1;
                    let nested = nested?;
                    push_item(&mut operands, &nested);
                }
                ']' if !first => {
                    self.pos += 1;
                    break;
                }
                '&' if self.peek_at(1) == Some('&') => {
                    self.pos += 2;
                    operands.push(String::new());
                }
                '\\' => {
                    let at = self.pos;
                    match self.parse_escape(true)? {
                        Escape::Char(lo) => {
                            let item = self.maybe_range(lo)?;
                            push_item(&mut operands, &item);
                        }
                        Escape::Set(set) => push_item(&mut operands, &set),
                        Escape::Quote => self.in_quote = true,
                        Escape::Node(_) => {
                            return Err(java_error(at + 1, "Illegal/unsupported escape sequence"))
                        }
                    }
                }
                c => {
                    self.pos += 1;
                    let item = self.maybe_range(c)?;
                    push_item(&mut operands, &item);
                }
            }
            first = false;
        }
        let operands: Vec<&String> = operands.iter().filter(|o| !o.is_empty()).collect();
        let body = match operands.len() {
            0 => {
                return Ok(if negate {
                    r"(?s:.)".to_string()
                } else {
                    NOTHING.to_string()
                })
            }
            1 => operands[0].clone(),
            _ => operands
                .iter()
                .map(|o| format!("[{o}]"))
                .collect::<Vec<_>>()
                .join("&&"),
        };
        // A class whose first item is `:` would read as `[:name:]`, a POSIX class, to the engine
        // (fancy-regex emits an escaped colon bare); Java has no such syntax, so the colon moves
        // to the end, which leaves the set unchanged.
        let body = match body.strip_prefix(COLON) {
            Some(rest) if !negate && !rest.is_empty() => format!("{rest}{COLON}"),
            _ => body,
        };
        let class = format!("[{}{body}]", if negate { "^" } else { "" });
        Ok(if unicode_ci {
            format!("(?i:{class})")
        } else {
            class
        })
    }

    /// After a single class character: a range `lo-hi` if a `-` and an end follow.
    fn maybe_range(&mut self, lo: char) -> Result<String, RegexError> {
        if self.peek() != Some('-') {
            return Ok(self.class_range(lo, lo));
        }
        match self.peek_at(1) {
            // `[a-]` and `[a-[bc]]`: the `-` is a literal (or the nested class follows).
            None | Some(']') | Some('[') => return Ok(self.class_range(lo, lo)),
            _ => {}
        }
        let dash = self.pos;
        self.pos += 1;
        let hi = if self.peek() == Some('\\') {
            match self.parse_escape(true)? {
                Escape::Char(c) => c,
                _ => return Err(java_error(self.pos - 1, "Illegal character range")),
            }
        } else {
            let Some(c) = self.peek() else {
                return Err(java_error(dash, "Illegal character range"));
            };
            self.pos += 1;
            c
        };
        if hi < lo {
            return Err(java_error(self.pos - 1, "Illegal character range"));
        }
        Ok(self.class_range(lo, hi))
    }

    /// A class range in the engine's syntax, with ASCII case-insensitivity applied by hand.
    fn class_range(&mut self, lo: char, hi: char) -> String {
        if lo <= ' ' && ' ' <= hi {
            self.spaces += 1;
        }
        let write = |lo: char, hi: char| {
            if lo == hi {
                esc(lo)
            } else {
                format!("{}-{}", esc(lo), esc(hi))
            }
        };
        let mut out = write(lo, hi);
        if self.flags.i && !(self.flags.u || self.flags.uc) {
            for (a, b, shift) in [('a', 'z', -32i32), ('A', 'Z', 32)] {
                let l = lo.max(a);
                let h = hi.min(b);
                if l <= h {
                    let map = |c: char| char::from_u32((c as i32 + shift) as u32).unwrap_or(c);
                    out.push_str(&write(map(l), map(h)));
                }
            }
        }
        out
    }

    /// Parses an escape at `\`. `in_class` follows Java: assertions and back references are
    /// illegal inside classes.
    fn parse_escape(&mut self, in_class: bool) -> Result<Escape, RegexError> {
        let at = self.pos;
        let Some(c) = self.peek_at(1) else {
            // Java 9 to 24 word this "Unexpected internal error"; the index is the same.
            return Err(java_error(self.chars.len(), "Unescaped trailing backslash"));
        };
        self.pos += 2;
        let illegal = || java_error(at + 1, "Illegal/unsupported escape sequence");
        let set = |s: String| Ok(Escape::Set(s));
        match c {
            '0' => self.octal().map(Escape::Char),
            '1'..='9' if in_class => Err(illegal()),
            '1'..='9' => Ok(Escape::Node(self.backref(c))),
            'a' => Ok(Escape::Char('\u{7}')),
            'e' => Ok(Escape::Char('\u{1B}')),
            'f' => Ok(Escape::Char('\u{C}')),
            'n' => Ok(Escape::Char('\n')),
            'r' => Ok(Escape::Char('\r')),
            't' => Ok(Escape::Char('\t')),
            'c' => {
                let Some(x) = self.peek() else {
                    return Err(java_error(at + 1, "Illegal control escape sequence"));
                };
                self.pos += 1;
                Ok(char::from_u32(x as u32 ^ 64)
                    .map_or(Escape::Set(NOTHING.to_string()), Escape::Char))
            }
            'x' => self.hex(),
            'u' => self.unicode(),
            'd' | 'D' | 's' | 'S' | 'w' | 'W' => {
                if c == 's' || c == 'S' {
                    self.spaces += 1;
                }
                let neg = if c.is_ascii_uppercase() { "^" } else { "" };
                if self.flags.uc {
                    return set(format!("[{neg}\\{}]", c.to_ascii_lowercase()));
                }
                let body = match c.to_ascii_lowercase() {
                    'd' => "0-9",
                    's' => SPACE,
                    _ => WORD,
                };
                set(format!("[{neg}{body}]"))
            }
            'h' | 'H' => {
                self.spaces += 1;
                set(format!("[{}{HSPACE}]", if c == 'H' { "^" } else { "" }))
            }
            'v' | 'V' => set(format!("[{}{VSPACE}]", if c == 'V' { "^" } else { "" })),
            'p' | 'P' => self.property(at, c == 'P').map(Escape::Set),
            'Q' => Ok(Escape::Quote),
            _ if in_class && c.is_ascii_alphabetic() => Err(illegal()),
            'A' | 'G' => Ok(Escape::Node(zero_width(r"\A".to_string()))),
            'z' => Ok(Escape::Node(zero_width(r"\z".to_string()))),
            'Z' => Ok(Escape::Node(zero_width(self.dollar(false)))),
            // Only `\b{g}` is the grapheme boundary; `\b{2}` is `\b` repeated.
            'b' if self.peek() == Some('{')
                && self.peek_at(1) == Some('g')
                && self.peek_at(2) == Some('}') =>
            {
                Err(unsupported(at, "\\b{g}", "grapheme cluster boundary"))
            }
            'b' | 'B' => {
                let out = if self.flags.uc {
                    format!("\\{c}")
                } else if c == 'b' {
                    format!("(?:(?<=[{WORD}])(?![{WORD}])|(?<![{WORD}])(?=[{WORD}]))")
                } else {
                    format!("(?:(?<=[{WORD}])(?=[{WORD}])|(?<![{WORD}])(?![{WORD}]))")
                };
                Ok(Escape::Node(zero_width(out)))
            }
            'R' => Ok(Escape::Node(Node {
                out: format!(r"(?>\x{{D}}\x{{A}}|[{VSPACE}])"),
                min: 1,
                max: Some(2),
                ..Node::default()
            })),
            'X' => Err(unsupported(at, "\\X", "extended grapheme cluster")),
            'N' => Err(unsupported(at, "\\N{...}", "character by Unicode name")),
            'k' => self.named_backref().map(Escape::Node),
            c if c.is_ascii_alphabetic() => Err(illegal()),
            c => Ok(Escape::Char(c)),
        }
    }

    /// `\0n`, `\0nn`, `\0mnn` (m <= 3).
    fn octal(&mut self) -> Result<char, RegexError> {
        let digit = |c: Option<char>| c.and_then(|c| c.to_digit(8));
        let Some(d1) = digit(self.peek()) else {
            return Err(java_error(self.pos, "Illegal octal escape sequence"));
        };
        self.pos += 1;
        let mut value = d1;
        if let Some(d2) = digit(self.peek()) {
            self.pos += 1;
            value = value * 8 + d2;
            if d1 <= 3 {
                if let Some(d3) = digit(self.peek()) {
                    self.pos += 1;
                    value = value * 8 + d3;
                }
            }
        }
        Ok(char::from_u32(value).unwrap_or('\0'))
    }

    /// `\xhh` or `\x{h...h}`.
    fn hex(&mut self) -> Result<Escape, RegexError> {
        if self.peek() == Some('{') {
            self.pos += 1;
            let start = self.pos;
            while self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                self.pos += 1;
            }
            if self.pos == start || self.peek() != Some('}') {
                return Err(java_error(
                    self.pos.saturating_sub(1),
                    "Illegal hexadecimal escape sequence",
                ));
            }
            let digits: String = self.chars[start..self.pos].iter().collect();
            self.pos += 1;
            let value = u32::from_str_radix(&digits, 16).unwrap_or(u32::MAX);
            if value > 0x10FFFF {
                return Err(java_error(self.pos - 2, "Hexadecimal codepoint is too big"));
            }
            return Ok(char::from_u32(value).map_or(Escape::Set(NOTHING.to_string()), Escape::Char));
        }
        let value = self
            .hex_digits(2)
            .ok_or_else(|| java_error(self.pos, "Illegal hexadecimal escape sequence"))?;
        Ok(char::from_u32(value).map_or(Escape::Set(NOTHING.to_string()), Escape::Char))
    }

    /// `\uhhhh`, combining a surrogate pair written as two escapes, as Java does.
    fn unicode(&mut self) -> Result<Escape, RegexError> {
        let value = self
            .hex_digits(4)
            .ok_or_else(|| java_error(self.pos, "Illegal Unicode escape sequence"))?;
        if (0xD800..0xDC00).contains(&value)
            && self.peek() == Some('\\')
            && self.peek_at(1) == Some('u')
        {
            let save = self.pos;
            self.pos += 2;
            if let Some(low) = self.hex_digits(4).filter(|l| (0xDC00..0xE000).contains(l)) {
                let c = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00);
                if let Some(c) = char::from_u32(c) {
                    return Ok(Escape::Char(c));
                }
            }
            self.pos = save;
        }
        // A lone surrogate cannot occur in a body decoded to a Rust string: it never matches.
        Ok(char::from_u32(value).map_or(Escape::Set(NOTHING.to_string()), Escape::Char))
    }

    fn hex_digits(&mut self, n: usize) -> Option<u32> {
        let mut value = 0;
        for _ in 0..n {
            let d = self.peek()?.to_digit(16)?;
            value = value * 16 + d;
            self.pos += 1;
        }
        Some(value)
    }

    /// `\n`: Java reads more digits only while they still name an existing group.
    fn backref(&mut self, first: char) -> Node {
        let mut number = first.to_digit(10).unwrap_or(0) as usize;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            let next = number * 10 + d as usize;
            if next > self.groups {
                break;
            }
            number = next;
            self.pos += 1;
        }
        self.backref_node(number)
    }

    fn backref_node(&self, number: usize) -> Node {
        // A reference to a group that exists nowhere compiles in Java and fails at match time.
        let out = if number > self.total_groups || number == 0 {
            NOTHING.to_string()
        } else if self.flags.i {
            format!("(?i:\\{number})")
        } else {
            format!("(?:\\{number})")
        };
        Node {
            out,
            min: 0,
            max: None,
            java_unbounded: true,
            ..Node::default()
        }
    }

    /// `\k<name>`: the group must be defined earlier in the pattern (Java checks at compile time).
    fn named_backref(&mut self) -> Result<Node, RegexError> {
        if self.peek() != Some('<') {
            return Err(java_error(
                self.pos,
                "\\k is not followed by '<' for named capturing group",
            ));
        }
        self.pos += 1;
        let name = self.parse_group_name()?;
        let Some(number) = self.names.iter().find(|(n, _)| *n == name).map(|(_, g)| *g) else {
            return Err(java_error(
                self.pos - 1,
                &format!("named capturing group <{name}> does not exist"),
            ));
        };
        Ok(self.backref_node(number))
    }

    /// `\p{Name}`, `\pL`, `\P{...}`: POSIX, java.lang.Character and Unicode classes.
    fn property(&mut self, at: usize, negated: bool) -> Result<String, RegexError> {
        let name: String = match self.peek() {
            Some('{') => {
                self.pos += 1;
                let start = self.pos;
                while self.peek().is_some_and(|c| c != '}') {
                    self.pos += 1;
                }
                if self.peek() != Some('}') {
                    return Err(java_error(self.pos, "Unclosed character family"));
                }
                let name = self.chars[start..self.pos].iter().collect();
                self.pos += 1;
                name
            }
            Some(c) => {
                self.pos += 1;
                c.to_string()
            }
            None => return Err(java_error(self.pos, "Illegal character family")),
        };
        if name.is_empty() {
            return Err(java_error(self.pos - 1, "Empty character family"));
        }
        if matches!(name.as_str(), "Space" | "Blank" | "javaWhitespace") {
            self.spaces += 1;
        }
        let body = property_body(&name, self.flags.uc).ok_or_else(|| {
            if name.starts_with("In") || name.starts_with("block=") || name.starts_with("blk=") {
                unsupported(at, &format!("\\p{{{name}}}"), "Unicode block")
            } else {
                java_error(
                    self.pos - 1,
                    &format!("Unknown character property name {{{name}}}"),
                )
            }
        })?;
        Ok(format!("[{}{body}]", if negated { "^" } else { "" }))
    }
}

fn zero_width(out: String) -> Node {
    Node {
        out,
        zero_width: true,
        max: Some(0),
        ..Node::default()
    }
}

fn push_item(operands: &mut [String], item: &str) {
    if let Some(last) = operands.last_mut() {
        last.push_str(item);
    }
}

/// Fewest and most characters a set of alternatives can match.
pub(crate) fn width_of(alternatives: &[Vec<Piece>]) -> (usize, Option<usize>) {
    let mut min = usize::MAX;
    let mut max = Some(0usize);
    for alt in alternatives {
        let lo = alt.iter().fold(0usize, |a, p| a.saturating_add(p.node.min));
        let hi = alt
            .iter()
            .try_fold(0usize, |a, p| p.node.max.map(|m| a.saturating_add(m)));
        min = min.min(lo);
        max = match (max, hi) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
    }
    (if min == usize::MAX { 0 } else { min }, max)
}

/// The class body (without brackets) for a Java property name, or `None` when Java does not know it.
fn property_body(name: &str, unicode_classes: bool) -> Option<String> {
    // POSIX classes (US-ASCII unless UNICODE_CHARACTER_CLASS), then java.lang.Character classes.
    let posix = |n: &str| -> Option<&'static str> {
        Some(match (n, unicode_classes) {
            ("Lower", false) => "a-z",
            ("Lower", true) => r"\p{Lowercase}",
            ("Upper", false) => "A-Z",
            ("Upper", true) => r"\p{Uppercase}",
            ("ASCII", _) => r"\x{0}-\x{7F}",
            ("Alpha", false) => "a-zA-Z",
            ("Alpha", true) => r"\p{Alphabetic}",
            ("Digit", false) => "0-9",
            ("Digit", true) => r"\p{Nd}",
            ("Alnum", false) => "a-zA-Z0-9",
            ("Alnum", true) => r"\p{Alphabetic}\p{Nd}",
            ("Punct", false) => r"\x{21}-\x{2F}\x{3A}-\x{40}\x{5B}-\x{60}\x{7B}-\x{7E}",
            ("Punct", true) => r"\p{P}",
            ("Graph", _) => r"\x{21}-\x{7E}",
            ("Print", _) => r"\x{20}-\x{7E}",
            ("Blank", _) => r"\x{20}\x{9}",
            ("Cntrl", _) => r"\x{0}-\x{1F}\x{7F}",
            ("XDigit", _) => "0-9a-fA-F",
            ("Space", false) => SPACE,
            ("Space", true) => r"\p{White_Space}",
            ("javaLowerCase", _) => r"\p{Lowercase}",
            ("javaUpperCase", _) => r"\p{Uppercase}",
            ("javaAlphabetic", _) => r"\p{Alphabetic}",
            ("javaLetter", _) => r"\p{L}",
            ("javaDigit", _) => r"\p{Nd}",
            ("javaLetterOrDigit", _) => r"\p{L}\p{Nd}",
            // Character.isWhitespace: space separators except the no-break ones, plus controls.
            ("javaWhitespace", _) => {
                r"\x{9}-\x{D}\x{1C}-\x{20}\x{1680}\x{2000}-\x{2006}\x{2008}-\x{200A}\x{2028}\x{2029}\x{205F}\x{3000}"
            }
            ("all" | "All", _) => r"\x{0}-\x{10FFFF}",
            ("L1", _) => r"\x{0}-\x{FF}",
            ("LC", _) => r"\p{Lu}\p{Ll}\p{Lt}",
            ("LD", _) => r"\p{L}\p{Nd}",
            _ => return None,
        })
    };
    const CATEGORIES: &[&str] = &[
        "Cn", "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Me", "Mc", "Nd", "Nl", "No", "Zs", "Zl", "Zp",
        "Cc", "Cf", "Co", "Cs", "Pd", "Ps", "Pe", "Pc", "Po", "Sm", "Sc", "Sk", "So", "Pi", "Pf",
        "L", "M", "N", "Z", "C", "P", "S",
    ];
    let category = |n: &str| CATEGORIES.contains(&n).then(|| format!(r"\p{{{n}}}"));
    if let Some(rest) = name.strip_prefix("Is") {
        // Binary properties, then categories and POSIX names, then scripts (Java's order).
        let binary = match rest.to_ascii_lowercase().replace(['_', ' '], "").as_str() {
            "alphabetic" => Some(r"\p{Alphabetic}".to_string()),
            "ideographic" => Some(r"\p{Ideographic}".to_string()),
            "letter" => Some(r"\p{L}".to_string()),
            "lowercase" => Some(r"\p{Lowercase}".to_string()),
            "uppercase" => Some(r"\p{Uppercase}".to_string()),
            "titlecase" => Some(r"\p{Lt}".to_string()),
            "punctuation" => Some(r"\p{P}".to_string()),
            "control" => Some(r"\p{Cc}".to_string()),
            "whitespace" => Some(r"\p{White_Space}".to_string()),
            "digit" => Some(r"\p{Nd}".to_string()),
            "hexdigit" => Some(r"\p{Hex_Digit}".to_string()),
            "joincontrol" => Some(r"\p{Join_Control}".to_string()),
            "noncharactercodepoint" => Some(r"\p{Noncharacter_Code_Point}".to_string()),
            "assigned" => Some(r"\P{Cn}".to_string()),
            _ => None,
        };
        return binary
            .or_else(|| category(rest))
            .or_else(|| posix(rest).map(str::to_string))
            .or_else(|| checked(format!(r"\p{{Script={rest}}}")));
    }
    for prefix in ["general_category=", "gc="] {
        if let Some(rest) = name.strip_prefix(prefix) {
            return category(rest);
        }
    }
    for prefix in ["script=", "sc="] {
        if let Some(rest) = name.strip_prefix(prefix) {
            return checked(format!(r"\p{{Script={rest}}}"));
        }
    }
    posix(name).map(str::to_string).or_else(|| category(name))
}

/// Keeps a property class only if the engine knows the name.
fn checked(item: String) -> Option<String> {
    regex::Regex::new(&format!("[{item}]")).ok().map(|_| item)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tr(p: &str) -> String {
        match translate(p) {
            Ok(t) => t.regex,
            Err(e) => format!("ERR {}", e.message),
        }
    }

    #[test]
    fn java_shorthand_classes_become_explicit_ascii_classes() {
        assert_eq!(tr(r"\s"), r"[\x{9}\x{A}\x{B}\x{C}\x{D}\x{20}]");
        assert_eq!(tr(r"\d\W"), r"[0-9][^a-zA-Z_0-9]");
        assert_eq!(tr(r"[\s\d]"), r"[[\x{9}\x{A}\x{B}\x{C}\x{D}\x{20}][0-9]]");
    }

    #[test]
    fn case_insensitive_letters_are_expanded_by_hand() {
        assert_eq!(tr("(?i)ok"), "[oO][kK]");
        assert_eq!(tr("(?i)[a-c]"), "[a-cA-C]");
    }

    #[test]
    fn every_ascii_punctuation_literal_is_accepted_by_the_engine() {
        for c in (0x20u8..0x7f)
            .map(char::from)
            .filter(|c| !c.is_ascii_alphanumeric())
        {
            let out = format!("{}[{}]", esc(c), esc(c));
            let re = fancy_regex::Regex::new(&out).unwrap_or_else(|e| panic!("{c:?}: {e}"));
            assert!(re.is_match(&format!("{c}{c}")).unwrap_or(false), "{c:?}");
        }
    }
}
