#!/usr/bin/env python3
"""Structural checks of deploy/ that promtool and amtool do not make (run by deploy/check.sh, so by .ci/run).

Every finding names the file and what is wrong; the exit status is 1 when there is any. Checks:
  * every YAML file parses, the Grafana dashboards are JSON;
  * each service's Dockerfiles run as uid 185 and expose and probe its quarkus.http.port;
  * Compose files: every service has image, restart, healthcheck and CPU/memory limits; Baton's services have an
    env_file (whose .example exists) and an image whose Dockerfiles define the HEALTHCHECK the file relies on;
    SSH keys and secrets are mounted read-only; ports are published on an address, never on all interfaces;
  * every ${VAR} the Compose files read is documented in compose/.env.example, every variable documented there is
    read somewhere, and no secret has a value in an example;
  * every BATON_* environment variable set for a service (Compose, config/*.env.example, Kubernetes) names a key of
    that service's @ConfigMapping (parsed from the Java sources), and QUARKUS_REST_CLIENT_<X>_URL names a REST
    client the service declares;
  * Kubernetes: kustomization lists every manifest; every container has requests and limits, and startup, liveness
    and readiness probes on /q/health/*; the coordinator (and state-sync) run as one replica with Recreate;
    every referenced ConfigMap exists, every referenced Secret is documented in docs/RUNBOOK.md;
  * every baton_* metric named in the alert rules and the dashboards is exposed by the code (Micrometer meter
    names turned into Prometheus names: dots to underscores, _total for counters, _seconds_{count,sum,max} for
    timers, _bucket with histograms), and every job the rules name is scraped by prometheus.yml;
  * docs/RUNBOOK.md references every Dockerfile, Compose file, manifest and config file, and every alert.
"""
import json
import os
import re
import sys

try:
    import yaml
except ImportError:
    print("deploy/check: python3 cannot import yaml: install the Debian package python3-yaml "
          "(pip: PyYAML) to check the deploy/ files' structure", file=sys.stderr)
    sys.exit(1)

DEPLOY = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(DEPLOY)
MODULES = ["failover-coordinator", "health-checker", "state-sync", "dns-manager", "notifier"]
SECRET_WORDS = ("TOKEN", "PASSWORD", "SECRET")

problems = []


def problem(path, message):
    problems.append(f"{os.path.relpath(path, ROOT)}: {message}")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def files_under(directory, suffixes):
    found = []
    for base, dirs, names in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d != "site")  # deploy/site/ is not configuration
        found += [os.path.join(base, n) for n in sorted(names) if n.endswith(suffixes)]
    return found


def load_yaml_documents(path):
    try:
        return [d for d in yaml.safe_load_all(read(path)) if d is not None]
    except yaml.YAMLError as e:
        problem(path, f"does not parse as YAML: {e}")
        return None


# --- the services' configuration keys, from their @ConfigMapping interfaces -------------------------------

def java_lex(text):
    """Java source without comments, every string literal replaced by "S<n>"; returns (code, strings)."""
    out, strings, i, n = [], [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif text.startswith("/*", i):
            i = text.find("*/", i + 2)
            i = n if i < 0 else i + 2
            out.append(" ")
        elif c == '"' or c == "'":
            j, value = i + 1, []
            while j < n and text[j] != c:
                if text[j] == "\\":
                    value.append(text[j:j + 2])
                    j += 2
                else:
                    value.append(text[j])
                    j += 1
            if c == '"':
                strings.append("".join(value))
                out.append(f'"S{len(strings) - 1}"')
            else:
                out.append("'c'")
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out), strings


def block_end(code, open_brace):
    depth = 0
    for k in range(open_brace, len(code)):
        if code[k] == "{":
            depth += 1
        elif code[k] == "}":
            depth -= 1
            if depth == 0:
                return k
    return len(code) - 1


def kebab(name):
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", name).lower()


def split_generic(args):
    """'String, List<X>' -> ['String', 'List<X>'] (top-level commas only)."""
    parts, depth, start = [], 0, 0
    for k, c in enumerate(args):
        if c == "<":
            depth += 1
        elif c == ">":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(args[start:k].strip())
            start = k + 1
    parts.append(args[start:].strip())
    return parts


def mapping_keys(path):
    """Key patterns of the @ConfigMapping in a Java file: lists of segments; '*' = a map key, '[*]' = an index."""
    code, strings = java_lex(read(path))
    prefix_match = re.search(r'@ConfigMapping\s*\(\s*prefix\s*=\s*"S(\d+)"', code)
    if not prefix_match:
        return []
    interfaces = {}
    for m in re.finditer(r"\binterface\s+(\w+)[^{;]*\{", code):
        start = m.end() - 1
        interfaces[m.group(1)] = (start, block_end(code, start))

    def direct_body(name):
        start, end = interfaces[name]
        body, k = [], start + 1
        for other, (s, e) in sorted(interfaces.items(), key=lambda kv: kv[1][0]):
            if start < s < end and s >= k:
                header = code.rfind(";", k, s)
                header = max(header, code.rfind("}", k, s))
                body.append(code[k:header + 1])
                k = e + 1
        body.append(code[k:end])
        return "".join(body)

    def leaf_or_group(type_text, segments, keys, depth):
        t = re.sub(r"@\w+(\.\w+)*(\([^()]*\))?", " ", type_text).strip()
        m = re.fullmatch(r"([\w.]+)\s*(?:<(.*)>)?", t, re.S)
        if not m:
            keys.append(segments)
            return
        raw, args = m.group(1).split(".")[-1], m.group(2)
        if raw == "Optional" and args:
            leaf_or_group(args, segments, keys, depth)
        elif raw == "Map" and args:
            leaf_or_group(split_generic(args)[1], segments + ["*"], keys, depth)
        elif raw in ("List", "Set", "Collection") and args and split_generic(args)[0].split(".")[-1] in interfaces:
            walk(split_generic(args)[0].split(".")[-1], segments[:-1] + [segments[-1] + "[*]"], keys, depth)
        elif raw in interfaces:
            walk(raw, segments, keys, depth)
        else:
            keys.append(segments)

    def walk(name, segments, keys, depth):
        if depth > 10:
            return
        for statement in direct_body(name).split(";"):
            method = re.search(r"(\w+)\s*\(\s*\)\s*$", statement)
            if not method or "{" in statement or re.search(r"\b(default|static)\b", statement):
                continue
            with_name = re.search(r'@WithName\s*\(\s*"S(\d+)"\s*\)', statement)
            key = strings[int(with_name.group(1))] if with_name else kebab(method.group(1))
            head = statement[:method.start()]
            head = re.sub(r"@\w+(\.\w+)*(\([^()]*\))?", " ", head)
            child = segments if "@WithParentName" in statement else segments + [key]
            leaf_or_group(head.strip(), child, keys, depth + 1)

    top = re.search(r"@ConfigMapping[^{]*?\binterface\s+(\w+)", code).group(1)
    keys = []
    walk(top, strings[int(prefix_match.group(1))].split("."), keys, 0)
    return keys


def env_pattern(segments):
    parts = []
    for s in segments:
        indexed = s.endswith("[*]")
        s = s[:-3] if indexed else s
        parts.append("[A-Z0-9_]+?" if s == "*" else re.sub(r"[^A-Za-z0-9]", "_", s).upper())
        if indexed:
            parts[-1] += "_[0-9]+_"
    return re.compile("^" + "_".join(parts) + "$")


def module_config(module):
    """(env var regexes, REST client config keys) of a module, with common's auth keys."""
    patterns, clients = [], set()
    for source_root in (os.path.join(ROOT, module, "src/main/java"), os.path.join(ROOT, "common/src/main/java")):
        for path in files_under(source_root, (".java",)):
            text = read(path)
            if "@ConfigMapping" in text and (module in path or "/auth/" in path):
                patterns += [env_pattern(k) for k in mapping_keys(path)]
            if module in path:
                clients |= set(re.findall(r'configKey\s*=\s*"([^"]+)"', text))
    return patterns, clients


CONFIG = {m: module_config(m) for m in MODULES}


def check_env_name(path, module, name):
    patterns, clients = CONFIG[module]
    if name.startswith("BATON_"):
        if not any(p.match(name) for p in patterns):
            problem(path, f"{name} is not a configuration key of {module} (see its @ConfigMapping)")
    rest_client = re.fullmatch(r"QUARKUS_REST_CLIENT_([A-Z0-9_]+)_URL", name)
    if rest_client and rest_client.group(1) not in {c.upper().replace("-", "_") for c in clients}:
        problem(path, f"{name}: {module} has no REST client with that configKey ({', '.join(sorted(clients)) or 'none'})")


def module_of_image(image):
    for m in MODULES:
        if re.search(r"(^|[/}])" + re.escape(m) + r":", image or ""):
            return m
    return None


def env_file_names(path):
    """Variable names set in a dotenv-style file, including commented-out examples ('# NAME=value')."""
    names = []
    for line in read(path).splitlines():
        m = re.match(r"^\s*#?\s*([A-Z][A-Z0-9_]*)=", line)
        if m:
            names.append((m.group(1), line.lstrip().startswith("#"), line.split("=", 1)[1].strip()))
    return names


# --- Compose -------------------------------------------------------------------------------------------

def check_dockerfiles(module):
    """Both Dockerfiles expose and probe the port the service listens on (quarkus.http.port)."""
    props = os.path.join(ROOT, module, "src/main/resources/application.properties")
    port = re.search(r"^quarkus\.http\.port=(\d+)", read(props), re.M) if os.path.exists(props) else None
    for name in ("Dockerfile.jvm", "Dockerfile.native-micro"):
        path = os.path.join(ROOT, module, "src/main/docker", name)
        if not os.path.exists(path):
            problem(path, "missing")
            continue
        text = read(path)
        if "USER 185" not in text:
            problem(path, "must run as the unprivileged uid 185 (USER 185)")
        probed = re.search(r'healthcheck",\s*"(\d+)"', text)
        exposed = re.search(r"^EXPOSE (\d+)", text, re.M)
        if not port or not probed or not exposed or not probed.group(1) == exposed.group(1) == port.group(1):
            problem(path, f"EXPOSE and the HEALTHCHECK port must be quarkus.http.port "
                          f"({port.group(1) if port else '?'})")


def has_healthcheck_in_dockerfiles(module):
    docker = os.path.join(ROOT, module, "src/main/docker")
    return all(os.path.exists(os.path.join(docker, f)) and "HEALTHCHECK" in read(os.path.join(docker, f))
               for f in ("Dockerfile.jvm", "Dockerfile.native-micro"))


def check_compose(path, doc, substituted):
    compose_dir = os.path.dirname(path)
    services = doc.get("services") or {}
    if not services:
        problem(path, "no services")
    for name, svc in services.items():
        where = f"service {name}"
        for key in ("image", "restart", "healthcheck"):
            if key not in svc:
                problem(path, f"{where} has no {key}")
        limits = ((svc.get("deploy") or {}).get("resources") or {}).get("limits") or {}
        for key in ("cpus", "memory"):
            if key not in limits:
                problem(path, f"{where} has no deploy.resources.limits.{key}")
        module = module_of_image(svc.get("image"))
        health = svc.get("healthcheck") or {}
        if module:
            if not svc.get("env_file"):
                problem(path, f"{where} has no env_file")
            for env_file in svc.get("env_file") or []:
                env_file = env_file if isinstance(env_file, str) else env_file.get("path")
                example = os.path.join(compose_dir, env_file + ".example")
                if not os.path.exists(example):
                    problem(path, f"{where}: {env_file} has no documented example {os.path.relpath(example, ROOT)}")
                else:
                    for var, _, _ in env_file_names(example):
                        check_env_name(example, module, var)
            if "test" not in health and not has_healthcheck_in_dockerfiles(module):
                problem(path, f"{where} relies on the image's HEALTHCHECK, but {module}'s Dockerfiles define none")
            for var in (svc.get("environment") or {}):
                check_env_name(path, module, var)
        elif "test" not in health:
            problem(path, f"{where}: healthcheck has no test (only Baton's images bring their own)")
        for volume in svc.get("volumes") or []:
            spec = volume if isinstance(volume, str) else f"{volume.get('source')}:{volume.get('target')}"
            spec = re.sub(r"\$\{[^}]*\}", "VAR", spec)  # ${X:-./ssh} holds a colon of its own
            target = spec.split(":")[1] if spec.count(":") >= 1 else spec
            if re.search(r"ssh|secret", target) and not (spec.endswith(":ro") or
                                                        (isinstance(volume, dict) and volume.get("read_only"))):
                problem(path, f"{where}: {target} holds keys or secrets and must be mounted read-only (:ro)")
        for port in svc.get("ports") or []:
            if str(port).count(":") < 2:
                problem(path, f"{where}: port {port} is published on every interface; bind it to an address")
    text = read(path)
    substituted.update(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))


def check_env_example(path, substituted):
    documented = {}
    for name, commented, value in env_file_names(path):
        if not commented:
            documented[name] = value
            if any(w in name for w in SECRET_WORDS) and value and not value.startswith("./"):
                problem(path, f"{name} must be empty in the example: it is a secret")
    for name in sorted(substituted - documented.keys()):
        problem(path, f"{name} is read by a Compose file but not documented here")
    for name in sorted(documented.keys() - substituted):
        problem(path, f"{name} is documented but no Compose file reads it")


def check_config_examples(compose_dir):
    for path in files_under(os.path.join(compose_dir, "config"), (".example",)):
        for name, commented, value in env_file_names(path):
            if any(w in name for w in SECRET_WORDS) and not name.endswith("_FILE") and value and not commented:
                problem(path, f"{name} must be empty in the example: it is a secret")


# --- Kubernetes ----------------------------------------------------------------------------------------

SINGLE_LEADER = {"baton-coordinator", "baton-state-sync"}


def check_k8s(k8s_dir):
    kustomization = os.path.join(k8s_dir, "kustomization.yaml")
    docs_by_file = {}
    for path in files_under(k8s_dir, (".yaml", ".yml")):
        loaded = load_yaml_documents(path)
        if loaded is not None:
            docs_by_file[path] = loaded
    if kustomization not in docs_by_file:
        problem(kustomization, "missing or unparsable")
        return set()
    listed = set(docs_by_file[kustomization][0].get("resources") or [])
    for path in docs_by_file:
        name = os.path.basename(path)
        if path != kustomization and name not in listed:
            problem(kustomization, f"{name} is not listed in resources")
    for name in listed:
        if not os.path.exists(os.path.join(k8s_dir, name)):
            problem(kustomization, f"resource {name} does not exist")
    config_maps, secrets = set(), set()
    deployments = []
    for path, docs in docs_by_file.items():
        for d in docs:
            kind = d.get("kind")
            if kind == "ConfigMap":
                config_maps.add(d["metadata"]["name"])
                for key in d.get("data") or {}:
                    if any(w in key for w in SECRET_WORDS) and not key.endswith("_FILE"):
                        problem(path, f"ConfigMap {d['metadata']['name']} holds {key}: secrets belong in a Secret")
            elif kind == "Deployment":
                deployments.append((path, d))
    for path, d in deployments:
        name = d["metadata"]["name"]
        spec = d.get("spec") or {}
        if name in SINGLE_LEADER and (spec.get("replicas") != 1 or (spec.get("strategy") or {}).get("type") != "Recreate"):
            problem(path, f"Deployment {name} must run one replica with strategy Recreate (single leader)")
        pod = (spec.get("template") or {}).get("spec") or {}
        for c in pod.get("containers") or []:
            where = f"Deployment {name} container {c.get('name')}"
            res = c.get("resources") or {}
            for level in ("requests", "limits"):
                for key in ("cpu", "memory"):
                    if key not in (res.get(level) or {}):
                        problem(path, f"{where} has no resources.{level}.{key}")
            for probe, endpoint in (("startupProbe", "started"), ("livenessProbe", "live"), ("readinessProbe", "ready")):
                got = ((c.get(probe) or {}).get("httpGet") or {}).get("path")
                if got != f"/q/health/{endpoint}":
                    problem(path, f"{where}: {probe} must GET /q/health/{endpoint} (has {got})")
            module = module_of_image(c.get("image"))
            helpers = set(re.findall(r"\$\((\w+)\)", json.dumps(c.get("env") or [])))
            for ref in c.get("envFrom") or []:
                cm = (ref.get("configMapRef") or {}).get("name")
                if cm and cm not in config_maps:
                    problem(path, f"{where} refers to ConfigMap {cm}, which no manifest defines")
                if cm in config_maps and module:
                    for other, docs in docs_by_file.items():
                        for doc in docs:
                            if doc.get("kind") == "ConfigMap" and doc["metadata"]["name"] == cm:
                                for var in doc.get("data") or {}:
                                    check_env_name(other, module, var)
            for env in c.get("env") or []:
                if module and env["name"] not in helpers:
                    check_env_name(path, module, env["name"])
                ref = (env.get("valueFrom") or {}).get("secretKeyRef")
                if ref:
                    secrets.add(ref["name"])
            for volume in pod.get("volumes") or []:
                if "secret" in volume:
                    secrets.add(volume["secret"]["secretName"])
    if not deployments:
        problem(k8s_dir, "no Deployments")
    return secrets


# --- metrics -------------------------------------------------------------------------------------------

def exposed_metrics():
    """Prometheus series names of every Micrometer meter registered in the services' main code."""
    names = set()
    for module in MODULES + ["common"]:
        for path in files_under(os.path.join(ROOT, module, "src/main/java"), (".java",)):
            code, strings = java_lex(read(path))
            if "micrometer" not in code:
                continue
            for m in re.finditer(r'(\w+)(\.builder)?\s*\(\s*"S(\d+)"', code):
                meter = strings[int(m.group(3))]
                call = (m.group(1) + (m.group(2) or "")).lower()
                if not re.fullmatch(r"baton[._][a-z0-9._]+", meter):
                    continue
                chain = code[m.end():code.find(";", m.end())]
                base = meter.replace(".", "_")
                if "counter" in call:
                    names.add(re.sub(r"_total$", "", base) + "_total")
                elif "timer" in call:
                    base = base if base.endswith("_seconds") else base + "_seconds"
                    names |= {base + "_count", base + "_sum", base + "_max"}
                    if "publishPercentileHistogram" in chain or "serviceLevelObjectives" in chain:
                        names.add(base + "_bucket")
                    if "publishPercentiles" in chain:
                        names.add(base)
                elif "gauge" in call:
                    unit = re.search(r'\.baseUnit\(\s*"S(\d+)"', chain)
                    if unit and not base.endswith("_" + strings[int(unit.group(1))]):
                        base += "_" + strings[int(unit.group(1))]
                    names.add(base)
    return names


def check_metric_names(path, expressions, exposed):
    for expr in expressions:
        for name in sorted(set(re.findall(r"\bbaton_[a-z0-9_]+", expr))):
            if name not in exposed:
                problem(path, f"metric {name} is not exposed by any service (expression: {expr.strip()[:80]})")


def check_rules(path, exposed, jobs):
    docs = load_yaml_documents(path)
    if not docs:
        return []
    alerts, exprs = [], []
    for group in docs[0].get("groups") or []:
        for rule in group.get("rules") or []:
            exprs.append(rule.get("expr", ""))
            if "alert" in rule:
                alerts.append(rule["alert"])
            for job in re.findall(r'job\s*=~?\s*"([^"]+)"', rule.get("expr", "")):
                if not any(re.fullmatch(job, j) for j in jobs):
                    problem(path, f"{rule.get('alert')}: job {job} matches no job in prometheus.yml")
    check_metric_names(path, exprs, exposed)
    return alerts


def dashboard_exprs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "expr" and isinstance(v, str):
                yield v
            else:
                yield from dashboard_exprs(v)
    elif isinstance(node, list):
        for v in node:
            yield from dashboard_exprs(v)


# --- docs/RUNBOOK.md -------------------------------------------------------------------------------------

def check_runbook(runbook, must_mention, alerts, secrets):
    text = read(runbook) if os.path.exists(runbook) else ""
    for rel in must_mention:
        if rel not in text:
            problem(runbook, f"does not reference {rel}")
    for alert in alerts:
        if alert not in text:
            problem(runbook, f"does not say what alert {alert} means")
    for secret in sorted(secrets):
        if secret not in text:
            problem(runbook, f"does not say how to create the Kubernetes Secret {secret}")


def main():
    for path in files_under(DEPLOY, (".yml", ".yaml")):
        load_yaml_documents(path)
    for module in MODULES:
        check_dockerfiles(module)
    compose_dir = os.path.join(DEPLOY, "compose")
    substituted = set()
    compose_files = [p for p in files_under(compose_dir, (".yml",)) if os.path.dirname(p) == compose_dir]
    for path in compose_files:
        docs = load_yaml_documents(path)
        if docs:
            check_compose(path, docs[0], substituted)
    check_env_example(os.path.join(compose_dir, ".env.example"), substituted)
    check_config_examples(compose_dir)
    secrets = check_k8s(os.path.join(DEPLOY, "k8s"))

    exposed = exposed_metrics()
    prometheus = (load_yaml_documents(os.path.join(DEPLOY, "prometheus/prometheus.yml")) or [{}])[0]
    jobs = [j["job_name"] for j in prometheus.get("scrape_configs") or []]
    alerts = check_rules(os.path.join(DEPLOY, "prometheus/baton-rules.yml"), exposed, jobs)
    dashboards = files_under(os.path.join(DEPLOY, "grafana"), (".json",))
    for path in dashboards:
        try:
            dashboard = json.loads(read(path))
        except json.JSONDecodeError as e:
            problem(path, f"does not parse as JSON: {e}")
            continue
        check_metric_names(path, list(dashboard_exprs(dashboard)), exposed)
        ids = [p.get("id") for p in dashboard.get("panels") or []]
        if len(ids) != len(set(ids)) or None in ids:
            problem(path, "panel ids must be present and unique")
        for panel in dashboard.get("panels") or []:
            if panel.get("type") != "row" and not panel.get("targets"):
                problem(path, f"panel {panel.get('title')!r} has no query")
    if not dashboards:
        problem(os.path.join(DEPLOY, "grafana"), "no dashboard")

    must_mention = [f"{m}/src/main/docker/{f}" for m in MODULES for f in ("Dockerfile.jvm", "Dockerfile.native-micro")]
    must_mention += [os.path.relpath(p, ROOT) for p in compose_files]
    must_mention += [os.path.relpath(p, ROOT) for p in files_under(os.path.join(compose_dir, "config"), (".example",))]
    must_mention += [os.path.relpath(p, ROOT) for p in files_under(os.path.join(DEPLOY, "k8s"), (".yaml",))]
    must_mention += [os.path.relpath(p, ROOT) for p in dashboards]
    must_mention += ["deploy/compose/.env.example", "deploy/prometheus/prometheus.yml",
                     "deploy/prometheus/baton-rules.yml", "deploy/alertmanager/alertmanager.yml",
                     "deploy/grafana/provisioning/dashboards/baton.yml"]
    check_runbook(os.path.join(ROOT, "docs/RUNBOOK.md"), must_mention, alerts, secrets)

    for p in problems:
        print(f"deploy/check: {p}", file=sys.stderr)
    print(f"deploy/check: structure {'FAILED, ' + str(len(problems)) + ' problem(s)' if problems else 'OK'} "
          f"({len(compose_files)} Compose files, {len(exposed)} metric series known, {len(alerts)} alerts)",
          file=sys.stderr if problems else sys.stdout)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
