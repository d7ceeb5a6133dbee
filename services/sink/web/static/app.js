// newsflow web view: a single page over the sink's JSON API (/api/) and
// its server-sent event stream (/api/events).
//
// Safety rule for this file: nothing that comes from an article is ever
// parsed as HTML. Every element is built with h(), which puts strings into
// the DOM as text nodes, and every link goes through safeHref().
'use strict';

(() => {
  const app = document.getElementById('app');
  const TYPES = ['PERSON', 'ORG', 'LOC', 'MISC'];
  const TYPE_NAMES = { PERSON: 'People', ORG: 'Organisations', LOC: 'Places', MISC: 'Other' };
  const TYPE_LABEL = { PERSON: 'person', ORG: 'organisation', LOC: 'place', MISC: 'other' };

  // ---------- DOM helpers ----------

  // h(tag, attrs, ...children): children are nodes or strings (as text).
  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'href') el.setAttribute('href', safeHref(v));
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const kid of kids.flat(Infinity)) {
      if (kid == null || kid === false) continue;
      el.append(kid instanceof Node ? kid : String(kid));
    }
    return el;
  }

  // safeHref lets through our own paths and http(s) links, nothing else
  // (no javascript:, data: or other schemes an article URL could carry).
  function safeHref(v) {
    const s = String(v);
    if (s.startsWith('/') && !s.startsWith('//')) return s;
    try {
      const u = new URL(s);
      if (u.protocol === 'http:' || u.protocol === 'https:') return u.href;
    } catch (_) { /* not a URL */ }
    return '#';
  }

  const path = (...parts) => '/' + parts.map(encodeURIComponent).join('/');
  const nav = (href, ...kids) => h('a', { href, 'data-nav': true }, ...kids);

  function query(params) {
    const u = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      for (const x of [].concat(v)) if (x !== undefined && x !== null && x !== '') u.append(k, x);
    }
    const s = u.toString();
    return s ? '?' + s : '';
  }

  async function api(p, params = {}) {
    const res = await fetch('/api' + p + query(params), { headers: { Accept: 'application/json' } });
    let body = null;
    try { body = await res.json(); } catch (_) { /* empty or not JSON */ }
    if (res.status === 401) {
      // The session ended (expired, or the token changed): log in again
      // and come back here.
      location.assign('/login?next=' + encodeURIComponent(location.pathname + location.search));
    }
    if (!res.ok) {
      const err = new Error((body && body.error) || res.status + ' ' + res.statusText);
      err.status = res.status;
      throw err;
    }
    return body;
  }

  // ---------- formatting ----------

  const dateFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
  const timeFmt = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });

  function when(iso) {
    if (!iso) return '';
    const t = new Date(iso);
    if (isNaN(t)) return '';
    const ago = (Date.now() - t.getTime()) / 1000;
    if (ago >= 0 && ago < 60) return 'just now';
    if (ago >= 0 && ago < 3600) return Math.floor(ago / 60) + ' min ago';
    if (ago >= 0 && ago < 86400) return timeFmt.format(t) + ' today';
    return dateFmt.format(t) + ', ' + timeFmt.format(t);
  }
  const day = iso => (iso ? dateFmt.format(new Date(iso)) : '');
  const plural = (n, one, many) => n + ' ' + (n === 1 ? one : (many || one + 's'));

  function chip(e, count) {
    return h('a', { class: 'chip t-' + e.type, href: path('entities', e.id), 'data-nav': true, title: TYPE_LABEL[e.type] || e.type },
      e.name, count != null ? h('span', { class: 'n' }, count) : null);
  }
  const typeTag = t => h('span', { class: 'type-tag t-' + t }, TYPE_LABEL[t] || t);
  const errorBox = err => h('p', { class: 'error' }, err.message || String(err));

  // ---------- routing ----------

  let renderSeq = 0;   // a view's async work is dropped once another view starts
  let onLive = null;   // the current view's handler for live article events

  const routes = [
    [/^\/$/, viewLatest, 'latest'],
    [/^\/articles\/(.+)$/, viewArticle, 'latest'],
    [/^\/entities$/, viewEntities, 'entities'],
    [/^\/entities\/(.+)$/, viewEntity, 'entities'],
    [/^\/stories$/, viewStories, 'stories'],
    [/^\/stories\/(.+)$/, viewStory, 'stories'],
    [/^\/quotes$/, viewQuotes, 'quotes'],
  ];

  async function route() {
    const seq = ++renderSeq;
    onLive = null;
    const params = new URLSearchParams(location.search);
    document.getElementById('q').value = location.pathname === '/' ? (params.get('q') || '') : '';
    for (const [re, view, section] of routes) {
      const m = location.pathname.match(re);
      if (!m) continue;
      for (const a of document.querySelectorAll('.topbar nav a')) a.classList.toggle('active', a.dataset.section === section);
      app.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
      try {
        await view({ seq, arg: m[1] ? decodeURIComponent(m[1]) : null, params });
      } catch (err) {
        if (seq === renderSeq) app.replaceChildren(errorBox(err));
      }
      return;
    }
    app.replaceChildren(h('p', { class: 'error' }, 'No such page.'));
  }

  // current reports whether the view that started as seq is still shown.
  const current = seq => seq === renderSeq;

  function go(url) {
    history.pushState(null, '', url);
    window.scrollTo(0, 0);
    route();
  }

  document.addEventListener('click', (ev) => {
    const a = ev.target.closest('a[data-nav]');
    if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    ev.preventDefault();
    go(a.getAttribute('href'));
  });
  window.addEventListener('popstate', route);
  document.getElementById('search').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const params = location.pathname === '/' ? new URLSearchParams(location.search) : new URLSearchParams();
    const q = document.getElementById('q').value.trim();
    if (q) params.set('q', q); else params.delete('q');
    const s = params.toString();
    go('/' + (s ? '?' + s : ''));
  });

  // ---------- article cards ----------

  function card(a, fresh) {
    const li = h('li', { class: 'card' + (fresh ? ' fresh' : ''), 'data-id': a.id },
      h('div', { class: 'meta' },
        a.source ? h('span', { class: 'source' }, a.source) : null,
        h('time', { datetime: a.at }, when(a.at)),
        a.story_id ? nav(path('stories', a.story_id), h('span', { class: 'story-link' }, 'story: ' + (a.story_label || 'untitled story'))) : null,
        a.duplicate_of ? nav(path('articles', a.duplicate_of), h('span', { class: 'badge' }, 'copy')) : null,
        a.copies ? copiesLink(a) : null,
        a.quote_count ? h('span', null, plural(a.quote_count, 'quote')) : null),
      h('h3', null, nav(path('articles', a.id), a.title || '(untitled)')),
      a.snippet && a.snippet.length ? snippet(a.snippet) : a.lede ? h('p', { class: 'lede' }, a.lede) : null,
      h('div', { class: 'chips' }, (a.entities || []).map(e => chip(e))));
    return li;
  }

  // snippet shows a search result's passage, the query's words marked.
  // The fragments are text from the article: text nodes, never markup.
  const snippet = frags => h('p', { class: 'lede snippet' }, frags.map(f => (f.hit ? h('mark', { class: 'hit' }, f.text) : f.text)));

  // copiesLink lists the copies of an original (the same article fetched
  // again elsewhere), which lists and counts show once.
  const copiesLink = a => nav('/' + query({ copies_of: a.id }), h('span', { class: 'copies' }, plural(a.copies, 'copy', 'copies')));

  // pager renders a list that loads page after page via fetchPage(cursor).
  function pager(list, fetchPage, render, seq) {
    const more = h('button', { class: 'more', type: 'button' }, 'Load more');
    let cursor = null;
    async function load() {
      more.disabled = true;
      const page = await fetchPage(cursor);
      if (!current(seq)) return;
      for (const item of page.items) list.append(render(item));
      if (!list.children.length) list.append(h('li', { class: 'empty' }, 'Nothing here yet.'));
      cursor = page.next || null;
      more.hidden = !cursor;
      more.disabled = false;
    }
    more.addEventListener('click', () => load().catch(err => more.replaceWith(errorBox(err))));
    return { more, load };
  }

  // ---------- Latest (home): live feed, search, filters ----------

  async function viewLatest({ seq, params }) {
    const filters = {
      q: params.get('q') || '',
      entity: params.getAll('entity'),
      source: params.getAll('source'),
      story: params.get('story') || '',
      from: params.get('from') || '',
      to: params.get('to') || '',
      copies: params.get('copies') || '',
      copies_of: params.get('copies_of') || '',
    };
    const filtered = Object.values(filters).some(v => (Array.isArray(v) ? v.length : v));
    const setParam = (k, v) => {
      const p = new URLSearchParams(location.search);
      p.delete(k);
      for (const x of [].concat(v)) if (x) p.append(k, x);
      const s = p.toString();
      go('/' + (s ? '?' + s : ''));
    };

    const feed = h('ul', { class: 'feed', id: 'feed' });
    const { more, load } = pager(feed, async (cursor) => {
      const page = await api('/articles', { ...filters, cursor });
      return { items: page.articles, next: page.next };
    }, a => card(a, false), seq);

    const sourceSel = h('select', { 'aria-label': 'Source', onchange: e => setParam('source', e.target.value) },
      h('option', { value: '' }, 'All sources'));
    const dateInput = (name) => h('input', { type: 'date', value: filters[name], 'aria-label': name, onchange: e => setParam(name, e.target.value) });
    const active = [];
    if (filters.q) active.push(['q', filters.q, 'text: ' + filters.q]);
    for (const e of filters.entity) {
      // The chip names the entity the filter resolves to (an id, a
      // surname or a spelling all do).
      const label = h('span', { class: 'entity-filter' }, e);
      active.push(['entity', e, label]);
      api('/resolve', { entity: e }).then(m => { label.textContent = m.entity.name; }).catch(() => {});
    }
    const storyChip = h('span', null, 'story');
    if (filters.story) {
      active.push(['story', filters.story, storyChip]);
      api(path('stories', filters.story)).then(st => { storyChip.textContent = 'story: ' + st.label; }).catch(() => {});
    }
    if (filters.copies_of) active.push(['copies_of', filters.copies_of, 'copies of one article']);
    if (filters.copies) active.push(['copies', filters.copies, 'copies included']);
    const filterBar = h('div', { class: 'filters' },
      sourceSel,
      h('label', null, 'from'), dateInput('from'),
      h('label', null, 'to'), dateInput('to'),
      active.map(([k, v, label]) => h('span', { class: 'filter-chip' }, label,
        h('button', { type: 'button', title: 'Remove filter', 'aria-label': 'Remove filter', onclick: () => setParam(k, filters[k] instanceof Array ? filters[k].filter(x => x !== v) : '') }, '×'))),
      filters.copies || filters.copies_of ? null
        : h('a', { href: location.pathname + query({ ...Object.fromEntries(new URLSearchParams(location.search)), copies: 'true' }), 'data-nav': true, class: 'small', id: 'show-copies' }, 'Show copies too'),
      filtered ? nav('/', h('span', { class: 'clear' }, 'Clear filters')) : null);

    let pending = 0;
    const banner = h('button', { class: 'banner', type: 'button', hidden: true, onclick: () => route() });
    const heading = filters.copies_of ? 'Copies of an article' : filtered ? 'Matching articles' : 'Latest articles';
    const sideTop = h('div');
    const sideStories = h('div');
    // A search can be refined (facets), taken away (export) and looked
    // for among the quotes too.
    const asked = { ...filters };
    const exportHref = format => '/api/export' + query({ ...asked, format });
    const tools = filtered ? h('div', { class: 'tools', id: 'search-tools' },
      h('span', { class: 'small muted' }, 'Export these results:'),
      h('a', { href: exportHref('csv'), download: 'newsflow-articles.csv', id: 'export-csv', class: 'button' }, 'CSV'),
      h('a', { href: exportHref('jsonl'), download: 'newsflow-articles.jsonl', id: 'export-jsonl', class: 'button' }, 'JSON lines'),
      filters.q ? nav('/quotes' + query({ q: filters.q }), h('span', { id: 'search-quotes' }, 'Search quotes for “' + filters.q + '” →')) : null) : null;
    const facetsBox = h('div', { id: 'facets' }, h('p', { class: 'loading' }, 'Counting…'));
    const aside = filtered
      ? h('aside', null, h('div', { class: 'panel' }, h('h2', null, 'Refine'), facetsBox))
      : h('aside', null, h('div', { class: 'panel' }, h('h2', null, 'Most mentioned'), sideTop),
        h('div', { class: 'panel' }, h('h2', null, 'Active stories'), sideStories));
    app.replaceChildren(h('div', { class: 'layout' },
      h('section', null, h('h2', null, heading), filterBar, tools, banner, feed, more), aside));
    document.title = filters.q ? filters.q + ' · newsflow' : 'newsflow';

    onLive = (ev) => {
      if (ev.missed || filtered) {
        // With a filter, only the server knows whether the article matches.
        pending++;
        banner.textContent = plural(pending, 'new article') + ' stored. Show ' + (filtered ? 'updated results' : 'them');
        banner.hidden = false;
        return;
      }
      // A copy is listed once, on its original ("N copies" on reload).
      if (ev.article.duplicate_of && !filters.copies) return;
      const old = feed.querySelector('li[data-id="' + CSS.escape(ev.article.id) + '"]');
      if (old) old.remove();
      const empty = feed.querySelector('li.empty');
      if (empty) empty.remove();
      feed.prepend(card(ev.article, true));
    };

    if (filtered) {
      const addFilter = (k, v) => setParam(k, [...filters[k].filter(x => x !== v), v]);
      api('/facets', filters).then(f => {
        if (!current(seq)) return;
        facetsBox.replaceChildren(h('div', null,
          h('p', { class: 'small muted', id: 'facet-total' }, plural(f.total, 'matching article') + (f.capped ? ' (the newest counted)' : '')),
          f.sources.length ? [h('div', { class: 'group-title' }, 'Sources'),
            h('ul', { class: 'ent-list facet', 'data-facet': 'source' }, f.sources.map(s => h('li', null,
              h('a', { href: '#', onclick: ev => { ev.preventDefault(); addFilter('source', s.source); } }, s.source),
              h('span', { class: 'n' }, s.count))))] : null,
          f.types.map(t => [
            h('div', { class: 'group-title g-' + t.type }, TYPE_NAMES[t.type] || t.type, ' ', h('span', { class: 'n', title: 'articles mentioning one' }, t.count)),
            h('ul', { class: 'ent-list facet', 'data-facet': t.type }, t.entities.map(e => h('li', null,
              h('a', { href: '#', 'data-entity': e.id, onclick: ev => { ev.preventDefault(); addFilter('entity', e.id); } }, e.name || e.id),
              h('span', { class: 'n' }, e.count))))]),
          f.total ? null : h('p', { class: 'empty' }, 'Nothing to count.')));
      }).catch(err => facetsBox.replaceChildren(errorBox(err)));
    }

    api('/sources').then(({ sources }) => {
      if (!current(seq)) return;
      for (const s of sources) {
        sourceSel.append(h('option', { value: s.source, selected: filters.source.includes(s.source) }, s.source + ' (' + s.article_count + ')'));
      }
    }).catch(() => {});
    if (!filtered) Promise.all(['PERSON', 'ORG', 'LOC'].map(t => api('/entities', { type: t, limit: 6 }))).then(groups => {
      if (!current(seq)) return;
      groups.forEach((g, i) => {
        if (!g.entities.length) return;
        sideTop.append(h('div', { class: 'group-title g-' + TYPES[i] }, TYPE_NAMES[TYPES[i]]),
          h('ul', { class: 'ent-list' }, g.entities.map(e => h('li', null,
            nav('/' + query({ entity: e.id }), e.name), h('span', { class: 'n' }, e.mentions)))));
      });
      if (!sideTop.children.length) sideTop.append(h('p', { class: 'empty' }, 'No entities yet.'));
    }).catch(err => sideTop.append(errorBox(err)));
    if (!filtered) api('/stories', { limit: 8 }).then(({ stories }) => {
      if (!current(seq)) return;
      sideStories.append(stories.length ? h('ul', { class: 'ent-list' }, stories.map(s => h('li', null,
        nav(path('stories', s.id), s.label || s.title || 'untitled story'), h('span', { class: 'n', title: 'articles' }, s.article_count))))
        : h('p', { class: 'empty' }, 'No stories yet.'));
    }).catch(err => sideStories.append(errorBox(err)));
    await load();
  }

  // ---------- Article ----------

  // segments cuts text at the entity mentions and quotes, whose offsets
  // are UTF-8 byte offsets. A mention whose offsets do not match its text,
  // or that overlaps an earlier one, is not highlighted: bad offsets from
  // upstream must not garble the article.
  function segments(text, entities, quotes) {
    const bytes = new TextEncoder().encode(text);
    const dec = new TextDecoder();
    const ok = (s, e) => Number.isInteger(s) && Number.isInteger(e) && s >= 0 && s < e && e <= bytes.length;
    let spans = [];
    for (const ent of entities || []) {
      for (const m of ent.mentions || []) {
        if (ok(m.start, m.end) && dec.decode(bytes.subarray(m.start, m.end)) === m.text) spans.push({ start: m.start, end: m.end, ent });
      }
    }
    spans.sort((a, b) => a.start - b.start || b.end - a.end);
    const kept = [];
    for (const s of spans) if (!kept.length || s.start >= kept[kept.length - 1].end) kept.push(s);
    const qs = (quotes || []).filter(q => ok(q.start, q.end));
    const cuts = new Set([0, bytes.length]);
    for (const s of kept) { cuts.add(s.start); cuts.add(s.end); }
    for (const q of qs) { cuts.add(q.start); cuts.add(q.end); }
    const points = [...cuts].sort((a, b) => a - b);
    const out = [];
    let k = 0;
    for (let i = 0; i + 1 < points.length; i++) {
      const [a, b] = [points[i], points[i + 1]];
      while (k < kept.length && kept[k].end <= a) k++;
      const span = k < kept.length && kept[k].start <= a ? kept[k] : null;
      out.push({ text: dec.decode(bytes.subarray(a, b)), span, quote: qs.some(q => q.start <= a && b <= q.end) });
    }
    return out;
  }

  function articleText(a) {
    const box = h('div', { class: 'text', id: 'text' });
    let p = h('p');
    box.append(p);
    const marks = new Map();
    for (const seg of segments(a.text || '', a.entities, a.quotes)) {
      const parts = seg.text.split(/\n\s*\n/);
      parts.forEach((part, i) => {
        if (i > 0) { p = h('p'); box.append(p); }
        if (!part) return;
        if (seg.span) {
          let mark = marks.get(seg.span);
          if (!mark || mark.parentNode !== p) {
            const e = seg.span.ent;
            mark = h('mark', { class: 'ent t-' + e.type + (seg.quote ? ' in-quote' : ''), title: e.name + ' · ' + (TYPE_LABEL[e.type] || e.type),
              'data-entity': e.id, tabindex: 0, role: 'link', onclick: () => go(path('entities', e.id)),
              onkeydown: ev => { if (ev.key === 'Enter') go(path('entities', e.id)); } });
            marks.set(seg.span, mark);
            p.append(mark);
          }
          mark.append(part);
        } else if (seg.quote) {
          p.append(h('mark', { class: 'quote' }, part));
        } else {
          p.append(part);
        }
      });
    }
    return box;
  }

  async function viewArticle({ seq, arg }) {
    const a = await api(path('articles', arg));
    if (!current(seq)) return;
    document.title = (a.title || 'Article') + ' · newsflow';
    const text = articleText(a);
    const byType = {};
    for (const e of a.entities || []) (byType[e.type] = byType[e.type] || []).push(e);
    const legend = h('div', { class: 'legend', 'aria-label': 'Highlight entity types' }, TYPES.filter(t => byType[t]).map(t =>
      h('button', { type: 'button', class: 't-' + t, 'aria-pressed': 'true', onclick: (ev) => {
        const off = text.classList.toggle('hide-' + t);
        ev.currentTarget.classList.toggle('off', off);
        ev.currentTarget.setAttribute('aria-pressed', String(!off));
      } }, TYPE_NAMES[t] + ' ' + byType[t].length)));
    const pub = a.published_at || a.fetched_at;
    const head = h('div', { class: 'article-head' },
      h('h1', { id: 'title' }, a.title || '(untitled)'),
      h('div', { class: 'meta' },
        a.source ? nav('/' + query({ source: a.source }), a.source) : null,
        pub ? h('time', { datetime: pub }, when(pub)) : null,
        a.authors && a.authors.length ? h('span', null, 'by ' + a.authors.join(', ')) : null,
        a.story_id ? nav(path('stories', a.story_id), h('span', { id: 'story-link' }, 'The whole story →')) : null,
        a.duplicate_of ? nav(path('articles', a.duplicate_of), 'A copy of another article') : null,
        a.url ? h('a', { href: a.url, rel: 'noopener noreferrer nofollow', target: '_blank' }, 'Original ↗') : null),
      a.summary ? h('p', { class: 'lede' }, a.summary) : null);

    const quotes = (a.quotes || []).length
      ? h('ul', { class: 'quotes', id: 'quotes' }, a.quotes.map(q => h('li', null,
        h('blockquote', null, '“' + q.text + '”'),
        h('div', { class: 'who' }, '— ', q.speaker_id ? nav(path('entities', q.speaker_id), q.speaker || q.speaker_id) : (q.speaker || 'unattributed'), q.speaker_title ? ', ' + q.speaker_title : ''))))
      : h('p', { class: 'empty' }, 'No quotes.');
    const entities = h('div', null, TYPES.filter(t => byType[t]).map(t => [
      h('div', { class: 'group-title g-' + t }, TYPE_NAMES[t]),
      h('ul', { class: 'ent-list' }, byType[t].slice().sort((x, y) => (y.count || 0) - (x.count || 0)).map(e =>
        h('li', null, nav(path('entities', e.id), e.name), h('span', { class: 'n' }, '×' + (e.count || (e.mentions || []).length))))),
    ]));
    const extras = [];
    if ((a.keywords || []).length) extras.push(h('div', { class: 'panel' }, h('h2', null, 'Keywords'), h('div', { class: 'chips' }, a.keywords.map(k => h('span', { class: 'chip kw' }, k.text)))));
    if ((a.dates || []).length) extras.push(h('div', { class: 'panel' }, h('h2', null, 'Dates mentioned'), h('ul', { class: 'ent-list' }, a.dates.map(d => h('li', null, d.text, h('span', { class: 'n' }, d.value))))));

    if (a.story_id) {
      api(path('stories', a.story_id)).then(st => {
        const el = document.getElementById('story-link');
        if (current(seq) && el) el.textContent = 'The whole story: ' + st.label + ' →';
      }).catch(() => {});
    }
    app.replaceChildren(h('div', { class: 'layout' },
      h('article', { class: 'panel' }, head, legend, text),
      h('aside', null,
        h('div', { class: 'panel' }, h('h2', null, 'Quotes'), quotes),
        h('div', { class: 'panel' }, h('h2', null, 'Entities'), (a.entities || []).length ? entities : h('p', { class: 'empty' }, 'No entities.')),
        extras)));
  }

  // ---------- Entities ----------

  // The entities page ranks who is in the news over a period of article
  // time (publication time): from and to dates, or a preset counted back
  // from the newest article stored, so an archive of 2022 shows 2022.
  async function viewEntities({ seq, params }) {
    const type = (params.get('type') || '').toUpperCase();
    const name = params.get('q') || '';
    const period = params.get('period') || '';
    const set = (k, v, drop = []) => {
      const p = new URLSearchParams(location.search);
      if (v) p.set(k, v); else p.delete(k);
      for (const d of drop) p.delete(d);
      const s = p.toString();
      go('/entities' + (s ? '?' + s : ''));
    };
    let from = params.get('from') || '';
    let to = params.get('to') || '';
    let anchor = null;
    if (period) {
      const { articles } = await api('/articles', { limit: 1 });
      if (!current(seq)) return;
      anchor = articles.length ? new Date(articles[0].at) : new Date();
      // Whole days, through the newest article's day.
      const end = new Date(Date.UTC(anchor.getUTCFullYear(), anchor.getUTCMonth(), anchor.getUTCDate() + 1));
      from = new Date(end.getTime() - Number(period) * 86400000).toISOString().slice(0, 10);
      to = new Date(end.getTime() - 86400000).toISOString().slice(0, 10);
    }
    const tbody = h('tbody');
    const limit = 50;
    const { more, load } = pager(tbody, async (cursor) => {
      const offset = Number(cursor || 0);
      const { entities } = await api('/entities', { type, q: name, from, to, limit, offset });
      return { items: entities, next: entities.length === limit ? String(offset + limit) : null };
    }, e => h('tr', null,
      h('td', null, chip(e)), h('td', null, typeTag(e.type)),
      h('td', { class: 'num' }, e.article_count), h('td', { class: 'num' }, e.mentions),
      h('td', { class: 'muted small' }, when(e.last_seen))), seq);
    let typing;
    const dateInput = (k, v) => h('input', { type: 'date', value: v, 'aria-label': k, id: 'entities-' + k,
      onchange: ev => set(k, ev.target.value, ['period']) });
    app.replaceChildren(h('section', { class: 'panel' },
      h('h1', null, 'Entities'),
      h('div', { class: 'tabs' },
        [['', 'All'], ...TYPES.map(t => [t, TYPE_NAMES[t]])].map(([t, label]) =>
          h('button', { type: 'button', class: t === type ? 'active' : '', onclick: () => set('type', t) }, label)),
        h('select', { 'aria-label': 'Period', id: 'entities-period', onchange: e => set('period', e.target.value, ['from', 'to']) },
          [['', from || to ? 'Dates' : 'All time'], ['1', 'Latest day'], ['7', 'Latest 7 days'], ['30', 'Latest 30 days'], ['365', 'Latest year']].map(([v, l]) =>
            h('option', { value: v, selected: v === period }, l))),
        h('label', { class: 'small muted' }, 'from'), dateInput('from', from),
        h('label', { class: 'small muted' }, 'to'), dateInput('to', to),
        h('input', { type: 'search', placeholder: 'Filter by name', value: name, 'aria-label': 'Filter by name',
          oninput: e => { clearTimeout(typing); typing = setTimeout(() => set('q', e.target.value.trim()), 350); } })),
      anchor ? h('p', { class: 'small muted', id: 'period-note' }, 'Articles published ' + day(from) + ' – ' + day(to) +
        ', the days up to the newest article stored.') : null,
      h('table', { class: 'grid' },
        h('thead', null, h('tr', null, h('th', null, 'Name'), h('th', null, 'Type'), h('th', { class: 'num' }, 'Articles'),
          h('th', { class: 'num' }, 'Mentions'), h('th', null, 'Last seen'))),
        tbody),
      more));
    document.title = 'Entities · newsflow';
    await load();
  }

  // ---------- charts ----------

  const SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, ...kids) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
    for (const kid of kids.flat(Infinity)) if (kid != null) el.append(kid instanceof Node ? kid : String(kid));
    return el;
  }

  // bins groups an entity's per-day counts into days, weeks or months,
  // whichever gives a readable number of bars, with the empty ones in
  // between, so the x axis is time.
  function bins(timeline) {
    if (!timeline.length) return { unit: 'day', bars: [] };
    const first = new Date(timeline[0].day + 'T00:00:00Z');
    const last = new Date(timeline[timeline.length - 1].day + 'T00:00:00Z');
    const days = Math.round((last - first) / 86400000) + 1;
    const unit = days <= 92 ? 'day' : days <= 700 ? 'week' : 'month';
    const start = d => {
      if (unit === 'day') return d;
      if (unit === 'week') return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86400000);
      return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
    };
    const step = d => unit === 'day' ? new Date(d.getTime() + 86400000)
      : unit === 'week' ? new Date(d.getTime() + 7 * 86400000)
        : new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
    const bars = [];
    const index = new Map();
    for (let d = start(first); d <= last; d = step(d)) {
      const key = d.toISOString().slice(0, 10);
      index.set(key, bars.length);
      bars.push({ key, start: d, articles: 0, mentions: 0 });
    }
    for (const c of timeline) {
      const b = bars[index.get(start(new Date(c.day + 'T00:00:00Z')).toISOString().slice(0, 10))];
      b.articles += c.articles;
      b.mentions += c.mentions;
    }
    return { unit, bars };
  }

  const monthFmt = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
  const dayFmtUTC = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

  // mentionsChart draws mentions over time as bars (SVG built node by
  // node: no markup from data), each with its count in a tooltip.
  function mentionsChart(timeline) {
    const { unit, bars } = bins(timeline || []);
    if (!bars.length) return h('p', { class: 'empty' }, 'No dated mentions.');
    const W = 640, H = 180, left = 36, bottom = 22, top = 8;
    const max = Math.max(...bars.map(b => b.mentions), 1);
    const bw = (W - left - 4) / bars.length;
    const y = v => top + (H - top - bottom) * (1 - v / max);
    const label = b => (unit === 'month' ? monthFmt.format(b.start) : (unit === 'week' ? 'week of ' : '') + dayFmtUTC.format(b.start));
    const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', id: 'mentions-chart', role: 'img',
      'aria-label': 'Mentions per ' + unit, 'data-unit': unit },
      svg('line', { x1: left, x2: W - 4, y1: y(0), y2: y(0), class: 'axis' }),
      svg('text', { x: left - 6, y: y(max) + 4, 'text-anchor': 'end', class: 'tick' }, max),
      svg('text', { x: left - 6, y: y(0), 'text-anchor': 'end', class: 'tick' }, 0),
      svg('text', { x: left, y: H - 6, class: 'tick' }, label(bars[0])),
      bars.length > 1 ? svg('text', { x: W - 4, y: H - 6, 'text-anchor': 'end', class: 'tick' }, label(bars[bars.length - 1])) : null,
      bars.map((b, i) => svg('rect', { x: left + i * bw + (bw > 3 ? 1 : 0), y: y(b.mentions), width: Math.max(bw - (bw > 3 ? 2 : 0), 1),
        height: y(0) - y(b.mentions), class: 'bar', 'data-day': b.key, 'data-mentions': b.mentions },
      svg('title', null, label(b) + ': ' + plural(b.mentions, 'mention') + ' in ' + plural(b.articles, 'article')))));
    return h('figure', { class: 'chart-box' }, chart,
      h('figcaption', { class: 'small muted' }, 'Mentions per ' + unit + ', by publication date'));
  }

  async function viewEntity({ seq, arg }) {
    const e = await api(path('entities', arg));
    if (!current(seq)) return;
    document.title = e.name + ' · newsflow';
    const feed = h('ul', { class: 'feed' });
    for (const a of e.articles.articles) feed.append(card(a, false));
    let next = e.articles.next;
    const more = h('button', { class: 'more', type: 'button', hidden: !next, onclick: async () => {
      const page = await api('/articles', { entity: e.id, cursor: next });
      for (const a of page.articles) feed.append(card(a, false));
      next = page.next;
      more.hidden = !next;
    } }, 'Load more');
    app.replaceChildren(h('div', { class: 'layout' },
      h('section', null,
        h('div', { class: 'panel' },
          h('h1', { id: 'entity-name' }, e.name, ' ', typeTag(e.type)),
          h('div', { class: 'stat-row' },
            h('div', { class: 'stat' }, h('b', null, e.article_count), 'articles'),
            h('div', { class: 'stat' }, h('b', null, e.mentions), 'mentions'),
            h('div', { class: 'stat' }, h('b', null, day(e.last_seen)), 'last seen')),
          e.names.length > 1 ? h('p', { class: 'small muted' }, 'Written as: ', e.names.map((n, i) => [i ? ', ' : '', h('b', null, n.text), ' (' + n.count + ')'])) : null,
          h('p', { class: 'small' }, nav('/' + query({ entity: e.id }), 'Search articles mentioning ' + e.name + ' →'),
            e.type === 'PERSON' ? [' · ', nav('/quotes' + query({ speaker: e.id }), 'Quotes by ' + e.name + ' →')] : null)),
        h('div', { class: 'panel' }, h('h2', null, 'Mentions over time'), mentionsChart(e.timeline)),
        h('h2', { class: 'section-title' }, 'Articles'), feed, more),
      h('aside', null,
        h('div', { class: 'panel' }, h('h2', null, 'Quotes'), e.quotes.length
          ? h('ul', { class: 'quotes' }, e.quotes.map(q => h('li', null, h('blockquote', null, '“' + q.text + '”'),
            h('div', { class: 'who' }, nav(path('articles', q.article_id), q.article_title || q.article_id), ' · ', day(q.at)))))
          : h('p', { class: 'empty' }, 'No quotes attributed.')),
        h('div', { class: 'panel' }, h('h2', null, 'Appears with'), e.related.length
          ? h('div', { class: 'chips' }, e.related.map(r => chip(r, r.shared_articles)))
          : h('p', { class: 'empty' }, 'Nobody yet.')))));
  }

  // ---------- Quotes ----------

  // Search inside quotes: by what was said and by who said it.
  async function viewQuotes({ seq, params }) {
    const q = params.get('q') || '';
    const speaker = params.get('speaker') || '';
    const list = h('ul', { class: 'quotes feed', id: 'quote-results' });
    const { more, load } = pager(list, async (cursor) => {
      const page = await api('/quotes', { q, speaker, limit: 30, offset: cursor || 0 });
      return { items: page.quotes, next: page.next ? String(page.next) : null };
    }, x => h('li', { class: 'card' }, h('blockquote', null, '“' + x.text + '”'),
      h('div', { class: 'who' }, '— ', x.speaker_id ? nav(path('entities', x.speaker_id), x.speaker || x.speaker_id) : (x.speaker || 'unattributed'),
        x.speaker_title ? ', ' + x.speaker_title : '', ' · ', nav(path('articles', x.article_id), x.article_title || x.article_id), ' · ', day(x.at))), seq);
    const form = h('form', { class: 'filters', id: 'quote-search', onsubmit: ev => {
      ev.preventDefault();
      const f = new FormData(ev.target);
      go('/quotes' + query({ q: String(f.get('q')).trim(), speaker: String(f.get('speaker')).trim() }));
    } },
    h('input', { type: 'search', name: 'q', value: q, placeholder: 'Words said', 'aria-label': 'Words said' }),
    h('input', { type: 'search', name: 'speaker', value: speaker, placeholder: 'Speaker', 'aria-label': 'Speaker' }),
    h('button', { type: 'submit' }, 'Search quotes'));
    app.replaceChildren(h('section', null, h('div', { class: 'panel' }, h('h1', null, 'Quotes'), form,
      q ? h('p', { class: 'small' }, nav('/' + query({ q }), 'Articles matching “' + q + '” →')) : null), list, more));
    document.title = 'Quotes · newsflow';
    await load();
  }

  // ---------- Stories ----------

  // keyEntities shows a story's key people, organisations and places, each
  // with the number of the story's articles mentioning them.
  function keyEntities(s, id) {
    const byType = {};
    for (const e of s.entities || []) (byType[e.type] = byType[e.type] || []).push(e);
    const groups = TYPES.filter(t => byType[t]);
    if (!groups.length) return h('p', { class: 'empty' }, 'No people, organisations or places named.');
    return h('div', { id }, groups.map(t => h('div', { class: 'key-group', 'data-type': t },
      h('span', { class: 'group-title g-' + t }, TYPE_NAMES[t]),
      h('span', { class: 'chips' }, byType[t].map(e => chip(e, e.article_count))))));
  }

  async function viewStories({ seq }) {
    const tbody = h('tbody');
    const { more, load } = pager(tbody, async (cursor) => {
      const page = await api('/stories', { limit: 50, cursor });
      return { items: page.stories, next: page.next };
    }, s => h('tr', null,
      h('td', null, h('div', null, nav(path('stories', s.id), h('b', null, s.label || s.title || 'untitled story'))),
        h('div', { class: 'chips small' }, (s.entities || []).slice(0, 6).map(e => chip(e)))),
      h('td', { class: 'num' }, s.article_count),
      h('td', { class: 'num' }, s.source_count),
      h('td', { class: 'num muted' }, s.copy_count || ''),
      h('td', { class: 'muted small' }, day(s.first_at)),
      h('td', { class: 'muted small' }, when(s.last_at))), seq);
    app.replaceChildren(h('section', { class: 'panel' }, h('h1', null, 'Stories'),
      h('table', { class: 'grid' }, h('thead', null, h('tr', null, h('th', null, 'Story'), h('th', { class: 'num' }, 'Articles'),
        h('th', { class: 'num' }, 'Sources'), h('th', { class: 'num' }, 'Copies'),
        h('th', null, 'Started'), h('th', null, 'Last update'))), tbody), more));
    document.title = 'Stories · newsflow';
    await load();
  }

  // A story reads like a timeline: what it is about (label, summary, who
  // and where), then its articles in the order they were published, each
  // with its source, headline and key entities. Copies are listed once,
  // on their original, as "N copies".
  async function viewStory({ seq, arg }) {
    const s = await api(path('stories', arg));
    if (!current(seq)) return;
    const label = s.label || s.title || 'Untitled story';
    document.title = label + ' · newsflow';
    const stat = (n, what) => h('div', { class: 'stat' }, h('b', null, n), what);
    app.replaceChildren(h('div', { class: 'layout' },
      h('section', { class: 'panel' },
        h('h1', { id: 'story-title' }, label),
        s.summary ? h('p', { class: 'lede', id: 'story-summary' }, s.summary) : null,
        h('div', { class: 'stat-row', id: 'story-stats' },
          stat(s.article_count, s.article_count === 1 ? 'article' : 'articles'),
          stat(s.source_count, s.source_count === 1 ? 'source' : 'sources'),
          s.copy_count ? h('div', { class: 'stat' }, h('b', null, s.copy_count),
            nav('/' + query({ story: s.id, copies: 'true' }), s.copy_count === 1 ? 'copy' : 'copies')) : null,
          stat(day(s.first_at), 'first seen'),
          stat(day(s.last_at), 'last seen')),
        keyEntities(s, 'story-entities'),
        h('h2', { class: 'section-title' }, 'Timeline'),
        h('ol', { class: 'timeline' }, s.articles.map(a => h('li', { 'data-id': a.id, class: a.id === s.lead_article_id ? 'lead' : null },
          h('div', { class: 'small muted' }, h('time', { datetime: a.at }, when(a.at)),
            a.source ? [' · ', h('span', { class: 'source' }, a.source)] : null,
            a.copies ? [' · ', copiesLink(a)] : null),
          h('div', null, h('b', null, nav(path('articles', a.id), a.title || '(untitled)'))),
          h('div', { class: 'chips small' }, (a.entities || []).slice(0, 5).map(e => chip(e))))))),
      h('aside', null,
        h('div', { class: 'panel' }, h('h2', null, 'Most mentioned'), h('div', { class: 'chips' }, (s.mentioned || []).map(e => chip(e, e.mentions)))),
        h('div', { class: 'panel' }, h('h2', null, 'Quotes'), s.quotes.length
          ? h('ul', { class: 'quotes' }, s.quotes.map(q => h('li', null, h('blockquote', null, '“' + q.text + '”'),
            h('div', { class: 'who' }, '— ', q.speaker_id ? nav(path('entities', q.speaker_id), q.speaker || q.speaker_id) : (q.speaker || 'unattributed'), q.speaker_title ? ', ' + q.speaker_title : ''))))
          : h('p', { class: 'empty' }, 'No quotes.')))));
  }

  // ---------- live updates ----------

  const liveEl = document.getElementById('live');
  const countEl = document.getElementById('count');
  // The count is re-read after commits (at most once a second), so it is
  // right however many events this page missed.
  let countTimer = null;
  function refreshCount(delay = 1000) {
    if (countTimer) return;
    countTimer = setTimeout(() => {
      countTimer = null;
      api('/stats').then(s => { countEl.textContent = s.articles.toLocaleString('en-GB') + ' articles'; }).catch(() => {});
    }, delay);
  }
  function setLive(on) {
    liveEl.classList.toggle('on', on);
    liveEl.classList.toggle('off', !on);
    liveEl.textContent = on ? 'live' : 'reconnecting';
  }

  function connect() {
    const es = new EventSource('/api/events');
    let connectedBefore = false;
    let lastId = '';
    es.addEventListener('ready', (msg) => {
      setLive(true);
      refreshCount(0);
      // Back after a drop, EventSource resumes after the last event id it
      // saw and the server replays what was stored meanwhile; when it
      // cannot (a restart, too long away) or there was no id yet, the list
      // is reloaded instead.
      let gap = true;
      try { gap = JSON.parse(msg.data).gap; } catch (_) {}
      if (connectedBefore && (gap || !lastId) && location.pathname === '/') route();
      connectedBefore = true;
    });
    es.addEventListener('article', (msg) => {
      let ev;
      try { ev = JSON.parse(msg.data); } catch (_) { return; }
      lastId = msg.lastEventId;
      refreshCount();
      if (onLive) onLive(ev);
    });
    es.addEventListener('error', () => setLive(false));
  }

  connect();
  route();
})();
