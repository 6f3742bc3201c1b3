//! Protection of personal data at rest (SECURITY.md D3–D4) and the keys behind it.
//!
//! * Field encryption: AES-256-GCM with a random 96-bit nonce per value and the column and
//!   row as associated data, so a ciphertext copied to another row or column fails to open.
//!   Stored form: `[format=1][key version u32 BE][nonce 12][ciphertext+tag]`; the key version
//!   travels with each value so rotated keys keep old rows readable until re-encrypted.
//! * Blind index: HMAC-SHA-256 under a separate key over a kind tag and the normalised value,
//!   for exact lookup and uniqueness without storing the value.
//! * Audit chain key: HMAC key for the audit hash chain (E3). It may live in its own file
//!   (`keys.audit_key_file`) so that whoever holds the data keys cannot re-sign the chain.
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
    /// The audit key lives in its own file, so [`Keys::write_file`] leaves it out.
    audit_separate: bool,
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
    /// Absent when the audit key lives in `keys.audit_key_file`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    audit_key: Option<String>,
}

/// The separate audit key file.
#[derive(Serialize, Deserialize)]
struct AuditKeyFile {
    audit_key: String,
}

/// Checks that a key file is readable by its owner only.
fn check_private(path: &Path) -> Result<(), KeyError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|e| file_error(path, e.to_string()))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(file_error(
                path,
                format!("permissions {:o} are too open; expected 600", mode & 0o777),
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

fn file_error(path: &Path, message: String) -> KeyError {
    KeyError::File {
        path: path.display().to_string(),
        message,
    }
}

/// Writes `bytes` to `path` through a temporary file created with mode 0600, synced and
/// renamed into place, so the file is never readable by others nor half written.
pub fn write_private_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    {
        let mut file = private_options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}

/// Open options that create a file with mode 0600 (owner read and write only).
pub fn private_options() -> std::fs::OpenOptions {
    #[allow(unused_mut)]
    let mut opts = std::fs::OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts
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
            audit_separate: false,
        }
    }

    /// Keys from configuration, else from the key file, else generated into the key file
    /// with mode 0600 on first start. With `keys.audit_key_file` the audit key comes from that
    /// file; an installation that had it in the key file moves it there (same key, so the
    /// chain keeps verifying) and the key file is rewritten without it.
    pub fn load_or_create(config: &Config) -> Result<Keys, KeyError> {
        let audit_file = config.audit_key_file();
        if let (Some(f), Some(i)) = (&config.keys.field_key, &config.keys.index_key) {
            let mut field = BTreeMap::new();
            field.insert(1, parse_hex_key(&f.0, "keys.field_key")?);
            let (audit, audit_separate) = match (&config.keys.audit_key, &audit_file) {
                (Some(a), _) => (parse_hex_key(&a.0, "keys.audit_key")?, false),
                (None, Some(path)) if path.exists() => (read_audit_key_file(path)?, true),
                (None, Some(path)) => {
                    let k = random_key();
                    write_audit_key_file(path, &k)?;
                    (k, true)
                }
                (None, None) => {
                    return Err(KeyError::Material(
                        "keys.audit_key or keys.audit_key_file is required".into(),
                    ));
                }
            };
            return Ok(Keys {
                field,
                current: 1,
                index: parse_hex_key(&i.0, "keys.index_key")?,
                audit,
                audit_separate,
            });
        }
        let path = config.key_file();
        let (mut keys, in_file) = if path.exists() {
            Keys::read_file_parts(&path, audit_file.as_deref())?
        } else {
            let keys = Keys::generate();
            if audit_file.is_none() {
                keys.write_file(&path)?;
            }
            tracing::info!(path = %path.display(), "generated new key file");
            (keys, true)
        };
        if let Some(apath) = audit_file {
            if apath.exists() {
                let a = read_audit_key_file(&apath)?;
                if in_file && a[..] != keys.audit[..] {
                    return Err(file_error(
                        &apath,
                        "the audit key differs from the one in the key file".into(),
                    ));
                }
                keys.audit = a;
            } else if in_file {
                write_audit_key_file(&apath, &keys.audit)?;
                tracing::info!(path = %apath.display(), "audit key moved to its own file");
            } else {
                return Err(file_error(
                    &apath,
                    "missing, and the key file holds no audit key".into(),
                ));
            }
            keys.audit_separate = true;
            if in_file || !path.exists() {
                keys.write_file(&path)?;
            }
        } else if !in_file {
            return Err(file_error(
                &path,
                "holds no audit key: set keys.audit_key_file to the file that does".into(),
            ));
        }
        Ok(keys)
    }

    /// Reads a key file that holds the audit key too.
    pub fn read_file(path: &Path) -> Result<Keys, KeyError> {
        match Keys::read_file_parts(path, None)? {
            (k, true) => Ok(k),
            _ => Err(file_error(path, "holds no audit key".into())),
        }
    }

    /// Reads a key file; the flag says whether it held the audit key (else a placeholder
    /// stands in, to be replaced from the audit key file).
    fn read_file_parts(path: &Path, audit_file: Option<&Path>) -> Result<(Keys, bool), KeyError> {
        let err = |m: String| file_error(path, m);
        check_private(path)?;
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
        let (audit, in_file) = match &f.audit_key {
            Some(a) => (parse_hex_key(a, "audit_key")?, true),
            None => (Zeroizing::new([0u8; 32]), false),
        };
        Ok((
            Keys {
                field,
                current: f.current_field_key,
                index: parse_hex_key(&f.index_key, "index_key")?,
                audit,
                audit_separate: audit_file.is_some(),
            },
            in_file,
        ))
    }

    /// Writes the key file (mode 0600, atomically); the audit key is left out when it lives
    /// in its own file.
    pub fn write_file(&self, path: &Path) -> Result<(), KeyError> {
        let err = |m: String| file_error(path, m);
        let f = KeyFile {
            cipher: "aes-256-gcm".into(),
            current_field_key: self.current,
            field_keys: self
                .field
                .iter()
                .map(|(v, k)| (v.to_string(), hex::encode(k.as_ref())))
                .collect(),
            index_key: hex::encode(self.index.as_ref()),
            audit_key: (!self.audit_separate).then(|| hex::encode(self.audit.as_ref())),
        };
        let text =
            Zeroizing::new(serde_json::to_string_pretty(&f).map_err(|e| err(e.to_string()))?);
        write_private_file(path, text.as_bytes()).map_err(|e| err(e.to_string()))
    }

    /// Whether the audit key lives apart from the data keys.
    pub fn audit_key_is_separate(&self) -> bool {
        self.audit_separate
    }

    /// Versions of the field keys held (old ones stay for reading until retired).
    pub fn field_versions(&self) -> Vec<u32> {
        self.field.keys().copied().collect()
    }

    /// Drops every field key but the current one (after a finished rotation).
    pub fn retire_old_field_keys(&mut self) -> Vec<u32> {
        let old: Vec<u32> = self
            .field
            .keys()
            .copied()
            .filter(|v| *v != self.current)
            .collect();
        for v in &old {
            self.field.remove(v);
        }
        old
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

fn read_audit_key_file(path: &Path) -> Result<Zeroizing<[u8; 32]>, KeyError> {
    check_private(path)?;
    let text =
        Zeroizing::new(std::fs::read_to_string(path).map_err(|e| file_error(path, e.to_string()))?);
    let f: AuditKeyFile =
        serde_json::from_str(&text).map_err(|e| file_error(path, e.to_string()))?;
    parse_hex_key(&f.audit_key, "audit_key")
}

fn write_audit_key_file(path: &Path, key: &[u8; 32]) -> Result<(), KeyError> {
    let f = AuditKeyFile {
        audit_key: hex::encode(key),
    };
    let text = Zeroizing::new(
        serde_json::to_string_pretty(&f).map_err(|e| file_error(path, e.to_string()))?,
    );
    write_private_file(path, text.as_bytes()).map_err(|e| file_error(path, e.to_string()))
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
    use std::path::PathBuf;

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

    #[cfg(unix)]
    fn mode(p: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[cfg(not(unix))]
    fn mode(_: &Path) -> u32 {
        0o600
    }

    #[test]
    fn the_audit_key_moves_to_its_own_file_and_stays_the_same_key() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::default();
        config.server.data_dir = dir.path().join("data");
        // An existing installation: one key file with all keys.
        let k = Keys::load_or_create(&config).unwrap();
        let key_file = config.key_file();
        assert_eq!(mode(&key_file), 0o600);
        assert!(
            std::fs::read_to_string(&key_file)
                .unwrap()
                .contains("audit_key")
        );
        let mac = k.audit_mac(&[b"row"]);
        let seal = k.seal(b"c", b"13812345678");
        assert!(!k.audit_key_is_separate());

        // Configured to keep the audit key apart: it moves, unchanged.
        let audit_file = dir.path().join("audit-key").join("audit.json");
        config.keys.audit_key_file = audit_file.clone();
        config.validate().unwrap();
        let k2 = Keys::load_or_create(&config).unwrap();
        assert!(k2.audit_key_is_separate());
        assert_eq!(k2.audit_mac(&[b"row"]), mac);
        assert_eq!(k2.open(b"c", &seal).unwrap().as_slice(), b"13812345678");
        assert_eq!(mode(&audit_file), 0o600);
        assert_eq!(mode(&key_file), 0o600);
        let data_file = std::fs::read_to_string(&key_file).unwrap();
        assert!(!data_file.contains("audit_key"), "{data_file}");
        assert!(!data_file.contains(&hex::encode(k.audit.as_ref())));
        // And keeps working from the two files.
        let k3 = Keys::load_or_create(&config).unwrap();
        assert_eq!(k3.audit_mac(&[b"row"]), mac);
        // A rotation's rewrite of the key file leaves the audit key out.
        let mut k4 = Keys::load_or_create(&config).unwrap();
        k4.rotate_field_key();
        k4.write_file(&key_file).unwrap();
        assert!(
            !std::fs::read_to_string(&key_file)
                .unwrap()
                .contains("audit_key")
        );
        assert_eq!(
            Keys::load_or_create(&config).unwrap().audit_mac(&[b"row"]),
            mac
        );

        // The data key file alone no longer signs the chain.
        config.keys.audit_key_file = PathBuf::new();
        assert!(Keys::load_or_create(&config).is_err());
        // A lost audit key file is an error, not a silently new key.
        config.keys.audit_key_file = audit_file.clone();
        std::fs::remove_file(&audit_file).unwrap();
        assert!(Keys::load_or_create(&config).is_err());
        // An audit key file readable by others is refused.
        std::fs::write(
            &audit_file,
            format!("{{\"audit_key\":\"{}\"}}", hex::encode([7u8; 32])),
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&audit_file, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(Keys::load_or_create(&config).is_err());
        }
    }

    #[test]
    fn a_new_installation_with_a_separate_audit_key_writes_two_private_files() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::default();
        config.server.data_dir = dir.path().join("data");
        config.keys.audit_key_file = dir.path().join("secadmin").join("audit.json");
        let k = Keys::load_or_create(&config).unwrap();
        assert!(k.audit_key_is_separate());
        assert_eq!(mode(&config.key_file()), 0o600);
        assert_eq!(mode(&config.keys.audit_key_file), 0o600);
        assert!(
            !std::fs::read_to_string(config.key_file())
                .unwrap()
                .contains("audit_key")
        );
        let again = Keys::load_or_create(&config).unwrap();
        assert_eq!(again.audit_mac(&[b"x"]), k.audit_mac(&[b"x"]));
        assert_eq!(again.blind_index("phone", "1"), k.blind_index("phone", "1"));
    }

    #[test]
    fn retiring_keeps_only_the_current_field_key() {
        let mut k = Keys::generate();
        let old = k.seal(b"c", b"x");
        k.rotate_field_key();
        let new = k.seal(b"c", b"x");
        assert_eq!(k.field_versions(), vec![1, 2]);
        assert_eq!(k.retire_old_field_keys(), vec![1]);
        assert_eq!(k.field_versions(), vec![2]);
        assert_eq!(k.open(b"c", &old), Err(OpenError::UnknownKey(1)));
        assert_eq!(k.open(b"c", &new).unwrap().as_slice(), b"x");
    }
}
