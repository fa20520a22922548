package dev.diffusionlab.training;

/**
 * What one epoch did.
 *
 * @param epoch 1-based epoch number
 * @param meanLoss mean training loss over the epoch's steps
 * @param seconds wall time of the epoch
 * @param residentMiB the process's resident memory at the end of the epoch
 */
public record EpochRecord(int epoch, double meanLoss, double seconds, long residentMiB) {}
