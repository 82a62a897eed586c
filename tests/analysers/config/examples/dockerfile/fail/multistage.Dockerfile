# syntax=docker/dockerfile:1.6
# expect: DOCKER-USER-ROOT, DOCKER-UNPINNED-IMAGE, DOCKER-SECRET-IN-ENV
FROM golang:latest AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/ledger ./cmd/ledger

FROM debian:12.5-slim AS runtime
ARG NPM_TOKEN=npm_a1b2c3d4e5f6
RUN <<EOF
apt-get update
apt-get install -y --no-install-recommends ca-certificates
useradd --system --uid 10001 ledger
rm -rf /var/lib/apt/lists/*
EOF
COPY --from=build /out/ledger /usr/local/bin/ledger
HEALTHCHECK --interval=30s --timeout=3s CMD ["/usr/local/bin/ledger", "health"]
# installs need root; nobody switched back
USER root
ENTRYPOINT ["/usr/local/bin/ledger"]
