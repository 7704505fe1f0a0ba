#!/usr/bin/env bash
# Compiles bicep/main.bicep with the Bicep CLI from NuGet (Azure.Bicep.CommandLine.linux-x64), the check CI runs.
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
out="$(mktemp -d)"
"$pkg" build "$root/bicep/main.bicep" --outdir "$out"
echo "bicep: bicep/main.bicep compiles ($(wc -c < "$out/main.json") bytes of ARM JSON)"
rm -rf "$out"
