package io.ippipe.common.crypto;

/**
 * KIASU-BC: AES-128 with a 64-bit tweak XORed into every round key, as ipcrypt-nd specifies.
 *
 * <p>Hand-written because no JCE provider or well-kept JVM library offers a tweakable AES (the
 * draft's Java port has no Maven Central artifact and adds nothing beyond this round function).
 * Encryption uses the usual 32-bit T-tables; decryption is the plain byte-wise inverse cipher,
 * as only key holders run it. Key schedule per instance, tweak per call. With an all-zero tweak
 * this is AES-128, which the tests check against the JCE. Not thread-safe (scratch state).
 */
final class KiasuBc {
  private static final int[] SBOX = new int[256];
  private static final int[] INV_SBOX = new int[256];
  private static final int[] TE0 = new int[256];
  private static final int[] TE1 = new int[256];
  private static final int[] TE2 = new int[256];
  private static final int[] TE3 = new int[256];
  private static final int[] RCON = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36};

  static {
    // The S-box from its definition (multiplicative inverse, then the affine map), rather than
    // 256 typed constants.
    int p = 1;
    int q = 1;
    do {
      p = (p ^ (p << 1) ^ ((p & 0x80) != 0 ? 0x1b : 0)) & 0xff;
      q ^= q << 1;
      q ^= q << 2;
      q ^= q << 4;
      q &= 0xff;
      if ((q & 0x80) != 0) {
        q ^= 0x09;
      }
      int x = q ^ rotl8(q, 1) ^ rotl8(q, 2) ^ rotl8(q, 3) ^ rotl8(q, 4);
      SBOX[p] = (x ^ 0x63) & 0xff;
    } while (p != 1);
    SBOX[0] = 0x63;
    for (int i = 0; i < 256; i++) {
      INV_SBOX[SBOX[i]] = i;
      int s = SBOX[i];
      int s2 = xtime(s);
      int t = (s2 << 24) | (s << 16) | (s << 8) | (s2 ^ s);
      TE0[i] = t;
      TE1[i] = Integer.rotateRight(t, 8);
      TE2[i] = Integer.rotateRight(t, 16);
      TE3[i] = Integer.rotateRight(t, 24);
    }
  }

  private final int[] roundKeys = new int[44];
  private final byte[] state = new byte[16];

  KiasuBc(byte[] key) {
    if (key.length != 16) {
      throw new IllegalArgumentException("KIASU-BC needs a 16-byte key, got " + key.length);
    }
    for (int i = 0; i < 4; i++) {
      roundKeys[i] = readInt(key, 4 * i);
    }
    for (int i = 4; i < 44; i++) {
      int t = roundKeys[i - 1];
      if (i % 4 == 0) {
        t = subWord(Integer.rotateLeft(t, 8)) ^ (RCON[i / 4 - 1] << 24);
      }
      roundKeys[i] = roundKeys[i - 4] ^ t;
    }
  }

  /** Encrypts in[inOff..+16) under an 8-byte tweak into out[outOff..+16). */
  void encrypt(byte[] tweak, int tweakOff, byte[] in, int inOff, byte[] out, int outOff) {
    int t0 = tweakWord(tweak, tweakOff);
    int t1 = tweakWord(tweak, tweakOff + 2);
    int t2 = tweakWord(tweak, tweakOff + 4);
    int t3 = tweakWord(tweak, tweakOff + 6);
    int[] rk = roundKeys;
    int s0 = readInt(in, inOff) ^ rk[0] ^ t0;
    int s1 = readInt(in, inOff + 4) ^ rk[1] ^ t1;
    int s2 = readInt(in, inOff + 8) ^ rk[2] ^ t2;
    int s3 = readInt(in, inOff + 12) ^ rk[3] ^ t3;
    for (int r = 1; r < 10; r++) {
      int k = 4 * r;
      int n0 = TE0[s0 >>> 24] ^ TE1[(s1 >>> 16) & 0xff] ^ TE2[(s2 >>> 8) & 0xff] ^ TE3[s3 & 0xff]
          ^ rk[k] ^ t0;
      int n1 = TE0[s1 >>> 24] ^ TE1[(s2 >>> 16) & 0xff] ^ TE2[(s3 >>> 8) & 0xff] ^ TE3[s0 & 0xff]
          ^ rk[k + 1] ^ t1;
      int n2 = TE0[s2 >>> 24] ^ TE1[(s3 >>> 16) & 0xff] ^ TE2[(s0 >>> 8) & 0xff] ^ TE3[s1 & 0xff]
          ^ rk[k + 2] ^ t2;
      int n3 = TE0[s3 >>> 24] ^ TE1[(s0 >>> 16) & 0xff] ^ TE2[(s1 >>> 8) & 0xff] ^ TE3[s2 & 0xff]
          ^ rk[k + 3] ^ t3;
      s0 = n0;
      s1 = n1;
      s2 = n2;
      s3 = n3;
    }
    writeInt(out, outOff, lastRound(s0, s1, s2, s3) ^ rk[40] ^ t0);
    writeInt(out, outOff + 4, lastRound(s1, s2, s3, s0) ^ rk[41] ^ t1);
    writeInt(out, outOff + 8, lastRound(s2, s3, s0, s1) ^ rk[42] ^ t2);
    writeInt(out, outOff + 12, lastRound(s3, s0, s1, s2) ^ rk[43] ^ t3);
  }

  /** Inverts {@link #encrypt} for the same tweak. */
  void decrypt(byte[] tweak, int tweakOff, byte[] in, int inOff, byte[] out, int outOff) {
    byte[] s = state;
    System.arraycopy(in, inOff, s, 0, 16);
    addRoundKey(s, 10, tweak, tweakOff);
    for (int r = 9; r >= 1; r--) {
      invShiftRowsSubBytes(s);
      addRoundKey(s, r, tweak, tweakOff);
      invMixColumns(s);
    }
    invShiftRowsSubBytes(s);
    addRoundKey(s, 0, tweak, tweakOff);
    System.arraycopy(s, 0, out, outOff, 16);
  }

  private void addRoundKey(byte[] s, int round, byte[] tweak, int tweakOff) {
    for (int c = 0; c < 4; c++) {
      int w = roundKeys[4 * round + c] ^ tweakWord(tweak, tweakOff + 2 * c);
      s[4 * c] ^= (byte) (w >>> 24);
      s[4 * c + 1] ^= (byte) (w >>> 16);
      s[4 * c + 2] ^= (byte) (w >>> 8);
      s[4 * c + 3] ^= (byte) w;
    }
  }

  private static void invShiftRowsSubBytes(byte[] s) {
    byte[] t = s.clone();
    for (int c = 0; c < 4; c++) {
      for (int r = 0; r < 4; r++) {
        // Row r moves right by r columns.
        s[4 * c + r] = (byte) INV_SBOX[t[4 * ((c - r + 4) & 3) + r] & 0xff];
      }
    }
  }

  private static void invMixColumns(byte[] s) {
    for (int c = 0; c < 4; c++) {
      int a0 = s[4 * c] & 0xff;
      int a1 = s[4 * c + 1] & 0xff;
      int a2 = s[4 * c + 2] & 0xff;
      int a3 = s[4 * c + 3] & 0xff;
      s[4 * c] = (byte) (mul(a0, 14) ^ mul(a1, 11) ^ mul(a2, 13) ^ mul(a3, 9));
      s[4 * c + 1] = (byte) (mul(a0, 9) ^ mul(a1, 14) ^ mul(a2, 11) ^ mul(a3, 13));
      s[4 * c + 2] = (byte) (mul(a0, 13) ^ mul(a1, 9) ^ mul(a2, 14) ^ mul(a3, 11));
      s[4 * c + 3] = (byte) (mul(a0, 11) ^ mul(a1, 13) ^ mul(a2, 9) ^ mul(a3, 14));
    }
  }

  /** The draft pads tweak T0..T7 as T0 T1 00 00 T2 T3 00 00 ...: one byte pair per column. */
  private static int tweakWord(byte[] tweak, int off) {
    return ((tweak[off] & 0xff) << 24) | ((tweak[off + 1] & 0xff) << 16);
  }

  private static int lastRound(int a, int b, int c, int d) {
    return (SBOX[a >>> 24] << 24) | (SBOX[(b >>> 16) & 0xff] << 16) | (SBOX[(c >>> 8) & 0xff] << 8)
        | SBOX[d & 0xff];
  }

  private static int subWord(int w) {
    return (SBOX[w >>> 24] << 24) | (SBOX[(w >>> 16) & 0xff] << 16) | (SBOX[(w >>> 8) & 0xff] << 8)
        | SBOX[w & 0xff];
  }

  private static int mul(int a, int b) {
    int r = 0;
    while (b != 0) {
      if ((b & 1) != 0) {
        r ^= a;
      }
      a = xtime(a);
      b >>>= 1;
    }
    return r;
  }

  private static int xtime(int a) {
    return ((a << 1) ^ ((a & 0x80) != 0 ? 0x1b : 0)) & 0xff;
  }

  private static int rotl8(int x, int n) {
    return ((x << n) | (x >>> (8 - n))) & 0xff;
  }

  private static int readInt(byte[] b, int off) {
    return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8)
        | (b[off + 3] & 0xff);
  }

  private static void writeInt(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }
}
