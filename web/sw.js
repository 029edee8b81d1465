// The strata playground's service worker: once the page has loaded, it works offline.
//
// Network first, so a reachable server always gives the newest site; every good same-origin response is
// kept, and when the network fails the kept copy answers (a page navigation gets the kept index.html).
const CACHE = 'strata-playground-v1';

self.addEventListener('install', (event) => {
  self.skipWaiting();
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(['./'])));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    // `strata-bases` holds the user's uploaded and fetched base images (kept by the page, not here).
    for (const key of await caches.keys()) {
      if (key !== CACHE && key !== 'strata-bases') await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(request);
      if (response.ok) await cache.put(request, response.clone());
      return response;
    } catch (offline) {
      const kept = await cache.match(request, { ignoreSearch: true });
      if (kept) return kept;
      if (request.mode === 'navigate') {
        const index = await cache.match('./');
        if (index) return index;
      }
      throw offline;
    }
  })());
});
