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
    var dc = d.decider;
    $('decider').textContent = 'decisions in ' + dc.store + (dc.quorum ? (dc.leader ? ', leader ' + dc.leader : '') + ', term ' + dc.term : '');
    var flags = '';
    if (!dc.quorum) flags += '<span class="flag bad" id="no-quorum">' + esc(dc.problem) + ': nothing fails over, fails back or fences; shown as last read</span>';
    if (d.frozen) flags += '<span class="flag bad">FROZEN' + (d.frozenUntil ? ' until ' + time(d.frozenUntil) : '') + ': ' + esc(d.frozenReason) + '</span>';
    if (d.cooldownUntil) flags += '<span class="flag warn">cooldown until ' + time(d.cooldownUntil) + '</span>';
    $('flags').innerHTML = flags;
    $('live').textContent = 'live · as of ' + time(d.generatedAt).replace(/&[a-z]+;/g, '');

    var cur = d.current;
    $('current').innerHTML = cur
      ? '<p><b>' + esc(cur.kind) + '</b> ' + esc(cur.from) + ' → ' + esc(cur.to) + ' (' + esc(cur.trigger) + '): <b class="st-' + esc(cur.status) + '">' +
        esc(cur.status) + '</b>, ' + ms(cur.durationMs) + ' · <code>' + esc(cur.id) + '</code>' +
        (cur.sessionRelease && cur.sessionRelease !== '-' ? ' · broker session released by ' + esc(cur.sessionRelease) + ' the fence' : '') +
        '</p><ol class="steps">' + cur.steps.map(function (s) {
          return '<li class="st-' + esc(s.status) + '">' + esc(s.name) + ' <i>' + esc(s.status) + '</i> ' + ms(s.durationMs) +
            (s.detail ? ' <small>' + esc(s.detail) + '</small>' : '') + '</li>';
        }).join('') + '</ol>'
      : '<p class="quiet">None running.</p>';

    var dec = d.decision;
    $('decision').innerHTML = dec
      ? '<p><b class="action-' + esc(dec.action) + '">' + esc(dec.action) + '</b> ' + esc(dec.from) + ' → ' + esc(dec.to) +
        ', decided ' + secs(dec.ageSeconds) + ' ago</p><ul class="conditions">' + dec.conditions.map(function (c) {
          return '<li class="' + (c.held ? 'held' : 'unmet') + '">' + (c.held ? '✔' : '✘') + ' ' + esc(c.name) + ': ' + esc(c.detail) + '</li>';
        }).join('') + '</ul>'
      : '<p class="quiet">No decision yet: the policy has not evaluated since this coordinator started.</p>';

    $('observers').innerHTML = d.observers.map(function (o) {
      var sites = o.sites.map(function (s) {
        return '<div><span class="st st-' + esc(s.status) + '">' + esc(s.site) + ' ' + esc(s.status) + '</span> for ' + secs(s.forSeconds) + '</div>';
      }).join('');
      return '<tr class="' + (o.stale ? 'stale' : '') + '"><td>' + esc(o.name) + '</td><td>' +
        (o.ageSeconds != null ? secs(o.ageSeconds) + ' ago' : 'never') + (o.stale ? ' <span class="flag bad">stale</span>' : '') +
        '</td><td>' + sites + '</td></tr>';
    }).join('');

    $('checks').innerHTML = d.checks.length ? d.checks.map(function (t) {
      return '<h3>' + esc(t.site) + '</h3><div class="scroll"><table class="checks"><thead><tr><th>check</th>' + t.observers.map(function (o) {
        return '<th>' + esc(o) + '</th>';
      }).join('') + '</tr></thead><tbody>' + t.checks.map(function (c) {
        return '<tr><td>' + esc(c.name) + ' <small>' + esc(c.type) + '</small></td>' + c.cells.map(function (x) {
          return '<td>' + (x.status ? '<span class="st st-' + esc(x.status) + '">' + esc(x.status) + '</span> ' + ms(x.latencyMs)
            : '<span class="quiet">-</span>') + '</td>';
        }).join('') + '</tr>' + c.problems.map(function (p) {
          return '<tr class="why"><td colspan="' + (t.observers.length + 1) + '">' + esc(p) + '</td></tr>';
        }).join('');
      }).join('') + '</tbody></table></div>';
    }).join('') : '<p class="quiet">No check results reported yet.</p>';

    $('sync').innerHTML = d.sync.map(function (r) {
      return '<tr><td>' + esc(r.target) + '</td><td>' + time(r.lastSuccessAt) + '</td><td>' +
        (r.problem ? '<span class="flag warn">' + esc(r.problem) + '</span>' : secs(r.lagSeconds)) + '</td></tr>';
    }).join('');

    $('dns').innerHTML = d.dns ? dns(d.dns) : '<p class="quiet">No DNS record configured (baton.coordinator.dns.zone and name).</p>';

    $('recent').innerHTML = d.recent.map(function (op) {
      return '<tr><td>' + time(op.startedAt) + '</td><td>' + esc(op.kind) + ' ' + esc(op.from) + ' → ' + esc(op.to) + '</td><td class="st-' +
        esc(op.status) + '">' + esc(op.status) + '</td><td>' + ms(op.durationMs) + '</td><td>' +
        (op.rpoSeconds == null ? '-' : op.rpoSeconds.toFixed(1) + ' s') + '</td><td>' + esc(op.sessionRelease) + '</td></tr>';
    }).join('');
  }

  function dns(r) {
    var html = '<p><b>' + esc(r.name) + ' ' + esc(r.type) + '</b> → ' +
      (r.pointsTo ? esc(r.pointsTo) + (r.ttl != null ? ', TTL ' + esc(r.ttl) : '') : '<span class="flag warn">unknown</span>') +
      (r.atActive === true ? ' <span class="flag ok">active site\'s value</span>' : '') +
      (r.atActive === false ? ' <span class="flag bad">not the active site\'s value ' + esc(r.expected) + '</span>' : '') + '</p>' +
      '<p>propagation: <b class="prop-' + esc(r.propagation) + '">' + esc(r.propagation) + '</b>' +
      (r.propagationDetail ? ' · ' + esc(r.propagationDetail) : '') +
      (r.ageSeconds != null ? ' · checked ' + secs(r.ageSeconds) + ' ago' : '') +
      (r.problem ? ' <span class="flag warn">' + esc(r.problem) + '</span>' : '') + '</p>';
    if (r.nameservers.length) {
      html += '<div class="scroll"><table><thead><tr><th>nameserver</th><th>answers</th><th></th></tr></thead><tbody>' + r.nameservers.map(function (n) {
        return '<tr><td>' + esc(n.server) + '</td><td>' + esc(n.answers) + '</td><td class="' + (n.matches ? 'held' : 'unmet') + '">' +
          (n.matches ? '✔' : '✘') + (n.error ? ' <small>' + esc(n.error) + '</small>' : '') + '</td></tr>';
      }).join('') + '</tbody></table></div>';
    }
    return html;
  }

  // "What if?": POST /api/v1/replay with the recorded settings and the edited ones; the token stays in this page
  var whatif = $('whatif');
  if (whatif) {
    whatif.onsubmit = function (e) {
      e.preventDefault();
      var edited = {};
      ['confirmation', 'quorum', 'staleness'].forEach(function (k) {
        var v = whatif.elements[k].value.trim();
        if (v) edited[k] = v;
      });
      var out = $('whatif-result');
      if (!Object.keys(edited).length) { out.innerHTML = '<p class="flag warn">Change a setting first.</p>'; return; }
      out.innerHTML = '<p class="quiet">replaying…</p>';
      fetch('/api/v1/replay', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Authorization': 'Bearer ' + whatif.elements.token.value },
        body: JSON.stringify({ candidates: [{}, edited], days: Number(whatif.elements.days.value) || 7 })
      }).then(function (r) {
        return r.json().then(function (body) { return { ok: r.ok, body: body }; });
      }).then(function (r) {
        out.innerHTML = r.ok ? replayTable(r.body) : '<p class="flag bad">' + esc(r.body.detail || r.body.title || 'the replay failed') + '</p>';
      }).catch(function (err) { out.innerHTML = '<p class="flag bad">' + esc(err) + '</p>'; });
    };
  }

  function replayTable(v) {
    var judged = v.candidates.some(function (c) { return c.judged; });
    return '<p>' + esc(v.verdictReports) + ' verdict reports from ' + time(v.from) + ' to ' + time(v.to) + ', ' + esc(v.labels) + ' label(s)' +
      (judged ? '' : ' (no ground truth: false and missed failovers cannot be told)') + '</p>' +
      '<div class="scroll"><table><thead><tr><th>setting</th><th>failovers</th><th>as recorded</th><th>extra</th><th>avoided</th>' +
      '<th>false</th><th>missed</th><th>detection p50 / p99</th></tr></thead><tbody>' + v.candidates.map(function (c) {
        return '<tr><td>' + esc(c.candidate) + (c.pareto ? ' ★' : '') + '</td><td>' + esc(c.failovers) + '</td><td>' + esc(c.sameAsRecorded) +
          ' of ' + esc(c.recordedFailovers) + '</td><td>' + esc(c.extra) + '</td><td>' + esc(c.avoided) + '</td><td>' +
          (c.falseFailovers == null ? '-' : esc(c.falseFailovers) + (c.notJudged ? ' (+' + esc(c.notJudged) + ' not judged)' : '')) + '</td><td>' + (c.missed == null ? '-' : esc(c.missed)) + '</td><td>' +
          ms(c.detectionP50Ms) + ' / ' + ms(c.detectionP99Ms) + '</td></tr>';
      }).join('') + '</tbody></table></div>' + v.candidates.filter(function (c) { return c.failoverList.length; }).map(function (c) {
        return '<p><b>' + esc(c.candidate) + '</b></p><ul>' + c.failoverList.map(function (f) {
          return '<li>' + time(f.at) + ' ' + esc(f.from) + ' → ' + esc(f.to) + (f.verdict === 'FALSE' ? ' <span class="flag bad">false failover</span>' : '') +
            (f.fromRecordedMs == null ? ' <span class="flag warn">not in the recording</span>' : '') + '</li>';
        }).join('') + '</ul>';
      }).join('');
  }

  if (!window.EventSource) return;
  var source = new EventSource('/api/v1/status/stream');
  source.onmessage = function (e) {
    try { render(JSON.parse(e.data)); } catch (err) { $('live').textContent = 'could not read an update: ' + err; }
  };
  source.onerror = function () { $('live').textContent = 'disconnected from the coordinator, retrying…'; };
})();
