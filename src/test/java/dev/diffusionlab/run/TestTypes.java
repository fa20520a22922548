package dev.diffusionlab.run;

import dev.diffusionlab.experiments.ExperimentContext;
import dev.diffusionlab.experiments.ExperimentType;
import dev.diffusionlab.experiments.InvalidParamsException;
import dev.diffusionlab.experiments.OutputKind;
import dev.diffusionlab.experiments.catalog.ExperimentTypes;
import dev.diffusionlab.util.ResourceUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Small experiment types for runner tests; each counts its runs per experiment id. */
final class TestTypes {
  final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

  int runs(String id) {
    AtomicInteger n = runs.get(id);
    return n == null ? 0 : n.get();
  }

  ExperimentTypes registry() {
    return new ExperimentTypes(List.of(new Echo(), new Failing(), new Resumable(), new Trainer()));
  }

  /** Params of the echo type. */
  record EchoParams(String text, int count, List<String> inputs) {}

  /** Writes its text, seed and its dependencies' text into out.txt. */
  final class Echo implements ExperimentType<EchoParams> {
    @Override
    public String name() {
      return "echo";
    }

    @Override
    public int codeVersion() {
      return 1;
    }

    @Override
    public Class<EchoParams> paramsType() {
      return EchoParams.class;
    }

    @Override
    public Map<String, Object> defaults() {
      return Map.of("text", "hello", "count", 1, "inputs", List.of());
    }

    @Override
    public void validate(EchoParams p) {
      if (p.count() < 0) {
        throw new InvalidParamsException("count", "must not be negative, got " + p.count());
      }
    }

    @Override
    public void run(EchoParams p, ExperimentContext ctx) throws Exception {
      runs.computeIfAbsent(ctx.id(), k -> new AtomicInteger()).incrementAndGet();
      StringBuilder text = new StringBuilder(p.text().repeat(p.count()) + " seed " + ctx.seed());
      for (String input : p.inputs()) {
        text.append(" <")
            .append(Files.readString(ctx.dependency(input).file("out.txt")))
            .append('>');
      }
      Files.writeString(ctx.output("out.txt", OutputKind.TABLE, "echo"), text);
      Files.writeString(ctx.workDir().resolve("scratch.tmp"), "not registered");
    }
  }

  /** Params of the failing type. */
  record FailParams(String message) {}

  /** Writes part of an output, then throws. */
  final class Failing implements ExperimentType<FailParams> {
    @Override
    public String name() {
      return "fail";
    }

    @Override
    public int codeVersion() {
      return 1;
    }

    @Override
    public Class<FailParams> paramsType() {
      return FailParams.class;
    }

    @Override
    public Map<String, Object> defaults() {
      return Map.of("message", "boom");
    }

    @Override
    public void run(FailParams p, ExperimentContext ctx) throws Exception {
      runs.computeIfAbsent(ctx.id(), k -> new AtomicInteger()).incrementAndGet();
      Files.writeString(ctx.output("half.txt", OutputKind.DATA, "half"), "half written");
      if (p.message().startsWith("absent")) {
        throw new ResourceUnavailableException(p.message());
      }
      throw new IllegalStateException(p.message());
    }
  }

  /** Params of the resumable type. */
  record ResumeParams(int steps, int failAt) {}

  /** Counts steps in its work folder; fails once at failAt, then resumes where it stopped. */
  final class Resumable implements ExperimentType<ResumeParams> {
    @Override
    public String name() {
      return "resumable";
    }

    @Override
    public int codeVersion() {
      return 1;
    }

    @Override
    public Class<ResumeParams> paramsType() {
      return ResumeParams.class;
    }

    @Override
    public Map<String, Object> defaults() {
      return Map.of("steps", 4, "fail_at", -1);
    }

    @Override
    public boolean resumable() {
      return true;
    }

    @Override
    public void run(ResumeParams p, ExperimentContext ctx) throws Exception {
      int attempt = runs.computeIfAbsent(ctx.id(), k -> new AtomicInteger()).incrementAndGet();
      Path state = ctx.workDir().resolve("step.txt");
      int done = Files.exists(state) ? Integer.parseInt(Files.readString(state)) : 0;
      StringBuilder log = new StringBuilder();
      for (int step = done; step < p.steps(); step++) {
        if (step == p.failAt() && attempt == 1) {
          throw new IllegalStateException("interrupted at step " + step);
        }
        Files.writeString(state, Integer.toString(step + 1));
        log.append(step).append(' ');
      }
      Files.writeString(
          ctx.output("log.txt", OutputKind.DATA, "steps run in the last attempt"), log);
      ctx.output("step.txt", OutputKind.DATA, "steps done");
    }
  }

  /** Writes a large checkpoint and a small figure. */
  final class Trainer implements ExperimentType<EchoParams> {
    @Override
    public String name() {
      return "trainer";
    }

    @Override
    public int codeVersion() {
      return 1;
    }

    @Override
    public Class<EchoParams> paramsType() {
      return EchoParams.class;
    }

    @Override
    public Map<String, Object> defaults() {
      return Map.of("text", "w", "count", 1, "inputs", List.of());
    }

    @Override
    public void run(EchoParams p, ExperimentContext ctx) throws Exception {
      runs.computeIfAbsent(ctx.id(), k -> new AtomicInteger()).incrementAndGet();
      Files.writeString(ctx.output("model.bin", OutputKind.CHECKPOINT, "weights"), p.text());
      Files.writeString(
          ctx.output("out.txt", OutputKind.FIGURE, "a figure"), "trained " + p.text());
    }
  }
}
