package dev.diffusionlab.experiments.parta;

import dev.diffusionlab.data.Dataset;
import dev.diffusionlab.data.DatasetFetcher;
import dev.diffusionlab.data.LabeledImages;
import dev.diffusionlab.nn.EmbeddedPrompts;
import dev.diffusionlab.util.Progress;
import java.util.Arrays;

/**
 * The embedded denoiser's data: MNIST (labels 0–9) followed by Fashion-MNIST (labels 10–19), as the
 * prompts {@link EmbeddedPrompts} number them.
 */
final class EmbeddedTrainingData {
  private EmbeddedTrainingData() {}

  /**
   * The training or test split, keeping at most {@code perClass} images of each of the 20 classes
   * (the first ones in file order, so the subset is the same on every machine).
   */
  static LabeledImages load(boolean train, int perClass, Progress progress) {
    DatasetFetcher fetcher = DatasetFetcher.standard(progress);
    LabeledImages digits = train ? fetcher.train(Dataset.MNIST) : fetcher.test(Dataset.MNIST);
    LabeledImages fashion =
        train ? fetcher.train(Dataset.FASHION_MNIST) : fetcher.test(Dataset.FASHION_MNIST);
    LabeledImages all = LabeledImages.concat(digits, fashion, 10);
    return perClass <= 0 ? all : subset(all, perClass);
  }

  private static LabeledImages subset(LabeledImages all, int perClass) {
    int side = all.side();
    int size = side * side;
    int[] taken = new int[EmbeddedPrompts.CLASSES];
    int[] labels = new int[all.count()];
    byte[] pixels = new byte[all.count() * size];
    int n = 0;
    for (int i = 0; i < all.count(); i++) {
      int label = all.labels()[i];
      if (taken[label] < perClass) {
        taken[label]++;
        labels[n] = label;
        System.arraycopy(all.pixels(), i * size, pixels, n * size, size);
        n++;
      }
    }
    return LabeledImages.square(Arrays.copyOf(pixels, n * size), Arrays.copyOf(labels, n), side);
  }
}
