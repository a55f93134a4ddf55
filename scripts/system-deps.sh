#!/bin/sh
# Installs the system tools the build and the tests need (idempotent). As root it uses apt-get;
# otherwise it lists what to install and fails.
set -eu

# command-on-PATH:debian-package
# debootstrap builds the matrix's root file systems; podman + runc smoke-test the container runner;
# bsdtar and shasum play macOS's tar and checksum tool in the macOS-flavoured lane (bsdtar also
# packs the Windows Node zip); wine runs install.cmd, mingw builds the Windows programs it calls
# (curl.exe, tar.exe, certutil.exe); chromium shows the landing pages to playwright-core; ssh-keygen
# signs and verifies SHA256SUMS; strace injects faults and audits execve in the reliability tests
# and profiles the benchmarks. An entry starting with / is a file, not a command.
NEEDED="shellcheck:shellcheck strace:strace chromium:chromium ssh-keygen:openssh-client sha256sum:coreutils dash:dash bash:bash zsh:zsh ksh93:ksh mksh:mksh yash:yash posh:posh busybox:busybox script:bsdutils setpriv:util-linux bwrap:bubblewrap openssl:openssl xz:xz-utils curl:curl debootstrap:debootstrap podman:podman runc:runc bsdtar:libarchive-tools shasum:perl wine:wine /usr/lib/wine/wine64:wine64 x86_64-w64-mingw32-gcc:gcc-mingw-w64-x86-64 /usr/x86_64-w64-mingw32/lib/libz.a:libz-mingw-w64-dev"

missing=''
for pair in $NEEDED; do
    cmd=${pair%%:*}
    pkg=${pair#*:}
    case $cmd in
        /*) [ -e "$cmd" ] || missing="$missing $pkg" ;;
        *) command -v "$cmd" >/dev/null 2>&1 || missing="$missing $pkg" ;;
    esac
done

if [ -z "$missing" ]; then
    exit 0
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "deps: installing system packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086 # a list of package names
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
    exit 0
fi

echo "deps: missing system tools. Install these packages (Debian/Ubuntu names), then run make again:" >&2
echo "   sudo apt-get install$missing" >&2
exit 1
