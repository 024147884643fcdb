//! Authentication and authorisation: password hashing now; tokens, the `AuthUser` extractor and
//! the permission policy arrive with the auth issue.

pub mod password;
