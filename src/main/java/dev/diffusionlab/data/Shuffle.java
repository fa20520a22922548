package dev.diffusionlab.data;

import java.util.random.RandomGenerator;

/** Seeded shuffling of example order for training loops. */
public final class Shuffle {
  private Shuffle() {}

  /** A Fisher–Yates permutation of 0..n-1 drawn from {@code random}. */
  public static int[] permutation(int n, RandomGenerator random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    return order;
  }
}
