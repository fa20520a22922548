package dev.diffusionlab.training;

import java.util.List;

/**
 * The losses of a finished training.
 *
 * @param stepLosses the loss of every step, in order
 * @param epochs one record per epoch
 */
public record TrainingHistory(float[] stepLosses, List<EpochRecord> epochs) {}
