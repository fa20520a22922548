package dev.diffusionlab.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
  @Test
  void distanceCountsEditsAndTranspositions() {
    assertEquals(3, Suggestions.distance("kitten", "sitting"), "two substitutions, one insertion");
    assertEquals(1, Suggestions.distance("proflie", "profile"), "one transposition");
    assertEquals(0, Suggestions.distance("quick", "quick"));
    assertEquals(5, Suggestions.distance("", "quick"));
  }

  @Test
  void suggestsOnlyCloseNames() {
    List<String> profiles = List.of("course", "quick", "small");
    assertEquals(Optional.of("quick"), Suggestions.closest("quik", profiles));
    assertEquals(Optional.of("course"), Suggestions.closest("Course", profiles));
    assertEquals(Optional.empty(), Suggestions.closest("gpu", profiles));
    assertEquals("; did you mean 'small'?", Suggestions.didYouMean("smal", profiles));
    assertEquals("", Suggestions.didYouMean("huge", profiles));
  }
}
