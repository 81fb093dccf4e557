package com.desayre.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/k8s, checked against the services it deploys (docs/scaling.md): each service's image is a module's, its env
 * names are ones the service reads (its yml's and desayre-platform.yml's placeholders), its container port is its
 * {@code server.port}, its probes are the actuator's liveness and readiness groups (enabled in desayre-platform.yml),
 * each KEDA trigger's topic and group are one of its bindings, and every config and secret key it refers to exists.
 * local-stack sees every service's yml on its classpath. The second test breaks one reference of each kind in a copy
 * and shows each is caught.
 */
class KubernetesManifestsTest {
    private static final Path K8S = Path.of("..", "deploy", "k8s");
    private static final List<String> SERVICES = List.of("gateway", "prompt-encoder", "image-worker", "video-worker",
            "storage-sink", "webhook-dispatcher");
    /** The services scaled on their consumer groups' lag (KEDA), and the one on CPU. */
    private static final List<String> LAG_SCALED = List.of("prompt-encoder", "image-worker", "video-worker", "storage-sink");
    /** Read outside the yml files: DATABASE_URL by ServiceApplication, JAVA_TOOL_OPTIONS by the JVM. */
    private static final Set<String> READ_ELSEWHERE = Set.of("DATABASE_URL", "JAVA_TOOL_OPTIONS");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");

    @Test
    void theManifestsReferToWhatTheServicesReallyRead() throws IOException {
        assertThat(problems(manifests())).isEmpty();
    }

    @Test
    void aWrongReferenceOfEachKindIsCaught() throws IOException {
        assertThat(problems(broken("image-worker", "Deployment", d -> container(d).put("image", "desayre/imageworker:0.1.0"))))
                .anyMatch(p -> p.contains("image desayre/imageworker:0.1.0"));
        assertThat(problems(broken("video-worker", "Deployment", d -> env(d).get(0).put("name", "KAFKA_SERVERS"))))
                .anyMatch(p -> p.contains("KAFKA_SERVERS"));
        assertThat(problems(broken("storage-sink", "Deployment", d -> ports(d).get(0).put("containerPort", 8080))))
                .anyMatch(p -> p.contains("containerPort 8080"));
        assertThat(problems(broken("gateway", "Deployment", d -> probe(d, "readinessProbe").put("path", "/health/readiness"))))
                .anyMatch(p -> p.contains("/health/readiness"));
        assertThat(problems(broken("image-worker", "ScaledObject", s -> trigger(s).put("topic", "generation.images.requested"))))
                .anyMatch(p -> p.contains("generation.images.requested"));
        assertThat(problems(broken("prompt-encoder", "ScaledObject", s -> trigger(s).put("consumerGroup", "encoder"))))
                .anyMatch(p -> p.contains("encoder"));
        assertThat(problems(broken("webhook-dispatcher", "Deployment", d -> env(d).get(1).put("valueFrom",
                Map.of("configMapKeyRef", Map.of("name", "desayre-config", "key", "NO_SUCH_KEY"))))))
                .anyMatch(p -> p.contains("NO_SUCH_KEY"));
    }

    // ---- the checks ----------------------------------------------------------------------------------------------

    static List<String> problems(List<Map<String, Object>> manifests) throws IOException {
        var problems = new ArrayList<String>();
        var config = manifests.stream().filter(m -> kind(m, "ConfigMap") && name(m).equals("desayre-config")).findFirst()
                .map(m -> map(m.get("data")).keySet()).orElse(Set.of());
        var secrets = secretKeys();
        for (var service : SERVICES) {
            var deployment = find(manifests, "Deployment", service);
            if (deployment == null) {
                problems.add(service + ": no Deployment");
                continue;
            }
            var yml = ServiceYml.of(service);
            var container = container(deployment);
            var image = String.valueOf(container.get("image"));
            var module = image.replaceFirst("^.*/", "").replaceFirst(":.*$", "");
            if (!module.equals(service) || !Files.exists(Path.of("..", module, "pom.xml"))) {
                problems.add(service + ": image " + image + " is not the image of module " + service);
            }
            for (var port : ports(deployment)) {
                if (!Objects.equals(port.get("containerPort"), yml.port)) {
                    problems.add(service + ": containerPort " + port.get("containerPort") + " but server.port is " + yml.port);
                }
            }
            for (var variable : env(deployment)) {
                var name = String.valueOf(variable.get("name"));
                if (!yml.reads.contains(name) && !READ_ELSEWHERE.contains(name)) {
                    problems.add(service + ": env " + name + " is read by no yml of the service");
                }
                var from = map(variable.get("valueFrom"));
                var fromConfig = map(from.get("configMapKeyRef"));
                if (!fromConfig.isEmpty() && (!"desayre-config".equals(fromConfig.get("name")) || !config.contains(fromConfig.get("key")))) {
                    problems.add(service + ": env " + name + " from a config key that does not exist: " + fromConfig);
                }
                var fromSecret = map(from.get("secretKeyRef"));
                if (!fromSecret.isEmpty() && (!"desayre-secrets".equals(fromSecret.get("name")) || !secrets.contains(fromSecret.get("key")))) {
                    problems.add(service + ": env " + name + " from a secret key secrets.example.env does not have: " + fromSecret);
                }
            }
            if (!yml.probesEnabled) {
                problems.add(service + ": management.endpoint.health.probes.enabled is not true");
            }
            for (var kind : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                var want = kind.equals("readinessProbe") ? "/actuator/health/readiness" : "/actuator/health/liveness";
                var probe = probe(deployment, kind);
                if (!want.equals(probe.get("path")) || !"http".equals(probe.get("port"))) {
                    problems.add(service + ": " + kind + " " + probe.get("path") + " on " + probe.get("port") + ", not " + want + " on http");
                }
            }
            var resources = map(container.get("resources"));
            if (!map(resources.get("requests")).keySet().containsAll(Set.of("cpu", "memory")) || !map(resources.get("limits")).containsKey("memory")) {
                problems.add(service + ": resources need cpu and memory requests and a memory limit");
            }
            var budget = find(manifests, "PodDisruptionBudget", service);
            if (budget == null || !labels(deployment).equals(map(map(map(budget.get("spec")).get("selector")).get("matchLabels")))) {
                problems.add(service + ": no PodDisruptionBudget selecting its pods");
            }
            var scaled = find(manifests, "ScaledObject", service);
            if (LAG_SCALED.contains(service) && scaled == null) {
                problems.add(service + ": no KEDA ScaledObject");
            }
            if (scaled != null) {
                problems.addAll(lagProblems(service, scaled, yml, env(deployment)));
            }
        }
        var gateway = find(manifests, "Service", "gateway");
        if (gateway == null || !labels(find(manifests, "Deployment", "gateway")).equals(map(map(gateway.get("spec")).get("selector")))) {
            problems.add("gateway: no Service selecting its pods");
        }
        var cpu = find(manifests, "HorizontalPodAutoscaler", "gateway");
        if (cpu == null || !String.valueOf(cpu.get("spec")).contains("name=cpu")) {
            problems.add("gateway: no CPU autoscaler");
        }
        return problems;
    }

    private static List<String> lagProblems(String service, Map<String, Object> scaled, ServiceYml yml, List<Map<String, Object>> env) {
        var problems = new ArrayList<String>();
        var spec = map(scaled.get("spec"));
        if (!service.equals(map(spec.get("scaleTargetRef")).get("name"))) {
            problems.add(service + ": the ScaledObject scales " + map(spec.get("scaleTargetRef")).get("name"));
        }
        var envNames = env.stream().map(e -> e.get("name")).collect(java.util.stream.Collectors.toSet());
        for (var trigger : list(spec.get("triggers"))) {
            var metadata = map(trigger.get("metadata"));
            if (!"kafka".equals(trigger.get("type"))) {
                problems.add(service + ": a trigger of type " + trigger.get("type") + ", not kafka");
                continue;
            }
            var binding = metadata.get("topic") + " / " + metadata.get("consumerGroup");
            if (!yml.bindings.contains(binding)) {
                problems.add(service + ": KEDA watches " + binding + ", which is none of its bindings " + yml.bindings);
            }
            if (!envNames.contains(metadata.get("bootstrapServersFromEnv"))) {
                problems.add(service + ": KEDA's brokers from env " + metadata.get("bootstrapServersFromEnv") + ", which the pod has not");
            }
        }
        return problems;
    }

    /** What one service reads: placeholders, port, bindings (topic / group), from its yml and desayre-platform.yml. */
    record ServiceYml(Set<String> reads, Integer port, Set<String> bindings, boolean probesEnabled) {
        static ServiceYml of(String service) throws IOException {
            var own = text(service + ".yml");
            var platform = text("desayre-platform.yml");
            var reads = new TreeSet<String>();
            for (var text : List.of(own, platform)) {
                var matcher = PLACEHOLDER.matcher(text);
                while (matcher.find()) {
                    reads.add(matcher.group(1));
                }
            }
            Map<String, Object> ownYml = new Yaml().load(own);
            Map<String, Object> platformYml = new Yaml().load(platform);
            var port = String.valueOf(at(ownYml, "server", "port")).replaceAll("^\\$\\{PORT:(\\d+)}$", "$1");
            var bindings = new TreeSet<String>();
            map(at(ownYml, "spring", "cloud", "stream", "bindings")).values().forEach(binding ->
                    bindings.add(map(binding).get("destination") + " / " + map(binding).get("group")));
            var probes = Boolean.TRUE.equals(at(platformYml, "management", "endpoint", "health", "probes", "enabled"))
                    && String.valueOf(at(platformYml, "management", "endpoints", "web", "exposure", "include")).contains("health")
                    && at(ownYml, "management", "server", "port") == null && at(platformYml, "management", "server", "port") == null;
            return new ServiceYml(reads, Integer.valueOf(port), bindings, probes);
        }

        private static String text(String resource) throws IOException {
            try (InputStream in = KubernetesManifestsTest.class.getClassLoader().getResourceAsStream(resource)) {
                assertThat(in).as(resource + " on local-stack's classpath").isNotNull();
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
    }

    // ---- reading the manifests -------------------------------------------------------------------------------------

    static List<Map<String, Object>> manifests() throws IOException {
        Map<String, Object> kustomization = new Yaml().load(Files.readString(K8S.resolve("kustomization.yaml")));
        var all = new ArrayList<Map<String, Object>>();
        try (var files = Files.list(K8S)) {
            var yamls = files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".yaml") && !f.equals("kustomization.yaml"))
                    .sorted().toList();
            assertThat(new TreeSet<>(yamls)).as("kustomization.yaml's resources").isEqualTo(new TreeSet<>(
                    ((List<?>) kustomization.get("resources")).stream().map(String::valueOf).toList()));
            for (var file : yamls) {
                for (var document : new Yaml().loadAll(Files.readString(K8S.resolve(file)))) {
                    if (document != null) {
                        all.add(map(document));
                    }
                }
            }
        }
        return all;
    }

    private static Set<String> secretKeys() throws IOException {
        var keys = new TreeSet<String>();
        for (var line : Files.readAllLines(K8S.resolve("secrets.example.env"))) {
            if (!line.isBlank() && !line.startsWith("#") && line.contains("=")) {
                keys.add(line.substring(0, line.indexOf('=')).trim());
            }
        }
        return keys;
    }

    /** The manifests with one document changed (a deep copy: YAML again). */
    private static List<Map<String, Object>> broken(String name, String kind, Consumer<Map<String, Object>> change) throws IOException {
        var yaml = new Yaml();
        var copy = new ArrayList<Map<String, Object>>();
        for (var manifest : manifests()) {
            Map<String, Object> document = yaml.load(yaml.dump(manifest));
            if (kind(document, kind) && name(document).equals(name)) {
                change.accept(document);
            }
            copy.add(document);
        }
        return copy;
    }

    private static Map<String, Object> find(List<Map<String, Object>> manifests, String kind, String name) {
        return manifests.stream().filter(m -> kind(m, kind) && name(m).equals(name)).findFirst().orElse(null);
    }

    private static boolean kind(Map<String, Object> manifest, String kind) {
        return kind.equals(manifest.get("kind"));
    }

    private static String name(Map<String, Object> manifest) {
        return String.valueOf(map(manifest.get("metadata")).get("name"));
    }

    private static Map<String, Object> podSpec(Map<String, Object> deployment) {
        return map(at(deployment, "spec", "template", "spec"));
    }

    private static Map<String, Object> labels(Map<String, Object> deployment) {
        return map(at(deployment, "spec", "selector", "matchLabels"));
    }

    static Map<String, Object> container(Map<String, Object> deployment) {
        var containers = list(podSpec(deployment).get("containers"));
        return containers.isEmpty() ? new HashMap<>() : containers.get(0);
    }

    static List<Map<String, Object>> env(Map<String, Object> deployment) {
        return list(container(deployment).get("env"));
    }

    static List<Map<String, Object>> ports(Map<String, Object> deployment) {
        return list(container(deployment).get("ports"));
    }

    static Map<String, Object> probe(Map<String, Object> deployment, String kind) {
        return map(map(container(deployment).get(kind)).get("httpGet"));
    }

    static Map<String, Object> trigger(Map<String, Object> scaledObject) {
        return map(list(map(scaledObject.get("spec")).get("triggers")).get(0).get("metadata"));
    }

    private static Object at(Map<String, Object> root, String... path) {
        Object node = root;
        for (var key : path) {
            node = map(node).get(key);
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        return node instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object node) {
        return node instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }
}
