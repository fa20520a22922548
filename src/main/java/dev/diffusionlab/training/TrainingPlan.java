package dev.diffusionlab.training;

/**
 * How long and how fast to train.
 *
 * @param epochs passes over the training images
 * @param batchSize images per step; the last incomplete batch of an epoch is dropped
 * @param learningRate Adam's initial learning rate
 * @param finalLearningRateFactor the learning rate after the last epoch relative to the first
 *     (B2.1: exponential decay to 0.1 over training; 1 keeps it constant)
 * @param trainSize how many training images each epoch uses
 */
public record TrainingPlan(
    int epochs, int batchSize, double learningRate, double finalLearningRateFactor, int trainSize) {
  public TrainingPlan {
    if (epochs < 0 || batchSize < 1 || trainSize < batchSize || !(learningRate > 0)) {
      throw new IllegalArgumentException(
          "invalid plan: epochs "
              + epochs
              + ", batch size "
              + batchSize
              + ", train size "
              + trainSize
              + ", learning rate "
              + learningRate);
    }
  }

  /** Steps per epoch. */
  public int stepsPerEpoch() {
    return trainSize / batchSize;
  }

  /**
   * The learning rate as a schedule: {@code lr * gamma^epoch} during epoch {@code epoch} (0-based)
   * with {@code gamma = factor^(1/epochs)}, as torch's {@code ExponentialLR} stepped once per
   * epoch.
   */
  public LrSchedule.ExponentialPerEpoch schedule() {
    return new LrSchedule.ExponentialPerEpoch(
        learningRate, finalLearningRateFactor, epochs, stepsPerEpoch());
  }
}
