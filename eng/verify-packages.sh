#!/usr/bin/env bash
# Packs every package, checks what each carries, then proves they work as a user gets them: a fresh console app
# restores them from a local feed, builds and generates an image offline; a trimmed self-contained publish with
# every library as a trimmer root must produce no trim warning and run; the imagegen tool installs and runs.
# Usage: eng/verify-packages.sh [configuration]   (expects the solution built in that configuration; Release by default)
set -euo pipefail
cd "$(dirname "$0")/.."
config=${1:-Release}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
feed="$work/feed"
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -1)

libraries=()
for project in src/*/*.csproj; do
  name=$(basename "$project" .csproj)
  dotnet pack "$project" -c "$config" --no-build -o "$feed" >/dev/null
  [ "$name" = "UnifiedImageGen.Cli" ] || libraries+=("$name")
done

# What every package must carry.
for package in "$feed"/*.nupkg; do
  case "$package" in *.snupkg) continue ;; esac
  name=$(basename "$package" ".$version.nupkg")
  [ -f "$feed/$name.$version.snupkg" ] || { echo "$name: no symbols package"; exit 1; }
  python3 - "$package" "$name" <<'PY'
import sys, zipfile, re
path, name = sys.argv[1], sys.argv[2]
z = zipfile.ZipFile(path)
files = set(z.namelist())
nuspec = z.read(next(f for f in files if f.endswith(".nuspec"))).decode()
problems = [what for what, ok in [
    ("README.md", "README.md" in files and "<readme>README.md</readme>" in nuspec),
    ("icon.png", "icon.png" in files and "<icon>icon.png</icon>" in nuspec),
    ("license expression", '<license type="expression">MIT</license>' in nuspec),
    ("repository metadata", re.search(r'<repository type="git" url="https://', nuspec) is not None),
    ("tags", "<tags>" in nuspec),
    ("description", "<description>" in nuspec),
    ("XML docs", name == "UnifiedImageGen.Cli" or f"lib/net10.0/{name}.xml" in files),
    # The tool builds for one framework when run from source, both when packed: the package must carry both.
    ("both target frameworks", all(f"{'tools' if name == 'UnifiedImageGen.Cli' else 'lib'}/{tfm}/{'any/' if name == 'UnifiedImageGen.Cli' else ''}{name}.dll" in files for tfm in ("net8.0", "net10.0"))),
] if not ok]
if problems:
    sys.exit(f"{name}: missing {', '.join(problems)}")
PY
done
echo "packages: $(ls "$feed"/*.nupkg | grep -vc snupkg) packed, each with README, icon, license, repository, XML docs and symbols"

# A fresh console app that references every library package from the local feed, outside this repository's props.
app="$work/consumer"
mkdir -p "$app"
cat > "$app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="local" value="$feed" />
    <add key="machine-cache" value="${NUGET_PACKAGES:-$HOME/.nuget/packages}" />
  </packageSources>
</configuration>
XML
{
  echo '<Project Sdk="Microsoft.NET.Sdk">'
  echo '  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable><ImplicitUsings>enable</ImplicitUsings><TreatWarningsAsErrors>true</TreatWarningsAsErrors></PropertyGroup>'
  echo '  <ItemGroup>'
  for name in "${libraries[@]}"; do echo "    <PackageReference Include=\"$name\" Version=\"$version\" />"; done
  echo '    <PackageReference Include="Microsoft.Extensions.DependencyInjection" Version="10.0.14" />'
  echo '  </ItemGroup>'
  echo '</Project>'
} > "$app/Consumer.csproj"
cat > "$app/Program.cs" <<'CS'
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen;
using UnifiedImageGen.Caching;
using UnifiedImageGen.Costs;
using UnifiedImageGen.MicrosoftExtensionsAI;
using UnifiedImageGen.OpenAI;
using UnifiedImageGen.Placeholder;

var services = new ServiceCollection();
services.AddImageGeneration().AddPlaceholder().AddOpenAI(o => o.ApiKey = "sk-not-used").UseCaching().UseCostTracking();
await using var provider = services.BuildServiceProvider();
var result = await provider.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("a package smoke test") { Seed = 3, Size = new ImageSize(96, 64) });
var bridged = provider.GetRequiredService<IImageGenerator>().AsMicrosoftImageGenerator();
Console.WriteLine($"consumer OK: {result.Provider} {result.Image.Width}x{result.Image.Height} {result.Image.MediaType}, MEAI bridge {bridged.GetType().Name}");
CS
# A private packages folder, so a package of the same version restored earlier cannot stand in for the one just
# packed; everything else comes from the machine's package cache or its usual sources.
(cd "$app" && dotnet restore --packages "$work/packages" >/dev/null)
(cd "$app" && dotnet run --no-restore)

# Trimming: every library a trimmer root, trim warnings are errors.
dotnet publish eng/trim-smoke/TrimSmoke.csproj -c Release -r linux-x64 -o "$work/trimmed" -warnaserror >/dev/null
"$work/trimmed/TrimSmoke"

# The imagegen tool installs from the feed and runs offline.
if ls "$feed"/UnifiedImageGen.Cli.*.nupkg >/dev/null 2>&1; then
  dotnet tool install UnifiedImageGen.Cli --version "$version" --tool-path "$work/tools" --add-source "$feed" >/dev/null
  (cd "$work" && "$work/tools/imagegen" providers --plain >/dev/null)
  (cd "$work" && IMAGEGEN_LEDGER="$work/ledger.json" "$work/tools/imagegen" generate "a tool smoke test" --provider placeholder --size 64x64 --out "$work/tool.png" --plain >/dev/null)
  head -c 8 "$work/tool.png" | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a" || { echo "imagegen did not write a PNG"; exit 1; }
  echo "imagegen tool: installed from the local feed, listed providers and wrote a PNG offline"
fi
echo "packages verified"
