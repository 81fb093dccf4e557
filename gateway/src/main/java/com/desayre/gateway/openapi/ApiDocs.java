package com.desayre.gateway.openapi;

import com.desayre.gateway.accounts.CurrentUser;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.ComposedSchema;
import io.swagger.v3.oas.models.media.Content;
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
    /** Submissions.Accepted: springdoc names it from retry's answer */
    private static final String ACCEPTED = "Accepted";
    private static final String ACCEPTED_JOBS = "AcceptedJobs";
    private static final String SUBMISSION = "Submission";

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
            // who may call what, and the problems each operation answers: OperationDocs
            api.components(components);
            schema(components, ProblemDoc.class);
            // what a submission answers: one job, or with n > 1 a list of them, each named, so a generated client has a type
            // for either (a list inline in a oneOf leaves Java generators without a name for its getter)
            components.addSchemas(ACCEPTED_JOBS, new ArraySchema().items(ref(ACCEPTED)).description("With n > 1: the jobs, in order"));
            components.addSchemas(SUBMISSION, new ComposedSchema().oneOf(List.of(ref(ACCEPTED), ref(ACCEPTED_JOBS)))
                    .description("The job a request made, or with n > 1 the list of them: follow each at statusUrl or eventsUrl")
                    .example(acceptedExample()));
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

    private static Map<String, String> acceptedExample() {
        var jobId = "0b8f5a52-5c1e-4f7e-9a53-2f1d3c4b5a69";
        var example = new LinkedHashMap<String, String>();
        example.put("jobId", jobId);
        example.put("status", "QUEUED");
        example.put("statusUrl", "/api/jobs/" + jobId);
        example.put("eventsUrl", "/api/jobs/" + jobId + "/events");
        return example;
    }

    private static io.swagger.v3.oas.models.media.Schema<?> ref(String schema) {
        return new io.swagger.v3.oas.models.media.Schema<>().$ref("#/components/schemas/" + schema);
    }

    private static Operation operation(PathItem path, PathItem.HttpMethod method) {
        return path.readOperationsMap().get(method);
    }

    private static String schema(Components components, Class<?> type) {
        var resolved = ModelConverters.getInstance().resolveAsResolvedSchema(new AnnotatedType(type));
        resolved.referencedSchemas.forEach(components::addSchemas);
        return resolved.schema.getName();
    }

    @Schema(name = PROBLEM, description = "RFC 9457 problem details: branch on `type`; show `detail` to people. A type may add "
            + "members of its own (e.g. `retryAfterSeconds`, `cost`), as the examples of each operation show",
            requiredProperties = {"type", "title", "status", "detail"}, additionalProperties = Schema.AdditionalPropertiesValue.TRUE)
    record ProblemDoc(@Schema(example = "/problems/invalid-request") String type, String title, int status,
                      @Schema(description = "A sentence saying what went wrong and what to do") String detail, String instance,
                      @Schema(description = "For invalid requests: each wrong field and why") java.util.List<FieldErrorDoc> errors) {
    }

    @Schema(name = "FieldError")
    record FieldErrorDoc(String field, String message) {
    }
}
