#!/bin/sh
# Runs a generated install.sh natively on macOS under each system shell, in throwaway HOMEs, and
# checks exit codes and files. Used by .github/workflows/matrix.yml (not executed on ccenv's CI).
set -u
script=${1:?usage: macos-native.sh path/to/install.sh}
key='sk-macos-'"'"'"$;&|<>-end'
passed=0
failed=0

check() { # name, condition command...
    name=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
        echo "ok   $name"
    else
        failed=$((failed + 1))
        echo "FAIL $name"
    fi
}

check_node=node
token_is_key() {
    KEY="$key" "$check_node" -e 'const s=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); process.exit(s.env.ANTHROPIC_AUTH_TOKEN===process.env.KEY?0:1)' "$1/.claude/settings.json"
}

for shell in /bin/sh /bin/bash /bin/zsh /bin/ksh /bin/dash; do
    [ -x "$shell" ] || { echo "skip $shell: not on this macOS"; continue; }
    args=''
    [ "$shell" = /bin/zsh ] && args='--emulate sh'

    # Node 22 on PATH (setup-node), claude present as a stand-in: configure only.
    home=$(mktemp -d)
    mkdir -p "$home/bin"
    printf '#!/bin/sh\necho "2.1.330 (Claude Code)"\n' >"$home/bin/claude"
    chmod +x "$home/bin/claude"
    mkdir -p "$home/.claude"
    printf '{"model":"opus","env":{"MINE":"1"}}\n' >"$home/.claude/settings.json"
    # shellcheck disable=SC2086
    HOME=$home PATH="$home/bin:$PATH" CCENV_API_KEY=$key "$shell" $args "$script" </dev/null
    check "$shell configure: exit 0" [ $? = 0 ]
    check "$shell configure: exact key" token_is_key "$home"
    check "$shell configure: user entry kept" grep -q '"MINE"' "$home/.claude/settings.json"

    # Invalid settings: exit 4, file untouched.
    printf '{ broken' >"$home/.claude/settings.json"
    # shellcheck disable=SC2086
    HOME=$home PATH="$home/bin:$PATH" CCENV_API_KEY=$key "$shell" $args "$script" </dev/null
    check "$shell invalid settings: exit 4" [ $? = 4 ]
    check "$shell invalid settings: byte-identical" [ "$(cat "$home/.claude/settings.json")" = '{ broken' ]
    rm -rf "$home"
done

# Fresh: no Node on PATH → the darwin build from nodejs.org, verified with shasum, unpacked by bsdtar;
# the real Claude Code from the npm registry.
home=$(mktemp -d)
HOME=$home PATH=/usr/bin:/bin:/usr/sbin:/sbin CCENV_API_KEY=$key sh "$script" </dev/null >"$home/out.txt" 2>&1
rc=$?
cat "$home/out.txt"
check "fresh: exit 0" [ $rc = 0 ]
check "fresh: darwin build verified" grep -q 'Verified node-v22.*-darwin-.*against SHASUMS256.txt' "$home/out.txt"
check "fresh: claude answers" "$home/.ccenv/node/bin/claude" --version
check_node="$home/.ccenv/node/bin/node"
check "fresh: exact key" token_is_key "$home"
rm -rf "$home"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
