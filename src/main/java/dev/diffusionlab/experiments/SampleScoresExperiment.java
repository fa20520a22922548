package dev.diffusionlab.experiments;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import dev.diffusionlab.data.Npy;
import dev.diffusionlab.nn.classifier.MnistClassifier;
import dev.diffusionlab.nn.classifier.SampleScorer;
import dev.diffusionlab.report.CsvTable;
import dev.diffusionlab.report.LossChart;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scores class-conditioned samples with the project's MNIST classifier: the fraction classified as
 * the intended digit and the mean softmax confidence in the intended digit, per sampled epoch.
 */
public final class SampleScoresExperiment implements ExperimentType<SampleScoresExperiment.Params> {
  private static final Pattern SAMPLES = Pattern.compile("samples-epoch(\\d+)\\.npy");

  /** The parameters; {@code types sample-scores} lists them. */
  public record Params(
      @Param("the id of the mnist-classifier experiment") String classifier,
      @Param("ids of class-conditioned diffusion-unet experiments") List<String> sources,
      @Param(
              value = "samples of each digit in the sources (their samples_per_class)",
              min = 1,
              max = 1000)
          int samplesPerClass) {}

  @Override
  public String summary() {
    return "the MNIST classifier's accuracy on class-conditioned samples per epoch";
  }

  @Override
  public String name() {
    return "sample-scores";
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
  public Map<String, Object> defaults() {
    return Map.of("classifier", "mnist-classifier", "sources", List.of(), "samples_per_class", 4);
  }

  @Override
  public List<DeclaredOutput> outputs(Params p) {
    return List.of(
        new DeclaredOutput("scores.csv", OutputKind.TABLE, "classifier accuracy and confidence"),
        new DeclaredOutput("scores.png", OutputKind.CHART, "accuracy per epoch"));
  }

  @Override
  public void validate(Params p) {
    if (p.sources().isEmpty()) {
      throw new InvalidParamsException("sources", "expected at least one experiment id to score");
    }
  }

  @Override
  public void run(Params p, ExperimentContext ctx) throws Exception {
    List<List<String>> rows = new ArrayList<>();
    LossChart chart =
        new LossChart("Classifier accuracy on samples", "epoch", "accuracy (%)", false);
    try (NDManager manager = NDManager.newBaseManager()) {
      SequentialBlock net = MnistClassifier.block();
      net.initialize(manager, DataType.FLOAT32, MnistClassifier.inputShape(1));
      PartBTraining.loadModel(
          manager, net, ctx.dependency(p.classifier()).file("classifier.params"));
      for (String source : p.sources()) {
        DependencyOutputs outputs = ctx.dependency(source);
        TreeMap<Integer, String> files = new TreeMap<>();
        for (String name : outputs.names()) {
          Matcher m = SAMPLES.matcher(name);
          if (m.matches()) {
            files.put(Integer.parseInt(m.group(1)), name);
          }
        }
        double[] x = new double[files.size()];
        double[] y = new double[files.size()];
        int i = 0;
        for (var e : files.entrySet()) {
          double[] score =
              score(net, manager, Npy.read(outputs.file(e.getValue())), p.samplesPerClass());
          x[i] = e.getKey();
          y[i++] = 100 * score[0];
          rows.add(
              List.of(
                  source,
                  Integer.toString(e.getKey()),
                  CsvTable.number(100 * score[0], 1),
                  CsvTable.number(score[1], 3)));
        }
        chart.add(source, x, y, 0);
      }
    }
    new CsvTable(List.of("experiment", "epoch", "accuracy (%)", "mean confidence"), rows)
        .write(ctx.output("scores.csv", OutputKind.TABLE, "classifier accuracy and confidence"));
    chart.writePng(ctx.output("scores.png", OutputKind.CHART, "accuracy per epoch"), 720, 400);
  }

  /** {accuracy, mean confidence in the intended class}. */
  private static double[] score(SequentialBlock net, NDManager manager, Npy.Array samples, int k) {
    try (NDManager m = manager.newSubManager()) {
      long[] shape = samples.shape();
      NDArray x = m.create(samples.data(), new Shape(shape)).clip(0f, 1f);
      NDArray probabilities =
          net.forward(new ParameterStore(m, false), new NDList(x), false).head().softmax(1);
      SampleScorer.Verdict[] verdicts = SampleScorer.verdicts(probabilities.toFloatArray(), 10);
      int[] intended = new int[verdicts.length];
      for (int i = 0; i < intended.length; i++) {
        intended[i] = DiffusionUNetExperiment.intendedClass(i, k);
      }
      SampleScorer.Score score = SampleScorer.score(verdicts, intended);
      return new double[] {score.accuracy(), score.meanConfidence()};
    }
  }
}
