//! pkgr's one integration-test binary: it runs the real `pkgr` and judges its packages with the
//! real tools (dpkg-deb, md5sum, lintian, dpkg -i).

mod cli;
mod common;
mod config;
mod convert;
mod convert_edges;
mod convert_hostile;
mod convert_real;
mod deb;
mod faults;
mod fpm_empty;
mod fpm_flags;
mod fpm_real;
mod fpm_venv;
mod golden;
mod hardening;
mod hostile;
mod newcomer;
mod ownership;
mod packaging;
mod perf;
mod piuparts;
mod props;
mod python;
mod repro;
mod rpm;
mod scripts;
mod services;
mod shlibs;
mod venv;
mod versions;
