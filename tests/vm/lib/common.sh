# shellcheck shell=bash disable=SC2034 # the settings are read by the files that source this one
# Shared by the rehearsal's scripts: logging, phase timing and the artifact cache.
# Sourced, never run; the caller has already set -euo pipefail.

# Expensive artifacts live outside the repository, keyed by a hash of their inputs, so a rerun
# reuses them and a change to an input rebuilds only what depends on it.
CACHE=${ORIGIN_VM_CACHE:-/var/cache/origin-vm}
# Debian's mirror, as this machine's apt sources name it; the suite is the release's (stack.sh).
MIRROR=http://deb.debian.org/debian
SECURITY_MIRROR=http://deb.debian.org/debian-security

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# key WORDS...: a short hash of the given strings and of the files among them, for cache keys.
key() {
    local word
    for word; do
        if [[ -f $word ]]; then sha256sum < "$word"; else printf '%s\n' "$word"; fi
    done | sha256sum | cut -c1-16
}

# Phase timings, printed at the end and written to $RUN/timings.
declare -a PHASES=()
millis() { local t=${EPOCHREALTIME/./}; echo "${t:0:-3}"; }
phase_start() { PHASE_NAME=$1; PHASE_T0=$(millis); log "=== $1"; }
phase_end() {
    local ms=$(( $(millis) - PHASE_T0 ))
    local shown
    shown=$(printf '%d.%d s' $((ms / 1000)) $((ms % 1000 / 100)))
    PHASES+=("$(printf '%-24s %10s' "$PHASE_NAME" "$shown")")
    log "=== $PHASE_NAME: $shown"
}
