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
   * The learning rate during epoch {@code epoch} (0-based): {@code lr * gamma^epoch} with {@code
   * gamma = factor^(1/epochs)}, as torch's {@code ExponentialLR} stepped once per epoch.
   */
  public float learningRate(int epoch) {
    if (epochs == 0) {
      return (float) learningRate;
    }
    return (float) (learningRate * Math.pow(finalLearningRateFactor, (double) epoch / epochs));
  }
}
