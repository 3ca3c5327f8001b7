//! Property tests over the outside input a generative hunt fed glance:
//! durations, connection strings, config files, model ids and text to
//! redact, in any script. Nothing panics, nothing slices text by bytes,
//! and no password comes back in an error or a redacted string. 256 cases
//! per property by default; `PROPTEST_CASES=N` runs more.

use std::path::Path;

use proptest::prelude::*;

use crate::db::postgres::conninfo;

/// Starts every generated password, so finding it in output cannot be a
/// coincidence with fixed words.
const MARK: &str = "Zq9";

/// Characters a person might put in a password, unencoded.
const PASSWORD: &str = "[A-Za-z0-9/?@%#:=._~!$*()+-]{1,24}";

/// Text in several scripts, with the characters that matter to parsers.
const ANY_TEXT: &str = "[a-zé💥模\\[\\]=\"'\\\\:/?@%&#. \\n\\t0-9-]{0,80}";

proptest! {
    #[test]
    fn durations_never_panic_and_stay_in_range(text in "[0-9.]{0,30}(ms|s|m|min|h|x|)") {
        if let Ok(duration) = crate::config::duration::parse_duration(&text) {
            prop_assert!(duration <= crate::config::duration::MAX_STATEMENT_TIMEOUT);
        }
    }

    #[test]
    fn connection_errors_never_quote_the_password(tail in PASSWORD, form in 0..3usize) {
        let password = format!("{MARK}{tail}");
        let given = match form {
            0 => format!("postgres://u:{password}@h:5432/d"),
            1 => format!("postgres://u@h/d?password={password}"),
            _ => format!("host=h password={password} dbname=d"),
        };
        match conninfo::parse(&given) {
            Ok(_) => {}
            Err(error) => prop_assert!(!error.contains(MARK), "{given}: {error}"),
        }
        let shown = crate::config::redact_url(&given);
        prop_assert!(!shown.contains(MARK), "{given} shown as {shown}");
    }

    #[test]
    fn redaction_hides_every_form_of_a_password(tail in PASSWORD, prose in ANY_TEXT) {
        let password = format!("{MARK}{tail}");
        let query = password.replace(['&', ',', ';'], "");
        let quoted = password.replace(['\'', '"', '\\'], "");
        for leaked in [
            format!("{prose} postgres://user:{password}@db.example.com/shop {prose}"),
            format!("{prose} postgresql://h/d?sslmode=disable&password={query}&x=1"),
            format!("{prose} host=h password='{quoted}' dbname=d"),
            format!("{prose}\n  3 | password = \"{quoted}\""),
            format!("PGPASSWORD={query} {prose}"),
        ] {
            let shown = crate::redact::text(&leaked);
            prop_assert!(!shown.contains(MARK), "{leaked:?} shown as {shown:?}");
        }
    }

    #[test]
    fn redaction_never_panics_and_keeps_text_without_secrets(text in ANY_TEXT) {
        let shown = crate::redact::text(&text);
        if !text.to_ascii_lowercase().contains("password") && !text.contains("://") {
            prop_assert_eq!(shown, text);
        }
    }

    #[test]
    fn model_ids_in_any_script_are_looked_up(model in ANY_TEXT, date in "-[0-9]{8}|-[0-9]{4}-[0-9]{2}-[0-9]{2}|") {
        let prices = crate::price::Prices::new(Default::default());
        let _ = prices.lookup(&format!("{model}{date}"));
    }

    #[test]
    fn config_files_never_panic(text in ANY_TEXT, key in "[a-z_]{1,12}", value in ANY_TEXT) {
        let path = Path::new("c.toml");
        let _ = crate::config::parse_file(path, &text);
        for section in ["query", "connections.x", "display", "agent", "prices.\"m\""] {
            let file = format!("[{section}]\n{key} = {value}\nstatement_timeout = {value}\n");
            if let Err(error) = crate::config::parse_file(path, &file) {
                let _ = error.to_string();
            }
        }
    }
}
