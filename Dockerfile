# syntax=docker/dockerfile:1
#
# SPYMEO image: the `spymeo` binary alone (static assets, templates and migrations are
# compiled into it) plus CA certificates, running as a non-root user.
#
# Stages: chef (toolchain + cargo-chef) → planner (dependency recipe from the manifests)
# → builder (dependencies cooked in their own layer, then our crates) → runtime (distroless).
# A change to our source rebuilds only the last builder layer; a Cargo.lock change re-cooks.
#
# Base images are pinned by digest: a rebuild fetches the bytes that were reviewed. To move
# them, change tag and digest together (docker buildx imagetools inspect <image>:<tag>).

FROM rust:1.95.0-slim-bookworm@sha256:d7482085ff5b415f84dba5647ae71606650bdef00db7aeb69f4b3d170c3e4082 AS chef
# The toolchain of the image is the one rust-toolchain.toml pins (1.95.0); rustup would
# otherwise download another.
RUN cargo install cargo-chef --locked --version 0.1.78
WORKDIR /src

FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS builder
COPY --from=planner /src/recipe.json recipe.json
# Dependencies only: this layer stays cached until Cargo.toml/Cargo.lock change.
RUN cargo chef cook --release --locked --recipe-path recipe.json -p spymeo-cli
COPY . .
RUN cargo build --release --locked -p spymeo-cli \
    && install -D -m 0755 target/release/spymeo /out/spymeo

# distroless/cc: glibc, libgcc, CA certificates and /etc/passwd with the nonroot user
# (65532); no shell, no package manager.
FROM gcr.io/distroless/cc-debian12:nonroot@sha256:9dac0a79194e45a7da0158a9c6da57b217585af0786db3845d1f0ec1a0dd182f AS runtime
COPY --from=builder /out/spymeo /usr/local/bin/spymeo
# The distroless "nonroot" user, by number so that ECS and Kubernetes can verify it is not root.
USER 65532:65532
ENV BIND=0.0.0.0:3000 \
    LOG_FORMAT=json
EXPOSE 3000
# Liveness only (/api/health/live): a database outage must not get healthy containers
# killed; readiness is the ALB's /api/health.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["spymeo", "healthcheck"]
ENTRYPOINT ["spymeo"]
# Migrations first (advisory lock: replicas starting together are safe), then serve.
CMD ["serve", "--migrate"]
