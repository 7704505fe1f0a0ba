#!/usr/bin/env bash
# Make TorchSharp's native libLibTorchSharp.so load on hosts whose libstdc++ predates GCC 13
# (e.g. Debian 12: GLIBCXX up to 3.4.30).
#
# libLibTorchSharp.so (TorchSharp 0.107, built with GCC 13) needs GLIBCXX_3.4.32 for exactly one
# symbol, _ZSt21ios_base_library_initv (GCC 13's <iostream> reference that pulls in the library's
# stream initialisation). On such hosts this script, in DIR:
#   1. builds a tiny shim library defining that symbol (gcc),
#   2. marks the GLIBCXX_3.4.32 requirement weak (VER_FLG_WEAK in .gnu.version_r) and makes the
#      symbol unversioned (.gnu.version entry 1) (python3, glibcxx_compat.py),
#   3. adds the shim as a DT_NEEDED entry (patchelf) and makes sure RUNPATH contains $ORIGIN.
# The library is edited in a temporary copy that atomically replaces the original, so a process
# that has the old file mapped is not disturbed.
#
# Usage: patch-libtorchsharp.sh DIR
# Does nothing (silently) when not on Linux, when the system libstdc++ already defines
# GLIBCXX_3.4.32, or when DIR/libLibTorchSharp.so is already patched. Prints one line when it
# patches. Exit status is non-zero with a message naming the apt package when a tool is missing.
set -euo pipefail

readonly REQUIRED_VERSION="GLIBCXX_3.4.32"
readonly SYMBOL="_ZSt21ios_base_library_initv"
readonly SHIM="libAffectIosBaseInit.so"
readonly SCRIPT_NAME="patch-libtorchsharp.sh"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
readonly ELF_TOOL="$SCRIPT_DIR/glibcxx_compat.py"

fail() {
    echo "$SCRIPT_NAME: error: $*" >&2
    exit 1
}

if [[ $# -ne 1 ]]; then
    echo "usage: $SCRIPT_NAME DIR   (DIR contains libLibTorchSharp.so)" >&2
    exit 2
fi

[[ "$(uname -s)" == "Linux" ]] || exit 0

dir="${1%/}"
lib="$dir/libLibTorchSharp.so"
[[ -f "$lib" ]] || fail "$lib: file not found"

python=""
if [[ -x /usr/bin/python3 ]]; then
    python=/usr/bin/python3
elif command -v python3 >/dev/null 2>&1; then
    python="$(command -v python3)"
else
    fail "python3 is required to inspect $lib (install it: apt-get install python3-minimal)"
fi

ldconfig_bin="$(command -v ldconfig || true)"
for candidate in /sbin/ldconfig /usr/sbin/ldconfig; do
    [[ -n "$ldconfig_bin" ]] && break
    [[ -x "$candidate" ]] && ldconfig_bin="$candidate"
done
[[ -n "$ldconfig_bin" ]] || fail "ldconfig not found (install it: apt-get install libc-bin)"

# The libstdc++.so.6 the dynamic loader resolves for this architecture (first x86-64/aarch64 entry).
stdcxx="$("$ldconfig_bin" -p | awk -v arch="$(uname -m)" '
    $1 == "libstdc++.so.6" {
        is64 = (arch == "x86_64" && $0 ~ /x86-64/) || (arch == "aarch64" && $0 ~ /AArch64/)
        if (is64) { print $NF; exit }
    }')"
[[ -n "$stdcxx" ]] || fail "libstdc++.so.6 not found by ldconfig -p (install it: apt-get install libstdc++6)"

status=0
"$python" "$ELF_TOOL" defines "$stdcxx" "$REQUIRED_VERSION" || status=$?
case "$status" in
    0) exit 0 ;;   # the system libstdc++ is new enough: nothing to do
    1) ;;          # missing: patch below
    *) fail "could not read the version definitions of $stdcxx" ;;
esac

state="$("$python" "$ELF_TOOL" state "$lib" "$REQUIRED_VERSION" "$SYMBOL" "$SHIM")" \
    || fail "could not read the ELF tables of $lib"

if [[ "$state" == "not-required" ]]; then
    exit 0
fi
if [[ "$state" == "patched" && -f "$dir/$SHIM" ]]; then
    exit 0
fi

command -v gcc >/dev/null 2>&1 || fail "gcc is required to build $SHIM (install it: apt-get install gcc)"

# Build the shim into a temporary file first, then move it into place.
shim_tmp="$(mktemp "$dir/.$SHIM.XXXXXX")"
lib_tmp=""
cleanup() {
    rm -f "$shim_tmp"
    [[ -n "$lib_tmp" ]] && rm -f "$lib_tmp"
    return 0
}
trap cleanup EXIT

printf 'void %s(void) {}\n' "$SYMBOL" \
    | gcc -x c -shared -fPIC -O2 -Wl,-soname,"$SHIM" -o "$shim_tmp" - \
    || fail "gcc could not build $dir/$SHIM"
chmod 0755 "$shim_tmp"
mv -f "$shim_tmp" "$dir/$SHIM"

if [[ "$state" == "patched" ]]; then
    echo "$SCRIPT_NAME: rebuilt $dir/$SHIM for already patched $lib"
    exit 0
fi

command -v patchelf >/dev/null 2>&1 || fail "patchelf is required to patch $lib (install it: apt-get install patchelf)"

lib_tmp="$(mktemp "$dir/.libLibTorchSharp.so.XXXXXX")"
cp "$lib" "$lib_tmp"
"$python" "$ELF_TOOL" weaken "$lib_tmp" "$REQUIRED_VERSION" "$SYMBOL" \
    || fail "could not mark $REQUIRED_VERSION weak in $lib"
patchelf --add-needed "$SHIM" "$lib_tmp" || fail "patchelf --add-needed $SHIM failed on $lib"

runpath="$("$python" "$ELF_TOOL" runpath "$lib_tmp")"
case ":$runpath:" in
    *':$ORIGIN:'* | *':$ORIGIN/:'*) ;;
    *)
        new_runpath='$ORIGIN'
        [[ -n "$runpath" ]] && new_runpath="\$ORIGIN:$runpath"
        patchelf --set-rpath "$new_runpath" "$lib_tmp" || fail "patchelf --set-rpath failed on $lib"
        ;;
esac

state="$("$python" "$ELF_TOOL" state "$lib_tmp" "$REQUIRED_VERSION" "$SYMBOL" "$SHIM")"
[[ "$state" == "patched" ]] || fail "$lib: patch did not verify (state: $state)"

chmod --reference="$lib" "$lib_tmp"
mv -f "$lib_tmp" "$lib"
lib_tmp=""
echo "$SCRIPT_NAME: patched $lib ($REQUIRED_VERSION weak, $SYMBOL from $SHIM; system libstdc++ lacks it)"
