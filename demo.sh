#!/usr/bin/env bash
# Builds clif-util (if needed) and shows it on examples/*.clif: prints each
# file's functions, verifies them and runs their run commands in the
# interpreter. Then builds the toy-language JIT demo and runs examples/toy.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x build/clif-util ]; then
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Debug >/dev/null
fi
cmake --build build -j "$(nproc 2>/dev/null || echo 2)" --target clif-util >/dev/null
for f in examples/*.clif; do
    echo "=== $f: clif-util cat"
    ./build/clif-util cat "$f"
    echo "=== $f: clif-util verify"
    ./build/clif-util verify "$f" && echo "(no findings)"
    echo "=== $f: clif-util interpret -v"
    ./build/clif-util interpret -v "$f"
done
echo "=== clif-util test --interpret examples"
./build/clif-util test --interpret examples

# The toy-language JIT demo (examples/toy): programs compiled with the
# function builder and run natively through the JIT; traps and host errors
# come back with their trap code or payload and a backtrace.
cmake --build build -j "$(nproc 2>/dev/null || echo 2)" --target toy >/dev/null
echo "=== toy --clif --time examples/toy/fib.toy (the CLIF the toy compiler builds, then the run)"
./build/toy --clif --time examples/toy/fib.toy
for name in sum host divzero fail deep; do
    echo "=== toy --time examples/toy/$name.toy"
    status=0
    ./build/toy --time "examples/toy/$name.toy" || status=$?
    [ "$status" -eq 0 ] || echo "(exit status $status)"
done
