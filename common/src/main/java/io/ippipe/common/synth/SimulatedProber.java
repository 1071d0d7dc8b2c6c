package io.ippipe.common.synth;

import io.ippipe.common.probe.Anonymity;
import io.ippipe.common.probe.ProbeOutcome;
import io.ippipe.common.probe.ProbeResult;
import io.ippipe.common.probe.ProbeTarget;
import io.ippipe.common.probe.Prober;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Active checks of simulated proxies, answered from the day's truth instead of the network.
 * A check goes through the proxy to our own judge, so it sees what the proxy serves
 * ({@link Life.State#service()}) and not the targets' bans, which only the logs show: a banned
 * proxy passes its checks. A dead proxy or one in an outage does not answer. A live one answers
 * each attempt with its requests' chance of success, after a latency drawn as its requests' are
 * ({@link SyntheticData#request}); its failures (timeouts, 502/504, a closed connection) are
 * transient, so, as {@link io.ippipe.common.probe.ProxyChecker} does, they are tried again up to
 * probe.retries times, and a check passes with 1 - (1 - service)^(retries + 1). Draws are a
 * function of the seed, the day, the endpoint and the attempt: a rerun of a day checks the same
 * way.
 */
public final class SimulatedProber implements Prober {
  private static final long serialVersionUID = 1L;

  /**
   * What the simulation knows of one endpoint on the day: a row of the truth table, its state
   * as {@link Life.State#label()} names it.
   */
  public record Endpoint(String state, double service, String proxyType, String exitIp)
      implements Serializable {}

  private final Map<String, Endpoint> truth;
  private final long seed;
  private final long dayStartMs;
  private final int retries;
  private final int connectTimeoutMs;
  private final int responseTimeoutMs;

  /**
   * @param truth the day's endpoints by {@link #key(String, int)}; an endpoint it lacks refuses
   * @param seed the simulation's seed (generate.seed)
   * @param retries further attempts after a retryable failure (probe.retries)
   */
  public SimulatedProber(Map<String, Endpoint> truth, long seed, long dayStartMs, int retries,
      int connectTimeoutMs, int responseTimeoutMs) {
    this.truth = Map.copyOf(truth);
    this.seed = seed;
    this.dayStartMs = dayStartMs;
    this.retries = retries;
    this.connectTimeoutMs = connectTimeoutMs;
    this.responseTimeoutMs = responseTimeoutMs;
  }

  public static String key(String ip, int port) {
    return ip + "|" + port;
  }

  @Override
  public List<ProbeResult> checkAll(List<ProbeTarget> targets) {
    List<ProbeResult> out = new ArrayList<>(targets.size());
    for (ProbeTarget t : targets) {
      String key = key(t.ip(), t.port());
      long started = dayStartMs + draws(key, 0).nextLong(86_400_000L - 60_000L);
      ProbeResult r;
      int attempt = 0;
      do {
        attempt++;
        r = attempt(t, key, attempt, started);
        started += Math.round(r.totalMs());
        out.add(r);
      } while (r.outcome().retryable() && attempt <= retries);
    }
    return out;
  }

  private SplittableRandom draws(String key, int attempt) {
    return new SplittableRandom((seed * 31 + dayStartMs) * 1_000_003L
        ^ (long) key.hashCode() * 0x9E37_79B9_7F4A_7C15L ^ attempt);
  }

  private ProbeResult attempt(ProbeTarget t, String key, int attempt, long started) {
    SplittableRandom r = draws(key, attempt);
    Endpoint e = truth.get(key);
    if (e == null) {
      return failed(t, attempt, started, ProbeOutcome.REFUSED, 1.0, null, null);
    }
    if (Life.State.unreachable(e.state())) {
      return r.nextDouble() < 0.7
          ? failed(t, attempt, started, ProbeOutcome.CONNECT_TIMEOUT, connectTimeoutMs, null, null)
          : failed(t, attempt, started, ProbeOutcome.REFUSED, 1.0, null, null);
    }
    double total = SyntheticData.latencyMs(e.proxyType(), r);
    double connect = Math.max(1, Math.round(total * 0.2));
    if (r.nextDouble() > e.service()) {
      double f = r.nextDouble();
      if (f < 0.3) {
        return failed(t, attempt, started, ProbeOutcome.RESPONSE_TIMEOUT, responseTimeoutMs,
            connect, null);
      }
      if (f < 0.7) {
        return failed(t, attempt, started, ProbeOutcome.UPSTREAM_ERROR, total, connect,
            f < 0.5 ? 502 : 504);
      }
      return failed(t, attempt, started, ProbeOutcome.CLOSED, total, connect, null);
    }
    String exit = e.exitIp() == null ? t.ip() : e.exitIp();
    return new ProbeResult(t, attempt, started, ProbeOutcome.OK, connect, null, total - connect,
        total, 200, exit, exit.equals(t.ip()), Anonymity.ELITE, null);
  }

  private static ProbeResult failed(ProbeTarget t, int attempt, long started, ProbeOutcome outcome,
      double totalMs, Double connectMs, Integer status) {
    return new ProbeResult(t, attempt, started, outcome, connectMs, null, null, totalMs, status,
        null, null, null, "simulated");
  }
}
