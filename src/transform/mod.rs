//! Passes over the [`crate::model::Package`] between source and targets: relocation of a venv
//! and the dependencies pkgr can prove. Each pass reads and rewrites only the model.

pub mod elf;
pub mod python;
pub mod relocate;
