package io.ippipe.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets given where they do not belong (inline in --conf or the config file, inside a URL) must
 * never be printed: not in the error that refuses them, not in the -v config echo, not in a
 * stack trace. Every command line here runs with and without -v.
 */
class SecretLeakTest {
  static final String INLINE_KEY = "8c1f0e2d3b4a59687766554433221100";
  static final String INLINE_REDIS_PASSWORD = "inline-redis-pw-7f3a";
  static final String INLINE_PROBE_PASSWORD = "inline-probe-pw-9c2e";
  static final String URL_PASSWORD = "url-pw-51d0";
  static final List<String> SECRETS = List.of(INLINE_KEY, INLINE_REDIS_PASSWORD,
      INLINE_PROBE_PASSWORD, URL_PASSWORD);

  private static void assertNoSecret(CliTest.Run r, List<String> args) {
    for (String secret : SECRETS) {
      assertFalse(r.out().contains(secret), secret + " on stdout of " + args + ":\n" + r.out());
      assertFalse(r.err().contains(secret), secret + " on stderr of " + args + ":\n" + r.err());
    }
  }

  /** Runs {@code args} twice, plain and with -v; both must exit {@code code} and print no secret. */
  private static List<CliTest.Run> bothModes(int code, String... args) {
    List<CliTest.Run> runs = new ArrayList<>();
    for (boolean verbose : new boolean[] {false, true}) {
      List<String> a = new ArrayList<>(List.of(args));
      if (verbose) {
        a.add("-v");
      }
      CliTest.Run r = CliTest.run(a.toArray(new String[0]));
      assertEquals(code, r.code(), a + ": " + r.err());
      assertNoSecret(r, a);
      runs.add(r);
    }
    return runs;
  }

  @Test
  void inlineSecretsAreRefusedWithoutBeingPrinted(@TempDir Path dir) throws Exception {
    String lake = dir.resolve("lake").toString();
    Path input = dir.resolve("inv.txt");
    Files.writeString(input, "1.2.3.4:80\n");
    String inv = input.toString();

    // A key pasted into crypto.keys instead of a reference to it.
    for (CliTest.Run r : bothModes(2, "ingest", "--date", "2026-11-25", "--out", lake,
        "--inventory", inv, "--conf", "crypto.keys=k1=" + INLINE_KEY)) {
      assertTrue(r.err().contains("Invalid value for crypto.keys (from cli): '****'"), r.err());
    }
    bothModes(2, "ingest", "--date", "2026-11-25", "--out", lake, "--inventory", inv,
        "--conf", "crypto.keys=k1:" + INLINE_KEY);
    // The same from a config file, and a --conf without '='.
    Path conf = dir.resolve("ippipe.conf");
    Files.writeString(conf, "crypto.keys = " + INLINE_KEY + "\n");
    bothModes(2, "ingest", "--config", conf.toString(), "--date", "2026-11-25", "--out", lake,
        "--inventory", inv);
    for (CliTest.Run r : bothModes(2, "ingest", "--date", "2026-11-25", "--out", lake,
        "--inventory", inv, "--conf", INLINE_KEY)) {
      assertTrue(r.err().contains("expected key=value"), r.err());
    }

    // An inline Redis password, over TLS and over plaintext, and a password in the URL.
    bothModes(2, "publish", "--date", "2026-11-25", "--out", lake, "--redis",
        "rediss://127.0.0.1:1/0", "--conf", "publish.redis.password=" + INLINE_REDIS_PASSWORD);
    bothModes(2, "publish", "--date", "2026-11-25", "--out", lake, "--redis",
        "redis://127.0.0.1:1/0", "--conf", "publish.redis.password=" + INLINE_REDIS_PASSWORD);
    for (CliTest.Run r : bothModes(2, "publish", "--date", "2026-11-25", "--out", lake,
        "--redis", "redis://ippipe:" + URL_PASSWORD + "@127.0.0.1:1/0")) {
      assertTrue(r.err().contains("must not carry credentials"), r.err());
    }
    bothModes(2, "publish", "--date", "2026-11-25", "--out", lake, "--redis",
        "redis://ippipe:" + URL_PASSWORD + " @127.0.0.1:1/0");

    // An inline probe credential, and user info in the judge URL.
    bothModes(2, "probe", "--date", "2026-11-25", "--out", lake, "--judge",
        "http://127.0.0.1:9/judge", "--conf", "probe.credentials=supplier.acme = alice:"
            + INLINE_PROBE_PASSWORD);
    for (String judge : new String[] {"http://alice:" + URL_PASSWORD + "@127.0.0.1:9/judge",
        "http://alice:" + URL_PASSWORD + "^@127.0.0.1:9/judge",
        "http://127.0.0.1:9/judge,http://alice:" + URL_PASSWORD + "@127.0.0.1:10/judge"}) {
      bothModes(2, "probe", "--date", "2026-11-25", "--out", lake, "--judge", judge);
      bothModes(2, "ip", "probe", "203.0.113.5:8080", "--judge", judge);
    }

    // The judge's key pasted inline, to the checker and to the judge.
    bothModes(2, "probe", "--date", "2026-11-25", "--out", lake, "--judge",
        "http://127.0.0.1:9/judge", "--conf", "probe.judge_key=" + INLINE_KEY);
    bothModes(2, "judge", "--port", "0", "--exit-after", "1", "--conf",
        "probe.judge_key=" + INLINE_KEY);

    // All of them at once in a dry run, which echoes the config with -v and then stops.
    bothModes(2, "run", "--dry-run", "--date", "2026-11-25", "--out", lake, "--inventory", inv,
        "--conf", "publish.redis.password=" + INLINE_REDIS_PASSWORD,
        "--conf", "probe.credentials=supplier.acme = alice:" + INLINE_PROBE_PASSWORD,
        "--conf", "publish.redis.url=redis://u:" + URL_PASSWORD + "@127.0.0.1:1/0",
        "--conf", "probe.judge_url=http://u:" + URL_PASSWORD + "@127.0.0.1:9/judge",
        "--conf", "crypto.keys=k1=" + INLINE_KEY,
        "--conf", "probe.judge_key=" + INLINE_KEY);
    assertFalse(Files.exists(dir.resolve("lake")), "nothing written");
  }

  @Test
  void verboseEchoesTheConfigWithReferencesShownAndUrlUserInfoMasked(@TempDir Path dir)
      throws Exception {
    Path input = dir.resolve("inv.txt");
    Files.writeString(input, "1.2.3.4:80\n");
    List<CliTest.Run> runs = bothModes(0, "run", "--dry-run", "--date", "2026-11-25", "--out",
        dir.resolve("lake").toString(), "--inventory", input.toString(),
        "--conf", "publish.redis.password=env:IPPIPE_REDIS_PASSWORD",
        "--conf", "probe.credentials=file:/etc/ippipe/proxy-credentials",
        "--conf", "crypto.keys=k1=file:/etc/ippipe/k1.key",
        "--conf", "publish.redis.url=redis://u:" + URL_PASSWORD + "@127.0.0.1:1/0",
        "--conf", "probe.judge_url=http://u:" + URL_PASSWORD + "@judge.example.net:8899/judge");
    assertFalse(runs.get(0).err().contains("config: "), "no echo without -v");
    String echo = runs.get(1).err();
    assertTrue(echo.contains("config: publish.redis.password = env:IPPIPE_REDIS_PASSWORD (cli)"),
        echo);
    assertTrue(echo.contains("config: probe.credentials = file:/etc/ippipe/proxy-credentials (cli)"),
        echo);
    assertTrue(echo.contains("config: crypto.keys = k1=file:/etc/ippipe/k1.key (cli)"), echo);
    assertTrue(echo.contains("config: publish.redis.url = redis://****@127.0.0.1:1/0 (cli)"), echo);
    assertTrue(echo.contains(
        "config: probe.judge_url = http://****@judge.example.net:8899/judge (cli)"), echo);
    assertTrue(echo.contains("config: score.prior = 50 (default)"), echo);
  }
}
