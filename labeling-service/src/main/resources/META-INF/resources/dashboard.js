// The loop's dashboard: polls GET api/v1/dashboard every 2 s and redraws. Plots are inline SVG
// drawn here (no library); all data goes into the page through textContent and SVG attributes.
'use strict';

(() => {
  const POLL_MS = 2000;
  const SVG = 'http://www.w3.org/2000/svg';
  const $ = (id) => document.getElementById(id);
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  };
  const svg = (tag, attrs) => {
    const e = document.createElementNS(SVG, tag);
    Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, String(v)));
    return e;
  };
  const num = (x, digits = 3) => (x === null || x === undefined ? '–' : Number(x).toFixed(digits).replace(/\.?0+$/, '') || '0');
  const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '–');

  // Metrics shown first, in this order, when present; every other metric follows by name.
  const PREFERRED = ['objective/scores', 'reward/mean', 'objective/kl', 'eval/win_rate', 'objective/entropy', 'policy/clipfrac'];
  const LABELS = { 'objective/scores': 'reward (mean score)', 'reward/mean': 'reward (mean)', 'objective/kl': 'KL to reference', 'eval/win_rate': 'win rate vs reference' };

  function row(cells) {
    const tr = el('tr');
    cells.forEach((c) => tr.append(el('td', null, c)));
    return tr;
  }

  /** A line chart of points {x: ms, y, label} with min/max ticks; a point's label is its tooltip. */
  function chart(title, points, id) {
    const W = 320, H = 160, L = 48, R = 10, T = 10, B = 28;
    const box = el('figure', 'chart');
    box.id = id;
    box.append(el('figcaption', null, title));
    const s = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': title });
    const ps = points.filter((p) => p.y !== null && p.y !== undefined && isFinite(p.y));
    if (ps.length === 0) {
      const t = svg('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'axis' });
      t.textContent = 'not measured yet';
      s.append(t);
      box.append(s);
      return box;
    }
    let [x0, x1] = [Math.min(...ps.map((p) => p.x)), Math.max(...ps.map((p) => p.x))];
    let [y0, y1] = [Math.min(...ps.map((p) => p.y)), Math.max(...ps.map((p) => p.y))];
    if (x0 === x1) { x0 -= 1; x1 += 1; }
    if (y0 === y1) { const d = Math.abs(y0) * 0.1 || 1; y0 -= d; y1 += d; }
    const sx = (x) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
    const sy = (y) => H - B - ((y - y0) / (y1 - y0)) * (H - T - B);
    s.append(svg('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'axis-line' }));
    s.append(svg('line', { x1: L, y1: T, x2: L, y2: H - B, class: 'axis-line' }));
    [[y1, sy(y1) + 4], [y0, sy(y0)]].forEach(([v, y]) => {
      const t = svg('text', { x: L - 4, y, 'text-anchor': 'end', class: 'axis' });
      t.textContent = num(v);
      s.append(t);
    });
    [[x0, 'start'], [x1, 'end']].forEach(([v, anchor]) => {
      const t = svg('text', { x: sx(v), y: H - 8, 'text-anchor': anchor, class: 'axis' });
      t.textContent = new Date(v).toLocaleTimeString();
      s.append(t);
    });
    s.append(svg('polyline', { points: ps.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' '), class: 'series' }));
    ps.forEach((p) => {
      const c = svg('circle', { cx: sx(p.x).toFixed(1), cy: sy(p.y).toFixed(1), r: 3, class: 'point' });
      const tip = svg('title');
      tip.textContent = `${p.label}: ${num(p.y, 4)}`;
      c.append(tip);
      s.append(c);
    });
    box.append(s);
    return box;
  }

  function render(d) {
    const p = d.currentPolicy;
    $('policy-version').textContent = p ? 'v' + p.version : 'none yet';
    $('policy-parent').textContent = p ? 'v' + p.parentVersion : '–';
    $('policy-rm').textContent = p ? 'v' + p.rewardModelVersion : '–';
    $('policy-published').textContent = p ? new Date(p.publishedAt).toLocaleString() : '–';
    $('policy-checkpoint').textContent = p ? p.checkpointUri : '–';
    const rm = d.rewardModels.length ? d.rewardModels[d.rewardModels.length - 1] : null;
    $('rm-current').textContent = rm ? `v${rm.version} · held-out accuracy ${num(rm.heldoutAccuracy)} on ${rm.heldoutPairs} pairs` : '–';
    $('lineage').tBodies[0].replaceChildren(...(p ? p.lineage : []).map((r) =>
      row([r.topic, r.partition, `${r.fromOffset}–${r.toOffset}`, r.toOffset - r.fromOffset + 1])));

    const names = [...PREFERRED.filter((n) => d.metricNames.includes(n)), ...d.metricNames.filter((n) => !PREFERRED.includes(n))];
    const charts = names.map((n) => chart('policy · ' + (LABELS[n] || n),
      d.policies.map((v) => ({ x: Date.parse(v.publishedAt), y: v.metrics[n], label: 'v' + v.version })), 'chart-' + n.replace(/[^a-z0-9]+/gi, '-')));
    charts.push(chart('reward model · held-out accuracy',
      d.rewardModels.map((v) => ({ x: Date.parse(v.publishedAt), y: v.heldoutAccuracy, label: 'RM v' + v.version })), 'chart-rm-accuracy'));
    const rmNames = [...new Set(d.rewardModels.flatMap((v) => Object.keys(v.metrics)))].sort();
    rmNames.forEach((n) => charts.push(chart('reward model · ' + n,
      d.rewardModels.map((v) => ({ x: Date.parse(v.publishedAt), y: v.metrics[n], label: 'RM v' + v.version })),
      'chart-rm-' + n.replace(/[^a-z0-9]+/gi, '-'))));
    $('charts').replaceChildren(...charts);

    $('topics').tBodies[0].replaceChildren(...d.topics.map((t) => {
      const lag = Object.entries(t.lagByGroup).map(([g, n]) => `${g}: ${n}`).join(', ') || '–';
      const tr = row([t.topic, t.endOffset, t.recordsPerSecond === null ? '–' : t.recordsPerSecond.toFixed(1), lag]);
      tr.dataset.topic = t.topic;
      return tr;
    }));
    $('offsets-at').textContent = d.offsetsAt ? 'sampled ' + time(d.offsetsAt) : 'topics not sampled yet';

    const sources = [...new Set(Object.values(d.feedbackCounts).flatMap((bySource) => Object.keys(bySource)))].sort();
    const head = el('tr');
    ['kind', ...sources, 'all'].forEach((h) => head.append(el('th', null, h)));
    $('feedback-counts').tHead.replaceChildren(head);
    $('feedback-counts').tBodies[0].replaceChildren(...Object.entries(d.feedbackCounts).map(([kind, bySource]) => {
      const tr = row([kind, ...sources.map((s) => bySource[s] || 0), Object.values(bySource).reduce((a, b) => a + b, 0)]);
      tr.dataset.kind = kind;
      return tr;
    }));
    $('feedback-total').textContent = `${d.feedbackTotal} events`;

    const ph = el('tr');
    ['version', 'published', 'parent', 'RM', ...names].forEach((h) => ph.append(el('th', null, h)));
    $('policies').tHead.replaceChildren(ph);
    $('policies').tBodies[0].replaceChildren(...d.policies.slice().reverse().map((v) => {
      const tr = row(['v' + v.version, time(v.publishedAt), 'v' + v.parentVersion, 'v' + v.rewardModelVersion, ...names.map((n) => num(v.metrics[n]))]);
      tr.dataset.version = String(v.version);
      return tr;
    }));
    $('reward-models').tBodies[0].replaceChildren(...d.rewardModels.slice().reverse().map((v) =>
      row(['v' + v.version, time(v.publishedAt), num(v.heldoutAccuracy), v.heldoutPairs])));
  }

  async function poll() {
    try {
      const response = await fetch('api/v1/dashboard', { cache: 'no-store' });
      if (!response.ok) throw new Error('HTTP ' + response.status);
      render(await response.json());
      $('live').textContent = 'live · updated ' + new Date().toLocaleTimeString();
      $('live').classList.remove('error');
    } catch (e) {
      $('live').textContent = 'disconnected (' + e.message + '); retrying';
      $('live').classList.add('error');
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }

  poll();
})();
