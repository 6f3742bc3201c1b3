// RFC 6238 TOTP (HMAC-SHA1 by default) and RFC 4648 base32, written for the
// browser tests so they can pass the staff second factor without a phone.
import { createHmac } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Decodes RFC 4648 base32; case, spaces, dashes and '=' padding are ignored. */
export function base32Decode(text) {
  const clean = String(text).toUpperCase().replace(/[\s=-]/g, '');
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const idx = ALPHABET.indexOf(ch);
    if (idx < 0) throw new Error(`not a base32 character: ${JSON.stringify(ch)}`);
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** HOTP (RFC 4226) for a key (Buffer) and a counter. */
export function hotp(key, counter, { digits = 6, algorithm = 'sha1' } = {}) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, key).update(msg).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const bin = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  return String(bin % 10 ** digits).padStart(digits, '0');
}

/** The TOTP counter (time step number) at a time in milliseconds. */
export function totpCounter(nowMs = Date.now(), period = 30) {
  return Math.floor(nowMs / 1000 / period);
}

/** TOTP code for a base32 secret at a time in milliseconds. */
export function totp(secretBase32, nowMs = Date.now(), { period = 30, digits = 6, algorithm = 'sha1' } = {}) {
  return hotp(base32Decode(secretBase32), totpCounter(nowMs, period), { digits, algorithm });
}

/** Reads secret, period, digits and algorithm from an otpauth:// URI. */
export function parseOtpauth(uri) {
  const u = new URL(uri);
  const p = u.searchParams;
  return {
    secret: p.get('secret'),
    period: Number(p.get('period') || 30),
    digits: Number(p.get('digits') || 6),
    algorithm: (p.get('algorithm') || 'SHA1').toLowerCase(),
  };
}
