#!/usr/bin/env bash
# Regenerates the files derived from the command-line definitions:
# shell completions in completions/ and the man page in man/.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
bin=target/debug/glance
mkdir -p completions man
"$bin" completions bash > completions/glance.bash
"$bin" completions zsh > completions/_glance
"$bin" completions fish > completions/glance.fish
"$bin" completions powershell > completions/_glance.ps1
"$bin" man > man/glance.1
echo "regenerated completions/ and man/glance.1"
