//! OpenPGP signatures of the rpm header (`format_v4.md`, "Signature": the `RSA` tag 268 for RSA
//! keys, the `DSA` tag 267 for DSA, ECDSA and EdDSA keys), made by the `rpm` crate's `pgp`
//! signer: no cryptography of pkgr's own.

use rpm::signature::Signing;

use super::tags;
use crate::format::FormatError;

fn key_err(key: &std::path::Path, e: impl std::fmt::Display) -> FormatError {
    FormatError::invalid("--rpm-sign-key", format!("'{}': {e}", key.display()))
}

/// Signs `header` (the main header's bytes) with the ASCII-armored secret key at `key`, the
/// passphrase from `PKGR_RPM_PASSPHRASE`, dated `mtime`; returns the signature tag and the
/// signature packet.
///
/// # Errors
/// [`FormatError::Invalid`] naming the key when it cannot be read, parsed, unlocked or used.
pub fn sign_header(
    key: &std::path::Path,
    header: &[u8],
    mtime: u32,
) -> Result<(u32, Vec<u8>), FormatError> {
    let text = crate::hostfs::read_regular(key).map_err(|e| key_err(key, e))?;
    let mut signer =
        rpm::signature::pgp::Signer::from_asc_bytes(&text).map_err(|e| key_err(key, e))?;
    if let Ok(p) = std::env::var("PKGR_RPM_PASSPHRASE") {
        signer = signer.with_key_passphrase(p);
    }
    let sig = signer
        .sign(header, rpm::Timestamp(mtime))
        .map_err(|e| key_err(key, e))?;
    let tag = match public_key_algorithm(&sig) {
        Some(1..=3) => tags::SIG_RSA,
        _ => tags::SIG_DSA,
    };
    Ok((tag, sig))
}

/// The public-key algorithm octet of an OpenPGP signature packet (RFC 9580 §5.2.3: after the
/// packet header come the version, the signature type and the algorithm): 1-3 RSA, 17 DSA,
/// 19 ECDSA, 22 EdDSA (legacy), 27 Ed25519.
fn public_key_algorithm(packet: &[u8]) -> Option<u8> {
    let first = *packet.first()?;
    let body = if first & 0x40 != 0 {
        // New format: one-, two- or five-octet length.
        match *packet.get(1)? {
            0..=191 => 2,
            192..=223 => 3,
            255 => 6,
            _ => return None,
        }
    } else {
        // Old format: the length type in the low two bits.
        match first & 3 {
            0 => 2,
            1 => 3,
            2 => 5,
            _ => return None,
        }
    };
    packet.get(body + 2).copied()
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_the_algorithm_octet() {
        // Old format, one-octet length: version 4, type 0, algorithm 1 (RSA).
        assert_eq!(super::public_key_algorithm(&[0x88, 9, 4, 0, 1, 8]), Some(1));
        // New format, one-octet length: algorithm 22 (EdDSA).
        assert_eq!(
            super::public_key_algorithm(&[0xc2, 9, 4, 0, 22, 8]),
            Some(22)
        );
        // Old format, two-octet length.
        assert_eq!(super::public_key_algorithm(&[0x89, 0, 9, 4, 0, 1]), Some(1));
    }
}
