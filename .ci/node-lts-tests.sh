#!/usr/bin/env bash
# The suite on the Dockerfile's Node LTS line (26), on the engine TEST_DB names (CI: MariaDB). Set
# NODE_LTS_VERSION to try another (24.22+; 24.19-24.21 abort with better-sqlite3 12.x: see the
# Dockerfile).
# The binary comes from the npm registry (the `node` package's per-platform package, which also
# ships the headers), and better-sqlite3, a native addon built for this machine's Node, is rebuilt
# for it offline from those headers, in a copy of the tree: the checkout's own build is untouched.
# Needs `npm run build` first. Usage: [TEST_DB=mariadb] bash .ci/node-lts-tests.sh [jest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
NODE_LTS_VERSION="${NODE_LTS_VERSION:-26.12.1}"
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64) arch=arm64 ;;
  *) echo "no node-linux package for $(uname -m)"; exit 1 ;;
esac

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
npm install --prefix "$work/node" --no-save --no-audit --no-fund --loglevel=error "node-linux-$arch@$NODE_LTS_VERSION" >/dev/null
node_home="$work/node/node_modules/node-linux-$arch"
"$node_home/bin/node" --version

# The tree to test: the tracked files and the build (tests read the Dockerfile, ops/, test/client),
# node_modules as hard links (nothing writes there; copies across filesystems), and a real copy
# of better-sqlite3 to rebuild. A symlinked node_modules (a worktree sharing another's) is followed to
# the real folder: copied as a link, the removal below would delete the shared better-sqlite3.
tree="$work/tree"
mkdir -p "$tree"
git ls-files -z | xargs -0 cp --parents -t "$tree"
cp -a dist "$tree/"
modules="$(realpath node_modules)"
cp -al "$modules" "$tree/node_modules" 2>/dev/null ||
  { rm -rf "${tree:?}/node_modules"; cp -a "$modules" "$tree/node_modules"; }
if [[ -L "$tree/node_modules" ]]; then echo "$tree/node_modules is a symlink; refusing to touch it"; exit 1; fi
rm -rf "$tree/node_modules/better-sqlite3"
cp -a "$modules/better-sqlite3" "$tree/node_modules/"
cd "$tree"
export PATH="$node_home/bin:$PATH"
npm rebuild better-sqlite3 --nodedir="$node_home" --loglevel=error >/dev/null
node -e 'const db = new (require("better-sqlite3"))(":memory:"); console.log(`better-sqlite3 on Node ${process.versions.node}: sqlite ${db.prepare("select sqlite_version() v").get().v}`)'
node --experimental-vm-modules node_modules/jest/bin/jest.js "$@"
