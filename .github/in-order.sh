#!/usr/bin/env bash
# Deploys in order: refuses to deploy a commit that is no longer the head of main. Two merges close
# together start two deploy runs, each with its own commit, and the older one may reach `pulumi up`
# after the newer one: it would put the older commit's program and config back. The run of the head
# deploys it, and every commit deployed was main's head when its `up` began, so with main protected
# from force pushes a deploy never goes back behind one before it.
#   in-order.sh COMMIT   (run in a clone of the repository whose remote is origin)
set -euo pipefail
commit=${1:?the commit this run deploys}
git fetch --quiet --no-tags origin main
head=$(git rev-parse FETCH_HEAD)
if [[ $head != "$commit" ]]; then
    echo "::error::not deploying $commit: main is at $head now, and its own run deploys it" >&2
    exit 1
fi
echo "deploying $commit, the head of main" >&2
