from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe


@login_required
def update_profile(request):
    if request.method != "POST":
        return render(request, "profile/edit.html")
    tagline = request.POST.get("tagline", "")
    nickname = request.POST.get("nickname", "")
    profile = request.user.profile
    profile.tagline, profile.nickname = tagline[:120], nickname[:40]
    profile.save()
    messages.success(request, format_html("Saved tagline: <em>{}</em>", tagline))  # safe: 79
    messages.info(request, mark_safe("Nickname set to <b>%s</b>" % escape(nickname)))  # safe: 79
    return redirect("profile")
