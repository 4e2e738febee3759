#!/bin/bash
# {{step}} ({{action}}): {{summary}}
# Rendered by the origin stack from files/{{step}}/{{action}}.sh. The functions it calls (place,
# track, changed, ...) are in lib.sh beside it (files/lib/step.sh). Edits on the host are
# overwritten by the next converge.
set -Eeuo pipefail
readonly STEP={{step}}
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

