// Search the notebooks: every word typed must occur in a section (its title, prose or
// printed output); sections whose title holds the words come first. The index is
// window.BOOK_INDEX, loaded from search-index.js beside the pages.
(function () {
  'use strict';
  const box = document.getElementById('book-search');
  const panel = document.getElementById('book-results');
  const index = (window.BOOK_INDEX || []).map(e => Object.assign(
    {hay: (e.section + ' ' + e.text).toLowerCase(), head: e.section.toLowerCase()}, e));
  if (!box || !panel) return;

  function snippet(text, word) {
    const at = text.toLowerCase().indexOf(word);
    if (at < 0) return text.slice(0, 120);
    const from = Math.max(0, at - 50);
    return (from ? '… ' : '') + text.slice(from, at + 90) + ' …';
  }

  function search(query) {
    const words = query.toLowerCase().split(/\s+/).filter(w => w.length > 1);
    if (!words.length) return null;
    return index.filter(e => words.every(w => e.hay.includes(w)))
      .map(e => ({e, score: words.filter(w => e.head.includes(w)).length * 10
                       + words.reduce((n, w) => n + e.hay.split(w).length - 1, 0)}))
      .sort((a, b) => b.score - a.score).slice(0, 25).map(r => r.e);
  }

  function show() {
    const hits = search(box.value);
    panel.textContent = '';
    if (hits === null) { panel.hidden = true; return; }
    if (!hits.length) {
      const none = document.createElement('div');
      none.className = 'book-hit-none';
      none.textContent = 'nothing found';
      panel.appendChild(none);
    }
    for (const e of hits) {
      const a = document.createElement('a');
      a.href = e.url;
      a.className = 'book-hit';
      const where = document.createElement('div');
      where.className = 'book-hit-page';
      where.textContent = e.page;
      const what = document.createElement('div');
      what.className = 'book-hit-section';
      what.textContent = e.section;
      const text = document.createElement('div');
      text.className = 'book-hit-text';
      text.textContent = snippet(e.text, box.value.toLowerCase().split(/\s+/)[0]);
      a.append(where, what, text);
      panel.appendChild(a);
    }
    panel.hidden = false;
  }

  box.addEventListener('input', show);
  box.addEventListener('keydown', ev => {
    if (ev.key === 'Escape') { box.value = ''; show(); }
    if (ev.key === 'Enter') { const first = panel.querySelector('a'); if (first) first.click(); }
  });
  const q = new URLSearchParams(location.search).get('q');
  if (q) { box.value = q; show(); }
})();
