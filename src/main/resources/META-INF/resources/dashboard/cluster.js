// The /cluster page: renders each snapshot the store pushes over server-sent events (no reloads). Text only
// through textContent, styles only through classes and data attributes: the page runs under a strict CSP.
(function () {
  'use strict';
  const MODES = {
    READ_WRITE: ['READ-WRITE', 'rentals and browsing work'],
    READ_ONLY: ['READ-ONLY', 'no primary: rentals paused, browsing goes on'],
    UNAVAILABLE: ['UNAVAILABLE', 'no node answers'],
  };
  const banner = document.getElementById('mode-banner');
  const connection = document.getElementById('connection');
  const sparks = {};

  function set(card, field, text) {
    const el = card.querySelector('[data-field="' + field + '"]');
    if (el && el.textContent !== text) el.textContent = text;
  }

  function bytes(n) {
    if (n === null || n === undefined) return '–';
    // a no-break space: on a phone "0 B" wrapped before its unit
    if (n < 1024) return n + '\u00a0B';
    if (n < 1048576) return (n / 1024).toFixed(1) + '\u00a0kB';
    if (n < 1073741824) return (n / 1048576).toFixed(1) + '\u00a0MB';
    return (n / 1073741824).toFixed(2) + '\u00a0GB';
  }

  function clock(ms) {
    const d = new Date(ms);
    return d.toLocaleTimeString([], { hour12: false }) + '.' + String(d.getMilliseconds()).padStart(3, '0');
  }

  function renderMode(snapshot) {
    const [text, detail] = MODES[snapshot.mode] || [snapshot.mode, ''];
    if (banner.dataset.mode !== snapshot.mode) {
      banner.dataset.mode = snapshot.mode;
      // when this page showed the change, and what the store's view said (tests compare both with the fault)
      banner.dataset.changedAt = String(Date.now());
      banner.dataset.checkedAt = String(snapshot.checkedAt);
    }
    document.getElementById('mode-text').textContent = text;
    document.getElementById('mode-detail').textContent =
      (snapshot.primary ? '· writes go to ' + snapshot.primary + ' · ' : '· ') + detail +
      ' · catalog reads from the ' + snapshot.readsFrom;
  }

  function renderCard(node) {
    const card = document.querySelector('.node-card[data-node="' + node.name + '"]');
    if (!card) return;
    card.dataset.role = node.role;
    set(card, 'role', node.role);
    set(card, 'state', node.state + (node.role === 'standby' && !node.servesReads ? ' · not serving reads' : ''));
    set(card, 'timeline', node.timeline === null ? '–' : String(node.timeline));
    set(card, 'reads', node.readsPerSecond.toFixed(1));
    set(card, 'received', node.receivedLsn || '–');
    set(card, 'replayed', node.replayedLsn || '–');
    set(card, 'lag', node.role !== 'standby' ? '–'
      : bytes(node.lagBytes) + ' · ' + (node.lagSeconds === null ? '–' : node.lagSeconds.toFixed(1) + ' s'));
    set(card, 'slot', !node.slot ? '–'
      : (node.slotActive ? 'active' : 'INACTIVE') + (node.walRetainedBytes === null ? '' : ' · keeps ' + bytes(node.walRetainedBytes)));
    // a primary replays nothing: no lag chart on its card (back when it is a standby again)
    card.querySelector('[data-spark="lag"]').closest('.spark').hidden = node.role === 'primary';
    drawSpark(card, node.name + ':lag', 'lag', node.trend.at, node.trend.lagBytes, '#3c6fb4');
    drawSpark(card, node.name + ':reads', 'reads', node.trend.at, node.trend.readsPerSecond, '#1f7a3a');
  }

  function drawSpark(card, key, kind, at, values, colour) {
    if (typeof uPlot === 'undefined') return;
    const el = card.querySelector('[data-spark="' + kind + '"]');
    const data = [at.map((t) => t / 1000), values.map((v) => (v === null ? null : v))];
    const width = Math.max(120, el.clientWidth);
    let plot = sparks[key];
    if (!plot) {
      plot = new uPlot({
        width: width, height: 42, legend: { show: false }, cursor: { show: false }, select: { show: false },
        scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max)] } },
        axes: [{ show: false }, { show: false }],
        series: [{}, { stroke: colour, width: 2, fill: colour + '22', spanGaps: false }],
      }, data, el);
      sparks[key] = plot;
    } else {
      if (plot.width !== width) plot.setSize({ width: width, height: 42 });
      plot.setData(data);
    }
  }

  function renderEvents(events) {
    const list = document.getElementById('events');
    const last = list.firstElementChild ? Number(list.firstElementChild.dataset.at) : -1;
    const fresh = events.filter((e) => e.at > last || list.childElementCount === 0);
    if (list.childElementCount === 0 || fresh.length) {
      list.replaceChildren(...events.slice().reverse().map((e) => {
        const li = document.createElement('li');
        li.dataset.type = e.type;
        li.dataset.at = String(e.at);
        const time = document.createElement('time');
        time.dateTime = new Date(e.at).toISOString();
        time.textContent = clock(e.at);
        const text = document.createElement('span');
        text.textContent = e.message;
        li.append(time, text);
        return li;
      }));
    }
  }

  function render(snapshot) {
    renderMode(snapshot);
    snapshot.nodes.forEach(renderCard);
    renderEvents(snapshot.events);
    connection.dataset.state = 'live';
    connection.textContent = 'live · ' + clock(snapshot.checkedAt);
  }

  function connect() {
    const source = new EventSource('/cluster/stream');
    source.onmessage = (message) => render(JSON.parse(message.data));
    source.onerror = () => {
      connection.dataset.state = 'lost';
      connection.textContent = 'reconnecting…';
    };
  }

  // Demo controls: post the form in the background and say what came of it; the timeline shows the effect.
  document.querySelectorAll('.demo-form').forEach((form) => {
    form.addEventListener('submit', async (submit) => {
      submit.preventDefault();
      const result = document.getElementById('control-result');
      const label = form.action.split('/').pop() + ' ' + form.elements.node.value;
      result.dataset.outcome = 'pending';
      result.textContent = label + '…';
      try {
        const response = await fetch(form.action, { method: 'POST', body: new URLSearchParams(new FormData(form)),
          headers: { Accept: 'application/json' }, credentials: 'same-origin' });
        if (response.ok) {
          result.dataset.outcome = 'done';
          result.textContent = label + ': done';
        } else {
          const body = await response.json().catch(() => ({ message: response.statusText }));
          result.dataset.outcome = 'refused';
          result.textContent = label + ': ' + body.message;
        }
      } catch (e) {
        result.dataset.outcome = 'refused';
        result.textContent = label + ': ' + e.message;
      }
    });
  });

  connect();
})();
