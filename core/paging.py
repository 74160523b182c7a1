"""What list pages share: the filters of the request, carried into the page links."""


def querystring_without_page(request):
    """The request's query string without `page`, for links to the other pages of the same list."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
