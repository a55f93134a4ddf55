#!/bin/sh
# Installs real PowerShell and Pester for the install.ps1 tests (idempotent; silent when both are
# there). Both come from NuGet through `dotnet`: pwsh as a dotnet tool (~/.dotnet/tools/pwsh),
# Pester unpacked into the harness cache (<cache>/powershell/pester-<version>/Pester.psd1).
# Without dotnet it says what to install and succeeds: the pwsh tests then report "not executed".
set -eu

# Named exactly: an unnamed `dotnet tool install PowerShell` picks 7.7.0, which fails to install.
PWSH_VERSION=7.6.10
PESTER_VERSION=5.7.1

# The harness's cache (src/harness/cache.ts): CCENV_CACHE_DIR, else $XDG_CACHE_HOME/ccenv.
CACHE=${CCENV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccenv}
PESTER_DIR=$CACHE/powershell/pester-$PESTER_VERSION
TOOLS=$HOME/.dotnet/tools

if ! command -v dotnet >/dev/null 2>&1; then
    if [ ! -f "$PESTER_DIR/Pester.psd1" ]; then
        echo "deps: no dotnet, so no pwsh/Pester: the install.ps1 tests will report 'not executed: no pwsh'." >&2
        echo "   To run them, install the .NET SDK (https://learn.microsoft.com/dotnet/core/install/linux), then make deps again." >&2
    fi
    exit 0
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# The size of <id> <version> on the first configured v3 source (its flat container), for the one
# line a fetch prints; "size unknown" when the source does not say.
package_size() {
    index=$(dotnet nuget list source --format short 2>/dev/null | sed -n 's/^ *E[A-Za-z]* \(http[^ ]*index\.json\).*/\1/p' | head -n 1)
    base=''
    if [ -n "$index" ]; then
        # index.json lists resources as {"@id": …, "@type": …}; one per line, then the flat container's.
        base=$(curl -fsS --max-time 20 "$index" 2>/dev/null | tr -d '\n' | tr '}' '\n' | grep '"PackageBaseAddress/3.0.0"' |
            sed -n 's/.*"@id" *: *"\([^"]*\)".*/\1/p' | head -n 1) || base=''
    fi
    bytes=''
    if [ -n "$base" ]; then
        bytes=$(curl -fsSI --max-time 20 "${base%/}/$1/$2/$1.$2.nupkg" 2>/dev/null | tr -d '\r' |
            sed -n 's/^[Cc]ontent-[Ll]ength: *\([0-9][0-9]*\)$/\1/p' | tail -n 1) || bytes=''
    fi
    if [ -n "$bytes" ]; then
        awk -v b="$bytes" -v s="${index:-}" 'BEGIN { printf "%.1f MB from %s", b / 1048576, s }'
    else
        echo "size unknown"
    fi
}

# A failed step shows what dotnet said, then fails make.
run_quiet() {
    log=$(mktemp)
    if ! "$@" >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        echo "deps: failed: $*" >&2
        exit 1
    fi
    rm -f "$log"
}

# pwsh: the dotnet tool, at exactly PWSH_VERSION (its store folder names the installed version).
if [ ! -x "$TOOLS/pwsh" ] || [ ! -d "$TOOLS/.store/powershell/$PWSH_VERSION" ]; then
    echo "deps: fetching PowerShell $PWSH_VERSION as a dotnet tool (package $(package_size powershell "$PWSH_VERSION"); ~200 MB unpacked in $TOOLS)"
    if [ -e "$TOOLS/pwsh" ]; then
        run_quiet dotnet tool uninstall --global PowerShell
    fi
    run_quiet dotnet tool install --global PowerShell --version "$PWSH_VERSION" --no-http-cache
fi

# Pester: restored by a throwaway project from the configured sources (NuGet checks the package),
# its tools/ folder (the module) moved into place whole.
if [ ! -f "$PESTER_DIR/Pester.psd1" ]; then
    echo "deps: fetching Pester $PESTER_VERSION (package $(package_size pester "$PESTER_VERSION")) into $PESTER_DIR"
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    tfm=net$(dotnet --version | cut -d. -f1).0
    cat >"$work/fetch.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>$tfm</TargetFramework></PropertyGroup>
  <ItemGroup><PackageReference Include="Pester" Version="[$PESTER_VERSION]" /></ItemGroup>
</Project>
EOF
    run_quiet dotnet restore "$work/fetch.csproj" --packages "$work/packages" --no-http-cache
    module=$work/packages/pester/$PESTER_VERSION/tools
    if [ ! -f "$module/Pester.psd1" ]; then
        echo "deps: the Pester $PESTER_VERSION package has no tools/Pester.psd1" >&2
        exit 1
    fi
    mkdir -p "$CACHE/powershell"
    rm -rf "$PESTER_DIR.tmp"
    cp -R "$module" "$PESTER_DIR.tmp"
    rm -rf "$PESTER_DIR"
    mv "$PESTER_DIR.tmp" "$PESTER_DIR"
fi
