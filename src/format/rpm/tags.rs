//! The header and signature tags pkgr writes, with rpm's numbers (`include/rpm/rpmtag.h`,
//! documented in the RPM docs' `tags.md` and `format_v4.md`).

#![allow(missing_docs)]

// Region tags.
pub const HEADERSIGNATURES: u32 = 62;
pub const HEADERIMMUTABLE: u32 = 63;
pub const HEADERI18NTABLE: u32 = 100;

// Signature header (`format_v4.md`, "Signature").
pub const SIG_DSA: u32 = 267;
pub const SIG_RSA: u32 = 268;
pub const SIG_SHA1: u32 = 269;
pub const SIG_LONGSIZE: u32 = 270;
pub const SIG_LONGARCHIVESIZE: u32 = 271;
pub const SIG_SHA256: u32 = 273;
pub const SIG_SIZE: u32 = 1000;
pub const SIG_MD5: u32 = 1004;
pub const SIG_PAYLOADSIZE: u32 = 1007;
pub const SIG_RESERVEDSPACE: u32 = 1008;

// Main header.
pub const NAME: u32 = 1000;
pub const VERSION: u32 = 1001;
pub const RELEASE: u32 = 1002;
pub const EPOCH: u32 = 1003;
pub const SUMMARY: u32 = 1004;
pub const DESCRIPTION: u32 = 1005;
pub const BUILDTIME: u32 = 1006;
pub const BUILDHOST: u32 = 1007;
pub const SIZE: u32 = 1009;
pub const VENDOR: u32 = 1011;
pub const LICENSE: u32 = 1014;
pub const PACKAGER: u32 = 1015;
pub const GROUP: u32 = 1016;
pub const URL: u32 = 1020;
pub const OS: u32 = 1021;
pub const ARCH: u32 = 1022;
pub const PREIN: u32 = 1023;
pub const POSTIN: u32 = 1024;
pub const PREUN: u32 = 1025;
pub const POSTUN: u32 = 1026;
pub const FILESIZES: u32 = 1028;
pub const FILEMODES: u32 = 1030;
pub const FILERDEVS: u32 = 1033;
pub const FILEMTIMES: u32 = 1034;
pub const FILEDIGESTS: u32 = 1035;
pub const FILELINKTOS: u32 = 1036;
pub const FILEFLAGS: u32 = 1037;
pub const FILEUSERNAME: u32 = 1039;
pub const FILEGROUPNAME: u32 = 1040;
pub const SOURCERPM: u32 = 1044;
pub const FILEVERIFYFLAGS: u32 = 1045;
pub const PROVIDENAME: u32 = 1047;
pub const REQUIREFLAGS: u32 = 1048;
pub const REQUIRENAME: u32 = 1049;
pub const REQUIREVERSION: u32 = 1050;
pub const CONFLICTFLAGS: u32 = 1053;
pub const CONFLICTNAME: u32 = 1054;
pub const CONFLICTVERSION: u32 = 1055;
pub const RPMVERSION: u32 = 1064;
pub const CHANGELOGTIME: u32 = 1080;
pub const CHANGELOGNAME: u32 = 1081;
pub const CHANGELOGTEXT: u32 = 1082;
pub const PREINPROG: u32 = 1085;
pub const POSTINPROG: u32 = 1086;
pub const PREUNPROG: u32 = 1087;
pub const POSTUNPROG: u32 = 1088;
pub const OBSOLETENAME: u32 = 1090;
pub const FILEDEVICES: u32 = 1095;
pub const FILEINODES: u32 = 1096;
pub const FILELANGS: u32 = 1097;
pub const PROVIDEFLAGS: u32 = 1112;
pub const PROVIDEVERSION: u32 = 1113;
pub const OBSOLETEFLAGS: u32 = 1114;
pub const OBSOLETEVERSION: u32 = 1115;
pub const DIRINDEXES: u32 = 1116;
pub const BASENAMES: u32 = 1117;
pub const DIRNAMES: u32 = 1118;
pub const PAYLOADFORMAT: u32 = 1124;
pub const PAYLOADCOMPRESSOR: u32 = 1125;
pub const PAYLOADFLAGS: u32 = 1126;
pub const LONGFILESIZES: u32 = 5008;
pub const LONGSIZE: u32 = 5009;
pub const FILEDIGESTALGO: u32 = 5011;
pub const RECOMMENDNAME: u32 = 5046;
pub const RECOMMENDVERSION: u32 = 5047;
pub const RECOMMENDFLAGS: u32 = 5048;
pub const SUGGESTNAME: u32 = 5049;
pub const SUGGESTVERSION: u32 = 5050;
pub const SUGGESTFLAGS: u32 = 5051;
pub const ENCODING: u32 = 5062;
pub const PAYLOADDIGEST: u32 = 5092;
pub const PAYLOADDIGESTALGO: u32 = 5093;
pub const PAYLOADDIGESTALT: u32 = 5097;

/// `PGPHASHALGO_SHA256`, the digest algorithm of `FILEDIGESTS` and the payload digests.
pub const HASH_SHA256: u32 = 8;

// Dependency flags (`include/rpm/rpmds.h`, `rpmsenseFlags`).
pub const SENSE_LESS: u32 = 1 << 1;
pub const SENSE_GREATER: u32 = 1 << 2;
pub const SENSE_EQUAL: u32 = 1 << 3;
pub const SENSE_INTERP: u32 = 1 << 8;
pub const SENSE_SCRIPT_PRE: u32 = 1 << 9;
pub const SENSE_SCRIPT_POST: u32 = 1 << 10;
pub const SENSE_SCRIPT_PREUN: u32 = 1 << 11;
pub const SENSE_SCRIPT_POSTUN: u32 = 1 << 12;
pub const SENSE_RPMLIB: u32 = 1 << 24;
pub const SENSE_CONFIG: u32 = 1 << 28;
