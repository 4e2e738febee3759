#!/bin/bash
# packages (revert): Debian packages and the stream service user
# Rendered by the origin stack from files/packages/revert.sh. The functions it calls (place,
# track, changed, ...) are in lib.sh beside it (files/lib/step.sh). Edits on the host are
# overwritten by the next converge.
set -Eeuo pipefail
readonly STEP=packages
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

begin_revert
# Packages and the service user stay: other software may rely on them, and removing them gains nothing.
log "leaving packages and user streamapi in place"
finish_revert
