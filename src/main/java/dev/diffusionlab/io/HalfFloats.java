package dev.diffusionlab.io;

/** Exact conversions from the 16-bit float formats (IEEE half, bfloat16) to float32. */
public final class HalfFloats {
  private HalfFloats() {}

  /** The float32 value of IEEE 754 half-precision bits (every half is exactly representable). */
  public static float halfToFloat(short bits) {
    int h = bits & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exponent = (h >>> 10) & 0x1f;
    int mantissa = h & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      // Subnormal halves are m * 2^-24; the float product is exact.
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** The float32 value of bfloat16 bits (the upper half of a float32). */
  public static float bfloat16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }
}
