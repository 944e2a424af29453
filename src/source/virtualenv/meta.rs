//! What the application says about itself: `pyproject.toml` `[project]` (PEP 621), pip's
//! installation report, or the installed distribution's core metadata (`METADATA`), and its
//! license file.

use std::fs;
use std::path::Path;

use serde::Deserialize;

use crate::source::SourceError;

/// What the application says about itself, each field optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppMeta {
    /// Debian-normalised package name.
    pub name: Option<String>,
    /// Debian upstream version (mapped from PEP 440).
    pub version: Option<String>,
    /// Epoch from a PEP 440 `N!` prefix.
    pub epoch: Option<u32>,
    /// One-line summary.
    pub summary: Option<String>,
    /// License name or expression.
    pub license: Option<String>,
    /// Home page.
    pub url: Option<String>,
    /// `Name <email>`.
    pub maintainer: Option<String>,
    /// The text of the application's license file (`LICENSE`, `LICENSE.txt`, `COPYING`, ...).
    pub license_text: Option<String>,
}

/// PEP 503 normalisation, which also yields a valid Debian name for any valid Python name.
pub fn normalize_name(n: &str) -> String {
    let mut out = String::new();
    let mut sep = false;
    for c in n.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

fn version_meta(m: &mut AppMeta, v: &str) {
    let (epoch, v) = crate::version::from_pep440(v);
    m.version = Some(v);
    m.epoch = epoch;
}

#[derive(Deserialize)]
struct Pyproject {
    project: Option<Project>,
}

#[derive(Deserialize)]
struct Project {
    name: Option<String>,
    version: Option<String>,
    description: Option<String>,
    license: Option<toml::Value>,
    #[serde(default)]
    authors: Vec<Person>,
    #[serde(default)]
    maintainers: Vec<Person>,
    urls: Option<std::collections::BTreeMap<String, String>>,
}

#[derive(Deserialize)]
struct Person {
    name: Option<String>,
    email: Option<String>,
}

/// Reads `[project]` from `pyproject.toml` (PEP 621), when present.
pub(super) fn read_pyproject(app: &Path) -> Result<AppMeta, SourceError> {
    let p = app.join("pyproject.toml");
    let Ok(text) = fs::read_to_string(&p) else {
        return Ok(AppMeta::default());
    };
    let doc: Pyproject =
        toml::from_str(&text).map_err(|e| SourceError::Invalid(format!("{}: {e}", p.display())))?;
    let mut m = AppMeta::default();
    let Some(proj) = doc.project else {
        return Ok(m);
    };
    m.name = proj.name.as_deref().map(normalize_name);
    if let Some(v) = &proj.version {
        version_meta(&mut m, v);
    }
    m.summary = proj.description.filter(|s| !s.trim().is_empty());
    m.license = match proj.license {
        Some(toml::Value::String(s)) => Some(s),
        Some(toml::Value::Table(t)) => t
            .get("text")
            .and_then(|v| v.as_str())
            .map(|s| s.lines().next().unwrap_or("").to_string()),
        _ => None,
    };
    m.maintainer = proj
        .maintainers
        .iter()
        .chain(proj.authors.iter())
        .find_map(|p| match (&p.name, &p.email) {
            (Some(n), Some(e)) => Some(format!("{n} <{e}>")),
            (None, Some(e)) if e.contains('<') => Some(e.clone()),
            _ => None,
        });
    if let Some(urls) = proj.urls {
        m.url = [
            "Homepage",
            "homepage",
            "Home",
            "Source",
            "Repository",
            "repository",
        ]
        .iter()
        .find_map(|k| urls.get(*k).cloned());
    }
    Ok(m)
}

#[derive(Deserialize)]
struct Report {
    #[serde(default)]
    install: Vec<ReportItem>,
}

#[derive(Deserialize)]
struct ReportItem {
    download_info: Option<DownloadInfo>,
    #[serde(default)]
    is_direct: bool,
    metadata: ReportMeta,
}

#[derive(Deserialize)]
struct DownloadInfo {
    url: String,
}

/// Core metadata fields pkgr reads (pip's report spells them in snake case).
#[derive(Deserialize)]
pub(crate) struct ReportMeta {
    /// `Name`, as the distribution spells it.
    pub(crate) name: String,
    /// `Version` (PEP 440).
    pub(crate) version: String,
    summary: Option<String>,
    license: Option<String>,
    license_expression: Option<String>,
    home_page: Option<String>,
    #[serde(default)]
    project_url: Vec<String>,
    author: Option<String>,
    author_email: Option<String>,
    maintainer: Option<String>,
    maintainer_email: Option<String>,
    /// `Requires-Dist` lines (PEP 508), in file order.
    #[serde(default)]
    pub(crate) requires_dist: Vec<String>,
    /// `Requires-Python` (PEP 440 specifiers).
    pub(crate) requires_python: Option<String>,
}

/// The application's metadata from pip's installation report (pip ≥ 22.2).
pub(super) fn report_meta(report: &Path, app: &Path) -> Option<AppMeta> {
    let text = fs::read_to_string(report).ok()?;
    let r: Report = serde_json::from_str(&text).ok()?;
    let want: Vec<String> = [Some(app.to_path_buf()), app.canonicalize().ok()]
        .into_iter()
        .flatten()
        .map(|p| format!("file://{}", p.display()))
        .collect();
    let item = r
        .install
        .iter()
        .find(|i| {
            i.download_info
                .as_ref()
                .is_some_and(|d| want.iter().any(|w| d.url.trim_end_matches('/') == w))
        })
        .or_else(|| {
            let direct: Vec<&ReportItem> = r.install.iter().filter(|i| i.is_direct).collect();
            (direct.len() == 1).then(|| direct[0])
        })?;
    Some(app_meta(&item.metadata))
}

/// The metadata of the distribution named `name` (compared normalized, PEP 503) that the
/// install made: from pip's report when there is one, else from its `METADATA` in the venv
/// (uv writes no report). For a package spec given as the application (`httpie==3.2.3`).
pub(super) fn named_meta(report: Option<&Path>, venv: &Path, name: &str) -> Option<AppMeta> {
    let want = normalize_name(name);
    if let Some(r) = report.and_then(|r| fs::read_to_string(r).ok()) {
        let r: Report = serde_json::from_str(&r).ok()?;
        return r
            .install
            .iter()
            .find(|i| normalize_name(&i.metadata.name) == want)
            .map(|i| app_meta(&i.metadata));
    }
    for lib in fs::read_dir(venv.join("lib")).ok()?.flatten() {
        let Ok(dists) = fs::read_dir(lib.path().join("site-packages")) else {
            continue;
        };
        for d in dists.flatten() {
            let dir = d.path();
            if !dir.to_string_lossy().ends_with(".dist-info") {
                continue;
            }
            let Some(md) = fs::read_to_string(dir.join("METADATA"))
                .ok()
                .and_then(|t| parse_core_metadata(&t))
            else {
                continue;
            };
            if normalize_name(&md.name) == want {
                return Some(app_meta(&md));
            }
        }
    }
    None
}

/// The application's metadata from the venv itself: the `METADATA` (core metadata, RFC 822
/// headers) of the distribution whose `direct_url.json` (PEP 610) names `app` with a `file://`
/// URL, as uv and pip both record a local directory install.
pub(super) fn installed_meta(venv: &Path, app: &Path) -> Option<AppMeta> {
    let want: Vec<String> = [Some(app.to_path_buf()), app.canonicalize().ok()]
        .into_iter()
        .flatten()
        .map(|p| format!("file://{}", p.display()))
        .collect();
    for lib in fs::read_dir(venv.join("lib")).ok()?.flatten() {
        let site = lib.path().join("site-packages");
        let Ok(dists) = fs::read_dir(&site) else {
            continue;
        };
        for d in dists.flatten() {
            let dir = d.path();
            if !dir.to_string_lossy().ends_with(".dist-info") {
                continue;
            }
            let Ok(text) = fs::read_to_string(dir.join("direct_url.json")) else {
                continue;
            };
            let Ok(url) = serde_json::from_str::<DownloadInfo>(&text) else {
                continue;
            };
            if !want.iter().any(|w| url.url.trim_end_matches('/') == w) {
                continue;
            }
            let metadata = fs::read_to_string(dir.join("METADATA")).ok()?;
            return Some(app_meta(&parse_core_metadata(&metadata)?));
        }
    }
    None
}

/// Parses core metadata (`METADATA`/`PKG-INFO`: RFC 822 headers, continuation lines start with
/// whitespace, the body after the first blank line is the description) into the report's shape.
/// `None` without `Name` and `Version`.
pub(crate) fn parse_core_metadata(text: &str) -> Option<ReportMeta> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = fields.last_mut() {
                v.push('\n');
                v.push_str(line.trim());
            }
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            fields.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let get = |k: &str| fields.iter().find(|(f, _)| f == k).map(|(_, v)| v.clone());
    Some(ReportMeta {
        name: get("name")?,
        version: get("version")?,
        summary: get("summary"),
        license: get("license"),
        license_expression: get("license-expression"),
        home_page: get("home-page"),
        project_url: fields
            .iter()
            .filter(|(f, _)| f == "project-url")
            .map(|(_, v)| v.clone())
            .collect(),
        author: get("author"),
        author_email: get("author-email"),
        maintainer: get("maintainer"),
        maintainer_email: get("maintainer-email"),
        requires_dist: fields
            .iter()
            .filter(|(f, _)| f == "requires-dist")
            .map(|(_, v)| v.clone())
            .collect(),
        requires_python: get("requires-python"),
    })
}

/// [`AppMeta`] from core metadata, however it was read.
pub(crate) fn app_meta(md: &ReportMeta) -> AppMeta {
    let mut m = AppMeta {
        name: Some(normalize_name(&md.name)),
        summary: md
            .summary
            .clone()
            .filter(|s| !s.trim().is_empty() && s != "UNKNOWN"),
        license: md
            .license_expression
            .clone()
            .or_else(|| {
                md.license
                    .clone()
                    .map(|l| l.lines().next().unwrap_or("").to_string())
            })
            .filter(|s| !s.trim().is_empty() && s != "UNKNOWN"),
        url: md.home_page.clone().filter(|s| !s.is_empty()).or_else(|| {
            md.project_url.iter().find_map(|u| {
                let (label, url) = u.split_once(',')?;
                label
                    .trim()
                    .eq_ignore_ascii_case("homepage")
                    .then(|| url.trim().to_string())
            })
        }),
        maintainer: person(&md.maintainer, &md.maintainer_email)
            .or_else(|| person(&md.author, &md.author_email)),
        ..Default::default()
    };
    version_meta(&mut m, &md.version);
    m
}

/// `Name <email>` from core-metadata `Author`/`Author-email` (the email field may already be
/// `Name <email>`, possibly several, comma-separated).
fn person(name: &Option<String>, email: &Option<String>) -> Option<String> {
    let email = email.as_deref()?.split(',').next()?.trim();
    if email.contains('<') {
        return Some(email.trim_matches('"').replace('"', ""));
    }
    let name = name.as_deref().filter(|n| !n.trim().is_empty())?;
    Some(format!("{} <{email}>", name.trim()))
}

/// Fills `m`'s missing fields from `other`.
pub(super) fn fill(m: &mut AppMeta, other: AppMeta) {
    if m.name.is_none() {
        m.name = other.name;
    }
    if m.version.is_none() {
        m.version = other.version;
        m.epoch = other.epoch;
    }
    m.summary = m.summary.take().or(other.summary);
    m.license = m.license.take().or(other.license);
    m.url = m.url.take().or(other.url);
    m.maintainer = m.maintainer.take().or(other.maintainer);
}

/// The first license file found in the application directory.
pub(super) fn license_text(app: &Path) -> Option<String> {
    [
        "LICENSE",
        "LICENSE.txt",
        "LICENSE.md",
        "LICENCE",
        "COPYING",
        "COPYING.txt",
    ]
    .iter()
    .find_map(|n| fs::read_to_string(app.join(n)).ok())
    .filter(|t| !t.trim().is_empty())
}

/// `key = value` from a `pyvenv.cfg` text (site.py's format).
pub fn cfg_value<'a>(cfg: &'a str, key: &str) -> Option<&'a str> {
    cfg.lines().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        (k.trim() == key).then(|| v.trim())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_python_names() {
        assert_eq!(normalize_name("My_App.Name"), "my-app-name");
        assert_eq!(normalize_name("pkgr-hello"), "pkgr-hello");
        assert_eq!(normalize_name("a__b"), "a-b");
    }

    #[test]
    fn reads_pyproject() {
        let d = tempfile::tempdir().unwrap();
        fs::write(
            d.path().join("pyproject.toml"),
            r#"[project]
name = "Hello_World"
version = "1.0rc1"
description = "Says hello"
license = {text = "MIT"}
authors = [{name = "A B", email = "a@example.org"}]
urls = {Homepage = "https://example.org"}
"#,
        )
        .unwrap();
        let m = read_pyproject(d.path()).unwrap();
        assert_eq!(m.name.as_deref(), Some("hello-world"));
        assert_eq!(m.version.as_deref(), Some("1.0.0~rc1"));
        assert_eq!(m.summary.as_deref(), Some("Says hello"));
        assert_eq!(m.license.as_deref(), Some("MIT"));
        assert_eq!(m.maintainer.as_deref(), Some("A B <a@example.org>"));
        assert_eq!(m.url.as_deref(), Some("https://example.org"));
    }

    #[test]
    fn bad_pyproject_is_a_clear_error() {
        let d = tempfile::tempdir().unwrap();
        fs::write(d.path().join("pyproject.toml"), "[project\n").unwrap();
        let e = read_pyproject(d.path()).unwrap_err().to_string();
        assert!(e.contains("pyproject.toml"), "{e}");
    }

    #[test]
    fn people_from_core_metadata() {
        assert_eq!(
            person(&None, &Some("\"A B\" <a@x.org>, C <c@x.org>".into())).as_deref(),
            Some("A B <a@x.org>")
        );
        assert_eq!(
            person(&Some("A".into()), &Some("a@x.org".into())).as_deref(),
            Some("A <a@x.org>")
        );
        assert_eq!(person(&Some("A".into()), &None), None);
    }

    #[test]
    fn core_metadata_as_uv_installs_it() {
        let text = "Metadata-Version: 2.1\nName: pkgr-hello\nVersion: 0.1.0rc1\nSummary: Greets\nAuthor-email: A B <a@x.org>\nLicense: MIT\n  second line\nProject-URL: Homepage, https://example.org\nRequires-Python: >=3.8\nRequires-Dist: six>=1.5\nRequires-Dist: rich; extra == \"color\"\n\nbody: not a field\nRequires-Dist: nope\n";
        let md = parse_core_metadata(text).unwrap();
        assert_eq!(md.requires_dist, ["six>=1.5", "rich; extra == \"color\""]);
        assert_eq!(md.requires_python.as_deref(), Some(">=3.8"));
        assert_eq!(md.license.as_deref(), Some("MIT\nsecond line"));
        let m = app_meta(&md);
        assert_eq!(m.name.as_deref(), Some("pkgr-hello"));
        assert_eq!(m.version.as_deref(), Some("0.1.0~rc1"));
        assert_eq!(m.license.as_deref(), Some("MIT"));
        assert_eq!(m.maintainer.as_deref(), Some("A B <a@x.org>"));
        assert_eq!(m.url.as_deref(), Some("https://example.org"));
        assert!(parse_core_metadata("Name: x\n").is_none());
    }

    #[test]
    fn pyvenv_cfg_values() {
        let cfg = "home = /usr/bin\nversion = 3.11.2\ncommand = /usr/bin/python3 -m venv /tmp/x\n";
        assert_eq!(cfg_value(cfg, "version"), Some("3.11.2"));
        assert_eq!(cfg_value(cfg, "home"), Some("/usr/bin"));
        assert_eq!(cfg_value(cfg, "nope"), None);
    }
}
