/* The service worker (served at /sw.js, scope /): the app shell of this build, precached; the
   pages a person opens online, kept for when the signal drops; the outbox sent by Background
   Sync. Made per build: a new build has a new version, which replaces the old caches. */
"use strict";
var VERSION = {{ version|tojson }};
var SHELL = "park-shell-" + VERSION;
var PAGES = "park-pages-v1";
var PRECACHE = {{ precache|tojson }};
var KEEP_PAGES = {{ keep_pages|tojson }};
var OFFLINE_HTML = {{ offline_html|tojson }};
importScripts({{ outbox_url|tojson }});

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(PRECACHE); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf("park-shell-") === 0 && n !== SHELL; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function keeps(url) {
  return KEEP_PAGES.some(function (pattern) { return new RegExp(pattern).test(url.pathname); });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (request.mode !== "navigate") return;
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok && !response.redirected && keeps(url)) {
      var copy = response.clone();
      caches.open(PAGES).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }, function () {
    return caches.match(request, {cacheName: PAGES}).then(function (hit) {
      return hit || new Response(OFFLINE_HTML, {status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
    });
  }));
});

self.addEventListener("sync", function (event) {
  if (event.tag !== "outbox") return;
  event.waitUntil(self.ParkOutbox.flush().then(function (summary) {
    return self.clients.matchAll().then(function (clients) {
      clients.forEach(function (c) { c.postMessage({type: "outbox-synced", sent: summary.sent}); });
      if (summary.left) throw new Error("outbox not empty"); // the browser tries again later
    });
  }));
});
