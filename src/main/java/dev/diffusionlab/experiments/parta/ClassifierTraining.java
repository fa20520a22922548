package dev.diffusionlab.experiments.parta;

import ai.djl.ndarray.NDManager;
import dev.diffusionlab.data.LabeledImages;
import dev.diffusionlab.experiments.DeclaredOutput;
import dev.diffusionlab.experiments.ExperimentContext;
import dev.diffusionlab.experiments.ExperimentType;
import dev.diffusionlab.experiments.OutputKind;
import dev.diffusionlab.experiments.Param;
import dev.diffusionlab.nn.EmbeddedPrompts;
import dev.diffusionlab.nn.ImageClassifier;
import dev.diffusionlab.report.CsvTable;
import dev.diffusionlab.training.ClassifierTrainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Trains the classifier that scores generated samples, on MNIST and Fashion-MNIST (20 classes, the
 * embedded denoiser's class prompts), and reports its test accuracy per class.
 */
public final class ClassifierTraining implements ExperimentType<ClassifierTraining.Params> {
  static final String WEIGHTS = "classifier.params";

  /** The parameters; {@code types classifier-train} lists them. */
  public record Params(
      @Param(value = "passes over the 120,000 training images", min = 1, max = 1000) int epochs,
      @Param(value = "images per step", min = 1, max = 65_536) int batchSize,
      @Param(
              value = "Adam's first learning rate (decayed along a cosine to a tenth)",
              min = 0,
              minExclusive = true,
              max = 10)
          double learningRate) {}

  @Override
  public String summary() {
    return "trains the classifier that scores part A samples (MNIST + Fashion-MNIST)";
  }

  @Override
  public String name() {
    return "classifier-train";
  }

  @Override
  public int codeVersion() {
    return 2;
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public Map<String, Object> defaults() {
    return Map.of("epochs", 6, "batch_size", 128, "learning_rate", 2e-3);
  }

  @Override
  public List<DeclaredOutput> outputs(Params p) {
    return List.of(
        new DeclaredOutput(WEIGHTS, OutputKind.SHIPPED_CHECKPOINT, "classifier weights"),
        new DeclaredOutput("accuracy.csv", OutputKind.TABLE, "test accuracy per class"));
  }

  @Override
  public void run(Params p, ExperimentContext ctx) throws Exception {
    LabeledImages train = EmbeddedTrainingData.load(true, 0, ctx.progress());
    LabeledImages test = EmbeddedTrainingData.load(false, 0, ctx.progress());
    try (NDManager manager = NDManager.newBaseManager();
        ImageClassifier classifier =
            new ImageClassifier(EmbeddedPrompts.CLASSES, manager, ctx.seed())) {
      new ClassifierTrainer(p.epochs(), p.batchSize(), p.learningRate(), ctx.seed(), ctx.progress())
          .train(classifier, train);
      classifier.save(ctx.output(WEIGHTS, OutputKind.SHIPPED_CHECKPOINT, "classifier weights"));
      List<List<String>> rows = new ArrayList<>();
      int[][] counts = ClassifierTrainer.correctPerClass(classifier, test);
      int correct = 0;
      for (int c = 0; c < EmbeddedPrompts.CLASSES; c++) {
        correct += counts[c][0];
        rows.add(
            List.of(
                Integer.toString(c),
                EmbeddedPrompts.shortName(c),
                CsvTable.number(100.0 * counts[c][0] / counts[c][1], 1)));
      }
      rows.add(
          List.of(
              "all",
              "MNIST + Fashion-MNIST test sets",
              CsvTable.number(100.0 * correct / test.count(), 2)));
      ctx.progress().log(String.format("test accuracy %.2f%%", 100.0 * correct / test.count()));
      new CsvTable(List.of("class", "name", "test accuracy (%)"), rows)
          .write(ctx.output("accuracy.csv", OutputKind.TABLE, "test accuracy per class"));
    }
  }

  /** Images trained (120,000 a pass). */
  @Override
  public OptionalDouble work(Params p) {
    return OptionalDouble.of(p.epochs() * 120_000.0);
  }
}
