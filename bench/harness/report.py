"""Results -> Markdown table (each peer's figure and Peregrine's ratio to it), SVG charts, JSON."""

import html
import json
import os
import shutil

from guesses import GUESSES

BASE = "peregrine"
BEHIND_MARGIN = 0.05   # within 5% counts as level: single runs on a shared machine are noisier than that
COLORS = {"peregrine": "#d9480f", "peregrine-log": "#f08c00"}
OTHER = "#4c6ef5"
NATIVE = "#868e96"
NO_HTTPS = "no HTTPS listener"  # skip reason of servers without HTTPS: their cells read "–", not "n/a"
# skip reason of servers whose TLS listener is there for h2 only (https-* rows): "–" as well
NOT_COMPARED = "not in the https-* comparison"
# skip reason of a server that is only in the h3 rows (Caddy) for every other row: "–" as well
# (results.json of earlier runs; servers.NO_APP says it now)
H3_ONLY = "only in the h3 rows"
NO_APP = "not in the app rows"  # servers.NO_APP: Caddy and peregrine-log in the app rows
NOT_IN_SERVE = "not in the serve-* rows"  # serve.NOT_IN_SERVE: servers without a static-file launch
DASH = (NO_HTTPS, NOT_COMPARED, H3_ONLY, NO_APP, NOT_IN_SERVE)
VERSION_OF = {"jdk": "jdk-httpserver", "peregrine-log": "peregrine-cli"}  # servers whose version has another key


def ratio(metric, mine, theirs):
    """Peregrine ÷ peer. For higher-is-better metrics > 1 means Peregrine is ahead, for
    lower-is-better ones < 1 does."""
    if mine is None or theirs is None or mine <= 0 or theirs <= 0:
        return None  # a delta at or below zero is noise around nothing: no ratio
    return mine / theirs


def is_behind(metric, r):
    if r is None:
        return False
    return r < 1 - BEHIND_MARGIN if metric.better == "higher" else r > 1 + BEHIND_MARGIN


def figure(summary, sc, server, metric):
    return summary.get(sc, {}).get(server, {}).get(metric.key)


def _arrow(metric):
    return "↑" if metric.better == "higher" else "↓"


def markdown(results, scenarios, servers):
    meta, summary, skipped = results["meta"], results["summary"], results["skipped"]
    m, v, c = meta["machine"], meta["versions"], meta["config"]
    lines = [
        "# Peregrine side-by-side benchmark",
        "",
        f"**{meta['date']}** · mode `{meta['mode']}` · {c['rounds']} round(s) × {c['duration']} s per scenario "
        f"(+{c['warmup']} s warm-up per endpoint" + (f", {c['h3_warmup']} s before a server's first HTTP/3 row" if c.get('h3_warmup', c['warmup']) != c['warmup'] else "") + f") · commit `{m.get('commit', '?')}`",
        "",
        f"Machine: {m.get('cpu', '?')}, {m.get('cpus', '?')} CPUs, {m.get('memory', '?')}, {m.get('os', '?')}, "
        f"kernel {m.get('kernel', '?')}. {meta['pinning']}.",
        "",
        "Figures are medians over rounds; every ratio is **Peregrine ÷ that peer**, measured in the same run on "
        "the same machine — never an absolute claim. ↑ higher is better (ratio > 1: Peregrine ahead); "
        "↓ lower is better (ratio < 1: Peregrine ahead). **Bold** ratios: Peregrine behind by more than "
        f"{int(BEHIND_MARGIN * 100)}%.",
        "",
    ]
    if meta["mode"] != "full":
        lines += [f"> This is a `{meta['mode']}` run: short measurements, single round. Treat the figures as a "
                  "smoke signal, not a result; `bench/run` (full) on a quiet machine gives the real ones.", ""]
    if meta.get("stopped_early"):
        lines += ["> The run reached its time budget and stopped early: some cells are empty.", ""]
    lines += ["## Results", ""]
    head = ["Scenario", "Metric"] + servers
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * 2 + "---:|" * len(servers))
    behind = []
    for sc in scenarios:
        for metric in sc.metrics:
            mine = figure(summary, sc.name, BASE, metric)
            cells = []
            for s in servers:
                f = figure(summary, sc.name, s, metric)
                if f is None:
                    why = skipped.get(sc.name, {}).get(s)
                    cells.append("n/a" if why and not why.startswith(DASH) else "–")
                    continue
                txt = metric.format(f["median"])
                note = meta.get("serve", {}).get("cell_notes", {}).get(sc.name, {}).get(s)
                if note:
                    txt += f" [{note}]"
                if s != BASE and mine is not None:
                    r = ratio(metric, mine["median"], f["median"])
                    if r is not None:
                        rtxt = f"{r:.2f}×"
                        if is_behind(metric, r):
                            rtxt = f"**{rtxt}**"
                            behind.append((sc, metric, s, r))
                        txt += f" ({rtxt})"
                cells.append(txt)
            label = sc.name if len(sc.metrics) == 1 else f"{sc.name}"
            lines.append(f"| {label} | {metric.label} ({metric.unit}) {_arrow(metric)} | " + " | ".join(cells) + " |")
    lines += ["", "Scenarios:", ""]
    for sc in scenarios:
        lines.append(f"- `{sc.name}` — {sc.title}. Chart: [charts/{sc.name}.svg](charts/{sc.name}.svg)")
    lines += ["", "## Where Peregrine is behind", ""]
    if not behind:
        lines.append("Nowhere by more than the margin in this run.")
    else:
        lines.append("| Scenario | Metric | Behind (Peregrine ÷ peer) | First guess why |")
        lines.append("|---|---|---|---|")
        grouped = {}
        for sc, metric, s, r in behind:
            grouped.setdefault((sc.name, metric.key, metric.label), []).append((s, r))
        for (scn, key, label), peers in grouped.items():
            guesses = {GUESSES.get((scn, s)) for s, _ in peers if GUESSES.get((scn, s))}
            g = (" ".join(sorted(guesses)) or GUESSES.get(f"{scn}/{key}") or GUESSES.get(scn)
                 or "not analysed yet")
            who = ", ".join(f"{s} {r:.2f}×" for s, r in peers)
            lines.append(f"| {scn} | {label} | {who} | {g} |")
    serve_only = all(sc.protocol == "serve" for sc in scenarios)
    lines += ["", "## Method", "",
              f"- Command: `{meta['command']}`; total {meta.get('elapsed_s', '?')} s.",
              ] + ([
              f"- Each round starts every server afresh (order reversed on alternate rounds), measures launch to "
              f"first `200 Hello, World!`, checks every endpoint, runs the idle-connection scenarios on the fresh "
              f"process, then warms each endpoint with wrk (HTTP/2 rows: h2load) for {c['warmup']} s before its first scenario, runs "
              f"the others, and stops it.",
              ] if not serve_only else [
              f"- Each round starts every server afresh (order reversed on alternate rounds), waits for its first "
              f"`200` of `/small.txt`, checks each row's file, warms each endpoint with wrk for {c['warmup']} s "
              f"before its first row, runs the rows, and stops it.",
              ]) + [
              f"- Identical JVM flags for every Java server: `{' '.join(meta['jvm_flags'])}`.",
              ] + ([
              "- HTTP/1.1 throughput: wrk, one thread. Latency: h2load open-model at a fixed rate "
              f"({meta['latency_rate']}), percentiles from its per-request log (no coordinated-omission correction "
              "beyond the fixed schedule). Idle connections: a Python client opens the connections (one request "
              "each), holds them; `jcmd GC.run` + `jstat -gc` give heap after GC, /proc gives RSS (server and its "
              "children); per-connection figures are the before/after deltas divided by the connections held.",
              ] if not serve_only else []) + ([
              "- HTTPS (`https-*` rows): HTTP/1.1 over TLS 1.3 on a second port, one self-signed EC P-256 "
              "certificate (PKCS#12, made per run with keytool) for every server, each server's default cipher "
              "suites; **Peregrine, Netty and Jetty, the three servers of these rows, all use the JDK's TLS "
              "(SunJSSE)** — Netty with `SslProvider.JDK`, not OpenSSL — so the rows compare the servers, not "
              "TLS libraries. wrk (OpenSSL, no certificate check, no session resumption) is the client; "
              "`https-conn-close` is a full handshake per request."
              ] if any(sc.protocol == "https" for sc in scenarios) else []) + ([
              "- HTTP/2 (`h2c-*`, `h2-*` rows): h2load, one thread, closed loop (each stream sends its next "
              "request when the last one is answered), so p50/p99 are the latency at saturation, from h2load's "
              "per-request log. Count-based runs (`-n N`, N = the duration times the rate of the warm-up or of "
              "a calibration run of one request per stream; smoke: one request per stream), since Debian's "
              "h2load 1.52 can hang at the end of a timed (`-D`) TLS run. `h2c-*` by prior knowledge on the plain port (nginx: a port of its own), `h2-*` "
              "by ALPN offering only `h2` on the TLS port (TLS 1.3, the run's certificate; the JDK's TLS for "
              "the Java servers, OpenSSL for nginx and h2o). Each server's default HTTP/2 settings (stream "
              "limits, windows); h2load's windows are 2^30-1. Every HTTP/2 endpoint is checked first (`nghttp -v` "
              "for :status 200 and the body, `h2load -n1` for the file's DATA bytes); a failed check is n/a. "
              "Commands: " + "; ".join(f"`{n}`: `{c}`" for n, c in meta["h2load"].items()) + "."
              ] if meta.get("h2load") else []) + ([
              "- HTTP/3 (`h3-*` rows): H3Load, the harness's own closed-loop client on Netty's HTTP/3 client "
              "codec (Netty QUIC 4.2.18: quiche + BoringSSL; one event-loop thread, epoll with recvmmsg and GSO), "
              "the same for every server: N QUIC connections (one UDP socket and client codec each) x M "
              "concurrent request streams, a new stream as soon as one completes; a response counts at its "
              "FIN with status 200. Each server's HTTP/3 app runs in a launch of its own, UDP on the TLS "
              "port, with the run's certificate (PEM for Netty, Peregrine and Caddy, the PKCS#12 file for "
              "Jetty); GET /plaintext over HTTP/3 is the readiness check and each file row's file is fetched "
              "whole once first. Warm-up in the same client process (its JIT warms too): "
              + f"{c.get('h3_warmup', c['warmup'])} s before a server's first HTTP/3 row (the JVM servers' C2 "
              "compiler is busy for about 20 s under this load, docs/http3.md), "
              + f"{c['warmup']} s before its others, then the measured "
              "seconds; MiB/s counts body bytes as they arrive. `raw.server_cpu` / `raw.client_cpu` in "
              "results.json tell which side was the limit, `raw.server_runq_wait` / `raw.client_runq_wait` "
              "(seconds per second spent waiting for a CPU) whether anything else was running. Commands: "
              + "; ".join(f"`{n}`: `{c}`" for n, c in meta["h3load"].items()) + "."
              ] if meta.get("h3load") else []) + _serve_method(meta) + ([
              "- TLS negotiated by an OpenSSL client (HTTP/1.1) on each TLS listener: "
              + "; ".join(f"{k} {t}" for k, t in meta["tls"].items()) + "."
              ] if meta.get("tls") else []) + [
              "", "Servers as configured (see peregrine-benchmarks/src/main/java/dev/peregrine/bench/apps and "
              "bench/harness/servers.py):", ""]
    for s in servers:
        lines.append(f"- **{s}** ({v.get(s) or v.get(VERSION_OF.get(s, s)) or '?'}): "
                     f"{meta['servers'].get(s, '')}")
    lines += ["", "## Versions", ""]
    for k, val in v.items():
        lines.append(f"- {k}: {val}")
    lines += ["", "## Details", ""]
    for sc in scenarios:
        lines += [f"### {sc.name} — {sc.title}", "", f"![{sc.name}](charts/{sc.name}.svg)", ""]
        lines.append("| Server | " + " | ".join(f"{m.label} ({m.unit}) median [min – max]" for m in sc.metrics) + " |")
        lines.append("|---|" + "---:|" * len(sc.metrics))
        for s in servers:
            cells = []
            for metric in sc.metrics:
                f = figure(summary, sc.name, s, metric)
                cells.append("–" if f is None else
                             f"{metric.format(f['median'])} [{metric.format(f['min'])} – {metric.format(f['max'])}] "
                             f"n={f['n']}")
            why = skipped.get(sc.name, {}).get(s)
            if why and all(c == "–" for c in cells):
                cells = [f"n/a: {why}"] + [""] * (len(cells) - 1)
            lines.append(f"| {s} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines) + "\n"


def _serve_method(meta):
    """The Method bullets of the serve-* rows: docroot, commands, the gzip check's findings."""
    sv = meta.get("serve")
    if not sv:
        return []
    files = ", ".join(f"`/{k}` ({v['size']:,} B)" for k, v in sv["manifest"].items())
    out = ["- Static files (`serve-*` rows): each server in a launch of its own on the plain port, serving one "
           f"docroot written per run in a temporary directory (deterministic, seeded content): {files}; the "
           "`.bin` files are pseudo-random (incompressible), the text compresses about 5:1 (gzip -9), its `.gz` sibling "
           "is for servers that serve precompressed files. HTTP/1.1 over plain TCP, wrk with one thread, "
           "keep-alive. Before any load each row's file is fetched once with `curl --http1.1` (status 200, every "
           "byte; for the gzip row with `Accept-Encoding: gzip`, the Content-Encoding seen and the decoded body); "
           "a server that fails it is n/a. The gzip row's figure is responses/s of whatever the server sent; a "
           "server that sends it uncompressed is marked `[not compressed]`. Commands: "
           + "; ".join(f"`{n}`: `{c}`" for n, c in sv["wrk"].items()) + "."]
    out.append("- Static-file launches (configurations under the run's `work/`, described under Servers below "
               "in a serve-only run): " + "; ".join(f"**{n}** `{c}`" for n, c in sv["commands"].items()) + ".")
    if sv.get("gzip"):
        out.append("- gzip check (`serve-gzip-100k`, `curl -H 'Accept-Encoding: gzip'`): "
                   + "; ".join(f"{n}: {g}" for n, g in sv["gzip"].items()) + ".")
    return out


def svg_chart(results, sc, servers):
    """Horizontal bars, one panel per metric: median bar, min–max whisker, Peregrine highlighted."""
    summary = results["summary"]
    width, label_w, bar_w, row_h, gap = 820, 110, 520, 20, 6
    y = 58
    parts = []
    for metric in sc.metrics:
        rows = [(s, figure(summary, sc.name, s, metric)) for s in servers]
        rows = [(s, f) for s, f in rows if f is not None]
        parts.append(f'<text x="10" y="{y}" class="t">{html.escape(metric.label)} ({html.escape(metric.unit)}) '
                     f'{"higher" if metric.better == "higher" else "lower"} is better</text>')
        y += 10
        if not rows:
            parts.append(f'<text x="{label_w}" y="{y + 14}" class="l">no data</text>')
            y += row_h + gap + 16
            continue
        top = max(max(f["max"], f["median"]) for _, f in rows)
        top = top if top > 0 else 1
        mine = figure(summary, sc.name, BASE, metric)
        for s, f in rows:
            w = bar_w * max(f["median"], 0) / top
            color = COLORS.get(s, NATIVE if s in ("nginx", "h2o", "caddy") else OTHER)
            parts.append(f'<text x="{label_w - 8}" y="{y + 14}" class="l" text-anchor="end">{html.escape(s)}</text>')
            parts.append(f'<rect x="{label_w}" y="{y}" width="{max(w, 1):.1f}" height="{row_h}" fill="{color}"/>')
            x0 = label_w + bar_w * max(f["min"], 0) / top
            x1 = label_w + bar_w * max(f["max"], 0) / top
            if f["n"] > 1:
                parts.append(f'<line x1="{x0:.1f}" y1="{y + row_h / 2}" x2="{x1:.1f}" y2="{y + row_h / 2}" class="w"/>')
                parts.append(f'<line x1="{x0:.1f}" y1="{y + 4}" x2="{x0:.1f}" y2="{y + row_h - 4}" class="w"/>')
                parts.append(f'<line x1="{x1:.1f}" y1="{y + 4}" x2="{x1:.1f}" y2="{y + row_h - 4}" class="w"/>')
            txt = metric.format(f["median"])
            if s != BASE and mine is not None:
                r = ratio(metric, mine["median"], f["median"])
                if r is not None:
                    txt += f"  (Peregrine {r:.2f}×)"
            parts.append(f'<text x="{label_w + max(w, x1 - label_w) + 6:.1f}" y="{y + 14}" class="v">{html.escape(txt)}</text>')
            y += row_h + gap
        y += 24
    height = y
    title = html.escape(f"{sc.name}: {sc.title}")
    sub = html.escape(f"{results['meta']['date']} · {results['meta']['mode']} · medians, whiskers min–max")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Arial, sans-serif">\n'
            '<style>.t{font-size:13px;font-weight:bold}.l{font-size:12px}.v{font-size:11px;fill:#333}'
            '.w{stroke:#111;stroke-width:1.2}.s{font-size:11px;fill:#666}</style>\n'
            f'<rect width="100%" height="100%" fill="white"/>\n'
            f'<text x="10" y="18" class="t">{title}</text>\n<text x="10" y="34" class="s">{sub}</text>\n'
            + "\n".join(parts) + "\n</svg>\n")


def write(results, scenarios, servers, out):
    charts = os.path.join(out, "charts")
    os.makedirs(charts, exist_ok=True)
    for sc in scenarios:
        with open(os.path.join(charts, f"{sc.name}.svg"), "w") as f:
            f.write(svg_chart(results, sc, servers))
    md = os.path.join(out, "report.md")
    with open(md, "w") as f:
        f.write(markdown(results, scenarios, servers))
    return {"markdown": md, "charts": charts}


def publish(results, scenarios, servers, out, dest):
    """Copies the report, its charts and the JSON (without per-run raw rows) to docs/benchmarks."""
    os.makedirs(os.path.join(dest, "charts"), exist_ok=True)
    shutil.copy(os.path.join(out, "report.md"), os.path.join(dest, "report.md"))
    for sc in scenarios:
        shutil.copy(os.path.join(out, "charts", f"{sc.name}.svg"), os.path.join(dest, "charts", f"{sc.name}.svg"))
    slim = {k: v for k, v in results.items() if k != "raw"}
    with open(os.path.join(dest, "results.json"), "w") as f:
        json.dump(slim, f, indent=1)
