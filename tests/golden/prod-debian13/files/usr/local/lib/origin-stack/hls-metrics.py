#!/usr/bin/python3
"""HLS health metrics of the origin, for node exporter's textfile collector.

Installed by the origin stack from files/monitoring/hls-metrics.py; origin-hls-metrics.timer runs it.
One run reads the HLS directory, every live playlist, /proc and nginx's access log since the last
run, and replaces OUTPUT (a *.prom file) atomically: it writes a temporary name the collector
ignores and renames it, as the node exporter's README asks of textfile writers
(https://github.com/prometheus/node_exporter/blob/v1.5.0/README.md#textfile-collector).

Standard library only: Debian's python3, which the stream API already needs.
"""

import argparse
import calendar
import json
import os
import re
import subprocess
import sys
import time

# nginx's "origin" log_format (files/nginx-config/nginx.conf):
# $remote_addr "$http_cf_ray" [$time_local] "$request_method $uri $server_protocol" $status
# $body_bytes_sent $request_time "$upstream_response_time" "$http_user_agent"
LOG_LINE = re.compile(r'^\S+ "[^"]*" \[[^\]]*\] "\S+ (.*) \S+" (\d{3}) \d+ \S+ "([^"]*)"')

# The most of the access log one run reads; the rest waits for the next run.
LOG_CHUNK = 64 << 20

# How long a channel is remembered after it last played, was asked for and had an FFmpeg: its record outlives its
# playlist, so a channel that stopped playing while viewers still ask for it stays visible (and alerting).
RECORD_SECONDS = 3600
# Channels remembered that never played here: starts that fail, each from a viewer with a valid token.
MAX_UNPLAYED_RECORDS = 1000


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--hls-dir", required=True)
    p.add_argument("--playlist-prefix", required=True)
    p.add_argument("--url-prefix", required=True)
    p.add_argument("--api-prefix", default="-", help="URL prefix proxied to the API; - for none")
    p.add_argument("--access-log", required=True)
    p.add_argument("--certificate", required=True)
    p.add_argument("--state-dir", required=True)
    p.add_argument("--output", required=True)
    return p.parse_args()


def parse_playlist(text):
    """(target duration, media sequence, [(duration, uri)]) of a media playlist (RFC 8216 4.3)."""
    target = sequence = None
    segments = []
    duration = None
    for line in text.splitlines():
        if line.startswith("#EXTINF:"):
            duration = float(line[8:].split(",", 1)[0])
        elif line.startswith("#EXT-X-TARGETDURATION:"):
            target = int(line[22:])
        elif line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            sequence = int(line[22:])
        elif line and not line.startswith("#") and duration is not None:
            segments.append((duration, line.strip()))
            duration = None
    return target, sequence, segments


class Metrics:
    """Samples grouped by metric, written in the text exposition format."""

    def __init__(self):
        self.families = {}

    def add(self, name, metric_type, help_text, value, **labels):
        family = self.families.setdefault(name, (metric_type, help_text, []))
        family[2].append((labels, value))

    def text(self):
        out = []
        for name, (metric_type, help_text, samples) in self.families.items():
            out.append(f"# HELP {name} {help_text}\n# TYPE {name} {metric_type}\n")
            for labels, value in samples:
                label_text = ",".join(f'{k}="{escape(v)}"' for k, v in labels.items())
                out.append(name + ("{" + label_text + "}" if label_text else "") + f" {value}\n")
        return "".join(out)


def escape(value):
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def collect_hls(args, now, m):
    """Per channel: the playlist and its segments. Returns {channel: (playlist mtime, target duration)} of those with one."""
    prefix, hls_dir = args.playlist_prefix, args.hls_dir
    playlist_name = re.compile(re.escape(prefix) + r"([A-Za-z0-9]+)\.m3u8$")
    files = {}
    dir_bytes = 0
    with os.scandir(hls_dir) as entries:
        for entry in entries:
            try:
                st = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue  # FFmpeg or the cleanup removed it meanwhile
            files[entry.name] = st
            dir_bytes += st.st_blocks * 512
    m.add("origin_hls_dir_bytes", "gauge", "Bytes the HLS directory's files take on its filesystem (the tmpfs).", dir_bytes)
    m.add("origin_hls_dir_files", "gauge", "Files in the HLS directory.", len(files))

    channels = {}
    for name, st in files.items():
        match = playlist_name.match(name)
        if not match:
            continue
        channel = match.group(1)
        try:
            # A published playlist is a link to the file FFmpeg rewrites (the stream API's contract): its age is
            # that file's, not the link's.
            st = os.stat(os.path.join(hls_dir, name))
            target, sequence, segments = parse_playlist(read(os.path.join(hls_dir, name)))
        except (FileNotFoundError, ValueError):
            continue  # replaced or half-written by something other than FFmpeg's rename, or a link left by a dead FFmpeg
        channels[channel] = (st.st_mtime, target)
        m.add("origin_hls_playlist_age_seconds", "gauge", "Seconds since the channel's playlist last changed.", round(now - st.st_mtime, 3), channel=channel)
        if target is not None:
            m.add("origin_hls_playlist_target_duration_seconds", "gauge", "EXT-X-TARGETDURATION of the channel's playlist.", target, channel=channel)
        if sequence is not None:
            m.add("origin_hls_playlist_media_sequence", "gauge", "EXT-X-MEDIA-SEQUENCE of the channel's playlist; it rises by one per segment.", sequence, channel=channel)
        m.add("origin_hls_playlist_segments", "gauge", "Segments the channel's playlist lists.", len(segments), channel=channel)
        listed = [files.get(uri) for _, uri in segments]
        m.add("origin_hls_playlist_segments_missing", "gauge", "Segments the playlist lists that are not in the HLS directory.", sum(s is None for s in listed), channel=channel)
        m.add("origin_hls_playlist_segment_bytes", "gauge", "Bytes of the segments the channel's playlist lists.", sum(s.st_size for s in listed if s is not None), channel=channel)
        if segments:
            duration, newest = segments[-1]
            m.add("origin_hls_newest_segment_duration_seconds", "gauge", "EXTINF duration of the newest listed segment.", duration, channel=channel)
            if files.get(newest) is not None:
                m.add("origin_hls_newest_segment_age_seconds", "gauge", "Seconds since the newest listed segment was written.", round(now - files[newest].st_mtime, 3), channel=channel)
    m.add("origin_hls_channels", "gauge", "Channels with a playlist in the HLS directory (what nginx serves).", len(channels))
    return channels


def boot_time():
    for line in read("/proc/stat").splitlines():
        if line.startswith("btime "):
            return int(line.split()[1])
    raise RuntimeError("no btime in /proc/stat")


def open_fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None  # gone, or not ours to read


def collect_processes(args, channels, m):
    """FFmpeg per channel (by the playlist it writes), and the descriptors nginx and the API hold."""
    hls_dir = os.path.realpath(args.hls_dir)
    # FFmpeg writes <prefix><id>.m3u8.ffmpeg, the private name the API publishes as <prefix><id>.m3u8 once it lists
    # enough segments (tests/fixtures/stream-api/stream_api.py, "Publishing a playlist").
    playlist_name = re.compile(re.escape(args.playlist_prefix) + r"([A-Za-z0-9]+)\.m3u8(?:\.ffmpeg)?$")
    ticks, btime = os.sysconf("SC_CLK_TCK"), boot_time()
    ffmpeg = {}
    most_fds = {"nginx": 0, "stream-api": 0}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            comm = read(f"/proc/{pid}/comm").strip()
            if comm not in ("ffmpeg", "nginx", "gunicorn"):
                continue
            if comm == "ffmpeg":
                argv = read(f"/proc/{pid}/cmdline", "rb").split(b"\0")
                out = os.fsdecode(argv[-2] if len(argv) > 1 and argv[-1] == b"" else argv[-1])
                match = playlist_name.match(os.path.basename(out))
                if not match or os.path.realpath(os.path.dirname(out)) != hls_dir:
                    continue
                # Field 22 of /proc/<pid>/stat, after the parenthesised comm: start time in clock ticks since boot (proc(5)).
                stat = read(f"/proc/{pid}/stat").rsplit(")", 1)[1].split()
                ffmpeg[match.group(1)] = (btime + int(stat[19]) / ticks, stat[0])
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue  # exited while we looked
        fds = open_fds(pid)
        service = "nginx" if comm == "nginx" else "stream-api"
        if fds is not None:
            most_fds[service] = max(most_fds[service], fds)
    for service, fds in most_fds.items():
        m.add("origin_service_open_fds_max", "gauge", "Open descriptors of the service's busiest process (nginx: master and workers; stream-api: gunicorn and FFmpeg).", fds, service=service)
    m.add("origin_hls_ffmpeg_processes", "gauge", "FFmpeg processes writing a playlist into the HLS directory.", len(ffmpeg))
    for channel in sorted(set(channels) | set(ffmpeg)):
        started, state = ffmpeg.get(channel, (None, None))
        m.add("origin_hls_ffmpeg_up", "gauge", "1 if an FFmpeg process writes the channel's playlist.", int(started is not None), channel=channel)
        if started is not None:
            m.add("origin_hls_ffmpeg_start_time_seconds", "gauge", "Start of the channel's FFmpeg, Unix time; changes() counts its restarts.", round(started, 2), channel=channel)
            m.add("origin_hls_ffmpeg_stopped", "gauge", "1 if the channel's FFmpeg is stopped (state T: SIGSTOP or a tracer).", int(state in ("T", "t")), channel=channel)
    return set(ffmpeg)


def requested_channel(uri, args):
    """The channel a playlist or segment URI of the media prefix names, else None."""
    if not uri.startswith(args.url_prefix):
        return None
    match = re.match(re.escape(args.playlist_prefix) + r"([A-Za-z0-9]+)(?:\.m3u8|_[0-9]+\.ts)$", uri[len(args.url_prefix):])
    return match.group(1) if match else None


def classify(uri, args, playlist_uri, upstream):
    if uri.startswith(args.url_prefix):
        rest = uri[len(args.url_prefix):]
        if playlist_uri.match(rest):
            return "start" if upstream != "-" else "playlist"
        return "segment" if rest.endswith((".ts", ".m4s", ".mp4")) else "other"
    if args.api_prefix != "-" and uri.startswith(args.api_prefix):
        return "api"
    return "other"


def collect_access_log(args, m):
    """Responses by kind and status since the log began, counted incrementally from a saved offset. Returns the
    channels viewers asked for (a playlist or a segment that nginx let through: not a 4xx) in the lines read now."""
    state_path = os.path.join(args.state_dir, "access-log.json")
    try:
        state = json.loads(read(state_path))
    except (FileNotFoundError, ValueError):
        state = {"inode": None, "offset": 0, "counts": {}}
    counts = state["counts"]
    requested = set()
    playlist_uri = re.compile(re.escape(args.playlist_prefix) + r"[A-Za-z0-9]+\.m3u8$")
    try:
        with open(args.access_log, "rb") as log:
            st = os.fstat(log.fileno())
            # logrotate moved the file (a new inode) or truncated it: start at the top of the new one.
            offset = state["offset"] if state["inode"] == st.st_ino and st.st_size >= state["offset"] else 0
            log.seek(offset)
            chunk = log.read(LOG_CHUNK)
            end = chunk.rfind(b"\n") + 1  # whole lines only; nginx may be mid-write
            for line in chunk[:end].decode("utf-8", "replace").splitlines():
                match = LOG_LINE.match(line)
                if match:
                    key = classify(match.group(1), args, playlist_uri, match.group(3)) + "|" + match.group(2)
                    counts[key] = counts.get(key, 0) + 1
                    channel = requested_channel(match.group(1), args)
                    # Only a viewer nginx let through asks for a channel: a 4xx (no or a forged token, a limit, a
                    # missing segment) is anyone on the internet, and would fill the records with made-up ids.
                    if channel is not None and not match.group(2).startswith("4"):
                        requested.add(channel)
            state = {"inode": st.st_ino, "offset": offset + end, "counts": counts}
    except FileNotFoundError:
        pass
    for key in sorted(counts):
        kind, code = key.split("|")
        m.add("origin_nginx_responses_total", "counter", "Responses nginx logged, by kind (start: a playlist the API answered) and status.", counts[key], kind=kind, code=code)
    write_atomically(state_path, json.dumps(state))
    return requested


def collect_channel_records(args, now, playing, running, requested, m):
    """What the collector remembers of each channel: when its playlist last changed (and its target duration), when
    viewers last asked for it. Kept across runs, so a channel whose FFmpeg ended and whose playlist is gone is still
    seen not playing while viewers ask for it, until it plays again or RECORD_SECONDS pass with neither."""
    state_path = os.path.join(args.state_dir, "channels.json")
    try:
        records = json.loads(read(state_path))
    except (FileNotFoundError, ValueError):
        records = {}
    for channel, (mtime, target) in playing.items():
        record = records.setdefault(channel, {"requested": 0})
        record["progress"], record["target"] = mtime, target
    for channel in requested:
        records.setdefault(channel, {"progress": None, "target": None})["requested"] = now
    for channel in running:
        records.setdefault(channel, {"progress": None, "target": None, "requested": 0})["running"] = now
    records = {c: r for c, r in records.items()
               if max(r.get("progress") or 0, r.get("requested") or 0, r.get("running") or 0) > now - RECORD_SECONDS}
    # Channels asked for that never played here are the only ones requests alone can add: keep the latest few.
    unplayed = sorted((c for c, r in records.items() if r.get("progress") is None), key=lambda c: records[c].get("requested") or 0)
    for channel in unplayed[:max(0, len(unplayed) - MAX_UNPLAYED_RECORDS)]:
        del records[channel]
    for channel in sorted(records):
        record = records[channel]
        if record.get("progress") is None:
            continue  # never played here: a start that never succeeded is OriginChannelStartsFailing's
        m.add("origin_hls_channel_progress_timestamp_seconds", "gauge", "When the channel's playlist last changed, Unix time; remembered after the playlist is gone.", round(record["progress"], 3), channel=channel)
        if record.get("target") is not None:
            m.add("origin_hls_channel_target_duration_seconds", "gauge", "EXT-X-TARGETDURATION the channel's playlist last had.", record["target"], channel=channel)
        m.add("origin_hls_channel_requested_timestamp_seconds", "gauge", "When nginx last logged a request for the channel's playlist or a segment, Unix time; 0 if not since the record began.", round(record.get("requested") or 0, 3), channel=channel)
    write_atomically(state_path, json.dumps(records))


def collect_certificate(args, m):
    try:
        end = subprocess.run(["openssl", "x509", "-noout", "-enddate", "-in", args.certificate],
                             capture_output=True, text=True, timeout=5, check=True).stdout
    except (subprocess.CalledProcessError, FileNotFoundError):
        return
    # "notAfter=Mar  1 12:00:00 2041 GMT": openssl prints ASN1_TIME in GMT.
    not_after = calendar.timegm(time.strptime(end.strip().split("=", 1)[1], "%b %d %H:%M:%S %Y %Z"))
    m.add("origin_tls_certificate_not_after_seconds", "gauge", "Expiry of the origin's certificate (the Origin CA one nginx serves), Unix time.", not_after)


def write_atomically(path, text):
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "w") as f:
        f.write(text)
    os.rename(temporary, path)


def main():
    args = parse_args()
    started = time.monotonic()
    now = time.time()
    m = Metrics()
    playing = collect_hls(args, now, m)
    running = collect_processes(args, playing, m)
    requested = collect_access_log(args, m)
    collect_channel_records(args, now, playing, running, requested, m)
    collect_certificate(args, m)
    m.add("origin_hls_collector_duration_seconds", "gauge", "How long the last collection took.", round(time.monotonic() - started, 4))
    m.add("origin_hls_collector_last_run_timestamp_seconds", "gauge", "When the last collection ran, Unix time.", round(now, 3))
    write_atomically(args.output, m.text())


if __name__ == "__main__":
    sys.exit(main())
