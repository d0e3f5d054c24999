/* global document, window, location, fetch, setTimeout, URLSearchParams */
/*
 * "Connect a CRM" (ADMIN keys): the form calls startConnect and sends the browser to the
 * CRM's consent page; the OAuth callback brings it back to `#connected=<id>` (the new
 * connection, with a "Sync now" that follows its run) or `#connect-failed=<reason>&message=…`
 * (what happened; nothing was created). Pages are chosen by the address's fragment.
 */
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var START = 'mutation StartConnect($input: StartConnectInput!) { startConnect(input: $input) { authorizeUrl state expiresAt } }';
  var CONNECTION = 'query Connection($id: ID!) { connection(id: $id) { id name kind baseUrl status statusReason } }';
  var TRIGGER = 'mutation TriggerSync($id: ID!) { triggerSync(connectionId: $id, mode: INCREMENTAL) { id status } }';
  var RUN = 'query SyncRun($id: ID!) { syncRun(id: $id) { id status error } }';
  var SETUP_FIELDS = '{ ready checks { name ok message fixable } }';
  var SETUP = 'query ConnectionSetup($id: ID!) { connectionSetup(id: $id) ' + SETUP_FIELDS + ' }';
  var PROVISION = 'mutation ProvisionConnection($id: ID!) { provisionConnection(id: $id) ' + SETUP_FIELDS + ' }';
  var FINISHED = ['SUCCEEDED', 'FAILED', 'PARTIAL', 'CANCELLED', 'INTERRUPTED'];
  // What each CRM calls the URL Junction needs; a CRM not named here gets the plain label.
  var URL_HINTS = {
    SALESFORCE: ['Login URL', 'https://login.salesforce.com'],
    HUBSPOT: ['API URL', 'https://api.hubapi.com'],
    DYNAMICS: ['Org URL', 'https://yourorg.crm.dynamics.com'],
  };
  var FAILURES = {
    DENIED: 'Access was denied',
    CRM_ERROR: 'The CRM reported an error',
    UNKNOWN_STATE: 'This consent is unknown or was used already',
    EXPIRED: 'The consent expired',
    KEY_REVOKED: 'The API key that started this is no longer valid',
    CODE_REFUSED: 'The CRM refused to exchange the code',
    NOT_CREATED: 'The connection could not be created',
  };
  var PAGES = ['connect', 'connected', 'connect-failed'];
  var signedIn = false;
  var api = function () { return window.junctionDashboard; };

  function show(page) {
    PAGES.forEach(function (p) { $(p).hidden = p !== page; });
    $('dashboard').hidden = !!page;
  }
  function route() {
    if (!signedIn) return show(null);
    var hash = new URLSearchParams(location.hash.slice(1));
    if (hash.has('connected')) return showConnected(hash.get('connected'));
    if (hash.has('connect-failed')) return showFailed(hash);
    if (location.hash === '#connect') return showForm();
    show(null);
    api().refresh();
  }

  // ------------------------------------------------------------------ the form
  var kindsLoaded = null;
  function loadKinds() {
    kindsLoaded = kindsLoaded || fetch('crms.json').then(function (res) { return res.json(); }).then(function (crms) {
      var select = $('connect-kind');
      select.replaceChildren.apply(select, crms.map(function (c) { return api().el('option', { value: c.kind, text: c.name }); }));
      fitToKind();
    });
    return kindsLoaded;
  }
  function fitToKind() {
    var kind = $('connect-kind').value;
    var hint = URL_HINTS[kind] || ['URL', 'https://'];
    $('connect-url-label').textContent = hint[0];
    $('connect-url').placeholder = hint[1];
    $('connect-entra').hidden = kind !== 'DYNAMICS';
  }
  function showForm() {
    show('connect');
    $('connect-callback').textContent = location.origin + '/oauth/callback';
    $('connect-error').textContent = '';
    return loadKinds();
  }
  function submit(ev) {
    ev.preventDefault();
    var value = function (id) { return $(id).value.trim(); };
    var input = { kind: value('connect-kind'), name: value('connect-name'), baseUrl: value('connect-url'), clientId: value('connect-client-id'), clientSecret: $('connect-client-secret').value };
    if (input.kind === 'DYNAMICS') {
      if (value('connect-tenant')) input.tenantId = value('connect-tenant');
      if (value('connect-authority')) input.authorityUrl = value('connect-authority');
    }
    if (value('connect-scopes')) input.scopes = value('connect-scopes').split(/\s+/);
    $('connect-submit').disabled = true;
    api().gql(START, { input: input }, 'StartConnect').then(function (body) {
      $('connect-submit').disabled = false;
      if (body.errors || !body.data) {
        $('connect-error').textContent = body.errors ? body.errors[0].message : 'The server did not answer.';
        return;
      }
      // The secret stays out of the page's memory once it is on its way.
      $('connect-client-secret').value = '';
      location.assign(body.data.startConnect.authorizeUrl);
    });
  }

  // ------------------------------------------------------------------ the pages the callback lands on
  function showConnected(id) {
    show('connected');
    $('connected-run').textContent = '';
    $('connected-run').dataset.status = '';
    return api().gql(CONNECTION, { id: id }, 'Connection').then(function (body) {
      var c = body.data && body.data.connection;
      if (!c) {
        $('connected-title').textContent = 'Connection not found';
        return;
      }
      $('connected').dataset.connectionId = c.id;
      $('connected-title').textContent = 'Connected: ' + c.name;
      $('connected-kind').textContent = c.kind;
      $('connected-url').textContent = c.baseUrl;
      $('connected-status').textContent = c.status;
      $('connected-status').dataset.status = c.status;
      $('connected-reason').textContent = c.statusReason || '';
      return loadSetup(c.id);
    });
  }

  // What the connection needs in the CRM (Junction's fields, keys, permissions), checked live:
  // what provisioning created shows as ready; what is missing, with a Provision button when it can be created.
  function loadSetup(id) {
    // A re-check (after a sync) keeps the list it had until the answer comes.
    if (!$('connected-setup').children.length) $('connected-setup-state').textContent = 'Checking the CRM…';
    return api().gql(SETUP, { id: id }, 'ConnectionSetup').then(function (body) { showSetup(body, 'connectionSetup'); });
  }
  function showSetup(body, field) {
    var setup = body.data && body.data[field];
    var list = $('connected-setup');
    if (!setup) {
      list.replaceChildren();
      $('connected-setup-state').textContent = body.errors ? body.errors[0].message : 'The server did not answer.';
      return;
    }
    list.replaceChildren.apply(list, setup.checks.map(function (check) {
      var item = api().el('li', { class: check.ok ? 'setup-ok' : 'setup-missing' });
      item.append(api().el('strong', { text: (check.ok ? '✓ ' : '✗ ') + check.name }), api().el('span', { class: 'muted', text: ' — ' + check.message }));
      return item;
    }));
    $('connected-setup').dataset.ready = String(setup.ready);
    $('connected-setup-state').textContent = setup.ready ? 'Setup is ready: everything Junction needs is in the CRM.' : 'Setup is incomplete.';
    $('connected-provision').hidden = setup.ready || !setup.checks.some(function (c) { return !c.ok && c.fixable; });
  }
  function provision() {
    var id = $('connected').dataset.connectionId;
    if (!id) return;
    $('connected-provision').disabled = true;
    $('connected-setup-state').textContent = 'Provisioning through the CRM’s metadata API…';
    api().gql(PROVISION, { id: id }, 'ProvisionConnection').then(function (body) {
      $('connected-provision').disabled = false;
      showSetup(body, 'provisionConnection');
    });
  }
  function syncNow() {
    var id = $('connected').dataset.connectionId;
    if (!id) return;
    $('connected-sync').disabled = true;
    api().gql(TRIGGER, { id: id }, 'TriggerSync').then(function (body) {
      if (body.errors || !body.data) {
        $('connected-sync').disabled = false;
        $('connected-run').textContent = body.errors ? body.errors[0].message : 'The server did not answer.';
        return;
      }
      follow(body.data.triggerSync.id);
    });
  }
  function follow(runId) {
    api().gql(RUN, { id: runId }, 'SyncRun').then(function (body) {
      var run = body.data && body.data.syncRun;
      var status = run ? run.status : 'UNKNOWN';
      $('connected-run').dataset.status = status;
      $('connected-run').textContent = 'Sync: ' + status + (run && run.error ? ' — ' + run.error : '');
      if (run && FINISHED.indexOf(status) < 0) return setTimeout(function () { follow(runId); }, 1000);
      $('connected-sync').disabled = false;
      showConnected($('connected').dataset.connectionId);
      $('connected-run').dataset.status = status;
      $('connected-run').textContent = 'Sync: ' + status + (run && run.error ? ' — ' + run.error : '');
    });
  }
  function showFailed(hash) {
    show('connect-failed');
    var reason = hash.get('connect-failed');
    $('connect-failed').dataset.reason = reason;
    var about = hash.get('name') ? ' (' + (hash.get('kind') || 'CRM') + ' “' + hash.get('name') + '”)' : '';
    $('connect-failed-title').textContent = (FAILURES[reason] || 'Not connected') + about;
    $('connect-failed-message').textContent = hash.get('message') || '';
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('connect-form').addEventListener('submit', submit);
    $('connect-kind').addEventListener('change', fitToKind);
    $('connected-sync').addEventListener('click', syncNow);
    $('connected-provision').addEventListener('click', provision);
    window.addEventListener('hashchange', route);
  });
  document.addEventListener('junction:signed-in', function (ev) {
    signedIn = true;
    $('connect-open').hidden = ev.detail.role !== 'ADMIN';
    route();
  });
  document.addEventListener('junction:signed-out', function () {
    signedIn = false;
    $('connect-open').hidden = true;
    PAGES.forEach(function (p) { $(p).hidden = true; });
  });
})();
