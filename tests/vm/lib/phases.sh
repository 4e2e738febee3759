# shellcheck shell=bash
# The phases both environments run after the first converge, on the same bundles: the VM
# (../rehearse) and the containers (../../containers/converge). What differs is the environment's:
# CHANGE (the setting the change phase changes), assert_here BUNDLE CHANNEL (every property it can
# show), change_here BUNDLE (what the change must have done), and revert_here BUNDLE (what the revert
# must have put back beyond the plan's files, e.g. the kernel's values).
# Sourced; needs converge.sh, assert.sh, render, BUNDLE, BUNDLE2, CHANGE and RUN.

second_converge() {
    local name
    snapshot "$BUNDLE" "$RUN/snapshot.before"
    converge "$BUNDLE" second-converge
    snapshot "$BUNDLE" "$RUN/snapshot.after"
    for name in $(step_names "$BUNDLE"); do
        if grep -q "^$name: applied (0 changed)\$" "$RUN/log/second-converge/$name.err"; then
            pass "idempotent: $name changed nothing"
        else
            fail "idempotent: $name changed something: $(tail -n 1 "$RUN/log/second-converge/$name.err")"
        fi
    done
    if diff "$RUN/snapshot.before" "$RUN/snapshot.after" > "$RUN/snapshot.diff"; then
        pass "idempotent: no file under /etc, /opt or the stack's state changed, no unit restarted, nginx not reloaded"
    else
        fail "idempotent: the second converge changed the host:"
        sed 's/^/            /' "$RUN/snapshot.diff" | head -n 20 >&2
    fi
    end_checks "second converge"
}

# change: one setting changed; only the steps whose hash changed are applied again, as Pulumi does.
change() {
    local name allowed touched what prefix path strays=0
    local -a changed
    render "$BUNDLE2" "${CHANGE[@]}"
    # Of the steps this environment runs (step_names): one it skips was never applied here, so
    # neither its new apply nor its old revert has anything to act on.
    mapfile -t changed < <(jq -r --slurpfile old "$BUNDLE/plan.json" \
        '.steps[] | .name as $n | .hash as $h | select(($old[0].steps[] | select(.name == $n) | .hash) != $h) | .name' \
        "$BUNDLE2/plan.json" | grep -xF -f <(step_names "$BUNDLE2"))
    (( ${#changed[@]} > 0 )) || die "${CHANGE[*]} changes no step's hash that this environment runs"
    log "  ${CHANGE[*]}: the hash changed for: ${changed[*]}"
    snapshot "$BUNDLE" "$RUN/snapshot.before-change"
    converge "$BUNDLE2" change "${changed[@]}"
    # Pulumi replaces a changed command by creating the new one first, then runs the old one's
    # delete, i.e. the revert command with the old hash: it must see the newer apply and stop.
    for name in "${changed[@]}"; do
        guest "$(step_json "$BUNDLE" "$name" | jq -r .revertCommand)" 2> "$RUN/log/change/$name.old-revert.err"
        if grep -q 'a newer apply has replaced' "$RUN/log/change/$name.old-revert.err"; then
            pass "change: the replaced $name's revert left the new apply alone"
        else
            fail "change: the replaced $name's revert left the new apply alone"
        fi
    done
    snapshot "$BUNDLE2" "$RUN/snapshot.after-change"

    # Everything that differs must belong to a step whose hash changed: its files, its state, its
    # units and their working trees (the app's releases); or to verify.sh, which follows every step.
    allowed=$(jq -r .verifyPath "$BUNDLE2/plan.json"
        for name in "${changed[@]}"; do
            step_paths "$BUNDLE2" "$name"
            printf '%s\n' "/var/lib/origin-stack/stage/$name/" "/var/lib/origin-stack/applied/$name"
            plan_units "$BUNDLE2" "$name"
            if plan_units "$BUNDLE2" "$name" | grep -qx nginx.service; then echo nginx-workers; fi
            for path in $(step_paths "$BUNDLE2" "$name" | grep '^/etc/systemd/system/[^/]*$'); do
                sed -n 's|^WorkingDirectory=\(.*\)/[^/]*$|\1/|p' "$BUNDLE2/files$path"
            done
        done)
    touched=$(diff "$RUN/snapshot.before-change" "$RUN/snapshot.after-change" | sed -n 's/^[<>] //p' \
        | awk '{ print ($1 == "unit" ? $2 : $1) }' | sort -u || true)
    log "  changed on the host: $(tr '\n' ' ' <<< "$touched")"
    for what in $touched; do
        while IFS= read -r prefix; do
            if [[ $what == "$prefix" || ($prefix == */ && $what == "$prefix"*) ]]; then continue 2; fi
        done <<< "$allowed"
        fail "change: $what changed, but belongs to no step whose hash changed"
        strays=$((strays + 1))
    done
    if (( strays == 0 )); then pass "change: the other steps' files and units are untouched"; fi

    assert_here "$BUNDLE2" 303
    change_here "$BUNDLE2"
    end_checks "change"
}

# revert: every step's revert, in reverse order; then what each step placed is gone, and its services
# are back to Debian's or stopped.
revert() {
    local path want unit dir size name
    revert_all "$BUNDLE2" revert
    for name in $(step_names "$BUNDLE2"); do
        # Debian's own file may come back where the plan replaced one (redis.conf, /etc/default/*).
        for path in $(jq -r --arg s "$name" '.steps[] | select(.name == $s) | .files[].path' "$BUNDLE2/plan.json"); do
            want=$(sha256sum < "$BUNDLE2/files$path" | cut -d' ' -f1)
            check "revert: $path is gone or Debian's again" "[[ ! -e $path ]] || [[ \$(sha256sum < $path | cut -d' ' -f1) != $want ]]"
        done
        for path in $(jq -r --arg s "$name" '.steps[] | select(.name == $s) | .supplied[].path' "$BUNDLE2/plan.json"); do
            check "revert: supplied $path is gone" "[[ ! -e $path ]]"
        done
        for unit in $(jq -r --arg s "$name" '.steps[] | select(.name == $s) | .files[].path | select(test("^/etc/systemd/system/[^/]+$")) | ltrimstr("/etc/systemd/system/")' "$BUNDLE2/plan.json"); do
            check "revert: $unit is gone" "[[ \$(systemctl show --value -p LoadState $unit) == not-found ]] && ! systemctl is-active --quiet $unit"
        done
        case $name in
            monitoring)
                for unit in $(plan_units "$BUNDLE2" monitoring); do
                    check "revert: $unit is stopped and disabled" "! systemctl is-active --quiet $unit && ! systemctl is-enabled --quiet $unit"
                done ;;
            redis) check "revert: redis runs with Debian's configuration again (no password)" "[[ \$(redis-cli ping) == PONG ]]" ;;
            firewall) check "revert: no origin firewall table" "! nft list table inet origin_filter" ;;
            nginx-build) check "revert: the nginx build is gone" "[[ ! -e $(nginx_prefix "$BUNDLE2") ]]" ;;
            hls-storage)
                dir=$(sed -n 's/^Where=//p' "$(mount_unit "$BUNDLE2")")
                check "revert: $dir is no longer a mount" "! mountpoint -q $dir"
                if [[ -f $BUNDLE2/files/etc/systemd/system/tmp.mount.d/origin-size.conf ]]; then
                    size=$(sed -n 's/^Options=.*size=\([0-9]*\)k.*/\1/p' "$BUNDLE2/files/etc/systemd/system/tmp.mount.d/origin-size.conf")
                    check "revert: /tmp has Debian's limit again" "! findmnt -n -o OPTIONS /tmp | grep -q 'size=${size}k'"
                fi ;;
        esac
    done
    check "revert: no step is recorded as applied" "[[ -z \$(ls -A /var/lib/origin-stack/applied) ]]"
    revert_here "$BUNDLE2"
    end_checks "revert"
}
