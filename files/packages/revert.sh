begin_revert
# Packages and the service user stay: other software may rely on them, and removing them gains nothing.
log "leaving packages and user {{stream_user}} in place"
finish_revert
