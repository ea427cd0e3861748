// Baton status page: follows GET /api/v1/status/stream (server-sent events) and redraws in place.
// The markup mirrors templates/status.html; no libraries, no build step.
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  function esc(v) {
    return String(v == null ? '' : v).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function secs(s) {
    if (s == null) return '-';
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + String(s % 60).padStart(2, '0') + ' s';
    return Math.floor(s / 3600) + ' h ' + String(Math.floor((s % 3600) / 60)).padStart(2, '0') + ' min';
  }
  function ms(m) {
    if (m == null) return '-';
    if (m < 1000) return m + ' ms';
    if (m < 60000) return (m / 1000).toFixed(1) + ' s';
    return secs(Math.floor(m / 1000));
  }
  function time(t) { return t ? esc(String(t).replace('T', ' ').replace(/\.\d+Z$/, 'Z')) : '-'; }
  function tone(state) {
    return { PRIMARY_ACTIVE: 'ok', STANDBY_ACTIVE: 'warn', DEGRADED: 'bad' }[state] || 'moving';
  }

  function render(d) {
    document.title = 'Baton: ' + d.state;
    $('head').className = 'tone-' + tone(d.state);
    $('state').textContent = d.state;
    $('active-site').textContent = d.activeSite;
    $('epoch').textContent = d.epoch;
    $('last24h').textContent = d.failoversLast24h;
    $('leader').textContent = d.leader ? 'this instance leads' : 'standby coordinator';
    var flags = '';
    if (d.frozen) flags += '<span class="flag bad">FROZEN' + (d.frozenUntil ? ' until ' + time(d.frozenUntil) : '') + ': ' + esc(d.frozenReason) + '</span>';
    if (d.cooldownUntil) flags += '<span class="flag warn">cooldown until ' + time(d.cooldownUntil) + '</span>';
    $('flags').innerHTML = flags;
    $('live').textContent = 'live · as of ' + time(d.generatedAt).replace(/&[a-z]+;/g, '');

    $('observers').innerHTML = d.observers.map(function (o) {
      var sites = o.sites.map(function (s) {
        return '<div><span class="st st-' + esc(s.status) + '">' + esc(s.site) + ' ' + esc(s.status) + '</span> for ' + secs(s.forSeconds) +
          (s.checks.length ? ' <small>' + s.checks.map(esc).join(' ') + '</small>' : '') + '</div>';
      }).join('');
      return '<tr class="' + (o.stale ? 'stale' : '') + '"><td>' + esc(o.name) + '</td><td>' +
        (o.ageSeconds != null ? secs(o.ageSeconds) + ' ago' : 'never') + (o.stale ? ' <span class="flag bad">stale</span>' : '') +
        '</td><td>' + sites + '</td></tr>';
    }).join('');

    $('sync').innerHTML = d.sync.map(function (r) {
      return '<tr><td>' + esc(r.target) + '</td><td>' + time(r.lastSuccessAt) + '</td><td>' +
        (r.problem ? '<span class="flag warn">' + esc(r.problem) + '</span>' : secs(r.lagSeconds)) + '</td></tr>';
    }).join('');

    var dec = d.decision;
    $('decision').innerHTML = dec
      ? '<p><b class="action-' + esc(dec.action) + '">' + esc(dec.action) + '</b> ' + esc(dec.from) + ' → ' + esc(dec.to) +
        ', decided ' + secs(dec.ageSeconds) + ' ago</p><ul class="conditions">' + dec.conditions.map(function (c) {
          return '<li class="' + (c.held ? 'held' : 'unmet') + '">' + (c.held ? '✔' : '✘') + ' ' + esc(c.name) + ': ' + esc(c.detail) + '</li>';
        }).join('') + '</ul>'
      : '<p>No decision yet: the policy has not evaluated since this coordinator started.</p>';

    var cur = d.current;
    $('current').innerHTML = cur
      ? '<p><b>' + esc(cur.kind) + '</b> ' + esc(cur.from) + ' → ' + esc(cur.to) + ' (' + esc(cur.trigger) + '): <b>' + esc(cur.status) +
        '</b>, ' + ms(cur.durationMs) + ' · <code>' + esc(cur.id) + '</code></p><ol class="steps">' + cur.steps.map(function (s) {
          return '<li class="st-' + esc(s.status) + '">' + esc(s.name) + ' <i>' + esc(s.status) + '</i> ' + ms(s.durationMs) +
            (s.detail ? ' <small>' + esc(s.detail) + '</small>' : '') + '</li>';
        }).join('') + '</ol>'
      : '<p>None running.</p>';

    $('recent').innerHTML = d.recent.map(function (op) {
      return '<tr><td>' + time(op.startedAt) + '</td><td>' + esc(op.kind) + ' ' + esc(op.from) + ' → ' + esc(op.to) + '</td><td>' +
        esc(op.status) + '</td><td>' + ms(op.durationMs) + '</td><td>' + (op.rpoSeconds == null ? '-' : op.rpoSeconds.toFixed(1) + ' s') + '</td></tr>';
    }).join('');
  }

  if (!window.EventSource) return;
  var source = new EventSource('/api/v1/status/stream');
  source.onmessage = function (e) {
    try { render(JSON.parse(e.data)); } catch (err) { $('live').textContent = 'could not read an update: ' + err; }
  };
  source.onerror = function () { $('live').textContent = 'disconnected from the coordinator, retrying…'; };
})();
