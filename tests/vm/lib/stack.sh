# shellcheck shell=bash disable=SC2034 # the settings are read by the files that source this one
# The stack both environments converge: the committed production stack on a given Debian release,
# with only what a rehearsal host cannot share with the audited one. Sourced by ../rehearse and
# ../../containers/converge; needs common.sh, mirror.sh (nginx_source), GUEST_MIRROR and RUN.

STACK=Pulumi.prod.yaml
APP_DIR=$REPO/tests/fixtures/stream-api
SOURCE_MEDIA=/srv/rehearsal/source.ts
# The RAM a rehearsal host declares (the VM's guest has this much).
REHEARSAL_RAM_MIB=3072

# release_suite NUMBER: the Debian suite of a release.
release_suite() {
    case $1 in
        12) echo bookworm ;;
        13) echo trixie ;;
        *) die "no Debian release $1 (12 or 13)" ;;
    esac
}

# stack_sets RELEASE: sets SUITE, the release's nginx source, and STACK_SETS, the values changed from prod.
stack_sets() {
    SUITE=$(release_suite "$1")
    nginx_source "$SUITE"
    STACK_SETS=(
        --set "host.release=$1"
        # The rehearsal host's RAM, and a load whose tmpfs fits in it.
        --set "host.ram=${REHEARSAL_RAM_MIB}m"
        --set capacity.channels=2
        # SSH arrives from slirp's host address, 10.0.2.2 (the containers are reached without SSH).
        --set 'host.adminCidrs=[10.0.2.0/24]'
        # Debian's nginx source, from the local mirror, checked by nginx-build against this checksum.
        --set "nginx.version=$NGINX_VERSION"
        --set "nginx.sourceSha256=$NGINX_SHA256"
        --set "nginx.sourceUrl=$GUEST_MIRROR/src/nginx_{version}.orig.tar.gz"
        # The fixture API, and the file every channel it starts plays.
        --set stream.source.path=tests/fixtures/stream-api
        --set "stream.environment.CHANNEL_SOURCE=$SOURCE_MEDIA"
    )
}

# origin ARGS...: the repository's CLI, built once (build_cli DIR).
origin() { (cd "$REPO" && dotnet "$CLI/origin.dll" "$@"); }
render() { origin render "$STACK" --out "$1" "${STACK_SETS[@]}" "${@:2}" 2>> "$RUN/render.log" > /dev/null; }
build_cli() {
    CLI=$1
    dotnet build "$REPO/tools/origin-cli" -c Release -o "$CLI" -nologo -v q > "$CLI.build.log" 2>&1 \
        || { cat "$CLI.build.log" >&2; die "building the CLI failed"; }
}

# make_source_media FILE: a short test picture with a keyframe every second, so segments are cut
# where hls_time says.
make_source_media() {
    ffmpeg -nostdin -loglevel error -f lavfi -i testsrc2=size=320x180:rate=25 -f lavfi -i sine=frequency=440 \
        -t 12 -c:v libx264 -preset veryfast -g 25 -keyint_min 25 -sc_threshold 0 -b:v 300k -c:a aac -b:a 64k \
        -f mpegts "$1"
}

# plan_packages BUNDLE: what the plan installs, every ensure_packages line of the rendered steps.
plan_packages() { sed -n 's/^ensure_packages //p' "$1"/steps/*/apply.sh | tr '\n' ' '; }

# source_assert_topics: the assert_<topic> functions other files add (assert-*.sh beside assert.sh),
# into ASSERT_TOPICS; assert_topics BUNDLE runs them all.
source_assert_topics() {
    local file before
    before=$(declare -F | awk '{ print $3 }')
    for file in "$REPO"/tests/vm/lib/assert-*.sh; do
        [[ -f $file ]] || continue
        # shellcheck source=/dev/null
        source "$file"
    done
    mapfile -t ASSERT_TOPICS < <(comm -13 <(sort <<< "$before") <(declare -F | awk '{ print $3 }' | sort) | grep '^assert_' || true)
}
assert_topics() {
    local topic
    for topic in "${ASSERT_TOPICS[@]}"; do "$topic" "$1"; done
}
