//! Password hashing with argon2id at OWASP's recommended parameters (19 MiB, 2 passes, 1 lane),
//! and the strength check of a new password: its length, a list of common (Dutch) passwords and
//! zxcvbn's estimate of how many guesses it takes.

use std::collections::HashSet;
use std::sync::LazyLock;

use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use argon2::{Algorithm, Argon2, Params, Version};
use zxcvbn::feedback::Warning;
use zxcvbn::matching::patterns::MatchPattern;

use crate::i18n::Msg;

/// Shortest password accepted (NIST SP 800-63B asks for at least 8; we ask a little more).
pub const MIN_PASSWORD_LENGTH: usize = 10;
pub const MAX_PASSWORD_LENGTH: usize = 1024;

/// Lowest zxcvbn score accepted: 3 means more than 10^8 guesses ("safely unguessable" for an
/// attacker who must go through the login throttle; a stolen argon2id hash costs far more per
/// guess than the 10^4 a second zxcvbn assumes for a slow hash).
pub const MIN_SCORE: zxcvbn::Score = zxcvbn::Score::Three;

fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or(Params::DEFAULT);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PasswordError {
    #[error("password must be at least {MIN_PASSWORD_LENGTH} characters")]
    TooShort,
    #[error("password must be at most {MAX_PASSWORD_LENGTH} characters")]
    TooLong,
    #[error("password is a common password or close to one")]
    Common,
    #[error("password is built on the username or name")]
    HasName,
    #[error("password is a sequence, repetition, keyboard pattern, year or date")]
    Pattern,
    #[error("password is too easy to guess")]
    Guessable,
    #[error("password hashing failed")]
    Hash,
}

impl From<PasswordError> for Msg {
    fn from(err: PasswordError) -> Self {
        match err {
            PasswordError::TooShort => Msg::PasswordTooShort {
                min: MIN_PASSWORD_LENGTH,
            },
            PasswordError::TooLong => Msg::PasswordTooLong {
                max: MAX_PASSWORD_LENGTH,
            },
            PasswordError::Common => Msg::PasswordCommon,
            PasswordError::HasName => Msg::PasswordHasName,
            PasswordError::Pattern => Msg::PasswordPattern,
            PasswordError::Guessable => Msg::PasswordGuessable,
            PasswordError::Hash => Msg::Internal,
        }
    }
}

/// The length rule alone (what `hash` insists on; generated passwords need no more).
fn check_length(password: &str) -> Result<(), PasswordError> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_LENGTH {
        Err(PasswordError::TooShort)
    } else if length > MAX_PASSWORD_LENGTH {
        Err(PasswordError::TooLong)
    } else {
        Ok(())
    }
}

/// A password as the common list compares it: lower case, without spaces, dots, dashes and
/// underscores, and without the digits and punctuation people put before and after a word.
fn normalized(password: &str) -> String {
    password
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '.' | '-' | '_'))
        .collect::<String>()
        .trim_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation())
        .to_string()
}

/// `common_passwords.txt`, normalized: the set to look a password up in, and the stems of four
/// letters or more in rank order, for zxcvbn to find inside a longer password.
struct CommonPasswords {
    set: HashSet<String>,
    stems: Vec<String>,
}

static COMMON: LazyLock<CommonPasswords> = LazyLock::new(|| {
    let mut set = HashSet::new();
    let mut stems = Vec::new();
    for line in include_str!("common_passwords.txt").lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let stem = normalized(line);
        if !stem.is_empty() && set.insert(stem.clone()) && stem.chars().count() >= 4 {
            stems.push(stem);
        }
    }
    CommonPasswords { set, stems }
});

/// True when `password` is on the common list once normalized (`Welkom01!` is `welkom`).
pub fn is_common(password: &str) -> bool {
    let stem = normalized(password);
    !stem.is_empty() && COMMON.set.contains(&stem)
}

/// The words of the user's own names (username, display name, the parts of an e-mail address),
/// lower case, three letters or more: zxcvbn ranks them as the first guesses.
fn user_words(user_inputs: &[&str]) -> Vec<String> {
    let mut words = Vec::new();
    for input in user_inputs {
        let input = input.to_lowercase();
        let parts = input.split(|c: char| !c.is_alphanumeric());
        for word in std::iter::once(input.as_str()).chain(parts) {
            if word.chars().count() >= 3 && !words.iter().any(|w| w == word) {
                words.push(word.to_string());
            }
        }
    }
    words
}

/// Checks a new password: its length, the common list, and zxcvbn's score (at least
/// [`MIN_SCORE`]) with the user's own names (`user_inputs`: username, display name, e-mail) and
/// the common list's stems as the first guesses. Blocking for up to a few milliseconds: zxcvbn
/// reads at most the first 100 characters.
pub fn check_strength(password: &str, user_inputs: &[&str]) -> Result<(), PasswordError> {
    check_length(password)?;
    if is_common(password) {
        return Err(PasswordError::Common);
    }
    let names = user_words(user_inputs);
    let guesses: Vec<&str> = names
        .iter()
        .chain(COMMON.stems.iter())
        .map(String::as_str)
        .collect();
    let estimate = zxcvbn::zxcvbn(password, &guesses);
    if estimate.score() < MIN_SCORE {
        return Err(weakness(&estimate, &names));
    }
    // A score just over the line can still be little more than the user's name (`pietjanssen1!`
    // scores 3): a password at least half of which is their names is refused all the same.
    if 2 * name_chars(&estimate, &names) >= password.chars().count().min(100) {
        return Err(PasswordError::HasName);
    }
    Ok(())
}

/// The words zxcvbn found in its dictionaries (ours among them), with the characters each
/// covers.
fn dictionary_words(estimate: &zxcvbn::Entropy) -> impl Iterator<Item = (&str, usize)> {
    estimate
        .sequence()
        .iter()
        .filter_map(|found| match &found.pattern {
            MatchPattern::Dictionary(word) => {
                Some((word.matched_word.as_str(), found.j + 1 - found.i))
            }
            _ => None,
        })
}

/// How many characters of the password are the user's own names.
fn name_chars(estimate: &zxcvbn::Entropy, names: &[String]) -> usize {
    dictionary_words(estimate)
        .filter(|(word, _)| names.iter().any(|name| name == word))
        .map(|(_, chars)| chars)
        .sum()
}

/// Why a password zxcvbn scores too low is weak, in our words: the words it found (the user's
/// names, then a common stem, also reversed or in l33t), else zxcvbn's own warning.
fn weakness(estimate: &zxcvbn::Entropy, names: &[String]) -> PasswordError {
    if name_chars(estimate, names) > 0 {
        return PasswordError::HasName;
    }
    if dictionary_words(estimate).any(|(word, _)| COMMON.set.contains(word)) {
        return PasswordError::Common;
    }
    match estimate.feedback().and_then(|feedback| feedback.warning()) {
        Some(
            Warning::ThisIsATop10Password
            | Warning::ThisIsATop100Password
            | Warning::ThisIsACommonPassword
            | Warning::ThisIsSimilarToACommonlyUsedPassword,
        ) => PasswordError::Common,
        Some(
            Warning::StraightRowsOfKeysAreEasyToGuess
            | Warning::ShortKeyboardPatternsAreEasyToGuess
            | Warning::RepeatsLikeAaaAreEasyToGuess
            | Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess
            | Warning::SequencesLikeAbcAreEasyToGuess
            | Warning::RecentYearsAreEasyToGuess
            | Warning::DatesAreOftenEasyToGuess,
        ) => PasswordError::Pattern,
        _ => PasswordError::Guessable,
    }
}

/// Hashes a password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`). Blocking: ~20–80 ms.
pub fn hash(password: &str) -> Result<String, PasswordError> {
    check_length(password)?;
    hasher()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|_| PasswordError::Hash)
}

/// True when `password` matches `stored`. A malformed stored hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash of a random password, for equal-time checks of unknown usernames.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let mut bytes = [0u8; 24];
        let _ = getrandom::fill(&mut bytes);
        hash(&hex::encode(bytes)).unwrap_or_default()
    })
}

/// A random password for generated accounts (demo users): 20 characters, no look-alikes.
pub fn generate() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    let _ = getrandom::fill(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored = hash("correct horse battery").unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("correct horse battery", &stored));
        assert!(!verify("correct horse batterY", &stored));
        assert!(!verify("correct horse battery", "not a hash"));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert_eq!(hash("short"), Err(PasswordError::TooShort));
        assert_eq!(generate().len(), 20);
    }

    #[test]
    fn a_sentence_of_a_few_words_is_strong_enough() {
        for password in [
            "een lang genoeg wachtwoord",
            "paard staat op het dak",
            "Tulpen en klompen",
            "correct horse battery",
        ] {
            assert_eq!(check_strength(password, &["beheer"]), Ok(()), "{password}");
        }
        assert_eq!(check_strength(&generate(), &[]), Ok(()));
    }

    #[test]
    fn common_dutch_passwords_are_refused_in_any_case_and_with_digits_added() {
        for password in [
            "welkom01",
            "Welkom01!!",
            "WACHTWOORD",
            "wachtwoord123",
            "Voorjaar2021",
            "amsterdam1!",
            "Feyenoord2024",
            "password123",
            "qwertyuiop",
            "Zomer 2025!",
            "2024-ajax-!!",
        ] {
            assert!(is_common(password), "{password} is on the list");
            if password.chars().count() >= MIN_PASSWORD_LENGTH {
                assert_eq!(
                    check_strength(password, &[]),
                    Err(PasswordError::Common),
                    "{password}"
                );
            }
        }
        assert!(!is_common("een lang genoeg wachtwoord"));
        assert!(
            !is_common("1234567890"),
            "digits alone are zxcvbn's to judge"
        );
    }

    #[test]
    fn the_list_is_a_few_hundred_stems_and_zxcvbn_finds_them_inside_longer_passwords() {
        assert!(
            (300..=600).contains(&COMMON.set.len()),
            "{}",
            COMMON.set.len()
        );
        assert_eq!(
            check_strength("W@chtw00rd!", &[]),
            Err(PasswordError::Common)
        );
        assert_eq!(
            check_strength("welkomfeyenoord", &[]),
            Err(PasswordError::Common)
        );
    }

    #[test]
    fn the_users_own_names_make_a_password_weak() {
        assert_eq!(
            check_strength("janssen.bzk2024", &["janssen.bzk", "Piet Janssen"]),
            Err(PasswordError::HasName)
        );
        assert_eq!(
            check_strength("pietjanssen1!", &["pj@minbzk.nl", "Piet Janssen"]),
            Err(PasswordError::HasName)
        );
        assert_eq!(check_strength("pietjanssen1!", &[]), Ok(()));
        assert_eq!(
            check_strength("piet janssen en de kat van de buren", &["Piet Janssen"]),
            Ok(()),
            "a name in a long sentence is fine"
        );
    }

    #[test]
    fn patterns_and_plain_guessable_passwords_say_why() {
        assert_eq!(
            check_strength("abcdefghijk", &[]),
            Err(PasswordError::Pattern)
        );
        assert_eq!(
            check_strength("1111111111", &[]),
            Err(PasswordError::Pattern)
        );
        assert_eq!(Msg::from(PasswordError::Pattern).code(), "password_pattern");
    }
}
