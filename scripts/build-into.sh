#!/usr/bin/env bash
# Compiles the project into a folder of its own (default .build/local), so that several builds can
# run side by side; run the tests on it with: BUILD_DIR=.build/local npm run test:only
set -euo pipefail
out="${1:-.build/local}"
npx tsc -p tsconfig.json --outDir "$out" --tsBuildInfoFile "$out/.tsbuildinfo" || true
npx tsc-alias -p tsconfig.json --outDir "$out"
