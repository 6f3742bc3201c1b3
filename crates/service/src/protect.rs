//! Protection of personal data at rest (SECURITY.md D3–D4) and the keys behind it.
//!
//! * Field encryption: AES-256-GCM with a random 96-bit nonce per value and the column and
//!   row as associated data, so a ciphertext copied to another row or column fails to open.
//!   Stored form: `[format=1][key version u32 BE][nonce 12][ciphertext+tag]`; the key version
//!   travels with each value so rotated keys keep old rows readable until re-encrypted.
//! * Blind index: HMAC-SHA-256 under a separate key over a kind tag and the normalised value,
//!   for exact lookup and uniqueness without storing the value.
//! * Audit chain key: HMAC key for the audit hash chain (E3).
//!
//! The cipher is a setting (`keys.cipher`) so SM4-GCM can be added for 密评.

use std::collections::BTreeMap;
use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::config::Config;

type HmacSha256 = Hmac<Sha256>;

const FORMAT_AES_256_GCM: u8 = 1;

/// The platform's keys. Never printed: `Debug` shows only versions.
pub struct Keys {
    field: BTreeMap<u32, Zeroizing<[u8; 32]>>,
    current: u32,
    index: Zeroizing<[u8; 32]>,
    audit: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys")
            .field("field_versions", &self.field.keys().collect::<Vec<_>>())
            .field("current", &self.current)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("key file {path}: {message}")]
    File { path: String, message: String },
    #[error("key material: {0}")]
    Material(String),
}

/// Errors opening a protected value.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OpenError {
    #[error("ciphertext is malformed")]
    Malformed,
    #[error("no key with version {0}")]
    UnknownKey(u32),
    #[error("integrity check failed")]
    Integrity,
}

#[derive(Serialize, Deserialize)]
struct KeyFile {
    cipher: String,
    current_field_key: u32,
    field_keys: BTreeMap<String, String>,
    index_key: String,
    audit_key: String,
}

fn random_key() -> Zeroizing<[u8; 32]> {
    let mut k = Zeroizing::new([0u8; 32]);
    rand::rngs::OsRng.fill_bytes(k.as_mut());
    k
}

fn parse_hex_key(s: &str, what: &str) -> Result<Zeroizing<[u8; 32]>, KeyError> {
    let bytes = Zeroizing::new(
        hex::decode(s.trim()).map_err(|_| KeyError::Material(format!("{what} is not hex")))?,
    );
    if bytes.len() != 32 {
        return Err(KeyError::Material(format!(
            "{what} must be 32 bytes (64 hex characters)"
        )));
    }
    let mut k = Zeroizing::new([0u8; 32]);
    k.copy_from_slice(&bytes);
    Ok(k)
}

impl Keys {
    /// Fresh random keys (tests, and the first start of a new installation).
    pub fn generate() -> Keys {
        let mut field = BTreeMap::new();
        field.insert(1, random_key());
        Keys {
            field,
            current: 1,
            index: random_key(),
            audit: random_key(),
        }
    }

    /// Keys from configuration, else from the key file, else generated into the key file
    /// with mode 0600 on first start.
    pub fn load_or_create(config: &Config) -> Result<Keys, KeyError> {
        if let (Some(f), Some(i), Some(a)) = (
            &config.keys.field_key,
            &config.keys.index_key,
            &config.keys.audit_key,
        ) {
            let mut field = BTreeMap::new();
            field.insert(1, parse_hex_key(&f.0, "keys.field_key")?);
            return Ok(Keys {
                field,
                current: 1,
                index: parse_hex_key(&i.0, "keys.index_key")?,
                audit: parse_hex_key(&a.0, "keys.audit_key")?,
            });
        }
        let path = config.key_file();
        if path.exists() {
            Keys::read_file(&path)
        } else {
            let keys = Keys::generate();
            keys.write_file(&path)?;
            tracing::info!(path = %path.display(), "generated new key file");
            Ok(keys)
        }
    }

    pub fn read_file(path: &Path) -> Result<Keys, KeyError> {
        let err = |m: String| KeyError::File {
            path: path.display().to_string(),
            message: m,
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path)
                .map_err(|e| err(e.to_string()))?
                .permissions()
                .mode();
            if mode & 0o077 != 0 {
                return Err(err(format!(
                    "permissions {:o} are too open; expected 600",
                    mode & 0o777
                )));
            }
        }
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?);
        let f: KeyFile = serde_json::from_str(&text).map_err(|e| err(e.to_string()))?;
        if f.cipher != "aes-256-gcm" {
            return Err(err(format!("cipher {:?} is not available", f.cipher)));
        }
        let mut field = BTreeMap::new();
        for (v, k) in &f.field_keys {
            let v: u32 = v
                .parse()
                .map_err(|_| err(format!("bad key version {v:?}")))?;
            field.insert(v, parse_hex_key(k, "field key")?);
        }
        if !field.contains_key(&f.current_field_key) {
            return Err(err("current_field_key has no key".into()));
        }
        Ok(Keys {
            field,
            current: f.current_field_key,
            index: parse_hex_key(&f.index_key, "index_key")?,
            audit: parse_hex_key(&f.audit_key, "audit_key")?,
        })
    }

    pub fn write_file(&self, path: &Path) -> Result<(), KeyError> {
        let err = |m: String| KeyError::File {
            path: path.display().to_string(),
            message: m,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| err(e.to_string()))?;
        }
        let f = KeyFile {
            cipher: "aes-256-gcm".into(),
            current_field_key: self.current,
            field_keys: self
                .field
                .iter()
                .map(|(v, k)| (v.to_string(), hex::encode(k.as_ref())))
                .collect(),
            index_key: hex::encode(self.index.as_ref()),
            audit_key: hex::encode(self.audit.as_ref()),
        };
        let text =
            Zeroizing::new(serde_json::to_string_pretty(&f).map_err(|e| err(e.to_string()))?);
        let tmp = path.with_extension("tmp");
        {
            use std::io::Write;
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let mut file = opts.open(&tmp).map_err(|e| err(e.to_string()))?;
            file.write_all(text.as_bytes())
                .map_err(|e| err(e.to_string()))?;
            file.sync_all().map_err(|e| err(e.to_string()))?;
        }
        std::fs::rename(&tmp, path).map_err(|e| err(e.to_string()))?;
        Ok(())
    }

    /// Adds a new field key and makes it current; old keys stay for reading.
    pub fn rotate_field_key(&mut self) -> u32 {
        let next = self.current + 1;
        self.field.insert(next, random_key());
        self.current = next;
        next
    }

    pub fn current_field_version(&self) -> u32 {
        self.current
    }

    /// Encrypts `plain` bound to `context` (column and row id).
    pub fn seal(&self, context: &[u8], plain: &[u8]) -> Vec<u8> {
        let key = &self.field[&self.current];
        let cipher = Aes256Gcm::new_from_slice(key.as_ref()).expect("32-byte key");
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ct = cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: context,
                },
            )
            .expect("AES-GCM encryption of a short value cannot fail");
        let mut out = Vec::with_capacity(1 + 4 + 12 + ct.len());
        out.push(FORMAT_AES_256_GCM);
        out.extend_from_slice(&self.current.to_be_bytes());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        out
    }

    /// Decrypts and authenticates a value sealed with [`Keys::seal`] under the same context.
    pub fn open(&self, context: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, OpenError> {
        if sealed.len() < 1 + 4 + 12 + 16 || sealed[0] != FORMAT_AES_256_GCM {
            return Err(OpenError::Malformed);
        }
        let version = u32::from_be_bytes([sealed[1], sealed[2], sealed[3], sealed[4]]);
        let key = self
            .field
            .get(&version)
            .ok_or(OpenError::UnknownKey(version))?;
        let cipher = Aes256Gcm::new_from_slice(key.as_ref()).expect("32-byte key");
        cipher
            .decrypt(
                Nonce::from_slice(&sealed[5..17]),
                Payload {
                    msg: &sealed[17..],
                    aad: context,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| OpenError::Integrity)
    }

    /// Key version a sealed value was made with.
    pub fn sealed_version(sealed: &[u8]) -> Option<u32> {
        (sealed.len() >= 5)
            .then(|| u32::from_be_bytes([sealed[1], sealed[2], sealed[3], sealed[4]]))
    }

    /// Keyed blind index of a normalised value of one kind (`id_number`, `phone`, `login`).
    pub fn blind_index(&self, kind: &str, normalised: &str) -> Vec<u8> {
        let mut mac =
            <HmacSha256 as Mac>::new_from_slice(self.index.as_ref()).expect("any key length");
        mac.update(kind.as_bytes());
        mac.update(&[0]);
        mac.update(normalised.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// The MAC of a file handed to another system (a bank batch): HMAC-SHA256 under a key
    /// derived from the audit key for this purpose, as lowercase hex.
    pub fn file_mac(&self, purpose: &str, content: &[u8]) -> String {
        let mut derive =
            <HmacSha256 as Mac>::new_from_slice(self.audit.as_ref()).expect("any key length");
        derive.update(b"linghuo file mac v1\0");
        derive.update(purpose.as_bytes());
        let subkey = derive.finalize().into_bytes();
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&subkey).expect("any key length");
        mac.update(content);
        hex::encode(mac.finalize().into_bytes())
    }

    /// The MAC of a stateless value the server hands out and must recognise again (the
    /// anonymous visitor's session token and its CSRF token): HMAC-SHA256 under a key derived
    /// from the index key for this purpose.
    pub fn token_mac(&self, purpose: &str, content: &[u8]) -> [u8; 32] {
        let mut derive =
            <HmacSha256 as Mac>::new_from_slice(self.index.as_ref()).expect("any key length");
        derive.update(b"linghuo token mac v1\0");
        derive.update(purpose.as_bytes());
        let subkey = derive.finalize().into_bytes();
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&subkey).expect("any key length");
        mac.update(content);
        mac.finalize().into_bytes().into()
    }

    /// HMAC under the audit key (the audit hash chain).
    pub fn audit_mac(&self, parts: &[&[u8]]) -> Vec<u8> {
        let mut mac =
            <HmacSha256 as Mac>::new_from_slice(self.audit.as_ref()).expect("any key length");
        for p in parts {
            mac.update(p);
        }
        mac.finalize().into_bytes().to_vec()
    }
}

/// Associated data for a protected column of a row.
pub fn context(column: &str, row: &uuid::Uuid) -> Vec<u8> {
    let mut c = Vec::with_capacity(column.len() + 17);
    c.extend_from_slice(column.as_bytes());
    c.push(0);
    c.extend_from_slice(row.as_bytes());
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_round_trip_and_integrity() {
        let k = Keys::generate();
        let row = uuid::Uuid::new_v4();
        let ctx = context("persons.id_number", &row);
        let s = k.seal(&ctx, b"140105199003071234");
        assert_eq!(k.open(&ctx, &s).unwrap().as_slice(), b"140105199003071234");
        // Every byte of the ciphertext is covered by the tag.
        for i in 5..s.len() {
            let mut t = s.clone();
            t[i] ^= 1;
            assert!(k.open(&ctx, &t).is_err(), "byte {i}");
        }
        // Moving the value to another row or column fails.
        assert_eq!(
            k.open(&context("persons.id_number", &uuid::Uuid::new_v4()), &s),
            Err(OpenError::Integrity)
        );
        assert_eq!(
            k.open(&context("persons.phone", &row), &s),
            Err(OpenError::Integrity)
        );
        // Two seals of one value differ (random nonce).
        assert_ne!(k.seal(&ctx, b"x"), k.seal(&ctx, b"x"));
    }

    #[test]
    fn rotation_keeps_old_values_readable() {
        let mut k = Keys::generate();
        let ctx = b"c".to_vec();
        let old = k.seal(&ctx, b"13812345678");
        assert_eq!(k.rotate_field_key(), 2);
        let new = k.seal(&ctx, b"13812345678");
        assert_eq!(Keys::sealed_version(&old), Some(1));
        assert_eq!(Keys::sealed_version(&new), Some(2));
        assert_eq!(k.open(&ctx, &old).unwrap().as_slice(), b"13812345678");
        assert_eq!(k.open(&ctx, &new).unwrap().as_slice(), b"13812345678");
    }

    #[test]
    fn key_file_is_private_and_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.json");
        let k = Keys::generate();
        k.write_file(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let back = Keys::read_file(&path).unwrap();
        assert_eq!(
            back.blind_index("id_number", "X"),
            k.blind_index("id_number", "X")
        );
        assert_ne!(k.blind_index("id_number", "X"), k.blind_index("phone", "X"));
    }
}
