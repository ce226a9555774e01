#!/usr/bin/env bash
# Builds libcranelift and runs every test, from a fresh clone on a fresh Debian
# machine: installs what is missing (as root, with apt-get), builds a Debug
# configuration (warnings are errors), a clang one and an AddressSanitizer +
# UndefinedBehaviorSanitizer one, and runs all tests of each through ctest.
# Exits non-zero when a build or a test fails.
set -euo pipefail
cd "$(dirname "$0")"

# Packages: each is needed only when its command (or, for the library, its
# package) is missing.
missing=()
need() { # need PACKAGE [COMMAND]
    if [ -n "${2:-}" ] && command -v "$2" >/dev/null 2>&1; then return; fi
    dpkg -s "$1" >/dev/null 2>&1 || missing+=("$1")
}
need cmake cmake
need gcc gcc
need make make
need python3 python3
need clang clang
need binutils objdump
need libcmocka-dev
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "test.sh: missing packages (${missing[*]}); run as root or install them" >&2
        exit 1
    fi
    echo "== installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

jobs=$(nproc 2>/dev/null || echo 2)
status=0

# build_and_test DIR CMAKE-ARGS...
build_and_test() {
    local dir=$1
    shift
    echo "== configure $dir ($*)"
    cmake -S . -B "$dir" "$@"
    echo "== build $dir"
    cmake --build "$dir" -j "$jobs"
    echo "== test $dir"
    ctest --test-dir "$dir" --output-on-failure -j "$jobs" || status=1
}

build_and_test build -DCMAKE_BUILD_TYPE=Debug -DCLIF_TESTS=ON
# The library must build warning-free with clang too, optimised (other warnings appear at -O2).
build_and_test build-clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCLIF_TESTS=ON -DCMAKE_C_COMPILER=clang
build_and_test build-sanitize -DCMAKE_BUILD_TYPE=Debug -DCLIF_TESTS=ON -DCLIF_SANITIZE=ON
exit "$status"
