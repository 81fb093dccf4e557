package com.desayre.gateway.openapi;

import com.desayre.gateway.accounts.CurrentUser;
import com.desayre.gateway.accounts.PresentedCredentials;
import com.desayre.gateway.accounts.SecurityConfiguration;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.server.ServerWebExchange;

/**
 * The OpenAPI document at {@code /v3/api-docs} (UI at {@code /swagger-ui.html}), generated from the
 * controllers by springdoc. The JSON request bodies are the features' request records, so springdoc describes them
 * itself (fields, required ones, bounds from their constraints and {@code @Schema}). A multipart upload reads the same
 * record from its form fields, which springdoc cannot see: its schema is derived here from the JSON one ({@link #UPLOADS}).
 */
@Configuration(proxyBeanMethods = false)
class ApiDocs {
    static final String PROBLEM = "Problem";

    static {
        // resolved by the gateway itself, not parameters a caller sends
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(CurrentUser.class, ServerWebExchange.class);
    }

    /**
     * Multipart uploads by "METHOD path", with the schema of the JSON request they share a record with: the same fields
     * as form fields but {@code sourceJobId} (the upload is the source), plus the file part {@code image}.
     */
    static final Map<String, String> UPLOADS = new LinkedHashMap<>();

    static {
        UPLOADS.put("POST /api/generate/edit", "EditRequest");
        UPLOADS.put("POST /api/generate/video", "VideoRequest");
    }

    @Bean
    OpenApiCustomizer desayreApi() {
        return api -> {
            api.info(new Info().title("DESAYRE API").version("1")
                    .description("Generate images, image edits and videos; follow each job live (SSE); browse your history. "
                            + "Sign in with POST /api/auth/login (session cookie + Bearer token) or use a personal API key. "
                            + "Errors are RFC 9457 problem+json with a stable `type`. Topic-level integration: docs/asyncapi.yaml."));
            var components = api.getComponents() == null ? new Components() : api.getComponents();
            api.components(components
                    .addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                            .description("The session JWT from /api/auth/login, or a personal API key (dsy_…)"))
                    .addSecuritySchemes("workerSecret", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                            .in(SecurityScheme.In.HEADER).name(PresentedCredentials.WORKER_SECRET_HEADER)
                            .description("WORKER_SECRET, for automation: the queue endpoints (/api/worker, /api/admin/queues) "
                                    + "only; also accepted as 'Authorization: Bearer <secret>'"))
                    .addSecuritySchemes("apiKey", new SecurityScheme().type(SecurityScheme.Type.APIKEY).in(SecurityScheme.In.HEADER)
                            .name("X-API-Key"))
                    .addSecuritySchemes("session", new SecurityScheme().type(SecurityScheme.Type.APIKEY).in(SecurityScheme.In.COOKIE)
                            .name(SecurityConfiguration.SESSION_COOKIE).description("Browsers: state-changing calls also send X-XSRF-TOKEN "
                                    + "with the XSRF-TOKEN cookie's value")));
            schema(components, ProblemDoc.class);
            api.addSecurityItem(new SecurityRequirement().addList("bearer"))
                    .addSecurityItem(new SecurityRequirement().addList("apiKey"))
                    .addSecurityItem(new SecurityRequirement().addList("session"));
            UPLOADS.forEach((where, json) -> describeUpload(api, components, where, json));
        };
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void describeUpload(OpenAPI api, Components components, String where, String json) {
        var parts = where.split(" ");
        var path = api.getPaths() == null ? null : api.getPaths().get(parts[1]);
        var operation = path == null ? null : operation(path, PathItem.HttpMethod.valueOf(parts[0]));
        var record = components.getSchemas() == null ? null : components.getSchemas().get(json);
        if (operation == null || record == null) {
            return;
        }
        var properties = new LinkedHashMap<String, io.swagger.v3.oas.models.media.Schema>();
        properties.put("image", new io.swagger.v3.oas.models.media.Schema<>().type("string").format("binary")
                .description("PNG, JPEG or WebP, at most 20 MB, 64–4096 px a side"));
        ((Map<String, io.swagger.v3.oas.models.media.Schema>) record.getProperties()).forEach(properties::putIfAbsent);
        properties.remove("sourceJobId");
        var required = new java.util.ArrayList<String>(List.of("image"));
        if (record.getRequired() != null) {
            ((List<String>) record.getRequired()).stream().filter(field -> !field.equals("sourceJobId")).forEach(required::add);
        }
        var name = json.replace("Request", "Upload");
        components.addSchemas(name, new io.swagger.v3.oas.models.media.Schema<>().type("object").properties(properties).required(required)
                .description("multipart/form-data: the image part plus the fields of " + json + " (but sourceJobId) as form fields"));
        var body = operation.getRequestBody() == null ? new io.swagger.v3.oas.models.parameters.RequestBody()
                : operation.getRequestBody();
        var content = body.getContent() == null ? new Content() : body.getContent();
        content.addMediaType("multipart/form-data", new io.swagger.v3.oas.models.media.MediaType()
                .schema(new io.swagger.v3.oas.models.media.Schema<>().$ref("#/components/schemas/" + name)));
        operation.requestBody(body.content(content).required(true));
    }

    private static Operation operation(PathItem path, PathItem.HttpMethod method) {
        return path.readOperationsMap().get(method);
    }

    private static String schema(Components components, Class<?> type) {
        var resolved = ModelConverters.getInstance().resolveAsResolvedSchema(new AnnotatedType(type));
        resolved.referencedSchemas.forEach(components::addSchemas);
        return resolved.schema.getName();
    }

    @Schema(name = PROBLEM, description = "RFC 9457 problem details: branch on `type`; show `detail` to people")
    record ProblemDoc(@Schema(example = "/problems/invalid-request") String type, String title, int status,
                      @Schema(description = "A sentence saying what went wrong and what to do") String detail, String instance,
                      @Schema(description = "For invalid requests: each wrong field and why") java.util.List<FieldErrorDoc> errors) {
    }

    @Schema(name = "FieldError")
    record FieldErrorDoc(String field, String message) {
    }
}
