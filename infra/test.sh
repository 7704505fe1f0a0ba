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
# The console logger at minimal verbosity prints each failed test with its message and stack trace (MSBuild's -v q
# alone drops them) and keeps the per-project "Passed!/Failed!" summary lines parsed below.
dotnet test Cloud.sln -c Release --no-build -nologo -v q --logger "console;verbosity=minimal" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
# Every failure again, message and stack, right above the totals (the projects' output interleaves above).
awk '/^  Failed / { show = 1; print; next }
     /The active test run was aborted|Test host process crashed/ { print; next }
     show && (/^$/ || /^  (Passed|Skipped) / || /(Passed|Failed)!/ || /^\[xUnit/) { show = 0 }
     show { print }' "$log" > "$log.failures"
if [ -s "$log.failures" ]; then
  printf '\nFailed tests:\n'
  cat "$log.failures"
  echo
fi
# One closing line with the totals over every test project.
awk '/(Passed|Failed)!/ { for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "Test totals: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log" "$log.failures"
exit "$rc"
