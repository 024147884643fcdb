//! The one-way flow of ARCHITECTURE.md, checked on the source: a module may use modules of its
//! own layer and the layers below it, never one above. A new top-level module must be given a
//! layer here (and in ARCHITECTURE.md) before the test passes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The layers, lowest first. Modules in one layer may use each other.
const LAYERS: &[&[&str]] = &[
    // Rules without IO, and the JSON shapes of times.
    &["domain", "json"],
    // Messages as codes with their texts per language.
    &["i18n"],
    // The one error type.
    &["error"],
    // Settings and the database: connections, schema, models, the write path.
    &["config", "db"],
    // Who the caller is and what they may do.
    &["auth"],
    // The services, the report builder and the seeds: one transaction per call, no HTTP.
    &["service", "reports", "seed"],
    // What the HTTP handlers share.
    &["state", "telemetry"],
    // Work on a schedule, beside the handlers.
    &["scheduler"],
    // HTTP: the API and the dashboard.
    &["api", "web"],
    // Entry points: the server's assembly and the command line.
    &["startup", "cli"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read the source directory") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/service/actions.rs` → `service`).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.trim_end_matches(".rs");
    (!matches!(name, "lib" | "main")).then(|| name.to_string())
}

/// The top-level modules a piece of source names as `crate::x`, `use crate::{x, y::z}` included.
fn used_modules(source: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    let mut rest = source;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        if let Some(list) = after.strip_prefix('{') {
            let end = list.find('}').unwrap_or(list.len());
            for item in list[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    used.insert(name);
                }
            }
        } else {
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                used.insert(name);
            }
        }
        rest = after;
    }
    used
}

/// The source without its test modules (tests may reach anywhere) and comments.
fn code_of(source: &str) -> String {
    let code = source.split("#[cfg(test)]").next().unwrap_or(source);
    code.lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn no_module_uses_a_layer_above_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let modules: BTreeSet<String> = files.iter().filter_map(|f| module_of(&src, f)).collect();
    let mut violations = Vec::new();
    let mut unplaced = BTreeSet::new();
    for file in &files {
        let Some(module) = module_of(&src, file) else {
            continue;
        };
        let Some(own) = layer_of(&module) else {
            unplaced.insert(module);
            continue;
        };
        let source = std::fs::read_to_string(file).expect("read a source file");
        // Names at the crate root that are no module (macros such as `with_backend!`) are
        // not layers.
        let used = used_modules(&code_of(&source));
        for used in used.into_iter().filter(|name| modules.contains(name)) {
            match layer_of(&used) {
                Some(layer) if layer > own => violations.push(format!(
                    "{} ({module}, layer {own}) uses `{used}` (layer {layer})",
                    file.strip_prefix(&src).unwrap_or(file).display()
                )),
                Some(_) => {}
                None => {
                    unplaced.insert(used);
                }
            }
        }
    }
    assert!(
        unplaced.is_empty(),
        "modules without a layer in ARCHITECTURE.md and tests/it/architecture.rs: {unplaced:?}"
    );
    assert!(
        violations.is_empty(),
        "lower layers use higher ones:\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_checker_sees_plain_and_grouped_uses() {
    let used = used_modules("use crate::{db::x, error::Error};\nlet a = crate::web::render();");
    assert_eq!(
        used.into_iter().collect::<Vec<_>>(),
        vec!["db".to_string(), "error".into(), "web".into()]
    );
    assert_eq!(layer_of("domain"), Some(0));
    assert!(layer_of("web") > layer_of("service"));
}
