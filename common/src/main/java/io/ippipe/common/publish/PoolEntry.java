package io.ippipe.common.publish;

import java.util.Map;

/**
 * One proxy of the live pool as gateways see it.
 *
 * @param member the proxy URL, {@code protocol://ip:port} ({@code [ip]} for IPv6): the member
 *     name in every store
 * @param group {@code country:protocol:proxy_type}, see {@link PoolPolicy#group}
 * @param attributes what a gateway needs besides the score (country, city, asn, ...), nulls left out
 */
public record PoolEntry(String member, String group, double score, Map<String, Object> attributes) {}
