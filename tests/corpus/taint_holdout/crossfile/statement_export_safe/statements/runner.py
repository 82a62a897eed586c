import subprocess

RENDERER = "/opt/statements/bin/render"


def run_renderer(account_id, fmt):
    cmd = f"{RENDERER} --account {account_id} --format {fmt} --out /srv/exports 2>&1"
    output = subprocess.check_output(cmd, shell=True, timeout=120)  # safe: 78
    return output.decode().strip()
