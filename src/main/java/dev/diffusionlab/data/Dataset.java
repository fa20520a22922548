package dev.diffusionlab.data;

import java.util.List;

/**
 * An IDX data set of four files, where to get them and their SHA-256 (of the uncompressed bytes).
 *
 * @param name the cache folder name, e.g. {@code mnist}
 * @param mirrors HTTPS base URLs that serve {@code <file>.gz}
 * @param classNames the label names, index = label
 */
public record Dataset(
    String name, List<DatasetFile> files, List<String> mirrors, List<String> classNames) {

  /** One of the four files. */
  public record DatasetFile(String name, String sha256) {}

  public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
  public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
  public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
  public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

  /** MNIST handwritten digits (LeCun, Cortes, Burges). */
  public static final Dataset MNIST =
      new Dataset(
          "mnist",
          List.of(
              new DatasetFile(
                  TRAIN_IMAGES, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
              new DatasetFile(
                  TRAIN_LABELS, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
              new DatasetFile(
                  TEST_IMAGES, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
              new DatasetFile(
                  TEST_LABELS, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2")),
          List.of(
              "https://ossci-datasets.s3.amazonaws.com/mnist/",
              "https://storage.googleapis.com/cvdf-datasets/mnist/"),
          List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));

  /** Fashion-MNIST (Zalando Research), in its standard label order. */
  public static final Dataset FASHION_MNIST =
      new Dataset(
          "fashion-mnist",
          List.of(
              new DatasetFile(
                  TRAIN_IMAGES, "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
              new DatasetFile(
                  TRAIN_LABELS, "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
              new DatasetFile(
                  TEST_IMAGES, "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
              new DatasetFile(
                  TEST_LABELS, "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34")),
          List.of(
              "https://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
              "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
          List.of(
              "T-shirt/top",
              "Trouser",
              "Pullover",
              "Dress",
              "Coat",
              "Sandal",
              "Shirt",
              "Sneaker",
              "Bag",
              "Ankle boot"));

  /** The data set of that name. */
  public static Dataset named(String name) {
    for (Dataset d : List.of(MNIST, FASHION_MNIST)) {
      if (d.name().equals(name)) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "unknown data set '" + name + "'; known: mnist, fashion-mnist");
  }
}
