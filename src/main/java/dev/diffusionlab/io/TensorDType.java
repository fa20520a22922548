package dev.diffusionlab.io;

import java.util.Locale;
import java.util.Optional;

/** Element types that tensor files store, with the safetensors names and their sizes in bytes. */
public enum TensorDType {
  F64(8),
  F32(4),
  F16(2),
  BF16(2),
  I64(8),
  I32(4),
  I16(2),
  I8(1),
  U8(1),
  BOOL(1);

  private final int byteSize;

  TensorDType(int byteSize) {
    this.byteSize = byteSize;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** Whether the values are floating point (and so can be loaded as float32). */
  public boolean isFloatingPoint() {
    return this == F64 || this == F32 || this == F16 || this == BF16;
  }

  /** The type for a safetensors {@code dtype} string such as {@code "F16"}, if known. */
  public static Optional<TensorDType> fromSafetensorsName(String name) {
    try {
      return Optional.of(valueOf(name.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
