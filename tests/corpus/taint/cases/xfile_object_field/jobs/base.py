# ruff: noqa
import subprocess


class Job:
    def __init__(self, target, owner="batch"):
        self.target = target
        self.owner = owner


class Archive(Job):
    def run(self):
        return subprocess.run("tar czf /tmp/out.tgz " + self.target, shell=True)  # sink: 78
