#!/usr/bin/env bash
# Prints the pinned stream API (.github/stream-api.env) as step outputs, repository=... and commit=...,
# and refuses anything but an owner/name and a full commit hash: a branch or a tag would deploy whatever
# it points to when the job runs, not what was reviewed.
set -euo pipefail
env_file=${1:?the stream API pin file}
repository=$(sed -n 's/^STREAM_API_REPOSITORY=//p' "$env_file")
commit=$(sed -n 's/^STREAM_API_COMMIT=//p' "$env_file")
[[ $repository =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] || { echo "::error::$env_file: STREAM_API_REPOSITORY must be owner/name" >&2; exit 1; }
[[ $commit =~ ^[0-9a-f]{40}$ ]] || { echo "::error::$env_file: STREAM_API_COMMIT must be a full commit hash" >&2; exit 1; }
[[ $commit != 0000000000000000000000000000000000000000 ]] || { echo "::error::$env_file: set the stream API's commit (the zeros are a placeholder)" >&2; exit 1; }
printf 'repository=%s\ncommit=%s\n' "$repository" "$commit"
