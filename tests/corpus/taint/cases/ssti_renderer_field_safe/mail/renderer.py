# ruff: noqa
from jinja2 import Environment, FileSystemLoader

WELCOME = "Welcome {{ name }}, thanks for shopping at {{ shop }}."


class Renderer:
    def __init__(self, folder):
        self.env = Environment(loader=FileSystemLoader(folder), autoescape=True)

    def render_text(self, source, **values):
        return self.env.from_string(source).render(**values)  # safe: 1336
