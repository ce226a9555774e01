#!/bin/sh
# Runs every benchmark in one go (docs/BENCHMARKS.md): installs gcc, clang and
# tcc with apt-get when they are missing (as root), builds clif-util
# optimised (build-bench/), then bench/run.py builds and times the C kernels
# and the CLIF kernels and measures compile speed. Prints the tables; writes
# build-bench/bench/results.{json,md}.
#
#   bench/run.sh [--reps N] [--kernels fib,sieve] [--no-corpus]
#   BENCH_BUILD=DIR bench/run.sh      another build folder
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BENCH_BUILD:-$ROOT/build-bench}

missing=""
for tool in gcc clang tcc cmake python3; do
    command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing:$missing" >&2
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2
    else
        echo "missing:$missing (run as root to install them; missing C compilers are skipped)" >&2
    fi
fi
for tool in cmake python3 gcc; do
    command -v "$tool" >/dev/null 2>&1 || { echo "bench/run.sh: $tool is required" >&2; exit 1; }
done

# RelWithDebInfo: -O2 (the project's default build type).
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCLIF_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j"$(nproc 2>/dev/null || echo 2)" --target clif-util >/dev/null
exec python3 "$ROOT/bench/run.py" --clif-util "$BUILD/clif-util" --work "$BUILD/bench" "$@"
