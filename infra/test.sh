#!/usr/bin/env bash
# The test command of the README and of CI: installs test tools, builds the whole solution (warnings are errors),
# runs every test project, and ends with the test runner's totals.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash infra/install-test-tools.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
bash infra/bicep-build.sh
dotnet build Cloud.sln -c Release -nologo -v q
log="$(mktemp)"
set +e
dotnet test Cloud.sln -c Release --no-build -nologo -v q 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
# One closing line with the totals over every test project.
awk '/(Passed|Failed)!/ { for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "Test totals: %d passed, %d failed, %d skipped\n", p, f, s }' "$log" | tr -d ','
rm -f "$log"
exit "$rc"
