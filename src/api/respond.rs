//! Shapes of answers that several resources share.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde::Serialize;

use crate::api::extract::etag;
use crate::auth::AuthUser;
use crate::auth::policy::{self, Operation, Owner};
use crate::error::Error;

/// The object-level check for `operation`, for a service function to call once it knows the
/// object's owner.
pub fn checker(
    user: &AuthUser,
    operation: Operation,
) -> impl Fn(Owner) -> Result<(), Error> + Send + 'static {
    let user = user.clone();
    move |owner| policy::authorize_object(&user, operation, owner)
}

/// A single resource with its ETag.
pub fn tagged(status: StatusCode, version: i64, body: impl Serialize) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(("ETag", etag(version)))
        .json(body)
}

/// A complete (unpaged) list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Items<T> {
    pub items: Vec<T>,
    pub total: usize,
}

pub fn items<T: Serialize>(items: Vec<T>) -> HttpResponse {
    let total = items.len();
    HttpResponse::Ok().json(Items { items, total })
}
