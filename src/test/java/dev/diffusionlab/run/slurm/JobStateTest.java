package dev.diffusionlab.run.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Slurm's state names and exit codes as squeue, scontrol and sacct print them. */
class JobStateTest {
  @Test
  void statesAreGroupedAsTheExecutorNeedsThem() {
    assertEquals(JobState.PENDING, JobState.parse("PENDING"));
    assertEquals(JobState.PENDING, JobState.parse("PD"));
    assertEquals(JobState.RUNNING, JobState.parse("COMPLETING"));
    assertEquals(JobState.RUNNING, JobState.parse("REQUEUED"));
    assertEquals(JobState.COMPLETED, JobState.parse("COMPLETED"));
    assertEquals(JobState.CANCELLED, JobState.parse("CANCELLED by 0"));
    assertEquals(JobState.TIMEOUT, JobState.parse("TIMEOUT"));
    assertEquals(JobState.FAILED, JobState.parse("failed"));
    assertEquals(JobState.LOST, JobState.parse("OUT_OF_MEMORY"));
    assertEquals(JobState.LOST, JobState.parse("NODE_FAIL"));
    assertFalse(JobState.RUNNING.finished());
    assertFalse(JobState.PENDING.finished());
    assertTrue(JobState.LOST.finished());
  }

  @Test
  void exitCodesAreTheCodeBeforeTheSignal() {
    assertEquals(3, CommandLauncher.exitCode("3:0"));
    assertEquals(0, CommandLauncher.exitCode("0:9"));
    assertEquals(1, CommandLauncher.exitCode("1"));
    assertEquals(-1, CommandLauncher.exitCode(""));
    assertEquals(9, CommandLauncher.signal("0:9"));
    assertEquals(0, CommandLauncher.signal("3:0"));
  }
}
