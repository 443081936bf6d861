"""Follow a service's nextLinks, but never in a circle or without end."""
from azure.cli.core.azclierror import AzureResponseError

# 1,000 pages of ARM's 100 items are 100,000 results: far beyond any cluster's extensions or a region's types.
MAX_PAGES = 1000


def all_items(paged, what):
    """Every item of an azure-core ItemPaged; stop with an error when a nextLink repeats or pages never end."""
    pages = paged.by_page()
    seen, count = set(), 0
    for page in pages:
        yield from page
        count += 1
        link = pages.continuation_token
        if link is None:
            return
        if link in seen:
            raise AzureResponseError(
                f"Azure returned a nextLink it had already returned while listing {what}: stopped after {count} "
                "page(s) instead of looping.", "Retry later; if it persists the service is at fault.")
        if count >= MAX_PAGES:
            raise AzureResponseError(
                f"Azure kept returning more pages while listing {what}: stopped after {count} pages.",
                "Retry later; if it persists the service is at fault.")
        seen.add(link)
