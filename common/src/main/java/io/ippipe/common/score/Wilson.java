package io.ippipe.common.score;

/** The Wilson score interval for a binomial proportion. */
public final class Wilson {
  private Wilson() {}

  /**
   * Lower bound of the Wilson interval for {@code successes} out of {@code trials} at {@code z}
   * standard deviations (1.96 for 95%). Unlike the raw rate (z = 0) it does not give 1 of 1 a
   * perfect score: with few trials the bound stays low. 0 when there are no trials.
   */
  public static double lowerBound(long successes, long trials, double z) {
    return lowerBound((double) successes, (double) trials, z);
  }

  /** The same for weighted counts (active checks count as several requests). */
  public static double lowerBound(double successes, double trials, double z) {
    if (trials <= 0) {
      return 0.0;
    }
    if (successes < 0 || successes > trials) {
      throw new IllegalArgumentException(successes + " successes out of " + trials + " trials");
    }
    double n = trials;
    double p = successes / n;
    double z2 = z * z;
    double centre = p + z2 / (2 * n);
    double margin = z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    return Math.max(0.0, (centre - margin) / (1 + z2 / n));
  }
}
