//! Tests of the Response Format decision. Test names are sentences; values are exact.

use super::*;
use crate::plugin::config::GUIDE_RESPONSE_FORMAT;

fn run(pattern: &str, code: &str, body: &str) -> Decision {
    run_with(pattern, code, body, Comparison::Equals)
}

fn run_with(pattern: &str, code: &str, body: &str, compare: Comparison) -> Decision {
    let format = ResponseFormat::compile(pattern)
        .unwrap_or_else(|e| panic!("{pattern:?} should compile: {}", e.message));
    decide(&format, code, body, compare)
}

fn compared(d: &Decision) -> Option<(usize, &str)> {
    d.found.as_ref().map(|f| (f.group, f.compared.as_str()))
}

#[test]
fn a_nested_class_that_looks_like_posix_is_a_set_of_characters_as_in_java() {
    // Java reads `[[:alpha:]]` as the union of the characters `:`, `a`, `l`, `p`, `h`.
    let d = run("[[:alpha:]]+", ":pha", "xyz:pha");
    assert!(d.success, "{}", d.explanation);
    assert_eq!(compared(&d), Some((0, ":pha")));
    let d = run("a:b", "a:b", "xa:by");
    assert!(d.success, "{}", d.explanation);
}

fn refusal(pattern: &str) -> RegexError {
    match ResponseFormat::compile(pattern) {
        Ok(f) => panic!("{pattern:?} should be refused, got {:?}", f.translated()),
        Err(e) => e,
    }
}

/// Compiled pattern matches `body` (group 0 text), for Java-semantics checks.
fn found_text(pattern: &str, body: &str) -> Option<String> {
    let d = run(pattern, "", body);
    d.found.map(|f| f.text)
}

const TWILIO_PENDING: &str = r#"{"sid":"VE1","serviceSid":"VA1","accountSid":"AC1","to":"+15551234567","channel":"sms","status":"pending","valid":false,"lookup":{},"amount":null,"payee":null,"send_code_attempts":[{"time":"2024-01-01T00:00:00.000Z","channel":"sms","attempt_sid":"VL1"}],"date_created":"2024-01-01T00:00:00Z","date_updated":"2024-01-01T00:00:00Z","sna":null,"url":"https://verify.twilio.com/v2/Services/VA1/Verifications/VE1"}"#;
const TWILIO_401: &str = r#"{"status":401,"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003"}"#;
const FUNCTION_ERROR: &str = r#"{"message":"Invalid parameter: To","name":"Error","stack":"Error: Invalid parameter: To\n    at success (/var/task/node_modules/twilio/lib/base/Version.js:135:15)"}"#;

// ---- The four configurations from the reference table ------------------------------------------

#[test]
fn rsa_documentation_example_compares_the_whole_match() {
    let d = run("RESULT:OK", "RESULT:OK", "RESULT:OK");
    assert!(d.success);
    assert_eq!(d.outcome, Outcome::Success);
    assert_eq!(compared(&d), Some((0, "RESULT:OK")));
    assert_eq!(
        d.explanation,
        r#"compared group 0 = "RESULT:OK" with Success Response Code "RESULT:OK": equal"#
    );
}

#[test]
fn retarus_soap_format_finds_the_job_id_deep_inside_the_body() {
    let body = r#"<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ns2:sendJobResponse xmlns:ns2="http://retarus.com/sms"><jobId>J.20240101.ABCDEF</jobId></ns2:sendJobResponse></soap:Body></soap:Envelope>"#;
    let d = run(r".<jobId>(J\.20)", "J.20", body);
    assert!(d.success, "{}", d.explanation);
    let f = d.found.as_ref().map(|f| {
        (
            f.start,
            f.end,
            f.text.as_str(),
            f.group,
            f.compared.as_str(),
        )
    });
    assert_eq!(f, Some((174, 186, "><jobId>J.20", 1, "J.20")));
}

#[test]
fn messagebird_dot_star_compares_the_first_line_with_01() {
    let d = run(".*", "01", "01");
    assert!(d.success);
    assert_eq!(compared(&d), Some((0, "01")));
    let d = run(".*", "01", "01\nOK: message queued\n");
    assert!(
        d.success,
        "`.` stops at the newline, so group 0 is the first line"
    );
    assert_eq!(compared(&d), Some((0, "01")));
}

#[test]
fn twilio_guide_format_accepts_the_compact_function_json_with_pending() {
    let d = run(GUIDE_RESPONSE_FORMAT, "pending", TWILIO_PENDING);
    assert!(d.success, "{}", d.explanation);
    assert_eq!(compared(&d), Some((1, "pending")));
    let f = d.found.as_ref().map(|f| (f.start, f.end));
    assert_eq!(f, Some((0, 104)));
    assert_eq!(
        d.explanation,
        r#"compared group 1 = "pending" with Success Response Code "pending": equal"#
    );
}

#[test]
fn twilio_guide_format_does_not_match_a_numeric_status_401() {
    let d = run(GUIDE_RESPONSE_FORMAT, "pending", TWILIO_401);
    assert!(!d.success);
    assert_eq!(d.outcome, Outcome::NoMatch);
    assert_eq!(d.found, None);
    assert_eq!(
        d.explanation,
        r#"no match: the body has `{"status":` followed by `401,"code":20003…`, but the Response Format needs `"` there, then `([a-zA-Z]*)`"#
    );
}

#[test]
fn twilio_guide_format_does_not_match_a_function_error_without_status() {
    let d = run(GUIDE_RESPONSE_FORMAT, "pending", FUNCTION_ERROR);
    assert_eq!(d.outcome, Outcome::NoMatch);
    assert_eq!(
        d.explanation,
        r#"no match: the body does not contain `status":`, which the Response Format needs after `.*`"#
    );
}

// ---- Java's \s, \d, \w, \b and . ---------------------------------------------------------------

#[test]
fn java_s_does_not_match_a_no_break_space() {
    let body = "{\"status\":\u{a0}\"pending\"}";
    let d = run(GUIDE_RESPONSE_FORMAT, "pending", body);
    assert_eq!(d.outcome, Outcome::NoMatch);
    assert_eq!(
        d.explanation,
        "no match: Java's `\\s` does not match U+00A0 (no-break space) at byte 10 (char 10): the body has `{\"status\":` followed by `\\u{a0}\"pending\"}`, but the Response Format needs `\"` there, then `([a-zA-Z]*)`"
    );
    // With an ordinary space the same body matches.
    assert!(
        run(
            GUIDE_RESPONSE_FORMAT,
            "pending",
            "{\"status\": \"pending\"}"
        )
        .success
    );
}

#[test]
fn shorthand_classes_are_ascii_only_like_java() {
    assert_eq!(found_text(r"\s", "a\u{a0}b\u{2003}c"), None);
    assert_eq!(found_text(r"\s", "a\u{b}b"), Some("\u{b}".to_string()));
    assert_eq!(found_text(r"\d+", "٣4"), Some("4".to_string()));
    assert_eq!(found_text(r"\w+", "éab_9"), Some("ab_9".to_string()));
    assert_eq!(
        found_text(r"[\s\d]+", "x\u{a0}1 2"),
        Some("1 2".to_string())
    );
    assert_eq!(found_text(r"\S+", "\u{a0}é "), Some("\u{a0}é".to_string()));
    // \b is an ASCII word boundary: `é` is not a word character.
    assert_eq!(found_text(r"\bab", "éab"), Some("ab".to_string()));
    assert_eq!(found_text(r"\Bb", "ab b"), Some("b".to_string()));
}

#[test]
fn dot_stops_at_every_java_line_terminator() {
    for t in ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"] {
        assert_eq!(
            found_text("a.*", &format!("ab{t}c")),
            Some("ab".to_string()),
            "{t:?}"
        );
    }
    assert_eq!(found_text("(?s)a.*", "ab\nc"), Some("ab\nc".to_string()));
    assert_eq!(found_text("(?d)a.*", "ab\rc\nd"), Some("ab\rc".to_string()));
}

#[test]
fn multi_line_body_reports_that_dot_cannot_cross_a_newline() {
    let body = "<response>\n<jobId>J.20</jobId>\n</response>";
    let d = run(r".<jobId>(J\.20)", "J.20", body);
    assert_eq!(d.outcome, Outcome::NoMatch);
    assert_eq!(
        d.explanation,
        "no match: the body has `<jobId>J.20` at byte 11 (char 11), but `.` before it in the Response Format cannot match the U+000A (line feed) at byte 10: Java's `.` does not match line terminators (no DOTALL flag)"
    );
    let d = run("Status:.*(OK)", "OK", "Status:\nOK");
    assert_eq!(
        d.explanation,
        "no match: Java's `.` does not match line terminators (no DOTALL flag), and the body has U+000A (line feed) at byte 7 (char 7): the body has `Status:` followed by `\\nOK`, but the Response Format needs `(OK)` there"
    );
    assert!(run("(?s)Status:.*(OK)", "OK", "Status:\nOK").success);
}

#[test]
fn dot_star_on_a_body_starting_with_a_newline_compares_an_empty_string() {
    let d = run(".*", "01", "\n01");
    assert_eq!(d.outcome, Outcome::Mismatch);
    assert_eq!(compared(&d), Some((0, "")));
    assert_eq!(
        d.explanation,
        r#"compared group 0 = "" with Success Response Code "01": not equal; the match stops at the U+000A (line feed) at byte 0 because Java's `.` does not match line terminators"#
    );
}

#[test]
fn dollar_matches_before_a_final_line_terminator_like_java() {
    assert_eq!(found_text("OK$", "OK\n"), Some("OK".to_string()));
    assert_eq!(found_text("OK$", "OK\r\n"), Some("OK".to_string()));
    assert_eq!(found_text("OK$", "OK\nmore"), None);
    assert_eq!(found_text("(?m)OK$", "OK\nmore"), Some("OK".to_string()));
    assert_eq!(found_text(r"OK\z", "OK\n"), None);
    assert_eq!(found_text(r"OK\Z", "OK\n"), Some("OK".to_string()));
    assert_eq!(found_text("^b", "a\nb"), None);
    assert_eq!(found_text("(?m)^b", "a\nb"), Some("b".to_string()));
}

// ---- Groups ------------------------------------------------------------------------------------

#[test]
fn group_one_is_compared_when_the_pattern_has_a_group_and_group_zero_otherwise() {
    let d = run(r"status=(\w+)", "ok", "status=ok");
    assert_eq!(compared(&d), Some((1, "ok")));
    assert!(d.success);
    let d = run(r"status=\w+", "ok", "status=ok");
    assert_eq!(compared(&d), Some((0, "status=ok")));
    assert_eq!(
        d.explanation,
        r#"compared group 0 = "status=ok" with Success Response Code "ok": not equal; the Response Format has no capturing group, so the whole match is compared; put the part to compare in parentheses"#
    );
}

#[test]
fn a_mismatch_names_group_one_and_both_texts() {
    let d = run(GUIDE_RESPONSE_FORMAT, "pending", r#"{"status":"failed"}"#);
    assert_eq!(d.outcome, Outcome::Mismatch);
    assert_eq!(
        d.explanation,
        r#"compared group 1 = "failed" with Success Response Code "pending": not equal"#
    );
    let d = run(GUIDE_RESPONSE_FORMAT, "pending", r#"{"status":"Pending"}"#);
    assert_eq!(
        d.explanation,
        r#"compared group 1 = "Pending" with Success Response Code "pending": not equal; they differ only in letter case, and the comparison is case-sensitive"#
    );
}

#[test]
fn a_group_that_did_not_participate_cannot_succeed() {
    let d = run("(ok)|fail", "", "fail");
    assert!(!d.success);
    assert_eq!(d.outcome, Outcome::GroupDidNotParticipate);
    let f = d.found.as_ref().map(|f| {
        (
            f.group,
            f.participated,
            f.compared.as_str(),
            f.text.as_str(),
        )
    });
    assert_eq!(f, Some((1, false, "", "fail")));
    assert_eq!(
        d.explanation,
        r#"group 1 did not participate in the match "fail" at bytes 0..4 (Java's group(1) is null), so it cannot match Success Response Code ""; RSA's comparison fails or throws"#
    );
}

#[test]
fn non_capturing_groups_do_not_count_and_named_groups_do() {
    let f = ResponseFormat::compile(r"(?:a)(?<code>\d+)(b)")
        .map(|f| (f.group_count(), f.group_name(1).map(str::to_string)));
    assert_eq!(f, Ok((2, Some("code".to_string()))));
    let d = run(r"(?:x=)(?<code>\d+)", "42", "x=42");
    assert_eq!(compared(&d), Some((1, "42")));
    assert_eq!(
        d.explanation,
        r#"compared group 1 (`code`) = "42" with Success Response Code "42": equal"#
    );
    let d = run(r"(?=x)(?:x=)\d+", "x=42", "x=42");
    assert_eq!(compared(&d), Some((0, "x=42")));
}

// ---- Java-only constructs ----------------------------------------------------------------------

#[test]
fn java_only_constructs_work() {
    // look-ahead and look-behind
    assert_eq!(
        found_text(r"(?<=status=)\w+", "status=ok"),
        Some("ok".to_string())
    );
    assert_eq!(found_text(r"\w+(?=;)", "a b;"), Some("b".to_string()));
    assert_eq!(found_text(r"(?<!x)y", "xy zy"), Some("y".to_string()));
    // possessive quantifiers and atomic groups give up nothing
    assert_eq!(found_text(r"a*+a", "aaaa"), None);
    assert_eq!(found_text(r"(?>a|ab)c", "abc"), None);
    assert_eq!(found_text(r"a{1,3}+b", "aaab"), Some("aaab".to_string()));
    // back references, numbered and named
    assert_eq!(found_text(r"(\w)\1", "abccd"), Some("cc".to_string()));
    assert_eq!(
        found_text(r"(?<q>['])x\k<q>", "'x'"),
        Some("'x'".to_string())
    );
    // \11 is group 1 then `1` when there are fewer than 11 groups (Java's rule)
    assert_eq!(found_text(r"(a)\11", "aa1"), Some("aa1".to_string()));
    // quoting
    assert_eq!(found_text(r"\Q.*+\E!", "x.*+!"), Some(".*+!".to_string()));
    assert_eq!(found_text(r"\Qab\E+", "abbb"), Some("abbb".to_string()));
    // \h, \R, \A, \G
    assert_eq!(
        found_text(r"a\hb", "a\u{a0}b"),
        Some("a\u{a0}b".to_string())
    );
    assert_eq!(found_text(r"a\Rb", "a\r\nb"), Some("a\r\nb".to_string()));
    assert_eq!(found_text(r"\Aa", "ba"), None);
    assert_eq!(found_text(r"\Gb", "ab"), None);
    assert_eq!(found_text(r"\Ga", "ab"), Some("a".to_string()));
    assert_eq!(found_text(r"a\b{2}", "ab a"), Some("a".to_string()));
    // POSIX and Unicode classes
    assert_eq!(found_text(r"\p{Alpha}+", "é1abc"), Some("abc".to_string()));
    assert_eq!(found_text(r"\p{L}+", "1éa"), Some("éa".to_string()));
    assert_eq!(found_text(r"\p{IsLatin}+", "Ωab"), Some("ab".to_string()));
    assert_eq!(
        found_text(r"[\p{Punct}&&[^.]]", "a.b!"),
        Some("!".to_string())
    );
    // escapes
    assert_eq!(
        found_text(r"\x41\u0042\0103\x{44}\t", "ABCD\t"),
        Some("ABCD\t".to_string())
    );
    assert_eq!(
        found_text(r#"\"\/\-"#, r#""/-"#),
        Some(r#""/-"#.to_string())
    );
}

#[test]
fn java_constructs_the_simulator_cannot_run_are_refused_with_their_position() {
    assert_eq!(
        refusal(r"ab\X"),
        RegexError {
            position: Some(2),
            message: "Java construct `\\X` (extended grapheme cluster) at character 2 is not supported by the simulator".to_string()
        }
    );
    assert_eq!(refusal(r"a\p{InGreek}").position, Some(1));
    assert_eq!(
        refusal(r"a\p{InGreek}").message,
        "Java construct `\\p{InGreek}` (Unicode block) at character 1 is not supported by the simulator"
    );
    assert_eq!(
        refusal("x(?<=a+)b"),
        RegexError {
            position: Some(1),
            message: "Java construct `(?<=a+)` (a look-behind without a maximum length, which Java accepts for a repeated single character) at character 1 is not supported by the simulator".to_string()
        }
    );
    assert_eq!(
        refusal("(?<=a{1,2})b"),
        RegexError {
            position: Some(0),
            message: "Java look-behind at character 0 has a variable length: Java accepts a bounded look-behind, but the simulator's engine supports only fixed-length ones (or alternatives of fixed lengths)".to_string()
        }
    );
}

#[test]
fn patterns_java_rejects_are_refused_in_javas_words_with_the_position() {
    // Positions and wording checked against OpenJDK 17 and 25 (`PatternSyntaxException.getIndex()`).
    let cases: &[(&str, usize, &str)] = &[
        (r".*status(\s?", 12, "Unclosed group near index 12"),
        ("(?<a>", 5, "Unclosed group near index 5"),
        ("abc)", 2, "Unmatched closing ')' near index 2"),
        ("*a", 0, "Dangling meta character '*' near index 0"),
        ("a**", 2, "Dangling meta character '*' near index 2"),
        ("a|*", 2, "Dangling meta character '*' near index 2"),
        ("[abc", 3, "Unclosed character class near index 3"),
        ("[]", 1, "Unclosed character class near index 1"),
        ("[^]", 2, "Unclosed character class near index 2"),
        ("a{x}", 2, "Illegal repetition near index 2"),
        ("{", 1, "Illegal repetition near index 1"),
        ("a{,3}", 2, "Illegal repetition near index 2"),
        ("a{3,1}", 5, "Illegal repetition range near index 5"),
        (
            "x{2147483648}",
            11,
            "Illegal repetition range near index 11",
        ),
        ("a{1", 3, "Unclosed counted closure near index 3"),
        ("a{1,", 4, "Unclosed counted closure near index 4"),
        ("[z-a]", 3, "Illegal character range near index 3"),
        (r"[a-\d]", 4, "Illegal character range near index 4"),
        (r"\i", 1, "Illegal/unsupported escape sequence near index 1"),
        (r"\E", 1, "Illegal/unsupported escape sequence near index 1"),
        (
            r"[\b]",
            2,
            "Illegal/unsupported escape sequence near index 2",
        ),
        ("a\\", 2, "Unescaped trailing backslash near index 2"),
        ("(?#c)", 2, "Unknown inline modifier near index 2"),
        ("(?z)", 2, "Unknown inline modifier near index 2"),
        ("(?i", 3, "Unknown inline modifier near index 3"),
        (
            "(?<1a>x)",
            3,
            "capturing group name does not start with a Latin letter near index 3",
        ),
        (
            "(?<a",
            4,
            "named capturing group is missing trailing '>' near index 4",
        ),
        (
            "(?<a>x)(?<a>y)",
            11,
            "Named capturing group <a> is already defined near index 11",
        ),
        (
            r"\k<b>(?<b>x)",
            4,
            "named capturing group <b> does not exist near index 4",
        ),
        (
            r"\kb",
            2,
            "\\k is not followed by '<' for named capturing group near index 2",
        ),
        (
            "(?<=(?:ab)+)c",
            10,
            "Look-behind group does not have an obvious maximum length near index 10",
        ),
        (
            r"(?<=\1)a",
            5,
            "Look-behind group does not have an obvious maximum length near index 5",
        ),
        (
            r"\p{Foo}",
            6,
            "Unknown character property name {Foo} near index 6",
        ),
        (
            r"\p{Latin}",
            8,
            "Unknown character property name {Latin} near index 8",
        ),
        (r"\p{L", 4, "Unclosed character family near index 4"),
        (r"\p{}", 3, "Empty character family near index 3"),
        (
            r"\xZZ",
            2,
            "Illegal hexadecimal escape sequence near index 2",
        ),
        (
            r"\x{",
            2,
            "Illegal hexadecimal escape sequence near index 2",
        ),
        (
            r"\x{110000}",
            8,
            "Hexadecimal codepoint is too big near index 8",
        ),
        (r"\u12", 4, "Illegal Unicode escape sequence near index 4"),
        (r"\09", 2, "Illegal octal escape sequence near index 2"),
        (r"\c", 1, "Illegal control escape sequence near index 1"),
    ];
    for (pattern, position, message) in cases {
        let e = refusal(pattern);
        assert_eq!(
            (e.position, e.message.as_str()),
            (Some(*position), *message),
            "{pattern:?}"
        );
    }
}

#[test]
fn a_regex_error_renders_a_caret_under_the_position() {
    let e = refusal(r".*status(\s?");
    assert_eq!(
        e.render(r".*status(\s?"),
        "Unclosed group near index 12\n.*status(\\s?\n            ^"
    );
    // Java gives no index for a leading `)`, and prints no caret.
    let e = refusal(")");
    assert_eq!(
        (e.position, e.render(")")),
        (None, "Unmatched closing ')'\n)".to_string())
    );
}

// ---- Flags -------------------------------------------------------------------------------------

#[test]
fn matching_is_case_sensitive_unless_the_pattern_has_inline_flags() {
    assert_eq!(found_text("ok", "OK"), None);
    assert_eq!(found_text("(?i)ok", "OK"), Some("OK".to_string()));
    assert_eq!(found_text("(?i:o)k", "Ok OK"), Some("Ok".to_string()));
    assert_eq!(found_text("a(?i)b|c", "aB C"), Some("aB".to_string()));
    assert_eq!(found_text("(a(?i)b)c", "aBC aBc"), Some("aBc".to_string()));
    // (?i) folds ASCII only unless (?u) is added, as in Java.
    assert_eq!(found_text("(?i)é", "É"), None);
    assert_eq!(found_text("(?iu)é", "É"), Some("É".to_string()));
    assert_eq!(found_text("(?i)[a-c]+", "xAbC"), Some("AbC".to_string()));
    // (?x) ignores white space and comments; (?U) makes \s Unicode.
    assert_eq!(
        found_text("(?x) o k # comment", "ok"),
        Some("ok".to_string())
    );
    assert_eq!(found_text(r"(?U)\s", "a\u{a0}"), Some("\u{a0}".to_string()));
}

// ---- Comparisons -------------------------------------------------------------------------------

#[test]
fn contains_and_trim_comparisons_follow_the_quirk() {
    let d = run_with(
        r"status=(.*)",
        "pending",
        "status= pending ",
        Comparison::Contains,
    );
    assert!(d.success);
    assert_eq!(
        d.explanation,
        r#"compared group 1 = " pending " with Success Response Code "pending": contains it"#
    );
    let d = run_with(
        r"status=(.*)",
        "pending",
        "status= pending\t",
        Comparison::Trim,
    );
    assert!(d.success);
    assert_eq!(
        d.explanation,
        r#"compared group 1 = " pending\t" with Success Response Code "pending": equal after trimming"#
    );
    let d = run_with(
        r"status=(.*)",
        "pending",
        "status= pending ",
        Comparison::Equals,
    );
    assert_eq!(
        d.explanation,
        r#"compared group 1 = " pending " with Success Response Code "pending": not equal; they differ only in leading or trailing white space or control characters"#
    );
    let d = run_with(
        r"status=(.*)",
        "pending",
        "status=pend",
        Comparison::Contains,
    );
    assert_eq!(
        d.explanation,
        r#"compared group 1 = "pend" with Success Response Code "pending": does not contain it"#
    );
    // Java's trim() removes control characters but not a no-break space.
    assert!(!compare_text("pending\u{a0}", "pending", Comparison::Trim));
    assert!(compare_text(
        "\u{1}pending\u{0}",
        "pending",
        Comparison::Trim
    ));
}

// ---- Offsets and limits ------------------------------------------------------------------------

#[test]
fn found_offsets_are_bytes_with_character_offsets_alongside() {
    let d = run("(ok)", "ok", "éé ok");
    let f = d
        .found
        .as_ref()
        .map(|f| (f.start, f.end, f.start_char, f.end_char));
    assert_eq!(f, Some((5, 7, 3, 5)));
}

#[test]
fn catastrophic_backtracking_gives_a_failed_decision_instead_of_hanging() {
    // The back reference forces the backtracking engine, where (a|aa)+ explodes.
    let body = format!("{}!", "a".repeat(40));
    let d = run(r"(?:(a|aa)+)+\1b", "x", &body);
    assert!(!d.success);
    assert_eq!(d.outcome, Outcome::BacktrackLimit);
    assert_eq!(
        d.explanation,
        "no decision: the simulator's regex engine gave up (Error executing regex: Max limit for backtracking count exceeded) after 1000000 backtracking steps; this is catastrophic backtracking (typically nested quantifiers such as `(a+)+` or `(.*)*`), and RSA's java.util.regex has no such limit, so the real plug-in would run for a very long time (or fail with StackOverflowError) and the SMS would not be considered sent; warning: `(?:(a|aa)+)+` at character 0 nests unbounded quantifiers: on a body that does not match, Java's backtracking engine can take exponential time, so RSA may hang on such a body"
    );
}

#[test]
fn nested_unbounded_quantifiers_warn_that_java_may_hang_where_the_simulator_does_not() {
    let d = run("(a+)+b", "", "aaaac");
    assert_eq!(d.outcome, Outcome::NoMatch);
    assert_eq!(
        d.explanation,
        "no match: the body has `aaaa` followed by `c`, but the Response Format needs `b` there; warning: `(a+)+` at character 0 nests unbounded quantifiers: on a body that does not match, Java's backtracking engine can take exponential time, so RSA may hang on such a body"
    );
    // Possessive and atomic inner repetitions give nothing back: no warning.
    let count = |p: &str| ResponseFormat::compile(p).map(|f| f.warnings().len());
    assert_eq!(count(r"(a++)+b|x*"), Ok(0));
    assert_eq!(count(r"(?>a+)+b"), Ok(0));
    assert_eq!(count(r"(?:\w+\s?)*$"), Ok(1));
}

#[test]
fn a_space_before_the_colon_is_pointed_out() {
    let d = run(
        GUIDE_RESPONSE_FORMAT,
        "pending",
        r#"{"sid": "VE1", "status" : "pending"}"#,
    );
    assert_eq!(
        d.explanation,
        r#"no match: the body does not contain `status":`, which the Response Format needs after `.*`; it has `status"` at byte 16 (char 16), followed by a space where `:` is needed"#
    );
    let d = run(
        GUIDE_RESPONSE_FORMAT,
        "pending",
        "{\"status\"\u{a0}: \"pending\"}",
    );
    assert_eq!(
        d.explanation,
        r#"no match: the body does not contain `status":`, which the Response Format needs after `.*`; it has `status"` at byte 2 (char 2), followed by U+00A0 (no-break space) where `:` is needed"#
    );
}

#[test]
fn a_literal_in_another_letter_case_is_pointed_out() {
    let d = run("RESULT:OK", "RESULT:OK", "result:ok");
    assert_eq!(
        d.explanation,
        "no match: the body does not contain `RESULT:OK` (it has `result:ok` in another letter case; Java compares case-sensitively unless the Response Format has `(?i)`)"
    );
}

#[test]
fn outcomes_map_to_the_delivery_failure_classes() {
    use crate::plugin::FailureClass;
    assert_eq!(run("(ok)", "ok", "ok").failure_class(), None);
    assert_eq!(
        run("(ok)", "ok", "no").failure_class(),
        Some(FailureClass::ResponseDidNotMatch)
    );
    assert_eq!(
        run("(o.)", "ok", "on").failure_class(),
        Some(FailureClass::ResponseMismatch)
    );
}

#[test]
fn deeply_nested_input_is_refused_instead_of_overflowing_the_stack() {
    let groups = format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000));
    assert_eq!(refusal(&groups).position, Some(40));
    let classes = format!("{}a{}", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(refusal(&classes).position, Some(41));
    assert_eq!(
        refusal(&classes).message,
        "character classes nested more than 40 deep (at character 41) are not supported by the simulator"
    );
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        #[test]
        fn compile_and_decide_never_panic(
            pattern in r#"[a-c.*+?|(){}\[\]\\^$&\-:<>=!,0-9sdwbpQEkxuPRhzZAG ]{0,16}"#,
            body in "[a-c \n\u{a0}é0-9\"{}:]{0,24}",
        ) {
            if let Ok(format) = ResponseFormat::compile(&pattern) {
                let d = decide(&format, "a", &body, Comparison::Equals);
                prop_assert_eq!(d.success, d.outcome == Outcome::Success);
                let _ = format.explain_no_match(&body);
            }
        }

        #[test]
        fn arbitrary_unicode_patterns_never_panic(pattern in "\\PC{0,12}", body in "\\PC{0,12}") {
            if let Ok(format) = ResponseFormat::compile(&pattern) {
                let _ = decide(&format, "", &body, Comparison::Trim);
            }
        }
    }
}
