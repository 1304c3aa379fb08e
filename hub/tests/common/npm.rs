//! The npm packages the browser and OIDC tests run (`hub/tests/browser`: playwright-core,
//! oidc-provider), installed from the lock file when missing. The tests run as separate
//! processes and share the folder: an exclusive file lock makes one of them install while
//! the others wait, so none runs node over a half-written `node_modules` (`npm ci`
//! deletes it first).

use std::path::{Path, PathBuf};

use tokio::process::Command;

/// A program on the PATH.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// The folder of the npm packages and the scripts that use them.
pub fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// Every package the tests need is there.
fn installed(dir: &Path, packages: &[&str]) -> bool {
    packages.iter().all(|pkg| {
        dir.join("node_modules")
            .join(pkg)
            .join("package.json")
            .is_file()
    })
}

/// Installs the packages of `dir` with `npm ci` unless they are there, one process at a time.
pub async fn npm_ci(dir: &Path) {
    npm_ci_for(dir, &["playwright-core", "oidc-provider"]).await;
}

/// [`npm_ci`] for a folder whose lock file names `packages`.
pub async fn npm_ci_for(dir: &Path, packages: &[&str]) {
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(".npm-ci.lock"))
        .unwrap_or_else(|e| panic!("opening the npm install lock: {e}"));
    let lock = tokio::task::spawn_blocking(move || lock.lock().map(|()| lock))
        .await
        .unwrap_or_else(|e| panic!("waiting for the npm install lock: {e}"))
        .unwrap_or_else(|e| panic!("taking the npm install lock: {e}"));
    if !installed(dir, packages) {
        let npm = which("npm").unwrap_or_else(|| panic!("npm is missing (apt-get install npm)"));
        let out = Command::new(npm)
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(dir)
            .output()
            .await
            .unwrap_or_else(|e| panic!("running npm ci: {e}"));
        assert!(
            out.status.success(),
            "`npm ci` in {} failed (no network to the npm registry?): {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    drop(lock);
}
