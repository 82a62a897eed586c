from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe


@login_required
def update_profile(request):
    if request.method == "POST":
        tagline = request.POST.get("tagline", "")
        profile = request.user.profile
        profile.tagline = tagline[:120]
        profile.save(update_fields=["tagline"])
        messages.success(request, mark_safe(f"Saved tagline: <em>{tagline}</em>"))  # sink: 79
        return redirect("profile")
    return render(request, "profile/edit.html")
