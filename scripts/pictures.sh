#!/usr/bin/env bash
# Regenerate the README's pictures (docs/img/*.svg) with the tool itself, from the bundled speeches:
# the README's PPMI-SVD vectors, then one map and one heatmap; `compare` of four methods as bars. Run from anywhere: npm run pictures
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build --silent
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
./bin/wordspace encode cooc data/us-speeches.txt.gz --min-count 5 --weight ppmi --dim 100 -q -o "$tmp/speeches.vec" 2>/dev/null
mkdir -p docs/img
./bin/wordspace plot map "$tmp/speeches.vec" --neighbours freedom -k 30 -o docs/img/map-freedom.svg
./bin/wordspace plot heatmap "$tmp/speeches.vec" war peace army navy soldiers freedom liberty democracy justice tax taxes economy jobs budget \
  --title 'Cosine similarities in US presidential speeches' -o docs/img/heatmap.svg
./bin/wordspace compare data/us-speeches.txt.gz --methods ppmi-svd,sgns,cbow,glove --dim 50 --min-count 5 --format json -q > "$tmp/compare.json"
./bin/wordspace plot compare "$tmp/compare.json" --title 'Which method for the speeches? (dim 50, one seed)' -o docs/img/compare.svg
./bin/wordspace encode glove data/us-speeches.txt.gz --dim 50 --epochs 12 --min-count 5 -q -o "$tmp/glove.vec" 2>/dev/null
./bin/wordspace plot loss "$tmp/glove.vec" --title 'GloVe on the speeches: cost per epoch' -o docs/img/loss.svg
./bin/wordspace encode cooc data/sanguo.txt.gz --min-count 5 --weight ppmi --dim 100 -q -o "$tmp/sanguo.vec" 2>/dev/null
./bin/wordspace plot map "$tmp/sanguo.vec" 玄德 关公 张飞 孔明 曹操 袁绍 吕布 孙策 刘表 --title '《三国演义》前四十回：人物' -o docs/img/sanguo-map.svg
echo "wrote docs/img/sanguo-map.svg docs/img/map-freedom.svg docs/img/heatmap.svg docs/img/compare.svg docs/img/loss.svg"
