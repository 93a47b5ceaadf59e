//! The installable app's service worker, served at `/sw.js`. The script is built once at
//! start-up: the worker's code (`service_worker.js`) under this build's precache list (every
//! file of the build's `pkg` directory, lazily loaded chunks included, and the public files
//! the offline pages need) and a version that is a hash of all of them. A new build changes
//! the script, so browsers install the new worker, which then waits for the user's "reload".

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

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

/// Which of a build's files belong to it (see `assets::is_current`).
type Current = Box<dyn Fn(&str) -> bool + Send + Sync>;

/// The worker of one site root. Its script is made on the first `GET /sw.js`, not at
/// start-up: reading and hashing the build (megabytes) is work most processes, and every
/// test server, never need.
#[derive(Clone)]
pub struct ServiceWorker(Arc<Site>);

struct Site {
    root: PathBuf,
    pkg_dir: String,
    current: Current,
    script: OnceLock<String>,
}

impl ServiceWorker {
    /// The build in `site_root`: the files under `pkg_dir` that belong to this build
    /// (`current` tells the main files of an older build, still lying there, apart).
    pub fn for_site(
        site_root: &Path,
        pkg_dir: &str,
        current: impl Fn(&str) -> bool + Send + Sync + 'static,
    ) -> Self {
        ServiceWorker(Arc::new(Site {
            root: site_root.to_path_buf(),
            pkg_dir: pkg_dir.to_string(),
            current: Box::new(current),
            script: OnceLock::new(),
        }))
    }

    pub fn script(&self) -> &str {
        let site = &self.0;
        site.script.get_or_init(|| site.script())
    }

    /// `GET /sw.js`: always revalidated, so a new build is noticed on the next visit.
    pub fn response(&self) -> Response {
        let mut response = self.script().to_string().into_response();
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
}

impl Site {
    /// The precache list is this build's pkg files and the public files that exist. The
    /// version is a hash of the worker's code and of every listed file's path and content:
    /// it changes exactly when what the worker would serve changes.
    fn script(&self) -> String {
        use blake2::{Blake2s256, Digest};
        let pkg_dir = &self.pkg_dir;
        let mut paths: Vec<String> = build_files(&self.root.join(pkg_dir))
            .into_iter()
            .map(|name| format!("/{pkg_dir}/{name}"))
            .filter(|path| loaded_by_browsers(path) && (self.current)(path))
            .chain(PUBLIC_FILES.iter().map(|path| path.to_string()))
            .collect();
        paths.sort();
        let mut hash = Blake2s256::new();
        hash.update(WORKER_CODE);
        // Each file is read once: a public file that is missing is left out.
        paths.retain(|path| match std::fs::read(self.root.join(&path[1..])) {
            Ok(content) => {
                hash.update(path);
                hash.update(content);
                true
            }
            Err(_) => false,
        });
        let version = super::hex(&hash.finalize()[..8]);
        let list = paths
            .iter()
            .map(|path| format!("  {path:?},"))
            .collect::<Vec<_>>()
            .join("\n");
        format!("const VERSION = {version:?};\nconst PRECACHE = [\n{list}\n];\n\n{WORKER_CODE}")
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
