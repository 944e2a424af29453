//! systemd units and the account a service runs as.

/// A systemd unit file the package ships (`--systemd-unit FILE`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemdUnit {
    /// The unit name, which is its file name (`app.service`, `app.timer`).
    pub name: String,
    /// The file's bytes (unit files are small).
    pub text: Vec<u8>,
}

/// The unit types systemd.unit(5) lists, as file-name suffixes.
pub const UNIT_SUFFIXES: [&str; 11] = [
    ".service",
    ".socket",
    ".device",
    ".mount",
    ".automount",
    ".swap",
    ".target",
    ".path",
    ".timer",
    ".slice",
    ".scope",
];

impl SystemdUnit {
    /// Is `name` a unit file name: ASCII letters, digits and `:-_.\@`, ending in one of
    /// [`UNIT_SUFFIXES`] (systemd.unit(5))?
    pub fn is_unit_name(name: &str) -> bool {
        name.chars()
            .all(|c| c.is_ascii_alphanumeric() || ":-_.\\@".contains(c))
            && UNIT_SUFFIXES
                .iter()
                .any(|s| name.len() > s.len() && name.ends_with(s))
    }

    /// Is it enabled (and started) on install? Only units with an `[Install]` section that are
    /// not templates (`name@.service`), as dh_installsystemd and `systemctl enable` decide.
    pub fn enablable(&self) -> bool {
        !self.name.contains("@.")
            && String::from_utf8_lossy(&self.text)
                .lines()
                .any(|l| l.trim() == "[Install]")
    }
}

/// The system account a service runs as (`--user`, `--group`, `--home`), created before the
/// files are unpacked and never deleted (Debian Policy §9.2.1: removing a user could leave
/// files owned by a reused uid).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceUser {
    /// The user name (Debian Policy §9.2: `[a-z_][a-z0-9_-]*`).
    pub name: String,
    /// Its primary group (default: the user name).
    pub group: String,
    /// Its home directory, created and owned by it when given; `/nonexistent` otherwise.
    pub home: Option<String>,
}

/// Services: units, what the maintainer scripts do with them, and the account they run as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// Units to install, in command-line order.
    pub units: Vec<SystemdUnit>,
    /// Enable units on install (`--no-systemd-enable` turns it off).
    pub enable: bool,
    /// Start units on install (`--no-systemd-start` turns it off).
    pub start: bool,
    /// Restart units after an upgrade; otherwise stop before it and start after
    /// (`--no-systemd-restart-after-upgrade`).
    pub restart_after_upgrade: bool,
    /// The system account to create.
    pub user: Option<ServiceUser>,
    /// A system group to create without a user (`--group` alone).
    pub group: Option<String>,
}

impl Default for Service {
    fn default() -> Self {
        Service {
            units: Vec::new(),
            enable: true,
            start: true,
            restart_after_upgrade: true,
            user: None,
            group: None,
        }
    }
}

impl Service {
    /// Does the package need any service handling in its scripts?
    pub fn is_empty(&self) -> bool {
        self.units.is_empty() && self.user.is_none() && self.group.is_none()
    }
}
