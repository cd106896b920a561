#!/usr/bin/env bash
# Which container images a change needs: prints a JSON array, the build matrix of the `images`
# jobs in ci.yml (build only) and release.yml (build and push).
#
#   .github/scripts/plan-images.sh <base> <head> ['<released packages, JSON>']
#
# An image is needed when
#   - turbo counts its workspace as affected between <base> and <head>: the workspace changed, or a
#     workspace package it depends on did, or its dependencies in bun.lock did;
#   - the recipe every image shares changed (infra/docker/, .dockerignore): then all of them;
#   - the release just tagged a new version of its package: the third argument is
#     changesets/action's `published-packages`, [{"name": "@careforall/pledge-service", ...}].
# Each apps/<service> gives careforall/<service>. careforall/setup (the Dockerfile's `setup`
# target, the one-shot database setup) is needed when packages/db or packages/devkit is, and is
# versioned as packages/devkit, the workspace it installs.
#
# Versions are read from <head> itself, not from the working tree (the release job may have a
# version branch checked out). Needs full history (fetch-depth: 0) and installed dependencies.
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 <base> <head> ['<released packages JSON>']" >&2
  exit 2
fi
base="$1"
head="$2"
released="${3:-[]}"
[ -n "$released" ] || released='[]'

dockerfile='infra/docker/service.Dockerfile'

# The workspace folders (apps/pledge-service, packages/db, ...) this change touches.
workspaces="$(
  {
    TURBO_SCM_BASE="$base" TURBO_SCM_HEAD="$head" bunx turbo ls --affected --output=json |
      jq -r '.packages.items[].path'
    # A released package is named after its folder: @careforall/<folder>.
    jq -r '.[].name | select(startswith("@careforall/")) | sub("^@careforall/"; "")' <<<"$released" |
      while read -r folder; do
        for dir in "apps/$folder" "packages/$folder"; do
          if [ -f "$dir/package.json" ]; then echo "$dir"; fi
        done
      done
    if [ -n "$(git diff --name-only "$base...$head" -- infra/docker .dockerignore)" ]; then
      ls -d apps/*-service
      echo packages/devkit
    fi
  } | sort -u
)"

version_at_head() {
  git show "$head:$1/package.json" | jq -er .version
}

{
  for dir in $(grep -E '^apps/[a-z0-9-]+-service$' <<<"$workspaces" || true); do
    service="${dir#apps/}"
    jq -n --arg service "$service" --arg version "$(version_at_head "$dir")" --arg file "$dockerfile" \
      '{name: $service, image: "careforall/\($service)", service: $service, target: "service",
        version: $version, dockerfile: $file}'
  done
  if grep -qxE 'packages/(db|devkit)' <<<"$workspaces"; then
    jq -n --arg version "$(version_at_head packages/devkit)" --arg file "$dockerfile" \
      '{name: "setup", image: "careforall/setup", service: "", target: "setup",
        version: $version, dockerfile: $file}'
  fi
} | jq -sc .
