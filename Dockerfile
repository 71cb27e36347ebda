# triagebot serve image:
#   docker build -t triagebot:VERSION --build-arg VERSION=VERSION \
#     --build-arg REVISION=$(git rev-parse --short=12 HEAD) --build-arg CREATED=$(date -u +%FT%TZ) .
# Needs BuildKit (Docker's default builder since 23.0) for the Maven cache mount.

# --- build: the jar and its libraries, exactly as a developer builds them --------------------------
FROM eclipse-temurin:17-jdk-noble AS build
# The context has no .git (see .dockerignore): the commit comes in as an argument.
ARG REVISION=unknown
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
COPY src src
COPY commands commands
COPY runbooks runbooks
COPY thresholds.yaml thresholds.yaml
# -DskipTests: the suite needs root, sshd and stress tools; CI runs it, the image build does not.
# The cache mount keeps Maven and the dependencies between builds without putting them in a layer.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -q package -DskipTests -Dgit.commit.id.abbrev="${REVISION}" \
    && test -s target/image/triagebot-image.jar && test -d target/image/lib

# --- runtime: JRE only; the bot speaks SSH through JSch, so no ssh client or other native tool ----
# Temurin 17 on Ubuntu 24.04 LTS, both supported; Renovate pins and updates its digest.
FROM eclipse-temurin:17-jre-noble
ARG VERSION=dev
ARG REVISION=unknown
ARG CREATED=unknown
ARG SOURCE=unknown
LABEL org.opencontainers.image.title="triagebot" \
      org.opencontainers.image.description="Severity-first Linux kernel performance triage over SSH, for Slack." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.base.name="docker.io/library/eclipse-temurin:17-jre-noble"

# A fixed numeric uid/gid so Kubernetes' runAsNonRoot can verify it and fsGroup can match it.
RUN groupadd --gid 10001 triagebot \
    && useradd --uid 10001 --gid 10001 --home-dir /var/lib/triagebot --no-create-home \
       --shell /usr/sbin/nologin triagebot \
    && install -d -o 10001 -g 10001 -m 0750 /var/lib/triagebot

WORKDIR /app
# Layers from the least to the most often changed: the libraries (a new release of the bot reuses
# this layer), the reference catalogs, then the bot's own jar, which names lib/ in its Class-Path.
COPY --from=build /src/target/image/lib /app/lib
# The catalogs are built into the jar; these copies are the reference a site starts its overrides from.
COPY commands /app/commands
COPY runbooks /app/runbooks
COPY --from=build /src/target/image/triagebot-image.jar /app/triagebot.jar

# HOME is the data dir: the only writable place besides /tmp when the root filesystem is read-only.
ENV TRIAGEBOT_DATA_DIR=/var/lib/triagebot \
    HOME=/var/lib/triagebot

USER 10001:10001
EXPOSE 3000
# Heap follows the container's memory limit; an OOM exits so the orchestrator restarts a clean JVM
# instead of leaving a half-working bot. More flags: JAVA_TOOL_OPTIONS.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/triagebot.jar"]
CMD ["serve"]
