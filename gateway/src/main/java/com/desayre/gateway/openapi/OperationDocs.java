package com.desayre.gateway.openapi;

import com.desayre.gateway.web.ProblemTypes;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.tags.Tag;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.Order;
import org.springframework.web.bind.annotation.RequestBody;

/**
 * What the document says about every operation beyond its own annotations: who may call it (security
 * requirements that mirror {@code accounts.SecurityConfiguration}; ApiDocsIT calls every operation to prove they
 * agree) and the problems it may answer, each status as {@code application/problem+json} with the
 * {@value ApiDocs#PROBLEM} schema, one example per problem type and the headers that come with it. The types are
 * the handler's own ({@link ProblemTypes}) plus those every operation of its kind can answer: sign-in required and
 * credentials that could not be checked, the admin role, the CSRF echo of cookie sessions, a malformed or invalid
 * request, an internal error.
 */
@Configuration(proxyBeanMethods = false)
class OperationDocs {
    static final String PROBLEM_JSON = "application/problem+json";
    /** Hands the handler's problem types from the per-operation customizer to the whole-document one; never published. */
    private static final String TYPES = "x-desayre-problem-types";

    static final String BEARER = "bearer";
    static final String API_KEY = "apiKey";
    static final String API_KEY_HEADER = "apiKeyHeader";
    static final String SESSION = "session";
    static final String XSRF = "xsrf";
    static final String WORKER_SECRET = "workerSecret";

    /** Who may call an operation, by its path: the rules of {@code accounts.SecurityConfiguration}. */
    enum Access {
        /** sign-in, and the signed links providers fetch source images from */
        PUBLIC,
        /** any signed-in user: a session (Bearer or cookie) or a personal API key */
        SIGNED_IN,
        /** API keys, one's password and one's sessions are managed from a session only */
        SESSION_ONLY,
        ADMIN,
        /** the queue endpoints: admins, or automation with the worker secret */
        ADMIN_OR_WORKER;

        static Access of(String path) {
            if (path.equals("/api/auth/login") || !path.startsWith("/api/")) {
                return PUBLIC;
            }
            if (path.equals("/api/worker") || path.equals("/api/admin/queues") || path.startsWith("/api/admin/queues/")) {
                return ADMIN_OR_WORKER;
            }
            if (path.startsWith("/api/admin/")) {
                return ADMIN;
            }
            if (path.equals("/api/keys") || path.startsWith("/api/keys/") || path.equals("/api/auth/password")
                    || path.equals("/api/auth/sessions") || path.startsWith("/api/auth/sessions/")) {
                return SESSION_ONLY;
            }
            return SIGNED_IN;
        }

        /** Any one of these will do; a cookie session must also echo its XSRF token on a change. */
        List<SecurityRequirement> requirements(boolean change) {
            var any = new ArrayList<SecurityRequirement>();
            if (this == PUBLIC) {
                return any;
            }
            any.add(new SecurityRequirement().addList(BEARER));
            if (this != SESSION_ONLY) {
                any.add(new SecurityRequirement().addList(API_KEY));
                any.add(new SecurityRequirement().addList(API_KEY_HEADER));
            }
            var cookie = new SecurityRequirement().addList(SESSION);
            any.add(change ? cookie.addList(XSRF) : cookie);
            if (this == ADMIN_OR_WORKER) {
                any.add(new SecurityRequirement().addList(WORKER_SECRET));
            }
            return any;
        }
    }

    /**
     * The tag of an operation is its handler's feature (package), so a generated client has one API class per feature
     * (AccountsApi, GenerationApi, JobsApi…). In this order in the document.
     */
    static final Map<String, String> FEATURES = new LinkedHashMap<>();

    static {
        FEATURES.put("accounts", "Sign-in, sessions, who you are, your password and preferences");
        FEATURES.put("keys", "Personal API keys for programs");
        FEATURES.put("generation", "Making images, edits and videos; retrying a job; previewing what the encoder sends");
        FEATURES.put("jobs", "A job's status, cancelling it, and the live event streams");
        FEATURES.put("history", "Your generations and their media files");
        FEATURES.put("webhooks", "Signed webhooks: endpoints called when your jobs end, their secrets and delivery log");
        FEATURES.put("limits", "Rate limits, jobs in flight and daily quotas: yours, and users' quotas for admins");
        FEATURES.put("costs", "What jobs cost (the cost ledger): your usage and budget; everyone's usage and budgets for admins");
        FEATURES.put("admin", "Users, the audit log and usage statistics (admins)");
        FEATURES.put("queues", "Consumer lag, dead letters, worker instances and lanes (admins and automation)");
    }

    @Bean
    OperationCustomizer featureTags() {
        return (operation, handler) -> {
            var packageName = handler.getBeanType().getPackageName();
            var feature = packageName.substring(packageName.lastIndexOf('.') + 1);
            if (!FEATURES.containsKey(feature)) {
                throw new IllegalStateException("The feature '" + feature + "' of " + handler + " has no tag in OperationDocs.FEATURES");
            }
            return operation.tags(List.of(feature));
        };
    }

    @Bean
    OperationCustomizer problemTypesOfHandlers() {
        return (operation, handler) -> {
            var types = new LinkedHashSet<String>();
            // on the handler, or on an annotation of it that names a family of handlers
            MergedAnnotations.from(handler.getMethod(), MergedAnnotations.SearchStrategy.DIRECT).stream(ProblemTypes.class)
                    .forEach(declared -> types.addAll(List.of(declared.getStringArray("value"))));
            for (var parameter : handler.getMethodParameters()) {
                if (parameter.hasParameterAnnotation(RequestBody.class)) {
                    types.add("malformed-json");
                    types.add("invalid-request");
                }
            }
            if (!types.isEmpty()) {
                @SuppressWarnings("unchecked")
                var earlier = operation.getExtensions() == null ? null : (List<String>) operation.getExtensions().get(TYPES);
                if (earlier != null) {
                    types.addAll(earlier);
                }
                operation.addExtension(TYPES, List.copyOf(types));
            }
            return operation;
        };
    }

    /** After springdoc's own customizers and {@link ApiDocs}': the operations are complete by then. */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    OpenApiCustomizer accessAndProblems() {
        return api -> {
            describeSecurity(components(api));
            describeHeaders(components(api));
            // springdoc's guess for a body read as a JsonNode, which ApiDocs replaced with its real shape: nothing refers to
            // it, and a generated client would get a model class clashing with Jackson's JsonNode
            if (components(api).getSchemas() != null) {
                components(api).getSchemas().remove("JsonNode");
            }
            api.setSecurity(null);
            api.setTags(FEATURES.entrySet().stream().map(feature -> new Tag().name(feature.getKey()).description(feature.getValue()))
                    .toList());
            if (api.getPaths() == null) {
                return;
            }
            api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
                var access = Access.of(path);
                var change = method != PathItem.HttpMethod.GET && method != PathItem.HttpMethod.HEAD;
                operation.setSecurity(access.requirements(change));
                var types = new LinkedHashSet<String>();
                if (operation.getExtensions() != null) {
                    @SuppressWarnings("unchecked")
                    var declared = (List<String>) operation.getExtensions().remove(TYPES);
                    if (declared != null) {
                        types.addAll(declared);
                    }
                    if (operation.getExtensions().isEmpty()) {
                        operation.setExtensions(null);
                    }
                }
                if (access != Access.PUBLIC) {
                    types.add("unauthorized");
                    // the credential could not be checked (sessions' revocations unknown): 503, never let through
                    types.add("service-unavailable");
                    if (access != Access.SIGNED_IN) {
                        types.add("forbidden");
                    }
                    if (change) {
                        types.add("csrf");
                    }
                }
                types.add("internal-error");
                describeHeaderParameters(operation);
                types.forEach(type -> addProblem(operation, path, ProblemCatalog.entry(type)));
                if (types.contains("rate-limited")) {
                    // a charged request: every answer says where the caller stands, the accepted ones too
                    operation.getResponses().forEach((status, response) -> {
                        if (status.startsWith("2")) {
                            response.addHeaderObject(ProblemCatalog.RATE_LIMIT_POLICY,
                                    new Header().$ref("#/components/headers/" + ProblemCatalog.RATE_LIMIT_POLICY));
                            response.addHeaderObject(ProblemCatalog.RATE_LIMIT, new Header().$ref("#/components/headers/" + ProblemCatalog.RATE_LIMIT));
                        }
                    });
                }
                if (access == Access.ADMIN_OR_WORKER && operation.getOperationId() != null) {
                    // one handler serves /api/admin/queues and /api/worker (automation's door): springdoc numbers the second
                    var id = operation.getOperationId().replaceFirst("_\\d+$", "");
                    operation.setOperationId(path.equals("/api/worker") ? id + "AsWorker" : id);
                }
            }));
        };
    }

    /** What the request headers handlers read mean (springdoc knows only their names). */
    private static final Map<String, String> HEADER_PARAMETERS = Map.of(
            "Idempotency-Key", "1–255 visible ASCII characters, e.g. a UUID: sent again with the same request, it answers the first "
                    + "request's jobs instead of new ones (for 24 h); 422 if the key was used for another request",
            "Last-Event-ID", "The id of the last event you received: the stream starts with what you missed",
            "Range", "Byte ranges, e.g. `bytes=0-1023`; several come back as multipart/byteranges",
            "If-None-Match", "The ETag you have: 304 while it is still the file's");

    private static void describeHeaderParameters(Operation operation) {
        if (operation.getParameters() == null) {
            return;
        }
        operation.getParameters().stream()
                .filter(parameter -> "header".equals(parameter.getIn()) && parameter.getDescription() == null)
                .forEach(parameter -> parameter.setDescription(HEADER_PARAMETERS.get(parameter.getName())));
    }

    private static Components components(OpenAPI api) {
        if (api.getComponents() == null) {
            api.setComponents(new Components());
        }
        return api.getComponents();
    }

    /** One problem type under its status: the response for that status lists every type it may be, with an example of each. */
    static void addProblem(Operation operation, String path, ProblemCatalog.Entry problem) {
        if (operation.getResponses() == null) {
            operation.setResponses(new ApiResponses());
        }
        var status = String.valueOf(problem.status());
        var response = operation.getResponses().get(status);
        if (response == null) {
            response = new ApiResponse();
            operation.getResponses().addApiResponse(status, response);
        }
        if (response.getContent() == null) {
            response.setContent(new Content());
        }
        var media = response.getContent().get(PROBLEM_JSON);
        if (media == null) {
            media = new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + ApiDocs.PROBLEM));
            response.getContent().addMediaType(PROBLEM_JSON, media);
        }
        if (media.getExamples() == null || !media.getExamples().containsKey(problem.type())) {
            media.addExamples(problem.type(), new Example().summary(problem.title()).value(problem.example(path)));
        }
        for (var header : problem.headers()) {
            if (response.getHeaders() == null || !response.getHeaders().containsKey(header)) {
                response.addHeaderObject(header, new Header().$ref("#/components/headers/" + header));
            }
        }
        response.setDescription(media.getExamples().keySet().stream().map(type -> "`/problems/" + type + "`")
                .collect(Collectors.joining(", ", "Problem types: ", "")));
    }

    private static void describeSecurity(Components components) {
        components.addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT")
                .description("The session token `POST /api/auth/login` answers (`token`), as `Authorization: Bearer <token>`. "
                        + "Once half of its life has passed an answer carries a fresh one in `X-Session-Token`."));
        components.addSecuritySchemes(API_KEY, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("dsy_…")
                .description("A personal API key (`POST /api/keys`, shown once) as `Authorization: Bearer dsy_…`. "
                        + "Keys cannot manage keys or passwords."));
        components.addSecuritySchemes(API_KEY_HEADER, new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                .in(SecurityScheme.In.HEADER).name("X-API-Key").description("The same personal API key, in `X-API-Key`."));
        components.addSecuritySchemes(SESSION, new SecurityScheme().type(SecurityScheme.Type.APIKEY).in(SecurityScheme.In.COOKIE)
                .name(com.desayre.gateway.accounts.SecurityConfiguration.SESSION_COOKIE)
                .description("Browsers: the HTTP-only session cookie sign-in sets. A change (any method but GET) also needs `xsrf`."));
        components.addSecuritySchemes(XSRF, new SecurityScheme().type(SecurityScheme.Type.APIKEY).in(SecurityScheme.In.HEADER)
                .name("X-XSRF-TOKEN").description("With the session cookie, on a change: the value of the readable `"
                        + com.desayre.gateway.accounts.SecurityConfiguration.CSRF_COOKIE + "` cookie (double submit)."));
        components.addSecuritySchemes(WORKER_SECRET, new SecurityScheme().type(SecurityScheme.Type.APIKEY).in(SecurityScheme.In.HEADER)
                .name(com.desayre.gateway.accounts.PresentedCredentials.WORKER_SECRET_HEADER)
                .description("`WORKER_SECRET`, for automation: opens the queue endpoints (`/api/worker`, `/api/admin/queues`) and "
                        + "nothing else; also accepted as `Authorization: Bearer <secret>`."));
    }

    private static void describeHeaders(Components components) {
        var headers = new TreeMap<String, Header>();
        headers.put(ProblemCatalog.RETRY_AFTER, new Header().description("Seconds to wait before sending the request again")
                .schema(new IntegerSchema().minimum(java.math.BigDecimal.ONE).example(6)));
        headers.put(ProblemCatalog.RATE_LIMIT_POLICY, new Header().description("The limits that apply (IETF draft "
                        + "httpapi-ratelimit-headers): each policy's quota `q` in units per window `w` seconds")
                .schema(new StringSchema().example("\"user\";q=10;w=60, \"daily\";q=500;w=86400, \"in-flight\";q=10;qu=\"concurrent-requests\"")));
        headers.put(ProblemCatalog.RATE_LIMIT, new Header().description("Where you stand on each policy: `r` units remaining, "
                        + "back to full in `t` seconds")
                .schema(new StringSchema().example("\"user\";r=9;t=6, \"daily\";r=499;t=40211, \"in-flight\";r=9")));
        headers.put("WWW-Authenticate", new Header().description("How to authenticate")
                .schema(new StringSchema().example("Bearer realm=\"desayre\"")));
        headers.forEach(components::addHeaders);
    }
}
