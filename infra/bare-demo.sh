#!/usr/bin/env bash
# Proves the README's main command builds and runs with nothing but the .NET SDK: on a fresh clone of the committed
# HEAD, with patchelf, C/C++ compilers, python and node hidden from PATH, runs
#   dotnet run --project src/Affect.Cli -- demo --out affect-demo
# and checks results.json and report.html. TorchSharp's native library must load (the demo trains LSTMs), which on
# hosts with an older libstdc++ (Debian 12) needs the build's managed ELF patch (infra/torchsharp/README.md).
# Uses the shared NuGet cache (~/.nuget/packages); everything else lives in a temporary folder removed on exit.
# Prints one line with the elapsed time; exit status non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly demo_command="dotnet run --project src/Affect.Cli -- demo --out affect-demo"
started=$SECONDS

tmp="$(mktemp -d "${TMPDIR:-/tmp}/affect-bare-demo.XXXXXX")"
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT

fail() {
  echo "bare-demo: error: $*" >&2
  exit 1
}

git clone --quiet "$root" "$tmp/clone"
grep -qxF "$demo_command" "$tmp/clone/README.md" || fail "README.md: the demo command is no longer '$demo_command'"

# A PATH of symlinks to every executable on the current PATH (first one of each name wins), minus native build tools
# and script runtimes.
bare="$tmp/bin"
mkdir -p "$bare"
IFS=: read -r -a path_dirs <<<"$PATH"
for dir in "${path_dirs[@]}"; do
  [ -d "$dir" ] || continue
  for exe in "$dir"/*; do
    name="${exe##*/}"
    [ -f "$exe" ] && [ -x "$exe" ] || continue
    [ -e "$bare/$name" ] && continue
    case "$name" in
      patchelf | gcc* | cc | c++ | g++* | python* | node | nodejs | npm | npx) continue ;;
    esac
    ln -s "$exe" "$bare/$name"
  done
done
for tool in patchelf gcc cc c++ g++ python python3 node nodejs npm npx; do
  if env PATH="$bare" bash -c "command -v $tool" >/dev/null 2>&1; then
    fail "$tool is still on the bare PATH"
  fi
done
env PATH="$bare" bash -c 'command -v dotnet' >/dev/null || fail "dotnet is not on PATH"

log="$tmp/demo.log"
(
  cd "$tmp/clone"
  # No MSBuild/compiler server processes outlive the run (their working folder is removed on exit).
  env PATH="$bare" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1 UseSharedCompilation=false \
    bash -c "$demo_command"
) >"$log" 2>&1 || { tail -n 40 "$log" >&2; fail "'$demo_command' failed on the bare PATH (log above)"; }

out="$tmp/clone/affect-demo"
for file in results.json report.html; do
  [ -s "$out/$file" ] || { tail -n 20 "$log" >&2; fail "$out/$file was not written"; }
done

# Every cross-corpus LSTM trained (a TorchSharp load failure would leave "failure": "..." and no bestEpoch), so the
# native library loaded; say whether the build patched it (it does on hosts without GLIBCXX_3.4.32).
results="$out/results.json"
# Each LSTM result (results.json "lstm" rows) carries "failure": null when it trained, the error text otherwise; the
# best epoch also appears in the Table 1 rows, so it is not counted here.
lstm=$(grep -c '"failure":' "$results" || true)
succeeded=$(grep -c '"failure": null' "$results" || true)
[ "$lstm" -gt 0 ] && [ "$succeeded" -eq "$lstm" ] && grep -q '"bestEpoch": [0-9]' "$results" \
  || fail "$results: lstm: $succeeded of $lstm LSTM trainings succeeded (TorchSharp's native library did not load?)"
lib="$tmp/clone/src/Affect.Cli/bin/Debug/net10.0/linux-x64/libLibTorchSharp.so"
package_lib="$(find "${NUGET_PACKAGES:-$HOME/.nuget/packages}/torchsharp" -path '*/runtimes/linux-x64/native/libLibTorchSharp.so' | head -n 1)"
state="as packaged"
if [ -n "$package_lib" ] && ! cmp -s "$lib" "$package_lib"; then
  state="patched by the build"
fi
echo "bare-demo: '$demo_command' on a fresh clone without patchelf/gcc/python/node: ok in $((SECONDS - started)) s ($lstm LSTMs trained; libLibTorchSharp.so $state)"
