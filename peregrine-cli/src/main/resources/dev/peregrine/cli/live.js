// Live reload for `peregrine serve --watch`: listens to /.peregrine/live and reloads the page when
// a file under the served folder changes; when only stylesheets changed, the <link>s that load
// them are pointed at a fresh URL instead, so the page keeps its state.
(() => {
  if (window.__peregrineLive || typeof EventSource === 'undefined') return;
  window.__peregrineLive = true;
  const samePath = (a, b) => { try { return decodeURI(a) === decodeURI(b); } catch (e) { return a === b; } };
  const swapStylesheets = (paths) => {
    let swapped = false;
    for (const link of document.querySelectorAll('link[rel~="stylesheet" i][href]')) {
      const url = new URL(link.href, location.href);
      if (url.origin === location.origin && paths.some((p) => samePath(p, url.pathname))) {
        url.searchParams.set('peregrine-reload', Date.now().toString(36));
        link.href = url.href;
        swapped = true;
      }
    }
    return swapped;
  };
  let lost = false;
  const source = new EventSource('/.peregrine/live');
  source.addEventListener('reload', (event) => {
    const paths = event.data.split('\n');
    // A stylesheet no <link> loads directly (an @import) needs the whole page.
    if (paths.every((p) => p.endsWith('.css')) && swapStylesheets(paths)) return;
    location.reload();
  });
  // The stream broke (the server stopped); when it is back, files may have changed meanwhile.
  source.addEventListener('error', () => { lost = true; });
  source.addEventListener('open', () => { if (lost) location.reload(); });
})();
