/* The service worker (served at /sw.js by config.views.service_worker, which puts VERSION and
 * PRECACHE above this text). It keeps the demand list page and the static files, so that the
 * list opened from the home screen shows its last saved state without network; a page that
 * needs the network and was never kept gets the offline page (此页面需要联网…).
 * Writes (POST) always go to the network: the page keeps its own copy of unsent input. */
"use strict";
var STATIC_CACHE = "fsp-static-" + VERSION;
var PAGE_CACHE = "fsp-pages";
// Pages worth keeping for use without network: the demand list form (and its menu entry).
var KEPT_PAGES = [/^\/demands\/submissions\/\d+\/$/];
// The home-screen icon opens /demands/my-list/, which redirects to the secretary's list page (a
// redirect a worker cannot read): the list page last seen is kept under that address too.
var START_URL = "/demands/my-list/";

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(STATIC_CACHE).then(function (cache) { return cache.addAll(PRECACHE); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("fsp-static-") === 0 && name !== STATIC_CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function kept(url) {
  return KEPT_PAGES.some(function (pattern) { return pattern.test(url.pathname); });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(STATIC_CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      });
    }));
    return;
  }
  if (request.mode !== "navigate") return;
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok && !response.redirected && kept(url)) {
      var copy = response.clone();
      caches.open(PAGE_CACHE).then(function (cache) {
        return Promise.all([cache.put(url.pathname, copy.clone()), cache.put(START_URL, copy)]);
      });
    }
    return response;
  }, function () {
    return caches.open(PAGE_CACHE).then(function (cache) { return cache.match(url.pathname); })
      .then(function (hit) { return hit || caches.match(OFFLINE_URL); });
  }));
});
