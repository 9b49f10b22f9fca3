// The labeling page: plain JavaScript, no framework. Every piece of data from the service is put
// into the page with textContent (never innerHTML), so a response containing HTML or a <script>
// shows as text. It uses only the service's public REST API, as any other client does.
'use strict';

(() => {
  const API = 'api/v1';
  const FOLD_CHARS = 600;      // longer responses start folded
  const FOLD_LINES = 12;
  const EMPTY_POLL_MS = 5000;  // how often to look for a task when none is waiting
  const STATS_POLL_MS = 10000;
  const LETTERS = 'ABCDEFGHI';

  const $ = (id) => document.getElementById(id);
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };

  const state = {
    token: null,
    role: null,
    task: null,          // the task JSON from GET tasks/next
    skewMs: 0,           // server clock minus ours, from the Date header
    tiers: [],           // ranking: arrays of response ids, best first; ids in one tier are tied
    scores: {},          // response id -> 1..7
    focused: null,       // response id with keyboard focus
    unfolded: new Set(),
    eventIds: {},        // item key -> event id: a retry reuses it, so it is recorded once
    acked: new Set(),    // item keys the service acknowledged
    submitting: false,
    timers: [],
    renewing: false,     // the lease ran out and the next task is being fetched
  };

  // ---------- HTTP ----------

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.message) || ('HTTP ' + status));
      this.status = status;
      this.field = body && body.field;
      this.code = body && body.code;
    }
  }

  async function api(method, path, body) {
    const headers = { 'Authorization': 'Bearer ' + state.token };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(API + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store',
    });
    const date = response.headers.get('Date');
    if (date) state.skewMs = Date.parse(date) - Date.now();
    if (response.status === 204) return null;
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { json = { message: text }; }
    if (!response.ok) throw new ApiError(response.status, json);
    return json;
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // ---------- sign-in ----------

  async function signIn(token) {
    $('signin-error').textContent = '';
    state.token = token;
    let me;
    try {
      me = await api('GET', '/me');
    } catch (e) {
      state.token = null;
      sessionStorage.removeItem('feedloop.token');
      $('signin-error').textContent = e.status === 401 ? 'That token is not valid. Check it and try again.'
        : 'Sign-in failed: ' + e.message;
      return;
    }
    sessionStorage.setItem('feedloop.token', token);
    state.role = me.role;
    $('whoami').textContent = 'signed in as ' + me.name + (me.role === 'admin' ? ' (admin)' : '');
    $('signin').hidden = true;
    $('signout').hidden = false;
    if (me.role === 'admin') {
      $('admin').hidden = false;
      loadAgreement();
      state.timers.push(setInterval(loadAgreement, 5000));
    } else {
      $('stats').hidden = false;
      $('history-toggle').hidden = false;
      state.timers.push(setInterval(loadStats, STATS_POLL_MS));
      state.timers.push(setInterval(tickLease, 250));
      await loadNext();
    }
  }

  function signOut() {
    releaseOnLeave();
    sessionStorage.removeItem('feedloop.token');
    location.reload();
  }

  // ---------- tasks ----------

  function notice(text) {
    $('notice').textContent = text;
    $('notice').hidden = !text;
  }

  async function loadStats() {
    try {
      const s = await api('GET', '/queue/stats');
      $('stats-done').textContent = String(s.done);
      $('stats-waiting').textContent = String(s.waiting);
    } catch (e) { /* shown again on the next poll */ }
  }

  let emptyTimer = null;

  async function loadNext() {
    clearTimeout(emptyTimer);
    let task;
    try {
      task = await api('GET', '/tasks/next');
    } catch (e) {
      notice('Could not fetch a task (' + e.message + '); retrying.');
      emptyTimer = setTimeout(loadNext, EMPTY_POLL_MS);
      return;
    }
    loadStats();
    if (!task) {
      state.task = null;
      $('task').hidden = true;
      $('lease').hidden = true;
      $('no-task').hidden = false;
      emptyTimer = setTimeout(loadNext, EMPTY_POLL_MS);
      return;
    }
    const same = state.task && state.task.taskId === task.taskId;
    state.task = task;
    state.leaseEnd = Date.parse(task.leaseExpiresAt);
    if (same) {  // a new lease on the task on screen: the work on it stays, the page is left alone
      tickLease();
      return;
    }
    resetTaskState();
    $('no-task').hidden = true;
    $('task').hidden = false;
    $('lease').hidden = false;
    render();
    tickLease();
  }

  function resetTaskState() {
    state.tiers = [];
    state.scores = {};
    state.unfolded = new Set();
    state.eventIds = {};
    state.acked = new Set();
    state.focused = state.task.responses[0].responseId;
    $('comment').value = '';
    $('flag-category').value = '';
    clearErrors();
    $('submit-status').textContent = '';
    $('prompt').textContent = state.task.promptText;
    const flag = $('flag-response');
    flag.replaceChildren(new Option('none', ''));
    state.task.responses.forEach((r, i) => flag.append(new Option('Response ' + LETTERS[i], r.responseId)));
  }

  function tickLease() {
    if (!state.task) return;
    const left = Math.round((state.leaseEnd - (Date.now() + state.skewMs)) / 1000);
    const lease = $('lease');
    if (left <= 0) {
      lease.textContent = 'lease ran out';
      if (state.renewing || state.submitting) return;  // a submission does not need the lease
      state.renewing = true;
      notice('Your lease on this task ran out: it went back to the queue, so someone else may take it. '
        + 'Asking for a task again (if it is this one, your work on it is kept).');
      // The server has already put the task back; loadNext leases whatever is next, maybe this task again.
      loadNext().finally(() => { state.renewing = false; });
      return;
    }
    const m = Math.floor(left / 60);
    const s = String(left % 60).padStart(2, '0');
    lease.textContent = `lease ${m}:${s}`;
    lease.classList.toggle('warn', left <= 60);
  }

  async function skip() {
    if (!state.task || state.submitting) return;
    const taskId = state.task.taskId;
    state.task = null;
    notice('Skipped: the task went back to the queue.');
    try {
      await api('POST', '/tasks/' + encodeURIComponent(taskId) + '/skip');
    } catch (e) { /* the lease runs out by itself */ }
    await loadNext();
  }

  function releaseOnLeave() {
    if (!state.task || !state.token || state.role === 'admin') return;
    // keepalive: the request outlives the page, so the task goes back at once instead of at the lease's end
    fetch(API + '/tasks/' + encodeURIComponent(state.task.taskId) + '/release', {
      method: 'POST', keepalive: true, headers: { 'Authorization': 'Bearer ' + state.token },
    }).catch(() => {});
  }

  // ---------- ranking ----------

  const ids = () => state.task.responses.map((r) => r.responseId);
  const tierOf = (id) => state.tiers.findIndex((t) => t.includes(id));

  function unrank(id) {
    state.tiers = state.tiers.map((t) => t.filter((x) => x !== id)).filter((t) => t.length > 0);
  }

  /** Puts id at place n (1-based): joins that tier (a tie) if there is one, else becomes the last tier. */
  function placeAt(id, n) {
    unrank(id);
    if (n <= state.tiers.length) state.tiers[n - 1].push(id);
    else state.tiers.push([id]);
  }

  /** Moves id one place up (delta -1) or down (+1); a tied response first leaves its tie. */
  function move(id, delta) {
    const i = tierOf(id);
    if (i < 0) { state.tiers.push([id]); return; }
    if (state.tiers[i].length > 1) {
      state.tiers[i] = state.tiers[i].filter((x) => x !== id);
      state.tiers.splice(delta < 0 ? i : i + 1, 0, [id]);
      return;
    }
    const j = i + delta;
    if (j < 0 || j >= state.tiers.length) return;
    [state.tiers[i], state.tiers[j]] = [state.tiers[j], state.tiers[i]];
  }

  /** Drop id on target: before it (its own tier), tied with it, or after it. */
  function dropOn(id, target, where) {
    if (id === target) return;
    unrank(id);
    const i = tierOf(target);
    if (i < 0) { state.tiers.push([id]); return; }
    if (where === 'tie') state.tiers[i].push(id);
    else state.tiers.splice(where === 'before' ? i : i + 1, 0, [id]);
  }

  function ordinal(n) {
    const s = ['th', 'st', 'nd', 'rd'];
    const v = n % 100;
    return n + (s[(v - 20) % 10] || s[v] || s[0]);
  }

  // ---------- rendering ----------

  function render() {
    const list = $('responses');
    const order = [];
    state.tiers.forEach((t) => t.forEach((id) => order.push(id)));
    ids().forEach((id) => { if (tierOf(id) < 0) order.push(id); });
    const active = document.activeElement;
    const hadFocus = !!(active && active.closest && active.closest('#responses'));
    const items = order.map((id) => responseItem(id));
    list.replaceChildren(...items);
    const focused = list.querySelector(`[data-index="${indexOf(state.focused)}"]`);
    if (focused && hadFocus) focused.focus();
    const unranked = ids().filter((id) => tierOf(id) < 0).length;
    $('ranking-hint').textContent = unranked === 0 ? 'all ranked, best first'
      : `best first: press 1–9 on a response (same number = tie) or drag it · ${unranked} not ranked yet`;
  }

  const indexOf = (id) => ids().indexOf(id);

  function responseItem(id) {
    const index = indexOf(id);
    const response = state.task.responses[index];
    const li = el('li', 'response');
    li.tabIndex = 0;
    li.draggable = true;
    li.dataset.responseId = id;
    li.dataset.index = String(index);
    if (id === state.focused) li.classList.add('focused');
    const tier = tierOf(id);
    if (tier < 0) li.classList.add('unranked');

    const head = el('div', 'response-head');
    head.append(el('span', 'letter', 'Response ' + LETTERS[index]));
    const tied = tier >= 0 && state.tiers[tier].length > 1;
    head.append(el('span', 'rank-badge' + (tier < 0 ? ' none' : ''), tier < 0 ? 'unranked' : ordinal(tier + 1) + (tied ? ' (tie)' : '')));
    const scores = el('span', 'scores');
    scores.append(el('span', 'muted', 'score'));
    for (let v = 1; v <= 7; v++) {
      const b = el('button', 'score' + (state.scores[id] === v ? ' chosen' : ''), String(v));
      b.type = 'button';
      b.dataset.score = String(v);
      b.setAttribute('aria-pressed', String(state.scores[id] === v));
      b.addEventListener('click', (e) => { e.stopPropagation(); setScore(id, v); });
      scores.append(b);
    }
    head.append(scores);
    if ($('flag-response').value === id) head.append(el('span', 'flag-badge', 'flagged'));
    li.append(head);

    const text = el('div', 'text response-text', response.text);
    const long = response.text.length > FOLD_CHARS || response.text.split('\n').length > FOLD_LINES;
    li.append(text);
    if (long) {
      const folded = !state.unfolded.has(id);
      text.classList.toggle('folded', folded);
      const toggle = el('button', 'fold-toggle', folded ? `Show all (${response.text.length} characters)` : 'Fold');
      toggle.type = 'button';
      toggle.addEventListener('click', (e) => { e.stopPropagation(); toggleFold(id); });
      li.append(toggle);
    }

    li.addEventListener('focus', () => {
      if (state.focused !== id) {
        state.focused = id;
        document.querySelectorAll('#responses .response.focused').forEach((x) => x.classList.remove('focused'));
        li.classList.add('focused');
      }
    });
    li.addEventListener('dragstart', (e) => {
      e.dataTransfer.setData('text/plain', id);
      e.dataTransfer.effectAllowed = 'move';
    });
    li.addEventListener('dragover', (e) => {
      e.preventDefault();
      li.dataset.drop = dropZone(li, e);
    });
    li.addEventListener('dragleave', () => { delete li.dataset.drop; });
    li.addEventListener('drop', (e) => {
      e.preventDefault();
      const dragged = e.dataTransfer.getData('text/plain');
      if (ids().includes(dragged)) {
        if (tierOf(id) < 0) placeAt(dragged, state.tiers.length + 1);
        else dropOn(dragged, id, dropZone(li, e));
        changed();
      }
    });
    return li;
  }

  /** Upper third of a card: before it; middle: tied with it; lower third: after it. */
  function dropZone(li, e) {
    const r = li.getBoundingClientRect();
    const y = (e.clientY - r.top) / r.height;
    return y < 1 / 3 ? 'before' : y > 2 / 3 ? 'after' : 'tie';
  }

  function toggleFold(id) {
    if (state.unfolded.has(id)) state.unfolded.delete(id);
    else state.unfolded.add(id);
    render();
  }

  function setScore(id, v) {
    state.scores[id] = v;
    $('score-error').textContent = '';
    render();
  }

  function changed() {
    $('ranking-error').textContent = '';
    render();
  }

  // ---------- submitting ----------

  function clearErrors() {
    ['ranking-error', 'score-error', 'flag-error', 'comment-error', 'submit-error'].forEach((e) => { $(e).textContent = ''; });
  }

  function errorSlot(field) {
    if (!field) return 'submit-error';
    if (field.startsWith('ranking')) return 'ranking-error';
    if (field.startsWith('score')) return 'score-error';
    if (field.startsWith('flag')) return 'flag-error';
    if (field === 'comment') return 'comment-error';
    return 'submit-error';
  }

  /** The task's feedback as REST bodies: the ranking (with the comment), each score, the flag. */
  function items() {
    const t = state.task;
    const list = [{ key: 'ranking', body: { ranking: { tiers: state.tiers.map((x) => [...x]) }, comment: $('comment').value } }];
    ids().forEach((id) => {
      if (state.scores[id]) list.push({ key: 'score:' + id, body: { score: { responseId: id, value: state.scores[id] } } });
    });
    const flagged = $('flag-response').value;
    if (flagged) list.push({ key: 'flag', body: { flag: { responseId: flagged, category: $('flag-category').value } } });
    list.forEach((item) => { item.body.rolloutId = t.rolloutId; });
    return list;
  }

  async function submit() {
    if (!state.task || state.submitting) return;
    clearErrors();
    const missing = ids().filter((id) => tierOf(id) < 0);
    if (missing.length > 0) {
      $('ranking-error').textContent = `Rank every response before submitting: ${missing.length} of ${ids().length} not ranked (`
        + missing.map((id) => LETTERS[indexOf(id)]).join(', ') + ').';
      return;
    }
    if ($('flag-response').value && !$('flag-category').value) {
      $('flag-error').textContent = 'Choose a category for the flagged response, or unflag it.';
      return;
    }
    state.submitting = true;
    $('submit').disabled = true;
    $('submit-status').textContent = 'Submitting…';
    try {
      for (const item of items()) {
        if (state.acked.has(item.key)) continue;
        if (!state.eventIds[item.key]) state.eventIds[item.key] = uuid();
        item.body.eventId = state.eventIds[item.key];
        await api('POST', '/feedback', item.body);
        state.acked.add(item.key);
      }
    } catch (e) {
      $('submit-status').textContent = '';
      const retry = e.status === 503 || e.status === undefined ? ' Submit again to retry: nothing is recorded twice.' : '';
      $(errorSlot(e.field)).textContent = e.message + retry;
      return;
    } finally {
      state.submitting = false;
      $('submit').disabled = false;
    }
    $('submit-status').textContent = '';
    notice(`Submitted: ${state.acked.size} ${state.acked.size === 1 ? "piece" : "pieces"} of feedback recorded.`);
    state.task = null;
    await loadNext();
  }

  // ---------- history and agreement ----------

  async function toggleHistory() {
    const panel = $('history-panel');
    panel.hidden = !panel.hidden;
    if (panel.hidden) return;
    let h;
    try {
      h = await api('GET', '/history');
    } catch (e) {
      notice('Could not load your history: ' + e.message);
      return;
    }
    const rows = h.entries.map((e) => {
      const tr = el('tr');
      [new Date(e.createdAt).toLocaleString(), e.rolloutId, e.kind, e.summary, e.comment].forEach((v) => tr.append(el('td', null, v)));
      return tr;
    });
    $('history').tBodies[0].replaceChildren(...rows);
  }

  const pct = (x) => (x === null || x === undefined ? '–' : (100 * x).toFixed(1) + ' %');

  async function loadAgreement() {
    let r;
    try { r = await api('GET', '/agreement'); } catch (e) { return; }
    $('agreement-overall').textContent = pct(r.overall);
    $('agreement-rollouts').textContent = String(r.sharedRollouts);
    $('agreement-annotators').tBodies[0].replaceChildren(...r.annotators.map((a) => {
      const tr = el('tr');
      tr.dataset.annotator = a.annotator;
      [a.annotator, a.rollouts, a.pairs, a.agreed, pct(a.agreement)].forEach((v) => tr.append(el('td', null, String(v))));
      return tr;
    }));
    $('agreement-pairs').tBodies[0].replaceChildren(...r.pairsOfAnnotators.map((p) => {
      const tr = el('tr');
      [p.a + ' · ' + p.b, p.rollouts, p.pairs, pct(p.agreement)].forEach((v) => tr.append(el('td', null, String(v))));
      return tr;
    }));
  }

  // ---------- keyboard ----------

  function focusResponse(delta) {
    const cards = Array.from(document.querySelectorAll('#responses .response'));
    if (cards.length === 0) return;
    let i = cards.findIndex((c) => c.dataset.responseId === state.focused);
    i = i < 0 ? 0 : Math.max(0, Math.min(cards.length - 1, i + delta));
    cards[i].focus();
  }

  function onKey(e) {
    const inField = e.target.closest && e.target.closest('input, textarea, select');
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
      if (state.task) { e.preventDefault(); submit(); }
      return;
    }
    if (inField) {
      if (e.key === 'Escape' && state.task) { e.target.blur(); focusResponse(0); }
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === '?') { $('help').hidden = !$('help').hidden; e.preventDefault(); return; }
    if (!state.role || state.role === 'admin') return;
    if (e.key === 'h') { toggleHistory(); e.preventDefault(); return; }
    if (!state.task) return;
    const id = state.focused;
    const digit = /^Digit([0-9])$/.exec(e.code || '');
    // Shift+1..7 scores; on a US layout the key is then the symbol above the digit
    const shifted = '!@#$%^&'.indexOf(e.key) + 1;
    const score = e.shiftKey && digit ? +digit[1] : shifted;
    if (score >= 1 && score <= 7) { setScore(id, score); e.preventDefault(); return; }
    if (!e.shiftKey && digit) {
      const n = +digit[1];
      if (n === 0) unrank(id);
      else if (n <= ids().length) placeAt(id, n);
      else return;
      changed();
      e.preventDefault();
      return;
    }
    switch (e.key) {
      case 'ArrowDown': case 'j': focusResponse(1); break;
      case 'ArrowUp': case 'k': focusResponse(-1); break;
      case '[': move(id, -1); changed(); break;
      case ']': move(id, 1); changed(); break;
      case 'e': toggleFold(id); break;
      case 'f': $('flag-response').value = id; $('flag-error').textContent = ''; render(); $('flag-category').focus(); break;
      case 'c': $('comment').focus(); break;
      case 's': skip(); break;
      default: return;
    }
    e.preventDefault();
  }

  // ---------- wiring ----------

  $('signin-form').addEventListener('submit', (e) => { e.preventDefault(); signIn($('token').value.trim()); });
  $('signout').addEventListener('click', signOut);
  $('submit').addEventListener('click', submit);
  $('skip').addEventListener('click', skip);
  $('history-toggle').addEventListener('click', toggleHistory);
  $('help-toggle').addEventListener('click', () => { $('help').hidden = !$('help').hidden; });
  $('flag-response').addEventListener('change', () => { $('flag-error').textContent = ''; render(); });
  $('flag-category').addEventListener('change', () => { $('flag-error').textContent = ''; });
  $('comment').addEventListener('input', () => { $('comment-error').textContent = ''; });
  const zone = $('unranked-zone');
  zone.addEventListener('dragover', (e) => e.preventDefault());
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    const id = e.dataTransfer.getData('text/plain');
    if (state.task && ids().includes(id)) { unrank(id); changed(); }
  });
  document.addEventListener('keydown', onKey);
  window.addEventListener('pagehide', releaseOnLeave);

  const saved = sessionStorage.getItem('feedloop.token');
  if (saved) signIn(saved);
})();
