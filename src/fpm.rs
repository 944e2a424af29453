//! fpm's command-line vocabulary: every flag of fpm's general options and of its dir, tar,
//! deb, rpm, python and virtualenv types (fpm 1.17, `lib/fpm/command.rb` and
//! `lib/fpm/package/*.rb`), with what pkgr does with it ([`FLAGS`]).
//!
//! [`rewrite`] runs on the command line before clap: fpm's `--no-FLAG` spellings of boolean
//! flags become pkgr's `--FLAG=false`, flags fpm itself ignores are dropped with a warning, and
//! a flag pkgr does not support stops the run with what it did in fpm and what to use instead
//! (never clap's nearest-spelling guess, which suggested `--deb-suggests` for `--deb-systemd`).
//! `docs/fpm.md` is [`markdown`]'s output, and a test keeps the two equal.

use std::collections::BTreeSet;
use std::ffi::OsString;

/// Which fpm type a flag belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// `lib/fpm/command.rb`.
    General,
    /// `-t deb`.
    Deb,
    /// `-t rpm`.
    Rpm,
    /// `-s python`.
    Python,
    /// `-s virtualenv`.
    Virtualenv,
}

impl Kind {
    /// The heading in docs/fpm.md.
    pub fn title(self) -> &'static str {
        match self {
            Kind::General => "General (also dir, tar and empty, which have no flags of their own)",
            Kind::Deb => "deb",
            Kind::Rpm => "rpm",
            Kind::Python => "python",
            Kind::Virtualenv => "virtualenv",
        }
    }
}

/// What pkgr does with an fpm flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// pkgr has the flag, with fpm's meaning.
    Same,
    /// pkgr has the flag, and behaves differently on purpose (the reason).
    Different(&'static str),
    /// An alias of this pkgr flag.
    Alias(&'static str),
    /// fpm's `--no-` form of a boolean: rewritten to `--FLAG=false` of this pkgr flag.
    Negation(&'static str),
    /// Accepted and ignored with a warning (fpm ignores it too, or it has no effect here).
    Ignored(&'static str),
    /// Refused with this reason and what to use instead.
    Refused(&'static str),
}

/// One fpm flag.
#[derive(Debug, Clone, Copy)]
pub struct FpmFlag {
    /// The long flag as fpm spells it.
    pub flag: &'static str,
    /// fpm's type.
    pub kind: Kind,
    /// Does it take a value (the next argument, or `=VALUE`)?
    pub takes_value: bool,
    /// What pkgr does.
    pub status: Status,
}

macro_rules! flags {
    ($($kind:ident $flag:literal $v:ident $status:expr;)*) => {
        /// Every flag of fpm's general options and its deb, rpm, python and virtualenv types.
        pub const FLAGS: &[FpmFlag] = &[
            $(FpmFlag { flag: $flag, kind: Kind::$kind, takes_value: flags!(@v $v), status: $status },)*
        ];
    };
    (@v arg) => { true };
    (@v flag) => { false };
}

use Status::{Alias, Different, Ignored, Negation, Refused, Same};

const NO_CHANGELOG: &str = "no changelog input yet; pkgr writes a minimal changelog (Policy §12.7)";
const NO_TRIGGERS: &str = "triggers are not supported yet";
const PERMS: &str = "pkgr always keeps each file's mode and gives files to root (or --deb-user/--rpm-user, [[files]] owner): the build host's owners would leak into the package";
const AUTO: &str = "pkgr adds the Requires it proves (rpm's elfdeps rules, the venv's Python); --no-auto-depends turns that off";

flags! {
    General "--output-type" arg Same;
    General "--input-type" arg Different("pkgr's sources are dir, virtualenv, python, empty, tar, deb and rpm; fpm's gem, npm, cpan, pear, pleaserun, freebsd and osxpkg inputs are not supported");
    General "--chdir" arg Same;
    General "--prefix" arg Same;
    General "--package" arg Same;
    General "--force" flag Same;
    General "--name" arg Different("a name the deb cannot hold (uppercase, '_': Policy §5.6.1) is refused with the name to use; fpm rewrites it for the deb only, so its deb and rpm get different names");
    General "--log" arg Same;
    General "--verbose" flag Same;
    General "--debug" flag Alias("verbose");
    General "--debug-workspace" flag Ignored("pkgr always removes its scratch files; use --workdir DIR to choose where they go");
    General "--version" arg Different("as fpm: `v1.2` is `1.2` in the deb, `2:1.0` gives epoch 2, a `-` stays in the deb and is `_` in the rpm (each with a warning); a project's PEP 440 version is mapped so dpkg and rpm order it as pip does");
    General "--iteration" arg Same;
    General "--epoch" arg Same;
    General "--license" arg Different("the deb's copyright file (Policy §12.5) and the rpm's License tag; the deb's control file gets no License field (fpm's, which lintian reports as unknown-field)");
    General "--vendor" arg Different("the rpm's Vendor tag; the deb's control file gets no Vendor field (fpm's, which lintian reports as unknown-field)");
    General "--category" arg Different("default 'misc' (fpm: 'default', which no archive section has); the deb refuses a section Debian's archive lacks (Policy §2.4), listing them");
    General "--depends" arg Different("Debian or fpm syntax (`foo > 1` is `foo (>> 1)`); a file dependency is left out of the deb with a warning, as in fpm; a name the deb cannot hold (`wpa_supplicant`) is refused, where fpm writes `wpa-supplicant`, which may not exist");
    General "--no-depends" flag Same;
    General "--no-auto-depends" flag Same;
    General "--provides" arg Same;
    General "--conflicts" arg Same;
    General "--replaces" arg Same;
    General "--config-files" arg Different("names an installed path of the package; fpm also copies a build-host file that is not in the package, which pkgr refuses (say what to ship with a PATH or [[files]]). Every file under /etc is %config(noreplace) in the rpm too (rpmlint: non-conffile-in-etc), as it is a conffile in the deb; fpm's rpm marks only the named ones");
    General "--directories" arg Different("owned by the rpm and created by the deb too (fpm's deb ignores it)");
    General "--architecture" arg Same;
    General "--maintainer" arg Different("an email alone (or fpm's own `<user@host>`) is named for the deb with a warning, a name with no email is refused for the deb (Policy §5.6.2); with no -m pkgr uses the project's authors, else a placeholder with a warning (fpm: <user@host>, which leaks the build host)");
    General "--package-name-suffix" arg Different("appends '-SUFFIX' to the name; fpm 1.17 declares the flag but never reads it");
    General "--edit" flag Refused("pkgr never opens an editor; put the options in a pkgr.toml (pkgr init writes one)");
    General "--exclude" arg Different("a glob matched against each path relative to its PATH and against file names (-x '*.pyc', -x tests); a PATH named on the command line is excluded too, as in fpm");
    General "--exclude-file" arg Same;
    General "--description" arg Different("the first line is the synopsis, the rest the extended description, its lines kept as written (a line too long is wrapped); -s virtualenv and -s python take the project's summary by default");
    General "--url" arg Different("no default (fpm: http://example.com/no-uri-given)");
    General "--inputs" arg Same;
    General "--post-install" arg Alias("after-install");
    General "--pre-install" arg Alias("before-install");
    General "--post-uninstall" arg Alias("after-remove");
    General "--pre-uninstall" arg Alias("before-remove");
    General "--after-install" arg Same;
    General "--before-install" arg Same;
    General "--after-remove" arg Same;
    General "--before-remove" arg Same;
    General "--after-upgrade" arg Same;
    General "--before-upgrade" arg Same;
    General "--template-scripts" flag Different("only <%= NAME %> tags are rendered (name, version, iteration, epoch, architecture, prefix, maintainer, vendor, url, license, description, category and --template-value keys); Ruby code is an error");
    General "--template-value" arg Same;
    General "--workdir" arg Same;
    General "--source-date-epoch-from-changelog" flag Refused(NO_CHANGELOG);
    General "--source-date-epoch-default" arg Same;
    General "--fpm-options-file" arg Refused("pkgr reads its options from pkgr.toml (--config FILE); every flag is a key");
    General "--help" flag Same;
    Deb "--deb-ignore-iteration-in-dependencies" flag Refused("write the range yourself: -d 'foo (>= 1.0)' -d 'foo (<< 1.1)'");
    Deb "--no-deb-ignore-iteration-in-dependencies" flag Ignored("that is the default");
    Deb "--deb-build-depends" arg Ignored("a binary package has no Build-Depends (deb-control(5)); fpm writes a field dpkg ignores");
    Deb "--deb-pre-depends" arg Same;
    Deb "--deb-compression" arg Different("default xz, as dpkg-deb (fpm: gz); gz, bzip2, xz, zst, lzma and none");
    Deb "--deb-compression-level" arg Same;
    Deb "--deb-dist" arg Ignored("fpm uses it only in a .changes file, which pkgr does not write");
    Deb "--deb-custom-control" arg Refused("pkgr writes the control file from its options (Policy §5.3); give extra fields with --deb-field");
    Deb "--deb-config" arg Refused("debconf is not supported");
    Deb "--deb-templates" arg Refused("debconf is not supported");
    Deb "--deb-installed-size" arg Refused("pkgr computes Installed-Size from the payload (Policy §5.6.20)");
    Deb "--deb-priority" arg Same;
    Deb "--deb-use-file-permissions" flag Ignored(PERMS);
    Deb "--no-deb-use-file-permissions" flag Ignored(PERMS);
    Deb "--deb-user" arg Same;
    Deb "--deb-group" arg Same;
    Deb "--deb-changelog" arg Refused(NO_CHANGELOG);
    Deb "--deb-generate-changes" flag Refused("pkgr writes no .changes file (dpkg-genchanges writes one from a source package)");
    Deb "--no-deb-generate-changes" flag Ignored("that is the default");
    Deb "--deb-upstream-changelog" arg Refused(NO_CHANGELOG);
    Deb "--deb-recommends" arg Alias("recommends");
    Deb "--deb-suggests" arg Alias("suggests");
    Deb "--deb-meta-file" arg Refused("extra control.tar members are not supported; maintainer scripts have their own flags");
    Deb "--deb-interest" arg Refused(NO_TRIGGERS);
    Deb "--deb-activate" arg Refused(NO_TRIGGERS);
    Deb "--deb-interest-noawait" arg Refused(NO_TRIGGERS);
    Deb "--deb-activate-noawait" arg Refused(NO_TRIGGERS);
    Deb "--deb-field" arg Different("checked: one line and a valid field name (deb-control(5)); a relation field (Provides, Depends, ...) joins the package's relations; other fields pkgr writes itself are refused");
    Deb "--deb-no-default-config-files" flag Same;
    Deb "--no-deb-no-default-config-files" flag Negation("deb-no-default-config-files");
    Deb "--deb-auto-config-files" flag Same;
    Deb "--no-deb-auto-config-files" flag Negation("deb-auto-config-files");
    Deb "--deb-shlibs" arg Refused("shipping a shlibs file is not supported (dpkg-gensymbols writes symbols files for libraries)");
    Deb "--deb-init" arg Different("no update-rc.d call is added either; pkgr's --systemd-unit handles services");
    Deb "--deb-default" arg Same;
    Deb "--deb-upstart" arg Refused("upstart left Debian with Debian 9 (stretch); use --deb-systemd or --systemd-unit");
    Deb "--deb-systemd" arg Same;
    Deb "--deb-systemd-path" arg Refused("pkgr installs units where the format's distributions keep them (/lib/systemd/system for deb)");
    Deb "--deb-systemd-enable" flag Same;
    Deb "--no-deb-systemd-enable" flag Negation("deb-systemd-enable");
    Deb "--deb-systemd-auto-start" flag Same;
    Deb "--no-deb-systemd-auto-start" flag Negation("deb-systemd-auto-start");
    Deb "--deb-systemd-restart-after-upgrade" flag Same;
    Deb "--no-deb-systemd-restart-after-upgrade" flag Negation("deb-systemd-restart-after-upgrade");
    Deb "--deb-after-purge" arg Refused("fpm never installs this script (fpm#1472); use --after-remove and test $1 = purge");
    Deb "--deb-maintainerscripts-force-errorchecks" flag Ignored("pkgr's maintainer scripts always start with set -e");
    Deb "--no-deb-maintainerscripts-force-errorchecks" flag Ignored("pkgr's maintainer scripts always start with set -e");
    Rpm "--rpm-use-file-permissions" flag Ignored(PERMS);
    Rpm "--no-rpm-use-file-permissions" flag Ignored(PERMS);
    Rpm "--rpm-user" arg Same;
    Rpm "--rpm-group" arg Same;
    Rpm "--rpm-defattrfile" arg Same;
    Rpm "--rpm-defattrdir" arg Same;
    Rpm "--rpm-rpmbuild-define" arg Ignored("pkgr writes rpms without rpmbuild: no macro is read (no build-id links, no spec)");
    Rpm "--rpm-dist" arg Same;
    Rpm "--rpm-digest" arg Different("default sha256 (fpm: md5); sha384 and sha512 too; md5 and sha1 are refused because rpm in FIPS mode will not install them");
    Rpm "--rpm-compression-level" arg Same;
    Rpm "--rpm-compression" arg Different("default zstd, as rpmbuild on current distributions (fpm: gzip); gzip, bzip2, xz (xzmt is the same), zstd, lzma and none");
    Rpm "--rpm-os" arg Different("only linux: rpm on Linux refuses a package for another OS");
    Rpm "--rpm-changelog" arg Refused(NO_CHANGELOG);
    Rpm "--rpm-summary" arg Refused("the first line of --description is the Summary");
    Rpm "--rpm-sign" flag Refused("use --rpm-sign-key FILE (pkgr signs in-process, without rpmsign or a gpg agent)");
    Rpm "--no-rpm-sign" flag Ignored("that is the default");
    Rpm "--rpm-auto-add-directories" flag Ignored("pkgr lists the directories the package creates, never the base system's");
    Rpm "--no-rpm-auto-add-directories" flag Ignored("pkgr lists the directories the package creates, never the base system's");
    Rpm "--rpm-auto-add-exclude-directories" arg Ignored("pkgr never lists the base system's directories (the filesystem package owns them)");
    Rpm "--rpm-autoreqprov" flag Ignored(AUTO);
    Rpm "--no-rpm-autoreqprov" flag Ignored(AUTO);
    Rpm "--rpm-autoreq" flag Ignored(AUTO);
    Rpm "--no-rpm-autoreq" flag Ignored(AUTO);
    Rpm "--rpm-autoprov" flag Ignored(AUTO);
    Rpm "--no-rpm-autoprov" flag Ignored(AUTO);
    Rpm "--rpm-attr" arg Same;
    Rpm "--rpm-init" arg Same;
    Rpm "--rpm-filter-from-provides" arg Refused("pkgr generates no Provides to filter");
    Rpm "--rpm-filter-from-requires" arg Refused("give --no-auto-depends and list the Requires with -d");
    Rpm "--rpm-tag" arg Refused("arbitrary spec tags need rpmbuild; pkgr writes the header itself");
    Rpm "--rpm-ignore-iteration-in-dependencies" flag Refused("write the range yourself: -d 'foo >= 1.0' -d 'foo < 1.1'");
    Rpm "--no-rpm-ignore-iteration-in-dependencies" flag Ignored("that is the default");
    Rpm "--rpm-verbatim-gem-dependencies" flag Refused("-s gem is not supported");
    Rpm "--no-rpm-verbatim-gem-dependencies" flag Ignored("-s gem is not supported");
    Rpm "--rpm-macro-expansion" flag Ignored("pkgr writes no spec file: scripts are stored as written");
    Rpm "--no-rpm-macro-expansion" flag Ignored("that is the default");
    Rpm "--rpm-verifyscript" arg Refused("%verifyscript is not supported yet");
    Rpm "--rpm-pretrans" arg Refused("%pretrans is not supported yet");
    Rpm "--rpm-posttrans" arg Refused("%posttrans is not supported yet");
    Rpm "--rpm-trigger-before-install" arg Refused(NO_TRIGGERS);
    Rpm "--rpm-trigger-after-install" arg Refused(NO_TRIGGERS);
    Rpm "--rpm-trigger-before-uninstall" arg Refused(NO_TRIGGERS);
    Rpm "--rpm-trigger-after-target-uninstall" arg Refused(NO_TRIGGERS);
    Rpm "--rpm-old-perl-dependency-name" flag Refused("-s cpan is not supported");
    Rpm "--no-rpm-old-perl-dependency-name" flag Ignored("-s cpan is not supported");
    Python "--python-bin" arg Different("default Debian's /usr/bin/python3 (fpm: the first python on PATH); -s virtualenv reads it too, as --python");
    Python "--python-easyinstall" arg Refused("easy_install is gone from setuptools; pkgr uses the interpreter's pip");
    Python "--python-pip" arg Ignored("pkgr always runs the scratch venv's `python -m pip` (fpm's --python-internal-pip)");
    Python "--python-pypi" arg Alias("index-url");
    Python "--python-trusted-host" arg Refused("give it to pip: --pip-arg=--trusted-host=HOST");
    Python "--python-package-prefix" arg Ignored("deprecated in fpm, which never reads its value; use --python-package-name-prefix");
    Python "--python-package-name-prefix" arg Different("default python3 (fpm: the interpreter's name, python on most hosts); with it and --python-fix-name, Debian's own names from dh-python's pydist table are used (PyYAML: python3-yaml)");
    Python "--python-fix-name" flag Same;
    Python "--no-python-fix-name" flag Negation("python-fix-name");
    Python "--python-fix-dependencies" flag Ignored("dependencies are always named as the package is (Debian's pydist names, else the prefix)");
    Python "--no-python-fix-dependencies" flag Refused("dependencies are always named as the package is; give --no-python-dependencies and list them with -d");
    Python "--python-downcase-name" flag Ignored("package names are always lowercase (Debian Policy §5.6.1)");
    Python "--no-python-downcase-name" flag Refused("Debian and pkgr package names are lowercase (Debian Policy §5.6.1); give -n");
    Python "--python-downcase-dependencies" flag Ignored("dependency names are always lowercase");
    Python "--no-python-downcase-dependencies" flag Refused("dependency names are always lowercase; give --no-python-dependencies and list them with -d");
    Python "--python-install-bin" arg Different("works (fpm 1.17 marks it deprecated and ignores it): where console scripts go, default /usr/bin");
    Python "--python-install-lib" arg Different("works (fpm 1.17 marks it deprecated and ignores it): where modules go, default /usr/lib/python3/dist-packages");
    Python "--python-install-data" arg Ignored("deprecated in fpm, which ignores it; a wheel's .data/data goes below /usr");
    Python "--python-dependencies" flag Same;
    Python "--no-python-dependencies" flag Same;
    Python "--python-obey-requirements-txt" flag Refused("the wheel's Requires-Dist are the dependencies; give --no-python-dependencies and list them with -d");
    Python "--no-python-obey-requirements-txt" flag Ignored("that is the default");
    Python "--python-scripts-executable" arg Ignored("deprecated in fpm, which ignores it; scripts start with #! and --python-bin");
    Python "--python-disable-dependency" arg Refused("give --no-python-dependencies and list the ones you want with -d");
    Python "--python-setup-py-arguments" arg Ignored("deprecated in fpm, which ignores it; pkgr builds a wheel with pip (use --pip-arg)");
    Python "--python-internal-pip" flag Ignored("pkgr always runs `python -m pip`");
    Python "--no-python-internal-pip" flag Ignored("pkgr always runs `python -m pip`");
    Virtualenv "--virtualenv-pypi" arg Alias("index-url");
    Virtualenv "--virtualenv-package-name-prefix" arg Same;
    Virtualenv "--virtualenv-install-location" arg Different("not deprecated; without it (and without --prefix) the venv goes to /opt/venvs/NAME, as dh-virtualenv installs it (fpm: /usr/share/python/BASE)");
    Virtualenv "--virtualenv-fix-name" flag Same;
    Virtualenv "--no-virtualenv-fix-name" flag Negation("virtualenv-fix-name");
    Virtualenv "--virtualenv-other-files-dir" arg Same;
    Virtualenv "--virtualenv-pypi-extra-url" arg Alias("extra-index-url");
    Virtualenv "--virtualenv-setup-install" flag Different("installs the requirements file's directory as the application (fpm runs setup.py install in the current directory)");
    Virtualenv "--no-virtualenv-setup-install" flag Negation("virtualenv-setup-install");
    Virtualenv "--virtualenv-system-site-packages" flag Same;
    Virtualenv "--no-virtualenv-system-site-packages" flag Negation("virtualenv-system-site-packages");
    Virtualenv "--virtualenv-find-links" arg Alias("find-links");
}

/// fpm's other package types, whose flags all start with `--TYPE-` (or `--no-TYPE-`).
pub const OTHER_TYPES: [&str; 11] = [
    "cpan",
    "freebsd",
    "gem",
    "npm",
    "osxpkg",
    "p5p",
    "pacman",
    "pear",
    "pleaserun",
    "snap",
    "solaris",
];

/// The row for `flag` (as typed, without `=VALUE`).
pub fn lookup(flag: &str) -> Option<&'static FpmFlag> {
    FLAGS.iter().find(|f| f.flag == flag)
}

/// The command line with fpm's spellings rewritten for clap, and the warnings to print.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rewritten {
    /// The arguments for clap.
    pub args: Vec<OsString>,
    /// One line per fpm flag that was dropped.
    pub warnings: Vec<String>,
}

/// Rewrites `args` (the program name first): see the module docs. `known` holds every long
/// flag and alias pkgr's parser accepts (without `--`); those pass through untouched.
///
/// # Errors
/// The message for a flag pkgr refuses, naming it, what it did in fpm and what to use.
pub fn rewrite(args: Vec<OsString>, known: &BTreeSet<String>) -> Result<Rewritten, String> {
    let mut out = Rewritten::default();
    let mut it = args.into_iter();
    let mut previous: Option<OsString> = None;
    while let Some(arg) = it.next() {
        // `--pip-arg --no-deps`: a value for pip, whatever it looks like.
        let after_pip_arg = previous.as_deref().is_some_and(|p| p == "--pip-arg");
        previous = Some(arg.clone());
        if after_pip_arg {
            out.args.push(arg);
            continue;
        }
        let Some(text) = arg.to_str().filter(|t| t.starts_with("--") && t.len() > 2) else {
            if arg == "--" {
                out.args.push(arg);
                out.args.extend(it);
                break;
            }
            if arg == "-e" {
                return Err(refused("-e/--edit", lookup("--edit")));
            }
            out.args.push(arg);
            continue;
        };
        let (name, value) = match text.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (text, None),
        };
        if known.contains(&name[2..]) {
            out.args.push(arg);
            continue;
        }
        match lookup(name) {
            Some(FpmFlag {
                status: Negation(of),
                ..
            }) => {
                if value.is_some() {
                    return Err(format!("{name} takes no value (it is fpm's --{of}=false)"));
                }
                out.args.push(format!("--{of}=false").into());
            }
            Some(
                f @ FpmFlag {
                    status: Ignored(why),
                    ..
                },
            ) => {
                out.warnings.push(format!("fpm's {name} is ignored: {why}"));
                if f.takes_value && value.is_none() {
                    it.next();
                }
            }
            Some(
                f @ FpmFlag {
                    status: Refused(_), ..
                },
            ) => return Err(refused(name, Some(f))),
            // Flags pkgr has keep their spelling; clap reads them.
            Some(_) => out.args.push(arg),
            None => {
                let bare = name.trim_start_matches("--");
                let bare = bare.strip_prefix("no-").unwrap_or(bare);
                match OTHER_TYPES.iter().find(|t| bare.starts_with(&format!("{t}-"))) {
                    Some(t) => {
                        return Err(format!(
                            "{name} is an option of fpm's '{t}' package type, which pkgr does not build or read (pkgr: -s dir, virtualenv or python; -t deb, rpm or tar); see docs/fpm.md"
                        ))
                    }
                    None => out.args.push(arg),
                }
            }
        }
    }
    Ok(out)
}

fn refused(name: &str, row: Option<&FpmFlag>) -> String {
    let why = match row.map(|r| r.status) {
        Some(Refused(why)) => why,
        _ => "not supported",
    };
    format!("fpm's {name} is not supported by pkgr: {why} (docs/fpm.md lists every fpm flag)")
}

/// docs/fpm.md: every flag in [`FLAGS`] by type, with pkgr's status.
pub fn markdown() -> String {
    let mut s = String::from(
        "# fpm's flags in pkgr\n\n\
         Generated from `src/fpm.rs` (`pkgr::fpm::FLAGS`); a test keeps this file equal to it.\n\
         Every flag of fpm 1.17's general options and of its deb, rpm, python and virtualenv\n\
         types (dir, tar and empty have none of their own). **same**: pkgr has it with fpm's\n\
         meaning; **different**: pkgr has it and differs on purpose; **alias**: another spelling of\n\
         a pkgr flag; **negation**: fpm's `--no-` form, read as pkgr's `--FLAG=false`;\n\
         **ignored**: accepted with a warning; **refused**: an error saying what to use instead.\n\
         The flags of fpm's other types (`--gem-*`, `--npm-*`, `--cpan-*`, ...) are refused.\n\n\
         `-s dir` PATHs follow fpm's `src=dst` rule (rsync's: `dir=/dst/` installs `/dst/dir/...`,\n\
         `dir/=/dst` the contents) with one difference on purpose: `dir=/dst` puts the contents at\n\
         `/dst`, as `cp -r` does for a new directory, where fpm installs `/dst/dir/...`.\n",
    );
    let mut kind = None;
    for f in FLAGS {
        if kind != Some(f.kind) {
            kind = Some(f.kind);
            s.push_str(&format!(
                "\n## {}\n\n| fpm flag | pkgr |\n|---|---|\n",
                f.kind.title()
            ));
        }
        let status = match f.status {
            Same => "same".to_string(),
            Different(why) => format!("different: {why}"),
            Alias(of) => format!("alias of `--{of}`"),
            Negation(of) => format!("negation: `--{of}=false`"),
            Ignored(why) => format!("ignored: {why}"),
            Refused(why) => format!("refused: {why}"),
        };
        s.push_str(&format!(
            "| `{}` | {} |\n",
            f.flag,
            status.replace('|', "\\|")
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> BTreeSet<String> {
        ["deb-systemd-enable", "verbose", "name"]
            .into_iter()
            .map(String::from)
            .collect()
    }

    fn rw(args: &[&str]) -> Result<Rewritten, String> {
        rewrite(args.iter().map(OsString::from).collect(), &known())
    }

    #[test]
    fn negations_become_false_and_ignored_flags_are_dropped_with_their_value() {
        let r = rw(&[
            "pkgr",
            "--no-deb-systemd-enable",
            "--deb-dist",
            "bookworm",
            "-n",
            "x",
        ])
        .unwrap();
        let args: Vec<&str> = r.args.iter().filter_map(|a| a.to_str()).collect();
        assert_eq!(args, ["pkgr", "--deb-systemd-enable=false", "-n", "x"]);
        assert_eq!(r.warnings.len(), 1);
        assert!(r.warnings[0].contains("--deb-dist"), "{:?}", r.warnings);
        let r = rw(&["pkgr", "--deb-dist=sid", "--", "--deb-upstart"]).unwrap();
        assert_eq!(r.args.len(), 3, "everything after -- is a PATH");
    }

    #[test]
    fn refused_flags_say_why_and_other_types_are_named() {
        let e = rw(&["pkgr", "--deb-upstart", "x.conf"]).unwrap_err();
        assert!(e.contains("--deb-upstart") && e.contains("stretch"), "{e}");
        let e = rw(&["pkgr", "--no-gem-fix-name"]).unwrap_err();
        assert!(e.contains("'gem'"), "{e}");
        assert!(rw(&["pkgr", "-e"]).unwrap_err().contains("editor"));
        // A value of --pip-arg is pip's, even when it looks like an fpm flag.
        assert_eq!(
            rw(&["pkgr", "--pip-arg", "--deb-dist"]).unwrap().args.len(),
            3
        );
        assert_eq!(rw(&["pkgr", "--pip-arg", "-e"]).unwrap().args.len(), 3);
        // Unknown flags are left to clap.
        assert_eq!(rw(&["pkgr", "--frobnicate"]).unwrap().args.len(), 2);
    }

    #[test]
    fn every_flag_is_listed_once() {
        let mut seen = BTreeSet::new();
        for f in FLAGS {
            assert!(seen.insert(f.flag), "{} twice", f.flag);
        }
    }
}
