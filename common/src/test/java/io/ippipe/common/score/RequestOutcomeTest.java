package io.ippipe.common.score;

import static io.ippipe.common.score.RequestOutcome.BAN;
import static io.ippipe.common.score.RequestOutcome.CONNECT_FAILURE;
import static io.ippipe.common.score.RequestOutcome.SUCCESS;
import static io.ippipe.common.score.RequestOutcome.UPSTREAM_ERROR;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RequestOutcomeTest {
  @Test
  void classifiesTheIssueClasses() {
    assertEquals(CONNECT_FAILURE, RequestOutcome.classify(0, "TCP_MISS"));
    assertEquals(CONNECT_FAILURE, RequestOutcome.classify(504, null));
    assertEquals(BAN, RequestOutcome.classify(403, null));
    assertEquals(BAN, RequestOutcome.classify(407, "TCP_MISS"));
    assertEquals(BAN, RequestOutcome.classify(429, null));
    assertEquals(BAN, RequestOutcome.classify(200, "TCP_DENIED"));
    assertEquals(BAN, RequestOutcome.classify(0, "TCP_DENIED_REPLY"));
    assertEquals(UPSTREAM_ERROR, RequestOutcome.classify(502, null));
    assertEquals(UPSTREAM_ERROR, RequestOutcome.classify(500, "TCP_MISS"));
    assertEquals(SUCCESS, RequestOutcome.classify(200, "TCP_TUNNEL"));
    assertEquals(SUCCESS, RequestOutcome.classify(404, null));
    assertEquals(SUCCESS, RequestOutcome.classify(301, null));
  }
}
