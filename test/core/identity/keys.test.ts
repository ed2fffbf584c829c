import { describe, expect, it } from 'vitest';
import {
  checkMqttPassword,
  equalBytes,
  fromBase64Url,
  fromHex,
  generateKeyPair,
  KeyError,
  mqttPassword,
  publicKeyOf,
  randomPassword,
  sharedSecret,
  toBase64Url,
  toHex,
} from '../../../src/core/identity/keys';

const seed = (b: number) => new Uint8Array(32).fill(b);

describe('identity keys', () => {
  it('makes Ed25519 key pairs, deterministic from a seed and fresh without one', () => {
    const a = generateKeyPair(seed(1));
    expect(a.secretKey.length).toBe(32);
    expect(a.publicKey.length).toBe(32);
    expect(publicKeyOf(a.secretKey)).toEqual(a.publicKey);
    expect(generateKeyPair(seed(1)).publicKey).toEqual(a.publicKey);
    expect(generateKeyPair().publicKey).not.toEqual(generateKeyPair().publicKey);
    expect(() => generateKeyPair(new Uint8Array(31))).toThrow(KeyError);
  });

  it('derives the same X25519 shared secret on both sides', () => {
    const a = generateKeyPair(seed(2));
    const b = generateKeyPair(seed(3));
    const c = generateKeyPair(seed(4));
    expect(sharedSecret(a.secretKey, b.publicKey)).toEqual(sharedSecret(b.secretKey, a.publicKey));
    expect(sharedSecret(a.secretKey, b.publicKey)).not.toEqual(sharedSecret(a.secretKey, c.publicKey));
  });

  it('MQTT passwords verify against the public key only, for that swarm and id only', () => {
    const a = generateKeyPair(seed(5));
    const pw = mqttPassword('demo', 7, a.secretKey);
    expect(pw).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(mqttPassword('demo', 7, a.secretKey)).toBe(pw); // deterministic: recomputed at every start
    expect(checkMqttPassword('demo', 7, a.publicKey, pw)).toBe(true);
    expect(checkMqttPassword('demo', 7, a.publicKey, new TextEncoder().encode(pw))).toBe(true);
    expect(checkMqttPassword('demo', 8, a.publicKey, pw)).toBe(false);
    expect(checkMqttPassword('other', 7, a.publicKey, pw)).toBe(false);
    expect(checkMqttPassword('demo', 7, generateKeyPair(seed(6)).publicKey, pw)).toBe(false);
    const flipped = (pw[0] === 'A' ? 'B' : 'A') + pw.slice(1);
    expect(checkMqttPassword('demo', 7, a.publicKey, flipped)).toBe(false);
    for (const bad of [undefined, '', 'x'.repeat(86), '!'.repeat(86), `${pw}A`, new Uint8Array([0xff, 0xfe])]) {
      expect(checkMqttPassword('demo', 7, a.publicKey, bad)).toBe(false);
    }
  });

  it('hex and base64url round-trip and refuse bad input', () => {
    const bytes = new Uint8Array(Array.from({ length: 37 }, (_, i) => (i * 53) & 0xff));
    expect(fromHex(toHex(bytes), 37, 'x')).toEqual(bytes);
    expect(() => fromHex('abc', 2, 'x')).toThrow(KeyError);
    expect(() => fromHex('zz', 1, 'x')).toThrow(KeyError);
    for (let n = 0; n < 10; n++) {
      const b = bytes.subarray(0, n);
      expect(toBase64Url(b)).toBe(Buffer.from(b).toString('base64url'));
      expect(fromBase64Url(toBase64Url(b))).toEqual(b);
    }
    expect(fromBase64Url('a')).toBeNull();
    expect(fromBase64Url('ab+c')).toBeNull();
    expect(randomPassword()).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(equalBytes('abc', 'abc')).toBe(true);
    expect(equalBytes('abc', 'abd')).toBe(false);
    expect(equalBytes(new Uint8Array([1]), new Uint8Array([1, 0]))).toBe(false);
  });
});

describe('public key validation', () => {
  it('refuses non-canonical and small-order keys', async () => {
    const { isValidPublicKey } = await import('../../../src/core/identity/keys');
    expect(isValidPublicKey(generateKeyPair(seed(9)).publicKey)).toBe(true);
    expect(isValidPublicKey(new Uint8Array(32).fill(0xff))).toBe(false); // y ≥ p
    const identity = new Uint8Array(32);
    identity[0] = 1;
    expect(isValidPublicKey(identity)).toBe(false); // the neutral point, order 1
    expect(isValidPublicKey(new Uint8Array(31))).toBe(false);
  });
});
