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
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.server.ServerWebExchange;

/**
 * The OpenAPI document at {@code /v3/api-docs} (UI at {@code /swagger-ui.html}), generated from the
 * controllers by springdoc. The JSON endpoints read their bodies field by field
 * ({@link com.desayre.gateway.web.RequestFields}, so every wrong field is named), which springdoc cannot see: the request
 * schemas are described here, and {@code ApiDocsIT} checks each one against the fields its
 * controller actually accepts, so the two cannot drift apart.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocs {
    static final String PROBLEM = "Problem";

    static {
        // resolved by the gateway itself, not parameters a caller sends
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(CurrentUser.class, ServerWebExchange.class);
    }

    /** Request bodies by "METHOD path content-type". */
    static final Map<String, Class<?>> BODIES = new LinkedHashMap<>();

    static {
        BODIES.put("POST /api/generate/image application/json", ImageRequest.class);
        BODIES.put("POST /api/generate/edit application/json", EditRequest.class);
        BODIES.put("POST /api/generate/edit multipart/form-data", EditUpload.class);
        BODIES.put("POST /api/generate/video application/json", VideoRequest.class);
        BODIES.put("POST /api/generate/video multipart/form-data", VideoUpload.class);
        BODIES.put("POST /api/prompts/preview application/json", PreviewRequest.class);
        BODIES.put("POST /api/auth/login application/json", Login.class);
        BODIES.put("POST /api/auth/password application/json", PasswordChange.class);
        BODIES.put("POST /api/keys application/json", NewKey.class);
        BODIES.put("POST /api/admin/users application/json", NewUser.class);
        BODIES.put("PATCH /api/admin/users/{username} application/json", UserChange.class);
        BODIES.put("POST /api/admin/users/{username}/password application/json", PasswordReset.class);
        BODIES.put("PUT /api/admin/users/{username}/quota application/json", QuotaChange.class);
        BODIES.put("POST /api/worker application/json", QueueAction.class);
        BODIES.put("POST /api/admin/queues application/json", QueueAction.class);
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
            BODIES.forEach((where, type) -> describeBody(api, components, where, type));
        };
    }

    private static void describeBody(OpenAPI api, Components components, String where, Class<?> type) {
        var parts = where.split(" ");
        var path = api.getPaths() == null ? null : api.getPaths().get(parts[1]);
        if (path == null) {
            return;
        }
        var operation = operation(path, PathItem.HttpMethod.valueOf(parts[0]));
        if (operation == null) {
            return;
        }
        var name = schema(components, type);
        var body = operation.getRequestBody() == null ? new io.swagger.v3.oas.models.parameters.RequestBody()
                : operation.getRequestBody();
        var content = body.getContent() == null ? new Content() : body.getContent();
        content.addMediaType(parts[2], new io.swagger.v3.oas.models.media.MediaType()
                .schema(new io.swagger.v3.oas.models.media.Schema<>().$ref("#/components/schemas/" + name)));
        // springdoc's guess from the JsonNode parameter, replaced by the real shape
        if (parts[2].equals("application/json")) {
            content.remove("*/*");
        }
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

    private static final String PROMPT = "What to make, in your words (up to 4000 characters)";
    private static final String N = "How many jobs to make (1–4); more than one answers a list of jobs";
    private static final String PRIORITY = "interactive (default) or batch: a person's interactive jobs overtake batch work";
    private static final String MAX_WAIT = "How long (1–86400 s) each job may wait in DESAYRE's own line for a place at the provider; "
            + "past it the job ends FAILED with EXPIRED_IN_QUEUE (never once sent to the provider). Default: as long as it takes. "
            + "While a job waits, GET /api/jobs/{id} and the event streams show its place in line (queue)";

    @Schema(name = "ImageRequest")
    record ImageRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = PROMPT) String prompt,
                        @Schema(allowableValues = {"1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"},
                                defaultValue = "1:1") String aspectRatio,
                        @Schema(minimum = "0") Long seed, @Schema(description = "A house style; GET /api/prompts/profiles") String styleProfile,
                        @Schema(defaultValue = "true", description = "false sends your prompt untouched") Boolean enhance,
                        @Schema(allowableValues = {"interactive", "batch"}, description = PRIORITY) String priority,
                        @Schema(minimum = "1", maximum = "4", description = N) Integer n,
                        @Schema(minimum = "1", maximum = "86400", description = MAX_WAIT) Integer maxWaitSeconds) {
    }

    @Schema(name = "EditRequest")
    record EditRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "What to change") String prompt,
                       @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "A COMPLETED image or edit job of yours")
                       String sourceJobId,
                       @Schema(allowableValues = {"1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3"},
                               description = "Default: the source's shape") String aspectRatio,
                       @Schema(minimum = "0") Long seed, String styleProfile, Boolean enhance,
                       @Schema(allowableValues = {"interactive", "batch"}) String priority,
                       @Schema(minimum = "1", maximum = "4", description = N) Integer n,
                       @Schema(minimum = "1", maximum = "86400", description = MAX_WAIT) Integer maxWaitSeconds) {
    }

    @Schema(name = "EditUpload", description = "multipart/form-data: the image plus the edit's fields as form fields")
    record EditUpload(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, type = "string", format = "binary",
                              description = "PNG, JPEG or WebP, at most 20 MB, 64–4096 px a side") String image,
                      @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String prompt, String aspectRatio, Long seed,
                      String styleProfile, Boolean enhance, String priority, Integer n,
                      @Schema(minimum = "1", maximum = "86400", description = MAX_WAIT) Integer maxWaitSeconds) {
    }

    @Schema(name = "VideoRequest")
    record VideoRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "The motion or scene") String prompt,
                        @Schema(description = "Start from a COMPLETED image of yours; omit for text to video") String sourceJobId,
                        @Schema(allowableValues = {"1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3"}, defaultValue = "16:9")
                        String aspectRatio,
                        @Schema(minimum = "1", maximum = "15", defaultValue = "6") Integer durationSeconds,
                        @Schema(allowableValues = {"480p", "720p"}, defaultValue = "720p") String resolution,
                        @Schema(minimum = "0") Long seed, String styleProfile, Boolean enhance,
                        @Schema(allowableValues = {"interactive", "batch"}) String priority,
                        @Schema(minimum = "1", maximum = "4", description = N) Integer n,
                        @Schema(minimum = "1", maximum = "86400", description = MAX_WAIT) Integer maxWaitSeconds) {
    }

    @Schema(name = "VideoUpload", description = "multipart/form-data: the first frame plus the video's fields as form fields")
    record VideoUpload(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, type = "string", format = "binary") String image,
                       @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String prompt, String aspectRatio,
                       Integer durationSeconds, String resolution, Long seed, String styleProfile, Boolean enhance,
                       String priority, Integer n,
                       @Schema(minimum = "1", maximum = "86400", description = MAX_WAIT) Integer maxWaitSeconds) {
    }

    @Schema(name = "PreviewRequest")
    record PreviewRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String prompt,
                          @Schema(allowableValues = {"image", "edit", "video"}) String kind, String styleProfile,
                          Boolean enhance, String aspectRatio, Boolean sourceImage) {
    }

    @Schema(name = "Login")
    record Login(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String username,
                 @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "password") String password) {
    }

    @Schema(name = "PasswordChange")
    record PasswordChange(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "password") String currentPassword,
                          @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "password") String newPassword) {
    }

    @Schema(name = "NewKey")
    record NewKey(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "What the key is for") String name) {
    }

    @Schema(name = "NewUser")
    record NewUser(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String username,
                   @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "password") String password,
                   @Schema(allowableValues = {"admin", "member"}, defaultValue = "member") String role) {
    }

    @Schema(name = "UserChange")
    record UserChange(@Schema(allowableValues = {"admin", "member"}) String role, Boolean enabled) {
    }

    @Schema(name = "PasswordReset")
    record PasswordReset(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "password") String password) {
    }

    @Schema(name = "QuotaChange")
    record QuotaChange(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "0",
            description = "Units per UTC day (an image 1, an edit 2, a video 5 by default); 0 stops the user generating") Long dailyQuota) {
    }

    @Schema(name = "QueueAction", description = "replay or discard DLQ records (dlq + exactly one of all, offsets, jobIds), "
            + "or pause or resume a lane (lane, worker?)")
    record QueueAction(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"replay", "discard", "pause", "resume"})
                       String action,
                       @Schema(description = "replay/discard: the DLQ, e.g. generation.image.requested.dlq") String dlq,
                       @Schema(description = "replay/discard: every record not handled yet") Boolean all,
                       @Schema(description = "replay/discard: these records") java.util.List<DlqOffset> offsets,
                       @Schema(description = "replay/discard: the records of these jobs (the record key)") java.util.List<String> jobIds,
                       @Schema(allowableValues = {"interactive", "batch"}, description = "pause/resume: the lane") String lane,
                       @Schema(allowableValues = {"image-worker", "video-worker"}, description = "pause/resume: one worker; both when absent")
                       String worker,
                       @Schema(description = "Why, for the audit log (up to 500 characters)") String reason) {
    }

    @Schema(name = "DlqOffset")
    record DlqOffset(@Schema(minimum = "0") int partition, @Schema(minimum = "0") long offset) {
    }
}
