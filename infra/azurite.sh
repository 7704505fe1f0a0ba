#!/usr/bin/env bash
# Starts Azurite (installed by infra/install-test-tools.sh) on the default ports 10000-10002 with data in .azurite/,
# for `affect serve --store UseDevelopmentStorage=true` and the Functions host. --skipApiVersionCheck lets the newest
# Azure SDKs (Durable Task's included) talk to it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
azurite="$root/.tools/node_modules/.bin/azurite"
[ -x "$azurite" ] || bash "$root/infra/install-test-tools.sh"
mkdir -p "$root/.azurite"
exec "$azurite" --location "$root/.azurite" --skipApiVersionCheck --loose --silent "$@"
