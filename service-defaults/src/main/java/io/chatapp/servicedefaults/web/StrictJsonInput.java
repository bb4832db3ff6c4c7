package io.chatapp.servicedefaults.web;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.deser.jdk.NumberDeserializers;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;

/**
 * JSON a service reads must be what it claims to be: a string field takes only a JSON
 * string, a number field only a JSON number, a boolean only {@code true} or
 * {@code false}, and no string value may hold an unpaired UTF-16 surrogate such as
 * {@code "\ud800"}. Jackson would otherwise coerce {@code 1} into {@code "1"} and
 * {@code 1.5} into {@code 1}, and pass unpaired surrogates on to the database, which
 * stores them as {@code ?} so that different values collide. (In object keys, Jackson's
 * parser refuses unpaired surrogates itself.) Each refusal is a
 * {@link tools.jackson.databind.exc.MismatchedInputException} with the field's path,
 * which the problem handler reports as a 400 naming the field.
 */
class StrictJsonInput implements JsonMapperBuilderCustomizer {

	@Override
	public void customize(JsonMapper.Builder builder) {
		builder.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
			.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
			.enable(EnumFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
			.withCoercionConfig(LogicalType.Textual,
					(config) -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
			.withCoercionConfig(LogicalType.Integer,
					(config) -> config.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
			.withCoercionConfig(LogicalType.Float,
					(config) -> config.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
			.withCoercionConfig(LogicalType.Boolean,
					(config) -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
			.addModule(new SimpleModule("chatapp-strict-json-input")
				.addDeserializer(String.class, new UnicodeStringDeserializer())
				.addDeserializer(Double.class, new FiniteDoubleDeserializer(Double.class, null))
				.addDeserializer(double.class, new FiniteDoubleDeserializer(double.class, 0.0))
				.addDeserializer(Float.class, new FiniteFloatDeserializer(Float.class, null))
				.addDeserializer(float.class, new FiniteFloatDeserializer(float.class, 0.0f)));
	}

	/**
	 * Whether the text holds a high surrogate not followed by a low one, or a low
	 * surrogate not preceded by a high one: not Unicode text, and not representable in
	 * UTF-8.
	 */
	static boolean hasUnpairedSurrogate(CharSequence text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.isHighSurrogate(c)) {
				if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
					i++;
				}
				else {
					return true;
				}
			}
			else if (Character.isLowSurrogate(c)) {
				return true;
			}
		}
		return false;
	}

	/** A string that is not valid Unicode text. */
	static class InvalidUnicodeException extends InvalidFormatException {

		InvalidUnicodeException(JsonParser parser) {
			// The value itself is left out: it is the client's input, possibly large.
			super(parser, "String contains an unpaired UTF-16 surrogate", null, String.class);
		}

	}

	private static final class UnicodeStringDeserializer extends StdScalarDeserializer<String> {

		UnicodeStringDeserializer() {
			super(String.class);
		}

		@Override
		public LogicalType logicalType() {
			return LogicalType.Textual;
		}

		@Override
		public boolean isCachable() {
			return true;
		}

		@Override
		public Object getEmptyValue(DeserializationContext context) {
			return "";
		}

		@Override
		public String deserialize(JsonParser parser, DeserializationContext context) throws JacksonException {
			String value = StringDeserializer.instance.deserialize(parser, context);
			if (value != null && hasUnpairedSurrogate(value)) {
				throw new InvalidUnicodeException(parser);
			}
			return value;
		}

	}

	/**
	 * A JSON number too large for a {@code double}, such as {@code 1e999999}, is refused
	 * rather than read as infinity (JSON itself has no infinity).
	 */
	private static final class FiniteDoubleDeserializer extends NumberDeserializers.DoubleDeserializer {

		FiniteDoubleDeserializer(Class<Double> type, Double nullValue) {
			super(type, nullValue);
		}

		@Override
		public Double deserialize(JsonParser parser, DeserializationContext context) throws JacksonException {
			Double value = super.deserialize(parser, context);
			if (value != null && value.isInfinite()) {
				throw new InvalidFormatException(parser, "Number out of range", null, Double.class);
			}
			return value;
		}

	}

	private static final class FiniteFloatDeserializer extends NumberDeserializers.FloatDeserializer {

		FiniteFloatDeserializer(Class<Float> type, Float nullValue) {
			super(type, nullValue);
		}

		@Override
		public Float deserialize(JsonParser parser, DeserializationContext context) throws JacksonException {
			Float value = super.deserialize(parser, context);
			if (value != null && value.isInfinite()) {
				throw new InvalidFormatException(parser, "Number out of range", null, Float.class);
			}
			return value;
		}

	}

}
