"""Dockerfile auditor: root user, unpinned base images, remote ADD, secrets in ENV/ARG, curl|sh.

Only the final build stage decides the runtime user and health check; a final stage built
``FROM`` an earlier stage inherits that stage's ``USER`` and ``HEALTHCHECK``. Secret values in
``ENV``/``ARG`` are never echoed. There is no native validator without a Docker daemon, so
the parser itself rejects unknown instructions and broken continuations.
"""

from __future__ import annotations

import logging
import re
import shlex
from collections.abc import Sequence
from typing import ClassVar

from mamori.analysers.config._dockerfile import Instruction, parse_dockerfile
from mamori.analysers.config._secretnames import is_literal_secret, is_secret_name
from mamori.analysers.config._textedit import LineEdits
from mamori.analysers.config.interface import Check, ConfigAuditor, Violation
from mamori.model import CweId, Severity
from mamori.redact import marker

__all__ = ["DockerfileAuditor"]

log = logging.getLogger(__name__)

_CIS = "CIS Docker Benchmark v1.6 §4"
_DEFAULT_USER = "65532"
_PIPE_TO_SHELL = re.compile(
    r"\b(curl|wget)\b[^|;&\n]*\|\s*(sudo\s+)?(\S*/)?(ba|z|da|k)?sh\b"
    r"|\b(ba|z|da)?sh\s+-c\s+[\"']?\$\((curl|wget)\b"
)
_USER_CREATE = re.compile(r"\b(useradd|adduser)\b([^&;|\n]*)")
_NAME = re.compile(r"^[a-z_][a-z0-9_-]*\$?$")


def _check(id_: str, title: str, sev: Severity, cwe: int, ref: str, why: str,
           fixable: bool = True) -> Check:  # fmt: skip
    return Check(id_, title, sev, CweId(cwe), ref, why, fixable)


USER_ROOT = _check(
    "DOCKER-USER-ROOT", "Container runs as root", Severity.MEDIUM, 250,
    f"{_CIS}.1 Ensure that a user for the container has been created",
    "A process running as root in the container is root on the host's kernel; a breakout "
    "or a writable host mount then gives full control.",
)  # fmt: skip
ADD_URL = _check(
    "DOCKER-ADD-URL", "ADD downloads from a URL", Severity.MEDIUM, 494,
    f"{_CIS}.9 Ensure that COPY is used instead of ADD",
    "ADD <url> fetches content without verifying it; download with a checksum check (or "
    "ADD --checksum=sha256:...) instead.", fixable=False,
)  # fmt: skip
UNPINNED_IMAGE = _check(
    "DOCKER-UNPINNED-IMAGE", "Base image not pinned", Severity.LOW, 1357,
    f"{_CIS}.2 Ensure that containers use only trusted base images",
    "FROM without a tag or with :latest builds from whatever the registry serves today; pin "
    "a version tag and preferably a @sha256 digest.", fixable=False,
)  # fmt: skip
SECRET_ENV = _check(
    "DOCKER-SECRET-IN-ENV", "Secret baked into the image", Severity.HIGH, 798,
    f"{_CIS}.10 Ensure secrets are not stored in Dockerfiles",
    "ENV and ARG values are stored in the image layers and history; anyone who can pull the "
    "image can read them. Use build secrets (RUN --mount=type=secret) or runtime injection, "
    "and rotate the exposed value.", fixable=False,
)  # fmt: skip
CURL_PIPE_SH = _check(
    "DOCKER-CURL-PIPE-SH", "Remote script piped into a shell", Severity.MEDIUM, 494,
    f"{_CIS}.2 Ensure that containers use only trusted base images",
    "Piping a download straight into a shell runs whatever the server (or a man in the "
    "middle) sends; download, verify a checksum or signature, then run.", fixable=False,
)  # fmt: skip
NO_HEALTHCHECK = _check(
    "DOCKER-NO-HEALTHCHECK", "No HEALTHCHECK in the final image", Severity.LOW, 693,
    f"{_CIS}.6 Ensure that HEALTHCHECK instructions have been added to container images",
    "Without a health check the engine cannot detect a hung service and restart it.",
    fixable=False,
)  # fmt: skip


def _from_parts(ins: Instruction) -> tuple[str, str]:
    """(image, stage alias) of a FROM instruction, flags skipped."""
    words = [w for w in ins.args.split() if not w.startswith("--")]
    image = words[0] if words else ""
    alias = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else ""
    return image, alias


def _unpinned(image: str, stages: set[str]) -> bool:
    if image.lower() in stages or image.lower() == "scratch" or "$" in image or "@" in image:
        return False
    name = image.rsplit("/", 1)[-1]
    return ":" not in name or name.rsplit(":", 1)[1] == "latest"


def _env_pairs(ins: Instruction) -> list[tuple[str, str]]:
    """(name, value) pairs of an ENV or ARG instruction."""
    try:
        words = shlex.split(ins.args, posix=True)
    except ValueError:
        words = ins.args.split()
    if ins.keyword == "ENV" and words and "=" not in words[0]:
        return [(words[0], " ".join(words[1:]))]  # legacy ``ENV name value``
    return [(w.split("=", 1)[0], w.split("=", 1)[1]) for w in words if "=" in w]


def _secret_violations(ins: Instruction) -> list[Violation]:
    out: list[Violation] = []
    for name, value in _env_pairs(ins):
        if is_secret_name(name) and value and is_literal_secret(value):
            msg = f"{ins.keyword} {name} sets a literal secret value"
            evidence = f"{ins.keyword} {name}={marker('secret')}"
            out.append(Violation(SECRET_ENV, ins.line, msg, evidence, name))
    return out


def _per_instruction(ins: Instruction, stages: set[str]) -> list[Violation]:
    if ins.keyword == "FROM":
        image, _ = _from_parts(ins)
        if _unpinned(image, stages):
            return [Violation(UNPINNED_IMAGE, ins.line, f"{image} is not pinned", f"FROM {image}")]
    if ins.keyword in ("ENV", "ARG"):
        return _secret_violations(ins)
    if ins.keyword == "ADD" and "--checksum" not in ins.args:
        urls = [w for w in ins.args.split() if re.match(r"(?i)https?://", w)]
        if urls:
            return [Violation(ADD_URL, ins.line, "ADD fetches a remote URL", f"ADD {urls[0]}")]
    if ins.keyword == "RUN" and _PIPE_TO_SHELL.search(ins.args):
        return [Violation(CURL_PIPE_SH, ins.line, "a download is piped into a shell", "RUN ...")]
    return []


def _final_chain(instructions: list[Instruction]) -> list[Instruction]:
    """Instructions of the final stage and of the earlier stages it is built FROM."""
    by_alias: dict[str, int] = {}
    for ins in instructions:
        if ins.keyword == "FROM":
            by_alias[_from_parts(ins)[1] or f"#{ins.stage}"] = ins.stage
    chain: list[Instruction] = []
    stage = max((i.stage for i in instructions), default=0)
    while True:
        own = [i for i in instructions if i.stage == stage]
        chain = own + chain
        parent = _from_parts(own[0])[0].lower() if own else ""
        if parent not in by_alias or by_alias[parent] >= stage:
            return chain
        stage = by_alias[parent]


def _is_root(user: str) -> bool:
    return user.split(":", 1)[0] in ("root", "0", "")


class DockerfileAuditor(ConfigAuditor):
    """Audits Dockerfiles: non-root user, pinned images, remote ADD, baked-in secrets, curl|sh."""

    id: ClassVar[str] = "dockerfile"
    file_names = frozenset({"Dockerfile", "Containerfile"})
    file_globs = ("Dockerfile.*", "*.Dockerfile", "*.dockerfile")
    checks = (USER_ROOT, ADD_URL, UNPINNED_IMAGE, SECRET_ENV, CURL_PIPE_SH, NO_HEALTHCHECK)
    cwes = frozenset(c.cwe for c in checks)
    validator = None

    def audit_text(self, text: str, path: str) -> list[Violation]:
        instructions = parse_dockerfile(text)
        if not any(i.keyword == "FROM" for i in instructions):
            raise ValueError("no FROM instruction")
        stages: set[str] = set()
        out: list[Violation] = []
        for ins in instructions:
            out += _per_instruction(ins, stages)
            if ins.keyword == "FROM" and _from_parts(ins)[1]:
                stages.add(_from_parts(ins)[1])
        out += _final_stage_violations(_final_chain(instructions))
        log.debug("%s: %d violations", path, len(out))
        return sorted(out, key=lambda v: (v.line, v.check.id, v.context))

    def fix_text(self, text: str, violations: Sequence[Violation]) -> str:
        if not any(v.check is USER_ROOT for v in violations):
            return text
        chain = _final_chain(parse_dockerfile(text))
        final = [i for i in chain if i.stage == chain[-1].stage]
        edits = LineEdits(text)
        last_user = max((i.end_line for i in final if i.keyword == "USER"), default=0)
        starts = [
            i.line for i in final if i.keyword in ("CMD", "ENTRYPOINT") and i.line > last_user
        ]
        point = starts[0] - 1 if starts else final[-1].end_line
        edits.insert_after(point, f"USER {_created_user(chain)}")
        return edits.apply()


def _final_stage_violations(chain: list[Instruction]) -> list[Violation]:
    final_from = next(i for i in reversed(chain) if i.keyword == "FROM")
    image = _from_parts(final_from)[0]
    context = f"final stage FROM {image}"
    out: list[Violation] = []
    users = [i for i in chain if i.keyword == "USER"]
    non_root_image = any(w in image.lower() for w in ("nonroot", "rootless"))
    if not users and not non_root_image:
        msg = "no USER instruction: the container runs as root"
        out.append(Violation(USER_ROOT, final_from.line, msg, f"FROM {image}", context))
    elif users and _is_root(users[-1].args.split()[0] if users[-1].args.split() else ""):
        msg = "the last USER is root"
        out.append(Violation(USER_ROOT, users[-1].line, msg, f"USER {users[-1].args}", context))
    checks = [i for i in chain if i.keyword == "HEALTHCHECK"]
    if not checks or checks[-1].args.strip().upper() == "NONE":
        msg = "the final image has no HEALTHCHECK"
        out.append(Violation(NO_HEALTHCHECK, final_from.line, msg, f"FROM {image}", context))
    return out


def _created_user(chain: list[Instruction]) -> str:
    """A user the build creates (useradd/adduser), else a conventional non-root UID."""
    for ins in reversed(chain):
        for m in _USER_CREATE.finditer(ins.args if ins.keyword == "RUN" else ""):
            words = m[2].split()
            if words and _NAME.match(words[-1]) and not words[-1].startswith("-"):
                return words[-1]
    return _DEFAULT_USER
