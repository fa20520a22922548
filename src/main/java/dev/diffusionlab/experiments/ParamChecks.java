package dev.diffusionlab.experiments;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one check of parameter values against their {@link Param} ranges. The planner runs it on
 * every experiment of a manifest before anything runs, each value on its own so that all problems
 * are reported at once; tests run it on bound params.
 */
public final class ParamChecks {
  private ParamChecks() {}

  /**
   * A value that a type cannot accept.
   *
   * @param field the parameter's manifest name, with an index for a list element ({@code
   *     sigmas[2]})
   * @param message what was expected and what was found
   */
  public record Problem(String field, String message) {}

  /**
   * The problems of one parameter's value against the {@link Param} range of its component: one for
   * a number outside it, for a list one for each element outside it (or missing). Values of
   * components without a range, and values that are not numbers, have none.
   */
  public static List<Problem> range(String field, RecordComponent component, Object value) {
    List<Problem> problems = new ArrayList<>();
    Param param = component.getAnnotation(Param.class);
    if (param != null
        && (param.min() != Double.NEGATIVE_INFINITY || param.max() != Double.POSITIVE_INFINITY)) {
      collect(field, value, param, problems);
    }
    return problems;
  }

  /**
   * Every problem of bound params: each value outside its range, in the record's order, and when
   * all are inside, the rule relating several values that {@link ExperimentType#validate} refuses
   * first. Empty when the params are fine.
   */
  public static <P extends Record> List<Problem> check(ExperimentType<P> type, P params) {
    List<Problem> problems = new ArrayList<>();
    for (Map.Entry<String, RecordComponent> c :
        ParamDocs.componentsByName(type.paramsType()).entrySet()) {
      problems.addAll(range(c.getKey(), c.getValue(), value(c.getValue(), params)));
    }
    if (problems.isEmpty()) {
      try {
        type.validate(params);
      } catch (InvalidParamsException e) {
        problems.add(new Problem(e.field(), e.getMessage()));
      }
    }
    return problems;
  }

  private static void collect(String field, Object value, Param param, List<Problem> problems) {
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        String element = field + "[" + i + "]";
        if (list.get(i) == null) {
          problems.add(new Problem(element, "a value is required"));
        } else {
          collect(element, list.get(i), param, problems);
        }
      }
    } else if (value instanceof Number number && !inside(number.doubleValue(), param)) {
      problems.add(new Problem(field, "expected " + ParamDocs.range(param) + ", got " + number));
    }
  }

  private static boolean inside(double x, Param param) {
    boolean low = param.minExclusive() ? x > param.min() : x >= param.min();
    boolean high = param.maxExclusive() ? x < param.max() : x <= param.max();
    return low && high; // false for NaN
  }

  private static Object value(RecordComponent component, Record params) {
    try {
      Method accessor = component.getAccessor();
      accessor.setAccessible(true); // a type's params record need not be public
      return accessor.invoke(params);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + component.getName() + " of " + params, e);
    }
  }
}
