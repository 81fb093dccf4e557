# syntax=docker/dockerfile:1
#
# One image recipe for every DESAYRE service. Pick the service with a build argument:
#
#   docker build --build-arg SERVICE=gateway        --build-arg PORT=8080 -t desayre/gateway .
#   docker build --build-arg SERVICE=prompt-encoder --build-arg PORT=8081 -t desayre/prompt-encoder .
#   docker build --build-arg SERVICE=image-worker   --build-arg PORT=8082 -t desayre/image-worker .
#   docker build --build-arg SERVICE=video-worker   --build-arg PORT=8083 -t desayre/video-worker .
#   docker build --build-arg SERVICE=storage-sink   --build-arg PORT=8084 -t desayre/storage-sink .
#   docker build --build-arg SERVICE=webhook-dispatcher --build-arg PORT=8085 -t desayre/webhook-dispatcher .
#   docker build --target provider-sim -t desayre/provider-sim .      (the ModelsLabs simulator)
#
# The build stage does not depend on SERVICE: it packages every service (and the simulator)
# in one Maven run, so `docker compose build` compiles once and every image reuses that layer.
# Needs BuildKit (the default builder since Docker Engine 23 and in Compose v2).

# ---- build: the Maven reactor ---------------------------------------------------------------
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
# The wrapper's Maven distribution lives in the image layer (cached until .mvn/ or mvnw change);
# the local repository is a BuildKit cache mount, kept between builds.
ENV MAVEN_USER_HOME=/opt/maven-wrapper
COPY .mvn/ .mvn/
COPY mvnw ./
RUN chmod +x mvnw && ./mvnw -q --version

# Sources in one step, no pom-only layer first: downloaded dependencies already survive source
# changes in the cache mount below, and `dependency:go-offline` is unreliable in a reactor whose
# sibling modules are not built yet.
COPY . .
RUN --mount=type=cache,target=/root/.m2,sharing=locked \
    ./mvnw -q -B -pl gateway,prompt-encoder,image-worker,video-worker,storage-sink,webhook-dispatcher,provider-sim -am package -DskipTests \
 && ./mvnw -q -B -pl provider-sim dependency:copy-dependencies -DincludeScope=runtime \
 && mkdir -p /out/provider-sim \
 && for m in gateway prompt-encoder image-worker video-worker storage-sink webhook-dispatcher; do \
        cp "$m/target/$m-0.1.0-SNAPSHOT-exec.jar" "/out/$m.jar"; \
    done \
 && cp provider-sim/target/provider-sim-0.1.0-SNAPSHOT.jar /out/provider-sim/provider-sim.jar \
 && cp -r provider-sim/target/dependency /out/provider-sim/lib

# ---- provider-sim: a plain Java main (no Spring, no fat jar), run with its runtime classpath ---
FROM eclipse-temurin:17-jre AS provider-sim
RUN groupadd --system --gid 10001 desayre \
 && useradd --system --uid 10001 --gid desayre --home-dir /app --no-create-home --shell /usr/sbin/nologin desayre
WORKDIR /app
COPY --from=build /out/provider-sim/ /app/
USER desayre
ENV SIM_PORT=8090 \
    SIM_BIND=0.0.0.0
EXPOSE 8090
# any HTTP answer (a 404 for "/") means the server is up
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=5 \
    CMD curl -s -o /dev/null "http://127.0.0.1:${SIM_PORT}/" || exit 1
ENTRYPOINT ["java", "-Djava.awt.headless=true", "-cp", "/app/provider-sim.jar:/app/lib/*", "com.desayre.providersim.ProviderSimulator"]

# ---- service (the default target): one Spring Boot service, as a non-root user --------------
FROM eclipse-temurin:17-jre AS service
# gateway | prompt-encoder | image-worker | video-worker | storage-sink | webhook-dispatcher
ARG SERVICE
# the port the service listens on (its yml reads PORT); compose passes each service's own
ARG PORT=8080
RUN case "${SERVICE}" in \
        gateway|prompt-encoder|image-worker|storage-sink) ;; \
        *) echo "build arg SERVICE must be gateway, prompt-encoder, image-worker or storage-sink (got '${SERVICE}')" >&2; exit 1 ;; \
    esac \
 && groupadd --system --gid 10001 desayre \
 && useradd --system --uid 10001 --gid desayre --home-dir /app --no-create-home --shell /usr/sbin/nologin desayre \
 && mkdir -p /app/data \
 && chown desayre:desayre /app/data
WORKDIR /app
COPY --from=build /out/${SERVICE}.jar /app/app.jar
USER desayre
# DESAYRE_DATA_DIR: where a service without an S3 endpoint keeps local media (unused when S3 is set)
ENV PORT=${PORT} \
    DESAYRE_DATA_DIR=/app/data \
    JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
EXPOSE ${PORT}
# curl ships in the eclipse-temurin Ubuntu images
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=5 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${PORT}/actuator/health" || exit 1
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/app.jar \"$@\"", "app"]
