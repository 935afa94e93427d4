# syntax=docker/dockerfile:1
# Collage: multi-stage build; the runtime image runs as a non-root user on port 5000.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
# ReadyToRun (Collage.Proxy.csproj) for this stage's platform, which `dotnet publish` picks as the runtime
# identifier; the output stays framework-dependent on the aspnet image below.
RUN dotnet publish Collage.Proxy/Collage.Proxy.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
COPY deploy/docker-entrypoint.sh /usr/local/bin/collage-entrypoint
# The config lives at /etc/collage/config.json (original collage format; mount a ConfigMap there).
# Extra CA certificates for upstreams go in /usr/local/share/ca-certificates (mount a folder), as the
# original image read them.
# The pull-through cache, when the config has one, lives in /var/cache/collage: XDG_CACHE_HOME makes that the default
# cache path ($XDG_CACHE_HOME/collage), so the embedded default and a config file's "cache": {} both land there, while
# a config file without a "cache" section still means no cache (setting Collage__Cache__Path instead would switch the
# cache on for every config file). Mount a volume there to keep it beyond the container.
ENV COLLAGE_PORT=5000 \
    COLLAGE_CONFIG_DIR=/etc/collage \
    COLLAGE_EXTRA_CA_DIR=/usr/local/share/ca-certificates \
    XDG_CACHE_HOME=/var/cache \
    DOTNET_gcServer=0
# Created and owned by the app user before VOLUME, so an anonymous or fresh named volume starts writable by it.
RUN mkdir -p /var/cache/collage && chown "$APP_UID:$APP_UID" /var/cache/collage
VOLUME ["/var/cache/collage"]
EXPOSE 5000
# The aspnet image's non-root user (uid 1654).
USER $APP_UID
HEALTHCHECK --interval=30s --timeout=3s CMD ["/usr/local/bin/collage-entrypoint", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/collage-entrypoint"]
