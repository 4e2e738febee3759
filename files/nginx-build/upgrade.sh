# Moving the running nginx onto the installed binary without closing its listeners: nginx's own
# upgrade (https://nginx.org/en/docs/control.html#upgrade, "Upgrading Executable on the Fly"). USR2
# makes the master rename its pid file to .oldbin and start the new binary, which inherits the
# listening sockets and starts its workers beside the old ones; QUIT then has the old master's
# workers finish what they are sending (at most worker_shutdown_timeout) and exit. systemd follows
# the new master through PIDFile= when the old one exits (systemd src/core/service.c,
# service_sigchld_event: a forking service may move to a new PID if it updates the PID file first).
pid_file={{pid_file}}

# master_alive PID: the process runs (an exited one its parent has not reaped still answers kill -0).
master_alive() { [[ $(ps -o stat= -p "$1" 2> /dev/null) == [^Z]* ]]; }

# An upgrade a killed apply left half done: two masters side by side. The new one stays.
finish_interrupted_upgrade() {
    if [[ -f $pid_file.oldbin ]] && master_alive "$(< "$pid_file.oldbin")"; then
        log "finishing an interrupted upgrade: QUIT to the old master $(< "$pid_file.oldbin")"
        kill -QUIT "$(< "$pid_file.oldbin")"
    fi
}

upgrade_running_nginx() {
    local old new deadline
    old=$(< "$pid_file")
    kill -USR2 "$old"
    # The new master writes the pid file once it runs. One that fails to start leaves the old master
    # serving, and nginx puts its pid file back; the failure then restores the previous files.
    deadline=$((SECONDS + 30))
    until [[ -f $pid_file.oldbin && -s $pid_file && $(< "$pid_file") != "$old" ]] && master_alive "$(< "$pid_file")"; do
        (( SECONDS < deadline )) || die "the new nginx master did not start within 30 s; the old one ($old) still serves"
        sleep 0.2
    done
    new=$(< "$pid_file")
    kill -QUIT "$old"
    deadline=$((SECONDS + {{old_master_seconds}}))
    while master_alive "$old"; do
        (( SECONDS < deadline )) || die "the old nginx master ($old) has not exited {{old_master_seconds}} s after QUIT"
        sleep 0.2
    done
    log "nginx upgraded in place: master $old -> $new"
}
