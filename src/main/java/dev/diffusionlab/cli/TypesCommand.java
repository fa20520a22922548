package dev.diffusionlab.cli;

import dev.diffusionlab.build.BadOptionException;
import dev.diffusionlab.experiments.DeclaredOutput;
import dev.diffusionlab.experiments.ExperimentType;
import dev.diffusionlab.experiments.ParamDocs;
import dev.diffusionlab.experiments.catalog.ExperimentTypes;
import dev.diffusionlab.util.Json;
import dev.diffusionlab.util.Suggestions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Lists the experiment types; with a name, that type's params and outputs. */
@Command(
    name = "types",
    mixinStandardHelpOptions = true,
    description =
        "List the experiment types a manifest may name; with TYPE, its params (type, default,"
            + " allowed range, meaning) and the outputs it writes for its defaults.")
final class TypesCommand implements Callable<Integer> {
  @Parameters(arity = "0..1", paramLabel = "TYPE", description = "An experiment type.")
  String type;

  @Override
  public Integer call() {
    ExperimentTypes types = ExperimentTypes.standard();
    PrintStream out = System.out;
    if (type == null) {
      List<String[]> rows = new ArrayList<>();
      for (ExperimentType<?> t : types.all()) {
        rows.add(new String[] {t.name(), t.summary()});
      }
      printColumns(out, "", rows);
      out.println("diffusion-lab types TYPE lists a type's params and outputs.");
      return 0;
    }
    ExperimentType<?> found =
        types
            .find(type)
            .orElseThrow(
                () ->
                    new BadOptionException(
                        "TYPE",
                        "unknown experiment type '"
                            + type
                            + "'"
                            + Suggestions.didYouMean(type, types.names())
                            + "; types are "
                            + String.join(", ", types.names())));
    describe(out, found);
    return 0;
  }

  private static void describe(PrintStream out, ExperimentType<?> type) {
    out.printf(
        Locale.ROOT, "%s (code version %d): %s%n", type.name(), type.codeVersion(), type.summary());
    out.println();
    out.println("params:");
    List<String[]> params = new ArrayList<>();
    params.add(new String[] {"name", "type", "default", "range", "meaning"});
    for (ParamDocs.Doc doc : ParamDocs.of(type)) {
      params.add(
          new String[] {
            doc.name(), doc.valueType(), json(doc.defaultValue()), doc.range(), doc.meaning()
          });
    }
    printColumns(out, "  ", params);
    out.println();
    out.println("outputs (for the defaults; * stands for any text):");
    List<String[]> outputs = new ArrayList<>();
    outputs.add(new String[] {"file", "kind", "what"});
    for (DeclaredOutput o : defaultOutputs(type)) {
      outputs.add(
          new String[] {o.name(), o.kind().name().toLowerCase(Locale.ROOT), o.description()});
    }
    printColumns(out, "  ", outputs);
  }

  private static <P extends Record> List<DeclaredOutput> defaultOutputs(ExperimentType<P> type) {
    P defaults = Json.strictBinder().convertValue(type.defaults(), type.paramsType());
    return type.outputs(defaults);
  }

  private static String json(Object value) {
    if (value == null) {
      return "(required)";
    }
    try {
      return Json.strictBinder().writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return String.valueOf(value);
    }
  }

  /** Prints rows with every column but the last padded to its widest cell. */
  static void printColumns(PrintStream out, String indent, List<String[]> rows) {
    int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < row.length - 1; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder(indent);
      for (int i = 0; i < row.length; i++) {
        line.append(row[i]);
        if (i < row.length - 1) {
          line.append(" ".repeat(widths[i] - row[i].length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
