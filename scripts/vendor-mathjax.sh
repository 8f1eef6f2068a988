#!/usr/bin/env bash
# Fetch a pinned MathJax 3 from the npm registry and keep the parts the book's HTML loads, so that
# pages render math with no request to a content delivery network.
# Usage: scripts/vendor-mathjax.sh VERSION DEST
set -euo pipefail
version=${1:?version}
dest=${2:?destination folder}
if ! command -v npm > /dev/null; then
  echo "npm is needed once to fetch MathJax; installing Debian's npm package." >&2
  bash "$(dirname "$0")/install-system-deps.sh" --npm
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "mathjax@$version" > /dev/null)
tar -xzf "$work/mathjax-$version.tgz" -C "$work"
es5="$work/package/es5"
rm -rf "$dest"
mkdir -p "$dest/output"
cp "$es5/tex-chtml.js" "$dest/"
cp -r "$es5/input" "$es5/ui" "$es5/a11y" "$dest/"
cp -r "$es5/output/chtml" "$dest/output/"
cp "$work/package/LICENSE" "$dest/LICENSE"
echo "MathJax $version placed in $dest"
