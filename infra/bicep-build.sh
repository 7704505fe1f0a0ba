#!/usr/bin/env bash
# Compiles bicep/main.bicep with the Bicep CLI from NuGet (Azure.Bicep.CommandLine.linux-x64), the check CI runs.
# Usage: infra/bicep-build.sh [OUTDIR]   (with OUTDIR the ARM JSON is kept as OUTDIR/main.json; tests read it)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version=0.49.2
pkg="${NUGET_PACKAGES:-$HOME/.nuget/packages}/azure.bicep.commandline.linux-x64/$version/tools/bicep"
if [ ! -x "$pkg" ]; then
  tmp="$(mktemp -d)"
  cat > "$tmp/bicep.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
  <ItemGroup><PackageDownload Include="Azure.Bicep.CommandLine.linux-x64" Version="[$version]" /></ItemGroup>
</Project>
XML
  dotnet restore "$tmp/bicep.csproj" -v q >/dev/null
  rm -rf "$tmp"
  chmod +x "$pkg" 2>/dev/null || true
fi
keep="${1:-}"
out="${keep:-$(mktemp -d)}"
mkdir -p "$out"
"$pkg" build "$root/bicep/main.bicep" --outdir "$out"
echo "bicep: bicep/main.bicep compiles ($(wc -c < "$out/main.json") bytes of ARM JSON)"
[ -n "$keep" ] || rm -rf "$out"
