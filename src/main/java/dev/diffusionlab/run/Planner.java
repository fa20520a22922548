package dev.diffusionlab.run;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.diffusionlab.data.Images;
import dev.diffusionlab.experiments.ExperimentType;
import dev.diffusionlab.experiments.InvalidParamsException;
import dev.diffusionlab.experiments.Param;
import dev.diffusionlab.experiments.ParamChecks;
import dev.diffusionlab.experiments.ParamDocs;
import dev.diffusionlab.experiments.catalog.ExperimentTypes;
import dev.diffusionlab.manifest.ExperimentSpec;
import dev.diffusionlab.manifest.Manifest;
import dev.diffusionlab.manifest.ManifestException;
import dev.diffusionlab.manifest.ManifestParser;
import dev.diffusionlab.manifest.ManifestProblem;
import dev.diffusionlab.manifest.Profile;
import dev.diffusionlab.util.Hashing;
import dev.diffusionlab.util.Json;
import dev.diffusionlab.util.ProjectPaths;
import dev.diffusionlab.util.Suggestions;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Binds every experiment's params to its type under a profile and computes cache keys, in
 * dependency order. Parameter precedence, lowest first: the type's defaults, the experiment's
 * params, the profile's overrides for the type, the profile's overrides for the id.
 */
public final class Planner {
  private final ExperimentTypes types;
  private static final java.util.regex.Pattern IMAGE_FILE =
      java.util.regex.Pattern.compile("(?i)\\.(png|jpe?g|gif|bmp)$");

  private final Path contentDir;
  private final InputHashes externalHashes;
  private final ObjectMapper binder = Json.strictBinder();

  /**
   * A planner that remembers hashes of inputs outside content/ in the user's cache folder.
   *
   * @param contentDir the folder against which params naming files (e.g. {@code images/x.png}) are
   *     resolved; those files' bytes enter the cache key
   */
  public Planner(ExperimentTypes types, Path contentDir) {
    this(types, contentDir, InputHashes.standard());
  }

  /**
   * @param externalHashes hashes of the files outside content/ that types name as inputs
   */
  public Planner(ExperimentTypes types, Path contentDir, InputHashes externalHashes) {
    this.types = types;
    this.contentDir = contentDir.toAbsolutePath().normalize();
    this.externalHashes = externalHashes;
  }

  /**
   * @throws ManifestException if the profile is unknown or any params do not fit their type
   */
  public Plan plan(Manifest manifest, String profileName) {
    Profile profile =
        manifest
            .profile(profileName)
            .orElseThrow(
                () ->
                    new ManifestException(
                        new ManifestProblem(
                            manifest.source().locate("/profiles"),
                            "profiles",
                            "unknown profile '"
                                + profileName
                                + "'; this manifest has: "
                                + String.join(", ", manifest.profileNames()))));
    List<ManifestProblem> problems = new ArrayList<>();
    Map<String, PlannedExperiment> planned = new LinkedHashMap<>();
    for (ExperimentSpec spec : dependencyOrder(manifest.experiments())) {
      ExperimentType<?> type = types.find(spec.type()).orElseThrow();
      try {
        PlannedExperiment e = bind(manifest, spec, type, profile, planned);
        if (e != null) {
          planned.put(spec.id(), e);
        }
      } catch (ManifestException e) {
        problems.addAll(e.problems());
      }
    }
    if (!problems.isEmpty()) {
      throw new ManifestException(problems);
    }
    return new Plan(profileName, new ArrayList<>(planned.values()));
  }

  private static List<ExperimentSpec> dependencyOrder(List<ExperimentSpec> specs) {
    Map<String, ExperimentSpec> byId = new LinkedHashMap<>();
    specs.forEach(s -> byId.put(s.id(), s));
    List<ExperimentSpec> order = new ArrayList<>();
    Map<String, Boolean> done = new HashMap<>();
    for (ExperimentSpec spec : specs) {
      visit(spec, byId, done, order);
    }
    return order;
  }

  private static void visit(
      ExperimentSpec spec,
      Map<String, ExperimentSpec> byId,
      Map<String, Boolean> done,
      List<ExperimentSpec> order) {
    if (done.putIfAbsent(spec.id(), true) != null) {
      return;
    }
    for (String dep : spec.dependsOn()) {
      visit(byId.get(dep), byId, done, order);
    }
    order.add(spec);
  }

  /** The experiment bound and keyed; null when its params are fine but a dependency's are not. */
  private <P extends Record> PlannedExperiment bind(
      Manifest manifest,
      ExperimentSpec spec,
      ExperimentType<P> type,
      Profile profile,
      Map<String, PlannedExperiment> planned) {
    ObjectNode merged = binder.valueToTree(type.defaults());
    Map<String, String> origin = new HashMap<>();
    layer(merged, origin, spec.params(), spec.pointer() + "/params");
    ObjectNode byType = profile.byType().get(spec.type());
    if (byType != null) {
      layer(merged, origin, byType, profile.pointer() + "/types/" + spec.type());
    }
    ObjectNode byId = profile.byId().get(spec.id());
    if (byId != null) {
      layer(merged, origin, byId, profile.pointer() + "/ids/" + spec.id());
    }
    ParamProblems problems = new ParamProblems(manifest, spec, origin);
    checkEachParam(merged, type, problems);
    if (!problems.isEmpty()) {
      throw problems.exception();
    }
    P params;
    JsonNode canonical;
    Map<String, String> inputs;
    try {
      params = binder.treeToValue(merged, type.paramsType());
      ParamChecks.check(type, params)
          .forEach(problem -> problems.add(problem.field(), problem.message()));
      if (!problems.isEmpty()) {
        throw problems.exception();
      }
      type.checkInputs(params, contentDir);
      canonical = Json.sorted(binder.valueToTree(params));
      inputs = contentInputs(canonical);
      type.externalInputs(params)
          .forEach((name, path) -> inputs.putAll(externalHashes.hashes("external:" + name, path)));
    } catch (JsonMappingException e) {
      problems.add(fieldPath(e).replaceFirst("^\\.", ""), describe(e, null));
      throw problems.exception();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ManifestException(
          new ManifestProblem(
              manifest.source().locate(spec.pointer() + "/params"),
              "experiment '" + spec.id() + "' params",
              firstLine(e.getOriginalMessage())));
    } catch (InvalidParamsException e) {
      problems.add(e.field(), e.getMessage());
      throw problems.exception();
    } catch (IllegalArgumentException e) {
      throw new ManifestException(
          new ManifestProblem(
              manifest.source().locate(spec.pointer() + "/params"),
              "experiment '" + spec.id() + "' params",
              e.getMessage()));
    }
    if (!planned.keySet().containsAll(spec.dependsOn())) {
      return null; // checked, but a dependency's params are wrong: it has no key to build on
    }
    Map<String, String> dependencyKeys =
        spec.dependsOn().stream()
            .collect(Collectors.toMap(d -> d, d -> planned.get(d).key().hash(), (a, b) -> a));
    CacheKey key =
        CacheKey.of(
            type.name(), type.codeVersion(), canonical, spec.seed(), inputs, dependencyKeys);
    return new PlannedExperiment(spec, type, params, canonical, key);
  }

  /**
   * Checks every parameter on its own, so that all problems of an experiment are reported at once:
   * unknown names, values of the wrong type, numbers outside the {@link Param} range and content
   * files that leave {@code content/} or do not exist.
   */
  private void checkEachParam(ObjectNode merged, ExperimentType<?> type, ParamProblems problems) {
    Map<String, RecordComponent> components = ParamDocs.componentsByName(type.paramsType());
    for (Iterator<String> it = merged.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!components.containsKey(name)) {
        problems.add(
            name,
            "unknown parameter '"
                + name
                + "' for type "
                + type.name()
                + Suggestions.didYouMean(name, components.keySet())
                + "; known parameters: "
                + String.join(", ", components.keySet().stream().sorted().toList()));
      }
    }
    for (Map.Entry<String, RecordComponent> c : components.entrySet()) {
      String name = c.getKey();
      JsonNode node = merged.get(name);
      if (node == null || node.isNull()) {
        problems.add(name, "a value is required");
        continue;
      }
      Object value;
      try {
        value = binder.convertValue(node, binder.constructType(c.getValue().getGenericType()));
      } catch (IllegalArgumentException e) {
        String field = name;
        String message = e.getMessage();
        if (e.getCause() instanceof JsonMappingException mapping) {
          field = name + fieldPath(mapping);
          message = describe(mapping, node.at(pointerOf(mapping)));
        }
        problems.add(field, firstLine(message));
        continue;
      }
      ParamChecks.range(name, c.getValue(), value)
          .forEach(problem -> problems.add(problem.field(), problem.message()));
      Param doc = c.getValue().getAnnotation(Param.class);
      if (doc != null && doc.contentFile()) {
        checkContentFiles(name, value, problems);
      }
    }
  }

  private void checkContentFiles(String field, Object value, ParamProblems problems) {
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        checkContentFiles(field + "[" + i + "]", list.get(i), problems);
      }
    } else if (value instanceof String path) {
      contentFileProblem(path).ifPresent(problem -> problems.add(field, problem));
    }
  }

  /** Why a path does not name a file under {@code content/}, if it does not. */
  private java.util.Optional<String> contentFileProblem(String path) {
    Path file;
    try {
      file = contentDir.resolve(path).normalize();
    } catch (java.nio.file.InvalidPathException e) {
      return java.util.Optional.of("'" + path + "' is not a valid path");
    }
    if (!file.startsWith(contentDir)) {
      return java.util.Optional.of("'" + path + "' is outside the content folder " + contentDir);
    }
    if (!Files.isRegularFile(file)) {
      return java.util.Optional.of("file '" + path + "' not found in " + contentDir);
    }
    try {
      if (!file.toRealPath().startsWith(contentDir.toRealPath())) {
        return java.util.Optional.of(
            "'" + path + "' is a link that leaves the content folder " + contentDir);
      }
    } catch (java.io.IOException e) {
      return java.util.Optional.of("cannot read '" + path + "': " + e.getMessage());
    }
    if (IMAGE_FILE.matcher(path).find()) {
      try {
        Images.dimensions(file); // a readable image of bounded size, checked from its header
      } catch (IllegalArgumentException e) {
        return java.util.Optional.of(e.getMessage());
      }
    }
    return java.util.Optional.empty();
  }

  private static String fieldPath(JsonMappingException e) {
    StringBuilder field = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        field.append('.').append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        field.append('[').append(ref.getIndex()).append(']');
      }
    }
    return field.toString();
  }

  private static String pointerOf(JsonMappingException e) {
    StringBuilder pointer = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      pointer
          .append('/')
          .append(ref.getFieldName() != null ? ref.getFieldName() : "" + ref.getIndex());
    }
    return pointer.toString();
  }

  /** Collects the parameter problems of one experiment, each located where its value is set. */
  private static final class ParamProblems {
    private final Manifest manifest;
    private final ExperimentSpec spec;
    private final Map<String, String> origin;
    private final List<ManifestProblem> list = new ArrayList<>();

    ParamProblems(Manifest manifest, ExperimentSpec spec, Map<String, String> origin) {
      this.manifest = manifest;
      this.spec = spec;
      this.origin = origin;
    }

    void add(String field, String message) {
      String top = field.split("[.\\[]", 2)[0];
      String pointer = origin.getOrDefault(top, spec.pointer() + "/params");
      list.add(
          new ManifestProblem(
              manifest.source().locate(pointer),
              "experiment '" + spec.id() + "' params." + field,
              message));
    }

    boolean isEmpty() {
      return list.isEmpty();
    }

    ManifestException exception() {
      return new ManifestException(list);
    }
  }

  private static void layer(
      ObjectNode merged, Map<String, String> origin, ObjectNode overrides, String pointer) {
    for (Iterator<Map.Entry<String, JsonNode>> it = overrides.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      merged.set(field.getKey(), field.getValue());
      origin.put(field.getKey(), pointer + "/" + field.getKey());
    }
  }

  /** A binding failure in the user's words: what was expected, what was found. */
  private static String describe(JsonMappingException e, JsonNode found) {
    if (e instanceof UnrecognizedPropertyException unknown) {
      List<String> known =
          unknown.getKnownPropertyIds().stream().map(Object::toString).sorted().toList();
      return "unknown key '"
          + unknown.getPropertyName()
          + "'"
          + Suggestions.didYouMean(unknown.getPropertyName(), known)
          + "; expected "
          + String.join(", ", known);
    }
    if (e instanceof InvalidNullException) {
      return "a value is required";
    }
    if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
      return "expected "
          + describeType(mismatch.getTargetType())
          + (found == null || found.isMissingNode()
              ? ": " + firstLine(e.getOriginalMessage())
              : ", got " + ManifestParser.describe(found));
    }
    return firstLine(e.getOriginalMessage());
  }

  private static String describeType(Class<?> type) {
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "an integer";
    }
    if (type == double.class
        || type == Double.class
        || type == float.class
        || type == Float.class) {
      return "a number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "text";
    }
    if (List.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    return "a " + type.getSimpleName();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "invalid value";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /**
   * Hashes of content files named by text params, so editing an input image reruns its users.
   *
   * @throws InvalidParamsException naming the field if a link takes a named file out of content/
   */
  private Map<String, String> contentInputs(JsonNode params) {
    Map<String, String> inputs = new HashMap<>();
    collectInputs(params, "", inputs);
    return inputs;
  }

  private void collectInputs(JsonNode node, String field, Map<String, String> inputs) {
    if (node.isTextual()) {
      String value = node.asText();
      if (value.isEmpty() || value.length() > 300 || value.contains("\0")) {
        return;
      }
      Path file;
      try {
        file = contentDir.resolve(value).normalize();
      } catch (java.nio.file.InvalidPathException e) {
        // Not a path at all (a prompt, say): nothing to hash.
        return;
      }
      if (file.startsWith(contentDir) && Files.exists(file)) {
        Path real;
        try {
          real = ProjectPaths.confined(contentDir, file);
        } catch (ProjectPaths.EscapeException e) {
          throw new InvalidParamsException(field, e.getMessage());
        }
        if (Files.isRegularFile(real)) {
          inputs.put(value, Hashing.sha256(real));
        }
      }
    } else if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              f ->
                  collectInputs(
                      f.getValue(),
                      field.isEmpty() ? f.getKey() : field + "." + f.getKey(),
                      inputs));
    } else {
      for (int i = 0; i < node.size(); i++) {
        collectInputs(node.get(i), field + "[" + i + "]", inputs);
      }
    }
  }
}
