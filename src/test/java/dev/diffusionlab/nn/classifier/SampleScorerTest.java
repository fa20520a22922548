package dev.diffusionlab.nn.classifier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SampleScorerTest {

  // Three samples over three classes, row-major.
  private static final float[] PROBABILITIES = {
    0.7f, 0.2f, 0.1f, // verdict 0
    0.1f, 0.3f, 0.6f, // verdict 2
    0.25f, 0.5f, 0.25f // verdict 1
  };

  @Test
  void verdictIsTheMostProbableClassAndItsProbability() {
    SampleScorer.Verdict[] v = SampleScorer.verdicts(PROBABILITIES, 3);
    assertArrayEquals(new int[] {0, 2, 1}, new int[] {v[0].label(), v[1].label(), v[2].label()});
    assertEquals(0.6f, v[1].confidence(), 0);
    // Ties go to the first class.
    assertEquals(0, SampleScorer.verdict(new double[] {0.5, 0.5}).label());
    assertThrows(IllegalArgumentException.class, () -> SampleScorer.verdicts(new float[4], 3));
  }

  @Test
  void scoreCountsHitsAndAveragesTheIntendedClassesProbability() {
    SampleScorer.Verdict[] v = SampleScorer.verdicts(PROBABILITIES, 3);
    // Intended 0, 2, 0: hits on the first two; confidence (0.7 + 0.6 + 0.25) / 3.
    SampleScorer.Score s = SampleScorer.score(v, new int[] {0, 2, 0});
    assertEquals(2, s.hits());
    assertEquals(2.0 / 3, s.accuracy(), 1e-12);
    assertEquals((0.7 + 0.6 + 0.25) / 3, s.meanConfidence(), 1e-6);
    // Each verdict once: the most common is the lowest class.
    assertEquals(0, s.mostCommon());
  }

  @Test
  void samplesWithoutAnIntendedClassCountTheirVerdictsConfidence() {
    SampleScorer.Verdict[] v = SampleScorer.verdicts(PROBABILITIES, 3);
    SampleScorer.Score s = SampleScorer.score(v, -1);
    assertEquals(0, s.hits());
    assertEquals((0.7 + 0.6 + 0.5) / 3, s.meanConfidence(), 1e-6);
    SampleScorer.Score twice =
        SampleScorer.score(new SampleScorer.Verdict[] {v[1], v[1], v[0]}, new int[] {2, 2, 2});
    assertEquals(2, twice.mostCommon());
    assertEquals((0.6 + 0.6 + 0.1) / 3, twice.meanConfidence(), 1e-6);
    assertThrows(IllegalArgumentException.class, () -> SampleScorer.score(v, new int[] {0}));
  }
}
