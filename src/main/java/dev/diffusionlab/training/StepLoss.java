package dev.diffusionlab.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.Random;

/** Computes one training step's scalar loss; the loop records gradients around it. */
@FunctionalInterface
public interface StepLoss {
  /**
   * The loss of a batch.
   *
   * @param manager the step's manager, closed when the step ends
   * @param store the parameter store to run the model with, in training mode
   * @param indices the training images of this batch
   * @param random the step's source of noise, derived from the seed and the epoch
   */
  NDArray loss(NDManager manager, ParameterStore store, int[] indices, Random random);
}
