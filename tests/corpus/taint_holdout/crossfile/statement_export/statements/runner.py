import subprocess

RENDERER = "/opt/statements/bin/render"


def run_renderer(account, fmt):
    cmd = " ".join([RENDERER, "--account", account, "--format", fmt, "--out", "/srv/exports"])
    output = subprocess.check_output(cmd, shell=True, timeout=120)  # sink: 78
    return output.decode().strip()
