package io.etcron.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.etcron.job.JobSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** etcron's configured JSON mapper. Thread-safe. */
public final class Json {
  /** Refuses unknown fields and scalars of the wrong type; writes instants as ISO-8601. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new Jdk8Module())
          .addModule(new JavaTimeModule())
          .addMixIn(JobSpec.class, JobSpecNames.class)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .defaultPropertyInclusion(
              JsonInclude.Value.construct(
                  JsonInclude.Include.NON_ABSENT, JsonInclude.Include.NON_ABSENT))
          .build();

  /**
   * {@link #MAPPER}, and stricter for what clients send: a scalar is never coerced into another
   * type ({@code 42} is not the string {@code "42"}, {@code "3"} is not the number 3, {@code 1.5}
   * is not the whole number 1), and an empty string is not {@code null}.
   */
  public static final ObjectMapper API = strict(MAPPER.copy());

  /**
   * {@link #MAPPER}, tolerant of fields it does not know: for records etcron stored itself, so that
   * a newer process's extra field does not make an older one drop the record.
   */
  public static final ObjectMapper STORED =
      MAPPER.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private Json() {}

  /** JSON names of {@link io.etcron.job.JobSpec} that Java cannot use. */
  private abstract static class JobSpecNames {
    @com.fasterxml.jackson.annotation.JsonProperty("notify")
    abstract List<JobSpec.NotifySpec> notifyTargets();
  }

  private static ObjectMapper strict(ObjectMapper m) {
    m.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    m.coercionConfigDefaults()
        .setAcceptBlankAsEmpty(false)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    return m;
  }

  /** {@code value} as JSON. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(
          "cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  /**
   * Reads a record etcron stored, ignoring fields this version does not know; a failure means
   * corrupted state.
   *
   * @throws UncheckedIOException when {@code json} is not such a record
   */
  public static <T> T readStored(String json, Class<T> type) {
    return read(STORED, json, type);
  }

  /** Reads JSON written by etcron itself; a failure means corrupted state. */
  public static <T> T read(String json, Class<T> type) {
    return read(MAPPER, json, type);
  }

  /** Reads JSON (UTF-8) written by etcron itself; a failure means corrupted state. */
  public static <T> T read(byte[] json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(
          "stored " + type.getSimpleName() + " is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read a stored " + type.getSimpleName(), e);
    }
  }

  private static <T> T read(ObjectMapper mapper, String json, Class<T> type) {
    try {
      return mapper.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(
          "stored " + type.getSimpleName() + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }
}
