package io.ippipe.common.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ippipe.common.ip.IpAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GeoLite2 CSV blocks joined to their locations file, and ip-location-db range CSVs. */
class GeoLite2CsvTest {
  @TempDir Path dir;

  private static GeoAttributes at(GeoIndex index, String ip) {
    IpAddress a = IpAddress.parse(ip);
    int id = index.lookup(a.hi(), a.lo());
    return id < 0 ? null : index.record(id);
  }

  @Test
  void blocksJoinLocationsAndRangesMergeByPriority() throws Exception {
    // Rows in MaxMind's published GeoLite2 CSV layout.
    Path blocks = dir.resolve("GeoLite2-City-Blocks-IPv4.csv");
    Files.writeString(blocks, String.join("\n",
        "network,geoname_id,registered_country_geoname_id,represented_country_geoname_id,"
            + "is_anonymous_proxy,is_satellite_provider,postal_code,latitude,longitude,accuracy_radius,is_anycast",
        "81.2.69.0/24,2643743,2635167,,0,0,EC1A,51.5142,-0.0931,10,",
        "2.125.160.216/29,,2635167,,0,0,,,,100,") + "\n");
    Files.writeString(dir.resolve("GeoLite2-City-Locations-en.csv"), String.join("\n",
        "geoname_id,locale_code,continent_code,continent_name,country_iso_code,country_name,"
            + "subdivision_1_iso_code,subdivision_1_name,subdivision_2_iso_code,subdivision_2_name,"
            + "city_name,metro_code,time_zone,is_in_european_union",
        "2643743,en,EU,Europe,GB,\"United Kingdom\",ENG,England,,,London,,Europe/London,0",
        "2635167,en,EU,Europe,GB,\"United Kingdom\",,,,,,,Europe/London,0") + "\n");
    Path asn = dir.resolve("asn.csv");
    Files.writeString(asn, "81.2.69.0,81.2.69.127,20712,\"Andrews & Arnold Ltd\"\n"
        + "2.125.160.216,2.125.160.223,6871,Plusnet\n");
    GeoCatalog catalog = GeoCatalog.load(GeoCatalog.parseSpecs("geolite2-csv:" + blocks
        + ", csv:" + asn + ":asn+as_org"), 60, Instant.now());
    GeoIndex index = catalog.index();
    GeoAttributes london = at(index, "81.2.69.1");
    assertEquals("GB", london.countryCode());
    assertEquals("England", london.region());
    assertEquals("London", london.city());
    assertEquals("Europe/London", london.timeZone());
    assertEquals(51.5142, london.latitude(), 1e-9);
    assertEquals(20712L, london.asn());
    assertEquals("Andrews & Arnold Ltd", london.asOrg());
    GeoAttributes upper = at(index, "81.2.69.200");
    assertEquals("London", upper.city());
    assertNull(upper.asn(), "the ASN range ends at .127");
    GeoAttributes registered = at(index, "2.125.160.220");
    assertEquals("GB", registered.countryCode(), "registered country when geoname_id is empty");
    assertNull(registered.city());
    assertEquals(6871L, registered.asn());
    assertNull(at(index, "2.125.160.224"));
    assertEquals(List.of("geolite2-csv", "csv-ranges"),
        catalog.sources().stream().map(GeoCatalog.Provenance::kind).toList());
  }
}
