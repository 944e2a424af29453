//! What the passes learn about the payload: the venv, the Python it needs, the ELF files.

use super::*;
use std::collections::BTreeSet;

/// The Python interpreter the payload needs at run time: a venv's (from its `pyvenv.cfg`), or
/// the system's for modules installed into it (`-s python`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonRequirement {
    /// `3.11`.
    pub minor: String,
    /// `3.11.2`: the version that built the venv (the floor), or that the modules were
    /// installed with.
    pub full: String,
    /// `/usr/bin/python3.11`: the interpreter the venv's `bin/python3` points at, or the one
    /// the system modules' scripts name in their shebang (`/usr/bin/python3`).
    pub executable: String,
    /// Which Pythons can run the payload; each format names the dependency from it.
    pub kind: PythonUse,
}

/// Which Pythons can run a payload ([`PythonRequirement::kind`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PythonUse {
    /// A virtualenv: exactly the minor version that made it, at least the patch release that
    /// made it (deb `python3.X (>= X.Y.Z)`, rpm the file `/usr/bin/python3.X`).
    Venv,
    /// Modules in the system's Python 3 that any 3.x runs from `floor` on (pure Python, or
    /// stable-ABI `abi3` extensions): deb `python3:any (>= X.Y~)` for an `all` package (dh_python3's
    /// form; `python3` for an architecture-specific one), rpm `python(abi) >= X.Y`, or the
    /// interpreter's file without a floor.
    Any {
        /// `3.8` from `Requires-Python: >=3.8`, or from an `abi3` wheel's `cp38` tag.
        floor: Option<String>,
    },
    /// Extension modules built for one minor version's ABI (`cpython-311`): deb
    /// `python3 (>= 3.11~), python3 (<< 3.12)` as dh_python3 writes it, rpm `python(abi) = 3.11`.
    Minor,
}

/// One Python distribution installed for the system's interpreter (`-s python`), recorded by the
/// source for the Python pass (the interpreter dependency, the byte-code scripts) and the leak
/// scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemPython {
    /// Where its modules are (`--python-install-lib`, default `/usr/lib/python3/dist-packages`).
    pub lib: PkgPath,
    /// Its `*.dist-info` directory in `lib`, whose `RECORD` lists its files (relative to `lib`).
    pub dist_info: PkgPath,
    /// The interpreter, its version and which Pythons run the modules.
    pub python: PythonRequirement,
    /// Build-host paths no file may mention (the staging directory, in every spelling): errors.
    pub build_paths: Vec<Vec<u8>>,
    /// Build-host paths no file should mention (the project directory): warnings.
    pub watch_paths: Vec<Vec<u8>>,
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
