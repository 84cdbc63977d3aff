"""deploy/: the container image definition and the Kubernetes base, checked offline.

No container runtime or cluster is needed: the files are parsed and held against the code
they configure (the settings, the CLI, gunicorn's options, where the add-in's files are
looked for). One test builds the wheel the image installs (~10-30 s).
"""

from __future__ import annotations

import inspect
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import gunicorn.config
import pytest
import yaml

from sendward.config import ConfigError, Settings
from sendward.entrypoints import gunicorn_app
from sendward.entrypoints.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
KUBERNETES = DEPLOY / "kubernetes"
DOCKERFILE = DEPLOY / "Dockerfile"
CONTAINER_PORT = 8000


# -- reading the files -----------------------------------------------------------------


def manifest_files() -> list[Path]:
    return sorted(p for p in KUBERNETES.iterdir() if p.suffix in (".yaml", ".yml"))


def resources() -> list[dict]:
    docs = []
    for path in manifest_files():
        if path.name == "kustomization.yaml":
            continue
        docs.extend(d for d in yaml.safe_load_all(path.read_text("utf-8")) if d)
    return docs


def one(kind: str) -> dict:
    found = [r for r in resources() if r["kind"] == kind]
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


def pod_templates() -> dict[str, dict]:
    """The pod spec of every workload, by kind."""
    return {
        "Deployment": one("Deployment")["spec"]["template"],
        "Job": one("Job")["spec"]["template"],
        "CronJob": one("CronJob")["spec"]["jobTemplate"]["spec"]["template"],
    }


def only_container(template: dict) -> dict:
    containers = template["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the runtime stage (after the last FROM), lines joined."""
    joined = DOCKERFILE.read_text("utf-8").replace("\\\n", " ")
    instructions = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    return instructions[last_from:]


def dockerfile_env() -> dict[str, str]:
    env = {}
    for keyword, rest in dockerfile_instructions():
        if keyword == "ENV":
            for pair in shlex.split(rest):
                name, _, value = pair.partition("=")
                env[name] = value
    return env


def exec_form(keyword: str) -> list[str]:
    values = [rest for k, rest in dockerfile_instructions() if k == keyword]
    assert values, f"the image has no {keyword}"
    parsed = yaml.safe_load(values[-1])  # a JSON array is YAML
    assert isinstance(parsed, list), f"{keyword} must use the exec form (a JSON array)"
    return parsed


def real_settings() -> set[str]:
    """The variables the service reads: SENDWARD_<FIELD> for each Settings field (gunicorn's
    worker and thread counts included)."""
    return {f"SENDWARD_{name.upper()}" for name in Settings.model_fields}


# -- Kubernetes -----------------------------------------------------------------------


def test_every_manifest_parses_as_yaml():
    assert manifest_files(), "deploy/kubernetes holds no YAML"
    for path in manifest_files():
        docs = [d for d in yaml.safe_load_all(path.read_text("utf-8")) if d]
        assert docs, f"{path.name} is empty"
        for doc in docs:
            assert {"apiVersion", "kind"} <= doc.keys(), f"{path.name}: not a Kubernetes object"


def test_the_kustomization_lists_every_file_in_the_folder():
    kustomization = yaml.safe_load((KUBERNETES / "kustomization.yaml").read_text("utf-8"))
    listed = set(kustomization["resources"])
    present = {p.name for p in manifest_files()} - {"kustomization.yaml"}
    assert listed == present
    others = {p.name for p in KUBERNETES.iterdir()} - present - {"kustomization.yaml"}
    assert not others, f"files the kustomization cannot list: {others}"


def test_every_kind_the_service_needs_is_there():
    kinds = sorted(r["kind"] for r in resources())
    assert kinds == sorted(
        [
            "ConfigMap",
            "CronJob",
            "Deployment",
            "HorizontalPodAutoscaler",
            "Job",
            "PodDisruptionBudget",
            "Secret",
            "Service",
        ]
    )


def test_the_deployment_serves_on_the_network_on_its_container_port():
    container = only_container(pod_templates()["Deployment"])
    assert container["command"] == ["sendward"]
    args = build_parser().parse_args(container["args"])
    assert (args.command, args.host, args.port) == ("serve", "0.0.0.0", CONTAINER_PORT)
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": CONTAINER_PORT}


def probe_target(probe: dict, container: dict) -> tuple[str, int]:
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    port = probe["httpGet"]["port"]
    return probe["httpGet"]["path"], ports.get(port, port)


def test_the_probes_ask_the_service_whether_it_is_alive_and_ready():
    deployment = one("Deployment")
    assert deployment["spec"]["replicas"] == 3
    container = only_container(deployment["spec"]["template"])
    assert probe_target(container["livenessProbe"], container) == ("/healthz", CONTAINER_PORT)
    assert probe_target(container["readinessProbe"], container) == ("/readyz", CONTAINER_PORT)
    startup = container["startupProbe"]
    assert probe_target(startup, container) == ("/healthz", CONTAINER_PORT)
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 60, "Presidio needs time to load"


def test_a_stopping_pod_drains_before_it_is_killed():
    template = pod_templates()["Deployment"]
    container = only_container(template)
    sleep_command = container["lifecycle"]["preStop"]["exec"]["command"]
    assert sleep_command[0] == "sleep"
    graceful = gunicorn_app.options("0.0.0.0", CONTAINER_PORT, 2, 8)["graceful_timeout"]
    assert template["spec"]["terminationGracePeriodSeconds"] > int(sleep_command[1]) + graceful


@pytest.mark.parametrize("workload", ["Deployment", "Job", "CronJob"])
def test_every_workload_runs_locked_down_with_writable_data_and_tmp(workload):
    template = pod_templates()[workload]
    pod_security = template["spec"]["securityContext"]
    container = only_container(template)
    security = container["securityContext"]
    assert pod_security["runAsNonRoot"] is True and pod_security["runAsUser"] != 0
    assert security["runAsNonRoot"] is True
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"]["drop"] == ["ALL"]
    assert template["spec"]["automountServiceAccountToken"] is False

    empty_dirs = {v["name"] for v in template["spec"]["volumes"] if "emptyDir" in v}
    writable = {m["mountPath"] for m in container["volumeMounts"] if m["name"] in empty_dirs}
    data_dir = one("ConfigMap")["data"]["SENDWARD_DATA_DIR"]
    assert {data_dir, dockerfile_env()["TMPDIR"]} <= writable


@pytest.mark.parametrize("workload", ["Deployment", "Job", "CronJob"])
def test_every_workload_reads_the_same_configuration(workload):
    container = only_container(pod_templates()[workload])
    sources = {(k, v["name"]) for source in container["envFrom"] for k, v in source.items()}
    assert sources == {
        ("configMapRef", one("ConfigMap")["metadata"]["name"]),
        ("secretRef", one("Secret")["metadata"]["name"]),
    }


def test_every_variable_in_the_configmap_and_secret_is_a_real_setting():
    names = set(one("ConfigMap")["data"]) | set(one("Secret")["stringData"])
    unknown = {n for n in names if n.startswith("SENDWARD_")} - real_settings()
    assert not unknown, f"not settings of the service: {sorted(unknown)}"
    others = {n for n in names if not n.startswith("SENDWARD_")}
    gunicorn_config = Path(inspect.getfile(gunicorn.config))
    for name in others:  # the one other variable is gunicorn's own
        assert name in gunicorn_config.read_text("utf-8"), f"{name} is read by nothing"


def test_the_base_cannot_run_with_its_template_secrets():
    env = {**one("ConfigMap")["data"], **one("Secret")["stringData"]}
    with pytest.raises(ConfigError, match="template value"):
        Settings.from_env(env)


def test_the_configuration_is_accepted_by_the_service_once_the_secrets_are_real():
    import secrets

    real = {
        name: value.replace("change-me", secrets.token_urlsafe(36)) for name, value in one("Secret")["stringData"].items()
    }
    env = {**one("ConfigMap")["data"], **real}
    settings = Settings.from_env(env)
    assert settings.identity == "entra", "the dev identity refuses to serve on 0.0.0.0"
    assert settings.database_url.startswith("postgresql://")
    assert settings.redis_url


def test_the_secret_holds_the_shared_keys_as_obvious_placeholders():
    secret = one("Secret")["stringData"]
    assert set(secret) == {
        "SENDWARD_CLIENT_SECRET",
        "SENDWARD_USER_HASH_KEY",
        "SENDWARD_SESSION_SECRET",
        "SENDWARD_DATABASE_URL",
        "SENDWARD_REDIS_URL",
        "SENDWARD_METRICS_TOKEN",
    }
    for name, value in secret.items():
        assert "change-me" in value, f"{name} must be an obvious placeholder"
    assert not set(secret) & set(one("ConfigMap")["data"]), "a setting in both places"


def test_the_service_hpa_and_pdb_select_the_deployments_pods():
    deployment = one("Deployment")
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()

    service = one("Service")
    assert service["spec"]["type"] == "ClusterIP"
    assert service["spec"]["selector"].items() <= pod_labels.items()
    (port,) = service["spec"]["ports"]
    assert port["port"] == 80
    assert probe_target({"httpGet": {"path": "", "port": port["targetPort"]}},
                        only_container(deployment["spec"]["template"]))[1] == CONTAINER_PORT

    assert one("PodDisruptionBudget")["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()

    hpa = one("HorizontalPodAutoscaler")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": deployment["metadata"]["name"],
    }
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (3, 10)
    (metric,) = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu"
    assert metric["resource"]["target"] == {"type": "Utilization", "averageUtilization": 60}
    assert only_container(deployment["spec"]["template"])["resources"]["requests"]["cpu"]


def test_the_migration_job_runs_a_command_the_cli_accepts():
    container = only_container(pod_templates()["Job"])
    assert container["command"] == ["sendward"]
    args = build_parser().parse_args(container["args"])
    assert (args.command, args.action, args.revision) == ("db", "upgrade", None)


def test_the_purge_cronjob_runs_daily_a_command_the_cli_accepts():
    cronjob = one("CronJob")
    minute, hour, day, month, weekday = cronjob["spec"]["schedule"].split()
    assert minute.isdigit() and hour.isdigit() and (day, month, weekday) == ("*", "*", "*")
    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"
    container = only_container(pod_templates()["CronJob"])
    assert container["command"] == ["sendward"]
    args = build_parser().parse_args(container["args"])
    assert (args.command, args.tenant, args.dry_run) == ("purge", None, False)


def test_kustomize_builds_the_base():
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not on PATH: `kubectl kustomize deploy/kubernetes` not checked")
    result = subprocess.run(
        [kubectl, "kustomize", str(KUBERNETES)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    built = [d for d in yaml.safe_load_all(result.stdout) if d]
    assert len(built) == len(resources())
    images = {
        c["image"]
        for d in built
        if d["kind"] in ("Deployment", "Job", "CronJob")
        for c in (
            d["spec"].get("jobTemplate", d)["spec"]["template"]["spec"]["containers"]
            if d["kind"] == "CronJob"
            else d["spec"]["template"]["spec"]["containers"]
        )
    }
    assert len(images) == 1 and ":" in images.pop(), "every workload runs the same tagged image"


# -- the container image --------------------------------------------------------------


def test_the_image_runs_as_a_numeric_non_root_user():
    users = [rest for keyword, rest in dockerfile_instructions() if keyword == "USER"]
    assert users, "the image runs as root"
    uid, _, gid = users[-1].partition(":")
    assert uid.isdigit() and int(uid) != 0, "a numeric uid lets runAsNonRoot check it"
    assert not gid or (gid.isdigit() and int(gid) != 0)
    pod = pod_templates()["Deployment"]["spec"]["securityContext"]
    assert pod["runAsUser"] == int(uid)


def test_the_image_keeps_presidio_and_tldextract_off_the_network():
    env = dockerfile_env()
    assert env["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] == ""
    assert env["HF_HUB_OFFLINE"] == "1"


def test_the_image_ships_the_addin_and_its_manifest_templates_where_the_service_looks():
    copies = {}
    for keyword, rest in dockerfile_instructions():
        if keyword == "COPY" and not rest.startswith("--from"):
            source, destination = shlex.split(rest)
            copies[source.rstrip("/")] = Path(destination)
            assert (ROOT / source).is_dir(), f"COPY {source}: not in the repository"
    env = dockerfile_env()
    addin = Path(env["SENDWARD_ADDIN_DIR"])
    assert copies["addin"] == addin
    assert copies["manifest"] == addin.parent / "manifest"  # entrypoints/addin_files.manifest_dir
    assert env["SENDWARD_DATA_DIR"] == one("ConfigMap")["data"]["SENDWARD_DATA_DIR"]


def test_the_build_context_leaves_out_what_the_image_must_not_hold():
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for pattern in ("**/.git", "**/.venv", "**/node_modules", "tests/", "addin/test/"):
        assert pattern in ignored


def test_the_image_serves_on_all_interfaces_by_default():
    command = exec_form("ENTRYPOINT") + exec_form("CMD")
    assert command[0] == "sendward"
    args = build_parser().parse_args(command[1:])
    assert (args.command, args.host, args.port) == ("serve", "0.0.0.0", CONTAINER_PORT)
    assert any(k == "EXPOSE" and rest == str(CONTAINER_PORT) for k, rest in dockerfile_instructions())
    healthcheck = next(rest for k, rest in dockerfile_instructions() if k == "HEALTHCHECK")
    assert f"127.0.0.1:{CONTAINER_PORT}/healthz" in healthcheck and "python" in healthcheck


@pytest.mark.timeout(300)
def test_the_wheel_holds_the_files_the_service_reads_at_run_time(tmp_path):
    """Builds the wheel the image installs (~10-30 s). The image is not an editable
    install: package data missing from the wheel would break the container only."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "server", source / "server", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-q", "-w", str(tmp_path / "dist")],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=280,
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = (tmp_path / "dist").glob("sendward-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    package = ROOT / "server" / "sendward"
    needed = [
        p.relative_to(package.parent).as_posix()
        for p in package.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    ]
    missing = sorted(set(needed) - names)
    assert not missing, f"not in the wheel: {missing}"
    for required in (
        "sendward/adapters/storage/migrations/env.py",
        "sendward/adapters/storage/migrations/script.py.mako",
        "sendward/adapters/storage/migrations/versions/0001_initial.py",
        "sendward/entrypoints/http/admin_page/templates/admin/base.html",
        "sendward/entrypoints/http/admin_page/static/admin.js",
        "sendward/detection/recognizers/registry.yaml",
    ):
        assert required in names
