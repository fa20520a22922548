package dev.diffusionlab.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.diffusionlab.TestProjects;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The project's git commit, read from hand-made .git folders. */
class MachineTest {
  private static final String A = "3d1dda5f0c9a1e7b2b4c6d8e0f1a2b3c4d5e6f70";
  private static final String B = "21e7213aa00bb11cc22dd33ee44ff5566778899a";

  @TempDir Path project;

  @Test
  void readsTheBranchHeadFromALooseRef() {
    TestProjects.write(project.resolve(".git/HEAD"), "ref: refs/heads/main\n");
    TestProjects.write(project.resolve(".git/refs/heads/main"), A + "\n");
    assertEquals(Optional.of(A), Machine.gitCommit(project));
  }

  @Test
  void readsPackedRefsAndADetachedHead() {
    TestProjects.write(project.resolve(".git/HEAD"), "ref: refs/heads/writing\n");
    TestProjects.write(
        project.resolve(".git/packed-refs"),
        "# pack-refs with: peeled fully-peeled sorted\n"
            + A
            + " refs/heads/main\n"
            + B
            + " refs/heads/writing\n");
    assertEquals(Optional.of(B), Machine.gitCommit(project));
    TestProjects.write(project.resolve(".git/HEAD"), A + "\n");
    assertEquals(Optional.of(A), Machine.gitCommit(project));
  }

  @Test
  void followsAWorktreeToItsCommonFolder() {
    Path main = project.resolve("main/.git");
    TestProjects.write(main.resolve("refs/heads/topic"), B + "\n");
    Path worktree = main.resolve("worktrees/wt");
    TestProjects.write(worktree.resolve("HEAD"), "ref: refs/heads/topic\n");
    TestProjects.write(worktree.resolve("commondir"), "../..\n");
    Path checkout = project.resolve("wt");
    TestProjects.write(checkout.resolve(".git"), "gitdir: ../main/.git/worktrees/wt\n");
    assertEquals(Optional.of(B), Machine.gitCommit(checkout));
  }

  @Test
  void outsideACheckoutOrWithAnUnresolvableHeadThereIsNone() {
    assertEquals(Optional.empty(), Machine.gitCommit(project));
    TestProjects.write(project.resolve(".git/HEAD"), "ref: refs/heads/unborn\n");
    assertEquals(Optional.empty(), Machine.gitCommit(project));
    TestProjects.write(project.resolve(".git/HEAD"), "ref: ../../../etc/passwd\n");
    assertEquals(Optional.empty(), Machine.gitCommit(project));
  }
}
