package io.ippipe.jobs.run;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Named points where tests inject a fault: a failing stage, a file gone before a reconciliation.
 * Inert unless a test in the same JVM registered a hook; no config file or option reaches it.
 */
public final class Faults {
  private static final Map<String, Consumer<String>> HOOKS = new ConcurrentHashMap<>();

  private Faults() {}

  /** Runs {@code hook} with the point's context (a path) whenever the code reaches the point. */
  public static void at(String point, Consumer<String> hook) {
    HOOKS.put(point, hook);
  }

  public static void clear() {
    HOOKS.clear();
  }

  public static void hit(String point, String context) {
    Consumer<String> hook = HOOKS.get(point);
    if (hook != null) {
      hook.accept(context);
    }
  }
}
