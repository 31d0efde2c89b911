// Peregrine's status page: one JSON sample per Server-Sent Event, drawn as numbers and
// last-minute charts. No library: the page must load with nothing but this server.
"use strict";

const HISTORY = 60; // samples kept for the charts: one minute at one per second
const history = { requests: [], p50: [], p90: [], p99: [], open: [], out: [], in: [] };
let samples = 0;

const $ = (id) => document.getElementById(id);

function count(n) {
  return Math.round(n).toLocaleString("en-US");
}

function rate(n) {
  return n >= 100 ? count(n) : n.toFixed(n >= 10 ? 1 : 2);
}

function seconds(s) {
  if (s <= 0) return "–";
  if (s < 1e-3) return (s * 1e6).toFixed(0) + " µs";
  if (s < 1) return (s * 1e3).toFixed(s < 0.01 ? 2 : 1) + " ms";
  return s.toFixed(2) + " s";
}

function bytes(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? Math.round(n) : n.toFixed(1)) + " " + units[i];
}

function push(series, value) {
  series.push(value);
  if (series.length > HISTORY) series.shift();
}

/** Draws series (arrays of numbers) into an SVG as polylines on a shared scale from 0. */
function chart(svg, series, format) {
  const max = Math.max(1e-12, ...series.flat());
  const ns = "http://www.w3.org/2000/svg";
  svg.replaceChildren();
  series.forEach((values, k) => {
    const line = document.createElementNS(ns, "polyline");
    const step = 300 / (HISTORY - 1);
    const offset = HISTORY - values.length;
    line.setAttribute("points", values.map((v, i) =>
      ((offset + i) * step).toFixed(1) + "," + (78 - (v / max) * 70).toFixed(1)).join(" "));
    line.setAttribute("class", "s" + k);
    svg.append(line);
  });
  const label = document.createElementNS(ns, "text");
  label.setAttribute("x", "2");
  label.setAttribute("y", "9");
  label.textContent = format(max);
  svg.append(label);
}

function list(dl, entries) {
  dl.replaceChildren();
  for (const [name, value] of entries) {
    const dt = document.createElement("dt");
    dt.textContent = name;
    const dd = document.createElement("dd");
    dd.textContent = value;
    dl.append(dt, dd);
  }
}

const PROTOCOLS = { "1.0": "HTTP/1.0", "1.1": "HTTP/1.1", "2": "HTTP/2", "3": "HTTP/3" };

function show(s) {
  samples++;
  $("state").textContent = "live · " + new Date(s.time).toLocaleTimeString();
  $("state").className = "state live";
  document.body.dataset.samples = String(samples); // for tests: how many samples were drawn

  $("requests-rate").textContent = rate(s.requests.perSecond);
  $("requests-total").textContent = count(s.requests.total);
  $("requests-active").textContent = count(s.requests.active);
  push(history.requests, s.requests.perSecond);
  chart($("chart-requests"), [history.requests], (m) => rate(m) + "/s");

  const classes = s.requests.byStatusClass;
  const all = Object.values(classes).reduce((a, b) => a + b, 0);
  $("status-classes").replaceChildren(...Object.entries(classes).map(([cls, n]) => {
    const span = document.createElement("span");
    span.className = "c" + cls.charAt(0);
    span.style.width = (100 * n / Math.max(1, all)) + "%";
    span.title = cls + ": " + count(n);
    return span;
  }));

  $("latency-p50").textContent = seconds(s.latency.p50);
  $("latency-p50-2").textContent = seconds(s.latency.p50);
  $("latency-p90").textContent = seconds(s.latency.p90);
  $("latency-p99").textContent = seconds(s.latency.p99);
  push(history.p50, s.latency.p50);
  push(history.p90, s.latency.p90);
  push(history.p99, s.latency.p99);
  chart($("chart-latency"), [history.p50, history.p90, history.p99], seconds);

  $("connections-open").textContent = count(s.connections.open);
  push(history.open, s.connections.open);
  chart($("chart-connections"), [history.open], count);
  const detail = [["TLS", count(s.connections.tls)]];
  for (const [p, n] of Object.entries(s.connections.byProtocol)) detail.push([PROTOCOLS[p] || p, count(n)]);
  for (const [state, n] of Object.entries(s.connections.byState)) detail.push([state, count(n)]);
  detail.push(["accepted", count(s.connections.accepted)], ["rejected", count(s.connections.rejected)]);
  list($("connections-detail"), detail);

  $("bytes-out-rate").textContent = bytes(s.bytes.outPerSecond);
  $("bytes-in-rate").textContent = bytes(s.bytes.inPerSecond);
  $("bytes-out").textContent = bytes(s.bytes.out);
  $("bytes-in").textContent = bytes(s.bytes.in);
  push(history.out, s.bytes.outPerSecond);
  push(history.in, s.bytes.inPerSecond);
  chart($("chart-bytes"), [history.out, history.in], (m) => bytes(m) + "/s");

  const e = s.errors;
  const errors = [];
  for (const [status, n] of Object.entries(e.badRequests)) errors.push(["bad request " + status, count(n)]);
  errors.push(["handler errors", count(e.handlerErrors)]);
  for (const [kind, n] of Object.entries(e.timeouts)) errors.push(["timeout: " + kind.replaceAll("_", " "), count(n)]);
  for (const [code, n] of Object.entries(e.protocolErrors)) errors.push(["protocol error " + code, count(n)]);
  for (const [code, n] of Object.entries(e.streamResets)) errors.push(["stream reset " + code, count(n)]);
  if (e.acceptErrors) errors.push(["accept errors", count(e.acceptErrors)]);
  list($("errors"), errors);

  $("tls-handshakes").textContent = count(s.tls.handshakes);
  $("tls-failed").textContent = count(s.tls.failed);
  $("tls-active").textContent = count(s.tls.active);
  $("tls-p50").textContent = seconds(s.tls.p50);

  const rows = s.routes.map((r) => {
    const tr = document.createElement("tr");
    for (const text of [r.route, count(r.requests), seconds(r.p50), seconds(r.p99)]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  });
  if (rows.length) $("routes").replaceChildren(...rows);
}

function connect() {
  const token = new URLSearchParams(location.search).get("token");
  const events = new EventSource("/.peregrine/status/events" + (token ? "?token=" + encodeURIComponent(token) : ""));
  let last = null;
  events.onmessage = (m) => {
    const sample = JSON.parse(m.data);
    last = new Date(sample.time).toLocaleTimeString();
    show(sample);
  };
  events.onerror = () => {
    // CLOSED: the server answered 204 (its page was closed, e.g. while stopping); else the browser retries.
    const closed = events.readyState === EventSource.CLOSED;
    $("state").textContent = (closed ? "stopped" : "reconnecting…") + (last ? " · last sample " + last : "");
    $("state").className = "state " + (closed ? "stopped" : "lost");
  };
}

connect();
