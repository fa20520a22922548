package dev.diffusionlab.nn;

/** Learning-rate schedules shared by the trainers. */
final class LearningRates {
  private LearningRates() {}

  /**
   * Cosine decay from {@code peak} to a tenth of it.
   *
   * @param fraction how far training has gone, from 0 to 1 (clamped)
   */
  static double cosineToTenth(double peak, double fraction) {
    double cosine = 0.5 * (1 + Math.cos(Math.PI * Math.min(1, fraction)));
    return peak * (0.1 + 0.9 * cosine);
  }
}
