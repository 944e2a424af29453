//! What the passes learn about the payload: the venv, the Python it needs, the ELF files.

use super::*;
use std::collections::BTreeSet;

/// The Python interpreter a venv in the payload needs at run time (from its `pyvenv.cfg`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonRequirement {
    /// `3.11`.
    pub minor: String,
    /// `3.11.2`: the version that built the venv, the floor.
    pub full: String,
    /// `/usr/bin/python3.11`: the interpreter the venv's `bin/python3` points at.
    pub executable: String,
}

/// Facts about a Python virtual environment inside the package, recorded by the source for the
/// relocation and dependency transforms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VenvInfo {
    /// Where the venv is installed (`/opt/venvs/<name>`).
    pub prefix: PkgPath,
    /// Every absolute path the venv was built or seen at (the staging directory, its canonical
    /// form, the path recorded in `pyvenv.cfg`); all of them are rewritten to `prefix`.
    pub build_paths: Vec<Vec<u8>>,
    /// Other build-host paths that should not appear in the payload (the app's source directory):
    /// found ones are warnings, not errors.
    pub watch_paths: Vec<Vec<u8>>,
}

/// ELF facts about the payload, filled by [`crate::transform::elf`]; targets turn them into
/// dependencies in their own terms.
/// What one ELF file needs and provides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElfFile {
    /// Where it is installed.
    pub path: PkgPath,
    /// `DT_SONAME`, for shared libraries.
    pub soname: Option<String>,
    /// `DT_NEEDED` entries not provided by the payload.
    pub external: Vec<String>,
    /// Undefined dynamic symbols it imports from external libraries (or unversioned ones, which
    /// may come from any of them), for symbols-file version floors (deb-symbols(5)).
    pub imports: Vec<Import>,
    /// `(library, version node)` pairs from `.gnu.version_r` for external libraries
    /// (`("libc.so.6", "GLIBC_2.14")`), in file order.
    pub version_needs: Vec<(String, String)>,
    /// Has `DT_GNU_HASH` but no `DT_HASH` (rpm's elfdeps then requires `rtld(GNU_HASH)`).
    pub gnu_hash_only: bool,
    /// Highest `GLIBC_x.y[.z]` symbol version needed from glibc's libraries (libc, libm, ...).
    pub glibc: Option<Vec<u32>>,
    /// Does it still carry a `.symtab` (lintian: unstripped)?
    pub unstripped: bool,
    /// 64-bit ELF class.
    pub is_64: bool,
}

/// One undefined dynamic symbol of an ELF file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The symbol name (`deflate`).
    pub name: String,
    /// Its version node (`ZLIB_1.2.0`, `GLIBC_2.14`), when the import is versioned.
    pub version: Option<String>,
    /// The library the version node belongs to (`vn_file`: `libz.so.1`), when versioned.
    pub library: Option<String>,
    /// A weak reference (`STB_WEAK`): allowed to stay unresolved.
    pub weak: bool,
}

/// ELF facts for the whole payload (empty when it has no ELF files).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ElfFacts {
    /// Every ELF file, in payload order.
    pub files: Vec<ElfFile>,
}

impl ElfFacts {
    /// The highest glibc version any file needs (`[2, 14]`), if any file links libc.
    pub fn glibc_floor(&self) -> Option<Vec<u32>> {
        self.files.iter().filter_map(|f| f.glibc.clone()).max()
    }

    /// Every external soname, sorted and unique.
    pub fn external_sonames(&self) -> BTreeSet<String> {
        self.files
            .iter()
            .flat_map(|f| f.external.iter().cloned())
            .collect::<BTreeSet<String>>()
    }
}
