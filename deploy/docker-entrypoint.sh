#!/bin/sh
# Entrypoint of the Collage image (and of CI's check of the published output).
#   collage-entrypoint [collage args...]   runs the gateway
#   collage-entrypoint healthcheck         asks /healthz (for HEALTHCHECK)
# Environment:
#   COLLAGE_APP_DIR      folder of Collage.Proxy.dll            (default /app)
#   COLLAGE_CONFIG_DIR   folder of config.json, if any          (default /etc/collage)
#   COLLAGE_EXTRA_CA_DIR extra CA certificates for upstreams    (default /usr/local/share/ca-certificates)
#   COLLAGE_PORT         port                                    (default 5000)
set -eu

app_dir="${COLLAGE_APP_DIR:-/app}"
config_dir="${COLLAGE_CONFIG_DIR:-/etc/collage}"
extra_ca_dir="${COLLAGE_EXTRA_CA_DIR:-/usr/local/share/ca-certificates}"
port="${COLLAGE_PORT:-5000}"

if [ "${1:-}" = "healthcheck" ]; then
  # No curl in the runtime image: bash's /dev/tcp is not there either, so ask dotnet itself.
  exec dotnet "$app_dir/Collage.Proxy.dll" --healthcheck "http://127.0.0.1:$port/healthz"
fi

# Trust extra CA certificates beside the system store: .NET reads every file of each SSL_CERT_DIR entry.
if [ -d "$extra_ca_dir" ] && [ -n "$(ls -A "$extra_ca_dir" 2>/dev/null)" ]; then
  export SSL_CERT_DIR="${SSL_CERT_DIR:-/etc/ssl/certs}:$extra_ca_dir"
fi

if [ -f "$config_dir/config.json" ]; then
  set -- --config-file "$config_dir/config.json" "$@"
fi

exec dotnet "$app_dir/Collage.Proxy.dll" "$@"
