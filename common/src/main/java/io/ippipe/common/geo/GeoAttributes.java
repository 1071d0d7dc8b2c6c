package io.ippipe.common.geo;

import java.io.Serializable;

/**
 * What the geo sources say about one address range. Every field may be null (a source knows
 * only some); {@link #overlay} combines sources field by field in priority order.
 *
 * @param networkType hosting, isp, mobile, business, or null when no source says
 */
public record GeoAttributes(String countryCode, String region, String city, Double latitude,
    Double longitude, String timeZone, Long asn, String asOrg, String networkType,
    Boolean anonymousVpn, Boolean publicProxy, Boolean residentialProxy, Boolean torExit,
    Boolean hostingProvider) implements Serializable {

  public static final GeoAttributes EMPTY = new GeoAttributes(null, null, null, null, null, null,
      null, null, null, null, null, null, null, null);

  /** This record's fields where set, else {@code lower}'s: this one has priority. */
  public GeoAttributes overlay(GeoAttributes lower) {
    if (lower == null || lower.equals(EMPTY)) {
      return this;
    }
    if (this.equals(EMPTY)) {
      return lower;
    }
    return new GeoAttributes(first(countryCode, lower.countryCode), first(region, lower.region),
        first(city, lower.city), first(latitude, lower.latitude), first(longitude, lower.longitude),
        first(timeZone, lower.timeZone), first(asn, lower.asn), first(asOrg, lower.asOrg),
        first(networkType, lower.networkType), first(anonymousVpn, lower.anonymousVpn),
        first(publicProxy, lower.publicProxy), first(residentialProxy, lower.residentialProxy),
        first(torExit, lower.torExit), first(hostingProvider, lower.hostingProvider));
  }

  public GeoAttributes withNetworkType(String type) {
    return new GeoAttributes(countryCode, region, city, latitude, longitude, timeZone, asn, asOrg,
        type, anonymousVpn, publicProxy, residentialProxy, torExit, hostingProvider);
  }

  public boolean isEmpty() {
    return equals(EMPTY);
  }

  private static <T> T first(T a, T b) {
    return a != null ? a : b;
  }

  /** A builder, because sources fill a few fields each. */
  public static Builder builder() {
    return new Builder();
  }

  public static final class Builder {
    private String countryCode;
    private String region;
    private String city;
    private Double latitude;
    private Double longitude;
    private String timeZone;
    private Long asn;
    private String asOrg;
    private String networkType;
    private Boolean anonymousVpn;
    private Boolean publicProxy;
    private Boolean residentialProxy;
    private Boolean torExit;
    private Boolean hostingProvider;

    public Builder countryCode(String v) { countryCode = blankToNull(v); return this; }
    public Builder region(String v) { region = blankToNull(v); return this; }
    public Builder city(String v) { city = blankToNull(v); return this; }
    public Builder latitude(Double v) { latitude = v; return this; }
    public Builder longitude(Double v) { longitude = v; return this; }
    public Builder timeZone(String v) { timeZone = blankToNull(v); return this; }
    public Builder asn(Long v) { asn = v; return this; }
    public Builder asOrg(String v) { asOrg = blankToNull(v); return this; }
    public Builder networkType(String v) { networkType = blankToNull(v); return this; }
    public Builder anonymousVpn(Boolean v) { anonymousVpn = v; return this; }
    public Builder publicProxy(Boolean v) { publicProxy = v; return this; }
    public Builder residentialProxy(Boolean v) { residentialProxy = v; return this; }
    public Builder torExit(Boolean v) { torExit = v; return this; }
    public Builder hostingProvider(Boolean v) { hostingProvider = v; return this; }

    public GeoAttributes build() {
      return new GeoAttributes(countryCode, region, city, latitude, longitude, timeZone, asn, asOrg,
          networkType, anonymousVpn, publicProxy, residentialProxy, torExit, hostingProvider);
    }

    private static String blankToNull(String v) {
      return v == null || v.isBlank() ? null : v;
    }
  }
}
