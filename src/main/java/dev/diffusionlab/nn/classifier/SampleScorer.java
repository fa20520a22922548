package dev.diffusionlab.nn.classifier;

/**
 * Scores generated samples with a classifier's class probabilities: each sample's verdict (the most
 * probable class), and over a set of samples the accuracy against the classes they were meant to
 * show, the mean confidence in those classes and the most common verdict. Parts A and B score their
 * samples this way whatever classifier gives the probabilities.
 */
public final class SampleScorer {
  private SampleScorer() {}

  /** One sample's verdict: the most probable class (the first on ties) and all probabilities. */
  public record Verdict(int label, double[] probabilities) {
    /** The probability of the verdict's own class. */
    public double confidence() {
      return probabilities[label];
    }
  }

  /**
   * The score of a set of samples.
   *
   * @param hits samples whose verdict is their intended class
   * @param confidenceSum the sum over samples of the probability of the intended class (of the
   *     verdict's class for samples without one)
   * @param mostCommon the most common verdict (the lowest class on ties)
   */
  public record Score(int samples, int hits, double confidenceSum, int mostCommon) {
    /** hits / samples, in [0, 1]. */
    public double accuracy() {
      return (double) hits / samples;
    }

    /** The mean probability of the intended classes. */
    public double meanConfidence() {
      return confidenceSum / samples;
    }
  }

  /** The verdict of one row of class probabilities. */
  public static Verdict verdict(double[] probabilities) {
    int best = 0;
    for (int c = 1; c < probabilities.length; c++) {
      if (probabilities[c] > probabilities[best]) {
        best = c;
      }
    }
    return new Verdict(best, probabilities.clone());
  }

  /** The verdicts of row-major probabilities [n, classes]. */
  public static Verdict[] verdicts(float[] probabilities, int classes) {
    if (classes < 1 || probabilities.length % classes != 0) {
      throw new IllegalArgumentException(
          probabilities.length + " probabilities are not rows of " + classes + " classes");
    }
    Verdict[] verdicts = new Verdict[probabilities.length / classes];
    for (int i = 0; i < verdicts.length; i++) {
      double[] row = new double[classes];
      for (int c = 0; c < classes; c++) {
        row[c] = probabilities[i * classes + c];
      }
      verdicts[i] = verdict(row);
    }
    return verdicts;
  }

  /**
   * @param intended the class each sample was meant to show, or -1 where none was
   */
  public static Score score(Verdict[] verdicts, int[] intended) {
    if (verdicts.length != intended.length || verdicts.length == 0) {
      throw new IllegalArgumentException(
          "need one intended class per verdict, got "
              + intended.length
              + " for "
              + verdicts.length);
    }
    int classes = verdicts[0].probabilities().length;
    int hits = 0;
    double confidence = 0;
    int[] votes = new int[classes];
    for (int i = 0; i < verdicts.length; i++) {
      Verdict v = verdicts[i];
      votes[v.label()]++;
      hits += v.label() == intended[i] ? 1 : 0;
      confidence += intended[i] >= 0 ? v.probabilities()[intended[i]] : v.confidence();
    }
    int common = 0;
    for (int c = 1; c < classes; c++) {
      if (votes[c] > votes[common]) {
        common = c;
      }
    }
    return new Score(verdicts.length, hits, confidence, common);
  }

  /** {@link #score} with the same intended class for every sample. */
  public static Score score(Verdict[] verdicts, int intended) {
    int[] all = new int[verdicts.length];
    java.util.Arrays.fill(all, intended);
    return score(verdicts, all);
  }
}
