#!/usr/bin/env bash
# Builds clif-util (if needed) and shows it on examples/*.clif: prints each
# file's functions, verifies them and runs their run commands in the
# interpreter.
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
