/* global document, sessionStorage, window, location, fetch, setTimeout, clearTimeout, setInterval, CustomEvent */
/*
 * Junction dashboard: signs in with an API key (kept in sessionStorage), reads health,
 * alerts, charts and the quarantine queue over GraphQL, and refreshes whenever a
 * graphql-ws subscription (HealthChanged, SyncRunUpdated, AlertRaised, QuarantineChanged)
 * says something moved. No framework; Chart.js and graphql-ws are served by Junction.
 */
(function () {
  'use strict';
  var STORAGE_KEY = 'junction.apiKey';
  var $ = function (id) { return document.getElementById(id); };
  var state = { editing: null, lastQuarantine: '', key: sessionStorage.getItem(STORAGE_KEY), role: null, ws: null, charts: {}, refreshTimer: null, quarantineApi: null, canOperate: false };

  var DASHBOARD = 'query Dashboard($window: String) {' +
    ' health(window: $window) { status successRate recordSuccessRate syncLatencyP50Ms syncLatencyP95Ms quarantineSize errorsByClass { errorClass count recovered final }' +
    '  connections { connection { id name kind statusReason } status successRate lastSuccessfulSyncAt apiUsed apiLimit apiUsageRatio circuit quarantineSize runsFinished runsFailed } }' +
    ' healthSeries(window: $window, buckets: 24) { at runs successRate syncLatencyP50Ms syncLatencyP95Ms }' +
    ' alerts(active: true) { id kind severity message raisedAt connection { id name } } }';
  var QUARANTINE = 'query Quarantine($first: Int) { quarantine(first: $first) { totalCount edges { node { id status remoteId recordKind createdAt connection { id } issues { field rule message } } } } }';
  var QUARANTINE_FALLBACK = 'query PendingQuarantine($first: Int) { pendingQuarantine(first: $first) { id remoteId recordKind createdAt connectionId issues } }';
  // Validation covers the whole document, execution only `Probe`: the mutations are checked, never run.
  var ACTIONS_PROBE = 'query Probe { __typename } mutation R($id: ID!) { retryQuarantined(id: $id) { id } } mutation D($id: ID!, $reason: String!) { discardQuarantined(id: $id, reason: $reason) { id } }';
  var RETRY = 'mutation RetryQuarantined($id: ID!, $patch: JSON) { retryQuarantined(id: $id, patch: $patch) { id status issues { field rule message } } }';
  var DISCARD = 'mutation DiscardQuarantined($id: ID!, $reason: String!) { discardQuarantined(id: $id, reason: $reason) { id status } }';
  var SUBSCRIPTIONS = [
    'subscription { healthChanged { status } }',
    'subscription { syncRunUpdated { id status } }',
    'subscription { alertRaised { id kind severity message } }',
    'subscription { quarantineChanged { id status } }',
  ];

  // ------------------------------------------------------------------ formatting
  function pct(r) { return r === null || r === undefined ? '–' : (r * 100).toFixed(r >= 0.999 || r === 0 ? 0 : 1) + ' %'; }
  function ms(v) {
    if (v === null || v === undefined) return '–';
    if (v < 1000) return Math.round(v) + ' ms';
    if (v < 60000) return (v / 1000).toFixed(1) + ' s';
    return (v / 60000).toFixed(1) + ' min';
  }
  function ago(iso) {
    if (!iso) return 'never';
    var s = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
    if (s < 60) return Math.round(s) + ' s ago';
    if (s < 3600) return Math.round(s / 60) + ' min ago';
    if (s < 86400) return Math.round(s / 3600) + ' h ago';
    return Math.round(s / 86400) + ' d ago';
  }
  function level(rate) { return rate === null || rate === undefined ? '' : rate >= 0.99 ? 'good' : rate >= 0.9 ? 'warn' : 'bad'; }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k];
      else if (k === 'className') node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  function toast(text) {
    var t = $('toast');
    t.textContent = text;
    t.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { t.hidden = true; }, 4000);
  }

  // ------------------------------------------------------------------ API
  function gql(query, variables, operationName) {
    return fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' + state.key },
      body: JSON.stringify({ query: query, variables: variables || {}, operationName: operationName }),
    }).then(function (res) {
      return res.json().catch(function () { return { errors: [{ message: 'HTTP ' + res.status }] }; });
    });
  }
  function code(body) { return body.errors && body.errors[0] && body.errors[0].extensions ? body.errors[0].extensions.code : null; }

  // ------------------------------------------------------------------ sign-in
  function showSignIn(message) {
    document.dispatchEvent(new CustomEvent('junction:signed-out'));
    $('dashboard').hidden = true;
    $('sign-out').hidden = true;
    $('sign-in').hidden = false;
    $('sign-in-error').textContent = message || '';
    $('api-key').focus();
  }
  function signIn(key) {
    state.key = key;
    return gql('query { viewer { role } }').then(function (body) {
      if (body.errors || !body.data || !body.data.viewer) {
        sessionStorage.removeItem(STORAGE_KEY);
        showSignIn(code(body) === 'UNAUTHENTICATED' || !body.data ? 'That key was not accepted.' : body.errors[0].message);
        return;
      }
      sessionStorage.setItem(STORAGE_KEY, key);
      state.role = body.data.viewer.role;
      state.canOperate = state.role === 'OPERATOR' || state.role === 'ADMIN';
      $('sign-in').hidden = true;
      $('dashboard').hidden = false;
      $('sign-out').hidden = false;
      // connect.js shows its pages instead when the address asks for one.
      document.dispatchEvent(new CustomEvent('junction:signed-in', { detail: { role: state.role } }));
      return detectQuarantineApi().then(function () {
        connectLive();
        return refresh();
      });
    });
  }
  function signOut() {
    sessionStorage.removeItem(STORAGE_KEY);
    state.key = null;
    if (state.ws) state.ws.dispose();
    state.ws = null;
    setLive('off');
    showSignIn();
  }

  // ------------------------------------------------------------------ live
  function setLive(s) { $('live').dataset.state = s; }
  function connectLive() {
    if (!window.graphqlWs) return setLive('error');
    var proto = location.protocol === 'https:' ? 'wss://' : 'ws://';
    state.ws = window.graphqlWs.createClient({
      url: proto + location.host + '/graphql',
      connectionParams: { authorization: 'Bearer ' + state.key },
      retryAttempts: Infinity,
      shouldRetry: function () { return true; },
      on: { connected: function () { setLive('on'); scheduleRefresh(); }, closed: function () { setLive('error'); } },
    });
    SUBSCRIPTIONS.forEach(function (query) {
      state.ws.subscribe({ query: query }, {
        next: function (msg) {
          if (msg.data && msg.data.alertRaised) toast('Alert: ' + msg.data.alertRaised.message);
          scheduleRefresh();
        },
        // A subscription this server does not offer yet is simply not live.
        error: function () {},
        complete: function () {},
      });
    });
  }
  function scheduleRefresh() {
    clearTimeout(state.refreshTimer);
    state.refreshTimer = setTimeout(refresh, 250);
  }

  // ------------------------------------------------------------------ data
  function refresh() {
    if (!state.key) return Promise.resolve();
    var win = $('window').value;
    return Promise.all([gql(DASHBOARD, { window: win }), loadQuarantine()]).then(function (results) {
      var body = results[0];
      if (code(body) === 'UNAUTHENTICATED') return signOut();
      if (!body.data) return;
      renderOverall(body.data.health, win);
      renderTiles(body.data.health.connections);
      renderAlerts(body.data.alerts);
      renderSeries(body.data.healthSeries);
      renderErrors(body.data.health.errorsByClass);
      renderUsage(body.data.health.connections);
      renderQuarantine(results[1], body.data.health.connections);
      document.body.dataset.loaded = 'true';
    });
  }
  function detectQuarantineApi() {
    return gql(QUARANTINE, { first: 1 }).then(function (body) {
      state.quarantineApi = body.data && body.data.quarantine ? 'contract' : 'preview';
      return gql(ACTIONS_PROBE, {}, 'Probe');
    }).then(function (body) {
      state.actions = !body.errors;
    });
  }
  function loadQuarantine() {
    if (state.quarantineApi === 'contract') {
      return gql(QUARANTINE, { first: 100 }).then(function (body) {
        if (!body.data) return [];
        return body.data.quarantine.edges.map(function (e) { return e.node; }).filter(function (n) { return n.status === 'PENDING'; }).map(function (n) {
          return { id: n.id, remoteId: n.remoteId, recordKind: n.recordKind, createdAt: n.createdAt, connectionId: n.connection ? n.connection.id : null, issues: n.issues };
        });
      });
    }
    return gql(QUARANTINE_FALLBACK, { first: 100 }).then(function (body) { return body.data ? body.data.pendingQuarantine : []; });
  }

  // ------------------------------------------------------------------ rendering
  function renderOverall(h, win) {
    var big = $('overall-rate');
    big.textContent = pct(h.successRate);
    big.dataset.level = level(h.successRate);
    $('overall-status').textContent = h.status;
    $('overall-status').dataset.status = h.status;
    $('overall-window').textContent = 'over ' + $('window').selectedOptions[0].textContent;
    $('record-rate').textContent = pct(h.recordSuccessRate);
    $('latency-p50').textContent = ms(h.syncLatencyP50Ms);
    $('latency-p95').textContent = ms(h.syncLatencyP95Ms);
    $('quarantine-size').textContent = String(h.quarantineSize);
    void win;
  }
  function renderTiles(connections) {
    var box = $('tiles');
    box.replaceChildren.apply(box, connections.map(function (c) {
      var usage = c.apiUsageRatio === null ? 'API usage unknown' : 'API ' + pct(c.apiUsageRatio) + ' of ' + c.apiLimit.toLocaleString();
      return el('article', { className: 'tile', 'data-connection-id': c.connection.id, 'data-status': c.status }, [
        el('div', { className: 'tile-head' }, [el('span', { className: 'tile-name', text: c.connection.name }), el('span', { className: 'pill', 'data-status': c.status, text: c.status })]),
        el('div', { className: 'tile-kind', text: c.connection.kind + (c.circuit !== 'CLOSED' ? ' · circuit ' + c.circuit.toLowerCase().replace('_', '-') : '') }),
        el('div', { className: 'tile-rate', text: pct(c.successRate) }),
        // Why a connection is not syncing names its fix (new credentials, a resume); say it where people look.
        c.connection.statusReason && c.status !== 'HEALTHY' ? el('div', { className: 'tile-reason', text: c.connection.statusReason }) : null,
        el('div', { className: 'tile-meta' }, [
          el('span', { text: c.runsFinished + ' runs, ' + c.runsFailed + ' failed' }),
          el('span', { text: 'Last success ' + ago(c.lastSuccessfulSyncAt) }),
          el('span', { text: usage + (c.quarantineSize ? ' · ' + c.quarantineSize + ' quarantined' : '') }),
          // The connection's page: its setup in the CRM (what provisioning created) and Sync now.
          el('a', { className: 'tile-link', href: '#connected=' + encodeURIComponent(c.connection.id), text: 'Setup and sync →' }),
        ]),
      ]);
    }));
    if (!connections.length) box.replaceChildren(el('p', { className: 'muted', text: 'No connections yet.' }));
  }
  function renderAlerts(alerts) {
    $('alert-count').textContent = String(alerts.length);
    var list = $('alerts');
    if (!alerts.length) return list.replaceChildren(el('li', { className: 'none', text: 'No active alerts. All quiet.' }));
    list.replaceChildren.apply(list, alerts.map(function (a) {
      return el('li', { 'data-alert-id': a.id, 'data-kind': a.kind }, [
        el('span', { className: 'sev', 'data-severity': a.severity, text: a.severity }),
        el('span', { className: 'alert-msg', text: a.message }),
        el('span', { className: 'alert-time', text: ago(a.raisedAt) }),
      ]);
    }));
  }

  // ------------------------------------------------------------------ charts
  var COLORS = { green: '#2fbf71', amber: '#f0a93b', red: '#ef4e5a', blue: '#5aa9ff', violet: '#b18cff', grid: 'rgba(141,153,179,0.15)', text: '#8d99b3' };
  function chart(id, config) {
    if (!window.Chart) return;
    var existing = state.charts[id];
    if (existing) {
      existing.data = config.data;
      existing.update('none');
      return;
    }
    window.Chart.defaults.color = COLORS.text;
    window.Chart.defaults.borderColor = COLORS.grid;
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { labels: { boxWidth: 12 } } } }, config.options || {});
    state.charts[id] = new window.Chart($(id), config);
  }
  function timeLabel(iso, withSeconds) {
    var d = new Date(iso);
    var two = function (n) { return n.toString().padStart(2, '0'); };
    return two(d.getHours()) + ':' + two(d.getMinutes()) + (withSeconds ? ':' + two(d.getSeconds()) : '');
  }
  function renderSeries(points) {
    var span = points.length > 1 ? new Date(points[points.length - 1].at) - new Date(points[0].at) : 0;
    var labels = points.map(function (p) { return timeLabel(p.at, span < 3600000); });
    chart('rate-chart', {
      type: 'line',
      data: { labels: labels, datasets: [{ label: 'Success rate %', data: points.map(function (p) { return p.successRate === null ? null : p.successRate * 100; }), borderColor: COLORS.green, backgroundColor: 'rgba(47,191,113,0.15)', fill: true, spanGaps: true, tension: 0.25, pointRadius: 2 }] },
      options: { scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + ' %'; } } } } },
    });
    chart('latency-chart', {
      type: 'line',
      data: { labels: labels, datasets: [
        { label: 'p50', data: points.map(function (p) { return p.syncLatencyP50Ms === null ? null : p.syncLatencyP50Ms / 1000; }), borderColor: COLORS.blue, spanGaps: true, tension: 0.25, pointRadius: 2 },
        { label: 'p95', data: points.map(function (p) { return p.syncLatencyP95Ms === null ? null : p.syncLatencyP95Ms / 1000; }), borderColor: COLORS.violet, spanGaps: true, tension: 0.25, pointRadius: 2 },
      ] },
      options: { scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return v + ' s'; } } } } },
    });
  }
  /**
   * Per class, failed CRM calls (recovered by a retry, or final) stacked in one bar, and the
   * error log's occurrences (what failed for good, grouped by cause) in another; the same
   * numbers as text below the chart.
   */
  function renderErrors(errors) {
    $('errors-empty').hidden = errors.length > 0;
    var values = function (key) { return errors.map(function (e) { return e[key]; }); };
    chart('errors-chart', {
      type: 'bar',
      data: {
        labels: values('errorClass'),
        datasets: [
          { label: 'Calls recovered by a retry', data: values('recovered'), backgroundColor: COLORS.amber, borderRadius: 4, stack: 'calls' },
          { label: 'Calls failed for good', data: values('final'), backgroundColor: COLORS.red, borderRadius: 4, stack: 'calls' },
          { label: 'Error log', data: values('count'), backgroundColor: COLORS.violet, borderRadius: 4, stack: 'log' },
        ],
      },
      options: { indexAxis: 'y', scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } } },
    });
    var list = $('errors-list');
    list.replaceChildren.apply(list, errors.map(function (e) {
      var item = el('li', { 'data-error-class': e.errorClass, 'data-recovered': String(e.recovered), 'data-final': String(e.final), 'data-count': String(e.count) });
      item.textContent = e.errorClass + ': ' + e.recovered + ' recovered, ' + e.final + ' final calls; ' + e.count + ' in the error log';
      return item;
    }));
  }
  /** Draws the 60 % warning line across the usage chart. */
  var thresholdLine = {
    id: 'thresholdLine',
    afterDatasetsDraw: function (c) {
      var y = c.scales.y.getPixelForValue(60);
      var ctx = c.ctx;
      ctx.save();
      ctx.strokeStyle = COLORS.amber;
      ctx.setLineDash([6, 4]);
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(c.chartArea.left, y);
      ctx.lineTo(c.chartArea.right, y);
      ctx.stroke();
      ctx.fillStyle = COLORS.amber;
      ctx.font = '11px system-ui, sans-serif';
      ctx.fillText('60 % alert line', c.chartArea.right - 86, y - 5);
      ctx.restore();
    },
  };
  function renderUsage(connections) {
    var withLimit = connections.filter(function (c) { return c.apiLimit; });
    var config = {
      type: 'bar',
      data: { labels: withLimit.map(function (c) { return c.connection.name; }), datasets: [{ label: '% of daily limit used', data: withLimit.map(function (c) { return Math.round(c.apiUsageRatio * 1000) / 10; }), backgroundColor: withLimit.map(function (c) { return c.apiUsageRatio >= 0.6 ? COLORS.amber : COLORS.blue; }), borderRadius: 4 }] },
      options: { plugins: { legend: { display: false }, tooltip: { callbacks: { label: function (item) { var c = withLimit[item.dataIndex]; return c.apiUsed.toLocaleString() + ' / ' + c.apiLimit.toLocaleString() + ' calls'; } } } }, scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + ' %'; } } } } },
      plugins: [thresholdLine],
    };
    chart('usage-chart', config);
  }

  // ------------------------------------------------------------------ quarantine
  function renderQuarantine(rows, connections) {
    var names = {};
    connections.forEach(function (c) { names[c.connection.id] = c.connection.name; });
    // Live refreshes come often: leave the table (and a half-typed fix) alone when nothing changed.
    var signature = JSON.stringify([rows, names, state.actions, state.canOperate, state.editing && state.editing.id]);
    if (signature === state.lastQuarantine) return;
    state.lastQuarantine = signature;
    $('quarantine-count').textContent = String(rows.length);
    var note = !state.actions ? 'Retry and discard are not offered by this server yet.' : !state.canOperate ? 'Sign in with an OPERATOR key to retry or discard.' : '';
    $('quarantine-note').textContent = note;
    $('quarantine-note').hidden = !note;
    var body = $('quarantine-rows');
    if (!rows.length) return body.replaceChildren(el('tr', {}, [el('td', { colspan: '5', className: 'muted', text: 'Nothing waiting in quarantine.' })]));
    var out = [];
    rows.forEach(function (r) {
      var issues = Array.isArray(r.issues) ? r.issues : [];
      var enabled = state.actions && state.canOperate;
      var retry = el('button', { type: 'button', 'data-action': 'retry', text: 'Retry' });
      var discard = el('button', { type: 'button', className: 'danger', 'data-action': 'discard', text: 'Discard' });
      retry.disabled = discard.disabled = !enabled;
      retry.addEventListener('click', function () {
        state.editing = state.editing && state.editing.id === r.id ? null : { id: r.id, values: {} };
        state.lastQuarantine = '';
        renderQuarantine(rows, connections);
      });
      discard.addEventListener('click', function () { act(DISCARD, { id: r.id, reason: 'Discarded from the dashboard' }, 'discardQuarantined', discard); });
      out.push(el('tr', { 'data-quarantine-id': r.id }, [
        el('td', { text: r.recordKind.toLowerCase() + ' ' + (r.remoteId || '(no id)') }),
        el('td', { text: names[r.connectionId] || (r.connectionId ? r.connectionId.slice(0, 8) : 'partner upsert') }),
        el('td', {}, issues.map(function (i) { return el('span', { className: 'issue', title: i.message || '', text: (i.field || '?') + ': ' + (i.rule || '?') }); })),
        el('td', { text: ago(r.createdAt) }),
        el('td', { className: 'actions' }, [retry, discard]),
      ]));
      if (state.editing && state.editing.id === r.id) out.push(fixRow(r, issues));
    });
    body.replaceChildren.apply(body, out);
  }
  /** Corrected values for the failing fields (optional): sent as the retry's patch. */
  function fixRow(r, issues) {
    var fields = issues.map(function (i) { return i.field; }).filter(function (f, n, all) { return f && f !== '?' && all.indexOf(f) === n; });
    var form = el('form', { className: 'fix' }, fields.map(function (f) {
      var input = el('input', { name: f, 'data-field': f, placeholder: 'corrected ' + f, 'aria-label': 'corrected ' + f });
      input.value = state.editing.values[f] || '';
      input.addEventListener('input', function () { state.editing.values[f] = input.value; });
      return el('label', {}, [el('span', { className: 'muted', text: f }), input]);
    }).concat([
      el('button', { type: 'submit', 'data-action': 'retry-submit', text: 'Retry with these values' }),
      el('button', { type: 'button', className: 'ghost', 'data-action': 'cancel', text: 'Cancel' }),
    ]));
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var patch = {};
      Object.keys(state.editing.values).forEach(function (f) { if (state.editing.values[f].trim()) patch[f] = state.editing.values[f].trim(); });
      var submit = form.querySelector('[data-action=retry-submit]');
      state.editing = null;
      act(RETRY, { id: r.id, patch: Object.keys(patch).length ? patch : null }, 'retryQuarantined', submit);
    });
    form.querySelector('[data-action=cancel]').addEventListener('click', function () {
      state.editing = null;
      state.lastQuarantine = '';
      refresh();
    });
    return el('tr', { className: 'fix-row', 'data-fix-for': r.id }, [el('td', { colspan: '5' }, [form])]);
  }
  function act(mutation, variables, field, button) {
    button.disabled = true;
    return gql(mutation, variables).then(function (body) {
      if (body.errors) toast(body.errors[0].message);
      else toast(field === 'retryQuarantined' ? 'Retried: now ' + body.data.retryQuarantined.status : 'Discarded');
      state.lastQuarantine = '';
      return refresh();
    });
  }

  // What connect.js ("Connect a CRM") shares of this page: its API call, elements and messages.
  window.junctionDashboard = { gql: gql, el: el, toast: toast, refresh: refresh };

  // ------------------------------------------------------------------ start
  document.addEventListener('DOMContentLoaded', function () {
    $('sign-in-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      signIn($('api-key').value.trim());
    });
    $('sign-out').addEventListener('click', signOut);
    $('window').addEventListener('change', refresh);
    setInterval(scheduleRefresh, 30000);
    if (state.key) signIn(state.key);
    else showSignIn();
  });
})();
