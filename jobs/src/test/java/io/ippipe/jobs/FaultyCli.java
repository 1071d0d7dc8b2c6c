package io.ippipe.jobs;

import io.ippipe.jobs.cli.IppipeCli;
import io.ippipe.jobs.io.FailFirstAttempt;

/**
 * The ippipe command line with the first attempt of every other write task failing
 * ({@link FailFirstAttempt}): scripts/cluster-smoke.sh submits it from the jobs test jar to show
 * that retried tasks leave outputs identical to a clean run. It lives in the test jar so that no
 * production setting can turn the fault on.
 */
public final class FaultyCli {
  private FaultyCli() {}

  public static void main(String[] args) throws Exception {
    FailFirstAttempt.arm();
    IppipeCli.main(args);
  }
}
