# triagebot serve image: docker build -t triagebot:VERSION --build-arg VERSION=VERSION .
# Needs BuildKit (Docker's default builder since 23.0) for the Maven cache mount.

# --- build: the shaded jar, exactly as a developer builds it --------------------------------------
FROM eclipse-temurin:17-jdk-jammy AS build
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
    ./mvnw -B -ntp -q package -DskipTests \
    && test -s target/triagebot.jar

# --- runtime: JRE only; the bot speaks SSH through JSch, so no ssh client or other native tool ----
FROM eclipse-temurin:17-jre-jammy
ARG VERSION=dev
LABEL org.opencontainers.image.title="triagebot" \
      org.opencontainers.image.description="Severity-first Linux kernel performance triage over SSH, for Slack." \
      org.opencontainers.image.version="${VERSION}"

# A fixed numeric uid/gid so Kubernetes' runAsNonRoot can verify it and fsGroup can match it.
RUN groupadd --gid 10001 triagebot \
    && useradd --uid 10001 --gid 10001 --home-dir /var/lib/triagebot --no-create-home \
       --shell /usr/sbin/nologin triagebot \
    && install -d -o 10001 -g 10001 -m 0750 /var/lib/triagebot

WORKDIR /app
# The catalogs are built into the jar; these copies are the reference a site starts its overrides from.
COPY --from=build /src/target/triagebot.jar /app/triagebot.jar
COPY commands /app/commands
COPY runbooks /app/runbooks

# HOME is the data dir: the only writable place besides /tmp when the root filesystem is read-only.
ENV TRIAGEBOT_DATA_DIR=/var/lib/triagebot \
    HOME=/var/lib/triagebot

USER 10001:10001
EXPOSE 3000
# Heap follows the container's memory limit; an OOM exits so the orchestrator restarts a clean JVM
# instead of leaving a half-working bot. More flags: JAVA_TOOL_OPTIONS.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/triagebot.jar"]
CMD ["serve"]
