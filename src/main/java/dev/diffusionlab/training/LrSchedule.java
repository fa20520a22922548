package dev.diffusionlab.training;

/** A learning rate as a function of the number of updates already made (0 for the first). */
public sealed interface LrSchedule {

  /** The learning rate of update {@code step} (0-based). */
  double at(long step);

  /**
   * {@code initial * factor^(epoch / epochs)}, constant within an epoch, in float: torch's {@code
   * ExponentialLR} stepped once per epoch (B2.1: decay to 0.1 over training; factor 1 is constant).
   */
  record ExponentialPerEpoch(double initial, double finalFactor, int epochs, int stepsPerEpoch)
      implements LrSchedule {
    @Override
    public double at(long step) {
      return atEpoch((int) (step / stepsPerEpoch));
    }

    /** The rate during epoch {@code epoch} (0-based). */
    public float atEpoch(int epoch) {
      if (epochs == 0) {
        return (float) initial;
      }
      return (float) (initial * Math.pow(finalFactor, (double) epoch / epochs));
    }
  }

  /**
   * A linear warm-up to {@code peak} over {@code warmupSteps} updates, then a cosine decay to a
   * tenth of it at {@code totalSteps} (and a tenth after).
   */
  record WarmupCosine(double peak, long warmupSteps, long totalSteps) implements LrSchedule {
    @Override
    public double at(long step) {
      if (step < warmupSteps) {
        return peak * (step + 1) / warmupSteps;
      }
      double fraction = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
      double cosine = 0.5 * (1 + Math.cos(Math.PI * Math.min(1, fraction)));
      return peak * (0.1 + 0.9 * cosine);
    }
  }
}
