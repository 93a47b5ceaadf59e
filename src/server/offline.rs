//! The installable app's service worker, served at `/sw.js`. The script is built once at
//! start-up: the worker's code (`service_worker.js`) under this build's precache list (every
//! file of the build's `pkg` directory, lazily loaded chunks included, and the public files
//! the offline pages need) and a version that is a hash of all of them. A new build changes
//! the script, so browsers install the new worker, which then waits for the user's "reload".

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use std::path::Path;
use std::sync::Arc;

const WORKER_CODE: &str = include_str!("service_worker.js");

/// Public files the worker precaches besides the build's own (beside `pkg`, in the site root).
const PUBLIC_FILES: [&str; 8] = [
    "/offline-store.js",
    "/offline.js",
    "/manifest.webmanifest",
    "/favicon.svg",
    "/icons/icon-192.png",
    "/icons/icon-512.png",
    "/icons/icon-maskable-512.png",
    "/icons/apple-touch-icon.png",
];

/// The worker may fetch and import from this site only.
const WORKER_POLICY: &str = "default-src 'self'";

#[derive(Clone)]
pub struct ServiceWorker(Arc<str>);

impl ServiceWorker {
    /// Reads the build in `site_root`: the files under `pkg_dir` that belong to this build
    /// (`current` tells the main files of an older build, still lying there, apart).
    pub fn for_site(site_root: &Path, pkg_dir: &str, current: impl Fn(&str) -> bool) -> Self {
        let mut files: Vec<String> = build_files(&site_root.join(pkg_dir))
            .into_iter()
            .map(|name| format!("/{pkg_dir}/{name}"))
            .filter(|path| loaded_by_browsers(path) && current(path))
            .collect();
        files.extend(PUBLIC_FILES.iter().map(|path| path.to_string()));
        files.retain(|path| site_root.join(path.trim_start_matches('/')).is_file());
        files.sort();
        ServiceWorker(script(site_root, &files).into())
    }

    pub fn script(&self) -> &str {
        &self.0
    }

    /// `GET /sw.js`: always revalidated, so a new build is noticed on the next visit.
    pub fn response(&self) -> Response {
        serve(self.script())
    }
}

/// Not the TypeScript declarations (for editors) nor the precompressed copies (`.br`,
/// `.gz`: the server picks them by `Accept-Encoding` for the plain name).
fn loaded_by_browsers(path: &str) -> bool {
    ![".d.ts", ".br", ".gz"]
        .iter()
        .any(|end| path.ends_with(end))
}

/// File names under `dir`, one level of subdirectories included (wasm-bindgen snippets).
fn build_files(dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return names;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if path.is_file() {
            names.push(name);
        } else if path.is_dir() {
            names.extend(
                build_files(&path)
                    .into_iter()
                    .map(|inner| format!("{name}/{inner}")),
            );
        }
    }
    names
}

/// The version is a hash of the worker's code and of every precached file's path and
/// content: it changes exactly when what the worker would serve changes.
fn script(site_root: &Path, files: &[String]) -> String {
    use blake2::{Blake2s256, Digest};
    let mut hash = Blake2s256::new();
    hash.update(WORKER_CODE);
    for path in files {
        hash.update(path);
        let content = std::fs::read(site_root.join(path.trim_start_matches('/')));
        hash.update(content.unwrap_or_default());
    }
    let version: String = hash.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let list = files
        .iter()
        .map(|path| format!("  {path:?},"))
        .collect::<Vec<_>>()
        .join("\n");
    format!("const VERSION = {version:?};\nconst PRECACHE = [\n{list}\n];\n\n{WORKER_CODE}")
}

fn serve(script: &str) -> Response {
    let mut response = script.to_string().into_response();
    let headers = response.headers_mut();
    let fixed = HeaderValue::from_static;
    headers.insert(
        header::CONTENT_TYPE,
        fixed("text/javascript; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, fixed("no-cache"));
    headers.insert(header::CONTENT_SECURITY_POLICY, fixed(WORKER_POLICY));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, content) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }
        dir
    }

    #[test]
    fn the_worker_precaches_this_build_and_its_version_follows_the_content() {
        let dir = site(&[
            ("pkg/app.new.wasm", "new"),
            ("pkg/app.old.wasm", "old"),
            ("pkg/chunk_1.wasm", "chunk"),
            ("pkg/chunk_1.wasm.br", "compressed"),
            ("pkg/app.d.ts", "types"),
            ("offline.js", "js"),
        ]);
        let current = |path: &str| !path.contains(".old.");
        let worker = ServiceWorker::for_site(dir.path(), "pkg", current);
        let text = worker.script();
        assert!(text.contains("\"/pkg/app.new.wasm\""), "{text}");
        assert!(text.contains("\"/pkg/chunk_1.wasm\""));
        assert!(text.contains("\"/offline.js\""));
        assert!(!text.contains("app.old"));
        assert!(!text.contains(".br\"") && !text.contains(".d.ts"));
        // Listed public files that are missing are left out.
        assert!(!text.contains("icon-512"));
        std::fs::write(dir.path().join("pkg/chunk_1.wasm"), "changed").unwrap();
        let rebuilt = ServiceWorker::for_site(dir.path(), "pkg", current);
        let version = |s: &str| s.lines().next().unwrap().to_string();
        assert_ne!(version(text), version(rebuilt.script()));
    }
}
