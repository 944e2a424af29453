//! Maintainer scripts: the user's, by phase, and the fragments pkgr adds.

use std::collections::BTreeMap;

/// When a maintainer script runs, in format-neutral terms (fpm's names). Each target maps
/// these to its own scripts: deb `preinst`/`postinst`/`prerm`/`postrm` (Policy §6), rpm
/// `%pre`/`%post`/`%preun`/`%postun` (see [`crate::format::scripts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// Before the files are unpacked (deb `preinst`, rpm `%pre`).
    BeforeInstall,
    /// After the files are unpacked (deb `postinst configure`, rpm `%post`).
    AfterInstall,
    /// Before the files are removed (deb `prerm`, rpm `%preun`).
    BeforeRemove,
    /// After the files are removed (deb `postrm`, rpm `%postun`).
    AfterRemove,
    /// Before an upgrade's files are unpacked (fpm `--before-upgrade`).
    BeforeUpgrade,
    /// After an upgrade's files are unpacked (fpm `--after-upgrade`).
    AfterUpgrade,
}

impl Phase {
    /// Every phase.
    pub const ALL: [Phase; 6] = [
        Phase::BeforeInstall,
        Phase::AfterInstall,
        Phase::BeforeRemove,
        Phase::AfterRemove,
        Phase::BeforeUpgrade,
        Phase::AfterUpgrade,
    ];

    /// fpm's flag for it (`--after-install`), for messages.
    pub fn flag(self) -> &'static str {
        match self {
            Phase::BeforeInstall => "--before-install",
            Phase::AfterInstall => "--after-install",
            Phase::BeforeRemove => "--before-remove",
            Phase::AfterRemove => "--after-remove",
            Phase::BeforeUpgrade => "--before-upgrade",
            Phase::AfterUpgrade => "--after-upgrade",
        }
    }
}

/// A shell fragment pkgr itself adds to a phase (byte-compiling a venv, ...). Fragments are
/// POSIX `sh`, take no arguments, must be idempotent and must not fail the script needlessly;
/// the target decides for which of its script arguments they run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    /// What it does, written as a comment above it.
    pub comment: String,
    /// The shell code.
    pub body: String,
}

/// The argument convention a script was written for: a package's own maintainer scripts, read
/// by a conversion source (`-s deb`, `-s rpm`), expect their format's arguments; a format whose
/// convention differs runs them with the arguments translated ([`crate::format::scripts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Convention {
    /// dpkg's: `preinst install|upgrade OLD`, `postinst configure [OLD]`, `prerm remove|upgrade
    /// NEW`, `postrm remove|purge|upgrade NEW` (Debian Policy §6.5).
    Deb,
    /// rpm's: `$1`, the number of instances installed after the operation (1 on install, 2 or
    /// more on upgrade, 0 on erase).
    Rpm,
}

impl Convention {
    /// `deb` or `rpm`.
    pub fn name(self) -> &'static str {
        match self {
            Convention::Deb => "deb",
            Convention::Rpm => "rpm",
        }
    }
}

/// Maintainer scripts: the user's (whole scripts, each starting with `#!`) and pkgr's fragments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scripts {
    /// User scripts by phase (fpm `--after-install FILE` and friends).
    pub user: BTreeMap<Phase, String>,
    /// Generated fragments by phase.
    pub generated: BTreeMap<Phase, Vec<Fragment>>,
    /// The convention a user script was written for, when it is known (a converted package's
    /// scripts). A script not listed here gets each format's native arguments, as fpm passes them.
    pub written_for: BTreeMap<Phase, Convention>,
}
