//! ELF facts about the payload, read in pure Rust (goblin), never by running anything.
//!
//! For every ELF file: its SONAME, `DT_NEEDED` entries, RPATH/RUNPATH, the `GLIBC_x.y` symbol
//! versions it needs from `libc.so.6`, and whether it still has a symbol table. A NEEDED library
//! is *internal* when the payload provides it: a SONAME or file name of another ELF in the
//! package, or a file found through the ELF's `$ORIGIN`-expanded RPATH/RUNPATH (manylinux wheels'
//! `*.libs/` directories). Targets turn the external ones into dependencies in their own terms.

use std::collections::BTreeSet;
use std::io::Read;

use goblin::elf::Elf;

use crate::model::{Content, ElfFacts, ElfFile, EntryKind, Import, Package, PkgPath};

/// A failure reading a payload file.
#[derive(Debug, thiserror::Error)]
#[error("cannot read '{path}' to inspect it as ELF: {source}")]
pub struct ElfError {
    /// The file.
    pub path: String,
    /// The error.
    pub source: std::io::Error,
}

struct Raw {
    path: PkgPath,
    soname: Option<String>,
    needed: Vec<String>,
    search: Vec<String>,
    glibc: Option<Vec<u32>>,
    imports: Vec<Import>,
    version_needs: Vec<(String, String)>,
    gnu_hash_only: bool,
    unstripped: bool,
    is_64: bool,
}

/// Scans every regular file of `pkg` and returns the ELF facts. Files that start with the ELF
/// magic but do not parse are skipped (they are data to the loader too).
///
/// # Errors
/// [`ElfError`] if a payload file cannot be read.
pub fn scan(pkg: &Package) -> Result<ElfFacts, ElfError> {
    let mut raws = Vec::new();
    for e in &pkg.entries {
        let EntryKind::File { content, .. } = &e.kind else {
            continue;
        };
        let data = match content {
            Content::Bytes(b) => {
                if !b.starts_with(b"\x7fELF") {
                    continue;
                }
                b.clone()
            }
            Content::Path(p) => {
                let err = |source| ElfError {
                    path: p.path().display().to_string(),
                    source,
                };
                // One open: the magic, then the rest of the same file.
                let mut f = p.open().map_err(err)?;
                let mut data = vec![0u8; 4];
                if f.read_exact(&mut data).is_err() || data != b"\x7fELF" {
                    continue;
                }
                f.read_to_end(&mut data).map_err(err)?;
                data
            }
        };
        let Ok(elf) = Elf::parse(&data) else { continue };
        let mut glibc: Option<Vec<u32>> = None;
        if let Some(vr) = &elf.verneed {
            // Every glibc library (libc, libm, libpthread, ...) versions its symbols GLIBC_x.y,
            // and all of them ship in the C library package: the floor is the highest of all.
            for need in vr.iter() {
                for aux in need.iter() {
                    let Some(name) = elf.dynstrtab.get_at(aux.vna_name) else {
                        continue;
                    };
                    let Some(v) = name.strip_prefix("GLIBC_") else {
                        continue;
                    };
                    let nums: Option<Vec<u32>> = v.split('.').map(|n| n.parse().ok()).collect();
                    if let Some(n) = nums {
                        if glibc.as_ref().is_none_or(|g| n > *g) {
                            glibc = Some(n);
                        }
                    }
                }
            }
        }
        let imports = imports(&elf);
        let mut version_needs = Vec::new();
        if let Some(vr) = &elf.verneed {
            for need in vr.iter() {
                let Some(lib) = elf.dynstrtab.get_at(need.vn_file) else {
                    continue;
                };
                for aux in need.iter() {
                    if let Some(v) = elf.dynstrtab.get_at(aux.vna_name) {
                        version_needs.push((lib.to_string(), v.to_string()));
                    }
                }
            }
        }
        let gnu_hash_only = elf
            .dynamic
            .as_ref()
            .is_some_and(|d| d.info.gnu_hash.is_some() && d.info.hash.is_none());
        let unstripped = elf
            .section_headers
            .iter()
            .any(|s| elf.shdr_strtab.get_at(s.sh_name) == Some(".symtab"));
        raws.push(Raw {
            path: e.path.clone(),
            soname: elf.soname.map(str::to_string),
            needed: elf.libraries.iter().map(|s| s.to_string()).collect(),
            search: elf
                .runpaths
                .iter()
                .chain(elf.rpaths.iter())
                .flat_map(|r| r.split(':'))
                .map(str::to_string)
                .collect(),
            glibc,
            imports,
            version_needs,
            gnu_hash_only,
            unstripped,
            is_64: elf.is_64,
        });
    }
    let provided: BTreeSet<Vec<u8>> = raws
        .iter()
        .flat_map(|r| {
            let mut v = vec![r.path.file_name().to_vec()];
            if let Some(s) = &r.soname {
                v.push(s.as_bytes().to_vec());
            }
            v
        })
        .collect();
    let files = raws
        .into_iter()
        .map(|r| {
            let external: Vec<String> = r
                .needed
                .iter()
                .filter(|n| !provided.contains(n.as_bytes()) && !found_in_search(pkg, &r, n))
                .cloned()
                .collect();
            // Symbols bound (by version) to an internal library say nothing about the system.
            let imports = r
                .imports
                .into_iter()
                .filter(|i| i.library.as_ref().is_none_or(|l| external.contains(l)))
                .collect();
            let version_needs = r
                .version_needs
                .into_iter()
                .filter(|(lib, _)| external.contains(lib))
                .collect();
            ElfFile {
                path: r.path,
                soname: r.soname,
                external,
                imports,
                version_needs,
                gnu_hash_only: r.gnu_hash_only,
                glibc: r.glibc,
                unstripped: r.unstripped,
                is_64: r.is_64,
            }
        })
        .collect();
    Ok(ElfFacts { files })
}

/// The undefined dynamic symbols of `elf`, each with the version node and library its
/// `.gnu.version`/`.gnu.version_r` entries bind it to (ELF gABI, "Symbol Versioning" in the LSB
/// Core spec). Unversioned imports have neither and may come from any NEEDED library.
fn imports(elf: &Elf) -> Vec<Import> {
    let mut out = Vec::new();
    for (i, sym) in elf.dynsyms.iter().enumerate() {
        if sym.st_shndx != 0 || sym.st_name == 0 {
            continue;
        }
        let Some(name) = elf.dynstrtab.get_at(sym.st_name) else {
            continue;
        };
        let index = elf
            .versym
            .as_ref()
            .and_then(|v| v.get_at(i))
            .map_or(1, |v| v.version());
        let mut version = None;
        let mut library = None;
        if index > 1 {
            if let Some(vr) = &elf.verneed {
                for need in vr.iter() {
                    if let Some(aux) = need.iter().find(|a| a.vna_other == index) {
                        version = elf.dynstrtab.get_at(aux.vna_name).map(str::to_string);
                        library = elf.dynstrtab.get_at(need.vn_file).map(str::to_string);
                        break;
                    }
                }
            }
        }
        out.push(Import {
            name: name.to_string(),
            version,
            library,
            weak: sym.st_bind() == goblin::elf::sym::STB_WEAK,
        });
    }
    out
}

/// Is `needed` a file in one of the ELF's `$ORIGIN`-relative (or absolute) search directories?
fn found_in_search(pkg: &Package, r: &Raw, needed: &str) -> bool {
    let Some(origin) = r.path.parent() else {
        return false;
    };
    r.search.iter().any(|dir| {
        let expanded = dir
            .replace("${ORIGIN}", &origin.display())
            .replace("$ORIGIN", &origin.display());
        let Ok(base) = PkgPath::parse(&normalize(&expanded)) else {
            return false;
        };
        base.join(needed.as_bytes())
            .is_ok_and(|p| pkg.entry(&p).is_some())
    })
}

/// Collapses `..` lexically (`/a/b/../c` → `/a/c`).
fn normalize(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in p.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    format!("/{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Entry;

    #[test]
    fn reads_a_real_elf() {
        // The test binary itself is an ELF linked against libc.
        let exe = std::env::current_exe().unwrap();
        let size = std::fs::metadata(&exe).unwrap().len();
        let mut pkg = Package::default();
        let p = PkgPath::parse("/opt/x/bin/tool").unwrap();
        pkg.entries.push(Entry::file(
            p.clone(),
            Content::Path(crate::hostfs::SourceFile::stat(&exe).unwrap()),
            size,
            0o755,
        ));
        pkg.entries.push(Entry::bytes(
            PkgPath::parse("/opt/x/README").unwrap(),
            b"text".to_vec(),
            0o644,
        ));
        let facts = scan(&pkg).unwrap();
        assert_eq!(facts.files.len(), 1);
        assert!(facts.external_sonames().contains("libc.so.6"));
        let floor = facts.glibc_floor().unwrap();
        assert!(floor >= vec![2, 2], "{floor:?}");
        assert!(facts.files[0].is_64 == cfg!(target_pointer_width = "64"));
    }

    #[test]
    fn normalizes_origin_paths() {
        assert_eq!(normalize("/a/b/../c.libs"), "/a/c.libs");
        assert_eq!(normalize("/a/./b/"), "/a/b");
    }
}
