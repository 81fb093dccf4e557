package com.desayre.gateway.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.codec.json.JacksonJsonDecoder;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * How request bodies are read into their records: strictly. An unknown field is refused (a typo such as
 * {@code aspect_ratio} must not silently fall back to a default), and a value of the wrong JSON type is refused rather
 * than converted ({@code "n": "2"}, {@code "n": 1.5}, {@code "prompt": 5}, {@code "enhance": 1}); {@link ProblemHandler}
 * turns either into the field's error. Only the server's decoder: answers are written as Boot configures them.
 */
@Configuration(proxyBeanMethods = false)
class JsonBodies implements WebFluxConfigurer {
    static final JsonMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                    DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .withCoercionConfig(LogicalType.Textual, refuse(CoercionInputShape.Integer, CoercionInputShape.Float,
                    CoercionInputShape.Boolean))
            .withCoercionConfig(LogicalType.Integer, refuse(CoercionInputShape.String, CoercionInputShape.Float,
                    CoercionInputShape.Boolean, CoercionInputShape.EmptyString))
            .withCoercionConfig(LogicalType.Boolean, refuse(CoercionInputShape.String, CoercionInputShape.Integer,
                    CoercionInputShape.Float, CoercionInputShape.EmptyString))
            .build();

    @Override
    public void configureHttpMessageCodecs(ServerCodecConfigurer configurer) {
        configurer.defaultCodecs().jacksonJsonDecoder(new JacksonJsonDecoder(STRICT));
    }

    private static java.util.function.Consumer<tools.jackson.databind.cfg.MutableCoercionConfig> refuse(CoercionInputShape... shapes) {
        return config -> {
            for (var shape : shapes) {
                config.setCoercion(shape, CoercionAction.Fail);
            }
        };
    }
}
