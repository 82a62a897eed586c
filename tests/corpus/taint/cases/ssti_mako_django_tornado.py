# ruff: noqa
from django.http import JsonResponse
from django.template import Context, Template
from mako.template import Template as MakoTemplate
from tornado import template as tornado_template


def invoice_preview(request):
    layout = request.POST.get("layout", "")
    text = Template(layout).render(Context({"total": 10}))  # sink: 1336
    return JsonResponse({"preview": text})


def invoice(request):
    customer = request.GET.get("customer", "")
    text = Template("Invoice for {{ customer }}").render(Context({"customer": customer}))  # safe: 1336
    return JsonResponse({"text": text})


def receipt(request):
    footer = request.GET.get("footer", "")
    text = MakoTemplate(text="Receipt\n" + footer).render()  # sink: 1336
    return JsonResponse({"text": text})


def receipt2(request):
    footer = request.GET.get("footer", "")
    text = MakoTemplate("Receipt\n${footer}").render(footer=footer)  # safe: 1336
    return JsonResponse({"text": text})


def statement(request):
    line = request.GET["line"]
    text = tornado_template.Template("<p>%s</p>" % line).generate()  # sink: 1336
    return JsonResponse({"text": text.decode()})


def statement2(request):
    line = request.GET["line"]
    text = tornado_template.Template("<p>{{ line }}</p>").generate(line=line)  # safe: 1336
    return JsonResponse({"text": text.decode()})
