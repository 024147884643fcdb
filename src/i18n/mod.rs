//! Every message the application gives (errors above all) as a code with parameters
//! ([`Msg`]), rendered in the reader's language from one table per language ([`nl`], [`en`]).
//! Nothing here does IO; everything above `domain` may use it.

pub mod en;
pub mod messages;
pub mod nl;

pub use crate::domain::lang::Lang;
pub use messages::{Label, Msg, Param};

/// The title of a problem type (`title.not_found`) in `lang`.
pub fn lookup_title(lang: Lang, key: &str) -> String {
    messages::lookup(lang, key).unwrap_or(key).to_string()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::messages::{lookup, placeholders};
    use super::*;

    const LANGS: [(Lang, &[(&str, &str)]); 2] = [(Lang::Nl, nl::TEXTS), (Lang::En, en::TEXTS)];

    #[test]
    fn every_code_has_a_dutch_and_an_english_text_with_its_parameters() {
        for (code, params) in Msg::CODES {
            for (lang, _) in LANGS {
                let text = lookup(lang, code)
                    .unwrap_or_else(|| panic!("the {lang:?} table has no text for `{code}`"));
                assert!(!text.trim().is_empty(), "`{code}` is empty in {lang:?}");
                for name in placeholders(text) {
                    assert!(
                        params.contains(&name),
                        "the {lang:?} text of `{code}` has {{{name}}}, which is not one of its parameters {params:?}"
                    );
                }
            }
        }
        for label in Label::ALL {
            for (lang, _) in LANGS {
                assert!(
                    lookup(lang, label.key()).is_some(),
                    "the {lang:?} table has no word for `{}`",
                    label.key()
                );
            }
        }
    }

    #[test]
    fn the_tables_hold_nothing_else_and_nothing_twice() {
        let codes: HashSet<&str> = Msg::CODES.iter().map(|(code, _)| *code).collect();
        let labels: HashSet<&str> = Label::ALL.iter().map(|l| l.key()).collect();
        for (lang, table) in LANGS {
            let mut seen = HashSet::new();
            for (key, _) in table {
                assert!(seen.insert(*key), "`{key}` is twice in the {lang:?} table");
                assert!(
                    codes.contains(key) || labels.contains(key) || key.starts_with("title."),
                    "`{key}` in the {lang:?} table is no code, label or title"
                );
            }
        }
        let titles = |table: &[(&str, &str)]| -> HashSet<String> {
            table
                .iter()
                .filter(|(k, _)| k.starts_with("title."))
                .map(|(k, _)| k.to_string())
                .collect()
        };
        assert_eq!(titles(nl::TEXTS), titles(en::TEXTS));
    }

    /// A Dutch reader must never meet an English message: every Dutch text differs from the
    /// English one, but for words that are the same in both languages.
    #[test]
    fn dutch_texts_are_not_the_english_ones() {
        const SAME_IN_BOTH: &[&str] = &["title.conflict", "label.indicator", "label.status"];
        for (key, dutch) in nl::TEXTS {
            if SAME_IN_BOTH.contains(key) {
                continue;
            }
            let english = lookup(Lang::En, key).unwrap_or_default();
            assert_ne!(*dutch, english, "`{key}` is English in the Dutch table");
        }
    }

    #[test]
    fn messages_are_rendered_with_their_parameters_in_the_readers_language() {
        let msg = Msg::Unknown {
            kind: Label::Ministry,
            value: "XYZ".into(),
        };
        assert_eq!(msg.text(Lang::En), "unknown ministry `XYZ`");
        assert_eq!(msg.text(Lang::Nl), "ministerie `XYZ` bestaat niet");
        assert_eq!(msg.code(), "unknown");
        assert_eq!(msg.params_json()["kind"], "ministry");
        let between = Msg::Between { min: 0, max: 100 };
        assert_eq!(between.text(Lang::Nl), "moet tussen 0 en 100 liggen");
    }
}
