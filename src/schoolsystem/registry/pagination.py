"""GOV.UK pagination component items for a Django Page, keeping the other query parameters."""

from django.core.paginator import Page, Paginator


def paginate(request, items, per_page: int = 25) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def pagination(request, page: Page) -> dict | None:
    """Context for registry/_pagination.html: previous/next links and numbered items with ellipses."""
    if page.paginator.num_pages <= 1:
        return None

    def href(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        return f"?{params.urlencode()}"

    current, last = page.number, page.paginator.num_pages
    numbers = sorted({1, last, *range(max(1, current - 1), min(last, current + 1) + 1)})
    items, previous = [], 0
    for number in numbers:
        if number - previous > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": href(number), "current": number == current})
        previous = number
    return {
        "previous": href(current - 1) if page.has_previous() else None,
        "next": href(current + 1) if page.has_next() else None,
        "items": items,
    }
