#!/usr/bin/env bash
# The package as a user gets it: build the tarball (npm pack runs prepack, a clean build), install
# it globally into a temporary prefix, and run the README's main job with the installed `wordspace`
# on the data the package ships. Needs the npm registry for the dependencies. Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

tarball=$(npm pack --pack-destination "$tmp" --silent | tail -n 1)
npm install --global --prefix "$tmp/prefix" --no-audit --no-fund "$tmp/$tarball"
export PATH="$tmp/prefix/bin:$PATH"
installed="$tmp/prefix/lib/node_modules/wordspace"
[ "$(command -v wordspace)" = "$tmp/prefix/bin/wordspace" ]

# The README's main job (its first command block), with the installed wordspace for ./bin/wordspace
# and the installed data; the npm ci / npm run build it starts with were done by npm install.
job=$(awk '/^```sh$/ { inside = 1; next } inside { print; exit }' "$root/README.md")
job=${job#npm ci && npm run build && }
job=${job//.\/bin\/wordspace/wordspace}
mkdir "$tmp/work" && ln -s "$installed/data" "$tmp/work/data"
cd "$tmp/work"
echo "check-package: $job" >&2
out=$(bash -o pipefail -c "$job")
echo "$out"
grep -q liberty <<<"$out"
# npx runs the tarball too.
npm exec --yes --package "$tmp/$tarball" -- wordspace --version
echo "check-package: $tarball installs and runs" >&2
