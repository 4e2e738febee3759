#!/bin/bash
# stream-service (revert): stream API (gunicorn, FFmpeg per channel)
# Rendered by the origin stack from files/stream-service/revert.sh. The functions it calls (place,
# track, changed, ...) are in lib.sh beside it (files/lib/step.sh). Edits on the host are
# overwritten by the next converge.
set -Eeuo pipefail
readonly STEP=stream-service
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

begin_revert
if systemctl is-active --quiet stream-api.service; then systemctl stop stream-api.service; fi
if systemctl is-enabled --quiet stream-api.service 2> /dev/null; then systemctl disable --quiet stream-api.service; fi
remove /etc/systemd/system/stream-api.service /etc/origin-stack/stream-api.env /opt/streamapp
systemctl daemon-reload
finish_revert
