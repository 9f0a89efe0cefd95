#!/usr/bin/env bash
# Fetches the benchmark photographs listed in photos.tsv from their Debian packages into the
# folder given (default .build/photos), checking each file's sha256. Only missing files are fetched.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-.build/photos}"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
declare -A extracted=()
while IFS=$'\t' read -r name package version path sha _; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  if [[ -f "$out/$name" ]] && echo "$sha  $out/$name" | sha256sum --check --status; then continue; fi
  if [[ -z "${extracted[$package]:-}" ]]; then
    (cd "$work" && apt-get download -q "$package=$version" >/dev/null 2>&1 || apt-get download -q "$package" >/dev/null)
    dpkg-deb -x "$work"/"${package}"_*.deb "$work/root"
    extracted[$package]=1
  fi
  cp "$work/root/$path" "$out/$name"
  echo "$sha  $out/$name" | sha256sum --check --status || { echo "$name: checksum differs from photos.tsv" >&2; exit 1; }
done < "$here/photos.tsv"
echo "photographs in $out: $(ls "$out" | wc -l)"
