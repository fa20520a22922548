package dev.diffusionlab.experiments;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a parameter of an experiment type means and which values it takes, written on the component
 * of the type's params record. {@code types TYPE} lists it; the planner enforces {@link #min()},
 * {@link #max()} and {@link #contentFile()} before anything runs (for a list, on every element).
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

  /** Whether the value is a path relative to {@code content/} of a file that must exist. */
  boolean contentFile() default false;
}
