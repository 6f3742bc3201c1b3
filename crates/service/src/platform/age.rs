//! Encryption of bank files to the bank's public key in the age v1 format (X25519 recipient),
//! so the bank opens them with the standard `age` tool and its own identity, and a file that
//! leaks between the bureau and the bank is useless without the bank's key.
//!
//! Written from the public format description (age-encryption.org/v1): a random 16-byte file
//! key is wrapped for the recipient with X25519 + HKDF-SHA256 + ChaCha20-Poly1305, the header
//! is authenticated with HMAC-SHA256 under a key derived from the file key, and the payload is
//! encrypted in 64 KiB ChaCha20-Poly1305 chunks (the STREAM construction).

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

const VERSION_LINE: &str = "age-encryption.org/v1";
const X25519_INFO: &[u8] = b"age-encryption.org/v1/X25519";
const CHUNK: usize = 64 * 1024;
const RECIPIENT_HRP: &str = "age";
const IDENTITY_HRP: &str = "age-secret-key-";

/// An age X25519 recipient (`age1…`): the bank's public key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recipient([u8; 32]);

/// An age X25519 identity (`AGE-SECRET-KEY-1…`): the bank's secret key. The platform holds
/// none in production; it exists here for tests and for `linghuo bank keygen` on the bank's
/// side.
pub struct Identity(Zeroizing<[u8; 32]>);

impl Recipient {
    pub fn parse(s: &str) -> Result<Recipient, String> {
        let (hrp, data) = bech32_decode(s.trim())?;
        if hrp != RECIPIENT_HRP {
            return Err("不是 age 公钥（应以 age1 开头）".into());
        }
        let key: [u8; 32] = data.try_into().map_err(|_| "age 公钥长度不对".to_owned())?;
        Ok(Recipient(key))
    }

    pub fn encode(&self) -> String {
        bech32_encode(RECIPIENT_HRP, &self.0)
    }
}

impl Identity {
    pub fn generate() -> Identity {
        let mut k = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(&mut *k);
        Identity(k)
    }

    pub fn parse(s: &str) -> Result<Identity, String> {
        let (hrp, data) = bech32_decode(&s.trim().to_lowercase())?;
        if hrp != IDENTITY_HRP {
            return Err("不是 age 私钥".into());
        }
        let key: [u8; 32] = data.try_into().map_err(|_| "age 私钥长度不对".to_owned())?;
        Ok(Identity(Zeroizing::new(key)))
    }

    pub fn encode(&self) -> String {
        bech32_encode(IDENTITY_HRP, &*self.0).to_uppercase()
    }

    pub fn recipient(&self) -> Recipient {
        let secret = StaticSecret::from(*self.0);
        Recipient(PublicKey::from(&secret).to_bytes())
    }
}

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("any key length");
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().into()
}

/// HKDF-SHA256 (RFC 5869) with a 32-byte output.
fn hkdf32(salt: &[u8], ikm: &[u8], info: &[u8]) -> Zeroizing<[u8; 32]> {
    let prk = Zeroizing::new(hmac_sha256(salt, &[ikm]));
    Zeroizing::new(hmac_sha256(&*prk, &[info, &[1u8]]))
}

fn wrap_key(shared: &[u8; 32], share: &[u8; 32], recipient: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    let mut salt = [0u8; 64];
    salt[..32].copy_from_slice(share);
    salt[32..].copy_from_slice(recipient);
    hkdf32(&salt, shared, X25519_INFO)
}

fn stream_nonce(counter: u64, last: bool) -> [u8; 12] {
    let mut n = [0u8; 12];
    n[3..11].copy_from_slice(&counter.to_be_bytes());
    n[11] = u8::from(last);
    n
}

/// Encrypts `plain` to one recipient. The output is the binary age format.
pub fn encrypt(recipient: &Recipient, plain: &[u8]) -> Vec<u8> {
    let mut rng = rand::rngs::OsRng;
    let mut file_key = Zeroizing::new([0u8; 16]);
    rng.fill_bytes(&mut *file_key);
    let mut eph = Zeroizing::new([0u8; 32]);
    rng.fill_bytes(&mut *eph);
    let eph = StaticSecret::from(*eph);
    let share = PublicKey::from(&eph).to_bytes();
    let shared = eph.diffie_hellman(&PublicKey::from(recipient.0));
    let wk = wrap_key(shared.as_bytes(), &share, &recipient.0);
    let wrapped = ChaCha20Poly1305::new(Key::from_slice(&*wk))
        .encrypt(Nonce::from_slice(&[0u8; 12]), file_key.as_slice())
        .expect("in-memory encryption");
    let mut header = format!(
        "{VERSION_LINE}\n-> X25519 {}\n{}\n---",
        STANDARD_NO_PAD.encode(share),
        STANDARD_NO_PAD.encode(&wrapped)
    );
    let mac_key = hkdf32(&[], &*file_key, b"header");
    let mac = hmac_sha256(&*mac_key, &[header.as_bytes()]);
    header.push(' ');
    header.push_str(&STANDARD_NO_PAD.encode(mac));
    header.push('\n');
    let mut out = header.into_bytes();
    let mut nonce = [0u8; 16];
    rng.fill_bytes(&mut nonce);
    out.extend_from_slice(&nonce);
    let payload_key = hkdf32(&nonce, &*file_key, b"payload");
    let cipher = ChaCha20Poly1305::new(Key::from_slice(&*payload_key));
    let chunks: Vec<&[u8]> = if plain.is_empty() {
        vec![&[]]
    } else {
        plain.chunks(CHUNK).collect()
    };
    let n = chunks.len();
    for (i, c) in chunks.into_iter().enumerate() {
        let ct = cipher
            .encrypt(Nonce::from_slice(&stream_nonce(i as u64, i + 1 == n)), c)
            .expect("in-memory encryption");
        out.extend_from_slice(&ct);
    }
    out
}

/// Decrypts a file made for this identity (the bank's side; used by tests and the CLI).
pub fn decrypt(identity: &Identity, file: &[u8]) -> Result<Vec<u8>, String> {
    let bad = || "不是有效的 age 加密文件，或不是加密给这把私钥的".to_owned();
    // The header is text up to the MAC line.
    let mac_at = find(file, b"\n--- ").ok_or_else(bad)?;
    let end = mac_at
        + 5
        + file[mac_at + 5..]
            .iter()
            .position(|b| *b == b'\n')
            .ok_or_else(bad)?;
    let header = std::str::from_utf8(&file[..end]).map_err(|_| bad())?;
    let mut lines = header.lines();
    if lines.next() != Some(VERSION_LINE) {
        return Err(bad());
    }
    let secret = StaticSecret::from(*identity.0);
    let me = PublicKey::from(&secret).to_bytes();
    let mut file_key: Option<Zeroizing<Vec<u8>>> = None;
    let mut mac_line = None;
    while let Some(line) = lines.next() {
        if let Some(mac) = line.strip_prefix("--- ") {
            mac_line = Some(mac);
            break;
        }
        let args: Vec<&str> = line
            .strip_prefix("-> ")
            .ok_or_else(bad)?
            .split(' ')
            .collect();
        let body = lines.next().ok_or_else(bad)?;
        if args.first() != Some(&"X25519") || args.len() != 2 || file_key.is_some() {
            continue;
        }
        let share: [u8; 32] = STANDARD_NO_PAD
            .decode(args[1])
            .ok()
            .and_then(|v| v.try_into().ok())
            .ok_or_else(bad)?;
        let wrapped = STANDARD_NO_PAD.decode(body).map_err(|_| bad())?;
        let shared = secret.diffie_hellman(&PublicKey::from(share));
        let wk = wrap_key(shared.as_bytes(), &share, &me);
        if let Ok(k) = ChaCha20Poly1305::new(Key::from_slice(&*wk))
            .decrypt(Nonce::from_slice(&[0u8; 12]), wrapped.as_slice())
        {
            file_key = Some(Zeroizing::new(k));
        }
    }
    let file_key = file_key.ok_or_else(bad)?;
    let mac = STANDARD_NO_PAD
        .decode(mac_line.ok_or_else(bad)?)
        .map_err(|_| bad())?;
    let mac_key = hkdf32(&[], &file_key, b"header");
    let expect = hmac_sha256(&*mac_key, &[&file[..mac_at + 4]]);
    if mac != expect {
        return Err(bad());
    }
    let body = &file[end + 1..];
    if body.len() < 16 {
        return Err(bad());
    }
    let (nonce, mut rest) = body.split_at(16);
    let payload_key = hkdf32(nonce, &file_key, b"payload");
    let cipher = ChaCha20Poly1305::new(Key::from_slice(&*payload_key));
    let mut out = Vec::new();
    let mut counter = 0u64;
    loop {
        let take = rest.len().min(CHUNK + 16);
        let last = take == rest.len();
        let (c, tail) = rest.split_at(take);
        let p = cipher
            .decrypt(Nonce::from_slice(&stream_nonce(counter, last)), c)
            .map_err(|_| bad())?;
        out.extend_from_slice(&p);
        rest = tail;
        counter += 1;
        if last {
            return Ok(out);
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

// Bech32 (BIP 173), the encoding of age keys.

const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

fn polymod(values: &[u8]) -> u32 {
    const GEN: [u32; 5] = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
    let mut chk: u32 = 1;
    for v in values {
        let top = chk >> 25;
        chk = ((chk & 0x1ff_ffff) << 5) ^ u32::from(*v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
}

fn hrp_expand(hrp: &str) -> Vec<u8> {
    let mut v: Vec<u8> = hrp.bytes().map(|b| b >> 5).collect();
    v.push(0);
    v.extend(hrp.bytes().map(|b| b & 31));
    v
}

fn convert_bits(data: &[u8], from: u32, to: u32, pad: bool) -> Option<Vec<u8>> {
    let mut acc: u32 = 0;
    let mut bits = 0;
    let mut out = Vec::new();
    let maxv = (1u32 << to) - 1;
    for v in data {
        let v = u32::from(*v);
        if v >> from != 0 {
            return None;
        }
        acc = (acc << from) | v;
        bits += from;
        while bits >= to {
            bits -= to;
            out.push(((acc >> bits) & maxv) as u8);
        }
    }
    if pad {
        if bits > 0 {
            out.push(((acc << (to - bits)) & maxv) as u8);
        }
    } else if bits >= from || ((acc << (to - bits)) & maxv) != 0 {
        return None;
    }
    Some(out)
}

fn bech32_encode(hrp: &str, data: &[u8]) -> String {
    let five = convert_bits(data, 8, 5, true).expect("bytes convert");
    let mut values = hrp_expand(hrp);
    values.extend(&five);
    values.extend([0u8; 6]);
    let m = polymod(&values) ^ 1;
    let mut s = format!("{hrp}1");
    for d in five {
        s.push(CHARSET[d as usize] as char);
    }
    for i in 0..6 {
        s.push(CHARSET[((m >> (5 * (5 - i))) & 31) as usize] as char);
    }
    s
}

fn bech32_decode(s: &str) -> Result<(String, Vec<u8>), String> {
    let bad = || "密钥格式不对（bech32 校验失败）".to_owned();
    if s.chars().any(|c| c.is_ascii_uppercase()) && s.chars().any(|c| c.is_ascii_lowercase()) {
        return Err(bad());
    }
    let s = s.to_lowercase();
    let pos = s.rfind('1').ok_or_else(bad)?;
    let (hrp, rest) = (&s[..pos], &s[pos + 1..]);
    if hrp.is_empty() || rest.len() < 6 {
        return Err(bad());
    }
    let mut values = Vec::with_capacity(rest.len());
    for c in rest.bytes() {
        values.push(CHARSET.iter().position(|x| *x == c).ok_or_else(bad)? as u8);
    }
    let mut all = hrp_expand(hrp);
    all.extend(&values);
    if polymod(&all) != 1 {
        return Err(bad());
    }
    let data = convert_bits(&values[..values.len() - 6], 5, 8, false).ok_or_else(bad)?;
    Ok((hrp.to_owned(), data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_across_chunk_boundaries() {
        let id = Identity::generate();
        let r = Recipient::parse(&id.recipient().encode()).unwrap();
        for n in [0usize, 1, 100, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 7] {
            let plain: Vec<u8> = (0..n).map(|i| (i % 251) as u8).collect();
            let enc = encrypt(&r, &plain);
            assert!(enc.starts_with(b"age-encryption.org/v1\n-> X25519 "));
            assert_eq!(decrypt(&id, &enc).unwrap(), plain, "{n} bytes");
        }
    }

    #[test]
    fn another_key_or_a_flipped_byte_is_refused() {
        let id = Identity::generate();
        let other = Identity::generate();
        let enc = encrypt(&id.recipient(), "付款参考号,金额\n".as_bytes());
        assert!(decrypt(&other, &enc).is_err());
        let mut tampered = enc.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(decrypt(&id, &tampered).is_err());
    }

    #[test]
    fn keys_encode_and_parse_back() {
        let id = Identity::generate();
        let s = id.encode();
        assert!(s.starts_with("AGE-SECRET-KEY-1"), "{s}");
        let back = Identity::parse(&s).unwrap();
        assert_eq!(back.recipient(), id.recipient());
        let r = id.recipient().encode();
        assert!(r.starts_with("age1") && r.len() == 62, "{r}");
        let mut typo = r.clone();
        let last = typo.pop().unwrap();
        typo.push(if last == 'q' { 'p' } else { 'q' });
        assert!(
            Recipient::parse(&typo).is_err(),
            "a mistyped key fails its checksum"
        );
        assert!(Recipient::parse("age1notakey").is_err());
    }

    /// The same files open with the reference `age` tool (Debian package `age`; CI installs
    /// it), so the bank needs nothing from us to read them.
    #[test]
    fn the_age_tool_opens_our_files() {
        let have_age = std::process::Command::new("age")
            .arg("--version")
            .output()
            .is_ok();
        if !have_age {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must install the age tool"
            );
            eprintln!("age not installed: interoperability not checked here");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let id = Identity::generate();
        let key = dir.path().join("bank.key");
        std::fs::write(&key, format!("{}\n", id.encode())).unwrap();
        let plain = "付款参考号,收款人,账号,金额\nGR-1,张*,6222****1234,3279.96\n".repeat(3000);
        let enc = dir.path().join("batch.csv.age");
        std::fs::write(&enc, encrypt(&id.recipient(), plain.as_bytes())).unwrap();
        let out = std::process::Command::new("age")
            .arg("-d")
            .arg("-i")
            .arg(&key)
            .arg(&enc)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.stdout, plain.as_bytes());
        // And files the tool makes for us open here.
        let src = dir.path().join("plain.txt");
        std::fs::write(&src, "回执").unwrap();
        let made = dir.path().join("made.age");
        let status = std::process::Command::new("age")
            .arg("-r")
            .arg(id.recipient().encode())
            .arg("-o")
            .arg(&made)
            .arg(&src)
            .status()
            .unwrap();
        assert!(status.success());
        assert_eq!(
            decrypt(&id, &std::fs::read(&made).unwrap()).unwrap(),
            "回执".as_bytes()
        );
    }
}
