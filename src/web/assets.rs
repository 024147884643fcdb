//! The stylesheet and the one small script, built into the binary and served under a name
//! with their content hash, so browsers may keep them for a year.

use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::error::Error;
use crate::i18n::Label;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "app.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../assets/app.css"),
    },
    Asset {
        name: "app.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../assets/app.js"),
    },
];

/// FNV-1a over the content: stable, short, enough to tell versions apart.
fn content_hash(body: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in body {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:012x}", hash & 0xffff_ffff_ffff)
}

/// (hashed file name, asset)
static HASHED: LazyLock<Vec<(String, &'static Asset)>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|asset| {
            let (stem, extension) = asset.name.split_once('.').unwrap_or((asset.name, ""));
            (
                format!("{stem}.{}.{extension}", content_hash(asset.body)),
                asset,
            )
        })
        .collect()
});

/// The URL of an asset by its plain name (`app.css` → `/static/app.1a2b….css`).
pub fn url(name: &str) -> String {
    HASHED
        .iter()
        .find(|(_, asset)| asset.name == name)
        .map(|(hashed, _)| format!("/static/{hashed}"))
        .unwrap_or_else(|| format!("/static/{name}"))
}

/// GET /static/{file} — the stylesheet and script, by their hashed names. Anyone.
pub async fn file(file: web::Path<String>) -> Result<HttpResponse, Error> {
    let file = file.into_inner();
    let (_, asset) = HASHED
        .iter()
        .find(|(hashed, _)| *hashed == file)
        .ok_or_else(|| Error::not_found_code(Label::StaticFile, &file))?;
    Ok(HttpResponse::Ok()
        .content_type(asset.content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(asset.body))
}
