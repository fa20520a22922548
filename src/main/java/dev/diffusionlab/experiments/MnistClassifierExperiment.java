package dev.diffusionlab.experiments;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import dev.diffusionlab.data.ImageBatches;
import dev.diffusionlab.data.LabeledImages;
import dev.diffusionlab.nn.classifier.MnistClassifier;
import dev.diffusionlab.report.CsvTable;
import dev.diffusionlab.training.TrainingHistory;
import dev.diffusionlab.training.TrainingLoop;
import dev.diffusionlab.training.TrainingPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Trains the MNIST classifier that scores class-conditioned samples (accuracy against the intended
 * digit), and reports its own test accuracy.
 */
public final class MnistClassifierExperiment
    implements ExperimentType<MnistClassifierExperiment.Params> {

  /** The parameters; {@code types mnist-classifier} lists them. */
  public record Params(
      @Param(value = "images per step", min = 1, max = 60000) int batchSize,
      @Param(value = "Adam's learning rate", min = 0, minExclusive = true, max = 10)
          double learningRate,
      @Param(value = "passes over the training subset", min = 0, max = 1000) int epochs,
      @Param(value = "training images used", min = 1, max = 60000) int trainSize) {}

  @Override
  public String summary() {
    return "the MNIST classifier that scores part B samples";
  }

  @Override
  public String name() {
    return "mnist-classifier";
  }

  @Override
  public int codeVersion() {
    return 1;
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public boolean resumable() {
    return true;
  }

  @Override
  public Map<String, Object> defaults() {
    return Map.of("batch_size", 128, "learning_rate", 1e-3, "epochs", 3, "train_size", 60000);
  }

  @Override
  public List<DeclaredOutput> outputs(Params p) {
    List<DeclaredOutput> outputs =
        new ArrayList<>(PartBTraining.historyOutputs(p.epochs(), "classifier.params"));
    outputs.add(new DeclaredOutput("accuracy.csv", OutputKind.TABLE, "test accuracy"));
    return outputs;
  }

  @Override
  public void validate(Params p) {
    PartBTraining.requireBatches(p.trainSize(), p.batchSize());
  }

  @Override
  public void run(Params p, ExperimentContext ctx) throws Exception {
    LabeledImages train = PartBTraining.train(ctx);
    LabeledImages test = PartBTraining.test(ctx);
    try (NDManager manager = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed((int) ctx.seed());
      SequentialBlock net = MnistClassifier.block();
      net.initialize(manager, DataType.FLOAT32, MnistClassifier.inputShape(1));
      Loss loss = Loss.softmaxCrossEntropyLoss();
      TrainingPlan plan =
          new TrainingPlan(p.epochs(), p.batchSize(), p.learningRate(), 1.0, p.trainSize());
      TrainingHistory history =
          new TrainingLoop(net, manager, plan, ctx.seed(), ctx.workDir(), ctx.progress(), ctx.id())
              .run(
                  (m, store, indices, random) -> {
                    NDArray x = ImageBatches.images(train, indices, m);
                    NDArray labels =
                        m.create(ImageBatches.labels(train, indices))
                            .toType(DataType.FLOAT32, false);
                    NDArray logits = net.forward(store, new NDList(x), true).head();
                    return loss.evaluate(new NDList(labels), new NDList(logits));
                  },
                  epoch -> {});
      PartBTraining.writeHistory(ctx, history, "MNIST classifier (" + ctx.profile() + ")");
      PartBTraining.saveModel(ctx, net, "classifier.params");
      double accuracy = accuracy(net, manager, test);
      new CsvTable(
              List.of("test images", "test accuracy (%)"),
              List.of(List.of(Integer.toString(test.count()), CsvTable.number(100 * accuracy, 2))))
          .write(ctx.output("accuracy.csv", OutputKind.TABLE, "test accuracy"));
    }
  }

  private static double accuracy(SequentialBlock net, NDManager manager, LabeledImages test) {
    ParameterStore store = new ParameterStore(manager, false);
    long correct = 0;
    for (int from = 0; from < test.count(); from += 500) {
      int n = Math.min(500, test.count() - from);
      try (NDScope scope = new NDScope();
          NDManager m = manager.newSubManager()) {
        scope.suppressNotUsedWarning();
        int[] indices = new int[n];
        for (int i = 0; i < n; i++) {
          indices[i] = from + i;
        }
        NDArray logits =
            net.forward(store, new NDList(ImageBatches.images(test, indices, m)), false).head();
        long[] predicted = logits.argMax(1).toLongArray();
        int[] labels = ImageBatches.labels(test, indices);
        for (int i = 0; i < n; i++) {
          correct += predicted[i] == labels[i] ? 1 : 0;
        }
      }
    }
    return (double) correct / test.count();
  }

  /** Images trained. */
  @Override
  public OptionalDouble work(Params p) {
    return OptionalDouble.of((double) p.epochs() * p.trainSize());
  }
}
