package dev.diffusionlab.experiments;

/** Parameter checks shared by the part B types; each names the offending field. */
final class PartBValidation {
  private PartBValidation() {}

  static void training(int hidden, int batchSize, double learningRate, int epochs, int trainSize) {
    if (hidden < 1) {
      throw new InvalidParamsException("hidden", "expected a positive UNet width D, got " + hidden);
    }
    if (batchSize < 1) {
      throw new InvalidParamsException("batch_size", "expected at least 1, got " + batchSize);
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new InvalidParamsException(
          "learning_rate", "expected a positive number, got " + learningRate);
    }
    if (epochs < 0) {
      throw new InvalidParamsException("epochs", "must not be negative, got " + epochs);
    }
    ParamRange.require("hidden", hidden, 1, 1024);
    ParamRange.require("batch_size", batchSize, 1, 60_000);
    ParamRange.require("learning_rate", learningRate, 0, 10, true);
    ParamRange.require("epochs", epochs, 0, 1000);
    if (trainSize < batchSize) {
      throw new InvalidParamsException(
          "train_size", "expected at least batch_size (" + batchSize + "), got " + trainSize);
    }
  }

  static void sigma(String field, double sigma) {
    if (!(sigma >= 0) || Double.isInfinite(sigma)) {
      throw new InvalidParamsException(field, "expected a noise level >= 0, got " + sigma);
    }
    ParamRange.require(field, sigma, 0, 100, false);
  }
}
