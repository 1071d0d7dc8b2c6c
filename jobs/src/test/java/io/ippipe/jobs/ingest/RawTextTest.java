package io.ippipe.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The raw text of rejects: masked before it is cut, whether the cut is the rejects' own
 * (validate.reject_raw_chars) or the line limit's, which can fall anywhere in a credential.
 */
class RawTextTest {
  @Test
  void anOverLongLineCutInsideACredentialKeepsNoPartOfIt() {
    String line = "1.2.3.4 http://alice:s3cretpassword@5.6.7.8:80 tail";
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    int limit = line.indexOf('@') - 4;
    // Raw chars far above the limit: only the reader's cut stands between the password and
    // the rejects table.
    String kept = new RawText(65_536).of(bytes, limit + 1, limit, null);
    assertFalse(kept.contains("s3cret"), kept);
    assertFalse(kept.contains("alice"), kept);
    assertTrue(kept.startsWith("<ip> "), kept);
  }

  @Test
  void parquetValuesAreMaskedBeforeTheyAreCut() {
    Map<String, Object> values = new TreeMap<>();
    values.put("host", "http://alice:" + "s".repeat(100) + "@1.2.3.4");
    values.put("password", "hunter2");
    String text = ParquetText.describe(values, 20);
    assertFalse(text.contains("alice"), text);
    assertFalse(text.contains("sss"), text);
    assertFalse(text.contains("hunter2"), text);
    assertEquals("host=http://***@1.2.3.4 password=***", text);
  }
}
