package dev.diffusionlab.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.diffusionlab.experiments.ExperimentType;
import dev.diffusionlab.util.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How long the experiments about to run will take, predicted from the recorded wall time of an
 * earlier run of the same experiment: scaled by the ratio of the work its type declares for the new
 * params and the old ones (so a quick-profile run predicts the course profile), or taken as it is
 * when only the code or an input changed. Experiments with no earlier run, or whose params changed
 * and whose type declares no work, are counted as unknown.
 *
 * @param seconds the predicted seconds of each experiment that has a prediction, by id
 * @param unknown ids of experiments without one
 */
public record WorkEstimate(Map<String, Double> seconds, List<String> unknown) {
  private static final ObjectMapper BINDER = Json.strictBinder();

  public WorkEstimate {
    seconds = Map.copyOf(seconds);
    unknown = List.copyOf(unknown);
  }

  /** Predicts each of {@code toRun} from the newest other entry of its id in {@code store}. */
  public static WorkEstimate of(List<PlannedExperiment> toRun, ResultsStore store) {
    Map<String, Double> seconds = new LinkedHashMap<>();
    List<String> unknown = new java.util.ArrayList<>();
    for (PlannedExperiment e : toRun) {
      Optional<Double> predicted = predict(e, store.otherEntries(e.id(), e.key()));
      if (predicted.isPresent()) {
        seconds.put(e.id(), predicted.get());
      } else {
        unknown.add(e.id());
      }
    }
    return new WorkEstimate(seconds, unknown);
  }

  /** The prediction from the newest earlier entry that allows one. */
  static Optional<Double> predict(PlannedExperiment e, List<CacheEntry> earlier) {
    for (CacheEntry old : earlier) {
      double wall = old.wallSeconds();
      if (!(wall > 0) || !old.type().equals(e.type().name())) {
        continue;
      }
      JsonNode oldParams = old.json().path("params");
      if (oldParams.equals(e.canonicalParams())) {
        return Optional.of(wall);
      }
      OptionalDouble now = work(e.type(), e.params());
      OptionalDouble then = work(e.type(), oldParams);
      if (now.isPresent() && then.isPresent() && then.getAsDouble() > 0) {
        return Optional.of(wall * now.getAsDouble() / then.getAsDouble());
      }
    }
    return Optional.empty();
  }

  /** The predicted seconds of one experiment, if there is a prediction. */
  public Optional<Double> of(String id) {
    return Optional.ofNullable(seconds.get(id));
  }

  /** The predicted seconds of all experiments that have a prediction. */
  public double totalSeconds() {
    return seconds.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  /**
   * One line for the console, e.g. "about 1h05m of work ahead, by the recorded times of earlier
   * runs, plus 2 experiments have no earlier run to go by (a, b)"; empty when nothing to run has a
   * prediction.
   */
  public Optional<String> summary() {
    if (seconds.isEmpty()) {
      return Optional.empty();
    }
    StringBuilder line =
        new StringBuilder("about ")
            .append(ConsoleProgress.duration(totalSeconds()))
            .append(" of work ahead, by the recorded times of earlier runs");
    if (!unknown.isEmpty()) {
      line.append(
          String.format(
              Locale.ROOT,
              ", plus %d %s no earlier run to go by (%s)",
              unknown.size(),
              unknown.size() == 1 ? "experiment has" : "experiments have",
              String.join(", ", unknown)));
    }
    return Optional.of(line.toString());
  }

  private static <P extends Record> OptionalDouble work(ExperimentType<P> type, Record params) {
    return type.work(type.paramsType().cast(params));
  }

  private static <P extends Record> OptionalDouble work(ExperimentType<P> type, JsonNode params) {
    try {
      return type.work(BINDER.treeToValue(params, type.paramsType()));
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      return OptionalDouble.empty(); // params of an older version of the type
    }
  }
}
