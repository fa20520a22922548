package dev.diffusionlab.cli;

import dev.diffusionlab.util.Machine;
import picocli.CommandLine.IVersionProvider;

/** Prints the program's version. */
public final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"diffusion-lab " + Machine.version()};
  }
}
