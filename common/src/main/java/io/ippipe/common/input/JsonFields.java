package io.ippipe.common.input;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A JSON object's members as {@link FieldReader} values. For inventories, a MaxMind-shaped
 * {@code geolocation.country.iso_code} (as proxy list vendors publish) counts as the country.
 */
final class JsonFields implements FieldReader {
  private final JsonNode node;
  private final boolean geolocationCountry;

  JsonFields(JsonNode node, boolean geolocationCountry) {
    this.node = node;
    this.geolocationCountry = geolocationCountry;
  }

  @Override
  public Object get(String name) {
    JsonNode v = node.get(name);
    if ((v == null || v.isNull()) && geolocationCountry && name.equals("country")) {
      v = node.at("/geolocation/country/iso_code");
      if (v.isMissingNode()) {
        return null;
      }
    }
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isTextual()) {
      return v.textValue();
    }
    if (v.isNumber()) {
      return v.numberValue();
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    return v;
  }

  @Override
  public boolean typed() {
    return true;
  }
}
