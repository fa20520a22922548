package dev.diffusionlab.experiments;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parameters of an experiment type as a user sees them: the manifest's snake_case names, their
 * value types, defaults, ranges and meanings, read from the params record and its {@link Param}
 * annotations so that the listing is the code.
 */
public final class ParamDocs {
  private static final PropertyNamingStrategies.NamingBase SNAKE_CASE =
      (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

  private ParamDocs() {}

  /** One parameter of a type. */
  public record Doc(
      String name, String valueType, Object defaultValue, String range, String meaning) {}

  /** The record's components by their manifest name (snake_case), in declaration order. */
  public static Map<String, RecordComponent> componentsByName(Class<? extends Record> params) {
    Map<String, RecordComponent> byName = new LinkedHashMap<>();
    for (RecordComponent c : params.getRecordComponents()) {
      byName.put(SNAKE_CASE.translate(c.getName()), c);
    }
    return byName;
  }

  /** Every parameter of {@code type}, in the record's order. */
  public static List<Doc> of(ExperimentType<?> type) {
    List<Doc> docs = new ArrayList<>();
    Map<String, Object> defaults = type.defaults();
    for (Map.Entry<String, RecordComponent> e : componentsByName(type.paramsType()).entrySet()) {
      Param param = e.getValue().getAnnotation(Param.class);
      docs.add(
          new Doc(
              e.getKey(),
              valueType(e.getValue().getGenericType()),
              defaults.get(e.getKey()),
              param == null ? "" : range(param),
              param == null ? "" : param.value()));
    }
    return docs;
  }

  /**
   * The allowed range of a parameter in words, e.g. {@code >= 1}, {@code 8 to 1024} or {@code > 0
   * and <= 10}.
   */
  public static String range(Param param) {
    boolean low = param.min() != Double.NEGATIVE_INFINITY;
    boolean high = param.max() != Double.POSITIVE_INFINITY;
    String from = (param.minExclusive() ? "> " : ">= ") + number(param.min());
    String to = (param.maxExclusive() ? "< " : "<= ") + number(param.max());
    if (low && high) {
      return param.minExclusive() || param.maxExclusive()
          ? from + " and " + to
          : number(param.min()) + " to " + number(param.max());
    }
    if (low) {
      return from;
    }
    if (high) {
      return to;
    }
    return param.contentFile() ? "a file under content/" : "";
  }

  private static String number(double x) {
    return x == Math.rint(x) && Math.abs(x) < 1e15
        ? Long.toString((long) x)
        : String.format(Locale.ROOT, "%s", x);
  }

  private static String valueType(Type type) {
    if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
      return "list of " + valueType(p.getActualTypeArguments()[0]);
    }
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "integer";
    }
    if (type == double.class || type == Double.class || type == float.class) {
      return "number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "boolean";
    }
    if (type == String.class) {
      return "text";
    }
    if (type instanceof Class<?> c && c.isRecord()) {
      List<String> fields = new ArrayList<>(componentsByName(c.asSubclass(Record.class)).keySet());
      return "{" + String.join(", ", fields) + "}";
    }
    return type.getTypeName();
  }
}
