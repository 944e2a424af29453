//! Directories the base system provides, from cited sources: a package never owns them
//! where ownership is tracked (rpm), never ships those no Debian package owns (so that a purge
//! cannot remove them), and gives them their standard modes wherever it ships them.
//!
//! - [`FILESYSTEM_DIRS`] and [`FILESYSTEM_LINKS`]: the `filesystem` package of Fedora 3.18-58
//!   (x86_64, merged `/usr` and `/usr/sbin`; its `%files`, rebuilt from
//!   `rpms/filesystem/filesystem.spec`, src.fedoraproject.org), plus what RHEL 8's
//!   `filesystem` 3.8 owns besides (`/etc/xinetd.d`, `/usr/lib/sse2`, `/usr/lib64/{sse2,tls}`,
//!   `/var/gopher`, and `/usr/sbin` and `/usr/local/sbin` as real directories). Its locale
//!   directories (`/usr/share/locale/LANG[/LC_MESSAGES]`, `/usr/share/man/LANG[/manN]`,
//!   `/usr/share/help/LANG`) are matched by pattern ([`is_system_dir`]).
//! - [`DEBIAN_UNOWNED_DIRS`]: the directories Debian's `base-files` creates in its `postinst`
//!   (`install_directory`, `install_local_dir`) without shipping them, so that no package owns
//!   them: a .deb that ships one becomes its only owner, and purging it removes the directory
//!   from the system (piuparts: "files have disappeared").

/// Directories the `filesystem` package owns (see the module doc), sorted.
pub const FILESYSTEM_DIRS: &[&str] = &[
    "/",
    "/afs",
    "/boot",
    "/dev",
    "/etc",
    "/etc/X11",
    "/etc/X11/applnk",
    "/etc/X11/fontpath.d",
    "/etc/X11/xinit",
    "/etc/X11/xinit/xinitrc.d",
    "/etc/X11/xinit/xinput.d",
    "/etc/bash_completion.d",
    "/etc/default",
    "/etc/keys",
    "/etc/keys/ima",
    "/etc/opt",
    "/etc/pki",
    "/etc/pm",
    "/etc/pm/config.d",
    "/etc/pm/power.d",
    "/etc/pm/sleep.d",
    "/etc/rwtab.d",
    "/etc/skel",
    "/etc/statetab.d",
    "/etc/sysconfig",
    "/etc/xdg",
    "/etc/xdg/autostart",
    "/etc/xinetd.d",
    "/home",
    "/media",
    "/mnt",
    "/opt",
    "/proc",
    "/root",
    "/run",
    "/srv",
    "/sys",
    "/tmp",
    "/usr",
    "/usr/bin",
    "/usr/games",
    "/usr/include",
    "/usr/lib",
    "/usr/lib/debug",
    "/usr/lib/debug/.dwz",
    "/usr/lib/debug/usr",
    "/usr/lib/debug/usr/bin",
    "/usr/lib/debug/usr/lib",
    "/usr/lib/debug/usr/lib64",
    "/usr/lib/debug/usr/sbin",
    "/usr/lib/games",
    "/usr/lib/locale",
    "/usr/lib/modules",
    "/usr/lib/sse2",
    "/usr/lib/swidtag",
    "/usr/lib/sysimage",
    "/usr/lib/systemd",
    "/usr/lib/systemd/system",
    "/usr/lib/systemd/user",
    "/usr/lib/sysusers.d",
    "/usr/lib/tmpfiles.d",
    "/usr/lib64",
    "/usr/lib64/X11",
    "/usr/lib64/bpf",
    "/usr/lib64/games",
    "/usr/lib64/pkgconfig",
    "/usr/lib64/sse2",
    "/usr/lib64/tls",
    "/usr/libexec",
    "/usr/local",
    "/usr/local/bin",
    "/usr/local/etc",
    "/usr/local/games",
    "/usr/local/include",
    "/usr/local/lib",
    "/usr/local/lib64",
    "/usr/local/lib64/bpf",
    "/usr/local/libexec",
    "/usr/local/sbin",
    "/usr/local/share",
    "/usr/local/share/applications",
    "/usr/local/share/info",
    "/usr/local/share/man",
    "/usr/local/share/man/man1",
    "/usr/local/share/man/man1x",
    "/usr/local/share/man/man2",
    "/usr/local/share/man/man2x",
    "/usr/local/share/man/man3",
    "/usr/local/share/man/man3x",
    "/usr/local/share/man/man4",
    "/usr/local/share/man/man4x",
    "/usr/local/share/man/man5",
    "/usr/local/share/man/man5x",
    "/usr/local/share/man/man6",
    "/usr/local/share/man/man6x",
    "/usr/local/share/man/man7",
    "/usr/local/share/man/man7x",
    "/usr/local/share/man/man8",
    "/usr/local/share/man/man8x",
    "/usr/local/share/man/man9",
    "/usr/local/share/man/man9x",
    "/usr/local/share/man/mann",
    "/usr/local/src",
    "/usr/sbin",
    "/usr/share",
    "/usr/share/X11",
    "/usr/share/X11/fonts",
    "/usr/share/aclocal",
    "/usr/share/appdata",
    "/usr/share/applications",
    "/usr/share/augeas",
    "/usr/share/augeas/lenses",
    "/usr/share/backgrounds",
    "/usr/share/bash-completion",
    "/usr/share/bash-completion/completions",
    "/usr/share/bash-completion/helpers",
    "/usr/share/desktop-directories",
    "/usr/share/dict",
    "/usr/share/doc",
    "/usr/share/empty",
    "/usr/share/fish",
    "/usr/share/fish/vendor_completions.d",
    "/usr/share/games",
    "/usr/share/gnome",
    "/usr/share/help",
    "/usr/share/icons",
    "/usr/share/idl",
    "/usr/share/info",
    "/usr/share/licenses",
    "/usr/share/locale",
    "/usr/share/man",
    "/usr/share/man/man0p",
    "/usr/share/man/man1",
    "/usr/share/man/man1p",
    "/usr/share/man/man1x",
    "/usr/share/man/man2",
    "/usr/share/man/man2const",
    "/usr/share/man/man2type",
    "/usr/share/man/man2x",
    "/usr/share/man/man3",
    "/usr/share/man/man3const",
    "/usr/share/man/man3head",
    "/usr/share/man/man3p",
    "/usr/share/man/man3t",
    "/usr/share/man/man3type",
    "/usr/share/man/man3x",
    "/usr/share/man/man4",
    "/usr/share/man/man4x",
    "/usr/share/man/man5",
    "/usr/share/man/man5x",
    "/usr/share/man/man6",
    "/usr/share/man/man6x",
    "/usr/share/man/man7",
    "/usr/share/man/man7x",
    "/usr/share/man/man8",
    "/usr/share/man/man8x",
    "/usr/share/man/man9",
    "/usr/share/man/man9x",
    "/usr/share/man/mann",
    "/usr/share/metainfo",
    "/usr/share/mime-info",
    "/usr/share/misc",
    "/usr/share/modulefiles",
    "/usr/share/omf",
    "/usr/share/pixmaps",
    "/usr/share/pkgconfig",
    "/usr/share/sounds",
    "/usr/share/themes",
    "/usr/share/wayland-sessions",
    "/usr/share/xsessions",
    "/usr/share/zsh",
    "/usr/share/zsh/site-functions",
    "/usr/src",
    "/usr/src/debug",
    "/usr/src/kernels",
    "/var",
    "/var/adm",
    "/var/cache",
    "/var/cache/bpf",
    "/var/db",
    "/var/empty",
    "/var/ftp",
    "/var/games",
    "/var/gopher",
    "/var/lib",
    "/var/lib/games",
    "/var/lib/misc",
    "/var/lib/rpm-state",
    "/var/local",
    "/var/log",
    "/var/nis",
    "/var/opt",
    "/var/preserve",
    "/var/spool",
    "/var/spool/lpd",
    "/var/spool/mail",
    "/var/tmp",
    "/var/yp",
];

/// Symlinks the `filesystem` package ships (`/bin -> usr/bin`, ...): a package must not
/// ship a directory there either. Sorted.
pub const FILESYSTEM_LINKS: &[&str] = &[
    "/bin",
    "/lib",
    "/lib64",
    "/sbin",
    "/usr/lib/debug/bin",
    "/usr/lib/debug/lib",
    "/usr/lib/debug/lib64",
    "/usr/lib/debug/sbin",
    "/usr/lib/debug/usr/.dwz",
    "/usr/tmp",
    "/var/lock",
    "/var/mail",
    "/var/run",
];

/// Directories Debian's `base-files` (bookworm, trixie) creates in its `postinst` and no
/// package ships. Sorted.
pub const DEBIAN_UNOWNED_DIRS: &[&str] = &[
    "/etc/opt",
    "/media",
    "/mnt",
    "/opt",
    "/run/lock",
    "/srv",
    "/usr/local",
    "/usr/local/bin",
    "/usr/local/etc",
    "/usr/local/games",
    "/usr/local/include",
    "/usr/local/lib",
    "/usr/local/sbin",
    "/usr/local/share",
    "/usr/local/share/man",
    "/usr/local/src",
    "/var/mail",
    "/var/opt",
];

/// Is `path` (absolute, normalised) a directory or directory symlink of the base system: in
/// [`FILESYSTEM_DIRS`], [`FILESYSTEM_LINKS`] or [`DEBIAN_UNOWNED_DIRS`], or one of the
/// `filesystem` package's locale directories?
pub fn is_system_dir(path: &str) -> bool {
    let listed = |l: &[&str]| l.binary_search(&path).is_ok();
    if listed(FILESYSTEM_DIRS) || listed(FILESYSTEM_LINKS) || listed(DEBIAN_UNOWNED_DIRS) {
        return true;
    }
    let parts: Vec<&str> = path.split('/').skip(1).collect();
    match parts.as_slice() {
        ["usr", "share", "locale", _] | ["usr", "share", "locale", _, "LC_MESSAGES"] => true,
        ["usr", "share", "help", _] | ["usr", "share", "man", _] => true,
        ["usr", "share", "man", _, sect] => sect.starts_with("man"),
        _ => false,
    }
}

/// Is `path` one of [`DEBIAN_UNOWNED_DIRS`]?
pub fn is_debian_unowned(path: &str) -> bool {
    DEBIAN_UNOWNED_DIRS.binary_search(&path).is_ok()
}

/// The mode a base-system directory has on Debian and RPM systems alike: `1777` for the
/// world-writable temporary directories, `0700` for root's home, `0755` otherwise.
pub fn standard_mode(path: &str) -> u32 {
    match path {
        "/tmp" | "/var/tmp" | "/run/lock" => 0o1777,
        "/root" => 0o700,
        _ => 0o755,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_and_match() {
        for t in [FILESYSTEM_DIRS, FILESYSTEM_LINKS, DEBIAN_UNOWNED_DIRS] {
            assert!(t.windows(2).all(|w| w[0] < w[1]), "{t:?}");
        }
        for d in [
            "/",
            "/usr",
            "/usr/share/doc",
            "/opt",
            "/etc/pki",
            "/lib",
            "/usr/lib/systemd/system",
        ] {
            assert!(is_system_dir(d), "{d}");
        }
        assert!(is_system_dir("/usr/share/locale/de/LC_MESSAGES"));
        assert!(is_system_dir("/usr/share/man/de/man1"));
        for d in [
            "/opt/venvs",
            "/etc/myapp",
            "/usr/share/myapp",
            "/usr/share/locale/de/x",
        ] {
            assert!(!is_system_dir(d), "{d}");
        }
        assert!(is_debian_unowned("/opt") && !is_debian_unowned("/usr"));
    }
}
