package dev.diffusionlab.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/** Converts little-endian stored elements to a native-order float32 buffer for the engine. */
final class ElementConversion {
  private ElementConversion() {}

  /**
   * Returns a direct, native-order byte buffer holding one float32 per stored element.
   *
   * @param littleEndian the raw bytes, position at the first element
   */
  static ByteBuffer toFloat32(ByteBuffer littleEndian, TensorDType dtype) {
    ByteBuffer in = littleEndian.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int count = in.remaining() / dtype.byteSize();
    ByteBuffer bytes =
        ByteBuffer.allocateDirect(Math.multiplyExact(count, Float.BYTES))
            .order(ByteOrder.nativeOrder());
    FloatBuffer out = bytes.asFloatBuffer();
    switch (dtype) {
      case F32 -> out.put(in.asFloatBuffer());
      case F16 -> {
        for (int i = 0; i < count; i++) {
          out.put(HalfFloats.halfToFloat(in.getShort()));
        }
      }
      case BF16 -> {
        for (int i = 0; i < count; i++) {
          out.put(HalfFloats.bfloat16ToFloat(in.getShort()));
        }
      }
      case F64 -> {
        for (int i = 0; i < count; i++) {
          out.put((float) in.getDouble());
        }
      }
      default -> throw new IllegalArgumentException("not a floating-point dtype: " + dtype);
    }
    return bytes;
  }
}
