//! `-s rpm FILE.rpm`: an RPM package converted (fpm's `-s rpm`). The rpm reader (`pkgr
//! inspect`'s) reads the header and streams the cpio payload into a staging directory; the
//! model gets every file with its mode and owner (hard-link sets kept), `%config` files as
//! configuration files, the `%pre`/`%post`/`%preun`/`%postun` scriptlets (still run with rpm's
//! `$1`, translated by formats with other conventions), the dependencies without the
//! capabilities rpmbuild generates (see [`super::convert::relations`]), and the metadata
//! (`Epoch`, `Version`, `Release`; `Group` as the category). `%ghost` files, which the payload
//! does not hold, trigger scriptlets and Lua scriptlets are named in a warning.

use super::convert::{self, meta, relations, Placement};
use super::{Input, Output, Source, SourceError};
use crate::format::FormatKind;
use crate::model::Package;
use crate::options::options;

/// Options of `-s rpm` (none of its own: `--package-scripts` is declared with `-s deb`'s).
#[derive(
    Debug, Clone, Default, PartialEq, Eq, clap::Args, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
#[group(id = "rpm-source-options")]
pub struct Args {}

options!(Args {});

/// The rpm source.
pub struct Rpm;

impl Source for Rpm {
    /// # Errors
    /// [`SourceError`]: not one PATH, not an rpm, damaged or truncated, an unsafe member, or
    /// dependencies that do not parse.
    fn read(&self, input: &Input) -> Result<Output, SourceError> {
        let unpacked = convert::open_package(input, FormatKind::Rpm)?;
        let insp = &unpacked.inspection;
        let meta = meta::metadata(insp, "-s rpm")?;
        let mut package = Package {
            relations: relations::rpm(insp, &meta.name, input.listener)?,
            ..Package::default()
        };
        if convert::wants_scripts(input, insp, "-s rpm") {
            package.scripts = meta::rpm_scripts(insp, &meta.name, input.listener);
        }
        package.meta = meta;
        let place = Placement::package(input.excludes);
        let mut ghosts = Vec::new();
        package.entries = convert::entries(&unpacked, &place, &mut ghosts)?;
        if !ghosts.is_empty() {
            input.listener.warning(&format!(
                "-s rpm: %ghost files are not carried over (the payload has no data for them, and the formats pkgr writes have no such entry): {}",
                ghosts.join(", ")
            ));
        }
        Ok(Output {
            package,
            staging: Some(unpacked.staging),
        })
    }
}
