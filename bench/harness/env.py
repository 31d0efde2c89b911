"""The machine side of a run: tools, the JDK, the build, versions, CPU pinning."""

import glob
import os
import platform
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH_MODULE = os.path.join(ROOT, "peregrine-benchmarks")

# Debian package for each command the scenarios may need.
TOOL_PACKAGES = {
    "wrk": "wrk",
    "h2load": "nghttp2-client",
    "nghttp": "nghttp2-client",
    "openssl": "openssl",
    "nginx": "nginx-light",
    "h2o": "h2o",
    "caddy": "caddy",
    "curl": "curl",
}


def log(msg):
    print(f"[bench] {msg}", flush=True)


def which(cmd):
    return shutil.which(cmd) or next((p for p in (f"/usr/sbin/{cmd}", f"/usr/bin/{cmd}") if os.access(p, os.X_OK)), None)


def ensure_tools(commands, install=True):
    """Installs the Debian packages of missing commands; `apt-get update` only when one is missing.
    Returns the set of commands still missing."""
    missing = sorted({c for c in commands if not which(c)})
    if missing and install:
        pkgs = sorted({TOOL_PACKAGES[c] for c in missing})
        if os.geteuid() != 0 or not shutil.which("apt-get"):
            log(f"missing {missing}; install {pkgs} (needs root and apt-get)")
        else:
            log(f"installing {' '.join(pkgs)} with apt-get")
            env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
            subprocess.run(["apt-get", "update", "-qq"], env=env, check=False,
                           stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, timeout=600)
            subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *pkgs], env=env,
                           check=False, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, timeout=900)
            # The Debian packages start their own services on install where an init system runs;
            # here there is none, but never leave a packaged daemon on the benchmark's CPUs.
            for svc in ("nginx", "h2o", "caddy"):
                if svc in missing:
                    subprocess.run(["service", svc, "stop"], check=False, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, timeout=30)
        missing = sorted({c for c in commands if not which(c)})
    return set(missing)


def find_jdk():
    """The home of a JDK 25+, found as the build finds it (.mvn/find-jdk)."""
    finder = os.path.join(ROOT, ".mvn", "find-jdk")
    if os.access(finder, os.X_OK):
        r = subprocess.run([finder], capture_output=True, text=True)
        if r.returncode == 0 and r.stdout.strip():
            return r.stdout.strip()
    for home in glob.glob("/usr/lib/jvm/*"):
        rel = os.path.join(home, "release")
        if os.path.isfile(rel):
            m = re.search(r'JAVA_VERSION="(\d+)', open(rel).read())
            if m and int(m.group(1)) >= 25:
                return home
    sys.exit("bench: no JDK 25+ found (see .mvn/find-jdk)")


def build(offline=False):
    """Builds peregrine-server and the benchmark apps (no tests): target/classes + target/lib."""
    cmd = [os.path.join(ROOT, "mvnw"), "-B", "-q", "-ntp", "-Dmaven.test.skip=true", "-Dmaven.javadoc.skip=true",
           "-pl", "peregrine-benchmarks", "-am", "package"]
    if offline:
        cmd.insert(1, "-o")
    log("building: " + " ".join(cmd[1:]))
    r = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        print(r.stdout[-6000:])
        raise SystemExit("bench: build failed")


def classpath():
    classes = os.path.join(BENCH_MODULE, "target", "classes")
    lib = os.path.join(BENCH_MODULE, "target", "lib")
    if not os.path.isdir(classes) or not os.path.isdir(lib):
        return None
    return classes + os.pathsep + os.path.join(lib, "*")


def cpus():
    try:
        return sorted(os.sched_getaffinity(0))
    except AttributeError:
        return list(range(os.cpu_count() or 1))


class Pinning:
    """Server on one CPU, load generator on another (taskset), when the machine has two."""

    def __init__(self, enabled=True):
        cs = cpus()
        self.enabled = enabled and len(cs) >= 2 and which("taskset") is not None
        self.server_cpu = cs[0]
        self.load_cpu = cs[1] if len(cs) >= 2 else cs[0]

    def server(self, argv):
        return ["taskset", "-c", str(self.server_cpu), *argv] if self.enabled else argv

    def load(self, argv):
        return ["taskset", "-c", str(self.load_cpu), *argv] if self.enabled else argv

    def describe(self):
        if not self.enabled:
            return "not pinned (fewer than 2 CPUs or no taskset)"
        return f"server on CPU {self.server_cpu}, load generator on CPU {self.load_cpu} (taskset)"


def _out(argv, stderr=True):
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=20)
        return ((r.stdout or "") + ((r.stderr or "") if stderr else "")).strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def versions(jdk):
    """Versions of everything a reader needs to reproduce the run."""
    v = {}
    jv = _out([os.path.join(jdk, "bin", "java"), "-version"])
    v["java"] = " / ".join(line.strip() for line in jv.splitlines()[:2])
    lib = os.path.join(BENCH_MODULE, "target", "lib")
    for key, prefix in (("peregrine", "peregrine-server-"), ("netty", "netty-codec-http-"),
                        ("jetty", "jetty-server-"), ("undertow", "undertow-core-"),
                        ("helidon", "helidon-webserver-"), ("vertx", "vertx-core-"), ("jmh", "jmh-core-"),
                        ("netty-http3", "netty-codec-http3-"), ("netty-quic", "netty-codec-classes-quic-"),
                        ("jetty-http3", "jetty-http3-server-"), ("jetty-quiche-native", "jetty-quiche-native-"),
                        ("peregrine-http3", "peregrine-http3-")):
        jars = sorted(glob.glob(os.path.join(lib, prefix + "[0-9]*.jar")))
        if jars:
            v[key] = os.path.basename(jars[0])[len(prefix):-4]
    v["jdk-httpserver"] = v.get("java", "").split('"')[1] if '"' in v.get("java", "") else ""
    if which("nginx"):
        v["nginx"] = _out([which("nginx"), "-v"]).replace("nginx version: ", "")
    if which("h2o"):
        v["h2o"] = _out([which("h2o"), "--version"]).splitlines()[0] if _out([which("h2o"), "--version"]) else ""
    if which("caddy"):
        out = _out([which("caddy"), "version"], stderr=False)
        v["caddy"] = out.split()[0] if out else ""
    if which("wrk"):
        v["wrk"] = _out(["wrk", "-v"]).splitlines()[0] if _out(["wrk", "-v"]) else ""
    if which("h2load"):
        v["h2load"] = _out(["h2load", "--version"]).splitlines()[0] if _out(["h2load", "--version"]) else ""
    return v


def machine():
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) // 1024 // 1024} GiB"
                break
    except OSError:
        pass
    osname = ""
    try:
        osname = re.search(r'PRETTY_NAME="([^"]+)"', open("/etc/os-release").read()).group(1)
    except (OSError, AttributeError):
        pass
    commit = _out(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], stderr=False)
    dirty = _out(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"], stderr=False)
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory": mem,
        "os": osname,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "commit": commit + ("+local changes" if dirty else ""),
    }


def recorders(samples, raw, skipped, rnd, name):
    """The two callbacks every round runner hands its rows: `record(sc, metrics, extra)` files a
    row's figures under scenario and server (and keeps the raw output), `skip(sc, why)` says
    why a row has no figure."""
    def record(sc, metrics, extra):
        for k, v in metrics.items():
            samples.setdefault(sc.name, {}).setdefault(name, {}).setdefault(k, []).append(v)
        raw.append({"round": rnd, "server": name, "scenario": sc.name, "metrics": metrics, "raw": extra})

    def skip(sc, why):
        skipped.setdefault(sc.name, {})[name] = why
        log(f"  {sc.name}: skipped ({why})")

    return record, skip
