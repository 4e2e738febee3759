# shellcheck shell=bash
# Applies a rendered bundle to the guest as the Pulumi components do: for each step in plan.json's
# order, upload its files to <stageDir>/files/<host path> and its scripts to <stageDir>/, pipe each
# supplied file into its supply command, run applyCommand, and confirmCommand from a new SSH
# connection; at the end, verify.sh. Every script that runs on the guest is the bundle's.
# Sourced by ../rehearse; needs guest.sh, RUN, APP_DIR, REDIS_PASSWORD_FILE, TOKEN_KEYS_FILE and the origin function.

# step_json BUNDLE NAME: the step's plan.json entry.
step_json() { jq -c --arg n "$2" '.steps[] | select(.name == $n)' "$1/plan.json"; }
# step_names BUNDLE: the steps, in plan order, but for those this environment cannot run (SKIP_STEPS:
# a container shares the machine's kernel, so it skips the steps that configure one).
SKIP_STEPS=()
step_names() { jq -r --arg skip "${SKIP_STEPS[*]}" '($skip | split(" ")) as $s | .steps[].name | select(. as $n | $s | index($n) | not)' "$1/plan.json"; }
# VERIFY_SKIP: an extended regex of verify.sh's check lines this environment leaves out, with SKIP_STEPS.
# A rehearsal host does not have the address of the DNS record (the audited host's, host.dedicated.address):
# the check of nginx on that address would send a request off the machine, so it is left out; the same
# token check on loopback still runs.
VERIFY_SKIP_ELSEWHERE="^check '[^']*' token_check_on "
VERIFY_SKIP=$VERIFY_SKIP_ELSEWHERE
verify_script() { if [[ -n $VERIFY_SKIP ]]; then grep -vE "$VERIFY_SKIP" "$1/verify.sh"; else cat "$1/verify.sh"; fi; }

# issue_certificate CSR: plays Cloudflare's Origin CA with a throwaway CA. The same request gets the
# same certificate back, as the provider's certificate resource does while the request is unchanged.
issue_certificate() {
    local ca=$RUN/ca csr=$1 id
    if [[ ! -f $ca/ca.key ]]; then
        mkdir -p "$ca"
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 7 \
            -subj '/CN=Origin rehearsal CA' -keyout "$ca/ca.key" -out "$ca/ca.crt" 2> /dev/null
    fi
    id=$(sha256sum < "$csr" | cut -c1-16)
    if [[ ! -f $ca/$id.crt ]]; then
        openssl x509 -req -in "$csr" -CA "$ca/ca.crt" -CAkey "$ca/ca.key" -CAcreateserial -days 7 \
            -copy_extensions copy -out "$ca/$id.crt" 2> /dev/null
        log "  test CA: issued a certificate for request $id"
    fi
    cp "$ca/$id.crt" "$ca/current.crt"
}

# supplied_value SUPPLY: the deploy-time value a supplied file is rendered from.
supplied_value() {
    case $1 in
        RedisPassword) cat "$REDIS_PASSWORD_FILE" ;;
        TokenKeys) cat "$TOKEN_KEYS_FILE" ;;
        OriginCertificate) cat "$RUN/ca/current.crt" ;;
        *) die "no value for supplied files of kind $1" ;;
    esac
}

# apply_step BUNDLE NAME LOGDIR: one step, exactly as the components run it.
apply_step() {
    local bundle=$1 name=$2 logs=$3 step stage tmp
    step=$(step_json "$bundle" "$name")
    stage=$(jq -r .stageDir <<< "$step")
    tmp=$(mktemp -d "$RUN/upload.XXXXXX")
    while IFS= read -r path; do
        install -D -m 644 "$bundle/files$path" "$tmp/files$path"
    done < <(jq -r '.files[].path' <<< "$step")
    cp "$bundle/$(jq -r .dir <<< "$step")"/*.sh "$bundle/steps/lib.sh" "$tmp/"
    if jq -e '.inputs | index("AppDirectory")' <<< "$step" > /dev/null; then
        # An upload overwrites but never deletes, so the app's stage is emptied first.
        guest "rm -rf $stage/app"
        # Exactly what the components upload: the files git tracks there (core/Plan/AppDirectory.cs).
        origin export-app "$APP_DIR" --out "$tmp/app" > /dev/null
    fi
    tar -C "$tmp" -cf - . | guest "install -d -m 700 $stage && tar -xmf - --no-same-owner -C $stage"
    rm -rf "$tmp"

    local count i supplied
    count=$(jq '.supplied | length' <<< "$step")
    for ((i = 0; i < count; i++)); do
        supplied=$(jq -c ".supplied[$i]" <<< "$step")
        supplied_value "$(jq -r .supply <<< "$supplied")" \
            | origin supply "$STACK" "${STACK_SETS[@]}" --file "$(jq -r .name <<< "$supplied")" \
            | guest "$(jq -r .command <<< "$supplied")" > /dev/null
    done

    if ! guest "$(jq -r .applyCommand <<< "$step")" > "$logs/$name.out" 2> "$logs/$name.err"; then
        sed 's/^/    /' "$logs/$name.err" >&2
        die "step $name failed (logs: $logs/$name.err)"
    fi
    log "  $(tail -n 1 "$logs/$name.err")"
    # The certificate request step prints the request and nothing else on stdout.
    if grep -q 'BEGIN CERTIFICATE REQUEST' "$logs/$name.out"; then issue_certificate "$logs/$name.out"; fi

    if [[ $(jq -r '.confirmCommand // empty' <<< "$step") != "" ]]; then
        guest_new "$(jq -r .confirmCommand <<< "$step")" 2>> "$logs/$name.err" \
            || die "step $name: its confirm command failed from a new SSH connection"
    fi
}

# converge BUNDLE LOGNAME [STEP...]: applies the steps (all of step_names, or the ones named) in plan
# order, then verify.sh. The last line of each step's log says how many things it changed.
converge() {
    local bundle=$1 logs=$RUN/log/$2 name
    shift 2
    mkdir -p "$logs"
    for name in $(step_names "$bundle"); do
        if (( $# > 0 )) && [[ " $* " != *" $name "* ]]; then continue; fi
        apply_step "$bundle" "$name" "$logs"
    done
    # verify.sh checks the whole origin; an environment that converges part of it (the VM) sets VERIFY=false.
    [[ ${VERIFY:-true} == true ]] || return 0
    local verify
    verify=$(jq -r .verifyPath "$bundle/plan.json")
    verify_script "$bundle" | guest "install -D -m 700 /dev/stdin $verify"
    if ! guest "bash $verify" > "$logs/verify.out" 2>&1; then
        grep -v '^ok ' "$logs/verify.out" | sed 's/^/    /' >&2
        die "verify.sh failed after the converge (log: $logs/verify.out)"
    fi
    log "  verify.sh: $(grep -c '^ok ' "$logs/verify.out") checks ok"
}

# revert_all BUNDLE LOGNAME: every step's revert command, in reverse order.
revert_all() {
    local bundle=$1 logs=$RUN/log/$2 name
    mkdir -p "$logs"
    for name in $(step_names "$bundle" | tac); do
        if ! guest "$(step_json "$bundle" "$name" | jq -r .revertCommand)" > "$logs/$name.out" 2> "$logs/$name.err"; then
            sed 's/^/    /' "$logs/$name.err" >&2
            die "revert of $name failed (logs: $logs/$name.err)"
        fi
        log "  $(tail -n 1 "$logs/$name.err")"
    done
}
