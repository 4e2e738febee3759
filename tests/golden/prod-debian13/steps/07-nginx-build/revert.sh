#!/bin/bash
# nginx-build (revert): nginx 1.30.4 built from source
# Rendered by the origin stack from files/nginx-build/revert.sh. The functions it calls (place,
# track, changed, ...) are in lib.sh beside it (files/lib/step.sh). Edits on the host are
# overwritten by the next converge.
set -Eeuo pipefail
readonly STEP=nginx-build
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

begin_revert
if systemctl is-active --quiet nginx.service; then die "stop nginx.service (revert nginx-config) before removing the build"; fi
remove /opt/nginx /var/cache/origin-stack
finish_revert
