from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key: str) -> object:
    return mapping.get(key, 0) if mapping else 0


@register.filter
def count_label(value: object) -> str:
    """A menu count: "1000+" when the (capped) count went beyond the cap."""
    from tenants.dossiers.selectors import COUNT_CAP

    n = int(value or 0)
    return f"{COUNT_CAP}+" if n > COUNT_CAP else str(n)
