package dev.diffusionlab.nn.unet;

/**
 * The size and conditioning of a part B UNet.
 *
 * @param hidden the hidden width D (the assignment uses 128 for the one-step denoiser, 64 for the
 *     time- and class-conditioned ones)
 * @param conditioning what besides the image the network sees
 * @param numClasses the length of the one-hot class vector (10 for MNIST)
 */
public record UNetConfig(int hidden, Conditioning conditioning, int numClasses) {
  /** MNIST images are 28×28 with one channel; the UNet's two down steps need a multiple of 4. */
  public static final int IMAGE_SIZE = 28;

  public UNetConfig {
    if (hidden < 1) {
      throw new IllegalArgumentException("hidden size D must be positive, got " + hidden);
    }
    if (numClasses < 1) {
      throw new IllegalArgumentException("numClasses must be positive, got " + numClasses);
    }
  }

  /** An MNIST UNet (10 classes). */
  public static UNetConfig mnist(int hidden, Conditioning conditioning) {
    return new UNetConfig(hidden, conditioning, 10);
  }
}
