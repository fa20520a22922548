package dev.diffusionlab.experiments;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a parameter of an experiment type means and which values it takes, written on the component
 * of the type's params record. It is the one place a parameter's range is written: {@code types
 * TYPE} lists it, and the planner enforces {@link #min()}, {@link #max()} (through {@link
 * ParamChecks}) and {@link #contentFile()} before anything runs, for a list on every element. A
 * type's {@link ExperimentType#validate} keeps only the rules that relate several values.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Param {
  /** The meaning, in a short phrase. */
  String value();

  /** The smallest allowed number. */
  double min() default Double.NEGATIVE_INFINITY;

  /** The largest allowed number. */
  double max() default Double.POSITIVE_INFINITY;

  /** Whether {@link #min()} itself is refused (a learning rate above 0, say). */
  boolean minExclusive() default false;

  /** Whether {@link #max()} itself is refused (a probability below 1, say). */
  boolean maxExclusive() default false;

  /** Whether the value is a path relative to {@code content/} of a file that must exist. */
  boolean contentFile() default false;
}
