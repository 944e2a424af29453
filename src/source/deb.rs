//! `-s deb FILE.deb`: a Debian binary package converted (fpm's `-s deb`). The deb reader
//! (`pkgr inspect`'s) streams its `data.tar` into a staging directory; the model gets every
//! file with its mode and owner, the `conffiles` as configuration files, the maintainer scripts
//! (still run with dpkg's arguments, translated by formats with other conventions), the
//! relationship fields, and the metadata (`Version` split into epoch, version and revision;
//! the license from the DEP-5 `copyright` file). What pkgr does not write (triggers, debconf,
//! `Breaks`, `Enhances`) is named in a warning. See [`super::convert`].

use super::convert::{self, meta, relations, Placement};
use super::{Input, Output, Source, SourceError};
use crate::format::FormatKind;
use crate::model::Package;
use crate::options::options;

/// Options of the conversion sources `-s deb` and `-s rpm` (declared once, here).
#[derive(
    Debug, Clone, Default, PartialEq, Eq, clap::Args, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
#[command(next_help_heading = "-s deb, -s rpm")]
#[group(id = "deb-source-options")]
pub struct Args {
    /// Carry the converted package's maintainer scripts over (default true). `=false` leaves
    /// them out, as alien does without --scripts: a deb's scripts often call dpkg's helpers,
    /// which RPM distributions lack, and a failing script stops the install.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL")]
    pub package_scripts: Option<bool>,
}

options!(Args { package_scripts });

/// The deb source.
pub struct Deb;

impl Source for Deb {
    /// # Errors
    /// [`SourceError`]: not one PATH, not a deb, damaged, an unsafe member, or relations that
    /// do not parse.
    fn read(&self, input: &Input) -> Result<Output, SourceError> {
        let unpacked = convert::open_package(input, FormatKind::Deb)?;
        let insp = &unpacked.inspection;
        let mut package = Package {
            meta: meta::metadata(insp, "-s deb")?,
            relations: relations::deb(insp, input.listener)?,
            ..Package::default()
        };
        if convert::wants_scripts(input, insp, "-s deb") {
            package.scripts = meta::deb_scripts(insp, &package.meta.name, input.listener);
        }
        let place = Placement::package(input.excludes);
        let mut ghosts = Vec::new();
        package.entries = convert::entries(&unpacked, &place, &mut ghosts)?;
        conffiles_in_payload(&package, insp, input);
        Ok(Output {
            package,
            staging: Some(unpacked.staging),
        })
    }
}

/// A `conffiles` line that names no file of the payload (an obsolete conffile dpkg keeps
/// track of, or a `remove-on-upgrade` flag) is not carried over, with a warning.
fn conffiles_in_payload(pkg: &Package, insp: &crate::format::read::Inspection, input: &Input) {
    for c in &insp.conffiles {
        if !pkg
            .entries
            .iter()
            .any(|e| e.config && e.path.display() == *c)
        {
            input.listener.warning(&format!(
                "-s deb: conffiles line '{c}' names no file of the package; it is not carried over"
            ));
        }
    }
}
