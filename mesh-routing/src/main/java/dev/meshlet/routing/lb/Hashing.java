package dev.meshlet.routing.lb;

/** 64-bit hashing for hash keys and ring positions: FNV-1a over the chars, then a strong mix. */
final class Hashing {

  private Hashing() {}

  static long hash64(CharSequence s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      h = (h ^ (c & 0xff)) * 0x100000001b3L;
      h = (h ^ (c >>> 8)) * 0x100000001b3L;
    }
    return mix(h);
  }

  /** SplitMix64's finalizer: spreads every input bit over the output, so nearby keys scatter. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
