"""Customer pages: the searchable list (htmx partial updates) and the 360° page with its timeline."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from resonanz.customers import selectors
from resonanz.customers.models import AgeBand, Customer, Gender
from resonanz.feedback.selectors import can_see_original

PAGE_SIZE = 50
TIMELINE_PAGE = 50
_ANY = [("", _("alle"))]


class CustomerSearchForm(forms.Form):
    q = forms.CharField(label=_("Suche"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"placeholder": _("Name, E-Mail oder Kundennummer"),
                                                      "type": "search"}))
    country = forms.ChoiceField(label=_("Land"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    gender = forms.ChoiceField(label=_("Geschlecht"), required=False,
                               choices=_ANY + [(v or "unknown", lbl) for v, lbl in Gender.choices])
    age_band = forms.ChoiceField(label=_("Altersgruppe"), required=False,
                                 choices=_ANY + [(v or "unknown", lbl) for v, lbl in AgeBand.choices])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["country"].choices = _ANY + [(c, c) for c in selectors.country_choices()]
        self.fields["region"].choices = _ANY + [(r, r) for r in selectors.region_choices()]

    def filters(self) -> dict[str, str | None]:
        data = self.cleaned_data

        def choice(name: str) -> str | None:
            value = data.get(name) or None
            return "" if value == "unknown" else value

        return {"q": data.get("q", ""), "country": data.get("country", ""), "region": data.get("region", ""),
                "gender": choice("gender"), "age_band": choice("age_band")}


def _partial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and not htmx.boosted


@permission_required("customers.view_customer", raise_exception=True)
def customer_list(request: HttpRequest) -> HttpResponse:
    form = CustomerSearchForm(request.GET)
    qs = selectors.customer_list(**form.filters()) if form.is_valid() else Customer.objects.none()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "params": request.GET.urlencode()}
    template = "customers/_results.html" if _partial(request) else "customers/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@permission_required("customers.view_customer", raise_exception=True)
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The 360° page: profile, key figures and the first page of the unified timeline."""
    try:
        customer = selectors.customer_get(customer_id=customer_id)
    except Customer.DoesNotExist:
        raise Http404 from None
    figures = selectors.customer_key_figures(customer_id=customer_id)
    timeline = selectors.customer_timeline(
        customer_id=customer_id, limit=TIMELINE_PAGE, original_text=can_see_original(request.user),
        language=get_language() or "de",
    )
    attributes = sorted(customer.attributes.items()) if isinstance(customer.attributes, dict) else []
    return render(request, "customers/detail.html", {
        "customer": customer, "figures": figures, "timeline": timeline, "attributes": attributes,
    })


@permission_required("customers.view_customer", raise_exception=True)
def customer_timeline(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The next (older) timeline page as a fragment for htmx "load more"; a full page without htmx."""
    if not Customer.objects.filter(pk=customer_id).exists():
        raise Http404
    timeline = selectors.customer_timeline(
        customer_id=customer_id, before=request.GET.get("before"), limit=TIMELINE_PAGE,
        original_text=can_see_original(request.user), language=get_language() or "de",
    )
    template = "customers/_timeline_items.html" if _partial(request) else "customers/timeline.html"
    response = render(request, template, {"timeline": timeline, "customer_id": customer_id})
    patch_vary_headers(response, ["HX-Request"])
    return response
