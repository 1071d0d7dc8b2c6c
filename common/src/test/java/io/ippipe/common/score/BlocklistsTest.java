package io.ippipe.common.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import io.ippipe.common.TestData;
import io.ippipe.common.error.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BlocklistsTest {
  private static final long V4_MAPPED = 0xffffL << 32;

  /** Compares the compiled lists with IPAddress's own containment over the real FireHOL files. */
  @Test
  void agreesWithALinearScanOfTheRealLists() throws Exception {
    Path level1 = TestData.real("blocklists/firehol_level1.netset");
    Path tor = TestData.real("blocklists/firehol_tor_exits.ipset");
    Blocklists lists = Blocklists.load(level1 + ", " + tor);
    assertEquals(List.of("firehol_level1", "firehol_tor_exits"), lists.names());
    List<IPAddress> level1Blocks = blocks(level1);
    List<IPAddress> torBlocks = blocks(tor);
    assertTrue(level1Blocks.size() > 3000, "level1 holds " + level1Blocks.size());

    SplittableRandom random = new SplittableRandom(7);
    List<Long> probes = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      probes.add(random.nextLong() & 0xffffffffL);
    }
    // Every block's first and last address, and the ones just outside, are the edge cases.
    for (IPAddress b : torBlocks.subList(0, 200)) {
      long first = b.toPrefixBlock().getLower().getValue().longValue();
      probes.add(first);
      probes.add((first + 1) & 0xffffffffL);
      probes.add((first - 1) & 0xffffffffL);
    }
    int listed = 0;
    for (long ip : probes) {
      String expected = contains(level1Blocks, ip) ? "firehol_level1"
          : contains(torBlocks, ip) ? "firehol_tor_exits" : null;
      assertEquals(expected, lists.firstMatch(0, V4_MAPPED | ip), "address " + ip);
      listed += expected == null ? 0 : 1;
    }
    assertTrue(listed > 300, "only " + listed + " probes were listed");
  }

  @Test
  void noListsMatchNothingAndMissingFilesFail() {
    assertNull(Blocklists.load(" ").firstMatch(0, V4_MAPPED | 1));
    ConfigException e = assertThrows(ConfigException.class, () -> Blocklists.load("/nope/x.netset"));
    assertTrue(e.getMessage().contains("score.blocklists"), e.getMessage());
  }

  private static List<IPAddress> blocks(Path file) throws Exception {
    List<IPAddress> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank() && !line.startsWith("#")) {
        out.add(new IPAddressString(line.strip()).toAddress().toPrefixBlock());
      }
    }
    return out;
  }

  private static boolean contains(List<IPAddress> blocks, long ip) {
    for (IPAddress b : blocks) {
      IPAddress block = b.toPrefixBlock();
      if (block.getLower().getValue().longValue() <= ip && ip <= block.getUpper().getValue().longValue()) {
        return true;
      }
    }
    return false;
  }
}
