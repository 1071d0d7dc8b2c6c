package io.ippipe.common.probe;

import io.ippipe.common.error.ConfigException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key the judge signs its reports with and the checkers verify them with (probe.judge_key).
 * The marker alone proves nothing: it travels in the request, so a proxy that answers itself can
 * echo it with any origin and headers it likes. Only the judge and the checkers hold this key,
 * so a report whose signature verifies is what the judge saw. The signature covers the marker,
 * the origin and every header in the order received, each length-prefixed, so that no two
 * reports share the signed bytes.
 */
public final class JudgeKey implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final String ALGORITHM = "HmacSHA256";
  private static final String CONTEXT = "ippipe-judge-report-v1";

  private final byte[] key;

  private JudgeKey(byte[] key) {
    this.key = key.clone();
  }

  /** {@code bytes} from probe.judge_key; fewer than 16 are refused, naming the key. */
  public static JudgeKey of(byte[] bytes) {
    if (bytes.length < 16) {
      throw new ConfigException("probe.judge_key has " + bytes.length + " bytes; use at least 16 "
          + "(ippipe keygen --scheme master --out FILE writes 32)");
    }
    return new JudgeKey(bytes);
  }

  /** The signature of a report, base64url without padding. */
  public String sign(String marker, String origin, Map<String, String> headers) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(marker, origin, headers));
  }

  /** Whether {@code report} carries this key's signature of its own content. */
  public boolean verifies(JudgeReport report) {
    if (report.signature() == null) {
      return false;
    }
    byte[] given;
    try {
      given = Base64.getUrlDecoder().decode(report.signature());
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(given, mac(report.marker(), report.origin(), report.headers()));
  }

  private byte[] mac(String marker, String origin, Map<String, String> headers) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(key, ALGORITHM));
      field(mac, CONTEXT);
      field(mac, marker);
      field(mac, origin);
      for (Map.Entry<String, String> h : headers.entrySet()) {
        field(mac, h.getKey());
        field(mac, h.getValue());
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is missing from this JVM", e);
    }
  }

  private static void field(Mac mac, String value) {
    byte[] bytes = (value == null ? "" : value).getBytes(StandardCharsets.UTF_8);
    int n = bytes.length;
    mac.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
    mac.update(bytes);
  }

  @Override
  public String toString() {
    return "JudgeKey[" + key.length + " bytes, not shown]";
  }
}
