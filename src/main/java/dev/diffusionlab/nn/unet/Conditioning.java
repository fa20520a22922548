package dev.diffusionlab.nn.unet;

/** What a part B UNet is conditioned on besides the noisy image. */
public enum Conditioning {
  /** B1: the one-step denoiser sees only the noisy image. */
  NONE,
  /** B2.1: the normalised time t/T enters through two FCBlocks. */
  TIME,
  /** B2.4: time plus a one-hot class through two more FCBlocks. */
  TIME_AND_CLASS;

  /** Whether the network takes a time input. */
  public boolean usesTime() {
    return this != NONE;
  }

  /** Whether the network takes a one-hot class input. */
  public boolean usesClass() {
    return this == TIME_AND_CLASS;
  }
}
