//! YAML written by hand: every name and value glance puts into a YAML file
//! (dbt's `schema.yml`, tbls' config) is a double-quoted scalar that no
//! text can break out of. A leaf with no dependencies.

/// `text` as a YAML double-quoted scalar: `"` and `\` escaped, and every
/// character YAML would not keep as it is (controls, DEL, the C1 range,
/// the line and paragraph separators, a byte-order mark) as `\uXXXX`.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control()
                || matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
                ) =>
            {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_keeps_any_name_or_value_intact() {
        let cases = [
            ("plain", "\"plain\""),
            ("it's \"quoted\"", "\"it's \\\"quoted\\\"\""),
            ("key: value", "\"key: value\""),
            ("- dash", "\"- dash\""),
            ("# hash", "\"# hash\""),
            ("back\\slash", "\"back\\\\slash\""),
            ("line\nbreak\ttab", "\"line\\nbreak\\ttab\""),
            (
                "bell\u{7}del\u{7f}nel\u{85}",
                "\"bell\\u0007del\\u007fnel\\u0085\"",
            ),
            ("sep\u{2028}", "\"sep\\u2028\""),
            ("café ☕ 東京", "\"café ☕ 東京\""),
            ("", "\"\""),
            ("yes", "\"yes\""),
            ("null", "\"null\""),
            ("&anchor *alias !tag %", "\"&anchor *alias !tag %\""),
        ];
        for (text, expected) in cases {
            assert_eq!(quoted(text), expected, "{text:?}");
        }
    }
}
