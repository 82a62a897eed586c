from markupsafe import Markup


def render_memo(text):
    text = text.strip()[:140]
    return Markup("<span class='memo'>" + text.replace("\n", "<br>") + "</span>")  # sink: 79
