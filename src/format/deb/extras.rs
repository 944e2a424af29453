//! fpm's deb-only options, read once by [`Extras::from_args`] (so a missing file is found
//! before any work) and applied by [`Extras::apply`] when the deb prepares its package:
//!
//! - `--deb-init FILE`: `/etc/init.d/NAME` (NAME: the file name without `.init`), mode 0755;
//!   `--deb-default FILE`: `/etc/default/NAME` (without `.default`), mode 0644. Both are
//!   conffiles unless `--no-deb-auto-config-files`. As in fpm, no `update-rc.d` call is added
//!   (Policy §9.3.3 leaves registering to the maintainer scripts: add it in `--after-install`).
//! - `--deb-systemd FILE`: a systemd unit of this deb (`.service` is added to a name without a
//!   unit suffix), handled as `--systemd-unit` but with fpm's defaults: enabled only with
//!   `--deb-systemd-enable`, started only with `--deb-systemd-auto-start`, restarted after an
//!   upgrade unless `--no-deb-systemd-restart-after-upgrade`.
//! - `--deb-user`/`--deb-group`: the owner of every file, and of every directory the package
//!   creates ([`Package::owns_dir`]), that has no other owner (fpm's `tar --owner`, which also
//!   gives away `/usr`); pkgr's documentation files stay root's. Default root.
//! - `--deb-no-default-config-files`: files under `/etc` are not conffiles just because they
//!   are there (explicit `--config-files`, `[[files]]` configs and the two above still are).
//! - `--deb-pre-depends`: Pre-Depends (Policy §7.2); `--deb-field 'Name: value'`: a custom
//!   control field (deb-control(5): a name of printable ASCII without ':' or space, not
//!   starting with '#' or '-'; one line); a relation field (`Provides: x`) joins the
//!   package's relations, any other field pkgr writes itself is refused.
//! - `--deb-init`/`--deb-default` replace a file the payload has at that path, with a
//!   warning, as fpm copies over it.

use super::options::Args;
use crate::format::common;
use crate::format::FormatError;
use crate::listener::Listener;
use crate::model::{Entry, Package, PkgPath, SystemdUnit};
use crate::options::OptionError;

/// The deb-only additions and rules, with their files read.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// `/etc/init.d/NAME` scripts: (name, bytes).
    init: Vec<(String, Vec<u8>)>,
    /// `/etc/default/NAME` files: (name, bytes).
    default: Vec<(String, Vec<u8>)>,
    /// `--deb-systemd` units.
    units: Vec<SystemdUnit>,
    /// `--deb-systemd-enable`.
    enable: bool,
    /// `--deb-systemd-auto-start`.
    start: bool,
    /// `--deb-systemd-restart-after-upgrade` (default on).
    restart: bool,
    /// `--deb-user`.
    user: Option<String>,
    /// `--deb-group`.
    group: Option<String>,
    /// `--deb-no-default-config-files`.
    no_default_config: bool,
    /// `--deb-auto-config-files` (default on).
    auto_config: bool,
    /// `--deb-pre-depends`.
    pre_depends: Vec<crate::relation::Relation>,
    /// `--deb-field`s: (name, value).
    pub fields: Vec<(String, String)>,
    /// `--deb-field`s naming a relation field: (lowercase field, relations).
    relations: Vec<(String, Vec<crate::relation::Relation>)>,
}

/// The fields pkgr writes from its own options, besides the relations: a `--deb-field` cannot
/// set them (a relation field, [`RELATION_FIELDS`], joins the relations instead).
const OWN_FIELDS: [&str; 9] = [
    "package",
    "version",
    "architecture",
    "maintainer",
    "installed-size",
    "section",
    "priority",
    "homepage",
    "description",
];

/// The relation fields a `--deb-field` may name: their value joins the package's relations
/// (as if given with the flag), checked like them.
const RELATION_FIELDS: [&str; 7] = [
    "pre-depends",
    "depends",
    "recommends",
    "suggests",
    "conflicts",
    "replaces",
    "provides",
];

/// One `--deb-field 'Name: value'`, checked.
fn field(given: &str) -> Result<(String, String), OptionError> {
    let bad =
        |why: &str| OptionError::new("--deb-field", format!("'{}': {why}", given.escape_debug()));
    let (name, value) = given
        .split_once(':')
        .ok_or_else(|| bad("give 'Field: value'"))?;
    let (name, value) = (name.trim(), value.trim());
    if name.is_empty()
        || name.starts_with(['#', '-'])
        || !name.bytes().all(|b| b.is_ascii_graphic() && b != b':')
    {
        return Err(bad(
            "a field name is printable ASCII without ':' or spaces, not starting with '#' or '-' (deb-control(5))",
        ));
    }
    if OWN_FIELDS.contains(&name.to_ascii_lowercase().as_str()) {
        return Err(bad(&format!(
            "pkgr writes {name} from its own options; set it with its flag"
        )));
    }
    if value.is_empty() || value.chars().any(char::is_control) {
        return Err(bad(
            "the value must be one non-empty line (a newline would start another field)",
        ));
    }
    Ok((name.to_string(), value.to_string()))
}

impl Extras {
    /// Reads the files the options name.
    ///
    /// # Errors
    /// [`OptionError`] naming the flag and the file for an unreadable file or a file name that
    /// cannot be installed, or a user or group that is no name.
    pub fn from_args(a: &Args) -> Result<Self, OptionError> {
        let mut x = Extras {
            enable: a.deb_systemd_enable == Some(true),
            start: a.deb_systemd_auto_start == Some(true),
            restart: a.deb_systemd_restart_after_upgrade != Some(false),
            user: a.deb_user.clone(),
            group: a.deb_group.clone(),
            no_default_config: a.deb_no_default_config_files == Some(true),
            auto_config: a.deb_auto_config_files != Some(false),
            ..Extras::default()
        };
        for p in a.deb_init.iter().flatten() {
            x.init.push(common::option_file("--deb-init", p, ".init")?);
        }
        for p in a.deb_default.iter().flatten() {
            x.default
                .push(common::option_file("--deb-default", p, ".default")?);
        }
        for p in a.deb_systemd.iter().flatten() {
            // fpm's rule: a file name without a unit type is a service.
            let mut name = p
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            if !name.contains('.') {
                name.push_str(".service");
            }
            if !SystemdUnit::is_unit_name(&name) {
                return Err(OptionError::new(
                    "--deb-systemd",
                    format!(
                        "'{}': the unit name '{name}' must be ASCII letters, digits and ':-_.\\@' ending in one of {} (systemd.unit(5))",
                        p.display(),
                        crate::model::UNIT_SUFFIXES.join(", ")
                    ),
                ));
            }
            let text = crate::hostfs::read_regular(p).map_err(|e| {
                OptionError::new("--deb-systemd", format!("'{}': {e}", p.display()))
            })?;
            x.units.push(SystemdUnit { name, text });
        }
        for d in a.deb_pre_depends.iter().flatten() {
            let list = crate::relation::Relation::parse_list(d)
                .map_err(|e| OptionError::new("--deb-pre-depends", e.to_string()))?;
            x.pre_depends.extend(list);
        }
        for f in a.deb_field.iter().flatten() {
            let (name, value) = field(f)?;
            let lower = name.to_ascii_lowercase();
            if RELATION_FIELDS.contains(&lower.as_str()) {
                let list = crate::relation::Relation::parse_list(&value)
                    .map_err(|e| OptionError::new("--deb-field", format!("{name}: {e}")))?;
                x.relations.push((lower, list));
                continue;
            }
            if x.fields.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name)) {
                return Err(OptionError::new(
                    "--deb-field",
                    format!("'{name}' is given twice"),
                ));
            }
            x.fields.push((name, value));
        }
        for (flag, v) in [("--deb-user", &x.user), ("--deb-group", &x.group)] {
            if let Some(v) = v {
                if !common::is_user_name(v) {
                    return Err(OptionError::new(
                        flag,
                        format!(
                            "'{}' is not a user or group name: 1-31 letters, digits, '.', '_' or '-', not starting with '-' (useradd(8))",
                            v.escape_debug()
                        ),
                    ));
                }
            }
        }
        Ok(x)
    }

    /// Are there `--deb-systemd` units?
    pub fn has_units(&self) -> bool {
        !self.units.is_empty()
    }

    /// The `--deb-systemd` units go into the service (before the units are installed).
    pub fn add_units(&self, pkg: &mut Package, listener: &dyn Listener) {
        if self.units.is_empty() {
            return;
        }
        for u in self.units.iter().filter(|u| !u.enablable()) {
            if self.enable || self.start {
                listener.warning(&format!(
                    "--deb-systemd '{}' has no [Install] section (or is a template): it is neither enabled nor started on install (systemctl enable needs [Install], systemd.unit(5))",
                    u.name
                ));
            }
        }
        pkg.service.units.extend(self.units.iter().cloned());
        pkg.service.enable &= self.enable;
        pkg.service.start &= self.start;
        pkg.service.restart_after_upgrade &= self.restart;
    }

    /// Adds the init and default files and applies the owner and conffile rules.
    ///
    /// # Errors
    /// [`FormatError::Invalid`] for a path that is no package path, or a payload that no longer
    /// finalizes.
    pub fn apply(&self, pkg: &mut Package, listener: &dyn Listener) -> Result<(), FormatError> {
        crate::relation::merge(
            &mut pkg.relations.pre_depends,
            self.pre_depends.iter().cloned(),
        );
        for (field, list) in &self.relations {
            let r = &mut pkg.relations;
            let slot = match field.as_str() {
                "pre-depends" => &mut r.pre_depends,
                "depends" => &mut r.depends,
                "recommends" => &mut r.recommends,
                "suggests" => &mut r.suggests,
                "conflicts" => &mut r.conflicts,
                "replaces" => &mut r.replaces,
                _ => &mut r.provides,
            };
            crate::relation::merge(slot, list.iter().cloned());
        }
        for (dir, flag, mode, files) in [
            ("/etc/init.d", "--deb-init", 0o755, &self.init),
            ("/etc/default", "--deb-default", 0o644, &self.default),
        ] {
            for (name, bytes) in files {
                let path = PkgPath::parse(&format!("{dir}/{name}"))
                    .map_err(|e| FormatError::invalid(flag, e.to_string()))?;
                let mut e = Entry::bytes(path.clone(), bytes.clone(), mode);
                e.config = self.auto_config;
                common::install_over(pkg, e, flag, listener);
                pkg.etc_config.remove(&path);
            }
        }
        if self.no_default_config {
            for e in pkg.entries.iter_mut() {
                if pkg.etc_config.contains(&e.path) {
                    e.config = false;
                }
            }
        }
        pkg.finalize()
            .map_err(|e| FormatError::invalid("payload", e.to_string()))?;
        // As fpm's `tar --owner/--group`, but never a directory the package does not create
        // (`/usr`, `/lib/systemd/system`: dpkg would make a missing one the user's) nor the
        // documentation pkgr adds.
        let doc = PkgPath::parse(&format!("/usr/share/doc/{}", pkg.meta.name)).ok();
        let lintian = PkgPath::parse("/usr/share/lintian").ok();
        let skip: Vec<bool> = pkg
            .entries
            .iter()
            .map(|e| {
                (e.kind == crate::model::EntryKind::Dir && !pkg.owns_dir(&e.path))
                    || doc.as_ref().is_some_and(|d| e.path.starts_with(d))
                    || lintian.as_ref().is_some_and(|d| e.path.starts_with(d))
            })
            .collect();
        for (e, skip) in pkg.entries.iter_mut().zip(skip) {
            if skip {
                continue;
            }
            if let Some(u) = self.user.as_ref().filter(|_| e.user == "root") {
                e.user = u.clone();
            }
            if let Some(g) = self.group.as_ref().filter(|_| e.group == "root") {
                e.group = g.clone();
            }
        }
        Ok(())
    }
}
