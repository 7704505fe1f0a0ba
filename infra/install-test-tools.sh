#!/usr/bin/env bash
# Installs what the tests need beyond the .NET SDK, idempotently:
#   - Debian packages: sox and espeak-ng (test audio),
#     python3 with numpy/scipy/scikit-learn/torch (parity references),
#     chromium (the report is rendered in headless Chromium by tests/Affect.Cli.Tests/ReportBrowserTests.cs)
#   - Azurite (npm) into .tools/ for the Azure Blob Storage and Durable Task engine tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

need_apt=()
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
# Every module the tests import in /usr/bin/python3 (parity references), checked one by one with its Debian package.
for module_package in numpy:python3-numpy scipy:python3-scipy sklearn:python3-sklearn torch:python3-torch; do
  /usr/bin/python3 -c "import ${module_package%%:*}" >/dev/null 2>&1 || need_apt+=("${module_package#*:}")
done
if ((${#need_apt[@]})); then
  echo "install-test-tools: apt-get install ${need_apt[*]}"
  sudo_cmd=()
  if [ "$(id -u)" != 0 ]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

azurite="$root/.tools/node_modules/.bin/azurite"
if [ ! -x "$azurite" ]; then
  echo "install-test-tools: npm install azurite@3.37.0 into .tools/"
  mkdir -p "$root/.tools"
  (cd "$root/.tools" && npm install --no-audit --no-fund --silent azurite@3.37.0 >/dev/null)
fi
echo "install-test-tools: ready (azurite: $azurite)"
