package io.ippipe.common.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WilsonTest {
  @Test
  void matchesPublishedIntervals() {
    // Wilson 95% intervals as tabulated by Newcombe (1998), Stat. Med. 17:857, table I:
    // 81/263 -> 0.2553..0.3662; 15/148 -> 0.0624..0.1605; 0/20 -> 0..0.1611; 1/29 -> 0.0061..
    assertEquals(0.2553, Wilson.lowerBound(81, 263, 1.96), 1e-4);
    assertEquals(0.0624, Wilson.lowerBound(15, 148, 1.96), 1e-4);
    assertEquals(0.0, Wilson.lowerBound(0, 20, 1.96), 1e-12);
    assertEquals(0.0061, Wilson.lowerBound(1, 29, 1.96), 1e-4);
  }

  @Test
  void fewTrialsNeverLookPerfect() {
    assertTrue(Wilson.lowerBound(1, 1, 1.96) < 0.25);
    assertTrue(Wilson.lowerBound(1000, 1000, 1.96) > 0.99);
    assertTrue(Wilson.lowerBound(10, 10, 1.96) < Wilson.lowerBound(100, 100, 1.96));
  }

  @Test
  void noTrialsIsZeroAndImpossibleCountsFail() {
    assertEquals(0.0, Wilson.lowerBound(0, 0, 1.96));
    assertThrows(IllegalArgumentException.class, () -> Wilson.lowerBound(3, 2, 1.96));
  }
}
