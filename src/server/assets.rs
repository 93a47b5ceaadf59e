//! The build's file names. With `hash-files` (Cargo.toml), cargo-leptos renames the WASM, JS
//! and CSS to include a hash of their content and writes the hashes to `hash.txt` beside the
//! server binary; Leptos reads the same file for the script names. Hashed names change with
//! every build, so those files can be cached by browsers for good.

use std::collections::HashMap;
use std::sync::LazyLock;

/// `extension -> hash`, e.g. `css -> "Jk3...`", or empty for a build without hashes.
static HASHES: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    let path = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")));
    let text = path
        .and_then(|path| std::fs::read_to_string(path).ok())
        .unwrap_or_default();
    text.lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(kind, hash)| (kind.trim().to_string(), hash.trim().to_string()))
        .collect()
});

/// Whether this build's files have hashed names.
pub fn hashed() -> bool {
    !HASHES.is_empty()
}

/// The site path of the build's file with `extension` (`/pkg/appointments.<hash>.css`).
pub fn pkg_file(pkg_dir: &str, output_name: &str, extension: &str) -> String {
    match HASHES.get(extension) {
        Some(hash) => format!("/{pkg_dir}/{output_name}.{hash}.{extension}"),
        None => format!("/{pkg_dir}/{output_name}.{extension}"),
    }
}

/// Whether a file under the pkg directory belongs to this build: older builds' main files
/// (`<output_name>.<old hash>.<ext>`) may still lie beside this build's.
pub fn is_current(pkg_dir: &str, output_name: &str, path: &str) -> bool {
    let prefix = format!("/{pkg_dir}/{output_name}.");
    let Some(rest) = path.strip_prefix(&prefix) else {
        return true;
    };
    match rest.rsplit_once('.') {
        Some((_, extension)) if HASHES.contains_key(extension) => {
            path == pkg_file(pkg_dir, output_name, extension)
        }
        _ => true,
    }
}
