package dev.diffusionlab.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.diffusionlab.util.Suggestions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a manifest file and checks its structure: known keys, value types, simple unique ids, known
 * experiment types, no dangling dependencies and no cycles. Every problem found is reported at
 * once, each with file, line and field.
 */
public final class ManifestParser {
  /** Ids become folder and file names, so they are restricted to a safe alphabet. */
  public static final Pattern ID_PATTERN = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

  /** The longest id: it names folders and files, whose names file systems limit to 255 bytes. */
  public static final int MAX_ID_LENGTH = 64;

  private static final Set<String> TOP_KEYS = Set.of("title", "profiles", "experiments");
  private static final Set<String> EXPERIMENT_KEYS =
      Set.of("id", "type", "seed", "params", "depends_on");
  private static final Set<String> PROFILE_KEYS = Set.of("extends", "types", "ids", "resources");
  private static final Set<String> RESOURCE_GROUPS = Set.of("types", "ids");
  private static final Set<String> RESOURCE_KEYS =
      Set.of("gpus", "cpus", "mem", "time", "partition");
  // Slurm's memory (a number of MiB, or with a unit) and time limit syntaxes.
  private static final Pattern MEMORY = Pattern.compile("[1-9][0-9]{0,8}[KMGT]?");
  private static final Pattern TIME =
      Pattern.compile(
          "[0-9]{1,6}|[0-9]{1,6}:[0-5]?[0-9](:[0-5]?[0-9])?"
              + "|[0-9]{1,4}-[0-9]{1,2}(:[0-5]?[0-9](:[0-5]?[0-9])?)?");
  private static final Pattern PARTITION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.,-]{0,63}");

  private final Collection<String> knownTypes;

  /**
   * @param knownTypes the experiment type names that exist, listed in errors for an unknown type
   */
  public ManifestParser(Collection<String> knownTypes) {
    this.knownTypes = List.copyOf(knownTypes);
  }

  /**
   * Parses and checks a manifest.
   *
   * @throws ManifestException listing every problem found
   */
  public Manifest parse(Path file) {
    LocatedYaml yaml = LocatedYaml.parse(file);
    Problems problems = new Problems(yaml);
    JsonNode root = yaml.root();
    if (!root.isObject()) {
      problems.add("", "the manifest must be a mapping with 'experiments'");
      throw problems.exception();
    }
    checkKeys(root, "", TOP_KEYS, problems);
    String title = root.path("title").isTextual() ? root.get("title").asText() : "Experiments";
    if (root.has("title") && !root.get("title").isTextual()) {
      problems.add("/title", "expected text");
    }
    List<ExperimentSpec> experiments = parseExperiments(root.get("experiments"), problems);
    Map<String, Profile> profiles = parseProfiles(root.get("profiles"), problems);
    if (problems.isEmpty()) {
      checkGraph(experiments, problems);
      checkProfileTargets(profiles, experiments, problems);
    }
    if (!problems.isEmpty()) {
      throw problems.exception();
    }
    return new Manifest(yaml, title, experiments, profiles);
  }

  private List<ExperimentSpec> parseExperiments(JsonNode node, Problems problems) {
    List<ExperimentSpec> experiments = new ArrayList<>();
    if (node == null) {
      problems.add("", "missing 'experiments' (a list of experiments)");
      return experiments;
    }
    if (!node.isArray()) {
      problems.add("/experiments", "expected a list of experiments");
      return experiments;
    }
    Map<String, String> seen = new HashMap<>();
    for (int i = 0; i < node.size(); i++) {
      String pointer = "/experiments/" + i;
      JsonNode item = node.get(i);
      if (!item.isObject()) {
        problems.add(pointer, "expected a mapping with id, type, seed, params, depends_on");
        continue;
      }
      checkKeys(item, pointer, EXPERIMENT_KEYS, problems);
      String id = text(item, pointer, "id", true, problems);
      if (id != null && !ID_PATTERN.matcher(id).matches()) {
        problems.add(
            pointer + "/id",
            "id '"
                + id
                + "' is not a simple name: use lower-case letters, digits and single"
                + " hyphens (e.g. ddpm-train)");
        id = null;
      } else if (id != null && id.length() > MAX_ID_LENGTH) {
        problems.add(
            pointer + "/id",
            "id of "
                + id.length()
                + " characters is longer than the limit of "
                + MAX_ID_LENGTH
                + " characters");
        id = null;
      }
      String first = id == null ? null : seen.putIfAbsent(id, pointer);
      if (first != null) {
        problems.add(
            pointer + "/id",
            "duplicate id '"
                + id
                + "' (first defined at "
                + problems.yaml.locate(first + "/id")
                + ")");
      }
      String type = text(item, pointer, "type", true, problems);
      if (type != null) {
        checkType(pointer + "/type", type, problems);
      }
      long seed = 0;
      JsonNode seedNode = item.get("seed");
      if (seedNode != null) {
        if (seedNode.isIntegralNumber()) {
          seed = seedNode.asLong();
        } else {
          problems.add(pointer + "/seed", "expected an integer seed, got " + describe(seedNode));
        }
      }
      ObjectNode params = JsonNodeFactory.instance.objectNode();
      JsonNode paramsNode = item.get("params");
      if (paramsNode != null && !paramsNode.isNull()) {
        if (paramsNode.isObject()) {
          params = (ObjectNode) paramsNode;
        } else {
          problems.add(pointer + "/params", "expected a mapping of parameter names to values");
        }
      }
      List<String> dependsOn =
          stringList(item.get("depends_on"), pointer + "/depends_on", problems);
      if (id != null && type != null) {
        experiments.add(new ExperimentSpec(id, type, seed, params, dependsOn, pointer));
      }
    }
    return experiments;
  }

  private Map<String, Profile> parseProfiles(JsonNode node, Problems problems) {
    Map<String, Profile> profiles = new LinkedHashMap<>();
    Map<String, String> bases = new HashMap<>();
    if (node == null || node.isNull()) {
      return profiles;
    }
    if (!node.isObject()) {
      problems.add("/profiles", "expected a mapping of profile names");
      return profiles;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String pointer = "/profiles/" + entry.getKey();
      JsonNode value = entry.getValue();
      if (value.isNull()) {
        profiles.put(entry.getKey(), new Profile(entry.getKey(), Map.of(), Map.of(), pointer));
        continue;
      }
      if (!value.isObject()) {
        problems.add(pointer, "expected a mapping with 'types' and/or 'ids'");
        continue;
      }
      checkKeys(value, pointer, PROFILE_KEYS, problems);
      Map<String, ObjectNode> byType = overrides(value.get("types"), pointer + "/types", problems);
      Map<String, ObjectNode> byId = overrides(value.get("ids"), pointer + "/ids", problems);
      Resources resources = resources(value.get("resources"), pointer + "/resources", problems);
      profiles.put(entry.getKey(), new Profile(entry.getKey(), byType, byId, pointer, resources));
      JsonNode base = value.get("extends");
      if (base != null && !base.isNull()) {
        if (base.isTextual()) {
          bases.put(entry.getKey(), base.asText());
        } else {
          problems.add(pointer + "/extends", "expected the name of another profile");
        }
      }
    }
    Map<String, Profile> resolved = new LinkedHashMap<>();
    for (String name : profiles.keySet()) {
      resolve(name, profiles, bases, resolved, new ArrayList<>(), problems);
    }
    return resolved;
  }

  /**
   * Resolves {@code extends: <profile>}: the profile starts from its base's overrides (resolved
   * first, so chains work) and its own overrides win, parameter by parameter.
   */
  private Profile resolve(
      String name,
      Map<String, Profile> written,
      Map<String, String> bases,
      Map<String, Profile> resolved,
      List<String> chain,
      Problems problems) {
    Profile done = resolved.get(name);
    if (done != null) {
      return done;
    }
    Profile own = written.get(name);
    String base = bases.get(name);
    Profile merged = own;
    if (base != null) {
      String pointer = own.pointer() + "/extends";
      chain.add(name);
      if (chain.contains(base)) {
        problems.add(
            pointer,
            "profiles extend each other in a cycle: " + String.join(" -> ", chain) + " -> " + base);
      } else if (written.containsKey(base)) {
        merged = own.over(resolve(base, written, bases, resolved, chain, problems));
      } else if (!Manifest.BUILTIN_PROFILES.contains(base)) {
        Set<String> names = new java.util.TreeSet<>(written.keySet());
        names.addAll(Manifest.BUILTIN_PROFILES);
        problems.add(
            pointer, "no profile named '" + base + "'" + Suggestions.didYouMean(base, names));
      }
      chain.remove(name);
    }
    resolved.put(name, merged);
    return merged;
  }

  private Map<String, ObjectNode> overrides(JsonNode node, String pointer, Problems problems) {
    Map<String, ObjectNode> result = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return result;
    }
    if (!node.isObject()) {
      problems.add(pointer, "expected a mapping of names to parameter overrides");
      return result;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (entry.getValue().isObject()) {
        result.put(entry.getKey(), (ObjectNode) entry.getValue());
      } else {
        problems.add(pointer + "/" + entry.getKey(), "expected a mapping of parameter overrides");
      }
    }
    return result;
  }

  /** {@code resources: {types: {TYPE: {gpus, cpus, mem, time, partition}}, ids: {ID: ...}}}. */
  private Resources resources(JsonNode node, String pointer, Problems problems) {
    if (node == null || node.isNull()) {
      return Resources.NONE;
    }
    if (!node.isObject()) {
      problems.add(pointer, "expected a mapping with 'types' and/or 'ids'");
      return Resources.NONE;
    }
    checkKeys(node, pointer, RESOURCE_GROUPS, problems);
    return new Resources(
        jobResources(node.get("types"), pointer + "/types", problems),
        jobResources(node.get("ids"), pointer + "/ids", problems));
  }

  private Map<String, JobResources> jobResources(JsonNode node, String pointer, Problems problems) {
    Map<String, JobResources> result = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return result;
    }
    if (!node.isObject()) {
      problems.add(pointer, "expected a mapping of names to resources");
      return result;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String at = pointer + "/" + entry.getKey();
      JsonNode value = entry.getValue();
      if (!value.isObject()) {
        problems.add(
            at,
            "expected a mapping of resources (" + String.join(", ", sorted(RESOURCE_KEYS)) + ")");
        continue;
      }
      checkKeys(value, at, RESOURCE_KEYS, problems);
      result.put(
          entry.getKey(),
          new JobResources(
              count(value, at, "gpus", 0, 64, problems),
              count(value, at, "cpus", 1, 1024, problems),
              slurmText(
                  value, at, "mem", MEMORY, "a size such as 16G, 500M or 2048 (MiB)", problems),
              slurmText(
                  value,
                  at,
                  "time",
                  TIME,
                  "a time limit such as 90 (minutes), \"02:00:00\" or \"1-12:00:00\"",
                  problems),
              slurmText(value, at, "partition", PARTITION, "a partition name", problems)));
    }
    return result;
  }

  private static Integer count(
      JsonNode object, String pointer, String key, int min, int max, Problems problems) {
    JsonNode value = object.get(key);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
      problems.add(
          pointer + "/" + key,
          "expected an integer from " + min + " to " + max + ", got " + describe(value));
      return null;
    }
    return value.asInt();
  }

  private static String slurmText(
      JsonNode object,
      String pointer,
      String key,
      Pattern pattern,
      String expected,
      Problems problems) {
    JsonNode value = object.get(key);
    if (value == null || value.isNull()) {
      return null;
    }
    String text = value.isTextual() || value.isIntegralNumber() ? value.asText() : null;
    if (text == null || !pattern.matcher(text).matches()) {
      problems.add(pointer + "/" + key, "expected " + expected + ", got " + describe(value));
      return null;
    }
    return text;
  }

  private void checkProfileTargets(
      Map<String, Profile> profiles, List<ExperimentSpec> experiments, Problems problems) {
    Set<String> ids = new HashSet<>();
    experiments.forEach(e -> ids.add(e.id()));
    for (Profile profile : profiles.values()) {
      String at = profile.pointer();
      profile.byType().keySet().forEach(t -> checkType(at + "/types/" + t, t, problems));
      profile.byId().keySet().forEach(id -> checkId(at + "/ids/" + id, id, ids, problems));
      Resources resources = profile.resources();
      resources
          .byType()
          .keySet()
          .forEach(t -> checkType(at + "/resources/types/" + t, t, problems));
      resources
          .byId()
          .keySet()
          .forEach(id -> checkId(at + "/resources/ids/" + id, id, ids, problems));
    }
  }

  private void checkType(String pointer, String type, Problems problems) {
    if (!knownTypes.contains(type)) {
      problems.add(
          pointer,
          "unknown experiment type '"
              + type
              + "'"
              + Suggestions.didYouMean(type, knownTypes)
              + "; valid types: "
              + String.join(", ", knownTypes));
    }
  }

  private static void checkId(String pointer, String id, Set<String> ids, Problems problems) {
    if (!ids.contains(id)) {
      problems.add(pointer, "no experiment has id '" + id + "'" + Suggestions.didYouMean(id, ids));
    }
  }

  private void checkGraph(List<ExperimentSpec> experiments, Problems problems) {
    Map<String, ExperimentSpec> byId = new LinkedHashMap<>();
    experiments.forEach(e -> byId.put(e.id(), e));
    for (ExperimentSpec e : experiments) {
      for (int i = 0; i < e.dependsOn().size(); i++) {
        String dep = e.dependsOn().get(i);
        if (!byId.containsKey(dep)) {
          problems.add(
              e.pointer() + "/depends_on/" + i,
              "depends on '"
                  + dep
                  + "', which no experiment in this manifest defines"
                  + Suggestions.didYouMean(dep, byId.keySet()));
        }
      }
    }
    if (!problems.isEmpty()) {
      return;
    }
    Map<String, Integer> state = new HashMap<>();
    for (ExperimentSpec e : experiments) {
      List<String> cycle = findCycle(e.id(), byId, state, new ArrayList<>());
      if (cycle != null) {
        problems.add(
            byId.get(cycle.get(0)).pointer() + "/depends_on",
            "dependency cycle: " + String.join(" -> ", cycle));
        return;
      }
    }
  }

  /** Depth-first search; state 1 = on the current path, 2 = finished. */
  private static List<String> findCycle(
      String id, Map<String, ExperimentSpec> byId, Map<String, Integer> state, List<String> path) {
    Integer s = state.get(id);
    if (s != null && s == 2) {
      return null;
    }
    if (s != null && s == 1) {
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(id), path.size()));
      cycle.add(id);
      return cycle;
    }
    state.put(id, 1);
    path.add(id);
    for (String dep : byId.get(id).dependsOn()) {
      List<String> cycle = findCycle(dep, byId, state, path);
      if (cycle != null) {
        return cycle;
      }
    }
    path.remove(path.size() - 1);
    state.put(id, 2);
    return null;
  }

  private static void checkKeys(
      JsonNode object, String pointer, Set<String> allowed, Problems problems) {
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        problems.add(
            pointer + "/" + key,
            "unknown key '"
                + key
                + "'"
                + Suggestions.didYouMean(key, allowed)
                + "; expected one of "
                + String.join(", ", sorted(allowed)));
      }
    }
  }

  private static List<String> sorted(Set<String> set) {
    return set.stream().sorted().toList();
  }

  private static String text(
      JsonNode object, String pointer, String key, boolean required, Problems problems) {
    JsonNode value = object.get(key);
    if (value == null || value.isNull()) {
      if (required) {
        problems.add(pointer, "missing required key '" + key + "'");
      }
      return null;
    }
    if (!value.isTextual()) {
      problems.add(pointer + "/" + key, "expected text, got " + describe(value));
      return null;
    }
    return value.asText();
  }

  private static List<String> stringList(JsonNode node, String pointer, Problems problems) {
    List<String> result = new ArrayList<>();
    if (node == null || node.isNull()) {
      return result;
    }
    if (node.isTextual()) {
      result.add(node.asText());
      return result;
    }
    if (!node.isArray()) {
      problems.add(pointer, "expected a list of experiment ids, got " + describe(node));
      return result;
    }
    for (int i = 0; i < node.size(); i++) {
      if (node.get(i).isTextual()) {
        result.add(node.get(i).asText());
      } else {
        problems.add(pointer + "/" + i, "expected an experiment id, got " + describe(node.get(i)));
      }
    }
    return result;
  }

  /** A short description of a YAML value for error messages. */
  public static String describe(JsonNode node) {
    if (node.isTextual()) {
      return "text \"" + node.asText() + "\"";
    }
    if (node.isObject()) {
      return "a mapping";
    }
    if (node.isArray()) {
      return "a list";
    }
    if (node.isNull()) {
      return "nothing (null)";
    }
    return node.getNodeType().toString().toLowerCase() + " " + node;
  }

  /** Collects problems against one located document. */
  private static final class Problems {
    private final LocatedYaml yaml;
    private final List<ManifestProblem> list = new ArrayList<>();

    Problems(LocatedYaml yaml) {
      this.yaml = yaml;
    }

    void add(String pointer, String message) {
      list.add(new ManifestProblem(yaml.locate(pointer), FieldPaths.fromPointer(pointer), message));
    }

    boolean isEmpty() {
      return list.isEmpty();
    }

    ManifestException exception() {
      return new ManifestException(list);
    }
  }
}
