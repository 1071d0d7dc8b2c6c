package io.ippipe.common.synth;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * The hidden life of a synthetic proxy over simulated days: when it joins and leaves the
 * inventory, when it dies, has an outage, degrades and recovers, is banned by targets (alone, or
 * in a wave that hits much of one supplier), or starts exiting from another address. A pure
 * function of (seed, proxy, day), like everything in {@link SyntheticData}: any day of any proxy
 * can be computed on any executor, and the truth written beside the data is the same function.
 *
 * <p>Day 0 is the clean start: every proxy listed that day is in its base state, so a one-day
 * {@code generate} is the base population alone. Events start on day 1.
 */
public final class Life implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Daily rates of the simulation. Hazards are per proxy and day; durations are drawn uniformly
   * from 1 (2 for waves) to the maximum.
   *
   * @param joinPerDay new proxies per day, as a share of the day-0 population
   * @param leavePerDay the chance a listed proxy is delisted on a given day
   * @param deadLeavePerDay the same for a dead proxy: suppliers drop dead ones sooner
   * @param death permanent death (every request fails to connect)
   * @param outage a dead spell that ends (1 to outageMaxDays days)
   * @param degrade a spell at 0.3-0.7 of its base quality (1 to degradeMaxDays days)
   * @param ban targets ban this proxy alone (1 to banMaxDays days)
   * @param supplierWave per supplier and day: targets ban waveShare of its proxies at once
   * @param exitChange the proxy starts exiting from another address, for good
   * @param banShare the share of a banned proxy's requests the targets refuse (403, 429)
   */
  public record Rates(double joinPerDay, double leavePerDay, double deadLeavePerDay,
      double death, double outage, int outageMaxDays, double degrade, int degradeMaxDays,
      double ban, int banMaxDays, double supplierWave, double waveShare, int waveMaxDays,
      double exitChange, double banShare) implements Serializable {}

  /**
   * About 5% of the good proxies in a bad spell on a given day, one supplier-wide ban wave every
   * two weeks or so, 2% of the inventory new each day and about as many delisted.
   */
  public static final Rates DEFAULT = new Rates(0.02, 0.015, 0.25, 0.003, 0.007, 2, 0.007, 5,
      0.003, 3, 0.01, 0.4, 4, 0.003, 0.8);

  /**
   * Everything true of one proxy on one day. {@code service} is its success rate where targets
   * do not refuse it (0 when dead or out, the base quality times the spell's factor when
   * degraded); {@link #quality()} is what a customer gets: service, less the bans.
   */
  public record State(boolean joined, boolean listed, int joinDay, double baseQuality,
      boolean dead, boolean outage, boolean degraded, boolean banned, boolean wave,
      int exitChanges, double service, double quality) implements Serializable {

    public static final String DEAD = "dead";
    public static final String OUTAGE = "outage";

    /** alive, dead, outage, degraded, banned: the worst spell wins. */
    public String label() {
      if (!joined) {
        return "not_joined";
      }
      if (!listed) {
        return "delisted";
      }
      return dead ? DEAD : outage ? OUTAGE : banned ? "banned" : degraded ? "degraded" : "ok";
    }

    /** Whether a state of this label answers nothing at all (a check or request times out). */
    public static boolean unreachable(String label) {
      return DEAD.equals(label) || OUTAGE.equals(label);
    }
  }

  private final long seed;
  private final Rates r;
  private final int suppliers;

  public Life(long seed, Rates rates, int suppliers) {
    this.seed = seed;
    this.r = rates;
    this.suppliers = suppliers;
  }

  public Rates rates() {
    return r;
  }

  /** New proxies per day after day 0 (index space grows by this much per day). */
  public long joinsPerDay(long proxies) {
    return Math.round(r.joinPerDay() * proxies);
  }

  /** The day a proxy index joins: 0 for the day-0 population, later for newer indexes. */
  public int joinDay(long index, long proxies) {
    if (index < proxies) {
      return 0;
    }
    long perDay = Math.max(1, joinsPerDay(proxies));
    return (int) (1 + (index - proxies) / perDay);
  }

  /** Proxy indexes that exist (joined) by {@code day}. */
  public long indexesBy(int day, long proxies) {
    return proxies + (long) day * joinsPerDay(proxies);
  }

  /**
   * The state of proxy {@code index} (of base quality {@code baseQuality}, supplier number
   * {@code supplier}) on {@code day}, walking its days from its join: each day's draws depend on
   * (seed, index, day) alone.
   */
  public State state(long index, long proxies, int supplier, double baseQuality, int day) {
    int join = joinDay(index, proxies);
    if (day < join) {
      return new State(false, false, join, baseQuality, false, false, false, false, false, 0, 0,
          0);
    }
    boolean listed = true;
    boolean dead = false;
    int outageUntil = -1;
    int degradeUntil = -1;
    double factor = 1;
    int banUntil = -1;
    int exits = 0;
    for (int t = join + 1; t <= day && listed; t++) {
      SplittableRandom g = new SplittableRandom(SyntheticData.mix(seed * 131 + index)
          ^ SyntheticData.mix(0x5DEECE66DL * t + 11));
      if (g.nextDouble() < (dead ? r.deadLeavePerDay() : r.leavePerDay())) {
        listed = false;
        break;
      }
      if (dead) {
        continue;
      }
      if (g.nextDouble() < r.death()) {
        dead = true;
        continue;
      }
      double u = g.nextDouble();
      if (t >= outageUntil && u < r.outage()) {
        outageUntil = t + 1 + g.nextInt(r.outageMaxDays());
      }
      u = g.nextDouble();
      if (t >= degradeUntil && u < r.degrade()) {
        degradeUntil = t + 1 + g.nextInt(r.degradeMaxDays());
        factor = 0.3 + 0.4 * g.nextDouble();
      }
      u = g.nextDouble();
      if (t >= banUntil && u < r.ban()) {
        banUntil = t + 1 + g.nextInt(r.banMaxDays());
      }
      if (g.nextDouble() < r.exitChange()) {
        exits++;
      }
    }
    boolean outage = !dead && day < outageUntil;
    boolean degraded = !dead && day < degradeUntil;
    boolean wave = !dead && inWave(index, supplier, day);
    boolean banned = !dead && (day < banUntil || wave);
    double service = dead || outage ? 0.0 : baseQuality * (degraded ? factor : 1.0);
    return new State(true, listed, join, baseQuality, dead, outage, degraded, banned, wave,
        exits, service, banned ? service * (1 - r.banShare()) : service);
  }

  /** Whether a supplier-wide ban wave that hits this proxy is on that day. */
  boolean inWave(long index, int supplier, int day) {
    for (int start = Math.max(1, day - r.waveMaxDays() + 1); start <= day; start++) {
      int length = waveLength(supplier, start);
      if (length > 0 && start + length > day) {
        SplittableRandom g = new SplittableRandom(SyntheticData.mix(seed * 137 + index)
            ^ SyntheticData.mix(0x9E3779B97F4A7C15L * start + 13));
        if (g.nextDouble() < r.waveShare()) {
          return true;
        }
      }
    }
    return false;
  }

  /** The length of the wave a supplier's proxies get on a start day, or 0 when none starts. */
  public int waveLength(int supplier, int day) {
    if (day < 1 || supplier < 1 || supplier > suppliers) {
      return 0;
    }
    SplittableRandom g = new SplittableRandom(SyntheticData.mix(seed * 139 + supplier)
        ^ SyntheticData.mix(0xC2B2AE3D27D4EB4FL * day + 17));
    return g.nextDouble() < r.supplierWave() ? 2 + g.nextInt(Math.max(1, r.waveMaxDays() - 1)) : 0;
  }
}
