#!/bin/bash
# tls (revert): origin TLS key and certificate request
# Rendered by the origin stack from files/tls/revert.sh. The functions it calls (place,
# track, changed, ...) are in lib.sh beside it (files/lib/step.sh). Edits on the host are
# overwritten by the next converge.
set -Eeuo pipefail
readonly STEP=tls
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

begin_revert
remove /etc/origin-stack/tls/origin.key /etc/origin-stack/tls/origin.csr
finish_revert
