// What a viewer sees, recorded for the end-to-end tests (read as window.viewer):
// firstFrameMs   from the player's start (hls.loadSource, the viewer pressing play) to the first decoded video
//                frame (requestVideoFrameCallback); loading the page itself is not the stream's doing
// stalls         each time playback waited after the first frame ('waiting' to 'playing'), with its length and the
//                seconds that were buffered ahead when it began (a starved player has none)
// buffer         samples of seconds buffered ahead of the playhead, every 250 ms after the first frame
// playlists      each media playlist load: hls.js's view of the live window (first and last media sequence)
// errors         every hls.js error event, fatal or not
// steps          when the first playlist, the first segment and its buffering were done (where a slow start went)
// recoveries     each time a 403 (the token ran out) made the page load a fresh URL, and when a frame played after it
// hls.js is used with its default configuration: what an app embedding it gets
// (https://github.com/video-dev/hls.js/blob/v1.7.4/docs/API.md#fine-tuning).
"use strict";
let started = performance.now();
// Never -0: Playwright hands -0 back as the string "-0".
const since = () => Math.max(0, Math.round(performance.now() - started));
const viewer = { firstFrameMs: null, stalls: [], buffer: [], playlists: [], errors: [], ended: false, steps: {}, recoveries: [] };
const step = name => { if (!(name in viewer.steps)) viewer.steps[name] = since(); };
window.viewer = viewer;

const video = document.getElementById("video");
const src = new URLSearchParams(location.search).get("src");
const hls = new Hls();

hls.on(Hls.Events.LEVEL_LOADED, (_, data) => step("playlist") || viewer.playlists.push({
  at: since(), first: data.details.startSN, last: data.details.endSN, segments: data.details.fragments.length,
}));
hls.on(Hls.Events.FRAG_LOADED, () => step("segment"));
hls.on(Hls.Events.FRAG_BUFFERED, () => step("buffered"));
// data.response.code is the HTTP status, 0 where the browser withheld the response (no CORS header on it).
hls.on(Hls.Events.ERROR, (_, data) => viewer.errors.push({
  at: since(), type: data.type, details: data.details, fatal: data.fatal, code: data.response ? data.response.code : null,
}));

// The app's part of the token contract (README, "Viewer tokens"): a 403 means the token ran out, so ask the app
// for a fresh URL (window.freshSource, given by the test) and load it. hls.js does not retry a 4xx by itself
// (v1.7.4 src/utils/error-helper.ts, retryForHttpStatus). A page without freshSource records the error only.
let recovering = false;
hls.on(Hls.Events.ERROR, async (_, data) => {
  if (recovering || !data.response || data.response.code !== 403 || typeof window.freshSource !== "function") return;
  recovering = true;
  const recovery = { at: since(), frameMs: null };
  viewer.recoveries.push(recovery);
  hls.loadSource(await window.freshSource());
  video.requestVideoFrameCallback(() => { recovery.frameMs = since(); recovering = false; });
});
hls.on(Hls.Events.MANIFEST_PARSED, () => video.play().catch(e => viewer.errors.push({ at: since(), type: "play", details: String(e), fatal: true })));

video.requestVideoFrameCallback(() => { viewer.firstFrameMs = since(); });
const bufferedAhead = () => {
  const b = video.buffered, t = video.currentTime;
  for (let i = 0; i < b.length; i++) if (b.start(i) <= t + 0.1 && t <= b.end(i)) return Math.round((b.end(i) - t) * 1000) / 1000;
  return 0;
};
let stallStarted = null, stallAhead = 0;
video.addEventListener("waiting", () => {
  if (viewer.firstFrameMs === null || stallStarted !== null) return;
  stallStarted = performance.now();
  stallAhead = bufferedAhead();
});
video.addEventListener("playing", () => {
  if (stallStarted === null) return;
  viewer.stalls.push({ at: since(), ms: Math.round(performance.now() - stallStarted), ahead: stallAhead });
  stallStarted = null;
});
video.addEventListener("ended", () => { viewer.ended = true; });

setInterval(() => {
  if (viewer.firstFrameMs !== null) viewer.buffer.push({ at: since(), ahead: bufferedAhead() });
}, 250);

// A stall still going on when the test reads the record counts too, as far as it lasted.
window.viewerNow = () => Object.assign({}, viewer, {
  stalling: stallStarted === null ? null : { ms: Math.round(performance.now() - stallStarted), ahead: stallAhead },
});

started = performance.now();
hls.loadSource(src);
hls.attachMedia(video);
