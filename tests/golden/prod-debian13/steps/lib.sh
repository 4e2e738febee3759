# Functions every step script uses, and the setup they rely on. Rendered by the origin stack from
# files/lib/step.sh; each step's stage directory holds a copy next to its scripts, which set STEP and
# source it.
#
# Idempotent: a file is replaced only when its content, mode or owner differ, and a service is
# restarted or reloaded only when something it reads changed. On any error the files this run
# replaced are put back and the step's services are returned to them: a failed run keeps the
# last good state.
# shellcheck shell=bash
[[ -n ${STEP:-} ]] || { echo "lib.sh: source it from a step script that sets STEP" >&2; exit 1; }
umask 022
export LC_ALL=C DEBIAN_FRONTEND=noninteractive

readonly STATE=/var/lib/origin-stack
readonly STAGE=$STATE/stage/$STEP
readonly ROLLBACK=$STATE/rollback/$STEP
# Paths this step changed that its services have not taken up yet: written, and on disk, before each
# change, and removed once the apply has restarted or reloaded what reads them (finish_apply). A run
# killed in between (SIGKILL: an SSH drop, timeout's KILL, the OOM killer; no trap runs) leaves it, and
# the next run acts on those paths as its own changes, so the service is not left on its old config.
readonly PENDING=$STATE/pending/$STEP

# Paths (and pseudo-paths such as "packages") this run changed.
CHANGED=()

log() { printf '%s: %s\n' "$STEP" "$*" >&2; }
die() { log "error: $*"; exit 1; }

changed() { (( ${#CHANGED[@]} > 0 )); }

# changed_any PATH...: did this run change any of these?
changed_any() {
    local want have
    for want; do
        for have in "${CHANGED[@]}"; do [[ $have == "$want" ]] && return 0; done
    done
    return 1
}

# changed_under PREFIX: did this run change anything below PREFIX?
changed_under() {
    local have
    for have in "${CHANGED[@]}"; do [[ $have == "$1"* ]] && return 0; done
    return 1
}

# save PATH: remember PATH as it is now, so a failure can restore it (or delete it if it is new).
save() {
    if [[ -e $1 || -L $1 ]]; then
        mkdir -p "$ROLLBACK/saved${1%/*}"
        cp -a -- "$1" "$ROLLBACK/saved$1"
    else
        printf '%s\n' "$1" >> "$ROLLBACK/created"
    fi
}

rollback() {
    local path
    while IFS= read -r path; do rm -rf -- "$path"; done < "$ROLLBACK/created"
    if [[ -d $ROLLBACK/saved ]]; then
        (cd "$ROLLBACK/saved" && find . ! -type d -print0) | while IFS= read -r -d '' path; do
            mkdir -p "$(dirname "/${path#./}")"
            cp -a -- "$ROLLBACK/saved/${path#./}" "/${path#./}"
        done
    fi
}

on_error() {
    local status=$? line=$1
    trap - ERR
    set +e
    log "failed (exit $status) at line $line; restoring the files this run replaced"
    drop_policy_rc_d
    rollback
    if declare -F after_rollback > /dev/null; then after_rollback; fi
    exit "$status"
}

# The step's command line runs it under timeout(1), which signals the whole process group when the
# step's time budget is spent: the hung child dies, and this says what it was before putting the
# files back. (Bash runs the trap once the foreground child has exited.)
on_stop() {
    local what=$1
    trap - ERR TERM INT
    set +e
    log "stopped while running: $what; restoring the files this run replaced"
    drop_policy_rc_d
    rollback
    if declare -F after_rollback > /dev/null; then after_rollback; fi
    exit 124
}

# pending PATH: record, durably, that PATH is about to change and what reads it must take it up.
pending() {
    mkdir -p "${PENDING%/*}"
    printf '%s\n' "$1" >> "$PENDING"
    sync -- "$PENDING"
    sync -- "${PENDING%/*}"
}

# changed_path PATH: a change the step made itself (a link switched, a file generated): recorded as
# pending first, then noted for this run. Call it before making the change.
changed_path() {
    pending "$1"
    CHANGED+=("$1")
}

# place DEST MODE OWNER GROUP: install the staged copy of DEST when content, mode or owner differ.
place() {
    local dest=$1 mode=$2 owner=$3 group=$4
    local src=$STAGE/files$dest
    [[ -f $src ]] || die "staged file $src is missing; upload the step's files first"
    if [[ -f $dest ]] && cmp -s -- "$src" "$dest" && [[ $(stat -c '%a %U %G' -- "$dest") == "$mode $owner $group" ]]; then
        return 0
    fi
    save "$dest"
    install -D -m "$mode" -o "$owner" -g "$group" -- "$src" "$dest.origin-new"
    changed_path "$dest"
    mv -f -- "$dest.origin-new" "$dest"
    log "updated $dest"
}

# track PATH: a file installed from stdin by its supply script. Notes whether it changed since the
# last successful run of this step, so the step restarts what reads it.
track() { changed_since "$1" "$STATE/supplied/${1//\//%}"; }

# watch PATH: a file another step supplies and this step's services read (the Redis password, for
# the API and the exporter). Its own record per step: the supplying step's track has already
# recorded the new content by the time this step runs.
watch() { changed_since "$1" "$STATE/supplied/$STEP/${1//\//%}"; }

# changed_since PATH RECORD: compare PATH's digest with the one RECORD holds from the last successful run.
changed_since() {
    local path=$1 record=$2 sum
    [[ -f $path ]] || die "$path has not been supplied yet"
    sum=$(sha256sum < "$path")
    sum=${sum%% *}
    if [[ -f $record && $(< "$record") == "$sum" ]]; then return 0; fi
    save "$record"
    mkdir -p "${record%/*}"
    # Pending before the record: a run killed after it would otherwise find the new sum and restart nothing.
    changed_path "$path"
    printf '%s\n' "$sum" > "$record"
    log "$path changed since the last run"
}

# remove PATH...: delete what this step placed (revert).
remove() {
    local path
    for path; do
        if [[ -e $path || -L $path ]]; then
            save "$path"
            rm -rf -- "$path"
            CHANGED+=("$path")
            log "removed $path"
        fi
    done
}

# Keeps installed services from starting while a converge installs packages (invoke-rc.d asks
# /usr/sbin/policy-rc.d; 101 is "action forbidden": Debian Policy's policy-rc.d interface,
# /usr/share/doc/init-system-helpers/README.policy-rc.d.gz). The marker line tells ours from an
# operator's, which is never touched.
readonly POLICY_RC_D=/usr/sbin/policy-rc.d
readonly POLICY_RC_D_MARK="# origin-stack: no service starts while the converge installs packages"

# drop_policy_rc_d: remove our policy-rc.d, left by this run or by one killed (no trap runs on
# SIGKILL) while it installed: left behind it would keep unattended upgrades from restarting services.
drop_policy_rc_d() {
    if [[ -f $POLICY_RC_D ]] && grep -qxF "$POLICY_RC_D_MARK" "$POLICY_RC_D"; then rm -f -- "$POLICY_RC_D"; fi
}

# ensure_packages PKG...: install what is missing. Services do not start on install (policy-rc.d):
# each step starts its service once it is configured, so nothing runs with Debian's defaults.
ensure_packages() {
    local missing=() pkg
    drop_policy_rc_d
    if [[ -e $POLICY_RC_D ]]; then log "keeping $POLICY_RC_D, which is not the stack's"; fi
    # A dpkg killed mid-install leaves packages unpacked but not configured, and apt refuses every
    # install until `dpkg --configure -a` has run (apt's "dpkg was interrupted" error): finish it first,
    # under the same policy, since what it configures was meant to be installed without starting.
    if [[ -n $(dpkg --audit 2> /dev/null) ]]; then
        log "a previous dpkg run was interrupted; dpkg --configure -a"
        hold_services
        dpkg --configure -a > /dev/null
        drop_policy_rc_d
    fi
    for pkg; do
        dpkg-query -W -f='${db:Status-Status}' "$pkg" 2> /dev/null | grep -qx installed || missing+=("$pkg")
    done
    (( ${#missing[@]} == 0 )) && return 0
    log "installing ${missing[*]}"
    hold_services
    # Another apt or dpkg (unattended-upgrades on a fresh server) holds the lock for a while: wait for
    # it, but not beyond the step's budget; apt then names the lock and its holder (apt.conf(5)).
    apt-get update -qq -o DPkg::Lock::Timeout=300
    apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confold "${missing[@]}" > /dev/null
    drop_policy_rc_d
    CHANGED+=(packages)
}

# hold_services: our policy-rc.d, unless the host has its own (which then decides).
hold_services() {
    if [[ ! -e $POLICY_RC_D ]]; then
        printf '#!/bin/sh\n%s\nexit 101\n' "$POLICY_RC_D_MARK" > "$POLICY_RC_D"
        chmod 755 "$POLICY_RC_D"
    fi
}

# units_changed: did this run change a unit file or drop-in?
units_changed() { changed_under /etc/systemd/system/; }

# wait_for_tcp PORT SECONDS: until something accepts connections on 127.0.0.1:PORT.
wait_for_tcp() {
    local port=$1 deadline=$((SECONDS + $2))
    until (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null; do
        (( SECONDS < deadline )) || die "nothing answers on 127.0.0.1:$port after $2 s"
        sleep 0.5
    done
}

# begin_revert: a revert undoes its step only once the step has left the plan. While it is in the plan,
# a delete that reaches the host is of an older command of it, which Pulumi deletes late: a replacement
# creates the new command before deleting the old one, and an `up` that fails after a replacement
# leaves the old one pending deletion, deleted at the end of a later `up` (pulumi/pulumi
# pkg/resource/deploy/step_generator.go@v3.174.0, GenerateDeletes, called from performPostSteps in
# deployment_executor.go once every registration is done), which may have applied that very
# generation again. Every `up` records the plan's steps in $STATE/plan-steps (HostPlan.StepsRecordPath)
# after its applies and before its deletes. (A destroy, or a new host.incarnation, runs no revert at all:
# every command is deleted with the host's incarnation, components/Host/HostIncarnation.cs.)
# Without a record (an older stack, the rehearsals that run the scripts by hand), the hash decides:
# the old command's revert stands down when a newer apply is recorded.
begin_revert() {
    if [[ -f $STATE/plan-steps ]] && grep -qxF -- "$STEP" "$STATE/plan-steps"; then
        log "$STEP is still in the deployed plan: this is a late delete of an older command of it; nothing to revert"
        exit 0
    fi
    if [[ -n ${ORIGIN_STEP_HASH:-} && -f $STATE/applied/$STEP && $(< "$STATE/applied/$STEP") != "$ORIGIN_STEP_HASH" ]]; then
        log "a newer apply has replaced the one this revert belongs to; nothing to revert"
        exit 0
    fi
}

# record PATH TEXT: replace a record of the stack's state whole. A reader, or the boot after a crash,
# finds the old text or the new one, never the empty file a truncating write leaves for a moment.
# The text and the rename are on disk when this returns (sync(1) of the file, then of its directory:
# fsync(2) says a file's entry needs its directory synced too), so what the caller does next, such
# as the firewall placing a new ruleset once "armed" is recorded, never reaches the disk first.
record() {
    printf '%s\n' "$2" > "$1.origin-new"
    sync -- "$1.origin-new"
    mv -f -- "$1.origin-new" "$1"
    sync -- "${1%/*}"
}

# clear_pending: what the step changed is in service (or reverted); the next run starts clean.
clear_pending() {
    if [[ -f $PENDING ]]; then
        rm -f -- "$PENDING"
        sync -- "${PENDING%/*}"
    fi
}

finish_apply() {
    clear_pending
    mkdir -p "$STATE/applied"
    record "$STATE/applied/$STEP" "${ORIGIN_STEP_HASH:-unknown}"
    log "applied (${#CHANGED[@]} changed)"
}

finish_revert() {
    clear_pending
    # What this step's watch recorded: a new apply then takes every watched file up afresh.
    rm -rf "$STATE/supplied/$STEP"
    rm -f "$STATE/applied/$STEP"
    log "reverted (${#CHANGED[@]} removed)"
}

[[ $EUID -eq 0 ]] || die "run as root"
install -d -m 700 "$STATE"
rm -rf "$ROLLBACK"
mkdir -p "$ROLLBACK"
: > "$ROLLBACK/created"
if [[ -f $PENDING ]]; then
    mapfile -t CHANGED < "$PENDING"
    log "a previous run stopped before its services took up: ${CHANGED[*]}"
fi
trap 'on_error $LINENO' ERR
# (In a signal trap LINENO is 1; BASH_COMMAND is what was running.)
trap 'on_stop "$BASH_COMMAND"' TERM INT

