from markupsafe import Markup, escape


def render_memo(text):
    escaped = escape(text.strip()[:140])
    return Markup(f"<span class='memo'>{escaped}</span>")  # safe: 79
